//! `/api/v1/departments`: the organisation's units. Everyone reads them; admins manage.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use handoff_domain::FieldErrors;
use handoff_domain::org::{check_handle, would_create_cycle};
use handoff_domain::validation::text;
use handoff_store::departments::{self, Department, DepartmentChanges, NewDepartment};
use handoff_store::{StoreError, calendars};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DEFAULT_LIMIT, MAX_LIMIT, Page, id_page, time};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, or_404, unique_as_field};
use crate::extract::{ApiJson, ApiPath, QueryMap, nullable};

#[derive(Serialize, ToSchema)]
pub struct DepartmentJson {
    pub id: i64,
    pub name: String,
    pub handle: String,
    pub parent_id: Option<i64>,
    /// The business calendar its SLAs count in; `null` counts calendar time.
    pub calendar_id: Option<i64>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl From<Department> for DepartmentJson {
    fn from(d: Department) -> Self {
        Self {
            id: d.id,
            created_at: time(d.created_at),
            name: d.name,
            handle: d.handle,
            parent_id: d.parent_id,
            calendar_id: d.calendar_id,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDepartment {
    pub name: String,
    /// 2 to 32 lowercase letters, digits or hyphens, unique.
    pub handle: String,
    #[serde(default)]
    pub parent_id: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDepartment {
    pub name: Option<String>,
    pub handle: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<i64>>,
    /// The department's managers may change this one themselves.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub calendar_id: Option<Option<i64>>,
}

fn admin_only(caller: &Caller) -> Result<(), ApiError> {
    if caller.0.is_admin() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "only an administrator manages departments",
        ))
    }
}

async fn check_parent(
    state: &AppState,
    errors: &mut FieldErrors,
    id: Option<i64>,
    parent: i64,
) -> Result<(), ApiError> {
    let parents = departments::parents(&state.db).await?;
    if !parents.iter().any(|(d, _)| *d == parent) {
        errors.add("parent_id", "no such department");
    } else if let Some(id) = id {
        let parent_of = |d: i64| parents.iter().find(|(x, _)| *x == d).and_then(|(_, p)| *p);
        if would_create_cycle(id, parent, parent_of) {
            errors.add("parent_id", "would make the department its own ancestor");
        }
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/departments", tag = "departments", request_body = CreateDepartment,
    responses((status = 201, body = DepartmentJson), (status = 422, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateDepartment>,
) -> Result<(StatusCode, Json<DepartmentJson>), ApiError> {
    admin_only(&caller)?;
    let mut errors = FieldErrors::new();
    let name = text(&mut errors, "name", &body.name, 100);
    let handle = check_handle(&mut errors, "handle", &body.handle);
    if let Some(parent) = body.parent_id {
        check_parent(&state, &mut errors, None, parent).await?;
    }
    errors.into_result(()).map_err(ApiError::invalid)?;
    let new = NewDepartment {
        name: &name,
        handle: &handle,
        parent_id: body.parent_id,
    };
    let department = departments::create(&state.db, &new, state.clock.now())
        .await
        .map_err(|e| unique_as_field(e, "handle", "is taken by another department"))?;
    Ok((StatusCode::CREATED, Json(department.into())))
}

#[utoipa::path(get, path = "/api/v1/departments", tag = "departments",
    params(("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = Page<DepartmentJson>)))]
pub async fn list(
    State(state): State<AppState>,
    _caller: Caller,
    query: QueryMap,
) -> Result<Json<Page<DepartmentJson>>, ApiError> {
    query.only(&["cursor", "limit"])?;
    let mut errors = FieldErrors::new();
    let limit = query.limit(&mut errors, DEFAULT_LIMIT, MAX_LIMIT);
    let after = query.id_cursor(&mut errors);
    errors.into_result(()).map_err(ApiError::invalid)?;
    let rows = departments::list(&state.db, after, limit).await?;
    Ok(Json(id_page(rows, limit, |d| d.id, DepartmentJson::from)))
}

#[utoipa::path(get, path = "/api/v1/departments/{id}",
    params(("id" = i64, Path)), tag = "departments",
    responses((status = 200, body = DepartmentJson), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DepartmentJson>, ApiError> {
    let department = departments::get(&state.db, id)
        .await
        .map_err(or_404("department"))?;
    Ok(Json(department.into()))
}

#[utoipa::path(patch, path = "/api/v1/departments/{id}",
    params(("id" = i64, Path)), tag = "departments", request_body = UpdateDepartment,
    responses((status = 200, body = DepartmentJson), (status = 404, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<UpdateDepartment>,
) -> Result<Json<DepartmentJson>, ApiError> {
    let only_calendar = body.name.is_none() && body.handle.is_none() && body.parent_id.is_none();
    if !(only_calendar && caller.0.manages(id)) {
        admin_only(&caller)?;
    }
    departments::get(&state.db, id)
        .await
        .map_err(or_404("department"))?;
    let mut errors = FieldErrors::new();
    let name = body
        .name
        .as_deref()
        .map(|n| text(&mut errors, "name", n, 100));
    let handle = body
        .handle
        .as_deref()
        .map(|h| check_handle(&mut errors, "handle", h));
    if let Some(Some(parent)) = body.parent_id {
        check_parent(&state, &mut errors, Some(id), parent).await?;
    }
    if let Some(Some(calendar)) = body.calendar_id {
        match calendars::get(&state.db, calendar).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => errors.add("calendar_id", "no such calendar"),
            Err(other) => return Err(other.into()),
        }
    }
    errors.into_result(()).map_err(ApiError::invalid)?;
    let changes = DepartmentChanges {
        calendar_id: body.calendar_id,
        name: name.as_deref(),
        handle: handle.as_deref(),
        parent_id: body.parent_id,
    };
    let department = handoff_app::calendars::change_department(&state.app, id, &changes).await?;
    Ok(Json(department.into()))
}

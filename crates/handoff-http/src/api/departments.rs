//! `/api/v1/departments`: the organisation's units. Everyone reads them; admins manage.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use handoff_app::org::{self, DepartmentChanges, DepartmentDraft};
use handoff_domain::FieldErrors;
use handoff_store::departments::{self, Department};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DEFAULT_LIMIT, MAX_LIMIT, Page, id_page, time};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, or_404};
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

#[utoipa::path(post, path = "/api/v1/departments", tag = "departments", request_body = CreateDepartment,
    responses((status = 201, body = DepartmentJson), (status = 422, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateDepartment>,
) -> Result<(StatusCode, Json<DepartmentJson>), ApiError> {
    let draft = DepartmentDraft {
        name: &body.name,
        handle: &body.handle,
        parent_id: body.parent_id,
    };
    let department = org::create_department(&state.app, &caller.0, &draft).await?;
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
    let rows = departments::list(&state.app.db, after, limit).await?;
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
    let department = departments::get(&state.app.db, id)
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
    let edit = DepartmentChanges {
        name: body.name.as_deref(),
        handle: body.handle.as_deref(),
        parent_id: body.parent_id,
        calendar_id: body.calendar_id,
    };
    let department = org::change_department(&state.app, &caller.0, id, &edit).await?;
    Ok(Json(department.into()))
}

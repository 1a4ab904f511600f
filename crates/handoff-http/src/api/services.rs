//! `/api/v1/services`: each department's catalog. Everyone reads it; a department's
//! managers (and admins) manage its services.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use handoff_domain::FieldErrors;
use handoff_domain::form::{FieldDef, check_definition};
use handoff_domain::validation::{optional_text, text};
use handoff_store::services::{self, NewService, Service, ServiceChanges, ServiceFilter};
use handoff_store::{departments, people};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DEFAULT_LIMIT, MAX_LIMIT, Page, id_page, time};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, or_404, unique_as_field};
use crate::extract::{ApiJson, ApiPath, QueryMap, nullable};

#[derive(Serialize, ToSchema)]
pub struct ServiceJson {
    pub id: i64,
    pub department_id: i64,
    pub name: String,
    pub description: String,
    pub owner_id: Option<i64>,
    /// Open to every department, or only to its own and `audience`.
    pub open_to_everyone: bool,
    pub audience: Vec<i64>,
    /// Requests are visible only to the requester, their watchers and the providing
    /// department (HR and Legal cases).
    pub confidential: bool,
    pub active: bool,
    pub fields: Vec<FieldDef>,
    /// A request's resolution clock pauses while it waits on its linked requests.
    pub pause_on_links: bool,
    /// Whether the caller may file a request to it.
    pub requestable: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl ServiceJson {
    fn new(s: Service, caller: &Caller) -> Self {
        Self {
            requestable: s.open_to(caller.0.department_id),
            id: s.id,
            department_id: s.department_id,
            name: s.name,
            description: s.description,
            owner_id: s.owner_id,
            open_to_everyone: s.open_to_everyone,
            audience: s.audience,
            confidential: s.confidential,
            active: s.active,
            fields: s.fields,
            pause_on_links: s.pause_on_links,
            created_at: time(s.created_at),
            updated_at: time(s.updated_at),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateService {
    pub department_id: i64,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub owner_id: Option<i64>,
    #[serde(default = "yes")]
    pub open_to_everyone: bool,
    #[serde(default)]
    pub audience: Vec<i64>,
    #[serde(default)]
    pub confidential: bool,
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    /// Pause a request's resolution clock while it waits on its linked requests
    /// (default off).
    #[serde(default)]
    pub pause_on_links: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateService {
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub owner_id: Option<Option<i64>>,
    pub open_to_everyone: Option<bool>,
    pub audience: Option<Vec<i64>>,
    pub confidential: Option<bool>,
    /// `false` archives the service: it leaves the catalog and takes no new requests.
    pub active: Option<bool>,
    pub fields: Option<Vec<FieldDef>>,
    pub pause_on_links: Option<bool>,
}

fn may_manage(caller: &Caller, department: i64) -> Result<(), ApiError> {
    if caller.0.manages(department) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "only the department's managers and administrators manage its services",
        ))
    }
}

/// Checks the owner (an active member of the department) and the audience (departments).
async fn check_refs(
    state: &AppState,
    errors: &mut FieldErrors,
    department: i64,
    owner: Option<i64>,
    audience: &[i64],
) -> Result<(), ApiError> {
    if let Some(owner) = owner
        && people::active_among(&state.db, &[owner], Some(department))
            .await?
            .is_empty()
    {
        errors.add(
            "owner_id",
            "must be an active member of the service's department",
        );
    }
    if audience.len() > 500 {
        errors.add("audience", "at most 500 departments");
    } else if !audience.is_empty() {
        let known = departments::parents(&state.db).await?;
        for (i, d) in audience.iter().enumerate() {
            if !known.iter().any(|(k, _)| k == d) {
                errors.add(format!("audience[{i}]"), "no such department");
            } else if audience[..i].contains(d) {
                errors.add(format!("audience[{i}]"), "is listed twice");
            }
        }
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/services", tag = "services", request_body = CreateService,
    responses((status = 201, body = ServiceJson), (status = 422, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateService>,
) -> Result<(StatusCode, Json<ServiceJson>), ApiError> {
    departments::get(&state.db, body.department_id)
        .await
        .map_err(|_| ApiError::field("department_id", "no such department"))?;
    may_manage(&caller, body.department_id)?;
    let mut errors = FieldErrors::new();
    let name = text(&mut errors, "name", &body.name, 120);
    let description = optional_text(&mut errors, "description", &body.description, 5000);
    if let Err(form) = check_definition("fields", &body.fields) {
        for (field, reason) in form.iter() {
            errors.add(field, reason);
        }
    }
    check_refs(
        &state,
        &mut errors,
        body.department_id,
        body.owner_id,
        &body.audience,
    )
    .await?;
    errors.into_result(()).map_err(ApiError::invalid)?;
    let new = NewService {
        department_id: body.department_id,
        name: &name,
        description: &description,
        owner_id: body.owner_id,
        open_to_everyone: body.open_to_everyone,
        audience: &body.audience,
        confidential: body.confidential,
        fields: &body.fields,
        pause_on_links: body.pause_on_links,
    };
    let service = services::create(&state.db, &new, state.clock.now())
        .await
        .map_err(|e| {
            unique_as_field(
                e,
                "name",
                "the department already has a service by this name",
            )
        })?;
    Ok((
        StatusCode::CREATED,
        Json(ServiceJson::new(service, &caller)),
    ))
}

#[utoipa::path(get, path = "/api/v1/services", tag = "services",
    params(("department_id" = Option<i64>, Query), ("active" = Option<bool>, Query),
           ("requestable" = Option<bool>, Query, description = "Only services the caller may request"),
           ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = Page<ServiceJson>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: QueryMap,
) -> Result<Json<Page<ServiceJson>>, ApiError> {
    query.only(&["department_id", "active", "requestable", "cursor", "limit"])?;
    let mut errors = FieldErrors::new();
    let requestable = query.bool(&mut errors, "requestable") == Some(true);
    let filter = ServiceFilter {
        department_id: query.id(&mut errors, "department_id"),
        active: if requestable {
            Some(true)
        } else {
            query.bool(&mut errors, "active")
        },
        requestable_by: requestable.then_some(caller.0.department_id),
    };
    let limit = query.limit(&mut errors, DEFAULT_LIMIT, MAX_LIMIT);
    let after = query.id_cursor(&mut errors);
    errors.into_result(()).map_err(ApiError::invalid)?;
    let rows = services::list(&state.db, &filter, after, limit).await?;
    Ok(Json(id_page(
        rows,
        limit,
        |s| s.id,
        |s| ServiceJson::new(s, &caller),
    )))
}

#[utoipa::path(get, path = "/api/v1/services/{id}",
    params(("id" = i64, Path)), tag = "services",
    responses((status = 200, body = ServiceJson), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ServiceJson>, ApiError> {
    let service = services::get(&state.db, id)
        .await
        .map_err(or_404("service"))?;
    Ok(Json(ServiceJson::new(service, &caller)))
}

#[utoipa::path(patch, path = "/api/v1/services/{id}",
    params(("id" = i64, Path)), tag = "services", request_body = UpdateService,
    responses((status = 200, body = ServiceJson), (status = 404, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<UpdateService>,
) -> Result<Json<ServiceJson>, ApiError> {
    let current = services::get(&state.db, id)
        .await
        .map_err(or_404("service"))?;
    may_manage(&caller, current.department_id)?;
    let mut errors = FieldErrors::new();
    let name = body
        .name
        .as_deref()
        .map(|n| text(&mut errors, "name", n, 120));
    let description = body
        .description
        .as_deref()
        .map(|d| optional_text(&mut errors, "description", d, 5000));
    if let Some(Err(form)) = body
        .fields
        .as_deref()
        .map(|f| check_definition("fields", f))
    {
        for (field, reason) in form.iter() {
            errors.add(field, reason);
        }
    }
    let audience = body.audience.as_deref().unwrap_or(&[]);
    check_refs(
        &state,
        &mut errors,
        current.department_id,
        body.owner_id.flatten(),
        audience,
    )
    .await?;
    errors.into_result(()).map_err(ApiError::invalid)?;
    let changes = ServiceChanges {
        name: name.as_deref(),
        description: description.as_deref(),
        owner_id: body.owner_id,
        open_to_everyone: body.open_to_everyone,
        audience: body.audience.as_deref(),
        confidential: body.confidential,
        active: body.active,
        fields: body.fields.as_deref(),
        pause_on_links: body.pause_on_links,
    };
    let service = services::update(&state.db, id, &changes, state.clock.now())
        .await
        .map_err(|e| {
            unique_as_field(
                e,
                "name",
                "the department already has a service by this name",
            )
        })?;
    Ok(Json(ServiceJson::new(service, &caller)))
}

//! `/api/v1/services`: each department's catalog. Everyone reads it; a department's
//! managers (and admins) manage its services.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use handoff_app::services::{ServiceChanges, ServiceDraft};
use handoff_domain::FieldErrors;
use handoff_domain::form::FieldDef;
use handoff_store::services::{self, Service, ServiceFilter};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DEFAULT_LIMIT, MAX_LIMIT, Page, id_page, time};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, or_404};
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

#[utoipa::path(post, path = "/api/v1/services", tag = "services", request_body = CreateService,
    responses((status = 201, body = ServiceJson), (status = 422, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateService>,
) -> Result<(StatusCode, Json<ServiceJson>), ApiError> {
    let draft = ServiceDraft {
        department_id: body.department_id,
        name: &body.name,
        description: &body.description,
        owner_id: body.owner_id,
        open_to_everyone: body.open_to_everyone,
        audience: &body.audience,
        confidential: body.confidential,
        fields: &body.fields,
        pause_on_links: body.pause_on_links,
    };
    let service = handoff_app::services::create(&state.app, &caller.0, &draft).await?;
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
    let rows = services::list(&state.app.db, &filter, after, limit).await?;
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
    let service = services::get(&state.app.db, id)
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
    let edit = ServiceChanges {
        name: body.name.as_deref(),
        description: body.description.as_deref(),
        owner_id: body.owner_id,
        open_to_everyone: body.open_to_everyone,
        audience: body.audience.as_deref(),
        confidential: body.confidential,
        active: body.active,
        fields: body.fields.as_deref(),
        pause_on_links: body.pause_on_links,
    };
    let service = handoff_app::services::change(&state.app, &caller.0, id, &edit).await?;
    Ok(Json(ServiceJson::new(service, &caller)))
}

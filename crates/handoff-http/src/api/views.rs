//! `/api/v1/me/views`: the caller's saved views of the request lists, each a name and the
//! list's query string (`view=queue&status=open&q=poster`), opened at `/requests?…`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use handoff_store::views::SavedView;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::time;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};

#[derive(Serialize, ToSchema)]
pub struct ViewJson {
    pub id: i64,
    pub name: String,
    /// The list's query string, in canonical form.
    pub query: String,
    /// The list's page.
    pub href: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl From<SavedView> for ViewJson {
    fn from(v: SavedView) -> Self {
        ViewJson {
            href: format!("/requests?{}", v.query),
            id: v.id,
            name: v.name,
            query: v.query,
            created_at: time(v.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ViewList {
    pub items: Vec<ViewJson>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateView {
    /// 1 to 60 characters, not one of the caller's other views' names.
    pub name: String,
    /// The list's query string: `view` (queue, assigned, unassigned, breaching, waiting,
    /// mine), `status` (active, all or a status), `priority`, `q`; nothing else.
    pub query: String,
}

/// The caller's saved views
///
/// By name. Each person sees only their own.
#[utoipa::path(get, path = "/api/v1/me/views", tag = "requests",
    responses((status = 200, body = ViewList)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<ViewList>, ApiError> {
    let items = handoff_app::views::mine(&state.app, &actor)
        .await?
        .into_iter()
        .map(ViewJson::from)
        .collect();
    Ok(Json(ViewList { items }))
}

/// Saves a view of the request lists
///
/// The query is checked: only the list's own parameters, each once, each with a value
/// it knows; it is kept in canonical form. A person keeps at most 50 views (409).
#[utoipa::path(post, path = "/api/v1/me/views", tag = "requests", request_body = CreateView,
    responses((status = 201, body = ViewJson),
              (status = 409, body = crate::error::ErrorBody, description = "The name is taken, or the caller has 50 views"),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<CreateView>,
) -> Result<(StatusCode, Json<ViewJson>), ApiError> {
    let saved = handoff_app::views::save(&state.app, &actor, &body.name, &body.query).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// Deletes one of the caller's views
///
/// Someone else's view is not found.
#[utoipa::path(delete, path = "/api/v1/me/views/{id}",
    params(("id" = i64, Path)), tag = "requests",
    responses((status = 200, body = ViewJson), (status = 404, body = crate::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ViewJson>, ApiError> {
    let deleted = handoff_app::views::delete(&state.app, &actor, id).await?;
    Ok(Json(deleted.into()))
}

//! `/api/v1/requests/{id}/watchers`: people who follow a request. The requester and those
//! who work the request add and remove them; anyone may stop watching.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use handoff_store::watchers;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::requests::visible;
use super::time;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};

#[derive(Serialize, ToSchema)]
pub struct WatcherJson {
    pub person_id: i64,
    pub added_by: i64,
    #[schema(value_type = String, format = DateTime)]
    pub added_at: Timestamp,
}

#[derive(Serialize, ToSchema)]
pub struct WatcherList {
    pub items: Vec<WatcherJson>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddWatcher {
    pub person_id: i64,
}

#[utoipa::path(get, path = "/api/v1/requests/{id}/watchers",
    params(("id" = i64, Path)), tag = "requests",
    responses((status = 200, body = WatcherList), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<WatcherList>, ApiError> {
    visible(&state, &actor, id).await?;
    let items = watchers::list(&state.app.db, id)
        .await?
        .into_iter()
        .map(|w| WatcherJson {
            person_id: w.person_id,
            added_by: w.added_by,
            added_at: time(w.added_at),
        })
        .collect();
    Ok(Json(WatcherList { items }))
}

#[utoipa::path(post, path = "/api/v1/requests/{id}/watchers",
    params(("id" = i64, Path)), tag = "requests", request_body = AddWatcher,
    responses((status = 201, body = WatcherList), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AddWatcher>,
) -> Result<(StatusCode, Json<WatcherList>), ApiError> {
    handoff_app::watchers::add(&state.app, &actor, id, body.person_id).await?;
    let Json(list) = list(State(state), Caller(actor), ApiPath(id)).await?;
    Ok((StatusCode::CREATED, Json(list)))
}

#[utoipa::path(delete, path = "/api/v1/requests/{id}/watchers/{person_id}",
    params(("id" = i64, Path), ("person_id" = i64, Path)), tag = "requests",
    responses((status = 204, description = "No longer watching"), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath((id, person_id)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    if handoff_app::watchers::remove(&state.app, &actor, id, person_id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound("watcher"))
    }
}

//! `GET /api/v1/requests/{id}`.

use axum::Json;
use axum::extract::State;

use super::{RequestJson, visible};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiPath;

#[utoipa::path(get, path = "/api/v1/requests/{id}",
    params(("id" = i64, Path)), tag = "requests",
    responses((status = 200, body = RequestJson),
              (status = 404, body = crate::error::ErrorBody, description = "Missing, or not visible to the caller")))]
pub async fn get(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<RequestJson>, ApiError> {
    let (request, _) = visible(&state, &actor, id).await?;
    Ok(Json(request.try_into()?))
}

//! `PATCH /api/v1/requests/{id}`: status, assignee, priority, subject, description.

use axum::Json;
use axum::extract::State;
use handoff_app::requests::ChangeRequest;
use handoff_domain::access::Actor;
use handoff_domain::request::{Priority, Status};
use handoff_store::requests::Request;
use serde::Deserialize;
use utoipa::ToSchema;

use super::RequestJson;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, nullable};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    pub status: Option<Status>,
    /// A member of the providing department, or `null` to unassign.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub assignee_id: Option<Option<i64>>,
    pub priority: Option<Priority>,
    pub subject: Option<String>,
    pub description: Option<String>,
}

#[utoipa::path(patch, path = "/api/v1/requests/{id}",
    params(("id" = i64, Path)), tag = "requests", request_body = UpdateRequest,
    responses((status = 200, body = RequestJson),
              (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "Illegal status move; the message names the allowed ones"),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<UpdateRequest>,
) -> Result<Json<RequestJson>, ApiError> {
    let updated = apply(&state, &actor, id, body).await?;
    Ok(Json(updated.try_into()?))
}

/// Applies `body` to request `id` as `actor`; shared by the API and the pages.
pub async fn apply(
    state: &AppState,
    actor: &Actor,
    id: i64,
    body: UpdateRequest,
) -> Result<Request, ApiError> {
    let change = ChangeRequest {
        status: body.status,
        assignee_id: body.assignee_id,
        priority: body.priority,
        subject: body.subject,
        description: body.description,
    };
    let (request, _) = handoff_app::requests::change(&state.app, actor, id, change).await?;
    Ok(request)
}

//! `POST /api/v1/requests/bulk`: assign many requests and/or move them to a status, all
//! or nothing.

use axum::Json;
use axum::extract::State;
use handoff_app::bulk::BulkChange;
use handoff_domain::request::Status;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::RequestJson;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, nullable};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkUpdate {
    /// The requests to change, 1 to 500, each once.
    #[schema(min_items = 1, max_items = 500)]
    pub ids: Vec<i64>,
    /// The status to move every request to.
    pub status: Option<Status>,
    /// An active member of each request's providing department, or `null` to unassign.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub assignee_id: Option<Option<i64>>,
}

#[derive(Serialize, ToSchema)]
pub struct BulkResult {
    /// The requests as they are now, in the order asked.
    pub items: Vec<RequestJson>,
}

/// Changes many requests at once
///
/// Every request is checked first, by the rules of `PATCH /api/v1/requests/{id}`: the
/// caller sees it and may work it (or, for a status move alone, make that move), the
/// move is allowed from its current status, the assignee belongs to its providing
/// department. If any is refused, nothing is written and the 409 names each refused one
/// as `ids[i]` with its id and the reason. Otherwise all are changed in one transaction,
/// each with its own history and SLA clock moves.
#[utoipa::path(post, path = "/api/v1/requests/bulk", tag = "requests", request_body = BulkUpdate,
    responses((status = 200, body = BulkResult),
              (status = 409, body = crate::error::ErrorBody, description = "Some requests cannot be changed so: each is named as `ids[i]`; nothing was changed"),
              (status = 422, body = crate::error::ErrorBody, description = "Bad input, named by field: `ids`, `ids[i]`, `status`, `assignee_id`")))]
pub async fn bulk(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<BulkUpdate>,
) -> Result<Json<BulkResult>, ApiError> {
    let change = BulkChange {
        status: body.status,
        assignee_id: body.assignee_id,
    };
    let done = handoff_app::bulk::change_many(&state.app, &actor, &body.ids, change).await?;
    let items = done
        .into_iter()
        .map(|(request, _)| RequestJson::try_from(request))
        .collect::<Result<_, _>>()?;
    Ok(Json(BulkResult { items }))
}

//! Handoffs between departments: `POST /api/v1/requests/{id}/transfer` passes a request
//! to another department's service; `GET /api/v1/requests/{id}/stints` shows each
//! department's stretch of it with its own clocks.

use axum::Json;
use axum::extract::State;
use handoff_app::stints::{StintView, Stints};
use handoff_app::transfers::Transfer;
use handoff_domain::request::StintEnd;
use handoff_domain::sla::Target;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::request_sla::{minutes, read_clocks};
use super::requests::RequestJson;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// The service of another department that takes the request over.
    pub service_id: i64,
    /// Why it is passed on; the requester reads it.
    pub reason: String,
    /// Values for the new service's form, by field key; values the request already has
    /// under the same keys are kept unless replaced here.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
}

#[utoipa::path(post, path = "/api/v1/requests/{id}/transfer", tag = "requests",
    params(("id" = i64, Path)), request_body = TransferRequest,
    responses((status = 200, body = RequestJson),
              (status = 403, body = crate::error::ErrorBody, description = "Not an agent of the department holding it"),
              (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "Resolved or closed, or moved meanwhile"),
              (status = 422, body = crate::error::ErrorBody, description = "Same department, a service the requester may not use, a missing reason or form value")))]
pub async fn transfer(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<TransferRequest>,
) -> Result<Json<RequestJson>, ApiError> {
    let command = Transfer {
        service_id: body.service_id,
        reason: body.reason,
        fields: body.fields,
    };
    let done = handoff_app::transfers::transfer(&state.app, &actor, id, command).await?;
    Ok(Json(done.request.try_into()?))
}

#[derive(Serialize, ToSchema)]
pub struct StintTargetJson {
    pub target: Target,
    pub allowed_minutes: f64,
    pub used_minutes: f64,
    /// When its time ran (or runs) out.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub due_at: Option<Timestamp>,
    /// `true` met, `false` breached, `null` still running within target. A target still
    /// running when a transfer ended its stint is met if the transfer came in time.
    pub met: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct StintJson {
    /// 1 for the first department that held the request.
    pub seq: i32,
    pub department_id: i64,
    pub service_id: i64,
    #[schema(value_type = String, format = DateTime)]
    pub from: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub to: Option<Timestamp>,
    pub ended_by: Option<StintEnd>,
    /// Business minutes (in the department's calendar) open and not paused.
    pub business_minutes_held: f64,
    /// The rest of the stint: waiting on the customer, resolved.
    pub business_minutes_paused: f64,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub first_response_at: Option<Timestamp>,
    pub targets: Vec<StintTargetJson>,
    /// Why the department passed it on, when a transfer ended the stint.
    pub reason: Option<String>,
    pub transferred_by: Option<i64>,
}

/// The whole request as its requester lived it.
#[derive(Serialize, ToSchema)]
pub struct EndToEndJson {
    #[schema(value_type = String, format = DateTime)]
    pub from: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub to: Option<Timestamp>,
    /// In the requester's department's calendar.
    pub business_minutes: f64,
    pub elapsed_minutes: f64,
}

#[derive(Serialize, ToSchema)]
pub struct StintList {
    pub items: Vec<StintJson>,
    /// Absent for a department that sees the request only as a former holder.
    pub end_to_end: Option<EndToEndJson>,
}

/// Stints in their JSON form; shared by the API and the pages.
pub fn stint_json(id: i64, stint: StintView, now: Timestamp) -> Result<StintJson, ApiError> {
    let targets = read_clocks(id, stint.clocks, &stint.timekeeping, now)?
        .into_iter()
        .map(|c| StintTargetJson {
            target: c.target,
            allowed_minutes: c.allowed_minutes,
            used_minutes: c.used_minutes,
            due_at: c.due_at,
            met: c.met,
        })
        .collect();
    Ok(StintJson {
        seq: stint.seq,
        department_id: stint.department_id,
        service_id: stint.service_id,
        from: stint.from,
        to: stint.to,
        ended_by: stint.ended_by,
        business_minutes_held: minutes(stint.time.held),
        business_minutes_paused: minutes(stint.time.paused),
        first_response_at: stint.first_response_at,
        targets,
        reason: stint.reason,
        transferred_by: stint.transferred_by,
    })
}

pub fn stint_list(id: i64, stints: Stints, now: Timestamp) -> Result<StintList, ApiError> {
    let items = stints
        .items
        .into_iter()
        .map(|s| stint_json(id, s, now))
        .collect::<Result<_, _>>()?;
    let end_to_end = stints.end_to_end.map(|e| EndToEndJson {
        from: e.from,
        to: e.to,
        business_minutes: minutes(e.business),
        elapsed_minutes: minutes(e.elapsed),
    });
    Ok(StintList { items, end_to_end })
}

#[utoipa::path(get, path = "/api/v1/requests/{id}/stints", tag = "requests",
    params(("id" = i64, Path)),
    responses((status = 200, body = StintList), (status = 404, body = crate::error::ErrorBody)))]
pub async fn stints(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<StintList>, ApiError> {
    let stints = handoff_app::stints::of_request(&state.app, &actor, id).await?;
    Ok(Json(stint_list(id, stints, state.clock.now())?))
}

//! Handoffs between departments: `POST /api/v1/requests/{id}/transfer` passes a request
//! to another department's service; `GET /api/v1/requests/{id}/stints` shows each
//! department's stretch of it with its own clocks; `/api/v1/requests/{id}/links` files
//! and lists the requests filed to other departments on its behalf.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use handoff_app::links::Linked;
use handoff_app::stints::{StintView, Stints};
use handoff_app::transfers::Transfer;
use handoff_domain::request::StintEnd;
use handoff_domain::sla::Target;
use handoff_store::departments;
use handoff_store::requests::Request;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::request_sla::{minutes, read_clocks};
use super::requests::{CreateRequest, RequestJson};
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

impl From<TransferRequest> for Transfer {
    fn from(body: TransferRequest) -> Self {
        Transfer {
            service_id: body.service_id,
            reason: body.reason,
            fields: body.fields,
        }
    }
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
    let done = handoff_app::transfers::transfer(&state.app, &actor, id, body.into()).await?;
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
    /// Of the paused time, what was spent waiting on linked requests (when the service
    /// pauses for them), per department waited on: the one holding the last linked
    /// request resolved; `null` while still waiting.
    pub waiting_on_linked: Vec<WaitJson>,
}

#[derive(Serialize, ToSchema)]
pub struct WaitJson {
    pub department_id: Option<i64>,
    pub business_minutes: f64,
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
        waiting_on_linked: stint
            .waited_on
            .into_iter()
            .map(|(department_id, time)| WaitJson {
                department_id,
                business_minutes: minutes(time),
            })
            .collect(),
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
    Ok(Json(stint_list(id, stints, state.app.clock.now())?))
}

#[utoipa::path(post, path = "/api/v1/requests/{id}/links", tag = "requests",
    params(("id" = i64, Path)), request_body = CreateRequest,
    responses((status = 201, body = RequestJson, description = "The linked request, filed"),
              (status = 403, body = crate::error::ErrorBody, description = "Not an agent of the department holding the request"),
              (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "The request is resolved or closed"),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn link(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CreateRequest>,
) -> Result<(StatusCode, Json<RequestJson>), ApiError> {
    let child = handoff_app::links::file_linked(&state.app, &actor, id, body.into()).await?;
    Ok((StatusCode::CREATED, Json(child.try_into()?)))
}

/// A linked request and who holds it; its subject only for those who may open it.
#[derive(Serialize, ToSchema)]
pub struct LinkJson {
    pub id: i64,
    pub status: handoff_domain::request::Status,
    /// The department holding it.
    pub provider_department_id: i64,
    pub provider_department: String,
    pub service_id: i64,
    pub assignee_id: Option<i64>,
    /// Whether the caller may open it; otherwise `subject` is `null`.
    pub visible: bool,
    pub subject: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Links {
    /// The request this one was filed on behalf of, when the caller may see it.
    pub parent: Option<LinkJson>,
    pub children: Vec<LinkJson>,
}

/// The links of a request in their JSON form; shared by the API and the pages.
pub async fn links_of(
    state: &AppState,
    actor: &handoff_domain::access::Actor,
    request: &Request,
    may_have_children: bool,
) -> Result<Links, ApiError> {
    let (parent, children) =
        handoff_app::links::read(&state.app, actor, request, may_have_children).await?;
    if parent.is_none() && children.is_empty() {
        return Ok(Links {
            parent: None,
            children: Vec::new(),
        });
    }
    let mut ids: Vec<i64> = children
        .iter()
        .map(|c| c.request.provider_department_id)
        .collect();
    ids.extend(parent.iter().map(|p| p.provider_department_id));
    let names = departments::names(&state.app.db, &ids).await?;
    let json = |r: Request, visible: bool| -> Result<LinkJson, ApiError> {
        Ok(LinkJson {
            status: r.status()?,
            provider_department: names
                .get(&r.provider_department_id)
                .cloned()
                .unwrap_or_default(),
            id: r.id,
            provider_department_id: r.provider_department_id,
            service_id: r.service_id,
            assignee_id: r.assignee_id,
            visible,
            subject: visible.then_some(r.subject),
        })
    };
    Ok(Links {
        parent: parent.map(|p| json(p, true)).transpose()?,
        children: children
            .into_iter()
            .map(|Linked { request, visible }| json(request, visible))
            .collect::<Result<_, _>>()?,
    })
}

#[utoipa::path(get, path = "/api/v1/requests/{id}/links", tag = "requests",
    params(("id" = i64, Path)),
    responses((status = 200, body = Links), (status = 404, body = crate::error::ErrorBody)))]
pub async fn links(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Links>, ApiError> {
    let (request, _) = super::requests::visible(&state, &actor, id).await?;
    Ok(Json(links_of(&state, &actor, &request, true).await?))
}

/// Transfers between one ordered pair of departments.
#[derive(Serialize, ToSchema)]
pub struct PairJson {
    pub from_department_id: i64,
    pub from_department: String,
    pub to_department_id: i64,
    pub to_department: String,
    pub transfers: u64,
    /// Requests flagged ping-pong (passed back to a department that held them, or three
    /// times or more) with a transfer between the pair.
    pub ping_pong_requests: u64,
    /// In those requests: business minutes (the passing department's) that it held the
    /// request, open and not paused, before passing it on.
    pub business_minutes_lost: f64,
}

#[derive(Serialize, ToSchema)]
pub struct HandoffReport {
    #[schema(value_type = String, format = DateTime)]
    pub from: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub to: Timestamp,
    pub requests_transferred: u64,
    pub ping_pong_requests: u64,
    /// Most time lost first.
    pub pairs: Vec<PairJson>,
}

/// The handoff report over `[from, to)`; shared by the API and the pages.
pub async fn handoff_report(
    state: &AppState,
    actor: &handoff_domain::access::Actor,
    from: Timestamp,
    to: Timestamp,
) -> Result<HandoffReport, ApiError> {
    let report = handoff_app::stints::transfer_report(&state.app, actor, from, to).await?;
    let ids: Vec<i64> = report
        .pairs
        .iter()
        .flat_map(|p| [p.from_department_id, p.to_department_id])
        .collect();
    let names = departments::names(&state.app.db, &ids).await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    Ok(HandoffReport {
        from,
        to,
        requests_transferred: report.requests_transferred,
        ping_pong_requests: report.ping_pong_requests,
        pairs: report
            .pairs
            .into_iter()
            .map(|p| PairJson {
                from_department: name(p.from_department_id),
                to_department: name(p.to_department_id),
                from_department_id: p.from_department_id,
                to_department_id: p.to_department_id,
                transfers: p.transfers,
                ping_pong_requests: p.ping_pong_requests,
                business_minutes_lost: minutes(p.lost),
            })
            .collect(),
    })
}

#[utoipa::path(get, path = "/api/v1/reports/handoffs", tag = "reports",
    params(("from" = Option<String>, Query, description = "RFC 3339; requests filed from then (default 90 days before `to`)"),
           ("to" = Option<String>, Query, description = "RFC 3339; requests filed before then (default now)")),
    responses((status = 200, body = HandoffReport), (status = 422, body = crate::error::ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    Caller(actor): Caller,
    query: crate::extract::QueryMap,
) -> Result<Json<HandoffReport>, ApiError> {
    query.only(&["from", "to"])?;
    let mut errors = handoff_domain::FieldErrors::new();
    let (from, to) = super::reports::period(&query, &mut errors, state.app.clock.now());
    errors.into_result(()).map_err(ApiError::invalid)?;
    Ok(Json(handoff_report(&state, &actor, from, to).await?))
}

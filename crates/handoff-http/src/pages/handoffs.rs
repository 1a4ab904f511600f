//! The handoff parts of the pages: a request's stints and linked requests with the forms
//! to pass it on or ask another department (shown on `/requests/{id}`), the transfer
//! form at `/requests/{id}/transfer`, and the ping-pong report at `/reports/handoffs`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_domain::access::Actor;
use handoff_store::departments;
use handoff_store::requests::{Relation, Request};
use handoff_store::services::{self, Service};
use jiff::tz::TimeZone;
use serde_json::Value;

use super::catalog::{InputField, input_fields, services_open_to, values};
use super::form::{PageId, Pairs};
use super::{Choice, Frame, PageError, Viewer, format, render};
use crate::AppState;
use crate::api::handoffs::{Links, TransferRequest, links_of, stint_list};
use crate::api::requests::visible;
use crate::error::ApiError;

/// One department's stretch of a request, as the page shows it.
pub struct StintRow {
    pub seq: i32,
    pub department: String,
    pub service: String,
    pub from: String,
    pub to: String,
    pub ended: &'static str,
    pub held: String,
    pub paused: String,
    pub first_response: String,
    /// "First response met · Resolution breached".
    pub targets: String,
    pub breached: bool,
    /// "2 h 00 min waiting on FIN", when it waited on linked requests.
    pub waited: String,
}

pub struct LinkRow {
    pub id: i64,
    pub visible: bool,
    pub subject: String,
    pub holder: String,
    pub status: &'static str,
}

/// What `/requests/{id}` shows of handoffs.
pub struct HandoffsView {
    pub stints: Vec<StintRow>,
    pub end_to_end: Option<String>,
    pub transfers: i32,
    pub ping_pong: bool,
    /// Shown to someone who sees the request only because their department held it.
    pub former_holder: bool,
    pub parent: Option<LinkRow>,
    pub children: Vec<LinkRow>,
    /// Services of other departments the request may be passed to (the holder only).
    pub transfer_to: Vec<Choice>,
    /// Services of other departments the holder may ask on the request's behalf.
    pub ask: Vec<Choice>,
}

/// Active services of departments other than `holder`, open to `customer`, named with
/// their department.
async fn other_services(
    state: &AppState,
    holder: i64,
    customer: i64,
) -> Result<Vec<Choice>, PageError> {
    let mut all = services_open_to(state, customer).await?;
    all.retain(|s| s.department_id != holder);
    let ids: Vec<i64> = all.iter().map(|s| s.department_id).collect();
    let names = departments::names(&state.app.db, &ids).await?;
    let mut choices: Vec<Choice> = all
        .into_iter()
        .map(|s| {
            let department = names.get(&s.department_id).cloned().unwrap_or_default();
            Choice::new(s.id.to_string(), format!("{department}: {}", s.name), false)
        })
        .collect();
    choices.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(choices)
}

fn link_row(link: crate::api::handoffs::LinkJson) -> LinkRow {
    LinkRow {
        id: link.id,
        visible: link.visible,
        subject: link.subject.unwrap_or_default(),
        holder: link.provider_department,
        status: format::status(link.status),
    }
}

/// The handoff parts of a request's page for `actor`.
/// What the request's page has already read, so that its handoff parts read it once.
pub struct Known<'a> {
    pub relation: Relation,
    pub current: handoff_app::stints::Current,
    /// Names of the departments the page shows (holder, requester).
    pub departments: HashMap<i64, String>,
    pub service_name: String,
    /// The request's whole history, when the page read all of it.
    pub whole_history: Option<&'a [handoff_store::history::Entry]>,
}

pub async fn view(
    state: &AppState,
    actor: &Actor,
    request: &Request,
    known: Known<'_>,
    zone: &TimeZone,
) -> Result<HandoffsView, PageError> {
    let now = state.app.clock.now();
    let former_holder = actor.sees_until(&request.facts(known.relation)).is_some();
    let whole = known.whole_history;
    let stints = handoff_app::stints::read(
        &state.app,
        actor,
        request,
        known.relation,
        Some(known.current),
        whole,
    )
    .await
    .map_err(ApiError::from)?;
    let may_have_children = whole.is_none_or(|entries| {
        entries.iter().any(|e| {
            matches!(
                e.event,
                handoff_domain::request::RequestEvent::LinkFiled { .. }
            )
        })
    });
    let list = stint_list(request.id, stints, now)?;
    let mut department_ids: Vec<i64> = list.items.iter().map(|s| s.department_id).collect();
    department_ids.extend(
        list.items
            .iter()
            .flat_map(|s| s.waiting_on_linked.iter().filter_map(|w| w.department_id)),
    );
    department_ids.retain(|d| !known.departments.contains_key(d));
    let mut departments = known.departments;
    if !department_ids.is_empty() {
        departments.extend(departments::names(&state.app.db, &department_ids).await?);
    }
    let service_ids: Vec<i64> = list
        .items
        .iter()
        .map(|s| s.service_id)
        .filter(|s| *s != request.service_id)
        .collect();
    let mut service_names = if service_ids.is_empty() {
        HashMap::new()
    } else {
        services::names(&state.app.db, &service_ids).await?
    };
    service_names.insert(request.service_id, known.service_name);
    let stints = list
        .items
        .into_iter()
        .map(|s| {
            let targets: Vec<String> = s
                .targets
                .iter()
                .map(|t| {
                    let state = match t.met {
                        Some(true) => "met",
                        Some(false) => "breached",
                        None => "running",
                    };
                    format!("{} {state}", format::target(t.target))
                })
                .collect();
            let waited = s
                .waiting_on_linked
                .iter()
                .map(|w| {
                    let on = w.department_id.map_or_else(
                        || "linked requests still open".to_owned(),
                        |d| departments.get(&d).cloned().unwrap_or_default(),
                    );
                    format!("{} waiting on {on}", format::minutes(w.business_minutes))
                })
                .collect::<Vec<_>>()
                .join("; ");
            StintRow {
                waited,
                seq: s.seq,
                department: departments
                    .get(&s.department_id)
                    .cloned()
                    .unwrap_or_default(),
                service: service_names
                    .get(&s.service_id)
                    .cloned()
                    .unwrap_or_default(),
                from: format::time(s.from, zone),
                to: s
                    .to
                    .map_or_else(|| "now".to_owned(), |t| format::time(t, zone)),
                ended: match s.ended_by {
                    Some(handoff_domain::request::StintEnd::Transferred) => "passed on",
                    Some(handoff_domain::request::StintEnd::Resolved) => "resolved",
                    None => "holding",
                },
                held: format::minutes(s.business_minutes_held),
                paused: format::minutes(s.business_minutes_paused),
                first_response: s
                    .first_response_at
                    .map_or_else(|| "–".to_owned(), |t| format::time(t, zone)),
                breached: s.targets.iter().any(|t| t.met == Some(false)),
                targets: if targets.is_empty() {
                    "no SLA".to_owned()
                } else {
                    targets.join(" · ")
                },
            }
        })
        .collect();
    let end_to_end = list.end_to_end.map(|e| {
        format!(
            "{} from filing{} ({} elapsed)",
            format::minutes(e.business_minutes),
            if e.to.is_some() {
                " to resolution"
            } else {
                " so far"
            },
            format::minutes(e.elapsed_minutes)
        )
    });
    let Links { parent, children } = links_of(state, actor, request, may_have_children).await?;
    let holds = actor.department_id == request.provider_department_id;
    let active = request.status()?.is_active();
    let (transfer_to, ask) = if holds && active {
        (
            other_services(
                state,
                request.provider_department_id,
                request.requester_department_id,
            )
            .await?,
            other_services(state, request.provider_department_id, actor.department_id).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(HandoffsView {
        stints,
        end_to_end,
        transfers: request.transfers,
        ping_pong: request.ping_pong,
        former_holder,
        parent: parent.map(link_row),
        children: children.into_iter().map(link_row).collect(),
        transfer_to,
        ask,
    })
}

#[derive(Template)]
#[template(path = "transfer.html")]
struct TransferPage {
    frame: Frame,
    id: i64,
    subject: String,
    service_id: i64,
    service: String,
    department: String,
    reason: String,
    reason_error: Option<String>,
    fields: Vec<InputField>,
    error: Option<String>,
}

/// The request's current form values as a form would post them, to prefill the new
/// service's fields that share their keys.
fn current_values(request: &Request) -> Result<Pairs, PageError> {
    let mut pairs = Vec::new();
    for (key, value) in request.field_values()? {
        let name = format!("field.{key}");
        match value {
            Value::Array(items) => {
                for item in items {
                    pairs.push((
                        name.clone(),
                        item.as_str()
                            .map_or_else(|| item.to_string(), str::to_owned),
                    ));
                }
            }
            Value::String(s) => pairs.push((name, s)),
            other => pairs.push((name, other.to_string())),
        }
    }
    Ok(Pairs(pairs))
}

async fn transfer_page(
    state: &AppState,
    viewer: &Viewer,
    request: &Request,
    service: &Service,
    form: &Pairs,
    errors: HashMap<String, String>,
    refusal: Option<String>,
) -> Result<TransferPage, PageError> {
    let department = departments::names(&state.app.db, &[service.department_id])
        .await?
        .remove(&service.department_id)
        .unwrap_or_default();
    let fields = input_fields(state, service, form, &errors).await?;
    let other: Vec<String> = errors
        .iter()
        .filter(|(k, _)| !k.starts_with("fields.") && k.as_str() != "reason")
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    Ok(TransferPage {
        frame: Frame::new(viewer, "request"),
        id: request.id,
        subject: request.subject.clone(),
        service_id: service.id,
        service: service.name.clone(),
        department,
        reason: form.get("reason").unwrap_or_default().to_owned(),
        reason_error: errors.get("reason").cloned(),
        fields,
        error: refusal.or_else(|| {
            (!errors.is_empty()).then(|| {
                if other.is_empty() {
                    "Some fields need attention; see below.".to_owned()
                } else {
                    other.join("; ")
                }
            })
        }),
    })
}

/// The service chosen on the request's page (`service_id`), if it exists.
async fn chosen_service(state: &AppState, form: &Pairs) -> Result<Option<Service>, PageError> {
    let Some(id) = form
        .filled("service_id")
        .and_then(|v| v.parse::<i64>().ok())
    else {
        return Ok(None);
    };
    match services::get(&state.app.db, id).await {
        Ok(service) => Ok(Some(service)),
        Err(handoff_store::StoreError::NotFound) => Ok(None),
        Err(other) => Err(other.into()),
    }
}

/// `GET /requests/{id}/transfer?service_id=N`: the new service's form, filled with the
/// values the request has, and the reason to give.
pub async fn transfer_form(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    query: Pairs,
) -> Result<Response, PageError> {
    let (request, _) = visible(&state, &viewer.actor, id).await?;
    let Some(service) = chosen_service(&state, &query).await? else {
        return Ok(Redirect::to(&format!("/requests/{id}")).into_response());
    };
    let prefill = current_values(&request)?;
    let page = transfer_page(
        &state,
        &viewer,
        &request,
        &service,
        &prefill,
        HashMap::new(),
        None,
    )
    .await?;
    Ok(render(StatusCode::OK, &page))
}

/// `POST /requests/{id}/transfer`: passes the request on; the form again with what is
/// wrong beside its fields.
pub async fn transfer(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    form: Pairs,
) -> Result<Response, PageError> {
    let (request, _) = visible(&state, &viewer.actor, id).await?;
    let Some(service) = chosen_service(&state, &form).await? else {
        return Ok(Redirect::to(&format!("/requests/{id}")).into_response());
    };
    let body = TransferRequest {
        service_id: service.id,
        reason: form.get("reason").unwrap_or_default().to_owned(),
        fields: values(&service.fields, &form),
    };
    match handoff_app::transfers::transfer(&state.app, &viewer.actor, id, body.into()).await {
        Ok(_) => Ok(Redirect::to(&format!("/requests/{id}#handoffs")).into_response()),
        Err(err) => match ApiError::from(err) {
            ApiError::Invalid { fields, .. } => {
                let errors: HashMap<String, String> = fields.into_map().into_iter().collect();
                let page =
                    transfer_page(&state, &viewer, &request, &service, &form, errors, None).await?;
                Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
            }
            refused @ (ApiError::Conflict { .. } | ApiError::Forbidden(_)) => {
                let (status, _) = refused.status_and_code();
                let message = Some(refused.to_string());
                let page = transfer_page(
                    &state,
                    &viewer,
                    &request,
                    &service,
                    &form,
                    HashMap::new(),
                    message,
                )
                .await?;
                Ok(render(status, &page))
            }
            other => Err(other.into()),
        },
    }
}

/// `GET /requests/{id}/ask?service_id=N`: the chosen service's form, to file a request on
/// this one's behalf.
pub async fn ask(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    query: Pairs,
) -> Result<Response, PageError> {
    visible(&state, &viewer.actor, id).await?;
    Ok(match chosen_service(&state, &query).await? {
        Some(service) => Redirect::to(&format!("/catalog/{}?on_behalf_of={id}", service.id)),
        None => Redirect::to(&format!("/requests/{id}")),
    }
    .into_response())
}

pub struct PairRow {
    pub from: String,
    pub to: String,
    pub transfers: u64,
    pub ping_pong: u64,
    pub lost: String,
}

#[derive(Template)]
#[template(path = "handoff_report.html")]
struct ReportPage {
    frame: Frame,
    from: String,
    to: String,
    requests_transferred: u64,
    ping_pong_requests: u64,
    pairs: Vec<PairRow>,
}

/// `/reports/handoffs`: transfers and ping-pong per pair of departments over a period.
pub async fn report(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Pairs,
) -> Result<Response, PageError> {
    let zone = &viewer.zone;
    let now = state.app.clock.now();
    let to = super::reports::day_start(query.filled("to"), zone, true)?.unwrap_or(now);
    let from = super::reports::day_start(query.filled("from"), zone, false)?.unwrap_or_else(|| {
        to.saturating_sub(jiff::SignedDuration::from_hours(24 * 90))
            .unwrap_or(to)
    });
    if from >= to {
        return Err(PageError::Rejected(
            StatusCode::BAD_REQUEST,
            "the period must start before it ends".to_owned(),
        ));
    }
    let report = crate::api::handoffs::handoff_report(&state, &viewer.actor, from, to).await?;
    let last_day = to
        .saturating_sub(jiff::SignedDuration::from_secs(1))
        .unwrap_or(to);
    let page = ReportPage {
        frame: Frame::new(&viewer, "reports"),
        from: from.to_zoned_datetime(zone.clone()).date().to_string(),
        to: last_day.to_zoned_datetime(zone.clone()).date().to_string(),
        requests_transferred: report.requests_transferred,
        ping_pong_requests: report.ping_pong_requests,
        pairs: report
            .pairs
            .into_iter()
            .map(|p| PairRow {
                from: p.from_department,
                to: p.to_department,
                transfers: p.transfers,
                ping_pong: p.ping_pong_requests,
                lost: format::minutes(p.business_minutes_lost),
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, &page))
}

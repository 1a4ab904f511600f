//! `/services/{id}/sla`: a service's SLA policies, one row for every priority and one
//! for all the others; the department's managers change them here. Saving moves the
//! clocks of the service's open requests to the new targets.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_domain::request::Priority;
use handoff_domain::sla::DEFAULT_WARNINGS;
use handoff_store::services::Service;
use handoff_store::sla_policies::{self, ServicePolicy};
use handoff_store::{calendars, departments, services};

use super::form::{PageId, Pairs};
use super::{Frame, PageError, Viewer, format, render};
use crate::AppState;
use crate::api::sla::{PolicyJson, replace};
use crate::error::ApiError;

/// One priority's row: what is set (as typed) and what is wrong with it.
pub struct Row {
    /// `all`, or a priority's name: the prefix of the row's inputs.
    pub key: &'static str,
    pub label: &'static str,
    pub first_response: String,
    pub resolution: String,
    pub next_update: String,
    pub calendar_time: bool,
    pub warn_at: String,
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "service_sla.html")]
struct SlaPage {
    frame: Frame,
    id: i64,
    service: String,
    department: String,
    calendar: Option<(i64, String)>,
    rows: Vec<Row>,
    may_edit: bool,
    error: Option<String>,
    saved: bool,
}

const ROWS: [(&str, &str, Option<Priority>); 5] = [
    ("all", "Every other priority", None),
    ("urgent", "Urgent", Some(Priority::Urgent)),
    ("high", "High", Some(Priority::High)),
    ("normal", "Normal", Some(Priority::Normal)),
    ("low", "Low", Some(Priority::Low)),
];

fn minutes_text(m: Option<i64>) -> String {
    m.map(|m| m.to_string()).unwrap_or_default()
}

fn rows(policies: &[ServicePolicy]) -> Vec<Row> {
    ROWS.iter()
        .map(|(key, label, priority)| {
            let policy = policies.iter().find(|p| p.priority == *priority);
            Row {
                key,
                label,
                first_response: minutes_text(policy.and_then(|p| p.policy.first_response_minutes)),
                resolution: minutes_text(policy.and_then(|p| p.policy.resolution_minutes)),
                next_update: minutes_text(policy.and_then(|p| p.policy.next_update_minutes)),
                calendar_time: policy.is_some_and(|p| p.policy.calendar_time),
                warn_at: policy
                    .map_or(DEFAULT_WARNINGS.to_vec(), |p| p.policy.warn_at.clone())
                    .iter()
                    .map(u8::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                errors: Vec::new(),
            }
        })
        .collect()
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    service: &Service,
    rows: Vec<Row>,
    error: Option<String>,
    saved: bool,
) -> Result<SlaPage, PageError> {
    let department = departments::names(&state.app.db, &[service.department_id])
        .await?
        .remove(&service.department_id)
        .unwrap_or_default();
    let calendar = calendars::of_department(&state.app.db, service.department_id)
        .await?
        .map(|c| (c.id, c.name));
    Ok(SlaPage {
        frame: Frame::new(viewer, "catalog"),
        id: service.id,
        service: service.name.clone(),
        department,
        calendar,
        rows,
        may_edit: viewer.actor.manages(service.department_id),
        error,
        saved,
    })
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    query: Pairs,
) -> Result<Response, PageError> {
    let service = services::get(&state.app.db, id).await?;
    let policies = sla_policies::of_service(&state.app.db, service.id).await?;
    let saved = query.get("saved").is_some();
    let page = page(&state, &viewer, &service, rows(&policies), None, saved).await?;
    Ok(render(StatusCode::OK, &page))
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    form: Pairs,
) -> Result<Response, PageError> {
    let service = services::get(&state.app.db, id).await?;
    if !viewer.actor.manages(service.department_id) {
        return Err(PageError::Forbidden(
            "only the department's managers and administrators set its SLAs".to_owned(),
        ));
    }
    let mut typed = rows(&[]);
    let mut policies = Vec::new();
    // Which row each submitted policy came from, to put its errors next to it.
    let mut origin = Vec::new();
    for (index, row) in typed.iter_mut().enumerate() {
        let value = |name: &str| {
            form.get(&format!("{}.{name}", row.key))
                .unwrap_or_default()
                .trim()
                .to_owned()
        };
        row.first_response = value("first_response");
        row.resolution = value("resolution");
        row.next_update = value("next_update");
        row.calendar_time = form.get(&format!("{}.calendar_time", row.key)).is_some();
        row.warn_at = value("warn_at");
        if row.first_response.is_empty() && row.resolution.is_empty() && row.next_update.is_empty()
        {
            continue;
        }
        let first_response_minutes =
            minutes("first response", &row.first_response, &mut row.errors);
        let resolution_minutes = minutes("resolution", &row.resolution, &mut row.errors);
        let next_update_minutes = minutes("next update", &row.next_update, &mut row.errors);
        let warn_at: Result<Vec<u8>, _> = row
            .warn_at
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(str::parse)
            .collect();
        let warn_at = warn_at.unwrap_or_else(|_| {
            row.errors
                .push("warnings: percentages between 1 and 99, separated by commas".to_owned());
            Vec::new()
        });
        policies.push(PolicyJson {
            priority: ROWS[index].2,
            first_response_minutes,
            resolution_minutes,
            next_update_minutes,
            calendar_time: row.calendar_time,
            warn_at,
        });
        origin.push(index);
    }
    if typed.iter().any(|r| !r.errors.is_empty()) {
        return refused(&state, &viewer, &service, typed).await;
    }
    match replace(&state, &viewer.actor, service.id, policies).await {
        Ok(_) => Ok(Redirect::to(&format!("/services/{}/sla?saved", service.id)).into_response()),
        Err(ApiError::Invalid { fields, .. }) => {
            for (field, reason) in fields.into_map() {
                // `policies[2].resolution_minutes` belongs to the third submitted row.
                let index = field
                    .strip_prefix("policies[")
                    .and_then(|rest| rest.split_once(']'))
                    .and_then(|(i, rest)| Some((i.parse::<usize>().ok()?, rest)));
                match index.and_then(|(i, rest)| Some((*origin.get(i)?, rest))) {
                    Some((row, rest)) => typed[row].errors.push(format!(
                        "{}: {reason}",
                        rest.trim_start_matches('.').replace('_', " ")
                    )),
                    None => typed[0].errors.push(format!("{field}: {reason}")),
                }
            }
            refused(&state, &viewer, &service, typed).await
        }
        Err(ApiError::Forbidden(why)) => Err(PageError::Forbidden(why)),
        Err(other) => Err(other.into()),
    }
}

/// Minutes typed in a row: none when empty, else a whole number or an error for the row.
fn minutes(name: &str, text: &str, errors: &mut Vec<String>) -> Option<i64> {
    if text.is_empty() {
        return None;
    }
    let parsed = text.parse().ok();
    if parsed.is_none() {
        errors.push(format!("{name}: a whole number of minutes"));
    }
    parsed
}

/// The form again, with each row's errors next to it.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    service: &Service,
    typed: Vec<Row>,
) -> Result<Response, PageError> {
    let why = Some("Some rows need attention; nothing was saved.".to_owned());
    let page = page(state, viewer, service, typed, why, false).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// The targets of a policy in words, for the catalog: "first response within 2 h 00 min".
pub fn summary(policy: &handoff_domain::sla::Policy) -> String {
    let mut parts = Vec::new();
    if let Some(m) = policy.first_response_minutes {
        parts.push(format!(
            "first response within {}",
            format::minutes(m as f64)
        ));
    }
    if let Some(m) = policy.resolution_minutes {
        parts.push(format!("resolved within {}", format::minutes(m as f64)));
    }
    if let Some(m) = policy.next_update_minutes {
        parts.push(format!("updates every {}", format::minutes(m as f64)));
    }
    let counted = if policy.calendar_time {
        "calendar time"
    } else {
        "business time"
    };
    format!("{} ({counted})", parts.join(", "))
}

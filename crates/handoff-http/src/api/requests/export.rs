//! The request list as CSV, for `GET /api/v1/requests?format=csv` and the CSV link of
//! the `/requests` page: every matching request the caller may see (not one page), read
//! from the store in batches, with the names the page shows and each SLA clock read now
//! in its providing department's business time.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use axum::response::Response;
use handoff_domain::access::Actor;
use handoff_domain::sla::{Phase, Target};
use handoff_store::requests::{self, Cursor, ListFilter, Request, Sort};
use handoff_store::slas::Timekeeping;
use handoff_store::{departments, people, services, slas};

use crate::AppState;
use crate::api::request_sla::{SlaJson, read_clocks};
use crate::api::time;
use crate::csv::{Row, Sheet};
use crate::error::ApiError;

/// The most rows one file holds; past it the file ends there and the answer carries
/// `X-Handoff-Truncated: true` (narrow the filters, or page through the JSON list).
pub const EXPORT_MAX: usize = 100_000;

/// Requests read from the store at a time.
const BATCH: usize = 500;

/// What each SLA target contributes to a line.
const CLOCK_COLUMNS: [&str; 5] = [
    "state",
    "due_at",
    "allowed_minutes",
    "used_minutes",
    "counted_in",
];

/// The header line: the request as the JSON list has it (without description and form
/// values), the names the page shows, then per target (`first_response`, `resolution`,
/// `next_update`) its clock: state (`met`, `breached`, `running`, `paused`, `stopped`),
/// due time while it runs, allowed and used minutes, and whether those are `business`
/// or `calendar` minutes.
fn columns() -> Vec<String> {
    let mut columns: Vec<String> = [
        "id",
        "subject",
        "service_id",
        "service",
        "provider_department_id",
        "provider_department",
        "requester_id",
        "requester",
        "requester_department_id",
        "requester_department",
        "assignee_id",
        "assignee",
        "status",
        "priority",
        "confidential",
        "created_at",
        "updated_at",
        "resolved_at",
        "closed_at",
        "transfers",
        "ping_pong",
    ]
    .map(str::to_owned)
    .to_vec();
    for target in Target::ALL {
        for column in CLOCK_COLUMNS {
            columns.push(format!("{}_{column}", target.as_str()));
        }
    }
    columns
}

/// Every request matching `filter` that `actor` may see, in `sort` order from `after`
/// on, at most [`EXPORT_MAX`], as a CSV file named `filename`.
pub async fn requests_csv(
    state: &AppState,
    actor: &Actor,
    filter: &ListFilter,
    sort: Sort,
    mut after: Option<Cursor>,
    filename: &str,
) -> Result<Response, ApiError> {
    let mut sheet = Sheet::new(&columns())?;
    let mut time_of = HashMap::new();
    let mut written = 0;
    loop {
        let want = BATCH.min(EXPORT_MAX - written) as i64;
        let page = requests::list(&state.app.db, actor, filter, sort, after, want).await?;
        written += page.items.len();
        write_batch(state, actor, &mut sheet, &mut time_of, page.items).await?;
        match page.next {
            None => break,
            Some(_) if written >= EXPORT_MAX => {
                sheet.truncate();
                break;
            }
            next => after = next,
        }
    }
    sheet.into_response(filename)
}

async fn write_batch(
    state: &AppState,
    actor: &Actor,
    sheet: &mut Sheet,
    time_of: &mut HashMap<i64, Timekeeping>,
    items: Vec<Request>,
) -> Result<(), ApiError> {
    let ids: Vec<i64> = items.iter().map(|r| r.id).collect();
    let mut person_ids: Vec<i64> = items.iter().map(|r| r.requester_id).collect();
    person_ids.extend(items.iter().filter_map(|r| r.assignee_id));
    let service_ids: Vec<i64> = items.iter().map(|r| r.service_id).collect();
    let department_ids: Vec<i64> = items
        .iter()
        .flat_map(|r| [r.provider_department_id, r.requester_department_id])
        .collect();
    let people = people::names(&state.app.db, &person_ids).await?;
    let services = services::names(&state.app.db, &service_ids).await?;
    let departments = departments::names(&state.app.db, &department_ids).await?;
    let mut clocks = slas::of_requests(&state.app.db, &ids).await?;
    let now = state.app.clock.now();
    let name = |names: &HashMap<i64, String>, id: i64| names.get(&id).cloned().unwrap_or_default();
    for r in items {
        let read = match clocks.remove(&r.id) {
            Some(stored) if sees_clocks(state, actor, &r).await? => {
                let department = r.provider_department_id;
                let time = match time_of.entry(department) {
                    Entry::Occupied(e) => e.into_mut(),
                    Entry::Vacant(e) => e.insert(state.app.timekeeping(department).await?),
                };
                read_clocks(r.id, stored, time, now)?
            }
            _ => Vec::new(),
        };
        let mut row = Row::new();
        row.value(r.id)
            .text(&r.subject)
            .value(r.service_id)
            .text(&name(&services, r.service_id))
            .value(r.provider_department_id)
            .text(&name(&departments, r.provider_department_id))
            .value(r.requester_id)
            .text(&name(&people, r.requester_id))
            .value(r.requester_department_id)
            .text(&name(&departments, r.requester_department_id))
            .maybe(r.assignee_id)
            .text(&r.assignee_id.map(|a| name(&people, a)).unwrap_or_default())
            .value(r.status()?.as_str())
            .value(r.priority()?.as_str())
            .flag(r.confidential)
            .time(Some(time(r.created_at)))
            .time(Some(time(r.updated_at)))
            .time(r.resolved_at.map(time))
            .time(r.closed_at.map(time))
            .value(r.transfers)
            .flag(r.ping_pong);
        for target in Target::ALL {
            match read.iter().find(|c| c.target == target) {
                Some(clock) => {
                    row.value(clock_state(clock))
                        .time(clock.due_at)
                        .figure(Some(clock.allowed_minutes))
                        .figure(Some(clock.used_minutes))
                        .value(if clock.calendar_time {
                            "calendar"
                        } else {
                            "business"
                        });
                }
                None => {
                    for _ in CLOCK_COLUMNS {
                        row.value("");
                    }
                }
            }
        }
        sheet.push(&row)?;
    }
    Ok(())
}

/// Whether `actor` reads the request's current clocks: not when they see it only as a
/// department that held it before (they read their own clocks in its stints), as
/// `GET /api/v1/requests/{id}/sla` decides. The request's own columns settle most rows;
/// the others (a watcher, a former holder) are looked up one by one.
async fn sees_clocks(state: &AppState, actor: &Actor, r: &Request) -> Result<bool, ApiError> {
    if actor.can_view(&r.facts(Default::default())) {
        return Ok(true);
    }
    let (request, relation) =
        requests::get(&state.app.db, r.id, actor.person_id, actor.department_id).await?;
    Ok(actor.sees_until(&request.facts(relation)).is_none())
}

/// A clock's state in one word, as the request's page names it.
fn clock_state(clock: &SlaJson) -> &'static str {
    match (clock.met, clock.phase) {
        (Some(true), _) => "met",
        (Some(false), _) => "breached",
        (None, Phase::Paused) => "paused",
        (None, Phase::Running) => "running",
        (None, Phase::Stopped) => "stopped",
    }
}

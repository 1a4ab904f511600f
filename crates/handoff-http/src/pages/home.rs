//! `/`: what waits on the signed-in person — requests assigned to them (most pressing
//! clock first), their department's unassigned queue, requests they filed that wait on
//! them, ratings and pulses asked of them, deliverables their department owes this week
//! and concerns waiting on their department.
//!
//! Each section shows its first [`SHOWN`] items and counts up to [`CAP`]; the queries
//! are the same in number whatever the lists hold, and the two lists of requests with
//! clocks read only what they show (`requests::pressing`), however many there are.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use handoff_domain::request::Status;
use handoff_store::deliverables::{self, Owed, Upcoming};
use handoff_store::requests::{self, ListFilter, Sort, SortKey, Whose};
use handoff_store::{departments, from_micros, to_micros};

use super::requests::{Row, rows};
use super::{Frame, PageError, Viewer, format, render};
use crate::AppState;

/// Items shown per section.
const SHOWN: usize = 10;
/// Items read per section to count them; more reads as "100+".
const CAP: i64 = 100;
const WEEK_MICROS: i64 = 7 * 24 * 3600 * 1_000_000;

/// One section's first items and how many there are in all.
pub struct Section<T> {
    pub items: Vec<T>,
    /// "3", or "100+" past [`CAP`].
    pub count: String,
}

impl<T> Section<T> {
    fn new(mut all: Vec<T>, more: bool) -> Section<T> {
        let count = if more {
            format!("{}+", all.len())
        } else {
            all.len().to_string()
        };
        all.truncate(SHOWN);
        Section { items: all, count }
    }

    /// The first items of a list counted apart, up to [`CAP`] and one more.
    fn counted(items: Vec<T>, count: i64) -> Section<T> {
        let count = if count > CAP {
            format!("{CAP}+")
        } else {
            count.to_string()
        };
        Section { items, count }
    }
}

/// A request filed by the viewer that waits on their answer.
pub struct Waiting {
    pub id: i64,
    pub subject: String,
    pub provider: String,
    pub since: String,
}

pub struct RatingAsk {
    pub request_id: i64,
    pub subject: String,
    pub provider: String,
    pub until: String,
}

pub struct PulseLine {
    pub id: i64,
    pub provider: String,
    pub until: String,
}

pub struct OwedLine {
    pub occurrence_id: i64,
    pub name: String,
    pub customer: String,
    pub due: String,
    pub late: bool,
}

pub struct ConcernLine {
    pub id: i64,
    pub problem: String,
    pub raised_on: String,
    pub due: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    frame: Frame,
    assigned: Section<Row>,
    queue: Section<Row>,
    waiting: Section<Waiting>,
    ratings: Section<RatingAsk>,
    pulses: Section<PulseLine>,
    owed: Section<OwedLine>,
    concerns: Section<ConcernLine>,
}

pub async fn show(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let actor = &viewer.actor;
    let assigned = requests::pressing(
        &state.app.db,
        actor,
        Whose::AssignedTo(actor.person_id),
        SHOWN as i64,
        CAP,
    )
    .await?;
    let queue = requests::pressing(
        &state.app.db,
        actor,
        Whose::Unassigned(actor.department_id),
        SHOWN as i64,
        CAP,
    )
    .await?;
    let waiting = requests::list(
        &state.app.db,
        actor,
        &ListFilter {
            statuses: vec![Status::WaitingOnCustomer],
            requester_id: Some(actor.person_id),
            ..ListFilter::default()
        },
        // The longest waiting first.
        Sort {
            key: SortKey::UpdatedAt,
            descending: false,
        },
        None,
        SHOWN as i64,
    )
    .await?
    .items;
    let waiting_count = requests::count_own(
        &state.app.db,
        actor.person_id,
        Status::WaitingOnCustomer,
        CAP,
    )
    .await?;

    // The two lists with clocks share one reading of names and clocks; each stays in
    // its most pressing order.
    let split = assigned.items.len();
    let mut assigned_rows = rows(
        &state,
        &viewer,
        assigned.items.into_iter().chain(queue.items).collect(),
    )
    .await?;
    let queue_rows = assigned_rows.split_off(split);

    let asks = handoff_app::asks::of(&state.app, actor).await?;
    let now = state.app.clock.now();
    let owed = owed_this_week(&state, actor.department_id, to_micros(now)).await?;

    let mut ids: Vec<i64> = waiting.iter().map(|r| r.provider_department_id).collect();
    ids.extend(asks.ratings.iter().map(|(r, _)| r.provider_department_id));
    ids.extend(asks.pulses.iter().flat_map(|p| p.providers.iter().copied()));
    ids.extend(owed.0.iter().map(|o| o.customer_department_id));
    let names = departments::names(&state.app.db, &ids).await?;
    let name = |d: &i64| names.get(d).cloned().unwrap_or_default();
    let time = |t: i64| format::time(from_micros(t), &viewer.zone);

    let waiting_lines = waiting
        .into_iter()
        .map(|r| Waiting {
            id: r.id,
            provider: name(&r.provider_department_id),
            since: time(r.updated_at),
            subject: r.subject,
        })
        .collect();
    let ratings = asks
        .ratings
        .into_iter()
        .map(|(r, subject)| RatingAsk {
            request_id: r.request_id,
            subject,
            provider: name(&r.provider_department_id),
            until: time(r.expires_at),
        })
        .collect();
    // One line per provider a pulse asks about, soonest to close first.
    let mut pulses: Vec<PulseLine> = Vec::new();
    let mut pulse_asks = asks.pulses;
    pulse_asks.sort_by_key(|p| p.pulse.closes_at);
    for p in &pulse_asks {
        pulses.extend(p.providers.iter().map(|d| PulseLine {
            id: p.pulse.id,
            provider: name(d),
            until: time(p.pulse.closes_at),
        }));
    }
    let owed_lines = owed
        .0
        .into_iter()
        .map(|o| OwedLine {
            occurrence_id: o.occurrence_id,
            customer: name(&o.customer_department_id),
            due: time(o.due_at),
            late: from_micros(o.due_at) <= now,
            name: o.name,
        })
        .collect();
    let mut concerns = asks.concerns;
    concerns.sort_by_key(|c| (c.due_at, c.id));
    let concern_lines = concerns
        .into_iter()
        .map(|c| ConcernLine {
            id: c.id,
            due: time(c.due_at),
            raised_on: c.raised_on,
            problem: c.problem,
        })
        .collect();

    let page = HomePage {
        frame: Frame::new(&viewer, "home"),
        assigned: Section::counted(assigned_rows, assigned.count),
        queue: Section::counted(queue_rows, queue.count),
        waiting: Section::counted(waiting_lines, waiting_count),
        ratings: Section::new(ratings, false),
        pulses: Section::new(pulses, false),
        owed: Section::new(owed_lines, owed.1),
        concerns: Section::new(concern_lines, false),
    };
    Ok(render(StatusCode::OK, &page))
}

/// What `department` owes and has not delivered: the occurrences already late (the
/// latest due of each deliverable), then those due in the next seven days, by due time.
async fn owed_this_week(
    state: &AppState,
    department: i64,
    now: i64,
) -> Result<(Vec<Upcoming>, bool), PageError> {
    let mut owed: Vec<Upcoming> = deliverables::next_owed(&state.app.db, department, true, now)
        .await?
        .into_iter()
        .filter(|o| o.due_at <= now && o.delivered_at.is_none())
        .collect();
    let week = deliverables::upcoming(
        &state.app.db,
        Owed::ByDepartment(department),
        now,
        now + WEEK_MICROS,
        CAP,
    )
    .await?;
    let more = week.len() as i64 == CAP;
    owed.extend(
        week.into_iter()
            .filter(|o| o.delivered_at.is_none() && o.due_at > now),
    );
    Ok((owed, more))
}

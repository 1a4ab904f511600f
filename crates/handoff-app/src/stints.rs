//! Reading a request's stints: for each department that held it, when, for how long in
//! its own calendar (held and paused), its first response and its clocks; beside them
//! the whole request's time as its requester lived it.

use handoff_domain::access::Actor;
use handoff_domain::request::stint::split_time;
use handoff_domain::request::{RequestEvent, Status, StintEnd, StintTime};
use handoff_store::slas::{self, StoredClock, Timekeeping};
use handoff_store::{StoreError, from_micros, history, stints};
use jiff::{SignedDuration, Timestamp};

use crate::App;
use crate::error::ActionResult;
use crate::requests::visible;

/// One department's stretch of a request.
pub struct StintView {
    pub seq: i32,
    pub department_id: i64,
    pub service_id: i64,
    pub from: Timestamp,
    /// `None` while it runs.
    pub to: Option<Timestamp>,
    pub ended_by: Option<StintEnd>,
    /// Counted in the department's calendar, up to `to` or now.
    pub time: StintTime,
    pub first_response_at: Option<Timestamp>,
    /// Its clocks: as they stood at its end, or running.
    pub clocks: Vec<StoredClock>,
    /// How the department counts time, to read the clocks with.
    pub timekeeping: Timekeeping,
    /// Who passed it on, and why, when a transfer ended it.
    pub transferred_by: Option<i64>,
    pub reason: Option<String>,
}

/// The request from its requester's side: filing to resolution (or now).
pub struct EndToEnd {
    pub from: Timestamp,
    pub to: Option<Timestamp>,
    /// In the requester's department's calendar (or elapsed time when it has none).
    pub business: SignedDuration,
    pub elapsed: SignedDuration,
}

pub struct Stints {
    pub items: Vec<StintView>,
    /// Shown to those who see the whole request.
    pub end_to_end: Option<EndToEnd>,
}

/// The status moves and the waits on linked requests, from the holding events.
type Waits = Vec<(Timestamp, Option<Timestamp>)>;
fn holding(entries: Vec<history::Entry>) -> (Vec<(Timestamp, Status)>, Waits) {
    let mut moves = Vec::new();
    let mut waits: Waits = Vec::new();
    for entry in entries {
        let at = from_micros(entry.at);
        match entry.event {
            RequestEvent::Filed {} => moves.push((at, Status::New)),
            RequestEvent::StatusChanged { to, .. } => moves.push((at, to)),
            RequestEvent::LinkWaitStarted {} => waits.push((at, None)),
            RequestEvent::LinksResolved { .. } => {
                if let Some(open) = waits.last_mut().filter(|(_, end)| end.is_none()) {
                    open.1 = Some(at);
                }
            }
            _ => {}
        }
    }
    (moves, waits)
}

fn arithmetic(err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("stint arithmetic: {err}"))
}

/// The stints of request `id` that `actor` may see: all of them, or for a former
/// holder those that began before its own ended.
#[tracing::instrument(name = "request_stints", skip_all, fields(request = id))]
pub async fn of_request(app: &App, actor: &Actor, id: i64) -> ActionResult<Stints> {
    let (request, relation) = visible(app, actor, id).await?;
    let cutoff = actor.sees_until(&request.facts(relation));
    let now = app.clock.now();
    let past = stints::past(&app.db, id).await?;
    let (moves, waits) = holding(history::of_holding(&app.db, id).await?);

    let mut items = Vec::with_capacity(past.len() + 1);
    for (stint, clocks) in past {
        let timekeeping = app.timekeeping(stint.department_id).await?;
        let (from, to) = (from_micros(stint.started_at), from_micros(stint.ended_at));
        let time =
            split_time(&moves, &waits, from, to, timekeeping.work(false)).map_err(arithmetic)?;
        items.push(StintView {
            seq: stint.seq,
            department_id: stint.department_id,
            service_id: stint.service_id,
            from,
            to: Some(to),
            ended_by: Some(StintEnd::Transferred),
            time,
            first_response_at: stint.first_response_at.map(from_micros),
            clocks,
            timekeeping,
            transferred_by: stint.transferred_by,
            reason: Some(stint.reason),
        });
    }
    let status = request.status()?;
    let resolved_at = request
        .resolved_at
        .filter(|_| matches!(status, Status::Resolved | Status::Closed))
        .map(from_micros);
    let timekeeping = app.timekeeping(request.provider_department_id).await?;
    let from = from_micros(request.stint_start());
    let time = split_time(
        &moves,
        &waits,
        from,
        resolved_at.unwrap_or(now).max(from),
        timekeeping.work(false),
    )
    .map_err(arithmetic)?;
    items.push(StintView {
        seq: request.transfers + 1,
        department_id: request.provider_department_id,
        service_id: request.service_id,
        from,
        to: resolved_at,
        ended_by: resolved_at.map(|_| StintEnd::Resolved),
        time,
        first_response_at: request.first_response_at.map(from_micros),
        clocks: slas::of_request(&app.db, id).await?,
        timekeeping,
        transferred_by: None,
        reason: None,
    });

    let end_to_end = match cutoff {
        Some(cutoff) => {
            let cutoff = from_micros(cutoff);
            items.retain(|s| s.from < cutoff);
            None
        }
        None => {
            let requester_time = app.timekeeping(request.requester_department_id).await?;
            let from = from_micros(request.created_at);
            let end = resolved_at.unwrap_or(now).max(from);
            Some(EndToEnd {
                from,
                to: resolved_at,
                business: requester_time
                    .work(false)
                    .between(from, end)
                    .map_err(arithmetic)?
                    .max(SignedDuration::ZERO),
                elapsed: end.duration_since(from),
            })
        }
    };
    Ok(Stints { items, end_to_end })
}

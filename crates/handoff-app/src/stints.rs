//! Reading a request's stints: for each department that held it, when, for how long in
//! its own calendar (held and paused), its first response and its clocks; beside them
//! the whole request's time as its requester lived it.

use handoff_domain::access::Actor;
use handoff_domain::request::stint::split_time;
use handoff_domain::request::{RequestEvent, Status, StintEnd, StintTime};
use handoff_store::requests::{Relation, Request};
use handoff_store::slas::{self, StoredClock, Timekeeping};
use handoff_store::{StoreError, from_micros, history, stints, to_micros};
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
    /// Of the paused time, what was spent waiting on linked requests, per department
    /// waited on (the holder of the last one resolved; `None` while still waiting).
    pub waited_on: Vec<(Option<i64>, SignedDuration)>,
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

/// A stretch during which the request waited on its linked requests: from, to (`None`:
/// still waiting) and the department of the last one resolved, which it ended up
/// waiting on.
#[derive(Debug, Clone, Copy)]
struct Wait {
    from: Timestamp,
    to: Option<Timestamp>,
    on: Option<i64>,
}

/// The status moves and the waits on linked requests, from the holding events.
type Holding = (Vec<(Timestamp, Status)>, Vec<Wait>);
fn holding(entries: &[history::Entry]) -> Holding {
    let mut moves = Vec::new();
    let mut waits: Vec<Wait> = Vec::new();
    for entry in entries {
        let at = from_micros(entry.at);
        match &entry.event {
            RequestEvent::Filed {} => moves.push((at, Status::New)),
            RequestEvent::StatusChanged { to, .. } => moves.push((at, *to)),
            RequestEvent::LinkWaitStarted {} => waits.push(Wait {
                from: at,
                to: None,
                on: None,
            }),
            RequestEvent::LinksResolved { last_department_id } => {
                if let Some(open) = waits.last_mut().filter(|w| w.to.is_none()) {
                    open.to = Some(at);
                    open.on = Some(*last_department_id);
                }
            }
            _ => {}
        }
    }
    (moves, waits)
}

fn spans(waits: &[Wait]) -> Vec<(Timestamp, Option<Timestamp>)> {
    waits.iter().map(|w| (w.from, w.to)).collect()
}

/// The business time of `[from, to)` spent waiting on linked requests, per department
/// waited on (`None`: still waiting).
fn waited_on(
    waits: &[Wait],
    from: Timestamp,
    to: Timestamp,
    work: handoff_domain::sla::Clockwork,
) -> Result<Vec<(Option<i64>, SignedDuration)>, StoreError> {
    let mut out: Vec<(Option<i64>, SignedDuration)> = Vec::new();
    for wait in waits {
        let (a, b) = (wait.from.max(from), wait.to.unwrap_or(to).min(to));
        if b <= a {
            continue;
        }
        let time = work.between(a, b).map_err(arithmetic)?;
        match out.iter_mut().find(|(on, _)| *on == wait.on) {
            Some((_, total)) => *total += time,
            None => out.push((wait.on, time)),
        }
    }
    Ok(out)
}

fn arithmetic(err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("stint arithmetic: {err}"))
}

/// The stints of request `id` that `actor` may see: all of them, or for a former
/// holder those that began before its own ended.
#[tracing::instrument(name = "request_stints", skip_all, fields(request = id))]
pub async fn of_request(app: &App, actor: &Actor, id: i64) -> ActionResult<Stints> {
    let (request, relation) = visible(app, actor, id).await?;
    read(app, actor, &request, relation, None, None).await
}

/// The holder's current clocks as already read, and how its department counts time.
pub type Current = (Vec<StoredClock>, Timekeeping);

/// The stints of `request`, which `actor` (in `relation` to it) may see; `current`
/// saves reading again what the caller has read.
pub async fn read(
    app: &App,
    actor: &Actor,
    request: &Request,
    relation: Relation,
    current: Option<Current>,
    whole_history: Option<&[history::Entry]>,
) -> ActionResult<Stints> {
    let id = request.id;
    let cutoff = actor.sees_until(&request.facts(relation));
    let now = app.clock.now();
    // A request never passed on has no past stint to read.
    let past = if request.transfers > 0 {
        stints::past(&app.db, id).await?
    } else {
        Vec::new()
    };
    // The events that decide holding, from the whole history when the caller has it.
    let (moves, waits) = match whole_history {
        Some(entries) => holding(entries),
        None => holding(&history::of_holding(&app.db, id).await?),
    };

    let mut items = Vec::with_capacity(past.len() + 1);
    for (stint, clocks) in past {
        let timekeeping = app.timekeeping(stint.department_id).await?;
        let (from, to) = (from_micros(stint.started_at), from_micros(stint.ended_at));
        let work = timekeeping.work(false);
        let time = split_time(&moves, &spans(&waits), from, to, work).map_err(arithmetic)?;
        let waited_on = waited_on(&waits, from, to, work)?;
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
            waited_on,
        });
    }
    let status = request.status()?;
    let resolved_at = request
        .resolved_at
        .filter(|_| matches!(status, Status::Resolved | Status::Closed))
        .map(from_micros);
    let (clocks, timekeeping) = match current {
        Some(current) => current,
        None => (
            slas::of_request(&app.db, id).await?,
            app.timekeeping(request.provider_department_id).await?,
        ),
    };
    let from = from_micros(request.stint_start());
    let until = resolved_at.unwrap_or(now).max(from);
    let work = timekeeping.work(false);
    let time = split_time(&moves, &spans(&waits), from, until, work).map_err(arithmetic)?;
    let waited = waited_on(&waits, from, until, work)?;
    items.push(StintView {
        seq: request.transfers + 1,
        department_id: request.provider_department_id,
        service_id: request.service_id,
        from,
        to: resolved_at,
        ended_by: resolved_at.map(|_| StintEnd::Resolved),
        time,
        first_response_at: request.first_response_at.map(from_micros),
        clocks,
        timekeeping: timekeeping.clone(),
        transferred_by: None,
        reason: None,
        waited_on: waited,
    });

    let end_to_end = match cutoff {
        Some(cutoff) => {
            let cutoff = from_micros(cutoff);
            items.retain(|s| s.from < cutoff);
            None
        }
        None => {
            let requester_time =
                if request.requester_department_id == request.provider_department_id {
                    timekeeping
                } else {
                    app.timekeeping(request.requester_department_id).await?
                };
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

/// Transfers between one pair of departments over a period.
#[derive(Debug, Clone, PartialEq)]
pub struct PairTransfers {
    pub from_department_id: i64,
    pub to_department_id: i64,
    pub transfers: u64,
    /// Requests flagged ping-pong with at least one transfer between the pair.
    pub ping_pong_requests: u64,
    /// In ping-pong requests: the business time the passing department held the request
    /// (open, not paused) before passing it on: work that ended elsewhere.
    pub lost: SignedDuration,
}

pub struct TransferReport {
    pub requests_transferred: u64,
    pub ping_pong_requests: u64,
    /// Most time lost first.
    pub pairs: Vec<PairTransfers>,
}

/// Transfers and ping-pong over the requests `actor` may see, filed in `[from, to)`,
/// per ordered pair of departments.
#[tracing::instrument(name = "transfer_report", skip_all)]
pub async fn transfer_report(
    app: &App,
    actor: &Actor,
    from: Timestamp,
    to: Timestamp,
) -> ActionResult<TransferReport> {
    use std::collections::{BTreeMap, BTreeSet};
    let facts = stints::transfers(&app.db, actor, to_micros(from), to_micros(to)).await?;
    let mut pairs: BTreeMap<(i64, i64), PairTransfers> = BTreeMap::new();
    let mut requests = BTreeSet::new();
    let mut bouncing = BTreeSet::new();
    let mut pair_bouncing: BTreeSet<(i64, i64, i64)> = BTreeSet::new();
    let mut holding_of: Option<(i64, Holding)> = None;
    for fact in facts {
        requests.insert(fact.request_id);
        let key = (fact.from_department_id, fact.to_department_id);
        let pair = pairs.entry(key).or_insert_with(|| PairTransfers {
            from_department_id: key.0,
            to_department_id: key.1,
            transfers: 0,
            ping_pong_requests: 0,
            lost: SignedDuration::ZERO,
        });
        pair.transfers += 1;
        if !fact.ping_pong {
            continue;
        }
        bouncing.insert(fact.request_id);
        if pair_bouncing.insert((key.0, key.1, fact.request_id)) {
            pair.ping_pong_requests += 1;
        }
        // The request's history is read once for all its stints (facts come by request).
        if holding_of
            .as_ref()
            .is_none_or(|(id, _)| *id != fact.request_id)
        {
            let read = holding(&history::of_holding(&app.db, fact.request_id).await?);
            holding_of = Some((fact.request_id, read));
        }
        if let Some((_, (moves, waits))) = &holding_of {
            let time = app.timekeeping(fact.from_department_id).await?;
            let held = split_time(
                moves,
                &spans(waits),
                from_micros(fact.started_at),
                from_micros(fact.ended_at),
                time.work(false),
            )
            .map_err(arithmetic)?;
            pair.lost += held.held;
        }
    }
    let mut pairs: Vec<PairTransfers> = pairs.into_values().collect();
    pairs.sort_by(|a, b| b.lost.cmp(&a.lost).then(b.transfers.cmp(&a.transfers)));
    Ok(TransferReport {
        requests_transferred: requests.len() as u64,
        ping_pong_requests: bouncing.len() as u64,
        pairs,
    })
}

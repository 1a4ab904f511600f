//! The time a holder's resolution clock counted while its request waited on linked
//! requests (filed to other departments on its behalf), read from the histories: that
//! time is the departments waited on, not the holder's (see [`super::judge`]).
//!
//! Only time the clock counted is taken out: not the time it stood paused (the request
//! waiting on its customer, or on its linked requests when its service pauses for
//! them), nor the time between a resolution and a reopen. A linked request counts while
//! its holder had it (open, reopens included, not waiting on its customer, who is the
//! parent's holder), for the department that held it then, and never for the parent's
//! own holder: a department waiting on itself waits on no one else.

use jiff::Timestamp;

use crate::request::{RequestEvent, Status};
use crate::sla::Target;

/// A stretch of time, `None` at the end while it lasts.
pub type Stretch = (Timestamp, Option<Timestamp>);

/// The stretches during which a request's resolution clock ran, from its history
/// (oldest first). `None` when the history has no resolution clock events at all (a
/// request brought in without them): the caller counts its whole holding then. A
/// history that begins with a pause or a stop (brought in from its middle) ran before
/// it: from the start of time, which the caller bounds by the clock's own start.
pub fn running(history: &[(Timestamp, RequestEvent)]) -> Option<Vec<Stretch>> {
    let mut marks: Vec<(Timestamp, bool)> = history
        .iter()
        .filter_map(|(at, event)| match event {
            RequestEvent::ClockStarted { target }
            | RequestEvent::ClockResumed { target, .. }
            | RequestEvent::ClockRestarted { target, .. } => Some((*at, *target, true)),
            RequestEvent::ClockPaused { target } | RequestEvent::ClockStopped { target, .. } => {
                Some((*at, *target, false))
            }
            _ => None,
        })
        .filter(|(_, target, _)| *target == Target::Resolution)
        .map(|(at, _, runs)| (at, runs))
        .collect();
    if marks.first().is_some_and(|(_, runs)| !runs) {
        marks.insert(0, (Timestamp::MIN, true));
    }
    (!marks.is_empty()).then(|| stretches(marks))
}

/// The stretches during which a linked request was in its holders' hands, each with the
/// department that held it then (oldest first): from its filing to its resolution or
/// closing, and again from each reopening, but not while it waited on its customer (the
/// department that asked for it), and split where it was passed on. `holder` is the
/// department holding it now; before its first transfer it was that transfer's `from`.
pub fn held(history: &[(Timestamp, RequestEvent)], holder: i64) -> Vec<(i64, Stretch)> {
    let mut holder = history
        .iter()
        .find_map(|(_, e)| match e {
            RequestEvent::Transferred { from, .. } => Some(from.department_id),
            _ => None,
        })
        .unwrap_or(holder);
    let mut out: Vec<(i64, Stretch)> = Vec::new();
    let mut since: Option<Timestamp> = None;
    for (at, event) in history {
        let works = match event {
            RequestEvent::Filed {} => true,
            RequestEvent::StatusChanged { to, .. } => {
                to.is_active() && *to != Status::WaitingOnCustomer
            }
            RequestEvent::Transferred { to, .. } => {
                if let Some(from) = since.filter(|from| from < at) {
                    out.push((holder, (from, Some(*at))));
                    since = Some(*at);
                }
                holder = to.department_id;
                continue;
            }
            _ => continue,
        };
        match (works, since) {
            (true, None) => since = Some(*at),
            (false, Some(from)) => {
                out.push((holder, (from, Some(*at))));
                since = None;
            }
            _ => {}
        }
    }
    if let Some(from) = since {
        out.push((holder, (from, None)));
    }
    out
}

/// The stretches between each mark that starts one (`true`) and the next that ends it
/// (`false`); a start while one lasts, or an end while none does, changes nothing.
fn stretches(marks: impl IntoIterator<Item = (Timestamp, bool)>) -> Vec<Stretch> {
    let mut out: Vec<Stretch> = Vec::new();
    let mut since: Option<Timestamp> = None;
    for (at, starts) in marks {
        match (starts, since) {
            (true, None) => since = Some(at),
            (false, Some(from)) => {
                out.push((from, Some(at)));
                since = None;
            }
            _ => {}
        }
    }
    if let Some(from) = since {
        out.push((from, None));
    }
    out
}

/// Where stretches of `a` and of `b` overlap.
pub fn overlap(a: &[Stretch], b: &[Stretch]) -> Vec<Stretch> {
    let end = |e: Option<Timestamp>| e.unwrap_or(Timestamp::MAX);
    let mut out = Vec::new();
    for &(a0, a1) in a {
        for &(b0, b1) in b {
            let from = a0.max(b0);
            let to = end(a1).min(end(b1));
            if from < to {
                out.push((from, (to != Timestamp::MAX).then_some(to)));
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::Phase;

    fn at(hour: i64) -> Timestamp {
        Timestamp::from_second(1_790_000_000 + hour * 3_600).unwrap()
    }

    fn events(list: &[(i64, RequestEvent)]) -> Vec<(Timestamp, RequestEvent)> {
        list.iter().map(|(h, e)| (at(*h), e.clone())).collect()
    }

    const R: Target = Target::Resolution;

    #[test]
    fn the_resolution_clock_runs_between_its_starts_and_its_pauses() {
        let history = events(&[
            (
                0,
                RequestEvent::ClockStarted {
                    target: Target::FirstResponse,
                },
            ),
            (0, RequestEvent::ClockStarted { target: R }),
            (
                2,
                RequestEvent::ClockStopped {
                    target: Target::FirstResponse,
                    from: Phase::Running,
                },
            ),
            (3, RequestEvent::ClockPaused { target: R }),
            (
                5,
                RequestEvent::ClockResumed {
                    target: R,
                    from: Phase::Paused,
                },
            ),
            (
                8,
                RequestEvent::ClockStopped {
                    target: R,
                    from: Phase::Running,
                },
            ),
            (
                9,
                RequestEvent::ClockRestarted {
                    target: R,
                    from: Phase::Stopped,
                },
            ),
        ]);
        assert_eq!(
            running(&history),
            Some(vec![
                (at(0), Some(at(3))),
                (at(5), Some(at(8))),
                (at(9), None)
            ])
        );
        assert_eq!(running(&events(&[(0, RequestEvent::Filed {})])), None);
        // Brought in from its middle: it ran until its first pause.
        assert_eq!(
            running(&history[3..]),
            Some(vec![
                (Timestamp::MIN, Some(at(3))),
                (at(5), Some(at(8))),
                (at(9), None)
            ])
        );
    }

    #[test]
    fn a_linked_request_is_held_until_resolved_and_again_once_reopened_by_whoever_held_it() {
        let moved = |from, to| RequestEvent::StatusChanged { from, to };
        let holder = |id: i64| {
            Box::new(crate::request::Holder {
                department_id: id,
                department: format!("d{id}"),
                service_id: id * 10,
                service: format!("s{id}"),
            })
        };
        let history = events(&[
            (1, RequestEvent::Filed {}),
            (2, moved(Status::New, Status::InProgress)),
            // Waiting on its customer, the department that asked: no one else's wait.
            (3, moved(Status::InProgress, Status::WaitingOnCustomer)),
            (4, moved(Status::WaitingOnCustomer, Status::InProgress)),
            (
                5,
                RequestEvent::Transferred {
                    from: holder(7),
                    to: holder(8),
                    reason: "theirs".into(),
                    dropped_fields: Default::default(),
                },
            ),
            (6, moved(Status::InProgress, Status::Resolved)),
            (8, moved(Status::Resolved, Status::Reopened)),
        ]);
        assert_eq!(
            held(&history, 8),
            vec![
                (7, (at(1), Some(at(3)))),
                (7, (at(4), Some(at(5)))),
                (8, (at(5), Some(at(6)))),
                (8, (at(8), None)),
            ]
        );
        // Never passed on: its holder throughout.
        assert_eq!(held(&history[..3], 9), vec![(9, (at(1), Some(at(3))))]);
    }

    #[test]
    fn only_the_time_both_lasted_overlaps() {
        let clock = [(at(0), Some(at(3))), (at(5), None)];
        let child = [(at(1), Some(at(6))), (at(8), Some(at(9)))];
        assert_eq!(
            overlap(&child, &clock),
            vec![
                (at(1), Some(at(3))),
                (at(5), Some(at(6))),
                (at(8), Some(at(9)))
            ]
        );
        assert_eq!(overlap(&[(at(4), None)], &clock), vec![(at(5), None)]);
        assert!(overlap(&[(at(3), Some(at(5)))], &clock).is_empty());
    }
}

//! The time a holder's resolution clock counted while its request waited on linked
//! requests (filed to other departments on its behalf), read from the histories: that
//! time is the departments waited on, not the holder's (see [`super::judge`]).
//!
//! Only time the clock counted is taken out: not the time it stood paused (the request
//! waiting on its customer, or on its linked requests when its service pauses for
//! them), nor the time between a resolution and a reopen. A linked request counts while
//! it was open, reopens included, and never for the department that holds it: a parent
//! passed to the department of its own linked request waits on no one else.

use jiff::Timestamp;

use crate::request::{RequestEvent, Status};
use crate::sla::Target;

/// A stretch of time, `None` at the end while it lasts.
pub type Stretch = (Timestamp, Option<Timestamp>);

/// The stretches during which a request's resolution clock ran, from its history
/// (oldest first). `None` when the history has no resolution clock events at all (a
/// request brought in without them): the caller counts its whole holding then.
pub fn running(history: &[(Timestamp, RequestEvent)]) -> Option<Vec<Stretch>> {
    let marks: Vec<(Timestamp, bool)> = history
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
    (!marks.is_empty()).then(|| stretches(marks))
}

/// The stretches during which a request was open, from its filing and status moves
/// (oldest first): from its filing to its resolution or closing, and again from each
/// reopening.
pub fn open(history: &[(Timestamp, RequestEvent)]) -> Vec<Stretch> {
    stretches(history.iter().filter_map(|(at, event)| match event {
        RequestEvent::Filed {} => Some((*at, Status::New.is_active())),
        RequestEvent::StatusChanged { to, .. } => Some((*at, to.is_active())),
        _ => None,
    }))
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
    }

    #[test]
    fn a_linked_request_is_open_until_resolved_and_again_once_reopened() {
        let moved = |from, to| RequestEvent::StatusChanged { from, to };
        let history = events(&[
            (1, RequestEvent::Filed {}),
            (2, moved(Status::New, Status::InProgress)),
            (4, moved(Status::InProgress, Status::Resolved)),
            (6, moved(Status::Resolved, Status::Reopened)),
            (7, moved(Status::Reopened, Status::WaitingOnCustomer)),
        ]);
        assert_eq!(open(&history), vec![(at(1), Some(at(4))), (at(6), None)]);
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

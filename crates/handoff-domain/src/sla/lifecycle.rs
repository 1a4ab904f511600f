//! Which clocks a request's events move.

use super::Target;
use crate::request::Status;

/// What to do to one target's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockAction {
    Pause,
    Resume,
    Stop,
    Reopen,
    Restart,
}

/// The clock actions of a status move. Resolving counts as the first response too.
pub fn on_status_change(from: Status, to: Status) -> Vec<(Target, ClockAction)> {
    use ClockAction::*;
    use Status::*;
    let all = |action| Target::ALL.into_iter().map(move |t| (t, action));
    match (from, to) {
        (_, WaitingOnCustomer) => all(Pause).collect(),
        (_, Resolved) => all(Stop).collect(),
        (Resolved, Reopened) => vec![(Target::Resolution, Reopen), (Target::NextUpdate, Restart)],
        (WaitingOnCustomer, Open | InProgress) => all(Resume).collect(),
        _ => Vec::new(),
    }
}

/// A public reply from the providing department answers the request and promises the
/// next update.
pub fn on_provider_reply() -> Vec<(Target, ClockAction)> {
    vec![
        (Target::FirstResponse, ClockAction::Stop),
        (Target::NextUpdate, ClockAction::Restart),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_and_their_clock_actions() {
        use ClockAction::*;
        assert_eq!(
            on_status_change(Status::Open, Status::WaitingOnCustomer).len(),
            3
        );
        assert!(
            on_status_change(Status::WaitingOnCustomer, Status::Open)
                .iter()
                .all(|(_, a)| *a == Resume)
        );
        assert!(
            on_status_change(Status::InProgress, Status::Resolved)
                .iter()
                .all(|(_, a)| *a == Stop)
        );
        assert_eq!(
            on_status_change(Status::Resolved, Status::Reopened),
            vec![(Target::Resolution, Reopen), (Target::NextUpdate, Restart)]
        );
        assert!(on_status_change(Status::New, Status::Open).is_empty());
        assert!(on_status_change(Status::Resolved, Status::Closed).is_empty());
    }
}

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

/// The events that alarms raised together on one clock record. Warnings whose moment
/// passed together with the breach (the server was stopped, say) are no news anymore:
/// they are recorded as missed, with their real due time, and told to no one.
pub fn alarm_events(
    target: Target,
    raised: &[(crate::sla::Alarm, jiff::Timestamp)],
) -> Vec<crate::request::RequestEvent> {
    use crate::request::RequestEvent;
    use crate::sla::Alarm;
    let breached = raised.iter().any(|(alarm, _)| *alarm == Alarm::Breach);
    raised
        .iter()
        .map(|(alarm, due_at)| match *alarm {
            Alarm::Warning(percent) if breached => RequestEvent::SlaWarningMissed {
                target,
                percent,
                due_at: *due_at,
            },
            Alarm::Warning(percent) => RequestEvent::SlaWarning {
                target,
                percent,
                due_at: Some(*due_at),
            },
            Alarm::Breach => RequestEvent::SlaBreached {
                target,
                due_at: Some(*due_at),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_raised_with_the_breach_are_missed_not_sent() {
        use crate::request::RequestEvent;
        use crate::sla::Alarm;
        let t = |m: i64| jiff::Timestamp::from_second(m * 60).unwrap();
        let late = alarm_events(
            Target::Resolution,
            &[
                (Alarm::Warning(75), t(75)),
                (Alarm::Warning(90), t(90)),
                (Alarm::Breach, t(100)),
            ],
        );
        assert_eq!(late.len(), 3);
        assert!(
            matches!(late[0], RequestEvent::SlaWarningMissed { percent: 75, due_at, .. } if due_at == t(75))
        );
        assert!(matches!(
            late[1],
            RequestEvent::SlaWarningMissed { percent: 90, .. }
        ));
        assert!(matches!(late[2], RequestEvent::SlaBreached { .. }));
        let on_time = alarm_events(Target::Resolution, &[(Alarm::Warning(75), t(75))]);
        assert!(matches!(
            on_time[0],
            RequestEvent::SlaWarning { percent: 75, .. }
        ));
    }

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

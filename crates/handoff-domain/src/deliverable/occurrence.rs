//! Where an occurrence of a deliverable stands, and the rates that sum them up.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// An occurrence's state, read from its facts at an instant: it is never stored, so that
/// an occurrence past its due time reads as late even before the worker has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OccurrenceState {
    /// Not delivered, not yet due.
    Upcoming,
    /// Delivered (on time or not: see `delivered_at` against `due_at`).
    Delivered,
    /// Not delivered and past its due time.
    Late,
    /// Not delivered, and the next occurrence is due too: this one was skipped.
    Missed,
}

impl OccurrenceState {
    pub fn as_str(self) -> &'static str {
        match self {
            OccurrenceState::Upcoming => "upcoming",
            OccurrenceState::Delivered => "delivered",
            OccurrenceState::Late => "late",
            OccurrenceState::Missed => "missed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OccurrenceState::Upcoming => "Upcoming",
            OccurrenceState::Delivered => "Delivered",
            OccurrenceState::Late => "Late",
            OccurrenceState::Missed => "Missed",
        }
    }

    /// The state at `now` of an occurrence due at `due`, delivered at `delivered`, whose
    /// deliverable's next occurrence is due at `next_due`.
    pub fn at(
        due: Timestamp,
        delivered: Option<Timestamp>,
        next_due: Option<Timestamp>,
        now: Timestamp,
    ) -> OccurrenceState {
        match delivered {
            Some(_) => OccurrenceState::Delivered,
            None if now < due => OccurrenceState::Upcoming,
            None if next_due.is_some_and(|next| next <= now) => OccurrenceState::Missed,
            None => OccurrenceState::Late,
        }
    }
}

/// An alarm of an occurrence not delivered: the warning before its due time, or the
/// late notice (an escalation) at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OccurrenceAlarm {
    Warning,
    Late,
}

impl OccurrenceAlarm {
    /// The notification kind it is told as.
    pub fn kind(self) -> &'static str {
        match self {
            OccurrenceAlarm::Warning => "deliverable_warning",
            OccurrenceAlarm::Late => "deliverable_late",
        }
    }
}

/// Minutes before its due time at which an occurrence's provider is warned, unless the
/// deliverable says otherwise.
pub const DEFAULT_WARN_MINUTES: i64 = 240;
/// The longest warning lead: a week.
pub const MAX_WARN_MINUTES: i64 = 7 * 24 * 60;

/// The next alarm of an occurrence due at `due`, made at `now`: the warning `warn`
/// before it (at once when that moment has passed), or none for an occurrence already
/// due: it is late from the start and nobody is told of a past that they cannot change.
pub fn first_alarm(due: Timestamp, warn: SignedDuration, now: Timestamp) -> Option<Timestamp> {
    (due > now).then(|| due.checked_sub(warn).unwrap_or(due))
}

/// A rate: the share of `of` that `hit`, or none when there is nothing to count.
pub fn rate(hit: i64, of: i64) -> Option<f64> {
    (of > 0).then(|| hit as f64 / of as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn an_undelivered_occurrence_is_late_then_missed_when_the_next_is_due() {
        let due = t("2027-01-05T11:00:00Z");
        let next = Some(t("2027-02-03T11:00:00Z"));
        let s = |now| OccurrenceState::at(due, None, next, t(now));
        assert_eq!(s("2027-01-05T10:59:59Z"), OccurrenceState::Upcoming);
        assert_eq!(s("2027-01-05T11:00:00Z"), OccurrenceState::Late);
        assert_eq!(s("2027-02-03T11:00:00Z"), OccurrenceState::Missed);
        let delivered = Some(t("2027-01-06T09:00:00Z"));
        assert_eq!(
            OccurrenceState::at(due, delivered, next, t("2027-03-01T00:00:00Z")),
            OccurrenceState::Delivered
        );
        // The last occurrence of a rule stays late: nothing comes after it.
        assert_eq!(
            OccurrenceState::at(due, None, None, t("2030-01-01T00:00:00Z")),
            OccurrenceState::Late
        );
    }

    #[test]
    fn a_past_occurrence_has_no_alarm_and_a_near_one_warns_at_once() {
        let now = t("2027-01-05T10:00:00Z");
        let warn = SignedDuration::from_hours(4);
        assert_eq!(first_alarm(t("2027-01-05T09:00:00Z"), warn, now), None);
        assert_eq!(
            first_alarm(t("2027-01-05T12:00:00Z"), warn, now),
            Some(t("2027-01-05T08:00:00Z"))
        );
        assert_eq!(rate(3, 4), Some(0.75));
        assert_eq!(rate(0, 0), None);
    }
}

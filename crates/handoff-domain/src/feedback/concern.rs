//! Concerns: a customer says how a department serves them, with a problem and a proposed
//! solution. The receiving department's managers acknowledge, answer with the agreed
//! action and resolve; the raiser may reopen once. Answering has a target in business
//! days on the receiving department's calendar, which warns and escalates like an SLA.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::calendar::{CalendarError, CompiledCalendar};

/// Business days to answer a concern in.
pub const RESPONSE_DAYS: i64 = 5;

/// Where a concern stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ConcernState {
    Raised,
    Acknowledged,
    Answered,
    Resolved,
    Reopened,
}

/// What is done to a concern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConcernMove {
    Acknowledge,
    Answer,
    Resolve,
    Reopen,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a concern that is {} cannot be {}", from.as_str(), verb(*by))]
pub struct IllegalConcernMove {
    pub from: ConcernState,
    pub by: ConcernMove,
}

fn verb(m: ConcernMove) -> &'static str {
    match m {
        ConcernMove::Acknowledge => "acknowledged",
        ConcernMove::Answer => "answered",
        ConcernMove::Resolve => "resolved",
        ConcernMove::Reopen => "reopened",
    }
}

impl ConcernState {
    pub const ALL: [ConcernState; 5] = [
        ConcernState::Raised,
        ConcernState::Acknowledged,
        ConcernState::Answered,
        ConcernState::Resolved,
        ConcernState::Reopened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConcernState::Raised => "raised",
            ConcernState::Acknowledged => "acknowledged",
            ConcernState::Answered => "answered",
            ConcernState::Resolved => "resolved",
            ConcernState::Reopened => "reopened",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ConcernState::Raised => "Raised",
            ConcernState::Acknowledged => "Acknowledged",
            ConcernState::Answered => "Answered",
            ConcernState::Resolved => "Resolved",
            ConcernState::Reopened => "Reopened",
        }
    }

    pub fn parse(s: &str) -> Option<ConcernState> {
        ConcernState::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Whether it waits on the receiving department's answer.
    pub fn awaits_answer(self) -> bool {
        matches!(
            self,
            ConcernState::Raised | ConcernState::Acknowledged | ConcernState::Reopened
        )
    }

    /// The state after `by`; `reopened_before` says whether it was reopened once already.
    pub fn after(
        self,
        by: ConcernMove,
        reopened_before: bool,
    ) -> Result<ConcernState, IllegalConcernMove> {
        use ConcernMove as M;
        use ConcernState as S;
        let next = match (self, by) {
            (S::Raised | S::Reopened, M::Acknowledge) => Some(S::Acknowledged),
            (S::Raised | S::Acknowledged | S::Reopened, M::Answer) => Some(S::Answered),
            // A second answer (the agreed action changed) is allowed before resolving.
            (S::Answered, M::Answer) => Some(S::Answered),
            (S::Answered, M::Resolve) => Some(S::Resolved),
            (S::Resolved, M::Reopen) if !reopened_before => Some(S::Reopened),
            _ => None,
        };
        next.ok_or(IllegalConcernMove { from: self, by })
    }
}

/// A concern's response target: the moment to warn (the start of its last business
/// day) and the due time (the end of the `days`-th business day after `raised_on`).
/// Counted from the day alone, not the moment of raising, so that the target reveals
/// nothing finer than the day. With no calendar, every day counts whole, in UTC.
pub fn response_target(
    raised_on: Date,
    days: i64,
    calendar: Option<(&CompiledCalendar, &TimeZone)>,
) -> Result<(Timestamp, Timestamp), CalendarError> {
    let bad = |e: jiff::Error| CalendarError::InvalidHorizon(e.to_string());
    let Some((calendar, zone)) = calendar else {
        let due_day = raised_on
            .checked_add(jiff::Span::new().days(days + 1))
            .map_err(bad)?;
        let last_day = due_day.yesterday().map_err(bad)?;
        let utc = TimeZone::UTC;
        return Ok((
            day_start(last_day, &utc).map_err(bad)?,
            day_start(due_day, &utc).map_err(bad)?,
        ));
    };
    let mut day = raised_on;
    let mut counted = 0;
    // A calendar with no working time for a year gives up rather than loop.
    for _ in 0..366 + days * 7 {
        day = day.tomorrow().map_err(bad)?;
        let start = day_start(day, zone).map_err(bad)?;
        let end = day
            .tomorrow()
            .and_then(|d| day_start(d, zone))
            .map_err(bad)?;
        let open = calendar.between(start, end)?;
        if open <= SignedDuration::ZERO {
            continue;
        }
        counted += 1;
        if counted == days {
            // The first working instant of the day, and the moment all of it has passed.
            let first = calendar.due_after(start, SignedDuration::from_nanos(1))?;
            let warn = first
                .checked_sub(SignedDuration::from_nanos(1))
                .unwrap_or(first);
            return Ok((warn, calendar.due_after(start, open)?));
        }
    }
    Err(CalendarError::DurationTooLong)
}

/// The first instant of `day` in `zone`.
pub fn day_start(day: Date, zone: &TimeZone) -> Result<Timestamp, jiff::Error> {
    zone.to_timestamp(day.to_datetime(jiff::civil::Time::midnight()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{Calendar, CalendarSpec, Horizon};

    #[test]
    fn the_moves_follow_the_lifecycle() {
        use ConcernMove as M;
        use ConcernState as S;
        assert_eq!(S::Raised.after(M::Acknowledge, false), Ok(S::Acknowledged));
        assert_eq!(S::Raised.after(M::Answer, false), Ok(S::Answered));
        assert!(S::Raised.after(M::Resolve, false).is_err());
        assert_eq!(S::Answered.after(M::Resolve, false), Ok(S::Resolved));
        assert_eq!(S::Resolved.after(M::Reopen, false), Ok(S::Reopened));
        assert!(S::Resolved.after(M::Reopen, true).is_err());
        assert!(S::Answered.after(M::Acknowledge, false).is_err());
        for s in ConcernState::ALL {
            assert_eq!(ConcernState::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn five_business_days_skip_weekends_and_end_with_the_fifth_working_day() {
        let spec: CalendarSpec = serde_json::from_value(serde_json::json!({
            "time_zone": "Europe/London",
            "week": {"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]],
                     "wed": [["09:00", "17:00"]], "thu": [["09:00", "17:00"]],
                     "fri": [["09:00", "17:00"]]}
        }))
        .unwrap();
        let calendar = Calendar::new(spec).unwrap();
        let compiled = calendar
            .compile(Horizon::around("2026-03-01T00:00:00Z".parse().unwrap(), 1, 1).unwrap())
            .unwrap();
        let zone = TimeZone::get("Europe/London").unwrap();
        // Raised on Friday 2026-03-06: Mon, Tue, Wed, Thu, Fri of the next week.
        let (warn, due) =
            response_target(jiff::civil::date(2026, 3, 6), 5, Some((&compiled, &zone))).unwrap();
        assert_eq!(warn, "2026-03-13T09:00:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(due, "2026-03-13T17:00:00Z".parse::<Timestamp>().unwrap());
        // Across the clock change (29 March), in local time.
        let (_, due) =
            response_target(jiff::civil::date(2026, 3, 27), 5, Some((&compiled, &zone))).unwrap();
        assert_eq!(due, "2026-04-03T16:00:00Z".parse::<Timestamp>().unwrap());
    }

    #[test]
    fn without_a_calendar_every_day_counts() {
        let (warn, due) = response_target(jiff::civil::date(2026, 3, 6), 5, None).unwrap();
        assert_eq!(warn, "2026-03-11T00:00:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(due, "2026-03-12T00:00:00Z".parse::<Timestamp>().unwrap());
    }
}

//! Business calendars: a time zone, weekly working hours and holidays, and the arithmetic
//! SLA clocks need on them ("when is N business minutes after this instant", "how much
//! business time lies between these two instants").
//!
//! The flow is [`CalendarSpec`] (the serde shape users write) → [`Calendar`] (validated)
//! → [`CompiledCalendar`] (UTC intervals over a [`Horizon`], for fast arithmetic):
//!
//! ```
//! use handoff_domain::calendar::{Calendar, CalendarSpec, Horizon};
//!
//! let spec: CalendarSpec = serde_json::from_str(r#"{
//!     "time_zone": "Europe/London",
//!     "week": {"mon": [["09:00","17:00"]], "tue": [["09:00","17:00"]]},
//!     "holidays": [{"date": "2026-12-25"}]
//! }"#).unwrap();
//! let calendar = Calendar::new(spec).unwrap();
//! let start: jiff::Timestamp = "2026-03-09T10:00:00Z".parse().unwrap();
//! let compiled = calendar.compile(Horizon::for_due(start).unwrap()).unwrap();
//! let due = compiled.due(start, 7 * 60).unwrap();
//! assert_eq!(due.to_string(), "2026-03-09T17:00:00Z");
//! assert_eq!(compiled.between(start, due).unwrap().as_mins(), 7 * 60);
//! ```
//!
//! See [`compiled`] for how daylight-saving gaps and folds count.

pub mod compiled;
pub mod ics;
pub mod spec;

pub use compiled::{CompiledCalendar, Horizon};
pub use ics::holidays_from_ics;
pub use spec::{Calendar, CalendarSpec, HolidaySpec, IntervalSpec, WEEKDAY_KEYS, WeekSpec};

use jiff::{SignedDuration, Timestamp};

use crate::validation::FieldErrors;

/// Everything that can go wrong with a calendar; each displays as one readable line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The definition is malformed; reasons keyed by field path (`week.mon[1]`).
    #[error("{0}")]
    Invalid(FieldErrors),
    /// Holidays close every working period within the horizon.
    #[error("the calendar has no working time between {from} and {until}")]
    NoWorkingTime { from: Timestamp, until: Timestamp },
    /// An instant outside the horizon the calendar was compiled for.
    #[error("{at} is outside the calendar's horizon {from} .. {until}")]
    OutsideHorizon {
        at: Timestamp,
        from: Timestamp,
        until: Timestamp,
    },
    /// The business time is not reached before the horizon ends.
    #[error(
        "{} of business time from {start} is not reached by {until}, the end of the calendar's horizon",
        describe(*business)
    )]
    Unreachable {
        start: Timestamp,
        business: SignedDuration,
        until: Timestamp,
    },
    #[error("business time must not be negative (got {})", describe(*.0))]
    NegativeDuration(SignedDuration),
    #[error("business time is too large to represent")]
    DurationTooLong,
    #[error("invalid calendar horizon: {0}")]
    InvalidHorizon(String),
    /// An iCalendar text that could not be imported.
    #[error("ics: {0}")]
    Ics(String),
}

/// "90 minutes", or jiff's friendly form ("1h 30m 15s") when not whole minutes.
fn describe(d: SignedDuration) -> String {
    if d.subsec_nanos() == 0 && d.as_secs() % 60 == 0 {
        format!("{} minutes", d.as_secs() / 60)
    } else {
        format!("{d:#}")
    }
}

/// Business time as minutes for people and scripts: an integer when whole (`90`, `-15`),
/// otherwise a decimal rounded to 9 places with trailing zeros removed (`90.5`,
/// `0.333333333`). Nine places keep nanosecond inputs distinguishable.
pub fn format_minutes(d: SignedDuration) -> String {
    let nanos = d.as_nanos();
    let per_minute: i128 = 60_000_000_000;
    let sign = if nanos < 0 { "-" } else { "" };
    let abs = nanos.unsigned_abs();
    let per_minute = per_minute.unsigned_abs();
    let whole = abs / per_minute;
    // Fraction in units of 1e-9 minute, rounded half up.
    let frac = ((abs % per_minute) * 1_000_000_000 + per_minute / 2) / per_minute;
    let (whole, frac) = if frac == 1_000_000_000 {
        (whole + 1, 0)
    } else {
        (whole, frac)
    };
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let digits = format!("{frac:09}");
        format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_format() {
        assert_eq!(format_minutes(SignedDuration::from_mins(90)), "90");
        assert_eq!(format_minutes(SignedDuration::from_mins(-15)), "-15");
        assert_eq!(format_minutes(SignedDuration::ZERO), "0");
        assert_eq!(
            format_minutes(SignedDuration::from_secs(90 * 60 + 30)),
            "90.5"
        );
        assert_eq!(format_minutes(SignedDuration::from_secs(20)), "0.333333333");
        assert_eq!(
            format_minutes(SignedDuration::from_secs(-20)),
            "-0.333333333"
        );
        assert_eq!(format_minutes(SignedDuration::new(59, 999_999_999)), "1");
    }

    #[test]
    fn compiled_is_shareable() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<CompiledCalendar>();
        assert_send_sync::<Calendar>();
    }

    #[test]
    fn errors_describe_durations() {
        let e = CalendarError::NegativeDuration(SignedDuration::from_mins(-5));
        assert_eq!(
            e.to_string(),
            "business time must not be negative (got -5 minutes)"
        );
    }
}

//! A holder's SLA clock judged in a window, as health and bottlenecks read it: did the
//! department that held the request meet its target, and how much of the window did
//! the customer's work spend waiting on it beyond that target.
//!
//! Two corrections make the reading fair to the holder and to the customer:
//! - time its resolution clock counted while another department held one of its
//!   request's linked requests (filed on its behalf) is not the holder's: it is taken
//!   out of the time used, and counts for the departments waited on, whose own clocks
//!   ran then (the stretches come from [`super::links`]);
//! - a clock past its target counts as breached in every window it stays so, open or
//!   waiting on its customer, and only the part of its overrun that fell in the window
//!   is added to the window's waiting time, so that a request left open for months
//!   neither drops out nor counts its whole overrun again in every window.

use jiff::{SignedDuration, Timestamp};

use crate::calendar::CalendarError;
use crate::sla::Clockwork;

/// One holder's clock, as stored, with what the reading needs beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldClock {
    pub allowed: SignedDuration,
    /// Business time used before `running_since` (all of it when not running).
    pub used: SignedDuration,
    pub running_since: Option<Timestamp>,
    pub stopped_at: Option<Timestamp>,
    /// When it passed its target (`SlaClock::passed_target_at`).
    pub passed_at: Option<Timestamp>,
    /// When the holder's part began (its stint's start).
    pub started_at: Timestamp,
}

/// The stretches during which the clock counted while another department held one of its
/// request's linked requests (`None`: still so), from [`super::links`]. They may overlap.
pub type LinkWaits = [(Timestamp, Option<Timestamp>)];

/// What a clock comes to in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judgement {
    /// `Some(true)`: stopped in the window within its target; `Some(false)`: stopped in
    /// it past its target, or past its target and not stopped at the window's end;
    /// `None`: no verdict in this window.
    pub verdict: Option<bool>,
    /// Business time used beyond the target by the clock's stop or the window's end,
    /// whichever came first (zero when within it).
    pub beyond: SignedDuration,
    /// The part of `beyond` that fell inside the window.
    pub beyond_in_window: SignedDuration,
}

/// Judges `clock` in the window `[from, to)`; `waits` are the stretches to take out of
/// its time (empty for a request without linked requests). Time is counted with `work`,
/// the holder's calendar.
///
/// A clock stopped after the window's end is read as it stood then by taking the
/// business time from the end to its stop off its time used: it is assumed to have run
/// that stretch (a request worked on until resolved).
pub fn judge(
    clock: &HeldClock,
    waits: &LinkWaits,
    from: Timestamp,
    to: Timestamp,
    work: Clockwork,
) -> Result<Judgement, CalendarError> {
    let none = Judgement {
        verdict: None,
        beyond: SignedDuration::ZERO,
        beyond_in_window: SignedDuration::ZERO,
    };
    if clock.stopped_at.is_some_and(|s| s < from) || clock.started_at >= to {
        return Ok(none);
    }
    let stopped_in = clock.stopped_at.filter(|s| *s < to);
    let end = stopped_in.unwrap_or(to);
    let mut used = clock.used;
    if let Some(since) = clock.running_since.filter(|s| *s < end) {
        used += work.between(since, end)?.max(SignedDuration::ZERO);
    }
    if let Some(stop) = clock.stopped_at.filter(|s| *s >= to) {
        used = (used - work.between(to, stop)?.max(SignedDuration::ZERO)).max(SignedDuration::ZERO);
    }
    let own = used - waited(waits, clock.started_at, end, work)?;
    let beyond = (own - clock.allowed).max(SignedDuration::ZERO);
    let verdict = match stopped_in {
        Some(_) => Some(beyond.is_zero()),
        None if beyond.is_positive() => Some(false),
        None => None,
    };
    if beyond.is_zero() {
        return Ok(Judgement {
            verdict,
            beyond,
            beyond_in_window: SignedDuration::ZERO,
        });
    }
    // Passed its target inside the window with nothing to take out: all of the overrun
    // fell in it. Passed it before: what could have accrued before the window (from the
    // passing to the window's start) is taken off, so that a clock paused past its
    // target since before the window adds nothing to it, and the rest is bounded by the
    // window's own time.
    let beyond_in_window = if waits.is_empty() && clock.passed_at.is_some_and(|p| p >= from) {
        beyond
    } else {
        let start = from.max(clock.started_at);
        let span = (work.between(start, end)?.max(SignedDuration::ZERO)
            - waited(waits, start, end, work)?)
        .max(SignedDuration::ZERO);
        let before = match clock.passed_at.filter(|p| *p < start) {
            Some(passed) => (work.between(passed, start)?.max(SignedDuration::ZERO)
                - waited(waits, passed, start, work)?)
            .max(SignedDuration::ZERO),
            None => SignedDuration::ZERO,
        };
        (beyond - before).max(SignedDuration::ZERO).min(span)
    };
    Ok(Judgement {
        verdict,
        beyond,
        beyond_in_window,
    })
}

/// Business time of `[from, to)` during which at least one of `waits` was open.
pub fn waited(
    waits: &LinkWaits,
    from: Timestamp,
    to: Timestamp,
    work: Clockwork,
) -> Result<SignedDuration, CalendarError> {
    let mut spans: Vec<(Timestamp, Timestamp)> = waits
        .iter()
        .map(|(a, b)| ((*a).max(from), b.unwrap_or(to).min(to)))
        .filter(|(a, b)| a < b)
        .collect();
    spans.sort();
    let mut total = SignedDuration::ZERO;
    let mut open: Option<(Timestamp, Timestamp)> = None;
    for (a, b) in spans {
        match open {
            Some((start, end)) if a <= end => open = Some((start, end.max(b))),
            Some((start, end)) => {
                total += work.between(start, end)?;
                open = Some((a, b));
            }
            None => open = Some((a, b)),
        }
    }
    if let Some((start, end)) = open {
        total += work.between(start, end)?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn hours(h: i64) -> SignedDuration {
        SignedDuration::from_hours(h)
    }

    const WORK: Clockwork<'static> = Clockwork::Continuous;

    /// Eight hours allowed from Monday 00:00; the window is that week.
    fn clock() -> HeldClock {
        HeldClock {
            allowed: hours(8),
            used: SignedDuration::ZERO,
            running_since: Some(at("2026-11-23T00:00:00Z")),
            stopped_at: None,
            passed_at: Some(at("2026-11-23T08:00:00Z")),
            started_at: at("2026-11-23T00:00:00Z"),
        }
    }

    fn week() -> (Timestamp, Timestamp) {
        (at("2026-11-23T00:00:00Z"), at("2026-11-30T00:00:00Z"))
    }

    #[test]
    fn a_clock_open_past_its_target_is_breached_in_every_window_it_stays_so() {
        let (from, to) = week();
        let j = judge(&clock(), &[], from, to, WORK).unwrap();
        assert_eq!(j.verdict, Some(false));
        assert_eq!(j.beyond, hours(7 * 24 - 8));
        assert_eq!(j.beyond_in_window, hours(7 * 24 - 8));
        // A week later it is still open: breached again, with that week's time only.
        let next = judge(&clock(), &[], to, at("2026-12-07T00:00:00Z"), WORK).unwrap();
        assert_eq!(next.verdict, Some(false));
        assert_eq!(next.beyond, hours(14 * 24 - 8));
        assert_eq!(next.beyond_in_window, hours(7 * 24));
    }

    #[test]
    fn a_clock_paused_past_its_target_stays_breached() {
        let (from, to) = week();
        let paused = HeldClock {
            used: hours(10),
            running_since: None,
            passed_at: Some(at("2026-11-23T08:00:00Z")),
            ..clock()
        };
        let j = judge(&paused, &[], from, to, WORK).unwrap();
        assert_eq!(j.verdict, Some(false));
        assert_eq!((j.beyond, j.beyond_in_window), (hours(2), hours(2)));
        // Paused within its target: no verdict yet.
        let within = HeldClock {
            used: hours(3),
            running_since: None,
            passed_at: None,
            ..clock()
        };
        assert_eq!(judge(&within, &[], from, to, WORK).unwrap().verdict, None);
    }

    #[test]
    fn a_stopped_clock_has_its_verdict_in_the_window_it_stopped_in() {
        let (from, to) = week();
        let met = HeldClock {
            used: hours(6),
            running_since: None,
            stopped_at: Some(at("2026-11-23T06:00:00Z")),
            passed_at: None,
            ..clock()
        };
        assert_eq!(
            judge(&met, &[], from, to, WORK).unwrap().verdict,
            Some(true)
        );
        // Stopped before the window: nothing.
        let later = (at("2026-12-01T00:00:00Z"), at("2026-12-08T00:00:00Z"));
        assert_eq!(
            judge(&met, &[], later.0, later.1, WORK).unwrap().verdict,
            None
        );
        // Stopped after the window's end, past its target before it: breached in the
        // window, by what was used by its end.
        let late = HeldClock {
            used: hours(7 * 24 + 12),
            running_since: None,
            stopped_at: Some(at("2026-11-30T12:00:00Z")),
            passed_at: Some(at("2026-11-23T08:00:00Z")),
            ..clock()
        };
        let j = judge(&late, &[], from, to, WORK).unwrap();
        assert_eq!(j.verdict, Some(false));
        assert_eq!(j.beyond, hours(7 * 24 - 8));
    }

    #[test]
    fn time_waiting_on_linked_requests_is_not_the_holders() {
        let (from, to) = week();
        // Resolved Friday 00:00 after 96 hours, 90 of them waiting on two linked
        // requests (Monday 02:00 to Thursday 20:00, overlapping).
        let parent = HeldClock {
            used: hours(96),
            running_since: None,
            stopped_at: Some(at("2026-11-27T00:00:00Z")),
            passed_at: Some(at("2026-11-23T08:00:00Z")),
            ..clock()
        };
        let waits = [
            (at("2026-11-23T02:00:00Z"), Some(at("2026-11-25T00:00:00Z"))),
            (at("2026-11-24T00:00:00Z"), Some(at("2026-11-26T20:00:00Z"))),
        ];
        let j = judge(&parent, &waits, from, to, WORK).unwrap();
        assert_eq!(j.verdict, Some(true), "6 hours of its own against 8");
        assert_eq!(j.beyond, SignedDuration::ZERO);
        // Without the links it is 88 hours late.
        let j = judge(&parent, &[], from, to, WORK).unwrap();
        assert_eq!((j.verdict, j.beyond), (Some(false), hours(88)));
        // Still waiting on one that is open: the holder's own time is what it used
        // before it was filed.
        let open = [(at("2026-11-23T02:00:00Z"), None)];
        let j = judge(&clock(), &open, from, to, WORK).unwrap();
        assert_eq!((j.verdict, j.beyond), (None, SignedDuration::ZERO));
    }

    #[test]
    fn an_overrun_from_before_the_window_counts_only_its_part_in_it() {
        let (from, to) = week();
        // Passed its target a week before the window, resolved Tuesday 00:00.
        let old = HeldClock {
            used: hours(8 + 7 * 24 + 24),
            running_since: None,
            stopped_at: Some(at("2026-11-24T00:00:00Z")),
            passed_at: Some(at("2026-11-16T08:00:00Z")),
            started_at: at("2026-11-16T00:00:00Z"),
            ..clock()
        };
        let j = judge(&old, &[], from, to, WORK).unwrap();
        assert_eq!(j.verdict, Some(false));
        assert_eq!((j.beyond, j.beyond_in_window), (hours(192), hours(24)));
        // Paused past its target since before the window: nothing of it falls in it.
        let paused = HeldClock {
            used: hours(10),
            running_since: None,
            stopped_at: None,
            ..old
        };
        let j = judge(&paused, &[], from, to, WORK).unwrap();
        assert_eq!(j.verdict, Some(false));
        assert_eq!(
            (j.beyond, j.beyond_in_window),
            (hours(2), SignedDuration::ZERO)
        );
    }

    proptest! {
        /// Taking out waits never makes a clock later, and what falls in the window is
        /// never more than the overrun nor than the window.
        #[test]
        fn waits_only_lower_the_overrun(
            used in 0i64..72,
            running in proptest::bool::ANY,
            waits in proptest::collection::vec((0i64..300, proptest::option::of(0i64..300)), 0..4),
        ) {
            let (from, to) = week();
            let start = at("2026-11-20T00:00:00Z");
            let c = HeldClock {
                used: hours(used),
                running_since: running.then_some(start + hours(72)),
                stopped_at: None,
                passed_at: None,
                started_at: start,
                allowed: hours(8),
            };
            let waits: Vec<(Timestamp, Option<Timestamp>)> = waits
                .into_iter()
                .map(|(a, b)| (start + hours(a), b.map(|b| start + hours(a + b))))
                .collect();
            let with = judge(&c, &waits, from, to, WORK).unwrap();
            let without = judge(&c, &[], from, to, WORK).unwrap();
            prop_assert!(with.beyond <= without.beyond);
            prop_assert!(with.beyond_in_window <= with.beyond);
            prop_assert!(with.beyond_in_window <= to.duration_since(from));
        }
    }
}

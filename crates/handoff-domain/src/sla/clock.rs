//! One SLA target's clock: business time used, running or paused, due time, alarms.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::Target;
use crate::calendar::{CalendarError, CompiledCalendar};

/// How time is counted: in a calendar's working hours, or all of it.
#[derive(Debug, Clone, Copy)]
pub enum Clockwork<'a> {
    Business(&'a CompiledCalendar),
    Continuous,
}

impl Clockwork<'_> {
    /// Time counted between two instants (negative when `b` is before `a`).
    pub fn between(&self, a: Timestamp, b: Timestamp) -> Result<SignedDuration, CalendarError> {
        match self {
            Clockwork::Business(calendar) => calendar.between(a, b),
            Clockwork::Continuous => Ok(b.duration_since(a)),
        }
    }

    /// The earliest instant by which `amount` is counted from `start`.
    pub fn after(
        &self,
        start: Timestamp,
        amount: SignedDuration,
    ) -> Result<Timestamp, CalendarError> {
        match self {
            Clockwork::Business(calendar) => calendar.due_after(start, amount),
            Clockwork::Continuous => start
                .checked_add(amount)
                .map_err(|_| CalendarError::DurationTooLong),
        }
    }
}

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Running,
    Paused,
    Stopped,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Running => "running",
            Phase::Paused => "paused",
            Phase::Stopped => "stopped",
        }
    }
}

/// The state of one target's clock, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaClock {
    pub target: Target,
    /// The business time the target allows.
    pub allowed: SignedDuration,
    /// Business time used before `running_since`.
    pub used: SignedDuration,
    /// When the current running stretch began; `None` while paused or stopped.
    pub running_since: Option<Timestamp>,
    /// When the allowed time runs out, while running.
    pub due_at: Option<Timestamp>,
    pub stopped_at: Option<Timestamp>,
    /// When the clock passed its target in this cycle, once the stretch that passed it
    /// was banked (paused or stopped); while a clock runs, it passes at `due_at`. Read
    /// through [`SlaClock::passed_target_at`].
    pub breached_at: Option<Timestamp>,
    /// Counts restarts (next-update clocks restart at every provider reply), so that
    /// each stretch has its own warnings.
    pub cycle: i32,
}

/// A moment worth telling someone about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alarm {
    /// This percentage of the allowed time is used.
    Warning(u8),
    /// The allowed time is used up.
    Breach,
}

impl Alarm {
    pub fn key(self) -> String {
        match self {
            Alarm::Warning(p) => format!("warning_{p}"),
            Alarm::Breach => "breach".to_owned(),
        }
    }

    pub fn parse(key: &str) -> Option<Alarm> {
        if key == "breach" {
            return Some(Alarm::Breach);
        }
        key.strip_prefix("warning_")?
            .parse()
            .ok()
            .map(Alarm::Warning)
    }
}

/// What a clock shows at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockState {
    pub phase: Phase,
    pub used: SignedDuration,
    /// Negative when overdue.
    pub left: SignedDuration,
    /// Share of the allowed time used, in percent (can exceed 100).
    pub percent_used: f64,
    pub due_at: Option<Timestamp>,
    /// `Some(true)` met, `Some(false)` breached, `None` still open and within target.
    pub met: Option<bool>,
}

impl SlaClock {
    /// A clock that starts running at `now`.
    pub fn start(
        target: Target,
        allowed: SignedDuration,
        now: Timestamp,
        work: Clockwork,
    ) -> Result<Self, CalendarError> {
        let mut clock = SlaClock {
            target,
            allowed,
            used: SignedDuration::ZERO,
            running_since: None,
            due_at: None,
            stopped_at: None,
            breached_at: None,
            cycle: 0,
        };
        clock.run_from(now, work)?;
        Ok(clock)
    }

    pub fn phase(&self) -> Phase {
        match (self.running_since, self.stopped_at) {
            (Some(_), _) => Phase::Running,
            (None, Some(_)) => Phase::Stopped,
            (None, None) => Phase::Paused,
        }
    }

    fn run_from(&mut self, now: Timestamp, work: Clockwork) -> Result<(), CalendarError> {
        let left = (self.allowed - self.used).max(SignedDuration::ZERO);
        self.running_since = Some(now);
        self.due_at = Some(work.after(now, left)?);
        Ok(())
    }

    /// Banks the running stretch up to `now`, keeping when it passed the target.
    fn bank(&mut self, now: Timestamp, work: Clockwork) -> Result<(), CalendarError> {
        if let Some(since) = self.running_since.take() {
            self.used += work.between(since, now)?.max(SignedDuration::ZERO);
        }
        if let Some(due) = self.due_at.take()
            && due <= now
            && self.breached_at.is_none()
            && self.used > self.allowed
        {
            self.breached_at = Some(due);
        }
        Ok(())
    }

    /// Pauses a running clock (the request waits on the customer).
    pub fn pause(&mut self, now: Timestamp, work: Clockwork) -> Result<(), CalendarError> {
        if self.phase() == Phase::Running {
            self.bank(now, work)?;
        }
        Ok(())
    }

    /// Resumes a paused clock; a stopped one stays stopped.
    pub fn resume(&mut self, now: Timestamp, work: Clockwork) -> Result<(), CalendarError> {
        if self.phase() == Phase::Paused {
            self.run_from(now, work)?;
        }
        Ok(())
    }

    /// Stops the clock for good (first response given, request resolved).
    pub fn stop(&mut self, now: Timestamp, work: Clockwork) -> Result<(), CalendarError> {
        if self.phase() != Phase::Stopped {
            self.bank(now, work)?;
            self.stopped_at = Some(now);
        }
        Ok(())
    }

    /// Runs a stopped clock again with the time it had used (a reopened request).
    pub fn reopen(&mut self, now: Timestamp, work: Clockwork) -> Result<(), CalendarError> {
        if self.phase() == Phase::Stopped {
            self.stopped_at = None;
            self.run_from(now, work)?;
        }
        Ok(())
    }

    /// Starts over with nothing used (the next-update clock after a provider reply).
    pub fn restart(&mut self, now: Timestamp, work: Clockwork) -> Result<(), CalendarError> {
        self.used = SignedDuration::ZERO;
        self.stopped_at = None;
        self.breached_at = None;
        self.cycle += 1;
        self.run_from(now, work)
    }

    /// Gives the clock a new allowance (its policy changed) at `now`, counted with
    /// `work`. A clock that the new allowance puts within its target loses its breach
    /// date; one it puts past it by `now`, running or paused, is dated as passing it
    /// `now`: the policy was not in force before, so no earlier window gains a breach.
    /// The caller recomputes a running clock's due time.
    pub fn allow(&mut self, allowed: SignedDuration, now: Timestamp, work: Clockwork) {
        self.allowed = allowed;
        // Out of the calendar's range, the time banked is what is known.
        let used = self.used_at(now, work).unwrap_or(self.used);
        if used <= allowed {
            self.breached_at = None;
        } else if self.breached_at.is_none() {
            self.breached_at = Some(now);
        }
    }

    /// When the clock passed (or, running, will pass) its target in this cycle; `None`
    /// for a clock paused or stopped within it. A clock that passed it before a pause
    /// keeps that instant through the pause and after (a breach does not vanish while
    /// the request waits on its customer); one put past it by a new allowance passed it
    /// then ([`SlaClock::allow`]). `breached_at` is only ever set past the target.
    pub fn passed_target_at(&self) -> Option<Timestamp> {
        if let Some(at) = self.breached_at {
            Some(at)
        } else if self.used > self.allowed {
            self.stopped_at.or(self.due_at)
        } else {
            self.due_at.filter(|_| self.phase() == Phase::Running)
        }
    }

    /// Business time used by `now`.
    pub fn used_at(
        &self,
        now: Timestamp,
        work: Clockwork,
    ) -> Result<SignedDuration, CalendarError> {
        let running = match self.running_since {
            Some(since) => work.between(since, now)?.max(SignedDuration::ZERO),
            None => SignedDuration::ZERO,
        };
        Ok(self.used + running)
    }

    pub fn state(&self, now: Timestamp, work: Clockwork) -> Result<ClockState, CalendarError> {
        let used = self.used_at(now, work)?;
        let left = self.allowed - used;
        let within = left >= SignedDuration::ZERO;
        let met = match self.phase() {
            Phase::Stopped => Some(within),
            _ if !within => Some(false),
            _ => None,
        };
        let percent_used = if self.allowed.is_zero() {
            100.0
        } else {
            used.as_secs_f64() / self.allowed.as_secs_f64() * 100.0
        };
        Ok(ClockState {
            phase: self.phase(),
            used,
            left,
            percent_used,
            due_at: self.due_at,
            met,
        })
    }

    /// When each alarm of the current running stretch falls due, for the alarms whose
    /// share of the allowed time is not used up before the stretch began. Nothing
    /// while paused or stopped.
    pub fn alarms(
        &self,
        warn_at: &[u8],
        work: Clockwork,
    ) -> Result<Vec<(Alarm, Timestamp)>, CalendarError> {
        let Some(since) = self.running_since else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        let points = warn_at
            .iter()
            .map(|p| (Alarm::Warning(*p), self.allowed * i32::from(*p) / 100))
            .chain(std::iter::once((Alarm::Breach, self.allowed)));
        for (alarm, at_used) in points {
            let remaining = at_used - self.used;
            if remaining > SignedDuration::ZERO || (alarm == Alarm::Breach && remaining.is_zero()) {
                out.push((alarm, work.after(since, remaining)?));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{Calendar, CalendarSpec, Horizon};

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn london_9_to_5() -> CompiledCalendar {
        let spec: CalendarSpec = serde_json::from_value(serde_json::json!({
            "time_zone": "Europe/London",
            "week": {"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]],
                     "wed": [["09:00", "17:00"]], "thu": [["09:00", "17:00"]],
                     "fri": [["09:00", "17:00"]]},
            "holidays": []
        }))
        .unwrap();
        Calendar::new(spec)
            .unwrap()
            .compile(Horizon::new(at("2026-01-01T00:00:00Z"), at("2027-12-31T00:00:00Z")).unwrap())
            .unwrap()
    }

    #[test]
    fn a_clock_pauses_resumes_and_stops_in_business_time() {
        let cal = london_9_to_5();
        let work = Clockwork::Business(&cal);
        // Monday 2026-11-23, 16:00 London (UTC in winter). Eight business hours allowed.
        let mut clock = SlaClock::start(
            Target::Resolution,
            SignedDuration::from_hours(8),
            at("2026-11-23T16:00:00Z"),
            work,
        )
        .unwrap();
        assert_eq!(clock.due_at, Some(at("2026-11-24T16:00:00Z")));
        // Waiting on the customer from Tuesday 10:00 (2 hours used) to Wednesday 09:00.
        clock.pause(at("2026-11-24T10:00:00Z"), work).unwrap();
        assert_eq!(clock.phase(), Phase::Paused);
        assert_eq!(clock.used, SignedDuration::from_hours(2));
        let state = clock.state(at("2026-11-30T10:00:00Z"), work).unwrap();
        assert_eq!(
            state.used,
            SignedDuration::from_hours(2),
            "paused time does not count"
        );
        assert_eq!(state.due_at, None);
        clock.resume(at("2026-11-25T09:00:00Z"), work).unwrap();
        assert_eq!(clock.due_at, Some(at("2026-11-25T15:00:00Z")));
        let state = clock.state(at("2026-11-25T12:00:00Z"), work).unwrap();
        assert_eq!(state.used, SignedDuration::from_hours(5));
        assert_eq!(state.left, SignedDuration::from_hours(3));
        assert!((state.percent_used - 62.5).abs() < 1e-9);
        assert_eq!(state.met, None);
        clock.stop(at("2026-11-25T16:00:00Z"), work).unwrap();
        let state = clock.state(at("2026-12-01T00:00:00Z"), work).unwrap();
        assert_eq!(state.phase, Phase::Stopped);
        assert_eq!(state.left, SignedDuration::from_hours(-1));
        assert_eq!(state.met, Some(false));
        // A reopen resumes with the time already used: it is overdue at once.
        clock.reopen(at("2026-11-26T09:00:00Z"), work).unwrap();
        assert_eq!(clock.due_at, Some(at("2026-11-26T09:00:00Z")));
    }

    #[test]
    fn alarms_fall_at_shares_of_the_allowed_time() {
        let work = Clockwork::Continuous;
        let start = at("2026-11-23T09:00:00Z");
        let clock = SlaClock::start(
            Target::FirstResponse,
            SignedDuration::from_mins(100),
            start,
            work,
        )
        .unwrap();
        let alarms = clock.alarms(&[75, 90], work).unwrap();
        assert_eq!(
            alarms,
            vec![
                (Alarm::Warning(75), at("2026-11-23T10:15:00Z")),
                (Alarm::Warning(90), at("2026-11-23T10:30:00Z")),
                (Alarm::Breach, at("2026-11-23T10:40:00Z")),
            ]
        );
        // After a pause past the first warning, only the later alarms remain.
        let mut clock = clock;
        clock.pause(at("2026-11-23T10:20:00Z"), work).unwrap();
        assert!(clock.alarms(&[75, 90], work).unwrap().is_empty());
        clock.resume(at("2026-11-24T09:00:00Z"), work).unwrap();
        let alarms = clock.alarms(&[75, 90], work).unwrap();
        assert_eq!(
            alarms,
            vec![
                (Alarm::Warning(90), at("2026-11-24T09:10:00Z")),
                (Alarm::Breach, at("2026-11-24T09:20:00Z")),
            ]
        );
        assert_eq!(
            Alarm::parse(&Alarm::Warning(75).key()),
            Some(Alarm::Warning(75))
        );
        assert_eq!(Alarm::parse("breach"), Some(Alarm::Breach));
        assert_eq!(Alarm::parse("warning_x"), None);
    }

    #[test]
    fn a_restart_begins_a_new_cycle() {
        let work = Clockwork::Continuous;
        let mut clock = SlaClock::start(
            Target::NextUpdate,
            SignedDuration::from_hours(1),
            at("2026-11-23T09:00:00Z"),
            work,
        )
        .unwrap();
        clock.restart(at("2026-11-23T09:30:00Z"), work).unwrap();
        assert_eq!(clock.cycle, 1);
        assert_eq!(clock.used, SignedDuration::ZERO);
        assert_eq!(clock.due_at, Some(at("2026-11-23T10:30:00Z")));
    }

    #[test]
    fn a_clock_keeps_when_it_passed_its_target_through_pauses() {
        let cal = london_9_to_5();
        let work = Clockwork::Business(&cal);
        // Two business hours from Monday 09:00: due 11:00.
        let mut clock = SlaClock::start(
            Target::Resolution,
            SignedDuration::from_hours(2),
            at("2026-11-23T09:00:00Z"),
            work,
        )
        .unwrap();
        assert_eq!(clock.passed_target_at(), Some(at("2026-11-23T11:00:00Z")));
        // Paused within target: nothing passed.
        clock.pause(at("2026-11-23T10:00:00Z"), work).unwrap();
        assert_eq!(clock.passed_target_at(), None);
        assert_eq!(clock.breached_at, None);
        // Resumed at 13:00 with an hour left (due 14:00), paused at 15:00 waiting on
        // the customer: the breach stays dated 14:00, paused or not.
        clock.resume(at("2026-11-23T13:00:00Z"), work).unwrap();
        clock.pause(at("2026-11-23T15:00:00Z"), work).unwrap();
        assert_eq!(clock.breached_at, Some(at("2026-11-23T14:00:00Z")));
        assert_eq!(clock.passed_target_at(), Some(at("2026-11-23T14:00:00Z")));
        clock.resume(at("2026-11-24T09:00:00Z"), work).unwrap();
        clock.stop(at("2026-11-24T10:00:00Z"), work).unwrap();
        assert_eq!(clock.passed_target_at(), Some(at("2026-11-23T14:00:00Z")));
        // A stopped clock within its target never passed it.
        let mut met = SlaClock::start(
            Target::Resolution,
            SignedDuration::from_hours(2),
            at("2026-11-23T09:00:00Z"),
            work,
        )
        .unwrap();
        met.stop(at("2026-11-23T11:00:00Z"), work).unwrap();
        assert_eq!(met.passed_target_at(), None);
        // A restart begins a cycle that has not passed anything.
        clock.restart(at("2026-11-25T09:00:00Z"), work).unwrap();
        assert_eq!(clock.breached_at, None);
        assert_eq!(clock.passed_target_at(), Some(at("2026-11-25T11:00:00Z")));
    }

    #[test]
    fn a_new_allowance_dates_or_clears_the_breach_of_a_paused_clock() {
        let cal = london_9_to_5();
        let work = Clockwork::Business(&cal);
        // Four hours allowed, three used by Monday 12:00, then paused.
        let mut clock = SlaClock::start(
            Target::Resolution,
            SignedDuration::from_hours(4),
            at("2026-11-23T09:00:00Z"),
            work,
        )
        .unwrap();
        clock.pause(at("2026-11-23T12:00:00Z"), work).unwrap();
        assert_eq!(clock.passed_target_at(), None);
        // The policy cut to two hours on Tuesday: past its target from then.
        let tuesday = at("2026-11-24T10:00:00Z");
        clock.allow(SignedDuration::from_hours(2), tuesday, work);
        assert_eq!(clock.passed_target_at(), Some(tuesday));
        // Raised to five again: within it, no breach date left behind.
        clock.allow(
            SignedDuration::from_hours(5),
            at("2026-11-25T10:00:00Z"),
            work,
        );
        assert_eq!(clock.breached_at, None);
        assert_eq!(clock.passed_target_at(), None);
        // Resumed Wednesday 09:00 with two hours left: passes at 11:00, not before.
        clock.resume(at("2026-11-25T09:00:00Z"), work).unwrap();
        clock.pause(at("2026-11-25T12:00:00Z"), work).unwrap();
        assert_eq!(clock.passed_target_at(), Some(at("2026-11-25T11:00:00Z")));
        // Running, cut below what it has used by now: passed at the cut, not at the
        // resume weeks before that the recomputed due time would say.
        let mut running = SlaClock::start(
            Target::Resolution,
            SignedDuration::from_hours(8),
            at("2026-11-23T09:00:00Z"),
            work,
        )
        .unwrap();
        let cut = at("2026-11-23T13:00:00Z");
        running.allow(SignedDuration::from_hours(2), cut, work);
        assert_eq!(running.passed_target_at(), Some(cut));
        running.pause(at("2026-11-23T15:00:00Z"), work).unwrap();
        assert_eq!(running.passed_target_at(), Some(cut));
    }
}

//! Summaries for SLA reports: attainment, and the median and 90th percentile of the
//! business time completed clocks took.

use jiff::SignedDuration;

use super::{ClockState, Phase};

/// How one clock turned out, seen at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Met,
    Breached,
    /// Still running or paused, and not yet over its time.
    Open,
}

impl Outcome {
    /// How a clock stands, read from its state at one instant
    /// ([`SlaClock::state`](super::SlaClock::state)): the same reading a request's own
    /// SLA shows, its running stretch included.
    pub fn of(state: &ClockState) -> Outcome {
        match state.met {
            Some(true) => Outcome::Met,
            Some(false) => Outcome::Breached,
            None => Outcome::Open,
        }
    }
}

/// Counts and business-time percentiles of a group of clocks of one target.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub met: u64,
    pub breached: u64,
    pub open: u64,
    durations: Vec<SignedDuration>,
}

impl Summary {
    /// Adds a clock; `taken` is the business time a stopped clock took.
    pub fn add(&mut self, outcome: Outcome, taken: Option<SignedDuration>) {
        match outcome {
            Outcome::Met => self.met += 1,
            Outcome::Breached => self.breached += 1,
            Outcome::Open => self.open += 1,
        }
        if let Some(taken) = taken {
            self.durations.push(taken);
        }
    }

    /// Adds a clock by its state at the report's instant; a stopped clock adds the
    /// business time it took.
    pub fn record(&mut self, state: &ClockState) {
        let taken = (state.phase == Phase::Stopped).then_some(state.used);
        self.add(Outcome::of(state), taken);
    }

    /// Met among those decided (met or breached); `None` when none is decided yet.
    pub fn attainment(&self) -> Option<f64> {
        let decided = self.met + self.breached;
        (decided > 0).then(|| self.met as f64 / decided as f64)
    }

    /// The nearest-rank percentile `p` (0 < p <= 100) of the completed durations.
    pub fn percentile(&self, p: f64) -> Option<SignedDuration> {
        if self.durations.is_empty() {
            return None;
        }
        let mut sorted = self.durations.clone();
        sorted.sort();
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
    }
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;

    use super::*;
    use crate::sla::{Clockwork, SlaClock, Target};

    fn mins(m: i64) -> SignedDuration {
        SignedDuration::from_mins(m)
    }

    #[test]
    fn outcomes_count_the_running_stretch() {
        let work = Clockwork::Continuous;
        let start: Timestamp = "2026-11-23T09:00:00Z".parse().unwrap();
        let at = |m: i64| start + mins(m);
        let mut clock = SlaClock::start(Target::Resolution, mins(60), start, work).unwrap();
        // Running with nothing banked yet: the running stretch is what counts.
        assert_eq!(
            Outcome::of(&clock.state(at(30), work).unwrap()),
            Outcome::Open
        );
        let over = clock.state(at(90), work).unwrap();
        assert_eq!(Outcome::of(&over), Outcome::Breached);
        assert_eq!(over.used, mins(90));
        let mut open = Summary::default();
        open.record(&over);
        assert_eq!((open.breached, open.percentile(50.0)), (1, None));

        // Stopped on the minute: met, and its time counts towards the percentiles.
        clock.stop(at(60), work).unwrap();
        let stopped = clock.state(at(600), work).unwrap();
        assert_eq!(Outcome::of(&stopped), Outcome::Met);
        let mut done = Summary::default();
        done.record(&stopped);
        assert_eq!((done.met, done.percentile(50.0)), (1, Some(mins(60))));

        // Paused past its time: breached.
        let mut paused = SlaClock::start(Target::Resolution, mins(60), start, work).unwrap();
        paused.pause(at(61), work).unwrap();
        let state = paused.state(at(600), work).unwrap();
        assert_eq!(
            (state.phase, Outcome::of(&state)),
            (Phase::Paused, Outcome::Breached)
        );
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let mut s = Summary::default();
        assert_eq!(s.percentile(50.0), None);
        assert_eq!(s.attainment(), None);
        for m in [50, 10, 40, 20, 30, 60, 70, 80, 90, 100] {
            s.add(
                if m <= 60 {
                    Outcome::Met
                } else {
                    Outcome::Breached
                },
                Some(mins(m)),
            );
        }
        s.add(Outcome::Open, None);
        assert_eq!(s.percentile(50.0), Some(mins(50)));
        assert_eq!(s.percentile(90.0), Some(mins(90)));
        assert_eq!(s.percentile(100.0), Some(mins(100)));
        assert_eq!(s.attainment(), Some(0.6));
        assert_eq!(s.open, 1);
    }
}

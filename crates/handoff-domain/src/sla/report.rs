//! Summaries for SLA reports: attainment, and the median and 90th percentile of the
//! business time completed clocks took.

use jiff::{SignedDuration, Timestamp};

/// How one clock turned out, seen at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Met,
    Breached,
    /// Still running or paused, and not yet over its time.
    Open,
}

/// The outcome of a clock that allows `allowed`, used `used` before its current stretch
/// and is stopped or due as given.
pub fn outcome(
    allowed: SignedDuration,
    used: SignedDuration,
    stopped: bool,
    due_at: Option<Timestamp>,
    now: Timestamp,
) -> Outcome {
    if stopped {
        if used <= allowed {
            Outcome::Met
        } else {
            Outcome::Breached
        }
    } else if used > allowed || due_at.is_some_and(|due| due < now) {
        Outcome::Breached
    } else {
        Outcome::Open
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
    use super::*;

    fn mins(m: i64) -> SignedDuration {
        SignedDuration::from_mins(m)
    }

    #[test]
    fn outcomes() {
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let before = "2026-11-23T11:00:00Z".parse().unwrap();
        let after = "2026-11-23T13:00:00Z".parse().unwrap();
        assert_eq!(outcome(mins(60), mins(60), true, None, now), Outcome::Met);
        assert_eq!(
            outcome(mins(60), mins(61), true, None, now),
            Outcome::Breached
        );
        assert_eq!(
            outcome(mins(60), mins(10), false, Some(before), now),
            Outcome::Breached
        );
        assert_eq!(
            outcome(mins(60), mins(10), false, Some(after), now),
            Outcome::Open
        );
        assert_eq!(outcome(mins(60), mins(10), false, None, now), Outcome::Open);
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

//! Satisfaction ratings: the requester of a resolved request rates it, 1 to 5, once per
//! resolution; the rating counts for the department that resolved it.

use jiff::{SignedDuration, Timestamp};

/// An unanswered ask expires this long after the resolution.
pub const ASK_LIFETIME: SignedDuration = SignedDuration::from_hours(14 * 24);
/// A rating can be changed this long after it was first given.
pub const CHANGE_WINDOW: SignedDuration = SignedDuration::from_hours(7 * 24);
/// Ratings at or below this tell the providing department's managers.
pub const LOW_SCORE: i32 = 2;

/// The ask of one resolution, as far as the rules go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ask {
    pub expires_at: Timestamp,
    /// When the requester first rated it.
    pub rated_at: Option<Timestamp>,
}

/// Why a rating is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatingRefused {
    #[error("the score must be a whole number from 1 to 5")]
    Score,
    #[error("the request is not resolved: it is rated once it is")]
    NotResolved,
    #[error("the ask to rate this resolution expired on {0}")]
    Expired(Timestamp),
    #[error("a rating can be changed for 7 days after it was given; that ended on {0}")]
    WindowClosed(Timestamp),
}

impl Ask {
    /// Whether a rating may be given (or changed) at `now`.
    pub fn check(&self, now: Timestamp) -> Result<(), RatingRefused> {
        match self.rated_at {
            Some(rated) => {
                let until = rated.saturating_add(CHANGE_WINDOW).unwrap_or(rated);
                if now >= until {
                    return Err(RatingRefused::WindowClosed(until));
                }
            }
            None if now >= self.expires_at => {
                return Err(RatingRefused::Expired(self.expires_at));
            }
            None => {}
        }
        Ok(())
    }

    /// Whether it waits on the requester at `now`: not rated, not expired.
    pub fn open(&self, now: Timestamp) -> bool {
        self.rated_at.is_none() && now < self.expires_at
    }
}

pub fn check_score(score: i32) -> Result<i32, RatingRefused> {
    if (1..=5).contains(&score) {
        Ok(score)
    } else {
        Err(RatingRefused::Score)
    }
}

/// Whether a requester last asked about the department at `last_asked` is asked again
/// at `now`: not within `interval_days` of the last ask.
pub fn ask_again(last_asked: Option<Timestamp>, interval_days: i32, now: Timestamp) -> bool {
    let interval = SignedDuration::from_hours(24 * i64::from(interval_days.max(0)));
    match last_asked {
        None => true,
        Some(last) => now.duration_since(last) >= interval,
    }
}

/// When the ask of a resolution at `resolved_at` expires.
pub fn expires(resolved_at: Timestamp) -> Timestamp {
    resolved_at
        .saturating_add(ASK_LIFETIME)
        .unwrap_or(resolved_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn an_ask_expires_after_fourteen_days_and_a_rating_changes_for_seven() {
        let resolved = at("2026-03-02T10:00:00Z");
        let ask = Ask {
            expires_at: expires(resolved),
            rated_at: None,
        };
        assert!(ask.check(at("2026-03-16T09:59:59Z")).is_ok());
        assert!(ask.open(at("2026-03-16T09:59:59Z")));
        assert_eq!(
            ask.check(at("2026-03-16T10:00:00Z")),
            Err(RatingRefused::Expired(at("2026-03-16T10:00:00Z")))
        );
        let rated = Ask {
            rated_at: Some(at("2026-03-15T12:00:00Z")),
            ..ask
        };
        // Rated just before expiry: changeable for seven days after, past the ask's end.
        assert!(rated.check(at("2026-03-22T11:59:00Z")).is_ok());
        assert!(!rated.open(at("2026-03-16T00:00:00Z")));
        assert!(matches!(
            rated.check(at("2026-03-22T12:00:00Z")),
            Err(RatingRefused::WindowClosed(_))
        ));
    }

    #[test]
    fn scores_are_one_to_five() {
        assert!(check_score(0).is_err());
        assert!(check_score(6).is_err());
        assert_eq!(check_score(5), Ok(5));
    }

    #[test]
    fn a_requester_is_asked_once_per_interval() {
        let last = at("2026-03-02T10:00:00Z");
        assert!(ask_again(None, 3, last));
        assert!(!ask_again(Some(last), 3, at("2026-03-05T09:59:59Z")));
        assert!(ask_again(Some(last), 3, at("2026-03-05T10:00:00Z")));
        assert!(ask_again(Some(last), 0, last));
    }
}

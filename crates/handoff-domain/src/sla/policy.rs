//! SLA targets and policies.

use serde::{Deserialize, Serialize};

use crate::validation::FieldErrors;

/// What a service promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Until the providing department first answers in public (or resolves).
    FirstResponse,
    /// Until the request is resolved.
    Resolution,
    /// Between public updates from the providing department.
    NextUpdate,
}

impl Target {
    pub const ALL: [Target; 3] = [
        Target::FirstResponse,
        Target::Resolution,
        Target::NextUpdate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Target::FirstResponse => "first_response",
            Target::Resolution => "resolution",
            Target::NextUpdate => "next_update",
        }
    }

    pub fn parse(s: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The target in words, as people read it.
    pub fn label(self) -> &'static str {
        match self {
            Target::FirstResponse => "First response",
            Target::Resolution => "Resolution",
            Target::NextUpdate => "Next update",
        }
    }
}

/// Warnings at these shares of a target unless a policy says otherwise.
pub const DEFAULT_WARNINGS: [u8; 2] = [75, 90];

/// The longest target accepted: a year of minutes.
const MAX_MINUTES: i64 = 366 * 24 * 60;

/// The targets of one service (for one priority, or all), in minutes of business time
/// of the providing department's calendar, or of calendar time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub first_response_minutes: Option<i64>,
    pub resolution_minutes: Option<i64>,
    pub next_update_minutes: Option<i64>,
    /// Count plain elapsed time instead of the calendar's working hours.
    pub calendar_time: bool,
    /// Percentages of a target at which a warning fires, each 1 to 99.
    pub warn_at: Vec<u8>,
}

impl Policy {
    pub fn minutes(&self, target: Target) -> Option<i64> {
        match target {
            Target::FirstResponse => self.first_response_minutes,
            Target::Resolution => self.resolution_minutes,
            Target::NextUpdate => self.next_update_minutes,
        }
    }

    /// Checks the targets and warnings; reasons are named by field.
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        for target in Target::ALL {
            if let Some(m) = self.minutes(target)
                && !(1..=MAX_MINUTES).contains(&m)
            {
                errors.add(
                    format!("{}_minutes", target.as_str()),
                    format!("must be from 1 to {MAX_MINUTES} minutes"),
                );
            }
        }
        if Target::ALL.iter().all(|t| self.minutes(*t).is_none()) {
            errors.add("resolution_minutes", "a policy needs at least one target");
        }
        let mut seen = Vec::new();
        for (i, p) in self.warn_at.iter().enumerate() {
            if !(1..=99).contains(p) {
                errors.add(format!("warn_at[{i}]"), "must be a percentage from 1 to 99");
            } else if seen.contains(p) {
                errors.add(format!("warn_at[{i}]"), "is listed twice");
            }
            seen.push(*p);
        }
        errors.into_result(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_are_checked() {
        let good = Policy {
            first_response_minutes: Some(60),
            resolution_minutes: Some(480),
            next_update_minutes: None,
            calendar_time: false,
            warn_at: vec![75, 90],
        };
        assert!(good.check().is_ok());
        let bad = Policy {
            first_response_minutes: Some(0),
            resolution_minutes: None,
            next_update_minutes: Some(MAX_MINUTES + 1),
            calendar_time: false,
            warn_at: vec![75, 100, 75],
        };
        let errors = bad.check().unwrap_err();
        assert!(errors.get("first_response_minutes").is_some());
        assert!(errors.get("next_update_minutes").is_some());
        assert!(errors.get("warn_at[1]").is_some());
        assert!(errors.get("warn_at[2]").is_some());
        let empty = Policy {
            first_response_minutes: None,
            next_update_minutes: None,
            ..bad
        };
        assert!(
            empty
                .check()
                .unwrap_err()
                .get("resolution_minutes")
                .is_some()
        );
    }
}

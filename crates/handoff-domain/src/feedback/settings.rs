//! The organisation's feedback settings, kept by admins.

use serde::{Deserialize, Serialize};

use crate::FieldErrors;
use crate::validation::has_control;

/// The fewest pulse answers a shown result may stand on; no organisation goes below.
pub const MIN_ANONYMITY_THRESHOLD: i32 = 3;
const MAX_ANONYMITY_THRESHOLD: i32 = 1_000;
const MAX_INTERVAL_DAYS: i32 = 365;
const MAX_VALUES: usize = 50;
const VALUE_MAX: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Settings {
    /// Pulse results are shown only where at least this many people answered (3 or more).
    pub anonymity_threshold: i32,
    /// A person is asked to rate requests of one department at most once in this many
    /// days; further asks are skipped (they may still rate).
    pub rating_interval_days: i32,
    /// The organisation's values: every kudos is tagged with one.
    pub values: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            anonymity_threshold: 5,
            rating_interval_days: 3,
            values: Vec::new(),
        }
    }
}

/// A change of some settings; what is `None` stays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct SettingsChange {
    pub anonymity_threshold: Option<i32>,
    pub rating_interval_days: Option<i32>,
    pub values: Option<Vec<String>>,
}

impl Settings {
    /// The settings after `change`, or the fields it gets wrong.
    pub fn changed(&self, change: &SettingsChange) -> Result<Settings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut next = self.clone();
        if let Some(threshold) = change.anonymity_threshold {
            if threshold < MIN_ANONYMITY_THRESHOLD {
                errors.add(
                    "anonymity_threshold",
                    format!(
                        "must be at least {MIN_ANONYMITY_THRESHOLD}: fewer answers would let a \
                         result be traced to the people who gave them"
                    ),
                );
            } else if threshold > MAX_ANONYMITY_THRESHOLD {
                errors.add(
                    "anonymity_threshold",
                    format!("must be at most {MAX_ANONYMITY_THRESHOLD}"),
                );
            }
            next.anonymity_threshold = threshold;
        }
        if let Some(days) = change.rating_interval_days {
            if !(0..=MAX_INTERVAL_DAYS).contains(&days) {
                errors.add(
                    "rating_interval_days",
                    format!("must be between 0 and {MAX_INTERVAL_DAYS} days"),
                );
            }
            next.rating_interval_days = days;
        }
        if let Some(values) = &change.values {
            next.values = check_values(&mut errors, values);
        }
        errors.into_result(next)
    }

    /// The value as listed (matching case-insensitively), if it is one of the values.
    pub fn value(&self, given: &str) -> Option<&str> {
        let given = given.trim();
        self.values
            .iter()
            .find(|v| v.eq_ignore_ascii_case(given))
            .map(String::as_str)
    }
}

fn check_values(errors: &mut FieldErrors, values: &[String]) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    if values.is_empty() {
        errors.add("values", "list at least one value: every kudos carries one");
    } else if values.len() > MAX_VALUES {
        errors.add("values", format!("at most {MAX_VALUES} values"));
    }
    for (i, value) in values.iter().enumerate() {
        let value = value.trim();
        let field = format!("values.{i}");
        if value.is_empty() {
            errors.add(field, "must not be empty");
        } else if has_control(value) || value.chars().count() > VALUE_MAX {
            errors.add(
                field,
                format!("must be at most {VALUE_MAX} characters, without control characters"),
            );
        } else if kept.iter().any(|k| k.eq_ignore_ascii_case(value)) {
            errors.add(field, format!("\"{value}\" is listed twice"));
        } else {
            kept.push(value.to_owned());
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_threshold_below_three_is_refused() {
        let s = Settings::default();
        let change = SettingsChange {
            anonymity_threshold: Some(2),
            ..Default::default()
        };
        let errors = s.changed(&change).unwrap_err();
        assert!(errors.get("anonymity_threshold").is_some());
        let change = SettingsChange {
            anonymity_threshold: Some(3),
            ..Default::default()
        };
        assert_eq!(s.changed(&change).unwrap().anonymity_threshold, 3);
    }

    #[test]
    fn values_are_trimmed_unique_and_matched_ignoring_case() {
        let s = Settings::default();
        let change = SettingsChange {
            values: Some(vec![" Helpful ".into(), "helpful".into(), "".into()]),
            ..Default::default()
        };
        let errors = s.changed(&change).unwrap_err();
        assert!(errors.get("values.1").is_some());
        assert!(errors.get("values.2").is_some());
        let none = SettingsChange {
            values: Some(Vec::new()),
            ..Default::default()
        };
        assert!(s.changed(&none).unwrap_err().get("values").is_some());
        let change = SettingsChange {
            values: Some(vec![" Helpful ".into(), "Clear".into()]),
            ..Default::default()
        };
        let s = s.changed(&change).unwrap();
        assert_eq!(s.values, vec!["Helpful", "Clear"]);
        assert_eq!(s.value("clear"), Some("Clear"));
        assert_eq!(s.value("Bold"), None);
    }
}

//! How pages word things: times in the viewer's zone, durations in business terms, and
//! the names people read for statuses, priorities and SLA targets.

use handoff_domain::request::{Priority, Status};
use handoff_domain::sla::{Phase, Target};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::Choice;
use crate::api::request_sla::SlaJson;

/// `Mon 23 Nov 2026, 14:05 GMT`, in `zone`.
pub fn time(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned_datetime(zone.clone())
        .strftime("%a %-d %b %Y, %H:%M %Z")
        .to_string()
}

/// The same instant as `time`, for the `datetime` attribute of `<time>`.
pub fn machine_time(at: Timestamp) -> String {
    at.round(jiff::Unit::Second).unwrap_or(at).to_string()
}

/// Minutes as `3 h 05 min` or `45 min`; the sign is the caller's to word.
pub fn minutes(m: f64) -> String {
    let total = m.abs().round() as i64;
    let (h, min) = (total / 60, total % 60);
    if h == 0 {
        format!("{min} min")
    } else {
        format!("{h} h {min:02} min")
    }
}

pub fn status(s: Status) -> &'static str {
    s.label()
}

pub fn priority(p: Priority) -> &'static str {
    p.label()
}

/// The priorities to choose from, `selected` chosen.
pub fn priorities(selected: Priority) -> Vec<Choice> {
    Priority::ALL
        .into_iter()
        .map(|p| Choice::new(p.as_str(), priority(p), p == selected))
        .collect()
}

pub fn target(t: Target) -> &'static str {
    t.label()
}

/// One SLA target of a request, as a page shows it.
pub struct SlaView {
    pub target: &'static str,
    /// `met`, `breached`, `paused`, `running` or `stopped`: also the CSS class.
    pub state: &'static str,
    pub state_label: &'static str,
    pub allowed: String,
    pub used: String,
    /// "2 h 10 min left" or "35 min overdue"; empty once met.
    pub left: String,
    pub overdue: bool,
    pub percent: f64,
    /// Bar width, 0-100.
    pub bar: u8,
    pub due: Option<String>,
    pub due_machine: Option<String>,
    /// "business time" or "calendar time".
    pub counted_in: &'static str,
}

impl SlaView {
    pub fn new(sla: &SlaJson, zone: &TimeZone) -> SlaView {
        let (state, state_label) = match (sla.met, sla.phase) {
            (Some(true), _) => ("met", "Met"),
            (Some(false), _) => ("breached", "Breached"),
            (None, Phase::Paused) => ("paused", "Paused"),
            (None, Phase::Running) => ("running", "Running"),
            (None, Phase::Stopped) => ("stopped", "Stopped"),
        };
        let overdue = sla.left_minutes < 0.0;
        let left = match (sla.met, overdue) {
            (Some(true), _) => String::new(),
            (_, true) => format!("{} overdue", minutes(sla.left_minutes)),
            (_, false) => format!("{} left", minutes(sla.left_minutes)),
        };
        SlaView {
            target: target(sla.target),
            state,
            state_label,
            allowed: minutes(sla.allowed_minutes),
            used: minutes(sla.used_minutes),
            left,
            overdue,
            percent: sla.percent_used,
            bar: sla.percent_used.clamp(0.0, 100.0).round() as u8,
            due: sla.due_at.map(|at| time(at, zone)),
            due_machine: sla.due_at.map(machine_time),
            counted_in: if sla.calendar_time {
                "calendar time"
            } else {
                "business time"
            },
        }
    }

    /// A short line for lists: the state and what is left of it.
    pub fn summary(&self) -> String {
        match self.state {
            "met" => format!("{}: met", self.target),
            "breached" if self.left.is_empty() => format!("{}: breached", self.target),
            "breached" => format!("{}: breached, {}", self.target, self.left),
            "paused" => format!("{}: paused, {}", self.target, self.left),
            _ => format!("{}: {}", self.target, self.left),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_read_as_hours_and_minutes() {
        assert_eq!(minutes(0.0), "0 min");
        assert_eq!(minutes(45.4), "45 min");
        assert_eq!(minutes(-65.0), "1 h 05 min");
        assert_eq!(minutes(60.0 * 26.0 + 1.0), "26 h 01 min");
    }

    #[test]
    fn times_show_in_the_viewers_zone() {
        let at: Timestamp = "2026-07-01T12:30:00Z".parse().unwrap();
        let london = TimeZone::get("Europe/London").unwrap();
        assert_eq!(time(at, &london), "Wed 1 Jul 2026, 13:30 BST");
        assert_eq!(time(at, &TimeZone::UTC), "Wed 1 Jul 2026, 12:30 UTC");
    }
}

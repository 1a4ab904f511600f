//! Stints: the stretches of a request's life, each held by one department. A transfer
//! ends the holder's stint and starts the next department's; each stint keeps its own
//! clocks under its department's policy and calendar, so that time and breaches belong
//! to the team that held the work.

use jiff::{SignedDuration, Timestamp};

use super::Status;
use crate::calendar::CalendarError;
use crate::sla::Clockwork;

/// How a stint ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StintEnd {
    /// Passed to another department.
    Transferred,
    /// Resolved (or closed) by the department holding it.
    Resolved,
}

/// Whether a request in `status` is in its holder's hands: time in it counts as held.
/// Waiting on the customer, resolved and closed count as paused.
pub fn holds(status: Status) -> bool {
    matches!(
        status,
        Status::New | Status::Open | Status::InProgress | Status::Reopened
    )
}

/// A stint's time, counted in its department's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StintTime {
    /// Open and not paused.
    pub held: SignedDuration,
    /// The rest of the stint: waiting on the customer (or on linked requests), resolved.
    pub paused: SignedDuration,
}

/// Splits the stint `[from, to)` into held and paused time. `statuses` are the request's
/// status moves, oldest first: from each instant, the status it moved to (its filing
/// included, as `new`). `waits` are stretches during which the holder waited on others
/// (linked requests), `None` ending: still waiting; they count as paused whatever the
/// status.
pub fn split_time(
    statuses: &[(Timestamp, Status)],
    waits: &[(Timestamp, Option<Timestamp>)],
    from: Timestamp,
    to: Timestamp,
    work: Clockwork,
) -> Result<StintTime, CalendarError> {
    if to <= from {
        return Ok(StintTime::default());
    }
    let total = work.between(from, to)?.max(SignedDuration::ZERO);
    // Every instant where being held may change, within the stint.
    let mut cuts: Vec<Timestamp> = vec![from, to];
    cuts.extend(statuses.iter().map(|(at, _)| *at));
    for (start, end) in waits {
        cuts.push(*start);
        cuts.extend(end);
    }
    cuts.retain(|t| *t >= from && *t <= to);
    cuts.sort();
    cuts.dedup();
    let status_at = |t: Timestamp| {
        statuses
            .iter()
            .take_while(|(at, _)| *at <= t)
            .last()
            .map(|(_, s)| *s)
            .unwrap_or(Status::New)
    };
    let waiting_at = |t: Timestamp| {
        waits
            .iter()
            .any(|(start, end)| *start <= t && end.is_none_or(|e| t < e))
    };
    let mut held = SignedDuration::ZERO;
    for pair in cuts.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if holds(status_at(a)) && !waiting_at(a) {
            held += work.between(a, b)?.max(SignedDuration::ZERO);
        }
    }
    let held = held.min(total);
    Ok(StintTime {
        held,
        paused: total - held,
    })
}

/// Whether a request moving to `to` is ping-pong: back to a department that held it
/// before (`holders`, the current one included), or transferred three times or more.
pub fn is_ping_pong(holders: &[i64], to: i64, transfers_after: i32) -> bool {
    holders.contains(&to) || transfers_after >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(minute: i64) -> Timestamp {
        Timestamp::from_second(minute * 60).unwrap()
    }

    #[test]
    fn waiting_on_the_customer_and_resolved_count_as_paused() {
        let statuses = [
            (t(0), Status::New),
            (t(10), Status::Open),
            (t(30), Status::WaitingOnCustomer),
            (t(50), Status::Open),
            (t(70), Status::Resolved),
        ];
        let time = split_time(&statuses, &[], t(0), t(100), Clockwork::Continuous).unwrap();
        assert_eq!(time.held, SignedDuration::from_mins(50));
        assert_eq!(time.paused, SignedDuration::from_mins(50));
    }

    #[test]
    fn a_stint_counts_only_its_own_stretch() {
        let statuses = [(t(0), Status::New), (t(20), Status::WaitingOnCustomer)];
        let time = split_time(&statuses, &[], t(10), t(40), Clockwork::Continuous).unwrap();
        assert_eq!(time.held, SignedDuration::from_mins(10));
        assert_eq!(time.paused, SignedDuration::from_mins(20));
    }

    #[test]
    fn waits_on_linked_requests_pause_whatever_the_status() {
        let statuses = [(t(0), Status::InProgress)];
        let waits = [(t(10), Some(t(20))), (t(40), None)];
        let time = split_time(&statuses, &waits, t(0), t(60), Clockwork::Continuous).unwrap();
        assert_eq!(time.held, SignedDuration::from_mins(30));
        assert_eq!(time.paused, SignedDuration::from_mins(30));
    }

    #[test]
    fn ping_pong() {
        assert!(is_ping_pong(&[1, 2], 1, 2));
        assert!(!is_ping_pong(&[1, 2], 3, 2));
        assert!(is_ping_pong(&[1, 2, 3], 4, 3));
    }
}

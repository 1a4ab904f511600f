//! Work Handoff does in the background, as typed jobs: what to do (a kind and its
//! payload), and how a job that fails is retried. The queue itself is in storage; the
//! handlers are actions.

use jiff::SignedDuration;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::deliverable::occurrence::OccurrenceAlarm;
use crate::request::RequestEvent;

/// What a job does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum Work {
    /// Tell the people concerned about an SLA warning or breach recorded on a request.
    SlaAlarm {
        request_id: i64,
        event: RequestEvent,
    },
    /// Recompute the due times and alarms of open requests after their calendar or
    /// policies changed.
    Recompute { scope: RecomputeScope },
    /// Tell the people concerned about a deliverable's occurrence warned about or late
    /// (recorded in its history when the job was queued).
    DeliverableAlarm {
        occurrence_id: i64,
        alarm: OccurrenceAlarm,
    },
}

/// Which open requests a recompute moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecomputeScope {
    /// The requests of one service (its policies changed).
    Service(i64),
    /// The requests provided by these departments (their calendar changed).
    Departments(Vec<i64>),
}

/// A stored job that cannot be read back.
#[derive(Debug, thiserror::Error)]
#[error("job of kind {kind:?}: {reason}")]
pub struct UnreadableJob {
    pub kind: String,
    pub reason: String,
}

impl Work {
    pub fn kind(&self) -> &'static str {
        match self {
            Work::SlaAlarm { .. } => "sla_alarm",
            Work::Recompute { .. } => "recompute",
            Work::DeliverableAlarm { .. } => "deliverable_alarm",
        }
    }

    pub fn payload(&self) -> Value {
        match serde_json::to_value(self) {
            Ok(Value::Object(mut tagged)) => tagged.remove("payload").unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }

    pub fn from_parts(kind: &str, payload: &str) -> Result<Work, UnreadableJob> {
        let unreadable = |reason: String| UnreadableJob {
            kind: kind.to_owned(),
            reason,
        };
        let payload: Value =
            serde_json::from_str(payload).map_err(|e| unreadable(e.to_string()))?;
        serde_json::from_value(serde_json::json!({ "kind": kind, "payload": payload }))
            .map_err(|e| unreadable(e.to_string()))
    }

    /// Work that one queued job does for all: a second recompute of the same scope
    /// queued before the first ran would do the same again.
    pub fn unique_key(&self) -> Option<String> {
        match self {
            Work::SlaAlarm { .. } | Work::DeliverableAlarm { .. } => None,
            Work::Recompute { scope } => Some(match scope {
                RecomputeScope::Service(id) => format!("recompute:service:{id}"),
                RecomputeScope::Departments(ids) => {
                    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
                    format!("recompute:departments:{}", ids.join(","))
                }
            }),
        }
    }
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum JobState {
    /// Waiting for its `run_at`.
    Queued,
    /// Held by a worker.
    Running,
    /// Gave up after its last attempt; kept with its error until retried.
    Failed,
}

impl JobState {
    pub const ALL: [JobState; 3] = [JobState::Queued, JobState::Running, JobState::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|j| j.as_str() == s)
    }
}

/// Attempts before a job is kept as failed.
pub const MAX_ATTEMPTS: i32 = 6;

/// How long a worker holds a job before another may take it over (the first worker
/// having died, say).
pub const LEASE: SignedDuration = SignedDuration::from_mins(5);

/// The wait before the next attempt, after `attempts` failed ones: 30 s, doubling, at
/// most an hour.
pub fn backoff(attempts: i32) -> SignedDuration {
    let doublings = attempts.clamp(1, 8) - 1;
    SignedDuration::from_secs(30 * (1 << doublings)).min(SignedDuration::from_hours(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::Target;

    #[test]
    fn work_round_trips_through_kind_and_payload() {
        let all = [
            Work::SlaAlarm {
                request_id: 4,
                event: RequestEvent::SlaBreached {
                    target: Target::Resolution,
                    due_at: None,
                },
            },
            Work::Recompute {
                scope: RecomputeScope::Departments(vec![1, 2]),
            },
            Work::Recompute {
                scope: RecomputeScope::Service(3),
            },
        ];
        for work in all {
            let back = Work::from_parts(work.kind(), &work.payload().to_string()).unwrap();
            assert_eq!(back, work);
        }
        assert!(Work::from_parts("launch", "{}").is_err());
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1), SignedDuration::from_secs(30));
        assert_eq!(backoff(2), SignedDuration::from_secs(60));
        assert_eq!(backoff(5), SignedDuration::from_secs(480));
        assert_eq!(backoff(50), SignedDuration::from_hours(1));
    }
}

//! SLA policies: a service's targets, for one priority or for all.

use handoff_domain::request::Priority;
use handoff_domain::sla::Policy;
use jiff::Timestamp;

use crate::{Db, Result, StoreError, Tx, on_read, on_tx, to_micros};

/// Rank stored for a policy that covers every priority without one of its own.
const ANY_PRIORITY: i16 = -1;

#[derive(Debug, Clone, PartialEq)]
pub struct ServicePolicy {
    /// `None` for every priority without a policy of its own.
    pub priority: Option<Priority>,
    pub policy: Policy,
}

#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct Row {
    priority: i16,
    first_response_minutes: Option<i64>,
    resolution_minutes: Option<i64>,
    next_update_minutes: Option<i64>,
    #[serde(deserialize_with = "crate::sql::json_bool")]
    calendar_time: bool,
    warn_at: String,
}

impl Row {
    /// The stored rank that policies are listed by.
    pub(crate) fn rank(&self) -> i16 {
        self.priority
    }

    pub(crate) fn decode(self) -> Result<ServicePolicy> {
        let priority = match self.priority {
            ANY_PRIORITY => None,
            rank => Some(
                Priority::from_rank(rank)
                    .ok_or_else(|| StoreError::Corrupt(format!("policy priority {rank}")))?,
            ),
        };
        let warn_at = serde_json::from_str(&self.warn_at)
            .map_err(|e| StoreError::Corrupt(format!("policy warnings: {e}")))?;
        Ok(ServicePolicy {
            priority,
            policy: Policy {
                first_response_minutes: self.first_response_minutes,
                resolution_minutes: self.resolution_minutes,
                next_update_minutes: self.next_update_minutes,
                calendar_time: self.calendar_time,
                warn_at,
            },
        })
    }
}

/// A service's policies, the catch-all first, then by priority.
pub async fn of_service(db: &Db, service_id: i64) -> Result<Vec<ServicePolicy>> {
    let rows: Vec<Row> = on_read!(db, |pool| sqlx::query_as(
        "SELECT priority, first_response_minutes, resolution_minutes, next_update_minutes, \
         calendar_time, warn_at FROM sla_policies WHERE service_id = $1 ORDER BY priority"
    )
    .bind(service_id)
    .fetch_all(pool)
    .await?);
    rows.into_iter().map(Row::decode).collect()
}

/// Replaces all of a service's policies at once, inside the caller's transaction (which
/// enqueues the recompute of the clocks they move).
pub async fn replace(
    tx: &mut Tx,
    service_id: i64,
    policies: &[ServicePolicy],
    now: Timestamp,
) -> Result<()> {
    on_tx!(tx, |conn| {
        sqlx::query("DELETE FROM sla_policies WHERE service_id = $1")
            .bind(service_id)
            .execute(&mut *conn)
            .await?;
        for p in policies {
            sqlx::query(
                "INSERT INTO sla_policies (service_id, priority, first_response_minutes, \
                 resolution_minutes, next_update_minutes, calendar_time, warn_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(service_id)
            .bind(p.priority.map_or(ANY_PRIORITY, Priority::rank))
            .bind(p.policy.first_response_minutes)
            .bind(p.policy.resolution_minutes)
            .bind(p.policy.next_update_minutes)
            .bind(p.policy.calendar_time)
            .bind(serde_json::to_string(&p.policy.warn_at).unwrap_or_else(|_| "[]".to_owned()))
            .bind(to_micros(now))
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    })
}

/// The policy that applies to a request of `priority`: its own, else the catch-all.
pub fn applicable(policies: &[ServicePolicy], priority: Priority) -> Option<&Policy> {
    policies
        .iter()
        .find(|p| p.priority == Some(priority))
        .or_else(|| policies.iter().find(|p| p.priority.is_none()))
        .map(|p| &p.policy)
}

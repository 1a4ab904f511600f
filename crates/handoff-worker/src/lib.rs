//! Handoff's background work. Each job is a function that does what is due at the
//! clock's `now` and returns; [`run`] calls them on a timer in `handoff serve`, and tests
//! call [`run_once`] step by step with a manual clock. Work is claimed in the database,
//! so several servers can run it side by side and each piece happens once.

use std::sync::Arc;
use std::time::Duration;

use handoff_domain::clock::Clock;
use handoff_store::slas::{self, Fired};
use handoff_store::{Db, StoreError};

/// Timers claimed per transaction.
const BATCH: i64 = 100;

/// Raises every SLA alarm due by now; returns what fired.
pub async fn run_once(db: &Db, clock: &dyn Clock) -> Result<Vec<Fired>, StoreError> {
    let mut all = Vec::new();
    loop {
        let fired = slas::fire_due(db, clock.now(), BATCH).await?;
        let done = (fired.len() as i64) < BATCH;
        all.extend(fired);
        if done {
            return Ok(all);
        }
    }
}

/// Runs [`run_once`] every `every` until the task is dropped. Failures are logged and
/// retried at the next tick: a timer stays due until a transaction claims it.
pub async fn run(db: Db, clock: Arc<dyn Clock>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match run_once(&db, clock.as_ref()).await {
            Ok(fired) if !fired.is_empty() => {
                tracing::info!(count = fired.len(), "SLA alarms raised")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "SLA alarms failed; retrying at the next tick"),
        }
    }
}

//! Handoff's background work, on a timer: each step raises the SLA alarms that came due,
//! runs the queued jobs, warns of and escalates concerns and closes pulses
//! ([`handoff_app::jobs::step`]). Tests call [`run_once`] step by
//! step with a manual clock. Work is claimed in the database, so several servers can
//! run it side by side and each piece happens once.

use std::time::Duration;

use handoff_app::jobs::{Fired, step};
use handoff_app::{ActionError, App};

/// Raises every SLA alarm due by now and runs every job due by now; returns the alarms
/// raised.
pub async fn run_once(app: &App) -> Result<Vec<Fired>, ActionError> {
    Ok(step(app).await?.fired)
}

/// Runs a step every `every`, and at once when a job is queued in this process, until
/// the task is dropped. Failures are logged and retried at the next step: work stays due
/// until a transaction claims it.
pub async fn run(app: App, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            () = app.job_queued() => {}
        }
        match step(&app).await {
            Ok(done)
                if !done.fired.is_empty()
                    || done.jobs_done + done.jobs_failed > 0
                    || done.concerns != Default::default()
                    || !done.pulses_closed.is_empty()
                    || done.deliverables != Default::default() =>
            {
                tracing::info!(
                    alarms = done.fired.len(),
                    jobs_done = done.jobs_done,
                    jobs_failed = done.jobs_failed,
                    concerns_warned = done.concerns.warned.len(),
                    concerns_escalated = done.concerns.escalated.len(),
                    concerns_announced = done.concerns.announced,
                    pulses_closed = done.pulses_closed.len(),
                    occurrences_written = done.deliverables.written,
                    occurrences_warned = done.deliverables.warned.len(),
                    occurrences_late = done.deliverables.late.len(),
                    "background work done"
                )
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "background work failed; retrying at the next tick")
            }
        }
    }
}

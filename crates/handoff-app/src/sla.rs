//! SLA policies and the recompute of open requests' clocks when a policy or a calendar
//! changes. The change and the recompute job are committed together; a change that
//! would put a target out of the calendar's reach is refused before anything is saved.

use handoff_domain::FieldErrors;
use handoff_domain::access::Actor;
use handoff_domain::job::{RecomputeScope, Work};
use handoff_domain::sla::{Policy, Target};
use handoff_store::sla_policies::{self, ServicePolicy};
use handoff_store::slas::{self, Scope, Timekeeping};
use handoff_store::{Tx, jobs, services};
use jiff::SignedDuration;

use crate::App;
use crate::error::{ActionError, ActionResult, or_404};

/// Replaces a service's policies as `actor`; its open requests' clocks follow (same time
/// used, new allowance and due time) through a recompute job queued with the change.
#[tracing::instrument(name = "replace_policies", skip_all, fields(service = service_id, actor = actor.person_id))]
pub async fn replace_policies(
    app: &App,
    actor: &Actor,
    service_id: i64,
    policies: Vec<ServicePolicy>,
) -> ActionResult<Vec<ServicePolicy>> {
    let service = services::get(&app.db, service_id)
        .await
        .map_err(or_404("service"))?;
    if !actor.manages(service.department_id) {
        return Err(ActionError::forbidden(
            "only the department's managers and administrators set its SLAs",
        ));
    }
    let mut errors = FieldErrors::new();
    for (i, p) in policies.iter().enumerate() {
        if let Err(reasons) = p.policy.check() {
            for (field, reason) in reasons.iter() {
                errors.add(format!("policies[{i}].{field}"), reason);
            }
        }
        if policies[..i].iter().any(|q| q.priority == p.priority) {
            errors.add(
                format!("policies[{i}].priority"),
                "another policy covers this priority",
            );
        }
    }
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let time = app.timekeeping(service.department_id).await?;
    if let Some(calendar) = &time.calendar {
        let now = app.clock.now();
        for (i, p) in policies.iter().enumerate() {
            for target in Target::ALL {
                let Some(minutes) = p.policy.minutes(target).filter(|_| !p.policy.calendar_time)
                else {
                    continue;
                };
                if !crate::calendars::within_reach(
                    calendar,
                    SignedDuration::from_mins(minutes),
                    now,
                ) {
                    return Err(ActionError::field(
                        &format!("policies[{i}].{}_minutes", target.as_str()),
                        format!(
                            "cannot fall due within {} years in the department's calendar",
                            crate::calendars::YEARS
                        ),
                    ));
                }
            }
        }
    }
    let now = app.clock.now();
    let mut tx = app.db.begin().await?;
    sla_policies::replace(&mut tx, service_id, &policies, now).await?;
    schedule_recompute(app, &mut tx, RecomputeScope::Service(service_id)).await?;
    tx.commit().await?;
    app.wake_worker();
    Ok(policies)
}

/// Queues the recompute of the open clocks in `scope`, in the transaction of the change
/// that moves them.
pub async fn schedule_recompute(app: &App, tx: &mut Tx, scope: RecomputeScope) -> ActionResult<()> {
    if matches!(&scope, RecomputeScope::Departments(ids) if ids.is_empty()) {
        return Ok(());
    }
    let now = app.clock.now();
    jobs::enqueue(tx, &Work::Recompute { scope }, now, now).await?;
    Ok(())
}

/// Runs a recompute job: due times and alarms of the open requests in `scope` under the
/// calendar and policies as they are now, after a change made at `changed_at` (a clock
/// a new policy puts past its target passed it then). Returns how many clocks changed.
#[tracing::instrument(name = "recompute", skip_all, fields(?scope))]
pub async fn recompute(
    app: &App,
    scope: &RecomputeScope,
    changed_at: jiff::Timestamp,
) -> ActionResult<u64> {
    let count = match scope {
        RecomputeScope::Service(id) => {
            let service = services::get(&app.db, *id).await?;
            let policies = sla_policies::of_service(&app.db, *id).await?;
            let time = app.timekeeping(service.department_id).await?;
            slas::recompute(&app.db, Scope::Service(*id), &time, |priority, stored| {
                let Some(policy) = sla_policies::applicable(&policies, priority) else {
                    return;
                };
                adopt(policy, stored, changed_at, &time);
            })
            .await?
        }
        RecomputeScope::Departments(ids) => {
            // Departments recomputed together share their calendar: one compile serves.
            let Some(first) = ids.first() else {
                return Ok(0);
            };
            let time = app.timekeeping(*first).await?;
            slas::recompute(&app.db, Scope::Departments(ids.clone()), &time, |_, _| {}).await?
        }
    };
    tracing::info!(?scope, clocks = count, "SLA due times recomputed");
    Ok(count)
}

/// A clock takes a policy's allowance, warnings and kind of time for its target at `now`.
fn adopt(
    policy: &Policy,
    stored: &mut slas::StoredClock,
    now: jiff::Timestamp,
    time: &Timekeeping,
) {
    if let Some(minutes) = policy.minutes(stored.clock.target) {
        let work = time.work(policy.calendar_time);
        stored
            .clock
            .allow(SignedDuration::from_mins(minutes), now, work);
        stored.warn_at = policy.warn_at.clone();
        stored.calendar_time = policy.calendar_time;
    }
}

/// The longest target in use by the open clocks of `departments` or their services'
/// policies; a calendar they change to must reach it.
pub async fn longest_target(
    app: &App,
    departments: &[i64],
) -> ActionResult<Option<SignedDuration>> {
    Ok(slas::longest_allowed(&app.db, departments).await?)
}

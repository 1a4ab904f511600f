//! The background work: raising SLA alarms as their moments come, running queued jobs
//! (telling people about alarms, recomputing clocks), and the feedback's timed work. The
//! worker calls [`step`] on a timer; tests call it with a manual clock. Work is claimed in the database, so several
//! servers can run it side by side and each piece happens once.

use std::collections::BTreeMap;

use handoff_domain::access::Actor;
use handoff_domain::job::{JobState, LEASE, MAX_ATTEMPTS, Work, backoff};
use handoff_domain::request::RequestEvent;
use handoff_domain::sla::{Alarm, Target, alarm_events};
use handoff_store::jobs::{self, Job};
use handoff_store::notifications::{self, NewNotification};
use handoff_store::{people, requests, slas, to_micros};
use jiff::Timestamp;

use crate::App;
use crate::error::{ActionError, ActionResult, or_404};

/// Clocks or jobs claimed per transaction.
const BATCH: i64 = 100;

/// The counter of SLA alarms raised, by target and alarm (`warning_75`, `breach`), for
/// `GET /metrics`; recording is a no-op in a process without a metrics recorder.
pub const SLA_ALARMS_RAISED: &str = "handoff_sla_alarms_raised_total";

/// An SLA alarm raised, and whom it told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    pub request_id: i64,
    pub target: Target,
    pub alarm: Alarm,
    /// When its moment fell.
    pub fire_at: Timestamp,
    /// Recorded as a missed warning (raised together with the breach): told to no one.
    pub missed: bool,
    /// The people told, in person id order.
    pub notified: Vec<i64>,
}

/// What one step of the worker did.
#[derive(Debug, Default)]
pub struct Step {
    /// The alarms raised, earliest first, with whom each told.
    pub fired: Vec<Fired>,
    /// Jobs run to the end.
    pub jobs_done: usize,
    /// Jobs that failed this time (retried later, or kept as failed).
    pub jobs_failed: usize,
    /// Concerns warned about, escalated and announced.
    pub concerns: crate::concerns::ConcernAlarms,
    /// Pulses closed because their time came.
    pub pulses_closed: Vec<i64>,
    /// Deliverables' occurrences written ahead, warned about and turned late.
    pub deliverables: crate::deliverables::DeliverableWork,
}

/// Raises every SLA alarm due by now, then runs every job due by now; then the
/// feedback's timed work: concerns' alarms and announcements, pulses that close; and the
/// deliverables' occurrences written ahead, warned about and turned late. First asks, in
/// one read, which of these are due: a step with nothing to do costs that read alone.
#[tracing::instrument(name = "worker_step", skip_all, level = "debug")]
pub async fn step(app: &App) -> ActionResult<Step> {
    let now = app.clock.now();
    let due = jobs::due_now(
        &app.db,
        to_micros(now),
        &crate::concerns::announce_before(now),
        crate::deliverables::extend_before(now)?,
    )
    .await?;
    let mut out = Step::default();
    if !due.anything() {
        return Ok(out);
    }
    if due.concerns {
        out.concerns = crate::concerns::alarms(app).await?;
    }
    if due.pulses {
        out.pulses_closed = crate::pulses::close_due(app).await?;
    }
    if due.extend || due.occurrence_alarms {
        out.deliverables = crate::deliverables::work(app).await?;
    }
    let mut raised = Vec::new();
    if due.sla_alarms {
        loop {
            let batch = raise_alarms(app).await?;
            let done = (batch.len() as i64) < BATCH;
            raised.extend(batch);
            if done {
                break;
            }
        }
    }
    let mut told: BTreeMap<(i64, Target, String), Vec<i64>> = BTreeMap::new();
    loop {
        let claimed = jobs::claim(&app.db, app.clock.now(), LEASE, BATCH).await?;
        let done = (claimed.len() as i64) < BATCH;
        for job in claimed {
            match run(app, &job).await {
                Ok(Some((request_id, target, key, people))) => {
                    told.insert((request_id, target, key), people);
                    out.jobs_done += 1;
                }
                Ok(None) => out.jobs_done += 1,
                Err(error) => {
                    out.jobs_failed += 1;
                    let retry_at = (job.attempts < job.max_attempts.min(MAX_ATTEMPTS))
                        .then(|| app.clock.now().saturating_add(backoff(job.attempts)).ok())
                        .flatten();
                    tracing::warn!(job = job.id, kind = job.kind, attempts = job.attempts,
                        error = %error, retry = retry_at.is_some(), "job failed");
                    jobs::fail(&app.db, &job, &error.to_string(), retry_at).await?;
                }
            }
        }
        if done {
            break;
        }
    }
    for (request_id, target, alarm, fire_at, missed) in raised {
        let key = alarm.key();
        let notified = told
            .remove(&(request_id, target, key.clone()))
            .unwrap_or_default();
        // A warning recorded as missed (raised with its breach) counts too: it was raised.
        metrics::counter!(SLA_ALARMS_RAISED, "target" => target.as_str(), "alarm" => key)
            .increment(1);
        out.fired.push(Fired {
            request_id,
            target,
            alarm,
            fire_at,
            missed,
            notified,
        });
    }
    out.fired.sort_by_key(|f| (f.fire_at, f.request_id));
    Ok(out)
}

type Raised = (i64, Target, Alarm, Timestamp, bool);

/// Whom an alarm job told: (request, target, alarm key, people).
type Told = (i64, Target, String, Vec<i64>);

/// Claims a batch of clocks with alarms due and records each alarm as an event, with a
/// job to tell people about it, in one transaction.
async fn raise_alarms(app: &App) -> ActionResult<Vec<Raised>> {
    let now = app.clock.now();
    let at = to_micros(now);
    let (mut tx, due) = slas::claim_due(&app.db, now, BATCH).await?;
    let mut raised = Vec::new();
    let mut i = 0;
    while i < due.len() {
        // The alarms of one clock come together.
        let (request_id, target) = (due[i].request_id, due[i].target);
        let end = due[i..]
            .iter()
            .position(|d| (d.request_id, d.target) != (request_id, target))
            .map_or(due.len(), |n| i + n);
        let alarms: Vec<(Alarm, Timestamp)> =
            due[i..end].iter().map(|d| (d.alarm, d.due_at)).collect();
        let events = alarm_events(target, &alarms);
        tx.record(request_id, None, at, &events).await?;
        for (event, (alarm, due_at)) in events.into_iter().zip(alarms) {
            let missed = matches!(event, RequestEvent::SlaWarningMissed { .. });
            if !missed {
                let work = Work::SlaAlarm { request_id, event };
                jobs::enqueue(&mut tx, &work, now, now).await?;
            }
            raised.push((request_id, target, alarm, due_at, missed));
        }
        i = end;
    }
    tx.commit().await?;
    Ok(raised)
}

/// Runs one claimed job; for an alarm, returns whom it told.
#[tracing::instrument(name = "job", skip_all, fields(job = job.id, kind = %job.kind, attempt = job.attempts))]
async fn run(app: &App, job: &Job) -> ActionResult<Option<Told>> {
    match job.work()? {
        Work::SlaAlarm { request_id, event } => {
            let (Some(target), Some(alarm)) = (event.target(), event.alarm()) else {
                return Err(ActionError::conflict(
                    "bad_job",
                    None,
                    format!("an SLA alarm job carries a {} event", event.kind()),
                ));
            };
            let told = tell(app, job, request_id, target, alarm).await?;
            Ok(Some((request_id, target, alarm.key(), told)))
        }
        Work::DeliverableAlarm {
            occurrence_id,
            alarm,
        } => {
            crate::deliverables::tell_alarm(app, job, occurrence_id, alarm).await?;
            Ok(None)
        }
        Work::Recompute { scope } => {
            // The change was made when the job was queued, in its transaction.
            crate::sla::recompute(app, &scope, handoff_store::from_micros(job.created_at)).await?;
            let mut tx = app.db.begin().await?;
            jobs::finish(&mut tx, job).await?;
            tx.commit().await?;
            Ok(None)
        }
    }
}

/// Who hears of an alarm: the assignee, or the whole providing department when nobody
/// is assigned; for a breach also the department's managers, as an escalation. Each
/// person once, in id order, with whether it reached them as an escalation.
pub fn recipients(
    alarm: Alarm,
    assignee: Option<i64>,
    department: &[i64],
    managers: &[i64],
) -> Vec<(i64, bool)> {
    let mut told: Vec<(i64, bool)> = match assignee {
        Some(person) => vec![(person, false)],
        None => department.iter().map(|id| (*id, false)).collect(),
    };
    if alarm == Alarm::Breach {
        for manager in managers {
            match told.iter_mut().find(|(id, _)| id == manager) {
                Some(entry) => entry.1 = true,
                None => told.push((*manager, true)),
            }
        }
    }
    told.sort();
    told
}

/// The notification's kind and words.
pub fn message(
    alarm: Alarm,
    target: Target,
    request_id: i64,
    subject: &str,
    escalated: bool,
) -> (&'static str, String) {
    let target = target.label().to_lowercase();
    match alarm {
        Alarm::Warning(p) => (
            "sla_warning",
            format!(
                "SLA warning: {p}% of the {target} target is used on request #{request_id} \"{subject}\""
            ),
        ),
        Alarm::Breach if escalated => (
            "sla_escalation",
            format!(
                "SLA breached, escalated to you as manager: the {target} target of request #{request_id} \"{subject}\""
            ),
        ),
        Alarm::Breach => (
            "sla_breach",
            format!("SLA breached: the {target} target of request #{request_id} \"{subject}\""),
        ),
    }
}

/// Writes the notifications of an alarm and ends its job, together.
async fn tell(
    app: &App,
    job: &Job,
    request_id: i64,
    target: Target,
    alarm: Alarm,
) -> ActionResult<Vec<i64>> {
    let (request, _) = requests::get(&app.db, request_id, 0, 0)
        .await
        .map_err(or_404("request"))?;
    let department = match request.assignee_id {
        Some(_) => Vec::new(),
        None => {
            people::active_in_department(&app.db, request.provider_department_id, false).await?
        }
    };
    let managers = match alarm {
        Alarm::Breach => {
            people::active_in_department(&app.db, request.provider_department_id, true).await?
        }
        Alarm::Warning(_) => Vec::new(),
    };
    let told = recipients(alarm, request.assignee_id, &department, &managers);
    let rows: Vec<NewNotification> = told
        .iter()
        .map(|(person, escalated)| {
            let (kind, message) = message(alarm, target, request_id, &request.subject, *escalated);
            NewNotification {
                occurrence: None,
                person_id: *person,
                request_id: Some(request_id),
                kind,
                message,
            }
        })
        .collect();
    let mut tx = app.db.begin().await?;
    notifications::insert(&mut tx, &rows, to_micros(app.clock.now())).await?;
    if !jobs::finish(&mut tx, job).await? {
        // Another worker took the job over; it tells them instead.
        return Ok(Vec::new());
    }
    tx.commit().await?;
    Ok(told.into_iter().map(|(id, _)| id).collect())
}

/// Jobs for administrators to look at.
pub async fn list(
    app: &App,
    actor: &Actor,
    state: Option<JobState>,
    after: i64,
    limit: i64,
) -> ActionResult<Vec<Job>> {
    admin_only(actor)?;
    Ok(jobs::list(&app.db, state, after, limit).await?)
}

/// Queues a failed job again, as an administrator.
pub async fn retry(app: &App, actor: &Actor, id: i64) -> ActionResult<Option<Job>> {
    admin_only(actor)?;
    let job = jobs::get(&app.db, id).await.map_err(or_404("job"))?;
    if job.state()? != JobState::Failed {
        return Err(ActionError::conflict(
            "not_failed",
            None,
            format!("job {id} is {}: only failed jobs are retried", job.state),
        ));
    }
    let retried = jobs::retry(&app.db, id, app.clock.now()).await?;
    app.wake_worker();
    Ok(retried)
}

fn admin_only(actor: &Actor) -> ActionResult<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(ActionError::forbidden(
            "only administrators see the job queue",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaches_escalate_to_managers_once_each() {
        assert_eq!(
            recipients(Alarm::Warning(75), Some(4), &[1, 2], &[1]),
            vec![(4, false)]
        );
        assert_eq!(
            recipients(Alarm::Warning(75), None, &[1, 2], &[1]),
            vec![(1, false), (2, false)]
        );
        assert_eq!(
            recipients(Alarm::Breach, None, &[1, 2], &[1]),
            vec![(1, true), (2, false)]
        );
        assert_eq!(
            recipients(Alarm::Breach, Some(4), &[], &[1]),
            vec![(1, true), (4, false)]
        );
    }
}

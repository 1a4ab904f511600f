//! Concerns: anyone raises a concern about how another department serves them, with a
//! problem and a proposed solution, named or anonymous. The receiving department's
//! managers acknowledge it, answer with the agreed action and resolve it; the raiser (if
//! known) may reopen it once. Answering has a target of business days on the receiving
//! department's calendar that warns its managers and escalates to the admins.
//!
//! An anonymous concern is stored without its author and with only its day; its id is
//! random; its managers hear of it the day after, together with the day's other
//! anonymous concerns, so that no notification's time points at the moment it was
//! raised. Whoever holds its id (the raiser keeps it) may read it.

use handoff_domain::FieldErrors;
use handoff_domain::access::Actor;
use handoff_domain::feedback::TEXT_MAX;
use handoff_domain::feedback::concern::{
    ConcernMove, ConcernState, RESPONSE_DAYS, response_target,
};
use handoff_domain::validation::text;
use handoff_store::concerns::{self, Concern, ConcernFilter};
use handoff_store::{calendars, departments, people, settings, to_micros};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use rand::Rng;

use crate::App;
use crate::error::{ActionError, ActionResult, or_404};
use crate::notify::tell;

pub struct RaiseConcern {
    pub about_department_id: i64,
    pub problem: String,
    pub proposal: String,
    pub anonymous: bool,
}

/// Ids are drawn from 1 to 2^53 - 1, so that they survive JavaScript's numbers.
const MAX_ID: i64 = (1 << 53) - 1;

/// Raises a concern. Not instrumented with the actor: an anonymous concern must leave
/// no trace of its author, in the log either.
#[tracing::instrument(name = "raise_concern", skip_all)]
pub async fn raise(app: &App, actor: &Actor, command: RaiseConcern) -> ActionResult<Concern> {
    let mut errors = FieldErrors::new();
    let problem = text(&mut errors, "problem", &command.problem, TEXT_MAX);
    if command.proposal.trim().is_empty() {
        errors.add(
            "proposal",
            "propose a solution: a concern says what should change, not only what is wrong",
        );
    }
    let proposal = text(&mut errors, "proposal", &command.proposal, TEXT_MAX);
    let about = command.about_department_id;
    if departments::get(&app.db, about).await.is_err() {
        errors.add("about_department_id", "no department has this id");
    } else if about == actor.department_id {
        errors.add(
            "about_department_id",
            "a concern is about another department; raise your own department's issues inside it",
        );
    }
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let now = app.clock.now();
    let (today, warn_at, due_at) = target(app, about, now).await?;
    // The pair's health counts the concern for the raiser's department; an anonymous
    // concern names it only where enough people work to hide among.
    let customer_department_id = if command.anonymous {
        let threshold = settings::get(&app.db).await?.anonymity_threshold;
        let colleagues = people::active_in_department(&app.db, actor.department_id, false)
            .await?
            .len();
        (i64::try_from(colleagues).unwrap_or(i64::MAX) >= i64::from(threshold))
            .then_some(actor.department_id)
    } else {
        Some(actor.department_id)
    };
    let concern = Concern {
        id: rand::rng().random_range(1..=MAX_ID),
        about_department_id: about,
        raised_by_id: (!command.anonymous).then_some(actor.person_id),
        customer_department_id,
        raised_on: today.to_string(),
        problem,
        proposal,
        state: ConcernState::Raised.as_str().to_owned(),
        action: None,
        due_at: to_micros(due_at),
        next_alarm_at: Some(to_micros(warn_at)),
        warned: false,
        breached: false,
        announced: !command.anonymous,
        acknowledged_by: None,
        acknowledged_at: None,
        answered_by: None,
        answered_at: None,
        resolved_by: None,
        resolved_at: None,
        reopened_at: None,
    };
    let mut tx = app.db.begin().await?;
    concerns::insert(&mut tx, &concern).await?;
    if concern.announced {
        let managers = people::active_in_department(&app.db, about, true).await?;
        let message = format!(
            "A concern was raised about your department: {}",
            concern.problem
        );
        tell(
            &mut tx,
            &managers,
            None,
            "concern",
            &message,
            to_micros(now),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(concern)
}

/// The receiving department's day today, and the response target counted from it.
async fn target(
    app: &App,
    department: i64,
    now: Timestamp,
) -> ActionResult<(Date, Timestamp, Timestamp)> {
    let stored = calendars::of_department(&app.db, department).await?;
    let zone = stored
        .as_ref()
        .and_then(|c| TimeZone::get(&c.spec.time_zone).ok())
        .unwrap_or(TimeZone::UTC);
    let today = zone.to_datetime(now).date();
    let time = app.calendars.compiled(stored, now)?;
    let calendar = time.calendar.as_deref().map(|c| (c, &zone));
    let (warn, due) = response_target(today, RESPONSE_DAYS, calendar).map_err(|e| {
        ActionError::conflict(
            "no_working_time",
            Some("about_department_id"),
            format!("the department's calendar gives no time to answer in: {e}"),
        )
    })?;
    Ok((today, warn, due))
}

/// Who may read a concern: admins, the department it is about, its raiser; an anonymous
/// one, whoever holds its id.
fn may_read(actor: &Actor, c: &Concern) -> bool {
    actor.is_admin()
        || actor.department_id == c.about_department_id
        || c.raised_by_id.is_none_or(|by| by == actor.person_id)
}

pub async fn get(app: &App, actor: &Actor, id: i64) -> ActionResult<Concern> {
    let found = concerns::get(&app.db, id)
        .await
        .map_err(or_404("concern"))?;
    if may_read(actor, &found) {
        Ok(found)
    } else {
        Err(ActionError::NotFound("concern"))
    }
}

pub async fn list(
    app: &App,
    actor: &Actor,
    mut filter: ConcernFilter,
    after: Option<(&str, i64)>,
    limit: i64,
) -> ActionResult<Vec<Concern>> {
    if let Some(id) = filter.about_department_id
        && departments::get(&app.db, id).await.is_err()
    {
        return Err(ActionError::field(
            "about_department_id",
            "no department has this id",
        ));
    }
    filter.person_id = actor.person_id;
    filter.department_id = actor.department_id;
    filter.admin = actor.is_admin();
    Ok(concerns::list(&app.db, &filter, after, limit).await?)
}

/// Moves a concern: acknowledge, answer (with the agreed action), resolve (the receiving
/// department's managers) or reopen (its raiser, once).
#[tracing::instrument(name = "move_concern", skip_all, fields(concern = id))]
pub async fn apply(
    app: &App,
    actor: &Actor,
    id: i64,
    by: ConcernMove,
    action: Option<&str>,
) -> ActionResult<Concern> {
    let now = app.clock.now();
    let at = to_micros(now);
    let mut tx = app.db.begin().await?;
    let mut c = concerns::lock(&mut tx, id)
        .await
        .map_err(or_404("concern"))?;
    if !may_read(actor, &c) {
        return Err(ActionError::NotFound("concern"));
    }
    let allowed = match by {
        ConcernMove::Reopen => c.raised_by_id == Some(actor.person_id),
        _ => actor.manages(c.about_department_id),
    };
    if !allowed {
        return Err(ActionError::forbidden(match by {
            ConcernMove::Reopen => "only the person who raised a concern reopens it",
            _ => "the managers of the department it is about answer a concern",
        }));
    }
    let mut errors = FieldErrors::new();
    let action = match by {
        ConcernMove::Answer => Some(text(&mut errors, "action", action.unwrap_or(""), TEXT_MAX)),
        _ => None,
    };
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let from = c.state()?;
    let to = from
        .after(by, c.reopened_at.is_some())
        .map_err(|e| ActionError::conflict("illegal_transition", Some("state"), e.to_string()))?;
    c.state = to.as_str().to_owned();
    let department = departments::get(&app.db, c.about_department_id).await?.name;
    let mut told: Vec<(Vec<i64>, String)> = Vec::new();
    match by {
        ConcernMove::Acknowledge => {
            c.acknowledged_by = Some(actor.person_id);
            c.acknowledged_at = Some(at);
        }
        ConcernMove::Answer => {
            c.action = action;
            c.answered_by = Some(actor.person_id);
            c.answered_at = Some(at);
            c.next_alarm_at = None;
            if let Some(raiser) = c.raised_by_id {
                told.push((
                    vec![raiser],
                    format!(
                        "{department} answered your concern: {}",
                        c.action.as_deref().unwrap_or_default()
                    ),
                ));
            }
        }
        ConcernMove::Resolve => {
            c.resolved_by = Some(actor.person_id);
            c.resolved_at = Some(at);
            if let Some(raiser) = c.raised_by_id {
                told.push((
                    vec![raiser],
                    format!("{department} marked your concern resolved; you may reopen it once"),
                ));
            }
        }
        ConcernMove::Reopen => {
            let (_, warn_at, due_at) = target(app, c.about_department_id, now).await?;
            c.reopened_at = Some(at);
            c.due_at = to_micros(due_at);
            c.next_alarm_at = Some(to_micros(warn_at));
            c.warned = false;
            c.breached = false;
            let managers =
                people::active_in_department(&app.db, c.about_department_id, true).await?;
            told.push((
                managers,
                format!("A concern about {department} was reopened: {}", c.problem),
            ));
        }
    }
    concerns::save(&mut tx, &c).await?;
    for (people, message) in told {
        tell(&mut tx, &people, None, "concern", &message, at).await?;
    }
    tx.commit().await?;
    Ok(c)
}

/// What one pass over the concerns did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ConcernAlarms {
    pub warned: Vec<i64>,
    pub escalated: Vec<i64>,
    pub announced: usize,
}

const BATCH: i64 = 100;

/// Anonymous concerns are announced once their day is over in every time zone: those
/// raised before this day (`YYYY-MM-DD`).
pub(crate) fn announce_before(now: Timestamp) -> String {
    TimeZone::UTC
        .to_datetime(
            now.checked_sub(jiff::SignedDuration::from_hours(14))
                .unwrap_or(now),
        )
        .date()
        .to_string()
}

/// The worker's pass: warns managers of concerns nearing their target, escalates those
/// past it to the admins, and announces the anonymous concerns of earlier days.
pub async fn alarms(app: &App) -> ActionResult<ConcernAlarms> {
    let now = app.clock.now();
    let at = to_micros(now);
    let mut out = ConcernAlarms::default();
    let today = announce_before(now);
    if !concerns::anything_due(&app.db, at, &today).await? {
        return Ok(out);
    }
    loop {
        let mut tx = app.db.begin().await?;
        let due = concerns::claim_due(&mut tx, at, BATCH).await?;
        let done = (due.len() as i64) < BATCH;
        for mut c in due {
            let department = departments::get(&app.db, c.about_department_id).await?.name;
            let managers =
                people::active_in_department(&app.db, c.about_department_id, true).await?;
            let awaits = c.state()?.awaits_answer();
            if awaits && at >= c.due_at && !c.breached {
                let mut told = managers;
                told.extend(people::active_admins(&app.db).await?);
                let message = format!(
                    "Concern about {department} not answered within {RESPONSE_DAYS} business days, escalated: {}",
                    c.problem
                );
                tell(&mut tx, &told, None, "concern_escalation", &message, at).await?;
                c.breached = true;
                c.next_alarm_at = None;
                out.escalated.push(c.id);
            } else if awaits && !c.warned {
                let message = format!(
                    "Concern about {department} is due for an answer by the end of today's business day: {}",
                    c.problem
                );
                tell(&mut tx, &managers, None, "concern_warning", &message, at).await?;
                c.warned = true;
                c.next_alarm_at = Some(c.due_at);
                out.warned.push(c.id);
            } else {
                c.next_alarm_at = None;
            }
            concerns::save(&mut tx, &c).await?;
        }
        tx.commit().await?;
        if done {
            break;
        }
    }
    loop {
        let mut tx = app.db.begin().await?;
        let waiting = concerns::claim_unannounced(&mut tx, &today, BATCH).await?;
        let done = (waiting.len() as i64) < BATCH;
        for mut c in waiting {
            let managers =
                people::active_in_department(&app.db, c.about_department_id, true).await?;
            let message = format!(
                "A concern was raised about your department on {}: {}",
                c.raised_on, c.problem
            );
            tell(&mut tx, &managers, None, "concern", &message, at).await?;
            c.announced = true;
            concerns::save(&mut tx, &c).await?;
            out.announced += 1;
        }
        tx.commit().await?;
        if done {
            break;
        }
    }
    Ok(out)
}

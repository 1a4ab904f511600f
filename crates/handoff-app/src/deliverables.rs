//! Recurring deliverables: what one department owes another on a schedule ("the month-end
//! sales report by the 3rd business day at 12:00"), with an owner on each side. Every
//! occurrence is written ahead of time ([`HORIZON_DAYS`]); the provider delivers it with
//! a link or a note; the recipient confirms it accurate or flags a problem. The worker
//! warns the provider's owner before the due time and, at the due time, marks an
//! undelivered occurrence late and escalates to both owners and the provider's managers,
//! once each, however many workers run.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use handoff_domain::FieldErrors;
use handoff_domain::access::Actor;
use handoff_domain::calendar::{Calendar, CalendarSpec, WeekSpec};
use handoff_domain::deliverable::Schedule;
use handoff_domain::deliverable::occurrence::{
    DEFAULT_WARN_MINUTES, MAX_WARN_MINUTES, OccurrenceAlarm, OccurrenceState, first_alarm,
};
use handoff_domain::dependency::{DependencyState, NAME_MAX, TEXT_MAX};
use handoff_domain::job::Work;
use handoff_domain::validation::{optional_text, text};
use handoff_store::deliverables::{
    self, AlarmState, Deliverable, DeliverableFilter, NewEvent, NewOccurrence, Occurrence,
    RateCounts, RateScope,
};
use handoff_store::{calendars, departments, dependencies, from_micros, people, to_micros};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

use crate::App;
use crate::error::{ActionError, ActionResult, or_404};
use crate::notify::tell_about_occurrence;

/// Days ahead of now to which occurrences are written.
pub const HORIZON_DAYS: i64 = 100;
/// The worker extends a deliverable's occurrences once they reach less than this far.
pub const MIN_AHEAD_DAYS: i64 = 91;
/// How far back a schedule may start: its past occurrences are written too.
pub const MAX_PAST_DAYS: i64 = 366;
/// Longest link to a delivery.
pub const LINK_MAX: usize = 2_000;

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

/// A department's calendar for schedules: its own, or, without one, every day whole in
/// UTC (so that every day is a business day).
pub async fn calendar_of(app: &App, department: i64) -> ActionResult<Calendar> {
    let spec = match calendars::of_department(&app.db, department).await? {
        Some(stored) => stored.spec,
        None => {
            let day = vec![["00:00".to_owned(), "24:00".to_owned()]];
            CalendarSpec {
                time_zone: "UTC".to_owned(),
                week: WeekSpec {
                    mon: day.clone(),
                    tue: day.clone(),
                    wed: day.clone(),
                    thu: day.clone(),
                    fri: day.clone(),
                    sat: day.clone(),
                    sun: day,
                },
                holidays: Vec::new(),
            }
        }
    };
    Calendar::new(spec).map_err(|e| {
        tracing::error!(department, error = %e, "stored calendar does not validate");
        ActionError::Internal
    })
}

/// A deliverable as asked for; every part is checked, each problem named by its field.
#[derive(Debug, Clone, Default)]
pub struct NewDeliverable {
    pub provider_department_id: Option<i64>,
    pub customer_department_id: Option<i64>,
    pub name: String,
    pub rrule: String,
    pub due_time: String,
    pub starts_on: String,
    pub provider_owner_id: Option<i64>,
    pub customer_owner_id: Option<i64>,
    pub dependency_id: Option<i64>,
    pub warn_minutes: Option<i64>,
}

/// Creates a deliverable and writes its occurrences up to [`HORIZON_DAYS`] ahead (and
/// from its start, when that lies in the past: those not delivered are late). The
/// providing or receiving department's managers, and admins, create deliverables.
#[tracing::instrument(name = "create_deliverable", skip_all, fields(actor = actor.person_id))]
pub async fn create(app: &App, actor: &Actor, new: NewDeliverable) -> ActionResult<Deliverable> {
    let now = app.clock.now();
    let mut errors = FieldErrors::new();
    let provider = new.provider_department_id.unwrap_or(0);
    let customer = new.customer_department_id.unwrap_or(0);
    if let (Some(p), Some(c)) = (new.provider_department_id, new.customer_department_id)
        && !actor.manages(p)
        && !actor.manages(c)
    {
        return Err(ActionError::forbidden(
            "the managers of the providing or the receiving department create its deliverables",
        ));
    }
    for (field, id) in [
        ("provider_department_id", new.provider_department_id),
        ("customer_department_id", new.customer_department_id),
    ] {
        match id {
            None => errors.add(field, "is required"),
            Some(id) if departments::get(&app.db, id).await.is_err() => {
                errors.add(field, "no department has this id")
            }
            Some(_) => {}
        }
    }
    if provider != 0 && provider == customer {
        errors.add(
            "customer_department_id",
            "a department does not owe deliverables to itself: name another department",
        );
    }
    let name = text(&mut errors, "name", &new.name, NAME_MAX);
    for (field, id, department, side) in [
        (
            "provider_owner_id",
            new.provider_owner_id,
            provider,
            "provider",
        ),
        (
            "customer_owner_id",
            new.customer_owner_id,
            customer,
            "customer",
        ),
    ] {
        match id {
            None => errors.add(
                field,
                format!("name the person responsible on the {side}'s side"),
            ),
            Some(id) => match people::get(&app.db, id).await {
                Ok(p) if !p.active => errors.add(field, "this person is deactivated"),
                Ok(p) if p.department_id != department => errors.add(
                    field,
                    format!("the {side}'s owner must be a member of the {side} department"),
                ),
                Ok(_) => {}
                Err(_) => errors.add(field, "no person has this id"),
            },
        }
    }
    if let Some(id) = new.dependency_id {
        match dependencies::get(&app.db, id).await {
            Ok(d)
                if d.provider_department_id != provider || d.customer_department_id != customer =>
            {
                errors.add(
                    "dependency_id",
                    "the dependency is between other departments than this deliverable",
                )
            }
            Ok(d) if d.state == DependencyState::Retired.as_str() => {
                errors.add("dependency_id", "the dependency is retired")
            }
            Ok(_) => {}
            Err(_) => errors.add("dependency_id", "no dependency has this id"),
        }
    }
    let warn_minutes = new.warn_minutes.unwrap_or(DEFAULT_WARN_MINUTES);
    if !(0..=MAX_WARN_MINUTES).contains(&warn_minutes) {
        errors.add(
            "warn_minutes",
            format!("must be between 0 and {MAX_WARN_MINUTES} (a week)"),
        );
    }
    let starts_on = match new.starts_on.trim().parse::<Date>() {
        Ok(d) => Some(d),
        Err(_) => {
            errors.add("starts_on", "must be a date, YYYY-MM-DD");
            None
        }
    };
    let calendar = if provider != 0 && errors.get("provider_department_id").is_none() {
        Some(calendar_of(app, provider).await?)
    } else {
        None
    };
    let mut schedule = None;
    if let (Some(starts_on), Some(calendar)) = (starts_on, calendar.as_ref()) {
        let today = calendar.time_zone().to_datetime(now).date();
        if starts_on < today.checked_sub(days(MAX_PAST_DAYS)).unwrap_or(today) {
            errors.add(
                "starts_on",
                format!("may lie at most {MAX_PAST_DAYS} days in the past"),
            );
        }
        match Schedule::new(&new.rrule, &new.due_time, starts_on, calendar) {
            Ok(s) => schedule = Some(s),
            Err(problems) => {
                for (field, reason) in problems.iter() {
                    errors.add(field, reason);
                }
            }
        }
    }
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let Some(schedule) = schedule else {
        return Err(ActionError::Internal);
    };
    let until = now
        .checked_add(days(HORIZON_DAYS))
        .map_err(|_| ActionError::Internal)?;
    let mut d = Deliverable {
        id: 0,
        provider_department_id: provider,
        customer_department_id: customer,
        name,
        rrule: schedule.rule().to_owned(),
        due_time: new.due_time.trim().to_owned(),
        starts_on: schedule.starts_on().to_string(),
        provider_owner_id: new.provider_owner_id.unwrap_or(0),
        customer_owner_id: new.customer_owner_id.unwrap_or(0),
        dependency_id: new.dependency_id,
        warn_minutes,
        generated_until: to_micros(until),
        created_by: actor.person_id,
        created_at: to_micros(now),
    };
    let from = calendar_start(&schedule);
    let due = schedule.occurrences(from, until);
    let mut tx = app.db.begin().await?;
    d.id = deliverables::insert(&mut tx, &d).await?;
    let rows = occurrence_rows(&d, &due, now);
    deliverables::insert_occurrences(&mut tx, &rows).await?;
    tx.commit().await?;
    Ok(d)
}

/// The first instant a schedule can fall on: the day before its start, in UTC, which is
/// before its start's midnight in every zone.
fn calendar_start(schedule: &Schedule) -> Timestamp {
    let day = schedule
        .starts_on()
        .yesterday()
        .unwrap_or(schedule.starts_on());
    jiff::tz::TimeZone::UTC
        .to_timestamp(day.to_datetime(jiff::civil::Time::midnight()))
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

fn occurrence_rows(d: &Deliverable, due: &[Timestamp], now: Timestamp) -> Vec<NewOccurrence> {
    let warn = SignedDuration::from_mins(d.warn_minutes);
    due.iter()
        .map(|at| NewOccurrence {
            deliverable_id: d.id,
            due_at: to_micros(*at),
            next_alarm_at: first_alarm(*at, warn, now).map(to_micros),
        })
        .collect()
}

pub async fn get(app: &App, id: i64) -> ActionResult<Deliverable> {
    deliverables::get(&app.db, id)
        .await
        .map_err(or_404("deliverable"))
}

pub async fn list(
    app: &App,
    filter: &DeliverableFilter,
    after: i64,
    limit: i64,
) -> ActionResult<Vec<Deliverable>> {
    app.known_departments(&[
        ("provider_department_id", filter.provider_department_id),
        ("customer_department_id", filter.customer_department_id),
        ("department_id", filter.department_id),
    ])
    .await?;
    Ok(deliverables::list(&app.db, filter, after, limit).await?)
}

/// An occurrence with its state at the moment it was read.
#[derive(Debug, Clone)]
pub struct OccurrenceView {
    pub occurrence: Occurrence,
    pub state: OccurrenceState,
}

fn view(app: &App, o: Occurrence) -> OccurrenceView {
    let state = OccurrenceState::at(
        from_micros(o.due_at),
        o.delivered_at.map(from_micros),
        o.next_due_at.map(from_micros),
        app.clock.now(),
    );
    OccurrenceView {
        occurrence: o,
        state,
    }
}

/// Most occurrences one answer lists.
pub const MAX_OCCURRENCES: i64 = 1_000;

/// The occurrences of `deliverable` due in `[from, to)`.
pub async fn occurrences(
    app: &App,
    deliverable: i64,
    from: Timestamp,
    to: Timestamp,
) -> ActionResult<Vec<OccurrenceView>> {
    get(app, deliverable).await?;
    let found = deliverables::occurrences(
        &app.db,
        deliverable,
        to_micros(from),
        to_micros(to),
        MAX_OCCURRENCES,
    )
    .await?;
    Ok(found.into_iter().map(|o| view(app, o)).collect())
}

pub async fn occurrence(app: &App, id: i64) -> ActionResult<(OccurrenceView, Deliverable)> {
    let o = deliverables::occurrence(&app.db, id)
        .await
        .map_err(or_404("occurrence"))?;
    let d = deliverables::get(&app.db, o.deliverable_id).await?;
    Ok((view(app, o), d))
}

/// Marks an occurrence delivered, with a link or a note: a member of the providing
/// department, once.
#[tracing::instrument(name = "deliver", skip_all, fields(actor = actor.person_id, occurrence = id))]
pub async fn deliver(
    app: &App,
    actor: &Actor,
    id: i64,
    note: &str,
    link: &str,
) -> ActionResult<OccurrenceView> {
    let at = to_micros(app.clock.now());
    let mut tx = app.db.begin().await?;
    let mut o = deliverables::lock_occurrence(&mut tx, id)
        .await
        .map_err(or_404("occurrence"))?;
    let d = deliverables::get(&app.db, o.deliverable_id).await?;
    if actor.department_id != d.provider_department_id {
        return Err(ActionError::forbidden(
            "only members of the providing department mark an occurrence delivered",
        ));
    }
    if o.delivered_at.is_some() {
        return Err(ActionError::conflict(
            "already_delivered",
            Some("occurrence_id"),
            "this occurrence was delivered already",
        ));
    }
    let mut errors = FieldErrors::new();
    let note = optional_text(&mut errors, "note", note, TEXT_MAX);
    let link = optional_text(&mut errors, "link", link, LINK_MAX);
    let web = link.starts_with("https://") || link.starts_with("http://");
    if !link.is_empty() && !web {
        errors.add(
            "link",
            "must be a web address starting with https:// or http://",
        );
    }
    if note.is_empty() && link.is_empty() && errors.is_empty() {
        errors.add(
            "note",
            "give a link to what was delivered, or a note saying how",
        );
    }
    errors.into_result(()).map_err(ActionError::Invalid)?;
    o.delivered_at = Some(at);
    o.delivered_by = Some(actor.person_id);
    o.delivery_note = (!note.is_empty()).then_some(note);
    o.delivery_link = (!link.is_empty()).then_some(link);
    o.next_alarm_at = None;
    deliverables::save_occurrence(&mut tx, &o).await?;
    let event = NewEvent {
        kind: "delivered",
        actor_id: Some(actor.person_id),
        note: o.delivery_note.as_deref(),
        link: o.delivery_link.as_deref(),
        accurate: None,
    };
    deliverables::record(&mut tx, o.id, at, &event).await?;
    let message = format!(
        "{} was delivered; confirm it is accurate or flag a problem",
        d.name
    );
    tell_about_occurrence(
        &mut tx,
        &[d.customer_owner_id],
        (d.id, o.id),
        "deliverable_delivered",
        &message,
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(view(app, o))
}

/// The recipient's review of a delivered occurrence: accurate, or a problem with a note.
/// A member of the receiving department, once.
#[tracing::instrument(name = "review_delivery", skip_all, fields(actor = actor.person_id, occurrence = id))]
pub async fn review(
    app: &App,
    actor: &Actor,
    id: i64,
    accurate: Option<bool>,
    note: &str,
) -> ActionResult<OccurrenceView> {
    let at = to_micros(app.clock.now());
    let mut tx = app.db.begin().await?;
    let mut o = deliverables::lock_occurrence(&mut tx, id)
        .await
        .map_err(or_404("occurrence"))?;
    let d = deliverables::get(&app.db, o.deliverable_id).await?;
    if actor.department_id != d.customer_department_id {
        return Err(ActionError::forbidden(
            "only members of the receiving department review a delivery",
        ));
    }
    if o.delivered_at.is_none() {
        return Err(ActionError::conflict(
            "not_delivered",
            Some("occurrence_id"),
            "this occurrence has not been delivered yet",
        ));
    }
    if o.reviewed_at.is_some() {
        return Err(ActionError::conflict(
            "already_reviewed",
            Some("occurrence_id"),
            "this delivery was reviewed already",
        ));
    }
    let mut errors = FieldErrors::new();
    let note = optional_text(&mut errors, "note", note, TEXT_MAX);
    match accurate {
        None => errors.add(
            "accurate",
            "say whether the delivery was accurate: true or false",
        ),
        Some(false) if note.is_empty() => errors.add("note", "say what is wrong with the delivery"),
        _ => {}
    }
    errors.into_result(()).map_err(ActionError::Invalid)?;
    o.accurate = accurate;
    o.reviewed_at = Some(at);
    o.reviewed_by = Some(actor.person_id);
    o.review_note = (!note.is_empty()).then_some(note);
    deliverables::save_occurrence(&mut tx, &o).await?;
    let event = NewEvent {
        kind: "reviewed",
        actor_id: Some(actor.person_id),
        note: o.review_note.as_deref(),
        link: None,
        accurate,
    };
    deliverables::record(&mut tx, o.id, at, &event).await?;
    if accurate == Some(false) {
        let mut told =
            people::active_in_department(&app.db, d.provider_department_id, true).await?;
        told.push(d.provider_owner_id);
        let message = format!(
            "A problem was flagged with {}: {}",
            d.name,
            o.review_note.as_deref().unwrap_or_default()
        );
        tell_about_occurrence(
            &mut tx,
            &told,
            (d.id, o.id),
            "deliverable_problem",
            &message,
            at,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(view(app, o))
}

/// On-time and accuracy rates with the counts behind them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    pub counts: RateCounts,
    pub on_time: Option<f64>,
    pub accurate: Option<f64>,
}

impl From<RateCounts> for Rates {
    fn from(counts: RateCounts) -> Self {
        use handoff_domain::deliverable::occurrence::rate;
        Rates {
            counts,
            on_time: rate(counts.on_time, counts.due),
            accurate: rate(counts.accurate, counts.reviewed),
        }
    }
}

/// The rates over the occurrences due in `[from, to)` and by now.
pub async fn rates(
    app: &App,
    scope: RateScope,
    from: Timestamp,
    to: Timestamp,
) -> ActionResult<Rates> {
    match scope {
        RateScope::Deliverable(id) => {
            get(app, id).await?;
        }
        RateScope::Pair { provider, customer } => {
            app.known_departments(&[
                ("provider_department_id", Some(provider)),
                ("customer_department_id", Some(customer)),
            ])
            .await?;
        }
    }
    let now = to_micros(app.clock.now());
    Ok(
        deliverables::rates(&app.db, scope, to_micros(from), to_micros(to), now)
            .await?
            .into(),
    )
}

/// What one pass over the deliverables did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DeliverableWork {
    /// Deliverables whose occurrences were extended, and occurrences written.
    pub extended: usize,
    pub written: u64,
    /// Occurrences warned about, and turned late (escalated).
    pub warned: Vec<i64>,
    pub late: Vec<i64>,
}

/// Deliverables extended, or occurrences alarmed, per transaction.
const BATCH: i64 = 1_000;

/// The worker's pass: writes occurrences ahead where a schedule's reach runs short, then
/// records the warnings and late notices whose moments came, each with a job that tells
/// the people concerned (run by the same step's job loop).
pub async fn work(app: &App) -> ActionResult<DeliverableWork> {
    let mut out = DeliverableWork::default();
    extend(app, &mut out).await?;
    alarms(app, &mut out).await?;
    Ok(out)
}

/// Deliverables whose occurrences reach less far than this are extended.
pub(crate) fn extend_before(now: Timestamp) -> ActionResult<i64> {
    Ok(to_micros(
        now.checked_add(days(MIN_AHEAD_DAYS))
            .map_err(|_| ActionError::Internal)?,
    ))
}

async fn extend(app: &App, out: &mut DeliverableWork) -> ActionResult<()> {
    let now = app.clock.now();
    let before = extend_before(now)?;
    if !deliverables::any_to_extend(&app.db, before).await? {
        return Ok(());
    }
    let until = now
        .checked_add(days(HORIZON_DAYS))
        .map_err(|_| ActionError::Internal)?;
    let mut calendars: HashMap<i64, Calendar> = HashMap::new();
    loop {
        let mut tx = app.db.begin().await?;
        let due = deliverables::claim_to_extend(&mut tx, before, BATCH).await?;
        let done = (due.len() as i64) < BATCH;
        let mut rows = Vec::new();
        for d in &due {
            if let Entry::Vacant(slot) = calendars.entry(d.provider_department_id) {
                slot.insert(calendar_of(app, d.provider_department_id).await?);
            }
            let calendar = &calendars[&d.provider_department_id];
            // A schedule the provider's calendar no longer allows (a business day beyond
            // a month's after new holidays) writes nothing until it is changed.
            if let Ok(schedule) = stored_schedule(d, calendar) {
                let from = from_micros(d.generated_until);
                rows.extend(occurrence_rows(d, &schedule.occurrences(from, until), now));
            }
        }
        let ids: Vec<i64> = due.iter().map(|d| d.id).collect();
        deliverables::set_generated_until(&mut tx, &ids, to_micros(until)).await?;
        out.written += deliverables::insert_occurrences(&mut tx, &rows).await?;
        out.extended += due.len();
        tx.commit().await?;
        if done {
            break;
        }
    }
    Ok(())
}

/// The schedule of a stored deliverable (validated when it was created).
pub fn stored_schedule(d: &Deliverable, calendar: &Calendar) -> ActionResult<Schedule> {
    let starts_on: Date = d.starts_on.parse().map_err(|_| {
        tracing::error!(deliverable = d.id, "stored starts_on does not parse");
        ActionError::Internal
    })?;
    Schedule::new(&d.rrule, &d.due_time, starts_on, calendar).map_err(|e| {
        tracing::warn!(deliverable = d.id, error = %e, "schedule does not hold in the provider's calendar");
        ActionError::Internal
    })
}

async fn alarms(app: &App, out: &mut DeliverableWork) -> ActionResult<()> {
    let now = app.clock.now();
    let at = to_micros(now);
    if !deliverables::any_alarm_due(&app.db, at).await? {
        return Ok(());
    }
    loop {
        let mut tx = app.db.begin().await?;
        let due = deliverables::claim_alarms(&mut tx, at, BATCH).await?;
        let done = (due.len() as i64) < BATCH;
        // The batch's events, jobs and alarm states, each written in one statement.
        let mut events = Vec::new();
        let mut jobs = Vec::new();
        let mut states = Vec::with_capacity(due.len());
        for o in due {
            let mut state = AlarmState {
                occurrence_id: o.id,
                next_alarm_at: None,
                warned: o.warned,
                escalated: o.escalated,
            };
            let queued = if o.delivered_at.is_some() {
                None
            } else if at >= o.due_at && !o.escalated {
                for kind in ["late", "escalated"] {
                    let event = NewEvent {
                        kind,
                        ..NewEvent::default()
                    };
                    events.push((o.id, event));
                }
                state.escalated = true;
                out.late.push(o.id);
                Some(OccurrenceAlarm::Late)
            } else if at < o.due_at && !o.warned {
                events.push((
                    o.id,
                    NewEvent {
                        kind: "warned",
                        ..NewEvent::default()
                    },
                ));
                state.warned = true;
                state.next_alarm_at = Some(o.due_at);
                out.warned.push(o.id);
                Some(OccurrenceAlarm::Warning)
            } else {
                state.next_alarm_at = (at < o.due_at).then_some(o.due_at);
                None
            };
            // Whom to tell is the job's: it runs once, on whichever worker claims it.
            if let Some(alarm) = queued {
                jobs.push(Work::DeliverableAlarm {
                    occurrence_id: o.id,
                    alarm,
                });
            }
            states.push(state);
        }
        deliverables::record_many(&mut tx, at, &events).await?;
        handoff_store::jobs::enqueue_many(&mut tx, &jobs, now, now).await?;
        deliverables::set_alarms(&mut tx, &states).await?;
        tx.commit().await?;
        if done {
            break;
        }
    }
    Ok(())
}

/// The job of an occurrence's alarm: a warning tells the provider's owner (or, when
/// they have left, the provider's managers); a late notice tells both owners and the
/// provider's managers. Written with the job's end in one transaction, so that a job
/// taken over by another worker tells no one twice.
pub(crate) async fn tell_alarm(
    app: &App,
    job: &handoff_store::jobs::Job,
    occurrence_id: i64,
    alarm: OccurrenceAlarm,
) -> ActionResult<()> {
    let o = deliverables::occurrence(&app.db, occurrence_id).await?;
    let d = deliverables::get(&app.db, o.deliverable_id).await?;
    let when = from_micros(o.due_at).strftime("%Y-%m-%d %H:%M UTC");
    let managers = people::active_in_department(&app.db, d.provider_department_id, true).await?;
    let (told, message) = match alarm {
        OccurrenceAlarm::Warning => {
            let mut told = people::active_among(&app.db, &[d.provider_owner_id], None).await?;
            if told.is_empty() {
                told = managers;
            }
            (
                told,
                format!("{} is due {when} and not delivered yet", d.name),
            )
        }
        OccurrenceAlarm::Late => {
            let mut told = managers;
            told.extend([d.provider_owner_id, d.customer_owner_id]);
            let told = people::active_among(&app.db, &told, None).await?;
            (
                told,
                format!("{} is late: it was due {when} and is not delivered", d.name),
            )
        }
    };
    let at = to_micros(app.clock.now());
    let mut tx = app.db.begin().await?;
    tell_about_occurrence(&mut tx, &told, (d.id, o.id), alarm.kind(), &message, at).await?;
    if handoff_store::jobs::finish(&mut tx, job).await? {
        tx.commit().await?;
    }
    Ok(())
}

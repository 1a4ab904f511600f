//! Compiled business calendars, kept per calendar version so that request events do
//! not recompile one each time, and the check that a calendar or policy keeps every
//! target within reach.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use handoff_domain::calendar::{Calendar, CalendarSpec, CompiledCalendar, Horizon};
use handoff_domain::sla::Clockwork;
use handoff_store::slas::Timekeeping;
use handoff_store::{Db, calendars};
use jiff::{SignedDuration, Timestamp};

use crate::error::{ActionError, ActionResult};

/// Years compiled on each side of now: clocks older or targets further than this are
/// beyond any SLA.
pub const YEARS: i64 = 20;

/// Bounds the memory the cache can take (a compiled calendar of 40 years is some
/// hundreds of kilobytes); past it the cache starts afresh.
const MAX_ENTRIES: usize = 64;

#[derive(Default)]
pub struct CalendarCache {
    /// By calendar id: the definition compiled (so that any change, however quick,
    /// is seen) and the result.
    entries: Mutex<HashMap<i64, (CalendarSpec, Arc<CompiledCalendar>)>>,
}

/// Compiles `spec` for the years around `now` that clocks can reach.
pub fn compile(spec: CalendarSpec, now: Timestamp) -> Result<CompiledCalendar, String> {
    Horizon::around(now, YEARS, YEARS)
        .and_then(|h| Calendar::new(spec)?.compile(h))
        .map_err(|e| e.to_string())
}

impl CalendarCache {
    /// How the requests of `department` count time: its calendar, or calendar time.
    pub async fn timekeeping(
        &self,
        db: &Db,
        department: i64,
        now: Timestamp,
    ) -> ActionResult<Timekeeping> {
        let stored = calendars::of_department(db, department).await?;
        self.compiled(stored, now)
    }

    /// How requests count time in `stored`, a department's calendar as read (none:
    /// calendar time), compiled once per calendar and kept while it is unchanged.
    pub fn compiled(
        &self,
        stored: Option<calendars::StoredCalendar>,
        now: Timestamp,
    ) -> ActionResult<Timekeeping> {
        let Some(stored) = stored else {
            return Ok(Timekeeping::default());
        };
        if let Some((spec, compiled)) = self
            .entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&stored.id)
            && *spec == stored.spec
        {
            return Ok(Timekeeping {
                calendar: Some(compiled.clone()),
            });
        }
        let compiled = compile(stored.spec.clone(), now).map(Arc::new).map_err(|e| {
            tracing::error!(calendar = stored.id, error = %e, "stored calendar does not compile");
            ActionError::Internal
        })?;
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(stored.id, (stored.spec, compiled.clone()));
        drop(entries);
        Ok(Timekeeping {
            calendar: Some(compiled),
        })
    }
}

/// Whether a target of `longest` business time, started now, falls due within the
/// compiled years of `calendar`. A clock started earlier with less time left falls due
/// no later, so checking the longest target from now covers every open clock.
pub fn within_reach(calendar: &CompiledCalendar, longest: SignedDuration, now: Timestamp) -> bool {
    Clockwork::Business(calendar).after(now, longest).is_ok()
}

/// Saves a calendar's new name or definition, with the recompute of the clocks of the
/// departments that use it, in one transaction. A definition under which the longest
/// target in use could not fall due within the compiled years is refused (naming
/// `field`) before anything is saved.
#[tracing::instrument(name = "save_calendar", skip_all, fields(calendar = id))]
pub async fn save(
    app: &crate::App,
    id: i64,
    name: Option<&str>,
    spec: &CalendarSpec,
    field: &str,
) -> ActionResult<calendars::StoredCalendar> {
    let users = calendars::departments_using(&app.db, id).await?;
    let now = app.clock.now();
    check_reach(app, &users, spec, now, field).await?;
    let mut tx = app.db.begin().await?;
    let stored = calendars::update(&mut tx, id, name, Some(spec), now)
        .await
        .map_err(|e| {
            crate::error::unique_as_field(
                e,
                "name",
                "the department already has a calendar by this name",
            )
        })?;
    // Deliverables due in this calendar move with it: the worker writes them again.
    handoff_store::deliverables::reschedule(&mut tx, &users, handoff_store::to_micros(now)).await?;
    crate::sla::schedule_recompute(
        app,
        &mut tx,
        handoff_domain::job::RecomputeScope::Departments(users),
    )
    .await?;
    tx.commit().await?;
    app.wake_worker();
    Ok(stored)
}

/// Changes a department (its calendar among others), with the recompute of its clocks
/// when the calendar changed, in one transaction.
#[tracing::instrument(name = "change_department", skip_all, fields(department = id))]
pub async fn change_department(
    app: &crate::App,
    id: i64,
    changes: &handoff_store::departments::DepartmentChanges<'_>,
) -> ActionResult<handoff_store::departments::Department> {
    let now = app.clock.now();
    if let Some(Some(calendar)) = changes.calendar_id {
        let stored = calendars::get(&app.db, calendar).await?;
        check_reach(app, &[id], &stored.spec, now, "calendar_id").await?;
    }
    let mut tx = app.db.begin().await?;
    let department = handoff_store::departments::update(&mut tx, id, changes)
        .await
        .map_err(|e| {
            crate::error::unique_as_field(e, "handle", "is taken by another department")
        })?;
    if changes.calendar_id.is_some() {
        handoff_store::deliverables::reschedule(&mut tx, &[id], handoff_store::to_micros(now))
            .await?;
        crate::sla::schedule_recompute(
            app,
            &mut tx,
            handoff_domain::job::RecomputeScope::Departments(vec![id]),
        )
        .await?;
    }
    tx.commit().await?;
    app.wake_worker();
    Ok(department)
}

async fn check_reach(
    app: &crate::App,
    departments: &[i64],
    spec: &CalendarSpec,
    now: Timestamp,
    field: &str,
) -> ActionResult<()> {
    let Some(longest) = crate::sla::longest_target(app, departments).await? else {
        return Ok(());
    };
    let compiled = compile(spec.clone(), now).map_err(|e| ActionError::field(field, e))?;
    if within_reach(&compiled, longest, now) {
        Ok(())
    } else {
        Err(ActionError::field(
            field,
            format!(
                "with these working hours and holidays a target of {} business minutes, the longest in use, would not fall due within {YEARS} years",
                longest.as_mins()
            ),
        ))
    }
}

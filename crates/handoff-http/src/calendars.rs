//! Compiled business calendars, kept per calendar version so that request events do
//! not recompile one each time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use handoff_domain::calendar::{Calendar, CalendarSpec, CompiledCalendar, Horizon};
use handoff_store::calendars;
use handoff_store::slas::Timekeeping;

use crate::AppState;
use crate::error::ApiError;

/// Years compiled on each side of now: clocks older or targets further than this are
/// beyond any SLA.
const YEARS: i64 = 20;

/// Bounds the memory the cache can take (a compiled calendar of 40 years is some
/// hundreds of kilobytes); past it the cache starts afresh.
const MAX_ENTRIES: usize = 64;

#[derive(Default)]
pub struct CalendarCache {
    /// By calendar id: the definition compiled (so that any change, however quick,
    /// is seen) and the result.
    entries: Mutex<HashMap<i64, (CalendarSpec, Arc<CompiledCalendar>)>>,
}

impl CalendarCache {
    /// How the requests of `department` count time: its calendar, or calendar time.
    pub async fn timekeeping(
        &self,
        state: &AppState,
        department: i64,
    ) -> Result<Timekeeping, ApiError> {
        let Some(stored) = calendars::of_department(&state.db, department).await? else {
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
        let compiled = Horizon::around(state.clock.now(), YEARS, YEARS)
            .and_then(|h| Calendar::new(stored.spec.clone())?.compile(h))
            .map(Arc::new)
            .map_err(|e| {
                tracing::error!(calendar = stored.id, error = %e, "stored calendar does not compile");
                ApiError::Internal
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

/// Recomputes the due times of the open requests of `departments` after their calendar
/// changed (or they changed calendar). They share the calendar, so one compile serves.
pub async fn recompute_departments(state: &AppState, departments: &[i64]) -> Result<u64, ApiError> {
    let Some(first) = departments.first() else {
        return Ok(0);
    };
    let time = state.calendars.timekeeping(state, *first).await?;
    let count = handoff_store::slas::recompute(
        &state.db,
        handoff_store::slas::Scope::Departments(departments.to_vec()),
        &time,
        |_, _| {},
    )
    .await?;
    tracing::info!(departments = ?departments, clocks = count, "SLA due times recomputed");
    Ok(count)
}

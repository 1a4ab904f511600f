//! Compiled business calendars, kept per calendar version so that request events do
//! not recompile one each time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use handoff_domain::calendar::{Calendar, CompiledCalendar, Horizon};
use handoff_store::calendars;
use handoff_store::slas::Timekeeping;
use jiff::SignedDuration;

use crate::AppState;
use crate::error::ApiError;

/// Years compiled on each side of now: clocks older or targets further than this are
/// beyond any SLA.
const YEARS: i64 = 20;

#[derive(Default)]
pub struct CalendarCache {
    /// By calendar id: the version (`updated_at`) compiled and the result.
    entries: Mutex<HashMap<i64, (i64, Arc<CompiledCalendar>)>>,
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
        if let Some((version, compiled)) = self
            .entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&stored.id)
            && *version == stored.updated_at
        {
            return Ok(Timekeeping {
                calendar: Some(compiled.clone()),
            });
        }
        let now = state.clock.now();
        let span = SignedDuration::from_hours(24 * 366 * YEARS);
        let horizon = Horizon::new(
            now.saturating_sub(span).unwrap_or(Horizon::EARLIEST),
            now.saturating_add(span).unwrap_or(Horizon::LATEST),
        );
        let compiled = horizon
            .and_then(|h| Calendar::new(stored.spec)?.compile(h))
            .map(Arc::new)
            .map_err(|e| {
                tracing::error!(calendar = stored.id, error = %e, "stored calendar does not compile");
                ApiError::Internal
            })?;
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(stored.id, (stored.updated_at, compiled.clone()));
        Ok(Timekeeping {
            calendar: Some(compiled),
        })
    }
}

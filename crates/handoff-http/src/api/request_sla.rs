//! `GET /api/v1/requests/{id}/sla`: each SLA target's clock on a request: due time, time
//! used and left in business terms, share used, met or breached.

use axum::Json;
use axum::extract::State;
use handoff_domain::sla::{ClockState, Clockwork, Phase, SlaClock, Target};
use handoff_store::slas::{self, StoredClock, Timekeeping};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;

use super::requests::visible;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiPath;

#[derive(Serialize, ToSchema)]
pub struct SlaJson {
    pub target: Target,
    pub phase: Phase,
    /// The time the target allows, in business minutes (or calendar minutes).
    pub allowed_minutes: f64,
    pub used_minutes: f64,
    /// Negative when overdue.
    pub left_minutes: f64,
    pub percent_used: f64,
    /// When the allowed time runs out, while the clock runs.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub due_at: Option<Timestamp>,
    /// `true` met, `false` breached, `null` still open and within target.
    pub met: Option<bool>,
    /// Counted in plain elapsed time rather than the department's working hours.
    pub calendar_time: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SlaList {
    pub items: Vec<SlaJson>,
}

/// Minutes to two decimals, as every clock reading shows them.
pub(crate) fn minutes(d: SignedDuration) -> f64 {
    (d.as_secs_f64() / 60.0 * 100.0).round() / 100.0
}

#[utoipa::path(get, path = "/api/v1/requests/{id}/sla", tag = "requests",
    params(("id" = i64, Path)),
    responses((status = 200, body = SlaList), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<SlaList>, ApiError> {
    let (request, relation) = visible(&state, &actor, id).await?;
    if actor.sees_until(&request.facts(relation)).is_some() {
        // A former holder reads its own clocks in the request's stints, not the new
        // holder's.
        return Ok(Json(SlaList { items: Vec::new() }));
    }
    let clocks = slas::of_request(&state.app.db, id).await?;
    let time = state
        .app
        .timekeeping(request.provider_department_id)
        .await?;
    let items = read_clocks(id, clocks, &time, state.app.clock.now())?;
    Ok(Json(SlaList { items }))
}

/// Reads stored clocks at `now`; shared by the API and the pages.
pub fn read_clocks(
    request_id: i64,
    clocks: Vec<StoredClock>,
    time: &Timekeeping,
    now: Timestamp,
) -> Result<Vec<SlaJson>, ApiError> {
    let mut items = Vec::with_capacity(clocks.len());
    for stored in clocks {
        let state = clock_state(
            request_id,
            &stored.clock,
            time.work(stored.calendar_time),
            now,
        )?;
        items.push(SlaJson {
            target: stored.clock.target,
            phase: state.phase,
            allowed_minutes: minutes(stored.clock.allowed),
            used_minutes: minutes(state.used),
            left_minutes: minutes(state.left),
            percent_used: (state.percent_used * 10.0).round() / 10.0,
            due_at: state.due_at,
            met: state.met,
            calendar_time: stored.calendar_time,
        });
    }
    Ok(items)
}

/// A clock's state at `now`, its running stretch counted in `work`'s time: the one
/// reading behind a request's SLA, its page and the SLA reports.
pub(crate) fn clock_state(
    request_id: i64,
    clock: &SlaClock,
    work: Clockwork,
    now: Timestamp,
) -> Result<ClockState, ApiError> {
    clock.state(now, work).map_err(|e| {
        tracing::error!(request = request_id, error = %e, "SLA clock cannot be read");
        ApiError::Internal
    })
}

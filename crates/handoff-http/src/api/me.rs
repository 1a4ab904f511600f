//! `GET /api/v1/me/asks`: what is asked of the caller (ratings, pulses) and what waits on
//! their department (concerns).

use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

use super::concerns::ConcernJson;
use super::time;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;

#[derive(Serialize, ToSchema)]
pub struct RatingAskJson {
    pub request_id: i64,
    pub subject: String,
    pub provider_department_id: i64,
    #[schema(value_type = String, format = DateTime)]
    pub resolved_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
}

#[derive(Serialize, ToSchema)]
pub struct PulseAskJson {
    pub pulse_id: i64,
    /// Asked about, not answered yet.
    pub provider_department_id: i64,
    #[schema(value_type = String, format = DateTime)]
    pub closes_at: Timestamp,
}

#[derive(Serialize, ToSchema)]
pub struct AsksJson {
    pub ratings: Vec<RatingAskJson>,
    pub pulses: Vec<PulseAskJson>,
    /// Concerns about the caller's department waiting on an answer.
    pub concerns: Vec<ConcernJson>,
}

#[utoipa::path(get, path = "/api/v1/me/asks", tag = "feedback",
    responses((status = 200, body = AsksJson)))]
pub async fn asks(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Result<Json<AsksJson>, ApiError> {
    let asks = handoff_app::asks::of(&state.app, &actor).await?;
    Ok(Json(AsksJson {
        ratings: asks
            .ratings
            .into_iter()
            .map(|(r, subject)| RatingAskJson {
                request_id: r.request_id,
                subject,
                provider_department_id: r.provider_department_id,
                resolved_at: time(r.resolved_at),
                expires_at: time(r.expires_at),
            })
            .collect(),
        pulses: asks
            .pulses
            .into_iter()
            .flat_map(|ask| {
                let closes_at = time(ask.pulse.closes_at);
                let pulse_id = ask.pulse.id;
                ask.providers.into_iter().map(move |p| PulseAskJson {
                    pulse_id,
                    provider_department_id: p,
                    closes_at,
                })
            })
            .collect(),
        concerns: asks
            .concerns
            .into_iter()
            .map(ConcernJson::try_from)
            .collect::<Result<_, _>>()?,
    }))
}

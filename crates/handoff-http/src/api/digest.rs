//! `GET /api/v1/departments/{id}/digest`: a department's weekly summary.

use axum::Json;
use axum::extract::State;
use handoff_domain::FieldErrors;
use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

use super::kudos::KudosJson;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiPath, QueryMap};

#[derive(Serialize, ToSchema)]
pub struct DigestPulseJson {
    pub pulse_id: i64,
    pub responses: u32,
    pub score: f64,
}

#[derive(Serialize, ToSchema)]
pub struct DigestJson {
    pub department_id: i64,
    /// The Monday the week starts on.
    #[schema(value_type = String, format = Date)]
    pub week_of: String,
    #[schema(value_type = String, format = DateTime)]
    pub from: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub to: Timestamp,
    pub concerns_raised: i64,
    pub concerns_answered: i64,
    /// Concerns waiting on an answer now.
    pub concerns_waiting: i64,
    pub ratings: i64,
    pub rating_mean: Option<f64>,
    /// Ratings of 1 or 2.
    pub low_ratings: i64,
    /// Pulses about the department that closed in the week, where shown.
    pub pulses: Vec<DigestPulseJson>,
    pub kudos_received: i64,
    pub kudos: Vec<KudosJson>,
    /// SLA targets breached while the department held the request.
    pub breaches: i64,
}

#[utoipa::path(get, path = "/api/v1/departments/{id}/digest", tag = "feedback",
    params(("id" = i64, Path),
           ("week_of" = Option<String>, Query, description = "A day of the week (YYYY-MM-DD); default: last week")),
    responses((status = 200, body = DigestJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    query: QueryMap,
) -> Result<Json<DigestJson>, ApiError> {
    query.only(&["week_of"])?;
    let mut errors = FieldErrors::new();
    let day = query.get("week_of").and_then(|d| {
        d.parse::<jiff::civil::Date>()
            .map_err(|_| errors.add("week_of", "must be a date such as 2026-11-23"))
            .ok()
    });
    errors.into_result(()).map_err(ApiError::invalid)?;
    let d = handoff_app::digest::week(&state.app, &actor, id, day).await?;
    Ok(Json(DigestJson {
        department_id: d.department_id,
        week_of: d.week_of.to_string(),
        from: d.from,
        to: d.to,
        concerns_raised: d.counts.concerns_raised,
        concerns_answered: d.counts.concerns_answered,
        concerns_waiting: d.concerns_waiting,
        ratings: d.counts.ratings,
        rating_mean: d.rating_mean,
        low_ratings: d.counts.low_ratings,
        pulses: d
            .pulses
            .into_iter()
            .map(|(pulse_id, responses, score)| DigestPulseJson {
                pulse_id,
                responses,
                score,
            })
            .collect(),
        kudos_received: d.counts.kudos_received,
        kudos: d.kudos.into_iter().map(KudosJson::from).collect(),
        breaches: d.counts.breaches,
    }))
}

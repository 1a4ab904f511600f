//! `/api/v1/pulses`: relationship pulses. Customers answer "How well does <provider>
//! serve you?" anonymously; results show once the pulse has closed, only where at least
//! the organisation's `anonymity_threshold` people answered, and never so that two shown
//! results could be subtracted down to a smaller group.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use handoff_app::pulses::{Answer, PulseResult, StartPulse};
use handoff_domain::FieldErrors;
use handoff_store::pulses::PulseScope;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DEFAULT_LIMIT, MAX_LIMIT, Page, id_page, time};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, QueryMap};

#[derive(Serialize, ToSchema)]
pub struct PulseJson {
    pub id: i64,
    pub created_by: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub closes_at: Timestamp,
    pub closed: bool,
    pub provider_department_ids: Vec<i64>,
    pub customer_department_ids: Vec<i64>,
    /// People asked.
    pub invited: i64,
}

impl PulseJson {
    fn new(scope: PulseScope, now: Timestamp) -> Self {
        PulseJson {
            closed: !scope.pulse.open(handoff_store::to_micros(now)),
            id: scope.pulse.id,
            created_by: scope.pulse.created_by,
            created_at: time(scope.pulse.created_at),
            closes_at: time(scope.pulse.closes_at),
            provider_department_ids: scope.providers,
            customer_department_ids: scope.customers,
            invited: scope.invited,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartBody {
    /// The departments asked about (a manager: their own only).
    pub provider_department_ids: Vec<i64>,
    /// The departments whose active people are asked.
    pub customer_department_ids: Vec<i64>,
    #[schema(value_type = String, format = DateTime)]
    pub closes_at: Timestamp,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    pub provider_department_id: i64,
    /// 1 to 5.
    pub score: i32,
    /// What works.
    #[serde(default)]
    pub works: String,
    /// What should change.
    #[serde(default)]
    pub change: String,
}

/// An answer received; nothing in it leads back to the answer or its author.
#[derive(Serialize, ToSchema)]
pub struct ReceivedJson {
    pub pulse_id: i64,
    pub provider_department_id: i64,
    pub received: bool,
}

#[derive(Serialize, ToSchema)]
pub struct TrendJson {
    pub previous_pulse_id: i64,
    pub previous_score: f64,
    /// This score minus the previous one.
    pub change: f64,
}

#[derive(Serialize, ToSchema)]
pub struct PulseResultJson {
    pub provider_department_id: i64,
    /// `null`: all the pulse's customers together.
    pub customer_department_id: Option<i64>,
    /// Whether enough people answered for the result to be shown; when not, the fields
    /// below are `null` or empty and say nothing ("not enough responses").
    pub shown: bool,
    pub responses: Option<u32>,
    /// The mean score, 1 to 5.
    pub score: Option<f64>,
    pub works: Vec<String>,
    pub change: Vec<String>,
    /// Against the previous pulse about the same provider, where both are shown.
    pub trend: Option<TrendJson>,
}

impl From<PulseResult> for PulseResultJson {
    fn from(r: PulseResult) -> Self {
        PulseResultJson {
            provider_department_id: r.provider_department_id,
            customer_department_id: r.customer_department_id,
            shown: r.shown,
            responses: r.responses,
            score: r.score,
            works: r.works,
            change: r.change,
            trend: r.trend.map(|t| TrendJson {
                previous_pulse_id: t.previous_pulse_id,
                previous_score: t.previous_score,
                change: t.change,
            }),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PulseResultsJson {
    pub pulse_id: i64,
    /// The fewest answers a shown result stands on.
    pub threshold: i32,
    /// Results show once the pulse is closed; until then none is shown.
    pub closed: bool,
    /// Every pair the pulse asked about, and each provider's total, shown or not.
    pub items: Vec<PulseResultJson>,
}

#[utoipa::path(post, path = "/api/v1/pulses", tag = "feedback", request_body = StartBody,
    responses((status = 201, body = PulseJson), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<StartBody>,
) -> Result<(StatusCode, Json<PulseJson>), ApiError> {
    let command = StartPulse {
        provider_department_ids: body.provider_department_ids,
        customer_department_ids: body.customer_department_ids,
        closes_at: body.closes_at,
    };
    let scope = handoff_app::pulses::start(&state.app, &actor, command).await?;
    Ok((
        StatusCode::CREATED,
        Json(PulseJson::new(scope, state.app.clock.now())),
    ))
}

#[utoipa::path(get, path = "/api/v1/pulses", tag = "feedback",
    params(("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = Page<PulseJson>)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    query: QueryMap,
) -> Result<Json<Page<PulseJson>>, ApiError> {
    query.only(&["cursor", "limit"])?;
    let mut errors = FieldErrors::new();
    let limit = query.limit(&mut errors, DEFAULT_LIMIT, MAX_LIMIT);
    let before = query.id_cursor(&mut errors);
    errors.into_result(()).map_err(ApiError::invalid)?;
    let rows = handoff_app::pulses::list(&state.app, &actor, before, limit).await?;
    let now = state.app.clock.now();
    Ok(Json(id_page(
        rows,
        limit,
        |s| s.pulse.id,
        |s| PulseJson::new(s, now),
    )))
}

#[utoipa::path(get, path = "/api/v1/pulses/{id}", tag = "feedback",
    params(("id" = i64, Path)),
    responses((status = 200, body = PulseJson), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PulseJson>, ApiError> {
    let scope = handoff_app::pulses::get(&state.app, &actor, id).await?;
    Ok(Json(PulseJson::new(scope, state.app.clock.now())))
}

#[utoipa::path(post, path = "/api/v1/pulses/{id}/close", tag = "feedback",
    params(("id" = i64, Path)),
    responses((status = 200, body = PulseJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PulseJson>, ApiError> {
    let scope = handoff_app::pulses::close(&state.app, &actor, id).await?;
    Ok(Json(PulseJson::new(scope, state.app.clock.now())))
}

#[utoipa::path(post, path = "/api/v1/pulses/{id}/responses", tag = "feedback",
    params(("id" = i64, Path)), request_body = AnswerBody,
    responses((status = 201, body = ReceivedJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn respond(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AnswerBody>,
) -> Result<(StatusCode, Json<ReceivedJson>), ApiError> {
    let provider = body.provider_department_id;
    let answer = Answer {
        provider_department_id: provider,
        score: body.score,
        works: body.works,
        change: body.change,
    };
    handoff_app::pulses::answer(&state.app, &actor, id, answer).await?;
    Ok((
        StatusCode::CREATED,
        Json(ReceivedJson {
            pulse_id: id,
            provider_department_id: provider,
            received: true,
        }),
    ))
}

#[utoipa::path(get, path = "/api/v1/pulses/{id}/results", tag = "feedback",
    params(("id" = i64, Path)),
    responses((status = 200, body = PulseResultsJson), (status = 404, body = crate::error::ErrorBody)))]
pub async fn results(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PulseResultsJson>, ApiError> {
    let results = handoff_app::pulses::results(&state.app, &actor, id).await?;
    Ok(Json(PulseResultsJson {
        pulse_id: id,
        threshold: results.threshold,
        closed: results.closed,
        items: results.items.into_iter().map(Into::into).collect(),
    }))
}

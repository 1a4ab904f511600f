//! Satisfaction ratings: `PUT/GET /api/v1/requests/{id}/rating` (the requester rates the
//! latest resolution; the departments that held the request read it) and
//! `GET /api/v1/ratings`.

use axum::Json;
use axum::extract::State;
use handoff_app::ratings::{Rate, RatingView};
use handoff_domain::FieldErrors;
use handoff_store::ratings::{Rating, RatingFilter};
use handoff_store::to_micros;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DEFAULT_LIMIT, MAX_LIMIT, Page, id_page, time};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, QueryMap};

#[derive(Serialize, ToSchema)]
pub struct RatingJson {
    pub id: i64,
    pub request_id: i64,
    pub requester_id: i64,
    pub requester_department_id: i64,
    /// The department that resolved the request: the rating counts for it.
    pub provider_department_id: i64,
    #[schema(value_type = String, format = DateTime)]
    pub resolved_at: Timestamp,
    /// Whether the requester was asked (false: asked about this department within the
    /// organisation's interval already; they may rate all the same).
    pub asked: bool,
    pub score: Option<i32>,
    pub comment: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub rated_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub changed_at: Option<Timestamp>,
}

impl From<Rating> for RatingJson {
    fn from(r: Rating) -> Self {
        RatingJson {
            id: r.id,
            request_id: r.request_id,
            requester_id: r.requester_id,
            requester_department_id: r.requester_department_id,
            provider_department_id: r.provider_department_id,
            resolved_at: time(r.resolved_at),
            asked: r.asked,
            score: r.score,
            comment: r.comment,
            rated_at: r.rated_at.map(time),
            changed_at: r.changed_at.map(time),
        }
    }
}

/// A request's rating: its latest resolution's, with the earlier ones.
#[derive(Serialize, ToSchema)]
pub struct RequestRatingJson {
    pub request_id: i64,
    /// `waiting` (asked, not rated yet), `rated`, or `expired` (not rated in time).
    pub state: &'static str,
    pub score: Option<i32>,
    pub comment: String,
    pub provider_department_id: i64,
    pub asked: bool,
    #[schema(value_type = String, format = DateTime)]
    pub resolved_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub rated_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub changed_at: Option<Timestamp>,
    /// Whether the caller may rate or change the rating now.
    pub can_rate: bool,
    /// Until when it can be given or changed; `null` once that is over.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub open_until: Option<Timestamp>,
    /// Ratings of earlier resolutions (the request was reopened since), latest first.
    pub earlier: Vec<RatingJson>,
}

impl RequestRatingJson {
    fn new(view: RatingView, now: Timestamp) -> Self {
        let r = view.latest;
        let state = match (r.rated_at, r.expires_at > to_micros(now)) {
            (Some(_), _) => "rated",
            (None, true) => "waiting",
            (None, false) => "expired",
        };
        RequestRatingJson {
            request_id: r.request_id,
            state,
            score: r.score,
            comment: r.comment,
            provider_department_id: r.provider_department_id,
            asked: r.asked,
            resolved_at: time(r.resolved_at),
            expires_at: time(r.expires_at),
            rated_at: r.rated_at.map(time),
            changed_at: r.changed_at.map(time),
            can_rate: view.can_rate,
            open_until: view.open_until,
            earlier: view.earlier.into_iter().map(RatingJson::from).collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateRequest {
    /// 1 to 5.
    pub score: i32,
    #[serde(default)]
    pub comment: String,
}

#[utoipa::path(get, path = "/api/v1/requests/{id}/rating", tag = "feedback",
    params(("id" = i64, Path)),
    responses((status = 200, body = RequestRatingJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<RequestRatingJson>, ApiError> {
    match handoff_app::ratings::of_request(&state.app, &actor, id).await? {
        Some(view) => Ok(Json(RequestRatingJson::new(view, state.app.clock.now()))),
        None => Err(ApiError::NotFound("rating")),
    }
}

#[utoipa::path(put, path = "/api/v1/requests/{id}/rating", tag = "feedback",
    params(("id" = i64, Path)), request_body = RateRequest,
    responses((status = 200, body = RequestRatingJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RateRequest>,
) -> Result<Json<RequestRatingJson>, ApiError> {
    let rate = Rate {
        score: body.score,
        comment: body.comment,
    };
    handoff_app::ratings::rate(&state.app, &actor, id, rate).await?;
    get(State(state), Caller(actor), ApiPath(id)).await
}

#[utoipa::path(get, path = "/api/v1/ratings", tag = "feedback",
    params(("provider_department_id" = Option<i64>, Query), ("requester_department_id" = Option<i64>, Query),
           ("from" = Option<String>, Query, description = "Rated at or after (RFC 3339)"),
           ("to" = Option<String>, Query, description = "Rated before (RFC 3339)"),
           ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = Page<RatingJson>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    query: QueryMap,
) -> Result<Json<Page<RatingJson>>, ApiError> {
    query.only(&[
        "provider_department_id",
        "requester_department_id",
        "from",
        "to",
        "cursor",
        "limit",
    ])?;
    let mut errors = FieldErrors::new();
    let filter = RatingFilter {
        provider_department_id: query.id(&mut errors, "provider_department_id"),
        requester_department_id: query.id(&mut errors, "requester_department_id"),
        from: query.timestamp(&mut errors, "from").map(to_micros),
        to: query.timestamp(&mut errors, "to").map(to_micros),
        ..RatingFilter::default()
    };
    let limit = query.limit(&mut errors, DEFAULT_LIMIT, MAX_LIMIT);
    let after = query.id_cursor(&mut errors);
    errors.into_result(()).map_err(ApiError::invalid)?;
    let rows = handoff_app::ratings::list(&state.app, &actor, filter, after, limit).await?;
    Ok(Json(id_page(rows, limit, |r| r.id, RatingJson::from)))
}

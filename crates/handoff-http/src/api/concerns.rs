//! `/api/v1/concerns`: a customer's concern about how a department serves them, with a
//! proposed solution, named or anonymous, and its answer. An anonymous concern shows
//! no author and only its day; its id is random.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use handoff_app::concerns::RaiseConcern;
use handoff_domain::FieldErrors;
use handoff_domain::feedback::concern::{ConcernMove, ConcernState};
use handoff_store::concerns::{Concern, ConcernFilter};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DEFAULT_LIMIT, MAX_LIMIT, Page, time};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, QueryMap};

#[derive(Serialize, ToSchema)]
pub struct ConcernJson {
    /// Random, not counting up.
    pub id: i64,
    pub about_department_id: i64,
    /// `null` when raised anonymously: the author is not stored.
    pub raised_by_id: Option<i64>,
    pub anonymous: bool,
    /// The day it was raised (in the receiving department's time zone); no finer time
    /// is kept.
    #[schema(value_type = String, format = Date)]
    pub raised_on: String,
    pub problem: String,
    pub proposal: String,
    pub state: ConcernState,
    /// The agreed action, once answered.
    pub action: Option<String>,
    /// The response target: answered by then.
    #[schema(value_type = String, format = DateTime)]
    pub due_at: Timestamp,
    /// Answered after its target, or not answered by it.
    pub breached: bool,
    pub acknowledged_by: Option<i64>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub acknowledged_at: Option<Timestamp>,
    pub answered_by: Option<i64>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub answered_at: Option<Timestamp>,
    pub resolved_by: Option<i64>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub resolved_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub reopened_at: Option<Timestamp>,
}

impl TryFrom<Concern> for ConcernJson {
    type Error = ApiError;

    fn try_from(c: Concern) -> Result<Self, ApiError> {
        let state = c.state()?;
        let breached = c.breached || c.answered_at.is_some_and(|a| a > c.due_at);
        Ok(ConcernJson {
            id: c.id,
            about_department_id: c.about_department_id,
            raised_by_id: c.raised_by_id,
            anonymous: c.raised_by_id.is_none(),
            raised_on: c.raised_on,
            problem: c.problem,
            proposal: c.proposal,
            state,
            action: c.action,
            due_at: time(c.due_at),
            breached,
            acknowledged_by: c.acknowledged_by,
            acknowledged_at: c.acknowledged_at.map(time),
            answered_by: c.answered_by,
            answered_at: c.answered_at.map(time),
            resolved_by: c.resolved_by,
            resolved_at: c.resolved_at.map(time),
            reopened_at: c.reopened_at.map(time),
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RaiseBody {
    pub about_department_id: i64,
    /// What goes wrong.
    pub problem: String,
    /// What should change: required, so that a concern proposes a solution.
    pub proposal: String,
    /// Stored without its author at all.
    #[serde(default)]
    pub anonymous: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// The agreed action.
    pub action: String,
}

#[utoipa::path(post, path = "/api/v1/concerns", tag = "feedback", request_body = RaiseBody,
    responses((status = 201, body = ConcernJson), (status = 422, body = crate::error::ErrorBody)))]
pub async fn raise(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<RaiseBody>,
) -> Result<(StatusCode, Json<ConcernJson>), ApiError> {
    let command = RaiseConcern {
        about_department_id: body.about_department_id,
        problem: body.problem,
        proposal: body.proposal,
        anonymous: body.anonymous,
    };
    let concern = handoff_app::concerns::raise(&state.app, &actor, command).await?;
    Ok((StatusCode::CREATED, Json(concern.try_into()?)))
}

#[utoipa::path(get, path = "/api/v1/concerns", tag = "feedback",
    params(("about_department_id" = Option<i64>, Query),
           ("state" = Option<String>, Query, description = "raised, acknowledged, answered, resolved, reopened; several separated by commas"),
           ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = Page<ConcernJson>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    query: QueryMap,
) -> Result<Json<Page<ConcernJson>>, ApiError> {
    query.only(&["about_department_id", "state", "cursor", "limit"])?;
    let mut errors = FieldErrors::new();
    let mut states = Vec::new();
    for name in query.get("state").unwrap_or_default().split(',') {
        match ConcernState::parse(name.trim()) {
            Some(s) => states.push(s),
            None if name.trim().is_empty() => {}
            None => errors.add(
                "state",
                "must be raised, acknowledged, answered, resolved or reopened",
            ),
        }
    }
    let filter = ConcernFilter {
        about_department_id: query.id(&mut errors, "about_department_id"),
        states,
        ..ConcernFilter::default()
    };
    let limit = query.limit(&mut errors, DEFAULT_LIMIT, MAX_LIMIT);
    let cursor = query.get("cursor").map(|c| {
        c.split_once('~')
            .and_then(|(day, id)| Some((day.to_owned(), id.parse::<i64>().ok()?)))
            .filter(|(day, _)| day.len() == 10)
            .unwrap_or_else(|| {
                errors.add("cursor", "is not a cursor this list handed out");
                (String::new(), 0)
            })
    });
    errors.into_result(()).map_err(ApiError::invalid)?;
    let after = cursor.as_ref().map(|(day, id)| (day.as_str(), *id));
    let rows = handoff_app::concerns::list(&state.app, &actor, filter, after, limit).await?;
    let next_cursor = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|c| format!("{}~{}", c.raised_on, c.id)))
        .flatten();
    let items = rows
        .into_iter()
        .map(ConcernJson::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Json(Page { items, next_cursor }))
}

#[utoipa::path(get, path = "/api/v1/concerns/{id}", tag = "feedback",
    params(("id" = i64, Path)),
    responses((status = 200, body = ConcernJson), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ConcernJson>, ApiError> {
    let concern = handoff_app::concerns::get(&state.app, &actor, id).await?;
    Ok(Json(concern.try_into()?))
}

async fn apply(
    state: &AppState,
    actor: &handoff_domain::access::Actor,
    id: i64,
    by: ConcernMove,
    action: Option<&str>,
) -> Result<Json<ConcernJson>, ApiError> {
    let concern = handoff_app::concerns::apply(&state.app, actor, id, by, action).await?;
    Ok(Json(concern.try_into()?))
}

#[utoipa::path(post, path = "/api/v1/concerns/{id}/acknowledge", tag = "feedback",
    params(("id" = i64, Path)),
    responses((status = 200, body = ConcernJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ConcernJson>, ApiError> {
    apply(&state, &actor, id, ConcernMove::Acknowledge, None).await
}

#[utoipa::path(post, path = "/api/v1/concerns/{id}/answer", tag = "feedback",
    params(("id" = i64, Path)), request_body = AnswerBody,
    responses((status = 200, body = ConcernJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn answer(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AnswerBody>,
) -> Result<Json<ConcernJson>, ApiError> {
    apply(&state, &actor, id, ConcernMove::Answer, Some(&body.action)).await
}

#[utoipa::path(post, path = "/api/v1/concerns/{id}/resolve", tag = "feedback",
    params(("id" = i64, Path)),
    responses((status = 200, body = ConcernJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn resolve(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ConcernJson>, ApiError> {
    apply(&state, &actor, id, ConcernMove::Resolve, None).await
}

#[utoipa::path(post, path = "/api/v1/concerns/{id}/reopen", tag = "feedback",
    params(("id" = i64, Path)),
    responses((status = 200, body = ConcernJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn reopen(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ConcernJson>, ApiError> {
    apply(&state, &actor, id, ConcernMove::Reopen, None).await
}

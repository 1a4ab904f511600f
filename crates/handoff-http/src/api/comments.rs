//! `/api/v1/requests/{id}/comments`: public replies and internal notes. Internal notes
//! are written and read only by those who work the request.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use handoff_app::comments::NewComment;
use handoff_domain::FieldErrors;
use handoff_domain::access::Actor;
use handoff_domain::request::Status;
use handoff_store::comments::{self, Comment};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::requests::visible;
use super::{DEFAULT_LIMIT, MAX_LIMIT, Page, id_page, time};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, QueryMap};

#[derive(Serialize, ToSchema)]
pub struct CommentJson {
    pub id: i64,
    pub request_id: i64,
    pub author_id: i64,
    pub body: String,
    pub internal: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl From<Comment> for CommentJson {
    fn from(c: Comment) -> Self {
        Self {
            id: c.id,
            request_id: c.request_id,
            author_id: c.author_id,
            body: c.body,
            internal: c.internal,
            created_at: time(c.created_at),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateComment {
    pub body: String,
    /// An internal note, never shown to the requester's side.
    #[serde(default)]
    pub internal: bool,
}

/// A new comment, and the request's status when a requester's reply reopened it.
#[derive(Serialize, ToSchema)]
pub struct CreatedComment {
    #[serde(flatten)]
    pub comment: CommentJson,
    pub request_status: Option<Status>,
}

#[utoipa::path(post, path = "/api/v1/requests/{id}/comments",
    params(("id" = i64, Path)), tag = "requests", request_body = CreateComment,
    responses((status = 201, body = CreatedComment), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CreateComment>,
) -> Result<(StatusCode, Json<CreatedComment>), ApiError> {
    let (comment, status) = post(&state, &actor, id, body).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedComment {
            comment: comment.into(),
            request_status: status,
        }),
    ))
}

/// Posts a reply or internal note on request `id` as `actor`; the request's new status
/// when the reply moved it. Shared by the API and the pages.
pub async fn post(
    state: &AppState,
    actor: &Actor,
    id: i64,
    body: CreateComment,
) -> Result<(Comment, Option<Status>), ApiError> {
    let new = NewComment {
        body: body.body,
        internal: body.internal,
    };
    let done = handoff_app::comments::post(&state.app, actor, id, new).await?;
    Ok((done.comment, done.request_status))
}

#[utoipa::path(get, path = "/api/v1/requests/{id}/comments", tag = "requests",
    params(("id" = i64, Path), ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = Page<CommentJson>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    query: QueryMap,
) -> Result<Json<Page<CommentJson>>, ApiError> {
    query.only(&["cursor", "limit"])?;
    let mut errors = FieldErrors::new();
    let limit = query.limit(&mut errors, DEFAULT_LIMIT, MAX_LIMIT);
    let after = query.id_cursor(&mut errors);
    errors.into_result(()).map_err(ApiError::invalid)?;
    let (request, relation) = visible(&state, &actor, id).await?;
    let facts = request.facts(relation);
    let internal = actor.can_see_internal(&facts);
    let until = actor.sees_until(&facts);
    let rows = comments::list(&state.app.db, id, internal, until, after, limit).await?;
    Ok(Json(id_page(rows, limit, |c| c.id, CommentJson::from)))
}

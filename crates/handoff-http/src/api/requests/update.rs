//! `PATCH /api/v1/requests/{id}`: status, assignee, priority, subject, description.

use axum::Json;
use axum::extract::State;
use handoff_domain::FieldErrors;
use handoff_domain::access::{Actor, Denied};
use handoff_domain::request::{BODY_MAX, Priority, SUBJECT_MAX, Status};
use handoff_domain::validation::{optional_text, text};
use handoff_store::people;
use handoff_store::requests::{self, Request, RequestChanges};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{RequestJson, visible};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, nullable};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    pub status: Option<Status>,
    /// A member of the providing department, or `null` to unassign.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub assignee_id: Option<Option<i64>>,
    pub priority: Option<Priority>,
    pub subject: Option<String>,
    pub description: Option<String>,
}

#[utoipa::path(patch, path = "/api/v1/requests/{id}",
    params(("id" = i64, Path)), tag = "requests", request_body = UpdateRequest,
    responses((status = 200, body = RequestJson),
              (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "Illegal status move; the message names the allowed ones"),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<UpdateRequest>,
) -> Result<Json<RequestJson>, ApiError> {
    let updated = apply(&state, &actor, id, body).await?;
    Ok(Json(updated.try_into()?))
}

/// Applies `body` to request `id` as `actor`; shared by the API and the pages.
pub async fn apply(
    state: &AppState,
    actor: &Actor,
    id: i64,
    body: UpdateRequest,
) -> Result<Request, ApiError> {
    let (current, watching) = visible(state, actor, id).await?;
    let mut errors = FieldErrors::new();
    let subject = body
        .subject
        .as_deref()
        .map(|s| text(&mut errors, "subject", s, SUBJECT_MAX));
    let description = body
        .description
        .as_deref()
        .map(|d| optional_text(&mut errors, "description", d, BODY_MAX));
    if let Some(Some(assignee)) = body.assignee_id {
        let members =
            people::active_among(&state.db, &[assignee], Some(current.provider_department_id))
                .await?;
        if members.is_empty() {
            errors.add(
                "assignee_id",
                "must be an active member of the providing department",
            );
        }
    }
    errors.into_result(()).map_err(ApiError::invalid)?;
    let changes = RequestChanges {
        status: body.status,
        assignee_id: body.assignee_id,
        priority: body.priority,
        subject,
        description,
    };
    let time = state
        .calendars
        .timekeeping(state, current.provider_department_id)
        .await?;
    requests::update(
        &state.db,
        id,
        actor.person_id,
        state.clock.now(),
        &time,
        |fresh| {
            let facts = fresh.facts(watching);
            let only_status = changes.assignee_id.is_none()
                && changes.priority.is_none()
                && changes.subject.is_none()
                && changes.description.is_none();
            // Those who do not work the request may only move its status (close, reopen).
            let status_only = only_status && changes.status.is_some();
            if !(actor.can_work(&facts) || status_only) {
                return Err(ApiError::forbidden(Denied::NotProvider.to_string()));
            }
            if let Some(to) = changes.status {
                let from = fresh.status()?;
                // Moving to the status it has is a no-op, so that retries are harmless.
                if from != to {
                    from.check_move(to).map_err(|illegal| ApiError::Conflict {
                        code: "illegal_transition",
                        message: illegal.to_string(),
                        fields: FieldErrors::single("status", illegal.to_string()),
                    })?;
                    actor
                        .may_move(&facts, from, to)
                        .map_err(|d| ApiError::forbidden(d.to_string()))?;
                }
            }
            Ok(changes)
        },
    )
    .await?
}

//! `GET /api/v1/notifications`: what Handoff has told the caller, newest first.

use axum::Json;
use axum::extract::State;
use handoff_domain::FieldErrors;
use handoff_store::notifications::{self, Notification};
use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

use super::{DEFAULT_LIMIT, MAX_LIMIT, Page, id_page, time};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::QueryMap;

#[derive(Serialize, ToSchema)]
pub struct NotificationJson {
    pub id: i64,
    pub request_id: Option<i64>,
    /// The deliverable and occurrence a `deliverable_warning` or `deliverable_late` is about.
    pub deliverable_id: Option<i64>,
    pub occurrence_id: Option<i64>,
    /// `sla_warning`, `sla_breach`, `sla_escalation`, `rating_ask`, `low_rating`, `kudos`,
    /// `concern`, `concern_warning`, `concern_escalation`, `pulse`, `dependency`,
    /// `deliverable_warning`, `deliverable_late`, `deliverable_problem`.
    pub kind: String,
    pub message: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub read_at: Option<Timestamp>,
}

impl From<Notification> for NotificationJson {
    fn from(n: Notification) -> Self {
        Self {
            id: n.id,
            request_id: n.request_id,
            deliverable_id: n.deliverable_id,
            occurrence_id: n.occurrence_id,
            kind: n.kind,
            message: n.message,
            created_at: time(n.created_at),
            read_at: n.read_at.map(time),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    params(("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = Page<NotificationJson>)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    query: QueryMap,
) -> Result<Json<Page<NotificationJson>>, ApiError> {
    query.only(&["cursor", "limit"])?;
    let mut errors = FieldErrors::new();
    let limit = query.limit(&mut errors, DEFAULT_LIMIT, MAX_LIMIT);
    let before = query.id_cursor(&mut errors);
    errors.into_result(()).map_err(ApiError::invalid)?;
    let rows = notifications::of_person(&state.app.db, actor.person_id, before, limit).await?;
    Ok(Json(id_page(rows, limit, |n| n.id, NotificationJson::from)))
}

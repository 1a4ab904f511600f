//! `GET /api/v1/requests/{id}/history`: every change, oldest first. Entries about
//! internal notes are left out for those who may not read them.

use axum::Json;
use axum::extract::State;
use handoff_domain::FieldErrors;
use handoff_store::history::{self, Entry};
use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

use super::requests::visible;
use super::{MAX_LIMIT, Page, id_page, time};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiPath, QueryMap};

#[derive(Serialize, ToSchema)]
pub struct HistoryJson {
    pub id: i64,
    /// Who made the change; `null` for Handoff itself.
    pub actor_id: Option<i64>,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// What happened, e.g. `status_changed`, `assigned`, `replied`, `clock_paused`,
    /// `sla_breached`, `warning_missed`.
    pub kind: String,
    /// The event's details, by kind (`{"from": "open", "to": "resolved"}`, ...).
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// The same as a change of one field, as this API has always shown it: `status`,
    /// `assignee_id`, `priority`, `subject`, `description`, `reply`, `internal_note`,
    /// `watchers`, `sla.<target>`.
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

impl From<Entry> for HistoryJson {
    fn from(e: Entry) -> Self {
        let (field, old_value, new_value) = e.event.as_field_change();
        Self {
            id: e.id,
            actor_id: e.actor_id,
            at: time(e.at),
            kind: e.event.kind().to_owned(),
            data: e.event.payload(),
            field,
            old_value,
            new_value,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/requests/{id}/history", tag = "requests",
    params(("id" = i64, Path), ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = Page<HistoryJson>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    query: QueryMap,
) -> Result<Json<Page<HistoryJson>>, ApiError> {
    query.only(&["cursor", "limit"])?;
    let mut errors = FieldErrors::new();
    let limit = query.limit(&mut errors, MAX_LIMIT, MAX_LIMIT);
    let after = query.id_cursor(&mut errors);
    errors.into_result(()).map_err(ApiError::invalid)?;
    let (request, relation) = visible(&state, &actor, id).await?;
    let facts = request.facts(relation);
    let internal = actor.can_see_internal(&facts);
    let until = actor.sees_until(&facts);
    let rows = history::list(&state.app.db, id, internal, until, after, limit).await?;
    Ok(Json(id_page(rows, limit, |e| e.id, HistoryJson::from)))
}

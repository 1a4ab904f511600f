//! `/api/v1/requests`: filing, listing, reading and working requests.

mod bulk;
mod create;
pub mod export;
mod get;
mod list;
mod update;

pub use bulk::*;
pub use create::*;
pub use get::*;
pub use list::*;
pub use update::*;

use handoff_domain::access::Actor;
use handoff_domain::request::{Priority, Status};
use handoff_store::requests::{Relation, Request};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::time;
use crate::AppState;
use crate::error::ApiError;

#[derive(Serialize, ToSchema)]
pub struct RequestJson {
    pub id: i64,
    pub service_id: i64,
    /// The department that serves the request.
    pub provider_department_id: i64,
    pub requester_id: i64,
    /// The internal customer.
    pub requester_department_id: i64,
    pub confidential: bool,
    pub subject: String,
    pub description: String,
    pub priority: Priority,
    pub status: Status,
    pub assignee_id: Option<i64>,
    /// The form's values, by field key.
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub resolved_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<Timestamp>,
    /// How many times it was passed to another department.
    pub transfers: i32,
    /// Transferred back to a department that held it before, or three times or more.
    pub ping_pong: bool,
}

impl TryFrom<Request> for RequestJson {
    type Error = ApiError;

    fn try_from(r: Request) -> Result<Self, ApiError> {
        Ok(Self {
            priority: r.priority()?,
            status: r.status()?,
            fields: r.field_values()?,
            id: r.id,
            service_id: r.service_id,
            provider_department_id: r.provider_department_id,
            requester_id: r.requester_id,
            requester_department_id: r.requester_department_id,
            confidential: r.confidential,
            subject: r.subject,
            description: r.description,
            assignee_id: r.assignee_id,
            created_at: time(r.created_at),
            updated_at: time(r.updated_at),
            resolved_at: r.resolved_at.map(time),
            closed_at: r.closed_at.map(time),
            transfers: r.transfers,
            ping_pong: r.ping_pong,
        })
    }
}

/// The request, if the actor may see it; otherwise 404 whether or not it exists.
pub(crate) async fn visible(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<(Request, Relation), ApiError> {
    Ok(handoff_app::requests::visible(&state.app, actor, id).await?)
}

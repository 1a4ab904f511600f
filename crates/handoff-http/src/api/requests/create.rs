//! `POST /api/v1/requests`: an employee files a request to a service.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use handoff_app::requests::FileRequest;
use handoff_domain::access::Actor;
use handoff_domain::request::Priority;
use handoff_store::requests::Request;
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::RequestJson;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest {
    pub service_id: i64,
    pub subject: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub priority: Priority,
    /// Values for the service's form, by field key.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
}

#[utoipa::path(post, path = "/api/v1/requests", tag = "requests", request_body = CreateRequest,
    responses((status = 201, body = RequestJson), (status = 422, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<CreateRequest>,
) -> Result<(StatusCode, Json<RequestJson>), ApiError> {
    let request = file(&state, &actor, body).await?;
    Ok((StatusCode::CREATED, Json(request.try_into()?)))
}

/// Files a request for `actor`, starting its SLA clocks; shared by the API and the pages.
pub async fn file(
    state: &AppState,
    actor: &Actor,
    body: CreateRequest,
) -> Result<Request, ApiError> {
    Ok(handoff_app::requests::file(&state.app, actor, body.into()).await?)
}

impl From<CreateRequest> for FileRequest {
    fn from(body: CreateRequest) -> Self {
        FileRequest {
            service_id: body.service_id,
            subject: body.subject,
            description: body.description,
            priority: body.priority,
            fields: body.fields,
        }
    }
}

//! `POST /api/v1/requests`: an employee files a request to a service.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use handoff_domain::FieldErrors;
use handoff_domain::access::Actor;
use handoff_domain::form::check_values;
use handoff_domain::request::{BODY_MAX, Priority, SUBJECT_MAX};
use handoff_domain::validation::{optional_text, text};
use handoff_store::requests::{self, NewRequest, Request};
use handoff_store::slas::ClockWrite;
use handoff_store::{StoreError, people, services, sla_policies};
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
    let service = match services::get(&state.db, body.service_id).await {
        Ok(service) if service.active => service,
        Ok(_) | Err(StoreError::NotFound) => {
            return Err(ApiError::field(
                "service_id",
                "no such service in the catalog",
            ));
        }
        Err(other) => return Err(other.into()),
    };
    if !service.open_to(actor.department_id) {
        return Err(ApiError::forbidden(
            "this service takes requests from listed departments only, and yours is not one of them",
        ));
    }
    let mut errors = FieldErrors::new();
    let subject = text(&mut errors, "subject", &body.subject, SUBJECT_MAX);
    let description = optional_text(&mut errors, "description", &body.description, BODY_MAX);
    let fields = match check_values("fields", &service.fields, &body.fields) {
        Ok(checked) => {
            let ids: Vec<i64> = checked.people.iter().map(|(_, id)| *id).collect();
            let active = people::active_among(&state.db, &ids, None).await?;
            for (path, id) in &checked.people {
                if !active.contains(id) {
                    errors.add(path.clone(), "no active person has this id");
                }
            }
            checked.values
        }
        Err(form_errors) => {
            for (field, reason) in form_errors.iter() {
                errors.add(field, reason);
            }
            Map::new()
        }
    };
    errors.into_result(()).map_err(ApiError::invalid)?;
    let new = NewRequest {
        service_id: service.id,
        provider_department_id: service.department_id,
        requester_id: actor.person_id,
        requester_department_id: actor.department_id,
        subject: &subject,
        description: &description,
        priority: body.priority,
        fields: &fields,
    };
    let now = state.clock.now();
    let policies = sla_policies::of_service(&state.db, service.id).await?;
    let clocks = match sla_policies::applicable(&policies, body.priority) {
        Some(policy) => {
            let time = state
                .calendars
                .timekeeping(state, service.department_id)
                .await?;
            ClockWrite::start(policy, now, &time)?
        }
        None => ClockWrite::default(),
    };
    Ok(requests::create(&state.db, &new, &clocks, now).await?)
}

//! `/api/v1/services/{id}/sla`: a service's SLA policies, one per priority or one for
//! all. Everyone reads them; whoever manages the service sets them.

use axum::Json;
use axum::extract::State;
use handoff_domain::access::Actor;
use handoff_domain::request::Priority;
use handoff_domain::sla::{DEFAULT_WARNINGS, Policy};
use handoff_store::services;
use handoff_store::sla_policies::{self, ServicePolicy};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, or_404};
use crate::extract::{ApiJson, ApiPath};

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyJson {
    /// The priority it covers; `null` for every priority without a policy of its own.
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Business minutes until the first public answer.
    #[serde(default)]
    pub first_response_minutes: Option<i64>,
    /// Business minutes until resolution.
    #[serde(default)]
    pub resolution_minutes: Option<i64>,
    /// Business minutes between public updates.
    #[serde(default)]
    pub next_update_minutes: Option<i64>,
    /// Count all elapsed time instead of the providing department's working hours.
    #[serde(default)]
    pub calendar_time: bool,
    /// Percentages of a target at which warnings fire.
    #[serde(default = "default_warnings")]
    pub warn_at: Vec<u8>,
}

fn default_warnings() -> Vec<u8> {
    DEFAULT_WARNINGS.to_vec()
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoliciesJson {
    pub policies: Vec<PolicyJson>,
}

impl From<ServicePolicy> for PolicyJson {
    fn from(p: ServicePolicy) -> Self {
        Self {
            priority: p.priority,
            first_response_minutes: p.policy.first_response_minutes,
            resolution_minutes: p.policy.resolution_minutes,
            next_update_minutes: p.policy.next_update_minutes,
            calendar_time: p.policy.calendar_time,
            warn_at: p.policy.warn_at,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/services/{id}/sla", tag = "services",
    params(("id" = i64, Path)),
    responses((status = 200, body = PoliciesJson), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PoliciesJson>, ApiError> {
    services::get(&state.app.db, id)
        .await
        .map_err(or_404("service"))?;
    let policies = sla_policies::of_service(&state.app.db, id).await?;
    Ok(Json(PoliciesJson {
        policies: policies.into_iter().map(PolicyJson::from).collect(),
    }))
}

#[utoipa::path(put, path = "/api/v1/services/{id}/sla", tag = "services", request_body = PoliciesJson,
    params(("id" = i64, Path)),
    responses((status = 200, body = PoliciesJson), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PoliciesJson>,
) -> Result<Json<PoliciesJson>, ApiError> {
    let policies = replace(&state, &caller.0, id, body.policies).await?;
    Ok(Json(PoliciesJson {
        policies: policies.into_iter().map(PolicyJson::from).collect(),
    }))
}

/// Replaces a service's policies as `actor`; its open requests' clocks follow (through a
/// recompute job queued with the change). Shared by the API and the pages.
pub async fn replace(
    state: &AppState,
    actor: &Actor,
    id: i64,
    body: Vec<PolicyJson>,
) -> Result<Vec<ServicePolicy>, ApiError> {
    let policies = body
        .into_iter()
        .map(|p| ServicePolicy {
            priority: p.priority,
            policy: Policy {
                first_response_minutes: p.first_response_minutes,
                resolution_minutes: p.resolution_minutes,
                next_update_minutes: p.next_update_minutes,
                calendar_time: p.calendar_time,
                warn_at: p.warn_at,
            },
        })
        .collect();
    Ok(handoff_app::sla::replace_policies(&state.app, actor, id, policies).await?)
}

//! `/api/v1/dependencies`: who relies on whom for what, agreed by both sides; and
//! `/api/v1/people/{id}/internal-customers`, a person's view of it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use handoff_app::dependencies::{Change, Terms};
use handoff_app::internal_customers::{InternalCustomers, Relation};
use handoff_domain::FieldErrors;
use handoff_domain::dependency::{Criticality, DependencyState};
use handoff_store::dependencies::{Dependency, DependencyFilter};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::deliverables::OwedJson;
use super::{DEFAULT_LIMIT, MAX_LIMIT, Page, id_page, time};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, QueryMap};

#[derive(Serialize, ToSchema)]
pub struct DependencyJson {
    pub id: i64,
    /// The department that relies on the other.
    pub customer_department_id: i64,
    /// The department relied upon.
    pub provider_department_id: i64,
    /// What the customer depends on, e.g. "approved discount quotes".
    pub what: String,
    /// `low`, `medium`, `high` or `critical`.
    pub criticality: String,
    pub customer_owner_id: i64,
    pub provider_owner_id: i64,
    /// What is expected, in plain words.
    pub expectation: String,
    /// The provider's services that fulfil it.
    pub service_ids: Vec<i64>,
    /// `proposed`, `agreed` (by the provider) or `retired`.
    pub state: String,
    pub proposed_by: i64,
    #[schema(value_type = String, format = DateTime)]
    pub proposed_at: Timestamp,
    pub agreed_by: Option<i64>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub agreed_at: Option<Timestamp>,
    pub retired_by: Option<i64>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub retired_at: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl From<Dependency> for DependencyJson {
    fn from(d: Dependency) -> Self {
        DependencyJson {
            id: d.id,
            customer_department_id: d.customer_department_id,
            provider_department_id: d.provider_department_id,
            what: d.what,
            criticality: d.criticality,
            customer_owner_id: d.customer_owner_id,
            provider_owner_id: d.provider_owner_id,
            expectation: d.expectation,
            service_ids: d.service_ids,
            state: d.state,
            proposed_by: d.proposed_by,
            proposed_at: time(d.proposed_at),
            agreed_by: d.agreed_by,
            agreed_at: d.agreed_at.map(time),
            retired_by: d.retired_by,
            retired_at: d.retired_at.map(time),
            updated_at: time(d.updated_at),
        }
    }
}

/// The terms of a dependency. All are required to propose one; a change names only what
/// changes (the departments never do).
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct DependencyBody {
    pub customer_department_id: Option<i64>,
    pub provider_department_id: Option<i64>,
    pub what: Option<String>,
    /// `low`, `medium`, `high` or `critical`.
    pub criticality: Option<String>,
    /// A member of the customer department.
    pub customer_owner_id: Option<i64>,
    /// A member of the provider department.
    pub provider_owner_id: Option<i64>,
    pub expectation: Option<String>,
    /// Services of the provider department.
    pub service_ids: Option<Vec<i64>>,
}

impl From<DependencyBody> for Terms {
    fn from(b: DependencyBody) -> Self {
        Terms {
            customer_department_id: b.customer_department_id,
            provider_department_id: b.provider_department_id,
            what: b.what,
            criticality: b.criticality,
            customer_owner_id: b.customer_owner_id,
            provider_owner_id: b.provider_owner_id,
            expectation: b.expectation,
            service_ids: b.service_ids,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/dependencies", tag = "dependencies",
    request_body = DependencyBody,
    responses((status = 201, body = DependencyJson), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn propose(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<DependencyBody>,
) -> Result<(StatusCode, Json<DependencyJson>), ApiError> {
    let d = handoff_app::dependencies::propose(&state.app, &actor, body.into()).await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

#[utoipa::path(get, path = "/api/v1/dependencies", tag = "dependencies",
    params(("customer_department_id" = Option<i64>, Query),
           ("provider_department_id" = Option<i64>, Query),
           ("department_id" = Option<i64>, Query, description = "either side"),
           ("criticality" = Option<String>, Query), ("state" = Option<String>, Query),
           ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = Page<DependencyJson>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    _caller: Caller,
    query: QueryMap,
) -> Result<Json<Page<DependencyJson>>, ApiError> {
    query.only(&[
        "customer_department_id",
        "provider_department_id",
        "department_id",
        "criticality",
        "state",
        "cursor",
        "limit",
    ])?;
    let mut errors = FieldErrors::new();
    let criticality = query.get("criticality").map(|c| {
        Criticality::parse(c)
            .map(|c| c.as_str().to_owned())
            .unwrap_or_else(|| {
                errors.add("criticality", "must be one of low, medium, high, critical");
                String::new()
            })
    });
    let dependency_state = query.get("state").map(|s| {
        DependencyState::parse(s)
            .map(|s| s.as_str().to_owned())
            .unwrap_or_else(|| {
                errors.add("state", "must be one of proposed, agreed, retired");
                String::new()
            })
    });
    let filter = DependencyFilter {
        customer_department_id: query.id(&mut errors, "customer_department_id"),
        provider_department_id: query.id(&mut errors, "provider_department_id"),
        department_id: query.id(&mut errors, "department_id"),
        criticality,
        state: dependency_state,
    };
    let limit = query.limit(&mut errors, DEFAULT_LIMIT, MAX_LIMIT);
    let after = query.id_cursor(&mut errors);
    errors.into_result(()).map_err(ApiError::invalid)?;
    let rows = handoff_app::dependencies::list(&state.app, &filter, after, limit).await?;
    Ok(Json(id_page(rows, limit, |d| d.id, DependencyJson::from)))
}

#[utoipa::path(get, path = "/api/v1/dependencies/{id}", tag = "dependencies",
    params(("id" = i64, Path)),
    responses((status = 200, body = DependencyJson), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DependencyJson>, ApiError> {
    Ok(Json(
        handoff_app::dependencies::get(&state.app, id).await?.into(),
    ))
}

#[utoipa::path(patch, path = "/api/v1/dependencies/{id}", tag = "dependencies",
    params(("id" = i64, Path)), request_body = DependencyBody,
    responses((status = 200, body = DependencyJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn amend(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DependencyBody>,
) -> Result<Json<DependencyJson>, ApiError> {
    let change = Change::Amend(body.into());
    Ok(Json(
        handoff_app::dependencies::change(&state.app, &actor, id, change)
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/dependencies/{id}/agree", tag = "dependencies",
    params(("id" = i64, Path)),
    responses((status = 200, body = DependencyJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn agree(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DependencyJson>, ApiError> {
    Ok(Json(
        handoff_app::dependencies::change(&state.app, &actor, id, Change::Agree)
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/dependencies/{id}/retire", tag = "dependencies",
    params(("id" = i64, Path)),
    responses((status = 200, body = DependencyJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn retire(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DependencyJson>, ApiError> {
    Ok(Json(
        handoff_app::dependencies::change(&state.app, &actor, id, Change::Retire)
            .await?
            .into(),
    ))
}

/// One dependency seen from the person's side.
#[derive(Serialize, ToSchema)]
pub struct RelationJson {
    /// The department on the other side.
    pub department_id: i64,
    pub dependency_id: i64,
    pub what: String,
    pub criticality: String,
    pub expectation: String,
    /// `proposed` or `agreed`.
    pub state: String,
    pub customer_owner_id: i64,
    pub provider_owner_id: i64,
    /// Whether the person is the owner on their side.
    pub personal: bool,
    /// What the provider owes the customer next, per deliverable between them.
    pub owed: Vec<OwedJson>,
    /// Open requests (not confidential) the customer filed with the provider.
    pub open_requests: i64,
}

impl From<Relation> for RelationJson {
    fn from(r: Relation) -> Self {
        RelationJson {
            department_id: r.department_id,
            dependency_id: r.dependency.id,
            what: r.dependency.what,
            criticality: r.dependency.criticality,
            expectation: r.dependency.expectation,
            state: r.dependency.state,
            customer_owner_id: r.dependency.customer_owner_id,
            provider_owner_id: r.dependency.provider_owner_id,
            personal: r.personal,
            owed: r.owed.into_iter().map(OwedJson::from).collect(),
            open_requests: r.open_requests,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct InternalCustomersJson {
    pub person_id: i64,
    pub department_id: i64,
    /// Who depends on the person's department or on them, most critical first.
    pub customers: Vec<RelationJson>,
    /// Whom the person's department or they depend on.
    pub providers: Vec<RelationJson>,
}

impl From<InternalCustomers> for InternalCustomersJson {
    fn from(i: InternalCustomers) -> Self {
        InternalCustomersJson {
            person_id: i.person_id,
            department_id: i.department_id,
            customers: i.customers.into_iter().map(RelationJson::from).collect(),
            providers: i.providers.into_iter().map(RelationJson::from).collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/people/{id}/internal-customers", tag = "dependencies",
    params(("id" = i64, Path)),
    responses((status = 200, body = InternalCustomersJson), (status = 404, body = crate::error::ErrorBody)))]
pub async fn internal_customers(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<InternalCustomersJson>, ApiError> {
    let found = handoff_app::internal_customers::of_person(&state.app, id).await?;
    Ok(Json(found.into()))
}

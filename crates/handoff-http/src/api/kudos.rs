//! `/api/v1/kudos` and `/api/v1/stories`: thanks from a person to a person or a whole
//! department, tagged with one of the organisation's values, and the ones managers
//! featured as success stories.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use handoff_app::kudos::{GiveKudos, Thanked};
use handoff_domain::FieldErrors;
use handoff_store::kudos::{Kudos, KudosFilter};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DEFAULT_LIMIT, MAX_LIMIT, Page, id_page, time};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, QueryMap};

#[derive(Serialize, ToSchema)]
pub struct KudosJson {
    pub id: i64,
    pub from_person_id: i64,
    pub from_department_id: i64,
    /// `null` when a whole department is thanked.
    pub to_person_id: Option<i64>,
    /// The department thanked, or the thanked person's department.
    pub to_department_id: i64,
    /// Between two departments: shown highlighted in the feed.
    pub cross_department: bool,
    pub value: String,
    pub message: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// The success story, when a manager featured it.
    pub story: Option<String>,
    pub featured_by: Option<i64>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub featured_at: Option<Timestamp>,
}

impl From<Kudos> for KudosJson {
    fn from(k: Kudos) -> Self {
        KudosJson {
            id: k.id,
            from_person_id: k.from_person_id,
            from_department_id: k.from_department_id,
            to_person_id: k.to_person_id,
            to_department_id: k.to_department_id,
            cross_department: k.from_department_id != k.to_department_id,
            value: k.value,
            message: k.message,
            created_at: time(k.created_at),
            story: k.story,
            featured_by: k.featured_by,
            featured_at: k.featured_at.map(time),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GiveKudosBody {
    /// A person, or (instead) a whole department.
    pub to_person_id: Option<i64>,
    pub to_department_id: Option<i64>,
    /// One of the organisation's values (`GET /api/v1/settings`).
    pub value: String,
    pub message: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeatureBody {
    /// A few lines on how the departments worked well together.
    pub story: String,
}

#[utoipa::path(post, path = "/api/v1/kudos", tag = "feedback", request_body = GiveKudosBody,
    responses((status = 201, body = KudosJson), (status = 422, body = crate::error::ErrorBody)))]
pub async fn give(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<GiveKudosBody>,
) -> Result<(StatusCode, Json<KudosJson>), ApiError> {
    let to = match (body.to_person_id, body.to_department_id) {
        (Some(_), Some(_)) => {
            return Err(ApiError::field(
                "to_department_id",
                "thank a person or a department, not both",
            ));
        }
        (Some(person), None) => Some(Thanked::Person(person)),
        (None, Some(department)) => Some(Thanked::Department(department)),
        (None, None) => None,
    };
    let command = GiveKudos {
        to,
        value: body.value,
        message: body.message,
    };
    let kudos = handoff_app::kudos::give(&state.app, &actor, command).await?;
    Ok((StatusCode::CREATED, Json(kudos.into())))
}

#[utoipa::path(get, path = "/api/v1/kudos", tag = "feedback",
    params(("to_department_id" = Option<i64>, Query), ("to_person_id" = Option<i64>, Query),
           ("from_department_id" = Option<i64>, Query),
           ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = Page<KudosJson>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    _caller: Caller,
    query: QueryMap,
) -> Result<Json<Page<KudosJson>>, ApiError> {
    query.only(&[
        "to_department_id",
        "to_person_id",
        "from_department_id",
        "cursor",
        "limit",
    ])?;
    let mut errors = FieldErrors::new();
    let filter = KudosFilter {
        to_department_id: query.id(&mut errors, "to_department_id"),
        to_person_id: query.id(&mut errors, "to_person_id"),
        from_department_id: query.id(&mut errors, "from_department_id"),
        ..KudosFilter::default()
    };
    page(&state, query, errors, filter).await
}

async fn page(
    state: &AppState,
    query: QueryMap,
    mut errors: FieldErrors,
    filter: KudosFilter,
) -> Result<Json<Page<KudosJson>>, ApiError> {
    let limit = query.limit(&mut errors, DEFAULT_LIMIT, MAX_LIMIT);
    let before = query.id_cursor(&mut errors);
    errors.into_result(()).map_err(ApiError::invalid)?;
    let rows = handoff_app::kudos::list(&state.app, &filter, before, limit).await?;
    Ok(Json(id_page(rows, limit, |k| k.id, KudosJson::from)))
}

#[utoipa::path(post, path = "/api/v1/kudos/{id}/feature", tag = "feedback",
    params(("id" = i64, Path)), request_body = FeatureBody,
    responses((status = 200, body = KudosJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn feature(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<FeatureBody>,
) -> Result<Json<KudosJson>, ApiError> {
    let kudos = handoff_app::kudos::feature(&state.app, &actor, id, &body.story).await?;
    Ok(Json(kudos.into()))
}

#[utoipa::path(get, path = "/api/v1/stories", tag = "feedback",
    params(("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = Page<KudosJson>)))]
pub async fn stories(
    State(state): State<AppState>,
    _caller: Caller,
    query: QueryMap,
) -> Result<Json<Page<KudosJson>>, ApiError> {
    query.only(&["cursor", "limit"])?;
    let filter = KudosFilter {
        stories: true,
        ..KudosFilter::default()
    };
    page(&state, query, FieldErrors::new(), filter).await
}

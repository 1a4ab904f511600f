//! `/api/v1/people`: employees. Everyone reads the directory; admins manage it. People
//! are deactivated, not deleted, while anything refers to them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use handoff_app::org::{self, PersonChanges, PersonDraft};
use handoff_domain::FieldErrors;
use handoff_domain::org::Role;
use handoff_store::StoreError;
use handoff_store::people::{self, PeopleFilter, Person};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DEFAULT_LIMIT, MAX_LIMIT, Page, id_page, time};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, or_404};
use crate::extract::{ApiJson, ApiPath, QueryMap};

#[derive(Serialize, ToSchema)]
pub struct PersonJson {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub department_id: i64,
    pub role: Role,
    pub active: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl TryFrom<Person> for PersonJson {
    type Error = ApiError;

    fn try_from(p: Person) -> Result<Self, ApiError> {
        Ok(Self {
            role: p.role()?,
            id: p.id,
            name: p.name,
            email: p.email,
            department_id: p.department_id,
            active: p.active,
            created_at: time(p.created_at),
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePerson {
    pub name: String,
    /// Unique, ignoring case.
    pub email: String,
    pub department_id: i64,
    pub role: Role,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePerson {
    pub name: Option<String>,
    pub email: Option<String>,
    pub department_id: Option<i64>,
    pub role: Option<Role>,
    /// `false` deactivates: the person keeps their history but can no longer sign in,
    /// use tokens or be assigned.
    pub active: Option<bool>,
}

fn admin_only(caller: &Caller) -> Result<(), ApiError> {
    if caller.0.is_admin() {
        Ok(())
    } else {
        Err(ApiError::forbidden("only an administrator manages people"))
    }
}

#[utoipa::path(post, path = "/api/v1/people", tag = "people", request_body = CreatePerson,
    responses((status = 201, body = PersonJson), (status = 422, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreatePerson>,
) -> Result<(StatusCode, Json<PersonJson>), ApiError> {
    let draft = PersonDraft {
        name: &body.name,
        email: &body.email,
        department_id: body.department_id,
        role: body.role,
    };
    let person = org::create_person(&state.app, &caller.0, &draft).await?;
    Ok((StatusCode::CREATED, Json(person.try_into()?)))
}

#[utoipa::path(get, path = "/api/v1/people", tag = "people",
    params(("department_id" = Option<i64>, Query), ("active" = Option<bool>, Query),
           ("q" = Option<String>, Query, description = "Start of the name or e-mail"),
           ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = Page<PersonJson>)))]
pub async fn list(
    State(state): State<AppState>,
    _caller: Caller,
    query: QueryMap,
) -> Result<Json<Page<PersonJson>>, ApiError> {
    query.only(&["department_id", "active", "q", "cursor", "limit"])?;
    let mut errors = FieldErrors::new();
    let filter = PeopleFilter {
        department_id: query.id(&mut errors, "department_id"),
        active: query.bool(&mut errors, "active"),
        q: query.get("q").map(str::to_owned),
    };
    let limit = query.limit(&mut errors, DEFAULT_LIMIT, MAX_LIMIT);
    let after = query.id_cursor(&mut errors);
    errors.into_result(()).map_err(ApiError::invalid)?;
    let rows = people::list(&state.app.db, &filter, after, limit).await?;
    let page = id_page(rows, limit, |p| p.id, PersonJson::try_from);
    let items = page.items.into_iter().collect::<Result<_, _>>()?;
    Ok(Json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

#[utoipa::path(get, path = "/api/v1/people/{id}",
    params(("id" = i64, Path)), tag = "people",
    responses((status = 200, body = PersonJson), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PersonJson>, ApiError> {
    let person = people::get(&state.app.db, id)
        .await
        .map_err(or_404("person"))?;
    Ok(Json(person.try_into()?))
}

#[utoipa::path(patch, path = "/api/v1/people/{id}",
    params(("id" = i64, Path)), tag = "people", request_body = UpdatePerson,
    responses((status = 200, body = PersonJson), (status = 404, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<UpdatePerson>,
) -> Result<Json<PersonJson>, ApiError> {
    let edit = PersonChanges {
        name: body.name.as_deref(),
        email: body.email.as_deref(),
        department_id: body.department_id,
        role: body.role,
        active: body.active,
    };
    let person = org::change_person(&state.app, &caller.0, id, &edit).await?;
    // Role, department or activity may have changed: who a token stands for, too.
    state.tokens.clear();
    Ok(Json(person.try_into()?))
}

#[utoipa::path(delete, path = "/api/v1/people/{id}",
    params(("id" = i64, Path)), tag = "people",
    responses((status = 204, description = "Deleted"),
              (status = 409, body = crate::error::ErrorBody, description = "Referred to: deactivate instead")))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    admin_only(&caller)?;
    match people::delete(&state.app.db, id).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(StoreError::ForeignKey) => Err(ApiError::Conflict {
            code: "in_use",
            message: "this person is referred to by requests, tokens or other records; deactivate them instead (PATCH active=false)".to_owned(),
            fields: FieldErrors::new(),
        }),
        Err(other) => Err(or_404("person")(other)),
    }
}

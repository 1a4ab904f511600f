//! `/api/v1/people`: employees. Everyone reads the directory; admins manage it. People
//! are deactivated, not deleted, while anything refers to them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use handoff_domain::FieldErrors;
use handoff_domain::org::{Role, check_email};
use handoff_domain::validation::text;
use handoff_store::people::{self, NewPerson, PeopleFilter, Person, PersonChanges};
use handoff_store::{StoreError, departments};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DEFAULT_LIMIT, MAX_LIMIT, Page, id_page, time};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, or_404, unique_as_field};
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

async fn check_department(
    state: &AppState,
    errors: &mut FieldErrors,
    id: i64,
) -> Result<(), ApiError> {
    match departments::get(&state.db, id).await {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound) => {
            errors.add("department_id", "no such department");
            Ok(())
        }
        Err(other) => Err(other.into()),
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
    admin_only(&caller)?;
    let mut errors = FieldErrors::new();
    let name = text(&mut errors, "name", &body.name, 100);
    let email = check_email(&mut errors, "email", &body.email);
    check_department(&state, &mut errors, body.department_id).await?;
    errors.into_result(()).map_err(ApiError::invalid)?;
    let new = NewPerson {
        name: &name,
        email: &email,
        department_id: body.department_id,
        role: body.role,
    };
    let person = people::create(&state.db, &new, state.clock.now())
        .await
        .map_err(|e| unique_as_field(e, "email", "is used by another person"))?;
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
    let rows = people::list(&state.db, &filter, after, limit).await?;
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
    let person = people::get(&state.db, id).await.map_err(or_404("person"))?;
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
    admin_only(&caller)?;
    people::get(&state.db, id).await.map_err(or_404("person"))?;
    let mut errors = FieldErrors::new();
    let name = body
        .name
        .as_deref()
        .map(|n| text(&mut errors, "name", n, 100));
    let email = body
        .email
        .as_deref()
        .map(|e| check_email(&mut errors, "email", e));
    if let Some(department) = body.department_id {
        check_department(&state, &mut errors, department).await?;
    }
    if id == caller.0.person_id
        && (body.active == Some(false) || body.role.is_some_and(|r| r != Role::Admin))
    {
        errors.add(
            "active",
            "an administrator cannot deactivate or demote themselves",
        );
    }
    errors.into_result(()).map_err(ApiError::invalid)?;
    let changes = PersonChanges {
        name: name.as_deref(),
        email: email.as_deref(),
        department_id: body.department_id,
        role: body.role,
        active: body.active,
    };
    let person = people::update(&state.db, id, &changes)
        .await
        .map_err(|e| unique_as_field(e, "email", "is used by another person"))?;
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
    match people::delete(&state.db, id).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(StoreError::ForeignKey) => Err(ApiError::Conflict {
            code: "in_use",
            message: "this person is referred to by requests, tokens or other records; deactivate them instead (PATCH active=false)".to_owned(),
            fields: FieldErrors::new(),
        }),
        Err(other) => Err(or_404("person")(other)),
    }
}

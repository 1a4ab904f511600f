//! `GET /api/v1/requests`: the requests the caller may see, filtered, searched, sorted and
//! paginated.

use axum::Json;
use axum::extract::State;
use handoff_domain::FieldErrors;
use handoff_domain::request::{Priority, Status};
use handoff_domain::search::terms;
use handoff_store::requests::{self, Cursor, ListFilter, Sort};
use handoff_store::to_micros;

use super::RequestJson;
use crate::AppState;
use crate::api::{DEFAULT_LIMIT, MAX_LIMIT, Page};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::QueryMap;

const PARAMS: &[&str] = &[
    "status",
    "provider_department_id",
    "requester_department_id",
    "requester_id",
    "assignee_id",
    "service_id",
    "priority",
    "created_from",
    "created_to",
    "q",
    "sort",
    "cursor",
    "limit",
];

/// Parses a comma-separated list of names.
fn names<T>(
    errors: &mut FieldErrors,
    name: &str,
    value: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    all: &str,
) -> Vec<T> {
    let Some(value) = value else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match parse(part) {
            Some(v) => out.push(v),
            None => errors.add(name, format!("`{part}` is not one of: {all}")),
        }
    }
    out
}

#[utoipa::path(get, path = "/api/v1/requests", tag = "requests",
    params(
        ("status" = Option<String>, Query, description = "Comma-separated statuses"),
        ("provider_department_id" = Option<i64>, Query),
        ("requester_department_id" = Option<i64>, Query),
        ("requester_id" = Option<i64>, Query),
        ("assignee_id" = Option<String>, Query, description = "A person id, or `none` for unassigned"),
        ("service_id" = Option<i64>, Query),
        ("priority" = Option<String>, Query, description = "Comma-separated priorities"),
        ("created_from" = Option<String>, Query, description = "RFC 3339, inclusive"),
        ("created_to" = Option<String>, Query, description = "RFC 3339, exclusive"),
        ("q" = Option<String>, Query, description = "Words to find in subject, description and comments"),
        ("sort" = Option<String>, Query, description = "created_at, -created_at, updated_at, -updated_at, priority, -priority, id, -id; default -created_at, or -id with q"),
        ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = Page<RequestJson>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    query: QueryMap,
) -> Result<Json<Page<RequestJson>>, ApiError> {
    query.only(PARAMS)?;
    let mut errors = FieldErrors::new();
    let status_names = Status::ALL.map(Status::as_str).join(", ");
    let priority_names = Priority::ALL.map(Priority::as_str).join(", ");
    let assignee_id = match query.get("assignee_id") {
        Some("none") => Some(None),
        Some(_) => query.id(&mut errors, "assignee_id").map(Some),
        None => None,
    };
    let filter = ListFilter {
        statuses: names(
            &mut errors,
            "status",
            query.get("status"),
            Status::parse,
            &status_names,
        ),
        priorities: names(
            &mut errors,
            "priority",
            query.get("priority"),
            Priority::parse,
            &priority_names,
        ),
        provider_department_id: query.id(&mut errors, "provider_department_id"),
        requester_department_id: query.id(&mut errors, "requester_department_id"),
        requester_id: query.id(&mut errors, "requester_id"),
        assignee_id,
        service_id: query.id(&mut errors, "service_id"),
        created_from: query.timestamp(&mut errors, "created_from").map(to_micros),
        created_to: query.timestamp(&mut errors, "created_to").map(to_micros),
        terms: query.get("q").map(terms).unwrap_or_default(),
    };
    if query.get("q").is_some() && filter.terms.is_empty() {
        errors.add("q", "has no words to search for");
    }
    let sort = match query.get("sort").map(Sort::parse) {
        None => Sort::default_for(&filter),
        Some(Some(sort)) => sort,
        Some(None) => {
            errors.add("sort", format!("must be one of: {}", Sort::NAMES));
            Sort::default_for(&filter)
        }
    };
    let cursor = match query.get("cursor") {
        None => None,
        Some(c) => match Cursor::decode(c) {
            Some(cursor) => Some(cursor),
            None => {
                errors.add("cursor", "is not a cursor this list handed out");
                None
            }
        },
    };
    let limit = query.limit(&mut errors, DEFAULT_LIMIT, MAX_LIMIT);
    errors.into_result(()).map_err(ApiError::invalid)?;
    let page = requests::list(&state.db, &actor, &filter, sort, cursor, limit).await?;
    let items = page
        .items
        .into_iter()
        .map(RequestJson::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Json(Page {
        items,
        next_cursor: page.next.map(Cursor::encode),
    }))
}

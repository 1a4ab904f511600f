//! `GET /api/v1/requests`: the requests the caller may see, filtered, searched, sorted and
//! paginated; or all of them as CSV (`?format=csv` or `Accept: text/csv`).

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use handoff_domain::FieldErrors;
use handoff_domain::request::{Priority, Status};
use handoff_domain::search::terms;
use handoff_store::requests::{self, Cursor, ListFilter, Sort};
use handoff_store::to_micros;

use super::RequestJson;
use super::export::requests_csv;
use crate::AppState;
use crate::api::{DEFAULT_LIMIT, MAX_LIMIT, Page};
use crate::auth::Caller;
use crate::csv::ExportFormat;
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
    "sla_due_within",
    "sort",
    "cursor",
    "limit",
    "format",
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

/// The most minutes `sla_due_within` takes: a year.
const DUE_WITHIN_MAX: i64 = 525_600;

/// `sla_due_within`, in minutes.
fn due_within(query: &QueryMap, errors: &mut FieldErrors) -> Option<i64> {
    let value = query.get("sla_due_within")?;
    match value.parse::<i64>() {
        Ok(n) if (0..=DUE_WITHIN_MAX).contains(&n) => Some(n),
        _ => {
            errors.add(
                "sla_due_within",
                format!("must be a whole number of minutes from 0 to {DUE_WITHIN_MAX}"),
            );
            None
        }
    }
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
        ("sla_due_within" = Option<i64>, Query, minimum = 0, maximum = 525600, description = "Minutes: only requests with a running SLA clock that falls due within this many minutes from now, or is past due"),
        ("sort" = Option<String>, Query, description = "created_at, -created_at, updated_at, -updated_at, priority, -priority, id, -id; default -created_at, or -id with q"),
        ("cursor" = Option<String>, Query, description = "Where the page starts; with CSV, where the file starts"),
        ("limit" = Option<i64>, Query, description = "How many items at most, 1 to 200; CSV ignores it"),
        ("format" = inline(Option<ExportFormat>), Query, description = "json (default), or csv for every matching request (at most 100,000; past that the file ends and `X-Handoff-Truncated: true` says so) with names, and each SLA clock read now in business minutes; `Accept: text/csv` asks for CSV too")),
    responses((status = 200, description = "A page of requests, or with CSV the whole list",
                content((Page<RequestJson> = "application/json"), (String = "text/csv"))),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
    query: QueryMap,
) -> Result<Response, ApiError> {
    query.only(PARAMS)?;
    let mut errors = FieldErrors::new();
    let format = ExportFormat::of(&query, &headers, &mut errors);
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
        sla_due_by: due_within(&query, &mut errors)
            .map(|within| to_micros(state.app.clock.now()) + within * 60_000_000),
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
    if format == ExportFormat::Csv {
        let name = format!(
            "requests-{}.csv",
            state.app.clock.now().strftime("%Y-%m-%d")
        );
        return requests_csv(&state, &actor, &filter, sort, cursor, &name).await;
    }
    let page = requests::list(&state.app.db, &actor, &filter, sort, cursor, limit).await?;
    let items = page
        .items
        .into_iter()
        .map(RequestJson::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Json(Page {
        items,
        next_cursor: page.next.map(Cursor::encode),
    })
    .into_response())
}

//! `/api/v1/deliverables` and `/api/v1/occurrences`: what one department owes another on
//! a schedule, each occurrence delivered, reviewed, warned about and escalated; their
//! rates; and the iCalendar feeds of upcoming occurrences.

use axum::Json;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use handoff_app::deliverables::{NewDeliverable, OccurrenceView, Rates};
use handoff_domain::FieldErrors;
use handoff_store::deliverables::{
    Deliverable, DeliverableFilter, OccurrenceEvent, Owed, RateScope, Upcoming,
};
use handoff_store::from_micros;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DEFAULT_LIMIT, MAX_LIMIT, Page, id_page, time};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, QueryMap};

#[derive(Serialize, ToSchema)]
pub struct DeliverableJson {
    pub id: i64,
    pub provider_department_id: i64,
    pub customer_department_id: i64,
    pub name: String,
    /// The RFC 5545 recurrence rule, as stored.
    pub rrule: String,
    /// `HH:MM`, local time in the provider's calendar.
    pub due_time: String,
    /// The rule's first day (DTSTART at `due_time`).
    pub starts_on: String,
    pub provider_owner_id: i64,
    pub customer_owner_id: i64,
    pub dependency_id: Option<i64>,
    /// Minutes before the due time at which the provider's owner is warned.
    pub warn_minutes: i64,
    /// Every occurrence due before this instant is written.
    #[schema(value_type = String, format = DateTime)]
    pub generated_until: Timestamp,
    pub created_by: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl From<Deliverable> for DeliverableJson {
    fn from(d: Deliverable) -> Self {
        DeliverableJson {
            id: d.id,
            provider_department_id: d.provider_department_id,
            customer_department_id: d.customer_department_id,
            name: d.name,
            rrule: d.rrule,
            due_time: d.due_time,
            starts_on: d.starts_on,
            provider_owner_id: d.provider_owner_id,
            customer_owner_id: d.customer_owner_id,
            dependency_id: d.dependency_id,
            warn_minutes: d.warn_minutes,
            generated_until: time(d.generated_until),
            created_by: d.created_by,
            created_at: time(d.created_at),
        }
    }
}

/// A recurring deliverable.
///
/// `rrule` is an RFC 5545 recurrence rule (`FREQ=MONTHLY;BYMONTHDAY=3`,
/// `FREQ=MONTHLY;BYDAY=2MO`, `FREQ=WEEKLY;BYDAY=FR`; at most one occurrence an hour),
/// read in the provider's calendar from `starts_on` at `due_time` (its DTSTART, which may
/// lie up to a year in the past: occurrences due before now and never delivered are
/// late). Handoff's extension `X-HANDOFF-BUSINESS-DAY=N` with `FREQ=MONTHLY` means the
/// Nth business day of each month (a day with working time in the provider's calendar
/// that is not a whole-day holiday); a negative N counts from the month's end, `-1` being
/// the last. A `due_time` that a daylight-saving change skips means the first instant
/// after the gap; one that occurs twice, the earlier.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDeliverableBody {
    pub provider_department_id: Option<i64>,
    pub customer_department_id: Option<i64>,
    pub name: String,
    pub rrule: String,
    /// `HH:MM`, local time in the provider's calendar.
    pub due_time: String,
    /// `YYYY-MM-DD`.
    pub starts_on: String,
    /// A member of the providing department.
    pub provider_owner_id: Option<i64>,
    /// A member of the receiving department.
    pub customer_owner_id: Option<i64>,
    /// The dependency it fulfils, between the same departments.
    pub dependency_id: Option<i64>,
    /// Minutes before the due time at which the provider's owner is warned (default 240).
    pub warn_minutes: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/deliverables", tag = "dependencies",
    request_body = NewDeliverableBody,
    responses((status = 201, body = DeliverableJson), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<NewDeliverableBody>,
) -> Result<(StatusCode, Json<DeliverableJson>), ApiError> {
    let new = NewDeliverable {
        provider_department_id: body.provider_department_id,
        customer_department_id: body.customer_department_id,
        name: body.name,
        rrule: body.rrule,
        due_time: body.due_time,
        starts_on: body.starts_on,
        provider_owner_id: body.provider_owner_id,
        customer_owner_id: body.customer_owner_id,
        dependency_id: body.dependency_id,
        warn_minutes: body.warn_minutes,
    };
    let d = handoff_app::deliverables::create(&state.app, &actor, new).await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

#[utoipa::path(get, path = "/api/v1/deliverables", tag = "dependencies",
    params(("provider_department_id" = Option<i64>, Query),
           ("customer_department_id" = Option<i64>, Query),
           ("department_id" = Option<i64>, Query, description = "either side"),
           ("dependency_id" = Option<i64>, Query),
           ("owner_id" = Option<i64>, Query, description = "either side's owner"),
           ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = Page<DeliverableJson>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    _caller: Caller,
    query: QueryMap,
) -> Result<Json<Page<DeliverableJson>>, ApiError> {
    query.only(&[
        "provider_department_id",
        "customer_department_id",
        "department_id",
        "dependency_id",
        "owner_id",
        "cursor",
        "limit",
    ])?;
    let mut errors = FieldErrors::new();
    let filter = DeliverableFilter {
        provider_department_id: query.id(&mut errors, "provider_department_id"),
        customer_department_id: query.id(&mut errors, "customer_department_id"),
        department_id: query.id(&mut errors, "department_id"),
        dependency_id: query.id(&mut errors, "dependency_id"),
        owner_id: query.id(&mut errors, "owner_id"),
    };
    let limit = query.limit(&mut errors, DEFAULT_LIMIT, MAX_LIMIT);
    let after = query.id_cursor(&mut errors);
    errors.into_result(()).map_err(ApiError::invalid)?;
    let rows = handoff_app::deliverables::list(&state.app, &filter, after, limit).await?;
    Ok(Json(id_page(rows, limit, |d| d.id, DeliverableJson::from)))
}

#[utoipa::path(get, path = "/api/v1/deliverables/{id}", tag = "dependencies",
    params(("id" = i64, Path)),
    responses((status = 200, body = DeliverableJson), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DeliverableJson>, ApiError> {
    Ok(Json(
        handoff_app::deliverables::get(&state.app, id).await?.into(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct OccurrenceJson {
    pub id: i64,
    pub deliverable_id: i64,
    #[schema(value_type = String, format = DateTime)]
    pub due_at: Timestamp,
    /// `upcoming`, `delivered`, `late` (past due, not delivered) or `missed` (not
    /// delivered and the next occurrence is due too).
    pub state: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub delivered_at: Option<Timestamp>,
    /// Delivered by its due time; `null` while not delivered.
    pub on_time: Option<bool>,
    pub delivered_by: Option<i64>,
    pub delivery_note: Option<String>,
    pub delivery_link: Option<String>,
    /// The recipient's review: `true` accurate, `false` a problem flagged, `null` not
    /// reviewed.
    pub accurate: Option<bool>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub reviewed_at: Option<Timestamp>,
    pub reviewed_by: Option<i64>,
    pub review_note: Option<String>,
}

impl From<OccurrenceView> for OccurrenceJson {
    fn from(v: OccurrenceView) -> Self {
        let o = v.occurrence;
        OccurrenceJson {
            id: o.id,
            deliverable_id: o.deliverable_id,
            due_at: time(o.due_at),
            state: v.state.as_str().to_owned(),
            delivered_at: o.delivered_at.map(time),
            on_time: o.delivered_at.map(|at| at <= o.due_at),
            delivered_by: o.delivered_by,
            delivery_note: o.delivery_note,
            delivery_link: o.delivery_link,
            accurate: o.accurate,
            reviewed_at: o.reviewed_at.map(time),
            reviewed_by: o.reviewed_by,
            review_note: o.review_note,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OccurrencesJson {
    pub items: Vec<OccurrenceJson>,
}

/// The default window of an occurrence list: 90 days back, 90 ahead.
const WINDOW_DAYS: i64 = 90;

#[utoipa::path(get, path = "/api/v1/deliverables/{id}/occurrences", tag = "dependencies",
    params(("id" = i64, Path),
           ("from" = Option<String>, Query, description = "RFC 3339; default 90 days ago"),
           ("to" = Option<String>, Query, description = "RFC 3339, exclusive; default 90 days ahead. At most 1,000 occurrences are listed, the earliest; narrow the window for more")),
    responses((status = 200, body = OccurrencesJson), (status = 404, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn occurrences(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<i64>,
    query: QueryMap,
) -> Result<Json<OccurrencesJson>, ApiError> {
    query.only(&["from", "to"])?;
    let (from, to) = window(&state, &query)?;
    let found = handoff_app::deliverables::occurrences(&state.app, id, from, to).await?;
    Ok(Json(OccurrencesJson {
        items: found.into_iter().map(OccurrenceJson::from).collect(),
    }))
}

fn window(state: &AppState, query: &QueryMap) -> Result<(Timestamp, Timestamp), ApiError> {
    let mut errors = FieldErrors::new();
    let now = state.app.clock.now();
    let span = jiff::SignedDuration::from_hours(24 * WINDOW_DAYS);
    let from = query
        .timestamp(&mut errors, "from")
        .unwrap_or_else(|| now.checked_sub(span).unwrap_or(Timestamp::MIN));
    let to = query
        .timestamp(&mut errors, "to")
        .unwrap_or_else(|| now.checked_add(span).unwrap_or(Timestamp::MAX));
    if errors.is_empty() && to < from {
        errors.add("to", "must not be before from");
    }
    errors.into_result((from, to)).map_err(ApiError::invalid)
}

#[derive(Serialize, ToSchema)]
pub struct OccurrenceEventJson {
    /// `delivered`, `reviewed`, `warned`, `late` or `escalated`.
    pub kind: String,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// Who did it; `null` for the worker's warnings and escalations.
    pub actor_id: Option<i64>,
    pub note: Option<String>,
    pub link: Option<String>,
    pub accurate: Option<bool>,
}

impl From<OccurrenceEvent> for OccurrenceEventJson {
    fn from(e: OccurrenceEvent) -> Self {
        OccurrenceEventJson {
            kind: e.kind,
            at: time(e.at),
            actor_id: e.actor_id,
            note: e.note,
            link: e.link,
            accurate: e.accurate,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OccurrenceDetailJson {
    #[serde(flatten)]
    pub occurrence: OccurrenceJson,
    pub name: String,
    pub provider_department_id: i64,
    pub customer_department_id: i64,
    /// What happened to it, oldest first.
    pub history: Vec<OccurrenceEventJson>,
}

async fn detail(state: &AppState, id: i64) -> Result<OccurrenceDetailJson, ApiError> {
    let (view, d) = handoff_app::deliverables::occurrence(&state.app, id).await?;
    let history = handoff_store::deliverables::events(&state.app.db, id).await?;
    Ok(OccurrenceDetailJson {
        occurrence: view.into(),
        name: d.name,
        provider_department_id: d.provider_department_id,
        customer_department_id: d.customer_department_id,
        history: history.into_iter().map(OccurrenceEventJson::from).collect(),
    })
}

#[utoipa::path(get, path = "/api/v1/occurrences/{id}", tag = "dependencies",
    params(("id" = i64, Path)),
    responses((status = 200, body = OccurrenceDetailJson), (status = 404, body = crate::error::ErrorBody)))]
pub async fn occurrence(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<OccurrenceDetailJson>, ApiError> {
    Ok(Json(detail(&state, id).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct DeliverBody {
    /// How it was delivered; a note or a link is required.
    #[serde(default)]
    pub note: String,
    /// Where it is (`https://…`).
    #[serde(default)]
    pub link: String,
}

#[utoipa::path(post, path = "/api/v1/occurrences/{id}/deliver", tag = "dependencies",
    params(("id" = i64, Path)), request_body = DeliverBody,
    responses((status = 200, body = OccurrenceDetailJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn deliver(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DeliverBody>,
) -> Result<Json<OccurrenceDetailJson>, ApiError> {
    handoff_app::deliverables::deliver(&state.app, &actor, id, &body.note, &body.link).await?;
    Ok(Json(detail(&state, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// `true`: accurate; `false`: a problem, said in `note`.
    pub accurate: Option<bool>,
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(post, path = "/api/v1/occurrences/{id}/review", tag = "dependencies",
    params(("id" = i64, Path)), request_body = ReviewBody,
    responses((status = 200, body = OccurrenceDetailJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn review(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReviewBody>,
) -> Result<Json<OccurrenceDetailJson>, ApiError> {
    handoff_app::deliverables::review(&state.app, &actor, id, body.accurate, &body.note).await?;
    Ok(Json(detail(&state, id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct RatesJson {
    /// Share of the occurrences due that were delivered by their due time; `null` when
    /// none was due.
    pub on_time: Option<f64>,
    /// Share of the reviewed deliveries confirmed accurate; `null` when none was reviewed.
    pub accurate: Option<f64>,
    /// Occurrences due in the window (by now).
    pub occurrences: i64,
    pub delivered_on_time: i64,
    pub reviewed: i64,
    pub reviewed_accurate: i64,
}

impl From<Rates> for RatesJson {
    fn from(r: Rates) -> Self {
        RatesJson {
            on_time: r.on_time,
            accurate: r.accurate,
            occurrences: r.counts.due,
            delivered_on_time: r.counts.on_time,
            reviewed: r.counts.reviewed,
            reviewed_accurate: r.counts.accurate,
        }
    }
}

fn rate_window(query: &QueryMap) -> Result<(Timestamp, Timestamp), ApiError> {
    let mut errors = FieldErrors::new();
    let from = query
        .timestamp(&mut errors, "from")
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let to = query.timestamp(&mut errors, "to").unwrap_or(Timestamp::MAX);
    errors.into_result((from, to)).map_err(ApiError::invalid)
}

#[utoipa::path(get, path = "/api/v1/deliverables/{id}/rates", tag = "dependencies",
    params(("id" = i64, Path),
           ("from" = Option<String>, Query, description = "RFC 3339; default: from the start"),
           ("to" = Option<String>, Query, description = "RFC 3339, exclusive; default: now")),
    responses((status = 200, body = RatesJson), (status = 404, body = crate::error::ErrorBody)))]
pub async fn rates(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<i64>,
    query: QueryMap,
) -> Result<Json<RatesJson>, ApiError> {
    query.only(&["from", "to"])?;
    let (from, to) = rate_window(&query)?;
    let rates =
        handoff_app::deliverables::rates(&state.app, RateScope::Deliverable(id), from, to).await?;
    Ok(Json(rates.into()))
}

#[utoipa::path(get, path = "/api/v1/deliverable-rates", tag = "dependencies",
    params(("provider_department_id" = i64, Query), ("customer_department_id" = i64, Query),
           ("from" = Option<String>, Query, description = "RFC 3339; default: from the start"),
           ("to" = Option<String>, Query, description = "RFC 3339, exclusive; default: now")),
    responses((status = 200, body = RatesJson), (status = 422, body = crate::error::ErrorBody)))]
pub async fn pair_rates(
    State(state): State<AppState>,
    _caller: Caller,
    query: QueryMap,
) -> Result<Json<RatesJson>, ApiError> {
    query.only(&[
        "provider_department_id",
        "customer_department_id",
        "from",
        "to",
    ])?;
    let mut errors = FieldErrors::new();
    let provider = query.id(&mut errors, "provider_department_id");
    let customer = query.id(&mut errors, "customer_department_id");
    for (field, id) in [
        ("provider_department_id", provider),
        ("customer_department_id", customer),
    ] {
        if id.is_none() && errors.get(field).is_none() {
            errors.add(field, "is required");
        }
    }
    errors.into_result(()).map_err(ApiError::invalid)?;
    let (from, to) = rate_window(&query)?;
    let scope = RateScope::Pair {
        provider: provider.unwrap_or(0),
        customer: customer.unwrap_or(0),
    };
    let rates = handoff_app::deliverables::rates(&state.app, scope, from, to).await?;
    Ok(Json(rates.into()))
}

/// What is owed next on a deliverable.
#[derive(Serialize, ToSchema)]
pub struct OwedJson {
    pub deliverable_id: i64,
    pub occurrence_id: i64,
    pub name: String,
    #[schema(value_type = String, format = DateTime)]
    pub due_at: Timestamp,
}

impl From<Upcoming> for OwedJson {
    fn from(u: Upcoming) -> Self {
        OwedJson {
            deliverable_id: u.deliverable_id,
            occurrence_id: u.occurrence_id,
            name: u.name,
            due_at: time(u.due_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FeedKeyJson {
    /// The secret, shown once: it opens the feeds below without signing in. Asking again
    /// replaces it and closes the old URLs.
    pub key: String,
    /// The caller's department's feed and the caller's own, with the key.
    pub department_feed: String,
    pub person_feed: String,
}

#[utoipa::path(post, path = "/api/v1/me/calendar-feed", tag = "dependencies",
    responses((status = 201, body = FeedKeyJson)))]
pub async fn new_feed_key(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Result<(StatusCode, Json<FeedKeyJson>), ApiError> {
    let key = handoff_app::feeds::new_key(&state.app, &actor).await?;
    Ok((
        StatusCode::CREATED,
        Json(FeedKeyJson {
            department_feed: format!(
                "/api/v1/departments/{}/deliverables.ics?key={key}",
                actor.department_id
            ),
            person_feed: format!(
                "/api/v1/people/{}/deliverables.ics?key={key}",
                actor.person_id
            ),
            key,
        }),
    ))
}

/// A feed opens with its secret (`?key=`), or with the caller's bearer token.
async fn feed(
    state: &AppState,
    query: &QueryMap,
    headers: &HeaderMap,
    owed: Owed,
) -> Result<Response, ApiError> {
    query.only(&["key"])?;
    match query.get("key") {
        Some(key) => {
            handoff_app::feeds::reader(&state.app, key)
                .await?
                .ok_or(ApiError::Unauthenticated)?;
        }
        None => {
            crate::auth::bearer(state, headers).await?;
        }
    }
    let found = handoff_app::feeds::occurrences(&state.app, owed).await?;
    let name = match owed {
        Owed::Department(id) | Owed::ByDepartment(id) => {
            handoff_store::departments::get(&state.app.db, id)
                .await?
                .name
        }
        Owed::Person(id) => handoff_store::people::get(&state.app.db, id).await?.name,
    };
    ics(state, &format!("{name}: deliverables"), found).await
}

#[utoipa::path(get, path = "/api/v1/departments/{id}/deliverables.ics", tag = "dependencies",
    params(("id" = i64, Path), ("key" = Option<String>, Query, description = "the feed secret")),
    responses((status = 200, description = "iCalendar (text/calendar) of the occurrences the department owes or receives, 30 days back and 100 ahead", content_type = "text/calendar", body = String),
              (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn department_feed(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    query: QueryMap,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    feed(&state, &query, &headers, Owed::Department(id)).await
}

#[utoipa::path(get, path = "/api/v1/people/{id}/deliverables.ics", tag = "dependencies",
    params(("id" = i64, Path), ("key" = Option<String>, Query, description = "the feed secret")),
    responses((status = 200, description = "iCalendar (text/calendar) of the occurrences of the deliverables the person owns on either side, 30 days back and 100 ahead", content_type = "text/calendar", body = String),
              (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn person_feed(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    query: QueryMap,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    feed(&state, &query, &headers, Owed::Person(id)).await
}

async fn ics(state: &AppState, title: &str, found: Vec<Upcoming>) -> Result<Response, ApiError> {
    use icalendar::{Calendar, Component, Event, EventLike};
    let mut ids: Vec<i64> = found
        .iter()
        .flat_map(|u| [u.provider_department_id, u.customer_department_id])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let names = handoff_store::departments::names(&state.app.db, &ids).await?;
    let name = |id: i64| names.get(&id).map_or("?", String::as_str).to_owned();
    let utc = |micros: i64| {
        let at = from_micros(micros);
        chrono::DateTime::from_timestamp(at.as_second(), 0).unwrap_or_default()
    };
    let mut calendar = Calendar::new();
    calendar.name(title);
    for u in found {
        let delivered = if u.delivered_at.is_some() {
            " (delivered)"
        } else {
            ""
        };
        let event = Event::new()
            .uid(&format!("occurrence-{}@handoff", u.occurrence_id))
            .summary(&format!("Due: {}{delivered}", u.name))
            .description(&format!(
                "{} owes {} \"{}\". Deliver or review it in Handoff: /occurrences/{}",
                name(u.provider_department_id),
                name(u.customer_department_id),
                u.name,
                u.occurrence_id
            ))
            // A due time, not a stretch of time: without DTEND the event ends where it
            // starts (RFC 5545, 3.6.1).
            .starts(utc(u.due_at))
            .timestamp(utc(handoff_store::to_micros(state.app.clock.now())))
            .done();
        calendar.push(event);
    }
    Ok((
        [
            (CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (CACHE_CONTROL, "private, max-age=300"),
        ],
        calendar.done().to_string(),
    )
        .into_response())
}

//! `/api/v1/calendars`: business calendars (time zone, working week, holidays) that
//! departments count their SLAs in. Everyone reads them; the owning department's
//! managers (and admins) maintain them.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use handoff_domain::FieldErrors;
use handoff_domain::access::Actor;
use handoff_domain::calendar::{
    Calendar, CalendarError, CalendarSpec, HolidaySpec, Horizon, WeekSpec, holidays_from_ics,
};
use handoff_domain::validation::text;
use handoff_store::calendars::{self, StoredCalendar};
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
pub struct CalendarJson {
    pub id: i64,
    pub department_id: i64,
    pub name: String,
    pub time_zone: String,
    pub week: WeekSpec,
    pub holidays: Vec<HolidaySpec>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl From<StoredCalendar> for CalendarJson {
    fn from(c: StoredCalendar) -> Self {
        Self {
            id: c.id,
            department_id: c.department_id,
            name: c.name,
            time_zone: c.spec.time_zone,
            week: c.spec.week,
            holidays: c.spec.holidays,
            created_at: time(c.created_at),
            updated_at: time(c.updated_at),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCalendar {
    pub department_id: i64,
    pub name: String,
    /// IANA time zone, e.g. `Europe/London`.
    pub time_zone: String,
    /// Working intervals per weekday as `[["09:00", "12:30"], ["13:30", "17:30"]]`,
    /// local time; `"24:00"` may end a day; a missing day has no working time.
    #[serde(default)]
    pub week: WeekSpec,
    #[serde(default)]
    pub holidays: Vec<HolidaySpec>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCalendar {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    /// Replaces the whole week.
    pub week: Option<WeekSpec>,
    /// Replaces every holiday.
    pub holidays: Option<Vec<HolidaySpec>>,
}

pub(crate) fn may_maintain(actor: &Actor, department: i64) -> Result<(), ApiError> {
    if actor.manages(department) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "only the owning department's managers and administrators maintain its calendars",
        ))
    }
}

/// Checks a definition the way the clocks will use it: valid, and with working time in
/// the years around now.
pub(crate) fn check_spec(spec: CalendarSpec, now: Timestamp) -> Result<Calendar, ApiError> {
    let calendar = Calendar::new(spec).map_err(calendar_error)?;
    let horizon = Horizon::around(now, 1, 5).map_err(calendar_error)?;
    calendar.compile(horizon).map_err(calendar_error)?;
    Ok(calendar)
}

fn name_taken(err: StoreError) -> ApiError {
    unique_as_field(
        err,
        "name",
        "the department already has a calendar by this name",
    )
}

pub(crate) fn calendar_error(err: CalendarError) -> ApiError {
    match err {
        CalendarError::Invalid(fields) => ApiError::invalid(fields),
        other => ApiError::field("calendar", other.to_string()),
    }
}

#[utoipa::path(post, path = "/api/v1/calendars", tag = "calendars", request_body = CreateCalendar,
    responses((status = 201, body = CalendarJson), (status = 422, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateCalendar>,
) -> Result<(StatusCode, Json<CalendarJson>), ApiError> {
    match departments::get(&state.app.db, body.department_id).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => {
            return Err(ApiError::field("department_id", "no such department"));
        }
        Err(other) => return Err(other.into()),
    }
    may_maintain(&caller.0, body.department_id)?;
    let mut errors = FieldErrors::new();
    let name = text(&mut errors, "name", &body.name, 100);
    errors.into_result(()).map_err(ApiError::invalid)?;
    let now = state.app.clock.now();
    let spec = CalendarSpec {
        time_zone: body.time_zone,
        week: body.week,
        holidays: body.holidays,
    };
    let calendar = check_spec(spec, now)?;
    let stored = calendars::create(
        &state.app.db,
        body.department_id,
        &name,
        calendar.spec(),
        now,
    )
    .await
    .map_err(name_taken)?;
    Ok((StatusCode::CREATED, Json(stored.into())))
}

#[utoipa::path(get, path = "/api/v1/calendars", tag = "calendars",
    params(("department_id" = Option<i64>, Query), ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = Page<CalendarJson>)))]
pub async fn list(
    State(state): State<AppState>,
    _caller: Caller,
    query: QueryMap,
) -> Result<Json<Page<CalendarJson>>, ApiError> {
    query.only(&["department_id", "cursor", "limit"])?;
    let mut errors = FieldErrors::new();
    let department = query.id(&mut errors, "department_id");
    let limit = query.limit(&mut errors, DEFAULT_LIMIT, MAX_LIMIT);
    let after = query.id_cursor(&mut errors);
    errors.into_result(()).map_err(ApiError::invalid)?;
    let rows = calendars::list(&state.app.db, department, after, limit).await?;
    Ok(Json(id_page(rows, limit, |c| c.id, CalendarJson::from)))
}

#[utoipa::path(get, path = "/api/v1/calendars/{id}", tag = "calendars",
    params(("id" = i64, Path)),
    responses((status = 200, body = CalendarJson), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CalendarJson>, ApiError> {
    Ok(Json(
        calendars::get(&state.app.db, id)
            .await
            .map_err(or_404("calendar"))?
            .into(),
    ))
}

#[utoipa::path(patch, path = "/api/v1/calendars/{id}", tag = "calendars", request_body = UpdateCalendar,
    params(("id" = i64, Path)),
    responses((status = 200, body = CalendarJson), (status = 404, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<UpdateCalendar>,
) -> Result<Json<CalendarJson>, ApiError> {
    Ok(Json(change(&state, &caller.0, id, body).await?.into()))
}

/// Changes a calendar as `actor` and recomputes the clocks of the departments using it;
/// shared by the API and the pages.
pub async fn change(
    state: &AppState,
    actor: &Actor,
    id: i64,
    body: UpdateCalendar,
) -> Result<StoredCalendar, ApiError> {
    let current = calendars::get(&state.app.db, id)
        .await
        .map_err(or_404("calendar"))?;
    may_maintain(actor, current.department_id)?;
    let mut errors = FieldErrors::new();
    let name = body
        .name
        .as_deref()
        .map(|n| text(&mut errors, "name", n, 100));
    errors.into_result(()).map_err(ApiError::invalid)?;
    let mut spec = current.spec;
    // The field named when the new definition would put a target out of reach: the
    // working hours when they changed, else the holidays, else the zone.
    let field = match (&body.week, &body.holidays) {
        (Some(_), _) => "week",
        (None, Some(_)) => "holidays",
        (None, None) => "time_zone",
    };
    if let Some(zone) = body.time_zone {
        spec.time_zone = zone;
    }
    if let Some(week) = body.week {
        spec.week = week;
    }
    if let Some(holidays) = body.holidays {
        spec.holidays = holidays;
    }
    let now = state.app.clock.now();
    let calendar = check_spec(spec, now)?;
    Ok(
        handoff_app::calendars::save(&state.app, id, name.as_deref(), calendar.spec(), field)
            .await?,
    )
}

#[utoipa::path(post, path = "/api/v1/calendars/{id}/holidays/import", tag = "calendars",
    params(("id" = i64, Path)),
    request_body(content = String, content_type = "text/calendar", description = "An iCalendar (.ics) file"),
    responses((status = 200, body = CalendarJson), (status = 422, body = crate::error::ErrorBody)))]
pub async fn import_holidays(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    body: Bytes,
) -> Result<Json<CalendarJson>, ApiError> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::field("body", "must be UTF-8 iCalendar text"))?;
    Ok(Json(import(&state, &caller.0, id, text).await?.into()))
}

/// Adds the holidays of an iCalendar text to a calendar as `actor`, skipping those it
/// has; shared by the API and the pages.
pub async fn import(
    state: &AppState,
    actor: &Actor,
    id: i64,
    text: &str,
) -> Result<StoredCalendar, ApiError> {
    let current = calendars::get(&state.app.db, id)
        .await
        .map_err(or_404("calendar"))?;
    may_maintain(actor, current.department_id)?;
    let now = state.app.clock.now();
    let calendar = check_spec(current.spec, now)?;
    let imported = holidays_from_ics(text, calendar.time_zone())
        .map_err(|e| ApiError::field("body", e.to_string()))?;
    let mut spec = calendar.spec().clone();
    for holiday in imported {
        let known = spec
            .holidays
            .iter()
            .any(|h| h.date == holiday.date && h.from == holiday.from && h.to == holiday.to);
        if !known {
            spec.holidays.push(holiday);
        }
    }
    spec.holidays
        .sort_by(|a, b| (&a.date, &a.from).cmp(&(&b.date, &b.from)));
    let calendar = check_spec(spec, now)?;
    Ok(handoff_app::calendars::save(&state.app, id, None, calendar.spec(), "body").await?)
}

#[derive(Serialize, ToSchema)]
pub struct DueJson {
    #[schema(value_type = String, format = DateTime)]
    pub due: Timestamp,
}

#[utoipa::path(get, path = "/api/v1/calendars/{id}/due", tag = "calendars",
    params(("id" = i64, Path), ("start" = String, Query, description = "RFC 3339"),
           ("minutes" = i64, Query, description = "Business minutes")),
    responses((status = 200, body = DueJson), (status = 422, body = crate::error::ErrorBody)))]
pub async fn due(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<i64>,
    query: QueryMap,
) -> Result<Json<DueJson>, ApiError> {
    query.only(&["start", "minutes"])?;
    let mut errors = FieldErrors::new();
    let start = query.timestamp(&mut errors, "start");
    let minutes = match query.get("minutes").map(str::parse::<i64>) {
        Some(Ok(m)) if m >= 0 => Some(m),
        _ => {
            errors.add("minutes", "must be a whole number of minutes, 0 or more");
            None
        }
    };
    if start.is_none() && !errors.iter().any(|(f, _)| f == "start") {
        errors.add("start", "is required");
    }
    let (Some(start), Some(minutes)) = (start, minutes) else {
        return Err(ApiError::invalid(errors));
    };
    let stored = calendars::get(&state.app.db, id)
        .await
        .map_err(or_404("calendar"))?;
    let calendar = Calendar::new(stored.spec).map_err(calendar_error)?;
    let due = calendar
        .due_once(start, minutes)
        .map_err(|e| ApiError::field("minutes", e.to_string()))?;
    Ok(Json(DueJson { due }))
}

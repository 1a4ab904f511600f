//! `/calendars`: business calendars (time zone, working hours per weekday, holidays) and,
//! for the owning department's managers, the form that changes one and the upload that
//! imports holidays from an iCalendar file. Saving recomputes the due times of the open
//! requests of every department working in the calendar.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_domain::calendar::{HolidaySpec, IntervalSpec, WeekSpec};
use handoff_store::calendars::{self, StoredCalendar};
use handoff_store::departments;

use super::form::{PageId, Pairs};
use super::{Frame, PageError, Viewer, render};
use crate::AppState;
use crate::api::calendars::{UpdateCalendar, change, import};
use crate::error::ApiError;

pub struct Line {
    pub id: i64,
    pub name: String,
    pub department: String,
    pub time_zone: String,
}

#[derive(Template)]
#[template(path = "calendars.html")]
struct ListPage {
    frame: Frame,
    calendars: Vec<Line>,
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let all = calendars::list(&state.app.db, None, 0, 1_000).await?;
    let owners: Vec<i64> = all.iter().map(|c| c.department_id).collect();
    let names = departments::names(&state.app.db, &owners).await?;
    let calendars = all
        .into_iter()
        .map(|c| Line {
            department: names.get(&c.department_id).cloned().unwrap_or_default(),
            id: c.id,
            name: c.name,
            time_zone: c.spec.time_zone,
        })
        .collect();
    let page = ListPage {
        frame: Frame::new(&viewer, "calendars"),
        calendars,
    };
    Ok(render(StatusCode::OK, &page))
}

pub struct Day {
    pub key: &'static str,
    pub label: &'static str,
    /// `09:00-12:30, 13:30-17:30`; empty when closed.
    pub hours: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    frame: Frame,
    id: i64,
    name: String,
    department: String,
    used_by: Vec<String>,
    time_zone: String,
    days: Vec<Day>,
    holidays: String,
    may_edit: bool,
    errors: Vec<String>,
    saved: bool,
}

const DAYS: [(&str, &str); 7] = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
];

fn day<'a>(week: &'a WeekSpec, key: &str) -> &'a [IntervalSpec] {
    match key {
        "mon" => &week.mon,
        "tue" => &week.tue,
        "wed" => &week.wed,
        "thu" => &week.thu,
        "fri" => &week.fri,
        "sat" => &week.sat,
        _ => &week.sun,
    }
}

/// `09:00-12:30, 13:30-17:30`.
fn hours_text(intervals: &[IntervalSpec]) -> String {
    intervals
        .iter()
        .map(|[from, to]| format!("{from}-{to}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The reverse of [`hours_text`]; the calendar's own check names what is wrong.
fn parse_hours(text: &str) -> Vec<IntervalSpec> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .map(|piece| match piece.split_once(['-', '–']) {
            Some((from, to)) => [from.trim().to_owned(), to.trim().to_owned()],
            None => [piece.to_owned(), String::new()],
        })
        .collect()
}

/// One holiday per line: `2026-12-25 Christmas Day` or `2026-12-24 12:30-17:30 Christmas
/// Eve` (a part of the day: `12:30-` to the end of it, `-12:00` from its start).
fn holidays_text(holidays: &[HolidaySpec]) -> String {
    holidays
        .iter()
        .map(|h| {
            let mut line = h.date.clone();
            if h.from.is_some() || h.to.is_some() {
                line.push(' ');
                line.push_str(h.from.as_deref().unwrap_or(""));
                line.push('-');
                line.push_str(h.to.as_deref().unwrap_or(""));
            }
            if let Some(name) = &h.name {
                line.push(' ');
                line.push_str(name);
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_holidays(text: &str) -> Vec<HolidaySpec> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (date, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let rest = rest.trim();
            let (span, name) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            // A part of the day looks like `12:30-17:30`, `12:30-` or `-12:00`.
            let is_span = span.contains(':')
                && span.contains('-')
                && span
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ':' || c == '-');
            let (from, to, name) = if is_span {
                let (from, to) = span.split_once('-').unwrap_or((span, ""));
                let part = |s: &str| (!s.is_empty()).then(|| s.to_owned());
                (part(from), part(to), name.trim())
            } else {
                (None, None, rest)
            };
            HolidaySpec {
                date: date.to_owned(),
                from,
                to,
                name: (!name.is_empty()).then(|| name.to_owned()),
            }
        })
        .collect()
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    calendar: StoredCalendar,
    errors: Vec<String>,
    saved: bool,
) -> Result<CalendarPage, PageError> {
    let users = calendars::departments_using(&state.app.db, calendar.id).await?;
    let mut ids = users.clone();
    ids.push(calendar.department_id);
    let names = departments::names(&state.app.db, &ids).await?;
    let mut used_by: Vec<String> = users.iter().filter_map(|d| names.get(d).cloned()).collect();
    used_by.sort();
    Ok(CalendarPage {
        frame: Frame::new(viewer, "calendars"),
        id: calendar.id,
        department: names
            .get(&calendar.department_id)
            .cloned()
            .unwrap_or_default(),
        used_by,
        time_zone: calendar.spec.time_zone.clone(),
        days: DAYS
            .iter()
            .map(|(key, label)| Day {
                key,
                label,
                hours: hours_text(day(&calendar.spec.week, key)),
            })
            .collect(),
        holidays: holidays_text(&calendar.spec.holidays),
        may_edit: viewer.actor.manages(calendar.department_id),
        name: calendar.name,
        errors,
        saved,
    })
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    query: Pairs,
) -> Result<Response, PageError> {
    let calendar = calendars::get(&state.app.db, id).await?;
    let saved = query.get("saved").is_some();
    let page = page(&state, &viewer, calendar, Vec::new(), saved).await?;
    Ok(render(StatusCode::OK, &page))
}

/// Shows a refused change on the page: the reasons, with the typed values kept.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    error: ApiError,
    typed: Option<&Pairs>,
) -> Result<Response, PageError> {
    let (status, _) = error.status_and_code();
    let errors = match error {
        ApiError::Invalid { fields, .. } => fields
            .into_map()
            .into_iter()
            .map(|(field, reason)| format!("{field}: {reason}"))
            .collect(),
        ApiError::Forbidden(why) => return Err(PageError::Forbidden(why)),
        ApiError::NotFound(_) => return Err(PageError::NotFound),
        ApiError::Internal => return Err(PageError::Internal),
        other => vec![other.to_string()],
    };
    let calendar = calendars::get(&state.app.db, id).await?;
    let mut page = page(state, viewer, calendar, errors, false).await?;
    if let Some(form) = typed {
        page.time_zone = form.get("time_zone").unwrap_or_default().to_owned();
        for day in &mut page.days {
            day.hours = form.get(day.key).unwrap_or_default().to_owned();
        }
        page.holidays = form.get("holidays").unwrap_or_default().to_owned();
    }
    Ok(render(status, &page))
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    form: Pairs,
) -> Result<Response, PageError> {
    let hours = |key: &str| parse_hours(form.get(key).unwrap_or_default());
    let week = WeekSpec {
        mon: hours("mon"),
        tue: hours("tue"),
        wed: hours("wed"),
        thu: hours("thu"),
        fri: hours("fri"),
        sat: hours("sat"),
        sun: hours("sun"),
    };
    let body = UpdateCalendar {
        name: None,
        time_zone: Some(form.get("time_zone").unwrap_or_default().trim().to_owned()),
        week: Some(week),
        holidays: Some(parse_holidays(form.get("holidays").unwrap_or_default())),
    };
    match change(&state, &viewer.actor, id, body).await {
        Ok(_) => Ok(Redirect::to(&format!("/calendars/{id}?saved")).into_response()),
        Err(e) => refused(&state, &viewer, id, e, Some(&form)).await,
    }
}

/// `POST /calendars/{id}/import`: an uploaded `.ics` file's holidays.
pub async fn import_ics(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    mut upload: Multipart,
) -> Result<Response, PageError> {
    let bad = |why: &str| PageError::Rejected(StatusCode::BAD_REQUEST, why.to_owned());
    let mut text = None;
    while let Some(field) = upload
        .next_field()
        .await
        .map_err(|_| bad("the upload could not be read"))?
    {
        if field.name() == Some("ics") {
            let bytes = field
                .bytes()
                .await
                .map_err(|_| bad("the upload could not be read"))?;
            text = Some(String::from_utf8(bytes.to_vec()).map_err(|_| {
                bad("the file is not UTF-8 text; export the calendar as iCalendar (.ics)")
            })?);
        }
    }
    let text = text.ok_or_else(|| bad("choose an .ics file to import"))?;
    match import(&state, &viewer.actor, id, &text).await {
        Ok(_) => Ok(Redirect::to(&format!("/calendars/{id}?saved")).into_response()),
        Err(e) => refused(&state, &viewer, id, e, None).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_hours_read_and_write_as_text() {
        let hours = parse_hours(" 09:00-12:30, 13:30 – 17:30 ");
        assert_eq!(
            hours,
            [["09:00", "12:30"], ["13:30", "17:30"]].map(|[a, b]| [a.to_owned(), b.to_owned()])
        );
        assert_eq!(hours_text(&hours), "09:00-12:30, 13:30-17:30");
        assert!(parse_hours("  ").is_empty());
        // Malformed pieces are kept for the calendar check to name.
        assert_eq!(parse_hours("9am"), [["9am".to_owned(), String::new()]]);
    }

    #[test]
    fn holidays_read_and_write_as_lines() {
        let text = "2026-12-25 Christmas Day\n\n2026-12-24 12:30-17:30 Christmas Eve\n2026-12-31 12:00-\n2027-01-01\n2027-05-01\t1-2 May fair";
        let holidays = parse_holidays(text);
        assert_eq!(holidays.len(), 5);
        assert_eq!(
            (holidays[4].from.as_deref(), holidays[4].name.as_deref()),
            (None, Some("1-2 May fair"))
        );
        assert_eq!(holidays[0].name.as_deref(), Some("Christmas Day"));
        assert_eq!(holidays[0].from, None);
        assert_eq!(holidays[1].from.as_deref(), Some("12:30"));
        assert_eq!(holidays[1].to.as_deref(), Some("17:30"));
        assert_eq!(holidays[2].from.as_deref(), Some("12:00"));
        assert_eq!(holidays[2].to, None);
        assert_eq!(holidays[3].date, "2027-01-01");
        assert_eq!(parse_holidays(&holidays_text(&holidays)), holidays);
    }
}

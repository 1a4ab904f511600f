//! `/reports/sla`: attainment and business-time percentiles by service, department or
//! month over a period, and the latest breaches with the reason each clock ran.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::form::Pairs;
use super::{Choice, Frame, PageError, Viewer, format, render};
use crate::AppState;
use crate::api::reports::{GROUPS, TargetSummary, breach_list, build, report_csv};
use crate::csv::{self, ExportFormat};

/// One target's figures in a row.
pub struct Cell {
    pub attainment: String,
    pub decided: String,
    pub median: String,
    pub p90: String,
    /// `good`, `fair`, `poor` or `none`: also the CSS class.
    pub grade: &'static str,
}

pub struct Row {
    pub label: String,
    pub first_response: Cell,
    pub resolution: Cell,
}

pub struct BreachLine {
    pub request_id: i64,
    pub subject: String,
    pub target: &'static str,
    pub allowed: String,
    pub used: String,
    pub story: String,
}

#[derive(Template)]
#[template(path = "sla_report.html")]
struct ReportPage {
    frame: Frame,
    groups: Vec<Choice>,
    from: String,
    to: String,
    rows: Vec<Row>,
    breaches: Vec<BreachLine>,
    /// This report with its grouping and period as a CSV file.
    csv_href: String,
}

fn cell(s: &TargetSummary) -> Cell {
    let grade = match s.attainment {
        None => "none",
        Some(a) if a >= 0.95 => "good",
        Some(a) if a >= 0.8 => "fair",
        Some(_) => "poor",
    };
    Cell {
        attainment: s
            .attainment
            .map_or_else(|| "–".to_owned(), |a| format!("{:.1} %", a * 100.0)),
        decided: format!("{} met, {} breached, {} open", s.met, s.breached, s.open),
        median: s
            .median_minutes
            .map_or_else(|| "–".to_owned(), format::minutes),
        p90: s
            .p90_minutes
            .map_or_else(|| "–".to_owned(), format::minutes),
        grade,
    }
}

/// A date typed in the form, as the start of that day (or with `next_day`, of the day
/// after: days are 23 or 25 hours long when the clocks change) in the viewer's zone.
pub(super) fn day_start(
    raw: Option<&str>,
    zone: &TimeZone,
    next_day: bool,
) -> Result<Option<Timestamp>, PageError> {
    let Some(raw) = raw else { return Ok(None) };
    let bad = || PageError::Rejected(StatusCode::BAD_REQUEST, format!("{raw} is not a date"));
    let mut date: Date = raw.parse().map_err(|_| bad())?;
    if next_day {
        date = date.tomorrow().map_err(|_| bad())?;
    }
    let zoned = date.to_zoned_datetime(zone.clone()).map_err(|_| bad())?;
    Ok(Some(zoned.timestamp()))
}

pub async fn sla(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Pairs,
) -> Result<Response, PageError> {
    let as_csv = ExportFormat::of_page(query.filled("format"))?;
    let group_by = query.filled("group_by").unwrap_or("service");
    if !GROUPS.contains(&group_by) {
        return Err(PageError::Rejected(
            StatusCode::BAD_REQUEST,
            "unknown grouping".to_owned(),
        ));
    }
    let now = state.app.clock.now();
    let zone = &viewer.zone;
    // `to` names the last day included.
    let to = day_start(query.filled("to"), zone, true)?.unwrap_or(now);
    let from = day_start(query.filled("from"), zone, false)?.unwrap_or_else(|| {
        to.saturating_sub(SignedDuration::from_hours(24 * 90))
            .unwrap_or(to)
    });
    if from >= to {
        return Err(PageError::Rejected(
            StatusCode::BAD_REQUEST,
            "the period must start before it ends".to_owned(),
        ));
    }
    let report = build(&state, &viewer.actor, group_by.to_owned(), from, to).await?;
    if as_csv {
        return Ok(report_csv(&report)?);
    }
    let breaches = breach_list(&state, &viewer.actor, from, to, 20).await?;
    let rows = report
        .rows
        .iter()
        .map(|r| Row {
            label: r.label.clone(),
            first_response: cell(&r.first_response),
            resolution: cell(&r.resolution),
        })
        .collect();
    let breaches = breaches
        .into_iter()
        .map(|b| {
            let story = b
                .timeline
                .iter()
                .filter_map(|e| {
                    let what = e.to.as_deref()?;
                    Some(format!(
                        "{} {}",
                        format::time(e.at, zone),
                        what.replace('_', " ")
                    ))
                })
                .collect::<Vec<_>>()
                .join(" · ");
            BreachLine {
                request_id: b.request_id,
                subject: b.subject,
                target: format::target(b.target),
                allowed: format::minutes(b.allowed_minutes),
                used: format::minutes(b.used_minutes),
                story,
            }
        })
        .collect();
    let labels = [
        ("service", "Service"),
        ("provider_department", "Providing department"),
        ("requester_department", "Requesting department"),
        ("month", "Month"),
    ];
    let last_day = to
        .saturating_sub(SignedDuration::from_secs(1))
        .unwrap_or(to);
    let page = ReportPage {
        frame: Frame::new(&viewer, "reports"),
        groups: labels
            .into_iter()
            .map(|(value, label)| Choice::new(value, label, value == group_by))
            .collect(),
        from: from.to_zoned_datetime(zone.clone()).date().to_string(),
        to: last_day.to_zoned_datetime(zone.clone()).date().to_string(),
        rows,
        breaches,
        // The period as asked: without dates the file covers the same moments as the
        // page, not whole days.
        csv_href: csv::href(
            "/reports/sla",
            &[
                ("group_by", group_by),
                ("from", query.filled("from").unwrap_or_default()),
                ("to", query.filled("to").unwrap_or_default()),
            ],
        ),
    };
    Ok(render(StatusCode::OK, &page))
}

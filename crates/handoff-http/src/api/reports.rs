//! `/api/v1/reports/sla`: SLA attainment and business-time percentiles per service,
//! providing department, requesting department or month, and the list of breaches with
//! the story of each clock. Over the requests the caller may see, filed in a period
//! (default: the last 90 days). Months are calendar months in the time zone of the
//! providing department's calendar (UTC for a department without one).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use handoff_domain::FieldErrors;
use handoff_domain::access::Actor;
use handoff_domain::sla::report::{Outcome, Summary};
use handoff_domain::sla::{ClockState, Target};
use handoff_store::reports::{self, ClockFact};
use handoff_store::slas::Timekeeping;
use handoff_store::{calendars, departments};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;

use super::request_sla::{self, clock_state};
use crate::AppState;
use crate::auth::Caller;
use crate::csv::{ExportFormat, Row, Sheet};
use crate::error::ApiError;
use crate::extract::QueryMap;

#[derive(Serialize, ToSchema)]
pub struct TargetSummary {
    pub met: u64,
    pub breached: u64,
    /// Still running or paused within their time.
    pub open: u64,
    /// Met among met and breached, 0 to 1; `null` when none is decided.
    pub attainment: Option<f64>,
    /// Business minutes the completed clocks took.
    pub median_minutes: Option<f64>,
    pub p90_minutes: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct ReportRow {
    /// The group: an id, or `YYYY-MM` for months.
    pub key: String,
    pub label: String,
    pub first_response: TargetSummary,
    pub resolution: TargetSummary,
    pub next_update: TargetSummary,
}

#[derive(Serialize, ToSchema)]
pub struct SlaReport {
    pub group_by: String,
    #[schema(value_type = String, format = DateTime)]
    pub from: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub to: Timestamp,
    pub rows: Vec<ReportRow>,
}

fn minutes(d: SignedDuration) -> f64 {
    (d.as_secs_f64() / 60.0 * 10.0).round() / 10.0
}

fn summarise(s: &Summary) -> TargetSummary {
    TargetSummary {
        met: s.met,
        breached: s.breached,
        open: s.open,
        attainment: s.attainment().map(|a| (a * 1000.0).round() / 1000.0),
        median_minutes: s.percentile(50.0).map(minutes),
        p90_minutes: s.percentile(90.0).map(minutes),
    }
}

/// Reads clocks at one instant, each running stretch counted in its providing
/// department's time: the same reading as `GET /api/v1/requests/{id}/sla`. Each
/// department's timekeeping is looked up once.
struct Reader<'a> {
    state: &'a AppState,
    now: Timestamp,
    time: BTreeMap<i64, Timekeeping>,
}

impl<'a> Reader<'a> {
    fn new(state: &'a AppState) -> Self {
        Reader {
            state,
            now: state.app.clock.now(),
            time: BTreeMap::new(),
        }
    }

    async fn read(&mut self, fact: &ClockFact) -> Result<ClockState, ApiError> {
        let department = fact.provider_department_id;
        if !self.time.contains_key(&department) {
            let kept = self.state.app.timekeeping(department).await?;
            self.time.insert(department, kept);
        }
        let work = self.time[&department].work(fact.calendar_time);
        clock_state(fact.request_id, &fact.clock, work, self.now)
    }
}

/// The period of a report: `from` and `to` (RFC 3339), by default the last 90 days.
pub(crate) fn period(
    query: &QueryMap,
    errors: &mut FieldErrors,
    now: Timestamp,
) -> (Timestamp, Timestamp) {
    let to = query.timestamp(errors, "to").unwrap_or(now);
    let from = query.timestamp(errors, "from").unwrap_or_else(|| {
        to.saturating_sub(SignedDuration::from_hours(24 * 90))
            .unwrap_or(to)
    });
    if from >= to {
        errors.add("from", "must be before `to`");
    }
    (from, to)
}

#[utoipa::path(get, path = "/api/v1/reports/sla", tag = "reports",
    params(("group_by" = String, Query, description = "service, provider_department, requester_department or month"),
           ("from" = Option<String>, Query, description = "RFC 3339; requests filed from then"),
           ("to" = Option<String>, Query, description = "RFC 3339; requests filed before then"),
           ("format" = inline(Option<ExportFormat>), Query, description = "json (default), or csv: one line per row of the report, the same figures, minutes in business minutes; `Accept: text/csv` asks for CSV too")),
    responses((status = 200, description = "The report, as JSON or CSV",
                content((SlaReport = "application/json"), (String = "text/csv"))),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn sla(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
    query: QueryMap,
) -> Result<Response, ApiError> {
    query.only(&["group_by", "from", "to", "format"])?;
    let mut errors = FieldErrors::new();
    let format = ExportFormat::of(&query, &headers, &mut errors);
    let now = state.app.clock.now();
    let (from, to) = period(&query, &mut errors, now);
    let group_by = query.get("group_by").unwrap_or("service").to_owned();
    if !GROUPS.contains(&group_by.as_str()) {
        errors.add(
            "group_by",
            "must be service, provider_department, requester_department or month",
        );
    }
    errors.into_result(()).map_err(ApiError::invalid)?;
    let report = build(&state, &actor, group_by, from, to).await?;
    match format {
        ExportFormat::Csv => report_csv(&report),
        ExportFormat::Json => Ok(Json(report).into_response()),
    }
}

/// The report as CSV, one line per row, with the figures of the JSON answer: per target
/// (`first_response`, `resolution`, `next_update`) the clocks met, breached and open,
/// the attainment (0 to 1) and the median and p90 in business minutes (calendar minutes
/// for a policy counted in calendar time), as the report page shows them. Shared by the
/// API and the page.
pub fn report_csv(report: &SlaReport) -> Result<Response, ApiError> {
    let mut columns: Vec<String> = ["group_by", "key", "label", "from", "to"]
        .map(str::to_owned)
        .to_vec();
    for target in Target::ALL {
        for figure in [
            "met",
            "breached",
            "open",
            "attainment",
            "median_business_minutes",
            "p90_business_minutes",
        ] {
            columns.push(format!("{}_{figure}", target.as_str()));
        }
    }
    let mut sheet = Sheet::new(&columns)?;
    for line in &report.rows {
        let mut row = Row::new();
        row.value(&report.group_by)
            .text(&line.key)
            .text(&line.label)
            .time(Some(report.from))
            .time(Some(report.to));
        for s in [&line.first_response, &line.resolution, &line.next_update] {
            row.value(s.met)
                .value(s.breached)
                .value(s.open)
                .figure(s.attainment)
                .figure(s.median_minutes)
                .figure(s.p90_minutes);
        }
        sheet.push(&row)?;
    }
    let name = format!(
        "sla-report-{}-{}-{}.csv",
        report.group_by,
        report.from.strftime("%Y-%m-%d"),
        report.to.strftime("%Y-%m-%d")
    );
    sheet.into_response(&name)
}

/// The groups allowed in `group_by`.
pub const GROUPS: [&str; 4] = [
    "service",
    "provider_department",
    "requester_department",
    "month",
];

/// The SLA report over what `actor` may see; shared by the API and the pages.
pub async fn build(
    state: &AppState,
    actor: &Actor,
    group_by: String,
    from: Timestamp,
    to: Timestamp,
) -> Result<SlaReport, ApiError> {
    let facts = reports::clock_facts(&state.app.db, actor, from, to).await?;
    let mut reader = Reader::new(state);
    let names: BTreeMap<i64, String> = if group_by.ends_with("department") {
        departments::list(&state.app.db, 0, i64::MAX)
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect()
    } else {
        BTreeMap::new()
    };
    // Months begin at midnight where the providing department works.
    let mut zones: BTreeMap<i64, TimeZone> = BTreeMap::new();
    if group_by == "month" {
        let departments: std::collections::BTreeSet<i64> =
            facts.iter().map(|f| f.provider_department_id).collect();
        for department in departments {
            let zone = calendars::of_department(&state.app.db, department)
                .await?
                .and_then(|c| TimeZone::get(&c.spec.time_zone).ok())
                .unwrap_or(TimeZone::UTC);
            zones.insert(department, zone);
        }
    }
    let mut groups: BTreeMap<String, (String, [Summary; 3])> = BTreeMap::new();
    for fact in &facts {
        let (key, label) = match group_by.as_str() {
            "service" => (fact.service_id.to_string(), fact.service_name.clone()),
            "provider_department" => {
                let id = fact.provider_department_id;
                (id.to_string(), names.get(&id).cloned().unwrap_or_default())
            }
            "requester_department" => {
                let id = fact.requester_department_id;
                (id.to_string(), names.get(&id).cloned().unwrap_or_default())
            }
            _ => {
                let zone = zones
                    .get(&fact.provider_department_id)
                    .cloned()
                    .unwrap_or(TimeZone::UTC);
                let month = fact
                    .created_at
                    .to_zoned_datetime(zone)
                    .strftime("%Y-%m")
                    .to_string();
                (month.clone(), month)
            }
        };
        let entry = groups
            .entry(key)
            .or_insert_with(|| (label, Default::default()));
        let index = Target::ALL
            .iter()
            .position(|t| *t == fact.clock.target)
            .unwrap_or(0);
        entry.1[index].record(&reader.read(fact).await?);
    }
    let mut rows: Vec<ReportRow> = groups
        .into_iter()
        .map(|(key, (label, s))| ReportRow {
            key,
            label,
            first_response: summarise(&s[0]),
            resolution: summarise(&s[1]),
            next_update: summarise(&s[2]),
        })
        .collect();
    if group_by != "month" {
        rows.sort_by(|a, b| a.label.cmp(&b.label).then(a.key.cmp(&b.key)));
    }
    Ok(SlaReport {
        group_by,
        from,
        to,
        rows,
    })
}

#[derive(Serialize, ToSchema)]
pub struct ClockEvent {
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    pub from: Option<String>,
    /// `running`, `paused`, `stopped`, `restarted`, `warning_75`, `breach`, ...
    pub to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Breach {
    pub request_id: i64,
    pub subject: String,
    pub service_id: i64,
    pub provider_department_id: i64,
    pub requester_department_id: i64,
    pub target: Target,
    pub allowed_minutes: f64,
    /// Business minutes used by now, the running stretch included: the same figure as
    /// the request's own SLA (`GET /api/v1/requests/{id}/sla`).
    pub used_minutes: f64,
    /// When the clock ran and stood still: why the time was used.
    pub timeline: Vec<ClockEvent>,
}

#[derive(Serialize, ToSchema)]
pub struct BreachList {
    pub items: Vec<Breach>,
}

#[utoipa::path(get, path = "/api/v1/reports/sla/breaches", tag = "reports",
    params(("from" = Option<String>, Query), ("to" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = BreachList), (status = 422, body = crate::error::ErrorBody)))]
pub async fn breaches(
    State(state): State<AppState>,
    Caller(actor): Caller,
    query: QueryMap,
) -> Result<Json<BreachList>, ApiError> {
    query.only(&["from", "to", "limit"])?;
    let mut errors = FieldErrors::new();
    let now = state.app.clock.now();
    let (from, to) = period(&query, &mut errors, now);
    let limit = query.limit(&mut errors, 50, 200) as usize;
    errors.into_result(()).map_err(ApiError::invalid)?;
    let items = breach_list(&state, &actor, from, to, limit).await?;
    Ok(Json(BreachList { items }))
}

/// The latest breached clocks with their timelines; shared by the API and the pages.
pub async fn breach_list(
    state: &AppState,
    actor: &Actor,
    from: Timestamp,
    to: Timestamp,
    limit: usize,
) -> Result<Vec<Breach>, ApiError> {
    let facts = reports::clock_facts(&state.app.db, actor, from, to).await?;
    let mut reader = Reader::new(state);
    let mut items = Vec::new();
    for fact in facts.iter().rev() {
        let clock = reader.read(fact).await?;
        if Outcome::of(&clock) != Outcome::Breached {
            continue;
        }
        if items.len() == limit {
            break;
        }
        let timeline = reports::clock_timeline(&state.app.db, fact.request_id, fact.clock.target)
            .await?
            .into_iter()
            .map(|entry| {
                let (_, from, to) = entry.event.as_field_change();
                ClockEvent {
                    at: super::time(entry.at),
                    from,
                    to,
                }
            })
            .collect();
        items.push(Breach {
            request_id: fact.request_id,
            subject: fact.subject.clone(),
            service_id: fact.service_id,
            provider_department_id: fact.provider_department_id,
            requester_department_id: fact.requester_department_id,
            target: fact.clock.target,
            allowed_minutes: request_sla::minutes(fact.clock.allowed),
            used_minutes: request_sla::minutes(clock.used),
            timeline,
        });
    }
    Ok(items)
}

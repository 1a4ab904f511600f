//! Relationship health on pages: `/overview` (what leadership reads first), `/health`
//! (the matrix of customers × providers and a sortable list), `/health/{c}/{p}` (a
//! pair's parts, evidence and trend), `/map`, `/bottlenecks` and
//! `/departments/{id}/scorecard`. Every figure comes from the same actions as the API.

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use handoff_app::health::{BottleneckView, PairHealth};
use handoff_domain::health::{Assessment, Part};
use handoff_store::{departments, from_micros};
use jiff::Timestamp;

use super::form::{PageId, Pairs};
use super::{Choice, Frame, PageError, Viewer, format, render};
use crate::AppState;
use crate::api::health::{edges_of, health_csv, nodes_of};
use crate::charts;
use crate::csv::{self, ExportFormat};

/// Departments beyond which the map asks for one department's neighbourhood, and the
/// matrix shows only its list.
const WHOLE_MAP_MAX: usize = 60;
const GRID_MAX: usize = 40;

/// A score as a page shows it: the number and its band for the colour.
pub struct Score {
    pub text: String,
    /// `good`, `fair`, `poor` or `none`.
    pub band: &'static str,
}

impl Score {
    fn of(score: Option<f64>) -> Score {
        match score {
            Some(s) => Score {
                text: charts_value(s),
                band: if s >= 75.0 {
                    "good"
                } else if s >= 50.0 {
                    "fair"
                } else {
                    "poor"
                },
            },
            None => Score {
                text: "–".to_owned(),
                band: "none",
            },
        }
    }
}

fn charts_value(v: f64) -> String {
    format!("{v:.1}")
}

fn signed(v: Option<f64>) -> String {
    match v {
        Some(v) if v > 0.0 => format!("+{v:.1}"),
        Some(v) => format!("{v:.1}"),
        None => "–".to_owned(),
    }
}

pub struct PartLine {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub value: String,
    pub events: u64,
    pub minimum: u64,
    pub enough: bool,
    pub weight: String,
    pub configured_weight: u32,
    pub trend: String,
}

pub struct AssessmentView {
    pub score: Score,
    pub trend: String,
    pub parts: Vec<PartLine>,
    pub watermelon: bool,
    pub notes: Vec<String>,
}

impl AssessmentView {
    fn of(a: &Assessment) -> AssessmentView {
        AssessmentView {
            score: Score::of(a.score),
            trend: signed(a.score_trend),
            parts: a
                .parts
                .iter()
                .map(|p| PartLine {
                    key: p.part.as_str(),
                    label: p.part.label(),
                    kind: p.part.kind().label(),
                    value: p.value.map_or("–".to_owned(), charts_value),
                    events: p.events,
                    minimum: p.part.min_events(),
                    enough: p.enough,
                    weight: format!("{:.1}%", p.weight),
                    configured_weight: p.configured_weight,
                    trend: signed(p.trend),
                })
                .collect(),
            watermelon: a.watermelon,
            notes: a.notes.clone(),
        }
    }
}

pub struct PairLine {
    /// Links to the pair's page and each side's scorecard, at the page's instant.
    pub pair_href: String,
    pub customer_href: String,
    pub provider_href: String,
    pub customer: String,
    pub provider: String,
    pub score: Score,
    pub trend: String,
    pub watermelon: bool,
    pub kudos: i64,
    pub open_concerns: i64,
    pub requests: i64,
    /// The parts' values in `Part::ALL` order, for the list's columns.
    pub values: Vec<String>,
}

fn pair_lines(pairs: &[PairHealth], names: &HashMap<i64, String>, q: &str) -> Vec<PairLine> {
    let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
    pairs
        .iter()
        .map(|p| PairLine {
            pair_href: format!("/health/{}/{}{q}", p.customer, p.provider),
            customer_href: format!("/departments/{}/scorecard{q}", p.customer),
            provider_href: format!("/departments/{}/scorecard{q}", p.provider),
            customer: name(p.customer),
            provider: name(p.provider),
            score: Score::of(p.assessment.score),
            trend: signed(p.assessment.score_trend),
            watermelon: p.assessment.watermelon,
            kudos: p.kudos,
            open_concerns: p.open_concerns,
            requests: p.requests,
            values: Part::ALL
                .into_iter()
                .map(|part| {
                    let f = p.assessment.part(part);
                    match (f.value, f.enough) {
                        (Some(v), true) => charts_value(v),
                        (Some(_), false) => "few".to_owned(),
                        (None, _) => "–".to_owned(),
                    }
                })
                .collect(),
        })
        .collect()
}

async fn names_of(
    state: &AppState,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>, PageError> {
    let ids: Vec<i64> = ids.into_iter().collect();
    Ok(departments::names(&state.app.db, &ids).await?)
}

/// The instant a page reads at: `at` as a date (the end of that day in the viewer's
/// zone) or an RFC 3339 time; now when absent. A value that is neither is refused.
fn read_at(state: &AppState, viewer: &Viewer, query: &Pairs) -> Result<Timestamp, PageError> {
    let Some(raw) = query.filled("at") else {
        return Ok(handoff_app::health::instant(state.app.clock.now()));
    };
    if let Ok(at) = raw.parse::<Timestamp>() {
        return Ok(handoff_app::health::instant(at));
    }
    raw.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.tomorrow().ok())
        .and_then(|d| {
            viewer
                .zone
                .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                .ok()
        })
        .ok_or_else(|| {
            PageError::Rejected(
                StatusCode::BAD_REQUEST,
                "The date must look like 2026-11-24.".to_owned(),
            )
        })
}

/// The window a page shows, in words.
fn window_words(at: Timestamp, viewer: &Viewer) -> String {
    let window = handoff_app::health::Window::ending(at);
    format!(
        "the 90 days from {} to {}",
        format::time(window.from, &viewer.zone),
        format::time(window.to, &viewer.zone)
    )
}

/// The date the page's date box shows: the day the window ends on, in the viewer's zone.
fn at_value(query: &Pairs, at: Timestamp, viewer: &Viewer) -> String {
    match query.filled("at") {
        None => String::new(),
        Some(raw) if raw.parse::<jiff::civil::Date>().is_ok() => raw.to_owned(),
        Some(_) => viewer.zone.to_datetime(at).date().to_string(),
    }
}

/// `?at=…` to carry the instant a page reads at on to the pages it links to; empty when
/// it reads now.
fn at_query(query: &Pairs) -> String {
    match query.filled("at") {
        None => String::new(),
        Some(raw) => format!(
            "?{}",
            serde_urlencoded::to_string([("at", raw)]).unwrap_or_default()
        ),
    }
}

pub struct Column {
    pub id: i64,
    pub name: String,
}

pub struct GridRow {
    pub id: i64,
    pub name: String,
    /// One cell per column: the pair's score, `None` when the pair is quiet.
    pub cells: Vec<Option<Score>>,
}

#[derive(Template)]
#[template(path = "health.html")]
struct MatrixPage {
    frame: Frame,
    /// `?at=…` for the links, or empty.
    q: String,
    window: String,
    at: String,
    sort: String,
    columns: Vec<Column>,
    rows: Vec<GridRow>,
    lines: Vec<PairLine>,
    part_labels: Vec<&'static str>,
    grid_too_big: bool,
    /// The list with the page's instant and order as a CSV file.
    csv_href: String,
}

/// `GET /health`; `?format=csv` answers the list as a CSV file, in the page's order.
pub async fn matrix(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Pairs,
) -> Result<Response, PageError> {
    let as_csv = ExportFormat::of_page(query.filled("format"))?;
    let at = read_at(&state, &viewer, &query)?;
    let q = at_query(&query);
    let pairs =
        handoff_app::health::pairs_at(&state.app, handoff_store::health::Pairs::All, at).await?;
    let names = names_of(&state, pairs.iter().flat_map(|p| [p.customer, p.provider])).await?;
    // Each line beside its pair, so that the CSV keeps the list's order.
    let lines = pair_lines(&pairs, &names, &q);
    let mut listed: Vec<(PairLine, PairHealth)> = lines.into_iter().zip(pairs).collect();
    let sort = query.filled("sort").unwrap_or("score").to_owned();
    let score_key = |l: &PairLine| l.score.text.parse::<f64>().unwrap_or(f64::INFINITY);
    match sort.as_str() {
        "customer" => listed
            .sort_by(|(a, _), (b, _)| (&a.customer, &a.provider).cmp(&(&b.customer, &b.provider))),
        "provider" => listed
            .sort_by(|(a, _), (b, _)| (&a.provider, &a.customer).cmp(&(&b.provider, &b.customer))),
        "requests" => listed.sort_by_key(|(l, _)| std::cmp::Reverse(l.requests)),
        _ => listed.sort_by(|(a, _), (b, _)| score_key(a).total_cmp(&score_key(b))),
    }
    let (lines, pairs): (Vec<PairLine>, Vec<PairHealth>) = listed.into_iter().unzip();
    if as_csv {
        return Ok(health_csv(&state, at, &pairs).await?);
    }
    let customers: BTreeSet<i64> = pairs.iter().map(|p| p.customer).collect();
    let providers: BTreeSet<i64> = pairs.iter().map(|p| p.provider).collect();
    let grid_too_big = customers.len().max(providers.len()) > GRID_MAX;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
    let (columns, rows) = if grid_too_big {
        (Vec::new(), Vec::new())
    } else {
        let by_pair: HashMap<(i64, i64), Option<f64>> = pairs
            .iter()
            .map(|p| ((p.customer, p.provider), p.assessment.score))
            .collect();
        let columns: Vec<Column> = providers
            .iter()
            .map(|id| Column {
                id: *id,
                name: name(*id),
            })
            .collect();
        let rows = customers
            .iter()
            .map(|c| GridRow {
                id: *c,
                name: name(*c),
                cells: providers
                    .iter()
                    .map(|p| by_pair.get(&(*c, *p)).map(|s| Score::of(*s)))
                    .collect(),
            })
            .collect();
        (columns, rows)
    };
    let csv_href = csv::href(
        "/health",
        &[
            ("at", query.filled("at").unwrap_or_default()),
            ("sort", &sort),
        ],
    );
    let page = MatrixPage {
        frame: Frame::new(&viewer, "health"),
        csv_href,
        q: q.clone(),
        window: window_words(at, &viewer),
        at: at_value(&query, at, &viewer),
        sort,
        columns,
        rows,
        lines,
        part_labels: Part::ALL.into_iter().map(Part::label).collect(),
        grid_too_big,
    };
    Ok(render(StatusCode::OK, &page))
}

pub struct BreachLine {
    pub request_id: i64,
    pub target: &'static str,
    pub beyond: String,
}

pub struct LateLine {
    pub occurrence_id: i64,
    pub due: String,
    pub delivered: String,
}

pub struct LateConcernLine {
    pub concern_id: i64,
    pub due: String,
    pub answered: String,
}

#[derive(Template)]
#[template(path = "health_pair.html")]
struct PairPage {
    frame: Frame,
    /// `?at=…` for the links, or empty.
    q: String,
    window: String,
    at: String,
    customer_id: i64,
    customer: String,
    provider_id: i64,
    provider: String,
    view: AssessmentView,
    kudos: i64,
    open_concerns: i64,
    requests: i64,
    breaches: Vec<BreachLine>,
    late: Vec<LateLine>,
    /// Requests rated 1 or 2, with their score.
    low_ratings: Vec<(i64, i32)>,
    late_concerns: Vec<LateConcernLine>,
    requests_listed: bool,
    feedback_listed: bool,
    chart: String,
}

/// `GET /health/{customer}/{provider}`.
pub async fn pair(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::extract::Path((customer, provider)): axum::extract::Path<(i64, i64)>,
    query: Pairs,
) -> Result<Response, PageError> {
    let at = read_at(&state, &viewer, &query)?;
    let q = at_query(&query);
    let detail =
        handoff_app::health::pair(&state.app, &viewer.actor, customer, provider, at).await?;
    let names = names_of(&state, [customer, provider]).await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let points: Vec<charts::TrendPoint> = detail
        .trend
        .iter()
        .map(|t| charts::TrendPoint {
            label: viewer_month(t.at, &viewer),
            value: t.score,
        })
        .collect();
    let chart = charts::trend_svg(
        &format!(
            "Health of {} serving {}, month by month",
            name(provider),
            name(customer)
        ),
        &points,
    );
    let page = PairPage {
        frame: Frame::new(&viewer, "health"),
        q: q.clone(),
        window: window_words(at, &viewer),
        at: at_value(&query, at, &viewer),
        customer_id: customer,
        customer: name(customer),
        provider_id: provider,
        provider: name(provider),
        view: AssessmentView::of(&detail.health.assessment),
        kudos: detail.health.kudos,
        open_concerns: detail.health.open_concerns,
        requests: detail.health.requests,
        breaches: detail
            .evidence
            .breaches
            .iter()
            .map(|b| BreachLine {
                request_id: b.request_id,
                target: if b.target == "first_response" {
                    "First response"
                } else {
                    "Resolution"
                },
                beyond: format!(
                    "{} beyond its target{}",
                    format::minutes(b.minutes_beyond as f64),
                    if b.open { ", still open" } else { "" }
                ),
            })
            .collect(),
        late: detail
            .evidence
            .late
            .iter()
            .map(|o| LateLine {
                occurrence_id: o.occurrence_id,
                due: format::time(from_micros(o.due_at), &viewer.zone),
                delivered: o.delivered_at.map_or("not delivered".to_owned(), |d| {
                    format!("delivered {}", format::time(from_micros(d), &viewer.zone))
                }),
            })
            .collect(),
        low_ratings: detail
            .evidence
            .low_ratings
            .iter()
            .map(|r| (r.request_id, r.score))
            .collect(),
        late_concerns: detail
            .evidence
            .late_concerns
            .iter()
            .map(|c| LateConcernLine {
                concern_id: c.concern_id,
                due: format::time(from_micros(c.due_at), &viewer.zone),
                answered: c.answered_at.map_or("not answered".to_owned(), |a| {
                    format!("answered {}", format::time(from_micros(a), &viewer.zone))
                }),
            })
            .collect(),
        requests_listed: detail.evidence.requests_listed,
        feedback_listed: detail.evidence.feedback_listed,
        chart,
    };
    Ok(render(StatusCode::OK, &page))
}

fn viewer_month(at: Timestamp, viewer: &Viewer) -> String {
    let dt = viewer.zone.to_datetime(at);
    format!("{:04}-{:02}", dt.year(), dt.month())
}

#[derive(Template)]
#[template(path = "health_map.html")]
struct MapPage {
    frame: Frame,
    /// `?at=…` for the links, or empty.
    q: String,
    /// The `at` the page was asked for, carried by its form.
    at: String,
    window: String,
    departments: Vec<Choice>,
    svg: Option<String>,
    too_many: bool,
    edges: usize,
    /// Relationships not drawn (the least busy beyond the drawing's limit).
    left_out: usize,
}

/// `GET /map`.
pub async fn map(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Pairs,
) -> Result<Response, PageError> {
    let at = read_at(&state, &viewer, &query)?;
    let q = at_query(&query);
    let around: Option<i64> = query.filled("department_id").and_then(|d| d.parse().ok());
    let all = departments::list(&state.app.db, 0, i64::MAX).await?;
    let too_many = around.is_none() && all.len() > WHOLE_MAP_MAX;
    let departments = all
        .iter()
        .map(|d| Choice::new(d.id.to_string(), d.name.clone(), Some(d.id) == around))
        .collect();
    let (svg, edges, left_out) = if too_many {
        (None, 0, 0)
    } else {
        let map = handoff_app::scorecards::map(&state.app, around, at).await?;
        let (drawn, left_out) = edges_of(&map, &q);
        (
            Some(charts::map_svg(&nodes_of(&map, &q), &drawn)),
            map.edges.len(),
            left_out,
        )
    };
    let page = MapPage {
        frame: Frame::new(&viewer, "health"),
        q: q.clone(),
        at: query.filled("at").unwrap_or_default().to_owned(),
        window: window_words(at, &viewer),
        departments,
        svg,
        too_many,
        edges,
        left_out,
    };
    Ok(render(StatusCode::OK, &page))
}

pub struct EvidenceLine {
    pub pair_href: String,
    pub customer: String,
    pub waited: String,
    pub criticality: &'static str,
    pub request_ids: Vec<i64>,
    pub occurrence_ids: Vec<i64>,
}

pub struct BottleneckLine {
    pub href: String,
    pub rank: u32,
    pub department: String,
    pub impact: String,
    pub waiting: u32,
    pub evidence: Vec<EvidenceLine>,
}

/// The bottlenecks as lines; the requests behind each pair's minutes are named only to
/// those who may read them (`health::lists_requests`).
fn bottleneck_lines(
    ranked: &[BottleneckView],
    names: &HashMap<i64, String>,
    q: &str,
    viewer: &Viewer,
) -> Vec<BottleneckLine> {
    let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
    ranked
        .iter()
        .map(|b| BottleneckLine {
            href: format!("/departments/{}/scorecard{q}", b.bottleneck.department_id),
            rank: b.bottleneck.rank,
            department: name(b.bottleneck.department_id),
            impact: charts_value(b.bottleneck.impact),
            waiting: b.bottleneck.waiting_departments,
            evidence: b
                .evidence
                .iter()
                .map(|e| EvidenceLine {
                    pair_href: format!("/health/{}/{}{q}", e.customer, b.bottleneck.department_id),
                    customer: name(e.customer),
                    waited: format::minutes(e.business_minutes_beyond_target as f64),
                    criticality: e.criticality.map_or("none declared", |c| c.label()),
                    request_ids: match handoff_app::health::lists_requests(
                        &viewer.actor,
                        e.customer,
                        b.bottleneck.department_id,
                    ) {
                        true => e.request_ids.clone(),
                        false => Vec::new(),
                    },
                    occurrence_ids: e.occurrence_ids.clone(),
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "bottlenecks.html")]
struct BottlenecksPage {
    frame: Frame,
    /// `?at=…` for the links, or empty.
    q: String,
    window: String,
    lines: Vec<BottleneckLine>,
}

/// `GET /bottlenecks`.
pub async fn bottlenecks(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Pairs,
) -> Result<Response, PageError> {
    let at = read_at(&state, &viewer, &query)?;
    let q = at_query(&query);
    let ranked = handoff_app::health::bottlenecks(&state.app, at).await?;
    let ids: Vec<i64> = ranked
        .iter()
        .flat_map(|b| {
            std::iter::once(b.bottleneck.department_id).chain(b.evidence.iter().map(|e| e.customer))
        })
        .collect();
    let names = names_of(&state, ids).await?;
    let page = BottlenecksPage {
        frame: Frame::new(&viewer, "health"),
        q: q.clone(),
        window: window_words(at, &viewer),
        lines: bottleneck_lines(&ranked, &names, &q, &viewer),
    };
    Ok(render(StatusCode::OK, &page))
}

pub struct DependencyRef {
    pub id: i64,
    pub other_id: i64,
    pub other: String,
    pub what: String,
    pub criticality: String,
}

#[derive(Template)]
#[template(path = "scorecard.html")]
struct ScorecardPage {
    frame: Frame,
    /// `?at=…` for the links, or empty.
    q: String,
    map_href: String,
    window: String,
    id: i64,
    name: String,
    services: Vec<(i64, String)>,
    as_provider: AssessmentView,
    customers: Vec<PairLine>,
    dependents: Vec<DependencyRef>,
    as_customer: AssessmentView,
    providers: Vec<PairLine>,
    depends_on: Vec<DependencyRef>,
    bottleneck: Option<BottleneckLine>,
}

/// `GET /departments/{id}/scorecard`.
pub async fn scorecard(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    query: Pairs,
) -> Result<Response, PageError> {
    let at = read_at(&state, &viewer, &query)?;
    let q = at_query(&query);
    let card = handoff_app::scorecards::scorecard(&state.app, id, at).await?;
    let mut ids: Vec<i64> = card
        .customers
        .iter()
        .chain(&card.providers)
        .flat_map(|p| [p.customer, p.provider])
        .collect();
    ids.extend(
        card.dependents
            .iter()
            .chain(&card.depends_on)
            .flat_map(|d| [d.customer_department_id, d.provider_department_id]),
    );
    if let Some(b) = &card.bottleneck {
        ids.extend(b.evidence.iter().map(|e| e.customer));
    }
    ids.push(id);
    let names = names_of(&state, ids).await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let dependency = |d: &handoff_store::dependencies::Dependency, other: i64| DependencyRef {
        id: d.id,
        other_id: other,
        other: name(other),
        what: d.what.clone(),
        criticality: handoff_domain::dependency::Criticality::parse(&d.criticality)
            .map_or(d.criticality.clone(), |c| c.label().to_owned()),
    };
    let page = ScorecardPage {
        frame: Frame::new(&viewer, "health"),
        map_href: match q.strip_prefix('?') {
            Some(at) => format!("/map?department_id={id}&{at}"),
            None => format!("/map?department_id={id}"),
        },
        q: q.clone(),
        window: window_words(at, &viewer),
        id,
        name: card.department.name.clone(),
        services: card
            .services
            .iter()
            .map(|s| (s.id, s.name.clone()))
            .collect(),
        as_provider: AssessmentView::of(&card.as_provider),
        customers: pair_lines(&card.customers, &names, &q),
        dependents: card
            .dependents
            .iter()
            .map(|d| dependency(d, d.customer_department_id))
            .collect(),
        as_customer: AssessmentView::of(&card.as_customer),
        providers: pair_lines(&card.providers, &names, &q),
        depends_on: card
            .depends_on
            .iter()
            .map(|d| dependency(d, d.provider_department_id))
            .collect(),
        bottleneck: card
            .bottleneck
            .as_ref()
            .and_then(|b| bottleneck_lines(std::slice::from_ref(b), &names, &q, &viewer).pop()),
    };
    Ok(render(StatusCode::OK, &page))
}

pub struct StoryLine {
    pub from: String,
    pub to: String,
    pub value: String,
    pub story: String,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    frame: Frame,
    /// `?at=…` for the links, or empty.
    q: String,
    window: String,
    least: Vec<PairLine>,
    most: Vec<PairLine>,
    movers: Vec<PairLine>,
    bottlenecks: Vec<BottleneckLine>,
    stories: Vec<StoryLine>,
}

/// `GET /overview`.
pub async fn overview(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Pairs,
) -> Result<Response, PageError> {
    let at = read_at(&state, &viewer, &query)?;
    let q = at_query(&query);
    let o = handoff_app::scorecards::overview(&state.app, at).await?;
    let ids = o
        .least_healthy
        .iter()
        .chain(&o.most_healthy)
        .chain(&o.movers)
        .flat_map(|p| [p.customer, p.provider])
        .chain(o.bottlenecks.iter().flat_map(|b| {
            std::iter::once(b.bottleneck.department_id).chain(b.evidence.iter().map(|e| e.customer))
        }))
        .chain(
            o.stories
                .iter()
                .flat_map(|k| [k.from_department_id, k.to_department_id]),
        );
    let names = names_of(&state, ids.collect::<Vec<_>>()).await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let page = OverviewPage {
        frame: Frame::new(&viewer, "health"),
        q: q.clone(),
        window: window_words(at, &viewer),
        least: pair_lines(&o.least_healthy, &names, &q),
        most: pair_lines(&o.most_healthy, &names, &q),
        movers: pair_lines(&o.movers, &names, &q),
        bottlenecks: bottleneck_lines(&o.bottlenecks, &names, &q, &viewer),
        stories: o
            .stories
            .iter()
            .map(|k| StoryLine {
                from: name(k.from_department_id),
                to: name(k.to_department_id),
                value: k.value.clone(),
                story: k.story.clone().unwrap_or_else(|| k.message.clone()),
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, &page))
}

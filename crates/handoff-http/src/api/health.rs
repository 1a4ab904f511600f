//! `/api/v1/health`, `/api/v1/bottlenecks`, `/api/v1/map` and the scorecards: how well
//! each department serves each other one, where work gets stuck, and the graph of who
//! depends on and asks whom. Readable by everyone signed in: the figures are the
//! organisation's, and nothing in them is finer than what the pages of requests,
//! deliverables, concerns and pulses already show.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use handoff_app::health::{BottleneckView, PairDetail, PairHealth};
use handoff_app::scorecards::{Map, Scorecard};
use handoff_domain::FieldErrors;
use handoff_domain::health::{Assessment, Part, PartFigure, Weights};
use handoff_store::dependencies::Dependency;
use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

use super::time;
use crate::AppState;
use crate::auth::Caller;
use crate::charts;
use crate::csv::{ExportFormat, Row, Sheet};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, QueryMap};

/// One part of a relationship's health.
#[derive(Serialize, ToSchema)]
pub struct PartJson {
    /// `sla`, `deliverables_on_time`, `deliverables_accurate`, `concerns`,
    /// `satisfaction` or `pulse`.
    pub name: &'static str,
    /// 0-100 to one decimal; null without events.
    pub value: Option<f64>,
    pub events: u64,
    /// Whether it has the minimum number of events to count.
    pub enough: bool,
    /// Its share of the score in percent (0 when it does not count).
    pub weight: f64,
    /// The weight set by the admins, before sharing.
    pub configured_weight: u32,
    /// Against the previous 90-day window.
    pub trend: Option<f64>,
}

impl From<&PartFigure> for PartJson {
    fn from(p: &PartFigure) -> Self {
        PartJson {
            name: p.part.as_str(),
            value: p.value,
            events: p.events,
            enough: p.enough,
            weight: p.weight,
            configured_weight: p.configured_weight,
            trend: p.trend,
        }
    }
}

/// A score and its parts.
#[derive(Serialize, ToSchema)]
pub struct AssessmentJson {
    /// 0-100; null when no part has enough events.
    pub score: Option<f64>,
    pub score_trend: Option<f64>,
    pub parts: Vec<PartJson>,
    /// SLA targets and deliverables look green while the customers are unhappy.
    pub watermelon: bool,
    /// What the figures leave out, in words.
    pub notes: Vec<String>,
}

impl From<&Assessment> for AssessmentJson {
    fn from(a: &Assessment) -> Self {
        AssessmentJson {
            score: a.score,
            score_trend: a.score_trend,
            parts: a.parts.iter().map(PartJson::from).collect(),
            watermelon: a.watermelon,
            notes: a.notes.clone(),
        }
    }
}

/// One relationship: how the provider serves the customer over the window.
#[derive(Serialize, ToSchema)]
pub struct HealthPairJson {
    pub customer_department_id: i64,
    pub provider_department_id: i64,
    pub score: Option<f64>,
    pub score_trend: Option<f64>,
    pub parts: Vec<PartJson>,
    pub watermelon: bool,
    pub notes: Vec<String>,
    /// Beside the score, never in it.
    pub kudos: i64,
    pub open_concerns: i64,
    /// Requests the customer filed that the provider held, filed in the window.
    pub requests: i64,
}

impl From<&PairHealth> for HealthPairJson {
    fn from(p: &PairHealth) -> Self {
        let a = AssessmentJson::from(&p.assessment);
        HealthPairJson {
            customer_department_id: p.customer,
            provider_department_id: p.provider,
            score: a.score,
            score_trend: a.score_trend,
            parts: a.parts,
            watermelon: a.watermelon,
            notes: a.notes,
            kudos: p.kudos,
            open_concerns: p.open_concerns,
            requests: p.requests,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct HealthJson {
    /// The window's end; it starts 90 days before.
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub from: Timestamp,
    pub weights: Weights,
    pub items: Vec<HealthPairJson>,
}

/// The `at` parameter (default: now), and no others than `known`.
fn at(state: &AppState, query: &QueryMap, known: &[&str]) -> Result<Timestamp, ApiError> {
    query.only(known)?;
    let mut errors = FieldErrors::new();
    let at = query.timestamp(&mut errors, "at");
    errors.into_result(()).map_err(ApiError::invalid)?;
    Ok(handoff_app::health::instant(
        at.unwrap_or_else(|| state.app.clock.now()),
    ))
}

#[utoipa::path(get, path = "/api/v1/health", tag = "relationships",
    params(("at" = Option<String>, Query, description = "RFC 3339: the end of the 90-day window; default now"),
           ("format" = inline(Option<ExportFormat>), Query, description = "json (default), or csv: one line per pair with both departments' names, the score and each part's value, events, enough and weight; `Accept: text/csv` asks for CSV too")),
    responses((status = 200, description = "Every pair's health, as JSON or CSV",
                content((HealthJson = "application/json"), (String = "text/csv"))),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn matrix(
    State(state): State<AppState>,
    _caller: Caller,
    headers: HeaderMap,
    query: QueryMap,
) -> Result<Response, ApiError> {
    let format = ExportFormat::only(&query, &headers);
    let at = at(&state, &query, &["at", "format"])?;
    let format = format?;
    let pairs =
        handoff_app::health::pairs_at(&state.app, handoff_store::health::Pairs::All, at).await?;
    if format == ExportFormat::Csv {
        return health_csv(&state, at, &pairs).await;
    }
    Ok(Json(HealthJson {
        at,
        from: handoff_app::health::Window::ending(at).from,
        weights: handoff_app::health::weights(&state.app).await?,
        items: pairs.iter().map(HealthPairJson::from).collect(),
    })
    .into_response())
}

/// The pairs as CSV, in the order given, one line each: the window, the customer and
/// the provider (id and name), the score and its trend, then for each part
/// (`sla_value`, `sla_events`, `sla_enough`, `sla_weight`, then the same for
/// `deliverables_on_time`, `deliverables_accurate`, `concerns`, `satisfaction` and
/// `pulse`) the figures of the JSON answer, then watermelon, kudos, open concerns and
/// requests. Shared by the API and the health page.
pub async fn health_csv(
    state: &AppState,
    at: Timestamp,
    pairs: &[PairHealth],
) -> Result<Response, ApiError> {
    let ids: Vec<i64> = pairs
        .iter()
        .flat_map(|p| [p.customer, p.provider])
        .collect();
    let names = handoff_store::departments::names(&state.app.db, &ids).await?;
    let name = |id: i64| names.get(&id).map_or("", String::as_str);
    let mut columns: Vec<String> = [
        "window_from",
        "window_to",
        "customer_department_id",
        "customer",
        "provider_department_id",
        "provider",
        "score",
        "score_trend",
    ]
    .map(str::to_owned)
    .to_vec();
    for part in Part::ALL {
        for figure in ["value", "events", "enough", "weight"] {
            columns.push(format!("{}_{figure}", part.as_str()));
        }
    }
    columns.extend(["watermelon", "kudos", "open_concerns", "requests"].map(str::to_owned));
    let mut sheet = Sheet::new(&columns)?;
    let from = handoff_app::health::Window::ending(at).from;
    for p in pairs {
        let a = &p.assessment;
        let mut row = Row::new();
        row.time(Some(from))
            .time(Some(at))
            .value(p.customer)
            .text(name(p.customer))
            .value(p.provider)
            .text(name(p.provider))
            .figure(a.score)
            .figure(a.score_trend);
        for part in Part::ALL {
            let f = a.part(part);
            row.figure(f.value)
                .value(f.events)
                .flag(f.enough)
                .figure(Some(f.weight));
        }
        row.flag(a.watermelon)
            .value(p.kudos)
            .value(p.open_concerns)
            .value(p.requests);
        sheet.push(&row)?;
    }
    sheet.into_response(&format!("health-{}.csv", at.strftime("%Y-%m-%d")))
}

/// A clock that went past its target.
#[derive(Serialize, ToSchema)]
pub struct BreachJson {
    pub request_id: i64,
    /// `first_response` or `resolution`.
    pub target: String,
    /// Business minutes used beyond the target by the clock's stop or the window's end,
    /// in the provider's calendar; time the request waited on linked requests held by
    /// other departments is not counted against it.
    pub business_minutes_beyond_target: i64,
    /// Not stopped at the window's end: still open, or waiting on its customer, past
    /// its target.
    pub open: bool,
}

/// An occurrence that came late or not at all.
#[derive(Serialize, ToSchema)]
pub struct LateJson {
    pub occurrence_id: i64,
    pub deliverable_id: i64,
    #[schema(value_type = String, format = DateTime)]
    pub due_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub delivered_at: Option<Timestamp>,
}

/// A rating of 1 or 2 given in the window.
#[derive(Serialize, ToSchema)]
pub struct LowRatingJson {
    pub request_id: i64,
    pub score: i32,
}

/// A concern whose target passed unanswered in the window.
#[derive(Serialize, ToSchema)]
pub struct LateConcernJson {
    pub concern_id: i64,
    #[schema(value_type = String, format = DateTime)]
    pub due_at: Timestamp,
    /// When it was answered, after its target; null while unanswered.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub answered_at: Option<Timestamp>,
}

#[derive(Serialize, ToSchema)]
pub struct TrendPointJson {
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    pub score: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct EvidenceJson {
    /// The requests whose targets this provider breached for this customer, the
    /// largest overrun first (at most 50).
    pub breaches: Vec<BreachJson>,
    /// The occurrences that came late or not at all (at most 50).
    pub late_occurrences: Vec<LateJson>,
    /// The ratings of 1 or 2 behind the satisfaction part, lowest first (at most 50;
    /// confidential requests left out). Listed to the provider's people and administrators
    /// only (see `feedback_listed`).
    pub low_ratings: Vec<LowRatingJson>,
    /// The concerns behind the concerns part whose target passed unanswered (answered
    /// late, or not yet), oldest first (at most 50); anonymous ones are counted in the
    /// part but not listed. Listed as `low_ratings` is.
    pub late_concerns: Vec<LateConcernJson>,
    /// Whether the caller may read the breaches (a member of either department, or an
    /// administrator). When false the list is empty, and the clocks still count.
    pub requests_listed: bool,
    /// Whether the caller may read the low ratings and late concerns (a member of the
    /// provider, or an administrator, as for a rating or a concern on its own). When
    /// false both lists are empty, and the ratings and concerns still count in their parts.
    pub feedback_listed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct PairDetailJson {
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub from: Timestamp,
    #[serde(flatten)]
    pub pair: HealthPairJson,
    pub evidence: EvidenceJson,
    /// The score of the 90 days ending at each of the last 12 month starts and at `at`,
    /// oldest first.
    pub trend: Vec<TrendPointJson>,
}

impl PairDetailJson {
    fn new(at: Timestamp, d: &PairDetail) -> Self {
        PairDetailJson {
            at,
            from: handoff_app::health::Window::ending(at).from,
            pair: HealthPairJson::from(&d.health),
            evidence: EvidenceJson {
                breaches: d
                    .evidence
                    .breaches
                    .iter()
                    .map(|b| BreachJson {
                        request_id: b.request_id,
                        target: b.target.clone(),
                        business_minutes_beyond_target: b.minutes_beyond,
                        open: b.open,
                    })
                    .collect(),
                late_occurrences: d
                    .evidence
                    .late
                    .iter()
                    .map(|o| LateJson {
                        occurrence_id: o.occurrence_id,
                        deliverable_id: o.deliverable_id,
                        due_at: time(o.due_at),
                        delivered_at: o.delivered_at.map(time),
                    })
                    .collect(),
                low_ratings: d
                    .evidence
                    .low_ratings
                    .iter()
                    .map(|r| LowRatingJson {
                        request_id: r.request_id,
                        score: r.score,
                    })
                    .collect(),
                late_concerns: d
                    .evidence
                    .late_concerns
                    .iter()
                    .map(|c| LateConcernJson {
                        concern_id: c.concern_id,
                        due_at: time(c.due_at),
                        answered_at: c.answered_at.map(time),
                    })
                    .collect(),
                requests_listed: d.evidence.requests_listed,
                feedback_listed: d.evidence.feedback_listed,
            },
            trend: d
                .trend
                .iter()
                .map(|t| TrendPointJson {
                    at: t.at,
                    score: t.score,
                })
                .collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/health/{customer_id}/{provider_id}", tag = "relationships",
    params(("customer_id" = i64, Path), ("provider_id" = i64, Path),
           ("at" = Option<String>, Query, description = "RFC 3339; default now")),
    responses((status = 200, body = PairDetailJson), (status = 404, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn pair(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath((customer, provider)): ApiPath<(i64, i64)>,
    query: QueryMap,
) -> Result<Json<PairDetailJson>, ApiError> {
    let at = at(&state, &query, &["at"])?;
    let detail = handoff_app::health::pair(&state.app, &actor, customer, provider, at).await?;
    Ok(Json(PairDetailJson::new(at, &detail)))
}

#[utoipa::path(get, path = "/api/v1/health/weights", tag = "relationships",
    responses((status = 200, body = Weights)))]
pub async fn weights(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Weights>, ApiError> {
    Ok(Json(handoff_app::health::weights(&state.app).await?))
}

/// Sets the weights of the parts (admins). Each 0-100; a part left out keeps its default
/// (sla 20, deliverables_on_time 15, deliverables_accurate 10, concerns 5,
/// satisfaction 30, pulse 20); not all 0. Only the proportions among the parts that count
/// matter.
#[utoipa::path(put, path = "/api/v1/health/weights", tag = "relationships",
    request_body = BTreeMap<String, i64>,
    responses((status = 200, body = Weights), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_weights(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<BTreeMap<String, i64>>,
) -> Result<Json<Weights>, ApiError> {
    let weights = Weights::parse(&body).map_err(ApiError::invalid)?;
    let map = weights.iter().collect();
    Ok(Json(
        handoff_app::health::set_weights(&state.app, &actor, map).await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct BottleneckEvidenceJson {
    pub customer_department_id: i64,
    /// Business minutes, in the provider's calendar and inside the window, that this
    /// customer's requests spent with the provider beyond their resolution targets (time
    /// waiting on linked requests held by others left out), plus the lateness of its
    /// deliveries (a missing one until the next falls due).
    pub business_minutes_beyond_target: i64,
    /// The most critical dependency in force between them; null when none is declared
    /// (weighed as low).
    pub criticality: Option<&'static str>,
    /// The requests behind the minutes, the longest overrun first (at most 50); listed
    /// to people of the two departments and administrators (see `requests_listed`).
    pub request_ids: Vec<i64>,
    /// Whether the caller may read `request_ids`; when false the list is empty and the
    /// requests still count in the minutes.
    pub requests_listed: bool,
    /// The late occurrences behind them (at most 50).
    pub occurrence_ids: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct BottleneckJson {
    pub department_id: i64,
    pub rank: u32,
    /// Criticality-weighted business hours beyond target, times 1 + 0.25 for each
    /// waiting department after the first.
    pub impact: f64,
    pub waiting_departments: u32,
    pub evidence: Vec<BottleneckEvidenceJson>,
}

impl From<&BottleneckView> for BottleneckJson {
    fn from(b: &BottleneckView) -> Self {
        BottleneckJson {
            department_id: b.bottleneck.department_id,
            rank: b.bottleneck.rank,
            impact: b.bottleneck.impact,
            waiting_departments: b.bottleneck.waiting_departments,
            evidence: b
                .evidence
                .iter()
                .map(|e| BottleneckEvidenceJson {
                    customer_department_id: e.customer,
                    business_minutes_beyond_target: e.business_minutes_beyond_target,
                    criticality: e.criticality.map(|c| c.as_str()),
                    request_ids: e.request_ids.clone(),
                    requests_listed: e.requests_listed,
                    occurrence_ids: e.occurrence_ids.clone(),
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct BottlenecksJson {
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    pub items: Vec<BottleneckJson>,
}

#[utoipa::path(get, path = "/api/v1/bottlenecks", tag = "relationships",
    params(("at" = Option<String>, Query, description = "RFC 3339: the end of the 90-day window; default now")),
    responses((status = 200, body = BottlenecksJson), (status = 422, body = crate::error::ErrorBody)))]
pub async fn bottlenecks(
    State(state): State<AppState>,
    Caller(actor): Caller,
    query: QueryMap,
) -> Result<Json<BottlenecksJson>, ApiError> {
    let at = at(&state, &query, &["at"])?;
    let mut ranked = handoff_app::health::bottlenecks(&state.app, at).await?;
    handoff_app::health::withhold_requests(&mut ranked, &actor);
    Ok(Json(BottlenecksJson {
        at,
        items: ranked.iter().map(BottleneckJson::from).collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct MapNodeJson {
    pub department_id: i64,
    pub name: String,
    /// Requests filed by or with it in the window.
    pub requests: i64,
}

#[derive(Serialize, ToSchema)]
pub struct MapEdgeJson {
    pub customer_department_id: i64,
    pub provider_department_id: i64,
    /// A dependency in force declares it.
    pub declared: bool,
    pub criticality: Option<&'static str>,
    /// Requests of the window the provider held for the customer.
    pub requests: i64,
    pub score: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct MapJson {
    pub nodes: Vec<MapNodeJson>,
    pub edges: Vec<MapEdgeJson>,
}

impl From<&Map> for MapJson {
    fn from(m: &Map) -> Self {
        MapJson {
            nodes: m
                .nodes
                .iter()
                .map(|n| MapNodeJson {
                    department_id: n.department_id,
                    name: n.name.clone(),
                    requests: n.requests,
                })
                .collect(),
            edges: m
                .edges
                .iter()
                .map(|e| MapEdgeJson {
                    customer_department_id: e.customer,
                    provider_department_id: e.provider,
                    declared: e.declared.is_some(),
                    criticality: e.declared.map(|c| c.as_str()),
                    requests: e.requests,
                    score: e.score,
                })
                .collect(),
        }
    }
}

async fn read_map(state: &AppState, query: &QueryMap) -> Result<Map, ApiError> {
    let at = at(state, query, &["at", "department_id"])?;
    let mut errors = FieldErrors::new();
    let around = query.id(&mut errors, "department_id");
    errors.into_result(()).map_err(ApiError::invalid)?;
    Ok(handoff_app::scorecards::map(&state.app, around, at).await?)
}

#[utoipa::path(get, path = "/api/v1/map", tag = "relationships",
    params(("department_id" = Option<i64>, Query, description = "Only this department's neighbourhood"),
           ("at" = Option<String>, Query, description = "RFC 3339; default now")),
    responses((status = 200, body = MapJson), (status = 422, body = crate::error::ErrorBody)))]
pub async fn map(
    State(state): State<AppState>,
    _caller: Caller,
    query: QueryMap,
) -> Result<Json<MapJson>, ApiError> {
    let map = read_map(&state, &query).await?;
    Ok(Json(MapJson::from(&map)))
}

/// The map drawn as SVG: each department and each edge a link to its page.
///
/// At most 400 relationships are drawn (declared ones first, then the busiest);
/// `/api/v1/map` has them all.
#[utoipa::path(get, path = "/api/v1/map.svg", tag = "relationships",
    params(("department_id" = Option<i64>, Query, description = "Only this department's neighbourhood"),
           ("at" = Option<String>, Query, description = "RFC 3339; default now")),
    responses((status = 200, content_type = "image/svg+xml", body = String),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn map_svg(
    State(state): State<AppState>,
    _caller: Caller,
    query: QueryMap,
) -> Result<Response, ApiError> {
    let map = read_map(&state, &query).await?;
    let (edges, _) = edges_of(&map, "");
    Ok((
        [
            (CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (CACHE_CONTROL, "no-store"),
        ],
        charts::map_svg(&nodes_of(&map, ""), &edges),
    )
        .into_response())
}

/// The map's nodes as the drawing takes them, each linking to its scorecard (with the
/// query `q`, say `?at=…`).
pub fn nodes_of(map: &Map, q: &str) -> Vec<charts::MapNode> {
    map.nodes
        .iter()
        .map(|n| charts::MapNode {
            id: n.department_id,
            label: n.name.clone(),
            href: format!("/departments/{}/scorecard{q}", n.department_id),
            highlighted: map.around == Some(n.department_id),
        })
        .collect()
}

/// The most relationships a drawing lays out: beyond a few hundred the layout's cost
/// grows much faster than the edges (4,000 take minutes). The JSON map has them all.
pub const DRAWN_EDGES_MAX: usize = 400;

/// The map's edges as the drawing takes them, each linking to its pair's page (with
/// the query `q`): the declared ones first, then the busiest, at most
/// [`DRAWN_EDGES_MAX`]; and how many were left out.
pub fn edges_of(map: &Map, q: &str) -> (Vec<charts::MapEdge>, usize) {
    let mut order: Vec<&handoff_app::scorecards::MapEdge> = map.edges.iter().collect();
    order.sort_by_key(|e| {
        (
            std::cmp::Reverse(e.declared.map(|c| c.weight() as u32)),
            std::cmp::Reverse(e.requests),
            e.customer,
            e.provider,
        )
    });
    let left_out = order.len().saturating_sub(DRAWN_EDGES_MAX);
    order.truncate(DRAWN_EDGES_MAX);
    let edges = order
        .into_iter()
        .map(|e| charts::MapEdge {
            customer: e.customer,
            provider: e.provider,
            declared: e.declared.is_some(),
            requests: u64::try_from(e.requests).unwrap_or(0),
            score: e.score,
            href: format!("/health/{}/{}{q}", e.customer, e.provider),
        })
        .collect();
    (edges, left_out)
}

#[derive(Serialize, ToSchema)]
pub struct ServiceRefJson {
    pub id: i64,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct DependencyRefJson {
    pub id: i64,
    pub customer_department_id: i64,
    pub provider_department_id: i64,
    pub what: String,
    pub criticality: String,
    pub state: String,
}

impl From<&Dependency> for DependencyRefJson {
    fn from(d: &Dependency) -> Self {
        DependencyRefJson {
            id: d.id,
            customer_department_id: d.customer_department_id,
            provider_department_id: d.provider_department_id,
            what: d.what.clone(),
            criticality: d.criticality.clone(),
            state: d.state.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ScorecardJson {
    pub department_id: i64,
    pub name: String,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// What it offers.
    pub services: Vec<ServiceRefJson>,
    /// How it serves all its customers together.
    pub as_provider: AssessmentJson,
    /// Each customer's relationship, least healthy first.
    pub customers: Vec<HealthPairJson>,
    pub dependents: Vec<DependencyRefJson>,
    /// How all its providers serve it together.
    pub as_customer: AssessmentJson,
    pub providers: Vec<HealthPairJson>,
    pub depends_on: Vec<DependencyRefJson>,
    /// Its rank among the bottlenecks; null when it holds nobody back.
    pub bottleneck: Option<BottleneckJson>,
}

impl ScorecardJson {
    fn new(at: Timestamp, s: &Scorecard) -> Self {
        ScorecardJson {
            department_id: s.department.id,
            name: s.department.name.clone(),
            at,
            services: s
                .services
                .iter()
                .map(|sv| ServiceRefJson {
                    id: sv.id,
                    name: sv.name.clone(),
                })
                .collect(),
            as_provider: AssessmentJson::from(&s.as_provider),
            customers: s.customers.iter().map(HealthPairJson::from).collect(),
            dependents: s.dependents.iter().map(DependencyRefJson::from).collect(),
            as_customer: AssessmentJson::from(&s.as_customer),
            providers: s.providers.iter().map(HealthPairJson::from).collect(),
            depends_on: s.depends_on.iter().map(DependencyRefJson::from).collect(),
            bottleneck: s.bottleneck.as_ref().map(BottleneckJson::from),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/departments/{id}/scorecard", tag = "relationships",
    params(("id" = i64, Path), ("at" = Option<String>, Query, description = "RFC 3339; default now")),
    responses((status = 200, body = ScorecardJson), (status = 404, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn scorecard(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    query: QueryMap,
) -> Result<Json<ScorecardJson>, ApiError> {
    let at = at(&state, &query, &["at"])?;
    let mut card = handoff_app::scorecards::scorecard(&state.app, id, at).await?;
    if let Some(b) = card.bottleneck.as_mut() {
        handoff_app::health::withhold_requests(std::slice::from_mut(b), &actor);
    }
    Ok(Json(ScorecardJson::new(at, &card)))
}

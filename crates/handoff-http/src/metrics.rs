//! `GET /metrics` in the Prometheus text format, and the middleware that counts requests.
//! Request counts and latencies, and the SLA alarms the worker raises, go through the
//! `metrics` facade into one recorder per process; jobs by state and the connection
//! pools' use are read when scraped. Not part of the JSON API, so not in its OpenAPI
//! document.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::error::ApiError;

/// Requests answered, by method, route template and status.
pub const REQUESTS: &str = "handoff_http_requests_total";
/// Time to answer a request (until its head is written), by method and route template.
pub const REQUEST_SECONDS: &str = "handoff_http_request_duration_seconds";
/// Jobs in the queue, by state, counted when scraped.
pub const JOBS: &str = "handoff_jobs";
/// Database connections, by pool and state (`idle`, `in_use`), read when scraped.
pub const DB_CONNECTIONS: &str = "handoff_db_connections";

/// The latency histogram's buckets, in seconds: from a cached read to a slow report.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// How often histograms recorded between scrapes are folded into their buckets, which
/// keeps their memory bounded however rarely Prometheus scrapes.
const UPKEEP: Duration = Duration::from_secs(5);

/// The Prometheus text format's media type.
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Metrics switched on, and how the main listener serves them.
#[derive(Clone)]
pub struct Metrics {
    handle: PrometheusHandle,
    /// SHA-256 of the bearer token `GET /metrics` on the main listener asks for; None:
    /// the main listener does not serve them (a listener of their own does, see
    /// [`metrics_router`]).
    token_digest: Option<Vec<u8>>,
}

impl Metrics {
    /// Records metrics from now on. With a `token`, the main router serves `GET /metrics`
    /// to callers sending `Authorization: Bearer TOKEN`; without one (or an empty one), it
    /// does not serve them at all and [`metrics_router`] does.
    pub fn new(token: Option<&str>) -> Metrics {
        Metrics {
            handle: recorder(),
            token_digest: token
                .filter(|t| !t.is_empty())
                .map(handoff_store::tokens::digest),
        }
    }

    /// Whether the main router serves `GET /metrics` (behind the token).
    pub fn on_main_router(&self) -> bool {
        self.token_digest.is_some()
    }

    /// Keeps the recorder's memory bounded between scrapes; runs until dropped.
    pub async fn upkeep(self) {
        let mut ticks = tokio::time::interval(UPKEEP);
        loop {
            ticks.tick().await;
            self.handle.run_upkeep();
        }
    }

    fn admits(&self, headers: &HeaderMap) -> bool {
        let Some(expected) = &self.token_digest else {
            return false;
        };
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .unwrap_or_default();
        // Digests have one length whatever was sent: the comparison's time tells nothing.
        bool::from(handoff_store::tokens::digest(presented).ct_eq(expected))
    }
}

/// The process's one Prometheus recorder, installed on first use. Later calls (more
/// routers in one test process) share it.
fn recorder() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.to_owned()), &BUCKETS)
                .expect("the buckets are not empty");
            match builder.install_recorder() {
                Ok(handle) => {
                    describe();
                    handle
                }
                Err(e) => {
                    // Another recorder came first: what goes through the facade is its.
                    tracing::error!(error = %e, "metrics recorder not installed");
                    PrometheusBuilder::new().build_recorder().handle()
                }
            }
        })
        .clone()
}

/// The `# HELP` lines.
fn describe() {
    metrics::describe_counter!(REQUESTS, "HTTP requests answered");
    metrics::describe_histogram!(REQUEST_SECONDS, "Time to answer an HTTP request");
    metrics::describe_gauge!(JOBS, "Background jobs by state");
    metrics::describe_gauge!(DB_CONNECTIONS, "Database connections by pool and state");
    metrics::describe_counter!(
        handoff_app::jobs::SLA_ALARMS_RAISED,
        "SLA warnings and breaches raised"
    );
}

/// Counts a request and times it, under its route's template (`/api/v1/requests/{id}`),
/// never its path, so that ids do not make a series each.
pub(crate) async fn track(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(REQUESTS, "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!(REQUEST_SECONDS, "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    response
}

/// The method as a label: made-up methods are one `other`, not a series each.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// `GET /metrics` on the main listener: the metrics, for the bearer of the metrics token.
pub(crate) async fn guarded(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match &state.metrics {
        Some(metrics) if metrics.admits(&headers) => scrape(&state, metrics).await,
        Some(_) => ApiError::Unauthenticated.into_response(),
        None => ApiError::NotFound("route").into_response(),
    }
}

/// `GET /metrics` on a listener of its own: the metrics, to anyone who reaches it.
async fn open(State(state): State<AppState>) -> Response {
    match &state.metrics {
        Some(metrics) => scrape(&state, metrics).await,
        None => ApiError::NotFound("route").into_response(),
    }
}

/// The router of a listener that serves `GET /metrics` only, without a token: bind it
/// where only Prometheus reaches. Everything else is 404.
pub fn metrics_router(state: AppState) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(open))
        .fallback(|| async { ApiError::NotFound("route") })
        .with_state(state)
}

/// Reads what is read at scrape time into its gauges, then renders everything.
async fn scrape(state: &AppState, metrics: &Metrics) -> Response {
    match handoff_store::jobs::count_by_state(&state.app.db).await {
        Ok(counts) => {
            for (job_state, n) in counts {
                metrics::gauge!(JOBS, "state" => job_state.as_str()).set(n as f64);
            }
        }
        // The rest is still worth having while the database is away; the job gauges keep
        // their last values.
        Err(e) => tracing::warn!(error = %e, "jobs not counted for /metrics"),
    }
    for pool in handoff_store::pool_stats::pools(&state.app.db) {
        metrics::gauge!(DB_CONNECTIONS, "pool" => pool.pool, "state" => "idle")
            .set(f64::from(pool.idle));
        metrics::gauge!(DB_CONNECTIONS, "pool" => pool.pool, "state" => "in_use")
            .set(f64::from(pool.in_use()));
    }
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, CONTENT_TYPE)],
        metrics.handle.render(),
    )
        .into_response()
}

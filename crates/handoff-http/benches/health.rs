//! The reads of relationship health at scale: 200 departments, 5,000 people (each
//! department asking about 10 others, about 2,000 pairs with traffic) and 1,000,000
//! requests over the last 365 days, each with its first-response and resolution clocks
//! (about 15 % breached, about 1,000 still running past their target), 10 % transferred
//! once (a past stint with its two clocks), about 30 % rated; 500 weekly deliverables
//! (26,000 occurrences, some late or missed, a third reviewed), 2,000 concerns, 10,000
//! kudos and 600 dependencies. Times, at the fill's "now":
//! - the matrix of all pairs (`health::pairs_at(.., Pairs::All, ..)`), target < 200 ms;
//! - a pair's page (`health::pair`), < 50 ms;
//! - the bottlenecks (`health::bottlenecks`), < 200 ms;
//! - the map: its data (`scorecards::map`), its drawing (`charts::map_svg`), and
//!   `GET /api/v1/map.svg` through the real router in process, < 500 ms;
//! - a department's scorecard (`scorecards::scorecard`), < 100 ms;
//!
//! then, as a profile, each query of `handoff_store::health` alone over the 90-day
//! window for all pairs, and the plan of the SLA query (`EXPLAIN QUERY PLAN` on SQLite,
//! `EXPLAIN (ANALYZE, BUFFERS)` on PostgreSQL).
//!
//! The database is filled with bulk SQL (`INSERT … SELECT` from a recursive CTE on
//! SQLite, from `generate_series` on PostgreSQL), not through the actions: the fill took
//! 21-25 s on SQLite and 84-86 s on PostgreSQL (PostgreSQL 15, statistics gathered after
//! the load as the demo loader does; SQLite, as shipped, without `ANALYZE`) on the
//! two-core machine. Each call is timed up to 20 times or for about
//! `HEALTH_BUDGET_S` seconds (default 20) after one warm-up call, at least 3 times.
//!
//! `cargo bench -p handoff-http --bench health` (SQLite);
//! `BENCH_ENGINE=postgres` for PostgreSQL (HANDOFF_TEST_POSTGRES_URL or 127.0.0.1:5432).

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use handoff_app::App;
use handoff_domain::clock::ManualClock;
use handoff_http::AppState;
use handoff_http::charts;
use handoff_store::health::{self as store_health, Pairs};
use handoff_store::{Db, Engine, to_micros, tokens};
use http_body_util::BodyExt;
use jiff::Timestamp;
use sqlx::Row;
use tower::ServiceExt;

const DEPARTMENTS: i64 = 200;
const PEOPLE: i64 = 5_000;
const REQUESTS: i64 = 1_000_000;
const DELIVERABLES: i64 = 500;
const WEEKS: i64 = 52;
const CONCERNS: i64 = 2_000;
const KUDOS: i64 = 10_000;
const DEPENDENCIES: i64 = 600;
const CALLS: usize = 20;

const MINUTE: i64 = 60_000_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// Targets: first response in 4 hours, resolution in 3 days (calendar time).
const FIRST_RESPONSE: i64 = 4 * HOUR;
const RESOLUTION: i64 = 3 * DAY;

/// The expressions, in terms of the series' `i`, that both engines read alike.
struct Gen {
    engine: Engine,
    now: i64,
    /// A year before `now`.
    y0: i64,
}

impl Gen {
    /// `INSERT INTO table (cols) SELECT exprs FROM <1..=n as i> [WHERE ..]`.
    fn insert(&self, table: &str, cols: &str, n: i64, exprs: &str, filter: &str) -> String {
        let (with, from) = match self.engine {
            Engine::Sqlite => (
                format!(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) "
                ),
                "n".to_owned(),
            ),
            Engine::Postgres => (
                String::new(),
                format!("generate_series(CAST(1 AS BIGINT), {n}) AS n(i)"),
            ),
        };
        let filter = if filter.is_empty() {
            String::new()
        } else {
            format!(" WHERE {filter}")
        };
        format!("{with}INSERT INTO {table} ({cols}) SELECT {exprs} FROM {from}{filter}")
    }

    /// The UTC day (`YYYY-MM-DD`) of an instant in microseconds.
    fn day(&self, micros: &str) -> String {
        match self.engine {
            Engine::Sqlite => format!("date(({micros}) / 1000000, 'unixepoch')"),
            Engine::Postgres => format!(
                "to_char(to_timestamp(({micros}) / 1000000) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
            ),
        }
    }

    /// The department of index `ix` (0-based) plus the `k`-th of the 10 offsets
    /// (1, 18, 35, …, 154: never the department itself).
    fn offset(ix: &str, k: &str) -> String {
        format!("(1 + (({ix}) + 1 + (({k}) % 10) * 17) % {DEPARTMENTS})")
    }

    /// Request `i`: its requester (a person), the requester's department, the provider.
    fn requester() -> &'static str {
        "(1 + ((i / 100) * 7919 + 3 * i) % 5000)"
    }
    fn customer() -> &'static str {
        "(1 + (((i / 100) * 7919 + 3 * i) % 5000) % 200)"
    }
    fn provider() -> String {
        Self::offset(
            "(((i / 100) * 7919 + 3 * i) % 5000) % 200",
            "i / 20 + i / 5000",
        )
    }
    fn created(&self) -> String {
        // 365 days / 1,000,000 requests = 31.536 s apart.
        format!("({} + (i - 1) * 31536000)", self.y0)
    }
    fn first_response() -> String {
        format!(
            "(CASE WHEN i % 20 IN (3, 4, 5) THEN {FIRST_RESPONSE} + {MINUTE} * (1 + (i * 11) % 300) \
             ELSE {MINUTE} * (5 + (i * 11) % 200) END)"
        )
    }
    fn resolution() -> String {
        format!(
            "(CASE WHEN i % 20 IN (0, 1, 2) THEN {RESOLUTION} + {HOUR} * (1 + (i * 13) % 48) \
             ELSE {HOUR} * (1 + (i * 37) % 60) END)"
        )
    }
    fn responded(&self) -> String {
        format!(
            "({} + {} <= {})",
            self.created(),
            Self::first_response(),
            self.now
        )
    }
    fn resolved(&self) -> String {
        format!(
            "(i % 1000 <> 500 AND {} + {} <= {})",
            self.created(),
            Self::resolution(),
            self.now
        )
    }
}

async fn fill(db: &Db, g: &Gen) {
    let (now, y0) = (g.now, g.y0);
    let c = g.created();
    let fr = Gen::first_response();
    let res = Gen::resolution();
    let responded = g.responded();
    let resolved = g.resolved();
    let provider = Gen::provider();
    let statements: Vec<(&str, String)> = vec![
        (
            "departments",
            g.insert(
                "departments",
                "id, name, handle, parent_id, created_at",
                DEPARTMENTS,
                &format!("i, 'Department ' || i, 'd' || i, NULL, {y0}"),
                "",
            ),
        ),
        (
            "people",
            // Person d (d <= 200) manages department d; person 1 is an admin.
            g.insert(
                "people",
                "id, name, email, department_id, role, active, created_at",
                PEOPLE,
                &format!(
                    "i, 'Person ' || i, 'p' || i || '@example.org', 1 + (i - 1) % {DEPARTMENTS}, \
                     CASE WHEN i = 1 THEN 'admin' WHEN i <= {DEPARTMENTS} THEN 'manager' \
                     ELSE 'member' END, TRUE, {y0}"
                ),
                "",
            ),
        ),
        (
            "services",
            g.insert(
                "services",
                "id, department_id, name, description, owner_id, open_to_everyone, \
                 confidential, active, fields, created_at, updated_at",
                2 * DEPARTMENTS,
                &format!(
                    "i, 1 + (i - 1) / 2, 'Service ' || i, '', NULL, TRUE, FALSE, TRUE, '[]', \
                     {y0}, {y0}"
                ),
                "",
            ),
        ),
        (
            "requests",
            g.insert(
                "requests",
                "id, service_id, provider_department_id, requester_id, requester_department_id, \
                 confidential, subject, description, priority, status, assignee_id, fields, \
                 created_at, updated_at, resolved_at, closed_at, transfers, ping_pong, \
                 stint_started_at, first_response_at, parent_id",
                REQUESTS,
                &format!(
                    "i, 2 * ({provider} - 1) + 1 + i % 2, {provider}, {requester}, {customer}, \
                     FALSE, 'Request ' || i, '', i % 4, \
                     CASE WHEN NOT {resolved} THEN 'in_progress' \
                     WHEN {c} + {res} + {week} <= {now} THEN 'closed' ELSE 'resolved' END, \
                     NULL, '{{}}', {c}, {c}, \
                     CASE WHEN {resolved} THEN {c} + {res} END, \
                     CASE WHEN {resolved} AND {c} + {res} + {week} <= {now} \
                     THEN {c} + {res} + {week} END, \
                     CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END, FALSE, \
                     CASE WHEN i % 10 = 0 THEN {c} + {HOUR} ELSE {c} END, \
                     CASE WHEN {responded} THEN {c} + {fr} END, NULL",
                    requester = Gen::requester(),
                    customer = Gen::customer(),
                    week = 7 * DAY,
                ),
                "",
            ),
        ),
        (
            "request_slas (first response)",
            g.insert(
                "request_slas",
                "request_id, target, allowed_micros, used_micros, running_since, due_at, \
                 stopped_at, cycle, calendar_time, warn_at, schedule, next_alarm_at, raised",
                REQUESTS,
                &format!(
                    "i, 'first_response', {FIRST_RESPONSE}, \
                     CASE WHEN {responded} THEN {fr} ELSE 0 END, \
                     CASE WHEN {responded} THEN NULL ELSE {c} END, \
                     CASE WHEN {responded} THEN NULL ELSE {c} + {FIRST_RESPONSE} END, \
                     CASE WHEN {responded} THEN {c} + {fr} END, 0, FALSE, '[75]', '[]', NULL, '[]'"
                ),
                "",
            ),
        ),
        (
            "request_slas (resolution)",
            g.insert(
                "request_slas",
                "request_id, target, allowed_micros, used_micros, running_since, due_at, \
                 stopped_at, cycle, calendar_time, warn_at, schedule, next_alarm_at, raised",
                REQUESTS,
                &format!(
                    "i, 'resolution', {RESOLUTION}, CASE WHEN {resolved} THEN {res} ELSE 0 END, \
                     CASE WHEN {resolved} THEN NULL ELSE {c} END, \
                     CASE WHEN {resolved} THEN NULL ELSE {c} + {RESOLUTION} END, \
                     CASE WHEN {resolved} THEN {c} + {res} END, 0, FALSE, '[75]', '[]', NULL, '[]'"
                ),
                "",
            ),
        ),
        (
            "request_stints",
            // The first provider held it for an hour: the department after the current one.
            g.insert(
                "request_stints",
                "request_id, seq, department_id, service_id, started_at, ended_at, \
                 first_response_at, transferred_by, reason",
                REQUESTS,
                &format!(
                    "i, 1, 1 + {provider} % {DEPARTMENTS}, 2 * ({provider} % {DEPARTMENTS}) + 1, \
                     {c}, {c} + {HOUR}, NULL, 1 + {provider} % {DEPARTMENTS}, 'Not ours'"
                ),
                "i % 10 = 0",
            ),
        ),
        (
            "request_stint_clocks",
            g.insert(
                "request_stint_clocks",
                "request_id, seq, target, allowed_micros, used_micros, running_since, due_at, \
                 stopped_at, cycle, calendar_time, warn_at, schedule, raised",
                2 * REQUESTS,
                &format!(
                    "(i + 1) / 2, 1, CASE WHEN i % 2 = 1 THEN 'first_response' ELSE 'resolution' END, \
                     CASE WHEN i % 2 = 1 THEN {FIRST_RESPONSE} ELSE {RESOLUTION} END, \
                     CASE WHEN i % 2 = 1 AND i % 100 = 1 THEN {FIRST_RESPONSE} + {HOUR} \
                     ELSE {HOUR} END, NULL, NULL, \
                     {y0} + ((i + 1) / 2 - 1) * 31536000 + {HOUR}, 0, FALSE, '[75]', '[]', '[]'"
                ),
                "((i + 1) / 2) % 10 = 0",
            ),
        ),
        (
            "ratings",
            g.insert(
                "ratings",
                "request_id, requester_id, requester_department_id, provider_department_id, \
                 resolved_at, asked, expires_at, score, comment, rated_at, changed_at",
                REQUESTS,
                &format!(
                    "i, {requester}, {customer}, {provider}, {c} + {res}, TRUE, \
                     {c} + {res} + {week}, 1 + (i * 31) % 5, '', {c} + {res} + {HOUR}, NULL",
                    requester = Gen::requester(),
                    customer = Gen::customer(),
                    week = 7 * DAY,
                ),
                &format!("(i / 3) % 10 IN (1, 4, 7) AND {resolved} AND {c} + {res} + {HOUR} <= {now}"),
            ),
        ),
        (
            "dependencies",
            g.insert(
                "dependencies",
                "customer_department_id, provider_department_id, what, criticality, \
                 customer_owner_id, provider_owner_id, expectation, state, proposed_by, \
                 proposed_at, agreed_by, agreed_at, retired_by, retired_at, updated_at",
                DEPENDENCIES,
                &format!(
                    "1 + (i - 1) % {DEPARTMENTS}, {p}, 'Dependency ' || i, \
                     CASE i % 4 WHEN 0 THEN 'low' WHEN 1 THEN 'medium' WHEN 2 THEN 'high' \
                     ELSE 'critical' END, 1 + (i - 1) % {DEPARTMENTS}, {p}, '', \
                     CASE WHEN i % 15 = 0 THEN 'retired' WHEN i % 10 = 0 THEN 'proposed' \
                     ELSE 'agreed' END, 1 + (i - 1) % {DEPARTMENTS}, {y0}, \
                     CASE WHEN i % 10 = 0 AND i % 15 <> 0 THEN NULL ELSE {p} END, \
                     CASE WHEN i % 10 = 0 AND i % 15 <> 0 THEN NULL ELSE {y0} + {DAY} END, \
                     CASE WHEN i % 15 = 0 THEN {p} END, CASE WHEN i % 15 = 0 THEN {y0} + 30 * {DAY} END, \
                     {y0}",
                    p = Gen::offset("(i - 1) % 200", "(i - 1) / 200"),
                ),
                "",
            ),
        ),
        (
            "deliverables",
            g.insert(
                "deliverables",
                "id, provider_department_id, customer_department_id, name, rrule, due_time, \
                 starts_on, provider_owner_id, customer_owner_id, dependency_id, warn_minutes, \
                 generated_until, created_by, created_at",
                DELIVERABLES,
                &format!(
                    "i, {p}, 1 + (i - 1) % {DEPARTMENTS}, 'Weekly report ' || i, 'FREQ=WEEKLY', \
                     '16:00', {day}, {p}, 1 + (i - 1) % {DEPARTMENTS}, NULL, 60, \
                     {now} + 30 * {DAY}, 1, {y0}",
                    p = Gen::offset("(i - 1) % 200", "(i - 1) / 200"),
                    day = g.day(&y0.to_string()),
                ),
                "",
            ),
        ),
        (
            "occurrences",
            // Deliverable 1 + (i - 1) % 500, week (i - 1) / 500.
            g.insert(
                "occurrences",
                "deliverable_id, due_at, delivered_at, delivered_by, accurate, reviewed_at, \
                 reviewed_by, next_alarm_at, warned, escalated",
                DELIVERABLES * WEEKS,
                &format!(
                    "1 + (i - 1) % 500, {due}, \
                     CASE WHEN i % 37 = 0 THEN NULL WHEN i % 9 = 0 THEN {due} + 26 * {HOUR} \
                     ELSE {due} - 2 * {HOUR} END, CASE WHEN i % 37 = 0 THEN NULL ELSE 1 END, \
                     CASE WHEN i % 3 = 0 AND i % 37 <> 0 THEN (i % 4 <> 0) END, \
                     CASE WHEN i % 3 = 0 AND i % 37 <> 0 THEN {due} + 2 * {DAY} END, \
                     CASE WHEN i % 3 = 0 AND i % 37 <> 0 THEN 1 END, NULL, FALSE, (i % 37 = 0)",
                    due = format!("({y0} + ((i - 1) / 500) * 7 * {DAY} + 16 * {HOUR} + (i % 5) * {DAY})"),
                ),
                "",
            ),
        ),
        (
            "concerns",
            g.insert(
                "concerns",
                "id, about_department_id, raised_by_id, raised_on, problem, proposal, state, action, \
                 due_at, next_alarm_at, warned, breached, announced, answered_by, answered_at, \
                 resolved_by, resolved_at, customer_department_id",
                CONCERNS,
                &format!(
                    "i, {p}, 1 + (i - 1) % {DEPARTMENTS}, {day}, 'Problem ' || i, '', \
                     CASE WHEN {raised} + 14 * {DAY} > {now} THEN 'raised' WHEN i % 5 = 0 \
                     THEN 'answered' ELSE 'resolved' END, NULL, {raised} + 5 * {DAY}, NULL, \
                     FALSE, (i % 4 = 0), TRUE, \
                     CASE WHEN {raised} + 14 * {DAY} <= {now} THEN {p} END, \
                     CASE WHEN {raised} + 14 * {DAY} <= {now} THEN {raised} + \
                     CASE WHEN i % 4 = 0 THEN 7 * {DAY} ELSE 2 * {DAY} END END, \
                     CASE WHEN {raised} + 14 * {DAY} <= {now} AND i % 5 <> 0 THEN 1 END, \
                     CASE WHEN {raised} + 14 * {DAY} <= {now} AND i % 5 <> 0 \
                     THEN {raised} + 10 * {DAY} END, 1 + (i - 1) % {DEPARTMENTS}",
                    p = Gen::offset("(i - 1) % 200", "i / 200"),
                    raised = format!("({y0} + (i - 1) * 15768000000)"),
                    day = g.day(&format!("{y0} + (i - 1) * 15768000000")),
                ),
                "",
            ),
        ),
        (
            "kudos",
            g.insert(
                "kudos",
                "from_person_id, from_department_id, to_person_id, to_department_id, value, \
                 message, created_at",
                KUDOS,
                &format!(
                    "{requester}, {customer}, NULL, {provider}, 'Helpful', 'Thank you', \
                     {y0} + (i - 1) * 3153600000",
                    requester = Gen::requester(),
                    customer = Gen::customer(),
                ),
                "",
            ),
        ),
    ];
    for (what, sql) in statements {
        let t = Instant::now();
        db.execute_raw(&sql)
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}\n{sql}"));
        eprintln!("  {what}: {:.1} s", t.elapsed().as_secs_f64());
    }
    let t = Instant::now();
    match g.engine {
        Engine::Postgres => {
            for table in [
                "departments",
                "people",
                "services",
                "requests",
                "deliverables",
            ] {
                db.execute_raw(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}"
                ))
                .await
                .unwrap();
            }
            // As the demo loader does: the planner knows nothing of a bulk load until
            // autovacuum gets to it.
            db.execute_raw("ANALYZE").await.unwrap();
            eprintln!("  ANALYZE: {:.1} s", t.elapsed().as_secs_f64());
        }
        Engine::Sqlite => {
            db.execute_raw("PRAGMA wal_checkpoint(TRUNCATE)")
                .await
                .unwrap();
            eprintln!("  checkpoint: {:.1} s", t.elapsed().as_secs_f64());
        }
    }
}

async fn scalar(db: &Db, sql: &str) -> i64 {
    match db {
        Db::Sqlite { read, .. } => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(read)
            .await
            .unwrap(),
        Db::Postgres { pool, .. } => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(pool)
            .await
            .unwrap(),
    }
}

/// The plan of `sql`: `EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN (ANALYZE, BUFFERS)` on
/// PostgreSQL (which runs it).
async fn explain(db: &Db, sql: &str) -> Vec<String> {
    match db {
        Db::Sqlite { read, .. } => {
            sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
                .fetch_all(read)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String, _>(3))
                .collect()
        }
        Db::Postgres { pool, .. } => sqlx::query(sqlx::AssertSqlSafe(format!(
            "EXPLAIN (ANALYZE, BUFFERS) {sql}"
        )))
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect(),
    }
}

/// Calls `f` once to warm up, then up to [`CALLS`] times or until the budget is spent
/// (at least 3 times); `f` answers the size of what it read (rows or bytes).
async fn time<F, Fut>(bench: &handoff_test_support::BenchDatabase, name: &str, mut f: F)
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = usize>,
{
    let budget: f64 = std::env::var("HEALTH_BUDGET_S")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20.0);
    let t = Instant::now();
    let size = f(0).await;
    eprintln!(
        "  {name}: first call {:.1} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let started = Instant::now();
    let mut took = Vec::with_capacity(CALLS);
    for k in 1..=CALLS {
        let t = Instant::now();
        f(k).await;
        took.push(t.elapsed().as_secs_f64() * 1000.0);
        if k >= 3 && started.elapsed().as_secs_f64() > budget {
            break;
        }
    }
    bench.report(name, took, size);
}

#[tokio::main]
async fn main() {
    let bench = handoff_test_support::BenchDatabase::open().await;
    let db = bench.db.clone();
    let at: Timestamp = "2026-11-02T09:00:00Z".parse().unwrap();
    let now = to_micros(at);
    let g = Gen {
        engine: db.engine(),
        now,
        y0: now - 365 * DAY,
    };
    let setup = Instant::now();
    fill(&db, &g).await;
    eprintln!(
        "fill: {DEPARTMENTS} departments, {PEOPLE} people, {REQUESTS} requests in {:.1} s",
        setup.elapsed().as_secs_f64()
    );
    let mut counts = Vec::new();
    for table in [
        "requests",
        "request_slas",
        "request_stints",
        "request_stint_clocks",
        "ratings",
        "occurrences",
        "concerns",
        "kudos",
        "dependencies",
    ] {
        counts.push(format!(
            "{table} {}",
            scalar(&db, &format!("SELECT COUNT(*) FROM {table}")).await
        ));
    }
    let pairs = scalar(
        &db,
        "SELECT COUNT(*) FROM (SELECT DISTINCT requester_department_id, provider_department_id \
         FROM requests) x",
    )
    .await;
    eprintln!("rows: {}; {pairs} pairs with traffic", counts.join(", "));

    let clock = Arc::new(ManualClock::new(at));
    let app = App::new(db.clone(), clock);
    let token = tokens::create(&db, 1, "bench", at).await.unwrap();

    time(&bench, "health_matrix", |_| async {
        handoff_app::health::pairs_at(&app, Pairs::All, at)
            .await
            .unwrap()
            .len()
    })
    .await;
    let admin = handoff_domain::access::Actor::operator();
    time(&bench, "health_pair", |k| {
        let app = &app;
        let admin = &admin;
        async move {
            let customer = 1 + (k as i64 * 37) % DEPARTMENTS;
            let provider = 1 + (customer - 1 + 1 + (k as i64 % 10) * 17) % DEPARTMENTS;
            let detail = handoff_app::health::pair(app, admin, customer, provider, at)
                .await
                .unwrap();
            assert!(detail.health.requests > 0);
            detail.trend.len()
        }
    })
    .await;
    time(&bench, "health_bottlenecks", |_| async {
        handoff_app::health::bottlenecks(&app, at)
            .await
            .unwrap()
            .len()
    })
    .await;
    time(&bench, "health_map_data", |_| async {
        handoff_app::scorecards::map(&app, None, at)
            .await
            .unwrap()
            .edges
            .len()
    })
    .await;
    let map = handoff_app::scorecards::map(&app, None, at).await.unwrap();
    // As `api::health::nodes_of` and `edges_of` (private) give them to the drawing.
    let nodes: Vec<charts::MapNode> = map
        .nodes
        .iter()
        .map(|n| charts::MapNode {
            id: n.department_id,
            label: n.name.clone(),
            href: format!("/departments/{}/scorecard", n.department_id),
            highlighted: false,
        })
        .collect();
    let edges: Vec<charts::MapEdge> = map
        .edges
        .iter()
        .map(|e| charts::MapEdge {
            customer: e.customer,
            provider: e.provider,
            declared: e.declared.is_some(),
            requests: u64::try_from(e.requests).unwrap_or(0),
            score: e.score,
            href: format!("/health/{}/{}", e.customer, e.provider),
        })
        .collect();
    // The drawing's layout grows faster than the edges: `HEALTH_SKIP_DRAWING=1` leaves
    // out the drawing and the route that draws.
    if std::env::var_os("HEALTH_SKIP_DRAWING").is_none() {
        time(&bench, "health_map_drawing", |_| async {
            charts::map_svg(&nodes, &edges).len()
        })
        .await;
        let router = handoff_http::router(AppState::new(app.clone()));
        let path = format!("/api/v1/map.svg?at={at}");
        time(&bench, "health_map_svg_route", |_| async {
            let request = Request::get(&path)
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap();
            let response = router.clone().oneshot(request).await.unwrap();
            assert!(response.status().is_success(), "{}", response.status());
            response
                .into_body()
                .collect()
                .await
                .unwrap()
                .to_bytes()
                .len()
        })
        .await;
    }
    time(&bench, "health_scorecard", |k| {
        let app = &app;
        async move {
            let department = 1 + (k as i64 * 37) % DEPARTMENTS;
            let card = handoff_app::scorecards::scorecard(app, department, at)
                .await
                .unwrap();
            card.customers.len() + card.providers.len()
        }
    })
    .await;

    // The profile: each query of the store alone, all pairs, the 90-day window.
    let (from, to) = (now - 90 * DAY, now);
    eprintln!("profile (all pairs, 90 days; ms of 3 runs, rows):");
    macro_rules! part {
        ($name:expr, $call:expr) => {{
            let mut ms = Vec::new();
            let mut rows = 0;
            for _ in 0..3 {
                let t = Instant::now();
                rows = $call.await.unwrap().len();
                ms.push(format!("{:.0}", t.elapsed().as_secs_f64() * 1000.0));
            }
            eprintln!("  {:<22} {} ms, {rows} rows", $name, ms.join(" / "));
        }};
    }
    part!("sla", store_health::sla(&db, Pairs::All, from, to));
    part!(
        "deliverables_on_time",
        store_health::deliverables_on_time(&db, Pairs::All, from, to, now)
    );
    part!(
        "deliverables_accurate",
        store_health::deliverables_accurate(&db, Pairs::All, from, to)
    );
    part!(
        "concerns",
        store_health::concerns(&db, Pairs::All, from, to)
    );
    part!("ratings", store_health::ratings(&db, Pairs::All, from, to));
    part!("kudos", store_health::kudos(&db, Pairs::All, from, to));
    part!(
        "open_concerns",
        store_health::open_concerns(&db, Pairs::All, "2026-11-02", to)
    );
    part!("traffic", store_health::traffic(&db, Pairs::All, from, to));
    part!(
        "overruns",
        store_health::overruns(&db, Pairs::All, from, to)
    );
    part!(
        "late_occurrences",
        store_health::late_occurrences(&db, Pairs::All, from, to, now)
    );
    let one = Pairs::One {
        customer: 1,
        provider: 2,
    };
    part!("sla (one pair)", store_health::sla(&db, one, from, to));
    part!(
        "traffic (one pair)",
        store_health::traffic(&db, one, from, to)
    );
    part!(
        "ratings (one pair)",
        store_health::ratings(&db, one, from, to)
    );
    part!(
        "overruns (one pair)",
        store_health::overruns(&db, one, from, to)
    );

    // `store::health::push_verdict_in`, with the values in the text.
    let passed = "(CASE WHEN s.used_micros > s.allowed_micros \
         THEN COALESCE(s.breached_at, s.stopped_at, s.due_at) \
         WHEN s.running_since IS NOT NULL THEN s.due_at END)";
    let verdict = format!(
        "s.target IN ('first_response', 'resolution') AND ((s.stopped_at >= {from} AND \
         s.stopped_at < {to}) OR (s.stopped_at IS NULL AND {passed} < {to}) \
         OR (s.stopped_at >= {to} AND {passed} < {to}))"
    );
    let sla = format!(
        "SELECT r.requester_department_id AS customer, r.provider_department_id AS provider, \
         COUNT(*) AS events, COALESCE(SUM(CASE WHEN s.stopped_at IS NOT NULL AND \
         s.used_micros <= s.allowed_micros THEN 1 ELSE 0 END), 0) AS good \
         FROM request_slas s JOIN requests r ON r.id = s.request_id WHERE {verdict} \
         GROUP BY r.requester_department_id, r.provider_department_id"
    );
    let sla_one = sla.replace(
        " GROUP BY",
        " AND r.requester_department_id = 1 AND r.provider_department_id = 2 GROUP BY",
    );
    let traffic = format!(
        "SELECT requester_department_id AS customer, provider_department_id AS provider, \
         COUNT(*) AS events, COALESCE(SUM(CASE WHEN resolved_at IS NOT NULL THEN 1 ELSE 0 END), \
         0) AS good FROM requests WHERE requester_department_id <> provider_department_id \
         AND created_at >= {from} AND created_at < {to} \
         GROUP BY requester_department_id, provider_department_id"
    );
    for (name, sql) in [
        ("sla, all pairs", &sla),
        ("sla, one pair", &sla_one),
        ("traffic, all pairs", &traffic),
    ] {
        eprintln!("plan of {name}:");
        for line in explain(&db, sql).await {
            eprintln!("    {line}");
        }
    }
    bench.close().await;
}

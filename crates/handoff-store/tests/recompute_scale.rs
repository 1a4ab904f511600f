//! Benchmark, not a check: how long recomputing the due times of 100,000 open requests
//! takes, the first time and after their calendar changes. Run it with
//! `cargo test -p handoff-store --release --test recompute_scale -- --ignored --nocapture`
//! (add `sqlite` or `postgres` for one engine; PostgreSQL is the server of
//! `HANDOFF_TEST_POSTGRES_URL`, else the local one).

use std::sync::Arc;
use std::time::Instant;

use handoff_domain::calendar::{Calendar, CalendarSpec, Horizon};
use handoff_domain::org::Role;
use handoff_store::slas::{self, Scope, Timekeeping};
use handoff_store::{Db, PoolSize};
use handoff_test_support::{ScratchDatabase, one_service, test_server};
use jiff::Timestamp;

const OPEN_REQUESTS: i64 = 100_000;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: run it in release with --ignored --nocapture"]
async fn recompute_100k_open_requests_sqlite() {
    let dir = std::env::temp_dir().join(format!("handoff-recompute-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = Db::connect(
        &format!("sqlite://{}", dir.join("bench.db").display()),
        PoolSize::default(),
    )
    .await
    .unwrap();
    recompute_100k_open_requests(&db).await;
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: run it in release with --ignored --nocapture"]
async fn recompute_100k_open_requests_postgres() {
    let scratch = ScratchDatabase::create(&test_server(), "handoff_bench")
        .await
        .unwrap();
    let db = Db::connect(&scratch.url, PoolSize::default())
        .await
        .unwrap();
    recompute_100k_open_requests(&db).await;
    db.close().await;
    scratch.drop().await;
}

async fn recompute_100k_open_requests(db: &Db) {
    db.migrate().await.unwrap();
    let now: Timestamp = "2026-11-23T09:00:00Z".parse().unwrap();
    let desk = one_service(db, Role::Member, now).await.unwrap();
    // Open requests filed over the last 30 days, each with running first-response and
    // resolution clocks.
    let base = now.as_microsecond() - 30 * 24 * 3_600_000_000;
    let step = 30 * 24 * 3_600_000_000 / OPEN_REQUESTS;
    let setup = format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {OPEN_REQUESTS}) \
         INSERT INTO requests (id, service_id, provider_department_id, requester_id, requester_department_id, \
         confidential, subject, description, priority, status, fields, created_at, updated_at) \
         SELECT i, {s}, {d}, {p}, {d}, FALSE, 'Request ' || i, '', 1, 'in_progress', '{{}}', \
         {base} + CAST(i AS BIGINT) * {step}, {base} + CAST(i AS BIGINT) * {step} FROM n;
         INSERT INTO request_slas (request_id, target, allowed_micros, used_micros, running_since, \
         due_at, stopped_at, cycle, calendar_time, warn_at, schedule, next_alarm_at, raised) \
         SELECT id, t.target, t.allowed, 0, created_at, NULL, NULL, 0, FALSE, '[75,90]', '[]', NULL, '[]' \
         FROM requests, \
         (SELECT 'first_response' AS target, 3600000000 AS allowed UNION ALL \
          SELECT 'resolution', 28800000000) t;",
        s = desk.service_id, d = desk.department_id, p = desk.person_id,
    );
    db.execute_raw(&setup).await.unwrap();
    if db.engine() == handoff_store::Engine::Postgres {
        // What autovacuum would have done by then on a server in use.
        db.execute_raw("ANALYZE requests; ANALYZE request_slas")
            .await
            .unwrap();
    }

    // The department's calendar, then the same calendar with new hours (earlier start,
    // longer lunch, earlier close on Fridays) and one more holiday.
    let before = calendar(
        [["09:00", "12:30"], ["13:30", "17:30"]],
        [["09:00", "12:30"], ["13:30", "17:00"]],
        &[],
    );
    let after = calendar(
        [["08:30", "12:00"], ["13:00", "17:00"]],
        [["08:30", "12:00"], ["13:00", "16:00"]],
        &["2026-11-20"],
    );

    // Clocks are first computed from nothing (every clock is written), then the
    // calendar changes (every clock whose due time or alarms move is rewritten).
    for (step, spec) in [("first computation", before), ("calendar change", after)] {
        let started = Instant::now();
        let compiled = Calendar::new(spec)
            .unwrap()
            .compile(Horizon::around(now, 20, 20).unwrap())
            .unwrap();
        let compile = started.elapsed();
        let time = Timekeeping {
            calendar: Some(Arc::new(compiled)),
        };
        let started = Instant::now();
        let clocks = slas::recompute(
            db,
            Scope::Departments(vec![desk.department_id]),
            &time,
            |_, _| {},
        )
        .await
        .unwrap();
        let elapsed = started.elapsed();
        println!(
            "{:?}, {step}: {OPEN_REQUESTS} open requests, {clocks} of {} clocks rewritten in {:.2} s \
             (calendar compiled for 40 years in {:.1} ms)",
            db.engine(),
            OPEN_REQUESTS * 2,
            elapsed.as_secs_f64(),
            compile.as_secs_f64() * 1000.0
        );
        assert!(
            clocks as i64 > OPEN_REQUESTS,
            "{step}: only {clocks} clocks moved"
        );
    }
}

/// A London calendar with the given hours Monday to Thursday and on Friday, and the
/// year's public holidays plus `extra` days off.
fn calendar(week: [[&str; 2]; 2], friday: [[&str; 2]; 2], extra: &[&str]) -> CalendarSpec {
    let mut holidays = vec![serde_json::json!({"date": "2026-12-24", "from": "12:00"})];
    for date in [
        "2026-12-25",
        "2026-12-28",
        "2027-01-01",
        "2027-04-02",
        "2027-04-05",
    ]
    .iter()
    .chain(extra)
    {
        holidays.push(serde_json::json!({ "date": date }));
    }
    serde_json::from_value(serde_json::json!({
        "time_zone": "Europe/London",
        "week": {"mon": week, "tue": week, "wed": week, "thu": week, "fri": friday},
        "holidays": holidays,
    }))
    .unwrap()
}

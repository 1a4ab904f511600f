//! Recomputing open clocks after a calendar change, on both engines: every open
//! request in scope is reached, however many pages it takes, and nothing else is
//! touched (other departments, resolved requests, stopped and paused clocks).

use std::collections::BTreeMap;
use std::sync::Arc;

use handoff_domain::calendar::{Calendar, CalendarSpec, Horizon};
use handoff_domain::org::Role;
use handoff_store::departments::{self, NewDepartment};
use handoff_store::slas::{self, Scope, Timekeeping};
use handoff_store::{Db, PoolSize};
use handoff_test_support::{ScratchDatabase, one_service, open_service, test_server};
use jiff::{SignedDuration, Timestamp};

/// More requests than one page the recompute reads at a time, so that it pages.
const REQUESTS: i64 = 2_600;

#[tokio::test]
async fn recompute_reaches_every_open_clock_in_scope_and_only_those_sqlite() {
    let dir = std::env::temp_dir().join(format!("handoff-recompute-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("test.db").display());
    let db = Db::connect(&url, PoolSize { max_connections: 4 })
        .await
        .unwrap();
    recompute_reaches_every_open_clock_in_scope_and_only_those(&db).await;
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn recompute_reaches_every_open_clock_in_scope_and_only_those_postgres() {
    let scratch = ScratchDatabase::create(&test_server(), "handoff_test")
        .await
        .expect("a PostgreSQL server for tests (scripts/test starts one)");
    let db = Db::connect(&scratch.url, PoolSize { max_connections: 4 })
        .await
        .unwrap();
    recompute_reaches_every_open_clock_in_scope_and_only_those(&db).await;
    db.close().await;
    scratch.drop().await;
}

/// A clock row as stored, to tell touched from untouched.
#[derive(Debug, PartialEq, sqlx::FromRow)]
struct Row {
    request_id: i64,
    target: String,
    allowed_micros: i64,
    used_micros: i64,
    running_since: Option<i64>,
    due_at: Option<i64>,
    stopped_at: Option<i64>,
    schedule: String,
    next_alarm_at: Option<i64>,
    raised: String,
}

async fn clocks(db: &Db) -> BTreeMap<(i64, String), Row> {
    let rows: Vec<Row> = handoff_store::on_read!(db, |pool| sqlx::query_as(
        "SELECT request_id, target, allowed_micros, used_micros, running_since, due_at, \
         stopped_at, schedule, next_alarm_at, raised FROM request_slas"
    )
    .fetch_all(pool)
    .await
    .unwrap());
    rows.into_iter()
        .map(|r| ((r.request_id, r.target.clone()), r))
        .collect()
}

async fn recompute_reaches_every_open_clock_in_scope_and_only_those(db: &Db) {
    db.migrate().await.unwrap();
    let now: Timestamp = "2026-11-23T09:00:00Z".parse().unwrap();
    let it = one_service(db, Role::Member, now).await.unwrap();
    let hr = departments::create(
        db,
        &NewDepartment {
            name: "HR",
            handle: "hr",
            parent_id: None,
        },
        now,
    )
    .await
    .unwrap();
    let payroll = open_service(db, hr.id, "Payroll", now).await.unwrap();

    // Every fifth request is HR's, every seventh resolved; each has a first-response
    // and a resolution clock; every thirteenth first response has stopped (answered),
    // every eleventh resolution clock is paused (waiting on the customer) after an hour.
    let base = now.as_microsecond() - 10 * 24 * 3_600_000_000;
    let step = 10 * 24 * 3_600_000_000 / REQUESTS;
    db.execute_raw(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {REQUESTS}) \
         INSERT INTO requests (id, service_id, provider_department_id, requester_id, \
         requester_department_id, confidential, subject, description, priority, status, fields, \
         created_at, updated_at) \
         SELECT i, CASE WHEN i % 5 = 0 THEN {hs} ELSE {is} END, \
         CASE WHEN i % 5 = 0 THEN {hd} ELSE {id} END, {p}, {id}, FALSE, 'Request ' || i, '', 1, \
         CASE WHEN i % 7 = 0 THEN 'resolved' ELSE 'in_progress' END, '{{}}', \
         {base} + CAST(i AS BIGINT) * {step}, {base} + CAST(i AS BIGINT) * {step} FROM n;
         INSERT INTO request_slas (request_id, target, allowed_micros, used_micros, running_since, \
         due_at, stopped_at, cycle, calendar_time, warn_at, schedule, next_alarm_at, raised) \
         SELECT id, 'first_response', 3600000000, 0, \
         CASE WHEN id % 13 = 0 THEN NULL ELSE created_at END, NULL, \
         CASE WHEN id % 13 = 0 THEN created_at + 600000000 END, 0, FALSE, '[75,90]', '[]', NULL, '[]' \
         FROM requests;
         INSERT INTO request_slas (request_id, target, allowed_micros, used_micros, running_since, \
         due_at, stopped_at, cycle, calendar_time, warn_at, schedule, next_alarm_at, raised) \
         SELECT id, 'resolution', 28800000000, CASE WHEN id % 11 = 0 THEN 3600000000 ELSE 0 END, \
         CASE WHEN id % 11 = 0 THEN NULL ELSE created_at END, NULL, NULL, 0, FALSE, '[75,90]', \
         '[]', NULL, '[]' FROM requests;",
        hs = payroll.id,
        is = it.service_id,
        hd = hr.id,
        id = it.department_id,
        p = it.person_id,
    ))
    .await
    .unwrap();

    let in_scope = |request: i64| request % 5 != 0 && request % 7 != 0;
    for hours in [
        [["09:00", "12:30"], ["13:30", "17:30"]],
        [["08:30", "12:00"], ["13:00", "17:00"]],
    ] {
        let spec: CalendarSpec = serde_json::from_value(serde_json::json!({
            "time_zone": "Europe/London",
            "week": {"mon": hours, "tue": hours, "wed": hours, "thu": hours, "fri": hours},
            "holidays": [{"date": "2026-11-18"}],
        }))
        .unwrap();
        let calendar = Calendar::new(spec)
            .unwrap()
            .compile(Horizon::around(now, 2, 2).unwrap())
            .unwrap();
        let time = Timekeeping {
            calendar: Some(Arc::new(calendar)),
        };
        let before = clocks(db).await;
        let count = slas::recompute(
            db,
            Scope::Departments(vec![it.department_id]),
            &time,
            |_, _| {},
        )
        .await
        .unwrap();
        let after = clocks(db).await;

        assert_eq!(before.len(), after.len());
        let mut changed = 0;
        for (key, old) in &before {
            let new = &after[key];
            let (request, target) = (key.0, key.1.as_str());
            if old != new {
                changed += 1;
            }
            let running = new.running_since.is_some() && new.stopped_at.is_none();
            if !(in_scope(request) && running) {
                // Other departments', resolved requests' and stopped clocks keep every
                // column; a paused clock has no due time to move.
                let paused = in_scope(request) && new.stopped_at.is_none();
                if paused {
                    assert_eq!(
                        (new.running_since, new.due_at, new.next_alarm_at),
                        (None, None, None),
                        "{key:?}"
                    );
                } else {
                    assert_eq!(old, new, "{key:?} was touched");
                }
                continue;
            }
            // Only the due time and the alarms move; the time used and the start stay.
            assert_eq!(
                (
                    old.allowed_micros,
                    old.used_micros,
                    old.running_since,
                    &old.raised
                ),
                (
                    new.allowed_micros,
                    new.used_micros,
                    new.running_since,
                    &new.raised
                ),
                "{key:?}"
            );
            let since = Timestamp::from_microsecond(new.running_since.unwrap()).unwrap();
            let left = SignedDuration::from_micros(new.allowed_micros - new.used_micros);
            let due = time.work(false).after(since, left).unwrap();
            assert_eq!(new.due_at, Some(due.as_microsecond()), "{request} {target}");
            assert!(new.next_alarm_at.is_some(), "{key:?} has no next alarm");
            assert!(new.schedule.contains("breach"), "{key:?}: {}", new.schedule);
        }
        assert_eq!(count, changed, "the count is what was rewritten");
        assert!(count > 1_000, "only {count} clocks moved");
    }

    // A calendar that cannot place the newest requests' due times (its horizon ends two
    // days ago) fails part-way through, after the oldest were rewritten: nothing stays.
    let day = [["00:00", "24:00"]];
    let spec: CalendarSpec = serde_json::from_value(serde_json::json!({
        "time_zone": "UTC",
        "week": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": day, "sun": day},
    }))
    .unwrap();
    let days = |n: i64| SignedDuration::from_hours(24 * n);
    let horizon = Horizon::new(now - days(60), now - days(2)).unwrap();
    let time = Timekeeping {
        calendar: Some(Arc::new(
            Calendar::new(spec).unwrap().compile(horizon).unwrap(),
        )),
    };
    let before = clocks(db).await;
    let failed = slas::recompute(
        db,
        Scope::Departments(vec![it.department_id]),
        &time,
        |_, _| {},
    )
    .await;
    assert!(failed.is_err(), "{failed:?}");
    assert!(
        before == clocks(db).await,
        "a failed recompute wrote clocks"
    );
}

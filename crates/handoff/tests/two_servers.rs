//! Two `handoff serve` processes on one PostgreSQL database raise each SLA alarm once,
//! and run each job it queues once.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use handoff_domain::clock::{Clock, SystemClock};
use handoff_domain::org::Role;
use handoff_domain::sla::Policy;
use handoff_store::requests;
use handoff_store::slas::{ClockWrite, Timekeeping};
use handoff_store::{Db, PoolSize};
use handoff_test_support::{ScratchDatabase, one_service, test_server};
use jiff::SignedDuration;

const REQUESTS: i64 = 60;

/// Stops the servers however the test ends.
struct Servers(Vec<Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[tokio::test]
async fn two_servers_raise_each_alarm_once() {
    let server = test_server();
    let scratch = ScratchDatabase::create(&server, "handoff_two")
        .await
        .expect("PostgreSQL (run scripts/test)");
    let url = scratch.url.clone();
    let db = Db::connect(&url, PoolSize::default()).await.unwrap();
    db.migrate().await.unwrap();
    // Requests filed two hours ago under a ten-minute target: every alarm is due.
    let now = SystemClock.now();
    let filed = now - SignedDuration::from_hours(2);
    let desk = one_service(&db, Role::Manager, now).await.unwrap();
    let policy = Policy {
        first_response_minutes: Some(10),
        resolution_minutes: None,
        next_update_minutes: None,
        calendar_time: true,
        warn_at: vec![75, 90],
    };
    let clocks = ClockWrite::start(&policy, filed, &Timekeeping::default()).unwrap();
    let fields = serde_json::Map::new();
    for i in 0..REQUESTS {
        let subject = format!("Request {i}");
        let new = desk.request(&subject, &fields);
        let filing = requests::Filing::new(&new, clocks.clone(), filed);
        requests::create(&db, filing).await.unwrap();
    }

    let binary = env!("CARGO_BIN_EXE_handoff");
    let servers = Servers(
        (0..2)
            .map(|_| {
                Command::new(binary)
                    .args(["serve", "--listen", "127.0.0.1:0", "--database-url", &url])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("start handoff serve")
            })
            .collect(),
    );

    // Wait for the condition, not for a time: every timer claimed, every job run.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let pending: i64 = on_pending(&db).await;
        if pending == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{pending} alarms still pending after 60 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(servers);

    let raised = count(&db, "SELECT COUNT(*) FROM request_history WHERE kind IN ('sla_warning', 'warning_missed', 'sla_breached')").await;
    let distinct = count(&db, "SELECT COUNT(*) FROM (SELECT DISTINCT request_id, kind, payload FROM request_history WHERE kind IN ('sla_warning', 'warning_missed', 'sla_breached')) d").await;
    let missed = count(
        &db,
        "SELECT COUNT(*) FROM request_history WHERE kind = 'warning_missed'",
    )
    .await;
    let notes = count(&db, "SELECT COUNT(*) FROM notifications").await;
    assert_eq!(raised, REQUESTS * 3, "each request has three alarms");
    assert_eq!(distinct, raised, "an alarm was raised twice");
    // All three came due while no server ran: the warnings are missed, not sent.
    assert_eq!(missed, REQUESTS * 2);
    // The only person is the manager: told of each breach once.
    assert_eq!(notes, REQUESTS);

    db.close().await;
    scratch.drop().await;
}

async fn on_pending(db: &Db) -> i64 {
    count(
        db,
        "SELECT (SELECT COUNT(*) FROM request_slas WHERE next_alarm_at IS NOT NULL) \
         + (SELECT COUNT(*) FROM jobs)",
    )
    .await
}

async fn count(db: &Db, sql: &'static str) -> i64 {
    match db {
        Db::Postgres { pool, .. } => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Db::Sqlite { read, .. } => sqlx::query_scalar(sql).fetch_one(read).await.unwrap(),
    }
}

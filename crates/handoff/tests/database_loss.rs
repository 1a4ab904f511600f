//! A database that goes away: while PostgreSQL is down, `handoff serve` answers 503 with
//! the JSON envelope on the API and a readable page on the pages, and it serves again by
//! itself once PostgreSQL is back. The test runs its own throwaway PostgreSQL
//! (`scripts/postgres start`), which it pauses and resumes.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use handoff_domain::org::Role;
use handoff_store::{Db, PoolSize, sessions, tokens};
use handoff_test_support::one_service;
use jiff::Timestamp;
use reqwest::StatusCode;

mod support;
use support::Served;

/// Stops the server and the PostgreSQL cluster however the test ends.
struct Running {
    server: Option<Served>,
    cluster: PathBuf,
}

impl Drop for Running {
    fn drop(&mut self) {
        // The server first, then its database.
        drop(self.server.take());
        let _ = postgres("stop", &self.cluster);
    }
}

/// Runs `scripts/postgres ACTION DIR`; returns what it printed.
fn postgres(action: &str, dir: &std::path::Path) -> String {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/postgres");
    let out = Command::new(script)
        .arg(action)
        .arg(dir)
        .stderr(Stdio::inherit())
        .output()
        .expect("run scripts/postgres");
    assert!(out.status.success(), "scripts/postgres {action} failed");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Asks until `check` holds for an answer, or fails after `within`.
async fn until(
    within: Duration,
    what: &str,
    mut ask: impl AsyncFnMut() -> Option<reqwest::Response>,
    check: impl Fn(&reqwest::Response) -> bool,
) -> reqwest::Response {
    let deadline = Instant::now() + within;
    loop {
        if let Some(answer) = ask().await
            && check(&answer)
        {
            return answer;
        }
        assert!(Instant::now() < deadline, "{what} within {within:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_answers_503_while_postgres_is_down_and_recovers() {
    let cluster = tempfile::Builder::new()
        .prefix("handoff-loss-pg")
        .tempdir_in("/tmp")
        .unwrap()
        .keep();
    std::fs::remove_dir(&cluster).unwrap();
    let mut running = Running {
        server: None,
        cluster: cluster.clone(),
    };
    let url = postgres("start", &cluster);
    let db = Db::connect(&url, PoolSize { max_connections: 2 })
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let desk = one_service(&db, Role::Member, Timestamp::now())
        .await
        .unwrap();
    let token = tokens::create(&db, desk.person_id, "loss test", Timestamp::now())
        .await
        .unwrap();
    let session = sessions::create(&db, desk.person_id, Timestamp::now())
        .await
        .unwrap();
    db.close().await;

    let server = Served::start(|serve| {
        serve
            .args(["--database-url", &url])
            .env("RUST_LOG", "warn")
            .stderr(Stdio::inherit());
    })
    .await;
    let base = server.base.clone();
    running.server = Some(server);
    let client = reqwest::Client::new();
    let api = async || {
        client
            .get(format!("{base}/api/v1/requests"))
            .bearer_auth(&token)
            .send()
            .await
            .ok()
    };
    let page = async || {
        client
            .get(format!("{base}/requests"))
            .header("cookie", format!("handoff_session={session}"))
            .send()
            .await
            .ok()
    };
    let ok = |r: &reqwest::Response| r.status() == StatusCode::OK;
    let unavailable = |r: &reqwest::Response| r.status() == StatusCode::SERVICE_UNAVAILABLE;
    until(Duration::from_secs(30), "the server started", api, ok).await;
    until(Duration::from_secs(5), "the page answered", page, ok).await;

    postgres("pause", &cluster);
    let answer = until(
        Duration::from_secs(30),
        "the API answered 503",
        api,
        unavailable,
    )
    .await;
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable", "{body}");
    let health = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);
    let shown = until(
        Duration::from_secs(30),
        "the page answered 503",
        page,
        unavailable,
    )
    .await;
    assert!(
        shown
            .headers()
            .get("content-type")
            .is_some_and(|c| c.to_str().unwrap_or("").starts_with("text/html"))
    );
    let html = shown.text().await.unwrap();
    assert!(html.contains("cannot reach its database"), "{html}");

    postgres("resume", &cluster);
    until(Duration::from_secs(30), "the API recovered", api, ok).await;
    until(Duration::from_secs(30), "the page recovered", page, ok).await;
}

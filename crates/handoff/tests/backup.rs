//! `handoff backup FILE` and `handoff restore FILE` on SQLite: a copy taken while a
//! server files requests holds every request acknowledged before the copy began, and
//! restores; a restore checks the copy first and keeps the database it replaces; bad
//! input gets one readable line and changes nothing.

use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use handoff_store::{Db, PoolSize};

mod support;
use support::{Served, desk, handoff};

fn said(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).trim().to_owned()
}

async fn subjects(url: &str) -> std::collections::HashMap<i64, String> {
    let db = Db::connect(url, PoolSize { max_connections: 1 })
        .await
        .unwrap();
    let rows: Vec<(i64, String)> = handoff_store::on_read!(&db, |pool| sqlx::query_as(
        "SELECT id, subject FROM requests"
    )
    .fetch_all(pool)
    .await
    .unwrap());
    db.close().await;
    rows.into_iter().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_taken_under_load_holds_every_request_acknowledged_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("live.db").display());
    let (desk, token) = desk(&url, "backup test").await;
    let service = desk.service_id;
    let server = Served::start(|serve| {
        serve.args(["--database-url", &url]);
    })
    .await;
    let client = reqwest::Client::new();
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<(i64, String)>::new()));
    let mut filers = tokio::task::JoinSet::new();
    for f in 0..4 {
        let (client, base, token) = (client.clone(), server.base.clone(), token.clone());
        let (stop, acknowledged) = (stop.clone(), acknowledged.clone());
        filers.spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let subject = format!("Filed by {f}, number {n}");
                let answer = client
                    .post(format!("{base}/api/v1/requests"))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({
                        "service_id": service, "subject": subject, "description": "backed up",
                    }))
                    .send()
                    .await
                    .expect("the server answers");
                assert_eq!(answer.status(), reqwest::StatusCode::CREATED);
                let body: serde_json::Value = answer.json().await.unwrap();
                acknowledged
                    .lock()
                    .unwrap()
                    .push((body["id"].as_i64().unwrap(), subject));
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while acknowledged.lock().unwrap().len() < 200 {
        assert!(Instant::now() < deadline, "filing too slow");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    // The copy, while the filers go on.
    let before: Vec<(i64, String)> = acknowledged.lock().unwrap().clone();
    let copy = dir.path().join("copy.db");
    let out = handoff(&url, &["backup", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", said(&out));
    assert!(said(&out).starts_with("backed up to "), "{}", said(&out));
    let during = acknowledged.lock().unwrap().len();
    stop.store(true, Ordering::Relaxed);
    while let Some(joined) = filers.join_next().await {
        joined.unwrap();
    }
    assert!(
        during > before.len(),
        "the filers kept filing during the copy"
    );
    drop(server);

    // Restored elsewhere, the copy holds every request acknowledged before it began.
    let restored = format!("sqlite://{}", dir.path().join("restored.db").display());
    let out = handoff(&restored, &["restore", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", said(&out));
    let stored = subjects(&restored).await;
    for (id, subject) in &before {
        assert_eq!(
            stored.get(id),
            Some(subject),
            "request {id} is not in the copy"
        );
    }
}

#[tokio::test]
async fn a_restore_checks_the_copy_and_keeps_the_database_it_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("handoff.db").display());
    desk(&url, "backup test").await;
    let copy = dir.path().join("monday.db");
    let copy = copy.to_str().unwrap();
    let out = handoff(&url, &["backup", copy]);
    assert!(out.status.success(), "{}", said(&out));

    // A copy is never overwritten.
    let out = handoff(&url, &["backup", copy]);
    assert!(!out.status.success());
    assert_eq!(
        said(&out),
        format!("error: {copy} already exists: give a new file")
    );

    // Something happens after the copy; the restore takes it back, and keeps it aside.
    let out = handoff(
        &url,
        &[
            "person",
            "create",
            "--email",
            "late@example.org",
            "--name",
            "Late",
            "--department",
            "it",
            "--role",
            "member",
        ],
    );
    assert!(out.status.success(), "{}", said(&out));
    let people = |url: String| async move {
        let db = Db::connect(&url, PoolSize { max_connections: 1 })
            .await
            .unwrap();
        let n: i64 = handoff_store::on_read!(&db, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM people"
        )
        .fetch_one(pool)
        .await
        .unwrap());
        db.close().await;
        n
    };
    let after = people(url.clone()).await;
    let out = handoff(&url, &["restore", copy]);
    assert!(out.status.success(), "{}", said(&out));
    assert!(said(&out).contains("the database it replaced is kept at "));
    assert_eq!(people(url.clone()).await, after - 1);
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".replaced-"))
        .filter(|e| !e.file_name().to_string_lossy().ends_with("-wal"))
        .filter(|e| !e.file_name().to_string_lossy().ends_with("-shm"))
        .collect();
    assert_eq!(kept.len(), 1);
    let kept = format!("sqlite://{}", kept[0].path().display());
    assert_eq!(people(kept).await, after);

    // A file that is not a copy: one line, and the database stays as it is.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all, just words").unwrap();
    let out = handoff(&url, &["restore", junk.to_str().unwrap()]);
    assert!(!out.status.success());
    let line = said(&out);
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.contains("is not a usable copy"), "{line}");
    assert_eq!(people(url.clone()).await, after - 1);
}

#[test]
fn postgres_is_copied_with_its_own_tools() {
    let out = handoff("postgres://nobody@127.0.0.1:1/none", &["backup", "x.dump"]);
    assert!(!out.status.success());
    assert!(
        said(&out).contains("pg_dump --format=custom"),
        "{}",
        said(&out)
    );
    let out = handoff("postgres://nobody@127.0.0.1:1/none", &["restore", "x.dump"]);
    assert!(!out.status.success());
    assert!(said(&out).contains("pg_restore"), "{}", said(&out));
}

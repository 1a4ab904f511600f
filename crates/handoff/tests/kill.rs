//! Nothing acknowledged is lost when the server dies: a `handoff serve` filing requests
//! under load (on SQLite, while its checkpointer empties the write-ahead log) is killed
//! with SIGKILL, and every request it answered 201 for is in the database afterwards.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use handoff_store::{Db, PoolSize};
use handoff_test_support::{ScratchDatabase, test_server};

mod support;
use support::{Served, desk};

/// Requests acknowledged before the kill.
const ACKNOWLEDGED: usize = 3_000;
const FILERS: usize = 16;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_requests_survive_a_kill_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("kill.db").display());
    acknowledged_requests_survive_a_kill(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_requests_survive_a_kill_postgres() {
    let scratch = ScratchDatabase::create(&test_server(), "handoff_kill")
        .await
        .expect("PostgreSQL (run scripts/test)");
    acknowledged_requests_survive_a_kill(&scratch.url).await;
    scratch.drop().await;
}

async fn acknowledged_requests_survive_a_kill(url: &str) {
    let (desk, token) = desk(url, "kill test").await;

    let mut server = Served::start(|serve| {
        serve.args(["--database-url", url]);
    })
    .await;
    let base = server.base.clone();
    let client = reqwest::Client::new();

    // Filers that record each request the server acknowledged, until it dies.
    let dead = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<(i64, String)>::new()));
    let mut filers = tokio::task::JoinSet::new();
    for f in 0..FILERS {
        let (client, base, token) = (client.clone(), base.clone(), token.clone());
        let (dead, acknowledged) = (dead.clone(), acknowledged.clone());
        filers.spawn(async move {
            let mut n = 0;
            while !dead.load(Ordering::Relaxed) {
                n += 1;
                let subject = format!("Filed by {f}, number {n}");
                let answer = client
                    .post(format!("{base}/api/v1/requests"))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({
                        "service_id": desk.service_id,
                        "subject": subject,
                        "description": "must survive a kill",
                    }))
                    .send()
                    .await;
                let Ok(answer) = answer else { continue };
                if answer.status() != reqwest::StatusCode::CREATED {
                    continue;
                }
                let Ok(body) = answer.json::<serde_json::Value>().await else {
                    continue;
                };
                let id = body["id"].as_i64().expect("an id");
                acknowledged.lock().unwrap().push((id, subject));
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while acknowledged.lock().unwrap().len() < ACKNOWLEDGED {
        assert!(Instant::now() < deadline, "filing too slow");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // SIGKILL, in the middle of the load.
    server.kill();
    dead.store(true, Ordering::Relaxed);
    while let Some(joined) = filers.join_next().await {
        joined.unwrap();
    }

    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= ACKNOWLEDGED);
    let db = Db::connect(url, PoolSize { max_connections: 2 })
        .await
        .unwrap();
    let stored: Vec<(i64, String)> = handoff_store::on_read!(&db, |pool| sqlx::query_as(
        "SELECT id, subject FROM requests"
    )
    .fetch_all(pool)
    .await
    .unwrap());
    let stored: std::collections::HashMap<i64, String> = stored.into_iter().collect();
    for (id, subject) in &acknowledged {
        assert_eq!(
            stored.get(id),
            Some(subject),
            "request {id} was acknowledged and then lost"
        );
    }
    db.close().await;
}

//! What a comment costs as its request collects comments: the time of each 300 of 3,000
//! public replies on one request, posted through the action as the API posts them, on
//! either engine. A measurement, not a check:
//! `cargo test -p handoff-app --release --test comment_cost -- --ignored --nocapture`
//! (add `sqlite` or `postgres` to run one engine). Figures in BENCHMARKS.md.

use std::time::Instant;

use std::sync::Arc;

use handoff_app::App;
use handoff_app::comments::{self, NewComment};
use handoff_app::requests::{self, FileRequest};
use handoff_domain::access::Actor;
use handoff_domain::clock::SystemClock;
use handoff_domain::org::Role;
use handoff_domain::request::Priority;
use handoff_store::{Db, PoolSize};
use handoff_test_support::{ScratchDatabase, one_service, test_server};
use jiff::Timestamp;

const COMMENTS: usize = 3_000;

#[tokio::test]
#[ignore = "a measurement, not a check"]
async fn comment_cost_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cost.db").display());
    let db = Db::connect(&url, PoolSize::default()).await.unwrap();
    measure("sqlite", &db).await;
    db.close().await;
}

#[tokio::test]
#[ignore = "a measurement, not a check"]
async fn comment_cost_postgres() {
    let scratch = ScratchDatabase::create(&test_server(), "handoff_cost")
        .await
        .expect("a PostgreSQL server (scripts/postgres starts one)");
    let db = Db::connect(&scratch.url, PoolSize::default())
        .await
        .unwrap();
    measure("postgres", &db).await;
    db.close().await;
    scratch.drop().await;
}

async fn measure(engine: &str, db: &Db) {
    db.migrate().await.unwrap();
    let desk = one_service(db, Role::Member, Timestamp::now())
        .await
        .unwrap();
    let app = App::new(db.clone(), Arc::new(SystemClock));
    let actor = Actor {
        person_id: desk.person_id,
        department_id: desk.department_id,
        role: Role::Member,
    };
    let command = FileRequest {
        service_id: desk.service_id,
        subject: "A request that collects comments".to_owned(),
        description: String::new(),
        priority: Priority::Normal,
        fields: serde_json::Map::new(),
    };
    let request = requests::file(&app, &actor, command).await.unwrap();
    let mut started = Instant::now();
    for n in 1..=COMMENTS {
        let body = format!(
            "Comment {n}: the invoice for the spring campaign is attached, \
             with the revised totals and the purchase order number"
        );
        let reply = NewComment {
            body,
            internal: false,
        };
        comments::post(&app, &actor, request.id, reply)
            .await
            .unwrap();
        if n % 300 == 0 {
            let each = started.elapsed().as_secs_f64() * 1e6 / 300.0;
            println!("{engine}: comments {}-{n}: {each:.0} µs each", n - 299);
            started = Instant::now();
        }
    }
}

//! What a comment costs as its request collects comments: the time of each hundred of
//! 1,000 public comments on one request, on either engine. A measurement, not a check:
//! `cargo test -p handoff-store --release --test comment_cost -- --ignored --nocapture`
//! (add `sqlite` or `postgres` to run one engine). Figures in BENCHMARKS.md.

use std::time::Instant;

use handoff_domain::org::Role;
use handoff_store::comments::{self, NewComment};
use handoff_store::requests;
use handoff_store::scratch::{ScratchDatabase, one_service, test_server};
use handoff_store::slas::{ClockWrite, Timekeeping};
use handoff_store::{Db, PoolSize};
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
    let fields = serde_json::Map::new();
    let new = desk.request("A request that collects comments", &fields);
    let request = requests::create(db, &new, &ClockWrite::default(), Timestamp::now())
        .await
        .unwrap();
    let mut started = Instant::now();
    for n in 1..=COMMENTS {
        let body = format!(
            "Comment {n}: the invoice for the spring campaign is attached, \
             with the revised totals and the purchase order number"
        );
        let comment = NewComment {
            request_id: request.id,
            author_id: desk.person_id,
            body: &body,
            internal: false,
            from_customer: true,
            from_provider: false,
        };
        comments::create(db, &comment, Timestamp::now(), &Timekeeping::default())
            .await
            .unwrap();
        if n % 300 == 0 {
            let each = started.elapsed().as_secs_f64() * 1e6 / 300.0;
            println!("{engine}: comments {}-{n}: {each:.0} µs each", n - 299);
            started = Instant::now();
        }
    }
}

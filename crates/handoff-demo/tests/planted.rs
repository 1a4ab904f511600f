//! Health finds the problems planted in an organisation's history: the demo's
//! organisation, its dependencies and deliverables, and a generated history replayed
//! through the import on either engine; then the scores, read as the API reads them,
//! must put the slow provider and the late deliverer at the head of the bottlenecks,
//! give the slow provider red SLAs, show
//! the unhappy pair as a watermelon, and give the late deliverer the worst on-time rate.
//! Nothing here knows the figures in advance: only which department was given which
//! problem.

use std::sync::Arc;

use handoff_app::health::{self, PairHealth};
use handoff_app::{App, import};
use handoff_demo::history::{self, HistoryOptions, Planted};
use handoff_demo::{DemoOptions, Shape, dependencies};
use handoff_domain::clock::ManualClock;
use handoff_domain::health::Part;
use handoff_store::health::Pairs;
use handoff_store::{Db, PoolSize};
use handoff_test_support::{ScratchDatabase, test_server};
use jiff::{SignedDuration, Timestamp};

/// Requests in the history: enough for every planted problem to rest on the minimum
/// events of its parts, few enough for a debug build.
const REQUESTS: u64 = 600;

#[tokio::test]
async fn health_finds_what_was_planted_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("planted.db").display());
    let db = Db::connect(&url, PoolSize { max_connections: 4 })
        .await
        .unwrap();
    check(&db).await;
    db.close().await;
}

#[tokio::test]
async fn health_finds_what_was_planted_on_postgres() {
    let scratch = ScratchDatabase::create(&test_server(), "handoff_planted")
        .await
        .expect("a PostgreSQL server (scripts/test starts one)");
    let db = Db::connect(&scratch.url, PoolSize { max_connections: 4 })
        .await
        .unwrap();
    check(&db).await;
    db.close().await;
    scratch.drop().await;
}

fn part(pair: &PairHealth, part: Part) -> Option<f64> {
    pair.assessment
        .parts
        .iter()
        .find(|p| p.part == part && p.enough)
        .and_then(|p| p.value)
}

async fn check(db: &Db) {
    db.migrate().await.unwrap();
    let now: Timestamp = "2026-11-30T12:00:00Z".parse().unwrap();
    let options = DemoOptions {
        requests: 0,
        progress: false,
        shape: Shape::default(),
    };
    handoff_demo::fill(db, &options, now)
        .await
        .unwrap()
        .unwrap();
    dependencies::fill(db, now, false).await.unwrap();

    let from = now - SignedDuration::from_hours(24 * dependencies::HISTORY_DAYS);
    let clock = Arc::new(ManualClock::new(from));
    let app = App::new(db.clone(), clock.clone());
    let org = history::read_org(&app, from, now).await.unwrap();
    let (lines, planted) = history::generate(
        &org,
        &HistoryOptions {
            requests: REQUESTS,
            from,
            to: now,
            seed: 7,
        },
    );
    let Planted {
        slow_provider: Some(slow),
        late_deliverer: Some(late),
        unhappy_pair: Some((unhappy_customer, green_provider)),
    } = planted
    else {
        panic!("the demo organisation has room for every problem: {planted:?}");
    };
    import::check(&app, &lines).await.unwrap();
    import::apply(&app, &clock, &lines, &mut |_| {})
        .await
        .unwrap();

    let pairs = health::pairs_at(&app, Pairs::All, now).await.unwrap();

    // The two who hold others back lead the bottlenecks: the slow provider, waited on by
    // the most departments, and the late deliverer, whose customer depends on it
    // critically (which of the two leads is the weights' call); every rank has its
    // evidence.
    let ranked = health::bottlenecks(&app, now).await.unwrap();
    let top: Vec<i64> = ranked
        .iter()
        .take(2)
        .map(|b| b.bottleneck.department_id)
        .collect();
    assert!(top.contains(&slow) && top.contains(&late), "{ranked:?}");
    let widest = ranked
        .iter()
        .max_by_key(|b| b.bottleneck.waiting_departments)
        .unwrap();
    assert_eq!(widest.bottleneck.department_id, slow, "{ranked:?}");
    assert!(widest.bottleneck.waiting_departments >= 3, "{widest:?}");
    assert!(ranked.iter().all(|b| !b.evidence.is_empty()));
    // The slow provider's SLAs are red: over all its relationships, and in most of them
    // one by one (a relationship with a handful of requests may have been lucky); every
    // other provider's are green.
    let sla = |p: &PairHealth| part(p, Part::Sla);
    let slow_slas: Vec<(f64, u64)> = pairs
        .iter()
        .filter(|p| p.provider == slow)
        .filter_map(|p| {
            let figure = p.assessment.parts.iter().find(|f| f.part == Part::Sla)?;
            Some((sla(p)?, figure.events))
        })
        .collect();
    assert!(slow_slas.len() >= 3, "{slow_slas:?}");
    let (met, all) = slow_slas
        .iter()
        .fold((0.0, 0), |(m, n), (v, e)| (m + v * *e as f64, n + e));
    assert!(met / (all as f64) < 70.0, "{slow_slas:?}");
    let red = slow_slas.iter().filter(|(v, _)| *v < 80.0).count();
    assert!(red * 3 >= slow_slas.len() * 2, "{slow_slas:?}");
    let others: Vec<f64> = pairs
        .iter()
        .filter(|p| p.provider != slow)
        .filter_map(sla)
        .collect();
    assert!(others.iter().all(|v| *v >= 80.0), "{others:?}");

    // The unhappy pair: green operations, unhappy customers, flagged.
    let pair = pairs
        .iter()
        .find(|p| p.customer == unhappy_customer && p.provider == green_provider)
        .expect("the unhappy pair has health");
    assert!(pair.assessment.watermelon, "{pair:?}");
    assert!(sla(pair).is_some_and(|v| v >= 80.0), "{pair:?}");
    assert!(
        part(pair, Part::Satisfaction).is_some_and(|v| v < 60.0),
        "{pair:?}"
    );
    assert!(
        pairs
            .iter()
            .filter(|p| p.assessment.watermelon)
            .all(|p| (p.customer, p.provider) == (unhappy_customer, green_provider)),
        "only the planted pair is a watermelon"
    );

    // The late deliverer: its on-time rate is the worst, and below every other's.
    let on_time = |p: &PairHealth| part(p, Part::DeliverablesOnTime);
    let late_rates: Vec<f64> = pairs
        .iter()
        .filter(|p| p.provider == late)
        .filter_map(on_time)
        .collect();
    let other_rates: Vec<f64> = pairs
        .iter()
        .filter(|p| p.provider != late)
        .filter_map(on_time)
        .collect();
    assert!(!late_rates.is_empty() && !other_rates.is_empty());
    let worst_other = other_rates.iter().copied().fold(f64::MAX, f64::min);
    assert!(
        late_rates.iter().all(|v| *v < worst_other && *v <= 50.0),
        "late {late_rates:?}, others {other_rates:?}"
    );
}

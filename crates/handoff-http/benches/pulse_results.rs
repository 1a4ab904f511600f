//! The cost of a pulse's results: `GET /api/v1/pulses/{id}/results` for a pulse sent to
//! 5,000 people across 200 departments, about 3 providers, every person answering about
//! each (about 15,000 answers), with an earlier pulse of the same pairs for the trend.
//! Calls the real router in process (everything but the socket) and prints percentiles.
//!
//! `cargo bench -p handoff-http --bench pulse_results` (SQLite);
//! `BENCH_ENGINE=postgres` for PostgreSQL (HANDOFF_TEST_POSTGRES_URL or 127.0.0.1:5432).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use handoff_app::App;
use handoff_app::pulses::{Answer, StartPulse};
use handoff_domain::access::Actor;
use handoff_domain::clock::{Clock, ManualClock};
use handoff_domain::org::Role;
use handoff_http::AppState;
use handoff_store::departments::{self, NewDepartment};
use handoff_store::people::{self, NewPerson};
use handoff_store::tokens;
use http_body_util::BodyExt;
use jiff::{SignedDuration, Timestamp};
use tower::ServiceExt;

const DEPARTMENTS: usize = 200;
const PEOPLE: usize = 5_000;
const PROVIDERS: usize = 3;
const CALLS: usize = 200;

#[tokio::main]
async fn main() {
    let bench = handoff_test_support::BenchDatabase::open().await;
    let db = bench.db.clone();
    let start: Timestamp = "2026-11-02T09:00:00Z".parse().unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let app = App::new(db.clone(), clock.clone());

    let setup = Instant::now();
    let mut department_ids = Vec::new();
    for i in 0..DEPARTMENTS {
        let new = NewDepartment {
            name: &format!("Department {i}"),
            handle: &format!("d{i}"),
            parent_id: None,
        };
        department_ids.push(departments::create(&db, &new, start).await.unwrap().id);
    }
    let admin = people::create(
        &db,
        &NewPerson {
            name: "Admin",
            email: "admin@example.org",
            department_id: department_ids[0],
            role: Role::Admin,
        },
        start,
    )
    .await
    .unwrap();
    let token = tokens::create(&db, admin.id, "bench", start).await.unwrap();
    let mut everyone = Vec::new();
    for i in 0..PEOPLE {
        let department_id = department_ids[i % DEPARTMENTS];
        let new = NewPerson {
            name: &format!("Person {i}"),
            email: &format!("p{i}@example.org"),
            department_id,
            role: Role::Member,
        };
        let person = people::create(&db, &new, start).await.unwrap();
        everyone.push(Actor {
            person_id: person.id,
            department_id,
            role: Role::Member,
        });
    }
    let admin_actor = Actor {
        person_id: admin.id,
        department_id: department_ids[0],
        role: Role::Admin,
    };
    let providers: Vec<i64> = department_ids[..PROVIDERS].to_vec();
    let mut answers = 0;
    let mut pulse = 0;
    for round in 0..2 {
        let scope = handoff_app::pulses::start(
            &app,
            &admin_actor,
            StartPulse {
                provider_department_ids: providers.clone(),
                customer_department_ids: department_ids.clone(),
                closes_at: clock
                    .now()
                    .saturating_add(SignedDuration::from_hours(24))
                    .unwrap(),
            },
        )
        .await
        .unwrap();
        pulse = scope.pulse.id;
        for (i, person) in everyone.iter().enumerate() {
            for provider in providers.iter().filter(|p| **p != person.department_id) {
                let answer = Answer {
                    provider_department_id: *provider,
                    score: 1 + ((i + round) % 5) as i32,
                    works: if i % 7 == 0 {
                        format!("works {i}")
                    } else {
                        String::new()
                    },
                    change: if i % 11 == 0 {
                        format!("change {i}")
                    } else {
                        String::new()
                    },
                };
                handoff_app::pulses::answer(&app, person, pulse, answer)
                    .await
                    .unwrap();
                answers += 1;
            }
        }
        clock.advance(SignedDuration::from_hours(48));
        handoff_app::pulses::close_due(&app).await.unwrap();
    }
    eprintln!(
        "setup: {DEPARTMENTS} departments, {PEOPLE} people, 2 pulses, {answers} answers in {:.1} s",
        setup.elapsed().as_secs_f64()
    );

    let router = handoff_http::router(AppState::new(app));
    let path = format!("/api/v1/pulses/{pulse}/results");
    let call = || async {
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
    };
    let size = call().await;
    for _ in 0..10 {
        call().await;
    }
    let mut took = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let t = Instant::now();
        call().await;
        took.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    bench.report("pulse_results", took, size);
    bench.close().await;
}

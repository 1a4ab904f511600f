//! The cost of "my internal customers": `GET /api/v1/people/{id}/internal-customers` for
//! the owner of a department that 200 departments depend on, each dependency with a
//! weekly deliverable and five open requests (1,000 in all), and 50 dependencies the
//! other way. Calls the real router in process (everything but the socket) and prints
//! percentiles.
//!
//! `cargo bench -p handoff-http --bench internal_customers` (SQLite);
//! `BENCH_ENGINE=postgres` for PostgreSQL (HANDOFF_TEST_POSTGRES_URL or 127.0.0.1:5432).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use handoff_app::App;
use handoff_app::deliverables::NewDeliverable;
use handoff_app::dependencies::{Change, Terms};
use handoff_app::requests::FileRequest;
use handoff_domain::access::Actor;
use handoff_domain::clock::ManualClock;
use handoff_domain::org::Role;
use handoff_domain::request::Priority;
use handoff_http::AppState;
use handoff_store::departments::{self, NewDepartment};
use handoff_store::people::{self, NewPerson};
use handoff_store::services::{self, NewService};
use handoff_store::tokens;
use http_body_util::BodyExt;
use jiff::Timestamp;
use tower::ServiceExt;

const DEPENDENTS: usize = 200;
const PROVIDERS: usize = 50;
const OPEN_PER_CUSTOMER: usize = 5;
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
    let mut members = Vec::new();
    for i in 0..=DEPENDENTS {
        let new = NewDepartment {
            name: &format!("Department {i}"),
            handle: &format!("d{i}"),
            parent_id: None,
        };
        let id = departments::create(&db, &new, start).await.unwrap().id;
        department_ids.push(id);
        let person = people::create(
            &db,
            &NewPerson {
                name: &format!("Person {i}"),
                email: &format!("p{i}@example.org"),
                department_id: id,
                role: if i == 0 { Role::Admin } else { Role::Member },
            },
            start,
        )
        .await
        .unwrap();
        members.push(Actor {
            person_id: person.id,
            department_id: id,
            role: if i == 0 { Role::Admin } else { Role::Member },
        });
    }
    let admin = members[0];
    let provider = department_ids[0];
    let token = tokens::create(&db, admin.person_id, "bench", start)
        .await
        .unwrap();
    let service = services::create(
        &db,
        &NewService {
            department_id: provider,
            name: "Approvals",
            description: "Approvals of every kind",
            owner_id: None,
            open_to_everyone: true,
            audience: &[],
            confidential: false,
            fields: &[],
            pause_on_links: false,
        },
        start,
    )
    .await
    .unwrap();
    let terms = |customer: usize, provider: usize| Terms {
        customer_department_id: Some(department_ids[customer]),
        provider_department_id: Some(department_ids[provider]),
        what: Some(format!("approvals for department {customer}")),
        criticality: Some(["low", "medium", "high", "critical"][customer % 4].to_owned()),
        customer_owner_id: Some(members[customer].person_id),
        provider_owner_id: Some(members[provider].person_id),
        expectation: Some("Within two business days".to_owned()),
        service_ids: None,
    };
    for customer in 1..=DEPENDENTS {
        let d = handoff_app::dependencies::propose(&app, &admin, terms(customer, 0))
            .await
            .unwrap();
        handoff_app::dependencies::change(&app, &admin, d.id, Change::Agree)
            .await
            .unwrap();
        handoff_app::deliverables::create(
            &app,
            &admin,
            NewDeliverable {
                provider_department_id: Some(provider),
                customer_department_id: Some(department_ids[customer]),
                name: format!("Weekly approvals summary {customer}"),
                rrule: "FREQ=WEEKLY;BYDAY=FR".to_owned(),
                due_time: "16:00".to_owned(),
                starts_on: "2026-10-01".to_owned(),
                provider_owner_id: Some(admin.person_id),
                customer_owner_id: Some(members[customer].person_id),
                dependency_id: Some(d.id),
                warn_minutes: None,
            },
        )
        .await
        .unwrap();
        for k in 0..OPEN_PER_CUSTOMER {
            handoff_app::requests::file(
                &app,
                &members[customer],
                FileRequest {
                    service_id: service.id,
                    subject: format!("Approval {k}"),
                    description: "Please approve".to_owned(),
                    priority: Priority::Normal,
                    fields: Default::default(),
                },
            )
            .await
            .unwrap();
        }
    }
    for p in 1..=PROVIDERS {
        handoff_app::dependencies::propose(&app, &admin, terms(0, p))
            .await
            .unwrap();
    }
    eprintln!(
        "setup: {DEPENDENTS} dependents with a deliverable and {OPEN_PER_CUSTOMER} open requests each, {PROVIDERS} providers, in {:.1} s",
        setup.elapsed().as_secs_f64()
    );

    let router = handoff_http::router(AppState::new(app));
    let path = format!("/api/v1/people/{}/internal-customers", admin.person_id);
    let call = || async {
        let request = Request::get(&path)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["customers"].as_array().unwrap().len(), DEPENDENTS);
        assert_eq!(json["customers"][0]["open_requests"], OPEN_PER_CUSTOMER);
        assert_eq!(json["customers"][0]["owed"].as_array().unwrap().len(), 1);
        body.len()
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
    bench.report("internal_customers", took, size);
    bench.close().await;
}

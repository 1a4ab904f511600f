//! The worker's pass that writes deliverables' occurrences ahead: 10,000 deliverables
//! (six kinds of rule, over 20 providers with a London calendar or none) whose
//! occurrences reach no further than now, extended to 100 days ahead in one pass:
//! schedules built, occurrences expanded and written. Prints the pass's time.
//!
//! `cargo bench -p handoff-http --bench deliverables_extend` (SQLite);
//! `BENCH_ENGINE=postgres` for PostgreSQL (HANDOFF_TEST_POSTGRES_URL or 127.0.0.1:5432).

use std::sync::Arc;
use std::time::Instant;

use handoff_app::App;
use handoff_domain::calendar::CalendarSpec;
use handoff_domain::clock::ManualClock;
use handoff_domain::org::Role;
use handoff_store::deliverables::{self, Deliverable};
use handoff_store::departments::{self, DepartmentChanges, NewDepartment};
use handoff_store::people::{self, NewPerson};
use handoff_store::{calendars, to_micros};
use jiff::Timestamp;

const DELIVERABLES: usize = 10_000;
const DEPARTMENTS: usize = 20;
const RULES: [&str; 6] = [
    "FREQ=MONTHLY;BYMONTHDAY=3",
    "FREQ=MONTHLY;BYDAY=2MO",
    "FREQ=WEEKLY;BYDAY=FR",
    "FREQ=DAILY",
    "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=3",
    "FREQ=MONTHLY;X-HANDOFF-BUSINESS-DAY=-1",
];

#[tokio::main]
async fn main() {
    let bench = handoff_test_support::BenchDatabase::open().await;
    let (db, engine) = (bench.db.clone(), bench.engine.clone());
    let now: Timestamp = "2026-11-02T09:00:00Z".parse().unwrap();
    let app = App::new(db.clone(), Arc::new(ManualClock::new(now)));

    let spec: CalendarSpec = serde_json::from_value(serde_json::json!({
        "time_zone": "Europe/London",
        "week": {"mon": [["09:00", "17:30"]], "tue": [["09:00", "17:30"]], "wed": [["09:00", "17:30"]],
                 "thu": [["09:00", "17:30"]], "fri": [["09:00", "17:30"]]},
        "holidays": [{"date": "2026-12-25"}, {"date": "2026-12-28"}, {"date": "2027-01-01"}]
    }))
    .unwrap();
    let mut ids = Vec::new();
    let mut owners = Vec::new();
    for i in 0..DEPARTMENTS {
        let new = NewDepartment {
            name: &format!("Department {i}"),
            handle: &format!("d{i}"),
            parent_id: None,
        };
        let id = departments::create(&db, &new, now).await.unwrap().id;
        if i % 2 == 0 {
            let c = calendars::create(&db, id, "London", &spec, now)
                .await
                .unwrap();
            let mut tx = db.begin().await.unwrap();
            let changes = DepartmentChanges {
                name: None,
                handle: None,
                parent_id: None,
                calendar_id: Some(Some(c.id)),
            };
            departments::update(&mut tx, id, &changes).await.unwrap();
            tx.commit().await.unwrap();
        }
        let person = people::create(
            &db,
            &NewPerson {
                name: &format!("Owner {i}"),
                email: &format!("o{i}@example.org"),
                department_id: id,
                role: Role::Manager,
            },
            now,
        )
        .await
        .unwrap();
        ids.push(id);
        owners.push(person.id);
    }
    let mut tx = db.begin().await.unwrap();
    for i in 0..DELIVERABLES {
        let (p, c) = (i % DEPARTMENTS, (i + 1) % DEPARTMENTS);
        let d = Deliverable {
            id: 0,
            provider_department_id: ids[p],
            customer_department_id: ids[c],
            name: format!("Deliverable {i}"),
            rrule: RULES[i % RULES.len()].to_owned(),
            due_time: "12:00".to_owned(),
            starts_on: "2026-11-02".to_owned(),
            provider_owner_id: owners[p],
            customer_owner_id: owners[c],
            dependency_id: None,
            warn_minutes: 240,
            generated_until: to_micros(now),
            created_by: owners[p],
            created_at: to_micros(now),
        };
        deliverables::insert(&mut tx, &d).await.unwrap();
    }
    tx.commit().await.unwrap();

    let t = Instant::now();
    let work = handoff_app::deliverables::work(&app).await.unwrap();
    let took = t.elapsed().as_secs_f64();
    println!(
        "RESULT deliverables_extend {engine}: {} deliverables, {} occurrences written (100 days ahead) in {took:.2} s",
        work.extended, work.written
    );
    bench.close().await;
}

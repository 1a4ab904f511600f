//! The demo data is checked the way the application would read it: forms valid, history
//! consistent with each request, search finding different requests for different words.
//! On SQLite and on PostgreSQL ([`handoff_test_support::test_server`]).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use handoff_domain::access::Actor;
use handoff_domain::form::{self, FieldDef};
use handoff_domain::org::Role;
use handoff_domain::request::{RequestEvent, SUBJECT_MAX, Status};
use jiff::Timestamp;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value};

use super::generate::{Generator, Org, Shape};
use super::{DemoOptions, DemoSummary, fill};
use crate::bulk::{Bases, Chunk};
use crate::requests::{self, ListFilter, Sort, SortKey};
use crate::{Db, PoolSize, departments, on_read, to_micros};
use handoff_test_support::ScratchDatabase;

fn now() -> Timestamp {
    "2026-03-02T10:00:00Z".parse().unwrap()
}

/// A SQLite file in the temporary directory, removed (with its WAL) when dropped.
struct TempDb(std::path::PathBuf);

impl TempDb {
    fn new(name: &str) -> TempDb {
        let unique: u64 = rand::rng().random();
        TempDb(std::env::temp_dir().join(format!("handoff-demo-{name}-{unique:016x}.db")))
    }

    fn url(&self) -> String {
        format!("sqlite://{}", self.0.display())
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

#[test]
fn every_form_is_valid_and_every_template_expands() {
    let mut rng = StdRng::seed_from_u64(1);
    let org = Org::new(
        &mut rng,
        Bases::default(),
        to_micros(now()),
        Shape::default(),
    );
    for service in &org.services {
        form::check_definition("fields", &service.form)
            .unwrap_or_else(|e| panic!("{}: {e:?}", service.spec.name));
        assert!(!service.requesters.is_empty(), "{}", service.spec.name);
    }
    // Unknown placeholders fail a debug assertion while generating; these many requests
    // go through every template with near certainty.
    let mut generator = Generator::new(&org, rng, to_micros(now()), 20_000, Bases::default());
    let mut chunk = Chunk::default();
    for i in 0..20_000 {
        generator.request(i, &mut chunk);
    }
    for r in &chunk.requests {
        assert!(
            !r.subject.contains('{') && !r.description.contains('{'),
            "{}",
            r.subject
        );
        assert!(r.subject.chars().count() <= SUBJECT_MAX);
        let service = org.services.iter().find(|s| s.id == r.service_id).unwrap();
        let values: Map<String, Value> = serde_json::from_str(&r.fields).unwrap();
        form::check_values("fields", &service.form, &values)
            .unwrap_or_else(|e| panic!("{}: {:?}: {e:?}", service.spec.name, r.fields));
    }
    assert!(chunk.comments.iter().all(|c| !c.body.contains('{')));
    let subjects: BTreeSet<&str> = chunk.requests.iter().map(|r| r.subject.as_str()).collect();
    assert!(
        subjects.len() > 1_000,
        "only {} different subjects",
        subjects.len()
    );
}

/// The demo is reproducible: the same seed, count and `now` give the same requests.
#[test]
fn the_same_seed_makes_the_same_requests() {
    let make = || {
        let mut rng = StdRng::seed_from_u64(super::SEED);
        let org = Org::new(
            &mut rng,
            Bases::default(),
            to_micros(now()),
            Shape::default(),
        );
        let mut generator = Generator::new(&org, rng, to_micros(now()), 500, Bases::default());
        let mut chunk = Chunk::default();
        for i in 0..500 {
            generator.request(i, &mut chunk);
        }
        let people: Vec<String> = org.people.iter().map(|p| p.email.clone()).collect();
        let requests: Vec<(String, String, &str, i64, i64)> = chunk
            .requests
            .iter()
            .map(|r| {
                (
                    r.subject.clone(),
                    r.fields.clone(),
                    r.status.as_str(),
                    r.created_at,
                    r.updated_at,
                )
            })
            .collect();
        (people, requests, chunk.history.len(), chunk.comments.len())
    };
    assert_eq!(make(), make());
}

#[test]
fn sqlite_gets_a_consistent_organisation() {
    sqlx::test_block_on(async {
        let file = TempDb::new("check");
        let db = Db::connect(&file.url(), PoolSize::default()).await.unwrap();
        db.migrate().await.unwrap();
        check_fill(&db).await;
        db.close().await;
    });
}

#[test]
fn postgres_gets_a_consistent_organisation() {
    let url = handoff_test_support::test_server();
    sqlx::test_block_on(async {
        let scratch = ScratchDatabase::create(&url, "demo_test").await.unwrap();
        let db = Db::connect(&scratch.url, PoolSize::default())
            .await
            .unwrap();
        db.migrate().await.unwrap();
        check_fill(&db).await;
        db.close().await;
        scratch.drop().await;
    });
}

/// Whether the database has no departments yet.
async fn is_empty(db: &Db) -> bool {
    departments::all(db).await.unwrap().is_empty()
}

/// Fills `db` with 300 requests and checks what the application relies on.
async fn check_fill(db: &Db) {
    const REQUESTS: u64 = 300;
    assert!(is_empty(db).await);
    let options = DemoOptions {
        requests: REQUESTS,
        progress: false,
        shape: Shape::default(),
    };
    let summary: DemoSummary = fill(db, &options, now())
        .await
        .unwrap()
        .expect("empty database");
    assert!(!is_empty(db).await);
    assert!(summary.departments >= 8 && summary.people >= 40 && summary.services >= 20);
    // The generated history, and the recent requests worked through the engine.
    let total = REQUESTS;
    assert_eq!(summary.requests, total);
    assert_eq!(summary.admin_email, "admin@example.org");

    check_organisation(db, &summary).await;
    check_requests(db, &summary).await;
    check_search(db).await;

    // A second fill refuses, and leaves the data alone.
    assert_eq!(fill(db, &options, now()).await.unwrap(), None);
    let count: i64 = on_read!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM requests"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(count as u64, total);

    // The application's own inserts take the next ids (PostgreSQL's sequences moved on:
    // `bulk::tests` checks every table).
    let department = departments::create(
        db,
        &departments::NewDepartment {
            name: "Research",
            handle: "research",
            parent_id: None,
        },
        now(),
    )
    .await
    .unwrap();
    assert_eq!(department.id as u64, summary.departments + 1);
}

async fn check_organisation(db: &Db, summary: &DemoSummary) {
    let departments: Vec<(i64, String, String, Option<i64>)> = on_read!(db, |pool| {
        sqlx::query_as("SELECT id, name, handle, parent_id FROM departments ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap()
    });
    assert_eq!(departments.len() as u64, summary.departments);
    let handle_of: BTreeMap<i64, &str> = departments
        .iter()
        .map(|(id, _, handle, _)| (*id, handle.as_str()))
        .collect();
    for handle in [
        "sales",
        "marketing",
        "design",
        "it",
        "hr",
        "finance",
        "customer-service",
        "legal",
    ] {
        assert!(
            handle_of.values().any(|h| *h == handle),
            "no department {handle}"
        );
    }
    let design = departments.iter().find(|d| d.2 == "design").unwrap();
    assert_eq!(design.3.map(|p| handle_of[&p]), Some("marketing"));

    let people: Vec<(i64, String, String, i64, String)> = on_read!(db, |pool| {
        sqlx::query_as("SELECT id, name, email, department_id, role FROM people ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap()
    });
    assert_eq!(people.len() as u64, summary.people);
    let admin = people.iter().find(|p| p.2 == "admin@example.org").unwrap();
    assert_eq!((admin.4.as_str(), handle_of[&admin.3]), ("admin", "it"));
    for (_, name, email, _, _) in people.iter().filter(|p| p.4 != "admin") {
        let expected = format!("{}@example.org", name.replace(' ', ".")).to_lowercase();
        assert_eq!(email, &expected);
    }
    let emails: BTreeSet<&str> = people.iter().map(|p| p.2.as_str()).collect();
    assert_eq!(emails.len(), people.len());
    for (id, _, handle, _) in &departments {
        let managers = people
            .iter()
            .filter(|p| p.3 == *id && p.4 == "manager")
            .count();
        assert_eq!(managers, 1, "managers of {handle}");
    }

    let services: Vec<(i64, i64, Option<i64>, bool, bool)> = on_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, department_id, owner_id, open_to_everyone, confidential FROM services",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    });
    assert_eq!(services.len() as u64, summary.services);
    for (id, department, owner, open, _) in &services {
        let owner = people.iter().find(|p| Some(p.0) == *owner).unwrap();
        assert_eq!(owner.3, *department, "owner of service {id}");
        let audience: i64 = on_read!(db, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM service_audience WHERE service_id = $1")
                .bind(id)
                .fetch_one(pool)
                .await
                .unwrap()
        });
        assert_eq!(audience == 0, *open, "audience of service {id}");
    }
    assert!(services.iter().filter(|s| !s.3).count() >= 3);
    assert!(services.iter().filter(|s| s.4).count() >= 2);
}

#[derive(sqlx::FromRow)]
struct StoredRow {
    request_id: i64,
    actor_id: Option<i64>,
    at: i64,
    kind: String,
    payload: String,
    internal: bool,
}

struct HistoryRow {
    request_id: i64,
    actor_id: Option<i64>,
    at: i64,
    event: RequestEvent,
    internal: bool,
}

async fn check_requests(db: &Db, summary: &DemoSummary) {
    let all: Vec<requests::Request> = on_read!(db, |pool| {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM requests ORDER BY id",
            requests::COLUMNS
        )))
        .fetch_all(pool)
        .await
        .unwrap()
    });
    assert_eq!(all.len() as u64, summary.requests);
    // The recent requests worked through the engine come last; they have SLA clocks.
    let generated = all.len();
    let clocked: i64 = on_read!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(DISTINCT request_id) FROM request_slas"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    // Every generated request ran its clocks under its service's policy.
    assert_eq!(clocked as usize, generated);
    let all = &all[..generated];
    let forms: BTreeMap<i64, (Vec<FieldDef>, i64, bool)> = on_read!(db, |pool| {
        sqlx::query_as::<_, (i64, String, i64, bool)>(
            "SELECT id, fields, department_id, confidential FROM services",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    })
    .into_iter()
    .map(|(id, fields, department, confidential)| {
        (
            id,
            (
                serde_json::from_str(&fields).unwrap(),
                department,
                confidential,
            ),
        )
    })
    .collect();
    let people: BTreeMap<i64, i64> = on_read!(db, |pool| {
        sqlx::query_as::<_, (i64, i64)>("SELECT id, department_id FROM people")
            .fetch_all(pool)
            .await
            .unwrap()
    })
    .into_iter()
    .collect();
    let audiences: BTreeSet<(i64, i64)> = on_read!(db, |pool| {
        sqlx::query_as("SELECT service_id, department_id FROM service_audience")
            .fetch_all(pool)
            .await
            .unwrap()
    })
    .into_iter()
    .collect();
    let stored: Vec<StoredRow> = on_read!(db, |pool| {
        sqlx::query_as(
            "SELECT request_id, actor_id, at, kind, payload, internal \
             FROM request_history ORDER BY request_id, id",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    });
    let history: Vec<HistoryRow> = stored
        .into_iter()
        .map(|h| HistoryRow {
            request_id: h.request_id,
            actor_id: h.actor_id,
            at: h.at,
            event: RequestEvent::from_parts(&h.kind, &h.payload).unwrap(),
            internal: h.internal,
        })
        .collect();
    let comments: BTreeMap<i64, (i64, bool, i64)> = on_read!(db, |pool| {
        sqlx::query_as::<_, (i64, i64, bool, i64)>(
            "SELECT id, request_id, internal, created_at FROM comments",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    })
    .into_iter()
    .map(|(id, request, internal, at)| (id, (request, internal, at)))
    .collect();
    assert_eq!(comments.len() as u64, summary.comments);

    let mut statuses = BTreeSet::new();
    let mut priorities = BTreeSet::new();
    let mut previous_created = i64::MIN;
    let now = to_micros(now());
    for (i, r) in all.iter().enumerate() {
        assert_eq!(r.id, i as i64 + 1);
        assert!(
            r.created_at >= previous_created,
            "request {} out of order",
            r.id
        );
        previous_created = r.created_at;
        assert!(r.created_at >= now - 91 * 86_400_000_000 && r.updated_at <= now);
        assert!(r.updated_at >= r.created_at);
        let status = r.status().unwrap();
        statuses.insert(r.status.clone());
        priorities.insert(r.priority);

        let (form, provider, confidential) = &forms[&r.service_id];
        assert_eq!(r.provider_department_id, *provider);
        assert_eq!(r.confidential, *confidential);
        assert_ne!(r.requester_department_id, r.provider_department_id);
        assert_eq!(people[&r.requester_id], r.requester_department_id);
        let audience: Vec<i64> = audiences
            .iter()
            .filter(|a| a.0 == r.service_id)
            .map(|a| a.1)
            .collect();
        assert!(audience.is_empty() || audience.contains(&r.requester_department_id));
        let checked = form::check_values("fields", form, &r.field_values().unwrap())
            .unwrap_or_else(|e| panic!("request {}: {e:?}", r.id));
        assert_eq!(
            Value::Object(checked.values),
            serde_json::from_str::<Value>(&r.fields).unwrap()
        );
        for (_, person) in checked.people {
            assert!(
                people.contains_key(&person),
                "request {}: no person {person}",
                r.id
            );
        }
        if let Some(assignee) = r.assignee_id {
            assert_eq!(people[&assignee], r.provider_department_id);
        }
        assert_eq!(
            r.resolved_at.is_some(),
            matches!(status, Status::Resolved | Status::Closed)
        );
        assert_eq!(r.closed_at.is_some(), status == Status::Closed);

        // History: created as new, each move legal and starting where the last ended.
        let rows: Vec<&HistoryRow> = history.iter().filter(|h| h.request_id == r.id).collect();
        let first = rows[0];
        assert_eq!(
            (&first.event, first.actor_id),
            (&RequestEvent::Filed {}, Some(r.requester_id))
        );
        assert_eq!(first.at, r.created_at);
        let mut current = Status::New;
        let mut assignee = None;
        let mut last_at = r.created_at;
        for h in &rows[1..] {
            assert!(h.at >= last_at, "request {}: history out of order", r.id);
            last_at = h.at;
            // SLA clocks (on the recent requests worked through the engine) move by
            // themselves.
            if h.event.target().is_some() {
                assert!(h.actor_id.is_none());
                continue;
            }
            assert!(h.actor_id.is_some());
            match &h.event {
                RequestEvent::StatusChanged { from, to } => {
                    assert_eq!(*from, current);
                    current.check_move(*to).unwrap();
                    current = *to;
                }
                RequestEvent::Assigned { from, to } => {
                    assert_eq!(*from, assignee);
                    assignee = *to;
                }
                RequestEvent::Replied { comment_id }
                | RequestEvent::InternalNote { comment_id } => {
                    let (request, internal, at) = comments[comment_id];
                    let note = matches!(h.event, RequestEvent::InternalNote { .. });
                    assert_eq!((request, internal, at), (r.id, note, h.at));
                    assert_eq!(h.internal, internal);
                }
                RequestEvent::WatcherAdded { .. } => {}
                other => panic!("unexpected event {other:?}"),
            }
        }
        assert_eq!(current, status, "request {}", r.id);
        assert_eq!(assignee, r.assignee_id);
        assert_eq!(last_at, r.updated_at);
    }
    assert_eq!(statuses.len(), Status::ALL.len(), "statuses: {statuses:?}");
    assert_eq!(priorities.len(), 4);
    let comment_rows = history.iter().filter(|h| {
        matches!(
            h.event,
            RequestEvent::Replied { .. } | RequestEvent::InternalNote { .. }
        )
    });
    assert_eq!(comment_rows.count(), comments.len());
    assert!(comments.values().any(|c| c.1) && comments.values().any(|c| !c.1));
    let watchers: i64 = on_read!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM request_watchers"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    assert!(watchers > 0);
}

/// Search finds requests by their words, different ones for different words, and
/// internal notes only for those who work the request.
async fn check_search(db: &Db) {
    let admin = Actor {
        person_id: 1,
        department_id: 4,
        role: Role::Admin,
    };
    let sort = Sort {
        key: SortKey::Id,
        descending: false,
    };
    let mut found = Vec::new();
    for word in ["laptop", "payroll", "contoso", "invitations"] {
        let filter = ListFilter {
            terms: vec![word.to_owned()],
            ..Default::default()
        };
        let page = requests::list(db, &admin, &filter, sort, None, 1_000)
            .await
            .unwrap();
        let ids: BTreeSet<i64> = page.items.iter().map(|r| r.id).collect();
        assert!(!ids.is_empty(), "nothing found for {word}");
        found.push(ids);
    }
    assert!(found.windows(2).all(|w| w[0] != w[1]));
    let indexed: i64 = on_read!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM request_search"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    let pieces: i64 = on_read!(db, |pool| sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM requests) + (SELECT COUNT(*) FROM comments)"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(indexed, pieces, "one piece per request and per comment");
}

/// Times a million requests on SQLite; run with
/// `cargo test -p handoff-store --release -- --ignored --nocapture demo`.
#[test]
#[ignore = "takes minutes; a measurement, not a check"]
fn sqlite_million_requests() {
    sqlx::test_block_on(async {
        let file = TempDb::new("million");
        let db = Db::connect(&file.url(), PoolSize::default()).await.unwrap();
        db.migrate().await.unwrap();
        let started = Instant::now();
        let options = DemoOptions {
            requests: 1_000_000,
            progress: true,
            shape: Shape::default(),
        };
        let summary = fill(&db, &options, now()).await.unwrap().unwrap();
        let elapsed = started.elapsed();
        let statuses: Vec<(String, i64)> = on_read!(&db, |pool| sqlx::query_as(
            "SELECT status, COUNT(*) FROM requests GROUP BY status ORDER BY COUNT(*) DESC"
        )
        .fetch_all(pool)
        .await
        .unwrap());
        let history: i64 = on_read!(&db, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM request_history"
        )
        .fetch_one(pool)
        .await
        .unwrap());
        db.close().await;
        let size: u64 = ["", "-wal"]
            .iter()
            .filter_map(|s| std::fs::metadata(format!("{}{s}", file.0.display())).ok())
            .map(|m| m.len())
            .sum();
        eprintln!(
            "{} requests, {} comments, {history} history rows in {:.1?}; database {:.0} MiB",
            summary.requests,
            summary.comments,
            elapsed,
            size as f64 / (1024.0 * 1024.0)
        );
        eprintln!("by status: {statuses:?}");
    });
}

/// Compiles only if `fill` can run on a multi-threaded runtime's spawned task.
#[allow(dead_code)]
fn fill_is_send(db: &Db, options: &DemoOptions) {
    fn send<T: Send>(_: T) {}
    send(fill(db, options, now()));
}

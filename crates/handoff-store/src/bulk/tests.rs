//! A small load on either engine, read back the way the application reads it; then the
//! application's own inserts take the next ids.

use handoff_domain::form::{FieldDef, FieldType};
use handoff_domain::org::Role;
use handoff_domain::request::{RequestEvent, Status};
use handoff_domain::sla::{DEFAULT_WARNINGS, Policy};
use handoff_test_support::{ScratchDatabase, test_server};
use jiff::Timestamp;

use super::*;
use crate::comments::{self, Comment};
use crate::history::{self, Entry};
use crate::slas::{ClockWrite, Timekeeping};
use crate::{PoolSize, departments, on_read, requests, services, to_micros, watchers};

fn now() -> Timestamp {
    "2026-03-02T10:00:00Z".parse().unwrap()
}

/// Two departments, sales (under head office) offering one service to head office only.
fn org(at: i64) -> OrgRows {
    let department = |id, name: &str, parent_id| DepartmentRow {
        id,
        name: name.to_owned(),
        handle: name.to_lowercase().replace(' ', "-"),
        parent_id,
    };
    let person = |id, name: &str, department_id, role| PersonRow {
        id,
        name: name.to_owned(),
        email: format!("{}@example.org", name.to_lowercase()),
        department_id,
        role,
    };
    OrgRows {
        created_at: at,
        departments: vec![
            department(1, "Head office", None),
            department(2, "Sales", Some(1)),
        ],
        people: vec![
            person(1, "Ada", 1, Role::Admin),
            person(2, "Bo", 2, Role::Manager),
            person(3, "Cy", 2, Role::Member),
        ],
        services: vec![ServiceRow {
            id: 1,
            department_id: 2,
            name: "Quotes".to_owned(),
            description: "Prices for customers".to_owned(),
            owner_id: Some(2),
            open_to_everyone: false,
            confidential: false,
            fields: vec![FieldDef {
                key: "customer".to_owned(),
                label: "Customer".to_owned(),
                kind: FieldType::Text,
                required: true,
                options: Vec::new(),
                help: String::new(),
            }],
            audience: vec![1],
        }],
    }
}

/// Request 1 open, with clocks, a reply and a watcher; request 2 closed.
fn chunk(at: i64) -> Chunk {
    let policy = Policy {
        first_response_minutes: Some(60),
        resolution_minutes: Some(600),
        next_update_minutes: None,
        calendar_time: true,
        warn_at: DEFAULT_WARNINGS.to_vec(),
    };
    let started = ClockWrite::start(&policy, crate::from_micros(at), &Timekeeping::default())
        .expect("clocks in calendar time");
    let request = |id, status: Status, closed_at: Option<i64>| RequestRow {
        id,
        service_id: 1,
        provider_department_id: 2,
        requester_id: 1,
        requester_department_id: 1,
        confidential: false,
        subject: format!("Quote number {id}"),
        description: "For a customer".to_owned(),
        priority: 1,
        status,
        assignee_id: Some(3),
        fields: r#"{"customer":"Contoso"}"#.to_owned(),
        created_at: at,
        updated_at: closed_at.unwrap_or(at + 2),
        resolved_at: closed_at,
        closed_at,
    };
    let entry = |id, request_id, actor_id, at, event| Entry {
        id,
        request_id,
        actor_id,
        at,
        event,
    };
    let mut history = vec![entry(1, 1, Some(1), at, RequestEvent::Filed {})];
    for event in &started.events {
        history.push(entry(history.len() as i64 + 1, 1, None, at, event.clone()));
    }
    history.push(entry(
        history.len() as i64 + 1,
        1,
        Some(3),
        at + 1,
        RequestEvent::Replied { comment_id: 1 },
    ));
    history.push(entry(
        history.len() as i64 + 1,
        2,
        Some(1),
        at,
        RequestEvent::Filed {},
    ));
    Chunk {
        requests: vec![
            request(1, Status::Open, None),
            request(2, Status::Closed, Some(at + 5)),
        ],
        history,
        comments: vec![Comment {
            id: 1,
            request_id: 1,
            author_id: 3,
            body: "On its way".to_owned(),
            internal: false,
            created_at: at + 1,
        }],
        search: vec![
            SearchRow {
                key: search::request_key(1),
                text: search::request_text("Quote number 1", "For a customer"),
            },
            SearchRow {
                key: search::piece_key(1, 1, false),
                text: search::index_text("On its way"),
            },
            SearchRow {
                key: search::request_key(2),
                text: search::request_text("Quote number 2", "For a customer"),
            },
        ],
        watchers: vec![WatcherRow {
            request_id: 1,
            person_id: 2,
            added_by: 1,
            added_at: at + 1,
        }],
        clocks: started.clocks.into_iter().map(|c| (1, c)).collect(),
    }
}

#[tokio::test]
async fn sqlite_takes_a_load() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bulk.db").display());
    let db = Db::connect(&url, PoolSize::default()).await.unwrap();
    check(&db).await;
    db.close().await;
}

#[tokio::test]
async fn postgres_takes_a_load() {
    let scratch = ScratchDatabase::create(&test_server(), "bulk_test")
        .await
        .unwrap();
    let db = Db::connect(&scratch.url, PoolSize::default())
        .await
        .unwrap();
    check(&db).await;
    db.close().await;
    scratch.drop().await;
}

async fn count(db: &Db, sql: &'static str) -> i64 {
    on_read!(db, |pool| sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await
        .unwrap())
}

async fn check(db: &Db) {
    db.migrate().await.unwrap();
    let at = to_micros(now());
    let (org, chunk) = (org(at), chunk(at));
    let mut tx = db.begin().await.unwrap();
    assert_eq!(start(&mut tx).await.unwrap(), Some(Bases::default()));
    insert_org(&mut tx, &org).await.unwrap();
    insert_chunk(&mut tx, &chunk).await.unwrap();
    tx.commit().await.unwrap();
    finish(db).await.unwrap();

    // A database with departments is left alone.
    let mut tx = db.begin().await.unwrap();
    assert_eq!(start(&mut tx).await.unwrap(), None);
    drop(tx);

    let sales = departments::get(db, 2).await.unwrap();
    assert_eq!((sales.handle.as_str(), sales.parent_id), ("sales", Some(1)));
    let service = services::get(db, 1).await.unwrap();
    assert_eq!(service.audience, vec![1]);
    assert_eq!(service.fields, org.services[0].fields);
    assert!(!service.open_to_everyone && service.active);
    let (request, _) = requests::get(db, 1, 1, 1).await.unwrap();
    assert_eq!(
        (request.status.as_str(), request.assignee_id),
        ("open", Some(3))
    );
    let own = |r: i64| chunk.history.iter().filter(move |h| h.request_id == r);
    let entries = history::list(db, 1, true, None, 0, 100).await.unwrap();
    assert_eq!(entries, own(1).cloned().collect::<Vec<_>>());
    let replies = comments::list(db, 1, true, None, 0, 100).await.unwrap();
    assert_eq!(replies, chunk.comments);
    assert_eq!(watchers::list(db, 1).await.unwrap().len(), 1);
    let clocks: Vec<_> = chunk.clocks.iter().map(|(_, c)| c.clone()).collect();
    assert_eq!(slas::of_request(db, 1).await.unwrap(), clocks);
    assert_eq!(count(db, "SELECT COUNT(*) FROM request_search").await, 3);
    // Only the open request is listed as open, with its nearest due clock.
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM open_requests WHERE request_id = 1 AND pressing_at IS NOT NULL"
        )
        .await,
        1
    );
    assert_eq!(count(db, "SELECT COUNT(*) FROM open_requests").await, 1);

    // The application's own inserts take the next ids: PostgreSQL's sequences moved on
    // (SQLite takes the highest id's next).
    if let Db::Postgres { pool, .. } = db {
        for table in TABLES {
            let (next, max): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT nextval(pg_get_serial_sequence('{table}', 'id')), \
                 (SELECT MAX(id) FROM {table})"
            )))
            .fetch_one(pool)
            .await
            .unwrap();
            assert!(next > max, "{table}: next id {next}, highest {max}");
        }
    }
}

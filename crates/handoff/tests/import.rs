//! `handoff import events FILE`: a file with a line the rules refuse stops with that
//! line's number and reason in one line, and keeps nothing of the file (on SQLite the
//! replay is rehearsed on a copy first); a good file is imported, with `serve` stopped
//! (the copy takes the database's place) or running (the file is replayed on it too).

use handoff_domain::org::Role;
use handoff_store::departments::{self, NewDepartment};
use handoff_store::people::{self, NewPerson};
use handoff_store::{Db, PoolSize};
use jiff::Timestamp;

mod support;
use support::{Served, handoff};

async fn kudos(url: &str) -> i64 {
    let db = Db::connect(url, PoolSize { max_connections: 1 })
        .await
        .unwrap();
    let n: i64 = match &db {
        Db::Sqlite { read, .. } => sqlx::query_scalar("SELECT COUNT(*) FROM kudos")
            .fetch_one(read)
            .await
            .unwrap(),
        Db::Postgres { pool, .. } => sqlx::query_scalar("SELECT COUNT(*) FROM kudos")
            .fetch_one(pool)
            .await
            .unwrap(),
    };
    db.close().await;
    n
}

#[tokio::test]
async fn a_refused_line_keeps_nothing_of_the_file_and_a_good_file_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("handoff.db").display());
    let db = Db::connect(&url, PoolSize { max_connections: 2 })
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let now = Timestamp::now();
    let it = departments::create(
        &db,
        &NewDepartment {
            name: "IT",
            handle: "it",
            parent_id: None,
        },
        now,
    )
    .await
    .unwrap();
    let sales = departments::create(
        &db,
        &NewDepartment {
            name: "Sales",
            handle: "sales",
            parent_id: None,
        },
        now,
    )
    .await
    .unwrap();
    people::create(
        &db,
        &NewPerson {
            name: "Sam",
            email: "sam@example.org",
            department_id: sales.id,
            role: Role::Member,
        },
        now,
    )
    .await
    .unwrap();
    db.close().await;

    let thanks = format!(
        r#"{{"at": "2026-10-01T09:00:00Z", "event": "kudos", "by_email": "sam@example.org", "to_department_id": {}, "value": "Helpful", "message": "Fixed my laptop"}}"#,
        it.id
    );
    let to_self = r#"{"at": "2026-10-01T10:00:00Z", "event": "kudos", "by_email": "sam@example.org", "to_email": "sam@example.org", "value": "Helpful", "message": "Me"}"#;
    let file = dir.path().join("history.jsonl");
    std::fs::write(&file, format!("{thanks}\n{to_self}\n")).unwrap();
    let out = handoff(&url, &["import", "events", file.to_str().unwrap()]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success(), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "not one line: {stderr}");
    assert!(lines[0].starts_with("error: line 2: kudos: "), "{stderr}");
    assert!(lines[0].ends_with("(nothing was imported)"), "{stderr}");
    assert_eq!(kudos(&url).await, 0, "the first line was kept");

    // A file that does not parse is refused before the database is opened.
    std::fs::write(&file, "{\"at\": 1}\n").unwrap();
    let out = handoff(&url, &["import", "events", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: line 1: "));

    std::fs::write(&file, format!("{thanks}\n")).unwrap();
    let out = handoff(&url, &["import", "events", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("imported 1 events: 1 kudos"));
    assert_eq!(kudos(&url).await, 1);
    // Nothing of the copy it was replayed on is left beside the database.
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".importing"))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // With a server running on the database, the import goes into the database itself,
    // and the server sees it at once.
    let server = Served::start(|serve| {
        serve.args(["--database-url", &url]);
    })
    .await;
    let out = handoff(&url, &["import", "events", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(kudos(&url).await, 2);
    drop(server);
}

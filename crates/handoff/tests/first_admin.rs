//! An organisation starts from nothing: on an empty database, `handoff person create`
//! makes the first administrator (and their department), `handoff token create` gives
//! them a token, and the API answers it. Bad input is refused with one readable line.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use handoff_store::{Db, PoolSize, people};
use handoff_test_support::{ScratchDatabase, test_server};

mod support;
use support::Served;

/// Runs `handoff` with `args`, the database options and `stdin`.
fn handoff(database: &[String], args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_handoff"))
        .args(args)
        .args(database)
        .env_remove("HANDOFF_DATABASE_URL")
        .env_remove("HANDOFF_DATA_DIR")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run handoff");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Standard output of a run that must succeed.
#[track_caller]
fn succeeds(out: Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "failed: {stderr}");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// The one line a run that must fail wrote to standard error.
#[track_caller]
fn fails(out: Output) -> String {
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success(), "succeeded: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "not one line: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    lines[0].to_owned()
}

fn create(database: &[String], email: &str, department: &str, role: &str) -> Output {
    let args = [
        "person",
        "create",
        "--email",
        email,
        "--name",
        "Someone",
        "--department",
        department,
        "--role",
        role,
    ];
    handoff(database, &args, "")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisation_starts_from_nothing_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    // The default place: handoff.db in the data directory.
    let database = vec!["--data-dir".to_owned(), dir.path().display().to_string()];
    let url = format!("sqlite://{}", dir.path().join("handoff.db").display());
    start_from_nothing(&database, &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisation_starts_from_nothing_postgres() {
    let scratch = ScratchDatabase::create(&test_server(), "handoff_first_admin")
        .await
        .expect("PostgreSQL (run scripts/test)");
    let database = vec!["--database-url".to_owned(), scratch.url.clone()];
    start_from_nothing(&database, &scratch.url).await;
    scratch.drop().await;
}

async fn start_from_nothing(database: &[String], url: &str) {
    // Refused before anything is written: the department `ops` is not created.
    let line = fails(create(database, "not an address", "ops", "admin"));
    assert_eq!(
        line,
        "error: --email: must be an e-mail address such as name@example.org"
    );
    let line = fails(create(database, "ann@example.org", "Ops Team", "admin"));
    assert!(line.contains("--department: must be 2 to 32"), "{line}");
    let out = handoff(
        database,
        &[
            "person",
            "create",
            "--email",
            "ann@example.org",
            "--name",
            "Ann",
            "--department",
            "it",
            "--role",
            "admin",
            "--password-stdin",
        ],
        "short\n",
    );
    assert_eq!(
        fails(out),
        "error: the password must be at least 10 characters"
    );

    // The first administrator, in the first department, with a password.
    let out = handoff(
        database,
        &[
            "person",
            "create",
            "--email",
            "Ann@Example.org",
            "--name",
            "Ann Admin",
            "--department",
            "it",
            "--department-name",
            "Information Technology",
            "--role",
            "admin",
            "--password-stdin",
        ],
        "correct horse battery\n",
    );
    let ann: i64 = succeeds(out).parse().expect("the person's id");

    // Now that a department exists, others are not made up on the way.
    let line = fails(create(database, "bob@example.org", "hr", "member"));
    assert!(line.contains("no department has the handle hr"), "{line}");
    let line = fails(create(database, "ANN@example.org", "it", "member"));
    assert_eq!(
        line,
        "error: ann@example.org is already the e-mail of a person"
    );
    let carol: i64 = succeeds(create(database, "carol@example.org", "it", "member"))
        .parse()
        .unwrap();
    assert_ne!(carol, ann);

    let db = Db::connect(url, PoolSize { max_connections: 1 })
        .await
        .unwrap();
    let (id, hash) = people::sign_in_facts(&db, "ann@example.org")
        .await
        .unwrap()
        .expect("Ann signs in");
    assert_eq!(id, ann);
    assert!(handoff_domain::password::verify(
        "correct horse battery",
        &hash.expect("a password")
    ));
    db.close().await;

    let token = succeeds(handoff(
        database,
        &["token", "create", "--email", "ann@example.org"],
        "",
    ));
    assert!(!token.is_empty() && !token.contains(char::is_whitespace));

    // The API answers the token, and Ann may build the rest of the organisation.
    let server = Served::start(|serve| {
        serve
            .args(database)
            .env_remove("HANDOFF_DATABASE_URL")
            .env_remove("HANDOFF_DATA_DIR");
    })
    .await;
    let base = &server.base;
    let client = reqwest::Client::new();
    let res = client
        .get(format!("{base}/api/v1/people/{ann}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    let me: serde_json::Value = res.json().await.unwrap();
    assert_eq!(me["email"], "ann@example.org");
    assert_eq!(me["name"], "Ann Admin");
    assert_eq!(me["role"], "admin");
    let res = client
        .get(format!("{base}/api/v1/departments/{}", me["department_id"]))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let it: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        (it["handle"].as_str(), it["name"].as_str()),
        (Some("it"), Some("Information Technology"))
    );
    let res = client
        .post(format!("{base}/api/v1/departments"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"name": "Human Resources", "handle": "hr"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);
    // Whereupon the command finds it.
    succeeds(create(database, "bob@example.org", "hr", "manager"));
}

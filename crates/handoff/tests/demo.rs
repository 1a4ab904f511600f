//! `handoff demo`: fills an empty database with the organisation and its history
//! replayed through the import, says what it planted, and leaves a database already in
//! use alone; `--write-history` writes a file that `handoff import events` takes.

mod support;
use support::handoff;

#[test]
fn the_demo_builds_its_history_through_the_import_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let out = handoff(&url, &["demo", "--requests", "80"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("events imported; planted: "), "{said}");
    assert!(said.contains("answers slowly"), "{said}");
    assert!(said.contains("API token for admin@example.org"), "{said}");

    let again = handoff(&url, &["demo"]);
    assert!(!again.status.success());
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("already has data"), "{said}");
}

#[test]
fn the_written_history_imports_into_the_same_organisation() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let file = dir.path().join("history.jsonl");
    let file = file.to_str().unwrap();
    let out = handoff(&url, &["demo", "--requests", "40", "--write-history", file]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = std::fs::read_to_string(file).unwrap().lines().count();
    assert!(lines > 40, "{lines} lines");

    let out = handoff(&url, &["import", "events", file]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains(&format!("imported {lines} events")), "{said}");
}

#[test]
fn the_demo_takes_the_size_of_the_organisation() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let out = handoff(
        &url,
        &[
            "demo",
            "--departments",
            "20",
            "--people",
            "60",
            "--requests",
            "30",
        ],
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    // The administrator comes on top of the people asked for.
    assert!(
        said.contains("demo organisation: 20 departments, 61 people"),
        "{said}"
    );

    let small = format!("sqlite://{}", dir.path().join("small.db").display());
    let out = handoff(&small, &["demo", "--departments", "3", "--people", "5"]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        said.trim(),
        "error: 5 people cannot staff 3 departments: give at least 6"
    );
}

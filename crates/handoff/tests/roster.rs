//! `handoff import departments|people FILE.csv` and `handoff export departments|people`:
//! a bad file names every bad line and writes nothing (exit 1); a good one shows its plan
//! and writes only with `--yes` (stdin is no terminal here); an export imported back
//! changes nothing.

use handoff_store::{Db, PoolSize, departments, people};

mod support;
use support::handoff;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn departments_and_people_come_in_from_csv_all_or_nothing_and_go_out_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("handoff.db").display());
    assert!(handoff(&url, &["migrate"]).status.success());
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };

    // Departments, a child before its parent; a loop is refused by line.
    let looped = write(
        "loop.csv",
        "handle,name,parent\nsales,Sales,emea\nemea,EMEA,sales\n",
    );
    let out = handoff(&url, &["import", "departments", &looped, "--yes"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("line 2: the parent emea would put sales inside itself"),
        "{err}"
    );
    assert!(err.contains("error: 2 bad lines in"), "{err}");
    let tree = write(
        "departments.csv",
        "handle,name,parent\nsales-north,Sales North,sales\nsales,Sales,\nit,IT,\n",
    );
    let out = handoff(&url, &["import", "departments", &tree]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing written: run again with --yes"),
        "{}",
        stderr(&out)
    );
    let out = handoff(&url, &["import", "departments", &tree, "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("imported: 3 created, 0 changed, 0 unchanged"),
        "{}",
        stderr(&out)
    );

    // People: one bad line keeps every good one out.
    let bad = write(
        "bad.csv",
        "email,name,department,role\nann@example.org,Ann,sales,manager\nbob@example.org,Bob,nowhere,member\n",
    );
    let out = handoff(&url, &["import", "people", &bad, "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("line 3: department nowhere is no department's handle"),
        "{err}"
    );
    assert!(
        err.trim_end()
            .ends_with(&format!("1 bad line in {bad}: nothing was imported")),
        "{err}"
    );
    let good = write(
        "people.csv",
        "email,name,department,role,active\nann@example.org,Ann,sales,admin,\nbob@example.org,\"Bob, Jr.\",sales-north,member,true\ncy@example.org,Cy,it,member,false\n",
    );
    let out = handoff(&url, &["import", "people", &good, "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("line 3: create Bob, Jr. <bob@example.org> (member)"),
        "{}",
        stderr(&out)
    );

    let db = Db::connect(&url, PoolSize { max_connections: 1 })
        .await
        .unwrap();
    let north = departments::find_by_handle(&db, "sales-north")
        .await
        .unwrap();
    let sales = departments::find_by_handle(&db, "sales").await.unwrap();
    assert_eq!(north.parent_id, Some(sales.id));
    let bob = people::find_by_email(&db, "bob@example.org").await.unwrap();
    assert_eq!(
        (bob.name.as_str(), bob.department_id),
        ("Bob, Jr.", north.id)
    );
    assert!(
        !people::find_by_email(&db, "cy@example.org")
            .await
            .unwrap()
            .active
    );
    db.close().await;

    // Exported and imported back: nothing to change.
    for table in ["departments", "people"] {
        let out = handoff(&url, &["export", table]);
        assert!(out.status.success(), "{}", stderr(&out));
        let file = write(
            &format!("export-{table}.csv"),
            &String::from_utf8(out.stdout).unwrap(),
        );
        let out = handoff(&url, &["import", table, &file, "--yes"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("nothing to change"),
            "{}",
            stderr(&out)
        );
    }

    // Moving Bob and deactivating those the file leaves out.
    let moved = write(
        "moved.csv",
        "email,name,department,role\nbob@example.org,\"Bob, Jr.\",it,manager\n",
    );
    let out = handoff(
        &url,
        &["import", "people", &moved, "--deactivate-missing", "--yes"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "line 2: change bob@example.org: department: sales-north → it, role: member → manager"
        ),
        "{err}"
    );
    assert!(
        err.contains("deactivate Ann <ann@example.org> (not in the file)"),
        "{err}"
    );
    let db = Db::connect(&url, PoolSize { max_connections: 1 })
        .await
        .unwrap();
    assert!(
        !people::find_by_email(&db, "ann@example.org")
            .await
            .unwrap()
            .active
    );
    db.close().await;
}

//! The organisation's settings pages: administrators set up departments and people,
//! give passwords, revoke tokens and import and export both as CSV, previewed and all
//! or nothing; members and managers do not find these pages.

use axum::http::StatusCode;
use handoff_domain::org::Role;
use handoff_store::{departments, people};
use serde_json::json;

use crate::support::{TestApp, both_engines};

/// The id at the end of a redirect such as `/organisation/people/12?created=1`.
fn id_in(location: &str) -> i64 {
    let tail = location.rsplit('/').next().unwrap();
    let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap()
}

both_engines! {
    async fn members_and_managers_do_not_find_the_settings_pages(app: TestApp) {
        let ops = app.department("ops").await;
        for role in [Role::Member, Role::Manager] {
            let someone = app.person(ops, role).await;
            let mut browser = app.signed_in(&someone).await;
            for path in [
                "/organisation",
                "/organisation/departments",
                "/organisation/people",
                &format!("/organisation/people/{}", someone.person_id),
                &format!("/organisation/departments/{ops}"),
                "/organisation/import",
                "/organisation/export/people.csv",
            ] {
                browser.get(path).await.assert(StatusCode::NOT_FOUND);
            }
            browser
                .form("/organisation/departments", &[("name", "Sneaky"), ("handle", "sneaky")])
                .await
                .assert(StatusCode::NOT_FOUND);
        }
        assert!(departments::find_by_handle(&app.db, "sneaky").await.is_err());
    }

    async fn an_administrator_builds_the_hierarchy_on_the_pages(app: TestApp) {
        let mut admin = app.signed_in(app.admin()).await;
        let res = admin
            .form("/organisation/departments", &[("name", "Finance"), ("handle", "finance"), ("parent_id", "")])
            .await;
        res.assert(StatusCode::SEE_OTHER);
        let finance = departments::find_by_handle(&app.db, "finance").await.unwrap();
        let res = admin
            .form(
                "/organisation/departments",
                &[("name", "Payroll"), ("handle", "payroll"), ("parent_id", &finance.id.to_string())],
            )
            .await;
        res.assert(StatusCode::SEE_OTHER);
        let payroll = departments::find_by_handle(&app.db, "payroll").await.unwrap();
        assert_eq!(payroll.parent_id, Some(finance.id));

        // The list shows the hierarchy; a bad handle or a taken one is named.
        let page = admin.get("/organisation/departments").await;
        page.assert(StatusCode::OK).assert_has("Payroll").assert_has("--depth: 1");
        admin
            .form("/organisation/departments", &[("name", "X"), ("handle", "Bad Handle")])
            .await
            .assert(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_has("handle: must be 2 to 32 lowercase");
        admin
            .form("/organisation/departments", &[("name", "Finance 2"), ("handle", "finance")])
            .await
            .assert(StatusCode::CONFLICT)
            .assert_has("is taken by another department");

        // Finance cannot move under its own child; the edit page does not offer it.
        let edit = admin.get(&format!("/organisation/departments/{}", finance.id)).await;
        edit.assert(StatusCode::OK);
        assert!(!edit.part("<select name=\"parent_id\"", "</select>").contains("Payroll"));
        let res = admin
            .form(
                &format!("/organisation/departments/{}", finance.id),
                &[("name", "Finance"), ("handle", "finance"), ("parent_id", &payroll.id.to_string()), ("calendar_id", "")],
            )
            .await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY).assert_has("parent_id: would make the department its own ancestor");
        assert_eq!(departments::get(&app.db, finance.id).await.unwrap().parent_id, None);

        // Renamed and given a calendar.
        let calendar = app
            .admin()
            .post("/api/v1/calendars", json!({"department_id": finance.id, "name": "Paris office",
                "time_zone": "Europe/Paris", "week": {"mon": [["09:00", "17:00"]]}}))
            .await;
        calendar.assert(StatusCode::CREATED);
        let res = admin
            .form(
                &format!("/organisation/departments/{}", finance.id),
                &[("name", "Finance and Accounting"), ("handle", "finance"), ("parent_id", ""),
                  ("calendar_id", &calendar.id().to_string())],
            )
            .await;
        res.assert(StatusCode::SEE_OTHER);
        let finance = departments::get(&app.db, finance.id).await.unwrap();
        assert_eq!(finance.name, "Finance and Accounting");
        assert_eq!(finance.calendar_id, Some(calendar.id()));
    }

    async fn an_administrator_adds_a_person_gives_a_password_and_deactivates_them(app: TestApp) {
        let ops = app.department("ops").await;
        let mut admin = app.signed_in(app.admin()).await;
        let res = admin
            .form(
                "/organisation/people",
                &[("name", "Noor Haddad"), ("email", "Noor@Example.org"), ("department_id", &ops.to_string()), ("role", "member")],
            )
            .await;
        res.assert(StatusCode::SEE_OTHER);
        let id = id_in(res.location.as_deref().unwrap());
        let noor = people::get(&app.db, id).await.unwrap();
        assert_eq!(noor.email, "noor@example.org");
        admin.get(res.location.as_deref().unwrap()).await.assert(StatusCode::OK).assert_has("was added");

        // The same e-mail again, an unknown role: named, nothing written.
        admin
            .form(
                "/organisation/people",
                &[("name", "Noor 2"), ("email", "noor@example.org"), ("department_id", &ops.to_string()), ("role", "member")],
            )
            .await
            .assert(StatusCode::CONFLICT)
            .assert_has("is used by another person");
        admin
            .form(
                "/organisation/people",
                &[("name", "Zed"), ("email", "zed@example.org"), ("department_id", &ops.to_string()), ("role", "boss")],
            )
            .await
            .assert(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_has("role: must be member, manager or admin");
        assert!(people::find_by_email(&app.db, "zed@example.org").await.is_err());

        // A new password, shown once, lets Noor sign in.
        let page = admin.form(&format!("/organisation/people/{id}/password"), &[]).await;
        page.assert(StatusCode::OK);
        let shown = page.part("<code id=\"new-password-value\">", "</code>");
        let password = shown
            .trim_start_matches("<code id=\"new-password-value\">")
            .trim_end_matches("</code>")
            .to_owned();
        assert_eq!(password.len(), 16);
        let mut noor_browser = app.browser();
        noor_browser
            .form("/sign-in", &[("email", "noor@example.org"), ("password", &password)])
            .await
            .assert(StatusCode::SEE_OTHER);
        noor_browser.get("/").await.assert(StatusCode::OK);
        admin.get(&format!("/organisation/people/{id}")).await.assert_lacks(&password);

        // Made a manager, then deactivated: the session ends at once.
        let form = |active: Option<&'static str>, role: &'static str| {
            let mut pairs = vec![("name", "Noor Haddad".to_owned()), ("email", "noor@example.org".to_owned()),
                ("department_id", ops.to_string()), ("role", role.to_owned())];
            if let Some(a) = active {
                pairs.push(("active", a.to_owned()));
            }
            pairs
        };
        let pairs = form(Some("1"), "manager");
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        admin.form(&format!("/organisation/people/{id}"), &refs).await.assert(StatusCode::SEE_OTHER);
        assert_eq!(people::get(&app.db, id).await.unwrap().role, "manager");
        let pairs = form(None, "manager");
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        admin.form(&format!("/organisation/people/{id}"), &refs).await.assert(StatusCode::SEE_OTHER);
        assert!(!people::get(&app.db, id).await.unwrap().active);
        assert_eq!(noor_browser.get("/").await.status, StatusCode::SEE_OTHER);
        admin
            .get("/organisation/people?state=inactive")
            .await
            .assert(StatusCode::OK)
            .assert_has("noor@example.org");
        admin.get("/organisation/people").await.assert_lacks("noor@example.org");
        for bad in ["department_id=x", "state=gone", "after=-"] {
            admin
                .get(&format!("/organisation/people?{bad}"))
                .await
                .assert(StatusCode::UNPROCESSABLE_ENTITY);
        }

        // An administrator cannot deactivate themselves.
        let me = app.admin().person_id;
        let admin_person = people::get(&app.db, me).await.unwrap();
        admin
            .form(
                &format!("/organisation/people/{me}"),
                &[("name", &admin_person.name), ("email", &admin_person.email),
                  ("department_id", &admin_person.department_id.to_string()), ("role", "admin")],
            )
            .await
            .assert(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_has("cannot deactivate or demote themselves");
        assert!(people::get(&app.db, me).await.unwrap().active);
    }

    async fn an_administrator_sees_and_revokes_someones_tokens(app: TestApp) {
        let ops = app.department("ops").await;
        let ana = app.member(ops).await;
        let token = ana
            .post(&format!("/api/v1/people/{}/tokens", ana.person_id), json!({"name": "Laptop script"}))
            .await;
        token.assert(StatusCode::CREATED);
        let value = token.body["token"].as_str().unwrap().to_owned();
        let mut admin = app.signed_in(app.admin()).await;
        let page = admin.get(&format!("/organisation/people/{}", ana.person_id)).await;
        page.assert(StatusCode::OK).assert_has("Laptop script").assert_lacks(&value);
        admin
            .form(&format!("/organisation/people/{}/tokens/{}/revoke", ana.person_id, token.id()), &[])
            .await
            .assert(StatusCode::SEE_OTHER);
        app.with_token(&value).get("/api/v1/requests").await.assert(StatusCode::UNAUTHORIZED);
    }

    async fn people_are_imported_from_csv_after_a_preview_all_or_nothing(app: TestApp) {
        let ops = app.department("ops").await;
        let bob = app.member(ops).await;
        let bob_email = people::get(&app.db, bob.person_id).await.unwrap().email;
        let cy = app.member(ops).await;
        let cy_email = people::get(&app.db, cy.person_id).await.unwrap().email;
        let mut admin = app.signed_in(app.admin()).await;

        // Every bad line is named; nothing is written.
        let bad = "email,name,department,role\n\
                   ann@example.org,Ann,ops,member\n\
                   not-an-email,X,ops,member\n\
                   cy@example.org,Cy,nowhere,member\n\
                   dee@example.org,Dee,ops,boss\n\
                   ANN@example.org,Ann again,ops,member\n";
        let page = admin
            .multipart("/organisation/import/preview", &[("table", None, "people"), ("file", Some("people.csv"), bad)])
            .await;
        page.assert(StatusCode::UNPROCESSABLE_ENTITY).assert_has("4 bad lines: nothing was imported");
        let bad_lines = page.part("<table id=\"bad-lines\"", "</table>");
        for (line, reason) in [(3, "email must be an e-mail"), (4, "nowhere is no department"),
                               (5, "&#34;boss&#34; is no role"), (6, "already on line 2")] {
            assert!(bad_lines.contains(&format!("<td data-label=\"Line\">{line}</td>")), "{bad_lines}");
            assert!(bad_lines.contains(reason), "{reason} not in {bad_lines}");
        }
        assert!(people::find_by_email(&app.db, "ann@example.org").await.is_err());

        // A wrong header is named on line 1.
        admin
            .multipart("/organisation/import/preview", &[("table", None, "people"), ("csv", None, "mail,name\nx,y\n")])
            .await
            .assert(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_has("unknown column &#34;mail&#34;");

        // A good file is previewed, and nothing is written until confirmed.
        let good = format!(
            "email,name,department,role,active\n\
             ann@example.org,Ann Lee,ops,manager,\n\
             {bob_email},Bob Renamed,it,member,true\n"
        );
        let page = admin
            .multipart("/organisation/import/preview", &[("table", None, "people"), ("deactivate_missing", None, "1"), ("file", Some("people.csv"), &good)])
            .await;
        page.assert(StatusCode::OK).assert_has("1 created, 1 changed, 1 deactivated, 0 unchanged");
        page.assert_has("Line 2: Ann Lee &#60;ann@example.org&#62;, manager");
        page.assert_has("department: ops → it");
        // Cy, left out of the file, would be deactivated; the administrator importing never.
        let deactivated = page.part("<ul id=\"preview-deactivated\">", "</ul>");
        assert!(deactivated.contains(&cy_email), "{deactivated}");
        assert_eq!(deactivated.matches("<li>").count(), 1, "{deactivated}");
        assert!(people::find_by_email(&app.db, "ann@example.org").await.is_err());
        let digest = {
            let tag = page.part("<input type=\"hidden\" name=\"digest\" value=\"", ">");
            tag.split('"').nth(5).unwrap().to_owned()
        };

        // The organisation changes before the confirmation: the new plan is shown instead.
        people::update(&app.db, bob.person_id, &people::PersonChanges { name: Some("Bob Renamed"), ..Default::default() })
            .await
            .unwrap();
        let page = admin
            .form("/organisation/import/apply", &[("table", "people"), ("digest", &digest), ("deactivate_missing", "1"), ("csv", &good)])
            .await;
        page.assert(StatusCode::CONFLICT).assert_has("look at the new preview");
        assert!(people::find_by_email(&app.db, "ann@example.org").await.is_err());
        let digest = {
            let tag = page.part("<input type=\"hidden\" name=\"digest\" value=\"", ">");
            tag.split('"').nth(5).unwrap().to_owned()
        };
        let page = admin
            .form("/organisation/import/apply", &[("table", "people"), ("digest", &digest), ("deactivate_missing", "1"), ("csv", &good)])
            .await;
        page.assert(StatusCode::OK).assert_has("Imported. people: 1 created, 1 changed, 1 deactivated");
        assert!(!people::get(&app.db, cy.person_id).await.unwrap().active);
        let ann = people::find_by_email(&app.db, "ann@example.org").await.unwrap();
        assert_eq!((ann.name.as_str(), ann.role.as_str()), ("Ann Lee", "manager"));
        let bob = people::get(&app.db, bob.person_id).await.unwrap();
        assert_ne!(bob.department_id, ops);
        assert!(people::get(&app.db, app.admin().person_id).await.unwrap().active);
    }

    async fn an_export_imported_back_changes_nothing(app: TestApp) {
        let finance = app.department("finance").await;
        let payroll = app.department("payroll").await;
        app.admin().patch(&format!("/api/v1/departments/{payroll}"), json!({"parent_id": finance})).await.assert(StatusCode::OK);
        let _ana = app.member(finance).await;
        let cy = app.manager(payroll).await;
        app.admin().patch(&format!("/api/v1/people/{}", cy.person_id), json!({"active": false, "name": "Cy, \"the\" = boss"})).await.assert(StatusCode::OK);
        let mut admin = app.signed_in(app.admin()).await;
        for (table, file) in [("departments", "departments.csv"), ("people", "people.csv")] {
            let export = admin.get(&format!("/organisation/export/{file}")).await;
            export.assert(StatusCode::OK);
            let mut reader = csv::Reader::from_reader(export.html.as_bytes());
            assert!(reader.records().count() >= 2, "{}", export.html);
            let page = admin
                .multipart("/organisation/import/preview", &[("table", None, table), ("file", Some(file), &export.html)])
                .await;
            page.assert(StatusCode::OK).assert_has("The file changes nothing");
            page.assert_has(" 0 created, 0 changed");
        }
        let people_csv = admin.get("/organisation/export/people.csv").await.html;
        assert!(people_csv.contains("\"Cy, \"\"the\"\" = boss\""), "{people_csv}");
        assert!(people_csv.starts_with("email,name,department,role,active\n"));
    }
}

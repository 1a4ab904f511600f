//! The request lists' built-in views (department queue, assigned to me, unassigned,
//! breaching within an hour, waiting on the customer, filed by me) and each person's
//! saved views, through the API and the pages.

use axum::http::StatusCode;
use jiff::SignedDuration;
use serde_json::json;

use crate::support::{Browser, Page, TestApp, both_engines, with_policy};

/// The ids of the requests a list page shows, in ascending order.
fn listed(page: &Page) -> Vec<i64> {
    page.assert(StatusCode::OK);
    let mut ids: Vec<i64> = page
        .html
        .split("<tr data-request=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].parse().unwrap())
        .collect();
    ids.sort();
    ids
}

async fn view(browser: &mut Browser, query: &str) -> Vec<i64> {
    listed(&browser.get(&format!("/requests?{query}")).await)
}

fn sorted(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort();
    ids
}

both_engines! {
    async fn each_built_in_view_shows_exactly_its_requests(app: TestApp) {
        let s = app.scene().await;
        // First response within two working hours: 09:00 filings fall due at 11:00.
        with_policy(&app, &s, json!({"first_response_minutes": 120, "resolution_minutes": 480})).await;
        let d = &s.designer;
        let assigned = app.file(&s.requester, s.service, "Assigned to the designer").await;
        d.patch(&format!("/api/v1/requests/{assigned}"), json!({"assignee_id": d.person_id})).await.assert(StatusCode::OK);
        let resolved = app.file(&s.requester, s.service, "Resolved later").await;
        let answered = app.file(&s.requester, s.service, "Answered").await;
        d.post(&format!("/api/v1/requests/{answered}/comments"), json!({"body": "On it"})).await.assert(StatusCode::CREATED);
        let waiting = app.file(&s.colleague, s.service, "Waiting on the customer").await;
        d.post(&format!("/api/v1/requests/{waiting}/comments"), json!({"body": "Which size?"})).await.assert(StatusCode::CREATED);
        d.patch(&format!("/api/v1/requests/{waiting}"), json!({"status": "open"})).await.assert(StatusCode::OK);
        d.patch(&format!("/api/v1/requests/{waiting}"), json!({"status": "waiting_on_customer"})).await.assert(StatusCode::OK);
        app.clock.advance(SignedDuration::from_mins(30));
        let late = app.file(&s.requester, s.service, "Filed at half past nine").await;

        let mut designer = app.signed_in(d).await;
        // 09:30: nothing falls due by 10:30.
        assert!(view(&mut designer, "view=breaching").await.is_empty());
        assert!(d.get("/api/v1/requests?sla_due_within=60").await.ids().is_empty());
        // 10:15: the 09:00 first responses fall due at 11:00, within the hour; 11:30 not.
        app.clock.set("2026-11-23T10:15:00Z".parse().unwrap());
        assert_eq!(view(&mut designer, "view=breaching").await, sorted(vec![assigned, resolved]));
        assert_eq!(sorted(d.get("/api/v1/requests?sla_due_within=60").await.ids()), sorted(vec![assigned, resolved]));
        assert_eq!(sorted(d.get("/api/v1/requests?sla_due_within=75").await.ids()), sorted(vec![assigned, resolved, late]));
        // 12:15: past due counts too; a resolved request's clocks stopped.
        app.clock.set("2026-11-23T12:15:00Z".parse().unwrap());
        d.patch(&format!("/api/v1/requests/{resolved}"), json!({"status": "resolved"})).await.assert(StatusCode::OK);
        assert_eq!(view(&mut designer, "view=breaching").await, sorted(vec![assigned, late]));
        assert_eq!(sorted(d.get("/api/v1/requests?sla_due_within=0").await.ids()), sorted(vec![assigned, late]));

        assert_eq!(view(&mut designer, "view=queue").await, sorted(vec![assigned, answered, waiting, late]));
        assert_eq!(view(&mut designer, "view=queue&status=all").await, sorted(vec![assigned, resolved, answered, waiting, late]));
        assert_eq!(view(&mut designer, "view=assigned").await, vec![assigned]);
        assert_eq!(view(&mut designer, "view=unassigned").await, sorted(vec![answered, waiting, late]));
        assert_eq!(view(&mut designer, "view=unassigned&status=all").await, sorted(vec![resolved, answered, waiting, late]));
        assert_eq!(view(&mut designer, "view=waiting").await, vec![waiting]);
        // The waiting view decides the status: a status filter does not widen it.
        assert_eq!(view(&mut designer, "view=waiting&status=all").await, vec![waiting]);
        assert!(view(&mut designer, "view=mine").await.is_empty());
        // Filters narrow a view.
        assert_eq!(view(&mut designer, "view=unassigned&q=half").await, vec![late]);
        assert!(view(&mut designer, "view=unassigned&priority=urgent").await.is_empty());

        let mut requester = app.signed_in(&s.requester).await;
        assert_eq!(view(&mut requester, "view=mine").await, sorted(vec![assigned, answered, late]));
        // Another department's person sees none of Design's queue in any view.
        let mut outsider = app.signed_in(&s.outsider).await;
        for v in ["queue", "assigned", "unassigned", "breaching", "waiting", "mine"] {
            assert!(view(&mut outsider, &format!("view={v}")).await.is_empty(), "{v}");
            assert!(view(&mut requester, &format!("view={v}&status=all")).await.iter().all(|id| *id != waiting), "{v}");
        }

        // The tabs: each an address, the current one marked.
        let page = designer.get("/requests?view=breaching").await;
        let tabs = page.part(r#"<nav class="subnav" id="views""#, "</nav>");
        for v in ["queue", "assigned", "unassigned", "breaching", "waiting", "mine"] {
            assert!(tabs.contains(&format!("href=\"/requests?view={v}\"")), "{v}: {tabs}");
        }
        assert!(tabs.contains(r#"<a href="/requests?view=breaching" aria-current="page">Breaching within an hour</a>"#), "{tabs}");
        assert_eq!(tabs.matches("aria-current").count(), 1);

        // Bad values are refused, naming what is wrong.
        let res = d.get("/api/v1/requests?sla_due_within=-5").await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("sla_due_within").is_some(), "{}", res.body);
        d.get("/api/v1/requests?sla_due_within=soon").await.assert(StatusCode::UNPROCESSABLE_ENTITY);
        designer.get("/requests?view=everything").await.assert(StatusCode::BAD_REQUEST);
        designer.get("/requests?view=queue&priority=asap").await.assert(StatusCode::BAD_REQUEST);
    }

    async fn saved_views_are_each_persons_own(app: TestApp) {
        let s = app.scene().await;
        let d = &s.designer;
        let res = d.post("/api/v1/me/views", json!({"name": "Urgent posters", "query": "?q=poster&priority=urgent&view=unassigned"})).await;
        res.assert(StatusCode::CREATED);
        assert_eq!(res.body["query"], "view=unassigned&priority=urgent&q=poster");
        assert_eq!(res.body["href"], "/requests?view=unassigned&priority=urgent&q=poster");
        let urgent = res.id();
        let other = d.post("/api/v1/me/views", json!({"name": "All of ours", "query": "view=queue&status=all"})).await;
        other.assert(StatusCode::CREATED);
        let names: Vec<String> = d.get("/api/v1/me/views").await.body["items"].as_array().unwrap()
            .iter().map(|v| v["name"].as_str().unwrap().to_owned()).collect();
        assert_eq!(names, ["All of ours", "Urgent posters"]);

        // Another person, even of the same department, neither sees nor deletes them.
        let colleague = app.member(s.design).await;
        assert!(colleague.get("/api/v1/me/views").await.body["items"].as_array().unwrap().is_empty());
        colleague.delete(&format!("/api/v1/me/views/{urgent}")).await.assert(StatusCode::NOT_FOUND);
        // The same name is theirs to use.
        colleague.post("/api/v1/me/views", json!({"name": "Urgent posters", "query": ""})).await.assert(StatusCode::CREATED);
        assert_eq!(d.get("/api/v1/me/views").await.body["items"].as_array().unwrap().len(), 2);

        d.delete(&format!("/api/v1/me/views/{urgent}")).await.assert(StatusCode::OK);
        d.delete(&format!("/api/v1/me/views/{urgent}")).await.assert(StatusCode::NOT_FOUND);
        assert_eq!(d.get("/api/v1/me/views").await.ids(), vec![other.id()]);
        app.anonymous().get("/api/v1/me/views").await.assert(StatusCode::UNAUTHORIZED);
    }

    async fn bad_names_and_queries_are_refused_by_field(app: TestApp) {
        let s = app.scene().await;
        let d = &s.designer;
        let refused = |res: &crate::support::Res, field: &str| {
            assert!(res.field_error(field).is_some(), "{field}: {}", res.body);
        };
        for name in ["", "   ", &"n".repeat(61)] {
            let res = d.post("/api/v1/me/views", json!({"name": name, "query": "view=queue"})).await;
            res.assert(StatusCode::UNPROCESSABLE_ENTITY);
            refused(&res, "name");
        }
        d.post("/api/v1/me/views", json!({"name": "n".repeat(60), "query": "view=queue"})).await.assert(StatusCode::CREATED);
        for (query, about) in [
            ("view=queue&colour=red", "colour"),
            ("view=queue&cursor=1_2", "cursor"),
            ("view=everything", "view"),
            ("status=done", "status"),
            ("priority=asap", "priority"),
            ("status=open&status=new", "status"),
            ("q=%ZZ", "q"),
        ] {
            let res = d.post("/api/v1/me/views", json!({"name": "Mine", "query": query})).await;
            res.assert(StatusCode::UNPROCESSABLE_ENTITY);
            let reason = res.field_error("query").unwrap_or_else(|| panic!("{query}: {}", res.body));
            assert!(reason.contains(about), "{query}: {reason}");
        }
        let res = d.post("/api/v1/me/views", json!({"name": "", "query": "view=nowhere"})).await;
        refused(&res, "name");
        refused(&res, "query");
        let res = d.post("/api/v1/me/views", json!({"name": "x", "query": "view=queue", "colour": 1})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        refused(&res, "colour");

        d.post("/api/v1/me/views", json!({"name": "Twice", "query": "view=queue"})).await.assert(StatusCode::CREATED);
        let res = d.post("/api/v1/me/views", json!({"name": "Twice", "query": "view=mine"})).await;
        res.assert(StatusCode::CONFLICT);
        refused(&res, "name");

        // At most 50 a person.
        for n in 2..50 {
            d.post("/api/v1/me/views", json!({"name": format!("View {n}"), "query": "view=queue"})).await.assert(StatusCode::CREATED);
        }
        let res = d.post("/api/v1/me/views", json!({"name": "One too many", "query": "view=queue"})).await;
        res.assert(StatusCode::CONFLICT);
        assert_eq!(res.error_code(), "too_many_views");
        assert_eq!(d.get("/api/v1/me/views").await.body["items"].as_array().unwrap().len(), 50);
    }

    async fn a_view_is_saved_followed_and_deleted_from_the_list_page(app: TestApp) {
        let s = app.scene().await;
        let poster = app.file(&s.requester, s.service, "Poster for the fair").await;
        let banner = app.file(&s.requester, s.service, "Banner").await;
        let mut designer = app.signed_in(&s.designer).await;

        let page = designer.get("/requests?view=unassigned&q=poster").await;
        assert_eq!(listed(&page), vec![poster]);
        assert!(page.html.contains(r#"<input type="hidden" name="query" value="view=unassigned&#38;q=poster">"#)
            || page.html.contains(r#"<input type="hidden" name="query" value="view=unassigned&amp;q=poster">"#), "{}", page.html);
        let saved = designer.form("/requests/views", &[("name", "Posters"), ("query", "view=unassigned&q=poster")]).await;
        saved.assert(StatusCode::SEE_OTHER);
        assert_eq!(saved.location.as_deref(), Some("/requests?view=unassigned&q=poster"));
        let page = designer.get("/requests?view=unassigned&q=poster").await;
        let mine = page.part(r#"<nav class="saved-views""#, "</nav>");
        assert!(mine.contains(">Posters</a>") && mine.contains(r#"aria-current="page""#), "{mine}");
        // On another list the saved one is listed, not current.
        let page = designer.get("/requests?view=queue").await;
        assert_eq!(listed(&page), sorted(vec![poster, banner]));
        let mine = page.part(r#"<nav class="saved-views""#, "</nav>");
        assert!(mine.contains(">Posters</a>") && !mine.contains("aria-current"), "{mine}");
        assert_eq!(s.designer.get("/api/v1/me/views").await.body["items"][0]["query"], "view=unassigned&q=poster");

        // A refused name is explained beside the form, what was typed kept.
        let page = designer.form("/requests/views", &[("name", "Posters"), ("query", "view=queue")]).await;
        page.assert(StatusCode::CONFLICT);
        page.assert_has(r#"id="view-error""#).assert_has("you have a view with this name already");
        page.assert_has(r#"value="Posters""#);
        let page = designer.form("/requests/views", &[("name", " "), ("query", "view=queue")]).await;
        page.assert(StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_has("name: must not be empty");

        // Deleted: gone from the page; someone else cannot delete it.
        let id = s.designer.get("/api/v1/me/views").await.ids()[0];
        let mut requester = app.signed_in(&s.requester).await;
        requester.form(&format!("/requests/views/{id}/delete"), &[("back", "view=mine")]).await.assert(StatusCode::NOT_FOUND);
        let done = designer.form(&format!("/requests/views/{id}/delete"), &[("back", "view=queue")]).await;
        done.assert(StatusCode::SEE_OTHER);
        assert_eq!(done.location.as_deref(), Some("/requests?view=queue"));
        designer.get("/requests?view=queue").await.assert_lacks("saved-views");
    }

    async fn the_list_page_serves_its_keyboard_script_and_documents_the_keys(app: TestApp) {
        let s = app.scene().await;
        app.file(&s.requester, s.service, "Poster").await;
        let mut designer = app.signed_in(&s.designer).await;
        let page = designer.get("/requests?view=queue").await;
        page.assert_has(r#"<script src="/static/queue.js" defer></script>"#);
        let shortcuts = page.part(r#"<details id="shortcuts">"#, "</details>");
        for key in ["<kbd>j</kbd>", "<kbd>k</kbd>", "<kbd>x</kbd>", "<kbd>o</kbd>", "<kbd>/</kbd>", "<kbd>a</kbd>"] {
            assert!(shortcuts.contains(key), "{key}: {shortcuts}");
        }
        // Every row's tick names its request.
        page.assert_has("aria-label=\"Tick request #");
        let script = designer.get("/static/queue.js").await;
        script.assert(StatusCode::OK);
        assert!(script.html.contains("addEventListener('keydown'"));
        // Other pages do without it.
        designer.get("/").await.assert_lacks("queue.js");
    }
}

//! Bulk changes from the request lists: assign many requests and/or move them to a
//! status, all or nothing, each refused request named; through the API and the page.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{Client, TestApp, both_engines, with_policy};

/// The kinds of a request's history, oldest first.
async fn kinds(client: &Client, id: i64) -> Vec<String> {
    let res = client.get(&format!("/api/v1/requests/{id}/history")).await;
    res.assert(StatusCode::OK);
    res.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn request(client: &Client, id: i64) -> Value {
    let res = client.get(&format!("/api/v1/requests/{id}")).await;
    res.assert(StatusCode::OK);
    res.body
}

/// A service of Finance; returns its id.
async fn finance_service(app: &TestApp, finance: i64) -> i64 {
    let manager = app.manager(finance).await;
    let res = manager
        .post(
            "/api/v1/services",
            json!({"department_id": finance, "name": "Expense claims"}),
        )
        .await;
    res.assert(StatusCode::CREATED);
    res.id()
}

/// Files a request with `service` as `requester`; its id.
async fn file_with(requester: &Client, service: i64) -> i64 {
    let res = requester
        .post(
            "/api/v1/requests",
            json!({"service_id": service, "subject": "Claim", "description": ""}),
        )
        .await;
    res.assert(StatusCode::CREATED);
    res.id()
}

both_engines! {
    async fn a_bulk_change_with_a_request_not_the_actors_to_move_changes_nothing(app: TestApp) {
        let s = app.scene().await;
        let d = &s.designer;
        let first = app.file(&s.requester, s.service, "First").await;
        let second = app.file(&s.requester, s.service, "Second").await;
        // The designer filed this one with Finance: theirs to see, not to assign.
        let claims = finance_service(&app, s.outsider.department_id).await;
        let theirs = file_with(d, claims).await;
        // Finance's own request, which the designer does not see at all.
        let hidden = file_with(&s.outsider, claims).await;
        let before = kinds(d, first).await;

        let res = d.post("/api/v1/requests/bulk", json!({
            "ids": [first, theirs, second, hidden], "assignee_id": d.person_id, "status": "in_progress"
        })).await;
        res.assert(StatusCode::CONFLICT);
        assert_eq!(res.error_code(), "bulk_refused");
        let theirs_reason = res.field_error("ids[1]").unwrap();
        assert!(theirs_reason.starts_with(&format!("request #{theirs}: ")), "{theirs_reason}");
        let hidden_reason = res.field_error("ids[3]").unwrap();
        assert!(hidden_reason.contains(&format!("#{hidden}")) && hidden_reason.contains("no request you may see"), "{hidden_reason}");
        assert!(res.field_error("ids[0]").is_none() && res.field_error("ids[2]").is_none(), "{}", res.body);
        assert!(res.body["error"]["message"].as_str().unwrap().starts_with("nothing was changed: 2 of the 4"), "{}", res.body);
        // Nothing written: neither the allowed ones nor the others.
        for id in [first, second] {
            let now = request(d, id).await;
            assert_eq!(now["status"], "new");
            assert!(now["assignee_id"].is_null());
        }
        assert_eq!(kinds(d, first).await, before);
        assert_eq!(request(d, theirs).await["status"], "new");
    }

    async fn a_disallowed_status_move_is_named_and_nothing_moves(app: TestApp) {
        let s = app.scene().await;
        let d = &s.designer;
        let open = app.file(&s.requester, s.service, "Still open").await;
        let closed = app.file(&s.requester, s.service, "Done with").await;
        d.patch(&format!("/api/v1/requests/{closed}"), json!({"status": "resolved"})).await.assert(StatusCode::OK);
        s.requester.patch(&format!("/api/v1/requests/{closed}"), json!({"status": "closed"})).await.assert(StatusCode::OK);

        let res = d.post("/api/v1/requests/bulk", json!({"ids": [open, closed], "status": "in_progress"})).await;
        res.assert(StatusCode::CONFLICT);
        let reason = res.field_error("ids[1]").unwrap();
        assert!(reason.contains(&format!("request #{closed}")) && reason.contains("cannot move from closed to in_progress"), "{reason}");
        assert_eq!(res.body["error"]["fields"].as_object().unwrap().len(), 1);
        assert_eq!(request(d, open).await["status"], "new");

        // A requester may close their resolved requests, and nothing else.
        let resolved = app.file(&s.requester, s.service, "Resolved").await;
        d.patch(&format!("/api/v1/requests/{resolved}"), json!({"status": "resolved"})).await.assert(StatusCode::OK);
        let res = s.requester.post("/api/v1/requests/bulk", json!({"ids": [resolved, open], "status": "closed"})).await;
        res.assert(StatusCode::CONFLICT);
        assert!(res.field_error("ids[1]").unwrap().contains(&format!("request #{open}")), "{}", res.body);
        assert!(res.field_error("ids[0]").is_none());
        assert_eq!(request(d, resolved).await["status"], "resolved");
        let res = s.requester.post("/api/v1/requests/bulk", json!({"ids": [resolved], "status": "closed"})).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["items"][0]["status"], "closed");
    }

    async fn a_bulk_change_records_history_and_moves_clocks_on_each_request(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 60, "resolution_minutes": 480})).await;
        let d = &s.designer;
        let ids = [
            app.file(&s.requester, s.service, "One").await,
            app.file(&s.requester, s.service, "Two").await,
            app.file(&s.colleague, s.service, "Three").await,
        ];
        let res = d.post("/api/v1/requests/bulk", json!({"ids": ids, "assignee_id": d.person_id, "status": "resolved"})).await;
        res.assert(StatusCode::OK);
        let items = res.body["items"].as_array().unwrap();
        assert_eq!(items.iter().map(|r| r["id"].as_i64().unwrap()).collect::<Vec<_>>(), ids);
        for id in ids {
            let now = request(d, id).await;
            assert_eq!(now["status"], "resolved");
            assert_eq!(now["assignee_id"], d.person_id);
            let history = kinds(d, id).await;
            for kind in ["status_changed", "assigned", "clock_stopped"] {
                assert!(history.iter().any(|k| k == kind), "{id}: {kind} not in {history:?}");
            }
            let clocks = d.get(&format!("/api/v1/requests/{id}/sla")).await;
            assert!(clocks.body["items"].as_array().unwrap().iter().all(|c| c["phase"] == "stopped"), "{}", clocks.body);
            let history = d.get(&format!("/api/v1/requests/{id}/history")).await;
            let moved = history.body["items"].as_array().unwrap().iter()
                .find(|e| e["kind"] == "status_changed").unwrap().clone();
            assert_eq!(moved["actor_id"], d.person_id);
        }
        // As a single change does: the requesters are asked to rate.
        for requester in [&s.requester, &s.colleague] {
            let asks = requester.get("/api/v1/me/asks").await;
            assert!(!asks.body["ratings"].as_array().unwrap().is_empty(), "{}", asks.body);
        }
        // Unassigning in bulk.
        let res = d.post("/api/v1/requests/bulk", json!({"ids": ids, "assignee_id": null})).await;
        res.assert(StatusCode::OK);
        assert!(res.body["items"].as_array().unwrap().iter().all(|r| r["assignee_id"].is_null()));
    }

    async fn bad_bulk_input_is_refused_by_field(app: TestApp) {
        let s = app.scene().await;
        let d = &s.designer;
        let id = app.file(&s.requester, s.service, "One").await;
        let cases = [
            (json!({"ids": [], "status": "open"}), "ids"),
            (json!({"ids": (1..=501).collect::<Vec<i64>>(), "status": "open"}), "ids"),
            (json!({"ids": [id, id], "status": "open"}), "ids[1]"),
            (json!({"ids": [0], "status": "open"}), "ids[0]"),
            (json!({"ids": [id, "x"], "status": "open"}), "ids[1]"),
            (json!({"ids": [id]}), "status"),
            (json!({"ids": [id], "status": "done"}), "status"),
            (json!({"ids": [id], "assignee_id": 987654}), "assignee_id"),
            (json!({"ids": [id], "assignee_id": "me"}), "assignee_id"),
            (json!({"status": "open"}), "ids"),
        ];
        for (body, field) in cases {
            let res = d.post("/api/v1/requests/bulk", body.clone()).await;
            res.assert(StatusCode::UNPROCESSABLE_ENTITY);
            assert!(res.field_error(field).is_some(), "{body}: {field} not named in {}", res.body);
        }
        // Someone outside the providing department is no assignee: refused per request.
        let res = d.post("/api/v1/requests/bulk", json!({"ids": [id], "assignee_id": s.requester.person_id})).await;
        res.assert(StatusCode::CONFLICT);
        assert!(res.field_error("ids[0]").unwrap().contains("assignee_id"), "{}", res.body);
        assert!(request(d, id).await["assignee_id"].is_null());
    }

    async fn the_list_page_bulk_form_shows_a_refusal_above_the_list_keeping_the_ticks(app: TestApp) {
        let s = app.scene().await;
        let d = &s.designer;
        let first = app.file(&s.requester, s.service, "First").await;
        let closed = app.file(&s.requester, s.service, "Closed one").await;
        let third = app.file(&s.requester, s.service, "Third").await;
        d.patch(&format!("/api/v1/requests/{closed}"), json!({"status": "resolved"})).await.assert(StatusCode::OK);
        s.requester.patch(&format!("/api/v1/requests/{closed}"), json!({"status": "closed"})).await.assert(StatusCode::OK);
        let mut designer = app.signed_in(d).await;

        let (first_s, closed_s, third_s) = (first.to_string(), closed.to_string(), third.to_string());
        let page = designer.form("/requests/bulk", &[
            ("list", "view=queue&status=all"), ("id", &first_s), ("id", &closed_s),
            ("assignee", "me"), ("status", "open"),
        ]).await;
        page.assert(StatusCode::CONFLICT);
        let error = page.part(r#"<div class="error" role="alert" id="bulk-error">"#, "</div>");
        assert!(error.contains("Nothing was changed: 1 of the 2 ticked requests"), "{error}");
        assert!(error.contains(&format!("request #{closed}: a request cannot move from closed to open")), "{error}");
        // The list it came from, the ticks and the choices kept, the refused row marked.
        page.assert_has(&format!(r#"id="tick-{first}" aria-label="Tick request #{first}: First" checked>"#));
        page.assert_has(&format!(r#"id="tick-{closed}" aria-label="Tick request #{closed}: Closed one" checked aria-invalid="true" aria-describedby="refusal-{closed}">"#));
        page.assert_has(&format!(r#"id="tick-{third}" aria-label="Tick request #{third}: Third">"#));
        page.assert_has(&format!(r#"<p class="field-error" id="refusal-{closed}">"#));
        page.assert_has(r#"<option value="me" selected>"#).assert_has(r#"<option value="open" selected>"#);
        assert!(request(d, first).await["assignee_id"].is_null());

        // Nothing ticked: said so.
        let page = designer.form("/requests/bulk", &[("list", "view=queue"), ("assignee", "me")]).await;
        page.assert(StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_has("Ticked requests: tick at least one request");

        // Allowed: done, back to the list with the count.
        let done = designer.form("/requests/bulk", &[
            ("list", "view=unassigned"), ("id", &first_s), ("id", &third_s), ("assignee", "me"), ("status", ""),
        ]).await;
        done.assert(StatusCode::SEE_OTHER);
        assert_eq!(done.location.as_deref(), Some("/requests?view=unassigned&changed=2"));
        designer.get("/requests?view=unassigned&changed=2").await.assert_has("2 requests changed.");
        for id in [first, third] {
            assert_eq!(request(d, id).await["assignee_id"], d.person_id);
        }
        assert!(kinds(d, first).await.iter().any(|k| k == "assigned"));
    }
}

//! The request lifecycle: who moves it where, replies, internal notes, history.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{TestApp, both_engines};

both_engines! {
    async fn a_request_goes_through_its_whole_life(app: TestApp) {
        let s = app.scene().await;
        let id = app.file(&s.requester, s.service, "Poster for the fair").await;
        let path = format!("/api/v1/requests/{id}");

        let res = s.designer.patch(&path, json!({"status": "open", "assignee_id": s.designer.person_id, "priority": "urgent"})).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["status"], "open");
        assert_eq!(res.body["assignee_id"], s.designer.person_id);
        s.designer.patch(&path, json!({"status": "in_progress"})).await.assert(StatusCode::OK);
        s.designer.patch(&path, json!({"status": "waiting_on_customer"})).await.assert(StatusCode::OK);

        // The requester's reply puts it back in the queue.
        let res = s.requester.post(&format!("{path}/comments"), json!({"body": "Here is the logo."})).await;
        res.assert(StatusCode::CREATED);
        assert_eq!(res.body["request_status"], "open");
        assert_eq!(s.requester.get(&path).await.body["status"], "open");

        let res = s.designer.patch(&path, json!({"status": "resolved"})).await;
        res.assert(StatusCode::OK);
        assert!(res.body["resolved_at"].is_string());
        let res = s.requester.patch(&path, json!({"status": "reopened"})).await;
        res.assert(StatusCode::OK);
        assert!(res.body["resolved_at"].is_null());
        s.designer.patch(&path, json!({"status": "resolved"})).await.assert(StatusCode::OK);
        let res = s.requester.patch(&path, json!({"status": "closed"})).await;
        res.assert(StatusCode::OK);
        assert!(res.body["closed_at"].is_string());

        // Closed is final; the refusal names the allowed moves (none).
        let res = s.designer.patch(&path, json!({"status": "open"})).await;
        res.assert(StatusCode::CONFLICT);
        assert_eq!(res.error_code(), "illegal_transition");
        assert!(res.body["error"]["message"].as_str().unwrap().contains("none (it is final)"));

        let res = s.designer.get(&format!("{path}/history")).await;
        let statuses: Vec<(String, String)> = res.body["items"].as_array().unwrap().iter()
            .filter(|e| e["field"] == "status")
            .map(|e| (e["old_value"].as_str().unwrap_or("-").to_owned(), e["new_value"].as_str().unwrap().to_owned()))
            .collect();
        let expected = [("-", "new"), ("new", "open"), ("open", "in_progress"), ("in_progress", "waiting_on_customer"),
            ("waiting_on_customer", "open"), ("open", "resolved"), ("resolved", "reopened"), ("reopened", "resolved"),
            ("resolved", "closed")];
        assert_eq!(statuses, expected.map(|(a, b)| (a.to_owned(), b.to_owned())));
        let priority = res.body["items"].as_array().unwrap().iter().find(|e| e["field"] == "priority").unwrap();
        assert_eq!(priority["old_value"], "normal");
        assert_eq!(priority["new_value"], "urgent");
        assert_eq!(priority["actor_id"], s.designer.person_id);
    }

    async fn only_the_requesters_reply_answers_a_waiting_request(app: TestApp) {
        let s = app.scene().await;
        let id = app.file(&s.requester, s.service, "Menu card").await;
        let path = format!("/api/v1/requests/{id}");
        s.designer.patch(&path, json!({"status": "open"})).await.assert(StatusCode::OK);
        s.designer.patch(&path, json!({"status": "waiting_on_customer"})).await.assert(StatusCode::OK);
        let res = s.colleague.post(&format!("{path}/comments"), json!({"body": "I think they are away"})).await;
        res.assert(StatusCode::CREATED);
        assert!(res.body["request_status"].is_null());
        let res = s.designer.post(&format!("{path}/comments"), json!({"body": "Still waiting"})).await;
        assert!(res.body["request_status"].is_null());
        assert_eq!(s.requester.get(&path).await.body["status"], "waiting_on_customer");
        let res = s.requester.post(&format!("{path}/comments"), json!({"body": "Back now"})).await;
        assert_eq!(res.body["request_status"], "open");
    }

    async fn control_characters_are_refused_not_stored(app: TestApp) {
        let s = app.scene().await;
        let res = s.requester.post("/api/v1/requests", json!({"service_id": s.service, "subject": "nul\u{0}byte",
            "fields": {"format": "banner", "brief": "bad\u{0}"}})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("subject").is_some());
        assert!(res.field_error("fields.brief").is_some());
        let res = app.admin().get("/api/v1/people?q=%00").await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        let res = app.admin().get("/api/v1/requests?q=a%00b").await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn a_requesters_illegal_move_is_a_conflict_too(app: TestApp) {
        let s = app.scene().await;
        let id = app.file(&s.requester, s.service, "Stickers").await;
        let path = format!("/api/v1/requests/{id}");
        let res = s.requester.patch(&path, json!({"status": "closed"})).await;
        res.assert(StatusCode::CONFLICT);
        assert_eq!(res.error_code(), "illegal_transition");
        // The same status again is a harmless no-op.
        s.designer.patch(&path, json!({"status": "new"})).await.assert(StatusCode::OK);
    }

    async fn illegal_moves_name_the_allowed_ones(app: TestApp) {
        let s = app.scene().await;
        let id = app.file(&s.requester, s.service, "Flyer").await;
        let path = format!("/api/v1/requests/{id}");
        let res = s.designer.patch(&path, json!({"status": "closed"})).await;
        res.assert(StatusCode::CONFLICT);
        assert_eq!(
            res.field_error("status"),
            Some("a request cannot move from new to closed; allowed from new: open, in_progress, resolved")
        );
        let res = s.designer.patch(&path, json!({"status": "waiting_on_customer"})).await;
        res.assert(StatusCode::CONFLICT);
        assert_eq!(s.designer.get(&path).await.body["status"], "new");
    }

    async fn only_the_provider_works_a_request(app: TestApp) {
        let s = app.scene().await;
        let id = app.file(&s.requester, s.service, "Brochure").await;
        let path = format!("/api/v1/requests/{id}");
        // The requester may only close or reopen a resolved request.
        let res = s.requester.patch(&path, json!({"status": "in_progress"})).await;
        res.assert(StatusCode::FORBIDDEN);
        s.requester.patch(&path, json!({"priority": "urgent"})).await.assert(StatusCode::FORBIDDEN);
        s.colleague.patch(&path, json!({"status": "open"})).await.assert(StatusCode::FORBIDDEN);
        s.outsider.patch(&path, json!({"status": "open"})).await.assert(StatusCode::NOT_FOUND);

        // The assignee must be an active member of the providing department.
        let res = s.designer.patch(&path, json!({"assignee_id": s.requester.person_id})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("assignee_id").is_some());
        s.designer.patch(&path, json!({"assignee_id": s.designer.person_id})).await.assert(StatusCode::OK);
        let res = s.designer.patch(&path, json!({"assignee_id": null})).await;
        res.assert(StatusCode::OK);
        assert!(res.body["assignee_id"].is_null());
        let res = s.designer.patch(&path, json!({"subject": "Brochure, 8 pages"})).await;
        assert_eq!(res.body["subject"], "Brochure, 8 pages");
    }

    async fn internal_notes_never_reach_the_requester(app: TestApp) {
        let s = app.scene().await;
        let id = app.file(&s.requester, s.service, "Signage").await;
        let path = format!("/api/v1/requests/{id}");
        s.designer.post(&format!("{path}/comments"), json!({"body": "Customer is picky; xylophonic palette", "internal": true}))
            .await
            .assert(StatusCode::CREATED);
        s.designer.post(&format!("{path}/comments"), json!({"body": "On it!"})).await.assert(StatusCode::CREATED);
        let res = s.requester.post(&format!("{path}/comments"), json!({"body": "psst", "internal": true})).await;
        res.assert(StatusCode::FORBIDDEN);

        for viewer in [&s.requester, &s.colleague] {
            let res = viewer.get(&format!("{path}/comments")).await;
            res.assert(StatusCode::OK);
            let bodies: Vec<&str> = res.body["items"].as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap()).collect();
            assert_eq!(bodies, ["On it!"]);
            let history = viewer.get(&format!("{path}/history")).await;
            assert!(history.body["items"].as_array().unwrap().iter().all(|e| e["field"] != "internal_note"));
            let found = viewer.get("/api/v1/requests?q=xylophonic").await;
            assert!(found.ids().is_empty(), "an internal note leaked through search");
        }
        let res = s.designer.get(&format!("{path}/comments")).await;
        assert_eq!(res.body["items"].as_array().unwrap().len(), 2);
        assert_eq!(res.body["items"][0]["internal"], true);
        let found = s.designer.get("/api/v1/requests?q=xylophonic").await;
        assert_eq!(found.ids(), vec![id]);
        let res = s.designer.post(&format!("{path}/comments"), json!({"body": "  "})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("body").is_some());
    }
}

//! Filing requests, with their forms checked.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{TestApp, both_engines};

both_engines! {
    async fn an_employee_files_a_request_with_a_valid_form(app: TestApp) {
        let s = app.scene().await;
        let res = s.requester.post("/api/v1/requests", json!({
            "service_id": s.service,
            "subject": "Spring campaign banners",
            "description": "Three sizes for the web shop.",
            "priority": "high",
            "fields": {"format": "banner", "deadline": "2026-12-01", "copies": 3,
                       "channels": ["web", "social"], "approver": s.colleague.person_id}
        })).await;
        res.assert(StatusCode::CREATED);
        let b = &res.body;
        assert_eq!(b["status"], "new");
        assert_eq!(b["priority"], "high");
        assert_eq!(b["provider_department_id"], s.design);
        assert_eq!(b["requester_department_id"], s.marketing);
        assert_eq!(b["requester_id"], s.requester.person_id);
        assert_eq!(b["fields"]["channels"], json!(["web", "social"]));
        assert_eq!(b["assignee_id"], serde_json::Value::Null);
        assert_eq!(b["created_at"], "2026-11-23T09:00:00Z");

        let id = res.id();
        let res = s.requester.get(&format!("/api/v1/requests/{id}")).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["subject"], "Spring campaign banners");
        let res = s.requester.get(&format!("/api/v1/requests/{id}/history")).await;
        assert_eq!(res.body["items"][0]["field"], "status");
        assert_eq!(res.body["items"][0]["new_value"], "new");
        assert_eq!(res.body["items"][0]["actor_id"], s.requester.person_id);
    }

    async fn bad_form_values_are_named_and_nothing_is_written(app: TestApp) {
        let s = app.scene().await;
        let res = s.requester.post("/api/v1/requests", json!({
            "service_id": s.service,
            "subject": "",
            "fields": {"deadline": "2026-02-30", "copies": "three", "channels": ["web", "tv"],
                       "approver": 987654, "colour": "red"}
        })).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.error_code(), "validation_failed");
        assert_eq!(res.field_error("subject"), Some("must not be empty"));
        assert_eq!(res.field_error("fields.format"), Some("is required"));
        assert_eq!(res.field_error("fields.deadline"), Some("must be a date as YYYY-MM-DD"));
        assert_eq!(res.field_error("fields.copies"), Some("must be a number"));
        assert!(res.field_error("fields.channels").unwrap().contains("tv"));
        assert_eq!(res.field_error("fields.colour"), Some("is not a field of this service's form"));

        let res = s.requester.post("/api/v1/requests", json!({
            "service_id": s.service, "subject": "Approver check",
            "fields": {"format": "poster", "approver": 987654}
        })).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.field_error("fields.approver"), Some("no active person has this id"));

        let res = s.requester.post("/api/v1/requests", json!({"service_id": s.service, "subject": 7})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("subject").is_some());
        let res = s.requester.post("/api/v1/requests", json!({"service_id": s.service, "subject": "x", "priority": "asap"})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("priority").is_some());
        let res = s.requester.post("/api/v1/requests", json!({"service_id": 424242, "subject": "x"})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("service_id").is_some());

        let res = s.requester.get("/api/v1/requests").await;
        assert!(res.ids().is_empty(), "a failed filing wrote something: {}", res.body);
    }
}

both_engines! {
    async fn concurrent_filings_are_all_written_and_a_bad_one_fails_alone(app: TestApp) {
        use handoff_domain::request::Priority;
        use handoff_store::requests::{NewRequest, create, Filing};
        use handoff_store::slas::ClockWrite;

        let s = app.scene().await;
        let (requester, requester_department, design) = (s.requester.person_id, s.marketing, s.design);
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..40 {
            let db = app.db.clone();
            // Request 13 names a service that does not exist: the database refuses it.
            let service_id = if i == 13 { 987_654 } else { s.service };
            tasks.spawn(async move {
                let fields = serde_json::Map::new();
                let subject = format!("Concurrent {i}");
                let new = NewRequest {
                    service_id,
                    provider_department_id: design,
                    requester_id: requester,
                    requester_department_id: requester_department,
                    subject: &subject,
                    description: "filed at once",
                    priority: Priority::Normal,
                    fields: &fields,
                };
                let filing = Filing::new(&new, ClockWrite::default(), jiff::Timestamp::now());
                (i, create(&db, filing).await)
            });
        }
        let mut ids = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            let (i, result) = joined.unwrap();
            match result {
                Ok(request) => {
                    assert_ne!(i, 13, "the bad request was written");
                    assert_eq!(request.subject, format!("Concurrent {i}"));
                    ids.push(request.id);
                }
                Err(e) => assert_eq!(i, 13, "request {i} failed: {e}"),
            }
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 39);
        // Each one is whole: listed, searchable and with its first history entry.
        let listed = s.designer.get("/api/v1/requests?q=concurrent&limit=100").await.ids();
        assert_eq!(listed.len(), 39);
        for id in ids.iter().take(5) {
            let history = s.designer.get(&format!("/api/v1/requests/{id}/history")).await;
            assert_eq!(history.body["items"][0]["new_value"], "new");
        }
    }
}

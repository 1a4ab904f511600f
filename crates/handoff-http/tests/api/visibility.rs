//! Who sees which requests: the requester, their department, the provider, watchers;
//! confidential cases; 404 for everything else.

use axum::http::StatusCode;
use handoff_domain::org::Role;
use serde_json::json;

use crate::support::{TestApp, both_engines};

both_engines! {
    async fn requests_are_seen_by_their_parties_only(app: TestApp) {
        let s = app.scene().await;
        let id = app.file(&s.requester, s.service, "Trade show banner").await;
        let path = format!("/api/v1/requests/{id}");
        for viewer in [&s.requester, &s.colleague, &s.designer, &s.design_manager, app.admin()] {
            viewer.get(&path).await.assert(StatusCode::OK);
            assert_eq!(viewer.get("/api/v1/requests").await.ids(), vec![id]);
        }
        let res = s.outsider.get(&path).await;
        res.assert(StatusCode::NOT_FOUND);
        assert_eq!(res.error_code(), "not_found");
        // Not found looks the same as a request that does not exist.
        let missing = s.outsider.get("/api/v1/requests/987654").await;
        assert_eq!(res.body, missing.body);
        assert!(s.outsider.get("/api/v1/requests").await.ids().is_empty());
        s.outsider.get(&format!("{path}/comments")).await.assert(StatusCode::NOT_FOUND);
        s.outsider.get(&format!("{path}/history")).await.assert(StatusCode::NOT_FOUND);
        s.outsider.post(&format!("{path}/comments"), json!({"body": "hi"})).await.assert(StatusCode::NOT_FOUND);

        // A watcher sees it and can stop watching.
        s.requester.post(&format!("{path}/watchers"), json!({"person_id": s.outsider.person_id})).await.assert(StatusCode::CREATED);
        s.outsider.get(&path).await.assert(StatusCode::OK);
        assert_eq!(s.outsider.get("/api/v1/requests").await.ids(), vec![id]);
        s.outsider.post(&format!("{path}/watchers"), json!({"person_id": s.outsider.person_id})).await.assert(StatusCode::FORBIDDEN);
        s.outsider.delete(&format!("{path}/watchers/{}", s.outsider.person_id)).await.assert(StatusCode::NO_CONTENT);
        s.outsider.get(&path).await.assert(StatusCode::NOT_FOUND);
        let res = s.requester.post(&format!("{path}/watchers"), json!({"person_id": 987654})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn confidential_cases_stay_between_requester_and_provider(app: TestApp) {
        let hr = app.department("hr").await;
        let staff = app.department("staff").await;
        let hr_manager = app.person(hr, Role::Manager).await;
        let res = hr_manager.post("/api/v1/services", json!({"department_id": hr, "name": "Workplace concern", "confidential": true})).await;
        res.assert(StatusCode::CREATED);
        let service = res.id();
        let employee = app.member(staff).await;
        let colleague = app.member(staff).await;
        let staff_manager = app.manager(staff).await;
        let friend = app.member(staff).await;
        let res = employee.post("/api/v1/requests", json!({"service_id": service, "subject": "Conflict with my lead"})).await;
        res.assert(StatusCode::CREATED);
        assert_eq!(res.body["confidential"], true);
        let id = res.id();
        let path = format!("/api/v1/requests/{id}");

        employee.get(&path).await.assert(StatusCode::OK);
        hr_manager.get(&path).await.assert(StatusCode::OK);
        for blind in [&colleague, &staff_manager, app.admin()] {
            blind.get(&path).await.assert(StatusCode::NOT_FOUND);
            assert!(blind.get("/api/v1/requests").await.ids().is_empty());
            assert!(blind.get("/api/v1/requests?q=conflict").await.ids().is_empty());
        }
        for sub in ["comments", "history", "watchers"] {
            colleague.get(&format!("{path}/{sub}")).await.assert(StatusCode::NOT_FOUND);
        }
        // Only the requester decides who else may see a confidential case.
        let res = hr_manager.post(&format!("{path}/watchers"), json!({"person_id": colleague.person_id})).await;
        res.assert(StatusCode::FORBIDDEN);
        colleague.get(&path).await.assert(StatusCode::NOT_FOUND);
        employee.post(&format!("{path}/watchers"), json!({"person_id": friend.person_id})).await.assert(StatusCode::CREATED);
        friend.get(&path).await.assert(StatusCode::OK);
        colleague.get(&path).await.assert(StatusCode::NOT_FOUND);

        // Turning confidentiality off applies to new requests only.
        hr_manager.patch(&format!("/api/v1/services/{service}"), json!({"confidential": false})).await.assert(StatusCode::OK);
        colleague.get(&path).await.assert(StatusCode::NOT_FOUND);
    }

    async fn making_a_service_confidential_hides_its_existing_requests(app: TestApp) {
        let s = app.scene().await;
        let id = app.file(&s.requester, s.service, "Old request").await;
        s.colleague.get(&format!("/api/v1/requests/{id}")).await.assert(StatusCode::OK);
        s.design_manager.patch(&format!("/api/v1/services/{}", s.service), json!({"confidential": true})).await.assert(StatusCode::OK);
        s.colleague.get(&format!("/api/v1/requests/{id}")).await.assert(StatusCode::NOT_FOUND);
        s.requester.get(&format!("/api/v1/requests/{id}")).await.assert(StatusCode::OK);
    }
}

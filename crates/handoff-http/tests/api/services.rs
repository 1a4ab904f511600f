//! The service catalog.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{TestApp, both_engines};

both_engines! {
    async fn managers_define_their_own_departments_services(app: TestApp) {
        let s = app.scene().await;
        let res = app.admin().get(&format!("/api/v1/services/{}", s.service)).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["department_id"], s.design);
        assert_eq!(res.body["fields"].as_array().unwrap().len(), 6);
        assert_eq!(res.body["fields"][0]["type"], "choice");
        assert_eq!(res.body["open_to_everyone"], true);

        // Not a manager, or a manager of another department: refused.
        let body = json!({"department_id": s.design, "name": "Logos"});
        s.designer.post("/api/v1/services", body.clone()).await.assert(StatusCode::FORBIDDEN);
        let marketing_manager = app.manager(s.marketing).await;
        marketing_manager.post("/api/v1/services", body.clone()).await.assert(StatusCode::FORBIDDEN);
        s.design_manager.post("/api/v1/services", body.clone()).await.assert(StatusCode::CREATED);
        let res = s.design_manager.post("/api/v1/services", body).await;
        res.assert(StatusCode::CONFLICT);
        assert!(res.field_error("name").is_some());

        let res = s.design_manager.patch(&format!("/api/v1/services/{}", s.service), json!({"description": "All graphics", "owner_id": s.designer.person_id})).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["owner_id"], s.designer.person_id);
        let res = s.design_manager.patch(&format!("/api/v1/services/{}", s.service), json!({"owner_id": s.requester.person_id})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("owner_id").is_some());
    }

    async fn bad_forms_are_refused_field_by_field(app: TestApp) {
        let s = app.scene().await;
        let res = s.design_manager.post("/api/v1/services", json!({
            "department_id": s.design, "name": "Broken",
            "fields": [
                {"key": "Size", "label": "Size", "type": "choice"},
                {"key": "size", "label": "", "type": "text", "options": ["a"]},
                {"key": "when", "label": "When", "type": "datetime"}
            ]
        })).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        // The unknown type is a shape error, found before the rest.
        assert!(res.field_error("fields[2].type").is_some(), "{}", res.body);
        let res = s.design_manager.post("/api/v1/services", json!({
            "department_id": s.design, "name": "Broken",
            "fields": [
                {"key": "Size", "label": "Size", "type": "choice"},
                {"key": "size", "label": "", "type": "text", "options": ["a"]},
                {"key": "size", "label": "Again", "type": "number"}
            ]
        })).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        for field in ["fields[0].key", "fields[0].options", "fields[1].label", "fields[1].options", "fields[2].key"] {
            assert!(res.field_error(field).is_some(), "{field}: {}", res.body);
        }
        let list = app.admin().get(&format!("/api/v1/services?department_id={}", s.design)).await;
        assert_eq!(list.ids(), vec![s.service], "nothing half written");
    }

    async fn services_open_to_listed_departments_only(app: TestApp) {
        let s = app.scene().await;
        let res = s.design_manager.post("/api/v1/services", json!({
            "department_id": s.design, "name": "Brand review",
            "open_to_everyone": false, "audience": [s.marketing]
        })).await;
        res.assert(StatusCode::CREATED);
        let restricted = res.id();
        assert_eq!(res.body["audience"], json!([s.marketing]));

        let res = s.outsider.get(&format!("/api/v1/services/{restricted}")).await;
        assert_eq!(res.body["requestable"], false);
        let res = s.outsider.post("/api/v1/requests", json!({"service_id": restricted, "subject": "Please"})).await;
        res.assert(StatusCode::FORBIDDEN);
        let res = s.requester.post("/api/v1/requests", json!({"service_id": restricted, "subject": "Please"})).await;
        res.assert(StatusCode::CREATED);

        let res = s.outsider.get("/api/v1/services?requestable=true").await;
        assert!(!res.ids().contains(&restricted));
        assert!(res.ids().contains(&s.service));
        let res = s.requester.get("/api/v1/services?requestable=true").await;
        assert!(res.ids().contains(&restricted));

        // Archived services take no requests.
        s.design_manager.patch(&format!("/api/v1/services/{restricted}"), json!({"active": false})).await.assert(StatusCode::OK);
        let res = s.requester.post("/api/v1/requests", json!({"service_id": restricted, "subject": "Again"})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("service_id").is_some());
    }
}

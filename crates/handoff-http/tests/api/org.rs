//! Departments and people.

use axum::http::StatusCode;
use handoff_domain::org::Role;
use serde_json::json;

use crate::support::{TestApp, both_engines};

both_engines! {
    async fn admins_create_departments_in_a_hierarchy(app: TestApp) {
        let admin = app.admin();
        let res = admin.post("/api/v1/departments", json!({"name": "Marketing", "handle": "marketing"})).await;
        res.assert(StatusCode::CREATED);
        let marketing = res.id();
        assert_eq!(res.body["handle"], "marketing");
        assert_eq!(res.body["parent_id"], serde_json::Value::Null);
        assert!(res.body["created_at"].as_str().unwrap().ends_with('Z'));

        let res = admin.post("/api/v1/departments", json!({"name": "Design", "handle": "design", "parent_id": marketing})).await;
        res.assert(StatusCode::CREATED);
        let design = res.id();
        assert_eq!(res.body["parent_id"], marketing);

        let res = admin.get(&format!("/api/v1/departments/{design}")).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["name"], "Design");

        // A loop is refused, and nothing changes.
        let res = admin.patch(&format!("/api/v1/departments/{marketing}"), json!({"parent_id": design})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("parent_id").unwrap().contains("ancestor"));
        let res = admin.get(&format!("/api/v1/departments/{marketing}")).await;
        assert_eq!(res.body["parent_id"], serde_json::Value::Null);

        let res = admin.patch(&format!("/api/v1/departments/{design}"), json!({"parent_id": null, "name": "Design Studio"})).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["parent_id"], serde_json::Value::Null);
        assert_eq!(res.body["name"], "Design Studio");
    }

    async fn department_input_is_checked(app: TestApp) {
        let admin = app.admin();
        let res = admin.post("/api/v1/departments", json!({"name": " ", "handle": "Bad Handle", "parent_id": 999999})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.error_code(), "validation_failed");
        assert_eq!(res.field_error("name"), Some("must not be empty"));
        assert!(res.field_error("handle").is_some());
        assert_eq!(res.field_error("parent_id"), Some("no such department"));

        let res = admin.post("/api/v1/departments", json!({"name": "IT again", "handle": "it"})).await;
        res.assert(StatusCode::CONFLICT);
        assert!(res.field_error("handle").is_some());

        let member = app.member(admin.department_id).await;
        let res = member.post("/api/v1/departments", json!({"name": "Shadow", "handle": "shadow"})).await;
        res.assert(StatusCode::FORBIDDEN);
        assert_eq!(res.error_code(), "forbidden");
        admin.get("/api/v1/departments/424242").await.assert(StatusCode::NOT_FOUND);
    }

    async fn departments_page_with_a_cursor(app: TestApp) {
        for i in 0..5 {
            app.department(&format!("dept{i}")).await;
        }
        let admin = app.admin();
        let mut seen = Vec::new();
        let mut path = "/api/v1/departments?limit=2".to_owned();
        loop {
            let res = admin.get(&path).await;
            res.assert(StatusCode::OK);
            seen.extend(res.ids());
            match res.body["next_cursor"].as_str() {
                Some(cursor) => path = format!("/api/v1/departments?limit=2&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!(seen.len(), 6);
        let mut sorted = seen.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, seen);
    }

    async fn people_have_unique_case_insensitive_emails(app: TestApp) {
        let admin = app.admin();
        let it = admin.department_id;
        let res = admin.post("/api/v1/people", json!({"name": "Ann Lee", "email": "Ann.Lee@Example.org", "department_id": it, "role": "manager"})).await;
        res.assert(StatusCode::CREATED);
        assert_eq!(res.body["email"], "ann.lee@example.org");
        assert_eq!(res.body["role"], "manager");
        assert_eq!(res.body["active"], true);

        let res = admin.post("/api/v1/people", json!({"name": "Ann Again", "email": "ANN.LEE@example.org", "department_id": it, "role": "member"})).await;
        res.assert(StatusCode::CONFLICT);
        assert!(res.field_error("email").is_some());

        let res = admin.post("/api/v1/people", json!({"name": "", "email": "nope", "department_id": 999999, "role": "member"})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("name").is_some());
        assert!(res.field_error("email").is_some());
        assert!(res.field_error("department_id").is_some());

        let res = admin.post("/api/v1/people", json!({"name": "X", "email": "x@example.org", "department_id": it, "role": "boss"})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("role").unwrap().contains("unknown variant"));

        let res = admin.get("/api/v1/people?q=ann").await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["items"].as_array().unwrap().len(), 1);
    }

    async fn people_in_use_are_deactivated_not_deleted(app: TestApp) {
        let admin = app.admin();
        let member = app.member(admin.department_id).await;
        // The member holds a token, so something refers to them.
        let res = admin.delete(&format!("/api/v1/people/{}", member.person_id)).await;
        res.assert(StatusCode::CONFLICT);
        assert_eq!(res.error_code(), "in_use");
        admin.get(&format!("/api/v1/people/{}", member.person_id)).await.assert(StatusCode::OK);

        let res = admin.post("/api/v1/people", json!({"name": "Temp", "email": "temp@example.org", "department_id": admin.department_id, "role": "member"})).await;
        let temp = res.id();
        admin.delete(&format!("/api/v1/people/{temp}")).await.assert(StatusCode::NO_CONTENT);
        admin.get(&format!("/api/v1/people/{temp}")).await.assert(StatusCode::NOT_FOUND);

        let res = admin.patch(&format!("/api/v1/people/{}", admin.person_id), json!({"active": false})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);

        let manager = app.person(admin.department_id, Role::Manager).await;
        let res = manager.patch(&format!("/api/v1/people/{}", member.person_id), json!({"role": "admin"})).await;
        res.assert(StatusCode::FORBIDDEN);
    }
}

//! Health, the OpenAPI document, authentication, and the error envelope.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::{TestApp, both_engines};

/// The document as a whole, so that any change to the contract shows in review.
#[tokio::test]
async fn the_openapi_document_is_the_contract() {
    let app = TestApp::new(handoff_store::Engine::Sqlite).await;
    let res = app.anonymous().get("/api/v1/openapi.json").await;
    res.assert(StatusCode::OK);
    insta::assert_json_snapshot!("openapi", res.body);
    app.cleanup().await;
}

both_engines! {
    async fn health_answers_when_the_database_does(app: TestApp) {
        let res = app.anonymous().get("/healthz").await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["status"], "ok");
    }

    async fn the_openapi_document_describes_every_resource(app: TestApp) {
        let res = app.anonymous().get("/api/v1/openapi.json").await;
        res.assert(StatusCode::OK);
        assert!(res.body["openapi"].as_str().unwrap().starts_with("3.1"));
        let paths = res.body["paths"].as_object().unwrap();
        for path in [
            "/api/v1/departments", "/api/v1/departments/{id}", "/api/v1/people",
            "/api/v1/people/{id}", "/api/v1/services", "/api/v1/services/{id}",
            "/api/v1/requests", "/api/v1/requests/{id}", "/api/v1/requests/{id}/comments",
            "/api/v1/requests/{id}/history", "/api/v1/requests/{id}/watchers",
            "/api/v1/requests/{id}/sla", "/api/v1/requests/{id}/transfer",
            "/api/v1/requests/{id}/stints", "/api/v1/requests/{id}/links",
            "/api/v1/services/{id}/sla", "/api/v1/calendars",
            "/api/v1/calendars/{id}", "/api/v1/calendars/{id}/holidays/import",
            "/api/v1/calendars/{id}/due", "/api/v1/notifications", "/api/v1/reports/sla",
            "/api/v1/reports/sla/breaches", "/api/v1/reports/handoffs", "/api/v1/jobs",
            "/api/v1/jobs/{id}/retry", "/api/v1/settings", "/api/v1/requests/{id}/rating",
            "/api/v1/ratings", "/api/v1/me/asks", "/api/v1/pulses", "/api/v1/pulses/{id}",
            "/api/v1/pulses/{id}/responses", "/api/v1/pulses/{id}/results", "/api/v1/concerns",
            "/api/v1/concerns/{id}", "/api/v1/concerns/{id}/answer", "/api/v1/kudos",
            "/api/v1/kudos/{id}/feature", "/api/v1/stories", "/api/v1/departments/{id}/digest",
            "/api/v1/dependencies", "/api/v1/dependencies/{id}", "/api/v1/dependencies/{id}/agree",
            "/api/v1/dependencies/{id}/retire", "/api/v1/people/{id}/internal-customers",
            "/api/v1/deliverables", "/api/v1/deliverables/{id}/occurrences",
            "/api/v1/occurrences/{id}", "/api/v1/occurrences/{id}/deliver",
            "/api/v1/occurrences/{id}/review", "/api/v1/deliverables/{id}/rates",
            "/api/v1/departments/{id}/deliverables.ics", "/api/v1/people/{id}/deliverables.ics",
        ] {
            assert!(paths.contains_key(path), "missing {path}");
        }
        assert!(res.body["components"]["schemas"]["RequestJson"].is_object());
        assert!(res.body["components"]["securitySchemes"]["bearer"].is_object());
    }

    async fn calls_without_a_valid_token_are_refused(app: TestApp) {
        let res = app.anonymous().get("/api/v1/requests").await;
        res.assert(StatusCode::UNAUTHORIZED);
        assert_eq!(res.error_code(), "unauthenticated");
        let res = app.with_token("hoff_nonsense").get("/api/v1/requests").await;
        res.assert(StatusCode::UNAUTHORIZED);
    }

    async fn revoked_tokens_and_deactivated_people_lose_access(app: TestApp) {
        let it = app.admin().department_id;
        let member = app.member(it).await;
        member.get("/api/v1/requests").await.assert(StatusCode::OK);
        handoff_store::tokens::revoke(&app.db, member.token.as_deref().unwrap(), jiff::Timestamp::now())
            .await
            .unwrap();
        // Revoked elsewhere (the CLI, another server): trusted until the cached answer expires.
        member.get("/api/v1/requests").await.assert(StatusCode::OK);
        app.clock.advance(handoff_http::TOKEN_TTL);
        member.get("/api/v1/requests").await.assert(StatusCode::UNAUTHORIZED);

        let other = app.member(it).await;
        other.get("/api/v1/requests").await.assert(StatusCode::OK);
        app.admin()
            .patch(&format!("/api/v1/people/{}", other.person_id), json!({"active": false}))
            .await
            .assert(StatusCode::OK);
        // Deactivated through this server: refused at once.
        other.get("/api/v1/requests").await.assert(StatusCode::UNAUTHORIZED);
    }

    async fn malformed_bodies_and_addresses_get_the_json_envelope(app: TestApp) {
        let admin = app.admin();
        let res = admin.raw(Method::POST, "/api/v1/departments", "{\"name\": ").await;
        res.assert(StatusCode::BAD_REQUEST);
        assert_eq!(res.error_code(), "malformed_json");
        let res = admin.raw(Method::POST, "/api/v1/departments", r#"{"name": "A", "handle": "ab"} trailing"#).await;
        res.assert(StatusCode::BAD_REQUEST);
        let res = admin.raw(Method::POST, "/api/v1/departments", "[]").await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        let res = admin.post("/api/v1/departments", json!({"name": 5, "handle": "ok"})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("name").unwrap().contains("expected a string"));
        let res = admin.post("/api/v1/departments", json!({"name": "X", "handle": "xx", "colour": 1})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("colour").unwrap().starts_with("unknown field"));
        let res = admin.post("/api/v1/departments", json!({"handle": "xx"})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.field_error("name"), Some("missing field `name`"));
        let res = admin.get("/api/v1/requests/not-a-number").await;
        res.assert(StatusCode::NOT_FOUND);
        assert_eq!(res.error_code(), "not_found");
        let res = admin.get("/api/v1/requests/99999999999999999999999").await;
        res.assert(StatusCode::NOT_FOUND);
        admin.get("/api/v1/nowhere").await.assert(StatusCode::NOT_FOUND);
        let res = admin.delete("/api/v1/requests").await;
        res.assert(StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(res.error_code(), "method_not_allowed");
        let res = admin.get("/api/v1/requests?bogus=1").await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("bogus").is_some());
        for limit in ["0", "201", "-1", "ten"] {
            let res = admin.get(&format!("/api/v1/requests?limit={limit}")).await;
            res.assert(StatusCode::UNPROCESSABLE_ENTITY);
            assert!(res.field_error("limit").is_some());
        }
    }
}

//! `GET /metrics` for Prometheus: behind a token on the main router, without one on a
//! listener of its own, absent when neither is asked for; requests counted under their
//! route's template, jobs and pools read when scraped, SLA alarms counted as raised.
//! One recorder serves the whole test process, so the tests look for lines, never for
//! counts.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use handoff_http::{AppState, Metrics};
use handoff_store::Engine;
use http_body_util::BodyExt;
use jiff::SignedDuration;
use serde_json::json;
use tower::ServiceExt;

use crate::support::{TestApp, both_engines, with_policy};

const TOKEN: &str = "metrics-token-for-tests-0123456789abcdef";

/// Whether a line of the text starts with `name{` and has every one of `labels`.
fn has_line(text: &str, name: &str, labels: &[&str]) -> bool {
    text.lines().any(|line| {
        line.strip_prefix(name)
            .is_some_and(|rest| rest.starts_with('{'))
            && labels.iter().all(|label| line.contains(label))
    })
}

/// A plain GET through `router`: status and text.
async fn get(router: &Router, path: &str) -> (StatusCode, String) {
    let request = Request::builder().uri(path).body(Body::empty()).unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

both_engines! {
    async fn metrics_are_served_to_the_bearer_of_the_metrics_token(app: TestApp) {
        let app = app.with_metrics(TOKEN);
        let s = app.scene().await;
        let id = app.file(&s.requester, s.service, "Banner").await;
        s.requester.get(&format!("/api/v1/requests/{id}")).await.assert(StatusCode::OK);
        s.requester.get("/api/v1/no-such-thing").await.assert(StatusCode::NOT_FOUND);

        // No token, a wrong one, an API token: refused, in the API's error envelope.
        for client in [app.anonymous(), app.with_token("wrong"), app.admin().clone()] {
            let res = client.get("/metrics").await;
            res.assert(StatusCode::UNAUTHORIZED);
            assert_eq!(res.error_code(), "unauthenticated");
        }

        let (status, content_type, text) = app.with_token(TOKEN).fetch("/metrics").await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let content_type = content_type.unwrap_or_default();
        assert!(content_type.starts_with("text/plain"), "{content_type}");
        assert!(text.contains("handoff_http_requests_total{"), "{text}");
        assert!(has_line(&text, "handoff_http_requests_total",
            &[r#"method="POST""#, r#"route="/api/v1/requests""#, r#"status="201""#]), "{text}");
        // The route's template, never the path with its id.
        assert!(has_line(&text, "handoff_http_requests_total",
            &[r#"method="GET""#, r#"route="/api/v1/requests/{id}""#, r#"status="200""#]), "{text}");
        assert!(!text.contains(&format!("route=\"/api/v1/requests/{id}\"")), "{text}");
        assert!(has_line(&text, "handoff_http_requests_total",
            &[r#"route="unmatched""#, r#"status="404""#]), "{text}");
        assert!(has_line(&text, "handoff_http_request_duration_seconds_bucket",
            &[r#"route="/api/v1/requests""#, r#"le="0.005""#]), "{text}");
        for state in ["queued", "running", "failed"] {
            assert!(text.contains(&format!("handoff_jobs{{state=\"{state}\"}}")), "{text}");
        }
        let pool = match app.db.engine() {
            Engine::Sqlite => "read",
            Engine::Postgres => "read_write",
        };
        for state in ["idle", "in_use"] {
            assert!(has_line(&text, "handoff_db_connections",
                &[&format!("pool=\"{pool}\""), &format!("state=\"{state}\"")]), "{text}");
        }
        // Not part of the JSON API.
        let document = app.anonymous().get("/api/v1/openapi.json").await;
        assert!(document.body["paths"].get("/metrics").is_none());
    }

    async fn sla_alarms_raised_are_counted_by_target_and_alarm(app: TestApp) {
        let app = app.with_metrics(TOKEN);
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 100, "calendar_time": true})).await;
        app.file(&s.requester, s.service, "Poster").await;
        app.clock.advance(SignedDuration::from_mins(300));
        let fired = app.work().await;
        assert_eq!(fired.len(), 3, "{fired:?}");

        let (status, _, text) = app.with_token(TOKEN).fetch("/metrics").await;
        assert_eq!(status, StatusCode::OK, "{text}");
        for alarm in ["warning_75", "warning_90", "breach"] {
            assert!(has_line(&text, "handoff_sla_alarms_raised_total",
                &[r#"target="first_response""#, &format!("alarm=\"{alarm}\"")]), "{text}");
        }
    }

    async fn without_a_token_or_a_listener_there_are_no_metrics(app: TestApp) {
        // An unknown page like any other, whoever asks.
        for client in [app.anonymous(), app.admin().clone(), app.with_token(TOKEN)] {
            let (status, _) = client.text("/metrics").await;
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
    }

    async fn a_listener_of_their_own_serves_metrics_without_a_token(app: TestApp) {
        let mut state = AppState::new(app.actions.clone());
        state.metrics = Some(Metrics::new(None));
        let main = handoff_http::router(state.clone());
        let separate = handoff_http::metrics_router(state);

        // The main router still counts requests, and does not serve /metrics.
        assert_eq!(get(&main, "/healthz").await.0, StatusCode::OK);
        assert_eq!(get(&main, "/metrics").await.0, StatusCode::NOT_FOUND);

        let (status, text) = get(&separate, "/metrics").await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert!(has_line(&text, "handoff_http_requests_total",
            &[r#"route="/healthz""#, r#"status="200""#]), "{text}");
        assert!(text.contains(r#"handoff_jobs{state="queued"}"#), "{text}");
        // Nothing else there.
        assert_eq!(get(&separate, "/healthz").await.0, StatusCode::NOT_FOUND);
    }
}

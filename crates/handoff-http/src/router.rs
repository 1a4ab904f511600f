//! The route table, top to bottom. Each API route's handler lives in `api/<resource>.rs`;
//! the pages' routes are in `pages/mod.rs`.

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::{
    calendars, comments, concerns, deliverables, departments, dependencies, digest, handoffs,
    health, history, jobs, kudos, liveness, me, notifications, people, pulses, ratings, reports,
    request_sla, requests, search, services, settings, sla, tokens, watchers,
};
use crate::error::ApiError;
use crate::openapi::ApiDoc;

/// Largest request body accepted, in bytes.
const BODY_LIMIT: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(liveness::healthz))
        .routes(routes!(departments::create, departments::list))
        .routes(routes!(departments::get, departments::update))
        .routes(routes!(people::create, people::list))
        .routes(routes!(people::get, people::update, people::delete))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(services::create, services::list))
        .routes(routes!(services::get, services::update))
        .routes(routes!(search::everything))
        .routes(routes!(sla::get, sla::put))
        .routes(routes!(calendars::create, calendars::list))
        .routes(routes!(calendars::get, calendars::update))
        .routes(routes!(calendars::import_holidays))
        .routes(routes!(calendars::due))
        .routes(routes!(requests::create, requests::list))
        .routes(routes!(requests::bulk))
        .routes(routes!(requests::get, requests::update))
        .routes(routes!(comments::create, comments::list))
        .routes(routes!(history::list))
        .routes(routes!(request_sla::get))
        .routes(routes!(handoffs::transfer))
        .routes(routes!(handoffs::stints))
        .routes(routes!(handoffs::link, handoffs::links))
        .routes(routes!(notifications::list))
        .routes(routes!(reports::sla))
        .routes(routes!(reports::breaches))
        .routes(routes!(handoffs::report))
        .routes(routes!(watchers::list, watchers::add))
        .routes(routes!(watchers::remove))
        .routes(routes!(settings::get, settings::patch))
        .routes(routes!(ratings::get, ratings::put))
        .routes(routes!(ratings::list))
        .routes(routes!(me::asks))
        .routes(routes!(crate::api::views::list, crate::api::views::create))
        .routes(routes!(crate::api::views::delete))
        .routes(routes!(pulses::start, pulses::list))
        .routes(routes!(pulses::get))
        .routes(routes!(pulses::close))
        .routes(routes!(pulses::respond))
        .routes(routes!(pulses::results))
        .routes(routes!(concerns::raise, concerns::list))
        .routes(routes!(concerns::get))
        .routes(routes!(concerns::acknowledge))
        .routes(routes!(concerns::answer))
        .routes(routes!(concerns::resolve))
        .routes(routes!(concerns::reopen))
        .routes(routes!(kudos::give, kudos::list))
        .routes(routes!(kudos::feature))
        .routes(routes!(kudos::stories))
        .routes(routes!(dependencies::propose, dependencies::list))
        .routes(routes!(dependencies::get, dependencies::amend))
        .routes(routes!(dependencies::agree))
        .routes(routes!(dependencies::retire))
        .routes(routes!(dependencies::internal_customers))
        .routes(routes!(deliverables::create, deliverables::list))
        .routes(routes!(health::matrix))
        .routes(routes!(health::weights, health::set_weights))
        .routes(routes!(health::pair))
        .routes(routes!(health::bottlenecks))
        .routes(routes!(health::map))
        .routes(routes!(health::map_svg))
        .routes(routes!(health::scorecard))
        .routes(routes!(deliverables::get))
        .routes(routes!(deliverables::occurrences))
        .routes(routes!(deliverables::rates))
        .routes(routes!(deliverables::pair_rates))
        .routes(routes!(deliverables::occurrence))
        .routes(routes!(deliverables::deliver))
        .routes(routes!(deliverables::review))
        .routes(routes!(deliverables::new_feed_key))
        .routes(routes!(deliverables::department_feed))
        .routes(routes!(deliverables::person_feed))
        .routes(routes!(digest::get))
        .routes(routes!(jobs::list))
        .routes(routes!(jobs::retry))
        .split_for_parts();
    let mut api = api;
    crate::openapi::add_error_answers(&mut api);
    let document = Arc::new(api);
    let metrics = state.metrics.as_ref();
    let mut router = router.route(
        "/api/v1/openapi.json",
        get(move || async move { Json(document.as_ref().clone()) }),
    );
    // For Prometheus, not an API client: kept out of the OpenAPI document (and so out of
    // the contract test that walks it).
    if metrics.is_some_and(|m| m.on_main_router()) {
        router = router.route("/metrics", get(crate::metrics::guarded));
    }
    let router = router
        .merge(crate::pages::routes())
        .fallback(|uri: axum::http::Uri| async move {
            if uri.path().starts_with("/api/") {
                ApiError::NotFound("route").into_response()
            } else {
                crate::pages::PageError::NotFound.into_response()
            }
        })
        .method_not_allowed_fallback(|uri: axum::http::Uri| async move {
            if !uri.path().starts_with("/api/") {
                return crate::pages::PageError::Rejected(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "this page cannot be used that way".to_owned(),
                )
                .into_response();
            }
            (StatusCode::METHOD_NOT_ALLOWED, Json(serde_json::json!({"error": {
                "code": "method_not_allowed", "message": "this method is not allowed here", "fields": {}}})))
                .into_response()
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(|_| ApiError::Internal.into_response()))
        .layer(TraceLayer::new_for_http());
    // Outermost, to count what the layers inside answer too (a panic's 500, a 413).
    let router = match metrics {
        Some(_) => router.layer(middleware::from_fn(crate::metrics::track)),
        None => router,
    };
    router.with_state(state)
}

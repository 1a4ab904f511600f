//! Handoff's HTTP edge: the JSON API under `/api/v1` and its OpenAPI document. Handlers
//! parse input into domain types, check permission, call named queries in
//! `handoff_store`, and shape the answer.

mod api;
mod auth;
/// Server-drawn SVG pictures: the department map and trend lines.
pub mod charts;
mod csv;
mod error;
mod extract;
mod metrics;
mod openapi;
mod pages;
mod router;

use std::sync::Arc;

use auth::TokenCache;
use handoff_app::App;

pub use auth::TOKEN_TTL;
pub use error::ApiError;
pub use metrics::{Metrics, metrics_router};
pub use router::router;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The actions, which every change goes through, with the database and the clock
    /// that reads use too.
    pub app: App,
    /// Marks the session cookie `Secure`: set when Handoff is served over HTTPS.
    pub secure_cookies: bool,
    /// `GET /metrics` and the request counts behind it; None (the default): off.
    pub metrics: Option<Metrics>,
    tokens: Arc<TokenCache>,
    /// Password checks running at once: each takes ~19 MiB and a core for tens of
    /// milliseconds, so a burst of sign-ins waits here instead of exhausting the server.
    password_checks: Arc<tokio::sync::Semaphore>,
    sign_in_failures: Arc<pages::Failures>,
}

impl AppState {
    pub fn new(app: App) -> Self {
        Self {
            app,
            secure_cookies: false,
            metrics: None,
            tokens: Arc::default(),
            sign_in_failures: Arc::default(),
            password_checks: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
        }
    }
}

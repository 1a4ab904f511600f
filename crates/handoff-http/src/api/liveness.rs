//! `GET /healthz`: 200 when the database answers, 503 when it does not.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiError;

#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, description = "The database answers"),
              (status = 503, description = "The database does not answer")))]
pub async fn healthz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.app.db.ping().await.map_err(|e| {
        tracing::warn!(error = %e, "health check failed");
        ApiError::Unavailable
    })?;
    Ok(Json(json!({"status": "ok"})))
}

//! `/api/v1/settings`: the organisation's feedback settings. Everyone reads them;
//! admins change them.

use axum::Json;
use axum::extract::State;
use handoff_domain::feedback::settings::{Settings, SettingsChange};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;

/// A change of some settings; what is absent stays.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    /// At least 3.
    pub anonymity_threshold: Option<i32>,
    pub rating_interval_days: Option<i32>,
    pub values: Option<Vec<String>>,
}

#[utoipa::path(get, path = "/api/v1/settings", tag = "feedback",
    responses((status = 200, body = Settings)))]
pub async fn get(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Settings>, ApiError> {
    Ok(Json(handoff_app::settings::get(&state.app).await?))
}

#[utoipa::path(patch, path = "/api/v1/settings", tag = "feedback", request_body = SettingsPatch,
    responses((status = 200, body = Settings), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn patch(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<SettingsPatch>,
) -> Result<Json<Settings>, ApiError> {
    let change = SettingsChange {
        anonymity_threshold: body.anonymity_threshold,
        rating_interval_days: body.rating_interval_days,
        values: body.values,
    };
    Ok(Json(
        handoff_app::settings::change(&state.app, &actor, change).await?,
    ))
}

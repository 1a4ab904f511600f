//! `/api/v1/people/{id}/tokens`: the API tokens a person holds. Each person creates,
//! names and revokes their own; administrators see anyone's and revoke them. A token's
//! value is in the answer to its creation only.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use handoff_store::tokens::TokenInfo;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::time;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};

#[derive(Serialize, ToSchema)]
pub struct TokenJson {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// When it stopped working; `null` while it works.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<Timestamp>,
}

impl From<TokenInfo> for TokenJson {
    fn from(t: TokenInfo) -> Self {
        TokenJson {
            id: t.id,
            person_id: t.person_id,
            name: t.name,
            created_at: time(t.created_at),
            revoked_at: t.revoked_at.map(time),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TokenList {
    pub items: Vec<TokenJson>,
}

#[derive(Serialize, ToSchema)]
pub struct NewTokenJson {
    #[serde(flatten)]
    pub info: TokenJson,
    /// The token itself, to send as `Authorization: Bearer TOKEN`. Shown this once:
    /// Handoff keeps only its digest.
    pub token: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    /// What the token is for, to recognise it later (1 to 100 characters).
    pub name: String,
}

/// The tokens a person holds
///
/// Live ones first, newest first. The caller's own, or anyone's for an administrator.
#[utoipa::path(get, path = "/api/v1/people/{id}/tokens",
    params(("id" = i64, Path)), tag = "people",
    responses((status = 200, body = TokenList), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TokenList>, ApiError> {
    let items = handoff_app::tokens::of(&state.app, &actor, id)
        .await?
        .into_iter()
        .map(TokenJson::from)
        .collect();
    Ok(Json(TokenList { items }))
}

/// Creates a token for the caller
///
/// The answer holds the token's value, shown this once. Nobody creates a token for
/// someone else (403): a token acts as its holder.
#[utoipa::path(post, path = "/api/v1/people/{id}/tokens",
    params(("id" = i64, Path)), tag = "people", request_body = CreateToken,
    responses((status = 201, body = NewTokenJson), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CreateToken>,
) -> Result<(StatusCode, Json<NewTokenJson>), ApiError> {
    let (info, token) = handoff_app::tokens::create(&state.app, &actor, id, &body.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(NewTokenJson {
            info: info.into(),
            token,
        }),
    ))
}

/// Revokes a token
///
/// It stops working at once on this server, within seconds on the others. Revoking a
/// revoked token changes nothing.
#[utoipa::path(delete, path = "/api/v1/people/{id}/tokens/{token_id}",
    params(("id" = i64, Path), ("token_id" = i64, Path)), tag = "people",
    responses((status = 200, body = TokenJson), (status = 404, body = crate::error::ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath((id, token_id)): ApiPath<(i64, i64)>,
) -> Result<Json<TokenJson>, ApiError> {
    let revoked = handoff_app::tokens::revoke(&state.app, &actor, id, token_id).await?;
    // This server forgets at once; the others within their cache's few seconds.
    state.tokens.clear();
    Ok(Json(revoked.into()))
}

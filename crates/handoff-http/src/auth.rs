//! Who is calling: the bearer token of `Authorization: Bearer TOKEN`, looked up by its
//! SHA-256 digest. Answers are kept for a few seconds per server, which saves a database
//! round trip on nearly every call; revoking a token or deactivating a person reaches
//! other servers within [`TOKEN_TTL`] (this server forgets at once when the change is
//! made through it).

use std::collections::HashMap;
use std::sync::Mutex;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use handoff_domain::access::Actor;
use jiff::{SignedDuration, Timestamp};

use crate::AppState;
use crate::error::ApiError;

/// How long a token's answer is trusted without asking the database again.
pub const TOKEN_TTL: SignedDuration = SignedDuration::from_secs(5);

/// Bounds the memory the cache can take; past it the cache starts afresh.
const MAX_ENTRIES: usize = 10_000;

/// The authenticated caller.
pub struct Caller(pub Actor);

/// Recent answers of the token table, by token digest.
#[derive(Default)]
pub struct TokenCache {
    entries: Mutex<HashMap<Vec<u8>, (Actor, Timestamp)>>,
}

impl TokenCache {
    fn get(&self, digest: &[u8], now: Timestamp) -> Option<Actor> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (actor, at) = entries.get(digest)?;
        (now.duration_since(*at) < TOKEN_TTL && *at <= now).then_some(*actor)
    }

    fn put(&self, digest: Vec<u8>, actor: Actor, now: Timestamp) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(digest, (actor, now));
    }

    /// Forgets everything, after a change to people that may affect who they are.
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        bearer(state, &parts.headers).await.map(Caller)
    }
}

/// The person whose bearer token the headers carry (also for routes that accept other
/// proofs besides, such as a calendar feed's secret).
pub async fn bearer(state: &AppState, headers: &HeaderMap) -> Result<Actor, ApiError> {
    let header = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(ApiError::Unauthenticated)?;
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::Unauthenticated)?;
    let digest = handoff_store::tokens::digest(token);
    let now = state.app.clock.now();
    if let Some(actor) = state.tokens.get(&digest, now) {
        return Ok(actor);
    }
    let actor = handoff_store::tokens::authenticate(&state.app.db, &digest)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    state.tokens.put(digest, actor, now);
    Ok(actor)
}

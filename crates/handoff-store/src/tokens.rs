//! API tokens: long random values handed out once, stored as their SHA-256 and looked
//! up by it, so that checking a token costs one indexed read and no password hashing.

use handoff_domain::access::Actor;
use handoff_domain::org::Role;
use jiff::Timestamp;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{Db, Result, StoreError, on_read, on_write, to_micros};

/// Every token starts with this, so that a leaked one is easy to recognise.
pub const PREFIX: &str = "hoff_";

pub fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// 32 random bytes in hex after `prefix`.
pub(crate) fn random_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let mut token = String::with_capacity(prefix.len() + 64);
    token.push_str(prefix);
    for b in bytes {
        token.push_str(&format!("{b:02x}"));
    }
    token
}

/// Creates a token for the person and returns it; only its digest is kept.
pub async fn create(db: &Db, person_id: i64, name: &str, now: Timestamp) -> Result<String> {
    Ok(issue(db, person_id, name, now).await?.1)
}

/// Revokes one token by its value.
pub async fn revoke(db: &Db, token: &str, now: Timestamp) -> Result<()> {
    let done = on_write!(db, |pool| sqlx::query(
        "UPDATE api_tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL"
    )
    .bind(digest(token))
    .bind(to_micros(now))
    .execute(pool)
    .await?
    .rows_affected());
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Revokes a person's live tokens, only those with `name` when given; returns how many.
pub async fn revoke_for(
    db: &Db,
    person_id: i64,
    name: Option<&str>,
    now: Timestamp,
) -> Result<u64> {
    let done = on_write!(db, |pool| sqlx::query(
        "UPDATE api_tokens SET revoked_at = $3 \
         WHERE person_id = $1 AND ($2 IS NULL OR name = $2) AND revoked_at IS NULL"
    )
    .bind(person_id)
    .bind(name)
    .bind(to_micros(now))
    .execute(pool)
    .await?
    .rows_affected());
    Ok(done)
}

#[derive(sqlx::FromRow)]
struct ActorRow {
    id: i64,
    department_id: i64,
    role: String,
}

/// The active person holding the live token whose [`digest`] this is.
pub async fn authenticate(db: &Db, digest: &[u8]) -> Result<Option<Actor>> {
    let row: Option<ActorRow> = on_read!(db, |pool| {
        sqlx::query_as(
        "SELECT p.id, p.department_id, p.role FROM api_tokens t JOIN people p ON p.id = t.person_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND p.active"
    )
    .bind(digest)
    .fetch_optional(pool)
    .await?
    });
    row.map(|r| {
        let role = Role::parse(&r.role).ok_or_else(|| StoreError::Corrupt(r.role.clone()))?;
        Ok(Actor {
            person_id: r.id,
            department_id: r.department_id,
            role,
        })
    })
    .transpose()
}

/// A token as its holder sees it: never its value.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenInfo {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// Creates a token for the person and returns it with its row; only its digest is kept.
pub async fn issue(
    db: &Db,
    person_id: i64,
    name: &str,
    now: Timestamp,
) -> Result<(TokenInfo, String)> {
    let token = random_secret(PREFIX);
    let info: TokenInfo = on_write!(db, |pool| {
        sqlx::query_as(
        "INSERT INTO api_tokens (person_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) \
         RETURNING id, person_id, name, created_at, revoked_at"
    )
    .bind(person_id)
    .bind(name)
    .bind(digest(&token))
    .bind(to_micros(now))
    .fetch_one(pool)
    .await?
    });
    Ok((info, token))
}

/// A person's tokens, live ones first, newest first within each.
pub async fn list_for(db: &Db, person_id: i64) -> Result<Vec<TokenInfo>> {
    Ok(on_read!(db, |pool| sqlx::query_as(
        "SELECT id, person_id, name, created_at, revoked_at FROM api_tokens WHERE person_id = $1 \
         ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC"
    )
    .bind(person_id)
    .fetch_all(pool)
    .await?))
}

/// Revokes the person's token `id`; `NotFound` when they hold no such token, and the
/// token unchanged when it was already revoked.
pub async fn revoke_id(db: &Db, person_id: i64, id: i64, now: Timestamp) -> Result<TokenInfo> {
    let found: Option<TokenInfo> = on_write!(db, |pool| sqlx::query_as(
        "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $3) \
         WHERE id = $1 AND person_id = $2 \
         RETURNING id, person_id, name, created_at, revoked_at"
    )
    .bind(id)
    .bind(person_id)
    .bind(to_micros(now))
    .fetch_optional(pool)
    .await?);
    found.ok_or(StoreError::NotFound)
}

//! The append-only history of every change to a request: who, when, what, from which
//! value to which.

use crate::{Db, Result, on_read};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub request_id: i64,
    /// None for changes made by Handoff itself (timers, later).
    pub actor_id: Option<i64>,
    pub at: i64,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// Entries about internal notes are shown only to those who may read them.
    pub internal: bool,
}

/// Binds: request id, actor id, at, field, old value, new value, internal.
pub(crate) const INSERT: &str = "INSERT INTO request_history \
     (request_id, actor_id, at, field, old_value, new_value, internal) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// One change to record.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub field: &'static str,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub internal: bool,
}

pub async fn list(
    db: &Db,
    request_id: i64,
    with_internal: bool,
    after: i64,
    limit: i64,
) -> Result<Vec<Entry>> {
    Ok(on_read!(db, |pool| sqlx::query_as(
        "SELECT id, request_id, actor_id, at, field, old_value, new_value, internal \
         FROM request_history WHERE request_id = $1 AND ($2 OR NOT internal) AND id > $3 \
         ORDER BY id LIMIT $4"
    )
    .bind(request_id)
    .bind(with_internal)
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?))
}

/// The newest `limit` entries of a request's history, oldest first (for pages).
pub async fn latest(
    db: &Db,
    request_id: i64,
    with_internal: bool,
    limit: i64,
) -> Result<Vec<Entry>> {
    Ok(on_read!(db, |pool| sqlx::query_as(
        "SELECT id, request_id, actor_id, at, field, old_value, new_value, internal FROM \
         (SELECT id, request_id, actor_id, at, field, old_value, new_value, internal \
          FROM request_history WHERE request_id = $1 AND ($2 OR NOT internal) \
          ORDER BY id DESC LIMIT $3) newest ORDER BY id"
    )
    .bind(request_id)
    .bind(with_internal)
    .bind(limit)
    .fetch_all(pool)
    .await?))
}

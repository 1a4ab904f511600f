//! Watchers: people who follow a request and may see it.

use crate::{Db, Result, Tx, on_read, on_tx};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Watcher {
    pub person_id: i64,
    pub added_by: i64,
    pub added_at: i64,
}

/// Adds a watcher inside the caller's transaction; adding one twice changes nothing.
/// Returns whether it was new.
pub async fn insert(
    tx: &mut Tx,
    request_id: i64,
    person_id: i64,
    by: i64,
    at: i64,
) -> Result<bool> {
    let done = on_tx!(tx, |conn| sqlx::query(
        "INSERT INTO request_watchers (request_id, person_id, added_by, added_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(request_id)
    .bind(person_id)
    .bind(by)
    .bind(at)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(done > 0)
}

/// Removes a watcher inside the caller's transaction; returns whether there was one.
pub async fn delete(tx: &mut Tx, request_id: i64, person_id: i64) -> Result<bool> {
    let done = on_tx!(tx, |conn| sqlx::query(
        "DELETE FROM request_watchers WHERE request_id = $1 AND person_id = $2"
    )
    .bind(request_id)
    .bind(person_id)
    .execute(conn)
    .await?
    .rows_affected());
    Ok(done > 0)
}

pub async fn list(db: &Db, request_id: i64) -> Result<Vec<Watcher>> {
    Ok(on_read!(db, |pool| sqlx::query_as(
        "SELECT person_id, added_by, added_at FROM request_watchers WHERE request_id = $1 \
         ORDER BY added_at, person_id"
    )
    .bind(request_id)
    .fetch_all(pool)
    .await?))
}

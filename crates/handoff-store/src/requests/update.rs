//! Changing a request inside a transaction: the caller (an action) locks the row, decides
//! with the domain's rules what the request becomes, and saves it with its events.

use sqlx::AssertSqlSafe;

use super::{COLUMNS, Request};
use crate::{Engine, Result, StoreError, Tx, on_tx, search};

/// Reads the request and holds it until the transaction ends (`FOR UPDATE` on
/// PostgreSQL; SQLite's write transaction already excludes every other writer), so that
/// the checks and the write see the same state even with several servers.
pub async fn lock(tx: &mut Tx, id: i64) -> Result<Request> {
    let lock = match tx.engine() {
        Engine::Sqlite => "",
        Engine::Postgres => " FOR UPDATE",
    };
    let select = format!("SELECT {COLUMNS} FROM requests WHERE id = $1{lock}");
    let found: Option<Request> = on_tx!(tx, |conn| sqlx::query_as(AssertSqlSafe(select))
        .bind(id)
        .fetch_optional(conn)
        .await?);
    found.ok_or(StoreError::NotFound)
}

/// Writes what an action may change of a request: status, assignee, priority, subject,
/// description and the times of its moves; reindexes its text when that changed from
/// `before`.
pub async fn save(tx: &mut Tx, before: &Request, after: &Request) -> Result<Request> {
    let update = format!(
        "UPDATE requests SET status = $2, assignee_id = $3, priority = $4, subject = $5, \
         description = $6, updated_at = $7, resolved_at = $8, closed_at = $9 \
         WHERE id = $1 RETURNING {COLUMNS}"
    );
    let saved: Request = on_tx!(tx, |conn| sqlx::query_as(AssertSqlSafe(update.as_str()))
        .bind(after.id)
        .bind(&after.status)
        .bind(after.assignee_id)
        .bind(after.priority)
        .bind(&after.subject)
        .bind(&after.description)
        .bind(after.updated_at)
        .bind(after.resolved_at)
        .bind(after.closed_at)
        .fetch_one(conn)
        .await?);
    if saved.subject != before.subject || saved.description != before.description {
        let reindex = search::replace_sql(tx.engine());
        on_tx!(tx, |conn| sqlx::query(reindex)
            .bind(search::request_key(saved.id))
            .bind(search::request_text(&saved.subject, &saved.description))
            .execute(conn)
            .await?
            .rows_affected());
    }
    Ok(saved)
}

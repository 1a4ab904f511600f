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
/// description, the times of its moves, and what a transfer changes (service, holder,
/// form values, stint); reindexes its text when that changed from `before`. A request
/// becomes confidential when its service is (read here, so that a service turning
/// confidential meanwhile is seen), and what was confidential stays so.
pub async fn save(tx: &mut Tx, before: &Request, after: &Request) -> Result<Request> {
    let update = format!(
        "UPDATE requests SET status = $2, assignee_id = $3, priority = $4, subject = $5, \
         description = $6, updated_at = $7, resolved_at = $8, closed_at = $9, \
         service_id = $10, provider_department_id = $11, fields = $12, transfers = $13, \
         ping_pong = $14, stint_started_at = $15, first_response_at = $16, \
         confidential = ($17 OR (SELECT confidential FROM services WHERE id = $10)) \
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
        .bind(after.service_id)
        .bind(after.provider_department_id)
        .bind(&after.fields)
        .bind(after.transfers)
        .bind(after.ping_pong)
        .bind(after.stint_started_at)
        .bind(after.first_response_at)
        .bind(after.confidential)
        .fetch_one(conn)
        .await?);
    super::pressing::keep(tx, before, &saved).await?;
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

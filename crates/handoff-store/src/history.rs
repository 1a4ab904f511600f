//! The append-only history of a request: every event, who caused it (`None`: Handoff
//! itself) and when. Events are written by [`crate::Tx::record`]; this module reads them.

use handoff_domain::request::RequestEvent;

use crate::{Db, Result, StoreError, on_read};

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub request_id: i64,
    /// None for what Handoff did itself (clocks, alarms).
    pub actor_id: Option<i64>,
    pub at: i64,
    pub event: RequestEvent,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    request_id: i64,
    actor_id: Option<i64>,
    at: i64,
    kind: String,
    payload: String,
}

impl Row {
    fn decode(self) -> Result<Entry> {
        let event = RequestEvent::from_parts(&self.kind, &self.payload)
            .map_err(|e| StoreError::Corrupt(format!("history entry {}: {e}", self.id)))?;
        Ok(Entry {
            id: self.id,
            request_id: self.request_id,
            actor_id: self.actor_id,
            at: self.at,
            event,
        })
    }
}

fn decode(rows: Vec<Row>) -> Result<Vec<Entry>> {
    rows.into_iter().map(Row::decode).collect()
}

/// A request's entries after id `after`, up to the instant `until` (microseconds; a
/// former holder reads up to the end of its stint), internal ones only `with_internal`.
pub async fn list(
    db: &Db,
    request_id: i64,
    with_internal: bool,
    until: Option<i64>,
    after: i64,
    limit: i64,
) -> Result<Vec<Entry>> {
    decode(on_read!(db, |pool| sqlx::query_as(
        "SELECT id, request_id, actor_id, at, kind, payload \
         FROM request_history WHERE request_id = $1 AND ($2 OR NOT internal) AND id > $3 \
         AND at <= $5 ORDER BY id LIMIT $4"
    )
    .bind(request_id)
    .bind(with_internal)
    .bind(after)
    .bind(limit)
    .bind(until.unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await?))
}

/// The newest `limit` entries of a request's history up to `until`, oldest first (for
/// pages).
pub async fn latest(
    db: &Db,
    request_id: i64,
    with_internal: bool,
    until: Option<i64>,
    limit: i64,
) -> Result<Vec<Entry>> {
    decode(on_read!(db, |pool| sqlx::query_as(
        "SELECT id, request_id, actor_id, at, kind, payload FROM \
         (SELECT id, request_id, actor_id, at, kind, payload \
          FROM request_history WHERE request_id = $1 AND ($2 OR NOT internal) AND at <= $4 \
          ORDER BY id DESC LIMIT $3) newest ORDER BY id"
    )
    .bind(request_id)
    .bind(with_internal)
    .bind(limit)
    .bind(until.unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await?))
}

/// The events of a request's SLA clocks, oldest first: when each started, paused,
/// resumed, stopped, warned and breached.
pub async fn of_clocks(db: &Db, request_id: i64) -> Result<Vec<Entry>> {
    let kinds: Vec<&str> = RequestEvent::KINDS
        .into_iter()
        .filter(|k| k.starts_with("clock_") || k.starts_with("sla_") || *k == "warning_missed")
        .collect();
    of_kinds(db, request_id, &kinds).await
}

/// What decides whether a request was in its holder's hands, oldest first: its filing,
/// status moves and waits on linked requests.
pub async fn of_holding(db: &Db, request_id: i64) -> Result<Vec<Entry>> {
    of_kinds(
        db,
        request_id,
        &[
            "filed",
            "status_changed",
            "link_wait_started",
            "links_resolved",
        ],
    )
    .await
}

/// The events of some kinds of a request, oldest first.
async fn of_kinds(db: &Db, request_id: i64, kinds: &[&str]) -> Result<Vec<Entry>> {
    of_many(db, &[request_id], kinds).await
}

/// The events of some kinds of each of `requests`, by request, each's oldest first.
pub async fn of_many(db: &Db, requests: &[i64], kinds: &[&str]) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for chunk in requests.chunks(500) {
        let mut sql = crate::sql::Sql::new(
            "SELECT id, request_id, actor_id, at, kind, payload FROM request_history \
             WHERE request_id IN ",
        );
        sql.ints(chunk)
            .push(" AND kind IN ")
            .list(kinds, |sql, kind| {
                sql.text(kind);
            })
            .push(" ORDER BY request_id, id");
        entries.extend(decode(on_read!(db, |pool| crate::sql::bind_all!(
            sqlx::query_as(sqlx::AssertSqlSafe(sql.text)),
            &sql.params
        )
        .fetch_all(pool)
        .await?))?);
    }
    Ok(entries)
}

/// The kinds of the events that start, pause, resume, restart and stop clocks.
pub const CLOCK_MOVES: [&str; 5] = [
    "clock_started",
    "clock_paused",
    "clock_resumed",
    "clock_restarted",
    "clock_stopped",
];

/// The kinds of the events that say who had a request and whether it was open: its
/// filing, status moves and transfers (not to be confused with [`of_holding`], which
/// reads the holder's own stretches, link waits included).
pub const CUSTODY: [&str; 3] = ["filed", "status_changed", "transferred"];

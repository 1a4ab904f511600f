//! What presses on a person or a queue: their active requests, those with a running SLA
//! clock first, the soonest due first (so the overdue ones lead), then the others
//! (paused, stopped or without an SLA) newest first.
//!
//! Every active request has a row in `open_requests` (migration `0013_pressing`) with
//! its holder, assignee and `pressing_at`, the due time of its earliest running clock,
//! kept in the same transaction as the request ([`keep`], from `requests::save`) and its
//! clocks ([`RefreshPressing`], wherever clocks are written: filing, a clock's move, a
//! transfer, a recompute, a bulk load ([`crate::bulk`])). The lists are read from its indexes
//! in that order, so that a person with thousands of open requests costs what one with
//! ten does: the rows shown and a count that stops at its cap.

use handoff_domain::access::Actor;
use handoff_domain::request::Status;
use handoff_domain::sla::Phase;
use sqlx::AssertSqlSafe;

use super::list::push_visible;
use super::{R_COLUMNS, Request};
use crate::sql::{Sql, bind_all};
use crate::{Db, Result, Tx, on_read, on_tx};

/// Writes `open_requests` rows from requests and their clocks as they stand in the
/// transaction, each in one statement of the same text whatever the ids. The earliest
/// due time is taken by grouping, never as `min()` over one request's clocks: both
/// engines would answer that from the index of all running clocks by due time, scanning
/// it for the request's own (seconds a statement at 100,000 requests).
pub(crate) trait RefreshPressing {
    /// Sets `pressing_at` of these open requests from their clocks.
    async fn refresh_pressing(&mut self, ids: &[i64]) -> Result<()>;
    /// Adds the rows of these requests, just written, that are active.
    async fn open_requests(&mut self, ids: &[i64]) -> Result<()>;
}

/// The two statements of [`RefreshPressing`], `$ids` naming the ids as a table `i (id)`.
macro_rules! statements {
    ($ids:literal) => {
        (
            concat!(
                "UPDATE open_requests SET pressing_at = p.due FROM (SELECT i.id, \
                 min(c.due_at) AS due FROM ",
                $ids,
                " LEFT JOIN request_slas c ON c.request_id = i.id AND c.stopped_at IS NULL \
                 AND c.running_since IS NOT NULL GROUP BY i.id) AS p \
                 WHERE open_requests.request_id = p.id"
            ),
            concat!(
                "INSERT INTO open_requests (request_id, provider_department_id, assignee_id, \
                 created_at) SELECT r.id, r.provider_department_id, r.assignee_id, \
                 r.created_at FROM ",
                $ids,
                " JOIN requests r ON r.id = i.id WHERE r.status NOT IN ('resolved', 'closed')"
            ),
        )
    };
}

const SQLITE: (&str, &str) = statements!("(SELECT value AS id FROM json_each($1)) AS i");
const POSTGRES: (&str, &str) = statements!("unnest($1::bigint[]) AS i (id)");

impl RefreshPressing for sqlx::SqliteConnection {
    async fn refresh_pressing(&mut self, ids: &[i64]) -> Result<()> {
        if !ids.is_empty() {
            sqlx::query(SQLITE.0)
                .bind(json_ids(ids)?)
                .execute(self)
                .await?;
        }
        Ok(())
    }

    async fn open_requests(&mut self, ids: &[i64]) -> Result<()> {
        if !ids.is_empty() {
            sqlx::query(SQLITE.1)
                .bind(json_ids(ids)?)
                .execute(&mut *self)
                .await?;
            self.refresh_pressing(ids).await?;
        }
        Ok(())
    }
}

impl RefreshPressing for sqlx::PgConnection {
    async fn refresh_pressing(&mut self, ids: &[i64]) -> Result<()> {
        if !ids.is_empty() {
            sqlx::query(POSTGRES.0).bind(ids).execute(self).await?;
        }
        Ok(())
    }

    async fn open_requests(&mut self, ids: &[i64]) -> Result<()> {
        if !ids.is_empty() {
            sqlx::query(POSTGRES.1)
                .bind(ids)
                .execute(&mut *self)
                .await?;
            self.refresh_pressing(ids).await?;
        }
        Ok(())
    }
}

/// A request just filed, as its `open_requests` row: id, holder, creation time and its
/// clocks, from which `pressing_at` is taken as [`RefreshPressing`] takes it.
pub(crate) struct Filed<'a> {
    pub id: i64,
    pub provider_department_id: i64,
    pub created_at: i64,
    pub clocks: &'a [crate::slas::StoredClock],
}

impl Filed<'_> {
    /// The due time of the earliest running clock.
    fn pressing_at(&self) -> Option<i64> {
        self.clocks
            .iter()
            .map(|s| &s.clock)
            .filter(|c| c.phase() == Phase::Running)
            .filter_map(|c| c.due_at)
            .min()
            .map(crate::to_micros)
    }
}

/// Adds the rows of requests just filed (active, unassigned) from what the filing
/// wrote, without reading it back: one statement for the batch.
pub(crate) async fn add_filed(tx: &mut Tx, filed: &[Filed<'_>]) -> Result<()> {
    if filed.is_empty() {
        return Ok(());
    }
    on_tx!(tx, |conn| {
        let mut insert = sqlx::QueryBuilder::new(
            "INSERT INTO open_requests (request_id, provider_department_id, assignee_id, \
             created_at, pressing_at) ",
        );
        insert.push_values(filed, |mut b, f| {
            b.push_bind(f.id)
                .push_bind(f.provider_department_id)
                .push("NULL")
                .push_bind(f.created_at)
                .push_bind(f.pressing_at());
        });
        insert.build().execute(&mut *conn).await?.rows_affected()
    });
    Ok(())
}

fn json_ids(ids: &[i64]) -> Result<String> {
    serde_json::to_string(ids).map_err(|e| crate::StoreError::Corrupt(format!("request ids: {e}")))
}

/// Keeps `after`'s row in `open_requests` as a change saved it: added or rewritten
/// while it is active (its clocks may have moved in the same transaction, before or
/// after), removed once it is resolved or closed. Nothing is written when neither its
/// activity, holder nor assignee changed from `before`.
pub(crate) async fn keep(tx: &mut Tx, before: &Request, after: &Request) -> Result<()> {
    let active = |r: &Request| r.status().map(Status::is_active);
    let (was, is) = (active(before)?, active(after)?);
    if was == is
        && before.assignee_id == after.assignee_id
        && before.provider_department_id == after.provider_department_id
    {
        return Ok(());
    }
    if !is {
        on_tx!(tx, |conn| sqlx::query(
            "DELETE FROM open_requests WHERE request_id = $1"
        )
        .bind(after.id)
        .execute(conn)
        .await?
        .rows_affected());
        return Ok(());
    }
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO open_requests (request_id, provider_department_id, assignee_id, \
             created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (request_id) DO UPDATE SET \
             provider_department_id = excluded.provider_department_id, \
             assignee_id = excluded.assignee_id",
        )
        .bind(after.id)
        .bind(after.provider_department_id)
        .bind(after.assignee_id)
        .bind(after.created_at)
        .execute(&mut *conn)
        .await?;
        conn.refresh_pressing(&[after.id]).await?;
    });
    Ok(())
}

/// Whose pressing requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    /// Assigned to this person.
    AssignedTo(i64),
    /// This department's, assigned to no one.
    Unassigned(i64),
}

/// The first requests of a pressing list and how many it holds in all, up to a cap.
#[derive(Debug)]
pub struct Pressing {
    pub items: Vec<Request>,
    /// How many there are, counted up to the cap given and one more.
    pub count: i64,
}

/// The `shown` most pressing active requests of `whose` that `viewer` may see, in the
/// order of this module's description, and how many there are, counted up to
/// `cap + 1` (more than `cap` reads as "cap and more").
pub async fn pressing(
    db: &Db,
    viewer: &Actor,
    whose: Whose,
    shown: i64,
    cap: i64,
) -> Result<Pressing> {
    // A department's own queue is visible to its people: the test is left out there, so
    // that the count reads the index only.
    let visible_to_all = whose == Whose::Unassigned(viewer.department_id);
    // `SELECT select FROM` the open requests of `whose` the viewer may see; joined to
    // their requests when `rows` (or to test visibility).
    let from = |sql: &mut Sql, select: &str, rows: bool| {
        sql.push(select).push(" FROM open_requests o");
        if rows || !visible_to_all {
            sql.push(" JOIN requests r ON r.id = o.request_id");
        }
        sql.push(" WHERE ");
        if !visible_to_all {
            push_visible(sql, viewer);
            sql.push(" AND ");
        }
        match whose {
            Whose::AssignedTo(person) => {
                sql.push("o.assignee_id = ").int(person);
            }
            Whose::Unassigned(department) => {
                sql.push("o.provider_department_id = ").int(department);
                sql.push(" AND o.assignee_id IS NULL");
            }
        }
    };
    let columns = format!("SELECT {}", *R_COLUMNS);
    // Those with a running clock, soonest due first.
    let mut sql = Sql::new("");
    from(&mut sql, &columns, true);
    sql.push(
        " AND o.pressing_at IS NOT NULL \
         ORDER BY o.pressing_at, o.created_at, o.request_id LIMIT ",
    )
    .int(shown);
    let mut items = fetch(db, sql).await?;
    // Then the others, newest first.
    if (items.len() as i64) < shown {
        let mut sql = Sql::new("");
        from(&mut sql, &columns, true);
        sql.push(
            " AND o.pressing_at IS NULL \
             ORDER BY o.created_at DESC, o.request_id DESC LIMIT ",
        )
        .int(shown - items.len() as i64);
        items.extend(fetch(db, sql).await?);
    }
    let mut sql = Sql::new("SELECT count(*) FROM (");
    from(&mut sql, "SELECT 1", false);
    sql.push(" LIMIT ").int(cap + 1).push(") AS counted");
    let count: i64 = on_read!(db, |pool| bind_all!(
        sqlx::query_scalar(AssertSqlSafe(sql.text)),
        &sql.params
    )
    .fetch_one(pool)
    .await?);
    Ok(Pressing { items, count })
}

/// How many of `requester`'s own requests are in `status`, counted up to `cap + 1`. A
/// requester sees their own requests, so only the index is read.
pub async fn count_own(db: &Db, requester: i64, status: Status, cap: i64) -> Result<i64> {
    Ok(on_read!(db, |pool| sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT 1 FROM requests \
         WHERE requester_id = $1 AND status = $2 LIMIT $3) AS counted"
    )
    .bind(requester)
    .bind(status.as_str())
    .bind(cap + 1)
    .fetch_one(pool)
    .await?))
}

async fn fetch(db: &Db, sql: Sql) -> Result<Vec<Request>> {
    Ok(on_read!(db, |pool| bind_all!(
        sqlx::query_as(AssertSqlSafe(sql.text)),
        &sql.params
    )
    .fetch_all(pool)
    .await?))
}

/// The requests whose row in `open_requests` is not what the request and its clocks
/// say (missing, left over, another holder or assignee, another earliest due time), by
/// id: none, unless a write path forgot [`keep`] or [`RefreshPressing`]. For tests and
/// consistency checks.
pub async fn stale(db: &Db) -> Result<Vec<i64>> {
    let differs = match db.engine() {
        crate::Engine::Sqlite => "IS NOT",
        crate::Engine::Postgres => "IS DISTINCT FROM",
    };
    let sql = format!(
        "SELECT coalesce(r.id, o.request_id) AS id FROM (SELECT * FROM requests \
         WHERE status NOT IN ('resolved', 'closed')) AS r \
         FULL JOIN open_requests o ON o.request_id = r.id \
         LEFT JOIN (SELECT request_id, min(due_at) AS due FROM request_slas \
         WHERE stopped_at IS NULL AND running_since IS NOT NULL GROUP BY request_id) AS p \
         ON p.request_id = r.id \
         WHERE r.id IS NULL OR o.request_id IS NULL \
         OR o.provider_department_id <> r.provider_department_id \
         OR o.assignee_id {differs} r.assignee_id OR o.created_at <> r.created_at \
         OR o.pressing_at {differs} p.due ORDER BY 1"
    );
    Ok(on_read!(db, |pool| sqlx::query_scalar(AssertSqlSafe(sql))
        .fetch_all(pool)
        .await?))
}

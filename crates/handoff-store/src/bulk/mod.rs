//! Bulk loading: an organisation and its requests written fast into an empty database,
//! for the demo and for measurements. Ids are assigned by the caller rather than by the
//! database (from the [`Bases`] that [`start`] reads), and rows go in as multi-row
//! inserts, a chunk of requests per transaction, so that a million requests take
//! minutes, not hours. Each table is written as the application writes it: events as
//! [`Tx::record`] does, clocks as [`Tx::write_clocks`] does, search pieces as
//! [`crate::search`] keys them. [`finish`] makes the database ready for the application.

mod rows;
#[cfg(test)]
mod tests;

use sqlx::query_builder::Separated;
use sqlx::{Connection, Database, Executor, IntoArguments, QueryBuilder};

pub use self::rows::{
    Chunk, DepartmentRow, OrgRows, PersonRow, RequestRow, SearchRow, ServiceRow, WatcherRow,
};
use crate::requests::pressing::RefreshPressing;
use crate::{Db, Engine, Result, Tx, on_tx, search, services, slas};

/// The first id each table's new rows take is one above these.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bases {
    pub departments: i64,
    pub people: i64,
    pub services: i64,
    pub requests: i64,
    pub comments: i64,
    pub history: i64,
}

/// The tables whose ids a bulk load assigns.
const TABLES: [&str; 6] = [
    "departments",
    "people",
    "services",
    "requests",
    "comments",
    "request_history",
];

/// Rows per INSERT statement at most (fewer where the bind limit requires). Full
/// statements all have the same text, so each engine prepares them once.
const ROWS_PER_STATEMENT: usize = 2000;

/// A database with departments is in use: a bulk load leaves it alone.
const ANY_DEPARTMENT: &str = "SELECT EXISTS (SELECT 1 FROM departments)";

/// The ids to start from, or `None` when the database already has departments. Check
/// and organisation belong in one transaction: two loads at once cannot both see an
/// empty database and both write (the second fails on the unique department handles
/// at worst).
pub async fn start(tx: &mut Tx) -> Result<Option<Bases>> {
    on_tx!(tx, |conn| {
        let any: bool = sqlx::query_scalar(ANY_DEPARTMENT)
            .fetch_one(&mut *conn)
            .await?;
        if any {
            return Ok(None);
        }
        let mut bases = Bases::default();
        for (table, base) in TABLES.into_iter().zip([
            &mut bases.departments,
            &mut bases.people,
            &mut bases.services,
            &mut bases.requests,
            &mut bases.comments,
            &mut bases.history,
        ]) {
            let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
            *base = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(&mut *conn)
                .await?;
        }
        Ok(Some(bases))
    })
}

/// Writes the organisation: departments, people, services and their audiences.
pub async fn insert_org(tx: &mut Tx, org: &OrgRows) -> Result<()> {
    let engine = tx.engine();
    let at = org.created_at;
    let audience: Vec<(i64, i64)> = org
        .services
        .iter()
        .flat_map(|s| s.audience.iter().map(|&d| (s.id, d)))
        .collect();
    on_tx!(tx, |conn| {
        insert_rows(
            conn,
            engine,
            "INSERT INTO departments (id, name, handle, parent_id, created_at) ",
            5,
            &org.departments,
            |mut row, d| {
                row.push_bind(d.id)
                    .push_bind(d.name.as_str())
                    .push_bind(d.handle.as_str())
                    .push_bind(d.parent_id)
                    .push_bind(at);
            },
        )
        .await?;
        insert_rows(
            conn,
            engine,
            "INSERT INTO people (id, name, email, department_id, role, active, created_at) ",
            7,
            &org.people,
            |mut row, p| {
                row.push_bind(p.id)
                    .push_bind(p.name.as_str())
                    .push_bind(p.email.as_str())
                    .push_bind(p.department_id)
                    .push_bind(p.role.as_str())
                    .push_bind(true)
                    .push_bind(at);
            },
        )
        .await?;
        insert_rows(
            conn,
            engine,
            "INSERT INTO services (id, department_id, name, description, owner_id, \
             open_to_everyone, confidential, active, fields, created_at, updated_at) ",
            11,
            &org.services,
            |mut row, s| {
                row.push_bind(s.id)
                    .push_bind(s.department_id)
                    .push_bind(s.name.as_str())
                    .push_bind(s.description.as_str())
                    .push_bind(s.owner_id)
                    .push_bind(s.open_to_everyone)
                    .push_bind(s.confidential)
                    .push_bind(true)
                    .push_bind(services::fields_json(&s.fields))
                    .push_bind(at)
                    .push_bind(at);
            },
        )
        .await?;
        insert_rows(
            conn,
            engine,
            "INSERT INTO service_audience (service_id, department_id) ",
            2,
            &audience,
            |mut row, &(service, department)| {
                row.push_bind(service).push_bind(department);
            },
        )
        .await?;
    });
    Ok(())
}

/// Writes one chunk of requests with everything that belongs to them, and lists the
/// open ones among the open requests.
pub async fn insert_chunk(tx: &mut Tx, chunk: &Chunk) -> Result<()> {
    let engine = tx.engine();
    let ids: Vec<i64> = chunk.requests.iter().map(|r| r.id).collect();
    on_tx!(tx, |conn| {
        insert_rows(
            conn,
            engine,
            "INSERT INTO requests (id, service_id, provider_department_id, requester_id, \
             requester_department_id, confidential, subject, description, priority, status, \
             assignee_id, fields, created_at, updated_at, resolved_at, closed_at) ",
            16,
            &chunk.requests,
            |mut row, r| {
                row.push_bind(r.id)
                    .push_bind(r.service_id)
                    .push_bind(r.provider_department_id)
                    .push_bind(r.requester_id)
                    .push_bind(r.requester_department_id)
                    .push_bind(r.confidential)
                    .push_bind(r.subject.as_str())
                    .push_bind(r.description.as_str())
                    .push_bind(r.priority)
                    .push_bind(r.status.as_str())
                    .push_bind(r.assignee_id)
                    .push_bind(r.fields.as_str())
                    .push_bind(r.created_at)
                    .push_bind(r.updated_at)
                    .push_bind(r.resolved_at)
                    .push_bind(r.closed_at);
            },
        )
        .await?;
        insert_rows(
            conn,
            engine,
            "INSERT INTO comments (id, request_id, author_id, body, internal, created_at) ",
            6,
            &chunk.comments,
            |mut row, c| {
                row.push_bind(c.id)
                    .push_bind(c.request_id)
                    .push_bind(c.author_id)
                    .push_bind(c.body.as_str())
                    .push_bind(c.internal)
                    .push_bind(c.created_at);
            },
        )
        .await?;
        insert_rows(
            conn,
            engine,
            "INSERT INTO request_history (id, request_id, actor_id, at, kind, payload, internal) ",
            7,
            &chunk.history,
            |mut row, h| {
                row.push_bind(h.id)
                    .push_bind(h.request_id)
                    .push_bind(h.actor_id)
                    .push_bind(h.at)
                    .push_bind(h.event.kind())
                    .push_bind(h.event.payload_text())
                    .push_bind(h.event.internal());
            },
        )
        .await?;
        insert_rows(
            conn,
            engine,
            "INSERT INTO request_watchers (request_id, person_id, added_by, added_at) ",
            4,
            &chunk.watchers,
            |mut row, w| {
                row.push_bind(w.request_id)
                    .push_bind(w.person_id)
                    .push_bind(w.added_by)
                    .push_bind(w.added_at);
            },
        )
        .await?;
        insert_rows(
            conn,
            engine,
            slas::INSERT_CLOCKS,
            14,
            &chunk.clocks,
            |mut row, (id, stored)| {
                slas::push_clock!(row, *id, stored);
            },
        )
        .await?;
        insert_rows(
            conn,
            engine,
            search::insert_rows_sql(engine),
            2,
            &chunk.search,
            |mut row, s| {
                row.push_bind(s.key);
                search::push_text(&mut row, engine, s.text.as_str());
            },
        )
        .await?;
        conn.open_requests(&ids).await?;
    });
    Ok(())
}

/// Makes a loaded database ready for the application; also after a failed load, so that
/// what was written stays usable.
pub async fn finish(db: &Db) -> Result<()> {
    match db {
        Db::Postgres { pool, .. } => {
            // Identity columns do not notice explicit ids: move each sequence past them,
            // or the application's next insert would collide.
            for table in TABLES {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table} \
                     HAVING MAX(id) IS NOT NULL"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql)).execute(pool).await?;
            }
            // The planner knows nothing of a bulk load until autovacuum gets to it;
            // without statistics it sorts every search match instead of walking the
            // newest first (measured: search p95 1.8 s before, single milliseconds
            // after, at 1M requests).
            sqlx::query("ANALYZE").execute(pool).await?;
        }
        Db::Sqlite { write, .. } => {
            // The load left the full-text index in many segments, which FTS5 would
            // otherwise merge while the first real requests are filed; merge them now.
            sqlx::query("INSERT INTO request_search (request_search) VALUES ('optimize')")
                .execute(write)
                .await?;
        }
    }
    Ok(())
}

/// The most bind parameters one statement may carry.
fn bind_limit(engine: Engine) -> usize {
    match engine {
        Engine::Sqlite => 32_766,
        Engine::Postgres => 65_535,
    }
}

/// Inserts `rows` with as few statements as the engine's limits allow. `head` is the
/// statement up to `VALUES`; `push` binds one row's `columns` values.
async fn insert_rows<C, T>(
    conn: &mut C,
    engine: Engine,
    head: &str,
    columns: usize,
    rows: &[T],
    mut push: impl FnMut(Separated<'_, C::Database, &'static str>, &T),
) -> Result<()>
where
    C: Connection,
    <C::Database as Database>::Arguments: IntoArguments<C::Database>,
    for<'c> &'c mut C: Executor<'c, Database = C::Database>,
{
    let per_statement = (bind_limit(engine) / columns).min(ROWS_PER_STATEMENT);
    let mut query = QueryBuilder::<C::Database>::new(head);
    for part in rows.chunks(per_statement) {
        query.reset();
        query.push_values(part, &mut push);
        query.build().execute(&mut *conn).await?;
    }
    Ok(())
}

//! Demo data: a believable organisation with departments, people, services with forms,
//! and months of requests in every state, for trying Handoff out and for measuring it.
//!
//! The data is deterministic (a fixed seed) and written fast: ids are assigned here rather
//! than by the database, and rows go in as multi-row inserts, a few thousand requests per
//! transaction, so that a million requests take minutes, not hours.

mod data;
mod generate;
mod slas;
#[cfg(test)]
mod tests;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jiff::Timestamp;
use rand::SeedableRng;
use rand::rngs::StdRng;
use sqlx::query_builder::Separated;
use sqlx::{Database, Executor, IntoArguments, QueryBuilder, Transaction};

pub use self::generate::Shape;
use self::generate::{Bases, Chunk, Generator, Levels, Org};
use crate::db::BeginWrite;
use crate::requests::pressing::RefreshPressing;
use crate::{Db, Engine, Result, from_micros, on_read, on_write, to_micros};

#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// How many requests to make.
    pub requests: u64,
    /// Whether to draw a progress bar on stderr.
    pub progress: bool,
    /// How many departments and people.
    pub shape: Shape,
}

/// What [`fill`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub departments: u64,
    pub people: u64,
    pub services: u64,
    pub requests: u64,
    pub comments: u64,
    /// The administrator's address, to sign in with.
    pub admin_email: String,
}

/// The same seed gives the same organisation and requests, so that a bug seen in demo
/// data can be seen again.
const SEED: u64 = 42;

/// Requests per transaction: large enough that commits cost little, small enough that
/// memory stays flat and the progress bar moves.
const CHUNK: u64 = 5_000;

/// Rows per INSERT statement at most (fewer where the bind limit requires). Full
/// statements all have the same text, so each engine prepares them once.
const ROWS_PER_STATEMENT: usize = 2000;

/// A database with departments is in use: the demo leaves it alone.
const ANY_DEPARTMENT: &str = "SELECT EXISTS (SELECT 1 FROM departments)";

/// Whether the database has no departments yet.
pub async fn is_empty(db: &Db) -> Result<bool> {
    let any: bool = on_read!(db, |pool| sqlx::query_scalar(ANY_DEPARTMENT)
        .fetch_one(pool)
        .await?);
    Ok(!any)
}

/// Fills an empty database with a believable organisation and `options.requests`
/// requests spread over the 90 days before `now`. Returns `None`, and writes nothing,
/// when the database already has departments.
///
/// Requests are committed a chunk at a time: after a failure, what was committed stays,
/// and a new fill needs a new database.
pub async fn fill(db: &Db, options: &DemoOptions, now: Timestamp) -> Result<Option<DemoSummary>> {
    let engine = db.engine();
    let now = to_micros(now);
    let mut rng = StdRng::seed_from_u64(SEED);

    // The emptiness check and the organisation share a transaction: two fills at once
    // cannot both see an empty database and both write (the second fails on the unique
    // department handles at worst).
    let made: Option<(Org, Bases)> = on_write!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let any: bool = sqlx::query_scalar(ANY_DEPARTMENT)
            .fetch_one(&mut *tx)
            .await?;
        if any {
            None
        } else {
            let mut bases = Bases::default();
            for (table, base) in [
                ("departments", &mut bases.departments),
                ("people", &mut bases.people),
                ("services", &mut bases.services),
                ("requests", &mut bases.requests),
                ("comments", &mut bases.comments),
                ("request_history", &mut bases.history),
            ] {
                let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
                *base = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_one(&mut *tx)
                    .await?;
            }
            let org = Org::new(&mut rng, bases, now, options.shape);
            insert_org(&mut tx, engine, &org).await?;
            tx.commit().await?;
            Some((org, bases))
        }
    });
    let Some((org, bases)) = made else {
        return Ok(None);
    };

    let written = write_requests(db, options, &org, rng, now, bases).await;
    if let Db::Postgres { pool, .. } = db {
        // Identity columns do not notice explicit ids: move each sequence past them, or
        // the application's next insert would collide. Also after a failure, so that
        // what was written stays usable.
        for table in [
            "departments",
            "people",
            "services",
            "requests",
            "comments",
            "request_history",
        ] {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table} \
                 HAVING MAX(id) IS NOT NULL"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(pool).await?;
        }
        // The planner knows nothing of a bulk load until autovacuum gets to it; without
        // statistics it sorts every search match instead of walking the newest first
        // (measured: search p95 1.8 s before, single milliseconds after, at 1M requests).
        sqlx::query("ANALYZE").execute(pool).await?;
    }
    let comments = written?;
    if let Db::Sqlite { write, .. } = db {
        // The bulk load left the full-text index in many segments, which FTS5 would
        // otherwise merge while the first real requests are filed; merge them now.
        sqlx::query("INSERT INTO request_search (request_search) VALUES ('optimize')")
            .execute(write)
            .await?;
    }
    slas::set_up(db, from_micros(now)).await?;

    Ok(Some(DemoSummary {
        departments: org.departments.len() as u64,
        people: org.people.len() as u64,
        services: org.services.len() as u64,
        requests: options.requests,
        comments,
        admin_email: data::ADMIN.1.to_owned(),
    }))
}

/// Makes and writes the requests, a chunk per transaction; returns how many comments
/// they got.
async fn write_requests(
    db: &Db,
    options: &DemoOptions,
    org: &Org,
    rng: StdRng,
    now: i64,
    bases: Bases,
) -> Result<u64> {
    let engine = db.engine();
    let bar = if options.progress {
        let bar =
            ProgressBar::with_draw_target(Some(options.requests), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{elapsed_precise} [{wide_bar}] {human_pos}/{human_len} requests, {per_sec}, {eta} left",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    // The history's clocks run in the office calendar under the services' policies, as
    // `slas::set_up` stores them once the requests are written.
    let spec = slas::office_calendar()?;
    let calendar = handoff_domain::calendar::Horizon::around(from_micros(now), 1, 2)
        .and_then(|h| handoff_domain::calendar::Calendar::new(spec)?.compile(h))
        .map_err(|e| crate::StoreError::Corrupt(format!("demo calendar: {e}")))?;
    let levels = Levels {
        time: crate::slas::Timekeeping {
            calendar: Some(std::sync::Arc::new(calendar)),
        },
        policies: slas::policies().to_vec(),
    };
    let mut generator = Generator::new(org, rng, now, options.requests, bases).with_levels(levels);
    let mut chunk = Chunk::default();
    let mut comments = 0u64;
    let mut done = 0u64;
    while done < options.requests {
        let size = CHUNK.min(options.requests - done);
        chunk.clear();
        for index in done..done + size {
            generator.request(index, &mut chunk);
        }
        comments += chunk.comments.len() as u64;
        on_write!(db, |pool| {
            let mut tx = pool.begin_write().await?;
            insert_chunk(&mut tx, engine, &chunk).await?;
            let ids: Vec<i64> = chunk.requests.iter().map(|r| r.id).collect();
            tx.open_requests(&ids).await?;
            tx.commit().await?;
        });
        done += size;
        bar.inc(size);
    }
    bar.finish();
    Ok(comments)
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
async fn insert_rows<DB, T>(
    tx: &mut Transaction<'_, DB>,
    engine: Engine,
    head: &str,
    columns: usize,
    rows: &[T],
    mut push: impl FnMut(Separated<'_, DB, &'static str>, &T),
) -> Result<()>
where
    DB: Database,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    let per_statement = (bind_limit(engine) / columns).min(ROWS_PER_STATEMENT);
    let mut query = QueryBuilder::<DB>::new(head);
    for part in rows.chunks(per_statement) {
        query.reset();
        query.push_values(part, &mut push);
        query.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Writes the organisation: departments, people, services and their audiences.
async fn insert_org<DB>(tx: &mut Transaction<'_, DB>, engine: Engine, org: &Org) -> Result<()>
where
    DB: Database,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> bool: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let at = org.created_at;
    insert_rows(
        tx,
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
        tx,
        engine,
        "INSERT INTO people (id, name, email, department_id, role, active, created_at) ",
        7,
        &org.people,
        |mut row, p| {
            row.push_bind(p.id)
                .push_bind(p.name.as_str())
                .push_bind(p.email.as_str())
                .push_bind(org.departments[p.department].id)
                .push_bind(p.role.as_str())
                .push_bind(true)
                .push_bind(at);
        },
    )
    .await?;
    insert_rows(
        tx,
        engine,
        "INSERT INTO services (id, department_id, name, description, owner_id, \
         open_to_everyone, confidential, active, fields, created_at, updated_at) ",
        11,
        &org.services,
        |mut row, s| {
            // Serialising plain data to a String cannot fail.
            let form = serde_json::to_string(&s.form).unwrap_or_else(|_| "[]".to_owned());
            row.push_bind(s.id)
                .push_bind(org.departments[s.department].id)
                .push_bind(s.spec.name)
                .push_bind(s.spec.description)
                .push_bind(Some(org.people[s.owner].id))
                .push_bind(s.spec.audience.is_none())
                .push_bind(s.spec.confidential)
                .push_bind(true)
                .push_bind(form)
                .push_bind(at)
                .push_bind(at);
        },
    )
    .await?;
    let audience: Vec<(i64, i64)> = org
        .services
        .iter()
        .flat_map(|s| s.audience.iter().map(|&d| (s.id, org.departments[d].id)))
        .collect();
    insert_rows(
        tx,
        engine,
        "INSERT INTO service_audience (service_id, department_id) ",
        2,
        &audience,
        |mut row, &(service, department)| {
            row.push_bind(service).push_bind(department);
        },
    )
    .await?;
    Ok(())
}

/// Writes one chunk of requests with everything that belongs to them.
async fn insert_chunk<DB>(tx: &mut Transaction<'_, DB>, engine: Engine, chunk: &Chunk) -> Result<()>
where
    DB: Database,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> i16: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> bool: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> Option<&'q str>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> i32: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    insert_rows(
        tx,
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
                .push_bind(r.status)
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
        tx,
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
        tx,
        engine,
        "INSERT INTO request_history (id, request_id, actor_id, at, kind, payload, internal) ",
        7,
        &chunk.history,
        |mut row, h| {
            row.push_bind(h.id)
                .push_bind(h.request_id)
                .push_bind(h.actor_id)
                .push_bind(h.at)
                .push_bind(h.kind)
                .push_bind(h.payload.as_str())
                .push_bind(h.internal);
        },
    )
    .await?;
    insert_rows(
        tx,
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
    // The clocks as `slas` writes them (JSON texts made first: the rows borrow them).
    let clocks: Vec<(i64, &crate::slas::StoredClock, [String; 3])> = chunk
        .clocks
        .iter()
        .map(|(id, c)| {
            (
                *id,
                c,
                [c.warn_at_json(), c.schedule_json(), c.raised_json()],
            )
        })
        .collect();
    insert_rows(
        tx,
        engine,
        crate::slas::INSERT_CLOCKS,
        14,
        &clocks,
        |mut row, (id, stored, texts)| {
            let c = &stored.clock;
            row.push_bind(*id)
                .push_bind(c.target.as_str())
                .push_bind(c.allowed.as_micros() as i64)
                .push_bind(c.used.as_micros() as i64)
                .push_bind(c.running_since.map(to_micros))
                .push_bind(c.due_at.map(to_micros))
                .push_bind(c.stopped_at.map(to_micros))
                .push_bind(c.cycle)
                .push_bind(stored.calendar_time)
                .push_bind(texts[0].as_str())
                .push_bind(texts[1].as_str())
                .push_bind(stored.next_alarm_at().map(to_micros))
                .push_bind(texts[2].as_str())
                .push_bind(c.breached_at.map(to_micros));
        },
    )
    .await?;
    // The search index as `search` writes it, one row per piece.
    let (insert, text_sql) = match engine {
        Engine::Sqlite => ("INSERT INTO request_search (rowid, body) ", None),
        Engine::Postgres => (
            "INSERT INTO request_search (key, body) ",
            Some("to_tsvector('simple', "),
        ),
    };
    insert_rows(tx, engine, insert, 2, &chunk.search, |mut row, s| {
        row.push_bind(s.key);
        match text_sql {
            Some(call) => row
                .push(call)
                .push_bind_unseparated(s.text.as_str())
                .push_unseparated(")"),
            None => row.push_bind(s.text.as_str()),
        };
    })
    .await?;
    Ok(())
}

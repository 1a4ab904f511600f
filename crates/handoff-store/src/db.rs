//! The connection to either engine. SQLite gets one writer connection and a pool of
//! readers (SQLite admits one writer at a time; queueing writes in the pool is cheaper
//! than having connections fight over the lock). PostgreSQL gets one pool for both.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};

use crate::StoreError;
use crate::requests::{FilingQueue, Writer};

/// Prepared statements kept per connection (sqlx's cache; lists and searches assemble
/// their SQL from the filters used, so a few dozen shapes are common).
const STATEMENTS: usize = 100;

/// Which SQL dialect a statement must speak, where the two differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A handle on the database; cheap to clone. Its `Debug` names the engine only: the
/// pools' options hold the connection URL's password.
#[derive(Clone)]
pub enum Db {
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
        /// New requests wait here to be written in batches by the one writer.
        filings: FilingQueue,
        /// The connection that checkpoints the write-ahead log.
        checkpointer: SqlitePool,
    },
    Postgres {
        pool: PgPool,
        /// New requests wait here to be written in groups.
        filings: FilingQueue,
    },
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Db({:?})", self.engine())
    }
}

/// How many connections to open.
#[derive(Debug, Clone, Copy)]
pub struct PoolSize {
    pub max_connections: u32,
}

impl Default for PoolSize {
    fn default() -> Self {
        Self { max_connections: 8 }
    }
}

/// Runs `$body` once per engine with `$pool` bound to the engine's pool for reads.
/// The body is written once and type-checked for each engine, so the SQL and the
/// decoding stay shared.
#[macro_export]
macro_rules! on_read {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite { read: $pool, .. } => $body,
            $crate::Db::Postgres { pool: $pool, .. } => $body,
        }
    };
}

/// Like [`on_read!`], with the pool that takes writes.
#[macro_export]
macro_rules! on_write {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite { write: $pool, .. } => $body,
            $crate::Db::Postgres { pool: $pool, .. } => $body,
        }
    };
}

impl Db {
    /// Connects to `url`: `postgres://…` or `postgresql://…` for PostgreSQL, `sqlite:…`
    /// for SQLite (the file is created when missing).
    pub async fn connect(url: &str, size: PoolSize) -> Result<Db, StoreError> {
        let timeout = Duration::from_secs(5);
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)
                .map_err(StoreError::Config)?
                .statement_cache_capacity(STATEMENTS);
            let pool = PgPoolOptions::new()
                .max_connections(size.max_connections)
                .acquire_timeout(timeout)
                .connect_with(options)
                .await
                .map_err(StoreError::Unavailable)?;
            let filings = FilingQueue::start(Writer::Postgres(pool.clone()));
            Ok(Db::Postgres { pool, filings })
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(StoreError::Config)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // WAL with NORMAL is durable against application crashes; a power cut
                // may lose the last transactions but never corrupts the file.
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(timeout)
                .statement_cache_capacity(STATEMENTS)
                .pragma("temp_store", "memory");
            // The memory SQLite may keep, per connection: a page cache in KiB (negative)
            // and [`STATEMENTS`] prepared statements. The writer keeps more of the indexes
            // it updates; readers share the operating system's file cache. With the
            // default pool: 8 readers x 4 MB + 16 MB + the checkpointer's 2 MB.
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .after_connect(|conn, _| Box::pin(stable_plans(conn)))
                .acquire_timeout(timeout)
                .connect_with(
                    options
                        .clone()
                        .pragma("cache_size", "-16000")
                        // Checkpoints run beside the writer (below), not inside a commit;
                        // a log reset by the writer is cut back to the limit.
                        .pragma("wal_autocheckpoint", "0")
                        .pragma("journal_size_limit", WAL_TRUNCATE_AT.to_string()),
                )
                .await
                .map_err(StoreError::Unavailable)?;
            let checkpointer = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(timeout)
                .connect_with(options.clone().busy_timeout(TRUNCATE_WAIT))
                .await
                .map_err(StoreError::Unavailable)?;
            let mut wal = options.get_filename().as_os_str().to_owned();
            wal.push("-wal");
            tokio::spawn(checkpoint(checkpointer.clone(), wal.into()));
            let read = SqlitePoolOptions::new()
                .max_connections(size.max_connections)
                .after_connect(|conn, _| Box::pin(stable_plans(conn)))
                .acquire_timeout(timeout)
                .connect_with(
                    options
                        .read_only(true)
                        .create_if_missing(false)
                        .pragma("cache_size", "-4000"),
                )
                .await
                .map_err(StoreError::Unavailable)?;
            let filings = FilingQueue::start(Writer::Sqlite(write.clone()));
            Ok(Db::Sqlite {
                read,
                write,
                filings,
                checkpointer,
            })
        } else {
            Err(StoreError::UnknownUrl(url.to_owned()))
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite { .. } => Engine::Sqlite,
            Db::Postgres { .. } => Engine::Postgres,
        }
    }

    /// Applies the migrations the database has not seen yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite { write, .. } => sqlx::migrate!("./migrations/sqlite").run(write).await?,
            Db::Postgres { pool, .. } => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Writes a consistent copy of a SQLite database to `path` while it serves
    /// (`VACUUM INTO`); `Ok(false)` on PostgreSQL, whose copies are its own tools' job.
    pub async fn copy_to(&self, path: &std::path::Path) -> Result<bool, StoreError> {
        match self {
            Db::Sqlite { write, .. } => {
                sqlx::query("VACUUM INTO $1")
                    .bind(path.to_string_lossy().into_owned())
                    .execute(write)
                    .await?;
                Ok(true)
            }
            Db::Postgres { .. } => Ok(false),
        }
    }

    /// Answers when the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_read!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await?
            .rows_affected());
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite {
                read,
                write,
                checkpointer,
                ..
            } => {
                read.close().await;
                write.close().await;
                checkpointer.close().await;
            }
            Db::Postgres { pool, .. } => pool.close().await,
        }
    }
}

/// The write-ahead log is copied into the database file and emptied (a `TRUNCATE`
/// checkpoint) as soon as it reaches this size, and whenever writes pause. Under any
/// steady load it stays below about this plus what the writer appends while one
/// checkpoint runs; a `journal_size_limit` of the same size is the backstop.
pub const WAL_TRUNCATE_AT: u64 = 16 * 1024 * 1024;

/// How often the checkpointer looks at the log's size (one `stat`, no database work).
pub const CHECKPOINT_POLL: Duration = Duration::from_millis(20);

/// A log that has not grown for this long is emptied: writes have paused.
pub const CHECKPOINT_IDLE: Duration = Duration::from_millis(250);

/// The longest a checkpointer that found readers on the old log waits before trying
/// again (it starts at [`CHECKPOINT_POLL`] and doubles).
pub const CHECKPOINT_MAX_BACKOFF: Duration = Duration::from_secs(2);

/// How long a truncating checkpoint waits for the writer's current transaction and for
/// readers still on the old log. It holds up the writer meanwhile, so it gives up early
/// and tries again later rather than stall filing behind a long read.
const TRUNCATE_WAIT: Duration = Duration::from_millis(25);

/// Keeps the write-ahead log small without making any commit pay for it.
///
/// A `PASSIVE` checkpoint copies what it can into the database file without blocking
/// anyone, but it never *resets* the log: the log goes back to its start only when a
/// new write begins after everything was copied and no reader still uses it. With
/// commits arriving every few milliseconds that moment never comes, so a checkpointer
/// that only copied passively (as this one once did, every second) let the log grow by
/// the whole write volume: about 100 MB a second while filing at full speed, for as
/// long as the load lasted.
///
/// So when the log reaches [`WAL_TRUNCATE_AT`], or has stopped growing for
/// [`CHECKPOINT_IDLE`], this copies passively (the bulk of the work, beside the writer)
/// and then takes a `TRUNCATE` checkpoint: it briefly holds the writer, copies the few
/// frames added meanwhile, waits for the readers of the old log (new readers read the
/// database file and do not hold it up) and cuts the log to nothing. A checkpoint
/// that finds a reader still on the old log gives up after [`TRUNCATE_WAIT`] and waits
/// twice as long each time before the next try, so a long read never stalls the writer
/// for long. Committed transactions are in the log or the file throughout: nothing
/// acknowledged is lost. Ends when the pool is closed.
async fn checkpoint(pool: SqlitePool, wal: std::path::PathBuf) {
    let size = |wal: &std::path::Path| std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0);
    let mut polls = tokio::time::interval(CHECKPOINT_POLL);
    polls.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (mut last_size, mut unchanged_since) = (0, tokio::time::Instant::now());
    let mut backoff = CHECKPOINT_POLL;
    let mut next_try = tokio::time::Instant::now();
    loop {
        let now = polls.tick().await;
        if pool.is_closed() {
            return;
        }
        let current = size(&wal);
        if current != last_size {
            (last_size, unchanged_since) = (current, now);
        }
        let idle = current > 0 && now.duration_since(unchanged_since) >= CHECKPOINT_IDLE;
        if !(current >= WAL_TRUNCATE_AT || idle) || now < next_try {
            continue;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::debug!(error = %e, "checkpoint skipped");
        }
        // (busy, frames in the log, frames copied)
        match sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&pool)
            .await
        {
            Ok((0, _, _)) => backoff = CHECKPOINT_POLL,
            Ok(_) => {
                backoff = (backoff * 2).min(CHECKPOINT_MAX_BACKOFF);
                next_try = now + backoff;
                if current >= 4 * WAL_TRUNCATE_AT {
                    tracing::warn!(wal_bytes = current, "write-ahead log held by a long read");
                }
            }
            Err(e) => tracing::debug!(error = %e, "truncating checkpoint skipped"),
        }
        last_size = size(&wal);
    }
}

/// Begins a transaction that writes. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), waiting for it if need be. A deferred transaction that read first
/// and asked for the lock at its first write could not wait: SQLite refuses at once with
/// "database is locked" when another connection (the checkpointer emptying the log)
/// holds the lock, since waiting while holding a read snapshot could deadlock.
pub(crate) trait BeginWrite {
    type Database: sqlx::Database;

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Self::Database>, sqlx::Error>;
}

impl BeginWrite for SqlitePool {
    type Database = sqlx::Sqlite;

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Database = sqlx::Postgres;

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.begin().await
    }
}

impl Db {
    /// Runs one statement of administration (creating a test database, say) with no
    /// parameters and no result.
    pub async fn execute_raw(&self, sql: &str) -> Result<(), StoreError> {
        on_write!(self, |pool| sqlx::raw_sql(sqlx::AssertSqlSafe(
            sql.to_owned()
        ))
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }
}

/// Turns on SQLite's query planner stability guarantee for a connection: a statement
/// keeps the plan it was prepared with, whatever values are bound to it.
///
/// Without it, a statement with a bound `LIMIT $n` (and any whose plan could depend on
/// a bound value) is marked to be planned again each time that value is bound, and
/// sqlx binds every value at every execution: every list read was parsed and planned
/// anew inside `sqlite3_step` (13-15 % of the server's time on the home page).
/// Handoff's statements do not need bound values for their plans (`ANALYZE`'s averages
/// serve; no `LIKE` prefix on an index; partial indexes chosen by literal conditions).
async fn stable_plans(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    use libsqlite3_sys::{SQLITE_DBCONFIG_ENABLE_QPSG, SQLITE_OK, sqlite3_db_config};
    use std::ffi::c_int;

    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    // SAFETY: the handle is locked for this connection's exclusive use while it lives,
    // and the arguments are the ones `SQLITE_DBCONFIG_ENABLE_QPSG` documents: an int
    // (1 turns it on) and an optional int pointer for the new setting (none here).
    let rc = unsafe {
        sqlite3_db_config(
            db,
            SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as c_int,
            std::ptr::null_mut::<c_int>(),
        )
    };
    if rc == SQLITE_OK {
        Ok(())
    } else {
        Err(sqlx::Error::Configuration(
            format!("SQLite refused its query planner stability setting (code {rc})").into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The planner stability setting as SQLite reports it for `conn`.
    async fn planner_is_stable(conn: &mut SqliteConnection) -> bool {
        use libsqlite3_sys::{SQLITE_DBCONFIG_ENABLE_QPSG, sqlite3_db_config};
        use std::ffi::c_int;

        let mut handle = conn.lock_handle().await.unwrap();
        let mut on: c_int = -1;
        // SAFETY: as in `stable_plans`; -1 leaves the setting as it is and `on` receives it.
        unsafe {
            sqlite3_db_config(
                handle.as_raw_handle().as_ptr(),
                SQLITE_DBCONFIG_ENABLE_QPSG,
                -1 as c_int,
                &mut on as *mut c_int,
            )
        };
        on == 1
    }

    #[tokio::test]
    async fn every_sqlite_connection_keeps_its_plans() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plans.db").display());
        let db = Db::connect(&url, PoolSize::default()).await.unwrap();
        let Db::Sqlite { read, write, .. } = &db else {
            unreachable!("a sqlite URL opens SQLite")
        };
        assert!(planner_is_stable(&mut write.acquire().await.unwrap()).await);
        assert!(planner_is_stable(&mut read.acquire().await.unwrap()).await);
    }
}

//! The connection to either engine. SQLite gets one writer connection and a pool of
//! readers (SQLite admits one writer at a time; queueing writes in the pool is cheaper
//! than having connections fight over the lock). PostgreSQL gets one pool for both.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::StoreError;
use crate::requests::FilingQueue;

/// Which SQL dialect a statement must speak, where the two differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A handle on the database; cheap to clone.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
        /// New requests wait here to be written in batches by the one writer.
        filings: FilingQueue,
        /// The connection that checkpoints the write-ahead log.
        checkpointer: SqlitePool,
    },
    Postgres(PgPool),
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
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

/// Like [`on_read!`], with the pool that takes writes.
#[macro_export]
macro_rules! on_write {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite { write: $pool, .. } => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

impl Db {
    /// Connects to `url`: `postgres://…` or `postgresql://…` for PostgreSQL, `sqlite:…`
    /// for SQLite (the file is created when missing).
    pub async fn connect(url: &str, size: PoolSize) -> Result<Db, StoreError> {
        let timeout = Duration::from_secs(5);
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).map_err(StoreError::Config)?;
            let pool = PgPoolOptions::new()
                .max_connections(size.max_connections)
                .acquire_timeout(timeout)
                .connect_with(options)
                .await
                .map_err(StoreError::Unavailable)?;
            Ok(Db::Postgres(pool))
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
                .pragma("temp_store", "memory");
            // Page cache per connection, in KiB (negative): the writer keeps more of the
            // indexes it updates; readers share the operating system's file cache.
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(timeout)
                .connect_with(
                    options
                        .clone()
                        .pragma("cache_size", "-16000")
                        // Checkpoints run beside the writer (below), not inside a commit.
                        .pragma("wal_autocheckpoint", "0"),
                )
                .await
                .map_err(StoreError::Unavailable)?;
            let checkpointer = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(timeout)
                .connect_with(options.clone())
                .await
                .map_err(StoreError::Unavailable)?;
            tokio::spawn(checkpoint(checkpointer.clone()));
            let read = SqlitePoolOptions::new()
                .max_connections(size.max_connections)
                .acquire_timeout(timeout)
                .connect_with(
                    options
                        .read_only(true)
                        .create_if_missing(false)
                        .pragma("cache_size", "-4000"),
                )
                .await
                .map_err(StoreError::Unavailable)?;
            let filings = FilingQueue::start(write.clone());
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
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    /// Applies the migrations the database has not seen yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite { write, .. } => sqlx::migrate!("./migrations/sqlite").run(write).await?,
            Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
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
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// Copies the write-ahead log into the database file every second without blocking
/// readers or the writer (a PASSIVE checkpoint), and truncates the log when it can, so
/// that no commit pays for a checkpoint. Ends when the pool is closed.
async fn checkpoint(pool: SqlitePool) {
    let mut ticks = tokio::time::interval(Duration::from_secs(1));
    loop {
        ticks.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::debug!(error = %e, "checkpoint skipped");
        }
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

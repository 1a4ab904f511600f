//! Handoff's storage on SQLite and PostgreSQL: the connection, the migrations, and one
//! module of named queries per thing stored. SQL is shared between the engines wherever
//! the dialects agree; [`Engine`] marks the few places where they do not.

mod db;
mod error;
mod sql;
mod time;
mod tx;

pub mod backup;
pub mod bulk;
pub mod calendars;
pub mod comments;
pub mod concerns;
pub mod deliverables;
pub mod departments;
pub mod dependencies;
pub mod digest;
pub mod directory;
pub mod feeds;
pub mod health;
pub mod history;
pub mod jobs;
pub mod kudos;
pub mod notifications;
pub mod people;
pub mod pool_stats;
pub mod pulses;
pub mod ratings;
pub mod reports;
pub mod requests;
pub mod search;
pub mod services;
pub mod sessions;
pub mod settings;
pub mod sla_policies;
pub mod slas;
pub mod stints;
pub mod tokens;
pub mod views;
pub mod watchers;

pub use db::{
    CHECKPOINT_IDLE, CHECKPOINT_MAX_BACKOFF, CHECKPOINT_POLL, Db, Engine, PoolSize, WAL_TRUNCATE_AT,
};
pub use error::StoreError;
pub use time::{from_micros, to_micros};
pub use tx::Tx;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

//! How busy the database's connection pools are, for `GET /metrics`: read from sqlx's
//! pools at the moment of asking, no query sent.

use crate::Db;

/// One pool's connections at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// Which pool: `read`, `write` and `checkpointer` on SQLite, `read_write` on
    /// PostgreSQL (one pool serves both there).
    pub pool: &'static str,
    /// Connections open, idle or in use.
    pub size: u32,
    /// Connections open and waiting to be used.
    pub idle: u32,
}

impl PoolUse {
    /// Connections open and handed out.
    pub fn in_use(self) -> u32 {
        self.size.saturating_sub(self.idle)
    }
}

/// Every pool of `db`, in a fixed order.
pub fn pools(db: &Db) -> Vec<PoolUse> {
    fn of<D: sqlx::Database>(pool: &'static str, p: &sqlx::Pool<D>) -> PoolUse {
        PoolUse {
            pool,
            size: p.size(),
            idle: u32::try_from(p.num_idle()).unwrap_or(u32::MAX),
        }
    }
    match db {
        Db::Sqlite {
            read,
            write,
            checkpointer,
            ..
        } => vec![
            of("read", read),
            of("write", write),
            of("checkpointer", checkpointer),
        ],
        Db::Postgres { pool, .. } => vec![of("read_write", pool)],
    }
}

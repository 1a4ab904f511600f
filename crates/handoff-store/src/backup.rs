//! Copies of a SQLite database: taken while it serves ([`crate::Db::copy_to`]), checked
//! before they are trusted, and put in place of a database. PostgreSQL's copies are its
//! own tools' job (`pg_dump`, `pg_restore`).

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::ConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;

/// What a checked copy holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyFacts {
    /// The last migration applied to it.
    pub migration: i64,
    pub departments: i64,
    pub people: i64,
    pub requests: i64,
}

/// Why a copy is not fit to restore, in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unfit(pub String);

/// The newest migration this build knows.
pub fn latest_migration() -> i64 {
    sqlx::migrate!("./migrations/sqlite")
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

/// Opens `path` read-only and checks that it is a whole Handoff database this build can
/// serve: SQLite's integrity check passes, and its migrations are ones this build knows.
pub async fn check_copy(path: &Path) -> Result<CopyFacts, Unfit> {
    let unfit = |why: String| Unfit(format!("{} is not a usable copy: {why}", path.display()));
    if !path.is_file() {
        return Err(unfit("no such file".to_owned()));
    }
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
        .map_err(|e| unfit(e.to_string()))?
        .read_only(true)
        .create_if_missing(false);
    let mut conn = options.connect().await.map_err(|e| unfit(e.to_string()))?;
    let checked: Result<CopyFacts, Unfit> = async {
        let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&mut conn)
            .await
            .map_err(|e| unfit(format!("SQLite cannot read it ({e})")))?;
        if integrity != ["ok"] {
            return Err(unfit(format!(
                "SQLite's integrity check failed: {}",
                integrity.join("; ")
            )));
        }
        let migration: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&mut conn)
                .await
                .map_err(|_| unfit("it has no Handoff migrations".to_owned()))?;
        let migration = migration.ok_or_else(|| unfit("it was never migrated".to_owned()))?;
        let known = latest_migration();
        if migration > known {
            return Err(unfit(format!(
                "it was made by a newer Handoff (migration {migration}; this one knows up to {known})"
            )));
        }
        let mut facts = CopyFacts {
            migration,
            departments: 0,
            people: 0,
            requests: 0,
        };
        for (table, slot) in [
            ("departments", &mut facts.departments),
            ("people", &mut facts.people),
            ("requests", &mut facts.requests),
        ] {
            let sql = format!("SELECT COUNT(*) FROM {table}");
            *slot = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
                .fetch_one(&mut conn)
                .await
                .map_err(|e| unfit(format!("its {table} cannot be read ({e})")))?;
        }
        Ok(facts)
    }
    .await;
    let _ = sqlx::Connection::close(conn).await;
    checked
}

/// The SQLite database file a `sqlite:` URL names.
pub fn sqlite_path(url: &str) -> Result<PathBuf, sqlx::Error> {
    Ok(SqliteConnectOptions::from_str(url)?
        .get_filename()
        .to_path_buf())
}

/// Where a restore keeps the database it replaced: beside it, named after the moment.
pub fn replaced_path(target: &Path, stamp: &str) -> PathBuf {
    let mut name = target.as_os_str().to_owned();
    name.push(format!(".replaced-{stamp}"));
    PathBuf::from(name)
}

/// The write-ahead log and shared-memory files that go with a SQLite database.
pub fn companions(database: &Path) -> [PathBuf; 2] {
    ["-wal", "-shm"].map(|suffix| {
        let mut name = database.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    })
}

/// Puts the copy at `copy` in place of the database at `target`: the copy is written
/// beside the target first and renamed over it (a rename is atomic, so the target is
/// either the old database or the whole copy); the old database, with its log, is kept
/// at `keep`. Nobody may have the target open: the caller checks.
pub fn put_in_place(copy: &Path, target: &Path, keep: &Path) -> std::io::Result<()> {
    let mut staged = target.as_os_str().to_owned();
    staged.push(".restoring");
    let staged = PathBuf::from(staged);
    std::fs::copy(copy, &staged)?;
    std::fs::File::open(&staged)?.sync_all()?;
    if target.exists() {
        std::fs::rename(target, keep)?;
        for (from, to) in companions(target).iter().zip(companions(keep)) {
            if from.exists() {
                std::fs::rename(from, to)?;
            }
        }
    }
    std::fs::rename(&staged, target)?;
    if let Some(folder) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        // The renames themselves reach the disk with the folder.
        std::fs::File::open(folder)?.sync_all()?;
    }
    Ok(())
}

//! Where the database is: options shared by every sub-command that opens it.

use std::path::PathBuf;

use anyhow::Context;
use handoff_store::{Db, PoolSize};

#[derive(clap::Args, Clone)]
pub struct DatabaseArgs {
    /// `postgres://…` for PostgreSQL or `sqlite:PATH`; default: SQLite `handoff.db` in the
    /// data directory.
    #[arg(long, env = "HANDOFF_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Where Handoff keeps its files (the SQLite database among them).
    #[arg(long, env = "HANDOFF_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Most connections to open to the database.
    #[arg(long, env = "HANDOFF_DB_CONNECTIONS", default_value_t = 8)]
    pub db_connections: u32,
}

/// The URL's password, if any, is replaced: these options may be logged.
impl std::fmt::Debug for DatabaseArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseArgs")
            .field("database_url", &self.database_url.as_deref().map(redact))
            .field("data_dir", &self.data_dir)
            .field("db_connections", &self.db_connections)
            .finish()
    }
}

/// `url` with the password of its user part (`scheme://user:PASSWORD@host`) and of any
/// `password=` parameter replaced by `***`.
fn redact(url: &str) -> String {
    let mut out = url.to_owned();
    if let Some(start) = url.find("://").map(|i| i + 3) {
        let authority_end = url[start..].find('/').map_or(url.len(), |i| start + i);
        if let Some(at) = url[start..authority_end].rfind('@').map(|i| start + i)
            && let Some(colon) = url[start..at].find(':').map(|i| start + i)
        {
            out = format!("{}***{}", &url[..=colon], &url[at..]);
        }
    }
    if let Some(i) = out.find("password=") {
        let value = i + "password=".len();
        let end = out[value..].find('&').map_or(out.len(), |e| value + e);
        out.replace_range(value..end, "***");
    }
    out
}

impl DatabaseArgs {
    pub fn url(&self) -> anyhow::Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("cannot create data directory {}", self.data_dir.display()))?;
        Ok(format!(
            "sqlite://{}",
            self.data_dir.join("handoff.db").display()
        ))
    }

    /// Connects and applies pending migrations.
    pub async fn open(&self) -> anyhow::Result<Db> {
        let url = self.url()?;
        let size = PoolSize {
            max_connections: self.db_connections.max(1),
        };
        let db = Db::connect(&url, size)
            .await
            .context("cannot open the database")?;
        db.migrate().await.context("cannot migrate the database")?;
        Ok(db)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_the_debug_output() {
        let args = DatabaseArgs {
            database_url: Some(
                "postgres://app:s3cret@db.internal:5432/handoff?password=again&sslmode=require"
                    .into(),
            ),
            data_dir: "./data".into(),
            db_connections: 8,
        };
        let shown = format!("{args:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("again"),
            "{shown}"
        );
        assert!(
            shown.contains(
                "postgres://app:***@db.internal:5432/handoff?password=***&sslmode=require"
            ),
            "{shown}"
        );
        assert_eq!(
            redact("sqlite://./data/handoff.db"),
            "sqlite://./data/handoff.db"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
    }
}

//! Where the database is: options shared by every sub-command that opens it.

use std::path::PathBuf;

use anyhow::Context;
use handoff_store::{Db, PoolSize};

#[derive(clap::Args, Debug, Clone)]
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

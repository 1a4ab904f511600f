//! `handoff backup FILE` and `handoff restore FILE`: a consistent copy of a SQLite
//! database taken while `serve` runs, and a copy checked before it is put in place. A
//! PostgreSQL database is copied with PostgreSQL's own tools; both commands say how.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use handoff_store::backup::{self, CopyFacts};
use handoff_store::{Db, PoolSize};

use crate::config::DatabaseArgs;

#[derive(clap::Args, Debug)]
pub struct BackupArgs {
    #[command(flatten)]
    db: DatabaseArgs,
    /// The copy to write; it must not exist yet.
    file: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct RestoreArgs {
    #[command(flatten)]
    db: DatabaseArgs,
    /// The copy to put in place of the database.
    file: PathBuf,
    /// Restore although the database's shared-memory file is there: it is left behind by
    /// a server that crashed, and is there while one runs, so use this only when no
    /// `handoff serve` uses the database.
    #[arg(long)]
    force: bool,
}

const POSTGRES_BACKUP: &str = "a PostgreSQL database is copied with PostgreSQL's own tools, while Handoff serves: \
     pg_dump --format=custom --file FILE \"$HANDOFF_DATABASE_URL\"";
const POSTGRES_RESTORE: &str = "a PostgreSQL database is restored with PostgreSQL's own tools, with `handoff serve` stopped: \
     pg_restore --clean --if-exists --dbname \"$HANDOFF_DATABASE_URL\" FILE";

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

fn describe(facts: &CopyFacts) -> String {
    format!(
        "{} departments, {} people, {} requests (migration {})",
        facts.departments, facts.people, facts.requests, facts.migration
    )
}

/// Writes a consistent copy of the database while it serves (`VACUUM INTO`, one read
/// transaction: writers go on meanwhile), to a file beside `FILE` first and renamed to
/// it once whole, then checks the copy as `restore` would.
pub async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    let url = args.db.url()?;
    if is_postgres(&url) {
        bail!("{POSTGRES_BACKUP}");
    }
    if args.file.exists() {
        bail!("{} already exists: give a new file", args.file.display());
    }
    let mut partial = args.file.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let _ = std::fs::remove_file(&partial);
    let db = Db::connect(&url, PoolSize { max_connections: 1 })
        .await
        .context("cannot open the database")?;
    let copied = db.copy_to(&partial).await;
    db.close().await;
    copied.with_context(|| format!("cannot write {}", partial.display()))?;
    let facts = match backup::check_copy(&partial).await {
        Ok(facts) => facts,
        Err(unfit) => {
            let _ = std::fs::remove_file(&partial);
            bail!("the copy failed its check: {unfit}");
        }
    };
    std::fs::rename(&partial, &args.file)
        .with_context(|| format!("cannot write {}", args.file.display()))?;
    let bytes = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "backed up to {}: {}, {bytes} bytes",
        args.file.display(),
        describe(&facts)
    );
    Ok(())
}

/// Checks the copy, then puts it in place of the database (keeping the one it replaces
/// beside it) and applies any migration the copy is behind on.
pub async fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let url = args.db.url()?;
    if is_postgres(&url) {
        bail!("{POSTGRES_RESTORE}");
    }
    let facts = backup::check_copy(&args.file).await?;
    let target = backup::sqlite_path(&url).context("not a SQLite database URL")?;
    let [_, shm] = backup::companions(&target);
    if shm.exists() && !args.force {
        bail!(
            "{} is in use (its shared-memory file {} is there): stop `handoff serve` first, or pass --force if no server uses it (a crash leaves that file behind)",
            target.display(),
            shm.display()
        );
    }
    if same_file(&args.file, &target) {
        bail!("{} is the database itself", args.file.display());
    }
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let keep = backup::replaced_path(&target, &stamp);
    let existed = target.exists();
    backup::put_in_place(&args.file, &target, &keep)
        .with_context(|| format!("cannot put the copy in place of {}", target.display()))?;
    let db = Db::connect(&url, PoolSize { max_connections: 1 })
        .await
        .context("cannot open the restored database")?;
    let migrated = db.migrate().await;
    db.close().await;
    migrated.context("cannot migrate the restored database")?;
    let kept = if existed {
        format!("; the database it replaced is kept at {}", keep.display())
    } else {
        String::new()
    };
    eprintln!(
        "restored {} to {}: {}{kept}",
        args.file.display(),
        target.display(),
        describe(&facts)
    );
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

//! `handoff import events FILE.jsonl`: an organisation's history replayed through the
//! actions at the instants it happened (see `handoff_app::import`), against the same
//! database as `serve`, stopped or running.
//!
//! The file is read and checked whole first. On SQLite it is then replayed on a copy of
//! the database taken while it serves, so that a line the rules refuse stops the import
//! before anything is written; with `serve` stopped the copy then takes the database's
//! place (one pass), with `serve` running the file is replayed again on the database
//! itself. On PostgreSQL the checks without the database's rules run first, then the
//! replay: a line refused there stops it, and the lines before it stay (the message
//! says so).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use handoff_app::App;
use handoff_app::import::{self, Line};
use handoff_app::roster::Table;
use handoff_domain::clock::ManualClock;
use handoff_store::{Db, PoolSize, backup};
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::DatabaseArgs;

#[derive(clap::Subcommand, Debug)]
pub enum ImportCommand {
    /// Replay a history of events (one JSON object a line, in time order).
    Events(EventsArgs),
    /// Create and change people from a CSV file (email,name,department,role,active).
    People(crate::commands::roster::RosterArgs),
    /// Create and change departments from a CSV file (handle,name,parent).
    Departments(crate::commands::roster::RosterArgs),
}

#[derive(clap::Args, Debug)]
pub struct EventsArgs {
    #[command(flatten)]
    db: DatabaseArgs,
    /// The JSON Lines file.
    file: PathBuf,
}

pub async fn run(command: ImportCommand) -> anyhow::Result<()> {
    match command {
        ImportCommand::Events(args) => events(args).await,
        ImportCommand::People(args) => crate::commands::roster::import(Table::People, args).await,
        ImportCommand::Departments(args) => {
            crate::commands::roster::import(Table::Departments, args).await
        }
    }
}

async fn events(args: EventsArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let lines = import::parse(&text).map_err(anyhow::Error::msg)?;
    drop(text);
    if lines.is_empty() {
        bail!("{} has no events", args.file.display());
    }
    let url = args.db.url()?;
    let db = args.db.open().await?;
    let summary = match db.engine() {
        handoff_store::Engine::Sqlite => {
            let target = backup::sqlite_path(&url).context("not a SQLite database URL")?;
            on_sqlite(db, &target, &lines).await?
        }
        handoff_store::Engine::Postgres => {
            let result = on_postgres(&db, &lines).await;
            db.close().await;
            result?
        }
    };
    let counts: Vec<String> = summary
        .events
        .iter()
        .map(|(name, n)| format!("{n} {name}"))
        .collect();
    eprintln!("imported {} events: {}", summary.lines, counts.join(", "));
    Ok(())
}

/// An app on `db` whose clock starts at the first line.
fn app(db: &Db, lines: &[Line]) -> (App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(lines[0].at));
    (App::new(db.clone(), clock.clone()), clock)
}

/// On SQLite the file is replayed on a copy of the database written beside it (taken while
/// it serves), so that a line the rules refuse leaves the database as it was. Then, when
/// nobody has the database open (no `serve`: its shared-memory file is gone once this
/// command's own connections close), the copy is renamed over it: one pass. Otherwise the
/// copy was a rehearsal and the file is replayed on the database itself.
async fn on_sqlite(db: Db, target: &Path, lines: &[Line]) -> anyhow::Result<import::Summary> {
    let (live, _) = app(&db, lines);
    if let Err(e) = import::check(&live, lines).await {
        db.close().await;
        bail!("{e}");
    }
    let mut copy = target.as_os_str().to_owned();
    copy.push(".importing");
    let copy = PathBuf::from(copy);
    let remove_copy = || {
        let _ = std::fs::remove_file(&copy);
        for file in backup::companions(&copy) {
            let _ = std::fs::remove_file(file);
        }
    };
    remove_copy();
    if let Err(e) = db.copy_to(&copy).await {
        db.close().await;
        remove_copy();
        return Err(anyhow::Error::new(e).context("cannot copy the database"));
    }
    let on_copy = Db::connect(
        &format!("sqlite://{}", copy.display()),
        PoolSize { max_connections: 2 },
    )
    .await
    .context("cannot open the copy of the database")?;
    let (app_copy, clock_copy) = app(&on_copy, lines);
    let replayed = replay("importing", &app_copy, &clock_copy, lines).await;
    on_copy.close().await;
    db.close().await;
    let summary = match replayed {
        Ok(summary) => summary,
        Err(e) => {
            remove_copy();
            bail!("{e} (nothing was imported)");
        }
    };
    let in_use = backup::companions(target).iter().any(|f| f.exists());
    let copy_whole = backup::companions(&copy).iter().all(|f| !f.exists());
    if !in_use && copy_whole {
        let swapped = std::fs::rename(&copy, target).and_then(|()| match target.parent() {
            Some(folder) if !folder.as_os_str().is_empty() => {
                std::fs::File::open(folder)?.sync_all()
            }
            _ => Ok(()),
        });
        if swapped.is_ok() {
            return Ok(summary);
        }
    }
    // Someone has the database open: the copy was a rehearsal; now the real thing.
    remove_copy();
    let db = Db::connect(
        &format!("sqlite://{}", target.display()),
        PoolSize { max_connections: 2 },
    )
    .await
    .context("cannot open the database")?;
    let (live, clock) = app(&db, lines);
    let result = replay("importing", &live, &clock, lines).await;
    db.close().await;
    Ok(result?)
}

/// On PostgreSQL the file is replayed on the database itself: a line the rules refuse
/// stops it there, and the lines before it stay (the message says so).
async fn on_postgres(db: &Db, lines: &[Line]) -> anyhow::Result<import::Summary> {
    let (live, clock) = app(db, lines);
    import::check(&live, lines)
        .await
        .map_err(anyhow::Error::msg)?;
    replay("importing", &live, &clock, lines)
        .await
        .map_err(|e| anyhow::anyhow!("{e} (the lines before it were imported)"))
}

/// A progress bar on a terminal, a hidden one otherwise.
fn progress_bar(what: &'static str, total: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} events, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(what);
    bar
}

/// Replays `lines` on `app` with a progress bar.
pub(crate) async fn replay(
    what: &'static str,
    app: &App,
    clock: &ManualClock,
    lines: &[Line],
) -> Result<import::Summary, import::ImportError> {
    let bar = progress_bar(what, lines.len());
    let total = lines.len();
    let mut tick = |done: usize| {
        if done.is_multiple_of(256) || done == total {
            bar.set_position(done as u64);
        }
    };
    let out = import::apply(app, clock, lines, &mut tick).await;
    bar.finish_and_clear();
    out
}

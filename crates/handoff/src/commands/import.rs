//! `handoff import events FILE.jsonl`: an organisation's history replayed through the
//! actions at the instants it happened (see `handoff_app::import`), against the same
//! database as `serve`, stopped or running.
//!
//! The file is read and checked whole first. On SQLite it is then replayed on a copy of
//! the database taken while it serves, so that a line the rules refuse stops the import
//! before anything is written; only then on the database itself. On PostgreSQL the
//! checks without the database's rules run first, then the replay: a line refused there
//! stops it, and the lines before it stay (the message says so).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use handoff_app::App;
use handoff_app::import::{self, Line};
use handoff_domain::clock::ManualClock;
use handoff_store::{Db, PoolSize};
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::DatabaseArgs;

#[derive(clap::Subcommand, Debug)]
pub enum ImportCommand {
    /// Replay a history of events (one JSON object a line, in time order).
    Events(EventsArgs),
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
    let db = args.db.open().await?;
    let result = replay_checked(&db, &lines).await;
    db.close().await;
    let summary = result?;
    let counts: Vec<String> = summary
        .events
        .iter()
        .map(|(name, n)| format!("{n} {name}"))
        .collect();
    eprintln!("imported {} events: {}", summary.lines, counts.join(", "));
    Ok(())
}

async fn replay_checked(db: &Db, lines: &[Line]) -> anyhow::Result<import::Summary> {
    let first = lines[0].at;
    let app = |db: &Db| {
        let clock = Arc::new(ManualClock::new(first));
        (App::new(db.clone(), clock.clone()), clock)
    };
    let (live, clock) = app(db);
    import::check(&live, lines)
        .await
        .map_err(anyhow::Error::msg)?;
    let scratch = tempfile::tempdir().context("cannot make a scratch directory")?;
    let copy = scratch.path().join("rehearsal.db");
    if db
        .copy_to(&copy)
        .await
        .context("cannot copy the database")?
    {
        let rehearsal = Db::connect(
            &format!("sqlite://{}", copy.display()),
            PoolSize { max_connections: 2 },
        )
        .await
        .context("cannot open the copy of the database")?;
        let (app_copy, clock_copy) = app(&rehearsal);
        let checked = replay("checking", &app_copy, &clock_copy, lines).await;
        rehearsal.close().await;
        checked.map_err(|e| anyhow::anyhow!("{e} (nothing was imported)"))?;
    }
    replay("importing", &live, &clock, lines)
        .await
        .map_err(|e| match db.engine() {
            handoff_store::Engine::Sqlite => anyhow::anyhow!("{e}"),
            handoff_store::Engine::Postgres => {
                anyhow::anyhow!("{e} (the lines before it were imported)")
            }
        })
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

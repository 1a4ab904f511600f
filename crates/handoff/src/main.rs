//! `handoff`: one binary, one sub-command per job.

mod commands;
mod config;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "handoff",
    version,
    about = "Internal customer service between departments"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (migrations run first).
    Serve(commands::serve::Args),
    /// Fill an empty database with a believable demo organisation.
    Demo(commands::demo::Args),
    /// Bring history in from elsewhere.
    #[command(subcommand)]
    Import(commands::import::ImportCommand),
    /// Write the organisation's people or departments as CSV (what `import` reads).
    #[command(subcommand)]
    Export(commands::roster::ExportCommand),
    /// Apply pending database migrations.
    Migrate(commands::migrate::Args),
    /// Copy a running SQLite database to a file, consistently.
    Backup(commands::backup::BackupArgs),
    /// Check a copy and put it in place of the SQLite database (stop `serve` first).
    Restore(commands::backup::RestoreArgs),
    /// Create and revoke API tokens.
    #[command(subcommand)]
    Token(commands::token::TokenCommand),
    /// Create people (the first administrator among them) and set their passwords.
    #[command(subcommand)]
    Person(commands::person::PersonCommand),
    /// Business-time arithmetic on a calendar file (JSON or TOML).
    #[command(subcommand)]
    Calendar(commands::calendar::CalendarCommand),
}

/// mimalloc for Rust's allocations; its `override` feature serves SQLite's too.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        // Pure arithmetic: no runtime, no logs.
        Command::Calendar(cmd) => commands::calendar::run(cmd),
        command => run(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One readable line: the error and its causes.
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, never into a file or a pipe.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        match command {
            Command::Serve(args) => commands::serve::run(args).await,
            Command::Demo(args) => commands::demo::run(args).await,
            Command::Import(cmd) => commands::import::run(cmd).await,
            Command::Export(cmd) => commands::roster::export(cmd).await,
            Command::Migrate(args) => commands::migrate::run(args).await,
            Command::Backup(args) => commands::backup::backup(args).await,
            Command::Restore(args) => commands::backup::restore(args).await,
            Command::Token(cmd) => commands::token::run(cmd).await,
            Command::Person(cmd) => commands::person::run(cmd).await,
            Command::Calendar(cmd) => commands::calendar::run(cmd),
        }
    })
}

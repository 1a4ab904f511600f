//! `handoff import people|departments FILE.csv` and `handoff export people|departments`:
//! the organisation's people and departments to and from CSV (see `handoff_app::roster`).
//! An import shows its plan first and writes nothing until confirmed (`--yes`, or `y` at
//! a terminal); a file with any bad line writes nothing at all.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use handoff_app::App;
use handoff_app::roster::{self, Plan, Refused, Table};
use handoff_domain::access::Actor;
use handoff_domain::clock::SystemClock;

use crate::config::DatabaseArgs;

#[derive(clap::Args, Debug)]
pub struct RosterArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The CSV file, its first line naming the columns.
    pub file: PathBuf,
    /// Apply without asking (otherwise the plan is shown and, on a terminal, confirmed).
    #[arg(long)]
    pub yes: bool,
    /// People only: deactivate the active people the file leaves out.
    #[arg(long)]
    pub deactivate_missing: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum ExportCommand {
    /// People as CSV (email,name,department,role,active), what `import people` reads.
    People(ExportArgs),
    /// Departments as CSV (handle,name,parent), what `import departments` reads.
    Departments(ExportArgs),
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    db: DatabaseArgs,
    /// Where to write; standard output when left out.
    file: Option<PathBuf>,
}

pub async fn export(command: ExportCommand) -> anyhow::Result<()> {
    let (table, args) = match command {
        ExportCommand::People(args) => (Table::People, args),
        ExportCommand::Departments(args) => (Table::Departments, args),
    };
    let db = args.db.open().await?;
    let app = App::new(db.clone(), Arc::new(SystemClock));
    let text = roster::export(&app, &Actor::operator(), table).await;
    db.close().await;
    let text = text.map_err(|e| anyhow::anyhow!("cannot export the {}: {e}", table.name()))?;
    match args.file {
        Some(path) => std::fs::write(&path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().write_all(text.as_bytes())?,
    }
    Ok(())
}

/// The plan in words, one line per row it touches.
pub fn describe(plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    match plan {
        Plan::Departments(p) => {
            for d in &p.create {
                let parent = d
                    .parent
                    .as_deref()
                    .map(|p| format!(" in {p}"))
                    .unwrap_or_default();
                out.push(format!(
                    "line {}: create {} ({}){parent}",
                    d.line, d.handle, d.name
                ));
            }
            for d in &p.change {
                out.push(format!(
                    "line {}: change {}: {}",
                    d.line,
                    d.handle,
                    d.changes.join(", ")
                ));
            }
        }
        Plan::People(p) => {
            for n in &p.create {
                let inactive = if n.active { "" } else { ", inactive" };
                out.push(format!(
                    "line {}: create {} <{}> ({}{inactive})",
                    n.line,
                    n.name,
                    n.email,
                    n.role.as_str()
                ));
            }
            for c in &p.change {
                out.push(format!(
                    "line {}: change {}: {}",
                    c.line,
                    c.email,
                    c.changes.join(", ")
                ));
            }
            for d in &p.deactivate {
                out.push(format!(
                    "deactivate {} <{}> (not in the file)",
                    d.name, d.email
                ));
            }
        }
    }
    out
}

pub async fn import(table: Table, args: RosterArgs) -> anyhow::Result<()> {
    let text = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let Ok(text) = String::from_utf8(text) else {
        bail!("{} is not UTF-8 text", args.file.display());
    };
    if args.deactivate_missing && table == Table::Departments {
        bail!("--deactivate-missing is for people only");
    }
    let db = args.db.open().await?;
    let result = run(&db, table, &text, &args).await;
    db.close().await;
    result
}

async fn run(
    db: &handoff_store::Db,
    table: Table,
    text: &str,
    args: &RosterArgs,
) -> anyhow::Result<()> {
    let app = App::new(db.clone(), Arc::new(SystemClock));
    let operator = Actor::operator();
    let refused = |e: Refused| match e {
        Refused::Lines(lines) => {
            for line in &lines {
                eprintln!("{}: {line}", args.file.display());
            }
            anyhow::anyhow!(
                "{} bad line{} in {}: nothing was imported",
                lines.len(),
                if lines.len() == 1 { "" } else { "s" },
                args.file.display()
            )
        }
        Refused::Action(e) => anyhow::anyhow!("{e}: nothing was imported"),
    };
    let plan = roster::plan(&app, &operator, table, text, args.deactivate_missing)
        .await
        .map_err(refused)?;
    for line in describe(&plan) {
        eprintln!("{line}");
    }
    eprintln!("{}: {}", table.name(), plan.summary());
    if plan.is_empty() {
        eprintln!("nothing to change");
        return Ok(());
    }
    if !args.yes {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            eprintln!("nothing written: run again with --yes to apply this plan");
            return Ok(());
        }
        eprint!("apply? [y/N] ");
        let mut answer = String::new();
        stdin.lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            eprintln!("nothing written");
            return Ok(());
        }
    }
    let digest = plan.digest();
    let applied = roster::apply(
        &app,
        &operator,
        table,
        text,
        args.deactivate_missing,
        Some(&digest),
    )
    .await
    .map_err(refused)?;
    eprintln!("imported: {}", applied.summary());
    Ok(())
}

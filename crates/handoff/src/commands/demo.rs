//! `handoff demo`: fill an empty database with a believable organisation.

use std::sync::Arc;

use anyhow::{Context, bail};
use handoff_app::{App, import};
use handoff_demo::dependencies::HISTORY_DAYS;
use handoff_demo::{DemoOptions, history};
use handoff_domain::clock::{Clock, ManualClock, SystemClock};
use handoff_store::Db;

use crate::config::DatabaseArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    db: DatabaseArgs,
    /// How many requests the demo's history holds: filed, worked, passed on, resolved
    /// and rated over the last 90 days, replayed through `handoff import events` as an
    /// organisation moving in would, with ratings, deliverables, concerns and kudos.
    #[arg(long, default_value_t = 400)]
    requests: u64,
    /// How many departments: fewer than the demo's 12 takes the first ones, more adds
    /// regional copies of them ("Sales North", under Sales) with the same services.
    #[arg(long)]
    departments: Option<usize>,
    /// How many people besides the administrator, spread over the departments (at least
    /// two a department); by default the demo's 53.
    #[arg(long)]
    people: Option<usize>,
    /// Requests written straight into the tables besides the history (fast: a million in
    /// minutes), for load tests.
    #[arg(long, default_value_t = 0)]
    bulk_requests: u64,
    /// Write the history to this file (JSON Lines, as `handoff import events` reads it)
    /// instead of importing it: the import's benchmark replays it.
    #[arg(long, value_name = "FILE")]
    write_history: Option<std::path::PathBuf>,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let db = args.db.open().await?;
    let history = match &args.write_history {
        Some(path) => History::Write(path),
        None => History::Import,
    };
    let shape = handoff_demo::Shape {
        departments: args.departments,
        people: args.people,
    };
    shape.check().map_err(anyhow::Error::msg)?;
    let filled = fill(&db, shape, args.requests, args.bulk_requests, history).await?;
    db.close().await;
    if !filled {
        bail!("the database already has data; the demo fills only an empty one");
    }
    Ok(())
}

/// The password every demo person signs in with.
pub const DEMO_PASSWORD: &str = "handoff-demo";

/// Fills the database when empty and prints how to sign in; false when it had data.
pub async fn fill(
    db: &Db,
    shape: handoff_demo::Shape,
    requests: u64,
    bulk_requests: u64,
    history_to: History<'_>,
) -> anyhow::Result<bool> {
    let now = SystemClock.now();
    let options = DemoOptions {
        requests: bulk_requests,
        progress: true,
        shape,
    };
    let Some(mut summary) = handoff_demo::fill(db, &options, now).await? else {
        return Ok(false);
    };
    let (dependencies, deliverables, _) = handoff_demo::dependencies::fill(db, now, false)
        .await
        .map_err(|e| anyhow::anyhow!("the demo's dependencies: {e}"))?;
    let (imported, planted) = history(db, now, requests, history_to).await?;
    let deliveries = imported
        .events
        .get("occurrence_delivered")
        .copied()
        .unwrap_or(0);
    summary.requests += imported.events.get("request_created").copied().unwrap_or(0) as u64;
    let (requests, comments) = handoff_demo::live::file_live(db, now)
        .await
        .map_err(|e| anyhow::anyhow!("the demo's live requests: {e}"))?;
    summary.requests += requests;
    summary.comments += comments;
    let (ratings, kudos, concerns, answers) = handoff_demo::feedback::fill(db, now)
        .await
        .map_err(|e| anyhow::anyhow!("the demo's feedback: {e}"))?;
    let admin = handoff_store::people::find_by_email(db, &summary.admin_email).await?;
    let token = handoff_store::tokens::create(db, admin.id, "demo", now).await?;
    // One hash for everyone: demo people share a known password.
    let hash = handoff_domain::password::hash(DEMO_PASSWORD).map_err(anyhow::Error::msg)?;
    handoff_store::people::set_missing_password_hashes(db, &hash).await?;
    eprintln!(
        "demo organisation: {} departments, {} people, {} services, {} requests, {} comments",
        summary.departments, summary.people, summary.services, summary.requests, summary.comments
    );
    eprintln!(
        "feedback: {ratings} ratings, {kudos} kudos, {concerns} concerns, {answers} pulse answers"
    );
    eprintln!(
        "dependencies: {dependencies}, with {deliverables} recurring deliverables and {deliveries} deliveries"
    );
    eprintln!("history: {} events imported; {planted}", imported.lines);
    eprintln!("API token for {}: {token}", summary.admin_email);
    eprintln!(
        "sign in to the pages as {} (or any demo person) with the password {DEMO_PASSWORD}",
        summary.admin_email
    );
    Ok(true)
}

/// What becomes of the demo's history.
#[derive(Debug, Clone, Copy)]
pub enum History<'a> {
    /// Replayed through the import.
    Import,
    /// Written to a file, for `handoff import events`.
    Write(&'a std::path::Path),
}

/// Generates the demo's history over the last [`HISTORY_DAYS`] and replays it through the
/// import (or writes it to a file); returns what was imported and the planted problems in
/// words.
async fn history(
    db: &Db,
    now: jiff::Timestamp,
    requests: u64,
    to: History<'_>,
) -> anyhow::Result<(import::Summary, String)> {
    let from = now
        .checked_sub(jiff::SignedDuration::from_hours(24 * HISTORY_DAYS))
        .map_err(anyhow::Error::msg)?;
    let clock = Arc::new(ManualClock::new(from));
    let app = App::new(db.clone(), clock.clone());
    let org = history::read_org(&app, from, now)
        .await
        .map_err(|e| anyhow::anyhow!("the demo's history: {e}"))?;
    let options = history::HistoryOptions {
        requests,
        from,
        to: now,
        seed: 42,
    };
    let (lines, planted) = history::generate(&org, &options);
    if lines.is_empty() {
        return Ok((import::Summary::default(), "no history".to_owned()));
    }
    let summary = match to {
        History::Write(path) => {
            std::fs::write(path, history::to_jsonl(&lines))
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "history of {} events written to {}",
                lines.len(),
                path.display()
            );
            import::Summary::default()
        }
        History::Import => {
            import::check(&app, &lines)
                .await
                .map_err(|e| anyhow::anyhow!("the demo's history: {e}"))?;
            super::import::replay("history", &app, &clock, &lines)
                .await
                .map_err(|e| anyhow::anyhow!("the demo's history: {e}"))?
        }
    };
    let name = |id: i64| async move {
        handoff_store::departments::get(db, id)
            .await
            .map(|d| d.name)
            .unwrap_or_else(|_| format!("department {id}"))
    };
    let mut planted_words = Vec::new();
    if let Some(slow) = planted.slow_provider {
        planted_words.push(format!("{} answers slowly", name(slow).await));
    }
    if let Some(late) = planted.late_deliverer {
        planted_words.push(format!("{} misses its deliverables", name(late).await));
    }
    if let Some((customer, provider)) = planted.unhappy_pair {
        planted_words.push(format!(
            "{} is unhappy with {} whose SLAs are green",
            name(customer).await,
            name(provider).await
        ));
    }
    let words = if planted_words.is_empty() {
        "nothing planted (the organisation is too small)".to_owned()
    } else {
        format!("planted: {}", planted_words.join(", "))
    };
    Ok((summary, words))
}

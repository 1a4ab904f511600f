//! `handoff demo`: fill an empty database with a believable organisation.

use anyhow::bail;
use handoff_domain::clock::{Clock, SystemClock};
use handoff_store::Db;
use handoff_store::demo::{self, DemoOptions};

use crate::config::DatabaseArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    db: DatabaseArgs,
    /// How many requests to generate.
    #[arg(long, default_value_t = 400)]
    requests: u64,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let db = args.db.open().await?;
    let filled = fill(&db, args.requests).await?;
    db.close().await;
    if !filled {
        bail!("the database already has data; the demo fills only an empty one");
    }
    Ok(())
}

/// The password every demo person signs in with.
pub const DEMO_PASSWORD: &str = "handoff-demo";

/// Fills the database when empty and prints how to sign in; false when it had data.
pub async fn fill(db: &Db, requests: u64) -> anyhow::Result<bool> {
    let now = SystemClock.now();
    let options = DemoOptions {
        requests,
        progress: true,
    };
    let Some(mut summary) = demo::fill(db, &options, now).await? else {
        return Ok(false);
    };
    let (requests, comments) = handoff_app::demo::file_live(db, now)
        .await
        .map_err(|e| anyhow::anyhow!("the demo's live requests: {e}"))?;
    summary.requests += requests;
    summary.comments += comments;
    let (ratings, kudos, concerns, answers) = handoff_app::demo_feedback::fill(db, now)
        .await
        .map_err(|e| anyhow::anyhow!("the demo's feedback: {e}"))?;
    let (dependencies, deliverables, deliveries) = handoff_app::demo_dependencies::fill(db, now)
        .await
        .map_err(|e| anyhow::anyhow!("the demo's dependencies: {e}"))?;
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
    eprintln!("API token for {}: {token}", summary.admin_email);
    eprintln!(
        "sign in to the pages as {} (or any demo person) with the password {DEMO_PASSWORD}",
        summary.admin_email
    );
    Ok(true)
}

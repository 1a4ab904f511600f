//! `handoff migrate`: apply pending migrations and stop.

use crate::config::DatabaseArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    db: DatabaseArgs,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let db = args.db.open().await?;
    db.close().await;
    eprintln!("migrations applied");
    Ok(())
}

//! `handoff person`: what an administrator sets for a person outside the API.

use std::io::BufRead;

use anyhow::{Context, bail};
use handoff_domain::password;
use handoff_store::people;

use super::token::find;
use crate::config::DatabaseArgs;

#[derive(clap::Subcommand, Debug)]
pub enum PersonCommand {
    /// Set the password a person signs in to the pages with, read as one line from
    /// standard input; their open sessions end.
    Password {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

pub async fn run(cmd: PersonCommand) -> anyhow::Result<()> {
    match cmd {
        PersonCommand::Password { email, db } => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("cannot read the password from standard input")?;
            let secret = line.trim_end_matches(['\r', '\n']);
            if let Err(why) = password::check(secret) {
                bail!("the password {why}");
            }
            let db = db.open().await?;
            let person = find(&db, &email).await?;
            if !person.active {
                bail!("{email} is deactivated");
            }
            let hash = password::hash(secret).map_err(anyhow::Error::msg)?;
            people::set_password_hash(&db, person.id, &hash).await?;
            db.close().await;
            eprintln!("password set for {email}");
        }
    }
    Ok(())
}

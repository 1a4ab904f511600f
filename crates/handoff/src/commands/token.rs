//! `handoff token`: API tokens for people, printed once and stored hashed.

use anyhow::{Context, bail};
use handoff_domain::clock::{Clock, SystemClock};
use handoff_store::{StoreError, people, tokens};

use crate::config::DatabaseArgs;

#[derive(clap::Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a token and print it on stdout (only the token).
    Create {
        #[arg(long)]
        email: String,
        /// A label to tell tokens apart, e.g. the script that uses it.
        #[arg(long, default_value = "cli")]
        name: String,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Revoke a token, given the token itself, or a person's tokens by e-mail (and name).
    Revoke {
        /// The token to revoke.
        #[arg(required_unless_present = "email", conflicts_with = "email")]
        token: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// With --email: only the tokens with this name.
        #[arg(long, requires = "email")]
        name: Option<String>,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

pub async fn run(cmd: TokenCommand) -> anyhow::Result<()> {
    let now = SystemClock.now();
    match cmd {
        TokenCommand::Create { email, name, db } => {
            let db = db.open().await?;
            let person = find(&db, &email).await?;
            if !person.active {
                bail!("{email} is deactivated");
            }
            let token = tokens::create(&db, person.id, &name, now).await?;
            println!("{token}");
        }
        TokenCommand::Revoke {
            token,
            email,
            name,
            db,
        } => {
            let db = db.open().await?;
            if let Some(token) = token {
                match tokens::revoke(&db, token.trim(), now).await {
                    Ok(()) => eprintln!("token revoked"),
                    Err(StoreError::NotFound) => bail!("no live token matches"),
                    Err(e) => return Err(e.into()),
                }
            } else if let Some(email) = email {
                let person = find(&db, &email).await?;
                let n = tokens::revoke_for(&db, person.id, name.as_deref(), now).await?;
                eprintln!("{n} token(s) revoked");
            }
        }
    }
    Ok(())
}

pub(crate) async fn find(db: &handoff_store::Db, email: &str) -> anyhow::Result<people::Person> {
    match people::find_by_email(db, email).await {
        Ok(person) => Ok(person),
        Err(StoreError::NotFound) => bail!("no person has the e-mail {email}"),
        Err(e) => Err(e).context("cannot look up the person"),
    }
}

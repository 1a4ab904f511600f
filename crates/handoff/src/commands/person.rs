//! `handoff person`: what an administrator sets for a person outside the API, and the
//! first administrator of an empty database (every API call needs a person's token).

use std::io::BufRead;

use anyhow::{Context, bail};
use handoff_domain::FieldErrors;
use handoff_domain::clock::{Clock, SystemClock};
use handoff_domain::org::{Role, check_email, check_handle};
use handoff_domain::password;
use handoff_domain::validation::text;
use handoff_store::departments::{self, NewDepartment};
use handoff_store::people::{self, NewPerson};
use handoff_store::{Db, StoreError};

use super::token::find;
use crate::config::DatabaseArgs;

#[derive(clap::Subcommand, Debug)]
pub enum PersonCommand {
    /// Create a person; in an empty database, with their department (this is how the
    /// first administrator comes to be). Prints the person's id.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// The handle of the person's department. It must exist, unless the database
        /// has no department at all: then it is created.
        #[arg(long, value_name = "HANDLE")]
        department: String,
        /// The name of the department when it is created (default: its handle).
        #[arg(long, value_name = "NAME")]
        department_name: Option<String>,
        /// member, manager or admin.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Also set the password they sign in to the pages with, read as one line from
        /// standard input.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Set the password a person signs in to the pages with, read as one line from
    /// standard input; their open sessions end.
    Password {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

fn parse_role(value: &str) -> Result<Role, String> {
    Role::parse(value).ok_or_else(|| "must be member, manager or admin".to_owned())
}

pub async fn run(cmd: PersonCommand) -> anyhow::Result<()> {
    match cmd {
        PersonCommand::Create {
            email,
            name,
            department,
            department_name,
            role,
            password_stdin,
            db,
        } => {
            // Everything is checked before the database is touched.
            let mut errors = FieldErrors::new();
            let email = check_email(&mut errors, "--email", &email);
            let name = text(&mut errors, "--name", &name, 100);
            let handle = check_handle(&mut errors, "--department", &department);
            let department_name = department_name
                .map(|n| text(&mut errors, "--department-name", &n, 100))
                .unwrap_or_else(|| handle.clone());
            if !errors.is_empty() {
                bail!("{errors}");
            }
            let hash = if password_stdin {
                let secret = read_password()?;
                Some(password::hash(&secret).map_err(anyhow::Error::msg)?)
            } else {
                None
            };
            let db = db.open().await?;
            let result = create(
                &db,
                &email,
                &name,
                role,
                &handle,
                &department_name,
                hash.as_deref(),
            )
            .await;
            db.close().await;
            println!("{}", result?);
        }
        PersonCommand::Password { email, db } => {
            let secret = read_password()?;
            let db = db.open().await?;
            let person = find(&db, &email).await?;
            if !person.active {
                bail!("{email} is deactivated");
            }
            let hash = password::hash(&secret).map_err(anyhow::Error::msg)?;
            people::set_password_hash(&db, person.id, &hash).await?;
            db.close().await;
            eprintln!("password set for {email}");
        }
    }
    Ok(())
}

/// Creates the person (and, in an empty database, their department); returns their id.
async fn create(
    db: &Db,
    email: &str,
    name: &str,
    role: Role,
    handle: &str,
    department_name: &str,
    password_hash: Option<&str>,
) -> anyhow::Result<i64> {
    let now = SystemClock.now();
    let (department, created) = match departments::find_by_handle(db, handle).await {
        Ok(department) => (department, false),
        Err(StoreError::NotFound) => {
            let new = NewDepartment {
                name: department_name,
                handle,
                parent_id: None,
            };
            match departments::create_first(db, &new, now)
                .await
                .context("cannot create the department")?
            {
                Some(department) => (department, true),
                None => bail!(
                    "no department has the handle {handle} (only the first department is \
                     created here; create others through the API)"
                ),
            }
        }
        Err(e) => return Err(e).context("cannot look up the department"),
    };
    let new = NewPerson {
        name,
        email,
        department_id: department.id,
        role,
    };
    let person = match people::create(db, &new, now).await {
        Ok(person) => person,
        Err(e) if e.is_unique("email") => bail!("{email} is already the e-mail of a person"),
        Err(e) => return Err(e).context("cannot create the person"),
    };
    if let Some(hash) = password_hash {
        people::set_password_hash(db, person.id, hash).await?;
    }
    eprintln!(
        "{} ({email}) is {} {} in {}{}",
        person.name,
        if role == Role::Admin { "an" } else { "a" },
        role.as_str(),
        department.handle,
        if created { ", a new department" } else { "" },
    );
    Ok(person.id)
}

/// A password read as one line from standard input, checked.
fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let secret = line.trim_end_matches(['\r', '\n']);
    if let Err(why) = password::check(secret) {
        bail!("the password {why}");
    }
    Ok(secret.to_owned())
}

//! Throwaway PostgreSQL databases on a server, one per test or benchmark run, so that
//! runs never see each other's data, and the least organisation such a run needs.

use handoff_domain::org::Role;
use handoff_domain::request::Priority;
use jiff::Timestamp;
use rand::RngCore;

use handoff_store::departments::{self, NewDepartment};
use handoff_store::people::{self, NewPerson};
use handoff_store::requests::NewRequest;
use handoff_store::services::{self, NewService};
use handoff_store::{Db, PoolSize, Result};

/// The PostgreSQL server tests use: `HANDOFF_TEST_POSTGRES_URL` (scripts/test starts a
/// throwaway one and sets it), else the local server.
pub fn test_server() -> String {
    std::env::var("HANDOFF_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// What [`one_service`] made.
#[derive(Debug, Clone, Copy)]
pub struct Desk {
    pub department_id: i64,
    pub person_id: i64,
    pub service_id: i64,
}

impl Desk {
    /// A request to the desk's service, filed by its person, with no form values.
    pub fn request<'a>(
        &self,
        subject: &'a str,
        fields: &'a serde_json::Map<String, serde_json::Value>,
    ) -> NewRequest<'a> {
        NewRequest {
            service_id: self.service_id,
            provider_department_id: self.department_id,
            requester_id: self.person_id,
            requester_department_id: self.department_id,
            subject,
            description: "",
            priority: Priority::Normal,
            fields,
        }
    }
}

/// A department "IT" with one person of `role` and one service open to everyone: the
/// least a run needs to file requests.
pub async fn one_service(db: &Db, role: Role, now: Timestamp) -> Result<Desk> {
    let department = NewDepartment {
        name: "IT",
        handle: "it",
        parent_id: None,
    };
    let department = departments::create(db, &department, now).await?;
    let person = NewPerson {
        name: "Pat Person",
        email: "pat@example.org",
        department_id: department.id,
        role,
    };
    let person = people::create(db, &person, now).await?;
    let service = open_service(db, department.id, "Help", now).await?;
    Ok(Desk {
        department_id: department.id,
        person_id: person.id,
        service_id: service.id,
    })
}

/// A service of `department_id` open to everyone, with no form fields.
pub async fn open_service(
    db: &Db,
    department_id: i64,
    name: &str,
    now: Timestamp,
) -> Result<services::Service> {
    let service = NewService {
        department_id,
        name,
        description: "",
        owner_id: None,
        open_to_everyone: true,
        audience: &[],
        confidential: false,
        fields: &[],
        pause_on_links: false,
    };
    services::create(db, &service, now).await
}

/// A database created for one run; [`ScratchDatabase::drop`] removes it.
#[derive(Debug, Clone)]
pub struct ScratchDatabase {
    server: String,
    pub name: String,
    /// Where to connect to it.
    pub url: String,
}

impl ScratchDatabase {
    /// Creates `{prefix}_{random}` on the server `server` (a `postgres://` URL whose user
    /// may create databases).
    pub async fn create(server: &str, prefix: &str) -> Result<ScratchDatabase> {
        let name = format!("{prefix}_{:016x}", rand::rng().next_u64());
        let admin = Db::connect(server, PoolSize { max_connections: 1 }).await?;
        let created = admin.execute_raw(&format!("CREATE DATABASE {name}")).await;
        admin.close().await;
        created?;
        let url = with_database(server, &name);
        Ok(ScratchDatabase {
            server: server.to_owned(),
            name,
            url,
        })
    }

    /// Drops the database, disconnecting whoever still uses it; failures are ignored
    /// (a throwaway server goes away anyway).
    pub async fn drop(self) {
        if let Ok(admin) = Db::connect(&self.server, PoolSize { max_connections: 1 }).await {
            let _ = admin
                .execute_raw(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ))
                .await;
            admin.close().await;
        }
    }
}

/// The server URL with its database replaced by `database`, keeping any parameters.
fn with_database(server: &str, database: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (server, String::new()),
    };
    let (scheme, rest) = base.split_once("://").unwrap_or(("postgres", base));
    let host = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}://{host}/{database}{query}")
}

/// A migrated database for an in-process measurement: SQLite in a temporary folder, or
/// with `BENCH_ENGINE=postgres` a scratch database on [`test_server`].
pub struct BenchDatabase {
    pub db: Db,
    /// `sqlite` or `postgres`, as the figures are labelled.
    pub engine: String,
    scratch: Option<ScratchDatabase>,
    _dir: tempfile::TempDir,
}

impl BenchDatabase {
    /// Panics when it cannot: it serves measurements, not the application.
    pub async fn open() -> BenchDatabase {
        let engine = std::env::var("BENCH_ENGINE").unwrap_or_else(|_| "sqlite".to_owned());
        let dir = tempfile::tempdir().expect("a temporary folder");
        let scratch = match engine.as_str() {
            "postgres" => Some(
                ScratchDatabase::create(&test_server(), "handoff_bench")
                    .await
                    .expect("a scratch database on PostgreSQL"),
            ),
            _ => None,
        };
        let url = match &scratch {
            Some(s) => s.url.clone(),
            None => format!("sqlite://{}", dir.path().join("bench.db").display()),
        };
        let db = Db::connect(&url, PoolSize { max_connections: 8 })
            .await
            .expect("connect");
        db.migrate().await.expect("migrate");
        BenchDatabase {
            db,
            engine,
            scratch,
            _dir: dir,
        }
    }

    /// Prints the percentiles of `took` (milliseconds per call) as a `RESULT` line.
    pub fn report(&self, name: &str, mut took: Vec<f64>, size: usize) {
        took.sort_by(f64::total_cmp);
        let at = |q: f64| took[((took.len() as f64 * q) as usize).min(took.len() - 1)];
        println!(
            "RESULT {name} {}: {} calls, p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({size} bytes)",
            self.engine,
            took.len(),
            at(0.50),
            at(0.95),
            at(0.99),
            took[took.len() - 1]
        );
    }

    /// Closes the connections and drops a scratch database.
    pub async fn close(self) {
        self.db.close().await;
        if let Some(s) = self.scratch {
            s.drop().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn urls_keep_their_server_and_parameters() {
        assert_eq!(
            with_database("postgres://u@h:5/postgres", "x"),
            "postgres://u@h:5/x"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
        assert_eq!(
            with_database("postgresql://h/db?sslmode=disable", "x"),
            "postgresql://h/x?sslmode=disable"
        );
    }
}

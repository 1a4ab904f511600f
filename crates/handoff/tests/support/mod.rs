//! What the tests of the `handoff` binary share: a `handoff serve` process on a free
//! port of 127.0.0.1, killed however the test ends; a command run to its end; a database
//! with a service to file requests to.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `handoff serve`; killed when dropped.
#[allow(dead_code)] // Not every test binary serves.
pub struct Served {
    child: Child,
    /// Its address, `http://127.0.0.1:PORT`.
    pub base: String,
}

#[allow(dead_code)]
impl Served {
    /// Starts `handoff serve` on a free port, with the arguments and environment that
    /// `configure` adds (its output goes nowhere unless `configure` says otherwise), and
    /// waits until it answers `/healthz` (at most 30 s).
    pub async fn start(configure: impl FnOnce(&mut Command)) -> Served {
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("a free port")
            .local_addr()
            .expect("its address")
            .port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_handoff"));
        command
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        configure(&mut command);
        let served = Served {
            child: command.spawn().expect("start handoff serve"),
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while client
            .get(format!("{}/healthz", served.base))
            .send()
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "the server did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        served
    }

    /// Kills the server with SIGKILL and waits for it to end.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs `handoff ARGS --database-url URL` to its end, without the database settings of
/// the environment the tests run in.
#[allow(dead_code)] // Not every test binary runs commands.
pub fn handoff(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_handoff"))
        .args(args)
        .args(["--database-url", url])
        .env_remove("HANDOFF_DATABASE_URL")
        .env_remove("HANDOFF_DATA_DIR")
        .env_remove("RUST_LOG")
        .output()
        .expect("run handoff")
}

/// Migrates the database at `url` and gives it one service and a member with a token
/// (named `token_name`) to file requests with.
#[allow(dead_code)] // Only the tests that file requests.
pub async fn desk(url: &str, token_name: &str) -> (handoff_test_support::Desk, String) {
    use handoff_store::{Db, PoolSize, tokens};
    let db = Db::connect(url, PoolSize { max_connections: 2 })
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let now = jiff::Timestamp::now();
    let desk = handoff_test_support::one_service(&db, handoff_domain::org::Role::Member, now)
        .await
        .unwrap();
    let token = tokens::create(&db, desk.person_id, token_name, now)
        .await
        .unwrap();
    db.close().await;
    (desk, token)
}

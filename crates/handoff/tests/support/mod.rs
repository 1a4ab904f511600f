//! What the tests of the `handoff` binary share: a `handoff serve` process on a free
//! port of 127.0.0.1, killed however the test ends.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `handoff serve`; killed when dropped.
pub struct Served {
    child: Child,
    /// Its address, `http://127.0.0.1:PORT`.
    pub base: String,
}

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

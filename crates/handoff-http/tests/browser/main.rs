//! End-to-end tests of the pages in a real headless Chromium, driven through ChromeDriver
//! (WebDriver): people sign in, file a request from the catalog and work it, and the SLA
//! clocks show on the pages as the test clock moves. The app runs in-process on SQLite;
//! the engines themselves are covered by the API tests.
//!
//! Needs Debian's `chromium` and `chromium-driver` (scripts/test installs them), or
//! `HANDOFF_CHROMEDRIVER` and `HANDOFF_CHROMIUM` naming the binaries.

#[allow(dead_code, unused_imports, unused_macros)]
#[path = "../api/support.rs"]
mod support;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use handoff_store::Engine;
use jiff::SignedDuration;
use serde_json::json;
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

use support::{PASSWORD, TestApp};

/// A ChromeDriver child process, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary(env: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(env)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    assert!(
        path.exists(),
        "{} not found: install Debian's chromium and chromium-driver (scripts/test does), or set {env}",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Driver {
    fn start() -> Driver {
        let chromedriver = binary("HANDOFF_CHROMEDRIVER", "/usr/bin/chromedriver");
        let port = free_port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            _profile: tempfile::tempdir().expect("profile dir"),
        };
        // Ready once it accepts connections.
        let deadline = Instant::now() + Duration::from_secs(20);
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        driver
    }

    async fn browser(&self) -> WebDriver {
        let chromium = binary("HANDOFF_CHROMIUM", "/usr/bin/chromium");
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(&chromium.to_string_lossy()).unwrap();
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
            "--window-size=1280,1000",
        ] {
            caps.add_arg(arg).unwrap();
        }
        caps.add_arg(&format!(
            "--user-data-dir={}",
            self._profile.path().display()
        ))
        .unwrap();
        WebDriver::new(&self.url, caps)
            .await
            .expect("a Chromium session")
    }
}

/// The web page as a person uses it.
struct Person {
    web: WebDriver,
    base: String,
}

impl Person {
    async fn open(&self, path: &str) {
        self.web.goto(format!("{}{path}", self.base)).await.unwrap();
    }

    async fn sign_in(&self, email: &str) {
        self.open("/requests").await;
        // Sent to the sign-in form first.
        assert!(self.path().await.starts_with("/sign-in"));
        self.type_into("input[name=email]", email).await;
        self.type_into("input[name=password]", PASSWORD).await;
        self.follow("main button[type=submit]").await;
        self.wait_for_path("/requests").await;
    }

    async fn sign_out(&self) {
        self.follow("header .who button").await;
        self.wait_for_path("/sign-in").await;
    }

    async fn path(&self) -> String {
        let url = self.web.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    async fn wait_for_path(&self, prefix: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let path = self.path().await;
            if path.starts_with(prefix) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "still at {path}, expected {prefix}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn find(&self, css: &str) -> WebElement {
        self.web
            .query(By::Css(css))
            .first()
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
    }

    async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let input = self.find(css).await;
        input.clear().await.unwrap();
        input.send_keys(text).await.unwrap();
    }

    async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    /// Clicks a link or a submit button and waits until the next page has replaced this
    /// one (it may have the same address: a form that posts back to its own page).
    async fn follow(&self, css: &str) {
        let old = self.find("html").await;
        self.click(css).await;
        old.wait_until().stale().await.unwrap();
    }

    async fn select(&self, css: &str, value: &str) {
        let select = SelectElement::new(&self.find(css).await).await.unwrap();
        select.select_by_value(value).await.unwrap();
    }

    /// Saves a screenshot as `NAME.png` in `HANDOFF_SCREENSHOTS`, when set, to look at
    /// the pages by eye.
    async fn snap(&self, name: &str) {
        if let Some(dir) = std::env::var_os("HANDOFF_SCREENSHOTS") {
            let path = PathBuf::from(dir).join(format!("{name}.png"));
            self.web.screenshot(&path).await.unwrap();
        }
    }

    /// The text of the SLA table's row for a target.
    async fn sla_row(&self, target: &str) -> String {
        self.text(&format!("#sla tr[data-target=\"{target}\"]"))
            .await
    }
}

/// Serves the app and opens a Chromium on it; the driver must outlive the browser.
async fn open_browser(app: &TestApp) -> (Driver, Person) {
    let base = format!("http://{}", app.serve().await);
    let driver = Driver::start();
    let web = driver.browser().await;
    (driver, Person { web, base })
}

async fn email(app: &TestApp, person_id: i64) -> String {
    handoff_store::people::get(&app.db, person_id)
        .await
        .unwrap()
        .email
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_filed_and_worked_in_the_browser_with_its_clocks_in_view() {
    let app = TestApp::new(Engine::Sqlite).await;
    let s = app.scene().await;
    support::with_policy(
        &app,
        &s,
        json!({"first_response_minutes": 60, "resolution_minutes": 480}),
    )
    .await;
    // Passwords for both sides.
    app.signed_in(&s.requester).await;
    app.signed_in(&s.designer).await;
    let (_driver, person) = open_browser(&app).await;

    // The requester files from the catalog; a missing required field is explained.
    person
        .sign_in(&email(&app, s.requester.person_id).await)
        .await;
    person.open("/catalog").await;
    person.follow("section.catalog a").await;
    person
        .wait_for_path(&format!("/catalog/{}", s.service))
        .await;
    person
        .type_into("#subject", "Poster for the spring fair")
        .await;
    person.follow("#file").await;
    assert!(person.text("#form-error").await.contains("need attention"));
    assert_eq!(
        person.text("[data-field=\"field.format\"]").await,
        "is required"
    );
    // What was typed is still there.
    assert_eq!(
        person
            .find("#subject")
            .await
            .value()
            .await
            .unwrap()
            .as_deref(),
        Some("Poster for the spring fair")
    );
    person
        .select("select[name=\"field.format\"]", "poster")
        .await;
    person.select("#priority", "high").await;
    person
        .click("input[name=\"field.channels\"][value=\"print\"]")
        .await;
    person.follow("#file").await;
    person.wait_for_path("/requests/").await;
    let request_path = person.path().await;
    assert_eq!(person.text("h1 .status").await, "New");
    let first = person.sla_row("First response").await;
    assert!(first.contains("Running"), "{first}");
    assert!(first.contains("1 h 00 min left"), "{first}");
    assert!(first.contains("Mon 23 Nov 2026, 10:00 UTC"), "{first}");
    person.snap("request-filed").await;
    person.sign_out().await;

    // Forty-five minutes later the designer sees it in the queue, with the clock.
    app.clock.advance(SignedDuration::from_mins(45));
    person
        .sign_in(&email(&app, s.designer.person_id).await)
        .await;
    person.open("/requests?view=queue").await;
    let row = person.text("table.requests tbody tr").await;
    assert!(row.contains("Poster for the spring fair"), "{row}");
    assert!(row.contains("First response: 15 min left"), "{row}");
    person.snap("queue").await;
    person.follow("table.requests tbody tr a").await;
    person.wait_for_path(&request_path).await;
    // Shown in the designer's department zone (London).
    assert!(
        person
            .sla_row("First response")
            .await
            .contains("Mon 23 Nov 2026, 10:00 GMT")
    );

    // Assign to self, reply: first response met.
    person
        .select("#assignee-select", &s.designer.person_id.to_string())
        .await;
    person.follow("#assign").await;
    person.wait_for_path(&request_path).await;
    person
        .type_into("#reply-body", "Which size do you need?")
        .await;
    person.follow("#reply").await;
    person.wait_for_path(&request_path).await;
    assert!(person.sla_row("First response").await.contains("Met"));
    assert!(
        person
            .text("#conversation")
            .await
            .contains("Which size do you need?")
    );

    // Waiting on the customer pauses resolution; the history says so.
    person.select("#move-status", "in_progress").await;
    person.follow("#move").await;
    person.wait_for_path(&request_path).await;
    person.select("#move-status", "waiting_on_customer").await;
    person.follow("#move").await;
    person.wait_for_path(&request_path).await;
    assert_eq!(person.text("h1 .status").await, "Waiting on customer");
    assert!(person.sla_row("Resolution").await.contains("Paused"));
    assert!(
        person
            .text("#history")
            .await
            .contains("Resolution clock paused")
    );
    person.snap("request-waiting").await;
    person.web.clone().quit().await.unwrap();
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_breach_shows_on_the_page_in_the_notifications_and_in_the_report() {
    let app = TestApp::new(Engine::Sqlite).await;
    let s = app.scene().await;
    support::with_policy(&app, &s, json!({"first_response_minutes": 60})).await;
    let id = app.file(&s.requester, s.service, "Urgent banner").await;
    app.signed_in(&s.designer).await;
    app.clock.advance(SignedDuration::from_mins(80));
    handoff_worker::run_once(&app.actions)
        .await
        .unwrap();
    let (_driver, person) = open_browser(&app).await;
    person
        .sign_in(&email(&app, s.designer.person_id).await)
        .await;

    person.open(&format!("/requests/{id}")).await;
    let row = person.sla_row("First response").await;
    assert!(row.contains("Breached"), "{row}");
    assert!(row.contains("20 min overdue"), "{row}");

    person.open("/notifications").await;
    let notes = person.text("ul.notifications").await;
    assert!(notes.contains(&format!("request #{id}")), "{notes}");
    person.follow("ul.notifications a").await;
    person.wait_for_path(&format!("/requests/{id}")).await;

    person.open("/reports/sla").await;
    let table = person.text("#attainment").await;
    assert!(table.contains("Graphics for a campaign"), "{table}");
    assert!(table.contains("0.0 %"), "{table}");
    assert!(person.text("#breaches").await.contains("Urgent banner"));
    person.select("#group-by", "provider_department").await;
    person.follow("form.filters button").await;
    person
        .wait_for_path("/reports/sla?group_by=provider_department")
        .await;
    assert!(person.text("#attainment").await.contains("DESIGN"));
    person.snap("report").await;
    person.web.clone().quit().await.unwrap();
    app.cleanup().await;
}

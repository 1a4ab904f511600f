//! End-to-end tests of the pages in a real headless Chromium, driven through ChromeDriver
//! (WebDriver): people sign in, file a request from the catalog and work it, and the SLA
//! clocks show on the pages as the test clock moves. The app runs in-process on SQLite;
//! the engines themselves are covered by the API tests.
//!
//! Every page a test opens or follows to is checked at 1280 px and 390 px wide: it must
//! not scroll sideways, and axe-core must find no serious or critical violation in it.
//!
//! Needs Debian's `chromium` and `chromium-driver` (scripts/test installs them), or
//! `HANDOFF_CHROMEDRIVER` and `HANDOFF_CHROMIUM` naming the binaries; and axe-core from
//! npm: `npm ci` in this folder (scripts/test runs it), or `HANDOFF_AXE` naming an
//! `axe.min.js`.

mod queue;
mod screenshots;
mod search;
mod setup;
#[allow(dead_code, unused_imports, unused_macros)]
#[path = "../api/support.rs"]
mod support;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use handoff_store::Engine;
use jiff::SignedDuration;
use serde_json::{Value, json};
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

/// The viewport widths every page must fit without scrolling sideways: a laptop, a phone.
const WIDTHS: [u32; 2] = [1280, 390];

/// axe-core's `axe.min.js`, from npm (`npm ci` in tests/browser) or `HANDOFF_AXE`.
fn axe_source() -> &'static str {
    static AXE: OnceLock<String> = OnceLock::new();
    AXE.get_or_init(|| {
        let path = std::env::var_os("HANDOFF_AXE")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/browser/node_modules/axe-core/axe.min.js")
            });
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}: run `npm ci` in crates/handoff-http/tests/browser (scripts/test does), or set HANDOFF_AXE",
                path.display()
            )
        })
    })
}

/// Measures the page: the viewport, the document's width, and what sticks out past the
/// viewport's right edge.
const MEASURE: &str = r#"
const root = document.documentElement;
const wide = [];
for (const e of document.body.querySelectorAll('*')) {
  const r = e.getBoundingClientRect();
  if (r.right > root.clientWidth + 0.5 && wide.length < 10) {
    wide.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
      + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '')
      + ' (right edge at ' + Math.round(r.right) + ' px)');
  }
}
return {inner: window.innerWidth, client: root.clientWidth, scroll: root.scrollWidth, wide};
"#;

/// Runs axe-core on the page; answers its serious and critical violations.
const AXE_RUN: &str = r#"
return axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => ({id: v.id, impact: v.impact, help: v.help,
              targets: v.nodes.map(n => n.target.join(' '))})));
"#;

/// A page's path as a file name: `/requests?view=mine` → `requests_view_mine`.
fn file_name(path: &str) -> String {
    path.trim_start_matches('/')
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The web page as a person uses it.
struct Person {
    web: WebDriver,
    base: String,
    /// Screenshots taken so far, to name them in order.
    shots: AtomicUsize,
}

impl Person {
    /// Opens a page and checks it.
    async fn open(&self, path: &str) {
        self.web.goto(format!("{}{path}", self.base)).await.unwrap();
        self.check().await;
    }

    /// Checks the page shown at every width of [`WIDTHS`]: the document is no wider than
    /// the viewport (nothing scrolls sideways), and axe-core finds no serious or critical
    /// violation. The window is back at its own size afterwards.
    async fn check(&self) {
        let path = self.path().await;
        let cdp = self.web.cdp();
        let emulation = cdp.emulation();
        for width in WIDTHS {
            emulation
                .set_device_metrics_override(width, 900, 1.0, false)
                .await
                .unwrap();
            let size = self.measure().await;
            assert_eq!(size["inner"], width, "{path}: viewport not resized: {size}");
            // clientWidth leaves out a vertical scroll bar: stricter than innerWidth.
            let client = size["client"].as_u64().expect("clientWidth");
            let scroll = size["scroll"].as_u64().expect("scrollWidth");
            assert!(
                scroll <= client,
                "{path} scrolls sideways at {width} px: the document is {scroll} px wide in a \
                 viewport of {client} px; sticking out: {}",
                size["wide"]
            );
            self.axe(&format!("{path} at {width} px")).await;
            if std::env::var_os("HANDOFF_SCREENSHOTS").is_some() {
                // The whole page, as tall as it is.
                let height = self
                    .web
                    .execute("return document.documentElement.scrollHeight;", Vec::new())
                    .await
                    .unwrap()
                    .convert::<u32>()
                    .unwrap();
                emulation
                    .set_device_metrics_override(width, height, 1.0, false)
                    .await
                    .unwrap();
                let n = self.shots.fetch_add(1, Ordering::Relaxed);
                self.snap(&format!("{n:03}-{}-{width}", file_name(&path)))
                    .await;
            }
        }
        emulation.clear_device_metrics_override().await.unwrap();
    }

    async fn measure(&self) -> Value {
        self.web
            .execute(MEASURE, Vec::new())
            .await
            .unwrap()
            .json()
            .clone()
    }

    /// Injects axe-core (once per document) and fails on any serious or critical
    /// violation, naming the rule, its impact and the elements.
    async fn axe(&self, what: &str) {
        let loaded = self
            .web
            .execute("return typeof window.axe === 'object';", Vec::new())
            .await
            .unwrap();
        if loaded.json() != &Value::Bool(true) {
            self.web.execute(axe_source(), Vec::new()).await.unwrap();
        }
        let found = self.web.execute(AXE_RUN, Vec::new()).await.unwrap();
        let violations = found.json().as_array().cloned().unwrap_or_default();
        let report: Vec<String> = violations
            .iter()
            .map(|v| {
                format!(
                    "{} ({}): {}; at {}",
                    v["id"].as_str().unwrap_or("?"),
                    v["impact"].as_str().unwrap_or("?"),
                    v["help"].as_str().unwrap_or(""),
                    v["targets"]
                )
            })
            .collect();
        assert!(
            report.is_empty(),
            "axe-core: {what}:\n{}",
            report.join("\n")
        );
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

    /// Clicks a link or a submit button, waits until the next page has replaced this
    /// one (it may have the same address: a form that posts back to its own page) and
    /// checks it.
    async fn follow(&self, css: &str) {
        let old = self.find("html").await;
        self.click(css).await;
        old.wait_until().stale().await.unwrap();
        self.check().await;
    }

    /// Types keys into whatever has the focus, as a person at the keyboard does.
    async fn keys(&self, keys: impl Into<TypingData>) {
        self.web
            .action_chain()
            .send_keys(keys)
            .perform()
            .await
            .unwrap();
    }

    /// Presses a key that leaves the page (Enter in a form), waits for the next page and
    /// checks it.
    async fn submit_with(&self, key: Key) {
        let old = self.find("html").await;
        self.keys(key).await;
        old.wait_until().stale().await.unwrap();
        self.check().await;
    }

    /// What has the focus: `tag#id`, else `tag.class`, else `tag[name=…]`.
    async fn focused(&self) -> String {
        let script = r#"
            const e = document.activeElement;
            const tag = e.tagName.toLowerCase();
            if (e.id) return tag + '#' + e.id;
            if (e.classList.length) return tag + '.' + e.classList[0];
            return tag + '[name=' + (e.getAttribute('name') || '') + ']';
        "#;
        let found = self.web.execute(script, Vec::new()).await.unwrap();
        found.json().as_str().unwrap_or_default().to_owned()
    }

    /// Presses Tab until `target` (as [`Person::focused`] names it) has the focus; every
    /// element on the way must show that it has it.
    async fn tab_to(&self, target: &str) {
        let visible = r#"
            const s = getComputedStyle(document.activeElement);
            return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
        "#;
        let mut seen = Vec::new();
        for _ in 0..100 {
            self.keys(Key::Tab).await;
            let now = self.focused().await;
            let shown = self.web.execute(visible, Vec::new()).await.unwrap();
            assert_eq!(
                shown.json(),
                &Value::Bool(true),
                "{now} has no visible focus"
            );
            if now == target {
                return;
            }
            seen.push(now);
        }
        panic!("Tab never reached {target}; it went through {seen:?}");
    }

    async fn find_all_count(&self, css: &str) -> usize {
        self.web.find_all(By::Css(css)).await.unwrap().len()
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
    let shots = AtomicUsize::new(0);
    (driver, Person { web, base, shots })
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
    handoff_worker::run_once(&app.actions).await.unwrap();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_laptop_and_a_phone_and_passes_axe() {
    // Every page is checked as it is opened ([`Person::check`]); this test opens the pages
    // the others do not, with long words where people type them.
    let app = TestApp::new(Engine::Sqlite).await;
    let s = app.scene().await;
    support::with_policy(
        &app,
        &s,
        json!({"first_response_minutes": 60, "resolution_minutes": 480}),
    )
    .await;
    app.admin()
        .patch(
            &format!("/api/v1/people/{}", s.requester.person_id),
            json!({"name": "Maximiliane Featherstonehaugh-Wolfeschlegelsteinhausen"}),
        )
        .await
        .assert(StatusCode::OK);
    let long = "Printer jams: see https://intranet.example.org/facilities/printers/third-floor-east/tickets/2026-11-23-jam";
    let id = app.file(&s.requester, s.service, long).await;
    app.file(&s.requester, s.service, "Banner for the spring fair")
        .await;
    s.designer
        .patch(
            &format!("/api/v1/requests/{id}"),
            json!({"assignee_id": s.design_manager.person_id}),
        )
        .await
        .assert(StatusCode::OK);
    app.signed_in(&s.requester).await;
    app.signed_in(&s.design_manager).await;
    let (_driver, person) = open_browser(&app).await;

    // A failed sign-in explains itself.
    person.open("/sign-in").await;
    person
        .type_into("input[name=email]", "nobody@example.org")
        .await;
    person
        .type_into("input[name=password]", "not the password")
        .await;
    person.follow("main button[type=submit]").await;
    assert!(person.text("#sign-in-error").await.contains("do not match"));

    // The manager's views: queues, the request, the forms they may edit, errors beside them.
    person
        .sign_in(&email(&app, s.design_manager.person_id).await)
        .await;
    person.open("/").await;
    for view in ["queue", "assigned", "mine"] {
        person.open(&format!("/requests?view={view}")).await;
    }
    person.open("/requests?view=queue&q=printer").await;
    assert!(person.text("table.requests").await.contains("Printer jams"));
    person.open(&format!("/requests/{id}")).await;
    person.type_into("#reply-body", long).await;
    person.follow("#reply").await;
    person.open("/catalog").await;
    person.open(&format!("/catalog/{}", s.service)).await;
    person.open(&format!("/services/{}/sla", s.service)).await;
    person
        .type_into("input[name=\"all.first_response\"]", "an hour")
        .await;
    person.follow("#save-sla").await;
    person.find("#sla-error").await;
    person.open("/calendars").await;
    person.follow("table a").await;
    person.type_into("#day-mon", "9am-5pm").await;
    person.follow("#save-calendar").await;
    person.find("#calendar-errors").await;
    person.open("/notifications").await;
    person.open("/reports/sla?group_by=month").await;
    person.open("/settings").await;
    person.type_into("#time-zone", "Mars/Olympus_Mons").await;
    person.follow("#save-settings").await;
    person.find("#settings-error").await;
    // An API token: created with a name, shown once, revoked.
    person
        .type_into("#token-name", "Spreadsheet of the week")
        .await;
    person.follow("#create-token").await;
    assert!(person.text("#new-token-value").await.starts_with("hoff_"));
    person
        .follow("button[aria-label=\"Revoke the token Spreadsheet of the week\"]")
        .await;
    assert!(person.text("#token-list").await.contains("Revoked"));
    person.sign_out().await;

    // The requester's: nothing to edit, their own request.
    person
        .sign_in(&email(&app, s.requester.person_id).await)
        .await;
    person.open("/requests?view=mine").await;
    person.open(&format!("/requests/{id}")).await;
    person.open(&format!("/services/{}/sla", s.service)).await;
    person.follow("p.muted a[href^=\"/calendars/\"]").await;
    // The error page.
    person.open("/no/such/page").await;
    assert!(person.text("h1").await.contains("Not found"));
    person.web.clone().quit().await.unwrap();
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_in_and_replies_with_the_keyboard_alone() {
    let app = TestApp::new(Engine::Sqlite).await;
    let s = app.scene().await;
    let id = app
        .file(&s.requester, s.service, "Logo in vector format")
        .await;
    app.signed_in(&s.designer).await;
    let (_driver, person) = open_browser(&app).await;

    // The address field has the focus; Tab to the password, Enter signs in.
    person.open(&format!("/requests/{id}")).await;
    assert_eq!(person.focused().await, "input[name=email]");
    person.keys(&email(&app, s.designer.person_id).await).await;
    person.keys(Key::Tab).await;
    person.keys(PASSWORD).await;
    person.submit_with(Key::Enter).await;
    person.wait_for_path(&format!("/requests/{id}")).await;

    // The first Tab reaches the skip link, which leads past the navigation.
    person.keys(Key::Tab).await;
    assert_eq!(person.focused().await, "a.skip");
    person.keys(Key::Enter).await;
    // Tab on to the reply, write it, tick "internal note", send it with Enter.
    person.tab_to("textarea#reply-body").await;
    person.keys("Attached in the shared folder.").await;
    person.keys(Key::Tab).await;
    assert_eq!(person.focused().await, "input#reply-internal");
    person.keys(Key::Space).await;
    person.keys(Key::Tab).await;
    assert_eq!(person.focused().await, "button#reply");
    person.submit_with(Key::Enter).await;
    person.wait_for_path(&format!("/requests/{id}")).await;
    let conversation = person.text("#conversation").await;
    assert!(
        conversation.contains("Attached in the shared folder."),
        "{conversation}"
    );
    assert!(conversation.contains("internal note"), "{conversation}");
    person.web.clone().quit().await.unwrap();
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_passed_on_and_another_department_asked_in_the_browser() {
    let app = TestApp::new(Engine::Sqlite).await;
    let s = app.scene().await;
    let fin = app.department("fin").await;
    let agent = app.manager(fin).await;
    let res = agent
        .post("/api/v1/services", json!({
            "department_id": fin, "name": "Purchase approval", "description": "Spending over budget.",
            "fields": [{"key": "amount", "label": "Amount", "type": "number", "required": true}]
        }))
        .await;
    res.assert(StatusCode::CREATED);
    let purchase = res.id();
    let id = app
        .file(&s.requester, s.service, "Stand for the fair")
        .await;
    app.signed_in(&s.designer).await;
    app.signed_in(&agent).await;
    let (_driver, person) = open_browser(&app).await;

    // Design passes it to Finance: the new form asks for the amount first.
    person
        .sign_in(&email(&app, s.designer.person_id).await)
        .await;
    person.open(&format!("/requests/{id}")).await;
    assert!(person.text("#stints").await.contains("DESIGN"));
    person
        .select("#transfer-service", &purchase.to_string())
        .await;
    person.follow("#pass-on").await;
    person
        .type_into("#transfer-reason", "Needs a budget approval first")
        .await;
    person.follow("#transfer").await;
    assert!(person.text("#form-error").await.contains("attention"));
    person
        .type_into("input[name=\"field.amount\"]", "1200")
        .await;
    person
        .type_into("#transfer-reason", "Needs a budget approval first")
        .await;
    person.follow("#transfer").await;
    person.wait_for_path(&format!("/requests/{id}")).await;
    person.find("#former-holder").await;
    assert!(
        person
            .text("#conversation")
            .await
            .contains("FIN now handles this request")
    );
    person.sign_out().await;

    // Finance asks Design for artwork on its behalf, then reads the handoffs report.
    person.sign_in(&email(&app, agent.person_id).await).await;
    person.open(&format!("/requests/{id}")).await;
    person.select("#ask-service", &s.service.to_string()).await;
    person.follow("#ask").await;
    person.find("#on-behalf-of").await;
    person.type_into("#subject", "Artwork for the quote").await;
    person
        .select("select[name=\"field.format\"]", "banner")
        .await;
    person.follow("#file").await;
    person.find("#parent").await;
    person.open(&format!("/requests/{id}")).await;
    assert!(
        person
            .text("#linked")
            .await
            .contains("Artwork for the quote")
    );
    app.clock.advance(SignedDuration::from_mins(5));
    person.open("/reports/handoffs").await;
    assert!(
        person
            .text("#handoff-totals")
            .await
            .starts_with("Requests passed on: 1;")
    );
    person.web.clone().quit().await.unwrap();
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_rated_and_kudos_given_and_featured_in_the_browser() {
    let app = TestApp::new(Engine::Sqlite).await;
    let s = app.scene().await;
    let id = app
        .file(&s.requester, s.service, "Posters for the fair")
        .await;
    s.designer
        .patch(
            &format!("/api/v1/requests/{id}"),
            json!({"status": "resolved"}),
        )
        .await
        .assert(StatusCode::OK);
    app.signed_in(&s.requester).await;
    app.signed_in(&s.design_manager).await;
    let (_driver, person) = open_browser(&app).await;

    // The requester finds the ask, rates the request, then thanks the designer.
    person
        .sign_in(&email(&app, s.requester.person_id).await)
        .await;
    person.open("/asks").await;
    assert!(
        person
            .text("#ask-ratings")
            .await
            .contains("Posters for the fair")
    );
    person.follow("#ask-ratings a").await;
    person
        .click("#rate-form input[name=score][value=\"2\"]")
        .await;
    person
        .type_into("#rating-comment", "Late, and the colours were off")
        .await;
    person.follow("#rate").await;
    assert!(person.text("#rating-summary").await.contains("Rated 2/5"));
    person.open("/kudos").await;
    person
        .select("#kudos-to", &format!("person:{}", s.designer.person_id))
        .await;
    person
        .type_into("#kudos-message", "Redid the colours overnight.")
        .await;
    person.follow("#give-kudos").await;
    assert!(
        person
            .text("#feed")
            .await
            .contains("Redid the colours overnight.")
    );
    person.find("li.kudos-card.cross").await;
    person.sign_out().await;

    // Design's manager was told of the low rating and features the kudos as a story.
    person
        .sign_in(&email(&app, s.design_manager.person_id).await)
        .await;
    person.open("/notifications").await;
    assert!(person.text("main").await.contains("rated 2/5"));
    person.open(&format!("/requests/{id}")).await;
    assert!(person.text("#rating").await.contains("colours were off"));
    person.open("/kudos").await;
    person.click("#feed details summary").await;
    person
        .find("#feed textarea[name=story]")
        .await
        .send_keys("Design and Marketing saved the fair.")
        .await
        .unwrap();
    person.follow("#feed form button[type=submit]").await;
    person.wait_for_path("/stories").await;
    assert!(
        person
            .text("main")
            .await
            .contains("Design and Marketing saved the fair.")
    );
    person.open(&format!("/departments/{}", s.design)).await;
    person.follow("#digest-link").await;
    person
        .open(&format!("/people/{}", s.designer.person_id))
        .await;
    assert!(
        person
            .text("main")
            .await
            .contains("Redid the colours overnight.")
    );
    person.web.clone().quit().await.unwrap();
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pulse_is_answered_and_a_concern_raised_and_answered_in_the_browser() {
    let app = TestApp::new(Engine::Sqlite).await;
    let s = app.scene().await;
    app.admin()
        .patch("/api/v1/settings", json!({"anonymity_threshold": 3}))
        .await
        .assert(StatusCode::OK);
    app.signed_in(&s.requester).await;
    app.signed_in(&s.design_manager).await;
    app.signed_in(app.admin()).await;
    let (_driver, person) = open_browser(&app).await;

    // Design's manager starts a pulse asking Marketing.
    person
        .sign_in(&email(&app, s.design_manager.person_id).await)
        .await;
    person.open("/pulses").await;
    person.click(&format!("#customer-{}", s.marketing)).await;
    person.follow("#start-pulse").await;
    person.wait_for_path("/pulses/").await;
    let pulse: i64 = person
        .path()
        .await
        .trim_start_matches("/pulses/")
        .parse()
        .unwrap();
    assert!(
        person
            .text("#results")
            .await
            .contains("once the pulse has closed")
    );
    person.sign_out().await;

    // The requester answers it, then raises a concern about Design.
    person
        .sign_in(&email(&app, s.requester.person_id).await)
        .await;
    person.open("/asks").await;
    person.follow("#ask-pulses a").await;
    person
        .click(&format!(
            "#answer-{} input[name=score][value=\"3\"]",
            s.design
        ))
        .await;
    person
        .find(&format!("#answer-{} textarea[name=change]", s.design))
        .await
        .send_keys("Faster first drafts")
        .await
        .unwrap();
    person.follow(&format!("#send-{}", s.design)).await;
    assert!(
        person
            .find_all_count(&format!("#answer-{}", s.design))
            .await
            == 0
    );
    person.open("/concerns").await;
    person.select("#concern-about", &s.design.to_string()).await;
    person
        .type_into("#concern-problem", "Drafts take two weeks.")
        .await;
    person.type_into("#concern-proposal", "   ").await;
    person.follow("#raise-concern").await;
    // The proposal is required: the form says so and keeps what was typed.
    assert!(person.text("#concern-error").await.contains("proposal"));
    assert_eq!(
        person
            .find("#concern-problem")
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap(),
        "Drafts take two weeks."
    );
    person.select("#concern-about", &s.design.to_string()).await;
    person
        .type_into("#concern-proposal", "A first draft within three days.")
        .await;
    person.follow("#raise-concern").await;
    person.wait_for_path("/concerns/").await;
    let concern = person.path().await;
    person.sign_out().await;

    // Design's manager acknowledges and answers the concern, then closes the pulse.
    person
        .sign_in(&email(&app, s.design_manager.person_id).await)
        .await;
    person.open("/asks").await;
    person.follow("#owed-concerns a").await;
    person.follow("#acknowledge").await;
    person
        .type_into("#concern-answer", "Drafts within three days from January.")
        .await;
    person.follow("#answer").await;
    assert_eq!(person.text("#concern-state").await, "Answered");
    person.follow("#resolve").await;
    assert_eq!(person.text("#concern-state").await, "Resolved");
    person.open(&format!("/pulses/{pulse}")).await;
    person.follow("#close-pulse").await;
    // One answer of at least three: nothing shows.
    assert!(
        person
            .text("#results")
            .await
            .contains("Not enough responses")
    );
    assert!(!person.text("main").await.contains("Faster first drafts"));
    person.sign_out().await;

    // The requester sees the answer and may reopen once.
    person
        .sign_in(&email(&app, s.requester.person_id).await)
        .await;
    person.open(&concern).await;
    assert!(person.text("#concern-action").await.contains("three days"));
    person.follow("#reopen").await;
    assert_eq!(person.text("#concern-state").await, "Reopened");
    person.sign_out().await;

    // The admin keeps the organisation's settings (the form will not go below 3).
    person
        .sign_in(&email(&app, app.admin().person_id).await)
        .await;
    person.open("/organisation").await;
    assert_eq!(
        person
            .find("#threshold")
            .await
            .attr("min")
            .await
            .unwrap()
            .as_deref(),
        Some("3")
    );
    person.type_into("#threshold", "4").await;
    person.type_into("#values", "Helpful\nBrave").await;
    person.follow("#save-organisation").await;
    assert_eq!(
        person
            .find("#threshold")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("4")
    );
    person.web.clone().quit().await.unwrap();
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dependency_is_agreed_and_a_deliverable_delivered_and_reviewed_in_the_browser() {
    let app = TestApp::new(Engine::Sqlite).await;
    let s = app.scene().await;
    let marketing_manager = app.manager(s.marketing).await;
    let res = marketing_manager
        .post(
            "/api/v1/dependencies",
            json!({
                "customer_department_id": s.marketing, "provider_department_id": s.design,
                "what": "campaign artwork", "criticality": "critical",
                "customer_owner_id": s.requester.person_id, "provider_owner_id": s.designer.person_id,
                "expectation": "Artwork for every campaign two weeks before its launch",
                "service_ids": [s.service]
            }),
        )
        .await;
    res.assert(StatusCode::CREATED);
    let dependency = res.id();
    let res = s
        .design_manager
        .post(
            "/api/v1/deliverables",
            json!({
                "provider_department_id": s.design, "customer_department_id": s.marketing,
                "name": "Campaign calendar", "rrule": "FREQ=WEEKLY;BYDAY=MO",
                "due_time": "10:00", "starts_on": "2026-11-01", "dependency_id": dependency,
                "provider_owner_id": s.designer.person_id, "customer_owner_id": s.requester.person_id
            }),
        )
        .await;
    res.assert(StatusCode::CREATED);
    let deliverable = res.id();
    app.signed_in(&s.design_manager).await;
    app.signed_in(&s.designer).await;
    app.signed_in(&s.requester).await;
    let (_driver, person) = open_browser(&app).await;

    // Design's manager finds the proposal in the register and agrees it.
    person
        .sign_in(&email(&app, s.design_manager.person_id).await)
        .await;
    person.open("/dependencies?criticality=critical").await;
    assert!(
        person
            .text("#dependencies")
            .await
            .contains("campaign artwork")
    );
    person.follow("#dependencies td[data-label=For] a").await;
    assert_eq!(person.text("#dependency-state").await, "Proposed");
    person.follow("#agree").await;
    assert_eq!(person.text("#dependency-state").await, "Agreed");
    person.sign_out().await;

    // The designer sees Marketing among their internal customers, with this morning's
    // calendar late, and delivers it.
    person
        .sign_in(&email(&app, s.designer.person_id).await)
        .await;
    person.open("/internal-customers").await;
    let customers = person.text("#customers").await;
    assert!(customers.contains("MARKETING"), "{customers}");
    assert!(customers.contains("you answer for it"), "{customers}");
    assert!(customers.contains("late"), "{customers}");
    person
        .follow("#customers td[data-label=\"Owed next\"] a")
        .await;
    assert_eq!(person.text("#occurrence-state").await, "Late");
    person.follow("#deliver").await;
    // A link or a note is required: the form says so.
    assert!(person.text("#occurrence-error").await.contains("link"));
    person
        .type_into("#deliver-link", "https://files.example.org/calendar.pdf")
        .await;
    person.follow("#deliver").await;
    assert_eq!(person.text("#occurrence-state").await, "Delivered");
    let occurrence = person.path().await;
    person.sign_out().await;

    // The requester flags a problem with it.
    person
        .sign_in(&email(&app, s.requester.person_id).await)
        .await;
    person.open(&occurrence).await;
    person.click("#review-problem").await;
    person
        .type_into("#review-note", "The fair is missing.")
        .await;
    person.follow("#review").await;
    assert!(
        person
            .text("#occurrence-review")
            .await
            .contains("Problem flagged")
    );
    assert!(
        person
            .text("#occurrence-history")
            .await
            .contains("The fair is missing.")
    );
    person.open(&format!("/deliverables/{deliverable}")).await;
    assert_eq!(person.text("#rate-accurate").await, "0 %");
    person
        .open(&format!(
            "/people/{}/internal-customers",
            s.requester.person_id
        ))
        .await;
    assert!(person.text("#providers").await.contains("DESIGN"));
    person.web.clone().quit().await.unwrap();
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relationship_health_reads_from_the_overview_to_the_evidence_in_the_browser() {
    // A short version of the story in tests/api/health.rs: Marketing asks Design, whose
    // London calendar, SLA policy, agreed dependency and weekly report give a score, a
    // breach, late deliveries and a bottleneck.
    let app = TestApp::new(Engine::Sqlite).await;
    let s = app.scene().await;
    support::with_policy(
        &app,
        &s,
        json!({"first_response_minutes": 60, "resolution_minutes": 480}),
    )
    .await;
    let res = s
        .design_manager
        .post(
            "/api/v1/dependencies",
            json!({
                "customer_department_id": s.marketing, "provider_department_id": s.design,
                "what": "campaign artwork", "criticality": "high",
                "customer_owner_id": s.requester.person_id, "provider_owner_id": s.designer.person_id,
                "expectation": "Artwork two weeks before launch", "service_ids": [s.service]
            }),
        )
        .await;
    res.assert(StatusCode::CREATED);
    let dependency = res.id();
    s.design_manager
        .post(
            &format!("/api/v1/dependencies/{dependency}/agree"),
            json!({}),
        )
        .await
        .assert(StatusCode::OK);
    // Due Mondays 10:00 since 2 November: 2, 9, 16 and 23 November before the instant read.
    let res = s
        .design_manager
        .post(
            "/api/v1/deliverables",
            json!({
                "provider_department_id": s.design, "customer_department_id": s.marketing,
                "name": "Weekly campaign figures", "rrule": "FREQ=WEEKLY;BYDAY=MO",
                "due_time": "10:00", "starts_on": "2026-11-02", "dependency_id": dependency,
                "provider_owner_id": s.designer.person_id, "customer_owner_id": s.requester.person_id
            }),
        )
        .await;
    res.assert(StatusCode::CREATED);
    let res = s
        .requester
        .get(&format!(
            "/api/v1/deliverables/{}/occurrences?from=2026-11-01T00:00:00Z&to=2026-11-24T00:00:00Z",
            res.id()
        ))
        .await;
    res.assert(StatusCode::OK);
    let occurrences: Vec<i64> = res.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(occurrences.len(), 4);
    // Monday 09:00: three requests. 09:30: the first two answered, this morning's report
    // delivered on time. 11:00: the first resolved.
    let mut requests = Vec::new();
    for n in 1..=3 {
        requests.push(
            app.file(&s.requester, s.service, &format!("Poster {n}"))
                .await,
        );
    }
    app.clock.advance(SignedDuration::from_mins(30));
    for id in &requests[..2] {
        s.designer
            .post(
                &format!("/api/v1/requests/{id}/comments"),
                json!({"body": "On it"}),
            )
            .await
            .assert(StatusCode::CREATED);
    }
    s.designer
        .post(
            &format!("/api/v1/occurrences/{}/deliver", occurrences[3]),
            json!({"note": "Attached"}),
        )
        .await
        .assert(StatusCode::OK);
    app.clock.advance(SignedDuration::from_mins(90));
    s.designer
        .patch(
            &format!("/api/v1/requests/{}", requests[0]),
            json!({"status": "resolved"}),
        )
        .await
        .assert(StatusCode::OK);
    // Read on Tuesday 24 November, 12:00 London: first responses met 2 of 3, resolutions
    // 1 of 3 (the others' targets passed at 09:30): SLA 50.0; reports on time 1 of 4:
    // 25.0. (20 × 50.0 + 15 × 25.0) / 35 = 39.3.
    app.clock.set("2026-11-24T12:00:00Z".parse().unwrap());
    app.work().await;
    app.signed_in(&s.requester).await;
    let (_driver, person) = open_browser(&app).await;
    let pair = format!("/health/{}/{}", s.marketing, s.design);

    // A Marketing person starts at the overview and follows the least healthy pair.
    person
        .sign_in(&email(&app, s.requester.person_id).await)
        .await;
    person.open("/overview").await;
    let least = person.text("#overview-least").await;
    assert!(least.contains("39.3"), "{least}");
    person
        .follow(&format!("#overview-least a[href=\"{pair}\"]"))
        .await;
    person.wait_for_path(&pair).await;
    assert_eq!(person.text("#pair-score").await, "39.3");
    let sla = person.text("#pair-parts tr[data-part=sla]").await;
    assert!(sla.contains("50.0") && sla.contains("57.1%"), "{sla}");
    person.find("figure.chart svg[role=img]").await;
    assert_eq!(person.find_all_count("#pair-late li").await, 3);

    // The evidence: the third request is past both its targets.
    let breached = format!("/requests/{}", requests[2]);
    assert_eq!(
        person
            .find_all_count(&format!("#pair-breaches a[href=\"{breached}\"]"))
            .await,
        2
    );
    person
        .follow(&format!("#pair-breaches a[href=\"{breached}\"]"))
        .await;
    person.wait_for_path(&breached).await;
    let first = person.sla_row("First response").await;
    assert!(first.contains("Breached"), "{first}");

    // Back to the pair, on to the map around Design, and into Design's node.
    let old = person.find("html").await;
    person.web.back().await.unwrap();
    old.wait_until().stale().await.unwrap();
    person.wait_for_path(&pair).await;
    person.follow("nav.subnav a[href=\"/map\"]").await;
    person.wait_for_path("/map").await;
    assert_eq!(person.find_all_count("#map svg a.node").await, 4);
    person
        .find(&format!("#map svg a.edge[href=\"{pair}\"]"))
        .await;
    person
        .select("#map-department", &s.design.to_string())
        .await;
    person.follow("form.filters button[type=submit]").await;
    person
        .wait_for_path(&format!("/map?department_id={}", s.design))
        .await;
    assert_eq!(person.find_all_count("#map svg a.node").await, 2);
    assert_eq!(person.text("#map figcaption").await, "1 relationship.");
    let scorecard = format!("/departments/{}/scorecard", s.design);
    person
        .follow(&format!("#map svg a.node[href=\"{scorecard}\"]"))
        .await;
    person.wait_for_path(&scorecard).await;
    assert_eq!(person.text("#provider-score").await, "39.3");
    let bottleneck = person.text("#scorecard-bottleneck").await;
    assert!(bottleneck.starts_with("Rank 1 "), "{bottleneck}");

    // The bottlenecks behind that rank, then the matrix and Marketing's own scorecard.
    person
        .follow("#scorecard-bottleneck a[href=\"/bottlenecks\"]")
        .await;
    person.wait_for_path("/bottlenecks").await;
    let ranked = person.text("#bottlenecks").await;
    assert!(ranked.contains("DESIGN"), "{ranked}");
    for id in &requests[1..] {
        person
            .find(&format!("#bottlenecks a[href=\"/requests/{id}\"]"))
            .await;
    }
    for id in &occurrences[..3] {
        person
            .find(&format!("#bottlenecks a[href=\"/occurrences/{id}\"]"))
            .await;
    }
    person.follow("nav.subnav a[href=\"/health\"]").await;
    person.wait_for_path("/health").await;
    assert_eq!(
        person
            .text(&format!("#health-matrix td a[href=\"{pair}\"]"))
            .await,
        "39.3"
    );
    person
        .follow(&format!(
            "#health-matrix th[scope=row] a[href=\"/departments/{}/scorecard\"]",
            s.marketing
        ))
        .await;
    person
        .wait_for_path(&format!("/departments/{}/scorecard", s.marketing))
        .await;
    assert_eq!(person.text("#customer-score").await, "39.3");
    assert!(person.text("#scorecard-providers").await.contains("DESIGN"));
    person.web.clone().quit().await.unwrap();
    app.cleanup().await;
}

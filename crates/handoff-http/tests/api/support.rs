//! The test harness: a fresh database per test on either engine, the real router driven
//! in-process, and actors (admin, managers, members) holding real API tokens.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use handoff_domain::clock::{Clock, ManualClock};
use handoff_domain::org::Role;
use handoff_http::AppState;
use handoff_store::departments::{self, NewDepartment};
use handoff_store::people::{self, NewPerson};
use handoff_store::{Db, Engine, PoolSize, tokens};
use handoff_test_support::ScratchDatabase;
use http_body_util::BodyExt;
use jiff::Timestamp;
use serde_json::{Value, json};
use tower::ServiceExt;

/// Runs each test once on SQLite and once on PostgreSQL.
macro_rules! both_engines {
    ($(async fn $name:ident($app:ident: TestApp) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn run($app: TestApp) $body

                #[tokio::test]
                async fn sqlite() {
                    let app = $crate::support::TestApp::new(handoff_store::Engine::Sqlite).await;
                    run(app.clone()).await;
                    app.cleanup().await;
                }

                #[tokio::test]
                async fn postgres() {
                    let app = $crate::support::TestApp::new(handoff_store::Engine::Postgres).await;
                    run(app.clone()).await;
                    app.cleanup().await;
                }
            }
        )*
    };
}
pub(crate) use both_engines;

#[derive(Clone)]
pub struct TestApp {
    pub db: Db,
    pub clock: Arc<ManualClock>,
    /// The actions the app runs, for driving the worker step by step.
    pub actions: handoff_app::App,
    router: Router,
    cleanup: Arc<Cleanup>,
    admin: Client,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres(ScratchDatabase),
}

fn unique_name() -> String {
    format!("handoff_test_{:016x}", rand::random::<u64>())
}

impl TestApp {
    /// Runs the background work due now (alarms, queued jobs such as recomputes), as the
    /// worker of `handoff serve` would.
    pub async fn work(&self) -> Vec<handoff_app::jobs::Fired> {
        handoff_worker::run_once(&self.actions)
            .await
            .expect("background work")
    }

    pub async fn new(engine: Engine) -> TestApp {
        let (db, cleanup) = match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("handoff.db").display());
                let db = Db::connect(&url, PoolSize { max_connections: 4 })
                    .await
                    .expect("sqlite");
                (db, Cleanup::Sqlite(dir))
            }
            Engine::Postgres => {
                let server = handoff_test_support::test_server();
                let scratch = ScratchDatabase::create(&server, "handoff_test")
                    .await
                    .unwrap_or_else(|e| {
                        panic!("PostgreSQL at {server}: {e} (run the tests with scripts/test)")
                    });
                let db = Db::connect(&scratch.url, PoolSize { max_connections: 4 })
                    .await
                    .expect("postgres");
                (db, Cleanup::Postgres(scratch))
            }
        };
        db.migrate().await.expect("migrate");
        let clock = Arc::new(ManualClock::new("2026-11-23T09:00:00Z".parse().unwrap()));
        let actions = handoff_app::App::new(db.clone(), clock.clone());
        let router = handoff_http::router(AppState::new(actions.clone()));
        let now = Timestamp::now();
        let it = departments::create(
            &db,
            &NewDepartment {
                name: "IT",
                handle: "it",
                parent_id: None,
            },
            now,
        )
        .await
        .unwrap();
        let admin = make_client(&db, &router, it.id, Role::Admin, "admin@example.org").await;
        TestApp {
            db,
            clock,
            actions,
            router,
            cleanup: Arc::new(cleanup),
            admin,
        }
    }

    /// Checks what every test must leave consistent, then closes the pools and, on
    /// PostgreSQL, drops the test's database.
    pub async fn cleanup(&self) {
        let stale = handoff_store::requests::pressing::stale(&self.db)
            .await
            .expect("pressing");
        assert!(
            stale.is_empty(),
            "requests whose pressing_at is not what their clocks say: {stale:?}"
        );
        self.db.close().await;
        if let Cleanup::Postgres(scratch) = self.cleanup.as_ref() {
            scratch.clone().drop().await;
        }
    }

    pub fn admin(&self) -> &Client {
        &self.admin
    }

    /// The same app behind a router with metrics on, serving `GET /metrics` to the bearer
    /// of `token`; clients made from it afterwards go through that router.
    #[allow(dead_code)] // Used by the metrics tests only.
    pub fn with_metrics(&self, token: &str) -> TestApp {
        let mut state = AppState::new(self.actions.clone());
        state.metrics = Some(handoff_http::Metrics::new(Some(token)));
        let router = handoff_http::router(state);
        TestApp {
            admin: Client {
                router: router.clone(),
                ..self.admin.clone()
            },
            router,
            ..self.clone()
        }
    }

    /// A client with no token at all.
    pub fn anonymous(&self) -> Client {
        Client {
            router: self.router.clone(),
            token: None,
            person_id: 0,
            department_id: 0,
        }
    }

    /// A client with the given raw token.
    pub fn with_token(&self, token: &str) -> Client {
        Client {
            router: self.router.clone(),
            token: Some(token.to_owned()),
            person_id: 0,
            department_id: 0,
        }
    }

    /// Creates a department through the API; returns its id.
    pub async fn department(&self, handle: &str) -> i64 {
        let res = self
            .admin
            .post(
                "/api/v1/departments",
                json!({"name": handle.to_uppercase(), "handle": handle}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        res.id()
    }

    /// A person of the department with the role, and a client holding their token.
    pub async fn person(&self, department_id: i64, role: Role) -> Client {
        let email = format!("{}@example.org", unique_name());
        make_client(&self.db, &self.router, department_id, role, &email).await
    }

    pub async fn member(&self, department_id: i64) -> Client {
        self.person(department_id, Role::Member).await
    }

    pub async fn manager(&self, department_id: i64) -> Client {
        self.person(department_id, Role::Manager).await
    }

    /// A member of the department with the given name and e-mail.
    #[allow(dead_code)] // Used by the anonymity tests only.
    pub async fn named(&self, department_id: i64, name: &str, email: &str) -> Client {
        make_named(
            &self.db,
            &self.router,
            department_id,
            Role::Member,
            name,
            email,
        )
        .await
    }
}

async fn make_client(
    db: &Db,
    router: &Router,
    department_id: i64,
    role: Role,
    email: &str,
) -> Client {
    make_named(db, router, department_id, role, "Test Person", email).await
}

async fn make_named(
    db: &Db,
    router: &Router,
    department_id: i64,
    role: Role,
    name: &str,
    email: &str,
) -> Client {
    let now = Timestamp::now();
    let person = people::create(
        db,
        &NewPerson {
            name,
            email,
            department_id,
            role,
        },
        now,
    )
    .await
    .unwrap();
    let token = tokens::create(db, person.id, "test", now).await.unwrap();
    Client {
        router: router.clone(),
        token: Some(token),
        person_id: person.id,
        department_id,
    }
}

/// Someone calling the API.
#[derive(Clone)]
pub struct Client {
    router: Router,
    pub token: Option<String>,
    pub person_id: i64,
    pub department_id: i64,
}

/// A response: its status and its body as JSON (`Null` when empty).
#[derive(Debug)]
pub struct Res {
    pub status: StatusCode,
    pub body: Value,
}

impl Res {
    pub fn id(&self) -> i64 {
        self.body["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no id in {}", self.body))
    }

    /// The ids of a list's items.
    pub fn ids(&self) -> Vec<i64> {
        self.body["items"]
            .as_array()
            .unwrap_or_else(|| panic!("not a list: {}", self.body))
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    }

    pub fn error_code(&self) -> &str {
        self.body["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("not an error: {}", self.body))
    }

    pub fn field_error(&self, field: &str) -> Option<&str> {
        self.body["error"]["fields"][field].as_str()
    }

    #[track_caller]
    pub fn assert(&self, status: StatusCode) -> &Self {
        assert_eq!(self.status, status, "body: {}", self.body);
        self
    }
}

impl Client {
    pub async fn send(&self, method: Method, path: &str, body: Option<Vec<u8>>) -> Res {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = &self.token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(bytes) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(bytes)),
            None => request.body(Body::empty()),
        }
        .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                panic!("{status}: not JSON: {}", String::from_utf8_lossy(&bytes))
            })
        };
        Res { status, body }
    }

    /// A GET whose answer is not JSON (a calendar feed, a CSV file): status and text.
    #[allow(dead_code)]
    pub async fn text(&self, path: &str) -> (StatusCode, String) {
        let (status, _, text) = self.fetch(path).await;
        (status, text)
    }

    /// A GET whose answer is not JSON: status, content type and text.
    pub async fn fetch(&self, path: &str) -> (StatusCode, Option<String>, String) {
        let mut request = Request::builder().method(Method::GET).uri(path);
        if let Some(token) = &self.token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned());
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            content_type,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    pub async fn get(&self, path: &str) -> Res {
        self.send(Method::GET, path, None).await
    }

    /// The ids of every page of the list at `path` (which has a query), following
    /// `next_cursor` to the end.
    pub async fn all_ids(&self, path: &str) -> Vec<i64> {
        let mut ids = Vec::new();
        let mut page = path.to_owned();
        loop {
            let res = self.get(&page).await;
            res.assert(StatusCode::OK);
            ids.extend(res.ids());
            match res.body["next_cursor"].as_str() {
                Some(cursor) => page = format!("{path}&cursor={cursor}"),
                None => return ids,
            }
        }
    }

    pub async fn post(&self, path: &str, body: Value) -> Res {
        self.send(Method::POST, path, Some(body.to_string().into_bytes()))
            .await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Res {
        self.send(Method::PATCH, path, Some(body.to_string().into_bytes()))
            .await
    }

    pub async fn put(&self, path: &str, body: Value) -> Res {
        self.send(Method::PUT, path, Some(body.to_string().into_bytes()))
            .await
    }

    pub async fn delete(&self, path: &str) -> Res {
        self.send(Method::DELETE, path, None).await
    }

    pub async fn raw(&self, method: Method, path: &str, body: &str) -> Res {
        self.send(method, path, Some(body.as_bytes().to_vec()))
            .await
    }
}

/// A small organisation: Design serves Marketing through a graphics service.
pub struct Scene {
    pub design: i64,
    pub marketing: i64,
    pub service: i64,
    pub design_manager: Client,
    pub designer: Client,
    pub requester: Client,
    pub colleague: Client,
    pub outsider: Client,
}

impl TestApp {
    pub async fn scene(&self) -> Scene {
        let design = self.department("design").await;
        let marketing = self.department("marketing").await;
        let finance = self.department("finance").await;
        let design_manager = self.manager(design).await;
        let res = design_manager
            .post("/api/v1/services", json!({
                "department_id": design,
                "name": "Graphics for a campaign",
                "description": "Banners, posters and social images.",
                "fields": [
                    {"key": "format", "label": "Format", "type": "choice", "required": true, "options": ["banner", "poster"]},
                    {"key": "deadline", "label": "Deadline", "type": "date"},
                    {"key": "copies", "label": "Copies", "type": "number"},
                    {"key": "channels", "label": "Channels", "type": "multi_choice", "options": ["web", "print", "social"]},
                    {"key": "approver", "label": "Approver", "type": "person"},
                    {"key": "brief", "label": "Brief", "type": "long_text", "help": "What and for whom"}
                ]
            }))
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        Scene {
            design,
            marketing,
            service: res.id(),
            designer: self.member(design).await,
            requester: self.member(marketing).await,
            colleague: self.member(marketing).await,
            outsider: self.member(finance).await,
            design_manager,
        }
    }

    /// Files a request as `client`; returns its id.
    pub async fn file(&self, client: &Client, service: i64, subject: &str) -> i64 {
        let res = client
            .post(
                "/api/v1/requests",
                json!({
                    "service_id": service, "subject": subject, "description": "Details follow.",
                    "fields": {"format": "banner"}
                }),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        res.id()
    }
}

/// The password test people sign in to the pages with.
pub const PASSWORD: &str = "correct horse battery";

/// One Argon2 hash of [`PASSWORD`] for every test: hashing is slow on purpose.
fn password_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| handoff_domain::password::hash(PASSWORD).unwrap())
}

impl TestApp {
    /// Serves the app on a free local port until the test ends; returns its address.
    #[allow(dead_code)] // The browser tests serve; the API tests call the router directly.
    pub async fn serve(&self) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let router = self.router.clone();
        tokio::spawn(async move { axum::serve(listener, router).await });
        address
    }

    /// A browser with no session yet.
    pub fn browser(&self) -> Browser {
        Browser {
            router: self.router.clone(),
            cookie: None,
        }
    }

    /// Gives the client's person [`PASSWORD`], signs them in to the pages and returns
    /// their browser.
    pub async fn signed_in(&self, client: &Client) -> Browser {
        people::set_password_hash(&self.db, client.person_id, password_hash())
            .await
            .unwrap();
        let email = people::get(&self.db, client.person_id).await.unwrap().email;
        let mut browser = self.browser();
        let res = browser
            .form("/sign-in", &[("email", &email), ("password", PASSWORD)])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.html);
        browser
    }
}

/// Someone using the pages: keeps the session cookie like a browser does.
#[derive(Clone)]
pub struct Browser {
    router: Router,
    pub cookie: Option<String>,
}

/// A page: its status, where it redirects, its HTML.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub set_cookie: Option<String>,
    pub cache_control: Option<String>,
    pub html: String,
}

impl Page {
    #[track_caller]
    pub fn assert(&self, status: StatusCode) -> &Self {
        assert_eq!(self.status, status, "page: {}", self.html);
        self
    }

    #[track_caller]
    pub fn assert_has(&self, text: &str) -> &Self {
        assert!(
            self.html.contains(text),
            "{text:?} not in page:\n{}",
            self.html
        );
        self
    }

    #[track_caller]
    pub fn assert_lacks(&self, text: &str) -> &Self {
        assert!(
            !self.html.contains(text),
            "{text:?} in page:\n{}",
            self.html
        );
        self
    }

    /// The HTML of the element that starts with `start` (e.g. `<section id="sla">`) up to
    /// the end tag `end`.
    pub fn part(&self, start: &str, end: &str) -> &str {
        let from = self
            .html
            .find(start)
            .unwrap_or_else(|| panic!("{start:?} not in page:\n{}", self.html));
        let rest = &self.html[from..];
        &rest[..rest.find(end).map_or(rest.len(), |i| i + end.len())]
    }
}

impl Browser {
    pub async fn send(&mut self, request: axum::http::request::Builder, body: Body) -> Page {
        let mut request = request.header(header::HOST, "handoff.test");
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie.clone());
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let header_text = |name| {
            response
                .headers()
                .get(name)
                .map(|v: &header::HeaderValue| v.to_str().unwrap().to_owned())
        };
        let location = header_text(header::LOCATION);
        let set_cookie = header_text(header::SET_COOKIE);
        let cache_control = header_text(header::CACHE_CONTROL);
        if let Some(set) = &set_cookie {
            let pair = set.split(';').next().unwrap().to_owned();
            self.cookie = (!pair.ends_with('=')).then_some(pair);
        }
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Page {
            status,
            location,
            set_cookie,
            cache_control,
            html: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        self.send(Request::builder().uri(path), Body::empty()).await
    }

    /// Posts a form as the browser does from one of Handoff's own pages.
    pub async fn form(&mut self, path: &str, pairs: &[(&str, &str)]) -> Page {
        self.form_from(path, pairs, "http://handoff.test").await
    }

    /// Uploads one file as a `multipart/form-data` form, as a file input does.
    pub async fn upload(&mut self, path: &str, field: &str, file: &str, content: &str) -> Page {
        self.multipart(path, &[(field, Some(file), content)]).await
    }

    /// Posts a `multipart/form-data` form: each part's name, file name (for a file
    /// input) and content.
    pub async fn multipart(&mut self, path: &str, parts: &[(&str, Option<&str>, &str)]) -> Page {
        let boundary = "handoff-test-boundary";
        let mut body = String::new();
        for (field, file, content) in parts {
            let file = file
                .map(|f| format!("; filename=\"{f}\""))
                .unwrap_or_default();
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"{file}\r\n\r\n{content}\r\n"
            ));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::ORIGIN, "http://handoff.test")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            );
        self.send(request, Body::from(body)).await
    }

    /// Posts a form the way a browser labels it with `Sec-Fetch-Site: site`.
    pub async fn form_fetched(&mut self, path: &str, pairs: &[(&str, &str)], site: &str) -> Page {
        let body = serde_urlencoded::to_string(pairs).unwrap();
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("sec-fetch-site", site)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        self.send(request, Body::from(body)).await
    }

    /// Posts a form from a page of `origin`.
    pub async fn form_from(&mut self, path: &str, pairs: &[(&str, &str)], origin: &str) -> Page {
        let body = serde_urlencoded::to_string(pairs).unwrap();
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::ORIGIN, origin)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        self.send(request, Body::from(body)).await
    }
}

/// Gives Design a London calendar (Monday 09:00-12:30 and 13:30-17:30, Tuesday to Friday
/// 09:00-17:30) and the graphics service the policy; the test clock stands at Monday
/// 2026-11-23 09:00 London (= UTC in winter).
pub async fn with_policy(app: &TestApp, s: &Scene, policy: Value) {
    let res = s.design_manager.post("/api/v1/calendars", json!({
        "department_id": s.design, "name": "London", "time_zone": "Europe/London",
        "week": {"mon": [["09:00", "12:30"], ["13:30", "17:30"]], "tue": [["09:00", "17:30"]],
                 "wed": [["09:00", "17:30"]], "thu": [["09:00", "17:30"]], "fri": [["09:00", "17:30"]]}
    })).await;
    res.assert(StatusCode::CREATED);
    s.design_manager
        .patch(
            &format!("/api/v1/departments/{}", s.design),
            json!({"calendar_id": res.id()}),
        )
        .await
        .assert(StatusCode::OK);
    s.design_manager
        .put(
            &format!("/api/v1/services/{}/sla", s.service),
            json!({"policies": [policy]}),
        )
        .await
        .assert(StatusCode::OK);
    // The recomputes those changes queued.
    app.work().await;
    assert_eq!(app.clock.now().to_string(), "2026-11-23T09:00:00Z");
}

/// Finance, with a New York calendar (Monday to Friday 09:00-17:00), a purchase approval
/// service open to everyone and `policy` on it; its manager and an agent.
pub struct Finance {
    pub id: i64,
    pub service: i64,
    pub manager: Client,
    pub agent: Client,
}

pub async fn finance(app: &TestApp, policy: Value) -> Finance {
    let id = app.department("fin").await;
    let manager = app.manager(id).await;
    let day = json!([["09:00", "17:00"]]);
    let res = manager
        .post(
            "/api/v1/calendars",
            json!({
                "department_id": id, "name": "New York", "time_zone": "America/New_York",
                "week": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day}
            }),
        )
        .await;
    res.assert(StatusCode::CREATED);
    manager
        .patch(
            &format!("/api/v1/departments/{id}"),
            json!({"calendar_id": res.id()}),
        )
        .await
        .assert(StatusCode::OK);
    let res = manager
        .post(
            "/api/v1/services",
            json!({
                "department_id": id, "name": "Purchase approval",
                "description": "Approves spending over the budget line.",
                "fields": [
                    {"key": "amount", "label": "Amount", "type": "number", "required": true},
                    {"key": "brief", "label": "What it is for", "type": "long_text"}
                ]
            }),
        )
        .await;
    res.assert(StatusCode::CREATED);
    let service = res.id();
    manager
        .put(
            &format!("/api/v1/services/{service}/sla"),
            json!({"policies": [policy]}),
        )
        .await
        .assert(StatusCode::OK);
    app.work().await;
    Finance {
        id,
        service,
        agent: app.member(id).await,
        manager,
    }
}

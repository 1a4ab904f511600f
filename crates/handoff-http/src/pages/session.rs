//! Signing in and out, and who is looking at a page: a session cookie holding a long
//! random value, looked up by its digest (`handoff_store::sessions`). The password is
//! checked with Argon2 once, at sign-in.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use handoff_domain::access::Actor;
use handoff_domain::password;
use handoff_store::{people, sessions};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::form::{Pairs, safe_next};
use super::{PageError, render};
use crate::AppState;

/// The cookie that carries the session.
pub const COOKIE: &str = "handoff_session";

/// Failed sign-ins per e-mail address: after [`MAX_FAILURES`] within [`LOCKOUT`], that
/// address is refused until the window has passed, without checking the password, so
/// that guessing is slow and costs the server nothing. Kept per server.
#[derive(Default)]
pub struct Failures {
    entries: Mutex<HashMap<String, (u32, Timestamp)>>,
}

pub const MAX_FAILURES: u32 = 5;
pub const LOCKOUT: SignedDuration = SignedDuration::from_mins(15);

impl Failures {
    /// When the address may try again, if it is locked out now.
    fn locked_until(&self, email: &str, now: Timestamp) -> Option<Timestamp> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (count, since) = entries.get(email)?;
        let until = since.saturating_add(LOCKOUT).ok()?;
        (*count >= MAX_FAILURES && now < until).then_some(until)
    }

    fn failed(&self, email: &str, now: Timestamp) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= 10_000 {
            entries.retain(|_, (_, since)| now.duration_since(*since) < LOCKOUT);
            // Still full: a flood of addresses; start afresh rather than grow.
            if entries.len() >= 10_000 {
                entries.clear();
            }
        }
        let entry = entries.entry(email.to_owned()).or_insert((0, now));
        if now.duration_since(entry.1) >= LOCKOUT {
            *entry = (0, now);
        }
        entry.0 += 1;
    }

    fn succeeded(&self, email: &str) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(email);
    }
}

/// The signed-in person looking at a page.
pub struct Viewer {
    pub actor: Actor,
    pub name: String,
    /// The zone times are shown in.
    pub zone: TimeZone,
}

impl Viewer {
    pub fn zone_name(&self) -> String {
        self.zone.iana_name().unwrap_or("UTC").to_owned()
    }
}

/// Where to come back to after signing in: the page itself, or for a form that was
/// posted (replying, moving, importing), the page the form is on.
fn return_to(parts: &Parts) -> String {
    let here = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    if parts.method == axum::http::Method::GET {
        return here.to_owned();
    }
    let path = parts.uri.path();
    match path.rsplit_once('/') {
        Some((page, "comments" | "update" | "import")) if !page.is_empty() => page.to_owned(),
        _ => path.to_owned(),
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let next = return_to(parts);
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(value) = jar.get(COOKIE).map(|c| c.value().to_owned()) else {
            return Err(PageError::SignIn { next });
        };
        let Some(person) = sessions::lookup(&state.app.db, &value, state.app.clock.now()).await?
        else {
            return Err(PageError::SignIn { next });
        };
        let zone = person
            .time_zone
            .as_deref()
            .and_then(|name| TimeZone::get(name).ok())
            .unwrap_or(TimeZone::UTC);
        Ok(Viewer {
            actor: person.actor,
            name: person.name,
            zone,
        })
    }
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    email: String,
    next: String,
    error: Option<String>,
}

pub async fn form(pairs: Pairs) -> Response {
    let page = SignInPage {
        email: String::new(),
        next: safe_next(pairs.get("next")),
        error: None,
    };
    render(StatusCode::OK, &page)
}

/// A hash to check against when the e-mail is unknown, so that an unknown address
/// takes as long to refuse as a wrong password.
fn decoy() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| password::hash("decoy password, never matches").unwrap_or_default())
}

pub async fn sign_in(State(state): State<AppState>, jar: CookieJar, form: Pairs) -> Response {
    let email = form.get("email").unwrap_or_default().trim().to_owned();
    let secret = form.get("password").unwrap_or_default().to_owned();
    let next = safe_next(form.get("next"));
    let refuse = |email: String, next: String, status: StatusCode, why: &str| {
        let page = SignInPage {
            email,
            next,
            error: Some(why.to_owned()),
        };
        render(status, &page)
    };
    if email.is_empty() || secret.is_empty() {
        return refuse(
            email,
            next,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter your e-mail address and your password.",
        );
    }
    // Checked like every stored address (which also bounds what the lockout keeps).
    let mut invalid = handoff_domain::FieldErrors::new();
    let key = handoff_domain::org::check_email(&mut invalid, "email", &email);
    if !invalid.is_empty() {
        return refuse(
            email,
            next,
            StatusCode::UNPROCESSABLE_ENTITY,
            "That is not an e-mail address; addresses look like name@example.org.",
        );
    }
    let now = state.app.clock.now();
    if let Some(until) = state.sign_in_failures.locked_until(&key, now) {
        let minutes = (until.duration_since(now).as_secs().max(0) as u64).div_ceil(60);
        let why = format!(
            "Too many failed attempts for this address. Try again in {minutes} minute{}.",
            if minutes == 1 { "" } else { "s" }
        );
        return refuse(email, next, StatusCode::TOO_MANY_REQUESTS, &why);
    }
    let facts = match people::sign_in_facts(&state.app.db, &email).await {
        Ok(facts) => facts,
        Err(e) => return PageError::from(e).into_response(),
    };
    let (person, stored) = match facts {
        Some((id, Some(hash))) => (Some(id), Some(hash)),
        _ => (None, None),
    };
    // Argon2 takes tens of milliseconds of CPU: off the async threads, a few at a time.
    let Ok(_permit) = state.password_checks.acquire().await else {
        return PageError::Internal.into_response();
    };
    let matches = tokio::task::spawn_blocking(move || {
        password::verify(&secret, stored.as_deref().unwrap_or_else(|| decoy()))
    })
    .await
    .unwrap_or(false);
    let Some(person) = person.filter(|_| matches) else {
        state.sign_in_failures.failed(&key, now);
        return refuse(
            email,
            next,
            StatusCode::UNAUTHORIZED,
            "That e-mail address and password do not match an active account.",
        );
    };
    state.sign_in_failures.succeeded(&key);
    // A new session replaces the one this browser had.
    if let Some(old) = jar.get(COOKIE)
        && let Err(e) = sessions::end(&state.app.db, old.value(), state.app.clock.now()).await
    {
        return PageError::from(e).into_response();
    }
    let value = match sessions::create(&state.app.db, person, state.app.clock.now()).await {
        Ok(value) => value,
        Err(e) => return PageError::from(e).into_response(),
    };
    let cookie = Cookie::build((COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.secure_cookies)
        .max_age(cookie::time::Duration::seconds(
            sessions::LIFETIME.as_secs(),
        ))
        .build();
    (jar.add(cookie), Redirect::to(&next)).into_response()
}

pub async fn sign_out(State(state): State<AppState>, jar: CookieJar) -> Response {
    if let Some(value) = jar.get(COOKIE).map(|c| c.value().to_owned())
        && let Err(e) = sessions::end(&state.app.db, &value, state.app.clock.now()).await
    {
        return PageError::from(e).into_response();
    }
    let jar = jar.remove(Cookie::build(COOKIE).path("/"));
    (jar, Redirect::to("/sign-in")).into_response()
}

//! The web UI: pages rendered on the server from askama templates (`templates/`), plain
//! HTML forms, no JavaScript needed. Handlers share the API's actions (filing, updating,
//! replying), so a page and an API call do exactly the same thing; what differs is how
//! the answer and its errors are shown.

mod asks;
mod calendars;
mod catalog;
mod concerns;
mod deliverables;
mod departments;
mod dependencies;
mod form;
mod format;
mod handoffs;
mod health;
mod home;
mod jobs;
mod kudos;
mod notifications;
mod organisation;
mod pulses;
mod queue_actions;
mod ratings;
mod reports;
mod request;
mod requests;
mod search;
mod service_sla;
mod services;
mod session;
mod settings;

use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::AppState;
use crate::error::ApiError;

/// The largest body of the organisation's CSV import: its file, and its text again with
/// the confirmation (URL-encoded, which can triple it).
const IMPORT_LIMIT: usize = 3 * handoff_app::roster::MAX_BYTES + 64 * 1024;
pub use session::{Failures, Viewer};

/// The page routes; the API's live under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/sign-in", get(session::form).post(session::sign_in))
        .route("/sign-out", post(session::sign_out))
        .route("/requests", get(requests::list))
        .route("/requests/bulk", post(queue_actions::bulk))
        .route("/requests/views", post(queue_actions::save_view))
        .route(
            "/requests/views/{id}/delete",
            post(queue_actions::delete_view),
        )
        .route("/requests/{id}", get(request::show))
        .route("/requests/{id}/comments", post(request::comment))
        .route("/requests/{id}/update", post(request::update))
        .route(
            "/requests/{id}/transfer",
            get(handoffs::transfer_form).post(handoffs::transfer),
        )
        .route("/requests/{id}/ask", get(handoffs::ask))
        .route("/requests/{id}/rating", post(ratings::rate))
        .route("/search", get(search::show))
        .route("/catalog", get(catalog::list))
        .route("/catalog/{id}", get(catalog::form).post(catalog::file))
        .route(
            "/services/{id}/sla",
            get(service_sla::show).post(service_sla::save),
        )
        .route("/calendars", get(calendars::list))
        .route(
            "/calendars/{id}",
            get(calendars::show).post(calendars::save),
        )
        .route("/calendars/{id}/import", post(calendars::import_ics))
        .route("/notifications", get(notifications::list))
        .route("/jobs", get(jobs::list))
        .route("/jobs/{id}/retry", post(jobs::retry))
        .route("/reports/sla", get(reports::sla))
        .route("/reports/handoffs", get(handoffs::report))
        .route("/settings", get(settings::form).post(settings::save))
        .route("/settings/tokens", post(settings::create_token))
        .route("/settings/tokens/{id}/revoke", post(settings::revoke_token))
        .route("/asks", get(asks::show))
        .route("/kudos", get(kudos::feed).post(kudos::give))
        .route("/kudos/{id}/feature", post(kudos::feature))
        .route("/stories", get(kudos::stories))
        .route("/concerns", get(concerns::list).post(concerns::raise))
        .route("/concerns/{id}", get(concerns::show))
        .route("/concerns/{id}/{move}", post(concerns::apply))
        .route("/pulses", get(pulses::list).post(pulses::start))
        .route("/pulses/{id}", get(pulses::show))
        .route("/pulses/{id}/responses", post(pulses::answer))
        .route("/pulses/{id}/close", post(pulses::close))
        .route("/dependencies", get(dependencies::register))
        .route("/dependencies/{id}", get(dependencies::show))
        .route("/dependencies/{id}/{move}", post(dependencies::apply))
        .route("/internal-customers", get(dependencies::mine))
        .route(
            "/people/{id}/internal-customers",
            get(dependencies::of_person),
        )
        .route("/deliverables/{id}", get(deliverables::show))
        .route("/occurrences/{id}", get(deliverables::occurrence))
        .route("/occurrences/{id}/deliver", post(deliverables::deliver))
        .route("/occurrences/{id}/review", post(deliverables::review))
        .route("/overview", get(health::overview))
        .route("/health", get(health::matrix))
        .route("/health/{customer}/{provider}", get(health::pair))
        .route("/map", get(health::map))
        .route("/bottlenecks", get(health::bottlenecks))
        .route("/departments/{id}/scorecard", get(health::scorecard))
        .route("/departments/{id}", get(departments::show))
        .route("/departments/{id}/digest", get(departments::digest))
        .route(
            "/departments/{id}/services",
            get(services::list).post(services::create),
        )
        .route(
            "/services/{id}/settings",
            get(services::show).post(services::save),
        )
        .route("/services/{id}/fields", post(services::save_field))
        .route(
            "/services/{id}/fields/{key}/move",
            post(services::move_field),
        )
        .route(
            "/services/{id}/fields/{key}/remove",
            post(services::remove_field),
        )
        .route("/people/{id}", get(departments::person))
        .route(
            "/organisation",
            get(organisation::form).post(organisation::save),
        )
        .route(
            "/organisation/departments",
            get(organisation::departments::list).post(organisation::departments::create),
        )
        .route(
            "/organisation/departments/{id}",
            get(organisation::departments::edit).post(organisation::departments::save),
        )
        .route(
            "/organisation/people",
            get(organisation::people::list).post(organisation::people::create),
        )
        .route(
            "/organisation/people/{id}",
            get(organisation::people::show).post(organisation::people::save),
        )
        .route(
            "/organisation/people/{id}/password",
            post(organisation::people::reset_password),
        )
        .route(
            "/organisation/people/{id}/tokens/{token}/revoke",
            post(organisation::people::revoke_token),
        )
        .route("/organisation/import", get(organisation::import::form))
        // A file of some thousands of people is larger than the API's bodies.
        .route(
            "/organisation/import/preview",
            post(organisation::import::preview).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route(
            "/organisation/import/apply",
            post(organisation::import::apply).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route(
            "/organisation/export/{file}",
            get(organisation::import::export),
        )
        .route("/static/handoff.css", get(stylesheet))
        .route("/static/queue.js", get(requests::script))
        .layer(middleware::from_fn(same_origin_writes))
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/handoff.css"),
    )
        .into_response()
}

/// Refuses form posts that a browser sends on behalf of another site (cross-site request
/// forgery): the session cookie is `SameSite=Lax` as well, this is the second guard.
async fn same_origin_writes(request: Request, next: Next) -> Response {
    if request.method() != Method::GET
        && request.method() != Method::HEAD
        && !same_origin(request.headers())
    {
        return PageError::Forbidden("this form was sent from another site".to_owned())
            .into_response();
    }
    next.run(request).await
}

fn same_origin(headers: &HeaderMap) -> bool {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = get("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    match (get("origin"), get("host")) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority == host),
        // Neither header: not a browser acting for another site.
        (None, _) => true,
        (Some(_), None) => false,
    }
}

/// One option of a select (or checkbox group), and whether it is chosen.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>, selected: bool) -> Choice {
        Choice {
            value: value.into(),
            label: label.into(),
            selected,
        }
    }
}

/// What every signed-in page shows around its content.
pub struct Frame {
    pub name: String,
    pub time_zone: String,
    /// The navigation entry to highlight.
    pub section: &'static str,
    /// Administrators see the administration pages in the navigation.
    pub admin: bool,
    /// A manager's (or an administrator's) own department, whose services they set up.
    pub managed_department: Option<i64>,
}

impl Frame {
    pub fn new(viewer: &Viewer, section: &'static str) -> Frame {
        Frame {
            name: viewer.name.clone(),
            time_zone: viewer.zone_name(),
            section,
            admin: viewer.actor.is_admin(),
            managed_department: viewer
                .actor
                .manages(viewer.actor.department_id)
                .then_some(viewer.actor.department_id),
        }
    }
}

/// Renders a template with a status.
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (
            status,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                // Pages show what only the signed-in person may see: not for caches,
                // not for frames of other sites.
                (header::CACHE_CONTROL, "no-store"),
                (header::CONTENT_SECURITY_POLICY, "frame-ancestors 'none'"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            html,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// Why a page cannot be shown, shown as a page.
#[derive(Debug)]
pub enum PageError {
    /// Not signed in: back to the sign-in form, then to `next`.
    SignIn {
        next: String,
    },
    NotFound,
    Forbidden(String),
    /// A request the page cannot act on, with the reason.
    Rejected(StatusCode, String),
    Internal,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            PageError::SignIn { next } => {
                let target = format!("/sign-in?next={}", form::encode(next));
                return Redirect::to(&target).into_response();
            }
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                "Not found",
                "There is nothing here, or it is not yours to see.",
            ),
            PageError::Forbidden(why) => (StatusCode::FORBIDDEN, "Not allowed", why.as_str()),
            PageError::Rejected(status, why) => (*status, "Cannot do that", why.as_str()),
            PageError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Handoff could not show this page. Try again shortly.",
            ),
        };
        render(status, &ErrorPage { title, message })
    }
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::NotFound(_) => PageError::NotFound,
            ApiError::Forbidden(why) => PageError::Forbidden(why),
            ApiError::Internal => PageError::Internal,
            ApiError::Unavailable => PageError::Rejected(
                StatusCode::SERVICE_UNAVAILABLE,
                "Handoff cannot reach its database just now (it may be busy or restarting); try again shortly.".to_owned(),
            ),
            ApiError::Unauthenticated => PageError::SignIn {
                next: "/".to_owned(),
            },
            other => {
                let (status, _) = other.status_and_code();
                PageError::Rejected(status, other.to_string())
            }
        }
    }
}

/// What a form's action refused, to show beside the form: the status and one line that
/// names each field and its reason. Faults that are not the input's go to the error page.
pub fn refusal(err: handoff_app::ActionError) -> Result<(StatusCode, String), PageError> {
    match ApiError::from(err) {
        ApiError::Invalid { fields, .. } => {
            let reasons: Vec<String> = fields.iter().map(|(f, r)| format!("{f}: {r}")).collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, reasons.join("; ")))
        }
        refused @ (ApiError::Conflict { .. } | ApiError::Forbidden(_)) => {
            let (status, _) = refused.status_and_code();
            Ok((status, refused.to_string()))
        }
        other => Err(other.into()),
    }
}

/// A form page's status and the refusal to show above its form, if any.
pub fn shown(refused: Option<(StatusCode, String)>) -> (StatusCode, Option<String>) {
    match refused {
        Some((status, message)) => (status, Some(message)),
        None => (StatusCode::OK, None),
    }
}

impl From<handoff_app::ActionError> for PageError {
    fn from(e: handoff_app::ActionError) -> Self {
        ApiError::from(e).into()
    }
}

impl From<handoff_store::StoreError> for PageError {
    fn from(e: handoff_store::StoreError) -> Self {
        ApiError::from(e).into()
    }
}

//! `/organisation/import`: departments and people from a CSV file, previewed (what will
//! be created, changed and deactivated, or every bad line with its number) and applied
//! only when confirmed, all or nothing; and both tables exported as CSV, in the columns
//! the import reads.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use handoff_app::roster::{self, Plan, Refused, Table};
use handoff_domain::roster::LineError;

use super::admins_only;
use crate::AppState;
use crate::extract::ApiPath;
use crate::pages::form::Pairs;
use crate::pages::{Frame, PageError, Viewer, refusal, render};

/// A line of the preview: where in the file, and what happens.
struct Step {
    line: Option<usize>,
    what: String,
}

#[derive(Template)]
#[template(path = "org_import.html")]
struct ImportPage {
    frame: Frame,
    table: &'static str,
    deactivate_missing: bool,
    /// The file's text, carried to the confirmation.
    csv: String,
    /// The plan previewed, with its digest.
    plan: Option<(String, String)>,
    created: Vec<Step>,
    changed: Vec<Step>,
    deactivated: Vec<Step>,
    bad_lines: Vec<LineError>,
    error: Option<String>,
    /// What an applied import did.
    done: Option<String>,
}

impl ImportPage {
    fn new(viewer: &Viewer) -> ImportPage {
        ImportPage {
            frame: Frame::new(viewer, "organisation"),
            table: "people",
            deactivate_missing: false,
            csv: String::new(),
            plan: None,
            created: Vec::new(),
            changed: Vec::new(),
            deactivated: Vec::new(),
            bad_lines: Vec::new(),
            error: None,
            done: None,
        }
    }

    fn show(&mut self, plan: &Plan) {
        let step = |line: usize, what: String| Step {
            line: Some(line),
            what,
        };
        match plan {
            Plan::Departments(p) => {
                self.created = p
                    .create
                    .iter()
                    .map(|d| {
                        let parent = d
                            .parent
                            .as_deref()
                            .map(|p| format!(", under {p}"))
                            .unwrap_or_default();
                        step(d.line, format!("{} ({}){parent}", d.name, d.handle))
                    })
                    .collect();
                self.changed = p
                    .change
                    .iter()
                    .map(|d| step(d.line, format!("{}: {}", d.handle, d.changes.join("; "))))
                    .collect();
            }
            Plan::People(p) => {
                self.created = p
                    .create
                    .iter()
                    .map(|n| {
                        let inactive = if n.active { "" } else { ", deactivated" };
                        step(
                            n.line,
                            format!("{} <{}>, {}{inactive}", n.name, n.email, n.role.as_str()),
                        )
                    })
                    .collect();
                self.changed = p
                    .change
                    .iter()
                    .map(|c| step(c.line, format!("{}: {}", c.email, c.changes.join("; "))))
                    .collect();
                self.deactivated = p
                    .deactivate
                    .iter()
                    .map(|d| Step {
                        line: None,
                        what: format!("{} <{}>", d.name, d.email),
                    })
                    .collect();
            }
        }
        self.plan = Some((plan.summary(), plan.digest()));
    }
}

fn table(value: Option<&str>) -> Result<Table, PageError> {
    match value {
        Some("people") | None => Ok(Table::People),
        Some("departments") => Ok(Table::Departments),
        Some(_) => Err(PageError::Rejected(
            StatusCode::UNPROCESSABLE_ENTITY,
            "table: must be people or departments".to_owned(),
        )),
    }
}

pub async fn form(State(_state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    admins_only(&viewer)?;
    Ok(render(StatusCode::OK, &ImportPage::new(&viewer)))
}

/// The refusal of a plan, shown on the page.
fn refused(page: &mut ImportPage, e: Refused) -> Result<StatusCode, PageError> {
    match e {
        Refused::Lines(lines) => {
            page.error = Some(format!(
                "{} bad line{}: nothing was imported. Correct the file and preview it again.",
                lines.len(),
                if lines.len() == 1 { "" } else { "s" }
            ));
            page.bad_lines = lines;
            Ok(StatusCode::UNPROCESSABLE_ENTITY)
        }
        Refused::Action(e) => {
            let (status, message) = refusal(e)?;
            page.error = Some(message);
            Ok(status)
        }
    }
}

/// Reads the uploaded file (or the pasted text) and shows what importing it would do.
pub async fn preview(
    State(state): State<AppState>,
    viewer: Viewer,
    mut upload: Multipart,
) -> Result<Response, PageError> {
    admins_only(&viewer)?;
    let bad = |why: &str| PageError::Rejected(StatusCode::BAD_REQUEST, why.to_owned());
    let (mut file, mut pasted, mut which, mut deactivate) = (None, String::new(), None, false);
    while let Some(field) = upload
        .next_field()
        .await
        .map_err(|_| bad("the upload could not be read (larger than 10 MB?)"))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field
            .bytes()
            .await
            .map_err(|_| bad("the upload could not be read (larger than 10 MB?)"))?;
        let text = || {
            String::from_utf8(bytes.to_vec()).map_err(|_| {
                PageError::Rejected(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "the file is not UTF-8 text: save it as CSV UTF-8".to_owned(),
                )
            })
        };
        match name.as_str() {
            "file" if !bytes.is_empty() => file = Some(text()?),
            "csv" => pasted = text()?,
            "table" => which = Some(text()?),
            "deactivate_missing" => deactivate = true,
            _ => {}
        }
    }
    let table = table(which.as_deref())?;
    let mut page = ImportPage::new(&viewer);
    page.table = table.name();
    page.deactivate_missing = deactivate && table == Table::People;
    page.csv = file.unwrap_or(pasted);
    if page.csv.trim().is_empty() {
        page.error = Some("choose a CSV file or paste its text".to_owned());
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    let status = match roster::plan(
        &state.app,
        &viewer.actor,
        table,
        &page.csv,
        page.deactivate_missing,
    )
    .await
    {
        Ok(plan) => {
            page.show(&plan);
            StatusCode::OK
        }
        Err(e) => refused(&mut page, e)?,
    };
    Ok(render(status, &page))
}

/// Applies the previewed plan, when it is still the plan the file makes.
pub async fn apply(
    State(state): State<AppState>,
    viewer: Viewer,
    form: Pairs,
) -> Result<Response, PageError> {
    admins_only(&viewer)?;
    let table = table(form.get("table"))?;
    let mut page = ImportPage::new(&viewer);
    page.table = table.name();
    page.deactivate_missing = form.get("deactivate_missing").is_some() && table == Table::People;
    page.csv = form.get("csv").unwrap_or_default().to_owned();
    let digest = form.get("digest").unwrap_or_default();
    let applied = roster::apply(
        &state.app,
        &viewer.actor,
        table,
        &page.csv,
        page.deactivate_missing,
        Some(digest),
    )
    .await;
    let status = match applied {
        Ok(plan) => {
            state.tokens.clear();
            page.done = Some(format!("{}: {}", table.name(), plan.summary()));
            page.csv.clear();
            StatusCode::OK
        }
        Err(e) => {
            let status = refused(&mut page, e)?;
            // The plan changed since the preview: show the new one to confirm.
            if let Ok(plan) = roster::plan(
                &state.app,
                &viewer.actor,
                table,
                &page.csv,
                page.deactivate_missing,
            )
            .await
            {
                page.show(&plan);
            }
            status
        }
    };
    Ok(render(status, &page))
}

/// `/organisation/export/people.csv` and `/organisation/export/departments.csv`.
pub async fn export(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(file): ApiPath<String>,
) -> Result<Response, PageError> {
    admins_only(&viewer)?;
    let table = match file.as_str() {
        "people.csv" => Table::People,
        "departments.csv" => Table::Departments,
        _ => return Err(PageError::NotFound),
    };
    let text = roster::export(&state.app, &viewer.actor, table).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        text,
    )
        .into_response())
}

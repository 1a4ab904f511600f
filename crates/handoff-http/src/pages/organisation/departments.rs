//! `/organisation/departments`: administrators create departments, rename them, move
//! them in the hierarchy and set the calendar their SLAs count in.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_app::org::{self, DepartmentChanges, DepartmentDraft};
use handoff_store::departments::{self, Department};

use super::admins_only;
use crate::AppState;
use crate::extract::ApiPath;
use crate::pages::form::Pairs;
use crate::pages::{Choice, Frame, PageError, Viewer, refusal, render};

/// A department as the list shows it: its place in the hierarchy by indentation.
struct Row {
    id: i64,
    name: String,
    handle: String,
    depth: usize,
    parent: String,
    calendar: String,
}

#[derive(Template)]
#[template(path = "org_departments.html")]
struct ListPage {
    frame: Frame,
    rows: Vec<Row>,
    parents: Vec<Choice>,
    name: String,
    handle: String,
    error: Option<String>,
}

/// Departments in hierarchy order (each followed by its children), with their depth.
fn tree(all: &[Department]) -> Vec<(&Department, usize)> {
    let mut children: HashMap<Option<i64>, Vec<&Department>> = HashMap::new();
    let ids: std::collections::HashSet<i64> = all.iter().map(|d| d.id).collect();
    for d in all {
        // A parent that is gone (never, with the foreign key) shows the child at the top.
        let parent = d.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(d);
    }
    for list in children.values_mut() {
        list.sort_by_key(|d| d.name.to_lowercase());
    }
    let mut out = Vec::with_capacity(all.len());
    let mut stack: Vec<(&Department, usize)> = children
        .get(&None)
        .map(|top| top.iter().rev().map(|d| (*d, 0)).collect())
        .unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    while let Some((d, depth)) = stack.pop() {
        if !seen.insert(d.id) {
            continue;
        }
        out.push((d, depth));
        if let Some(kids) = children.get(&Some(d.id)) {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
        }
    }
    out
}

/// The departments as choices of a parent, indented by depth; `except` and its
/// descendants are left out (they cannot be its parent).
fn parent_choices(all: &[Department], except: Option<i64>, selected: Option<i64>) -> Vec<Choice> {
    let mut out = vec![Choice::new(
        "",
        "None (a top department)",
        selected.is_none(),
    )];
    let mut skip_below: Option<usize> = None;
    for (d, depth) in tree(all) {
        if let Some(limit) = skip_below {
            if depth > limit {
                continue;
            }
            skip_below = None;
        }
        if Some(d.id) == except {
            skip_below = Some(depth);
            continue;
        }
        let label = format!("{}{}", "· ".repeat(depth), d.name);
        out.push(Choice::new(d.id.to_string(), label, Some(d.id) == selected));
    }
    out
}

async fn list_page(
    state: &AppState,
    viewer: &Viewer,
    name: String,
    handle: String,
    parent: Option<i64>,
    error: Option<String>,
) -> Result<ListPage, PageError> {
    let all = departments::all(&state.app.db).await?;
    let names: HashMap<i64, &str> = all.iter().map(|d| (d.id, d.name.as_str())).collect();
    let calendars = handoff_store::calendars::list(&state.app.db, None, 0, i64::MAX).await?;
    let calendar_names: HashMap<i64, &str> =
        calendars.iter().map(|c| (c.id, c.name.as_str())).collect();
    let rows = tree(&all)
        .into_iter()
        .map(|(d, depth)| Row {
            id: d.id,
            name: d.name.clone(),
            handle: d.handle.clone(),
            depth,
            parent: d
                .parent_id
                .and_then(|p| names.get(&p))
                .map(|n| (*n).to_owned())
                .unwrap_or_default(),
            calendar: d
                .calendar_id
                .and_then(|c| calendar_names.get(&c))
                .map_or_else(|| "Calendar time".to_owned(), |n| (*n).to_owned()),
        })
        .collect();
    Ok(ListPage {
        frame: Frame::new(viewer, "organisation"),
        parents: parent_choices(&all, None, parent),
        rows,
        name,
        handle,
        error,
    })
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    admins_only(&viewer)?;
    let page = list_page(&state, &viewer, String::new(), String::new(), None, None).await?;
    Ok(render(StatusCode::OK, &page))
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    form: Pairs,
) -> Result<Response, PageError> {
    admins_only(&viewer)?;
    let name = form.get("name").unwrap_or_default().to_owned();
    let handle = form.get("handle").unwrap_or_default().to_owned();
    let refused = match form.chosen("parent_id") {
        Err(message) => (StatusCode::UNPROCESSABLE_ENTITY, message),
        Ok(parent_id) => {
            let draft = DepartmentDraft {
                name: &name,
                handle: &handle,
                parent_id,
            };
            match org::create_department(&state.app, &viewer.actor, &draft).await {
                Ok(d) => {
                    return Ok(Redirect::to(&format!(
                        "/organisation/departments#department-{}",
                        d.id
                    ))
                    .into_response());
                }
                Err(e) => refusal(e)?,
            }
        }
    };
    let parent = form.chosen("parent_id").ok().flatten();
    let page = list_page(&state, &viewer, name, handle, parent, Some(refused.1)).await?;
    Ok(render(refused.0, &page))
}

#[derive(Template)]
#[template(path = "org_department.html")]
struct EditPage {
    frame: Frame,
    id: i64,
    title: String,
    name: String,
    handle: String,
    parents: Vec<Choice>,
    calendars: Vec<Choice>,
    people: usize,
    error: Option<String>,
}

async fn edit_page(
    state: &AppState,
    viewer: &Viewer,
    department: &Department,
    form: Option<&Pairs>,
    error: Option<String>,
) -> Result<EditPage, PageError> {
    let all = departments::all(&state.app.db).await?;
    let calendars = handoff_store::calendars::list(&state.app.db, None, 0, i64::MAX).await?;
    let owners: HashMap<i64, &str> = all.iter().map(|d| (d.id, d.name.as_str())).collect();
    let field =
        |name: &str, stored: &str| form.and_then(|f| f.get(name)).unwrap_or(stored).to_owned();
    let picked = |name: &str, stored: Option<i64>| match form {
        Some(f) => f.chosen(name).ok().flatten(),
        None => stored,
    };
    let calendar = picked("calendar_id", department.calendar_id);
    let mut calendar_choices = vec![Choice::new(
        "",
        "Calendar time (around the clock)",
        calendar.is_none(),
    )];
    calendar_choices.extend(calendars.iter().map(|c| {
        let owner = owners.get(&c.department_id).copied().unwrap_or("?");
        Choice::new(
            c.id.to_string(),
            format!("{} ({owner}, {})", c.name, c.spec.time_zone),
            Some(c.id) == calendar,
        )
    }));
    let people = handoff_store::people::active_in_department(&state.app.db, department.id, false)
        .await?
        .len();
    Ok(EditPage {
        frame: Frame::new(viewer, "organisation"),
        id: department.id,
        title: department.name.clone(),
        name: field("name", &department.name),
        handle: field("handle", &department.handle),
        parents: parent_choices(
            &all,
            Some(department.id),
            picked("parent_id", department.parent_id),
        ),
        calendars: calendar_choices,
        people,
        error,
    })
}

pub async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, PageError> {
    admins_only(&viewer)?;
    let department = departments::get(&state.app.db, id).await?;
    let page = edit_page(&state, &viewer, &department, None, None).await?;
    Ok(render(StatusCode::OK, &page))
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    form: Pairs,
) -> Result<Response, PageError> {
    admins_only(&viewer)?;
    let department = departments::get(&state.app.db, id).await?;
    let choices = form
        .chosen("parent_id")
        .and_then(|p| Ok((p, form.chosen("calendar_id")?)));
    let refused = match choices {
        Err(message) => (StatusCode::UNPROCESSABLE_ENTITY, message),
        Ok((parent_id, calendar_id)) => {
            let edit = DepartmentChanges {
                name: form.get("name"),
                handle: form.get("handle"),
                // Only what changed: a calendar set again would recompute every clock.
                parent_id: (parent_id != department.parent_id).then_some(parent_id),
                calendar_id: (calendar_id != department.calendar_id).then_some(calendar_id),
            };
            match org::change_department(&state.app, &viewer.actor, id, &edit).await {
                Ok(_) => {
                    return Ok(
                        Redirect::to(&format!("/organisation/departments#department-{id}"))
                            .into_response(),
                    );
                }
                Err(e) => refusal(e)?,
            }
        }
    };
    let page = edit_page(&state, &viewer, &department, Some(&form), Some(refused.1)).await?;
    Ok(render(refused.0, &page))
}

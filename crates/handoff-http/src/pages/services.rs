//! A department's settings, for its managers (and administrators): its services —
//! description, audience, confidentiality, owner, archived or not — and each service's
//! request form, whose fields are added, edited, reordered and removed here with a
//! preview of the form as a requester sees it. Others do not find these pages.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_app::services::{self as actions, ServiceChanges, ServiceDraft};
use handoff_domain::form::{FieldDef, FieldType};
use handoff_store::services::{Service, ServiceFilter};
use handoff_store::{departments, people, services};

use super::catalog::{InputField, input_fields};
use super::form::Pairs;
use super::{Choice, Frame, PageError, Viewer, refusal, render};
use crate::AppState;
use crate::extract::ApiPath;

/// Only the department's managers and administrators see its settings.
fn managers_only(viewer: &Viewer, department: i64) -> Result<(), PageError> {
    if viewer.actor.manages(department) {
        Ok(())
    } else {
        Err(PageError::NotFound)
    }
}

struct ServiceRow {
    id: i64,
    name: String,
    active: bool,
    confidential: bool,
    audience: String,
    fields: usize,
}

#[derive(Template)]
#[template(path = "department_services.html")]
struct ListPage {
    frame: Frame,
    department_id: i64,
    department: String,
    rows: Vec<ServiceRow>,
    name: String,
    description: String,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    viewer: &Viewer,
    department_id: i64,
    form: Option<&Pairs>,
    error: Option<String>,
) -> Result<ListPage, PageError> {
    let department = departments::get(&state.app.db, department_id)
        .await
        .map_err(|_| PageError::NotFound)?;
    managers_only(viewer, department_id)?;
    let filter = ServiceFilter {
        department_id: Some(department_id),
        ..ServiceFilter::default()
    };
    let all = services::list(&state.app.db, &filter, 0, 1_000).await?;
    let audience_ids: Vec<i64> = all.iter().flat_map(|s| s.audience.clone()).collect();
    let names = departments::names(&state.app.db, &audience_ids).await?;
    let rows = all
        .into_iter()
        .map(|s| ServiceRow {
            audience: if s.open_to_everyone {
                "Everyone".to_owned()
            } else {
                let mut listed: Vec<String> = s
                    .audience
                    .iter()
                    .filter_map(|d| names.get(d).cloned())
                    .collect();
                listed.sort();
                listed.insert(0, department.name.clone());
                listed.join(", ")
            },
            fields: s.fields.len(),
            id: s.id,
            name: s.name,
            active: s.active,
            confidential: s.confidential,
        })
        .collect();
    let field = |name: &str| {
        form.and_then(|f| f.get(name))
            .unwrap_or_default()
            .to_owned()
    };
    Ok(ListPage {
        frame: Frame::new(viewer, "services"),
        department_id,
        department: department.name,
        rows,
        name: field("name"),
        description: field("description"),
        error,
    })
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, PageError> {
    let page = list_page(&state, &viewer, id, None, None).await?;
    Ok(render(StatusCode::OK, &page))
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    form: Pairs,
) -> Result<Response, PageError> {
    managers_only(&viewer, id)?;
    let draft = ServiceDraft {
        department_id: id,
        name: form.get("name").unwrap_or_default(),
        description: form.get("description").unwrap_or_default(),
        owner_id: None,
        open_to_everyone: true,
        audience: &[],
        confidential: false,
        fields: &[],
        pause_on_links: false,
    };
    match actions::create(&state.app, &viewer.actor, &draft).await {
        Ok(s) => Ok(Redirect::to(&format!("/services/{}/settings", s.id)).into_response()),
        Err(e) => {
            let (status, message) = refusal(e)?;
            let page = list_page(&state, &viewer, id, Some(&form), Some(message)).await?;
            Ok(render(status, &page))
        }
    }
}

/// A field of the form as the editor lists it.
struct FieldRow {
    key: String,
    label: String,
    kind: &'static str,
    required: bool,
    options: String,
    first: bool,
    last: bool,
}

/// The field being added or edited.
struct Draft {
    /// The key of the field edited; empty when adding one.
    original: String,
    key: String,
    label: String,
    kind: String,
    required: bool,
    options: String,
    help: String,
}

#[derive(Template)]
#[template(path = "service_settings.html")]
struct SettingsPage {
    frame: Frame,
    id: i64,
    title: String,
    department_id: i64,
    department: String,
    name: String,
    description: String,
    owners: Vec<Choice>,
    open_to_everyone: bool,
    audience: Vec<Choice>,
    confidential: bool,
    active: bool,
    pause_on_links: bool,
    error: Option<String>,
    /// The form's fields as the editor lists them.
    rows: Vec<FieldRow>,
    kinds: Vec<Choice>,
    draft: Draft,
    field_error: Option<String>,
    /// The form as a requester sees it.
    fields: Vec<InputField>,
    saved: bool,
}

const KINDS: [(FieldType, &str, &str); 7] = [
    (FieldType::Text, "text", "One line of text"),
    (FieldType::LongText, "long_text", "Several lines of text"),
    (FieldType::Number, "number", "A number"),
    (FieldType::Date, "date", "A date"),
    (FieldType::Choice, "choice", "One of a list"),
    (FieldType::MultiChoice, "multi_choice", "Several of a list"),
    (FieldType::Person, "person", "A person"),
];

fn kind_label(kind: FieldType) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or("?", |(_, _, label)| label)
}

fn kind_of(value: &str) -> Option<FieldType> {
    KINDS
        .iter()
        .find(|(_, name, _)| *name == value)
        .map(|(k, _, _)| *k)
}

fn kind_name(kind: FieldType) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or("text", |(_, name, _)| name)
}

impl Draft {
    fn empty() -> Draft {
        Draft {
            original: String::new(),
            key: String::new(),
            label: String::new(),
            kind: "text".to_owned(),
            required: false,
            options: String::new(),
            help: String::new(),
        }
    }

    fn of(def: &FieldDef) -> Draft {
        Draft {
            original: def.key.clone(),
            key: def.key.clone(),
            label: def.label.clone(),
            kind: kind_name(def.kind).to_owned(),
            required: def.required,
            options: def.options.join("\n"),
            help: def.help.clone(),
        }
    }

    fn from_form(form: &Pairs) -> Draft {
        let get = |name: &str| form.get(name).unwrap_or_default().to_owned();
        Draft {
            original: get("original_key"),
            key: get("key").trim().to_owned(),
            label: get("label"),
            kind: get("type"),
            required: form.get("required").is_some(),
            options: get("options"),
            help: get("help"),
        }
    }
}

async fn settings_page(
    state: &AppState,
    viewer: &Viewer,
    service: &Service,
    form: Option<&Pairs>,
    error: Option<String>,
) -> Result<SettingsPage, PageError> {
    let all = departments::all(&state.app.db).await?;
    let department = all
        .iter()
        .find(|d| d.id == service.department_id)
        .map(|d| d.name.clone())
        .unwrap_or_default();
    let members = people::active_in_department(&state.app.db, service.department_id, false).await?;
    let names = people::names(&state.app.db, &members).await?;
    let owner = match form {
        Some(f) => f.chosen("owner_id").ok().flatten(),
        None => service.owner_id,
    };
    let mut owners = vec![Choice::new("", "Nobody in particular", owner.is_none())];
    let mut by_name: Vec<(&i64, &String)> = names.iter().collect();
    by_name.sort_by_key(|(_, n)| n.to_lowercase());
    owners.extend(
        by_name
            .into_iter()
            .map(|(id, name)| Choice::new(id.to_string(), name, Some(*id) == owner)),
    );
    let audience_now: Vec<i64> = match form {
        Some(f) => f
            .all("audience")
            .iter()
            .filter_map(|a| a.parse().ok())
            .collect(),
        None => service.audience.clone(),
    };
    let mut others: Vec<_> = all
        .iter()
        .filter(|d| d.id != service.department_id)
        .collect();
    others.sort_by_key(|d| d.name.to_lowercase());
    let flag = |name: &str, stored: bool| form.map_or(stored, |f| f.get(name).is_some());
    let count = service.fields.len();
    let preview = input_fields(state, service, &Pairs::default(), &HashMap::new()).await?;
    Ok(SettingsPage {
        frame: Frame::new(viewer, "services"),
        id: service.id,
        title: service.name.clone(),
        department_id: service.department_id,
        department,
        name: form
            .and_then(|f| f.get("name"))
            .unwrap_or(&service.name)
            .to_owned(),
        description: form
            .and_then(|f| f.get("description"))
            .unwrap_or(&service.description)
            .to_owned(),
        owners,
        open_to_everyone: match form {
            Some(f) => f.get("open_to_everyone") == Some("1"),
            None => service.open_to_everyone,
        },
        audience: others
            .into_iter()
            .map(|d| Choice::new(d.id.to_string(), &d.name, audience_now.contains(&d.id)))
            .collect(),
        confidential: flag("confidential", service.confidential),
        active: flag("active", service.active),
        pause_on_links: flag("pause_on_links", service.pause_on_links),
        error,
        rows: service
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| FieldRow {
                key: f.key.clone(),
                label: f.label.clone(),
                kind: kind_label(f.kind),
                required: f.required,
                options: f.options.join(", "),
                first: i == 0,
                last: i + 1 == count,
            })
            .collect(),
        kinds: Vec::new(),
        draft: Draft::empty(),
        field_error: None,
        fields: preview,
        saved: false,
    })
}

impl SettingsPage {
    /// Shows `draft` in the field editor.
    fn editing(mut self, draft: Draft) -> SettingsPage {
        self.kinds = KINDS
            .iter()
            .map(|(_, name, label)| Choice::new(*name, *label, *name == draft.kind))
            .collect();
        self.draft = draft;
        self
    }
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    query: Pairs,
) -> Result<Response, PageError> {
    let service = managed(&state, &viewer, id).await?;
    let draft = query
        .filled("edit")
        .and_then(|key| service.fields.iter().find(|f| f.key == key))
        .map_or_else(Draft::empty, Draft::of);
    let mut page = settings_page(&state, &viewer, &service, None, None)
        .await?
        .editing(draft);
    page.saved = query.get("saved").is_some();
    Ok(render(StatusCode::OK, &page))
}

/// The service, for those who manage it; "not found" for everyone else.
async fn managed(state: &AppState, viewer: &Viewer, id: i64) -> Result<Service, PageError> {
    actions::managed(&state.app, &viewer.actor, id)
        .await
        .map_err(|e| match e {
            handoff_app::ActionError::Forbidden(_) => PageError::NotFound,
            other => other.into(),
        })
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    form: Pairs,
) -> Result<Response, PageError> {
    let service = managed(&state, &viewer, id).await?;
    let owner = form.chosen("owner_id");
    let audience: Result<Vec<i64>, _> = form.all("audience").iter().map(|a| a.parse()).collect();
    let refused = match (owner, audience) {
        (Ok(owner), Ok(audience)) => {
            let open = form.get("open_to_everyone") == Some("1");
            let edit = ServiceChanges {
                name: form.get("name"),
                description: form.get("description"),
                owner_id: Some(owner),
                open_to_everyone: Some(open),
                // The audience is kept while the service is open to everyone, for when
                // it is closed again.
                audience: Some(&audience),
                confidential: Some(form.get("confidential").is_some()),
                active: Some(form.get("active").is_some()),
                fields: None,
                pause_on_links: Some(form.get("pause_on_links").is_some()),
            };
            match actions::change(&state.app, &viewer.actor, id, &edit).await {
                Ok(_) => {
                    return Ok(
                        Redirect::to(&format!("/services/{id}/settings?saved=1")).into_response()
                    );
                }
                Err(e) => refusal(e)?,
            }
        }
        _ => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "owner_id and audience: must be among the choices".to_owned(),
        ),
    };
    let page = settings_page(&state, &viewer, &service, Some(&form), Some(refused.1))
        .await?
        .editing(Draft::empty());
    Ok(render(refused.0, &page))
}

/// Saves the service's form as `fields`, or shows the refusal beside the field editor
/// with `draft` in it.
async fn save_fields(
    state: &AppState,
    viewer: &Viewer,
    service: &Service,
    fields: Vec<FieldDef>,
    draft: Draft,
) -> Result<Response, PageError> {
    let edit = ServiceChanges {
        fields: Some(&fields),
        ..ServiceChanges::default()
    };
    match actions::change(&state.app, &viewer.actor, service.id, &edit).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/services/{}/settings?saved=1#form-editor",
            service.id
        ))
        .into_response()),
        Err(e) => {
            let (status, message) = refusal(e)?;
            // `fields[2].options` names the field by its place: say which one it is.
            let message = fields.iter().enumerate().fold(message, |m, (i, f)| {
                m.replace(&format!("fields[{i}]"), &format!("field “{}”", f.label))
            });
            let mut page = settings_page(state, viewer, service, None, None)
                .await?
                .editing(draft);
            page.field_error = Some(message);
            Ok(render(status, &page))
        }
    }
}

/// Adds a field, or changes the one named by `original_key`.
pub async fn save_field(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    form: Pairs,
) -> Result<Response, PageError> {
    let service = managed(&state, &viewer, id).await?;
    let draft = Draft::from_form(&form);
    let Some(kind) = kind_of(&draft.kind) else {
        let mut page = settings_page(&state, &viewer, &service, None, None)
            .await?
            .editing(draft);
        page.field_error = Some("type: must be one of the choices".to_owned());
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    let def = FieldDef {
        key: draft.key.clone(),
        label: draft.label.trim().to_owned(),
        kind,
        required: draft.required,
        options: if matches!(kind, FieldType::Choice | FieldType::MultiChoice) {
            draft
                .options
                .lines()
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(str::to_owned)
                .collect()
        } else {
            Vec::new()
        },
        help: draft.help.trim().to_owned(),
    };
    let mut fields = service.fields.clone();
    match fields.iter().position(|f| f.key == draft.original) {
        Some(at) if !draft.original.is_empty() => fields[at] = def,
        _ if !draft.original.is_empty() => return Err(PageError::NotFound),
        _ => fields.push(def),
    }
    save_fields(&state, &viewer, &service, fields, draft).await
}

/// Moves a field up or down the form.
pub async fn move_field(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath((id, key)): ApiPath<(i64, String)>,
    form: Pairs,
) -> Result<Response, PageError> {
    let service = managed(&state, &viewer, id).await?;
    let mut fields = service.fields.clone();
    let at = fields
        .iter()
        .position(|f| f.key == key)
        .ok_or(PageError::NotFound)?;
    let to = match form.get("direction") {
        Some("up") if at > 0 => at - 1,
        Some("down") if at + 1 < fields.len() => at + 1,
        Some("up" | "down") => at,
        _ => {
            return Err(PageError::Rejected(
                StatusCode::UNPROCESSABLE_ENTITY,
                "direction: must be up or down".to_owned(),
            ));
        }
    };
    fields.swap(at, to);
    save_fields(&state, &viewer, &service, fields, Draft::empty()).await
}

/// Removes a field from the form; requests already filed keep its values.
pub async fn remove_field(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath((id, key)): ApiPath<(i64, String)>,
) -> Result<Response, PageError> {
    let service = managed(&state, &viewer, id).await?;
    let mut fields = service.fields.clone();
    let before = fields.len();
    fields.retain(|f| f.key != key);
    if fields.len() == before {
        return Err(PageError::NotFound);
    }
    save_fields(&state, &viewer, &service, fields, Draft::empty()).await
}

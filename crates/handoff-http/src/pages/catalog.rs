//! `/catalog`: the services a person may request, by department, and the form that files
//! a request to one of them, built from the service's own fields.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_domain::form::{FieldDef, FieldType};
use handoff_domain::request::Priority;
use handoff_store::people::PeopleFilter;
use handoff_store::services::{Service, ServiceFilter};
use handoff_store::{departments, people, services, sla_policies};
use serde_json::{Map, Value};

use super::form::{PageId, Pairs};
use super::format;
use super::service_sla::summary;
use super::{Choice, Frame, PageError, Viewer, render};
use crate::AppState;
use crate::api::requests::{self, CreateRequest};
use crate::error::ApiError;

pub struct ServiceLine {
    pub id: i64,
    pub name: String,
    pub description: String,
}

pub struct DepartmentServices {
    pub department: String,
    pub services: Vec<ServiceLine>,
}

#[derive(Template)]
#[template(path = "catalog.html")]
struct CatalogPage {
    frame: Frame,
    departments: Vec<DepartmentServices>,
}

/// Every active service open to `department`, page after page.
pub(super) async fn services_open_to(
    state: &AppState,
    department: i64,
) -> Result<Vec<Service>, PageError> {
    let filter = ServiceFilter {
        department_id: None,
        active: Some(true),
        requestable_by: Some(department),
    };
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let batch = services::list(&state.app.db, &filter, after, 200).await?;
        let full = batch.len() == 200;
        after = batch.last().map_or(after, |s| s.id);
        all.extend(batch);
        if !full {
            return Ok(all);
        }
    }
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let all = services_open_to(&state, viewer.actor.department_id).await?;
    let department_ids: Vec<i64> = all.iter().map(|s| s.department_id).collect();
    let names = departments::names(&state.app.db, &department_ids).await?;
    let mut grouped: BTreeMap<String, Vec<ServiceLine>> = BTreeMap::new();
    for s in all {
        let department = names.get(&s.department_id).cloned().unwrap_or_default();
        grouped.entry(department).or_default().push(ServiceLine {
            id: s.id,
            name: s.name,
            description: s.description,
        });
    }
    let page = CatalogPage {
        frame: Frame::new(&viewer, "catalog"),
        departments: grouped
            .into_iter()
            .map(|(department, mut services)| {
                services.sort_by(|a, b| a.name.cmp(&b.name));
                DepartmentServices {
                    department,
                    services,
                }
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// One field of the filing form, with what was entered and what is wrong with it.
pub struct InputField {
    pub name: String,
    pub label: String,
    pub help: String,
    pub required: bool,
    /// `text`, `long_text`, `number`, `date`, `choice`, `multi_choice` or `person`.
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<Choice>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "file_request.html")]
struct FilePage {
    frame: Frame,
    service_id: i64,
    service: String,
    description: String,
    department: String,
    subject: String,
    subject_error: Option<String>,
    body: String,
    body_error: Option<String>,
    priorities: Vec<Choice>,
    fields: Vec<InputField>,
    /// The service's SLA per priority, in words.
    levels: Vec<(String, String)>,
    error: Option<String>,
    /// The request this one is filed on behalf of (a linked request), and its subject.
    on_behalf_of: Option<(i64, String)>,
}

/// The service, if the viewer may file a request to it.
async fn requestable(state: &AppState, viewer: &Viewer, id: i64) -> Result<Service, PageError> {
    let service = services::get(&state.app.db, id).await?;
    if service.active && service.open_to(viewer.actor.department_id) {
        Ok(service)
    } else {
        Err(PageError::NotFound)
    }
}

/// The request named by `on_behalf_of`, when the viewer may see it.
async fn on_behalf_of(
    state: &AppState,
    viewer: &Viewer,
    form: &Pairs,
) -> Result<Option<(i64, String)>, PageError> {
    let Some(id) = form.filled("on_behalf_of") else {
        return Ok(None);
    };
    let id: i64 = id.parse().map_err(|_| PageError::NotFound)?;
    let (parent, _) = requests::visible(state, &viewer.actor, id).await?;
    Ok(Some((parent.id, parent.subject)))
}

pub async fn form(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    query: Pairs,
) -> Result<Response, PageError> {
    let service = requestable(&state, &viewer, id).await?;
    let parent = on_behalf_of(&state, &viewer, &query).await?;
    let mut page = file_page(&state, &viewer, &service, &Pairs::default(), None).await?;
    page.on_behalf_of = parent;
    Ok(render(StatusCode::OK, &page))
}

pub async fn file(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    form: Pairs,
) -> Result<Response, PageError> {
    let service = requestable(&state, &viewer, id).await?;
    let parent = on_behalf_of(&state, &viewer, &form).await?;
    let priority = match form.filled("priority") {
        Some(p) => Priority::parse(p),
        None => Some(Priority::default()),
    };
    let result = match priority {
        Some(priority) => {
            let input = CreateRequest {
                service_id: service.id,
                subject: form.get("subject").unwrap_or_default().to_owned(),
                description: form.get("description").unwrap_or_default().to_owned(),
                priority,
                fields: values(&service.fields, &form),
            };
            match &parent {
                Some((parent, _)) => handoff_app::links::file_linked(
                    &state.app,
                    &viewer.actor,
                    *parent,
                    input.into(),
                )
                .await
                .map(|r| r.id)
                .map_err(ApiError::from),
                None => requests::file(&state, &viewer.actor, input)
                    .await
                    .map(|r| r.id),
            }
        }
        None => Err(ApiError::field("priority", "unknown priority")),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/requests/{id}")).into_response()),
        Err(ApiError::Invalid { fields, .. }) => {
            let errors: HashMap<String, String> = fields.into_map().into_iter().collect();
            let mut page = file_page(&state, &viewer, &service, &form, Some(errors)).await?;
            page.on_behalf_of = parent;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(refused @ (ApiError::Forbidden(_) | ApiError::Conflict { .. })) => {
            let (status, _) = refused.status_and_code();
            let mut page = file_page(&state, &viewer, &service, &form, None).await?;
            page.error = Some(refused.to_string());
            page.on_behalf_of = parent;
            Ok(render(status, &page))
        }
        Err(other) => Err(other.into()),
    }
}

/// The form's values as the API takes them: numbers and people as JSON numbers when they
/// parse (else as typed, for the form check to name), multi-choice as lists, blanks left
/// out so that "required" is what reports them.
pub(super) fn values(fields: &[FieldDef], form: &Pairs) -> Map<String, Value> {
    let mut out = Map::new();
    for def in fields {
        let name = format!("field.{}", def.key);
        let value = match def.kind {
            FieldType::MultiChoice => {
                let chosen: Vec<Value> = form
                    .all(&name)
                    .into_iter()
                    .filter(|v| !v.is_empty())
                    .map(|v| Value::String(v.to_owned()))
                    .collect();
                (!chosen.is_empty()).then_some(Value::Array(chosen))
            }
            FieldType::Number => form.filled(&name).map(|v| {
                serde_json::from_str::<serde_json::Number>(v)
                    .map_or_else(|_| Value::String(v.to_owned()), Value::Number)
            }),
            FieldType::Person => form.filled(&name).map(|v| {
                v.parse::<i64>()
                    .map_or_else(|_| Value::String(v.to_owned()), Value::from)
            }),
            FieldType::Text | FieldType::Date | FieldType::Choice => {
                form.filled(&name).map(|v| Value::String(v.to_owned()))
            }
            FieldType::LongText => form
                .get(&name)
                .filter(|v| !v.trim().is_empty())
                .map(|v| Value::String(v.to_owned())),
        };
        if let Some(value) = value {
            out.insert(def.key.clone(), value);
        }
    }
    out
}

/// The service's form fields with what `form` holds for each and what is wrong with it;
/// shared by filing and transfers.
pub(super) async fn input_fields(
    state: &AppState,
    service: &Service,
    form: &Pairs,
    errors: &HashMap<String, String>,
) -> Result<Vec<InputField>, PageError> {
    let needs_people = service.fields.iter().any(|f| f.kind == FieldType::Person);
    let everyone = if needs_people {
        let filter = PeopleFilter {
            department_id: None,
            active: Some(true),
            q: None,
        };
        people::list(&state.app.db, &filter, 0, 1000).await?
    } else {
        Vec::new()
    };
    Ok(service
        .fields
        .iter()
        .map(|def| {
            let name = format!("field.{}", def.key);
            let entered = form.all(&name);
            let options = match def.kind {
                FieldType::Choice | FieldType::MultiChoice => def
                    .options
                    .iter()
                    .map(|o| Choice::new(o, o, entered.contains(&o.as_str())))
                    .collect(),
                FieldType::Person => everyone
                    .iter()
                    .map(|p| {
                        let id = p.id.to_string();
                        let selected = entered.contains(&id.as_str());
                        Choice::new(id, &p.name, selected)
                    })
                    .collect(),
                _ => Vec::new(),
            };
            InputField {
                value: entered.first().map(|v| (*v).to_owned()).unwrap_or_default(),
                error: errors.get(&format!("fields.{}", def.key)).cloned(),
                name,
                label: def.label.clone(),
                help: def.help.clone(),
                required: def.required,
                kind: kind_name(def.kind),
                options,
            }
        })
        .collect())
}

fn kind_name(kind: FieldType) -> &'static str {
    match kind {
        FieldType::Text => "text",
        FieldType::LongText => "long_text",
        FieldType::Number => "number",
        FieldType::Date => "date",
        FieldType::Choice => "choice",
        FieldType::MultiChoice => "multi_choice",
        FieldType::Person => "person",
    }
}

async fn file_page(
    state: &AppState,
    viewer: &Viewer,
    service: &Service,
    form: &Pairs,
    errors: Option<HashMap<String, String>>,
) -> Result<FilePage, PageError> {
    let errors = errors.unwrap_or_default();
    let department = departments::names(&state.app.db, &[service.department_id])
        .await?
        .remove(&service.department_id)
        .unwrap_or_default();
    let levels = sla_policies::of_service(&state.app.db, service.id)
        .await?
        .iter()
        .map(|p| {
            let who = p.priority.map_or("Any priority", format::priority);
            (who.to_owned(), summary(&p.policy))
        })
        .collect();
    let fields = input_fields(state, service, form, &errors).await?;
    let chosen = form
        .filled("priority")
        .and_then(Priority::parse)
        .unwrap_or_default();
    let known = ["subject", "description", "priority"];
    let other_errors: Vec<String> = errors
        .iter()
        .filter(|(k, _)| !k.starts_with("fields.") && !known.contains(&k.as_str()))
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    Ok(FilePage {
        frame: Frame::new(viewer, "catalog"),
        service_id: service.id,
        service: service.name.clone(),
        description: service.description.clone(),
        department,
        subject: form.get("subject").unwrap_or_default().to_owned(),
        subject_error: errors.get("subject").cloned(),
        body: form.get("description").unwrap_or_default().to_owned(),
        body_error: errors.get("description").cloned(),
        priorities: format::priorities(chosen),
        fields,
        levels,
        error: (!errors.is_empty()).then(|| {
            if other_errors.is_empty() {
                "Some fields need attention; see below.".to_owned()
            } else {
                other_errors.join("; ")
            }
        }),
        on_behalf_of: None,
    })
}

//! `/organisation/people`: administrators create people, change their department and
//! role, deactivate them, give them a new password (shown once) and see and revoke their
//! API tokens.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_app::org::{self, PersonChanges, PersonDraft};
use handoff_domain::org::Role;
use handoff_store::departments;
use handoff_store::people::{self, PeopleFilter, Person};

use super::admins_only;
use crate::AppState;
use crate::extract::ApiPath;
use crate::pages::form::Pairs;
use crate::pages::settings::{TokenRow, token_rows};
use crate::pages::{Choice, Frame, PageError, Viewer, refusal, render};

/// People shown on one page of the list.
const PAGE: i64 = 50;

struct Row {
    id: i64,
    name: String,
    email: String,
    department: String,
    role: &'static str,
    active: bool,
}

#[derive(Template)]
#[template(path = "org_people.html")]
struct ListPage {
    frame: Frame,
    rows: Vec<Row>,
    q: String,
    filter_departments: Vec<Choice>,
    states: Vec<Choice>,
    /// The query of the next page, when there is one.
    next: Option<String>,
    departments: Vec<Choice>,
    roles: Vec<Choice>,
    name: String,
    email: String,
    error: Option<String>,
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Member => "Member",
        Role::Manager => "Manager",
        Role::Admin => "Administrator",
    }
}

fn role_choices(selected: Option<Role>) -> Vec<Choice> {
    Role::ALL
        .into_iter()
        .map(|r| Choice::new(r.as_str(), role_label(r), Some(r) == selected))
        .collect()
}

fn department_choices(
    all: &[departments::Department],
    selected: Option<i64>,
    any: Option<&str>,
) -> Vec<Choice> {
    let mut sorted: Vec<_> = all.iter().collect();
    sorted.sort_by_key(|d| d.name.to_lowercase());
    let mut out: Vec<Choice> = any
        .map(|label| Choice::new("", label, selected.is_none()))
        .into_iter()
        .collect();
    out.extend(
        sorted
            .into_iter()
            .map(|d| Choice::new(d.id.to_string(), &d.name, Some(d.id) == selected)),
    );
    out
}

/// The department and the role a person's form chose, or what is wrong with them.
fn department_and_role(form: &Pairs) -> Result<(i64, Role), String> {
    let department = form
        .chosen("department_id")?
        .ok_or_else(|| "department_id: choose the person's department".to_owned())?;
    let role = form
        .get("role")
        .and_then(Role::parse)
        .ok_or_else(|| "role: must be member, manager or admin".to_owned())?;
    Ok((department, role))
}

fn row(p: Person, names: &HashMap<i64, String>) -> Row {
    Row {
        role: p.role().map(role_label).unwrap_or("?"),
        department: names.get(&p.department_id).cloned().unwrap_or_default(),
        id: p.id,
        name: p.name,
        email: p.email,
        active: p.active,
    }
}

async fn list_page(
    state: &AppState,
    viewer: &Viewer,
    query: &Pairs,
    draft: Option<&Pairs>,
    error: Option<String>,
) -> Result<ListPage, PageError> {
    let all = departments::all(&state.app.db).await?;
    let names: HashMap<i64, String> = all.iter().map(|d| (d.id, d.name.clone())).collect();
    let refused = |why: String| PageError::Rejected(StatusCode::UNPROCESSABLE_ENTITY, why);
    let department = query.chosen("department_id").map_err(refused)?;
    let state_filter = query.filled("state").unwrap_or("active");
    if !matches!(state_filter, "active" | "inactive" | "all") {
        return Err(refused("state: must be active, inactive or all".to_owned()));
    }
    let filter = PeopleFilter {
        department_id: department,
        active: match state_filter {
            "inactive" => Some(false),
            "all" => None,
            _ => Some(true),
        },
        q: query.filled("q").map(str::to_owned),
    };
    let after = query.chosen("after").map_err(refused)?.unwrap_or(0);
    let mut found = people::list(&state.app.db, &filter, after, PAGE + 1).await?;
    let next = (found.len() as i64 > PAGE).then(|| {
        found.truncate(PAGE as usize);
        let last = found.last().map_or(0, |p| p.id);
        let mut pairs: Vec<(&str, String)> = vec![("after", last.to_string())];
        if let Some(q) = &filter.q {
            pairs.push(("q", q.clone()));
        }
        if let Some(d) = department {
            pairs.push(("department_id", d.to_string()));
        }
        pairs.push(("state", state_filter.to_owned()));
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    });
    let field = |name: &str| {
        draft
            .and_then(|f| f.get(name))
            .unwrap_or_default()
            .to_owned()
    };
    let new_department = draft.and_then(|f| f.chosen("department_id").ok().flatten());
    let new_role = draft
        .and_then(|f| f.get("role"))
        .and_then(Role::parse)
        .or(Some(Role::Member));
    Ok(ListPage {
        frame: Frame::new(viewer, "organisation"),
        rows: found.into_iter().map(|p| row(p, &names)).collect(),
        q: filter.q.clone().unwrap_or_default(),
        filter_departments: department_choices(&all, department, Some("Every department")),
        states: [
            ("active", "Active"),
            ("inactive", "Deactivated"),
            ("all", "Everyone"),
        ]
        .into_iter()
        .map(|(v, l)| Choice::new(v, l, v == state_filter))
        .collect(),
        next,
        departments: department_choices(&all, new_department, None),
        roles: role_choices(new_role),
        name: field("name"),
        email: field("email"),
        error,
    })
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Pairs,
) -> Result<Response, PageError> {
    admins_only(&viewer)?;
    let page = list_page(&state, &viewer, &query, None, None).await?;
    Ok(render(StatusCode::OK, &page))
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    form: Pairs,
) -> Result<Response, PageError> {
    admins_only(&viewer)?;
    let refused = match department_and_role(&form) {
        Err(message) => (StatusCode::UNPROCESSABLE_ENTITY, message),
        Ok((department_id, role)) => {
            let draft = PersonDraft {
                name: form.get("name").unwrap_or_default(),
                email: form.get("email").unwrap_or_default(),
                department_id,
                role,
            };
            match org::create_person(&state.app, &viewer.actor, &draft).await {
                Ok(p) => {
                    return Ok(
                        Redirect::to(&format!("/organisation/people/{}?created=1", p.id))
                            .into_response(),
                    );
                }
                Err(e) => refusal(e)?,
            }
        }
    };
    let page = list_page(
        &state,
        &viewer,
        &Pairs::default(),
        Some(&form),
        Some(refused.1),
    )
    .await?;
    Ok(render(refused.0, &page))
}

#[derive(Template)]
#[template(path = "org_person.html")]
struct PersonPage {
    frame: Frame,
    id: i64,
    title: String,
    active: bool,
    name: String,
    email: String,
    departments: Vec<Choice>,
    roles: Vec<Choice>,
    tokens: Vec<TokenRow>,
    token_caption: String,
    /// Where a token's revoke button posts, before `/{id}/revoke`.
    revoke_base: String,
    /// Just created: the page says how they sign in.
    created: bool,
    /// A password just given, shown this once.
    password: Option<String>,
    error: Option<String>,
    /// Whether this is the viewer themselves (who may not deactivate or demote
    /// themselves).
    myself: bool,
}

async fn person_page(
    state: &AppState,
    viewer: &Viewer,
    person: &Person,
    form: Option<&Pairs>,
    error: Option<String>,
) -> Result<PersonPage, PageError> {
    let all = departments::all(&state.app.db).await?;
    let tokens = handoff_app::tokens::of(&state.app, &viewer.actor, person.id).await?;
    let field =
        |name: &str, stored: &str| form.and_then(|f| f.get(name)).unwrap_or(stored).to_owned();
    let department = match form {
        Some(f) => f.chosen("department_id").ok().flatten(),
        None => Some(person.department_id),
    };
    let role = match form {
        Some(f) => f.get("role").and_then(Role::parse),
        None => person.role().ok(),
    };
    Ok(PersonPage {
        frame: Frame::new(viewer, "organisation"),
        id: person.id,
        title: person.name.clone(),
        active: match form {
            Some(f) => f.get("active").is_some(),
            None => person.active,
        },
        name: field("name", &person.name),
        email: field("email", &person.email),
        departments: department_choices(&all, department, None),
        roles: role_choices(role),
        tokens: token_rows(tokens, &viewer.zone),
        token_caption: format!("{}'s tokens, working ones first", person.name),
        revoke_base: format!("/organisation/people/{}/tokens", person.id),
        created: false,
        password: None,
        error,
        myself: person.id == viewer.actor.person_id,
    })
}

async fn person(state: &AppState, id: i64) -> Result<Person, PageError> {
    people::get(&state.app.db, id).await.map_err(|e| match e {
        handoff_store::StoreError::NotFound => PageError::NotFound,
        other => other.into(),
    })
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    query: Pairs,
) -> Result<Response, PageError> {
    admins_only(&viewer)?;
    let person = person(&state, id).await?;
    let mut page = person_page(&state, &viewer, &person, None, None).await?;
    page.created = query.get("created").is_some();
    Ok(render(StatusCode::OK, &page))
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    form: Pairs,
) -> Result<Response, PageError> {
    admins_only(&viewer)?;
    let current = person(&state, id).await?;
    let refused = match department_and_role(&form) {
        Err(message) => (StatusCode::UNPROCESSABLE_ENTITY, message),
        Ok((department, role)) => {
            let edit = PersonChanges {
                name: form.get("name"),
                email: form.get("email"),
                department_id: Some(department),
                role: Some(role),
                active: Some(form.get("active").is_some()),
            };
            match org::change_person(&state.app, &viewer.actor, id, &edit).await {
                Ok(_) => {
                    // Role, department or activity may have changed: who a token stands for, too.
                    state.tokens.clear();
                    return Ok(Redirect::to(&format!("/organisation/people/{id}")).into_response());
                }
                Err(e) => refusal(e)?,
            }
        }
    };
    let page = person_page(&state, &viewer, &current, Some(&form), Some(refused.1)).await?;
    Ok(render(refused.0, &page))
}

/// Gives the person a new password and shows it this once (never in a redirect).
pub async fn reset_password(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, PageError> {
    admins_only(&viewer)?;
    let current = person(&state, id).await?;
    match org::reset_password(&state.app, &viewer.actor, id).await {
        Ok(password) => {
            let mut page = person_page(&state, &viewer, &current, None, None).await?;
            page.password = Some(password);
            Ok(render(StatusCode::OK, &page))
        }
        Err(e) => {
            let (status, message) = refusal(e)?;
            let page = person_page(&state, &viewer, &current, None, Some(message)).await?;
            Ok(render(status, &page))
        }
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath((id, token)): ApiPath<(i64, i64)>,
) -> Result<Response, PageError> {
    admins_only(&viewer)?;
    handoff_app::tokens::revoke(&state.app, &viewer.actor, id, token).await?;
    state.tokens.clear();
    Ok(Redirect::to(&format!("/organisation/people/{id}#tokens")).into_response())
}

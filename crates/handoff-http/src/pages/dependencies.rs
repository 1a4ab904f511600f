//! `/dependencies`: the register of who depends on whom (filter by department,
//! criticality, state); `/dependencies/{id}`: one dependency with its services and
//! deliverables, agreed or retired by its managers; `/internal-customers` and
//! `/people/{id}/internal-customers`: a person's internal customers and providers.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_app::dependencies::Change;
use handoff_domain::dependency::{Criticality, DependencyState};
use handoff_store::deliverables::DeliverableFilter;
use handoff_store::dependencies::{Dependency, DependencyFilter};
use handoff_store::{departments, from_micros, people, services};

use super::form::{PageId, Pairs};
use super::{Choice, Frame, PageError, Viewer, format, refusal, render, shown};
use crate::AppState;

pub struct DependencyLine {
    pub id: i64,
    pub customer_id: i64,
    pub customer: String,
    pub provider_id: i64,
    pub provider: String,
    pub what: String,
    pub criticality: &'static str,
    pub criticality_key: &'static str,
    pub state: &'static str,
    pub state_key: &'static str,
    pub customer_owner: String,
    pub provider_owner: String,
    pub expectation: String,
}

async fn lines(state: &AppState, rows: &[Dependency]) -> Result<Vec<DependencyLine>, PageError> {
    let dept_ids: Vec<i64> = rows
        .iter()
        .flat_map(|d| [d.customer_department_id, d.provider_department_id])
        .collect();
    let person_ids: Vec<i64> = rows
        .iter()
        .flat_map(|d| [d.customer_owner_id, d.provider_owner_id])
        .collect();
    let depts = departments::names(&state.app.db, &dept_ids).await?;
    let who = people::names(&state.app.db, &person_ids).await?;
    let name = |m: &std::collections::HashMap<i64, String>, id: i64| {
        m.get(&id).cloned().unwrap_or_default()
    };
    Ok(rows
        .iter()
        .map(|d| {
            let criticality = Criticality::parse(&d.criticality).unwrap_or(Criticality::Low);
            let dep_state = DependencyState::parse(&d.state).unwrap_or(DependencyState::Proposed);
            DependencyLine {
                id: d.id,
                customer_id: d.customer_department_id,
                customer: name(&depts, d.customer_department_id),
                provider_id: d.provider_department_id,
                provider: name(&depts, d.provider_department_id),
                what: d.what.clone(),
                criticality: criticality.label(),
                criticality_key: criticality.as_str(),
                state: dep_state.label(),
                state_key: dep_state.as_str(),
                customer_owner: name(&who, d.customer_owner_id),
                provider_owner: name(&who, d.provider_owner_id),
                expectation: d.expectation.clone(),
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "dependencies.html")]
struct RegisterPage {
    frame: Frame,
    lines: Vec<DependencyLine>,
    departments: Vec<Choice>,
    criticalities: Vec<Choice>,
    states: Vec<Choice>,
}

/// `GET /dependencies`.
pub async fn register(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Pairs,
) -> Result<Response, PageError> {
    let department = query.filled("department_id").and_then(|d| d.parse().ok());
    let criticality = query.filled("criticality").and_then(Criticality::parse);
    let dep_state = query.filled("state").and_then(DependencyState::parse);
    let filter = DependencyFilter {
        department_id: department,
        criticality: criticality.map(|c| c.as_str().to_owned()),
        state: dep_state.map(|s| s.as_str().to_owned()),
        ..DependencyFilter::default()
    };
    let rows = handoff_app::dependencies::list(&state.app, &filter, 0, 500).await?;
    let mut lines = lines(&state, &rows).await?;
    lines.sort_by_key(|l| {
        std::cmp::Reverse(Criticality::parse(l.criticality_key).unwrap_or(Criticality::Low))
    });
    let departments = departments::list(&state.app.db, 0, 1_000)
        .await?
        .into_iter()
        .map(|d| Choice::new(d.id.to_string(), d.name, Some(d.id) == department))
        .collect();
    let criticalities = Criticality::ALL
        .into_iter()
        .map(|c| {
            Choice::new(
                c.as_str().to_owned(),
                c.label().to_owned(),
                Some(c) == criticality,
            )
        })
        .collect();
    let states = DependencyState::ALL
        .into_iter()
        .map(|s| {
            Choice::new(
                s.as_str().to_owned(),
                s.label().to_owned(),
                Some(s) == dep_state,
            )
        })
        .collect();
    let page = RegisterPage {
        frame: Frame::new(&viewer, "dependencies"),
        lines,
        departments,
        criticalities,
        states,
    };
    Ok(render(StatusCode::OK, &page))
}

pub struct DeliverableLine {
    pub id: i64,
    pub name: String,
    pub rrule: String,
    pub due_time: String,
}

#[derive(Template)]
#[template(path = "dependency.html")]
struct DependencyPage {
    frame: Frame,
    line: DependencyLine,
    services: Vec<(i64, String)>,
    deliverables: Vec<DeliverableLine>,
    steps: Vec<String>,
    can_agree: bool,
    can_retire: bool,
    error: Option<String>,
}

/// `GET /dependencies/{id}`.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Response, PageError> {
    show_page(&state, &viewer, id, None).await
}

async fn show_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    error: Option<(StatusCode, String)>,
) -> Result<Response, PageError> {
    let d = handoff_app::dependencies::get(&state.app, id).await?;
    let line = lines(state, std::slice::from_ref(&d)).await?.remove(0);
    let names = services::names(&state.app.db, &d.service_ids).await?;
    let services = d
        .service_ids
        .iter()
        .map(|s| (*s, names.get(s).cloned().unwrap_or_default()))
        .collect();
    let filter = DeliverableFilter {
        dependency_id: Some(id),
        ..DeliverableFilter::default()
    };
    let deliverables = handoff_app::deliverables::list(&state.app, &filter, 0, 200)
        .await?
        .into_iter()
        .map(|x| DeliverableLine {
            id: x.id,
            name: x.name,
            rrule: x.rrule,
            due_time: x.due_time,
        })
        .collect();
    let who = people::names(
        &state.app.db,
        &[Some(d.proposed_by), d.agreed_by, d.retired_by]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>(),
    )
    .await?;
    let step = |what: &str, by: Option<i64>, at: Option<i64>| {
        at.map(|at| {
            format!(
                "{what} by {} on {}",
                by.and_then(|b| who.get(&b).cloned()).unwrap_or_default(),
                format::time(from_micros(at), &viewer.zone)
            )
        })
    };
    let steps = [
        step("Proposed", Some(d.proposed_by), Some(d.proposed_at)),
        step("Agreed", d.agreed_by, d.agreed_at),
        step("Retired", d.retired_by, d.retired_at),
    ]
    .into_iter()
    .flatten()
    .collect();
    let dep_state = DependencyState::parse(&d.state).unwrap_or(DependencyState::Retired);
    let either = viewer.actor.manages(d.customer_department_id)
        || viewer.actor.manages(d.provider_department_id);
    let (status, error) = shown(error);
    let page = DependencyPage {
        frame: Frame::new(viewer, "dependencies"),
        line,
        services,
        deliverables,
        steps,
        can_agree: dep_state == DependencyState::Proposed
            && viewer.actor.manages(d.provider_department_id),
        can_retire: dep_state != DependencyState::Retired && either,
        error,
    };
    Ok(render(status, &page))
}

/// `POST /dependencies/{id}/{move}`: agree or retire.
pub async fn apply(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::extract::Path((id, verb)): axum::extract::Path<(i64, String)>,
) -> Result<Response, PageError> {
    let change = match verb.as_str() {
        "agree" => Change::Agree,
        "retire" => Change::Retire,
        _ => return Err(PageError::NotFound),
    };
    match handoff_app::dependencies::change(&state.app, &viewer.actor, id, change).await {
        Ok(_) => Ok(Redirect::to(&format!("/dependencies/{id}")).into_response()),
        Err(err) => {
            let refused = refusal(err)?;
            show_page(&state, &viewer, id, Some(refused)).await
        }
    }
}

pub struct RelationLine {
    pub line: DependencyLine,
    pub other_id: i64,
    pub other: String,
    pub personal: bool,
    pub open_requests: i64,
    pub owed: Vec<OwedLine>,
}

pub struct OwedLine {
    pub occurrence_id: i64,
    pub name: String,
    pub due: String,
    pub late: bool,
}

#[derive(Template)]
#[template(path = "internal_customers.html")]
struct InternalCustomersPage {
    frame: Frame,
    person: String,
    department: String,
    own: bool,
    customers: Vec<RelationLine>,
    providers: Vec<RelationLine>,
}

/// `GET /internal-customers`: the viewer's own.
pub async fn mine(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    internal_customers_page(&state, &viewer, viewer.actor.person_id).await
}

/// `GET /people/{id}/internal-customers`.
pub async fn of_person(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
) -> Result<Response, PageError> {
    internal_customers_page(&state, &viewer, id).await
}

async fn internal_customers_page(
    state: &AppState,
    viewer: &Viewer,
    person: i64,
) -> Result<Response, PageError> {
    let found = handoff_app::internal_customers::of_person(&state.app, person).await?;
    let now = state.app.clock.now();
    let mut sides = Vec::with_capacity(2);
    for relations in [found.customers, found.providers] {
        let deps: Vec<Dependency> = relations.iter().map(|r| r.dependency.clone()).collect();
        let dep_lines = lines(state, &deps).await?;
        let side: Vec<RelationLine> = relations
            .into_iter()
            .zip(dep_lines)
            .map(|(r, line)| RelationLine {
                other_id: r.department_id,
                other: if r.department_id == line.customer_id {
                    line.customer.clone()
                } else {
                    line.provider.clone()
                },
                personal: r.personal,
                open_requests: r.open_requests,
                owed: r
                    .owed
                    .into_iter()
                    .map(|o| OwedLine {
                        occurrence_id: o.occurrence_id,
                        name: o.name,
                        due: format::time(from_micros(o.due_at), &viewer.zone),
                        late: from_micros(o.due_at) <= now,
                    })
                    .collect(),
                line,
            })
            .collect();
        sides.push(side);
    }
    let providers = sides.pop().unwrap_or_default();
    let customers = sides.pop().unwrap_or_default();
    let person_name = people::get(&state.app.db, person).await?.name;
    let department = departments::get(&state.app.db, found.department_id)
        .await?
        .name;
    let page = InternalCustomersPage {
        frame: Frame::new(viewer, "internal-customers"),
        person: person_name,
        department,
        own: person == viewer.actor.person_id,
        customers,
        providers,
    };
    Ok(render(StatusCode::OK, &page))
}

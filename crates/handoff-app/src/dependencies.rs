//! Dependencies: a customer department relies on a provider department for something,
//! with a criticality, a responsible person on each side, the expectation in plain words
//! and the provider's services that fulfil it. Managers of either side propose (and
//! amend); the provider's managers agree; either side retires. Each move tells the other
//! side's managers.

use handoff_domain::FieldErrors;
use handoff_domain::access::Actor;
use handoff_domain::dependency::{
    Criticality, DependencyMove, DependencyState, NAME_MAX, TEXT_MAX,
};
use handoff_domain::validation::text;
use handoff_store::dependencies::{self, Dependency, DependencyFilter};
use handoff_store::{departments, people, services, to_micros};

use crate::App;
use crate::error::{ActionError, ActionResult, or_404};
use crate::notify::tell;

/// The terms of a dependency, as proposed. Absent parts of an amendment keep their value.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    pub customer_department_id: Option<i64>,
    pub provider_department_id: Option<i64>,
    pub what: Option<String>,
    pub criticality: Option<String>,
    pub customer_owner_id: Option<i64>,
    pub provider_owner_id: Option<i64>,
    pub expectation: Option<String>,
    pub service_ids: Option<Vec<i64>>,
}

/// Most services one dependency names.
const MAX_SERVICES: usize = 50;

/// Checks `terms` over `base` (a new dependency's blanks, or the one amended) and writes
/// them into it; every problem is named by its field.
async fn apply_terms(
    app: &App,
    base: &mut Dependency,
    terms: Terms,
    new: bool,
) -> ActionResult<()> {
    let mut errors = FieldErrors::new();
    for (field, given, current) in [
        (
            "customer_department_id",
            terms.customer_department_id,
            base.customer_department_id,
        ),
        (
            "provider_department_id",
            terms.provider_department_id,
            base.provider_department_id,
        ),
    ] {
        match given {
            Some(id) if !new && id != current => errors.add(
                field,
                "the departments of a dependency do not change: retire it and propose another",
            ),
            None if new => errors.add(field, "is required"),
            _ => {}
        }
    }
    if new {
        base.customer_department_id = terms.customer_department_id.unwrap_or(0);
        base.provider_department_id = terms.provider_department_id.unwrap_or(0);
        for (field, id) in [
            ("customer_department_id", base.customer_department_id),
            ("provider_department_id", base.provider_department_id),
        ] {
            if id != 0 && departments::get(&app.db, id).await.is_err() {
                errors.add(field, "no department has this id");
            }
        }
        if base.customer_department_id != 0
            && base.customer_department_id == base.provider_department_id
        {
            errors.add(
                "provider_department_id",
                "a department does not depend on itself: name another department",
            );
        }
    }
    if let Some(what) = terms.what.as_deref() {
        base.what = text(&mut errors, "what", what, NAME_MAX);
    } else if new {
        errors.add("what", "say what the customer depends on");
    }
    if let Some(expectation) = terms.expectation.as_deref() {
        base.expectation = text(&mut errors, "expectation", expectation, TEXT_MAX);
    } else if new {
        errors.add("expectation", "say in plain words what is expected");
    }
    match terms.criticality.as_deref().map(Criticality::parse) {
        Some(Some(c)) => base.criticality = c.as_str().to_owned(),
        Some(None) => errors.add("criticality", "must be one of low, medium, high, critical"),
        None if new => errors.add("criticality", "must be one of low, medium, high, critical"),
        None => {}
    }
    for (field, given, department, side) in [
        (
            "customer_owner_id",
            terms.customer_owner_id,
            base.customer_department_id,
            "customer",
        ),
        (
            "provider_owner_id",
            terms.provider_owner_id,
            base.provider_department_id,
            "provider",
        ),
    ] {
        match given {
            Some(id) => match people::get(&app.db, id).await {
                Ok(p) if !p.active => errors.add(field, "this person is deactivated"),
                Ok(p) if p.department_id != department => errors.add(
                    field,
                    format!("the {side}'s owner must be a member of the {side} department"),
                ),
                Ok(_) => {
                    if field == "customer_owner_id" {
                        base.customer_owner_id = id;
                    } else {
                        base.provider_owner_id = id;
                    }
                }
                Err(_) => errors.add(field, "no person has this id"),
            },
            None if new => errors.add(
                field,
                format!("name the person responsible on the {side}'s side"),
            ),
            None => {}
        }
    }
    if let Some(ids) = terms.service_ids {
        let mut ids = ids;
        if ids.len() > MAX_SERVICES {
            errors.add("service_ids", format!("at most {MAX_SERVICES} services"));
        } else {
            for (i, id) in ids.iter().enumerate() {
                match services::get(&app.db, *id).await {
                    Ok(s) if s.department_id == base.provider_department_id => {}
                    Ok(_) => errors.add(
                        format!("service_ids.{i}"),
                        "must be a service of the provider department",
                    ),
                    Err(_) => errors.add(format!("service_ids.{i}"), "no service has this id"),
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        base.service_ids = ids;
    }
    errors.into_result(()).map_err(ActionError::Invalid)
}

/// Proposes a dependency: the managers of either department (or an admin).
#[tracing::instrument(name = "propose_dependency", skip_all, fields(actor = actor.person_id))]
pub async fn propose(app: &App, actor: &Actor, terms: Terms) -> ActionResult<Dependency> {
    let at = to_micros(app.clock.now());
    let mut d = Dependency {
        id: 0,
        customer_department_id: 0,
        provider_department_id: 0,
        what: String::new(),
        criticality: String::new(),
        customer_owner_id: 0,
        provider_owner_id: 0,
        expectation: String::new(),
        state: DependencyState::Proposed.as_str().to_owned(),
        proposed_by: actor.person_id,
        proposed_at: at,
        agreed_by: None,
        agreed_at: None,
        retired_by: None,
        retired_at: None,
        updated_at: at,
        service_ids: Vec::new(),
    };
    let (customer, provider) = (terms.customer_department_id, terms.provider_department_id);
    let may = [customer, provider]
        .into_iter()
        .flatten()
        .any(|dept| actor.manages(dept));
    if !may && customer.is_some() && provider.is_some() {
        return Err(ActionError::forbidden(
            "the managers of the customer or the provider department propose a dependency",
        ));
    }
    apply_terms(app, &mut d, terms, true).await?;
    let mut tx = app.db.begin().await?;
    d.id = dependencies::insert(&mut tx, &d).await?;
    let other = if actor.department_id == d.provider_department_id {
        d.customer_department_id
    } else {
        d.provider_department_id
    };
    let managers = people::active_in_department(&app.db, other, true).await?;
    let names = departments::names(
        &app.db,
        &[d.customer_department_id, d.provider_department_id],
    )
    .await?;
    let message = format!(
        "Proposed: {} depends on {} for {}{}",
        names
            .get(&d.customer_department_id)
            .map_or("?", String::as_str),
        names
            .get(&d.provider_department_id)
            .map_or("?", String::as_str),
        d.what,
        if other == d.provider_department_id {
            " (yours to agree)"
        } else {
            ""
        },
    );
    tell(&mut tx, &managers, None, "dependency", &message, at).await?;
    tx.commit().await?;
    Ok(d)
}

pub async fn get(app: &App, id: i64) -> ActionResult<Dependency> {
    dependencies::get(&app.db, id)
        .await
        .map_err(or_404("dependency"))
}

pub async fn list(
    app: &App,
    filter: &DependencyFilter,
    after: i64,
    limit: i64,
) -> ActionResult<Vec<Dependency>> {
    app.known_departments(&[
        ("customer_department_id", filter.customer_department_id),
        ("provider_department_id", filter.provider_department_id),
        ("department_id", filter.department_id),
    ])
    .await?;
    Ok(dependencies::list(&app.db, filter, after, limit).await?)
}

/// What is done: amend the terms, agree, retire.
pub enum Change {
    Amend(Terms),
    Agree,
    Retire,
}

/// Changes a dependency. Amending changed terms of an agreed dependency returns it to
/// proposed: the provider agreed to other terms.
#[tracing::instrument(name = "change_dependency", skip_all, fields(actor = actor.person_id, dependency = id))]
pub async fn change(app: &App, actor: &Actor, id: i64, change: Change) -> ActionResult<Dependency> {
    let at = to_micros(app.clock.now());
    let mut tx = app.db.begin().await?;
    let mut d = dependencies::lock(&mut tx, id)
        .await
        .map_err(or_404("dependency"))?;
    let either = actor.manages(d.customer_department_id) || actor.manages(d.provider_department_id);
    let from = DependencyState::parse(&d.state)
        .ok_or_else(|| handoff_store::StoreError::Corrupt(format!("dependency {id} state")))?;
    let by = match change {
        Change::Amend(_) => DependencyMove::Amend,
        Change::Agree => DependencyMove::Agree,
        Change::Retire => DependencyMove::Retire,
    };
    let allowed = match by {
        DependencyMove::Agree => actor.manages(d.provider_department_id),
        _ => either,
    };
    if !allowed {
        return Err(ActionError::forbidden(match by {
            DependencyMove::Agree => "the provider department's managers agree a dependency",
            _ => "the managers of the customer or the provider department change a dependency",
        }));
    }
    let illegal = |e: handoff_domain::dependency::IllegalDependencyMove| {
        ActionError::conflict("illegal_transition", Some("state"), e.to_string())
    };
    let mut told = d.provider_department_id;
    match change {
        Change::Amend(terms) => {
            let before = d.clone();
            from.after(by).map_err(illegal)?;
            apply_terms(app, &mut d, terms, false).await?;
            if d == before {
                return Ok(d);
            }
            d.state = DependencyState::Proposed.as_str().to_owned();
            d.proposed_by = actor.person_id;
            d.proposed_at = at;
            d.agreed_by = None;
            d.agreed_at = None;
            if actor.department_id == d.provider_department_id {
                told = d.customer_department_id;
            }
        }
        Change::Agree => {
            d.state = from.after(by).map_err(illegal)?.as_str().to_owned();
            d.agreed_by = Some(actor.person_id);
            d.agreed_at = Some(at);
            told = d.customer_department_id;
        }
        Change::Retire => {
            d.state = from.after(by).map_err(illegal)?.as_str().to_owned();
            d.retired_by = Some(actor.person_id);
            d.retired_at = Some(at);
            if actor.department_id == d.provider_department_id {
                told = d.customer_department_id;
            }
        }
    }
    d.updated_at = at;
    dependencies::save(&mut tx, &d).await?;
    let managers = people::active_in_department(&app.db, told, true).await?;
    let message = format!(
        "Dependency \"{}\" is now {}",
        d.what,
        DependencyState::parse(&d.state).map_or("changed", |s| s.as_str())
    );
    tell(&mut tx, &managers, None, "dependency", &message, at).await?;
    tx.commit().await?;
    Ok(d)
}

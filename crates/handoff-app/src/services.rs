//! A department's services, as its managers (and administrators) define them: name,
//! description, audience, confidentiality, owner, and the request form. The API and the
//! department settings pages both come here.

use handoff_domain::access::Actor;
use handoff_domain::form::{FieldDef, check_definition};
use handoff_domain::validation::{FieldErrors, optional_text, text};
/// What changes in a service: `None` leaves a field as it is.
pub use handoff_store::services::ServiceChanges;
use handoff_store::services::{self, NewService, Service};
use handoff_store::{departments, people};

use crate::App;
use crate::error::{ActionError, ActionResult, or_404, unique_as_field};

/// The longest name of a service.
pub const NAME_MAX: usize = 120;
/// The longest description of a service.
pub const DESCRIPTION_MAX: usize = 5000;
/// The most departments a service's audience may list.
pub const AUDIENCE_MAX: usize = 500;

fn may_manage(actor: &Actor, department: i64) -> ActionResult<()> {
    if actor.manages(department) {
        Ok(())
    } else {
        Err(ActionError::forbidden(
            "only the department's managers and administrators manage its services",
        ))
    }
}

/// Checks the owner (an active member of the department) and the audience (departments,
/// each once).
async fn check_refs(
    app: &App,
    errors: &mut FieldErrors,
    department: i64,
    owner: Option<i64>,
    audience: &[i64],
) -> ActionResult<()> {
    if let Some(owner) = owner
        && people::active_among(&app.db, &[owner], Some(department))
            .await?
            .is_empty()
    {
        errors.add(
            "owner_id",
            "must be an active member of the service's department",
        );
    }
    if audience.len() > AUDIENCE_MAX {
        errors.add("audience", format!("at most {AUDIENCE_MAX} departments"));
    } else if !audience.is_empty() {
        let known = departments::parents(&app.db).await?;
        for (i, d) in audience.iter().enumerate() {
            if !known.iter().any(|(k, _)| k == d) {
                errors.add(format!("audience[{i}]"), "no such department");
            } else if audience[..i].contains(d) {
                errors.add(format!("audience[{i}]"), "is listed twice");
            }
        }
    }
    Ok(())
}

fn check_form(errors: &mut FieldErrors, fields: &[FieldDef]) {
    if let Err(form) = check_definition("fields", fields) {
        for (field, reason) in form.iter() {
            errors.add(field, reason);
        }
    }
}

fn taken(e: handoff_store::StoreError) -> ActionError {
    unique_as_field(
        e,
        "name",
        "the department already has a service by this name",
    )
}

/// A new service.
pub struct ServiceDraft<'a> {
    pub department_id: i64,
    pub name: &'a str,
    pub description: &'a str,
    pub owner_id: Option<i64>,
    pub open_to_everyone: bool,
    pub audience: &'a [i64],
    pub confidential: bool,
    pub fields: &'a [FieldDef],
    pub pause_on_links: bool,
}

#[tracing::instrument(name = "create_service", skip_all, fields(actor = actor.person_id, department = draft.department_id))]
pub async fn create(app: &App, actor: &Actor, draft: &ServiceDraft<'_>) -> ActionResult<Service> {
    departments::get(&app.db, draft.department_id)
        .await
        .map_err(|_| ActionError::field("department_id", "no such department"))?;
    may_manage(actor, draft.department_id)?;
    let mut errors = FieldErrors::new();
    let name = text(&mut errors, "name", draft.name, NAME_MAX);
    let description = optional_text(
        &mut errors,
        "description",
        draft.description,
        DESCRIPTION_MAX,
    );
    check_form(&mut errors, draft.fields);
    check_refs(
        app,
        &mut errors,
        draft.department_id,
        draft.owner_id,
        draft.audience,
    )
    .await?;
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let new = NewService {
        department_id: draft.department_id,
        name: &name,
        description: &description,
        owner_id: draft.owner_id,
        open_to_everyone: draft.open_to_everyone,
        audience: draft.audience,
        confidential: draft.confidential,
        fields: draft.fields,
        pause_on_links: draft.pause_on_links,
    };
    services::create(&app.db, &new, app.clock.now())
        .await
        .map_err(taken)
}

/// The service `id`, for those who manage it.
pub async fn managed(app: &App, actor: &Actor, id: i64) -> ActionResult<Service> {
    let service = services::get(&app.db, id)
        .await
        .map_err(or_404("service"))?;
    may_manage(actor, service.department_id)?;
    Ok(service)
}

/// Changes a service (`None` leaves a field as it is). A new form replaces the old one
/// for requests filed from then on: the values of requests already filed stay as they
/// were, a removed field's among them.
#[tracing::instrument(name = "change_service", skip_all, fields(actor = actor.person_id, service = id))]
pub async fn change(
    app: &App,
    actor: &Actor,
    id: i64,
    edit: &ServiceChanges<'_>,
) -> ActionResult<Service> {
    let current = managed(app, actor, id).await?;
    let mut errors = FieldErrors::new();
    let name = edit.name.map(|n| text(&mut errors, "name", n, NAME_MAX));
    let description = edit
        .description
        .map(|d| optional_text(&mut errors, "description", d, DESCRIPTION_MAX));
    if let Some(fields) = edit.fields {
        check_form(&mut errors, fields);
    }
    check_refs(
        app,
        &mut errors,
        current.department_id,
        edit.owner_id.flatten(),
        edit.audience.unwrap_or(&[]),
    )
    .await?;
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let changes = ServiceChanges {
        name: name.as_deref(),
        description: description.as_deref(),
        ..*edit
    };
    services::update(&app.db, id, &changes, app.clock.now())
        .await
        .map_err(taken)
}

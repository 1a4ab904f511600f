//! The organisation's departments and people, as administrators set them up: create,
//! rename and move departments in the hierarchy, set their calendar (their managers may
//! too), create people, change their department and role, deactivate them and reset
//! their password. The API, the settings pages and the CSV import all come here.

use handoff_domain::access::Actor;
use handoff_domain::org::{Role, check_email, check_handle, would_create_cycle};
use handoff_domain::validation::{FieldErrors, text};
/// What changes in a department: `None` leaves a field as it is.
pub use handoff_store::departments::DepartmentChanges;
use handoff_store::departments::{self, Department, NewDepartment};
/// What changes in a person: `None` leaves a field as it is.
pub use handoff_store::people::PersonChanges;
use handoff_store::people::{self, NewPerson, Person};
use handoff_store::{StoreError, calendars};

use crate::App;
use crate::error::{ActionError, ActionResult, or_404, unique_as_field};

/// The longest name of a department or a person.
pub const NAME_MAX: usize = 100;

fn admins_only(actor: &Actor, what: &str) -> ActionResult<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(ActionError::forbidden(format!(
            "only an administrator manages {what}"
        )))
    }
}

/// Names, in `errors`, a parent that is no department or that would put `id` inside
/// itself.
async fn check_parent(
    app: &App,
    errors: &mut FieldErrors,
    id: Option<i64>,
    parent: i64,
) -> ActionResult<()> {
    let parents = departments::parents(&app.db).await?;
    if !parents.iter().any(|(d, _)| *d == parent) {
        errors.add("parent_id", "no such department");
    } else if let Some(id) = id {
        let parent_of = |d: i64| parents.iter().find(|(x, _)| *x == d).and_then(|(_, p)| *p);
        if would_create_cycle(id, parent, parent_of) {
            errors.add("parent_id", "would make the department its own ancestor");
        }
    }
    Ok(())
}

/// A new department.
pub struct DepartmentDraft<'a> {
    pub name: &'a str,
    /// 2 to 32 lowercase letters, digits or hyphens, unique.
    pub handle: &'a str,
    pub parent_id: Option<i64>,
}

#[tracing::instrument(name = "create_department", skip_all, fields(actor = actor.person_id))]
pub async fn create_department(
    app: &App,
    actor: &Actor,
    draft: &DepartmentDraft<'_>,
) -> ActionResult<Department> {
    admins_only(actor, "departments")?;
    let mut errors = FieldErrors::new();
    let name = text(&mut errors, "name", draft.name, NAME_MAX);
    let handle = check_handle(&mut errors, "handle", draft.handle.trim());
    if let Some(parent) = draft.parent_id {
        check_parent(app, &mut errors, None, parent).await?;
    }
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let new = NewDepartment {
        name: &name,
        handle: &handle,
        parent_id: draft.parent_id,
    };
    departments::create(&app.db, &new, app.clock.now())
        .await
        .map_err(|e| unique_as_field(e, "handle", "is taken by another department"))
}

/// Changes a department: administrators change anything, its managers its calendar only.
/// A new calendar recomputes its clocks in the same transaction.
pub async fn change_department(
    app: &App,
    actor: &Actor,
    id: i64,
    edit: &DepartmentChanges<'_>,
) -> ActionResult<Department> {
    let only_calendar = edit.name.is_none() && edit.handle.is_none() && edit.parent_id.is_none();
    if !(only_calendar && actor.manages(id)) {
        admins_only(actor, "departments")?;
    }
    departments::get(&app.db, id)
        .await
        .map_err(or_404("department"))?;
    let mut errors = FieldErrors::new();
    let name = edit.name.map(|n| text(&mut errors, "name", n, NAME_MAX));
    let handle = edit
        .handle
        .map(|h| check_handle(&mut errors, "handle", h.trim()));
    if let Some(Some(parent)) = edit.parent_id {
        check_parent(app, &mut errors, Some(id), parent).await?;
    }
    if let Some(Some(calendar)) = edit.calendar_id {
        match calendars::get(&app.db, calendar).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => errors.add("calendar_id", "no such calendar"),
            Err(other) => return Err(other.into()),
        }
    }
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let changes = DepartmentChanges {
        name: name.as_deref(),
        handle: handle.as_deref(),
        ..*edit
    };
    crate::calendars::change_department(app, id, &changes).await
}

/// Names, in `errors`, a department that does not exist.
async fn check_department(app: &App, errors: &mut FieldErrors, id: i64) -> ActionResult<()> {
    match departments::get(&app.db, id).await {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound) => {
            errors.add("department_id", "no such department");
            Ok(())
        }
        Err(other) => Err(other.into()),
    }
}

/// A new person.
pub struct PersonDraft<'a> {
    pub name: &'a str,
    /// Unique, ignoring case.
    pub email: &'a str,
    pub department_id: i64,
    pub role: Role,
}

#[tracing::instrument(name = "create_person", skip_all, fields(actor = actor.person_id))]
pub async fn create_person(
    app: &App,
    actor: &Actor,
    draft: &PersonDraft<'_>,
) -> ActionResult<Person> {
    admins_only(actor, "people")?;
    let mut errors = FieldErrors::new();
    let name = text(&mut errors, "name", draft.name, NAME_MAX);
    let email = check_email(&mut errors, "email", draft.email);
    check_department(app, &mut errors, draft.department_id).await?;
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let new = NewPerson {
        name: &name,
        email: &email,
        department_id: draft.department_id,
        role: draft.role,
    };
    people::create(&app.db, &new, app.clock.now())
        .await
        .map_err(|e| unique_as_field(e, "email", "is used by another person"))
}

/// Changes a person (`None` leaves a field as it is); `active: false` deactivates them:
/// they keep their history but can no longer sign in, use tokens or be assigned.
#[tracing::instrument(name = "change_person", skip_all, fields(actor = actor.person_id, person = id))]
pub async fn change_person(
    app: &App,
    actor: &Actor,
    id: i64,
    edit: &PersonChanges<'_>,
) -> ActionResult<Person> {
    admins_only(actor, "people")?;
    people::get(&app.db, id).await.map_err(or_404("person"))?;
    let mut errors = FieldErrors::new();
    let name = edit.name.map(|n| text(&mut errors, "name", n, NAME_MAX));
    let email = edit.email.map(|e| check_email(&mut errors, "email", e));
    if let Some(department) = edit.department_id {
        check_department(app, &mut errors, department).await?;
    }
    if id == actor.person_id
        && (edit.active == Some(false) || edit.role.is_some_and(|r| r != Role::Admin))
    {
        errors.add(
            "active",
            "an administrator cannot deactivate or demote themselves",
        );
    }
    errors.into_result(()).map_err(ActionError::Invalid)?;
    let changes = PersonChanges {
        name: name.as_deref(),
        email: email.as_deref(),
        ..*edit
    };
    people::update(&app.db, id, &changes)
        .await
        .map_err(|e| unique_as_field(e, "email", "is used by another person"))
}

/// Characters of a generated password: no look-alikes (0/O, 1/l/I).
const PASSWORD_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// Length of a generated password: about 94 bits.
const PASSWORD_LEN: usize = 16;

/// Gives `id` a new random password, ends their sessions, and returns the password, to
/// be shown to the administrator this once (Handoff keeps only its hash).
#[tracing::instrument(name = "reset_password", skip_all, fields(actor = actor.person_id, person = id))]
pub async fn reset_password(app: &App, actor: &Actor, id: i64) -> ActionResult<String> {
    admins_only(actor, "people")?;
    let person = people::get(&app.db, id).await.map_err(or_404("person"))?;
    if !person.active {
        return Err(ActionError::conflict(
            "inactive",
            None,
            "this person is deactivated: reactivate them before giving them a password",
        ));
    }
    let password: String = {
        use rand::Rng;
        let mut rng = rand::rng();
        (0..PASSWORD_LEN)
            .map(|_| PASSWORD_ALPHABET[rng.random_range(0..PASSWORD_ALPHABET.len())] as char)
            .collect()
    };
    let secret = password.clone();
    // Argon2 takes tens of milliseconds of a core: off the async threads.
    let hash = tokio::task::spawn_blocking(move || handoff_domain::password::hash(&secret))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing stopped");
            ActionError::Internal
        })?
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            ActionError::Internal
        })?;
    people::set_password_hash(&app.db, id, &hash).await?;
    Ok(password)
}

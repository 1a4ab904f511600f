//! API tokens a person holds: they create, name and revoke their own; administrators see
//! anyone's and revoke them. A token's value is shown once, when it is created.

use handoff_domain::access::Actor;
use handoff_domain::validation::{FieldErrors, text};
use handoff_store::tokens::{self, TokenInfo};

use crate::App;
use crate::error::{ActionError, ActionResult, or_404};

/// The longest name a token may have.
pub const NAME_MAX: usize = 100;

/// Whether `actor` may see (and revoke) the tokens of `person`: their own, or anyone's
/// for an administrator. Others are told the person is not found, as the API does for
/// what it hides.
fn may_manage(actor: &Actor, person: i64) -> ActionResult<()> {
    if actor.person_id == person || actor.is_admin() {
        Ok(())
    } else {
        Err(ActionError::NotFound("person"))
    }
}

/// The tokens `person` holds, live ones first.
pub async fn of(app: &App, actor: &Actor, person: i64) -> ActionResult<Vec<TokenInfo>> {
    may_manage(actor, person)?;
    handoff_store::people::get(&app.db, person)
        .await
        .map_err(or_404("person"))?;
    Ok(tokens::list_for(&app.db, person).await?)
}

/// Creates a token for the actor themselves (nobody creates one for someone else: a
/// token acts as its holder), named `name`; returns it with its value, shown this once.
#[tracing::instrument(name = "create_token", skip_all, fields(actor = actor.person_id))]
pub async fn create(
    app: &App,
    actor: &Actor,
    person: i64,
    name: &str,
) -> ActionResult<(TokenInfo, String)> {
    may_manage(actor, person)?;
    if person != actor.person_id {
        return Err(ActionError::forbidden(
            "a token acts as the person who holds it: each person creates their own",
        ));
    }
    let mut errors = FieldErrors::new();
    let name = text(&mut errors, "name", name, NAME_MAX);
    errors.into_result(()).map_err(ActionError::Invalid)?;
    Ok(tokens::issue(&app.db, person, &name, app.clock.now()).await?)
}

/// Revokes `person`'s token `id` (revoking a revoked token changes nothing).
#[tracing::instrument(name = "revoke_token", skip_all, fields(actor = actor.person_id, token = id))]
pub async fn revoke(app: &App, actor: &Actor, person: i64, id: i64) -> ActionResult<TokenInfo> {
    may_manage(actor, person)?;
    tokens::revoke_id(&app.db, person, id, app.clock.now())
        .await
        .map_err(or_404("token"))
}

//! The organisation's feedback settings: everyone reads them (the kudos form lists the
//! values), admins change them.

use handoff_domain::access::Actor;
use handoff_domain::feedback::settings::{Settings, SettingsChange};
use handoff_store::settings;

use crate::App;
use crate::error::{ActionError, ActionResult};

pub async fn get(app: &App) -> ActionResult<Settings> {
    Ok(settings::get(&app.db).await?)
}

#[tracing::instrument(name = "change_settings", skip_all, fields(actor = actor.person_id))]
pub async fn change(app: &App, actor: &Actor, change: SettingsChange) -> ActionResult<Settings> {
    if !actor.is_admin() {
        return Err(ActionError::forbidden(
            "only administrators change the organisation's settings",
        ));
    }
    let mut tx = app.db.begin().await?;
    let current = settings::get_in(&mut tx).await?;
    let next = current.changed(&change).map_err(ActionError::Invalid)?;
    settings::put(&mut tx, &next).await?;
    tx.commit().await?;
    Ok(next)
}

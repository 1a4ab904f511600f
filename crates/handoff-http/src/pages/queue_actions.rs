//! The forms of the request lists: the bulk change of the ticked requests, saving the
//! list shown as a view, deleting a saved view. Each comes back to the list it was sent
//! from; a refusal is shown above that list, with what was ticked or typed kept.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use handoff_app::ActionError;
use handoff_app::bulk::BulkChange;
use handoff_domain::FieldErrors;
use handoff_domain::queue::ListQuery;
use handoff_domain::request::Status;
use handoff_store::requests::Cursor;

use super::form::{PageId, Pairs};
use super::requests::{Asked, Refusal, show};
use super::{PageError, Viewer, refusal};
use crate::AppState;
use crate::error::ApiError;

/// The list a form came from (its hidden field `name`); a query Handoff did not write
/// shows the department's queue.
fn list_of(form: &Pairs, name: &str) -> ListQuery {
    ListQuery::parse(form.get(name).unwrap_or_default()).unwrap_or_default()
}

/// `POST /requests/bulk`: assigns the ticked requests and/or moves them to a status, all
/// or none.
pub async fn bulk(
    State(state): State<AppState>,
    viewer: Viewer,
    form: Pairs,
) -> Result<Response, PageError> {
    let list = list_of(&form, "list");
    let cursor = form.filled("cursor").and_then(Cursor::decode);
    let assignee = form.get("assignee").unwrap_or_default().trim().to_owned();
    let status = form.get("status").unwrap_or_default().trim().to_owned();
    let mut errors = FieldErrors::new();
    let mut ticked = Vec::new();
    for value in form.all("id") {
        match value.trim().parse::<i64>() {
            Ok(id) => ticked.push(id),
            Err(_) => errors.add("ids", "a ticked request is not a request id"),
        }
    }
    let change = BulkChange {
        status: match status.as_str() {
            "" => None,
            name => Status::parse(name).or_else(|| {
                errors.add("status", "is not a status");
                None
            }),
        },
        assignee_id: match assignee.as_str() {
            "" => None,
            "me" => Some(Some(viewer.actor.person_id)),
            "none" => Some(None),
            id => match id.parse::<i64>() {
                Ok(id) => Some(Some(id)),
                Err(_) => {
                    errors.add("assignee_id", "is not a person");
                    None
                }
            },
        },
    };
    let result = match errors.into_result(()) {
        Ok(()) => handoff_app::bulk::change_many(&state.app, &viewer.actor, &ticked, change).await,
        Err(errors) => Err(ActionError::Invalid(errors)),
    };
    match result {
        Ok(done) => {
            let mut back = format!("{}&changed={}", list.href(), done.len());
            if let Some(c) = cursor {
                back.push_str(&format!("&cursor={}", c.encode()));
            }
            Ok(Redirect::to(&back).into_response())
        }
        Err(err) => {
            let (status_code, refused, shown) = bulk_refusal(err, &ticked)?;
            let asked = Asked {
                ticked,
                assignee,
                status,
                refusal: Some(shown),
                refused,
                ..Asked::default()
            };
            show(&state, &viewer, &list, cursor, status_code, asked).await
        }
    }
}

/// What the bulk change refused: the status to answer, the reason per ticked request,
/// and the lines to show above the list. Faults that are not the input's go to the error
/// page.
fn bulk_refusal(
    err: ActionError,
    ticked: &[i64],
) -> Result<
    (
        axum::http::StatusCode,
        std::collections::HashMap<i64, String>,
        Refusal,
    ),
    PageError,
> {
    let api = ApiError::from(err);
    let (status, _) = api.status_and_code();
    let fields = match api {
        ApiError::Invalid { fields, .. } | ApiError::Conflict { fields, .. } => fields,
        ApiError::Forbidden(why) => FieldErrors::single("ids", why),
        other => return Err(other.into()),
    };
    let mut refused = std::collections::HashMap::new();
    let mut lines = Vec::new();
    for (field, reason) in fields.iter() {
        let index = field
            .strip_prefix("ids[")
            .and_then(|rest| rest.strip_suffix(']'))
            .and_then(|i| i.parse::<usize>().ok());
        match index.and_then(|i| ticked.get(i)) {
            Some(id) => {
                refused.insert(*id, reason.to_owned());
                lines.push((index, reason.to_owned()));
            }
            None => {
                let label = match field {
                    "ids" => "Ticked requests",
                    "status" => "Move to",
                    "assignee_id" => "Assign to",
                    other => other,
                };
                let reason = if field == "ids" && reason.starts_with("must name at least") {
                    "tick at least one request".to_owned()
                } else {
                    reason.to_owned()
                };
                lines.push((None, format!("{label}: {reason}")));
            }
        }
    }
    // The requests in the order they were ticked, after what concerns them all.
    lines.sort_by_key(|(index, _)| index.map_or(0, |i| i + 1));
    let message = if refused.is_empty() {
        "Nothing was changed:".to_owned()
    } else {
        format!(
            "Nothing was changed: {} of the {} ticked requests cannot be changed so.",
            refused.len(),
            ticked.len()
        )
    };
    Ok((
        status,
        refused,
        Refusal {
            message,
            lines: lines.into_iter().map(|(_, line)| line).collect(),
        },
    ))
}

/// `POST /requests/views`: saves the list shown under a name.
pub async fn save_view(
    State(state): State<AppState>,
    viewer: Viewer,
    form: Pairs,
) -> Result<Response, PageError> {
    let name = form.get("name").unwrap_or_default();
    let query = form.get("query").unwrap_or_default();
    match handoff_app::views::save(&state.app, &viewer.actor, name, query).await {
        Ok(saved) => Ok(Redirect::to(&format!("/requests?{}", saved.query)).into_response()),
        Err(err) => {
            let (status, why) = refusal(err)?;
            let asked = Asked {
                view_name: name.to_owned(),
                view_error: Some(why),
                ..Asked::default()
            };
            show(
                &state,
                &viewer,
                &list_of(&form, "query"),
                None,
                status,
                asked,
            )
            .await
        }
    }
}

/// `POST /requests/views/{id}/delete`: deletes one of my views, back to the list shown.
pub async fn delete_view(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    form: Pairs,
) -> Result<Response, PageError> {
    handoff_app::views::delete(&state.app, &viewer.actor, id).await?;
    Ok(Redirect::to(&list_of(&form, "back").href()).into_response())
}

//! `GET /api/v1/search`: everything the caller may see that matches a query, grouped by
//! kind (requests, services, people, departments), for a search box.

use axum::Json;
use axum::extract::State;
use handoff_app::search::{Group, Hit};
use handoff_domain::FieldErrors;
use serde::Serialize;
use utoipa::ToSchema;

use super::MAX_LIMIT;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::QueryMap;

/// Hits of each kind when `limit` is not given (at most [`MAX_LIMIT`], as every list).
const DEFAULT_LIMIT: i64 = 10;

#[derive(Serialize, ToSchema)]
pub struct SearchJson {
    /// The query as searched, trimmed.
    pub q: String,
    /// One group per kind, always all of them, in this order: `requests`, `services`,
    /// `people`, `departments`.
    pub groups: Vec<GroupJson>,
}

#[derive(Serialize, ToSchema)]
pub struct GroupJson {
    /// `requests`, `services`, `people` or `departments`: the resource under
    /// `/api/v1/{kind}/{id}` each hit is.
    pub kind: &'static str,
    pub items: Vec<HitJson>,
    /// More of this kind match than `limit`.
    pub more: bool,
}

#[derive(Serialize, ToSchema)]
pub struct HitJson {
    pub id: i64,
    /// A request's subject; a service's, person's or department's name.
    pub title: String,
    /// A request's service and status, a service's department, a person's e-mail
    /// address and department, a department's handle.
    pub detail: String,
    /// `deactivated` (a person who left), `not_requestable` (a service, shown to an
    /// administrator, that their department may not file requests to), or `null`.
    pub mark: Option<&'static str>,
}

impl From<Group> for GroupJson {
    fn from(g: Group) -> Self {
        GroupJson {
            kind: g.kind.as_str(),
            items: g.hits.into_iter().map(HitJson::from).collect(),
            more: g.more,
        }
    }
}

impl From<Hit> for HitJson {
    fn from(h: Hit) -> Self {
        HitJson {
            id: h.id,
            title: h.title,
            detail: h.detail,
            mark: h.mark.map(|m| m.as_str()),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/search", tag = "search",
    params(
        ("q" = String, Query, description = "Words to find, 1 to 200 characters: requests with every word, whole (as `GET /api/v1/requests?q=` finds them); services, people and departments where each word starts a word of a service's name or description, a person's or a department's name, or starts a person's e-mail address or a department's handle"),
        ("limit" = Option<i64>, Query, description = "Hits of each kind, 1 to 200; default 10")),
    responses((status = 200, description = "What matches, one group per kind", body = SearchJson),
        (status = 422, description = "`q` empty, longer than 200 characters or with control characters; a bad `limit`; a parameter other than these", body = crate::error::ErrorBody)))]
pub async fn everything(
    State(state): State<AppState>,
    Caller(actor): Caller,
    query: QueryMap,
) -> Result<Json<SearchJson>, ApiError> {
    query.only(&["q", "limit"])?;
    let mut errors = FieldErrors::new();
    let q = match handoff_app::search::check_query(query.get("q").unwrap_or_default()) {
        Ok(q) => q,
        Err(handoff_app::ActionError::Invalid(fields)) => {
            for (field, reason) in fields.iter() {
                errors.add(field, reason);
            }
            String::new()
        }
        Err(other) => return Err(other.into()),
    };
    let limit = query.limit(&mut errors, DEFAULT_LIMIT, MAX_LIMIT);
    errors.into_result(()).map_err(ApiError::invalid)?;
    let groups = handoff_app::search::everything(&state.app, &actor, &q, limit).await?;
    Ok(Json(SearchJson {
        q,
        groups: groups.into_iter().map(GroupJson::from).collect(),
    }))
}

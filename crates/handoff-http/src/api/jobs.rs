//! `/api/v1/jobs`: the background job queue, for administrators: what is queued, running
//! or failed, with each job's attempts and last error, and a retry for failed jobs.

use axum::Json;
use axum::extract::State;
use handoff_domain::FieldErrors;
use handoff_domain::job::JobState;
use handoff_store::jobs::Job;
use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

use super::{DEFAULT_LIMIT, MAX_LIMIT, Page, id_page, time};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiPath, QueryMap};

#[derive(Serialize, ToSchema)]
pub struct JobJson {
    pub id: i64,
    /// `sla_alarm` (telling people of an SLA warning or breach) or `recompute` (moving
    /// open requests' due times after a calendar or policy change).
    pub kind: String,
    pub state: JobState,
    pub attempts: i32,
    /// When it runs next (queued), or ran last (running, failed).
    #[schema(value_type = String, format = DateTime)]
    pub run_at: Timestamp,
    pub last_error: Option<String>,
}

impl TryFrom<Job> for JobJson {
    type Error = ApiError;

    fn try_from(job: Job) -> Result<Self, ApiError> {
        Ok(Self {
            state: job.state()?,
            id: job.id,
            kind: job.kind,
            attempts: job.attempts,
            run_at: time(job.run_at),
            last_error: job.last_error,
        })
    }
}

/// Reads `state` from the query: one of the job states, or all when absent.
pub(crate) fn state_filter(query: &QueryMap, errors: &mut FieldErrors) -> Option<JobState> {
    let given = query.get("state")?;
    let parsed = JobState::parse(given);
    if parsed.is_none() {
        errors.add("state", "must be queued, running or failed");
    }
    parsed
}

#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs",
    params(("state" = Option<JobState>, Query), ("cursor" = Option<String>, Query),
           ("limit" = Option<i64>, Query)),
    responses((status = 200, body = Page<JobJson>), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    query: QueryMap,
) -> Result<Json<Page<JobJson>>, ApiError> {
    query.only(&["state", "cursor", "limit"])?;
    let mut errors = FieldErrors::new();
    let limit = query.limit(&mut errors, DEFAULT_LIMIT, MAX_LIMIT);
    let after = query.id_cursor(&mut errors);
    let wanted = state_filter(&query, &mut errors);
    errors.into_result(()).map_err(ApiError::invalid)?;
    let rows = handoff_app::jobs::list(&state.app, &actor, wanted, after, limit).await?;
    let page = id_page(rows, limit, |j| j.id, |j| j);
    Ok(Json(Page {
        items: page
            .items
            .into_iter()
            .map(JobJson::try_from)
            .collect::<Result<_, _>>()?,
        next_cursor: page.next_cursor,
    }))
}

#[utoipa::path(post, path = "/api/v1/jobs/{id}/retry", tag = "jobs",
    params(("id" = i64, Path)),
    responses((status = 200, body = JobJson, description = "Queued again, its attempts counted afresh"),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "The job is not failed")))]
pub async fn retry(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<JobJson>, ApiError> {
    match handoff_app::jobs::retry(&state.app, &actor, id).await? {
        Some(job) => Ok(Json(job.try_into()?)),
        // The same work was queued meanwhile: this job was dropped in its favour.
        None => Err(ApiError::NotFound("job")),
    }
}

//! One error type for the HTTP edge and its JSON envelope:
//! `{"error": {"code": …, "message": …, "fields": {field: reason}}}`. Storage details are
//! logged, never sent.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use handoff_app::ActionError;
use handoff_domain::FieldErrors;
use handoff_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not JSON at all.
    #[error("{0}")]
    MalformedJson(String),
    /// Input with named problems: wrong types, unknown fields, failed checks.
    #[error("{message}")]
    Invalid {
        message: String,
        fields: FieldErrors,
    },
    #[error("a valid API token is required: send `Authorization: Bearer TOKEN`")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request is understood but the state does not allow it.
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        fields: FieldErrors,
    },
    #[error("the request body is too large")]
    TooLarge,
    #[error("the service is unavailable, try again shortly")]
    Unavailable,
    #[error("internal error")]
    Internal,
}

/// The envelope every error answer has.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code, e.g. `validation_failed`.
    pub code: &'static str,
    pub message: String,
    /// Reasons per field path (`subject`, `fields.budget`); empty when not about fields.
    pub fields: BTreeMap<String, String>,
}

impl ApiError {
    pub fn invalid(fields: FieldErrors) -> Self {
        ApiError::Invalid {
            message: format!("invalid input: {fields}"),
            fields,
        }
    }

    pub fn field(field: &str, reason: impl Into<String>) -> Self {
        Self::invalid(FieldErrors::single(field, reason))
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        ApiError::Forbidden(message.into())
    }

    pub(crate) fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::MalformedJson(_) => (StatusCode::BAD_REQUEST, "malformed_json"),
            ApiError::Invalid { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            ApiError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict { code, .. } => (StatusCode::CONFLICT, code),
            ApiError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

/// Storage errors mean what they mean to the actions (see [`ActionError`]'s `From`).
impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        ActionError::from(err).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let fields = match &self {
            ApiError::Invalid { fields, .. } | ApiError::Conflict { fields, .. } => {
                fields.clone().into_map()
            }
            _ => BTreeMap::new(),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message: self.to_string(),
                fields,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

impl From<ActionError> for ApiError {
    fn from(err: ActionError) -> Self {
        match err {
            ActionError::Invalid(fields) => ApiError::invalid(fields),
            ActionError::Forbidden(message) => ApiError::Forbidden(message),
            ActionError::NotFound(what) => ApiError::NotFound(what),
            ActionError::Conflict {
                code,
                message,
                fields,
            } => ApiError::Conflict {
                code,
                message,
                fields,
            },
            ActionError::Unavailable => ApiError::Unavailable,
            ActionError::Internal => ApiError::Internal,
        }
    }
}

/// Maps a unique violation on `column` to a field error, passing other errors on.
pub fn unique_as_field(err: StoreError, column: &str, reason: &str) -> ApiError {
    handoff_app::error::unique_as_field(err, column, reason).into()
}

/// Maps "not found" in storage to a 404 naming `what`, passing other errors on.
pub fn or_404(what: &'static str) -> impl Fn(StoreError) -> ApiError {
    move |err| handoff_app::error::or_404(what)(err).into()
}

//! What an action can refuse, in domain terms. The HTTP edge maps each to a status and the
//! JSON envelope, the pages to a message beside the form; storage details stay in the log.

use handoff_domain::FieldErrors;
use handoff_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// Input with named problems.
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    /// The actor may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Nothing of this kind that the actor may see.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Understood, but the state does not allow it.
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        fields: FieldErrors,
    },
    /// The database cannot be reached; try again shortly.
    #[error("the database is unavailable")]
    Unavailable,
    /// A fault of Handoff's own (logged where it happened).
    #[error("internal error")]
    Internal,
}

pub type ActionResult<T> = Result<T, ActionError>;

impl ActionError {
    pub fn field(field: &str, reason: impl Into<String>) -> Self {
        ActionError::Invalid(FieldErrors::single(field, reason))
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        ActionError::Forbidden(message.into())
    }

    /// The state does not allow it: `code` for clients, `message` for people, and the
    /// field it is about, when there is one.
    pub fn conflict(code: &'static str, field: Option<&str>, message: impl Into<String>) -> Self {
        let message = message.into();
        ActionError::Conflict {
            code,
            fields: field
                .map(|f| FieldErrors::single(f, message.clone()))
                .unwrap_or_default(),
            message,
        }
    }
}

impl From<StoreError> for ActionError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ActionError::NotFound("resource"),
            StoreError::Unavailable(e) => {
                tracing::warn!(error = %e, "database unavailable");
                ActionError::Unavailable
            }
            StoreError::ForeignKey => ActionError::Conflict {
                code: "in_use",
                message: "it is referred to by other records, or refers to a missing one"
                    .to_owned(),
                fields: FieldErrors::new(),
            },
            StoreError::Unique(what) => ActionError::Conflict {
                code: "already_exists",
                message: format!("already exists ({what})"),
                fields: FieldErrors::new(),
            },
            other => {
                tracing::error!(error = %other, "storage failure");
                ActionError::Internal
            }
        }
    }
}

/// Maps "not found" in storage to a refusal naming `what`, passing other errors on.
pub fn or_404(what: &'static str) -> impl Fn(StoreError) -> ActionError {
    move |err| match err {
        StoreError::NotFound => ActionError::NotFound(what),
        other => other.into(),
    }
}

/// Maps a unique violation on `column` to a refusal naming the field, passing other
/// errors on.
pub fn unique_as_field(err: StoreError, column: &str, reason: &str) -> ActionError {
    if err.is_unique(column) {
        ActionError::Conflict {
            code: "already_exists",
            message: format!("{column}: {reason}"),
            fields: FieldErrors::single(column, reason),
        }
    } else {
        err.into()
    }
}

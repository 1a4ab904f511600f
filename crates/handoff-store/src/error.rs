//! What can go wrong in storage, sorted by what the caller can do about it.

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; the text names the constraint or column.
    #[error("already exists ({0})")]
    Unique(String),
    /// A foreign key refused the write: something refers to, or is missing for, the row.
    #[error("still referred to, or refers to something missing")]
    ForeignKey,
    /// The database cannot be reached or no connection came free in time.
    #[error("the database is unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    #[error("bad database URL: {0}")]
    Config(#[source] sqlx::Error),
    #[error("unsupported database URL `{0}`: use sqlite:PATH or postgres://…")]
    UnknownUrl(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Data in the database that the code cannot read back (a bug or a manual edit).
    #[error("corrupt data: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Database(sqlx::Error),
}

impl StoreError {
    /// Whether a unique constraint on `column` refused the write. PostgreSQL names the
    /// constraint (`people_email_key`), SQLite the column (`people.email`): both name it.
    pub fn is_unique(&self, column: &str) -> bool {
        matches!(self, StoreError::Unique(what) if what.contains(column))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(err)
            }
            sqlx::Error::Database(ref db) => {
                use sqlx::error::ErrorKind;
                match db.kind() {
                    ErrorKind::UniqueViolation => StoreError::Unique(
                        db.constraint()
                            .map(str::to_owned)
                            .unwrap_or_else(|| db.message().to_owned()),
                    ),
                    ErrorKind::ForeignKeyViolation => StoreError::ForeignKey,
                    _ => StoreError::Database(err),
                }
            }
            other => StoreError::Database(other),
        }
    }
}

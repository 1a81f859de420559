//! The store's one error type. Callers match on the kind: a [`StoreError::Rejected`] carries the
//! rules' refusal unchanged (the user's to fix); `NotFound` and `Conflict` are the user's too;
//! everything else is the operator's, and its text is for logs, never shown to a citizen.

use gongkai_core::Rejection;

/// What went wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL cannot be used.
    #[error("数据库地址无效：{0}")]
    BadUrl(String),
    /// The database could not be reached.
    #[error("无法连接数据库 {url}：{source}")]
    Unavailable {
        /// The URL, redacted.
        url: String,
        /// Why.
        #[source]
        source: sqlx::Error,
    },
    /// The named thing does not exist.
    #[error("{0}不存在")]
    NotFound(String),
    /// A unique value is already taken, or the thing changed under the caller.
    #[error("{0}")]
    Conflict(String),
    /// The rules refuse the change; nothing was stored.
    #[error("{0}")]
    Rejected(Rejection),
    /// A stored value does not decode (a bug or a hand-edited database).
    #[error("数据库中的数据无效：{0}")]
    Corrupt(String),
    /// A migration failed.
    #[error("数据库迁移失败：{0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Any other database error.
    #[error("数据库错误：{0}")]
    Database(sqlx::Error),
    /// Any other database error of a read run on the calling thread (`direct`).
    #[error("数据库错误：{0}")]
    Direct(rusqlite::Error),
}

impl StoreError {
    pub(crate) fn unavailable(url: &str, source: sqlx::Error) -> Self {
        Self::Unavailable {
            url: url.to_owned(),
            source,
        }
    }

    /// A refusal not tied to one field.
    pub(crate) fn rejected(message: impl Into<String>) -> Self {
        Self::Rejected(Rejection::new(message))
    }

    /// Maps a unique violation to [`StoreError::Conflict`] with a message, leaving others alone.
    pub(crate) fn conflict_as(e: Self, message: impl FnOnce() -> String) -> Self {
        match &e {
            Self::Database(sqlx::Error::Database(db))
                if db.kind() == sqlx::error::ErrorKind::UniqueViolation =>
            {
                Self::Conflict(message())
            }
            _ => e,
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::ColumnDecode { .. }
            | sqlx::Error::Decode(_)
            | sqlx::Error::ColumnNotFound(_)
            | sqlx::Error::ColumnIndexOutOfBounds { .. }
            | sqlx::Error::TypeNotFound { .. } => Self::Corrupt(e.to_string()),
            other => Self::Database(other),
        }
    }
}

impl From<Rejection> for StoreError {
    fn from(r: Rejection) -> Self {
        Self::Rejected(r)
    }
}

/// A JSON column that does not decode is a corrupt row, never the user's input.
impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        Self::Corrupt(format!("JSON: {e}"))
    }
}

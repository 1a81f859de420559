//! The store's one error type. Callers match on the kind; the text of `Database` is for operators'
//! logs and never shown to a citizen.

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
    /// A unique value is already taken.
    #[error("{0}")]
    Conflict(String),
    /// Input the store refuses, with a message for the user.
    #[error("{0}")]
    Invalid(String),
    /// A stored value does not decode (a bug or a hand-edited database).
    #[error("数据库中的数据无效：{0}")]
    Corrupt(String),
    /// A migration failed.
    #[error("数据库迁移失败：{0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Any other database error.
    #[error("数据库错误：{0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    pub(crate) fn unavailable(url: &str, source: sqlx::Error) -> Self {
        Self::Unavailable {
            url: url.to_owned(),
            source,
        }
    }

    /// Maps a unique violation to [`StoreError::Conflict`] with a message, leaving others alone.
    pub(crate) fn conflict_as(e: sqlx::Error, message: impl FnOnce() -> String) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation => {
                Self::Conflict(message())
            }
            _ => Self::Database(e),
        }
    }
}

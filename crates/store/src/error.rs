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
    /// The folder for a SQLite file could not be made (the address is fine; the place is not).
    #[error("无法创建数据库文件夹 {0}。请检查路径是否正确、运行服务的用户能否在其上级文件夹中写入")]
    Folder(String),
    /// The database could not be reached: why, in the server's words, and what to check. The
    /// cause is in the text and not also a `source`, so that an error chain printed whole
    /// (`{:#}`) says it once, not three times.
    #[error("无法连接数据库 {url}：{}", explained(cause))]
    Unavailable {
        /// The URL, redacted.
        url: String,
        /// Why.
        cause: sqlx::Error,
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
    /// Any other database error (with what to check, for the kinds an operator can mend: a
    /// read-only file meets the first write, not the connection).
    #[error("数据库错误：{}", explained(.0))]
    Database(sqlx::Error),
    /// Any other database error of a read run on the calling thread (`direct`).
    #[error("数据库错误：{0}")]
    Direct(rusqlite::Error),
}

impl StoreError {
    pub(crate) fn unavailable(url: &str, cause: sqlx::Error) -> Self {
        Self::Unavailable {
            url: url.to_owned(),
            cause,
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

/// A database error and what the operator should check, for the kinds an installation meets:
/// the server not running or not reachable at that address, a database or a user that does not
/// exist, a wrong password, a file that cannot be opened or written.
fn explained(e: &sqlx::Error) -> String {
    const URL: &str = "--database-url 或 GONGKAI_DATABASE_URL";
    let hint = match e {
        sqlx::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => {
                format!(
                    "该地址和端口上没有数据库服务。请确认 PostgreSQL 已启动，并检查 {URL} 中的主机和端口"
                )
            }
            std::io::ErrorKind::TimedOut
            | std::io::ErrorKind::HostUnreachable
            | std::io::ErrorKind::NetworkUnreachable => {
                format!("连接超时或网络不通。请检查 {URL} 中的主机、防火墙和网络")
            }
            _ => format!("请检查 {URL} 中的主机和端口"),
        },
        sqlx::Error::PoolTimedOut => {
            format!("10 秒内未能建立连接。请确认数据库服务已启动，并检查 {URL}")
        }
        sqlx::Error::Database(db) => match db.code().as_deref() {
            // invalid_catalog_name
            Some("3D000") => {
                "该数据库不存在。请先创建（例如 createdb），或改正地址中的库名".to_owned()
            }
            // invalid_authorization_specification (no such role)
            Some("28000") => {
                "该用户不存在或不允许从此地址登录。请改正地址中的用户名，或检查 pg_hba.conf"
                    .to_owned()
            }
            // invalid_password
            Some("28P01") => "密码错误。请改正地址中的密码（特殊字符用 % 编码）".to_owned(),
            // SQLITE_READONLY: the file belongs to another user (made by a command run as root).
            Some("8") => {
                "数据库文件只读。请检查文件及其所在文件夹的所有者和权限（例如以 root 身份运行命令后，文件不再属于运行服务的用户）"
                    .to_owned()
            }
            // SQLITE_CANTOPEN
            Some("14") => {
                "无法打开数据库文件。请检查文件夹是否存在、运行服务的用户能否读写".to_owned()
            }
            _ => String::new(),
        },
        _ => String::new(),
    };
    if hint.is_empty() {
        e.to_string()
    } else {
        format!("{e}。{hint}")
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

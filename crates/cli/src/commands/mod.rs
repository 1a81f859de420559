//! One module per subcommand: its arguments (a clap `Args` or `Subcommand`) and what it does.
//! Each takes the database URL it was given and the injected clock; none holds a rule of its own.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use gongkai_store::{Store, redact};

pub mod accounts;
pub mod audit;
mod audit_keys;
pub mod backup;
pub mod check;
pub mod deadline;
pub mod demo;
pub mod fee;
pub mod import;
pub mod items;
pub mod report;
pub mod search;
pub mod serve;

/// The database a command works on, and the audit key file that goes with it.
#[derive(Debug, Clone)]
pub struct Database {
    /// `sqlite://…` or `postgres://…`.
    pub url: String,
    /// The audit chain's key file (kept outside the database).
    pub audit_keys: PathBuf,
    /// When a SQLite commit counts as done.
    pub sqlite_sync: gongkai_store::SqliteSync,
}

impl Database {
    /// The database at `url`; the key file given, or beside the SQLite file, or
    /// `gongkai-data/audit.key` for PostgreSQL.
    pub fn new(url: String, audit_keys: Option<PathBuf>) -> Self {
        let audit_keys = audit_keys.unwrap_or_else(|| {
            let dir = sqlite_file(&url)
                .and_then(|p| p.parent().map(Path::to_path_buf))
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or_else(|| PathBuf::from("gongkai-data"));
            dir.join("audit.key")
        });
        Self {
            url,
            audit_keys,
            sqlite_sync: gongkai_store::SqliteSync::default(),
        }
    }

    /// The same database, its SQLite commits done as `sync` says.
    pub fn with_sqlite_sync(self, sqlite_sync: gongkai_store::SqliteSync) -> Self {
        Self {
            sqlite_sync,
            ..self
        }
    }

    /// Where checkpoints of the audit chain are appended: beside the key file, by its name
    /// (`audit.key` → `audit.checkpoints`).
    pub fn checkpoint_file(&self) -> PathBuf {
        self.audit_keys.with_extension("checkpoints")
    }

    /// Opens the database, brings its schema up to date and keys its audit chain (the key file
    /// is created with a new key on first use).
    pub async fn open(&self) -> Result<Store> {
        let store = Store::connect_with(&self.url, self.sqlite_sync)
            .await
            .with_context(|| format!("打开数据库 {}", redact(&self.url)))?;
        store.migrate().await.context("迁移数据库")?;
        let keys = audit_keys::load_or_create(&self.audit_keys)?;
        Ok(store.with_audit_keys(keys, chrono::Utc::now()).await?)
    }

    /// Opens the database to check it, changing nothing in it or beside it: a SQLite file must
    /// exist (a mistyped path or the wrong folder is an error, not a new empty database that then
    /// "passes"), the key file must exist, no key record is written, and a database older than
    /// this build is refused rather than migrated.
    pub async fn open_to_verify(&self) -> Result<Store> {
        if let Some(path) = sqlite_file(&self.url)
            && !path.is_file()
        {
            anyhow::bail!(
                "数据库文件 {} 不存在：请用 --database-url（或 GONGKAI_DATABASE_URL）指定要核验的数据库，例如 sqlite:///var/backups/gongkai/gongkai-20261201-020000/gongkai.db",
                path.display()
            );
        }
        let keys = audit_keys::load(&self.audit_keys)?;
        let store = Store::connect_read_only(&self.url)
            .await
            .with_context(|| format!("打开数据库 {}", redact(&self.url)))?;
        let pending = store.pending_migrations().await?;
        if pending > 0 {
            anyhow::bail!(
                "数据库 {} 的结构比本程序旧（还有 {pending} 个迁移未运行）。核验不会改动要核验的数据库：请复制一份，在副本上运行 gongkai migrate，再核验副本",
                redact(&self.url)
            );
        }
        Ok(store.verifying_with(keys))
    }
}

/// The file of a `sqlite://` URL (its query, such as `?mode=rwc`, left off); `None` for any
/// other database.
pub fn sqlite_file(url: &str) -> Option<&Path> {
    url.strip_prefix("sqlite://")
        .map(|p| Path::new(p.split('?').next().unwrap_or(p)))
}

/// An agency slug given on the command line.
pub fn slug(text: &str) -> Result<gongkai_core::Slug> {
    gongkai_core::Slug::parse(text).map_err(|e| anyhow::anyhow!("机关简称“{text}”无效：{e}"))
}

/// Which agency's annual report of which year a command is about.
#[derive(Debug, clap::Args)]
pub struct ReportOf {
    /// The agency's slug, e.g. yiyuan-xili.
    #[arg(long)]
    pub agency: String,
    /// The report year.
    #[arg(long)]
    pub year: i32,
}

impl ReportOf {
    /// The agency's slug, checked.
    pub fn slug(&self) -> Result<gongkai_core::Slug> {
        slug(&self.agency)
    }
}

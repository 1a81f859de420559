#![doc = include_str!("../README.md")]

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use gongkai_core::audit::Keyring;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

mod accounts;
mod agencies;
pub mod audit;
mod cases;
mod catalogue;
mod channels;
mod db;
pub mod demo;
mod direct;
mod error;
mod guide;
mod history;
mod hits;
mod inspection;
mod items;
mod letters;
mod outbox;
mod queue;
mod ready;
mod reports;
mod requests;
mod site;
mod supervision;
pub mod testing;

pub use accounts::{NewSession, NewUser, RoleChange, SessionRecord, User};
pub use audit::{AuditEntry, AuditFilter, audit_time};
pub use cases::{LinkedCase, NewCase};
pub use channels::{ChannelInfo, DeliveryRow, PendingDelivery};
pub use db::{By, Upload};
pub use error::StoreError;
pub use guide::GuideVersion;
pub use hits::Hits;
pub use items::{
    AttachmentInfo, Draft, DraftSummary, FoundItem, ItemPage, LegacyItem, ListedItem, NewItem,
    PublishedItem, WithdrawnItem,
};
pub use letters::IssuedLetter;
pub use outbox::PendingMail;
pub use reports::{MemberReport, Proposal, PublicReport, Publication, REPORT_CATEGORY, ReportData};
pub use requests::{NewRequest, QueuedRequest, RequestStep, Requester};
pub use supervision::Message;

/// Which database engine a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// A connection pool to one of the two backends.
#[derive(Debug, Clone)]
pub enum Pool {
    /// SQLite.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// When a SQLite commit counts as done, and so what an acknowledged write survives (SQLite's
/// `synchronous` in WAL mode; the operator's choice, `--sqlite-sync`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SqliteSync {
    /// `FULL`, the default: the log is flushed to the disk (fsync) before a commit returns, so an
    /// acknowledged write survives the process being killed, the system crashing and the power
    /// failing. One flush per acknowledged write bounds intake on slow disks.
    #[default]
    Full,
    /// `NORMAL`: a commit returns once the log is written to the operating system, which flushes
    /// it at checkpoints. An acknowledged write survives the process being killed (`kill -9`:
    /// the operating system still holds what was written), not a power failure or a kernel crash,
    /// which may lose the last commits before it (the database stays consistent). For a server
    /// on a UPS-backed host or a disk that flushes slowly.
    Normal,
}

/// The database, and the keys its audit chain is written with (kept outside the database).
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    keys: Arc<Keyring>,
    /// Agencies' row ids by slug: a slug never changes and an agency is never removed, so this
    /// can be kept for the life of the process (every agency-scoped query needs it).
    ids: Arc<std::sync::RwLock<std::collections::HashMap<String, i64>>>,
    /// What public pages read, kept between writes when [`Store::keep_ready`] says so.
    ready: Arc<ready::Ready>,
    /// On a SQLite file: connections the public pages' reads run on without sqlx's thread.
    reader: Option<Arc<direct::Reader>>,
}

/// The newest audit id in `($1, $2]` of an action that may change the portal, if any.
fn publication_since() -> &'static str {
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let mut sql = String::from("SELECT id FROM audit_log WHERE id > $1 AND id <= $2");
        for unseen in gongkai_core::audit::UNSEEN_ON_PORTAL {
            let (test, pattern) = if unseen.ends_with('.') {
                ("NOT LIKE", "%")
            } else {
                ("<>", "")
            };
            sql.extend([" AND action ", test, " '", unseen, pattern, "'"]);
        }
        sql.push_str(" ORDER BY id DESC LIMIT 1");
        sql
    });
    &SQL
}

/// The default database: a SQLite file under `./gongkai-data/`, created on first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://gongkai-data/gongkai.db";

impl Store {
    /// Connects to `url` with the default durability ([`SqliteSync::Full`]); see
    /// [`Store::connect_with`].
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, SqliteSync::default()).await
    }

    /// Connects to `url` to read and nothing else, for checks that must leave the database as
    /// they found it (`gongkai audit verify`, often on a backup whose file hash is on record): a
    /// SQLite file is opened read-only, not created and not switched to WAL; a PostgreSQL session
    /// is read-only (`default_transaction_read_only`). Writes through it fail.
    pub async fn connect_read_only(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::BadUrl(format!("{url}: {e}")))?
                .read_only(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(2)
                .connect_with(options)
                .await
                .map_err(|e| StoreError::unavailable(url, e))?;
            Ok(Self::new(Pool::Sqlite(pool)))
        } else {
            Self::connect_postgres(url, &[("default_transaction_read_only", "on")], 2).await
        }
    }

    /// How long a PostgreSQL connection may sit idle and still be used without a ping first.
    const IDLE_BEFORE_PING: Duration = Duration::from_secs(10);

    /// A PostgreSQL pool of at most `max` connections, each session with `settings` (beside
    /// keeping the server's NOTICEs, a migration table's "already exists, skipping" at every
    /// start, out of the operator's log).
    async fn connect_postgres(
        url: &str,
        settings: &[(&str, &str)],
        max: u32,
    ) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::BadUrl(format!("{}: {e}", redact(url))))?
            .options([("client_min_messages", "warning")])
            .options(settings.iter().copied());
        // One connection first, alone: the pool retries a refused connection until its timeout
        // and then reports only that it timed out, so a server that is down, a database that
        // does not exist or a wrong password would all read "pool timed out", ten seconds later.
        sqlx::Connection::close(
            <sqlx::PgConnection as sqlx::Connection>::connect_with(&options)
                .await
                .map_err(|e| StoreError::unavailable(&redact(url), e))?,
        )
        .await
        .map_err(|e| StoreError::unavailable(&redact(url), e))?;
        // A connection is pinged before use only when it has sat idle a while (the server may
        // have been restarted meanwhile): pinged at every use, as sqlx does by default, every
        // statement cost one more round trip to the server (sqlx pings it again on release).
        let pool = PgPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(10))
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= Self::IDLE_BEFORE_PING {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| StoreError::unavailable(&redact(url), e))?;
        Ok(Self::new(Pool::Postgres(pool)))
    }

    /// Connects to `url`. For SQLite, creates the folder and the file if missing and turns on the
    /// settings that make acknowledged writes durable (WAL, and `sync` for when a commit counts
    /// as done), foreign keys, and a busy timeout so concurrent writers wait instead of failing.
    /// PostgreSQL keeps its own setting (`synchronous_commit`, on by default).
    pub async fn connect_with(url: &str, sync: SqliteSync) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::BadUrl(format!("{url}: {e}")))?;
            if let Some(dir) = options.get_filename().parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir)
                    .map_err(|e| StoreError::Folder(format!("{}：{e}", dir.display())))?;
            }
            let options = options
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(match sync {
                    SqliteSync::Full => SqliteSynchronous::Full,
                    SqliteSync::Normal => SqliteSynchronous::Normal,
                })
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            // An embedded database's connection cannot go stale the way a network one can, so
            // it is not pinged before each use: sqlx would otherwise hand every statement to the
            // connection's thread twice (ping, then the statement).
            let file = options.get_filename().to_owned();
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .test_before_acquire(false)
                .connect_with(options)
                .await
                .map_err(|e| StoreError::unavailable(url, e))?;
            let mut store = Self::new(Pool::Sqlite(pool));
            // A file (not `sqlite::memory:`, which only its own connections can see).
            if file.is_file() {
                store.reader = Some(Arc::new(direct::Reader::new(file)));
            }
            Ok(store)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Self::connect_postgres(url, &[], 16).await
        } else {
            Err(StoreError::BadUrl(format!(
                "{}: the URL must start with sqlite:// or postgres://",
                redact(url)
            )))
        }
    }

    fn new(pool: Pool) -> Self {
        Self {
            pool,
            keys: Arc::new(Keyring::default()),
            ids: Arc::default(),
            ready: Arc::default(),
            reader: None,
        }
    }

    /// The connections public pages read on, when this is a SQLite file.
    pub(crate) fn reader(&self) -> Option<&direct::Reader> {
        self.reader.as_deref()
    }

    /// How many times this process built a list's stretch starts (see [`Store::keep_ready`]):
    /// requests that miss one list together share one build.
    pub fn lists_built(&self) -> u64 {
        self.ready
            .lists_built
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Keeps what every public page reads (agencies, catalogues, where each stretch of a list
    /// starts and how long it is) in memory between writes. A write through this store is seen at
    /// once; a write by another process (a second server, the command line) within `period`,
    /// after which the database's version is read again. Zero: the version is read at every use
    /// (nothing another process wrote is missed, and lists still page by their stretch starts).
    /// `None` (the default): nothing is kept, the data is read every time.
    pub fn keep_ready(&self, period: Option<Duration>) {
        self.ready.set_period(period);
    }

    /// Runs `work` (one request) with the database's version read at most once, where data
    /// kept ready is checked at every use (a period of zero): a page's reads then all stand on
    /// the version read first, as a snapshot would, instead of reading it again for the site,
    /// the agency, the catalogue and the list (a statement each). Writes through this store
    /// during `work` still count at once.
    pub async fn one_version<F: std::future::Future>(&self, work: F) -> F::Output {
        ready::READ_ONCE
            .scope(std::cell::Cell::new(None), work)
            .await
    }

    /// The publication version that data kept ready stands on now (the newest audit record of
    /// an action the portal may show), read when due (once a request under
    /// [`one_version`](Self::one_version) with a period of zero); `None` when nothing is kept or
    /// it cannot be read. The portal's page cache keys its pages by it.
    pub async fn kept_version(&self) -> Option<i64> {
        self.ready_stamp().await.map(ready::Stamp::database)
    }

    /// How many writes through this store (this process) changed what the portal shows: with
    /// [`kept_version`](Self::kept_version), the version of a page this process keeps. A write
    /// that the portal does not show moves neither.
    pub fn portal_writes(&self) -> u64 {
        self.ready.local()
    }

    /// What `place` keeps for `key` under the current stamp, or else what `load` reads, kept for
    /// the next caller. The stamp is taken before `load` reads: data read while another process
    /// writes is kept under the older version, and read again once the newer one is seen.
    /// Callers that miss the same entry together load it once: the first holds the key's gate,
    /// the others wait for it and find the entry kept (if that load failed or its request was
    /// dropped, the next in line loads).
    pub(crate) async fn kept<K: std::hash::Hash + Eq + Clone, V: Clone>(
        &self,
        place: ready::Shelf<K, V>,
        key: K,
        load: impl std::future::Future<Output = Result<V, StoreError>>,
    ) -> Result<V, StoreError> {
        let stamp = self.ready_stamp().await;
        if let Some(kept) = stamp.and_then(|s| self.ready.kept(place, s, &key)) {
            return Ok(kept);
        }
        let gate = stamp.and_then(|s| self.ready.gate(place, s, &key));
        let _turn = match &gate {
            Some(gate) => Some(gate.lock().await),
            None => None,
        };
        if let Some(kept) = stamp.and_then(|s| self.ready.kept(place, s, &key)) {
            return Ok(kept);
        }
        let value = load.await?;
        if let Some(s) = stamp {
            self.ready.keep(place, s, key, value.clone());
        }
        Ok(value)
    }

    /// The stamp data kept ready is valid under, reading the database's version when due;
    /// `None` when nothing is kept (or the version cannot be read).
    pub(crate) async fn ready_stamp(&self) -> Option<ready::Stamp> {
        if !self.ready.on() {
            return None;
        }
        if self.ready.every_use() {
            let once = ready::READ_ONCE
                .try_with(std::cell::Cell::get)
                .ok()
                .flatten();
            let database = if let Some(v) = once {
                v
            } else {
                let v = self.publication().await.ok()?;
                let _ = ready::READ_ONCE.try_with(|c| c.set(Some(v)));
                v
            };
            return Some(self.ready.stamp_at(database));
        }
        if self.ready.due() {
            let v = self.publication().await.ok();
            self.ready.set_database(v);
        }
        self.ready.stamp()
    }

    /// The publication version: the id of the newest audit record whose action may change what
    /// a public page shows (`gongkai_core::audit::changes_portal`). Kept data and pages stand on
    /// it rather than on the newest record of all, so that sign-ins and the handling of requests
    /// (most of a day's writes) do not throw away what every visitor reads. Read as the newest
    /// id (one seek), then, when that moved, the records since the last reading.
    pub(crate) async fn publication(&self) -> Result<i64, StoreError> {
        let newest = self.change_generation().await?;
        let (seen, version) = self.ready.published();
        if newest == seen {
            return Ok(version);
        }
        // The first reading, or a log that went back (a restored backup): all of it counts.
        if seen < 0 || newest < seen {
            self.ready.restart_published(newest);
            return Ok(newest);
        }
        let changed: Vec<i64> = db::sql(publication_since())
            .bind(seen)
            .bind(newest)
            .scalars(self)
            .await?;
        let version = changed.first().copied().unwrap_or(version).max(version);
        self.ready.set_published(newest, version);
        Ok(version)
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// The connection pool (for tests and tools that need the engine itself).
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Applies pending migrations. Safe to run at every start: applied ones are skipped, and an
    /// edited applied migration is refused (sqlx keeps checksums).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite(pool) => self.migrator().run(pool).await?,
            Pool::Postgres(pool) => self.migrator().run(pool).await?,
        }
        Ok(())
    }

    /// This build's migrations for the engine (embedded once each).
    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
        static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");
        match self.pool {
            Pool::Sqlite(_) => &SQLITE,
            Pool::Postgres(_) => &POSTGRES,
        }
    }

    /// How many of this build's migrations the database has not had (all of them when it has no
    /// migration table). `gongkai audit verify` checks a database as it is and refuses one that
    /// would need them: running them would change the copy it was asked to check.
    pub async fn pending_migrations(&self) -> Result<usize, StoreError> {
        let applied: Vec<i64> = db::sql("SELECT version FROM _sqlx_migrations WHERE success")
            .scalars(self)
            .await
            .unwrap_or_default();
        Ok(self
            .migrator()
            .iter()
            .filter(|m| !m.migration_type.is_down_migration() && !applied.contains(&m.version))
            .count())
    }

    /// Writes a consistent copy of the SQLite database to `path` while the server keeps running
    /// (`VACUUM INTO` reads one snapshot). PostgreSQL has its own tools for this.
    pub async fn backup(&self, path: &Path) -> Result<(), StoreError> {
        match self.pool {
            Pool::Sqlite(_) => {
                if path.exists() {
                    return Err(StoreError::rejected(format!(
                        "备份文件 {} 已存在；请换一个文件名，备份不会覆盖已有文件",
                        path.display()
                    )));
                }
                let target = path.to_str().ok_or_else(|| {
                    StoreError::rejected(format!("备份路径 {} 含有无法识别的字符", path.display()))
                })?;
                db::sql("VACUUM INTO $1").bind(target).execute(self).await?;
                Ok(())
            }
            Pool::Postgres(_) => Err(StoreError::rejected(
                "PostgreSQL 数据库请使用 pg_dump 备份（例如 pg_dump -Fc 数据库名 > gongkai.dump）",
            )),
        }
    }

    /// Refreshes the query planner's statistics. After a bulk import PostgreSQL otherwise plans
    /// with none until autovacuum comes round (measured: 470 item pages/s instead of 3,700 at
    /// 20,000 items); SQLite then knows its indexes' selectivity too.
    ///
    /// On SQLite only the per-index figures (`sqlite_stat1`) are kept: the bundled library is
    /// built with STAT4, and with its samples present every statement whose plan might depend on
    /// a bound value (a list's `published_on <= $2`, an item page's keys) is prepared again at
    /// each execution — a tenth of the time of distinct list pages, and item pages at 3,500/s
    /// instead of 5,000/s here.
    pub async fn analyze(&self) -> Result<(), StoreError> {
        db::sql("ANALYZE").execute(self).await?;
        if self.backend() == Backend::Sqlite {
            let stat4: i64 = db::sql(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat4'",
            )
            .scalar(self)
            .await?;
            if stat4 > 0 {
                db::sql("DELETE FROM sqlite_stat4").execute(self).await?;
                // Connections read the statistics again.
                db::sql("ANALYZE sqlite_schema").execute(self).await?;
            }
        }
        Ok(())
    }

    /// Whether [`Store::close`] was called: a background job whose query failed because the
    /// server is stopping ends quietly instead of logging a failure.
    pub fn is_closed(&self) -> bool {
        match &self.pool {
            Pool::Sqlite(pool) => pool.is_closed(),
            Pool::Postgres(pool) => pool.is_closed(),
        }
    }

    /// Closes every connection (lets SQLite checkpoint its WAL on shutdown).
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// A database URL safe to log: the password, if any, is replaced.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// 1 January and 31 December of a year.
pub(crate) fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate), StoreError> {
    let bad = || StoreError::rejected(format!("年度 {year} 无效"));
    Ok((
        NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(bad)?,
        NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(bad)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_the_log() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://a.db"), "sqlite://a.db");
    }

    #[tokio::test]
    async fn the_operator_chooses_when_a_sqlite_commit_is_done() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for (sync, expected) in [(SqliteSync::Full, 2), (SqliteSync::Normal, 1)] {
            let url = format!("sqlite://{}/{expected}.db", dir.path().display());
            let store = Store::connect_with(&url, sync)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let got: i64 = db::sql("PRAGMA synchronous")
                .scalar(&store)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(got, expected, "{sync:?}");
            let mode: String = db::sql("PRAGMA journal_mode")
                .scalar(&store)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(mode, "wal");
        }
    }

    /// Thirty-two requests that miss one kept entry together load it once; a load that fails
    /// keeps nothing and the next caller loads again.
    #[tokio::test]
    async fn callers_missing_the_same_entry_load_it_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let db = testing::TestDb::sqlite().await;
        let store = db.store.clone();
        store.keep_ready(Some(Duration::from_secs(60)));
        let loads = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..32)
            .map(|_| {
                let (store, loads) = (store.clone(), loads.clone());
                tokio::spawn(async move {
                    store
                        .kept(ready::Ready::SITEMAP, (), async {
                            loads.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            Ok(Arc::new(Vec::new()))
                        })
                        .await
                })
            })
            .collect();
        for t in tasks {
            assert!(t.await.unwrap().unwrap().is_empty());
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1);

        let failed = store
            .kept(ready::Ready::YEARS, 7, async {
                Err(StoreError::rejected("读不出来"))
            })
            .await;
        assert!(failed.is_err());
        let again = store
            .kept(ready::Ready::YEARS, 7, async {
                Ok(Arc::new(vec![(2024, 1)]))
            })
            .await
            .unwrap();
        assert_eq!(*again, vec![(2024, 1)]);
    }

    #[test]
    fn both_backends_have_the_same_migration_files() {
        let names = |dir: &str| {
            let mut v: Vec<String> =
                std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
                    .unwrap()
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect();
            v.sort();
            v
        };
        let sqlite = names("migrations/sqlite");
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, names("migrations/postgres"));
    }
}

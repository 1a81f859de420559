//! Test databases: a fresh SQLite file or a fresh PostgreSQL database per test, so tests never share
//! state and run in parallel.
//!
//! PostgreSQL tests read `GONGKAI_TEST_POSTGRES_URL` (e.g. `postgres://postgres@127.0.0.1:5432/test`).
//! Without it they are skipped with a note — unless `GONGKAI_REQUIRE_POSTGRES=1` (CI), where a
//! skip is a failure, so the PostgreSQL half can never silently vanish.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;
use sqlx::postgres::PgConnection;

use crate::By;
use crate::Store;

/// The same database as another server process has it: a store of its own over the same
/// connections, keeping its own data ready, so that writes through `store` reach it only as
/// another process's do (at its next reading of the database's version), and its writes reach
/// `store` the same way.
pub fn another_process(store: &Store) -> Store {
    Store {
        pool: store.pool.clone(),
        keys: store.keys.clone(),
        ids: std::sync::Arc::default(),
        ready: std::sync::Arc::default(),
        reader: store.reader.clone(),
    }
}

/// A migrated store that deletes its database when dropped.
pub struct TestDb {
    /// The store.
    pub store: Store,
    /// The SQLite file's URL, or the PostgreSQL database's URL.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// A fresh SQLite database in a temporary folder.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = Store::connect(&url)
            .await
            .expect("connect to a new SQLite file");
        store.migrate().await.expect("migrate SQLite");
        Self {
            store,
            url,
            _dir: Some(dir),
            postgres: None,
        }
    }

    /// A fresh PostgreSQL database, or `None` when no server is configured (see the module docs).
    pub async fn postgres() -> Option<Self> {
        let Ok(admin_url) = std::env::var("GONGKAI_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var("GONGKAI_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "GONGKAI_REQUIRE_POSTGRES=1 but GONGKAI_TEST_POSTGRES_URL is not set"
            );
            eprintln!("note: GONGKAI_TEST_POSTGRES_URL not set; PostgreSQL half skipped");
            return None;
        };
        let name = format!(
            "gongkai_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_subsec_nanos()
        );
        let mut admin = PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin_url}: {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create a test database");
        admin.close().await.ok();
        let url = database_url(&admin_url, &name);
        let store = Store::connect(&url)
            .await
            .expect("connect to the test database");
        store.migrate().await.expect("migrate PostgreSQL");
        Some(Self {
            store,
            url,
            _dir: None,
            postgres: Some((admin_url, name)),
        })
    }
}

/// `admin_url` with its database name replaced.
pub fn database_url(admin_url: &str, name: &str) -> String {
    let (base, query) = admin_url
        .split_once('?')
        .map_or((admin_url, None), |(b, q)| (b, Some(q)));
    let base = match base.rfind('/') {
        Some(i) if i > base.find("://").map_or(0, |s| s + 2) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside async; drop the database from a thread with its own runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .ok()
            })
        })
        .join();
    }
}

/// Runs each named `async fn(&Store)` as two tests, `sqlite` and `postgres`, in a module of its name.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let db = $crate::testing::TestDb::sqlite().await;
                super::$name(&db.store).await;
            }
            #[tokio::test]
            async fn postgres() {
                let Some(db) = $crate::testing::TestDb::postgres().await else { return };
                super::$name(&db.store).await;
            }
        }
    )*};
}

/// Takes a draft through 提交, 初审 and 终审, each step by its own reviewer (the store trusts the
/// roles it is given), and returns the published item's id. For tests that need items on the
/// portal; a refused step panics with the store's reason.
pub async fn review_through(
    store: &Store,
    slug: &gongkai_core::Slug,
    draft: i64,
    steps: [(gongkai_core::item::Reviewer, &gongkai_core::audit::Actor); 3],
    now: chrono::DateTime<chrono::Utc>,
    today: chrono::NaiveDate,
) -> i64 {
    use gongkai_core::item::ReviewStep;
    for (step, (who, actor)) in [
        ReviewStep::Submit,
        ReviewStep::ApproveFirst,
        ReviewStep::ApproveFinal,
    ]
    .iter()
    .zip(steps)
    {
        if let Err(e) = store
            .review_item(slug, draft, step, who, By::new(actor, now), today)
            .await
        {
            panic!("{step:?} refused: {e}");
        }
    }
    store
        .item_draft(slug, draft)
        .await
        .ok()
        .flatten()
        .and_then(|d| d.summary.item_id)
        .expect("the draft was published")
}

/// What an intruder with write access to the database (and without the audit key) can do to the
/// audit trail: change record `edit`'s summary, delete record `drop`, renumber the rest, recompute
/// every plain SHA-256 and the chain head, and delete the checkpoints kept in the database. Returns
/// how many records remain. For tests of `audit verify`.
pub async fn rewrite_audit_chain(store: &Store, edit: i64, drop: i64) -> i64 {
    use gongkai_core::audit::GENESIS;
    let mut records = store
        .audit_records(&crate::AuditFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("the audit records");
    records.reverse();
    for r in &mut records {
        if r.id == edit {
            r.summary = "改过的".into();
        }
    }
    records.retain(|r| r.id != drop);
    let mut prev = GENESIS.to_owned();
    let mut statements = vec![
        "DELETE FROM audit_log".to_owned(),
        "DELETE FROM audit_checkpoints".to_owned(),
    ];
    let quote = |t: &str| format!("'{}'", t.replace('\'', "''"));
    for (i, r) in records.iter_mut().enumerate() {
        r.id = i64::try_from(i).expect("few records") + 1;
        r.prev_hash.clone_from(&prev);
        r.seal(None);
        prev.clone_from(&r.hash);
        statements.push(format!(
            "INSERT INTO audit_log (id, at_ms, actor_id, actor, agency, action, target, summary, prev_hash, hash) \
             VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            r.id,
            r.at_ms,
            r.actor_id.map_or_else(|| "NULL".to_owned(), |v| v.to_string()),
            quote(&r.actor),
            r.agency.as_deref().map_or_else(|| "NULL".to_owned(), quote),
            quote(&r.action),
            quote(&r.target),
            quote(&r.summary),
            quote(&r.prev_hash),
            quote(&r.hash),
        ));
    }
    let n = i64::try_from(records.len()).expect("few records");
    statements.push(format!(
        "UPDATE audit_head SET last_id = {n}, last_hash = '{prev}' WHERE singleton = 1"
    ));
    for statement in &statements {
        match store.pool() {
            crate::Pool::Sqlite(p) => sqlx::query(statement).execute(p).await.map(|_| ()),
            crate::Pool::Postgres(p) => sqlx::query(statement).execute(p).await.map(|_| ()),
        }
        .expect("the rewrite");
    }
    n
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_database_name_is_replaced_in_the_url() {
        assert_eq!(
            super::database_url("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            super::database_url("postgres://h/test?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
        assert_eq!(super::database_url("postgres://h", "x"), "postgres://h/x");
    }
}

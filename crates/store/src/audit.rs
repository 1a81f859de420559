//! Writing and reading the audit trail. Every state change appends its record inside the change's own
//! transaction ([`append_audit!`]), so both commit or neither does.

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::audit::{Actor, AuditRecord, ChainBreak, verify_chain};
use sqlx::{Postgres, QueryBuilder, Sqlite, Transaction};

use crate::{Store, StoreError, on_pool};

/// Starts a transaction that will write. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`), so a transaction that reads before it writes cannot fail on a stale snapshot.
pub(crate) trait BeginWrite {
    type Db: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Self::Db>, sqlx::Error>> + Send;
}

impl BeginWrite for sqlx::SqlitePool {
    type Db = Sqlite;
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Sqlite>, sqlx::Error>> + Send {
        self.begin_with("BEGIN IMMEDIATE")
    }
}

impl BeginWrite for sqlx::PgPool {
    type Db = Postgres;
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Postgres>, sqlx::Error>> + Send {
        self.begin()
    }
}

/// What a state change records about itself.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    /// Who.
    pub actor: &'a Actor,
    /// The agency concerned (its slug), if any.
    pub agency: Option<&'a str>,
    /// A stable key such as `role.grant`.
    pub action: &'static str,
    /// What, e.g. `user:12`.
    pub target: String,
    /// Before/after in a few words.
    pub summary: String,
}

/// Appends one audit record inside the open transaction `$tx`. Locking the chain head row makes
/// concurrent appends queue, so the chain never forks.
macro_rules! append_audit {
    ($tx:expr, $entry:expr, $now:expr) => {{
        let entry: &$crate::audit::AuditEntry<'_> = $entry;
        let now: chrono::DateTime<chrono::Utc> = $now;
        let (id, prev_hash): (i64, String) = sqlx::query_as(
            "UPDATE audit_head SET last_id = last_id + 1 WHERE singleton = 1 RETURNING last_id, last_hash",
        )
        .fetch_one(&mut *$tx)
        .await?;
        let at_ms = now.timestamp_millis();
        let hash = gongkai_core::audit::record_hash(
            id,
            at_ms,
            entry.actor.user_id,
            &entry.actor.name,
            entry.agency,
            entry.action,
            &entry.target,
            &entry.summary,
            &prev_hash,
        );
        sqlx::query(
            "INSERT INTO audit_log (id, at_ms, actor_id, actor, agency, action, target, summary, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(at_ms)
        .bind(entry.actor.user_id)
        .bind(&entry.actor.name)
        .bind(entry.agency)
        .bind(entry.action)
        .bind(&entry.target)
        .bind(&entry.summary)
        .bind(&prev_hash)
        .bind(&hash)
        .execute(&mut *$tx)
        .await?;
        sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE singleton = 1")
            .bind(&hash)
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(crate) use append_audit;

/// Which audit records to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only these agencies (slugs); `None` = all. An empty list matches nothing.
    pub agencies: Option<Vec<String>>,
    /// Actor name contains this text.
    pub actor: Option<String>,
    /// Exactly this action.
    pub action: Option<String>,
    /// On or after this day (China time).
    pub from: Option<NaiveDate>,
    /// On or before this day (China time).
    pub to: Option<NaiveDate>,
    /// Records with ids below this (for paging back).
    pub before_id: Option<i64>,
    /// At most this many, newest first.
    pub limit: i64,
}

type AuditRow = (
    i64,
    i64,
    Option<i64>,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
);

fn record(
    (id, at_ms, actor_id, actor, agency, action, target, summary, prev_hash, hash): AuditRow,
) -> AuditRecord {
    AuditRecord {
        id,
        at_ms,
        actor_id,
        actor,
        agency,
        action,
        target,
        summary,
        prev_hash,
        hash,
    }
}

/// Milliseconds at the start of a China civil day.
fn china_day_start_ms(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp_millis()
        - 8 * 3_600_000
}

impl Store {
    /// Audit records matching the filter, newest first.
    pub async fn audit_records(&self, f: &AuditFilter) -> Result<Vec<AuditRecord>, StoreError> {
        if f.agencies.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Vec::new());
        }
        let actor = f
            .actor
            .as_ref()
            .map(|a| format!("%{}%", a.replace(['\\', '%', '_'], "")));
        let rows: Vec<AuditRow> = on_pool!(self, |pool| {
            let mut q = QueryBuilder::new(
                "SELECT id, at_ms, actor_id, actor, agency, action, target, summary, prev_hash, hash \
                 FROM audit_log WHERE 1 = 1",
            );
            if let Some(agencies) = &f.agencies {
                q.push(" AND agency IN (");
                let mut list = q.separated(", ");
                for a in agencies {
                    list.push_bind(a);
                }
                list.push_unseparated(")");
            }
            if let Some(actor) = &actor {
                q.push(" AND actor LIKE ").push_bind(actor);
            }
            if let Some(action) = &f.action {
                q.push(" AND action = ").push_bind(action);
            }
            if let Some(from) = f.from {
                q.push(" AND at_ms >= ").push_bind(china_day_start_ms(from));
            }
            if let Some(to) = f.to {
                q.push(" AND at_ms < ")
                    .push_bind(china_day_start_ms(to) + 86_400_000);
            }
            if let Some(before) = f.before_id {
                q.push(" AND id < ").push_bind(before);
            }
            q.push(" ORDER BY id DESC LIMIT ")
                .push_bind(f.limit.clamp(1, 1000));
            q.build_query_as().fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(record).collect())
    }

    /// Walks the whole chain. `Ok(n)`: `n` records, intact; `Err`: the first break.
    pub async fn audit_verify(&self) -> Result<Result<i64, ChainBreak>, StoreError> {
        let (head_id, head_hash): (i64, String) = on_pool!(self, |pool| {
            sqlx::query_as("SELECT last_id, last_hash FROM audit_head WHERE singleton = 1")
                .fetch_one(pool)
                .await?
        });
        let mut records = Vec::new();
        let mut after = 0_i64;
        loop {
            let batch: Vec<AuditRow> = on_pool!(self, |pool| {
                sqlx::query_as(
                    "SELECT id, at_ms, actor_id, actor, agency, action, target, summary, prev_hash, hash \
                     FROM audit_log WHERE id > $1 ORDER BY id LIMIT 10000",
                )
                .bind(after)
                .fetch_all(pool)
                .await?
            });
            let Some(last) = batch.last() else { break };
            after = last.0;
            records.extend(batch.into_iter().map(record));
        }
        Ok(verify_chain(&records, (head_id, &head_hash)))
    }

    /// How many audit records exist (tests use it to prove a refused request changed nothing).
    pub async fn audit_count(&self) -> Result<i64, StoreError> {
        Ok(on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log"
        )
        .fetch_one(pool)
        .await?))
    }

    /// The newest audit record's id: every write appends one in its own transaction, so this
    /// number changes whenever anything in the database did, in whichever process. The portal's
    /// page cache keys its entries by it.
    pub async fn change_generation(&self) -> Result<i64, StoreError> {
        Ok(on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT COALESCE(MAX(id), 0) FROM audit_log"
        )
        .fetch_one(pool)
        .await?))
    }

    /// The distinct actions recorded so far, for the audit page's filter.
    pub async fn audit_actions(&self) -> Result<Vec<String>, StoreError> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_scalar("SELECT DISTINCT action FROM audit_log ORDER BY action")
                .fetch_all(pool)
                .await?
        }))
    }
}

/// The time of an audit record, for display (China time).
pub fn audit_time(at_ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(at_ms)
        .map(|t| {
            t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset"))
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

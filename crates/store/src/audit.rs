//! Writing and reading the audit trail. Every state change appends its record inside the change's own
//! transaction (`Store::write` calls [`append`]), so both commit or neither does.

use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;

use gongkai_core::audit::{
    Actor, AuditKey, AuditRecord, ChainBreak, Checkpoint, KEY_ACTION, Keyring, verify_chain,
};

use crate::db::{By, Tx, sql};
use crate::{Store, StoreError};

/// What a state change records about itself (the rules' own account of the decision).
pub use gongkai_core::audit::Entry as AuditEntry;

/// Appends one audit record inside the open transaction. Taking the chain head row first makes
/// concurrent appends queue, so the chain never forks.
/// The record's hash is keyed with `key` (HMAC) when the store has one, else a plain SHA-256.
pub(crate) async fn append(
    tx: &mut Tx,
    by: By<'_>,
    entry: &AuditEntry,
    key: Option<&AuditKey>,
) -> Result<(), StoreError> {
    let (id, prev_hash): (i64, String) = sql(
        "UPDATE audit_head SET last_id = last_id + 1 WHERE singleton = 1 RETURNING last_id, last_hash",
    )
    .one(&mut *tx)
    .await?;
    let mut record = AuditRecord {
        id,
        at_ms: by.ms(),
        actor_id: by.actor.user_id,
        actor: by.actor.name.clone(),
        agency: entry.agency.clone(),
        action: entry.action.to_owned(),
        target: entry.target.clone(),
        summary: entry.summary.clone(),
        prev_hash,
        hash: String::new(),
        key_id: None,
    };
    record.seal(key);
    sql("INSERT INTO audit_log (id, at_ms, actor_id, actor, agency, action, target, summary, prev_hash, hash, key_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
    .bind(record.id)
    .bind(record.at_ms)
    .bind(record.actor_id)
    .bind(&record.actor)
    .bind(&record.agency)
    .bind(&record.action)
    .bind(&record.target)
    .bind(&record.summary)
    .bind(&record.prev_hash)
    .bind(&record.hash)
    .bind(&record.key_id)
    .execute(&mut *tx)
    .await?;
    sql("UPDATE audit_head SET last_hash = $1 WHERE singleton = 1")
        .bind(&record.hash)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

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

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at_ms: i64,
    actor_id: Option<i64>,
    actor: String,
    agency: Option<String>,
    action: String,
    target: String,
    summary: String,
    prev_hash: String,
    hash: String,
    key_id: Option<String>,
}

impl From<AuditRow> for AuditRecord {
    fn from(r: AuditRow) -> Self {
        Self {
            id: r.id,
            at_ms: r.at_ms,
            actor_id: r.actor_id,
            actor: r.actor,
            agency: r.agency,
            action: r.action,
            target: r.target,
            summary: r.summary,
            prev_hash: r.prev_hash,
            hash: r.hash,
            key_id: r.key_id,
        }
    }
}

const RECORD_SELECT: &str = "SELECT id, at_ms, actor_id, actor, agency, action, target, summary, prev_hash, hash, \
     key_id FROM audit_log";

/// Milliseconds at the start of a China civil day.
fn china_day_start_ms(d: NaiveDate) -> i64 {
    gongkai_core::clock::china_day_start(d).timestamp_millis()
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
        let mut q = sql(format!("{RECORD_SELECT} WHERE 1 = 1"));
        if let Some(agencies) = &f.agencies {
            q = q.push(" AND agency IN (");
            for (i, a) in agencies.iter().enumerate() {
                q = q.push(if i == 0 { "" } else { ", " }).push_bind(a);
            }
            q = q.push(")");
        }
        if let Some(actor) = &actor {
            q = q.push(" AND actor LIKE ").push_bind(actor);
        }
        if let Some(action) = &f.action {
            q = q.push(" AND action = ").push_bind(action);
        }
        if let Some(from) = f.from {
            q = q.push(" AND at_ms >= ").push_bind(china_day_start_ms(from));
        }
        if let Some(to) = f.to {
            q = q
                .push(" AND at_ms < ")
                .push_bind(china_day_start_ms(to) + 86_400_000);
        }
        if let Some(before) = f.before_id {
            q = q.push(" AND id < ").push_bind(before);
        }
        let rows: Vec<AuditRow> = q
            .push(" ORDER BY id DESC LIMIT ")
            .push_bind(f.limit.clamp(1, 1000))
            .all(self)
            .await?;
        Ok(rows.into_iter().map(AuditRecord::from).collect())
    }

    /// Walks the whole chain with the store's keys, against `checkpoints` published before (from
    /// a file or the portal) and those the database holds. `Ok(n)`: `n` records, intact; `Err`:
    /// the first break.
    pub async fn audit_verify(
        &self,
        checkpoints: &[Checkpoint],
    ) -> Result<Result<i64, ChainBreak>, StoreError> {
        let (head_id, head_hash): (i64, String) =
            sql("SELECT last_id, last_hash FROM audit_head WHERE singleton = 1")
                .one(self)
                .await?;
        let mut records = Vec::new();
        let mut after = 0_i64;
        loop {
            let batch: Vec<AuditRow> = sql(format!(
                "{RECORD_SELECT} WHERE id > $1 ORDER BY id LIMIT 10000"
            ))
            .bind(after)
            .all(self)
            .await?;
            let Some(last) = batch.last() else { break };
            after = last.id;
            records.extend(batch.into_iter().map(AuditRecord::from));
        }
        let mut all = checkpoints.to_vec();
        all.extend(self.checkpoints().await?);
        Ok(verify_chain(
            &records,
            (head_id, &head_hash),
            &self.keys,
            &all,
        ))
    }

    /// Uses `keys` for the audit chain from now on (the last is the one records are keyed
    /// with), first recording the key's introduction if the chain does not have it yet — the
    /// record that makes a rewrite without the key visible.
    pub async fn with_audit_keys(
        mut self,
        keys: Keyring,
        now: DateTime<Utc>,
    ) -> Result<Self, StoreError> {
        self.keys = Arc::new(keys);
        if let Some(key) = self.keys.current() {
            let id = key.id().to_owned();
            let introduced: Option<i64> =
                sql("SELECT id FROM audit_log WHERE action = $1 AND summary LIKE $2 LIMIT 1")
                    .bind(KEY_ACTION)
                    .bind(format!("%{id}%"))
                    .scalar_opt(&self)
                    .await?;
            if introduced.is_none() {
                let system = Actor::system("审计密钥");
                let entry = AuditEntry::new(
                    None,
                    KEY_ACTION,
                    "audit",
                    format!("启用审计密钥 {id}（密钥保存在数据库之外）"),
                );
                self.write(By::new(&system, now), entry, async |_| Ok(()))
                    .await?;
            }
        }
        Ok(self)
    }

    /// The store with `keys` to verify the chain with, none of them brought into use: nothing is
    /// written, not even the record [`with_audit_keys`](Self::with_audit_keys) adds for a new
    /// key. For `gongkai audit verify`, which must leave the database it checks (often a backup)
    /// as it found it.
    #[must_use]
    pub fn verifying_with(mut self, keys: Keyring) -> Self {
        self.keys = Arc::new(keys);
        self
    }

    /// The key new records are keyed with, if any.
    pub(crate) fn audit_key(&self) -> Option<&AuditKey> {
        self.keys.current()
    }

    /// Signs the chain head as it is now and keeps the checkpoint (the caller also writes it
    /// outside the database); `None` without a key or records.
    pub async fn make_checkpoint(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Option<Checkpoint>, StoreError> {
        let Some(key) = self.keys.current() else {
            return Ok(None);
        };
        let (id, hash): (i64, String) =
            sql("SELECT last_id, last_hash FROM audit_head WHERE singleton = 1")
                .one(self)
                .await?;
        if id == 0 {
            return Ok(None);
        }
        let c = Checkpoint::sign(key, id, &hash, now.timestamp_millis());
        sql("INSERT INTO audit_checkpoints (record_id, hash, at_ms, key_id, mac) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (record_id, at_ms) DO NOTHING")
        .bind(c.record_id)
        .bind(&c.hash)
        .bind(c.at_ms)
        .bind(&c.key_id)
        .bind(&c.mac)
        .execute(self)
        .await?;
        Ok(Some(c))
    }

    /// The checkpoints kept in the database, newest first (the portal publishes them).
    pub async fn checkpoints(&self) -> Result<Vec<Checkpoint>, StoreError> {
        let rows: Vec<(i64, String, i64, String, String)> = sql(
            "SELECT record_id, hash, at_ms, key_id, mac FROM audit_checkpoints ORDER BY at_ms DESC, record_id DESC",
        )
        .all(self)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(record_id, hash, at_ms, key_id, mac)| Checkpoint {
                record_id,
                hash,
                at_ms,
                key_id,
                mac,
            })
            .collect())
    }

    /// How many audit records exist (tests use it to prove a refused request changed nothing).
    pub async fn audit_count(&self) -> Result<i64, StoreError> {
        sql("SELECT COUNT(*) FROM audit_log").scalar(self).await
    }

    /// The newest audit record's id: every write appends one in its own transaction, so this
    /// number changes whenever anything in the database did, in whichever process. The portal's
    /// page cache keys its entries by it.
    pub async fn change_generation(&self) -> Result<i64, StoreError> {
        // On the calling thread where it can be: with the page cache off, every public page reads
        // it once or more.
        let rows: Vec<Newest> = sql("SELECT COALESCE(MAX(id), 0) AS id FROM audit_log")
            .all_direct(self)
            .await?;
        Ok(rows.first().map_or(0, |r| r.id))
    }

    /// The distinct actions recorded so far, for the audit page's filter.
    pub async fn audit_actions(&self) -> Result<Vec<String>, StoreError> {
        sql("SELECT DISTINCT action FROM audit_log ORDER BY action")
            .scalars(self)
            .await
    }
}

/// The time of an audit record, for display (China time).
pub fn audit_time(at_ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(at_ms)
        .map(gongkai_core::clock::china_second)
        .unwrap_or_default()
}

/// The newest audit id ([`Store::change_generation`]).
#[derive(sqlx::FromRow)]
struct Newest {
    id: i64,
}

crate::direct::direct_row!(Newest { id });

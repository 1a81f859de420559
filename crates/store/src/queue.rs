//! Outbound work (mail in the outbox, channel deliveries) as a queue several servers share. A
//! worker *claims* due rows before doing them: the claim names the worker and lasts until its
//! lease runs out, so no two processes work on one row at a time, and a process killed mid-send
//! loses its claims when their leases expire and another resumes the work. On PostgreSQL claiming
//! skips rows another transaction holds (`FOR UPDATE SKIP LOCKED`); SQLite runs one writer at a
//! time, so the same single statement is enough there.

use crate::db::sql;
use crate::{Backend, Store, StoreError};

/// A table of outbound work: rows due at `next_ms`, done when `done` is set.
pub(crate) struct Queue {
    table: &'static str,
    done: &'static str,
}

/// The e-mail outbox.
pub(crate) const OUTBOX: Queue = Queue {
    table: "outbox",
    done: "sent_ms",
};

/// Deliveries of published items to channels.
pub(crate) const DELIVERIES: Queue = Queue {
    table: "deliveries",
    done: "done_ms",
};

impl Queue {
    /// Claims up to `limit` rows due at `now_ms` and not claimed by a live lease, for `worker`
    /// until `until_ms`; their ids, in the order they fell due.
    pub(crate) async fn claim(
        &self,
        store: &Store,
        worker: &str,
        now_ms: i64,
        until_ms: i64,
        limit: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let Queue { table, done } = self;
        let skip_locked = match store.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let mut claimed: Vec<(i64, i64)> = sql(format!(
            "UPDATE {table} SET claimed_by = $1, claimed_until_ms = $2 WHERE id IN ( \
             SELECT id FROM {table} WHERE {done} IS NULL AND next_ms <= $3 \
             AND (claimed_until_ms IS NULL OR claimed_until_ms < $3) \
             ORDER BY next_ms, id LIMIT $4{skip_locked}) RETURNING next_ms, id"
        ))
        .bind(worker)
        .bind(until_ms)
        .bind(now_ms)
        .bind(limit)
        .all(store)
        .await?;
        claimed.sort_unstable();
        Ok(claimed.into_iter().map(|(_, id)| id).collect())
    }

    /// Marks a claimed row done at `now_ms`; `false` if the worker's claim was lost (its lease ran
    /// out and another worker took the row).
    pub(crate) async fn done(
        &self,
        store: &Store,
        id: i64,
        worker: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let Queue { table, done } = self;
        let n = sql(format!(
            "UPDATE {table} SET {done} = $1, attempts = attempts + 1, last_error = NULL, \
             claimed_by = NULL, claimed_until_ms = NULL WHERE id = $2 AND claimed_by = $3"
        ))
        .bind(now_ms)
        .bind(id)
        .bind(worker)
        .execute(store)
        .await?;
        Ok(n > 0)
    }

    /// Records a failed attempt of a claimed row, releases it and sets when to try again.
    pub(crate) async fn failed(
        &self,
        store: &Store,
        id: i64,
        worker: &str,
        error: &str,
        next_ms: i64,
    ) -> Result<bool, StoreError> {
        let table = self.table;
        let n = sql(format!(
            "UPDATE {table} SET attempts = attempts + 1, last_error = $1, next_ms = $2, \
             claimed_by = NULL, claimed_until_ms = NULL WHERE id = $3 AND claimed_by = $4"
        ))
        .bind(error)
        .bind(next_ms)
        .bind(id)
        .bind(worker)
        .execute(store)
        .await?;
        Ok(n > 0)
    }

    /// Extends a claim the worker still holds until `until_ms` (a long delivery step by step).
    pub(crate) async fn renew(
        &self,
        store: &Store,
        id: i64,
        worker: &str,
        until_ms: i64,
    ) -> Result<bool, StoreError> {
        let table = self.table;
        let n = sql(format!(
            "UPDATE {table} SET claimed_until_ms = $1 WHERE id = $2 AND claimed_by = $3"
        ))
        .bind(until_ms)
        .bind(id)
        .bind(worker)
        .execute(store)
        .await?;
        Ok(n > 0)
    }
}

impl Store {
    /// Takes the lease `name` for `holder` until `until_ms` if nobody holds it at `now_ms` (or
    /// `holder` already does); whether it was taken. For work only one server may do at a time.
    pub async fn take_lease(
        &self,
        name: &str,
        holder: &str,
        now_ms: i64,
        until_ms: i64,
    ) -> Result<bool, StoreError> {
        let taken: Option<String> = sql(
            "INSERT INTO leases (name, holder, until_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms \
             WHERE leases.until_ms < $4 OR leases.holder = excluded.holder RETURNING holder",
        )
        .bind(name)
        .bind(holder)
        .bind(until_ms)
        .bind(now_ms)
        .scalar_opt(self)
        .await?;
        Ok(taken.is_some())
    }
}

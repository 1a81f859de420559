//! Counted events for limits every server on the database shares (failed sign-ins, requests and
//! messages from the public, evaluations): one row per event by bucket and subject. A subject that
//! names a visitor is [`Store::keyed`] — a keyed hash of their address — never the address itself.

use chrono::{DateTime, Utc};

use crate::db::sql;
use crate::{Store, StoreError};

/// How often a subject was counted in a bucket since a moment, and when last.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hits {
    /// Events counted.
    pub count: i64,
    /// The latest one.
    pub last: Option<DateTime<Utc>>,
}

impl Store {
    /// A keyed hash of `text` (a visitor's address, say): HMAC under the audit key when the store
    /// has one, so the stored value cannot be reversed by trying every address; else SHA-256.
    pub fn keyed(&self, purpose: &str, text: &str) -> String {
        let text = format!("{purpose}|{text}");
        self.audit_key().map_or_else(
            || gongkai_core::auth::sha256_hex(text.as_bytes()),
            |k| k.mac(&text),
        )
    }

    /// Counts an event of `subject` in `bucket` at `now`.
    pub async fn record_hit(
        &self,
        bucket: &str,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sql("INSERT INTO rate_hits (bucket, subject, at_ms) VALUES ($1, $2, $3)")
            .bind(bucket)
            .bind(subject)
            .bind(now.timestamp_millis())
            .execute(self)
            .await?;
        Ok(())
    }

    /// The events of `subject` in `bucket` since `since`.
    pub async fn hits(
        &self,
        bucket: &str,
        subject: &str,
        since: DateTime<Utc>,
    ) -> Result<Hits, StoreError> {
        let (count, last): (i64, Option<i64>) = sql(
            "SELECT COUNT(*), MAX(at_ms) FROM rate_hits WHERE bucket = $1 AND subject = $2 AND at_ms >= $3",
        )
        .bind(bucket)
        .bind(subject)
        .bind(since.timestamp_millis())
        .one(self)
        .await?;
        Ok(Hits {
            count,
            last: last.and_then(DateTime::from_timestamp_millis),
        })
    }

    /// Counts an event of `subject` in `bucket` at `now` only if fewer than `limit` were counted
    /// since `since`; whether it was. One transaction, so servers racing on the same subject
    /// cannot pass the limit together.
    pub async fn take_hit(
        &self,
        bucket: &str,
        subject: &str,
        now: DateTime<Utc>,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        // Serialise takers of one subject on PostgreSQL (SQLite has one writer at a time).
        if self.backend() == crate::Backend::Postgres {
            sql("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind(format!("{bucket}|{subject}"))
                .execute(&mut tx)
                .await?;
        }
        let count: i64 = sql(
            "SELECT COUNT(*) FROM rate_hits WHERE bucket = $1 AND subject = $2 AND at_ms >= $3",
        )
        .bind(bucket)
        .bind(subject)
        .bind(since.timestamp_millis())
        .scalar(&mut tx)
        .await?;
        let taken = count < limit;
        if taken {
            sql("INSERT INTO rate_hits (bucket, subject, at_ms) VALUES ($1, $2, $3)")
                .bind(bucket)
                .bind(subject)
                .bind(now.timestamp_millis())
                .execute(&mut tx)
                .await?;
        }
        tx.commit().await?;
        Ok(taken)
    }

    /// Forgets a subject's events in a bucket (a sign-in that succeeded).
    pub async fn clear_hits(&self, bucket: &str, subject: &str) -> Result<(), StoreError> {
        sql("DELETE FROM rate_hits WHERE bucket = $1 AND subject = $2")
            .bind(bucket)
            .bind(subject)
            .execute(self)
            .await?;
        Ok(())
    }

    /// Removes events older than `before` (the retention period); how many.
    pub async fn purge_hits(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        sql("DELETE FROM rate_hits WHERE at_ms < $1")
            .bind(before.timestamp_millis())
            .execute(self)
            .await
    }
}

/// The bucket of failed sign-ins.
const SIGN_IN: &str = "sign-in";

impl Store {
    /// Records a failed sign-in against each subject.
    pub async fn record_login_failure(
        &self,
        subjects: &[String],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        for s in subjects {
            self.record_hit(SIGN_IN, s, now).await?;
        }
        Ok(())
    }

    /// Failed sign-ins of a subject since a time.
    pub async fn count_login_failures(
        &self,
        subject: &str,
        since: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(self.hits(SIGN_IN, subject, since).await?.count)
    }

    /// Forgets a subject's failures (after a successful sign-in).
    pub async fn clear_login_failures(&self, subject: &str) -> Result<(), StoreError> {
        self.clear_hits(SIGN_IN, subject).await
    }
}

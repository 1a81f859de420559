//! Server-side sessions. They live in the database so several server processes share them; only a
//! hash of each session id is stored.

use chrono::{DateTime, Utc};
use gongkai_core::audit::Actor;

use crate::audit::AuditEntry;
use crate::db::{By, Millis, sql};
use crate::{Store, StoreError};

/// A session being started.
#[derive(Debug, Clone, Copy)]
pub struct NewSession<'a> {
    /// Whose.
    pub user_id: i64,
    /// SHA-256 of the new session id.
    pub id_hash: &'a str,
    /// The token forms must echo.
    pub csrf_token: &'a str,
    /// Hash of a session the browser presented, which ends here (no id survives a sign-in).
    pub replaces: Option<&'a str>,
    /// The client address, for the audit trail.
    pub address: &'a str,
}

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Whose.
    pub user_id: i64,
    /// The token forms must echo.
    pub csrf_token: String,
    /// Sign-in time.
    pub created: DateTime<Utc>,
    /// Last request.
    pub last_seen: DateTime<Utc>,
}

impl Store {
    /// Starts a session (sign-in). `replaces` is the hash of a session the browser presented, which
    /// ends here so a session id never survives a sign-in (fixation).
    pub async fn create_session(
        &self,
        session: &NewSession<'_>,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let NewSession {
            user_id,
            id_hash,
            csrf_token,
            replaces,
            address,
        } = *session;
        let entry = AuditEntry {
            agency: None,
            action: "session.sign_in",
            target: format!("user:{user_id}"),
            summary: format!("登录，来源地址 {address}"),
        };
        self.write(by, entry, async |tx| {
            if let Some(old) = replaces {
                sql("DELETE FROM sessions WHERE id_hash = $1")
                    .bind(old)
                    .execute(&mut *tx)
                    .await?;
            }
            sql(
                "INSERT INTO sessions (id_hash, user_id, csrf_token, created_ms, last_seen_ms) VALUES ($1, $2, $3, $4, $4)",
            )
            .bind(id_hash)
            .bind(user_id)
            .bind(csrf_token)
            .bind(by.ms())
            .execute(&mut *tx)
            .await?;
            Ok(())
})
        .await
    }

    /// The session with this id hash.
    pub async fn find_session(&self, id_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row: Option<(i64, String, Millis, Millis)> = sql(
            "SELECT user_id, csrf_token, created_ms, last_seen_ms FROM sessions WHERE id_hash = $1",
        )
        .bind(id_hash)
        .optional(self)
        .await?;
        Ok(row.map(
            |(user_id, csrf_token, Millis(created), Millis(last_seen))| SessionRecord {
                user_id,
                csrf_token,
                created,
                last_seen,
            },
        ))
    }

    /// Records activity on a session (idle timeout counts from here).
    pub async fn touch_session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        sql("UPDATE sessions SET last_seen_ms = $1 WHERE id_hash = $2")
            .bind(now.timestamp_millis())
            .bind(id_hash)
            .execute(self)
            .await?;
        Ok(())
    }

    /// Ends a session: sign-out (audited when `actor` is given) or expiry.
    pub async fn delete_session(
        &self,
        id_hash: &str,
        actor: Option<&Actor>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let by = actor.map(|a| By::new(a, now));
        let system = Actor::system("会话");
        self.write_with(by.unwrap_or(By::new(&system, now)), async |tx| {
            let n = sql("DELETE FROM sessions WHERE id_hash = $1")
                .bind(id_hash)
                .execute(&mut *tx)
                .await?;
            if let Some(actor) = actor
                && n > 0
            {
                let entry = AuditEntry {
                    agency: None,
                    action: "session.sign_out",
                    target: format!("user:{}", actor.user_id.unwrap_or_default()),
                    summary: "退出登录".to_owned(),
                };
                return Ok(((), Some(entry)));
            }
            Ok(((), None))
        })
        .await
    }

    /// Removes sessions idle since `idle_before` or started before `started_before`.
    pub async fn purge_sessions(
        &self,
        idle_before: DateTime<Utc>,
        started_before: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        sql("DELETE FROM sessions WHERE last_seen_ms < $1 OR created_ms < $2")
            .bind(idle_before.timestamp_millis())
            .bind(started_before.timestamp_millis())
            .execute(self)
            .await
    }
}

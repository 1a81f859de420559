//! Users, their roles per agency, server-side sessions and sign-in throttling. Sessions live in the
//! database so several server processes share them; only a hash of each session id is stored.

use chrono::{DateTime, Utc};
use gongkai_core::Slug;
use gongkai_core::audit::Actor;
use gongkai_core::auth::{Grant, Principal, Role};

use crate::audit::AuditEntry;
use crate::db::{By, sql};
use crate::{Store, StoreError};

/// A user as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct User {
    /// Database id.
    pub id: i64,
    /// Login name (lower case).
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Manages everything.
    pub is_system_admin: bool,
    /// Must choose a new password at next sign-in (after a reset or a first password).
    pub must_change_password: bool,
    /// Cannot sign in.
    pub disabled: bool,
    /// Where notifications go, if set.
    pub email: Option<String>,
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name, already validated.
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// Argon2id hash of the first password.
    pub password_hash: String,
    /// System administrator.
    pub is_system_admin: bool,
    /// Must change the password at first sign-in.
    pub must_change_password: bool,
}

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

const USER_COLUMNS: &str = "id, username, display_name, password_hash, is_system_admin, must_change_password, disabled, email";

fn ms_time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

impl Store {
    /// Creates an account and returns its id.
    pub async fn create_user(&self, user: &NewUser, by: By<'_>) -> Result<i64, StoreError> {
        let entry = AuditEntry {
            agency: None,
            action: "user.create",
            target: format!("user:{}", user.username),
            summary: format!(
                "{}（{}）{}",
                user.display_name,
                user.username,
                if user.is_system_admin {
                    "，系统管理员"
                } else {
                    ""
                }
            ),
        };
        self.write(by, entry, async |tx| {
            let id: i64 = sql(
                "INSERT INTO users (username, display_name, password_hash, is_system_admin, must_change_password, disabled, created_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(&user.username)
            .bind(&user.display_name)
            .bind(&user.password_hash)
            .bind(user.is_system_admin)
            .bind(user.must_change_password)
            .bind(false)
            .bind(by.ms())
            .scalar(&mut *tx)
            .await
            .map_err(|e| StoreError::conflict_as(e, || format!("用户名“{}”已被使用", user.username)))?;
            Ok(id)
})
        .await
    }

    /// How many accounts exist (the first `serve` creates an administrator when there are none).
    pub async fn count_users(&self) -> Result<i64, StoreError> {
        sql("SELECT COUNT(*) FROM users").scalar(self).await
    }

    /// The account with this login name.
    pub async fn find_user_by_username(&self, username: &str) -> Result<Option<User>, StoreError> {
        let query = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        sql(&query).bind(username).optional(self).await
    }

    /// The account with this id.
    pub async fn find_user(&self, id: i64) -> Result<Option<User>, StoreError> {
        let query = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        sql(&query).bind(id).optional(self).await
    }

    /// Every account, by login name.
    pub async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let query = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
        sql(&query).all(self).await
    }

    /// Every grant, as (user id, grant), for listing.
    pub async fn all_grants(&self) -> Result<Vec<(i64, Grant)>, StoreError> {
        let rows: Vec<(i64, String, String)> = sql(
                "SELECT r.user_id, a.slug, r.role FROM user_roles r JOIN agencies a ON a.id = r.agency_id \
                 ORDER BY a.id, r.role",
            )
            .all(self)
            .await?;
        rows.into_iter()
            .map(|(user, slug, role)| {
                let agency = Slug::parse(&slug).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let role = role
                    .parse::<Role>()
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok((user, Grant { agency, role }))
            })
            .collect()
    }

    /// A user's grants.
    pub async fn grants_of(&self, user_id: i64) -> Result<Vec<Grant>, StoreError> {
        Ok(self
            .all_grants()
            .await?
            .into_iter()
            .filter(|(u, _)| *u == user_id)
            .map(|(_, g)| g)
            .collect())
    }

    /// The user as permission checks see them, if the account exists and is enabled.
    pub async fn principal(&self, user_id: i64) -> Result<Option<Principal>, StoreError> {
        let Some(user) = self.find_user(user_id).await?.filter(|u| !u.disabled) else {
            return Ok(None);
        };
        let rows: Vec<(String, String)> = sql(
            "SELECT a.slug, r.role FROM user_roles r JOIN agencies a ON a.id = r.agency_id \
                 WHERE r.user_id = $1 ORDER BY a.id, r.role",
        )
        .bind(user_id)
        .all(self)
        .await?;
        let grants = rows
            .into_iter()
            .map(|(slug, role)| {
                Ok(Grant {
                    agency: Slug::parse(&slug).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    role: role.parse().map_err(|e: gongkai_core::auth::UnknownRole| {
                        StoreError::Corrupt(e.to_string())
                    })?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Some(Principal {
            user_id: user.id,
            username: user.username,
            display_name: user.display_name,
            is_system_admin: user.is_system_admin,
            grants,
        }))
    }

    /// Gives `role` in `agency` to a user (nothing changes if already held).
    pub async fn grant_role(
        &self,
        user_id: i64,
        agency: &Slug,
        role: Role,
        by: By<'_>,
    ) -> Result<bool, StoreError> {
        let agency_id = self.agency_id(agency).await?;
        let user = self
            .find_user(user_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("用户".to_owned()))?;
        let entry = AuditEntry {
            agency: Some(agency.as_str().to_string()),
            action: "role.grant",
            target: format!("user:{}", user.username),
            summary: format!("授予{}", role.label()),
        };
        self.write_with(by, async |tx| {
            let inserted = sql(
                "INSERT INTO user_roles (user_id, agency_id, role, granted_ms) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (user_id, agency_id, role) DO NOTHING",
            )
            .bind(user_id)
            .bind(agency_id)
            .bind(role.key())
            .bind(by.ms())
            .execute(&mut *tx)
            .await?
                > 0;
            Ok((inserted, inserted.then_some(entry)))
        })
        .await
    }

    /// Takes `role` in `agency` from a user; returns whether it was held.
    pub async fn revoke_role(
        &self,
        user_id: i64,
        agency: &Slug,
        role: Role,
        by: By<'_>,
    ) -> Result<bool, StoreError> {
        let agency_id = self.agency_id(agency).await?;
        let user = self
            .find_user(user_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("用户".to_owned()))?;
        let entry = AuditEntry {
            agency: Some(agency.as_str().to_string()),
            action: "role.revoke",
            target: format!("user:{}", user.username),
            summary: format!("撤销{}", role.label()),
        };
        self.write_with(by, async |tx| {
            let deleted =
                sql("DELETE FROM user_roles WHERE user_id = $1 AND agency_id = $2 AND role = $3")
                    .bind(user_id)
                    .bind(agency_id)
                    .bind(role.key())
                    .execute(&mut *tx)
                    .await?
                    > 0;
            Ok((deleted, deleted.then_some(entry)))
        })
        .await
    }

    /// Sets a new password hash and ends every session of the user except `keep` (the session that
    /// changed it, if the user changed their own).
    pub async fn set_password(
        &self,
        user_id: i64,
        password_hash: &str,
        must_change: bool,
        keep: Option<&str>,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let user = self
            .find_user(user_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("用户".to_owned()))?;
        let own = by.actor.user_id == Some(user_id);
        let entry = AuditEntry {
            agency: None,
            action: if own {
                "user.password_change"
            } else {
                "user.password_reset"
            },
            target: format!("user:{}", user.username),
            summary: if own {
                "本人修改密码".to_owned()
            } else {
                "管理员重置密码，须在下次登录时修改".to_owned()
            },
        };
        self.write(by, entry, async |tx| {
            sql("UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3")
                .bind(password_hash)
                .bind(must_change)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            sql("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
                .bind(user_id)
                .bind(keep.unwrap_or(""))
                .execute(&mut *tx)
                .await?;
            Ok(())
        })
        .await
    }

    /// Disables or enables an account; disabling ends its sessions.
    pub async fn set_disabled(
        &self,
        user_id: i64,
        disabled: bool,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let user = self
            .find_user(user_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("用户".to_owned()))?;
        let entry = AuditEntry {
            agency: None,
            action: if disabled {
                "user.disable"
            } else {
                "user.enable"
            },
            target: format!("user:{}", user.username),
            summary: if disabled {
                "停用账号".to_owned()
            } else {
                "启用账号".to_owned()
            },
        };
        self.write(by, entry, async |tx| {
            sql("UPDATE users SET disabled = $1 WHERE id = $2")
                .bind(disabled)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            if disabled {
                sql("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok(())
        })
        .await
    }

    /// Sets (or clears) the address where a staff member's notifications go.
    pub async fn set_user_email(
        &self,
        user_id: i64,
        email: Option<&str>,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let user = self
            .find_user(user_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("用户".to_owned()))?;
        let entry = AuditEntry {
            agency: None,
            action: "user.email",
            target: format!("user:{}", user.username),
            summary: if email.is_some() {
                "设置通知邮箱".to_owned()
            } else {
                "清除通知邮箱".to_owned()
            },
        };
        self.write(by, entry, async |tx| {
            sql("UPDATE users SET email = $1 WHERE id = $2")
                .bind(email)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            Ok(())
        })
        .await
    }

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
        let row: Option<(i64, String, i64, i64)> = sql(
            "SELECT user_id, csrf_token, created_ms, last_seen_ms FROM sessions WHERE id_hash = $1",
        )
        .bind(id_hash)
        .optional(self)
        .await?;
        Ok(row.map(|(user_id, csrf_token, c, l)| SessionRecord {
            user_id,
            csrf_token,
            created: ms_time(c),
            last_seen: ms_time(l),
        }))
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

    /// Records a failed sign-in against each subject (`user:NAME`, `ip:ADDRESS`), and forgets
    /// failures older than a day.
    pub async fn record_login_failure(
        &self,
        subjects: &[String],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let ms = now.timestamp_millis();
        let system = Actor::system("登录失败记录");
        self.write_with(By::new(&system, now), async |tx| {
            for s in subjects {
                sql("INSERT INTO login_failures (subject, at_ms) VALUES ($1, $2)")
                    .bind(s)
                    .bind(ms)
                    .execute(&mut *tx)
                    .await?;
            }
            sql("DELETE FROM login_failures WHERE at_ms < $1")
                .bind(ms - 86_400_000)
                .execute(&mut *tx)
                .await?;
            Ok(((), None))
        })
        .await
    }

    /// Failed sign-ins of a subject since a time.
    pub async fn count_login_failures(
        &self,
        subject: &str,
        since: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        sql("SELECT COUNT(*) FROM login_failures WHERE subject = $1 AND at_ms >= $2")
            .bind(subject)
            .bind(since.timestamp_millis())
            .scalar(self)
            .await
    }

    /// Forgets a subject's failures (after a successful sign-in).
    pub async fn clear_login_failures(&self, subject: &str) -> Result<(), StoreError> {
        sql("DELETE FROM login_failures WHERE subject = $1")
            .bind(subject)
            .execute(self)
            .await?;
        Ok(())
    }
}

//! Users and their roles per agency; sessions and sign-in throttling are in [`sessions`].

use gongkai_core::Slug;
use gongkai_core::auth::{Grant, Principal, Role};

use crate::audit::AuditEntry;
use crate::db::{By, Sql, sql};
use crate::{Store, StoreError};

mod sessions;

pub use sessions::{NewSession, SessionRecord};

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

const USER_COLUMNS: &str = "id, username, display_name, password_hash, is_system_admin, must_change_password, disabled, email";

/// What [`Store::change_role`] does with a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleChange {
    /// Gives it.
    Grant,
    /// Takes it away.
    Revoke,
}

impl Store {
    /// Creates an account and returns its id.
    pub async fn create_user(&self, user: &NewUser, by: By<'_>) -> Result<i64, StoreError> {
        let entry = AuditEntry::new(
            None,
            "user.create",
            format!("user:{}", user.username),
            format!(
                "{}（{}）{}",
                user.display_name,
                user.username,
                if user.is_system_admin {
                    "，系统管理员"
                } else {
                    ""
                }
            ),
        );
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

    /// The account with this id, which must exist.
    pub async fn user(&self, id: i64) -> Result<User, StoreError> {
        self.find_user(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("用户".to_owned()))
    }

    /// Every account, by login name.
    pub async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let query = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
        sql(&query).all(self).await
    }

    /// Every grant, as (user id, grant), for listing.
    pub async fn all_grants(&self) -> Result<Vec<(i64, Grant)>, StoreError> {
        self.grants_where("", None).await
    }

    /// A user's grants.
    pub async fn grants_of(&self, user_id: i64) -> Result<Vec<Grant>, StoreError> {
        Ok(self
            .grants_where("WHERE r.user_id = $1", Some(user_id))
            .await?
            .into_iter()
            .map(|(_, g)| g)
            .collect())
    }

    async fn grants_where(
        &self,
        filter: &str,
        user_id: Option<i64>,
    ) -> Result<Vec<(i64, Grant)>, StoreError> {
        let mut q = sql(format!(
            "SELECT r.user_id, a.slug, r.role FROM user_roles r JOIN agencies a ON a.id = r.agency_id \
             {filter} ORDER BY a.id, r.role"
        ));
        if let Some(id) = user_id {
            q = q.bind(id);
        }
        let rows: Vec<(i64, String, String)> = q.all(self).await?;
        rows.into_iter()
            .map(|(user, slug, role)| {
                let corrupt = |e: &dyn std::fmt::Display| StoreError::Corrupt(e.to_string());
                let agency = Slug::parse(&slug).map_err(|e| corrupt(&e))?;
                let role = role.parse::<Role>().map_err(|e| corrupt(&e))?;
                Ok((user, Grant { agency, role }))
            })
            .collect()
    }

    /// The user as permission checks see them, if the account exists and is enabled.
    pub async fn principal(&self, user_id: i64) -> Result<Option<Principal>, StoreError> {
        let Some(user) = self.find_user(user_id).await?.filter(|u| !u.disabled) else {
            return Ok(None);
        };
        Ok(Some(Principal {
            grants: self.grants_of(user_id).await?,
            user_id: user.id,
            username: user.username,
            display_name: user.display_name,
            is_system_admin: user.is_system_admin,
        }))
    }

    /// Gives (`Grant`) or takes (`Revoke`) `role` in `agency`; returns whether anything changed
    /// (a role already held, or not held, changes nothing and records nothing).
    pub async fn change_role(
        &self,
        user_id: i64,
        agency: &Slug,
        role: Role,
        change: RoleChange,
        by: By<'_>,
    ) -> Result<bool, StoreError> {
        let grant = change == RoleChange::Grant;
        let agency_id = self.agency_id(agency).await?;
        let user = self.user(user_id).await?;
        let (action, verb, statement) = if grant {
            (
                "role.grant",
                "授予",
                "INSERT INTO user_roles (user_id, agency_id, role, granted_ms) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (user_id, agency_id, role) DO NOTHING",
            )
        } else {
            (
                "role.revoke",
                "撤销",
                "DELETE FROM user_roles WHERE user_id = $1 AND agency_id = $2 AND role = $3",
            )
        };
        let entry = AuditEntry::new(
            Some(agency.as_str()),
            action,
            format!("user:{}", user.username),
            format!("{verb}{}", role.label()),
        );
        self.write_with(by, async |tx| {
            let mut q = sql(statement)
                .bind(user_id)
                .bind(agency_id)
                .bind(role.key());
            if grant {
                q = q.bind(by.ms());
            }
            let changed = q.execute(&mut *tx).await? > 0;
            Ok((changed, changed.then_some(entry)))
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
        let (action, summary) = if by.actor.user_id == Some(user_id) {
            ("user.password_change", "本人修改密码")
        } else {
            ("user.password_reset", "管理员重置密码，须在下次登录时修改")
        };
        let update =
            sql("UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3")
                .bind(password_hash)
                .bind(must_change);
        self.change_user(
            user_id,
            (action, summary),
            update,
            Some(keep.unwrap_or("")),
            by,
        )
        .await
    }

    /// Disables or enables an account; disabling ends its sessions.
    pub async fn set_disabled(
        &self,
        user_id: i64,
        disabled: bool,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let audit = if disabled {
            ("user.disable", "停用账号")
        } else {
            ("user.enable", "启用账号")
        };
        let update = sql("UPDATE users SET disabled = $1 WHERE id = $2").bind(disabled);
        self.change_user(user_id, audit, update, disabled.then_some(""), by)
            .await
    }

    /// Changes one account with `update` (whose last placeholder is the user's id), recorded as
    /// `(action, summary)`; with `end_sessions`, every session of the account ends but the one
    /// with that hash.
    async fn change_user(
        &self,
        user_id: i64,
        (action, summary): (&'static str, &str),
        update: Sql<'_>,
        end_sessions: Option<&str>,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let user = self.user(user_id).await?;
        let entry = AuditEntry::new(None, action, format!("user:{}", user.username), summary);
        self.write(by, entry, async |tx| {
            update.bind(user_id).execute(&mut *tx).await?;
            if let Some(keep) = end_sessions {
                sql("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
                    .bind(user_id)
                    .bind(keep)
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
        let summary = if email.is_some() {
            "设置通知邮箱"
        } else {
            "清除通知邮箱"
        };
        let update = sql("UPDATE users SET email = $1 WHERE id = $2").bind(email);
        self.change_user(user_id, ("user.email", summary), update, None, by)
            .await
    }
}

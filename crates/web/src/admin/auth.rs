//! Signing in and out, and changing one's own password.

use std::sync::LazyLock;

use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_core::audit::Actor;
use gongkai_core::auth::{
    Failures, HashParams, SignInFacts, check_password_change, hash_password, random_token,
    sha256_hex, verify_password, wait_message,
};
use minijinja::context;
use serde::Deserialize;

use super::page;
use crate::AppState;
use crate::error::AppError;
use crate::session::{CSRF_COOKIE, PublicForm, SESSION_COOKIE, Staff, set_cookie};
use gongkai_store::By;

/// `?expired=1` after a timeout, `?next=` where to go after signing in.
#[derive(Debug, Deserialize, Default)]
pub struct LoginQuery {
    expired: Option<String>,
    next: Option<String>,
}

/// The sign-in page, answered with `status`.
fn login_page(
    public: &PublicForm,
    status: StatusCode,
    error: Option<&str>,
    username: &str,
    next: &str,
    expired: bool,
) -> Result<Response, AppError> {
    public.render(
        status,
        "admin/login.html",
        context! { error, username, next, expired },
    )
}

/// The sign-in form. Gives the browser a CSRF cookie for it.
pub async fn login_form(
    public: PublicForm,
    Query(q): Query<LoginQuery>,
) -> Result<Response, AppError> {
    if public.visitor.session.is_some() {
        return Ok(Redirect::to("/admin").into_response());
    }
    let next = q.next.as_deref().unwrap_or("");
    login_page(&public, StatusCode::OK, None, "", next, q.expired.is_some())
}

/// The sign-in form's fields.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    username: String,
    password: String,
    next: String,
}

/// A hash to verify against when the account does not exist, so the answer takes as long either way.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    hash_password("dummy password for timing", HashParams::default()).unwrap_or_default()
});

/// Where to go after signing in: a back-office path on this site, or `/admin`. Only visible
/// ASCII (so the `Location` header can always be written, and no CR/LF can split it), no
/// backslash (browsers read `/\\host` as `//host`), no `//` (another host), and `/admin` itself
/// or below it.
fn safe_next(next: &str) -> &str {
    let visible = next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    let below = next
        .strip_prefix("/admin")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']));
    if visible && below && !next.contains("//") {
        next
    } else {
        "/admin"
    }
}

/// The bucket of failed sign-ins (subjects are keyed hashes, each of its own purpose).
const FAILED: &str = "sign-in";
/// The bucket of successful sign-ins by account and address: where the account is known.
const KNOWN: &str = "sign-in-known";

/// Signs in: slowed down per address, per account and address, and per account with growing
/// delays (`core::auth::SignInPolicy`) — never locked, so the right password works once the wait
/// is over; the account holder is told when failures mount. On success a new session replaces
/// any old one.
pub async fn login(
    State(state): State<AppState>,
    public: PublicForm,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let address = &public.address;
    let username = form.username.trim().to_lowercase();
    let now = state.clock.now();
    let policy = state.settings.sign_in;
    let since = now - policy.window;
    let store = &state.store;
    let address_key = store.keyed("sign-in-address", address);
    let pair_key = store.keyed("sign-in-pair", &format!("{username}|{address}"));
    let account_key = store.keyed("sign-in-account", &username);
    let failures = async |subject: &str| -> Result<Failures, AppError> {
        let h = store.hits(FAILED, subject, since).await?;
        Ok(Failures {
            count: h.count,
            last: h.last,
        })
    };
    let retention = chrono::Duration::days(gongkai_core::auth::RATE_RETENTION_DAYS);
    let facts = SignInFacts {
        address: failures(&address_key).await?,
        pair: failures(&pair_key).await?,
        account: failures(&account_key).await?,
        known_address: store.hits(KNOWN, &pair_key, now - retention).await?.count > 0,
    };
    if let Some(wait) = policy.wait(&facts, now) {
        let mut res = login_page(
            &public,
            StatusCode::TOO_MANY_REQUESTS,
            Some(&wait_message(wait)),
            &username,
            &form.next,
            false,
        )?;
        res.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from(wait.num_seconds().max(1)),
        );
        return Ok(res);
    }
    let user = store.find_user_by_username(&username).await?;
    let stored = user
        .as_ref()
        .map_or(DUMMY_HASH.as_str(), |u| u.password_hash.as_str());
    let password_ok = verify_password(&form.password, stored) && user.is_some();
    let user = match user {
        Some(u) if password_ok && !u.disabled => u,
        Some(u) if password_ok && u.disabled => {
            return login_page(
                &public,
                StatusCode::FORBIDDEN,
                Some("该账号已停用，请联系机关管理员。"),
                &username,
                &form.next,
                false,
            );
        }
        other => {
            for subject in [&address_key, &pair_key, &account_key] {
                store.record_hit(FAILED, subject, now).await?;
            }
            if let Some(u) = other
                && policy.notify(facts.account.count + 1)
            {
                tell_holder(&state, &u, facts.account.count + 1).await?;
            }
            return login_page(
                &public,
                StatusCode::UNAUTHORIZED,
                Some("用户名或密码不正确。"),
                &username,
                &form.next,
                false,
            );
        }
    };
    store.clear_hits(FAILED, &pair_key).await?;
    store.record_hit(KNOWN, &pair_key, now).await?;
    let s = &state.settings;
    let token = random_token();
    let id_hash = sha256_hex(token.as_bytes());
    let actor = Actor::user(user.id, &user.display_name, &user.username);
    state
        .store
        .create_session(
            &gongkai_store::NewSession {
                user_id: user.id,
                id_hash: &id_hash,
                csrf_token: &random_token(),
                replaces: public.visitor.presented.as_deref(),
                address,
            },
            By::new(&actor, now),
        )
        .await?;
    let mut res = Redirect::to(safe_next(&form.next)).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, &token, s.secure_cookies, "Lax"),
    );
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(CSRF_COOKIE, "", s.secure_cookies, "Strict"),
    );
    Ok(res)
}

/// Tells the account holder (by mail, when they have an address) that sign-in to their account
/// keeps failing, and records it in the audit trail.
async fn tell_holder(
    state: &AppState,
    user: &gongkai_store::User,
    failures: i64,
) -> Result<(), AppError> {
    let minutes = state.settings.sign_in.window.num_minutes();
    let entry = gongkai_store::AuditEntry::new(
        None,
        "user.sign_in_failures",
        format!("user:{}", user.username),
        format!("{minutes}分钟内登录失败{failures}次，已通知本人"),
    );
    state
        .store
        .notify_user(
            user.id,
            gongkai_core::notice::Message::SignInFailures {
                username: user.username.clone(),
                failures,
                minutes,
            },
            entry,
            By::new(&Actor::system("登录保护"), state.clock.now()),
        )
        .await?;
    Ok(())
}

/// Signs out: the session ends in the database, the cookie is cleared.
pub async fn logout(State(state): State<AppState>, Staff(s): Staff) -> Result<Response, AppError> {
    state
        .store
        .delete_session(&s.id_hash, Some(&s.actor), state.clock.now())
        .await?;
    let mut res = Redirect::to("/admin/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", state.settings.secure_cookies, "Lax"),
    );
    Ok(res)
}

/// The change-password form.
pub async fn password_form(Staff(s): Staff) -> Result<Html<String>, AppError> {
    let forced = s.must_change_password;
    page(
        &s,
        "admin/password.html",
        context! { forced, error => None::<String> },
    )
}

/// The change-password form's fields.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

/// Changes one's own password; every other session of the person ends.
pub async fn change_password(
    State(state): State<AppState>,
    Staff(s): Staff,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let user = state
        .store
        .find_user(s.principal.user_id)
        .await?
        .ok_or_else(|| AppError::NotFound("用户".into()))?;
    let checked = check_password_change(
        &user.password_hash,
        &form.current,
        &form.new,
        &form.confirm,
        &user.username,
    );
    if let Err(e) = checked {
        let error = e.to_string();
        let html = page(
            &s,
            "admin/password.html",
            context! { forced => s.must_change_password, error },
        )?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    }
    let hash = hash_password(&form.new, state.settings.hash_params)
        .map_err(|e| AppError::Internal(e.into()))?;
    state
        .store
        .set_password(
            user.id,
            &hash,
            false,
            Some(&s.id_hash),
            s.by(state.clock.now()),
        )
        .await?;
    Ok(Redirect::to("/admin?notice=password_changed").into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_back_office_paths_on_this_site_are_followed() {
        for ok in [
            "/admin",
            "/admin/users?x=1",
            "/admin/agencies/yiyuan-xili#x",
        ] {
            assert_eq!(safe_next(ok), ok);
        }
        for bad in [
            "",
            "/admin\n",
            "/admin\r\nSet-Cookie: a=b",
            "/admin\0",
            "//evil.example",
            "/admin//evil.example",
            "/\\evil.example",
            "/admin/\\evil.example",
            "https://evil.example/admin",
            "/admin@evil.example",
            "/administrator",
            "/admin/通知",
            "/ admin",
        ] {
            assert_eq!(safe_next(bad), "/admin", "{bad:?}");
        }
    }
}

//! Accounts: listing, creating (with a one-time password), resetting passwords, disabling.

use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_core::auth::{
    FirstRoleError, Grant, Hierarchy, hash_password, parse_display_name,
    parse_notification_address, parse_username, random_password,
};
use gongkai_core::{Agency, Rejection, Slug};
use gongkai_store::NewUser;
use gongkai_store::RoleChange;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::dashboard::NoticeQuery;
use super::{notice, page, tree, tree_order};
use crate::AppState;
use crate::error::AppError;
use crate::extract::{AccountManager, Empowered, UserScope};
use crate::session::ActiveSession;
use crate::views::{Choice, Refused};

#[derive(Serialize)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    is_system_admin: bool,
    disabled: bool,
    roles: Vec<String>,
}

fn agency_name(agencies: &[Agency], slug: &Slug) -> String {
    agencies
        .iter()
        .find(|a| &a.slug == slug)
        .map_or_else(|| slug.to_string(), |a| a.name.clone())
}

/// The accounts the person may manage.
pub async fn list(
    State(state): State<AppState>,
    Empowered { staff: s, .. }: Empowered<AccountManager>,
) -> Result<Html<String>, AppError> {
    let p = &s.principal;
    let (agencies, tree) = tree(&state).await?;
    let grants = state.store.all_grants().await?;
    let rows: Vec<UserRow> = state
        .store
        .list_users()
        .await?
        .into_iter()
        .filter_map(|u| {
            let mine: Vec<Grant> = grants
                .iter()
                .filter(|(id, _)| *id == u.id)
                .map(|(_, g)| g.clone())
                .collect();
            p.can_see_account(u.id, &mine).then(|| UserRow {
                id: u.id,
                roles: mine
                    .iter()
                    .filter(|g| p.can_read(&g.agency, &tree))
                    .map(|g| format!("{} {}", agency_name(&agencies, &g.agency), g.role.label()))
                    .collect(),
                username: u.username,
                display_name: u.display_name,
                is_system_admin: u.is_system_admin,
                disabled: u.disabled,
            })
        })
        .collect();
    page(&s, "admin/users.html", context! { users => Serde(rows) })
}

/// The new-account form's fields.
#[derive(Debug, Deserialize, Default, Serialize, Clone)]
#[serde(default)]
pub struct UserForm {
    username: String,
    display_name: String,
    agency: String,
    role: String,
    system_admin: String,
}

fn user_form(
    s: &ActiveSession,
    agencies: &[Agency],
    form: &UserForm,
    refused: Option<Refused>,
) -> Result<Response, AppError> {
    let p = &s.principal;
    let choices: Vec<Choice> = tree_order(agencies, |a| p.can_administer(&a.slug))
        .into_iter()
        .map(|(a, d)| Choice::agency(a, d))
        .collect();
    let roles = Choice::all(p.grantable_roles().map(|r| (r.key(), r.label())));
    let status = refused.as_ref().map_or(StatusCode::OK, |r| r.status);
    super::form_page(
        s,
        "admin/user_new.html",
        status,
        context! { form => Serde(form.clone()), agencies => choices, roles, error => refused.map(|r| r.message) },
    )
}

/// The new-account form.
pub async fn new_form(
    State(state): State<AppState>,
    Empowered { staff: s, .. }: Empowered<AccountManager>,
) -> Result<Response, AppError> {
    let (agencies, _) = tree(&state).await?;
    user_form(&s, &agencies, &UserForm::default(), None)
}

/// Creates an account with a one-time password (shown once) and its first role.
pub async fn create(
    State(state): State<AppState>,
    Empowered { staff: s, .. }: Empowered<AccountManager>,
    Form(form): Form<UserForm>,
) -> Result<Response, AppError> {
    let p = &s.principal;
    let (agencies, _) = tree(&state).await?;
    let fail = |e: String| user_form(&s, &agencies, &form, Some(Refused::invalid(e)));
    let username = match parse_username(&form.username) {
        Ok(u) => u,
        Err(e) => return fail(e.to_string()),
    };
    let display_name = match parse_display_name(&form.display_name) {
        Ok(name) => name,
        Err(e) => return fail(format!("{e}。")),
    };
    let is_system_admin = p.makes_system_admin(form.system_admin == "on");
    let first_role = match p.first_role(&form.agency, &form.role) {
        Ok(grant) => grant,
        Err(FirstRoleError::Invalid(why)) => return fail(why.to_owned()),
        Err(FirstRoleError::Forbidden(f)) => return Err(f.into()),
    };
    let password = random_password();
    let hash = hash_password(&password, state.settings.hash_params)
        .map_err(|e| AppError::Internal(e.into()))?;
    let now = state.clock.now();
    let new = NewUser {
        username: username.clone(),
        display_name,
        password_hash: hash,
        is_system_admin,
        must_change_password: true,
    };
    let id = match state.store.create_user(&new, s.by(now)).await {
        Ok(id) => id,
        Err(e) => return user_form(&s, &agencies, &form, Some(Refused::from_store(e)?)),
    };
    if let Some(Grant { agency, role }) = first_role {
        state
            .store
            .change_role(id, &agency, role, RoleChange::Grant, s.by(now))
            .await?;
    }
    Ok(page(
        &s,
        "admin/password_shown.html",
        context! { username, password, user_id => id, created => true },
    )?
    .into_response())
}

#[derive(Serialize)]
struct GrantRow {
    agency_slug: String,
    agency: String,
    role: &'static str,
}

/// One account.
pub async fn show(
    State(state): State<AppState>,
    scope: UserScope,
    Query(q): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    let (s, user, grants) = (&scope.staff, &scope.user, &scope.grants);
    let (agencies, tree): (Vec<Agency>, Hierarchy) = tree(&state).await?;
    let rows: Vec<GrantRow> = grants
        .iter()
        .filter(|g| s.principal.can_read(&g.agency, &tree))
        .map(|g| GrantRow {
            agency_slug: g.agency.to_string(),
            agency: agency_name(&agencies, &g.agency),
            role: g.role.label(),
        })
        .collect();
    page(
        s,
        "admin/user.html",
        context! {
            user => context! {
                id => user.id,
                username => user.username.clone(),
                display_name => user.display_name.clone(),
                is_system_admin => user.is_system_admin,
                disabled => user.disabled,
                must_change_password => user.must_change_password,
                email => user.email.clone().unwrap_or_default(),
            },
            grants => Serde(rows),
            can_manage => scope.manageable(),
            notice => notice(q.notice.as_deref()),
        },
    )
}

/// Resets a password to a new one-time password, shown once; the user's sessions end.
pub async fn reset_password(
    State(state): State<AppState>,
    UserScope { user, staff: s, .. }: UserScope<AccountManager>,
) -> Result<Response, AppError> {
    let password = random_password();
    let hash = hash_password(&password, state.settings.hash_params)
        .map_err(|e| AppError::Internal(e.into()))?;
    state
        .store
        .set_password(user.id, &hash, true, None, s.by(state.clock.now()))
        .await?;
    Ok(page(
        &s,
        "admin/password_shown.html",
        context! { username => user.username, password, user_id => user.id, created => false },
    )?
    .into_response())
}

/// Disables an account; its sessions end.
pub async fn disable(
    state: State<AppState>,
    scope: UserScope<AccountManager>,
) -> Result<Response, AppError> {
    set_disabled(state, scope, true).await
}

/// Enables an account again.
pub async fn enable(
    state: State<AppState>,
    scope: UserScope<AccountManager>,
) -> Result<Response, AppError> {
    set_disabled(state, scope, false).await
}

async fn set_disabled(
    State(state): State<AppState>,
    UserScope { user, staff: s, .. }: UserScope<AccountManager>,
    disabled: bool,
) -> Result<Response, AppError> {
    state
        .store
        .set_disabled(user.id, disabled, s.by(state.clock.now()))
        .await?;
    let notice = if disabled { "disabled" } else { "enabled" };
    Ok(Redirect::to(&format!("/admin/users/{}?notice={notice}", user.id)).into_response())
}

/// The notification address form.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct EmailForm {
    email: String,
}

/// Sets where a staff member's notifications go (empty: none).
pub async fn set_email(
    State(state): State<AppState>,
    UserScope { user, staff: s, .. }: UserScope<AccountManager>,
    Form(form): Form<EmailForm>,
) -> Result<Response, AppError> {
    let email = parse_notification_address(&form.email).map_err(Rejection::from)?;
    state
        .store
        .set_user_email(user.id, email, s.by(state.clock.now()))
        .await?;
    Ok(Redirect::to(&format!("/admin/users/{}?notice=email_set", user.id)).into_response())
}

//! Managing the agency hierarchy and who holds which role in each agency.

use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use gongkai_core::auth::{Power, Principal, Role};
use gongkai_core::{Agency, AgencyKind, CreditCode, Slug};
use gongkai_store::RoleChange;
use gongkai_store::StoreError;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::dashboard::NoticeQuery;
use super::{back_to, by_rules, notice, page, rows, tree, tree_order};
use crate::AppState;
use crate::error::AppError;
use crate::extract::{AgencyAdmin, AgencyFounder, AgencyScope, Empowered, Requirement};
use crate::session::{ActiveSession, Staff};
use crate::views::{Choice, Refused};

/// The parent choice of an agency at the top of the tree.
const NO_PARENT: &str = "（无上级）";

/// The agencies the person may read, in tree order.
pub async fn list(
    State(state): State<AppState>,
    Staff(s): Staff,
) -> Result<Html<String>, AppError> {
    let (agencies, tree) = tree(&state).await?;
    let p = &s.principal;
    let visible = tree_order(&agencies, |a| p.can_read(&a.slug, &tree));
    let can_create = p.has(Power::AddAgencies);
    page(
        &s,
        "admin/agencies.html",
        context! { agencies => rows(&visible), can_create },
    )
}

/// The fields of the agency form.
#[derive(Debug, Deserialize, Default, Serialize, Clone)]
#[serde(default)]
pub struct AgencyForm {
    slug: String,
    name: String,
    credit_code: String,
    kind: String,
    parent: String,
}

fn kinds() -> Vec<Choice> {
    Choice::all(AgencyKind::ALL.map(|k| (k.key(), k.label())))
}

/// Agencies the person may put a new agency under; `None` in the list means "at the top".
fn parent_choices(p: &Principal, agencies: &[Agency]) -> Vec<Choice> {
    let mut out = Vec::new();
    if p.can_create_agency(None) {
        out.push(Choice::new("", NO_PARENT));
    }
    for (a, depth) in tree_order(agencies, |a| p.can_create_agency(Some(&a.slug))) {
        out.push(Choice::agency(a, depth));
    }
    out
}

fn form_page(
    s: &ActiveSession,
    agencies: &[Agency],
    form: &AgencyForm,
    refused: Option<Refused>,
) -> Result<Response, AppError> {
    let status = refused.as_ref().map_or(StatusCode::OK, |r| r.status);
    super::form_page(
        s,
        "admin/agency_new.html",
        status,
        context! {
            form => Serde(form.clone()),
            kinds => kinds(),
            parents => parent_choices(&s.principal, agencies),
            error => refused.map(|r| r.message),
        },
    )
}

/// The new-agency form.
pub async fn new_form(
    State(state): State<AppState>,
    Empowered { staff: s, .. }: Empowered<AgencyFounder>,
) -> Result<Response, AppError> {
    let (agencies, _) = tree(&state).await?;
    form_page(&s, &agencies, &AgencyForm::default(), None)
}

fn parse_agency(form: &AgencyForm) -> Result<Agency, String> {
    let slug = Slug::parse(form.slug.trim()).map_err(|e| e.to_string())?;
    let code = CreditCode::parse(&form.credit_code).map_err(|e| e.to_string())?;
    let kind: AgencyKind = form
        .kind
        .parse()
        .map_err(|e: gongkai_core::agency::AgencyError| e.to_string())?;
    let parent = match form.parent.trim() {
        "" => None,
        p => Some(Slug::parse(p).map_err(|e| e.to_string())?),
    };
    Agency::new(slug, &form.name, code, kind, parent).map_err(|e| e.to_string())
}

/// Adds an agency.
pub async fn create(
    State(state): State<AppState>,
    Empowered { staff: s, .. }: Empowered<AgencyFounder>,
    Form(form): Form<AgencyForm>,
) -> Result<Response, AppError> {
    let (agencies, _) = tree(&state).await?;
    let agency = match parse_agency(&form) {
        Ok(a) => a,
        Err(e) => return form_page(&s, &agencies, &form, Some(Refused::invalid(e))),
    };
    s.principal.require_create_agency(agency.parent.as_ref())?;
    let refused = match state
        .store
        .insert_agency(&agency, s.by(state.clock.now()))
        .await
    {
        Ok(()) => return Ok(back_to(&agency, "?notice=agency_created")),
        Err(StoreError::NotFound(m)) => Refused::invalid(format!("上级{m}")),
        Err(e) => Refused::from_store(e)?,
    };
    form_page(&s, &agencies, &form, Some(refused))
}

#[derive(Serialize)]
struct Member {
    user_id: i64,
    username: String,
    display_name: String,
    role_key: &'static str,
    role: &'static str,
    can_revoke: bool,
}

/// One agency: its details, members and their roles, and (for its administrators) forms to change them.
pub async fn show(
    State(state): State<AppState>,
    scope: AgencyScope,
    Query(q): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    agency_page(&state, &scope, notice(q.notice.as_deref()), None).await
}

async fn agency_page<R: Requirement>(
    state: &AppState,
    scope: &AgencyScope<R>,
    notice: Option<&str>,
    error: Option<String>,
) -> Result<Html<String>, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let (agencies, tree) = tree(state).await?;
    let agencies = &agencies;
    let p = &s.principal;
    let users = state.store.list_users().await?;
    let members: Vec<Member> = state
        .store
        .all_grants()
        .await?
        .into_iter()
        .filter(|(_, g)| g.agency == agency.slug)
        .filter_map(|(uid, g)| {
            let u = users.iter().find(|u| u.id == uid)?;
            Some(Member {
                user_id: uid,
                username: u.username.clone(),
                display_name: u.display_name.clone(),
                role_key: g.role.key(),
                role: g.role.label(),
                can_revoke: p.can_grant(&agency.slug, g.role),
            })
        })
        .collect();
    let grantable = Choice::all(
        Role::ALL
            .into_iter()
            .filter(|r| p.can_grant(&agency.slug, *r))
            .map(|r| (r.key(), r.label())),
    );
    let members_below = tree_order(agencies, |a| {
        a.parent.as_ref() == Some(&agency.slug) && p.can_read(&a.slug, &tree)
    });
    let parent = scope.parent();
    let form = AgencyForm {
        slug: agency.slug.to_string(),
        name: agency.name.clone(),
        credit_code: agency.credit_code.as_str().to_owned(),
        kind: agency.kind.key().to_owned(),
        parent: agency
            .parent
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    };
    let mut parents = vec![Choice::new("", NO_PARENT)];
    parents.extend(
        tree_order(agencies, |a| {
            a.slug != agency.slug && !tree.would_cycle(&agency.slug, &a.slug)
        })
        .into_iter()
        .map(|(a, d)| Choice::agency(a, d)),
    );
    page(
        s,
        "admin/agency.html",
        context! {
            agency => context! {
                slug => agency.slug.to_string(),
                name => agency.name.clone(),
                kind => agency.kind.label(),
                credit_code => agency.credit_code.as_str(),
            },
            parent => parent.map(|a| context! { slug => a.slug.to_string(), name => a.name.clone() }),
            members => Serde(members),
            below => rows(&members_below),
            grantable => Serde(grantable),
            can_administer => p.can_administer(&agency.slug),
            can_move => p.can_move_agency(),
            deadline => state.store.report_deadline_for(&agency.slug).await?.map(|d| d.to_string()).unwrap_or_default(),
            letters => Serde(state.store.own_letter_settings(&agency.slug).await?.unwrap_or_default()),
            letters_inherited => state.store.own_letter_settings(&agency.slug).await?.is_none(),
            default_prefix => gongkai_core::letter::default_number_prefix(&agency.name),
            index_pattern => state.store.index_pattern(&agency.slug).await?,
            own_site => Serde(state.store.agency_site(&agency.slug).await?.unwrap_or_default()),
            index_example => gongkai_core::item::IndexTemplate {
                pattern: state.store.index_pattern(&agency.slug).await?,
                ..gongkai_core::item::IndexTemplate::for_code(agency.credit_code.as_str())
            }.number(state.clock.today(), 1),
            reconsideration_default => parent.map(|a| a.name.clone()),
            summary_year => chrono::Datelike::year(&state.clock.today()) - 1,
            form => Serde(form),
            kinds => Serde(kinds()),
            parents => Serde(parents),
            notice,
            error,
        },
    )
}

/// Saves an agency's details. Only system administrators move an agency to another parent.
pub async fn update(
    State(state): State<AppState>,
    scope: AgencyScope<AgencyAdmin>,
    Form(mut form): Form<AgencyForm>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let (_, tree) = tree(&state).await?;
    form.slug = agency.slug.to_string();
    if !s.principal.can_move_agency() {
        form.parent = agency
            .parent
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
    }
    let refused = match parse_agency(&form) {
        Ok(updated) if let Err(why) = tree.check_parent(&updated.slug, updated.parent.as_ref()) => {
            Refused::invalid(why.message)
        }
        Ok(updated) => match state.store.update_agency(&updated, scope.by(&state)).await {
            Ok(()) => return Ok(back_to(agency, "?notice=agency_updated")),
            Err(e) => Refused::from_store(e)?,
        },
        Err(e) => Refused::invalid(e),
    };
    let html = agency_page(&state, &scope, None, Some(refused.message)).await?;
    Ok((refused.status, html).into_response())
}

/// The grant form's fields.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct GrantForm {
    username: String,
    user_id: String,
    role: String,
}

fn role_change(scope: &AgencyScope, role: &str) -> Result<Role, AppError> {
    let role: Role = role
        .parse()
        .map_err(|e: gongkai_core::auth::UnknownRole| AppError::Forbidden(e.to_string()))?;
    if !scope.principal().can_grant(&scope.agency.slug, role) {
        return Err(AppError::Forbidden(format!(
            "您不能在{}授予或撤销“{}”角色。",
            scope.agency.name,
            role.label()
        )));
    }
    Ok(role)
}

/// Gives a role in the agency to an existing user, found by login name.
pub async fn grant(
    State(state): State<AppState>,
    scope: AgencyScope,
    Form(form): Form<GrantForm>,
) -> Result<Response, AppError> {
    let role = role_change(&scope, &form.role)?;
    let agency = &scope.agency;
    let back = |n: &str| back_to(agency, &format!("?notice={n}"));
    let Some(user) = state
        .store
        .find_user_by_username(form.username.trim().to_lowercase().as_str())
        .await?
    else {
        return Ok(back("user_not_found"));
    };
    let granted = state
        .store
        .change_role(
            user.id,
            &agency.slug,
            role,
            RoleChange::Grant,
            scope.by(&state),
        )
        .await?;
    Ok(back(if granted {
        "granted"
    } else {
        "already_granted"
    }))
}

/// Takes a role in the agency away from a user.
pub async fn revoke(
    State(state): State<AppState>,
    scope: AgencyScope,
    Form(form): Form<GrantForm>,
) -> Result<Response, AppError> {
    let role = role_change(&scope, &form.role)?;
    let agency = &scope.agency;
    let user_id: i64 = form
        .user_id
        .parse()
        .map_err(|_| AppError::NotFound("用户".into()))?;
    state
        .store
        .change_role(
            user_id,
            &agency.slug,
            role,
            RoleChange::Revoke,
            scope.by(&state),
        )
        .await?;
    Ok(back_to(agency, "?notice=revoked"))
}

/// A form of one setting: the reporting date (`deadline`) or the 索引号 pattern (`pattern`).
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct SettingForm {
    #[serde(alias = "deadline", alias = "pattern")]
    value: String,
}

/// Sets the date by which the agencies below publish their annual reports (empty: the 条例's
/// defaults).
pub async fn set_deadline(
    State(state): State<AppState>,
    scope: AgencyScope<AgencyAdmin>,
    Form(form): Form<SettingForm>,
) -> Result<Response, AppError> {
    let deadline = match form.value.trim() {
        "" => Ok(None),
        text => gongkai_core::report::workspace::MonthDay::parse(text).map(Some),
    };
    let outcome = match deadline {
        Ok(deadline) => by_rules(
            state
                .store
                .set_report_deadline(&scope.agency.slug, deadline, scope.by(&state))
                .await,
        )?
        .map_err(|r| r.message),
        Err(why) => Err(why),
    };
    settled(&state, &scope, outcome, "deadline_set").await
}

/// Where a settings form leads: back to the agency's page saying `notice` when it was saved, or
/// that page again with the reason (422) when a rule refused it; nothing was changed then.
async fn settled(
    state: &AppState,
    scope: &AgencyScope<AgencyAdmin>,
    outcome: Result<(), String>,
    notice: &str,
) -> Result<Response, AppError> {
    match outcome {
        Ok(()) => Ok(back_to(&scope.agency, &format!("?notice={notice}"))),
        Err(why) => {
            let html = agency_page(state, scope, None, Some(why)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

/// The letter settings form.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct LetterSettingsForm {
    reconsideration_body: String,
    court: String,
    online_channel: String,
    prior_all: String,
    payment_method: String,
    number_prefix: String,
}

/// Saves the settings that letters of disclosure on request use (the 复议机关 and the rest of the
/// remedies paragraph, fee payment, number prefix); agencies below inherit them.
pub async fn letter_settings(
    State(state): State<AppState>,
    scope: AgencyScope<AgencyAdmin>,
    Form(form): Form<LetterSettingsForm>,
) -> Result<Response, AppError> {
    let agency = &scope.agency;
    let settings = gongkai_core::letter::LetterSettings {
        reconsideration_body: form.reconsideration_body,
        court: form.court,
        online_channel: form.online_channel,
        prior_reconsideration_for_all_refusals: form.prior_all == "on",
        payment_method: form.payment_method,
        number_prefix: form.number_prefix,
    }
    .typed();
    let saved = state
        .store
        .set_letter_settings(&agency.slug, &settings, scope.by(&state))
        .await;
    let outcome = by_rules(saved)?.map_err(|r| r.message);
    settled(&state, &scope, outcome, "letter_settings_saved").await
}

/// Saves the 主办/承办 units and contact the agency's own portal pages show in place of the
/// site's (all empty: the site's again).
pub async fn agency_site(
    State(state): State<AppState>,
    scope: AgencyScope<AgencyAdmin>,
    Form(form): Form<gongkai_core::site::SiteContact>,
) -> Result<Response, AppError> {
    let outcome = match form.check() {
        Ok(own) => by_rules(
            state
                .store
                .save_agency_site(&scope.agency.slug, &own, scope.by(&state))
                .await,
        )?
        .map_err(|r| r.message),
        Err(refused) => Err(refused.into_iter().map(|r| r.message).collect()),
    };
    settled(&state, &scope, outcome, "agency_site_saved").await
}

/// Sets the agency's 索引号 pattern (§4.1: provinces differ) for items published from now on.
pub async fn index_pattern(
    State(state): State<AppState>,
    scope: AgencyScope<AgencyAdmin>,
    Form(form): Form<SettingForm>,
) -> Result<Response, AppError> {
    // The store checks the pattern (core::item::check_index_pattern) and saves nothing if it fails.
    let saved = state
        .store
        .set_index_pattern(&scope.agency.slug, form.value.trim(), scope.by(&state))
        .await;
    let outcome = by_rules(saved)?.map_err(|r| r.message);
    settled(&state, &scope, outcome, "index_pattern_saved").await
}

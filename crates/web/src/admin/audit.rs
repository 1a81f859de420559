//! The audit trail page: filters by agency, actor, action and date.

use axum::extract::{Query, State};
use axum::response::Html;
use chrono::NaiveDate;
use gongkai_core::audit::action_label;
use gongkai_store::{AuditFilter, audit_time};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::{page, tree, tree_order};
use crate::AppState;
use crate::error::AppError;
use crate::extract::{Auditor, Empowered};
use crate::views::Choice;

/// The filter form (all optional).
#[derive(Debug, Deserialize, Default, Serialize, Clone)]
#[serde(default)]
pub struct AuditQuery {
    agency: String,
    actor: String,
    action: String,
    from: String,
    to: String,
    before: String,
}

#[derive(Serialize)]
struct Row {
    id: i64,
    at: String,
    actor: String,
    agency: String,
    action: String,
    /// The action in Chinese (`core::audit::action_label`); the key stays for the filter.
    action_label: String,
    target: String,
    summary: String,
}

/// Audit records the person may see: everything for a system administrator; the agencies they
/// administer or oversee for others.
pub async fn list(
    State(state): State<AppState>,
    Empowered { staff: s, .. }: Empowered<Auditor>,
    Query(q): Query<AuditQuery>,
) -> Result<Html<String>, AppError> {
    let p = &s.principal;
    let (agencies, tree) = tree(&state).await?;
    let allowed: Vec<String> = agencies
        .iter()
        .filter(|a| p.can_audit(&a.slug, &tree))
        .map(|a| a.slug.to_string())
        .collect();
    let whole = p.reads_whole_audit_trail();
    let agency_filter = match q.agency.trim() {
        "" if whole => None,
        "" => Some(allowed.clone()),
        a if whole || allowed.iter().any(|x| x == a) => Some(vec![a.to_owned()]),
        _ => return Err(AppError::NotFound("没有您可以查看的这个机关。".into())),
    };
    let date = |s: &str| s.trim().parse::<NaiveDate>().ok();
    let filter = AuditFilter {
        agencies: agency_filter,
        actor: Some(q.actor.trim().to_owned()).filter(|a| !a.is_empty()),
        action: Some(q.action.trim().to_owned()).filter(|a| !a.is_empty()),
        from: date(&q.from),
        to: date(&q.to),
        before_id: q.before.trim().parse().ok(),
        limit: 100,
    };
    let name = |slug: &str| {
        agencies
            .iter()
            .find(|a| a.slug.as_str() == slug)
            .map_or_else(|| slug.to_owned(), |a| a.name.clone())
    };
    let records = state.store.audit_records(&filter).await?;
    let older = (records.len() == 100)
        .then(|| records.last().map(|r| r.id))
        .flatten();
    let rows: Vec<Row> = records
        .into_iter()
        .map(|r| Row {
            id: r.id,
            at: audit_time(r.at_ms),
            actor: r.actor,
            agency: r.agency.as_deref().map(name).unwrap_or_default(),
            action_label: action_label(&r.action).to_owned(),
            action: r.action,
            target: r.target,
            summary: r.summary,
        })
        .collect();
    let choices: Vec<Choice> = tree_order(&agencies, |a| p.can_audit(&a.slug, &tree))
        .into_iter()
        .map(|(a, d)| Choice::agency(a, d))
        .collect();
    let actions: Vec<Choice> = state
        .store
        .audit_actions()
        .await?
        .into_iter()
        .map(|a| Choice::new(a.as_str(), action_label(&a)))
        .collect();
    page(
        &s,
        "admin/audit.html",
        context! { rows => Serde(rows), q => Serde(q), agencies => Serde(choices), actions => Serde(actions), older },
    )
}

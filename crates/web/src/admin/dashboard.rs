//! The dashboard: one page per person, with a section for each role they hold.

use axum::extract::{Query, State};
use axum::response::Html;
use chrono::Datelike;
use gongkai_core::auth::Role;
use gongkai_core::inspection::{Fix, Weight};
use gongkai_core::report::Severity;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::{notice, page, tree, tree_order};
use crate::AppState;
use crate::error::AppError;
use crate::session::Staff;

/// `?notice=` after a redirect.
#[derive(Debug, Deserialize, Default)]
pub struct NoticeQuery {
    /// Which message to show.
    pub notice: Option<String>,
}

#[derive(Serialize)]
struct RoleRow {
    agency: String,
    agency_slug: String,
    role: &'static str,
}

#[derive(Serialize)]
struct ReportRow {
    slug: String,
    name: String,
    depth: usize,
    year: i32,
    errors: usize,
    warnings: usize,
}

/// How many of the requests no one picked up the dashboard names (oldest first); the count links to
/// the rest.
const OLDEST: usize = 5;

/// The signed-in person's dashboard.
pub async fn show(
    State(state): State<AppState>,
    Staff(s): Staff,
    Query(q): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    let (agencies, tree) = tree(&state).await?;
    let p = &s.principal;
    let name_of = |slug: &gongkai_core::Slug| {
        agencies
            .iter()
            .find(|a| &a.slug == slug)
            .map_or_else(|| slug.to_string(), |a| a.name.clone())
    };
    let roles: Vec<RoleRow> = p
        .grants
        .iter()
        .map(|g| RoleRow {
            agency: name_of(&g.agency),
            agency_slug: g.agency.to_string(),
            role: g.role.label(),
        })
        .collect();
    let has = |r: Role| p.grants.iter().any(|g| g.role == r);

    // Drafts waiting for the person, and items at risk of the 20-working-day deadline.
    let mut drafts = Vec::new();
    let mut at_risk = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for g in p.grants.iter().filter(|g| {
        matches!(
            g.role,
            Role::Drafter | Role::FirstReviewer | Role::FinalReviewer
        )
    }) {
        if !seen.insert(g.agency.clone()) {
            continue;
        }
        let (mine, rest) = super::items::work_of(&state, &s, &g.agency).await?;
        let (risky_rest, _): (Vec<_>, Vec<_>) = rest.into_iter().partition(|r| r.late || r.at_risk);
        at_risk.extend(mine.iter().filter(|r| r.late || r.at_risk).cloned());
        at_risk.extend(risky_rest);
        drafts.extend(mine);
    }

    // Open requests of every agency where the person handles requests.
    let mut requests = Vec::new();
    for g in p.grants.iter().filter(|g| g.role == Role::CaseOfficer) {
        let open = state.store.open_requests(&g.agency).await?;
        // Enquiries and complaints not yet answered, and those past the reply commitment.
        let waiting = state.store.messages_waiting(&g.agency).await?;
        let late = waiting
            .iter()
            .filter(|received| {
                gongkai_core::supervision::reply_late(
                    &state.calendar,
                    **received,
                    state.clock.today(),
                )
            })
            .count();
        let pickup = super::cases::waiting_pickup(&open, state.rules(), state.clock.today());
        requests.push(context! {
            slug => g.agency.to_string(),
            name => name_of(&g.agency),
            waiting => pickup.len(),
            oldest => Serde(pickup.into_iter().take(OLDEST).collect::<Vec<_>>()),
            counts => Serde(super::cases::Counts::of(&open, state.rules(), state.clock.today(), p.user_id)),
            messages => waiting.len(),
            messages_late => late,
        });
    }

    // Last year's report of every agency the person may read, with what keeps it from being
    // published (the workspace's errors, counted the same way).
    let today = state.clock.today();
    let year = today.year() - 1;
    let mut reports = Vec::new();
    for (a, depth) in tree_order(&agencies, |a| p.can_read(&a.slug, &tree)) {
        let (_, findings, _) = state.store.draft_report(&a.slug, year, today).await?;
        reports.push(ReportRow {
            slug: a.slug.to_string(),
            name: a.name.clone(),
            depth,
            year,
            errors: findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count(),
            warnings: findings
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .count(),
        });
    }
    // Reports asked to be published and waiting for a 分管领导: an approver otherwise learnt of
    // one only by being told (a helper's walk).
    let pending = state.store.pending_proposals().await?;
    let mut proposals = Vec::new();
    for (a, _) in tree_order(&agencies, |a| p.can_read(&a.slug, &tree)) {
        for (_, year, by, at) in pending.iter().filter(|w| w.0 == a.slug.as_str()) {
            proposals.push(context! {
                agency => a.name.clone(),
                href => format!("/admin/agencies/{}/reports/{year}/publish", a.slug),
                year,
                by,
                at => gongkai_core::clock::china_minute(*at),
            });
        }
    }
    // What an inspection would mark, for every agency the person may read — their own, and for
    // the county office every agency below it — each with the place to fix it.
    let mut inspection = Vec::new();
    for (a, _) in tree_order(&agencies, |a| p.can_read(&a.slug, &tree)) {
        for w in state.store.inspection(&a.slug, today).await? {
            let (href, action) = fix_link(&a.slug, &w.fix);
            inspection.push(context! {
                agency => a.name.clone(),
                weight => w.weight.label(),
                serious => w.weight <= Weight::Breach,
                message => w.message,
                href,
                action,
            });
        }
    }
    page(
        &s,
        "admin/dashboard.html",
        context! {
            inspection,
            proposals,
            notice => notice(q.notice.as_deref()),
            roles => Serde(roles),
            reports => Serde(reports),
            requests,
            drafts => Serde(drafts),
            at_risk => Serde(at_risk),
            drafter => has(Role::Drafter),
            reviewer => has(Role::FirstReviewer) || has(Role::FinalReviewer),
            case_officer => has(Role::CaseOfficer),
        },
    )
}

/// Where a warning is fixed: the page and what to do there.
fn fix_link(slug: &gongkai_core::Slug, fix: &Fix) -> (String, &'static str) {
    let base = format!("/admin/agencies/{slug}");
    match fix {
        Fix::Column { name } => {
            let name: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
            (
                format!("{base}/items/new?category={name}"),
                "在该栏目发布信息",
            )
        }
        Fix::Catalogue => (
            format!("{base}/catalogue"),
            "整理目录（隐藏、补充或标注未涉及）",
        ),
        Fix::Guide => (format!("{base}/guide"), "核对并确认公开指南"),
        Fix::Report { year } => (format!("{base}/reports/{year}"), "编写并发布年度报告"),
        Fix::Item { id } => (format!("{base}/published/{id}"), "核实并标注有效性"),
        Fix::Interpretation { of } => (format!("{base}/items/new?interprets={of}"), "起草政策解读"),
    }
}

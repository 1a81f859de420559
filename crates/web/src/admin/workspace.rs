//! The annual report workspace of one agency and year: the figures computed live, the text staff
//! write beside last year's, every check — including text copied from last year or from a sibling
//! agency — and publication, which the checks block while an error remains.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use gongkai_core::Agency;
use gongkai_core::auth::Duty;
use gongkai_core::report::workspace::copied_share;
use gongkai_core::report::{Finding, Relation, Severity, StaffTexts};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::dashboard::NoticeQuery;
use super::{notice, page, report_year};
use crate::AppState;
use crate::error::AppError;
use crate::extract::{AgencyScope, ReportEditor, Requirement, YearPath};
use crate::session::ActiveSession;
use crate::views::FindingRow;

/// Above this share of shared 8-character runs a part counts as copied (内容雷同).
const COPIED: f64 = 0.5;

/// The staff-written parts, in report order: (key, heading).
const PARTS: [(&str, &str); 9] = [
    (
        "proactive",
        "一（一）主动公开（本段之后由系统写入主动公开数量）",
    ),
    (
        "on_request",
        "一（二）依申请公开（本段之后由系统写入申请办理数量）",
    ),
    ("management", "一（三）政府信息管理"),
    ("platform", "一（四）政府信息公开平台建设"),
    ("supervision", "一（五）监督保障"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("work_points", "六（二）落实上级年度政务公开工作要点情况"),
    (
        "proposals",
        "六（三）人大代表建议和政协提案办理结果公开情况",
    ),
    ("innovation", "六（四）政务公开工作创新情况"),
];

fn part(t: &StaffTexts, key: &str) -> String {
    match key {
        "proactive" => &t.proactive,
        "on_request" => &t.on_request,
        "management" => &t.management,
        "platform" => &t.platform,
        "supervision" => &t.supervision,
        "problems" => &t.problems,
        "work_points" => &t.work_points,
        "proposals" => &t.proposals,
        _ => &t.innovation,
    }
    .clone()
}

/// The form's fields: one per part.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct TextsForm {
    proactive: String,
    on_request: String,
    management: String,
    platform: String,
    supervision: String,
    problems: String,
    work_points: String,
    proposals: String,
    innovation: String,
}

impl From<TextsForm> for StaffTexts {
    fn from(f: TextsForm) -> Self {
        Self {
            proactive: f.proactive,
            on_request: f.on_request,
            management: f.management,
            platform: f.platform,
            supervision: f.supervision,
            problems: f.problems,
            work_points: f.work_points,
            proposals: f.proposals,
            innovation: f.innovation,
        }
    }
}

struct Ctx {
    agency: Agency,
    siblings: Vec<Agency>,
    year: i32,
    can_edit: bool,
}

async fn load<R: Requirement>(
    state: &AppState,
    scope: &AgencyScope<R>,
    year: &str,
) -> Result<Ctx, AppError> {
    let agency = scope.agency.clone();
    let year = report_year(state, year)?;
    let slug = agency.slug.clone();
    let can_edit = scope.may(Duty::EditReport);
    let siblings = state
        .store
        .list_agencies()
        .await?
        .into_iter()
        .filter(|a| a.slug != slug && a.parent.is_some() && a.parent == agency.parent)
        .collect();
    Ok(Ctx {
        agency,
        siblings,
        year,
        can_edit,
    })
}

/// Every finding of the draft: the cross-checks and the copied-text check.
/// The copied-text findings of this year's staff text against last year's and the siblings'.
async fn copied_text(
    state: &AppState,
    c: &Ctx,
    texts: &StaffTexts,
    last: &StaffTexts,
) -> Result<Vec<Finding>, AppError> {
    let mut findings = Vec::new();
    let mut compare = |other: &StaffTexts, whose: &str| {
        for (key, heading) in PARTS {
            let share = copied_share(&part(texts, key), &part(other, key));
            if share >= COPIED {
                findings.push(Finding {
                    location: Some(heading.to_owned()),
                    ..Finding::new(
                        Relation::SCopiedText,
                        Severity::Warning,
                        format!(
                            "“{heading}”有{:.0}%的内容与{whose}相同；请根据本年度实际情况重写",
                            share * 100.0
                        ),
                    )
                });
            }
        }
    };
    compare(last, &format!("{}年度报告", c.year - 1));
    for sibling in &c.siblings {
        let theirs = state.store.staff_texts(&sibling.slug, c.year).await?;
        compare(&theirs, &format!("{}的{}年度报告", sibling.name, c.year));
    }
    Ok(findings)
}

#[derive(Serialize)]
struct PartView {
    key: &'static str,
    heading: &'static str,
    text: String,
    last: String,
}

/// A first draft of 五 from last year's problems: each becomes a line awaiting its follow-up.
fn follow_up_draft(last_problems: &str) -> String {
    let items: Vec<String> = last_problems
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .take(10)
        .map(|l| format!("{l}——整改情况："))
        .collect();
    if items.is_empty() {
        String::new()
    } else {
        format!(
            "对照上年度报告提出的问题，整改情况如下：\n{}",
            items.join("\n")
        )
    }
}

/// Renders the workspace page (boxed: the page gathers much state, and handlers stay small).
async fn render(
    state: &AppState,
    s: &ActiveSession,
    c: &Ctx,
    q: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    Box::pin(render_inner(state, s, c, q, error, status)).await
}

async fn render_inner(
    state: &AppState,
    s: &ActiveSession,
    c: &Ctx,
    q: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let (report, mut all) = state
        .store
        .checked_report(&c.agency.slug, c.year, state.clock.today())
        .await?;
    let texts = state.store.staff_texts(&c.agency.slug, c.year).await?;
    let last = state.store.staff_texts(&c.agency.slug, c.year - 1).await?;
    all.extend(copied_text(state, c, &texts, &last).await?);
    let errors = all.iter().filter(|f| f.severity == Severity::Error).count();
    let parts: Vec<PartView> = PARTS
        .iter()
        .map(|(key, heading)| {
            let mut text = part(&texts, key);
            if *key == "problems" && text.is_empty() {
                text = follow_up_draft(&last.problems);
            }
            PartView {
                key,
                heading,
                text,
                last: part(&last, key),
            }
        })
        .collect();
    let views: Vec<FindingRow> = all.iter().map(FindingRow::from).collect();
    let publications: Vec<_> = state
        .store
        .publications(&c.agency.slug, c.year)
        .await?
        .into_iter()
        .map(|p| context! { version => p.version, at => gongkai_store::audit_time(p.published_at.timestamp_millis()), by => p.published_by, note => p.note })
        .collect();
    let deadline = state.store.report_due_date(&c.agency, c.year).await?;
    let today = state.clock.today();
    let article = gongkai_docs::html_fragment(&report).map_err(|e| AppError::Internal(e.into()))?;
    let html = page(
        s,
        "admin/workspace.html",
        context! {
            agency => context! { slug => c.agency.slug.to_string(), name => c.agency.name.clone() },
            year => c.year,
            generated => context! { proactive => report.sections.proactive.clone(), on_request => report.sections.on_request.clone(), fees => report.sections.fees.clone() },
            parts => Serde(parts),
            findings => Serde(views),
            errors,
            can_edit => c.can_edit,
            published => !publications.is_empty(),
            publications,
            deadline => deadline.to_string(),
            overdue => today > deadline,
            year_over => today.year() > c.year,
            article => minijinja::Value::from_safe_string(article),
            notice => notice(q),
            error,
        },
    )?;
    Ok((status, html).into_response())
}

/// The workspace.
pub async fn show(
    State(state): State<AppState>,
    scope: AgencyScope,
    Path(YearPath { year }): Path<YearPath>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let c = load(&state, &scope, &year).await?;
    render(
        &state,
        &scope.staff,
        &c,
        q.notice.as_deref(),
        None,
        StatusCode::OK,
    )
    .await
}

/// Saves the staff-written text.
pub async fn save(
    State(state): State<AppState>,
    scope: AgencyScope<ReportEditor>,
    Path(YearPath { year }): Path<YearPath>,
    Form(form): Form<TextsForm>,
) -> Result<Response, AppError> {
    let c = load(&state, &scope, &year).await?;
    let s = &scope.staff;
    let texts: StaffTexts = form.into();
    if PARTS
        .iter()
        .any(|(k, _)| part(&texts, k).chars().count() > 20_000)
    {
        return render(
            &state,
            s,
            &c,
            None,
            Some("每部分不超过20000字。".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    state
        .store
        .set_report_texts(&c.agency.slug, c.year, &texts, s.by(state.clock.now()))
        .await?;
    Ok(Redirect::to(&format!(
        "/admin/agencies/{}/reports/{}?notice=texts_saved",
        c.agency.slug, c.year
    ))
    .into_response())
}

/// The publish form's field.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct PublishForm {
    note: String,
}

/// Publishes the report — refused while an error-level finding remains or the year is not over;
/// a second publication is a correction and needs a note.
pub async fn publish(
    State(state): State<AppState>,
    scope: AgencyScope<ReportEditor>,
    Path(YearPath { year }): Path<YearPath>,
    Form(form): Form<PublishForm>,
) -> Result<Response, AppError> {
    let c = load(&state, &scope, &year).await?;
    let s = &scope.staff;
    let today = state.clock.today();
    if today.year() <= c.year {
        return render(
            &state,
            s,
            &c,
            None,
            Some(format!("{}年尚未结束，年度报告在次年发布。", c.year)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let (report, mut all) = state
        .store
        .checked_report(&c.agency.slug, c.year, today)
        .await?;
    let texts = state.store.staff_texts(&c.agency.slug, c.year).await?;
    let last = state.store.staff_texts(&c.agency.slug, c.year - 1).await?;
    all.extend(copied_text(&state, &c, &texts, &last).await?);
    let errors = all.iter().filter(|f| f.severity == Severity::Error).count();
    if errors > 0 {
        return render(
            &state,
            s,
            &c,
            None,
            Some(format!("还有{errors}项错误未改正，改正后才能发布。")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match state
        .store
        .publish_report(
            &c.agency.slug,
            &report,
            &form.note,
            s.by(state.clock.now()),
            today,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/admin/agencies/{}/reports/{}?notice=published",
            c.agency.slug, c.year
        ))
        .into_response()),
        Err(gongkai_store::StoreError::Rejected(gongkai_core::Rejection {
            message: m, ..
        })) => {
            render(
                &state,
                s,
                &c,
                None,
                Some(m),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

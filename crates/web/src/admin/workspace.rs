//! The annual report workspace of one agency and year: the figures computed live, the text staff
//! write beside last year's, every check — including text copied from last year or from a sibling
//! agency — and publication, which the checks block while an error remains. The rules (which parts,
//! how long, what counts as copied, when a report may be published) are
//! `gongkai_core::report::workspace`'s.

use axum::extract::{Form, FromRequestParts, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use gongkai_core::auth::Duty;
use gongkai_core::report::text as report_text;
use gongkai_core::report::workspace::{PARTS, default_part, follow_up_draft, ready_to_publish};
use gongkai_core::report::{AnnualReport, Finding, Severity, StaffTexts};
use gongkai_core::{Agency, Rejection};
use gongkai_store::StoreError;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::dashboard::NoticeQuery;
use super::{back_to, notice, page, report_year};
use crate::AppState;
use crate::error::AppError;
use crate::extract::{AgencyScope, Read, ReportApprover, ReportEditor, Requirement, path_param};
use crate::views::{AgencyView, FindingRow};

/// One agency's report of one year, as a page of the workspace needs it: the agency's scope (the
/// person meets `R`), the route's `{year}` checked as a working year, and the sibling agencies whose
/// text is compared with this one's.
pub struct Ctx<R: Requirement = Read> {
    scope: AgencyScope<R>,
    siblings: Vec<Agency>,
    year: i32,
}

impl<R: Requirement> FromRequestParts<AppState> for Ctx<R> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let scope = AgencyScope::<R>::from_request_parts(parts, state).await?;
        let year = path_param(parts, state, "year")
            .await
            .map_err(IntoResponse::into_response)?;
        let year = report_year(state, &year).map_err(IntoResponse::into_response)?;
        let agency = &scope.agency;
        // Agencies under the same parent write about the same year: their text is compared.
        let siblings = state
            .store
            .list_agencies()
            .await
            .map_err(|e| AppError::from(e).into_response())?
            .iter()
            .filter(|a| a.slug != agency.slug && a.parent.is_some() && a.parent == agency.parent)
            .cloned()
            .collect();
        Ok(Self {
            scope,
            siblings,
            year,
        })
    }
}

impl<R: Requirement> Ctx<R> {
    fn agency(&self) -> &Agency {
        &self.scope.agency
    }

    /// The year's draft as it stands.
    async fn draft(&self, state: &AppState) -> Result<Draft, AppError> {
        let slug = &self.agency().slug;
        let (report, mut findings, texts) = state
            .store
            .draft_report(slug, self.year, state.clock.today())
            .await?;
        let last = state.store.staff_texts(slug, self.year - 1).await?;
        findings.extend(texts.copied_from(&last, &format!("{}年度报告", self.year - 1)));
        for sibling in &self.siblings {
            let theirs = state.store.staff_texts(&sibling.slug, self.year).await?;
            let whose = format!("{}的{}年度报告", sibling.name, self.year);
            findings.extend(texts.copied_from(&theirs, &whose));
        }
        Ok(Draft {
            report,
            findings,
            texts,
            last,
        })
    }

    /// Back to the workspace after a change.
    fn back(&self, notice: &str) -> Response {
        back_to(
            self.agency(),
            &format!("/reports/{}?notice={notice}", self.year),
        )
    }

    /// The workspace again, saying why nothing was changed.
    async fn refused(&self, state: &AppState, why: Rejection) -> Result<Response, AppError> {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        Box::pin(render(state, self, None, Some(why.message), status, None)).await
    }

    /// A page of the workspace (`name`) showing `report` as the public will read it, with what
    /// every such page says (agency, year, may edit, notice, error) and the page's own `extra`.
    fn reply(
        &self,
        name: &str,
        report: &AnnualReport,
        (q, error): (Option<&str>, Option<String>),
        status: StatusCode,
        extra: minijinja::Value,
    ) -> Result<Response, AppError> {
        let article =
            gongkai_docs::html_fragment(report).map_err(|e| AppError::Internal(e.into()))?;
        let html = page(
            &self.scope.staff,
            name,
            context! {
                agency => AgencyView::from(self.agency()),
                year => self.year,
                can_edit => self.scope.may(Duty::EditReport),
                article => minijinja::Value::from_safe_string(article),
                notice => notice(q),
                error,
                ..extra
            },
        )?;
        Ok((status, html).into_response())
    }
}

/// The report computed live, every finding (the cross-checks and the copied-text check), and the
/// text of this year and last.
struct Draft {
    report: AnnualReport,
    findings: Vec<Finding>,
    texts: StaffTexts,
    last: StaffTexts,
}

impl Draft {
    fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }
}

#[derive(Serialize)]
struct PartView {
    key: &'static str,
    heading: &'static str,
    /// In the report's line format: what the plain textarea shows and sends.
    text: String,
    /// The same as HTML, for the editor to start from.
    html: String,
    /// Last year's part, as HTML.
    last: String,
}

/// Renders the workspace page; `typed`, the texts as posted when they were refused, fill the
/// form in place of the saved ones so that nothing typed is lost.
async fn render<R: Requirement>(
    state: &AppState,
    c: &Ctx<R>,
    q: Option<&str>,
    error: Option<String>,
    status: StatusCode,
    typed: Option<&StaffTexts>,
) -> Result<Response, AppError> {
    let draft = Box::pin(c.draft(state)).await?;
    let parts: Vec<PartView> = PARTS
        .iter()
        .map(|(key, heading)| {
            let mut text = typed.unwrap_or(&draft.texts).part(key).to_owned();
            if *key == "problems" && text.is_empty() {
                text = follow_up_draft(&draft.last.problems);
            }
            if text.is_empty() {
                text = default_part(key, &c.agency().name, c.year);
            }
            PartView {
                key,
                heading,
                html: report_text::html(&text),
                text,
                last: report_text::html(draft.last.part(key)),
            }
        })
        .collect();
    let findings: Vec<FindingRow> = draft.findings.iter().map(FindingRow::from).collect();
    let publications: Vec<_> = state
        .store
        .publications(&c.agency().slug, c.year)
        .await?
        .into_iter()
        .map(|p| context! { version => p.version, at => gongkai_store::audit_time(p.published_at.timestamp_millis()), by => p.published_by, note => p.note })
        .collect();
    let deadline = state.store.report_due_date(c.agency(), c.year).await?;
    let today = state.clock.today();
    let report = &draft.report;
    c.reply(
        "admin/workspace.html",
        report,
        (q, error),
        status,
        context! {
            generated => context! { proactive => report.sections.proactive.clone(), on_request => report.sections.on_request.clone(), fees => report.sections.fees.clone() },
            parts => Serde(parts),
            findings => Serde(findings),
            errors => draft.errors(),
            published => !publications.is_empty(),
            publications,
            deadline => deadline.to_string(),
            overdue => today > deadline,
            year_over => today.year() > c.year,
        },
    )
}

/// The workspace.
pub async fn show(
    State(state): State<AppState>,
    c: Ctx,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    Box::pin(render(
        &state,
        &c,
        q.notice.as_deref(),
        None,
        StatusCode::OK,
        None,
    ))
    .await
}

/// The workspace's form: every part, and `edited_as=html` when the editor sent its HTML (a
/// page without JavaScript sends the line format itself).
#[derive(Debug, Deserialize)]
pub struct TextsForm {
    #[serde(flatten)]
    texts: StaffTexts,
    #[serde(default)]
    edited_as: String,
}

/// Saves the staff-written text.
pub async fn save(
    State(state): State<AppState>,
    c: Ctx<ReportEditor>,
    Form(form): Form<TextsForm>,
) -> Result<Response, AppError> {
    let mut texts = form.texts;
    for key in StaffTexts::KEYS {
        if let Some(part) = texts.part_mut(key) {
            *part = if form.edited_as == "html" {
                crate::rich_text::report_text(part)
            } else {
                // A textarea's line breaks arrive as CR LF.
                part.replace("\r\n", "\n")
            };
        }
    }
    if let Err(why) = texts.check() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return Box::pin(render(
            &state,
            &c,
            None,
            Some(why.message),
            status,
            Some(&texts),
        ))
        .await;
    }
    state
        .store
        .set_report_texts(&c.agency().slug, c.year, &texts, c.scope.by(&state))
        .await?;
    Ok(c.back("texts_saved"))
}

/// The publish form's field.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct PublishForm {
    note: String,
}

/// The confirmation page: what will be published, exactly as the public will read it, and — once
/// asked for — the 分管领导's approval or return. Publication is a decision of two people.
pub async fn confirm(
    State(state): State<AppState>,
    c: Ctx,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    confirm_page(&state, &c, q.notice.as_deref(), None).await
}

async fn confirm_page<R: Requirement>(
    state: &AppState,
    c: &Ctx<R>,
    q: Option<&str>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let today = state.clock.today();
    let pending = state
        .store
        .pending_proposal(&c.agency().slug, c.year)
        .await?;
    let published = state.store.publications(&c.agency().slug, c.year).await?;
    let me = c.scope.staff.principal.user_id;
    let (report, blocked) = if let Some(p) = &pending {
        (p.report.clone(), None)
    } else {
        let draft = Box::pin(c.draft(state)).await?;
        let blocked = ready_to_publish(c.year, today, draft.errors())
            .err()
            .map(|r| r.message);
        (draft.report, blocked)
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    c.reply(
        "admin/report_publish.html",
        &report,
        (q, error),
        status,
        context! {
            correction => !published.is_empty(),
            next_version => published.len() + 1,
            blocked,
            pending => pending.as_ref().map(|p| context! {
                id => p.id,
                by => p.proposed_by.clone(),
                at => gongkai_store::audit_time(p.proposed_at.timestamp_millis()),
                note => p.note.clone(),
                mine => p.proposed_by_id == Some(me),
            }),
            can_approve => c.scope.may(Duty::ApproveReport),
        },
    )
}

/// Asks the 分管领导 to approve publication of the report as the confirmation page showed it —
/// refused while an error-level finding remains or the year is not over; a second publication is
/// a correction and needs a note.
pub async fn publish(
    State(state): State<AppState>,
    c: Ctx<ReportEditor>,
    Form(form): Form<PublishForm>,
) -> Result<Response, AppError> {
    let today = state.clock.today();
    let draft = Box::pin(c.draft(&state)).await?;
    if let Err(why) = ready_to_publish(c.year, today, draft.errors()) {
        return c.refused(&state, why).await;
    }
    let proposed = state
        .store
        .propose_report(
            &c.agency().slug,
            &draft.report,
            &form.note,
            c.scope.by(&state),
        )
        .await;
    let then = back_to(
        c.agency(),
        &format!("/reports/{}/publish?notice=proposed", c.year),
    );
    decided(&state, &c, proposed.map(drop), then).await
}

/// The 分管领导's decision on a proposal: `approve` publishes the report exactly as proposed
/// (recorded in the audit trail with both names); `return` sends it back with a reason and
/// publishes nothing. The proposal is named so that what is decided is what was shown.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    decision: String,
    proposal: i64,
    reason: String,
}

/// The 分管领导 approves or returns the proposal waiting.
pub async fn decide(
    State(state): State<AppState>,
    c: Ctx<ReportApprover>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, AppError> {
    let (slug, by) = (&c.agency().slug, c.scope.by(&state));
    let (outcome, then) = match form.decision.as_str() {
        "approve" => {
            let may = c.scope.may(Duty::ApproveReport);
            let today = state.clock.today();
            let approved = state
                .store
                .approve_report(slug, c.year, form.proposal, may, by, today)
                .await;
            (approved.map(drop), "published")
        }
        "return" => {
            let returned = state
                .store
                .return_report(slug, c.year, form.proposal, &form.reason, by)
                .await;
            (returned, "returned")
        }
        _ => return Err(AppError::Unprocessable("请选择批准发布或退回。".into())),
    };
    decided(&state, &c, outcome, c.back(then)).await
}

/// Where a decision taken on the confirmation page leads: on when the store took it, back to the
/// confirmation page with the reason when a rule refused it.
async fn decided<R: Requirement>(
    state: &AppState,
    c: &Ctx<R>,
    outcome: Result<(), StoreError>,
    then: Response,
) -> Result<Response, AppError> {
    match outcome {
        Ok(()) => Ok(then),
        Err(StoreError::Rejected(why)) => confirm_page(state, c, None, Some(why.message)).await,
        Err(e) => Err(e.into()),
    }
}

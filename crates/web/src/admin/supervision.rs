//! The staff side of 监督保障: the enquiry and complaint queue with reply-time statistics, the
//! quarterly results of public evaluation, 人大代表建议 / 政协提案 records, and the accountability
//! view (责任考核) per officer and per agency.

use std::collections::BTreeMap;

use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use gongkai_core::auth::Duty;
use gongkai_core::supervision::Proposal;
use gongkai_core::supervision::{ProposalKind, REPLY_WORKING_DAYS};
use gongkai_store::StoreError;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use super::{back_to, page, tree};
use crate::AppState;
use crate::error::AppError;
use crate::extract::{AgencyAdmin, AgencyScope, CaseOfficerOrAdmin, MessagePath};
use crate::views::{AgencyView, Choice};

fn invalid(e: StoreError) -> AppError {
    e.into()
}

/// `?year=`.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    year: Option<i32>,
    /// The page of the message list, from 1.
    #[serde(deserialize_with = "crate::extract::page_number")]
    page: usize,
    /// `xlsx` for a workbook instead of the page.
    format: String,
}

/// The queue of enquiries and complaints, with this year's reply-time statistics.
pub async fn messages(
    State(state): State<AppState>,
    scope: AgencyScope,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let today = state.clock.today();
    let year = q.year.unwrap_or(today.year());
    let messages = state.store.messages(&agency.slug).await?;
    let reply_times: Vec<_> = state
        .store
        .reply_stats(&agency.slug, year, &state.calendar, today)
        .await?
        .into_iter()
        .map(|(k, st)| context! { kind => k.label(), stats => Serde(st), average => st.average() })
        .collect();
    let rows: Vec<_> = messages
        .iter()
        .map(|m| {
            context! {
                code => m.tracking_code.clone(),
                kind => m.kind.label(),
                subject => m.subject.clone(),
                received => m.received_on.to_string(),
                assignee => m.assignee.as_ref().map(|(_, n)| n.clone()),
                replied => m.replied_on.map(|d| d.to_string()),
                published => m.published,
                overdue => m.replied_on.is_none()
                    && gongkai_core::supervision::reply_late(&state.calendar, m.received_on, today),
            }
        })
        .collect();
    let base = format!("/admin/agencies/{}/messages?year={year}&", agency.slug);
    let (rows, pager) = crate::views::paginate(rows, q.page, crate::views::PER_PAGE, &base);
    Ok(page(
        s,
        "admin/messages.html",
        context! {
            agency => AgencyView::from(agency),
            rows, stats => reply_times, year, target => REPLY_WORKING_DAYS,
            pager => Serde(pager),
        },
    )?
    .into_response())
}

/// One message: the writer's text and contact (staff only), assignment and the reply form.
pub async fn message(
    State(state): State<AppState>,
    scope: AgencyScope,
    Path(MessagePath { message: code }): Path<MessagePath>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let m = state
        .store
        .message(&agency.slug, &code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("没有查询码为 {code} 的留言。")))?;
    let can_reply = scope.may(Duty::AnswerMessages);
    let officers = if can_reply {
        crate::admin::cases::officers(&state, agency).await?
    } else {
        Vec::new()
    };
    Ok(page(
        s,
        "admin/message.html",
        context! {
            agency => AgencyView::from(agency),
            m => Serde(&m),
            kind => m.kind.label(),
            can_reply,
            officers => Serde(officers),
        },
    )?
    .into_response())
}

/// `user`.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct AssignForm {
    user: i64,
}

/// Assigns a message to a case officer of the agency.
pub async fn assign_message(
    State(state): State<AppState>,
    scope: AgencyScope<CaseOfficerOrAdmin>,
    Path(MessagePath { message: code }): Path<MessagePath>,
    Form(form): Form<AssignForm>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let officers = crate::admin::cases::officers(&state, agency).await?;
    if !officers.iter().any(|o| o.id == form.user) {
        return Err(AppError::Unprocessable(
            "只能交办给本机关的依申请公开经办人。".into(),
        ));
    }
    state
        .store
        .assign_message(&agency.slug, &code, form.user, s.by(state.clock.now()))
        .await
        .map_err(invalid)?;
    Ok(back_to(agency, &format!("/messages/{code}")))
}

/// `reply`, `publish`.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ReplyForm {
    reply: String,
    publish: String,
}

/// Records the reply (once) and publishes question and answer if chosen and agreed.
pub async fn reply_message(
    State(state): State<AppState>,
    scope: AgencyScope<CaseOfficerOrAdmin>,
    Path(MessagePath { message: code }): Path<MessagePath>,
    Form(form): Form<ReplyForm>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    state
        .store
        .reply_message(
            &agency.slug,
            &code,
            &form.reply,
            form.publish == "on",
            s.by(state.clock.now()),
        )
        .await
        .map_err(invalid)?;
    Ok(back_to(agency, &format!("/messages/{code}")))
}

/// Public evaluation by quarter, with the comments.
pub async fn evaluations(
    State(state): State<AppState>,
    scope: AgencyScope,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let year = q.year.unwrap_or(state.clock.today().year());
    let (quarters, comments) = state.store.evaluation_results(&agency.slug, year).await?;
    let figures = state.store.supervision_figures(&agency.slug, year).await?;
    Ok(page(
        s,
        "admin/evaluations.html",
        context! {
            agency => AgencyView::from(agency),
            year,
            quarters => quarters.iter().map(|(n, st)| context! {
                quarter => n, count => st.count, average => st.average(), satisfied => st.satisfied_percent(),
            }).collect::<Vec<_>>(),
            comments => comments.into_iter().map(|(on, rating, comment, title)| context! {
                date => on.to_string(), rating, comment, title,
            }).collect::<Vec<_>>(),
            sentence => figures.sentence(year),
            proposals_sentence => figures.proposals_sentence(year, &gongkai_core::letter::default_number_prefix(&agency.name)),
        },
    )?
    .into_response())
}

/// 人大代表建议 / 政协提案 of the agency, and the form to add one.
pub async fn proposals(
    State(state): State<AppState>,
    scope: AgencyScope,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let rows: Vec<_> = state
        .store
        .proposals(&agency.slug)
        .await?
        .into_iter()
        .map(|p| {
            let label = ProposalKind::from_key(&p.kind).map(ProposalKind::label);
            context! { p => Serde(p), label }
        })
        .collect();
    Ok(page(
        s,
        "admin/proposals.html",
        context! {
            agency => AgencyView::from(agency),
            rows,
            can_edit => scope.may(Duty::Administer),
            year => state.clock.today().year(),
            kinds => Choice::all(ProposalKind::ALL.map(|k| (k.key(), k.label()))),
        },
    )?
    .into_response())
}

/// The proposal form (dates as `YYYY-MM-DD`, empty when not yet).
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ProposalForm {
    id: i64,
    kind: String,
    year: i32,
    number: String,
    title: String,
    submitter: String,
    lead: String,
    received_on: String,
    replied_on: String,
    result: String,
    published_on: String,
}

fn date(field: &str, value: &str) -> Result<Option<NaiveDate>, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse().map(Some).map_err(|_| {
        AppError::Unprocessable(format!(
            "{field}“{v}”不是有效日期，请写成 2025-03-01 的形式。"
        ))
    })
}

/// Saves a suggestion or proposal (new, or its reply and publication later).
pub async fn save_proposal(
    State(state): State<AppState>,
    scope: AgencyScope<AgencyAdmin>,
    Form(form): Form<ProposalForm>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let p = Proposal {
        id: form.id,
        kind: form.kind.clone(),
        year: form.year,
        number: form.number.clone(),
        title: form.title.clone(),
        submitter: form.submitter.clone(),
        lead: form.lead == "on",
        received_on: date("交办日期", &form.received_on)?,
        replied_on: date("答复日期", &form.replied_on)?,
        result: form.result.clone(),
        published_on: date("公开日期", &form.published_on)?,
    };
    state
        .store
        .save_proposal(&agency.slug, &p, s.by(state.clock.now()))
        .await
        .map_err(invalid)?;
    Ok(back_to(agency, "/proposals"))
}

const HEADINGS_AGENCY: [&str; 9] = [
    "机关",
    "审核次数",
    "审核用时（工作日）",
    "发布信息",
    "逾期发布",
    "答复申请",
    "逾期答复",
    "答复留言",
    "超时答复留言",
];
const HEADINGS_PERSON: [&str; 9] = [
    "人员",
    "审核次数",
    "审核用时（工作日）",
    "起草发布",
    "逾期发布",
    "答复申请",
    "逾期答复",
    "答复留言",
    "超时答复留言",
];

fn record_row(name: &str, r: &gongkai_core::accountability::OfficerRecord) -> Vec<String> {
    let mut row = vec![name.to_owned()];
    row.extend(
        [
            r.reviews,
            r.review_days,
            r.items,
            r.items_late,
            r.requests,
            r.requests_late,
            r.messages,
            r.messages_late,
        ]
        .map(|n| n.to_string()),
    );
    row
}

/// 责任考核: per officer and per agency (this one and those below it), review latency, items
/// published after their column's time limit, requests answered late, messages answered late.
pub async fn accountability(
    State(state): State<AppState>,
    scope: AgencyScope,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let (agencies, tree) = tree(&state).await?;
    let year = q.year.unwrap_or(state.clock.today().year());
    let mut slugs = vec![agency.slug.clone()];
    for a in &agencies {
        if a.slug != agency.slug
            && tree.is_within(&a.slug, &agency.slug)
            && s.principal.can_read(&a.slug, &tree)
        {
            slugs.push(a.slug.clone());
        }
    }
    let mut per_agency = Vec::new();
    let mut agency_rows = Vec::new();
    let mut officers: BTreeMap<String, gongkai_core::accountability::OfficerRecord> =
        BTreeMap::new();
    for slug in &slugs {
        let record = state
            .store
            .accountability(slug, year, &state.calendar, state.settings.periods)
            .await?;
        let name = agencies
            .iter()
            .find(|a| &a.slug == slug)
            .map(|a| a.name.clone())
            .unwrap_or_default();
        for (who, o) in &record.officers {
            officers.entry(who.clone()).or_default().merge(o);
        }
        agency_rows.push(record_row(&name, &record.total));
        per_agency.push(context! { slug => slug.to_string(), name, r => Serde(record.total) });
    }
    if q.format == "xlsx" {
        let officer_rows: Vec<_> = officers.iter().map(|(n, r)| record_row(n, r)).collect();
        let bytes = gongkai_docs::tables_xlsx(
            &format!("{}{year}年政务公开责任考核", agency.name),
            &[
                gongkai_docs::Sheet {
                    name: "按机关",
                    headings: &HEADINGS_AGENCY,
                    rows: agency_rows,
                },
                gongkai_docs::Sheet {
                    name: "按人员",
                    headings: &HEADINGS_PERSON,
                    rows: officer_rows,
                },
            ],
        )
        .map_err(|e| AppError::Internal(e.into()))?;
        return Ok(crate::views::workbook(
            &format!("{}-{year}-accountability.xlsx", agency.slug),
            bytes,
        ));
    }
    Ok(page(
        s,
        "admin/accountability.html",
        context! {
            agency => AgencyView::from(agency),
            year,
            per_agency,
            officers => officers.into_iter().map(|(name, r)| context! { name, r => Serde(r) }).collect::<Vec<_>>(),
        },
    )?
    .into_response())
}

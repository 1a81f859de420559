//! The case officer's side of disclosure on request: the agency's queue ordered by due date, with
//! the filters the statutory clock makes urgent, and each request's page where every step is applied
//! through `core::workflow`. Personal data is shown only to the agency's case officers and
//! administrators — not to the oversight office.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use gongkai_core::auth::Role;
use gongkai_core::deadline::{Periods, deadlines};
use gongkai_core::workflow::{Event, Urgency};
use gongkai_core::{Agency, Outcome};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::{notice, page, readable};
use crate::AppState;
use crate::error::AppError;
use crate::session::{ActiveSession, Staff};

/// `?filter=` of the queue.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct QueueQuery {
    filter: String,
    notice: Option<String>,
}

#[derive(Serialize)]
struct Row {
    code: String,
    received: String,
    status: &'static str,
    due: String,
    urgency: &'static str,
    description: String,
}

/// The queue: open requests, most urgent first.
pub async fn queue(
    State(state): State<AppState>,
    Staff(s): Staff,
    Path(slug): Path<String>,
    Query(q): Query<QueueQuery>,
) -> Result<Response, AppError> {
    let (agency, _, _) = readable(&state, &s.principal, &slug).await?;
    let today = state.clock.today();
    let cal = &state.calendar;
    let mut rows: Vec<(Option<NaiveDate>, Row)> = state
        .store
        .open_requests(&agency.slug)
        .await?
        .into_iter()
        .filter_map(|r| {
            let due = r.state.due(cal, today);
            let urgency = r.state.urgency(cal, today);
            let keep = match q.filter.as_str() {
                "overdue" => urgency == Urgency::Overdue,
                "due_soon" => urgency == Urgency::DueSoon,
                "clarification" => urgency == Urgency::AwaitingClarification,
                _ => true,
            };
            keep.then(|| {
                (
                    due,
                    Row {
                        code: r.code,
                        received: r.state.received_on.to_string(),
                        status: r.state.status.label(),
                        due: due.map(|d| d.to_string()).unwrap_or_default(),
                        urgency: urgency.label(),
                        description: r.description.chars().take(60).collect(),
                    },
                )
            })
        })
        .collect();
    rows.sort_by_key(|(due, _)| due.unwrap_or(NaiveDate::MAX));
    let rows: Vec<Row> = rows.into_iter().map(|(_, r)| r).collect();
    let html = page(
        &s,
        "admin/requests.html",
        context! {
            agency => context! { slug => agency.slug.to_string(), name => agency.name.clone() },
            rows => Serde(rows),
            filter => q.filter,
            notice => notice(q.notice.as_deref()),
        },
    )?;
    Ok(html.into_response())
}

fn may_handle(s: &ActiveSession, agency: &Agency) -> bool {
    s.principal.can_act(&agency.slug, Role::CaseOfficer)
}

fn may_see_person(s: &ActiveSession, agency: &Agency) -> bool {
    may_handle(s, agency) || s.principal.can_administer(&agency.slug)
}

#[derive(Serialize)]
struct Choice {
    value: &'static str,
    label: &'static str,
}

async fn case_page(
    state: &AppState,
    s: &ActiveSession,
    agency: &Agency,
    code: &str,
    error: Option<String>,
    notice: Option<&str>,
) -> Result<Response, AppError> {
    let not_found = || AppError::NotFound(format!("没有查询码为“{code}”的申请。"));
    let (request, steps) = state
        .store
        .request_history(&agency.slug, code)
        .await?
        .ok_or_else(not_found)?;
    let today = state.clock.today();
    let clock = deadlines(
        &state.calendar,
        &request.state.clock_facts(today),
        Periods::default(),
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    let person = if may_see_person(s, agency) {
        state.store.requester(&agency.slug, code).await?
    } else {
        None
    };
    let history: Vec<_> = steps
        .iter()
        .map(|st| context! { what => st.event.summary(), actor => st.actor.clone(), at => gongkai_store::audit_time(st.at.timestamp_millis()) })
        .collect();
    let outcomes: Vec<Choice> = Outcome::ALL
        .iter()
        .map(|o| Choice {
            value: o.key(),
            label: o.label(),
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let html = page(
        s,
        "admin/request.html",
        context! {
            agency => context! { slug => agency.slug.to_string(), name => agency.name.clone() },
            code,
            request => context! {
                status => request.state.status.label(),
                received => request.state.received_on.to_string(),
                kind => request.state.requester.label(),
                channel => request.channel.clone(),
                description => request.description.clone(),
                decided => request.state.decided.map(|d| format!("{} {}", d.on, d.outcome.label())),
            },
            clock => context! {
                due => clock.due.map(|d| d.to_string()),
                notice_due => clock.clarification_notice_due.to_string(),
                provisional => clock.provisional,
            },
            person => person.map(|p| context! { name => p.name, id_document => p.id_document, contact => p.contact, address => p.address }),
            history,
            can_handle => may_handle(s, agency),
            outcomes => Serde(outcomes),
            today => today.to_string(),
            error,
            notice,
        },
    )?;
    Ok((status, html).into_response())
}

/// One request.
pub async fn show(
    State(state): State<AppState>,
    Staff(s): Staff,
    Path((slug, code)): Path<(String, String)>,
    Query(q): Query<QueueQuery>,
) -> Result<Response, AppError> {
    let (agency, _, _) = readable(&state, &s.principal, &slug).await?;
    case_page(
        &state,
        &s,
        &agency,
        &code,
        None,
        notice(q.notice.as_deref()),
    )
    .await
}

/// A step's form: which step, its date, and what some steps need.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct StepForm {
    step: String,
    on: String,
    outcome: String,
    approved_by: String,
}

fn event(form: &StepForm) -> Result<Event, String> {
    let on: NaiveDate = form
        .on
        .trim()
        .parse()
        .map_err(|_| "请填写日期（年-月-日）。".to_owned())?;
    Ok(match form.step.as_str() {
        "accept" => Event::Accept { on },
        "clarification_request" => Event::RequestClarification { on },
        "clarified" => Event::Clarified { on },
        "clarification_lapsed" => Event::ClarificationLapsed { on },
        "consultation_start" => Event::StartConsultation { on },
        "consultation_end" => Event::EndConsultation { on },
        "extend" => {
            let by = form.approved_by.trim();
            if by.is_empty() {
                return Err("延期须写明批准人（政府信息公开工作机构负责人）。".into());
            }
            Event::Extend {
                on,
                approved_by: by.to_owned(),
            }
        }
        "decide" => Event::Decide {
            on,
            outcome: form
                .outcome
                .parse()
                .map_err(|_| "请选择办理结果。".to_owned())?,
        },
        "close" => Event::Close { on },
        _ => return Err("请选择办理操作。".into()),
    })
}

/// Applies a step through the workflow; a refused step shows why and changes nothing.
pub async fn step(
    State(state): State<AppState>,
    Staff(s): Staff,
    Path((slug, code)): Path<(String, String)>,
    Form(form): Form<StepForm>,
) -> Result<Response, AppError> {
    let (agency, _, _) = readable(&state, &s.principal, &slug).await?;
    if !may_handle(&s, &agency) {
        return Err(AppError::Forbidden(
            "只有本机关的依申请公开经办人可以办理申请。".into(),
        ));
    }
    let e = match event(&form) {
        Ok(e) => e,
        Err(why) => return case_page(&state, &s, &agency, &code, Some(why), None).await,
    };
    match state
        .store
        .apply_request_event(&agency.slug, &code, &e, &s.actor(), state.clock.now())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/admin/agencies/{}/requests/{code}?notice=step_done",
            agency.slug
        ))
        .into_response()),
        Err(gongkai_store::StoreError::Invalid(why)) => {
            case_page(&state, &s, &agency, &code, Some(why), None).await
        }
        Err(e) => Err(e.into()),
    }
}

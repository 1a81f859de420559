//! The case officer's side of disclosure on request: the agency's queue ordered by due date, with
//! the filters the statutory clock makes urgent and their counts (the agency's dashboard), each
//! request's page where every step is applied through `core::workflow` and issues its letter,
//! registration of requests that came by counter, post, fax or e-mail (receipt day by 第三十一条),
//! reassignment, and the 复议/诉讼 cases a request led to. Personal data is shown only to the
//! agency's case officers and administrators — not to the oversight office.

use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use gongkai_core::Rejection;
use gongkai_core::auth::{Duty, assignable};
use gongkai_core::deadline::deadlines;
use gongkai_core::fee::Charge;
use gongkai_core::intake::receipt_date;
use gongkai_core::workflow::{Event, Urgency};
use gongkai_core::{
    Agency, CaseKind, CaseResult, Channel, DecisionDetails, OutcomeGroup, RequesterKind,
};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::{back_to, by_rules, notice, page};
use crate::AppState;
use crate::error::AppError;
use crate::extract::{AgencyScope, CaseOfficer, LetterPath, RequestPath, Requirement};
use crate::portal::requests::{RequestForm, new_request};
use crate::views::{AgencyView, Choice, field_errors, form_status};
use gongkai_core::application::DELIVERY;

/// `?filter=` of the queue.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct QueueQuery {
    filter: String,
    notice: Option<String>,
    /// The page of the list, from 1.
    #[serde(deserialize_with = "crate::extract::page_number")]
    page: usize,
}

#[derive(Serialize)]
struct Row {
    code: String,
    received: String,
    status: &'static str,
    due: String,
    urgency: &'static str,
    description: String,
    assignee: String,
}

/// How many open requests need attention, by reason (the agency's dashboard).
#[derive(Debug, Default, Serialize)]
pub struct Counts {
    /// All open requests.
    pub open: usize,
    /// Past their due date.
    pub overdue: usize,
    /// Due within 5 working days.
    pub due_soon: usize,
    /// Waiting for 补正.
    pub clarification: usize,
    /// Waiting for a fee.
    pub payment: usize,
    /// Assigned to the viewer.
    pub mine: usize,
    /// Assigned to no one yet.
    pub unassigned: usize,
    /// Registered and not yet taken further (受理 or any later step).
    pub new: usize,
}

impl Counts {
    /// Counts an agency's open requests as of `today`, for the user `me`.
    pub fn of(
        open: &[gongkai_store::QueuedRequest],
        rules: gongkai_core::deadline::Rules<'_>,
        today: NaiveDate,
        me: i64,
    ) -> Self {
        let mut c = Self::default();
        for r in open {
            c.open += 1;
            c.mine += usize::from(r.assignee.as_ref().is_some_and(|(id, _)| *id == me));
            c.unassigned += usize::from(r.assignee.is_none());
            c.new += usize::from(r.state.status == gongkai_core::workflow::Status::Received);
            match r.state.urgency(rules.calendar, rules.periods, today) {
                Urgency::Overdue => c.overdue += 1,
                Urgency::DueSoon => c.due_soon += 1,
                Urgency::AwaitingClarification => c.clarification += 1,
                Urgency::AwaitingPayment => c.payment += 1,
                Urgency::Normal => {}
            }
        }
        c
    }
}

/// The requests no one has picked up — assigned to no one, or registered and not taken further —
/// oldest first, each with its code, 收到日期 and answer deadline (the dashboard lists a few).
pub(crate) fn waiting_pickup(
    open: &[gongkai_store::QueuedRequest],
    rules: gongkai_core::deadline::Rules<'_>,
    today: NaiveDate,
) -> Vec<Pickup> {
    let mut rows: Vec<Pickup> = open
        .iter()
        .filter(|r| {
            r.assignee.is_none() || r.state.status == gongkai_core::workflow::Status::Received
        })
        .map(|r| Pickup {
            code: r.code.clone(),
            received: r.state.received_on,
            due: r
                .state
                .due(rules.calendar, rules.periods, today)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            overdue: r.state.urgency(rules.calendar, rules.periods, today) == Urgency::Overdue,
            assigned: r.assignee.is_some(),
        })
        .collect();
    rows.sort_by_key(|p| (p.received, p.code.clone()));
    rows
}

/// A request waiting for someone to pick it up.
#[derive(Debug, Serialize)]
pub(crate) struct Pickup {
    code: String,
    received: NaiveDate,
    due: String,
    overdue: bool,
    assigned: bool,
}

/// The queue: open requests, most urgent first.
pub async fn queue(
    State(state): State<AppState>,
    scope: AgencyScope,
    Query(q): Query<QueueQuery>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let today = state.clock.today();
    let (cal, periods) = (&state.calendar, state.settings.periods);
    let me = s.principal.user_id;
    let open = state.store.open_requests(&agency.slug).await?;
    let counts = Counts::of(&open, state.rules(), today, me);
    let mut rows: Vec<(Option<NaiveDate>, Row)> = open
        .into_iter()
        .filter_map(|r| {
            let due = r.state.due(cal, periods, today);
            let urgency = r.state.urgency(cal, periods, today);
            let mine = r.assignee.as_ref().is_some_and(|(id, _)| *id == me);
            let keep = match q.filter.as_str() {
                "overdue" => urgency == Urgency::Overdue,
                "due_soon" => urgency == Urgency::DueSoon,
                "clarification" => urgency == Urgency::AwaitingClarification,
                "payment" => urgency == Urgency::AwaitingPayment,
                "mine" => mine,
                "unassigned" => r.assignee.is_none(),
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
                        assignee: r.assignee.map(|(_, n)| n).unwrap_or_default(),
                    },
                )
            })
        })
        .collect();
    rows.sort_by_key(|(due, _)| due.unwrap_or(NaiveDate::MAX));
    let rows: Vec<Row> = rows.into_iter().map(|(_, r)| r).collect();
    let base = format!(
        "/admin/agencies/{}/requests?filter={}&",
        agency.slug,
        form_urlencoded::byte_serialize(q.filter.as_bytes()).collect::<String>()
    );
    let (rows, pager) = crate::views::paginate(rows, q.page, crate::views::PER_PAGE, &base);
    let html = page(
        s,
        "admin/requests.html",
        context! {
            agency => AgencyView::from(agency),
            rows => Serde(rows),
            counts => Serde(counts),
            can_handle => scope.may(Duty::HandleRequests),
            filter => q.filter,
            notice => notice(q.notice.as_deref()),
            pager => Serde(pager),
        },
    )?;
    Ok(html.into_response())
}

/// A person requests and messages can be assigned to.
#[derive(Debug, Serialize)]
pub(crate) struct Officer {
    pub(crate) id: i64,
    pub(crate) name: String,
}

/// The agency's case officers, for the assignment lists (the rule is `core::auth::assignable`).
pub(crate) async fn officers(state: &AppState, agency: &Agency) -> Result<Vec<Officer>, AppError> {
    let grants = state.store.all_grants().await?;
    let users = state.store.list_users().await?;
    Ok(users
        .into_iter()
        .filter(|u| {
            let theirs = grants.iter().filter(|(id, _)| *id == u.id).map(|(_, g)| g);
            assignable(u.disabled, theirs, &agency.slug)
        })
        .map(|u| Officer {
            id: u.id,
            name: u.display_name,
        })
        .collect())
}

async fn case_page<R: Requirement>(
    state: &AppState,
    scope: &AgencyScope<R>,
    code: &str,
    error: Option<String>,
    notice: Option<&str>,
    form: Option<&StepForm>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let not_found = || AppError::NotFound(format!("没有查询码为“{code}”的申请。"));
    let (request, steps) = state
        .store
        .request_history(&agency.slug, code)
        .await?
        .ok_or_else(not_found)?;
    let today = state.clock.today();
    let periods = state.settings.periods;
    let clock = deadlines(&state.calendar, &request.state.clock_facts(today), periods)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    let person = if scope.may(Duty::SeePersonalData) {
        state.store.requester(&agency.slug, code).await?
    } else {
        None
    };
    let history: Vec<_> = steps
        .iter()
        .map(|st| context! { what => st.event.summary(), actor => st.actor.clone(), at => gongkai_store::audit_time(st.at.timestamp_millis()) })
        .collect();
    let outcomes = outcome_groups();
    let withheld_grounds = Choice::all(
        OutcomeGroup::Withheld
            .outcomes()
            .map(|o| (o.key(), o.label())),
    );
    let letters: Vec<_> = state
        .store
        .letters_of(&agency.slug, code)
        .await?
        .into_iter()
        .map(|l| context! { id => l.id, name => l.kind.short(), number => l.number, date => l.issued_on.to_string() })
        .collect();
    let files: Vec<_> = state
        .store
        .reply_files(&agency.slug, code)
        .await?
        .into_iter()
        .map(|f| context! { id => f.id, kind => gongkai_core::item::attachment_label(&f.name), size => crate::views::size_text(f.size), name => f.name })
        .collect();
    let cases: Vec<_> = state
        .store
        .request_cases(&agency.slug, code)
        .await?
        .into_iter()
        .map(|c| {
            context! {
                id => c.id,
                kind => c.kind.label(),
                filed => c.filed_on.to_string(),
                note => c.note,
                result => c.concluded.map(|(on, r)| format!("{on} {}", r.label())),
            }
        })
        .collect();
    let st = &request.state;
    let nth = if st.may_notify_fee() {
        Some(state.store.nth_request_in_month(&agency.slug, code).await?)
    } else {
        None
    };
    let officers = if scope.may(Duty::HandleRequests) {
        officers(state, agency).await?
    } else {
        Vec::new()
    };
    let status_key = st.status.key();
    super::form_page(
        s,
        "admin/request.html",
        form_status(error.is_some()),
        context! {
            agency => AgencyView::from(agency),
            code,
            request => context! {
                status => st.status.label(),
                status_key,
                received => st.received_on.to_string(),
                kind => st.requester.label(),
                channel => request.channel.label(),
                delivery => request.delivery.clone(),
                description => request.description.clone(),
                decided => st.decided.map(|d| format!("{} {}", d.on, d.outcome.label())),
                clarification_sent => st.clarification.is_some(),
                extended => st.extended.is_some(),
                assignee => request.assignee.as_ref().map(|(_, n)| n.clone()),
                assignee_id => request.assignee.as_ref().map(|(id, _)| *id),
                fee => st.fee.map(|f| context! {
                    what => f.charge.describe(),
                    paid => f.paid_on.map(|d| d.to_string()),
                    pay_by => st.fee_payment_due(&state.calendar, periods).map(|d| d.to_string()),
                }),
                nth_in_month => nth,
                nth_fee => nth.map(gongkai_core::fee::per_request_yuan),
            },
            clock => context! {
                due => clock.due.map(|d| d.to_string()),
                notice_due => clock.clarification_notice_due.to_string(),
                reply_due => st.clarification_reply_due(&state.calendar, periods).map(|d| d.to_string()),
                provisional => clock.provisional,
            },
            person => person.map(|p| context! { name => p.name, id_document => p.id_document, contact => p.contact, address => p.address }),
            history,
            letters,
            files,
            files_open => st.may_change_reply_files().is_ok(),
            cases,
            case_kinds => Choice::all(CaseKind::ALL.map(|k| (k.key(), k.label()))),
            case_results => Choice::all(CaseResult::ALL.map(|r| (r.key(), r.label()))),
            officers => Serde(officers),
            can_handle => scope.may(Duty::HandleRequests),
            outcomes,
            withheld_grounds,
            decide => Serde(form.filter(|f| f.step == "decide").cloned().unwrap_or_default()),
            form => Serde(form.cloned().unwrap_or_default()),
            today => today.to_string(),
            error,
            notice,
        },
    )
}

/// The outcomes an officer may choose, under the （一）…（六） headings of table 三 so that the
/// numbered sub-rows read in their context.
fn outcome_groups() -> Vec<minijinja::Value> {
    OutcomeGroup::ALL
        .into_iter()
        .filter_map(|g| {
            let options = Choice::all(
                g.outcomes()
                    .filter(|o| o.reserved_for_lapse().is_none())
                    .map(|o| {
                        let label = if g.has_sub_rows() {
                            format!("{}（{}）", o.label(), g.short_label())
                        } else {
                            o.label().to_owned()
                        };
                        (o.key(), label)
                    }),
            );
            (!options.is_empty()).then(|| context! { heading => g.label(), options })
        })
        .collect()
}

/// One request.
pub async fn show(
    State(state): State<AppState>,
    scope: AgencyScope,
    Path(RequestPath { code }): Path<RequestPath>,
    Query(q): Query<QueueQuery>,
) -> Result<Response, AppError> {
    case_page(
        &state,
        &scope,
        &code,
        None,
        notice(q.notice.as_deref()),
        None,
    )
    .await
}

/// A step's form: which step, its date, and what some steps need. It comes back filled in when a
/// step is refused, so nothing typed is lost.
#[derive(Debug, Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct StepForm {
    step: String,
    on: String,
    outcome: String,
    approved_by: String,
    reason: String,
    items: String,
    reasons: String,
    provided: String,
    withheld: String,
    withheld_ground: String,
    other_basis: String,
    referral: String,
    fee_method: String,
    pages: String,
}

fn date(s: &str) -> Result<NaiveDate, String> {
    s.trim()
        .parse()
        .map_err(|_| "请填写日期（年-月-日）。".to_owned())
}

fn event(form: &StepForm, nth_in_month: impl FnOnce() -> u32) -> Result<Event, String> {
    let on = date(&form.on)?;
    Ok(match form.step.as_str() {
        "accept" => Event::Accept { on },
        "clarification_request" => Event::RequestClarification {
            on,
            items: form.items.trim().to_owned(),
        },
        "clarified" => Event::Clarified { on },
        "clarification_lapsed" => Event::ClarificationLapsed { on },
        "consultation_start" => Event::StartConsultation { on },
        "consultation_end" => Event::EndConsultation { on },
        "extend" => Event::Extend {
            on,
            approved_by: form.approved_by.trim().to_owned(),
            reason: form.reason.trim().to_owned(),
        },
        "fee_notice" => {
            let charge = match form.fee_method.as_str() {
                "per_request" => Charge::PerRequest {
                    nth_in_month: nth_in_month(),
                },
                "per_page" => Charge::PerPage {
                    pages: form
                        .pages
                        .trim()
                        .parse()
                        .map_err(|_| "按量计收须填写页数（整数）。".to_owned())?,
                },
                _ => return Err("请选择收费方式（按件或按量，二者只能选一）。".into()),
            };
            Event::NotifyFee { on, charge }
        }
        "fee_paid" => Event::FeePaid { on },
        "fee_lapsed" => Event::FeeLapsed { on },
        "decide" => Event::Decide {
            on,
            outcome: form
                .outcome
                .parse()
                .map_err(|_| "请选择办理结果。".to_owned())?,
            details: DecisionDetails {
                reasons: form.reasons.trim().to_owned(),
                provided: form.provided.trim().to_owned(),
                withheld: form.withheld.trim().to_owned(),
                withheld_ground: match form.withheld_ground.trim() {
                    "" => None,
                    key => Some(
                        key.parse()
                            .map_err(|_| "请从列表中选择不予公开部分的依据。".to_owned())?,
                    ),
                },
                other_basis: form.other_basis.trim().to_owned(),
                referral: form.referral.trim().to_owned(),
            },
        },
        "close" => Event::Close { on },
        _ => return Err("请选择办理操作。".into()),
    })
}

fn back(agency: &Agency, code: &str, notice: &str) -> Response {
    back_to(agency, &format!("/requests/{code}?notice={notice}"))
}

/// Applies a step through the workflow, issuing its letter; a refused step shows why and changes
/// nothing.
pub async fn step(
    State(state): State<AppState>,
    scope: AgencyScope<CaseOfficer>,
    Path(RequestPath { code }): Path<RequestPath>,
    Form(form): Form<StepForm>,
) -> Result<Response, AppError> {
    let agency = &scope.agency;
    let nth = if form.step == "fee_notice" && form.fee_method == "per_request" {
        state
            .store
            .nth_request_in_month(&agency.slug, &code)
            .await?
    } else {
        0
    };
    let e = match event(&form, || nth) {
        Ok(e) => e,
        Err(why) => return case_page(&state, &scope, &code, Some(why), None, Some(&form)).await,
    };
    let applied = state
        .store
        .apply_request_event(&agency.slug, &code, &e, scope.by(&state), state.rules())
        .await;
    match by_rules(applied)? {
        Ok(_) => Ok(back(agency, &code, "step_done")),
        Err(why) => case_page(&state, &scope, &code, Some(why.message), None, Some(&form)).await,
    }
}

/// `assignee=` of the assignment form (empty: nobody).
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct AssignForm {
    assignee: String,
}

/// Assigns the request to one of the agency's case officers.
pub async fn assign(
    State(state): State<AppState>,
    scope: AgencyScope<CaseOfficer>,
    Path(RequestPath { code }): Path<RequestPath>,
    Form(form): Form<AssignForm>,
) -> Result<Response, AppError> {
    let agency = &scope.agency;
    let officers = officers(&state, agency).await?;
    let who = if form.assignee.trim().is_empty() {
        None
    } else {
        let id: i64 = form.assignee.trim().parse().unwrap_or(-1);
        match officers.iter().find(|o| o.id == id) {
            Some(o) => Some((o.id, o.name.as_str())),
            None => {
                return case_page(
                    &state,
                    &scope,
                    &code,
                    Some("只能指派给本机关的依申请公开经办人。".into()),
                    None,
                    None,
                )
                .await;
            }
        }
    };
    state
        .store
        .assign_request(&agency.slug, &code, who, scope.by(&state))
        .await?;
    Ok(back(agency, &code, "assigned"))
}

/// The case form: a new case, or the result of one.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct CaseForm {
    case_id: String,
    kind: String,
    filed_on: String,
    note: String,
    concluded_on: String,
    result: String,
}

/// Records a 复议/诉讼 case about the request, or its result.
pub async fn case(
    State(state): State<AppState>,
    scope: AgencyScope<CaseOfficer>,
    Path(RequestPath { code }): Path<RequestPath>,
    Form(form): Form<CaseForm>,
) -> Result<Response, AppError> {
    let agency = &scope.agency;
    let saved = match form.parse() {
        Ok(CaseStep::File(case)) => {
            let by = scope.by(&state);
            by_rules(
                state
                    .store
                    .record_request_case(&agency.slug, &code, &case, by)
                    .await,
            )?
        }
        Ok(CaseStep::Conclude { id, on, result }) => {
            let by = scope.by(&state);
            by_rules(
                state
                    .store
                    .conclude_case(&agency.slug, id, on, result, by)
                    .await,
            )?
        }
        Err(why) => Err(why),
    };
    match saved {
        Ok(()) => Ok(back(agency, &code, "case_saved")),
        Err(why) => case_page(&state, &scope, &code, Some(why.message), None, None).await,
    }
}

/// What the case form asks: a new case, or the result of one.
enum CaseStep {
    File(gongkai_store::NewCase),
    Conclude {
        id: i64,
        on: NaiveDate,
        result: CaseResult,
    },
}

impl CaseForm {
    fn parse(&self) -> Result<CaseStep, Rejection> {
        if self.case_id.trim().is_empty() {
            let kind = self
                .kind
                .parse::<CaseKind>()
                .map_err(|_| Rejection::field("kind", "请选择案件类型。"))?;
            Ok(CaseStep::File(gongkai_store::NewCase {
                kind,
                filed_on: date(&self.filed_on).map_err(Rejection::new)?,
                note: self.note.clone(),
            }))
        } else {
            let result = self
                .result
                .parse::<CaseResult>()
                .map_err(|_| Rejection::field("result", "请选择审结结果。"))?;
            Ok(CaseStep::Conclude {
                id: self.case_id.trim().parse().unwrap_or(-1),
                on: date(&self.concluded_on).map_err(Rejection::new)?,
                result,
            })
        }
    }
}

/// `?format=` of a letter download.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct FormatQuery {
    format: String,
}

/// A letter of the request, for staff who can read the agency.
pub async fn letter(
    State(state): State<AppState>,
    scope: AgencyScope,
    Path(LetterPath { code, letter }): Path<LetterPath>,
    Query(q): Query<FormatQuery>,
) -> Result<Response, AppError> {
    let l = state
        .store
        .letter(&scope.agency.slug, &code, letter)
        .await?
        .ok_or_else(|| AppError::NotFound("没有这份文书。".into()))?;
    crate::views::letter(&l, &q.format)
}

/// The staff registration form's fields: the public form's, plus how and when it arrived.
#[derive(Debug, Deserialize, Default, Serialize, Clone)]
#[serde(default)]
pub struct RegisterForm {
    channel: String,
    arrived_on: String,
    confirmed_on: String,
    #[serde(flatten)]
    request: RequestForm,
}

fn register_page<R: Requirement>(
    state: &AppState,
    scope: &AgencyScope<R>,
    form: &RegisterForm,
    errors: &[(&str, String)],
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    super::form_page(
        s,
        "admin/request_new.html",
        form_status(!errors.is_empty()),
        context! {
            agency => AgencyView::from(agency),
            form => Serde(form.clone()),
            channels => Channel::REGISTERED_BY_STAFF.map(|c| context! { value => c.key(), label => c.label(), rule => c.receipt_rule(), confirm => c.needs_confirmation() }),
            kinds => Choice::all(RequesterKind::ALL.map(|k| (k.key(), k.label()))),
            deliveries => Choice::all(DELIVERY.map(|d| (d, d))),
            errors => field_errors(errors),
            today => state.clock.today().to_string(),
            can_handle => scope.may(Duty::HandleRequests),
        },
    )
}

/// The form for requests that came by counter, post, fax or e-mail.
pub async fn register_form(
    State(state): State<AppState>,
    scope: AgencyScope,
) -> Result<Response, AppError> {
    let form = RegisterForm {
        channel: Channel::Counter.key().to_owned(),
        arrived_on: state.clock.today().to_string(),
        ..RegisterForm::default()
    };
    register_page(&state, &scope, &form, &[])
}

/// Registers a request that came by counter, post, fax or e-mail, with its receipt day fixed by
/// 第三十一条 from what the officer records.
pub async fn register(
    State(state): State<AppState>,
    scope: AgencyScope<CaseOfficer>,
    Form(form): Form<RegisterForm>,
) -> Result<Response, AppError> {
    let agency = &scope.agency;
    let mut errors = Vec::new();
    let channel = form
        .channel
        .parse::<Channel>()
        .ok()
        .filter(|c| Channel::REGISTERED_BY_STAFF.contains(c));
    if channel.is_none() {
        errors.push(("channel", "请选择申请渠道。".to_owned()));
    }
    let arrived = date(&form.arrived_on);
    if let Err(why) = &arrived {
        errors.push(("arrived_on", why.clone()));
    }
    let confirmed = if form.confirmed_on.trim().is_empty() {
        Ok(None)
    } else {
        date(&form.confirmed_on).map(Some)
    };
    if let Err(why) = &confirmed {
        errors.push(("confirmed_on", why.clone()));
    }
    let valid = form.request.application().check();
    if let Err(e) = &valid {
        errors.extend(e.iter().cloned());
    }
    let received = match (channel, arrived, confirmed) {
        (Some(c), Ok(a), Ok(cf)) => match receipt_date(c, a, cf, state.clock.today()) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(("confirmed_on", e.to_string()));
                None
            }
        },
        _ => None,
    };
    let (Some(channel), Some(received), Ok(checked), true) =
        (channel, received, valid, errors.is_empty())
    else {
        return register_page(&state, &scope, &form, &errors);
    };
    let new = new_request(checked, channel, received);
    let code = state
        .store
        .register_request(&agency.slug, &new, scope.by(&state), state.rules())
        .await?;
    Ok(back(agency, &code, "registered"))
}

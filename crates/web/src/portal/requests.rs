//! Disclosure on request, the public side: the online form (条例 第二十九条 contents) and the
//! tracking page. A request submitted online is received on the day the system confirms it
//! (第三十一条第（三）项), and the confirmation shows the tracking code.

use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use gongkai_core::application::{Applicant, Application, Checked, DELIVERY};
use gongkai_core::audit::Actor;
use gongkai_core::auth::contact_matches;
use gongkai_core::deadline::deadlines;
use gongkai_core::workflow::RequestState;
use gongkai_core::{Agency, Channel, RequesterKind};
use gongkai_store::{NewRequest, Requester};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::AppError;
use crate::extract::{PublicAgency, PublicLetterPath, PublicReplyFilePath};
use crate::session::PublicForm;
use crate::views::{self, AgencyView, Choice, field_errors, form_status};
use gongkai_store::By;

/// The form's fields (also the JSON API's, less the agency).
#[derive(Debug, Deserialize, Default, Serialize, Clone)]
#[serde(default)]
pub struct RequestForm {
    pub(crate) kind: String,
    pub(crate) name: String,
    pub(crate) id_document: String,
    pub(crate) contact: String,
    pub(crate) address: String,
    pub(crate) description: String,
    pub(crate) delivery: String,
    /// The form's submission token (the page made it; the API sends none).
    pub(crate) submission: String,
}

impl RequestForm {
    /// The request as written, for `core::application` to check.
    pub(crate) fn application(&self) -> Application<'_> {
        Application {
            kind: &self.kind,
            name: &self.name,
            id_document: &self.id_document,
            contact: &self.contact,
            address: &self.address,
            description: &self.description,
            delivery: &self.delivery,
        }
    }
}

/// A checked request as the store registers it.
pub(crate) fn new_request(
    checked: Checked,
    channel: Channel,
    received_on: NaiveDate,
) -> NewRequest {
    let Applicant {
        name,
        id_document,
        contact,
        address,
    } = checked.applicant;
    NewRequest {
        kind: checked.kind,
        received_on,
        channel,
        description: checked.description,
        delivery: checked.delivery,
        requester: Requester {
            name,
            id_document,
            contact,
            address,
        },
    }
}

/// A request registered: what the requester is shown (and the API returns).
pub(crate) struct Registered {
    pub(crate) code: String,
    pub(crate) received: NaiveDate,
    pub(crate) due: Option<NaiveDate>,
    pub(crate) provisional: bool,
}

/// Why intake did not register a request.
pub(crate) enum IntakeFailure {
    /// Fields to correct, each with its message.
    Invalid(Vec<(&'static str, String)>),
    /// Anything else.
    App(AppError),
}

impl From<AppError> for IntakeFailure {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

/// Registers a request that came through the internet channel (the form or the API) from
/// `address` (counted against its hourly limit once the request is complete): received on the
/// day the system confirms it (第三十一条第（三）项), with its receipt issued. Returns only after
/// the commit, so a tracking code shown is a request kept.
/// With `submission` (the form's token), a second submission of the same form files nothing and
/// returns the first request.
pub(crate) async fn register_online(
    state: &AppState,
    a: &Agency,
    form: &RequestForm,
    address: &str,
    submission: Option<&str>,
) -> Result<Registered, IntakeFailure> {
    let checked = form.application().check().map_err(IntakeFailure::Invalid)?;
    crate::session::take_submission(state, gongkai_core::auth::Submission::Request, address)
        .await?;
    let today = state.clock.today();
    let repeat = checked.repeat_key(a.slug.as_str(), today);
    let new = new_request(checked, Channel::Online, today);
    let actor = Actor::system("网上申请");
    let by = By::new(&actor, state.clock.now());
    let code = match submission {
        Some(token) => {
            state
                .store
                .register_request_once(&a.slug, token, &repeat, &new, by, state.rules())
                .await
        }
        None => {
            state
                .store
                .register_request(&a.slug, &new, by, state.rules())
                .await
        }
    }
    .map_err(AppError::from)?;
    let (received, due, provisional) = due_date(state, today)?;
    Ok(Registered {
        code,
        received,
        due,
        provisional,
    })
}

/// The reply's due date of a request received online on `received` (before any step).
fn due_date(
    state: &AppState,
    received: NaiveDate,
) -> Result<(NaiveDate, Option<NaiveDate>, bool), AppError> {
    let due = deadlines(
        &state.calendar,
        &gongkai_core::deadline::ClockFacts {
            received_on: Some(received),
            ..Default::default()
        },
        state.settings.periods,
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok((received, due.due, due.provisional))
}

fn form_page(
    public: &PublicForm,
    a: &Agency,
    form: &RequestForm,
    errors: &[(&str, String)],
) -> Result<Response, AppError> {
    let kinds = Choice::all(RequesterKind::ALL.map(|k| (k.key(), k.label())));
    // One token per filled-in form: kept when the form comes back with messages, so that
    // correcting it and sending again still files one request.
    let submission = if is_token(&form.submission) {
        form.submission.clone()
    } else {
        gongkai_core::auth::random_token()
    };
    let mut res = public.render(
        form_status(!errors.is_empty()),
        "portal/request_new.html",
        context! {
            agency => AgencyView::from(a),
            submission,
            form => Serde(form.clone()),
            kinds,
            deliveries => Choice::all(DELIVERY.map(|d| (d, d))),
            errors => field_errors(errors),
        },
    )?;
    no_store(&mut res);
    Ok(res)
}

/// Whether a submission token is one this site made (64 hex digits).
fn is_token(t: &str) -> bool {
    t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Marks a page with personal data or a one-time token as never to be stored by any cache.
fn no_store(res: &mut Response) {
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
}

/// The online request form.
pub async fn new_form(
    public: PublicForm,
    PublicAgency(a): PublicAgency,
) -> Result<Response, AppError> {
    form_page(&public, &a, &RequestForm::default(), &[])
}

/// Registers a request submitted online, then sends the browser to the page that shows its
/// tracking code (post/redirect/get): a refresh there reads, it does not submit again; the same
/// form sent twice (a second click, the back button) files one request.
pub async fn submit(
    State(state): State<AppState>,
    public: PublicForm,
    PublicAgency(a): PublicAgency,
    Form(mut form): Form<RequestForm>,
) -> Result<Response, AppError> {
    if !is_token(&form.submission) {
        form.submission = gongkai_core::auth::random_token();
    }
    match register_online(&state, &a, &form, &public.address, Some(&form.submission)).await {
        Ok(_) => {}
        Err(IntakeFailure::Invalid(errors)) => {
            return form_page(&public, &a, &form, &errors);
        }
        Err(IntakeFailure::App(e)) => return Err(e),
    }
    let to = format!(
        "/agencies/{}/requests/submitted?t={}",
        a.slug, form.submission
    );
    Ok(Redirect::to(&to).into_response())
}

/// `?t=`: the submission token of the form that filed the request.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct SubmittedQuery {
    t: String,
}

/// The confirmation of a request filed online: its tracking code, day of receipt and due date,
/// for the browser that holds the form's token.
pub async fn submitted(
    State(state): State<AppState>,
    public: PublicForm,
    PublicAgency(a): PublicAgency,
    Query(q): Query<SubmittedQuery>,
) -> Result<Response, AppError> {
    let not_found = || AppError::NotFound("没有找到这份申请的提交记录。".into());
    if !is_token(&q.t) {
        return Err(not_found());
    }
    let hash = gongkai_core::auth::sha256_hex(q.t.as_bytes());
    let (code, received) = state.store.submission(&hash).await?.ok_or_else(not_found)?;
    let (received, due, _) = due_date(&state, received)?;
    let mut res = public.render(
        StatusCode::OK,
        "portal/request_done.html",
        context! { agency => AgencyView::from(&a), code, received => received.to_string(), due => due.map(|d| d.to_string()) },
    )?;
    no_store(&mut res);
    Ok(res)
}

/// The tracking form's fields (posted: the contact never travels in an address).
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct TrackForm {
    code: String,
    contact: String,
}

/// The request whose code and contact match, if both do (the same answer either way otherwise).
async fn tracked(
    state: &AppState,
    a: &Agency,
    code: &str,
    contact: &str,
) -> Result<Option<RequestState>, AppError> {
    Ok(match state.store.requester(&a.slug, code).await? {
        Some(p) if contact_matches(&p.contact, contact) => {
            state.store.request_state(&a.slug, code).await?
        }
        _ => None,
    })
}

/// `?code=`: the tracking form, with the code filled in when a link gives it.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct TrackQuery {
    code: String,
    contact: String,
}

/// The tracking form. A link that still carries the contact in its address (older links, the
/// reply files' links) is answered as the posted form is, never kept by a cache; the form itself
/// posts.
pub async fn track_form(
    State(state): State<AppState>,
    public: PublicForm,
    PublicAgency(a): PublicAgency,
    Query(q): Query<TrackQuery>,
) -> Result<Response, AppError> {
    if !q.contact.trim().is_empty() {
        let form = TrackForm {
            code: q.code,
            contact: q.contact,
        };
        return track(State(state), public, PublicAgency(a), Form(form)).await;
    }
    let code: String = q
        .code
        .trim()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(32)
        .collect::<String>()
        .to_uppercase();
    public.render(
        StatusCode::OK,
        "portal/request_track.html",
        context! { agency => AgencyView::from(&a), code },
    )
}

/// The tracking page: status, due date and the letters issued, for the holder of the code and
/// the contact given. Never stored by a cache: it is one person's.
pub async fn track(
    State(state): State<AppState>,
    public: PublicForm,
    PublicAgency(a): PublicAgency,
    Form(q): Form<TrackForm>,
) -> Result<Response, AppError> {
    let agency_ctx = AgencyView::from(&a);
    let code = q.code.trim().to_uppercase();
    let Some(request) = tracked(&state, &a, &code, &q.contact).await? else {
        let error = "查询码或联系方式不正确。请核对申请时显示的查询码和填写的联系方式。";
        let mut res = public.render(
            StatusCode::NOT_FOUND,
            "portal/request_track.html",
            context! { agency => agency_ctx, error, code },
        )?;
        no_store(&mut res);
        return Ok(res);
    };
    let clock = deadlines(
        &state.calendar,
        &request.clock_facts(state.clock.today()),
        state.settings.periods,
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    let letters: Vec<_> = state
        .store
        .letters_of(&a.slug, &code)
        .await?
        .into_iter()
        .map(|l| {
            context! {
                id => l.id,
                name => l.kind.short(),
                number => l.number,
                date => l.issued_on.to_string(),
            }
        })
        .collect();
    // Files provided with the reply are still links with the code and contact in the address
    // (their route takes a query); letters are posted.
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("code", &code)
        .append_pair("contact", q.contact.trim())
        .finish();
    let files: Vec<_> = if request.reply_files_released() {
        state
            .store
            .reply_files(&a.slug, &code)
            .await?
            .into_iter()
            .map(|f| {
                context! {
                    name => f.name.clone(),
                    kind => gongkai_core::item::attachment_label(&f.name),
                    size => views::size_text(f.size),
                    href => format!("/agencies/{}/requests/files/{}?{query}", a.slug, f.id),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut res = public.render(
        StatusCode::OK,
        "portal/request_track.html",
        context! {
            agency => agency_ctx,
            code,
            contact => q.contact.trim(),
            letters,
            files,
            result => context! {
                status => request.status.label(),
                received => request.received_on.to_string(),
                due => clock.due.map(|d| d.to_string()),
                provisional => clock.provisional,
                decided => request.decided.map(|d| format!("{} {}", d.on, d.outcome.plain_label())),
                fee => request.fee.filter(|f| f.paid_on.is_none()).map(|f| context! {
                    amount => f.charge.amount_yuan(),
                    pay_by => request.fee_payment_due(&state.calendar, state.settings.periods).map(|d| d.to_string()),
                }),
            },
        },
    )?;
    no_store(&mut res);
    Ok(res)
}

/// The posted `code`, `contact` and `format` of a letter download.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct LetterQuery {
    code: String,
    contact: String,
    format: String,
}

/// A letter, for the requester who holds the code and the contact.
pub async fn letter(
    State(state): State<AppState>,
    PublicAgency(a): PublicAgency,
    Path(PublicLetterPath { letter: id }): Path<PublicLetterPath>,
    Form(q): Form<LetterQuery>,
) -> Result<Response, AppError> {
    let code = q.code.trim().to_uppercase();
    let not_found = || AppError::NotFound("没有这份文书，或查询码、联系方式不正确。".into());
    if tracked(&state, &a, &code, &q.contact).await?.is_none() {
        return Err(not_found());
    }
    let l = state
        .store
        .letter(&a.slug, &code, id)
        .await?
        .ok_or_else(not_found)?;
    views::letter(&l, &q.format)
}

/// A file provided with the reply, for the requester who holds the code and the contact, once
/// the reply is given.
pub async fn reply_file(
    State(state): State<AppState>,
    PublicAgency(a): PublicAgency,
    Path(PublicReplyFilePath { reply_file: file }): Path<PublicReplyFilePath>,
    Query(q): Query<LetterQuery>,
) -> Result<Response, AppError> {
    let code = q.code.trim().to_uppercase();
    let not_found = || AppError::NotFound("没有这个文件，或查询码、联系方式不正确。".into());
    let released = tracked(&state, &a, &code, &q.contact)
        .await?
        .is_some_and(|r| r.reply_files_released());
    if !released {
        return Err(not_found());
    }
    let (name, content_type, bytes) = state
        .store
        .reply_file_bytes(&a.slug, &code, file)
        .await?
        .ok_or_else(not_found)?;
    Ok(views::download(&name, &content_type, bytes))
}

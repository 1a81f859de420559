//! The public side of 监督保障: the enquiry and complaint channel (form, tracking code, published
//! answers), public evaluation (社会评议) of items and of the service, and the published results of
//! 人大代表建议 and 政协提案.

use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongkai_core::auth::{Submission, contact_matches};
use gongkai_core::supervision::{MessageKind, NewMessage, ProposalKind};
use minijinja::context;
use serde::Deserialize;

use crate::AppState;
use crate::error::AppError;
use crate::extract::PublicAgency;
use crate::session::PublicForm;
use crate::views::{self, AgencyView, Choice, field_errors, form_status};

fn kinds() -> Vec<Choice> {
    Choice::all(MessageKind::ALL.map(|k| (k.key(), k.label())))
}

/// The message form as posted (`may_publish` is a checkbox).
#[derive(Debug, Deserialize, Default, serde::Serialize)]
#[serde(default)]
pub struct MessageForm {
    kind: String,
    name: String,
    contact: String,
    subject: String,
    body: String,
    may_publish: String,
}

impl MessageForm {
    fn message(&self) -> NewMessage {
        NewMessage {
            kind: self.kind.clone(),
            name: self.name.clone(),
            contact: self.contact.clone(),
            subject: self.subject.clone(),
            body: self.body.clone(),
            may_publish: self.may_publish == "on",
        }
    }
}

/// A message as the portal shows it, in the list of published ones or to its writer.
fn message_view(m: gongkai_store::Message) -> minijinja::Value {
    context! {
        kind => m.kind.label(),
        subject => m.subject,
        body => m.body,
        received => m.received_on.to_string(),
        reply => m.reply,
        replied => m.replied_on.map(|d| d.to_string()),
        published => m.published,
    }
}

/// Published questions and answers, with the way to write and to look up one's own.
pub async fn list(
    State(state): State<AppState>,
    PublicAgency(a): PublicAgency,
) -> Result<Response, AppError> {
    let rows: Vec<_> = state
        .store
        .published_messages(&a.slug)
        .await?
        .into_iter()
        .map(message_view)
        .collect();
    views::page(
        "portal/messages.html",
        context! { agency => AgencyView::from(&a), rows },
    )
}

fn form_page(
    public: &PublicForm,
    a: &gongkai_core::Agency,
    form: &MessageForm,
    errors: &[(&'static str, String)],
) -> Result<Response, AppError> {
    public.render(
        form_status(!errors.is_empty()),
        "portal/message_new.html",
        context! {
            agency => AgencyView::from(a),
            form => minijinja::value::Serde(form),
            errors => field_errors(errors),
            kinds => kinds(),
        },
    )
}

/// The enquiry / complaint form.
pub async fn new_form(
    public: PublicForm,
    PublicAgency(a): PublicAgency,
) -> Result<Response, AppError> {
    form_page(&public, &a, &MessageForm::default(), &[])
}

/// Accepts a message and shows its tracking code (only after it is stored).
pub async fn submit(
    State(state): State<AppState>,
    public: PublicForm,
    PublicAgency(a): PublicAgency,
    Form(form): Form<MessageForm>,
) -> Result<Response, AppError> {
    let m = form.message();
    let problems = m.problems();
    if problems.is_empty() {
        public.take(&state, Submission::Message).await?;
    } else {
        return form_page(&public, &a, &form, &problems);
    }
    let code = state
        .store
        .submit_message(&a.slug, &m, state.clock.now())
        .await?;
    public.render(
        StatusCode::OK,
        "portal/message_done.html",
        context! {
            agency => AgencyView::from(&a),
            code,
            kind => MessageKind::from_key(&m.kind).map(MessageKind::label),
        },
    )
}

/// `?code=&contact=`.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct TrackQuery {
    code: String,
    contact: String,
}

/// The writer's own message and its reply, for the holder of the code and the contact given.
pub async fn track(
    State(state): State<AppState>,
    public: PublicForm,
    PublicAgency(a): PublicAgency,
    Query(q): Query<TrackQuery>,
) -> Result<Response, AppError> {
    let agency_ctx = AgencyView::from(&a);
    let code = q.code.trim().to_uppercase();
    if code.is_empty() {
        return public.render(
            StatusCode::OK,
            "portal/message_track.html",
            context! { agency => agency_ctx, code },
        );
    }
    let found = state
        .store
        .message(&a.slug, &code)
        .await?
        .filter(|m| contact_matches(&m.contact, &q.contact));
    let Some(m) = found else {
        return public.render(
            StatusCode::NOT_FOUND,
            "portal/message_track.html",
            context! {
                agency => agency_ctx,
                code,
                error => "查询码或联系方式不正确。请核对提交时显示的查询码和填写的联系方式。",
            },
        );
    };
    public.render(
        StatusCode::OK,
        "portal/message_track.html",
        context! {
            agency => agency_ctx,
            code,
            message => message_view(m),
        },
    )
}

/// `?item=` on the evaluation form.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct EvaluateQuery {
    item: Option<i64>,
}

/// The evaluation form (its own page: the item pages are cached and carry no form token).
pub async fn evaluate_form(
    State(state): State<AppState>,
    public: PublicForm,
    PublicAgency(a): PublicAgency,
    Query(q): Query<EvaluateQuery>,
) -> Result<Response, AppError> {
    let item = match q.item {
        Some(id) => Some(
            state
                .store
                .published_item(&a.slug, id)
                .await?
                .ok_or_else(|| AppError::NotFound("没有这条信息，或它已撤回。".into()))?,
        ),
        None => None,
    };
    public.render(
        StatusCode::OK,
        "portal/evaluate.html",
        context! {
            agency => AgencyView::from(&a),
            item => item.map(|i| context! { id => i.id, title => i.title }),
        },
    )
}

/// The evaluation as posted.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct EvaluateForm {
    item: String,
    rating: String,
    comment: String,
}

/// Records an evaluation and thanks the visitor.
pub async fn evaluate(
    State(state): State<AppState>,
    public: PublicForm,
    PublicAgency(a): PublicAgency,
    Form(form): Form<EvaluateForm>,
) -> Result<Response, AppError> {
    // An item that cannot be one is not the agency's rating either.
    let item = match form.item.trim() {
        "" => None,
        id => Some(
            id.parse::<i64>()
                .map_err(|_| AppError::NotFound("没有这条信息，或它已撤回。".into()))?,
        ),
    };
    public.take(&state, Submission::Evaluation).await?;
    let rating = form.rating.trim().parse::<u8>().unwrap_or(0);
    if !(1..=5).contains(&rating) {
        return Err(AppError::Unprocessable("请选择满意程度".into()));
    }
    // One evaluation of an item (or of the agency's work) per visitor a day, counted in the
    // database so that it holds across restarts and servers; the visitor is a keyed hash of their
    // address, never the address.
    let subject = state.store.keyed(
        "evaluation",
        &format!(
            "{}|{}|{}",
            public.address,
            a.slug,
            item.map_or_else(|| "service".to_owned(), |i| i.to_string())
        ),
    );
    let now = state.clock.now();
    let day_began = gongkai_core::clock::china_day_start(state.clock.today());
    // Already rated today: thanked, told why this one is not counted (409: nothing recorded),
    // not treated as an abuse of the form.
    if !state
        .store
        .take_hit("evaluation", &subject, now, day_began, 1)
        .await?
    {
        return public.render(
            StatusCode::CONFLICT,
            "portal/evaluate_done.html",
            context! { agency => AgencyView::from(&a), item, already => true },
        );
    }
    match state
        .store
        .evaluate(&a.slug, item, rating, &form.comment, state.clock.now())
        .await
    {
        Ok(()) => {}
        Err(e) => return Err(e.into()),
    }
    public.render(
        StatusCode::OK,
        "portal/evaluate_done.html",
        context! {
            agency => AgencyView::from(&a),
            item,
        },
    )
}

/// Results of 人大代表建议 and 政协提案 handled, as published.
pub async fn proposals(
    State(state): State<AppState>,
    PublicAgency(a): PublicAgency,
) -> Result<Response, AppError> {
    let rows: Vec<_> = state
        .store
        .proposals(&a.slug)
        .await?
        .into_iter()
        .filter(|p| p.published_on.is_some())
        .map(|p| {
            context! {
                kind => ProposalKind::from_key(&p.kind).map(ProposalKind::label),
                year => p.year,
                number => p.number,
                title => p.title,
                submitter => p.submitter,
                lead => if p.lead { "主办" } else { "协办" },
                result => p.result,
                replied => p.replied_on.map(|d| d.to_string()),
                published => p.published_on.map(|d| d.to_string()),
            }
        })
        .collect();
    views::page(
        "portal/proposals.html",
        context! { agency => AgencyView::from(&a), rows },
    )
}

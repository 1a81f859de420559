//! Proactive disclosure in the back office: the agency's drafts and what waits for review, the
//! draft form (metadata, 公开属性, 主题分类, body as sanitised rich text), the review steps through
//! `core::item`, every version, and the 20-working-day publication deadline of 条例 第二十六条.

use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use gongkai_core::item::{
    Attribute, DocKind, ItemContent, ItemStatus, PublicationRisk, ReviewStep, Validity,
    publication_risk,
};
use gongkai_core::{Agency, Rejection, Slug};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::dashboard::NoticeQuery;
use super::{back_to, by_rules, notice, page};
use crate::AppState;
use crate::error::AppError;
use crate::extract::{
    AgencyScope, DraftAttachmentPath, DraftPath, Drafter, ItemPath, ItemReviewer, Requirement,
    VersionPath,
};
use crate::session::ActiveSession;
use crate::views::{AgencyView, Choice, field_errors, form_status};

/// A draft in a list.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Row {
    id: i64,
    agency: String,
    title: String,
    status: &'static str,
    updated: String,
    due: String,
    pub(crate) late: bool,
    pub(crate) at_risk: bool,
}

/// Each column's time limit, by column name.
async fn column_periods(
    state: &AppState,
    agency: &Slug,
) -> Result<impl Fn(&str) -> gongkai_core::catalogue::Period + use<>, AppError> {
    let columns = state.store.catalogue(agency).await?;
    Ok(move |name: &str| gongkai_core::catalogue::period_of(&columns, name))
}

/// The agency's drafts split into those waiting for the signed-in person (to write or to review)
/// and the rest, each with its 20-working-day publication deadline (the dashboard lists them too).
pub(crate) async fn work_of(
    state: &AppState,
    s: &ActiveSession,
    agency: &Slug,
) -> Result<(Vec<Row>, Vec<Row>), AppError> {
    let me = s.principal.reviewer(agency);
    let today = state.clock.today();
    let mut mine = Vec::new();
    let mut rows = Vec::new();
    let periods = column_periods(state, agency).await?;
    for d in state.store.item_drafts(agency).await? {
        let period = periods(&d.category);
        let risk = d
            .formed_on
            .map(|f| publication_risk(&state.calendar, f, period, d.review.status, today));
        let row = Row {
            id: d.id,
            agency: agency.to_string(),
            title: if d.title.is_empty() {
                "（无标题）".into()
            } else {
                d.title.clone()
            },
            status: d.review.status.label(),
            updated: gongkai_store::audit_time(d.updated.timestamp_millis()),
            due: risk
                .map(|(due, _)| due.date.to_string())
                .unwrap_or_default(),
            late: risk.is_some_and(|(_, r)| r == PublicationRisk::Late),
            at_risk: risk.is_some_and(|(_, r)| r == PublicationRisk::DueSoon),
        };
        if d.review.waits_for(me) {
            mine.push(row);
        } else {
            rows.push(row);
        }
    }
    Ok((mine, rows))
}

/// `?notice=&page=` of the item list (the page of items published before gongkai).
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    notice: Option<String>,
    #[serde(deserialize_with = "crate::extract::page_number")]
    page: u32,
}

/// Items published before gongkai listed per page.
const LEGACY_PER_PAGE: u32 = 50;

/// The agency's drafts (waiting for me, in review, drafts, published) and its items published
/// before gongkai, which are managed from here too.
pub async fn list(
    State(state): State<AppState>,
    scope: AgencyScope,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let me = s.principal.reviewer(&agency.slug);
    let (mine, rows) = work_of(&state, s, &agency.slug).await?;
    let asked = q.page.max(1);
    let (mut legacy, legacy_total) = state
        .store
        .legacy_items(&agency.slug, asked, LEGACY_PER_PAGE)
        .await?;
    let legacy_pages = crate::views::page_count(legacy_total, LEGACY_PER_PAGE as usize);
    // Past the end: the last page, as the staff queues do (page 2002 of 2001 was an empty table).
    if asked as usize > legacy_pages {
        legacy = state
            .store
            .legacy_items(
                &agency.slug,
                u32::try_from(legacy_pages).unwrap_or(u32::MAX),
                LEGACY_PER_PAGE,
            )
            .await?
            .0;
    }
    let older = crate::views::Pager::new(
        (asked as usize).min(legacy_pages),
        legacy_pages,
        usize::try_from(legacy_total).unwrap_or(0),
        &format!("/admin/agencies/{}/items?", agency.slug),
    )
    .at("legacy-h");
    let lacking = state
        .store
        .items_lacking_interpretation(&agency.slug)
        .await?;
    let html = page(
        s,
        "admin/items.html",
        context! {
            agency => AgencyView::from(agency),
            mine => Serde(mine),
            rows => Serde(rows),
            can_draft => me.drafter,
            lacking => lacking.into_iter().map(|(id, title)| context! { id, title }).collect::<Vec<_>>(),
            legacy => legacy.into_iter().map(|i| context! { id => i.id, title => i.title, category => i.category, date => i.published_on.to_string() }).collect::<Vec<_>>(),
            legacy_total,
            legacy_pager => Serde(older),
            notice => notice(q.notice.as_deref()),
        },
    )?;
    Ok(html.into_response())
}

/// The draft form's fields.
#[derive(Debug, Deserialize, Default, Serialize, Clone)]
#[serde(default)]
pub struct ItemForm {
    title: String,
    doc_number: String,
    written_on: String,
    formed_on: String,
    attribute: String,
    attribute_reason: String,
    topic: String,
    category: String,
    kind: String,
    validity: String,
    validity_on: String,
    keywords: String,
    summary: String,
    body: String,
    interprets: String,
}

fn optional_date(
    s: &str,
    what: &str,
    errors: &mut Vec<(&'static str, String)>,
    field: &'static str,
) -> Option<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    s.parse()
        .map_err(|_| errors.push((field, format!("{what}应为“年-月-日”格式。"))))
        .ok()
}

impl ItemForm {
    fn from_content(c: &ItemContent) -> Self {
        let (validity, validity_on) = match c.validity {
            None => (String::new(), String::new()),
            Some(Validity::Valid) => ("valid".into(), String::new()),
            Some(Validity::Expired { on }) => ("expired".into(), on.to_string()),
            Some(Validity::Repealed { on }) => ("repealed".into(), on.to_string()),
        };
        Self {
            title: c.title.clone(),
            doc_number: c.doc_number.clone(),
            written_on: c.written_on.map(|d| d.to_string()).unwrap_or_default(),
            formed_on: c.formed_on.map(|d| d.to_string()).unwrap_or_default(),
            attribute: c.attribute.map(|a| a.key().to_owned()).unwrap_or_default(),
            attribute_reason: c.attribute_reason.clone(),
            topic: c.topic.clone(),
            category: c.category.clone(),
            kind: c.kind.map(|k| k.key().to_owned()).unwrap_or_default(),
            validity,
            validity_on,
            keywords: c.keywords.clone(),
            summary: c.summary.clone(),
            body: c.body_html.clone(),
            interprets: c.interprets.map(|i| i.to_string()).unwrap_or_default(),
        }
    }

    /// The content, with the body sanitised; malformed fields are named.
    fn content(&self) -> Result<ItemContent, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let written_on = optional_date(&self.written_on, "成文日期", &mut errors, "written_on");
        let formed_on = optional_date(&self.formed_on, "形成日期", &mut errors, "formed_on");
        let validity_on = optional_date(
            &self.validity_on,
            "失效或废止日期",
            &mut errors,
            "validity_on",
        );
        let validity = Validity::from_choice(&self.validity, validity_on)
            .map_err(|why| errors.push(("validity_on", why.to_owned())))
            .ok()
            .flatten();
        let interprets = match self.interprets.trim() {
            "" => None,
            s => s
                .parse()
                .map_err(|_| errors.push(("interprets", "请选择所解读的文件。".to_owned())))
                .ok(),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ItemContent {
            title: self.title.trim().to_owned(),
            doc_number: self.doc_number.trim().to_owned(),
            written_on,
            formed_on,
            attribute: self.attribute.parse::<Attribute>().ok(),
            attribute_reason: self.attribute_reason.trim().to_owned(),
            topic: self.topic.trim().to_owned(),
            category: self.category.trim().to_owned(),
            kind: self.kind.parse::<DocKind>().ok(),
            validity,
            keywords: self.keywords.trim().to_owned(),
            summary: self.summary.trim().to_owned(),
            body_html: crate::rich_text::clean(&self.body),
            interprets,
            // Kept with the published version, not typed here.
            corrections: Vec::new(),
        })
    }
}

/// What the draft page shows beyond the saved draft: the form as given (else as saved), and why
/// it came back.
#[derive(Default)]
struct Shown<'a> {
    form: Option<&'a ItemForm>,
    errors: &'a [(&'a str, String)],
    error: Option<String>,
    notice: Option<&'a str>,
}

impl<'a> Shown<'a> {
    /// The form as given, with a message for each field it refused.
    fn form(form: &'a ItemForm, errors: &'a [(&'a str, String)]) -> Self {
        Self {
            form: Some(form),
            errors,
            ..Self::default()
        }
    }

    /// A refusal of the whole step, over the form as given (or as saved, for `None`).
    fn refused(form: Option<&'a ItemForm>, why: Rejection) -> Self {
        Self {
            form,
            error: Some(why.message),
            ..Self::default()
        }
    }
}

/// The draft page (a new draft for `id` `None`): its form while its drafter may edit it, the review
/// steps the person may take, its history, versions and attachments.
async fn draft_page<R: Requirement>(
    state: &AppState,
    scope: &AgencyScope<R>,
    id: Option<i64>,
    shown: Shown<'_>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let draft = match id {
        Some(id) => Some(saved_draft(state, agency, id).await?),
        None => None,
    };
    let me = s.principal.reviewer(&agency.slug);
    let status = draft
        .as_ref()
        .map_or(ItemStatus::Draft, |d| d.summary.review.status);
    let editable = draft
        .as_ref()
        .map_or(me.drafter, |d| d.summary.review.editable_by(me));
    let saved_form = draft.as_ref().map(|d| ItemForm::from_content(&d.content));
    let form = shown.form.or(saved_form.as_ref());
    let (policies, _) = state
        .store
        .published_items(&agency.slug, None, 1, 200)
        .await?;
    let content = draft.as_ref().map(|d| &d.content);
    let today = state.clock.today();
    let period = column_periods(state, &agency.slug).await?(
        content.map(|c| c.category.as_str()).unwrap_or_default(),
    );
    let risk = content
        .and_then(|c| c.formed_on)
        .map(|f| publication_risk(&state.calendar, f, period, status, today));
    let review = draft.as_ref().map(|d| &d.summary.review);
    super::form_page(
        s,
        "admin/item.html",
        form_status(!shown.errors.is_empty() || shown.error.is_some()),
        context! {
            agency => AgencyView::from(agency),
            id,
            form => Serde(form.cloned().unwrap_or_default()),
            errors => field_errors(shown.errors),
            error => shown.error,
            notice => shown.notice,
            editable,
            status => status.label(),
            status_key => status.key(),
            reason => draft.as_ref().and_then(|d| d.summary.review.reason.clone()),
            item_id => draft.as_ref().and_then(|d| d.summary.item_id),
            due => risk.map(|(d, _)| d.date.to_string()),
            due_provisional => risk.is_some_and(|(d, _)| d.provisional),
            late => risk.is_some_and(|(_, r)| r == PublicationRisk::Late),
            can_submit => editable && id.is_some(),
            can_first => review.is_some_and(|r| r.may(&ReviewStep::ApproveFirst, me)),
            can_final => review.is_some_and(|r| r.may(&ReviewStep::ApproveFinal, me)),
            can_withdraw => review.is_some_and(|r| r.may(&ReviewStep::Withdraw { reason: "-".into(), public: false }, me)),
            can_revise => review.is_some_and(|r| r.may(&ReviewStep::Revise { note: "-".into() }, me)),
            can_mark => review.is_some_and(|r| r.may(&ReviewStep::MarkValidity { validity: Validity::Valid }, me)),
            correcting => review.and_then(|r| r.correcting.clone()),
            validity => content.and_then(|c| c.validity).map(Validity::label),
            action => id.map(|id| format!("/admin/agencies/{}/items/{id}/review", agency.slug)),
            steps => draft.as_ref().map(|d| d.steps.iter().map(|(st, who, at)| context! { what => st.summary(), who, at => gongkai_store::audit_time(at.timestamp_millis()) }).collect::<Vec<_>>()),
            versions => draft.as_ref().map(|d| d.versions.iter().map(|(v, who, at)| context! { version => v, who, at => gongkai_store::audit_time(at.timestamp_millis()) }).collect::<Vec<_>>()),
            categories => Choice::all(state.store.categories(&agency.slug).await?.into_iter().map(|c| (c.clone(), c))),
            topics => gongkai_core::item::TOPICS,
            attributes => Choice::all(Attribute::ALL.map(|a| (a.key(), a.label()))),
            kinds => Choice::all(DocKind::ALL.map(|k| (k.key(), k.label()))),
            policies => policies.iter().filter(|p| p.content.as_ref().is_some_and(|c| c.kind.is_some_and(DocKind::needs_interpretation))).map(|p| context! { id => p.id, title => p.title.clone() }).collect::<Vec<_>>(),
            preview => content.map(|c| minijinja::Value::from_safe_string(c.body_html.clone())),
            attachments => match id {
                Some(id) => state.store.attachments(&agency.slug, id).await?.into_iter().map(|a| context! { id => a.id, name => a.name, size => crate::views::size_text(a.size), pending => a.pending }).collect::<Vec<_>>(),
                None => Vec::new(),
            },
        },
    )
}

/// The draft `id` of the agency, or 404.
async fn saved_draft(
    state: &AppState,
    agency: &Agency,
    id: i64,
) -> Result<gongkai_store::Draft, AppError> {
    state
        .store
        .item_draft(&agency.slug, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的信息草稿。")))
}

/// Back to the draft after a change, with `notice`.
fn back(agency: &Agency, id: i64, notice: &str) -> Response {
    back_to(agency, &format!("/items/{id}?notice={notice}"))
}

/// A new draft's form.
pub async fn new_form(
    State(state): State<AppState>,
    scope: AgencyScope,
    Query(q): Query<NewItemQuery>,
) -> Result<Response, AppError> {
    // A 解读 asked for by an inspection warning: its kind and the document it interprets.
    let interprets = q.interprets.filter(|id| *id > 0);
    let form = ItemForm {
        category: q.category.trim().to_owned(),
        attribute: Attribute::Proactive.key().into(),
        formed_on: state.clock.today().to_string(),
        kind: interprets
            .map(|_| DocKind::Interpretation.key().to_owned())
            .unwrap_or_default(),
        interprets: interprets.map(|id| id.to_string()).unwrap_or_default(),
        ..ItemForm::default()
    };
    draft_page(&state, &scope, None, Shown::form(&form, &[])).await
}

/// `?category=` and `?interprets=` of the new-item form: what an inspection warning chose in
/// advance (the column that needs a new item; the document that needs its 解读).
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct NewItemQuery {
    category: String,
    interprets: Option<i64>,
}

/// Creates a draft.
pub async fn create(
    State(state): State<AppState>,
    scope: AgencyScope<Drafter>,
    Form(form): Form<ItemForm>,
) -> Result<Response, AppError> {
    let content = match form.content() {
        Ok(c) => c,
        Err(errors) => return draft_page(&state, &scope, None, Shown::form(&form, &errors)).await,
    };
    if let Err(why) = content.check_new() {
        let errors = [(why.field.unwrap_or("title"), why.message)];
        return draft_page(&state, &scope, None, Shown::form(&form, &errors)).await;
    }
    let id = state
        .store
        .create_item_draft(&scope.agency.slug, &content, scope.by(&state))
        .await?;
    Ok(back(&scope.agency, id, "item_saved"))
}

/// One draft: its form (while a draft), review actions, history and versions.
pub async fn show(
    State(state): State<AppState>,
    scope: AgencyScope,
    Path(DraftPath { draft: id }): Path<DraftPath>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let shown = Shown {
        notice: notice(q.notice.as_deref()),
        ..Shown::default()
    };
    draft_page(&state, &scope, Some(id), shown).await
}

/// Saves a new version of a draft.
pub async fn save(
    State(state): State<AppState>,
    scope: AgencyScope<Drafter>,
    Path(DraftPath { draft: id }): Path<DraftPath>,
    Form(form): Form<ItemForm>,
) -> Result<Response, AppError> {
    let agency = &scope.agency;
    let draft = saved_draft(&state, agency, id).await?;
    draft.summary.review.may_write(scope.principal().user_id)?;
    let content = match form.content() {
        Ok(c) => c,
        Err(errors) => {
            return draft_page(&state, &scope, Some(id), Shown::form(&form, &errors)).await;
        }
    };
    let saved = state
        .store
        .save_item_draft(&agency.slug, id, &content, scope.by(&state))
        .await;
    match by_rules(saved)? {
        Ok(()) => Ok(back(agency, id, "item_saved")),
        Err(why) => draft_page(&state, &scope, Some(id), Shown::refused(Some(&form), why)).await,
    }
}

/// The review form: which step, a reason (for sending back or withdrawing, or the note of a
/// correction), whether a withdrawal's reason is public, and a 有效性 with its date.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    step: String,
    reason: String,
    public: String,
    validity: String,
    validity_on: String,
}

impl ReviewForm {
    /// The step asked for, or what is wrong with the form.
    fn step(&self) -> Result<ReviewStep, Rejection> {
        Ok(match self.step.as_str() {
            "submit" => ReviewStep::Submit,
            "approve_first" => ReviewStep::ApproveFirst,
            "approve_final" => ReviewStep::ApproveFinal,
            "send_back" => ReviewStep::SendBack {
                reason: self.reason.clone(),
            },
            "withdraw" => ReviewStep::Withdraw {
                reason: self.reason.clone(),
                public: !self.public.is_empty(),
            },
            "revise" => ReviewStep::Revise {
                note: self.reason.clone(),
            },
            "validity" => {
                let mut errors = Vec::new();
                let on = optional_date(
                    &self.validity_on,
                    "失效或废止日期",
                    &mut errors,
                    "validity_on",
                );
                if let Some((field, why)) = errors.pop() {
                    return Err(Rejection::field(field, why));
                }
                match Validity::from_choice(&self.validity, on) {
                    Ok(Some(validity)) => ReviewStep::MarkValidity { validity },
                    Ok(None) => return Err(Rejection::field("validity", "请选择有效性。")),
                    Err(why) => return Err(Rejection::field("validity_on", why)),
                }
            }
            _ => return Err(Rejection::new("请选择审核操作。")),
        })
    }
}

/// The notice after a step.
fn after(step: &ReviewStep) -> &'static str {
    match step {
        ReviewStep::Revise { .. } => "item_revising",
        ReviewStep::Withdraw { .. } => "item_withdrawn",
        ReviewStep::MarkValidity { .. } => "item_marked",
        _ => "item_reviewed",
    }
}

/// Takes a review step.
pub async fn review(
    State(state): State<AppState>,
    scope: AgencyScope<ItemReviewer>,
    Path(DraftPath { draft: id }): Path<DraftPath>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, AppError> {
    take(&state, &scope, Target::Draft(id), &form).await
}

/// What a step is taken on: a working copy by its id, or an item on the portal by its id (one
/// published before gongkai gets its working copy with the step).
#[derive(Debug, Clone, Copy)]
enum Target {
    Draft(i64),
    Item(i64),
}

/// Takes the step the form asks for on `target`; back to the working copy with what happened,
/// or the page again with why not.
async fn take(
    state: &AppState,
    scope: &AgencyScope<ItemReviewer>,
    target: Target,
    form: &ReviewForm,
) -> Result<Response, AppError> {
    let agency = &scope.agency;
    let who = scope.principal().reviewer(&agency.slug);
    let step = match form.step() {
        Ok(step) => step,
        Err(why) => return refused(state, scope, target, why).await,
    };
    let (by, today) = (scope.by(state), state.clock.today());
    let store = &state.store;
    let taken = match target {
        Target::Draft(id) => store
            .review_item(&agency.slug, id, &step, who, by, today)
            .await
            .map(|_| id),
        Target::Item(item) => store
            .manage_item(&agency.slug, item, &step, who, by, today)
            .await
            .map(|(draft, _)| draft),
    };
    let draft = match by_rules(taken)? {
        Ok(draft) => draft,
        Err(why) => return refused(state, scope, target, why).await,
    };
    if let Some(item_id) = saved_draft(state, agency, draft).await?.summary.item_id {
        crate::portal::search::follow(state, &agency.slug, item_id).await;
    }
    Ok(back(agency, draft, after(&step)))
}

/// The page a refused step came from, saying why.
async fn refused(
    state: &AppState,
    scope: &AgencyScope<ItemReviewer>,
    target: Target,
    why: Rejection,
) -> Result<Response, AppError> {
    match target {
        Target::Draft(id) => draft_page(state, scope, Some(id), Shown::refused(None, why)).await,
        Target::Item(item) => published_page(state, scope, item, Some(why.message)).await,
    }
}

/// An item on the portal by its id, in the back office. One published before gongkai shows what
/// the portal shows of it and the steps that may be taken on it (更正, 撤回, 有效性); once a step
/// was taken — or for an item published here — it has a working copy, shown at this address too.
pub async fn published(
    State(state): State<AppState>,
    scope: AgencyScope,
    Path(ItemPath { item }): Path<ItemPath>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    published_page(
        &state,
        &scope,
        item,
        notice(q.notice.as_deref()).map(str::to_owned),
    )
    .await
}

/// The page of an item published before gongkai, with `error` over its forms.
async fn published_page<R: Requirement>(
    state: &AppState,
    scope: &AgencyScope<R>,
    item: i64,
    error: Option<String>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    if let Some(draft) = state.store.draft_of_item(&agency.slug, item).await? {
        // Taken in hand (perhaps by someone else meanwhile): its working copy is shown here too.
        let shown = match error {
            Some(why) => Shown::refused(None, Rejection::new(why)),
            None => Shown::default(),
        };
        return draft_page(state, scope, Some(draft), shown).await;
    }
    let shown = state
        .store
        .published_item(&agency.slug, item)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("门户上没有编号为 {item} 的信息。")))?;
    let me = s.principal.reviewer(&agency.slug);
    let taken = gongkai_core::item::ReviewState::adopted(me.user_id);
    let c = shown.content.as_ref();
    super::form_page(
        s,
        "admin/item_published.html",
        form_status(error.is_some()),
        context! {
            agency => AgencyView::from(agency),
            item => context! {
                id => shown.id,
                title => shown.title.clone(),
                category => shown.category.clone(),
                date => shown.published_on.to_string(),
                index_no => shown.index_no.clone().unwrap_or_default(),
                validity => c.and_then(|c| c.validity).map(Validity::label),
            },
            body => c.map(|c| minijinja::Value::from_safe_string(c.body_html.clone())),
            error,
            action => format!("/admin/agencies/{}/published/{item}", agency.slug),
            can_revise => taken.may(&ReviewStep::Revise { note: "-".into() }, me),
            can_withdraw => taken.may(&ReviewStep::Withdraw { reason: "-".into(), public: false }, me),
            can_mark => taken.may(&ReviewStep::MarkValidity { validity: Validity::Valid }, me),
        },
    )
}

/// Takes a step on an item published before gongkai: it gets its working copy in the same
/// transaction, and the back office's page for it is that copy's from then on.
pub async fn manage(
    State(state): State<AppState>,
    scope: AgencyScope<ItemReviewer>,
    Path(ItemPath { item }): Path<ItemPath>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, AppError> {
    take(&state, &scope, Target::Item(item), &form).await
}

/// Uploads an attachment to a draft (multipart; the CSRF token rides in the query).
pub async fn attach(
    State(state): State<AppState>,
    scope: AgencyScope<Drafter>,
    Path(DraftPath { draft: id }): Path<DraftPath>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let file = super::uploaded_file(multipart, "附件").await?;
    let by = scope.by(&state);
    state
        .store
        .add_attachment(&scope.agency.slug, id, file.upload(), by)
        .await?;
    Ok(back(&scope.agency, id, "item_saved"))
}

/// Removes an attachment from a never-published draft (its drafter, while drafting).
pub async fn detach(
    State(state): State<AppState>,
    scope: AgencyScope<Drafter>,
    Path(DraftAttachmentPath {
        draft: id,
        attachment,
    }): Path<DraftAttachmentPath>,
) -> Result<Response, AppError> {
    state
        .store
        .remove_attachment(&scope.agency.slug, id, attachment, scope.by(&state))
        .await?;
    Ok(back(&scope.agency, id, "item_saved"))
}

/// An attachment of a draft, for staff.
pub async fn attachment(
    State(state): State<AppState>,
    scope: AgencyScope,
    Path(DraftAttachmentPath {
        draft: id,
        attachment,
    }): Path<DraftAttachmentPath>,
) -> Result<Response, AppError> {
    let (name, content_type, bytes) = state
        .store
        .attachment_bytes(&scope.agency.slug, None, Some(id), attachment)
        .await?
        .ok_or_else(|| AppError::NotFound("没有这个附件。".into()))?;
    Ok(crate::views::download(&name, &content_type, bytes))
}

/// One saved version of a draft, read-only.
pub async fn version(
    State(state): State<AppState>,
    scope: AgencyScope,
    Path(VersionPath { draft: id, version }): Path<VersionPath>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let content = state
        .store
        .item_version(&agency.slug, id, version)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("没有第 {version} 版。")))?;
    let html = page(
        s,
        "admin/item_version.html",
        context! {
            agency => AgencyView::from(agency),
            id,
            version,
            c => Serde(&content),
            attribute => content.attribute.map(Attribute::label),
            kind => content.kind.map(DocKind::label),
            body => minijinja::Value::from_safe_string(content.body_html.clone()),
        },
    )?;
    Ok(html.into_response())
}

//! The editors of the 政府信息公开指南 and the 主动公开基本目录 (机关管理员): each save is a new version,
//! and the portal shows the newest.

use axum::extract::{Form, State};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use serde::Deserialize;

use super::{back_to, page};
use crate::AppState;
use crate::error::AppError;
use crate::extract::{AgencyAdmin, AgencyScope, Requirement};
use crate::portal::guide::{catalogue_rows, default_guide, versions};
use crate::views::AgencyView;
use gongkai_core::auth::Duty;

/// The guide editor.
pub async fn edit(State(state): State<AppState>, scope: AgencyScope) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let versions = state.store.guide_versions(&agency.slug).await?;
    let body = match versions.first() {
        Some(v) => v.body_html.clone(),
        None => default_guide(&state, agency).await?,
    };
    let html = page(
        s,
        "admin/guide.html",
        context! {
            agency => AgencyView::from(agency),
            body,
            can_edit => scope.may(Duty::Administer),
            versions => versions.iter().map(|v| context! { version => v.version, note => v.note.clone(), actor => v.actor.clone(), saved => gongkai_store::audit_time(v.saved.timestamp_millis()) }).collect::<Vec<_>>(),
        },
    )?;
    Ok(html.into_response())
}

/// The guide form.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct GuideForm {
    body: String,
    note: String,
}

/// Saves a new version of the guide (机关管理员).
pub async fn save(
    State(state): State<AppState>,
    scope: AgencyScope<AgencyAdmin>,
    Form(form): Form<GuideForm>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let body = crate::rich_text::clean(&form.body);
    gongkai_core::guide::check_revision(&body, &form.note)?;
    state
        .store
        .save_guide(
            &agency.slug,
            &body,
            form.note.trim(),
            s.by(state.clock.now()),
        )
        .await?;
    Ok(back_to(agency, "/guide"))
}

/// The catalogue editor (机关管理员): the columns in order, one per line.
pub async fn edit_catalogue(
    State(state): State<AppState>,
    scope: AgencyScope,
) -> Result<Response, AppError> {
    let agency = &scope.agency;
    let columns = state.store.catalogue(&agency.slug).await?;
    let text = if columns.is_empty() {
        gongkai_core::catalogue::default_text(agency.kind).to_owned()
    } else {
        gongkai_core::catalogue::to_text(&columns)
    };
    render_catalogue_editor(&state, &scope, &text, columns.is_empty(), None).await
}

async fn render_catalogue_editor<R: Requirement>(
    state: &AppState,
    scope: &AgencyScope<R>,
    text: &str,
    suggested: bool,
    error: Option<String>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let versions = versions(state, &agency.slug).await?;
    let rows = catalogue_rows(state, &agency.slug).await?;
    super::form_page(
        s,
        "admin/catalogue.html",
        crate::views::form_status(error.is_some()),
        context! {
            agency => AgencyView::from(agency),
            text,
            suggested,
            error => error.clone(),
            rows,
            can_edit => scope.may(Duty::Administer),
            year => chrono::Datelike::year(&state.clock.today()),
            versions,
        },
    )
}

/// The catalogue form.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct CatalogueForm {
    categories: String,
}

/// Saves the catalogue: the order given; new columns added; columns left out keep their items.
pub async fn save_catalogue(
    State(state): State<AppState>,
    scope: AgencyScope<AgencyAdmin>,
    Form(form): Form<CatalogueForm>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let columns = match gongkai_core::catalogue::parse(&form.categories) {
        Ok(c) => c,
        Err(e) => {
            return render_catalogue_editor(
                &state,
                &scope,
                &form.categories,
                false,
                Some(format!("{e}（目录未保存，请改正后再提交。）")),
            )
            .await;
        }
    };
    state
        .store
        .set_catalogue(&agency.slug, &columns, s.by(state.clock.now()))
        .await?;
    Ok(back_to(agency, "/catalogue"))
}

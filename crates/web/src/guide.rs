//! The 政府信息公开指南 (条例 第十二条) and the 主动公开基本目录 on the portal, and the guide's editor
//! in the back office. Until an agency saves its own guide, the portal shows one generated from its
//! data after the skeleton of `spec/letters-guide-catalogue.md` §2.3, so the statutory contents are
//! never missing.

use axum::extract::{Form, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_core::Agency;
use minijinja::context;
use serde::Deserialize;

use crate::AppState;
use crate::admin::{page, readable};
use crate::error::AppError;
use crate::pages::find;
use crate::session::Staff;
use crate::views;
use gongkai_store::By;

async fn default_guide(state: &AppState, agency: &Agency) -> Result<String, AppError> {
    let supervisor = match &agency.parent {
        Some(p) => state.store.find_agency(p).await?.map_or_else(
            || "上一级行政机关".to_owned(),
            |a| format!("{}办公室", a.name),
        ),
        None => "上一级人民政府办公厅（室）".to_owned(),
    };
    views::render(
        "guide_default.html",
        context! {
            agency => context! { name => agency.name.clone(), credit_code => agency.credit_code.as_str() },
            categories => state.store.categories(&agency.slug).await?,
            supervisor,
        },
    )
    .map_err(|e| AppError::Internal(e.into()))
}

/// The guide on the portal: the newest version, or the generated one.
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let agency = find(&state, &slug).await?;
    let newest = state
        .store
        .guide_versions(&agency.slug)
        .await?
        .into_iter()
        .next();
    let (body, version, saved) = match newest {
        Some(v) => (
            v.body_html,
            Some(v.version),
            Some(gongkai_store::audit_time(v.saved.timestamp_millis())),
        ),
        None => (default_guide(&state, &agency).await?, None, None),
    };
    let html = views::render(
        "guide.html",
        context! {
            agency => context! { slug => agency.slug.to_string(), name => agency.name.clone() },
            body => minijinja::Value::from_safe_string(body),
            version,
            saved,
        },
    )
    .map_err(|e| AppError::Internal(e.into()))?;
    Ok(Html(html).into_response())
}

/// The catalogue on the portal: categories with their item counts, and the yearly versions.
pub async fn catalogue(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let agency = find(&state, &slug).await?;
    let rows: Vec<_> = state
        .store
        .catalogue_counts(&agency.slug)
        .await?
        .into_iter()
        .map(|(c, count)| column_row(&c, count))
        .collect();
    let versions = versions(&state, &agency.slug).await?;
    let html = views::render(
        "catalogue.html",
        context! {
            agency => context! { slug => agency.slug.to_string(), name => agency.name.clone() },
            rows,
            versions,
        },
    )
    .map_err(|e| AppError::Internal(e.into()))?;
    Ok(Html(html).into_response())
}

fn column_row(c: &gongkai_core::catalogue::Column, count: i64) -> minijinja::Value {
    context! {
        name => c.name.clone(),
        child => c.parent.is_some(),
        description => c.description.clone(),
        deadline => c.deadline_text(),
        basis => c.basis.clone(),
        not_involved => c.not_involved,
        count,
    }
}

/// The catalogue's yearly versions, each as its column names.
async fn versions(
    state: &AppState,
    slug: &gongkai_core::Slug,
) -> Result<Vec<minijinja::Value>, AppError> {
    Ok(state
        .store
        .catalogue_versions(slug)
        .await?
        .into_iter()
        .map(|(year, columns)| {
            let categories: Vec<String> = columns
                .iter()
                .map(|c| {
                    let mut name = c.name.clone();
                    if c.not_involved {
                        name.push_str("（未涉及）");
                    }
                    name
                })
                .collect();
            context! { year, categories }
        })
        .collect())
}

/// The guide editor.
pub async fn edit(
    State(state): State<AppState>,
    Staff(s): Staff,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (agency, _, _) = readable(&state, &s.principal, &slug).await?;
    let versions = state.store.guide_versions(&agency.slug).await?;
    let body = match versions.first() {
        Some(v) => v.body_html.clone(),
        None => default_guide(&state, &agency).await?,
    };
    let html = page(
        &s,
        "admin/guide.html",
        context! {
            agency => context! { slug => agency.slug.to_string(), name => agency.name.clone() },
            body,
            can_edit => s.principal.can_administer(&agency.slug),
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
    Staff(s): Staff,
    Path(slug): Path<String>,
    Form(form): Form<GuideForm>,
) -> Result<Response, AppError> {
    let (agency, _, _) = readable(&state, &s.principal, &slug).await?;
    if !s.principal.can_administer(&agency.slug) {
        return Err(AppError::Forbidden(
            "只有本机关的机关管理员可以修订政府信息公开指南。".into(),
        ));
    }
    let body = crate::admin::items::sanitize(&form.body);
    if body.trim().is_empty() || form.note.trim().is_empty() {
        return Err(AppError::Unprocessable(
            "指南正文和修订说明都不能为空。".into(),
        ));
    }
    state
        .store
        .save_guide(
            &agency.slug,
            &body,
            form.note.trim(),
            By::new(&s.actor(), state.clock.now()),
        )
        .await?;
    Ok(Redirect::to(&format!("/admin/agencies/{}/guide", agency.slug)).into_response())
}

/// The catalogue editor (机关管理员): the columns in order, one per line.
pub async fn edit_catalogue(
    State(state): State<AppState>,
    Staff(s): Staff,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let (agency, _, _) = readable(&state, &s.principal, &slug).await?;
    let columns = state.store.catalogue(&agency.slug).await?;
    let text = if columns.is_empty() {
        // An agency without a catalogue starts from the spec's default for its kind.
        match agency.kind {
            gongkai_core::AgencyKind::Department => gongkai_core::catalogue::DEPARTMENT_DEFAULT,
            _ => gongkai_core::catalogue::TOWN_DEFAULT,
        }
        .to_owned()
    } else {
        gongkai_core::catalogue::to_text(&columns)
    };
    render_catalogue_editor(&state, &s, &agency, &text, columns.is_empty(), None).await
}

async fn render_catalogue_editor(
    state: &AppState,
    s: &crate::session::ActiveSession,
    agency: &gongkai_core::Agency,
    text: &str,
    suggested: bool,
    error: Option<String>,
) -> Result<Response, AppError> {
    let versions = versions(state, &agency.slug).await?;
    let rows: Vec<_> = state
        .store
        .catalogue_counts(&agency.slug)
        .await?
        .into_iter()
        .map(|(c, count)| column_row(&c, count))
        .collect();
    let mut html = page(
        s,
        "admin/catalogue.html",
        context! {
            agency => context! { slug => agency.slug.to_string(), name => agency.name.clone() },
            text,
            suggested,
            error => error.clone(),
            rows,
            can_edit => s.principal.can_administer(&agency.slug),
            year => chrono::Datelike::year(&state.clock.today()),
            versions,
        },
    )?
    .into_response();
    if error.is_some() {
        *html.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(html)
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
    Staff(s): Staff,
    Path(slug): Path<String>,
    Form(form): Form<CatalogueForm>,
) -> Result<Response, AppError> {
    let (agency, _, _) = readable(&state, &s.principal, &slug).await?;
    if !s.principal.can_administer(&agency.slug) {
        return Err(AppError::Forbidden(
            "只有本机关的机关管理员可以修改主动公开基本目录。".into(),
        ));
    }
    let columns = match gongkai_core::catalogue::parse(&form.categories) {
        Ok(c) => c,
        Err(e) => {
            return render_catalogue_editor(
                &state,
                &s,
                &agency,
                &form.categories,
                false,
                Some(format!("{e}（目录未保存，请改正后再提交。）")),
            )
            .await;
        }
    };
    state
        .store
        .set_catalogue(
            &agency.slug,
            &columns,
            By::new(&s.actor(), state.clock.now()),
        )
        .await?;
    Ok(Redirect::to(&format!("/admin/agencies/{}/catalogue", agency.slug)).into_response())
}

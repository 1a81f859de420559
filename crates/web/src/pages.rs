//! Public portal pages.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use chrono::Datelike;
use gongkai_core::{Agency, Slug};
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use crate::AppState;
use crate::error::AppError;
use crate::views::{self, STYLESHEET};

#[derive(Serialize)]
struct AgencyView {
    slug: String,
    name: String,
    kind: &'static str,
}

impl From<&Agency> for AgencyView {
    fn from(a: &Agency) -> Self {
        Self {
            slug: a.slug.to_string(),
            name: a.name.clone(),
            kind: a.kind.label(),
        }
    }
}

#[derive(Serialize)]
struct Branch {
    agency: AgencyView,
    members: Vec<AgencyView>,
}

fn page(name: &str, ctx: minijinja::Value) -> Result<Html<String>, AppError> {
    views::render(name, ctx)
        .map(Html)
        .map_err(|e| AppError::Internal(e.into()))
}

/// The home page: every agency, members under the agency that supervises them.
pub async fn home(State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let agencies = state.store.list_agencies().await?;
    let branches: Vec<Branch> = agencies
        .iter()
        .filter(|a| {
            a.parent
                .as_ref()
                .is_none_or(|p| !agencies.iter().any(|x| &x.slug == p))
        })
        .map(|top| Branch {
            agency: top.into(),
            members: agencies
                .iter()
                .filter(|a| a.parent.as_ref() == Some(&top.slug))
                .map(AgencyView::from)
                .collect(),
        })
        .collect();
    page("home.html", context! { branches => Serde(branches) })
}

fn parse_slug(slug: &str) -> Result<Slug, AppError> {
    Slug::parse(slug).map_err(|_| AppError::NotFound(format!("没有简称为“{slug}”的机关。")))
}

/// The agency a portal path names, or the public 404 saying so.
pub(crate) async fn find(state: &AppState, slug: &str) -> Result<Agency, AppError> {
    let slug = parse_slug(slug)?;
    state
        .store
        .find_agency(&slug)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("没有简称为“{slug}”的机关。")))
}

/// One agency: its reports by year and the agencies it supervises.
pub async fn agency(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Html<String>, AppError> {
    let agency = find(&state, &slug).await?;
    let years = state
        .store
        .report_years(&agency.slug, state.clock.today())
        .await?;
    let all = state.store.list_agencies().await?;
    let parent = agency
        .parent
        .as_ref()
        .and_then(|p| all.iter().find(|a| &a.slug == p))
        .map(AgencyView::from);
    let members: Vec<AgencyView> = all
        .iter()
        .filter(|a| a.parent.as_ref() == Some(&agency.slug))
        .map(AgencyView::from)
        .collect();
    // Year over year, oldest first, for the chart (at most the last five years).
    let mut reports = Vec::new();
    for year in years.iter().take(5).rev() {
        reports.push(
            state
                .store
                .report_data(&agency.slug, *year)
                .await?
                .compute(),
        );
    }
    let chart = if reports.len() > 1 {
        Some(minijinja::Value::from_safe_string(
            gongkai_docs::charts::year_over_year(&reports)
                .map_err(|e| AppError::Internal(e.into()))?,
        ))
    } else {
        None
    };
    page(
        "agency.html",
        context! {
            agency => Serde(AgencyView::from(&agency)),
            parent => Serde(parent),
            members => Serde(members),
            years => Serde(years),
            chart,
            categories => state.store.categories(&agency.slug).await?,
            latest => Serde(state.store.published_items(&agency.slug, None, 1, 8).await?.0.iter().map(|i| (i.id, i.title.clone(), i.published_on.to_string())).collect::<Vec<_>>()),
        },
    )
}

/// A year whose report can be shown: from 2008 (the 条例) to last year.
fn report_year(state: &AppState, year: &str) -> Result<i32, AppError> {
    let last = state.clock.today().year() - 1;
    match year.parse::<i32>() {
        Ok(y) if (2008..=last).contains(&y) => Ok(y),
        Ok(y) if y > last && y < 10_000 => Err(AppError::NotFound(format!(
            "{y}年度尚未结束，年度报告在次年形成。"
        ))),
        _ => Err(AppError::NotFound(format!(
            "“{year}”不是可查询的报告年度。"
        ))),
    }
}

/// An agency's annual report for a year, with the statutory tables: the latest published version,
/// with its corrections listed; before publication, a preview computed from the records.
pub async fn report(
    State(state): State<AppState>,
    Path((slug, year)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let agency = find(&state, &slug).await?;
    let year = report_year(&state, &year)?;
    let public = state
        .store
        .public_report(&agency.slug, year, state.clock.today())
        .await?;
    let history: Vec<_> = public
        .publications
        .iter()
        .map(|p| {
            context! {
                version => p.version,
                date => gongkai_core::clock::china_date(p.published_at).to_string(),
                note => p.note.clone(),
            }
        })
        .collect();
    let report = public.report;
    let article = gongkai_docs::html_fragment(&report).map_err(|e| AppError::Internal(e.into()))?;
    page(
        "report.html",
        context! {
            title => report.title(),
            agency => Serde(AgencyView::from(&agency)),
            year,
            preview => history.is_empty(),
            history,
            article => minijinja::Value::from_safe_string(article),
        },
    )
}

/// The report as a file — `report.md`, `.html`, `.json` (with cross-check findings), `.docx`,
/// `.xlsx` — the same version the report page shows.
pub async fn report_download(
    State(state): State<AppState>,
    Path((slug, year, file)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let agency = find(&state, &slug).await?;
    let year = report_year(&state, &year)?;
    let Some(Ok(format)) = file
        .strip_prefix("report.")
        .map(str::parse::<gongkai_docs::Format>)
    else {
        return Err(AppError::NotFound("没有这种格式的报告文件。".to_owned()));
    };
    let (content_type, ext) = (format.content_type(), format.extension());
    let public = state
        .store
        .public_report(&agency.slug, year, state.clock.today())
        .await?;
    let body = gongkai_docs::render(format, &public.report, &public.findings)
        .map_err(|e| AppError::Internal(e.into()))?;
    let disposition_kind = if matches!(
        format,
        gongkai_docs::Format::Docx | gongkai_docs::Format::Xlsx
    ) {
        "attachment"
    } else {
        "inline"
    };
    let disposition = format!(
        "{disposition_kind}; filename=\"{}-{year}.{ext}\"",
        agency.slug
    );
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// The portal stylesheet.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

/// Liveness: answers when the database does.
pub async fn health(State(state): State<AppState>) -> Result<&'static str, AppError> {
    state.store.list_agencies().await?;
    Ok("ok")
}

/// Any other path.
pub async fn not_found() -> AppError {
    AppError::NotFound("您访问的页面不存在。".to_owned())
}

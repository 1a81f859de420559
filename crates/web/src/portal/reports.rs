//! The annual reports on the portal: each year's report with its statutory tables (the latest
//! published version, or before publication a preview computed from the records), and the same
//! report as a file.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use minijinja::context;

use crate::AppState;
use crate::error::AppError;
use crate::extract::{PublicAgency, ReportFilePath, YearPath};
use crate::session::PublicForm;
use crate::views::AgencyView;

/// A year whose report the public can read (`core::report::year`); anything else is 404.
fn report_year(state: &AppState, year: &str) -> Result<i32, AppError> {
    Ok(gongkai_core::report::year::public_year(
        year,
        state.clock.today(),
    )?)
}

/// The years whose report the public can read: those published (a year's report reaches the
/// portal only when the agency publishes it), newest first.
pub(crate) async fn public_years(
    state: &AppState,
    slug: &gongkai_core::Slug,
) -> Result<Vec<i32>, AppError> {
    Ok(state
        .store
        .publication_counts(slug)
        .await?
        .iter()
        .map(|&(year, _)| year)
        .collect())
}

/// Whether the visitor is staff who may read the agency's records (they see a report before it
/// is published, marked as a preview; the public does not).
async fn may_preview(
    state: &AppState,
    visitor: &crate::session::Visitor,
    slug: &gongkai_core::Slug,
) -> Result<bool, AppError> {
    let Some(session) = &visitor.session else {
        return Ok(false);
    };
    let lineage = state.store.lineage(slug).await?;
    Ok(session.principal.can_read_lineage(&lineage))
}

/// The report of a year as the visitor may read it: published, or a preview for staff; 404 for
/// the public before publication (without computing the preview it would not see).
async fn readable_report(
    state: &AppState,
    visitor: &crate::session::Visitor,
    agency: &gongkai_core::Agency,
    year: i32,
) -> Result<gongkai_store::PublicReport, AppError> {
    let preview = may_preview(state, visitor, &agency.slug).await?;
    match state
        .store
        .public_report(&agency.slug, year, preview)
        .await?
    {
        Some(public) => Ok(public),
        None => Err(not_published(state, agency, year).await?),
    }
}

/// The 404 of a year whose report is not published here, with the ways on: the years that are,
/// and the catalogue's column of annual reports, where those an agency published before it used
/// this site are (the demo's 2023 report is one: "尚未发布" alone sent its reader away).
async fn not_published(
    state: &AppState,
    agency: &gongkai_core::Agency,
    year: i32,
) -> Result<AppError, AppError> {
    let slug = &agency.slug;
    let mut links: Vec<(String, String)> = public_years(state, slug)
        .await?
        .into_iter()
        .take(3)
        .map(|y| {
            (
                format!("/agencies/{slug}/reports/{y}"),
                gongkai_core::report::title(&agency.name, y),
            )
        })
        .collect();
    let column = gongkai_store::REPORT_CATEGORY;
    if state
        .store
        .categories(slug)
        .await?
        .iter()
        .any(|c| c == column)
    {
        let list = crate::views::items_query(slug.as_str(), column);
        links.push((
            list.trim_end_matches('&').to_owned(),
            format!("主动公开目录“{column}”栏目（含此前发布的年度报告）"),
        ));
    }
    Ok(AppError::NotHere {
        what: format!(
            "本站尚未发布{}。",
            gongkai_core::report::title(&agency.name, year)
        ),
        links,
        q: String::new(),
    })
}

/// A year written otherwise than its digits (`02024`) is sent to the report's one address: it
/// answered with the whole report at a second address, which crawlers counted as another page.
fn canonical(
    agency: &gongkai_core::Agency,
    asked: &str,
    year: i32,
    rest: &str,
) -> Option<Response> {
    (asked != year.to_string()).then(|| {
        axum::response::Redirect::permanent(&format!(
            "/agencies/{}/reports/{year}{rest}",
            agency.slug
        ))
        .into_response()
    })
}

/// An agency's annual report for a year, with the statutory tables: the latest published version,
/// with its corrections listed; before publication, a preview computed from the records.
pub async fn report(
    State(state): State<AppState>,
    public_form: PublicForm,
    PublicAgency(agency): PublicAgency,
    Path(YearPath { year: asked }): Path<YearPath>,
) -> Result<Response, AppError> {
    let year = report_year(&state, &asked)?;
    if let Some(moved) = canonical(&agency, &asked, year, "") {
        return Ok(moved);
    }
    let public = readable_report(&state, &public_form.visitor, &agency, year).await?;
    let history: Vec<_> = public
        .publications()
        .iter()
        .map(|p| {
            context! {
                version => p.version,
                date => gongkai_core::clock::china_date(p.published_at).to_string(),
                note => p.note.clone(),
            }
        })
        .collect();
    let preview = public.is_preview();
    let report = public.report();
    let article = gongkai_docs::html_fragment(report).map_err(|e| AppError::Internal(e.into()))?;
    let page = crate::views::page(
        "portal/report.html",
        context! {
            title => report.title(),
            agency => AgencyView::from(&agency),
            year,
            preview,
            published => public
                .publications()
                .first()
                .map(|p| gongkai_core::clock::china_minute(p.published_at)),
            history,
            article => minijinja::Value::from_safe_string(article),
        },
    )?;
    Ok(if preview { preview_answer(page) } else { page })
}

/// The report as a file — `report.md`, `.html`, `.json` (with cross-check findings), `.docx`,
/// `.xlsx` — the same version the report page shows.
pub async fn download(
    State(state): State<AppState>,
    public_form: PublicForm,
    PublicAgency(agency): PublicAgency,
    Path(ReportFilePath { year: asked, file }): Path<ReportFilePath>,
) -> Result<Response, AppError> {
    let year = report_year(&state, &asked)?;
    if let Some(moved) = canonical(&agency, &asked, year, &format!("/{file}")) {
        return Ok(moved);
    }
    let Some(Ok(format)) = file
        .strip_prefix("report.")
        .map(str::parse::<gongkai_docs::Format>)
    else {
        return Err(AppError::NotFound("没有这种格式的报告文件。".to_owned()));
    };
    let public = readable_report(&state, &public_form.visitor, &agency, year).await?;
    let today = state.clock.today();
    let json = format == gongkai_docs::Format::Json;
    // Only the JSON file lists the cross-checks' findings.
    let findings = async || {
        Ok(state
            .store
            .report_findings(&agency.slug, &public, today)
            .await?)
    };
    let files = state.report_files();
    let Some(last) = public.publications().last() else {
        // A preview's findings are the workspace's: its cross-checks and the parts of its text
        // still empty (the back office links here for the JSON; it listed none of the latter).
        let findings = if json { findings().await? } else { Vec::new() };
        let file = files
            .make(format, public.report().clone(), findings)
            .await?;
        return Ok(preview_answer(file_answer(
            format, &agency, year, "-preview", file,
        )));
    };
    // A published version's file is kept; the JSON file's only under the database's version and
    // the date its findings were checked under (that version unreadable: made every time).
    let checked = if json {
        state.store.kept_version().await.map(|v| Some((v, today)))
    } else {
        Some(None)
    };
    let body = match checked {
        Some(checked) => {
            let key = crate::portal::report_files::FileKey {
                slug: agency.slug.to_string(),
                year,
                version: last.version,
                format,
                checked,
            };
            files.published(key, public.report(), findings).await?
        }
        None => {
            files
                .make(format, public.report().clone(), findings().await?)
                .await?
        }
    };
    // A correction's files are named with their version: a downloaded first version and a
    // corrected one could not be told apart (a helper's walk).
    let version = if last.version > 1 {
        format!("-v{}", last.version)
    } else {
        String::new()
    };
    Ok(file_answer(format, &agency, year, &version, body))
}

/// A preview (staff, before publication) is answered at the address the published report will
/// have: no cache may keep it (a proxy would have handed the draft to the public), and a
/// downloaded file is named as a preview.
fn preview_answer(mut response: Response) -> Response {
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-store"),
    );
    response
}

/// A report file as a download, named after the agency and the year.
fn file_answer(
    format: gongkai_docs::Format,
    agency: &gongkai_core::Agency,
    year: i32,
    suffix: &str,
    body: axum::body::Bytes,
) -> Response {
    let (content_type, ext) = (format.content_type(), format.extension());
    let disposition_kind = if matches!(
        format,
        gongkai_docs::Format::Docx | gongkai_docs::Format::Xlsx
    ) {
        "attachment"
    } else {
        "inline"
    };
    let disposition = format!(
        "{disposition_kind}; filename=\"{}-{year}{suffix}.{ext}\"",
        agency.slug
    );
    // The HTML file is a document of its own, styled inline (it must read the same saved to a
    // disk): under the pages' policy, which allows only the site's style sheet, a browser
    // opening it from the site showed it unstyled and its wide tables cut off on a phone.
    let policy: &[(axum::http::HeaderName, &str)] = match format {
        gongkai_docs::Format::Html => &[(
            axum::http::header::CONTENT_SECURITY_POLICY,
            crate::views::DOCUMENT_CSP,
        )],
        _ => &[],
    };
    crate::views::file(content_type, disposition, policy, body)
}

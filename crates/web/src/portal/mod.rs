//! The public portal: what any visitor reads and sends without signing in — the agencies and their
//! annual reports, the 政府信息公开指南 and 主动公开基本目录, the items with their feeds and search,
//! requests for information (the form, tracking, letters), enquiries and complaints, evaluation and
//! the results of proposals, the report checker, and the large-text reading mode.

pub mod agencies;
pub mod check;
pub mod checkpoints;
pub mod display;
pub mod guide;
pub mod items;
pub(crate) mod report_files;
pub mod reports;
pub mod requests;
pub mod search;
pub mod site;
pub mod supervision;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::views::STYLESHEET;
use crate::{Access, AppState, Routes};

/// The portal's routes; pages the same for every anonymous visitor go through the page cache.
/// Everything here is open to anyone (`P`, public). One route a line: the list reads as a table.
/// Stored pages (`Routes::stored_page`) name the query parameters their handlers read: the page
/// cache keys them by these alone.
#[rustfmt::skip]
pub(crate) fn routes(r: Routes) -> Routes {
    use Access::Public as P;
    // What `items::ListQuery` reads (lists and feeds).
    const LIST: &[&str] = &["category", "page"];
    r.stored_page("/", &[], agencies::home)
        .stored_page("/agencies/{slug}", &[], agencies::agency)
        .page("/agencies/{slug}/reports/{year}", reports::report)
        .get("/agencies/{slug}/reports/{year}/{file}", P, reports::download)
        .get("/assets/site.css", P, stylesheet)
        .get("/healthz", P, health)
        .get("/favicon.ico", P, site::favicon)
        .get("/assets/logo/{name}", P, site::logo)
        .stored_page("/agencies/{slug}/guide", &[], guide::show)
        .stored_page("/agencies/{slug}/catalogue", &[], guide::catalogue)
        .stored_page("/agencies/{slug}/rules", &[], guide::rules)
        .stored_page("/sitemap", &[], site::sitemap)
        .stored_page("/contact", &[], site::contact)
        .get("/assets/conac.svg", P, site::conac_mark)
        .stored_page("/agencies/{slug}/items", LIST, items::list)
        .stored_page("/agencies/{slug}/items/{item}", &[], items::show)
        .get("/agencies/{slug}/items/{item}/attachments/{attachment}", P, items::attachment)
        .stored_page("/agencies/{slug}/feed.atom", LIST, items::feed)
        .stored_page("/sitemap.xml", &[], items::sitemap)
        .get("/robots.txt", P, items::robots)
        .stored_page("/sitemaps/{part}", &[], items::sitemap_part)
        .page("/search", search::page)
        .get("/display", P, display::switch)
        .get("/agencies/{slug}/requests/new", P, requests::new_form)
        .post("/agencies/{slug}/requests", P, requests::submit)
        .get("/agencies/{slug}/requests/submitted", P, requests::submitted)
        .get("/agencies/{slug}/requests/track", P, requests::track_form)
        .post("/agencies/{slug}/requests/track", P, requests::track)
        .post("/agencies/{slug}/requests/letters/{letter}", P, requests::letter)
        .get("/agencies/{slug}/requests/files/{reply_file}", P, requests::reply_file)
        .page("/agencies/{slug}/messages", supervision::list)
        .get("/agencies/{slug}/messages/new", P, supervision::new_form)
        .post("/agencies/{slug}/messages", P, supervision::submit)
        .get("/agencies/{slug}/messages/track", P, supervision::track)
        .get("/agencies/{slug}/evaluate", P, supervision::evaluate_form)
        .post("/agencies/{slug}/evaluate", P, supervision::evaluate)
        .page("/agencies/{slug}/proposals", supervision::proposals)
        .get("/audit/checkpoints", P, checkpoints::page)
        .get("/audit/checkpoints.atom", P, checkpoints::feed)
        .get("/check", P, check::form)
        .post("/check", P, check::submit)
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
pub async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    // Under /api/ a problem document at once: as a page, it was turned into one afterwards and
    // the whole page logged as the refusal's detail.
    if crate::api::owns(uri.path()) {
        crate::api::no_such_address().into_response()
    } else {
        AppError::NotFound("您访问的页面不存在。".to_owned()).into_response()
    }
}

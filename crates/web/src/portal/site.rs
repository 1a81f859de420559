//! The pages every government site links from its footer (`spec/portal-conventions.md` F-14):
//! 网站地图, every public page of the portal by agency, and 联系我们, the site's sponsor and how
//! to reach it; and the 党政机关网站标识 image the footer shows.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use gongkai_core::catalogue::RULES_COLUMN;
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use crate::AppState;
use crate::admin::tree_order;
use crate::error::AppError;
use crate::views::{self, AgencyView};

/// The 党政机关网站标识 shown in every footer, served from the site itself (the issuer's script is
/// not allowed by the pages' content security policy); it links to the record the site sets.
pub async fn conac_mark() -> Response {
    asset("image/svg+xml", include_bytes!("../../assets/conac.svg"))
}

/// The icon browsers ask for on every site (a page with lines, in the header's red), so their
/// request is answered rather than logged as a broken link.
pub async fn favicon() -> Response {
    asset("image/x-icon", include_bytes!("../../assets/favicon.ico"))
}

/// A file built into the program, kept a day by browsers.
fn asset(content_type: &'static str, bytes: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
        .into_response()
}

/// An uploaded logo of the site (`/assets/logo/{name}`), kept a year: its name is its digest.
pub async fn logo(
    State(state): State<AppState>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Result<Response, AppError> {
    let (content_type, bytes) = state
        .store
        .site_file(&name)
        .await?
        .ok_or_else(|| AppError::NotFound("没有这个图片。".into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CACHE_CONTROL,
                "public, max-age=31536000, immutable".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Serialize)]
struct AgencyMap {
    agency: AgencyView,
    depth: usize,
    categories: Vec<String>,
    has_rules: bool,
    years: Vec<i32>,
}

/// 网站地图: every agency with the pages of its 政府信息公开 column.
pub async fn sitemap(State(state): State<AppState>) -> Result<Response, AppError> {
    let agencies = state.store.list_agencies().await?;
    let mut rows = Vec::new();
    for (a, depth) in tree_order(&agencies, |_| true) {
        let all = state.store.categories(&a.slug).await?;
        rows.push(AgencyMap {
            agency: a.into(),
            depth,
            has_rules: all.iter().any(|c| c == RULES_COLUMN),
            categories: all.into_iter().filter(|c| c != RULES_COLUMN).collect(),
            years: super::reports::public_years(&state, &a.slug).await?,
        });
    }
    views::page("portal/sitemap.html", context! { rows => Serde(rows) })
}

/// 联系我们: the site's sponsor, operator and contact, and each agency's own where it set one.
pub async fn contact(State(state): State<AppState>) -> Result<Response, AppError> {
    let agencies = state.store.list_agencies().await?;
    let mut rows = Vec::new();
    for (a, _) in tree_order(&agencies, |_| true) {
        // An agency that answers the public at its own office says so here too.
        let own = state.store.agency_site(&a.slug).await?.unwrap_or_default();
        rows.push(context! { agency => AgencyView::from(a), own => Serde(own) });
    }
    views::page("portal/contact.html", context! { agencies => rows })
}

//! The portal's proactive disclosure: each agency's catalogue with its items (paged), the item page
//! with its metadata block (`spec/regulations.md` §4.2), Atom feeds per agency and per category, and
//! `sitemap.xml` (an index of parts). Item pages, like every public page, carry an `ETag` of their
//! bytes from the page cache, so repeat visits cost a 304.

use std::fmt::Write as _;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongkai_core::item::ItemContent;
use gongkai_store::PublishedItem;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use crate::AppState;
use crate::error::AppError;
use crate::extract::{ItemAttachmentPath, PortalItemPath, PublicAgency, SitemapPath};
use crate::views::{self, AgencyView};

/// Items per list page.
pub const PER_PAGE: u32 = 20;

/// `?category=&page=`.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    category: String,
    /// Read as wide as the search's page number: `page=99999999999` is a page past the end
    /// (404, with the number of pages) on both, where the list refused it as unreadable (400).
    #[serde(deserialize_with = "crate::extract::page_number")]
    page: u64,
}

/// Whether `category` (empty: the whole list) is a column of the agency's catalogue: a list or a
/// feed of a column it does not have is a 404, not an empty page (the feed answered any name,
/// and one with a character XML does not allow was not well-formed).
fn in_catalogue(
    agency: &gongkai_core::Agency,
    categories: &[String],
    category: &str,
) -> Result<(), AppError> {
    if category.is_empty() || categories.iter().any(|c| c == category) {
        return Ok(());
    }
    // A long name typed into the address is shown cut, not echoed whole.
    Err(AppError::NotFound(format!(
        "{}的主动公开目录中没有“{}”栏目。",
        agency.name,
        views::quoted(category, 40)
    )))
}

/// The agency's items, newest first, optionally one category, paged.
pub async fn list(
    State(state): State<AppState>,
    PublicAgency(agency): PublicAgency,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let categories = state.store.categories(&agency.slug).await?;
    let category = q.category.trim();
    in_catalogue(&agency, &categories, category)?;
    let page = q.page.max(1);
    let (items, total) = state
        .store
        .listed_items(
            &agency.slug,
            (!category.is_empty()).then_some(category),
            u32::try_from(page).unwrap_or(u32::MAX),
            PER_PAGE,
        )
        .await?;
    let pages = views::page_count(total, PER_PAGE as usize);
    let base = views::items_query(agency.slug.as_str(), category);
    if usize::try_from(page).map_or(true, |p| p > pages) {
        return Err(AppError::past_end(page, pages, &base, "", ""));
    }
    let paging = views::Pager::new(
        usize::try_from(page).unwrap_or(usize::MAX),
        pages,
        usize::try_from(total).unwrap_or(0),
        &base,
    );
    views::page(
        "portal/items.html",
        context! {
            agency => AgencyView::from(&agency),
            categories,
            category,
            // Each row a `context!` (a short list of named values, found by comparing names)
            // rather than a struct put through serde into a map (a hash a look-up).
            rows => items.iter().map(|i| context! {
                id => i.id,
                title => i.title.as_str(),
                category => i.category.as_str(),
                date => i.published_on.to_string(),
                doc_number => i.doc_number.as_str(),
            }).collect::<Vec<_>>(),
            total,
            page,
            pages,
            pager => minijinja::value::Serde(paging),
            feed => if category.is_empty() {
                format!("/agencies/{}/feed.atom", agency.slug)
            } else {
                format!("/agencies/{}/feed.atom?category={}", agency.slug, form_urlencoded::byte_serialize(category.as_bytes()).collect::<String>())
            },
        },
    )
}

fn metadata(
    agency_name: &str,
    item: &PublishedItem,
    c: Option<&ItemContent>,
) -> Vec<(&'static str, String)> {
    let mut m = vec![
        ("索引号", item.index_no.clone().unwrap_or_default()),
        ("主题分类", c.map(|c| c.topic.clone()).unwrap_or_default()),
        ("发布机构", agency_name.to_owned()),
        ("所属栏目", item.category.clone()),
        (
            "成文日期",
            c.and_then(|c| c.written_on)
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        ("标题", item.title.clone()),
        (
            "发文字号",
            c.map(|c| c.doc_number.clone()).unwrap_or_default(),
        ),
        (
            "文件类型",
            c.and_then(|c| c.kind)
                .map(|k| k.label().to_owned())
                .unwrap_or_default(),
        ),
        ("发布日期", item.published_on.to_string()),
        (
            "公开方式",
            c.and_then(|c| c.attribute)
                .map(|a| a.label().to_owned())
                .unwrap_or_default(),
        ),
    ];
    if let Some(v) = c.and_then(|c| c.validity) {
        m.push(("有效性", v.label()));
    }
    m.push(("关键词", c.map(|c| c.keywords.clone()).unwrap_or_default()));
    m.push(("内容概述", c.map(|c| c.summary.clone()).unwrap_or_default()));
    m.retain(|(_, v)| !v.is_empty());
    m
}

/// `/robots.txt`: where crawlers find the sitemap (`Sitemap:`, the way search engines look for
/// it first), and what they need not walk: the back office and the API, searches (each a new
/// page of pages already listed) and the reading-mode switch, and the report checker's form.
pub async fn robots(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let origin = crate::address::origin(&state, &headers);
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        format!(
            "User-agent: *\nDisallow: /admin\nDisallow: /api/\nDisallow: /search\n\
             Disallow: /display\nDisallow: /check\n\nSitemap: {origin}/sitemap.xml\n"
        ),
    )
        .into_response()
}

/// An item taken off the portal answers 410 with a notice — its title, 撤回日期 and the reason if
/// the reason was made public — never a bare 404; an item that never was answers 404.
async fn withdrawn(
    state: &AppState,
    agency: &gongkai_core::Agency,
    id: i64,
) -> Result<Response, AppError> {
    let notice = state
        .store
        .withdrawn_item(&agency.slug, id)
        .await?
        .ok_or_else(|| AppError::NotFound("没有这条信息。".into()))?;
    let mut response = views::page(
        "portal/withdrawn.html",
        context! {
            agency => AgencyView::from(agency),
            title => notice.title,
            on => notice.withdrawn_on.to_string(),
            reason => notice.reason,
        },
    )?;
    *response.status_mut() = StatusCode::GONE;
    Ok(response)
}

/// One item: metadata block and body.
pub async fn show(
    State(state): State<AppState>,
    PublicAgency(agency): PublicAgency,
    Path(PortalItemPath { item: asked }): Path<PortalItemPath>,
) -> Result<Response, AppError> {
    // One page, one address: `/items/07` and `/items/+7` were the page of `/items/7` (a crawler
    // indexed it twice, and each spelling was a page to render and keep), and `/items/abc` was
    // refused as a bad request where an address that names nothing is not found.
    let id = asked
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            AppError::NotFound(format!("没有编号为“{}”的信息。", views::quoted(&asked, 20)))
        })?;
    if asked != id.to_string() {
        return Ok(axum::response::Redirect::permanent(&format!(
            "/agencies/{}/items/{id}",
            agency.slug
        ))
        .into_response());
    }
    // The item, what it interprets, its 解读 and its attachments: one statement.
    let Some(gongkai_store::ItemPage {
        item,
        interpreted,
        readings,
        attachments,
    }) = state.store.item_page(&agency.slug, id).await?
    else {
        return withdrawn(&state, &agency, id).await;
    };
    let c = item.content.as_ref();
    let attachments: Vec<_> = attachments
        .into_iter()
        .map(|a| context! { id => a.id, name => a.name, size => views::size_text(a.size) })
        .collect();
    let body = c.map(|c| minijinja::Value::from_safe_string(c.body_html.clone()));
    let mut response = views::page(
        "portal/item.html",
        context! {
            agency => AgencyView::from(&agency),
            // A short list of named values (`context!`), as the list rows are, rather than a
            // struct put through serde into a map.
            item => context! {
                id => item.id,
                title => item.title.as_str(),
                category => item.category.as_str(),
                date => item.published_on.to_string(),
                doc_number => c.map_or("", |c| c.doc_number.as_str()),
                keywords => c.map_or("", |c| c.keywords.as_str()),
                summary => c.map_or("", |c| c.summary.as_str()),
            },
            meta => metadata(&agency.name, &item, c),
            body,
            interpreted => interpreted.map(|(id, title)| context! { id, title }),
            attachments,
            readings => readings.into_iter().map(|(id, title)| context! { id, title }).collect::<Vec<_>>(),
            lapsed => c.and_then(|c| c.validity).and_then(|v| v.lapse_notice(state.clock.today())),
            corrections => c.map(|c| Serde(c.corrections.clone())),
        },
    )?;
    // No `ETag` of its own: the page cache tags the page by its bytes. One made of the item's id
    // and update time stayed the same when the footer's contact, a new 解读's link or a lapse
    // notice changed the page, and a browser was told its old copy was current. No
    // `Last-Modified` either, for the same reason: the item's update time is not the page's, and
    // a proxy revalidating by date would have kept the old page.
    let h = response.headers_mut();
    // Revalidated on every visit (a 304 costs little): a withdrawn or corrected item must not
    // stay on a visitor's screen from the browser's cache.
    if let Ok(v) = "public, no-cache".parse() {
        h.insert(header::CACHE_CONTROL, v);
    }
    Ok(response)
}

/// An attachment of an item on the portal.
pub async fn attachment(
    State(state): State<AppState>,
    PublicAgency(agency): PublicAgency,
    Path(ItemAttachmentPath {
        item,
        attachment: att,
    }): Path<ItemAttachmentPath>,
) -> Result<Response, AppError> {
    let (name, content_type, bytes) = state
        .store
        .attachment_bytes(&agency.slug, Some(item), None, att)
        .await?
        .ok_or_else(|| AppError::NotFound("没有这个附件，或信息已撤回。".into()))?;
    Ok(views::download(&name, &content_type, bytes))
}

/// Atom feed of the agency's latest items (or one category's).
pub async fn feed(
    State(state): State<AppState>,
    PublicAgency(agency): PublicAgency,
    Query(q): Query<ListQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let category = q.category.trim();
    in_catalogue(
        &agency,
        &state.store.categories(&agency.slug).await?,
        category,
    )?;
    let (items, _) = state
        .store
        .published_items(
            &agency.slug,
            (!category.is_empty()).then_some(category),
            1,
            PER_PAGE,
        )
        .await?;
    let updated = items
        .iter()
        .map(|i| i.published_on)
        .max()
        .unwrap_or_else(|| state.clock.today());
    let entries: Vec<_> = items
        .iter()
        .map(|i| {
            context! {
                id => i.id,
                title => i.title.clone(),
                date => i.published_on.to_string(),
                summary => i.content.as_ref().map(|c| c.summary.clone()).unwrap_or_default(),
                category => i.category.clone(),
            }
        })
        .collect();
    let xml = views::render(
        "portal/feed.xml",
        context! {
            agency => AgencyView::from(&agency),
            category,
            origin => crate::address::origin_value(&state, &headers),
            updated => updated.to_string(),
            entries,
        },
    )
    .map_err(|e| AppError::Internal(e.into()))?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

/// `sitemap.xml`: a sitemap index (the sitemaps protocol): the portal's pages
/// (`/sitemaps/pages.xml`) and the items in parts of at most 10,000 addresses
/// (`/sitemaps/items-N.xml`), each with its newest 发布日期. One file of every item answered 500
/// past 20,000 items; a province has millions.
pub async fn sitemap(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let parts = state.store.sitemap_parts().await?;
    let xml = views::render(
        "portal/sitemap.xml",
        context! {
            origin => crate::address::origin_value(&state, &headers),
            parts => parts.iter().map(|(n, on)| context! { n, date => on.to_string() }).collect::<Vec<_>>(),
        },
    )
    .map_err(|e| AppError::Internal(e.into()))?;
    Ok(([(header::CONTENT_TYPE, XML)], xml).into_response())
}

const XML: &str = "application/xml; charset=utf-8";

/// Addresses written per piece of a streamed sitemap part.
const PIECE: usize = 1_000;

/// A part of the sitemap: `pages.xml` (the home page, every agency and its list of items) or
/// `items-N.xml` (the items of part N, [`gongkai_store::Store::sitemap_parts`]). An items part
/// is written in pieces as it is sent (up to 10,000 addresses, ~1 MB), not rendered whole,
/// and kept by the page cache.
pub async fn sitemap_part(
    State(state): State<AppState>,
    Path(SitemapPath { part }): Path<SitemapPath>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let origin = crate::address::origin(&state, &headers);
    let not_found = || AppError::NotFound("没有这一部分网站地图。".into());
    let head = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
        <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    let tail = "</urlset>\n";
    if part == "pages.xml" {
        let mut xml = format!(
            "{head}<url><loc>{origin}/</loc></url>\n\
             <url><loc>{origin}/sitemap</loc></url>\n\
             <url><loc>{origin}/contact</loc></url>\n"
        );
        // Each agency's pages a citizen looks for: its page, its items, its 公开指南, 主动公开目录
        // and rules, and each published year's report (they were in no sitemap).
        for a in state.store.list_agencies().await?.iter() {
            let at = format!("{origin}/agencies/{}", a.slug);
            for page in ["", "/items", "/guide", "/catalogue", "/rules"] {
                let _ = writeln!(xml, "<url><loc>{at}{page}</loc></url>");
            }
            for year in super::reports::public_years(&state, &a.slug).await? {
                let _ = writeln!(xml, "<url><loc>{at}/reports/{year}</loc></url>");
            }
        }
        xml.push_str(tail);
        return Ok(([(header::CONTENT_TYPE, XML)], xml).into_response());
    }
    let n: i64 = part
        .strip_prefix("items-")
        .and_then(|p| p.strip_suffix(".xml"))
        .filter(|p| !p.starts_with('0'))
        .and_then(|p| p.parse().ok())
        .filter(|n| *n > 0)
        .ok_or_else(not_found)?;
    let items = state.store.sitemap_items(n).await?;
    if items.is_empty() {
        return Err(not_found());
    }
    // Slugs are lowercase letters, digits and hyphens and the origin's host is checked
    // (`origin`): nothing here needs escaping.
    let mut items = items.into_iter();
    let pieces = std::iter::from_fn(move || {
        let mut piece = String::new();
        for (slug, id, on) in items.by_ref().take(PIECE) {
            let _ = writeln!(
                piece,
                "<url><loc>{origin}/agencies/{slug}/items/{id}</loc><lastmod>{on}</lastmod></url>"
            );
        }
        (!piece.is_empty()).then_some(piece)
    });
    let body = std::iter::once(head.to_owned())
        .chain(pieces)
        .chain(std::iter::once(tail.to_owned()))
        .map(Ok::<_, std::convert::Infallible>);
    Ok((
        [(header::CONTENT_TYPE, XML)],
        axum::body::Body::from_stream(futures_util::stream::iter(body)),
    )
        .into_response())
}

//! The demo portal crawled as a website monitor would: every internal link from the home page,
//! the site map and an error page is followed over the router; none may answer 400 or more, and
//! every HTML page must carry the footer's function area (F-1), the site tags (F-8) and the title
//! rule (G-11); column pages their column tags (F-9) with the 61号 column types (C-3); item pages
//! their article tags (F-10) (`shared/spec/portal-conventions.md` §1.2, §1.3).

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::NaiveDate;
use gongkai_core::FixedClock;
use gongkai_store::{Store, demo, on_both_backends};
use tower::ServiceExt;

async fn demo_app(store: &Store) -> axum::Router {
    let now = "2025-01-15T02:00:00Z".parse().unwrap();
    demo::load(store, now).await.unwrap();
    assert!(demo::publish(store, now).await.unwrap());
    let clock = Arc::new(FixedClock::on(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()));
    gongkai_web::router(gongkai_web::AppState {
        store: store.clone(),
        clock,
        settings: Arc::new(gongkai_web::Settings::default()),
        calendar: Arc::new(gongkai_core::calendar::Calendar::built_in()),
        search: Arc::new(gongkai_search::SearchIndex::open(None).unwrap()),
    })
}

struct Fetched {
    status: StatusCode,
    html: Option<String>,
    /// Served as a file (`Content-Disposition`): a document, not a page of the site.
    document: bool,
}

async fn fetch(app: &axum::Router, uri: &str) -> Fetched {
    let res = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let document = res.headers().contains_key(header::CONTENT_DISPOSITION);
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    Fetched {
        status,
        document,
        html: is_html.then(|| String::from_utf8(bytes.to_vec()).unwrap()),
    }
}

/// Every `href="…"` and `src="…"` of a page that stays on this site, entities decoded and the
/// fragment dropped.
fn internal_links(html: &str) -> Vec<String> {
    let mut links = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attr) {
            rest = &rest[at + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            let link = unescape(&rest[..end]);
            let link = link.split('#').next().unwrap_or("").to_owned();
            if link.starts_with('/') && !link.starts_with("//") {
                links.push(link);
            }
            rest = &rest[end..];
        }
    }
    links
}

/// The page's text with the entities minijinja writes in attributes decoded.
fn unescape(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The `content` of `<meta name="{name}">`, if the page has it.
fn meta<'h>(html: &'h str, name: &str) -> Option<&'h str> {
    let tag = format!("<meta name=\"{name}\" content=\"");
    let at = html.find(&tag)? + tag.len();
    html[at..].split('"').next()
}

fn title(html: &str) -> &str {
    let at = html.find("<title>").unwrap() + "<title>".len();
    html[at..].split("</title>").next().unwrap()
}

/// The `ColumnType` a page of the 政府信息公开 column must declare (C-3), by its path.
fn column_type(path: &str) -> Option<&'static str> {
    let parts: Vec<&str> = path
        .split('?')
        .next()?
        .trim_matches('/')
        .split('/')
        .collect();
    match parts.as_slice() {
        ["agencies", _] | ["agencies", _, "items" | "catalogue" | "rules"] => Some("信息公开目录"),
        ["agencies", _, "guide"] => Some("信息公开指南"),
        ["agencies", _, "reports", _] => Some("信息公开年报"),
        ["agencies", _, "requests", "new" | "track"] => Some("依法申请公开"),
        _ => None,
    }
}

fn is_item_page(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(parts.as_slice(), ["agencies", _, "items", id] if id.parse::<i64>().is_ok())
}

/// What a page lacks of the furniture every page must carry.
fn furniture_missing(path: &str, html: &str, answered: bool) -> Vec<String> {
    let site = demo::site_identity();
    let mut missing = Vec::new();
    for (what, needle) in [
        ("党政机关网站标识", r#"alt="党政机关网站标识""#.to_owned()),
        (
            "党政机关网站标识的链接",
            format!(r#"href="{}""#, site.conac_link),
        ),
        (
            "我为政府网站找错",
            format!(r#"href="{}""#, site.zhaocuo_url),
        ),
        ("网站标识码", format!("网站标识码：{}", site.site_id_code)),
        (
            "ICP备案编号",
            format!(
                r#"<a href="https://beian.miit.gov.cn/" rel="noopener">{}</a>"#,
                site.icp_no
            ),
        ),
        (
            "公安机关备案号",
            format!(
                r#"<a href="https://beian.mps.gov.cn/#/query/webSearch?code=37032302000123" rel="noopener">{}</a>"#,
                site.psb_no
            ),
        ),
        ("主办单位", format!("主办单位：{}", site.sponsor)),
        ("承办单位", format!("承办单位：{}", site.organizer)),
        ("联系方式", format!("电话 {}", site.phone)),
        ("网站地图", r#"<a href="/sitemap">网站地图</a>"#.to_owned()),
        ("联系我们", r#"<a href="/contact">联系我们</a>"#.to_owned()),
    ] {
        let footer = html.split("<footer").nth(1).unwrap_or("");
        if !unescape(footer).contains(&needle) {
            missing.push(format!("{path}: footer lacks {what}"));
        }
    }
    for (name, value) in [
        ("SiteName", site.site_name.as_str()),
        ("SiteDomain", site.domain.as_str()),
        ("SiteIDCode", site.site_id_code.as_str()),
    ] {
        if meta(html, name) != Some(value) {
            missing.push(format!(
                "{path}: <meta name={name}> is {:?}",
                meta(html, name)
            ));
        }
    }
    let t = title(html);
    if t != site.site_name && !t.ends_with(&format!("_{}", site.site_name)) {
        missing.push(format!(
            "{path}: title {t:?} does not end with _{}",
            site.site_name
        ));
    }
    if let Some(kind) = column_type(path).filter(|_| answered) {
        for name in ["ColumnName", "ColumnDescription", "ColumnKeywords"] {
            if meta(html, name).is_none_or(str::is_empty) {
                missing.push(format!("{path}: no {name}"));
            }
        }
        if meta(html, "ColumnType") != Some(kind) {
            missing.push(format!(
                "{path}: ColumnType {:?}, expected {kind}",
                meta(html, "ColumnType")
            ));
        }
    }
    if answered && is_item_page(path) {
        let article = meta(html, "ArticleTitle").unwrap_or("");
        if article.is_empty() || !t.starts_with(article) {
            missing.push(format!("{path}: ArticleTitle {article:?}, title {t:?}"));
        }
        let date = meta(html, "PubDate").unwrap_or("");
        let shaped = date.len() == 16
            && date.char_indices().all(|(i, c)| match i {
                4 | 7 => c == '-',
                10 => c == ' ',
                13 => c == ':',
                _ => c.is_ascii_digit(),
            });
        if !shaped {
            missing.push(format!("{path}: PubDate {date:?} is not YYYY-MM-DD HH:MM"));
        }
        if meta(html, "ContentSource").is_none_or(str::is_empty) {
            missing.push(format!("{path}: no ContentSource"));
        }
    }
    missing
}

async fn every_internal_link_of_the_demo_portal_answers_and_every_page_carries_the_furniture(
    store: &Store,
) {
    let app = demo_app(store).await;
    let mut queue: VecDeque<String> = ["/", "/sitemap", "/contact"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    let mut broken: BTreeMap<String, (StatusCode, String)> = BTreeMap::new();
    let mut defects = Vec::new();
    let mut pages = 0;
    let mut referrer: BTreeMap<String, String> = BTreeMap::new();
    while let Some(path) = queue.pop_front() {
        assert!(seen.len() < 2000, "the crawl does not end: {seen:?}");
        let page = fetch(&app, &path).await;
        if page.status.as_u16() >= 400 {
            let from = referrer.get(&path).cloned().unwrap_or_default();
            broken.insert(path.clone(), (page.status, from));
            continue;
        }
        let Some(html) = page.html else { continue };
        if page.status == StatusCode::OK && !page.document {
            pages += 1;
            defects.extend(furniture_missing(&path, &html, true));
        }
        for link in internal_links(&html) {
            if seen.insert(link.clone()) {
                referrer.insert(link.clone(), path.clone());
                queue.push_back(link);
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken internal links (status, linked from): {broken:#?}"
    );
    assert!(defects.is_empty(), "{defects:#?}");
    // The crawl reached the four 61号 columns of the town and its items, not just the home page.
    for must in [
        "/agencies/yiyuan-xili/guide",
        "/agencies/yiyuan-xili/rules",
        "/agencies/yiyuan-xili/catalogue",
        "/agencies/yiyuan-xili/reports/2024",
        "/agencies/yiyuan-xili/requests/new",
    ] {
        assert!(seen.contains(must), "{must} was never linked");
    }
    assert!(
        seen.iter().filter(|p| is_item_page(p)).count() > 20,
        "every item is linked: {seen:?}"
    );
    assert!(pages > 40, "only {pages} pages");
}

async fn error_pages_carry_the_same_furniture(store: &Store) {
    let app = demo_app(store).await;
    for (path, status) in [
        ("/no-such-page", StatusCode::NOT_FOUND),
        ("/agencies/no-such-agency", StatusCode::NOT_FOUND),
        ("/agencies/yiyuan-xili/items/999999", StatusCode::NOT_FOUND),
        ("/agencies/yiyuan-xili/reports/2025", StatusCode::NOT_FOUND),
        // Refused by an extractor before any handler runs: rendered by `in_our_voice` on the
        // way out, still with the site's own identity and the visitor's reading mode.
        (
            "/agencies/yiyuan-xili/items/99999999999999999999",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/agencies/yiyuan-xili/items?page=abc",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let page = fetch(&app, path).await;
        assert_eq!(page.status, status, "{path}");
        let html = page.html.unwrap();
        let missing = furniture_missing(path, &html, false);
        assert!(missing.is_empty(), "{missing:#?}");
        assert!(
            html.contains(r#"action="/search""#),
            "{path}: the error page offers search"
        );
    }
}

async fn the_rules_column_holds_the_towns_rules(store: &Store) {
    let app = demo_app(store).await;
    let agency = fetch(&app, "/agencies/yiyuan-xili").await.html.unwrap();
    assert!(agency.contains(r#"<a href="/agencies/yiyuan-xili/rules">政府信息公开制度</a>"#));
    let rules = fetch(&app, "/agencies/yiyuan-xili/rules").await;
    assert_eq!(rules.status, StatusCode::OK);
    let html = rules.html.unwrap();
    for (title, _, _) in demo::RULES {
        assert!(html.contains(title), "{title}");
    }
    // An agency without rules of its own still has the column, with the rules it works under.
    let county = fetch(&app, "/agencies/yiyuan/rules").await;
    assert_eq!(county.status, StatusCode::OK);
    assert!(
        county
            .html
            .unwrap()
            .contains("《中华人民共和国政府信息公开条例》")
    );
}

async fn an_unconfirmed_guide_says_it_is_being_prepared(store: &Store) {
    let app = demo_app(store).await;
    let guide = fetch(&app, "/agencies/yiyuan-xili/guide").await;
    assert_eq!(guide.status, StatusCode::OK);
    let html = guide.html.unwrap();
    assert!(html.contains("政府信息公开指南正在编制"), "{html}");
    // The statutory minimum, with the contact from the site settings, never a placeholder.
    assert!(html.contains(&demo::site_identity().phone));
    assert!(!html.contains("请机关管理员填写") && !html.contains("请填写"));
}

async fn the_filed_report_item_has_an_index_number_and_leads_to_the_report(store: &Store) {
    let app = demo_app(store).await;
    let list = fetch(
        &app,
        "/agencies/yiyuan-xili/items?category=%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A",
    )
    .await;
    let html = unescape(&list.html.unwrap());
    let title = "沂源县西里镇人民政府2024年政府信息公开工作年度报告";
    let at = html.find(title).unwrap();
    let href_at = html[..at].rfind("href=\"").unwrap() + 6;
    let item = html[href_at..].split('"').next().unwrap().to_owned();
    let page = unescape(&fetch(&app, &item).await.html.unwrap());
    assert!(
        page.contains("<td>11370323004345133C/2025-00001</td>"),
        "the item has its 索引号: {page}"
    );
    assert!(
        page.contains(r#"<a href="/agencies/yiyuan-xili/reports/2024">"#),
        "{page}"
    );
    assert!(!page.contains("本条信息仅有标题和发布日期"));
}

on_both_backends!(
    the_filed_report_item_has_an_index_number_and_leads_to_the_report,
    an_unconfirmed_guide_says_it_is_being_prepared,
    every_internal_link_of_the_demo_portal_answers_and_every_page_carries_the_furniture,
    error_pages_carry_the_same_furniture,
    the_rules_column_holds_the_towns_rules,
);

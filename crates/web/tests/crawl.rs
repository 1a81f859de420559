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

mod common;
use common::{Client, token_in};

async fn demo_app(store: &Store) -> axum::Router {
    let now = "2025-01-15T02:00:00Z".parse().unwrap();
    demo::load(store, now).await.unwrap();
    assert!(demo::publish(store, now).await.unwrap());
    let clock = Arc::new(FixedClock::on(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()));
    gongkai_web::router(gongkai_web::Services {
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

/// The identity a page must carry: the town's pages show its own 主办/承办 and contact, every
/// other page the site's.
fn identity_for(path: &str) -> gongkai_core::site::SiteIdentity {
    let town = format!("/agencies/{}", demo::TOWN_SLUG);
    let site = demo::site_identity();
    if path == town
        || path.starts_with(&format!("{town}/"))
        || path.starts_with(&format!("{town}?"))
    {
        site.for_agency(&demo::town_site())
    } else {
        site
    }
}

/// What a page lacks of the furniture every page must carry.
fn furniture_missing(path: &str, html: &str, answered: bool) -> Vec<String> {
    let site = identity_for(path);
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
        ("主办单位", format!("主办单位：{}", site.contact.sponsor)),
        ("承办单位", format!("承办单位：{}", site.contact.organizer)),
        ("联系方式", format!("电话 {}", site.contact.phone)),
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
        // An item's address that names no number names no item (it was a bad request).
        ("/agencies/yiyuan-xili/items/abc", StatusCode::NOT_FOUND),
        ("/agencies/yiyuan-xili/items/0", StatusCode::NOT_FOUND),
        (
            "/agencies/yiyuan-xili/items/99999999999999999999",
            StatusCode::NOT_FOUND,
        ),
        ("/agencies/yiyuan-xili/reports/2025", StatusCode::NOT_FOUND),
        // Refused by an extractor before any handler runs: rendered by `error::Voice::answer` on the
        // way out, still with the site's own identity and the visitor's reading mode.
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

/// An item has one address: another spelling of its number (`07`, `+7`) is sent there for good,
/// so a crawler indexes the page once.
async fn an_item_has_one_address(store: &Store) {
    let app = demo_app(store).await;
    let page = fetch(&app, "/agencies/yiyuan-xili/items/1").await;
    assert_eq!(page.status, StatusCode::OK);
    for other in [
        "/agencies/yiyuan-xili/items/01",
        "/agencies/yiyuan-xili/items/+1",
    ] {
        let res = app
            .clone()
            .oneshot(Request::get(other).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT, "{other}");
        assert_eq!(
            res.headers()[header::LOCATION],
            "/agencies/yiyuan-xili/items/1",
            "{other}"
        );
    }
}

/// An agency without catalogue columns says so, and where to look instead, rather than showing
/// a table of headings over nothing (the demo's county).
async fn a_catalogue_not_yet_drawn_up_says_so(store: &Store) {
    let app = demo_app(store).await;
    let town = fetch(&app, "/agencies/yiyuan-xili/catalogue")
        .await
        .html
        .unwrap();
    assert!(town.contains("<table") && !town.contains("尚未编制"));
    let county = fetch(&app, "/agencies/yiyuan/catalogue").await;
    assert_eq!(county.status, StatusCode::OK);
    let html = county.html.unwrap();
    assert!(!html.contains("<table"), "{html}");
    assert!(html.contains("本机关尚未编制主动公开基本目录"), "{html}");
    assert!(html.contains(r#"href="/agencies/yiyuan/items""#), "{html}");
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
    // The county has not confirmed a guide of its own.
    let guide = fetch(&app, "/agencies/yiyuan/guide").await;
    assert_eq!(guide.status, StatusCode::OK);
    let html = guide.html.unwrap();
    assert!(html.contains("政府信息公开指南正在编制"), "{html}");
    // The statutory minimum, with the contact from the site settings, never a placeholder.
    assert!(html.contains(&demo::site_identity().contact.phone));
    assert!(!html.contains("请机关管理员填写") && !html.contains("请填写"));
    // The town confirmed its guide, as the seed town had: the portal shows it, with its office.
    let town = fetch(&app, "/agencies/yiyuan-xili/guide")
        .await
        .html
        .unwrap();
    assert!(!town.contains("正在编制"), "{town}");
    assert!(town.contains("第1版，2025-01-06"), "{town}");
    assert!(town.contains("机构名称：沂源县西里镇党政办公室"));
}

/// The 2024 report carries the day the town published it (before 31 January 2025, as 条例
/// 第四十九条 requires), not the day the demo was loaded.
async fn the_demo_report_was_published_in_january(store: &Store) {
    let now = "2026-12-03T02:00:00Z".parse().unwrap();
    demo::load(store, now).await.unwrap();
    assert!(demo::publish(store, now).await.unwrap());
    let slug = gongkai_core::Slug::parse(demo::TOWN_SLUG).unwrap();
    let published = store.publications(&slug, demo::YEAR).await.unwrap();
    assert_eq!(
        gongkai_core::clock::china_minute(published[0].published_at),
        "2025-01-20 10:00"
    );
}

/// Every kind of page a visitor meets — the ones links reach and the ones only a form or an odd
/// request reaches — carries the footer's function area (F-1) and the site tags (F-8).
async fn every_page_type_carries_the_furniture(store: &Store) {
    let app = demo_app(store).await;
    let mut visitor = Client::new(&app);
    let town = demo::TOWN_SLUG;
    let mut pages: Vec<(String, StatusCode, String)> = Vec::new();
    let mut keep = |path: &str, page: common::Page| {
        pages.push((path.to_owned(), page.status, page.body));
    };
    let search = "/search?q=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4&sort=date";
    keep(search, visitor.get(search).await);
    // A request filed and tracked.
    let form_path = format!("/agencies/{town}/requests/new");
    let form = visitor.get(&form_path).await;
    let (csrf, submission) = (
        token_in(&form.body).unwrap(),
        form.body
            .split(r#"name="submission" value=""#)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned(),
    );
    // Every required field marked, and the mark explained once.
    assert_eq!(form.body.matches(r#"aria-required="true""#).count(), 7);
    assert_eq!(form.body.matches("为必填项").count(), 1);
    keep(&form_path, form);
    let posted = visitor
        .post_raw(
            &format!("/agencies/{town}/requests"),
            &[
                ("csrf", csrf.as_str()),
                ("submission", submission.as_str()),
                ("kind", "natural_person"),
                ("name", "李四"),
                ("id_document", "37032319900101123X"),
                ("contact", "138-0013-8000"),
                ("address", "西里镇某村12号"),
                ("description", "2024年低保名单"),
                ("delivery", "电子邮件"),
            ],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let done_path = posted.location().to_owned();
    let done = visitor.get(&done_path).await;
    assert!(
        done.body.contains(&format!(
            r#"<a href="/agencies/{town}">沂源县西里镇人民政府</a>"#
        )),
        "the confirmation's breadcrumb names the town"
    );
    let code = done
        .body
        .split(r#"class="secret">"#)
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    keep(&done_path, done);
    let track_path = format!("/agencies/{town}/requests/track");
    let track_form = visitor.get(&track_path).await;
    let csrf = token_in(&track_form.body).unwrap();
    keep(&track_path, track_form);
    let tracked = visitor
        .post_raw(
            &track_path,
            &[
                ("csrf", csrf.as_str()),
                ("code", code.as_str()),
                ("contact", "13800138000"),
            ],
        )
        .await;
    assert!(
        tracked.body.contains("李四") || tracked.body.contains(&code),
        "{}",
        tracked.body
    );
    keep(&track_path, tracked);
    // A message written, an evaluation given.
    for (path, fields) in [
        (
            format!("/agencies/{town}/messages"),
            vec![
                ("kind", "enquiry"),
                ("name", "赵六"),
                ("contact", "13912345678"),
                ("subject", "低保申请材料"),
                ("body", "请问申请低保需要哪些材料？"),
            ],
        ),
        (format!("/agencies/{town}/evaluate"), vec![("rating", "5")]),
    ] {
        let form_path = if path.ends_with("messages") {
            format!("{path}/new")
        } else {
            path.clone()
        };
        let form = visitor.get(&form_path).await;
        assert!(
            form.body.contains("为必填项"),
            "{form_path}: the mark is explained"
        );
        let csrf = token_in(&form.body).unwrap();
        keep(&form_path, form);
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend(fields);
        let done = visitor.post_raw(&path, &all).await;
        assert_eq!(done.status, StatusCode::OK, "{path}: {}", done.body);
        assert!(
            done.body
                .contains(&format!(r#"<a href="/agencies/{town}">"#)),
            "{path}: breadcrumb"
        );
        keep(&path, done);
    }
    let message_track = format!("/agencies/{town}/messages/track");
    keep(&message_track, visitor.get(&message_track).await);
    keep("/check", visitor.get("/check").await);
    // Refusals: a method no page takes, a write without the form's token, a form the rules
    // refuse.
    keep(
        "/ (PUT)",
        visitor
            .request(axum::http::Request::put("/"), Body::empty())
            .await,
    );
    keep(
        "/check (no token)",
        visitor
            .request(axum::http::Request::post("/check"), Body::empty())
            .await,
    );
    let again = visitor.get(&format!("/agencies/{town}/evaluate")).await;
    let csrf = token_in(&again.body).unwrap();
    // (Labelled by its path: the town's page shows the town's contact.)
    keep(
        &format!("/agencies/{town}/evaluate"),
        visitor
            .post_raw(
                &format!("/agencies/{town}/evaluate"),
                &[("csrf", csrf.as_str())],
            )
            .await,
    );
    let mut seen = BTreeSet::new();
    let mut defects = Vec::new();
    for (path, status, html) in &pages {
        seen.insert(status.as_u16());
        defects.extend(furniture_missing(path, html, status.is_success()));
    }
    assert!(defects.is_empty(), "{defects:#?}");
    assert!(
        seen.contains(&403) && seen.contains(&405) && seen.contains(&422),
        "{seen:?}"
    );
    // The icon browsers ask for is there.
    let icon = app
        .clone()
        .oneshot(Request::get("/favicon.ico").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(icon.status(), StatusCode::OK);
    assert_eq!(icon.headers()[header::CONTENT_TYPE], "image/x-icon");
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
    a_catalogue_not_yet_drawn_up_says_so,
    an_item_has_one_address,
    every_page_type_carries_the_furniture,
    the_demo_report_was_published_in_january,
    the_filed_report_item_has_an_index_number_and_leads_to_the_report,
    an_unconfirmed_guide_says_it_is_being_prepared,
    every_internal_link_of_the_demo_portal_answers_and_every_page_carries_the_furniture,
    error_pages_carry_the_same_furniture,
    the_rules_column_holds_the_towns_rules,
);

//! The public portal on both backends, in-process.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::NaiveDate;
use gongkai_core::FixedClock;
use gongkai_core::report::StaffTexts;
use gongkai_store::By;
use gongkai_store::{Store, demo, on_both_backends};
use tower::ServiceExt;

/// The demo as `gongkai demo` leaves it: the town's 2024 report published.
async fn app(store: &Store) -> axum::Router {
    demo::load(store, "2025-01-15T02:00:00Z".parse().unwrap())
        .await
        .unwrap();
    demo::publish(store, "2025-01-15T02:00:00Z".parse().unwrap())
        .await
        .unwrap();
    router(store, gongkai_web::Settings::default())
}

fn router(store: &Store, settings: gongkai_web::Settings) -> axum::Router {
    let clock = Arc::new(FixedClock::on(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()));
    gongkai_web::router(gongkai_web::Services {
        store: store.clone(),
        clock,
        settings: Arc::new(settings),
        calendar: Arc::new(gongkai_core::calendar::Calendar::built_in()),
        search: Arc::new(gongkai_search::SearchIndex::open(None).unwrap()),
    })
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String, axum::http::HeaderMap) {
    let res = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap(), headers)
}

async fn home_lists_the_county_and_its_town(store: &Store) {
    let app = app(store).await;
    let (status, body, headers) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains(r#"<a href="/agencies/yiyuan">沂源县人民政府</a>"#),
        "{body}"
    );
    assert!(body.contains(r#"<a href="/agencies/yiyuan-xili">沂源县西里镇人民政府</a>"#));
    assert!(
        headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

async fn the_report_page_shows_the_statutory_tables(store: &Store) {
    let app = app(store).await;
    let (status, body, _) = get(&app, "/agencies/yiyuan-xili").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("/agencies/yiyuan-xili/reports/2024"));
    let (status, body, _) = get(&app, "/agencies/yiyuan-xili/reports/2024").await;
    assert_eq!(status, StatusCode::OK);
    for label in [
        "沂源县西里镇人民政府2024年政府信息公开工作年度报告",
        "第二十条第（一）项",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        r#"<th scope="row" rowspan="22">三、本年度办理结果</th>"#,
        "四、结转下年度继续办理",
        "复议后起诉",
        "累计主动公开政府信息20条",
    ] {
        assert!(body.contains(label), "missing {label}");
    }
    let (status, json, headers) = get(&app, "/agencies/yiyuan-xili/reports/2024/report.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["proactive"]["total"], 20);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
}

async fn unknown_pages_get_a_chinese_404(store: &Store) {
    let app = app(store).await;
    for uri in [
        "/agencies/nobody",
        "/agencies/NOT_A_SLUG",
        "/agencies/yiyuan-xili/reports/2025",
        "/agencies/yiyuan-xili/reports/abc",
        "/agencies/yiyuan-xili/reports/2024/report.exe",
        "/nothing-here",
    ] {
        let (status, body, _) = get(&app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(body.contains("页面不存在"), "{uri}: {body}");
    }
    // A year not published here shows the way to the years that are, and to the catalogue's
    // column of annual reports, where the demo keeps its 2023 report (published before).
    let (status, body, _) = get(&app, "/agencies/yiyuan-xili/reports/2023").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let body = body.replace("&#x2f;", "/");
    assert!(
        body.contains("本站尚未发布") && body.contains("2023年政府信息公开工作年度报告"),
        "{body}"
    );
    assert!(
        body.contains(r#"href="/agencies/yiyuan-xili/reports/2024""#),
        "{body}"
    );
    let column = form_urlencoded::byte_serialize(gongkai_store::REPORT_CATEGORY.as_bytes())
        .collect::<String>();
    assert!(
        body.contains(&format!(
            r#"href="/agencies/yiyuan-xili/items?category={column}""#
        )),
        "{body}"
    );
    // A category name typed into the address is shown cut, however long.
    let long = "a".repeat(2000);
    let (status, body, _) = get(
        &app,
        &format!("/agencies/yiyuan-xili/items?category={long}"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body.contains(&format!("没有“{}…”栏目", "a".repeat(40))),
        "{body}"
    );
    assert!(!body.contains(&"a".repeat(41)));
}

async fn staff_text_is_escaped_on_the_report_page(store: &Store) {
    demo::load(store, "2025-01-15T02:00:00Z".parse().unwrap())
        .await
        .unwrap();
    let app = router(store, gongkai_web::Settings::default());
    let canary = "<script>alert('x')</script>";
    let texts = StaffTexts {
        management: canary.to_owned(),
        problems: canary.to_owned(),
        ..demo::texts_2024()
    };
    let slug = gongkai_core::Slug::parse(demo::TOWN_SLUG).unwrap();
    store
        .set_report_texts(
            &slug,
            2024,
            &texts,
            By::new(
                &gongkai_core::audit::Actor::system("测试"),
                "2025-01-16T02:00:00Z".parse().unwrap(),
            ),
        )
        .await
        .unwrap();
    demo::publish(store, "2025-01-16T03:00:00Z".parse().unwrap())
        .await
        .unwrap();
    let (_, body, _) = get(&app, "/agencies/yiyuan-xili/reports/2024").await;
    assert!(!body.contains(canary));
    assert!(body.contains("&lt;script&gt;"));
    let (_, page, headers) = get(&app, "/agencies/yiyuan-xili/reports/2024/report.html").await;
    assert!(!page.contains(canary));
    // The file is styled inline, and its policy lets the browser apply that style (under the
    // pages' policy it showed unstyled from the site) and nothing else: no script, no fetch.
    let policy = headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        policy.contains("default-src 'none'") && policy.contains("style-src 'unsafe-inline'"),
        "{policy}"
    );
    assert!(page.contains("<style>"), "{page}");
}

/// A published version's files are made once and kept (a PDF took LibreOffice two seconds a
/// request); a correction, a new version, has files of its own, and the JSON file's findings
/// follow the database.
async fn a_published_reports_files_follow_its_versions(store: &Store) {
    let app = app(store).await;
    let md = "/agencies/yiyuan-xili/reports/2024/report.md";
    let json = "/agencies/yiyuan-xili/reports/2024/report.json";
    let (status, first, _) = get(&app, md).await;
    assert_eq!(status, StatusCode::OK);
    // The published year's report page is in the sitemap.
    let (_, pages, _) = get(&app, "/sitemaps/pages.xml").await;
    assert!(
        pages.contains("/agencies/yiyuan-xili/reports/2024</loc>"),
        "{pages}"
    );
    let (_, again, _) = get(&app, md).await;
    assert_eq!(first, again);
    let (_, before, _) = get(&app, json).await;
    // A year written otherwise is sent to the report's one address.
    for (asked, canonical) in [
        (
            "/agencies/yiyuan-xili/reports/02024",
            "/agencies/yiyuan-xili/reports/2024",
        ),
        (
            "/agencies/yiyuan-xili/reports/02024/report.md",
            "/agencies/yiyuan-xili/reports/2024/report.md",
        ),
    ] {
        let (status, _, headers) = get(&app, asked).await;
        assert_eq!(status, StatusCode::PERMANENT_REDIRECT, "{asked}");
        assert_eq!(headers[header::LOCATION], canonical);
    }
    let marker = "第二版更正后的工作要点";
    assert!(!first.contains(marker) && !before.contains(marker));
    // The correction: new text, published as version 2.
    let slug = gongkai_core::Slug::parse(demo::TOWN_SLUG).unwrap();
    let actor = gongkai_core::audit::Actor::system("测试");
    let by = || By::new(&actor, "2025-02-01T02:00:00Z".parse().unwrap());
    let texts = StaffTexts {
        management: marker.to_owned(),
        ..demo::texts_2024()
    };
    store
        .set_report_texts(&slug, 2024, &texts, by())
        .await
        .unwrap();
    let report = store.report_data(&slug, 2024).await.unwrap().compute();
    store
        .publish_report(
            &slug,
            &report,
            "更正",
            by(),
            NaiveDate::from_ymd_opt(2025, 2, 1).unwrap(),
        )
        .await
        .unwrap();
    for uri in [md, json, "/agencies/yiyuan-xili/reports/2024/report.html"] {
        let (status, body, headers) = get(&app, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(body.contains(marker), "{uri} is still the first version");
        // Named with its version, so a download of each can be told apart.
        assert!(
            headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains("yiyuan-xili-2024-v2."),
            "{uri}: {headers:?}"
        );
    }
}

/// A year's report reaches the portal only once published; before that the public finds nothing
/// (staff see the preview in the back office and, signed in, on the portal).
async fn an_unpublished_report_year_is_not_public(store: &Store) {
    demo::load(store, "2025-01-15T02:00:00Z".parse().unwrap())
        .await
        .unwrap();
    let app = router(store, gongkai_web::Settings::default());
    let (_, agency, _) = get(&app, "/agencies/yiyuan-xili").await;
    assert!(
        !agency.contains("/agencies/yiyuan-xili/reports/2024"),
        "{agency}"
    );
    for uri in [
        "/agencies/yiyuan-xili/reports/2024",
        "/agencies/yiyuan-xili/reports/2024/report.json",
    ] {
        let (status, body, _) = get(&app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(!body.contains("仅供预览"), "{uri}");
    }
    demo::publish(store, "2025-01-20T02:00:00Z".parse().unwrap())
        .await
        .unwrap();
    let (_, agency, _) = get(&app, "/agencies/yiyuan-xili").await;
    assert!(agency.contains("/agencies/yiyuan-xili/reports/2024"));
    let (status, body, _) = get(&app, "/agencies/yiyuan-xili/reports/2024").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains("仅供预览"));
    assert!(
        body.contains(r#"<meta name="PubDate" content="2025-01-20 10:00">"#),
        "{body}"
    );
}

async fn request(
    app: &axum::Router,
    req: Request<Body>,
) -> (StatusCode, String, axum::http::HeaderMap) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap(), headers)
}

/// A member of staff, to sign in later.
async fn staff(store: &Store, name: &str) -> i64 {
    store
        .create_user(
            &gongkai_store::NewUser {
                username: name.into(),
                display_name: "登录检验".into(),
                password_hash: "x".into(),
                is_system_admin: false,
                must_change_password: false,
            },
            By::new(
                &gongkai_core::audit::Actor::system("测试"),
                "2025-03-01T02:00:00Z".parse().unwrap(),
            ),
        )
        .await
        .unwrap()
}

/// Signs `user` in: a write the portal does not show.
async fn sign_in(store: &Store, user: i64) {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    store
        .create_session(
            &gongkai_store::NewSession {
                user_id: user,
                id_hash: &format!("{user:032}{n:032}"),
                csrf_token: "csrf",
                replaces: None,
                address: "127.0.0.1",
            },
            By::new(
                &gongkai_core::audit::Actor::user(user, "登录检验", "x"),
                "2025-03-01T02:00:00Z".parse().unwrap(),
            ),
        )
        .await
        .unwrap();
}

/// Adds a catalogue column behind the server's back, as another process would.
async fn add_column(store: &Store, name: &str) {
    let slug = gongkai_core::Slug::parse("yiyuan-xili").unwrap();
    let mut columns = store.categories(&slug).await.unwrap();
    columns.push(name.to_owned());
    store
        .set_categories(
            &slug,
            &columns,
            By::new(
                &gongkai_core::audit::Actor::system("另一进程"),
                "2025-03-01T02:00:00Z".parse().unwrap(),
            ),
        )
        .await
        .unwrap();
}

async fn the_page_cache_never_serves_a_page_older_than_the_data(store: &Store) {
    const PAGE: &str = "/agencies/yiyuan-xili/catalogue";
    // Checked on every request (the default): a change by another process shows at once.
    let app = app(store).await;
    let (status, first, headers) = get(&app, PAGE).await;
    assert_eq!(status, StatusCode::OK);
    let etag = headers[header::ETAG].clone();
    let (status, _, _) = request(
        &app,
        Request::get(PAGE)
            .header(header::IF_NONE_MATCH, etag.clone())
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_MODIFIED,
        "a repeat visit costs a 304"
    );
    add_column(store, "缓存检验甲").await;
    let (_, second, headers) = get(&app, PAGE).await;
    assert!(second.contains("缓存检验甲"), "{second}");
    assert_ne!(second, first);
    assert_ne!(headers[header::ETAG], etag, "new bytes, new ETag");

    // Allowed to be an hour late on other processes' writes: the kept page is served…
    let lazy_store = gongkai_store::testing::another_process(store);
    let lazy = router(
        &lazy_store,
        gongkai_web::Settings {
            page_cache: Some(std::time::Duration::from_secs(3600)),
            ..gongkai_web::Settings::default()
        },
    );
    // (A page is kept from its second request: one asked for once is not worth the memory.)
    let (_, first_visit, _) = get(&lazy, PAGE).await;
    let (_, kept, _) = get(&lazy, PAGE).await;
    assert_eq!(first_visit, kept);
    add_column(store, "缓存检验乙").await;
    let (_, again, _) = get(&lazy, PAGE).await;
    assert_eq!(again, kept, "kept until the allowed lag has passed");
    // …but never to a signed-in member of staff…
    let (_, staff, _) = request(
        &lazy,
        Request::get(PAGE)
            .header(header::COOKIE, "gongkai_session=whatever")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(staff.contains("缓存检验乙"));
    // …and a write through this process ends it at once (a refused one writes nothing, and
    // keeps it).
    let (status, _, _) = request(&lazy, Request::post("/check").body(Body::empty()).unwrap()).await;
    assert!(status.is_client_error());
    let (_, still, _) = get(&lazy, PAGE).await;
    assert_eq!(still, kept);
    add_column(&lazy_store, "缓存检验乙二").await;
    let (_, fresh, _) = get(&lazy, PAGE).await;
    assert!(fresh.contains("缓存检验乙二"), "{fresh}");
    // The large-text reading mode is kept apart from the standard page.
    let (_, large, _) = request(
        &lazy,
        Request::get(PAGE)
            .header(header::COOKIE, "gongkai_display=large")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(large.contains(r#"class="large-text""#));
    let (_, standard, _) = get(&lazy, PAGE).await;
    assert!(!standard.contains(r#"class="large-text""#));
    // Off: every request renders.
    let off = router(
        store,
        gongkai_web::Settings {
            page_cache: None,
            ..gongkai_web::Settings::default()
        },
    );
    let (_, before, headers) = get(&off, PAGE).await;
    add_column(store, "缓存检验丙").await;
    let (_, after, _) = get(&off, PAGE).await;
    assert!(!before.contains("缓存检验丙") && after.contains("缓存检验丙"));
    // …though pages are still tagged: a repeat visit of an unchanged page costs a 304, and one
    // of a changed page gets the page.
    let tagged = |tag: &str| {
        Request::get(PAGE)
            .header(header::IF_NONE_MATCH, tag)
            .body(Body::empty())
            .unwrap()
    };
    let (status, _, _) = request(&off, tagged(headers[header::ETAG].to_str().unwrap())).await;
    assert_eq!(status, StatusCode::OK, "the page changed since");
    let (_, _, headers) = get(&off, PAGE).await;
    let (status, _, _) = request(&off, tagged(headers[header::ETAG].to_str().unwrap())).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
}

/// A conditional visit to an item page is answered by what the page shows, not by the item alone:
/// the header, the footer's contact, a 解读's link and a lapse notice change the page too.
async fn a_repeat_visit_is_told_of_any_change_of_the_page(store: &Store) {
    let app = app(store).await;
    let (_, list, _) = get(&app, "/agencies/yiyuan-xili/items").await;
    let at = list.find("/agencies/yiyuan-xili/items/").unwrap();
    let item = list[at..].split('"').next().unwrap().to_owned();
    let (status, _, headers) = get(&app, &item).await;
    assert_eq!(status, StatusCode::OK);
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    // No date that follows the item alone: its footer, 解读 links and notices change too.
    assert!(headers.get(header::LAST_MODIFIED).is_none(), "{headers:?}");
    let conditional = |tag: &str| {
        Request::get(&item)
            .header(header::IF_NONE_MATCH, tag)
            .body(Body::empty())
            .unwrap()
    };
    // A 304 by the weak comparison too, with the caching headers of the page it stands for.
    for sent in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"p0-0\", {etag}"),
    ] {
        let (status, body, h) = request(&app, conditional(&sent)).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{sent}");
        assert!(body.is_empty());
        assert_eq!(h[header::ETAG], etag.as_str());
        assert_eq!(h[header::CACHE_CONTROL], "public, no-cache");
        assert!(
            h.get_all(header::VARY).iter().any(|v| v == "Cookie"),
            "{h:?}"
        );
    }
    // HEAD as GET: the same tag, a 304 when it matches, and the page's length (a kept page once
    // answered HEAD with an empty body, so `Content-Length: 0`; one not kept, with no tag).
    for _ in 0..3 {
        let head = |tag: Option<&str>| {
            let mut r = Request::head(&item);
            if let Some(t) = tag {
                r = r.header(header::IF_NONE_MATCH, t);
            }
            r.body(Body::empty()).unwrap()
        };
        let res = app.clone().oneshot(head(None)).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::ETAG], etag.as_str());
        let length = res
            .headers()
            .get(header::CONTENT_LENGTH)
            .map(|v| v.to_str().unwrap().parse::<u64>().unwrap())
            .or_else(|| axum::body::HttpBody::size_hint(res.body()).exact());
        assert!(length.is_some_and(|n| n > 1000), "{length:?}");
        let (status, _, _) = request(&app, head(Some(&etag))).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED);
    }
    // The site renamed, the item itself unchanged: the old copy is no longer current.
    let mut site = gongkai_core::site::SiteIdentity::clone(&store.site_identity().await.unwrap());
    "改名检验网站".clone_into(&mut site.site_name);
    store
        .save_site_identity(
            &site,
            By::new(
                &gongkai_core::audit::Actor::system("另一进程"),
                "2025-03-01T02:00:00Z".parse().unwrap(),
            ),
        )
        .await
        .unwrap();
    let (status, body, h) = request(&app, conditional(&etag)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("改名检验网站"));
    assert_ne!(h[header::ETAG], etag.as_str());
}

/// A folder for page files of its own (the tests of both backends run at once).
fn page_files(tag: &str) -> Arc<gongkai_web::cache::PageFiles> {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "gongkai-test-pages-{tag}-{}-{n}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    Arc::new(gongkai_web::cache::PageFiles::open(&dir).unwrap())
}

/// The page files holding `needle` (written in the background: waited for).
async fn files_holding(
    files: &gongkai_web::cache::PageFiles,
    needle: &str,
) -> Vec<std::path::PathBuf> {
    for _ in 0..400 {
        let found: Vec<_> = std::fs::read_dir(files.dir())
            .unwrap()
            .map(|f| f.unwrap().path())
            .filter(|f| String::from_utf8_lossy(&std::fs::read(f).unwrap()).contains(needle))
            .collect();
        if !found.is_empty() {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    Vec::new()
}

/// Item pages are kept on disk from their first request and read from there, whatever query a
/// crawler adds, until anything is written: by another process (seen at the next check of the
/// database's version) or through this one (at once).
async fn stored_pages_are_read_from_disk_until_the_data_changes(store: &Store) {
    let app = app(store).await;
    let (_, list, _) = get(&app, "/agencies/yiyuan-xili/items").await;
    let id: String = list
        .split("/agencies/yiyuan-xili/items/")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let page = format!("/agencies/yiyuan-xili/items/{id}");
    let user = staff(store, "pages").await;
    for period in [0, 3600] {
        let files = page_files(&format!("{:?}", store.backend()));
        // This server's own store: `store` is another process to it.
        let this = gongkai_store::testing::another_process(store);
        let app = router(
            &this,
            gongkai_web::Settings {
                page_cache: Some(std::time::Duration::from_secs(period)),
                page_files: Some(files.clone()),
                ..gongkai_web::Settings::default()
            },
        );
        let (status, first, _) = get(&app, &format!("{page}?v=1")).await;
        assert_eq!(status, StatusCode::OK);
        // The file holds the page: marked, to tell where the next answer comes from.
        let title_line = "<meta name=\"ArticleTitle\"";
        let written = files_holding(&files, title_line).await;
        assert_eq!(written.len(), 1, "one segment holds the page");
        // Of the same length: the page's place in its file is kept in memory.
        let bytes = String::from_utf8(std::fs::read(&written[0]).unwrap()).unwrap();
        assert_eq!(bytes.matches(title_line).count(), 1);
        std::fs::write(
            &written[0],
            bytes.replace(title_line, "<meta name=\"FromDiskPage\""),
        )
        .unwrap();
        let (status, second, _) = get(&app, &format!("{page}?v=2&utm_source=x")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            second.contains("FromDiskPage"),
            "read from its file, another query or not"
        );
        assert_eq!(second.replace("FromDiskPage", "ArticleTitle"), first);
        // Another reading mode is another page.
        let (_, large, _) = request(
            &app,
            Request::get(page.as_str())
                .header(header::COOKIE, "gongkai_display=t1")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert!(!large.contains("FromDisk"));
        // A write the portal does not show (a sign-in) leaves it.
        sign_in(&this, user).await;
        let (_, unmoved, _) = get(&app, &format!("{page}?v=4")).await;
        assert!(unmoved.contains("FromDiskPage"), "kept over a sign-in");
        if period == 0 {
            // Another process writes: the page's version has passed.
            add_column(store, &format!("磁盘页面检验{:?}", store.backend())).await;
        } else {
            // A write through this process ends it at once.
            add_column(&this, &format!("磁盘页面检验乙{:?}", store.backend())).await;
        }
        let (_, after, _) = get(&app, &format!("{page}?v=3")).await;
        assert!(
            !after.contains("FromDisk"),
            "rendered again after the write"
        );
        assert_eq!(after, first);
        std::fs::remove_dir_all(files.dir()).unwrap();
    }
}

/// An agency's address with its slug percent-encoded is sent to its one address, query and all
/// (it was answered as a copy, and before that with the whole site's footer: the router decoded
/// the slug, the site's identity did not). The API answers it as it is.
async fn an_encoded_slug_is_sent_to_the_agencys_address(store: &Store) {
    let app = app(store).await;
    let (status, _, headers) = get(&app, "/agencies/yiyuan%2Dxili/items?page=1").await;
    assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        headers[header::LOCATION],
        "/agencies/yiyuan-xili/items?page=1"
    );
    let (status, _, _) = get(&app, "/api/v1/agencies/yiyuan%2Dxili/items").await;
    assert_eq!(status, StatusCode::OK);
}

/// Sitemaps and feeds give their addresses under the public address the operator set, whatever
/// host a request names; without it, under the host the request reached. Either way the
/// addresses are written plainly (`https://`, not `https:&#x2f;&#x2f;`).
async fn absolute_addresses_are_under_the_public_address(store: &Store) {
    let _demo = app(store).await;
    let ask = |app: axum::Router, uri: &'static str| async move {
        let req = Request::get(uri)
            .header(header::HOST, "elsewhere.example")
            .body(Body::empty())
            .unwrap();
        request(&app, req).await
    };
    let public = router(
        store,
        gongkai_web::Settings {
            public_origin: Some(gongkai_web::public_origin("https://GK.example.gov.cn/").unwrap()),
            ..gongkai_web::Settings::default()
        },
    );
    for uri in [
        "/sitemap.xml",
        "/sitemaps/pages.xml",
        "/sitemaps/items-1.xml",
        "/agencies/yiyuan-xili/feed.atom",
        "/audit/checkpoints.atom",
    ] {
        let (status, body, _) = ask(public.clone(), uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(body.contains("https://gk.example.gov.cn/"), "{uri}: {body}");
        assert!(!body.contains("elsewhere"), "{uri}: {body}");
    }
    // Crawlers look for the sitemap in robots.txt first.
    let (status, robots, headers) = ask(public.clone(), "/robots.txt").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(
        robots.contains("\nSitemap: https://gk.example.gov.cn/sitemap.xml\n")
            && robots.contains("Disallow: /admin\n"),
        "{robots}"
    );
    let (_, by_host, _) = ask(
        router(store, gongkai_web::Settings::default()),
        "/sitemap.xml",
    )
    .await;
    assert!(
        by_host.contains("<loc>http://elsewhere.example/sitemaps/pages.xml</loc>"),
        "{by_host}"
    );
}

/// A stored list's key is read as its handler reads the query: an encoded name is the same
/// parameter, not one the key leaves out (which would have kept a column's list as the whole
/// list's), and a parameter given twice is not kept at all.
async fn a_stored_list_is_keyed_by_its_parameters_as_the_handler_reads_them(store: &Store) {
    let app = app(store).await;
    let files = page_files(&format!("{:?}", store.backend()));
    let app2 = router(
        store,
        gongkai_web::Settings {
            page_cache: Some(std::time::Duration::from_secs(3600)),
            page_files: Some(files.clone()),
            ..gongkai_web::Settings::default()
        },
    );
    let (_, whole, _) = get(&app, "/agencies/yiyuan-xili/items").await;
    let column = "/agencies/yiyuan-xili/items?%63ategory=%E9%87%8D%E7%82%B9%E6%B0%91%E7%94%9F";
    for _ in 0..3 {
        let (status, body, _) = get(&app2, column).await;
        assert_eq!(status, StatusCode::OK);
        assert_ne!(body, whole, "the column's list, not the whole one");
    }
    for _ in 0..3 {
        let (_, body, _) = get(&app2, "/agencies/yiyuan-xili/items?x=1").await;
        assert_eq!(body, whole);
    }
    std::fs::remove_dir_all(files.dir()).unwrap();
}

on_both_backends!(
    absolute_addresses_are_under_the_public_address,
    a_published_reports_files_follow_its_versions,
    a_repeat_visit_is_told_of_any_change_of_the_page,
    an_unpublished_report_year_is_not_public,
    the_page_cache_never_serves_a_page_older_than_the_data,
    stored_pages_are_read_from_disk_until_the_data_changes,
    a_stored_list_is_keyed_by_its_parameters_as_the_handler_reads_them,
    an_encoded_slug_is_sent_to_the_agencys_address,
    home_lists_the_county_and_its_town,
    the_report_page_shows_the_statutory_tables,
    unknown_pages_get_a_chinese_404,
    staff_text_is_escaped_on_the_report_page,
);

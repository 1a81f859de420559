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
use gongkai_store::{Store, demo, on_both_backends};
use tower::ServiceExt;

async fn app(store: &Store) -> axum::Router {
    demo::load(store, "2025-01-15T02:00:00Z".parse().unwrap())
        .await
        .unwrap();
    let clock = Arc::new(FixedClock::on(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()));
    gongkai_web::router(gongkai_web::AppState {
        store: store.clone(),
        clock,
        settings: Arc::new(gongkai_web::Settings::default()),
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
}

async fn staff_text_is_escaped_on_the_report_page(store: &Store) {
    let app = app(store).await;
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
            &gongkai_core::audit::Actor::system("测试"),
            "2025-01-16T02:00:00Z".parse().unwrap(),
        )
        .await
        .unwrap();
    let (_, body, _) = get(&app, "/agencies/yiyuan-xili/reports/2024").await;
    assert!(!body.contains(canary));
    assert!(body.contains("&lt;script&gt;"));
    let (_, page, _) = get(&app, "/agencies/yiyuan-xili/reports/2024/report.html").await;
    assert!(!page.contains(canary));
}

on_both_backends!(
    home_lists_the_county_and_its_town,
    the_report_page_shows_the_statutory_tables,
    unknown_pages_get_a_chinese_404,
    staff_text_is_escaped_on_the_report_page,
);

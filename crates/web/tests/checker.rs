//! The public report checker page.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Client, token_in, world};
use gongkai_store::{Store, on_both_backends};
use tower::ServiceExt;

const SEED: &str = include_str!("../../../fixtures/xili-2024-annual-report.txt");

async fn upload(
    app: &axum::Router,
    cookie: &str,
    token: &str,
    field: &str,
    file_name: Option<&str>,
    content: &[u8],
) -> (StatusCode, String) {
    let boundary = "gongkaitestboundary";
    let disposition = match file_name {
        Some(f) => format!("form-data; name=\"{field}\"; filename=\"{f}\""),
        None => format!("form-data; name=\"{field}\""),
    };
    // The token is a field of the form, never in the URL.
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = Request::post("/check")
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn a_visitor_checks_a_pasted_or_uploaded_report(store: &Store) {
    let w = world(store).await;
    let mut c = Client::new(&w.app);
    let form = c.get("/check").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(!form.body.contains("csrf="), "no token in a URL");
    let token = token_in(&form.body).unwrap();
    // Secure cookies carry the `__Host-` prefix.
    let name = gongkai_web::cookie_name(gongkai_web::CSRF_COOKIE, true);
    assert_eq!(name, "__Host-gongkai_csrf");
    let cookie = format!("{name}={}", c.cookies[&name]);

    let (status, page) = upload(&w.app, &cookie, &token, "text", None, SEED.as_bytes()).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("沂源县西里镇人民政府2024年度报告"));
    // The seed's table 二 is an image: two findings, told in words, without the rule codes.
    let findings =
        page.matches("<td class=\"bad\">错误</td>").count() + page.matches("<td>提示</td>").count();
    assert!(findings >= 2, "{page}");
    assert!(
        !page.contains("S-MISSING-TABLE"),
        "no rule codes for the public"
    );

    let (status, page) = upload(
        &w.app,
        &cookie,
        &token,
        "file",
        Some("xili.txt"),
        SEED.as_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("发现错误 2 项"));

    let (status, page) = upload(
        &w.app,
        &cookie,
        &token,
        "text",
        None,
        "<script>alert(1)</script>会议通知".as_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("不像是一份政府信息公开工作年度报告") && !page.contains("<script>alert"));

    // Without the token nothing is read.
    let (status, _) = upload(
        &w.app,
        &cookie,
        &"0".repeat(64),
        "text",
        None,
        SEED.as_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

on_both_backends!(a_visitor_checks_a_pasted_or_uploaded_report);

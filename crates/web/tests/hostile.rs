//! Hostile requests, on both databases: NUL and control characters in every public form and API
//! body, header injection through `next`, open redirects, duplicate fields, wrong content types,
//! numbers out of range in paths and queries, bodies past the limit, truncated uploads, methods
//! nobody serves, malformed JSON. Every answer is a refusal in Chinese — the error page, or under
//! `/api/` a problem document — never a 5xx and never axum's or serde's English; and a refused
//! request changes nothing (the audit trail, which every write extends, keeps its length).

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Client, Page, TOWN_B, signed_in, token_in, world};
use gongkai_store::{Store, on_both_backends};

/// English that axum's extractors and serde put in their answers; none of it may reach a visitor.
const ENGLISH: [&str; 9] = [
    "Failed to",
    "failed to",
    "Invalid",
    "invalid type",
    "missing field",
    "unknown field",
    "Expected request",
    "deserialize",
    "length limit",
];

fn no_english(page: &Page) {
    for e in ENGLISH {
        assert!(!page.body.contains(e), "English “{e}” shown: {}", page.body);
    }
}

/// A refusal in our voice on an HTML route: the status, the Chinese error page (or a form page),
/// no fault.
fn html_refusal(page: &Page, status: StatusCode) {
    assert_eq!(page.status, status, "{}", page.body);
    let ct = page.headers[header::CONTENT_TYPE].to_str().unwrap();
    assert!(ct.starts_with("text/html"), "{ct}: {}", page.body);
    assert!(page.body.contains("<html"), "{}", page.body);
    assert!(
        page.body.contains("未做任何更改")
            || page.body.contains("不存在")
            || page.body.contains("网址无法识别")
            || page.body.contains("控制字符"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("系统暂时无法处理"), "a fault's page");
    no_english(page);
}

/// A refusal in our voice under `/api/`: the status and a problem document in Chinese.
fn api_refusal(page: &Page, status: StatusCode) -> serde_json::Value {
    assert_eq!(page.status, status, "{}", page.body);
    assert_eq!(
        page.headers[header::CONTENT_TYPE],
        "application/problem+json",
        "{}",
        page.body
    );
    let p: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(p["status"], status.as_u16());
    let title = p["title"].as_str().unwrap();
    assert!(!title.is_ascii(), "title in Chinese: {title}");
    assert!(!p["detail"].as_str().unwrap().is_ascii());
    no_english(page);
    p
}

/// A visitor with the form token of a public page.
async fn visitor(w: &common::World) -> (Client, String) {
    let mut c = Client::new(&w.app);
    let page = c.get(&format!("/agencies/{TOWN_B}/requests/new")).await;
    let token = token_in(&page.body).unwrap();
    (c, token)
}

fn request_fields(token: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", token.to_owned()),
        ("kind", "natural_person".into()),
        ("name", "王小明".into()),
        ("id_document", "37032319900101123X".into()),
        ("contact", "13812345678".into()),
        ("address", "沂源县南麻镇某村12号".into()),
        ("description", "2024年南麻镇耕地地力保护补贴发放名单".into()),
        ("delivery", "电子邮件".into()),
    ]
}

fn borrowed<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn nul_in_every_public_form_is_refused_on_its_field_and_nothing_is_kept(store: &Store) {
    let w = world(store).await;
    let before = store.audit_count().await.unwrap();
    let (mut c, token) = visitor(&w).await;
    // The request form: each field in turn.
    for field in ["name", "id_document", "contact", "address", "description"] {
        let mut fields = request_fields(&token);
        for (k, v) in &mut fields {
            if *k == field {
                v.insert(0, '\0');
            }
        }
        let page = c
            .post_raw(&format!("/agencies/{TOWN_B}/requests"), &borrowed(&fields))
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(
            page.body.contains(&format!(r#"id="{field}-error""#)),
            "{field}: the message sits on its field: {}",
            page.body
        );
        assert!(page.body.contains("控制字符"), "{field}");
    }
    // C1 and escape characters as well.
    let mut fields = request_fields(&token);
    fields[2].1 = "王\u{1b}[2J小明\u{85}".into();
    let page = c
        .post_raw(&format!("/agencies/{TOWN_B}/requests"), &borrowed(&fields))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The message form.
    let page = c
        .post_raw(
            &format!("/agencies/{TOWN_B}/messages"),
            &[
                ("csrf", &token),
                ("kind", "enquiry"),
                ("name", "张\0三"),
                ("contact", "13812345678"),
                ("subject", "咨询\0"),
                ("body", "请问低保名单何时公开？"),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"id="name-error""#) && page.body.contains("控制字符"));
    // An evaluation's comment.
    let page = c
        .post_raw(
            &format!("/agencies/{TOWN_B}/evaluate"),
            &[("csrf", &token), ("rating", "5"), ("comment", "好\0")],
        )
        .await;
    html_refusal(&page, StatusCode::UNPROCESSABLE_ENTITY);
    // Sign-in.
    let login = c.get("/admin/login").await;
    let login_token = token_in(&login.body).unwrap();
    let page = c
        .post_raw(
            "/admin/login",
            &[
                ("csrf", &login_token),
                ("username", "root\0"),
                ("password", "x\0"),
            ],
        )
        .await;
    assert!(page.status.is_client_error(), "{}", page.status);
    assert!(page.body.contains("<html"));
    no_english(&page);
    // Lookups: tracking, letters, search, lists, feeds.
    for uri in [
        format!("/agencies/{TOWN_B}/requests/track?code=%00&contact=%00"),
        format!(
            "/agencies/{TOWN_B}/requests/track?code={}%00&contact=13700000000",
            w.b_request
        ),
        format!(
            "/agencies/{TOWN_B}/requests/letters/{}?code=%00&contact=%00&format=docx",
            w.b_letter
        ),
        format!("/agencies/{TOWN_B}/messages/track?code=%00&contact=%00"),
        "/search?q=%00".to_owned(),
        format!("/agencies/{TOWN_B}/items?category=%00"),
        format!("/agencies/{TOWN_B}/feed.atom?category=%00"),
        format!("/agencies/%00{TOWN_B}"),
        "/admin/login?next=%00".to_owned(),
    ] {
        let page = c.get(&uri).await;
        assert!(
            page.status.as_u16() < 500,
            "{uri}: {} {}",
            page.status,
            page.body
        );
        no_english(&page);
        assert!(
            !page.body.contains('\0'),
            "{uri}: a NUL echoed into the page"
        );
    }
    // The API: a NUL in the body and in a query.
    let mut api = Client::new(&w.app);
    let page = api
        .post_json(
            "/api/v1/requests",
            &format!(
                r#"{{"agency":"{TOWN_B}","kind":"natural_person","name":"王\u0000小明","id_document":"37032319900101123X","contact":"13812345678","address":"沂源县南麻镇某村12号","description":"2024年补贴名单","delivery":"电子邮件"}}"#
            ),
        )
        .await;
    let p = api_refusal(&page, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p["errors"]["name"].as_str().unwrap().contains("控制字符"));
    let page = api
        .post_json("/api/v1/requests", r#"{"agency":"\u0000"}"#)
        .await;
    assert!(page.status.is_client_error(), "{}", page.body);
    let page = api
        .get(&format!("/api/v1/agencies/{TOWN_B}/items?category=%00"))
        .await;
    assert!(page.status.as_u16() < 500, "{}", page.body);
    no_english(&page);
    assert_eq!(
        store.audit_count().await.unwrap(),
        before,
        "nothing was kept"
    );
}

async fn next_cannot_inject_a_header_or_leave_the_site(store: &Store) {
    let w = world(store).await;
    for (next, expected) in [
        ("/admin%0A", "/admin"),
        ("/admin\n", "/admin"),
        ("/admin\r\nSet-Cookie: x=1", "/admin"),
        ("//evil.example/admin", "/admin"),
        ("/admin//evil.example", "/admin"),
        ("https://evil.example", "/admin"),
        ("/\\evil.example", "/admin"),
        ("/admin/\\evil.example", "/admin"),
        ("/admin@evil.example", "/admin"),
        ("/admin/users?x=1", "/admin/users?x=1"),
        (
            "/admin/agencies/yiyuan-nanma",
            "/admin/agencies/yiyuan-nanma",
        ),
    ] {
        let mut c = Client::new(&w.app);
        let form = c.get("/admin/login").await;
        let token = token_in(&form.body).unwrap();
        let page = c
            .post_raw(
                "/admin/login",
                &[
                    ("csrf", &token),
                    ("username", "root"),
                    ("password", common::PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{next:?}: {}",
            page.body
        );
        assert_eq!(page.location(), expected, "{next:?}");
        assert!(page.headers.get("x").is_none());
    }
    // The sign-in form carries a hostile `next` only as escaped text.
    let page = Client::new(&w.app)
        .get("/admin/login?next=%22%3E%3Cscript%3E")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("\"><script>"));
}

async fn malformed_requests_are_refused_in_chinese(store: &Store) {
    let w = world(store).await;
    let mut admin = signed_in(&w, "b_admin").await;
    let before = store.audit_count().await.unwrap();
    let (mut c, token) = visitor(&w).await;
    // The same field twice.
    let mut fields = request_fields(&token);
    fields.push(("kind", "business".into()));
    let page = c
        .post_raw(&format!("/agencies/{TOWN_B}/requests"), &borrowed(&fields))
        .await;
    html_refusal(&page, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("同一项目填写了两次"));
    // A form sent as something else than a form.
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(request_fields(&token))
        .finish();
    let page = c
        .request(
            Request::post(format!("/agencies/{TOWN_B}/requests"))
                .header(header::CONTENT_TYPE, "text/plain"),
            Body::from(body.clone()),
        )
        .await;
    html_refusal(&page, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Bytes that are not UTF-8.
    let mut raw = format!("csrf={token}&kind=natural_person&name=").into_bytes();
    raw.extend_from_slice(b"\xff\xfe%FF");
    let page = c
        .request(
            Request::post(format!("/agencies/{TOWN_B}/requests"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            Body::from(raw),
        )
        .await;
    assert!(page.status.is_client_error(), "{}", page.status);
    no_english(&page);
    // Numbers out of range in the path and the query.
    for uri in [
        format!("/agencies/{TOWN_B}/items/99999999999999999999999"),
        format!("/agencies/{TOWN_B}/items/-1x"),
        format!("/agencies/{TOWN_B}/items?page=abc"),
        format!("/agencies/{TOWN_B}/items?page=99999999999999999999"),
        format!("/agencies/{TOWN_B}/evaluate?item=99999999999999999999"),
        format!("/agencies/{TOWN_B}/reports/99999999999999999999"),
        format!("/agencies/{TOWN_B}/items/1/attachments/1e99"),
        "/agencies/%FF%FE".to_owned(),
        // A search paged past its end, or past the deepest page the index lists (this one
        // aborted the server: tantivy allocated room for every hit before the page).
        "/search?q=%E5%85%AC%E5%BC%80&page=999".to_owned(),
        "/search?q=%E5%85%AC%E5%BC%80&page=100000000".to_owned(),
        "/search?q=%E5%85%AC%E5%BC%80&sort=date&page=4294967296".to_owned(),
        "/search?q=%E5%85%AC%E5%BC%80&page=18446744073709551616".to_owned(),
    ] {
        let page = c.get(&uri).await;
        assert!(
            matches!(page.status, StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND),
            "{uri}: {}",
            page.status
        );
        html_refusal(&page, page.status);
        // A page that only reads was sent nothing: its refusal speaks of the address, not of a
        // form that changed nothing.
        if page.status == StatusCode::BAD_REQUEST {
            assert!(page.body.contains("网址无法识别"), "{uri}: {}", page.body);
            assert!(!page.body.contains("未做任何更改"), "{uri}: {}", page.body);
        }
    }
    // A page far past the end gets one answer on a list and on a search: it does not exist, and
    // how many pages there are (the list refused the number as unreadable, the search did not).
    for uri in [
        format!("/agencies/{TOWN_B}/items?page=99999999999"),
        "/search?q=%E5%85%AC%E5%BC%80&page=99999999999".to_owned(),
    ] {
        let page = c.get(&uri).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            page.body.contains("第99999999999页不存在（共"),
            "{uri}: {}",
            page.body
        );
        // It links to the first page of the same list or search, and a search keeps its words.
        assert!(page.body.contains(">第1页</a>"), "{uri}: {}", page.body);
        if uri.starts_with("/search") {
            assert!(
                page.body.contains("search?q=%E5%85%AC%E5%BC%80&amp;")
                    && page.body.contains(r#"value="公开""#),
                "{uri}: {}",
                page.body
            );
        } else {
            assert!(
                page.body.contains(&format!("{TOWN_B}&#x2f;items?page=1\"")),
                "{uri}: {}",
                page.body
            );
        }
    }
    // A staff page's number out of range.
    let page = admin
        .get(&format!(
            "/admin/agencies/{TOWN_B}/items/99999999999999999999"
        ))
        .await;
    html_refusal(&page, StatusCode::BAD_REQUEST);
    assert_eq!(
        page.headers[header::CACHE_CONTROL],
        "no-store",
        "staff pages are never kept by a browser"
    );
    // A method no route takes, and one a route does not take.
    let page = c
        .request(
            Request::builder()
                .method(Method::from_bytes(b"PROPFIND").unwrap())
                .uri("/check"),
            Body::empty(),
        )
        .await;
    html_refusal(&page, StatusCode::METHOD_NOT_ALLOWED);
    assert!(page.headers.contains_key(header::ALLOW));
    // PUT, PATCH and DELETE change nothing here: 405 with what the address takes, not a 403
    // about an expired form.
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        let page = c
            .request(
                Request::builder()
                    .method(method.clone())
                    .uri(format!("/agencies/{TOWN_B}/items")),
                Body::from("csrf=wrong"),
            )
            .await;
        html_refusal(&page, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(page.headers[header::ALLOW], "GET,HEAD", "{method}");
    }
    let page = c.get("/admin/logout").await;
    html_refusal(&page, StatusCode::METHOD_NOT_ALLOWED);
    assert!(page.body.contains("不支持的访问方式"));
    // A form past the body limit.
    let big = "x".repeat(9 * 1024 * 1024);
    let page = c
        .post_raw(
            &format!("/agencies/{TOWN_B}/messages"),
            &[("csrf", &token), ("body", &big)],
        )
        .await;
    html_refusal(&page, StatusCode::PAYLOAD_TOO_LARGE);
    // One only declared past the limit is refused before it is waited for.
    let page = c
        .request(
            Request::builder()
                .method(Method::POST)
                .uri(format!("/agencies/{TOWN_B}/messages"))
                .header(header::CONTENT_LENGTH, "99999999999"),
            Body::empty(),
        )
        .await;
    html_refusal(&page, StatusCode::PAYLOAD_TOO_LARGE);
    // An upload cut off in the middle, with a valid token: not "too large".
    let boundary = "hostile-boundary";
    let cut = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.docx\"\r\n\r\nPK\x03\x04 half a file"
    );
    let page = c.send_multipart("/check", boundary, cut.into_bytes()).await;
    html_refusal(&page, StatusCode::BAD_REQUEST);
    assert!(!page.body.contains("过大"), "{}", page.body);
    // A multipart body whose token is only in the URL is refused: tokens never travel in URLs.
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n报告\r\n--{boundary}--\r\n"
    );
    let page = c
        .send_multipart(&format!("/check?csrf={token}"), boundary, body.into_bytes())
        .await;
    html_refusal(&page, StatusCode::FORBIDDEN);
    assert_eq!(
        store.audit_count().await.unwrap(),
        before,
        "nothing was kept"
    );
}

async fn the_api_refuses_in_problem_documents_without_serde_english(store: &Store) {
    let w = world(store).await;
    let before = store.audit_count().await.unwrap();
    let mut api = Client::new(&w.app);
    // 10 MB of JSON: too large, not "bad JSON".
    let big = format!(r#"{{"agency":"{}"}}"#, "x".repeat(10 * 1024 * 1024));
    api_refusal(
        &api.post_json("/api/v1/requests", &big).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    );
    api_refusal(
        &api.post_json("/api/v1/requests", "{not json").await,
        StatusCode::BAD_REQUEST,
    );
    let deep = api
        .post_json("/api/v1/requests", &"[".repeat(100_000))
        .await;
    api_refusal(&deep, deep.status);
    assert!(deep.status.is_client_error());
    let p = api_refusal(
        &api.post_json("/api/v1/requests", r#"{"agency":"x","surprise":1}"#)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert!(p["detail"].as_str().unwrap().contains("openapi.json"));
    // Not JSON at all.
    let page = api
        .request(
            Request::post("/api/v1/requests").header(header::CONTENT_TYPE, "text/plain"),
            Body::from("agency=x"),
        )
        .await;
    api_refusal(&page, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Bad numbers in the query, an unknown path, a method the route does not take.
    let p = api_refusal(
        &api.get(&format!("/api/v1/agencies/{TOWN_B}/items?page=abc"))
            .await,
        StatusCode::BAD_REQUEST,
    );
    assert_eq!(p["title"], "请求参数无法识别", "{p}");
    api_refusal(
        &api.get(&format!(
            "/api/v1/agencies/{TOWN_B}/items/99999999999999999999"
        ))
        .await,
        StatusCode::BAD_REQUEST,
    );
    // An unknown path is a 404 by its own name, not a 400's title.
    let p = api_refusal(
        &api.get("/api/v1/nothing-here").await,
        StatusCode::NOT_FOUND,
    );
    assert!(
        p["type"].as_str().unwrap().ends_with("/not-found")
            && p["title"] == "不存在"
            && p["detail"]
                .as_str()
                .unwrap()
                .contains("可用的接口见 /api/openapi.json"),
        "{p}"
    );
    let page = api
        .request(
            Request::builder()
                .method(Method::from_bytes(b"PATCH").unwrap())
                .uri("/api/v1/requests")
                .header(header::CONTENT_TYPE, "application/json"),
            Body::from("{}"),
        )
        .await;
    api_refusal(&page, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        store.audit_count().await.unwrap(),
        before,
        "nothing was kept"
    );
}

async fn a_contact_or_address_nobody_can_reach_is_refused(store: &Store) {
    let w = world(store).await;
    let before = store.audit_count().await.unwrap();
    let (mut c, token) = visitor(&w).await;
    let mut fields = request_fields(&token);
    for (k, v) in &mut fields {
        if *k == "contact" || *k == "address" {
            *v = "x".into();
        }
    }
    let page = c
        .post_raw(&format!("/agencies/{TOWN_B}/requests"), &borrowed(&fields))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains(r#"id="contact-error""#) && page.body.contains(r#"id="address-error""#)
    );
    assert_eq!(store.audit_count().await.unwrap(), before);
}

async fn an_item_number_out_of_range_is_not_an_agency_rating(store: &Store) {
    let w = world(store).await;
    let before = store.audit_count().await.unwrap();
    let (mut c, token) = visitor(&w).await;
    for item in ["99999999999999999999", "abc", "-"] {
        let page = c
            .post_raw(
                &format!("/agencies/{TOWN_B}/evaluate"),
                &[("csrf", &token), ("item", item), ("rating", "5")],
            )
            .await;
        html_refusal(&page, StatusCode::NOT_FOUND);
    }
    assert_eq!(store.audit_count().await.unwrap(), before, "no rating kept");
    // Without an item it is the agency's rating, as meant.
    let page = c
        .post_raw(
            &format!("/agencies/{TOWN_B}/evaluate"),
            &[("csrf", &token), ("item", ""), ("rating", "5")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
}

async fn a_flood_from_one_address_is_stopped_on_every_server(store: &Store) {
    use gongkai_core::auth::Submission;
    let w = world(store).await;
    // A second server on the same database.
    let other = common::world_app(&w);
    let (mut c, token) = visitor(&w).await;
    let mut d = Client::new(&other);
    d.address = c.address.clone();
    let fields = request_fields(&token);
    for i in 0..Submission::Request.per_hour() {
        let page = if i % 2 == 0 {
            c.post_raw(&format!("/agencies/{TOWN_B}/requests"), &borrowed(&fields))
                .await
        } else {
            d.post_json("/api/v1/requests", &api_request()).await
        };
        assert!(
            // The form answers with a redirect to its confirmation (post/redirect/get), the API 201.
            [StatusCode::SEE_OTHER, StatusCode::CREATED].contains(&page.status),
            "{i}: {}",
            page.body
        );
    }
    let before = store.audit_count().await.unwrap();
    let page = c
        .post_raw(&format!("/agencies/{TOWN_B}/requests"), &borrowed(&fields))
        .await;
    html_refusal(&page, StatusCode::TOO_MANY_REQUESTS);
    let page = d.post_json("/api/v1/requests", &api_request()).await;
    api_refusal(&page, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        store.audit_count().await.unwrap(),
        before,
        "nothing kept past the limit"
    );
    // Another address is not affected.
    let mut e = Client::new(&other);
    e.address = "198.51.100.200".into();
    assert_eq!(
        e.post_json("/api/v1/requests", &api_request()).await.status,
        StatusCode::CREATED
    );
    // The count is kept by a keyed hash of the address, never the address itself.
    let since = w.clock_now() - chrono::Duration::hours(1);
    let bucket = Submission::Request.bucket();
    assert_eq!(
        store.hits(bucket, &c.address, since).await.unwrap().count,
        0
    );
    let keyed = store.keyed("submission-address", &c.address);
    assert_ne!(keyed, c.address);
    assert_eq!(
        store.hits(bucket, &keyed, since).await.unwrap().count,
        Submission::Request.per_hour()
    );
    // An hour later the address may submit again.
    w.clock.advance(chrono::Duration::minutes(61));
    assert_eq!(
        d.post_json("/api/v1/requests", &api_request()).await.status,
        StatusCode::CREATED
    );
    // Messages and evaluations have their own limits.
    // The agency's work may be rated once a day by a visitor; repeated tries still count
    // against the address's hourly limit, which then refuses everything.
    for i in 0..Submission::Evaluation.per_hour() {
        let page = c
            .post_raw(
                &format!("/agencies/{TOWN_B}/evaluate"),
                &[("csrf", &token), ("rating", "4")],
            )
            .await;
        if i == 0 {
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        } else {
            assert_eq!(page.status, StatusCode::CONFLICT, "{i}: {}", page.body);
            assert!(page.body.contains("今天已经评价过"), "{i}: {}", page.body);
            assert!(!page.body.contains("尝试次数过多"), "{i}: {}", page.body);
        }
    }
    let page = c
        .post_raw(
            &format!("/agencies/{TOWN_B}/evaluate"),
            &[("csrf", &token), ("rating", "4")],
        )
        .await;
    html_refusal(&page, StatusCode::TOO_MANY_REQUESTS);
    assert!(!page.body.contains("今天已经评价过"), "{}", page.body);
    for i in 0..=Submission::Message.per_hour() {
        let page = c
            .post_raw(
                &format!("/agencies/{TOWN_B}/messages"),
                &[
                    ("csrf", &token),
                    ("kind", "enquiry"),
                    ("name", "张三"),
                    ("contact", "13812345678"),
                    ("subject", "咨询"),
                    ("body", "请问低保名单何时公开？"),
                ],
            )
            .await;
        if i < Submission::Message.per_hour() {
            assert_eq!(page.status, StatusCode::OK, "{i}: {}", page.body);
        } else {
            html_refusal(&page, StatusCode::TOO_MANY_REQUESTS);
        }
    }
}

async fn staff_lists_are_paged_at_any_size(store: &Store) {
    let w = world(store).await;
    let slug = gongkai_core::Slug::parse(TOWN_B).unwrap();
    let system = gongkai_core::audit::Actor::system("测试准备");
    for _ in 0..250 {
        store
            .register_request(
                &slug,
                &common::new_request("2025-02-25"),
                gongkai_store::By::new(&system, w.clock_now()),
                common::rules(),
            )
            .await
            .unwrap();
    }
    for i in 0..120 {
        store
            .submit_message(
                &slug,
                &gongkai_core::supervision::NewMessage {
                    kind: "enquiry".into(),
                    name: "咨询人".into(),
                    contact: "13700000000".into(),
                    subject: format!("第{i}个问题"),
                    body: "请问低保名单何时公开？".into(),
                    may_publish: false,
                },
                w.clock_now(),
            )
            .await
            .unwrap();
    }
    let mut admin = signed_in(&w, "b_admin").await;
    let queue = format!("/admin/agencies/{TOWN_B}/requests");
    let rows = |p: &Page| p.body.matches(&format!(r#"<a href="{queue}/"#)).count();
    let first = admin.get(&queue).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(rows(&first), 100, "one page, not the whole queue");
    assert!(
        first.body.contains("共 251 条，第 1/3 页"),
        "{}",
        first.body
    );
    assert!(
        first.body.contains("page=2\" rel=\"next\""),
        "{}",
        first.body
    );
    let last = admin.get(&format!("{queue}?filter=&page=3")).await;
    assert_eq!(rows(&last), 51);
    assert!(last.body.contains("上一页") && !last.body.contains("下一页"));
    let past = admin.get(&format!("{queue}?page=99")).await;
    assert_eq!(rows(&past), 51, "past the end: the last page");
    html_refusal(
        &admin.get(&format!("{queue}?page=-1")).await,
        StatusCode::BAD_REQUEST,
    );
    let messages = format!("/admin/agencies/{TOWN_B}/messages");
    let count = |p: &Page| p.body.matches(&format!(r#"<a href="{messages}/"#)).count();
    let first = admin.get(&messages).await;
    assert_eq!(count(&first), 100);
    assert!(first.body.contains("共 121 条，第 1/2 页"));
    let year = w.clock_now().format("%Y");
    assert_eq!(
        count(&admin.get(&format!("{messages}?year={year}&page=2")).await),
        21
    );
}

async fn the_audit_chain_head_is_published_on_a_page_and_in_a_feed(store: &Store) {
    use gongkai_core::audit::{AuditKey, Keyring};
    let w = world(store).await;
    let mut c = Client::new(&w.app);
    let empty = c.get("/audit/checkpoints").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("还没有检查点"));
    let key = AuditKey::generate();
    let keyed = store
        .clone()
        .with_audit_keys(Keyring::parse(&Keyring::line(&key)).unwrap(), w.clock_now())
        .await
        .unwrap();
    let checkpoint = keyed.make_checkpoint(w.clock_now()).await.unwrap().unwrap();
    let page = c.get("/audit/checkpoints").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&checkpoint.hash), "{}", page.body);
    assert!(page.body.contains(&checkpoint.mac));
    assert!(page.body.contains(&checkpoint.record_id.to_string()));
    let feed = c.get("/audit/checkpoints.atom").await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(
        feed.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    assert!(feed.body.contains(&format!(
        "gongkai-audit-checkpoint|{}|{}|{}",
        checkpoint.record_id, checkpoint.hash, checkpoint.at_ms
    )));
    assert_eq!(feed.body.matches("<entry>").count(), 1);
}

async fn nul_in_staff_forms_is_refused_and_nothing_is_kept(store: &Store) {
    let w = world(store).await;
    let mut admin = signed_in(&w, "b_admin").await;
    let mut root = signed_in(&w, "root").await;
    let before = store.audit_count().await.unwrap();
    for (as_root, uri, fields) in [
        (
            false,
            format!("/admin/agencies/{TOWN_B}/messages/{}/reply", w.b_message),
            vec![("reply", "已经按您的意见\0更新栏目。")],
        ),
        (
            false,
            format!("/admin/agencies/{TOWN_B}/items"),
            vec![("title", "标题\0"), ("formed_on", "2025-02-20")],
        ),
        (
            true,
            "/admin/users".to_owned(),
            vec![
                ("username", "new_user"),
                ("display_name", "新\u{1b}用户"),
                ("agency", TOWN_B),
                ("role", "drafter"),
            ],
        ),
        (
            false,
            format!("/admin/agencies/{TOWN_B}/guide"),
            vec![("text", "指南\0")],
        ),
    ] {
        let client = if as_root { &mut root } else { &mut admin };
        let page = client.post(&uri, &fields).await;
        assert!(
            page.status.is_client_error(),
            "{uri}: {} {}",
            page.status,
            page.body
        );
        assert!(!page.body.contains("系统暂时无法处理"), "{uri}: a fault");
        no_english(&page);
    }
    assert_eq!(
        store.audit_count().await.unwrap(),
        before,
        "nothing was kept"
    );
}

fn api_request() -> String {
    format!(
        r#"{{"agency":"{TOWN_B}","kind":"natural_person","name":"王小明","id_document":"37032319900101123X","contact":"13812345678","address":"沂源县南麻镇某村12号","description":"2024年补贴名单","delivery":"电子邮件"}}"#
    )
}

on_both_backends!(
    nul_in_staff_forms_is_refused_and_nothing_is_kept,
    the_audit_chain_head_is_published_on_a_page_and_in_a_feed,
    staff_lists_are_paged_at_any_size,
    a_flood_from_one_address_is_stopped_on_every_server,
    nul_in_every_public_form_is_refused_on_its_field_and_nothing_is_kept,
    next_cannot_inject_a_header_or_leave_the_site,
    malformed_requests_are_refused_in_chinese,
    the_api_refuses_in_problem_documents_without_serde_english,
    a_contact_or_address_nobody_can_reach_is_refused,
    an_item_number_out_of_range_is_not_an_agency_rating,
);

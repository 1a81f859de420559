//! The public request form and tracking page.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use axum::http::StatusCode;
use common::{Client, TOWN_A, world};
use gongkai_core::Slug;
use gongkai_store::{Store, on_both_backends};

fn form_token(html: &str) -> String {
    common::token_in(html).unwrap()
}

async fn a_citizen_submits_a_request_and_tracks_it(store: &Store) {
    let w = world(store).await;
    let mut c = Client::new(&w.app);
    let form = c.get(&format!("/agencies/{TOWN_A}/requests/new")).await;
    assert_eq!(form.status, StatusCode::OK);
    let token = form_token(&form.body);
    let before = store.audit_count().await.unwrap();

    // Missing and malformed fields are named, in Chinese, and nothing is registered.
    let bad = c
        .post_raw(
            &format!("/agencies/{TOWN_A}/requests"),
            &[
                ("csrf", &token),
                ("kind", "natural_person"),
                ("name", "张三"),
                ("id_document", "12345"),
                ("delivery", "电子邮件"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "身份证号码应为18位",
        "请填写联系电话或电子邮箱",
        "请填写通信地址",
        "请填写所需政府信息",
    ] {
        assert!(bad.body.contains(message), "{message}");
    }
    assert!(
        bad.body.contains(r#"value="张三""#),
        "what was typed is kept"
    );
    assert_eq!(store.audit_count().await.unwrap(), before);

    let fields = [
        ("csrf", token.as_str()),
        ("kind", "natural_person"),
        ("name", "张三"),
        ("id_document", "37032319900101123X"),
        ("contact", "13800000000"),
        ("address", "西里镇某村"),
        ("description", "2024年耕地地力保护补贴发放名单"),
        ("delivery", "电子邮件"),
    ];
    let posted = c
        .post_raw(&format!("/agencies/{TOWN_A}/requests"), &fields)
        .await;
    // Post/redirect/get: the confirmation is a page of its own.
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let confirmation = posted.location().to_owned();
    assert!(confirmation.starts_with(&format!("/agencies/{TOWN_A}/requests/submitted?t=")));
    let done = c.get(&confirmation).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.headers["cache-control"], "no-store");
    let at = done.body.find("class=\"secret\">").unwrap() + "class=\"secret\">".len();
    let code = done.body[at..].split('<').next().unwrap().to_owned();
    assert_eq!(code.len(), 12);
    // Received 2025-03-01 (a Saturday): 20 working days from the next working day.
    assert!(done.body.contains("答复期限为 2025-03-28"), "{}", done.body);

    // Tracking is a form posted (the contact is never in an address), answered never to be kept.
    let track = format!("/agencies/{TOWN_A}/requests/track");
    let wrong = c
        .post_raw(
            &track,
            &[
                ("csrf", &token),
                ("code", &code),
                ("contact", "13900000000"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    assert!(wrong.body.contains("查询码或联系方式不正确"));
    // The number however written, the code in any case.
    let right = c
        .post_raw(
            &track,
            &[
                ("csrf", &token),
                ("code", &code.to_lowercase()),
                ("contact", "138-0000-0000"),
            ],
        )
        .await;
    assert_eq!(right.headers["cache-control"], "no-store");
    assert_eq!(right.status, StatusCode::OK);
    assert!(right.body.contains("已登记") && right.body.contains("2025-03-28"));
    assert!(
        !right.body.contains("37032319900101123X"),
        "the tracking page shows no personal data"
    );

    // The request is counted; the requester's data appears on no public page.
    let slug = Slug::parse(TOWN_A).unwrap();
    assert_eq!(
        store.requester(&slug, &code).await.unwrap().unwrap().name,
        "张三"
    );
    for page in [
        "/",
        &format!("/agencies/{TOWN_A}"),
        "/agencies/yiyuan-xili/reports/2024/report.json",
    ] {
        assert!(!c.get(page).await.body.contains("37032319900101123X"));
    }
}

/// The same intake through `POST /api/v1/requests`: field errors as problem+json, a 201 with the
/// tracking code, and the receipt downloadable from the tracking page with the code and contact.
async fn the_api_registers_a_request_and_the_tracking_page_serves_its_letters(store: &Store) {
    let w = world(store).await;
    let mut c = Client::new(&w.app);
    let before = store.audit_count().await.unwrap();
    let bad = c
        .post_json(
            "/api/v1/requests",
            r#"{"agency":"yiyuan-xili","kind":"robot","name":"","id_document":"1","contact":"x","address":"y","description":"z","delivery":"飞鸽"}"#,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad.headers.get("content-type").unwrap(),
        "application/problem+json"
    );
    let problem: serde_json::Value = serde_json::from_str(&bad.body).unwrap();
    for field in ["kind", "name", "delivery"] {
        assert!(problem["errors"][field].is_string(), "{field}: {problem}");
    }
    let unknown = c
        .post_json("/api/v1/requests", r#"{"agency":"no-such-town","kind":"natural_person","name":"a","id_document":"37032319900101123X","contact":"b","address":"c","description":"d","delivery":"电子邮件"}"#)
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let garbage = c.post_json("/api/v1/requests", "{not json").await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        store.audit_count().await.unwrap(),
        before,
        "nothing registered"
    );

    let ok = c
        .post_json(
            "/api/v1/requests",
            r#"{"agency":"yiyuan-xili","kind":"business","name":"沂源某某有限公司","id_document":"91370323MA3C000001","contact":"office@example.com","address":"沂源县某路1号","description":"2024年西里镇道路工程中标结果","delivery":"电子邮件"}"#,
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    let body: serde_json::Value = serde_json::from_str(&ok.body).unwrap();
    let code = body["tracking_code"].as_str().unwrap().to_owned();
    assert_eq!(body["received_on"], "2025-03-01");
    assert_eq!(body["due"], "2025-03-28");
    assert_eq!(body["provisional"], false);

    let form = c.get(&format!("/agencies/{TOWN_A}/requests/track")).await;
    let csrf = form_token(&form.body);
    let track = c
        .post_raw(
            &format!("/agencies/{TOWN_A}/requests/track"),
            &[
                ("csrf", &csrf),
                ("code", &code),
                ("contact", "Office@Example.com"),
            ],
        )
        .await;
    assert_eq!(track.status, StatusCode::OK);
    assert!(track.body.contains("接收回执"), "{}", track.body);
    let body = track.body.replace("&#x2f;", "/").replace("&amp;", "&");
    assert!(
        !body.contains("office@example.com") || !body.contains("contact="),
        "the contact is in no address"
    );
    let at = body.find("/requests/letters/").unwrap();
    let link = body[at..].split('"').next().unwrap().to_owned();
    let letter = |contact: &'static str| {
        let mut c = c.clone();
        let uri = format!("/agencies/{TOWN_A}{link}");
        let (csrf, code) = (csrf.clone(), code.clone());
        async move {
            c.post_raw(
                &uri,
                &[
                    ("csrf", &csrf),
                    ("code", &code),
                    ("contact", contact),
                    ("format", "html"),
                ],
            )
            .await
        }
    };
    let receipt = letter("office@example.com").await;
    assert_eq!(receipt.status, StatusCode::OK, "{link}");
    assert!(receipt.body.contains("政府信息公开申请接收回执") && receipt.body.contains("贵单位"));
    assert!(receipt.body.contains("以双方确认之日为收到申请之日"));
    // Without the right contact, no letter.
    assert_eq!(
        letter("someone@example.com").await.status,
        StatusCode::NOT_FOUND
    );
    // The mail announcing the receipt waits in the outbox.
    assert_eq!(common::mails_to(store, "office@example.com").await.len(), 1);

    let doc = c.get("/api/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body.contains("/api/v1/requests"));
}

fn submission_in(html: &str) -> String {
    let field = r#"name="submission" value=""#;
    let at = html.find(field).unwrap() + field.len();
    html[at..].split('"').next().unwrap().to_owned()
}

/// A refresh of the confirmation, the form sent twice (a double click, the back button and send
/// again): one request, one code.
async fn a_request_form_sent_twice_files_one_request(store: &Store) {
    let w = world(store).await;
    let slug = Slug::parse(TOWN_A).unwrap();
    let before = store.open_requests(&slug).await.unwrap().len();
    let mut c = Client::new(&w.app);
    let form = c.get(&format!("/agencies/{TOWN_A}/requests/new")).await;
    assert_eq!(form.headers["cache-control"], "no-store");
    let token = form_token(&form.body);
    let submission = submission_in(&form.body);
    assert_eq!(submission.len(), 64);
    let fields = [
        ("csrf", token.as_str()),
        ("submission", submission.as_str()),
        ("kind", "natural_person"),
        ("name", "李四"),
        ("id_document", "37032319900101123X"),
        ("contact", "13800000001"),
        ("address", "西里镇某村"),
        ("description", "2024年低保名单"),
        ("delivery", "电子邮件"),
    ];
    let uri = format!("/agencies/{TOWN_A}/requests");
    let first = c.post_raw(&uri, &fields).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let again = c.post_raw(&uri, &fields).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(again.location(), first.location(), "the same confirmation");
    let page = c.get(first.location()).await;
    let refreshed = c.get(first.location()).await;
    assert_eq!(page.body, refreshed.body);
    assert_eq!(
        store.open_requests(&slug).await.unwrap().len(),
        before + 1,
        "one request filed"
    );
    // Back, and the same request sent again from a new form (a new token, the fields as the
    // browser restored them, spaced differently): still one request, and the new form's
    // confirmation shows its code.
    let first_page = c.get(first.location()).await.body;
    let other = c.get(&format!("/agencies/{TOWN_A}/requests/new")).await;
    let second_token = submission_in(&other.body);
    assert_ne!(second_token, submission);
    let mut second = fields;
    second[1].1 = &second_token;
    second[7].1 = " 2024年 低保名单 ";
    let posted = c.post_raw(&uri, &second).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER);
    assert_eq!(store.open_requests(&slug).await.unwrap().len(), before + 1);
    let shown = c.get(posted.location()).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    let code = |html: &str| {
        let after = html.split(r#"<strong class="secret">"#).nth(1).unwrap();
        after.split("</strong>").next().unwrap().to_owned()
    };
    assert_eq!(code(&shown.body), code(&first_page));
    // Another request (other information asked for) from a new form is a new request.
    let third = c.get(&format!("/agencies/{TOWN_A}/requests/new")).await;
    let third_token = submission_in(&third.body);
    let mut another = fields;
    another[1].1 = &third_token;
    another[7].1 = "2024年临时救助名单";
    let posted = c.post_raw(&uri, &another).await;
    assert_ne!(posted.location(), first.location());
    assert_eq!(store.open_requests(&slug).await.unwrap().len(), before + 2);
    // A made-up token shows nothing.
    let none = c
        .get(&format!(
            "/agencies/{TOWN_A}/requests/submitted?t={}",
            "0".repeat(64)
        ))
        .await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
}

on_both_backends!(
    a_request_form_sent_twice_files_one_request,
    a_citizen_submits_a_request_and_tracks_it,
    the_api_registers_a_request_and_the_tracking_page_serves_its_letters
);

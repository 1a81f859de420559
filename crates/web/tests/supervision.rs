//! 监督保障 over HTTP on both backends: a complaint through the portal form, its reply and
//! publication by a case officer, the writer's tracking page, evaluations, a proposal, the staff
//! pages with their figures, and a WeChat channel set up by the agency administrator.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use axum::http::StatusCode;
use common::{Client, TOWN_A, signed_in, world};
use gongkai_store::{Store, on_both_backends};

/// Posts a public form as a visitor does: with the token of the form page.
async fn submit(c: &mut Client, form: &str, uri: &str, fields: &[(&str, &str)]) -> common::Page {
    let page = c.get(form).await;
    let token = common::token_in(&page.body).unwrap();
    let mut all: Vec<(&str, &str)> = vec![("csrf", &token)];
    all.extend_from_slice(fields);
    c.post_raw(uri, &all).await
}

fn code_in(html: &str) -> String {
    let start = html.find("class=\"code\">").unwrap() + "class=\"code\">".len();
    html[start..start + 12].to_owned()
}

async fn a_complaint_is_answered_and_published(store: &Store) {
    let w = world(store).await;
    let mut citizen = Client::new(&w.app);
    let form = citizen
        .get(&format!("/agencies/{TOWN_A}/messages/new"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    // Incomplete: every problem named on its field, nothing stored.
    let before = store.audit_count().await.unwrap();
    let bad = submit(
        &mut citizen,
        &format!("/agencies/{TOWN_A}/messages/new"),
        &format!("/agencies/{TOWN_A}/messages"),
        &[
            ("kind", "complaint"),
            ("name", ""),
            ("contact", "12"),
            ("subject", ""),
            ("body", "短"),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["请填写姓名", "联系方式应为", "请填写标题", "至少5个字"] {
        assert!(bad.body.contains(message), "{message}");
    }
    assert_eq!(store.audit_count().await.unwrap(), before);
    let done = submit(
        &mut citizen,
        &format!("/agencies/{TOWN_A}/messages/new"),
        &format!("/agencies/{TOWN_A}/messages"),
        &[
            ("kind", "complaint"),
            ("name", "赵六"),
            ("contact", "13912345678"),
            ("subject", "政府会议栏目长期未更新"),
            ("body", "政府会议栏目三个月没有更新。"),
            ("may_publish", "on"),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let code = code_in(&done.body);

    // The case officer sees it in the queue with its overdue mark later, and replies.
    let mut officer = signed_in(&w, "a_officer").await;
    let dashboard = officer.get("/admin").await;
    assert!(
        dashboard
            .body
            .contains(&format!("/admin/agencies/{TOWN_A}/messages\">1</a>")),
        "the dashboard counts messages waiting for a reply"
    );
    let queue = officer
        .get(&format!("/admin/agencies/{TOWN_A}/messages"))
        .await;
    assert!(queue.body.contains(&code) && queue.body.contains("待答复"));
    let page = officer
        .get(&format!("/admin/agencies/{TOWN_A}/messages/{code}"))
        .await;
    assert!(page.body.contains("13912345678"), "staff see the contact");
    let replied = officer
        .post(
            &format!("/admin/agencies/{TOWN_A}/messages/{code}/reply"),
            &[("reply", "已补充公开三次会议信息。"), ("publish", "on")],
        )
        .await;
    assert_eq!(replied.status, StatusCode::SEE_OTHER);
    // A drafter cannot reply.
    let mut drafter = signed_in(&w, "a_staff").await;
    let refused = drafter
        .post(
            &format!("/admin/agencies/{TOWN_A}/messages/{code}/reply"),
            &[("reply", "我来答复一下。")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The writer sees the reply; the public sees question and answer without name or contact.
    let tracked = citizen
        .get(&format!(
            "/agencies/{TOWN_A}/messages/track?code={code}&contact=13912345678"
        ))
        .await;
    assert!(tracked.body.contains("已补充公开三次会议信息"));
    let wrong = citizen
        .get(&format!(
            "/agencies/{TOWN_A}/messages/track?code={code}&contact=1"
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    let public = citizen.get(&format!("/agencies/{TOWN_A}/messages")).await;
    assert!(public.body.contains("政府会议栏目长期未更新") && public.body.contains("已补充公开"));
    assert!(!public.body.contains("赵六") && !public.body.contains("13912345678"));

    // Evaluations: of the service and of an item; a rating outside 1–5 is refused.
    let form = citizen.get(&format!("/agencies/{TOWN_A}/evaluate")).await;
    assert_eq!(form.status, StatusCode::OK);
    // Two visitors (two addresses); one visitor may evaluate the same thing once a day.
    for (visitor, (rating, comment)) in [
        ("192.0.2.21", ("5", "找得到")),
        ("192.0.2.22", ("2", "附件打不开")),
    ] {
        let mut citizen = Client::new(&w.app);
        visitor.clone_into(&mut citizen.address);
        let done = submit(
            &mut citizen,
            &format!("/agencies/{TOWN_A}/evaluate"),
            &format!("/agencies/{TOWN_A}/evaluate"),
            &[("rating", rating), ("comment", comment)],
        )
        .await;
        assert_eq!(done.status, StatusCode::OK);
    }
    let bad = submit(
        &mut citizen,
        &format!("/agencies/{TOWN_A}/evaluate"),
        &format!("/agencies/{TOWN_A}/evaluate"),
        &[("rating", "9")],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut again = Client::new(&w.app);
    "192.0.2.21".clone_into(&mut again.address);
    let twice = submit(
        &mut again,
        &format!("/agencies/{TOWN_A}/evaluate"),
        &format!("/agencies/{TOWN_A}/evaluate"),
        &[("rating", "1"), ("comment", "再评一次")],
    )
    .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(twice.body.contains("今天已经评价过"), "{}", twice.body);
    // The limit is kept as a keyed hash: the address itself is stored nowhere.
    let hits = store
        .hits(
            "evaluation",
            "192.0.2.21",
            w.clock_now() - chrono::Duration::days(1),
        )
        .await
        .unwrap();
    assert_eq!(hits.count, 0);
    let results = officer
        .get(&format!("/admin/agencies/{TOWN_A}/evaluations?year=2025"))
        .await;
    assert!(
        results.body.contains("附件打不开") && results.body.contains("满意率50%"),
        "{}",
        results.body
    );
    assert!(
        results.body.contains("投诉1件，已答复1件"),
        "{}",
        results.body
    );

    // A proposal by the agency administrator; its published result on the portal.
    let mut admin = signed_in(&w, "a_admin").await;
    let saved = admin
        .post(
            &format!("/admin/agencies/{TOWN_A}/proposals"),
            &[
                ("kind", "deputy_suggestion"),
                ("year", "2025"),
                ("number", "第12号"),
                ("title", "关于完善村级公开栏的建议"),
                ("submitter", "张代表"),
                ("lead", "on"),
                ("received_on", "2025-02-01"),
                ("replied_on", "2025-02-15"),
                ("result", "已在各村更新公开栏。"),
                ("published_on", "2025-02-16"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let results = citizen.get(&format!("/agencies/{TOWN_A}/proposals")).await;
    assert!(
        results.body.contains("关于完善村级公开栏的建议")
            && results.body.contains("已在各村更新公开栏")
    );
    let bad = admin
        .post(
            &format!("/admin/agencies/{TOWN_A}/proposals"),
            &[
                ("kind", "deputy_suggestion"),
                ("year", "2025"),
                ("number", "1"),
                ("title", "x"),
                ("received_on", "2025-13-01"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The 索引号 pattern: refused without a period, saved with one.
    let bad = admin
        .post(
            &format!("/admin/agencies/{TOWN_A}/index-pattern"),
            &[("pattern", "{code}-{serial:5}")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("年份"), "{}", bad.body);
    let good = admin
        .post(
            &format!("/admin/agencies/{TOWN_A}/index-pattern"),
            &[("pattern", "{code}/{yyyymm}-{serial:5}")],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);

    // Accountability: the officer replied to one complaint.
    let acc = admin
        .get(&format!(
            "/admin/agencies/{TOWN_A}/accountability?year=2025"
        ))
        .await;
    assert_eq!(acc.status, StatusCode::OK);
    assert!(acc.body.contains("甲经办人"), "{}", acc.body);
    let sheet = admin
        .get(&format!(
            "/admin/agencies/{TOWN_A}/accountability?year=2025&format=xlsx"
        ))
        .await;
    assert_eq!(sheet.status, StatusCode::OK);
    assert!(sheet.body.starts_with("PK"), "an XLSX file (a zip)");

    // Channels: a WeChat account added by the administrator; its secret is not shown again.
    let added = admin
        .post(
            &format!("/admin/agencies/{TOWN_A}/channels"),
            &[
                ("kind", "wechat"),
                ("name", "幸福西里"),
                ("appid", "wx1234567890"),
                ("secret", "a-secret-that-stays-hidden"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let channels = admin
        .get(&format!("/admin/agencies/{TOWN_A}/channels"))
        .await;
    assert!(channels.body.contains("幸福西里") && channels.body.contains("wx1234567890"));
    assert!(!channels.body.contains("a-secret-that-stays-hidden"));
    // Turned off, and on again.
    let town = gongkai_core::Slug::parse(TOWN_A).unwrap();
    let id = store.channels(&town).await.unwrap()[0].id;
    let off = admin
        .post(
            &format!("/admin/agencies/{TOWN_A}/channels/{id}/active"),
            &[],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    assert!(!store.channels(&town).await.unwrap()[0].active);
    admin
        .post(
            &format!("/admin/agencies/{TOWN_A}/channels/{id}/active"),
            &[("active", "on")],
        )
        .await;
    assert!(store.channels(&town).await.unwrap()[0].active);
    let refused = officer
        .post(
            &format!("/admin/agencies/{TOWN_A}/channels"),
            &[
                ("kind", "webhook"),
                ("name", "x"),
                ("url", "http://x"),
                ("secret", "0123456789abcdef"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

on_both_backends!(a_complaint_is_answered_and_published);

//! A user's mistake never answers 500. Each kind of refusal walks through real handlers and comes
//! back with its own status and its Chinese message — what the rules refuse (422), a value someone
//! else holds (409), a thing that is not there or not visible (404), a step the person may not take
//! (403) — and changes nothing, on both databases.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use axum::http::StatusCode;
use common::{Client, Page, TOWN_A, TOWN_B, signed_in, world};
use gongkai_store::{Store, on_both_backends};

/// The page answers `status`, shows `message`, and is not the page of a fault.
fn refused(page: &Page, status: StatusCode, message: &str) {
    assert_eq!(page.status, status, "{}", page.body);
    assert!(
        page.body.contains(message),
        "“{message}” not shown: {}",
        page.body
    );
    assert!(!page.body.contains("系统暂时无法处理"), "a fault's page");
}

async fn the_rules_refuse_with_422_and_say_why(store: &Store) {
    let w = world(store).await;
    let mut b_admin = signed_in(&w, "b_admin").await;
    let mut a_admin = signed_in(&w, "a_admin").await;
    let before = store.audit_count().await.unwrap();
    // Refused by core, carried through the store as a rejection.
    let short = b_admin
        .post(
            &format!("/admin/agencies/{TOWN_B}/messages/{}/reply", w.b_message),
            &[("reply", "已办")],
        )
        .await;
    refused(&short, StatusCode::UNPROCESSABLE_ENTITY, "答复内容太短");
    assert!(short.body.contains("内容需要修改"));
    // Refused by core before the store is asked.
    let staff = w.users["a_staff"];
    let email = a_admin
        .post(
            &format!("/admin/users/{staff}/email"),
            &[("email", "13700000000")],
        )
        .await;
    refused(
        &email,
        StatusCode::UNPROCESSABLE_ENTITY,
        "邮箱地址格式不正确",
    );
    // A form comes back with the message on its field.
    let draft = a_admin
        .post(
            &format!("/admin/agencies/{TOWN_A}/items"),
            &[("title", " "), ("formed_on", "2025-02-30")],
        )
        .await;
    refused(&draft, StatusCode::UNPROCESSABLE_ENTITY, "形成日期应为");
    assert!(draft.body.contains(r#"aria-describedby="formed_on-error""#));
    assert_eq!(
        store.audit_count().await.unwrap(),
        before,
        "nothing changed"
    );
}

async fn a_name_already_taken_answers_409(store: &Store) {
    let w = world(store).await;
    let mut root = signed_in(&w, "root").await;
    let before = store.audit_count().await.unwrap();
    let user = root
        .post(
            "/admin/users",
            &[
                ("username", "a_staff"),
                ("display_name", "重名"),
                ("agency", TOWN_A),
                ("role", "drafter"),
            ],
        )
        .await;
    refused(&user, StatusCode::CONFLICT, "用户名“a_staff”已被使用");
    assert!(
        user.body.contains("<title>新建用户")
            && user.body.contains("<h1>新建用户</h1>")
            && user.body.contains(r#"action="/admin/users""#)
            && user.body.contains(r#"value="重名""#),
        "the form comes back whole, as typed: {}",
        user.body
    );
    let first17 = "11370323004345302";
    let code = format!(
        "{first17}{}",
        gongkai_core::CreditCode::check_char(first17).unwrap()
    );
    let agency = root
        .post(
            "/admin/agencies",
            &[
                ("slug", TOWN_B),
                ("name", "重复的镇"),
                ("credit_code", &code),
                ("kind", "town"),
                ("parent", "yiyuan"),
            ],
        )
        .await;
    refused(
        &agency,
        StatusCode::CONFLICT,
        &format!("机关简称“{TOWN_B}”"),
    );
    assert!(agency.body.contains("已被使用"));
    assert!(
        agency.body.contains("<h1>新增机关</h1>")
            && agency.body.contains(r#"action="/admin/agencies""#)
            && agency.body.contains(">添加</button>")
            && agency.body.contains(r#"value="重复的镇""#)
    );
    assert_eq!(
        store.audit_count().await.unwrap(),
        before,
        "nothing changed"
    );
}

async fn what_is_not_there_or_not_visible_answers_404(store: &Store) {
    let w = world(store).await;
    let mut b_admin = signed_in(&w, "b_admin").await;
    let request = b_admin
        .get(&format!("/admin/agencies/{TOWN_B}/requests/NOPE00000000"))
        .await;
    refused(
        &request,
        StatusCode::NOT_FOUND,
        "没有查询码为“NOPE00000000”的申请。",
    );
    let before = store.audit_count().await.unwrap();
    let reply = b_admin
        .post(
            &format!("/admin/agencies/{TOWN_B}/messages/NOPE00000000/reply"),
            &[("reply", "已经按您的意见更新栏目。")],
        )
        .await;
    refused(&reply, StatusCode::NOT_FOUND, "留言 NOPE00000000");
    assert_eq!(
        store.audit_count().await.unwrap(),
        before,
        "nothing changed"
    );
    // Another town's page exists, but not for this person: the same answer as for none.
    let hidden = b_admin.get(&format!("/admin/agencies/{TOWN_A}")).await;
    refused(
        &hidden,
        StatusCode::NOT_FOUND,
        &format!("没有您可以查看的机关“{TOWN_A}”"),
    );
    let none = b_admin.get("/admin/agencies/nowhere").await;
    refused(
        &none,
        StatusCode::NOT_FOUND,
        "没有您可以查看的机关“nowhere”",
    );
    let public = Client::new(&w.app).get("/agencies/nowhere/items").await;
    refused(
        &public,
        StatusCode::NOT_FOUND,
        "没有简称为“nowhere”的机关。",
    );
    // A file not under /assets/ answers the site's own page, with its header and a way on.
    let asset = Client::new(&w.app).get("/assets/nope.css").await;
    refused(&asset, StatusCode::NOT_FOUND, "跳到正文");
    assert!(asset.body.contains("href=\"/\""), "{}", asset.body);
}

async fn a_step_the_person_may_not_take_answers_403(store: &Store) {
    let w = world(store).await;
    let mut overseer = signed_in(&w, "overseer").await;
    let mut drafter = signed_in(&w, "a_staff").await;
    let mut a_admin = signed_in(&w, "a_admin").await;
    let before = store.audit_count().await.unwrap();
    // The oversight office reads 南麻镇's messages but answers none of them.
    assert_eq!(
        overseer
            .get(&format!(
                "/admin/agencies/{TOWN_B}/messages/{}",
                w.b_message
            ))
            .await
            .status,
        StatusCode::OK
    );
    let reply = overseer
        .post(
            &format!("/admin/agencies/{TOWN_B}/messages/{}/reply", w.b_message),
            &[("reply", "已经按您的意见更新栏目。")],
        )
        .await;
    refused(
        &reply,
        StatusCode::FORBIDDEN,
        "只有本机关的依申请公开经办人或机关管理员可以交办和答复留言。",
    );
    // A drafter of 西里镇 is not its administrator.
    let pattern = drafter
        .post(
            &format!("/admin/agencies/{TOWN_A}/index-pattern"),
            &[("pattern", "{code}-{year}-{serial:4}")],
        )
        .await;
    refused(
        &pattern,
        StatusCode::FORBIDDEN,
        "只有本机关的机关管理员或系统管理员可以进行此项操作。",
    );
    let users = drafter.get("/admin/users").await;
    refused(
        &users,
        StatusCode::FORBIDDEN,
        "只有系统管理员和机关管理员可以管理用户。",
    );
    // An administrator sees the accounts of the agency, but not to manage one with a role
    // elsewhere, nor their own.
    let own = w.users["a_admin"];
    let reset = a_admin
        .post(&format!("/admin/users/{own}/password"), &[])
        .await;
    refused(&reset, StatusCode::FORBIDDEN, "您不能管理这个账号");
    assert_eq!(
        store.audit_count().await.unwrap(),
        before,
        "nothing changed"
    );
}

on_both_backends!(
    the_rules_refuse_with_422_and_say_why,
    a_name_already_taken_answers_409,
    what_is_not_there_or_not_visible_answers_404,
    a_step_the_person_may_not_take_answers_403,
);

//! The case officer's queue and request page.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::{TOWN_A, new_request, signed_in, world};
use gongkai_core::Slug;
use gongkai_core::audit::Actor;
use gongkai_store::{Store, on_both_backends};

async fn a_case_officer_handles_a_request_through_the_workflow(store: &Store) {
    let w = world(store).await;
    let a = Slug::parse(TOWN_A).unwrap();
    let code = store
        .register_request(
            &a,
            &new_request("2025-02-24"),
            &Actor::system("测试"),
            w.clock_now(),
        )
        .await
        .unwrap();
    let mut officer = signed_in(&w, "a_officer").await;
    let queue = officer
        .get(&format!("/admin/agencies/{TOWN_A}/requests"))
        .await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(
        queue.body.contains(&code) && queue.body.contains("2025-03-24"),
        "due date shown: {}",
        queue.body
    );
    let uri = format!("/admin/agencies/{TOWN_A}/requests/{code}");
    let page = officer.get(&uri).await;
    assert!(
        page.body.contains("370323198001011111"),
        "the case officer sees the requester"
    );

    let step = |s: &'static str, on: &'static str| vec![("step", s), ("on", on)];
    assert_eq!(
        officer
            .post(
                &format!("{uri}/steps"),
                &step("clarification_request", "2025-02-26")
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let refused = officer
        .post(
            &format!("{uri}/steps"),
            &step("clarification_request", "2025-02-27"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("补正只能一次性告知"));
    let waiting = officer
        .get(&format!(
            "/admin/agencies/{TOWN_A}/requests?filter=clarification"
        ))
        .await;
    assert!(waiting.body.contains(&code));
    assert_eq!(
        officer
            .post(&format!("{uri}/steps"), &step("clarified", "2025-02-28"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let mut decide = step("decide", "2025-03-01");
    decide.push(("outcome", "disclosed"));
    assert_eq!(
        officer.post(&format!("{uri}/steps"), &decide).await.status,
        StatusCode::SEE_OTHER
    );
    let page = officer.get(&uri).await;
    assert!(
        page.body.contains("已答复")
            && page.body.contains("发出补正通知")
            && page.body.contains("甲经办人")
    );

    // The oversight office reads the case but not the person, and cannot act.
    let mut overseer = signed_in(&w, "overseer").await;
    let seen = overseer.get(&uri).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(!seen.body.contains("370323198001011234") && !seen.body.contains("370323198001011111"));
    assert_eq!(
        overseer
            .post(&format!("{uri}/steps"), &step("close", "2025-03-02"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A drafter of the same town cannot act either.
    let mut drafter = signed_in(&w, "a_staff").await;
    assert_eq!(
        drafter
            .post(&format!("{uri}/steps"), &step("close", "2025-03-02"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

async fn overdue_requests_are_flagged(store: &Store) {
    let w = world(store).await;
    let a = Slug::parse(TOWN_A).unwrap();
    let code = store
        .register_request(
            &a,
            &new_request("2025-02-24"),
            &Actor::system("测试"),
            w.clock_now(),
        )
        .await
        .unwrap();
    w.clock.advance(Duration::days(30));
    let mut officer = signed_in(&w, "a_officer").await;
    let overdue = officer
        .get(&format!("/admin/agencies/{TOWN_A}/requests?filter=overdue"))
        .await;
    assert!(
        overdue.body.contains(&code) && overdue.body.contains("已逾期"),
        "{}",
        overdue.body
    );
    let soon = officer
        .get(&format!(
            "/admin/agencies/{TOWN_A}/requests?filter=due_soon"
        ))
        .await;
    assert!(!soon.body.contains(&code));
}

on_both_backends!(
    a_case_officer_handles_a_request_through_the_workflow,
    overdue_requests_are_flagged
);

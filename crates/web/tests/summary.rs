//! The oversight office's summary of its member agencies.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use axum::http::StatusCode;
use common::{TOWN_A, TOWN_B, signed_in, world};
use gongkai_core::audit::Actor;
use gongkai_core::request::Decided;
use gongkai_core::{Outcome, RequestFacts, RequesterKind, Slug};
use gongkai_store::By;
use gongkai_store::{Store, on_both_backends};

async fn the_oversight_officer_sees_failing_members_and_the_consolidated_table(store: &Store) {
    let w = world(store).await;
    let now = w.clock_now();
    let xili = Slug::parse(TOWN_A).unwrap();
    let nanma = Slug::parse(TOWN_B).unwrap();
    let day = |s: &str| s.parse().unwrap();
    let req = |k, r: &str, on: &str| {
        RequestFacts::new(
            k,
            day(r),
            Some(Decided {
                on: day(on),
                outcome: Outcome::Disclosed,
            }),
        )
        .unwrap()
    };
    store
        .insert_request_facts(
            &xili,
            &[req(
                RequesterKind::NaturalPerson,
                "2024-03-01",
                "2024-03-10",
            )],
            By::new(&Actor::system("测试"), now),
        )
        .await
        .unwrap();
    store
        .insert_request_facts(
            &nanma,
            &[
                req(RequesterKind::Business, "2024-05-01", "2024-05-20"),
                req(RequesterKind::NaturalPerson, "2024-06-01", "2024-06-02"),
            ],
            By::new(&Actor::system("测试"), now),
        )
        .await
        .unwrap();
    // 南麻镇 reports a 规章 it cannot have made: an error the office must see.
    let mut t2 = gongkai_core::report::Table2::unreported();
    t2.rules.issued = Some(2);
    store
        .set_reported_table2(
            &nanma,
            2024,
            &t2,
            "县司法局通报",
            By::new(&Actor::system("测试"), now),
        )
        .await
        .unwrap();

    let mut c = signed_in(&w, "overseer").await;
    let page = c.get("/admin/agencies/yiyuan/summary/2024").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("核查未通过"));
    assert!(page.body.contains("没有规章制定权"));
    assert!(page.body.contains(common::TOWN_B_NAME));
    // The consolidated table 三 holds 3 requests received.
    let at = page.body.find(r#"<tr data-row="received">"#).unwrap();
    let row = &page.body[at..at + page.body[at..].find("</tr>").unwrap()];
    assert!(row.ends_with("<td>3</td>"), "{row}");
    let xlsx = c
        .get("/admin/agencies/yiyuan/summary/2024/summary.xlsx")
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);

    // A town's administrator cannot see the county's summary.
    let mut a_admin = signed_in(&w, "a_admin").await;
    assert_eq!(
        a_admin
            .get("/admin/agencies/yiyuan/summary/2024")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn the_dashboard_warns_of_what_an_inspection_would_mark_with_where_to_fix_it(store: &Store) {
    let w = world(store).await;
    let today = w.clock_now().date_naive();
    let b = Slug::parse(TOWN_B).unwrap();
    // 南麻镇 has a published item, no guide confirmed and no report: an inspection marks it.
    let expected = store.inspection(&b, today).await.unwrap();
    assert!(!expected.is_empty(), "the test town has something to fix");
    let mut overseer = signed_in(&w, "overseer").await;
    let county = overseer.get("/admin").await;
    assert_eq!(county.status, StatusCode::OK);
    for warning in &expected {
        let message = warning.message.replace('“', "&ldquo;");
        assert!(
            county.body.contains(&warning.message) || county.body.contains(&message),
            "the county office sees {}: {}",
            warning.message,
            county.body
        );
    }
    assert!(county.body.contains("检查预警"));
    assert!(
        county
            .body
            .contains(&format!("&#x2f;admin&#x2f;agencies&#x2f;{TOWN_B}&#x2f;"))
            || county.body.contains(&format!("/admin/agencies/{TOWN_B}/")),
        "each warning links to the place to fix it"
    );
    // A town's administrator sees their own town's warnings, not the sibling's.
    let mut a_admin = signed_in(&w, "a_admin").await;
    let own = a_admin.get("/admin").await;
    assert!(!own.body.contains(common::TOWN_B_NAME), "{}", own.body);
}

on_both_backends!(
    the_oversight_officer_sees_failing_members_and_the_consolidated_table,
    the_dashboard_warns_of_what_an_inspection_would_mark_with_where_to_fix_it
);

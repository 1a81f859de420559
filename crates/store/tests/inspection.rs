//! The dashboard's inspection warnings from the database: what an inspector would mark on a given
//! day, on both backends.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::Slug;
use gongkai_core::audit::Actor;
use gongkai_core::inspection::{Fix, Weight};
use gongkai_store::{By, Store, demo, on_both_backends};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    d(s).and_hms_opt(2, 0, 0).unwrap().and_utc()
}

async fn an_overdue_report_and_an_unconfirmed_guide_are_marked_until_fixed(store: &Store) {
    demo::load(store, at("2025-01-05")).await.unwrap();
    let town = Slug::parse(demo::TOWN_SLUG).unwrap();
    let before = store.inspection(&town, d("2025-03-10")).await.unwrap();
    assert!(
        before
            .iter()
            .any(|w| w.fix == Fix::Report { year: 2024 } && w.weight == Weight::Soon),
        "{before:?}"
    );
    // The demo town confirmed its guide; the county has not.
    assert!(!before.iter().any(|w| w.fix == Fix::Guide));
    let county = Slug::parse(demo::COUNTY_SLUG).unwrap();
    let unconfirmed = store.inspection(&county, d("2025-03-10")).await.unwrap();
    assert!(unconfirmed.iter().any(|w| w.fix == Fix::Guide));
    let late = store.inspection(&town, d("2025-04-02")).await.unwrap();
    assert!(
        late.iter()
            .any(|w| w.fix == Fix::Report { year: 2024 } && w.weight == Weight::Breach),
        "{late:?}"
    );
    // Publishing the report and saving the guide clears both.
    let admin = Actor::system("测试");
    let report = store.report_data(&town, 2024).await.unwrap().compute();
    store
        .publish_report(
            &town,
            &report,
            "",
            By::new(&admin, at("2025-03-20")),
            d("2025-03-20"),
        )
        .await
        .unwrap();
    store
        .save_guide(
            &county,
            "<p>指南</p>",
            None,
            "确认",
            By::new(&admin, at("2025-03-20")),
        )
        .await
        .unwrap();
    let after = store.inspection(&town, d("2025-04-02")).await.unwrap();
    assert!(
        !after
            .iter()
            .any(|w| matches!(w.fix, Fix::Report { .. } | Fix::Guide)),
        "{after:?}"
    );
    let after = store.inspection(&county, d("2025-04-02")).await.unwrap();
    assert!(!after.iter().any(|w| w.fix == Fix::Guide), "{after:?}");
}

on_both_backends!(an_overdue_report_and_an_unconfirmed_guide_are_marked_until_fixed);

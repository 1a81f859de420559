//! Requests through the workflow, stored, on both backends.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::audit::Actor;
use gongkai_core::report::{Table3Col, Table3Row};
use gongkai_core::workflow::{Event, Status};
use gongkai_core::{Outcome, RequesterKind, Slug};
use gongkai_store::{
    AuditFilter, NewRequest, Requester, Store, StoreError, demo, on_both_backends,
};

fn now() -> DateTime<Utc> {
    "2025-03-20T02:00:00Z".parse().unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn town() -> Slug {
    Slug::parse(demo::TOWN_SLUG).unwrap()
}

fn officer() -> Actor {
    Actor::user(7, "经办人", "jingban")
}

fn request(received: &str) -> NewRequest {
    NewRequest {
        kind: RequesterKind::NaturalPerson,
        received_on: d(received),
        channel: "当面".into(),
        description: "2024年西里镇耕地地力保护补贴发放名单".into(),
        delivery: "电子邮件".into(),
        requester: Requester {
            name: "王秘密".into(),
            id_document: "370323199001011234".into(),
            contact: "13800000000".into(),
            address: "西里镇某村".into(),
        },
    }
}

async fn a_request_moves_through_the_workflow_into_table_three(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let code = store
        .register_request(&town(), &request("2025-03-03"), &officer(), now())
        .await
        .unwrap();
    assert_eq!(code.len(), 12);
    let state = store.request_state(&town(), &code).await.unwrap().unwrap();
    assert_eq!(state.status, Status::Received);
    for e in [
        Event::RequestClarification {
            on: d("2025-03-05"),
        },
        Event::Clarified {
            on: d("2025-03-20"),
        },
        Event::Decide {
            on: d("2025-04-10"),
            outcome: Outcome::PartlyDisclosed,
        },
        Event::Close {
            on: d("2025-04-11"),
        },
    ] {
        store
            .apply_request_event(&town(), &code, &e, &officer(), now())
            .await
            .unwrap();
    }
    let (report, findings) = store
        .checked_report(&town(), 2025, d("2026-03-01"))
        .await
        .unwrap();
    assert!(findings.is_empty(), "{findings:#?}");
    let cell = |row| {
        report
            .table3
            .get(row, Table3Col::Requester(RequesterKind::NaturalPerson))
    };
    assert_eq!(cell(Table3Row::Received), Some(1));
    assert_eq!(cell(Table3Row::Outcome(Outcome::PartlyDisclosed)), Some(1));

    // Personal data stays with the case: not in the audit trail, not in the report.
    let audit = store
        .audit_records(&AuditFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(audit.iter().any(|r| r.action == "request.decide"));
    assert!(
        audit
            .iter()
            .all(|r| !r.summary.contains("王秘密") && !r.summary.contains("370323199001011234"))
    );
    assert!(!serde_json::to_string(&report).unwrap().contains("王秘密"));
    assert_eq!(
        store.requester(&town(), &code).await.unwrap().unwrap().name,
        "王秘密"
    );
    assert_eq!(
        store.audit_verify().await.unwrap(),
        Ok(store.audit_count().await.unwrap())
    );
}

async fn a_refused_step_changes_nothing(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let code = store
        .register_request(&town(), &request("2025-03-03"), &officer(), now())
        .await
        .unwrap();
    let before = (
        store.request_state(&town(), &code).await.unwrap(),
        store.audit_count().await.unwrap(),
    );
    let refused = [
        Event::Close {
            on: d("2025-03-10"),
        },
        Event::Clarified {
            on: d("2025-03-10"),
        },
        Event::Decide {
            on: d("2025-03-01"),
            outcome: Outcome::Disclosed,
        },
        Event::Decide {
            on: d("2025-03-10"),
            outcome: Outcome::UnavailableStillUnclear,
        },
    ];
    for e in &refused {
        let err = store
            .apply_request_event(&town(), &code, e, &officer(), now())
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    }
    let after = (
        store.request_state(&town(), &code).await.unwrap(),
        store.audit_count().await.unwrap(),
    );
    assert_eq!(before, after);
    let missing = store
        .apply_request_event(
            &town(),
            "NOSUCHCODE00",
            &Event::Accept {
                on: d("2025-03-04"),
            },
            &officer(),
            now(),
        )
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound(_))));
}

on_both_backends!(
    a_request_moves_through_the_workflow_into_table_three,
    a_refused_step_changes_nothing
);

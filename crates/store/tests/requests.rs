//! Requests through the workflow, stored, on both backends.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

use std::sync::LazyLock;

use chrono::{DateTime, Days, NaiveDate, Utc};
use gongkai_core::audit::Actor;
use gongkai_core::calendar::Calendar;
use gongkai_core::deadline::{Periods, Rules};
use gongkai_core::fee::Charge;
use gongkai_core::letter::{LetterKind, LetterSettings};
use gongkai_core::report::{Table3Col, Table3Row};
use gongkai_core::workflow::{Event, Status};
use gongkai_core::{
    Agency, AgencyKind, CaseKind, CaseResult, Channel, CreditCode, DecisionDetails, Outcome,
    OutcomeGroup, RequesterKind, Slug,
};
use gongkai_store::By;
use gongkai_store::{
    AuditFilter, NewCase, NewRequest, Requester, Store, StoreError, demo, on_both_backends,
};

static CALENDAR: LazyLock<Calendar> = LazyLock::new(Calendar::built_in);

fn rules() -> Rules<'static> {
    Rules {
        calendar: &CALENDAR,
        periods: Periods::default(),
    }
}

fn details() -> DecisionDetails {
    DecisionDetails {
        reasons: "所申请信息属于该情形，理由见正文".into(),
        provided: "现通过电子邮件提供".into(),
        withheld: "涉及个人隐私的身份证号码，依据第十五条不予公开".into(),
        // 其他处理 must name the rule it rests on; the other outcomes may cite it too.
        other_basis: "《中华人民共和国档案法》第二十八条".into(),
        ..DecisionDetails::default()
    }
}

fn decide(on: &str, outcome: Outcome) -> Event {
    Event::Decide {
        on: d(on),
        outcome,
        details: details(),
    }
}

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
        channel: Channel::Counter,
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
        .register_request(
            &town(),
            &request("2025-03-03"),
            By::new(&officer(), now()),
            rules(),
        )
        .await
        .unwrap();
    assert_eq!(code.len(), 12);
    let state = store.request_state(&town(), &code).await.unwrap().unwrap();
    assert_eq!(state.status, Status::Received);
    for e in [
        Event::RequestClarification {
            on: d("2025-03-05"),
            items: "请写明补贴年度".into(),
        },
        Event::Clarified {
            on: d("2025-03-20"),
        },
        decide("2025-04-10", Outcome::PartlyDisclosed),
        Event::Close {
            on: d("2025-04-11"),
        },
    ] {
        store
            .apply_request_event(&town(), &code, &e, By::new(&officer(), now()), rules())
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
        store.audit_verify(&[]).await.unwrap(),
        Ok(store.audit_count().await.unwrap())
    );
}

async fn a_refused_step_changes_nothing(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let code = store
        .register_request(
            &town(),
            &request("2025-03-03"),
            By::new(&officer(), now()),
            rules(),
        )
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
        decide("2025-03-01", Outcome::Disclosed),
        decide("2025-03-10", Outcome::UnavailableStillUnclear),
        Event::Decide {
            on: d("2025-03-10"),
            outcome: Outcome::WithheldThirdParty,
            details: DecisionDetails::default(),
        },
    ];
    for e in &refused {
        let err = store
            .apply_request_event(&town(), &code, e, By::new(&officer(), now()), rules())
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Rejected(_)), "{err}");
    }
    let after = (
        store.request_state(&town(), &code).await.unwrap(),
        store.audit_count().await.unwrap(),
    );
    assert_eq!(before, after);
    assert_eq!(
        store.letters_of(&town(), &code).await.unwrap().len(),
        1,
        "only the receipt: refused steps issue nothing"
    );
    let missing = store
        .apply_request_event(
            &town(),
            "NOSUCHCODE00",
            &Event::Accept {
                on: d("2025-03-04"),
            },
            By::new(&officer(), now()),
            rules(),
        )
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound(_))));
}

async fn step(store: &Store, slug: &Slug, code: &str, e: Event) {
    store
        .apply_request_event(slug, code, &e, By::new(&officer(), now()), rules())
        .await
        .unwrap_or_else(|err| panic!("{e:?}: {err}"));
}

async fn register(
    store: &Store,
    slug: &Slug,
    kind: RequesterKind,
    received: NaiveDate,
    id: &str,
) -> String {
    let mut new = request("2025-01-01");
    new.kind = kind;
    new.received_on = received;
    new.requester.id_document = id.to_owned();
    new.requester.contact = "wang@example.com".into();
    store
        .register_request(slug, &new, By::new(&officer(), now()), rules())
        .await
        .unwrap()
}

fn plus(date: &str, days: u64) -> NaiveDate {
    d(date).checked_add_days(Days::new(days)).unwrap()
}

/// A scripted year of 60 requests through the workflow — every outcome by its own path (补正 that
/// lapses, a fee that is not paid, 补正 that stays unclear, consultation and extension), carry-over
/// into and out of the year, and three cases — against figures counted by hand.
async fn a_scripted_year_gives_the_hand_counted_tables(store: &Store) {
    use RequesterKind as K;
    demo::load(store, now()).await.unwrap();
    let first17 = "11370323004345999";
    let credit = format!("{first17}{}", CreditCode::check_char(first17).unwrap());
    let slug = Slug::parse("yiyuan-test").unwrap();
    let agency = Agency::new(
        slug.clone(),
        "沂源县试验镇人民政府",
        CreditCode::parse(&credit).unwrap(),
        AgencyKind::Town,
        Some(Slug::parse(demo::COUNTY_SLUG).unwrap()),
    )
    .unwrap();
    store
        .insert_agency(&agency, By::new(&officer(), now()))
        .await
        .unwrap();

    // Received in December 2024, decided in January 2025: carried into 2025.
    for day in ["2024-12-20", "2024-12-23", "2024-12-24"] {
        let code = register(store, &slug, K::NaturalPerson, d(day), "370323199001010001").await;
        step(
            store,
            &slug,
            &code,
            decide("2025-01-10", Outcome::Disclosed),
        )
        .await;
    }
    // One natural-person request for every outcome, each by the path that outcome needs.
    for (i, outcome) in Outcome::ALL.into_iter().enumerate() {
        let received = plus("2025-03-03", 7 * i as u64);
        let on = |n: u64| received.checked_add_days(Days::new(n)).unwrap();
        let code = register(
            store,
            &slug,
            K::NaturalPerson,
            received,
            &format!("3703231990010{:05}", i + 100),
        )
        .await;
        match outcome {
            Outcome::OtherNoClarification => {
                step(
                    store,
                    &slug,
                    &code,
                    Event::RequestClarification {
                        on: on(1),
                        items: String::new(),
                    },
                )
                .await;
                step(
                    store,
                    &slug,
                    &code,
                    Event::ClarificationLapsed { on: on(40) },
                )
                .await;
            }
            Outcome::OtherFeeUnpaid => {
                step(
                    store,
                    &slug,
                    &code,
                    Event::NotifyFee {
                        on: on(1),
                        charge: Charge::PerPage { pages: 120 },
                    },
                )
                .await;
                step(store, &slug, &code, Event::FeeLapsed { on: on(45) }).await;
            }
            Outcome::UnavailableStillUnclear => {
                step(
                    store,
                    &slug,
                    &code,
                    Event::RequestClarification {
                        on: on(1),
                        items: "请写明文件名称".into(),
                    },
                )
                .await;
                step(store, &slug, &code, Event::Clarified { on: on(5) }).await;
                step(
                    store,
                    &slug,
                    &code,
                    Event::Decide {
                        on: on(12),
                        outcome,
                        details: details(),
                    },
                )
                .await;
            }
            _ => {
                step(store, &slug, &code, Event::Accept { on: on(1) }).await;
                step(
                    store,
                    &slug,
                    &code,
                    Event::Decide {
                        on: on(10),
                        outcome,
                        details: details(),
                    },
                )
                .await;
            }
        }
        let letters = store.letters_of(&slug, &code).await.unwrap();
        assert_eq!(letters.first().map(|l| l.kind), Some(LetterKind::Receipt));
        assert_eq!(
            letters.last().map(|l| l.kind),
            Some(LetterKind::Decision),
            "{outcome:?}"
        );
    }
    // A request with a consultation, an extension and a partial disclosure.
    let code = register(
        store,
        &slug,
        K::NaturalPerson,
        d("2025-06-02"),
        "370323199001010002",
    )
    .await;
    step(
        store,
        &slug,
        &code,
        Event::StartConsultation {
            on: d("2025-06-05"),
        },
    )
    .await;
    step(
        store,
        &slug,
        &code,
        Event::EndConsultation {
            on: d("2025-06-20"),
        },
    )
    .await;
    step(
        store,
        &slug,
        &code,
        Event::Extend {
            on: d("2025-06-25"),
            approved_by: "党政办主任".into(),
            reason: "需要检索多年档案".into(),
        },
    )
    .await;
    step(
        store,
        &slug,
        &code,
        decide("2025-07-20", Outcome::PartlyDisclosed),
    )
    .await;
    let kinds: Vec<LetterKind> = store
        .letters_of(&slug, &code)
        .await
        .unwrap()
        .iter()
        .map(|l| l.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            LetterKind::Receipt,
            LetterKind::Consultation,
            LetterKind::Extension,
            LetterKind::Decision
        ]
    );
    let reconsidered = code.clone();
    // Organisations.
    for (kind, n, outcome, id) in [
        (K::Business, 20, Outcome::Disclosed, "91370323MA3C000001"),
        (
            K::Research,
            5,
            Outcome::WithheldProcessInfo,
            "12370323MB2800001X",
        ),
        (
            K::LegalService,
            4,
            Outcome::UnavailableNotHeld,
            "31370000MD0000001Y",
        ),
        (
            K::NonProfit,
            2,
            Outcome::NotProcessedRepeated,
            "53370323MJ0000001Q",
        ),
    ] {
        for i in 0..n {
            let received = plus("2025-02-03", 3 * i);
            let code = register(store, &slug, kind, received, id).await;
            step(
                store,
                &slug,
                &code,
                Event::Decide {
                    on: received.checked_add_days(Days::new(14)).unwrap(),
                    outcome,
                    details: details(),
                },
            )
            .await;
        }
    }
    // Open at the end of the year: carried into 2026.
    for (kind, day) in [
        (K::OtherOrg, "2025-12-20"),
        (K::OtherOrg, "2025-12-22"),
        (K::NaturalPerson, "2025-12-22"),
        (K::NaturalPerson, "2025-12-29"),
    ] {
        register(store, &slug, kind, d(day), "370323199001010003").await;
    }
    // Cases: one reconsideration upheld, one pending, one direct suit corrected.
    let actor = officer();
    store
        .record_request_case(
            &slug,
            &reconsidered,
            &NewCase {
                kind: CaseKind::Reconsideration,
                filed_on: d("2025-08-01"),
                note: "沂政复〔2025〕1号".into(),
            },
            By::new(&actor, now()),
        )
        .await
        .unwrap();
    store
        .record_request_case(
            &slug,
            &reconsidered,
            &NewCase {
                kind: CaseKind::Reconsideration,
                filed_on: d("2025-11-03"),
                note: "沂政复〔2025〕9号".into(),
            },
            By::new(&actor, now()),
        )
        .await
        .unwrap();
    store
        .record_request_case(
            &slug,
            &reconsidered,
            &NewCase {
                kind: CaseKind::LitigationDirect,
                filed_on: d("2025-08-15"),
                note: "（2025）鲁0323行初5号".into(),
            },
            By::new(&actor, now()),
        )
        .await
        .unwrap();
    let cases = store.request_cases(&slug, &reconsidered).await.unwrap();
    store
        .conclude_case(
            &slug,
            cases[0].id,
            d("2025-09-20"),
            CaseResult::Upheld,
            By::new(&actor, now()),
        )
        .await
        .unwrap();
    store
        .conclude_case(
            &slug,
            cases[2].id,
            d("2025-12-01"),
            CaseResult::Corrected,
            By::new(&actor, now()),
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .conclude_case(
                &slug,
                cases[0].id,
                d("2025-09-21"),
                CaseResult::Other,
                By::new(&actor, now())
            )
            .await,
        Err(StoreError::Rejected(_))
    ));

    let (report, findings) = store
        .checked_report(&slug, 2025, d("2026-03-01"))
        .await
        .unwrap();
    assert!(findings.is_empty(), "{findings:#?}");
    let t = &report.table3;
    let col = |k| Table3Col::Requester(k);
    let row = |r: Table3Row| Table3Col::ALL.map(|c| t.get(r, c).unwrap());
    //                                              自然人 商业 科研 公益 法律 其他 总计
    assert_eq!(row(Table3Row::Received), [24, 20, 5, 2, 4, 2, 57]);
    assert_eq!(row(Table3Row::CarriedIn), [3, 0, 0, 0, 0, 0, 3]);
    assert_eq!(
        row(Table3Row::Outcome(Outcome::Disclosed)),
        [4, 20, 0, 0, 0, 0, 24]
    );
    assert_eq!(
        row(Table3Row::Outcome(Outcome::PartlyDisclosed)),
        [2, 0, 0, 0, 0, 0, 2]
    );
    assert_eq!(
        row(Table3Row::Outcome(Outcome::WithheldProcessInfo)),
        [1, 0, 5, 0, 0, 0, 6]
    );
    assert_eq!(
        row(Table3Row::Outcome(Outcome::UnavailableNotHeld)),
        [1, 0, 0, 0, 4, 0, 5]
    );
    assert_eq!(
        row(Table3Row::Outcome(Outcome::NotProcessedRepeated)),
        [1, 0, 0, 2, 0, 0, 3]
    );
    assert_eq!(row(Table3Row::Total), [25, 20, 5, 2, 4, 0, 56]);
    assert_eq!(row(Table3Row::CarriedOut), [2, 0, 0, 0, 0, 2, 4]);
    for o in Outcome::ALL {
        if !matches!(
            o,
            Outcome::Disclosed
                | Outcome::PartlyDisclosed
                | Outcome::WithheldProcessInfo
                | Outcome::UnavailableNotHeld
                | Outcome::NotProcessedRepeated
        ) {
            assert_eq!(
                t.get(Table3Row::Outcome(o), col(K::NaturalPerson)),
                Some(1),
                "{o:?}"
            );
            assert_eq!(
                t.get(Table3Row::Outcome(o), Table3Col::Total),
                Some(1),
                "{o:?}"
            );
        }
    }
    let r4 = &report.table4.reconsideration;
    assert_eq!(
        [r4.upheld, r4.corrected, r4.other, r4.pending, r4.total],
        [Some(1), Some(0), Some(0), Some(1), Some(2)]
    );
    let l4 = &report.table4.litigation_direct;
    assert_eq!(
        [l4.upheld, l4.corrected, l4.pending, l4.total],
        [Some(0), Some(1), Some(0), Some(1)]
    );
    // 2024 carried out what 2025 carried in.
    let (r2024, _) = store
        .checked_report(&slug, 2024, d("2025-03-01"))
        .await
        .unwrap();
    assert_eq!(
        r2024.table3.get(Table3Row::CarriedOut, Table3Col::Total),
        Some(3)
    );
    let _ = OutcomeGroup::ALL;
    // Every step went out by e-mail too (receipt, notices, decisions), waiting in the outbox.
    let mails = store.mail_to("wang@example.com").await.unwrap();
    assert!(mails.len() > 120, "{}", mails.len());
    assert_eq!(
        store.audit_verify(&[]).await.unwrap(),
        Ok(store.audit_count().await.unwrap())
    );
}

/// 按件计收 counts the same requester's requests in the natural month of receipt.
async fn the_nth_request_in_a_month_counts_one_requester_in_one_month(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let mut codes = Vec::new();
    for i in 0..12 {
        let received = plus("2025-03-03", i);
        codes.push(
            register(
                store,
                &town(),
                RequesterKind::NaturalPerson,
                received,
                "37032319900101123X",
            )
            .await,
        );
    }
    let other = register(
        store,
        &town(),
        RequesterKind::NaturalPerson,
        d("2025-03-20"),
        "370323199001015555",
    )
    .await;
    let april = register(
        store,
        &town(),
        RequesterKind::NaturalPerson,
        d("2025-04-01"),
        "37032319900101123x",
    )
    .await;
    assert_eq!(
        store
            .nth_request_in_month(&town(), &codes[11])
            .await
            .unwrap(),
        12
    );
    assert_eq!(
        store
            .nth_request_in_month(&town(), &codes[0])
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store.nth_request_in_month(&town(), &other).await.unwrap(),
        1
    );
    assert_eq!(
        store.nth_request_in_month(&town(), &april).await.unwrap(),
        1,
        "a new month starts again"
    );
    let nth = store
        .nth_request_in_month(&town(), &codes[11])
        .await
        .unwrap();
    step(
        store,
        &town(),
        &codes[11],
        Event::NotifyFee {
            on: d("2025-03-17"),
            charge: Charge::PerRequest { nth_in_month: nth },
        },
    )
    .await;
    let letters = store.letters_of(&town(), &codes[11]).await.unwrap();
    let fee = store
        .letter(&town(), &codes[11], letters[1].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fee.kind, LetterKind::FeeNotice);
    assert!(
        fee.paragraphs.join("").contains("当月第12件，收费100元"),
        "{:?}",
        fee.paragraphs
    );
    step(
        store,
        &town(),
        &codes[11],
        Event::FeePaid {
            on: d("2025-03-20"),
        },
    )
    .await;
    assert_eq!(
        store
            .request_state(&town(), &codes[11])
            .await
            .unwrap()
            .unwrap()
            .status,
        Status::InProgress
    );
}

/// A decision letter needs a 复议机关: an agency without a parent and without settings cannot
/// decide (nothing is written) until the county sets one.
async fn a_decision_fails_closed_without_a_reconsideration_body(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let county = Slug::parse(demo::COUNTY_SLUG).unwrap();
    let code = register(
        store,
        &county,
        RequesterKind::Business,
        d("2025-03-03"),
        "91370323MA3C000001",
    )
    .await;
    let before = store.audit_count().await.unwrap();
    let err = store
        .apply_request_event(
            &county,
            &code,
            &decide("2025-03-10", Outcome::Disclosed),
            By::new(&officer(), now()),
            rules(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("复议机关"), "{err}");
    assert_eq!(store.audit_count().await.unwrap(), before);
    assert_eq!(
        store
            .request_state(&county, &code)
            .await
            .unwrap()
            .unwrap()
            .status,
        Status::Received
    );
    let settings = LetterSettings {
        reconsideration_body: "淄博市人民政府".into(),
        ..LetterSettings::default()
    };
    store
        .set_letter_settings(&county, &settings, By::new(&officer(), now()))
        .await
        .unwrap();
    step(
        store,
        &county,
        &code,
        decide("2025-03-10", Outcome::Disclosed),
    )
    .await;
    let letters = store.letters_of(&county, &code).await.unwrap();
    let letter = store
        .letter(&county, &code, letters[1].id)
        .await
        .unwrap()
        .unwrap();
    assert!(letter.remedies.unwrap().contains("淄博市人民政府"));
    assert_eq!(letter.addressee, "王秘密");
    assert!(
        letter.number.starts_with("沂源县依申公〔2025〕"),
        "{}",
        letter.number
    );
    // The town inherits the county's settings; its 复议机关 there is the configured one.
    assert_eq!(store.letter_settings(&town()).await.unwrap(), settings);
}

/// Registrations at the same moment never draw the same letter number (nor fail on it).
async fn concurrent_registrations_get_distinct_letter_numbers(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut new = request("2025-03-03");
                new.description = format!("第{i}号申请");
                store
                    .register_request(&town(), &new, By::new(&officer(), now()), rules())
                    .await
            })
        })
        .collect();
    let mut numbers = std::collections::BTreeSet::new();
    for t in tasks {
        let code = t.await.unwrap().unwrap();
        for l in store.letters_of(&town(), &code).await.unwrap() {
            assert!(numbers.insert(l.number.clone()), "{} twice", l.number);
        }
    }
    assert_eq!(numbers.len(), 16);
}

on_both_backends!(
    concurrent_registrations_get_distinct_letter_numbers,
    a_request_moves_through_the_workflow_into_table_three,
    a_refused_step_changes_nothing,
    a_scripted_year_gives_the_hand_counted_tables,
    the_nth_request_in_a_month_counts_one_requester_in_one_month,
    a_decision_fails_closed_without_a_reconsideration_body
);

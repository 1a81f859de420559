//! Store behaviour on both backends: demo loading, golden reports (byte-identical on SQLite and
//! PostgreSQL), facts read back equal facts written, and bad input changing nothing.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::audit::Actor;
use gongkai_core::report::{CheckContext, Table3Col, Table3Row, check};
use gongkai_core::request::Decided;
use gongkai_core::{
    Agency, AgencyKind, CaseFacts, CaseKind, CaseResult, CreditCode, Outcome, RequestFacts,
    RequesterKind, Slug,
};
use gongkai_store::By;
use gongkai_store::{NewItem, Store, StoreError, demo, on_both_backends};
use proptest::prelude::*;
use proptest::strategy::ValueTree;

fn now() -> DateTime<Utc> {
    "2025-01-15T02:00:00Z".parse().unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn tester() -> Actor {
    Actor::system("测试")
}

fn town() -> Slug {
    Slug::parse(demo::TOWN_SLUG).unwrap()
}

async fn demo_loads_once_and_twice_changes_nothing(store: &Store) {
    let first = demo::load(store, now()).await.unwrap();
    assert_eq!(
        (first.agencies, first.items),
        (2, demo::ITEMS.len() + demo::RULES.len())
    );
    let second = demo::load(store, now()).await.unwrap();
    assert_eq!((second.agencies, second.items), (0, 0));
    let agencies = store.list_agencies().await.unwrap();
    assert_eq!(agencies.len(), 2);
    assert_eq!(
        agencies[1].parent.as_ref().map(Slug::as_str),
        Some(demo::COUNTY_SLUG)
    );
    // The catalogue's ten columns, and the 政府信息公开制度 column beside them.
    let categories = store.categories(&town()).await.unwrap();
    assert_eq!(categories.len(), demo::CATEGORIES.len() + 1);
    assert_eq!(
        categories.last().map(String::as_str),
        Some(gongkai_core::catalogue::RULES_COLUMN)
    );
}

async fn demo_report_matches_the_seed(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let (report, findings) = store
        .checked_report(&town(), 2024, d("2025-03-01"))
        .await
        .unwrap();
    assert!(findings.is_empty(), "{findings:#?}");
    assert_eq!(report.proactive.total, 20);
    let split: Vec<(&str, i64)> = report
        .proactive
        .by_category
        .iter()
        .map(|c| (c.category.as_str(), c.count))
        .collect();
    assert_eq!(
        split,
        [
            ("重点民生", 4),
            ("政府会议", 4),
            ("乡村振兴", 3),
            ("法治建设专栏", 2),
            ("政府预决算", 2),
            ("信息公开年度报告", 1),
            ("文稿解读", 1),
            ("政务公开培训", 1),
            ("规划计划", 1),
            ("社会公益", 1),
        ]
    );
    assert!(report.table3.iter().all(|(_, _, v)| v == Some(0)));
    assert!(report.sections.proactive.contains(
        "累计主动公开政府信息20条，其中，重点民生4条，政府会议4条，乡村振兴3条，法治建设专栏2条，政府预决算2条，信息公开年度报告1条，文稿解读1条，政务公开培训1条，规划计划1条，社会公益1条。"
    ));
    // The same bytes on both backends: one snapshot per format, asserted by both tests.
    insta::assert_snapshot!("demo_2024_md", gongkai_docs::markdown(&report).unwrap());
    insta::assert_snapshot!("demo_2024_html", gongkai_docs::html_page(&report).unwrap());
    insta::assert_snapshot!(
        "demo_2024_json",
        gongkai_docs::json(&report, &findings).unwrap()
    );
    // Binary formats: their readable content, so a change shows up as a reviewable diff.
    let docx = gongkai_docs::docx(&report).unwrap();
    insta::assert_snapshot!(
        "demo_2024_docx_text",
        gongkai_docs::parse::docx_to_text(&docx).unwrap()
    );
    let xlsx = gongkai_docs::xlsx(&report).unwrap();
    insta::assert_snapshot!("demo_2024_xlsx_cells", xlsx_cells(&xlsx));
}

/// Every sheet's cells, one row per line, cells separated by " | ".
fn xlsx_cells(bytes: &[u8]) -> String {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut out = String::new();
    for name in book.sheet_names() {
        out.push_str("== ");
        out.push_str(&name);
        out.push('\n');
        for row in book.worksheet_range(&name).unwrap().rows() {
            let cells: Vec<String> = row.iter().map(ToString::to_string).collect();
            out.push_str(&cells.join(" | "));
            out.push('\n');
        }
    }
    out
}

async fn report_years_run_from_the_first_record_to_last_year(store: &Store) {
    demo::load(store, now()).await.unwrap();
    assert_eq!(
        store.report_years(&town(), d("2026-11-27")).await.unwrap(),
        [2025, 2024]
    );
    let county = Slug::parse(demo::COUNTY_SLUG).unwrap();
    assert!(
        store
            .report_years(&county, d("2026-11-27"))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn bad_input_is_refused_and_changes_nothing(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let item = NewItem {
        title: "无栏目".to_owned(),
        category: "不存在的栏目".to_owned(),
        published_on: d("2024-05-05"),
        index_no: None,
        content: None,
    };
    let err = store
        .insert_item(&town(), &item, By::new(&tester(), now()))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Rejected(_)), "{err}");
    let (report, _) = store
        .checked_report(&town(), 2024, d("2025-03-01"))
        .await
        .unwrap();
    assert_eq!(report.proactive.total, 20);

    let dup = Agency::new(
        town(),
        "重复",
        CreditCode::parse("11370323004345133C").unwrap(),
        AgencyKind::Town,
        None,
    )
    .unwrap();
    assert!(matches!(
        store.insert_agency(&dup, By::new(&tester(), now())).await,
        Err(StoreError::Conflict(_))
    ));
    let missing = Slug::parse("no-such-agency").unwrap();
    assert!(matches!(
        store.report_data(&missing, 2024).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn requests_and_cases_are_counted_from_the_database(store: &Store) {
    use RequesterKind as K;
    demo::load(store, now()).await.unwrap();
    let req = |k, r: &str, dec: Option<(&str, Outcome)>| {
        RequestFacts::new(
            k,
            d(r),
            dec.map(|(on, outcome)| Decided { on: d(on), outcome }),
        )
        .unwrap()
    };
    let requests = vec![
        req(
            K::NaturalPerson,
            "2023-12-28",
            Some(("2024-01-20", Outcome::Disclosed)),
        ),
        req(
            K::Business,
            "2024-03-01",
            Some(("2024-03-21", Outcome::WithheldThirdParty)),
        ),
        req(K::Research, "2024-12-30", None),
        req(
            K::NaturalPerson,
            "2024-12-30",
            Some(("2025-01-10", Outcome::NotProcessedRepeated)),
        ),
        req(
            K::NaturalPerson,
            "2022-05-01",
            Some(("2022-05-02", Outcome::Disclosed)),
        ),
    ];
    store
        .insert_request_facts(&town(), &requests, By::new(&tester(), now()))
        .await
        .unwrap();
    let case = CaseFacts::new(
        CaseKind::Reconsideration,
        d("2024-05-01"),
        Some((d("2024-07-01"), CaseResult::Corrected)),
    )
    .unwrap();
    store
        .insert_case(&town(), &case, By::new(&tester(), now()))
        .await
        .unwrap();

    let (r, findings) = store
        .checked_report(&town(), 2024, d("2025-03-01"))
        .await
        .unwrap();
    assert!(findings.is_empty(), "{findings:#?}");
    let t = |row, col| r.table3.get(row, col).unwrap();
    assert_eq!(t(Table3Row::Received, Table3Col::Total), 3);
    assert_eq!(t(Table3Row::CarriedIn, Table3Col::Total), 1);
    assert_eq!(t(Table3Row::Total, Table3Col::Total), 2);
    assert_eq!(t(Table3Row::CarriedOut, Table3Col::Total), 2);
    assert_eq!(
        t(
            Table3Row::Outcome(Outcome::WithheldThirdParty),
            Table3Col::Requester(K::Business)
        ),
        1
    );
    assert_eq!(r.table4.reconsideration.corrected, Some(1));
    assert!(
        r.sections.on_request.contains("行政复议1件"),
        "{}",
        r.sections.on_request
    );

    let (next, findings) = store
        .checked_report(&town(), 2025, d("2026-03-01"))
        .await
        .unwrap();
    assert!(findings.is_empty(), "{findings:#?}");
    assert_eq!(
        next.table3.get(Table3Row::CarriedIn, Table3Col::Total),
        Some(2)
    );
}

async fn random_histories_pass_every_check_when_read_back(store: &Store) {
    // A handful of random histories per backend: written, read back, computed, checked.
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(6));
    let strategy = prop::collection::vec(
        (
            0usize..6,
            0i64..(4 * 365),
            prop::option::weighted(0.8, (0i64..200, 0usize..21)),
        ),
        0..120,
    );
    let histories: Vec<_> = (0..6)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect();
    demo::load(store, now()).await.unwrap();
    for (i, history) in histories.into_iter().enumerate() {
        let slug = Slug::parse(&format!("town-{i}")).unwrap();
        let code = format!("1137032300999{i:04}");
        let code = format!("{code}{}", CreditCode::check_char(&code).unwrap());
        let agency = Agency::new(
            slug.clone(),
            "随机镇",
            CreditCode::parse(&code).unwrap(),
            AgencyKind::Town,
            None,
        )
        .unwrap();
        store
            .insert_agency(&agency, By::new(&tester(), now()))
            .await
            .unwrap();
        let requests: Vec<RequestFacts> = history
            .into_iter()
            .map(|(k, received, decided)| {
                let received_on = d("2021-01-01") + chrono::Duration::days(received);
                let decided = decided.map(|(after, o)| Decided {
                    on: received_on + chrono::Duration::days(after),
                    outcome: Outcome::ALL[o],
                });
                RequestFacts::new(RequesterKind::ALL[k], received_on, decided).unwrap()
            })
            .collect();
        store
            .insert_request_facts(&slug, &requests, By::new(&tester(), now()))
            .await
            .unwrap();
        let mut previous = None;
        for year in 2021..=2025 {
            let report = store.report_data(&slug, year).await.unwrap().compute();
            let ctx = CheckContext {
                agency_kind: Some(AgencyKind::Town),
                previous: previous.as_ref(),
                today: Some(d("2026-11-27")),
                fee_plausible_max: None,
            };
            let findings = check(&report, &ctx);
            assert!(findings.is_empty(), "{year}: {findings:#?}");
            previous = Some(report);
        }
    }
}

async fn backup_copies_a_live_database(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backup.db");
    match store.pool() {
        gongkai_store::Pool::Sqlite(_) => {
            store.backup(&path).await.unwrap();
            let copy = Store::connect(&format!("sqlite://{}", path.display()))
                .await
                .unwrap();
            let (r, _) = copy
                .checked_report(&town(), 2024, d("2025-03-01"))
                .await
                .unwrap();
            assert_eq!(r.proactive.total, 20);
            // A second backup to the same path is refused rather than overwriting.
            assert!(store.backup(&path).await.is_err());
        }
        gongkai_store::Pool::Postgres(_) => assert!(matches!(
            store.backup(&path).await,
            Err(StoreError::Rejected(_))
        )),
    }
}

async fn the_public_sees_the_published_version(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let today = d("2025-03-01");
    // Before publication the public gets nothing, and staff a preview from the records.
    assert!(
        store
            .public_report(&town(), 2024, false)
            .await
            .unwrap()
            .is_none()
    );
    let preview = store
        .public_report(&town(), 2024, true)
        .await
        .unwrap()
        .unwrap();
    assert!(preview.is_preview() && preview.publications().is_empty());
    assert_eq!(preview.report().proactive.total, 20);
    let (report, _) = store.checked_report(&town(), 2024, today).await.unwrap();
    store
        .publish_report(&town(), &report, "", By::new(&tester(), now()), today)
        .await
        .unwrap();
    // A record of the year entered after publication changes the live figures only.
    let category = store.categories(&town()).await.unwrap().remove(0);
    let late = NewItem {
        title: "补录的信息".to_owned(),
        category,
        published_on: d("2024-06-01"),
        index_no: None,
        content: None,
    };
    store
        .insert_item(&town(), &late, By::new(&tester(), now()))
        .await
        .unwrap();
    let (live, _) = store.checked_report(&town(), 2024, today).await.unwrap();
    assert_eq!(live.proactive.total, 21);
    let public = store
        .public_report(&town(), 2024, false)
        .await
        .unwrap()
        .unwrap();
    assert!(!public.is_preview());
    assert_eq!(public.publications().len(), 1);
    assert_eq!(public.report().proactive.total, 20);
    // Next year's carry-over is checked against what was published.
    let previous = store.previous_report(&town(), 2024).await.unwrap();
    assert_eq!(previous.proactive.total, 20);
}

/// Table 二's stock of 规章 and 规范性文件 comes from their kind and validity, earlier years'
/// included: the only items whose content a report reads (the others' was 38 MB read for
/// nothing at 100,000 items).
async fn table_two_reads_the_validity_of_rules_and_normative_documents(store: &Store) {
    use gongkai_core::item::{DocKind, ItemContent, Validity};
    demo::load(store, now()).await.unwrap();
    let category = store.categories(&town()).await.unwrap().remove(0);
    let stock = |r: &gongkai_core::report::AnnualReport| {
        let n = |s: gongkai_core::report::Stock| {
            [s.issued, s.repealed, s.in_force].map(|c| c.unwrap_or(0))
        };
        (n(r.table2.rules), n(r.table2.normative_documents))
    };
    let before = stock(&store.report_data(&town(), 2025).await.unwrap().compute());
    let doc = |title: &str, on: &str, kind: DocKind, validity: Option<Validity>| NewItem {
        title: title.to_owned(),
        category: category.clone(),
        published_on: d(on),
        index_no: None,
        content: Some(ItemContent {
            title: title.to_owned(),
            category: category.clone(),
            kind: Some(kind),
            validity,
            ..ItemContent::default()
        }),
    };
    let repealed = Some(Validity::Repealed {
        on: d("2025-06-01"),
    });
    let items = [
        doc(
            "早年的规范性文件",
            "2022-03-01",
            DocKind::NormativeDocument,
            Some(Validity::Valid),
        ),
        doc(
            "今年废止的规范性文件",
            "2023-03-01",
            DocKind::NormativeDocument,
            repealed,
        ),
        doc("今年的规章", "2025-02-01", DocKind::Rule, None),
        // Not a document table 二 counts, whatever its validity says.
        doc("今年废止的其他信息", "2025-02-01", DocKind::Other, repealed),
    ];
    store
        .insert_items(&town(), &items, By::new(&tester(), now()))
        .await
        .unwrap();
    let (rules, normative) = stock(&store.report_data(&town(), 2025).await.unwrap().compute());
    let delta = |a: [i64; 3], b: [i64; 3]| [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    // [issued, repealed, in force at the year's end]
    assert_eq!(delta(rules, before.0), [1, 0, 1]);
    assert_eq!(delta(normative, before.1), [0, 1, 1]);
}

on_both_backends!(
    table_two_reads_the_validity_of_rules_and_normative_documents,
    the_public_sees_the_published_version,
    demo_loads_once_and_twice_changes_nothing,
    demo_report_matches_the_seed,
    report_years_run_from_the_first_record_to_last_year,
    bad_input_is_refused_and_changes_nothing,
    requests_and_cases_are_counted_from_the_database,
    random_histories_pass_every_check_when_read_back,
    backup_copies_a_live_database,
);

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::agency::{AgencyRef, Slug};
use crate::case::{CaseFacts, CaseResult};
use crate::report::compute::{FeeSummary, ItemFacts, ReportInputs, StaffTexts, compute};
use crate::report::model::{AnnualReport, Table2};
use crate::request::{Decided, Outcome, RequestFacts, RequesterKind};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn agency() -> AgencyRef {
    AgencyRef {
        slug: Slug::parse("test-town").unwrap(),
        name: "测试镇人民政府".to_owned(),
    }
}

fn report_of(year: i32, requests: &[RequestFacts], cases: &[CaseFacts]) -> AnnualReport {
    let categories = vec!["重点民生".to_owned(), "政府会议".to_owned()];
    let items = vec![
        ItemFacts {
            category: "重点民生".to_owned(),
            published_on: d("2024-03-01"),
            document: None,
        },
        ItemFacts {
            category: "政府会议".to_owned(),
            published_on: d("2024-05-01"),
            document: None,
        },
        ItemFacts {
            category: "政府会议".to_owned(),
            published_on: d("2023-05-01"),
            document: None,
        },
    ];
    let agency = agency();
    compute(&ReportInputs {
        agency: &agency,
        year,
        requests,
        cases,
        categories: &categories,
        items: &items,
        table2: &Table2::default(),
        fees: FeeSummary::default(),
        supervision: crate::supervision::Supervision::default(),
        texts: &StaffTexts::default(),
    })
}

fn req(kind: RequesterKind, received: &str, decided: Option<(&str, Outcome)>) -> RequestFacts {
    RequestFacts::new(
        kind,
        d(received),
        decided.map(|(on, outcome)| Decided { on: d(on), outcome }),
    )
    .unwrap()
}

/// A 2024 report with a little of everything, which passes every check.
fn sample() -> AnnualReport {
    use RequesterKind as K;
    let requests = vec![
        req(
            K::NaturalPerson,
            "2023-12-20",
            Some(("2024-01-10", Outcome::Disclosed)),
        ),
        req(
            K::Business,
            "2024-02-01",
            Some(("2024-02-20", Outcome::PartlyDisclosed)),
        ),
        req(
            K::NaturalPerson,
            "2024-03-01",
            Some(("2024-03-05", Outcome::UnavailableNotHeld)),
        ),
        req(K::LegalService, "2024-12-25", None),
        req(
            K::OtherOrg,
            "2024-06-01",
            Some(("2024-06-10", Outcome::OtherFeeUnpaid)),
        ),
    ];
    let cases = vec![
        CaseFacts::new(
            CaseKind::Reconsideration,
            d("2024-04-01"),
            Some((d("2024-06-01"), CaseResult::Upheld)),
        )
        .unwrap(),
        CaseFacts::new(CaseKind::LitigationDirect, d("2024-11-01"), None).unwrap(),
    ];
    report_of(2024, &requests, &cases)
}

fn relations(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.relation.id()).collect()
}

#[test]
fn the_sample_report_counts_as_the_rules_say() {
    let r = sample();
    let total = |row| r.table3.get(row, Table3Col::Total).unwrap();
    assert_eq!(total(Table3Row::Received), 4);
    assert_eq!(total(Table3Row::CarriedIn), 1);
    assert_eq!(total(Table3Row::Total), 4);
    assert_eq!(total(Table3Row::CarriedOut), 1);
    assert_eq!(r.table4.reconsideration.upheld, Some(1));
    assert_eq!(r.table4.litigation_direct.pending, Some(1));
    assert_eq!(r.proactive.total, 2);
    assert!(
        r.sections.on_request.contains("新收政府信息公开申请4件"),
        "{}",
        r.sections.on_request
    );
    let findings = check(
        &r,
        &CheckContext {
            agency_kind: Some(AgencyKind::Town),
            ..Default::default()
        },
    );
    assert!(findings.is_empty(), "{findings:#?}");
}

type Mutation = fn(&mut AnnualReport);

fn bump(r: &mut AnnualReport, row: Table3Row, col: Table3Col, by: i64) {
    let v = r.table3.get(row, col).unwrap();
    r.table3.set(row, col, Some(v + by));
}

/// One hand-made bad report per relation: each must be caught by that relation.
#[test]
fn every_relation_catches_its_own_kind_of_error() {
    let cases: Vec<(&str, Mutation)> = vec![
        ("T3-ID", |r| {
            // Received one more in every place a total is kept: rows and columns still add up.
            let nat = Table3Col::Requester(RequesterKind::NaturalPerson);
            bump(r, Table3Row::Received, nat, 1);
            bump(r, Table3Row::Received, Table3Col::Total, 1);
        }),
        ("T3-SUM", |r| {
            bump(
                r,
                Table3Row::Total,
                Table3Col::Requester(RequesterKind::Business),
                1,
            );
            bump(r, Table3Row::Total, Table3Col::Total, 1);
            bump(
                r,
                Table3Row::Received,
                Table3Col::Requester(RequesterKind::Business),
                1,
            );
            bump(r, Table3Row::Received, Table3Col::Total, 1);
        }),
        ("T3-ROW", |r| {
            bump(r, Table3Row::CarriedOut, Table3Col::Total, 2);
        }),
        ("T3-NN", |r| {
            let research = Table3Col::Requester(RequesterKind::Research);
            let row = Table3Row::Outcome(Outcome::NotProcessedRepeated);
            bump(r, row, research, -1);
            bump(
                r,
                Table3Row::Outcome(Outcome::NotProcessedPetition),
                research,
                1,
            );
        }),
        ("T4-SUM", |r| r.table4.reconsideration.total = Some(5)),
        ("T2-RULE", |r| r.table2.rules.issued = Some(1)),
        ("T2-UNIT", |r| {
            r.table2.fees.amount_wan_yuan = Some("250000".parse().unwrap());
        }),
        ("TX-TEXT", |r| {
            r.sections.on_request = r
                .sections
                .on_request
                .replace("新收政府信息公开申请4件", "新收政府信息公开申请5件");
        }),
        ("TX-FEE", |r| r.sections.fees = String::new()),
        ("TX-PERIOD", |r| {
            r.sections.on_request = r
                .sections
                .on_request
                .replace("自2024年1月1日", "自2023年1月1日");
        }),
    ];
    for (id, mutate) in cases {
        let mut r = sample();
        mutate(&mut r);
        let ctx = CheckContext {
            agency_kind: Some(AgencyKind::Town),
            ..Default::default()
        };
        let found = relations(&check(&r, &ctx));
        assert!(found.contains(&id), "{id} not found; got {found:?}");
    }
}

#[test]
fn carry_over_and_stock_need_last_year_and_catch_a_break() {
    fn ctx(prev: &AnnualReport) -> CheckContext<'_> {
        CheckContext {
            previous: Some(prev),
            ..Default::default()
        }
    }
    let this = sample();
    let mut last = report_of(
        2023,
        &[req(RequesterKind::NaturalPerson, "2023-12-20", None)],
        &[],
    );
    assert!(check(&this, &ctx(&last)).is_empty());

    last.table3
        .set(Table3Row::CarriedOut, Table3Col::Total, Some(3));
    last.table2.normative_documents.in_force = Some(7);
    let found = check(&this, &ctx(&last));
    let carry: Vec<_> = found
        .iter()
        .filter(|f| f.relation == Relation::T3Carry)
        .collect();
    assert_eq!(carry.len(), 1);
    assert_eq!((carry[0].expected, carry[0].found), (Some(3), Some(1)));
    let stock: Vec<_> = found
        .iter()
        .filter(|f| f.relation == Relation::T2Stock)
        .collect();
    assert_eq!(stock.len(), 1);
    assert_eq!(stock[0].severity, Severity::Warning);
}

#[test]
fn a_year_not_over_is_flagged_and_old_format_labels_after_2021_are_errors() {
    let r = sample();
    let ctx = CheckContext {
        today: Some(d("2024-11-27")),
        ..Default::default()
    };
    assert_eq!(relations(&check(&r, &ctx)), ["TX-PERIOD"]);
    let mut old = sample();
    old.format = ReportFormat::F2019;
    let f = check(&old, &CheckContext::default());
    assert!(
        f.iter()
            .any(|f| f.relation == Relation::TxPeriod && f.severity == Severity::Error)
    );
}

#[test]
fn unread_cells_skip_the_relations_that_need_them() {
    let mut r = sample();
    r.table3.set(Table3Row::Total, Table3Col::Total, None);
    r.table3
        .set(Table3Row::Received, Table3Col::Total, Some(99));
    let f = check(&r, &CheckContext::default());
    // The 总计 column's identity and sums cannot be checked, but the 一 row's sum can.
    assert!(
        !f.iter()
            .any(|f| f.relation == Relation::T3Id && f.column.as_deref() == Some("total"))
    );
    assert!(
        f.iter()
            .any(|f| f.relation == Relation::T3Row && f.row.as_deref() == Some("received"))
    );
}

#[test]
fn a_sum_already_exceeded_by_the_terms_read_fails_whatever_the_unread_terms_are() {
    let mut r = sample();
    let nat = Table3Col::Requester(RequesterKind::NaturalPerson);
    // One leaf unread, another one too many: the leaves read already exceed （七）总计.
    r.table3
        .set(Table3Row::Outcome(Outcome::NotProcessedRepeated), nat, None);
    bump(&mut r, Table3Row::Outcome(Outcome::Disclosed), nat, 5);
    r.table3.set(
        Table3Row::Outcome(Outcome::Disclosed),
        Table3Col::Requester(RequesterKind::Business),
        None,
    );
    r.table4.reconsideration.other = None;
    r.table4.reconsideration.total = Some(0);
    let f = check(&r, &CheckContext::default());
    let sum = f
        .iter()
        .find(|f| f.relation == Relation::T3Sum && f.column.as_deref() == Some(nat.key()))
        .unwrap_or_else(|| panic!("{f:#?}"));
    assert_eq!((sum.expected, sum.found), (None, Some(2)), "{sum:?}");
    assert!(sum.message.contains("只会更多"), "{}", sum.message);
    assert!(
        f.iter()
            .any(|f| f.relation == Relation::T3Row && f.row.as_deref() == Some("disclosed")),
        "{f:#?}"
    );
    assert!(f.iter().any(|f| f.relation == Relation::T4Sum), "{f:#?}");
    // Read terms within the total: nothing can be said.
    let mut r = sample();
    r.table3
        .set(Table3Row::Outcome(Outcome::NotProcessedRepeated), nat, None);
    let f = check(&r, &CheckContext::default());
    assert!(!f.iter().any(|f| f.relation == Relation::T3Sum), "{f:#?}");
}

#[test]
fn relation_ids_are_unique_and_round_trip() {
    let ids: std::collections::HashSet<_> = Relation::ALL.iter().map(|r| r.id()).collect();
    assert_eq!(ids.len(), Relation::ALL.len());
    for r in Relation::ALL {
        assert_eq!(Relation::from_id(r.id()), Some(r));
    }
}

// ---- property tests -------------------------------------------------------------------------

fn arb_request() -> impl Strategy<Value = RequestFacts> {
    (
        0usize..6,
        0i64..(6 * 365),
        prop::option::weighted(0.8, (0i64..120, 0usize..21)),
    )
        .prop_map(|(kind, received, decided)| {
            let received_on = d("2019-01-01") + chrono::Duration::days(received);
            let decided = decided.map(|(after, outcome)| Decided {
                on: received_on + chrono::Duration::days(after),
                outcome: Outcome::ALL[outcome],
            });
            RequestFacts::new(RequesterKind::ALL[kind], received_on, decided).unwrap()
        })
}

fn arb_case() -> impl Strategy<Value = CaseFacts> {
    (
        0usize..3,
        0i64..(6 * 365),
        prop::option::of((0i64..400, 0usize..3)),
    )
        .prop_map(|(kind, filed, concluded)| {
            let filed_on = d("2019-01-01") + chrono::Duration::days(filed);
            let concluded = concluded
                .map(|(after, r)| (filed_on + chrono::Duration::days(after), CaseResult::ALL[r]));
            CaseFacts::new(CaseKind::ALL[kind], filed_on, concluded).unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any history of requests and cases gives reports that pass every check, year after year, and
    /// whose carry-over chains: year N's 结转下年度 is year N+1's 上年结转.
    #[test]
    fn computed_reports_always_pass_and_carry_over_chains(
        requests in prop::collection::vec(arb_request(), 0..300),
        cases in prop::collection::vec(arb_case(), 0..20),
    ) {
        let reports: Vec<AnnualReport> = (2019..=2025).map(|y| report_of(y, &requests, &cases)).collect();
        for pair in reports.windows(2) {
            let (prev, this) = (&pair[0], &pair[1]);
            let ctx = CheckContext {
                agency_kind: Some(AgencyKind::Town),
                previous: Some(prev),
                today: Some(d("2026-11-27")),
                fee_plausible_max: None,
            };
            let findings = check(this, &ctx);
            prop_assert!(findings.is_empty(), "{} {:#?}", this.year, findings);
            for col in Table3Col::ALL {
                prop_assert_eq!(
                    prev.table3.get(Table3Row::CarriedOut, col),
                    this.table3.get(Table3Row::CarriedIn, col)
                );
            }
        }
        // Every request decided in the window is counted exactly once across the years.
        let decided_in_window = requests
            .iter()
            .filter(|r| r.decided.is_some_and(|d| (2019..=2025).contains(&chrono::Datelike::year(&d.on))))
            .count();
        let counted: i64 = reports
            .iter()
            .map(|r| r.table3.get(Table3Row::Total, Table3Col::Total).unwrap())
            .sum();
        prop_assert_eq!(counted, i64::try_from(decided_in_window).unwrap());
    }
}

//! County aggregation (汇总): the consolidated report of the agencies an oversight office
//! supervises. Every cell is the sum of the members' cells; a cell some member could not report
//! (`None`) makes the sum `None` rather than a number that looks complete but is not.

use super::model::{
    AnnualReport, CaseTally, Cell, Decisions, Fees, Narrative, Proactive, ProactiveCategory,
    ReportFormat, Stock, Table2, Table3, Table3Col, Table3Row, Table4,
};
use crate::agency::AgencyRef;
use crate::case::CaseKind;
use crate::money::WanYuan;

fn add(a: Cell, b: Cell) -> Cell {
    Some(a? + b?)
}

fn add_stock(a: Stock, b: Stock) -> Stock {
    Stock {
        issued: add(a.issued, b.issued),
        repealed: add(a.repealed, b.repealed),
        in_force: add(a.in_force, b.in_force),
    }
}

fn add_decisions(a: Decisions, b: Decisions) -> Decisions {
    Decisions {
        decisions: add(a.decisions, b.decisions),
    }
}

fn add_tally(a: CaseTally, b: CaseTally) -> CaseTally {
    CaseTally {
        upheld: add(a.upheld, b.upheld),
        corrected: add(a.corrected, b.corrected),
        other: add(a.other, b.other),
        pending: add(a.pending, b.pending),
        total: add(a.total, b.total),
    }
}

/// The consolidated report of `members` for `year`, in the name of `office`. Members of another
/// year are a caller error and are skipped.
pub fn aggregate(office: &AgencyRef, year: i32, members: &[AnnualReport]) -> AnnualReport {
    let mut table3 = Table3::default();
    let mut table2 = Table2::default();
    let mut table4 = Table4::default();
    let mut proactive = Proactive::default();
    for m in members.iter().filter(|m| m.year == year) {
        for row in Table3Row::ALL {
            for col in Table3Col::ALL {
                table3.set(row, col, add(table3.get(row, col), m.table3.get(row, col)));
            }
        }
        let t = &m.table2;
        table2 = Table2 {
            rules: add_stock(table2.rules, t.rules),
            normative_documents: add_stock(table2.normative_documents, t.normative_documents),
            licensing: add_decisions(table2.licensing, t.licensing),
            penalties: add_decisions(table2.penalties, t.penalties),
            coercive_measures: add_decisions(table2.coercive_measures, t.coercive_measures),
            fees: Fees {
                amount_wan_yuan: table2
                    .fees
                    .amount_wan_yuan
                    .zip(t.fees.amount_wan_yuan)
                    .map(|(a, b)| WanYuan::from_fen(a.fen() + b.fen())),
            },
        };
        for kind in CaseKind::ALL {
            let sum = add_tally(*table4.group(kind), *m.table4.group(kind));
            *table4.group_mut(kind) = sum;
        }
        proactive.total += m.proactive.total;
        for c in &m.proactive.by_category {
            match proactive
                .by_category
                .iter_mut()
                .find(|x| x.category == c.category)
            {
                Some(x) => x.count += c.count,
                None => proactive.by_category.push(ProactiveCategory {
                    category: c.category.clone(),
                    count: c.count,
                }),
            }
        }
    }
    AnnualReport {
        agency: office.clone(),
        year,
        format: ReportFormat::for_year(year),
        proactive,
        table2,
        table3,
        table4,
        sections: Narrative::default(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::agency::Slug;
    use crate::report::check::{CheckContext, Relation, check};
    use crate::report::compute::{FeeSummary, ReportInputs, StaffTexts, compute};
    use crate::request::{Decided, Outcome, RequestFacts, RequesterKind};

    fn report(i: usize, year: i32, requests: &[RequestFacts]) -> AnnualReport {
        let agency = AgencyRef {
            slug: Slug::parse(&format!("town-{i}")).unwrap(),
            name: format!("第{i}镇人民政府"),
        };
        compute(&ReportInputs {
            agency: &agency,
            year,
            requests,
            cases: &[],
            categories: &[],
            items: &[],
            table2: &Table2::default(),
            fees: FeeSummary::default(),
            supervision: crate::supervision::Supervision::default(),
            texts: &StaffTexts::default(),
        })
    }

    fn arb_requests() -> impl Strategy<Value = Vec<RequestFacts>> {
        prop::collection::vec(
            (
                0usize..6,
                0i64..(3 * 365),
                prop::option::weighted(0.85, (0i64..90, 0usize..21)),
            ),
            0..40,
        )
        .prop_map(|v| {
            v.into_iter()
                .map(|(k, r, d)| {
                    let received_on = chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap()
                        + chrono::Duration::days(r);
                    let decided = d.map(|(after, o)| Decided {
                        on: received_on + chrono::Duration::days(after),
                        outcome: Outcome::ALL[o],
                    });
                    RequestFacts::new(RequesterKind::ALL[k], received_on, decided).unwrap()
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// A county of 30 agencies over 3 years: every cell of the aggregate is the sum of the
        /// members' cells, and the aggregate passes the same cross-checks as its members.
        #[test]
        fn the_aggregate_is_the_sum_of_its_members(histories in prop::collection::vec(arb_requests(), 30)) {
            let office = AgencyRef { slug: Slug::parse("county").unwrap(), name: "某县人民政府".into() };
            let mut previous: Option<AnnualReport> = None;
            for year in 2022..=2024 {
                let members: Vec<AnnualReport> = histories.iter().enumerate().map(|(i, h)| report(i, year, h)).collect();
                let total = aggregate(&office, year, &members);
                for row in Table3Row::ALL {
                    for col in Table3Col::ALL {
                        let sum: i64 = members.iter().map(|m| m.table3.get(row, col).unwrap()).sum();
                        prop_assert_eq!(total.table3.get(row, col), Some(sum));
                    }
                }
                let findings = check(&total, &CheckContext { previous: previous.as_ref(), ..CheckContext::default() });
                let broken: Vec<_> = findings.iter().filter(|f| f.relation != Relation::TxFee).collect();
                prop_assert!(broken.is_empty(), "{:#?}", broken);
                previous = Some(total);
            }
        }
    }

    #[test]
    fn an_unread_member_cell_makes_the_sum_unread() {
        let office = AgencyRef {
            slug: Slug::parse("county").unwrap(),
            name: "某县人民政府".into(),
        };
        let a = report(1, 2024, &[]);
        let mut b = report(2, 2024, &[]);
        b.table3.set(Table3Row::Received, Table3Col::Total, None);
        b.table2.fees.amount_wan_yuan = None;
        let total = aggregate(&office, 2024, &[a, b]);
        assert_eq!(
            total.table3.get(Table3Row::Received, Table3Col::Total),
            None
        );
        assert_eq!(
            total.table3.get(Table3Row::CarriedIn, Table3Col::Total),
            Some(0)
        );
        assert_eq!(total.table2.fees.amount_wan_yuan, None);
    }
}

//! Counting the report of one agency and year from facts.
//!
//! The counting rules (spec §1.5, §1.8):
//! - 一 `received`: requests received during the year, by requester kind;
//! - 二 `carried_in`: requests received before 1 January and still open at the start of it;
//! - 三: requests decided during the year, each once, under its final outcome — whenever received;
//! - 四 `carried_out`: requests received by 31 December and still open at its end.
//!
//! So 一 + 二 = 三（七） + 四 for every column, and year N's 四 is year N+1's 二, by construction.
//!
//! Table 四 counts a case in the year it was filed — under its result if it concluded by 31 December,
//! else as 尚未审结 — and a case filed earlier in the year it concluded, under its result. Every result
//! is thus reported once, and a pending case is visible in the year it arrived.

use chrono::{Datelike, NaiveDate};

use super::model::{
    AnnualReport, Narrative, Proactive, ProactiveCategory, ReportFormat, Table2, Table3, Table3Row,
    Table4,
};
use super::narrative;
use crate::agency::AgencyRef;
use crate::case::CaseFacts;
use crate::request::RequestFacts;

/// A published item as the report counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFacts {
    /// Its catalogue category's name.
    pub category: String,
    /// 发布日期 (civil date in China).
    pub published_on: NaiveDate,
    /// For a 规章 or 行政规范性文件: which, and when it was repealed or expired (table 二).
    pub document: Option<DocumentFacts>,
}

/// A 规章 or 行政规范性文件 as table 二 counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentFacts {
    /// 规章 (else 行政规范性文件).
    pub rule: bool,
    /// 废止 or 失效 date, if any.
    pub ended_on: Option<NaiveDate>,
}

impl DocumentFacts {
    /// How table 二 counts an item of this kind and validity: `None` unless it is a 规章 or a
    /// 行政规范性文件; its stock ends on the day it expired or was repealed.
    pub fn of(
        kind: Option<crate::item::DocKind>,
        validity: Option<crate::item::Validity>,
    ) -> Option<Self> {
        use crate::item::{DocKind, Validity};
        let rule = match kind? {
            DocKind::Rule => true,
            DocKind::NormativeDocument => false,
            _ => return None,
        };
        let ended_on = match validity {
            Some(Validity::Expired { on } | Validity::Repealed { on }) => Some(on),
            _ => None,
        };
        Some(Self { rule, ended_on })
    }
}

/// Fee notices and payments of the year (国办函〔2020〕109号), for the sentence of 六（一）.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FeeSummary {
    /// 收费通知 sent.
    pub notices: i64,
    /// Amount notified, in fen.
    pub notified_fen: i64,
    /// Amount collected, in fen.
    pub collected_fen: i64,
}

/// Declares [`StaffTexts`] from one list of its parts, so that the struct, the keys staff texts
/// are stored and posted under, and the access by key cannot drift apart.
macro_rules! staff_texts {
    ($($(#[doc = $doc:literal])* $part:ident,)*) => {
        /// Text that staff wrote for the year. The parts of 一（一）（二） given here come before
        /// the generated sentences; the others are used as written. Each part's key is its field
        /// name: the workspace form posts them, the store keeps them under them.
        #[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize)]
        #[serde(default)]
        pub struct StaffTexts {
            $($(#[doc = $doc])* pub $part: String,)*
        }

        impl StaffTexts {
            /// Every part's key.
            pub const KEYS: &'static [&'static str] = &[$(stringify!($part)),*];

            /// The text of the part `key` (empty for a key that names no part).
            pub fn part(&self, key: &str) -> &str {
                match key {
                    $(stringify!($part) => &self.$part,)*
                    _ => "",
                }
            }

            /// The part `key`, to fill in (`None` for a key that names no part).
            pub fn part_mut(&mut self, key: &str) -> Option<&mut String> {
                match key {
                    $(stringify!($part) => Some(&mut self.$part),)*
                    _ => None,
                }
            }
        }
    };
}

staff_texts! {
    /// The opening paragraph under 一、总体情况, before 一（一） ("2024年，在县委县政府的坚强领导
    /// 下……现将……报告如下：").
    opening,
    /// Lead-in to 一（一）主动公开.
    proactive,
    /// Lead-in to 一（二）依申请公开.
    on_request,
    /// 一（三）.
    management,
    /// 一（四）.
    platform,
    /// 一（五）.
    supervision,
    /// 五.
    problems,
    /// 六（二）.
    work_points,
    /// 六（三）.
    proposals,
    /// 六（四）.
    innovation,
    /// The rules 六（一）'s fee statement cites ("根据……（国办函〔2020〕109号）和……（鲁政办字
    /// 〔2020〕179号）规定"); empty: the national rule alone ([`super::narrative::FEE_BASIS`]).
    fee_basis,
}

/// Everything a report is computed from. Fact slices may hold more than the year (other years are
/// ignored), so a store can hand over a superset.
#[derive(Debug, Clone, Copy)]
pub struct ReportInputs<'a> {
    /// Who reports.
    pub agency: &'a AgencyRef,
    /// The report year.
    pub year: i32,
    /// Requests of the agency.
    pub requests: &'a [RequestFacts],
    /// Reconsideration and litigation cases of the agency.
    pub cases: &'a [CaseFacts],
    /// The agency's catalogue categories, in order.
    pub categories: &'a [String],
    /// Published items of the agency.
    pub items: &'a [ItemFacts],
    /// Table 二 as entered (reported figures; unset cells count as 0).
    pub table2: &'a Table2,
    /// Fees of the year.
    pub fees: FeeSummary,
    /// Enquiries, complaints, evaluations and proposals of the year (一（五）, 六（三）).
    pub supervision: crate::supervision::Supervision,
    /// Staff-written text.
    pub texts: &'a StaffTexts,
}

/// Computes the report. Pure and total: facts are valid by construction ([`RequestFacts::new`]).
pub fn compute(inputs: &ReportInputs<'_>) -> AnnualReport {
    let year = inputs.year;
    let start = NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January exists");
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December exists");
    let day_before = start.pred_opt().expect("the year has a previous day");

    let mut t3 = Table3::default();
    for r in inputs.requests {
        if r.received_on.year() == year {
            t3.count(Table3Row::Received, r.requester);
        } else if r.open_at_end_of(day_before) {
            t3.count(Table3Row::CarriedIn, r.requester);
        }
        match r.decided {
            Some(d) if d.on.year() == year => {
                t3.count(Table3Row::Outcome(d.outcome), r.requester);
                t3.count(Table3Row::Total, r.requester);
            }
            _ if r.open_at_end_of(end) => t3.count(Table3Row::CarriedOut, r.requester),
            _ => {}
        }
    }

    let mut t4 = Table4::default();
    for c in inputs.cases {
        let result_by_end = c.concluded.filter(|(on, _)| *on <= end).map(|(_, r)| r);
        if c.filed_on.year() == year {
            t4.group_mut(c.kind).count(result_by_end);
        } else if let Some((on, result)) = c.concluded
            && on.year() == year
            && c.filed_on < start
        {
            t4.group_mut(c.kind).count(Some(result));
        }
    }

    let proactive = count_items(inputs.categories, inputs.items, year);
    let table2 = fill_unset(&with_documents(inputs.table2, inputs.items, year));

    let mut report = AnnualReport {
        agency: inputs.agency.clone(),
        year,
        format: ReportFormat::for_year(year),
        proactive,
        table2,
        table3: t3,
        table4: t4,
        sections: Narrative::default(),
    };
    report.sections = narrative::compose(&report, inputs.texts, inputs.fees, &inputs.supervision);
    report
}

fn count_items(categories: &[String], items: &[ItemFacts], year: i32) -> Proactive {
    let mut by_category: Vec<ProactiveCategory> = categories
        .iter()
        .map(|c| ProactiveCategory {
            category: c.clone(),
            count: 0,
        })
        .collect();
    let mut total = 0;
    for item in items.iter().filter(|i| i.published_on.year() == year) {
        total += 1;
        match by_category.iter_mut().find(|c| c.category == item.category) {
            Some(c) => c.count += 1,
            // An item filed under a category no longer in the catalogue still counts.
            None => by_category.push(ProactiveCategory {
                category: item.category.clone(),
                count: 1,
            }),
        }
    }
    Proactive { total, by_category }
}

/// Table 二's 规章 and 行政规范性文件 rows from the documents published in gongkai, for every cell not
/// reported by hand (a reported figure, with its source, prevails): issued in the year, repealed or
/// expired in the year, and in force at its end.
fn with_documents(reported: &Table2, items: &[ItemFacts], year: i32) -> Table2 {
    let mut out = *reported;
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December exists");
    for (rule, stock) in [
        (true, &mut out.rules),
        (false, &mut out.normative_documents),
    ] {
        let docs: Vec<DocumentFacts> = items
            .iter()
            .filter(|i| i.published_on <= end)
            .filter_map(|i| i.document)
            .filter(|d| d.rule == rule)
            .collect();
        if docs.is_empty() && items.iter().all(|i| i.document.is_none()) {
            continue;
        }
        let issued = items
            .iter()
            .filter(|i| i.published_on.year() == year)
            .filter(|i| i.document.is_some_and(|d| d.rule == rule))
            .count();
        let repealed = docs
            .iter()
            .filter(|d| d.ended_on.is_some_and(|e| e.year() == year))
            .count();
        let in_force = docs
            .iter()
            .filter(|d| d.ended_on.is_none_or(|e| e > end))
            .count();
        let n = |c: usize| Some(i64::try_from(c).unwrap_or(i64::MAX));
        stock.issued = stock.issued.or(n(issued));
        stock.repealed = stock.repealed.or(n(repealed));
        stock.in_force = stock.in_force.or(n(in_force));
    }
    out
}

fn fill_unset(t: &Table2) -> Table2 {
    let mut out = *t;
    for s in [&mut out.rules, &mut out.normative_documents] {
        for c in [&mut s.issued, &mut s.repealed, &mut s.in_force] {
            c.get_or_insert(0);
        }
    }
    for d in [
        &mut out.licensing,
        &mut out.penalties,
        &mut out.coercive_measures,
    ] {
        d.decisions.get_or_insert(0);
    }
    out.fees
        .amount_wan_yuan
        .get_or_insert(crate::money::WanYuan::ZERO);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kinds the store selects as documents are those table 二 counts and that need a 政策解读.
    #[test]
    fn the_documents_are_the_kinds_table_two_counts() {
        use crate::item::DocKind;
        for kind in DocKind::ALL {
            let listed = DocKind::DOCUMENTS.contains(&kind);
            assert_eq!(
                DocumentFacts::of(Some(kind), None).is_some(),
                listed,
                "{kind:?}"
            );
            assert_eq!(kind.needs_interpretation(), listed, "{kind:?}");
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("test dates are valid")
    }

    fn doc(on: &str, rule: bool, ended: Option<&str>) -> ItemFacts {
        ItemFacts {
            category: "政策文件".into(),
            published_on: d(on),
            document: Some(DocumentFacts {
                rule,
                ended_on: ended.map(d),
            }),
        }
    }

    #[test]
    fn table_two_stock_follows_the_documents_unless_reported() {
        let items = [
            doc("2023-04-01", false, Some("2025-06-01")),
            doc("2024-05-01", false, None),
            doc("2025-02-01", false, None),
            doc("2025-03-01", false, Some("2026-01-10")),
            ItemFacts {
                category: "工作动态".into(),
                published_on: d("2025-01-05"),
                document: None,
            },
        ];
        let t = with_documents(&Table2::unreported(), &items, 2025);
        let s = t.normative_documents;
        assert_eq!(
            (s.issued, s.repealed, s.in_force),
            (Some(2), Some(1), Some(3))
        );
        assert_eq!(t.rules.in_force, Some(0));
        let mut reported = Table2::unreported();
        reported.normative_documents.in_force = Some(7);
        let t = with_documents(&reported, &items, 2025);
        assert_eq!(
            t.normative_documents.in_force,
            Some(7),
            "a reported figure prevails"
        );
        assert_eq!(t.normative_documents.issued, Some(2));
    }
}

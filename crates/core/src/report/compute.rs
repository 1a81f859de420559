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

/// Text that staff wrote for the year. The parts of 一（一）（二） given here come before the
/// generated sentences; the others are used as written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StaffTexts {
    /// Lead-in to 一（一）主动公开.
    pub proactive: String,
    /// Lead-in to 一（二）依申请公开.
    pub on_request: String,
    /// 一（三）.
    pub management: String,
    /// 一（四）.
    pub platform: String,
    /// 一（五）.
    pub supervision: String,
    /// 五.
    pub problems: String,
    /// 六（二）.
    pub work_points: String,
    /// 六（三）.
    pub proposals: String,
    /// 六（四）.
    pub innovation: String,
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
    let table2 = fill_unset(inputs.table2);

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
    report.sections = narrative::compose(&report, inputs.texts, inputs.fees);
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

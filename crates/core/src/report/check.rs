//! Cross-checks (勾稽关系): every relation of spec §1.8, named by its id, run on any report.
//!
//! A relation that needs something the report lacks — an unread cell, last year's report, the agency
//! kind, the narrative — is skipped for that part rather than guessed; the checker reports unread cells
//! itself (`S-BLANK-CELL`). `T3-PART` (区分处理 counted only under 部分公开) cannot be seen in a table's
//! figures: in a computed report it holds because a request has exactly one [`Outcome`]; for imported
//! reports the checker verifies the row's label, which states the rule.
//!
//! [`Outcome`]: crate::request::Outcome

use std::fmt;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;
use serde::{Serialize, Serializer};

use super::model::{AnnualReport, CaseTally, ReportFormat, Stock, Table3Col, Table3Row};
use crate::agency::AgencyKind;
use crate::case::CaseKind;
use crate::money::WanYuan;
use crate::request::OutcomeGroup;

/// A named relation a report must satisfy. The ids are stable (spec §9): tools filter on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// Per column: 一 + 二 = 三（七） + 四 (printed in the table's corner cell).
    T3Id,
    /// Per column: （七）总计 = the sum of the 21 leaf rows.
    T3Sum,
    /// Per row: 总计 = the sum of the six requester columns.
    T3Row,
    /// Every cell is a non-negative integer.
    T3Nn,
    /// This year's 二 = last year's 四, per column.
    T3Carry,
    /// 区分处理 is counted only under （二）部分公开.
    T3Part,
    /// Per group of table 四: 维持 + 纠正 + 其他 + 尚未审结 = 总计.
    T4Sum,
    /// 现行有效 = last year's 现行有效 + 本年制发 − 本年废止.
    T2Stock,
    /// No 规章 from bodies without rule-making power.
    T2Rule,
    /// Counts are whole numbers; 收费金额 is in 万元.
    T2Unit,
    /// Numbers in the text equal the tables.
    TxText,
    /// Section 六 states the information-processing fees.
    TxFee,
    /// The statistics period is the calendar year, and the format fits the year.
    TxPeriod,
    /// A section is missing (checker).
    SMissingSection,
    /// A table is missing or only an image (checker).
    SMissingTable,
    /// A cell is blank, '—' or '/' (checker).
    SBlankCell,
    /// A label differs from the statutory text (checker).
    SLabel,
    /// A label of the 2019 format appears in a later report (checker).
    SOldFormat,
    /// Text copied from last year's or another agency's report (checker, workspace).
    SCopiedText,
    /// Full-width digits in a table (checker).
    SFullwidth,
    /// Cells whose digits admit several readings that no relation tells apart (checker): they are
    /// left unread and the candidates named, never guessed.
    SAmbiguous,
    /// Part of a table that could not be read or placed (checker): reported rather than misread.
    SUnread,
}

impl Relation {
    /// Every relation, cross-checks first, then structural checks.
    pub const ALL: [Self; 22] = [
        Self::T3Id,
        Self::T3Sum,
        Self::T3Row,
        Self::T3Nn,
        Self::T3Carry,
        Self::T3Part,
        Self::T4Sum,
        Self::T2Stock,
        Self::T2Rule,
        Self::T2Unit,
        Self::TxText,
        Self::TxFee,
        Self::TxPeriod,
        Self::SMissingSection,
        Self::SMissingTable,
        Self::SBlankCell,
        Self::SLabel,
        Self::SOldFormat,
        Self::SCopiedText,
        Self::SFullwidth,
        Self::SAmbiguous,
        Self::SUnread,
    ];

    /// The stable id.
    pub const fn id(self) -> &'static str {
        match self {
            Self::T3Id => "T3-ID",
            Self::T3Sum => "T3-SUM",
            Self::T3Row => "T3-ROW",
            Self::T3Nn => "T3-NN",
            Self::T3Carry => "T3-CARRY",
            Self::T3Part => "T3-PART",
            Self::T4Sum => "T4-SUM",
            Self::T2Stock => "T2-STOCK",
            Self::T2Rule => "T2-RULE",
            Self::T2Unit => "T2-UNIT",
            Self::TxText => "TX-TEXT",
            Self::TxFee => "TX-FEE",
            Self::TxPeriod => "TX-PERIOD",
            Self::SMissingSection => "S-MISSING-SECTION",
            Self::SMissingTable => "S-MISSING-TABLE",
            Self::SBlankCell => "S-BLANK-CELL",
            Self::SLabel => "S-LABEL",
            Self::SOldFormat => "S-OLD-FORMAT",
            Self::SCopiedText => "S-COPIED-TEXT",
            Self::SFullwidth => "S-FULLWIDTH",
            Self::SAmbiguous => "S-AMBIGUOUS",
            Self::SUnread => "S-UNREAD",
        }
    }

    /// What the relation demands, in Chinese.
    pub const fn description(self) -> &'static str {
        match self {
            Self::T3Id => "表三各列：第一项加第二项之和，等于第三项加第四项之和",
            Self::T3Sum => "表三各列：（七）总计等于21个办理结果分项之和",
            Self::T3Row => "表三各行：总计等于六类申请人之和",
            Self::T3Nn => "表格数字均为非负整数",
            Self::T3Carry => "本年“上年结转”等于上年报告“结转下年度继续办理”",
            Self::T3Part => "区分处理的申请只计入（二）部分公开，不计其他情形",
            Self::T4Sum => "表四各组：结果维持、结果纠正、其他结果、尚未审结之和等于总计",
            Self::T2Stock => "现行有效件数等于上年现行有效件数加本年制发件数减本年废止件数",
            Self::T2Rule => "乡镇、街道、县级政府及其部门无规章制定权，规章件数应为0",
            Self::T2Unit => "件数为非负整数，收费金额以万元为单位",
            Self::TxText => "正文中的数字与表格一致",
            Self::TxFee => "第六部分说明信息处理费收取情况",
            Self::TxPeriod => "统计期为报告年度1月1日至12月31日，格式与年度相符",
            Self::SMissingSection => "报告包含全部六个部分",
            Self::SMissingTable => "表二、表三、表四以文字表格形式公布",
            Self::SBlankCell => "表格不留空，无数据填0",
            Self::SLabel => "表格标签与法定格式一致",
            Self::SOldFormat => "2021年及以后的报告使用2021年格式",
            Self::SCopiedText => "报告内容不与往年或其他机关雷同",
            Self::SFullwidth => "表格数字使用半角数字",
            Self::SAmbiguous => "表格数字分隔清楚，只有一种读法",
            Self::SUnread => "表格每一部分都能读取并确定位置",
        }
    }

    /// The relation with this id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.id() == id)
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Relation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// How bad a finding is. Only errors block publication and make `gongkai report` exit non-zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a look; does not block.
    Warning,
    /// The report is wrong.
    Error,
}

/// One broken relation, located as precisely as the report allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Which relation.
    pub relation: Relation,
    /// How bad.
    pub severity: Severity,
    /// Row key (spec §9), where the finding is about a row.
    pub row: Option<String>,
    /// Column key, where the finding is about a column.
    pub column: Option<String>,
    /// What the relation requires the cell to be.
    pub expected: Option<i64>,
    /// What the report has.
    pub found: Option<i64>,
    /// What is wrong and what to do, in Chinese.
    pub message: String,
    /// Where in the source (section, table, line), when known.
    pub location: Option<String>,
}

impl Finding {
    /// A finding about the report as a whole; set `row`, `column`, `expected`, `found` and
    /// `location` with struct update syntax where they are known.
    pub fn new(relation: Relation, severity: Severity, message: String) -> Self {
        Self {
            relation,
            severity,
            row: None,
            column: None,
            expected: None,
            found: None,
            message,
            location: None,
        }
    }

    /// The same finding, about the row `key` of its table.
    #[must_use]
    pub fn in_row(self, key: &str) -> Self {
        Self {
            row: Some(key.to_owned()),
            ..self
        }
    }

    /// The same finding, about a column of its table (or none).
    #[must_use]
    pub fn in_column(self, key: Option<&str>) -> Self {
        Self {
            column: key.map(str::to_owned),
            ..self
        }
    }
}

/// What a check may know beyond the report itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckContext<'a> {
    /// The agency's kind, for `T2-RULE`.
    pub agency_kind: Option<AgencyKind>,
    /// Last year's report, for `T3-CARRY` and `T2-STOCK`.
    pub previous: Option<&'a AnnualReport>,
    /// Today, for `TX-PERIOD` (a year not yet over).
    pub today: Option<NaiveDate>,
    /// Above this 行政事业性收费 amount (万元) `T2-UNIT` warns that it may be in 元; `None` = 10,000万元.
    pub fee_plausible_max: Option<WanYuan>,
}

/// Runs every relation on a report.
pub fn check(report: &AnnualReport, ctx: &CheckContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    t3_identity(report, &mut out);
    t3_sum(report, &mut out);
    t3_row(report, &mut out);
    t3_non_negative(report, &mut out);
    t3_carry(report, ctx, &mut out);
    t4_sum(report, &mut out);
    t2_stock(report, ctx, &mut out);
    t2_rule(report, ctx, &mut out);
    t2_unit(report, ctx, &mut out);
    tx_text(report, &mut out);
    tx_fee(report, &mut out);
    tx_period(report, ctx, &mut out);
    out
}

fn finding(relation: Relation, severity: Severity, message: String) -> Finding {
    Finding::new(relation, severity, message)
}

fn cell_finding(
    relation: Relation,
    row: &str,
    column: &str,
    expected: i64,
    found: i64,
    message: String,
) -> Finding {
    Finding {
        row: Some(row.to_owned()),
        column: Some(column.to_owned()),
        expected: Some(expected),
        found: Some(found),
        location: Some(T3_LOCATION.to_owned()),
        ..finding(relation, Severity::Error, message)
    }
}

fn t3_identity(r: &AnnualReport, out: &mut Vec<Finding>) {
    let table = &r.table3;
    for col in Table3Col::ALL {
        let (Some(received), Some(carried_in), Some(decided), Some(carried_out)) = (
            table.get(Table3Row::Received, col),
            table.get(Table3Row::CarriedIn, col),
            table.get(Table3Row::Total, col),
            table.get(Table3Row::CarriedOut, col),
        ) else {
            continue;
        };
        if received + carried_in != decided + carried_out {
            out.push(cell_finding(
                Relation::T3Id,
                Table3Row::Total.key(),
                col.key(),
                received + carried_in - carried_out,
                decided,
                format!(
                    "“{}”列：新收{received}件加上年结转{carried_in}件为{}件，但办理结果总计{decided}件加结转下年度{carried_out}件为{}件；请核对这一列的数字",
                    col.label(),
                    received + carried_in,
                    decided + carried_out
                ),
            ));
        }
    }
}

/// A sum with unread terms that can only add (counts are never negative): the terms read and how
/// many are missing, when the terms read already exceed `total` — the relation fails whatever the
/// missing terms are.
fn exceeded(terms: &[Option<i64>], total: i64) -> Option<(i64, usize)> {
    let missing = terms.iter().filter(|t| t.is_none()).count();
    let read: Vec<i64> = terms.iter().flatten().copied().collect();
    let sum: i64 = read.iter().sum();
    (missing > 0 && !read.is_empty() && read.iter().all(|v| *v >= 0) && sum > total)
        .then_some((sum, missing))
}

/// A total that its terms contradict.
#[derive(Clone, Copy)]
struct SumOff {
    /// The sum of the terms read.
    sum: i64,
    /// The total as written.
    total: i64,
    /// How many terms were not read: 0 when all were (then `sum` is what the total should be);
    /// more when those read already exceed the total.
    missing: usize,
}

/// How a total stands against its terms: `None` when it holds or cannot be judged (the total
/// unread, or unread terms that could still make it up).
fn sum_off(terms: &[Option<i64>], total: Option<i64>) -> Option<SumOff> {
    let total = total?;
    match terms.iter().copied().sum::<Option<i64>>() {
        Some(sum) => (sum != total).then_some(SumOff {
            sum,
            total,
            missing: 0,
        }),
        None => exceeded(terms, total).map(|(sum, missing)| SumOff {
            sum,
            total,
            missing,
        }),
    }
}

/// How a sum relation words a contradiction: `{what}` names the line, `{sum}`, `{total}` and
/// `{missing}` the figures.
struct SumWords {
    /// Every term was read and they do not add up to the total.
    differs: &'static str,
    /// The terms read already exceed the total; `{missing}` were not read.
    exceeds: &'static str,
}

/// One sum relation checked: a finding when the terms contradict the total (the expected value is
/// the sum when every term was read, none — only the bound — when some were not).
struct SumCheck<'a> {
    relation: Relation,
    row: &'a str,
    column: &'a str,
    what: &'a str,
    words: &'a SumWords,
    /// The report section the table is in.
    location: &'static str,
}

impl SumCheck<'_> {
    fn run(&self, terms: &[Option<i64>], total: Option<i64>, out: &mut Vec<Finding>) {
        let Some(off) = sum_off(terms, total) else {
            return;
        };
        let template = if off.missing == 0 {
            self.words.differs
        } else {
            self.words.exceeds
        };
        let message = template
            .replace("{what}", self.what)
            .replace("{sum}", &off.sum.to_string())
            .replace("{total}", &off.total.to_string())
            .replace("{missing}", &off.missing.to_string());
        let finding = cell_finding(
            self.relation,
            self.row,
            self.column,
            off.sum,
            off.total,
            message,
        );
        out.push(Finding {
            expected: (off.missing == 0).then_some(off.sum),
            location: Some(self.location.to_owned()),
            ..finding
        });
    }
}

const T3_SUM_WORDS: SumWords = SumWords {
    differs: "“{what}”列：（一）至（六）各项之和为{sum}件，但（七）总计填写为{total}件；请更正总计或漏填的分项",
    exceeds: "“{what}”列：（一）至（六）已读出的分项之和已达{sum}件（另有{missing}项未读出，只会更多），超过（七）总计填写的{total}件；请更正总计或分项",
};

const T3_ROW_WORDS: SumWords = SumWords {
    differs: "“{what}”行：六类申请人之和为{sum}件，但总计填写为{total}件；请核对这一行",
    exceeds: "“{what}”行：已读出的申请人各列之和已达{sum}件（另有{missing}格未读出，只会更多），超过总计填写的{total}件；请核对这一行",
};

const T4_SUM_WORDS: SumWords = SumWords {
    differs: "“{what}”：结果维持、结果纠正、其他结果、尚未审结之和为{sum}件，但总计填写为{total}件",
    exceeds: "“{what}”：已读出的结果维持、结果纠正、其他结果、尚未审结之和已达{sum}件（另有{missing}格未读出，只会更多），超过总计填写的{total}件",
};

fn t3_sum(r: &AnnualReport, out: &mut Vec<Finding>) {
    let t = &r.table3;
    for col in Table3Col::ALL {
        let terms: Vec<Option<i64>> = crate::request::Outcome::ALL
            .iter()
            .map(|o| t.get(Table3Row::Outcome(*o), col))
            .collect();
        let check = SumCheck {
            relation: Relation::T3Sum,
            row: Table3Row::Total.key(),
            column: col.key(),
            what: col.label(),
            words: &T3_SUM_WORDS,
            location: T3_LOCATION,
        };
        check.run(&terms, t.get(Table3Row::Total, col), out);
    }
}

fn t3_row(r: &AnnualReport, out: &mut Vec<Finding>) {
    let t = &r.table3;
    for row in Table3Row::ALL {
        let terms: Vec<Option<i64>> = Table3Col::ALL[..6].iter().map(|c| t.get(row, *c)).collect();
        let what = row.full_label();
        let check = SumCheck {
            relation: Relation::T3Row,
            row: row.key(),
            column: Table3Col::Total.key(),
            what: &what,
            words: &T3_ROW_WORDS,
            location: T3_LOCATION,
        };
        check.run(&terms, t.get(row, Table3Col::Total), out);
    }
}

fn t3_non_negative(r: &AnnualReport, out: &mut Vec<Finding>) {
    for (row, col, cell) in r.table3.iter() {
        if let Some(v) = cell
            && v < 0
        {
            out.push(cell_finding(
                Relation::T3Nn,
                row.key(),
                col.key(),
                0,
                v,
                format!(
                    "“{}”行“{}”列为负数{v}；件数不能小于0",
                    row.full_label(),
                    col.label()
                ),
            ));
        }
    }
}

fn t3_carry(r: &AnnualReport, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
    let Some(prev) = ctx.previous.filter(|p| p.year + 1 == r.year) else {
        return;
    };
    for col in Table3Col::ALL {
        let (Some(now), Some(before)) = (
            r.table3.get(Table3Row::CarriedIn, col),
            prev.table3.get(Table3Row::CarriedOut, col),
        ) else {
            continue;
        };
        if now != before {
            out.push(Finding {
                location: Some(T3_LOCATION.to_owned()),
                ..cell_finding(
                    Relation::T3Carry,
                    Table3Row::CarriedIn.key(),
                    col.key(),
                    before,
                    now,
                    format!(
                        "“{}”列：上年结转{now}件，但{}年度报告的结转下年度继续办理为{before}件；两者应相等",
                        col.label(),
                        prev.year
                    ),
                )
            });
        }
    }
}

fn t4_sum(r: &AnnualReport, out: &mut Vec<Finding>) {
    for kind in CaseKind::ALL {
        let g: &CaseTally = r.table4.group(kind);
        let cells = g.cells();
        for (i, v) in cells.iter().enumerate() {
            if let Some(v) = v
                && *v < 0
            {
                out.push(Finding {
                    row: Some(kind.key().to_owned()),
                    column: Some(
                        ["upheld", "corrected", "other", "pending", "total"][i].to_owned(),
                    ),
                    expected: Some(0),
                    found: Some(*v),
                    location: Some(T4_LOCATION.to_owned()),
                    ..finding(
                        Relation::T4Sum,
                        Severity::Error,
                        format!("“{}”一栏有负数{v}；案件数不能小于0", kind.label()),
                    )
                });
            }
        }
        let check = SumCheck {
            relation: Relation::T4Sum,
            row: kind.key(),
            column: "total",
            what: kind.label(),
            words: &T4_SUM_WORDS,
            location: T4_LOCATION,
        };
        check.run(&cells[..4], g.total, out);
    }
}

fn stocks(r: &AnnualReport) -> [(&'static str, &'static str, Stock); 2] {
    [
        ("rules", "规章", r.table2.rules),
        (
            "normative_documents",
            "行政规范性文件",
            r.table2.normative_documents,
        ),
    ]
}

const T2_LOCATION: &str = "二、主动公开政府信息情况";
const T3_LOCATION: &str = "三、收到和处理政府信息公开申请情况";
const T4_LOCATION: &str = "四、政府信息公开行政复议、行政诉讼情况";

fn t2_stock(r: &AnnualReport, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
    let Some(prev) = ctx.previous.filter(|p| p.year + 1 == r.year) else {
        return;
    };
    for ((key, label, now), (_, _, before)) in stocks(r).into_iter().zip(stocks(prev)) {
        let (Some(stock), Some(issued), Some(repealed), Some(last)) =
            (now.in_force, now.issued, now.repealed, before.in_force)
        else {
            continue;
        };
        let expected = last + issued - repealed;
        if stock != expected {
            out.push(Finding {
                row: Some(key.to_owned()),
                column: Some("in_force".to_owned()),
                expected: Some(expected),
                found: Some(stock),
                location: Some(T2_LOCATION.to_owned()),
                ..finding(
                    Relation::T2Stock,
                    Severity::Warning,
                    format!(
                        "{label}：上年现行有效{last}件，加本年制发{issued}件、减本年废止{repealed}件应为{expected}件，但现行有效件数为{stock}件；如有失效或修订，请在正文中说明"
                    ),
                )
            });
        }
    }
}

/// A finding on one cell of table 二 that should have been 0: (row, column, the figure found).
fn t2_cell(
    (row, column, found): (&str, &str, i64),
    relation: Relation,
    severity: Severity,
    message: String,
) -> Finding {
    Finding {
        severity,
        location: Some(T2_LOCATION.to_owned()),
        ..cell_finding(relation, row, column, 0, found, message)
    }
}

fn t2_rule(r: &AnnualReport, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
    let Some(kind) = ctx.agency_kind.filter(|k| !k.may_make_rules()) else {
        return;
    };
    let rules = r.table2.rules;
    for (col, cell, severity) in [
        ("issued", rules.issued, Severity::Error),
        ("repealed", rules.repealed, Severity::Warning),
        ("in_force", rules.in_force, Severity::Warning),
    ] {
        if let Some(v) = cell
            && v != 0
        {
            out.push(t2_cell(
                ("rules", col, v),
                Relation::T2Rule,
                severity,
                format!(
                    "{}没有规章制定权，规章一行应填0，此处为{v}；本机关制发的文件应计入“行政规范性文件”",
                    kind.label()
                ),
            ));
        }
    }
}

fn t2_unit(r: &AnnualReport, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
    let t = &r.table2;
    let counts = [
        ("rules", "issued", t.rules.issued),
        ("rules", "repealed", t.rules.repealed),
        ("rules", "in_force", t.rules.in_force),
        (
            "normative_documents",
            "issued",
            t.normative_documents.issued,
        ),
        (
            "normative_documents",
            "repealed",
            t.normative_documents.repealed,
        ),
        (
            "normative_documents",
            "in_force",
            t.normative_documents.in_force,
        ),
        ("licensing", "decisions", t.licensing.decisions),
        ("penalties", "decisions", t.penalties.decisions),
        (
            "coercive_measures",
            "decisions",
            t.coercive_measures.decisions,
        ),
    ];
    for (row, col, cell) in counts {
        if let Some(v) = cell
            && v < 0
        {
            out.push(t2_cell(
                (row, col, v),
                Relation::T2Unit,
                Severity::Error,
                format!("表二中件数为负数{v}；应为0或正整数"),
            ));
        }
    }
    if let Some(amount) = t.fees.amount_wan_yuan {
        let max = ctx
            .fee_plausible_max
            .unwrap_or(WanYuan::from_fen(10_000 * 1_000_000));
        let problem = if amount.is_negative() {
            Some((
                Severity::Error,
                format!("行政事业性收费金额为负数{amount}万元；应为0或正数"),
            ))
        } else if amount > max {
            Some((
                Severity::Warning,
                format!(
                    "行政事业性收费金额为{amount}万元，超过{max}万元，可能误以“元”为单位填写；本栏单位为万元"
                ),
            ))
        } else {
            None
        };
        if let Some((severity, message)) = problem {
            out.push(Finding {
                row: Some("fees".to_owned()),
                column: Some("amount_wan_yuan".to_owned()),
                location: Some(T2_LOCATION.to_owned()),
                ..finding(Relation::T2Unit, severity, message)
            });
        }
    }
}

/// A number the text states, and the cell it must equal.
struct TextClaim {
    pattern: Regex,
    what: &'static str,
    row: Option<&'static str>,
}

static TEXT_CLAIMS: LazyLock<Vec<TextClaim>> = LazyLock::new(|| {
    let claim = |p: &str, what, row| TextClaim {
        pattern: Regex::new(p).expect("text claim patterns are valid"),
        what,
        row,
    };
    let mut v = vec![
        claim(r"累计主动公开政府信息(\d+)条", "主动公开政府信息总数", None),
        claim(
            r"新收政府信息公开申请(\d+)件",
            "本年新收申请",
            Some("received"),
        ),
        claim(
            r"上年结转政府信息公开申请(\d+)件",
            "上年结转申请",
            Some("carried_in"),
        ),
        claim(r"办结(\d+)件", "本年度办结（办理结果总计）", Some("total")),
        claim(
            r"结转下年度继续办理(\d+)件",
            "结转下年度继续办理",
            Some("carried_out"),
        ),
        claim(r"行政复议(\d+)件", "行政复议案件", None),
        claim(r"行政诉讼(\d+)件", "行政诉讼案件", None),
    ];
    for g in OutcomeGroup::ALL {
        v.push(claim(
            &format!(r"(?:其中|，|、){}(\d+)件", g.short_label()),
            g.short_label(),
            None,
        ));
    }
    v
});

static NO_REQUESTS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"未收到(?:任何)?政府信息公开申请").expect("valid pattern"));
static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"自(\d{4})年1月1日(?:起)?至(\d{4})年12月31日").expect("valid pattern")
});

fn tx_text(r: &AnnualReport, out: &mut Vec<Finding>) {
    let text = r.sections.overview_text();
    let t3 = &r.table3;
    let total = |row: Table3Row| t3.get(row, Table3Col::Total);
    let litigation: Option<i64> = CaseKind::ALL
        .iter()
        .filter(|k| k.is_litigation())
        .map(|k| r.table4.group(*k).total)
        .sum();
    let mut push = |what: &str, row: Option<&str>, expected: i64, found: i64, quote: &str| {
        out.push(Finding {
            row: row.map(str::to_owned),
            column: row.map(|_| "total".to_owned()),
            expected: Some(expected),
            found: Some(found),
            location: Some(format!("一、总体情况：“{quote}”")),
            ..finding(
                Relation::TxText,
                Severity::Error,
                format!("正文写{what}{found}，但表格中为{expected}；请使正文与表格一致"),
            )
        });
    };
    for claim in TEXT_CLAIMS.iter() {
        for caps in claim.pattern.captures_iter(&text) {
            let Ok(found) = caps[1].parse::<i64>() else {
                continue;
            };
            let expected = match (claim.what, claim.row) {
                (_, Some(key)) => Table3Row::from_key(key).and_then(total),
                ("主动公开政府信息总数", None) => Some(r.proactive.total),
                ("行政复议案件", None) => r.table4.reconsideration.total,
                ("行政诉讼案件", None) => litigation,
                (label, None) => OutcomeGroup::ALL
                    .into_iter()
                    .find(|g| g.short_label() == label)
                    .and_then(|g| t3.group_sum(g, Table3Col::Total)),
            };
            if let Some(expected) = expected
                && expected != found
            {
                push(claim.what, claim.row, expected, found, &caps[0]);
            }
        }
    }
    for c in &r.proactive.by_category {
        for (quote, found) in category_claims(&r.sections.proactive, &c.category) {
            if found != c.count {
                push(
                    &format!("“{}”栏目主动公开", c.category),
                    None,
                    c.count,
                    found,
                    &quote,
                );
            }
        }
    }
    if let Some(m) = NO_REQUESTS.find(&text)
        && let Some(received) = total(Table3Row::Received)
        && received != 0
    {
        push("本年新收申请", Some("received"), received, 0, m.as_str());
    }
}

/// "…，重点民生4条" claims about one category: the number after each mention followed by 条. A
/// plain search (no regex per category) keeps checking fast over many reports.
fn category_claims(text: &str, category: &str) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    if category.is_empty() {
        return out;
    }
    for (at, _) in text.match_indices(category) {
        let preceded = text[..at]
            .chars()
            .next_back()
            .is_some_and(|p| matches!(p, '，' | ',' | '、'));
        let rest = &text[at + category.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if preceded
            && !digits.is_empty()
            && rest[digits.len()..].starts_with('条')
            && let Ok(n) = digits.parse()
        {
            out.push((format!("{category}{digits}条"), n));
        }
    }
    out
}

static FEE_WORDS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"信息处理费|收费").expect("valid pattern"));

fn tx_fee(r: &AnnualReport, out: &mut Vec<Finding>) {
    let other: String = r.sections.other_parts().iter().map(|(_, t)| *t).collect();
    let unpaid = r
        .table3
        .get(
            Table3Row::Outcome(crate::request::Outcome::OtherFeeUnpaid),
            Table3Col::Total,
        )
        .unwrap_or(0);
    if !FEE_WORDS.is_match(&other) {
        let (severity, message) = if unpaid > 0 {
            (
                Severity::Error,
                format!(
                    "表三有{unpaid}件申请因逾期未缴费不再处理，但第六部分未说明收费通知和信息处理费收取情况"
                ),
            )
        } else {
            (
                Severity::Warning,
                "第六部分未说明信息处理费收取情况；未收取的也应写明“未收取信息处理费”".to_owned(),
            )
        };
        out.push(Finding {
            row: (unpaid > 0).then(|| "other.fee_unpaid".to_owned()),
            location: Some("六、其他需要报告的事项".to_owned()),
            ..finding(Relation::TxFee, severity, message)
        });
    }
}

fn tx_period(r: &AnnualReport, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
    let y = r.year;
    let period = |severity, message| Finding {
        location: Some("一、总体情况".to_owned()),
        ..finding(Relation::TxPeriod, severity, message)
    };
    // The 条例 took effect on 2008-05-01; no annual report predates it.
    if !(2008..=9999).contains(&y) {
        out.push(period(
            Severity::Error,
            format!("报告年度{y}无效；政府信息公开工作年度报告始于2008年"),
        ));
        return;
    }
    if r.format != ReportFormat::for_year(y) {
        let (severity, message) = if y >= 2021 {
            (
                Severity::Error,
                format!("{y}年度报告应使用国办公开办函〔2021〕30号格式，不应使用2019年格式"),
            )
        } else {
            (
                Severity::Warning,
                format!("{y}年度报告通常使用国办公开办函〔2019〕60号格式"),
            )
        };
        out.push(period(severity, message));
    }
    if let Some(today) = ctx.today
        && today.year() <= y
    {
        out.push(period(
            Severity::Warning,
            format!("{y}年尚未结束（今天是{today}），报告中的数字仍会变化；年度结束后再发布"),
        ));
    }
    let text = r.sections.overview_text();
    for caps in PERIOD.captures_iter(&text) {
        let (from, to) = (caps[1].parse::<i32>().ok(), caps[2].parse::<i32>().ok());
        if from != Some(y) || to != Some(y) {
            out.push(period(
                Severity::Error,
                format!(
                    "正文写统计期“{}”，与报告年度{y}年不符；统计期应为{y}年1月1日至12月31日",
                    &caps[0]
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests;

//! The report as data. Every statutory label of the 2021 format is defined here, once; renderers and
//! parsers read these definitions so the printed text and the machine keys cannot drift apart.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::agency::AgencyRef;
use crate::case::{CaseKind, CaseResult};
use crate::money::WanYuan;
use crate::request::{Outcome, OutcomeGroup, RequesterKind};

/// One figure of a table. `None` is a cell that could not be read from an imported report (the
/// checker's `null`); a computed report has every cell.
pub type Cell = Option<i64>;

/// The six section headings, exact (spec §1.2).
pub const SECTION_HEADINGS: [&str; 6] = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
];

/// Section 五's heading in the 2019 format (国办公开办函〔2019〕60号).
pub const SECTION5_HEADING_2019: &str = "五、政府信息公开工作存在的主要问题及改进情况";

/// The five sub-headings of section 一 (the aspects 30号 names).
pub const OVERVIEW_HEADINGS: [&str; 5] = [
    "（一）主动公开",
    "（二）依申请公开",
    "（三）政府信息管理",
    "（四）政府信息公开平台建设",
    "（五）监督保障",
];

/// The sub-headings of section 六.
pub const OTHER_HEADINGS: [&str; 4] = [
    "（一）信息处理费收取情况",
    "（二）落实上级年度政务公开工作要点情况",
    "（三）人大代表建议和政协提案办理结果公开情况",
    "（四）政务公开工作创新情况",
];

/// Which statutory format a report follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportFormat {
    /// 国办公开办函〔2021〕30号, for report years 2021 onward.
    F2021,
    /// 国办公开办函〔2019〕60号 (试行), for report years 2019 and 2020.
    F2019,
}

impl ReportFormat {
    /// The format a report for `year` must use.
    pub const fn for_year(year: i32) -> Self {
        if year >= 2021 {
            Self::F2021
        } else {
            Self::F2019
        }
    }

    /// The key used in JSON (`"2021"`, `"2019"`).
    pub const fn key(self) -> &'static str {
        match self {
            Self::F2021 => "2021",
            Self::F2019 => "2019",
        }
    }
}

impl Serialize for ReportFormat {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for ReportFormat {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match String::deserialize(d)?.as_str() {
            "2021" => Ok(Self::F2021),
            "2019" => Ok(Self::F2019),
            other => Err(D::Error::custom(format!("unknown report format {other:?}"))),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Table 三
// ---------------------------------------------------------------------------------------------

/// The top-left header cell of table 三, literally.
pub const TABLE3_CORNER: &str =
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
/// The header over the seven numeric columns.
pub const TABLE3_APPLICANTS: &str = "申请人情况";
/// The header over the five organisation columns.
pub const TABLE3_ORGANISATIONS: &str = "法人或其他组织";
/// The row-spanning group cell over the outcome rows.
pub const TABLE3_OUTCOMES: &str = "三、本年度办理结果";

/// A column of table 三: one requester kind, or 总计.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table3Col {
    /// A requester kind's column.
    Requester(RequesterKind),
    /// 总计
    Total,
}

impl Table3Col {
    /// The seven columns in order.
    pub const ALL: [Self; 7] = [
        Self::Requester(RequesterKind::NaturalPerson),
        Self::Requester(RequesterKind::Business),
        Self::Requester(RequesterKind::Research),
        Self::Requester(RequesterKind::NonProfit),
        Self::Requester(RequesterKind::LegalService),
        Self::Requester(RequesterKind::OtherOrg),
        Self::Total,
    ];

    /// Position in [`Self::ALL`].
    pub const fn index(self) -> usize {
        match self {
            Self::Requester(k) => k.index(),
            Self::Total => 6,
        }
    }

    /// The machine key of spec §9.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Requester(k) => k.key(),
            Self::Total => "total",
        }
    }

    /// The statutory label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Requester(k) => k.label(),
            Self::Total => "总计",
        }
    }

    /// The column with this key.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == key)
    }
}

/// A row of table 三.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table3Row {
    /// 一、本年新收政府信息公开申请数量
    Received,
    /// 二、上年结转政府信息公开申请数量
    CarriedIn,
    /// One of the 21 leaf outcome rows under 三.
    Outcome(Outcome),
    /// （七）总计
    Total,
    /// 四、结转下年度继续办理
    CarriedOut,
}

impl Table3Row {
    /// The 25 rows in order.
    pub const ALL: [Self; 25] = {
        let mut rows = [Self::Received; 25];
        rows[1] = Self::CarriedIn;
        let mut i = 0;
        while i < 21 {
            rows[2 + i] = Self::Outcome(Outcome::ALL[i]);
            i += 1;
        }
        rows[23] = Self::Total;
        rows[24] = Self::CarriedOut;
        rows
    };

    /// Position in [`Self::ALL`].
    pub const fn index(self) -> usize {
        match self {
            Self::Received => 0,
            Self::CarriedIn => 1,
            Self::Outcome(o) => 2 + o.index(),
            Self::Total => 23,
            Self::CarriedOut => 24,
        }
    }

    /// The machine key of spec §9.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::CarriedIn => "carried_in",
            Self::Outcome(o) => o.key(),
            Self::Total => "total",
            Self::CarriedOut => "carried_out",
        }
    }

    /// The statutory label of the row's own cell (for outcome sub-rows, the numbered label).
    pub const fn label(self) -> &'static str {
        match self {
            Self::Received => "一、本年新收政府信息公开申请数量",
            Self::CarriedIn => "二、上年结转政府信息公开申请数量",
            Self::Outcome(o) => o.label(),
            Self::Total => "（七）总计",
            Self::CarriedOut => "四、结转下年度继续办理",
        }
    }

    /// The label with its group, for messages: "（三）不予公开 1.属于国家秘密".
    pub fn full_label(self) -> String {
        match self {
            Self::Outcome(o) if o.group().has_sub_rows() => {
                format!("{}{}", o.group().label(), o.label())
            }
            other => other.label().to_owned(),
        }
    }

    /// The row with this key.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// Table 三: 25 rows × 7 columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table3 {
    cells: [[Cell; 7]; 25],
}

impl Default for Table3 {
    /// A table of zeros (what a computed report starts from).
    fn default() -> Self {
        Self {
            cells: [[Some(0); 7]; 25],
        }
    }
}

impl Table3 {
    /// A table where no cell could be read.
    pub fn unread() -> Self {
        Self {
            cells: [[None; 7]; 25],
        }
    }

    /// One cell.
    pub fn get(&self, row: Table3Row, col: Table3Col) -> Cell {
        self.cells[row.index()][col.index()]
    }

    /// Sets one cell.
    pub fn set(&mut self, row: Table3Row, col: Table3Col, value: Cell) {
        self.cells[row.index()][col.index()] = value;
    }

    /// Adds one to a cell and to the row's 总计 (a computed table only).
    pub(crate) fn count(&mut self, row: Table3Row, requester: RequesterKind) {
        for col in [Table3Col::Requester(requester), Table3Col::Total] {
            let cell = &mut self.cells[row.index()][col.index()];
            *cell = Some(cell.unwrap_or(0) + 1);
        }
    }

    /// The sum of a group's leaf rows in one column, if every one was read.
    pub fn group_sum(&self, group: OutcomeGroup, col: Table3Col) -> Cell {
        group
            .outcomes()
            .map(|o| self.get(Table3Row::Outcome(o), col))
            .sum()
    }

    /// Every cell with its row and column.
    pub fn iter(&self) -> impl Iterator<Item = (Table3Row, Table3Col, Cell)> + '_ {
        Table3Row::ALL.into_iter().flat_map(move |r| {
            Table3Col::ALL
                .into_iter()
                .map(move |c| (r, c, self.get(r, c)))
        })
    }
}

impl Serialize for Table3 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Row<'a>(&'a [Cell; 7]);
        impl Serialize for Row<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(7))?;
                for col in Table3Col::ALL {
                    m.serialize_entry(col.key(), &self.0[col.index()])?;
                }
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(25))?;
        for row in Table3Row::ALL {
            m.serialize_entry(row.key(), &Row(&self.cells[row.index()]))?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Table3 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = BTreeMap::<String, BTreeMap<String, Cell>>::deserialize(d)?;
        let mut table = Self::unread();
        for (row_key, cols) in raw {
            let row = Table3Row::from_key(&row_key)
                .ok_or_else(|| D::Error::custom(format!("table3: unknown row {row_key:?}")))?;
            for (col_key, value) in cols {
                let col = Table3Col::from_key(&col_key).ok_or_else(|| {
                    D::Error::custom(format!("table3: unknown column {col_key:?}"))
                })?;
                table.set(row, col, value);
            }
        }
        Ok(table)
    }
}

// ---------------------------------------------------------------------------------------------
// Table 二
// ---------------------------------------------------------------------------------------------

/// 规章 or 行政规范性文件 figures: issued, repealed, in force (第二十条第（一）项).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Stock {
    /// 本年制发件数
    pub issued: Cell,
    /// 本年废止件数
    pub repealed: Cell,
    /// 现行有效件数
    pub in_force: Cell,
}

/// 本年处理决定数量 (第二十条第（五）（六）项).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Decisions {
    /// 本年处理决定数量
    pub decisions: Cell,
}

/// 本年收费金额（单位：万元） (第二十条第（八）项).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Fees {
    /// The amount in 万元, a decimal string in JSON.
    pub amount_wan_yuan: Option<WanYuan>,
}

/// Table 二: the four blocks of 第二十条.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table2 {
    /// 规章
    pub rules: Stock,
    /// 行政规范性文件
    pub normative_documents: Stock,
    /// 行政许可
    pub licensing: Decisions,
    /// 行政处罚
    pub penalties: Decisions,
    /// 行政强制
    pub coercive_measures: Decisions,
    /// 行政事业性收费
    pub fees: Fees,
}

impl Default for Table2 {
    /// Zeros everywhere (an agency that reports nothing in table 二).
    fn default() -> Self {
        let stock = Stock {
            issued: Some(0),
            repealed: Some(0),
            in_force: Some(0),
        };
        let decisions = Decisions { decisions: Some(0) };
        Self {
            rules: stock,
            normative_documents: stock,
            licensing: decisions,
            penalties: decisions,
            coercive_measures: decisions,
            fees: Fees {
                amount_wan_yuan: Some(WanYuan::ZERO),
            },
        }
    }
}

/// One block of table 二 as printed: a caption row, a header row and data rows.
#[derive(Debug, Clone, Copy)]
pub struct Table2Block {
    /// Caption spanning the table, e.g. 第二十条第（一）项.
    pub caption: &'static str,
    /// Column headers, first is 信息内容.
    pub headers: &'static [&'static str],
    /// Data rows: (machine key, label).
    pub rows: &'static [(&'static str, &'static str)],
}

/// The four blocks of table 二 in the 2021 format, exact (spec §1.4).
pub const TABLE2_BLOCKS: [Table2Block; 4] = [
    Table2Block {
        caption: "第二十条第（一）项",
        headers: &["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        rows: &[("rules", "规章"), ("normative_documents", "行政规范性文件")],
    },
    Table2Block {
        caption: "第二十条第（五）项",
        headers: &["信息内容", "本年处理决定数量"],
        rows: &[("licensing", "行政许可")],
    },
    Table2Block {
        caption: "第二十条第（六）项",
        headers: &["信息内容", "本年处理决定数量"],
        rows: &[("penalties", "行政处罚"), ("coercive_measures", "行政强制")],
    },
    Table2Block {
        caption: "第二十条第（八）项",
        headers: &["信息内容", "本年收费金额（单位：万元）"],
        rows: &[("fees", "行政事业性收费")],
    },
];

impl Table2 {
    /// A table with no figure entered: every cell `None`.
    pub fn unreported() -> Self {
        Self {
            rules: Stock::default(),
            normative_documents: Stock::default(),
            licensing: Decisions::default(),
            penalties: Decisions::default(),
            coercive_measures: Decisions::default(),
            fees: Fees::default(),
        }
    }

    /// The printed values of a row of [`TABLE2_BLOCKS`], by key; `None` where a cell is unread.
    pub fn row_values(&self, key: &str) -> Vec<Option<String>> {
        let n = |c: Cell| c.map(|v| v.to_string());
        match key {
            "rules" | "normative_documents" => {
                let s = if key == "rules" {
                    self.rules
                } else {
                    self.normative_documents
                };
                vec![n(s.issued), n(s.repealed), n(s.in_force)]
            }
            "licensing" => vec![n(self.licensing.decisions)],
            "penalties" => vec![n(self.penalties.decisions)],
            "coercive_measures" => vec![n(self.coercive_measures.decisions)],
            "fees" => vec![self.fees.amount_wan_yuan.map(|a| a.to_string())],
            _ => Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Table 四
// ---------------------------------------------------------------------------------------------

/// The header over the two litigation groups.
pub const TABLE4_LITIGATION: &str = "行政诉讼";
/// The five column labels of each group, in order.
pub const TABLE4_COLUMNS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];

/// The five figures of one group of table 四.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseTally {
    /// 结果维持
    pub upheld: Cell,
    /// 结果纠正
    pub corrected: Cell,
    /// 其他结果
    pub other: Cell,
    /// 尚未审结
    pub pending: Cell,
    /// 总计
    pub total: Cell,
}

impl Default for CaseTally {
    fn default() -> Self {
        Self {
            upheld: Some(0),
            corrected: Some(0),
            other: Some(0),
            pending: Some(0),
            total: Some(0),
        }
    }
}

impl CaseTally {
    /// The five cells in column order.
    pub const fn cells(&self) -> [Cell; 5] {
        [
            self.upheld,
            self.corrected,
            self.other,
            self.pending,
            self.total,
        ]
    }

    pub(crate) fn count(&mut self, result: Option<CaseResult>) {
        let cell = match result {
            Some(CaseResult::Upheld) => &mut self.upheld,
            Some(CaseResult::Corrected) => &mut self.corrected,
            Some(CaseResult::Other) => &mut self.other,
            None => &mut self.pending,
        };
        *cell = Some(cell.unwrap_or(0) + 1);
        self.total = Some(self.total.unwrap_or(0) + 1);
    }
}

/// Table 四: 行政复议, and 行政诉讼 split into 未经复议直接起诉 and 复议后起诉.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Table4 {
    /// 行政复议
    pub reconsideration: CaseTally,
    /// 未经复议直接起诉
    pub litigation_direct: CaseTally,
    /// 复议后起诉
    pub litigation_after_reconsideration: CaseTally,
}

impl Table4 {
    /// The group for a case kind.
    pub fn group(&self, kind: CaseKind) -> &CaseTally {
        match kind {
            CaseKind::Reconsideration => &self.reconsideration,
            CaseKind::LitigationDirect => &self.litigation_direct,
            CaseKind::LitigationAfterReconsideration => &self.litigation_after_reconsideration,
        }
    }

    /// The group for a case kind, to change.
    pub fn group_mut(&mut self, kind: CaseKind) -> &mut CaseTally {
        match kind {
            CaseKind::Reconsideration => &mut self.reconsideration,
            CaseKind::LitigationDirect => &mut self.litigation_direct,
            CaseKind::LitigationAfterReconsideration => &mut self.litigation_after_reconsideration,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Section 一 figures and the narrative
// ---------------------------------------------------------------------------------------------

/// Items proactively disclosed in one catalogue category during the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProactiveCategory {
    /// The category's name as the agency's catalogue has it.
    pub category: String,
    /// Items published in it during the year.
    pub count: i64,
}

/// The proactive-disclosure figures section 一 quotes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Proactive {
    /// Items published during the year.
    pub total: i64,
    /// Per category, in catalogue order (categories without items included, with 0).
    pub by_category: Vec<ProactiveCategory>,
}

/// The text of sections 一, 五 and 六. Parts derived from data (the counts in 一（一）（二） and the
/// fee sentence in 六（一）) are generated; the rest is written by staff.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Narrative {
    /// The opening paragraph under 一、总体情况 (staff's; absent from older reports).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub opening: String,
    /// 一（一）主动公开
    pub proactive: String,
    /// 一（二）依申请公开
    pub on_request: String,
    /// 一（三）政府信息管理
    pub management: String,
    /// 一（四）政府信息公开平台建设
    pub platform: String,
    /// 一（五）监督保障
    pub supervision: String,
    /// 五、存在的主要问题及改进情况
    pub problems: String,
    /// 六（一）信息处理费收取情况
    pub fees: String,
    /// 六（二）落实上级年度政务公开工作要点情况
    pub work_points: String,
    /// 六（三）人大代表建议和政协提案办理结果公开情况
    pub proposals: String,
    /// 六（四）政务公开工作创新情况
    pub innovation: String,
}

impl Narrative {
    /// Section 一's five parts with their sub-headings.
    pub fn overview_parts(&self) -> [(&'static str, &str); 5] {
        [
            (OVERVIEW_HEADINGS[0], self.proactive.as_str()),
            (OVERVIEW_HEADINGS[1], self.on_request.as_str()),
            (OVERVIEW_HEADINGS[2], self.management.as_str()),
            (OVERVIEW_HEADINGS[3], self.platform.as_str()),
            (OVERVIEW_HEADINGS[4], self.supervision.as_str()),
        ]
    }

    /// Section 一's text as one string, without sub-headings: what the checks of its sentences read.
    pub fn overview_text(&self) -> String {
        self.overview_parts().iter().map(|(_, t)| *t).collect()
    }

    /// Section 六's four parts with their sub-headings.
    pub fn other_parts(&self) -> [(&'static str, &str); 4] {
        [
            (OTHER_HEADINGS[0], self.fees.as_str()),
            (OTHER_HEADINGS[1], self.work_points.as_str()),
            (OTHER_HEADINGS[2], self.proposals.as_str()),
            (OTHER_HEADINGS[3], self.innovation.as_str()),
        ]
    }
}

// ---------------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------------

/// One agency's annual report for one year, computed or imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnualReport {
    /// Who reports.
    pub agency: AgencyRef,
    /// The report year (statistics period 1 January – 31 December).
    pub year: i32,
    /// Which statutory format.
    pub format: ReportFormat,
    /// Section 一's proactive figures.
    pub proactive: Proactive,
    /// Table 二.
    pub table2: Table2,
    /// Table 三.
    pub table3: Table3,
    /// Table 四.
    pub table4: Table4,
    /// Text of sections 一, 五, 六.
    pub sections: Narrative,
}

impl AnnualReport {
    /// The document title, e.g. 沂源县西里镇人民政府2024年政府信息公开工作年度报告.
    pub fn title(&self) -> String {
        title(&self.agency.name, self.year)
    }
}

/// The title of an agency's report of a year, as the format gives it (also where the report
/// itself is not at hand: a notice of its publication, a year not published).
pub fn title(agency_name: &str, year: i32) -> String {
    format!("{agency_name}{year}年政府信息公开工作年度报告")
}

impl fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_three_has_twenty_five_rows_with_unique_keys() {
        let keys: std::collections::HashSet<_> = Table3Row::ALL.iter().map(|r| r.key()).collect();
        assert_eq!(keys.len(), 25);
        for (i, r) in Table3Row::ALL.iter().enumerate() {
            assert_eq!(r.index(), i);
            assert_eq!(Table3Row::from_key(r.key()), Some(*r));
        }
        for (i, c) in Table3Col::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
        }
    }

    #[test]
    fn table_three_json_round_trips_including_unread_cells() {
        let mut t = Table3::default();
        t.set(Table3Row::Total, Table3Col::Total, None);
        t.set(
            Table3Row::Received,
            Table3Col::Requester(RequesterKind::Research),
            Some(3),
        );
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["total"]["total"], serde_json::Value::Null);
        assert_eq!(json["received"]["research"], 3);
        assert_eq!(json["withheld.state_secret"]["other_org"], 0);
        let back: Table3 = serde_json::from_value(json).unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn unknown_table_three_keys_are_refused() {
        let bad = serde_json::json!({"recieved": {"total": 1}});
        assert!(serde_json::from_value::<Table3>(bad).is_err());
    }

    #[test]
    fn table_two_has_ten_numeric_cells() {
        let cells: usize = TABLE2_BLOCKS
            .iter()
            .map(|b| b.rows.len() * (b.headers.len() - 1))
            .sum();
        assert_eq!(cells, 10);
    }
}

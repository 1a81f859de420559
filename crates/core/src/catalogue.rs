//! The 主动公开基本目录 (`spec/letters-guide-catalogue.md` §3): an agency's columns in order, one
//! level of sub-columns, each with what goes in it, its time limit (a rule the deadline engine
//! reads, not only text), its legal basis, and a 未涉及 mark for areas the agency does not handle.
//!
//! Staff edit it as plain text, one column per line, because that is what they already keep in
//! their Word tables: `名称 | 内容说明 | 公开时限 | 依据 | 未涉及`, a sub-column starting with `-`.

use serde::{Deserialize, Serialize};

/// Longest column name.
pub const NAME_MAX: usize = 40;

/// One column (栏目) of the catalogue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Column {
    /// The column's name, unique within the agency (items are filed under it).
    pub name: String,
    /// The first-level column this one sits under, if it is a sub-column.
    pub parent: Option<String>,
    /// 公开内容（要素）: what goes in it.
    pub description: String,
    /// 公开时限 as written, e.g. `10个工作日` or `信息形成或者变更之日起20个工作日内`.
    pub deadline: String,
    /// 公开依据.
    pub basis: String,
    /// 未涉及: the agency has no such work; shown so on the portal instead of an empty list.
    pub not_involved: bool,
}

/// The column of the agency's own disclosure rules, one of the four columns of
/// 国办公开办函〔2019〕61号 beside the 指南, the 法定主动公开内容 and the annual reports: its items are
/// kept like any other, but it is not a column of the 主动公开基本目录 (the annual report does not
/// list it among the catalogue's categories).
pub const RULES_COLUMN: &str = "政府信息公开制度";

/// How long after the information is formed or changed it must be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Working days (条例 第二十六条's default is 20).
    WorkingDays(u32),
    /// Calendar days (e.g. 预算法 第十四条: 20 days after approval).
    Days(u32),
}

/// The 条例 第二十六条 default.
pub const DEFAULT_PERIOD: Period = Period::WorkingDays(20);

impl Column {
    /// The column's time limit as a rule: the number in its 公开时限 (`N个工作日`, `N日`/`N天`),
    /// else the 条例's 20 working days.
    pub fn period(&self) -> Period {
        parse_period(&self.deadline).unwrap_or(DEFAULT_PERIOD)
    }

    /// The 公开时限 to show: as written, or the 条例's default when none was.
    pub fn deadline_text(&self) -> &str {
        if self.deadline.trim().is_empty() {
            DEFAULT_DEADLINE_TEXT
        } else {
            &self.deadline
        }
    }
}

/// The time limit of the column called `name` (the 条例's default for a name not in `columns`).
pub fn period_of(columns: &[Column], name: &str) -> Period {
    columns
        .iter()
        .find(|c| c.name == name)
        .map_or(DEFAULT_PERIOD, Column::period)
}

/// The default time limit as the catalogue states it (条例 第二十六条).
pub const DEFAULT_DEADLINE_TEXT: &str = "信息形成或者变更之日起20个工作日内";

/// Reads a time limit: the first number followed by 个工作日/工作日 (working days) or 日/天/个自然日
/// (calendar days). Text without a number of days (`变更后及时更新`) gives `None`.
pub fn parse_period(text: &str) -> Option<Period> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
        if !digit(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && digit(chars[i]) {
            i += 1;
        }
        let n: u32 = chars[start..i]
            .iter()
            .map(|c| {
                if c.is_ascii_digit() {
                    *c
                } else {
                    char::from_u32(u32::from(*c) - u32::from('０') + u32::from('0')).unwrap_or('0')
                }
            })
            .collect::<String>()
            .parse()
            .ok()?;
        let rest: String = chars[i..].iter().collect();
        let rest = rest.trim_start();
        if rest.starts_with("个工作日") || rest.starts_with("工作日") {
            return (n > 0).then_some(Period::WorkingDays(n));
        }
        if rest.starts_with("个自然日") || rest.starts_with('日') || rest.starts_with('天') {
            return (n > 0).then_some(Period::Days(n));
        }
    }
    None
}

/// A line of the editor that cannot be read, with its number (1-based) and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("第{line}行：{message}")]
pub struct ParseError {
    /// Line number.
    pub line: usize,
    /// What is wrong and what to do.
    pub message: String,
}

/// One row of the catalogue as the table editor (or a line of the text) gives it: a column, or a
/// sub-column of the nearest first-level row above it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Row {
    /// The column's name.
    pub name: String,
    /// The name it had when the editor opened (empty for a new row): a different `name` is a
    /// renaming, and the column keeps its items.
    pub was: String,
    /// Whether it sits under the first-level column above it.
    pub child: bool,
    /// 公开内容（要素）.
    pub description: String,
    /// 公开时限.
    pub deadline: String,
    /// 公开依据.
    pub basis: String,
    /// 未涉及.
    pub not_involved: bool,
}

impl Row {
    /// A row with nothing typed in it (added and left empty): skipped, not refused.
    pub fn is_blank(&self) -> bool {
        self.name.trim().is_empty()
            && self.description.trim().is_empty()
            && self.basis.trim().is_empty()
            && self.was.is_empty()
    }

    /// The row as it stands in `columns` (the editor's starting point).
    pub fn of(column: &Column) -> Self {
        Self {
            name: column.name.clone(),
            was: column.name.clone(),
            child: column.parent.is_some(),
            description: column.description.clone(),
            deadline: column.deadline.clone(),
            basis: column.basis.clone(),
            not_involved: column.not_involved,
        }
    }
}

/// The 公开时限 offered in the table editor, each one the deadline engine reads
/// ([`parse_period`]): 条例 第二十六条's default first, then the shorter limits the default
/// catalogues use (政策解读 3 working days after the document, 社会救助 10) and 预算法 第十四条's
/// 20 days after approval.
pub const DEADLINE_CHOICES: [&str; 6] = [
    "20个工作日",
    "10个工作日",
    "7个工作日",
    "5个工作日",
    "3个工作日",
    "批准后20日",
];

/// Whether `name` could be some catalogue's 栏目: not longer than [`NAME_MAX`] and without a
/// control character. A search's 栏目 filter that could not is left out of the search and the
/// page says so; one that could (an old link to a 栏目 since renamed) is searched as given.
pub fn could_be_name(name: &str) -> bool {
    name.chars().count() <= NAME_MAX && !crate::text::has_control(name, false)
}

/// The catalogue the rows describe, or every row's problem (by row index, 0-based) so the
/// editor shows them all at once. Blank rows are skipped; a row marked as a sub-column needs a
/// first-level column above it; names are required, at most [`NAME_MAX`] characters and unique.
pub fn from_rows(rows: &[Row]) -> Result<Vec<Column>, Vec<(usize, String)>> {
    let mut columns: Vec<Column> = Vec::new();
    let mut problems = Vec::new();
    let mut current_top: Option<String> = None;
    for (i, row) in rows.iter().enumerate() {
        if row.is_blank() {
            continue;
        }
        let name = row.name.trim().to_owned();
        if name.is_empty() {
            problems.push((i, "栏目名称不能为空。".to_owned()));
            continue;
        }
        if name.chars().count() > NAME_MAX {
            problems.push((i, format!("栏目名称“{name}”超过{NAME_MAX}个字。")));
        }
        if columns.iter().any(|c| c.name == name) {
            problems.push((
                i,
                format!("栏目“{name}”重复了；同一机关的栏目名称不能相同。"),
            ));
        }
        let parent = if row.child {
            if current_top.is_none() {
                problems.push((i, "子栏目前面要先有一个一级栏目。".to_owned()));
            }
            current_top.clone()
        } else {
            current_top = Some(name.clone());
            None
        };
        columns.push(Column {
            name,
            parent,
            description: row.description.trim().to_owned(),
            deadline: row.deadline.trim().to_owned(),
            basis: row.basis.trim().to_owned(),
            not_involved: row.not_involved,
        });
    }
    if columns.is_empty() && problems.is_empty() {
        problems.push((0, "目录至少要有一个栏目。".to_owned()));
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    }
}

/// Renamings the rows ask for: (old name, new name) for each row whose name changed.
pub fn renames(rows: &[Row]) -> Vec<(String, String)> {
    rows.iter()
        .filter(|r| !r.was.is_empty() && !r.name.trim().is_empty() && r.name.trim() != r.was)
        .map(|r| (r.was.clone(), r.name.trim().to_owned()))
        .collect()
}

/// Reads the editor's text (the catalogue's import and export format). Blank lines are skipped;
/// `-` (or `－`) starts a sub-column of the nearest first-level column above it.
pub fn parse(text: &str) -> Result<Vec<Column>, ParseError> {
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        let err = |message: String| ParseError { line, message };
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        let (child, rest) = match trimmed.strip_prefix(['-', '－']) {
            Some(rest) => (true, rest.trim_start()),
            None => (false, trimmed),
        };
        if child && rest.starts_with(['-', '－']) {
            return Err(err(
                "目录只设两级：子栏目下不能再分栏目，请去掉多余的“-”。".into()
            ));
        }
        let fields: Vec<&str> = rest.split(['|', '｜']).map(str::trim).collect();
        if fields.len() > 5 {
            return Err(err(
                "一行最多五项：名称 | 内容说明 | 公开时限 | 依据 | 未涉及。".into(),
            ));
        }
        let field = |i: usize| fields.get(i).copied().unwrap_or("").to_owned();
        let not_involved = match field(4).as_str() {
            "" => false,
            "未涉及" => true,
            other => {
                return Err(err(format!("第五项只能写“未涉及”或留空，收到“{other}”。")));
            }
        };
        if field(0).is_empty() {
            return Err(err("栏目名称不能为空。".into()));
        }
        rows.push(Row {
            name: field(0),
            was: String::new(),
            child,
            description: field(1),
            deadline: field(2),
            basis: field(3),
            not_involved,
        });
        lines.push(line);
    }
    from_rows(&rows).map_err(|problems| {
        let (i, message) = problems.into_iter().next().unwrap_or_default();
        let message = message.replace("子栏目前面", "子栏目（以“-”开头）前面");
        ParseError {
            line: lines.get(i).copied().unwrap_or(1),
            message,
        }
    })
}

/// The editor's text for `columns` (what [`parse`] reads back).
pub fn to_text(columns: &[Column]) -> String {
    let mut out = String::new();
    for c in columns {
        let mut fields = vec![
            c.name.as_str(),
            c.description.as_str(),
            c.deadline.as_str(),
            c.basis.as_str(),
            if c.not_involved { "未涉及" } else { "" },
        ];
        while fields.len() > 1 && fields.last().is_some_and(|f| f.is_empty()) {
            fields.pop();
        }
        if c.parent.is_some() {
            out.push_str("- ");
        }
        out.push_str(&fields.join(" | "));
        out.push('\n');
    }
    out
}

/// Orders columns so every sub-column follows its parent (columns whose parent is gone become
/// first-level), keeping the given order otherwise.
pub fn tree_order(columns: Vec<Column>) -> Vec<Column> {
    let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    let (tops, children): (Vec<Column>, Vec<Column>) = columns.into_iter().partition(|c| {
        c.parent
            .as_ref()
            .is_none_or(|p| !names.contains(p) || p == &c.name)
    });
    let mut out = Vec::with_capacity(tops.len() + children.len());
    for mut top in tops {
        top.parent = None;
        let name = top.name.clone();
        out.push(top);
        out.extend(
            children
                .iter()
                .filter(|c| c.parent.as_deref() == Some(name.as_str()))
                .cloned(),
        );
    }
    // A child whose parent is itself a child: lift it to first level (one level only).
    for c in children {
        if !out.iter().any(|o| o.name == c.name) {
            out.push(Column { parent: None, ..c });
        }
    }
    out
}

/// The catalogue an agency without one starts from: the spec's default for its kind (a department
/// discloses what a department holds; a town, street or county government what a government does).
pub fn default_text(kind: crate::AgencyKind) -> &'static str {
    match kind {
        crate::AgencyKind::Department => DEPARTMENT_DEFAULT,
        _ => TOWN_DEFAULT,
    }
}

/// The default catalogue of a 乡（镇）人民政府 (`spec/letters-guide-catalogue.md` §3.3), offered to
/// an agency that has none yet.
pub const TOWN_DEFAULT: &str = "\
机构职能 | 机构设置、职能、领导信息、办公地址和时间、联系方式 | 20个工作日 | 条例第二十条第（二）项
- 机构设置及职能 | 职能、内设机构及职责 | 20个工作日 | 条例第二十条第（二）项
- 领导信息 | 姓名、职务、分工 | 20个工作日 | 条例第二十条第（二）项
政策文件 | 本机关制发的文件 | 20个工作日 | 条例第二十条第（一）项
- 行政规范性文件 | 全文、文号、成文和发布日期、有效性，链接解读 | 20个工作日 | 条例第二十条第（一）项
- 其他文件 | 主动公开属性的其他文件 | 20个工作日 | 条例第十九条
- 政策解读 | 文字、图解、视频解读，与文件相互链接 | 3个工作日 | 国办发〔2016〕80号
规划计划 | 发展规划、年度工作计划和总结 | 20个工作日 | 条例第二十条第（三）项
财政信息 | 政府预决算、三公经费及说明 | 批准后20日 | 条例第二十条第（七）项；预算法第十四条
重要会议 | 政府全体会议、常务会议决定事项 | 20个工作日
人事信息 | 人事任免、招录招聘 | 20个工作日 | 条例第二十条第（十四）项
重点民生 | 社会救助、养老服务、就业、社会保险等 | 20个工作日 | 条例第二十条第（十一）项、第二十一条
- 社会救助 | 低保、特困供养、临时救助政策、办事指南、审核审批名单 | 10个工作日 | 条例第二十一条
乡村振兴 | 贯彻落实农业农村政策 | 20个工作日 | 条例第二十一条
- 涉农补贴 | 政策依据、申请指南、补贴结果、监督渠道 | 20个工作日 | 条例第二十一条
- 农田水利工程建设运营 | 项目和运营情况 | 20个工作日 | 条例第二十一条
- 农村土地承包经营权流转 | 流转情况 | 20个工作日 | 条例第二十一条
- 宅基地使用情况审核 | 审核结果 | 20个工作日 | 条例第二十一条
- 筹资筹劳 | 一事一议等 | 20个工作日 | 条例第二十一条
土地征收和房屋征收 | 征地告知书、补偿安置方案公告 | 20个工作日 | 条例第二十一条
应急管理 | 应急预案、预警信息、应对情况 | 20个工作日 | 条例第二十条第（十二）项
法治政府建设 | 法治政府建设年度报告、行政执法公示 | 20个工作日 | 厅字〔2019〕28号
统计信息 | 统计数据 | 20个工作日 | 条例第二十条第（四）项
行政事业性收费 | 收费项目、依据、标准 | 20个工作日 | 条例第二十条第（八）项
工作动态 | 工作信息、公示公告 | 20个工作日 | 条例第十九条
";

/// The default catalogue of a 县级人民政府部门 (`spec/letters-guide-catalogue.md` §3.4).
pub const DEPARTMENT_DEFAULT: &str = "\
机构职能 | 机构信息、领导信息、内设机构、所属单位 | 20个工作日 | 条例第二十条第（二）项
政策文件 | 部门文件、行政规范性文件、政策解读、文件清理 | 20个工作日 | 条例第二十条第（一）项
- 行政规范性文件 | 全文、文号、有效性，链接解读 | 20个工作日 | 条例第二十条第（一）项
- 政策解读 | 与文件相互链接 | 3个工作日 | 国办发〔2016〕80号
履职依据 | 本部门适用的法律法规规章 | 20个工作日
规划计划 | 专项规划、年度计划和总结 | 20个工作日 | 条例第二十条第（三）项
财政信息 | 部门预决算、三公经费 | 批复后20日 | 条例第二十条第（七）项；预算法第十四条第二款
行政执法 | 行政许可、行政处罚、行政强制、双随机抽查 | 7个工作日 | 条例第二十条第（五）（六）项；国办发〔2018〕118号
政务服务 | 办事指南：受理条件、材料、流程、时限 | 20个工作日 | 条例第二十条第（五）项
收费采购项目 | 行政事业性收费、政府采购、重大建设项目 | 20个工作日 | 条例第二十条第（八）（九）（十）项
人事信息 | 任免、招录 | 20个工作日 | 条例第二十条第（十四）项
建议提案办理 | 人大代表建议、政协提案办理结果 | 20个工作日
应急管理 | 应急预案、预警信息 | 20个工作日 | 条例第二十条第（十二）项
统计信息 | 统计数据 | 20个工作日 | 条例第二十条第（四）项
工作动态 | 工作信息、公示公告 | 20个工作日 | 条例第十九条
";

impl crate::Refusal for ParseError {}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_name_a_catalogue_could_hold() {
        assert!(could_be_name("乡村振兴"));
        assert!(could_be_name(&"栏".repeat(NAME_MAX)));
        assert!(!could_be_name(&"栏".repeat(NAME_MAX + 1)));
        assert!(!could_be_name("乡村\u{0}振兴"));
        assert!(!could_be_name("乡村\n振兴"));
    }

    #[test]
    fn a_department_starts_from_the_department_catalogue_and_others_from_the_towns() {
        assert_eq!(
            default_text(crate::AgencyKind::Department),
            DEPARTMENT_DEFAULT
        );
        for kind in [
            crate::AgencyKind::Town,
            crate::AgencyKind::Street,
            crate::AgencyKind::CountyGovernment,
        ] {
            assert_eq!(default_text(kind), TOWN_DEFAULT);
        }
        assert!(parse(DEPARTMENT_DEFAULT).is_ok() && parse(TOWN_DEFAULT).is_ok());
    }

    #[test]
    fn reads_time_limits_as_rules() {
        assert_eq!(parse_period("10个工作日"), Some(Period::WorkingDays(10)));
        assert_eq!(
            parse_period("信息形成或者变更之日起20个工作日内"),
            Some(Period::WorkingDays(20))
        );
        assert_eq!(parse_period("批准后20日"), Some(Period::Days(20)));
        assert_eq!(parse_period("７个工作日"), Some(Period::WorkingDays(7)));
        assert_eq!(parse_period("2天"), Some(Period::Days(2)));
        assert_eq!(parse_period("变更后及时更新"), None);
        assert_eq!(parse_period("第3批"), None);
        assert_eq!(parse_period("0个工作日"), None);
        let c = Column {
            deadline: "及时".into(),
            ..Column::default()
        };
        assert_eq!(c.period(), DEFAULT_PERIOD);
    }

    #[test]
    fn a_column_is_found_by_name_and_shows_its_limit() {
        let columns = parse("社会救助 | | 10个工作日\n统计信息").unwrap_or_default();
        assert_eq!(period_of(&columns, "社会救助"), Period::WorkingDays(10));
        assert_eq!(period_of(&columns, "统计信息"), DEFAULT_PERIOD);
        assert_eq!(period_of(&columns, "没有的栏目"), DEFAULT_PERIOD);
        assert_eq!(columns[0].deadline_text(), "10个工作日");
        assert_eq!(columns[1].deadline_text(), DEFAULT_DEADLINE_TEXT);
    }

    #[test]
    fn the_editor_reads_two_levels_and_says_which_line_is_wrong() {
        let columns = parse(
            "政策文件 | 本机关文件\n- 政策解读 | 解读 | 3个工作日 | 80号\n\n统计信息 | | | | 未涉及\n",
        )
        .unwrap_or_default();
        assert_eq!(columns.len(), 3);
        assert_eq!(columns[1].parent.as_deref(), Some("政策文件"));
        assert_eq!(columns[1].period(), Period::WorkingDays(3));
        assert!(columns[2].not_involved && columns[2].parent.is_none());
        let e = |t: &str| parse(t).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e("- 孤儿").starts_with("第1行"));
        assert!(e("甲\n-- 乙").contains("两级"));
        assert!(e("甲\n甲").contains("重复"));
        assert!(e("甲 | | | | 是").contains("未涉及"));
        assert!(e("").contains("至少"));
        assert!(e(&"长".repeat(41)).contains("40"));
    }

    #[test]
    fn the_table_editor_says_what_is_wrong_with_every_row() {
        let row = |name: &str, child: bool| Row {
            name: name.into(),
            child,
            ..Row::default()
        };
        let rows = [
            row("- 孤儿", false),
            Row::default(),
            row("乙", true),
            row("甲", false),
            row("甲", false),
            Row {
                description: "无名".into(),
                ..Row::default()
            },
        ];
        let problems = from_rows(&rows).unwrap_err();
        let at: Vec<usize> = problems.iter().map(|(i, _)| *i).collect();
        assert_eq!(at, [4, 5], "{problems:?}");
        let rows = [row("乙", true), row("甲", false), row("丙", true)];
        assert_eq!(from_rows(&rows).unwrap_err()[0].0, 0);
        let columns = from_rows(&rows[1..]).unwrap_or_default();
        assert_eq!(columns[1].parent.as_deref(), Some("甲"));
        assert_eq!(
            from_rows(&[Row::default()]).unwrap_err()[0].1,
            "目录至少要有一个栏目。"
        );
    }

    #[test]
    fn a_renamed_row_is_a_renaming() {
        let rows = [
            Row {
                name: " 财政预决算 ".into(),
                was: "财政信息".into(),
                ..Row::default()
            },
            Row {
                name: "人事信息".into(),
                was: "人事信息".into(),
                ..Row::default()
            },
            Row {
                name: "新栏目".into(),
                ..Row::default()
            },
        ];
        assert_eq!(
            renames(&rows),
            [("财政信息".to_owned(), "财政预决算".to_owned())]
        );
    }

    #[test]
    fn every_deadline_offered_is_a_rule() {
        for choice in DEADLINE_CHOICES {
            assert!(parse_period(choice).is_some(), "{choice}");
        }
    }

    #[test]
    fn the_defaults_parse() {
        for text in [TOWN_DEFAULT, DEPARTMENT_DEFAULT] {
            let columns = parse(text).unwrap_or_default();
            assert!(columns.len() > 10);
            assert_eq!(to_text(&columns), text);
        }
    }

    fn column() -> impl Strategy<Value = Column> {
        (
            "[甲乙丙丁戊]{1,4}",
            any::<bool>(),
            "[a-z内容]{0,6}",
            prop_oneof![
                Just(String::new()),
                (1u32..60).prop_map(|n| format!("{n}个工作日"))
            ],
            "[条例第十条]{0,5}",
            any::<bool>(),
        )
            .prop_map(
                |(name, child, description, deadline, basis, not_involved)| Column {
                    name,
                    parent: child.then(String::new),
                    description,
                    deadline,
                    basis,
                    not_involved,
                },
            )
    }

    proptest! {
        /// Whatever the editor writes, it reads back the same.
        #[test]
        fn text_round_trips(mut columns in proptest::collection::vec(column(), 1..12)) {
            let mut seen = std::collections::HashSet::new();
            columns.retain(|c| seen.insert(c.name.clone()));
            let mut top: Option<String> = None;
            for c in &mut columns {
                if c.parent.is_some() {
                    c.parent.clone_from(&top);
                }
                if c.parent.is_none() {
                    top = Some(c.name.clone());
                }
            }
            let text = to_text(&columns);
            prop_assert_eq!(parse(&text).ok(), Some(columns));
        }
    }
}

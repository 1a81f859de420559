//! Reading published annual reports — plain text copied from a web page, HTML, DOCX, or gongkai's
//! own JSON — into the report model, with structural findings. The statutory labels come from
//! `gongkai-core`; the patterns here only tolerate how people and mirror sites write them.
//!
//! The reader is label-driven: it finds each row label of table 三 in order (in normalised text,
//! so labels broken over lines, full-width forms, Traditional characters and injected pinyin still
//! match), then reads the cells between that label and the next in whatever layout they come.

mod cells;
mod input;
mod normalize;

use std::collections::HashMap;
use std::sync::LazyLock;

use gongkai_core::WanYuan;
use gongkai_core::agency::{AgencyKind, AgencyRef, Slug};
use gongkai_core::case::CaseKind;
use gongkai_core::report::model::{
    CaseTally, Narrative, Proactive, ProactiveCategory, ReportFormat, SECTION_HEADINGS, Table2,
    Table3,
};
use gongkai_core::report::{
    AnnualReport, CheckContext, Finding, Relation, Severity, Table3Col, Table3Row, Table4, check,
};
use gongkai_core::request::Outcome;
use regex::Regex;

use cells::{BarMode, Cell, bar_mode, fit, read_region, split_glued};
use normalize::{Normalized, has_fullwidth_digits, normalize};

pub use input::{docx_to_text, html_to_text, xlsx_to_text};

/// What a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// Text copied from a page (also Markdown).
    Text,
    /// An HTML page.
    Html,
    /// A Word document.
    Docx,
    /// gongkai's JSON (spec §9).
    Json,
    /// A workbook laid out as gongkai exports it.
    Xlsx,
}

impl SourceKind {
    /// The kind for a file name's extension.
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "txt" | "md" | "markdown" => Some(Self::Text),
            "html" | "htm" | "shtml" => Some(Self::Html),
            "docx" => Some(Self::Docx),
            "json" => Some(Self::Json),
            "xlsx" => Some(Self::Xlsx),
            _ => None,
        }
    }
}

/// Why a file could not be checked (exit status 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Not readable at all.
    #[error("无法读取：{0}")]
    Unreadable(String),
    /// Readable, but no annual report in it.
    #[error("不是政府信息公开工作年度报告：{0}")]
    NotAReport(String),
}

/// A report as read, with the findings only the reading can see.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The figures and text (unread cells are `None`).
    pub report: AnnualReport,
    /// Structural findings (missing sections and tables, blank cells, label drift, old format).
    pub findings: Vec<Finding>,
    /// Line of each table-三 row label, for locating findings.
    lines: HashMap<&'static str, usize>,
}

// ---- patterns on normalised text --------------------------------------------------------------

static HEADINGS: LazyLock<[Regex; 6]> = LazyLock::new(|| {
    [
        r"一[、.]总体情况",
        r"二[、.]主动公开政府信息情况",
        r"三[、.]收到和处理政府信息公开申请情况",
        r"四[、.]政府信息公开行政复议[、.,]?行政诉讼情况",
        r"五[、.](?:政府信息公开工作)?存在的主要问题(?:及|和)改进情况",
        r"六[、.]其他需要报告的事项",
    ]
    .map(|p| Regex::new(p).expect("valid pattern"))
});
static SECTION5_2019: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"五[、.]政府信息公开工作存在的主要问题").expect("valid pattern"));

/// Tolerant pattern for each table-三 row, in table order.
fn row_pattern(row: Table3Row) -> &'static str {
    use Outcome as O;
    match row {
        Table3Row::Received => r"一[、.]?本年新收政府信息公开申请数量",
        Table3Row::CarriedIn => r"二[、.]?上年结转政府信息公开申请数量",
        Table3Row::Total => r"\(七\)总计",
        Table3Row::CarriedOut => r"四[、.]?结转下年度继续办理",
        Table3Row::Outcome(o) => match o {
            O::Disclosed => r"\(一\)予以公开",
            O::PartlyDisclosed => r"\(二\)部分公开(?:\([^)]{0,40}\))?",
            O::WithheldStateSecret => r"1\.属于国家秘密",
            O::WithheldProhibitedByLaw => r"2\.其他法律行政法规禁止公开",
            O::WithheldSecurityStability => r"3\.危及三安全一稳定",
            O::WithheldThirdParty => r"4\.保护第三方合法权益",
            O::WithheldInternalAffairs => r"5\.属于三类内[部容]事务信息",
            O::WithheldProcessInfo => r"6\.属于四类过程性信息",
            O::WithheldEnforcementFile => r"7\.属于行政执法案卷",
            O::WithheldQueryMatter => r"8\.属于行政查询事项",
            O::UnavailableNotHeld => r"1\.本机关不掌握相关政府信息",
            O::UnavailableNeedsCreation => r"2\.没有现成信息需要另行制作",
            O::UnavailableStillUnclear => r"3\.补正后申请内容仍不明确",
            O::NotProcessedPetition => r"1\.信访举报投诉类申请",
            O::NotProcessedRepeated => r"2\.重复申请",
            O::NotProcessedPublication => r"3\.要求提供公开出版物",
            O::NotProcessedExcessive => r"4\.无正当理由大量反复申请",
            O::NotProcessedConfirmOrReissue => r"5\.要求行政机关确认或重新出具已获取信息",
            O::OtherNoClarification => {
                r"1\.申请人无正当理由逾期不补正[、.,]?行政机关不再处理其政府信息公开申请"
            }
            O::OtherFeeUnpaid => {
                r"2\.申请人逾期未按收费通知要求缴纳费用[、.,]?行政机关不再处理其政府信息公开申请"
            }
            O::OtherOther => r"3\.其他",
        },
    }
}

static ROW_PATTERNS: LazyLock<Vec<(Table3Row, Regex)>> = LazyLock::new(|| {
    Table3Row::ALL
        .iter()
        .map(|r| (*r, Regex::new(row_pattern(*r)).expect("valid pattern")))
        .collect()
});
/// The 2019 format's single （六）其他处理 row (not followed by a numbered sub-row).
static OTHER_2019: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(六\)其他处理").expect("valid pattern"));

static TABLE2_ROWS: LazyLock<Vec<(&'static str, Regex, usize)>> = LazyLock::new(|| {
    [
        ("rules", r"规章", 3),
        ("normative_documents", r"(?:行政)?规范性文件", 3),
        ("licensing", r"行政许可", 1),
        ("penalties", r"行政处罚", 1),
        ("coercive_measures", r"行政强制", 1),
        ("fees", r"行政事业性收费", 1),
    ]
    .into_iter()
    .map(|(k, p, n)| (k, Regex::new(p).expect("valid pattern"), n))
    .collect()
});
static TABLE2_2019: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"本年新制作数量|上一年项目数量|其他对外管理服务事项|第二十条第\(九\)项|政府集中采购",
    )
    .expect("valid pattern")
});
static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.{0,60}?)(20\d{2}|19\d{2})年度?政府信息公开(?:工作)?年度报告")
        .expect("valid pattern")
});
static YEAR_ANY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(20\d{2})年度?政府信息公开").expect("valid pattern"));
static PROACTIVE_TOTAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"累计主动公开政府信息(\d+)条").expect("valid pattern"));
static PROACTIVE_SPLIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[，,、]([\u{4e00}-\u{9fff}]{2,12}?)(\d+)条").expect("valid pattern")
});

fn finding(
    relation: Relation,
    severity: Severity,
    message: String,
    location: Option<String>,
) -> Finding {
    Finding {
        location,
        ..Finding::new(relation, severity, message)
    }
}

/// Reads a file's bytes.
pub fn parse(bytes: &[u8], kind: SourceKind, name: &str) -> Result<Parsed, ParseError> {
    let text = match kind {
        SourceKind::Json => {
            let report: AnnualReport = serde_json::from_slice(bytes).map_err(|e| {
                ParseError::NotAReport(format!("JSON 不是 gongkai 年度报告格式：{e}"))
            })?;
            return Ok(Parsed {
                report,
                findings: Vec::new(),
                lines: HashMap::new(),
            });
        }
        SourceKind::Docx => docx_to_text(bytes).map_err(ParseError::Unreadable)?,
        SourceKind::Xlsx => xlsx_to_text(bytes).map_err(ParseError::Unreadable)?,
        SourceKind::Html | SourceKind::Text => {
            let text = decode(bytes)?;
            if kind == SourceKind::Html || looks_like_html(&text) {
                html_to_text(&text)
            } else {
                text
            }
        }
    };
    parse_text(&text, name)
}

fn decode(bytes: &[u8]) -> Result<String, ParseError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        ParseError::Unreadable("文件不是 UTF-8 编码的文本；请另存为 UTF-8 后再检查".into())
    })
}

fn looks_like_html(text: &str) -> bool {
    let head = text
        .get(..text.len().min(2000))
        .unwrap_or(text)
        .to_ascii_lowercase();
    head.contains("<html") || head.contains("<table") || head.contains("<!doctype html")
}

struct Reader<'a> {
    original: &'a str,
    norm: Normalized,
    bars: BarMode,
    findings: Vec<Finding>,
}

impl Reader<'_> {
    fn line_of(&self, norm_at: usize) -> usize {
        let at = self.norm.original(norm_at).min(self.original.len());
        self.original[..at].matches('\n').count() + 1
    }

    fn original_slice(&self, from: usize, to: usize) -> &str {
        let (a, b) = (self.norm.original(from), self.norm.original(to));
        self.original.get(a.min(b)..b.max(a)).unwrap_or("")
    }
}

/// Reads text (copied from a page, or converted from HTML/DOCX).
pub fn parse_text(text: &str, name: &str) -> Result<Parsed, ParseError> {
    let norm = normalize(text);
    let mut r = Reader {
        original: text,
        norm,
        bars: bar_mode(text),
        findings: Vec::new(),
    };
    let n = r.norm.text.clone();

    // Sections.
    let headings: Vec<Option<(usize, usize)>> = HEADINGS
        .iter()
        .map(|re| re.find(&n).map(|m| (m.start(), m.end())))
        .collect();
    let t3_start = headings[2].map_or(0, |h| h.1);
    let t3_end = headings[3]
        .or(headings[4])
        .map_or(n.len(), |h| h.0)
        .max(t3_start);
    let rows = find_rows(&n[t3_start..t3_end], t3_start);
    let found_sections = headings.iter().filter(|h| h.is_some()).count();
    if found_sections < 2 && rows.iter().filter(|r| r.1.is_some()).count() < 5 {
        return Err(ParseError::NotAReport(
            "找不到年度报告的章节标题和表格".into(),
        ));
    }

    for (i, h) in headings.iter().enumerate() {
        if h.is_none() {
            r.findings.push(finding(
                Relation::SMissingSection,
                Severity::Error,
                format!(
                    "缺少第{}部分“{}”",
                    ["一", "二", "三", "四", "五", "六"][i],
                    SECTION_HEADINGS[i]
                ),
                None,
            ));
        }
    }
    let section = |i: usize| -> (usize, usize) {
        let Some((_, start)) = headings[i] else {
            return (0, 0);
        };
        let end = headings[i + 1..]
            .iter()
            .flatten()
            .map(|h| h.0)
            .find(|s| *s >= start)
            .unwrap_or(n.len());
        (start, end)
    };

    // Title, year, agency.
    // The title is the first line that reads like one (a page may start with navigation).
    let title = text
        .lines()
        .map(|l| l.trim().trim_start_matches(['#', '*', '|']).trim())
        .filter(|l| !l.is_empty())
        .take(8)
        .find_map(|l| {
            TITLE
                .captures(&normalize(l).text)
                .map(|c| (c[1].to_owned(), c[2].parse::<i32>().ok()))
        });
    let year = title
        .as_ref()
        .and_then(|t| t.1)
        .or_else(|| YEAR_ANY.captures(&n).and_then(|c| c[1].parse().ok()))
        .ok_or_else(|| {
            ParseError::NotAReport(
                "找不到报告年度（标题应为“××××年政府信息公开工作年度报告”）".into(),
            )
        })?;
    let agency_name = title
        .map(|t| t.0)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "（未识别的机关）".to_owned());

    // Table 三.
    let (table3, format_2019, lines) = read_table3(&mut r, &rows, t3_end);
    // Table 二.
    let (s2_start, s2_end) = section(1);
    let table2 = read_table2(&mut r, s2_start, s2_end, headings[1].is_some(), year);
    // Table 四.
    let (s4_start, s4_end) = section(3);
    let table4 = read_table4(&mut r, s4_start, s4_end, headings[3].is_some());

    // Narrative and format.
    let (s1a, s1b) = section(0);
    let (s6a, s6b) = section(5);
    let overview = r.original_slice(s1a, s1b).to_owned();
    let other = r.original_slice(s6a, s6b).to_owned();
    let old_section5 = SECTION5_2019.is_match(&n);
    let format = if format_2019 || (old_section5 && year < 2021) {
        ReportFormat::F2019
    } else {
        ReportFormat::for_year(year)
    };
    if year >= 2021 && (format_2019 || old_section5) {
        let what = if format_2019 {
            "表三“（六）其他处理”只有一行"
        } else {
            "第五部分标题为“政府信息公开工作存在的主要问题及改进情况”"
        };
        r.findings.push(finding(
            Relation::SOldFormat,
            Severity::Warning,
            format!("{year}年度报告使用了2019年格式（{what}）；2021年起应使用国办公开办函〔2021〕30号格式"),
            None,
        ));
    }
    if has_fullwidth_digits(r.original_slice(t3_start, t3_end)) {
        r.findings.push(finding(
            Relation::SFullwidth,
            Severity::Warning,
            "表格中使用了全角数字（如“０”），机器无法直接读取；请改用半角数字".into(),
            None,
        ));
    }
    let proactive = read_proactive(&overview);
    let slug = slug_from(name);
    let report = AnnualReport {
        agency: AgencyRef {
            slug,
            name: agency_name,
        },
        year,
        format,
        proactive,
        table2,
        table3,
        table4,
        sections: Narrative {
            proactive: overview,
            fees: other,
            ..Narrative::default()
        },
    };
    Ok(Parsed {
        report,
        findings: r.findings,
        lines,
    })
}

fn slug_from(name: &str) -> Slug {
    let stem = std::path::Path::new(name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("report");
    let cleaned: String = stem
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let collapsed = cleaned
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let truncated: String = collapsed.chars().take(64).collect();
    Slug::parse(truncated.trim_matches('-'))
        .unwrap_or_else(|_| Slug::parse("report").expect("valid slug"))
}

/// Finds each row label in order: (row, Some((start, end)) in normalised text) or None.
fn find_rows(region: &str, offset: usize) -> Vec<(Table3Row, Option<(usize, usize)>)> {
    let mut at = 0;
    ROW_PATTERNS
        .iter()
        .map(|(row, re)| {
            let m = re
                .find_at(region, at)
                .map(|m| (m.start() + offset, m.end() + offset));
            if let Some((_, end)) = m {
                at = end - offset;
            }
            (*row, m)
        })
        .collect()
}

fn read_table3(
    r: &mut Reader<'_>,
    rows: &[(Table3Row, Option<(usize, usize)>)],
    end: usize,
) -> (Table3, bool, HashMap<&'static str, usize>) {
    let mut table = Table3::unread();
    let mut lines = HashMap::new();
    let found: Vec<(Table3Row, usize, usize)> = rows
        .iter()
        .filter_map(|(row, m)| m.map(|(s, e)| (*row, s, e)))
        .collect();
    if found.len() < 2 {
        let msg = if r.original.contains("[image") || r.original.contains("[图") {
            "缺少表三“收到和处理政府信息公开申请情况”：表格可能以图片形式发布，无法读取；请以文字表格公布"
        } else {
            "缺少表三“收到和处理政府信息公开申请情况”（正文中找不到表格）；请以文字表格公布"
        };
        r.findings.push(finding(
            Relation::SMissingTable,
            Severity::Error,
            msg.into(),
            None,
        ));
        return (table, false, lines);
    }
    // A 2019-format report has a single （六）其他处理 row, right before （七）总计.
    let mut format_2019 = false;
    let other_2019 = {
        let other_rows_missing = rows
            .iter()
            .filter(|(row, m)| {
                matches!(
                    row,
                    Table3Row::Outcome(Outcome::OtherNoClarification | Outcome::OtherFeeUnpaid)
                ) && m.is_none()
            })
            .count()
            == 2;
        if other_rows_missing {
            OTHER_2019.find(&r.norm.text).map(|m| (m.start(), m.end()))
        } else {
            None
        }
    };
    let mut spans: Vec<(Option<Table3Row>, usize, usize)> = found
        .iter()
        .map(|(row, s, e)| (Some(*row), *s, *e))
        .collect();
    if let Some((s, e)) = other_2019 {
        format_2019 = true;
        spans.retain(|(row, _, _)| !matches!(row, Some(Table3Row::Outcome(Outcome::OtherOther))));
        spans.push((None, s, e));
        spans.sort_by_key(|x| x.1);
    }
    for (i, (row, start, label_end)) in spans.iter().enumerate() {
        let next = spans.get(i + 1).map_or(end, |x| x.1).max(*label_end);
        let region = r.original_slice(*label_end, next).to_owned();
        let target = row.unwrap_or(Table3Row::Outcome(Outcome::OtherOther));
        let line = r.line_of(*start);
        lines.insert(target.key(), line);
        let values = row_values(&region, 7, &|v| v[..6].iter().sum::<i64>() == v[6], r.bars);
        for (col, v) in Table3Col::ALL.iter().zip(&values) {
            let value = match v {
                Some(Cell::Number { value, .. }) => value.parse::<i64>().ok(),
                Some(Cell::Blank) => {
                    r.findings.push(Finding {
                        row: Some(target.key().to_owned()),
                        column: Some(col.key().to_owned()),
                        ..finding(
                            Relation::SBlankCell,
                            Severity::Warning,
                            format!(
                                "表三“{}”行“{}”列为空白，按0计；无数据也应填写0",
                                target.full_label(),
                                col.label()
                            ),
                            Some(format!("第{line}行")),
                        )
                    });
                    Some(0)
                }
                _ => None,
            };
            table.set(target, *col, value);
        }
        if values.iter().any(Option::is_none) {
            r.findings.push(Finding {
                row: Some(target.key().to_owned()),
                ..finding(
                    Relation::SBlankCell,
                    Severity::Warning,
                    format!("表三“{}”行有单元格无法读取", target.full_label()),
                    Some(format!("第{line}行")),
                )
            });
        }
        if let Some(row) = row {
            label_drift(r, *row, *start, *label_end, line);
        }
    }
    if format_2019 {
        for o in [Outcome::OtherNoClarification, Outcome::OtherFeeUnpaid] {
            for col in Table3Col::ALL {
                table.set(Table3Row::Outcome(o), col, Some(0));
            }
        }
    }
    for (row, m) in rows {
        if m.is_none()
            && !(format_2019
                && matches!(
                    row,
                    Table3Row::Outcome(
                        Outcome::OtherNoClarification
                            | Outcome::OtherFeeUnpaid
                            | Outcome::OtherOther
                    )
                ))
        {
            r.findings.push(Finding {
                row: Some(row.key().to_owned()),
                ..finding(
                    Relation::SLabel,
                    Severity::Error,
                    format!(
                        "表三缺少“{}”一行（或其标签与法定格式相差太远，无法识别）",
                        row.full_label()
                    ),
                    None,
                )
            });
        }
    }
    (table, format_2019, lines)
}

/// Reads `n` cells after a label; glued digits are split by `valid`.
fn row_values(
    region: &str,
    n: usize,
    valid: &dyn Fn(&[i64]) -> bool,
    bars: BarMode,
) -> Vec<Option<Cell>> {
    let cells = read_region(region, bars);
    if n > 1
        && let [Cell::Number { value, raw }] = cells.as_slice()
        && value.len() >= n
        && value.bytes().all(|b| b.is_ascii_digit())
    {
        return match split_glued(value, n, valid) {
            Some(v) => v
                .into_iter()
                .map(|x| {
                    Some(Cell::Number {
                        value: x.to_string(),
                        raw: raw.clone(),
                    })
                })
                .collect(),
            None => vec![None; n],
        };
    }
    fit(cells, n)
}

/// Reports a row label that matched tolerantly but differs from the statutory text.
fn label_drift(r: &mut Reader<'_>, row: Table3Row, start: usize, end: usize, line: usize) {
    let statutory = match row {
        Table3Row::Outcome(o) if o.group().has_sub_rows() => o.label().to_owned(),
        other => other.label().to_owned(),
    };
    let want = normalize(&statutory).text;
    let got = &r.norm.text[start..end];
    if got != want {
        r.findings.push(Finding {
            row: Some(row.key().to_owned()),
            ..finding(
                Relation::SLabel,
                Severity::Warning,
                format!(
                    "表三标签“{}”与法定格式“{}”不一致",
                    r.original_slice(start, end).trim(),
                    statutory
                ),
                Some(format!("第{line}行")),
            )
        });
    }
}

fn read_table2(
    r: &mut Reader<'_>,
    start: usize,
    end: usize,
    has_section: bool,
    year: i32,
) -> Table2 {
    let mut t = Table2::unreported();
    let region = if has_section {
        &r.norm.text[start..end]
    } else {
        ""
    };
    if TABLE2_2019.is_match(region) {
        if year >= 2021 {
            r.findings.push(finding(
                Relation::SOldFormat,
                Severity::Warning,
                format!("{year}年度报告的表二使用了2019年格式（如“本年新制作数量”“其他对外管理服务事项”）；已按2019年格式识别，数值不计入2021年格式的表二"),
                Some("二、主动公开政府信息情况".into()),
            ));
        }
        return t;
    }
    let labels: Vec<(&str, usize, usize, usize)> = TABLE2_ROWS
        .iter()
        .filter_map(|(k, re, n)| {
            re.find(region)
                .map(|m| (*k, m.start() + start, m.end() + start, *n))
        })
        .collect();
    if labels.is_empty() {
        let image = r.original_slice(start, end).contains("[image")
            || r.original_slice(start, end).contains("<img");
        let before_image = has_section
            && r.original_slice(start.saturating_sub(400), start)
                .contains("[image");
        let how = if image || before_image {
            "表格以图片形式发布，无法读取"
        } else {
            "正文中找不到表格"
        };
        r.findings.push(finding(
            Relation::SMissingTable,
            Severity::Error,
            format!("缺少表二“主动公开政府信息情况”：{how}；请以文字表格公布"),
            Some("二、主动公开政府信息情况".into()),
        ));
        return t;
    }
    let mut sorted = labels.clone();
    sorted.sort_by_key(|x| x.1);
    for (i, (key, s, e, n)) in sorted.iter().enumerate() {
        let next = sorted.get(i + 1).map_or(end, |x| x.1).max(*e);
        let region = r.original_slice(*e, next).to_owned();
        let values = row_values(&region, *n, &|_| true, r.bars);
        let int = |c: &Option<Cell>| match c {
            Some(Cell::Number { value, .. }) => value.parse::<i64>().ok(),
            Some(Cell::Blank) => Some(0),
            _ => None,
        };
        match *key {
            "rules" | "normative_documents" => {
                let stock = gongkai_core::report::Stock {
                    issued: int(&values[0]),
                    repealed: int(&values[1]),
                    in_force: int(&values[2]),
                };
                if *key == "rules" {
                    t.rules = stock;
                } else {
                    t.normative_documents = stock;
                }
                if *key == "normative_documents" && !r.norm.text[*s..*e].starts_with("行政") {
                    r.findings.push(finding(
                        Relation::SLabel,
                        Severity::Warning,
                        "表二标签“规范性文件”应为“行政规范性文件”".into(),
                        Some(format!("第{}行", r.line_of(*s))),
                    ));
                }
            }
            "licensing" => t.licensing.decisions = int(&values[0]),
            "penalties" => t.penalties.decisions = int(&values[0]),
            "coercive_measures" => t.coercive_measures.decisions = int(&values[0]),
            _ => {
                t.fees.amount_wan_yuan = match &values[0] {
                    Some(Cell::Number { value, .. }) => value.parse::<WanYuan>().ok(),
                    Some(Cell::Blank) => Some(WanYuan::ZERO),
                    _ => None,
                };
            }
        }
        if values.iter().any(|v| matches!(v, Some(Cell::Blank))) {
            r.findings.push(Finding {
                row: Some((*key).to_owned()),
                ..finding(
                    Relation::SBlankCell,
                    Severity::Warning,
                    format!("表二“{key}”一行有空白单元格，按0计；无数据也应填写0"),
                    Some(format!("第{}行", r.line_of(*s))),
                )
            });
        }
    }
    t
}

fn read_table4(r: &mut Reader<'_>, start: usize, end: usize, has_section: bool) -> Table4 {
    let unread = CaseTally {
        upheld: None,
        corrected: None,
        other: None,
        pending: None,
        total: None,
    };
    let mut t = Table4 {
        reconsideration: unread,
        litigation_direct: unread,
        litigation_after_reconsideration: unread,
    };
    let region = if has_section {
        &r.norm.text[start..end]
    } else {
        ""
    };
    let header_end = region.rfind("总计").map(|i| i + "总计".len() + start);
    let values = header_end.map(|h| {
        let text = r.original_slice(h, end).to_owned();
        row_values(
            &text,
            15,
            &|v| v.chunks(5).all(|g| g[..4].iter().sum::<i64>() == g[4]),
            r.bars,
        )
    });
    let Some(values) = values.filter(|v| v.iter().any(Option::is_some)) else {
        r.findings.push(finding(
            Relation::SMissingTable,
            Severity::Error,
            "缺少表四“政府信息公开行政复议、行政诉讼情况”（正文中找不到表格，或以图片形式发布）；没有案件也应公布全为0的表格".into(),
            Some("四、政府信息公开行政复议、行政诉讼情况".into()),
        ));
        return t;
    };
    let mut blank = 0;
    let nums: Vec<Option<i64>> = values
        .iter()
        .map(|c| match c {
            Some(Cell::Number { value, .. }) => value.parse().ok(),
            Some(Cell::Blank) => {
                blank += 1;
                Some(0)
            }
            _ => None,
        })
        .collect();
    for (k, kind) in CaseKind::ALL.iter().enumerate() {
        let g = &nums[k * 5..k * 5 + 5];
        let tally = CaseTally {
            upheld: g[0],
            corrected: g[1],
            other: g[2],
            pending: g[3],
            total: g[4],
        };
        match kind {
            CaseKind::Reconsideration => t.reconsideration = tally,
            CaseKind::LitigationDirect => t.litigation_direct = tally,
            CaseKind::LitigationAfterReconsideration => t.litigation_after_reconsideration = tally,
        }
    }
    if blank > 0 {
        r.findings.push(finding(
            Relation::SBlankCell,
            Severity::Warning,
            format!("表四有{blank}个空白单元格，按0计；无数据也应填写0"),
            Some("四、政府信息公开行政复议、行政诉讼情况".into()),
        ));
    }
    t
}

fn read_proactive(overview: &str) -> Proactive {
    let n = normalize(overview).text;
    let Some(total) = PROACTIVE_TOTAL.captures(&n) else {
        return Proactive::default();
    };
    let total_value = total[1].parse().unwrap_or(0);
    let after = &n[total.get(0).map_or(0, |m| m.end())..];
    let sentence = after.split(['。', ';', '；']).next().unwrap_or("");
    let by_category = PROACTIVE_SPLIT
        .captures_iter(sentence)
        .map(|c| ProactiveCategory {
            category: c[1].trim_start_matches("其中").to_owned(),
            count: c[2].parse().unwrap_or(0),
        })
        .collect();
    Proactive {
        total: total_value,
        by_category,
    }
}

/// Guesses the agency's kind from its name, for `T2-RULE`.
pub fn kind_from_name(name: &str) -> Option<AgencyKind> {
    if name.contains("街道") {
        Some(AgencyKind::Street)
    } else if name.ends_with("镇人民政府") || name.ends_with("乡人民政府") {
        Some(AgencyKind::Town)
    } else if name.ends_with("县人民政府")
        || name.ends_with("区人民政府")
        || name.ends_with("市人民政府") && name.contains('县')
    {
        Some(AgencyKind::CountyGovernment)
    } else if ["局", "委员会", "办公室", "委", "中心"]
        .iter()
        .any(|s| name.ends_with(s))
        && (name.contains('县') || name.contains('区'))
    {
        Some(AgencyKind::Department)
    } else {
        None
    }
}

/// A checked report: the figures read, and every finding — structural and cross-check — in order.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The report as read.
    pub report: AnnualReport,
    /// Every finding.
    pub findings: Vec<Finding>,
}

/// Reads and checks one report, against last year's if given.
pub fn check_file(
    bytes: &[u8],
    kind: SourceKind,
    name: &str,
    previous: Option<&AnnualReport>,
) -> Result<Checked, ParseError> {
    let parsed = parse(bytes, kind, name)?;
    let ctx = CheckContext {
        agency_kind: kind_from_name(&parsed.report.agency.name),
        previous,
        today: None,
        fee_plausible_max: None,
    };
    let mut findings = parsed.findings;
    for mut f in check(&parsed.report, &ctx) {
        if let Some(line) = f.row.as_deref().and_then(|row| parsed.lines.get(row)) {
            f.location = Some(format!("第{line}行"));
        }
        findings.push(f);
    }
    Ok(Checked {
        report: parsed.report,
        findings,
    })
}

#[cfg(test)]
mod tests;

//! Reading published annual reports — plain text copied from a web page, HTML, DOCX, or gongkai's
//! own JSON — into the report model, with structural findings. The statutory labels come from
//! `gongkai-core`; the patterns here only tolerate how people and mirror sites write them.
//!
//! The reader is label-driven: it finds each row label of table 三 in order (in normalised text,
//! so labels broken over lines, full-width forms, Traditional characters and injected pinyin still
//! match), then reads the cells between that label and the next in whatever layout they come.
//!
//! What it cannot be sure of it does not claim: a row whose digits admit several readings is left
//! unread with the readings named; letters OCR puts for digits (`6l`) are read as digits and named;
//! a 总计 column cut off at the page's edge is said once and left unread. What layout breaks it
//! mends from the evidence: a row wrapped onto the next line takes that line's numbers before any
//! digit is cut, and a table row of blank cells is a row of blanks, not a label without numbers.

mod cells;
mod decode;
mod fuzzy;
mod input;
pub mod limits;
mod normalize;
mod solve;

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

use cells::{BarMode, Cell, LABEL, bar_mode, fit, read_lines};
use fuzzy::View;
use normalize::{Normalized, has_fullwidth_digits, normalize};
use solve::{
    Candidate, Piece, Reading, Unsplittable, agree, agree_refs, readings, t3_row, t4_groups,
};

pub use decode::{Decoded, decode};
pub use input::{docx_to_text, html_to_text, pdf_to_text, xlsx_to_text};

/// A pattern written in this source, compiled once: a bad one is a bug the first test finds.
fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid pattern")
}

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
    /// A PDF with a text layer (read with poppler's `pdftotext -layout`).
    Pdf,
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
            "pdf" => Some(Self::Pdf),
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
    /// Refused before reading: too big, too deep, too slow — a limit that protects the server.
    #[error("拒绝读取：{0}")]
    Refused(String),
}

/// A report as read, with the findings only the reading can see.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The figures and text (unread cells are `None`).
    pub report: AnnualReport,
    /// Structural findings (missing sections and tables, blank cells, label drift, old format).
    pub findings: Vec<Finding>,
    /// Where each table-三 row is in the source, for locating findings.
    lines: HashMap<&'static str, String>,
    /// How many table cells were read.
    pub stats: ReadStats,
    /// Only part of a report (no title, few sections): what is absent is not reported missing.
    pub fragment: bool,
}

// ---- patterns on normalised text --------------------------------------------------------------

/// Section headings by their words, whatever numeral a report gives them (some renumber).
static HEADINGS: LazyLock<[Regex; 6]> = LazyLock::new(|| {
    [
        r"[一二三四五六七八九十][、.]总体情况",
        r"[一二三四五六七八九十][、.]主动公开政府信息(?:的)?情况",
        r"[一二三四五六七八九十][、.]收到和处理政府信息公开申请(?:的)?情况",
        r"[一二三四五六七八九十][、.](?:因政府信息公开申请提起|政府信息公开)?行政法?复议[、.,和]?(?:提起)?行政诉讼(?:的)?情况",
        r"[一二三四五六七八九十][、.](?:政府信息公开工作)?存在的主要问题(?:及|和)改进情况",
        r"[一二三四五六七八九十][、.]其他需要报告的事项",
    ]
    .map(re)
});
static SECTION5_2019: LazyLock<Regex> =
    LazyLock::new(|| re(r"[一二三四五六七八九十][、.]政府信息公开工作存在的主要问题"));
/// Section 五 given as two sub-headings only (the heading lost by a converter).
static SECTION5_PARTS: LazyLock<Regex> =
    LazyLock::new(|| re(r"\([一二]\)主要问题.{0,2000}?\([二三]\)改进"));
/// The corner cell of table 三 — the table is there even without a heading.
const T3_ANCHOR: &str = "一、本年新收政府信息公开申请数量";
/// Where table 三 ends: table 四's heading.
const T4_HEADING: &str = "行政复议行政诉讼情况";

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
    .map(|(k, p, n)| (k, re(p), n))
    .collect()
});
static TABLE2_2019: LazyLock<Regex> = LazyLock::new(|| {
    re(r"本年新制作数量|上一年项目数量|其他对外管理服务事项|第二十条第\(九\)项|政府集中采购")
});
/// A title in any common shape: agency then year, or year then agency, over one or two lines.
static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(.{0,60}?)((?:20|19)\d{2})年度?(.{0,40}?)政府信息公开(?:工作)?(?:年度)?报告")
});
static YEAR_PERIOD: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:统计|期限|周期|期间)[^。]{0,12}?((?:20)\d{2})年1月1日"));
/// A stated statistics period: "自2024年1月1日起至2024年12月31日".
static PERIOD_SPAN: LazyLock<Regex> =
    LazyLock::new(|| re(r"自((?:19|20)\d{2})年1月1日起?至((?:19|20)\d{2})年12月31日"));
static YEAR_ANY: LazyLock<Regex> = LazyLock::new(|| re(r"(20\d{2})年度?政府信息公开"));
static AGENCY_BODY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:本报告由|来源[:：])([\u{4e00}-\u{9fff}]{2,30}?(?:人民政府|委员会|办公室|政府|局|委|厅|中心|街道办事处|街道))",
    )
});
static TITLE_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:标题[:：]|正文|题目[:：]|#+|\*+|\|)+"));
static PAGE_FOOTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?m)^[ \t]*(?:[-—–－]+[ \t]*\d{1,3}[ \t]*[-—–－]+|第[ \t]*\d{1,3}[ \t]*页(?:[ \t]*共[ \t]*\d{1,3}[ \t]*页)?|\d{1,3}[ \t]*/[ \t]*\d{1,3})[ \t]*\r?$",
    )
});
static PROACTIVE_TOTAL: LazyLock<Regex> = LazyLock::new(|| re(r"累计主动公开政府信息(\d+)条"));
static PROACTIVE_SPLIT: LazyLock<Regex> =
    LazyLock::new(|| re(r"[，,、]([\u{4e00}-\u{9fff}]{2,12}?)(\d+)条"));

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

/// What the caller knows beyond the file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// The report year when the document does not say (`--year`).
    pub year: Option<i32>,
}

/// Reads a file's bytes.
pub fn parse(bytes: &[u8], kind: SourceKind, name: &str) -> Result<Parsed, ParseError> {
    parse_with(bytes, kind, name, Options::default())
}

/// Reads a file's bytes, with what the caller knows.
pub fn parse_with(
    bytes: &[u8],
    kind: SourceKind,
    name: &str,
    options: Options,
) -> Result<Parsed, ParseError> {
    limits::check_size(bytes)?;
    let (text, pdf) = match kind {
        SourceKind::Json => {
            let report: AnnualReport = serde_json::from_slice(bytes).map_err(|e| {
                ParseError::NotAReport(format!("JSON 不是 gongkai 年度报告格式：{e}"))
            })?;
            return Ok(Parsed {
                report,
                findings: Vec::new(),
                lines: HashMap::new(),
                stats: ReadStats::default(),
                fragment: false,
            });
        }
        SourceKind::Docx => (docx_to_text(bytes)?, false),
        SourceKind::Xlsx => (xlsx_to_text(bytes)?, false),
        SourceKind::Pdf => match pdf_to_text(bytes)? {
            Some(text) => (text, true),
            None => return Ok(scanned(name, options)),
        },
        SourceKind::Html | SourceKind::Text => {
            if bytes.starts_with(b"%PDF-") {
                return parse_with(bytes, SourceKind::Pdf, name, options);
            }
            if bytes.starts_with(b"PK\x03\x04") {
                return parse_with(bytes, SourceKind::Docx, name, options);
            }
            let text = decode(bytes)?.text;
            if kind == SourceKind::Html || looks_like_html(&text) {
                (html_to_text(&text)?, false)
            } else {
                (text, false)
            }
        }
    };
    read_text(&text, name, options, pdf)
}

/// A PDF without a text layer: a report published as pictures.
fn scanned(name: &str, options: Options) -> Parsed {
    let report = empty_report(name, options.year.unwrap_or(0));
    let stats = ReadStats {
        unread: 190,
        ..ReadStats::default()
    };
    Parsed {
        report,
        findings: vec![finding(
            Relation::SMissingTable,
            Severity::Error,
            "PDF 没有文字层（扫描件）：报告以图片形式发布，无法逐格核查；请发布可复制文字的版本"
                .into(),
            None,
        )],
        lines: HashMap::new(),
        stats,
        fragment: false,
    }
}

const UNKNOWN_AGENCY: &str = "（未识别的机关）";

fn empty_report(name: &str, year: i32) -> AnnualReport {
    AnnualReport {
        agency: AgencyRef {
            slug: slug_from(name),
            name: UNKNOWN_AGENCY.to_owned(),
        },
        year,
        format: ReportFormat::for_year(year.max(2021)),
        proactive: Proactive::default(),
        table2: Table2::unreported(),
        table3: Table3::unread(),
        table4: Table4 {
            reconsideration: UNREAD_TALLY,
            litigation_direct: UNREAD_TALLY,
            litigation_after_reconsideration: UNREAD_TALLY,
        },
        sections: Narrative::default(),
    }
}

const UNREAD_TALLY: CaseTally = CaseTally {
    upheld: None,
    corrected: None,
    other: None,
    pending: None,
    total: None,
};

fn looks_like_html(text: &str) -> bool {
    let head = text
        .get(..text.len().min(2000))
        .unwrap_or(text)
        .to_ascii_lowercase();
    head.contains("<html")
        || head.contains("<table")
        || head.contains("<!doctype html")
        || head.contains("<tr")
        || head.contains("<td")
}

/// How many table cells were read, left ambiguous, or could not be read (tables 三 and 四).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadStats {
    /// Cells read (including blank cells read as 0).
    pub read: usize,
    /// Cells with several readings that the relations cannot tell apart.
    pub ambiguous: usize,
    /// Cells not read.
    pub unread: usize,
}

/// Where things are in the source, as the user sees it.
struct Locator<'a> {
    text: &'a str,
    pdf: bool,
}

impl Locator<'_> {
    /// "第3页第12行" (PDF), "第12行", or for a long line "第10行第523字处“…”".
    fn at(&self, offset: usize) -> String {
        let offset = offset.min(self.text.len());
        let mut offset = offset;
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[offset..]
            .find('\n')
            .map_or(self.text.len(), |i| offset + i);
        if self.pdf {
            let page_start = before.rfind('\u{c}').map_or(0, |i| i + 1);
            let page = before.matches('\u{c}').count() + 1;
            let line = self.text[page_start..offset].matches('\n').count() + 1;
            return format!("第{page}页第{line}行");
        }
        let line = before.matches('\n').count() + 1;
        if line_end - line_start > 400 {
            let col = self.text[line_start..offset].chars().count() + 1;
            let snippet: String = self.text[offset..line_end].chars().take(16).collect();
            return format!("第{line}行第{col}字处“{}”", snippet.trim());
        }
        format!("第{line}行")
    }
}

struct Reader<'a> {
    original: &'a str,
    norm: Normalized,
    view: View,
    bars: BarMode,
    findings: Vec<Finding>,
    loc: Locator<'a>,
    stats: ReadStats,
    /// Table 三's 总计 column was found cut to its first digit (see [`clipped_total_column`]).
    clipped_total: bool,
}

impl Reader<'_> {
    /// Records a warning about the whole document.
    fn warn(&mut self, relation: Relation, message: impl Into<String>) {
        self.findings
            .push(finding(relation, Severity::Warning, message.into(), None));
    }

    /// Records an error about the whole document.
    fn error(&mut self, relation: Relation, message: impl Into<String>) {
        self.findings
            .push(finding(relation, Severity::Error, message.into(), None));
    }

    /// Records a warning about one place (a section's heading, a line).
    fn warn_at(&mut self, relation: Relation, message: impl Into<String>, at: impl Into<String>) {
        let place = Some(at.into());
        self.findings
            .push(finding(relation, Severity::Warning, message.into(), place));
    }

    /// Records that a row of a table, found at `at`, was not read, and why.
    fn unread_row(&mut self, row: &str, message: String, at: usize) {
        let place = Some(self.loc.at(at));
        self.findings
            .push(finding(Relation::SUnread, Severity::Warning, message, place).in_row(row));
    }

    /// Records an error about one place (a section's heading, a line).
    fn error_at(&mut self, relation: Relation, message: impl Into<String>, at: impl Into<String>) {
        let place = Some(at.into());
        self.findings
            .push(finding(relation, Severity::Error, message.into(), place));
    }

    fn original_slice(&self, from: usize, to: usize) -> &str {
        let (a, b) = (self.norm.original(from), self.norm.original(to));
        self.original.get(a.min(b)..b.max(a)).unwrap_or("")
    }

    /// Original offset of a view index (the end of the text past the last).
    fn view_at(&self, i: usize) -> usize {
        self.view.at.get(i).copied().unwrap_or(self.original.len())
    }

    /// Original offset just past the view character before index `end`.
    fn view_end(&self, end: usize) -> usize {
        let at = self.view_at(end.saturating_sub(1));
        at + self.original[at..].chars().next().map_or(0, char::len_utf8)
    }

    /// Normalised offset of an original offset.
    fn norm_at(&self, offset: usize) -> usize {
        (0..self.norm.text.len())
            .find(|i| self.norm.original(*i) >= offset)
            .unwrap_or(self.norm.text.len())
    }

    /// First approximate occurrence of a label in view range.
    fn find(&self, label: &str, from: usize, to: usize) -> Option<fuzzy::Match> {
        let pat = fuzzy::pattern(label);
        fuzzy::find(&self.view, &pat, from, to, fuzzy::budget(pat.len()))
    }
}

/// Reads text (copied from a page, or converted from HTML/DOCX).
pub fn parse_text(text: &str, name: &str) -> Result<Parsed, ParseError> {
    read_text(text, name, Options::default(), false)
}

fn read_text(text: &str, name: &str, options: Options, pdf: bool) -> Result<Parsed, ParseError> {
    // Page numbers inside tables ("— 5 —", "-4-") are not cells: blank them, keeping offsets.
    let cleaned = PAGE_FOOTER.replace_all(text, |c: &regex::Captures<'_>| " ".repeat(c[0].len()));
    let text: &str = &cleaned;
    let norm = normalize(text);
    let view = View::new(&norm.text, |i| norm.original(i), text);
    let mut r = Reader {
        original: text,
        norm,
        view,
        bars: bar_mode(text),
        findings: Vec::new(),
        loc: Locator { text, pdf },
        stats: ReadStats::default(),
        clipped_total: false,
    };
    let n = r.norm.text.clone();

    // Sections, each after the one before where possible.
    let mut headings: Vec<Option<(usize, usize)>> = Vec::new();
    let mut after = 0;
    for re in HEADINGS.iter() {
        let m = re
            .find_at(&n, after)
            .or_else(|| re.find(&n))
            .map(|m| (m.start(), m.end()));
        if let Some((_, e)) = m {
            after = after.max(e);
        }
        headings.push(m);
    }
    if headings[4].is_none()
        && let Some(m) = SECTION5_PARTS.find_at(&n, headings[3].map_or(0, |h| h.1))
    {
        headings[4] = Some((m.start(), m.start()));
    }

    // Table 三: from its corner row to table 四's heading.
    let v_from = headings[2].map_or(0, |h| r.view.index_at(r.norm.original(h.1)));
    let anchor = r
        .find(T3_ANCHOR, v_from, r.view.chars.len())
        .or_else(|| r.find(T3_ANCHOR, 0, r.view.chars.len()));
    let t3_v0 = anchor.as_ref().map_or(v_from, |m| m.start);
    let t3_v1 = r
        .find(T4_HEADING, t3_v0, r.view.chars.len())
        .map(|m| {
            // Back to the heading's numeral: "四、" before the words.
            let mut s = m.start;
            while s > t3_v0 && s + 12 > m.start && r.view.chars[s - 1] != ')' {
                s -= 1;
                if "一二三四五六七八九十".contains(r.view.chars[s]) {
                    break;
                }
            }
            s
        })
        .or_else(|| {
            [4, 5]
                .iter()
                .filter_map(|i| headings[*i])
                .map(|h| r.view.index_at(r.norm.original(h.0)))
                .find(|v| *v > t3_v0)
        })
        .unwrap_or(r.view.chars.len());
    let labels = find_labels(&r, v_from.min(t3_v0), t3_v0, t3_v1);
    let found_sections = headings.iter().filter(|h| h.is_some()).count();
    if found_sections < 2 && labels.len() < 5 {
        return Err(ParseError::NotAReport(
            "找不到年度报告的章节标题和表格".into(),
        ));
    }
    if anchor.is_some() && headings[2].is_none() {
        // The table is there: its heading was lost (a fragment of a page, a converter).
        headings[2] = Some((0, 0));
    }
    let t3_end = r.view_at(t3_v1);
    if headings[3].is_none() && t3_v1 < r.view.chars.len() {
        let at = r.norm_at(t3_end);
        headings[3] = Some((at, at));
    }

    for (i, h) in headings.iter().enumerate() {
        if h.is_none() {
            r.error(
                Relation::SMissingSection,
                format!(
                    "缺少第{}部分“{}”",
                    ["一", "二", "三", "四", "五", "六"][i],
                    SECTION_HEADINGS[i]
                ),
            );
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
    let (title_agency, title_year) = title(text);
    let title_agency_found = title_agency.clone();
    let year = title_year
        .or_else(|| YEAR_PERIOD.captures(&n).and_then(|c| c[1].parse().ok()))
        .or_else(|| YEAR_ANY.captures(&n).and_then(|c| c[1].parse().ok()))
        .or(options.year);
    let year_known = year.is_some();
    let year = year.unwrap_or(0);
    if !year_known {
        r.warn(Relation::TxPeriod, "找不到报告年度（标题、统计期限中都没有）；已按表格检查，与年度有关的检查从略。可用 --year 指定");
    }
    // The statistics period stated before section 一 (section 一 itself is checked with the
    // report): a title's year it contradicts is wrong in one place or the other.
    if let Some(title_year) = title_year {
        let preamble_end = headings
            .iter()
            .flatten()
            .map(|h| h.0)
            .filter(|s| *s > 0)
            .min()
            .unwrap_or(0);
        let preamble = &n[..floor_boundary(&n, preamble_end)];
        if let Some(c) = PERIOD_SPAN.captures_iter(preamble).find(|c| {
            c[1].parse::<i32>().ok() != Some(title_year)
                || c[2].parse::<i32>().ok() != Some(title_year)
        }) {
            let at = r.loc.at(r.norm.original(c.get(0).map_or(0, |m| m.start())));
            r.error_at(Relation::TxPeriod, format!(
                    "标题为{title_year}年度报告，但统计期限写为“{}”；统计期应为{title_year}年1月1日至12月31日，请更正标题或统计期限",
                    &c[0]
                ), at);
        }
    }
    let agency_name = title_agency
        .or_else(|| {
            AGENCY_BODY
                .captures(&n[..floor_boundary(&n, 6000)])
                .map(|c| c[1].to_owned())
        })
        .unwrap_or_else(|| UNKNOWN_AGENCY.to_owned());

    // Table 三.
    let (table3, format_2019, lines) = read_table3(&mut r, &labels, t3_v0, t3_end);
    // Table 二.
    let (s2_start, mut s2_end) = section(1);
    if headings[1].is_some() {
        s2_end = s2_end.min(r.norm_at(r.view_at(t3_v0)).max(s2_start));
    }
    let table2 = read_table2(&mut r, s2_start, s2_end, headings[1].is_some(), year);
    // Table 四.
    let (s4_start, s4_end) = if headings[3].is_some() {
        let (a, b) = section(3);
        (a.max(r.norm_at(t3_end)), b)
    } else {
        (0, 0)
    };
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
        ReportFormat::for_year(year.max(if year_known { 0 } else { 2021 }))
    };
    if year >= 2021 && (format_2019 || old_section5) {
        let what = if format_2019 {
            "表三“（六）其他处理”只有一行"
        } else {
            "第五部分标题为“政府信息公开工作存在的主要问题及改进情况”"
        };
        r.warn(Relation::SOldFormat, format!("{year}年度报告使用了2019年格式（{what}）；2021年起应使用国办公开办函〔2021〕30号格式"));
    }
    if has_fullwidth_digits(&text[r.view_at(t3_v0).min(t3_end)..t3_end]) {
        r.warn(
            Relation::SFullwidth,
            "表格中使用了全角数字（如“０”），机器无法直接读取；请改用半角数字",
        );
    }
    let proactive = read_proactive(&overview);
    let mut report = empty_report(name, year);
    report.agency.name = agency_name;
    report.format = format;
    report.proactive = proactive;
    report.table2 = table2;
    report.table3 = table3;
    report.table4 = table4;
    report.sections = Narrative {
        proactive: overview,
        fees: other,
        ..Narrative::default()
    };
    // A fragment of a page (the tables without the title): what it does not hold is absent from
    // the fragment, not necessarily from the report — said as a warning, not an error.
    let fragment = title_agency_found.is_none() && title_year.is_none() && found_sections <= 3;
    let mut findings = r.findings;
    if fragment {
        for f in &mut findings {
            if matches!(
                f.relation,
                Relation::SMissingSection | Relation::SMissingTable
            ) && f.severity == Severity::Error
            {
                f.severity = Severity::Warning;
                f.message = format!("（所查内容只是报告的一部分）{}", f.message);
            }
        }
    }
    Ok(Parsed {
        report,
        findings,
        lines,
        stats: r.stats,
        fragment,
    })
}

/// Agency and year from the first lines: "XX2023年政府信息公开工作年度报告", "2024 年XX政府信息公开
/// 工作\n年度报告", "XX\n2023 年政府信息公开工作年度报告", a Markdown heading, a crawler's "标题:".
fn title(text: &str) -> (Option<String>, Option<i32>) {
    let lines: Vec<String> = text
        .lines()
        .map(|l| normalize(l.trim()).text)
        .map(|l| TITLE_PREFIX.replace(&l, "").into_owned())
        .filter(|l| !l.is_empty())
        .take(12)
        .collect();
    for i in 0..lines.len() {
        for span in 1..=3 {
            if i + span > lines.len() {
                break;
            }
            let joined: String = lines[i..i + span].concat();
            if let Some(c) = TITLE.captures(&joined) {
                let before = c[1].trim_matches(|ch: char| !is_name_char(ch));
                let after = c[3].trim_matches(|ch: char| !is_name_char(ch));
                let name = if before.chars().count() >= 2 {
                    before
                } else {
                    after
                };
                let name = name.rsplit(['>', ':', '》']).next().unwrap_or(name);
                let agency = (name.chars().count() >= 2).then(|| name.to_owned());
                return (agency, c[2].parse().ok());
            }
        }
    }
    (None, None)
}

/// The largest char boundary at or below `at`.
fn floor_boundary(s: &str, at: usize) -> usize {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn is_name_char(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '(' || c == ')'
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

// ---- table 三 ----------------------------------------------------------------------------------

/// A row label found in the text.
#[derive(Debug, Clone)]
struct Label {
    /// The row (`None`: the 2019 format's single （六）其他处理 row).
    row: Option<Table3Row>,
    /// View range of the match.
    v: (usize, usize),
    /// Original byte range (from the item number, if any, to the last label character).
    start: usize,
    end: usize,
    drift: usize,
}

impl Label {
    fn target(&self) -> Table3Row {
        self.row.unwrap_or(Table3Row::Outcome(Outcome::OtherOther))
    }
}

/// The item number ("3." / "3、") right before an original offset: (number, its offset).
fn item_number_before(text: &str, offset: usize) -> Option<(u32, usize)> {
    let before = text.get(..offset)?;
    let trimmed = before.trim_end_matches([' ', '\t', '|', '\n', '\r']);
    let rest = trimmed
        .strip_suffix('.')
        .or_else(|| trimmed.strip_suffix('、'))
        .or_else(|| trimmed.strip_suffix('．'))
        .or_else(|| trimmed.strip_suffix('，'))?;
    let rest = rest.trim_end_matches([' ', '\t']);
    let digit = rest.chars().last()?;
    let value = match digit {
        '0'..='9' => digit.to_digit(10)?,
        '０'..='９' => (digit as u32) - ('０' as u32),
        _ => return None,
    };
    Some((value, rest.len() - digit.len_utf8()))
}

/// The label of a row as matched: the row's own cell (sub-rows without their group).
fn row_label(row: Table3Row) -> &'static str {
    match row {
        Table3Row::Outcome(Outcome::PartlyDisclosed) => "（二）部分公开",
        other => other.label(),
    }
}

/// Finds every table-三 row label in a view range, each on its own (reports put detached labels
/// out of order), then drops overlaps.
#[allow(
    clippy::many_single_char_names,
    reason = "view offsets and edit budgets"
)]
fn find_labels(r: &Reader<'_>, before: usize, v0: usize, v1: usize) -> Vec<Label> {
    let mut out: Vec<Label> = Vec::new();
    // Where to look: the table from its corner row on, then — for a label not found there — the
    // stretch between section 三's heading and the corner row (text extracted column by column
    // can put the corner row after rows that follow it).
    let mut ranges = vec![(v0, v1)];
    if before < v0 {
        ranges.push((before, v0));
    }
    for row in Table3Row::ALL {
        let label = row_label(row);
        let number = label
            .chars()
            .next()
            .and_then(|c| c.to_digit(10))
            .filter(|_| label.as_bytes().get(1) == Some(&b'.'));
        let pat = fuzzy::pattern(label);
        let k = fuzzy::budget(pat.len());
        // The closest match of the ranges (the table's own on a tie).
        let found = ranges
            .iter()
            .filter_map(|&(v0, v1)| {
                let mut from = v0;
                loop {
                    let Some(m) = fuzzy::find(&r.view, &pat, from, v1, k) else {
                        break None;
                    };
                    let at = r.view_at(m.start);
                    let item = item_number_before(r.original, at);
                    // Short labels ("3.其他", "2.重复申请") count only with their own number.
                    let numbered_ok = match number {
                        Some(n) if pat.len() <= 4 => item.is_some_and(|(x, _)| x == n),
                        _ => true,
                    };
                    // "其他" inside "其他法律…"/"其他处理" is not the row "3.其他".
                    let whole = !(pat.len() <= 2
                        && r.view
                            .chars
                            .get(m.end)
                            .is_some_and(|c| matches!(c, '法' | '处' | '结' | '组')));
                    if numbered_ok && whole {
                        let start = match (number, item) {
                            (Some(n), Some((x, off))) if x == n => off,
                            _ => at,
                        };
                        break Some(Label {
                            row: Some(row),
                            v: (m.start, m.end),
                            start,
                            end: r.view_end(m.end),
                            drift: m.drift,
                        });
                    }
                    from = m.start + 1;
                }
            })
            .min_by_key(|l| l.drift);
        if let Some(mut l) = found {
            if row == Table3Row::Outcome(Outcome::PartlyDisclosed) {
                // Take in the parenthesis (区分处理的，只计这一情形，不计其他情形) when present.
                let tail = fuzzy::pattern("（区分处理的，只计这一情形，不计其他情形）");
                if let Some(t) =
                    fuzzy::find(&r.view, &tail, l.v.1, (l.v.1 + tail.len() + 8).min(v1), 5)
                    && t.start <= l.v.1 + 2
                {
                    l.v.1 = t.end;
                    l.end = r.view_end(t.end);
                    l.drift += t.drift;
                }
            }
            out.push(l);
        }
    }
    // The 2019 format's single （六）其他处理 row.
    let has = |o: Outcome| out.iter().any(|l| l.row == Some(Table3Row::Outcome(o)));
    if !has(Outcome::OtherNoClarification) && !has(Outcome::OtherFeeUnpaid) {
        let pat = fuzzy::pattern("（六）其他处理");
        if let Some(m) = fuzzy::find(&r.view, &pat, v0, v1, 0) {
            out.retain(|l| l.row != Some(Table3Row::Outcome(Outcome::OtherOther)));
            out.push(Label {
                row: None,
                v: (m.start, m.end),
                start: r.view_at(m.start),
                end: r.view_end(m.end),
                drift: 0,
            });
        }
    }
    out.sort_by_key(|l| (l.v.0, l.drift));
    let mut kept: Vec<Label> = Vec::new();
    for l in out {
        if let Some(prev) = kept.last()
            && l.v.0 < prev.v.1
        {
            if l.drift < prev.drift {
                kept.pop();
            } else {
                continue;
            }
        }
        kept.push(l);
    }
    kept
}

/// What a row's cells came from.
#[derive(Debug, Clone)]
struct RowSource {
    cells: Vec<Cell>,
    /// Cells from table structure (pipes, tabs): one cell each, never cut.
    structured: bool,
    /// Several numbers separated by spaces: a row that may be short of cells, not glued digits.
    spaced: bool,
    /// Where the digits are.
    at: usize,
}

/// The region after a label, label characters blanked: its own lines and the lines after them.
fn label_region(r: &Reader<'_>, l: &Label, next: usize) -> (String, usize) {
    let next = next.max(l.end);
    let mut region = String::with_capacity(next - l.start);
    let label_offsets: Vec<usize> = (l.v.0..l.v.1).map(|i| r.view_at(i)).collect();
    for (i, c) in r.original[l.start..next].char_indices() {
        let at = l.start + i;
        if at < l.end
            && (c.is_ascii_digit() || matches!(c, '.' | '、' | '．'))
            && at < r.view_at(l.v.0)
            || label_offsets.binary_search(&at).is_ok()
        {
            region.push(LABEL);
        } else {
            region.push(c);
        }
    }
    let own_lines = r.original[l.start..l.end].matches('\n').count() + 1;
    (region, own_lines)
}

fn pieces_of(src: &RowSource) -> Result<Vec<Piece>, String> {
    src.cells
        .iter()
        .map(|c| match c {
            Cell::Blank => Ok(Piece::Blank),
            Cell::Number { value, raw } => {
                if !src.structured && cells::is_digit_run(value, raw) {
                    Ok(Piece::Digits(value.clone()))
                } else {
                    value
                        .parse::<i64>()
                        .map(Piece::One)
                        .map_err(|_| raw.clone())
                }
            }
            Cell::Text => Err(String::new()),
        })
        .collect()
}

/// The cells written with letters for digits (`6l`): which of `columns` each is when the cells
/// map one to one onto the columns (no glued digits to cut), as written, and as read.
fn ocr_cells<C: Copy>(cells: &[Cell], columns: &[C]) -> Vec<(Option<C>, String, String)> {
    let values: Vec<&Cell> = cells.iter().filter(|c| **c != Cell::Text).collect();
    let one_to_one = values.len() == columns.len();
    values
        .iter()
        .enumerate()
        .filter_map(|(k, c)| {
            cells::ocr_letters(c).map(|(raw, value)| {
                (
                    columns.get(k).copied().filter(|_| one_to_one),
                    raw.to_owned(),
                    value.to_owned(),
                )
            })
        })
        .collect()
}

fn has_cells(cells: &[Cell]) -> bool {
    cells.iter().any(|c| matches!(c, Cell::Number { .. }))
}

fn read_table3(
    r: &mut Reader<'_>,
    labels: &[Label],
    _v0: usize,
    end: usize,
) -> (Table3, bool, HashMap<&'static str, String>) {
    let mut table = Table3::unread();
    let mut lines = HashMap::new();
    if labels.len() < 2 {
        let msg = if r.original.contains("[image") || r.original.contains("[图") {
            "缺少表三“收到和处理政府信息公开申请情况”：表格可能以图片形式发布，无法读取；请以文字表格公布"
        } else {
            "缺少表三“收到和处理政府信息公开申请情况”（正文中找不到表格）；请以文字表格公布"
        };
        r.error(Relation::SMissingTable, msg);
        r.stats.unread += 175;
        return (table, false, lines);
    }
    let format_2019 = labels.iter().any(|l| l.row.is_none());
    // Markdown/HTML tables: only table rows carry cells; stray lines (page furniture) do not.
    let t3_text = &r.original[labels[0].start..end.max(labels[0].start)];
    let pipe_rows = t3_text
        .lines()
        .filter(|l| l.trim_start().starts_with('|') && l.matches('|').count() >= 3)
        .count();
    let pipe_mode = pipe_rows >= 3;

    // Each label's own cells, or its place in the queue of labels set apart from their digits.
    let mut own: Vec<Option<RowSource>> = Vec::new();
    let mut detached: Vec<usize> = Vec::new();
    let mut orphans: Vec<RowSource> = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        let next = labels.get(i + 1).map_or(end, |x| x.start);
        let (region, own_lines) = label_region(r, l, next);
        let all: Vec<&str> = region.split('\n').collect();
        let (head, tail) = all.split_at(own_lines.min(all.len()));
        let head_cells = read_lines(head, r.bars, false);
        let mut head_cells = if pipe_mode && !head.iter().any(|x| x.contains('|')) {
            Vec::new()
        } else {
            head_cells
        };
        let structured = head.iter().any(|x| x.contains('|') || x.contains('\t'));
        // A row with fewer cells than the table has, its numbers separated by spaces or tabs:
        // layout wrapped it, and the lines of numbers right after it are the rest of the row —
        // taken before any cutting of digits, since a space is where one cell ends.
        let mut taken = 0;
        if !pipe_mode && has_cells(&head_cells) && head_cells.len() < 7 {
            let (more, used) = cells::continuation(tail, head_cells.len(), 7);
            head_cells.extend(more);
            taken = used;
        }
        // A table row whose every cell is empty (`&nbsp;`, `/`) is a row of blank cells, not a
        // label waiting for its numbers elsewhere.
        let blank_row =
            structured && head_cells.len() >= 7 && head_cells.iter().all(|c| *c == Cell::Blank);
        if has_cells(&head_cells) || blank_row {
            own.push(Some(RowSource {
                spaced: !structured
                    && head_cells
                        .iter()
                        .filter(|c| matches!(c, Cell::Number { .. }))
                        .count()
                        > 1,
                structured,
                cells: head_cells,
                at: l.end,
            }));
        } else {
            own.push(None);
            detached.push(i);
        }
        // The lines after: rows of digits without a label of their own.
        let tail_start = l.start
            + head
                .iter()
                .map(|x| x.len() + 1)
                .sum::<usize>()
                .min(region.len());
        let numeric: Vec<(usize, &str)> = tail
            .iter()
            .enumerate()
            .skip(taken)
            .filter(|(_, x)| !pipe_mode || x.contains('|'))
            .filter(|(_, x)| has_cells(&read_lines(&["", x], r.bars, false)))
            .map(|(k, x)| (k, *x))
            .collect();
        if numeric.is_empty() {
            continue;
        }
        let row_lines = pipe_mode
            || numeric
                .iter()
                .all(|(_, x)| read_lines(&["", x], r.bars, false).len() >= 4);
        let offset_of =
            |k: usize| tail_start + tail[..k].iter().map(|x| x.len() + 1).sum::<usize>();
        if row_lines {
            for (k, x) in numeric {
                orphans.push(RowSource {
                    cells: read_lines(&["", x], r.bars, false),
                    structured: x.contains('|') || x.contains('\t'),
                    spaced: false,
                    at: offset_of(k),
                });
            }
        } else {
            let mut block = vec![""];
            block.extend(tail[taken..].iter().copied());
            orphans.push(RowSource {
                cells: read_lines(&block, r.bars, false),
                structured: tail.iter().any(|x| x.contains('\t')),
                spaced: false,
                at: offset_of(numeric[0].0),
            });
        }
    }
    let placed = detached.len() == orphans.len();
    if !placed && !detached.is_empty() {
        let names: Vec<String> = detached
            .iter()
            .map(|i| labels[*i].target().full_label())
            .collect();
        r.warn_at(Relation::SUnread, format!(
                "表三有{}行的标签与数字分开排列，另有{}组没有标签的数字，无法确定对应关系，这些行未读取：{}",
                detached.len(),
                orphans.len(),
                names.join("、")
            ), r.loc.at(labels[detached[0]].start));
    }
    if placed {
        for (i, o) in detached.iter().zip(orphans) {
            own[*i] = Some(o);
        }
    }

    // Every reading of every row, then the readings of the table that satisfy most relations.
    let mut rows: Vec<(Table3Row, Vec<Candidate>, usize)> = Vec::new();
    // Rows whose numbers were separated by spaces (a short row is missing cells, not gluing them).
    let mut spaced: Vec<bool> = Vec::new();
    // Cells written with letters for digits, per row: (column when known, as written, read as).
    let mut ocr: Vec<Vec<(Option<Table3Col>, String, String)>> = Vec::new();
    for (l, src) in labels.iter().zip(&own) {
        let target = l.target();
        lines.insert(target.key(), r.loc.at(l.start));
        // A label over several lines was broken by layout (PDF, converters): differences there
        // are not the publisher's wording.
        let one_line = !r.original[l.start..l.end].contains('\n');
        if l.drift > 0
            && one_line
            && let Some(row) = l.row
        {
            label_drift(r, row, l);
        }
        let Some(src) = src else {
            if placed {
                let what = format!("表三“{}”行找不到数字，未读取", target.full_label());
                r.unread_row(target.key(), what, l.start);
            }
            continue;
        };
        let why = match pieces_of(src) {
            Ok(pieces) => match readings(&pieces, 7, &t3_row()) {
                Ok(c) if !c.is_empty() => {
                    rows.push((target, c, src.at));
                    spaced.push(src.spaced);
                    ocr.push(ocr_cells(&src.cells, &Table3Col::ALL));
                    continue;
                }
                Ok(_) => "数字无法拆分为7格".to_owned(),
                Err(Unsplittable::Many) => "数字多于7格".to_owned(),
                Err(Unsplittable::Few) => "数字少于7格".to_owned(),
                Err(Unsplittable::Long) => "连写的数字太长，无法拆分".to_owned(),
            },
            Err(raw) => format!("“{raw}”不是整数"),
        };
        let what = format!("表三“{}”行无法读取：{why}", target.full_label());
        r.unread_row(target.key(), what, src.at);
    }
    let readings3 = solve_table3(&rows);
    for ((((target, _, at), mut reading), spaced), ocr) in
        rows.iter().zip(readings3).zip(spaced).zip(ocr)
    {
        let location = r.loc.at(*at);
        if !ocr.is_empty() {
            let cells: Vec<String> = ocr
                .iter()
                .map(|(col, raw, value)| match col {
                    Some(col) => format!("“{}”列“{raw}”读作{value}", col.label()),
                    None => format!("“{raw}”读作{value}"),
                })
                .collect();
            let column = match ocr.as_slice() {
                [(Some(col), _, _)] => Some(col.key().to_owned()),
                _ => None,
            };
            r.findings.push(finding(
                    Relation::SAmbiguous,
                    Severity::Warning,
                    format!(
                        "表三“{}”行的数字中混有形似数字的字母（l、I、O、o，多为识别或录入错误）：{}；请核对并改用数字",
                        target.full_label(),
                        cells.join("，")
                    ),
                    Some(location.clone()),
                ).in_row(target.key()).in_column(column.as_deref()));
        }
        if !reading.alternatives.is_empty() {
            // No cell of an ambiguous row is given as read: the cells its readings happen to share
            // are not evidence (a wrapped or damaged row's readings can all be wrong alike).
            reading.cells.iter_mut().for_each(|c| *c = None);
            let alts = readings_text(&reading.alternatives);
            let message = if spaced {
                format!(
                    "表三“{}”行以空格分开的数不足7个，其中若有数字连写，有{}种拆法都说得通（如 {}），这一行未读取；请核对这一行是否缺格或换行",
                    target.full_label(),
                    reading.count,
                    alts.join("；")
                )
            } else {
                format!(
                    "表三“{}”行的数字连写在一起，有{}种拆法都说得通（如 {}），这一行未读取；请用分隔清楚的表格公布",
                    target.full_label(),
                    reading.count,
                    alts.join("；")
                )
            };
            r.findings.push(
                finding(
                    Relation::SAmbiguous,
                    Severity::Warning,
                    message,
                    Some(location.clone()),
                )
                .in_row(target.key()),
            );
        }
        let parts: i64 = reading.cells[..6].iter().flatten().sum();
        let all_blank = reading.blank.iter().all(|b| *b);
        if all_blank {
            r.findings.push(
                finding(
                    Relation::SBlankCell,
                    Severity::Warning,
                    format!(
                        "表三“{}”行整行空白，各列按0计；无数据也应填写0",
                        target.full_label()
                    ),
                    Some(location.clone()),
                )
                .in_row(target.key()),
            );
        }
        for (k, col) in Table3Col::ALL.iter().enumerate() {
            let mut value = reading.cells[k];
            if value.is_none() {
                r.stats.ambiguous += 1;
            } else if reading.blank[k] {
                let implied = *col == Table3Col::Total
                    && parts != 0
                    && reading.cells[..6].iter().all(Option::is_some);
                let message = if implied {
                    value = None;
                    format!(
                        "表三“{}”行“总计”列为空白，按该行各列之和应为{parts}；未按0计，请填写",
                        target.full_label()
                    )
                } else {
                    format!(
                        "表三“{}”行“{}”列为空白，按0计；无数据也应填写0",
                        target.full_label(),
                        col.label()
                    )
                };
                if !all_blank {
                    r.findings.push(
                        finding(
                            Relation::SBlankCell,
                            Severity::Warning,
                            message,
                            Some(location.clone()),
                        )
                        .in_row(target.key())
                        .in_column(Some(col.key())),
                    );
                }
                if value.is_some() {
                    r.stats.read += 1;
                } else {
                    r.stats.unread += 1;
                }
            } else {
                r.stats.read += 1;
            }
            table.set(*target, *col, value);
        }
    }
    let read_rows = rows.len() + if format_2019 { 2 } else { 0 };
    r.stats.unread += 7 * 25usize.saturating_sub(read_rows);
    if format_2019 {
        // The 2019 format has no such rows: they are 0 by the format, not by a guess.
        for o in [Outcome::OtherNoClarification, Outcome::OtherFeeUnpaid] {
            for col in Table3Col::ALL {
                table.set(Table3Row::Outcome(o), col, Some(0));
            }
        }
        r.stats.read += 14;
    }
    for row in Table3Row::ALL {
        let found = labels.iter().any(|l| l.target() == row);
        let excused = format_2019
            && matches!(
                row,
                Table3Row::Outcome(Outcome::OtherNoClarification | Outcome::OtherFeeUnpaid)
            );
        if !found && !excused {
            r.findings.push(
                finding(
                    Relation::SLabel,
                    Severity::Error,
                    format!(
                        "表三缺少“{}”一行（或其标签与法定格式相差太远，无法识别）",
                        row.full_label()
                    ),
                    None,
                )
                .in_row(row.key()),
            );
        }
    }
    clipped_total_column(r, &mut table, &lines);
    (table, format_2019, lines)
}

/// The first digit of a number.
fn leading_digit(v: i64) -> i64 {
    let mut v = v.abs();
    while v >= 10 {
        v /= 10;
    }
    v
}

/// A 总计 column cut off at the page's edge (a PDF laid out wider than its page, a converter):
/// every 总计 is one digit, and where the row's cells add up to two digits or more the 总计 is
/// just the first digit of their sum (3119 → 3). That is one fault of the copy, not a dozen
/// wrong rows: said once, and those 总计 cells are left unread.
fn clipped_total_column(
    r: &mut Reader<'_>,
    table: &mut Table3,
    lines: &HashMap<&'static str, String>,
) {
    let mut big: Vec<(Table3Row, i64, i64)> = Vec::new();
    for row in Table3Row::ALL {
        let cells = Table3Col::ALL.map(|c| table.get(row, c));
        let (Some(parts), Some(total)) =
            (cells[..6].iter().copied().sum::<Option<i64>>(), cells[6])
        else {
            continue;
        };
        if !(0..10).contains(&total) {
            return;
        }
        if parts >= 10 {
            big.push((row, parts, total));
        }
    }
    let first_digit = big
        .iter()
        .filter(|(_, parts, total)| leading_digit(*parts) == *total)
        .count();
    if big.len() < 3 || first_digit * 5 < big.len() * 4 {
        return;
    }
    for (row, _, _) in &big {
        table.set(*row, Table3Col::Total, None);
    }
    r.stats.read -= big.len();
    r.stats.unread += big.len();
    r.clipped_total = true;
    let (row, parts, total) = big[0];
    r.findings.push(finding(
            Relation::SUnread,
            Severity::Warning,
            format!(
                "表三“总计”列似乎被截断：各行总计都只有一位数字，{}行的六类申请人之和在10以上，其中{first_digit}行的总计恰为和的首位数字（如“{}”行之和为{parts}，总计为{total}）；多为PDF版面超出页边或转换时截去了该列。这{}格总计未读取，不据以判断对错；请检查原件",
                big.len(),
                row.full_label(),
                big.len()
            ),
            lines.get(row.key()).cloned(),
        ).in_column(Some(Table3Col::Total.key())));
}

/// Chooses one reading per row so that the most column relations (T3-SUM, T3-ID) hold; rows whose
/// best readings still differ come back with their alternatives (and are then left unread).
fn solve_table3(rows: &[(Table3Row, Vec<Candidate>, usize)]) -> Vec<Reading> {
    let multi: Vec<usize> = (0..rows.len()).filter(|i| rows[*i].1.len() > 1).collect();
    let combos = multi
        .iter()
        .try_fold(1usize, |acc, i| acc.checked_mul(rows[*i].1.len()))
        .unwrap_or(usize::MAX);
    if multi.is_empty() || combos > 50_000 {
        return rows
            .iter()
            .map(|(_, c, _)| agree(c, 1).expect("non-empty"))
            .collect();
    }
    let index = |row: Table3Row| rows.iter().position(|(r, _, _)| *r == row);
    let score = |choice: &[usize]| -> usize {
        let get = |i: usize| &rows[i].1[choice[i]].cells;
        let mut s = 0;
        for col in 0..7 {
            let total = index(Table3Row::Total);
            let leaves: Vec<usize> = (0..rows.len())
                .filter(|i| matches!(rows[*i].0, Table3Row::Outcome(_)))
                .collect();
            if let Some(t) = total
                && leaves.len() >= 19
            {
                let sum: i64 = leaves.iter().map(|i| get(*i)[col]).sum();
                s += usize::from(sum == get(t)[col]);
            }
            if let (Some(a), Some(b), Some(t), Some(c)) = (
                index(Table3Row::Received),
                index(Table3Row::CarriedIn),
                total,
                index(Table3Row::CarriedOut),
            ) {
                s += usize::from(get(a)[col] + get(b)[col] == get(t)[col] + get(c)[col]);
            }
        }
        s
    };
    let mut choice = vec![0usize; rows.len()];
    let mut best = 0usize;
    let mut winners: Vec<Vec<usize>> = Vec::new();
    for mut k in 0..combos {
        for i in &multi {
            let n = rows[*i].1.len();
            choice[*i] = k % n;
            k /= n;
        }
        let s = score(&choice);
        if s > best {
            best = s;
            winners.clear();
        }
        if s == best {
            winners.push(choice.clone());
        }
    }
    (0..rows.len())
        .map(|i| {
            let mut picked: Vec<&Candidate> = Vec::new();
            for w in &winners {
                let c = &rows[i].1[w[i]];
                if !picked.contains(&c) {
                    picked.push(c);
                }
            }
            agree_refs(&picked, 1)
        })
        .collect()
}

/// Reports a row label that matched tolerantly but differs from the statutory text.
fn label_drift(r: &mut Reader<'_>, row: Table3Row, l: &Label) {
    let statutory = match row {
        Table3Row::Outcome(o) if o.group().has_sub_rows() => o.label().to_owned(),
        other => other.label().to_owned(),
    };
    let got: String = r.original[l.start..l.end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    r.findings.push(
        finding(
            Relation::SLabel,
            Severity::Warning,
            format!("表三标签“{got}”与法定格式“{statutory}”不一致"),
            Some(r.loc.at(l.start)),
        )
        .in_row(row.key()),
    );
}

// ---- table 二 ----------------------------------------------------------------------------------

fn read_table2(
    r: &mut Reader<'_>,
    start: usize,
    end: usize,
    has_section: bool,
    year: i32,
) -> Table2 {
    let mut t = Table2::unreported();
    let region = if has_section && start <= end {
        &r.norm.text[start..end]
    } else {
        ""
    };
    if TABLE2_2019.is_match(region) {
        if year >= 2021 {
            r.warn_at(Relation::SOldFormat, format!("{year}年度报告的表二使用了2019年格式（如“本年新制作数量”“其他对外管理服务事项”）；已按2019年格式识别，数值不计入2021年格式的表二"), "二、主动公开政府信息情况");
        }
        return t;
    }
    let mut labels: Vec<(&str, usize, usize, usize)> = Vec::new();
    for (k, re, n) in TABLE2_ROWS.iter() {
        // The last mention in the section is the table's row (prose may name the rows first).
        let mut at = 0;
        let mut last = None;
        while let Some(m) = re.find_at(region, at) {
            if *k == "rules" || !region[..m.start()].ends_with("行政") {
                last = Some((m.start(), m.end()));
            }
            at = m.end();
        }
        if let Some((s, e)) = last {
            labels.push((k, s + start, e + start, *n));
        }
    }
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
        r.error_at(
            Relation::SMissingTable,
            format!("缺少表二“主动公开政府信息情况”：{how}；请以文字表格公布"),
            "二、主动公开政府信息情况",
        );
        return t;
    }
    labels.sort_by_key(|x| x.1);
    for (i, (key, s, e, n)) in labels.iter().enumerate() {
        let next = labels.get(i + 1).map_or(end, |x| x.1).max(*e);
        let region = r.original_slice(*e, next).to_owned();
        let location = r.loc.at(r.norm.original(*s));
        let cells = read_lines(&region.split('\n').collect::<Vec<_>>(), r.bars, false);
        let structured = region.contains('|') || region.contains('\t');
        let ocr = ocr_cells(&cells, &[(); 0]);
        if !ocr.is_empty() {
            let what: Vec<String> = ocr
                .iter()
                .map(|(_, raw, value)| format!("“{raw}”读作{value}"))
                .collect();
            r.findings.push(finding(
                    Relation::SAmbiguous,
                    Severity::Warning,
                    format!(
                        "表二“{key}”一行的数字中混有形似数字的字母（l、I、O、o）：{}；请核对并改用数字",
                        what.join("，")
                    ),
                    Some(location.clone()),
                ).in_row(key));
        }
        let values = if *key == "fees" {
            fit(cells, 1)
        } else {
            table2_row(r, key, cells, *n, structured, &location)
        };
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
                    r.warn_at(
                        Relation::SLabel,
                        "表二标签“规范性文件”应为“行政规范性文件”",
                        location.clone(),
                    );
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
            r.findings.push(
                finding(
                    Relation::SBlankCell,
                    Severity::Warning,
                    format!("表二“{key}”一行有空白单元格，按0计；无数据也应填写0"),
                    Some(location),
                )
                .in_row(key),
            );
        }
    }
    t
}

/// A table-二 count row: cells, with glued digits cut only where the cut is forced.
fn table2_row(
    r: &mut Reader<'_>,
    key: &str,
    cells: Vec<Cell>,
    n: usize,
    structured: bool,
    location: &str,
) -> Vec<Option<Cell>> {
    let src = RowSource {
        cells: cells.clone(),
        structured,
        spaced: false,
        at: 0,
    };
    let glued = !structured
        && cells.len() < n
        && cells
            .iter()
            .any(|c| matches!(c, Cell::Number { value, raw } if cells::is_digit_run(value, raw)));
    if !glued {
        return fit(cells, n);
    }
    let reading = pieces_of(&src)
        .ok()
        .and_then(|p| readings(&p, n, &[]).ok())
        .and_then(|c| agree(&c, 0));
    let Some(reading) = reading else {
        return vec![None; n];
    };
    if reading.count > 1 {
        let alts = readings_text(&reading.alternatives);
        r.findings.push(finding(
                Relation::SAmbiguous,
                Severity::Warning,
                format!(
                    "表二“{key}”一行的数字连写在一起，有{}种拆法（如 {}），表二没有可据以判断的勾稽关系，未读取",
                    reading.count,
                    alts.join("；")
                ),
                Some(location.to_owned()),
            ).in_row(key));
        return vec![None; n];
    }
    reading
        .cells
        .iter()
        .zip(&reading.blank)
        .map(|(v, b)| {
            v.map(|v| {
                if *b {
                    Cell::Blank
                } else {
                    Cell::Number {
                        value: v.to_string(),
                        raw: v.to_string(),
                    }
                }
            })
        })
        .collect()
}

// ---- table 四 ----------------------------------------------------------------------------------

/// The three parts of table 四, by the words that head them.
const T4_PARTS: [(CaseKind, &str); 3] = [
    (CaseKind::LitigationDirect, "未经复议直接起诉"),
    (CaseKind::LitigationAfterReconsideration, "复议后起诉"),
    (CaseKind::Reconsideration, "行政复议"),
];

fn read_table4(r: &mut Reader<'_>, start: usize, end: usize, has_section: bool) -> Table4 {
    let mut t = Table4 {
        reconsideration: UNREAD_TALLY,
        litigation_direct: UNREAD_TALLY,
        litigation_after_reconsideration: UNREAD_TALLY,
    };
    let (o_start, o_end) = (r.norm.original(start), r.norm.original(end));
    let region = if has_section && o_start < o_end {
        r.original[o_start..o_end].to_owned()
    } else {
        String::new()
    };
    let location = r.loc.at(o_start);
    let missing = |r: &mut Reader<'_>| {
        r.error_at(Relation::SMissingTable, "缺少表四“政府信息公开行政复议、行政诉讼情况”（正文中找不到表格，或以图片形式发布）；没有案件也应公布全为0的表格", "四、政府信息公开行政复议、行政诉讼情况");
        r.stats.unread += 15;
    };
    // Part headers, in the order they appear.
    let mut markers: Vec<(usize, usize, CaseKind)> = Vec::new();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    for (kind, word) in T4_PARTS {
        let mut at = 0;
        while let Some(i) = region[at..].find(word) {
            let s = at + i;
            let e = s + word.len();
            at = e;
            if taken.iter().any(|(a, b)| s < *b && *a < e) {
                continue;
            }
            taken.push((s, e));
            markers.push((s, e, kind));
        }
    }
    markers.sort_by_key(|m| m.0);
    let first = markers.first().map_or(0, |m| m.0);
    // Blocks of numbers after the first part header, split by the part headers between them.
    let mut blocks: Vec<(Vec<CaseKind>, String, usize)> = Vec::new();
    let mut pending: Vec<CaseKind> = Vec::new();
    let mut cursor = first;
    let mut bounds: Vec<(usize, Option<CaseKind>)> =
        markers.iter().map(|(s, _, k)| (*s, Some(*k))).collect();
    bounds.push((region.len(), None));
    let mut marker_ends: HashMap<usize, usize> = HashMap::new();
    for (s, e, _) in &markers {
        marker_ends.insert(*s, *e);
    }
    for (s, kind) in bounds {
        let chunk = &region[cursor.min(s)..s];
        let cells = read_lines(&chunk.split('\n').collect::<Vec<_>>(), r.bars, false);
        if has_cells(&cells) {
            blocks.push((
                std::mem::take(&mut pending),
                chunk.to_owned(),
                o_start + cursor,
            ));
        }
        if let Some(k) = kind {
            if !pending.contains(&k) {
                pending.push(k);
            }
            cursor = marker_ends.get(&s).copied().unwrap_or(s);
        }
    }
    if blocks.is_empty() {
        missing(r);
        return t;
    }
    // One block: the statutory order, whatever order the header words came out in.
    let single = blocks.len() == 1;
    let mut unplaced = 0;
    let mut ambiguous: Vec<CaseKind> = Vec::new();
    for (kinds, chunk, at) in &blocks {
        let kinds: Vec<CaseKind> = if single {
            CaseKind::ALL.to_vec()
        } else {
            kinds.clone()
        };
        let cells = read_lines(&chunk.split('\n').collect::<Vec<_>>(), r.bars, false);
        let structured = chunk.contains('|') || chunk.contains('\t');
        let columns: Vec<String> = kinds
            .iter()
            .flat_map(|k| {
                ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
                    .map(|c| format!("“{}”栏“{c}”", k.label()))
            })
            .collect();
        let ocr = ocr_cells(&cells, &(0..columns.len()).collect::<Vec<usize>>());
        if !ocr.is_empty() {
            let what: Vec<String> = ocr
                .iter()
                .map(|(col, raw, value)| match col {
                    Some(k) => format!("{}“{raw}”读作{value}", columns[*k]),
                    None => format!("“{raw}”读作{value}"),
                })
                .collect();
            r.warn_at(
                Relation::SAmbiguous,
                format!(
                    "表四的数字中混有形似数字的字母（l、I、O、o）：{}；请核对并改用数字",
                    what.join("，")
                ),
                r.loc.at(*at),
            );
        }
        let src = RowSource {
            cells,
            structured,
            spaced: false,
            at: *at,
        };
        let groups = kinds.len();
        let reading = if groups == 0 {
            None
        } else {
            pieces_of(&src)
                .ok()
                .and_then(|p| readings(&p, groups * 5, &t4_groups(groups)).ok())
                .and_then(|c| agree(&c, groups))
        };
        let Some(reading) = reading else {
            unplaced += 1;
            let message = if groups == 0 {
                "表四有一组数字前面没有“行政复议”“未经复议直接起诉”“复议后起诉”栏目名，无法确定属于哪一栏，未读取".to_owned()
            } else {
                let names: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
                format!(
                    "表四“{}”一栏的数字个数不是{}个（或无法拆分），未读取",
                    names.join("”“"),
                    groups * 5
                )
            };
            r.warn_at(Relation::SUnread, message, r.loc.at(*at));
            continue;
        };
        if !reading.alternatives.is_empty() {
            let alts = readings_text(&reading.alternatives);
            r.warn_at(Relation::SAmbiguous, format!(
                    "表四的数字连写在一起，有{}种拆法都说得通（如 {}），拆法不定的栏未读取；请用分隔清楚的表格公布",
                    reading.count,
                    alts.join("；")
                ), r.loc.at(*at));
        }
        for (g, kind) in kinds.iter().enumerate() {
            let c = &reading.cells[g * 5..g * 5 + 5];
            if c.iter().any(Option::is_none) {
                // An ambiguous group is unread as a whole, like an ambiguous row of table 三.
                ambiguous.push(*kind);
                continue;
            }
            let tally = t.group_mut(*kind);
            if tally.total.is_some() || tally.upheld.is_some() {
                // Two blocks under one header: neither can be trusted.
                *tally = UNREAD_TALLY;
                unplaced += 1;
                continue;
            }
            *tally = CaseTally {
                upheld: c[0],
                corrected: c[1],
                other: c[2],
                pending: c[3],
                total: c[4],
            };
        }
        if reading.blank.iter().any(|b| *b) {
            r.warn_at(
                Relation::SBlankCell,
                format!(
                    "表四有{}个空白单元格，按0计；无数据也应填写0",
                    reading.blank.iter().filter(|b| **b).count()
                ),
                location.clone(),
            );
        }
    }
    // Table 三's 总计 column was cut to its first digit: table 四's last column with it.
    let mut clipped = 0;
    if r.clipped_total {
        for kind in CaseKind::ALL {
            let g = t.group_mut(kind);
            let parts: Option<i64> = [g.upheld, g.corrected, g.other, g.pending]
                .iter()
                .copied()
                .sum();
            if let (Some(parts), Some(total)) = (parts, g.total)
                && parts >= 10
                && total == leading_digit(parts)
            {
                g.total = None;
                clipped += 1;
                r.warn_at(Relation::SUnread, format!(
                        "表四“{}”一栏的总计似乎同样被截断（各项之和为{parts}，总计只剩{total}），未读取；请检查原件",
                        kind.label()
                    ), location.clone());
            }
        }
    }
    for kind in CaseKind::ALL {
        let cells = t.group(kind).cells();
        if ambiguous.contains(&kind) && cells.iter().all(Option::is_none) {
            r.stats.ambiguous += 5;
        } else if cells.iter().all(Option::is_none) {
            r.stats.unread += 5;
            if unplaced == 0 {
                r.warn_at(
                    Relation::SUnread,
                    format!("表四找不到“{}”一栏的数字，未读取", kind.label()),
                    location.clone(),
                );
            }
        } else {
            let read = cells.iter().filter(|c| c.is_some()).count();
            r.stats.read += read;
            r.stats.ambiguous += 5 - read;
        }
    }
    // Cut-off cells are unread, not ambiguous.
    r.stats.ambiguous -= clipped;
    r.stats.unread += clipped;
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
    /// How many table cells were read, ambiguous, unread.
    pub stats: ReadStats,
}

/// Reads and checks one report, against last year's if given.
pub fn check_file(
    bytes: &[u8],
    kind: SourceKind,
    name: &str,
    previous: Option<&AnnualReport>,
) -> Result<Checked, ParseError> {
    check_file_with(bytes, kind, name, previous, Options::default())
}

/// Reads and checks one report with what the caller knows (`--year`). Runs synchronously and
/// within the limits of [`limits`]; a server calls it off its async workers.
pub fn check_file_with(
    bytes: &[u8],
    kind: SourceKind,
    name: &str,
    previous: Option<&AnnualReport>,
    options: Options,
) -> Result<Checked, ParseError> {
    let parsed = parse_with(bytes, kind, name, options)?;
    let year_known = parsed.report.year != 0;
    let ctx = CheckContext {
        agency_kind: kind_from_name(&parsed.report.agency.name),
        previous,
        today: None,
        fee_plausible_max: None,
    };
    let mut findings = parsed.findings;
    for mut f in check(&parsed.report, &ctx) {
        if !year_known && matches!(f.relation, Relation::TxPeriod | Relation::SOldFormat) {
            continue;
        }
        if parsed.fragment && matches!(f.relation, Relation::TxFee | Relation::TxText) {
            continue;
        }
        if let Some(place) = f.row.as_deref().and_then(|row| parsed.lines.get(row)) {
            f.location = Some(place.clone());
        }
        findings.push(f);
    }
    Ok(Checked {
        report: parsed.report,
        findings,
        stats: parsed.stats,
    })
}

#[cfg(test)]
mod tests;

/// Candidate readings as a finding lists them: each reading's cells joined by "/".
fn readings_text(alternatives: &[Vec<i64>]) -> Vec<String> {
    alternatives
        .iter()
        .map(|a| {
            a.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect()
}

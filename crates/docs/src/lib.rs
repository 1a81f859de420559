#![doc = include_str!("../README.md")]

pub mod charts;
mod docx;
mod letter;
pub mod mail;
pub mod parse;
pub mod pdf;
mod xlsx;

pub use docx::docx;
pub use letter::{letter_docx, letter_html};
pub use xlsx::{Sheet, tables_xlsx, xlsx};

use std::str::FromStr;
use std::sync::LazyLock;

use gongkai_core::case::CaseKind;
use gongkai_core::report::model::{
    SECTION_HEADINGS, TABLE2_BLOCKS, TABLE3_APPLICANTS, TABLE3_CORNER, TABLE3_ORGANISATIONS,
    TABLE3_OUTCOMES, TABLE4_COLUMNS, TABLE4_LITIGATION,
};
use gongkai_core::report::{AnnualReport, Cell, Finding, Table3Col, Table3Row, text};
use gongkai_core::request::OutcomeGroup;
use minijinja::value::Serde;
use minijinja::{Environment, context};
use serde::Serialize;

/// An output format of `gongkai report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Markdown.
    Markdown,
    /// A standalone HTML page.
    Html,
    /// JSON in the shape of spec §9, with findings.
    Json,
    /// A Word document.
    Docx,
    /// A workbook with one sheet per table.
    Xlsx,
    /// PDF, through LibreOffice.
    Pdf,
}

impl Format {
    /// The file extension.
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Markdown => "md",
            Self::Html => "html",
            Self::Json => "json",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
            Self::Pdf => "pdf",
        }
    }

    /// The media type.
    pub const fn content_type(self) -> &'static str {
        match self {
            Self::Markdown => "text/markdown; charset=utf-8",
            Self::Html => "text/html; charset=utf-8",
            Self::Json => "application/json",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Pdf => "application/pdf",
        }
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "md" | "markdown" => Ok(Self::Markdown),
            "html" => Ok(Self::Html),
            "json" => Ok(Self::Json),
            "docx" => Ok(Self::Docx),
            "xlsx" => Ok(Self::Xlsx),
            "pdf" => Ok(Self::Pdf),
            other => Err(format!(
                "unknown format {other:?}: use md, html, json, docx, xlsx or pdf"
            )),
        }
    }
}

/// Rendering failed: a template bug, never bad data.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template failed.
    #[error("template error: {0}")]
    Template(#[from] minijinja::Error),
    /// JSON serialisation failed.
    #[error("JSON error: {0}")]
    Json(#[from] serde_json::Error),
    /// Writing the Word document failed.
    #[error("DOCX error: {0}")]
    Docx(String),
    /// Writing the workbook failed.
    #[error("XLSX error: {0}")]
    Xlsx(String),
    /// Converting to PDF failed (LibreOffice missing or failing); the text says which.
    #[error("{0}")]
    Pdf(String),
}

/// A template environment with the house settings: HTML auto-escaping by file name, undefined
/// variables an error (except in `if` tests), block tags that leave no blank lines behind.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if [".html", ".htm", ".xml", ".svg"]
            .iter()
            .any(|ext| name.ends_with(ext))
        {
            minijinja::AutoEscape::Html
        } else {
            minijinja::AutoEscape::None
        }
    });
    env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("default delimiters are valid"),
    );
    env
}

/// Every template under `templates/`, embedded at build time (no list to keep by hand).
static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| environment_with(embedded));

/// [`environment`] with a crate's embedded templates loaded by `embed` (each crate embeds its own
/// folder with `minijinja_embed::load_templates!`).
pub fn environment_with(embed: fn(&mut Environment<'static>)) -> Environment<'static> {
    let mut env = environment();
    embed(&mut env);
    env
}

#[allow(
    elided_lifetimes_in_paths,
    reason = "the code minijinja-embed generates"
)]
fn embedded(env: &mut Environment<'static>) {
    minijinja_embed::load_templates!(*env);
}

/// Renders a report in a format, as bytes. Findings appear only in JSON; the statutory document
/// is the report alone.
pub fn render(
    format: Format,
    report: &AnnualReport,
    findings: &[Finding],
) -> Result<Vec<u8>, RenderError> {
    Ok(match format {
        Format::Markdown => markdown(report)?.into_bytes(),
        Format::Html => html_page(report)?.into_bytes(),
        Format::Json => json(report, findings)?.into_bytes(),
        Format::Docx => docx(report)?,
        Format::Xlsx => xlsx(report)?,
        Format::Pdf => pdf::docx_to_pdf(&docx(report)?)?,
    })
}

/// The report as Markdown.
pub fn markdown(report: &AnnualReport) -> Result<String, RenderError> {
    Ok(TEMPLATES
        .get_template("report.md")?
        .render(context! { r => Serde(view(report)) })?)
}

/// The report as an HTML fragment (`<article>`), for embedding in a portal page.
pub fn html_fragment(report: &AnnualReport) -> Result<String, RenderError> {
    let proactive_chart =
        minijinja::Value::from_safe_string(charts::proactive_by_category(report)?);
    let outcome_chart = minijinja::Value::from_safe_string(charts::requests_by_outcome(report)?);
    Ok(TEMPLATES
        .get_template("report.html")?
        .render(context! { r => Serde(view(report)), proactive_chart, outcome_chart })?)
}

/// The report as a standalone, printable HTML page.
pub fn html_page(report: &AnnualReport) -> Result<String, RenderError> {
    let article = html_fragment(report)?;
    Ok(TEMPLATES
        .get_template("report_page.html")?
        .render(context! { title => report.title(), article => minijinja::Value::from_safe_string(article) })?)
}

/// The report as JSON (spec §9), with its findings. A report read by the checker whose year
/// could not be found (year 0 in the model, with a `TX-PERIOD` warning among its findings) says
/// `"year": null` — never a year 0.
pub fn json(report: &AnnualReport, findings: &[Finding]) -> Result<String, RenderError> {
    #[derive(Serialize)]
    struct Doc<'a> {
        #[serde(flatten)]
        report: &'a AnnualReport,
        findings: &'a [Finding],
    }
    let mut doc = serde_json::to_value(Doc { report, findings })?;
    if report.year == 0
        && let Some(year) = doc.get_mut("year")
    {
        *year = serde_json::Value::Null;
    }
    let mut s = serde_json::to_string_pretty(&doc)?;
    s.push('\n');
    Ok(s)
}

// ---- the view model the templates read ------------------------------------------------------

#[derive(Serialize)]
struct View {
    title: String,
    has_proactive: bool,
    has_decisions: bool,
    headings: [&'static str; 6],
    opening: Written,
    overview: Vec<Part>,
    problems: Written,
    other: Vec<Part>,
    table2: Vec<T2Block>,
    table3: T3,
    table4: T4,
}

#[derive(Serialize)]
struct Part {
    heading: &'static str,
    #[serde(flatten)]
    text: Written,
}

/// A written part (core's [`gongkai_core::report::text`] format) laid out for each writer.
#[derive(Serialize)]
struct Written {
    /// For the HTML template (escaped there).
    html: String,
    /// For the Markdown template.
    markdown: String,
    /// For the DOCX writer.
    blocks: Vec<text::Block>,
}

impl Written {
    fn new(source: &str) -> Self {
        let blocks = text::blocks(source);
        Self {
            html: text::blocks_html(&blocks),
            markdown: text::blocks_markdown(&blocks),
            blocks,
        }
    }
}

#[derive(Serialize)]
struct T2Block {
    caption: &'static str,
    headers: &'static [&'static str],
    /// Columns the value cells span: 1 for the 3-column block, 3 for single-value blocks.
    span: usize,
    rows: Vec<(&'static str, Vec<String>)>,
}

#[derive(Serialize)]
struct LabelCell {
    text: &'static str,
    rowspan: usize,
    colspan: usize,
}

#[derive(Serialize)]
struct T3Line {
    key: &'static str,
    /// Cells as printed in HTML (merged cells appear once).
    labels: Vec<LabelCell>,
    /// The three label columns as printed in Markdown (merged cells on their first row only).
    md_labels: [&'static str; 3],
    values: Vec<String>,
}

#[derive(Serialize)]
struct T3 {
    corner: &'static str,
    applicants: &'static str,
    organisations: &'static str,
    person: &'static str,
    org_columns: Vec<&'static str>,
    total: &'static str,
    lines: Vec<T3Line>,
}

#[derive(Serialize)]
struct T4 {
    reconsideration: &'static str,
    litigation: &'static str,
    groups: [&'static str; 2],
    columns: [&'static str; 5],
    values: Vec<String>,
}

fn cell(c: Cell) -> String {
    c.map(|v| v.to_string()).unwrap_or_default()
}

fn view(r: &AnnualReport) -> View {
    let part = |(heading, source): (&'static str, &str)| Part {
        heading,
        text: Written::new(source),
    };
    View {
        title: r.title(),
        has_proactive: r.proactive.total > 0,
        has_decisions: r
            .table3
            .get(Table3Row::Total, Table3Col::Total)
            .unwrap_or(0)
            > 0,
        headings: SECTION_HEADINGS,
        opening: Written::new(&r.sections.opening),
        overview: r.sections.overview_parts().into_iter().map(part).collect(),
        problems: Written::new(&r.sections.problems),
        other: r.sections.other_parts().into_iter().map(part).collect(),
        table2: TABLE2_BLOCKS
            .iter()
            .map(|b| T2Block {
                caption: b.caption,
                headers: b.headers,
                span: 4 - b.headers.len() + 1,
                rows: b
                    .rows
                    .iter()
                    .map(|(key, label)| {
                        let values = r
                            .table2
                            .row_values(key)
                            .into_iter()
                            .map(Option::unwrap_or_default)
                            .collect();
                        (*label, values)
                    })
                    .collect(),
            })
            .collect(),
        table3: table3_view(r),
        table4: T4 {
            reconsideration: CaseKind::Reconsideration.label(),
            litigation: TABLE4_LITIGATION,
            groups: [
                CaseKind::LitigationDirect.label(),
                CaseKind::LitigationAfterReconsideration.label(),
            ],
            columns: TABLE4_COLUMNS,
            values: CaseKind::ALL
                .iter()
                .flat_map(|k| r.table4.group(*k).cells())
                .map(cell)
                .collect(),
        },
    }
}

/// One slot of table 三's three label columns on one row, for the writers that address every grid
/// cell (DOCX, XLSX) where HTML lists a merged cell once.
enum LabelSlot<'a> {
    /// A label cell starts here, at label column `col`.
    Starts { col: usize, cell: &'a LabelCell },
    /// Columns still covered by a cell merged down from a row above (`colspan` wide).
    Covered { colspan: usize },
}

/// Places each row's label cells on the three label columns, carrying downward merges.
fn table3_label_slots(lines: &[T3Line]) -> Vec<Vec<LabelSlot<'_>>> {
    // Per label column: rows a merge from above still covers, and that merge's width.
    let mut carried: [(usize, usize); 3] = [(0, 1); 3];
    lines
        .iter()
        .map(|line| {
            let mut slots = Vec::new();
            let mut labels = line.labels.iter();
            let mut col = 0;
            while col < 3 {
                if carried[col].0 > 0 {
                    carried[col].0 -= 1;
                    slots.push(LabelSlot::Covered {
                        colspan: carried[col].1,
                    });
                    col += carried[col].1;
                    continue;
                }
                let Some(cell) = labels.next() else { break };
                if cell.rowspan > 1 {
                    carried[col] = (cell.rowspan - 1, cell.colspan);
                }
                slots.push(LabelSlot::Starts { col, cell });
                col += cell.colspan;
            }
            slots
        })
        .collect()
}

/// Lays out table 三's label cells with their statutory merges: 一/二/四 span the three label
/// columns; 三 spans all 22 outcome rows; （一）（二）（七） span two columns; （三）–（六） span
/// their sub-rows.
fn table3_view(r: &AnnualReport) -> T3 {
    let outcome_rows = Table3Row::ALL
        .iter()
        .filter(|row| matches!(row, Table3Row::Outcome(_)))
        .count()
        + 1;
    let mut lines = Vec::new();
    let mut first_outcome_row = true;
    for row in Table3Row::ALL {
        let mut labels = Vec::new();
        let mut md_labels = ["", "", ""];
        let in_outcomes = matches!(row, Table3Row::Outcome(_) | Table3Row::Total);
        if in_outcomes && first_outcome_row {
            labels.push(LabelCell {
                text: TABLE3_OUTCOMES,
                rowspan: outcome_rows,
                colspan: 1,
            });
            md_labels[0] = TABLE3_OUTCOMES;
            first_outcome_row = false;
        }
        match row {
            Table3Row::Outcome(o) if o.group().has_sub_rows() => {
                let g: OutcomeGroup = o.group();
                if g.outcomes().next() == Some(o) {
                    labels.push(LabelCell {
                        text: g.label(),
                        rowspan: g.outcomes().count(),
                        colspan: 1,
                    });
                    md_labels[1] = g.label();
                }
                labels.push(LabelCell {
                    text: o.label(),
                    rowspan: 1,
                    colspan: 1,
                });
                md_labels[2] = o.label();
            }
            Table3Row::Outcome(_) | Table3Row::Total => {
                labels.push(LabelCell {
                    text: row.label(),
                    rowspan: 1,
                    colspan: 2,
                });
                md_labels[1] = row.label();
            }
            _ => {
                labels.push(LabelCell {
                    text: row.label(),
                    rowspan: 1,
                    colspan: 3,
                });
                md_labels[0] = row.label();
            }
        }
        lines.push(T3Line {
            key: row.key(),
            labels,
            md_labels,
            values: Table3Col::ALL
                .iter()
                .map(|c| cell(r.table3.get(row, *c)))
                .collect(),
        });
    }
    T3 {
        corner: TABLE3_CORNER,
        applicants: TABLE3_APPLICANTS,
        organisations: TABLE3_ORGANISATIONS,
        person: Table3Col::ALL[0].label(),
        org_columns: Table3Col::ALL[1..6].iter().map(|c| c.label()).collect(),
        total: Table3Col::Total.label(),
        lines,
    }
}

#[cfg(test)]
mod tests;

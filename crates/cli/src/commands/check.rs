//! `gongkai check`: lint published annual reports — files, whole folders, published pages by
//! address, or a whole 年报 column (`--crawl`), the way a 政务公开办 or an evaluator checks them.
//! Fetching lives only here, in the operator's command: the public `/check` page never fetches
//! an address a visitor gives it.

mod crawl;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use gongkai_core::report::{AnnualReport, Finding, Relation, Severity};
use gongkai_docs::parse::{Checked, Options, ParseError, SourceKind, check_file_with};

/// Output format of `gongkai check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Findings as lines of text.
    Text,
    /// The report (spec §9) with its findings, as JSON.
    Json,
}

/// Check published annual reports (text, HTML, DOCX, PDF, XLSX or JSON files, folders of them,
/// or https:// addresses). Exit status: 0 clean, 1 findings, 2 a file is not a report or cannot
/// be read.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files, folders or addresses; a folder is checked recursively and summarised.
    #[arg(required_unless_present = "crawl")]
    inputs: Vec<String>,
    /// A 年报 column's list page: follow its list pages to every report page and the PDF/DOCX
    /// attachments they link, check each, and write the summary.
    #[arg(long)]
    crawl: Option<String>,
    /// The report year, for reports whose title and text do not say.
    #[arg(long)]
    year: Option<i32>,
    /// Output for single files: text or json.
    #[arg(long, value_enum, default_value = "text")]
    format: CheckFormat,
    /// Last year's report of the same agency, for the carry-over checks.
    #[arg(long)]
    previous: Option<PathBuf>,
    /// Where a folder check writes its summary (PREFIX.csv and PREFIX.xlsx).
    #[arg(long, default_value = "gongkai-check-summary")]
    summary: PathBuf,
}

impl Args {
    /// Runs the command.
    pub async fn run(self) -> Result<ExitCode> {
        let how = How {
            format: self.format,
            year: self.year,
            summary: self.summary,
        };
        run(
            &self.inputs,
            self.crawl.as_deref(),
            self.previous.as_deref(),
            &how,
        )
        .await
    }
}

/// How to check and report.
#[derive(Debug, Clone)]
pub struct How {
    /// Output for single reports.
    pub format: CheckFormat,
    /// The year when a report does not say.
    pub year: Option<i32>,
    /// Where a batch writes its summary (PREFIX.csv, PREFIX.xlsx).
    pub summary: PathBuf,
}

/// One document to check: its name as shown, its bytes, what it is.
pub struct Document {
    /// A path or an address.
    pub name: String,
    /// The content.
    pub bytes: Vec<u8>,
    /// How to read it.
    pub kind: SourceKind,
}

fn read(path: &Path) -> Result<Document, ParseError> {
    let kind = SourceKind::from_path(path).unwrap_or(SourceKind::Text);
    let bytes = std::fs::read(path)
        .map_err(|e| ParseError::Unreadable(format!("{}: {e}", path.display())))?;
    Ok(Document {
        name: path.display().to_string(),
        bytes,
        kind,
    })
}

fn check_doc(
    doc: &Document,
    previous: Option<&AnnualReport>,
    year: Option<i32>,
) -> Result<Checked, ParseError> {
    check_file_with(&doc.bytes, doc.kind, &doc.name, previous, Options { year })
}

fn print_text(name: &str, c: &Checked) {
    let r = &c.report;
    let year = if r.year == 0 {
        "（年度不明）".to_owned()
    } else {
        r.year.to_string()
    };
    println!(
        "{name}：{}{year}年度报告（{}年格式）；表三、表四共190格：读出{}格，有歧义{}格，未读{}格",
        r.agency.name,
        r.format.key(),
        c.stats.read,
        c.stats.ambiguous,
        c.stats.unread
    );
    if c.findings.is_empty() {
        println!("  未发现问题。");
    }
    for f in &c.findings {
        let level = if f.severity == Severity::Error {
            "错误"
        } else {
            "提示"
        };
        let place = f
            .location
            .as_deref()
            .map(|l| format!("（{l}）"))
            .unwrap_or_default();
        println!("  {level} [{}] {}{place}", f.relation, f.message);
    }
}

/// Files below a folder that may hold reports, in a stable order.
fn report_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("读取文件夹 {}", d.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if SourceKind::from_path(&path).is_some() {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// What to check: a local path, or an address fetched when its turn comes.
enum Source {
    Path(PathBuf),
    Address(String),
}

fn is_address(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

/// Runs the command. Exit status: 0 clean, 1 findings, 2 a file is not a report or unreadable.
pub async fn run(
    inputs: &[String],
    crawl: Option<&str>,
    previous: Option<&Path>,
    how: &How,
) -> Result<ExitCode> {
    let previous = match previous {
        Some(p) => Some(
            read(p)
                .and_then(|d| check_doc(&d, None, None))
                .map_err(|e| anyhow::anyhow!("上一年度报告 {}：{e}", p.display()))?
                .report,
        ),
        None => None,
    };
    let client = crawl::client()?;
    let mut sources: Vec<Source> = Vec::new();
    let mut batch = crawl.is_some();
    for input in inputs {
        if is_address(input) {
            sources.push(Source::Address(input.clone()));
        } else {
            let path = PathBuf::from(input);
            if path.is_dir() {
                batch = true;
                sources.extend(report_files(&path)?.into_iter().map(Source::Path));
            } else {
                sources.push(Source::Path(path));
            }
        }
    }
    if let Some(start) = crawl {
        eprintln!("正在读取年报栏目 {start} …");
        let found = crawl::column(&client, start).await?;
        eprintln!(
            "栏目中找到{}个报告页面、{}个附件",
            found.pages.len(),
            found.attachments.len()
        );
        sources.extend(
            found
                .pages
                .into_iter()
                .chain(found.attachments)
                .map(Source::Address),
        );
    }
    batch |= sources.len() > 1;
    let bar = if batch {
        indicatif::ProgressBar::new(sources.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} 份报告 {per_sec} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut worst = 0u8;
    let mut rows: Vec<(String, Result<Checked, ParseError>)> = Vec::new();
    for source in &sources {
        let doc = match source {
            Source::Path(p) => read(p),
            Source::Address(a) => crawl::fetch(&client, a).await,
        };
        let name = match (&doc, source) {
            (Ok(d), _) => d.name.clone(),
            (Err(_), Source::Path(p)) => p.display().to_string(),
            (Err(_), Source::Address(a)) => a.clone(),
        };
        bar.set_message(name.rsplit(['/', '\\']).next().unwrap_or("").to_owned());
        let result = doc.and_then(|d| check_doc(&d, previous.as_ref(), how.year));
        bar.inc(1);
        match &result {
            Ok(c) => {
                worst = worst.max(u8::from(!c.findings.is_empty()));
                if !batch {
                    match how.format {
                        CheckFormat::Text => print_text(&name, c),
                        CheckFormat::Json => {
                            println!("{}", gongkai_docs::json(&c.report, &c.findings)?);
                        }
                    }
                }
            }
            Err(e) => {
                worst = 2;
                if !batch {
                    eprintln!("{name}：{e}");
                }
            }
        }
        rows.push((name, result));
    }
    bar.finish_and_clear();
    if batch {
        write_summary(&rows, &how.summary)?;
        let failed = rows.iter().filter(|(_, r)| r.is_err()).count();
        let with_findings = rows
            .iter()
            .filter(|(_, r)| r.as_ref().is_ok_and(|c| !c.findings.is_empty()))
            .count();
        println!(
            "已检查{}份报告：{}份有问题，{}份无法读取。汇总表：{}.csv、{}.xlsx",
            rows.len(),
            with_findings,
            failed,
            how.summary.display(),
            how.summary.display()
        );
    }
    Ok(ExitCode::from(worst))
}

fn counts(findings: &[Finding]) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for f in findings {
        *m.entry(f.relation.id()).or_insert(0) += 1;
    }
    m
}

/// Writes `PREFIX.csv` and `PREFIX.xlsx`: one row per report — what was read (cells read,
/// ambiguous, unread), errors, warnings, and a column per finding kind.
fn write_summary(rows: &[(String, Result<Checked, ParseError>)], prefix: &Path) -> Result<()> {
    let mut header: Vec<String> = [
        "文件",
        "机关",
        "年度",
        "格式",
        "状态",
        "错误",
        "提示",
        "已读格",
        "歧义格",
        "未读格",
    ]
    .map(str::to_owned)
    .to_vec();
    header.extend(Relation::ALL.iter().map(|r| r.id().to_owned()));
    let mut table: Vec<Vec<String>> = Vec::new();
    for (name, result) in rows {
        let mut line = vec![name.clone()];
        match result {
            Ok(c) => {
                let errors = c
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .count();
                let warnings = c.findings.len() - errors;
                let by = counts(&c.findings);
                line.extend([
                    c.report.agency.name.clone(),
                    if c.report.year == 0 {
                        String::new()
                    } else {
                        c.report.year.to_string()
                    },
                    c.report.format.key().to_owned(),
                    if c.findings.is_empty() {
                        "无问题"
                    } else {
                        "有问题"
                    }
                    .to_owned(),
                    errors.to_string(),
                    warnings.to_string(),
                    c.stats.read.to_string(),
                    c.stats.ambiguous.to_string(),
                    c.stats.unread.to_string(),
                ]);
                line.extend(
                    Relation::ALL
                        .iter()
                        .map(|r| by.get(r.id()).copied().unwrap_or(0).to_string()),
                );
            }
            Err(e) => {
                line.extend([String::new(), String::new(), String::new(), e.to_string()]);
                line.extend(std::iter::repeat_n(String::new(), 5));
                line.extend(Relation::ALL.iter().map(|_| String::new()));
            }
        }
        table.push(line);
    }
    let csv_path = prefix.with_extension("csv");
    let mut csv = String::from("\u{feff}");
    for line in std::iter::once(&header).chain(&table) {
        let cells: Vec<String> = line.iter().map(|c| csv_cell(c)).collect();
        csv.push_str(&cells.join(","));
        csv.push_str("\r\n");
    }
    std::fs::write(&csv_path, csv).with_context(|| format!("写入 {}", csv_path.display()))?;

    let xlsx_path = prefix.with_extension("xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("检查汇总")?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, u16::try_from(c)?, h, &bold)?;
    }
    for (r, line) in table.iter().enumerate() {
        let row = u32::try_from(r + 1)?;
        for (c, v) in line.iter().enumerate() {
            let col = u16::try_from(c)?;
            match v.parse::<f64>() {
                Ok(n) if c >= 2 && c != 3 => sheet.write_number(row, col, n)?,
                _ => sheet.write_string(row, col, v)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 1)?;
    book.save(&xlsx_path)
        .with_context(|| format!("写入 {}", xlsx_path.display()))?;
    Ok(())
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

//! `gongkai check`: lint published annual reports — files or whole folders.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use gongkai_core::report::{AnnualReport, Finding, Relation, Severity};
use gongkai_docs::parse::{Checked, ParseError, SourceKind, check_file};

/// Output format of `gongkai check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Findings as lines of text.
    Text,
    /// The report (spec §9) with its findings, as JSON.
    Json,
}

fn read(path: &Path) -> Result<(Vec<u8>, SourceKind), ParseError> {
    let kind = SourceKind::from_path(path).unwrap_or(SourceKind::Text);
    let bytes = std::fs::read(path)
        .map_err(|e| ParseError::Unreadable(format!("{}: {e}", path.display())))?;
    Ok((bytes, kind))
}

fn check_path(path: &Path, previous: Option<&AnnualReport>) -> Result<Checked, ParseError> {
    let (bytes, kind) = read(path)?;
    check_file(&bytes, kind, &path.to_string_lossy(), previous)
}

fn print_text(path: &Path, c: &Checked) {
    let r = &c.report;
    println!(
        "{}：{}{}年度报告（{}年格式）",
        path.display(),
        r.agency.name,
        r.year,
        r.format.key()
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

/// Runs the command. Exit status: 0 clean, 1 findings, 2 a file is not a report or unreadable.
pub fn run(
    inputs: &[PathBuf],
    format: CheckFormat,
    previous: Option<&Path>,
    summary: &Path,
) -> Result<ExitCode> {
    let previous = match previous {
        Some(p) => Some(
            check_path(p, None)
                .map_err(|e| anyhow::anyhow!("上一年度报告 {}：{e}", p.display()))?
                .report,
        ),
        None => None,
    };
    let mut worst = 0u8;
    let mut rows = Vec::new();
    let mut files = Vec::new();
    let mut batch = false;
    for input in inputs {
        if input.is_dir() {
            batch = true;
            files.extend(report_files(input)?);
        } else {
            files.push(input.clone());
        }
    }
    let bar = if batch {
        indicatif::ProgressBar::new(files.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} 份报告 {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    for path in &files {
        bar.set_message(
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        let result = check_path(path, previous.as_ref());
        bar.inc(1);
        match &result {
            Ok(c) => {
                worst = worst.max(u8::from(!c.findings.is_empty()));
                if !batch {
                    match format {
                        CheckFormat::Text => print_text(path, c),
                        CheckFormat::Json => {
                            println!("{}", gongkai_docs::json(&c.report, &c.findings)?);
                        }
                    }
                }
            }
            Err(e) => {
                worst = 2;
                if !batch {
                    eprintln!("{}：{e}", path.display());
                }
            }
        }
        rows.push((path.clone(), result));
    }
    bar.finish_and_clear();
    if batch {
        write_summary(&rows, summary)?;
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
            summary.display(),
            summary.display()
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

/// Writes `PREFIX.csv` and `PREFIX.xlsx`: one row per report, a column per finding kind.
fn write_summary(rows: &[(PathBuf, Result<Checked, ParseError>)], prefix: &Path) -> Result<()> {
    let mut header: Vec<String> = ["文件", "机关", "年度", "格式", "状态", "错误", "提示"]
        .map(str::to_owned)
        .to_vec();
    header.extend(Relation::ALL.iter().map(|r| r.id().to_owned()));
    let mut table: Vec<Vec<String>> = Vec::new();
    for (path, result) in rows {
        let mut line = vec![path.display().to_string()];
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
                    c.report.year.to_string(),
                    c.report.format.key().to_owned(),
                    if c.findings.is_empty() {
                        "无问题"
                    } else {
                        "有问题"
                    }
                    .to_owned(),
                    errors.to_string(),
                    warnings.to_string(),
                ]);
                line.extend(
                    Relation::ALL
                        .iter()
                        .map(|r| by.get(r.id()).copied().unwrap_or(0).to_string()),
                );
            }
            Err(e) => {
                line.extend([
                    String::new(),
                    String::new(),
                    String::new(),
                    e.to_string(),
                    String::new(),
                    String::new(),
                ]);
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

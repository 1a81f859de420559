//! `gongkai report`: an agency's annual report in a format, with its cross-check findings.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use gongkai_core::report::Severity;
use gongkai_docs::Format;

use super::{Database, ReportOf};

/// Print an agency's annual report; exits 1 if a cross-check finds an error.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    of: ReportOf,
    /// Output format: md, html, json, docx or xlsx.
    #[arg(long, default_value = "md")]
    format: Format,
    /// Write to this file instead of standard output.
    #[arg(long)]
    output: Option<PathBuf>,
}

/// Renders the report and reports its findings on standard error.
pub async fn run(db: &Database, a: Args, today: NaiveDate) -> Result<ExitCode> {
    let slug = a.of.slug()?;
    let store = db.open().await?;
    let (report, findings) = store.checked_report(&slug, a.of.year, today).await?;
    store.close().await;
    let bytes = gongkai_docs::render(a.format, &report, &findings)?;
    match &a.output {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("写入 {}", path.display()))?;
        }
        None => std::io::Write::write_all(&mut std::io::stdout(), &bytes)?,
    }
    if a.format != Format::Json {
        for f in &findings {
            let level = if f.severity == Severity::Error {
                "错误"
            } else {
                "提示"
            };
            eprintln!("{level} [{}] {}", f.relation, f.message);
        }
    }
    Ok(if findings.iter().any(|f| f.severity == Severity::Error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

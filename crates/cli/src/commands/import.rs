//! `gongkai import`: the published report of a year before the agency used gongkai, so
//! carry-over checks work from the first year.

use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use gongkai_core::audit::Actor;
use gongkai_docs::parse::SourceKind;
use gongkai_store::By;

use super::{Database, ReportOf};

/// Import the published report of a year before the agency used gongkai (JSON, XLSX, text, HTML
/// or DOCX), so carry-over checks work from the first year. Re-importing replaces it. The year
/// must match the file's when the file states one.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    of: ReportOf,
    /// The report file.
    file: PathBuf,
}

/// Reads the report and keeps it as the year's imported report.
pub async fn run(db: &Database, a: Args, now: DateTime<Utc>) -> Result<()> {
    let slug = a.of.slug()?;
    let kind = SourceKind::from_path(&a.file).unwrap_or(SourceKind::Text);
    let bytes = std::fs::read(&a.file).with_context(|| format!("读取 {}", a.file.display()))?;
    let parsed = gongkai_docs::parse::parse(&bytes, kind, &a.file.to_string_lossy())
        .map_err(|e| anyhow::anyhow!("{}：{e}", a.file.display()))?;
    let mut report = parsed.report;
    if report.year != a.of.year && kind != SourceKind::Xlsx {
        anyhow::bail!(
            "文件是{}年度报告，与 --year {} 不符",
            report.year,
            a.of.year
        );
    }
    report.year = a.of.year;
    let store = db.open().await?;
    let found = store.agency(&slug).await?;
    report.agency = found.as_ref();
    let actor = Actor::system("命令行 gongkai import");
    store
        .import_report(
            &slug,
            &report,
            &a.file.to_string_lossy(),
            By::new(&actor, now),
        )
        .await?;
    store.close().await;
    let unread = report.table3.iter().filter(|(_, _, v)| v.is_none()).count();
    println!(
        "已导入{}{}年度报告（{}）。",
        found.name,
        a.of.year,
        a.file.display()
    );
    if unread > 0 {
        println!("注意：表三有{unread}个单元格无法读取，相关核查将跳过这些单元格。");
    }
    Ok(())
}

//! `gongkai deadline`: a request's statutory deadlines from the working-day calendar
//! (`core::deadline`).

use std::path::PathBuf;

use anyhow::Result;
use chrono::NaiveDate;
use gongkai_core::calendar::Calendar;
use gongkai_core::deadline::{ClockFacts, Periods, deadlines};

/// Compute a request's statutory deadlines from the working-day calendar.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 收到申请之日 (YYYY-MM-DD).
    #[arg(long)]
    received: NaiveDate,
    /// When the 补正 notice was sent.
    #[arg(long)]
    clarification_requested: Option<NaiveDate>,
    /// When the clarified request arrived (the period restarts from it).
    #[arg(long, requires = "clarification_requested")]
    clarification_received: Option<NaiveDate>,
    /// A consultation period FROM:TO (both included), not counted; repeatable.
    #[arg(long, value_parser = parse_period)]
    consultation: Vec<(NaiveDate, NaiveDate)>,
    /// An extension of 20 working days was approved.
    #[arg(long)]
    extended: bool,
    /// Output: text or json.
    #[arg(long, default_value = "text")]
    format: String,
    /// A folder of YYYY.txt holiday files for years announced after this release.
    #[arg(long, env = "GONGKAI_HOLIDAYS_DIR")]
    holidays_dir: Option<PathBuf>,
}

/// `FROM:TO` as two dates.
fn parse_period(s: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let (from, to) = s
        .split_once(':')
        .ok_or_else(|| format!("“{s}”应写成 开始日期:结束日期，例如 2025-03-10:2025-03-14"))?;
    let date = |t: &str| {
        t.trim()
            .parse::<NaiveDate>()
            .map_err(|_| format!("“{t}”不是日期（YYYY-MM-DD）"))
    };
    Ok((date(from)?, date(to)?))
}

/// Prints the deadlines.
pub fn run(a: Args) -> Result<()> {
    let calendar = Calendar::load(a.holidays_dir.as_deref()).map_err(|e| anyhow::anyhow!(e))?;
    let facts = ClockFacts {
        received_on: Some(a.received),
        clarification_requested: a.clarification_requested,
        clarification_received: a.clarification_received,
        pauses: a.consultation,
        extended: a.extended,
        fee_pause: None,
    };
    let d = deadlines(&calendar, &facts, Periods::default()).map_err(|e| anyhow::anyhow!("{e}"))?;
    if a.format == "json" {
        println!("{}", serde_json::to_string_pretty(&d)?);
        return Ok(());
    }
    let due = d
        .due
        .map_or_else(|| "（等待补正，暂停计算）".to_owned(), |x| x.to_string());
    println!("due: {due}（答复期限）");
    println!(
        "clarification_notice_due: {}（补正通知期限）",
        d.clarification_notice_due
    );
    println!(
        "provisional: {}{}",
        d.provisional,
        if d.provisional {
            "（超出已公布的节假日安排，按周一至周五计算，须在国务院公布后复核）"
        } else {
            ""
        }
    );
    Ok(())
}

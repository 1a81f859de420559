//! `gongkai fee`: an information-processing fee (国办函〔2020〕109号, `core::fee`).

use anyhow::Result;

/// Compute an information-processing fee (国办函〔2020〕109号).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 按件计收: the requester's N-th request in the natural month.
    #[arg(long, conflicts_with = "pages", required_unless_present = "pages")]
    nth_in_month: Option<u32>,
    /// 按量计收: pages of one request.
    #[arg(long)]
    pages: Option<u32>,
    /// Output: json or text.
    #[arg(long, default_value = "json")]
    format: String,
}

/// Prints the fee.
pub fn run(a: &Args) -> Result<()> {
    let (amount, how) = match (a.nth_in_month, a.pages) {
        (Some(n), _) => (
            gongkai_core::fee::per_request_yuan(n),
            format!("按件计收，本自然月第{n}件"),
        ),
        (None, Some(p)) => (
            gongkai_core::fee::per_page_yuan(p),
            format!("按量计收，{p}页"),
        ),
        (None, None) => anyhow::bail!("请给出 --nth-in-month 或 --pages"),
    };
    if a.format == "json" {
        println!("{}", serde_json::json!({ "amount_yuan": amount }));
    } else {
        println!("amount_yuan: {amount}（{how}）");
    }
    Ok(())
}

//! `gongkai audit verify`: walks the audit trail's hash chain.

use std::process::ExitCode;

use anyhow::Result;

use super::open;

/// Check the audit trail.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Walk the hash chain; exits 1 at the first broken link.
    Verify,
}

/// Runs the audit command.
pub async fn run(database_url: &str, command: Command) -> Result<ExitCode> {
    let Command::Verify = command;
    let store = open(database_url).await?;
    let result = store.audit_verify().await?;
    store.close().await;
    match result {
        Ok(n) => {
            println!("审计日志完整：共{n}条记录，哈希链无断裂。");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("审计日志被篡改：{e}");
            Ok(ExitCode::from(1))
        }
    }
}

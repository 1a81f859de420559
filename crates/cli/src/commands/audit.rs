//! `gongkai audit`: verify the audit trail against its keys and the checkpoints published before;
//! make a checkpoint; rotate the key.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use gongkai_core::audit::Checkpoint;
use gongkai_store::Store;

use super::{Database, audit_keys};

/// Check the audit trail.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Walk the hash chain with the key file and the checkpoints published before; exits 1 at the
    /// first break.
    Verify {
        /// A checkpoint file to check against (default: the server's own, beside the key file).
        #[arg(long)]
        checkpoints: Option<PathBuf>,
    },
    /// Sign the chain head now: appended to the checkpoint file and kept for the portal.
    Checkpoint,
    /// Bring a new key into use (appended to the key file; the old ones stay for verifying).
    RotateKey,
}

/// Runs the audit command.
pub async fn run(db: &Database, command: Command, now: DateTime<Utc>) -> Result<ExitCode> {
    match command {
        Command::Verify { checkpoints } => {
            let file = checkpoints.unwrap_or_else(|| db.checkpoint_file());
            let published = read_checkpoints(&file)?;
            let store = db.open_to_verify().await?;
            let result = store.audit_verify(&published).await?;
            store.close().await;
            match result {
                Ok(n) => {
                    println!(
                        "审计日志完整：共{n}条记录，哈希链无断裂，与{}个检查点一致。",
                        published.len()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("审计日志被篡改：{e}");
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Checkpoint => {
            let store = db.open().await?;
            let made = checkpoint(&store, &db.checkpoint_file(), now).await?;
            store.close().await;
            match made {
                Some(c) => println!("已记录检查点：第{}条记录，哈希 {}", c.record_id, c.hash),
                None => println!("审计日志为空，没有可记录的检查点。"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::RotateKey => {
            let key = audit_keys::rotate(&db.audit_keys)?;
            // Opening the store with the new key records its introduction in the chain.
            let store = db.open().await?;
            store.close().await;
            println!(
                "已启用新的审计密钥 {}（写入 {}）；旧密钥保留用于核验。",
                key.id(),
                db.audit_keys.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Signs the chain head and appends the checkpoint to `file` (an append-only record outside the
/// database).
pub async fn checkpoint(
    store: &Store,
    file: &Path,
    now: DateTime<Utc>,
) -> Result<Option<Checkpoint>> {
    let Some(c) = store.make_checkpoint(now).await? else {
        return Ok(None);
    };
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .with_context(|| format!("无法写入检查点文件 {}", file.display()))?;
    writeln!(f, "{}", c.line())?;
    f.sync_all()?;
    Ok(Some(c))
}

/// The checkpoints in a file (none if it does not exist); a line that is not one is an error.
fn read_checkpoints(file: &Path) -> Result<Vec<Checkpoint>> {
    if !file.exists() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("无法读取检查点文件 {}", file.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            Checkpoint::parse(l)
                .with_context(|| format!("检查点文件 {} 第{}行无法识别", file.display(), n + 1))
        })
        .collect()
}

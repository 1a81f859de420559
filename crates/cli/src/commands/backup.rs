//! `gongkai backup`: a consistent copy of the SQLite database while the server runs.

use std::path::PathBuf;

use anyhow::{Context, Result};
use gongkai_store::{Store, redact};

use super::Database;

/// Write a consistent copy of the SQLite database to PATH (safe while the server runs).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the copy; must not exist.
    path: PathBuf,
}

/// Writes the copy.
pub async fn run(db: &Database, a: Args) -> Result<()> {
    let store = Store::connect(&db.url)
        .await
        .with_context(|| format!("打开数据库 {}", redact(&db.url)))?;
    store.backup(&a.path).await?;
    store.close().await;
    println!("已备份到 {}", a.path.display());
    Ok(())
}

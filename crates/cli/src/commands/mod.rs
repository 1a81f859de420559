//! One module per subcommand: its arguments (a clap `Args` or `Subcommand`) and what it does.
//! Each takes the database URL it was given and the injected clock; none holds a rule of its own.

use anyhow::{Context, Result};
use gongkai_store::{Store, redact};

pub mod accounts;
pub mod audit;
pub mod backup;
pub mod check;
pub mod deadline;
pub mod demo;
pub mod fee;
pub mod import;
pub mod items;
pub mod report;
pub mod search;
pub mod serve;

/// Opens the database and brings its schema up to date.
pub async fn open(url: &str) -> Result<Store> {
    let store = Store::connect(url)
        .await
        .with_context(|| format!("打开数据库 {}", redact(url)))?;
    store.migrate().await.context("迁移数据库")?;
    Ok(store)
}

/// An agency slug given on the command line.
pub fn slug(text: &str) -> Result<gongkai_core::Slug> {
    gongkai_core::Slug::parse(text).map_err(|e| anyhow::anyhow!("机关简称“{text}”无效：{e}"))
}

//! `gongkai migrate` and `gongkai demo`.

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use gongkai_store::{demo, redact};

use super::Database;

/// Applies pending migrations.
pub async fn migrate(db: &Database) -> Result<()> {
    let store = db.open().await?;
    store.close().await;
    println!("数据库已是最新结构：{}", redact(&db.url));
    Ok(())
}

/// Loads the demo data; running it again changes nothing.
pub async fn run(db: &Database, now: DateTime<Utc>) -> Result<()> {
    let store = db.open().await?;
    let loaded = demo::load(&store, now).await.context("载入示例数据")?;
    let published = demo::publish(&store, now)
        .await
        .context("发布示例年度报告")?;
    store.close().await;
    if published {
        println!("已发布{}年度报告。", demo::YEAR);
    }
    if loaded.agencies == 0 && loaded.items == 0 {
        println!("示例数据已存在，未做任何更改。");
    } else {
        println!(
            "已载入示例数据：机关{}个，主动公开信息{}条。",
            loaded.agencies, loaded.items
        );
    }
    println!(
        "查看报告：gongkai report --agency {} --year {}",
        demo::TOWN_SLUG,
        demo::YEAR
    );
    Ok(())
}

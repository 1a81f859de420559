//! `gongkai items import`: items published before the agency used gongkai, from JSON Lines.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::audit::Actor;
use gongkai_core::item::{Attribute, DocKind, ItemContent};
use gongkai_store::{By, NewItem};

use super::{Database, slug};

/// Proactive disclosure items.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Import items published before the agency used gongkai, from JSON Lines (one object per
    /// line: `title`, `date`, `category`, and optionally `index_no`, `doc_no`, `body`), as the
    /// shared bench corpus writes them. Missing categories are added to the catalogue.
    Import {
        /// The agency's slug.
        #[arg(long)]
        agency: String,
        /// The file.
        file: PathBuf,
    },
}

/// Runs the items command.
pub async fn run(db: &Database, command: Command, now: DateTime<Utc>) -> Result<()> {
    let Command::Import { agency, file } = command;
    let store = db.open().await?;
    let slug = slug(&agency)?;
    let items = read_items(&file)?;
    let mut categories = store.categories(&slug).await?;
    for item in &items {
        if !categories.contains(&item.category) {
            categories.push(item.category.clone());
        }
    }
    let actor = Actor::system("命令行 gongkai items import");
    store
        .set_categories(&slug, &categories, By::new(&actor, now))
        .await?;
    let bar = indicatif::ProgressBar::new(items.len() as u64);
    for chunk in items.chunks(2000) {
        store
            .insert_items(&slug, chunk, By::new(&actor, now))
            .await?;
        bar.inc(chunk.len() as u64);
    }
    bar.finish();
    store.analyze().await?;
    println!(
        "已导入 {} 条信息；请运行 gongkai search reindex 更新搜索索引",
        items.len()
    );
    store.close().await;
    Ok(())
}

/// Reads items from JSON Lines; a bad line is named with its number.
fn read_items(path: &Path) -> Result<Vec<NewItem>> {
    #[derive(serde::Deserialize)]
    struct Line {
        title: String,
        date: NaiveDate,
        category: String,
        #[serde(default)]
        index_no: Option<String>,
        #[serde(default)]
        doc_no: Option<String>,
        #[serde(default)]
        body: String,
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("无法读取 {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            let line: Line = serde_json::from_str(l)
                .with_context(|| format!("{} 第{}行不是有效的信息记录", path.display(), n + 1))?;
            let body_html = line.body.lines().filter(|p| !p.trim().is_empty()).fold(
                String::new(),
                |mut html, p| {
                    html.push_str("<p>");
                    html.push_str(
                        &p.replace('&', "&amp;")
                            .replace('<', "&lt;")
                            .replace('>', "&gt;"),
                    );
                    html.push_str("</p>");
                    html
                },
            );
            Ok(NewItem {
                content: Some(ItemContent {
                    title: line.title.clone(),
                    doc_number: line.doc_no.unwrap_or_default(),
                    written_on: Some(line.date),
                    formed_on: Some(line.date),
                    attribute: Some(Attribute::Proactive),
                    category: line.category.clone(),
                    kind: Some(DocKind::Other),
                    summary: line.title.chars().take(150).collect(),
                    body_html,
                    ..ItemContent::default()
                }),
                title: line.title,
                category: line.category,
                published_on: line.date,
                index_no: line.index_no,
            })
        })
        .collect()
}

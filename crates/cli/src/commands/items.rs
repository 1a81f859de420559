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

/// Items inserted per transaction.
const CHUNK: usize = 2_000;

/// Runs the items command. The file is read twice, line by line, so its size does not matter
/// (a million items is gigabytes of JSON): first every line is checked and the categories
/// gathered, so a bad line stops the import before anything is stored; then the items are
/// inserted in transactions of [`CHUNK`], each stamped with the time it begins (`now` plus the
/// time the import has taken): stamped all with `now`, a long import's last batches committed
/// minutes after their stamp, behind what servers following the database had passed already
/// (`gongkai_jobs::index::LOOK_BACK_MS`).
pub async fn run(db: &Database, command: Command, now: DateTime<Utc>) -> Result<()> {
    let Command::Import { agency, file } = command;
    let store = db.open().await?;
    let slug = slug(&agency)?;
    let mut categories = store.categories(&slug).await?;
    let mut count = 0_u64;
    for item in items(&file)? {
        let item = item?;
        if !categories.contains(&item.category) {
            categories.push(item.category);
        }
        count += 1;
    }
    let actor = Actor::system("命令行 gongkai items import");
    let began = std::time::Instant::now();
    let by = || {
        By::new(
            &actor,
            now + chrono::Duration::from_std(began.elapsed()).unwrap_or_default(),
        )
    };
    store.set_categories(&slug, &categories, by()).await?;
    let bar = indicatif::ProgressBar::new(count);
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut done = 0_u64;
    for item in items(&file)? {
        chunk.push(item?);
        if chunk.len() == CHUNK {
            store.insert_items(&slug, &chunk, by()).await?;
            bar.inc(chunk.len() as u64);
            done += chunk.len() as u64;
            chunk.clear();
        }
    }
    if !chunk.is_empty() {
        store.insert_items(&slug, &chunk, by()).await?;
        done += chunk.len() as u64;
    }
    bar.finish();
    store.analyze().await?;
    println!(
        "已导入 {done} 条信息。运行中的服务几秒内把它们加入各自的搜索索引；没有服务在运行时，下次启动 serve 时补上。"
    );
    store.close().await;
    Ok(())
}

/// The items of a JSON Lines file, read as they are asked for; a bad line is named with its
/// number.
fn items(path: &Path) -> Result<impl Iterator<Item = Result<NewItem>> + use<'_>> {
    let file = std::fs::File::open(path).with_context(|| format!("无法读取 {}", path.display()))?;
    Ok(std::io::BufRead::lines(std::io::BufReader::new(file))
        .enumerate()
        .filter_map(move |(n, line)| match line {
            Ok(l) if l.trim().is_empty() => None,
            Ok(l) => Some(item(path, n + 1, &l)),
            Err(e) => {
                Some(Err(e).with_context(|| format!("无法读取 {} 第{}行", path.display(), n + 1)))
            }
        }))
}

/// One line of the file as an item.
fn item(path: &Path, number: usize, l: &str) -> Result<NewItem> {
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
    let line: Line = serde_json::from_str(l)
        .with_context(|| format!("{} 第{number}行不是有效的信息记录", path.display()))?;
    let body_html =
        line.body
            .lines()
            .filter(|p| !p.trim().is_empty())
            .fold(String::new(), |mut html, p| {
                html.push_str("<p>");
                html.push_str(
                    &p.replace('&', "&amp;")
                        .replace('<', "&lt;")
                        .replace('>', "&gt;"),
                );
                html.push_str("</p>");
                html
            });
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
}

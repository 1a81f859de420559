//! `gongkai search reindex`: the portal's search index rebuilt from the database.

use std::path::PathBuf;

use anyhow::Result;

use super::Database;

/// The portal's search index.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Rebuild the search index from every item on the portal, with a progress bar.
    Reindex {
        /// The index folder.
        #[arg(long, env = "GONGKAI_SEARCH_DIR")]
        search_dir: Option<PathBuf>,
    },
}

/// The search index's default folder: beside the SQLite file (`g.db` → `g.db.search`), or
/// `gongkai-data/search-<database>` for PostgreSQL.
pub fn default_dir(database_url: &str) -> PathBuf {
    if let Some(path) = super::sqlite_file(database_url) {
        return PathBuf::from(format!("{}.search", path.display()));
    }
    let name = database_url
        .split('?')
        .next()
        .and_then(|u| u.rsplit('/').next())
        .filter(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
        .unwrap_or("postgres");
    PathBuf::from(format!("gongkai-data/search-{name}"))
}

/// Runs the search command.
pub async fn run(db: &Database, command: Command) -> Result<()> {
    let Command::Reindex { search_dir } = command;
    let store = db.open().await?;
    let dir = search_dir.unwrap_or_else(|| default_dir(&db.url));
    let index = std::sync::Arc::new(
        gongkai_search::SearchIndex::open(Some(&dir)).map_err(|e| anyhow::anyhow!("{e}"))?,
    );
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} 条 {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let n = gongkai_jobs::index::rebuild(&store, &index, |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .await?;
    bar.finish();
    // Which folder: without --search-dir it is the default one, which a server given its own
    // folder does not use (an operator's walk reindexed it and wondered why nothing changed).
    println!("已重建搜索索引：{n} 条信息，索引目录 {}", dir.display());
    store.close().await;
    Ok(())
}

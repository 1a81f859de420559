//! Proactive disclosure items: drafts with every version kept and their review ([`drafts`]), what
//! the portal and the search index read ([`portal`]), attachments ([`attachments`]) and items
//! published before gongkai ([`import`]), which get a working copy with the first step taken on
//! them ([`Store::manage_item`](crate::Store::manage_item)). Withdrawal takes an item off the
//! portal — its address then shows the notice of [`withdrawn`] — and it stays in the year's count
//! of the annual report, since it was published.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::item::{ItemContent, ReviewState, ReviewStep};

use crate::db::{Json, Millis};

mod attachments;
mod drafts;
mod import;
mod portal;
mod withdrawn;

pub use attachments::AttachmentInfo;
pub use import::{LegacyItem, NewItem};
pub use withdrawn::WithdrawnItem;

/// A draft as lists show it.
#[derive(Debug, Clone)]
pub struct DraftSummary {
    /// Draft id.
    pub id: i64,
    /// Title so far.
    pub title: String,
    /// Review state.
    pub review: ReviewState,
    /// Last change.
    pub updated: DateTime<Utc>,
    /// The published item, once published.
    pub item_id: Option<i64>,
    /// 形成日期 (for the publication deadline).
    pub formed_on: Option<NaiveDate>,
    /// The catalogue column it is filed under (its time limit applies).
    pub category: String,
}

/// A draft with its content and history.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Summary.
    pub summary: DraftSummary,
    /// Current content.
    pub content: ItemContent,
    /// Review steps: (what, who, when).
    pub steps: Vec<(ReviewStep, String, DateTime<Utc>)>,
    /// Versions: (number, who, when).
    pub versions: Vec<(i32, String, DateTime<Utc>)>,
}

/// A published item as the portal shows it.
#[derive(Debug, Clone)]
pub struct PublishedItem {
    /// Item id (its URL).
    pub id: i64,
    /// 索引号 (items from before gongkai may have none).
    pub index_no: Option<String>,
    /// Title.
    pub title: String,
    /// Catalogue category.
    pub category: String,
    /// 发布日期.
    pub published_on: NaiveDate,
    /// Metadata and body (items loaded without them show title and date only; in lists, the
    /// metadata alone).
    pub content: Option<ItemContent>,
    /// When it last changed (for caching headers).
    pub updated_ms: i64,
}

/// An item as a list page on the portal shows it ([`Store::listed_items`](crate::Store::listed_items)):
/// read without its content, which a list does not show.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ListedItem {
    /// Item id (its URL).
    pub id: i64,
    /// 索引号 (items from before gongkai may have none).
    pub index_no: Option<String>,
    /// Title.
    pub title: String,
    /// Catalogue category.
    pub category: String,
    /// 发布日期.
    pub published_on: NaiveDate,
    /// 发文字号 (empty if none).
    pub doc_number: String,
}

crate::direct::direct_row!(ListedItem {
    id,
    index_no,
    title,
    category,
    published_on,
    doc_number
});

/// An item found by a search, as the search page shows it
/// ([`Store::found_items`](crate::Store::found_items)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundItem {
    /// Item id (its URL).
    pub id: i64,
    /// Agency slug (its URL).
    pub agency: String,
    /// Agency name.
    pub agency_name: String,
    /// Catalogue category.
    pub category: String,
    /// Title.
    pub title: String,
    /// 发布日期.
    pub published_on: NaiveDate,
    /// 发文字号 (empty if none): shown with the hit, since a search finds it too.
    pub doc_number: String,
    /// 索引号 (empty if none): shown with a hit found by it.
    pub index_no: String,
    /// Body, sanitised HTML.
    pub body_html: String,
}

/// An item's page on the portal, read in one statement ([`Store::item_page`](crate::Store::item_page)).
#[derive(Debug, Clone)]
pub struct ItemPage {
    /// The item.
    pub item: PublishedItem,
    /// The item it interprets (a 政策解读 of a published policy of the same agency): id and title.
    pub interpreted: Option<(i64, String)>,
    /// Its published 政策解读: (id, title), oldest first.
    pub readings: Vec<(i64, String)>,
    /// Its attachments.
    pub attachments: Vec<AttachmentInfo>,
}

#[derive(sqlx::FromRow)]
struct DraftRow {
    id: i64,
    content_json: Json<ItemContent>,
    review_json: Json<ReviewState>,
    updated_ms: Millis,
    item_id: Option<i64>,
}

impl DraftRow {
    fn summary(&self) -> DraftSummary {
        let content = &self.content_json.0;
        DraftSummary {
            id: self.id,
            title: content.title.clone(),
            review: self.review_json.0.clone(),
            updated: self.updated_ms.0,
            item_id: self.item_id,
            formed_on: content.formed_on,
            category: content.category.clone(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: i64,
    index_no: Option<String>,
    title: String,
    category: String,
    published_on: NaiveDate,
    content_json: Option<Json<ItemContent>>,
    updated_ms: Option<i64>,
}

crate::direct::direct_row!(ItemRow {
    id,
    index_no,
    title,
    category,
    published_on,
    content_json,
    updated_ms
});

impl From<ItemRow> for PublishedItem {
    fn from(r: ItemRow) -> Self {
        Self {
            id: r.id,
            index_no: r.index_no,
            title: r.title,
            category: r.category,
            published_on: r.published_on,
            content: r.content_json.map(|Json(c)| c),
            updated_ms: r.updated_ms.unwrap_or(0),
        }
    }
}

const ITEM_SELECT: &str = "SELECT i.id, i.index_no, i.title, c.name AS category, i.published_on, \
     i.content_json, i.updated_ms FROM items i JOIN catalogue_categories c ON c.id = i.category_id";

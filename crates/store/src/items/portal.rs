//! What the portal and the search index read of published items.

use chrono::NaiveDate;
use gongkai_core::Slug;

use super::{ITEM_SELECT, ItemRow, PublishedItem};
use crate::db::sql;
use crate::{Store, StoreError};

/// An item as the search index sees it: with its agency, change position and whether withdrawn.
const INDEX_SELECT: &str = "SELECT a.slug, a.name AS agency_name, i.id, i.index_no, i.title, \
     c.name AS category, i.published_on, i.content_json, COALESCE(i.updated_ms, 0) AS updated_ms, \
     i.withdrawn_on IS NOT NULL AS withdrawn \
     FROM items i JOIN catalogue_categories c ON c.id = i.category_id JOIN agencies a ON a.id = i.agency_id";

#[derive(sqlx::FromRow)]
struct IndexRow {
    slug: String,
    agency_name: String,
    #[sqlx(flatten)]
    item: ItemRow,
    withdrawn: bool,
}

/// (`(updated_ms, id)`, agency slug, agency name, the item or `Err(id)` if withdrawn).
pub type IndexEntry = ((i64, i64), String, String, Result<PublishedItem, i64>);

impl From<IndexRow> for IndexEntry {
    fn from(r: IndexRow) -> Self {
        let position = (r.item.updated_ms.unwrap_or(0), r.item.id);
        let item = if r.withdrawn {
            Err(r.item.id)
        } else {
            Ok(PublishedItem::from(r.item))
        };
        (position, r.slug, r.agency_name, item)
    }
}

impl Store {
    /// The agency's items on the portal (not withdrawn), newest first, optionally in one category:
    /// one page and the total count.
    pub async fn published_items(
        &self,
        slug: &Slug,
        category: Option<&str>,
        page: u32,
        per_page: u32,
    ) -> Result<(Vec<PublishedItem>, i64), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        // Resolve the category first, so both queries walk an index in the order they need
        // (category or agency, newest first) instead of sorting the agency's items.
        let (filter, key) = match category {
            Some(name) => {
                let id: Option<i64> =
                    sql("SELECT id FROM catalogue_categories WHERE agency_id = $1 AND name = $2")
                        .bind(agency_id)
                        .bind(name)
                        .scalar_opt(self)
                        .await?;
                match id {
                    Some(id) => ("WHERE i.category_id = $1 AND i.withdrawn_on IS NULL", id),
                    None => return Ok((Vec::new(), 0)),
                }
            }
            None => (
                "WHERE i.agency_id = $1 AND i.withdrawn_on IS NULL",
                agency_id,
            ),
        };
        let offset = i64::from(page.saturating_sub(1)) * i64::from(per_page);
        let rows: Vec<ItemRow> = sql(format!(
            "{ITEM_SELECT} {filter} ORDER BY i.published_on DESC, i.id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(key)
        .bind(i64::from(per_page))
        .bind(offset)
        .all(self)
        .await?;
        let total: i64 = sql(format!("SELECT COUNT(*) FROM items i {filter}"))
            .bind(key)
            .scalar(self)
            .await?;
        Ok((rows.into_iter().map(PublishedItem::from).collect(), total))
    }

    /// One item on the portal (`None` if withdrawn or not this agency's).
    pub async fn published_item(
        &self,
        slug: &Slug,
        id: i64,
    ) -> Result<Option<PublishedItem>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let row: Option<ItemRow> = sql(format!(
            "{ITEM_SELECT} WHERE i.id = $1 AND i.agency_id = $2 AND i.withdrawn_on IS NULL"
        ))
        .bind(id)
        .bind(agency_id)
        .optional(self)
        .await?;
        Ok(row.map(PublishedItem::from))
    }

    /// The published 政策解读 of an item: (id, title).
    pub async fn interpretations_of(
        &self,
        slug: &Slug,
        id: i64,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        sql(
            "SELECT id, title FROM items WHERE agency_id = $1 AND interprets_id = $2 \
             AND withdrawn_on IS NULL ORDER BY id",
        )
        .bind(agency_id)
        .bind(id)
        .all(self)
        .await
    }

    /// Published 规章 and 行政规范性文件 of the agency that have no published 政策解读 (§4.4 asks
    /// that they be flagged): (id, title).
    pub async fn items_lacking_interpretation(
        &self,
        slug: &Slug,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        sql("SELECT i.id, i.title FROM items i WHERE i.agency_id = $1 AND i.withdrawn_on IS NULL \
             AND i.kind IN ('rule', 'normative_document') \
             AND NOT EXISTS (SELECT 1 FROM items x WHERE x.interprets_id = i.id AND x.withdrawn_on IS NULL) \
             ORDER BY i.id")
        .bind(agency_id)
        .all(self)
        .await
    }

    /// Every item on the portal with its agency (slug, name), for (re)building the search index.
    pub async fn items_for_index(
        &self,
    ) -> Result<Vec<(String, String, PublishedItem)>, StoreError> {
        let rows: Vec<IndexRow> = sql(format!(
            "{INDEX_SELECT} WHERE i.withdrawn_on IS NULL ORDER BY i.id"
        ))
        .all(self)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let (_, slug, name, item) = IndexEntry::from(r);
                Some((slug, name, item.ok()?))
            })
            .collect())
    }

    /// Items changed after the position `(updated_ms, id)`, in that order, at most `limit`: each
    /// with its agency (slug, name), or `Err(id)` if it is no longer on the portal. A search
    /// index follows other processes' publications and withdrawals with it.
    pub async fn items_changed_after(
        &self,
        after: (i64, i64),
        limit: i64,
    ) -> Result<Vec<IndexEntry>, StoreError> {
        let rows: Vec<IndexRow> = sql(format!(
            "{INDEX_SELECT} WHERE i.updated_ms > $1 OR (i.updated_ms = $1 AND i.id > $2) \
             ORDER BY i.updated_ms, i.id LIMIT $3"
        ))
        .bind(after.0)
        .bind(after.1)
        .bind(limit)
        .all(self)
        .await?;
        Ok(rows.into_iter().map(IndexEntry::from).collect())
    }

    /// The newest change position of the items (where a follower starts).
    pub async fn items_change_position(&self) -> Result<(i64, i64), StoreError> {
        let row: Option<(i64, i64)> = sql(
            "SELECT updated_ms, id FROM items WHERE updated_ms IS NOT NULL \
             ORDER BY updated_ms DESC, id DESC LIMIT 1",
        )
        .optional(self)
        .await?;
        Ok(row.unwrap_or((0, 0)))
    }

    /// How many items are on the portal (to tell whether a search index is complete).
    pub async fn published_count(&self) -> Result<i64, StoreError> {
        sql("SELECT COUNT(*) FROM items WHERE withdrawn_on IS NULL")
            .scalar(self)
            .await
    }

    /// Every item on the portal: (agency slug, item id, 发布日期) for `sitemap.xml`.
    pub async fn sitemap_items(&self) -> Result<Vec<(String, i64, NaiveDate)>, StoreError> {
        sql("SELECT a.slug, i.id, i.published_on FROM items i JOIN agencies a ON a.id = i.agency_id \
             WHERE i.withdrawn_on IS NULL ORDER BY a.slug, i.id")
        .all(self)
        .await
    }
}

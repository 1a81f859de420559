//! Items published before gongkai (imports, the demo, benchmarks): recorded as published, in
//! batches, with the agency's 索引号 counter moved past any number they bring.

use chrono::NaiveDate;
use gongkai_core::Slug;
use gongkai_core::audit::Entry;
use gongkai_core::item::{DocKind, ItemContent, serial_of};

use super::drafts::category_id;
use crate::db::{By, json, sql};
use crate::{Store, StoreError};

/// An item published elsewhere before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    /// Title.
    pub title: String,
    /// Catalogue category name (must exist in the agency's catalogue).
    pub category: String,
    /// 发布日期.
    pub published_on: NaiveDate,
    /// 索引号, for items published elsewhere before (imports, the demo).
    pub index_no: Option<String>,
    /// Metadata and body, when known.
    pub content: Option<ItemContent>,
}

/// Items on the portal never given a working copy here (published before gongkai).
const LEGACY: &str = "FROM items i WHERE i.agency_id = $1 AND i.withdrawn_on IS NULL \
     AND NOT EXISTS (SELECT 1 FROM item_drafts d WHERE d.item_id = i.id)";

/// An item published before gongkai that has no working copy yet, as the back office lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LegacyItem {
    /// Item id (its address on the portal).
    pub id: i64,
    /// Title.
    pub title: String,
    /// Column.
    pub category: String,
    /// 发布日期.
    pub published_on: NaiveDate,
}

impl Store {
    /// The agency's items on the portal that were published before gongkai and have not been
    /// taken in hand yet (no working copy), newest first: one page and the total count.
    pub async fn legacy_items(
        &self,
        slug: &Slug,
        page: u32,
        per_page: u32,
    ) -> Result<(Vec<LegacyItem>, i64), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows = sql(format!(
            "SELECT i.id, i.title, \
             (SELECT c.name FROM catalogue_categories c WHERE c.id = i.category_id) AS category, \
             i.published_on {LEGACY} ORDER BY i.published_on DESC, i.id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(agency_id)
        .bind(i64::from(per_page))
        .bind(i64::from(page.saturating_sub(1)) * i64::from(per_page))
        .all(self)
        .await?;
        let total = sql(format!("SELECT COUNT(*) {LEGACY}"))
            .bind(agency_id)
            .scalar(self)
            .await?;
        Ok((rows, total))
    }

    /// Records a published item.
    pub async fn insert_item(
        &self,
        slug: &Slug,
        item: &NewItem,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        self.insert_items(slug, std::slice::from_ref(item), by)
            .await
    }

    /// Records published items in one transaction, with one audit record for the batch.
    pub async fn insert_items(
        &self,
        slug: &Slug,
        items: &[NewItem],
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = Entry::new(
            Some(slug.as_str()),
            "item.publish",
            match items {
                [one] => format!("item:{}", one.title),
                _ => format!("items:{}", items.len()),
            },
            match items {
                [one] => format!("{}，{}", one.category, one.published_on),
                _ => format!("导入已发布信息{}条", items.len()),
            },
        );
        self.write(by, entry, async |tx| {
            for item in items {
                let category = category_id(tx, agency_id, &item.category).await?;
                let content = item.content.as_ref().map(json).transpose()?;
                sql("INSERT INTO items (agency_id, category_id, title, published_on, created_at, index_no, \
                     content_json, updated_ms, kind, doc_number) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .bind(agency_id)
                .bind(category)
                .bind(&item.title)
                .bind(item.published_on)
                .bind(by.now)
                .bind(&item.index_no)
                .bind(content)
                .bind(by.ms())
                .bind(item.content.as_ref().and_then(|c| c.kind).map(DocKind::key))
                .bind(item.content.as_ref().map_or("", |c| c.doc_number.as_str()))
                .execute(&mut *tx)
                .await?;
                if let Some((period, serial)) = item.index_no.as_deref().and_then(serial_of) {
                    sql("INSERT INTO index_serials (agency_id, period, last) VALUES ($1, $2, $3) \
                         ON CONFLICT (agency_id, period) DO UPDATE SET last = \
                         CASE WHEN index_serials.last < excluded.last THEN excluded.last ELSE index_serials.last END")
                    .bind(agency_id)
                    .bind(period)
                    .bind(serial)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            Ok(())
        })
        .await
    }
}

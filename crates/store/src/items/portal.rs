//! What the portal and the search index read of published items.

use chrono::NaiveDate;
use gongkai_core::Slug;
use gongkai_core::item::ItemContent;

use std::sync::Arc;

use super::{AttachmentInfo, FoundItem, ITEM_SELECT, ItemPage, ItemRow, ListedItem, PublishedItem};
use crate::db::{Json, sql};
use crate::ready::{Build, ListIndex, ListKey, STRIDE, Stamp};
use crate::{Store, StoreError};
use tokio::sync::watch;

/// An item's page: part 0 the item, with the item it interprets (a 政策解读's policy, `j_id` and
/// `j_title`), 1 its published 政策解读 (id and title: the page links them, so their content is not
/// read), 2 its attachments (id, name as `a`, content type as `b`, size as `n`). Every part is
/// found by key ($1 the item, $2 its agency); the rows come in no order (an ORDER BY over the union
/// made SQLite walk the agency's whole list to produce them sorted).
///
/// The item's row is read once. Its columns after the content (`withdrawn_on`, `interprets_id`)
/// lie past the body in the row's overflow pages: when the item interpreted and the attachments
/// each checked the item again, SQLite walked those pages three times a page. The parts that
/// follow do not check the item: with no part 0 row the page is `None` whatever they found.
/// The item interpreted is joined by its key (`j.id = i.interprets_id`) after the item is found
/// by its own: the self-join this once had, on the agency, made SQLite (with `ANALYZE`
/// statistics) walk the agency's whole list, 1–2 ms a page at 20,000 items.
const ITEM_PAGE: &str = "\
    SELECT 0 AS part, i.id, i.index_no AS a, i.title, c.name AS b, i.published_on, i.content_json, \
      i.updated_ms AS n, j.id AS j_id, j.title AS j_title \
      FROM items i JOIN catalogue_categories c ON c.id = i.category_id \
      LEFT JOIN items j ON j.id = i.interprets_id AND j.agency_id = $2 AND j.withdrawn_on IS NULL \
      WHERE i.id = $1 AND i.agency_id = $2 AND i.withdrawn_on IS NULL \
    UNION ALL SELECT 1, x.id, NULL, x.title, '', NULL, NULL, NULL, NULL, NULL \
      FROM items x WHERE x.interprets_id = $1 AND x.agency_id = $2 AND x.withdrawn_on IS NULL \
    UNION ALL SELECT 2, t.id, t.name, '', t.content_type, NULL, NULL, t.size, NULL, NULL \
      FROM item_drafts d JOIN item_attachments t ON t.draft_id = d.id \
      WHERE d.item_id = $1 AND NOT t.pending";

#[derive(sqlx::FromRow)]
struct PageRow {
    part: i32,
    id: i64,
    a: Option<String>,
    title: String,
    b: String,
    published_on: Option<NaiveDate>,
    content_json: Option<Json<ItemContent>>,
    n: Option<i64>,
    j_id: Option<i64>,
    j_title: Option<String>,
}

crate::direct::direct_row!(PageRow {
    part,
    id,
    a,
    title,
    b,
    published_on,
    content_json,
    n,
    j_id,
    j_title
});

impl PageRow {
    fn into_item(self) -> PublishedItem {
        PublishedItem {
            id: self.id,
            index_no: self.a,
            title: self.title,
            category: self.b,
            published_on: self.published_on.unwrap_or_default(),
            content: self.content_json.map(|Json(c)| c),
            updated_ms: self.n.unwrap_or(0),
        }
    }
}

/// What a search page shows of a hit; `found_items` appends the ids it asks for. The body is taken
/// out of the content's JSON here ([`BodyOnly`]), not by the database: SQLite's `json_extract`
/// converts the whole document to its binary form first, and the text it gives back is checked
/// as UTF-8 again, together a tenth of a search page.
const FOUND_SELECT: &str = "SELECT i.id, a.slug AS agency, a.name AS agency_name, \
     c.name AS category, i.title, i.published_on, i.doc_number, i.index_no, i.content_json \
     FROM items i JOIN agencies a ON a.id = i.agency_id \
     JOIN catalogue_categories c ON c.id = i.category_id \
     WHERE i.withdrawn_on IS NULL AND i.id IN (";

/// A hit as read ([`FOUND_SELECT`]).
#[derive(sqlx::FromRow)]
struct FoundRow {
    id: i64,
    agency: String,
    agency_name: String,
    category: String,
    title: String,
    published_on: NaiveDate,
    doc_number: String,
    index_no: Option<String>,
    content_json: Option<Json<BodyOnly>>,
}

crate::direct::direct_row!(FoundRow {
    id,
    agency,
    agency_name,
    category,
    title,
    published_on,
    doc_number,
    index_no,
    content_json
});

/// The body of an item's content JSON; its other fields are passed over unread.
#[derive(serde::Deserialize)]
struct BodyOnly {
    #[serde(default)]
    body_html: String,
}

/// An item as the search index sees it: with its agency, change position and whether withdrawn.
const INDEX_SELECT: &str = "SELECT a.slug, i.id, i.index_no, i.title, \
     c.name AS category, i.published_on, i.content_json, COALESCE(i.updated_ms, 0) AS updated_ms, \
     i.withdrawn_on IS NOT NULL AS withdrawn \
     FROM items i JOIN catalogue_categories c ON c.id = i.category_id JOIN agencies a ON a.id = i.agency_id";

#[derive(sqlx::FromRow)]
struct IndexRow {
    slug: String,
    #[sqlx(flatten)]
    item: ItemRow,
    withdrawn: bool,
}

/// (`(updated_ms, id)`, agency slug, the item or `Err(id)` if withdrawn).
pub type IndexEntry = ((i64, i64), String, Result<PublishedItem, i64>);

impl From<IndexRow> for IndexEntry {
    fn from(r: IndexRow) -> Self {
        let position = (r.item.updated_ms.unwrap_or(0), r.item.id);
        let item = if r.withdrawn {
            Err(r.item.id)
        } else {
            Ok(PublishedItem::from(r.item))
        };
        (position, r.slug, item)
    }
}

impl Store {
    /// The agency's items on the portal (not withdrawn), newest first, optionally in one category:
    /// one page and the total count. Their content carries the metadata, not the body
    /// ([`Store::published_item`] reads one item whole).
    ///
    /// With data kept ready ([`Store::keep_ready`]), the list's length and the key where each
    /// stretch of [`STRIDE`] items starts are kept between writes, so any page, however deep, is
    /// one index seek and at most `STRIDE + per_page` index entries; otherwise the page's ids are
    /// found in the index alone (rows are read for the page only) and the total counted.
    pub async fn published_items(
        &self,
        slug: &Slug,
        category: Option<&str>,
        page: u32,
        per_page: u32,
    ) -> Result<(Vec<PublishedItem>, i64), StoreError> {
        let (rows, total) = self
            .list_page::<ItemRow>(self.list_select(), slug, category, page, per_page)
            .await?;
        Ok((rows.into_iter().map(PublishedItem::from).collect(), total))
    }

    /// One page of a list as the portal's list pages show it (title, 发文字号, category, date),
    /// without reading any item's content: see [`Store::published_items`] for the order and the
    /// pages, which are the same.
    pub async fn listed_items(
        &self,
        slug: &Slug,
        category: Option<&str>,
        page: u32,
        per_page: u32,
    ) -> Result<(Vec<ListedItem>, i64), StoreError> {
        // The 发文字号 is a column of its own (migration 0030), in both list indexes: read from
        // the item's JSON, every row the statement passed over was parsed; kept in a table apart,
        // every row of a page was one more search.
        static SELECT: &str = "SELECT i.id, i.index_no, i.title, c.name AS category, i.published_on, \
             i.doc_number FROM items i JOIN catalogue_categories c ON c.id = i.category_id";
        self.list_page(SELECT, slug, category, page, per_page).await
    }

    /// One page of the agency's list (or a category's) as `select` reads its rows (`items i`,
    /// ending where a `WHERE` may follow), and the list's length.
    async fn list_page<R: crate::db::Record + crate::direct::Direct>(
        &self,
        select: &str,
        slug: &Slug,
        category: Option<&str>,
        page: u32,
        per_page: u32,
    ) -> Result<(Vec<R>, i64), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let category_id = match category {
            Some(name) => {
                let columns = self.category_ids(agency_id).await?;
                match columns.iter().find(|(_, n)| n == name) {
                    Some((id, _)) => Some(*id),
                    None => return Ok((Vec::new(), 0)),
                }
            }
            None => None,
        };
        // Both filters walk a partial index in the order the page needs (newest first).
        let (filter, key) = match category_id {
            Some(id) => ("category_id = $1 AND withdrawn_on IS NULL", id),
            None => ("agency_id = $1 AND withdrawn_on IS NULL", agency_id),
        };
        let offset = i64::from(page.saturating_sub(1)) * i64::from(per_page);
        if let Some(stamp) = self.ready_stamp().await {
            let list = self
                .list_index(stamp, (agency_id, category_id), filter, key)
                .await?;
            let stretch = usize::try_from(offset / STRIDE).unwrap_or(usize::MAX);
            let Some(&(on, id)) = list.starts.get(stretch) else {
                return Ok((Vec::new(), list.total));
            };
            // The page's length and its offset into the stretch (0 whenever a page is a stretch)
            // are written into the statement, not bound: with them unknown, PostgreSQL judged
            // its generic plan dear and planned the statement anew at every page (0.2–0.8 ms,
            // distinct list pages 2,398–2,696/s against 3,787–4,734/s with one plan kept). Both
            // are numbers this function computed, never a visitor's text.
            let skip = offset % STRIDE;
            let rows = sql(format!(
                "{select} WHERE i.{filter} AND i.published_on <= $2 \
                     AND (i.published_on < $2 OR i.id <= $3) \
                     ORDER BY i.published_on DESC, i.id DESC LIMIT {per_page}{}",
                if skip > 0 {
                    format!(" OFFSET {skip}")
                } else {
                    String::new()
                }
            ))
            .bind(key)
            .bind(on)
            .bind(id)
            .all_direct(self)
            .await?;
            Ok((rows, list.total))
        } else {
            let rows = sql(format!(
                "{select} WHERE i.id IN (SELECT id FROM items WHERE {filter} \
                     ORDER BY published_on DESC, id DESC LIMIT $2 OFFSET $3) \
                     ORDER BY i.published_on DESC, i.id DESC"
            ))
            .bind(key)
            .bind(i64::from(per_page))
            .bind(offset)
            .all(self)
            .await?;
            Ok((rows, self.list_length(filter, key).await?))
        }
    }

    /// The columns of a list's items. On SQLite each item's content comes without its body and
    /// corrections, cut out by the database: a list shows none of them, and a page of 20 read 20
    /// bodies of several kilobytes, checked their UTF-8 and parsed them (a sixth of a list page's
    /// time). PostgreSQL keeps the text whole: converting it to `jsonb` and back to cut the body
    /// out cost more than sending it (distinct list pages 1,405/s against ~1,900/s).
    fn list_select(&self) -> &'static str {
        static SQLITE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            ITEM_SELECT.replacen(
                "i.content_json",
                "json_remove(i.content_json, '$.body_html', '$.corrections') AS content_json",
                1,
            )
        });
        match self.backend() {
            crate::Backend::Sqlite => &SQLITE,
            crate::Backend::Postgres => ITEM_SELECT,
        }
    }

    /// How many items a list holds (`filter` with `key` as `$1`).
    async fn list_length(&self, filter: &str, key: i64) -> Result<i64, StoreError> {
        sql(format!("SELECT COUNT(*) FROM items WHERE {filter}"))
            .bind(key)
            .scalar(self)
            .await
    }

    /// A list's length and where each stretch starts, kept under `stamp`.
    ///
    /// Built in a task of its own, so a visitor who gives up does not cancel it: at a million
    /// items the build takes seconds, and cancelled with each request a client timed out, it
    /// never finished and every list page started it again (36 list pages/s at 1,000,000 items).
    async fn list_index(
        &self,
        stamp: Stamp,
        list: ListKey,
        filter: &'static str,
        key: i64,
    ) -> Result<Arc<ListIndex>, StoreError> {
        if let Some(kept) = self.ready.list(stamp, list) {
            return Ok(kept);
        }
        let lead = match self.ready.build_list(stamp, list) {
            Build::Lead(lead) => lead,
            Build::Wait(mut rx) => {
                // Another request's build: its list, or (if it failed) a build of this one's own.
                loop {
                    if let Some(index) = rx.borrow_and_update().clone() {
                        return Ok(index);
                    }
                    if rx.changed().await.is_err() {
                        break;
                    }
                }
                if let Some(index) = rx.borrow().clone() {
                    return Ok(index);
                }
                watch::channel(None).0
            }
        };
        // Built in a task of its own: a request that times out must not cancel the build that
        // the others wait for (at a million items a list was then never kept).
        let store = self.clone();
        let build = tokio::spawn(async move {
            let made = async {
                let starts: Vec<(NaiveDate, i64)> = sql(format!(
                    "SELECT published_on, id FROM (SELECT published_on, id, \
                     ROW_NUMBER() OVER (ORDER BY published_on DESC, id DESC) AS n \
                     FROM items WHERE {filter}) t WHERE n % {STRIDE} = 1 ORDER BY published_on DESC, id DESC"
                ))
                .bind(key)
                .all(&store)
                .await?;
                let total = store.list_length(filter, key).await?;
                Ok::<_, StoreError>(Arc::new(ListIndex { total, starts }))
            }
            .await;
            store
                .ready
                .built(stamp, list, &lead, made.as_ref().ok().cloned());
            made
        });
        // The task only fails by panicking: a bug, reported as a crashed worker.
        build
            .await
            .map_err(|_| StoreError::Database(sqlx::Error::WorkerCrashed))?
    }

    /// An item's page on the portal in one statement: the item, the item it interprets, its
    /// published 政策解读 and its attachments (`None` if withdrawn or not this agency's).
    pub async fn item_page(&self, slug: &Slug, id: i64) -> Result<Option<ItemPage>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<PageRow> = sql(ITEM_PAGE)
            .bind(id)
            .bind(agency_id)
            .all_direct(self)
            .await?;
        let mut page: Option<ItemPage> = None;
        let mut interpreted = None;
        let mut readings = Vec::new();
        let mut attachments = Vec::new();
        for mut r in rows {
            match r.part {
                0 => {
                    interpreted = r.j_id.zip(r.j_title.take());
                    page = Some(ItemPage {
                        item: r.into_item(),
                        interpreted: None,
                        readings: Vec::new(),
                        attachments: Vec::new(),
                    });
                }
                1 => readings.push((r.id, r.title)),
                _ => attachments.push(AttachmentInfo {
                    id: r.id,
                    name: r.a.unwrap_or_default(),
                    content_type: r.b,
                    size: r.n.unwrap_or(0),
                    pending: false,
                }),
            }
        }
        readings.sort_unstable();
        attachments.sort_unstable_by_key(|a| a.id);
        Ok(page.map(|p| ItemPage {
            interpreted,
            readings,
            attachments,
            ..p
        }))
    }

    /// The items a search found, by id, in the order of `ids`: those withdrawn since the index
    /// saw them are left out. One statement by primary key, whatever the page's length.
    pub async fn found_items(&self, ids: &[i64]) -> Result<Vec<FoundItem>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = sql(FOUND_SELECT);
        for (n, id) in ids.iter().enumerate() {
            if n > 0 {
                q = q.push(", ");
            }
            q = q.push_bind(*id);
        }
        let rows: Vec<FoundRow> = q.push(")").all_direct(self).await?;
        let mut found: std::collections::HashMap<i64, FoundItem> = rows
            .into_iter()
            .map(|r| {
                let item = FoundItem {
                    id: r.id,
                    agency: r.agency,
                    agency_name: r.agency_name,
                    category: r.category,
                    title: r.title,
                    published_on: r.published_on,
                    doc_number: r.doc_number,
                    index_no: r.index_no.unwrap_or_default(),
                    body_html: r
                        .content_json
                        .map(|Json(c)| c.body_html)
                        .unwrap_or_default(),
                };
                (item.id, item)
            })
            .collect();
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
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
        sql(format!("SELECT i.id, i.title FROM items i WHERE i.agency_id = $1 AND i.withdrawn_on IS NULL \
             AND i.kind IN {} \
             AND NOT EXISTS (SELECT 1 FROM items x WHERE x.interprets_id = i.id AND x.withdrawn_on IS NULL) \
             ORDER BY i.id", crate::db::documents_sql()))
        .bind(agency_id)
        .all(self)
        .await
    }

    /// Items on the portal with their agency's slug, by id, the first `limit` after the
    /// id `after`: (re)building the search index reads them batch by batch, so its memory does
    /// not grow with the number of items.
    pub async fn items_for_index(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(String, PublishedItem)>, StoreError> {
        let rows: Vec<IndexRow> = sql(format!(
            "{INDEX_SELECT} WHERE i.withdrawn_on IS NULL AND i.id > $1 ORDER BY i.id LIMIT $2"
        ))
        .bind(after)
        .bind(limit)
        .all(self)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let (_, slug, item) = IndexEntry::from(r);
                Some((slug, item.ok()?))
            })
            .collect())
    }

    /// Items changed after the position `(updated_ms, id)`, in that order, at most `limit`: each
    /// with its agency's slug, or `Err(id)` if it is no longer on the portal. A search
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

    /// When the oldest transaction now open on the database that has written began (ms since the
    /// epoch, the database server's clock), other than this connection's; `None` when there is
    /// none, and always on SQLite. A follower of item changes keeps its window back to it: a
    /// write held up by a lock commits long after the stamp it took when it began (an import
    /// waiting 24 s on the agency's 索引号 counter was never followed). PostgreSQL shows other
    /// sessions' transactions to the same role, which all of a deployment's servers use.
    pub async fn oldest_open_write_ms(&self) -> Result<Option<i64>, StoreError> {
        if self.backend() == crate::Backend::Sqlite {
            // One writer at a time, and a write's stamp is taken as it begins: nothing is held
            // up between the two for longer than the lock's wait.
            return Ok(None);
        }
        let row: Option<(Option<i64>,)> = sql(
            "SELECT (EXTRACT(EPOCH FROM MIN(xact_start)) * 1000)::BIGINT FROM pg_stat_activity \
             WHERE datname = current_database() AND backend_xid IS NOT NULL \
             AND pid <> pg_backend_pid()",
        )
        .optional(self)
        .await?;
        Ok(row.and_then(|(ms,)| ms))
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

    /// The parts of the items' sitemap: part `n` (from 1) holds the items on the portal whose id
    /// is in `((n - 1) × SITEMAP_PART, n × SITEMAP_PART]`, so no part has more than
    /// `SITEMAP_PART` addresses (the sitemaps protocol allows 50,000) and a part's items are
    /// found by a range of the primary key. Each part with its newest 发布日期; parts with no item on the portal are left out.
    pub async fn sitemap_parts(&self) -> Result<Arc<Vec<(i64, NaiveDate)>>, StoreError> {
        self.kept(crate::ready::Ready::SITEMAP, (), async {
            Ok(Arc::new(
                sql(format!(
                    "SELECT (id - 1) / {SITEMAP_PART} + 1 AS part, MAX(published_on) FROM items \
                     WHERE withdrawn_on IS NULL GROUP BY (id - 1) / {SITEMAP_PART} + 1 ORDER BY part"
                ))
                .all(self)
                .await?,
            ))
        })
        .await
    }

    /// The items of the sitemap's part `part` ([`Store::sitemap_parts`]): (agency slug, item id,
    /// 发布日期), by id.
    pub async fn sitemap_items(
        &self,
        part: i64,
    ) -> Result<Vec<(String, i64, NaiveDate)>, StoreError> {
        let last = part.saturating_mul(SITEMAP_PART);
        sql("SELECT a.slug, i.id, i.published_on FROM items i JOIN agencies a ON a.id = i.agency_id \
             WHERE i.id > $1 AND i.id <= $2 AND i.withdrawn_on IS NULL ORDER BY i.id")
        .bind(last.saturating_sub(SITEMAP_PART))
        .bind(last)
        .all(self)
        .await
    }
}

/// Items per part of the sitemap. The sitemaps protocol allows 50,000 addresses a file, but a
/// part of 50,000 was 5.3 MB, over what the page cache keeps, and made anew (157 ms) at every
/// request; one of 10,000 (about 1 MB) is kept.
pub(crate) const SITEMAP_PART: i64 = 10_000;

#[cfg(test)]
mod tests {
    use super::ITEM_PAGE;
    use crate::Pool;
    use crate::testing::TestDb;

    /// An item page reads by key whatever the statistics say: with those `ANALYZE` leaves after an
    /// import of 20,000 items of one agency, the self-join it once had walked that agency's list.
    #[tokio::test]
    async fn the_item_page_reads_by_key_on_a_large_analyzed_table() {
        let db = TestDb::sqlite().await;
        let Pool::Sqlite(pool) = db.store.pool() else {
            unreachable!("a SQLite test database")
        };
        sqlx::query("ANALYZE").execute(pool).await.unwrap();
        sqlx::query("DELETE FROM sqlite_stat1 WHERE tbl = 'items'")
            .execute(pool)
            .await
            .unwrap();
        for stat in [
            "('items','items_by_agency_newest','20024 20024 11 1')",
            "('items','items_by_agency_date','20024 20024 11')",
            "('items','items_by_category','20024 1669 3 1')",
            "('items','items_interpreting','0 0 0')",
            "('items','items_by_change','20024 6675 1')",
        ] {
            sqlx::query(&format!("INSERT INTO sqlite_stat1 VALUES {stat}"))
                .execute(pool)
                .await
                .unwrap();
        }
        // A new connection reads the statistics.
        let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&db.url)
            .await
            .unwrap();
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {ITEM_PAGE}"))
                .bind(5001_i64)
                .bind(2_i64)
                .fetch_all(&mut conn)
                .await
                .unwrap();
        let plan: Vec<String> = plan.into_iter().map(|(.., step)| step).collect();
        assert!(
            plan.iter().all(|step| !step.contains("items_by_agency")),
            "{plan:#?}"
        );
    }
}

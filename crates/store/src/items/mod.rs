//! Proactive disclosure items: drafts with every version kept, review steps through
//! `core::item`, publication with a 索引号 drawn from a counter (never reused, never changed), and
//! what the portal reads. Withdrawal takes an item off the portal; it stays in the year's count of
//! the annual report, since it was published.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::Slug;
use gongkai_core::audit::Actor;
use gongkai_core::item::{
    Attribute, DocKind, IndexTemplate, ItemContent, ItemStatus, ReviewState, ReviewStep, Reviewer,
};

use crate::audit::{AuditEntry, BeginWrite, append_audit};
use crate::{Store, StoreError, on_pool};

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
    /// Metadata and body (items loaded without them show title and date only).
    pub content: Option<ItemContent>,
    /// When it last changed (for caching headers).
    pub updated_ms: i64,
}

#[allow(
    clippy::needless_pass_by_value,
    reason = "called as `map_err(corrupt)`"
)]
fn corrupt(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("item: {e}"))
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Invalid(e.to_string()))
}

fn ms(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t).unwrap_or_default()
}

type DraftRow = (i64, String, String, i64, Option<i64>);

fn summary((id, content, review, updated, item_id): DraftRow) -> Result<DraftSummary, StoreError> {
    let content: ItemContent = serde_json::from_str(&content).map_err(corrupt)?;
    Ok(DraftSummary {
        id,
        title: content.title,
        review: serde_json::from_str(&review).map_err(corrupt)?,
        updated: ms(updated),
        item_id,
        formed_on: content.formed_on,
        category: content.category,
    })
}

type ItemRow = (
    i64,
    Option<String>,
    String,
    String,
    NaiveDate,
    Option<String>,
    Option<i64>,
);

fn published(
    (id, index_no, title, category, published_on, content, updated): ItemRow,
) -> Result<PublishedItem, StoreError> {
    Ok(PublishedItem {
        id,
        index_no,
        title,
        category,
        published_on,
        content: content
            .map(|c| serde_json::from_str(&c).map_err(corrupt))
            .transpose()?,
        updated_ms: updated.unwrap_or(0),
    })
}

/// An item as the search index sees it: with its agency, change position and whether withdrawn.
const INDEX_SELECT: &str = "SELECT a.slug, a.name, i.id, i.index_no, i.title, c.name, i.published_on, i.content_json, \
     COALESCE(i.updated_ms, 0), i.withdrawn_on IS NOT NULL \
     FROM items i JOIN catalogue_categories c ON c.id = i.category_id JOIN agencies a ON a.id = i.agency_id";

type IndexRow = (
    String,
    String,
    i64,
    Option<String>,
    String,
    String,
    NaiveDate,
    Option<String>,
    i64,
    bool,
);

/// (`(updated_ms, id)`, agency slug, agency name, the item or `Err(id)` if withdrawn).
type IndexEntry = ((i64, i64), String, String, Result<PublishedItem, i64>);

fn index_entry(
    (slug, name, id, index_no, title, category, on, content, updated, withdrawn): IndexRow,
) -> Result<IndexEntry, StoreError> {
    let item = if withdrawn {
        Err(id)
    } else {
        Ok(published((
            id,
            index_no,
            title,
            category,
            on,
            content,
            Some(updated),
        ))?)
    };
    Ok(((updated, id), slug, name, item))
}

const ITEM_SELECT: &str = "SELECT i.id, i.index_no, i.title, c.name, i.published_on, i.content_json, i.updated_ms \
     FROM items i JOIN catalogue_categories c ON c.id = i.category_id";

/// Checks, in the caller's transaction, that the agency's draft exists and is being written
/// (attachments change only then); evaluates to whether it was ever published. `$what` names the
/// refused action for the message.
macro_rules! drafting {
    ($tx:expr, $draft:expr, $agency_id:expr, $what:expr) => {{
        let row: Option<(String, Option<i64>)> = sqlx::query_as(
            "SELECT status, item_id FROM item_drafts WHERE id = $1 AND agency_id = $2",
        )
        .bind($draft)
        .bind($agency_id)
        .fetch_optional(&mut *$tx)
        .await?;
        match row {
            None => return Err(StoreError::NotFound(format!("草稿 {}", $draft))),
            Some((status, _)) if status != ItemStatus::Draft.key() => {
                return Err(StoreError::Invalid(format!(
                    "信息已提交审核或已发布，不能{}；退回后才能修改",
                    $what
                )));
            }
            Some((_, item)) => item.is_some(),
        }
    }};
}

impl Store {
    /// The agency's 索引号 pattern (the default unless set).
    pub async fn index_pattern(&self, slug: &Slug) -> Result<String, StoreError> {
        let pattern: Option<Option<String>> = on_pool!(self, |pool| {
            sqlx::query_scalar("SELECT index_pattern FROM agencies WHERE slug = $1")
                .bind(slug.as_str())
                .fetch_optional(pool)
                .await?
        });
        let pattern = pattern.ok_or_else(|| StoreError::NotFound(format!("机关“{slug}”")))?;
        Ok(pattern.unwrap_or_else(|| gongkai_core::item::DEFAULT_INDEX_PATTERN.to_owned()))
    }

    /// Sets the agency's 索引号 pattern for items published from now on (published numbers stay).
    pub async fn set_index_pattern(
        &self,
        slug: &Slug,
        pattern: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        gongkai_core::item::check_index_pattern(pattern)
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "agency.index_pattern",
            target: format!("agency:{slug}"),
            summary: format!("索引号格式改为“{pattern}”"),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let done = sqlx::query("UPDATE agencies SET index_pattern = $1 WHERE slug = $2")
                .bind(pattern)
                .bind(slug.as_str())
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!("机关“{slug}”")));
            }
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Starts a draft; the drafter is the actor (a signed-in user).
    pub async fn create_item_draft(
        &self,
        slug: &Slug,
        content: &ItemContent,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let drafter = actor
            .user_id
            .ok_or_else(|| StoreError::Invalid("起草人须为登录的工作人员".into()))?;
        let review = ReviewState::new(drafter);
        let (content_json, review_json) = (json(content)?, json(&review)?);
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "item.draft",
            target: format!("item-draft:{}", content.title),
            summary: "新建草稿".into(),
        };
        Ok(on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO item_drafts (agency_id, drafter_id, status, content_json, review_json, created_ms, updated_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            )
            .bind(agency_id)
            .bind(drafter)
            .bind(review.status.key())
            .bind(&content_json)
            .bind(&review_json)
            .bind(now.timestamp_millis())
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO item_versions (draft_id, version, content_json, actor, at_ms) VALUES ($1, 1, $2, $3, $4)")
                .bind(id)
                .bind(&content_json)
                .bind(&actor.name)
                .bind(now.timestamp_millis())
                .execute(&mut *tx)
                .await?;
            append_audit!(tx, &entry, now);
            tx.commit().await?;
            id
        }))
    }

    /// Saves a new version of a draft (only while it is a draft, i.e. not under review).
    pub async fn save_item_draft(
        &self,
        slug: &Slug,
        id: i64,
        content: &ItemContent,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let content_json = json(content)?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "item.save",
            target: format!("item-draft:{id}"),
            summary: format!("保存草稿：{}", content.title),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let status: Option<String> = sqlx::query_scalar(
                "UPDATE item_drafts SET updated_ms = updated_ms WHERE id = $1 AND agency_id = $2 RETURNING status",
            )
            .bind(id)
            .bind(agency_id)
            .fetch_optional(&mut *tx)
            .await?;
            let status = status.ok_or_else(|| StoreError::NotFound(format!("草稿 {id}")))?;
            if status != ItemStatus::Draft.key() {
                return Err(StoreError::Invalid(
                    "信息已提交审核或已发布，不能直接修改；退回后才能修改".into(),
                ));
            }
            sqlx::query("UPDATE item_drafts SET content_json = $1, updated_ms = $2 WHERE id = $3")
                .bind(&content_json)
                .bind(now.timestamp_millis())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO item_versions (draft_id, version, content_json, actor, at_ms) \
                 SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4 FROM item_versions WHERE draft_id = $1",
            )
            .bind(id)
            .bind(&content_json)
            .bind(&actor.name)
            .bind(now.timestamp_millis())
            .execute(&mut *tx)
            .await?;
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Takes a review step through `core::item`. Submitting needs complete metadata; the final
    /// approval publishes on `today` with the next 索引号 of the agency (or, for an item published
    /// before and sent back since, replaces its content and keeps its number); withdrawal takes the
    /// item off the portal. A refused step changes nothing (`StoreError::Invalid`).
    #[allow(
        clippy::too_many_arguments,
        reason = "the step, who takes it, and when"
    )]
    pub async fn review_item(
        &self,
        slug: &Slug,
        id: i64,
        step: &ReviewStep,
        who: Reviewer,
        actor: &Actor,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<ReviewState, StoreError> {
        let agency = self
            .find_agency(slug)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("机关“{slug}”")))?;
        let agency_id = self.agency_id(slug).await?;
        let template = IndexTemplate {
            pattern: self.index_pattern(slug).await?,
            ..IndexTemplate::for_code(agency.credit_code.as_str())
        };
        let step_json = json(step)?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: step.key(),
            target: format!("item-draft:{id}"),
            summary: step.summary(),
        };
        Ok(on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let row: Option<(String, String, Option<i64>)> = sqlx::query_as(
                "UPDATE item_drafts SET updated_ms = updated_ms WHERE id = $1 AND agency_id = $2 \
                 RETURNING content_json, review_json, item_id",
            )
            .bind(id)
            .bind(agency_id)
            .fetch_optional(&mut *tx)
            .await?;
            let (content_json, review_json, item_id) =
                row.ok_or_else(|| StoreError::NotFound(format!("草稿 {id}")))?;
            let content: ItemContent = serde_json::from_str(&content_json).map_err(corrupt)?;
            let review: ReviewState = serde_json::from_str(&review_json).map_err(corrupt)?;
            if matches!(step, ReviewStep::Submit | ReviewStep::ApproveFinal) {
                let problems = content.problems();
                if !problems.is_empty() {
                    let list: Vec<String> = problems.into_iter().map(|(_, m)| m).collect();
                    return Err(StoreError::Invalid(format!(
                        "信息不完整：{}",
                        list.join("")
                    )));
                }
            }
            let next = review
                .apply(step, who)
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            let mut item_id = item_id;
            if matches!(step, ReviewStep::ApproveFinal) {
                let category_id: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM catalogue_categories WHERE agency_id = $1 AND name = $2",
                )
                .bind(agency_id)
                .bind(&content.category)
                .fetch_optional(&mut *tx)
                .await?;
                let category_id = category_id.ok_or_else(|| {
                    StoreError::Invalid(format!(
                        "栏目“{}”不在本机关的主动公开目录中",
                        content.category
                    ))
                })?;
                if content.attribute != Some(Attribute::Proactive) {
                    // 依申请公开 / 不予公开: reviewed and kept, never on the portal.
                } else if let Some(existing) = item_id {
                    sqlx::query(
                        "UPDATE items SET title = $1, category_id = $2, content_json = $3, withdrawn_on = NULL, updated_ms = $4, \
                         interprets_id = $5, kind = $6 WHERE id = $7",
                    )
                    .bind(&content.title)
                    .bind(category_id)
                    .bind(&content_json)
                    .bind(now.timestamp_millis())
                    .bind(content.interprets)
                    .bind(content.kind.map(DocKind::key))
                    .bind(existing)
                    .execute(&mut *tx)
                    .await?;
                } else {
                    let period = template.period(today);
                    let serial: i32 = sqlx::query_scalar(
                        "INSERT INTO index_serials (agency_id, period, last) VALUES ($1, $2, 1) \
                         ON CONFLICT (agency_id, period) DO UPDATE SET last = index_serials.last + 1 RETURNING last",
                    )
                    .bind(agency_id)
                    .bind(&period)
                    .fetch_one(&mut *tx)
                    .await?;
                    let index_no = template.number(today, u32::try_from(serial).unwrap_or(0));
                    let new_id: i64 = sqlx::query_scalar(
                        "INSERT INTO items (agency_id, category_id, title, published_on, created_at, index_no, content_json, updated_ms, interprets_id, kind) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                    )
                    .bind(agency_id)
                    .bind(category_id)
                    .bind(&content.title)
                    .bind(today)
                    .bind(now)
                    .bind(&index_no)
                    .bind(&content_json)
                    .bind(now.timestamp_millis())
                    .bind(content.interprets)
                    .bind(content.kind.map(DocKind::key))
                    .fetch_one(&mut *tx)
                    .await?;
                    item_id = Some(new_id);
                    // One delivery per active channel, in the publication's own transaction.
                    sqlx::query(
                        "INSERT INTO deliveries (channel_id, item_id, delivery_id, created_ms, next_ms) \
                         SELECT id, $1, 'gk-' || CAST($1 AS TEXT) || '-' || CAST(id AS TEXT), $2, $2 \
                         FROM channels WHERE agency_id = $3 AND active = $4",
                    )
                    .bind(new_id)
                    .bind(now.timestamp_millis())
                    .bind(agency_id)
                    .bind(true)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            if matches!(step, ReviewStep::Withdraw { .. })
                && let Some(existing) = item_id
            {
                sqlx::query("UPDATE items SET withdrawn_on = $1, updated_ms = $2 WHERE id = $3")
                    .bind(today)
                    .bind(now.timestamp_millis())
                    .bind(existing)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "UPDATE item_drafts SET status = $1, review_json = $2, item_id = $3, updated_ms = $4 WHERE id = $5",
            )
            .bind(next.status.key())
            .bind(json(&next)?)
            .bind(item_id)
            .bind(now.timestamp_millis())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO item_steps (draft_id, seq, step_json, actor, at_ms) \
                 SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM item_steps WHERE draft_id = $1",
            )
            .bind(id)
            .bind(&step_json)
            .bind(&actor.name)
            .bind(now.timestamp_millis())
            .execute(&mut *tx)
            .await?;
            append_audit!(tx, &entry, now);
            tx.commit().await?;
            next
        }))
    }

    /// The agency's drafts, newest change first.
    pub async fn item_drafts(&self, slug: &Slug) -> Result<Vec<DraftSummary>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<DraftRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, content_json, review_json, updated_ms, item_id FROM item_drafts \
                 WHERE agency_id = $1 ORDER BY updated_ms DESC, id DESC",
            )
            .bind(agency_id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(summary).collect()
    }

    /// One draft with its history.
    pub async fn item_draft(&self, slug: &Slug, id: i64) -> Result<Option<Draft>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let row: Option<DraftRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, content_json, review_json, updated_ms, item_id FROM item_drafts WHERE id = $1 AND agency_id = $2",
            )
            .bind(id)
            .bind(agency_id)
            .fetch_optional(pool)
            .await?
        });
        let Some(row) = row else { return Ok(None) };
        let content: ItemContent = serde_json::from_str(&row.1).map_err(corrupt)?;
        let summary = summary(row)?;
        let steps: Vec<(String, String, i64)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT step_json, actor, at_ms FROM item_steps WHERE draft_id = $1 ORDER BY seq",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        let versions: Vec<(i32, String, i64)> = on_pool!(self, |pool| {
            sqlx::query_as("SELECT version, actor, at_ms FROM item_versions WHERE draft_id = $1 ORDER BY version")
                .bind(id)
                .fetch_all(pool)
                .await?
        });
        Ok(Some(Draft {
            summary,
            content,
            steps: steps
                .into_iter()
                .map(|(s, a, t)| Ok((serde_json::from_str(&s).map_err(corrupt)?, a, ms(t))))
                .collect::<Result<_, StoreError>>()?,
            versions: versions
                .into_iter()
                .map(|(v, a, t)| (v, a, ms(t)))
                .collect(),
        }))
    }

    /// One version of a draft, as saved.
    pub async fn item_version(
        &self,
        slug: &Slug,
        id: i64,
        version: i32,
    ) -> Result<Option<ItemContent>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let json: Option<String> = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT v.content_json FROM item_versions v JOIN item_drafts d ON d.id = v.draft_id \
                 WHERE d.id = $1 AND d.agency_id = $2 AND v.version = $3",
            )
            .bind(id)
            .bind(agency_id)
            .bind(version)
            .fetch_optional(pool)
            .await?
        });
        json.map(|j| serde_json::from_str(&j).map_err(corrupt))
            .transpose()
    }

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
        let category_id: Option<i64> = match category {
            Some(name) => {
                let id: Option<i64> = on_pool!(self, |pool| {
                    sqlx::query_scalar(
                        "SELECT id FROM catalogue_categories WHERE agency_id = $1 AND name = $2",
                    )
                    .bind(agency_id)
                    .bind(name)
                    .fetch_optional(pool)
                    .await?
                });
                match id {
                    Some(id) => Some(id),
                    None => return Ok((Vec::new(), 0)),
                }
            }
            None => None,
        };
        let (filter, key) = match category_id {
            Some(id) => ("WHERE i.category_id = $1 AND i.withdrawn_on IS NULL", id),
            None => (
                "WHERE i.agency_id = $1 AND i.withdrawn_on IS NULL",
                agency_id,
            ),
        };
        let sql = format!(
            "{ITEM_SELECT} {filter} ORDER BY i.published_on DESC, i.id DESC LIMIT $2 OFFSET $3"
        );
        let count_sql = format!("SELECT COUNT(*) FROM items i {filter}");
        let offset = i64::from(page.saturating_sub(1)) * i64::from(per_page);
        let (rows, total): (Vec<ItemRow>, i64) = on_pool!(self, |pool| {
            let rows = sqlx::query_as(&sql)
                .bind(key)
                .bind(i64::from(per_page))
                .bind(offset)
                .fetch_all(pool)
                .await?;
            let total = sqlx::query_scalar(&count_sql)
                .bind(key)
                .fetch_one(pool)
                .await?;
            (rows, total)
        });
        Ok((
            rows.into_iter().map(published).collect::<Result<_, _>>()?,
            total,
        ))
    }

    /// One item on the portal (`None` if withdrawn or not this agency's).
    pub async fn published_item(
        &self,
        slug: &Slug,
        id: i64,
    ) -> Result<Option<PublishedItem>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let sql = format!(
            "{ITEM_SELECT} WHERE i.id = $1 AND i.agency_id = $2 AND i.withdrawn_on IS NULL"
        );
        let row: Option<ItemRow> = on_pool!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(id)
                .bind(agency_id)
                .fetch_optional(pool)
                .await?
        });
        row.map(published).transpose()
    }

    /// The published 政策解读 of an item: (id, title).
    pub async fn interpretations_of(
        &self,
        slug: &Slug,
        id: i64,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        Ok(on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, title FROM items WHERE agency_id = $1 AND interprets_id = $2 AND withdrawn_on IS NULL ORDER BY id",
            )
            .bind(agency_id)
            .bind(id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Published 规章 and 行政规范性文件 of the agency that have no published 政策解读 (§4.4 asks
    /// that they be flagged): (id, title).
    pub async fn items_lacking_interpretation(
        &self,
        slug: &Slug,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        Ok(on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT i.id, i.title FROM items i WHERE i.agency_id = $1 AND i.withdrawn_on IS NULL \
                 AND i.kind IN ('rule', 'normative_document') \
                 AND NOT EXISTS (SELECT 1 FROM items x WHERE x.interprets_id = i.id AND x.withdrawn_on IS NULL) ORDER BY i.id",
            )
            .bind(agency_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Every item on the portal with its agency (slug, name), for (re)building the search index.
    pub async fn items_for_index(
        &self,
    ) -> Result<Vec<(String, String, PublishedItem)>, StoreError> {
        let sql = format!("{INDEX_SELECT} WHERE i.withdrawn_on IS NULL ORDER BY i.id");
        let rows: Vec<IndexRow> =
            on_pool!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await?);
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let (_, slug, name, item) = index_entry(row)?;
            if let Ok(item) = item {
                items.push((slug, name, item));
            }
        }
        Ok(items)
    }

    /// Items changed after the position `(updated_ms, id)`, in that order, at most `limit`: each
    /// with its agency (slug, name), or `Err(id)` if it is no longer on the portal. A search
    /// index follows other processes' publications and withdrawals with it.
    pub async fn items_changed_after(
        &self,
        after: (i64, i64),
        limit: i64,
    ) -> Result<Vec<IndexEntry>, StoreError> {
        let sql = format!(
            "{INDEX_SELECT} WHERE i.updated_ms > $1 OR (i.updated_ms = $1 AND i.id > $2) \
             ORDER BY i.updated_ms, i.id LIMIT $3"
        );
        let rows: Vec<IndexRow> = on_pool!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(after.0)
                .bind(after.1)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(index_entry).collect()
    }

    /// The newest change position of the items (where a follower starts).
    pub async fn items_change_position(&self) -> Result<(i64, i64), StoreError> {
        let row: Option<(i64, i64)> = on_pool!(self, |pool| {
            sqlx::query_as("SELECT updated_ms, id FROM items WHERE updated_ms IS NOT NULL ORDER BY updated_ms DESC, id DESC LIMIT 1")
                .fetch_optional(pool)
                .await?
        });
        Ok(row.unwrap_or((0, 0)))
    }

    /// How many items are on the portal (to tell whether a search index is complete).
    pub async fn published_count(&self) -> Result<i64, StoreError> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM items WHERE withdrawn_on IS NULL")
                .fetch_one(pool)
                .await?
        }))
    }

    /// Every item on the portal: (agency slug, item id, 发布日期) for `sitemap.xml`.
    pub async fn sitemap_items(&self) -> Result<Vec<(String, i64, NaiveDate)>, StoreError> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT a.slug, i.id, i.published_on FROM items i JOIN agencies a ON a.id = i.agency_id \
                 WHERE i.withdrawn_on IS NULL ORDER BY a.slug, i.id",
            )
            .fetch_all(pool)
            .await?
        }))
    }
}

/// An attachment as lists show it.
#[derive(Debug, Clone)]
pub struct AttachmentInfo {
    /// Row id.
    pub id: i64,
    /// File name.
    pub name: String,
    /// Content type.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
}

impl Store {
    /// Removes an attachment from a draft that is being written and has never been published
    /// (a published item's attachments are what the public saw: they change only through a new
    /// publication, which this version does not version separately).
    pub async fn remove_attachment(
        &self,
        slug: &Slug,
        draft: i64,
        attachment: i64,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "item.detach",
            target: format!("item-draft:{draft}"),
            summary: format!("删除附件 {attachment}"),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let published_once = drafting!(tx, draft, agency_id, "删除附件");
            if published_once {
                return Err(StoreError::Invalid(
                    "这条信息已经发布过，附件是公众看到的内容，不能删除；如需更正，请上传更正后的附件并在正文中说明".into(),
                ));
            }
            let done = sqlx::query("DELETE FROM item_attachments WHERE id = $1 AND draft_id = $2")
                .bind(attachment)
                .bind(draft)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!("附件 {attachment}")));
            }
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Adds an attachment to a draft (only while it is a draft). The caller checked its type.
    #[allow(
        clippy::too_many_arguments,
        reason = "the file's three parts travel together"
    )]
    pub async fn add_attachment(
        &self,
        slug: &Slug,
        draft: i64,
        name: &str,
        content_type: &str,
        bytes: &[u8],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "item.attach",
            target: format!("item-draft:{draft}"),
            summary: format!("上传附件：{name}（{}字节）", bytes.len()),
        };
        Ok(on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            drafting!(tx, draft, agency_id, "添加附件");
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO item_attachments (draft_id, name, content_type, size, bytes, created_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(draft)
            .bind(name)
            .bind(content_type)
            .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
            .bind(bytes)
            .bind(now.timestamp_millis())
            .fetch_one(&mut *tx)
            .await?;
            append_audit!(tx, &entry, now);
            tx.commit().await?;
            id
        }))
    }

    /// A draft's attachments.
    pub async fn attachments(
        &self,
        slug: &Slug,
        draft: i64,
    ) -> Result<Vec<AttachmentInfo>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<(i64, String, String, i64)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT a.id, a.name, a.content_type, a.size FROM item_attachments a \
                 JOIN item_drafts d ON d.id = a.draft_id WHERE d.id = $1 AND d.agency_id = $2 ORDER BY a.id",
            )
            .bind(draft)
            .bind(agency_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, name, content_type, size)| AttachmentInfo {
                id,
                name,
                content_type,
                size,
            })
            .collect())
    }

    /// The attachments of a published item (for its portal page).
    pub async fn item_attachments(
        &self,
        slug: &Slug,
        item_id: i64,
    ) -> Result<Vec<AttachmentInfo>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<(i64, String, String, i64)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT a.id, a.name, a.content_type, a.size FROM item_attachments a \
                 JOIN item_drafts d ON d.id = a.draft_id JOIN items i ON i.id = d.item_id \
                 WHERE i.id = $1 AND i.agency_id = $2 AND i.withdrawn_on IS NULL ORDER BY a.id",
            )
            .bind(item_id)
            .bind(agency_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, name, content_type, size)| AttachmentInfo {
                id,
                name,
                content_type,
                size,
            })
            .collect())
    }

    /// One attachment's bytes: of a published item when `item_id` is given (the portal), else of
    /// a draft (`draft` given; staff).
    pub async fn attachment_bytes(
        &self,
        slug: &Slug,
        item_id: Option<i64>,
        draft: Option<i64>,
        id: i64,
    ) -> Result<Option<(String, String, Vec<u8>)>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        Ok(on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT a.name, a.content_type, a.bytes FROM item_attachments a \
                 JOIN item_drafts d ON d.id = a.draft_id LEFT JOIN items i ON i.id = d.item_id \
                 WHERE a.id = $1 AND d.agency_id = $2 \
                 AND (($3 = 0 AND d.id = $4) OR ($3 = 1 AND i.id = $5 AND i.withdrawn_on IS NULL))",
            )
            .bind(id)
            .bind(agency_id)
            .bind(i32::from(item_id.is_some()))
            .bind(draft.unwrap_or(-1))
            .bind(item_id.unwrap_or(-1))
            .fetch_optional(pool)
            .await?
        }))
    }
}

//! Drafts and their review: every save is a version, every step is recorded, and the step itself
//! is `core::item::review`'s decision — this module keeps what it decided, in one transaction with
//! the 索引号 drawn from the agency's counter (never reused, never changed) and the publication's
//! channel deliveries.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::audit::Entry;
use gongkai_core::item::{
    DocKind, IndexTemplate, ItemContent, Portal, ReviewState, ReviewStep, Reviewer, Under, review,
};
use gongkai_core::{Rejection, Slug};

use super::{Draft, DraftRow, DraftSummary};
use crate::db::{By, Json, Millis, Tx, json, sql};
use crate::history::{ITEM_STEPS, ITEM_VERSIONS};
use crate::{Store, StoreError};

const DRAFT_COLUMNS: &str = "id, content_json, review_json, updated_ms, item_id";
const DRAFT_SELECT: &str =
    "SELECT id, content_json, review_json, updated_ms, item_id FROM item_drafts";

/// The agency's part of a review step: its 索引号 template and its columns.
struct ReviewRules {
    slug: Slug,
    agency_id: i64,
    index: IndexTemplate,
    catalogue: Vec<String>,
}

/// The agency's draft whose `column` (`id`, or `item_id`: the draft an item was published from)
/// is `key`, in the caller's transaction, its row locked (on PostgreSQL the touch takes the row
/// lock, so two steps on one draft queue; on SQLite the write lock is already held).
async fn lock_row(
    tx: &mut Tx,
    column: &str,
    key: i64,
    agency_id: i64,
) -> Result<Option<DraftRow>, StoreError> {
    sql(format!(
        "UPDATE item_drafts SET updated_ms = updated_ms WHERE {column} = $1 AND agency_id = $2 \
         RETURNING {DRAFT_COLUMNS}"
    ))
    .bind(key)
    .bind(agency_id)
    .optional(&mut *tx)
    .await
}

/// The draft's review state and published item, in the caller's transaction, locking its row.
pub(super) async fn lock_draft(
    tx: &mut Tx,
    draft: i64,
    agency_id: i64,
) -> Result<(ReviewState, Option<i64>), StoreError> {
    let row = lock_row(tx, "id", draft, agency_id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("草稿 {draft}")))?;
    Ok((row.review_json.0, row.item_id))
}

impl Store {
    /// Starts a draft; the drafter is the actor (a signed-in user).
    pub async fn create_item_draft(
        &self,
        slug: &Slug,
        content: &ItemContent,
        by: By<'_>,
    ) -> Result<i64, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let drafter = by
            .actor
            .user_id
            .ok_or_else(|| StoreError::rejected("起草人须为登录的工作人员"))?;
        let review = ReviewState::new(drafter);
        let (content_json, review_json) = (json(content)?, json(&review)?);
        let entry = Entry::new(
            Some(slug.as_str()),
            "item.draft",
            format!("item-draft:{}", content.title),
            "新建草稿",
        );
        self.write(by, entry, async |tx| {
            let id: i64 = sql(
                "INSERT INTO item_drafts (agency_id, drafter_id, status, content_json, review_json, created_ms, updated_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            )
            .bind(agency_id)
            .bind(drafter)
            .bind(review.status.key())
            .bind(&content_json)
            .bind(&review_json)
            .bind(by.ms())
            .scalar(&mut *tx)
            .await?;
            ITEM_VERSIONS.append(tx, id, &content_json, by).await?;
            Ok(id)
        })
        .await
    }

    /// Saves a new version of a draft (only while it is a draft, i.e. not under review).
    pub async fn save_item_draft(
        &self,
        slug: &Slug,
        id: i64,
        content: &ItemContent,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let content_json = json(content)?;
        let entry = Entry::new(
            Some(slug.as_str()),
            "item.save",
            format!("item-draft:{id}"),
            format!("保存草稿：{}", content.title),
        );
        self.write(by, entry, async |tx| {
            let (state, _) = lock_draft(tx, id, agency_id).await?;
            state.may_edit("直接修改")?;
            sql("UPDATE item_drafts SET content_json = $1, updated_ms = $2 WHERE id = $3")
                .bind(&content_json)
                .bind(by.ms())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            ITEM_VERSIONS.append(tx, id, &content_json, by).await
        })
        .await
    }

    /// Takes a review step: `core::item::review` decides (complete metadata before review, the
    /// workflow's roles and order, only 主动公开 items on the portal); the final approval publishes
    /// on `today` with the next 索引号 of the agency (or, for a correction, replaces the published
    /// content, keeps its number and lists the correction); withdrawal takes the item off the
    /// portal; a 有效性 mark changes the published item at once. A refused step changes nothing.
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
        by: By<'_>,
        today: NaiveDate,
    ) -> Result<ReviewState, StoreError> {
        let rules = self.review_rules(slug).await?;
        self.write_with(by, async |tx| {
            let row = lock_row(tx, "id", id, rules.agency_id)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("草稿 {id}")))?;
            let decided = take_step(tx, &rules, row, step, who, by, today).await?;
            Ok((decided.state, Some(decided.audit)))
        })
        .await
    }

    /// Takes a step (更正, 撤回, 有效性) on a published item by its id on the portal. An item
    /// published before gongkai (imported, or the demo's) has no working copy yet: one is made from
    /// what was published, in the same transaction, with `who` as the person who took it in; the
    /// step is then `core::item::review`'s decision as for any other item. Returns the working
    /// copy's id (the back office's page for the item from then on) and its state.
    #[allow(
        clippy::too_many_arguments,
        reason = "the step, who takes it, and when"
    )]
    pub async fn manage_item(
        &self,
        slug: &Slug,
        item: i64,
        step: &ReviewStep,
        who: Reviewer,
        by: By<'_>,
        today: NaiveDate,
    ) -> Result<(i64, ReviewState), StoreError> {
        let rules = self.review_rules(slug).await?;
        self.write_with(by, async |tx| {
            let (row, adopted) = match lock_row(tx, "item_id", item, rules.agency_id).await? {
                Some(row) => (row, false),
                None => (
                    adopt(tx, rules.agency_id, item, who.user_id, by).await?,
                    true,
                ),
            };
            let id = row.id;
            let mut decided = take_step(tx, &rules, row, step, who, by, today).await?;
            if adopted {
                decided.audit.summary = format!(
                    "{}（系统启用前发布的信息，自此在后台管理）",
                    decided.audit.summary
                );
            }
            Ok(((id, decided.state), Some(decided.audit)))
        })
        .await
    }

    /// The working copy of a published item, if it has one (items published before gongkai have
    /// none until a step is taken on them).
    pub async fn draft_of_item(&self, slug: &Slug, item: i64) -> Result<Option<i64>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        sql("SELECT id FROM item_drafts WHERE item_id = $1 AND agency_id = $2")
            .bind(item)
            .bind(agency_id)
            .scalar_opt(self)
            .await
    }

    /// What a review step needs of the agency besides the draft.
    async fn review_rules(&self, slug: &Slug) -> Result<ReviewRules, StoreError> {
        let agency = self.agency(slug).await?;
        Ok(ReviewRules {
            slug: slug.clone(),
            agency_id: self.agency_id(slug).await?,
            index: IndexTemplate {
                pattern: self.index_pattern(slug).await?,
                ..IndexTemplate::for_code(agency.credit_code.as_str())
            },
            catalogue: self.categories(slug).await?,
        })
    }

    /// The agency's drafts, newest change first.
    pub async fn item_drafts(&self, slug: &Slug) -> Result<Vec<DraftSummary>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<DraftRow> = sql(format!(
            "{DRAFT_SELECT} WHERE agency_id = $1 ORDER BY updated_ms DESC, id DESC"
        ))
        .bind(agency_id)
        .all(self)
        .await?;
        Ok(rows.iter().map(DraftRow::summary).collect())
    }

    /// One draft with its history.
    pub async fn item_draft(&self, slug: &Slug, id: i64) -> Result<Option<Draft>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let row: Option<DraftRow> = sql(format!("{DRAFT_SELECT} WHERE id = $1 AND agency_id = $2"))
            .bind(id)
            .bind(agency_id)
            .optional(self)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let steps: Vec<(Json<ReviewStep>, String, Millis)> =
            sql("SELECT step_json, actor, at_ms FROM item_steps WHERE draft_id = $1 ORDER BY seq")
                .bind(id)
                .all(self)
                .await?;
        let versions: Vec<(i32, String, Millis)> = sql(
            "SELECT version, actor, at_ms FROM item_versions WHERE draft_id = $1 ORDER BY version",
        )
        .bind(id)
        .all(self)
        .await?;
        Ok(Some(Draft {
            summary: row.summary(),
            content: row.content_json.0,
            steps: steps
                .into_iter()
                .map(|(Json(s), a, Millis(t))| (s, a, t))
                .collect(),
            versions: versions
                .into_iter()
                .map(|(v, a, Millis(t))| (v, a, t))
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
        sql(
            "SELECT v.content_json FROM item_versions v JOIN item_drafts d ON d.id = v.draft_id \
             WHERE d.id = $1 AND d.agency_id = $2 AND v.version = $3",
        )
        .bind(id)
        .bind(agency_id)
        .bind(version)
        .json_opt(self)
        .await
    }
}

/// Takes `step` on the locked draft `row`: core decides, the portal and the draft are changed as
/// decided, and the step is recorded in the draft's history.
#[allow(
    clippy::too_many_arguments,
    reason = "the draft, the step, who takes it, and when"
)]
async fn take_step(
    tx: &mut Tx,
    rules: &ReviewRules,
    row: DraftRow,
    step: &ReviewStep,
    who: Reviewer,
    by: By<'_>,
    today: NaiveDate,
) -> Result<gongkai_core::item::Reviewed, StoreError> {
    let DraftRow {
        id,
        content_json: Json(content),
        review_json: Json(state),
        item_id,
        ..
    } = row;
    let under = Under {
        agency: rules.slug.as_str(),
        draft: id,
        content: &content,
        state: &state,
        item: item_id,
    };
    let decided = review(under, step, who, &rules.catalogue, &rules.index, today)?;
    let item_id = publish(
        tx,
        rules.agency_id,
        &content,
        &decided.portal,
        &rules.index,
        today,
        by.now,
    )
    .await?
    .or(item_id);
    if let Portal::Validity { validity, .. } = decided.portal {
        // The working copy carries the 有效性 too, so a later correction keeps it.
        let content = json(&ItemContent {
            validity: Some(validity),
            ..content
        })?;
        sql("UPDATE item_drafts SET content_json = $1 WHERE id = $2")
            .bind(&content)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        ITEM_VERSIONS.append(tx, id, &content, by).await?;
    }
    sql("UPDATE item_drafts SET status = $1, review_json = $2, item_id = $3, updated_ms = $4 WHERE id = $5")
        .bind(decided.state.status.key())
        .bind(json(&decided.state)?)
        .bind(item_id)
        .bind(by.ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    ITEM_STEPS.append(tx, id, &json(step)?, by).await?;
    Ok(decided)
}

/// A working copy for an item published before gongkai, made by `user` from what the portal shows
/// (its content, or its title and column when that is all that was imported), in the caller's
/// transaction. Refused for an item not on the portal.
async fn adopt(
    tx: &mut Tx,
    agency_id: i64,
    item: i64,
    user: i64,
    by: By<'_>,
) -> Result<DraftRow, StoreError> {
    let content = published_content(tx, agency_id, item).await?;
    let state = ReviewState::adopted(user);
    let content_json = json(&content)?;
    let row: DraftRow = sql(format!(
        "INSERT INTO item_drafts (agency_id, drafter_id, status, content_json, review_json, item_id, created_ms, updated_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {DRAFT_COLUMNS}"
    ))
    .bind(agency_id)
    .bind(user)
    .bind(state.status.key())
    .bind(&content_json)
    .bind(json(&state)?)
    .bind(item)
    .bind(by.ms())
    .one(&mut *tx)
    .await?;
    ITEM_VERSIONS.append(tx, row.id, &content_json, by).await?;
    Ok(row)
}

/// Carries out on the portal what the review decided, in the caller's transaction; the new item's
/// id when one was published.
async fn publish(
    tx: &mut Tx,
    agency_id: i64,
    content: &ItemContent,
    portal: &Portal,
    index: &IndexTemplate,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<i64>, StoreError> {
    let ms = now.timestamp_millis();
    match portal {
        Portal::Unchanged => Ok(None),
        Portal::Withdraw {
            item,
            on,
            public_reason,
        } => {
            sql("UPDATE items SET withdrawn_on = $1, withdrawn_reason = $2, updated_ms = $3 WHERE id = $4")
                .bind(*on)
                .bind(public_reason.as_deref())
                .bind(ms)
                .bind(*item)
                .execute(&mut *tx)
                .await?;
            Ok(None)
        }
        Portal::Validity { item, validity } => {
            let published = published_content(tx, agency_id, *item).await?;
            sql("UPDATE items SET content_json = $1, updated_ms = $2 WHERE id = $3")
                .bind(json(&ItemContent {
                    validity: Some(*validity),
                    ..published
                })?)
                .bind(ms)
                .bind(*item)
                .execute(&mut *tx)
                .await?;
            Ok(None)
        }
        Portal::Replace { item, correction } => {
            let mut corrections = published_content(tx, agency_id, *item).await?.corrections;
            corrections.extend(correction.clone());
            let content = &ItemContent {
                corrections,
                ..content.clone()
            };
            let category = category_id(tx, agency_id, &content.category).await?;
            sql("UPDATE items SET title = $1, category_id = $2, content_json = $3, withdrawn_on = NULL, \
                 updated_ms = $4, interprets_id = $5, kind = $6, doc_number = $8 WHERE id = $7")
            .bind(&content.title)
            .bind(category)
            .bind(json(content)?)
            .bind(ms)
            .bind(content.interprets)
            .bind(content.kind.map(DocKind::key))
            .bind(*item)
            .bind(&content.doc_number)
            .execute(&mut *tx)
            .await?;
            // What the correction attached is approved with it.
            sql("UPDATE item_attachments SET pending = FALSE \
                 WHERE draft_id IN (SELECT id FROM item_drafts WHERE item_id = $1)")
            .bind(*item)
            .execute(&mut *tx)
            .await?;
            Ok(None)
        }
        Portal::Publish { period } => {
            let category = category_id(tx, agency_id, &content.category).await?;
            let serial: i32 = sql(
                "INSERT INTO index_serials (agency_id, period, last) VALUES ($1, $2, 1) \
                 ON CONFLICT (agency_id, period) DO UPDATE SET last = index_serials.last + 1 RETURNING last",
            )
            .bind(agency_id)
            .bind(period.as_str())
            .scalar(&mut *tx)
            .await?;
            let index_no = index.number(today, u32::try_from(serial).unwrap_or(0));
            let item: i64 = sql(
                "INSERT INTO items (agency_id, category_id, title, published_on, created_at, index_no, \
                 content_json, updated_ms, interprets_id, kind, doc_number) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(agency_id)
            .bind(category)
            .bind(&content.title)
            .bind(today)
            .bind(now)
            .bind(&index_no)
            .bind(json(content)?)
            .bind(ms)
            .bind(content.interprets)
            .bind(content.kind.map(DocKind::key))
            .bind(&content.doc_number)
            .scalar(&mut *tx)
            .await?;
            crate::channels::queue_deliveries(tx, agency_id, item, now).await?;
            Ok(Some(item))
        }
    }
}

/// What the portal shows of one of the agency's items now (its title and column only, for an
/// item imported without its content), in the caller's transaction; not found once withdrawn.
async fn published_content(
    tx: &mut Tx,
    agency_id: i64,
    item: i64,
) -> Result<ItemContent, StoreError> {
    let found: Option<(String, String, Option<Json<ItemContent>>)> =
        sql("SELECT i.title, c.name, i.content_json FROM items i \
         JOIN catalogue_categories c ON c.id = i.category_id \
         WHERE i.id = $1 AND i.agency_id = $2 AND i.withdrawn_on IS NULL")
        .bind(item)
        .bind(agency_id)
        .optional(&mut *tx)
        .await?;
    let (title, category, content) =
        found.ok_or_else(|| StoreError::NotFound(format!("门户上的信息 {item}")))?;
    Ok(content.map_or_else(|| ItemContent::bare(&title, &category), |Json(c)| c))
}

/// The id of one of the agency's columns, in the caller's transaction.
pub(super) async fn category_id(
    tx: &mut Tx,
    agency_id: i64,
    name: &str,
) -> Result<i64, StoreError> {
    sql("SELECT id FROM catalogue_categories WHERE agency_id = $1 AND name = $2")
        .bind(agency_id)
        .bind(name)
        .scalar_opt(&mut *tx)
        .await?
        .ok_or_else(|| {
            Rejection::field(
                "category",
                format!("栏目“{name}”不在本机关的主动公开目录中；请先在目录中添加该栏目"),
            )
            .into()
        })
}

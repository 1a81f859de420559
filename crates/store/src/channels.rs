//! Publication channels besides the portal (a signed webhook, a `WeChat` official account) and the
//! delivery of each published item to each of them. A delivery row is written in the
//! publication's own transaction (see `items::drafts`), so an acknowledged publication reaches
//! its channels even if the server stops before sending; the worker records progress step by step.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::audit::Entry;
use gongkai_core::channel::ChannelKind;
use gongkai_core::item::ItemContent;
use gongkai_core::{Rejection, Slug};

use crate::db::{By, Json, Tx, sql};
use crate::queue::DELIVERIES;
use crate::{Store, StoreError};

/// A configured channel.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct ChannelInfo {
    /// Row id.
    pub id: i64,
    /// `webhook` or `wechat`.
    pub kind: String,
    /// Staff's name for it.
    pub name: String,
    /// Its settings (URL and secret; app id and secret).
    pub config_json: String,
    /// Whether new publications go to it.
    pub active: bool,
}

/// A delivery due now, with what the sender needs.
#[derive(Debug, Clone)]
pub struct PendingDelivery {
    /// Row id.
    pub id: i64,
    /// The idempotency key the receiver sees.
    pub delivery_id: String,
    /// Attempts so far.
    pub attempts: i32,
    /// Steps already done (`WeChat`: uploaded cover, draft, publication).
    pub progress_json: String,
    /// The channel.
    pub channel: ChannelInfo,
    /// The agency's slug and name.
    pub agency: (String, String),
    /// The item.
    pub item_id: i64,
    /// Title.
    pub title: String,
    /// 索引号.
    pub index_no: Option<String>,
    /// Publication date.
    pub published_on: NaiveDate,
    /// Metadata and body.
    pub content: Option<ItemContent>,
}

#[derive(sqlx::FromRow)]
struct PendingRow {
    id: i64,
    delivery_id: String,
    attempts: i32,
    progress_json: String,
    channel_id: i64,
    kind: String,
    channel_name: String,
    config_json: String,
    slug: String,
    agency_name: String,
    item_id: i64,
    title: String,
    index_no: Option<String>,
    published_on: NaiveDate,
    content_json: Option<Json<ItemContent>>,
}

impl From<PendingRow> for PendingDelivery {
    fn from(r: PendingRow) -> Self {
        Self {
            id: r.id,
            delivery_id: r.delivery_id,
            attempts: r.attempts,
            progress_json: r.progress_json,
            channel: ChannelInfo {
                id: r.channel_id,
                kind: r.kind,
                name: r.channel_name,
                config_json: r.config_json,
                // A delivery made while the channel was active is completed.
                active: true,
            },
            agency: (r.slug, r.agency_name),
            item_id: r.item_id,
            title: r.title,
            index_no: r.index_no,
            published_on: r.published_on,
            content: r.content_json.map(|Json(c)| c),
        }
    }
}

/// A delivery as the channel page lists it.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct DeliveryRow {
    /// Channel name.
    pub channel: String,
    /// Item title.
    pub title: String,
    /// Idempotency key.
    pub delivery_id: String,
    /// Done (ms) or not.
    pub done_ms: Option<i64>,
    /// Attempts.
    pub attempts: i32,
    /// The last failure.
    pub last_error: Option<String>,
}

/// Queues one delivery of a newly published item per active channel of its agency, in the
/// publication's transaction.
pub(crate) async fn queue_deliveries(
    tx: &mut Tx,
    agency_id: i64,
    item_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sql(
        "INSERT INTO deliveries (channel_id, item_id, delivery_id, created_ms, next_ms) \
         SELECT id, $1, 'gk-' || CAST($1 AS TEXT) || '-' || CAST(id AS TEXT), $2, $2 \
         FROM channels WHERE agency_id = $3 AND active = $4",
    )
    .bind(item_id)
    .bind(now.timestamp_millis())
    .bind(agency_id)
    .bind(true)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

impl Store {
    /// Adds a channel to the agency; items published from now on are delivered to it.
    pub async fn add_channel(
        &self,
        slug: &Slug,
        kind: &str,
        name: &str,
        config_json: &str,
        by: By<'_>,
    ) -> Result<i64, StoreError> {
        let kind: ChannelKind = kind.parse().map_err(Rejection::from)?;
        let agency_id = self.agency_id(slug).await?;
        let entry = Entry::new(
            Some(slug.as_str()),
            "channel.add",
            format!("agency:{slug}"),
            format!("新增发布渠道“{name}”（{}）", kind.key()),
        );
        self.write(by, entry, async |tx| {
            sql(
                "INSERT INTO channels (agency_id, kind, name, config_json, active) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(agency_id)
            .bind(kind.key())
            .bind(name)
            .bind(config_json)
            .bind(true)
            .scalar(&mut *tx)
            .await
        })
        .await
    }

    /// Turns a channel on or off: publications while it is off are not delivered to it
    /// (deliveries already due are still completed).
    pub async fn set_channel_active(
        &self,
        slug: &Slug,
        id: i64,
        active: bool,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = Entry::new(
            Some(slug.as_str()),
            "channel.set_active",
            format!("channel:{id}"),
            if active {
                "启用发布渠道"
            } else {
                "停用发布渠道"
            },
        );
        self.write(by, entry, async |tx| {
            let done = sql("UPDATE channels SET active = $1 WHERE id = $2 AND agency_id = $3")
                .bind(active)
                .bind(id)
                .bind(agency_id)
                .execute(&mut *tx)
                .await?;
            if done == 0 {
                return Err(StoreError::NotFound(format!("发布渠道 {id}")));
            }
            Ok(())
        })
        .await
    }

    /// The agency's channels.
    pub async fn channels(&self, slug: &Slug) -> Result<Vec<ChannelInfo>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        sql("SELECT id, kind, name, config_json, active FROM channels WHERE agency_id = $1 ORDER BY id")
            .bind(agency_id)
            .all(self)
            .await
    }

    /// Claims up to `limit` deliveries due at `now_ms` for `worker` until `until_ms` (see
    /// [`crate::queue`]), in the order they fell due.
    pub async fn claim_deliveries(
        &self,
        worker: &str,
        now_ms: i64,
        until_ms: i64,
        limit: i64,
    ) -> Result<Vec<PendingDelivery>, StoreError> {
        let ids = DELIVERIES
            .claim(self, worker, now_ms, until_ms, limit)
            .await?;
        let mut due = Vec::with_capacity(ids.len());
        for id in ids {
            let row: PendingRow = sql(
                "SELECT d.id, d.delivery_id, d.attempts, d.progress_json, c.id AS channel_id, c.kind, \
                 c.name AS channel_name, c.config_json, a.slug, a.name AS agency_name, i.id AS item_id, \
                 i.title, i.index_no, i.published_on, i.content_json \
                 FROM deliveries d JOIN channels c ON c.id = d.channel_id JOIN items i ON i.id = d.item_id \
                 JOIN agencies a ON a.id = i.agency_id WHERE d.id = $1",
            )
            .bind(id)
            .one(self)
            .await?;
            due.push(row.into());
        }
        Ok(due)
    }

    /// Records a step of a claimed delivery (so a restart resumes after it, not before) and
    /// extends the claim until `until_ms`; `false` if `worker` no longer held it.
    pub async fn delivery_progress(
        &self,
        id: i64,
        worker: &str,
        progress_json: &str,
        until_ms: i64,
    ) -> Result<bool, StoreError> {
        let n = sql("UPDATE deliveries SET progress_json = $1 WHERE id = $2 AND claimed_by = $3")
            .bind(progress_json)
            .bind(id)
            .bind(worker)
            .execute(self)
            .await?;
        Ok(n > 0 && DELIVERIES.renew(self, id, worker, until_ms).await?)
    }

    /// A channel's state as it is now (an earlier delivery of the same pass may have changed it).
    pub async fn channel_state(&self, id: i64) -> Result<String, StoreError> {
        Ok(sql("SELECT state_json FROM channels WHERE id = $1")
            .bind(id)
            .scalar_opt::<String>(self)
            .await?
            .unwrap_or_default())
    }

    /// Keeps a channel's state (cached token, cover image id).
    pub async fn set_channel_state(&self, id: i64, state_json: &str) -> Result<(), StoreError> {
        sql("UPDATE channels SET state_json = $1 WHERE id = $2")
            .bind(state_json)
            .bind(id)
            .execute(self)
            .await?;
        Ok(())
    }

    /// Marks a claimed delivery done; `false` if `worker` no longer held it.
    pub async fn delivery_done(
        &self,
        id: i64,
        worker: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        DELIVERIES.done(self, id, worker, now_ms).await
    }

    /// Records a failed attempt of a claimed delivery and when to try again.
    pub async fn delivery_failed(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        next_ms: i64,
    ) -> Result<bool, StoreError> {
        DELIVERIES.failed(self, id, worker, error, next_ms).await
    }

    /// The agency's deliveries, newest first (at most 200).
    pub async fn deliveries(&self, slug: &Slug) -> Result<Vec<DeliveryRow>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        sql("SELECT c.name AS channel, i.title, d.delivery_id, d.done_ms, d.attempts, d.last_error \
             FROM deliveries d JOIN channels c ON c.id = d.channel_id JOIN items i ON i.id = d.item_id \
             WHERE c.agency_id = $1 ORDER BY d.id DESC LIMIT 200")
        .bind(agency_id)
        .all(self)
        .await
    }
}

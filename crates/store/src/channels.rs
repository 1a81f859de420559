//! Publication channels besides the portal (a signed webhook, a `WeChat` official account) and the
//! delivery of each published item to each of them. A delivery row is written in the
//! publication's own transaction (see `review_item`), so an acknowledged publication reaches its
//! channels even if the server stops before sending; the worker records progress step by step.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::Slug;
use gongkai_core::audit::Actor;

use crate::audit::{AuditEntry, BeginWrite, append_audit};
use crate::{Store, StoreError, on_pool};

/// A configured channel.
#[derive(Debug, Clone, serde::Serialize)]
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
    pub content: Option<gongkai_core::item::ItemContent>,
}

/// A delivery as the channel page lists it.
#[derive(Debug, Clone, serde::Serialize)]
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

type DeliveryTuple = (String, String, String, Option<i64>, i32, Option<String>);

type PendingRow = (
    i64,
    String,
    i32,
    String,
    i64,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    Option<String>,
    NaiveDate,
    Option<String>,
);

impl Store {
    /// Adds a channel to the agency; items published from now on are delivered to it.
    pub async fn add_channel(
        &self,
        slug: &Slug,
        kind: &str,
        name: &str,
        config_json: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        if !matches!(kind, "webhook" | "wechat") {
            return Err(StoreError::Invalid(
                "渠道类型只能是 webhook 或 wechat。".into(),
            ));
        }
        let agency_id = self.agency_id(slug).await?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "channel.add",
            target: format!("agency:{slug}"),
            summary: format!("新增发布渠道“{name}”（{kind}）"),
        };
        Ok(on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO channels (agency_id, kind, name, config_json, active) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(agency_id)
            .bind(kind)
            .bind(name)
            .bind(config_json)
            .bind(true)
            .fetch_one(&mut *tx)
            .await?;
            append_audit!(tx, &entry, now);
            tx.commit().await?;
            id
        }))
    }

    /// Turns a channel on or off: publications while it is off are not delivered to it
    /// (deliveries already due are still completed).
    pub async fn set_channel_active(
        &self,
        slug: &Slug,
        id: i64,
        active: bool,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "channel.set_active",
            target: format!("channel:{id}"),
            summary: if active {
                "启用发布渠道"
            } else {
                "停用发布渠道"
            }
            .to_owned(),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let done =
                sqlx::query("UPDATE channels SET active = $1 WHERE id = $2 AND agency_id = $3")
                    .bind(active)
                    .bind(id)
                    .bind(agency_id)
                    .execute(&mut *tx)
                    .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!("发布渠道 {id}")));
            }
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The agency's channels.
    pub async fn channels(&self, slug: &Slug) -> Result<Vec<ChannelInfo>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<(i64, String, String, String, bool)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, kind, name, config_json, active FROM channels WHERE agency_id = $1 ORDER BY id",
            )
            .bind(agency_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, kind, name, config_json, active)| ChannelInfo {
                id,
                kind,
                name,
                config_json,
                active,
            })
            .collect())
    }

    /// Deliveries due at `now_ms` (oldest first), at most `limit`.
    pub async fn due_deliveries(
        &self,
        now_ms: i64,
        limit: i64,
    ) -> Result<Vec<PendingDelivery>, StoreError> {
        let rows: Vec<PendingRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT d.id, d.delivery_id, d.attempts, d.progress_json, c.id, c.kind, c.name, c.config_json, \
                 a.slug, a.name, i.id, i.title, i.index_no, i.published_on, i.content_json \
                 FROM deliveries d JOIN channels c ON c.id = d.channel_id JOIN items i ON i.id = d.item_id \
                 JOIN agencies a ON a.id = i.agency_id \
                 WHERE d.done_ms IS NULL AND d.next_ms <= $1 ORDER BY d.next_ms, d.id LIMIT $2",
            )
            .bind(now_ms)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|r| {
                Ok(PendingDelivery {
                    id: r.0,
                    delivery_id: r.1,
                    attempts: r.2,
                    progress_json: r.3,
                    channel: ChannelInfo {
                        id: r.4,
                        kind: r.5,
                        name: r.6,
                        config_json: r.7,
                        // A delivery made while the channel was active is completed.
                        active: true,
                    },
                    agency: (r.8, r.9),
                    item_id: r.10,
                    title: r.11,
                    index_no: r.12,
                    published_on: r.13,
                    content: r
                        .14
                        .map(|c| serde_json::from_str(&c))
                        .transpose()
                        .map_err(|e| StoreError::Corrupt(format!("item: {e}")))?,
                })
            })
            .collect()
    }

    /// Records a step of a delivery (so a restart resumes after it, not before).
    pub async fn delivery_progress(&self, id: i64, progress_json: &str) -> Result<(), StoreError> {
        on_pool!(self, |pool| {
            sqlx::query("UPDATE deliveries SET progress_json = $1 WHERE id = $2")
                .bind(progress_json)
                .bind(id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// A channel's state as it is now (an earlier delivery of the same pass may have changed it).
    pub async fn channel_state(&self, id: i64) -> Result<String, StoreError> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_scalar("SELECT state_json FROM channels WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
                .unwrap_or_default()
        }))
    }

    /// Keeps a channel's state (cached token, cover image id).
    pub async fn set_channel_state(&self, id: i64, state_json: &str) -> Result<(), StoreError> {
        on_pool!(self, |pool| {
            sqlx::query("UPDATE channels SET state_json = $1 WHERE id = $2")
                .bind(state_json)
                .bind(id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Marks a delivery done.
    pub async fn delivery_done(&self, id: i64, now_ms: i64) -> Result<(), StoreError> {
        on_pool!(self, |pool| {
            sqlx::query("UPDATE deliveries SET done_ms = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2")
                .bind(now_ms)
                .bind(id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Records a failed attempt and when to try again.
    pub async fn delivery_failed(
        &self,
        id: i64,
        error: &str,
        next_ms: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE deliveries SET attempts = attempts + 1, last_error = $1, next_ms = $2 WHERE id = $3",
            )
            .bind(error)
            .bind(next_ms)
            .bind(id)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The agency's deliveries, newest first (at most 200).
    pub async fn deliveries(&self, slug: &Slug) -> Result<Vec<DeliveryRow>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<DeliveryTuple> = on_pool!(self, |pool| {
            sqlx::query_as(
                    "SELECT c.name, i.title, d.delivery_id, d.done_ms, d.attempts, d.last_error FROM deliveries d \
                     JOIN channels c ON c.id = d.channel_id JOIN items i ON i.id = d.item_id \
                     WHERE c.agency_id = $1 ORDER BY d.id DESC LIMIT 200",
                )
                .bind(agency_id)
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(channel, title, delivery_id, done_ms, attempts, last_error)| DeliveryRow {
                    channel,
                    title,
                    delivery_id,
                    done_ms,
                    attempts,
                    last_error,
                },
            )
            .collect())
    }
}

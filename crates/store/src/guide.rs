//! The 政府信息公开指南 of each agency (条例 第十二条: 分类、编排体系、获取方式 and the disclosure office's
//! name, address, hours, telephone, fax and internet contact), kept as versions; and the
//! catalogue as it stood each year.

use chrono::{DateTime, Utc};
use gongkai_core::Slug;
use gongkai_core::audit::Actor;

use crate::audit::{AuditEntry, BeginWrite, append_audit};
use crate::{Store, StoreError, on_pool};

/// One version of a guide.
#[derive(Debug, Clone)]
pub struct GuideVersion {
    /// 1, 2, …
    pub version: i32,
    /// The guide (sanitised HTML).
    pub body_html: String,
    /// What changed.
    pub note: String,
    /// Who saved it.
    pub actor: String,
    /// When.
    pub saved: DateTime<Utc>,
}

impl Store {
    /// Saves a new version of the agency's guide.
    pub async fn save_guide(
        &self,
        slug: &Slug,
        body_html: &str,
        note: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<i32, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "guide.save",
            target: format!("guide:{slug}"),
            summary: format!("修订政府信息公开指南：{note}"),
        };
        Ok(on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let version: i32 = sqlx::query_scalar(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM guide_versions WHERE agency_id = $1",
            )
            .bind(agency_id)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO guide_versions (agency_id, version, body_html, note, actor, saved_ms) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(agency_id)
            .bind(version)
            .bind(body_html)
            .bind(note)
            .bind(&actor.name)
            .bind(now.timestamp_millis())
            .execute(&mut *tx)
            .await?;
            append_audit!(tx, &entry, now);
            tx.commit().await?;
            version
        }))
    }

    /// Every version of the agency's guide, newest first.
    pub async fn guide_versions(&self, slug: &Slug) -> Result<Vec<GuideVersion>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<(i32, String, String, String, i64)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT version, body_html, note, actor, saved_ms FROM guide_versions WHERE agency_id = $1 ORDER BY version DESC",
            )
            .bind(agency_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(version, body_html, note, actor, ms)| GuideVersion {
                version,
                body_html,
                note,
                actor,
                saved: DateTime::from_timestamp_millis(ms).unwrap_or_default(),
            })
            .collect())
    }

    /// The catalogue's yearly versions: (year, categories), newest first.
    pub async fn catalogue_versions(
        &self,
        slug: &Slug,
    ) -> Result<Vec<(i32, Vec<gongkai_core::catalogue::Column>)>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<(i32, String)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT year, categories_json FROM catalogue_versions WHERE agency_id = $1 ORDER BY year DESC",
            )
            .bind(agency_id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(y, j)| {
                // Versions saved before columns had descriptions hold names only.
                #[derive(serde::Deserialize)]
                #[serde(untagged)]
                enum Saved {
                    Columns(Vec<gongkai_core::catalogue::Column>),
                    Names(Vec<String>),
                }
                let columns = match serde_json::from_str(&j)
                    .map_err(|e| StoreError::Corrupt(format!("catalogue: {e}")))?
                {
                    Saved::Columns(c) => c,
                    Saved::Names(n) => n
                        .into_iter()
                        .map(|name| gongkai_core::catalogue::Column {
                            name,
                            ..Default::default()
                        })
                        .collect(),
                };
                Ok((y, columns))
            })
            .collect()
    }
}

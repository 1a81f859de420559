//! The 政府信息公开指南 of each agency (条例 第十二条: 分类、编排体系、获取方式 and the disclosure office's
//! name, address, hours, telephone, fax and internet contact), kept as versions.

use chrono::{DateTime, Utc};
use gongkai_core::Slug;
use gongkai_core::audit::Entry;
use gongkai_core::guide::GuideFields;

use crate::db::{By, Json, Millis, json, sql};
use crate::{Store, StoreError};

/// One version of a guide.
#[derive(Debug, Clone)]
pub struct GuideVersion {
    /// 1, 2, …
    pub version: i32,
    /// The guide (sanitised HTML).
    pub body_html: String,
    /// The form it was rendered from (none for a version saved as free HTML).
    pub fields: Option<GuideFields>,
    /// What changed.
    pub note: String,
    /// Who saved it.
    pub actor: String,
    /// When.
    pub saved: DateTime<Utc>,
}

impl Store {
    /// Saves a new version of the agency's guide: the guide as the portal shows it, and the form
    /// it was rendered from.
    pub async fn save_guide(
        &self,
        slug: &Slug,
        body_html: &str,
        fields: Option<&GuideFields>,
        note: &str,
        by: By<'_>,
    ) -> Result<i32, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = Entry::new(
            Some(slug.as_str()),
            "guide.save",
            format!("guide:{slug}"),
            format!("修订政府信息公开指南：{note}"),
        );
        let fields = fields.map(json).transpose()?;
        self.write(by, entry, async |tx| {
            sql(
                "INSERT INTO guide_versions (agency_id, version, body_html, note, actor, saved_ms, fields_json) \
                 SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5, $6 FROM guide_versions \
                 WHERE agency_id = $1 RETURNING version",
            )
            .bind(agency_id)
            .bind(body_html)
            .bind(note)
            .bind(&by.actor.name)
            .bind(by.ms())
            .bind(fields.as_deref())
            .scalar(&mut *tx)
            .await
        })
        .await
    }

    /// Every version of the agency's guide, newest first.
    pub async fn guide_versions(&self, slug: &Slug) -> Result<Vec<GuideVersion>, StoreError> {
        type Row = (
            i32,
            String,
            Option<Json<GuideFields>>,
            String,
            String,
            Millis,
        );
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<Row> = sql(
            "SELECT version, body_html, fields_json, note, actor, saved_ms FROM guide_versions \
             WHERE agency_id = $1 ORDER BY version DESC",
        )
        .bind(agency_id)
        .all(self)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(version, body_html, fields, note, actor, Millis(saved))| GuideVersion {
                    version,
                    body_html,
                    fields: fields.map(|Json(f)| f),
                    note,
                    actor,
                    saved,
                },
            )
            .collect())
    }
}

//! The site's identity (`gongkai_core::site::SiteIdentity`): one row, read by every public page
//! and written by the system administrator.

use std::sync::Arc;

use gongkai_core::audit::Entry;
use gongkai_core::site::SiteIdentity;

use crate::db::{By, Json, json, sql};
use crate::{Store, StoreError};

/// The scope of the whole site's row.
const WHOLE_SITE: &str = "";

impl Store {
    /// The site's identity as last saved, or the defaults before anyone saved one.
    /// Kept ready between writes like agencies (see `ready`): every public page reads it.
    pub async fn site_identity(&self) -> Result<Arc<SiteIdentity>, StoreError> {
        let stamp = self.ready_stamp().await;
        if let Some(kept) = stamp.and_then(|s| self.ready.site(s)) {
            return Ok(kept);
        }
        let row: Option<Json<SiteIdentity>> =
            sql("SELECT settings_json FROM site_settings WHERE scope = $1")
                .bind(WHOLE_SITE)
                .scalar_opt(self)
                .await?;
        let site = Arc::new(row.map(|Json(s)| s).unwrap_or_default());
        if let Some(s) = stamp {
            self.ready.put_site(s, Arc::clone(&site));
        }
        Ok(site)
    }

    /// Saves the site's identity (checked by `SiteIdentity::check` before), with its audit record.
    pub async fn save_site_identity(
        &self,
        site: &SiteIdentity,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let text = json(site)?;
        let entry = Entry::new(
            None,
            "site.save",
            "site",
            format!("修改网站设置：{}", site.site_name),
        );
        self.write(by, entry, async |tx| {
            sql(
                "INSERT INTO site_settings (scope, settings_json, updated_ms) VALUES ($1, $2, $3) \
                 ON CONFLICT (scope) DO UPDATE SET settings_json = excluded.settings_json, \
                 updated_ms = excluded.updated_ms",
            )
            .bind(WHOLE_SITE)
            .bind(&text)
            .bind(by.ms())
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
        .await
    }
}

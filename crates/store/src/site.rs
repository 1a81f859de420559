//! The site's identity (`gongkai_core::site::SiteIdentity`): one row, read by every public page
//! and written by the system administrator.

use std::sync::Arc;

use gongkai_core::Slug;
use gongkai_core::audit::Entry;
use gongkai_core::site::{Logo, SiteContact, SiteIdentity};

use crate::db::{By, Json, Sql, json, sql};
use crate::{Store, StoreError};

/// The scope of the whole site's row.
const WHOLE_SITE: &str = "";

impl Store {
    /// The site's identity as last saved, or the defaults before anyone saved one.
    /// Kept ready between writes like agencies (see `ready`): every public page reads it.
    pub async fn site_identity(&self) -> Result<Arc<SiteIdentity>, StoreError> {
        self.kept(crate::ready::Ready::SITE, WHOLE_SITE.to_owned(), async {
            let row: Option<Json<SiteIdentity>> = settings(WHOLE_SITE).scalar_opt(self).await?;
            Ok(Arc::new(row.map(|Json(s)| s).unwrap_or_default()))
        })
        .await
    }

    /// The identity an agency's pages carry: the site's, with the agency's own 主办/承办 and
    /// contact where it set them. Kept ready like the site's.
    pub async fn agency_identity(&self, slug: &Slug) -> Result<Arc<SiteIdentity>, StoreError> {
        // An address naming no agency (a mistyped or invented one) shows the site's identity and
        // is not kept: invented names would push out the agencies' own.
        if self.agency_id(slug).await.is_err() {
            return self.site_identity().await;
        }
        self.kept(crate::ready::Ready::SITE, slug.to_string(), async {
            let site = self.site_identity().await?;
            Ok(match self.agency_site(slug).await? {
                Some(own) => Arc::new(site.for_agency(&own)),
                None => site,
            })
        })
        .await
    }

    /// What the agency set of its own in place of the site's, if anything.
    pub async fn agency_site(&self, slug: &Slug) -> Result<Option<SiteContact>, StoreError> {
        let row: Option<Json<SiteContact>> = settings(slug.as_str()).scalar_opt(self).await?;
        Ok(row.map(|Json(s)| s))
    }

    /// Saves what the agency shows in place of the site's (checked by `SiteContact::check`
    /// before); all empty: the agency shows the site's again.
    pub async fn save_agency_site(
        &self,
        slug: &Slug,
        own: &SiteContact,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        self.agency_id(slug).await?;
        let entry = Entry::new(
            Some(slug.as_str()),
            "site.agency",
            format!("site:{slug}"),
            if own.is_empty() {
                "主办单位和联系方式改为与网站一致".to_owned()
            } else {
                format!("主办单位：{}；联系电话：{}", own.sponsor, own.phone)
            },
        );
        let text = json(own)?;
        self.write(by, entry, async |tx| {
            if own.is_empty() {
                sql("DELETE FROM site_settings WHERE scope = $1")
                    .bind(slug.as_str())
                    .execute(&mut *tx)
                    .await?;
            } else {
                upsert(slug.as_str(), &text, by).execute(&mut *tx).await?;
            }
            Ok(())
        })
        .await
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
            upsert(WHOLE_SITE, &text, by).execute(&mut *tx).await?;
            Ok(())
        })
        .await
    }
}

impl Store {
    /// Keeps an uploaded logo and makes it the header's, with its alternative text, in one write.
    pub async fn save_site_logo(
        &self,
        logo: &Logo,
        bytes: &[u8],
        alt: &str,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let mut site = SiteIdentity::clone(&*self.site_identity().await?);
        site.logo = logo.path();
        alt.trim().clone_into(&mut site.logo_alt);
        let text = json(&site)?;
        let entry = Entry::new(
            None,
            "site.logo",
            "site",
            format!("上传网站标志图片：{}", site.logo_alt),
        );
        self.write(by, entry, async |tx| {
            sql(
                "INSERT INTO site_files (name, content_type, bytes, created_ms) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING",
            )
            .bind(logo.name.as_str())
            .bind(logo.content_type)
            .bind(bytes)
            .bind(by.ms())
            .execute(&mut *tx)
            .await?;
            upsert(WHOLE_SITE, &text, by).execute(&mut *tx).await?;
            Ok(())
        })
        .await
    }

    /// An uploaded file of the site by its name: its content type and bytes.
    pub async fn site_file(&self, name: &str) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        sql("SELECT content_type, bytes FROM site_files WHERE name = $1")
            .bind(name)
            .optional(self)
            .await
    }
}

/// The settings row of a scope.
fn settings(scope: &str) -> Sql<'_> {
    sql("SELECT settings_json FROM site_settings WHERE scope = $1").bind(scope)
}

/// Writes the settings row of a scope.
fn upsert<'q>(scope: &'q str, text: &'q str, by: By<'_>) -> Sql<'q> {
    sql(
        "INSERT INTO site_settings (scope, settings_json, updated_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (scope) DO UPDATE SET settings_json = excluded.settings_json, \
         updated_ms = excluded.updated_ms",
    )
    .bind(scope)
    .bind(text)
    .bind(by.ms())
}

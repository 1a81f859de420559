//! Publishing annual reports: each publication is an immutable, numbered snapshot; publishing also
//! files the report as an item of the agency's 信息公开年度报告 column, all in one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::Slug;
use gongkai_core::audit::Actor;
use gongkai_core::report::AnnualReport;

use crate::audit::{AuditEntry, BeginWrite, append_audit};
use crate::{Store, StoreError, on_pool};

/// The catalogue column published reports go into (国办公开办函〔2019〕61号).
pub const REPORT_CATEGORY: &str = "信息公开年度报告";

/// One published version of a report.
#[derive(Debug, Clone)]
pub struct Publication {
    /// 1 for the first publication, then one more per correction.
    pub version: i32,
    /// When.
    pub published_at: DateTime<Utc>,
    /// Who (as recorded).
    pub published_by: String,
    /// For corrections: what changed.
    pub note: String,
    /// The report as published.
    pub report: AnnualReport,
}

impl Store {
    /// Publishes a report; returns its version. `note` is required for a correction (version > 1).
    pub async fn publish_report(
        &self,
        slug: &Slug,
        report: &AnnualReport,
        note: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<i32, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let json = serde_json::to_string(report).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let year = report.year;
        let note = note.trim();
        Ok(on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let last: Option<i32> = sqlx::query_scalar(
                "SELECT MAX(version) FROM report_publications WHERE agency_id = $1 AND year = $2",
            )
            .bind(agency_id)
            .bind(year)
            .fetch_one(&mut *tx)
            .await?;
            let version = last.unwrap_or(0) + 1;
            if version > 1 && note.is_empty() {
                return Err(StoreError::Invalid(
                    "已发布的报告不能直接覆盖：更正须作为新版本发布，并写明更正说明".to_owned(),
                ));
            }
            sqlx::query(
                "INSERT INTO report_publications (agency_id, year, version, published_ms, published_by, note, report_json) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(agency_id)
            .bind(year)
            .bind(version)
            .bind(now.timestamp_millis())
            .bind(&actor.name)
            .bind(note)
            .bind(&json)
            .execute(&mut *tx)
            .await?;
            let category: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM catalogue_categories WHERE agency_id = $1 AND name = $2",
            )
            .bind(agency_id)
            .bind(REPORT_CATEGORY)
            .fetch_optional(&mut *tx)
            .await?;
            let category = match category {
                Some(id) => id,
                None => {
                    sqlx::query_scalar(
                        "INSERT INTO catalogue_categories (agency_id, position, name) \
                         VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM catalogue_categories WHERE agency_id = $1), $2) \
                         RETURNING id",
                    )
                    .bind(agency_id)
                    .bind(REPORT_CATEGORY)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            let title = if version == 1 {
                report.title()
            } else {
                format!("{}（更正版）", report.title())
            };
            sqlx::query(
                "INSERT INTO items (agency_id, category_id, title, published_on, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(agency_id)
            .bind(category)
            .bind(&title)
            .bind(today)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let entry = AuditEntry {
                actor,
                agency: Some(slug.as_str()),
                action: "report.publish",
                target: format!("report:{slug}:{year}"),
                summary: if version == 1 {
                    format!("发布{year}年度报告")
                } else {
                    format!("发布{year}年度报告第{version}版：{note}")
                },
            };
            append_audit!(tx, &entry, now);
            tx.commit().await?;
            version
        }))
    }

    /// How many versions of each year's report were published: (year, versions).
    pub async fn publication_counts(&self, slug: &Slug) -> Result<Vec<(i32, i64)>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        Ok(on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT year, COUNT(*) FROM report_publications WHERE agency_id = $1 GROUP BY year ORDER BY year",
            )
            .bind(agency_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Every published version of a year's report, oldest first.
    pub async fn publications(
        &self,
        slug: &Slug,
        year: i32,
    ) -> Result<Vec<Publication>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<(i32, i64, String, String, String)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT version, published_ms, published_by, note, report_json FROM report_publications \
                 WHERE agency_id = $1 AND year = $2 ORDER BY version",
            )
            .bind(agency_id)
            .bind(year)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(version, ms, published_by, note, json)| {
                Ok(Publication {
                    version,
                    published_at: DateTime::from_timestamp_millis(ms).unwrap_or_default(),
                    published_by,
                    note,
                    report: serde_json::from_str(&json)
                        .map_err(|e| StoreError::Corrupt(format!("published report: {e}")))?,
                })
            })
            .collect()
    }
}

impl Store {
    /// Records (or replaces) the report of a year before the agency used gongkai.
    pub async fn import_report(
        &self,
        slug: &Slug,
        report: &AnnualReport,
        source: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let json = serde_json::to_string(report).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "report.import",
            target: format!("report:{slug}:{}", report.year),
            summary: format!("导入{}年度报告，来源：{source}", report.year),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO imported_reports (agency_id, year, source, imported_ms, imported_by, report_json) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (agency_id, year) DO UPDATE SET source = excluded.source, \
                 imported_ms = excluded.imported_ms, imported_by = excluded.imported_by, report_json = excluded.report_json",
            )
            .bind(agency_id)
            .bind(report.year)
            .bind(source)
            .bind(now.timestamp_millis())
            .bind(&actor.name)
            .bind(&json)
            .execute(&mut *tx)
            .await?;
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The imported report of a year, if any.
    pub async fn imported_report(
        &self,
        slug: &Slug,
        year: i32,
    ) -> Result<Option<AnnualReport>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let json: Option<String> = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT report_json FROM imported_reports WHERE agency_id = $1 AND year = $2",
            )
            .bind(agency_id)
            .bind(year)
            .fetch_optional(pool)
            .await?
        });
        json.map(|j| {
            serde_json::from_str(&j)
                .map_err(|e| StoreError::Corrupt(format!("imported report: {e}")))
        })
        .transpose()
    }

    /// Last year's report for the checks: as published (its latest version) where it was, the
    /// imported one where the year predates the agency's use of gongkai, else the one computed from
    /// records. Carry-over is checked against what the public read, not against records edited
    /// since.
    pub async fn previous_report(
        &self,
        slug: &Slug,
        year: i32,
    ) -> Result<AnnualReport, StoreError> {
        if let Some(p) = self.publications(slug, year).await?.pop() {
            return Ok(p.report);
        }
        match self.imported_report(slug, year).await? {
            Some(r) => Ok(r),
            None => Ok(self.report_data(slug, year).await?.compute()),
        }
    }
}

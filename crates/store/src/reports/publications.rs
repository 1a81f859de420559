//! Publishing annual reports: each publication is an immutable, numbered snapshot
//! (`core::report::workspace::publish` decides the version and what is filed); publishing also
//! files the report as an item of the agency's 信息公开年度报告 column, in the same transaction.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::Slug;
use gongkai_core::audit::Entry;
use gongkai_core::report::AnnualReport;
use gongkai_core::report::workspace::publish;

use crate::db::{By, Json, Millis, json, sql};
use crate::{Store, StoreError};

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
    /// Publishes a report; returns its version. A correction (version > 1) must say what it
    /// corrects.
    pub async fn publish_report(
        &self,
        slug: &Slug,
        report: &AnnualReport,
        note: &str,
        by: By<'_>,
        today: NaiveDate,
    ) -> Result<i32, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let snapshot = json(report)?;
        let year = report.year;
        self.write_with(by, async |tx| {
            let last: Option<i32> = sql(
                "SELECT MAX(version) FROM report_publications WHERE agency_id = $1 AND year = $2",
            )
            .bind(agency_id)
            .bind(year)
            .scalar(&mut *tx)
            .await?;
            let filing = publish(slug.as_str(), report, last, note)?;
            sql("INSERT INTO report_publications (agency_id, year, version, published_ms, published_by, note, report_json) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(agency_id)
            .bind(year)
            .bind(filing.version)
            .bind(by.ms())
            .bind(&by.actor.name)
            .bind(&filing.note)
            .bind(&snapshot)
            .execute(&mut *tx)
            .await?;
            let category: Option<i64> =
                sql("SELECT id FROM catalogue_categories WHERE agency_id = $1 AND name = $2")
                    .bind(agency_id)
                    .bind(REPORT_CATEGORY)
                    .scalar_opt(&mut *tx)
                    .await?;
            let category = match category {
                Some(id) => id,
                None => {
                    sql("INSERT INTO catalogue_categories (agency_id, position, name) \
                         VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM catalogue_categories WHERE agency_id = $1), $2) \
                         RETURNING id")
                    .bind(agency_id)
                    .bind(REPORT_CATEGORY)
                    .scalar(&mut *tx)
                    .await?
                }
            };
            sql("INSERT INTO items (agency_id, category_id, title, published_on, created_at) \
                 VALUES ($1, $2, $3, $4, $5)")
            .bind(agency_id)
            .bind(category)
            .bind(&filing.item_title)
            .bind(today)
            .bind(by.now)
            .execute(&mut *tx)
            .await?;
            Ok((filing.version, Some(filing.audit)))
        })
        .await
    }

    /// How many versions of each year's report were published: (year, versions).
    pub async fn publication_counts(&self, slug: &Slug) -> Result<Vec<(i32, i64)>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        sql("SELECT year, COUNT(*) FROM report_publications WHERE agency_id = $1 GROUP BY year ORDER BY year")
            .bind(agency_id)
            .all(self)
            .await
    }

    /// Every published version of a year's report, oldest first.
    pub async fn publications(
        &self,
        slug: &Slug,
        year: i32,
    ) -> Result<Vec<Publication>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<(i32, Millis, String, String, Json<AnnualReport>)> = sql(
            "SELECT version, published_ms, published_by, note, report_json FROM report_publications \
             WHERE agency_id = $1 AND year = $2 ORDER BY version",
        )
        .bind(agency_id)
        .bind(year)
        .all(self)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(version, Millis(published_at), published_by, note, Json(report))| Publication {
                    version,
                    published_at,
                    published_by,
                    note,
                    report,
                },
            )
            .collect())
    }

    /// Records (or replaces) the report of a year before the agency used gongkai.
    pub async fn import_report(
        &self,
        slug: &Slug,
        report: &AnnualReport,
        source: &str,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let snapshot = json(report)?;
        let entry = Entry::new(
            Some(slug.as_str()),
            "report.import",
            format!("report:{slug}:{}", report.year),
            format!("导入{}年度报告，来源：{source}", report.year),
        );
        self.write(by, entry, async |tx| {
            sql("INSERT INTO imported_reports (agency_id, year, source, imported_ms, imported_by, report_json) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (agency_id, year) DO UPDATE SET source = excluded.source, \
                 imported_ms = excluded.imported_ms, imported_by = excluded.imported_by, report_json = excluded.report_json")
            .bind(agency_id)
            .bind(report.year)
            .bind(source)
            .bind(by.ms())
            .bind(&by.actor.name)
            .bind(&snapshot)
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
        .await
    }

    /// The imported report of a year, if any.
    pub async fn imported_report(
        &self,
        slug: &Slug,
        year: i32,
    ) -> Result<Option<AnnualReport>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let report: Option<Json<AnnualReport>> =
            sql("SELECT report_json FROM imported_reports WHERE agency_id = $1 AND year = $2")
                .bind(agency_id)
                .bind(year)
                .scalar_opt(self)
                .await?;
        Ok(report.map(|Json(r)| r))
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

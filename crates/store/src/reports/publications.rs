//! Publishing annual reports: each publication is an immutable, numbered snapshot
//! (`core::report::workspace::publish` decides the version and what is filed); publishing also
//! files the report as an item of the agency's 信息公开年度报告 column, in the same transaction.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::Rejection;
use gongkai_core::Slug;
use gongkai_core::audit::Entry;
use gongkai_core::item::{Attribute, DocKind, IndexTemplate, ItemContent};
use gongkai_core::report::AnnualReport;
use gongkai_core::report::workspace::{may_approve, proposal_entry, publish, return_entry};

use crate::db::{By, Conn, Json, Millis, Tx, json, sql};
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

/// A report put before the 分管领导 for approval.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// Row id (the approval form names it, so what is approved is what was shown).
    pub id: i64,
    /// Who asked, by user id (`None`: the system).
    pub proposed_by_id: Option<i64>,
    /// Who asked, by name.
    pub proposed_by: String,
    /// When.
    pub proposed_at: DateTime<Utc>,
    /// The correction note (empty for a first publication).
    pub note: String,
    /// The report exactly as it will be published.
    pub report: AnnualReport,
}

#[derive(sqlx::FromRow)]
struct ProposalRow {
    id: i64,
    proposed_by_id: Option<i64>,
    proposed_by: String,
    proposed_ms: Millis,
    note: String,
    report_json: Json<AnnualReport>,
}

impl From<ProposalRow> for Proposal {
    fn from(r: ProposalRow) -> Self {
        Self {
            id: r.id,
            proposed_by_id: r.proposed_by_id,
            proposed_by: r.proposed_by,
            proposed_at: r.proposed_ms.0,
            note: r.note,
            report: r.report_json.0,
        }
    }
}

/// The proposal of `year` waiting for approval (at most one: `propose_report` refuses a second).
async fn pending_row<'c>(
    on: impl Into<Conn<'c>>,
    agency_id: i64,
    year: i32,
) -> Result<Option<ProposalRow>, StoreError> {
    sql("SELECT id, proposed_by_id, proposed_by, proposed_ms, note, report_json FROM report_proposals \
         WHERE agency_id = $1 AND year = $2 AND status = 'pending'")
    .bind(agency_id)
    .bind(year)
    .optional(on)
    .await
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
        let (name, index) = self.index_template(slug).await?;
        self.write_with(by, async |tx| {
            let (version, audit) = file_publication(
                tx,
                agency_id,
                (&name, &index),
                slug,
                report,
                note,
                by,
                today,
            )
            .await?;
            Ok((version, Some(audit)))
        })
        .await
    }

    /// Asks the 分管领导 to approve publication of `report` as it stands (the confirmation page
    /// showed it): refused while another proposal for the year waits, or when the publication
    /// itself would be refused (a correction without its note).
    pub async fn propose_report(
        &self,
        slug: &Slug,
        report: &AnnualReport,
        note: &str,
        by: By<'_>,
    ) -> Result<i64, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let snapshot = json(report)?;
        let year = report.year;
        self.write_with(by, async |tx| {
            let pending: Option<i64> = sql(
                "SELECT id FROM report_proposals WHERE agency_id = $1 AND year = $2 AND status = 'pending'",
            )
            .bind(agency_id)
            .bind(year)
            .scalar_opt(&mut *tx)
            .await?;
            if pending.is_some() {
                return Err(Rejection::new("已有等待分管领导批准的发布申请，请等待批准或退回后再提请。").into());
            }
            let last = last_version(tx, agency_id, year).await?;
            let filing = publish(slug.as_str(), report, last, note)?;
            let id: i64 = sql(
                "INSERT INTO report_proposals (agency_id, year, proposed_by_id, proposed_by, proposed_ms, note, report_json, status) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending') RETURNING id",
            )
            .bind(agency_id)
            .bind(year)
            .bind(by.actor.user_id)
            .bind(&by.actor.name)
            .bind(by.ms())
            .bind(&filing.note)
            .bind(&snapshot)
            .scalar(&mut *tx)
            .await?;
            Ok((id, Some(proposal_entry(slug.as_str(), year, filing.version))))
        })
        .await
    }

    /// Every report waiting for a 分管领导's approval: (agency slug, year, who asked, when), by
    /// agency and year, in one statement. The back office's first page lists those its reader
    /// may read, or an approver had no way to learn that one waited (a helper's walk).
    pub async fn pending_proposals(
        &self,
    ) -> Result<Vec<(String, i32, String, DateTime<Utc>)>, StoreError> {
        let rows: Vec<(String, i32, String, Millis)> = sql(
            "SELECT a.slug, p.year, p.proposed_by, p.proposed_ms FROM report_proposals p \
             JOIN agencies a ON a.id = p.agency_id WHERE p.status = 'pending' ORDER BY a.slug, p.year",
        )
        .all(self)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(slug, year, by, Millis(at))| (slug, year, by, at))
            .collect())
    }

    /// The proposal of `year` waiting for approval, if any.
    pub async fn pending_proposal(
        &self,
        slug: &Slug,
        year: i32,
    ) -> Result<Option<Proposal>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        Ok(pending_row(self, agency_id, year)
            .await?
            .map(Proposal::from))
    }

    /// Approves the pending proposal `id` and publishes the report exactly as proposed — only by
    /// a 分管领导 who is not its proposer (`core::report::workspace::may_approve`).
    pub async fn approve_report(
        &self,
        slug: &Slug,
        year: i32,
        id: i64,
        approver_is_final_reviewer: bool,
        by: By<'_>,
        today: NaiveDate,
    ) -> Result<i32, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let (name, index) = self.index_template(slug).await?;
        self.write_with(by, async |tx| {
            let row = pending_row(&mut *tx, agency_id, year).await?.filter(|r| r.id == id);
            let p = Proposal::from(row.ok_or_else(|| StoreError::NotFound("待批准的发布申请".into()))?);
            may_approve(p.proposed_by_id, by.actor.user_id, approver_is_final_reviewer)?;
            sql("UPDATE report_proposals SET status = 'approved', decided_by = $1, decided_ms = $2 WHERE id = $3")
                .bind(&by.actor.name)
                .bind(by.ms())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let (version, mut audit) = file_publication(
                tx,
                agency_id,
                (&name, &index),
                slug,
                &p.report,
                &p.note,
                by,
                today,
            )
            .await?;
            audit.summary = format!("{}（{}提请，{}批准）", audit.summary, p.proposed_by, by.actor.name);
            Ok((version, Some(audit)))
        })
        .await
    }

    /// Sends the pending proposal `id` back with a reason; nothing is published.
    pub async fn return_report(
        &self,
        slug: &Slug,
        year: i32,
        id: i64,
        reason: &str,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = return_entry(slug.as_str(), year, reason)?;
        self.write(by, entry, async |tx| {
            let done = sql(
                "UPDATE report_proposals SET status = 'returned', decided_by = $1, decided_ms = $2, reason = $3 \
                 WHERE id = $4 AND agency_id = $5 AND year = $6 AND status = 'pending'",
            )
            .bind(&by.actor.name)
            .bind(by.ms())
            .bind(reason.trim())
            .bind(id)
            .bind(agency_id)
            .bind(year)
            .execute(&mut *tx)
            .await?;
            if done == 0 {
                return Err(StoreError::NotFound("待批准的发布申请".into()));
            }
            Ok(())
        })
        .await
    }

    /// The agency's name and 索引号 template (the filed report item is numbered in its series).
    async fn index_template(&self, slug: &Slug) -> Result<(String, IndexTemplate), StoreError> {
        let agency = self.agency(slug).await?;
        let index = IndexTemplate {
            pattern: self.index_pattern(slug).await?,
            ..IndexTemplate::for_code(agency.credit_code.as_str())
        };
        Ok((agency.name, index))
    }

    /// The years whose report was published, newest first, with how many versions each: the
    /// years the public can read (portal and API alike).
    pub async fn publication_counts(
        &self,
        slug: &Slug,
    ) -> Result<std::sync::Arc<Vec<(i32, i64)>>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        self.kept(crate::ready::Ready::YEARS, agency_id, async {
            Ok(std::sync::Arc::new(
                sql(
                    "SELECT year, COUNT(*) FROM report_publications WHERE agency_id = $1 \
                     GROUP BY year ORDER BY year DESC",
                )
                .bind(agency_id)
                .all(self)
                .await?,
            ))
        })
        .await
    }

    /// Every published version of a year's report, oldest first.
    pub async fn publications(
        &self,
        slug: &Slug,
        year: i32,
    ) -> Result<Vec<Publication>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        self.read_publications(agency_id, year).await
    }

    /// [`publications`](Self::publications), kept ready between writes for the portal: the
    /// report page and each of its files read them, and parsing every version's JSON was most of
    /// a kept file's answer.
    pub(crate) async fn kept_publications(
        &self,
        slug: &Slug,
        year: i32,
    ) -> Result<crate::ready::Reports, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        self.kept(crate::ready::Ready::REPORTS, (agency_id, year), async {
            Ok(std::sync::Arc::new(
                self.read_publications(agency_id, year).await?,
            ))
        })
        .await
    }

    async fn read_publications(
        &self,
        agency_id: i64,
        year: i32,
    ) -> Result<Vec<Publication>, StoreError> {
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

async fn last_version(tx: &mut Tx, agency_id: i64, year: i32) -> Result<Option<i32>, StoreError> {
    sql("SELECT MAX(version) FROM report_publications WHERE agency_id = $1 AND year = $2")
        .bind(agency_id)
        .bind(year)
        .scalar(&mut *tx)
        .await
}

/// Keeps the next version of a report and files it as an item of the report column, in the
/// caller's transaction; returns the version and its audit record.
#[expect(
    clippy::too_many_arguments,
    reason = "one transaction's inputs, each from its caller's checks"
)]
async fn file_publication(
    tx: &mut Tx,
    agency_id: i64,
    (agency_name, index): (&str, &IndexTemplate),
    slug: &Slug,
    report: &AnnualReport,
    note: &str,
    by: By<'_>,
    today: NaiveDate,
) -> Result<(i32, Entry), StoreError> {
    let snapshot = json(report)?;
    let year = report.year;
    let last = last_version(tx, agency_id, year).await?;
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
    // The item carries its 索引号 from the agency's series, like any item published, and leads to
    // the report itself.
    let serial: i32 = sql(
        "INSERT INTO index_serials (agency_id, period, last) VALUES ($1, $2, 1) \
         ON CONFLICT (agency_id, period) DO UPDATE SET last = index_serials.last + 1 RETURNING last",
    )
    .bind(agency_id)
    .bind(index.period(today))
    .scalar(&mut *tx)
    .await?;
    let index_no = index.number(today, u32::try_from(serial).unwrap_or(0));
    let link = format!("/agencies/{slug}/reports/{year}");
    let content = ItemContent {
        title: filing.item_title.clone(),
        written_on: Some(today),
        formed_on: Some(today),
        attribute: Some(Attribute::Proactive),
        topic: "综合政务\\政务公开".to_owned(),
        category: REPORT_CATEGORY.to_owned(),
        kind: Some(DocKind::Other),
        summary: filing.item_title.clone(),
        body_html: format!(
            "<p>{report}{version}已发布，全文及统计表格见：\
             <a href=\"{link}\">{title}</a>（可下载 Word、表格和 PDF 等版本）。</p>",
            report = gongkai_core::report::title(agency_name, year),
            version = if filing.version > 1 {
                format!("（第{}版，更正）", filing.version)
            } else {
                String::new()
            },
            title = filing.item_title,
        ),
        ..ItemContent::default()
    };
    sql(
        "INSERT INTO items (agency_id, category_id, title, published_on, created_at, index_no, \
         content_json, updated_ms, kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(agency_id)
    .bind(category)
    .bind(&filing.item_title)
    .bind(today)
    .bind(by.now)
    .bind(&index_no)
    .bind(json(&content)?)
    .bind(by.ms())
    .bind(DocKind::Other.key())
    .execute(&mut *tx)
    .await?;
    Ok((filing.version, filing.audit))
}

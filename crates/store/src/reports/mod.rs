//! Annual reports: the facts of one agency and year read for `gongkai_core::report::compute` (the
//! queries only narrow by date range; every counting rule is the core's), the staff-written parts
//! and reported figures ([`inputs`]), and publication ([`publications`]).

use chrono::{Datelike, NaiveDate};
use gongkai_core::report::{
    AnnualReport, CheckContext, DocumentFacts, FeeSummary, Finding, ItemFacts, ReportInputs,
    StaffTexts, Table2, check, compute,
};
use gongkai_core::request::Decided;
use gongkai_core::{Agency, CaseFacts, RequestFacts, Slug};

use crate::db::{Json, sql};
use crate::{Store, StoreError, year_bounds};

mod inputs;
mod publications;

use inputs::set_table2_figure;
pub use publications::{Proposal, Publication, REPORT_CATEGORY};

/// One member agency's report for the oversight office's view.
#[derive(Debug, Clone)]
pub struct MemberReport {
    /// The member.
    pub agency: Agency,
    /// Its report, computed from its records.
    pub report: AnnualReport,
    /// Its cross-check findings.
    pub findings: Vec<Finding>,
    /// Whether staff have written any of the year's report text.
    pub has_texts: bool,
}

/// One agency-year as the portal shows it; see [`Store::public_report`].
#[derive(Debug, Clone)]
pub struct PublicReport(Shown);

/// What a [`PublicReport`] shows: the published versions as kept (shared, not copied, by every
/// request), or a preview.
#[derive(Debug, Clone)]
enum Shown {
    /// Every published version, oldest first (never empty).
    Published(crate::ready::Reports),
    /// Computed from the records, before publication.
    Preview(Box<AnnualReport>),
}

impl PublicReport {
    /// The latest published version, or the preview computed from the records.
    pub fn report(&self) -> &AnnualReport {
        match &self.0 {
            Shown::Published(all) => all.last().map_or_else(
                || unreachable!("a published report has a version"),
                |p| &p.report,
            ),
            Shown::Preview(report) => report,
        }
    }

    /// Every published version, oldest first; empty for a preview.
    pub fn publications(&self) -> &[crate::Publication] {
        match &self.0 {
            Shown::Published(all) => all,
            Shown::Preview(_) => &[],
        }
    }

    /// Whether this is a preview (nothing published yet).
    pub fn is_preview(&self) -> bool {
        matches!(self.0, Shown::Preview(_))
    }
}

/// Everything stored that one agency-year's report is computed from.
#[derive(Debug, Clone)]
pub struct ReportData {
    /// The reporting agency.
    pub agency: Agency,
    /// The year.
    pub year: i32,
    /// Requests open at some point of the year.
    pub requests: Vec<RequestFacts>,
    /// Cases filed or concluded in the year.
    pub cases: Vec<CaseFacts>,
    /// Catalogue categories in order.
    pub categories: Vec<String>,
    /// Items published in the year.
    pub items: Vec<ItemFacts>,
    /// Table 二 as reported.
    pub table2: Table2,
    /// Fees of the year (fee records arrive with the request workflow; until then none).
    pub fees: FeeSummary,
    /// Enquiries, complaints, evaluations and proposals of the year.
    pub supervision: gongkai_core::supervision::Supervision,
    /// Staff-written text.
    pub texts: StaffTexts,
}

impl ReportData {
    /// Computes the report from the facts.
    pub fn compute(&self) -> AnnualReport {
        let agency = self.agency.as_ref();
        compute(&ReportInputs {
            agency: &agency,
            year: self.year,
            requests: &self.requests,
            cases: &self.cases,
            categories: &self.categories,
            items: &self.items,
            table2: &self.table2,
            fees: self.fees,
            supervision: self.supervision,
            texts: &self.texts,
        })
    }
}

type RequestRow = (String, NaiveDate, Option<NaiveDate>, Option<String>);
type CaseRow = (String, NaiveDate, Option<NaiveDate>, Option<String>);
type ItemRow = (
    String,
    NaiveDate,
    Option<String>,
    Option<Json<gongkai_core::item::ItemContent>>,
);

fn request_from_row(
    (kind, received_on, decided_on, outcome): RequestRow,
) -> Result<RequestFacts, StoreError> {
    let corrupt = |e: &dyn std::fmt::Display| StoreError::Corrupt(e.to_string());
    let decided = match (decided_on, outcome) {
        (Some(on), Some(o)) => Some(Decided {
            on,
            outcome: o.parse().map_err(|e| corrupt(&e))?,
        }),
        (None, None) => None,
        _ => {
            return Err(StoreError::Corrupt(
                "request with half a decision".to_owned(),
            ));
        }
    };
    RequestFacts::new(kind.parse().map_err(|e| corrupt(&e))?, received_on, decided)
        .map_err(|e| corrupt(&e))
}

fn case_from_row((kind, filed_on, concluded_on, result): CaseRow) -> Result<CaseFacts, StoreError> {
    let corrupt = |e: &dyn std::fmt::Display| StoreError::Corrupt(e.to_string());
    let concluded = match (concluded_on, result) {
        (Some(on), Some(r)) => Some((on, r.parse().map_err(|e| corrupt(&e))?)),
        (None, None) => None,
        _ => return Err(StoreError::Corrupt("case with half a result".to_owned())),
    };
    CaseFacts::new(kind.parse().map_err(|e| corrupt(&e))?, filed_on, concluded)
        .map_err(|e| corrupt(&e))
}

fn texts_from_rows(rows: Vec<(String, String)>) -> StaffTexts {
    let mut texts = StaffTexts::default();
    for (part, body) in rows {
        if let Some(slot) = texts.part_mut(&part) {
            *slot = body;
        }
    }
    texts
}

/// The raw rows behind one agency-year.
struct Rows {
    requests: Vec<RequestRow>,
    cases: Vec<CaseRow>,
    items: Vec<ItemRow>,
    figures: Vec<(String, String)>,
    texts: Vec<(String, String)>,
}

impl Store {
    async fn fetch_rows(
        &self,
        agency_id: i64,
        year: i32,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<Rows, StoreError> {
        {
            // Open at some point of the year: received by its end, not decided before its start.
            let requests = sql(
                "SELECT requester_kind, received_on, decided_on, outcome FROM requests \
                 WHERE agency_id = $1 AND received_on <= $2 AND decided_on IS NULL \
                 UNION ALL \
                 SELECT requester_kind, received_on, decided_on, outcome FROM requests \
                 WHERE agency_id = $1 AND decided_on >= $3 AND received_on <= $2",
            )
            .bind(agency_id)
            .bind(end)
            .bind(start)
            .all(self)
            .await?;
            let cases = sql("SELECT kind, filed_on, concluded_on, result FROM cases \
                 WHERE agency_id = $1 AND filed_on <= $2 \
                 AND (filed_on >= $3 OR (concluded_on >= $3 AND concluded_on <= $2))")
            .bind(agency_id)
            .bind(end)
            .bind(start)
            .all(self)
            .await?;
            // The year's items, and every 规章/规范性文件 up to its end (table 二 counts the stock).
            // Only those two kinds' content is read (for their validity): the year's 14,000 other
            // items' content was 38 MB copied and parsed for nothing, 0.7 s a report at 100,000.
            let documents = crate::db::documents_sql();
            let items = sql(format!(
                "SELECT c.name, i.published_on, i.kind, \
                 CASE WHEN i.kind IN {documents} THEN i.content_json END AS content_json \
                 FROM items i \
                 JOIN catalogue_categories c ON c.id = i.category_id \
                 WHERE i.agency_id = $1 AND i.published_on <= $3 \
                 AND (i.published_on >= $2 OR i.kind IN {documents})"
            ))
            .bind(agency_id)
            .bind(start)
            .bind(end)
            .all(self)
            .await?;
            let figures = sql(
                "SELECT figure, value FROM reported_figures WHERE agency_id = $1 AND year = $2",
            )
            .bind(agency_id)
            .bind(year)
            .all(self)
            .await?;
            let texts =
                sql("SELECT part, body FROM report_texts WHERE agency_id = $1 AND year = $2")
                    .bind(agency_id)
                    .bind(year)
                    .all(self)
                    .await?;
            Ok(Rows {
                requests,
                cases,
                items,
                figures,
                texts,
            })
        }
    }

    /// Loads the facts of one agency-year.
    pub async fn report_data(&self, slug: &Slug, year: i32) -> Result<ReportData, StoreError> {
        let agency = self.agency(slug).await?;
        let agency_id = self.agency_id(slug).await?;
        let (start, end) = year_bounds(year)?;
        let categories: Vec<String> = self
            .categories(slug)
            .await?
            .into_iter()
            .filter(|c| c != gongkai_core::catalogue::RULES_COLUMN)
            .collect();

        let rows = self.fetch_rows(agency_id, year, start, end).await?;
        let (request_rows, case_rows, item_rows, figure_rows, text_rows) = (
            rows.requests,
            rows.cases,
            rows.items,
            rows.figures,
            rows.texts,
        );

        let requests = request_rows
            .into_iter()
            .map(request_from_row)
            .collect::<Result<_, _>>()?;
        let cases = case_rows
            .into_iter()
            .map(case_from_row)
            .collect::<Result<_, _>>()?;
        let items = item_rows
            .into_iter()
            .map(|(category, published_on, kind, content)| {
                let kind = kind.and_then(|k| k.parse().ok());
                let validity = content.and_then(|Json(c)| c.validity);
                ItemFacts {
                    category,
                    published_on,
                    document: DocumentFacts::of(kind, validity),
                }
            })
            .collect();
        let mut table2 = Table2::unreported();
        for (key, value) in figure_rows {
            set_table2_figure(&mut table2, &key, &value)?;
        }
        let texts = texts_from_rows(text_rows);
        let supervision = self.supervision_figures(&agency.slug, year).await?;
        Ok(ReportData {
            agency,
            year,
            requests,
            cases,
            categories,
            items,
            table2,
            fees: FeeSummary::default(),
            supervision,
            texts,
        })
    }

    /// The report of one agency-year with its findings: every cross-check, with last year's report
    /// for carry-over, the agency's kind for legislative competence, and `today` for the period.
    pub async fn checked_report(
        &self,
        slug: &Slug,
        year: i32,
        today: NaiveDate,
    ) -> Result<(AnnualReport, Vec<Finding>), StoreError> {
        let data = self.report_data(slug, year).await?;
        let report = data.compute();
        let findings = self.check_in_context(&data.agency, &report, today).await?;
        Ok((report, findings))
    }

    /// The year's report as it stands before publication, with everything that keeps it from
    /// being published: the cross-checks of its figures ([`checked_report`](Self::checked_report))
    /// and the parts of its text the format requires and that are empty
    /// (`core::report::StaffTexts::missing`); with the text, read once for both.
    pub async fn draft_report(
        &self,
        slug: &Slug,
        year: i32,
        today: NaiveDate,
    ) -> Result<(AnnualReport, Vec<Finding>, StaffTexts), StoreError> {
        let data = self.report_data(slug, year).await?;
        let report = data.compute();
        let mut findings = self.check_in_context(&data.agency, &report, today).await?;
        findings.extend(data.texts.missing());
        Ok((report, findings, data.texts))
    }

    /// What the public sees of one agency-year, on the report page and in every download alike: the
    /// latest published version (with all versions, for the list of corrections), or — before
    /// publication, and only where `preview` allows it (staff) — a preview computed from the
    /// records; `None` for anyone else before publication. Nothing is computed from the records
    /// for the public: a preview of 100,000 items took 0.7 s, and a visitor asking for every year
    /// had it computed for each only to be told "尚未发布". The findings are not part of it: only
    /// the JSON file lists them ([`report_findings`](Self::report_findings)).
    pub async fn public_report(
        &self,
        slug: &Slug,
        year: i32,
        preview: bool,
    ) -> Result<Option<PublicReport>, StoreError> {
        let published = self.kept_publications(slug, year).await?;
        Ok(if !published.is_empty() {
            Some(PublicReport(Shown::Published(published)))
        } else if preview {
            Some(PublicReport(Shown::Preview(Box::new(
                self.report_data(slug, year).await?.compute(),
            ))))
        } else {
            None
        })
    }

    /// The findings of a report as [`public_report`](Self::public_report) gave it: every
    /// cross-check in its context (last year's report, the agency's kind, `today`); for a
    /// preview, also the parts of its text still empty, as the workspace lists them
    /// ([`draft_report`](Self::draft_report)) — without computing the report again.
    pub async fn report_findings(
        &self,
        slug: &Slug,
        public: &PublicReport,
        today: NaiveDate,
    ) -> Result<Vec<Finding>, StoreError> {
        let agency = self.agency(slug).await?;
        let mut findings = self
            .check_in_context(&agency, public.report(), today)
            .await?;
        if public.is_preview() {
            findings.extend(
                self.staff_texts(slug, public.report().year)
                    .await?
                    .missing(),
            );
        }
        Ok(findings)
    }

    /// Every cross-check of a report in its context: last year's report for carry-over, the
    /// agency's kind for legislative competence, and `today` for the period.
    async fn check_in_context(
        &self,
        agency: &Agency,
        report: &AnnualReport,
        today: NaiveDate,
    ) -> Result<Vec<Finding>, StoreError> {
        let previous = self.previous_report(&agency.slug, report.year - 1).await?;
        Ok(check(
            report,
            &CheckContext {
                agency_kind: Some(agency.kind),
                previous: Some(&previous),
                today: Some(today),
                fee_plausible_max: None,
            },
        ))
    }

    /// The reports of every agency below `office` (its members, their members, …), in tree order.
    pub async fn member_reports(
        &self,
        office: &Slug,
        year: i32,
        today: NaiveDate,
    ) -> Result<Vec<MemberReport>, StoreError> {
        let all = self.list_agencies().await?;
        let tree = gongkai_core::auth::Hierarchy::new(&all);
        let mut out = Vec::new();
        for agency in all
            .iter()
            .filter(|a| &a.slug != office && tree.is_within(&a.slug, office))
        {
            let data = self.report_data(&agency.slug, year).await?;
            let report = data.compute();
            let findings = self.check_in_context(agency, &report, today).await?;
            out.push(MemberReport {
                agency: agency.clone(),
                report,
                findings,
                has_texts: data.texts != StaffTexts::default(),
            });
        }
        Ok(out)
    }

    /// Only the staff-written text of a year (what copied-text checks compare), without the facts.
    pub async fn staff_texts(&self, slug: &Slug, year: i32) -> Result<StaffTexts, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<(String, String)> =
            sql("SELECT part, body FROM report_texts WHERE agency_id = $1 AND year = $2")
                .bind(agency_id)
                .bind(year)
                .all(self)
                .await?;
        Ok(texts_from_rows(rows))
    }

    /// The date by which the agency must publish its report for `year`: the date its county set,
    /// or the 条例's default for its kind (`core::report::workspace::publication_deadline`).
    pub async fn report_due_date(
        &self,
        agency: &Agency,
        year: i32,
    ) -> Result<NaiveDate, StoreError> {
        let set = self.report_deadline_for(&agency.slug).await?;
        Ok(gongkai_core::report::workspace::publication_deadline(
            agency.kind,
            year,
            set.map(|d| d.in_year(year + 1)),
        ))
    }

    /// The years for which the agency has anything to report, newest first: from the first year with
    /// a record up to the last year that has ended by `today`.
    pub async fn report_years(
        &self,
        slug: &Slug,
        today: NaiveDate,
    ) -> Result<Vec<i32>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let (first_date, first_year): (Option<NaiveDate>, Option<i32>) = {
            let items: Option<NaiveDate> =
                sql("SELECT MIN(published_on) FROM items WHERE agency_id = $1")
                    .bind(agency_id)
                    .scalar(self)
                    .await?;
            let requests: Option<NaiveDate> =
                sql("SELECT MIN(received_on) FROM requests WHERE agency_id = $1")
                    .bind(agency_id)
                    .scalar(self)
                    .await?;
            let texts: Option<i32> = sql("SELECT MIN(year) FROM report_texts WHERE agency_id = $1")
                .bind(agency_id)
                .scalar(self)
                .await?;
            (items.into_iter().chain(requests).min(), texts)
        };
        let first = first_date
            .map(|d| d.year())
            .into_iter()
            .chain(first_year)
            .min();
        let last = today.year() - 1;
        Ok(first
            .map(|f| (f..=last).rev().collect())
            .unwrap_or_default())
    }
}

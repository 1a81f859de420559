//! 人大代表建议 and 政协提案 the agency handled, and the publication of their results.

use chrono::NaiveDate;
use gongkai_core::Slug;
use gongkai_core::audit::Entry;
use gongkai_core::supervision::Proposal;

use crate::db::{By, sql};
use crate::{Store, StoreError};

#[derive(sqlx::FromRow)]
struct ProposalRow {
    id: i64,
    kind: String,
    year: i32,
    number: String,
    title: String,
    submitter: String,
    lead: bool,
    received_on: NaiveDate,
    replied_on: Option<NaiveDate>,
    result: Option<String>,
    published_on: Option<NaiveDate>,
}

impl From<ProposalRow> for Proposal {
    fn from(r: ProposalRow) -> Self {
        Self {
            id: r.id,
            kind: r.kind,
            year: r.year,
            number: r.number,
            title: r.title,
            submitter: r.submitter,
            lead: r.lead,
            received_on: Some(r.received_on),
            replied_on: r.replied_on,
            result: r.result.unwrap_or_default(),
            published_on: r.published_on,
        }
    }
}

impl Store {
    /// Saves a 人大代表建议 or 政协提案 (new when `id` is 0), checked by `Proposal::check`.
    pub async fn save_proposal(
        &self,
        slug: &Slug,
        p: &Proposal,
        by: By<'_>,
    ) -> Result<i64, StoreError> {
        let (kind, received) = p.check()?;
        let agency_id = self.agency_id(slug).await?;
        let number = p.number.trim();
        let entry = Entry::new(
            Some(slug.as_str()),
            "proposal.save",
            format!("proposal:{}-{number}", p.year),
            format!("{}：{}", kind.label(), p.title.trim()),
        );
        // A new proposal is numbered by its kind, year and number; those never change after.
        let (statement, key) = if p.id == 0 {
            (
                "INSERT INTO proposals (title, submitter, lead, received_on, replied_on, result, published_on, \
                 agency_id, kind, year, number) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                None,
            )
        } else {
            (
                "UPDATE proposals SET title = $1, submitter = $2, lead = $3, received_on = $4, replied_on = $5, \
                 result = $6, published_on = $7 WHERE agency_id = $8 AND id = $9 RETURNING id",
                Some(p.id),
            )
        };
        self.write(by, entry, async |tx| {
            let q = sql(statement)
                .bind(p.title.trim())
                .bind(p.submitter.trim())
                .bind(p.lead)
                .bind(received)
                .bind(p.replied_on)
                .bind(p.result.trim())
                .bind(p.published_on)
                .bind(agency_id);
            let q = match key {
                Some(id) => q.bind(id),
                None => q.bind(kind.key()).bind(p.year).bind(number),
            };
            q.scalar_opt(&mut *tx)
                .await
                .map_err(|e| {
                    StoreError::conflict_as(e, || {
                        format!("{}年{}“{number}”已经登记过。", p.year, kind.label())
                    })
                })?
                .ok_or_else(|| StoreError::NotFound(format!("建议提案 {}", p.id)))
        })
        .await
    }

    /// The agency's suggestions and proposals, newest year first.
    pub async fn proposals(&self, slug: &Slug) -> Result<Vec<Proposal>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<ProposalRow> = sql(
            "SELECT id, kind, year, number, title, submitter, lead, received_on, replied_on, result, published_on \
             FROM proposals WHERE agency_id = $1 ORDER BY year DESC, kind, number",
        )
        .bind(agency_id)
        .all(self)
        .await?;
        Ok(rows.into_iter().map(Proposal::from).collect())
    }
}

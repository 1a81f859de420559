//! 监督保障 records: enquiries and complaints with their replies ([`messages`]), public evaluations
//! ([`evaluations`]), 人大代表建议 and 政协提案 ([`proposals`]), the year's figures of them for the
//! report, and the 责任考核 ([`accountability`]). The rules are `core::supervision`'s.

use chrono::NaiveDate;
use gongkai_core::Slug;
use gongkai_core::supervision::{MessageKind, ProposalKind, Supervision};

use crate::db::sql;
use crate::{Store, StoreError};

mod accountability;
mod evaluations;
mod messages;
mod proposals;

pub use messages::Message;

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
    )
}

impl Store {
    /// The year's figures for the report: messages and evaluations received in the year,
    /// suggestions and proposals of the year's session.
    pub async fn supervision_figures(
        &self,
        slug: &Slug,
        year: i32,
    ) -> Result<Supervision, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let (from, to) = year_bounds(year);
        let messages: Vec<(String, bool)> = sql("SELECT kind, reply IS NOT NULL FROM messages \
             WHERE agency_id = $1 AND received_on >= $2 AND received_on <= $3")
        .bind(agency_id)
        .bind(from)
        .bind(to)
        .all(self)
        .await?;
        let mut s = Supervision::default();
        for (kind, replied) in messages {
            match MessageKind::from_key(&kind) {
                Some(MessageKind::Enquiry) => s.enquiries += 1,
                Some(MessageKind::Complaint) => s.complaints += 1,
                None => {}
            }
            if replied {
                s.replied += 1;
            }
        }
        let (quarters, _) = self.evaluation_results(slug, year).await?;
        for (_, q) in quarters {
            s.evaluations.count += q.count;
            s.evaluations.sum += q.sum;
            s.evaluations.satisfied += q.satisfied;
        }
        for p in self
            .proposals(slug)
            .await?
            .iter()
            .filter(|p| p.year == year)
        {
            match ProposalKind::from_key(&p.kind) {
                Some(ProposalKind::DeputySuggestion) => s.deputy_suggestions += 1,
                Some(ProposalKind::CommitteeProposal) => s.committee_proposals += 1,
                None => {}
            }
            if p.published_on.is_some() {
                s.results_published += 1;
            }
        }
        Ok(s)
    }
}

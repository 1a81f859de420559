//! Public evaluations (社会评议): a rating and a comment, of one item on the portal or of the
//! service as a whole, counted by quarter.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::audit::{Actor, Entry};
use gongkai_core::supervision::{EvaluationStats, check_evaluation, quarter};
use gongkai_core::{Slug, clock::china_date};

use super::year_bounds;
use crate::db::{By, sql};
use crate::{Store, StoreError};

/// Evaluations of a year by quarter (1–4), and the comments: (day, rating, comment, item title).
pub type EvaluationResults = (
    Vec<(u32, EvaluationStats)>,
    Vec<(NaiveDate, u8, String, Option<String>)>,
);

impl Store {
    /// Records a public evaluation (1–5 and a comment).
    pub async fn evaluate(
        &self,
        slug: &Slug,
        item_id: Option<i64>,
        rating: u8,
        comment: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        check_evaluation(rating, comment)?;
        let comment = comment.trim();
        let agency_id = self.agency_id(slug).await?;
        let public = Actor::system("公众（网站）");
        let entry = Entry::new(
            Some(slug.as_str()),
            "evaluation.add",
            item_id.map_or_else(|| format!("agency:{slug}"), |i| format!("item:{i}")),
            format!("社会评议 {rating} 星"),
        );
        self.write(By::new(&public, now), entry, async |tx| {
            if let Some(item) = item_id {
                let on_portal: Option<i64> = sql(
                    "SELECT id FROM items WHERE id = $1 AND agency_id = $2 AND withdrawn_on IS NULL",
                )
                .bind(item)
                .bind(agency_id)
                .scalar_opt(&mut *tx)
                .await?;
                if on_portal.is_none() {
                    return Err(StoreError::NotFound(format!("信息 {item}")));
                }
            }
            sql("INSERT INTO evaluations (agency_id, item_id, rating, comment, rated_on, created_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(agency_id)
            .bind(item_id)
            .bind(i32::from(rating))
            .bind(comment)
            .bind(china_date(now))
            .bind(now.timestamp_millis())
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
        .await
    }

    /// Evaluations of `year` by quarter (1–4), with the comments (newest first, item title if any).
    pub async fn evaluation_results(
        &self,
        slug: &Slug,
        year: i32,
    ) -> Result<EvaluationResults, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let (from, to) = year_bounds(year);
        let rows: Vec<(NaiveDate, i32, String, Option<String>)> = sql(
            "SELECT e.rated_on, e.rating, e.comment, i.title FROM evaluations e \
             LEFT JOIN items i ON i.id = e.item_id \
             WHERE e.agency_id = $1 AND e.rated_on >= $2 AND e.rated_on <= $3 \
             ORDER BY e.created_ms DESC, e.id DESC",
        )
        .bind(agency_id)
        .bind(from)
        .bind(to)
        .all(self)
        .await?;
        let mut quarters: Vec<(u32, EvaluationStats)> =
            (1..=4).map(|q| (q, EvaluationStats::default())).collect();
        let mut comments = Vec::new();
        for (on, rating, comment, title) in rows {
            let rating = u8::try_from(rating).unwrap_or(1);
            if let Some((_, s)) = quarters.iter_mut().find(|(n, _)| *n == quarter(on)) {
                s.add(rating);
            }
            if !comment.is_empty() {
                comments.push((on, rating, comment, title));
            }
        }
        Ok((quarters, comments))
    }
}

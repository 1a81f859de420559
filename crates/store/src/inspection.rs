//! The facts an inspection looks at (`core::inspection`), read for one agency.

use chrono::{Datelike, NaiveDate};
use gongkai_core::Slug;
use gongkai_core::inspection::{ColumnState, Document, Facts, Warning, inspect};
use gongkai_core::item::{ItemContent, Validity};

use crate::db::{Json, sql};
use crate::{Store, StoreError};

#[derive(sqlx::FromRow)]
struct ColumnRow {
    name: String,
    parent_name: Option<String>,
    not_involved: bool,
    items: i64,
    last_published: Option<NaiveDate>,
}

impl Store {
    /// What an inspection of the agency's portal would mark on `today`, most serious first.
    pub async fn inspection(
        &self,
        slug: &Slug,
        today: NaiveDate,
    ) -> Result<Vec<Warning>, StoreError> {
        let agency = self.agency(slug).await?;
        let agency_id = self.agency_id(slug).await?;
        let columns: Vec<ColumnRow> = sql(
            "SELECT c.name, c.parent_name, c.not_involved, COUNT(i.id) AS items, \
             MAX(i.published_on) AS last_published FROM catalogue_categories c \
             LEFT JOIN items i ON i.category_id = c.id AND i.withdrawn_on IS NULL \
             WHERE c.agency_id = $1 GROUP BY c.id, c.name, c.parent_name, c.not_involved, c.position \
             ORDER BY c.position, c.id",
        )
        .bind(agency_id)
        .all(self)
        .await?;
        let columns: Vec<ColumnState> = columns
            .into_iter()
            .map(|c| ColumnState {
                name: c.name,
                parent: c.parent_name,
                items: c.items,
                last_published: c.last_published,
                not_involved: c.not_involved,
            })
            .collect();
        let rows: Vec<(i64, String, Option<Json<ItemContent>>, bool)> = sql(format!(
            "SELECT i.id, i.title, i.content_json, EXISTS (SELECT 1 FROM items x \
             WHERE x.interprets_id = i.id AND x.withdrawn_on IS NULL) AS interpreted \
             FROM items i WHERE i.agency_id = $1 AND i.withdrawn_on IS NULL \
             AND i.kind IN {} ORDER BY i.id",
            crate::db::documents_sql()
        ))
        .bind(agency_id)
        .all(self)
        .await?;
        let documents: Vec<Document> = rows
            .into_iter()
            .map(|(id, title, content, interpreted)| {
                let content = content.map(|Json(c)| c);
                Document {
                    id,
                    title,
                    written_on: content.as_ref().and_then(|c| c.written_on),
                    in_force: content
                        .as_ref()
                        .is_none_or(|c| matches!(c.validity, None | Some(Validity::Valid))),
                    interpreted,
                }
            })
            .collect();
        let year = today.year() - 1;
        let due = self.report_due_date(&agency, year).await?;
        let published = !self.publications(slug, year).await?.is_empty();
        let guide_confirmed = !self.guide_versions(slug).await?.is_empty();
        Ok(inspect(&Facts {
            today,
            columns: &columns,
            report: Some((year, due, published)),
            guide_confirmed,
            documents: &documents,
        }))
    }
}

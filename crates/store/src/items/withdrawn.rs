//! What the portal says of an item taken off it: the notice its address answers with instead of
//! the page (its title, the day it was withdrawn, and the reason if the reason is public).

use chrono::NaiveDate;
use gongkai_core::Slug;

use crate::db::sql;
use crate::{Store, StoreError};

/// A withdrawn item as its notice shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WithdrawnItem {
    /// Title.
    pub title: String,
    /// 撤回日期.
    pub withdrawn_on: NaiveDate,
    /// The reason, when the person who withdrew it made it public.
    pub reason: Option<String>,
}

impl Store {
    /// The notice of the agency's item `id` if it was withdrawn (`None`: on the portal, or never
    /// the agency's).
    pub async fn withdrawn_item(
        &self,
        slug: &Slug,
        id: i64,
    ) -> Result<Option<WithdrawnItem>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        sql(
            "SELECT title, withdrawn_on, withdrawn_reason AS reason FROM items \
             WHERE id = $1 AND agency_id = $2 AND withdrawn_on IS NOT NULL",
        )
        .bind(id)
        .bind(agency_id)
        .optional(self)
        .await
    }
}

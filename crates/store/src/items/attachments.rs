//! A draft's attachments: added and removed only while it is being written (the rules are
//! `core::item::ReviewState`'s); the portal shows those of the published item.

use gongkai_core::Slug;
use gongkai_core::audit::Entry;

use super::drafts::lock_draft;
use crate::db::{By, FileTable, Upload, sql};
use crate::{Store, StoreError};

/// An attachment as lists show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentInfo {
    /// Row id.
    pub id: i64,
    /// File name.
    pub name: String,
    /// Content type.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// Added to a correction not yet approved: not on the portal yet (files of other kinds are
    /// never pending).
    #[sqlx(default)]
    pub pending: bool,
}

impl Store {
    /// Removes an attachment from a draft that is being written and has never been published.
    pub async fn remove_attachment(
        &self,
        slug: &Slug,
        draft: i64,
        attachment: i64,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = Entry::new(
            Some(slug.as_str()),
            "item.detach",
            format!("item-draft:{draft}"),
            format!("删除附件 {attachment}"),
        );
        self.write(by, entry, async |tx| {
            let (state, item) = lock_draft(tx, draft, agency_id).await?;
            let pending: Option<bool> =
                sql("SELECT pending FROM item_attachments WHERE id = $1 AND draft_id = $2")
                    .bind(attachment)
                    .bind(draft)
                    .scalar_opt(&mut *tx)
                    .await?;
            let Some(pending) = pending else {
                return Err(StoreError::NotFound(format!("附件 {attachment}")));
            };
            state.may_remove_attachment(item.is_some() && !pending)?;
            sql("DELETE FROM item_attachments WHERE id = $1 AND draft_id = $2")
                .bind(attachment)
                .bind(draft)
                .execute(&mut *tx)
                .await?;
            Ok(())
        })
        .await
    }

    /// Adds an attachment to a draft while it is being written; one added to a correction stays
    /// off the portal until the correction's 终审.
    pub async fn add_attachment(
        &self,
        slug: &Slug,
        draft: i64,
        file: Upload<'_>,
        by: By<'_>,
    ) -> Result<i64, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let target = format!("item-draft:{draft}");
        self.upload(
            slug,
            FileTable::ItemAttachments,
            target,
            file,
            by,
            async |tx| {
                let (state, _) = lock_draft(tx, draft, agency_id).await?;
                state.may_attach()?;
                Ok(draft)
            },
        )
        .await
    }

    /// A draft's attachments.
    pub async fn attachments(
        &self,
        slug: &Slug,
        draft: i64,
    ) -> Result<Vec<AttachmentInfo>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        sql("SELECT a.id, a.name, a.content_type, a.size, a.pending FROM item_attachments a \
             JOIN item_drafts d ON d.id = a.draft_id WHERE d.id = $1 AND d.agency_id = $2 ORDER BY a.id")
        .bind(draft)
        .bind(agency_id)
        .all(self)
        .await
    }

    /// The attachments of a published item (for its portal page).
    pub async fn item_attachments(
        &self,
        slug: &Slug,
        item_id: i64,
    ) -> Result<Vec<AttachmentInfo>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        sql(
            "SELECT a.id, a.name, a.content_type, a.size, a.pending FROM item_attachments a \
             JOIN item_drafts d ON d.id = a.draft_id JOIN items i ON i.id = d.item_id \
             WHERE i.id = $1 AND i.agency_id = $2 AND i.withdrawn_on IS NULL AND NOT a.pending ORDER BY a.id",
        )
        .bind(item_id)
        .bind(agency_id)
        .all(self)
        .await
    }

    /// One attachment's bytes: of a published item when `item_id` is given (the portal), else of
    /// a draft (`draft` given; staff).
    pub async fn attachment_bytes(
        &self,
        slug: &Slug,
        item_id: Option<i64>,
        draft: Option<i64>,
        id: i64,
    ) -> Result<Option<(String, String, Vec<u8>)>, StoreError> {
        let holder = match (item_id, draft) {
            (Some(item), _) => Holder::Item(item),
            (None, draft) => Holder::Draft(draft.unwrap_or(-1)),
        };
        self.attachment_of(slug, id, holder).await
    }

    /// An attachment of one of the agency's items by its id alone, as a body shows its pictures
    /// (one address before and after publication): only if its item is on the portal, unless
    /// `drafts` (staff who may read the agency, while writing).
    pub async fn picture(
        &self,
        slug: &Slug,
        id: i64,
        drafts: bool,
    ) -> Result<Option<(String, String, Vec<u8>)>, StoreError> {
        let holder = if drafts {
            Holder::AnyDraft
        } else {
            Holder::AnyPublished
        };
        self.attachment_of(slug, id, holder).await
    }

    async fn attachment_of(
        &self,
        slug: &Slug,
        id: i64,
        holder: Holder,
    ) -> Result<Option<(String, String, Vec<u8>)>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let (mode, of) = match holder {
            Holder::Draft(d) => (0, d),
            Holder::Item(i) => (1, i),
            Holder::AnyPublished => (2, -1),
            Holder::AnyDraft => (3, -1),
        };
        sql(
            "SELECT a.name, a.content_type, a.bytes FROM item_attachments a \
             JOIN item_drafts d ON d.id = a.draft_id LEFT JOIN items i ON i.id = d.item_id \
             WHERE a.id = $1 AND d.agency_id = $2 AND ($3 = 3 OR ($3 = 0 AND d.id = $4) \
             OR ($3 IN (1, 2) AND i.id IS NOT NULL AND i.withdrawn_on IS NULL AND NOT a.pending \
             AND ($3 = 2 OR i.id = $4)))",
        )
        .bind(id)
        .bind(agency_id)
        .bind(mode)
        .bind(of)
        .optional(self)
        .await
    }
}

/// Whose attachment may be read.
#[derive(Debug, Clone, Copy)]
enum Holder {
    /// This draft's (staff).
    Draft(i64),
    /// This published item's (the portal).
    Item(i64),
    /// Any published item's of the agency (a picture in a body, for the public).
    AnyPublished,
    /// Any draft's of the agency (a picture in a body, for its staff).
    AnyDraft,
}

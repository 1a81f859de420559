//! Files provided with a reply: the case officer uploads them while the request is open
//! (`core::workflow::RequestState::may_change_reply_files`), the decision letter lists them
//! (`core::letter::Letter::list_files`, in the decision's transaction), and the requester
//! downloads them from the tracking page once the reply is given.

use gongkai_core::Slug;
use gongkai_core::audit::Entry;
use gongkai_core::workflow::RequestState;

use crate::db::{By, FileTable, Json, Tx, Upload, sql};
use crate::items::AttachmentInfo;
use crate::{Store, StoreError};

/// Locks the request's row and reads its state (on PostgreSQL the touch takes the row lock, so a
/// file change and a decision on one request queue).
pub(super) async fn lock_request(
    tx: &mut Tx,
    agency_id: i64,
    code: &str,
) -> Result<(i64, RequestState), StoreError> {
    let row: Option<(i64, Json<RequestState>)> = sql(
        "UPDATE requests SET status = status WHERE agency_id = $1 AND tracking_code = $2 \
         RETURNING id, state_json",
    )
    .bind(agency_id)
    .bind(code)
    .optional(&mut *tx)
    .await?;
    let (id, Json(state)) =
        row.ok_or_else(|| StoreError::NotFound(format!("查询码为“{code}”的申请")))?;
    Ok((id, state))
}

/// The names of the files to go with a request's reply, in upload order (for its letter).
pub(crate) async fn reply_file_names(
    tx: &mut Tx,
    request_id: i64,
) -> Result<Vec<String>, StoreError> {
    sql("SELECT name FROM request_files WHERE request_id = $1 ORDER BY id")
        .bind(request_id)
        .all(&mut *tx)
        .await
        .map(|rows: Vec<(String,)>| rows.into_iter().map(|(n,)| n).collect())
}

impl Store {
    /// Adds a file to go with the reply, while the request is not yet answered.
    pub async fn add_reply_file(
        &self,
        slug: &Slug,
        code: &str,
        file: Upload<'_>,
        by: By<'_>,
    ) -> Result<i64, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let target = format!("request:{code}");
        self.upload(slug, FileTable::ReplyFiles, target, file, by, async |tx| {
            let (id, state) = lock_request(tx, agency_id, code).await?;
            state.may_change_reply_files()?;
            Ok(id)
        })
        .await
    }

    /// Removes a file from the reply, while the request is not yet answered.
    pub async fn remove_reply_file(
        &self,
        slug: &Slug,
        code: &str,
        file: i64,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = Entry::new(
            Some(slug.as_str()),
            "request.file_remove",
            format!("request:{code}"),
            format!("删除随答复提供的文件 {file}"),
        );
        self.write(by, entry, async |tx| {
            let (id, state) = lock_request(tx, agency_id, code).await?;
            state.may_change_reply_files()?;
            let done = sql("DELETE FROM request_files WHERE id = $1 AND request_id = $2")
                .bind(file)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if done == 0 {
                return Err(StoreError::NotFound(format!("文件 {file}")));
            }
            Ok(())
        })
        .await
    }

    /// The files of a request's reply, in upload order.
    pub async fn reply_files(
        &self,
        slug: &Slug,
        code: &str,
    ) -> Result<Vec<AttachmentInfo>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        sql(
            "SELECT f.id, f.name, f.content_type, f.size FROM request_files f \
             JOIN requests r ON r.id = f.request_id \
             WHERE r.agency_id = $1 AND r.tracking_code = $2 ORDER BY f.id",
        )
        .bind(agency_id)
        .bind(code)
        .all(self)
        .await
    }

    /// One file of a request's reply: name, content type and bytes.
    pub async fn reply_file_bytes(
        &self,
        slug: &Slug,
        code: &str,
        file: i64,
    ) -> Result<Option<(String, String, Vec<u8>)>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        sql(
            "SELECT f.name, f.content_type, f.bytes FROM request_files f \
             JOIN requests r ON r.id = f.request_id \
             WHERE f.id = $1 AND r.agency_id = $2 AND r.tracking_code = $3",
        )
        .bind(file)
        .bind(agency_id)
        .bind(code)
        .optional(self)
        .await
    }
}

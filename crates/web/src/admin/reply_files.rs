//! Files provided with a reply (the information disclosed): the case officer uploads them on the
//! request's page before recording the decision; the decision letter lists them and the requester
//! downloads them from the tracking page. Whether they may still change is core's rule
//! (`RequestState::may_change_reply_files`), asked by the store.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;

use super::back_to;
use crate::AppState;
use crate::error::AppError;
use crate::extract::{AgencyScope, CaseOfficer, ReplyFilePath, RequestPath};

/// Uploads a file to go with the reply (multipart; the CSRF token rides in the query).
pub async fn upload(
    State(state): State<AppState>,
    scope: AgencyScope<CaseOfficer>,
    Path(RequestPath { code }): Path<RequestPath>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let file = super::uploaded_file(multipart, "文件").await?;
    let by = scope.by(&state);
    state
        .store
        .add_reply_file(&scope.agency.slug, &code, file.upload(), by)
        .await?;
    Ok(back_to(
        &scope.agency,
        &format!("/requests/{code}?notice=file_added#files-h"),
    ))
}

/// Removes a file from the reply before it is given.
pub async fn remove(
    State(state): State<AppState>,
    scope: AgencyScope<CaseOfficer>,
    Path(ReplyFilePath { code, reply: file }): Path<ReplyFilePath>,
) -> Result<Response, AppError> {
    state
        .store
        .remove_reply_file(&scope.agency.slug, &code, file, scope.by(&state))
        .await?;
    Ok(back_to(
        &scope.agency,
        &format!("/requests/{code}?notice=file_removed#files-h"),
    ))
}

/// A file of the reply, for staff who can read the agency.
pub async fn download(
    State(state): State<AppState>,
    scope: AgencyScope,
    Path(ReplyFilePath { code, reply: file }): Path<ReplyFilePath>,
) -> Result<Response, AppError> {
    let (name, content_type, bytes) = state
        .store
        .reply_file_bytes(&scope.agency.slug, &code, file)
        .await?
        .ok_or_else(|| AppError::NotFound("没有这个文件。".into()))?;
    Ok(crate::views::download(&name, &content_type, bytes))
}

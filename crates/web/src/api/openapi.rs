//! The OpenAPI document of the whole API, from the handlers' annotations.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;

use super::Problem;
use super::agencies::{self, AgencyBody};
use super::items::{self, ItemBody, ItemPage};
use super::reports::{self, ReportEntry};
use super::requests::{self, NewRequestBody, RegisteredBody};
use crate::error::AppError;

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "gongkai API",
        description = "政府信息公开平台接口：机关、主动公开目录和信息、年度报告（只读），以及依申请公开的网上申请。日期均为中国日期（YYYY-MM-DD）。"
    ),
    paths(
        requests::create_request,
        agencies::agencies,
        agencies::categories,
        items::items,
        items::item,
        reports::reports
    ),
    components(schemas(
        NewRequestBody,
        RegisteredBody,
        Problem,
        AgencyBody,
        ItemBody,
        ItemPage,
        ReportEntry
    ))
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn openapi() -> Response {
    match ApiDoc::openapi().to_pretty_json() {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => AppError::Internal(e.into()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_openapi_document_is_what_was_reviewed() {
        let doc = super::ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_default();
        insta::assert_snapshot!(doc);
    }

    use utoipa::OpenApi as _;
}

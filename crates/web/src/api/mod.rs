//! The JSON API (`/api/v1/…`) and its OpenAPI document, generated from the handlers' annotations
//! (utoipa) so the document cannot drift from the code. Errors are `application/problem+json`
//! (RFC 9457) with Chinese `title`/`detail` for the people who read them and stable field keys for
//! programs. One file per resource; [`openapi`] gathers them.

pub mod agencies;
pub mod items;
pub mod openapi;
pub mod reports;
pub mod requests;

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::extract::{path_param, public_agency};
use crate::{Access, Routes};

/// The API's routes: reads go through the page cache; the one write (a request) needs no session.
pub(crate) fn routes(r: Routes) -> Routes {
    use Access::Public;
    r.post("/api/v1/requests", Public, requests::create_request)
        .get("/api/openapi.json", Public, openapi::openapi)
        .page("/api/v1/agencies", agencies::agencies)
        .page("/api/v1/agencies/{slug}/categories", agencies::categories)
        .page("/api/v1/agencies/{slug}/items", items::items)
        .page("/api/v1/agencies/{slug}/items/{item}", items::item)
        .page("/api/v1/agencies/{slug}/reports", reports::reports)
}

/// An error (RFC 9457).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// What to do.
    pub detail: String,
    /// Per field: what is wrong (for 422).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub errors: std::collections::BTreeMap<String, String>,
}

/// A problem document of a kind, with no field messages.
pub(crate) fn problem(status: StatusCode, kind: &str, title: &str, detail: String) -> Problem {
    Problem {
        kind: format!("https://gongkai.invalid/problems/{kind}"),
        title: title.to_owned(),
        status: status.as_u16(),
        detail,
        errors: std::collections::BTreeMap::new(),
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            serde_json::to_string(&self).unwrap_or_default(),
        )
            .into_response()
    }
}

/// Whether `path` is the API's: its answers are JSON, its refusals problem documents.
pub(crate) fn owns(path: &str) -> bool {
    path.starts_with("/api/")
}

/// The problem document of an address no route of the API has (the router's fallback).
pub(crate) fn no_such_address() -> Problem {
    problem(
        StatusCode::NOT_FOUND,
        "not-found",
        "不存在",
        "没有这个接口地址；可用的接口见 /api/openapi.json。".to_owned(),
    )
}

/// An [`AppError`] as a problem document, with the status and Chinese words of the HTML page's
/// answer; a fault is logged and answered without its cause.
pub(crate) fn app_problem(e: AppError) -> Problem {
    match e {
        AppError::NotFound(what) => problem(
            StatusCode::NOT_FOUND,
            "not-found",
            "不存在",
            format!("{what}请检查机关标识（agency）和编号。"),
        ),
        AppError::NotHere { what, .. } => {
            problem(StatusCode::NOT_FOUND, "not-found", "不存在", what)
        }
        AppError::Forbidden(why) => {
            problem(StatusCode::FORBIDDEN, "forbidden", "无权进行此操作", why)
        }
        AppError::TooManyRequests(why) => problem(
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-requests",
            "提交次数过多",
            why,
        ),
        AppError::Unprocessable(why) => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable",
            "内容需要修改",
            format!("{why}（未做任何更改）"),
        ),
        AppError::Conflict(why) => problem(StatusCode::CONFLICT, "conflict", "操作未能完成", why),
        AppError::TooLarge => problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "请求体过大",
            "请求体超过了允许的大小，未做任何更改。".into(),
        ),
        AppError::Refused(status) => {
            let (title, detail) = crate::error::refusal_text(status);
            let detail = if status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
                "接口只接受 JSON：请求头应为 Content-Type: application/json，字段见 /api/openapi.json。"
            } else {
                detail
            };
            problem(status, "bad-request", title, detail.to_owned())
        }
        AppError::BadAddress => problem(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "请求参数无法识别",
            "网址中的路径或查询参数不正确（例如 page 应为正整数），字段见 /api/openapi.json。"
                .into(),
        ),
        AppError::Internal(e) => {
            tracing::error!(error = ?e, "API request failed");
            problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "服务器内部错误",
                "系统暂时无法处理，未做任何更改。请稍后重试；如仍失败，请联系网站管理员。".into(),
            )
        }
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        app_problem(e)
    }
}

impl From<gongkai_store::StoreError> for Problem {
    fn from(e: gongkai_store::StoreError) -> Self {
        app_problem(e.into())
    }
}

/// The agency of an API route's `{slug}`, or the problem document saying there is none.
pub struct ApiAgency(pub gongkai_core::Agency);

impl axum::extract::FromRequestParts<crate::AppState> for ApiAgency {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::AppState,
    ) -> Result<Self, Problem> {
        let slug = path_param(parts, state, "slug").await.unwrap_or_default();
        Ok(Self(public_agency(state, &slug).await?))
    }
}

/// The `{slug}` of an agency's routes as the OpenAPI document describes it (handlers take it
/// through [`ApiAgency`]).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AgencySlug {
    /// 机关简称
    #[allow(dead_code)]
    slug: String,
}

/// The answer of an agency's routes when `{slug}` names no public agency.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 404,
    description = "没有这个机关",
    content_type = "application/problem+json"
)]
#[allow(dead_code)]
pub struct NoSuchAgency(Problem);

/// What a read handler answers: JSON, or a problem document.
type ApiResult<T> = Result<Json<T>, Problem>;

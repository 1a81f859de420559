//! Errors a handler returns, each with its status and the Chinese page a visitor sees. Internal
//! causes are logged once, here, and never sent to the client.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use gongkai_store::StoreError;

use crate::views;

/// What went wrong in a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 404 — the page does not exist, or is not visible to the visitor; the text says what was
    /// looked for.
    #[error("not found: {0}")]
    NotFound(String),
    /// 403 — visible, but the visitor may not do this; the text says why.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// 429 — too many attempts; the text says when to try again.
    #[error("too many requests: {0}")]
    TooManyRequests(String),
    /// 422 — the input cannot be used; the text says what to correct. Nothing was changed.
    #[error("unprocessable: {0}")]
    Unprocessable(String),
    /// 409 — the thing changed or is taken (a name in use, a step someone else took first); the
    /// text says what.
    #[error("conflict: {0}")]
    Conflict(String),
    /// 413 — the form is larger than any form here.
    #[error("request too large")]
    TooLarge,
    /// 500 — logged with its cause chain; the visitor sees a generic page.
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

/// The one mapping from the store's errors to answers: the user's mistakes are 4xx with their
/// message, never 500.
impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::NotFound(format!("{what}。")),
            StoreError::Rejected(r) => Self::Unprocessable(r.message),
            StoreError::Conflict(why) => Self::Conflict(why),
            other => Self::Internal(other.into()),
        }
    }
}

impl From<gongkai_core::Rejection> for AppError {
    fn from(r: gongkai_core::Rejection) -> Self {
        Self::Unprocessable(r.message)
    }
}

/// A message that ends as a sentence, so the page's next sentence reads after it.
fn sentence(text: &str) -> String {
    let t = text.trim_end();
    if t.ends_with(['。', '！', '？', '）', '”', '.']) {
        t.to_owned()
    } else {
        format!("{t}。")
    }
}

/// A year that names no report is a page that does not exist.
impl From<gongkai_core::report::year::YearError> for AppError {
    fn from(e: gongkai_core::report::year::YearError) -> Self {
        Self::NotFound(e.to_string())
    }
}

impl From<gongkai_core::auth::Forbidden> for AppError {
    fn from(f: gongkai_core::auth::Forbidden) -> Self {
        Self::Forbidden(f.0)
    }
}

impl From<minijinja::Error> for AppError {
    fn from(e: minijinja::Error) -> Self {
        Self::Internal(e.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self {
            Self::NotFound(what) => (
                StatusCode::NOT_FOUND,
                "页面不存在",
                format!("{what}请检查网址，或从首页重新进入。"),
            ),
            Self::Forbidden(why) => (StatusCode::FORBIDDEN, "无权进行此操作", why),
            Self::TooManyRequests(why) => (StatusCode::TOO_MANY_REQUESTS, "尝试次数过多", why),
            Self::Unprocessable(why) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "内容需要修改",
                format!(
                    "{}未做任何更改，请返回上一页修改后重新提交。",
                    sentence(&why)
                ),
            ),
            Self::Conflict(why) => (
                StatusCode::CONFLICT,
                "操作未能完成",
                format!("{}未做任何更改，请刷新页面后再试。", sentence(&why)),
            ),
            Self::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "提交的内容过大",
                "提交的内容超过了允许的大小，未做任何更改。".to_owned(),
            ),
            Self::Internal(e) => {
                tracing::error!(error = ?e, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "系统暂时无法处理",
                    "系统暂时无法处理您的请求，请稍后再试。如果问题持续，请联系网站管理员。"
                        .to_owned(),
                )
            }
        };
        let body = views::render("layout/error.html", minijinja::context! { title, message })
            .unwrap_or_else(|_| format!("<!DOCTYPE html><title>{title}</title><p>{title}</p>"));
        (status, Html(body)).into_response()
    }
}

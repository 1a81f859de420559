//! Errors a handler returns, each with its status and the Chinese page a visitor sees. Internal
//! causes are logged once, here, and never sent to the client.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use gongkai_store::StoreError;

use crate::views;

/// What went wrong in a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 404 — the page does not exist; the text says what was looked for.
    #[error("not found: {0}")]
    NotFound(String),
    /// 500 — logged with its cause chain; the visitor sees a generic page.
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::NotFound(format!("{what}。")),
            other => Self::Internal(other.into()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            Self::NotFound(what) => (
                StatusCode::NOT_FOUND,
                "页面不存在",
                format!("{what}请检查网址，或从首页重新进入。"),
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
        let body = views::render("error.html", minijinja::context! { title, message })
            .unwrap_or_else(|_| format!("<!DOCTYPE html><title>{title}</title><p>{title}</p>"));
        (status, Html(body)).into_response()
    }
}

//! The large-text, high-contrast reading mode for older readers (适老化). A visitor turns it on or
//! off with a link (no script needed); the choice is a cookie, and every HTML page of the portal
//! is then rendered with `class="large-text"` on its `<body>`, which the stylesheet enlarges and
//! darkens.

use axum::extract::{Query, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

const COOKIE: &str = "gongkai_display";

/// `?mode=large|normal&back=/path`.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct DisplayQuery {
    mode: String,
    back: String,
}

/// Switches the reading mode and returns to the page the visitor came from (`back`, else the
/// path of the referring page).
pub async fn switch(Query(q): Query<DisplayQuery>, headers: axum::http::HeaderMap) -> Response {
    let referer_path = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
        .unwrap_or_default();
    let wanted = if q.back.is_empty() {
        referer_path.as_str()
    } else {
        q.back.as_str()
    };
    // Only a path on this site: never an address elsewhere (`//host`, `https:`).
    let back = if wanted.starts_with('/') && !wanted.starts_with("//") && !wanted.contains('\\') {
        wanted
    } else {
        "/"
    };
    let cookie = if q.mode == "large" {
        format!("{COOKIE}=large; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly")
    } else {
        format!("{COOKIE}=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly")
    };
    let mut response = Redirect::to(back).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// Whether the visitor chose the large-text mode (the page cache keeps the two modes apart).
pub(crate) fn wants_large(headers: &axum::http::HeaderMap) -> bool {
    crate::session::cookie_value(headers, COOKIE) == Some("large")
}

tokio::task_local! {
    /// Whether the request being answered asked for the large-text mode; [`crate::views::render`]
    /// passes it to every template, so no page is rewritten after rendering.
    pub static LARGE_TEXT: bool;
}

/// Answers the request with the visitor's reading mode known to the templates.
pub async fn apply(req: Request, next: Next) -> Response {
    let large = wants_large(req.headers());
    LARGE_TEXT.scope(large, next.run(req)).await
}

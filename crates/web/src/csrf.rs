//! CSRF protection for every form. A request that changes anything (any method but GET/HEAD) must
//! carry a `csrf` form field (or `X-CSRF-Token` header) equal to the session's token — or, for a
//! visitor without a session (the sign-in form), to the `gongkai_csrf` cookie. Otherwise: 403, and
//! the handler never runs, so nothing changes.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gongkai_core::auth::secrets_equal;

use crate::error::AppError;
use crate::session::Visitor;

/// Largest request body read: forms are small; an uploaded report (DOCX with pictures) may not be.
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// The middleware.
pub async fn verify(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    // The JSON API uses no cookies, and a browser cannot send `application/json` to another
    // origin without a CORS preflight, which this server never grants: nothing to forge.
    let json = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim() == "application/json")
        });
    if json && req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let visitor = req
        .extensions()
        .get::<Visitor>()
        .cloned()
        .unwrap_or_default();
    let expected = visitor
        .session
        .as_ref()
        .map(|s| s.csrf.clone())
        .or(visitor.csrf_cookie);
    let header_token = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // Multipart forms (uploads) carry the token in the action URL's query.
    let query_token = req
        .uri()
        .query()
        .and_then(|q| form_field(q.as_bytes(), "csrf"));
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return AppError::TooLarge.into_response();
    };
    let form_token = form_field(&bytes, "csrf");
    let presented = header_token.or(query_token).or(form_token);
    match (expected, presented) {
        (Some(e), Some(p)) if secrets_equal(&e, &p) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => AppError::Forbidden(
            "表单已过期或来源无法确认，未做任何更改。请返回上一页，刷新后重新提交。".to_owned(),
        )
        .into_response(),
    }
}

/// The first value of a field in an `application/x-www-form-urlencoded` body.
fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_found_among_other_fields() {
        assert_eq!(
            form_field(b"a=1&csrf=ab12&b=%E4%B8%AD", "csrf").as_deref(),
            Some("ab12")
        );
        assert_eq!(
            form_field(b"name=%E4%B8%AD+x", "name").as_deref(),
            Some("中 x")
        );
        assert_eq!(form_field(b"", "csrf"), None);
    }
}

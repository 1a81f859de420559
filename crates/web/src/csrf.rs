//! CSRF protection for every form. A request that changes anything (any method but GET/HEAD) must
//! carry a `csrf` form field (or `X-CSRF-Token` header) equal to the session's token — or, for a
//! visitor without a session (the sign-in form), to the `gongkai_csrf` cookie. Otherwise: 403, and
//! the handler never runs, so nothing changes. The field is read from URL-encoded and from
//! multipart bodies alike, so no form puts its token in a URL (where logs and the `Referer` keep
//! it).
//!
//! The API under `/api/` takes JSON only: anything else is 415 before its body is read. A method
//! no route here takes (the router registers GET and POST only) is the router's 405, with the
//! methods that address takes in `Allow`.

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
    // Only a POST can change anything: `Routes` registers GET and POST and nothing else. Any
    // other method is the router's to answer, a 405 with the route's own `Allow` (asked for a
    // token first, a PUT was refused 403 as if a form had expired).
    if *req.method() != Method::POST {
        return next.run(req).await;
    }
    // A body declared past the limit is refused before it is waited for: read, it held a
    // connection until the body timeout and was then answered 408, not 413.
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let api = crate::api::owns(req.uri().path());
    if declared.is_some_and(|n| n > u64::try_from(BODY_LIMIT).unwrap_or(u64::MAX)) {
        return AppError::TooLarge.answered(api);
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
    if api {
        if json {
            return next.run(req).await;
        }
        return AppError::Refused(axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE).answered(true);
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
    let boundary = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| multer::parse_boundary(ct).ok());
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(e) => return body_error(&e),
    };
    let presented = match (header_token, boundary) {
        (Some(t), _) => Some(t),
        (None, Some(b)) => multipart_field(bytes.clone(), b, "csrf").await,
        (None, None) => form_field(&bytes, "csrf"),
    };
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

/// A body that could not be read: past the limit (413), or cut off or too slow (400/408).
fn body_error(e: &axum::Error) -> Response {
    let mut too_large = false;
    let mut too_slow = false;
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        too_large |= c.is::<http_body_util::LengthLimitError>();
        too_slow |= c.is::<tower_http::timeout::TimeoutError>();
        cause = c.source();
    }
    if too_large {
        AppError::TooLarge.into_response()
    } else if too_slow {
        AppError::refused(axum::http::StatusCode::REQUEST_TIMEOUT, &e.to_string()).into_response()
    } else {
        AppError::refused(axum::http::StatusCode::BAD_REQUEST, &e.to_string()).into_response()
    }
}

/// The first value of a text field in a `multipart/form-data` body, if the body reads as one up
/// to that field.
async fn multipart_field(bytes: axum::body::Bytes, boundary: String, name: &str) -> Option<String> {
    let stream = Body::from(bytes).into_data_stream();
    let mut parts = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = parts.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
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

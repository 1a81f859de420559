//! Errors a handler returns, each with its status and the Chinese page a visitor sees. Internal
//! causes are logged once, here, and never sent to the client.
//!
//! What axum answers by itself — an extractor's refusal (a duplicate form field, a wrong content
//! type, a number out of range in the path or query, a truncated upload), a method a route does
//! not take, a body past the limit — is plain English text or an empty body. [`Voice::answer`]
//! stands around the whole router and turns every such answer into the same Chinese error page
//! (or, under `/api/`, a problem document in Chinese), keeping the status and logging the
//! original text for the operator.

use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{StatusCode, header};
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
    /// 404 with the ways on: links to what does exist nearby (a list's first and last page, the
    /// report years published and the column of earlier reports) and, for a search, its words
    /// kept in the box. A visitor who followed an old link or typed an address had only
    /// "返回首页".
    #[error("not found: {what}")]
    NotHere {
        /// What was asked for, and what there is instead.
        what: String,
        /// (address, text) of each way on.
        links: Vec<(String, String)>,
        /// The words searched (empty but on a search).
        q: String,
    },
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
    /// 400, 405, 408, 415 or 422 — the request could not be taken as sent (an extractor's or the
    /// router's refusal); the page says what kind of thing to check, by status.
    #[error("request refused with {0}")]
    Refused(StatusCode),
    /// 400 on a page that only reads (a GET): the address's query or path could not be read
    /// (`page=abc`, an id out of range). Worded for an address, not a form: nothing was sent.
    #[error("bad address")]
    BadAddress,
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

impl AppError {
    /// An extractor's or the router's refusal with `status`, its English `detail` logged for the
    /// operator (never shown).
    pub fn refused(status: StatusCode, detail: &str) -> Self {
        tracing::info!(
            status = status.as_u16(),
            detail,
            "request refused before its handler"
        );
        match status {
            StatusCode::PAYLOAD_TOO_LARGE => Self::TooLarge,
            StatusCode::NOT_FOUND => Self::NotFound("没有这个网址。".to_owned()),
            s if s.is_server_error() => Self::Internal(anyhow::anyhow!("{detail}")),
            s => Self::Refused(s),
        }
    }
}

/// The title and message of a refusal by status.
pub(crate) fn refusal_text(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "不支持的访问方式",
            "此网址不接受这种访问方式，未做任何更改。请从网站页面上的链接或按钮进入。",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "提交方式不正确",
            "提交内容的类型不被接受（网页表单应由页面上的按钮提交，接口应使用 application/json），未做任何更改。",
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "请求超时",
            "提交的内容在规定时间内没有传送完毕，未做任何更改。请检查网络后重新提交。",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => (
            "内容需要修改",
            "提交的内容中有项目无法识别（例如同一项目填写了两次，或应为数字的项目填写了其他内容），未做任何更改。请返回上一页检查后重新提交。",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "提交的内容过大",
            "提交的内容超过了允许的大小，未做任何更改。",
        ),
        StatusCode::URI_TOO_LONG => (
            "网址过长",
            "网址超过了允许的长度（例如搜索词过长），无法打开。请缩短搜索词后重新搜索，或从首页重新进入。",
        ),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => (
            "请求过大",
            "浏览器发送的信息超过了允许的大小，无法打开此页面。请清除本网站的 Cookie 后重新访问。",
        ),
        _ => (
            "请求无法识别",
            "请求的格式不正确（例如网址中的数字超出范围，或上传的内容不完整），未做任何更改。请返回上一页检查后重新提交。",
        ),
    }
}

macro_rules! refused_from {
    ($($rejection:ty => $adjust:expr),*) => {$(
        impl From<$rejection> for AppError {
            fn from(r: $rejection) -> Self {
                $adjust(Self::refused(r.status(), &r.body_text()))
            }
        }
    )*};
}

/// The text of [`AppError::BadAddress`].
pub(crate) const BAD_ADDRESS: (&str, &str) = (
    "网址无法识别",
    "网址中的参数不正确（例如页码应为数字，或编号超出范围），无法打开此页面。请从网站页面上的链接进入，或从首页重新进入。",
);

impl AppError {
    /// A 400 about the address alone (its query or path, or any 400 of a GET, which sends
    /// nothing else) is a bad address; anything else stays as it is.
    fn about_address(self) -> Self {
        match self {
            Self::Refused(StatusCode::BAD_REQUEST) => Self::BadAddress,
            other => other,
        }
    }
}

refused_from!(
    axum::extract::rejection::QueryRejection => AppError::about_address,
    axum::extract::rejection::PathRejection => AppError::about_address,
    axum::extract::rejection::FormRejection => std::convert::identity,
    axum::extract::rejection::JsonRejection => std::convert::identity,
    axum::extract::multipart::MultipartError => std::convert::identity,
    axum::extract::multipart::MultipartRejection => std::convert::identity
);

/// The error page for a refusal of the HTTP parser itself (`bare`): outside any request, so with
/// the site's identity last seen and the standard reading mode.
pub(crate) fn bare_page(status: StatusCode) -> String {
    let (title, message) = refusal_text(status);
    views::render("layout/error.html", minijinja::context! { title, message })
        .unwrap_or_else(|_| format!("<!DOCTYPE html><title>{title}</title><p>{message}</p>"))
}

/// What [`Voice::answer`] needs to know of the request: whether it is the API's, and whether it
/// only reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Voice {
    api: bool,
    reading: bool,
}

impl Voice {
    pub(crate) fn of(req: &Request) -> Self {
        Self {
            api: crate::api::owns(req.uri().path()),
            reading: matches!(
                *req.method(),
                axum::http::Method::GET | axum::http::Method::HEAD
            ),
        }
    }

    /// Puts every error answer axum gives by itself into our voice (see the module's
    /// documentation): an answer at 400 or above that is neither HTML nor JSON becomes the
    /// Chinese error page, or under `/api/` a problem document, with the same status (and `Allow`
    /// kept on a 405). Part of `crate::frame`.
    pub(crate) async fn answer(self, res: Response) -> Response {
        let Self { api, reading } = self;
        let status = res.status();
        if status.as_u16() < 400 {
            return res;
        }
        let ours = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                let ct = ct.trim_start();
                (ct.starts_with("text/html") && !api) || ct.contains("json")
            });
        if ours {
            return res;
        }
        let (parts, body) = res.into_parts();
        let detail = to_bytes(body, 16 * 1024)
            .await
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        let e = AppError::refused(status, &detail);
        let e = if reading { e.about_address() } else { e };
        let mut out = e.answered(api);
        *out.status_mut() = status;
        for name in [header::ALLOW, header::RETRY_AFTER] {
            if let Some(v) = parts.headers.get(&name) {
                out.headers_mut().insert(name, v.clone());
            }
        }
        out
    }
}

impl AppError {
    /// Page `page` past the last of `pages` of the list or search whose page addresses are `base`
    /// followed by `page=N`; `more` follows the sentence, `q` the words searched (empty for a list).
    pub(crate) fn past_end(
        page: impl std::fmt::Display,
        pages: usize,
        base: &str,
        more: &str,
        q: &str,
    ) -> Self {
        let mut links = vec![(format!("{base}page=1"), "第1页".to_owned())];
        if pages > 1 {
            links.push((
                format!("{base}page={pages}"),
                format!("最后一页（第{pages}页）"),
            ));
        }
        Self::NotHere {
            what: format!("第{page}页不存在（共{pages}页）。{more}"),
            links,
            q: q.to_owned(),
        }
    }

    /// This refusal as the API (a problem document) or a page answers it.
    pub(crate) fn answered(self, api: bool) -> Response {
        if api {
            crate::api::app_problem(self).into_response()
        } else {
            self.into_response()
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut links = Vec::new();
        let mut q = String::new();
        let (status, title, message) = match self {
            Self::NotFound(what) => (
                StatusCode::NOT_FOUND,
                "页面不存在",
                format!("{what}请检查网址，或从首页重新进入。"),
            ),
            Self::NotHere {
                what,
                links: ways,
                q: searched,
            } => {
                links.extend(
                    ways.into_iter()
                        .map(|(href, text)| minijinja::context! { href, text }),
                );
                q = searched;
                (StatusCode::NOT_FOUND, "页面不存在", what)
            }
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
            Self::Refused(status) => {
                let (title, message) = refusal_text(status);
                (status, title, message.to_owned())
            }
            Self::BadAddress => (
                StatusCode::BAD_REQUEST,
                BAD_ADDRESS.0,
                BAD_ADDRESS.1.to_owned(),
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
        let body = views::render(
            "layout/error.html",
            minijinja::context! { title, message, links, q },
        )
        .unwrap_or_else(|_| format!("<!DOCTYPE html><title>{title}</title><p>{title}</p>"));
        (status, Html(body)).into_response()
    }
}

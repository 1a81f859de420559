//! Server-side sessions. The browser holds a random id in an HttpOnly cookie; the database holds its
//! SHA-256, the user and the CSRF token. Idle and absolute timeouts are checked on every request, so
//! an expired session is gone whichever server process sees it next.

use std::net::SocketAddr;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Duration;
use gongkai_core::audit::Actor;
use gongkai_core::auth::{Principal, random_token, sha256_hex};
use gongkai_store::By;

use crate::AppState;
use crate::error::AppError;

/// Cookie holding the session id (named [`cookie_name`]).
pub const SESSION_COOKIE: &str = "gongkai_session";
/// Cookie holding the CSRF token of visitors without a session (the sign-in form).
pub const CSRF_COOKIE: &str = "gongkai_csrf";

/// A cookie's name as sent: with secure cookies it carries the `__Host-` prefix, so a browser
/// accepts it only from this host over HTTPS, with `Path=/` and no `Domain` — a neighbouring
/// subdomain or a plain-HTTP page cannot plant or overwrite it.
pub fn cookie_name(base: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

/// A signed-in visitor's session.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    /// SHA-256 of the session id.
    pub id_hash: String,
    /// The token every form must carry.
    pub csrf: String,
    /// Who.
    pub principal: Principal,
    /// Must choose a new password before doing anything else.
    pub must_change_password: bool,
    /// Who the audit trail records for the person's writes.
    pub actor: Actor,
}

impl ActiveSession {
    /// The person writing at `now`: what every write of theirs records.
    pub fn by(&self, now: chrono::DateTime<chrono::Utc>) -> By<'_> {
        By::new(&self.actor, now)
    }
}

/// What the session layer learned about the visitor, in request extensions.
#[derive(Debug, Clone, Default)]
pub struct Visitor {
    /// The session, if signed in.
    pub session: Option<ActiveSession>,
    /// A session cookie was presented but had expired.
    pub expired: bool,
    /// The CSRF cookie of an anonymous visitor.
    pub csrf_cookie: Option<String>,
    /// The presented session cookie's hash, valid or not (ended at the next sign-in).
    pub presented: Option<String>,
}

impl Visitor {
    /// The token this visitor's forms carry: the session's, else the anonymous CSRF cookie's, else
    /// a fresh one (`true`: the response must set it as that cookie).
    pub fn form_token(&self) -> (String, bool) {
        match (&self.session, &self.csrf_cookie) {
            (Some(s), _) => (s.csrf.clone(), false),
            (None, Some(c)) => (c.clone(), false),
            (None, None) => (random_token(), true),
        }
    }
}

/// What a page with a form open to anyone (request, message, evaluation, checker) needs of its
/// request: the visitor, for the form's token, and their address, for the submission limits.
#[derive(Debug, Clone)]
pub struct PublicForm {
    /// The visitor.
    pub visitor: Visitor,
    /// The client's address ([`client_address`]).
    pub address: String,
    secure_cookies: bool,
}

impl FromRequestParts<AppState> for PublicForm {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        Ok(Self {
            visitor: parts
                .extensions
                .get::<Visitor>()
                .cloned()
                .unwrap_or_default(),
            address: client_address(&parts.headers, peer, state.settings.trust_forwarded_for),
            secure_cookies: state.settings.secure_cookies,
        })
    }
}

/// Counts one submission of `kind` from `address` against its hourly limit, in the database (so
/// every server shares it), the address kept only as a keyed hash; past the limit, 429.
pub async fn take_submission(
    state: &AppState,
    kind: gongkai_core::auth::Submission,
    address: &str,
) -> Result<(), AppError> {
    if !state.settings.submission_limits {
        return Ok(());
    }
    let now = state.clock.now();
    let subject = state.store.keyed("submission-address", address);
    let taken = state
        .store
        .take_hit(
            kind.bucket(),
            &subject,
            now,
            now - Duration::hours(1),
            kind.per_hour(),
        )
        .await?;
    if taken {
        Ok(())
    } else {
        Err(AppError::TooManyRequests(kind.refusal().to_owned()))
    }
}

impl PublicForm {
    /// Counts this visitor's submission of `kind` ([`take_submission`]).
    pub async fn take(
        &self,
        state: &AppState,
        kind: gongkai_core::auth::Submission,
    ) -> Result<(), AppError> {
        take_submission(state, kind, &self.address).await
    }

    /// The page, rendered with the visitor's form token as `csrf` and answered with `status`,
    /// setting the CSRF cookie when the token is fresh.
    pub fn render(
        &self,
        status: StatusCode,
        template: &str,
        ctx: minijinja::Value,
    ) -> Result<Response, AppError> {
        let (csrf, fresh) = self.visitor.form_token();
        let html = crate::views::render(
            template,
            minijinja::context! { csrf => csrf.clone(), ..ctx },
        )?;
        let mut res = (status, Html(html)).into_response();
        if fresh {
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(CSRF_COOKIE, &csrf, self.secure_cookies, "Strict"),
            );
        }
        Ok(res)
    }
}

/// Reads one cookie from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    cookie_value(headers, name)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned)
}

/// One cookie's value as sent, whatever its form (the reading mode; "is there a session cookie").
pub fn cookie_value<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value with the house flags: HttpOnly, SameSite, Path=/ and, when `secure`,
/// Secure and the `__Host-` name ([`cookie_name`]).
pub fn set_cookie(name: &str, value: &str, secure: bool, same_site: &str) -> HeaderValue {
    let name = cookie_name(name, secure);
    let secure = if secure { "; Secure" } else { "" };
    let max_age = if value.is_empty() { "; Max-Age=0" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite={same_site}{secure}{max_age}"
    ))
    .expect("cookie values are hex")
}

/// The client's address: the socket peer, or the first `X-Forwarded-For` hop when the server sits
/// behind a trusted proxy.
pub fn client_address(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trust_forwarded: bool,
) -> String {
    if trust_forwarded
        && let Some(first) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return first.trim().to_owned();
    }
    peer.map_or_else(|| "unknown".to_owned(), |p| p.ip().to_string())
}

/// Loads the visitor's session into the request, enforcing the timeouts.
pub async fn load(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let secure = state.settings.secure_cookies;
    let mut visitor = Visitor {
        csrf_cookie: cookie(req.headers(), &cookie_name(CSRF_COOKIE, secure)),
        ..Visitor::default()
    };
    if let Some(token) = cookie(req.headers(), &cookie_name(SESSION_COOKIE, secure)) {
        let id_hash = sha256_hex(token.as_bytes());
        visitor.presented = Some(id_hash.clone());
        match resolve(&state, &id_hash).await {
            Ok(Some(session)) => visitor.session = Some(session),
            Ok(None) => visitor.expired = true,
            Err(e) => return e.into_response(),
        }
    }
    req.extensions_mut().insert(visitor);
    next.run(req).await
}

async fn resolve(state: &AppState, id_hash: &str) -> Result<Option<ActiveSession>, AppError> {
    let now = state.clock.now();
    let Some(record) = state.store.find_session(id_hash).await? else {
        return Ok(None);
    };
    let s = &state.settings;
    if now - record.last_seen > s.session_idle || now - record.created > s.session_absolute {
        state.store.delete_session(id_hash, None, now).await?;
        return Ok(None);
    }
    let Some(principal) = state.store.principal(record.user_id).await? else {
        state.store.delete_session(id_hash, None, now).await?;
        return Ok(None);
    };
    let must_change_password = state
        .store
        .find_user(record.user_id)
        .await?
        .is_some_and(|u| u.must_change_password);
    // Write the activity time at most once a minute.
    if now - record.last_seen > Duration::seconds(60) {
        state.store.touch_session(id_hash, now).await?;
    }
    Ok(Some(ActiveSession {
        id_hash: id_hash.to_owned(),
        csrf: record.csrf_token,
        actor: Actor::user(
            principal.user_id,
            &principal.display_name,
            &principal.username,
        ),
        principal,
        must_change_password,
    }))
}

/// Extractor for staff pages: a signed-in visitor. Anyone else is sent to the sign-in page (GET) or
/// refused (other methods); a person who must change their password is sent there first.
pub struct Staff(pub ActiveSession);

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let visitor = parts
            .extensions
            .get::<Visitor>()
            .cloned()
            .unwrap_or_default();
        let is_get =
            parts.method == axum::http::Method::GET || parts.method == axum::http::Method::HEAD;
        match visitor.session {
            Some(s)
                if s.must_change_password && is_get && parts.uri.path() != "/admin/password" =>
            {
                Err(Redirect::to("/admin/password").into_response())
            }
            Some(s) => Ok(Self(s)),
            None if is_get => {
                let target = if visitor.expired {
                    "/admin/login?expired=1"
                } else {
                    "/admin/login"
                };
                Err(Redirect::to(target).into_response())
            }
            None => Err(AppError::Forbidden("请先登录。".to_owned()).into_response()),
        }
    }
}

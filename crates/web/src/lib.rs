#![doc = include_str!("../README.md")]

use std::sync::Arc;

use axum::Router;
use axum::handler::Handler;
use axum::http::{HeaderValue, Method, header};
use axum::middleware;
use axum::routing::{MethodRouter, get, post};
use chrono::Duration;
use gongkai_core::Clock;
use gongkai_core::auth::HashParams;
use gongkai_store::Store;
use tower_http::set_header::SetResponseHeaderLayer;

mod address;
mod admin;
mod api;
pub mod bare;
pub mod cache;
mod csrf;
mod error;
mod extract;
mod portal;
mod rich_text;
pub mod server;
mod session;
mod views;

pub use address::public_origin;
pub use error::AppError;
pub use session::{CSRF_COOKIE, SESSION_COOKIE, cookie_name};

/// Settings of the web layer; the defaults suit a government intranet or an HTTPS site.
#[derive(Debug, Clone)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "each is an operator's switch of its own"
)]
pub struct Settings {
    /// A session unused this long ends (default 30 minutes).
    pub session_idle: Duration,
    /// A session ends this long after sign-in, used or not (default 12 hours).
    pub session_absolute: Duration,
    /// Mark cookies `Secure` (default on; turn off only for plain-HTTP test setups on other hosts
    /// than localhost).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_forwarded_for: bool,
    /// Argon2id parameters for new password hashes.
    pub hash_params: HashParams,
    /// How sign-in slows down guessing (growing delays per address, per account and address, and
    /// per account; never a lock).
    pub sign_in: gongkai_core::auth::SignInPolicy,
    /// The periods of disclosure on request, with the settings for \[U\] rules.
    pub periods: gongkai_core::deadline::Periods,
    /// Keep rendered portal pages ([`cache`]); the value is how late a write by another process
    /// may be seen (zero: checked on every request; `None`: nothing kept, though pages are still
    /// tagged and a repeat visit answered 304).
    pub page_cache: Option<std::time::Duration>,
    /// Stored pages (`Routes::stored_page`) kept on disk instead of in memory (静态化:
    /// [`cache::PageFiles`]), in a folder of this process's own; `None` (the default): in memory.
    pub page_files: Option<Arc<cache::PageFiles>>,
    /// Send `Strict-Transport-Security` (only when every visitor reaches the site over HTTPS, as
    /// browsers then refuse plain HTTP to it for a year).
    pub hsts: bool,
    /// Hold each address to the hourly limits on public submissions
    /// (`gongkai_core::auth::Submission`; default on — off only for load tests).
    pub submission_limits: bool,
    /// The site's public address (`https://gk.example.gov.cn`, from [`public_origin`]), written
    /// into every absolute address the portal gives (sitemaps, feeds): without it, the `Host`
    /// header each request came with decides, so a request naming another host was answered with
    /// a sitemap pointing there, and servers reached under several names each wrote their own.
    pub public_origin: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_idle: Duration::minutes(30),
            session_absolute: Duration::hours(12),
            secure_cookies: true,
            trust_forwarded_for: false,
            hash_params: HashParams::default(),
            sign_in: gongkai_core::auth::SignInPolicy::default(),
            periods: gongkai_core::deadline::Periods::default(),
            page_cache: Some(std::time::Duration::ZERO),
            page_files: None,
            hsts: false,
            submission_limits: true,
            public_origin: None,
        }
    }
}

/// What every handler shares, behind one `Arc`: every middleware layer clones the state of the
/// layers below it on every request, and cloning five `Arc`s (and the store's own) per layer was
/// a twentieth of an item page's CPU.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The services, and what the web layer keeps of its own while it runs.
struct Shared {
    services: Services,
    /// The annual reports' downloads of published versions, made once.
    report_files: portal::report_files::ReportFiles,
}

impl AppState {
    pub(crate) fn report_files(&self) -> &portal::report_files::ReportFiles {
        &self.0.report_files
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;
    fn deref(&self) -> &Services {
        &self.0.services
    }
}

impl From<Services> for AppState {
    fn from(services: Services) -> Self {
        Self(Arc::new(Shared {
            services,
            report_files: portal::report_files::ReportFiles::default(),
        }))
    }
}

/// The parts of [`AppState`], as a server or a test assembles them.
pub struct Services {
    /// The database.
    pub store: Store,
    /// "Now" (a fixed clock in tests).
    pub clock: Arc<dyn Clock>,
    /// Web settings.
    pub settings: Arc<Settings>,
    /// The working-day calendar, loaded once (built-in years plus any added by the operator).
    pub calendar: Arc<gongkai_core::calendar::Calendar>,
    /// The search index over the portal's items (derived; rebuilt from the database).
    pub search: Arc<gongkai_search::SearchIndex>,
}

impl Services {
    /// The calendar and periods every working-day rule needs.
    pub fn rules(&self) -> gongkai_core::deadline::Rules<'_> {
        gongkai_core::deadline::Rules {
            calendar: &self.calendar,
            periods: self.settings.periods,
        }
    }
}

/// Who may reach a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: the public portal.
    Public,
    /// Anyone, but only useful signed out: the sign-in form.
    SignIn,
    /// Signed-in staff; each handler then checks the agency and role.
    Staff,
    /// Signed-in staff acting only on their own account or session (password, sign-out).
    Own,
}

/// One route as registered, so tests can walk every route without anyone listing them by hand.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    /// HTTP method.
    pub method: Method,
    /// Path pattern with `{param}` segments.
    pub path: &'static str,
    /// Who may reach it.
    pub access: Access,
}

/// Builds the router and the list of routes together, so neither can forget one.
pub(crate) struct Routes {
    router: Router<AppState>,
    specs: Vec<RouteSpec>,
    /// Public pages the same for every anonymous visitor, kept by the page cache.
    pages: Vec<cache::CachedRoute>,
}

impl Routes {
    fn add(
        mut self,
        method: Method,
        path: &'static str,
        access: Access,
        route: MethodRouter<AppState>,
    ) -> Self {
        self.specs.push(RouteSpec {
            method,
            path,
            access,
        });
        self.router = self.router.route(path, route);
        self
    }

    /// A page anyone with `access` may fetch.
    pub(crate) fn get<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        h: H,
    ) -> Self {
        self.add(Method::GET, path, access, get(h))
    }

    /// A public page the page cache may keep, by its whole address.
    pub(crate) fn page<H: Handler<T, AppState>, T: 'static>(
        mut self,
        path: &'static str,
        h: H,
    ) -> Self {
        self.pages.push(cache::CachedRoute { path, reads: None });
        self.add(Method::GET, path, Access::Public, get(h))
    }

    /// A public page that reads no query parameter but those in `reads`: the page cache keeps it
    /// by its path and those alone (`?utm_source=…` or a crawler's `?v=123` is the same page),
    /// and, where the server has page files ([`cache::PageFiles`]), on disk rather than in memory.
    /// Only for handlers that read nothing else of the request than its path, these parameters, the reading mode, and
    /// the host and scheme.
    pub(crate) fn stored_page<H: Handler<T, AppState>, T: 'static>(
        mut self,
        path: &'static str,
        reads: &'static [&'static str],
        h: H,
    ) -> Self {
        self.pages.push(cache::CachedRoute {
            path,
            reads: Some(reads),
        });
        self.add(Method::GET, path, Access::Public, get(h))
    }

    /// A form's target for `access`.
    pub(crate) fn post<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        h: H,
    ) -> Self {
        self.add(Method::POST, path, access, post(h))
    }
}

fn routes() -> Routes {
    let routes = Routes {
        router: Router::new(),
        specs: Vec::new(),
        pages: Vec::new(),
    };
    rich_text::routes(admin::routes(api::routes(portal::routes(routes))))
}

/// Every route of the application.
pub fn route_specs() -> Vec<RouteSpec> {
    routes().specs
}

/// The content security policy of every page: nothing from other sites, no inline script.
pub(crate) const PAGE_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// The whole application.
pub fn router(state: impl Into<AppState>) -> Router {
    let state: AppState = state.into();
    let security_headers = [
        (header::CONTENT_SECURITY_POLICY, PAGE_CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    // The site's identity known before the first page, for the parser's refusals (`bare`).
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        let store = state.store.clone();
        runtime.spawn(async move {
            if let Ok(site) = store.site_identity().await {
                views::remember_site(&Arc::new(views::SiteView::from(
                    gongkai_core::site::SiteIdentity::clone(&site),
                )));
            }
        });
    }
    let Routes {
        router: all_routes,
        pages: cached,
        ..
    } = routes();
    // What public pages read is kept between writes for as long as pages are; with the page
    // cache off, checked against the database's version at every use (once a request), so that
    // pages are as fresh as uncached pages must be and a list's deep pages are one seek away.
    state
        .store
        .keep_ready(Some(state.settings.page_cache.unwrap_or_default()));
    let cache = Arc::new(cache::PageCache::new(
        cached,
        state.settings.page_cache.is_some(),
        state.settings.page_files.clone(),
    ));
    let staged = all_routes
        .fallback(portal::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(csrf::BODY_LIMIT))
        .layer(middleware::from_fn(csrf::verify))
        .layer(middleware::from_fn_with_state(state.clone(), session::load))
        .layer(middleware::from_fn_with_state(
            (state.clone(), cache),
            cache::serve,
        ));
    let hsts = state.settings.hsts;
    // The site's identity and the reading mode wrap everything that renders a page, the Chinese
    // error pages of `frame` included (they render after the handler has returned).
    let mut router = staged
        .with_state(state.clone())
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(middleware::from_fn_with_state(state, frame));
    if hsts {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    for (name, value) in security_headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router
}

/// What every answer passes through on its way out, in one layer (a layer of its own boxes a
/// service and a future per request; these were four):
/// - the site's identity ([`views::site_for`]) and the reading mode ([`portal::display::apply`])
///   known to every template the answer renders, error pages included;
/// - every error axum gives by itself put into our voice ([`error::Voice`]), with that identity
///   and mode;
/// - staff pages hold personal data: no browser or proxy keeps a copy (`Cache-Control:
///   no-store`), whatever the handler answered.
async fn frame(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    // One page, one address: `/agencies/yiyuan%2Dxili/items` is `/agencies/yiyuan-xili/items`
    // (an encoded letter, digit, `-`, `.`, `_` or `~` is that character, RFC 3986 6.2.2.2), and is
    // sent there for good rather than answered with a copy, which a crawler indexed as a page of
    // its own and the page cache kept twice. The API answers either: its clients need not follow.
    let reading = matches!(*req.method(), Method::GET | Method::HEAD);
    if reading
        && !api::owns(req.uri().path())
        && let Some(plain) = address::plain_address(req.uri())
    {
        return axum::response::IntoResponse::into_response(axum::response::Redirect::permanent(
            &plain,
        ));
    }
    let staff = req.uri().path().starts_with("/admin");
    // With the page cache off, the request's reads stand on one reading of the database's version.
    let store = state.store.clone();
    let mut req = req;
    let mut res = store
        .one_version(async move {
            // The version first, then what pages are made of (`cache::VersionRead`): for pages
            // the page cache may keep (outside the back office, showing the site).
            if !staff && reading && views::shows_site(req.uri().path()) {
                let read = cache::VersionRead::now(&state).await;
                req.extensions_mut().insert(read);
            }
            let site = views::site_for(&state, req.uri().path()).await;
            let voice = error::Voice::of(&req);
            let mode = portal::display::Display::from_headers(req.headers());
            let answer =
                portal::display::apply(
                    mode,
                    async move { voice.answer(next.run(req).await).await },
                );
            match site {
                Some(site) => views::SITE.scope(site, answer).await,
                None => answer.await,
            }
        })
        .await;
    if staff {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

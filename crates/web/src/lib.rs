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

mod admin;
mod api;
pub mod cache;
mod check;
mod csrf;
mod display;
mod error;
mod guide;
mod items;
mod pages;
mod requests;
pub mod search;
mod session;
mod supervision;
mod views;

pub use error::AppError;
pub use session::{CSRF_COOKIE, SESSION_COOKIE};

/// Settings of the web layer; the defaults suit a government intranet or an HTTPS site.
#[derive(Debug, Clone)]
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
    /// Failed sign-ins per account within the window before sign-in is refused (default 5).
    pub max_failures_per_account: i64,
    /// Failed sign-ins per client address within the window (default 20).
    pub max_failures_per_address: i64,
    /// The throttling window (default 15 minutes).
    pub failure_window: Duration,
    /// The periods of disclosure on request, with the settings for [U] rules.
    pub periods: gongkai_core::deadline::Periods,
    /// Keep rendered portal pages ([`cache`]); the value is how late a write by another process
    /// may be seen (zero: checked on every request; `None`: no cache).
    pub page_cache: Option<std::time::Duration>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_idle: Duration::minutes(30),
            session_absolute: Duration::hours(12),
            secure_cookies: true,
            trust_forwarded_for: false,
            hash_params: HashParams::default(),
            max_failures_per_account: 5,
            max_failures_per_address: 20,
            failure_window: Duration::minutes(15),
            periods: gongkai_core::deadline::Periods::default(),
            page_cache: Some(std::time::Duration::ZERO),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
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

impl AppState {
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
struct Routes {
    router: Router<AppState>,
    specs: Vec<RouteSpec>,
    /// Public pages the same for every anonymous visitor, kept by the page cache.
    pages: Vec<&'static str>,
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

    fn get<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        h: H,
    ) -> Self {
        self.add(Method::GET, path, access, get(h))
    }

    /// A public page the page cache may keep.
    fn page<H: Handler<T, AppState>, T: 'static>(mut self, path: &'static str, h: H) -> Self {
        self.pages.push(path);
        self.add(Method::GET, path, Access::Public, get(h))
    }

    fn post<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        h: H,
    ) -> Self {
        self.add(Method::POST, path, access, post(h))
    }
}

fn routes() -> Routes {
    use Access::{Own, Public, SignIn, Staff};
    Routes { router: Router::new(), specs: Vec::new(), pages: Vec::new() }
        // The public portal.
        .page("/", pages::home)
        .page("/agencies/{slug}", pages::agency)
        .page("/agencies/{slug}/reports/{year}", pages::report)
        .get("/agencies/{slug}/reports/{year}/{file}", Public, pages::report_download)
        .get("/assets/site.css", Public, pages::stylesheet)
        .get("/healthz", Public, pages::health)
        .page("/agencies/{slug}/guide", guide::show)
        .page("/agencies/{slug}/catalogue", guide::catalogue)
        .page("/agencies/{slug}/items", items::list)
        .page("/agencies/{slug}/items/{item}", items::show)
        .get("/agencies/{slug}/items/{item}/attachments/{attachment}", Public, items::attachment)
        .page("/agencies/{slug}/feed.atom", items::feed)
        .page("/sitemap.xml", items::sitemap)
        .page("/search", search::page)
        .get("/display", Public, display::switch)
        .get("/agencies/{slug}/requests/new", Public, requests::new_form)
        .post("/agencies/{slug}/requests", Public, requests::submit)
        .get("/agencies/{slug}/requests/track", Public, requests::track)
        .get("/agencies/{slug}/requests/letters/{letter}", Public, requests::letter)
        .post("/api/v1/requests", Public, api::create_request)
        .get("/api/openapi.json", Public, api::openapi)
        .page("/api/v1/agencies", api::agencies)
        .page("/api/v1/agencies/{slug}/categories", api::categories)
        .page("/api/v1/agencies/{slug}/items", api::items)
        .page("/api/v1/agencies/{slug}/items/{item}", api::item)
        .page("/api/v1/agencies/{slug}/reports", api::reports)
        .page("/agencies/{slug}/messages", supervision::list)
        .get("/agencies/{slug}/messages/new", Public, supervision::new_form)
        .post("/agencies/{slug}/messages", Public, supervision::submit)
        .get("/agencies/{slug}/messages/track", Public, supervision::track)
        .get("/agencies/{slug}/evaluate", Public, supervision::evaluate_form)
        .post("/agencies/{slug}/evaluate", Public, supervision::evaluate)
        .page("/agencies/{slug}/proposals", supervision::proposals)
        .get("/check", Public, check::form)
        .post("/check", Public, check::submit)
        // The back office.
        .get("/admin/login", SignIn, admin::auth::login_form)
        .post("/admin/login", SignIn, admin::auth::login)
        .post("/admin/logout", Own, admin::auth::logout)
        .get("/admin", Staff, admin::dashboard::show)
        .get("/admin/password", Own, admin::auth::password_form)
        .post("/admin/password", Own, admin::auth::change_password)
        .get("/admin/agencies", Staff, admin::agencies::list)
        .get("/admin/agencies/new", Staff, admin::agencies::new_form)
        .post("/admin/agencies", Staff, admin::agencies::create)
        .get("/admin/agencies/{slug}", Staff, admin::agencies::show)
        .post("/admin/agencies/{slug}", Staff, admin::agencies::update)
        .post("/admin/agencies/{slug}/grants", Staff, admin::agencies::grant)
        .post("/admin/agencies/{slug}/revoke", Staff, admin::agencies::revoke)
        .post("/admin/agencies/{slug}/deadline", Staff, admin::agencies::set_deadline)
        .post("/admin/agencies/{slug}/letter-settings", Staff, admin::agencies::letter_settings)
        .post("/admin/agencies/{slug}/index-pattern", Staff, admin::agencies::index_pattern)
        .get("/admin/agencies/{slug}/guide", Staff, guide::edit)
        .post("/admin/agencies/{slug}/guide", Staff, guide::save)
        .get("/admin/agencies/{slug}/catalogue", Staff, guide::edit_catalogue)
        .post("/admin/agencies/{slug}/catalogue", Staff, guide::save_catalogue)
        .get("/admin/agencies/{slug}/items", Staff, admin::items::list)
        .get("/admin/agencies/{slug}/items/new", Staff, admin::items::new_form)
        .post("/admin/agencies/{slug}/items", Staff, admin::items::create)
        .get("/admin/agencies/{slug}/items/{draft}", Staff, admin::items::show)
        .post("/admin/agencies/{slug}/items/{draft}", Staff, admin::items::save)
        .post("/admin/agencies/{slug}/items/{draft}/review", Staff, admin::items::review)
        .post("/admin/agencies/{slug}/items/{draft}/attachments", Staff, admin::items::attach)
        .get("/admin/agencies/{slug}/items/{draft}/attachments/{attachment}", Staff, admin::items::attachment)
        .post("/admin/agencies/{slug}/items/{draft}/attachments/{attachment}/delete", Staff, admin::items::detach)
        .get("/admin/agencies/{slug}/items/{draft}/versions/{version}", Staff, admin::items::version)
        .get("/admin/agencies/{slug}/requests", Staff, admin::cases::queue)
        .get("/admin/agencies/{slug}/requests/new", Staff, admin::cases::register_form)
        .post("/admin/agencies/{slug}/requests", Staff, admin::cases::register)
        .get("/admin/agencies/{slug}/requests/{code}", Staff, admin::cases::show)
        .post("/admin/agencies/{slug}/requests/{code}/steps", Staff, admin::cases::step)
        .post("/admin/agencies/{slug}/requests/{code}/assign", Staff, admin::cases::assign)
        .post("/admin/agencies/{slug}/requests/{code}/cases", Staff, admin::cases::case)
        .get("/admin/agencies/{slug}/requests/{code}/letters/{letter}", Staff, admin::cases::letter)
        .get("/admin/agencies/{slug}/messages", Staff, admin::supervision::messages)
        .get("/admin/agencies/{slug}/messages/{message}", Staff, admin::supervision::message)
        .post("/admin/agencies/{slug}/messages/{message}/assign", Staff, admin::supervision::assign_message)
        .post("/admin/agencies/{slug}/messages/{message}/reply", Staff, admin::supervision::reply_message)
        .get("/admin/agencies/{slug}/evaluations", Staff, admin::supervision::evaluations)
        .get("/admin/agencies/{slug}/proposals", Staff, admin::supervision::proposals)
        .post("/admin/agencies/{slug}/proposals", Staff, admin::supervision::save_proposal)
        .get("/admin/agencies/{slug}/accountability", Staff, admin::supervision::accountability)
        .get("/admin/agencies/{slug}/channels", Staff, admin::channels::list)
        .post("/admin/agencies/{slug}/channels", Staff, admin::channels::add)
        .post("/admin/agencies/{slug}/channels/{channel}/active", Staff, admin::channels::set_active)
        .get("/admin/agencies/{slug}/reports/{year}", Staff, admin::workspace::show)
        .post("/admin/agencies/{slug}/reports/{year}", Staff, admin::workspace::save)
        .post("/admin/agencies/{slug}/reports/{year}/publish", Staff, admin::workspace::publish)
        .get("/admin/agencies/{slug}/summary/{year}", Staff, admin::summary::show)
        .get("/admin/agencies/{slug}/summary/{year}/summary.xlsx", Staff, admin::summary::workbook)
        .get("/admin/users", Staff, admin::users::list)
        .get("/admin/users/new", Staff, admin::users::new_form)
        .post("/admin/users", Staff, admin::users::create)
        .get("/admin/users/{id}", Staff, admin::users::show)
        .post("/admin/users/{id}/password", Staff, admin::users::reset_password)
        .post("/admin/users/{id}/disable", Staff, admin::users::disable)
        .post("/admin/users/{id}/enable", Staff, admin::users::enable)
        .post("/admin/users/{id}/email", Staff, admin::users::set_email)
        .get("/admin/audit", Staff, admin::audit::list)
}

/// Every route of the application.
pub fn route_specs() -> Vec<RouteSpec> {
    routes().specs
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let security_headers = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    let Routes {
        router: all_routes,
        pages: cached,
        ..
    } = routes();
    let mut staged = all_routes
        .fallback(pages::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(csrf::BODY_LIMIT))
        .layer(middleware::from_fn(csrf::verify))
        .layer(middleware::from_fn(display::apply))
        .layer(middleware::from_fn_with_state(state.clone(), session::load));
    if let Some(staleness) = state.settings.page_cache {
        let cache = Arc::new(cache::PageCache::new(cached, staleness));
        staged = staged.layer(middleware::from_fn_with_state(
            (state.clone(), cache),
            cache::serve,
        ));
    }
    let mut router = staged.with_state(state);
    for (name, value) in security_headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router
}

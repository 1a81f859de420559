#![doc = include_str!("../README.md")]

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use gongkai_core::Clock;
use gongkai_store::Store;
use tower_http::set_header::SetResponseHeaderLayer;

mod error;
mod pages;
mod views;

pub use error::AppError;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// "Now" (a fixed clock in tests).
    pub clock: Arc<dyn Clock>,
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
    let mut router = Router::new()
        .route("/", get(pages::home))
        .route("/agencies/{slug}", get(pages::agency))
        .route("/agencies/{slug}/reports/{year}", get(pages::report))
        .route(
            "/agencies/{slug}/reports/{year}/{file}",
            get(pages::report_download),
        )
        .route("/assets/site.css", get(pages::stylesheet))
        .route("/healthz", get(pages::health))
        .fallback(pages::not_found)
        .with_state(state);
    for (name, value) in security_headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router
}

//! The audit trail's published checkpoints: each day the server signs the head of the audit
//! chain (the last record's number and hash) with the key kept outside the database, and shows
//! it here and in an Atom feed. Whoever keeps a copy holds a head that a later rewrite of the
//! trail — even by someone with full database access — would contradict; `gongkai audit verify`
//! checks the chain against every checkpoint.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use minijinja::context;

use crate::AppState;
use crate::error::AppError;
use crate::views;

/// At most this many checkpoints are shown (newest first): about three months of daily ones.
const SHOWN: usize = 90;

fn rows(checkpoints: Vec<gongkai_core::audit::Checkpoint>) -> Vec<minijinja::Value> {
    checkpoints
        .into_iter()
        .take(SHOWN)
        .map(|c| {
            let at = DateTime::<Utc>::from_timestamp_millis(c.at_ms).unwrap_or_default();
            context! {
                record => c.record_id,
                hash => c.hash,
                key => c.key_id,
                mac => c.mac,
                at => gongkai_store::audit_time(c.at_ms),
                at_rfc3339 => at.to_rfc3339(),
                at_ms => c.at_ms,
            }
        })
        .collect()
}

/// The page.
pub async fn page(State(state): State<AppState>) -> Result<Response, AppError> {
    let rows = rows(state.store.checkpoints().await?);
    views::page("portal/checkpoints.html", context! { rows })
}

/// The Atom feed of the same checkpoints.
pub async fn feed(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    let rows = rows(state.store.checkpoints().await?);
    let updated = rows
        .first()
        .and_then(|r| r.get_attr("at_rfc3339").ok())
        .map_or_else(|| "1970-01-01T00:00:00+00:00".to_owned(), |v| v.to_string());
    let xml = views::render(
        "portal/checkpoints.xml",
        context! { rows, updated, origin => crate::address::origin_value(&state, &headers) },
    )?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

//! The annual reports by year.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use super::{AgencySlug, ApiAgency, ApiResult, NoSuchAgency};
use crate::AppState;

/// A published annual report: its year and the versions published.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportEntry {
    /// Report year.
    pub year: i32,
    /// Versions published (1, then one per correction).
    pub versions: usize,
    /// The report as JSON (spec §9).
    pub json_url: String,
}

/// The agency's annual reports by year (links to each report's JSON, spec §9).
#[utoipa::path(get, path = "/api/v1/agencies/{slug}/reports", tag = "年度报告",
    params(AgencySlug),
    responses((status = 200, description = "各年度报告", body = [ReportEntry]), NoSuchAgency))]
pub async fn reports(
    State(state): State<AppState>,
    ApiAgency(a): ApiAgency,
) -> ApiResult<Vec<ReportEntry>> {
    // Only what was published, newest first: the years the portal lists (a year being written is
    // not public, here either).
    Ok(Json(
        state
            .store
            .publication_counts(&a.slug)
            .await?
            .iter()
            .map(|&(year, versions)| ReportEntry {
                year,
                versions: usize::try_from(versions).unwrap_or(0),
                json_url: format!("/agencies/{}/reports/{year}/report.json", a.slug),
            })
            .collect(),
    ))
}

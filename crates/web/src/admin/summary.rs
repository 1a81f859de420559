//! The oversight office's view of a year: every member agency's report status and findings, and the
//! consolidated table (汇总) of all of them, with drill-down and a workbook export.

use axum::extract::{Path, State};
use axum::response::{Html, Response};
use gongkai_core::report::workspace::Progress;
use gongkai_core::report::{Severity, aggregate};
use gongkai_store::MemberReport;
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::{page, report_year};
use crate::AppState;
use crate::error::AppError;
use crate::extract::{AgencyScope, YearPath};
use crate::views::AgencyView;

#[derive(Serialize)]
struct Row {
    slug: String,
    name: String,
    status: &'static str,
    errors: usize,
    warnings: usize,
    received: i64,
    proactive: i64,
    first_error: String,
}

async fn load(
    state: &AppState,
    scope: &AgencyScope,
    year: &str,
) -> Result<(gongkai_core::Agency, i32, Vec<MemberReport>), AppError> {
    let office = scope.agency.clone();
    let year = report_year(state, year)?;
    let members = state
        .store
        .member_reports(&office.slug, year, state.clock.today())
        .await?;
    Ok((office, year, members))
}

/// Status of each member and the consolidated table.
pub async fn show(
    State(state): State<AppState>,
    scope: AgencyScope,
    Path(YearPath { year }): Path<YearPath>,
) -> Result<Html<String>, AppError> {
    let (office, year, members) = load(&state, &scope, &year).await?;
    let s = &scope.staff;
    let today = state.clock.today();
    let mut published = Vec::new();
    let mut deadlines = Vec::new();
    for m in &members {
        published.push(
            !state
                .store
                .publications(&m.agency.slug, year)
                .await?
                .is_empty(),
        );
        deadlines.push(state.store.report_due_date(&m.agency, year).await?);
    }
    let rows: Vec<Row> = members
        .iter()
        .zip(published.iter().zip(&deadlines))
        .map(|(m, (published, deadline))| {
            let errors = m
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count();
            Row {
                slug: m.agency.slug.to_string(),
                name: m.agency.name.clone(),
                status: Progress::of(*published, today, *deadline, errors, m.has_texts).label(),
                errors,
                warnings: m.findings.len() - errors,
                received: m
                    .report
                    .table3
                    .get(
                        gongkai_core::report::Table3Row::Received,
                        gongkai_core::report::Table3Col::Total,
                    )
                    .unwrap_or(0),
                proactive: m.report.proactive.total,
                // The most serious problem in words: the first error, else the first warning.
                first_error: m
                    .findings
                    .iter()
                    .find(|f| f.severity == Severity::Error)
                    .or_else(|| m.findings.first())
                    .map(|f| f.message.clone())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let reports: Vec<_> = members.into_iter().map(|m| m.report).collect();
    let total = aggregate(&office.as_ref(), year, &reports);
    let article = gongkai_docs::html_fragment(&total).map_err(|e| AppError::Internal(e.into()))?;
    page(
        s,
        "admin/summary.html",
        context! {
            office => AgencyView::from(&office),
            year,
            rows => Serde(rows),
            article => minijinja::Value::from_safe_string(article),
        },
    )
}

/// The consolidated tables as a workbook.
pub async fn workbook(
    State(state): State<AppState>,
    scope: AgencyScope,
    Path(YearPath { year }): Path<YearPath>,
) -> Result<Response, AppError> {
    let (office, year, members) = load(&state, &scope, &year).await?;
    let reports: Vec<_> = members.into_iter().map(|m| m.report).collect();
    let total = aggregate(&office.as_ref(), year, &reports);
    let bytes = gongkai_docs::xlsx(&total).map_err(|e| AppError::Internal(e.into()))?;
    Ok(crate::views::workbook(
        &format!("{}-{year}-summary.xlsx", office.slug),
        bytes,
    ))
}

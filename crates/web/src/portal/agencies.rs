//! The home page (every agency, members under the agency that supervises them) and each agency's
//! page (its reports by year, its latest items, the agencies above and below it).

use axum::extract::State;
use axum::response::Response;
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use crate::AppState;
use crate::error::AppError;
use crate::extract::PublicAgency;
use crate::views::{self, AgencyView};

#[derive(Serialize)]
struct Branch {
    agency: AgencyView,
    members: Vec<AgencyView>,
}

/// The home page: every agency, members under the agency that supervises them.
pub async fn home(State(state): State<AppState>) -> Result<Response, AppError> {
    let agencies = state.store.list_agencies().await?;
    let branches: Vec<Branch> = agencies
        .iter()
        .filter(|a| {
            a.parent
                .as_ref()
                .is_none_or(|p| !agencies.iter().any(|x| &x.slug == p))
        })
        .map(|top| Branch {
            agency: top.into(),
            members: agencies
                .iter()
                .filter(|a| a.parent.as_ref() == Some(&top.slug))
                .map(AgencyView::from)
                .collect(),
        })
        .collect();
    views::page("portal/home.html", context! { branches => Serde(branches) })
}

/// One agency: its reports by year and the agencies it supervises.
pub async fn agency(
    State(state): State<AppState>,
    PublicAgency(agency): PublicAgency,
) -> Result<Response, AppError> {
    let years = super::reports::public_years(&state, &agency.slug).await?;
    let all = state.store.list_agencies().await?;
    let parent = agency
        .parent
        .as_ref()
        .and_then(|p| all.iter().find(|a| &a.slug == p))
        .map(AgencyView::from);
    let members: Vec<AgencyView> = all
        .iter()
        .filter(|a| a.parent.as_ref() == Some(&agency.slug))
        .map(AgencyView::from)
        .collect();
    // Year over year, oldest first, for the chart (at most the last five years), as published
    // (their latest versions, kept ready): the public reads what was published, not records
    // edited since.
    let mut published = Vec::new();
    for year in years.iter().take(5).rev() {
        if let Some(p) = state
            .store
            .public_report(&agency.slug, *year, false)
            .await?
        {
            published.push(p);
        }
    }
    let chart = if published.len() > 1 {
        let reports: Vec<_> = published
            .iter()
            .map(gongkai_store::PublicReport::report)
            .collect();
        Some(minijinja::Value::from_safe_string(
            gongkai_docs::charts::year_over_year(&reports)
                .map_err(|e| AppError::Internal(e.into()))?,
        ))
    } else {
        None
    };
    // The latest items as the list pages read them: without their content.
    let (latest, _) = state.store.listed_items(&agency.slug, None, 1, 8).await?;
    views::page(
        "portal/agency.html",
        context! {
            agency => AgencyView::from(&agency),
            parent => Serde(parent),
            members => Serde(members),
            years => Serde(years),
            chart,
            categories => state.store.categories(&agency.slug).await?,
            latest => Serde(latest.iter().map(|i| (i.id, i.title.as_str(), i.published_on.to_string())).collect::<Vec<_>>()),
        },
    )
}

//! Agencies and their catalogue categories.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use super::{AgencySlug, ApiAgency, ApiResult, NoSuchAgency};
use crate::AppState;

/// An agency.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyBody {
    /// Its slug (URL name).
    pub slug: String,
    /// Full official name.
    pub name: String,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// `town`, `street`, `county_government` or `department`.
    pub kind: String,
    /// The supervising agency's slug.
    pub parent: Option<String>,
}

/// Every agency.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "公开目录",
    responses((status = 200, description = "全部机关", body = [AgencyBody])))]
pub async fn agencies(State(state): State<AppState>) -> ApiResult<Vec<AgencyBody>> {
    Ok(Json(
        state
            .store
            .list_agencies()
            .await?
            .iter()
            .map(|a| AgencyBody {
                slug: a.slug.to_string(),
                name: a.name.clone(),
                credit_code: a.credit_code.as_str().to_owned(),
                kind: a.kind.key().to_owned(),
                parent: a.parent.as_ref().map(ToString::to_string),
            })
            .collect(),
    ))
}

/// An agency's catalogue categories (主动公开目录), in order.
#[utoipa::path(get, path = "/api/v1/agencies/{slug}/categories", tag = "公开目录",
    params(AgencySlug),
    responses((status = 200, description = "栏目", body = [String]), NoSuchAgency))]
pub async fn categories(
    State(state): State<AppState>,
    ApiAgency(a): ApiAgency,
) -> ApiResult<Vec<String>> {
    Ok(Json(state.store.categories(&a.slug).await?))
}

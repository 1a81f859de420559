//! The 政府信息公开指南 (条例 第十二条) and the 主动公开基本目录 on the portal. Until an agency saves its own guide, the portal shows one generated from its
//! data after the skeleton of `spec/letters-guide-catalogue.md` §2.3, so the statutory contents are
//! never missing.

use axum::extract::State;
use axum::response::Response;
use gongkai_core::Agency;
use gongkai_core::guide::GuideFields;
use minijinja::context;

use crate::AppState;
use crate::error::AppError;
use crate::extract::PublicAgency;
use crate::views::{self, AgencyView};

/// The guide generated from the agency's data until it saves its own (the statutory contents
/// are never missing).
pub(crate) async fn default_guide(state: &AppState, agency: &Agency) -> Result<String, AppError> {
    render_guide(&default_fields(state, agency).await?)
}

/// The guide's form as first offered: the office's particulars from the site's contact details,
/// the parts from the skeleton of `spec/letters-guide-catalogue.md` §2.3 filled with the agency's
/// data (its catalogue, its 统一社会信用代码, the office above it).
pub(crate) async fn default_fields(
    state: &AppState,
    agency: &Agency,
) -> Result<GuideFields, AppError> {
    let parent = match &agency.parent {
        Some(p) => state.store.find_agency(p).await?,
        None => None,
    };
    let supervisor = gongkai_core::guide::supervisor(
        agency.parent.is_some(),
        parent.as_ref().map(|a| a.name.as_str()),
    );
    let site = state.store.agency_identity(&agency.slug).await?;
    let data = context! {
        agency => context! { name => agency.name.clone(), credit_code => agency.credit_code.as_str() },
        categories => state.store.categories(&agency.slug).await?,
        supervisor,
    };
    let part = |name: &str| {
        views::render(&format!("portal/guide/{name}.html"), data.clone())
            .map(|html| html.trim().to_owned())
            .map_err(|e| AppError::Internal(e.into()))
    };
    Ok(GuideFields {
        office: format!("{}办公室", agency.name),
        address: site.contact.address.clone(),
        postcode: site.contact.postcode.clone(),
        hours: site.contact.office_hours.clone(),
        phone: site.contact.phone.clone(),
        fax: site.contact.fax.clone(),
        email: site.contact.email.clone(),
        online: format!("/agencies/{}/requests/new", agency.slug),
        preface: part("preface")?,
        proactive: part("proactive")?,
        on_request: part("on_request")?,
        supervision: part("supervision")?,
    })
}

/// The guide as the portal shows it, rendered from its form (whose parts are already clean).
pub(crate) fn render_guide(fields: &GuideFields) -> Result<String, AppError> {
    views::render(
        "portal/guide_fields.html",
        context! { g => minijinja::Value::from(minijinja::value::Serde(fields)) },
    )
    .map_err(|e| AppError::Internal(e.into()))
}

/// The guide on the portal: the newest version, or the generated one.
pub async fn show(
    State(state): State<AppState>,
    PublicAgency(agency): PublicAgency,
) -> Result<Response, AppError> {
    let newest = state
        .store
        .guide_versions(&agency.slug)
        .await?
        .into_iter()
        .next();
    let (body, version, saved) = match newest {
        Some(v) => (
            v.body_html,
            Some(v.version),
            Some(gongkai_store::audit_time(v.saved.timestamp_millis())),
        ),
        None => (default_guide(&state, &agency).await?, None, None),
    };
    views::page(
        "portal/guide.html",
        context! {
            agency => AgencyView::from(&agency),
            body => minijinja::Value::from_safe_string(body),
            version,
            saved,
        },
    )
}

/// 政府信息公开制度, one of the four columns of 国办公开办函〔2019〕61号: the agency's own rules as
/// published in that column, always with the rules every agency works under, so the column is
/// never a link to nothing.
pub async fn rules(
    State(state): State<AppState>,
    PublicAgency(agency): PublicAgency,
) -> Result<Response, AppError> {
    use gongkai_core::catalogue::RULES_COLUMN;
    let has_column = state
        .store
        .categories(&agency.slug)
        .await?
        .iter()
        .any(|c| c == RULES_COLUMN);
    let items = if has_column {
        state
            .store
            // As the list pages read them: the page shows titles and dates, not bodies.
            .listed_items(&agency.slug, Some(RULES_COLUMN), 1, 100)
            .await?
            .0
            .into_iter()
            .map(|i| context! { id => i.id, title => i.title, date => i.published_on.to_string() })
            .collect()
    } else {
        Vec::new()
    };
    views::page(
        "portal/rules.html",
        context! { agency => AgencyView::from(&agency), items },
    )
}

/// The catalogue on the portal: categories with their item counts, and the yearly versions.
pub async fn catalogue(
    State(state): State<AppState>,
    PublicAgency(agency): PublicAgency,
) -> Result<Response, AppError> {
    views::page(
        "portal/catalogue.html",
        context! {
            agency => AgencyView::from(&agency),
            rows => catalogue_rows(&state, &agency.slug).await?,
            versions => versions(&state, &agency.slug).await?,
        },
    )
}

/// The catalogue's columns with their item counts, as its pages list them.
pub(crate) async fn catalogue_rows(
    state: &AppState,
    slug: &gongkai_core::Slug,
) -> Result<Vec<minijinja::Value>, AppError> {
    Ok(state
        .store
        .catalogue_counts(slug)
        .await?
        .into_iter()
        .map(|(c, count)| column_row(&c, count))
        .collect())
}

fn column_row(c: &gongkai_core::catalogue::Column, count: i64) -> minijinja::Value {
    context! {
        name => c.name.clone(),
        child => c.parent.is_some(),
        description => c.description.clone(),
        deadline => c.deadline_text(),
        basis => c.basis.clone(),
        not_involved => c.not_involved,
        count,
    }
}

/// The catalogue's yearly versions, each as its column names.
pub(crate) async fn versions(
    state: &AppState,
    slug: &gongkai_core::Slug,
) -> Result<Vec<minijinja::Value>, AppError> {
    Ok(state
        .store
        .catalogue_versions(slug)
        .await?
        .into_iter()
        .map(|(year, columns)| {
            let categories: Vec<String> = columns
                .iter()
                .map(|c| {
                    let mut name = c.name.clone();
                    if c.not_involved {
                        name.push_str("（未涉及）");
                    }
                    name
                })
                .collect();
            context! { year, categories }
        })
        .collect())
}

//! Search on the portal (`/search?q=…`) and keeping the index in step with the database: every
//! publication and withdrawal updates it at once, and [`rebuild`] makes it anew from the items on
//! the portal (at start-up when it is incomplete, and by `gongkai search reindex`).

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use gongkai_core::Slug;
use gongkai_search::{SearchDoc, SearchIndex, SearchQuery};
use gongkai_store::{PublishedItem, Store, StoreError};
use minijinja::context;
use serde::Deserialize;

use crate::AppState;
use crate::error::AppError;
use crate::views;

/// Hits per page.
const PER_PAGE: usize = 20;

/// The text of sanitised HTML (tags dropped, the common entities decoded), for indexing.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The index's view of an item.
pub fn document(agency: &str, agency_name: &str, item: &PublishedItem) -> SearchDoc {
    let c = item.content.as_ref();
    SearchDoc {
        id: item.id,
        agency: agency.to_owned(),
        agency_name: agency_name.to_owned(),
        category: item.category.clone(),
        kind: c
            .and_then(|c| c.kind)
            .map(|k| k.key().to_owned())
            .unwrap_or_default(),
        published_on: item.published_on,
        title: item.title.clone(),
        body: c.map(|c| plain_text(&c.body_html)).unwrap_or_default(),
        doc_number: c.map(|c| c.doc_number.clone()).unwrap_or_default(),
        index_no: item.index_no.clone().unwrap_or_default(),
    }
}

/// Brings one item's entry in line with the database: added or replaced if it is on the portal,
/// removed if not. Failures are logged; the page that caused them still succeeds (the index is
/// derived and can be rebuilt).
pub async fn follow(state: &AppState, slug: &Slug, item_id: i64) {
    let result = async {
        let agency = state.store.find_agency(slug).await?;
        let item = state.store.published_item(slug, item_id).await?;
        Ok::<_, StoreError>((agency, item))
    }
    .await;
    let outcome = match result {
        Ok((Some(agency), Some(item))) => {
            state
                .search
                .upsert(&document(agency.slug.as_str(), &agency.name, &item))
        }
        Ok(_) => state.search.remove(item_id),
        Err(e) => {
            tracing::error!(error = %e, item_id, "search index not updated");
            return;
        }
    };
    if let Err(e) = outcome {
        tracing::error!(error = %e, item_id, "search index not updated");
    }
}

/// Keeps the index in step with publications and withdrawals made by *other* processes (a second
/// server, `gongkai items import`): every `every`, the items changed since the last look are
/// applied in one commit. Changes through this process are already applied by [`follow`];
/// applying them again is harmless. Starts from the newest change at the time of the call.
pub async fn follow_others(
    store: Store,
    index: std::sync::Arc<SearchIndex>,
    every: std::time::Duration,
) {
    let mut position = match store.items_change_position().await {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "search index will not follow other processes");
            return;
        }
    };
    loop {
        tokio::time::sleep(every).await;
        match follow_once(&store, &index, position).await {
            Ok(p) => position = p,
            Err(e) => tracing::warn!(error = %e, "search index not brought up to date; will retry"),
        }
    }
}

/// One round of [`follow_others`]: applies the changes after `position`, returns the new one.
pub async fn follow_once(
    store: &Store,
    index: &SearchIndex,
    mut position: (i64, i64),
) -> anyhow::Result<(i64, i64)> {
    loop {
        let changes = store.items_changed_after(position, 500).await?;
        let Some(last) = changes.last().map(|c| c.0) else {
            return Ok(position);
        };
        let batch: Vec<Result<SearchDoc, i64>> = changes
            .iter()
            .map(|(_, slug, name, item)| match item {
                Ok(item) => Ok(document(slug, name, item)),
                Err(id) => Err(*id),
            })
            .collect();
        index.apply(&batch)?;
        position = last;
        if changes.len() < 500 {
            return Ok(position);
        }
    }
}

/// Rebuilds the index from every item on the portal; `progress(done, total)`.
pub async fn rebuild(
    store: &Store,
    index: &SearchIndex,
    mut progress: impl FnMut(usize, usize),
) -> anyhow::Result<usize> {
    let items = store.items_for_index().await?;
    let total = items.len();
    let docs = items
        .iter()
        .map(|(slug, name, item)| document(slug, name, item));
    Ok(index.rebuild(docs, |n| progress(n, total))?)
}

/// `?q=&agency=&category=&year=&kind=&page=`.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct SearchForm {
    q: String,
    agency: String,
    category: String,
    year: String,
    kind: String,
    page: usize,
}

/// The search page.
pub async fn page(
    State(state): State<AppState>,
    Query(form): Query<SearchForm>,
) -> Result<Response, AppError> {
    let agencies = state.store.list_agencies().await?;
    let q = form.q.trim().chars().take(100).collect::<String>();
    let year = form.year.trim().parse::<i32>().ok();
    let page = form.page.max(1);
    let results = if q.is_empty() {
        None
    } else {
        let query = SearchQuery {
            text: q.clone(),
            agency: Some(form.agency.clone()).filter(|s| !s.is_empty()),
            category: Some(form.category.clone()).filter(|s| !s.is_empty()),
            year,
            kind: Some(form.kind.clone()).filter(|s| !s.is_empty()),
            page,
            per_page: PER_PAGE,
        };
        // A search is CPU work of a millisecond or more: off the async workers, so that other
        // requests (cached pages) are not held up behind it.
        let index = state.search.clone();
        Some(
            tokio::task::spawn_blocking(move || index.search(&query))
                .await
                .map_err(|e| AppError::Internal(e.into()))?
                .map_err(|e| AppError::Internal(e.into()))?,
        )
    };
    let total = results.as_ref().map_or(0, |r| r.total);
    let pages = total.div_ceil(PER_PAGE).max(1);
    let link = |p: usize| {
        form_urlencoded::Serializer::new(String::from("/search?"))
            .append_pair("q", &q)
            .append_pair("agency", &form.agency)
            .append_pair("category", &form.category)
            .append_pair("year", &form.year)
            .append_pair("kind", &form.kind)
            .append_pair("page", &p.to_string())
            .finish()
    };
    let hits: Vec<_> = results
        .map(|r| r.hits)
        .unwrap_or_default()
        .into_iter()
        .map(|h| {
            context! {
                url => format!("/agencies/{}/items/{}", h.agency, h.id),
                title => minijinja::Value::from_safe_string(h.title_html),
                snippet => minijinja::Value::from_safe_string(h.snippet_html),
                agency => h.agency_name,
                category => h.category,
                date => h.published_on,
            }
        })
        .collect();
    let this_year = chrono::Datelike::year(&state.clock.today());
    let (prev, next) = (
        (page > 1).then(|| link(page - 1)),
        (page < pages).then(|| link(page + 1)),
    );
    let html = views::render(
        "search.html",
        context! {
            q => q.clone(),
            form => context! { agency => form.agency.clone(), category => form.category.clone(), year => form.year.clone(), kind => form.kind.clone() },
            agencies => agencies.iter().map(|a| context! { slug => a.slug.to_string(), name => a.name.clone() }).collect::<Vec<_>>(),
            years => (2008..=this_year).rev().collect::<Vec<_>>(),
            kinds => gongkai_core::item::DocKind::ALL.map(|k| context! { value => k.key(), label => k.label() }),
            hits,
            total,
            page,
            pages,
            prev,
            next,
        },
    )
    .map_err(|e| AppError::Internal(e.into()))?;
    Ok(Html(html).into_response())
}

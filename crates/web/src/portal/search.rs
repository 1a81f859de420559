//! Search on the portal (`/search?q=…`). The index is kept in step with the database by
//! `gongkai_jobs::index`.

use axum::extract::{Query, State};
use axum::response::Response;
use gongkai_core::Slug;
use gongkai_search::{Order, SearchQuery};
use minijinja::context;
use serde::Deserialize;

use crate::AppState;
use crate::error::AppError;
use crate::views::{self, Choice};

/// Hits per page.
const PER_PAGE: usize = 20;

/// Brings one item's entry in the index in line with the database after a write here.
pub async fn follow(state: &AppState, slug: &Slug, item_id: i64) {
    gongkai_jobs::index::refresh_item(&state.store, &state.search, slug, item_id).await;
}

/// `?q=&agency=&category=&year=&kind=&sort=&page=`.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct SearchForm {
    q: String,
    agency: String,
    category: String,
    year: String,
    kind: String,
    /// `date` for newest first; anything else, best match first.
    sort: String,
    #[serde(deserialize_with = "crate::extract::page_number")]
    page: usize,
}

/// The 栏目 a visitor may choose: the chosen agency's catalogue, or every agency's (each name
/// once, in the order the agencies list them).
async fn categories(
    state: &AppState,
    agencies: &[gongkai_core::Agency],
    chosen: &str,
) -> Result<Vec<String>, AppError> {
    let mut all: Vec<String> = Vec::new();
    for a in agencies
        .iter()
        .filter(|a| chosen.is_empty() || a.slug.as_str() == chosen)
    {
        for c in state.store.categories(&a.slug).await? {
            if !all.contains(&c) {
                all.push(c);
            }
        }
    }
    Ok(all)
}

/// How a search with more hits than it lists can be narrowed: by the filters not chosen yet
/// (the agency only where the site has several), else by more precise words. Every such page
/// said "请加上机关、栏目或年份", with all three chosen or on a site of one agency (a helper's walk).
fn narrow_hint(agency_open: bool, category: &str, year: Option<i32>) -> String {
    let open: Vec<&str> = [
        ("机关", agency_open),
        ("栏目", category.is_empty()),
        ("年份", year.is_none()),
    ]
    .into_iter()
    .filter_map(|(name, open)| open.then_some(name))
    .collect();
    match open.as_slice() {
        [] => "请换用更具体的词语缩小范围".to_owned(),
        [one] => format!("请加上{one}或换用更具体的词语缩小范围"),
        [first @ .., last] => format!("请加上{}或{last}缩小范围", first.join("、")),
    }
}

/// The longest query searched, in characters.
const QUERY_CHARS: usize = 100;

/// The query as searched: at most [`QUERY_CHARS`] characters, cut before the word the limit
/// falls in (a cut word would be asked for as a word of its own: `… OR 低保 O` found nothing);
/// and whether it was cut, which the page says.
fn shorten(q: &str) -> (String, bool) {
    let Some((cut, _)) = q.char_indices().nth(QUERY_CHARS) else {
        return (q.to_owned(), false);
    };
    let kept = if q[cut..].starts_with(char::is_whitespace) {
        &q[..cut]
    } else {
        // A word longer than the limit is kept in part rather than not at all.
        q[..cut]
            .rfind(char::is_whitespace)
            .map_or(&q[..cut], |b| &q[..b])
    };
    (kept.trim_end().to_owned(), true)
}

/// The search page.
pub async fn page(
    State(state): State<AppState>,
    Query(form): Query<SearchForm>,
) -> Result<Response, AppError> {
    let agencies = state.store.list_agencies().await?;
    let (q, shortened) = shorten(gongkai_core::text::without_controls(&form.q).trim());
    let year = form.year.trim().parse::<i32>().ok();
    let asked = Order::from_key(&form.sort);
    // A filter the page cannot read (a link typed by hand, an old bookmark) is left out of the
    // search, and the page says so, in the form's order, rather than searching as if it were not
    // there: an agency or a type the site does not have found nothing and the page did not say
    // why. A 栏目 no catalogue has now may still be on older items (an old link), so only one no
    // catalogue could hold (longer than a catalogue allows, or with control characters) is left
    // out.
    let mut ignored = Vec::new();
    let mut known = |value: &String, known: bool, what: &str, instead: &str| {
        if value.trim().is_empty() {
            String::new()
        } else if known {
            value.clone()
        } else {
            ignored.push(format!("{what}“{}”{instead}", views::quoted(value, 20)));
            String::new()
        }
    };
    let agency = known(
        &form.agency,
        agencies.iter().any(|a| a.slug.as_str() == form.agency),
        "机关",
        "不在本站，已在全部机关中检索；请从“机关”中选择。",
    );
    let category = known(
        &form.category,
        gongkai_core::catalogue::could_be_name(&form.category),
        "栏目",
        "无法识别，已按全部栏目检索；请从“栏目”中选择。",
    );
    known(
        &form.year,
        year.is_some(),
        "发布年份",
        "无法识别，已按全部年份检索；年份请写成四位数字，如 2024。",
    );
    let kind = known(
        &form.kind,
        gongkai_core::item::DocKind::ALL
            .iter()
            .any(|k| k.key() == form.kind),
        "文件类型",
        "无法识别，已按全部类型检索；请从“文件类型”中选择。",
    );
    known(
        &form.sort,
        asked.key() == form.sort,
        "排序方式",
        "无法识别，已按相关度排序；可选“相关度”或“最新发布”。",
    );
    let form = SearchForm {
        agency,
        category,
        kind,
        ..form
    };
    let page = form.page.max(1);
    // Filters without words list the filtered items (newest first); nothing at all is the form.
    let filtered = [&form.agency, &form.category, &form.kind]
        .iter()
        .any(|v| !v.is_empty())
        || year.is_some();
    let results = if q.is_empty() && !filtered {
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
            order: asked,
        };
        // Run here, on the async worker, as the portal's SQLite reads are: a search at 100,000
        // items takes a few hundred microseconds, and handing it to a blocking thread and back
        // cost more than that saved others waiting (`bench/distinct.sh`).
        Some(
            state
                .search
                .search(&query)
                .map_err(|e| AppError::Internal(e.into()))?,
        )
    };
    let searched = results.is_some();
    // The order the hits came in (newest first when there were only filters to go by): the form
    // and the pager show that one.
    let order = results.as_ref().map_or(asked, |r| r.order);
    let (total, about) = match results.as_ref().map(|r| r.total) {
        Some(gongkai_search::Total::About(n)) => (n, true),
        Some(gongkai_search::Total::Exactly(n)) => (n, false),
        None => (0, false),
    };
    // Hits are listed as far as the index pages them (`MAX_HITS`); the count is exact up to
    // there and estimated past it.
    let pages = views::page_count(total.min(gongkai_search::MAX_HITS), PER_PAGE);
    let narrow_by = narrow_hint(
        agencies.len() > 1 && form.agency.is_empty(),
        &form.category,
        year,
    );
    // The pages' links keep the search and its filters (`for_suffix` at the `?`: `new` would
    // start the pairs with `&`, `/search?&q=`).
    let base = form_urlencoded::Serializer::for_suffix(String::from("/search?"), "/search?".len())
        .append_pair("q", &q)
        .append_pair("agency", &form.agency)
        .append_pair("category", &form.category)
        // The year as searched: one it could not read is not carried to the next page.
        .append_pair("year", &year.map(|y| y.to_string()).unwrap_or_default())
        .append_pair("kind", &form.kind)
        .append_pair("sort", order.key())
        .finish()
        + "&";
    if page > pages {
        let deepest = if about || total > gongkai_search::MAX_HITS {
            format!(
                "搜索结果只列出前{}条；{}。",
                gongkai_search::MAX_HITS,
                narrow_by
            )
        } else {
            String::new()
        };
        return Err(AppError::past_end(page, pages, &base, &deepest, &q));
    }
    let paging = views::Pager {
        about,
        ..views::Pager::new(page, pages, total, &base)
    };
    // The index finds the ids; what is shown of each hit is read from the database.
    let hits: Vec<_> = match &results {
        Some(r) if !r.ids.is_empty() => state
            .store
            .found_items(&r.ids)
            .await?
            .into_iter()
            .map(|h| {
                let text = gongkai_core::text::plain_text(&h.body_html);
                context! {
                    url => format!("/agencies/{}/items/{}", h.agency, h.id),
                    title => minijinja::Value::from_safe_string(r.marks.title_html(&h.title)),
                    snippet => minijinja::Value::from_safe_string(r.marks.excerpt_html(&text)),
                    agency => h.agency_name,
                    category => h.category,
                    // A word found only in the 发文字号 (高坪发) is marked there, not nowhere.
                    doc_number => (!h.doc_number.is_empty())
                        .then(|| minijinja::Value::from_safe_string(r.marks.title_html(&h.doc_number))),
                    // The 索引号 only where the search found the hit by it: a hit found by its
                    // 索引号 showed nothing marked, and the page did not say why it was there.
                    index_no => Some(r.marks.title_html(&h.index_no))
                        .filter(|m| m.contains("<mark>"))
                        .map(minijinja::Value::from_safe_string),
                    date => h.published_on.to_string(),
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    // The digits of the last hit's number: the list leaves room for them (`w4`: 1000–9999; 9981
    // showed as 981 on a phone).
    // Page 2 numbers its hits from 21, not from 1 again.
    let first = (page - 1) * PER_PAGE + 1;
    let number_width = (first + hits.len().saturating_sub(1)).to_string().len();
    let this_year = chrono::Datelike::year(&state.clock.today());
    // The filters chosen, as the folded form's line names them: with hits, the form folds even
    // when narrowed (on a phone the open filters filled the first screen and no hit showed), and
    // the line still says what the results are filtered by.
    let chosen: Vec<String> = [
        agencies
            .iter()
            .find(|a| a.slug.as_str() == form.agency)
            .map(|a| a.name.clone()),
        (!form.category.is_empty()).then(|| format!("“{}”", form.category)),
        year.map(|y| format!("{y}年")),
        gongkai_core::item::DocKind::ALL
            .iter()
            .find(|k| k.key() == form.kind)
            .map(|k| k.label().to_owned()),
        (order == Order::Newest && !q.is_empty()).then(|| "最新发布在前".to_owned()),
    ]
    .into_iter()
    .flatten()
    .collect();
    views::page(
        "portal/search.html",
        context! {
            q => q.clone(),
            form => context! {
                agency => form.agency.clone(),
                category => form.category.clone(),
                // The year searched, as the menu writes it (02021 searched 2021).
                year => year.map(|y| y.to_string()).unwrap_or_default(),
                kind => form.kind.clone(),
                sort => order.key(),
            },
            categories => {
                let mut all = categories(&state, &agencies, &form.agency).await?;
                // A 栏目 from an older link stays chosen, so the results say what they filter by.
                if !form.category.is_empty() && !all.contains(&form.category) {
                    all.push(form.category.clone());
                }
                all
            },
            sorts => [Choice::new(Order::Relevance.key(), "相关度"), Choice::new(Order::Newest.key(), "最新发布")],
            agencies => agencies.iter().map(|a| context! { slug => a.slug.to_string(), name => a.name.clone() }).collect::<Vec<_>>(),
            years => {
                let mut all: Vec<i32> = (gongkai_core::report::year::FIRST_YEAR..=this_year).rev().collect();
                // A year outside the menu stays chosen, so the page says what it filters by:
                // year=1900 found nothing under "全部年份" (a helper's walk).
                if let Some(y) = year.filter(|y| !all.contains(y)) {
                    all.push(y);
                    all.sort_unstable_by(|a, b| b.cmp(a));
                }
                all
            },
            kinds => Choice::all(gongkai_core::item::DocKind::ALL.map(|k| (k.key(), k.label()))),
            searched,
            chosen,
            left_out_only => results.as_ref().is_some_and(|r| r.left_out_only),
            shortened,
            query_chars => QUERY_CHARS,
            ignored,
            // Hits past the index's limit cannot be paged to: every results page says so, not
            // only the 404 past the last one (a helper's walk: 10,889 found, 10,000 reachable).
            capped => total > gongkai_search::MAX_HITS,
            narrow_hint => narrow_by,
            max_hits => gongkai_search::MAX_HITS,
            hits,
            first,
            number_width,
            total,
            about,
            page,
            pages,
            pager => minijinja::value::Serde(paging),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn the_hint_names_only_the_filters_left_to_choose() {
        use super::narrow_hint;
        assert_eq!(
            narrow_hint(true, "", None),
            "请加上机关、栏目或年份缩小范围"
        );
        assert_eq!(narrow_hint(false, "", None), "请加上栏目或年份缩小范围");
        assert_eq!(
            narrow_hint(false, "通知公告", None),
            "请加上年份或换用更具体的词语缩小范围"
        );
        assert_eq!(
            narrow_hint(false, "通知公告", Some(2024)),
            "请换用更具体的词语缩小范围"
        );
    }

    #[test]
    fn a_long_query_is_cut_between_words() {
        assert_eq!(
            shorten("低保 OR 残疾人"),
            ("低保 OR 残疾人".to_owned(), false)
        );
        let long = "低保 OR ".repeat(20);
        let (q, cut) = shorten(long.trim());
        assert!(cut);
        assert!(q.chars().count() <= 100 && q.ends_with("低保"), "{q}");
        let word = "规".repeat(150);
        assert_eq!(shorten(&word), ("规".repeat(100), true));
        assert_eq!(shorten(&"字".repeat(100)), ("字".repeat(100), false));
    }
}

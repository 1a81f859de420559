//! What the portal reads when data is kept ready between writes (`Store::keep_ready`): the same
//! pages as reading afresh, and a write through the store seen at once, on both backends.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::Slug;
use gongkai_core::audit::Actor;
use gongkai_store::{By, NewItem, Store, demo, on_both_backends};

fn now() -> DateTime<Utc> {
    "2025-03-20T02:00:00Z".parse().unwrap()
}

fn town() -> Slug {
    Slug::parse(demo::TOWN_SLUG).unwrap()
}

/// An item of 政府会议 published later than any of the demo's.
fn newest(title: &str) -> NewItem {
    NewItem {
        title: title.into(),
        category: "政府会议".into(),
        published_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        index_no: None,
        content: None,
    }
}

/// Publishes [`newest`] through `other`, a second store on the same database: another process.
async fn published_elsewhere(other: &Store, title: &str) {
    other
        .insert_item(
            &town(),
            &newest(title),
            By::new(&Actor::system("另一进程"), now()),
        )
        .await
        .unwrap();
}

/// An item as a list page shows it.
fn as_listed(i: &gongkai_store::PublishedItem) -> gongkai_store::ListedItem {
    gongkai_store::ListedItem {
        id: i.id,
        index_no: i.index_no.clone(),
        title: i.title.clone(),
        category: i.category.clone(),
        published_on: i.published_on,
        doc_number: i
            .content
            .as_ref()
            .map(|c| c.doc_number.clone())
            .unwrap_or_default(),
    }
}

/// Every page of every list (the agency's, each category's), at two page sizes, with one past
/// the end: (category, per page, page) → (ids, total).
async fn every_page(store: &Store) -> Vec<(Option<String>, u32, u32, Vec<i64>, i64)> {
    let mut lists = vec![None];
    lists.extend(
        store
            .categories(&town())
            .await
            .unwrap()
            .into_iter()
            .map(Some),
    );
    lists.push(Some("没有这个栏目".into()));
    let mut out = Vec::new();
    for category in lists {
        for per_page in [20, 7] {
            let mut page = 1;
            loop {
                let (items, total) = store
                    .published_items(&town(), category.as_deref(), page, per_page)
                    .await
                    .unwrap();
                // A list page's rows are the same items with the same 发文字号.
                let (listed, listed_total) = store
                    .listed_items(&town(), category.as_deref(), page, per_page)
                    .await
                    .unwrap();
                assert_eq!(listed_total, total);
                assert_eq!(listed, items.iter().map(as_listed).collect::<Vec<_>>());
                let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
                let past_end = ids.is_empty();
                out.push((category.clone(), per_page, page, ids, total));
                if past_end {
                    break;
                }
                page += 1;
            }
        }
    }
    out
}

/// 130 items over two categories, many on the same day (the order then falls back on the id),
/// read page by page with and without data kept ready; then one more published through the store.
async fn lists_kept_ready_match_lists_read_afresh(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let system = Actor::system("测试");
    let items: Vec<NewItem> = (0..130)
        .map(|n| NewItem {
            title: format!("测试信息{n}"),
            category: if n % 3 == 0 {
                "政府会议"
            } else {
                "重点民生"
            }
            .into(),
            published_on: NaiveDate::from_ymd_opt(2023, 1 + (n % 5), 1 + (n % 4)).unwrap(),
            index_no: None,
            content: None,
        })
        .collect();
    store
        .insert_items(&town(), &items, By::new(&system, now()))
        .await
        .unwrap();

    let afresh = every_page(store).await;
    store.keep_ready(Some(Duration::from_secs(3600)));
    let kept = every_page(store).await;
    assert_eq!(kept, afresh);
    assert!(
        afresh
            .iter()
            .any(|(c, _, p, ids, _)| c.is_none() && *p == 7 && ids.len() == 20)
    );

    // Published through this store: on the first page at once, though the period is an hour.
    let newest = newest("最新发布的信息");
    let (_, before) = store
        .published_items(&town(), Some("政府会议"), 1, 20)
        .await
        .unwrap();
    store
        .insert_item(&town(), &newest, By::new(&system, now()))
        .await
        .unwrap();
    let (page, total) = store
        .published_items(&town(), Some("政府会议"), 1, 20)
        .await
        .unwrap();
    assert_eq!(page[0].title, "最新发布的信息");
    assert_eq!(total, before + 1);
    // The catalogue page's count of the column, kept between writes, follows the write.
    let counted = store
        .catalogue_counts(&town())
        .await
        .unwrap()
        .into_iter()
        .find(|(c, _)| c.name == "政府会议")
        .map(|(_, n)| n);
    assert_eq!(counted, Some(total));
    let kept = every_page(store).await;
    store.keep_ready(None);
    assert_eq!(kept, every_page(store).await);
}

on_both_backends!(lists_kept_ready_match_lists_read_afresh);

/// Statistics refreshed after an import leave every list as it was, and on SQLite keep no STAT4
/// samples (with them, a list's statement is prepared again at every execution).
async fn statistics_leave_lists_alone(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let before = every_page(store).await;
    store.analyze().await.unwrap();
    assert_eq!(before, every_page(store).await);
    if let gongkai_store::Pool::Sqlite(pool) = store.pool() {
        let (per_index,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sqlite_stat1")
            .fetch_one(pool)
            .await
            .unwrap();
        let (samples,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sqlite_stat4")
            .fetch_one(pool)
            .await
            .unwrap();
        assert!(per_index > 0, "the per-index figures are kept");
        assert_eq!(samples, 0, "no STAT4 samples");
    }
}

on_both_backends!(statistics_leave_lists_alone);

/// A list's items carry their metadata (on SQLite without their bodies); one item read alone has
/// both.
async fn lists_carry_metadata_not_bodies(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let (items, _) = store.published_items(&town(), None, 1, 50).await.unwrap();
    let with_summary = items
        .iter()
        .find(|i| i.content.as_ref().is_some_and(|c| !c.summary.is_empty()))
        .expect("a demo item with a summary");
    if store.backend() == gongkai_store::Backend::Sqlite {
        assert!(
            items
                .iter()
                .all(|i| i.content.as_ref().is_none_or(|c| c.body_html.is_empty()))
        );
    }
    let whole = store
        .published_item(&town(), with_summary.id)
        .await
        .unwrap()
        .unwrap();
    let whole = whole.content.unwrap();
    let listed = with_summary.content.as_ref().unwrap();
    assert!(!whole.body_html.is_empty());
    assert_eq!(
        (
            &whole.summary,
            &whole.doc_number,
            &whole.keywords,
            whole.kind
        ),
        (
            &listed.summary,
            &listed.doc_number,
            &listed.keywords,
            listed.kind
        )
    );
}

on_both_backends!(lists_carry_metadata_not_bodies);

/// A list page's 发文字号 follows every write of an item's content, whatever wrote it (on SQLite
/// the database keeps a copy beside the item, by triggers).
async fn list_doc_numbers_follow_the_content(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let (items, _) = store.published_items(&town(), None, 1, 50).await.unwrap();
    let item = items
        .iter()
        .find(|i| i.content.is_some())
        .expect("a demo item with content");
    let mut content = store
        .published_item(&town(), item.id)
        .await
        .unwrap()
        .unwrap()
        .content
        .unwrap();
    assert_ne!(content.doc_number, "西政发〔2025〕99号");
    content.doc_number = "西政发〔2025〕99号".into();
    let text = serde_json::to_string(&content).unwrap();
    // Written behind the store's back, as any future write path might.
    macro_rules! write_content {
        ($pool:expr) => {
            sqlx::query("UPDATE items SET content_json = $1 WHERE id = $2")
                .bind(&text)
                .bind(item.id)
                .execute($pool)
                .await
                .map(|_| ())
        };
    }
    match store.pool() {
        gongkai_store::Pool::Sqlite(pool) => write_content!(pool),
        gongkai_store::Pool::Postgres(pool) => write_content!(pool),
    }
    .unwrap();
    let (listed, _) = store.listed_items(&town(), None, 1, 50).await.unwrap();
    let row = listed.iter().find(|l| l.id == item.id).unwrap();
    assert_eq!(row.doc_number, "西政发〔2025〕99号");
    // A number written out of step with the content is put back in step by the database, and
    // a new row whose writer left the number out gets it from its content.
    macro_rules! out_of_step {
        ($pool:expr) => {{
            sqlx::query("UPDATE items SET doc_number = '别的文号' WHERE id = $1")
                .bind(item.id)
                .execute($pool)
                .await
                .unwrap();
            sqlx::query(
                "INSERT INTO items (agency_id, category_id, title, published_on, created_at, \
                 content_json) SELECT agency_id, category_id, '同一内容的另一条', '2026-01-01', \
                 created_at, content_json FROM items WHERE id = $1",
            )
            .bind(item.id)
            .execute($pool)
            .await
            .unwrap();
        }};
    }
    match store.pool() {
        gongkai_store::Pool::Sqlite(pool) => out_of_step!(pool),
        gongkai_store::Pool::Postgres(pool) => out_of_step!(pool),
    }
    let (listed, _) = store.listed_items(&town(), None, 1, 100).await.unwrap();
    for title in [item.title.as_str(), "同一内容的另一条"] {
        let row = listed.iter().find(|l| l.title == title).unwrap();
        assert_eq!(row.doc_number, "西政发〔2025〕99号", "{title}");
    }
    // A new item without content is listed without a number; every page still matches.
    store
        .insert_item(
            &town(),
            &NewItem {
                title: "没有内容的信息".into(),
                category: "政府会议".into(),
                published_on: NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
                index_no: None,
                content: None,
            },
            By::new(&Actor::system("测试"), now()),
        )
        .await
        .unwrap();
    let (listed, _) = store.listed_items(&town(), None, 1, 1).await.unwrap();
    assert_eq!(
        (listed[0].title.as_str(), listed[0].doc_number.as_str()),
        ("没有内容的信息", "")
    );
    every_page(store).await;
}

on_both_backends!(list_doc_numbers_follow_the_content);

/// Requests that miss one list together wait for one build of it, and all get the same pages.
async fn concurrent_misses_share_one_build(store: &Store) {
    demo::load(store, now()).await.unwrap();
    store.keep_ready(Some(Duration::from_secs(3600)));
    let before = store.lists_built();
    let pages: Vec<_> = (0..16)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.published_items(&town(), None, 1, 5).await.unwrap() })
        })
        .collect();
    let mut seen = Vec::new();
    for page in pages {
        seen.push(page.await.unwrap());
    }
    assert!(
        seen.windows(2)
            .all(|w| w[0].0.iter().map(|i| i.id).eq(w[1].0.iter().map(|i| i.id)))
    );
    assert_eq!(
        store.lists_built() - before,
        1,
        "one build for the agency's list"
    );
}

on_both_backends!(concurrent_misses_share_one_build);

/// A search page reads its hits by id: in the order asked, with agency, category, date and body,
/// an id no longer on the portal (withdrawn since the index saw it) or never there left out.
async fn found_items_come_in_the_order_asked(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let (items, _) = store.published_items(&town(), None, 1, 3).await.unwrap();
    assert_eq!(items.len(), 3);
    let ids: Vec<i64> = items.iter().rev().map(|i| i.id).collect();
    assert!(store.found_items(&[]).await.unwrap().is_empty());
    let found = store
        .found_items(&[ids[0], 999_999, ids[1], ids[2]])
        .await
        .unwrap();
    assert_eq!(found.iter().map(|f| f.id).collect::<Vec<_>>(), ids);
    let agency = store.find_agency(&town()).await.unwrap().unwrap();
    for f in &found {
        let whole = store.published_item(&town(), f.id).await.unwrap().unwrap();
        assert_eq!(
            (
                f.agency.as_str(),
                f.agency_name.as_str(),
                f.title.as_str(),
                f.category.as_str(),
                f.published_on,
                f.body_html.as_str()
            ),
            (
                demo::TOWN_SLUG,
                agency.name.as_str(),
                whole.title.as_str(),
                whole.category.as_str(),
                whole.published_on,
                whole.content.as_ref().map_or("", |c| c.body_html.as_str())
            )
        );
    }
    macro_rules! withdraw {
        ($pool:expr) => {
            sqlx::query("UPDATE items SET withdrawn_on = $1 WHERE id = $2")
                .bind(NaiveDate::from_ymd_opt(2025, 3, 20).unwrap())
                .bind(ids[1])
                .execute($pool)
                .await
                .map(|_| ())
        };
    }
    match store.pool() {
        gongkai_store::Pool::Sqlite(pool) => withdraw!(pool),
        gongkai_store::Pool::Postgres(pool) => withdraw!(pool),
    }
    .unwrap();
    let found = store.found_items(&ids).await.unwrap();
    assert_eq!(
        found.iter().map(|f| f.id).collect::<Vec<_>>(),
        [ids[0], ids[2]]
    );
}

on_both_backends!(found_items_come_in_the_order_asked);

/// With no period (the server's `--page-cache off`), what is kept is checked against the
/// database at every use: an item published by another process is listed at the next read, and
/// between writes a list is built once and paged from its stretch starts.
async fn with_no_period_another_process_is_seen_at_once(db: &gongkai_store::testing::TestDb) {
    let store = &db.store;
    demo::load(store, now()).await.unwrap();
    store.keep_ready(Some(Duration::ZERO));
    let (first, total) = store.listed_items(&town(), None, 1, 20).await.unwrap();
    let built = store.lists_built();
    assert_eq!(
        store.listed_items(&town(), None, 1, 20).await.unwrap(),
        (first, total)
    );
    assert_eq!(store.lists_built(), built, "kept while nothing is written");

    // The catalogue's counts are kept too, and follow the other process's item at once.
    let meetings = |counts: Vec<(gongkai_core::catalogue::Column, i64)>| {
        counts
            .into_iter()
            .find(|(c, _)| c.name == "政府会议")
            .map(|(_, n)| n)
            .unwrap()
    };
    let counted = meetings(store.catalogue_counts(&town()).await.unwrap());
    assert_eq!(
        meetings(store.catalogue_counts(&town()).await.unwrap()),
        counted
    );

    let other = Store::connect(&db.url).await.unwrap();
    published_elsewhere(&other, "另一进程发布的信息").await;
    assert_eq!(
        meetings(store.catalogue_counts(&town()).await.unwrap()),
        counted + 1
    );
    let (page, after) = store.listed_items(&town(), None, 1, 20).await.unwrap();
    assert_eq!(page[0].title, "另一进程发布的信息");
    assert_eq!(after, total + 1);
    assert_eq!(store.lists_built(), built + 1);

    // In one request's scope the version is read once: its reads stand on it, and the next
    // request sees what was written meanwhile.
    let (during, seen) = store
        .one_version(async {
            let before = store.listed_items(&town(), None, 1, 20).await.unwrap();
            published_elsewhere(&other, "请求期间发布的信息").await;
            (
                before,
                store.listed_items(&town(), None, 1, 20).await.unwrap(),
            )
        })
        .await;
    assert_eq!(during, seen);
    let (page, _) = store.listed_items(&town(), None, 1, 20).await.unwrap();
    assert_eq!(page[0].title, "请求期间发布的信息");

    // A year's published reports are kept as well: a correction another process publishes is
    // the version shown at the next read.
    demo::publish(store, now()).await.unwrap();
    let year = 2024;
    let shown = |p: gongkai_store::PublicReport| {
        (
            p.publications().len(),
            p.publications().last().map(|v| v.note.clone()),
        )
    };
    let first = store
        .public_report(&town(), year, false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(shown(first.clone()), (1, Some(String::new())));
    let report = first.report().clone();
    other
        .publish_report(
            &town(),
            &report,
            "更正第三部分的数字",
            By::new(&Actor::system("测试"), now()),
            NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
        )
        .await
        .unwrap();
    let corrected = store
        .public_report(&town(), year, false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(shown(corrected), (2, Some("更正第三部分的数字".to_owned())));
}

#[tokio::test]
async fn with_no_period_another_process_is_seen_at_once_sqlite() {
    with_no_period_another_process_is_seen_at_once(&gongkai_store::testing::TestDb::sqlite().await)
        .await;
}

#[tokio::test]
async fn with_no_period_another_process_is_seen_at_once_postgres() {
    if let Some(db) = gongkai_store::testing::TestDb::postgres().await {
        with_no_period_another_process_is_seen_at_once(&db).await;
    }
}

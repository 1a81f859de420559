//! Two server processes, two search indexes: what one publishes or withdraws reaches the other's
//! index through a `gongkai_jobs::index::Follower` (on both backends).

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use common::{TOWN_B, publish_item, world};
use gongkai_core::Slug;
use gongkai_core::audit::Actor;
use gongkai_core::item::{ReviewStep, Reviewer};
use gongkai_jobs::index::Follower;
use gongkai_search::{SearchIndex, SearchQuery};
use gongkai_store::By;
use gongkai_store::{Store, on_both_backends};

fn hits(index: &SearchIndex, text: &str) -> Vec<i64> {
    index
        .search(&SearchQuery {
            text: text.into(),
            page: 1,
            per_page: 50,
            ..SearchQuery::default()
        })
        .unwrap()
        .ids
}

/// This process's index as a server has it when it starts following: complete (rebuilt), and
/// where it follows from, read first.
async fn started(store: &Store) -> (std::sync::Arc<SearchIndex>, (i64, i64)) {
    let start = store.items_change_position().await.unwrap();
    let index = std::sync::Arc::new(SearchIndex::open(None).unwrap());
    gongkai_jobs::index::rebuild(store, &index, |_, _| {})
        .await
        .unwrap();
    (index, start)
}

/// The hits for `text`, in id order.
fn sorted_hits(index: &SearchIndex, text: &str) -> Vec<i64> {
    let mut ids = hits(index, text);
    ids.sort_unstable();
    ids
}

async fn another_process_publication_reaches_this_index(store: &Store) {
    let w = world(store).await;
    let town = Slug::parse(TOWN_B).unwrap();
    let (index, start) = started(store).await;
    let before = sorted_hits(&index, "党委会议");
    // "Another process" publishes an item.
    let ((draft, item), _) = publish_item(store, &town, &w.users, w.clock_now()).await;
    assert_eq!(sorted_hits(&index, "党委会议"), before);
    let mut follower = Follower::new(start);
    follower.round(store, &index).await.unwrap();
    let position = follower.position();
    assert!(position > start);
    let mut expected = before.clone();
    expected.push(item);
    expected.sort_unstable();
    assert_eq!(sorted_hits(&index, "党委会议"), expected);
    // Nothing new: nothing changes, the position stays.
    follower.round(store, &index).await.unwrap();
    assert_eq!(follower.position(), position);
    // It withdraws the item: gone here too.
    w.clock.advance(chrono::Duration::seconds(5));
    store
        .review_item(
            &town,
            draft,
            &ReviewStep::Withdraw {
                reason: "内容有误".into(),
                public: false,
            },
            Reviewer {
                user_id: w.users["root"],
                drafter: true,
                first: true,
                final_: true,
            },
            By::new(&Actor::system("另一进程"), w.clock_now()),
            w.clock_now().date_naive(),
        )
        .await
        .unwrap();
    follower.round(store, &index).await.unwrap();
    assert_eq!(sorted_hits(&index, "党委会议"), before);
}

/// A change whose time is behind what this index has followed already — written by a server
/// whose clock is a little behind, or by a transaction that began first and committed last —
/// still reaches the index, and is applied once.
async fn a_change_behind_the_position_still_arrives_once(store: &Store) {
    let w = world(store).await;
    let town = Slug::parse(TOWN_B).unwrap();
    let (index, start) = started(store).await;
    let before = sorted_hits(&index, "党委会议");
    let mut follower = Follower::new(start);
    // Its first round applies again what lies inside the look-back: harmless, as at a start.
    follower.round(store, &index).await.unwrap();
    assert_eq!(follower.round(store, &index).await.unwrap(), 0);
    let ((_, first), _) = publish_item(store, &town, &w.users, w.clock_now()).await;
    assert_eq!(follower.round(store, &index).await.unwrap(), 1);
    // Another server, its clock five seconds behind this one's, publishes now.
    let behind = w.clock_now() - chrono::Duration::seconds(5);
    let ((_, second), _) = publish_item(store, &town, &w.users, behind).await;
    assert_eq!(follower.round(store, &index).await.unwrap(), 1);
    let mut expected = before.clone();
    expected.extend([first, second]);
    expected.sort_unstable();
    assert_eq!(sorted_hits(&index, "党委会议"), expected);
    // Applied once: the rounds after it find nothing new, though both are inside the look-back.
    assert_eq!(follower.round(store, &index).await.unwrap(), 0);
    assert_eq!(follower.round(store, &index).await.unwrap(), 0);
}

/// A rebuild reads the items batch by batch (1,000 at a time): every item of a list longer than
/// two batches is indexed, the last one included, and nothing else.
async fn a_rebuild_indexes_every_item_batch_by_batch(store: &Store) {
    let _w = world(store).await;
    let town = Slug::parse(TOWN_B).unwrap();
    let category = store.categories(&town).await.unwrap()[0].clone();
    let items: Vec<gongkai_store::NewItem> = (1..=2_345)
        .map(|n| gongkai_store::NewItem {
            title: format!("批量导入的第{n}号通知"),
            category: category.clone(),
            published_on: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            index_no: None,
            content: None,
        })
        .collect();
    let actor = Actor::system("测试");
    store
        .insert_items(&town, &items, By::new(&actor, chrono::Utc::now()))
        .await
        .unwrap();
    let index = std::sync::Arc::new(SearchIndex::open(None).unwrap());
    let mut seen = Vec::new();
    let n = gongkai_jobs::index::rebuild(store, &index, |done, total| seen.push((done, total)))
        .await
        .unwrap();
    let published = usize::try_from(store.published_count().await.unwrap()).unwrap();
    assert_eq!(n, published);
    assert_eq!(usize::try_from(index.len()).unwrap(), published);
    assert!(seen.len() >= 3, "progress after each batch: {seen:?}");
    assert_eq!(seen.last(), Some(&(published, published)));
    assert_eq!(hits(&index, "第2345号通知").len(), 1);
}

on_both_backends!(
    another_process_publication_reaches_this_index,
    a_change_behind_the_position_still_arrives_once,
    a_rebuild_indexes_every_item_batch_by_batch
);

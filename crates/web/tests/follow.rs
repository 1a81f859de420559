//! Two server processes, two search indexes: what one publishes or withdraws reaches the other's
//! index through `search::follow_once` (on both backends).

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use common::{TOWN_B, publish_item, world};
use gongkai_core::Slug;
use gongkai_core::audit::Actor;
use gongkai_core::item::{ReviewStep, Reviewer};
use gongkai_jobs::index::follow_once;
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
        .hits
        .iter()
        .map(|h| h.id)
        .collect()
}

async fn another_process_publication_reaches_this_index(store: &Store) {
    let w = world(store).await;
    let town = Slug::parse(TOWN_B).unwrap();
    // This process's index, and where it starts following.
    let index = SearchIndex::open(None).unwrap();
    let start = store.items_change_position().await.unwrap();
    // "Another process" publishes an item.
    let ((draft, item), _) = publish_item(store, &town, &w.users, w.clock_now()).await;
    assert!(hits(&index, "党委会议").is_empty());
    let position = follow_once(store, &index, start).await.unwrap();
    assert!(position > start);
    assert_eq!(hits(&index, "党委会议"), [item]);
    // Nothing new: nothing changes, the position stays.
    assert_eq!(
        follow_once(store, &index, position).await.unwrap(),
        position
    );
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
    follow_once(store, &index, position).await.unwrap();
    assert!(hits(&index, "党委会议").is_empty());
}

on_both_backends!(another_process_publication_reaches_this_index);

//! Two server processes, two search indexes: what one publishes or withdraws reaches the other's
//! index through a `gongkai_jobs::index::Follower` (on both backends).

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use common::{TOWN_B, imported_into_town_b, new_item, publish_item, world};
use gongkai_core::Slug;
use gongkai_core::audit::Actor;
use gongkai_core::item::{ReviewStep, Reviewer};
use gongkai_jobs::index::{Follower, start_following};
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

/// One round of `follower` at the world's time: how many changes it applied.
async fn applied(
    follower: &mut Follower,
    store: &Store,
    index: &SearchIndex,
    w: &common::World,
) -> usize {
    follower
        .round(store, index, w.clock_now().timestamp_millis())
        .await
        .unwrap()
        .applied
}

/// "Another process" withdraws the item of `draft` at the world's time.
async fn withdraw(store: &Store, w: &common::World, town: &Slug, draft: i64) {
    store
        .review_item(
            town,
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
    applied(&mut follower, store, &index, &w).await;
    let position = follower.position();
    assert!(position > start);
    let mut expected = before.clone();
    expected.push(item);
    expected.sort_unstable();
    assert_eq!(sorted_hits(&index, "党委会议"), expected);
    // Nothing new: nothing changes, the position stays.
    applied(&mut follower, store, &index, &w).await;
    assert_eq!(follower.position(), position);
    // It withdraws the item: gone here too.
    w.clock.advance(chrono::Duration::seconds(5));
    withdraw(store, &w, &town, draft).await;
    applied(&mut follower, store, &index, &w).await;
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
    applied(&mut follower, store, &index, &w).await;
    assert_eq!(applied(&mut follower, store, &index, &w).await, 0);
    let ((_, first), _) = publish_item(store, &town, &w.users, w.clock_now()).await;
    assert_eq!(applied(&mut follower, store, &index, &w).await, 1);
    // Another server, its clock five seconds behind this one's, publishes now.
    let behind = w.clock_now() - chrono::Duration::seconds(5);
    let ((_, second), _) = publish_item(store, &town, &w.users, behind).await;
    assert_eq!(applied(&mut follower, store, &index, &w).await, 1);
    let mut expected = before.clone();
    expected.extend([first, second]);
    expected.sort_unstable();
    assert_eq!(sorted_hits(&index, "党委会议"), expected);
    // Applied once: the rounds after it find nothing new, though both are inside the look-back.
    assert_eq!(applied(&mut follower, store, &index, &w).await, 0);
    assert_eq!(applied(&mut follower, store, &index, &w).await, 0);
}

/// A rebuild reads the items batch by batch (1,000 at a time): every item of a list longer than
/// two batches is indexed, the last one included, and nothing else.
async fn a_rebuild_indexes_every_item_batch_by_batch(store: &Store) {
    let _w = world(store).await;
    imported_into_town_b(store, 2_345, |n| format!("批量导入的第{n}号通知")).await;
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

/// An import's items, long committed, are not read again by the rounds after it (measured from
/// the position, the look-back kept an import whose items share one stamp inside it for good, and
/// every round read the whole import again).
async fn an_import_long_committed_is_not_read_again(store: &Store) {
    let w = world(store).await;
    let town = Slug::parse(TOWN_B).unwrap();
    let category = store.categories(&town).await.unwrap()[0].clone();
    let items: Vec<gongkai_store::NewItem> = (1..=1_200)
        .map(|n| new_item(&category, &format!("批量导入的第{n}号公告")))
        .collect();
    let (index, start) = started(store).await;
    let mut follower = Follower::new(start);
    let at = |w: &common::World| w.clock_now().timestamp_millis();
    follower.round(store, &index, at(&w)).await.unwrap();
    // Later, another process imports; this one follows it in.
    w.clock.advance(chrono::Duration::seconds(30));
    store
        .insert_items(
            &town,
            &items,
            By::new(&Actor::system("另一进程"), w.clock_now()),
        )
        .await
        .unwrap();
    let round = follower.round(store, &index, at(&w)).await.unwrap();
    assert_eq!((round.read, round.applied), (1_200, 1_200));
    assert_eq!(hits(&index, "第1200号公告").len(), 1);
    // Inside the look-back it is read again, and applied no more.
    let round = follower.round(store, &index, at(&w)).await.unwrap();
    assert_eq!(round.applied, 0);
    // Past it, nothing is read.
    w.clock.advance(chrono::Duration::seconds(30));
    let round = follower.round(store, &index, at(&w)).await.unwrap();
    assert_eq!((round.read, round.applied), (0, 0));
}

/// A server started again follows on from where its index stands: what another server changed
/// while it was down reaches its index, though the number of items is the same (no rebuild).
async fn a_server_started_again_catches_up_on_what_changed_while_it_was_down(store: &Store) {
    let w = world(store).await;
    let town = Slug::parse(TOWN_B).unwrap();
    let dir = std::env::temp_dir().join(format!(
        "gongkai-follow-restart-{}-{}",
        std::process::id(),
        store.backend() == gongkai_store::Backend::Postgres
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let ((draft, first), _) = publish_item(store, &town, &w.users, w.clock_now()).await;
    let before = {
        let index = std::sync::Arc::new(SearchIndex::open(Some(&dir)).unwrap());
        let mut follower = start_following(store, &index).await.unwrap();
        applied(&mut follower, store, &index, &w).await;
        assert!(sorted_hits(&index, "党委会议").contains(&first));
        index.len()
    };
    // While it is down, another server publishes one item and withdraws another.
    w.clock.advance(chrono::Duration::seconds(60));
    let ((_, second), _) = publish_item(store, &town, &w.users, w.clock_now()).await;
    w.clock.advance(chrono::Duration::seconds(60));
    withdraw(store, &w, &town, draft).await;
    w.clock.advance(chrono::Duration::seconds(60));
    let index = std::sync::Arc::new(SearchIndex::open(Some(&dir)).unwrap());
    let mut follower = start_following(store, &index).await.unwrap();
    assert_eq!(index.len(), before, "the same count: not rebuilt");
    applied(&mut follower, store, &index, &w).await;
    let found = sorted_hits(&index, "党委会议");
    assert!(found.contains(&second), "{found:?}");
    assert!(!found.contains(&first), "{found:?}");
    drop(index);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A search page kept by the page cache is not served again once this process's index has
/// followed a change in: the index follows a moment after the database has the change, and a page
/// rendered between the two was kept, stale, until the next write or for five minutes.
async fn a_cached_search_page_is_not_kept_past_the_index_changing(store: &Store) {
    let w = world(store).await;
    let town = Slug::parse(TOWN_B).unwrap();
    let (_, item_id) = w.b_item;
    let item = store.published_item(&town, item_id).await.unwrap().unwrap();
    let index = std::sync::Arc::new(SearchIndex::open(None).unwrap());
    let app = gongkai_web::router(gongkai_web::Services {
        store: store.clone(),
        clock: w.clock.clone(),
        settings: std::sync::Arc::new(common::settings()),
        calendar: std::sync::Arc::new(gongkai_core::calendar::Calendar::built_in()),
        search: index.clone(),
    });
    let mut visitor = common::Client::new(&app);
    let url = format!(
        "/search?q={}",
        form_urlencoded::byte_serialize(item.title.as_bytes()).collect::<String>()
    );
    // Asked for three times: kept from the second, served from the cache at the third.
    for _ in 0..3 {
        let page = visitor.get(&url).await;
        assert!(page.body.contains("找到 0 条结果"), "{}", page.body);
    }
    // The follower applies the item (no write to the database through this process).
    index
        .apply(
            &[Ok(gongkai_jobs::index::document(TOWN_B, &item))],
            (1, item_id),
        )
        .unwrap();
    let page = visitor.get(&url).await;
    assert!(page.body.contains("找到 1 条结果"), "{}", page.body);
}

/// A write held up by a lock for longer than the look-back, committed after another change has
/// moved the position past its stamp, still reaches the index (an operator's walk: an import
/// waiting 24 s on the agency's 索引号 counter was never followed). PostgreSQL only: SQLite has one
/// writer at a time, stamped as it begins. Runs on real time, since the database's clock says
/// when the held-up transaction began.
async fn a_write_held_up_past_the_look_back_still_arrives(store: &Store) {
    let gongkai_store::Pool::Postgres(pool) = store.pool() else {
        return;
    };
    let pool = pool.clone();
    let _w = world(store).await;
    let town = Slug::parse(TOWN_B).unwrap();
    let category = store.categories(&town).await.unwrap()[0].clone();
    let (index, start) = started(store).await;
    let mut follower = Follower::new(start);
    let now = || chrono::Utc::now().timestamp_millis();
    follower.round(store, &index, now()).await.unwrap();
    // Another session holds the 索引号 counters; an import that brings 索引号 waits on them.
    let mut holder = pool.begin().await.unwrap();
    sqlx::query("LOCK TABLE index_serials IN EXCLUSIVE MODE")
        .execute(&mut *holder)
        .await
        .unwrap();
    let held = {
        let store = store.clone();
        let town = town.clone();
        let item = gongkai_store::NewItem {
            index_no: Some("11370323004345133C/2024-09100".into()),
            ..new_item(&category, "铜鼎村迟到的导入公告")
        };
        tokio::spawn(async move {
            store
                .insert_items(
                    &town,
                    &[item],
                    By::new(&Actor::system("导入"), chrono::Utc::now()),
                )
                .await
        })
    };
    // Rounds go on while it waits, past the look-back; another change moves the position on.
    for _ in 0..12 {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        follower.round(store, &index, now()).await.unwrap();
    }
    store
        .insert_items(
            &town,
            &[new_item(&category, "准时的公告")],
            By::new(&Actor::system("另一进程"), chrono::Utc::now()),
        )
        .await
        .unwrap();
    follower.round(store, &index, now()).await.unwrap();
    assert_eq!(hits(&index, "准时的公告").len(), 1);
    holder.commit().await.unwrap();
    held.await.unwrap().unwrap();
    follower.round(store, &index, now()).await.unwrap();
    assert_eq!(hits(&index, "铜鼎村迟到的导入公告").len(), 1);
}

on_both_backends!(
    a_write_held_up_past_the_look_back_still_arrives,
    a_cached_search_page_is_not_kept_past_the_index_changing,
    another_process_publication_reaches_this_index,
    a_change_behind_the_position_still_arrives_once,
    a_rebuild_indexes_every_item_batch_by_batch,
    an_import_long_committed_is_not_read_again,
    a_server_started_again_catches_up_on_what_changed_while_it_was_down
);

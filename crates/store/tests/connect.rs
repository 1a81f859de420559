//! What an operator reads when the database cannot be reached: the cause, once, and what to
//! check, at once rather than after the pool's ten-second timeout.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

use std::time::{Duration, Instant};

use gongkai_store::testing::database_url;
use gongkai_store::{Store, StoreError};

/// A port on which nothing listens (taken from the system, then let go).
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn refusal(url: &str) -> (StoreError, Duration) {
    let started = Instant::now();
    let Err(e) = Store::connect(url).await else {
        panic!("connected to {url}");
    };
    (e, started.elapsed())
}

#[tokio::test]
async fn a_server_that_is_not_there_is_named_at_once() {
    let url = format!("postgres://postgres@127.0.0.1:{}/gongkai", closed_port());
    let (e, took) = refusal(&url).await;
    assert!(matches!(e, StoreError::Unavailable { .. }), "{e:?}");
    // The pool alone waited its whole timeout (10 s) and then said only that it timed out.
    assert!(took < Duration::from_secs(8), "took {took:?}");
    let text = e.to_string();
    assert!(text.contains("PostgreSQL 已启动"), "{text}");
    assert!(text.contains("GONGKAI_DATABASE_URL"), "{text}");
    assert!(!text.contains("pool timed out"), "{text}");
    // Said once: the cause is in the text, not also a source a printed chain would repeat.
    assert!(std::error::Error::source(&e).is_none());
}

#[tokio::test]
async fn a_sqlite_file_that_cannot_be_opened_says_what_to_check() {
    // A folder where the file should be.
    let dir = tempfile::tempdir().unwrap();
    let (e, _) = refusal(&format!("sqlite://{}", dir.path().display())).await;
    let text = e.to_string();
    assert!(text.contains("无法打开数据库文件"), "{text}");
}

#[tokio::test]
async fn a_sqlite_folder_that_cannot_be_made_is_named_as_such() {
    // A file where a folder of the path should be.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "").unwrap();
    let (e, _) = refusal(&format!("sqlite://{}/data/gongkai.db", file.display())).await;
    assert!(matches!(e, StoreError::Folder(_)), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("无法创建数据库文件夹"), "{text}");
    assert!(!text.contains("地址无效"), "{text}");
}

#[tokio::test]
async fn postgres_a_missing_database_or_user_is_named_with_what_to_do() {
    let Ok(admin) = std::env::var("GONGKAI_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("GONGKAI_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "GONGKAI_REQUIRE_POSTGRES=1 but GONGKAI_TEST_POSTGRES_URL is not set"
        );
        eprintln!("note: GONGKAI_TEST_POSTGRES_URL not set; PostgreSQL half skipped");
        return;
    };
    let (e, _) = refusal(&database_url(&admin, "gongkai_no_such_database")).await;
    let text = e.to_string();
    assert!(text.contains("该数据库不存在"), "{text}");
    assert!(text.contains("gongkai_no_such_database"), "{text}");

    // The same server with a user it does not know.
    let (scheme, rest) = admin.split_once("://").unwrap();
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let (e, _) = refusal(&format!("{scheme}://gongkai_no_such_role@{host}")).await;
    let text = e.to_string();
    assert!(
        text.contains("该用户不存在") || text.contains("密码错误"),
        "{text}"
    );
}

/// What `gongkai audit verify` asks before it checks a database it must not change.
#[tokio::test]
async fn a_database_knows_which_migrations_it_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("new.db").display());
    let store = Store::connect(&url).await.unwrap();
    let all = store.pending_migrations().await.unwrap();
    assert!(all > 20, "{all}");
    store.migrate().await.unwrap();
    assert_eq!(store.pending_migrations().await.unwrap(), 0);
    if let Some(db) = gongkai_store::testing::TestDb::postgres().await {
        assert_eq!(db.store.pending_migrations().await.unwrap(), 0);
    }
}

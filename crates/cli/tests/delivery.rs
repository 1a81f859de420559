//! Delivery of published items to a signed webhook and a WeChat official account, against stub
//! servers this test starts, on both backends. The webhook is down at first and the WeChat stub
//! revokes its access token once; the server is killed with SIGKILL in the middle of delivering
//! and started again. Afterwards every item has reached every channel exactly once by delivery id,
//! and WeChat published each item once.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use common::{free_port, start};
use gongkai_core::Slug;
use gongkai_core::audit::Actor;
use gongkai_core::item::{Attribute, DocKind, ItemContent, Reviewer};
use gongkai_jobs::deliver::{WebhookConfig, WechatConfig, signature};
use gongkai_store::By;
use gongkai_store::{NewUser, Store, demo};
use serde_json::{Value, json};

const SECRET: &str = "webhook-secret-for-tests";

#[derive(Default)]
struct Stub {
    webhook_down: AtomicBool,
    /// (delivery id, item id) of every accepted webhook call, repeats included.
    webhook_calls: Mutex<Vec<(String, i64)>>,
    bad_signatures: AtomicU32,
    tokens_issued: AtomicU32,
    revoke_next: AtomicBool,
    current_token: Mutex<String>,
    drafts: Mutex<BTreeMap<String, String>>,
    /// Titles published, repeats included.
    published: Mutex<Vec<String>>,
    covers: AtomicU32,
    drafts_made: AtomicU32,
    /// The cover each article was given, by title.
    thumbs: Mutex<BTreeMap<String, String>>,
}

async fn webhook(State(s): State<Arc<Stub>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    // Slow enough that a kill lands mid-delivery.
    tokio::time::sleep(Duration::from_millis(30)).await;
    if s.webhook_down.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let sig = headers["x-gongkai-signature"].to_str().unwrap();
    if sig != signature(SECRET, &body) {
        s.bad_signatures.fetch_add(1, Ordering::SeqCst);
        return StatusCode::UNAUTHORIZED;
    }
    let v: Value = serde_json::from_slice(&body).unwrap();
    let id = headers["x-gongkai-delivery"].to_str().unwrap().to_owned();
    assert_eq!(v["delivery_id"], id);
    s.webhook_calls
        .lock()
        .unwrap()
        .push((id, v["item"]["id"].as_i64().unwrap()));
    StatusCode::NO_CONTENT
}

async fn token(
    State(s): State<Arc<Stub>>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Json<Value> {
    assert_eq!(q["appid"], "wx-test-app");
    assert_eq!(q["secret"], "wx-test-secret");
    let n = s.tokens_issued.fetch_add(1, Ordering::SeqCst) + 1;
    let t = format!("token-{n}");
    (*s.current_token.lock().unwrap()).clone_from(&t);
    Json(json!({ "access_token": t, "expires_in": 7200 }))
}

fn token_ok(s: &Stub, q: &BTreeMap<String, String>) -> bool {
    if s.revoke_next.swap(false, Ordering::SeqCst) {
        s.current_token.lock().unwrap().clear();
    }
    q.get("access_token") == Some(&*s.current_token.lock().unwrap())
}

async fn material(
    State(s): State<Arc<Stub>>,
    Query(q): Query<BTreeMap<String, String>>,
    body: Bytes,
) -> Json<Value> {
    if !token_ok(&s, &q) {
        return Json(json!({ "errcode": 40001, "errmsg": "invalid credential" }));
    }
    assert_eq!(q["type"], "image");
    assert!(
        body.windows(4).any(|w| w == b"\x89PNG"),
        "an image is uploaded"
    );
    let n = s.covers.fetch_add(1, Ordering::SeqCst);
    Json(json!({ "media_id": format!("cover-{n}"), "url": "http://example/cover.png" }))
}

async fn draft(
    State(s): State<Arc<Stub>>,
    Query(q): Query<BTreeMap<String, String>>,
    Json(v): Json<Value>,
) -> Json<Value> {
    if !token_ok(&s, &q) {
        return Json(json!({ "errcode": 42001, "errmsg": "access_token expired" }));
    }
    let article = &v["articles"][0];
    assert!(
        article["thumb_media_id"]
            .as_str()
            .unwrap()
            .starts_with("cover-")
    );
    let title = article["title"].as_str().unwrap().to_owned();
    s.thumbs.lock().unwrap().insert(
        title.clone(),
        article["thumb_media_id"].as_str().unwrap().to_owned(),
    );
    let id = format!("draft-{}", s.drafts_made.fetch_add(1, Ordering::SeqCst));
    s.drafts.lock().unwrap().insert(id.clone(), title);
    Json(json!({ "media_id": id }))
}

async fn publish(
    State(s): State<Arc<Stub>>,
    Query(q): Query<BTreeMap<String, String>>,
    Json(v): Json<Value>,
) -> Json<Value> {
    if !token_ok(&s, &q) {
        return Json(json!({ "errcode": 40001, "errmsg": "invalid credential" }));
    }
    // Like WeChat: a draft is consumed by its publication.
    let Some(title) = s
        .drafts
        .lock()
        .unwrap()
        .remove(v["media_id"].as_str().unwrap())
    else {
        return Json(json!({ "errcode": 40007, "errmsg": "invalid media_id" }));
    };
    s.published.lock().unwrap().push(title);
    // Answer slowly, so that the kill lands between WeChat's publication and the sender's record
    // of it: the restarted sender must recognise the lost answer, not publish again.
    tokio::time::sleep(Duration::from_millis(300)).await;
    Json(json!({ "errcode": 0, "errmsg": "ok", "publish_id": "2247483" }))
}

async fn serve(stub: Arc<Stub>) -> String {
    let app = Router::new()
        .route("/hook", post(webhook))
        .route("/cgi-bin/token", get(token))
        .route("/cgi-bin/material/add_material", post(material))
        .route("/cgi-bin/draft/add", post(draft))
        .route("/cgi-bin/freepublish/submit", post(publish))
        .with_state(stub);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn now() -> DateTime<Utc> {
    Utc::now()
}

async fn user(store: &Store, name: &str) -> (i64, Actor) {
    let id = store
        .create_user(
            &NewUser {
                username: name.into(),
                display_name: name.into(),
                password_hash: "x".into(),
                is_system_admin: false,
                must_change_password: false,
            },
            By::new(&Actor::system("测试"), now()),
        )
        .await
        .unwrap();
    (id, Actor::user(id, name, name))
}

/// A PNG picture (1×1), as a photo attached to an item would be.
const PICTURE: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x08, 0xd7, 0x63, 0x60, 0x60, 0x60, 0x00,
    0x00, 0x00, 0x04, 0x00, 0x01, 0x27, 0x34, 0x27, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

async fn publish_item(
    store: &Store,
    town: &Slug,
    title: &str,
    people: &[(i64, Actor); 3],
    picture: bool,
) -> i64 {
    let content = ItemContent {
        title: title.into(),
        formed_on: Some(now().date_naive()),
        attribute: Some(Attribute::Proactive),
        category: "政府会议".into(),
        kind: Some(DocKind::Other),
        summary: format!("{title}概述"),
        body_html: format!("<p>{title}正文</p>"),
        ..ItemContent::default()
    };
    let draft = store
        .create_item_draft(town, &content, By::new(&people[0].1, now()))
        .await
        .unwrap();
    if picture {
        store
            .add_attachment(
                town,
                draft,
                gongkai_store::Upload {
                    name: "现场照片.png",
                    content_type: "image/png",
                    bytes: PICTURE,
                },
                By::new(&people[0].1, now()),
            )
            .await
            .unwrap();
    }
    let who = |user_id| Reviewer {
        user_id,
        drafter: true,
        first: true,
        final_: true,
    };
    gongkai_store::testing::review_through(
        store,
        town,
        draft,
        [
            (who(people[0].0), &people[0].1),
            (who(people[1].0), &people[1].1),
            (who(people[2].0), &people[2].1),
        ],
        now(),
        now().date_naive(),
    )
    .await
}

async fn every_item_reaches_every_channel_exactly_once(store: &Store, url: &str) {
    demo::load(store, now()).await.unwrap();
    let town = Slug::parse(demo::TOWN_SLUG).unwrap();
    let stub = Arc::new(Stub::default());
    let base = serve(stub.clone()).await;
    let admin = Actor::system("测试");
    store
        .add_channel(
            &town,
            "webhook",
            "县政务公开平台",
            &serde_json::to_string(&WebhookConfig {
                url: format!("{base}/hook"),
                secret: SECRET.into(),
            })
            .unwrap(),
            By::new(&admin, now()),
        )
        .await
        .unwrap();
    store
        .add_channel(
            &town,
            "wechat",
            "幸福西里",
            &serde_json::to_string(&WechatConfig {
                api_base: base.clone(),
                appid: "wx-test-app".into(),
                secret: "wx-test-secret".into(),
                site: "https://www.example.gov.cn".into(),
            })
            .unwrap(),
            By::new(&admin, now()),
        )
        .await
        .unwrap();
    let people = [
        user(store, "qicao").await,
        user(store, "keshi").await,
        user(store, "fenguan").await,
    ];
    stub.webhook_down.store(true, Ordering::SeqCst);
    let mut items = BTreeSet::new();
    for n in 0..8 {
        items.insert(
            publish_item(
                store,
                &town,
                &format!("第{n}次镇长办公会议纪要"),
                &people,
                n == 5,
            )
            .await,
        );
    }
    // Items published before the channels existed (the demo's) are not delivered.
    assert_eq!(store.deliveries(&town).await.unwrap().len(), 16);

    // The first server: WeChat goes through (once its token is revoked and refreshed), the
    // webhook is down; the server is killed in the middle of delivering.
    stub.revoke_next.store(true, Ordering::SeqCst);
    let port = free_port();
    let search = tempfile::tempdir().unwrap();
    let mut server = start(url, port, search.path(), &["--work-lease", "2"]);
    for _ in 0..400 {
        if stub.published.lock().unwrap().len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    let published_before = stub.published.lock().unwrap().len();
    assert!(
        published_before < 8,
        "killed before it finished ({published_before} published)"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    stub.webhook_down.store(false, Ordering::SeqCst);

    // A restarted server finishes the rest.
    let mut server = start(url, port, search.path(), &["--work-lease", "2"]);
    for _ in 0..600 {
        let pending = store
            .deliveries(&town)
            .await
            .unwrap()
            .iter()
            .filter(|d| d.done_ms.is_none())
            .count();
        if pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let rows = store.deliveries(&town).await.unwrap();
    assert!(rows.iter().all(|d| d.done_ms.is_some()), "{rows:?}");
    assert!(
        rows.iter().any(|d| d.attempts > 1),
        "the webhook was down: some deliveries needed another attempt"
    );

    // Webhook: each item under one delivery id (repeats of the same id are the receiver's to
    // ignore), every signature valid.
    let calls = stub.webhook_calls.lock().unwrap().clone();
    let mut ids_per_item: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    for (id, item) in &calls {
        ids_per_item.entry(*item).or_default().insert(id.clone());
    }
    assert_eq!(ids_per_item.keys().copied().collect::<BTreeSet<_>>(), items);
    assert!(
        ids_per_item.values().all(|ids| ids.len() == 1),
        "{ids_per_item:?}"
    );
    assert_eq!(stub.bad_signatures.load(Ordering::SeqCst), 0);

    // WeChat: every item published exactly once; the revoked token was refreshed.
    let mut published = stub.published.lock().unwrap().clone();
    published.sort();
    let mut expected: Vec<String> = (0..8).map(|n| format!("第{n}次镇长办公会议纪要")).collect();
    expected.sort();
    assert_eq!(published, expected);
    // The item with a photo has it as its cover; the others share the neutral cover, uploaded once.
    assert_eq!(stub.covers.load(Ordering::SeqCst), 2);
    let thumbs = stub.thumbs.lock().unwrap().clone();
    let photo = &thumbs["第5次镇长办公会议纪要"];
    assert!(
        thumbs
            .iter()
            .filter(|(title, _)| title.as_str() != "第5次镇长办公会议纪要")
            .all(|(_, t)| t != photo),
        "{thumbs:?}"
    );
    assert!(stub.tokens_issued.load(Ordering::SeqCst) >= 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_delivers_every_item_once_through_sigkill() {
    let db = gongkai_store::testing::TestDb::sqlite().await;
    every_item_reaches_every_channel_exactly_once(&db.store, &db.url).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_delivers_every_item_once_through_sigkill() {
    let Some(db) = gongkai_store::testing::TestDb::postgres().await else {
        return;
    };
    every_item_reaches_every_channel_exactly_once(&db.store, &db.url).await;
}

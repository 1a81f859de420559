//! Several servers on one database: three `gongkai serve` processes started at the same moment
//! with the same command line on a new database (one of them creates the administrator and loads
//! the demo; the others wait for it and find all of it in their searches), sharing the outbound work — mail to a local SMTP sink, deliveries
//! to a signed webhook — while one of them is killed with SIGKILL. Every mail and every delivery
//! happens, none twice while the servers live; what the killed one held is taken over when its
//! lease runs out.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::Utc;
use common::{Server, free_port, ready, spawn};
use gongkai_core::audit::Actor;
use gongkai_core::item::{Attribute, DocKind, ItemContent, Reviewer};
use gongkai_core::{Channel, RequesterKind, Slug};
use gongkai_jobs::deliver::{WebhookConfig, signature};
use gongkai_store::{By, NewRequest, NewUser, Requester, Store, demo};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const SECRET: &str = "three-servers-secret";

/// What the receivers saw: webhook calls by delivery id, mails by Message-ID (repeats counted).
#[derive(Default)]
struct Seen {
    hooks: Mutex<BTreeMap<String, u32>>,
    mails: Mutex<BTreeMap<String, u32>>,
}

async fn hook(State(s): State<Arc<Seen>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    // Slow enough that a kill lands while deliveries are in flight.
    tokio::time::sleep(Duration::from_millis(40)).await;
    assert_eq!(
        headers["x-gongkai-signature"].to_str().unwrap(),
        signature(SECRET, &body)
    );
    let id = headers["x-gongkai-delivery"].to_str().unwrap().to_owned();
    *s.hooks.lock().unwrap().entry(id).or_default() += 1;
    StatusCode::NO_CONTENT
}

/// A minimal SMTP server that keeps each message's Message-ID.
async fn smtp(listener: TcpListener, seen: Arc<Seen>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let seen = seen.clone();
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut lines = BufReader::new(read).lines();
            let _ = write.write_all(b"220 sink ESMTP\r\n").await;
            while let Ok(Some(line)) = lines.next_line().await {
                let upper = line.to_uppercase();
                let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                    b"250-sink\r\n250 8BITMIME\r\n"
                } else if upper.starts_with("DATA") {
                    let _ = write.write_all(b"354 go on\r\n").await;
                    let mut id = String::new();
                    while let Ok(Some(l)) = lines.next_line().await {
                        if l == "." {
                            break;
                        }
                        if let Some(v) = l.strip_prefix("Message-ID:") {
                            v.trim().clone_into(&mut id);
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(40)).await;
                    *seen.mails.lock().unwrap().entry(id).or_default() += 1;
                    b"250 queued\r\n"
                } else if upper.starts_with("QUIT") {
                    let _ = write.write_all(b"221 bye\r\n").await;
                    return;
                } else {
                    b"250 OK\r\n"
                };
                if write.write_all(reply).await.is_err() {
                    return;
                }
            }
        });
    }
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
            By::new(&Actor::system("测试"), Utc::now()),
        )
        .await
        .unwrap();
    (id, Actor::user(id, name, name))
}

/// Publishes `n` items through the three-step review and registers `n` requests whose requester
/// gave an e-mail address (each issues a receipt by mail); `round` names them.
async fn work(
    store: &Store,
    town: &Slug,
    people: &[(i64, Actor); 3],
    (round, tag): (&str, &str),
    n: usize,
) {
    let everyone = |user_id| Reviewer {
        user_id,
        drafter: true,
        first: true,
        final_: true,
    };
    for i in 0..n {
        let title = format!("{round}第{i}号通知");
        let content = ItemContent {
            title: title.clone(),
            formed_on: Some(Utc::now().date_naive()),
            attribute: Some(Attribute::Proactive),
            category: "政府会议".into(),
            kind: Some(DocKind::Other),
            summary: format!("{title}概述"),
            body_html: format!("<p>{title}正文</p>"),
            ..ItemContent::default()
        };
        let draft = store
            .create_item_draft(town, &content, By::new(&people[0].1, Utc::now()))
            .await
            .unwrap();
        gongkai_store::testing::review_through(
            store,
            town,
            draft,
            [
                (everyone(people[0].0), &people[0].1),
                (everyone(people[1].0), &people[1].1),
                (everyone(people[2].0), &people[2].1),
            ],
            Utc::now(),
            Utc::now().date_naive(),
        )
        .await;
        let request = NewRequest {
            kind: RequesterKind::NaturalPerson,
            received_on: Utc::now().date_naive(),
            channel: Channel::Online,
            description: format!("{title}的附件"),
            delivery: "电子邮件".into(),
            requester: Requester {
                name: "申请人".into(),
                id_document: "370323198001011111".into(),
                contact: format!("{tag}{i}@example.com"),
                address: "西里镇".into(),
            },
        };
        let calendar = gongkai_core::calendar::Calendar::built_in();
        let rules = gongkai_core::deadline::Rules {
            calendar: &calendar,
            periods: gongkai_core::deadline::Periods::default(),
        };
        store
            .register_request(
                town,
                &request,
                By::new(&Actor::system("网上申请"), Utc::now()),
                rules,
            )
            .await
            .unwrap();
    }
}

/// Waits until every delivery and mail row is done (or fails after a minute).
async fn drained(store: &Store, town: &Slug) {
    for _ in 0..600 {
        let deliveries = store.deliveries(town).await.unwrap();
        let mail = store
            .pending_mail(Utc::now() + chrono::Duration::days(1), 1000)
            .await
            .unwrap();
        if deliveries.iter().all(|d| d.done_ms.is_some()) && mail.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let deliveries = store.deliveries(town).await.unwrap();
    let mail: Vec<_> = store
        .pending_mail(Utc::now() + chrono::Duration::days(1), 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.id, m.recipient, m.attempts))
        .collect();
    panic!("outbound work not drained: {deliveries:?} {mail:?}");
}

/// A page of the server on `port`, headers and body.
async fn get(port: u16, path: &str) -> String {
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut out = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut s, &mut out)
        .await
        .unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

async fn three_servers_share_the_work(store: &Store, url: &str) {
    let seen = Arc::new(Seen::default());
    let app = Router::new()
        .route("/hook", post(hook))
        .with_state(seen.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let mail_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let smtp_url = format!("smtp://{}", mail_listener.local_addr().unwrap());
    tokio::spawn(smtp(mail_listener, seen.clone()));

    // Three servers, one command line, started together on a new database.
    let args = [
        "--demo",
        "--smtp-url",
        &smtp_url,
        "--mail-from",
        "西里镇 <gongkai@example.gov.cn>",
        "--work-lease",
        "2",
    ];
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let children: Vec<_> = (0..3)
        .map(|i| spawn(url, ports[i], dirs[i].path(), &args))
        .collect();
    let mut servers: Vec<Server> = children
        .into_iter()
        .zip(&ports)
        .map(|(c, p)| Server(ready(c, *p)))
        .collect();
    assert_eq!(store.count_users().await.unwrap(), 1, "one administrator");
    assert_eq!(
        store.list_agencies().await.unwrap().len(),
        2,
        "the demo once"
    );
    let town = Slug::parse(demo::TOWN_SLUG).unwrap();
    assert_eq!(
        store.published_items(&town, None, 1, 100).await.unwrap().1,
        // The seed's items, the town's rules, and the item filed with the 2024 report it publishes.
        i64::try_from(demo::ITEMS.len() + demo::RULES.len()).unwrap() + 1,
        "the demo's items once"
    );
    // Every server's search finds the whole demo, the report's item too: it is filed at the
    // report's historical time, older than every other change, so a server that built its index
    // while the demo was loading never followed it in.
    let (filed, _) = store.published_items(&town, None, 1, 100).await.unwrap();
    let report = filed
        .iter()
        .find(|i| i.title.contains("2024年政府信息公开工作年度报告"))
        .expect("the demo's report item");
    // As the page writes it: the template's escaping writes `/` as `&#x2f;`.
    let link = format!(
        "&#x2f;agencies&#x2f;{}&#x2f;items&#x2f;{}\"",
        demo::TOWN_SLUG,
        report.id
    );
    for port in &ports {
        let mut page = String::new();
        for _ in 0..60 {
            // 年度报告, encoded.
            page = get(*port, "/search?q=%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A").await;
            if page.contains(&link) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            page.contains(&link),
            "the server on {port} does not find the demo's report ({link}): {page}"
        );
    }

    store
        .add_channel(
            &town,
            "webhook",
            "县政务公开平台",
            &serde_json::to_string(&WebhookConfig {
                url: hook_url,
                secret: SECRET.into(),
            })
            .unwrap(),
            By::new(&Actor::system("测试"), Utc::now()),
        )
        .await
        .unwrap();
    let people = [
        user(store, "qicao").await,
        user(store, "keshi").await,
        user(store, "fenguan").await,
    ];

    // While all three live, every piece of work is done by exactly one of them.
    work(store, &town, &people, ("甲", "a"), 8).await;
    drained(store, &town).await;
    {
        let hooks = seen.hooks.lock().unwrap();
        let mails = seen.mails.lock().unwrap();
        assert_eq!(hooks.len(), 8);
        assert!(hooks.values().all(|n| *n == 1), "{hooks:?}");
        assert_eq!(mails.len(), 8);
        assert!(mails.values().all(|n| *n == 1), "{mails:?}");
    }

    // One is killed while work is in flight; the other two take over what it held.
    work(store, &town, &people, ("乙", "b"), 8).await;
    for _ in 0..200 {
        if seen.hooks.lock().unwrap().len() > 8 || seen.mails.lock().unwrap().len() > 8 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    servers[0].0.kill().unwrap(); // SIGKILL
    servers[0].0.wait().unwrap();
    drained(store, &town).await;
    let hooks = seen.hooks.lock().unwrap().clone();
    let mails = seen.mails.lock().unwrap().clone();
    assert_eq!(hooks.len(), 16, "every delivery reached the webhook");
    assert_eq!(mails.len(), 16, "every mail reached the SMTP server");
    // Only what the killed server was sending at the moment it died can arrive twice (same
    // delivery id, same Message-ID: the receiver's to recognise).
    let repeats = |m: &BTreeMap<String, u32>| m.values().map(|n| n - 1).sum::<u32>();
    assert!(
        repeats(&hooks) <= 1 && repeats(&mails) <= 1,
        "{hooks:?} {mails:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_three_servers_share_the_work() {
    let db = gongkai_store::testing::TestDb::sqlite().await;
    three_servers_share_the_work(&db.store, &db.url).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_three_servers_share_the_work() {
    let Some(db) = gongkai_store::testing::TestDb::postgres().await else {
        return;
    };
    three_servers_share_the_work(&db.store, &db.url).await;
}

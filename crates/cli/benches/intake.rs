//! Durable intake: how many requests per second are acknowledged after their commit (request,
//! details, personal data, receipt letter and audit record in one transaction), on SQLite and on
//! PostgreSQL — through the store alone, and end to end through `POST /api/v1/requests` over TCP.
//!
//! Run: `cargo bench -p gongkai --bench intake` (PostgreSQL from `GONGKAI_TEST_POSTGRES_URL`,
//! skipped when unset). Concurrency 8 (`GONGKAI_BENCH_CONCURRENCY`), 2,000 requests per run
//! (`GONGKAI_BENCH_REQUESTS`).

#![expect(
    clippy::unwrap_used,
    reason = "a benchmark fails loudly on setup errors"
)]

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Instant;

use gongkai_core::audit::Actor;
use gongkai_core::calendar::Calendar;
use gongkai_core::deadline::{Periods, Rules};
use gongkai_core::{Channel, RequesterKind, Slug, SystemClock};
use gongkai_store::By;
use gongkai_store::testing::TestDb;
use gongkai_store::{NewRequest, Requester, Store, demo};

fn env_usize(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn request(n: usize) -> NewRequest {
    NewRequest {
        kind: RequesterKind::NaturalPerson,
        received_on: "2025-03-03".parse().unwrap(),
        channel: Channel::Online,
        description: format!("第{n}号申请：2024年西里镇道路养护合同"),
        delivery: "电子邮件".into(),
        requester: Requester {
            name: format!("申请人{n}"),
            id_document: "370323199001011234".into(),
            contact: format!("1380000{n:04}"),
            address: "西里镇".into(),
        },
    }
}

async fn through_the_store(store: &Store, total: usize, concurrency: usize) -> f64 {
    static CALENDAR: std::sync::LazyLock<Calendar> = std::sync::LazyLock::new(Calendar::built_in);
    let slug = Slug::parse(demo::TOWN_SLUG).unwrap();
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|t| {
            let (store, slug) = (store.clone(), slug.clone());
            tokio::spawn(async move {
                let rules = Rules {
                    calendar: &CALENDAR,
                    periods: Periods::default(),
                };
                for i in 0..total / concurrency {
                    store
                        .register_request(
                            &slug,
                            &request(t * 100_000 + i),
                            By::new(&Actor::system("基准测试"), chrono::Utc::now()),
                            rules,
                        )
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    f64::from(u32::try_from(total).unwrap()) / started.elapsed().as_secs_f64()
}

fn post(port: u16, n: usize) -> bool {
    let r = request(n);
    let body = format!(
        r#"{{"agency":"{}","kind":"natural_person","name":"{}","id_document":"{}","contact":"{}","address":"{}","description":"{}","delivery":"{}"}}"#,
        demo::TOWN_SLUG,
        r.requester.name,
        r.requester.id_document,
        r.requester.contact,
        r.requester.address,
        r.description,
        r.delivery
    );
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "POST /api/v1/requests HTTP/1.0\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out.starts_with("HTTP/1.0 201") || out.starts_with("HTTP/1.1 201")
}

async fn over_http(store: &Store, total: usize, concurrency: usize) -> f64 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = gongkai_web::router(gongkai_web::Services {
        store: store.clone(),
        clock: Arc::new(SystemClock),
        // Every request comes from this one address: the per-address limits are not measured.
        settings: Arc::new(gongkai_web::Settings {
            submission_limits: false,
            ..gongkai_web::Settings::default()
        }),
        calendar: Arc::new(Calendar::built_in()),
        search: Arc::new(gongkai_search::SearchIndex::open(None).unwrap()),
    });
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..total / concurrency {
                    assert!(post(port, 500_000 + t * 100_000 + i), "not acknowledged");
                }
            })
        })
        .collect();
    for w in workers {
        tokio::task::spawn_blocking(move || w.join().unwrap())
            .await
            .unwrap();
    }
    f64::from(u32::try_from(total).unwrap()) / started.elapsed().as_secs_f64()
}

async fn run(name: &str, db: TestDb, total: usize, concurrency: usize) {
    demo::load(&db.store, chrono::Utc::now()).await.unwrap();
    let store_rate = through_the_store(&db.store, total, concurrency).await;
    let http_rate = over_http(&db.store, total, concurrency).await;
    println!(
        "{name:<10} store: {store_rate:>7.0} requests/s   HTTP API: {http_rate:>7.0} requests/s   ({total} requests, {concurrency} concurrent, each acknowledged after commit)"
    );
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    if std::env::args().any(|a| a == "--test") {
        return; // `cargo test --benches` builds it; the figures come from `cargo bench`.
    }
    let total = env_usize("GONGKAI_BENCH_REQUESTS", 2000);
    let concurrency = env_usize("GONGKAI_BENCH_CONCURRENCY", 8);
    run("SQLite", TestDb::sqlite().await, total, concurrency).await;
    match TestDb::postgres().await {
        Some(db) => run("PostgreSQL", db, total, concurrency).await,
        None => println!("PostgreSQL: skipped (set GONGKAI_TEST_POSTGRES_URL)"),
    }
}

//! Durability: the server is killed with SIGKILL during a burst of submissions through the API;
//! after a restart every submission that received a tracking code is in the database, complete
//! (the request, its details, the requester's data and its receipt letter) — on SQLite and, when
//! `GONGKAI_TEST_POSTGRES_URL` is set, on PostgreSQL.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use common::{free_port, start};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gongkai_core::Slug;

/// Posts one request; returns the tracking code if the server acknowledged it (201).
fn submit(port: u16, n: usize) -> Option<String> {
    let body = format!(
        r#"{{"agency":"yiyuan-xili","kind":"natural_person","name":"申请人{n}","id_document":"370323199001011234","contact":"1380000{n:04}","address":"沂源县西里镇某村1号","description":"第{n}号申请：2024年西里镇道路养护合同","delivery":"电子邮件"}}"#
    );
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "POST /api/v1/requests HTTP/1.0\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    if !out.starts_with("HTTP/1.0 201") && !out.starts_with("HTTP/1.1 201") {
        return None;
    }
    let json = out.split("\r\n\r\n").nth(1)?;
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    Some(v["tracking_code"].as_str()?.to_owned())
}

async fn burst_then_kill(url: &str) {
    let port = free_port();
    let search = tempfile::tempdir().unwrap();
    let mut server = start(
        url,
        port,
        search.path(),
        &["--demo", "--no-submission-limits"],
    );
    let acked = Arc::new(Mutex::new(Vec::<(usize, String)>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..8)
        .map(|w| {
            let (acked, stop) = (acked.clone(), stop.clone());
            std::thread::spawn(move || {
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let n = w * 100_000 + i;
                    if let Some(code) = submit(port, n) {
                        acked.lock().unwrap().push((n, code));
                    } else if stop.load(Ordering::Relaxed) {
                        break;
                    }
                }
            })
        })
        .collect();
    // Kill in the middle of the burst, once a good number has been acknowledged.
    for _ in 0..400 {
        if acked.lock().unwrap().len() >= 60 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 60, "only {} acknowledged", acked.len());

    // Restart: the server opens the same database (SQLite recovers its WAL) and serves again.
    let mut server = start(url, port, search.path(), &["--demo"]);
    server.kill().unwrap();
    server.wait().unwrap();

    let store = common::keyed_store(url).await;
    let slug = Slug::parse("yiyuan-xili").unwrap();
    for (n, code) in &acked {
        let state = store.request_state(&slug, code).await.unwrap();
        assert!(state.is_some(), "acknowledged request {code} lost");
        let person = store.requester(&slug, code).await.unwrap().unwrap();
        assert_eq!(person.name, format!("申请人{n}"));
        let (request, _) = store.request_history(&slug, code).await.unwrap().unwrap();
        assert!(request.description.starts_with(&format!("第{n}号申请")));
        let letters = store.letters_of(&slug, code).await.unwrap();
        assert_eq!(letters.len(), 1, "its receipt was committed with it");
    }
    assert_eq!(
        store.audit_verify(&[]).await.unwrap(),
        Ok(store.audit_count().await.unwrap()),
        "the audit chain is intact after the crash"
    );
    store.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_keeps_every_acknowledged_submission_through_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("crash.db").display());
    burst_then_kill(&url).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_keeps_every_acknowledged_submission_through_sigkill() {
    let Some(db) = gongkai_store::testing::TestDb::postgres().await else {
        return;
    };
    burst_then_kill(&db.url).await;
}

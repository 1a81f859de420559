//! The server over real TCP: a client that never finishes its headers is cut off, one address
//! cannot hold more than its share of connections, a stalled body is refused, and `/healthz`
//! keeps answering through all of it — on both databases.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::world;
use gongkai_store::{Store, on_both_backends};
use gongkai_web::server::{Limits, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A server on a free port, its connections served on the test's runtime (`threads` 0) or on
/// threads of their own; stopped by the sender, its task ending once its connections have.
async fn start(
    app: axum::Router,
    limits: Limits,
    threads: usize,
) -> (
    SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(serve(listener, app, limits, threads, async move {
        let _ = stopped.await;
    }));
    (addr, stop, served)
}

/// One GET over a fresh connection; the status line and how long it took.
async fn get(addr: SocketAddr, path: &str) -> (String, Duration) {
    let started = Instant::now();
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    (
        text.lines().next().unwrap_or("").to_owned(),
        started.elapsed(),
    )
}

/// Whether the server closed the connection within `within`.
async fn closed_within(s: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(within, s.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
            Err(_) => return false,
        }
    }
}

async fn slow_or_greedy_clients_cannot_hold_the_server(store: &Store) {
    let w = world(store).await;
    // On the shared runtime, and on two threads of their own: the cap counts an address's
    // connections whichever thread serves them.
    for threads in [0, 2] {
        clients_against(store, w.app.clone(), threads).await;
    }
}

async fn clients_against(store: &Store, app: axum::Router, threads: usize) {
    let limits = Limits {
        header_read: Duration::from_millis(800),
        body: Duration::from_millis(800),
        per_address: Some(8),
    };
    let (addr, stop, served) = start(app, limits, threads).await;
    // Headers never finished: cut off after the header timeout.
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    assert!(
        closed_within(&mut slow, Duration::from_secs(3)).await,
        "a client that never finishes its headers is cut off"
    );
    // A body that stalls: refused with 408 in Chinese, nothing kept.
    let before = store.audit_count().await.unwrap();
    let mut stalled = TcpStream::connect(addr).await.unwrap();
    stalled
        .write_all(
            format!(
                "POST /agencies/{}/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ncsrf=",
                common::TOWN_B
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stalled.read_to_end(&mut out))
        .await
        .expect("the server answers a stalled body")
        .unwrap();
    let answer = String::from_utf8_lossy(&out);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("请求超时"), "{answer}");
    assert_eq!(store.audit_count().await.unwrap(), before);
    // One address holds its share of connections; the next is closed at once…
    let mut idle = Vec::new();
    for _ in 0..8 {
        idle.push(TcpStream::connect(addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut extra = TcpStream::connect(addr).await.unwrap();
    assert!(
        closed_within(&mut extra, Duration::from_millis(500)).await,
        "past the cap a connection is closed at once"
    );
    // …and once the idle ones are cut off, the address is served again; health answers quickly.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (status, took) = get(addr, "/healthz").await;
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    assert!(took < Duration::from_secs(1), "{took:?}");
    drop(idle);
    // Stopped: the server ends, its threads with it, and nothing listens any more.
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(5), served)
        .await
        .expect("the server ends once its connections have")
        .unwrap()
        .unwrap();
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "threads {threads}: nothing listens after the stop"
    );
}

on_both_backends!(slow_or_greedy_clients_cannot_hold_the_server);

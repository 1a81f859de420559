//! E-mail notifications through a real SMTP conversation with a local sink the test starts: mails
//! written with each step reach the requester once, and an SMTP server that is down loses nothing.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use std::sync::{Arc, Mutex};

use common::{TOWN_A, mails_to, rules, world};
use gongkai_core::audit::Actor;
use gongkai_core::workflow::Event;
use gongkai_core::{Channel, DecisionDetails, FixedClock, Outcome, RequesterKind, Slug};
use gongkai_jobs::mail::{MailConfig, Mailer};
use gongkai_store::By;
use gongkai_store::{NewRequest, Requester, Store, on_both_backends};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A minimal SMTP server: accepts every message and keeps (recipient, raw message).
async fn smtp_sink(listener: TcpListener, got: Arc<Mutex<Vec<(String, String)>>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let got = got.clone();
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut lines = BufReader::new(read).lines();
            write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
            let mut rcpt = String::new();
            while let Ok(Some(line)) = lines.next_line().await {
                let upper = line.to_uppercase();
                let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                    b"250-sink\r\n250 8BITMIME\r\n"
                } else if upper.starts_with("RCPT TO:") {
                    rcpt = line[8..].trim().trim_matches(['<', '>']).to_owned();
                    b"250 OK\r\n"
                } else if upper.starts_with("DATA") {
                    write.write_all(b"354 go on\r\n").await.unwrap();
                    let mut data = String::new();
                    while let Ok(Some(l)) = lines.next_line().await {
                        if l == "." {
                            break;
                        }
                        data.push_str(&l);
                        data.push('\n');
                    }
                    got.lock().unwrap().push((rcpt.clone(), data));
                    b"250 queued\r\n"
                } else if upper.starts_with("QUIT") {
                    write.write_all(b"221 bye\r\n").await.unwrap();
                    return;
                } else {
                    b"250 OK\r\n"
                };
                write.write_all(reply).await.unwrap();
            }
        });
    }
}

async fn the_requester_is_mailed_once_per_letter_even_when_the_server_was_down(store: &Store) {
    let w = world(store).await;
    let slug = Slug::parse(TOWN_A).unwrap();
    let new = NewRequest {
        kind: RequesterKind::NaturalPerson,
        received_on: "2025-03-03".parse().unwrap(),
        channel: Channel::Email,
        description: "2024年西里镇低保资金发放情况".into(),
        delivery: "电子邮件".into(),
        requester: Requester {
            name: "李四".into(),
            id_document: "370323199001011234".into(),
            contact: "lisi@example.com".into(),
            address: "西里镇".into(),
        },
    };
    let now = w.clock_now();
    let code = store
        .register_request(&slug, &new, By::new(&Actor::system("测试"), now), rules())
        .await
        .unwrap();

    // The SMTP server is down: the attempt fails, the mail stays, a retry is scheduled.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mailer = Mailer::new(&MailConfig {
        smtp_url: format!("smtp://127.0.0.1:{port}"),
        from: "西里镇政务公开 <gongkai@example.gov.cn>".into(),
    })
    .unwrap();
    let clock = FixedClock(now);
    assert_eq!(mailer.deliver_due(store, &clock).await.unwrap(), 0);
    let queued = mails_to(store, "lisi@example.com").await;
    assert_eq!(queued.len(), 1);
    assert_eq!(
        (queued[0].0.subject.as_str(), queued[0].1),
        (
            format!("沂源县西里镇人民政府：接收回执（查询码 {code}）").as_str(),
            false
        )
    );
    assert!(
        store.pending_mail(now, 10).await.unwrap().is_empty(),
        "not retried before its time"
    );

    // The server comes up; after the backoff the mail goes out, once.
    let got = Arc::new(Mutex::new(Vec::new()));
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    tokio::spawn(smtp_sink(listener, got.clone()));
    let later = FixedClock(now + chrono::Duration::minutes(5));
    assert_eq!(mailer.deliver_due(store, &later).await.unwrap(), 1);
    assert_eq!(mailer.deliver_due(store, &later).await.unwrap(), 0);

    // A decision adds its own mail.
    store
        .apply_request_event(
            &slug,
            &code,
            &Event::Decide {
                on: "2025-03-20".parse().unwrap(),
                outcome: Outcome::UnavailableNotHeld,
                details: DecisionDetails {
                    reasons: "经检索本机关档案和业务系统，未找到该信息".into(),
                    referral: "沂源县民政局（电话 0533-0000000）".into(),
                    ..DecisionDetails::default()
                },
            },
            By::new(&Actor::system("测试"), now),
            rules(),
        )
        .await
        .unwrap();
    assert_eq!(mailer.deliver_due(store, &later).await.unwrap(), 1);
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "each letter mailed exactly once");
    assert!(got.iter().all(|(to, _)| to == "lisi@example.com"));
    let decision = &got[1].1;
    assert!(decision.contains("Subject:"), "{decision}");
    assert!(
        mails_to(store, "lisi@example.com")
            .await
            .iter()
            .all(|(_, sent)| *sent)
    );
}

on_both_backends!(the_requester_is_mailed_once_per_letter_even_when_the_server_was_down);

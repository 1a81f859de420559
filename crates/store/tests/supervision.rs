//! 监督保障 on both backends: enquiries and complaints through reply and publication, public
//! evaluations by quarter, 人大代表建议 / 政协提案, and the figures the annual report quotes.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

use chrono::{DateTime, Utc};
use gongkai_core::Slug;
use gongkai_core::audit::Actor;
use gongkai_core::supervision::{MessageKind, NewMessage, Proposal};
use gongkai_store::By;
use gongkai_store::{Store, StoreError, demo, on_both_backends};

fn at(s: &str) -> DateTime<Utc> {
    format!("{s}T02:00:00Z").parse().unwrap()
}

fn town() -> Slug {
    Slug::parse(demo::TOWN_SLUG).unwrap()
}

fn message(kind: &str, subject: &str, may_publish: bool) -> NewMessage {
    NewMessage {
        kind: kind.into(),
        name: "王五".into(),
        contact: "13800000000".into(),
        subject: subject.into(),
        body: format!("{subject}：请说明情况。"),
        may_publish,
    }
}

async fn a_year_of_supervision_gives_the_report_its_figures(store: &Store) {
    demo::load(store, at("2025-01-10")).await.unwrap();
    let staff = Actor::user(1, "李四", "lisi");
    // Three enquiries and two complaints in 2025, one enquiry in 2024 (not counted).
    let mut codes = Vec::new();
    for (kind, subject, day) in [
        ("enquiry", "预决算在哪个栏目", "2025-03-03"),
        ("enquiry", "宅基地审核结果", "2025-03-05"),
        ("enquiry", "办公时间", "2025-06-02"),
        ("complaint", "政府会议栏目未更新", "2025-09-26"),
        ("complaint", "申请答复超期", "2025-11-03"),
    ] {
        codes.push(
            store
                .submit_message(&town(), &message(kind, subject, true), at(day))
                .await
                .unwrap(),
        );
    }
    store
        .submit_message(
            &town(),
            &message("enquiry", "去年的问题", true),
            at("2024-12-30"),
        )
        .await
        .unwrap();
    // Bad input is refused and writes nothing.
    let before = store.audit_count().await.unwrap();
    let refused = store
        .submit_message(&town(), &message("praise", "x", true), at("2025-03-03"))
        .await;
    assert!(matches!(refused, Err(StoreError::Rejected(_))));
    assert_eq!(store.audit_count().await.unwrap(), before);

    // Replies: the first next day and published; the complaint of 09-26 over National Day (09-28
    // worked, 10-01..08 not: 4 working days); one not published because the writer did not agree.
    store
        .reply_message(
            &town(),
            &codes[0],
            "在“政府预决算”栏目。",
            true,
            By::new(&staff, at("2025-03-04")),
        )
        .await
        .unwrap();
    store
        .reply_message(
            &town(),
            &codes[3],
            "已更新政府会议栏目。",
            true,
            By::new(&staff, at("2025-10-09")),
        )
        .await
        .unwrap();
    let private = store
        .submit_message(
            &town(),
            &message("enquiry", "个人事项", false),
            at("2025-03-10"),
        )
        .await
        .unwrap();
    let refused = store
        .reply_message(
            &town(),
            &private,
            "答复内容如下。",
            true,
            By::new(&staff, at("2025-03-11")),
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Rejected(ref m)) if m.message.contains("未同意公开")),
        "{refused:?}"
    );
    store
        .reply_message(
            &town(),
            &private,
            "答复内容如下。",
            false,
            By::new(&staff, at("2025-03-20")),
        )
        .await
        .unwrap();
    let again = store
        .reply_message(
            &town(),
            &private,
            "再答复一次。",
            false,
            By::new(&staff, at("2025-03-21")),
        )
        .await;
    assert!(
        matches!(again, Err(StoreError::Rejected(_))),
        "a reply is given once"
    );

    // A writer who left an e-mail address also gets the reply by mail.
    let by_mail = store
        .submit_message(
            &town(),
            &NewMessage {
                contact: "wangwu@example.cn".into(),
                ..message("enquiry", "邮件答复", false)
            },
            at("2025-12-01"),
        )
        .await
        .unwrap();
    store
        .reply_message(
            &town(),
            &by_mail,
            "答复见本邮件。",
            false,
            By::new(&staff, at("2025-12-02")),
        )
        .await
        .unwrap();
    let mail = store.mail_to("wangwu@example.cn").await.unwrap();
    assert_eq!(mail.len(), 1);
    let sent = gongkai_docs::mail::text(&mail[0].0.content).unwrap();
    assert!(sent.subject.contains("已答复"), "{sent:?}");

    let published = store.published_messages(&town()).await.unwrap();
    assert_eq!(published.len(), 2);
    assert!(published.iter().all(|m| m.reply.is_some()));
    let calendar = gongkai_core::calendar::Calendar::built_in();
    let stats = store
        .reply_stats(&town(), 2025, &calendar, at("2025-12-31").date_naive())
        .await
        .unwrap();
    let enquiries = stats
        .iter()
        .find(|(k, _)| *k == MessageKind::Enquiry)
        .unwrap()
        .1;
    let complaints = stats
        .iter()
        .find(|(k, _)| *k == MessageKind::Complaint)
        .unwrap()
        .1;
    // Enquiries: 1 working day and 8 (03-10 → 03-20, late); two never answered (overdue).
    assert_eq!(
        (
            enquiries.received,
            enquiries.replied,
            enquiries.late,
            enquiries.longest,
            enquiries.overdue_open
        ),
        (5, 3, 1, 8, 2)
    );
    assert_eq!(
        (complaints.received, complaints.replied, complaints.longest),
        (2, 1, 4)
    );

    // Evaluations: two in Q1 (5, 4), one in Q3 (2), one of an item; a rating of 6 is refused.
    store
        .evaluate(&town(), None, 5, "栏目清楚", at("2025-02-10"))
        .await
        .unwrap();
    store
        .evaluate(&town(), None, 4, "", at("2025-03-10"))
        .await
        .unwrap();
    let (items, _) = store.published_items(&town(), None, 1, 1).await.unwrap();
    store
        .evaluate(
            &town(),
            Some(items[0].id),
            2,
            "附件打不开",
            at("2025-08-10"),
        )
        .await
        .unwrap();
    assert!(
        store
            .evaluate(&town(), None, 6, "", at("2025-08-10"))
            .await
            .is_err()
    );
    assert!(
        store
            .evaluate(&town(), Some(999_999), 3, "", at("2025-08-10"))
            .await
            .is_err()
    );
    let (quarters, comments) = store.evaluation_results(&town(), 2025).await.unwrap();
    assert_eq!(quarters[0].1.count, 2);
    assert_eq!(quarters[0].1.satisfied_percent(), Some(100));
    assert_eq!(quarters[2].1.count, 1);
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0].3.as_deref(), Some(items[0].title.as_str()));

    // One 人大代表建议 answered and published, one 政协提案 pending.
    let admin = Actor::system("测试");
    let mut p = Proposal {
        kind: "deputy_suggestion".into(),
        year: 2025,
        number: "第12号".into(),
        title: "关于完善村级公开栏的建议".into(),
        submitter: "张代表".into(),
        lead: true,
        received_on: Some(at("2025-04-01").date_naive()),
        ..Proposal::default()
    };
    let id = store
        .save_proposal(&town(), &p, By::new(&admin, at("2025-04-01")))
        .await
        .unwrap();
    p.id = id;
    p.published_on = Some(at("2025-06-01").date_naive());
    assert!(
        store
            .save_proposal(&town(), &p, By::new(&admin, at("2025-06-01")))
            .await
            .is_err(),
        "publishing needs the reply first"
    );
    p.replied_on = Some(at("2025-05-20").date_naive());
    p.result = "已在各村更新公开栏。".into();
    store
        .save_proposal(&town(), &p, By::new(&admin, at("2025-06-01")))
        .await
        .unwrap();
    let q = Proposal {
        id: 0,
        kind: "committee_proposal".into(),
        number: "第3号".into(),
        title: "关于政务公开培训的提案".into(),
        ..p.clone()
    };
    let q = Proposal {
        replied_on: None,
        result: String::new(),
        published_on: None,
        ..q
    };
    store
        .save_proposal(&town(), &q, By::new(&admin, at("2025-04-02")))
        .await
        .unwrap();
    assert!(
        store
            .save_proposal(&town(), &q, By::new(&admin, at("2025-04-02")))
            .await
            .is_err(),
        "the same number twice"
    );

    // The report's 一（五） and 六（三） state the figures.
    let report = store.report_data(&town(), 2025).await.unwrap().compute();
    assert!(
        report.sections.supervision.contains(
            "通过网站咨询投诉渠道收到咨询5件、投诉2件，已答复4件；收到社会评议3条，满意率67%"
        ),
        "{}",
        report.sections.supervision
    );
    assert_eq!(
        report.sections.proposals,
        "2025年，西里镇承办人大代表建议1件、政协提案1件，公开办理结果1件。"
    );

    // 责任考核: 李四 replied to three messages, one of them late.
    let acc = store
        .accountability(
            &town(),
            2025,
            &calendar,
            gongkai_core::deadline::Periods::default(),
        )
        .await
        .unwrap();
    let lisi = acc.officers.get("李四").copied().unwrap_or_default();
    assert_eq!((lisi.messages, lisi.messages_late), (4, 1));
}

on_both_backends!(a_year_of_supervision_gives_the_report_its_figures);

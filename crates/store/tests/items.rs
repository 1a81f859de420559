//! Proactive disclosure items through drafting, the two reviews and publication, on both backends.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::Slug;
use gongkai_core::audit::Actor;
use gongkai_core::item::{
    Attribute, Correction, DocKind, ItemContent, ItemStatus, ReviewStep, Reviewer, Validity,
};
use gongkai_store::By;
use gongkai_store::testing::review_through;
use gongkai_store::{NewUser, Store, StoreError, demo, on_both_backends};

fn now() -> DateTime<Utc> {
    "2025-03-20T02:00:00Z".parse().unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn town() -> Slug {
    Slug::parse(demo::TOWN_SLUG).unwrap()
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

fn content(title: &str) -> ItemContent {
    ItemContent {
        title: title.into(),
        doc_number: "西政发〔2025〕3号".into(),
        written_on: Some(d("2025-03-01")),
        formed_on: Some(d("2025-03-03")),
        attribute: Some(Attribute::Proactive),
        topic: "综合政务\\政务公开".into(),
        category: "政府会议".into(),
        kind: Some(DocKind::NormativeDocument),
        validity: Some(Validity::Valid),
        keywords: "乡村振兴".into(),
        summary: "关于推进乡村振兴的实施意见。".into(),
        body_html: "<p>为推进乡村振兴……</p>".into(),
        ..ItemContent::default()
    }
}

async fn an_item_is_reviewed_twice_then_published_with_its_index_number(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let (drafter_id, drafter) = user(store, "qicao").await;
    let (head_id, head) = user(store, "keshi").await;
    let (leader_id, leader) = user(store, "fenguan").await;
    let as_drafter = Reviewer {
        user_id: drafter_id,
        drafter: true,
        first: false,
        final_: false,
    };
    let as_head = Reviewer {
        user_id: head_id,
        drafter: false,
        first: true,
        final_: false,
    };
    let as_leader = Reviewer {
        user_id: leader_id,
        drafter: false,
        first: false,
        final_: true,
    };

    let before = store.report_data(&town(), 2025).await.unwrap().compute();
    let id = store
        .create_item_draft(
            &town(),
            &ItemContent {
                title: "关于推进乡村振兴的实施意见".into(),
                ..ItemContent::default()
            },
            By::new(&drafter, now()),
        )
        .await
        .unwrap();
    // Incomplete: cannot go to review, and nothing changes.
    let err = store
        .review_item(
            &town(),
            id,
            &ReviewStep::Submit,
            as_drafter,
            By::new(&drafter, now()),
            d("2025-03-20"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rejected(ref m) if m.message.contains("公开属性") && m.message.contains("内容概述")),
        "{err}"
    );
    store
        .save_item_draft(
            &town(),
            id,
            &content("关于推进乡村振兴的实施意见"),
            By::new(&drafter, now()),
        )
        .await
        .unwrap();
    store
        .review_item(
            &town(),
            id,
            &ReviewStep::Submit,
            as_drafter,
            By::new(&drafter, now()),
            d("2025-03-20"),
        )
        .await
        .unwrap();
    // Under review the draft cannot be edited; the drafter cannot review it.
    assert!(
        store
            .save_item_draft(&town(), id, &content("改"), By::new(&drafter, now()))
            .await
            .is_err()
    );
    let own = Reviewer {
        first: true,
        ..as_drafter
    };
    assert!(
        store
            .review_item(
                &town(),
                id,
                &ReviewStep::ApproveFirst,
                own,
                By::new(&drafter, now()),
                d("2025-03-20")
            )
            .await
            .is_err()
    );
    store
        .review_item(
            &town(),
            id,
            &ReviewStep::ApproveFirst,
            as_head,
            By::new(&head, now()),
            d("2025-03-20"),
        )
        .await
        .unwrap();
    // Sent back from the final review: a new round is needed.
    store
        .review_item(
            &town(),
            id,
            &ReviewStep::SendBack {
                reason: "请补充附件说明".into(),
            },
            as_leader,
            By::new(&leader, now()),
            d("2025-03-21"),
        )
        .await
        .unwrap();
    store
        .save_item_draft(
            &town(),
            id,
            &content("关于推进乡村振兴的实施意见"),
            By::new(&drafter, now()),
        )
        .await
        .unwrap();
    store
        .review_item(
            &town(),
            id,
            &ReviewStep::Submit,
            as_drafter,
            By::new(&drafter, now()),
            d("2025-03-21"),
        )
        .await
        .unwrap();
    store
        .review_item(
            &town(),
            id,
            &ReviewStep::ApproveFirst,
            as_head,
            By::new(&head, now()),
            d("2025-03-21"),
        )
        .await
        .unwrap();
    let state = store
        .review_item(
            &town(),
            id,
            &ReviewStep::ApproveFinal,
            as_leader,
            By::new(&leader, now()),
            d("2025-03-24"),
        )
        .await
        .unwrap();
    assert_eq!(state.status, ItemStatus::Published);

    let draft = store.item_draft(&town(), id).await.unwrap().unwrap();
    assert_eq!(draft.versions.len(), 3, "every save is a version");
    assert_eq!(draft.steps.len(), 6);
    let item_id = draft.summary.item_id.unwrap();
    let item = store
        .published_item(&town(), item_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        item.index_no.as_deref(),
        Some("11370323004345133C/2025-00001")
    );
    assert_eq!(item.published_on, d("2025-03-24"));
    assert_eq!(item.content.unwrap().doc_number, "西政发〔2025〕3号");

    // A second item takes the next number; the category list pages.
    let id2 = store
        .create_item_draft(
            &town(),
            &content("2025年第二次镇长办公会议纪要"),
            By::new(&drafter, now()),
        )
        .await
        .unwrap();
    review_through(
        store,
        &town(),
        id2,
        [
            (as_drafter, &drafter),
            (as_head, &head),
            (as_leader, &leader),
        ],
        now(),
        d("2025-03-25"),
    )
    .await;
    let (page, total) = store
        .published_items(&town(), Some("政府会议"), 1, 1)
        .await
        .unwrap();
    assert_eq!(page[0].title, "2025年第二次镇长办公会议纪要");
    assert_eq!(
        page[0].index_no.as_deref(),
        Some("11370323004345133C/2025-00002")
    );
    assert_eq!(total, 6, "the demo's four 2024 meetings and these two");

    let after = store.report_data(&town(), 2025).await.unwrap().compute();
    assert_eq!(
        after.proactive.total - before.proactive.total,
        2,
        "section 一 counts published items"
    );

    // Table 二's 行政规范性文件 row now comes from the documents published.
    let t2 = store
        .report_data(&town(), 2025)
        .await
        .unwrap()
        .compute()
        .table2;
    assert_eq!(
        (
            t2.normative_documents.issued,
            t2.normative_documents.repealed,
            t2.normative_documents.in_force
        ),
        (Some(2), Some(0), Some(2))
    );
    // The 规章/规范性文件 without a 解读 are flagged until one is published, linked both ways.
    let lacking = store.items_lacking_interpretation(&town()).await.unwrap();
    assert_eq!(lacking.len(), 2);
    let reading = store
        .create_item_draft(
            &town(),
            &ItemContent {
                kind: Some(DocKind::Interpretation),
                interprets: Some(item_id),
                validity: None,
                doc_number: String::new(),
                ..content("《关于推进乡村振兴的实施意见》政策解读")
            },
            By::new(&drafter, now()),
        )
        .await
        .unwrap();
    store
        .add_attachment(
            &town(),
            reading,
            gongkai_store::Upload {
                name: "解读图示.pdf",
                content_type: "application/pdf",
                bytes: b"%PDF-1.4",
            },
            By::new(&drafter, now()),
        )
        .await
        .unwrap();
    let reading_item = review_through(
        store,
        &town(),
        reading,
        [
            (as_drafter, &drafter),
            (as_head, &head),
            (as_leader, &leader),
        ],
        now(),
        d("2025-03-26"),
    )
    .await;
    assert_eq!(
        store.interpretations_of(&town(), item_id).await.unwrap(),
        [(
            reading_item,
            "《关于推进乡村振兴的实施意见》政策解读".to_owned()
        )]
    );
    assert_eq!(
        store
            .items_lacking_interpretation(&town())
            .await
            .unwrap()
            .len(),
        1
    );
    // An item's page, read in one statement: the policy with its 解读, the 解读 with the policy
    // it interprets and its attachment.
    let policy = store.item_page(&town(), item_id).await.unwrap().unwrap();
    assert_eq!(policy.item.id, item_id);
    assert_eq!(policy.item.category, "政府会议");
    assert_eq!(
        policy.item.content.as_ref().map(|c| c.doc_number.as_str()),
        Some("西政发〔2025〕3号")
    );
    assert!(policy.interpreted.is_none() && policy.attachments.is_empty());
    assert_eq!(
        policy.readings,
        store.interpretations_of(&town(), item_id).await.unwrap()
    );
    let page = store
        .item_page(&town(), reading_item)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(page.interpreted, Some((item_id, policy.item.title.clone())));
    assert!(page.readings.is_empty());
    assert_eq!(
        page.attachments
            .iter()
            .map(|a| (a.name.as_str(), a.content_type.as_str(), a.size))
            .collect::<Vec<_>>(),
        [("解读图示.pdf", "application/pdf", 8)]
    );
    assert_eq!(
        page.attachments[0].id,
        store.item_attachments(&town(), reading_item).await.unwrap()[0].id
    );
    assert!(
        store
            .item_page(&Slug::parse(demo::COUNTY_SLUG).unwrap(), reading_item)
            .await
            .unwrap()
            .is_none(),
        "another agency's item"
    );

    // Withdrawn: gone from the portal at once, still counted as published that year; the number
    // is never reused.
    store
        .review_item(
            &town(),
            id,
            &ReviewStep::Withdraw {
                reason: "文件已废止".into(),
                public: false,
            },
            as_leader,
            By::new(&leader, now()),
            d("2025-04-01"),
        )
        .await
        .unwrap();
    assert!(
        store
            .published_item(&town(), item_id)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .published_items(&town(), Some("政府会议"), 1, 10)
            .await
            .unwrap()
            .1,
        6,
        "four demo meetings, the second item and the interpretation"
    );
    assert_eq!(
        store
            .report_data(&town(), 2025)
            .await
            .unwrap()
            .compute()
            .proactive
            .total,
        after.proactive.total + 1
    );
    assert_eq!(
        store.audit_verify(&[]).await.unwrap(),
        Ok(store.audit_count().await.unwrap())
    );
}

/// Numbers given to items from before (the demo's 2024 items) are never handed out again.
async fn index_numbers_continue_after_imported_ones(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let (drafter_id, drafter) = user(store, "qicao").await;
    let (head_id, head) = user(store, "keshi").await;
    let (leader_id, leader) = user(store, "fenguan").await;
    let id = store
        .create_item_draft(
            &town(),
            &content("西里镇2024年冬季森林防火通告"),
            By::new(&drafter, now()),
        )
        .await
        .unwrap();
    let role = |user_id, drafter, first, final_| Reviewer {
        user_id,
        drafter,
        first,
        final_,
    };
    let item_id = review_through(
        store,
        &town(),
        id,
        [
            (role(drafter_id, true, false, false), &drafter),
            (role(head_id, false, true, false), &head),
            (role(leader_id, false, false, true), &leader),
        ],
        now(),
        d("2024-12-20"),
    )
    .await;
    let item = store
        .published_item(&town(), item_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        item.index_no.as_deref(),
        Some("11370323004345133C/2024-00021")
    );

    // The agency switches to monthly numbering (安徽 style): the next item starts the month's own
    // series; the one published keeps its number. A pattern without a period is refused.
    let system = Actor::system("测试");
    assert!(
        store
            .set_index_pattern(&town(), "{code}-{serial:5}", By::new(&system, now()))
            .await
            .is_err()
    );
    store
        .set_index_pattern(
            &town(),
            "{code}/{yyyymm}-{serial:4}",
            By::new(&system, now()),
        )
        .await
        .unwrap();
    let second = store
        .create_item_draft(
            &town(),
            &content("西里镇2024年冬季安全生产通告"),
            By::new(&drafter, now()),
        )
        .await
        .unwrap();
    let second_id = review_through(
        store,
        &town(),
        second,
        [
            (role(drafter_id, true, true, true), &drafter),
            (role(head_id, true, true, true), &head),
            (role(leader_id, true, true, true), &leader),
        ],
        now(),
        d("2024-12-20"),
    )
    .await;
    let numbers = [item_id, second_id];
    let mut got = Vec::new();
    for id in numbers {
        got.push(
            store
                .published_item(&town(), id)
                .await
                .unwrap()
                .unwrap()
                .index_no
                .unwrap(),
        );
    }
    assert_eq!(
        got,
        [
            "11370323004345133C/2024-00021",
            "11370323004345133C/202412-0001"
        ]
    );
}

/// Items published before gongkai (the demo's) are listed for the back office, and can be marked
/// 废止, corrected through both reviews (the published version public until then) and withdrawn;
/// the portal then answers with the withdrawal notice. A refused step leaves no trace.
async fn items_from_before_are_marked_corrected_and_withdrawn(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let (drafter_id, drafter) = user(store, "qicao").await;
    let (head_id, head) = user(store, "keshi").await;
    let (leader_id, leader) = user(store, "fenguan").await;
    let role = |user_id, drafter, first, final_| Reviewer {
        user_id,
        drafter,
        first,
        final_,
    };
    let (as_drafter, as_head, as_leader) = (
        role(drafter_id, true, false, false),
        role(head_id, false, true, false),
        role(leader_id, false, false, true),
    );
    let (legacy, total) = store.legacy_items(&town(), 1, 5).await.unwrap();
    assert_eq!(legacy.len(), 5);
    assert!(total >= 20, "the demo's items: {total}");
    let (item, other, third) = (legacy[0].id, legacy[1].id, legacy[2].id);
    assert_eq!(store.draft_of_item(&town(), item).await.unwrap(), None);

    // A step refused by the rules takes nothing in hand.
    let refused = store
        .manage_item(
            &town(),
            third,
            &ReviewStep::Revise { note: " ".into() },
            as_drafter,
            By::new(&drafter, now()),
            d("2026-05-06"),
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Rejected(_))),
        "{refused:?}"
    );
    assert_eq!(store.legacy_items(&town(), 1, 5).await.unwrap().1, total);

    // 废止, recorded by the leader: on the portal at once.
    let repealed = Validity::Repealed {
        on: d("2026-03-01"),
    };
    let (draft, state) = store
        .manage_item(
            &town(),
            item,
            &ReviewStep::MarkValidity { validity: repealed },
            as_leader,
            By::new(&leader, now()),
            d("2026-05-06"),
        )
        .await
        .unwrap();
    assert_eq!(state.status, ItemStatus::Published);
    assert_eq!(
        store.draft_of_item(&town(), item).await.unwrap(),
        Some(draft)
    );
    assert_eq!(
        store.legacy_items(&town(), 1, 5).await.unwrap().1,
        total - 1
    );
    let before = shown(store, item).await.unwrap();
    let index_before = legacy_index(store, item).await;
    assert_eq!(before.validity, Some(repealed));

    // A correction: drafted again, the published version stays public until the 终审.
    store
        .manage_item(
            &town(),
            item,
            &ReviewStep::Revise {
                note: "更正发布日期".into(),
            },
            as_drafter,
            By::new(&drafter, now()),
            d("2026-05-06"),
        )
        .await
        .unwrap();
    let working = store.item_draft(&town(), draft).await.unwrap().unwrap();
    assert_eq!(working.content.validity, Some(repealed), "the mark is kept");
    let corrected = ItemContent {
        title: format!("{}（更正）", working.content.title),
        formed_on: Some(d("2026-05-06")),
        kind: working.content.kind.or(Some(DocKind::Other)),
        ..working.content.clone()
    };
    store
        .save_item_draft(&town(), draft, &corrected, By::new(&drafter, now()))
        .await
        .unwrap();
    // The corrected attachment: kept with the working copy, off the portal until the 终审; one
    // added by mistake may go again (it was never public).
    let upload = |name| gongkai_store::Upload {
        name,
        content_type: "application/pdf",
        bytes: b"%PDF-1.4",
    };
    let attach = async |name| {
        let by = By::new(&drafter, now());
        store.add_attachment(&town(), draft, upload(name), by).await
    };
    let kept = attach("更正后的文件.pdf").await.unwrap();
    let mistaken = attach("传错的文件.pdf").await.unwrap();
    store
        .remove_attachment(&town(), draft, mistaken, By::new(&drafter, now()))
        .await
        .unwrap();
    let staff_sees = store.attachments(&town(), draft).await.unwrap();
    assert_eq!(staff_sees.len(), 1);
    assert!(staff_sees[0].pending);
    let public = async || {
        let listed = store.item_attachments(&town(), item).await.unwrap();
        let by_id = store
            .attachment_bytes(&town(), Some(item), None, kept)
            .await
            .unwrap();
        let as_picture = store.picture(&town(), kept, false).await.unwrap();
        (listed.len(), by_id.is_some(), as_picture.is_some())
    };
    assert_eq!(public().await, (0, false, false), "not public before 终审");
    assert_eq!(
        shown(store, item).await.unwrap(),
        before,
        "still the published version"
    );
    review_through(
        store,
        &town(),
        draft,
        [
            (as_drafter, &drafter),
            (as_head, &head),
            (as_leader, &leader),
        ],
        now(),
        d("2026-05-08"),
    )
    .await;
    let after = shown(store, item).await.unwrap();
    assert_eq!(after.title, corrected.title);
    assert_eq!(
        public().await,
        (1, true, true),
        "public with the correction"
    );
    // Now it is what the public saw: it stays.
    let removed = store
        .remove_attachment(&town(), draft, kept, By::new(&drafter, now()))
        .await;
    assert!(
        matches!(removed, Err(StoreError::Rejected(_))),
        "{removed:?}"
    );
    assert_eq!(
        after.corrections,
        [Correction {
            on: d("2026-05-08"),
            note: "更正发布日期".into()
        }]
    );
    assert_eq!(
        legacy_index(store, item).await,
        index_before,
        "the 索引号 is kept"
    );

    // Withdrawn with a public reason: off the portal, the notice says why.
    store
        .manage_item(
            &town(),
            item,
            &ReviewStep::Withdraw {
                reason: "与另一条信息重复".into(),
                public: true,
            },
            as_leader,
            By::new(&leader, now()),
            d("2026-05-09"),
        )
        .await
        .unwrap();
    assert!(store.published_item(&town(), item).await.unwrap().is_none());
    assert_eq!(
        store.withdrawn_item(&town(), item).await.unwrap(),
        Some(gongkai_store::WithdrawnItem {
            title: corrected.title.clone(),
            withdrawn_on: d("2026-05-09"),
            reason: Some("与另一条信息重复".into()),
        })
    );
    // ... and one withdrawn straight away, its reason kept from the public.
    store
        .manage_item(
            &town(),
            other,
            &ReviewStep::Withdraw {
                reason: "含有个人信息".into(),
                public: false,
            },
            as_leader,
            By::new(&leader, now()),
            d("2026-05-09"),
        )
        .await
        .unwrap();
    let notice = store.withdrawn_item(&town(), other).await.unwrap().unwrap();
    assert_eq!(notice.reason, None);
    assert_eq!(store.withdrawn_item(&town(), third).await.unwrap(), None);
    let labels: Vec<String> = store
        .audit_records(&gongkai_store::AuditFilter {
            limit: 20,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|r| gongkai_core::audit::action_label(&r.action).to_owned())
        .collect();
    assert!(
        labels.contains(&"标注有效性".to_owned()) && labels.contains(&"发起更正".to_owned()),
        "{labels:?}"
    );
    assert_eq!(
        store.audit_verify(&[]).await.unwrap(),
        Ok(store.audit_count().await.unwrap())
    );
}

/// What the portal shows of an item now.
async fn shown(store: &Store, item: i64) -> Option<ItemContent> {
    store
        .published_item(&town(), item)
        .await
        .unwrap()
        .and_then(|i| i.content)
}

/// The 索引号 an item carries now.
async fn legacy_index(store: &Store, item: i64) -> String {
    store
        .published_item(&town(), item)
        .await
        .unwrap()
        .and_then(|i| i.index_no)
        .unwrap_or_default()
}

async fn a_renamed_column_takes_its_drafts_with_it(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let (_, drafter) = user(store, "qicao").await;
    let by = By::new(&drafter, now());
    let filed = store
        .create_item_draft(&town(), &content("会议纪要"), by)
        .await
        .unwrap();
    let elsewhere = store
        .create_item_draft(
            &town(),
            &ItemContent {
                category: "政府会议纪要".into(),
                ..content("另一栏目")
            },
            by,
        )
        .await
        .unwrap();
    let columns = store.catalogue(&town()).await.unwrap();
    let renamed: Vec<_> = columns
        .into_iter()
        .map(|mut c| {
            if c.name == "政府会议" {
                c.name = "政府常务会议".into();
            }
            c
        })
        .collect();
    store
        .edit_catalogue(
            &town(),
            &[("政府会议".into(), "政府常务会议".into())],
            &renamed,
            by,
        )
        .await
        .unwrap();
    let category = async |id| {
        let draft = store.item_draft(&town(), id).await.unwrap().unwrap();
        draft.content.category
    };
    assert_eq!(category(filed).await, "政府常务会议");
    // A name that only contains the old one is another column.
    assert_eq!(category(elsewhere).await, "政府会议纪要");
    assert!(
        store
            .categories(&town())
            .await
            .unwrap()
            .contains(&"政府常务会议".to_owned())
    );
}

on_both_backends!(
    a_renamed_column_takes_its_drafts_with_it,
    an_item_is_reviewed_twice_then_published_with_its_index_number,
    index_numbers_continue_after_imported_ones,
    items_from_before_are_marked_corrected_and_withdrawn
);

//! The annual report workspace: writing, checking, publishing and correcting.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use axum::http::StatusCode;
use common::{TOWN_A, TOWN_B, signed_in, world};
use gongkai_core::Slug;
use gongkai_core::audit::Actor;
use gongkai_store::By;
use gongkai_store::{Store, demo, on_both_backends};

async fn a_report_is_written_checked_published_and_corrected(store: &Store) {
    let w = world(store).await;
    let now = w.clock_now();
    // 南麻镇 wrote its text first; 西里镇 copies it word for word.
    store
        .set_report_texts(
            &Slug::parse(TOWN_B).unwrap(),
            2024,
            &demo::texts_2024(),
            By::new(&Actor::system("测试"), now),
        )
        .await
        .unwrap();
    let mut c = signed_in(&w, "a_admin").await;
    let uri = format!("/admin/agencies/{TOWN_A}/reports/2024");
    let page = c.get(&uri).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("S-COPIED-TEXT")
            && page.body.contains("沂源县南麻镇人民政府的2024年度报告")
    );
    assert!(page.body.contains("发布期限：2025-03-31"));
    // Parts the format requires, saved empty, block publication until they are written.
    let partial = c
        .post(&uri, &[("management", "本镇建立信息发布审核制度。")])
        .await;
    assert_eq!(partial.status, StatusCode::SEE_OTHER);
    let page = c.get(&uri).await;
    assert!(
        page.body.contains("“一（四）政府信息公开平台建设”尚未填写"),
        "{}",
        page.body
    );
    let early = c.get(&format!("{uri}/publish")).await;
    assert!(!early.body.contains("提请分管领导批准</button>"));
    let refused = c.post(&format!("{uri}/publish"), &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The dashboard counts the same errors as the workspace (一（四）（五） and 五 unwritten).
    let dashboard = c.get("/admin").await;
    assert!(
        dashboard.body.contains(r#"class="bad">3</td>"#),
        "{}",
        dashboard.body
    );

    let own = "本镇建立信息发布“三审”制度，全年由党政办统一把关发布。";
    let saved = c
        .post(
            &uri,
            &[
                ("management", own),
                ("platform", "依托县政府门户网站西里镇专栏公开政府信息。"),
                ("supervision", "将政务公开纳入年度考核。"),
                ("problems", "1. 栏目更新不及时。\n2. 解读形式单一。"),
                ("innovation", "开设“西里政务”短视频专栏。"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = c.get(&uri).await;
    assert!(page.body.contains(own));
    assert!(
        !page.body.contains("S-COPIED-TEXT"),
        "rewritten text is no longer a copy"
    );

    // Publish: a confirmation page shows what will be published; the administrator asks, and
    // only a second person, the 分管领导, makes it public.
    let confirm = c.get(&format!("{uri}/publish")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains(own) && confirm.body.contains("提请分管领导批准"));
    let proposed = c.post(&format!("{uri}/publish"), &[]).await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER, "{}", proposed.body);
    let portal = c.get(&format!("/agencies/{TOWN_A}/reports/2024")).await;
    assert!(
        portal.body.contains("尚未发布"),
        "not public before approval"
    );
    let proposal = store
        .pending_proposal(&Slug::parse(TOWN_A).unwrap(), 2024)
        .await
        .unwrap()
        .unwrap();
    let id = proposal.id.to_string();
    assert_eq!(
        c.post(
            &format!("{uri}/decision"),
            &[("decision", "approve"), ("proposal", id.as_str())]
        )
        .await
        .status,
        StatusCode::FORBIDDEN,
        "the administrator who asked cannot approve"
    );
    let mut leader = signed_in(&w, "a_leader").await;
    // The leader's first page says a report waits, with the way to it.
    let home = leader.get("/admin").await;
    assert!(
        home.body.contains("等待批准发布的年度报告")
            && home
                .body
                .contains(&format!("{uri}/publish").replace('/', "&#x2f;")),
        "{}",
        home.body
    );
    let waiting = leader.get(&format!("{uri}/publish")).await;
    assert!(waiting.body.contains("甲机关管理员") && waiting.body.contains("批准发布"));
    let approved = leader
        .post(
            &format!("{uri}/decision"),
            &[("decision", "approve"), ("proposal", id.as_str())],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let audit = store
        .audit_records(&gongkai_store::AuditFilter {
            limit: 1000,
            ..gongkai_store::AuditFilter::default()
        })
        .await
        .unwrap();
    assert!(
        audit.iter().any(|r| r.action == "report.propose")
            && audit.iter().any(|r| r.action == "report.publish"
                && r.summary.contains("甲机关管理员（a_admin）提请")
                && r.summary.contains("甲分管领导（a_leader）批准")),
        "both people are in the audit trail: {:?}",
        audit
            .iter()
            .map(|r| (&r.action, &r.summary))
            .collect::<Vec<_>>()
    );
    let portal = c.get(&format!("/agencies/{TOWN_A}/reports/2024")).await;
    assert!(!portal.body.contains("尚未发布") && portal.body.contains(own));
    assert!(
        !leader
            .get("/admin")
            .await
            .body
            .contains("等待批准发布的年度报告"),
        "approved: no longer waiting"
    );
    let (report, _) = store
        .checked_report(
            &Slug::parse(TOWN_A).unwrap(),
            2025,
            "2026-03-01".parse().unwrap(),
        )
        .await
        .unwrap();
    let filed = report
        .proactive
        .by_category
        .iter()
        .find(|c| c.category == "信息公开年度报告")
        .unwrap();
    assert_eq!(
        filed.count, 1,
        "the publication is a 2025 item of the report column"
    );

    // A second publication is a correction: it needs a note, and the portal lists it.
    let again = c.post(&format!("{uri}/publish"), &[]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("更正说明"));
    let corrected = c
        .post(&format!("{uri}/publish"), &[("note", "更正第五部分表述")])
        .await;
    assert_eq!(corrected.status, StatusCode::SEE_OTHER);
    let proposal = store
        .pending_proposal(&Slug::parse(TOWN_A).unwrap(), 2024)
        .await
        .unwrap()
        .unwrap();
    let id = proposal.id.to_string();
    // Sent back once with a reason, asked again, then approved.
    let returned = leader
        .post(
            &format!("{uri}/decision"),
            &[
                ("decision", "return"),
                ("proposal", id.as_str()),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(returned.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(returned.body.contains("退回须写明理由"));
    let returned = leader
        .post(
            &format!("{uri}/decision"),
            &[
                ("decision", "return"),
                ("proposal", id.as_str()),
                ("reason", "更正说明不够具体"),
            ],
        )
        .await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER);
    c.post(&format!("{uri}/publish"), &[("note", "更正第五部分表述")])
        .await;
    let id = store
        .pending_proposal(&Slug::parse(TOWN_A).unwrap(), 2024)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    assert_eq!(
        leader
            .post(
                &format!("{uri}/decision"),
                &[("decision", "approve"), ("proposal", id.as_str())]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let portal = c.get(&format!("/agencies/{TOWN_A}/reports/2024")).await;
    assert!(portal.body.contains("第2版") && portal.body.contains("更正第五部分表述"));
    assert_eq!(
        store
            .publications(&Slug::parse(TOWN_A).unwrap(), 2024)
            .await
            .unwrap()
            .len(),
        2
    );
}

async fn an_error_blocks_publication_and_only_editors_edit(store: &Store) {
    let w = world(store).await;
    let b = Slug::parse(TOWN_B).unwrap();
    let mut t2 = gongkai_core::report::Table2::unreported();
    t2.rules.issued = Some(1);
    store
        .set_reported_table2(
            &b,
            2024,
            &t2,
            "测试",
            By::new(&Actor::system("测试"), w.clock_now()),
        )
        .await
        .unwrap();
    let mut admin = signed_in(&w, "b_admin").await;
    let uri = format!("/admin/agencies/{TOWN_B}/reports/2024");
    let refused = admin.post(&format!("{uri}/publish"), &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("项错误未改正"));
    assert!(store.publications(&b, 2024).await.unwrap().is_empty());

    let mut drafter = signed_in(&w, "a_staff").await;
    let a_uri = format!("/admin/agencies/{TOWN_A}/reports/2024");
    assert_eq!(
        drafter.get(&a_uri).await.status,
        StatusCode::OK,
        "a drafter reads the workspace"
    );
    assert_eq!(
        drafter.post(&a_uri, &[("management", "x")]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        drafter.post(&format!("{a_uri}/publish"), &[]).await.status,
        StatusCode::FORBIDDEN
    );
}

on_both_backends!(
    a_report_is_written_checked_published_and_corrected,
    an_error_blocks_publication_and_only_editors_edit
);

async fn the_summary_shows_published_and_late_reports(store: &Store) {
    let w = world(store).await;
    let mut admin = signed_in(&w, "a_admin").await;
    let published = admin
        .post(
            &format!("/admin/agencies/{TOWN_A}/reports/2024/publish"),
            &[],
        )
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let id = store
        .pending_proposal(&Slug::parse(TOWN_A).unwrap(), 2024)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let mut leader = signed_in(&w, "a_leader").await;
    let approved = leader
        .post(
            &format!("/admin/agencies/{TOWN_A}/reports/2024/decision"),
            &[("decision", "approve"), ("proposal", id.as_str())],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    let mut officer = signed_in(&w, "overseer").await;
    let page = officer.get("/admin/agencies/yiyuan/summary/2024").await;
    assert!(page.body.contains("已发布"));
    // 1 April 2025: the towns' deadline (31 March) has passed for 南麻镇.
    w.clock.advance(chrono::Duration::days(31));
    let mut officer = signed_in(&w, "overseer").await;
    let page = officer.get("/admin/agencies/yiyuan/summary/2024").await;
    assert!(page.body.contains("逾期未发布"), "{}", page.body);
}

on_both_backends!(the_summary_shows_published_and_late_reports);

async fn a_county_sets_its_own_reporting_date(store: &Store) {
    let w = world(store).await;
    let mut root = signed_in(&w, "root").await;
    let bad = root
        .post("/admin/agencies/yiyuan/deadline", &[("deadline", "02-30")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("发布期限“02-30”无效"));
    let ok = root
        .post("/admin/agencies/yiyuan/deadline", &[("deadline", "01-31")])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    // The towns inherit it: on 1 March 2025 their 2024 reports are late.
    let mut officer = signed_in(&w, "overseer").await;
    let page = officer.get("/admin/agencies/yiyuan/summary/2024").await;
    assert_eq!(page.body.matches("逾期未发布").count(), 2, "{}", page.body);
    let mut a_admin = signed_in(&w, "a_admin").await;
    assert!(
        a_admin
            .get(&format!("/admin/agencies/{TOWN_A}/reports/2024"))
            .await
            .body
            .contains("发布期限：2025-01-31")
    );
    // A town's administrator cannot set the county's date.
    assert_eq!(
        a_admin
            .post("/admin/agencies/yiyuan/deadline", &[("deadline", "06-30")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

on_both_backends!(a_county_sets_its_own_reporting_date);

async fn a_report_part_is_written_with_the_editor(store: &Store) {
    let w = world(store).await;
    let mut c = signed_in(&w, "a_admin").await;
    let uri = format!("/admin/agencies/{TOWN_A}/reports/2024");
    let page = c.get(&uri).await;
    assert!(
        page.body.contains(r#"data-format="report""#) && page.body.contains("/assets/editor.js"),
        "{}",
        page.body
    );
    // The editor sends HTML (pasted from Word, say); the part keeps the report's lines.
    let html = "<h3>加强组织领导</h3><p><b>一是</b>健全机制。</p><ol><li>申请表</li><li>身份证明</li></ol><table><tr><td>甲</td></tr></table><script>x</script>";
    let saved = c
        .post(&uri, &[("edited_as", "html"), ("management", html)])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let texts = store
        .staff_texts(&Slug::parse(TOWN_A).unwrap(), 2024)
        .await
        .unwrap();
    assert_eq!(
        texts.management,
        "### 加强组织领导\n**一是**健全机制。\n1. 申请表\n2. 身份证明\n甲"
    );
    let page = c.get(&uri).await;
    assert!(
        page.body.contains("<h4>加强组织领导</h4>")
            && page
                .body
                .contains("<ol><li>申请表</li><li>身份证明</li></ol>"),
        "{}",
        page.body
    );
    let md = c
        .get(&format!("/agencies/{TOWN_A}/reports/2024/report.md"))
        .await;
    assert!(
        md.body
            .contains("#### 加强组织领导\n\n**一是**健全机制。\n\n1. 申请表\n2. 身份证明"),
        "{}",
        md.body
    );
    // A preview is at the address the published report will have: no cache may keep it, and
    // its file is named a preview.
    assert_eq!(
        md.headers[axum::http::header::CACHE_CONTROL],
        "private, no-store"
    );
    assert!(
        md.headers[axum::http::header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("-2024-preview.md"),
        "{:?}",
        md.headers
    );
    // Its JSON lists the workspace's findings, the parts of the text still empty among them.
    let json = c
        .get(&format!("/agencies/{TOWN_A}/reports/2024/report.json"))
        .await;
    assert!(json.body.contains("S-MISSING-SECTION"), "{}", json.body);
    assert_eq!(
        c.get(&format!("/agencies/{TOWN_A}/reports/2024"))
            .await
            .headers[axum::http::header::CACHE_CONTROL],
        "private, no-store"
    );
    // A page without the editor sends the lines themselves; a refused save keeps what was typed.
    let long = "字".repeat(20_001);
    let refused = c
        .post(
            &uri,
            &[("platform", "- 网站\n- 公众号"), ("problems", &long)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("- 网站\n- 公众号</textarea>") && refused.body.contains(&long),
        "the typed text is lost"
    );
    let preview = c
        .post(
            &format!("/admin/agencies/{TOWN_A}/preview?as=report&fragment=1"),
            &[("body", "<p>甲<img src=\"/x.png\"></p><ul><li>乙</li></ul>")],
        )
        .await;
    assert_eq!(preview.body, "<p>甲</p>\n<ul><li>乙</li></ul>\n");
}

on_both_backends!(a_report_part_is_written_with_the_editor);

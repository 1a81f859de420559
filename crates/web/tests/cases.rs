//! The case officer's queue and request page.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::{Client, TOWN_A, mails_to, new_request, signed_in, world};
use gongkai_core::Slug;
use gongkai_core::audit::Actor;
use gongkai_store::By;
use gongkai_store::{Store, on_both_backends};

async fn a_case_officer_handles_a_request_through_the_workflow(store: &Store) {
    let w = world(store).await;
    let a = Slug::parse(TOWN_A).unwrap();
    let code = store
        .register_request(
            &a,
            &new_request("2025-02-24"),
            By::new(&Actor::system("测试"), w.clock_now()),
            common::rules(),
        )
        .await
        .unwrap();
    let mut officer = signed_in(&w, "a_officer").await;
    let queue = officer
        .get(&format!("/admin/agencies/{TOWN_A}/requests"))
        .await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(
        queue.body.contains(&code) && queue.body.contains("2025-03-24"),
        "due date shown: {}",
        queue.body
    );
    let uri = format!("/admin/agencies/{TOWN_A}/requests/{code}");
    let page = officer.get(&uri).await;
    assert!(
        page.body.contains("370323198001011111"),
        "the case officer sees the requester"
    );

    let step = |s: &'static str, on: &'static str| vec![("step", s), ("on", on)];
    assert_eq!(
        officer
            .post(
                &format!("{uri}/steps"),
                &step("clarification_request", "2025-02-26")
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let refused = officer
        .post(
            &format!("{uri}/steps"),
            &step("clarification_request", "2025-02-27"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("补正只能一次性告知"));
    let waiting = officer
        .get(&format!(
            "/admin/agencies/{TOWN_A}/requests?filter=clarification"
        ))
        .await;
    assert!(waiting.body.contains(&code));
    assert_eq!(
        officer
            .post(&format!("{uri}/steps"), &step("clarified", "2025-02-28"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let mut decide = step("decide", "2025-03-01");
    decide.push(("outcome", "disclosed"));
    let missing = officer.post(&format!("{uri}/steps"), &decide).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing.body.contains("予以公开须写明提供的信息"),
        "a reply letter needs its content"
    );
    decide.push(("provided", "现将补贴发放名单通过电子邮件提供给您"));
    assert_eq!(
        officer.post(&format!("{uri}/steps"), &decide).await.status,
        StatusCode::SEE_OTHER
    );
    // Receipt, 补正 notice and reply letter, each numbered, each downloadable as HTML and DOCX.
    let letters = w.store.letters_of(&a, &code).await.unwrap();
    let kinds: Vec<_> = letters.iter().map(|l| l.kind.key()).collect();
    assert_eq!(kinds, ["receipt", "clarification", "decision"]);
    let reply = officer
        .get(&format!("{uri}/letters/{}?format=html", letters[2].id))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    for part in [
        "政府信息公开申请答复书",
        "第三十六条",
        "沂源县人民政府申请行政复议",
        "补贴发放名单通过电子邮件",
        "盖章处",
    ] {
        assert!(reply.body.contains(part), "{part}: {}", reply.body);
    }
    let docx = officer
        .get(&format!("{uri}/letters/{}?format=docx", letters[2].id))
        .await;
    assert_eq!(
        docx.headers.get("content-type").unwrap(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let page = officer.get(&uri).await;
    assert!(
        page.body.contains("已答复")
            && page.body.contains("发出补正通知")
            && page.body.contains("甲经办人")
    );

    // The oversight office reads the case but not the person, and cannot act.
    let mut overseer = signed_in(&w, "overseer").await;
    let seen = overseer.get(&uri).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(!seen.body.contains("370323198001011234") && !seen.body.contains("370323198001011111"));
    assert_eq!(
        overseer
            .post(&format!("{uri}/steps"), &step("close", "2025-03-02"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A drafter of the same town cannot act either.
    let mut drafter = signed_in(&w, "a_staff").await;
    assert_eq!(
        drafter
            .post(&format!("{uri}/steps"), &step("close", "2025-03-02"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

async fn counter_post_and_fax_requests_are_registered_assigned_charged_and_reviewed(store: &Store) {
    let w = world(store).await;
    let a = Slug::parse(TOWN_A).unwrap();
    let mut officer = signed_in(&w, "a_officer").await;
    let form = officer
        .get(&format!("/admin/agencies/{TOWN_A}/requests/new"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let fields = |channel: &'static str, arrived: &'static str, confirmed: &'static str| {
        vec![
            ("channel", channel),
            ("arrived_on", arrived),
            ("confirmed_on", confirmed),
            ("kind", "business"),
            ("name", "沂源某某有限公司"),
            ("id_document", "91370323MA3C000001"),
            ("contact", "0533-3210000"),
            ("address", "沂源县某路1号"),
            ("description", "2024年西里镇道路工程招标文件"),
            ("delivery", "纸质文本"),
        ]
    };
    let before = w.store.audit_count().await.unwrap();
    // A fax without the day of confirmation cannot be registered (第三十一条第（三）项).
    let refused = officer
        .post(
            &format!("/admin/agencies/{TOWN_A}/requests"),
            &fields("fax", "2025-02-26", ""),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("请填写确认日期"), "{}", refused.body);
    assert_eq!(w.store.audit_count().await.unwrap(), before);
    // An ordinary letter: received the day it was confirmed with the applicant.
    let done = officer
        .post(
            &format!("/admin/agencies/{TOWN_A}/requests"),
            &fields("ordinary_post", "2025-02-24", "2025-02-25"),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let uri = done.location().split('?').next().unwrap().to_owned();
    let code = uri.rsplit('/').next().unwrap().to_owned();
    let state = w.store.request_state(&a, &code).await.unwrap().unwrap();
    assert_eq!(state.received_on.to_string(), "2025-02-25");
    let page = officer.get(&uri).await;
    assert!(page.body.contains("接收回执") && page.body.contains("邮寄（平常信函）"));

    // Reassignment to a case officer of the agency, shown in the queue's "mine" filter.
    let me = w.users["a_officer"].to_string();
    assert_eq!(
        officer
            .post(&format!("{uri}/assign"), &[("assignee", &me)])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let stranger = w.users["b_admin"].to_string();
    assert_eq!(
        officer
            .post(&format!("{uri}/assign"), &[("assignee", &stranger)])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let mine = officer
        .get(&format!("/admin/agencies/{TOWN_A}/requests?filter=mine"))
        .await;
    assert!(mine.body.contains(&code) && mine.body.contains("指派给我（1）"));

    // A fee by pages: the notice is issued and the queue counts the request as awaiting payment.
    let fee = officer
        .post(
            &format!("{uri}/steps"),
            &[
                ("step", "fee_notice"),
                ("on", "2025-02-27"),
                ("fee_method", "per_page"),
                ("pages", "150"),
            ],
        )
        .await;
    assert_eq!(fee.status, StatusCode::SEE_OTHER, "{}", fee.body);
    let queue = officer
        .get(&format!("/admin/agencies/{TOWN_A}/requests?filter=payment"))
        .await;
    assert!(queue.body.contains(&code) && queue.body.contains("待缴费（1）"));
    let letters = w.store.letters_of(&a, &code).await.unwrap();
    let notice = w
        .store
        .letter(&a, &code, letters[1].id)
        .await
        .unwrap()
        .unwrap();
    assert!(notice.paragraphs.join("").contains("共150页，收费1700元"));
    // Too early to treat as unpaid; paid, handling resumes.
    let early = officer
        .post(
            &format!("{uri}/steps"),
            &[("step", "fee_lapsed"), ("on", "2025-03-03")],
        )
        .await;
    assert!(early.body.contains("缴费期限至"), "{}", early.body);
    assert_eq!(
        officer
            .post(
                &format!("{uri}/steps"),
                &[("step", "fee_paid"), ("on", "2025-03-03")]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let mut decide = vec![
        ("step", "decide"),
        ("on", "2025-03-10"),
        ("outcome", "withheld.process_info"),
    ];
    decide.push(("reasons", "所申请的招标文件尚在审核过程中，属于过程稿"));
    assert_eq!(
        officer.post(&format!("{uri}/steps"), &decide).await.status,
        StatusCode::SEE_OTHER
    );

    // The applicant seeks reconsideration; the case is recorded, then concluded.
    assert_eq!(
        officer
            .post(
                &format!("{uri}/cases"),
                &[
                    ("kind", "reconsideration"),
                    ("filed_on", "2025-04-01"),
                    ("note", "沂政复〔2025〕3号")
                ]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let cases = w.store.request_cases(&a, &code).await.unwrap();
    let id = cases[0].id.to_string();
    assert_eq!(
        officer
            .post(
                &format!("{uri}/cases"),
                &[
                    ("case_id", &id),
                    ("concluded_on", "2025-05-20"),
                    ("result", "upheld")
                ]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = officer.get(&uri).await;
    assert!(page.body.contains("沂政复〔2025〕3号") && page.body.contains("结果维持"));
    let (report, _) = w
        .store
        .checked_report(&a, 2025, "2026-03-01".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(report.table4.reconsideration.upheld, Some(1));
}

/// Case officers with an address hear of new requests; the one assigned hears of steps others
/// take, but nobody is told of their own actions.
async fn officers_are_notified_of_new_requests_and_of_steps_on_theirs(store: &Store) {
    let w = world(store).await;
    let a = Slug::parse(TOWN_A).unwrap();
    let mut root = signed_in(&w, "root").await;
    let officer_id = w.users["a_officer"].to_string();
    let bad = root
        .post(
            &format!("/admin/users/{officer_id}/email"),
            &[("email", "not an address")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let set = root
        .post(
            &format!("/admin/users/{officer_id}/email"),
            &[("email", "jia@xili.example.gov.cn")],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.location());
    let code = store
        .register_request(
            &a,
            &new_request("2025-02-24"),
            By::new(&Actor::system("网上申请"), w.clock_now()),
            common::rules(),
        )
        .await
        .unwrap();
    let mails = mails_to(store, "jia@xili.example.gov.cn").await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].0.subject.contains("新的政府信息公开申请") && mails[0].0.subject.contains(&code)
    );
    // Assigned by an administrator: told. A step the officer takes: not told.
    store
        .assign_request(
            &a,
            &code,
            Some((w.users["a_officer"], "甲经办人")),
            By::new(
                &Actor::user(w.users["root"], "总管理员", "root"),
                w.clock_now(),
            ),
        )
        .await
        .unwrap();
    let mut officer = signed_in(&w, "a_officer").await;
    let uri = format!("/admin/agencies/{TOWN_A}/requests/{code}");
    officer
        .post(
            &format!("{uri}/steps"),
            &[("step", "accept"), ("on", "2025-02-25")],
        )
        .await;
    let mails = mails_to(store, "jia@xili.example.gov.cn").await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert!(mails[1].0.subject.contains("指派给您"));
    // A step someone else records on the officer's request: told.
    store
        .apply_request_event(
            &a,
            &code,
            &gongkai_core::workflow::Event::StartConsultation {
                on: "2025-02-26".parse().unwrap(),
            },
            By::new(
                &Actor::user(w.users["root"], "总管理员", "root"),
                w.clock_now(),
            ),
            common::rules(),
        )
        .await
        .unwrap();
    let mails = mails_to(store, "jia@xili.example.gov.cn").await;
    assert_eq!(mails.len(), 3, "{mails:?}");
    // Staff mail names the request by its code: the requester's identity document, name, contact
    // and address appear in neither subject nor body.
    let requester = new_request("2025-02-24").requester;
    for (mail, _) in &mails {
        for personal in [
            requester.id_document.as_str(),
            requester.name.as_str(),
            requester.contact.as_str(),
            requester.address.as_str(),
        ] {
            assert!(
                !mail.subject.contains(personal) && !mail.body.contains(personal),
                "{personal} in {mail:?}"
            );
        }
    }
}

async fn overdue_requests_are_flagged(store: &Store) {
    let w = world(store).await;
    let a = Slug::parse(TOWN_A).unwrap();
    let code = store
        .register_request(
            &a,
            &new_request("2025-02-24"),
            By::new(&Actor::system("测试"), w.clock_now()),
            common::rules(),
        )
        .await
        .unwrap();
    w.clock.advance(Duration::days(30));
    let mut officer = signed_in(&w, "a_officer").await;
    let overdue = officer
        .get(&format!("/admin/agencies/{TOWN_A}/requests?filter=overdue"))
        .await;
    assert!(
        overdue.body.contains(&code) && overdue.body.contains("已逾期"),
        "{}",
        overdue.body
    );
    let soon = officer
        .get(&format!(
            "/admin/agencies/{TOWN_A}/requests?filter=due_soon"
        ))
        .await;
    assert!(!soon.body.contains(&code));
    // The officer's dashboard counts it, linked to the filtered queue.
    let dashboard = officer.get("/admin").await;
    let overdue_link = "requests?filter=overdue\">1</a>";
    assert!(
        dashboard.body.replace("&#x2f;", "/").contains(overdue_link),
        "{}",
        dashboard.body
    );
}

async fn a_partial_disclosure_keeps_what_was_typed_and_its_letter_gives_reasons(store: &Store) {
    let w = world(store).await;
    let a = Slug::parse(TOWN_A).unwrap();
    let code = store
        .register_request(
            &a,
            &new_request("2025-02-24"),
            By::new(&Actor::system("测试"), w.clock_now()),
            common::rules(),
        )
        .await
        .unwrap();
    let mut officer = signed_in(&w, "a_officer").await;
    let uri = format!("/admin/agencies/{TOWN_A}/requests/{code}");
    let form = officer.get(&uri).await;
    assert!(
        form.body.contains(r#"<optgroup label="（三）不予公开">"#)
            && form.body.contains("4.保护第三方合法权益（不予公开）"),
        "outcomes are grouped under their headings: {}",
        form.body
    );
    let mut decide = vec![
        ("step", "decide"),
        ("on", "2025-03-03"),
        ("outcome", "partly_disclosed"),
        ("provided", "西里村2024年补贴发放汇总表"),
        (
            "withheld",
            "发放名单中的身份证号码和银行账号（西里村部分）。”。",
        ),
        ("withheld_ground", "withheld.third_party"),
        ("other_basis", "《中华人民共和国个人信息保护法》第二十五条"),
    ];
    let refused = officer.post(&format!("{uri}/steps"), &decide).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("不予公开的理由"), "{}", refused.body);
    for kept in [
        r#"<option value="partly_disclosed" selected>"#,
        r#"<option value="withheld.third_party" selected>"#,
        "西里村2024年补贴发放汇总表</textarea>",
        r#"value="《中华人民共和国个人信息保护法》第二十五条""#,
        r#"value="2025-03-03""#,
    ] {
        assert!(refused.body.contains(kept), "kept {kept}: {}", refused.body);
    }
    // The information provided goes with the reply: uploaded before the decision.
    let pdf = b"%PDF-1.4\n% 2024 summary\n%%EOF\n";
    let up = officer
        .upload(&format!("{uri}/files"), "补贴发放汇总表.pdf", pdf)
        .await;
    assert_eq!(up.status, StatusCode::SEE_OTHER, "{}", up.body);
    let files = w.store.reply_files(&a, &code).await.unwrap();
    assert_eq!(files.len(), 1);
    let early = Client::new(&w.app)
        .get(&format!(
            "/agencies/{TOWN_A}/requests/files/{}?code={code}&contact=13700000000",
            files[0].id
        ))
        .await;
    assert_eq!(early.status, StatusCode::NOT_FOUND, "not before the reply");
    decide.push((
        "reasons",
        "身份证号码和银行账号属于个人隐私，公开会损害第三方合法权益",
    ));
    assert_eq!(
        officer.post(&format!("{uri}/steps"), &decide).await.status,
        StatusCode::SEE_OTHER
    );
    let late = officer
        .upload(&format!("{uri}/files"), "另一份.pdf", pdf)
        .await;
    assert_eq!(
        late.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "closed once answered"
    );
    let letters = w.store.letters_of(&a, &code).await.unwrap();
    let reply = letters.iter().find(|l| l.kind.key() == "decision").unwrap();
    let letter = officer
        .get(&format!("{uri}/letters/{}?format=html", reply.id))
        .await;
    for part in [
        "不予公开的理由：身份证号码和银行账号属于个人隐私，公开会损害第三方合法权益",
        "第十五条",
        "《中华人民共和国个人信息保护法》第二十五条",
        "（西里村部分）”。",
    ] {
        assert!(letter.body.contains(part), "{part}: {}", letter.body);
    }
    assert!(!letter.body.contains("。”。"), "punctuation not doubled");
    assert!(
        letter.body.contains("（共1件）：1.补贴发放汇总表.pdf"),
        "the letter lists the file: {}",
        letter.body
    );
    // The requester, with code and contact, sees the file on the tracking page and downloads it.
    let mut requester = Client::new(&w.app);
    let track = requester
        .get(&format!(
            "/agencies/{TOWN_A}/requests/track?code={code}&contact=13700000000"
        ))
        .await;
    let href = format!(
        "/agencies/{TOWN_A}/requests/files/{}?code={code}&contact=13700000000",
        files[0].id
    );
    let escaped = href
        .replace('/', "&#x2f;")
        .replace('&', "&amp;")
        .replace("&amp;#x2f;", "&#x2f;");
    assert!(
        track.body.contains(&escaped) && track.body.contains("补贴发放汇总表.pdf</a>（PDF 文件"),
        "{}",
        track.body
    );
    let got = requester.get(&href).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body.as_bytes(), pdf);
    let wrong = requester
        .get(&format!(
            "/agencies/{TOWN_A}/requests/files/{}?code={code}&contact=13900000000",
            files[0].id
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
}

on_both_backends!(
    a_partial_disclosure_keeps_what_was_typed_and_its_letter_gives_reasons,
    officers_are_notified_of_new_requests_and_of_steps_on_theirs,
    counter_post_and_fax_requests_are_registered_assigned_charged_and_reviewed,
    a_case_officer_handles_a_request_through_the_workflow,
    overdue_requests_are_flagged
);

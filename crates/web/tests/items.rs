//! Proactive disclosure through the back office and onto the portal: a drafter writes, two other
//! people review, the item appears in its category, its feed and the sitemap with its metadata
//! block; withdrawn, it is gone at once.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use axum::http::StatusCode;
use common::{Client, TOWN_A, TOWN_B, imported_into_town_b, signed_in, world};
use gongkai_core::Slug;
use gongkai_core::audit::Actor;
use gongkai_core::auth::Role;
use gongkai_store::By;
use gongkai_store::RoleChange;
use gongkai_store::{Store, on_both_backends};

fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
}

async fn a_drafted_item_is_reviewed_twice_and_appears_on_the_portal(store: &Store) {
    let w = world(store).await;
    let a = Slug::parse(TOWN_A).unwrap();
    let system = Actor::system("测试");
    for (user, role) in [
        ("a_officer", Role::FirstReviewer),
        ("a_admin", Role::FinalReviewer),
    ] {
        store
            .change_role(
                w.users[user],
                &a,
                role,
                RoleChange::Grant,
                By::new(&system, w.clock_now()),
            )
            .await
            .unwrap();
    }
    let mut drafter = signed_in(&w, "a_staff").await;
    let form = drafter
        .get(&format!("/admin/agencies/{TOWN_A}/items/new"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    // A reviewer who follows a dashboard's "publish in this column" link is told why there is no
    // form (a walk found a page with a heading and a back link only).
    let mut reviewer = signed_in(&w, "a_officer").await;
    let told = reviewer
        .get(&format!(
            "/admin/agencies/{TOWN_A}/items/new?category=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4"
        ))
        .await;
    assert_eq!(told.status, StatusCode::OK);
    assert!(told.body.contains("没有“起草人”角色"), "{}", told.body);
    assert!(told.body.contains("（栏目：乡村振兴）"), "{}", told.body);
    assert!(!told.body.contains("保存草稿"));
    let fields = [
        ("title", "西里镇关于做好2025年宅基地审核工作的通知"),
        ("doc_number", "西政发〔2025〕5号"),
        ("written_on", "2025-02-25"),
        ("formed_on", "2025-02-26"),
        ("category", "乡村振兴"),
        ("topic", "城乡建设、环境保护\\城乡建设（含住房）"),
        ("attribute", "proactive"),
        ("kind", "normative_document"),
        ("validity", "valid"),
        ("keywords", "宅基地"),
        ("summary", "明确2025年农村宅基地审核的程序和时限。"),
        (
            "body",
            "<h2>一、审核程序</h2><p>村民申请<script>alert(1)</script>宅基地……</p>",
        ),
    ];
    let created = drafter
        .post(&format!("/admin/agencies/{TOWN_A}/items"), &fields)
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let uri = unescape(created.location())
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let review = format!("{uri}/review");
    // Attachments are checked by name and content; a renamed file is refused.
    let bad = drafter
        .upload(
            &format!("{uri}/attachments"),
            "通知.pdf",
            b"MZ\x90\x00 not a pdf",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("不是可接受的类型"));
    let good = drafter
        .upload(
            &format!("{uri}/attachments"),
            "宅基地申请表.pdf",
            b"%PDF-1.7 form",
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    // A wrong file uploaded by mistake can be removed while drafting.
    let wrong = drafter
        .upload(
            &format!("{uri}/attachments"),
            "错误的文件.pdf",
            b"%PDF-1.7 oops",
        )
        .await;
    assert_eq!(wrong.status, StatusCode::SEE_OTHER);
    let page = drafter.get(&uri).await;
    let at = page.body.find("错误的文件.pdf").unwrap();
    let link = &page.body[..at];
    let id = link[link.rfind("/attachments/").unwrap() + "/attachments/".len()..]
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let removed = drafter
        .post(&format!("{uri}/attachments/{id}/delete"), &[])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    let page = drafter.get(&uri).await;
    assert!(!page.body.contains("错误的文件.pdf") && page.body.contains("宅基地申请表.pdf"));
    // What the public saw stays: a published item's attachment cannot be removed.
    let kept = w
        .store
        .remove_attachment(
            &gongkai_core::Slug::parse(common::TOWN_B).unwrap(),
            w.b_item.0,
            w.b_attachment,
            By::new(&gongkai_core::audit::Actor::system("测试"), w.clock_now()),
        )
        .await;
    assert!(
        matches!(kept, Err(gongkai_store::StoreError::Rejected(_))),
        "{kept:?}"
    );
    let submitted = drafter.post(&review, &[("step", "submit")]).await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.body
    );
    // The drafter cannot approve; the 初审 cannot do the 终审.
    let own = drafter.post(&review, &[("step", "approve_first")]).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut head = signed_in(&w, "a_officer").await;
    let dashboard = head.get("/admin").await;
    assert!(
        dashboard.body.contains("待我起草或审核的信息")
            && dashboard.body.contains("宅基地审核工作"),
        "the 初审 sees it on the dashboard"
    );
    assert!(
        head.get(&format!("/admin/agencies/{TOWN_A}/items"))
            .await
            .body
            .contains("宅基地审核工作")
    );
    assert_eq!(
        head.post(&review, &[("step", "approve_first")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        head.post(&review, &[("step", "approve_final")])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let mut leader = signed_in(&w, "a_admin").await;
    assert_eq!(
        leader
            .post(&review, &[("step", "approve_final")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    let page = leader.get(&uri).await;
    assert!(page.body.contains("已发布"), "{}", page.body);
    let body = unescape(&page.body);
    let at = body.find("/agencies/yiyuan-xili/items/").unwrap();
    let item_url = body[at..].split('"').next().unwrap().to_owned();

    let mut visitor = Client::new(&w.app);
    let item = visitor.get(&item_url).await;
    assert_eq!(item.status, StatusCode::OK);
    for part in [
        "索引号",
        "11370323004345133C/2025-00001",
        "西政发〔2025〕5号",
        "行政规范性文件",
        "有效",
        "主动公开",
        "<h2>一、审核程序</h2>",
    ] {
        assert!(unescape(&item.body).contains(part), "{part}");
    }
    assert!(!item.body.contains("alert(1)"), "the body is sanitised");
    let body = unescape(&item.body);
    let at = body.find("/attachments/").unwrap();
    let start = body[..at].rfind('"').unwrap() + 1;
    let file_url = body[start..].split('"').next().unwrap().to_owned();
    let file = visitor.get(&file_url).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.headers.get("content-type").unwrap(), "application/pdf");
    assert_eq!(file.body, "%PDF-1.7 form");
    let etag = item
        .headers
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let again = {
        let req = axum::http::Request::get(&item_url)
            .header("if-none-match", &etag)
            .body(axum::body::Body::empty())
            .unwrap();
        tower::ServiceExt::oneshot(w.app.clone(), req)
            .await
            .unwrap()
    };
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let list = visitor
        .get(&format!(
            "/agencies/{TOWN_A}/items?category=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4"
        ))
        .await;
    assert!(
        list.body.contains("宅基地审核工作") && list.body.contains("共 4 条"),
        "{}",
        list.body
    );
    let feed = visitor.get(&format!("/agencies/{TOWN_A}/feed.atom")).await;
    assert_eq!(
        feed.headers.get("content-type").unwrap(),
        "application/atom+xml; charset=utf-8"
    );
    assert!(feed.body.contains("宅基地审核工作"));
    // A column the catalogue does not have is a 404 for the feed as for the list (the feed was
    // an empty 200; with U+FFFF in the name, not even well-formed XML).
    for column in ["nope", "%EF%BF%BF"] {
        for path in ["feed.atom", "items"] {
            let page = visitor
                .get(&format!("/agencies/{TOWN_A}/{path}?category={column}"))
                .await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{path} {column}");
            assert!(page.body.contains("栏目"), "{}", page.body);
        }
    }
    // The sitemap is an index of parts (sitemaps protocol); the item is in its part.
    let index = visitor.get("/sitemap.xml").await.body;
    assert!(
        index.contains("<sitemapindex") && index.contains("/sitemaps/pages.xml"),
        "{index}"
    );
    let part = index
        .split("<loc>")
        .filter_map(|l| l.split("</loc>").next())
        .find(|l| l.contains("/sitemaps/items-"))
        .and_then(|l| l.split_once("/sitemaps/"))
        .map_or_else(
            || panic!("no items part in {index}"),
            |(_, p)| format!("/sitemaps/{p}"),
        );
    let part = visitor.get(&part).await;
    assert_eq!(
        part.headers.get("content-type").unwrap(),
        "application/xml; charset=utf-8"
    );
    assert!(part.body.starts_with("<?xml") && part.body.trim_end().ends_with("</urlset>"));
    assert!(part.body.contains(&item_url), "{}", part.body);
    let pages = visitor.get("/sitemaps/pages.xml").await.body;
    for page in ["items", "guide", "catalogue", "rules"] {
        assert!(
            pages.contains(&format!("/agencies/{TOWN_A}/{page}</loc>")),
            "{page}: {pages}"
        );
    }
    assert!(pages.contains("/contact</loc>"), "{pages}");
    assert_eq!(
        visitor.get("/sitemaps/items-999.xml").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        visitor.get("/sitemaps/items-01.xml").await.status,
        StatusCode::NOT_FOUND
    );
    // The read-only API serves the same.
    let api: serde_json::Value = serde_json::from_str(
        &visitor.get(&format!("/api/v1/agencies/{TOWN_A}/items?category=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4&per_page=2")).await.body,
    )
    .unwrap();
    assert_eq!(api["total"], 4);
    assert_eq!(api["items"][0]["index_no"], "11370323004345133C/2025-00001");
    assert_eq!(api["items"][0]["doc_number"], "西政发〔2025〕5号");
    let id = api["items"][0]["id"].as_i64().unwrap();
    let one: serde_json::Value = serde_json::from_str(
        &visitor
            .get(&format!("/api/v1/agencies/{TOWN_A}/items/{id}"))
            .await
            .body,
    )
    .unwrap();
    assert!(one["body_html"].as_str().unwrap().contains("审核程序"));
    let agencies = visitor.get("/api/v1/agencies").await;
    assert!(agencies.body.contains("yiyuan-xili"));
    let missing = visitor.get("/api/v1/agencies/no-such/items").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing.headers.get("content-type").unwrap(),
        "application/problem+json"
    );
    let reports = visitor
        .get(&format!("/api/v1/agencies/{TOWN_A}/reports"))
        .await;
    // Only published years: this town has records for 2024 but has published no report.
    assert_eq!(reports.status, StatusCode::OK);
    assert_eq!(reports.body, "[]");
    // Search finds it by a word of its title or body, by 发文字号, with filters; highlighted.
    let found = visitor.get("/search?q=%E5%AE%85%E5%9F%BA%E5%9C%B0").await;
    assert!(found.body.contains("<mark>宅基地</mark>"), "{}", found.body);
    assert!(unescape(&found.body).contains(&item_url));
    assert!(
        found.body.contains(r#"<ol class="hits w1" start="1">"#),
        "{}",
        found.body
    );
    let by_number = visitor
        .get("/search?q=%E8%A5%BF%E6%94%BF%E5%8F%91%E3%80%942025%E3%80%955%E5%8F%B7")
        .await;
    assert!(
        unescape(&by_number.body).contains(&item_url),
        "{}",
        by_number.body
    );
    // The hit shows the 发文字号 the search found it by, marked (a helper's check: a word only in
    // it found hits and marked nothing).
    let meta = by_number
        .body
        .split("class=\"hit-meta\"")
        .nth(1)
        .unwrap_or_default();
    assert!(
        meta.split("</p>")
            .next()
            .unwrap_or_default()
            .contains("<mark>西政发〔2025〕5号</mark>"),
        "{}",
        by_number.body
    );
    // Found by its 索引号, the hit shows the 索引号, marked; found by a word, it does not.
    let by_index = visitor
        .get("/search?q=11370323004345133C%2F2025-00001")
        .await;
    let meta = |body: &str| {
        body.split("class=\"hit-meta\"")
            .nth(1)
            .and_then(|m| m.split("</p>").next())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        meta(&by_index.body).contains("索引号 ") && meta(&by_index.body).contains("<mark>"),
        "{}",
        by_index.body
    );
    assert!(!meta(&found.body).contains("索引号"), "{}", found.body);
    let wrong_year = visitor
        .get("/search?q=%E5%AE%85%E5%9F%BA%E5%9C%B0&year=2023")
        .await;
    assert!(wrong_year.body.contains("找到 0 条结果"));
    // With results the filters fold behind one line (on a phone they filled the first screen),
    // which names those chosen; filters that found nothing, or no search yet, show them open.
    let narrowed = visitor
        .get("/search?q=%E5%AE%85%E5%9F%BA%E5%9C%B0&year=2025&sort=date")
        .await;
    assert!(
        narrowed
            .body
            .contains(r#"<details class="filters chosen"><summary>筛选和排序（已选：2025年、最新发布在前）</summary>"#),
        "{}",
        narrowed.body
    );
    assert!(
        found.body.contains(r#"<details class="filters"><summary>"#),
        "{}",
        found.body
    );
    assert!(
        wrong_year
            .body
            .contains(r#"<details class="filters chosen" open>"#),
        "{}",
        wrong_year.body
    );
    assert!(
        visitor
            .get("/search")
            .await
            .body
            .contains(r#"<details class="filters" open>"#)
    );
    // A year outside the menu, or written with a leading zero, stays chosen in it.
    for (asked, shown) in [("1900", "1900"), ("02023", "2023")] {
        let page = visitor
            .get(&format!(
                "/search?q=%E5%AE%85%E5%9F%BA%E5%9C%B0&year={asked}"
            ))
            .await;
        assert!(
            page.body
                .contains(&format!("<option selected>{shown}</option>")),
            "{asked}: {}",
            page.body
        );
    }
    // A filter it cannot read — a year or an order; an agency, a type or a 栏目 the site cannot
    // have — is searched without, and the page says so; the item is still found, a long 栏目 is
    // not made a menu option, and a direction mark is shown as �, not written into the page.
    let unread = visitor
        .get("/search?q=%E5%AE%85%E5%9F%BA%E5%9C%B0&year=abc&sort=oldest")
        .await;
    let long_category = "栏".repeat(3000);
    let unknown = visitor
        .get(&format!(
            "/search?q=%E5%AE%85%E5%9F%BA%E5%9C%B0&agency=nowhere%E2%80%AE&kind=poem&category={}",
            form_urlencoded::byte_serialize(long_category.as_bytes()).collect::<String>()
        ))
        .await;
    for (page, notices) in [
        (
            &unread,
            &[
                "发布年份“abc”无法识别，已按全部年份检索",
                "排序方式“oldest”无法识别，已按相关度排序",
            ][..],
        ),
        (
            &unknown,
            &[
                "机关“nowhere\u{FFFD}”不在本站，已在全部机关中检索；请从“机关”中选择",
                "文件类型“poem”无法识别，已按全部类型检索；请从“文件类型”中选择",
                "栏目“栏栏栏栏栏栏栏栏栏栏栏栏栏栏栏栏栏栏栏栏…”无法识别，已按全部栏目检索",
            ][..],
        ),
    ] {
        assert_eq!(page.status, StatusCode::OK);
        for said in notices {
            assert!(page.body.contains(said), "{said}: {}", page.body);
        }
        assert!(unescape(&page.body).contains(&item_url), "{}", page.body);
    }
    assert!(!unknown.body.contains('\u{202E}'), "{}", unknown.body);
    assert!(
        !unknown.body.contains(&long_category[..300]),
        "{}",
        unknown.body
    );
    assert!(!found.body.contains("无法识别"), "{}", found.body);
    // Words only left out: the page says what is missing.
    let left_out = visitor.get("/search?q=-%E5%AE%85%E5%9F%BA%E5%9C%B0").await;
    assert!(
        left_out.body.contains("只输入了要排除的词"),
        "{}",
        left_out.body
    );
    // Filters without a word list what they filter: the town's items include this one.
    let by_agency = visitor.get(&format!("/search?agency={TOWN_A}")).await;
    assert!(by_agency.body.contains("条结果"), "{}", by_agency.body);
    assert!(unescape(&by_agency.body).contains(&item_url));
    assert!(
        !visitor.get("/search").await.body.contains("条结果"),
        "no word and no filter: the form alone"
    );
    // A normative document without an interpretation is flagged for staff.
    assert!(
        leader
            .get(&format!("/admin/agencies/{TOWN_A}/items"))
            .await
            .body
            .contains("缺少政策解读")
    );
    // The dashboard's warning leads to drafting that 解读, the document already chosen.
    let published_id = item_url.rsplit('/').next().unwrap();
    let draft_reading = format!("/admin/agencies/{TOWN_A}/items/new?interprets={published_id}");
    let dashboard = leader.get("/admin").await;
    assert!(
        unescape(&dashboard.body).contains(&draft_reading)
            && dashboard.body.contains("起草政策解读"),
        "{draft_reading}: {}",
        dashboard.body
    );
    let form = drafter.get(&draft_reading).await;
    assert!(
        form.body
            .contains(&format!(r#"<option value="{published_id}" selected>"#))
            && form
                .body
                .contains(r#"<option value="interpretation" selected>"#),
        "{}",
        form.body
    );

    // Withdrawn: gone from the portal, the feed and the list at once.
    assert_eq!(
        leader
            .post(
                &review,
                &[("step", "withdraw"), ("reason", "文件已被新通知替代")]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let gone = visitor.get(&item_url).await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(
        gone.body.contains("宅基地审核工作") && !gone.body.contains("文件已被新通知替代"),
        "the notice names the item; the reason was not made public"
    );
    assert!(
        visitor
            .get("/search?q=%E5%AE%85%E5%9F%BA%E5%9C%B0")
            .await
            .body
            .contains("找到 0 条结果"),
        "withdrawn items vanish from search at once"
    );
    assert!(
        !visitor
            .get(&format!("/agencies/{TOWN_A}/feed.atom"))
            .await
            .body
            .contains("宅基地审核工作")
    );
}

/// The id after `prefix` in the first link of `body` that starts with it.
fn linked_id(body: &str, prefix: &str) -> i64 {
    let body = unescape(body);
    let at = body
        .find(prefix)
        .unwrap_or_else(|| panic!("no link {prefix}"));
    body[at + prefix.len()..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// An item from before gongkai (the demo's) is in the back office: the leader marks it 废止, a
/// drafter corrects it through both reviews (the portal keeps the published version until the
/// 终审, then lists the correction), and the leader withdraws it — its address answers 410 with
/// the notice, even though its page was cached. New requests nobody picked up are on the case
/// officer's dashboard.
async fn an_item_from_before_is_marked_corrected_and_withdrawn(store: &Store) {
    let w = world(store).await;
    let a = Slug::parse(TOWN_A).unwrap();
    let system = Actor::system("测试");
    store
        .change_role(
            w.users["a_officer"],
            &a,
            Role::FirstReviewer,
            RoleChange::Grant,
            By::new(&system, w.clock_now()),
        )
        .await
        .unwrap();
    let mut leader = signed_in(&w, "a_leader").await;
    let list = leader.get(&format!("/admin/agencies/{TOWN_A}/items")).await;
    assert!(list.body.contains("系统启用前发布的信息"), "{}", list.body);
    let legacy = format!("/admin/agencies/{TOWN_A}/published/");
    let item = linked_id(&list.body, &legacy);
    let portal = format!("/agencies/{TOWN_A}/items/{item}");
    let mut visitor = Client::new(&w.app);
    let before = visitor.get(&portal).await;
    assert_eq!(before.status, StatusCode::OK);
    let shown = store.published_item(&a, item).await.unwrap().unwrap();
    let content = shown.content.clone().unwrap();

    // The leader may withdraw and mark, not draft a correction.
    let page = leader.get(&format!("{legacy}{item}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("标注有效性") && page.body.contains("撤回（下架）"));
    assert!(!page.body.contains("起草更正"));
    // A date before the document was written is refused, and nothing is taken in hand.
    let early = leader
        .post(
            &format!("{legacy}{item}"),
            &[
                ("step", "validity"),
                ("validity", "repealed"),
                ("validity_on", "2000-01-01"),
            ],
        )
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("不能早于成文日期"), "{}", early.body);
    assert_eq!(store.draft_of_item(&a, item).await.unwrap(), None);
    let marked = leader
        .post(
            &format!("{legacy}{item}"),
            &[
                ("step", "validity"),
                ("validity", "repealed"),
                ("validity_on", "2025-02-01"),
            ],
        )
        .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER, "{}", marked.body);
    let draft = linked_id(
        marked.location(),
        &format!("/admin/agencies/{TOWN_A}/items/"),
    );
    let uri = format!("/admin/agencies/{TOWN_A}/items/{draft}");
    assert!(
        leader
            .get(&format!("{legacy}{item}"))
            .await
            .body
            .contains(&format!("{uri}/versions/")),
        "taken in hand: the working copy is shown"
    );
    let repealed = visitor.get(&portal).await;
    assert!(
        repealed.body.contains("废止（2025-02-01）")
            && repealed.body.contains("本文件已于2025-02-01废止"),
        "{}",
        repealed.body
    );

    // A drafter corrects it; the portal shows the published version until the 终审.
    let mut drafter = signed_in(&w, "a_staff").await;
    let review = format!("{uri}/review");
    let revising = drafter
        .post(
            &review,
            &[("step", "revise"), ("reason", "更正标题中的错字")],
        )
        .await;
    assert_eq!(revising.status, StatusCode::SEE_OTHER, "{}", revising.body);
    assert!(drafter.get(&uri).await.body.contains("正在更正"));
    let title = format!("{}（更正）", shown.title);
    let written_on = content
        .written_on
        .map(|d| d.to_string())
        .unwrap_or_default();
    let formed_on = content.formed_on.map(|d| d.to_string()).unwrap_or_default();
    let saved = drafter
        .post(
            &uri,
            &[
                ("title", title.as_str()),
                ("written_on", &written_on),
                ("formed_on", &formed_on),
                ("category", &shown.category),
                ("topic", &content.topic),
                ("attribute", "proactive"),
                ("kind", "other"),
                ("validity", "repealed"),
                ("validity_on", "2025-02-01"),
                ("summary", &content.summary),
                ("body", &content.body_html),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let still = visitor.get(&portal).await;
    assert!(still.body.contains(&shown.title) && !still.body.contains("（更正）"));
    let mut head = signed_in(&w, "a_officer").await;
    for (who, step) in [
        (&mut drafter, "submit"),
        (&mut head, "approve_first"),
        (&mut leader, "approve_final"),
    ] {
        let taken = who.post(&review, &[("step", step)]).await;
        assert_eq!(
            taken.status,
            StatusCode::SEE_OTHER,
            "{step}: {}",
            taken.body
        );
    }
    let corrected = visitor.get(&portal).await;
    assert!(
        corrected.body.contains(&title)
            && corrected.body.contains("本信息已更正")
            && corrected.body.contains("2025-03-01：更正标题中的错字"),
        "{}",
        corrected.body
    );
    assert!(
        corrected.body.contains("废止（2025-02-01）"),
        "the mark stays"
    );

    // Withdrawn with its reason public: 410 and the notice, in the site's furniture; gone from
    // the list and the sitemap.
    let withdrawn = leader
        .post(
            &review,
            &[
                ("step", "withdraw"),
                ("reason", "与另一条信息重复"),
                ("public", "1"),
            ],
        )
        .await;
    assert_eq!(
        withdrawn.status,
        StatusCode::SEE_OTHER,
        "{}",
        withdrawn.body
    );
    let gone = visitor.get(&portal).await;
    assert_eq!(gone.status, StatusCode::GONE);
    for part in [
        "信息已撤回",
        title.as_str(),
        "撤回日期",
        "2025-03-01",
        "与另一条信息重复",
        "网站地图",
    ] {
        assert!(gone.body.contains(part), "{part}: {}", gone.body);
    }
    assert!(!visitor.get("/sitemap.xml").await.body.contains(&portal));
    assert!(
        !visitor
            .get(&format!("/agencies/{TOWN_A}/items?page=1"))
            .await
            .body
            .contains(&title)
    );
    // Another one withdrawn straight from the list, its reason kept internal.
    let list = leader.get(&format!("/admin/agencies/{TOWN_A}/items")).await;
    let other = linked_id(&list.body, &legacy);
    assert_ne!(other, item);
    let withdrawn = leader
        .post(
            &format!("{legacy}{other}"),
            &[("step", "withdraw"), ("reason", "含有个人信息")],
        )
        .await;
    assert_eq!(
        withdrawn.status,
        StatusCode::SEE_OTHER,
        "{}",
        withdrawn.body
    );
    let gone = visitor
        .get(&format!("/agencies/{TOWN_A}/items/{other}"))
        .await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(!gone.body.contains("含有个人信息"));
    // The API says the same: gone (with the date, the internal reason kept), not "never was".
    let api = visitor
        .get(&format!("/api/v1/agencies/{TOWN_A}/items/{other}"))
        .await;
    assert_eq!(api.status, StatusCode::GONE, "{}", api.body);
    assert!(api.body.contains("已于2025-03-01撤回"), "{}", api.body);
    assert!(!api.body.contains("含有个人信息"), "{}", api.body);
    let never = visitor
        .get(&format!("/api/v1/agencies/{TOWN_A}/items/999999"))
        .await;
    assert_eq!(never.status, StatusCode::NOT_FOUND, "{}", never.body);
    // A drafter cannot withdraw.
    let third = linked_id(
        &leader
            .get(&format!("/admin/agencies/{TOWN_A}/items"))
            .await
            .body,
        &legacy,
    );
    let refused = drafter
        .post(
            &format!("{legacy}{third}"),
            &[("step", "withdraw"), ("reason", "不想要了")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("只有分管领导"), "{}", refused.body);
    assert_eq!(
        visitor
            .get(&format!("/agencies/{TOWN_A}/items/{third}"))
            .await
            .status,
        StatusCode::OK
    );
    // Never there: still 404.
    assert_eq!(
        visitor
            .get(&format!("/agencies/{TOWN_A}/items/999999"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // A request just registered, assigned to no one: on the case officer's dashboard.
    let code = store
        .register_request(
            &a,
            &common::new_request("2025-02-28"),
            By::new(&system, w.clock_now()),
            common::rules(),
        )
        .await
        .unwrap();
    let dashboard = head.get("/admin").await;
    assert!(
        dashboard.body.contains("新收到或未指派的申请")
            && dashboard
                .body
                .contains(&format!("/admin/agencies/{TOWN_A}/requests/{code}")),
        "{}",
        dashboard.body
    );
    let unassigned = head
        .get(&format!(
            "/admin/agencies/{TOWN_A}/requests?filter=unassigned"
        ))
        .await;
    assert!(unassigned.body.contains(&code));
}

/// The guide exists from the first day (generated with the 条例 第十二条 contents) and is versioned
/// once the agency revises it; the catalogue shows its columns with counts and its yearly version.
async fn the_guide_and_the_catalogue_are_on_the_portal(store: &Store) {
    let w = world(store).await;
    let mut visitor = Client::new(&w.app);
    let guide = visitor.get(&format!("/agencies/{TOWN_A}/guide")).await;
    assert_eq!(guide.status, StatusCode::OK);
    for part in [
        "信息分类",
        "编排体系",
        "获取方式",
        "办公地址",
        "联系电话",
        "传真号码",
        "互联网联系方式",
        "重点民生",
        "沂源县人民政府办公室",
    ] {
        assert!(guide.body.contains(part), "{part}");
    }
    let mut admin = signed_in(&w, "a_admin").await;
    let editor = admin.get(&format!("/admin/agencies/{TOWN_A}/guide")).await;
    assert!(
        editor.body.contains("受理机构") && editor.body.contains("data-editor"),
        "the guide is edited as fields and rich-text parts"
    );
    let mut guide_form = vec![
        ("office", "西里镇党政办公室"),
        ("address", "西里镇政府驻地"),
        ("postcode", "256100"),
        ("hours", "工作日上午8:30—12:00"),
        ("phone", "0533-3240001"),
        ("fax", ""),
        ("email", "xlzdzb"),
        ("online", ""),
        (
            "proactive",
            "<h3>（一）信息分类</h3><p>按目录分类<script>x</script></p>",
        ),
        ("on_request", "可在线申请。"),
        ("supervision", ""),
        ("note", "更新办公地址"),
    ];
    // Problems come back at their fields, with everything as typed; nothing is saved.
    let refused = admin
        .post(&format!("/admin/agencies/{TOWN_A}/guide"), &guide_form)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for part in [
        "没有传真的写“无”",
        "电子邮箱的格式不对",
        "value=\"西里镇政府驻地\"",
        "value=\"xlzdzb\"",
    ] {
        assert!(refused.body.contains(part), "{part}");
    }
    assert_eq!(
        store
            .guide_versions(&Slug::parse(TOWN_A).unwrap())
            .await
            .unwrap()
            .len(),
        1,
        "the refused save added no version to the demo town's confirmed guide"
    );
    guide_form[5].1 = "无";
    guide_form[6].1 = "xlzdzb@example.gov.cn";
    let saved = admin
        .post(&format!("/admin/agencies/{TOWN_A}/guide"), &guide_form)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let guide = visitor.get(&format!("/agencies/{TOWN_A}/guide")).await;
    for part in [
        // The demo town confirmed its guide (version 1); this is the next version.
        "第2版",
        "机构名称：西里镇党政办公室",
        "办公地址：西里镇政府驻地",
        "邮政编码：256100",
        "传真号码：无",
        "电子邮箱 xlzdzb@example.gov.cn",
        "<h3>（一）信息分类</h3>",
        "<p>可在线申请。</p>",
    ] {
        assert!(guide.body.contains(part), "{part}: {}", guide.body);
    }
    assert!(!guide.body.contains("<script>") && !guide.body.contains("正在编制"));
    let editor = admin.get(&format!("/admin/agencies/{TOWN_A}/guide")).await;
    assert!(
        editor.body.contains("value=\"西里镇党政办公室\"") && !editor.body.contains("尚未确认指南"),
        "the next revision starts from the saved fields"
    );
    let mut staff = signed_in(&w, "a_staff").await;
    let refused = staff
        .post(
            &format!("/admin/agencies/{TOWN_A}/guide"),
            &[("body", "<p>x</p>"), ("note", "x")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let saved = admin
        .post(
            &format!("/admin/agencies/{TOWN_A}/catalogue"),
            &[("categories", "政府信息公开制度\n重点民生\n政府会议")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let categories = store
        .categories(&Slug::parse(TOWN_A).unwrap())
        .await
        .unwrap();
    assert_eq!(
        &categories[..3],
        ["政府信息公开制度", "重点民生", "政府会议"]
    );
    assert!(
        categories.contains(&"乡村振兴".to_owned()),
        "columns with items stay"
    );
    let catalogue = visitor.get(&format!("/agencies/{TOWN_A}/catalogue")).await;
    assert!(
        catalogue.body.contains("重点民生")
            && catalogue
                .body
                .contains(r#"<td data-label="已公开信息">4</td>"#),
        "{}",
        catalogue.body
    );
    assert!(catalogue.body.contains("2025年版"));
    // Sub-columns, what goes in, time limits and 未涉及, as staff write them.
    let saved = admin
        .post(
            &format!("/admin/agencies/{TOWN_A}/catalogue"),
            &[(
                "categories",
                "重点民生 | 社会救助、养老等\n- 社会救助 | 低保名单 | 10个工作日 | 条例第二十一条\n统计信息 | 统计数据 | | | 未涉及\n政府会议",
            )],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let columns = store
        .catalogue(&Slug::parse(TOWN_A).unwrap())
        .await
        .unwrap();
    let social = columns.iter().find(|c| c.name == "社会救助").unwrap();
    assert_eq!(social.parent.as_deref(), Some("重点民生"));
    assert_eq!(
        social.period(),
        gongkai_core::catalogue::Period::WorkingDays(10)
    );
    let catalogue = visitor.get(&format!("/agencies/{TOWN_A}/catalogue")).await;
    for part in [
        "└",
        "子栏目：",
        "低保名单",
        "10个工作日",
        "条例第二十一条",
        "未涉及",
    ] {
        assert!(catalogue.body.contains(part), "{part}: {}", catalogue.body);
    }
    // A line that cannot be read: the form comes back with the line number, nothing is saved.
    let refused = admin
        .post(
            &format!("/admin/agencies/{TOWN_A}/catalogue"),
            &[("categories", "新栏目甲\n-- 三级栏目")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("第2行") && refused.body.contains("三级栏目"));
    let after = store
        .catalogue(&Slug::parse(TOWN_A).unwrap())
        .await
        .unwrap();
    assert_eq!(after, columns, "a refused save changes nothing");
    // The table editor: a row's button changes the table as typed and saves nothing; a row
    // with a problem comes back with its message and everything typed; a renamed column keeps
    // its items.
    let table = |op: &'static str, name0: &'static str, name2: &'static str| {
        vec![
            ("op", op),
            ("name.0", name0),
            ("was.0", "重点民生"),
            ("description.0", "社会救助、养老等"),
            ("name.1", "社会救助"),
            ("was.1", "社会救助"),
            ("child.1", "on"),
            ("deadline.1", "10个工作日"),
            ("name.2", name2),
            ("was.2", ""),
            ("deadline.2", "批准后20日"),
        ]
    };
    let moved = admin
        .post(
            &format!("/admin/agencies/{TOWN_A}/catalogue"),
            &table("up.2", "民生保障", "财政预决算"),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK);
    let (first, second) = (
        moved.body.find("value=\"财政预决算\"").unwrap(),
        moved.body.find("value=\"民生保障\"").unwrap(),
    );
    assert!(first < second, "moved above the column and its sub-column");
    let refused = admin
        .post(
            &format!("/admin/agencies/{TOWN_A}/catalogue"),
            &table("save", "民生保障", "民生保障"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("重复了") && refused.body.contains("value=\"社会救助、养老等\""));
    let saved = admin
        .post(
            &format!("/admin/agencies/{TOWN_A}/catalogue"),
            &table("save", "民生保障", "财政预决算"),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let renamed = store
        .catalogue_counts(&Slug::parse(TOWN_A).unwrap())
        .await
        .unwrap();
    let count = |name: &str| {
        renamed
            .iter()
            .find(|(c, _)| c.name == name)
            .map(|(_, n)| *n)
    };
    assert_eq!(
        count("民生保障"),
        Some(4),
        "the renamed column keeps its items"
    );
    assert_eq!(count("重点民生"), None);
    let social = renamed.iter().find(|(c, _)| c.name == "社会救助").unwrap();
    assert_eq!(social.0.parent.as_deref(), Some("民生保障"));
    assert_eq!(
        renamed
            .iter()
            .find(|(c, _)| c.name == "财政预决算")
            .unwrap()
            .0
            .period(),
        gongkai_core::catalogue::Period::Days(20)
    );
    let agency = visitor.get(&format!("/agencies/{TOWN_A}")).await;
    for column in [
        "政府信息公开指南",
        "政府信息公开制度",
        "法定主动公开内容",
        "政府信息公开工作年度报告",
    ] {
        assert!(agency.body.contains(column), "{column}");
    }
}

/// The large-text mode (适老化) is a link away, sticks by cookie, and returns to the page.
async fn older_readers_switch_to_large_text(store: &Store) {
    let w = world(store).await;
    let mut visitor = Client::new(&w.app);
    assert!(!visitor.get("/").await.body.contains("large-text\""));
    let switched = visitor
        .get("/display?mode=large&back=/agencies/yiyuan-xili")
        .await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(switched.location(), "/agencies/yiyuan-xili");
    let page = visitor.get(&format!("/agencies/{TOWN_A}")).await;
    assert!(
        page.body.contains("<body class=\"large-text\">"),
        "{}",
        &page.body[..300]
    );
    assert!(page.body.contains("全部恢复标准"));
    assert!(
        !page.body.contains("大字版"),
        "one set of reading-mode controls, no second 大字版 link"
    );
    let elsewhere = visitor
        .get("/display?mode=normal&back=//evil.example/")
        .await;
    assert_eq!(
        elsewhere.location(),
        "/",
        "never sends visitors off the site"
    );
    assert!(
        !visitor
            .get("/")
            .await
            .body
            .contains("<body class=\"large-text\">")
    );
}

/// A long category is paged with 首页, 尾页, the numbers around the page and a 跳转 box that
/// keeps the category: a reader reaches page 9 of 12 in one step, not eight.
async fn a_long_list_is_paged_by_number_and_by_jump(store: &Store) {
    let w = world(store).await;
    let category = imported_into_town_b(store, 231, |n| format!("分页测试的第{n}号通知")).await;
    let mut visitor = Client::new(&w.app);
    let encoded: String = form_urlencoded::byte_serialize(category.as_bytes()).collect();
    let list = format!("/agencies/{TOWN_B}/items?category={encoded}");
    let first = visitor.get(&list).await;
    assert_eq!(first.status, StatusCode::OK);
    let body = unescape(&first.body);
    // The one item the town had there and 231 more, 20 a page: 12 pages; page 1 shows 1 2 3 …
    // 12, 下一页 and 尾页.
    assert!(body.contains("共 232 条，第 1/12 页"), "{body}");
    assert!(
        body.contains(r#"<span aria-current="page">1</span>"#),
        "{body}"
    );
    for n in [2, 3, 12] {
        assert!(
            body.contains(&format!(r#"{list}&page={n}" aria-label="第{n}页">{n}</a>"#)),
            "{n}: {body}"
        );
    }
    assert!(!body.contains(r#"aria-label="第4页""#), "{body}");
    assert!(
        body.contains(&format!(r#"<a href="{list}&page=12">尾页</a>"#)),
        "{body}"
    );
    assert!(
        !body.contains(r#"page=1">首页"#),
        "no 首页 on the first page: {body}"
    );
    // The 跳转 form goes to the list and carries its category.
    assert!(
        body.contains(&format!(
            r#"<form class="jump" method="get" action="/agencies/{TOWN_B}/items">"#
        )),
        "{body}"
    );
    assert!(
        body.contains(&format!(
            r#"<input type="hidden" name="category" value="{category}">"#
        )),
        "{body}"
    );
    assert!(body.contains(r#"name="page" min="1" max="12""#), "{body}");
    // What the form sends: page 9 of the same category, its neighbours linked, both ends too.
    let jumped = visitor.get(&format!("{list}&page=9")).await;
    assert_eq!(jumped.status, StatusCode::OK);
    let body = unescape(&jumped.body);
    assert!(body.contains("第 9/12 页"), "{body}");
    assert!(
        body.contains(&format!(r#"<a href="{list}&page=1">首页</a>"#)),
        "{body}"
    );
    assert!(
        body.contains(&format!(r#"<a href="{list}&page=8" rel="prev">上一页</a>"#)),
        "{body}"
    );
    assert!(
        body.contains(r#"<span aria-current="page">9</span>"#),
        "{body}"
    );
    for n in [1, 7, 8, 10, 11, 12] {
        assert!(
            body.contains(&format!(r#"aria-label="第{n}页""#)),
            "{n}: {body}"
        );
    }
    assert!(
        body.contains(r#"<span aria-hidden="true">…</span>"#),
        "{body}"
    );
    // A number box takes 9e0 or 9.0 and sends it as typed: the same page 9, not a refusal.
    for typed in ["9e0", "9.0", "%209%20"] {
        let same = visitor.get(&format!("{list}&page={typed}")).await;
        assert_eq!(same.status, StatusCode::OK, "{typed}");
        assert!(same.body.contains("第 9/12 页"), "{typed}: {}", same.body);
    }
    // The last page holds the rest, with nothing past it.
    let end = visitor.get(&format!("{list}&page=12")).await;
    assert_eq!(end.status, StatusCode::OK);
    assert_eq!(end.body.matches("<tr><td><a href=").count(), 232 - 11 * 20);
    assert!(!end.body.contains("尾页") && !end.body.contains("下一页"));
    // The staff's list of items published before gongkai has the same pager, each link opening
    // at its heading; past its end, its last page (page 2002 of 2001 was an empty table).
    let mut admin = signed_in(&w, "b_admin").await;
    let staff = format!("/admin/agencies/{TOWN_B}/items");
    let second = unescape(&admin.get(&format!("{staff}?page=2")).await.body);
    assert!(
        second.contains(&format!(r#"<a href="{staff}?page=1#legacy-h">首页</a>"#)),
        "{second}"
    );
    assert!(
        second.contains(&format!(
            r#"<form class="jump" method="get" action="{staff}#legacy-h">"#
        )),
        "{second}"
    );
    let past = unescape(&admin.get(&format!("{staff}?page=99")).await.body);
    assert!(past.contains("第 5/5 页"), "{past}");
    assert!(
        past.contains("分页测试的第"),
        "rows of the last page, not an empty table: {past}"
    );
}

on_both_backends!(
    a_long_list_is_paged_by_number_and_by_jump,
    an_item_from_before_is_marked_corrected_and_withdrawn,
    older_readers_switch_to_large_text,
    a_drafted_item_is_reviewed_twice_and_appears_on_the_portal,
    the_guide_and_the_catalogue_are_on_the_portal
);

//! Shared by the web tests: an app over a test database with a settable clock, a browser-like client
//! that keeps cookies, and a world of two sibling towns under one county.

#![allow(
    dead_code,
    clippy::unwrap_used,
    reason = "test helpers; not every test uses every helper"
)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::{DateTime, Duration, Utc};
use gongkai_core::audit::Actor;
use gongkai_core::auth::{HashParams, Role, hash_password};
use gongkai_core::{Agency, AgencyKind, Clock, CreditCode, Slug};
use gongkai_store::RoleChange;
use gongkai_store::{NewUser, Store, demo};

static CALENDAR: std::sync::LazyLock<gongkai_core::calendar::Calendar> =
    std::sync::LazyLock::new(gongkai_core::calendar::Calendar::built_in);

/// A complete item content in category `category`.
pub fn item_content(title: &str, category: &str) -> gongkai_core::item::ItemContent {
    use gongkai_core::item::{Attribute, DocKind, ItemContent};
    ItemContent {
        title: title.into(),
        formed_on: Some("2025-02-20".parse().unwrap()),
        attribute: Some(Attribute::Proactive),
        category: category.into(),
        kind: Some(DocKind::Other),
        summary: format!("{title}的内容概述"),
        body_html: "<p>正文</p>".into(),
        ..ItemContent::default()
    }
}

/// Drafts, reviews and publishes an item in `slug` (its catalogue gets a category first): the
/// admin drafts, root and the overseer review (the store trusts the roles it is given).
pub async fn publish_item(
    store: &Store,
    slug: &Slug,
    users: &HashMap<&'static str, i64>,
    now: DateTime<Utc>,
) -> ((i64, i64), i64) {
    use gongkai_core::item::Reviewer;
    let system = Actor::system("测试准备");
    store
        .set_categories(slug, &["工作动态".to_owned()], By::new(&system, now))
        .await
        .unwrap();
    let drafter = users["b_admin"];
    let draft = store
        .create_item_draft(
            slug,
            &item_content("南麻镇2025年第一次党委会议", "工作动态"),
            By::new(&Actor::user(drafter, "乙", "b_admin"), now),
        )
        .await
        .unwrap();
    let attachment = store
        .add_attachment(
            slug,
            draft,
            gongkai_store::Upload {
                name: "会议纪要.pdf",
                content_type: "application/pdf",
                bytes: b"%PDF-1.4 test",
            },
            By::new(&system, now),
        )
        .await
        .unwrap();
    let all = |user_id| Reviewer {
        user_id,
        drafter: true,
        first: true,
        final_: true,
    };
    let item = gongkai_store::testing::review_through(
        store,
        slug,
        draft,
        [
            (all(drafter), &system),
            (all(users["root"]), &system),
            (all(users["overseer"]), &system),
        ],
        now,
        now.date_naive(),
    )
    .await;
    ((draft, item), attachment)
}

/// The built-in calendar with the statutory periods.
/// The mails queued for one address, as they will be sent (subject and body), each with whether
/// it was sent.
pub async fn mails_to(store: &Store, address: &str) -> Vec<(gongkai_docs::mail::Mail, bool)> {
    store
        .mail_to(address)
        .await
        .unwrap()
        .into_iter()
        .map(|(m, sent)| (gongkai_docs::mail::text(&m.content).unwrap(), sent))
        .collect()
}

pub fn rules() -> gongkai_core::deadline::Rules<'static> {
    gongkai_core::deadline::Rules {
        calendar: &CALENDAR,
        periods: gongkai_core::deadline::Periods::default(),
    }
}
use gongkai_store::By;
use tower::ServiceExt;

pub const PASSWORD: &str = "Harbour-light-42";
pub const TOWN_A: &str = "yiyuan-xili";
pub const TOWN_B: &str = "yiyuan-nanma";
pub const TOWN_B_NAME: &str = "沂源县南麻镇人民政府";

/// A clock tests can move.
#[derive(Debug)]
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap();
        *t += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

pub struct World {
    pub store: Store,
    pub clock: Arc<TestClock>,
    pub app: axum::Router,
    pub users: HashMap<&'static str, i64>,
    /// A request registered with 南麻镇 (its tracking code).
    pub b_request: String,
    /// The receipt issued for it.
    pub b_letter: i64,
    /// A file provided with the reply to that request (which is answered: 予以公开).
    pub b_reply_file: i64,
    /// A published item of 南麻镇: (draft id, item id).
    pub b_item: (i64, i64),
    /// Its attachment.
    pub b_attachment: i64,
    /// A complaint to 南麻镇 (its tracking code).
    pub b_message: String,
}

/// A request from a natural person, received on `received`.
pub fn new_request(received: &str) -> gongkai_store::NewRequest {
    gongkai_store::NewRequest {
        kind: gongkai_core::RequesterKind::NaturalPerson,
        received_on: received.parse().unwrap(),
        channel: gongkai_core::Channel::Counter,
        description: "2024年农村低保名单".into(),
        delivery: "纸质文本".into(),
        requester: gongkai_store::Requester {
            name: "李隐私".into(),
            id_document: "370323198001011111".into(),
            contact: "13700000000".into(),
            address: "某村".into(),
        },
    }
}

pub fn settings() -> gongkai_web::Settings {
    gongkai_web::Settings {
        hash_params: HashParams::fast_for_tests(),
        trust_forwarded_for: true,
        ..gongkai_web::Settings::default()
    }
}

/// Demo data, a second town `yiyuan-nanma` under the county, and these accounts:
/// `root` (system administrator), `a_admin` (admin + drafter of 西里镇), `a_staff` (drafter of
/// 西里镇), `a_leader` (分管领导 of 西里镇), `b_admin` (admin of 南麻镇), `overseer` (oversight at the county).
pub async fn world(store: &Store) -> World {
    let now: DateTime<Utc> = "2025-03-01T02:00:00Z".parse().unwrap();
    let system = Actor::system("测试准备");
    demo::load(store, now).await.unwrap();
    let first17 = "11370323004345217";
    let code = format!("{first17}{}", CreditCode::check_char(first17).unwrap());
    let b = Agency::new(
        Slug::parse(TOWN_B).unwrap(),
        TOWN_B_NAME,
        CreditCode::parse(&code).unwrap(),
        AgencyKind::Town,
        Some(Slug::parse(demo::COUNTY_SLUG).unwrap()),
    )
    .unwrap();
    store
        .insert_agency(&b, By::new(&system, now))
        .await
        .unwrap();
    let hash = hash_password(PASSWORD, HashParams::fast_for_tests()).unwrap();
    let mut users = HashMap::new();
    for (name, display, admin, grants) in [
        ("root", "总管理员", true, vec![]),
        (
            "a_admin",
            "甲机关管理员",
            false,
            vec![(TOWN_A, Role::AgencyAdmin), (TOWN_A, Role::Drafter)],
        ),
        ("a_staff", "甲起草人", false, vec![(TOWN_A, Role::Drafter)]),
        (
            "a_leader",
            "甲分管领导",
            false,
            vec![(TOWN_A, Role::FinalReviewer)],
        ),
        (
            "a_officer",
            "甲经办人",
            false,
            vec![(TOWN_A, Role::CaseOfficer)],
        ),
        (
            "b_admin",
            "乙机关管理员",
            false,
            vec![(TOWN_B, Role::AgencyAdmin)],
        ),
        (
            "overseer",
            "县政务公开办",
            false,
            vec![(demo::COUNTY_SLUG, Role::OversightOfficer)],
        ),
    ] {
        let id = store
            .create_user(
                &NewUser {
                    username: name.into(),
                    display_name: display.into(),
                    password_hash: hash.clone(),
                    is_system_admin: admin,
                    must_change_password: false,
                },
                By::new(&system, now),
            )
            .await
            .unwrap();
        for (agency, role) in grants {
            store
                .change_role(
                    id,
                    &Slug::parse(agency).unwrap(),
                    role,
                    RoleChange::Grant,
                    By::new(&system, now),
                )
                .await
                .unwrap();
        }
        users.insert(name, id);
    }
    let b_request = store
        .register_request(
            &Slug::parse(TOWN_B).unwrap(),
            &new_request("2025-02-20"),
            By::new(&system, now),
            rules(),
        )
        .await
        .unwrap();
    let b_letter = store
        .letters_of(&Slug::parse(TOWN_B).unwrap(), &b_request)
        .await
        .unwrap()[0]
        .id;
    let b_reply_file = store
        .add_reply_file(
            &Slug::parse(TOWN_B).unwrap(),
            &b_request,
            gongkai_store::Upload {
                name: "公开信息.pdf",
                content_type: "application/pdf",
                bytes: b"%PDF-1.4\n%%EOF\n",
            },
            By::new(&system, now),
        )
        .await
        .unwrap();
    store
        .apply_request_event(
            &Slug::parse(TOWN_B).unwrap(),
            &b_request,
            &gongkai_core::workflow::Event::Decide {
                on: "2025-02-21".parse().unwrap(),
                outcome: gongkai_core::Outcome::Disclosed,
                details: gongkai_core::DecisionDetails {
                    provided: "见随答复书提供的文件".into(),
                    ..gongkai_core::DecisionDetails::default()
                },
            },
            By::new(&system, now),
            rules(),
        )
        .await
        .unwrap();
    let (b_item, b_attachment) =
        publish_item(store, &Slug::parse(TOWN_B).unwrap(), &users, now).await;
    let b_message = store
        .submit_message(
            &Slug::parse(TOWN_B).unwrap(),
            &gongkai_core::supervision::NewMessage {
                kind: "complaint".into(),
                name: "投诉人".into(),
                contact: "13700000000".into(),
                subject: "栏目未更新".into(),
                body: "政府会议栏目未更新。".into(),
                may_publish: true,
            },
            now,
        )
        .await
        .unwrap();
    let clock = Arc::new(TestClock(Mutex::new(now)));
    let app = gongkai_web::router(gongkai_web::Services {
        store: store.clone(),
        clock: clock.clone(),
        settings: Arc::new(settings()),
        calendar: Arc::new(gongkai_core::calendar::Calendar::built_in()),
        search: Arc::new(gongkai_search::SearchIndex::open(None).unwrap()),
    });
    World {
        store: store.clone(),
        clock,
        app,
        users,
        b_request,
        b_letter,
        b_reply_file,
        b_item,
        b_attachment,
        b_message,
    }
}

/// Another server on the world's database (its own process state, the same rows).
pub fn world_app(w: &World) -> axum::Router {
    gongkai_web::router(gongkai_web::Services {
        store: w.store.clone(),
        clock: w.clock.clone(),
        settings: Arc::new(settings()),
        calendar: Arc::new(gongkai_core::calendar::Calendar::built_in()),
        search: Arc::new(gongkai_search::SearchIndex::open(None).unwrap()),
    })
}

impl World {
    /// The test clock's current instant.
    pub fn clock_now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// A response, read.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// A browser: keeps cookies, sends a fixed client address.
#[derive(Clone)]
pub struct Client {
    app: axum::Router,
    pub cookies: HashMap<String, String>,
    pub address: String,
}

impl Client {
    pub fn new(app: &axum::Router) -> Self {
        Self {
            app: app.clone(),
            cookies: HashMap::new(),
            address: "192.0.2.10".into(),
        }
    }

    async fn send(&mut self, req: Request<Body>) -> Page {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = pair.split_once('=').unwrap();
            if val.is_empty() || attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), val.to_owned());
            }
        }
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn get(&mut self, uri: &str) -> Page {
        let req = Request::get(uri)
            .header(header::COOKIE, self.cookie_header())
            .header("x-forwarded-for", &self.address)
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// Posts a form as given (the caller decides about `csrf`).
    pub async fn post_raw(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let req = Request::post(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-forwarded-for", &self.address)
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Uploads one file as `multipart/form-data` field `file`, the CSRF token a field before it
    /// (never in the URL).
    pub async fn upload(&mut self, uri: &str, name: &str, bytes: &[u8]) -> Page {
        let token = self.csrf().await;
        let boundary = "gongkai-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.send_multipart(uri, boundary, body).await
    }

    /// Posts a `multipart/form-data` body as given (the caller decides about `csrf`).
    pub async fn send_multipart(&mut self, uri: &str, boundary: &str, body: Vec<u8>) -> Page {
        let req = Request::post(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("x-forwarded-for", &self.address)
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Sends any request as built, with the client's cookies and address.
    pub async fn request(&mut self, req: axum::http::request::Builder, body: Body) -> Page {
        let req = req
            .header(header::COOKIE, self.cookie_header())
            .header("x-forwarded-for", &self.address)
            .body(body)
            .unwrap();
        self.send(req).await
    }

    /// Posts a JSON body (the API: no cookies, no CSRF token).
    pub async fn post_json(&mut self, uri: &str, json: &str) -> Page {
        let req = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-forwarded-for", &self.address)
            .body(Body::from(json.to_owned()))
            .unwrap();
        self.send(req).await
    }

    /// The CSRF token the current session expects, read from a back-office page's form.
    pub async fn csrf(&mut self) -> String {
        let page = self.get("/admin/password").await;
        token_in(&page.body).unwrap_or_default()
    }

    /// Posts a form with the session's CSRF token added.
    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf", &token)];
        all.extend_from_slice(fields);
        self.post_raw(uri, &all).await
    }

    /// Signs in through the form, as a person would.
    pub async fn sign_in(&mut self, username: &str, password: &str) -> Page {
        let form = self.get("/admin/login").await;
        let token = token_in(&form.body).unwrap_or_default();
        self.post_raw(
            "/admin/login",
            &[
                ("csrf", &token),
                ("username", username),
                ("password", password),
            ],
        )
        .await
    }
}

/// The value of the first hidden `csrf` field in a page.
pub fn token_in(html: &str) -> Option<String> {
    let at = html.find(r#"name="csrf" value=""#)? + r#"name="csrf" value=""#.len();
    Some(html[at..].split('"').next()?.to_owned())
}

/// Signs in `username` and returns the client.
pub async fn signed_in(w: &World, username: &str) -> Client {
    let mut c = Client::new(&w.app);
    let page = c.sign_in(username, PASSWORD).await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "sign-in of {username} failed: {}",
        page.body
    );
    c
}

/// An item published before gongkai, for an import: only a title and a column.
pub fn new_item(category: &str, title: &str) -> gongkai_store::NewItem {
    gongkai_store::NewItem {
        title: title.into(),
        category: category.into(),
        published_on: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        index_no: None,
        content: None,
    }
}

/// Imports `count` items into the first category of 南麻镇 (`TOWN_B`), titled by `title` from
/// their number; the category's name.
pub async fn imported_into_town_b(
    store: &Store,
    count: usize,
    title: fn(usize) -> String,
) -> String {
    let town = Slug::parse(TOWN_B).unwrap();
    let category = store.categories(&town).await.unwrap()[0].clone();
    let items: Vec<gongkai_store::NewItem> = (1..=count)
        .map(|n| new_item(&category, &title(n)))
        .collect();
    let actor = Actor::system("测试");
    store
        .insert_items(&town, &items, By::new(&actor, Utc::now()))
        .await
        .unwrap();
    category
}

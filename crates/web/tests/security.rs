//! CSRF, sign-in throttling, session rotation and timeouts, and escaping of every user-editable
//! field, on both backends.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::{Client, PASSWORD, TOWN_A, signed_in, world};
use gongkai_core::auth::sha256_hex;
use gongkai_store::{Store, on_both_backends};

/// The session cookie's name under the tests' settings (secure cookies: `__Host-`).
fn session_cookie() -> String {
    gongkai_web::cookie_name(gongkai_web::SESSION_COOKIE, true)
}

async fn forms_without_the_right_token_are_refused_and_change_nothing(store: &Store) {
    let w = world(store).await;
    let mut c = signed_in(&w, "a_admin").await;
    let mut other = signed_in(&w, "a_staff").await;
    let before = store.audit_count().await.unwrap();
    let uri = format!("/admin/agencies/{TOWN_A}/grants");
    let fields = [("username", "a_staff"), ("role", "case_officer")];
    assert_eq!(
        c.post_raw(&uri, &fields).await.status,
        StatusCode::FORBIDDEN
    );
    let wrong = "0".repeat(64);
    let mut with_wrong = vec![("csrf", wrong.as_str())];
    with_wrong.extend_from_slice(&fields);
    assert_eq!(
        c.post_raw(&uri, &with_wrong).await.status,
        StatusCode::FORBIDDEN
    );
    // Another person's valid token does not work either.
    let theirs = other.csrf().await;
    let mut with_theirs = vec![("csrf", theirs.as_str())];
    with_theirs.extend_from_slice(&fields);
    assert_eq!(
        c.post_raw(&uri, &with_theirs).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(store.audit_count().await.unwrap(), before);
    // The right token works: the administrator may change their own agency.
    let ok = c.post(&uri, &fields).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(store.audit_count().await.unwrap(), before + 1);

    // The sign-in form needs its cookie token too.
    let mut anon = Client::new(&w.app);
    let page = anon
        .post_raw(
            "/admin/login",
            &[("username", "a_admin"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("未做任何更改"));
}

/// Seconds the refusal asks to wait.
fn retry_after(page: &common::Page) -> i64 {
    page.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn failures_slow_guessing_but_never_lock_out_the_right_password(store: &Store) {
    let w = world(store).await;
    let system = gongkai_core::audit::Actor::system("测试");
    store
        .set_user_email(
            w.users["a_staff"],
            Some("staff@example.gov.cn"),
            gongkai_store::By::new(&system, w.clock_now()),
        )
        .await
        .unwrap();
    // The person signs in at their desk once: the account knows this address.
    let mut desk = Client::new(&w.app);
    desk.address = "192.0.2.20".into();
    assert_eq!(
        desk.sign_in("a_staff", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    // A guesser elsewhere: three free tries, then a wait that doubles with each failure.
    let mut guesser = Client::new(&w.app);
    guesser.address = "198.51.100.7".into();
    for _ in 0..3 {
        assert_eq!(
            guesser.sign_in("a_staff", "wrong-password-1").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let mut waits = Vec::new();
    for _ in 0..2 {
        let slowed = guesser.sign_in("a_staff", "wrong-password-1").await;
        assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(slowed.body.contains("秒后再试") && slowed.body.contains("输入正确的密码即可登录"));
        let wait = retry_after(&slowed);
        waits.push(wait);
        w.clock.advance(Duration::seconds(wait));
        assert_eq!(
            guesser.sign_in("a_staff", "wrong-password-1").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(waits, [2, 4], "the wait doubles");
    // The fifth failure told the holder, once.
    let mails = common::mails_to(store, "staff@example.gov.cn").await;
    assert_eq!(
        mails.len(),
        1,
        "{:?}",
        mails.iter().map(|m| &m.0.subject).collect::<Vec<_>>()
    );
    assert!(mails[0].0.subject.contains("a_staff"));
    assert!(mails[0].0.body.contains("没有被锁定"));
    assert!(
        !mails[0].0.body.contains("198.51.100.7"),
        "no address in the mail"
    );
    // At their desk the person signs in at once, even while the account is being guessed.
    let mut desk = Client::new(&w.app);
    desk.address = "192.0.2.20".into();
    assert_eq!(
        desk.sign_in("a_staff", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // Even the guesser's address gets in with the right password once its wait is over: a delay,
    // never a lock.
    let slowed = guesser.sign_in("a_staff", PASSWORD).await;
    assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS);
    w.clock.advance(Duration::seconds(retry_after(&slowed)));
    assert_eq!(
        guesser.sign_in("a_staff", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    // Many guessers, one try each: a short wait for new addresses only.
    for i in 0..40 {
        let mut c = Client::new(&w.app);
        c.address = format!("203.0.113.{i}");
        let status = c.sign_in("root", "x").await.status;
        assert!(
            matches!(
                status,
                StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS
            ),
            "{status}"
        );
    }
    let mut new_place = Client::new(&w.app);
    new_place.address = "192.0.2.77".into();
    let slowed = new_place.sign_in("root", PASSWORD).await;
    assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&slowed) <= 30, "a short wait");
    w.clock.advance(Duration::seconds(retry_after(&slowed)));
    assert_eq!(
        new_place.sign_in("root", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    // One address guessing many accounts is slowed on all of them; others are not.
    let mut sweeper = Client::new(&w.app);
    sweeper.address = "203.0.113.250".into();
    for i in 0..20 {
        let page = sweeper.sign_in(&format!("nobody{i}"), "x").await;
        if page.status == StatusCode::TOO_MANY_REQUESTS {
            w.clock.advance(Duration::seconds(retry_after(&page)));
            sweeper.sign_in(&format!("nobody{i}"), "x").await;
        }
    }
    let slowed = sweeper.sign_in("a_admin", PASSWORD).await;
    assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&slowed) >= 60, "{}", retry_after(&slowed));
    assert!(slowed.body.contains("分钟后再试"));
    let mut colleague = Client::new(&w.app);
    colleague.address = "192.0.2.30".into();
    assert_eq!(
        colleague.sign_in("a_admin", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    // Unknown and known accounts get the same answer (no account enumeration).
    let mut fresh = Client::new(&w.app);
    fresh.address = "192.0.2.50".into();
    let unknown = fresh.sign_in("nobody", "x").await;
    let known = fresh.sign_in("a_officer", "x").await;
    assert_eq!(
        (unknown.status, known.status),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert!(
        unknown.body.contains("用户名或密码不正确") && known.body.contains("用户名或密码不正确")
    );
}

async fn signing_in_rotates_the_session(store: &Store) {
    let w = world(store).await;
    // Fixation: a browser carries a session id someone else planted (here a valid one of a_staff).
    let planted = signed_in(&w, "a_staff").await.cookies[&session_cookie()].clone();
    let mut victim = Client::new(&w.app);
    victim.cookies.insert(session_cookie(), planted.clone());
    let csrf = victim.csrf().await;
    let page = victim
        .post_raw(
            "/admin/login",
            &[
                ("csrf", &csrf),
                ("username", "a_admin"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_ne!(
        victim.cookies[&session_cookie()],
        planted,
        "a new session id after sign-in"
    );
    assert!(
        store
            .find_session(&sha256_hex(planted.as_bytes()))
            .await
            .unwrap()
            .is_none(),
        "the planted session ended"
    );
    let dash = victim.get("/admin").await;
    assert!(dash.body.contains("甲机关管理员"));

    // Sign-out ends the session in the database, not just in the browser.
    let mut e = signed_in(&w, "a_staff").await;
    let id = e.cookies[&session_cookie()].clone();
    assert_eq!(
        e.post("/admin/logout", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        store
            .find_session(&sha256_hex(id.as_bytes()))
            .await
            .unwrap()
            .is_none()
    );
    let mut replay = Client::new(&w.app);
    replay.cookies.insert(session_cookie(), id);
    assert_eq!(
        replay.get("/admin").await.location(),
        "/admin/login?expired=1"
    );
}

async fn idle_and_absolute_timeouts_end_sessions(store: &Store) {
    let w = world(store).await;
    let mut c = signed_in(&w, "a_staff").await;
    w.clock.advance(Duration::minutes(29));
    assert_eq!(c.get("/admin").await.status, StatusCode::OK);
    w.clock.advance(Duration::minutes(31));
    let page = c.get("/admin").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/admin/login?expired=1");

    // Busy all day: the session still ends 12 hours after sign-in.
    let mut d = signed_in(&w, "a_staff").await;
    for _ in 0..=(12 * 3) {
        w.clock.advance(Duration::minutes(20));
        if d.get("/admin").await.status != StatusCode::OK {
            break;
        }
    }
    assert_eq!(d.get("/admin").await.location(), "/admin/login?expired=1");
}

async fn a_password_change_signs_out_other_devices(store: &Store) {
    let w = world(store).await;
    let mut laptop = signed_in(&w, "a_staff").await;
    let mut phone = signed_in(&w, "a_staff").await;
    let weak = laptop
        .post(
            "/admin/password",
            &[
                ("current", PASSWORD),
                ("new", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body.contains("至少10个字符"));
    let new = "Another-harbour-77";
    let ok = laptop
        .post(
            "/admin/password",
            &[("current", PASSWORD), ("new", new), ("confirm", new)],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(laptop.get("/admin").await.status, StatusCode::OK);
    assert_eq!(phone.get("/admin").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        Client::new(&w.app).sign_in("a_staff", new).await.status,
        StatusCode::SEE_OTHER
    );
}

async fn a_new_account_must_change_its_one_time_password(store: &Store) {
    let w = world(store).await;
    let mut admin = signed_in(&w, "a_admin").await;
    let page = admin
        .post(
            "/admin/users",
            &[
                ("username", "qianqi"),
                ("display_name", "钱七"),
                ("agency", TOWN_A),
                ("role", "case_officer"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let at = page.body.find("class=\"secret\">").unwrap() + "class=\"secret\">".len();
    let password = page.body[at..].split('<').next().unwrap().to_owned();
    let mut new = Client::new(&w.app);
    assert_eq!(
        new.sign_in("qianqi", &password).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(new.get("/admin").await.location(), "/admin/password");
    let mine = "Harbour-moon-88";
    assert_eq!(
        new.post(
            "/admin/password",
            &[("current", &password), ("new", mine), ("confirm", mine)]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let dash = new.get("/admin").await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(dash.body.contains("依申请公开经办人"));
}

const CANARY: &str = "<script>alert('gk')</script>";
const ESCAPED: &str = "&lt;script&gt;alert(";

async fn a_script_canary_in_every_editable_field_is_escaped_everywhere(store: &Store) {
    let w = world(store).await;
    let mut root = signed_in(&w, "root").await;
    // Every field a person can type that is stored and shown again: agency name, a person's name.
    let first17 = "11370323004345301";
    let code = format!(
        "{first17}{}",
        gongkai_core::CreditCode::check_char(first17).unwrap()
    );
    let created = root
        .post(
            "/admin/agencies",
            &[
                ("slug", "canary-town"),
                ("name", CANARY),
                ("credit_code", &code),
                ("kind", "town"),
                ("parent", "yiyuan"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let user = root
        .post(
            "/admin/users",
            &[
                ("username", "canary"),
                ("display_name", CANARY),
                ("agency", "canary-town"),
                ("role", "drafter"),
            ],
        )
        .await;
    assert_eq!(user.status, StatusCode::OK);
    // Rejected input is echoed back escaped too.
    let bad = root
        .post(
            "/admin/users",
            &[
                ("username", CANARY),
                ("display_name", "x"),
                ("agency", "canary-town"),
                ("role", "drafter"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let canary_id = store
        .find_user_by_username("canary")
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut pages = vec![bad];
    for uri in [
        "/".to_owned(),
        "/agencies/yiyuan".to_owned(),
        "/agencies/canary-town".to_owned(),
        "/agencies/canary-town/reports/2024".to_owned(),
        "/agencies/canary-town/reports/2024/report.html".to_owned(),
        "/admin".to_owned(),
        "/admin/agencies".to_owned(),
        "/admin/agencies/canary-town".to_owned(),
        "/admin/agencies/yiyuan".to_owned(),
        "/admin/users".to_owned(),
        format!("/admin/users/{canary_id}"),
        "/admin/audit".to_owned(),
    ] {
        let page = root.get(&uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        pages.push(page);
    }
    for page in &pages {
        assert!(!page.body.contains(CANARY), "raw canary in a page");
        assert!(
            page.body.contains(ESCAPED)
                || page.body.contains("canary-town")
                || page.body.contains("用户名"),
            "canary not shown"
        );
    }
    assert!(pages.iter().filter(|p| p.body.contains(ESCAPED)).count() >= 10);
}

on_both_backends!(
    forms_without_the_right_token_are_refused_and_change_nothing,
    failures_slow_guessing_but_never_lock_out_the_right_password,
    signing_in_rotates_the_session,
    idle_and_absolute_timeouts_end_sessions,
    a_password_change_signs_out_other_devices,
    a_new_account_must_change_its_one_time_password,
    a_script_canary_in_every_editable_field_is_escaped_everywhere,
);

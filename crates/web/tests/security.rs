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
use gongkai_web::SESSION_COOKIE;

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

async fn repeated_failures_lock_the_account_and_the_address(store: &Store) {
    let w = world(store).await;
    let mut c = Client::new(&w.app);
    for _ in 0..5 {
        assert_eq!(
            c.sign_in("a_staff", "wrong-password-1").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Now even the right password is refused for this account…
    let locked = c.sign_in("a_staff", PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.body.contains("15分钟后再试"));
    // …from any address, while other accounts still sign in.
    let mut elsewhere = Client::new(&w.app);
    elsewhere.address = "198.51.100.7".into();
    assert_eq!(
        elsewhere.sign_in("a_staff", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        elsewhere.sign_in("a_admin", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // After the window the account may sign in again.
    w.clock.advance(Duration::minutes(16));
    assert_eq!(
        Client::new(&w.app)
            .sign_in("a_staff", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // An address guessing many accounts is stopped too.
    let mut guesser = Client::new(&w.app);
    guesser.address = "203.0.113.99".into();
    for i in 0..20 {
        guesser.sign_in(&format!("nobody{i}"), "x").await;
    }
    assert_eq!(
        guesser.sign_in("root", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Unknown and known accounts get the same answer (no account enumeration).
    let mut fresh = Client::new(&w.app);
    fresh.address = "192.0.2.50".into();
    let unknown = fresh.sign_in("nobody", "x").await;
    let known = fresh.sign_in("root", "x").await;
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
    let planted = signed_in(&w, "a_staff").await.cookies[SESSION_COOKIE].clone();
    let mut victim = Client::new(&w.app);
    victim
        .cookies
        .insert(SESSION_COOKIE.into(), planted.clone());
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
        victim.cookies[SESSION_COOKIE], planted,
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
    let id = e.cookies[SESSION_COOKIE].clone();
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
    replay.cookies.insert(SESSION_COOKIE.into(), id);
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
    repeated_failures_lock_the_account_and_the_address,
    signing_in_rotates_the_session,
    idle_and_absolute_timeouts_end_sessions,
    a_password_change_signs_out_other_devices,
    a_new_account_must_change_its_one_time_password,
    a_script_canary_in_every_editable_field_is_escaped_everywhere,
);

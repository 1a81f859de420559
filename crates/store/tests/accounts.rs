//! Accounts, sessions, throttling and the audit trail on both backends.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

use chrono::{DateTime, Duration, Utc};
use gongkai_core::Slug;
use gongkai_core::audit::{Actor, ChainBreak};
use gongkai_core::auth::{HashParams, Role, hash_password, sha256_hex};
use gongkai_store::By;
use gongkai_store::RoleChange;
use gongkai_store::{AuditFilter, NewSession, NewUser, Store, StoreError, demo, on_both_backends};

fn now() -> DateTime<Utc> {
    "2025-02-01T02:00:00Z".parse().unwrap()
}

fn admin() -> Actor {
    Actor::system("测试")
}

fn town() -> Slug {
    Slug::parse(demo::TOWN_SLUG).unwrap()
}

async fn new_user(store: &Store, name: &str) -> i64 {
    let user = NewUser {
        username: name.to_owned(),
        display_name: format!("用户{name}"),
        password_hash: hash_password("Harbour-light-42", HashParams::fast_for_tests()).unwrap(),
        is_system_admin: false,
        must_change_password: false,
    };
    store
        .create_user(&user, By::new(&admin(), now()))
        .await
        .unwrap()
}

async fn users_roles_and_principals(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let id = new_user(store, "zhangsan").await;
    let dup = NewUser {
        username: "zhangsan".into(),
        display_name: "x".into(),
        password_hash: "x".into(),
        is_system_admin: false,
        must_change_password: false,
    };
    assert!(matches!(
        store.create_user(&dup, By::new(&admin(), now())).await,
        Err(StoreError::Conflict(_))
    ));

    assert!(
        store
            .change_role(
                id,
                &town(),
                Role::Drafter,
                RoleChange::Grant,
                By::new(&admin(), now())
            )
            .await
            .unwrap()
    );
    assert!(
        !store
            .change_role(
                id,
                &town(),
                Role::Drafter,
                RoleChange::Grant,
                By::new(&admin(), now())
            )
            .await
            .unwrap(),
        "granting twice changes nothing"
    );
    store
        .change_role(
            id,
            &town(),
            Role::CaseOfficer,
            RoleChange::Grant,
            By::new(&admin(), now()),
        )
        .await
        .unwrap();
    let p = store.principal(id).await.unwrap().unwrap();
    assert_eq!(p.username, "zhangsan");
    assert!(p.has_role(&town(), Role::Drafter) && p.has_role(&town(), Role::CaseOfficer));
    assert!(
        store
            .change_role(
                id,
                &town(),
                Role::Drafter,
                RoleChange::Revoke,
                By::new(&admin(), now())
            )
            .await
            .unwrap()
    );
    assert!(
        !store
            .change_role(
                id,
                &town(),
                Role::Drafter,
                RoleChange::Revoke,
                By::new(&admin(), now())
            )
            .await
            .unwrap()
    );
    assert_eq!(store.grants_of(id).await.unwrap().len(), 1);

    store
        .set_disabled(id, true, By::new(&admin(), now()))
        .await
        .unwrap();
    assert!(
        store.principal(id).await.unwrap().is_none(),
        "a disabled account has no principal"
    );
}

/// Sign-ins (most of a day's writes, with the steps of requests) leave the version public pages
/// are kept under; a change the portal shows moves it, in this process at once and in another at
/// its next reading.
async fn a_sign_in_leaves_the_publication_version_and_a_publication_moves_it(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let id = new_user(store, "wangwu").await;
    let other = gongkai_store::testing::another_process(store);
    for s in [store, &other] {
        s.keep_ready(Some(std::time::Duration::ZERO));
    }
    let (before, here_before) = (store.kept_version().await.unwrap(), store.portal_writes());
    let there_before = other.kept_version().await.unwrap();
    for (n, hash) in [(0_i64, "a"), (1, "b"), (2, "c")] {
        store
            .create_session(
                &NewSession {
                    user_id: id,
                    id_hash: &sha256_hex(hash.as_bytes()),
                    csrf_token: "csrf",
                    replaces: None,
                    address: "127.0.0.1",
                },
                By::new(
                    &Actor::user(id, "王五", "wangwu"),
                    now() + Duration::seconds(n),
                ),
            )
            .await
            .unwrap();
    }
    assert_eq!(store.kept_version().await.unwrap(), before);
    assert_eq!(store.portal_writes(), here_before);
    assert_eq!(other.kept_version().await.unwrap(), there_before);
    let mut columns = store.categories(&town()).await.unwrap();
    columns.push("版本检验".into());
    store
        .set_categories(&town(), &columns, By::new(&admin(), now()))
        .await
        .unwrap();
    assert_eq!(store.portal_writes(), here_before + 1, "here at once");
    let after = store.kept_version().await.unwrap();
    assert!(after > before);
    assert_eq!(
        other.kept_version().await.unwrap(),
        after,
        "there at its next reading"
    );
    // More sign-ins after it: still that version.
    store
        .create_session(
            &NewSession {
                user_id: id,
                id_hash: &sha256_hex(b"d"),
                csrf_token: "csrf",
                replaces: None,
                address: "127.0.0.1",
            },
            By::new(&Actor::user(id, "王五", "wangwu"), now()),
        )
        .await
        .unwrap();
    assert_eq!(other.kept_version().await.unwrap(), after);
    assert_eq!(store.kept_version().await.unwrap(), after);
}

async fn sessions_rotate_and_end(store: &Store) {
    let id = new_user(store, "lisi").await;
    let actor = Actor::user(id, "李四", "lisi");
    let (a, b) = (sha256_hex(b"a"), sha256_hex(b"b"));
    store
        .create_session(
            &NewSession {
                user_id: id,
                id_hash: &a,
                csrf_token: "csrf-a",
                replaces: None,
                address: "127.0.0.1",
            },
            By::new(&actor, now()),
        )
        .await
        .unwrap();
    let s = store.find_session(&a).await.unwrap().unwrap();
    assert_eq!((s.user_id, s.csrf_token.as_str()), (id, "csrf-a"));
    // Signing in again from the same browser replaces the old session.
    store
        .create_session(
            &NewSession {
                user_id: id,
                id_hash: &b,
                csrf_token: "csrf-b",
                replaces: Some(&a),
                address: "127.0.0.1",
            },
            By::new(&actor, now()),
        )
        .await
        .unwrap();
    assert!(store.find_session(&a).await.unwrap().is_none());
    store
        .touch_session(&b, now() + Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(
        store.find_session(&b).await.unwrap().unwrap().last_seen,
        now() + Duration::minutes(5)
    );

    // A password change ends every other session.
    let c = sha256_hex(b"c");
    store
        .create_session(
            &NewSession {
                user_id: id,
                id_hash: &c,
                csrf_token: "csrf-c",
                replaces: None,
                address: "10.0.0.2",
            },
            By::new(&actor, now()),
        )
        .await
        .unwrap();
    store
        .set_password(id, "newhash", false, Some(&b), By::new(&actor, now()))
        .await
        .unwrap();
    assert!(store.find_session(&b).await.unwrap().is_some());
    assert!(store.find_session(&c).await.unwrap().is_none());

    assert_eq!(
        store
            .purge_sessions(now() + Duration::minutes(6), now() - Duration::hours(1))
            .await
            .unwrap(),
        1
    );
    assert!(store.find_session(&b).await.unwrap().is_none());
}

async fn sign_in_failures_are_counted_per_subject(store: &Store) {
    let subjects = ["user:wangwu".to_owned(), "ip:10.0.0.9".to_owned()];
    for i in 0..3 {
        store
            .record_login_failure(&subjects, now() + Duration::minutes(i))
            .await
            .unwrap();
    }
    assert_eq!(
        store
            .count_login_failures("user:wangwu", now())
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        store
            .count_login_failures("user:wangwu", now() + Duration::minutes(1))
            .await
            .unwrap(),
        2
    );
    store.clear_login_failures("user:wangwu").await.unwrap();
    assert_eq!(
        store
            .count_login_failures("user:wangwu", now())
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .count_login_failures("ip:10.0.0.9", now())
            .await
            .unwrap(),
        3
    );
}

async fn every_write_is_audited_and_the_chain_verifies(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let id = new_user(store, "zhaoliu").await;
    store
        .change_role(
            id,
            &town(),
            Role::FinalReviewer,
            RoleChange::Grant,
            By::new(&admin(), now()),
        )
        .await
        .unwrap();
    let n = store.audit_count().await.unwrap();
    // Site settings + 2 agencies + catalogue + items and rules + the town's guide and its own
    // contact + texts + user + grant.
    let items = i64::try_from(demo::ITEMS.len() + demo::RULES.len()).unwrap();
    assert_eq!(n, 1 + 2 + 1 + items + 2 + 1 + 1 + 1);
    assert_eq!(store.audit_verify(&[]).await.unwrap(), Ok(n));

    let town_only = AuditFilter {
        agencies: Some(vec![demo::TOWN_SLUG.to_owned()]),
        limit: 100,
        ..Default::default()
    };
    let records = store.audit_records(&town_only).await.unwrap();
    assert!(
        records
            .iter()
            .all(|r| r.agency.as_deref() == Some(demo::TOWN_SLUG))
    );
    assert_eq!(records[0].action, "role.grant");
    let grants = AuditFilter {
        action: Some("role.grant".into()),
        actor: Some("测试".into()),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(store.audit_records(&grants).await.unwrap().len(), 1);
    let day = AuditFilter {
        from: Some("2025-02-02".parse().unwrap()),
        limit: 10,
        ..Default::default()
    };
    assert!(store.audit_records(&day).await.unwrap().is_empty());
    let none = AuditFilter {
        agencies: Some(vec![]),
        limit: 10,
        ..Default::default()
    };
    assert!(store.audit_records(&none).await.unwrap().is_empty());
}

async fn concurrent_writers_never_fork_the_chain(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let mut ids = Vec::new();
    for i in 0..8 {
        ids.push(new_user(store, &format!("user{i}")).await);
    }
    let tasks: Vec<_> = ids
        .iter()
        .flat_map(|id| Role::ALL.into_iter().map(move |r| (*id, r)))
        .map(|(id, role)| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .change_role(
                        id,
                        &town(),
                        role,
                        RoleChange::Grant,
                        By::new(&admin(), now()),
                    )
                    .await
                    .unwrap()
            })
        })
        .collect();
    for t in tasks {
        assert!(t.await.unwrap());
    }
    let n = store.audit_count().await.unwrap();
    assert_eq!(store.audit_verify(&[]).await.unwrap(), Ok(n));
}

async fn tampering_with_the_audit_table_is_detected(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let exec = |sql: &'static str| async move {
        match store.pool() {
            gongkai_store::Pool::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
            gongkai_store::Pool::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        }
        .unwrap();
    };
    assert!(store.audit_verify(&[]).await.unwrap().is_ok());
    exec("UPDATE audit_log SET summary = '改过的' WHERE id = 5").await;
    assert_eq!(
        store.audit_verify(&[]).await.unwrap(),
        Err(ChainBreak::Altered { id: 5 })
    );
}

async fn deleting_audit_rows_is_detected(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let exec = |sql: &'static str| async move {
        match store.pool() {
            gongkai_store::Pool::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
            gongkai_store::Pool::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        }
        .unwrap();
    };
    let n = store.audit_count().await.unwrap();
    exec("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)").await;
    assert_eq!(
        store.audit_verify(&[]).await.unwrap(),
        Err(ChainBreak::Truncated {
            last_id: n - 1,
            head_id: n
        })
    );
    exec("DELETE FROM audit_log WHERE id = 3").await;
    assert_eq!(
        store.audit_verify(&[]).await.unwrap(),
        Err(ChainBreak::Broken {
            id: 4,
            expected_prev: 2
        })
    );
}

/// The attack `audit verify` must catch: someone with database access edits a record, deletes
/// another, recomputes every hash and the chain head. Without the key (kept outside the database)
/// the rewritten records cannot carry its HMAC; and a checkpoint published before contradicts
/// the rewrite even if they had it.
async fn a_rewrite_with_recomputed_hashes_is_detected(store: &Store) {
    use gongkai_core::audit::{AuditKey, Keyring};
    let key = AuditKey::generate();
    let keys = Keyring::parse(&Keyring::line(&key)).unwrap();
    let store = store
        .clone()
        .with_audit_keys(keys.clone(), now())
        .await
        .unwrap();
    demo::load(&store, now()).await.unwrap();
    let checkpoint = store.make_checkpoint(now()).await.unwrap().unwrap();
    let published = [checkpoint];
    assert!(store.audit_verify(&published).await.unwrap().is_ok());

    // The intruder reads the chain, edits record 5, drops record 7 and writes it all back with
    // fresh SHA-256 hashes, renumbered, and a matching head.
    let n = gongkai_store::testing::rewrite_audit_chain(&store, 5, 7).await;
    assert_eq!(store.audit_count().await.unwrap(), n);
    // The key file and the published checkpoint catch it: the key's introduction no longer
    // carries the key's HMAC, and the checkpoint names a record whose hash is no longer there.
    for checks in [&[][..], &published[..]] {
        let verdict = store.audit_verify(checks).await.unwrap();
        assert!(
            matches!(
                verdict,
                Err(ChainBreak::Unkeyed { .. }
                    | ChainBreak::KeyMissing { .. }
                    | ChainBreak::Contradicted { .. })
            ),
            "{verdict:?}"
        );
    }
}

/// Limits hold across servers: twenty takers racing for five places get five, and a visitor's
/// address is kept only as a keyed hash.
async fn a_shared_limit_lets_exactly_its_number_through(store: &Store) {
    let subject = store.keyed("address", "203.0.113.7");
    assert_ne!(subject, "203.0.113.7");
    assert!(!subject.contains("203.0.113"));
    let t = now();
    let takers: Vec<_> = (0..20)
        .map(|_| {
            let (store, subject) = (store.clone(), subject.clone());
            tokio::spawn(async move {
                store
                    .take_hit("request", &subject, t, t - chrono::Duration::hours(1), 5)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut taken = 0;
    for h in takers {
        taken += u32::from(h.await.unwrap());
    }
    assert_eq!(taken, 5);
    let hits = store
        .hits("request", &subject, t - chrono::Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(hits.count, 5);
    assert_eq!(
        store
            .purge_hits(t + chrono::Duration::seconds(1))
            .await
            .unwrap(),
        5
    );
}

/// A NUL or another control character never reaches the database (PostgreSQL would fail on it;
/// SQLite would keep it and make documents invalid): refused as the user's to correct, nothing
/// written.
async fn control_characters_are_refused_before_the_database(store: &Store) {
    demo::load(store, now()).await.unwrap();
    let before = store.audit_count().await.unwrap();
    for bad in ["a\0b", "x\u{7}y", "z\u{85}"] {
        let refused = store
            .create_user(
                &NewUser {
                    username: "nul".into(),
                    display_name: bad.into(),
                    password_hash: "x".into(),
                    is_system_admin: false,
                    must_change_password: false,
                },
                By::new(&admin(), now()),
            )
            .await;
        assert!(
            matches!(refused, Err(StoreError::Rejected(_))),
            "{refused:?}"
        );
        // A lookup with one is refused the same way, not a database error.
        let found = store.find_user_by_username(bad).await;
        assert!(matches!(found, Err(StoreError::Rejected(_))), "{found:?}");
    }
    assert_eq!(store.audit_count().await.unwrap(), before);
    // Tabs and line breaks are text.
    store
        .create_user(
            &NewUser {
                username: "tab".into(),
                display_name: "甲\t乙\n丙".into(),
                password_hash: "x".into(),
                is_system_admin: false,
                must_change_password: false,
            },
            By::new(&admin(), now()),
        )
        .await
        .unwrap();
}

on_both_backends!(
    control_characters_are_refused_before_the_database,
    a_shared_limit_lets_exactly_its_number_through,
    a_rewrite_with_recomputed_hashes_is_detected,
    users_roles_and_principals,
    sessions_rotate_and_end,
    a_sign_in_leaves_the_publication_version_and_a_publication_moves_it,
    sign_in_failures_are_counted_per_subject,
    every_write_is_audited_and_the_chain_verifies,
    concurrent_writers_never_fork_the_chain,
    tampering_with_the_audit_table_is_detected,
    deleting_audit_rows_is_detected,
);

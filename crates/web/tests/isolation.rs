//! Isolation on every route, found by walking the router's own list: a route added later is covered
//! without anyone remembering to add it here.
//!
//! The target of every parameterised route is the *other* town (南麻镇) or its administrator. Then:
//! an anonymous visitor reaches public pages only; 西里镇's administrator gets 403/404 for anything
//! of 南麻镇 and changes nothing of it; the county's oversight officer reads 南麻镇's pages but
//! changes nothing at all; the system administrator reaches every page (so the 404s above are real).

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use axum::http::{Method, StatusCode};
use common::{Client, TOWN_B, TOWN_B_NAME, World, signed_in, world};
use gongkai_store::{AuditFilter, Store, on_both_backends};
use gongkai_web::{Access, RouteSpec, route_specs};

fn concrete(spec: &RouteSpec, w: &World) -> String {
    spec.path
        .replace("{slug}", TOWN_B)
        .replace("{id}", &w.users["b_admin"].to_string())
        .replace("{year}", "2024")
        .replace("{file}", "report.json")
        .replace("{code}", &w.b_request)
        .replace("{message}", &w.b_message)
        .replace("{channel}", "1")
        .replace("{draft}", &w.b_item.0.to_string())
        .replace("{item}", &w.b_item.1.to_string())
        .replace("{version}", "1")
        .replace("{part}", "items-1.xml")
        .replace("{attachment}", &w.b_attachment.to_string())
        .replace("{reply}", &w.b_reply_file.to_string())
        .replace(
            "{reply_file}",
            &format!(
                "{}?code={}&contact=13700000000",
                w.b_reply_file, w.b_request
            ),
        )
        .replace(
            "{letter}",
            &format!("{}?code={}&contact=13700000000", w.b_letter, w.b_request),
        )
}

/// The reading-mode switch answers every visitor with a redirect back to the page.
fn switches_back(spec: &RouteSpec) -> bool {
    spec.path == "/display"
}

/// Form fields aimed at 南麻镇 for any form a route may take.
fn hostile_fields(w: &World) -> Vec<(&'static str, String)> {
    vec![
        ("parent", TOWN_B.into()),
        ("agency", TOWN_B.into()),
        ("slug", "new-town".into()),
        ("name", "新机关".into()),
        ("credit_code", "11370323004345299T".into()),
        ("kind", "town".into()),
        ("username", "b_admin".into()),
        ("display_name", "改名".into()),
        ("user_id", w.users["b_admin"].to_string()),
        ("role", "agency_admin".into()),
    ]
}

/// Audit records that touch 南麻镇 or its administrator: if none appear, nothing of theirs changed.
async fn b_changes(store: &Store) -> usize {
    let all = store
        .audit_records(&AuditFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    all.iter()
        .filter(|r| r.agency.as_deref() == Some(TOWN_B) || r.target == "user:b_admin")
        .count()
}

async fn post_as(c: &mut Client, uri: &str, w: &World) -> StatusCode {
    let fields = hostile_fields(w);
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post(uri, &refs).await.status
}

async fn anonymous_visitors_reach_only_public_pages(store: &Store) {
    let w = world(store).await;
    let before = store.audit_count().await.unwrap();
    for spec in route_specs() {
        let uri = concrete(&spec, &w);
        let mut c = Client::new(&w.app);
        let status = if spec.method == Method::GET {
            c.get(&uri).await.status
        } else {
            post_as(&mut c, &uri, &w).await
        };
        match (spec.access, spec.method.clone()) {
            (Access::Public | Access::SignIn, Method::GET) => {
                assert!(
                    matches!(status, StatusCode::OK | StatusCode::NOT_FOUND)
                        || (switches_back(&spec) && status == StatusCode::SEE_OTHER),
                    "{uri}: {status}"
                );
            }
            (Access::Staff | Access::Own, Method::GET) => {
                assert_eq!(status, StatusCode::SEE_OTHER, "{uri}");
            }
            // The API takes JSON only: a form posted to it is refused before anything else.
            _ if uri.starts_with("/api/") => {
                assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{uri}");
            }
            _ => assert_eq!(status, StatusCode::FORBIDDEN, "{} {uri}", spec.method),
        }
    }
    assert_eq!(
        store.audit_count().await.unwrap(),
        before,
        "an anonymous visitor changed something"
    );
}

async fn an_agency_admin_cannot_see_or_touch_a_sibling(store: &Store) {
    let w = world(store).await;
    let before = b_changes(store).await;
    for spec in route_specs()
        .into_iter()
        .filter(|s| matches!(s.access, Access::Staff | Access::Own))
    {
        let uri = concrete(&spec, &w);
        let mut c = signed_in(&w, "a_admin").await;
        if spec.method == Method::GET {
            let page = c.get(&uri).await;
            if spec.path.contains('{') {
                assert!(
                    matches!(page.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                    "GET {uri}: {}",
                    page.status
                );
            } else {
                assert!(
                    matches!(page.status, StatusCode::OK | StatusCode::FORBIDDEN),
                    "GET {uri}: {}",
                    page.status
                );
                assert!(
                    !page.body.contains(TOWN_B_NAME) && !page.body.contains("乙机关管理员"),
                    "GET {uri} shows 南麻镇"
                );
            }
        } else {
            let status = post_as(&mut c, &uri, &w).await;
            if spec.path.contains('{') {
                assert!(
                    matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                    "POST {uri}: {status}"
                );
            }
        }
        assert_eq!(
            b_changes(store).await,
            before,
            "{} {uri} changed 南麻镇",
            spec.method
        );
    }
}

async fn the_oversight_officer_reads_but_changes_nothing(store: &Store) {
    let w = world(store).await;
    for spec in route_specs()
        .into_iter()
        .filter(|s| s.access == Access::Staff)
    {
        let uri = concrete(&spec, &w);
        let mut c = signed_in(&w, "overseer").await;
        let before = store.audit_count().await.unwrap();
        if spec.method == Method::GET {
            let status = c.get(&uri).await.status;
            if spec.path.starts_with("/admin/agencies/{slug}") || !spec.path.contains('{') {
                assert!(
                    matches!(status, StatusCode::OK | StatusCode::FORBIDDEN),
                    "GET {uri}: {status}"
                );
            }
        } else {
            let status = post_as(&mut c, &uri, &w).await;
            assert!(
                matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "POST {uri}: {status}"
            );
        }
        assert_eq!(
            store.audit_count().await.unwrap(),
            before,
            "{} {uri}: the oversight officer changed something",
            spec.method
        );
    }
    let mut c = signed_in(&w, "overseer").await;
    let page = c.get(&format!("/admin/agencies/{TOWN_B}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(TOWN_B_NAME) && !page.body.contains("授予角色"));
    let audit = c.get(&format!("/admin/audit?agency={TOWN_B}")).await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(
        audit.body.contains("<td>新增机关</td>") && !audit.body.contains("<code>agency.create"),
        "actions are named in Chinese: {}",
        audit.body
    );
}

async fn the_system_administrator_reaches_every_page(store: &Store) {
    let w = world(store).await;
    let mut c = signed_in(&w, "root").await;
    for spec in route_specs()
        .into_iter()
        .filter(|s| s.method == Method::GET)
    {
        let uri = concrete(&spec, &w);
        let page = c.get(&uri).await;
        let expected = if spec.access == Access::SignIn || switches_back(&spec) {
            StatusCode::SEE_OTHER
        } else if spec.path.ends_with("/requests/submitted") || spec.path == "/assets/logo/{name}" {
            // The confirmation of a submitted form needs the form's one-time token; this world
            // has no logo uploaded (tests/site.rs fetches one).
            StatusCode::NOT_FOUND
        } else {
            StatusCode::OK
        };
        assert_eq!(page.status, expected, "GET {uri}");
    }
}

on_both_backends!(
    anonymous_visitors_reach_only_public_pages,
    an_agency_admin_cannot_see_or_touch_a_sibling,
    the_oversight_officer_reads_but_changes_nothing,
    the_system_administrator_reaches_every_page,
);

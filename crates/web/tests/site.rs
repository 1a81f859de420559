//! The site's identity set in the back office and shown on the portal: an agency's own 主办/承办
//! and contact on its pages only, and the header's logo uploaded by the system administrator.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use axum::http::StatusCode;
use common::{Client, TOWN_A, TOWN_B, signed_in, world};
use gongkai_store::{Store, on_both_backends};

fn footer(html: &str) -> &str {
    html.split("<footer").nth(1).unwrap_or("")
}

/// An agency administrator sets the agency's own contact; its pages show it, the site's and the
/// other agencies' pages keep the site's; a contact that is no phone number changes nothing.
async fn an_agency_shows_its_own_sponsor_and_contact(store: &Store) {
    let w = world(store).await;
    let mut admin = signed_in(&w, "b_admin").await;
    let uri = format!("/admin/agencies/{TOWN_B}/site");
    let refused = admin
        .post(&uri, &[("sponsor", "南麻镇人民政府"), ("phone", "abc")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("联系电话应为电话号码"),
        "{}",
        refused.body
    );
    let mut visitor = Client::new(&w.app);
    let page = visitor.get(&format!("/agencies/{TOWN_B}")).await;
    assert!(
        !footer(&page.body).contains("南麻镇人民政府"),
        "nothing kept"
    );
    let saved = admin
        .post(
            &uri,
            &[
                ("sponsor", "南麻镇人民政府"),
                ("organizer", "南麻镇党政办公室"),
                ("phone", "0533-3221001"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    for path in [
        format!("/agencies/{TOWN_B}"),
        format!("/agencies/{TOWN_B}/guide"),
        format!("/agencies/{TOWN_B}/no-such-page"),
    ] {
        let page = visitor.get(&path).await;
        let f = footer(&page.body);
        assert!(f.contains("主办单位：南麻镇人民政府"), "{path}: {f}");
        assert!(
            f.contains("承办单位：南麻镇党政办公室") && f.contains("电话 0533-3221001"),
            "{path}"
        );
    }
    for path in ["/".to_owned(), format!("/agencies/{TOWN_A}")] {
        let page = visitor.get(&path).await;
        assert!(!footer(&page.body).contains("南麻镇人民政府"), "{path}");
    }
    let contact = visitor.get("/contact").await;
    assert!(
        contact.body.contains("电话 0533-3221001"),
        "联系我们 lists it"
    );
    // Another agency's administrator may not set it.
    let mut other = signed_in(&w, "a_admin").await;
    let denied = other.post(&uri, &[("phone", "0533-1111111")]).await;
    assert!(denied.status.is_client_error(), "{}", denied.status);
    // All empty: the site's again.
    admin.post(&uri, &[]).await;
    let page = visitor.get(&format!("/agencies/{TOWN_B}")).await;
    assert!(!footer(&page.body).contains("南麻镇人民政府"));
}

fn upload(token: &str, bytes: &[u8], alt: &str) -> Vec<u8> {
    let boundary = "gongkai-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"logo_alt\"\r\n\r\n{alt}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"logo_file\"; filename=\"logo.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

/// The system administrator uploads a logo: every header shows it with its text, served from the
/// site; a file that is no image, or an image without its text, changes nothing.
async fn the_header_shows_the_uploaded_logo(store: &Store) {
    let w = world(store).await;
    let mut root = signed_in(&w, "root").await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
    for (bytes, alt, message) in [
        (
            &b"<svg><script>alert(1)</script></svg>"[..],
            "沂源县人民政府",
            "PNG、JPG、GIF 或 WebP",
        ),
        (&png[..], "", "文字说明"),
    ] {
        let token = root.csrf().await;
        let refused = root
            .send_multipart(
                "/admin/settings/logo",
                "gongkai-test-boundary",
                upload(&token, bytes, alt),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains(message),
            "{message}: {}",
            refused.body
        );
    }
    let mut visitor = Client::new(&w.app);
    assert!(!visitor.get("/").await.body.contains("site-logo"));
    // The settings form, the contact among the site's other fields.
    let saved = root
        .post(
            "/admin/settings",
            &[
                ("site_name", "沂源县人民政府"),
                ("sponsor", "沂源县人民政府办公室"),
                ("phone", "0533-3210009"),
                ("email", "ZWGK@yiyuan.gov.cn"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let home = visitor.get("/").await;
    assert!(footer(&home.body).contains("电话 0533-3210009"));
    assert!(
        footer(&home.body).contains("zwgk@yiyuan.gov.cn"),
        "kept in lower case"
    );
    // Staff of an agency may not change the site.
    let mut staff = signed_in(&w, "a_admin").await;
    let token = staff.csrf().await;
    let denied = staff
        .send_multipart(
            "/admin/settings/logo",
            "gongkai-test-boundary",
            upload(&token, png, "x"),
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let token = root.csrf().await;
    let saved = root
        .send_multipart(
            "/admin/settings/logo",
            "gongkai-test-boundary",
            upload(&token, png, "沂源县人民政府"),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let home = visitor.get("/").await;
    let src = home
        .body
        .split(r#"<a class="site-logo" href="/"><img src=""#)
        .nth(1)
        .expect("the header shows the logo")
        .split('"')
        .next()
        .unwrap()
        .replace("&#x2f;", "/");
    assert!(home.body.contains(r#"alt="沂源县人民政府""#));
    assert!(src.starts_with("/assets/logo/") && src.len() == 33, "{src}");
    let image = visitor.get(&src).await;
    assert_eq!(image.status, StatusCode::OK);
    assert_eq!(image.headers["content-type"], "image/png");
    assert!(
        image.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(
        visitor.get("/assets/logo/0000.png").await.status,
        StatusCode::NOT_FOUND
    );
}

on_both_backends!(
    an_agency_shows_its_own_sponsor_and_contact,
    the_header_shows_the_uploaded_logo
);

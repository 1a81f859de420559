//! The binary as a user runs it, on both backends.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

use std::process::{Command, Output};

use gongkai_store::testing::TestDb;

fn gongkai(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .env("GONGKAI_DATABASE_URL", url)
        .env("GONGKAI_LOG", "warn")
        .output()
        .expect("run gongkai")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn demo_then_report_shows_the_seed_figures(url: &str) {
    let first = gongkai(url, &["demo"]);
    assert!(first.status.success(), "{first:?}");
    let again = gongkai(url, &["demo"]);
    assert!(stdout(&again).contains("未做任何更改"), "{again:?}");

    let out = gongkai(
        url,
        &[
            "report",
            "--agency",
            "yiyuan-xili",
            "--year",
            "2024",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["proactive"]["total"], 20);
    assert_eq!(v["proactive"]["by_category"].as_array().unwrap().len(), 10);
    assert_eq!(v["findings"], serde_json::json!([]));
    let table3 = v["table3"].as_object().unwrap();
    assert_eq!(table3.len(), 25);
    for (row, cols) in table3 {
        let cols = cols.as_object().unwrap();
        assert_eq!(cols.len(), 7, "{row}");
        assert!(cols.values().all(|c| c == 0), "{row}");
    }
    assert_eq!(v["table2"]["fees"]["amount_wan_yuan"], "0");
    assert_eq!(v["table4"]["litigation_after_reconsideration"]["total"], 0);

    for format in ["md", "html"] {
        let out = gongkai(
            url,
            &[
                "report",
                "--agency",
                "yiyuan-xili",
                "--year",
                "2024",
                "--format",
                format,
            ],
        );
        assert!(out.status.success());
        assert!(stdout(&out).contains("三、收到和处理政府信息公开申请情况"));
    }
}

fn operator_mistakes_get_clear_errors(url: &str) {
    let out = gongkai(url, &["report", "--agency", "nobody", "--year", "2024"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("机关“nobody”不存在"));
    let out = gongkai(
        url,
        &[
            "report",
            "--agency",
            "yiyuan-xili",
            "--year",
            "2024",
            "--format",
            "pdf",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = gongkai("mysql://x", &["migrate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sqlite:// or postgres://"));
}

#[tokio::test]
async fn sqlite() {
    let dir = tempfile::tempdir().unwrap();
    // A folder that does not exist yet is created on first use.
    let url = format!(
        "sqlite://{}",
        dir.path().join("new-folder/gongkai.db").display()
    );
    demo_then_report_shows_the_seed_figures(&url);
    operator_mistakes_get_clear_errors(&url);

    let backup = dir.path().join("copy.db");
    let out = gongkai(&url, &["backup", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let copy = format!("sqlite://{}", backup.display());
    let out = gongkai(
        &copy,
        &[
            "report",
            "--agency",
            "yiyuan-xili",
            "--year",
            "2024",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success());
}

#[tokio::test]
async fn postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    demo_then_report_shows_the_seed_figures(&db.url);
    operator_mistakes_get_clear_errors(&db.url);
}

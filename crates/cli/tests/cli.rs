//! The binary as a user runs it, on both backends.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

mod common;

use common::free_port;
use std::process::{Command, Output};

use calamine::{Reader, Xlsx, open_workbook};

use gongkai_store::By;
use gongkai_store::testing::TestDb;

fn gongkai(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .env("GONGKAI_DATABASE_URL", url)
        .env("GONGKAI_AUDIT_KEY_FILE", common::audit_key_file(url))
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
            "doc",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = gongkai("mysql://x", &["migrate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sqlite:// or postgres://"));
}

/// `items import` reads its file line by line (more lines than one transaction takes, a blank
/// line skipped); a bad line is named by its number and nothing of that file is stored.
fn items_import_streams_and_refuses_a_bad_line(url: &str, dir: &std::path::Path) {
    let count = |search_dir: &str| {
        let out = gongkai(
            url,
            &[
                "search",
                "reindex",
                "--search-dir",
                dir.join(search_dir).to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{out:?}");
        stdout(&out)
            .split("：")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("{out:?}"))
    };
    let before = count("index-before");
    let line = |n: u32| {
        format!(
            r#"{{"title":"导入测试第{n}号","date":"2023-05-0{}","category":"导入栏目","body":"第一段\n第二段"}}"#,
            n % 9 + 1
        )
    };
    let mut text: String = (1..=2_345).map(|n| line(n) + "\n").collect();
    text.push('\n');
    let file = dir.join("items.jsonl");
    std::fs::write(&file, &text).unwrap();
    let args = [
        "items",
        "import",
        "--agency",
        "yiyuan-xili",
        file.to_str().unwrap(),
    ];
    let out = gongkai(url, &args);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).contains("已导入 2345 条"), "{out:?}");
    assert_eq!(count("index-after"), before + 2_345);
    // Line 2,002 is broken: after the first transaction's worth of lines.
    text.insert_str(
        text.match_indices('\n').nth(2_000).unwrap().0 + 1,
        "{\"title\": 1}\n",
    );
    std::fs::write(&file, &text).unwrap();
    let out = gongkai(url, &args);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("第2002行不是有效的信息记录"),
        "{out:?}"
    );
    assert_eq!(
        count("index-bad"),
        before + 2_345,
        "nothing of the bad file stored"
    );
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
    items_import_streams_and_refuses_a_bad_line(&url, dir.path());

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
    let dir = tempfile::tempdir().unwrap();
    items_import_streams_and_refuses_a_bad_line(&db.url, dir.path());
}

/// A plain HTTP/1.0 GET over TCP, returning the whole response.
fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

/// The server's answer to `/healthz` once it gives one (within ten seconds).
fn health(port: u16) -> Option<String> {
    for _ in 0..100 {
        if let Some(answer) = http_get(port, "/healthz") {
            return Some(answer);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    None
}

#[test]
fn serve_answers_over_tcp_and_backup_works_while_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("live.db").display());
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .env("GONGKAI_DATABASE_URL", &url)
        .env("GONGKAI_LOG", "warn")
        .spawn()
        .unwrap();
    let health = health(port);
    let result = std::panic::catch_unwind(|| {
        assert!(health.expect("server answers").contains("200 OK"));
        let login = http_get(port, "/admin/login").unwrap();
        assert!(login.contains("工作人员登录"));
        let page = http_get(port, "/agencies/yiyuan-xili/reports/2024").unwrap();
        assert!(page.contains("累计主动公开政府信息20条"));
        let backup = dir.path().join("while-running.db");
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
        assert!(out.status.success(), "{out:?}");
    });
    server.kill().unwrap();
    server.wait().unwrap();
    result.unwrap();
}

/// A port in use or a mistyped setting is an error that changes nothing: no database made, no
/// administrator created with a password printed to a screen the operator then leaves.
#[test]
fn serve_refuses_a_port_in_use_before_it_touches_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never.db");
    let url = format!("sqlite://{}", db.display());
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = gongkai(
        &url,
        &["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")],
    );
    assert!(!out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("无法监听 127.0.0.1:{port}")), "{err}");
    assert!(!stdout(&out).contains("一次性密码"), "{out:?}");
    assert!(
        !db.exists(),
        "the database was made before the port was found taken"
    );

    let out = gongkai(
        &url,
        &[
            "serve",
            "--listen",
            &format!("127.0.0.1:{}", free_port()),
            "--page-cache",
            "soon",
        ],
    );
    assert!(!out.status.success(), "{out:?}");
    assert!(
        !db.exists(),
        "the database was made before --page-cache was read"
    );
    drop(taken);
}

/// `audit verify` checks and changes nothing: not a backup without its key file beside it (it
/// made a key of its own, wrote a record with it into the backup, then called every older record
/// tampered with), nor a database that is not there (it made an empty one and passed it).
#[test]
fn audit_verify_leaves_what_it_checks_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live");
    std::fs::create_dir(&live).unwrap();
    let url = format!("sqlite://{}", live.join("gongkai.db").display());
    assert!(gongkai(&url, &["demo"]).status.success());
    let copy_dir = dir.path().join("copy");
    std::fs::create_dir(&copy_dir).unwrap();
    let copy = copy_dir.join("gongkai.db");
    assert!(
        gongkai(&url, &["backup", copy.to_str().unwrap()])
            .status
            .success()
    );
    let copy_url = format!("sqlite://{}", copy.display());
    // The copy's bytes: an operator may have its hash on record.
    let bytes = std::fs::read(&copy).unwrap();
    let unchanged = || {
        assert!(
            std::fs::read(&copy).unwrap() == bytes,
            "the copy was changed"
        );
    };
    let verify = |url: &str, key: Option<&std::path::Path>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai"));
        c.args(["--database-url", url, "audit", "verify"])
            .env("GONGKAI_LOG", "warn")
            .env_remove("GONGKAI_AUDIT_KEY_FILE");
        if let Some(key) = key {
            c.env("GONGKAI_AUDIT_KEY_FILE", key);
        }
        c.output().unwrap()
    };
    let key = common::audit_key_file(&url);
    let records = |o: &Output| {
        let text = stdout(o);
        assert!(o.status.success() && text.contains("审计日志完整"), "{o:?}");
        text.split("共")
            .nth(1)
            .unwrap()
            .split('条')
            .next()
            .unwrap()
            .to_owned()
    };
    let on_live = records(&verify(&url, Some(&key)));

    // The copy alone, its key file left behind: refused, no key made.
    let out = verify(&copy_url, None);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("找不到审计密钥文件"),
        "{out:?}"
    );
    assert!(!copy_dir.join("audit.key").exists(), "a key was made");

    // With the key file it was written with: intact, with the live database's records and no
    // record added by either check.
    unchanged();
    assert_eq!(records(&verify(&copy_url, Some(&key))), on_live);
    assert_eq!(records(&verify(&copy_url, Some(&key))), on_live);
    unchanged();

    // A database older than this build (here: with no tables at all) is refused, not migrated.
    let old = copy_dir.join("old.db");
    std::fs::write(&old, "").unwrap();
    let out = verify(&format!("sqlite://{}", old.display()), Some(&key));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("结构比本程序旧"),
        "{out:?}"
    );
    assert_eq!(
        std::fs::metadata(&old).unwrap().len(),
        0,
        "the old database was migrated"
    );

    // The wrong folder: no database there, and none made.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["audit", "verify"])
        .current_dir(&empty)
        .env_remove("GONGKAI_DATABASE_URL")
        .env_remove("GONGKAI_AUDIT_KEY_FILE")
        .env("GONGKAI_LOG", "warn")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("不存在"),
        "{out:?}"
    );
    assert!(!empty.join("gongkai-data").exists(), "a database was made");
}

/// Two servers on one machine with the same command line: the second is told, first thing, to
/// give itself its own search folder.
#[test]
fn a_second_server_on_the_same_search_folder_is_told_to_take_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("two.db").display());
    let search = dir.path().join("search");
    let _first = common::Server(common::start(&url, free_port(), &search, &[]));
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["serve", "--listen", &format!("127.0.0.1:{}", free_port())])
        .env("GONGKAI_DATABASE_URL", &url)
        .env("GONGKAI_AUDIT_KEY_FILE", common::audit_key_file(&url))
        .env("GONGKAI_SEARCH_DIR", &search)
        .env("GONGKAI_LOG", "warn")
        .output()
        .unwrap();
    assert!(!out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("已被另一个 gongkai serve 使用"), "{err}");
    assert!(err.contains("--search-dir"), "{err}");
}

/// Under systemd the log goes to the journal, not a terminal, and the journal keeps a line with
/// colour codes in it as bytes rather than text (rsyslog then shows `#033[` in every line).
/// Logged to a pipe, the lines are plain text.
#[test]
fn the_log_is_plain_text_when_it_is_not_a_terminal() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("log.db").display());
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("GONGKAI_DATABASE_URL", &url)
        .env("GONGKAI_SEARCH_DIR", dir.path().join("search"))
        .env("GONGKAI_LOG", "info")
        .env_remove("NO_COLOR")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let up = health(port).is_some();
    server.kill().unwrap();
    let mut log = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    server.wait().unwrap();
    assert!(up, "the server did not answer: {log}");
    assert!(log.contains("listening on http://127.0.0.1:"), "{log}");
    assert!(
        !log.contains('\u{1b}'),
        "colour codes in a piped log: {log:?}"
    );
}

#[tokio::test]
async fn an_error_finding_makes_report_exit_with_one() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("e.db").display());
    assert!(gongkai(&url, &["demo"]).status.success());
    // A town cannot make 规章: reporting one is an error (T2-RULE).
    let store = gongkai_store::Store::connect(&url).await.unwrap();
    let mut table2 = gongkai_core::report::Table2::unreported();
    table2.rules.issued = Some(1);
    let slug = gongkai_core::Slug::parse("yiyuan-xili").unwrap();
    store
        .set_reported_table2(
            &slug,
            2024,
            &table2,
            "测试",
            By::new(
                &gongkai_core::audit::Actor::system("测试"),
                chrono::Utc::now(),
            ),
        )
        .await
        .unwrap();
    store.close().await;
    let out = gongkai(
        &url,
        &["report", "--agency", "yiyuan-xili", "--year", "2024"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[T2-RULE]"));
    let out = gongkai(
        &url,
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
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rule = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["relation"] == "T2-RULE")
        .expect("a T2-RULE finding");
    assert_eq!(rule["severity"], "error");
    assert_eq!(
        (rule["row"].as_str(), rule["column"].as_str()),
        (Some("rules"), Some("issued"))
    );
}

/// Runs SQL directly against the test database, as an intruder with database access would.
async fn raw_sql(url: &str, sql: &str) {
    let store = gongkai_store::Store::connect(url).await.unwrap();
    match store.pool() {
        gongkai_store::Pool::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        gongkai_store::Pool::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
    }
    .unwrap();
    store.close().await;
}

/// The rewrite the audit trail must survive: someone with database access (not the key file)
/// edits a record, deletes another, recomputes every hash and the head and deletes the
/// checkpoints in the database. `gongkai audit verify` finds it with the key file and the
/// checkpoint file written beside it.
async fn a_rewritten_audit_trail_is_caught_by_audit_verify(url: &str) {
    assert!(gongkai(url, &["demo"]).status.success());
    assert!(gongkai(url, &["audit", "checkpoint"]).status.success());
    let clean = gongkai(url, &["audit", "verify"]);
    assert!(clean.status.success(), "{clean:?}");
    assert!(stdout(&clean).contains("与1个检查点一致"), "{clean:?}");
    let store = gongkai_store::Store::connect(url).await.unwrap();
    gongkai_store::testing::rewrite_audit_chain(&store, 5, 7).await;
    store.close().await;
    let verify = gongkai(url, &["audit", "verify"]);
    assert_eq!(verify.status.code(), Some(1), "{verify:?}");
    assert!(
        String::from_utf8_lossy(&verify.stderr).contains("审计日志被篡改"),
        "{verify:?}"
    );
}

async fn accounts_agencies_and_audit_from_the_command_line(url: &str) {
    assert!(gongkai(url, &["demo"]).status.success());
    let first17 = "11370323004345217";
    let code = format!(
        "{first17}{}",
        gongkai_core::CreditCode::check_char(first17).unwrap()
    );
    let add = gongkai(
        url,
        &[
            "agency",
            "add",
            "--slug",
            "yiyuan-nanma",
            "--name",
            "沂源县南麻镇人民政府",
            "--credit-code",
            &code,
            "--kind",
            "town",
            "--parent",
            "yiyuan",
        ],
    );
    assert!(add.status.success(), "{add:?}");
    let list = stdout(&gongkai(url, &["agency", "list"]));
    assert!(
        list.contains("yiyuan\t") && list.contains("  yiyuan-nanma\t"),
        "{list}"
    );
    let cycle = gongkai(
        url,
        &["agency", "update", "yiyuan", "--parent", "yiyuan-nanma"],
    );
    assert_eq!(cycle.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&cycle.stderr).contains("下属机关"));

    users_and_audit_from_the_command_line(url).await;
}

async fn users_and_audit_from_the_command_line(url: &str) {
    let out = gongkai(url, &["user", "add", "zhangsan", "--name", "张三"]);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).contains("一次性密码"));
    assert!(
        gongkai(
            url,
            &[
                "user",
                "grant",
                "zhangsan",
                "--agency",
                "yiyuan-xili",
                "--role",
                "drafter"
            ]
        )
        .status
        .success()
    );
    let bad_role = gongkai(
        url,
        &[
            "user",
            "grant",
            "zhangsan",
            "--agency",
            "yiyuan-xili",
            "--role",
            "mayor",
        ],
    );
    assert_eq!(bad_role.status.code(), Some(2));
    let users = stdout(&gongkai(url, &["user", "list"]));
    assert!(
        users.contains("zhangsan\t张三") && users.contains("yiyuan-xili:drafter"),
        "{users}"
    );
    assert!(
        gongkai(
            url,
            &[
                "user",
                "revoke",
                "zhangsan",
                "--agency",
                "yiyuan-xili",
                "--role",
                "drafter"
            ]
        )
        .status
        .success()
    );
    assert!(
        gongkai(url, &["user", "passwd", "zhangsan"])
            .status
            .success()
    );

    let verify = gongkai(url, &["audit", "verify"]);
    assert!(verify.status.success(), "{verify:?}");
    assert!(stdout(&verify).contains("审计日志完整"));

    raw_sql(url, "UPDATE audit_log SET actor = '别人' WHERE id = 3").await;
    let verify = gongkai(url, &["audit", "verify"]);
    assert_eq!(verify.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&verify.stderr).contains("第3条"),
        "{verify:?}"
    );
}

#[tokio::test]
async fn accounts_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("a.db").display());
    accounts_agencies_and_audit_from_the_command_line(&url).await;
    // Deleting a row breaks the chain as well.
    let url2 = format!("sqlite://{}", dir.path().join("b.db").display());
    assert!(gongkai(&url2, &["demo"]).status.success());
    raw_sql(&url2, "DELETE FROM audit_log WHERE id = 7").await;
    let verify = gongkai(&url2, &["audit", "verify"]);
    assert_eq!(verify.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&verify.stderr).contains("第8条"),
        "{verify:?}"
    );
}

#[tokio::test]
async fn accounts_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    accounts_agencies_and_audit_from_the_command_line(&db.url).await;
}

#[tokio::test]
async fn a_rewrite_is_caught_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("r.db").display());
    a_rewritten_audit_trail_is_caught_by_audit_verify(&url).await;
}

#[tokio::test]
async fn a_rewrite_is_caught_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    a_rewritten_audit_trail_is_caught_by_audit_verify(&db.url).await;
}

const SEED: &str = "../../fixtures/xili-2024-annual-report.txt";

fn seed_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED)
}

#[test]
fn checking_the_seed_reports_its_missing_tables() {
    let out = gongkai("sqlite::memory:", &["check", seed_path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = stdout(&out);
    assert!(text.contains("沂源县西里镇人民政府2024年度报告"), "{text}");
    assert_eq!(text.matches("[S-MISSING-TABLE]").count(), 2, "{text}");

    let out = gongkai(
        "sqlite::memory:",
        &["check", "--format", "json", seed_path().to_str().unwrap()],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["year"], 2024);
    assert_eq!(v["table2"]["rules"]["issued"], serde_json::Value::Null);
    assert_eq!(
        v["table4"]["reconsideration"]["total"],
        serde_json::Value::Null
    );
    assert_eq!(v["table3"]["received"]["total"], 0);
    assert_eq!(v["table3"].as_object().unwrap().len(), 25);
}

#[test]
fn checking_a_folder_writes_a_summary_and_flags_unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    std::fs::create_dir_all(reports.join("2024")).unwrap();
    let db = format!("sqlite://{}", dir.path().join("d.db").display());
    assert!(gongkai(&db, &["demo"]).status.success());
    for (format, file) in [
        ("md", "xili.md"),
        ("html", "2024/xili.html"),
        ("json", "2024/xili.json"),
    ] {
        let out = gongkai(
            &db,
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
        std::fs::write(reports.join(file), &out.stdout).unwrap();
    }
    std::fs::copy(seed_path(), reports.join("seed.txt")).unwrap();
    std::fs::write(
        reports.join("notice.txt"),
        "关于召开会议的通知\n请准时参加。",
    )
    .unwrap();
    let summary = dir.path().join("summary");
    let out = gongkai(
        &db,
        &[
            "check",
            reports.to_str().unwrap(),
            "--summary",
            summary.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "one file is not a report: {out:?}"
    );
    assert!(stdout(&out).contains("已检查5份报告"), "{}", stdout(&out));

    let csv = std::fs::read_to_string(summary.with_extension("csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 6, "{csv}");
    assert!(lines[0].contains("S-MISSING-TABLE"));
    let row = |name: &str| lines.iter().find(|l| l.contains(name)).unwrap().to_owned();
    for own in ["xili.md", "xili.html", "xili.json"] {
        assert!(row(own).contains("无问题"), "{own}: {csv}");
    }
    assert!(row("seed.txt").contains("有问题"));
    assert!(row("notice.txt").contains("不是政府信息公开工作年度报告"));

    let mut book: Xlsx<_> = open_workbook(summary.with_extension("xlsx")).unwrap();
    let range = book.worksheet_range("检查汇总").unwrap();
    assert_eq!(range.height(), 6);
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    let missing_col = header.iter().position(|h| h == "S-MISSING-TABLE").unwrap();
    let seed_row = range
        .rows()
        .find(|r| r[0].to_string().ends_with("seed.txt"))
        .unwrap();
    assert_eq!(seed_row[missing_col].to_string(), "2");
    assert_eq!(seed_row[2].to_string(), "2024");
}

#[test]
fn an_imported_previous_year_makes_carry_over_checkable() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("i.db").display());
    assert!(gongkai(&url, &["demo"]).status.success());
    // The 2023 report, as published elsewhere, carried 2 requests into 2024.
    let other = format!("sqlite://{}", dir.path().join("other.db").display());
    assert!(gongkai(&other, &["demo"]).status.success());
    let md = gongkai(
        &other,
        &[
            "report",
            "--agency",
            "yiyuan-xili",
            "--year",
            "2023",
            "--format",
            "md",
        ],
    );
    let text = String::from_utf8(md.stdout)
        .unwrap()
        .replace(
            "| 四、结转下年度继续办理 |  |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
            "| 四、结转下年度继续办理 |  |  | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
        )
        .replace(
            "| 一、本年新收政府信息公开申请数量 |  |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
            "| 一、本年新收政府信息公开申请数量 |  |  | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
        );
    let file = dir.path().join("xili-2023.md");
    std::fs::write(&file, text).unwrap();
    let wrong_year = gongkai(
        &url,
        &[
            "import",
            "--agency",
            "yiyuan-xili",
            "--year",
            "2022",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(wrong_year.status.code(), Some(2));
    let out = gongkai(
        &url,
        &[
            "import",
            "--agency",
            "yiyuan-xili",
            "--year",
            "2023",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    // 2024 computed from records carries in 0: the 2 requests of 2023 are missing from gongkai.
    let out = gongkai(
        &url,
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
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let carry: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["relation"] == "T3-CARRY")
        .collect();
    assert_eq!(carry.len(), 2, "{carry:?}");
    assert_eq!(carry[0]["expected"], 2);

    // The XLSX export imports too.
    let xlsx = dir.path().join("xili-2023.xlsx");
    assert!(
        gongkai(
            &other,
            &[
                "report",
                "--agency",
                "yiyuan-xili",
                "--year",
                "2023",
                "--format",
                "xlsx",
                "--output",
                xlsx.to_str().unwrap()
            ]
        )
        .status
        .success()
    );
    let out = gongkai(
        &url,
        &[
            "import",
            "--agency",
            "yiyuan-xili",
            "--year",
            "2023",
            xlsx.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let out = gongkai(
        &url,
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
    assert!(
        out.status.success(),
        "after re-importing a 2023 with nothing carried, 2024 is clean: {}",
        stdout(&out)
    );
}

#[test]
fn deadline_and_fee_print_what_the_rules_give() {
    let json = |args: &[&str]| -> serde_json::Value {
        let out = gongkai("sqlite::memory:", args);
        assert!(out.status.success(), "{out:?}");
        serde_json::from_str(&stdout(&out)).unwrap()
    };
    let v = json(&["deadline", "--received", "2025-09-22", "--format", "json"]);
    assert_eq!(
        v,
        serde_json::json!({"due": "2025-10-24", "clarification_notice_due": "2025-09-30", "provisional": false})
    );
    let v = json(&[
        "deadline",
        "--received",
        "2025-03-03",
        "--clarification-requested",
        "2025-03-05",
        "--clarification-received",
        "2025-03-20",
        "--consultation",
        "2025-03-24:2025-03-28",
        "--extended",
        "--format",
        "json",
    ]);
    assert_eq!(v["due"], "2025-05-27");
    let v = json(&[
        "deadline",
        "--received",
        "2025-03-03",
        "--clarification-requested",
        "2025-03-05",
        "--format",
        "json",
    ]);
    assert_eq!(
        v["due"],
        serde_json::Value::Null,
        "the clock waits for the clarified request"
    );
    let v = json(&["deadline", "--received", "2026-12-20", "--format", "json"]);
    assert_eq!(v["provisional"], true);

    // A year announced after this release: drop its file in a folder.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("2027.txt"), "off 2027-01-01 元旦\n").unwrap();
    let v = json(&[
        "deadline",
        "--received",
        "2026-12-20",
        "--format",
        "json",
        "--holidays-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(v["provisional"], false);

    assert_eq!(
        json(&["fee", "--nth-in-month", "12"]),
        serde_json::json!({"amount_yuan": 100})
    );
    assert_eq!(
        json(&["fee", "--nth-in-month", "41"]),
        serde_json::json!({"amount_yuan": 300})
    );
    assert_eq!(
        json(&["fee", "--pages", "150"]),
        serde_json::json!({"amount_yuan": 1700})
    );
    let both = gongkai(
        "sqlite::memory:",
        &["fee", "--nth-in-month", "1", "--pages", "1"],
    );
    assert_eq!(
        both.status.code(),
        Some(2),
        "never both methods on one request"
    );
    let bad = gongkai("sqlite::memory:", &["deadline", "--received", "2025-02-30"]);
    assert_eq!(bad.status.code(), Some(2));
}

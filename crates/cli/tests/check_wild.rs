//! `gongkai check` on reports as they are found: by address, a whole 年报 column crawled from a
//! local server serving saved pages, and hostile files (zip bombs) refused quickly and in little
//! memory.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};
use std::sync::Arc;

fn gongkai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .env("GONGKAI_DATABASE_URL", "sqlite::memory:")
        .env("GONGKAI_LOG", "warn")
        .output()
        .expect("run gongkai")
}

fn realdata(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/realdata/reports")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A report page as a site serves it: the crawled text inside HTML.
fn page(text: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!("<!doctype html><html><head><meta charset=\"utf-8\"></head><body><div class=\"article\"><p>{text}</p></div></body></html>").into_bytes()
}

/// Serves `pages` on 127.0.0.1 until the test ends; returns the port.
fn serve(pages: HashMap<&'static str, (&'static str, Vec<u8>)>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let pages = Arc::new(pages);
    std::thread::spawn(move || {
        for stream in listener.incoming().take(200) {
            let Ok(mut stream) = stream else { continue };
            let pages = Arc::clone(&pages);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut first = String::new();
                if reader.read_line(&mut first).is_err() {
                    return;
                }
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = first.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let (status, kind, body) = match pages.get(path.as_str()) {
                    Some((kind, body)) => ("200 OK", *kind, body.clone()),
                    None => ("404 Not Found", "text/plain", b"not found".to_vec()),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            });
        }
    });
    port
}

fn column_site() -> u16 {
    let html = "text/html; charset=utf-8";
    let mut pages = HashMap::new();
    pages.insert(
        "/nb/index.html",
        (html, "<ul><li><a href=\"2021.html\">平潭综合实验区2021年度政府信息公开工作年度报告</a></li>\
          <li><a href='/nb/2020.html' title='x'>平潭综合实验区2020年度政府信息公开工作年度报告</a></li>\
          <li><a href=\"http://example.invalid/other.html\">2022年政府信息公开工作年度报告（外站）</a></li></ul>\
          <a href=\"index_1.html\">下一页</a>".as_bytes().to_vec()),
    );
    pages.insert(
        "/nb/index_1.html",
        (html, "<a href=\"/nb/hz/2023.html\"><span>洪泽区人民政府2023年政府信息公开工作年度报告</span></a>\
          <a href=\"index.html\">上一页</a>".as_bytes().to_vec()),
    );
    pages.insert(
        "/nb/2021.html",
        (html, page(&realdata("pingtan-2021.page.txt"))),
    );
    pages.insert(
        "/nb/2020.html",
        (html, page(&realdata("pingtan-2020-oldformat.page.txt"))),
    );
    pages.insert(
        "/nb/hz/2023.html",
        (html, "<p>洪泽区人民政府2023年政府信息公开工作年度报告</p><p>附件：<a href=\"../../files/hz2023.pdf\">2023年报.pdf</a></p>".as_bytes().to_vec()),
    );
    pages.insert(
        "/files/hz2023.pdf",
        ("application/pdf", realdata("hongze-2023.pdf")),
    );
    serve(pages)
}

#[test]
fn a_published_page_is_checked_by_its_address() {
    let port = column_site();
    let out = gongkai(&["check", &format!("http://127.0.0.1:{port}/nb/2020.html")]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(text.contains("平潭综合实验区2020年度报告"), "{text}");
    assert_eq!(text.matches("[T3-SUM]").count(), 2, "{text}");
    let missing = gongkai(&["check", &format!("http://127.0.0.1:{port}/nb/none.html")]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("404"));
}

#[test]
fn a_whole_column_is_crawled_checked_and_summarised() {
    let port = column_site();
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("column");
    let out = gongkai(&[
        "check",
        "--crawl",
        &format!("http://127.0.0.1:{port}/nb/index.html"),
        "--summary",
        summary.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("已检查4份报告"), "{out:?}");
    let csv = std::fs::read_to_string(summary.with_extension("csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 5, "{csv}");
    let header: Vec<&str> = lines[0].trim_start_matches('\u{feff}').split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let row = |end: &str| -> Vec<&str> {
        lines
            .iter()
            .find(|l| {
                l.starts_with(&format!("http://127.0.0.1:{port}"))
                    && l.split(',').next().unwrap().ends_with(end)
            })
            .unwrap_or_else(|| panic!("{end}: {csv}"))
            .split(',')
            .collect()
    };
    let r2020 = row("/nb/2020.html");
    assert_eq!(r2020[col("T3-SUM")], "2");
    assert_eq!(r2020[col("已读格")], "190");
    let pdf = row("/files/hz2023.pdf");
    assert_eq!(pdf[col("年度")], "2023", "{csv}");
    assert_eq!(pdf[col("已读格")], "190", "{csv}");
    assert_eq!(pdf[col("T4-SUM")], "2", "{csv}");
    let r2021 = row("/nb/2021.html");
    assert_eq!(r2021[col("错误")], "0", "{csv}");
    // The report page that only links its PDF is listed, and is not itself a report.
    assert!(row("/nb/hz/2023.html")[col("状态")].contains("不是政府信息公开工作年度报告"));
    assert!(
        !csv.contains("example.invalid"),
        "other hosts are not fetched"
    );
}

/// A DOCX whose document part is `repeats` copies of an empty paragraph: tiny zipped, huge
/// unzipped.
fn docx_bomb(repeats: usize) -> Vec<u8> {
    use std::io::Cursor;
    let mut buf = Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("[Content_Types].xml", opts).unwrap();
        zip.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>").unwrap();
        zip.start_file("word/document.xml", opts).unwrap();
        zip.write_all(b"<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>").unwrap();
        let chunk = "<w:p><w:r><w:t>年</w:t></w:r></w:p>".repeat(1000);
        for _ in 0..repeats / 1000 {
            zip.write_all(chunk.as_bytes()).unwrap();
        }
        zip.write_all(b"</w:body></w:document>").unwrap();
        zip.finish().unwrap();
    }
    buf.into_inner()
}

fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[test]
fn docx_zip_bombs_are_refused_quickly_in_little_memory() {
    let dir = tempfile::tempdir().unwrap();
    // ~20 MB and ~100 MB of repeated paragraphs.
    for (name, repeats) in [("bomb20.docx", 560_000), ("bomb100.docx", 2_800_000)] {
        let bytes = docx_bomb(repeats);
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let started = std::time::Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .args(["check", path.to_str().unwrap()])
            .env("GONGKAI_DATABASE_URL", "sqlite::memory:")
            .env("GONGKAI_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id();
        let mut peak = 0;
        let status = loop {
            if let Some(kb) = peak_rss_kb(pid) {
                peak = peak.max(kb);
            }
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            assert!(started.elapsed().as_secs() < 10, "{name} still running");
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        let elapsed = started.elapsed();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        eprintln!(
            "{name}: {} KB zipped, refused in {:?}, peak RSS {} MB",
            bytes.len() / 1024,
            elapsed,
            peak / 1024
        );
        assert_eq!(status.code(), Some(2), "{err}");
        assert!(
            err.contains("压缩炸弹") || err.contains("拒绝读取"),
            "{err}"
        );
        assert!(elapsed.as_secs_f64() < 2.0, "{name}: {elapsed:?}");
        assert!(peak < 100 * 1024, "{name}: peak RSS {peak} KB");
    }
}

#[path = "common/mod.rs"]
mod common;

/// One raw HTTP/1.0 exchange with the server on `port`: the whole answer as text.
fn exchange(port: u16, request: &[u8]) -> String {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

fn rss_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

#[test]
fn three_zip_bombs_to_the_server_are_refused_while_health_answers() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("g.db").display());
    let port = common::free_port();
    let server = common::Server(common::start(
        &url,
        port,
        &dir.path().join("search"),
        &["--demo"],
    ));
    let pid = server.0.id();
    // The form's token and the cookie it belongs to.
    let form = exchange(port, b"GET /check HTTP/1.0\r\n\r\n");
    let cookie = form
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_owned();
    let at = form.find(r#"name="csrf" value=""#).unwrap() + r#"name="csrf" value=""#.len();
    let token = form[at..].split('"').next().unwrap().to_owned();
    let bomb = docx_bomb(2_800_000);
    let boundary = "bomb-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bomb.docx\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&bomb);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut request = format!(
        "POST /check HTTP/1.0\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(&body);
    let request = Arc::new(request);
    let before = rss_kb(pid, "VmRSS:");
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let health = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut slowest = std::time::Duration::ZERO;
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                let started = std::time::Instant::now();
                let answer = exchange(port, b"GET /healthz HTTP/1.0\r\n\r\n");
                assert!(answer.contains("200 OK"), "{answer}");
                slowest = slowest.max(started.elapsed());
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            slowest
        })
    };
    let bombs: Vec<_> = (0..3)
        .map(|_| {
            let request = request.clone();
            std::thread::spawn(move || {
                let started = std::time::Instant::now();
                let answer = exchange(port, &request);
                (answer, started.elapsed())
            })
        })
        .collect();
    for b in bombs {
        let (answer, took) = b.join().unwrap();
        assert!(
            answer.starts_with("HTTP/1.0 422"),
            "{}",
            &answer[..answer.len().min(300)]
        );
        assert!(answer.contains("拒绝读取"), "refused in Chinese");
        assert!(took.as_secs_f64() < 2.0, "refused within 2 s: {took:?}");
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let slowest = health.join().unwrap();
    let peak = rss_kb(pid, "VmHWM:");
    eprintln!(
        "3 bombs of {} KB: health slowest {slowest:?}, RSS before {} MB, peak {} MB",
        bomb.len() / 1024,
        before / 1024,
        peak / 1024
    );
    assert!(slowest.as_secs_f64() < 1.0, "/healthz took {slowest:?}");
    assert!(
        peak.saturating_sub(before) < 100 * 1024,
        "extra RSS {} MB",
        peak.saturating_sub(before) / 1024
    );
}

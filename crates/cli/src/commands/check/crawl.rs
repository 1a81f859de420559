//! Fetching published reports: one page by address, or a whole 年报 column — its list pages
//! (下一页, `index_N.html`) to every report page and the PDF/DOCX attachments those pages link.
//! Bounded: same host only, at most [`MAX_LIST_PAGES`] list pages and [`MAX_DOCUMENTS`] documents,
//! each response capped at the reader's input limit.

use std::collections::HashSet;
use std::sync::LazyLock;

use anyhow::{Context, Result};
use gongkai_docs::parse::{ParseError, SourceKind, limits};
use regex::Regex;
use reqwest::Url;

use super::Document;

/// Most list pages followed in one column.
pub const MAX_LIST_PAGES: usize = 50;
/// Most report pages and attachments taken from one column.
pub const MAX_DOCUMENTS: usize = 500;

static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)<a\b[^>]*?\bhref\s*=\s*["']?([^"'\s>]+)["']?[^>]*>(.*?)</a\s*>"#)
        .expect("valid pattern")
});
static TAGS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<[^>]*>").expect("valid pattern"));
static REPORT_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:19|20)\d{2}\s*年.{0,40}?(?:政府信息公开|政务公开).{0,10}?(?:年度报告|年报)")
        .expect("valid pattern")
});
static NEXT_PAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:下一页|下页|后一页|>|›|»)$").expect("valid pattern"));
static LIST_HREF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)index_\d+\.s?html?$").expect("valid pattern"));
static ATTACHMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\.(?:pdf|docx|xlsx)(?:$|\?)").expect("valid pattern"));

/// An HTTP client with a time limit (rustls; no system TLS library).
pub fn client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .user_agent("gongkai-check")
        .build()
        .context("创建 HTTP 客户端")
}

/// Fetches one document, capped at the reader's input limit; the kind comes from the response's
/// content type or the address.
pub async fn fetch(client: &reqwest::Client, address: &str) -> Result<Document, ParseError> {
    let unreadable = |e: String| ParseError::Unreadable(format!("{address}：{e}"));
    let mut resp = client
        .get(address)
        .send()
        .await
        .map_err(|e| unreadable(format!("无法访问（{e}）")))?;
    if !resp.status().is_success() {
        return Err(unreadable(format!("服务器回答 {}", resp.status())));
    }
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut bytes = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| unreadable(format!("下载中断（{e}）")))?
    {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > limits::MAX_INPUT {
            return Err(ParseError::Refused(format!(
                "{address}：文件超过{} MB",
                limits::MAX_INPUT / 1024 / 1024
            )));
        }
    }
    let path = Url::parse(address)
        .map(|u| u.path().to_owned())
        .unwrap_or_default();
    let kind = if content_type.contains("pdf") {
        SourceKind::Pdf
    } else if content_type.contains("wordprocessingml") {
        SourceKind::Docx
    } else if content_type.contains("spreadsheetml") {
        SourceKind::Xlsx
    } else {
        SourceKind::from_path(std::path::Path::new(&path)).unwrap_or(SourceKind::Html)
    };
    Ok(Document {
        name: address.to_owned(),
        bytes,
        kind,
    })
}

/// What a 年报 column holds.
#[derive(Debug, Default)]
pub struct Column {
    /// Report pages (HTML).
    pub pages: Vec<String>,
    /// Attachments (PDF/DOCX/XLSX) linked from the list or the report pages.
    pub attachments: Vec<String>,
}

fn links(base: &Url, html: &str) -> Vec<(Url, String)> {
    LINK.captures_iter(html)
        .filter_map(|c| {
            let href = c[1].replace("&amp;", "&");
            let url = base.join(&href).ok()?;
            let text = TAGS.replace_all(&c[2], "").trim().to_owned();
            Some((url, text))
        })
        .filter(|(u, _)| matches!(u.scheme(), "http" | "https"))
        .collect()
}

/// Follows a column's list pages and collects its report pages, then the attachments each
/// report page links.
pub async fn column(client: &reqwest::Client, start: &str) -> Result<Column> {
    let start = Url::parse(start).with_context(|| format!("栏目地址无效：{start}"))?;
    let host = start.host_str().unwrap_or("").to_owned();
    let same_host = |u: &Url| u.host_str() == Some(host.as_str());
    let mut out = Column::default();
    let mut seen: HashSet<Url> = HashSet::new();
    let mut queue = vec![start.clone()];
    let mut lists = 0;
    while let Some(page) = queue.pop() {
        if lists >= MAX_LIST_PAGES || !seen.insert(page.clone()) {
            continue;
        }
        lists += 1;
        let doc = fetch(client, page.as_str())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let html = String::from_utf8_lossy(&doc.bytes).into_owned();
        for (url, text) in links(&page, &html) {
            if !same_host(&url) || out.pages.len() + out.attachments.len() >= MAX_DOCUMENTS {
                continue;
            }
            let s = url.to_string();
            if ATTACHMENT.is_match(url.path()) && REPORT_TITLE.is_match(&text) {
                if !out.attachments.contains(&s) {
                    out.attachments.push(s);
                }
            } else if REPORT_TITLE.is_match(&text) {
                if !out.pages.contains(&s) {
                    out.pages.push(s);
                }
            } else if NEXT_PAGE.is_match(&text) || LIST_HREF.is_match(url.path()) {
                queue.push(url);
            }
        }
    }
    // Attachments linked from each report page (the report is often only the PDF).
    let mut more = Vec::new();
    for page in &out.pages {
        let Ok(base) = Url::parse(page) else { continue };
        let Ok(doc) = fetch(client, page).await else {
            continue;
        };
        let html = String::from_utf8_lossy(&doc.bytes).into_owned();
        for (url, _) in links(&base, &html) {
            let s = url.to_string();
            if same_host(&url)
                && ATTACHMENT.is_match(url.path())
                && !out.attachments.contains(&s)
                && !more.contains(&s)
            {
                more.push(s);
            }
        }
    }
    out.attachments.extend(more);
    out.attachments.truncate(MAX_DOCUMENTS);
    Ok(out)
}

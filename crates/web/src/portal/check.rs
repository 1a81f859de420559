//! The public report checker: paste a report's text or upload its file, see what was read and
//! every finding. Nothing is stored.

use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;
use gongkai_docs::parse::{ParseError, SourceKind, check_file};
use minijinja::context;
use minijinja::value::Serde;

use crate::error::AppError;
use crate::session::PublicForm;
use crate::views::FindingRow;

/// Documents being read at once; more wait for nothing and are told to come back.
static CHECKS_RUNNING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
/// At most this many documents are read at once (each within the reader's memory and time limits).
const MAX_CHECKS_RUNNING: usize = 4;

/// A place among the documents being read, given back when dropped.
struct CheckSlot;

impl CheckSlot {
    fn take() -> Option<Self> {
        use std::sync::atomic::Ordering;
        if CHECKS_RUNNING.fetch_add(1, Ordering::SeqCst) >= MAX_CHECKS_RUNNING {
            CHECKS_RUNNING.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Self)
    }
}

impl Drop for CheckSlot {
    fn drop(&mut self) {
        CHECKS_RUNNING.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// The checker form.
pub async fn form(public: PublicForm) -> Result<Response, AppError> {
    public.render(StatusCode::OK, "portal/check.html", context! {})
}

/// Checks a pasted text or an uploaded file.
pub async fn submit(public: PublicForm, mut multipart: Multipart) -> Result<Response, AppError> {
    let mut text = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    // A cut-off or malformed upload is refused for what it is (400), a large one with 413.
    while let Some(field) = multipart.next_field().await? {
        match field.name() {
            Some("text") => text = field.text().await?,
            Some("file") => {
                let name = field.file_name().unwrap_or("report.txt").to_owned();
                let bytes = field.bytes().await?;
                if !bytes.is_empty() {
                    file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    let (name, bytes, kind) = match file {
        Some((name, bytes)) => {
            let kind =
                SourceKind::from_path(std::path::Path::new(&name)).unwrap_or(SourceKind::Text);
            (name, bytes, kind)
        }
        None if !text.trim().is_empty() => {
            ("pasted.txt".to_owned(), text.into_bytes(), SourceKind::Text)
        }
        None => {
            let error = "请粘贴报告全文，或选择报告文件（.txt、.html、.docx 或 .json）。";
            return public.render(
                StatusCode::UNPROCESSABLE_ENTITY,
                "portal/check.html",
                context! { error },
            );
        }
    };
    // Reading a document is CPU work: off the async workers, and only a few at once.
    let Some(_slot) = CheckSlot::take() else {
        let error = "检查服务正忙，请稍后再试。";
        return public.render(
            StatusCode::SERVICE_UNAVAILABLE,
            "portal/check.html",
            context! { error },
        );
    };
    let result = tokio::task::spawn_blocking(move || check_file(&bytes, kind, &name, None))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let checked = match result {
        Ok(c) => c,
        Err(e) => {
            let error = match e {
                ParseError::NotAReport(why) => {
                    format!("这不像是一份政府信息公开工作年度报告：{why}。")
                }
                ParseError::Unreadable(why) => format!("无法读取文件：{why}。"),
                ParseError::Refused(why) => format!("拒绝读取这个文件：{why}。"),
            };
            return public.render(
                StatusCode::UNPROCESSABLE_ENTITY,
                "portal/check.html",
                context! { error },
            );
        }
    };
    let rows: Vec<FindingRow> = checked.findings.iter().map(FindingRow::from).collect();
    let r = &checked.report;
    let article = gongkai_docs::html_fragment(r).map_err(|e| AppError::Internal(e.into()))?;
    public.render(
        StatusCode::OK,
        "portal/check.html",
        context! {
            result => context! {
                agency => r.agency.name.clone(),
                year => r.year,
                format => r.format.key(),
                errors => rows.iter().filter(|x| x.severity == "错误").count(),
                warnings => rows.iter().filter(|x| x.severity == "提示").count(),
            },
            findings => Serde(rows),
            article => minijinja::Value::from_safe_string(article),
        },
    )
}

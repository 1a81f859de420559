//! The annual report's downloads (`report.pdf`, `.docx`, …) of published versions, made once.
//!
//! A published version never changes (a correction is a new version), so its files are the same
//! bytes every time. Made on every request, a PDF took LibreOffice 1.4–2 s of CPU: four
//! connections asking for one held the site's other pages at up to a second, and a crawler taking
//! every year's files would have done so for as long as it crawled. Here each file is made once,
//! by the first request (the others asking meanwhile wait for it, not start their own), off the
//! async workers, and at most one LibreOffice runs at a time. The JSON file lists the findings of
//! the cross-checks as they stand (last year's report may since have been published, and the period
//! check moves with the date), so it is kept only while the database's version and the date are
//! unchanged. Previews (staff, before publication) are made anew every time: the records change.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use chrono::NaiveDate;
use gongkai_core::report::AnnualReport;
use gongkai_docs::Format;
use tokio::sync::{OnceCell, Semaphore};

use crate::error::AppError;

/// The bytes kept at most; past it the files made longest ago are let go (made again when asked
/// for). A town's files of one version are about 350 KB in all.
const KEPT_BYTES: usize = 32 * 1024 * 1024;

/// One file of one published version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct FileKey {
    pub slug: String,
    pub year: i32,
    pub version: i32,
    pub format: Format,
    /// For a file with findings: the database's version and the date they were checked under.
    pub checked: Option<(i64, NaiveDate)>,
}

impl FileKey {
    /// The same file of the same version, whatever it was checked under.
    fn same_file(&self, other: &Self) -> bool {
        (&self.slug, self.year, self.version, self.format)
            == (&other.slug, other.year, other.version, other.format)
    }
}

#[derive(Default)]
struct Made {
    cells: HashMap<FileKey, Arc<OnceCell<Bytes>>>,
    /// Keys in the order their cells were made, for letting the oldest go.
    order: VecDeque<FileKey>,
    /// Sizes of the cells that hold their file.
    sizes: HashMap<FileKey, usize>,
    bytes: usize,
}

impl Made {
    fn forget(&mut self, key: &FileKey) {
        self.cells.remove(key);
        self.order.retain(|k| k != key);
        if let Some(n) = self.sizes.remove(key) {
            self.bytes -= n;
        }
    }
}

/// The files made so far, and the one LibreOffice allowed at a time.
pub(crate) struct ReportFiles {
    made: Mutex<Made>,
    converting: Semaphore,
}

impl Default for ReportFiles {
    fn default() -> Self {
        Self {
            made: Mutex::default(),
            converting: Semaphore::const_new(1),
        }
    }
}

impl ReportFiles {
    /// The file of a published version: kept, or made now (once, whoever else asks meanwhile).
    pub(crate) async fn published(
        &self,
        key: FileKey,
        report: &AnnualReport,
        findings: impl AsyncFnOnce() -> Result<Vec<gongkai_core::report::Finding>, AppError>,
    ) -> Result<Bytes, AppError> {
        let cell = {
            let mut made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(cell) = made.cells.get(&key) {
                cell.clone()
            } else {
                // The same file checked under an earlier version of the database is stale: let
                // it go now, or every write would leave one behind until the bound.
                if key.checked.is_some() {
                    let stale: Vec<FileKey> = made
                        .cells
                        .keys()
                        .filter(|k| k.checked.is_some() && k.same_file(&key))
                        .cloned()
                        .collect();
                    for k in &stale {
                        made.forget(k);
                    }
                }
                let cell = Arc::new(OnceCell::new());
                made.cells.insert(key.clone(), cell.clone());
                made.order.push_back(key.clone());
                cell
            }
        };
        let format = key.format;
        // Counted once, by the request that made it: a kept file is served without taking the
        // lock a second time.
        let mut made_here = false;
        let bytes = cell
            .get_or_try_init(async || {
                let findings = if key.checked.is_some() {
                    findings().await?
                } else {
                    Vec::new()
                };
                made_here = true;
                self.make(format, report.clone(), findings).await
            })
            .await?
            .clone();
        if made_here {
            self.account(&key, bytes.len());
        }
        Ok(bytes)
    }

    /// A file made now, not kept (a preview's).
    pub(crate) async fn make(
        &self,
        format: Format,
        report: AnnualReport,
        findings: Vec<gongkai_core::report::Finding>,
    ) -> Result<Bytes, AppError> {
        // LibreOffice one at a time: each takes a core for a second or two.
        let _turn = match format {
            Format::Pdf => Some(
                self.converting
                    .acquire()
                    .await
                    .map_err(|e| AppError::Internal(e.into()))?,
            ),
            _ => None,
        };
        // Off the async workers: a DOCX or a workbook is milliseconds of CPU, a PDF a process
        // waited for.
        tokio::task::spawn_blocking(move || gongkai_docs::render(format, &report, &findings))
            .await
            .map_err(|e| AppError::Internal(e.into()))?
            .map(Bytes::from)
            .map_err(|e| AppError::Internal(e.into()))
    }

    #[cfg(test)]
    fn holds(&self, key: &FileKey) -> bool {
        let made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
        made.cells.contains_key(key)
    }

    /// Counts the file just made under `key`, and lets the oldest go past [`KEPT_BYTES`].
    fn account(&self, key: &FileKey, len: usize) {
        let mut made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
        // Let go meanwhile (a newer check of the same file), or counted already (a cell let go
        // and made again under the same key while this one was being made): nothing to count.
        if !made.cells.contains_key(key) || made.sizes.contains_key(key) {
            return;
        }
        made.sizes.insert(key.clone(), len);
        made.bytes += len;
        while made.bytes > KEPT_BYTES && made.order.len() > 1 {
            let Some(old) = made.order.front().cloned() else {
                break;
            };
            made.forget(&old);
        }
    }

    #[cfg(test)]
    fn kept(&self) -> (usize, usize) {
        let made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
        (made.cells.len(), made.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(year: i32, format: Format) -> FileKey {
        FileKey {
            slug: "town".to_owned(),
            year,
            version: 1,
            format,
            checked: None,
        }
    }

    /// A report of no records (an office's report over no members).
    fn report(year: i32) -> AnnualReport {
        let agency = gongkai_core::AgencyRef {
            slug: gongkai_core::Slug::parse("town").unwrap(),
            name: "西里镇人民政府".to_owned(),
        };
        gongkai_core::report::aggregate(&agency, year, &[])
    }

    #[tokio::test]
    async fn a_file_is_made_once_and_served_again() {
        let files = ReportFiles::default();
        let r = report(2024);
        let first = files
            .published(key(2024, Format::Markdown), &r, async || Ok(Vec::new()))
            .await
            .unwrap();
        // Another report under the same key: the kept bytes, not a new file.
        let other = report(2023);
        let again = files
            .published(key(2024, Format::Markdown), &other, async || Ok(Vec::new()))
            .await
            .unwrap();
        assert_eq!(first, again);
        assert_eq!(files.kept(), (1, first.len()));
        // Another year is another file.
        let next = files
            .published(key(2023, Format::Markdown), &other, async || Ok(Vec::new()))
            .await
            .unwrap();
        assert_ne!(first, next);
        assert_eq!(files.kept(), (2, first.len() + next.len()));
    }

    #[tokio::test]
    async fn findings_are_asked_for_only_where_the_file_lists_them() {
        let files = ReportFiles::default();
        let r = report(2024);
        files
            .published(key(2024, Format::Markdown), &r, async || {
                panic!("a Markdown file has no findings")
            })
            .await
            .unwrap();
        let checked = FileKey {
            checked: Some((7, NaiveDate::from_ymd_opt(2025, 3, 1).unwrap())),
            ..key(2024, Format::Json)
        };
        let asked = std::sync::atomic::AtomicUsize::new(0);
        for _ in 0..2 {
            files
                .published(checked.clone(), &r, async || {
                    asked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    Ok(Vec::new())
                })
                .await
                .unwrap();
        }
        assert_eq!(asked.into_inner(), 1);
    }

    #[tokio::test]
    async fn a_file_checked_anew_replaces_the_one_checked_before() {
        let files = ReportFiles::default();
        let r = report(2024);
        let on = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        let at = |v| FileKey {
            checked: Some((v, on)),
            ..key(2024, Format::Json)
        };
        let pdf_like = key(2024, Format::Markdown);
        files
            .published(pdf_like.clone(), &r, async || Ok(Vec::new()))
            .await
            .unwrap();
        for v in 1..=50 {
            files
                .published(at(v), &r, async || Ok(Vec::new()))
                .await
                .unwrap();
        }
        // Only the latest check is kept, beside the other file.
        assert!(files.holds(&at(50)) && !files.holds(&at(49)));
        assert!(files.holds(&pdf_like));
        let (n, bytes) = files.kept();
        assert_eq!(n, 2);
        let one = files
            .published(at(50), &r, async || Ok(Vec::new()))
            .await
            .unwrap()
            .len();
        let md = files
            .published(pdf_like, &r, async || Ok(Vec::new()))
            .await
            .unwrap()
            .len();
        assert_eq!(bytes, one + md);
    }

    #[tokio::test]
    async fn a_failed_file_is_not_kept() {
        let files = ReportFiles::default();
        let checked = FileKey {
            checked: Some((7, NaiveDate::from_ymd_opt(2025, 3, 1).unwrap())),
            ..key(2024, Format::Json)
        };
        let r = report(2024);
        let failed = files
            .published(checked.clone(), &r, async || {
                Err(AppError::Internal(anyhow::anyhow!("数据库不可用")))
            })
            .await;
        assert!(failed.is_err());
        assert_eq!(files.kept().1, 0);
        // The next request tries again.
        assert!(
            files
                .published(checked, &r, async || Ok(Vec::new()))
                .await
                .is_ok()
        );
    }

    #[test]
    fn the_oldest_files_go_past_the_bound() {
        let files = ReportFiles::default();
        let half = KEPT_BYTES / 2 + 1;
        for year in [2021, 2022, 2023] {
            let k = key(year, Format::Docx);
            {
                let mut made = files.made.lock().unwrap();
                made.cells.insert(k.clone(), Arc::new(OnceCell::new()));
                made.order.push_back(k.clone());
            }
            files.account(&k, half);
        }
        // Two halves pass the bound: only the newest is kept.
        assert_eq!(files.kept(), (1, half));
        assert!(
            files
                .made
                .lock()
                .unwrap()
                .cells
                .contains_key(&key(2023, Format::Docx))
        );
    }
}

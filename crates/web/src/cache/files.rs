//! Rendered pages kept on disk (静态化): the page cache's second shelf, for the pages there are
//! too many of to keep in memory. A crawler or a search engine asks for each of 100,000 item
//! pages once; the memory cache keeps a page only from its second request, and could not hold
//! them all within its bound anyway. Here every page registered with
//! [`Routes::stored_page`](crate::Routes) is written to disk once it is rendered, and read from
//! there by whoever asks next, until the data changes: one read instead of the database's
//! statement and the template.
//!
//! Freshness is the memory cache's: a page carries the version it was rendered under (the
//! database's, this process's writes, and the day, for pages that say whether a document is still
//! in force), and is served only under that version; an older one is rendered again and written
//! anew. What the folder holds is derived data: it is emptied at every start (the templates may
//! have changed with the program), and a process needs a folder of its own, as it does for the
//! search index.
//!
//! Layout: pages are appended to segment files of [`SEGMENT_BYTES`], and an index in memory
//! (about 40 bytes a page) says where each key's newest page lies. A file per page cost more
//! to write than the page cost to render (creating and renaming a file is a journal entry each),
//! and every crawler's first pass is all writes; an append is one `write`, a read one `pread`.
//! A page is indexed only once it is written whole. Bound: [`MAX_SEGMENTS`] segments; past it
//! the oldest segment goes, with the pages in it.

use std::collections::{HashMap, VecDeque};
use std::io::Write as _;
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use axum::body::Bytes;
use axum::http::{HeaderName, HeaderValue};

use super::Page;

/// Size of a segment file: past it, pages go to a new one.
pub const SEGMENT_BYTES: u64 = 64 << 20;

/// Segments kept: past them, the oldest goes (2 GB in all).
pub const MAX_SEGMENTS: usize = 32;

/// Pages waiting to be written: past them, a page is not written (the next visitor renders it
/// again, and it is queued then).
const QUEUE: usize = 1024;

/// The first bytes of every page, and of the marker that names a folder as ours.
const MAGIC: &[u8] = b"gongkai-page-files 2\n";

/// The file that marks a folder as page files: only such a folder (or an empty one) is emptied.
const MARKER: &str = "GONGKAI-PAGE-FILES";

/// What a lookup found.
pub(crate) enum Lookup {
    /// The page, rendered under the version asked for.
    Found(Page),
    /// A page of an older version (or one unreadable): to be rendered and written anew.
    Stale,
    /// None.
    Missing,
}

/// Where a key's newest page lies.
#[derive(Debug, Clone, Copy)]
struct Slot {
    segment: u64,
    offset: u64,
    len: usize,
    /// A hash of the version it was rendered under: an older page is known without reading it.
    version: u64,
}

/// The index and the segments it points into.
#[derive(Debug, Default)]
struct Index {
    /// By a hash of the key (the page holds its key in full: two keys of one hash share a slot,
    /// and each finds the other's page is not its own).
    slots: HashMap<u64, Slot>,
    /// Open for reading, oldest first, numbered from `first`.
    segments: VecDeque<Arc<std::fs::File>>,
    first: u64,
}

impl Index {
    fn segment(&self, number: u64) -> Option<&Arc<std::fs::File>> {
        self.segments
            .get(usize::try_from(number.checked_sub(self.first)?).ok()?)
    }
}

/// The folder of page files of one server process.
#[derive(Debug)]
pub struct PageFiles {
    dir: PathBuf,
    index: Arc<RwLock<Index>>,
    /// To the thread that writes.
    queue: std::sync::mpsc::SyncSender<(u64, u64, Vec<u8>)>,
    /// Whether a full queue was reported (once).
    behind: AtomicBool,
    /// The marker, locked while this process runs: a second process given the same folder
    /// would empty it under the first.
    _lock: std::fs::File,
}

/// Why a folder cannot hold page files.
#[derive(Debug, thiserror::Error)]
pub enum PageFilesError {
    /// The folder holds something else: emptying it could destroy someone's files.
    #[error(
        "页面文件目录 {0} 不是空目录，也不是 gongkai 的页面文件目录（其中没有 {MARKER}）：为免删除其中的文件，请另指一个目录（--pages-dir）"
    )]
    NotOurs(PathBuf),
    /// Another process has the folder (each needs its own, as for the search index).
    #[error(
        "页面文件目录 {0} 已被另一个 gongkai serve 使用：同一台机器上的每个服务进程须有自己的目录，请用 --pages-dir（或 GONGKAI_PAGES_DIR）另指一个"
    )]
    InUse(PathBuf),
    /// The folder could not be made or emptied.
    #[error("页面文件目录 {0}：{1}")]
    Io(PathBuf, std::io::Error),
}

/// A key's or version's hash (the memory cache's doorkeeper hashes its keys with it too).
pub(super) fn hash(value: &str) -> u64 {
    use std::hash::{BuildHasher as _, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(value)
}

impl PageFiles {
    /// Opens `dir` for this process's page files, emptying what an earlier run left. A folder
    /// that is neither empty nor marked as page files is refused: the setting may name the wrong
    /// folder, and what it holds is not ours to delete.
    pub fn open(dir: &Path) -> Result<Self, PageFilesError> {
        let io = |e| PageFilesError::Io(dir.to_path_buf(), e);
        std::fs::create_dir_all(dir).map_err(io)?;
        let marked = dir.join(MARKER).is_file();
        if !marked && std::fs::read_dir(dir).map_err(io)?.next().is_some() {
            return Err(PageFilesError::NotOurs(dir.to_path_buf()));
        }
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(MARKER))
            .map_err(io)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(PageFilesError::InUse(dir.to_path_buf()));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            if entry.file_name() == MARKER {
                continue;
            }
            let path = entry.path();
            if entry.file_type().map_err(io)?.is_dir() {
                std::fs::remove_dir_all(&path).map_err(io)?;
            } else {
                std::fs::remove_file(&path).map_err(io)?;
            }
        }
        (&lock).write_all(MAGIC).map_err(io)?;
        let index = Arc::new(RwLock::new(Index::default()));
        let mut writer = Writer::start(dir, &index, SEGMENT_BYTES, MAX_SEGMENTS).map_err(io)?;
        // One thread writes, in the order pages come: a write on the runtime's threads would
        // hold a visitor's request.
        let (queue, pages) = std::sync::mpsc::sync_channel::<(u64, u64, Vec<u8>)>(QUEUE);
        std::thread::Builder::new()
            .name("page-files".into())
            .spawn(move || {
                // Reported when writing starts to fail and when it works again, not at every
                // page: a full disk would fill the log with one line a request.
                let mut failing = false;
                for (key, version, bytes) in pages {
                    match writer.append(key, version, &bytes) {
                        Err(e) if !failing => {
                            failing = true;
                            tracing::warn!(error = %e, dir = %writer.dir.display(), "pages are not written to disk (they are rendered at each request meanwhile)");
                        }
                        Ok(()) if failing => {
                            failing = false;
                            tracing::info!(dir = %writer.dir.display(), "pages are written to disk again");
                        }
                        _ => {}
                    }
                }
            })
            .map_err(io)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            index,
            queue,
            behind: AtomicBool::new(false),
            _lock: lock,
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The page `key` as rendered under `version`, if that is what is kept for it.
    pub(crate) fn get(&self, key: &str, version: &str) -> Lookup {
        let found = {
            let Ok(index) = self.index.read() else {
                return Lookup::Missing;
            };
            let Some(slot) = index.slots.get(&hash(key)).copied() else {
                return Lookup::Missing;
            };
            if slot.version != hash(version) {
                return Lookup::Stale;
            }
            index.segment(slot.segment).cloned().map(|f| (f, slot))
        };
        let Some((file, slot)) = found else {
            return Lookup::Missing;
        };
        let mut bytes = vec![0; slot.len];
        if file.read_exact_at(&mut bytes, slot.offset).is_err() {
            return Lookup::Stale;
        }
        decode(bytes, key, version).map_or(Lookup::Stale, Lookup::Found)
    }

    /// Writes the page `key` rendered under `version`, in the background (the visitor has the
    /// page already).
    pub(crate) fn put(&self, key: &str, version: &str, page: &Page) {
        let bytes = encode(key, version, page);
        if self
            .queue
            .try_send((hash(key), hash(version), bytes))
            .is_err()
            && !self.behind.swap(true, Ordering::Relaxed)
        {
            tracing::warn!(dir = %self.dir.display(), "page files: the disk is behind, pages are not all written");
        }
    }
}

/// The writing thread's end: the segment being appended to.
struct Writer {
    dir: PathBuf,
    index: Arc<RwLock<Index>>,
    file: Option<std::fs::File>,
    number: u64,
    offset: u64,
    /// [`SEGMENT_BYTES`] and [`MAX_SEGMENTS`] (smaller in tests).
    segment_bytes: u64,
    max_segments: usize,
}

impl Writer {
    /// A writer into `dir`, its first segment begun.
    fn start(
        dir: &Path,
        index: &Arc<RwLock<Index>>,
        segment_bytes: u64,
        max_segments: usize,
    ) -> std::io::Result<Self> {
        let mut writer = Self {
            dir: dir.to_path_buf(),
            index: Arc::clone(index),
            file: None,
            number: 0,
            offset: 0,
            segment_bytes,
            max_segments,
        };
        writer.next_segment()?;
        Ok(writer)
    }

    fn path(&self, number: u64) -> PathBuf {
        self.dir.join(format!("{number:08}.pages"))
    }

    /// Starts a new segment; past [`MAX_SEGMENTS`], lets the oldest go with its pages.
    fn next_segment(&mut self) -> std::io::Result<()> {
        let number = if self.file.is_some() {
            self.number + 1
        } else {
            0
        };
        let path = self.path(number);
        let file = std::fs::OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path)?;
        let reader = std::fs::File::open(&path)?;
        let dropped = {
            let mut index = self
                .index
                .write()
                .map_err(|_| std::io::Error::other("index poisoned"))?;
            index.segments.push_back(Arc::new(reader));
            if index.segments.len() > self.max_segments {
                let oldest = index.first;
                index.segments.pop_front();
                index.first += 1;
                index.slots.retain(|_, s| s.segment != oldest);
                Some(oldest)
            } else {
                None
            }
        };
        if let Some(oldest) = dropped {
            std::fs::remove_file(self.path(oldest))?;
        }
        self.file = Some(file);
        self.number = number;
        self.offset = 0;
        Ok(())
    }

    /// Appends a page, then indexes it (a reader never finds part of one).
    fn append(&mut self, key: u64, version: u64, bytes: &[u8]) -> std::io::Result<()> {
        let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if self.offset > 0 && self.offset + len > self.segment_bytes {
            self.next_segment()?;
        }
        let Some(file) = self.file.as_mut() else {
            return Err(std::io::Error::other("no segment"));
        };
        if let Err(e) = file.write_all(bytes) {
            // Whatever part was written is skipped: the next page starts at the file's end.
            self.offset = file.metadata().map_or(u64::MAX / 2, |m| m.len());
            return Err(e);
        }
        let slot = Slot {
            segment: self.number,
            offset: self.offset,
            len: bytes.len(),
            version,
        };
        self.offset += len;
        if let Ok(mut index) = self.index.write() {
            index.slots.insert(key, slot);
        }
        Ok(())
    }
}

/// A kept page: the first line, then the version, the key, the `ETag` and the kept headers, one
/// a line (`name: value`), an empty line, and the page.
fn encode(key: &str, version: &str, page: &Page) -> Vec<u8> {
    let mut out = Vec::with_capacity(page.body.len() + 512);
    out.extend_from_slice(MAGIC);
    for line in [version.as_bytes(), key.as_bytes(), page.etag.as_bytes()] {
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    for (name, value) in &page.headers {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.push(b'\n');
    }
    out.push(b'\n');
    out.extend_from_slice(&page.body);
    out
}

/// The page in `bytes` if it is `key`'s under `version`; `None` for anything else (another
/// version, another key of the same hash, a file cut short or not a page file).
fn decode(bytes: Vec<u8>, key: &str, version: &str) -> Option<Page> {
    let bytes = Bytes::from(bytes);
    let mut at = MAGIC.len();
    if !bytes.starts_with(MAGIC) {
        return None;
    }
    let mut line = || {
        let end = at + bytes.get(at..)?.iter().position(|&b| b == b'\n')?;
        let l = bytes.slice(at..end);
        at = end + 1;
        Some(l)
    };
    if line()? != version.as_bytes() || line()? != key.as_bytes() {
        return None;
    }
    let etag = HeaderValue::from_maybe_shared(line()?).ok()?;
    let mut headers = Vec::new();
    loop {
        let l = line()?;
        if l.is_empty() {
            break;
        }
        let colon = l.iter().position(|&b| b == b':')?;
        let name = HeaderName::from_bytes(&l[..colon]).ok()?;
        let value = HeaderValue::from_maybe_shared(l.slice(colon + 1..).slice(1..)).ok()?;
        headers.push((name, value));
    }
    Some(Page {
        etag,
        headers,
        body: bytes.slice(at..),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    fn page(body: &str) -> Page {
        Page {
            etag: HeaderValue::from_static("\"p1234-5\""),
            headers: vec![
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, no-cache"),
                ),
            ],
            body: Bytes::from(body.to_owned()),
        }
    }

    #[test]
    fn a_kept_page_gives_back_its_page_under_its_version_and_key_only() {
        let body = "<p>正文\n\n第二段: 冒号</p>\n";
        let bytes = encode("0|h|/items/1", "7.0.2026-12-06", &page(body));
        let back = decode(bytes.clone(), "0|h|/items/1", "7.0.2026-12-06").unwrap();
        assert_eq!(back.body, body.as_bytes());
        assert_eq!(back.etag, "\"p1234-5\"");
        assert_eq!(back.headers, page(body).headers);
        assert!(decode(bytes.clone(), "0|h|/items/1", "8.0.2026-12-06").is_none());
        assert!(decode(bytes.clone(), "0|h|/items/2", "7.0.2026-12-06").is_none());
        // Cut anywhere in its head: not a page.
        let head = bytes.len() - body.len();
        for cut in 0..head {
            assert!(decode(bytes[..cut].to_vec(), "0|h|/items/1", "7.0.2026-12-06").is_none());
        }
    }

    fn folder(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("gongkai-page-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    /// The page of `key` under `version` once the writer has it.
    async fn written(files: &PageFiles, key: &str, version: &str) -> Option<Page> {
        for _ in 0..400 {
            if let Lookup::Found(p) = files.get(key, version) {
                return Some(p);
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        None
    }

    #[tokio::test]
    async fn pages_written_are_read_back_until_their_version_passes() {
        let dir = folder("rw");
        let files = PageFiles::open(&dir).unwrap();
        assert!(matches!(files.get("k", "1"), Lookup::Missing));
        files.put("k", "1", &page("甲"));
        assert_eq!(
            written(&files, "k", "1").await.unwrap().body,
            "甲".as_bytes()
        );
        assert!(matches!(files.get("k", "2"), Lookup::Stale));
        files.put("k", "2", &page("乙"));
        assert_eq!(
            written(&files, "k", "2").await.unwrap().body,
            "乙".as_bytes()
        );
        assert!(matches!(files.get("k", "1"), Lookup::Stale));
        // Not two processes on one folder.
        assert!(matches!(
            PageFiles::open(&dir),
            Err(PageFilesError::InUse(_))
        ));
        // A new start empties the folder.
        drop(files);
        let files = PageFiles::open(&dir).unwrap();
        assert!(matches!(files.get("k", "2"), Lookup::Missing));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Past the last segment the oldest goes, with its pages; the newest stay readable.
    #[test]
    fn the_oldest_segment_goes_with_its_pages() {
        let dir = folder("segments");
        let index = Arc::new(RwLock::new(Index::default()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut writer = Writer::start(&dir, &index, 1000, 4).unwrap();
        let big = vec![b'x'; 501];
        let pages = 4 + 3;
        for key in 0..pages {
            writer.append(key, 0, &big).unwrap();
        }
        let index = index.read().unwrap();
        assert_eq!(index.segments.len(), 4);
        assert!(!index.slots.contains_key(&0) && !index.slots.contains_key(&2));
        assert!(index.slots.contains_key(&(pages - 1)));
        let on_disk = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(on_disk, 4);
        let last = index.slots[&(pages - 1)];
        let mut back = vec![0; last.len];
        index
            .segment(last.segment)
            .unwrap()
            .read_exact_at(&mut back, last.offset)
            .unwrap();
        assert_eq!(back, big);
        drop(index);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_folder_holding_other_files_is_refused_and_left_as_it_was() {
        let dir = folder("theirs");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("重要文件.docx"), b"x").unwrap();
        let err = PageFiles::open(&dir).unwrap_err();
        assert!(matches!(err, PageFilesError::NotOurs(_)), "{err}");
        assert!(err.to_string().contains("--pages-dir"));
        assert!(dir.join("重要文件.docx").is_file());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

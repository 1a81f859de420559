//! The portal's rendered-page cache. Public pages (lists, item pages, the catalogue, the guide,
//! feeds, search results) are the same for every anonymous visitor until something in the database
//! changes, so the bytes of each rendered page are kept and served again without touching the
//! database or the templates.
//!
//! Freshness: every write appends an audit record in its own transaction, so the newest audit id
//! of an action the portal may show ([`Store::kept_version`](gongkai_store::Store::kept_version),
//! the publication version: sign-ins and the steps of requests do not count) is a version number
//! of everything a public page shows. An entry is served only while that number is unchanged.
//! Writes made through this process count at once
//! ([`Store::portal_writes`](gongkai_store::Store::portal_writes)); writes by other processes (a
//! second server, the command line) are noticed at the next check of the database, at most
//! [`Settings::page_cache`](crate::Settings::page_cache) after they commit (zero: every request
//! checks, which is still one indexed query instead of a page's worth).
//!
//! Only pages registered with `Routes::page` are cached, only for visitors without a session
//! cookie, only `200` answers that set no cookie, only from their second request (a page asked
//! for once is not kept), and each entry carries an `ETag` derived from its bytes so a repeat
//! visit costs a 304.
//!
//! Pages registered with `Routes::stored_page` are kept by their path and the query parameters
//! they read (a crawler's `?v=123` does not make another page), and also on disk ([`PageFiles`],
//! when the server has a folder for them): there from their first request, since pages asked for
//! once each — every item page by a crawler — are what the disk is for. The disk is then their
//! only shelf: the memory cache keeps the other pages.

mod files;

pub use files::{PageFiles, PageFilesError};

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use http_body_util::BodyExt as _;

use crate::AppState;

/// Pages larger than this are served but not kept.
const MAX_ENTRY: usize = 2 * 1024 * 1024;
/// When the kept pages would pass this size, the oldest made are let go until a quarter of it is
/// free (a bound, not a policy: a portal's hot pages are far fewer).
const MAX_TOTAL: usize = 64 * 1024 * 1024;
/// Even with no change, an entry is rendered again after this long: a bound on what a page may
/// show that no part of its version counts (the day is one: [`Generation::day`]).
const MAX_AGE: Duration = Duration::from_secs(300);
/// Slots of the record of pages asked for once (a power of two; 512 KB).
const SEEN_SLOTS: usize = 1 << 16;
/// Headers a cached answer keeps.
const KEPT: [HeaderName; 5] = [
    header::CONTENT_TYPE,
    header::VARY,
    header::CACHE_CONTROL,
    header::CONTENT_DISPOSITION,
    header::CONTENT_SECURITY_POLICY,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Generation {
    database: i64,
    local: u64,
    /// The search index's ([`gongkai_search::SearchIndex::generation`]): it follows other
    /// processes' changes a moment after the database has them.
    search: u64,
    /// The day (China time): pages say whether a document is still in force, and the day a
    /// validity ends changes that without a write.
    day: chrono::NaiveDate,
}

impl Generation {
    /// The version of a page on disk ([`PageFiles`]): the same, but for the search index's
    /// generation, which stored pages do not show (it moves at every rebuild and catch-up, and
    /// would throw away the whole folder's pages with it).
    fn on_disk(&self) -> String {
        format!("{}.{}.{}", self.database, self.local, self.day)
    }
}

/// A rendered page as kept, in memory or on disk: what answering it again takes.
pub(crate) struct Page {
    pub etag: HeaderValue,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
}

/// A page kept in memory, with the version it was rendered under.
struct Entry {
    generation: Generation,
    made: Instant,
    page: Page,
}

/// The data's version as read at a request's start, before the site's identity (its header and
/// footer) is: read after it, a write landing between the two filed a page with the old header
/// under the new version, where it stayed until the next change (a helper's walk, with two
/// servers).
#[derive(Debug, Clone, Copy)]
pub(crate) struct VersionRead {
    database: Option<i64>,
    local: u64,
}

impl VersionRead {
    /// The version now. The writes through this process first: one counted after the
    /// database's version was read could be in it or not.
    pub(crate) async fn now(state: &AppState) -> Self {
        let local = state.store.portal_writes();
        Self {
            database: state.store.kept_version().await,
            local,
        }
    }
}

/// A route whose pages are kept: by the whole address (`reads: None`), or by the path and the
/// query parameters the handler reads (`Some`), then on disk (when the server has page files)
/// instead of in memory.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CachedRoute {
    pub path: &'static str,
    pub reads: Option<&'static [&'static str]>,
}

/// The cache shared by every request of one server process.
pub struct PageCache {
    entries: RwLock<HashMap<String, Arc<Entry>>>,
    size: AtomicUsize,
    /// Off (`--page-cache off`): nothing is kept, but pages are still tagged and a repeat visit
    /// still answered 304, so conditional requests do not depend on the cache being on.
    keeps: bool,
    routes: HashMap<&'static str, Option<&'static [&'static str]>>,
    /// The pages kept on disk, if this server has a folder for them.
    files: Option<Arc<PageFiles>>,
    /// A hash of each page asked for recently (one slot a hash, later ones overwrite): a page is
    /// kept only when it is asked for again. Crawlers and searches ask for thousands of pages
    /// once each; keeping them all would fill memory with pages nobody reads twice and evict
    /// the few that are (the "doorkeeper" of `TinyLFU` caches).
    seen: Box<[AtomicU64]>,
}

impl PageCache {
    /// A cache for the given route patterns (`keeps`: whether pages are kept at all). How late a
    /// write by another process is seen is the store's period of data kept ready
    /// ([`Store::keep_ready`](gongkai_store::Store::keep_ready)), which [`crate::router`] sets
    /// from the same setting: the two stand on one reading of the database's version.
    pub(crate) fn new(
        routes: Vec<CachedRoute>,
        keeps: bool,
        files: Option<Arc<PageFiles>>,
    ) -> Self {
        Self {
            entries: RwLock::new(HashMap::new()),
            size: AtomicUsize::new(0),
            keeps,
            routes: routes.into_iter().map(|r| (r.path, r.reads)).collect(),
            files: files.filter(|_| keeps),
            seen: (0..SEEN_SLOTS).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Whether `key` was asked for since its slot last changed; records it if not.
    fn seen_before(&self, key: &str) -> bool {
        let hash = files::hash(key) | 1;
        let slot = &self.seen[usize::try_from(hash).unwrap_or(0) & (SEEN_SLOTS - 1)];
        slot.swap(hash, Ordering::Relaxed) == hash
    }

    /// How many pages are kept (tests).
    pub fn len(&self) -> usize {
        self.entries.read().map_or(0, |e| e.len())
    }

    /// Whether no page is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The version a page is kept under: as [`VersionRead`] found it before anything of the
    /// page was read, else now.
    async fn generation(&self, state: &AppState, read: Option<VersionRead>) -> Generation {
        let VersionRead { database, local } = match read {
            Some(read) => read,
            None => VersionRead::now(state).await,
        };
        Generation {
            // Unknown (not readable, or nothing kept): nothing kept is served.
            database: database.unwrap_or(-1),
            local,
            search: state.search.generation(),
            day: state.clock.today(),
        }
    }

    fn get(&self, key: &str, generation: Generation) -> Option<Arc<Entry>> {
        let entries = self.entries.read().ok()?;
        let entry = entries.get(key)?;
        (generation.database >= 0
            && entry.generation == generation
            && entry.made.elapsed() < MAX_AGE)
            .then(|| entry.clone())
    }

    fn put(&self, key: String, entry: Entry) {
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        let added = entry.page.body.len() + key.len();
        if let Some(old) = entries.remove(&key) {
            self.size
                .fetch_sub(old.page.body.len() + key.len(), Ordering::Relaxed);
        }
        if self.size.load(Ordering::Relaxed) + added > MAX_TOTAL {
            // The oldest first, down to three quarters: emptying the whole cache (as it once
            // did) made every hot page a miss at once, each time a crawl filled it.
            let mut by_age: Vec<(Instant, String, usize)> = entries
                .iter()
                .map(|(k, e)| (e.made, k.clone(), e.page.body.len() + k.len()))
                .collect();
            by_age.sort_unstable_by_key(|(made, _, _)| *made);
            let mut size = self.size.load(Ordering::Relaxed);
            for (_, k, n) in by_age {
                if size + added <= MAX_TOTAL / 4 * 3 {
                    break;
                }
                entries.remove(&k);
                size -= n;
            }
            self.size.store(size, Ordering::Relaxed);
        }
        entries.insert(key, Arc::new(entry));
        self.size.fetch_add(added, Ordering::Relaxed);
    }
}

/// The page as the visitor sees it depends on the address, the reading mode, and the host and
/// scheme (feeds and the sitemap carry absolute addresses). For a route that declares the query
/// parameters it reads (`reads`), the address is its path and those alone, in the declared order;
/// `None` when one of them is given twice (the handler refuses that, and the refusal is not a
/// page to be found under the first value).
fn key(req: &Request, reads: Option<&[&str]>) -> Option<String> {
    let h = req.headers();
    let get = |n: &str| h.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mode = crate::portal::display::Display::from_headers(h);
    let head = format!(
        "{}|{}|{}|",
        mode.value(),
        get("host"),
        get("x-forwarded-proto"),
    );
    let Some(reads) = reads else {
        return Some(format!("{head}{}", req.uri()));
    };
    let mut key = head + req.uri().path();
    // Read as the handler's `Query` reads them (`form_urlencoded`, names decoded too): compared
    // raw, `?%63ategory=X` was the whole list's key with category X's page under it.
    let pairs: Vec<_> =
        form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes()).collect();
    let mut first = true;
    for name in reads {
        let mut values = pairs.iter().filter(|(n, _)| n == name);
        if let Some((_, value)) = values.next() {
            if values.next().is_some() {
                return None;
            }
            key.push(if first { '?' } else { '&' });
            key.push_str(name);
            key.push('=');
            key.extend(form_urlencoded::byte_serialize(value.as_bytes()));
            first = false;
        }
    }
    Some(key)
}

/// Whether `If-None-Match` names `etag`, by the weak comparison the header calls for (RFC 9110,
/// 13.1.2): a tag a proxy marked `W/` still matches.
fn matches(if_none_match: Option<&HeaderValue>, etag: &HeaderValue) -> bool {
    fn opaque(t: &str) -> &str {
        let t = t.trim();
        t.strip_prefix("W/").unwrap_or(t)
    }
    let (Some(v), Ok(etag)) = (if_none_match.and_then(|v| v.to_str().ok()), etag.to_str()) else {
        return false;
    };
    let etag = opaque(etag);
    v.split(',').any(|t| opaque(t) == etag || t.trim() == "*")
}

/// The kept page as an answer. To HEAD too, with the page as its body: hyper sends none, and
/// takes the `Content-Length` from it (an empty body made HEAD say `0`).
fn answer(page: &Page, req_headers: &HeaderMap) -> Response {
    if matches(req_headers.get(header::IF_NONE_MATCH), &page.etag) {
        // With the caching headers the page has (RFC 9110, 15.4.5): a 304 without them would
        // let a browser keep its copy by its own rules.
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        let headers = response.headers_mut();
        for (n, v) in &page.headers {
            if *n == header::CACHE_CONTROL || *n == header::VARY {
                headers.insert(n.clone(), v.clone());
            }
        }
        headers.insert(header::ETAG, page.etag.clone());
        return response;
    }
    let mut response = Response::new(Body::from(page.body.clone()));
    let headers = response.headers_mut();
    for (n, v) in &page.headers {
        headers.insert(n.clone(), v.clone());
    }
    headers.insert(header::ETAG, page.etag.clone());
    response
}

/// Serves a kept page, or renders it and keeps it.
pub async fn serve(
    State((state, cache)): State<(AppState, Arc<PageCache>)>,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method().clone();
    if method != Method::GET && method != Method::HEAD {
        // A write it makes counts through the store (`Store::portal_writes`).
        return next.run(req).await;
    }
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .and_then(|p| cache.routes.get(p.as_str()).copied());
    let anonymous = [false, true].iter().all(|secure| {
        let name = crate::session::cookie_name(crate::SESSION_COOKIE, *secure);
        crate::session::cookie_value(req.headers(), &name).is_none()
    });
    let Some(reads) = route.filter(|_| anonymous) else {
        return next.run(req).await;
    };
    // With the cache off, a page is still tagged (below) but nothing is looked up or kept.
    let mut kept = None;
    let mut on_disk = None;
    if cache.keeps
        && let Some(key) = key(&req, reads)
    {
        let read = req.extensions().get::<VersionRead>().copied();
        let generation = cache.generation(&state, read).await;
        if let Some(entry) = cache.get(&key, generation) {
            return answer(&entry.page, req.headers());
        }
        if let Some(files) = cache.files.as_ref().filter(|_| reads.is_some())
            && generation.database >= 0
        {
            match files.get(&key, &generation.on_disk()) {
                files::Lookup::Found(page) => {
                    // Not kept in memory as well: the disk is these pages' shelf, and a crawl
                    // asking for each twice filled the memory cache to its bound with them
                    // (the server's RSS from 145 to 202 MB).
                    return answer(&page, req.headers());
                }
                files::Lookup::Stale | files::Lookup::Missing => {
                    on_disk = Some(Arc::clone(files));
                }
            }
        }
        kept = Some((key, generation));
    }
    let req_headers = req.headers().clone();
    // HEAD asks for the page as GET would (so that it is tagged, and what is kept is the page
    // and never an emptied body); the body is left out on the way to the visitor.
    let mut req = req;
    *req.method_mut() = Method::GET;
    let response = next.run(req).await;
    // HEAD is answered as GET is (RFC 9110, 9.3.2): tagged, and 304 when the tag matches.
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = match collect(body).await {
        Ok(Collected::Whole(bytes)) => bytes,
        // Too large to keep: sent as it comes.
        Ok(Collected::TooLarge(body)) => return Response::from_parts(parts, body),
        Err(_) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "页面未能生成，请稍后再试。",
            )
                .into_response();
        }
    };
    let etag = parts
        .headers
        .get(header::ETAG)
        .cloned()
        .unwrap_or_else(|| content_tag(&bytes));
    let page = Page {
        etag,
        headers: KEPT
            .iter()
            .filter_map(|n| parts.headers.get(n).map(|v| (n.clone(), v.clone())))
            .collect(),
        body: bytes,
    };
    let response = answer(&page, &req_headers);
    if let Some((key, generation)) = kept {
        if let Some(files) = on_disk {
            files.put(&key, &generation.on_disk(), &page);
        } else if cache.seen_before(&key) {
            let made = Instant::now();
            cache.put(
                key,
                Entry {
                    generation,
                    made,
                    page,
                },
            );
        }
    }
    response
}

/// The `ETag` of a page that sets none: its bytes' CRC-32 and length. Every rendered page is
/// tagged, kept or not, so the digest must cost little beside the page: a SHA-256 of each list
/// page was 4% of the server's CPU under distinct-page traffic. A tag only has to tell one
/// version of one address from the next: CRC-32 changes with any change of up to 32 bits in a
/// row (a digit of a date, a count), and a larger change that kept both the length and the CRC
/// (one chance in four billion) would tell a visitor holding the old page that it is current.
fn content_tag(bytes: &[u8]) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "\"p{:08x}-{:x}\"",
        crc32fast::hash(bytes),
        bytes.len()
    ))
    .unwrap_or(HeaderValue::from_static("\"p\""))
}

/// A body read to its end, or — past [`MAX_ENTRY`] — the body again, to be sent as it comes.
enum Collected {
    Whole(Bytes),
    TooLarge(Body),
}

/// Reads `body` while it fits in [`MAX_ENTRY`]; a larger one (a big export, a sitemap part of
/// 50,000 addresses as they once were) is handed back whole, what was read first included, instead of being refused.
async fn collect(mut body: Body) -> Result<Collected, axum::Error> {
    let mut kept: Vec<u8> = Vec::new();
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else {
            continue;
        };
        kept.extend_from_slice(&data);
        if kept.len() > MAX_ENTRY {
            let read = futures_util::stream::once(std::future::ready(Ok(Bytes::from(kept))));
            return Ok(Collected::TooLarge(Body::from_stream(
                read.chain(body.into_data_stream()),
            )));
        }
    }
    Ok(Collected::Whole(Bytes::from(kept)))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn bytes_of(body: Body) -> Vec<u8> {
        body.collect()
            .await
            .map(|c| c.to_bytes().to_vec())
            .unwrap_or_default()
    }

    #[test]
    fn a_tag_tells_one_version_of_a_page_from_the_next() {
        let page = "<p>共 1024 条，第 3/52 页。</p>".repeat(200);
        assert_eq!(content_tag(page.as_bytes()), content_tag(page.as_bytes()));
        for (i, _) in page.char_indices().step_by(97) {
            let mut changed = page.clone().into_bytes();
            changed[i] ^= 1;
            assert_ne!(
                content_tag(&changed),
                content_tag(page.as_bytes()),
                "byte {i}"
            );
        }
        assert_ne!(
            content_tag(format!("{page} ").as_bytes()),
            content_tag(page.as_bytes())
        );
    }

    #[test]
    fn a_page_is_kept_from_its_second_request() {
        let cache = PageCache::new(Vec::new(), true, None);
        let distinct = (0..10_000).filter(|i| cache.seen_before(&format!("/items/{i}")));
        assert_eq!(distinct.count(), 0, "pages asked for once are not kept");
        assert!(!cache.seen_before("/catalogue"));
        assert!(cache.seen_before("/catalogue"));
        assert!(cache.seen_before("/catalogue"));
    }

    /// Past the bound the oldest pages go, down to three quarters of it; the newest stay.
    #[test]
    fn a_full_cache_lets_the_oldest_pages_go() {
        let cache = PageCache::new(Vec::new(), true, None);
        let page = Bytes::from(vec![b'x'; 1 << 20]);
        let made = Instant::now();
        let entry = |k: u64| Entry {
            generation: Generation {
                database: -1,
                local: 0,
                search: 0,
                day: chrono::NaiveDate::MIN,
            },
            made: made + Duration::from_millis(k),
            page: Page {
                etag: HeaderValue::from_static("\"t\""),
                headers: Vec::new(),
                body: page.clone(),
            },
        };
        for k in 0..100 {
            cache.put(format!("/p/{k:03}"), entry(k));
            let size = cache.size.load(Ordering::Relaxed);
            assert!(size <= MAX_TOTAL, "{size}");
        }
        let kept = cache.len();
        assert!((40..64).contains(&kept), "{kept}");
        let entries = cache
            .entries
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        assert!(entries.contains_key("/p/099") && entries.contains_key("/p/070"));
        assert!(!entries.contains_key("/p/000"));
        let total: usize = entries
            .iter()
            .map(|(k, e)| k.len() + e.page.body.len())
            .sum();
        assert_eq!(total, cache.size.load(Ordering::Relaxed));
        drop(entries);
        // Kept again under the same address: counted once.
        cache.put("/p/099".into(), entry(200));
        let entries = cache
            .entries
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let total: usize = entries
            .iter()
            .map(|(k, e)| k.len() + e.page.body.len())
            .sum();
        assert_eq!(total, cache.size.load(Ordering::Relaxed));
    }

    #[tokio::test]
    async fn a_page_too_large_to_keep_is_still_sent_whole() {
        let small = Body::from("petite page");
        assert!(
            matches!(collect(small).await, Ok(Collected::Whole(b)) if &b[..] == b"petite page")
        );
        // Several frames, the last pushing past the bound.
        let pieces: Vec<Result<Bytes, std::convert::Infallible>> = (0..5u8)
            .map(|i| Ok(Bytes::from(vec![b'a' + i; MAX_ENTRY / 3])))
            .collect();
        let expected: Vec<u8> = pieces
            .iter()
            .flat_map(|p| p.as_ref().map(|b| b.to_vec()).unwrap_or_default())
            .collect();
        let large = Body::from_stream(futures_util::stream::iter(pieces));
        match collect(large).await {
            Ok(Collected::TooLarge(body)) => assert!(bytes_of(body).await == expected),
            _ => panic!("a body over the bound must come back to be streamed"),
        }
    }
}

//! Data kept ready between publications: what every public page reads and what changes only when
//! someone writes — the site's identity, an agency by its slug, an agency's catalogue, and for each list of items (an
//! agency's, a category's) how many there are and where every stretch of [`STRIDE`] starts, so a
//! page deep in a list is one index seek instead of walking every row before it.
//!
//! Off unless [`Store::keep_ready`] is called (the server does, with its page-cache period); the
//! command line and tests then read the database every time, as before.
//!
//! Freshness is the page cache's: every write appends an audit record, so the newest audit id is
//! a version of the whole database. It is read at most once per period; writes through this
//! process move a local counter at once. Whatever was loaded under another (database, local)
//! stamp is loaded again on its next use. A write by another process therefore shows within the
//! period, a write through this one at once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use gongkai_core::Agency;
use gongkai_core::site::SiteIdentity;
use tokio::sync::watch;

tokio::task_local! {
    /// The database's version as read once in a request ([`Store::one_version`]).
    pub(crate) static READ_ONCE: std::cell::Cell<Option<i64>>;
}

/// Lists keep where every stretch of this many items starts.
pub(crate) const STRIDE: i64 = 20;

/// Bound on the lists kept (each is about 16 bytes per [`STRIDE`] items): past it, they start
/// afresh.
const MAX_LISTS: usize = 20_000;

/// The version data was loaded under: the database's newest audit id and this process's writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Stamp {
    database: i64,
    local: u64,
}

impl Stamp {
    /// The database's version part.
    pub(crate) fn database(self) -> i64 {
        self.database
    }
}

/// A list of items on the portal, newest first: how many, and the key (发布日期, id) of every
/// [`STRIDE`]-th item (the first of each stretch).
#[derive(Debug)]
pub(crate) struct ListIndex {
    pub total: i64,
    pub starts: Vec<(NaiveDate, i64)>,
}

/// An agency's catalogue columns: (row id, name), in order.
pub(crate) type Catalogue = Arc<Vec<(i64, String)>>;

/// An agency's columns with the items in each.
pub(crate) type Counts = Arc<Vec<(gongkai_core::catalogue::Column, i64)>>;

/// An agency-year's published reports, oldest first.
pub(crate) type Reports = Arc<Vec<crate::Publication>>;

/// The sitemap's parts: (number, newest 发布日期 in it).
pub(crate) type SitemapParts = Arc<Vec<(i64, NaiveDate)>>;

/// An agency's published years, newest first, with their number of versions.
pub(crate) type Years = Arc<Vec<(i32, i64)>>;

/// Which list: an agency's (`None`) or one of its categories (`Some(category id)`).
pub(crate) type ListKey = (i64, Option<i64>);

/// Entries valid under one stamp; a new stamp empties them.
pub(crate) struct Kept<K, V> {
    stamp: Option<Stamp>,
    map: HashMap<K, V>,
    /// One gate per key being loaded under the stamp ([`Ready::gate`]).
    gates: HashMap<K, Gate>,
}

/// Held while an entry is loaded, so that the requests that miss it together load it once.
pub(crate) type Gate = Arc<tokio::sync::Mutex<()>>;

impl<K: std::hash::Hash + Eq, V: Clone> Kept<K, V> {
    fn new() -> Self {
        Self {
            stamp: None,
            map: HashMap::new(),
            gates: HashMap::new(),
        }
    }

    /// Moves to `stamp`, letting go of what was kept under another.
    fn restamp(&mut self, stamp: Stamp) {
        if self.stamp != Some(stamp) {
            self.map.clear();
            self.gates.clear();
            self.stamp = Some(stamp);
        }
    }
}

fn get<K: std::hash::Hash + Eq, V: Clone>(
    kept: &RwLock<Kept<K, V>>,
    stamp: Stamp,
    key: &K,
) -> Option<V> {
    let k = kept.read().ok()?;
    (k.stamp == Some(stamp)).then(|| k.map.get(key).cloned())?
}

fn put<K: std::hash::Hash + Eq, V: Clone>(
    kept: &RwLock<Kept<K, V>>,
    stamp: Stamp,
    key: K,
    value: V,
) {
    let Ok(mut k) = kept.write() else { return };
    if k.map.len() >= MAX_LISTS {
        k.map.clear();
        k.gates.clear();
    }
    k.restamp(stamp);
    k.map.insert(key, value);
}

/// Where one kind of data is kept: one of [`Ready`]'s maps, named by the constants on it.
pub(crate) type Shelf<K, V> = fn(&Ready) -> &RwLock<Kept<K, V>>;

/// The data, its stamps and the period (see the module documentation).
pub(crate) struct Ready {
    /// Milliseconds between reads of the database's version; `u64::MAX`: nothing kept.
    period_ms: AtomicU64,
    epoch: Instant,
    checked_ms: AtomicU64,
    database: AtomicI64,
    local: AtomicU64,
    /// The newest audit id read, and the newest of an action that changes the portal at or
    /// before it ([`Store::publication`](crate::Store)): the version data is kept under.
    published: Mutex<(i64, i64)>,
    agencies: RwLock<Kept<String, Arc<Agency>>>,
    every_agency: RwLock<Kept<(), Arc<Vec<Agency>>>>,
    /// By scope: `""` the whole site, else an agency's slug (its pages' identity).
    site: RwLock<Kept<String, Arc<SiteIdentity>>>,
    catalogues: RwLock<Kept<i64, Catalogue>>,
    /// Each agency's columns with their item counts (the 主动公开目录 page): counting walks every
    /// item of the agency, 24 ms at 100,000 and seconds at a million, and any query string made
    /// the page one the page cache had not seen.
    counts: RwLock<Kept<i64, Counts>>,
    lists: RwLock<Kept<ListKey, Arc<ListIndex>>>,
    /// Each agency-year's published reports (the report page and every download read them): as
    /// stored, they were parsed from JSON at every request, every version of the year.
    reports: RwLock<Kept<(i64, i32), Reports>>,
    /// The sitemap's parts: counting them is a pass over every item (12 ms at 100,000), and
    /// `/sitemap.xml?anything` was a page the page cache had not seen, 80 a second at most.
    sitemap: RwLock<Kept<(), SitemapParts>>,
    /// Each agency's published years with their versions (every agency page and report page).
    years: RwLock<Kept<i64, Years>>,
    /// Lists being built, so that the requests that miss one list together wait for one build:
    /// at a million items a build is a pass of seconds, and 32 visitors each starting their own
    /// kept both cores busy with the same pass until every request timed out.
    building: Mutex<HashMap<(Stamp, ListKey), Arrival>>,
    /// How many list builds ran.
    pub(crate) lists_built: AtomicU64,
}

/// Where a list being built arrives: `None` until it is built.
pub(crate) type Arrival = watch::Receiver<Option<Arc<ListIndex>>>;

/// Who builds a list that is not kept: this request ([`Build::Lead`]: build, then
/// [`Ready::built`]), or another one already ([`Build::Wait`]: its result comes on the channel,
/// or the channel closes if that build failed).
pub(crate) enum Build {
    Lead(watch::Sender<Option<Arc<ListIndex>>>),
    Wait(Arrival),
}

impl std::fmt::Debug for Ready {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ready")
            .field("period_ms", &self.period_ms)
            .finish_non_exhaustive()
    }
}

impl Default for Ready {
    fn default() -> Self {
        Self {
            period_ms: AtomicU64::new(u64::MAX),
            epoch: Instant::now(),
            checked_ms: AtomicU64::new(0),
            database: AtomicI64::new(-1),
            local: AtomicU64::new(0),
            published: Mutex::new((-1, -1)),
            agencies: RwLock::new(Kept::new()),
            every_agency: RwLock::new(Kept::new()),
            site: RwLock::new(Kept::new()),
            catalogues: RwLock::new(Kept::new()),
            counts: RwLock::new(Kept::new()),
            lists: RwLock::new(Kept::new()),
            reports: RwLock::new(Kept::new()),
            sitemap: RwLock::new(Kept::new()),
            years: RwLock::new(Kept::new()),
            building: Mutex::new(HashMap::new()),
            lists_built: AtomicU64::new(0),
        }
    }
}

impl Ready {
    /// Agencies by slug (those not found are not kept: a wrong address reads the database).
    pub(crate) const AGENCIES: Shelf<String, Arc<Agency>> = |r| &r.agencies;
    /// Every agency, in the order they were added.
    pub(crate) const EVERY_AGENCY: Shelf<(), Arc<Vec<Agency>>> = |r| &r.every_agency;
    /// The site's identity (every public page's header, footer and tags), for the whole site
    /// (`""`) or an agency's pages (its slug).
    pub(crate) const SITE: Shelf<String, Arc<SiteIdentity>> = |r| &r.site;
    /// Each agency's catalogue, by agency id.
    pub(crate) const CATALOGUES: Shelf<i64, Catalogue> = |r| &r.catalogues;
    /// Each agency's columns with their counts, by agency id.
    pub(crate) const COUNTS: Shelf<i64, Counts> = |r| &r.counts;
    /// An agency-year's published reports, by (agency id, year).
    pub(crate) const REPORTS: Shelf<(i64, i32), Reports> = |r| &r.reports;
    /// The sitemap's parts (number, newest 发布日期).
    pub(crate) const SITEMAP: Shelf<(), SitemapParts> = |r| &r.sitemap;
    /// An agency's published years, newest first, with their number of versions, by agency id.
    pub(crate) const YEARS: Shelf<i64, Years> = |r| &r.years;

    pub(crate) fn set_period(&self, period: Option<Duration>) {
        // Zero reads the version at every use: one read of the newest audit id (by key, on the
        // calling thread), against a list's length counted and its pages walked from the start.
        let ms = period.map_or(u64::MAX, |p| {
            u64::try_from(p.as_millis()).unwrap_or(u64::MAX - 1)
        });
        self.period_ms.store(ms, Ordering::Release);
        self.database.store(-1, Ordering::Release);
    }

    /// The newest audit id read before, with the publication version it gave.
    pub(crate) fn published(&self) -> (i64, i64) {
        self.published.lock().map_or((-1, -1), |p| *p)
    }

    /// Records that the newest audit id `newest` gives the publication version `version` (a
    /// caller that read an older id than another's leaves the newer reading).
    pub(crate) fn set_published(&self, newest: i64, version: i64) {
        if let Ok(mut p) = self.published.lock()
            && newest >= p.0
        {
            *p = (newest, version.max(p.1));
        }
    }

    /// Starts the record again from `newest`, whatever was read before: the audit log went back
    /// (a backup restored under a running server), so the ids read before name other records.
    /// [`set_published`](Self::set_published) leaves a newer reading in place and would have
    /// kept the old one for good.
    pub(crate) fn restart_published(&self, newest: i64) {
        if let Ok(mut p) = self.published.lock() {
            *p = (newest, newest);
        }
    }

    /// How many writes through this store changed the portal.
    pub(crate) fn local(&self) -> u64 {
        self.local.load(Ordering::SeqCst)
    }

    /// Something was written through this store: nothing loaded before is used again.
    pub(crate) fn invalidate(&self) {
        self.local.fetch_add(1, Ordering::SeqCst);
    }

    /// Whether the database's version is read at every use (a period of zero).
    pub(crate) fn every_use(&self) -> bool {
        self.period_ms.load(Ordering::Acquire) == 0
    }

    /// The stamp of data loaded under the database's version `database`, as this caller read it
    /// (not as the last reader left it: another request may have read an older one since).
    pub(crate) fn stamp_at(&self, database: i64) -> Stamp {
        Stamp {
            database,
            local: self.local.load(Ordering::SeqCst),
        }
    }

    /// Whether data is kept at all.
    pub(crate) fn on(&self) -> bool {
        self.period_ms.load(Ordering::Acquire) != u64::MAX
    }

    /// Whether the database's version is due to be read (unknown, or read a period ago); if so,
    /// this caller is the one to read it (others go on with the number they have, unless it is
    /// unknown).
    pub(crate) fn due(&self) -> bool {
        let period = self.period_ms.load(Ordering::Acquire);
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        let last = self.checked_ms.load(Ordering::Acquire);
        if self.database.load(Ordering::Acquire) < 0 {
            return true;
        }
        now.saturating_sub(last) >= period
            && self
                .checked_ms
                .compare_exchange(last, now.max(1), Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
    }

    /// Records the database's version as read (`None`: the read failed, nothing is trusted).
    pub(crate) fn set_database(&self, generation: Option<i64>) {
        self.database
            .store(generation.unwrap_or(-1), Ordering::Release);
    }

    /// The current stamp, or `None` when the database's version is unknown.
    pub(crate) fn stamp(&self) -> Option<Stamp> {
        let database = self.database.load(Ordering::Acquire);
        (database >= 0).then(|| self.stamp_at(database))
    }

    /// What `place` holds for `key` under `stamp`.
    pub(crate) fn kept<K: std::hash::Hash + Eq, V: Clone>(
        &self,
        place: Shelf<K, V>,
        stamp: Stamp,
        key: &K,
    ) -> Option<V> {
        get(place(self), stamp, key)
    }

    /// The gate of `key` on `place` under `stamp`: whoever holds it loads the entry; the others
    /// wait, then find it kept. After every write the first visitors of a catalogue page missed
    /// its counts together, and each counted every item of the agency (seconds at a million).
    pub(crate) fn gate<K: std::hash::Hash + Eq + Clone, V: Clone>(
        &self,
        place: Shelf<K, V>,
        stamp: Stamp,
        key: &K,
    ) -> Option<Gate> {
        let mut k = place(self).write().ok()?;
        k.restamp(stamp);
        Some(Arc::clone(k.gates.entry(key.clone()).or_default()))
    }

    /// Keeps `value` for `key` on `place` under `stamp`.
    pub(crate) fn keep<K: std::hash::Hash + Eq, V: Clone>(
        &self,
        place: Shelf<K, V>,
        stamp: Stamp,
        key: K,
        value: V,
    ) {
        put(place(self), stamp, key, value);
    }

    pub(crate) fn list(&self, stamp: Stamp, key: ListKey) -> Option<Arc<ListIndex>> {
        get(&self.lists, stamp, &key)
    }

    pub(crate) fn put_list(&self, stamp: Stamp, key: ListKey, list: Arc<ListIndex>) {
        put(&self.lists, stamp, key, list);
    }

    /// Joins the build of a list under `stamp`, or leads it if none is under way.
    pub(crate) fn build_list(&self, stamp: Stamp, key: ListKey) -> Build {
        let Ok(mut building) = self.building.lock() else {
            // A poisoned lock: build alone rather than fail the page.
            return Build::Lead(watch::channel(None).0);
        };
        // Builds under an older stamp are no use to anyone now.
        building.retain(|(s, _), _| *s == stamp);
        if let Some(rx) = building.get(&(stamp, key)) {
            return Build::Wait(rx.clone());
        }
        let (tx, rx) = watch::channel(None);
        building.insert((stamp, key), rx);
        Build::Lead(tx)
    }

    /// Ends the build a [`Build::Lead`] started: keeps the list and hands it to those waiting
    /// (`None`: the build failed, and they build their own); the entry is removed only if it is
    /// this build's.
    pub(crate) fn built(
        &self,
        stamp: Stamp,
        key: ListKey,
        lead: &watch::Sender<Option<Arc<ListIndex>>>,
        list: Option<Arc<ListIndex>>,
    ) {
        self.lists_built.fetch_add(1, Ordering::Relaxed);
        if let Some(list) = list {
            self.put_list(stamp, key, list.clone());
            lead.send_replace(Some(list));
        }
        // Only this build's own entry: a request whose shared build failed builds on a channel
        // nobody waits on, and must not end a newer build that others joined meanwhile.
        if let Ok(mut building) = self.building.lock() {
            let ours = building
                .get(&(stamp, key))
                .is_some_and(|rx| rx.same_channel(&lead.subscribe()));
            if ours {
                building.remove(&(stamp, key));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Ready;

    #[test]
    fn the_publication_reading_moves_forward_and_starts_again_when_the_log_went_back() {
        let ready = Ready::default();
        assert_eq!(ready.published(), (-1, -1));
        ready.set_published(10, 7);
        assert_eq!(ready.published(), (10, 7));
        // A caller that read an older id leaves the newer reading.
        ready.set_published(8, 9);
        assert_eq!(ready.published(), (10, 7));
        ready.set_published(12, 7);
        assert_eq!(ready.published(), (12, 7));
        // A restored backup: the log's newest id is below what was read.
        ready.restart_published(5);
        assert_eq!(ready.published(), (5, 5));
        ready.set_published(6, 6);
        assert_eq!(ready.published(), (6, 6));
    }
}

#![doc = include_str!("../README.md")]

mod words;

use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Mutex;

use chrono::NaiveDate;
use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::{Count, TopDocs, TopNComputer};
use tantivy::query::{
    AllQuery, Bm25Weight, BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, Occur, Query,
    TermQuery, Weight,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{
    DocAddress, DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, Score, Searcher,
    TantivyDocument, Term, doc,
};

/// What can go wrong with the index (operators read these; users see a generic message).
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// tantivy failed.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index folder cannot be used.
    #[error("搜索索引目录 {0} 无法使用：{1}")]
    Folder(String, String),
    /// Another process (a running `gongkai serve`) writes this index.
    #[error(
        "搜索索引 {0} 正被另一个进程（运行中的 gongkai serve）使用。运行中的服务会自行跟上数据库的变化；\
         要重建索引，请先停止服务再运行 gongkai search reindex，或直接重启服务（启动时发现索引不全会在后台重建）。"
    )]
    InUse(String),
    /// The folder holds files that are not an index's: it is not emptied.
    #[error(
        "搜索索引目录 {0} 中有不属于搜索索引的文件（{1}），索引打不开时不会删除它们。\
         请用 --search-dir 指定一个专用的目录（例如数据目录下的 search-8081），或移走这些文件。"
    )]
    NotAnIndex(String, String),
}

/// One published item as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    /// Item id.
    pub id: i64,
    /// Agency slug.
    pub agency: String,
    /// Catalogue category.
    pub category: String,
    /// 文件类型 key (`rule`, `normative_document`, `interpretation`, `other`), or empty.
    pub kind: String,
    /// 发布日期.
    pub published_on: NaiveDate,
    /// Title.
    pub title: String,
    /// Body as plain text.
    pub body: String,
    /// 发文字号.
    pub doc_number: String,
    /// 索引号.
    pub index_no: String,
}

/// A search.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// What was typed.
    pub text: String,
    /// Only this agency (slug).
    pub agency: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Only items published in this year.
    pub year: Option<i32>,
    /// Only this 文件类型 key.
    pub kind: Option<String>,
    /// Page, from 1.
    pub page: usize,
    /// Hits per page.
    pub per_page: usize,
    /// Best match first, or newest first.
    pub order: Order,
}

/// The order of the hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    /// Best match first (title words count more than body words).
    #[default]
    Relevance,
    /// Newest 发布日期 first (ordered in the index, so as fast as by relevance).
    Newest,
}

impl Order {
    /// The order by the key a search form sends (`date`: newest first; anything else: relevance).
    pub fn from_key(key: &str) -> Self {
        if key == "date" {
            Self::Newest
        } else {
            Self::Relevance
        }
    }

    /// The key a search form sends for this order.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Relevance => "relevance",
            Self::Newest => "date",
        }
    }
}

/// A page of hits and how many there are in all.
///
/// Hits are item ids: the index finds items, the database keeps them. What a page shows of each
/// hit (title, agency, date, body) is read from the database by id, and marked with `marks`.
/// Kept in the index, those texts were 96% of its size, all of it mapped into the server's memory
/// as hits touched it (192 of 200 MB at 100,000 items); and an item withdrawn by another server
/// showed with its old text until the index caught up.
#[derive(Debug, Clone)]
pub struct Results {
    /// This page's items, in order.
    pub ids: Vec<i64>,
    /// The order they come in: the one asked for, or newest first when nothing was typed to rank
    /// by (filters alone). A form shows this one.
    pub order: Order,
    /// How many hits there are.
    pub total: Total,
    /// The query's words, to mark in each hit's title and body.
    pub marks: Marks,
    /// Only words to leave out were typed (`-会议`): the page says why nothing was found.
    pub left_out_only: bool,
}

/// What the typed words ask for ([`SearchIndex::words_query`]).
struct Words {
    query: Box<dyn Query>,
    /// Every term required, when no word has alternatives (`OR`): the terms
    /// [`SearchIndex::ranked_in_two_steps`] ranks by.
    terms: Option<Vec<String>>,
}

/// What narrows a search besides its words ([`SearchIndex::narrowing`]).
#[derive(Default)]
struct Narrowing {
    /// The words left out (`MustNot`) and the filters held (`Must`, scoring nothing).
    clauses: Vec<(Occur, Box<dyn Query>)>,
    /// The items of each filter held (replaced copies included), for
    /// [`SearchIndex::likely_hits`].
    items: Vec<u64>,
    /// A filter was asked for and left out as every document holds it.
    dropped: bool,
}

impl Narrowing {
    /// The clauses as one query, which a hit of the words must also match to be kept; `None`
    /// when nothing narrows.
    fn query(&self) -> Option<BooleanQuery> {
        if self.clauses.is_empty() {
            return None;
        }
        let mut all: Vec<(Occur, Box<dyn Query>)> = self
            .clauses
            .iter()
            .map(|(o, q)| (*o, q.box_clone()))
            .collect();
        // Words left out alone match nothing in tantivy: they leave out of every document.
        if self.items.is_empty() {
            all.push((Occur::Must, Box::new(AllQuery)));
        }
        Some(BooleanQuery::new(all))
    }
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    agency: Field,
    category: Field,
    kind: Field,
    year: Field,
    newest: Field,
    title: Field,
    all: Field,
    exact: Field,
}

/// The analyzer of the word fields: Han runs of one to four characters, letters and digits in runs,
/// lowered ([`words`]). (The name changes with the analyzer: an index built by another one has
/// another schema, and is rebuilt rather than searched with terms it does not hold.)
const WORDS: &str = "han_runs_letters_digits";

/// The deepest hit a search pages to (500 pages of 20). Paging to hit N makes tantivy hold N
/// candidates at once: `page=100000000` asked for 32 GB and the allocation aborted the server.
pub const MAX_HITS: usize = 10_000;

/// Words are matched in one field, `all` (title, body, 发文字号 and 索引号 together), and the title
/// is indexed again on its own only to rank title matches first. A search for two words is then
/// the intersection of two posting lists, with the title's lists read only for the documents in
/// it: matched field by field, each word was a union of three lists, and refilling those unions
/// was a fifth of a search's time. Neither needs positions (no phrase queries), only frequencies.
fn schema() -> (Schema, Fields) {
    let mut sb = Schema::builder();
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(WORDS)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: sb.add_i64_field("id", INDEXED | FAST),
        agency: sb.add_text_field("agency", STRING),
        category: sb.add_text_field("category", STRING),
        kind: sb.add_text_field("kind", STRING),
        year: sb.add_i64_field("year", INDEXED | FAST),
        // 发布日期 then id, in one number: newest first, the later of one day's items first.
        newest: sb.add_i64_field("newest", FAST),
        title: sb.add_text_field("title", words.clone()),
        // Title, body, 发文字号, 索引号 and 发布日期. Its name changes with what it holds, as the
        // analyzer's does: an index holding less has another schema and is rebuilt.
        all: sb.add_text_field("all_dated", words),
        exact: sb.add_text_field("exact", STRING),
    };
    (sb.build(), fields)
}

/// Nothing is stored but the ids, as a fast field (see [`Results`]): the settings are tantivy's.
fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings::default()
}

/// The order key of "newest first": the day of 发布日期 in the high bits, the item's id in the low
/// 32, so items of one day come latest published first (ids are far below 2³² at any scale
/// measured; a larger one only loses its place among that day's items).
fn newest_key(d: &SearchDoc) -> i64 {
    let day = i64::from(chrono::Datelike::num_days_from_ce(&d.published_on));
    (day << 32) | (d.id & 0xFFFF_FFFF)
}

/// The index, shared by every request of a process.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    f: Fields,
    /// The folder's lock ([`SearchIndex::open`]), released when the index is dropped.
    _lock: Option<std::fs::File>,
}

/// The lock file in an index's folder (tantivy's own are `.tantivy-*.lock`).
const LOCK_FILE: &str = ".gongkai.lock";

/// What went wrong with an index folder's file system, said so an operator knows what to change
/// (the raw text was "Permission denied (os error 13)" in a Chinese sentence).
fn io_text(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let what = match e.kind() {
        K::PermissionDenied => "没有读写权限：运行服务的系统用户须能读写这个目录",
        K::AlreadyExists | K::NotADirectory => "同名的文件已存在，它不是目录",
        K::ReadOnlyFilesystem => "所在的文件系统只读",
        K::StorageFull => "磁盘已满",
        _ => return e.to_string(),
    };
    format!("{what}（{e}）")
}

/// Whether `name` is a file tantivy or gongkai makes in an index folder.
fn index_file(name: &str) -> bool {
    const SUFFIXES: [&str; 7] = [
        ".idx",
        ".pos",
        ".term",
        ".store",
        ".fast",
        ".fieldnorm",
        ".del",
    ];
    matches!(name, "meta.json" | "managed.json" | ".managed.json" | LOCK_FILE)
        // Its locks, and the temporary files of its atomic writes.
        || name.starts_with(".tantivy-")
        || name.starts_with(".tmp")
        || SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// The folder `dir` cannot be used, and why.
fn folder_error(dir: &Path, e: &std::io::Error) -> SearchError {
    SearchError::Folder(dir.display().to_string(), io_text(e))
}

/// Removes an index's files from its folder (its lock file kept), after checking that the folder
/// holds nothing else: an index folder set to the data folder by mistake held the SQLite
/// database and the audit key, and emptying it whole (as it once was) deleted them.
fn empty(dir: &Path) -> Result<(), SearchError> {
    let folder = |e: &std::io::Error| folder_error(dir, e);
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)
        .map_err(|e| folder(&e))?
        .collect::<Result<_, _>>()
        .map_err(|e| folder(&e))?;
    let foreign: Vec<String> = entries
        .iter()
        .filter(|e| {
            !(e.file_type().is_ok_and(|t| t.is_file())
                && e.file_name().to_str().is_some_and(index_file))
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if !foreign.is_empty() {
        let mut named = foreign
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("、");
        if foreign.len() > 3 {
            named = format!("{named} 等 {} 个", foreign.len());
        }
        return Err(SearchError::NotAnIndex(dir.display().to_string(), named));
    }
    for entry in entries {
        if entry.file_name() != LOCK_FILE {
            std::fs::remove_file(entry.path()).map_err(|e| folder(&e))?;
        }
    }
    Ok(())
}

/// How [`SearchIndex::followed`] is written in the commit payload.
const FOLLOWED: &str = "followed ";

fn parse_followed(payload: &str) -> Option<(i64, i64)> {
    let (ms, id) = payload.strip_prefix(FOLLOWED)?.split_once(' ')?;
    Some((ms.parse().ok()?, id.parse().ok()?))
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir` (created if missing; recreated if it was built with another
    /// schema — it is derived data), or an index in memory when `dir` is `None` (tests).
    ///
    /// The folder is locked first (a lock file held for the life of the index): an index this
    /// binary cannot open is emptied and made anew, and before the lock, a second process that
    /// could not open a running server's index (a newer binary's `search reindex` during an
    /// upgrade) deleted the server's files from under it, its writer's lock file with them.
    pub fn open(dir: Option<&Path>) -> Result<Self, SearchError> {
        let (schema, f) = schema();
        let builder = || Index::builder().schema(schema.clone()).settings(settings());
        let (index, lock) = match dir {
            None => (builder().create_in_ram()?, None),
            Some(dir) => {
                let folder = |e: &std::io::Error| folder_error(dir, e);
                std::fs::create_dir_all(dir).map_err(|e| folder(&e))?;
                let lock = std::fs::File::options()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(dir.join(LOCK_FILE))
                    .map_err(|e| folder(&e))?;
                lock.try_lock().map_err(|e| match e {
                    std::fs::TryLockError::WouldBlock => {
                        SearchError::InUse(dir.display().to_string())
                    }
                    std::fs::TryLockError::Error(e) => folder(&e),
                })?;
                let opened = tantivy::directory::MmapDirectory::open(dir)
                    .map_err(|e| SearchError::Folder(dir.display().to_string(), e.to_string()))
                    .and_then(|d| Ok(builder().open_or_create(d)?));
                let index = if let Ok(i) = opened {
                    i
                } else {
                    empty(dir)?;
                    builder().create_in_dir(dir)?
                };
                (index, Some(lock))
            }
        };
        index.tokenizers().register(
            WORDS,
            tantivy::tokenizer::TextAnalyzer::from(words::HanRuns::default()),
        );
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = index
            .writer_with_num_threads(1, 50_000_000)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(
                    tantivy::directory::error::LockError::LockBusy,
                    _,
                ) => SearchError::InUse(dir.map_or_else(String::new, |d| d.display().to_string())),
                e => SearchError::Index(e),
            })?;
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(writer),
            f,
            _lock: lock,
        })
    }

    fn document(&self, d: &SearchDoc) -> TantivyDocument {
        let f = self.f;
        let mut doc = doc!(
            f.id => d.id,
            f.agency => d.agency.clone(),
            f.category => d.category.clone(),
            f.kind => d.kind.clone(),
            f.year => i64::from(chrono::Datelike::year(&d.published_on)),
            f.newest => newest_key(d),
            f.title => d.title.clone(),
            f.all => d.title.clone(),
            f.all => d.body.clone(),
            f.all => format!("{} {}", d.doc_number, d.index_no),
            // 发布日期 as pages write it and as people say it: 2024-01 and 2024年1月 find the
            // items of that month (a walk: a date shown on an item found nothing).
            f.all => format!(
                "{} {}年{}月{}日",
                d.published_on,
                chrono::Datelike::year(&d.published_on),
                chrono::Datelike::month(&d.published_on),
                chrono::Datelike::day(&d.published_on)
            ),
        );
        for exact in [&d.doc_number, &d.index_no] {
            if !exact.is_empty() {
                doc.add_text(f.exact, exact);
            }
        }
        doc
    }

    /// The one writer (a panic in an earlier write leaves it usable: tantivy's own state is
    /// consistent between commits).
    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        self.writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write<T>(
        &self,
        work: impl FnOnce(&mut IndexWriter) -> Result<T, SearchError>,
    ) -> Result<T, SearchError> {
        self.write_following(None, work)
    }

    /// Commits `work`, recording `followed` (when given) as what the index now holds: under the
    /// writer's lock, so a commit of another write cannot record it before `work` is in.
    fn write_following<T>(
        &self,
        followed: Option<(i64, i64)>,
        work: impl FnOnce(&mut IndexWriter) -> Result<T, SearchError>,
    ) -> Result<T, SearchError> {
        let mut w = self.writer();
        let out = work(&mut w)?;
        self.commit(&mut w, followed)?;
        self.reader.reload()?;
        Ok(out)
    }

    /// Commits, saving as the commit's payload `followed`, or else (a write that followed
    /// nothing: this process's own publications) what the last commit saved. Called with the
    /// writer held, so the last commit is the one on disk.
    fn commit(&self, w: &mut IndexWriter, followed: Option<(i64, i64)>) -> Result<(), SearchError> {
        let mut commit = w.prepare_commit()?;
        if let Some((ms, id)) = followed.or_else(|| self.followed()) {
            commit.set_payload(&format!("{FOLLOWED}{ms} {id}"));
        }
        commit.commit()?;
        Ok(())
    }

    /// A number that changes whenever what searches find changes. The page cache keeps a search
    /// page under it as well as under the database's version: a page rendered after a change
    /// reached the database but before this process's index had it was kept, stale, until the
    /// next write or five minutes on (an operator's walk: 0 hits shown for 5 minutes after an
    /// import another server had followed in). It is tantivy's number of the searcher made after
    /// the last commit.
    pub fn generation(&self) -> u64 {
        self.reader.searcher().generation().generation_id()
    }

    /// The newest item change (`updated_ms`, id) the index holds every change up to, as its
    /// last commit recorded it (`None`: never recorded, or an index from before it was).
    pub fn followed(&self) -> Option<(i64, i64)> {
        self.index
            .load_metas()
            .ok()?
            .payload
            .as_deref()
            .and_then(parse_followed)
    }

    /// Adds or replaces an item; searchable when this returns.
    pub fn upsert(&self, d: &SearchDoc) -> Result<(), SearchError> {
        self.write(|w| {
            w.delete_term(Term::from_field_i64(self.f.id, d.id));
            w.add_document(self.document(d))?;
            Ok(())
        })
    }

    /// Removes an item (withdrawn); gone from results when this returns.
    pub fn remove(&self, id: i64) -> Result<(), SearchError> {
        self.write(|w| {
            w.delete_term(Term::from_field_i64(self.f.id, id));
            Ok(())
        })
    }

    /// Applies a batch of changes in one commit: each entry replaces its item (`Ok`) or removes it
    /// (`Err(id)`, withdrawn), and records `followed`, the newest change the index now holds
    /// every change up to ([`SearchIndex::followed`]). Used to follow changes made by other
    /// processes.
    pub fn apply(
        &self,
        changes: &[Result<SearchDoc, i64>],
        followed: (i64, i64),
    ) -> Result<(), SearchError> {
        self.write_following(Some(followed), |w| {
            for change in changes {
                match change {
                    Ok(d) => {
                        w.delete_term(Term::from_field_i64(self.f.id, d.id));
                        w.add_document(self.document(d))?;
                    }
                    Err(id) => {
                        w.delete_term(Term::from_field_i64(self.f.id, *id));
                    }
                }
            }
            Ok(())
        })
    }

    /// Replaces the whole index with `docs`, calling `progress` after each.
    pub fn rebuild(
        &self,
        docs: impl IntoIterator<Item = SearchDoc>,
        mut progress: impl FnMut(usize),
    ) -> Result<usize, SearchError> {
        let n = self.write(|w| {
            w.delete_all_documents()?;
            let mut n = 0;
            for d in docs {
                w.add_document(self.document(&d))?;
                n += 1;
                progress(n);
            }
            Ok(n)
        })?;
        self.merge_all()?;
        Ok(n)
    }

    /// Replaces the whole index with `docs` as they come, calling `progress` after each; if one
    /// of them is an error (the database could not be read), the index is left as it was and the
    /// error returned (`Ok(Err(e))`). `followed` is the newest item change read *before* the
    /// first of `docs` was ([`SearchIndex::followed`]).
    pub fn try_rebuild<E>(
        &self,
        docs: impl IntoIterator<Item = Result<SearchDoc, E>>,
        followed: Option<(i64, i64)>,
        mut progress: impl FnMut(usize),
    ) -> Result<Result<usize, E>, SearchError> {
        let mut w = self.writer();
        w.delete_all_documents()?;
        let mut n = 0;
        for d in docs {
            match d {
                Ok(d) => {
                    w.add_document(self.document(&d))?;
                    n += 1;
                    progress(n);
                }
                Err(e) => {
                    w.rollback()?;
                    return Ok(Err(e));
                }
            }
        }
        self.commit(&mut w, followed)?;
        drop(w);
        self.merge_all()?;
        Ok(Ok(n))
    }

    /// Merges the index's segments into one, after a rebuild. The writer leaves one segment per
    /// 50 MB of its memory (three at 100,000 items), and every search pays per segment to look up
    /// its words and open their lists: searches ran 11% faster on the merged index
    /// (`examples/search_speed.rs`). Later changes add small segments, which tantivy's merge
    /// policy gathers as they come.
    ///
    /// The merge only speeds searches up: the documents are committed before it. When it fails
    /// (tantivy's background merges can take some of the segments first: "The segments that were
    /// merged could not be found", seen on a rebuild leaving many segments), the index is used as
    /// it is instead of the whole rebuild being reported failed.
    fn merge_all(&self) -> Result<(), SearchError> {
        let mut w = self.writer();
        let ids = self.index.searchable_segment_ids()?;
        if ids.len() > 1 {
            let _ = w.merge(&ids).wait();
        }
        self.reader.reload()?;
        Ok(())
    }

    /// How many items are indexed.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What the typed words ask for, or `None` when no word was typed: every entry of
    /// [`Typed::wanted`] required (one of its words when it has several, each word all the terms
    /// it is cut into), or the exact 发文字号 or 索引号.
    /// `exact`: the text's forms as a 发文字号 or 索引号 ([`exact_forms`]).
    fn words_query(&self, typed: &Typed, exact: &[String]) -> Option<Words> {
        // Every term somewhere in the item; each found in the title ranks it higher. Each term
        // is its own pair (required in `all`, optional in the title): the title's list is then
        // read by seeking one list to each hit, where the terms' title clauses side by side
        // were merged into a union refilled window by window, a fifth of a search's time.
        let f = self.f;
        let pair = |w: &str| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, term(f.all, w)),
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(term(f.title, w), TITLE_BOOST)),
                ),
            ]))
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut required: Vec<String> = Vec::new();
        let mut either = false;
        for entry in &typed.wanted {
            let alternatives = cut(entry);
            match alternatives.as_slice() {
                [] => {}
                [one] => {
                    for w in one {
                        if !required.contains(w) {
                            required.push(w.clone());
                            clauses.push((Occur::Must, pair(w)));
                        }
                    }
                }
                // One of the words, each with all its terms.
                many => {
                    either = true;
                    let any: Vec<(Occur, Box<dyn Query>)> = many
                        .iter()
                        .map(|terms| {
                            let all: Vec<(Occur, Box<dyn Query>)> =
                                terms.iter().map(|w| (Occur::Must, pair(w))).collect();
                            (
                                Occur::Should,
                                Box::new(BooleanQuery::new(all)) as Box<dyn Query>,
                            )
                        })
                        .collect();
                    clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
                }
            }
        }
        if clauses.is_empty() {
            return None;
        }
        // A 发文字号 or 索引号 typed in full also matches exactly.
        let mut whole: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Should, Box::new(BooleanQuery::new(clauses)))];
        for form in exact {
            whole.push((
                Occur::Should,
                Box::new(BoostQuery::new(term(f.exact, form), 10.0)),
            ));
        }
        let query = Box::new(BooleanQuery::new(whole));
        Some(Words {
            query,
            terms: (!either).then_some(required),
        })
    }

    /// What narrows a search: the words left out (an item is left out when it has all the terms
    /// of one), the agency, category, kind and year. A filter every document holds is dropped
    /// ([`Narrowing::dropped`]).
    fn narrowing(
        &self,
        searcher: &Searcher,
        typed: &Typed,
        q: &SearchQuery,
    ) -> Result<Narrowing, SearchError> {
        let f = self.f;
        let mut narrowing = Narrowing::default();
        for terms in cut(&typed.unwanted) {
            let all: Vec<(Occur, Box<dyn Query>)> = terms
                .iter()
                .map(|w| (Occur::Must, term(f.all, w)))
                .collect();
            narrowing
                .clauses
                .push((Occur::MustNot, Box::new(BooleanQuery::new(all))));
        }
        let mut asked = Vec::new();
        for (field, value) in [
            (f.agency, &q.agency),
            (f.category, &q.category),
            (f.kind, &q.kind),
        ] {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                asked.push(Term::from_field_text(field, v));
            }
        }
        if let Some(y) = q.year {
            asked.push(Term::from_field_i64(f.year, i64::from(y)));
        }
        let documents: u64 = searcher
            .segment_readers()
            .iter()
            .map(|r| u64::from(r.max_doc()))
            .sum();
        for t in asked {
            let items = searcher.doc_freq(&t)?;
            // Every document (replaced copies included) holds it: a town's one agency on its
            // own site. As a clause it narrowed nothing and sent a search of common words down
            // the path that counts and ranks every hit (4.4 ms a search, against 1.1 ms).
            if documents > 0 && items >= documents {
                narrowing.dropped = true;
                continue;
            }
            narrowing.items.push(items);
            // A filter, not a word: it adds nothing to a hit's score, so that a search ranks
            // its hits alike whether it is ranked in one pass or in two steps.
            narrowing
                .clauses
                .push((Occur::Must, Box::new(ConstScoreQuery::new(held(t), 0.0))));
        }
        Ok(narrowing)
    }

    /// Runs a search. An empty text with filters lists the filtered items, newest first; an
    /// empty text with no filter finds nothing.
    pub fn search(&self, q: &SearchQuery) -> Result<Results, SearchError> {
        let text = q.text.trim();
        let typed = Typed::read(text);
        let exact = exact_forms(text);
        let (words, terms) = match self.words_query(&typed, &exact) {
            Some(w) => (Some(w.query), w.terms),
            None => (None, None),
        };
        let has_words = words.is_some();
        // Without words, the filters alone list their items, newest first (there is nothing to
        // rank them by).
        let order = if words.is_some() {
            q.order
        } else {
            Order::Newest
        };
        let searcher = self.reader.searcher();
        let narrowing = self.narrowing(&searcher, &typed, q)?;
        let narrow = narrowing.query();
        let Narrowing {
            clauses,
            items,
            dropped,
        } = narrowing;
        let mut filters: Vec<(Occur, Box<dyn Query>)> =
            words.map(|w| (Occur::Must, w)).into_iter().collect();
        filters.extend(clauses);
        // A filter left out as every item holds it still asks for every item.
        if dropped && filters.iter().all(|(o, _)| *o == Occur::MustNot) {
            filters.push((Occur::Must, Box::new(AllQuery)));
        }
        // Marked as typed: a long run whole, not the windows it asked for.
        let marks = Marks::new(&words::marked_runs(
            typed.wanted.iter().flatten().map(String::as_str),
        ));
        let left_out_only = typed.wanted.is_empty() && !typed.unwanted.is_empty();
        let no_hits = |total, marks| Results {
            ids: Vec::new(),
            order,
            total,
            marks,
            left_out_only,
        };
        // Words left out alone, without a word or filter to take them from, find nothing.
        if filters.iter().all(|(o, _)| *o == Occur::MustNot) {
            return Ok(no_hits(Total::Exactly(0), marks));
        }
        let query = BooleanQuery::new(filters);
        let per_page = q.per_page.clamp(1, 100);
        let offset = q.page.saturating_sub(1).saturating_mul(per_page);
        if offset.saturating_add(per_page) > MAX_HITS {
            // Past the deepest page: no hits, only how many there are.
            return Ok(no_hits(count(&searcher, &query, COUNTED, u64::MAX)?, marks));
        }
        let k = offset + per_page;
        let mut held_exactly = 0;
        for form in &exact {
            held_exactly += searcher.doc_freq(&Term::from_field_text(self.f.exact, form))?;
        }
        // Words alone, each required (narrowed or not), unless the text is a 发文字号 or 索引号
        // some item has exactly: ranked in two steps when there are many hits, and counted
        // from what their terms' items say.
        let plain = terms.filter(|_| held_exactly == 0);
        let found: Vec<DocAddress>;
        let total;
        match (order, plain) {
            (Order::Relevance, Some(terms)) => {
                let weight = query.weight(EnableScoring::enabled_from_searcher(&searcher))?;
                // Words each in most items surely have more hits than one pass ranks: walking
                // its budget first was an eighth of such a search.
                let likely = self.likely_hits(&searcher, &terms, &items)?;
                let one_pass = if likely.hits > 2 * ONE_PASS_HITS as u64 {
                    None
                } else {
                    best_within(&searcher, weight.as_ref(), k, ONE_PASS_HITS)?
                };
                let (best, n) = match one_pass {
                    Some((best, n)) => (best, Total::Exactly(n)),
                    None => {
                        self.ranked_in_two_steps(&searcher, &terms, narrow.as_ref(), likely, k)?
                    }
                };
                found = best.into_iter().map(|(_, a)| a).collect();
                total = n;
            }
            (Order::Relevance, None) => {
                // One pass collects the page and counts every hit. (The query is a union of
                // the words' alternatives, or with the exact match, so block-WAND cannot skip
                // anything: a separate count walked every hit a second time.)
                let top = TopDocs::with_limit(k).order_by_score();
                let (best, n) = searcher.search(&query, &(top, Count))?;
                found = best.into_iter().map(|(_, a)| a).collect();
                total = Total::Exactly(n);
            }
            (Order::Newest, plain) => {
                total = match plain {
                    Some(terms) => {
                        let likely = self.likely_hits(&searcher, &terms, &items)?;
                        hits_total(&searcher, &terms, &query, narrow.is_some(), likely)?
                    }
                    // Filters alone: their lists are walked without scoring, and counted whole.
                    None if has_words => count(&searcher, &query, COUNTED, u64::MAX)?,
                    None => count(&searcher, &query, usize::MAX, u64::MAX)?,
                };
                // A search within one year has nothing to gain from going year by year.
                let years = q.year.is_none().then_some(self.f.year);
                found = newest_first(&searcher, years, &query, total.n(), k)?;
            }
        }
        let ids = ids(&searcher, found.into_iter().skip(offset))?;
        Ok(Results {
            ids,
            order,
            total,
            marks,
            left_out_only,
        })
    }

    /// What the items of each of `terms` and of each filter held (`filters`: their items) say of
    /// a search's hits before any is read ([`Likely`]): one look-up a term.
    fn likely_hits(
        &self,
        searcher: &Searcher,
        terms: &[String],
        filters: &[u64],
    ) -> Result<Likely, SearchError> {
        let n = u128::from(searcher.num_docs().max(1));
        let mut likely = n;
        let mut rarest = u64::MAX;
        let mut each = terms
            .iter()
            .map(|w| searcher.doc_freq(&Term::from_field_text(self.f.all, w)))
            .chain(filters.iter().map(|&items| Ok(items)));
        for df in &mut each {
            let df = df?;
            likely = likely * u128::from(df) / n;
            rarest = rarest.min(df);
        }
        Ok(Likely {
            hits: u64::try_from(likely).unwrap_or(u64::MAX),
            rarest,
        })
    }

    /// The best `k` hits of a search with many (more than [`ONE_PASS_HITS`]: two common words
    /// are in 95,000 of 100,000 items) and how many there are, without scoring or counting every
    /// hit: that was most of such a search's time. `terms` are the search's, scored as
    /// [`SearchIndex::words_query`] scores them: every term in `all`, each also found in the
    /// title adding [`TITLE_BOOST`] times its title score. Hits split in two:
    /// - those with a term in the title, fewer as titles are short: ranked with that score;
    /// - the rest, whose score is their `all` terms' alone: ranked by the conjunction of those
    ///   terms, which tantivy ranks with block-max pruning (it skips the blocks of hits that
    ///   cannot reach the best found so far).
    ///
    /// The second step is not run when the k-th title hit already outscores anything the `all`
    /// terms can give. The ranking is the one pass's up to the rounding of sums added in another
    /// order (the same hits in the same order; equal scores: the earlier document first); the
    /// count is [`hits_total`]'s. `narrow`, when the search is narrowed: a hit must also
    /// match it, checked as each candidate comes (a filter held by a tenth of the items then
    /// costs the pruning a tenth of its candidates, not a walk of every hit).
    fn ranked_in_two_steps(
        &self,
        searcher: &Searcher,
        terms: &[String],
        narrow: Option<&BooleanQuery>,
        likely: Likely,
        k: usize,
    ) -> Result<(Hits, Total), SearchError> {
        let f = self.f;
        let each = |field: Field, occur: Occur| -> BooleanQuery {
            BooleanQuery::new(terms.iter().map(|w| (occur, term(field, w))).collect())
        };
        let everywhere = each(f.all, Occur::Must);
        let total = match narrow {
            Some(n) => {
                let counted = BooleanQuery::new(vec![
                    (Occur::Must, Box::new(everywhere.clone()) as Box<dyn Query>),
                    (Occur::Must, Box::new(n.clone())),
                ]);
                hits_total(searcher, terms, &counted, true, likely)?
            }
            None => hits_total(searcher, terms, &everywhere, false, likely)?,
        };
        let kept = narrow
            .map(|n| n.weight(EnableScoring::disabled_from_searcher(searcher)))
            .transpose()?;
        let kept = kept.as_deref();
        // The most the `all` terms give an item: each term's BM25 weight (its score as the
        // term's frequency grows without bound).
        let mut most: Score = 0.0;
        for w in terms {
            let t = Term::from_field_text(f.all, w);
            most += Bm25Weight::for_terms(searcher, &[t])?.max_score();
        }
        let mut best = self.best_titled(searcher, &everywhere, terms, kept, k, most)?;
        if best.len() == k && best.last().is_some_and(|(s, _)| *s > most) {
            return Ok((best, total));
        }
        // The best of the conjunction without a term in the title (those with one are ranked
        // above, with their title's share). None below the k-th title hit can place.
        let below = match best.get(k.wrapping_sub(1)) {
            Some((s, _)) => s - s.abs() * 1e-5,
            None => Score::MIN,
        };
        best.extend(self.best_untitled(searcher, &everywhere, terms, kept, k, below)?);
        best.sort_by(|(s1, a1), (s2, a2)| s2.total_cmp(s1).then(a1.cmp(a2)));
        best.truncate(k);
        Ok((best, total))
    }

    /// The best `k` hits of `everywhere` (the conjunction of `terms` in `all`) with none of
    /// `terms` in the title and a score above `below`: tantivy's block-max pruning of the
    /// conjunction starts from `below` (the k-th title hit's score), and a hit with a term in its
    /// title is passed over by seeking the terms' title lists, where asking `TopDocs` for twice
    /// as many as wanted and leaving those out after (more when too few were left) pruned from
    /// nothing.
    fn best_untitled(
        &self,
        searcher: &Searcher,
        everywhere: &BooleanQuery,
        terms: &[String],
        kept: Option<&dyn Weight>,
        k: usize,
        below: Score,
    ) -> Result<Hits, SearchError> {
        let all = everywhere.weight(EnableScoring::enabled_from_searcher(searcher))?;
        let mut best = Best::new(k);
        for (segment_ord, reader) in segments(searcher) {
            let index = reader.inverted_index(self.f.title)?;
            let mut titled = Vec::new();
            for w in terms {
                let t = Term::from_field_text(self.f.title, w);
                let list = index
                    .read_postings(&t, IndexRecordOption::Basic)
                    .map_err(tantivy::TantivyError::from)?;
                titled.extend(list);
            }
            let alive = reader.alive_bitset();
            let mut kept = Kept::new(kept, reader)?;
            all.for_each_pruning(best.floor(0.0).max(below), reader, &mut |doc, score| {
                let in_title = titled.iter_mut().any(|l| holds(l, doc));
                if !in_title && alive.is_none_or(|a| a.is_alive(doc)) && kept.holds(doc) {
                    best.offer(score, DocAddress::new(segment_ord, doc));
                }
                best.floor(0.0).max(below)
            })?;
        }
        Ok(best.into_sorted())
    }

    /// The best `k` hits with one of `terms` in the title, scored as the whole query scores them.
    /// The titles' union is walked with block-WAND (tantivy skips the blocks of a title list
    /// whose best score cannot place), each hit it gives then scored whole by seeking
    /// `everywhere`, the conjunction of the terms in `all`. A hit's whole score is its title's
    /// plus less than `most` (the most the `all` terms can give), so a title score that does
    /// not pass the k-th whole score less `most` cannot place. For words in nearly every item
    /// the `all` terms give almost nothing and the title decides: most title hits are skipped
    /// unread, where scoring every hit with a word in its title was most of such a search.
    fn best_titled(
        &self,
        searcher: &Searcher,
        everywhere: &BooleanQuery,
        terms: &[String],
        kept: Option<&dyn Weight>,
        k: usize,
        most: Score,
    ) -> Result<Hits, SearchError> {
        let scoring = EnableScoring::enabled_from_searcher(searcher);
        let titles: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|w| {
                let boosted: Box<dyn Query> =
                    Box::new(BoostQuery::new(term(self.f.title, w), TITLE_BOOST));
                (Occur::Should, boosted)
            })
            .collect();
        let titles = BooleanQuery::new(titles).weight(scoring)?;
        let all = everywhere.weight(scoring)?;
        let mut best = Best::new(k);
        for (segment_ord, reader) in segments(searcher) {
            let mut whole = all.scorer(reader, 1.0)?;
            let alive = reader.alive_bitset();
            let mut kept = Kept::new(kept, reader)?;
            let floor = best.floor(most);
            titles.for_each_pruning(floor, reader, &mut |doc, title| {
                if alive.is_none_or(|a| a.is_alive(doc))
                    && kept.holds(doc)
                    && holds(whole.as_mut(), doc)
                {
                    best.offer(whole.score() + title, DocAddress::new(segment_ord, doc));
                }
                best.floor(most)
            })?;
        }
        Ok(best.into_sorted())
    }
}

/// The documents of a segment a search's narrowing keeps ([`SearchIndex::ranked_in_two_steps`]):
/// all of them when nothing narrows.
struct Kept(Option<Box<dyn tantivy::query::Scorer>>);

impl Kept {
    fn new(
        weight: Option<&dyn Weight>,
        reader: &tantivy::SegmentReader,
    ) -> Result<Self, SearchError> {
        Ok(Self(weight.map(|w| w.scorer(reader, 1.0)).transpose()?))
    }

    /// Whether `doc` is kept; asked of documents in increasing order.
    fn holds(&mut self, doc: tantivy::DocId) -> bool {
        self.0.as_mut().is_none_or(|s| holds(s.as_mut(), doc))
    }
}

/// Whether `set` holds `doc`, for sets asked of documents in increasing order as another walk
/// hands them over: moved forward to `doc` if behind it, never back.
fn holds<D: DocSet + ?Sized>(set: &mut D, doc: tantivy::DocId) -> bool {
    let mut at = set.doc();
    if at < doc {
        at = set.seek(doc);
    }
    at == doc
}

/// A filter's term as a query: whether a document holds it, nothing more.
fn held(t: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(t, IndexRecordOption::Basic))
}

/// The first `k` hits of `query` newest first, of `hits` (counted or estimated). With many
/// hits, year by year from the latest (`years`: the field of 发布年份, `None` for a search
/// within one year) until `k` are found: every hit of a year is newer than those of the years
/// before, and a page of the newest of 95,000 hits walked all 95,000 for their dates (3.4 ms a
/// search, the slowest kind but one).
fn newest_first(
    searcher: &Searcher,
    years: Option<Field>,
    query: &dyn Query,
    hits: usize,
    k: usize,
) -> Result<Vec<DocAddress>, SearchError> {
    let newest = |query: &dyn Query, k: usize| -> Result<Vec<DocAddress>, SearchError> {
        let top = TopDocs::with_limit(k).order_by_fast_field::<i64>("newest", tantivy::Order::Desc);
        Ok(searcher
            .search(query, &top)?
            .into_iter()
            .map(|(_, a)| a)
            .collect())
    };
    let Some(year) = years.filter(|_| hits > YEAR_BY_YEAR_HITS) else {
        return newest(query, k);
    };
    let mut years: Option<(i64, i64)> = None;
    for reader in searcher.segment_readers() {
        if reader.num_docs() == 0 {
            continue;
        }
        let column = reader.fast_fields().i64("year")?;
        let (lo, hi) = (column.min_value(), column.max_value());
        years = Some(years.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
    }
    let Some((first, last)) = years else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for y in (first..=last).rev() {
        let of_year = BooleanQuery::new(vec![
            (Occur::Must, query.box_clone()),
            (Occur::Must, held(Term::from_field_i64(year, y))),
        ]);
        found.extend(newest(&of_year, k - found.len())?);
        if found.len() >= k {
            break;
        }
    }
    Ok(found)
}

/// How many hits [`newest_first`] takes in one pass; past it, year by year.
const YEAR_BY_YEAR_HITS: usize = 2_000;

/// The items' ids, read from their fast field, each segment's column opened once.
fn ids(
    searcher: &Searcher,
    found: impl IntoIterator<Item = DocAddress>,
) -> Result<Vec<i64>, SearchError> {
    let mut columns: Vec<Option<tantivy::columnar::Column<i64>>> =
        vec![None; searcher.segment_readers().len()];
    let mut ids = Vec::new();
    for addr in found {
        let slot = &mut columns[addr.segment_ord as usize];
        if slot.is_none() {
            *slot = Some(
                searcher
                    .segment_reader(addr.segment_ord)
                    .fast_fields()
                    .i64("id")?,
            );
        }
        ids.extend(slot.as_ref().and_then(|c| c.first(addr.doc_id)));
    }
    Ok(ids)
}

/// Hits with their scores, best first.
type Hits = Vec<(Score, DocAddress)>;

/// The title's share of a search's score ([`SearchIndex::words_query`]).
const TITLE_BOOST: Score = 3.0;

/// How many hits a search is ranked and counted in one pass up to ([`best_within`]); past it,
/// [`SearchIndex::ranked_in_two_steps`] ranks it. Below, one pass was quicker (`search_speed`).
const ONE_PASS_HITS: usize = 3_000;

/// The searcher's segments with their ordinals, as a `DocAddress` holds them.
fn segments(searcher: &Searcher) -> impl Iterator<Item = (u32, &tantivy::SegmentReader)> {
    searcher
        .segment_readers()
        .iter()
        .enumerate()
        .map(|(ord, reader)| (u32::try_from(ord).unwrap_or(u32::MAX), reader))
}

/// Walks the live hits of `weight` in document order, segment after segment, giving `each` every
/// one with its scorer (positioned on it), until `each` breaks: what it broke with.
fn walk_hits<B>(
    searcher: &Searcher,
    weight: &dyn Weight,
    mut each: impl FnMut(DocAddress, &mut dyn tantivy::query::Scorer) -> ControlFlow<B>,
) -> Result<ControlFlow<B>, SearchError> {
    for (segment_ord, reader) in segments(searcher) {
        let mut scorer = weight.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let mut doc = scorer.doc();
        while doc != tantivy::TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc))
                && let ControlFlow::Break(b) =
                    each(DocAddress::new(segment_ord, doc), scorer.as_mut())
            {
                return Ok(ControlFlow::Break(b));
            }
            doc = scorer.advance();
        }
    }
    Ok(ControlFlow::Continue(()))
}

/// The best `k` hits of `weight` and how many there are, in one pass; `None` as soon as there
/// are more than `budget`.
fn best_within(
    searcher: &Searcher,
    weight: &dyn Weight,
    k: usize,
    budget: usize,
) -> Result<Option<(Hits, usize)>, SearchError> {
    let mut best = Best::new(k);
    let mut n = 0usize;
    let walked = walk_hits(searcher, weight, |at, scorer| {
        n += 1;
        if n > budget {
            return ControlFlow::Break(());
        }
        best.offer(scorer.score(), at);
        ControlFlow::Continue(())
    })?;
    Ok(walked.is_continue().then(|| (best.into_sorted(), n)))
}

/// The best `k` hits offered in document order, kept as tantivy's `TopDocs` keeps them (it is
/// the computer `TopDocs` ranks by score with): higher score first, and of equal scores the
/// earlier document.
struct Best(TopNComputer<Score, DocAddress, NaturalComparator>);

impl Best {
    fn new(k: usize) -> Self {
        Self(TopNComputer::new_with_comparator(k, NaturalComparator))
    }

    /// Offers a hit; hits are offered in document order.
    fn offer(&mut self, score: Score, at: DocAddress) {
        self.0.push(score, at);
    }

    /// The score a part of a hit's score must pass for the hit to place, when the rest of its
    /// score is less than `rest`: the lowest that may place, less `rest` (and a little more,
    /// for the rounding of sums added in another order); no floor before `k` hits are kept.
    fn floor(&self, rest: Score) -> Score {
        self.0
            .threshold
            .map_or(Score::MIN, |t| t - rest - t.abs() * 1e-5)
    }

    /// Best first.
    fn into_sorted(self) -> Hits {
        self.0
            .into_sorted_vec()
            .into_iter()
            .map(|c| (c.sort_key, c.doc))
            .collect()
    }
}

/// How many hits a search has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Total {
    /// Counted one by one.
    Exactly(usize),
    /// Past [`COUNTED`]: estimated from a sample of the rest of the index, rounded.
    About(usize),
}

impl Total {
    /// The number, exact or not.
    pub const fn n(self) -> usize {
        match self {
            Self::Exactly(n) | Self::About(n) => n,
        }
    }
}

/// How many hits are counted one by one. Past it the page says "约 N 条": it lists no more than
/// [`MAX_HITS`] anyway, and counting 95,000 hits of two common words took longer than finding the
/// best 20.
pub const COUNTED: usize = MAX_HITS;

/// Counts `query`'s hits, exactly up to `counted_up_to` ([`COUNTED`]); past it, the hits in the
/// rest of the index are estimated from a sample of it (rounded to two significant digits).
/// Items are indexed about in the order they were published, so a word of one period (a year:
/// 2021, 〔2021〕) has its hits bunched together: the share of documents gone through by the
/// first `counted_up_to` said 36,000 for 2021's 19,990. The sample is [`sampled`]'s. The
/// estimate is held to `most`, a count the hits cannot pass ([`count_many`]).
fn count(
    searcher: &Searcher,
    query: &dyn Query,
    counted_up_to: usize,
    most: u64,
) -> Result<Total, SearchError> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let before = segment_starts(searcher);
    let mut counted = 0usize;
    let walked = walk_hits(searcher, weight.as_ref(), |at, _| {
        counted += 1;
        if counted > counted_up_to {
            return ControlFlow::Break(before[at.segment_ord as usize] + u64::from(at.doc_id) + 1);
        }
        ControlFlow::Continue(())
    })?;
    let ControlFlow::Break(seen) = walked else {
        return Ok(Total::Exactly(counted));
    };
    // The hits so far, over the documents so far, guess how many the rest holds.
    let all = before.last().copied().unwrap_or(0);
    let guess = (counted as u64).saturating_mul(all - seen) / seen;
    let cap = (counted_up_to as u64).min(SAMPLED_HITS);
    let rest = sampled(searcher, weight.as_ref(), seen, guess, cap)?;
    let est =
        usize::try_from((counted as u64).saturating_add(rest).min(most)).unwrap_or(usize::MAX);
    // Rounded whatever it is: 10,455 hits said 约 10001 (the 10,001 counted), precise as no
    // estimate is.
    Ok(Total::About(round2(est.max(counted), most)))
}

/// How many hits a search of `terms`, each required, has; `counted` is its query, narrowed
/// or not (`narrowed`), and `likely` what the items of its terms and filters say. With one
/// term, nothing narrowing and no item replaced or removed since the last merge (whose old
/// copies the index still counts), the term's items; else [`count_many`]'s when `likely`
/// says more than four times [`COUNTED`], else [`count`]'s. Every hit holds every term and
/// filter: no count passes the rarest's items.
fn hits_total(
    searcher: &Searcher,
    terms: &[String],
    counted: &dyn Query,
    narrowed: bool,
    likely: Likely,
) -> Result<Total, SearchError> {
    let Likely { hits, rarest } = likely;
    let whole = searcher
        .segment_readers()
        .iter()
        .all(|r| r.num_deleted_docs() == 0);
    if terms.len() == 1 && whole && !narrowed {
        Ok(Total::Exactly(
            usize::try_from(rarest).unwrap_or(usize::MAX),
        ))
    } else if hits > 4 * COUNTED as u64 {
        count_many(searcher, counted, hits, COUNTED, rarest)
    } else {
        count(searcher, counted, COUNTED, rarest)
    }
}

/// What the items of a search's terms say of its hits before any is read
/// ([`SearchIndex::likely_hits`]).
#[derive(Debug, Clone, Copy)]
struct Likely {
    /// How many items hold all the terms if the terms were found independently of each other:
    /// the items times each term's share of them. Words found together more than that have
    /// more hits; words found apart (rare in practice) fewer, which costs a search time, never
    /// its ranking.
    hits: u64,
    /// The rarest term's items (those replaced or removed since the last merge included): no
    /// search of all the terms has more hits.
    rarest: u64,
}

/// The hits of a search whose words are each in most items (`likely` of them if found
/// independently), which surely has more than `counted_up_to` ([`COUNTED`]): estimated from a
/// sample of the whole index, without counting the first [`COUNTED`] one by one (that was a
/// quarter of such a search). When the sample says fewer than four times that, they are
/// counted as [`count`] counts: a sample over windows
/// spread evenly is off by about the length between two windows where hits come bunched, far
/// less than that. The estimate is held to `most`, a count the hits cannot pass (the rarest
/// term's items): a sample that fell on more of them than their share showed 约 33000 for
/// "乡村 乡村振兴", where 乡村 alone is in 32,447 items and showed 约 32000 (a helper's walk).
fn count_many(
    searcher: &Searcher,
    query: &dyn Query,
    likely: u64,
    counted_up_to: usize,
    most: u64,
) -> Result<Total, SearchError> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let cap = (counted_up_to as u64).min(SAMPLED_HITS);
    let est = sampled(searcher, weight.as_ref(), 0, likely, cap)?.min(most);
    if est >= 4 * counted_up_to as u64 {
        return Ok(Total::About(round2(
            usize::try_from(est).unwrap_or(usize::MAX),
            most,
        )));
    }
    count(searcher, query, counted_up_to, most)
}

/// Where each segment starts among all the index's documents, and (last) how many there are.
fn segment_starts(searcher: &Searcher) -> Vec<u64> {
    let mut starts = vec![0];
    for reader in searcher.segment_readers() {
        let last = starts.last().copied().unwrap_or(0);
        starts.push(last + u64::from(reader.max_doc()));
    }
    starts
}

/// How many hits of `weight` the documents from `from` (counted over all segments) on hold,
/// estimated from [`SAMPLE_WINDOWS`] windows spread evenly over each segment's part (each in
/// the middle of its stretch), each as
/// long as makes about `cap` hits in all when there are about `guess` (all of the part when
/// `guess` is no more than `cap`).
fn sampled(
    searcher: &Searcher,
    weight: &dyn Weight,
    from: u64,
    guess: u64,
    cap: u64,
) -> Result<u64, SearchError> {
    let starts = segment_starts(searcher);
    let all = starts.last().copied().unwrap_or(0);
    let (mut found, mut read) = (0u64, 0u64);
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let from = from.saturating_sub(starts[ord]);
        let to = u64::from(reader.max_doc());
        if from >= to {
            continue;
        }
        let mut scorer = weight.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let span = to - from;
        let windows = SAMPLE_WINDOWS.min(span);
        let stride = span / windows;
        let len = if guess <= cap {
            stride
        } else {
            stride.saturating_mul(cap).div_ceil(guess).clamp(1, stride)
        };
        for w in 0..windows {
            // In the middle of its stretch: the first at the very start read the first items
            // alone, which were a site's own (the demo's 24, none with the words) and said 1% less.
            let a = from + span * w / windows + (stride - len) / 2;
            let b = (a + len).min(to);
            let (a32, b32) = (doc_id(a), doc_id(b));
            let mut doc = scorer.doc();
            if doc < a32 {
                doc = scorer.seek(a32);
            }
            while doc < b32 {
                if alive.is_none_or(|x| x.is_alive(doc)) {
                    found += 1;
                }
                doc = scorer.advance();
            }
            read += b - a;
        }
    }
    Ok(found.saturating_mul(all.saturating_sub(from)) / read.max(1))
}

/// A document number within a segment (segments hold fewer than 2³² documents).
fn doc_id(n: u64) -> tantivy::DocId {
    tantivy::DocId::try_from(n).unwrap_or(tantivy::DocId::MAX)
}

/// About how many hits [`count`]'s sample of the rest holds: enough for a count rounded to
/// two digits (a sample of 2,000 is off by about 2%), where a sample as large as the count
/// (10,000) was half of the count's time.
const SAMPLED_HITS: u64 = 2_000;

/// Windows [`count`] samples the rest of a segment in.
const SAMPLE_WINDOWS: u64 = 64;

/// `n` to two significant digits (95,260 → 95,000); where that would pass `most` (a count the
/// hits cannot pass), three, rounded down: to the nearest, 13,918 items of a 栏目 searched for
/// a word said 约 14000, and a word in 99,561 items narrowed by a filter said 约 100000 (a
/// helper's walk); now 约 13900 and 约 99500.
fn round2(n: usize, most: u64) -> usize {
    let mut unit = 1;
    while n / unit >= 100 {
        unit *= 10;
    }
    let nearest = (n + unit / 2) / unit * unit;
    if u64::try_from(nearest).map_or(true, |r| r > most) {
        let finer = (unit / 10).max(1);
        n / finer * finer
    } else {
        nearest
    }
}

/// What a typed 发文字号 or 索引号 is looked up as: as typed, and as a 发文字号 writes it
/// (GB/T 9704) when typed otherwise: the year in 〔 〕 where it was typed in [ ], ［ ］, 【 】,
/// 〖 〗, ( ), （ ）or ﹝ ﹞, without spaces (马坊发 〔2020〕 14号), and ending in 号 when typed
/// without (马坊发〔2020〕14). Typed with ASCII brackets, a number ranked first an item that only
/// mentioned 101个 (a helper's walk).
fn exact_forms(text: &str) -> Vec<String> {
    let mut standard: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '[' | '［' | '【' | '〖' | '(' | '（' | '﹝' => '〔',
            ']' | '］' | '】' | '〗' | ')' | '）' | '﹞' => '〕',
            c => c,
        })
        .collect();
    if standard.contains('〕') && standard.ends_with(|c: char| c.is_ascii_digit()) {
        standard.push('号');
    }
    let mut forms = vec![text.to_owned()];
    if standard != text {
        forms.push(standard);
    }
    forms
}

/// A word's term in `field`, counted (for ranking).
fn term(field: Field, v: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, v),
        IndexRecordOption::WithFreqs,
    ))
}

/// Each typed word cut once into the terms it asks for ([`words::query_terms`]); words that
/// hold none (punctuation) dropped.
fn cut(typed: &[String]) -> Vec<Vec<String>> {
    typed
        .iter()
        .map(|t| words::query_terms(t))
        .filter(|terms| !terms.is_empty())
        .collect()
}

/// What was typed, read as a visitor means it: words apart are all required; `OR` (in any case,
/// or `|` with or without spaces around it) between two words asks for either, binding only those two
/// (`补贴 招聘 OR 预算` is 补贴 and one of 招聘, 预算); `-词` (or `－词`) leaves out the items that
/// have 词; `AND` and a leading `+` change nothing (they are the default). Everything else is
/// words.
struct Typed {
    /// Every entry is required: one of its words (most have one).
    wanted: Vec<Vec<String>>,
    unwanted: Vec<String>,
}

impl Typed {
    fn read(text: &str) -> Self {
        let mut typed = Self {
            wanted: Vec::new(),
            unwanted: Vec::new(),
        };
        // Whether the last thing read was an `OR` after a word, so the next word joins that
        // word's entry.
        let mut or = false;
        for token in text.split_whitespace() {
            // `补贴|招聘` is `补贴 | 招聘`.
            let mut parts = token.split(['|', '｜']).peekable();
            while let Some(part) = parts.next() {
                let bar = parts.peek().is_some();
                // Operators in either case and in full width (ＯＲ), as for the words.
                let plain = words::folded(part);
                match plain.as_str() {
                    "" => {}
                    // In either case: a visitor who types 补贴 or 招聘 means the operator.
                    "or" => or = !typed.wanted.is_empty(),
                    "and" | "&&" => or = false,
                    _ => match part.strip_prefix(['-', '－']) {
                        // `-2.3%` is a negative figure (a rate of growth), not 2.3 left out.
                        Some(rest)
                            if !rest.is_empty()
                                && !plain[1..].starts_with(|c: char| c.is_ascii_digit()) =>
                        {
                            typed.unwanted.push(rest.to_owned());
                            or = false;
                        }
                        _ => {
                            let word = part.strip_prefix(['+', '＋']).unwrap_or(part).to_owned();
                            match typed.wanted.last_mut() {
                                Some(entry) if or => entry.push(word),
                                _ => typed.wanted.push(vec![word]),
                            }
                            or = false;
                        }
                    },
                }
                if bar {
                    or = !typed.wanted.is_empty();
                }
            }
        }
        typed
    }
}

/// The words of a search, to mark where they occur in what a page shows of each hit: the
/// earliest place any of them starts, the longest of those starting there (so 乡村振兴 is marked
/// whole when 乡村 is a word too), ASCII letters in either case.
#[derive(Debug, Clone)]
pub struct Marks {
    how: Finding,
    /// The longest word's length in bytes: how far past an excerpt's end a word may reach.
    longest: usize,
}

/// How a search's words are found in a text.
#[derive(Debug, Clone)]
enum Finding {
    /// No word at all: nothing is marked.
    Nothing,
    /// One finder a word, when no word holds an ASCII letter (so case does not matter): each
    /// looks for its word with SIMD, and the earliest, longest find wins. A search's words are
    /// few and an excerpt short, and building an automaton for every search page — as these
    /// searches did, Chinese ones nearly all — was a twentieth of the page (`perf`, distinct
    /// two-word searches); walking a body byte by byte to its first word was 8% before that.
    Finders(Vec<memchr::memmem::Finder<'static>>),
    /// Words with ASCII letters, found in either case by one automaton in one pass.
    Automaton(aho_corasick::AhoCorasick),
}

impl Marks {
    fn new(words: &[String]) -> Self {
        let mut words: Vec<String> = words.iter().filter(|w| !w.is_empty()).cloned().collect();
        // An item may write a Latin word or number in full-width forms (ＰＤＦ, ０５３３), which
        // the index reads as ASCII: they are marked too, in either case.
        for w in words.clone() {
            if w.chars().any(|c| c.is_ascii_alphanumeric()) {
                for upper in [false, true] {
                    let f = words::full_width(&w, upper);
                    if !words.contains(&f) {
                        words.push(f);
                    }
                }
            }
        }
        let longest = words.iter().map(String::len).max().unwrap_or(0);
        let how = if words.is_empty() {
            Finding::Nothing
        } else if words
            .iter()
            .any(|w| w.bytes().any(|b| b.is_ascii_alphabetic()))
        {
            aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .ascii_case_insensitive(true)
                // A DFA and no prefilter: the prefilter looks for the words' rarest bytes, and in
                // Chinese text a character's lead byte is anything but rare. Scanning 20 bodies
                // for a search page took 200 µs so, against 290–450 µs as an NFA with it
                // (`search_speed INDEX VOCAB 2000 BODIES`).
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .prefilter(false)
                .build(words)
                .map_or(Finding::Nothing, Finding::Automaton)
        } else {
            Finding::Finders(
                words
                    .iter()
                    .map(|w| memchr::memmem::Finder::new(w.as_bytes()).into_owned())
                    .collect(),
            )
        };
        Self { how, longest }
    }

    /// The earliest place in `text[from..until]` where a word occurs, the longest word starting
    /// there: `(start, end)`. Both bounds are character boundaries.
    fn find(&self, text: &str, from: usize, until: usize) -> Option<(usize, usize)> {
        match &self.how {
            Finding::Nothing => None,
            Finding::Automaton(a) => a
                .find(aho_corasick::Input::new(text).range(from..until))
                .map(|m| (m.start(), m.end())),
            Finding::Finders(finders) => {
                let hay = &text.as_bytes()[from..until];
                let mut best: Option<(usize, usize)> = None;
                for f in finders {
                    let n = f.needle().len();
                    // Only a word starting no later than the best so far matters.
                    let limit = best.map_or(hay.len(), |(at, _)| (at + n).min(hay.len()));
                    if let Some(at) = f.find(&hay[..limit]) {
                        let better = best.is_none_or(|(b, e)| at < b || (at == b && at + n > e));
                        if better {
                            best = Some((at, at + n));
                        }
                    }
                }
                // A word is whole UTF-8 and so is the text: a find starts and ends on
                // character boundaries.
                best.map(|(at, end)| (from + at, from + end))
            }
        }
    }

    /// A title, HTML-escaped, with the words in `<mark>` (cut at 200 characters).
    pub fn title_html(&self, title: &str) -> String {
        highlight(title, self, 200)
    }

    /// A passage of 120 characters (more when a word at its end would be cut) of a body's plain
    /// text, HTML-escaped, around the
    /// first place a word occurs (or from its start), with every word in `<mark>`.
    pub fn excerpt_html(&self, text: &str) -> String {
        highlight(text, self, 120)
    }
}

/// An HTML excerpt of `text` of at most `max` characters around the first place a query word
/// occurs, every occurrence marked. The words are the query's own tokens, so marking them by
/// plain matching gives what re-tokenizing each hit's body would, at a fraction of the cost
/// (tantivy's snippet generator runs the analyzer over every body: most of a search's time).
fn highlight(text: &str, marks: &Marks, max: usize) -> String {
    let Some((first, _)) = next_mark(marks, text, 0) else {
        return excerpt(text, skip_spaces(text, 0, text.len()), max);
    };
    let start = excerpt_start(text, first, max);
    let mut end = excerpt_end(text, start, max);
    let mut out = String::with_capacity((end - start) * 3 / 2 + 64);
    if !text[..start].trim().is_empty() {
        out.push('…');
    }
    let mut i = start;
    // Matches are searched from the excerpt's start to a word's length past its end, so that a
    // word cut by the end is still found, and not on to the text's end (which, for every hit's
    // body, was the larger part of a search page's excerpts).
    let mut from = start;
    let reach = |end: usize| {
        let mut r = (end + marks.longest).min(text.len());
        while !text.is_char_boundary(r) {
            r += 1;
        }
        r
    };
    while let Some((at, stop)) = next_mark_before(marks, text, from, reach(end)) {
        if at >= end {
            break;
        }
        from = stop;
        // A word the end would cut is shown whole (`政府信息`, not `政府信…`).
        end = end.max(stop);
        if at == i && out.ends_with("</mark>") {
            // Words that follow one another (乡村 and 振兴 of 乡村振兴) are marked as one.
            out.truncate(out.len() - "</mark>".len());
        } else {
            escape_str_into(&mut out, &text[i..at]);
            out.push_str("<mark>");
        }
        escape_str_into(&mut out, &text[at..stop]);
        out.push_str("</mark>");
        i = stop;
    }
    escape_str_into(&mut out, &text[i..end]);
    if end < text.len() {
        out.push('…');
    }
    out
}

/// Where an excerpt may start after: the ends of sentences and lines, then of clauses.
const SENTENCE_ENDS: [char; 7] = ['。', '！', '？', '；', '\n', '!', '?'];
const CLAUSE_ENDS: [char; 5] = ['，', '、', '：', ',', ':'];
/// Brackets and quotes an excerpt keeps when it would start just after them.
const OPENINGS: [char; 9] = ['《', '（', '“', '「', '【', '〔', '(', '"', '\''];

/// Where the excerpt of a text whose first match starts at byte `first` begins: the text's start
/// when the whole text fits in `max` characters; else so that it opens on the start of the
/// match's sentence (the text's start is one), or else of its clause, within `max / 3` characters
/// before the match; failing both, `max / 6` characters before it, moved out of a Latin word or
/// number it would cut and back onto an opening bracket or quote it would lose; and past white
/// space. A match so near the end that fewer than `max` characters would follow that start
/// reaches back instead: the excerpt shows the text's last `max` characters, from the first
/// sentence (else clause) start among them — a search for 2024 found in an item's closing date
/// showed 30 characters of it (a helper's walk).
fn excerpt_start(text: &str, first: usize, max: usize) -> usize {
    // A text that fits is shown whole: a title is never cut at its start.
    if text.chars().nth(max).is_none() {
        return skip_spaces(text, 0, first);
    }
    let back = |n: usize| {
        if n == 0 {
            first
        } else {
            text[..first]
                .char_indices()
                .rev()
                .nth(n - 1)
                .map_or(0, |(b, _)| b)
        }
    };
    let after = |b: usize| b + text[b..].chars().next().map_or(1, char::len_utf8);
    // `s`, moved forward out of a Latin word or number it would cut (not past the match) and
    // back onto an opening bracket or quote it would lose.
    let uncut = |mut s: usize| {
        let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if latin(text[..s].chars().next_back()) {
            while s < first && latin(text[s..].chars().next()) {
                s += 1;
            }
        }
        match text[..s].chars().next_back() {
            Some(c) if OPENINGS.contains(&c) => s - c.len_utf8(),
            _ => s,
        }
    };
    let far = back(max / 3);
    let start = if let Some(b) = text[far..first].rfind(SENTENCE_ENDS) {
        after(far + b)
    } else if far == 0 {
        // The text's start is its first sentence's.
        0
    } else if let Some(b) = text[far..first].rfind(CLAUSE_ENDS) {
        after(far + b)
    } else {
        uncut(back(max / 6))
    };
    // Fewer than `max` characters from there to the end: reach back.
    if max > 0 && text[start..].chars().nth(max - 1).is_none() {
        let reach = text.char_indices().rev().nth(max - 1).map_or(0, |(b, _)| b);
        if reach < start {
            let opening = if let Some(b) = text[reach..start].find(SENTENCE_ENDS) {
                after(reach + b)
            } else if let Some(b) = text[reach..start].find(CLAUSE_ENDS) {
                after(reach + b)
            } else {
                uncut(reach)
            };
            return skip_spaces(text, opening.min(start), first);
        }
    }
    skip_spaces(text, start, first)
}

/// The first byte at or after `from` (and before `limit`) that is not white space.
fn skip_spaces(text: &str, from: usize, limit: usize) -> usize {
    text[from..limit]
        .char_indices()
        .find(|(_, c)| !c.is_whitespace())
        .map_or(limit, |(b, _)| from + b)
}

/// The next place at or after byte `from` where a query word stands as a word: `(start, end)`.
/// The longest word starting first is taken; a Latin word or number is not marked inside a
/// longer one (the `d` of `R&D` inside `download`), where the index, which cut `download`
/// whole, did not match it either.
fn next_mark(marks: &Marks, text: &str, from: usize) -> Option<(usize, usize)> {
    next_mark_before(marks, text, from, text.len())
}

/// [`next_mark`] among the words that end by byte `until`.
fn next_mark_before(
    marks: &Marks,
    text: &str,
    mut from: usize,
    until: usize,
) -> Option<(usize, usize)> {
    // Inside a word of its kind only: 5 is not marked inside 0533 (full-width too), nor r inside
    // rd; but where letters meet digits a word begins, as the index parts them, so the C/2024 of
    // the 索引号 …133C/2024-00077 is marked.
    let kind = |c: Option<char>| {
        c.filter(|&c| words::is_latin_letter(c))
            .map(words::is_digit)
    };
    let joined = |a: Option<char>, b: Option<char>| kind(a).is_some() && kind(a) == kind(b);
    while from < until {
        let (at, stop) = marks.find(text, from, until)?;
        let inside = joined(text[at..].chars().next(), text[..at].chars().next_back())
            || joined(
                text[..stop].chars().next_back(),
                text[stop..].chars().next(),
            );
        if !inside {
            return Some((at, stop));
        }
        from = at + text[at..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// The first `max` characters of `text` from byte `start`, escaped, with `…` where cut.
fn excerpt(text: &str, start: usize, max: usize) -> String {
    let end = excerpt_end(text, start, max);
    let mut out = String::with_capacity(end - start + 8);
    escape_str_into(&mut out, &text[start..end]);
    if end < text.len() {
        out.push('…');
    }
    out
}

/// The byte where `max` characters from byte `start` end.
fn excerpt_end(text: &str, start: usize, max: usize) -> usize {
    text[start..]
        .char_indices()
        .nth(max)
        .map_or(text.len(), |(b, _)| start + b)
}

/// Appends `s`, escaped for HTML, copying the runs between special characters whole.
fn escape_str_into(out: &mut String, s: &str) {
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        let escaped = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(&s[from..i]);
        out.push_str(escaped);
        from = i + 1;
    }
    out.push_str(&s[from..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The excerpt as first written: character by character over the whole text. Kept as the
    /// reference the faster `highlight` must agree with.
    fn highlight_by_chars(text: &str, words: &[String], max: usize) -> String {
        let chars: Vec<char> = text.chars().collect();
        let lower: Vec<char> = chars.iter().map(char::to_ascii_lowercase).collect();
        let words: Vec<Vec<char>> = words
            .iter()
            .map(|w| {
                w.chars()
                    .map(|c| c.to_ascii_lowercase())
                    .collect::<Vec<_>>()
            })
            .filter(|w| !w.is_empty())
            .collect();
        let latin = |k: Option<&char>| k.is_some_and(|&c| words::is_latin_letter(c));
        let at = |i: usize| -> Option<usize> {
            let n = words
                .iter()
                .filter(|w| lower.get(i..i + w.len()) == Some(w.as_slice()))
                .map(Vec::len)
                .max()?;
            let inside = (latin(chars.get(i)) && i > 0 && latin(chars.get(i - 1)))
                || (latin(chars.get(i + n - 1)) && latin(chars.get(i + n)));
            (!inside).then_some(n)
        };
        let first = (0..chars.len()).find(|&i| at(i).is_some());
        // Where the excerpt starts is excerpt_start's rule (tested on its own); the walk checks
        // what is marked and cut from there.
        let start = match first {
            Some(f) => {
                let byte = text.char_indices().nth(f).map_or(text.len(), |(b, _)| b);
                text[..excerpt_start(text, byte, max)].chars().count()
            }
            None => (0..chars.len())
                .find(|&k| !chars[k].is_whitespace())
                .unwrap_or(chars.len()),
        };
        let mut end = (start + max).min(chars.len());
        let mut out = String::new();
        if chars[..start].iter().any(|c| !c.is_whitespace()) {
            out.push('…');
        }
        let mut i = start;
        while i < end {
            if let Some(n) = at(i) {
                let stop = i + n;
                end = end.max(stop);
                out.push_str("<mark>");
                chars[i..stop]
                    .iter()
                    .for_each(|&c| escape_into(&mut out, c));
                out.push_str("</mark>");
                i = stop;
            } else {
                escape_into(&mut out, chars[i]);
                i += 1;
            }
        }
        if end < chars.len() {
            out.push('…');
        }
        out
    }

    /// Appends `c`, escaped for HTML.
    fn escape_into(out: &mut String, c: char) {
        escape_str_into(out, c.encode_utf8(&mut [0; 4]));
    }

    proptest! {
        /// Texts and words over a small alphabet (CJK, ASCII of both cases, HTML's special
        /// characters), so that words overlap, repeat and straddle the excerpt's ends.
        #[test]
        fn excerpts_agree_with_the_character_walk(
            text in "[乡村振兴aAbB<&é 。\n!]{0,80}",
            words in proptest::collection::vec("[乡村振兴aAbB<&é]{0,3}", 0..4),
            max in 0usize..40,
        ) {
            // Marks that touch are one mark.
            let reference = highlight_by_chars(&text, &words, max).replace("</mark><mark>", "");
            prop_assert_eq!(highlight(&text, &Marks::new(&words), max), reference);
        }
    }

    /// A path of this test run's own in the temporary folder, with nothing left there by an
    /// earlier run.
    fn scratch(name: &str) -> std::path::PathBuf {
        let path =
            std::env::temp_dir().join(format!("gongkai-search-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        let _ = std::fs::remove_file(&path);
        path
    }

    /// A small index over few characters, so that most words are in most items and in some
    /// titles, as common words are; `extra` added after the build (a second segment), `gone`
    /// withdrawn (deleted documents). Every third item is in the category 工作动态, the others
    /// in 通知公告.
    fn common_words_index(
        docs: &[(String, String)],
        extra: &[(String, String)],
        gone: &[usize],
    ) -> SearchIndex {
        let made = |(i, (t, b)): (usize, &(String, String))| {
            let id = i64::try_from(i).unwrap_or_default() + 1;
            let category = if i % 3 == 0 {
                "工作动态"
            } else {
                "通知公告"
            };
            item(id, t, b, category, "2024-03-01")
        };
        let added = extra
            .iter()
            .enumerate()
            .map(|(i, d)| made((docs.len() + i, d)));
        built(docs.iter().enumerate().map(made), added, gone)
    }

    /// An index built of `docs`, then `added` one by one (a second segment), then the items
    /// numbered `gone` (from 0) withdrawn (deleted documents).
    fn built(
        docs: impl IntoIterator<Item = SearchDoc>,
        added: impl IntoIterator<Item = SearchDoc>,
        gone: &[usize],
    ) -> SearchIndex {
        let index = indexed(docs);
        for d in added {
            index.upsert(&d).unwrap_or_else(|e| panic!("{e}"));
        }
        for &g in gone {
            index
                .remove(i64::try_from(g).unwrap_or_default() + 1)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        index
    }

    /// The best `k` hits for `text`, in `category` if given, ranked in one pass, and in two
    /// steps.
    #[allow(clippy::type_complexity)]
    fn ranked_both_ways(
        index: &SearchIndex,
        text: &str,
        category: Option<&str>,
        k: usize,
    ) -> Option<((Hits, usize), (Hits, Total))> {
        let typed = Typed::read(text);
        let words = index.words_query(&typed, &exact_forms(text))?;
        let terms = words.terms?;
        let searcher = index.reader.searcher();
        let asked = SearchQuery {
            category: category.map(str::to_owned),
            ..SearchQuery::default()
        };
        let narrowing = index
            .narrowing(&searcher, &typed, &asked)
            .unwrap_or_else(|e| panic!("{e}"));
        let narrow = narrowing.query();
        let mut clauses = vec![(Occur::Must, words.query)];
        clauses.extend(narrowing.clauses);
        let query = BooleanQuery::new(clauses);
        let one = searcher
            .search(&query, &(TopDocs::with_limit(k).order_by_score(), Count))
            .unwrap_or_else(|e| panic!("{e}"));
        let weight = query
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .unwrap_or_else(|e| panic!("{e}"));
        let likely = index
            .likely_hits(&searcher, &terms, &narrowing.items)
            .unwrap_or_else(|e| panic!("{e}"));
        let two = index
            .ranked_in_two_steps(&searcher, &terms, narrow.as_ref(), likely, k)
            .unwrap_or_else(|e| panic!("{e}"));
        // Ranked in one pass by hand, as searches with few hits are.
        let (within, n) = best_within(&searcher, weight.as_ref(), k, usize::MAX)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_default();
        assert_eq!((&within, n), (&one.0, one.1), "{text}");
        Some((one, two))
    }

    /// A title of common characters and a body of them, one in six bodies with some of a rarer
    /// one (己), which can then outrank a title hit of a common one.
    fn doc() -> impl Strategy<Value = (String, String)> {
        (
            "[甲乙丙丁]{0,3}",
            "[甲乙丙丁戊，，，，]{1,40}",
            proptest::option::weighted(0.15, "己{1,4}，{0,30}"),
        )
            .prop_map(|(t, b, rare)| (t, b + &rare.unwrap_or_default()))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Two steps rank as one pass does: the same hits in the same order (the scores summed in
        /// another order may differ in the last bits), and count them the same, whatever share
        /// of the hits has a word in its title, across segments and deleted documents, whether
        /// a category or words left out narrow the search or not.
        #[test]
        fn two_steps_rank_as_one_pass(
            docs in proptest::collection::vec(doc(), 1..60),
            extra in proptest::collection::vec(doc(), 0..10),
            gone in proptest::collection::vec(0usize..70, 0..8),
            text in "[甲乙丙丁戊己]{1,3}( [己甲乙])?( -[戊己])?",
            category in proptest::option::of(proptest::sample::select(vec!["工作动态", "通知公告"])),
            k in 1usize..12,
        ) {
            let index = common_words_index(&docs, &extra, &gone);
            if let Some(((one, n), (two, total))) = ranked_both_ways(&index, &text, category, k) {
                prop_assert_eq!(total, Total::Exactly(n));
                prop_assert_eq!(one.len(), two.len());
                for ((s1, a1), (s2, a2)) in one.iter().zip(&two) {
                    prop_assert!((s1 - s2).abs() <= 1e-4 * s1.abs().max(1.0), "{one:?} {two:?}");
                    // Equal scores may come in either order only when they are equal to the
                    // last bits in one of the two.
                    if (s1 - s2).abs() == 0.0 {
                        prop_assert_eq!(a1, a2, "{:?} {:?}", one, two);
                    }
                }
            }
        }
    }

    /// Items of several years and days, for [`newest_first`]: `docs` as (year offset, day of
    /// year, body), each with 落实 and one of 甲乙.
    fn dated_index(docs: &[(i32, u32, bool)], gone: &[usize]) -> SearchIndex {
        let made = |i: usize, &(y, d, a): &(i32, u32, bool)| {
            let on = NaiveDate::from_yo_opt(2015 + y, d).unwrap_or_default();
            let id = i64::try_from(i).unwrap_or_default() + 1;
            let body = if a { "落实甲" } else { "落实乙" };
            item(id, "通知", body, "通知公告", &on.to_string())
        };
        let (first, rest) = docs.split_at(docs.len() / 2);
        built(
            first.iter().enumerate().map(|(i, d)| made(i, d)),
            rest.iter()
                .enumerate()
                .map(|(i, d)| made(first.len() + i, d)),
            gone,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Year by year from the latest, the newest hits are those one pass over every hit
        /// gives, in the same order, across segments, deleted documents and years with none.
        #[test]
        fn newest_year_by_year_as_in_one_pass(
            docs in proptest::collection::vec((0i32..9, 1u32..366, proptest::bool::ANY), 1..80),
            gone in proptest::collection::vec(0usize..80, 0..8),
            text in proptest::sample::select(vec!["落实", "甲", "乙 落实"]),
            k in 1usize..30,
        ) {
            let index = dated_index(&docs, &gone);
            let searcher = index.reader.searcher();
            let typed = Typed::read(text);
            let words = index.words_query(&typed, &[]).unwrap_or_else(|| panic!("{text}"));
            let query = BooleanQuery::new(vec![(Occur::Must, words.query)]);
            let one = newest_first(&searcher, None, &query, usize::MAX, k)
                .unwrap_or_else(|e| panic!("{e}"));
            let by_year = newest_first(&searcher, Some(index.f.year), &query, usize::MAX, k)
                .unwrap_or_else(|e| panic!("{e}"));
            prop_assert_eq!(one, by_year);
        }
    }

    /// A filter every item holds (a site of one agency, searched within it) is left out of the
    /// query, and the search finds what it found with it: with words, without words (the
    /// agency's items, newest first), and with only words left out.
    #[test]
    fn a_filter_every_item_holds_narrows_nothing() {
        let index = indexed([
            item(1, "养老通知", "落实养老服务", "通知公告", "2024-01-02"),
            item(2, "会议纪要", "落实会议精神", "工作动态", "2024-02-03"),
            item(3, "养老会议", "养老", "通知公告", "2023-05-06"),
        ]);
        let search = |text: &str, agency: &str| {
            let r = index
                .search(&SearchQuery {
                    text: text.into(),
                    agency: Some(agency.into()),
                    page: 1,
                    per_page: 10,
                    ..SearchQuery::default()
                })
                .unwrap_or_else(|e| panic!("{e}"));
            (r.ids, r.total)
        };
        let searcher = index.reader.searcher();
        let narrowing = index
            .narrowing(
                &searcher,
                &Typed::read("养老"),
                &SearchQuery {
                    agency: Some("yiyuan-xili".into()),
                    ..SearchQuery::default()
                },
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(narrowing.dropped && narrowing.clauses.is_empty());
        assert_eq!(
            search("养老", "yiyuan-xili"),
            (vec![3, 1], Total::Exactly(2))
        );
        assert_eq!(
            search("", "yiyuan-xili"),
            (vec![2, 1, 3], Total::Exactly(3))
        );
        assert_eq!(search("-会议", "yiyuan-xili"), (vec![1], Total::Exactly(1)));
        // Another agency's filter still narrows, to nothing here.
        assert_eq!(search("养老", "other-town"), (vec![], Total::Exactly(0)));
    }

    /// A title hit is not enough to rank first: when the word is in nearly every title its
    /// title counts for little, and an item with the rare word four times in a short body
    /// outranks one with it once in a long one. (Two steps must then look past the title hits.)
    #[test]
    fn a_body_hit_outranks_a_weak_title_hit() {
        let mut docs = vec![
            ("甲".to_owned(), format!("甲己{}", "，".repeat(60))),
            (String::new(), "甲己己己己".to_owned()),
        ];
        docs.extend((0..30).map(|_| ("甲".to_owned(), "甲乙".to_owned())));
        let index = common_words_index(&docs, &[], &[]);
        let Some(((one, n), (two, total))) = ranked_both_ways(&index, "甲 己", None, 1) else {
            panic!("甲 己 is a plain search");
        };
        assert_eq!((n, total), (2, Total::Exactly(2)));
        let ids = |hits: &[(Score, DocAddress)]| {
            ids(&index.reader.searcher(), hits.iter().map(|(_, a)| *a))
                .unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(ids(&one), vec![2]);
        assert_eq!(ids(&two), vec![2]);
    }

    /// A search with more hits than one pass ranks pages them as one pass would: page after
    /// page the one-pass ranking, and the count.
    #[test]
    fn a_search_with_many_hits_pages_as_one_pass_ranks() {
        let n = ONE_PASS_HITS + 500;
        let docs: Vec<(String, String)> = (0..n)
            .map(|i| {
                let title = if i % 100 == 0 {
                    "工作通知"
                } else {
                    "公告"
                };
                let body = format!("落实{}工作{}", "，".repeat(i % 13), "落实".repeat(i % 3));
                (title.to_owned(), body)
            })
            .collect();
        let index = common_words_index(&docs, &[], &[]);
        let text = "落实 工作";
        let Some(((one, count), _)) = ranked_both_ways(&index, text, None, 60) else {
            panic!("{text} is a plain search");
        };
        assert_eq!(count, n);
        let searcher = index.reader.searcher();
        let want = ids(&searcher, one.iter().map(|(_, a)| *a)).unwrap_or_else(|e| panic!("{e}"));
        let mut got = Vec::new();
        for page in 1..=3 {
            let r = index
                .search(&SearchQuery {
                    text: text.into(),
                    page,
                    per_page: 20,
                    ..SearchQuery::default()
                })
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(r.total, Total::Exactly(n));
            got.extend(r.ids);
        }
        assert_eq!(got, want);
    }

    /// `n` items titled 通知, the `i`-th with the body `body(i)`.
    fn notices(n: usize, body: impl Fn(usize) -> &'static str) -> Vec<(String, String)> {
        (0..n)
            .map(|i| ("通知".to_owned(), body(i).to_owned()))
            .collect()
    }

    /// Past the count's limit the total is estimated from the share of documents gone through,
    /// and said to be so; below, it is exact.
    #[test]
    fn hits_past_the_limit_are_estimated() {
        let docs: Vec<(String, String)> = (0..200)
            .map(|i| ("通知".to_owned(), format!("落实{}工作", "，".repeat(i % 7))))
            .collect();
        let index = common_words_index(&docs, &[], &[]);
        let searcher = index.reader.searcher();
        let query = BooleanQuery::new(vec![(Occur::Must, term(index.f.all, "落实"))]);
        let counted =
            |cap| count(&searcher, &query, cap, u64::MAX).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(counted(200), Total::Exactly(200));
        assert_eq!(counted(1000), Total::Exactly(200));
        assert_eq!(counted(50), Total::About(200));
        // Every other item: half the documents gone through hold the hits counted.
        let half = notices(300, |i| if i % 2 == 0 { "落实" } else { "部署" });
        let index = common_words_index(&half, &[], &[]);
        let searcher = index.reader.searcher();
        let query = BooleanQuery::new(vec![(Occur::Must, term(index.f.all, "落实"))]);
        assert_eq!(
            count(&searcher, &query, 40, u64::MAX).unwrap_or_else(|e| panic!("{e}")),
            Total::About(150)
        );
        // Hits bunched in one stretch, as a year's are (items are indexed about in the order
        // they were published): 150 of 1,000, in documents 100 to 249. The share gone through by
        // the first 50 said 340.
        let bunched = notices(1000, |i| {
            if (100..250).contains(&i) {
                "落实"
            } else {
                "部署"
            }
        });
        let index = common_words_index(&bunched, &[], &[]);
        let searcher = index.reader.searcher();
        let query = BooleanQuery::new(vec![(Occur::Must, term(index.f.all, "落实"))]);
        let Total::About(n) =
            count(&searcher, &query, 50, u64::MAX).unwrap_or_else(|e| panic!("{e}"))
        else {
            panic!("150 hits are more than 50");
        };
        assert!((130..=170).contains(&n), "{n}");
        // Estimated from a sample alone when it says four times the limit: the bunched 150
        // are not (the sample says about 150), nor are hits of a word in a sixth of the items
        // where its words were thought to be in all (counted as above); the uniform 200 are.
        let many = |index: &SearchIndex, likely| {
            let searcher = index.reader.searcher();
            let query = BooleanQuery::new(vec![(Occur::Must, term(index.f.all, "落实"))]);
            count_many(&searcher, &query, likely, 40, u64::MAX).unwrap_or_else(|e| panic!("{e}"))
        };
        assert!(matches!(many(&index, 1000), Total::About(130..=170)));
        let sixth = notices(150, |i| if i % 6 == 0 { "落实" } else { "部署" });
        assert_eq!(
            many(&common_words_index(&sixth, &[], &[]), 150),
            Total::Exactly(25)
        );
        let all = notices(300, |_| "落实");
        assert_eq!(
            many(&common_words_index(&all, &[], &[]), 300),
            Total::About(300)
        );
        // A sample that falls on the hits more often than their share would pass the items of
        // the rarest word: 64 of 1,000 hold 落实, each where a window of the sample lies, and
        // the sample alone said all 1,000.
        let windows: Vec<usize> = (0..64).map(|w| w * 1000 / 64 + 7).collect();
        let placed = notices(1000, |i| {
            if windows.contains(&i) {
                "部署 落实"
            } else {
                "部署"
            }
        });
        let index = common_words_index(&placed, &[], &[]);
        let searcher = index.reader.searcher();
        let both = BooleanQuery::new(vec![
            (Occur::Must, term(index.f.all, "部署")),
            (Occur::Must, term(index.f.all, "落实")),
        ]);
        let unheld =
            count_many(&searcher, &both, 1000, 40, u64::MAX).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(unheld, Total::About(n) if n > 500), "{unheld:?}");
        let held = count_many(&searcher, &both, 1000, 40, 64).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            matches!(held, Total::About(n) | Total::Exactly(n) if (40..=80).contains(&n)),
            "{held:?}"
        );
        assert_eq!(round2(95_260, u64::MAX), 95_000);
        assert_eq!(round2(10_050, u64::MAX), 10_000);
        assert_eq!(round2(99, u64::MAX), 99);
        assert_eq!(round2(12_345_678, u64::MAX), 12_000_000);
        // Never past a count the hits cannot pass.
        assert_eq!(round2(13_918, 13_918), 13_900);
        assert_eq!(round2(99_561, 99_561), 99_500);
        assert_eq!(round2(98, 97), 98);
        assert_eq!(round2(13_918, 14_000), 14_000);
    }

    /// `gongkai search reindex` beside a running server said `LockBusy` (a helper's walk).
    #[test]
    fn a_second_writer_is_told_in_chinese_that_the_index_is_in_use() {
        let dir = scratch("lock");
        let first = SearchIndex::open(Some(&dir)).unwrap_or_else(|e| panic!("{e}"));
        let second = SearchIndex::open(Some(&dir));
        assert!(
            matches!(&second, Err(SearchError::InUse(_))),
            "{:?}",
            second.as_ref().err()
        );
        assert!(
            second
                .err()
                .is_some_and(|e| e.to_string().contains("正被另一个进程"))
        );
        drop(first);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A second process that cannot open a running server's index (a newer binary's reindex
    /// during an upgrade, here a damaged `meta.json`) is told the folder is in use and deletes
    /// nothing; once the first is gone, the folder is made anew.
    #[test]
    fn an_index_in_use_is_not_deleted_by_one_that_cannot_open_it() {
        let dir = scratch("inuse");
        let first = SearchIndex::open(Some(&dir)).unwrap_or_else(|e| panic!("{e}"));
        first
            .upsert(&item(
                1,
                "乡村振兴公示",
                "道路硬化",
                "乡村振兴",
                "2024-03-01",
            ))
            .unwrap_or_else(|e| panic!("{e}"));
        let files = || std::fs::read_dir(&dir).map_or(0, Iterator::count);
        let before = files();
        std::fs::write(dir.join("meta.json"), "不是索引").unwrap_or_else(|e| panic!("{e}"));
        let second = SearchIndex::open(Some(&dir));
        assert!(
            matches!(&second, Err(SearchError::InUse(_))),
            "{:?}",
            second.err()
        );
        assert_eq!(files(), before);
        drop(first);
        let third = SearchIndex::open(Some(&dir)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(third.len(), 0);
        drop(third);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// An index folder set by mistake to a folder with other files (the data folder, holding the
    /// database and the audit key) is not emptied when the index in it cannot be opened.
    #[test]
    fn a_folder_with_other_files_is_not_emptied() {
        let dir = scratch("foreign");
        std::fs::create_dir_all(dir.join("sub")).unwrap_or_else(|e| panic!("{e}"));
        for (name, text) in [
            ("meta.json", "{\"name\":\"站点\"}"),
            ("gongkai.db", "数据"),
            ("sub/keep.txt", "留"),
        ] {
            std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("{e}"));
        }
        let opened = SearchIndex::open(Some(&dir));
        assert!(
            matches!(&opened, Err(SearchError::NotAnIndex(..))),
            "{:?}",
            opened.err()
        );
        for name in ["meta.json", "gongkai.db", "sub/keep.txt"] {
            assert!(dir.join(name).exists(), "{name}");
        }
        // Only the index's own files: made anew.
        std::fs::remove_dir_all(dir.join("sub")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::remove_file(dir.join("gongkai.db")).unwrap_or_else(|e| panic!("{e}"));
        let index = SearchIndex::open(Some(&dir)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(index.len(), 0);
        drop(index);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A search folder that is a file is said to be one, in Chinese (an operator's walk: "File
    /// exists (os error 17)").
    #[test]
    fn a_folder_that_is_a_file_is_named_so() {
        let path = scratch("file");
        std::fs::write(&path, "不是目录").unwrap_or_else(|e| panic!("{e}"));
        let opened = SearchIndex::open(Some(&path));
        let text = opened.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            text.contains("无法使用：同名的文件已存在，它不是目录"),
            "{text}"
        );
        let _ = std::fs::remove_file(&path);
    }

    /// Where the index stands is read back when it is opened again, after a merge and after
    /// commits that followed nothing (this process's own publications); a failed rebuild leaves
    /// it as it was.
    #[test]
    fn where_the_index_stands_survives_a_restart() {
        let dir = scratch("followed");
        let a = item(1, "乡村振兴公示", "道路硬化", "乡村振兴", "2024-03-01");
        let b = item(2, "预决算公开", "预算收入", "政府预决算", "2024-02-01");
        {
            let index = SearchIndex::open(Some(&dir)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(index.followed(), None);
            let rebuilt = index.try_rebuild([Ok::<_, ()>(a.clone())], Some((100, 1)), |_| {});
            assert!(matches!(rebuilt, Ok(Ok(1))));
            assert_eq!(index.followed(), Some((100, 1)));
            index
                .apply(&[Ok(b.clone()), Err(1)], (200, 7))
                .unwrap_or_else(|e| panic!("{e}"));
            index.upsert(&a).unwrap_or_else(|e| panic!("{e}"));
            let failed = index.try_rebuild([Ok(b.clone()), Err(())], Some((900, 9)), |_| {});
            assert!(matches!(failed, Ok(Err(()))));
            assert_eq!(index.followed(), Some((200, 7)));
        }
        let index = SearchIndex::open(Some(&dir)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(index.followed(), Some((200, 7)));
        assert_eq!(index.len(), 2);
        drop(index);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A helper's walk: full-width letters and digits were found but not marked.
    #[test]
    fn full_width_latin_words_are_marked() {
        // Not inside a longer full-width number either (the third walk: 电话０<mark>５</mark>３３).
        let five = Marks::new(&["5".to_owned()]);
        assert_eq!(
            five.excerpt_html("电话０５３３，第5条"),
            "电话０５３３，第<mark>5</mark>条"
        );
        let marks = Marks::new(&["pdf".to_owned(), "0533".to_owned()]);
        assert_eq!(
            marks.excerpt_html("支持ＰＤＦ与ｐｄｆ，电话０５３３－１"),
            "支持<mark>ＰＤＦ</mark>与<mark>ｐｄｆ</mark>，电话<mark>０５３３</mark>－１"
        );
    }

    /// A walk: a 发文字号 was marked in pieces with its brackets left out, and a quoted term
    /// without its opening quote.
    #[test]
    fn a_word_of_several_runs_is_marked_whole() {
        let marks = Marks::new(&words::marked_runs(["沂政办发[2021]30号", "“三公”经费"]));
        assert_eq!(
            marks.excerpt_html("根据沂政办发〔2021〕30号文件公开“三公”经费。"),
            "根据<mark>沂政办发〔2021〕30号</mark>文件公开<mark>“三公”经费</mark>。"
        );
        // Letters and digits typed without the joiner the hit has, or with another.
        let marks = Marks::new(&words::marked_runs(["covid19", "c2024-00003"]));
        assert_eq!(
            marks.excerpt_html("COVID-19防控，编号C/2024-00003"),
            "<mark>COVID-19</mark>防控，编号<mark>C/2024-00003</mark>"
        );
        // Where letters meet digits in a 索引号, a word begins.
        assert_eq!(
            marks.excerpt_html("索引号：11370323004345133C/2024-00003"),
            "索引号：11370323004345133<mark>C/2024-00003</mark>"
        );
        let marks = Marks::new(&words::marked_runs(["沂政办发[2021]30号", "“三公”经费"]));
        // In other brackets, whole; written otherwise still, its runs.
        assert_eq!(
            marks.excerpt_html("沂政办发（2021）30号"),
            "<mark>沂政办发（2021）30号</mark>"
        );
        assert_eq!(
            marks.excerpt_html("沂政办发2021年30号"),
            "<mark>沂政办发2021</mark>年<mark>30</mark>号"
        );
        // Its one-character run is not marked alone in a body (every 号 was).
        assert_eq!(
            marks.excerpt_html("对发现的问题限期销号。"),
            "对发现的问题限期销号。"
        );
    }

    /// The helper's walk: an 80-character title lost its opening, and an excerpt ended inside a
    /// marked word.
    #[test]
    fn titles_show_whole_and_marks_are_not_cut() {
        let marks = Marks::new(&["尾标词".to_owned()]);
        let title = format!("关于进一步加强{}的实施意见尾标词", "基层治理".repeat(18));
        let html = marks.title_html(&title);
        assert!(html.starts_with("关于进一步加强"), "{html}");
        assert!(html.ends_with("<mark>尾标词</mark>"), "{html}");
        let marks = Marks::new(&["政府信息".to_owned()]);
        let body = format!("经政府信息公开{}", "乙".repeat(20));
        assert_eq!(highlight(&body, &marks, 3), "经<mark>政府信息</mark>…");
    }

    /// An excerpt opens at the start of the match's sentence when one ends in the characters
    /// before it, with no white space first; a Latin letter is marked as a word, not inside one.
    #[test]
    fn excerpts_open_on_a_sentence_and_mark_latin_words_whole() {
        let words = Marks::new(&["乡村振兴".to_owned()]);
        assert_eq!(
            highlight("前面的句子。 推进乡村振兴工作", &words, 12),
            "…推进<mark>乡村振兴</mark>工作"
        );
        assert_eq!(highlight("  \n 正文", &words, 60), "正文");
        // The sentence or clause start is looked for a third of the excerpt back (in texts
        // longer than the excerpt: one that fits is shown whole).
        let opens = |text: &str, expected: &str| {
            let html = highlight(&format!("{text}。{}", "尾".repeat(130)), &words, 120);
            assert!(html.starts_with(expected), "{html} should start {expected}");
        };
        let long = format!("前文。会议听取了近期{}工作乡村振兴", "重点".repeat(8));
        opens(
            &long,
            &format!(
                "…会议听取了近期{}工作<mark>乡村振兴</mark>",
                "重点".repeat(8)
            ),
        );
        opens(
            &format!("{}背景，推进乡村振兴", "字".repeat(50)),
            "…推进<mark>乡村振兴</mark>",
        );
        // The text's start is a sentence's.
        opens("2024年，推进乡村振兴", "2024年，推进<mark>乡村振兴</mark>");
        // Failing both, a Latin word or number is not cut, and an opening bracket is kept.
        let text = format!(
            "{}2024年{}《乡村振兴条例》",
            "字".repeat(30),
            "字".repeat(15)
        );
        opens(
            &text,
            &format!("…年{}《<mark>乡村振兴</mark>条例》", "字".repeat(15)),
        );
        let text = format!("{}《{}乡村振兴》", "字".repeat(30), "字".repeat(20));
        opens(
            &text,
            &format!("…《{}<mark>乡村振兴</mark>》", "字".repeat(20)),
        );
        let words = Marks::new(&["r".to_owned(), "d".to_owned()]);
        assert_eq!(
            highlight("download the R&D report", &words, 120),
            "download the <mark>R</mark>&amp;<mark>D</mark> report"
        );
    }

    /// A match near the end shows the text's last stretch, from a sentence's start, not a
    /// stub: the closing date of an item found by 2024 showed "…（此件公开发布） 示例县民政局
    /// 2024年11月16日" (a helper's walk).
    #[test]
    fn a_match_near_the_end_reaches_back_for_a_whole_excerpt() {
        let words = Marks::new(&["2024".to_owned()]);
        let body = format!(
            "{}。各单位要抓好落实，确保各项任务按期完成。（此件公开发布） 示例县民政局 2024年11月16日",
            "前文".repeat(80)
        );
        let html = highlight(&body, &words, 120);
        let shown = html.replace("<mark>", "").replace("</mark>", "");
        assert!(
            shown.ends_with("示例县民政局 2024年11月16日") && !shown.ends_with('…'),
            "{html}"
        );
        // It opens on the first sentence start within the last 120 characters.
        assert!(shown.starts_with("…各单位要抓好落实"), "{html}");
        // Without a sentence or clause end in reach: exactly the last 120 characters.
        let body = format!("{}2024", "字".repeat(300));
        let shown = highlight(&body, &words, 120);
        assert_eq!(shown, format!("…{}<mark>2024</mark>", "字".repeat(116)));
    }

    #[test]
    fn excerpts_start_near_the_first_match_and_mark_every_one() {
        let words = vec!["乡村振兴".to_owned(), "rust".to_owned()];
        let body = format!(
            "{}推进乡村振兴，<b>乡村振兴</b>与Rust{}",
            "前".repeat(50),
            "后".repeat(200)
        );
        let html = highlight(&body, &Marks::new(&words), 60);
        assert!(html.starts_with('…') && html.ends_with('…'), "{html}");
        assert_eq!(html.matches("<mark>乡村振兴</mark>").count(), 2, "{html}");
        assert!(html.contains("<mark>Rust</mark>") && html.contains("&lt;b&gt;"));
        assert_eq!(
            highlight("没有匹配<", &Marks::new(&words), 60),
            "没有匹配&lt;"
        );
        assert_eq!(highlight("", &Marks::new(&words), 60), "");
    }

    fn item(id: i64, title: &str, body: &str, category: &str, on: &str) -> SearchDoc {
        SearchDoc {
            id,
            agency: "yiyuan-xili".into(),
            category: category.into(),
            kind: "other".into(),
            published_on: on.parse().unwrap_or_default(),
            title: title.into(),
            body: body.into(),
            doc_number: format!("西政发〔2024〕{id}号"),
            index_no: format!("11370323004345133C/2024-{id:05}"),
        }
    }

    /// The first page of ten for `text`.
    fn first_page(index: &SearchIndex, text: &str) -> Results {
        index
            .search(&SearchQuery {
                text: text.into(),
                page: 1,
                per_page: 10,
                ..SearchQuery::default()
            })
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// An index in memory holding `docs`.
    fn indexed(docs: impl IntoIterator<Item = SearchDoc>) -> SearchIndex {
        let index = SearchIndex::open(None).unwrap_or_else(|e| panic!("{e}"));
        index
            .rebuild(docs, |_| {})
            .unwrap_or_else(|e| panic!("{e}"));
        index
    }

    fn find(index: &SearchIndex, text: &str) -> Vec<i64> {
        first_page(index, text).ids
    }

    #[test]
    fn chinese_words_find_their_items_and_withdrawn_items_vanish() {
        let index = SearchIndex::open(None).unwrap_or_else(|e| panic!("{e}"));
        let docs = [
            item(
                1,
                "西里镇2024年乡村振兴重点项目公示",
                "推进乡村振兴，实施道路硬化工程。",
                "乡村振兴",
                "2024-03-01",
            ),
            item(
                2,
                "西里镇人民政府2024年预决算公开",
                "本镇2024年一般公共预算收入……预决算说明。",
                "政府预决算",
                "2024-02-01",
            ),
            item(
                3,
                "关于做好农村宅基地审核工作的通知",
                "宅基地使用情况审核按程序办理。",
                "乡村振兴",
                "2023-05-01",
            ),
            item(
                4,
                "镇长办公会议议定事项",
                "会议研究了安全生产工作。",
                "政府会议",
                "2024-06-01",
            ),
        ];
        let n = index.rebuild(docs.clone(), |_| {}).unwrap_or_default();
        assert_eq!(n, 4);
        assert_eq!(find(&index, "乡村振兴"), [1]);
        assert_eq!(find(&index, "预决算"), [2]);
        assert_eq!(find(&index, "宅基地"), [3]);
        assert_eq!(
            find(&index, "西政发〔2024〕4号"),
            [4],
            "发文字号 typed in full"
        );
        // As a keyboard types its brackets: square, round, full-width round.
        for typed in ["西政发[2024]4号", "西政发(2024)4号", "西政发（2024）4号"] {
            assert_eq!(find(&index, typed), [4], "{typed}");
        }
        assert_eq!(find(&index, "11370323004345133C/2024-00003"), [3], "索引号");
        assert_eq!(
            find(&index, "C/2024-00003"),
            [3],
            "a 索引号 without its agency's code"
        );
        assert_eq!(find(&index, "c2024-00003"), [3], "its joiners left out");
        // Every word must be found, each in the title or the body.
        assert_eq!(
            find(&index, "宅基地 程序"),
            [3],
            "one in the title, one in the body"
        );
        assert!(
            find(&index, "宅基地 预算").is_empty(),
            "the two words in two items"
        );
        let hits = first_page(&index, "乡村振兴");
        assert_eq!(hits.ids, [1]);
        assert_eq!(
            hits.marks.title_html(&docs[0].title),
            "西里镇2024年<mark>乡村振兴</mark>重点项目公示"
        );
        assert_eq!(
            hits.marks.excerpt_html(&docs[0].body),
            "推进<mark>乡村振兴</mark>，实施道路硬化工程。"
        );
        let by_year = index
            .search(&SearchQuery {
                text: "审核".into(),
                year: Some(2024),
                page: 1,
                per_page: 10,
                ..SearchQuery::default()
            })
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(by_year.total.n(), 0, "the 宅基地 notice is from 2023");
        // A rebuild whose reading fails leaves the index as it was.
        let failed = index
            .try_rebuild([Ok(docs[0].clone()), Err("数据库读取失败")], None, |_| {})
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(failed, Err("数据库读取失败"));
        assert_eq!(index.len(), 4);
        assert_eq!(find(&index, "宅基地"), [3]);
        index.remove(1).unwrap_or_default();
        assert!(
            find(&index, "乡村振兴").is_empty(),
            "withdrawn: gone at once"
        );
        assert!(find(&index, "").is_empty());
    }

    /// Words are matched in one field, the title counted again: an item with the word in its
    /// title comes before one with it only in the body, even said twice there.
    /// `-词` leaves items out, `OR` asks for any word, `AND` and `+` change nothing.
    /// What a user walk found missing with a dictionary cut: the town's own name in another
    /// sentence, its last two characters, one character, a year inside a date, an area code
    /// inside a telephone number, full-width digits.
    #[test]
    fn names_dates_and_numbers_are_found_whatever_surrounds_them() {
        let docs = [
            item(
                1,
                "关于开展秋季防火工作的通知",
                "西里镇人民政府于2023-01-31印发，咨询电话0533-3210000。",
                "通知公告",
                "2024-02-01",
            ),
            item(
                2,
                "东里村召开村民代表会议",
                "会议由村委会主持，西里村民参加。",
                "通知公告",
                "2024-02-02",
            ),
        ];
        let index = indexed(docs.iter().cloned());
        assert_eq!(find(&index, "西里镇"), [1]);
        assert_eq!(find(&index, "里镇"), [1]);
        assert_eq!(find(&index, "镇"), [1]);
        assert_eq!(find(&index, "2023"), [1]);
        assert_eq!(find(&index, "0533"), [1]);
        assert_eq!(find(&index, "３２１００００"), [1]);
        assert_eq!(find(&index, "村民代表"), [2]);
        // A word's characters apart are not the word (a helper's walk: 民政办 found
        // 人民政府…党政办公室 while the index held pairs without positions).
        index
            .upsert(&item(
                3,
                "2024年工作要点",
                "人民政府党政办公室，城西里程碑附近，乡里镇上。",
                "其他",
                "2024-03-01",
            ))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(find(&index, "民政办").is_empty());
        assert_eq!(find(&index, "西里镇"), [1]);
        assert_eq!(find(&index, "党政办"), [3]);
        // A number with its joiners is one term; a long phrase's windows overlap.
        index
            .upsert(&item(
                4,
                "经费说明",
                "“三公”经费增长12.75%，人民政府2024年政府信息公开。",
                "其他",
                "2024-03-02",
            ))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(find(&index, "三公经费"), [4]);
        assert_eq!(find(&index, "12.75%"), [4]);
        assert!(find(&index, "12.5%").is_empty());
        assert!(find(&index, "人民政府信息公开").is_empty());
        assert_eq!(find(&index, "0533-3210000"), [1]);
        assert_eq!(
            find(&index, "2024-00004"),
            [4],
            "the end of item 4's 索引号"
        );
        // 西里 is in all three; 西里镇 whole is marked.
        let mut all = find(&index, "西里");
        all.sort_unstable();
        assert_eq!(all, [1, 2, 3]);
        let marks = first_page(&index, "西里镇").marks;
        assert_eq!(
            marks.excerpt_html("西里镇人民政府"),
            "<mark>西里镇</mark>人民政府"
        );
    }

    #[test]
    fn minus_leaves_out_and_or_asks_for_any() {
        let docs = [
            item(1, "乡村振兴项目公示", "道路硬化。", "其他", "2024-01-01"),
            item(
                2,
                "镇长办公会议纪要",
                "研究乡村振兴。",
                "其他",
                "2024-01-02",
            ),
            item(3, "安全生产会议", "检查。", "其他", "2024-01-03"),
            item(4, "COVID-19 防控通知", "防控。", "其他", "2024-01-04"),
        ];
        let index = indexed(docs.clone());
        let sorted = |text: &str| {
            let mut ids = find(&index, text);
            ids.sort_unstable();
            ids
        };
        assert_eq!(sorted("乡村振兴"), [1, 2]);
        assert_eq!(sorted("+乡村振兴 -会议"), [1]);
        assert_eq!(sorted("乡村振兴 －会议"), [1]);
        assert_eq!(sorted("乡村振兴 OR 安全生产"), [1, 2, 3]);
        // A word cut in pieces counts whole, left out or asked for among others.
        assert_eq!(sorted("乡村 OR 安全生产"), [1, 2, 3]);
        assert_eq!(sorted("乡村振兴 OR 乡村振兴"), [1, 2]);
        assert_eq!(
            sorted("乡村振兴 -社会议题"),
            [1, 2],
            "a phrase found nowhere leaves out nothing"
        );
        assert_eq!(
            sorted("乡村振兴 -镇长会议"),
            [1, 2],
            "item 2 has 镇长 and 会议, but not 镇长会议"
        );
        assert_eq!(sorted("乡村振兴 -办公会议"), [1]);
        // A minus before a digit is a negative figure, asked for (a walk: `-2.3%` found nothing).
        index
            .rebuild(
                docs.iter().cloned().chain([item(
                    5,
                    "一季度财政收入同比-2.3%",
                    "下降。",
                    "其他",
                    "2024-01-05",
                )]),
                |_| {},
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sorted("-2.3%"), [5]);
        assert_eq!(sorted("财政收入 －２.３%"), [5]);
        assert_eq!(sorted("财政收入 -下降"), Vec::<i64>::new());
        assert_eq!(
            sorted("乡村振兴 -会议项目"),
            [1, 2],
            "no item has both pieces"
        );
        // OR binds the two words beside it, not the whole query (a helper's walk: 补贴 招聘 OR
        // 预算 found every item with any of the three).
        assert_eq!(sorted("会议 安全生产 OR 乡村振兴"), [2, 3]);
        assert_eq!(sorted("公示 安全生产 OR 乡村振兴"), [1]);
        assert_eq!(sorted("道路 镇长 OR 安全生产"), Vec::<i64>::new());
        assert_eq!(sorted("安全生产|乡村振兴"), [1, 2, 3], "| without spaces");
        assert_eq!(sorted("安全生产 ｜乡村振兴"), [1, 2, 3]);
        assert_eq!(sorted("安全生产 ＯＲ 乡村振兴"), [1, 2, 3], "full-width OR");
        // Letters and digits with or without a joiner between them.
        assert_eq!(sorted("COVID19"), [4]);
        assert_eq!(sorted("covid-19 防控"), [4]);
        assert_eq!(sorted("-COVID19 防控"), Vec::<i64>::new());
        // 发布日期, as written on the page and as said.
        assert_eq!(sorted("2024-01-02"), [2]);
        assert_eq!(sorted("2024年1月4日"), [4]);
        assert_eq!(sorted("会议 2024-01"), [2, 3]);
        assert_eq!(sorted("2024-02"), Vec::<i64>::new());
        assert_eq!(
            sorted("OR 会议"),
            [2, 3],
            "an OR with nothing before it is nothing"
        );
        assert_eq!(sorted("会议 OR"), [2, 3]);
        assert_eq!(sorted("镇长 OR 安全生产 OR 公示"), [1, 2, 3]);
        assert_eq!(
            sorted("会议 安全生产 or 乡村振兴"),
            [2, 3],
            "or in lower case"
        );
        assert_eq!(sorted("会议 AND 安全生产"), [3]);
        assert_eq!(sorted("会议 安全生产"), [3]);
        assert!(sorted("-会议").is_empty(), "nothing to leave out from");
        let left_out_only = |text: &str| first_page(&index, text).left_out_only;
        assert!(left_out_only("-会议 －镇长"));
        assert!(!left_out_only("乡村 -会议"));
        assert!(!left_out_only(""));
        assert_eq!(
            sorted("2024-01"),
            [1, 2, 3, 4, 5],
            "a hyphen inside a word is the word's (every item is of January 2024), not 01 left out"
        );
    }

    /// Newest first puts the later of one day's items first.
    #[test]
    fn newest_first_breaks_a_days_tie_by_the_later_item() {
        let docs = [7, 9, 8].map(|id| item(id, "通知", "正文。", "其他", "2024-05-01"));
        let index = indexed(docs);
        for text in ["", "通知"] {
            let r = index
                .search(&SearchQuery {
                    text: text.into(),
                    category: Some("其他".into()),
                    order: Order::Newest,
                    page: 1,
                    per_page: 10,
                    ..SearchQuery::default()
                })
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(r.ids, [9, 8, 7], "{text:?}");
        }
    }

    #[test]
    fn a_title_match_ranks_first() {
        let docs = [
            item(
                5,
                "通知",
                "安全生产检查通报，安全生产。",
                "其他",
                "2024-01-02",
            ),
            item(
                6,
                "安全生产检查通报",
                "本月检查情况如下。",
                "其他",
                "2024-01-01",
            ),
            item(7, "通知", "会议纪要。", "其他", "2024-01-03"),
        ];
        let index = indexed(docs);
        assert_eq!(find(&index, "安全生产"), [6, 5]);
        assert_eq!(
            find(&index, "通知 安全生产"),
            [5],
            "both words, in title and body"
        );
    }

    /// A 发文字号 typed with other brackets around its year ([2024], （2024）, 【2024】) finds
    /// its item first, as typed with 〔2024〕 does: before items that only mention its words.
    #[test]
    fn a_doc_number_typed_with_other_brackets_finds_its_item_first() {
        let docs = [
            item(
                3,
                "西政发2024年工作12项",
                "西政发文12号，2024年12次。",
                "其他",
                "2024-01-02",
            ),
            item(12, "会议纪要", "会议纪要。", "其他", "2024-01-01"),
        ];
        let index = indexed(docs);
        for typed in [
            "西政发〔2024〕12号",
            "西政发[2024]12号",
            "西政发（2024）12号",
            "西政发【2024】12号",
            "西政发［2024］12号",
        ] {
            assert_eq!(find(&index, typed).first(), Some(&12), "{typed}");
        }
        assert_eq!(exact_forms("西政发〔2024〕12号"), ["西政发〔2024〕12号"]);
        assert_eq!(
            exact_forms("西政发(2024)12号"),
            ["西政发(2024)12号", "西政发〔2024〕12号"]
        );
        for typed in [
            "西政发 〔2024〕 12号",
            "西政发〔2024〕12",
            "西政发〖2024〗12号",
        ] {
            assert_eq!(find(&index, typed).first(), Some(&12), "{typed}");
        }
    }

    /// Latin letters match in either case, and marks keep the item's own case.
    #[test]
    fn latin_words_match_in_any_case() {
        let index = indexed([item(
            1,
            "PDF 格式说明",
            "下载 Word 文档。",
            "其他",
            "2024-01-01",
        )]);
        for q in ["pdf", "PDF", "pDf", "word", "WORD"] {
            assert_eq!(find(&index, q), [1], "{q}");
        }
        let hit = first_page(&index, "word");
        assert!(
            hit.marks
                .excerpt_html("下载 Word 文档。")
                .contains("<mark>Word</mark>")
        );
    }

    /// A page past the deepest answers with no hits and the count, at once and without holding
    /// the hits before it (`page=100000000` made tantivy allocate 32 GB and abort).
    #[test]
    fn a_page_past_the_deepest_has_no_hits_and_the_count() {
        let index = indexed((1..=3).map(|i| item(i, "防汛通知", "正文。", "其他", "2024-01-01")));
        for page in [MAX_HITS / 20 + 1, 100_000_000, usize::MAX] {
            let r = index
                .search(&SearchQuery {
                    text: "防汛".into(),
                    page,
                    per_page: 20,
                    ..SearchQuery::default()
                })
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((r.ids.len(), r.total.n()), (0, 3), "page {page}");
        }
    }

    /// Each change commits a segment of its own; merging leaves one, and every search finds
    /// the same items as before.
    #[test]
    fn merging_leaves_one_segment_and_the_same_hits() {
        let index = SearchIndex::open(None).unwrap_or_else(|e| panic!("{e}"));
        for (id, title) in [
            (1, "乡村振兴补贴公示"),
            (2, "乡村振兴会议"),
            (3, "防汛通知"),
        ] {
            index
                .upsert(&item(id, title, "正文。", "其他", "2024-01-01"))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        index.remove(2).unwrap_or_else(|e| panic!("{e}"));
        let segments = || index.reader.searcher().segment_readers().len();
        assert!(segments() > 1, "{}", segments());
        let before = (find(&index, "乡村振兴"), find(&index, "通知"));
        index.merge_all().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(segments(), 1);
        assert_eq!((find(&index, "乡村振兴"), find(&index, "通知")), before);
        assert_eq!(before, (vec![1], vec![3]));
        assert_eq!(index.len(), 2);
    }

    #[test]
    fn newest_first_orders_by_date_and_keeps_pages_and_filters() {
        let index = SearchIndex::open(None).unwrap_or_else(|e| panic!("{e}"));
        // The title match (best by relevance) is the oldest.
        let docs = [
            item(
                1,
                "乡村振兴补贴公示",
                "补贴发放。",
                "乡村振兴",
                "2023-01-05",
            ),
            item(
                2,
                "镇长办公会议",
                "会议研究乡村振兴。",
                "政府会议",
                "2024-09-01",
            ),
            item(
                3,
                "重点工作计划",
                "乡村振兴和民生。",
                "规划计划",
                "2024-02-20",
            ),
            item(
                4,
                "年度预算",
                "乡村振兴资金安排。",
                "政府预决算",
                "2024-12-30",
            ),
        ];
        index.rebuild(docs, |_| {}).unwrap_or_default();
        let ids = |order, page, category: Option<&str>| {
            index
                .search(&SearchQuery {
                    text: "乡村振兴".into(),
                    category: category.map(str::to_owned),
                    page,
                    per_page: 2,
                    order,
                    ..SearchQuery::default()
                })
                .map(|r| (r.ids, r.total.n()))
                .unwrap_or_default()
        };
        assert_eq!(ids(Order::Relevance, 1, None).0[0], 1, "the title match");
        assert_eq!(ids(Order::Newest, 1, None), (vec![4, 2], 4));
        assert_eq!(ids(Order::Newest, 2, None), (vec![3, 1], 4));
        assert_eq!(ids(Order::Newest, 1, Some("政府会议")), (vec![2], 1));
        // No words: the filters alone list their items, newest first whatever the order asked.
        let filtered = |category: Option<&str>, year| {
            index
                .search(&SearchQuery {
                    category: category.map(str::to_owned),
                    year,
                    page: 1,
                    per_page: 10,
                    ..SearchQuery::default()
                })
                .map(|r| (r.ids, r.total.n()))
                .unwrap_or_default()
        };
        assert_eq!(filtered(None, Some(2024)), (vec![4, 2, 3], 3));
        assert_eq!(filtered(Some("乡村振兴"), None), (vec![1], 1));
        assert_eq!(filtered(None, None), (vec![], 0), "no words, no filter");
    }
}

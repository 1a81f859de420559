//! Runs searches of two words drawn from a vocabulary against an index folder, one after the
//! other on one thread, and prints searches per second: the search alone, without HTTP or the
//! page, for comparing changes to the query or the excerpts (bench/distinct.sh measures the
//! whole page).
//!
//! ```text
//! cargo run --release -p gongkai-search --example search_speed -- INDEX_DIR VOCAB_FILE [N [BODIES]]
//! ```
//!
//! `VOCAB_FILE` is `bench/distinct_prepare.py`'s `vocab.txt` (one URL-encoded word a line). The index
//! must not be open in a running server (its writer lock is taken). With `BODIES` (one item's plain
//! text a line), each search also makes the excerpts of 20 of them, as a search page does for its
//! hits, and their time is printed apart.

use std::time::Instant;

use gongkai_search::{SearchIndex, SearchQuery};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(vocab)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: search_speed INDEX_DIR VOCAB_FILE [N]");
        std::process::exit(2);
    };
    let n: u32 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(5000);
    let words: Vec<String> = std::fs::read_to_string(vocab)
        .unwrap_or_else(|e| panic!("{vocab}: {e}"))
        .lines()
        .filter(|l| !l.is_empty())
        .map(|w| {
            percent_encoding::percent_decode_str(w)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let index =
        SearchIndex::open(Some(std::path::Path::new(dir))).unwrap_or_else(|e| panic!("{dir}: {e}"));
    // A fixed sequence (xorshift), so that two builds are compared on the same searches.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut pick = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        &words[usize::try_from(x % words.len() as u64).unwrap_or_default()]
    };
    let queries: Vec<String> = (0..n).map(|_| format!("{} {}", pick(), pick())).collect();
    for warm in queries.iter().take(200) {
        let _ = index.search(&query(warm));
    }
    let t = Instant::now();
    let mut hits = 0;
    for q in &queries {
        hits += index.search(&query(q)).map_or(0, |r| r.total.n());
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{n} searches in {s:.2} s: {:.0}/s, {:.0} µs each, {hits} hits in all",
        f64::from(n) / s,
        s * 1e6 / f64::from(n)
    );
    if let Some(path) = args.get(4) {
        let bodies: Vec<String> = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .lines()
            .map(str::to_owned)
            .collect();
        let marks: Vec<_> = queries
            .iter()
            .filter_map(|q| index.search(&query(q)).ok().map(|r| r.marks))
            .collect();
        let t = Instant::now();
        let mut bytes = 0;
        for (k, m) in marks.iter().enumerate() {
            for j in 0..20 {
                let body = &bodies[(k * 20 + j) % bodies.len().max(1)];
                bytes += m.excerpt_html(body).len();
            }
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "excerpts of 20 bodies a search: {:.0} µs a search ({bytes} bytes made)",
            s * 1e6 / f64::from(u32::try_from(marks.len()).unwrap_or(u32::MAX).max(1))
        );
    }
    // The mapped index counts in RSS as far as its pages were touched (RssFile).
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        let memory: Vec<&str> = status
            .lines()
            .filter(|l| {
                ["VmRSS", "RssAnon", "RssFile"]
                    .iter()
                    .any(|k| l.starts_with(k))
            })
            .collect();
        println!(
            "{}",
            memory
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}

fn query(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.to_owned(),
        page: 1,
        per_page: 20,
        ..SearchQuery::default()
    }
}

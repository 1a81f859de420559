//! Times queries against an existing index: `cargo run --release -p gongkai-search --example timing -- DIR 乡村振兴 …`
//! (`ORDER=date` for newest first).
fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("index folder");
    let index = gongkai_search::SearchIndex::open(Some(std::path::Path::new(&dir))).expect("open");
    for q in args {
        let query = gongkai_search::SearchQuery {
            text: q.clone(),
            page: 1,
            per_page: std::env::var("PER")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(10),
            order: if std::env::var("ORDER").as_deref() == Ok("date") {
                gongkai_search::Order::Newest
            } else {
                gongkai_search::Order::Relevance
            },
            ..Default::default()
        };
        let _ = index.search(&query);
        let start = std::time::Instant::now();
        let n = 50;
        let mut total = 0;
        for _ in 0..n {
            total = index.search(&query).expect("search").total.n();
        }
        println!(
            "{q}: {total} hits, {:.2} ms per search",
            start.elapsed().as_secs_f64() * 1000.0 / f64::from(n)
        );
    }
}

//! Computing one agency-year's annual report end to end from a SQLite store holding 1,000,000
//! requests: 100 agencies over 2015–2024, one of which (`big-town`) holds half of them.
//!
//! Run: `cargo bench -p gongkai-store --bench report_compute`. The database is generated once
//! (about a minute) and kept under the target folder for later runs.

#![expect(
    clippy::unwrap_used,
    reason = "a benchmark fails loudly on setup errors"
)]

use std::path::PathBuf;

use chrono::NaiveDate;
use gongkai_core::audit::Actor;
use gongkai_core::request::Decided;
use gongkai_core::{Agency, AgencyKind, CreditCode, Outcome, RequestFacts, RequesterKind, Slug};
use gongkai_store::By;
use gongkai_store::Store;

const TOTAL: usize = 1_000_000;
const AGENCIES: usize = 100;
const BIG_SHARE: usize = TOTAL / 2;

fn main() {
    divan::main();
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn db_path() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"),
        PathBuf::from,
    );
    target.join("bench-data").join("requests-1m-v1.db")
}

/// A deterministic generator, so every run measures the same data.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn slug(i: usize) -> Slug {
    Slug::parse(&if i == 0 {
        "big-town".to_owned()
    } else {
        format!("town-{i:03}")
    })
    .unwrap()
}

async fn store() -> Store {
    let path = db_path();
    let url = format!("sqlite://{}", path.display());
    if path.exists() {
        // A database built by an earlier version: bring its schema up to date, as `serve` would.
        let store = Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        return store;
    }
    let building = path.with_extension("building");
    let _ = std::fs::remove_file(&building);
    let store = Store::connect(&format!("sqlite://{}", building.display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let now = "2025-01-01T00:00:00Z".parse().unwrap();
    let mut rng = Lcg(42);
    let start = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap();
    for i in 0..AGENCIES {
        let first17 = format!("113703230{i:08}");
        let code = format!("{first17}{}", CreditCode::check_char(&first17).unwrap());
        let agency = Agency::new(
            slug(i),
            "基准测试镇",
            CreditCode::parse(&code).unwrap(),
            AgencyKind::Town,
            None,
        )
        .unwrap();
        store
            .insert_agency(&agency, By::new(&Actor::system("基准测试"), now))
            .await
            .unwrap();
        let n = if i == 0 {
            BIG_SHARE
        } else {
            (TOTAL - BIG_SHARE) / (AGENCIES - 1)
                + usize::from(i <= (TOTAL - BIG_SHARE) % (AGENCIES - 1))
        };
        let requests: Vec<RequestFacts> = (0..n)
            .map(|_| {
                let received_on =
                    start + chrono::Duration::days(i64::try_from(rng.next(3653)).unwrap());
                let decided = (rng.next(20) != 0).then(|| Decided {
                    on: received_on + chrono::Duration::days(i64::try_from(rng.next(60)).unwrap()),
                    outcome: Outcome::ALL[usize::try_from(rng.next(21)).unwrap()],
                });
                RequestFacts::new(
                    RequesterKind::ALL[usize::try_from(rng.next(6)).unwrap()],
                    received_on,
                    decided,
                )
                .unwrap()
            })
            .collect();
        store
            .insert_request_facts(
                &slug(i),
                &requests,
                By::new(&Actor::system("基准测试"), now),
            )
            .await
            .unwrap();
    }
    store.close().await;
    std::fs::rename(&building, &path).unwrap();
    Store::connect(&url).await.unwrap()
}

/// A typical agency of the county: ~500 requests a year.
#[divan::bench(sample_count = 20)]
fn typical_agency_year(bencher: divan::Bencher<'_, '_>) {
    let rt = runtime();
    let store = rt.block_on(store());
    let today = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
    bencher.bench_local(|| {
        rt.block_on(store.checked_report(&slug(7), 2020, today))
            .unwrap()
    });
}

/// The agency holding half the store: ~50,000 requests a year.
#[divan::bench(sample_count = 10)]
fn largest_agency_year(bencher: divan::Bencher<'_, '_>) {
    let rt = runtime();
    let store = rt.block_on(store());
    let today = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
    bencher.bench_local(|| {
        rt.block_on(store.checked_report(&slug(0), 2020, today))
            .unwrap()
    });
}

//! The oversight office's view of a year: 30 member agencies' reports computed from the database,
//! each cross-checked against its previous year, and the consolidated table — end to end.
//!
//! Run: `cargo bench -p gongkai-store --bench county_summary`.

#![expect(
    clippy::unwrap_used,
    reason = "a benchmark fails loudly on setup errors"
)]

use chrono::NaiveDate;
use gongkai_core::audit::Actor;
use gongkai_core::report::aggregate;
use gongkai_core::request::Decided;
use gongkai_core::{Agency, AgencyKind, CreditCode, Outcome, RequestFacts, RequesterKind, Slug};
use gongkai_store::By;
use gongkai_store::{NewItem, Store};

fn main() {
    divan::main();
}

fn code(n: usize) -> CreditCode {
    let first17 = format!("113703230{n:08}");
    CreditCode::parse(&format!(
        "{first17}{}",
        CreditCode::check_char(&first17).unwrap()
    ))
    .unwrap()
}

async fn county(dir: &std::path::Path) -> Store {
    let store = Store::connect(&format!("sqlite://{}", dir.join("county.db").display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let now = "2025-01-10T00:00:00Z".parse().unwrap();
    let actor = Actor::system("基准测试");
    let county = Slug::parse("county").unwrap();
    store
        .insert_agency(
            &Agency::new(
                county.clone(),
                "某县人民政府",
                code(0),
                AgencyKind::CountyGovernment,
                None,
            )
            .unwrap(),
            By::new(&actor, now),
        )
        .await
        .unwrap();
    let mut seed = 7u64;
    let mut next = |n: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) % n
    };
    for i in 1..=30 {
        let slug = Slug::parse(&format!("town-{i:02}")).unwrap();
        let agency = Agency::new(
            slug.clone(),
            &format!("第{i}镇人民政府"),
            code(i),
            AgencyKind::Town,
            Some(county.clone()),
        )
        .unwrap();
        store
            .insert_agency(&agency, By::new(&actor, now))
            .await
            .unwrap();
        store
            .set_categories(
                &slug,
                &["重点民生".into(), "政府会议".into(), "乡村振兴".into()],
                By::new(&actor, now),
            )
            .await
            .unwrap();
        let start = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
        let requests: Vec<RequestFacts> = (0..600)
            .map(|_| {
                let received =
                    start + chrono::Duration::days(i64::try_from(next(3 * 365)).unwrap());
                let decided = (next(10) != 0).then(|| Decided {
                    on: received + chrono::Duration::days(i64::try_from(next(40)).unwrap()),
                    outcome: Outcome::ALL[usize::try_from(next(21)).unwrap()],
                });
                RequestFacts::new(
                    RequesterKind::ALL[usize::try_from(next(6)).unwrap()],
                    received,
                    decided,
                )
                .unwrap()
            })
            .collect();
        store
            .insert_request_facts(&slug, &requests, By::new(&actor, now))
            .await
            .unwrap();
        for k in 0..60 {
            let published_on =
                start + chrono::Duration::days(i64::try_from(next(3 * 365)).unwrap());
            let item = NewItem {
                title: format!("信息{k}"),
                category: ["重点民生", "政府会议", "乡村振兴"][k % 3].into(),
                published_on,
                index_no: None,
                content: None,
            };
            store
                .insert_item(&slug, &item, By::new(&actor, now))
                .await
                .unwrap();
        }
    }
    store
}

#[divan::bench(sample_count = 10)]
fn thirty_agencies_one_year(bencher: divan::Bencher<'_, '_>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = rt.block_on(county(dir.path()));
    let office = gongkai_core::AgencyRef {
        slug: Slug::parse("county").unwrap(),
        name: "某县人民政府".into(),
    };
    let today = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
    bencher.bench_local(|| {
        rt.block_on(async {
            let members = store
                .member_reports(&office.slug, 2024, today)
                .await
                .unwrap();
            assert_eq!(members.len(), 30);
            let reports: Vec<_> = members.into_iter().map(|m| m.report).collect();
            aggregate(&office, 2024, &reports)
        })
    });
}

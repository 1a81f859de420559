//! Reports read and checked per second on one core.
//!
//! Run: `cargo bench -p gongkai-docs --bench check`. Throughput = 1 / median time per report.

#![expect(
    clippy::unwrap_used,
    reason = "a benchmark fails loudly on setup errors"
)]

use gongkai_docs::parse::{SourceKind, check_file};

const SEED: &str = include_str!("../../../fixtures/xili-2024-annual-report.txt");

fn main() {
    divan::main();
}

/// The seed: text copied from a web page, one cell per line.
#[divan::bench]
fn seed_text(b: divan::Bencher<'_, '_>) {
    b.bench(|| {
        check_file(
            divan::black_box(SEED.as_bytes()),
            SourceKind::Text,
            "seed.txt",
            None,
        )
        .unwrap()
    });
}

/// A full report with every table, as pipe rows (Markdown as gongkai renders it).
#[divan::bench]
fn full_markdown(b: divan::Bencher<'_, '_>) {
    let md = full_report_markdown();
    b.bench(|| {
        check_file(
            divan::black_box(md.as_bytes()),
            SourceKind::Text,
            "r.md",
            None,
        )
        .unwrap()
    });
}

/// The same report as an HTML page.
#[divan::bench]
fn full_html(b: divan::Bencher<'_, '_>) {
    let report =
        gongkai_docs::parse::parse(full_report_markdown().as_bytes(), SourceKind::Text, "r.md")
            .unwrap()
            .report;
    let html = gongkai_docs::html_page(&report).unwrap();
    b.bench(|| {
        check_file(
            divan::black_box(html.as_bytes()),
            SourceKind::Html,
            "r.html",
            None,
        )
        .unwrap()
    });
}

fn full_report_markdown() -> String {
    // The seed with its missing tables restored: parse it, fill tables 二 and 四, render.
    let mut r = gongkai_docs::parse::parse(SEED.as_bytes(), SourceKind::Text, "seed.txt")
        .unwrap()
        .report;
    r.table2 = gongkai_core::report::Table2::default();
    r.table4 = gongkai_core::report::Table4::default();
    gongkai_docs::markdown(&r).unwrap()
}

//! Failures found by an independent probe on held-out inputs, each kept as a regression: the
//! inputs are small files derived from the public reports in `shared/realdata/` (provenance in
//! `fixtures/README.md`).

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use gongkai_core::RequesterKind;
use gongkai_core::report::{Finding, Relation, Severity, Table3Col, Table3Row};
use gongkai_core::request::Outcome;
use gongkai_docs::parse::{Checked, SourceKind, check_file};

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/checker")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn realdata(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/realdata/reports")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn check(bytes: &[u8], name: &str) -> Checked {
    let kind = SourceKind::from_path(std::path::Path::new(name)).unwrap();
    check_file(bytes, kind, name, None).unwrap()
}

fn errors(c: &Checked) -> Vec<&Finding> {
    c.findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect()
}

/// The 淮安 2024 report as published, read from its PDF (every cell checked in `realdata.rs`).
fn huaian() -> Checked {
    check(&realdata("huaian-city-2024.pdf"), "huaian-city-2024.pdf")
}

#[test]
fn rows_wrapped_onto_the_next_line_take_their_continuation_before_cutting_digits() {
    // `3001 53 0 0 61 4` then `3119` on the next line: seven cells, not 300/1/53/…
    let c = check(
        &fixture("huaian-2024.wrap-total.txt"),
        "huaian-2024.wrap-total.txt",
    );
    assert_eq!(c.report.table3, huaian().report.table3);
    assert_eq!(c.stats.read, 190, "{:#?}", c.findings);
    assert!(errors(&c).is_empty(), "{:#?}", errors(&c));
    assert!(
        !c.findings.iter().any(|f| f.message.contains("连写")),
        "{:#?}",
        c.findings
    );

    // The same report through LibreOffice and `pdftotext -layout`, with 1288 planted as 1289:
    // rows wrap after two to six cells, and the planted error is found where it is.
    let c = check(
        &fixture("huaian-2024.disclosed1289.pdftotext.txt"),
        "huaian-2024.disclosed1289.pdftotext.txt",
    );
    let mut want = huaian().report.table3;
    let cell = (
        Table3Row::Outcome(Outcome::Disclosed),
        Table3Col::Requester(RequesterKind::NaturalPerson),
    );
    want.set(cell.0, cell.1, Some(1289));
    assert_eq!(c.report.table3, want);
    let mut found: Vec<(&str, Option<&str>, Option<&str>)> = errors(&c)
        .iter()
        .map(|f| (f.relation.id(), f.row.as_deref(), f.column.as_deref()))
        .collect();
    found.sort_unstable();
    assert_eq!(
        found,
        [
            ("T3-ROW", Some("disclosed"), Some("total")),
            ("T3-SUM", Some("total"), Some("natural_person"))
        ],
        "{:#?}",
        c.findings
    );
    assert!(!c.findings.iter().any(|f| f.message.contains("连写")));

    // 平潭 2023 through LibreOffice: a long label pushes the last cells onto the next line.
    let c = check(
        &fixture("pingtan-2023.soffice.pdftotext.txt"),
        "pingtan-2023.soffice.pdftotext.txt",
    );
    assert_eq!(c.stats.read, 190, "{:#?}", c.findings);
    assert!(errors(&c).is_empty(), "{:#?}", errors(&c));
    assert_eq!(
        c.report.table3.get(
            Table3Row::Outcome(Outcome::PartlyDisclosed),
            Table3Col::Total
        ),
        Some(20)
    );
    assert_eq!(
        c.report.table3.get(
            Table3Row::Outcome(Outcome::OtherNoClarification),
            Table3Col::Total
        ),
        Some(1)
    );
}

#[test]
fn html_rows_of_blank_cells_are_blank_rows_and_do_not_hide_a_broken_sum() {
    // Zeros published as `&nbsp;`, two rows entirely so; 1288 planted as 1289 with its row total
    // 1363, so only the column sums (T3-SUM) can catch it.
    let planted = fixture("huaian-2024.nbsp-zeros.disclosed1289.html");
    let c = check(&planted, "huaian-2024.nbsp-zeros.disclosed1289.html");
    assert_eq!(c.stats.read, 190, "{:#?}", c.findings);
    assert!(
        !c.findings.iter().any(|f| f.relation == Relation::SUnread),
        "{:#?}",
        c.findings
    );
    for row in ["not_processed.publication", "not_processed.excessive"] {
        let blank: Vec<&Finding> = c
            .findings
            .iter()
            .filter(|f| f.row.as_deref() == Some(row) && f.relation == Relation::SBlankCell)
            .collect();
        assert_eq!(blank.len(), 1, "one finding for a blank row: {blank:#?}");
        assert!(blank[0].message.contains("整行空白"), "{blank:#?}");
    }
    let mut found: Vec<(&str, Option<&str>)> = errors(&c)
        .iter()
        .map(|f| (f.relation.id(), f.column.as_deref()))
        .collect();
    found.sort_unstable();
    assert_eq!(
        found,
        [
            ("T3-SUM", Some("natural_person")),
            ("T3-SUM", Some("total"))
        ],
        "{:#?}",
        c.findings
    );
    // As published (1288, 1362): blank cells are warnings, nothing is an error.
    let published = String::from_utf8(planted)
        .unwrap()
        .replace("<td>1289</td>", "<td>1288</td>")
        .replace("<td>1363</td>", "<td>1362</td>");
    let c = check(published.as_bytes(), "huaian-2024.nbsp-zeros.html");
    assert_eq!(c.report.table3, huaian().report.table3);
    assert!(errors(&c).is_empty(), "{:#?}", errors(&c));
}

#[test]
fn a_total_column_cut_to_its_first_digit_is_one_finding_not_a_dozen_wrong_rows() {
    // The 淮安 tables as an HTML page printed to PDF by LibreOffice: the 总计 column runs off the
    // page, and `pdftotext` keeps only its first digit (3119 → 3).
    let c = check(
        &fixture("huaian-2024.total-clipped.pdftotext.txt"),
        "huaian-2024.total-clipped.pdftotext.txt",
    );
    assert!(errors(&c).is_empty(), "{:#?}", errors(&c));
    let cut: Vec<&Finding> = c
        .findings
        .iter()
        .filter(|f| f.relation == Relation::SUnread && f.message.contains("截断"))
        .collect();
    assert_eq!(cut.len(), 2, "table 三 once, table 四 once: {cut:#?}");
    assert!(cut[0].message.contains("表三“总计”列"), "{cut:#?}");
    let published = huaian().report.table3;
    for row in Table3Row::ALL {
        for col in Table3Col::ALL {
            let got = c.report.table3.get(row, col);
            let want = published.get(row, col);
            if col == Table3Col::Total && want.is_some_and(|v| v >= 10) {
                assert_eq!(got, None, "{} cut off: unread", row.key());
            } else {
                assert_eq!(got, want, "{} {}", row.key(), col.key());
            }
        }
    }
    assert_eq!(c.report.table4.litigation_after_reconsideration.total, None);
    assert_eq!(c.report.table4.reconsideration.total, Some(351));
    assert_eq!(c.stats.read + c.stats.ambiguous + c.stats.unread, 190);
    assert_eq!(c.stats.unread, 16);
}

#[test]
fn labels_set_before_the_corner_row_by_plain_pdftotext_are_not_reported_missing() {
    let c = check(
        &fixture("hongze-2023.plain-pdftotext.txt"),
        "hongze-2023.plain-pdftotext.txt",
    );
    let missing: Vec<&Finding> = c
        .findings
        .iter()
        .filter(|f| f.relation == Relation::SLabel && f.severity == Severity::Error)
        .collect();
    assert!(missing.is_empty(), "{missing:#?}");
    // The rows whose numbers cannot be placed are said to be unread, not guessed.
    let unread = c
        .findings
        .iter()
        .find(|f| f.relation == Relation::SUnread && f.message.contains("标签与数字分开"))
        .unwrap();
    assert!(unread.message.contains("二、上年结转政府信息公开申请数量"));
    // What the published PDF deserves (see realdata.rs) is still found.
    let mut found: Vec<&str> = errors(&c).iter().map(|f| f.relation.id()).collect();
    found.sort_unstable();
    assert_eq!(
        found,
        ["T4-SUM", "T4-SUM", "TX-PERIOD"],
        "{:#?}",
        c.findings
    );
}

//! Real published reports (`../shared/realdata/`, provenance in its README), read against the
//! figures read by hand from each document. Every table-三/四 cell must come out right, or be
//! left unread with a finding that says why; the report that does not add up as published must
//! say which relations fail, and the others must raise no error they do not have.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use gongkai_core::report::{Relation, Severity, Table3Col, Table3Row};
use gongkai_docs::parse::{Checked, SourceKind, check_file};

fn corpus(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/realdata/reports")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn check(name: &str) -> Checked {
    let kind = SourceKind::from_path(std::path::Path::new(name)).unwrap();
    check_file(&corpus(name), kind, name, None).unwrap()
}

/// Hand-read figures: the rows that are not all zero; every other row is zero.
struct Expected {
    file: &'static str,
    agency: &'static str,
    year: i32,
    rows: &'static [(&'static str, [i64; 7])],
    /// Cells printed blank or lost that must be unread (row, column), with a finding.
    unread: &'static [(&'static str, &'static str)],
    table4: [[i64; 5]; 3],
    /// The error findings the document deserves, by relation id.
    errors: &'static [&'static str],
}

const CASES: &[Expected] = &[
    Expected {
        file: "pingtan-2019-oldformat.page.txt",
        agency: "平潭综合实验区",
        year: 2019,
        rows: &[
            ("received", [23, 0, 0, 0, 0, 0, 23]),
            ("disclosed", [7, 0, 0, 0, 0, 0, 7]),
            ("partly_disclosed", [1, 0, 0, 0, 0, 0, 1]),
            ("unavailable.not_held", [7, 0, 0, 0, 0, 0, 7]),
            ("unavailable.still_unclear", [5, 0, 0, 0, 0, 0, 5]),
            ("not_processed.repeated", [3, 0, 0, 0, 0, 0, 3]),
            ("total", [23, 0, 0, 0, 0, 0, 23]),
        ],
        unread: &[],
        table4: [[0; 5]; 3],
        errors: &[],
    },
    Expected {
        file: "pingtan-2020-oldformat.page.txt",
        agency: "平潭综合实验区",
        year: 2020,
        rows: &[
            ("received", [20, 0, 0, 0, 0, 1, 21]),
            ("disclosed", [6, 0, 0, 0, 0, 1, 7]),
            ("partly_disclosed", [6, 0, 0, 0, 0, 0, 6]),
            ("unavailable.not_held", [4, 0, 0, 0, 0, 0, 4]),
            ("unavailable.still_unclear", [3, 0, 0, 0, 0, 0, 3]),
            ("not_processed.repeated", [3, 0, 0, 0, 0, 0, 3]),
            ("other.other", [4, 0, 0, 0, 0, 0, 4]),
            ("total", [20, 0, 0, 0, 0, 1, 21]),
        ],
        unread: &[],
        table4: [[0; 5]; 3],
        // As published: the outcome rows add up to 26 (natural persons) and 27 (总计), not 20/21.
        errors: &["T3-SUM", "T3-SUM"],
    },
    Expected {
        file: "pingtan-2021.page.txt",
        agency: "平潭综合实验区",
        year: 2021,
        rows: &[
            ("received", [64, 0, 0, 2, 0, 4, 70]),
            ("disclosed", [27, 0, 0, 2, 0, 1, 30]),
            ("partly_disclosed", [5, 0, 0, 0, 0, 0, 5]),
            ("withheld.internal_affairs", [1, 0, 0, 0, 0, 0, 1]),
            ("withheld.enforcement_file", [6, 0, 0, 0, 0, 0, 6]),
            ("withheld.query_matter", [1, 0, 0, 0, 0, 0, 1]),
            ("unavailable.not_held", [22, 0, 0, 0, 0, 3, 25]),
            ("other.other", [1, 0, 0, 0, 0, 0, 1]),
            ("total", [63, 0, 0, 2, 0, 4, 69]),
            ("carried_out", [1, 0, 0, 0, 0, 0, 1]),
        ],
        unread: &[],
        table4: [[1, 0, 2, 0, 3], [12, 0, 0, 0, 12], [0; 5]],
        errors: &[],
    },
    Expected {
        file: "pingtan-2022.page.txt",
        agency: "平潭综合实验区",
        year: 2022,
        rows: &[
            ("received", [71, 3, 0, 0, 0, 0, 74]),
            ("carried_in", [1, 0, 0, 0, 0, 0, 1]),
            ("disclosed", [21, 0, 0, 0, 0, 0, 21]),
            ("partly_disclosed", [8, 1, 0, 0, 0, 0, 9]),
            ("withheld.internal_affairs", [1, 0, 0, 0, 0, 0, 1]),
            ("withheld.process_info", [2, 0, 0, 0, 0, 0, 2]),
            ("withheld.enforcement_file", [1, 0, 0, 0, 0, 0, 1]),
            ("unavailable.not_held", [37, 0, 0, 0, 0, 0, 37]),
            ("other.no_clarification", [2, 0, 0, 0, 0, 0, 2]),
            ("other.other", [0, 2, 0, 0, 0, 0, 2]),
            ("total", [72, 3, 0, 0, 0, 0, 75]),
        ],
        unread: &[],
        table4: [[0, 1, 1, 0, 2], [1, 0, 0, 0, 1], [0; 5]],
        errors: &[],
    },
    Expected {
        file: "pingtan-2023.page.txt",
        agency: "平潭综合实验区",
        year: 2023,
        rows: &[
            ("received", [80, 1, 0, 0, 0, 0, 81]),
            ("disclosed", [22, 0, 0, 0, 0, 0, 22]),
            ("partly_disclosed", [19, 1, 0, 0, 0, 0, 20]),
            ("withheld.third_party", [1, 0, 0, 0, 0, 0, 1]),
            ("withheld.process_info", [1, 0, 0, 0, 0, 0, 1]),
            ("withheld.enforcement_file", [1, 0, 0, 0, 0, 0, 1]),
            ("withheld.query_matter", [2, 0, 0, 0, 0, 0, 2]),
            ("unavailable.not_held", [31, 0, 0, 0, 0, 0, 31]),
            ("not_processed.repeated", [1, 0, 0, 0, 0, 0, 1]),
            ("other.no_clarification", [1, 0, 0, 0, 0, 0, 1]),
            ("other.other", [1, 0, 0, 0, 0, 0, 1]),
            ("total", [80, 1, 0, 0, 0, 0, 81]),
        ],
        unread: &[],
        table4: [[1, 1, 0, 0, 2], [4, 0, 0, 1, 5], [1, 0, 1, 0, 2]],
        errors: &[],
    },
    Expected {
        file: "pingtan-2025.page.txt",
        agency: "平潭综合实验区",
        year: 2025,
        rows: &[
            ("received", [151, 3, 0, 0, 0, 0, 154]),
            ("disclosed", [33, 0, 0, 0, 0, 0, 33]),
            ("partly_disclosed", [38, 0, 0, 0, 0, 0, 38]),
            ("withheld.internal_affairs", [3, 0, 0, 0, 0, 0, 3]),
            ("withheld.process_info", [2, 0, 0, 0, 0, 0, 2]),
            ("withheld.enforcement_file", [3, 0, 0, 0, 0, 0, 3]),
            ("withheld.query_matter", [3, 0, 0, 0, 0, 0, 3]),
            ("unavailable.not_held", [49, 1, 0, 0, 0, 0, 50]),
            ("unavailable.needs_creation", [3, 0, 0, 0, 0, 0, 3]),
            ("not_processed.petition", [2, 0, 0, 0, 0, 0, 2]),
            ("other.no_clarification", [8, 0, 0, 0, 0, 0, 8]),
            ("other.fee_unpaid", [2, 0, 0, 0, 0, 0, 2]),
            ("other.other", [1, 0, 0, 0, 0, 0, 1]),
            ("total", [147, 1, 0, 0, 0, 0, 148]),
            ("carried_out", [4, 2, 0, 0, 0, 0, 6]),
        ],
        unread: &[],
        table4: [[25, 3, 8, 0, 36], [3, 3, 0, 0, 6], [3, 0, 0, 0, 3]],
        errors: &[],
    },
    Expected {
        file: "huaian-city-2024.pdf",
        agency: "淮安市人民政府",
        year: 2024,
        rows: &[
            ("received", [3001, 53, 0, 0, 61, 4, 3119]),
            ("carried_in", [34, 0, 0, 0, 0, 0, 34]),
            ("disclosed", [1288, 21, 0, 0, 50, 3, 1362]),
            ("partly_disclosed", [447, 7, 0, 0, 0, 0, 454]),
            ("withheld.state_secret", [2, 0, 0, 0, 0, 0, 2]),
            ("withheld.prohibited_by_law", [30, 1, 0, 0, 0, 0, 31]),
            ("withheld.security_stability", [5, 0, 0, 0, 0, 0, 5]),
            ("withheld.third_party", [6, 0, 0, 0, 0, 0, 6]),
            ("withheld.internal_affairs", [7, 1, 0, 0, 0, 0, 8]),
            ("withheld.process_info", [12, 0, 0, 0, 0, 0, 12]),
            ("withheld.enforcement_file", [9, 0, 0, 0, 0, 0, 9]),
            ("withheld.query_matter", [105, 0, 0, 0, 0, 0, 105]),
            ("unavailable.not_held", [746, 12, 0, 0, 10, 1, 769]),
            ("unavailable.needs_creation", [11, 0, 0, 0, 0, 0, 11]),
            ("unavailable.still_unclear", [1, 0, 0, 0, 0, 0, 1]),
            ("not_processed.petition", [56, 6, 0, 0, 0, 0, 62]),
            ("not_processed.repeated", [25, 0, 0, 0, 0, 0, 25]),
            ("not_processed.confirm_or_reissue", [1, 0, 0, 0, 0, 0, 1]),
            ("other.no_clarification", [67, 3, 0, 0, 1, 0, 71]),
            ("other.fee_unpaid", [6, 0, 0, 0, 0, 0, 6]),
            ("other.other", [108, 2, 0, 0, 0, 0, 110]),
            ("total", [2932, 53, 0, 0, 61, 4, 3050]),
            ("carried_out", [103, 0, 0, 0, 0, 0, 103]),
        ],
        unread: &[],
        table4: [[72, 64, 178, 37, 351], [13, 4, 8, 1, 26], [12, 1, 1, 6, 20]],
        errors: &[],
    },
    Expected {
        file: "hongze-2023.pdf",
        agency: "洪泽区人民政府",
        year: 2023,
        rows: &[
            ("received", [21, 0, 0, 0, 0, 0, 21]),
            ("partly_disclosed", [4, 0, 0, 0, 0, 0, 4]),
            ("withheld.state_secret", [1, 0, 0, 0, 0, 0, 1]),
            ("withheld.process_info", [1, 0, 0, 0, 0, 0, 1]),
            ("withheld.enforcement_file", [1, 0, 0, 0, 0, 0, 1]),
            ("unavailable.not_held", [10, 0, 0, 0, 0, 0, 10]),
            ("unavailable.needs_creation", [3, 0, 0, 0, 0, 0, 3]),
            ("not_processed.petition", [1, 0, 0, 0, 0, 0, 1]),
            ("total", [21, 0, 0, 0, 0, 0, 21]),
        ],
        unread: &[],
        // As printed (each figure under its column heading in the PDF): 10 1 0 0 0 | 0×5 | 5 0 0 0 0.
        table4: [[10, 1, 0, 0, 0], [0; 5], [5, 0, 0, 0, 0]],
        // The published 总计 cells of 行政复议 and 复议后起诉 are 0 although cases are listed; and a
        // 2023 report with the 2019 single-row （六）.
        errors: &["T4-SUM", "T4-SUM", "TX-PERIOD"],
    },
    Expected {
        file: "shanghai-kewei-2024.md",
        agency: "上海市科委",
        year: 2024,
        rows: &[
            ("received", [32, 2, 0, 0, 0, 0, 34]),
            ("carried_in", [2, 0, 0, 0, 0, 0, 2]),
            ("disclosed", [9, 0, 0, 0, 0, 0, 9]),
            ("withheld.internal_affairs", [1, 0, 0, 0, 0, 0, 1]),
            ("withheld.process_info", [1, 0, 0, 0, 0, 0, 1]),
            ("unavailable.not_held", [4, 0, 0, 0, 0, 0, 4]),
            ("unavailable.needs_creation", [6, 0, 0, 0, 0, 0, 6]),
            ("other.no_clarification", [8, 2, 0, 0, 0, 0, 10]),
            ("other.other", [4, 0, 0, 0, 0, 0, 4]),
            ("total", [33, 2, 0, 0, 0, 0, 35]),
            ("carried_out", [1, 0, 0, 0, 0, 0, 1]),
        ],
        // The converter left 四、结转下年度继续办理's 总计 cell empty.
        unread: &[("carried_out", "total")],
        table4: [[1, 0, 0, 0, 1], [0; 5], [0; 5]],
        errors: &[],
    },
];

#[test]
fn every_real_report_reads_with_every_cell_right_or_honestly_unread() {
    for case in CASES {
        let c = check(case.file);
        let r = &c.report;
        assert_eq!(r.year, case.year, "{}", case.file);
        assert_eq!(r.agency.name, case.agency, "{}", case.file);
        for row in Table3Row::ALL {
            let want = case
                .rows
                .iter()
                .find(|(k, _)| *k == row.key())
                .map_or([0; 7], |(_, v)| *v);
            for col in Table3Col::ALL {
                let got = r.table3.get(row, col);
                if case.unread.contains(&(row.key(), col.key())) {
                    assert_eq!(got, None, "{} {} {}", case.file, row.key(), col.key());
                    assert!(
                        c.findings
                            .iter()
                            .any(|f| f.row.as_deref() == Some(row.key())
                                && matches!(
                                    f.relation,
                                    Relation::SBlankCell | Relation::SAmbiguous | Relation::SUnread
                                )),
                        "{}: unread {} without a finding",
                        case.file,
                        row.key()
                    );
                } else {
                    assert_eq!(
                        got,
                        Some(want[col.index()]),
                        "{} {} {}",
                        case.file,
                        row.key(),
                        col.key()
                    );
                }
            }
        }
        let t4 = [
            &r.table4.reconsideration,
            &r.table4.litigation_direct,
            &r.table4.litigation_after_reconsideration,
        ];
        for (g, want) in t4.iter().zip(case.table4) {
            assert_eq!(g.cells(), want.map(Some), "{} table 四", case.file);
        }
        let mut errors: Vec<&str> = c
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.relation.id())
            .collect();
        errors.sort_unstable();
        let mut want = case.errors.to_vec();
        want.sort_unstable();
        assert_eq!(errors, want, "{}: {:#?}", case.file, c.findings);
        let unread = case.unread.len();
        assert_eq!(
            c.stats.read + c.stats.ambiguous + c.stats.unread,
            190,
            "{}",
            case.file
        );
        assert_eq!(c.stats.unread + c.stats.ambiguous, unread, "{}", case.file);
    }
}

#[test]
fn findings_point_at_the_place_page_and_line_or_offset_and_snippet() {
    let c = check("pingtan-2020-oldformat.page.txt");
    let sum = c
        .findings
        .iter()
        .find(|f| f.relation == Relation::T3Sum)
        .unwrap();
    let at = sum.location.as_deref().unwrap();
    assert!(at.contains("字处") && at.contains("总计"), "{at}");
    let c = check("hongze-2023.pdf");
    let label = c
        .findings
        .iter()
        .find(|f| f.relation == Relation::SLabel)
        .unwrap();
    assert!(label.message.contains("行政止公开"), "{label:?}");
    assert!(
        label.location.as_deref().unwrap().starts_with("第3页第"),
        "{label:?}"
    );
}

#[test]
fn an_html_fragment_without_title_is_checked_without_false_errors() {
    let text = String::from_utf8(corpus("pingtan-2021.page.txt")).unwrap();
    let from = text.find("三、收到和处理").unwrap();
    let to = text[from..].find("五、").unwrap() + from;
    let html = format!("<div class=\"table\">{}</div>", &text[from..to]);
    let c = check_file(html.as_bytes(), SourceKind::Html, "frag.html", None).unwrap();
    assert_eq!(c.report.year, 0);
    assert_eq!(c.stats.read, 190);
    assert_eq!(
        c.report.table3.get(Table3Row::Total, Table3Col::Total),
        Some(69)
    );
    let errors: Vec<_> = c
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let with_year = gongkai_docs::parse::check_file_with(
        html.as_bytes(),
        SourceKind::Html,
        "frag.html",
        None,
        gongkai_docs::parse::Options { year: Some(2021) },
    )
    .unwrap();
    assert_eq!(with_year.report.year, 2021);
}

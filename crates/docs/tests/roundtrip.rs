//! Every report gongkai renders parses back to the same figures, in every format; and no mutation
//! of a report's text makes the reader panic.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

use gongkai_core::WanYuan;
use gongkai_core::agency::{AgencyRef, Slug};
use gongkai_core::report::model::{CaseTally, Decisions, Fees, Stock};
use gongkai_core::report::{
    AnnualReport, FeeSummary, ReportInputs, StaffTexts, Table2, Table3Col, Table3Row, Table4,
    compute,
};
use gongkai_docs::parse::{SourceKind, parse, parse_text};
use proptest::prelude::*;

/// The workbook's cells as text, per sheet.
fn xlsx_cells(bytes: Vec<u8>, sheet: &str) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect()
}

#[test]
fn the_workbook_holds_every_figure_in_its_statutory_place() {
    let mut report = base(2024);
    report.table3.set(
        Table3Row::Received,
        Table3Col::Requester(gongkai_core::RequesterKind::LegalService),
        Some(7),
    );
    report
        .table3
        .set(Table3Row::CarriedOut, Table3Col::Total, Some(3));
    report.table2.fees.amount_wan_yuan = Some("12.35".parse().unwrap());
    report.table4.litigation_after_reconsideration.pending = Some(2);
    let bytes = gongkai_docs::xlsx(&report).unwrap();
    let t3 = xlsx_cells(bytes.clone(), "表三");
    assert!(t3[0][0].starts_with("（本列数据的勾稽关系为"));
    assert_eq!(t3[2][4], "商业企业");
    // Row 一 is the first data row (sheet row 4); 法律服务机构 is the 5th requester column.
    assert_eq!(t3[3][0], "一、本年新收政府信息公开申请数量");
    assert_eq!(t3[3][7], "7");
    assert_eq!(t3[27][0], "四、结转下年度继续办理");
    assert_eq!(t3[27][9], "3");
    assert_eq!(t3.len(), 28);
    let t2 = xlsx_cells(bytes.clone(), "表二");
    let fees = t2.iter().find(|r| r[0] == "行政事业性收费").unwrap();
    assert_eq!(fees[1], "12.35");
    let t4 = xlsx_cells(bytes, "表四");
    assert_eq!(t4[1][5], "未经复议直接起诉");
    assert_eq!(t4[3][13], "2");
}

fn base(year: i32) -> AnnualReport {
    let agency = AgencyRef {
        slug: Slug::parse("some-town").unwrap(),
        name: "某县某镇人民政府".to_owned(),
    };
    let categories = vec!["重点民生".to_owned()];
    compute(&ReportInputs {
        agency: &agency,
        year,
        requests: &[],
        cases: &[],
        categories: &categories,
        items: &[],
        table2: &Table2::default(),
        fees: FeeSummary::default(),
        supervision: gongkai_core::supervision::Supervision::default(),
        texts: &StaffTexts::default(),
    })
}

fn arb_report() -> impl Strategy<Value = AnnualReport> {
    (
        2021i32..=2026,
        prop::collection::vec(0i64..2000, 175),
        prop::collection::vec(0i64..500, 9),
        0i64..100_000_000,
        prop::collection::vec(0i64..50, 15),
    )
        .prop_map(|(year, t3, t2, fen, t4)| {
            let mut r = base(year);
            for (i, (row, col, _)) in r.table3.clone().iter().enumerate() {
                r.table3.set(row, col, Some(t3[i]));
            }
            let stock = |a: usize| Stock {
                issued: Some(t2[a]),
                repealed: Some(t2[a + 1]),
                in_force: Some(t2[a + 2]),
            };
            r.table2 = Table2 {
                rules: stock(0),
                normative_documents: stock(3),
                licensing: Decisions {
                    decisions: Some(t2[6]),
                },
                penalties: Decisions {
                    decisions: Some(t2[7]),
                },
                coercive_measures: Decisions {
                    decisions: Some(t2[8]),
                },
                fees: Fees {
                    amount_wan_yuan: Some(WanYuan::from_fen(fen)),
                },
            };
            let tally = |a: usize| CaseTally {
                upheld: Some(t4[a]),
                corrected: Some(t4[a + 1]),
                other: Some(t4[a + 2]),
                pending: Some(t4[a + 3]),
                total: Some(t4[a + 4]),
            };
            r.table4 = Table4 {
                reconsideration: tally(0),
                litigation_direct: tally(5),
                litigation_after_reconsideration: tally(10),
            };
            // Written parts with the structure staff give them (sub-headings, lists, bold, links).
            "### 加强制度建设\n**一是**健全发布审核机制。\n1. 建立台账\n2. 定期检查\n- 网站\n- 公众号"
                .clone_into(&mut r.sections.management);
            "存在问题：更新不及时。\n详见[门户网站](https://www.example.gov.cn/)。"
                .clone_into(&mut r.sections.problems);
            r
        })
}

fn same_figures(a: &AnnualReport, b: &AnnualReport, what: &str) {
    assert_eq!(a.year, b.year, "{what}: year");
    assert_eq!(a.agency.name, b.agency.name, "{what}: agency");
    assert_eq!(a.format, b.format, "{what}: format");
    for row in Table3Row::ALL {
        for col in Table3Col::ALL {
            assert_eq!(
                a.table3.get(row, col),
                b.table3.get(row, col),
                "{what}: table 三 {} {}",
                row.key(),
                col.key()
            );
        }
    }
    assert_eq!(a.table2, b.table2, "{what}: table 二");
    assert_eq!(a.table4, b.table4, "{what}: table 四");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn rendered_reports_parse_back_to_the_same_figures(report in arb_report()) {
        let md = gongkai_docs::markdown(&report).unwrap();
        same_figures(&report, &parse(md.as_bytes(), SourceKind::Text, "r.md").unwrap().report, "markdown");
        let html = gongkai_docs::html_page(&report).unwrap();
        same_figures(&report, &parse(html.as_bytes(), SourceKind::Html, "r.html").unwrap().report, "html");
        let docx = gongkai_docs::docx(&report).unwrap();
        same_figures(&report, &parse(&docx, SourceKind::Docx, "r.docx").unwrap().report, "docx");
        let xlsx = gongkai_docs::xlsx(&report).unwrap();
        let from_xlsx = parse(&xlsx, SourceKind::Xlsx, "r.xlsx").unwrap().report;
        prop_assert_eq!(&from_xlsx.table2, &report.table2);
        prop_assert_eq!(&from_xlsx.table3, &report.table3);
        prop_assert_eq!(&from_xlsx.table4, &report.table4);
        let json = gongkai_docs::json(&report, &[]).unwrap();
        let back = parse(json.as_bytes(), SourceKind::Json, "r.json").unwrap().report;
        prop_assert_eq!(&back, &report);
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, char),
    Duplicate(usize),
    Swap(usize, usize),
}

fn mutate(text: &str, ms: &[Mutation]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for m in ms {
        if chars.is_empty() {
            break;
        }
        let n = chars.len();
        match *m {
            Mutation::Delete(at, len) => {
                let at = at % n;
                chars.drain(at..(at + len).min(n));
            }
            Mutation::Insert(at, c) => chars.insert(at % (n + 1), c),
            Mutation::Duplicate(at) => {
                let at = at % n;
                let end = chars[at..]
                    .iter()
                    .position(|c| *c == '\n')
                    .map_or(n, |p| at + p);
                let line: Vec<char> = chars[at..end].to_vec();
                chars.splice(at..at, line);
            }
            Mutation::Swap(a, b) => chars.swap(a % n, b % n),
        }
    }
    chars.into_iter().collect()
}

fn arb_mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let m = prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(a, l)| Mutation::Delete(a, l)),
        (
            any::<usize>(),
            prop::sample::select(vec!['|', '\n', '\t', '0', '7', ' ', '一', '、', '（', '.'])
        )
            .prop_map(|(a, c)| Mutation::Insert(a, c)),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
    ];
    prop::collection::vec(m, 1..30)
}

const SEED: &str = include_str!("../../../fixtures/xili-2024-annual-report.txt");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Mutated layouts never make the reader panic; every outcome is a report or a typed error.
    #[test]
    fn mutated_reports_never_panic(report in arb_report(), ms in arb_mutations(), which in 0u8..3) {
        let text = match which {
            0 => SEED.to_owned(),
            1 => gongkai_docs::markdown(&report).unwrap(),
            _ => gongkai_docs::html_page(&report).unwrap(),
        };
        let mutated = mutate(&text, &ms);
        let _ = parse_text(&mutated, "m.txt");
        let _ = parse(mutated.as_bytes(), SourceKind::Html, "m.html");
        let _ = gongkai_docs::parse::check_file(mutated.as_bytes(), SourceKind::Text, "m.txt", Some(&report));
    }
}

/// LibreOffice opens the DOCX and the PDF carries the statutory labels. Skipped where LibreOffice
/// is not installed, unless `GONGKAI_REQUIRE_LIBREOFFICE=1` (CI).
#[test]
fn libreoffice_opens_the_docx_and_the_pdf_has_the_tables() {
    if !gongkai_docs::pdf::available() {
        assert!(
            std::env::var("GONGKAI_REQUIRE_LIBREOFFICE").as_deref() != Ok("1"),
            "LibreOffice required but not found"
        );
        eprintln!("note: LibreOffice not installed; PDF test skipped");
        return;
    }
    let mut report = base(2024);
    report
        .table3
        .set(Table3Row::Received, Table3Col::Total, Some(12));
    let pdf = gongkai_docs::render(gongkai_docs::Format::Pdf, &report, &[]).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let text = std::process::Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(&pdf)?;
            child.wait_with_output()
        });
    if let Ok(out) = text {
        let text = String::from_utf8_lossy(&out.stdout).replace(['\n', ' '], "");
        for label in [
            "某县某镇人民政府2024年政府信息公开工作年度报告",
            "第二十条第（一）项",
            "申请人情况",
            "复议后起诉",
        ] {
            assert!(text.contains(label), "{label} missing from the PDF");
        }
    }
}

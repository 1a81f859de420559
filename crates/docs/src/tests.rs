use gongkai_core::agency::{AgencyRef, Slug};
use gongkai_core::report::{FeeSummary, ReportInputs, StaffTexts, Table2, compute};

use super::*;

fn empty_report() -> AnnualReport {
    let agency = AgencyRef {
        slug: Slug::parse("t-town").unwrap(),
        name: "测试镇人民政府".to_owned(),
    };
    compute(&ReportInputs {
        agency: &agency,
        year: 2024,
        requests: &[],
        cases: &[],
        categories: &[],
        items: &[],
        table2: &Table2::default(),
        fees: FeeSummary::default(),
        supervision: gongkai_core::supervision::Supervision::default(),
        texts: &StaffTexts {
            management: "<script>alert(1)</script>".to_owned(),
            ..Default::default()
        },
    })
}

#[test]
fn html_merges_the_statutory_header_cells() {
    let html = html_fragment(&empty_report()).unwrap();
    assert!(html.contains(&format!(
        r#"<th rowspan="3" colspan="3" scope="col" class="corner">{TABLE3_CORNER}</th>"#
    )));
    assert!(
        html.contains(r#"<th scope="row" rowspan="22">三、本年度办理结果</th>"#),
        "{html}"
    );
    assert!(html.contains(r#"<th scope="row" rowspan="8">（三）不予公开</th>"#));
    assert!(html.contains(r#"<th colspan="10" scope="colgroup">行政诉讼</th>"#));
    assert_eq!(html.matches("<tr data-row=").count(), 25);
}

#[test]
fn every_table_three_row_has_ten_columns_once_merges_are_counted() {
    // 3 label columns + 7 values, accounting for rowspans from above.
    let v = table3_view(&empty_report());
    let mut carried: Vec<usize> = vec![0; 3];
    for line in &v.lines {
        let occupied = carried.iter().filter(|c| **c > 0).count();
        let own: usize = line.labels.iter().map(|l| l.colspan).sum();
        assert_eq!(occupied + own + line.values.len(), 10, "{}", line.key);
        for c in &mut carried {
            *c = c.saturating_sub(1);
        }
        let mut col = 0;
        for l in &line.labels {
            while carried[col] > 0 {
                col += 1;
            }
            if l.rowspan > 1 {
                carried[col] = l.rowspan - 1;
            }
            col += l.colspan;
        }
    }
}

#[test]
fn table_three_label_slots_fill_three_columns_and_place_every_label_once() {
    let v = table3_view(&empty_report());
    let slots = table3_label_slots(&v.lines);
    for (line, row) in v.lines.iter().zip(&slots) {
        let mut next_col = 0;
        for slot in row {
            next_col += match slot {
                LabelSlot::Starts { col, cell } => {
                    assert_eq!(*col, next_col, "{}", line.key);
                    cell.colspan
                }
                LabelSlot::Covered { colspan } => *colspan,
            };
        }
        assert_eq!(next_col, 3, "{}", line.key);
        let started = row
            .iter()
            .filter(|s| matches!(s, LabelSlot::Starts { .. }))
            .count();
        assert_eq!(started, line.labels.len(), "{}", line.key);
    }
}

#[test]
fn staff_text_is_escaped_in_html() {
    let html = html_page(&empty_report()).unwrap();
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;"));
}

#[test]
fn markdown_tables_have_the_same_number_of_cells_on_every_row() {
    let md = markdown(&empty_report()).unwrap();
    let mut in_table = Vec::new();
    for line in md.lines() {
        if line.starts_with('|') {
            in_table.push(line.matches('|').count());
        } else if !in_table.is_empty() {
            assert!(
                in_table.iter().all(|n| *n == in_table[0]),
                "{in_table:?}\n{md}"
            );
            in_table.clear();
        }
    }
}

#[test]
fn every_format_name_parses_and_names_its_extension() {
    for name in ["md", "html", "json", "docx", "xlsx", "pdf"] {
        let f: Format = name.parse().unwrap();
        assert_eq!(f.extension(), name);
    }
    assert!("doc".parse::<Format>().is_err());
}

#[test]
fn written_parts_keep_their_structure_in_every_format() {
    let mut report = empty_report();
    report.sections.management =
        "### 加强制度建设\n**一是**健全机制。\n1. 建立台账\n2. 定期检查\n详见[门户](https://www.example.gov.cn/)。"
            .to_owned();
    let html = html_fragment(&report).unwrap();
    assert!(
        html.contains("<h4>加强制度建设</h4>\n<p><strong>一是</strong>健全机制。</p>\n<ol><li>建立台账</li><li>定期检查</li></ol>")
            && html.contains(r#"<a href="https://www.example.gov.cn/">门户</a>"#),
        "{html}"
    );
    let md = markdown(&report).unwrap();
    assert!(
        md.contains("#### 加强制度建设\n\n**一是**健全机制。\n\n1. 建立台账\n2. 定期检查\n\n详见[门户](https://www.example.gov.cn/)。"),
        "{md}"
    );
    let bytes = docx(&report).unwrap();
    let text = parse::docx_to_text(&bytes).unwrap();
    assert!(
        text.contains("加强制度建设\n一是健全机制。\n1. 建立台账\n2. 定期检查\n详见门户。"),
        "{text}"
    );
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    assert!(
        xml.contains("<w:b />") || xml.contains("<w:b/>"),
        "no bold run"
    );
    assert!(xml.contains("<w:hyperlink"), "no hyperlink");
}

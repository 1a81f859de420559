use super::*;

const SEED: &str = include_str!("../../../../fixtures/xili-2024-annual-report.txt");

#[test]
fn the_seed_parses_with_all_175_cells_zero_and_tables_two_and_four_missing() {
    let c = check_file(SEED.as_bytes(), SourceKind::Text, "xili-2024.txt", None).unwrap();
    let r = &c.report;
    assert_eq!(r.year, 2024);
    assert_eq!(r.agency.name, "沂源县西里镇人民政府");
    assert_eq!(
        r.table3.iter().filter(|(_, _, v)| *v == Some(0)).count(),
        175
    );
    assert_eq!(r.proactive.total, 20);
    assert_eq!(r.proactive.by_category.len(), 10);
    let missing: Vec<&str> = c
        .findings
        .iter()
        .filter(|f| f.relation == Relation::SMissingTable)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(missing.len(), 2, "{missing:?}");
    assert!(
        missing[0].contains("表二") && missing[0].contains("图片"),
        "{missing:?}"
    );
    assert!(missing[1].contains("表四"));
    assert!(r.table2.rules.issued.is_none() && r.table4.reconsideration.total.is_none());
    // Nothing else is wrong with the seed: its text agrees with its table 三.
    let others: Vec<_> = c
        .findings
        .iter()
        .filter(|f| f.relation != Relation::SMissingTable)
        .collect();
    assert!(others.is_empty(), "{others:#?}");
}

fn table3_text(rows: &[(&str, [&str; 7])], sep: &str) -> String {
    let mut s = String::from(
        "某县某镇人民政府2023年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n",
    );
    for (label, cells) in rows {
        s.push_str(label);
        for c in cells {
            s.push_str(sep);
            s.push_str(c);
        }
        s.push('\n');
    }
    s.push_str("四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n");
    s
}

#[test]
fn pipe_rows_with_inline_group_labels_are_read() {
    let text = "某镇人民政府2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n\
        一、本年新收政府信息公开申请数量 | 12 | 2 | 0 | 0 | 1 | 0 | 15 |\n\
        二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n\
        三、本年度办理结果 | (一)予以公开 | 5 | 1 | 0 | 0 | 0 | 0 | 6 |\n\
        (二)部分公开（区分处理的，只计这一情况，不计其他情形） | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n\
        (三)不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n\
        2.其他法律行政法规禁止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n\
        四、政府信息公开行政复议、行政诉讼情况\n";
    let p = parse_text(text, "x.txt").unwrap();
    let t = &p.report.table3;
    assert_eq!(t.get(Table3Row::Received, Table3Col::Total), Some(15));
    assert_eq!(
        t.get(
            Table3Row::Outcome(Outcome::Disclosed),
            Table3Col::Requester(gongkai_core::RequesterKind::Business)
        ),
        Some(1)
    );
    assert_eq!(
        t.get(
            Table3Row::Outcome(Outcome::WithheldProhibitedByLaw),
            Table3Col::Total
        ),
        Some(0)
    );
    assert!(
        p.findings
            .iter()
            .any(|f| f.relation == Relation::SLabel && f.message.contains("只计这一情况")),
        "label drift is reported"
    );
}

#[test]
fn glued_digits_and_tab_separated_rows_are_read() {
    let text = "某镇人民政府2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n\
        一、本年新收政府信息公开申请数量15200105158\n\
        二、上年结转政府信息公开申请数量0000000\n\
        1.属于国家秘密00000002.其他法律行政法规禁止公开1000001\n\
        （七）总计150 00 1 05156\n\
        四、结转下年度继续办理\t0\t0\t0\t0\t1\t0\t1\n";
    let p = parse_text(text, "x.txt").unwrap();
    let t = &p.report.table3;
    let row = |r| Table3Col::ALL.map(|c| t.get(r, c).unwrap_or(-9));
    assert_eq!(row(Table3Row::Received), [152, 0, 0, 1, 0, 5, 158]);
    assert_eq!(
        row(Table3Row::Outcome(Outcome::WithheldStateSecret)),
        [0; 7]
    );
    assert_eq!(
        row(Table3Row::Outcome(Outcome::WithheldProhibitedByLaw)),
        [1, 0, 0, 0, 0, 0, 1]
    );
    assert_eq!(row(Table3Row::Total), [150, 0, 0, 1, 0, 5, 156]);
    assert_eq!(row(Table3Row::CarriedOut), [0, 0, 0, 0, 1, 0, 1]);
}

#[test]
fn blank_line_counting_and_bare_bars_are_read() {
    let v6 = table3_text(&[], "");
    let v6 = v6.replace(
        "三、收到和处理政府信息公开申请情况\n",
        "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\n\n27\n\n2\n\n\n\n1\n\n\n30\n二、上年结转政府信息公开申请数量\n\n0\n\n0\n\n0\n\n0\n\n0\n\n0\n\n0\n",
    );
    let p = parse_text(&v6, "x.txt").unwrap();
    let row: Vec<_> = Table3Col::ALL
        .iter()
        .map(|c| p.report.table3.get(Table3Row::Received, *c))
        .collect();
    assert_eq!(
        row,
        [
            Some(27),
            Some(2),
            Some(0),
            Some(0),
            Some(1),
            Some(0),
            Some(30)
        ]
    );
    assert_eq!(
        p.findings
            .iter()
            .filter(|f| f.relation == Relation::SBlankCell && f.row.as_deref() == Some("received"))
            .count(),
        3
    );

    let v5 = "某镇人民政府2023年政府信息公开工作年度报告\n一、总体情况\n三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\n|\n4\n|\n0\n|\n0\n|\n0\n|\n0\n|\n0\n|\n4\n二、上年结转政府信息公开申请数量\n|\n0\n|\n0\n|\n0\n|\n0\n|\n0\n|\n0\n|\n0\n";
    let p = parse_text(v5, "x.txt").unwrap();
    assert_eq!(
        p.report.table3.get(Table3Row::Received, Table3Col::Total),
        Some(4)
    );
    assert!(
        !p.findings
            .iter()
            .any(|f| f.relation == Relation::SBlankCell)
    );
}

#[test]
fn traditional_copies_and_html_tables_are_read() {
    let text = "某鎮人民政府2023年政府資訊公開工作年度報告\n三、收到和處理政府信息公開申請情況\n一、本年新收政府信息公開申請數(shù)量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n";
    let p = parse_text(text, "x.txt");
    assert!(p.is_ok() || matches!(p, Err(ParseError::NotAReport(_))));
    let html = "<html><body><p>某镇人民政府2023年政府信息公开工作年度报告</p><h2>三、收到和处理政府信息公开申请情况</h2><table>\
        <tr><td rowspan=3 colspan=3>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan=7>申请人情况</td></tr>\
        <tr><td>一、本年新收政府信息公开申请数量</td><td>3</td><td>&nbsp;</td><td>0</td><td>0</td><td>0</td><td>0</td><td>3</td></tr>\
        <tr><td>二、上年结转政府信息公开申请数量</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td></td></tr>\
        <tr><td rowspan=22>三、本年度办理结果</td><td colspan=2>（一）予以公开</td><td>3</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>3</td></tr>\
        <tr><td colspan=2>（二）部分公开（区分处理的，只计这一情形，不计其他情形）</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>\
        </table><h2>四、政府信息公开行政复议、行政诉讼情况</h2></body></html>";
    let p = parse(html.as_bytes(), SourceKind::Html, "x.html").unwrap();
    let t = &p.report.table3;
    assert_eq!(
        t.get(
            Table3Row::Received,
            Table3Col::Requester(gongkai_core::RequesterKind::Business)
        ),
        Some(0)
    );
    assert_eq!(t.get(Table3Row::CarriedIn, Table3Col::Total), Some(0));
    assert_eq!(
        t.get(Table3Row::Outcome(Outcome::Disclosed), Table3Col::Total),
        Some(3)
    );
    assert_eq!(
        p.findings
            .iter()
            .filter(|f| f.relation == Relation::SBlankCell && f.column.is_some())
            .count(),
        2
    );
}

#[test]
fn a_traditional_mirror_copy_reads_like_the_original() {
    let simplified = table3_text(
        &[
            (
                "一、本年新收政府信息公开申请数量",
                ["1", "0", "0", "0", "0", "0", "1"],
            ),
            ("二、上年结转政府信息公开申请数量", ["0"; 7]),
        ],
        " | ",
    );
    let traditional = simplified
        .replace(
            "收到和处理政府信息公开申请情况",
            "收到和處理政府信息公開申請情況",
        )
        .replace(
            "本年新收政府信息公开申请数量",
            "本年新收政府信息公開申請數(shù)量",
        )
        .replace(
            "上年结转政府信息公开申请数量",
            "上年結轉政府信息公開申請數量",
        );
    let a = parse_text(&simplified, "a.txt").unwrap();
    let b = parse_text(&traditional, "b.txt").unwrap();
    assert_eq!(a.report.table3, b.report.table3);
    assert_eq!(
        b.report.table3.get(Table3Row::Received, Table3Col::Total),
        Some(1)
    );
}

#[test]
fn files_that_are_not_reports_are_refused() {
    assert!(matches!(
        parse_text("会议通知\n请各单位准时参加。", "x.txt"),
        Err(ParseError::NotAReport(_))
    ));
    assert!(matches!(
        parse(&[0xff, 0xfe, 0x00], SourceKind::Text, "x.txt"),
        Err(ParseError::Unreadable(_))
    ));
    assert!(matches!(
        parse(b"{\"a\":1}", SourceKind::Json, "x.json"),
        Err(ParseError::NotAReport(_))
    ));
}

/// A full table 三 in a layout: `row(label, cells)` renders one row.
fn full_table3(
    row: &dyn Fn(&str, &[i64; 7]) -> String,
    values: &dyn Fn(Table3Row) -> [i64; 7],
) -> String {
    let mut s = String::from(
        "某县某镇人民政府2023年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n",
    );
    for r in Table3Row::ALL {
        s.push_str(&row(r.label(), &values(r)));
        s.push('\n');
    }
    s.push_str("四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n本年度未收取信息处理费。\n");
    s
}

fn sample_values(r: Table3Row) -> [i64; 7] {
    match r {
        Table3Row::Received | Table3Row::Total => [3, 1, 0, 0, 0, 0, 4],
        Table3Row::Outcome(Outcome::Disclosed) => [2, 1, 0, 0, 0, 0, 3],
        Table3Row::Outcome(Outcome::UnavailableNotHeld) | Table3Row::CarriedOut => {
            [1, 0, 0, 0, 0, 0, 1]
        }
        _ => [0; 7],
    }
}

fn assert_sample(p: &Parsed, layout: &str) {
    for r in Table3Row::ALL {
        let got: Vec<Option<i64>> = Table3Col::ALL
            .iter()
            .map(|c| p.report.table3.get(r, *c))
            .collect();
        let want: Vec<Option<i64>> = sample_values(r).iter().map(|v| Some(*v)).collect();
        assert_eq!(got, want, "{layout}: row {}", r.key());
    }
}

type Layout = Box<dyn Fn(&str, &[i64; 7]) -> String>;

#[test]
fn every_layout_of_the_field_reads_the_same_figures() {
    let join = |cells: &[i64; 7], sep: &str| {
        cells
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(sep)
    };
    let layouts: Vec<(&str, Layout)> = vec![
        (
            "V2 pipes",
            Box::new(move |l, c| format!("{l} | {} |", join(c, " | "))),
        ),
        (
            "V3 leading pipes, trailing runs",
            Box::new(move |l, c| format!("| {l} | {} | ||", join(c, " | "))),
        ),
        (
            "V4 one cell per line ending in |",
            Box::new(move |l, c| format!("{l} |\n{} |\n||", join(c, " |\n"))),
        ),
        (
            "V5 bar lines",
            Box::new(move |l, c| format!("{l}\n|\n{}", join(c, "\n|\n"))),
        ),
        (
            "V6 blank-line separated",
            Box::new(move |l, c| format!("{l}\n\n{}", join(c, "\n\n"))),
        ),
        (
            "tab separated",
            Box::new(move |l, c| format!("{l}\t{}", join(c, "\t"))),
        ),
        (
            "one cell per line (the seed)",
            Box::new(move |l, c| format!("\t{l}\n\t{}\n", join(c, "\n\t"))),
        ),
        (
            "V1 glued",
            Box::new(move |l, c| format!("{l}{}", join(c, ""))),
        ),
    ];
    for (name, row) in &layouts {
        let text = full_table3(row.as_ref(), &sample_values);
        let p = parse_text(&text, "x.txt").unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_sample(&p, name);
        let blanks = p
            .findings
            .iter()
            .filter(|f| f.relation == Relation::SBlankCell)
            .count();
        assert_eq!(blanks, 0, "{name}: {:#?}", p.findings);
    }
}

#[test]
fn one_value_rows_read_blank_cells_as_zero_and_say_so() {
    let text = full_table3(
        &|l, c| {
            if c.iter().all(|v| *v == 0) {
                format!("{l} | 0 | ||||||||")
            } else {
                format!("{l} | {} |", c.map(|v| v.to_string()).join(" | "))
            }
        },
        &sample_values,
    );
    let p = parse_text(&text, "x.txt").unwrap();
    assert_sample(&p, "V8");
    let blank_rows = p
        .findings
        .iter()
        .filter(|f| f.relation == Relation::SBlankCell)
        .count();
    assert!(blank_rows >= 6 * 20, "{blank_rows}");
}

#[test]
fn the_2019_format_is_recognised_and_named() {
    let text = full_table3(&|l, c| format!("{l} | {} |", c.map(|v| v.to_string()).join(" | ")), &sample_values)
        .replace("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n", "")
        .replace("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n", "")
        .replace("3.其他 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |", "（六）其他处理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |")
        .replace("2023年", "2020年")
        .replace("二、主动公开政府信息情况\n", "二、主动公开政府信息情况\n信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |\n行政许可 | 12 | +3 | 57 |\n");
    let p = parse_text(&text, "x.txt").unwrap();
    assert_eq!(p.report.format, ReportFormat::F2019);
    assert_eq!(p.report.year, 2020);
    assert_sample(&p, "2019 format");
    assert!(
        p.report.table2.licensing.decisions.is_none(),
        "2019 table 二 is not read as 2021 figures"
    );
    assert!(
        !p.findings
            .iter()
            .any(|f| f.relation == Relation::SOldFormat),
        "2020 may use the 2019 format"
    );
    let late = parse_text(&text.replace("2020年", "2022年"), "x.txt").unwrap();
    assert!(
        late.findings
            .iter()
            .filter(|f| f.relation == Relation::SOldFormat)
            .count()
            >= 2,
        "{:#?}",
        late.findings
    );
}

#[test]
fn docx_tables_are_read() {
    use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow};
    let para = |t: &str| Paragraph::new().add_run(Run::new().add_text(t));
    let cell = |t: &str| TableCell::new().add_paragraph(para(t));
    let mut rows = vec![TableRow::new(vec![
        cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"),
        cell("申请人情况"),
    ])];
    for r in Table3Row::ALL {
        let mut cells = vec![cell(r.label())];
        cells.extend(sample_values(r).iter().map(|v| cell(&v.to_string())));
        rows.push(TableRow::new(cells));
    }
    let doc = Docx::new()
        .add_paragraph(para("某县某镇人民政府2023年政府信息公开工作年度报告"))
        .add_paragraph(para("一、总体情况"))
        .add_paragraph(para("三、收到和处理政府信息公开申请情况"))
        .add_table(Table::new(rows))
        .add_paragraph(para("四、政府信息公开行政复议、行政诉讼情况"));
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf).unwrap();
    let p = parse(&buf.into_inner(), SourceKind::Docx, "x.docx").unwrap();
    assert_sample(&p, "docx");
    assert!(matches!(
        parse(b"PK not really", SourceKind::Docx, "x.docx"),
        Err(ParseError::Unreadable(_))
    ));
}

#[test]
fn carry_over_is_checked_against_last_years_report() {
    let this = full_table3(
        &|l, c| format!("{l} | {} |", c.map(|v| v.to_string()).join(" | ")),
        &sample_values,
    );
    let last = parse_text(&this.replace("2023年", "2022年"), "last.txt")
        .unwrap()
        .report;
    // Last year carried out 1 (自然人); this year's 上年结转 is 0: T3-CARRY.
    let c = check_file(this.as_bytes(), SourceKind::Text, "this.txt", Some(&last)).unwrap();
    let carry: Vec<_> = c
        .findings
        .iter()
        .filter(|f| f.relation == Relation::T3Carry)
        .collect();
    assert_eq!(carry.len(), 2, "natural person and total: {carry:#?}");
    assert!(
        carry
            .iter()
            .all(|f| f.location.as_deref().is_some_and(|l| l.starts_with('第')))
    );
}

#[test]
fn a_broken_sum_is_located_on_its_line() {
    let text = full_table3(
        &|l, c| format!("{l} | {} |", c.map(|v| v.to_string()).join(" | ")),
        &sample_values,
    )
    .replace(
        "（七）总计 | 3 | 1 | 0 | 0 | 0 | 0 | 4 |",
        "（七）总计 | 3 | 1 | 0 | 0 | 0 | 0 | 5 |",
    );
    let c = check_file(text.as_bytes(), SourceKind::Text, "x.txt", None).unwrap();
    let row = c
        .findings
        .iter()
        .find(|f| f.relation == Relation::T3Row)
        .unwrap();
    assert_eq!(
        (row.row.as_deref(), row.expected, row.found),
        (Some("total"), Some(4), Some(5))
    );
    let line = text
        .lines()
        .position(|l| l.starts_with("（七）总计"))
        .unwrap()
        + 1;
    assert_eq!(
        row.location.as_deref(),
        Some(format!("第{line}行").as_str())
    );
}

#[test]
fn a_short_space_separated_row_is_not_called_glued() {
    // Six numbers separated by spaces and no line to continue them: the row is short of a cell.
    // It may still be cut (stray spaces in crawled text), but the finding must not say the digits
    // were glued together.
    let text = table3_text(
        &[
            (
                "一、本年新收政府信息公开申请数量",
                ["3001", "53", "0", "0", "61", "4", ""],
            ),
            ("二、上年结转政府信息公开申请数量", ["0"; 7]),
        ],
        " ",
    );
    let p = parse_text(&text, "x.txt").unwrap();
    let received: Vec<&Finding> = p
        .findings
        .iter()
        .filter(|f| f.row.as_deref() == Some("received"))
        .collect();
    assert!(
        received
            .iter()
            .any(|f| f.relation == Relation::SAmbiguous && f.message.contains("以空格分开")),
        "{received:#?}"
    );
    assert!(
        !received.iter().any(|f| f.message.contains("连写在一起")),
        "{received:#?}"
    );
}

#[test]
fn a_wrapped_row_takes_the_numbers_on_the_next_line() {
    let text = table3_text(
        &[
            (
                "一、本年新收政府信息公开申请数量",
                ["3001", "53", "0", "0", "61", "4\n3119", ""],
            ),
            (
                "二、上年结转政府信息公开申请数量",
                ["34", "0", "0", "0", "0\n0", "34", ""],
            ),
        ],
        "    ",
    );
    let p = parse_text(&text, "x.txt").unwrap();
    let row = |r| Table3Col::ALL.map(|c| p.report.table3.get(r, c).unwrap_or(-9));
    assert_eq!(row(Table3Row::Received), [3001, 53, 0, 0, 61, 4, 3119]);
    assert_eq!(row(Table3Row::CarriedIn), [34, 0, 0, 0, 0, 0, 34]);
}

#[test]
fn an_ambiguous_row_gives_no_cell_as_read() {
    // 447 7 0 0 0 0 with its 总计 lost: cut into seven cells every reading is wrong, and the cells
    // the readings share (research 7, total 0) are no more read than the others.
    let text = table3_text(
        &[
            (
                "一、本年新收政府信息公开申请数量",
                ["3001", "53", "0", "0", "61", "4", "3119"],
            ),
            (
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                ["447", "7", "0", "0", "0", "0", ""],
            ),
        ],
        "   ",
    );
    let p = parse_text(&text, "x.txt").unwrap();
    let row = Table3Row::Outcome(Outcome::PartlyDisclosed);
    let cells: Vec<Option<i64>> = Table3Col::ALL
        .iter()
        .map(|c| p.report.table3.get(row, *c))
        .collect();
    assert_eq!(cells, [None; 7]);
    assert!(
        p.findings.iter().any(|f| f.relation == Relation::SAmbiguous
            && f.row.as_deref() == Some(row.key())
            && f.message.contains("这一行未读取")),
        "{:#?}",
        p.findings
    );
    assert_eq!(p.stats.ambiguous, 7);
}

#[test]
fn letters_for_digits_are_read_as_digits_and_each_cell_is_named() {
    // `6l` is 61 and a lone `O` is 0 — never 6 with the letter dropped.
    for sep in ["    ", " | "] {
        let text = table3_text(
            &[
                (
                    "一、本年新收政府信息公开申请数量",
                    ["3001", "53", "0", "O", "6l", "4", "3119"],
                ),
                ("二、上年结转政府信息公开申请数量", ["0"; 7]),
            ],
            sep,
        );
        let p = parse_text(&text, "x.txt").unwrap();
        let row = |r| Table3Col::ALL.map(|c| p.report.table3.get(r, c).unwrap_or(-9));
        assert_eq!(
            row(Table3Row::Received),
            [3001, 53, 0, 0, 61, 4, 3119],
            "{sep:?}"
        );
        let ocr: Vec<&Finding> = p
            .findings
            .iter()
            .filter(|f| f.row.as_deref() == Some("received") && f.relation == Relation::SAmbiguous)
            .collect();
        assert_eq!(ocr.len(), 1, "{sep:?}: {:#?}", p.findings);
        let m = &ocr[0].message;
        assert!(
            m.contains("“社会公益组织”列“O”读作0") && m.contains("“法律服务机构”列“6l”读作61"),
            "{m}"
        );
    }
}

#[test]
fn a_title_year_the_statistics_period_contradicts_is_an_error() {
    let text = table3_text(
        &[
            ("一、本年新收政府信息公开申请数量", ["0"; 7]),
            ("二、上年结转政府信息公开申请数量", ["0"; 7]),
        ],
        " | ",
    );
    let with_period = |year: &str| {
        text.replacen(
            "年度报告\n",
            &format!(
                "年度报告\n本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。\n"
            ),
            1,
        )
    };
    let periods = |t: &str| -> Vec<Finding> {
        check_file(t.as_bytes(), SourceKind::Text, "x.txt", None)
            .unwrap()
            .findings
            .into_iter()
            .filter(|f| f.relation == Relation::TxPeriod)
            .collect()
    };
    let wrong = periods(&with_period("2024"));
    assert_eq!(wrong.len(), 1, "{wrong:#?}");
    assert_eq!(wrong[0].severity, Severity::Error);
    assert!(
        wrong[0].message.contains("2023") && wrong[0].message.contains("自2024年1月1日"),
        "{wrong:#?}"
    );
    assert_eq!(wrong[0].location.as_deref(), Some("第2行"));
    assert!(periods(&with_period("2023")).is_empty());
}

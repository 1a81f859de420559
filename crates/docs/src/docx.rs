//! The report as a Word document: A4 with the margins of GB/T 9704, official fonts, and the
//! statutory tables as real Word tables whose header cells are merged as in the format.

use docx_rs::{
    AlignmentType, Docx, Hyperlink, HyperlinkType, Paragraph, Run, RunFonts, SpecialIndentType,
    Table, TableCell, TableRow, VMergeType, WidthType,
};
use gongkai_core::report::{AnnualReport, text};

use super::{LabelSlot, RenderError, View, table3_label_slots, view};

const TITLE_FONT: &str = "方正小标宋简体";
const BODY_FONT: &str = "仿宋_GB2312";
const H1_FONT: &str = "黑体";
const H2_FONT: &str = "楷体_GB2312";
const TABLE_FONT: &str = "宋体";

/// An East Asian font with Times New Roman for Latin text, as official documents set them.
pub(crate) fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
}

fn run(text: &str, font: &str, half_points: usize) -> Run {
    Run::new()
        .add_text(text)
        .fonts(fonts(font))
        .size(half_points)
}

/// A written part's blocks: paragraphs as 三号 (16 pt) body text, first line indented two
/// characters, sub-headings bold, list items as body
/// paragraphs led by their number or a bullet (Word's numbering definitions would add a
/// numbering part for what the printed page shows the same), links as Word hyperlinks when they
/// lead off the site (a site path means nothing in a file).
fn written(mut doc: Docx, blocks: &[text::Block]) -> Docx {
    let paragraph = |lead: Option<String>, spans: &[text::Span], bold_all: bool| {
        let mut p =
            Paragraph::new().indent(None, Some(SpecialIndentType::FirstLine(640)), None, None);
        if let Some(lead) = lead {
            p = p.add_run(run(&lead, BODY_FONT, 32));
        }
        for s in spans {
            let mut r = run(&s.text, BODY_FONT, 32);
            if s.bold || bold_all {
                r = r.bold();
            }
            p = match &s.href {
                Some(href) if href.starts_with("http") => p.add_hyperlink(
                    Hyperlink::new(href, HyperlinkType::External)
                        .add_run(r.color("0563C1").underline("single")),
                ),
                _ => p.add_run(r),
            };
        }
        p
    };
    for b in blocks {
        match b {
            text::Block::Paragraph { spans } => {
                doc = doc.add_paragraph(paragraph(None, spans, false));
            }
            text::Block::Heading { spans } => {
                doc = doc.add_paragraph(paragraph(None, spans, true));
            }
            text::Block::List { start, items } => {
                for (i, item) in items.iter().enumerate() {
                    let lead = match start {
                        Some(n) => format!("{}. ", *n as usize + i),
                        None => "• ".to_owned(),
                    };
                    doc = doc.add_paragraph(paragraph(Some(lead), item, false));
                }
            }
        }
    }
    doc
}

fn heading(text: &str, font: &str) -> Paragraph {
    Paragraph::new().add_run(run(text, font, 32)).indent(
        None,
        Some(SpecialIndentType::FirstLine(640)),
        None,
        None,
    )
}

/// A table cell: text, how many grid columns it spans, and its place in a vertical merge.
struct Cell<'a> {
    text: &'a str,
    span: usize,
    merge: Option<VMergeType>,
}

impl<'a> Cell<'a> {
    fn text(text: &'a str) -> Self {
        Self {
            text,
            span: 1,
            merge: None,
        }
    }
    fn span(text: &'a str, span: usize) -> Self {
        Self {
            text,
            span,
            merge: None,
        }
    }
    fn down(text: &'a str, span: usize) -> Self {
        Self {
            text,
            span,
            merge: Some(VMergeType::Restart),
        }
    }
    fn below(span: usize) -> Self {
        Self {
            text: "",
            span,
            merge: Some(VMergeType::Continue),
        }
    }
}

/// A table on a grid of column widths (twips); a cell's width is that of the columns it spans.
fn table(rows: Vec<Vec<Cell<'_>>>, grid: &[usize]) -> Table {
    let rows = rows
        .into_iter()
        .map(|cells| {
            let mut col = 0;
            TableRow::new(
                cells
                    .into_iter()
                    .map(|c| {
                        let width: usize = grid.iter().skip(col).take(c.span).sum();
                        col += c.span;
                        let p = Paragraph::new()
                            .add_run(run(c.text, TABLE_FONT, 21))
                            .align(AlignmentType::Center);
                        let mut cell = TableCell::new()
                            .add_paragraph(p)
                            .width(width, WidthType::Dxa);
                        if c.span > 1 {
                            cell = cell.grid_span(c.span);
                        }
                        if let Some(m) = c.merge {
                            cell = cell.vertical_merge(m);
                        }
                        cell
                    })
                    .collect(),
            )
        })
        .collect();
    Table::new(rows).set_grid(grid.to_vec())
}

fn table2(v: &View) -> Table {
    let mut rows = Vec::new();
    for block in &v.table2 {
        rows.push(vec![Cell::span(block.caption, 4)]);
        let mut header = vec![Cell::text(block.headers[0])];
        header.extend(block.headers[1..].iter().map(|h| Cell::span(h, block.span)));
        rows.push(header);
        for (label, values) in &block.rows {
            let mut row = vec![Cell::text(label)];
            row.extend(values.iter().map(|x| Cell::span(x, block.span)));
            rows.push(row);
        }
    }
    table(rows, &[2700, 2100, 2100, 2100])
}

fn table3(v: &View) -> Table {
    let t = &v.table3;
    let mut rows = vec![
        vec![Cell::down(t.corner, 3), Cell::span(t.applicants, 7)],
        vec![
            Cell::below(3),
            Cell::down(t.person, 1),
            Cell::span(t.organisations, 5),
            Cell::down(t.total, 1),
        ],
    ];
    let mut third = vec![Cell::below(3), Cell::below(1)];
    third.extend(t.org_columns.iter().map(|c| Cell::text(c)));
    third.push(Cell::below(1));
    rows.push(third);
    for (line, slots) in t.lines.iter().zip(table3_label_slots(&t.lines)) {
        let mut cells: Vec<Cell<'_>> = slots
            .into_iter()
            .map(|slot| match slot {
                LabelSlot::Covered { colspan } => Cell::below(colspan),
                LabelSlot::Starts { cell, .. } if cell.rowspan > 1 => {
                    Cell::down(cell.text, cell.colspan)
                }
                LabelSlot::Starts { cell, .. } => Cell::span(cell.text, cell.colspan),
            })
            .collect();
        cells.extend(line.values.iter().map(|x| Cell::text(x)));
        rows.push(cells);
    }
    table(rows, &[900, 1300, 2700, 600, 600, 600, 600, 600, 600, 600])
}

fn table4(v: &View) -> Table {
    let t = &v.table4;
    let mut second: Vec<Cell<'_>> = t.columns.iter().map(|c| Cell::down(c, 1)).collect();
    second.extend(t.groups.iter().map(|g| Cell::span(g, 5)));
    let mut third: Vec<Cell<'_>> = (0..5).map(|_| Cell::below(1)).collect();
    third.extend(
        t.groups
            .iter()
            .flat_map(|_| t.columns.iter().map(|c| Cell::text(c))),
    );
    let values = t.values.iter().map(|x| Cell::text(x)).collect();
    table(
        vec![
            vec![
                Cell::span(t.reconsideration, 5),
                Cell::span(t.litigation, 10),
            ],
            second,
            third,
            values,
        ],
        &[600; 15],
    )
}

/// Columns of the bar area in a chart table: a bar spans as many as its share of the largest value.
const BAR_COLUMNS: usize = 30;

/// A bar chart drawn with Word's own table cells: a label, a shaded cell spanning columns in
/// proportion to the value, the value. It prints anywhere and stays text for screen readers.
fn chart(data: &crate::charts::ChartData) -> (Paragraph, Table) {
    let max = data.rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let mut grid = vec![2200];
    grid.extend([200; BAR_COLUMNS]);
    grid.push(800);
    let text_cell = |t: &str, align: AlignmentType| {
        TableCell::new()
            .add_paragraph(
                Paragraph::new()
                    .add_run(run(t, TABLE_FONT, 21))
                    .align(align),
            )
            .clear_all_border()
    };
    let rows = data
        .rows
        .iter()
        .map(|(label, value)| {
            let filled =
                usize::try_from((*value).max(0) * i64::try_from(BAR_COLUMNS).unwrap_or(30) / max)
                    .unwrap_or(0);
            let mut cells =
                vec![text_cell(label, AlignmentType::Right).width(2200, WidthType::Dxa)];
            if filled > 0 {
                cells.push(
                    TableCell::new()
                        .add_paragraph(Paragraph::new())
                        .grid_span(filled)
                        .width(200 * filled, WidthType::Dxa)
                        .shading(docx_rs::Shading::new().fill("0B4F8A"))
                        .clear_all_border(),
                );
            }
            if filled < BAR_COLUMNS {
                cells.push(
                    TableCell::new()
                        .add_paragraph(Paragraph::new())
                        .grid_span(BAR_COLUMNS - filled)
                        .width(200 * (BAR_COLUMNS - filled), WidthType::Dxa)
                        .clear_all_border(),
                );
            }
            cells.push(
                text_cell(&value.to_string(), AlignmentType::Left).width(800, WidthType::Dxa),
            );
            // A thin empty row after each bar keeps the bars apart.
            let gap = TableCell::new()
                .add_paragraph(Paragraph::new().add_run(Run::new().size(4)))
                .grid_span(BAR_COLUMNS + 2)
                .clear_all_border();
            [
                TableRow::new(cells),
                TableRow::new(vec![gap]).row_height(60.0),
            ]
        })
        .flat_map(IntoIterator::into_iter)
        .collect();
    let caption = Paragraph::new()
        .add_run(run(&data.title, TABLE_FONT, 21))
        .align(AlignmentType::Center);
    (caption, Table::without_borders(rows).set_grid(grid))
}

/// An A4 page in the layout of official documents (GB/T 9704 margins), body text in `font` 三号.
pub(crate) fn official_page(font: &str) -> Docx {
    Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            docx_rs::PageMargin::new()
                .top(2098)
                .bottom(1984)
                .left(1587)
                .right(1474),
        )
        .default_fonts(fonts(font))
        .default_size(32)
}

/// The report as DOCX bytes.
pub fn docx(report: &AnnualReport) -> Result<Vec<u8>, RenderError> {
    let v = view(report);
    let mut doc = official_page(BODY_FONT).add_paragraph(
        Paragraph::new()
            .add_run(run(&v.title, TITLE_FONT, 44))
            .align(AlignmentType::Center),
    );
    let charts = crate::charts::report_chart_data(report);
    let proactive_chart = charts.iter().find(|c| c.title.contains("主动公开"));
    let outcome_chart = charts.iter().find(|c| c.title.contains("办理结果"));
    doc = doc.add_paragraph(heading(v.headings[0], H1_FONT));
    doc = written(doc, &v.opening.blocks);
    for (i, part) in v.overview.iter().enumerate() {
        doc = doc.add_paragraph(heading(part.heading, H2_FONT));
        doc = written(doc, &part.text.blocks);
        if i == 0
            && let Some(c) = proactive_chart
        {
            let (caption, table) = chart(c);
            doc = doc.add_table(table).add_paragraph(caption);
        }
    }
    doc = doc
        .add_paragraph(heading(v.headings[1], H1_FONT))
        .add_table(table2(&v));
    doc = doc
        .add_paragraph(heading(v.headings[2], H1_FONT))
        .add_table(table3(&v));
    if let Some(c) = outcome_chart {
        let (caption, table) = chart(c);
        doc = doc.add_table(table).add_paragraph(caption);
    }
    doc = doc
        .add_paragraph(heading(v.headings[3], H1_FONT))
        .add_table(table4(&v));
    doc = doc.add_paragraph(heading(v.headings[4], H1_FONT));
    doc = written(doc, &v.problems.blocks);
    doc = doc.add_paragraph(heading(v.headings[5], H1_FONT));
    for part in &v.other {
        doc = doc.add_paragraph(heading(part.heading, H2_FONT));
        doc = written(doc, &part.text.blocks);
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buf)
        .map_err(|e| RenderError::Docx(e.to_string()))?;
    Ok(buf.into_inner())
}

//! The report's tables as a workbook: one sheet per table, header cells merged as in the format,
//! figures as numbers (the fee amount in 万元 with its decimals).

use gongkai_core::report::AnnualReport;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use super::{LabelSlot, RenderError, table3_label_slots, view};

#[expect(clippy::needless_pass_by_value, reason = "used as map_err(xe)")]
fn xe(e: rust_xlsxwriter::XlsxError) -> RenderError {
    RenderError::Xlsx(e.to_string())
}

fn put(ws: &mut Worksheet, row: u32, col: u16, text: &str, f: &Format) -> Result<(), RenderError> {
    match text.parse::<f64>() {
        Ok(n) => ws.write_number_with_format(row, col, n, f).map_err(xe)?,
        Err(_) => ws.write_string_with_format(row, col, text, f).map_err(xe)?,
    };
    Ok(())
}

fn merge(
    ws: &mut Worksheet,
    r: (u32, u32),
    c: (u16, u16),
    text: &str,
    f: &Format,
) -> Result<(), RenderError> {
    if r.0 == r.1 && c.0 == c.1 {
        put(ws, r.0, c.0, text, f)
    } else {
        ws.merge_range(r.0, c.0, r.1, c.1, text, f).map_err(xe)?;
        Ok(())
    }
}

/// The report's tables 二, 三 and 四 as XLSX bytes.
pub fn xlsx(report: &AnnualReport) -> Result<Vec<u8>, RenderError> {
    let v = view(report);
    let mut book = Workbook::new();
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let label = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();

    // A title sheet, so the workbook says whose report of which year it holds.
    let ws = book.add_worksheet().set_name("报告").map_err(xe)?;
    ws.set_column_width(0, 60).map_err(xe)?;
    ws.write_string(0, 0, &v.title).map_err(xe)?;
    ws.write_string(1, 0, "本工作簿为年度报告的表二、表三、表四，标签与《中华人民共和国政府信息公开工作年度报告格式》一致。").map_err(xe)?;

    let ws = book.add_worksheet().set_name("表二").map_err(xe)?;
    ws.set_column_width(0, 18).map_err(xe)?;
    let mut r = 0u32;
    for block in &v.table2 {
        merge(ws, (r, r), (0, 3), block.caption, &cell)?;
        r += 1;
        put(ws, r, 0, block.headers[0], &cell)?;
        let span = u16::try_from(block.span).unwrap_or(1);
        for (i, h) in block.headers[1..].iter().enumerate() {
            let c = 1 + u16::try_from(i).unwrap_or(0) * span;
            merge(ws, (r, r), (c, c + span - 1), h, &cell)?;
        }
        r += 1;
        for (name, values) in &block.rows {
            put(ws, r, 0, name, &label)?;
            for (i, x) in values.iter().enumerate() {
                let c = 1 + u16::try_from(i).unwrap_or(0) * span;
                merge(ws, (r, r), (c, c + span - 1), x, &cell)?;
            }
            r += 1;
        }
    }

    let ws = book.add_worksheet().set_name("表三").map_err(xe)?;
    let t = &v.table3;
    for c in 0..3 {
        ws.set_column_width(c, 14).map_err(xe)?;
    }
    merge(ws, (0, 2), (0, 2), t.corner, &cell)?;
    merge(ws, (0, 0), (3, 9), t.applicants, &cell)?;
    merge(ws, (1, 2), (3, 3), t.person, &cell)?;
    merge(ws, (1, 1), (4, 8), t.organisations, &cell)?;
    merge(ws, (1, 2), (9, 9), t.total, &cell)?;
    for (i, c) in t.org_columns.iter().enumerate() {
        put(ws, 2, 4 + u16::try_from(i).unwrap_or(0), c, &cell)?;
    }
    for (i, (line, slots)) in t.lines.iter().zip(table3_label_slots(&t.lines)).enumerate() {
        let row = 3 + u32::try_from(i).unwrap_or(0);
        for slot in slots {
            let LabelSlot::Starts { col, cell: l } = slot else {
                continue;
            };
            let (c0, c1) = (
                u16::try_from(col).unwrap_or(0),
                u16::try_from(col + l.colspan - 1).unwrap_or(0),
            );
            let r1 = row + u32::try_from(l.rowspan - 1).unwrap_or(0);
            merge(ws, (row, r1), (c0, c1), l.text, &label)?;
        }
        for (j, x) in line.values.iter().enumerate() {
            put(ws, row, 3 + u16::try_from(j).unwrap_or(0), x, &cell)?;
        }
    }

    let ws = book.add_worksheet().set_name("表四").map_err(xe)?;
    let t = &v.table4;
    merge(ws, (0, 0), (0, 4), t.reconsideration, &cell)?;
    merge(ws, (0, 0), (5, 14), t.litigation, &cell)?;
    for (i, c) in t.columns.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(0);
        merge(ws, (1, 2), (col, col), c, &cell)?;
    }
    for (g, name) in t.groups.iter().enumerate() {
        let c0 = 5 + 5 * u16::try_from(g).unwrap_or(0);
        merge(ws, (1, 1), (c0, c0 + 4), name, &cell)?;
        for (i, c) in t.columns.iter().enumerate() {
            put(ws, 2, c0 + u16::try_from(i).unwrap_or(0), c, &cell)?;
        }
    }
    for (i, x) in t.values.iter().enumerate() {
        put(ws, 3, u16::try_from(i).unwrap_or(0), x, &cell)?;
    }
    book.save_to_buffer().map_err(xe)
}

/// One sheet of a plain table: its name, column headings and rows (numbers stay numbers).
pub struct Sheet<'a> {
    /// Sheet name (at most 31 characters).
    pub name: &'a str,
    /// Column headings.
    pub headings: &'a [&'a str],
    /// The rows.
    pub rows: Vec<Vec<String>>,
}

/// Plain tables as a workbook (the accountability figures, for the county's assessment sheets):
/// a title line, then the headings and rows of each sheet.
pub fn tables_xlsx(title: &str, sheets: &[Sheet<'_>]) -> Result<Vec<u8>, RenderError> {
    let mut book = Workbook::new();
    let head = Format::new()
        .set_border(FormatBorder::Thin)
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let cell = Format::new().set_border(FormatBorder::Thin);
    for sheet in sheets {
        let ws = book.add_worksheet().set_name(sheet.name).map_err(xe)?;
        ws.write_string(0, 0, title).map_err(xe)?;
        for (c, h) in (0u16..).zip(sheet.headings) {
            ws.set_column_width(c, if c == 0 { 28 } else { 14 })
                .map_err(xe)?;
            put(ws, 1, c, h, &head)?;
        }
        for (r, row) in (2u32..).zip(&sheet.rows) {
            for (c, v) in (0u16..).zip(row) {
                put(ws, r, c, v, &cell)?;
            }
        }
    }
    book.save_to_buffer().map_err(xe)
}

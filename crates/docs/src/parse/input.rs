//! Turning HTML and DOCX into the text layout the parser reads: paragraphs as lines, table rows as
//! `cell | cell | …` lines with empty cells kept, so the same label-driven reader serves every source.

use std::sync::LazyLock;

use regex::Regex;

static DROP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<!--.*?-->|<![a-z][^>]*>|<\?[^>]*>|<script\b.*?</script\s*>|<svg\b.*?</svg\s*>|<figcaption\b.*?</figcaption\s*>|<style\b.*?</style\s*>|<head\b.*?</head\s*>")
        .expect("valid pattern")
});
static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>").expect("valid pattern")
});
static ENTITY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);").expect("valid pattern"));

fn entity(name: &str) -> Option<String> {
    let c = match name {
        "nbsp" | "ensp" | "emsp" => ' ',
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "ldquo" => '“',
        "rdquo" => '”',
        "mdash" => '—',
        n if n.starts_with("#x") => char::from_u32(u32::from_str_radix(&n[2..], 16).ok()?)?,
        n if n.starts_with('#') => char::from_u32(n[1..].parse().ok()?)?,
        _ => return None,
    };
    Some(c.to_string())
}

/// Text of an HTML page: block elements end lines, table cells become `|`-separated cells (an empty
/// cell stays an empty cell), images leave a marker so a table given as a picture can be named.
pub fn html_to_text(html: &str) -> String {
    let html = DROP.replace_all(html, "");
    let mut out = String::with_capacity(html.len() / 2);
    let mut last = 0;
    for caps in TAG.captures_iter(&html) {
        let m = caps.get(0).expect("whole match");
        out.push_str(&html[last..m.start()].replace(['\n', '\r'], " "));
        last = m.end();
        let closing = &caps[1] == "/";
        match caps[2].to_ascii_lowercase().as_str() {
            "td" | "th" if closing => out.push_str(" |"),
            "td" | "th" => out.push_str("| "),
            "tr" if closing => out.push('\n'),
            "br" | "p" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "table"
            | "section" | "article" => {
                out.push('\n');
            }
            "img" => out.push_str("[image]"),
            _ => {}
        }
    }
    out.push_str(&html[last..]);
    // "| a || b |" from adjacent cells → "| a | b |".
    let text = ENTITY.replace_all(&out, |c: &regex::Captures<'_>| {
        entity(&c[1]).unwrap_or_else(|| c[0].to_owned())
    });
    text.lines()
        .map(|l| l.replace(" || ", " | ").replace("||", "|"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One DOCX table as `| cell | cell |` lines.
fn docx_table(t: &docx_rs::Table, out: &mut String) {
    use docx_rs::{TableCellContent, TableChild, TableRowChild};
    for TableChild::TableRow(row) in &t.rows {
        out.push('|');
        for TableRowChild::TableCell(cell) in &row.cells {
            let text: Vec<String> = cell
                .children
                .iter()
                .filter_map(|c| match c {
                    TableCellContent::Paragraph(p) => Some(p.raw_text()),
                    _ => None,
                })
                .collect();
            out.push(' ');
            out.push_str(&text.join("").replace('|', "/"));
            out.push_str(" |");
        }
        out.push('\n');
    }
}

/// Text of a DOCX document: paragraphs and tables in order.
pub fn docx_to_text(bytes: &[u8]) -> Result<String, String> {
    use docx_rs::DocumentChild;
    let docx = docx_rs::read_docx(bytes).map_err(|e| format!("无法读取 DOCX 文件：{e}"))?;
    let mut out = String::new();
    for child in &docx.document.children {
        match child {
            DocumentChild::Paragraph(p) => {
                out.push_str(&p.raw_text());
                out.push('\n');
            }
            DocumentChild::Table(t) => docx_table(t, &mut out),
            _ => {}
        }
    }
    Ok(out)
}

/// Text of a workbook as gongkai exports it (or laid out the same way): the title sheet's lines,
/// then each table sheet under its section heading, rows as `cell | cell` lines.
pub fn xlsx_to_text(bytes: &[u8]) -> Result<String, String> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec()))
        .map_err(|e| format!("无法读取 XLSX 文件：{e}"))?;
    let mut out = String::new();
    for name in book.sheet_names() {
        let heading = match name.as_str() {
            "表二" => "二、主动公开政府信息情况",
            "表三" => "三、收到和处理政府信息公开申请情况",
            "表四" => "四、政府信息公开行政复议、行政诉讼情况",
            _ => "",
        };
        if !heading.is_empty() {
            out.push_str(heading);
            out.push('\n');
        }
        let range = book
            .worksheet_range(&name)
            .map_err(|e| format!("无法读取工作表“{name}”：{e}"))?;
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(ToString::to_string).collect();
            if heading.is_empty() {
                out.push_str(&cells.join(" "));
            } else {
                out.push_str("| ");
                out.push_str(&cells.join(" | "));
                out.push_str(" |");
            }
            out.push('\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_cells_become_pipe_rows() {
        let t = html_to_text(
            "<table><tr><td>（一）予以公开</td><td>40</td><td>&nbsp;</td></tr></table><p>a&lt;b</p><!-- x --><script>1</script>",
        );
        assert!(t.contains("| （一）予以公开 | 40 |   |"), "{t}");
        assert!(t.contains("a<b") && !t.contains("script") && !t.contains('1'));
    }
}

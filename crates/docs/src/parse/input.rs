//! Turning HTML and DOCX into the text layout the parser reads: paragraphs as lines, table rows as
//! `cell | cell | …` lines with empty cells kept, so the same label-driven reader serves every source.

use std::sync::LazyLock;

use regex::Regex;

use super::limits;
use super::{ParseError, re};

static DROP: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?is)<!--.*?-->|<![a-z][^>]*>|<\?[^>]*>|<script\b.*?</script\s*>|<svg\b.*?</svg\s*>|<figcaption\b.*?</figcaption\s*>|<style\b.*?</style\s*>|<head\b.*?</head\s*>",
    )
});
static TAG: LazyLock<Regex> = LazyLock::new(|| re(r"(?s)<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>"));
static ENTITY: LazyLock<Regex> = LazyLock::new(|| re(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);"));

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
pub fn html_to_text(html: &str) -> Result<String, ParseError> {
    limits::check_html(html)?;
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
    Ok(text
        .lines()
        .map(|l| l.replace(" || ", " | ").replace("||", "|"))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// Text of a DOCX document: paragraphs and tables in order, tables as `| cell | cell |` lines.
///
/// The document part is read with a byte cap and scanned here rather than handed to a DOM
/// builder, so a "zip bomb" is refused while unzipping and memory stays bounded.
pub fn docx_to_text(bytes: &[u8]) -> Result<String, ParseError> {
    limits::check_zip(bytes, "DOCX")?;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|_| ParseError::Unreadable("DOCX 文件已损坏（不是有效的压缩包）".into()))?;
    let mut part = zip
        .by_name("word/document.xml")
        .map_err(|_| ParseError::Unreadable("DOCX 文件缺少正文（word/document.xml）".into()))?;
    let xml = limits::read_capped(&mut part, limits::MAX_XML, "DOCX", "word/document.xml")?;
    let xml = String::from_utf8_lossy(&xml);
    Ok(wordml_text(&xml))
}

/// Paragraphs and table rows of `WordprocessingML`.
fn wordml_text(xml: &str) -> String {
    let mut out = String::new();
    let mut para = String::new();
    let mut cell = String::new();
    let mut row: Vec<String> = Vec::new();
    let mut tables = 0usize;
    let mut in_text = false;
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        if in_text {
            let t = ENTITY.replace_all(&rest[..lt], |c: &regex::Captures<'_>| {
                entity(&c[1]).unwrap_or_else(|| c[0].to_owned())
            });
            para.push_str(&t);
        }
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        rest = &rest[lt + gt + 1..];
        let closing = tag.starts_with('/');
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        match (name, closing) {
            ("w:t", false) => in_text = !tag.ends_with('/'),
            ("w:t", true) => in_text = false,
            ("w:tab", _) => para.push('\t'),
            ("w:br" | "w:cr", _) => para.push('\n'),
            ("w:p", true) => {
                if tables > 0 {
                    cell.push_str(&std::mem::take(&mut para));
                } else {
                    out.push_str(&std::mem::take(&mut para));
                    out.push('\n');
                }
            }
            ("w:tbl", false) => tables += 1,
            ("w:tbl", true) => tables = tables.saturating_sub(1),
            ("w:tr", false) => row.clear(),
            ("w:tc", false) => cell.clear(),
            ("w:tc", true) => row.push(std::mem::take(&mut cell).replace('|', "/")),
            ("w:tr", true) => {
                out.push('|');
                for c in row.drain(..) {
                    out.push(' ');
                    out.push_str(&c);
                    out.push_str(" |");
                }
                out.push('\n');
            }
            _ => {}
        }
    }
    out
}

/// Text of a workbook as gongkai exports it (or laid out the same way): the title sheet's lines,
/// then each table sheet under its section heading, rows as `cell | cell` lines.
pub fn xlsx_to_text(bytes: &[u8]) -> Result<String, ParseError> {
    use calamine::{Reader, Xlsx};
    limits::check_zip(bytes, "XLSX")?;
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec()))
        .map_err(|e| ParseError::Unreadable(format!("无法读取 XLSX 文件：{e}")))?;
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
            .map_err(|e| ParseError::Unreadable(format!("无法读取工作表“{name}”：{e}")))?;
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

/// Text of a PDF's text layer, laid out as on the page (`pdftotext -layout`: columns kept by
/// spaces, pages separated by form feeds), or `None` when the PDF has no text (a scan).
///
/// poppler's `pdftotext` is called at run time, as the PDF export calls LibreOffice: on the
/// real reports it keeps table columns where the Rust extractors lose them, and reads a 5-page
/// report in about 20 ms. It runs with a time limit and its output is capped.
pub fn pdf_to_text(bytes: &[u8]) -> Result<Option<String>, ParseError> {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    let mut child = Command::new(pdftotext_command())
        .args(["-layout", "-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|_| {
            ParseError::Unreadable(
                "读取 PDF 需要 poppler 的 pdftotext 程序，本机没有安装；请安装 poppler-utils（Debian/Ubuntu：apt-get install poppler-utils），或把报告另存为文字/HTML/DOCX 后再检查".into(),
            )
        })?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = (&mut stdout)
            .take(limits::MAX_TEXT as u64 + 1)
            .read_to_end(&mut out);
        out
    });
    let deadline = std::time::Instant::now() + limits::MAX_TIME;
    let status = loop {
        if let Some(status) = child
            .try_wait()
            .map_err(|e| ParseError::Unreadable(e.to_string()))?
        {
            break Some(status);
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    let Some(status) = status else {
        return Err(limits::too_slow());
    };
    if out.len() > limits::MAX_TEXT {
        return Err(limits::too_big_text());
    }
    if !status.success() {
        return Err(ParseError::Unreadable(
            "PDF 文件已损坏或加密，pdftotext 无法读取".into(),
        ));
    }
    let text = String::from_utf8_lossy(&out).into_owned();
    let letters = text.chars().filter(|c| !c.is_whitespace()).count();
    Ok((letters >= 40).then_some(text))
}

/// The `pdftotext` program: `GONGKAI_PDFTOTEXT` if set (tests point it at a missing program).
fn pdftotext_command() -> std::ffi::OsString {
    std::env::var_os("GONGKAI_PDFTOTEXT").unwrap_or_else(|| "pdftotext".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_cells_become_pipe_rows() {
        let t = html_to_text(
            "<table><tr><td>（一）予以公开</td><td>40</td><td>&nbsp;</td></tr></table><p>a&lt;b</p><!-- x --><script>1</script>",
        )
        .unwrap();
        assert!(t.contains("| （一）予以公开 | 40 |   |"), "{t}");
        assert!(t.contains("a<b") && !t.contains("script") && !t.contains('1'));
    }
}

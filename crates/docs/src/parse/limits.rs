//! Limits on every document a visitor or operator hands us. A DOCX of 83 KB can unzip to 20 MB of
//! XML and a naive reader then needs gigabytes; these checks run before any reader and stream
//! with a cap, so a hostile file is refused in milliseconds with a plain Chinese message
//! ([`ParseError::Refused`]) and never grows the process.

use std::io::Read;
use std::time::Duration;

use super::ParseError;

/// Largest file accepted (bytes).
pub const MAX_INPUT: usize = 32 * 1024 * 1024;
/// Largest text a file may turn into (decoded text, HTML, PDF text layer).
pub const MAX_TEXT: usize = 8 * 1024 * 1024;
/// Most entries a DOCX/XLSX archive may have.
pub const MAX_ENTRIES: usize = 2_000;
/// Largest single XML part once unzipped.
pub const MAX_XML: usize = 8 * 1024 * 1024;
/// Largest total of all XML parts once unzipped.
pub const MAX_XML_TOTAL: usize = 24 * 1024 * 1024;
/// Deepest element nesting in an XML part.
pub const MAX_DEPTH: usize = 256;
/// Most elements in one XML part.
pub const MAX_ELEMENTS: usize = 600_000;
/// Longest an external reader (pdftotext) may run.
pub const MAX_TIME: Duration = Duration::from_secs(10);

fn refused(why: String) -> ParseError {
    ParseError::Refused(why)
}

/// The refusal for a reader that ran out of time.
pub fn too_slow() -> ParseError {
    refused(format!(
        "文件读取超过{}秒，已停止；请检查文件是否损坏",
        MAX_TIME.as_secs()
    ))
}

/// The refusal for text beyond [`MAX_TEXT`].
pub fn too_big_text() -> ParseError {
    refused(format!(
        "文件的文字内容超过{} MB，不像是一份年度报告",
        MAX_TEXT / 1024 / 1024
    ))
}

/// Refuses files beyond [`MAX_INPUT`].
pub fn check_size(bytes: &[u8]) -> Result<(), ParseError> {
    if bytes.len() > MAX_INPUT {
        return Err(refused(format!(
            "文件大小超过{} MB",
            MAX_INPUT / 1024 / 1024
        )));
    }
    Ok(())
}

/// Refuses HTML beyond [`MAX_TEXT`].
pub fn check_html(html: &str) -> Result<(), ParseError> {
    if html.len() > MAX_TEXT {
        return Err(too_big_text());
    }
    Ok(())
}

/// Checks a DOCX/XLSX archive before any reader opens it: entry count, and every XML part
/// unzipped with a cap (sizes declared in the archive can lie) and scanned for depth and element
/// count.
pub fn check_zip(bytes: &[u8], what: &str) -> Result<(), ParseError> {
    check_size(bytes)?;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|_| ParseError::Unreadable(format!("{what} 文件已损坏（不是有效的压缩包）")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(refused(format!(
            "{what} 文件包含{}个部件，超过上限{MAX_ENTRIES}",
            zip.len()
        )));
    }
    let mut total = 0usize;
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|_| ParseError::Unreadable(format!("{what} 文件已损坏")))?;
        let name = entry.name().to_owned();
        let xml_part = std::path::Path::new(&name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xml") || e.eq_ignore_ascii_case("rels"));
        if !xml_part {
            continue;
        }
        let xml = read_capped(&mut entry, MAX_XML, what, &name)?;
        total += xml.len();
        if total > MAX_XML_TOTAL {
            return Err(refused(format!(
                "{what} 文件解压后的内容超过{} MB，可能是“压缩炸弹”",
                MAX_XML_TOTAL / 1024 / 1024
            )));
        }
        check_xml(&xml, what)?;
    }
    Ok(())
}

/// Reads one zip entry, refusing it past `cap` bytes.
pub fn read_capped(
    entry: &mut impl Read,
    cap: usize,
    what: &str,
    name: &str,
) -> Result<Vec<u8>, ParseError> {
    let mut out = Vec::new();
    entry
        .take(cap as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|_| ParseError::Unreadable(format!("{what} 文件已损坏（{name} 无法解压）")))?;
    if out.len() > cap {
        return Err(refused(format!(
            "{what} 文件中的 {name} 解压后超过{} MB，可能是“压缩炸弹”",
            cap / 1024 / 1024
        )));
    }
    Ok(out)
}

/// Depth and element count of an XML part, by a byte scan that allocates nothing.
pub fn check_xml(xml: &[u8], what: &str) -> Result<(), ParseError> {
    let mut depth = 0usize;
    let mut elements = 0usize;
    let mut i = 0;
    while let Some(off) = memchr(b'<', &xml[i..]) {
        let at = i + off;
        let next = xml.get(at + 1).copied();
        let close = xml[at..]
            .iter()
            .position(|b| *b == b'>')
            .map_or(xml.len(), |p| at + p);
        match next {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(b'?' | b'!') | None => {}
            Some(_) => {
                elements += 1;
                if close > 0 && xml.get(close - 1) != Some(&b'/') {
                    depth += 1;
                }
            }
        }
        if depth > MAX_DEPTH {
            return Err(refused(format!("{what} 文件的 XML 嵌套超过{MAX_DEPTH}层")));
        }
        if elements > MAX_ELEMENTS {
            return Err(refused(format!(
                "{what} 文件的 XML 元素超过{MAX_ELEMENTS}个，可能是“压缩炸弹”"
            )));
        }
        i = close.max(at + 1).min(xml.len());
    }
    Ok(())
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|b| *b == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_or_huge_xml_is_refused_and_normal_xml_passes() {
        assert!(check_xml(b"<a><b/><c>x</c></a>", "DOCX").is_ok());
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(matches!(
            check_xml(deep.as_bytes(), "DOCX"),
            Err(ParseError::Refused(_))
        ));
        let many = "<w:p/>".repeat(MAX_ELEMENTS + 1);
        assert!(matches!(
            check_xml(many.as_bytes(), "DOCX"),
            Err(ParseError::Refused(_))
        ));
    }
}

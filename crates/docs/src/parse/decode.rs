//! Text in the encodings it is found in. Chinese government sites still serve many pages in
//! GBK/GB2312 (or GB18030), declared in a `<meta>` tag or not at all; Windows tools save text as
//! UTF-16 with a byte-order mark, or UTF-8 with one. The order of trust:
//!
//! 1. a byte-order mark (UTF-8, UTF-16LE/BE);
//! 2. valid UTF-8 (a page that says `gb2312` but is valid UTF-8 was transcoded and never fixed);
//! 3. UTF-16 without a mark, by the zero bytes of its ASCII characters;
//! 4. the charset the page declares (`<meta charset>`, `http-equiv`, `<?xml encoding>`);
//! 5. the encoding detected from the bytes (`chardetng`, with `.cn` as the hint) — then GB18030.
//!
//! A candidate is taken only when it decodes with (almost) no malformed sequences; when none does,
//! the reader says so in Chinese instead of reading mojibake.

use std::sync::LazyLock;

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};
use regex::bytes::Regex;

use super::ParseError;

static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i-u)<meta\b[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:\-]+)"#)
        .expect("valid pattern")
});
static XML_ENCODING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i-u)^\s*<\?xml\b[^>]*?encoding\s*=\s*["']([a-z0-9_.:\-]+)"#)
        .expect("valid pattern")
});

/// Decoded text and the encoding it was read in.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The encoding's name (`UTF-8`, `GBK`, `gb18030`, `UTF-16LE`, …).
    pub encoding: &'static str,
}

/// The charset a page declares in its first 4 KB, if it names one `encoding_rs` knows.
pub fn declared(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let label = META_CHARSET
        .captures(head)
        .or_else(|| XML_ENCODING.captures(head))
        .and_then(|c| c.get(1))?;
    let enc = Encoding::for_label(label.as_bytes())?;
    // A page read as bytes cannot be UTF-16 because its <meta> says so (WHATWG: read as UTF-8).
    (enc != UTF_16LE && enc != UTF_16BE).then_some(enc)
}

/// UTF-16 without a byte-order mark: the zero high bytes of its ASCII characters (digits, line
/// breaks, spaces — every report has many) all fall on one side.
fn utf16_by_zeros(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(8192) & !1];
    if head.len() < 64 {
        return None;
    }
    let half = head.len() / 2;
    let even = head.iter().step_by(2).filter(|b| **b == 0).count();
    let odd = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    // CJK characters whose low byte is 0 (一 is U+4E00) put a few zeros on the other side.
    if odd * 10 >= half && even * 8 <= odd {
        Some(UTF_16LE)
    } else if even * 10 >= half && odd * 8 <= even {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Malformed sequences and control characters (but tab, line breaks and form feed) in decoded
/// text: the measure of a wrong guess.
fn damage(text: &str) -> (usize, usize) {
    let mut bad = 0;
    let mut all = 0;
    for c in text.chars() {
        all += 1;
        if c == '\u{fffd}' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}')) {
            bad += 1;
        }
    }
    (bad, all)
}

/// Decodes `bytes` with `enc` if the result is text: at most one damaged character in 500.
fn try_decode(bytes: &[u8], enc: &'static Encoding) -> Option<String> {
    let (text, _) = enc.decode_without_bom_handling(bytes);
    let (bad, all) = damage(&text);
    (bad * 500 <= all).then(|| text.into_owned())
}

/// Decodes the bytes of a text or HTML file (see the module's order of trust).
pub fn decode(bytes: &[u8]) -> Result<Decoded, ParseError> {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        // A mark promises the encoding; text that then fails to decode is damaged, not another
        // encoding.
        return try_decode(&bytes[bom..], enc)
            .map(|text| Decoded {
                text,
                encoding: enc.name(),
            })
            .ok_or_else(unreadable);
    }
    if let Ok(text) = std::str::from_utf8(bytes)
        && !text.contains('\0')
    {
        return Ok(Decoded {
            text: text.to_owned(),
            encoding: UTF_8.name(),
        });
    }
    let mut candidates: Vec<&'static Encoding> = Vec::new();
    candidates.extend(utf16_by_zeros(bytes));
    candidates.extend(declared(bytes).filter(|e| *e != UTF_8));
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    candidates.push(detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow));
    candidates.push(GB18030);
    for enc in candidates {
        if let Some(text) = try_decode(bytes, enc) {
            return Ok(Decoded {
                text,
                encoding: enc.name(),
            });
        }
    }
    Err(unreadable())
}

fn unreadable() -> ParseError {
    ParseError::Unreadable(
        "文件的文字编码无法识别（按 UTF-8、GBK/GB18030、UTF-16 都读不通），可能不是文字文件；请另存为 UTF-8 编码的文本或网页后再检查".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "平潭综合实验区2021年度政府信息公开工作年度报告\n一、本年新收政府信息公开申请数量 | 64 | 0 | 0 | 2 | 0 | 4 | 70 |\n（三）不予公开 1.属于国家秘密 0 0 0 0 0 0 0\n";

    fn encode(enc: &'static Encoding, s: &str) -> Vec<u8> {
        let (b, _, unmappable) = enc.encode(s);
        assert!(!unmappable);
        b.into_owned()
    }

    #[test]
    fn gbk_declared_undeclared_and_gb18030_are_read() {
        let gbk = encode(encoding_rs::GBK, TEXT);
        assert!(std::str::from_utf8(&gbk).is_err());
        let d = decode(&gbk).unwrap();
        assert_eq!(d.text, TEXT);
        let mut page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body>".to_vec();
        page.extend(&gbk);
        let d = decode(&page).unwrap();
        assert!(d.text.ends_with(TEXT), "{}", d.encoding);
        assert_eq!(d.encoding, "GBK");
        let mut page = b"<meta charset='GB18030'>".to_vec();
        page.extend(encode(GB18030, "𠀀 沭阳县 2023年"));
        assert!(decode(&page).unwrap().text.contains("𠀀 沭阳县 2023年"));
    }

    #[test]
    fn utf16_with_or_without_bom_and_utf8_with_bom_are_read() {
        let mut le = vec![0xff, 0xfe];
        le.extend(TEXT.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le).unwrap().text, TEXT);
        let be: Vec<u8> = TEXT.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&be).unwrap().text, TEXT);
        let mut bom8 = b"\xef\xbb\xbf".to_vec();
        bom8.extend(TEXT.as_bytes());
        assert_eq!(decode(&bom8).unwrap().text, TEXT);
    }

    #[test]
    fn a_lying_declaration_loses_to_valid_utf8_and_garbage_is_refused() {
        let page = format!("<meta charset=\"gbk\">{TEXT}");
        assert_eq!(decode(page.as_bytes()).unwrap().text, page);
        let garbage: Vec<u8> = (0..4000u32)
            .map(|i| u8::try_from(i.wrapping_mul(2_654_435_761) >> 24).unwrap_or(0))
            .collect();
        let e = decode(&garbage).unwrap_err();
        assert!(e.to_string().contains("编码无法识别"), "{e}");
    }
}

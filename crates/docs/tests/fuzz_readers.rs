//! A short fuzz run of every reader with structure-aware generators: report-like text with glued,
//! spaced and piped digits, HTML tables, DOCX and XLSX packages built from random structure, and
//! damaged PDFs. Whatever comes in, the reader answers — a report or a typed refusal — without
//! panicking and within its limits.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use gongkai_docs::parse::{SourceKind, check_file};
use proptest::prelude::*;

const LABELS: &[&str] = &[
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "（七）总计",
    "四、结转下年度继续办理",
    "四、政府信息公开行政复议、行政诉讼情况",
    "行政复议",
    "未经复议直接起诉",
    "复议后起诉",
    "结果维持",
    "总计",
    "三、收到和处理政府信息公开申请情况",
    "二、主动公开政府信息情况",
    "规章",
    "行政事业性收费",
    "某县人民政府2023年政府信息公开工作年度报告",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(LABELS).prop_map(str::to_owned),
        "[0-9]{1,20}",
        "[0-9 ]{1,12}",
        Just(" | ".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n\n".to_owned()),
        Just("\t".to_owned()),
        Just("/".to_owned()),
        Just("-4-".to_owned()),
        "[一-龥（）、.|]{0,6}",
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 0..120).prop_map(|p| p.concat())
}

fn html() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            piece(),
            Just("<tr>".to_owned()),
            Just("</tr>".to_owned()),
            Just("<td>".to_owned()),
            Just("</td>".to_owned()),
            Just("<table>".to_owned()),
            Just("<p>".to_owned()),
            Just("<!--".to_owned()),
            Just("&nbsp;".to_owned()),
            Just("<script>".to_owned()),
        ],
        0..150,
    )
    .prop_map(|p| format!("<html>{}</html>", p.concat()))
}

/// A DOCX package from random `WordprocessingML` structure (tags may be unbalanced).
fn docx() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![
            piece().prop_map(|t| format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>")),
            Just("<w:tbl>".to_owned()),
            Just("</w:tbl>".to_owned()),
            Just("<w:tr>".to_owned()),
            Just("</w:tr>".to_owned()),
            piece().prop_map(|t| format!("<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>")),
            Just("<w:t>".to_owned()),
            Just("<w:br/>".to_owned()),
            Just("<".to_owned()),
        ],
        0..80,
    )
    .prop_map(|parts| {
        use std::io::Write;
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        zip.start_file("word/document.xml", opts).unwrap();
        write!(
            zip,
            "<w:document><w:body>{}</w:body></w:document>",
            parts.concat()
        )
        .unwrap();
        zip.finish().unwrap();
        buf.into_inner()
    })
}

/// An XLSX from random cells on the sheets gongkai exports.
fn xlsx() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec((0u32..30, 0u16..10, piece()), 0..60).prop_map(|cells| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("表三").unwrap();
        for (r, c, v) in cells {
            match v.trim().parse::<f64>() {
                Ok(n) => sheet.write_number(r, c, n).unwrap(),
                Err(_) => sheet.write_string(r, c, &v).unwrap(),
            };
        }
        book.save_to_buffer().unwrap()
    })
}

fn answers(bytes: &[u8], kind: SourceKind) {
    let started = std::time::Instant::now();
    let _ = check_file(bytes, kind, "fuzz", None);
    assert!(started.elapsed().as_secs() < 5, "{kind:?} too slow");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn text_never_panics(t in text()) {
        answers(t.as_bytes(), SourceKind::Text);
    }

    #[test]
    fn html_never_panics(h in html()) {
        answers(h.as_bytes(), SourceKind::Html);
    }

    #[test]
    fn docx_never_panics(d in docx(), cut in any::<prop::sample::Index>()) {
        answers(&d, SourceKind::Docx);
        // A truncated package too.
        answers(&d[..cut.index(d.len().max(1)).min(d.len())], SourceKind::Docx);
    }

    #[test]
    fn xlsx_never_panics(x in xlsx()) {
        answers(&x, SourceKind::Xlsx);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Damaged PDFs: a real report with bytes overwritten or cut short.
    #[test]
    fn damaged_pdfs_never_panic(at in any::<prop::sample::Index>(), junk in proptest::collection::vec(any::<u8>(), 0..64)) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/realdata/reports/hongze-2023.pdf");
        let mut pdf = std::fs::read(path).unwrap();
        let i = at.index(pdf.len());
        let end = (i + junk.len()).min(pdf.len());
        pdf[i..end].copy_from_slice(&junk[..end - i]);
        answers(&pdf, SourceKind::Pdf);
        answers(&pdf[..i], SourceKind::Pdf);
    }
}

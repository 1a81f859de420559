//! Letters of disclosure on request as documents: a printable HTML page and a Word file in the
//! layout of official letters (GB/T 9704 margins, 仿宋 三号 body, 小标宋 二号 title), each with
//! the agency's name, the date and a place for the seal. The words come from `core::letter`.

use docx_rs::{AlignmentType, Paragraph, Run, SpecialIndentType};
use gongkai_core::letter::{Letter, LetterKind};
use minijinja::context;
use minijinja::value::Serde;

use crate::docx::{fonts, official_page};
use crate::{RenderError, TEMPLATES};

/// The closing formula: 告知书 end with 特此告知; a decision letter ends with its remedies.
fn closing(letter: &Letter) -> Option<&'static str> {
    (letter.kind != LetterKind::Decision).then_some("特此告知。")
}

/// The letter as a standalone, printable HTML page.
pub fn letter_html(letter: &Letter) -> Result<String, RenderError> {
    Ok(TEMPLATES.get_template("letter.html")?.render(context! {
        l => Serde(letter),
        date => letter.date_text(),
        closing => closing(letter),
    })?)
}

fn line(text: &str, font: &str, half_points: usize) -> Paragraph {
    Paragraph::new().add_run(
        Run::new()
            .add_text(text)
            .fonts(fonts(font))
            .size(half_points),
    )
}

fn body(text: &str) -> Paragraph {
    line(text, "仿宋_GB2312", 32).indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
}

/// The letter as a Word document.
pub fn letter_docx(letter: &Letter) -> Result<Vec<u8>, RenderError> {
    let mut doc = official_page("仿宋_GB2312")
        .add_paragraph(line(&letter.title, "方正小标宋简体", 44).align(AlignmentType::Center))
        .add_paragraph(line(&letter.number, "仿宋_GB2312", 32).align(AlignmentType::Right))
        .add_paragraph(line(&format!("{}：", letter.addressee), "仿宋_GB2312", 32));
    for p in &letter.paragraphs {
        doc = doc.add_paragraph(body(p));
    }
    if let Some(r) = &letter.remedies {
        doc = doc.add_paragraph(body(r));
    }
    if let Some(c) = closing(letter) {
        doc = doc.add_paragraph(body(c));
    }
    doc = doc
        .add_paragraph(Paragraph::new())
        .add_paragraph(line("（盖章处）", "仿宋_GB2312", 24).align(AlignmentType::Right))
        .add_paragraph(line(&letter.signatory, "仿宋_GB2312", 32).align(AlignmentType::Right))
        .add_paragraph(line(&letter.date_text(), "仿宋_GB2312", 32).align(AlignmentType::Right));
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buf)
        .map_err(|e| RenderError::Docx(e.to_string()))?;
    Ok(buf.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter() -> Letter {
        Letter {
            kind: LetterKind::Decision,
            title: "沂源县西里镇人民政府政府信息公开申请答复书".into(),
            number: "西里镇依申公〔2025〕3号-复".into(),
            addressee: "张三<script>".into(),
            paragraphs: vec!["您于2025年3月3日通过网上申请提出的政府信息公开申请收悉。".into()],
            remedies: Some(
                "如对本答复不服，可以自收到本答复书之日起六十日内向沂源县人民政府申请行政复议。"
                    .into(),
            ),
            signatory: "沂源县西里镇人民政府".into(),
            date: "2025-03-20".parse().unwrap_or_default(),
        }
    }

    #[test]
    fn the_html_letter_carries_every_part_escaped() {
        let html = letter_html(&letter()).unwrap_or_default();
        insta::assert_snapshot!(html);
        assert!(!html.contains("<script>"));
    }

    #[test]
    fn the_word_letter_reads_back_with_the_same_text() {
        let bytes = letter_docx(&letter()).unwrap_or_default();
        let text = crate::parse::docx_to_text(&bytes).unwrap_or_default();
        for part in [
            "政府信息公开申请答复书",
            "西里镇依申公〔2025〕3号-复",
            "六十日内",
            "2025年3月20日",
            "盖章处",
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
    }
}

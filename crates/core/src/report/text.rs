//! The text staff write in a report: one line a block, in a small subset of Markdown.
//!
//! A report travels as HTML, DOCX, Markdown, JSON and PDF, and the checker reads it back; its
//! written parts are kept as text that is readable as it stands (the JSON of spec §9 and the
//! cross-check `TX-TEXT` read it unchanged) and that every writer can lay out:
//!
//! - each line is a paragraph (blank lines are ignored), as a plain textarea has always sent it;
//! - `### 标题` is a sub-heading (小标题);
//! - `- 事项` is an item of a bulleted list, `1. 事项` of a numbered one (the number is kept);
//! - `**文字**` is bold, `[文字](https://…)` a link (to `http(s)://` or to this site, `/…`);
//! - a line starting with a backslash is a paragraph whatever follows (`\\1. 不是列表`).
//!
//! Tables and pictures are left out on purpose: a report's only tables are the statutory ones
//! (every number its text states must be a cell of them, and readers find them by position),
//! and a picture cannot travel in the Markdown and JSON a report is also published as. The
//! back office's editor turns its HTML into this text, and [`html`] turns it back.

use std::fmt::Write as _;

use crate::text::escape_html;

use serde::Serialize;

/// A run of text inside a block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    /// The words.
    pub text: String,
    /// Printed bold.
    pub bold: bool,
    /// Where a link leads, if the run is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

/// One block of a written part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph.
    Paragraph {
        /// Its runs.
        spans: Vec<Span>,
    },
    /// A sub-heading within the part.
    Heading {
        /// Its runs.
        spans: Vec<Span>,
    },
    /// Consecutive list items of one kind.
    List {
        /// The first item's number; `None` for a bulleted list.
        start: Option<u32>,
        /// Each item's runs.
        items: Vec<Vec<Span>>,
    },
}

/// What one line is.
enum Line<'a> {
    Paragraph(&'a str),
    Heading(&'a str),
    Bullet(&'a str),
    Numbered(u32, &'a str),
}

fn line(l: &str) -> Line<'_> {
    if let Some(rest) = l.strip_prefix('\\') {
        return Line::Paragraph(rest);
    }
    if let Some(rest) = l.strip_prefix("### ") {
        return Line::Heading(rest.trim());
    }
    if let Some(rest) = l.strip_prefix("- ") {
        return Line::Bullet(rest.trim());
    }
    let digits = l.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=4).contains(&digits)
        && let Some(rest) = l[digits..].strip_prefix(". ")
        && let Ok(n) = l[..digits].parse()
    {
        return Line::Numbered(n, rest.trim());
    }
    Line::Paragraph(l)
}

/// The blocks of a written part.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for l in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (start, words) = match line(l) {
            Line::Paragraph(t) => {
                out.push(Block::Paragraph { spans: spans(t) });
                continue;
            }
            Line::Heading(t) => {
                out.push(Block::Heading { spans: spans(t) });
                continue;
            }
            Line::Bullet(t) => (None, t),
            Line::Numbered(n, t) => (Some(n), t),
        };
        match out.last_mut() {
            Some(Block::List { start: s, items }) if s.is_some() == start.is_some() => {
                items.push(spans(words));
            }
            _ => out.push(Block::List {
                start,
                items: vec![spans(words)],
            }),
        }
    }
    out
}

/// Runs of one line: `**bold**` and `[text](href)`; a marker without its partner stays text.
pub fn spans(line: &str) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut push = |text: &str, bold: bool, href: Option<String>| {
        if text.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.bold == bold && last.href.is_none() && href.is_none() => {
                last.text.push_str(text);
            }
            _ => out.push(Span {
                text: text.to_owned(),
                bold,
                href,
            }),
        }
    };
    let mut bold = false;
    let mut rest = line;
    while !rest.is_empty() {
        let next_bold = rest.find("**");
        let next_link = link_at(rest);
        match (next_bold, next_link) {
            (Some(b), found) if found.is_none_or(|(at, ..)| b < at) => {
                // An opening marker counts only when a closing one follows.
                if bold || rest[b + 2..].contains("**") {
                    push(&rest[..b], bold, None);
                    bold = !bold;
                } else {
                    push(&rest[..b + 2], bold, None);
                }
                rest = &rest[b + 2..];
            }
            (_, Some((at, len, text, href))) => {
                push(&rest[..at], bold, None);
                push(text, bold, Some(href.to_owned()));
                rest = &rest[at + len..];
            }
            _ => {
                push(rest, bold, None);
                rest = "";
            }
        }
    }
    out
}

/// The first `[text](href)` in `s` whose address is one a report may link to: where it starts,
/// its length, its text and its address.
fn link_at(s: &str) -> Option<(usize, usize, &str, &str)> {
    let mut from = 0;
    while let Some(open) = s[from..].find('[').map(|i| i + from) {
        let found = (|| {
            let close = s[open..].find("](")? + open;
            let end = s[close..].find(')')? + close;
            let (text, href) = (&s[open + 1..close], &s[close + 2..end]);
            (linkable(href) && !text.is_empty() && !text.contains('[')).then_some((
                open,
                end + 1 - open,
                text,
                href,
            ))
        })();
        if found.is_some() {
            return found;
        }
        from = open + 1;
    }
    None
}

/// Whether a report (or any rich text) may link to `href`: a web address, or a path of this site.
/// A backslash is refused anywhere: browsers read `/\\evil.example` as `//evil.example`, another
/// site that looks like one of ours.
pub fn linkable(href: &str) -> bool {
    let web = href.starts_with("http://") || href.starts_with("https://");
    (web || site_path(href)) && !href.contains(['\\', ' ', '\t', '\n', '\r', '"', '<', '>'])
}

/// Whether `href` is a path of this site: `/…`, not `//host` nor `/\\host` (which browsers read
/// as `//host`).
pub fn site_path(href: &str) -> bool {
    href.starts_with('/') && !href.starts_with("//") && !href.contains('\\')
}

fn spans_html(spans: &[Span]) -> String {
    let mut out = String::new();
    for s in spans {
        let mut text = escape_html(&s.text);
        if let Some(href) = &s.href {
            text = format!("<a href=\"{}\">{text}</a>", escape_html(href));
        }
        if s.bold {
            text = format!("<strong>{text}</strong>");
        }
        out.push_str(&text);
    }
    out
}

/// A written part as HTML: paragraphs, `<h4>` sub-headings (a part sits under an `<h3>`), lists.
pub fn html(text: &str) -> String {
    blocks_html(&blocks(text))
}

/// [`html`] of blocks already read.
pub fn blocks_html(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Paragraph { spans } => out.extend(["<p>", &spans_html(spans), "</p>\n"]),
            Block::Heading { spans } => out.extend(["<h4>", &spans_html(spans), "</h4>\n"]),
            Block::List { start, items } => {
                match start {
                    None => out.push_str("<ul>"),
                    Some(1) => out.push_str("<ol>"),
                    Some(n) => {
                        let _ = write!(out, "<ol start=\"{n}\">");
                    }
                }
                for item in items {
                    out.extend(["<li>", &spans_html(item), "</li>"]);
                }
                out.push_str(if start.is_some() {
                    "</ol>\n"
                } else {
                    "</ul>\n"
                });
            }
        }
    }
    out
}

/// Text that Markdown shows as written: its punctuation that means something there escaped.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '!' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn spans_markdown(spans: &[Span]) -> String {
    let mut out = String::new();
    for (i, s) in spans.iter().enumerate() {
        let mut text = escape_markdown(&s.text);
        // A paragraph that starts like a list item (`- `, `+ `, `1. `) is not one.
        if i == 0 {
            let digits = text.bytes().take_while(u8::is_ascii_digit).count();
            if text.starts_with("- ") || text.starts_with("+ ") {
                text.insert(0, '\\');
            } else if digits > 0 && text[digits..].starts_with(['.', ')']) {
                text.insert(digits, '\\');
            }
        }
        if let Some(href) = &s.href {
            text = format!("[{text}]({href})");
        }
        if s.bold {
            text = format!("**{text}**");
        }
        out.push_str(&text);
    }
    out
}

/// A written part as Markdown: blocks apart by blank lines (a lone line break would join two
/// paragraphs), sub-headings one level under the part's `###`.
pub fn markdown(text: &str) -> String {
    blocks_markdown(&blocks(text))
}

/// [`markdown`] of blocks already read.
pub fn blocks_markdown(blocks: &[Block]) -> String {
    let mut out = Vec::new();
    for b in blocks {
        out.push(match b {
            Block::Paragraph { spans } => spans_markdown(spans),
            Block::Heading { spans } => format!("#### {}", spans_markdown(spans)),
            Block::List { start, items } => items
                .iter()
                .enumerate()
                .map(|(i, item)| match start {
                    Some(n) => format!("{}. {}", *n as usize + i, spans_markdown(item)),
                    None => format!("- {}", spans_markdown(item)),
                })
                .collect::<Vec<_>>()
                .join("\n"),
        });
    }
    out.join("\n\n")
}

/// A part's words without its markers, one block a line: what a reader hears, and what the
/// sentences' checks read.
pub fn plain(text: &str) -> String {
    let words = |spans: &[Span]| spans.iter().map(|s| s.text.as_str()).collect::<String>();
    let mut lines = Vec::new();
    for b in blocks(text) {
        match b {
            Block::Paragraph { spans } | Block::Heading { spans } => lines.push(words(&spans)),
            Block::List { start, items } => {
                for (i, item) in items.iter().enumerate() {
                    lines.push(match start {
                        Some(n) => format!("{}. {}", n as usize + i, words(item)),
                        None => format!("• {}", words(item)),
                    });
                }
            }
        }
    }
    lines.join("\n")
}

/// Whether `line`, written as it is, reads back as a paragraph of the same words (it starts with
/// no list, heading or escape marker).
pub fn reads_as_paragraph(line: &str) -> bool {
    !line.starts_with('\\') && matches!(self::line(line), Line::Paragraph(_))
}

/// Whether the last block of `text` is a paragraph, so that a sentence may run on after it.
pub fn ends_in_paragraph(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .is_none_or(|l| matches!(line(l), Line::Paragraph(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain_span(text: &str) -> Span {
        Span {
            text: text.into(),
            bold: false,
            href: None,
        }
    }

    #[test]
    fn lines_are_paragraphs_as_a_plain_textarea_sent_them() {
        let b = blocks("第一段。\n\n  第二段。  \n");
        assert_eq!(
            b,
            vec![
                Block::Paragraph {
                    spans: vec![plain_span("第一段。")]
                },
                Block::Paragraph {
                    spans: vec![plain_span("第二段。")]
                },
            ]
        );
        assert_eq!(html("a < b & c"), "<p>a &lt; b &amp; c</p>\n");
    }

    #[test]
    fn headings_lists_bold_and_links() {
        let text = "### 加强组织领导\n**一是**健全机制。\n1. 申请表\n2. 身份证明\n- 甲\n- 乙\n详见[门户](https://example.gov.cn/a)。";
        assert_eq!(
            html(text),
            "<h4>加强组织领导</h4>\n<p><strong>一是</strong>健全机制。</p>\n<ol><li>申请表</li><li>身份证明</li></ol>\n<ul><li>甲</li><li>乙</li></ul>\n<p>详见<a href=\"https://example.gov.cn/a\">门户</a>。</p>\n"
        );
        assert_eq!(
            plain(text),
            "加强组织领导\n一是健全机制。\n1. 申请表\n2. 身份证明\n• 甲\n• 乙\n详见门户。"
        );
    }

    #[test]
    fn markdown_keeps_the_structure_with_blocks_apart() {
        assert_eq!(
            markdown("甲\n### 乙\n**丙**[丁](/x)\n1. a\n2. b"),
            "甲\n\n#### 乙\n\n**丙**[丁](/x)\n\n1. a\n2. b"
        );
    }

    #[test]
    fn markers_without_partners_and_unsafe_links_stay_text() {
        assert_eq!(
            html("2**3 与 [x](javascript:alert(1))"),
            "<p>2**3 与 [x](javascript:alert(1))</p>\n"
        );
        assert_eq!(html("1.加强领导"), "<p>1.加强领导</p>\n");
        assert_eq!(html("3. 第三项"), "<ol start=\"3\"><li>第三项</li></ol>\n");
        assert_eq!(
            html("[a\"b](/x\"onmouseover=1)"),
            "<p>[a&quot;b](/x&quot;onmouseover=1)</p>\n"
        );
    }

    #[test]
    fn a_backslash_keeps_a_line_a_paragraph_and_no_address_leaves_the_site_by_one() {
        assert_eq!(html("\\1. 不是列表"), "<p>1. 不是列表</p>\n");
        assert_eq!(html("\\### 不是标题"), "<p>### 不是标题</p>\n");
        assert_eq!(
            html("[e](/\\evil.example)"),
            "<p>[e](/\\evil.example)</p>\n"
        );
        assert!(linkable("/agencies/x") && linkable("https://a.gov.cn/"));
        assert!(!linkable("//evil.example") && !linkable("/\\evil.example"));
    }

    #[test]
    fn markdown_shows_literal_text_as_written() {
        assert_eq!(
            markdown("<b>x</b> | a * b_c ![i](u) # 不是标题\n\\1. 不是列表\n\\- 也不是"),
            "\\<b\\>x\\</b\\> \\| a \\* b\\_c \\!\\[i\\](u) \\# 不是标题\n\n1\\. 不是列表\n\n\\- 也不是"
        );
    }

    #[test]
    fn a_sentence_runs_on_only_after_a_paragraph() {
        assert!(ends_in_paragraph("甲。\n"));
        assert!(ends_in_paragraph(""));
        assert!(!ends_in_paragraph("- 甲\n"));
        assert!(!ends_in_paragraph("### 甲"));
    }

    proptest::proptest! {
        #[test]
        fn any_text_renders_with_its_words_and_no_raw_markup(text in "[\\PC\n]{0,200}") {
            let html = html(&text);
            let without_tags = regex::Regex::new("<[^>]*>").unwrap().replace_all(&html, "");
            proptest::prop_assert!(!without_tags.contains('<'));
            for b in blocks(&text) {
                if let Block::Paragraph { spans } = b {
                    proptest::prop_assert!(spans.iter().all(|s| !s.text.is_empty()));
                }
            }
        }
    }
}

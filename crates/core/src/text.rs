//! Text as it comes from outside, before anything else looks at it: a NUL or another control
//! character (C0 or C1) has no place in anything a person types — PostgreSQL cannot store a NUL,
//! and a control character makes the XML of a letter's DOCX invalid. Tab and line breaks are
//! allowed only where a field has several lines. A form is refused field by field, with the
//! field's own message; the store refuses the same characters again as its last line.

/// Whether `text` holds a character no field accepts (`multiline`: tab, CR and LF allowed).
///
/// Every value a page prints passes here, so it reads bytes rather than decoding characters:
/// the control characters are U+0000–U+001F, U+007F and U+0080–U+009F, whose UTF-8 is one byte
/// below 0x20, 0x7F, or 0xC2 followed by 0x80–0x9F. A profile of list pages put the decoding
/// walk at 1.4% of the server's time; on a 28-character title this takes 5 ns against 16.
pub fn has_control(text: &str, multiline: bool) -> bool {
    let bytes = text.as_bytes();
    // Whole stretches first, without a branch a byte (the compiler makes it vector code): almost
    // every text has none of these bytes, and is then done.
    let suspect = |chunk: &[u8]| {
        chunk.iter().fold(0u8, |seen, &b| {
            seen | u8::from(b < 0x20) | u8::from(b == 0x7f) | u8::from(b == 0xc2)
        }) != 0
    };
    if !bytes.chunks(32).any(suspect) {
        return false;
    }
    bytes.iter().enumerate().any(|(i, &b)| match b {
        b'\t' | b'\n' | b'\r' => !multiline,
        0..0x20 | 0x7f => true,
        0xc2 => bytes.get(i + 1).is_some_and(|n| (0x80..0xa0).contains(n)),
        _ => false,
    })
}

/// The message of a one-line field refused for a control character.
pub const CONTROL_MESSAGE: &str =
    "含有不可见的控制字符（如 NUL 或换行），无法保存；请删除后重新填写。";

/// The message of a field of several lines refused for a control character (its line breaks
/// are welcome, so the message does not name them).
pub const CONTROL_MESSAGE_MULTILINE: &str =
    "含有不可见的控制字符（如 NUL），无法保存；请删除后重新填写（换行可以保留）。";

/// Whether `c` is a character [`has_control`] refuses (`multiline`: tab, CR and LF allowed), for
/// code that goes character by character anyway.
pub fn is_control(c: char, multiline: bool) -> bool {
    c.is_control() && !(multiline && matches!(c, '\t' | '\n' | '\r'))
}

/// Text to look for rather than keep (a search): every control character becomes a space, so a
/// pasted NUL or escape neither reaches the index nor is echoed back into the page.
/// Tab and line breaks are kept (a page's text may hold them).
pub fn without_controls(text: &str) -> String {
    text.chars()
        .map(|c| if is_control(c, true) { ' ' } else { c })
        .collect()
}

/// The explicit direction marks, embeddings, overrides and isolates of Unicode's bidirectional
/// algorithm (U+202E and kin): invisible, they draw the text after them reversed, so none
/// belongs in a visitor's value quoted back inside a Chinese sentence. Kept apart from
/// [`has_control`], whose fast path serves every stored text and would have to look at every
/// byte 0xE2 (Chinese punctuation's lead byte) to find them.
pub fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `&`, `<`, `>` and `"` as HTML entities: text put into a page or an attribute by hand.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The text of sanitised HTML (tags dropped; the entities of [`unescape_html`] decoded): what the
/// search index reads of a body, and what a search page cuts its excerpts from (twenty bodies a
/// page, so it is one pass copying the runs between `<` and `&` whole). A tag that breaks the
/// line (a paragraph, a list item, a cell) is read as a space, so words either side stay apart;
/// a tag inside a line (a link, bold) as nothing, so `见：<a>报告</a>（` reads `见：报告（`.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    // memchr's vectorised search for the two bytes: `str::find` with a set of characters walks
    // the text a character at a time, and this runs over every hit's body on a search page.
    while let Some(at) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('<') {
            match rest.find('>') {
                Some(end) => {
                    if !inline_tag(&rest[1..end]) {
                        out.push(' ');
                    }
                    rest = &rest[end + 1..];
                }
                // A tag never closed hides the rest.
                None => return out,
            }
        } else {
            rest = unescape_one(rest, &mut out);
        }
    }
    out.push_str(rest);
    out
}

/// Whether a tag (its text between `<` and `>`) sits inside a line of text: HTML's common inline
/// elements (today's sanitiser keeps only `a`, `b` and `strong` of them; the rest read right if a
/// body ever holds them).
fn inline_tag(tag: &str) -> bool {
    const INLINE: [&str; 13] = [
        "a", "b", "strong", "i", "em", "u", "s", "span", "sub", "sup", "mark", "code", "small",
    ];
    let name = tag.strip_prefix('/').unwrap_or(tag);
    let name = &name[..name
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(name.len())];
    INLINE.iter().any(|t| t.eq_ignore_ascii_case(name))
}

/// The entities a sanitiser writes (ammonia's serialiser: `&nbsp;` as a space, `&lt;` `&gt;`
/// `&quot;` `&#39;` `&amp;`) as their characters: the text of sanitised HTML. Each is decoded
/// once (`&amp;lt;` is `&lt;`).
pub fn unescape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = unescape_one(&rest[at..], &mut out);
    }
    out.push_str(rest);
    out
}

/// Decodes the entity `s` starts with (at a `&`) into `out`, or copies the `&` if it starts
/// none of [`unescape_html`]'s; what follows.
fn unescape_one<'a>(s: &'a str, out: &mut String) -> &'a str {
    const ENTITIES: [(&str, char); 6] = [
        ("&nbsp;", ' '),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
        ("&amp;", '&'),
    ];
    for (entity, c) in ENTITIES {
        if let Some(rest) = s.strip_prefix(entity) {
            out.push(c);
            return rest;
        }
    }
    out.push('&');
    &s[1..]
}

/// A full-width character (U+FF01–U+FF5E, as a Chinese input method types digits, letters and
/// signs in full-width mode) as its ASCII form; the ideographic space as a space; any other
/// character as it is.
pub fn halfwidth(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        c => c,
    }
}

/// One problem per field that holds a control character: `(key, text, multiline)` each.
pub fn control_problems<'a>(
    fields: impl IntoIterator<Item = (&'static str, &'a str, bool)>,
) -> Vec<(&'static str, String)> {
    fields
        .into_iter()
        .filter(|(_, text, multiline)| has_control(text, *multiline))
        .map(|(key, _, multiline)| {
            let message = if multiline {
                CONTROL_MESSAGE_MULTILINE
            } else {
                CONTROL_MESSAGE
            };
            (key, message.to_owned())
        })
        .collect()
}

/// Keeps the first problem of each field (a control character is named before anything else
/// about the same field).
pub fn first_per_field(problems: &mut Vec<(&'static str, String)>) {
    let mut seen = Vec::new();
    problems.retain(|(k, _)| {
        let first = !seen.contains(k);
        seen.push(*k);
        first
    });
}

#[cfg(test)]
mod tests {
    /// `plain_text` walked character by character, each run of text between tags decoded by
    /// replacing each entity in turn: the reference of the one-pass version.
    fn plain_text_by_replacing(html: &str) -> String {
        let replaced = |t: &str| {
            t.replace("&nbsp;", " ")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&")
        };
        let mut out = String::new();
        let mut text = String::new();
        let mut tag: Option<String> = None;
        for c in html.chars() {
            match (&mut tag, c) {
                (None, '<') => {
                    out.push_str(&replaced(&text));
                    text.clear();
                    tag = Some(String::new());
                }
                (Some(t), '>') => {
                    if !inline_tag(t) {
                        out.push(' ');
                    }
                    tag = None;
                }
                (Some(t), c) => t.push(c),
                (None, c) => text.push(c),
            }
        }
        out.push_str(&replaced(&text));
        out
    }

    proptest::proptest! {
        /// The character test and the byte test refuse the same characters.
        #[test]
        fn a_character_is_a_control_as_its_text_is(c in proptest::char::any(), multiline: bool) {
            proptest::prop_assert_eq!(
                super::is_control(c, multiline),
                super::has_control(c.encode_utf8(&mut [0; 4]), multiline)
            );
        }
    }

    #[test]
    fn the_character_test_holds_at_the_edges_of_the_control_ranges() {
        for c in [
            '\u{0}', '\u{1f}', '\u{7f}', '\u{80}', '\u{9f}', '\t', '\n', ' ', '~', '\u{a0}', '栏',
        ] {
            for multiline in [false, true] {
                assert_eq!(
                    super::is_control(c, multiline),
                    super::has_control(c.encode_utf8(&mut [0; 4]), multiline),
                    "{c:?} {multiline}"
                );
            }
        }
    }

    #[test]
    fn direction_marks_are_told_from_punctuation_that_shares_their_lead_byte() {
        for c in [
            '\u{202E}', '\u{202A}', '\u{2066}', '\u{2069}', '\u{200F}', '\u{061C}',
        ] {
            assert!(super::is_direction_mark(c), "{c:?}");
        }
        for c in ['“', '”', '…', '—', '‘', 'a', '栏'] {
            assert!(!super::is_direction_mark(c), "{c:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_text_agrees_with_replacing(
            html in proptest::collection::vec(
                proptest::sample::select(vec![
                    "<p>", "</p>", "<a href=\"x\">", "</a>", "<STRONG>", "<br/>", "<", ">", "&",
                    "&amp;", "&lt;", "&gt;", "&nbsp;", "&quot;",
                    "&#39;", "amp;", "lt;", "#39;", "乡村", "a", " ", "é",
                ]),
                0..24,
            ),
        ) {
            let html = html.concat();
            proptest::prop_assert_eq!(plain_text(&html), plain_text_by_replacing(&html));
        }

        /// The byte scan finds what `char::is_control` finds, around every character near the
        /// control ranges (U+0080–U+00A0 share the lead byte 0xC2 with U+00A0–U+00BF).
        #[test]
        fn has_control_agrees_with_the_characters(
            chars in proptest::collection::vec(
                proptest::prop_oneof![
                    0u32..0x100,
                    0x100u32..0x800,
                    proptest::sample::select(vec![0x2028, 0x3000, 0x4e61, 0xfeff, 0x1f600]),
                ],
                0..12,
            ),
            multiline: bool,
        ) {
            let text: String = chars.into_iter().filter_map(char::from_u32).collect();
            let by_chars = text
                .chars()
                .any(|c| c.is_control() && !(multiline && matches!(c, '\t' | '\n' | '\r')));
            proptest::prop_assert_eq!(has_control(&text, multiline), by_chars);
        }
    }

    #[test]
    fn a_search_loses_its_control_characters_and_a_long_text_is_told_apart() {
        assert_eq!(super::without_controls("补贴\0名单\u{1b}"), "补贴 名单 ");
        let p = super::control_problems([("name", "a\0", false), ("body", "a\n\0", true)]);
        assert_eq!(p[0].1, super::CONTROL_MESSAGE);
        assert_eq!(p[1].1, super::CONTROL_MESSAGE_MULTILINE);
        assert!(!p[1].1.contains("NUL 或换行"));
    }

    use super::*;

    #[test]
    fn nul_and_c0_and_c1_controls_are_refused_everywhere() {
        for bad in ["a\0b", "\u{1b}[31m", "x\u{7f}", "\u{85}next", "\u{9c}"] {
            assert!(has_control(bad, false), "{bad:?}");
            assert!(has_control(bad, true), "{bad:?}");
        }
    }

    #[test]
    fn line_breaks_and_tabs_pass_only_in_multiline_fields() {
        for text in ["第一行\n第二行", "a\tb", "a\r\nb"] {
            assert!(has_control(text, false));
            assert!(!has_control(text, true));
        }
        assert!(!has_control("沂源县西里镇 某村 12号", false));
    }

    #[test]
    fn each_field_with_a_control_gets_its_own_message() {
        let p = control_problems([
            ("name", "张\0三", false),
            ("body", "正文\n第二段", true),
            ("contact", "138\u{0}", false),
        ]);
        assert_eq!(
            p.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            ["name", "contact"]
        );
        assert!(p[0].1.contains("控制字符"));
    }
}

//! The index's words. Han text is indexed as every run of one to four neighbouring characters
//! (n-grams, [`LONGEST`]); letters and digits as runs, lowered.
//!
//! A dictionary cut (jieba, before) cuts the same words differently by their neighbours and
//! guesses unknown names with its HMM: 西里镇 was one word in one sentence and 西里 + 镇人 in the
//! next, so a search for the town's own name missed items that named it, and 里镇 or 镇 alone
//! found nothing. Runs of characters do not depend on a dictionary or on context: every item
//! that holds 西里镇 holds the term 西里镇. Runs of letters and digits split at punctuation, so
//! 2024 finds 2024-01-31 and 0533 finds 0533-3210000.
//!
//! What is searched ([`query_terms`]) is a typed Han run itself when it has at most four
//! characters: one term, matched exactly. A longer run asks for the four-character windows that
//! cover it, each overlapping the next by one character. Pairs of characters alone (as Lucene's
//! CJK analyzer indexes) need positions to keep a word's pairs together: without them 民政办
//! found 人民政府 … 党政办 (a helper's walk), and with them the index was 364 MB at 100,000 items
//! instead of this one's size (see the crate's README).

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Whether `c` is a Han character (the CJK ideograph blocks, their extensions and the
/// compatibility ideographs).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
        || c == '〇'
}

/// Full-width Latin letters and digits (ＡＢＣ１２３, typed with a Chinese input method) read as
/// ASCII, lowered; other letters lowered.
fn fold(c: char, out: &mut String) {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else {
        out.extend(c.to_lowercase());
    }
}

/// A piece of text: a run of Han characters, or a run of other letters and digits.
#[derive(Debug, PartialEq, Eq)]
enum Run<'a> {
    Han(&'a str),
    Latin(&'a str),
}

/// The runs of `text`, with their byte offsets; everything else (spaces, punctuation) parts them.
fn runs(text: &str) -> impl Iterator<Item = (usize, Run<'_>)> {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        loop {
            let (start, c) = chars.next()?;
            let han = is_han(c);
            if !han && !c.is_alphanumeric() {
                continue;
            }
            let mut end = start + c.len_utf8();
            while let Some(&(i, n)) = chars.peek() {
                let same = if han {
                    is_han(n)
                } else {
                    !is_han(n) && n.is_alphanumeric()
                };
                if !same {
                    break;
                }
                end = i + n.len_utf8();
                chars.next();
            }
            let run = &text[start..end];
            return Some((start, if han { Run::Han(run) } else { Run::Latin(run) }));
        }
    })
}

/// The longest run of Han characters indexed as one term.
pub(crate) const LONGEST: usize = 4;

/// The terms a search for `text` asks for, in order, each once: a Han run whole when it has at
/// most [`LONGEST`] characters, else the windows of that many that cover it; a Latin run lowered.
pub(crate) fn query_terms(text: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    let mut push = |t: String| {
        if !terms.contains(&t) {
            terms.push(t);
        }
    };
    for (_, run) in runs(text) {
        match run {
            Run::Latin(s) => {
                let mut t = String::with_capacity(s.len());
                s.chars().for_each(|c| fold(c, &mut t));
                push(t);
            }
            Run::Han(s) => {
                let starts: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
                let n = starts.len();
                if n <= LONGEST {
                    push(s.to_owned());
                    continue;
                }
                // Windows from the start, each overlapping the last by one character; the last
                // ends on the run's end.
                let window = |k: usize| {
                    let end = starts.get(k + LONGEST).copied().unwrap_or(s.len());
                    s[starts[k]..end].to_owned()
                };
                let mut k = 0;
                while k + LONGEST < n {
                    push(window(k));
                    k += LONGEST - 1;
                }
                push(window(n - LONGEST));
            }
        }
    }
    terms
}

/// What a search's hits are marked with: the runs typed, whole (a long run is marked as one,
/// not as the windows it asked for), Latin ones lowered.
pub(crate) fn marked_runs(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, run) in runs(text) {
        let s = match run {
            Run::Han(s) => s.to_owned(),
            Run::Latin(s) => {
                let mut t = String::with_capacity(s.len());
                s.chars().for_each(|c| fold(c, &mut t));
                t
            }
        };
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// The index's analyzer ([module](self)): runs of one to [`LONGEST`] Han characters, Latin runs
/// lowered.
#[derive(Clone, Default)]
pub(crate) struct HanRuns {
    tokens: Vec<Token>,
}

impl HanRuns {
    fn fill(&mut self, text: &str) {
        self.tokens.clear();
        let mut position = 0;
        let mut push = |tokens: &mut Vec<Token>, from: usize, to: usize, text: String| {
            tokens.push(Token {
                offset_from: from,
                offset_to: to,
                position,
                text,
                position_length: 1,
            });
            position += 1;
        };
        for (start, run) in runs(text) {
            match run {
                Run::Latin(s) => {
                    let mut t = String::with_capacity(s.len());
                    s.chars().for_each(|c| fold(c, &mut t));
                    push(&mut self.tokens, start, start + s.len(), t);
                }
                Run::Han(s) => {
                    let starts: Vec<usize> =
                        s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
                    for k in 0..starts.len() - 1 {
                        for n in 1..=LONGEST.min(starts.len() - 1 - k) {
                            let (from, to) = (starts[k], starts[k + n]);
                            push(
                                &mut self.tokens,
                                start + from,
                                start + to,
                                s[from..to].to_owned(),
                            );
                        }
                    }
                }
            }
        }
    }
}

/// The tokens of one text, handed out one by one.
pub(crate) struct HanRunsStream<'a> {
    tokens: &'a mut [Token],
    next: usize,
}

impl Tokenizer for HanRuns {
    type TokenStream<'a> = HanRunsStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> HanRunsStream<'a> {
        self.fill(text);
        HanRunsStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

impl TokenStream for HanRunsStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next.saturating_sub(1)]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next.saturating_sub(1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indexed(text: &str) -> Vec<String> {
        let mut t = HanRuns::default();
        let mut stream = t.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn han_text_is_indexed_as_runs_of_one_to_four_characters() {
        assert_eq!(
            indexed("西里镇"),
            ["西", "西里", "西里镇", "里", "里镇", "镇"]
        );
        assert_eq!(
            indexed("乡村振兴局"),
            [
                "乡",
                "乡村",
                "乡村振",
                "乡村振兴",
                "村",
                "村振",
                "村振兴",
                "村振兴局",
                "振",
                "振兴",
                "振兴局",
                "兴",
                "兴局",
                "局"
            ]
        );
        assert_eq!(
            indexed("西里，2024-01-31 ＰＤＦ版"),
            ["西", "西里", "里", "2024", "01", "31", "pdf", "版"]
        );
        assert_eq!(indexed("COVID-19疫情"), ["covid", "19", "疫", "疫情", "情"]);
        assert!(indexed(" ，。！").is_empty());
    }

    #[test]
    fn a_search_asks_for_each_run_or_the_windows_that_cover_it() {
        assert_eq!(query_terms("西里镇"), ["西里镇"]);
        assert_eq!(query_terms("乡村振兴"), ["乡村振兴"]);
        assert_eq!(query_terms("乡村振兴局"), ["乡村振兴", "村振兴局"]);
        assert_eq!(
            query_terms("义务教育学生资助实施"),
            ["义务教育", "育学生资", "资助实施"]
        );
        assert_eq!(
            query_terms("义务教育学生资助"),
            ["义务教育", "育学生资", "学生资助"]
        );
        assert_eq!(query_terms("镇"), ["镇"]);
        assert_eq!(query_terms("0533-3210000"), ["0533", "3210000"]);
        assert_eq!(query_terms("ＰＤＦ 会议 会议"), ["pdf", "会议"]);
        assert_eq!(marked_runs("西里镇 R&D"), ["西里镇", "r", "d"]);
    }

    #[test]
    fn offsets_point_at_the_text() {
        let text = "a西里b";
        let mut t = HanRuns::default();
        let mut stream = t.token_stream(text);
        while stream.advance() {
            let tok = stream.token();
            let piece = &text[tok.offset_from..tok.offset_to];
            assert_eq!(piece.to_lowercase(), tok.text);
        }
    }
}

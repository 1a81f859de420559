//! The index's words. Han text is indexed as every run of one to four neighbouring characters
//! (n-grams, [`LONGEST`]), passing over quotation marks (“三公”经费 holds 三公经费); letters and
//! digits as runs joined by `.` `-` `/` `:` `_`, each part and each stretch of parts a term
//! (2024-01-31 holds 2024, 01-31, 2024-01-31 …; digits and letters are parts of their own, so
//! 133C/2024 holds c/2024, and a stretch of both is held without its joiners too: covid19 for
//! COVID-19), full-width folded, lowered.
//!
//! A dictionary cut (jieba, before) cuts the same words differently by their neighbours and
//! guesses unknown names with its HMM: 西里镇 was one word in one sentence and 西里 + 镇人 in the
//! next, so a search for the town's own name missed items that named it, and 里镇 or 镇 alone
//! found nothing. Runs of characters do not depend on a dictionary or on context: every item
//! that holds 西里镇 holds the term 西里镇.
//!
//! What is searched ([`query_terms`]) is a typed Han run itself when it has at most four
//! characters (one term, matched exactly), and every four-character window of a longer run, so
//! that its pieces cannot match apart; a typed number or code with its joiners is one term
//! (2024-00001 does not find 2024 in one place and 00001 in another). Pairs of characters alone
//! (as Lucene's CJK analyzer indexes) need positions to keep a word's pairs together: without
//! them 民政办 found 人民政府 … 党政办 (a helper's walk), and with them the index was 364 MB at
//! 100,000 items against this one's 110 MB (see the crate's README).

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

/// `w` in full-width forms (the other way from [`fold`]), its letters upper case when `upper`:
/// what an item may write for a Latin word the index reads as ASCII (ＰＤＦ, ０５３３).
pub(crate) fn full_width(w: &str, upper: bool) -> String {
    w.chars()
        .map(|c| {
            let c = if upper { c.to_ascii_uppercase() } else { c };
            if c.is_ascii_graphic() {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// A letter or digit of a Latin word as an item writes it: ASCII or full-width.
pub(crate) fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ')
}

/// `s` folded character by character ([`fold`]).
pub(crate) fn folded(s: &str) -> String {
    let mut t = String::with_capacity(s.len());
    s.chars().for_each(|c| fold(c, &mut t));
    t
}

/// A piece of text: a run of Han characters (quotation marks inside it are passed over), or a
/// run of other letters and digits, joined by `.` `-` `/` `:` `_` between them (3.5, 2024-01-31,
/// COVID-19, a 索引号).
#[derive(Debug, PartialEq, Eq)]
enum Run<'a> {
    Han(&'a str),
    Latin(&'a str),
}

/// Quotation marks a Han run passes over: “三公”经费 holds 三公经费.
fn is_quote(c: char) -> bool {
    matches!(
        c,
        '“' | '”' | '‘' | '’' | '「' | '」' | '『' | '』' | '"' | '\''
    )
}

/// What joins two letters or digits into one Latin run (full-width forms too).
fn is_joiner(c: char) -> bool {
    matches!(
        c,
        '.' | '-' | '/' | ':' | '_' | '．' | '－' | '／' | '：' | '＿'
    )
}

fn is_latin(c: char) -> bool {
    !is_han(c) && c.is_alphanumeric()
}

/// The runs of `text`, with their byte offsets; everything else (spaces, punctuation) parts them.
fn runs(text: &str) -> impl Iterator<Item = (usize, Run<'_>)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < chars.len() {
            let (start, c) = chars[i];
            i += 1;
            let han = is_han(c);
            if !han && !c.is_alphanumeric() {
                continue;
            }
            let mut end = start + c.len_utf8();
            while let Some(&(at, n)) = chars.get(i) {
                let next_latin = chars.get(i + 1).is_some_and(|&(_, m)| is_latin(m));
                let next_han = chars.get(i + 1).is_some_and(|&(_, m)| is_han(m));
                if han && is_han(n) || !han && is_latin(n) {
                    end = at + n.len_utf8();
                } else if han && is_quote(n) && next_han || !han && is_joiner(n) && next_latin {
                    // Passed over, or joining: the run goes on at the next character.
                } else {
                    break;
                }
                i += 1;
            }
            let run = &text[start..end];
            return Some((start, if han { Run::Han(run) } else { Run::Latin(run) }));
        }
        None
    })
}

/// The parts of a Latin run, with their byte offsets: its letters and digits between joiners,
/// and parted again where digits meet letters. A 索引号 writes its agency's code, a letter and
/// the year as 11370323004345133C/2024-00005: as one part `…133c`, the C/2024-00005 a visitor
/// copies from the page found nothing. The stretch over both sides is indexed too (5g, covid19).
fn parts(run: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut from = None;
    let mut last: Option<char> = None;
    for (i, c) in run.char_indices() {
        let parted = last.is_some_and(|l| is_digit(l) != is_digit(c));
        match (is_joiner(c), from) {
            (true, Some(f)) => {
                out.push((f, &run[f..i]));
                from = None;
            }
            (false, None) => from = Some(i),
            (false, Some(f)) if parted => {
                out.push((f, &run[f..i]));
                from = Some(i);
            }
            _ => {}
        }
        last = (!is_joiner(c)).then_some(c);
    }
    if let Some(f) = from {
        out.push((f, &run[f..]));
    }
    out
}

/// A decimal digit as an item writes it: ASCII or full-width.
pub(crate) fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '０'..='９')
}

/// A Latin run holding both letters and digits and a joiner, without its joiners (folded): the
/// form it is also indexed under and searched for, so that COVID19 and COVID-19 find each other.
/// A run of digits keeps them (2024-01 is not 202401) and so does one of letters (r-d is not rd).
fn without_joiners(run: &str) -> Option<String> {
    let letters = run.chars().any(|c| is_latin(c) && !is_digit(c));
    let digits = run.chars().any(is_digit);
    (letters && digits && run.chars().any(is_joiner))
        .then(|| folded(&run.chars().filter(|&c| !is_joiner(c)).collect::<String>()))
}

/// The most parts of a Latin run whose every stretch is indexed; a longer run (a URL) gets its
/// parts, its neighbouring pairs and itself.
const MOST_PARTS: usize = 6;

/// The Han characters of a Han run, with their byte offsets (quotation marks left out).
fn han_chars(run: &str) -> Vec<(usize, char)> {
    run.char_indices().filter(|&(_, c)| is_han(c)).collect()
}

/// The longest run of Han characters indexed as one term.
pub(crate) const LONGEST: usize = 4;

/// The terms a search for `text` asks for, in order, each once: a Han run whole when it has at
/// most [`LONGEST`] characters, else every window of that many in it; a Latin run whole, lowered
/// (letters and digits [`without_joiners`]).
pub(crate) fn query_terms(text: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    let mut push = |t: String| {
        if !terms.contains(&t) {
            terms.push(t);
        }
    };
    for (_, run) in runs(text) {
        match run {
            // A run with its joiners is one term: 2024-00001, 3.5, 0533-3210000.
            Run::Latin(s) => push(without_joiners(s).unwrap_or_else(|| folded(s))),
            Run::Han(s) => {
                let chars: Vec<char> = han_chars(s).into_iter().map(|(_, c)| c).collect();
                let n = chars.len();
                // Every window of LONGEST characters, each overlapping the next by all but one:
                // a long phrase's pieces do not match apart.
                for k in 0..=n.saturating_sub(LONGEST) {
                    push(chars[k..(k + LONGEST).min(n)].iter().collect());
                }
            }
        }
    }
    terms
}

/// What a search's hits are marked with: the runs of the typed words, whole (a long run is
/// marked as one, not as the windows it asked for), Latin ones lowered, each once; and a word of
/// several runs as typed, its brackets also as a 发文字号 writes them (〔2021〕), so that
/// 沂政办发〔2021〕30号 or “三公”经费 is marked as one, quotes and brackets included, where a hit
/// has it so (the marker takes the longest match).
pub(crate) fn marked_runs<'a>(typed: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for text in typed {
        let text = text.trim();
        // A word of several runs, or one opening with a quote (a quote alone is no word).
        if runs(text).nth(1).is_some() || text.starts_with(is_quote) && runs(text).next().is_some()
        {
            for whole in std::iter::once(text.to_owned()).chain(bracketed(text)) {
                if !out.contains(&whole) {
                    out.push(whole);
                }
            }
        }
        let several = runs(text).nth(1).is_some();
        for (_, run) in runs(text) {
            let forms = match run {
                // One character of a word of several runs (the 号 of 沂政办发〔2021〕30号) is marked
                // only within a longer match: alone it marked every 号 of every excerpt, and an
                // excerpt opened on 限期销号 for a search by 发文字号.
                Run::Han(s) if several && s.chars().nth(1).is_none() => continue,
                Run::Han(s) => vec![s.to_owned()],
                Run::Latin(s) => joined_forms(&folded(s)),
            };
            for s in forms {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
    }
    out
}

/// The joiners a hit may write where letters meet digits, as the marks try them (any
/// [`is_joiner`] is read as one in what was typed).
const JOINERS: [&str; 5] = ["-", "/", ".", "_", ":"];

/// A folded Latin run, and where letters meet digits in it, the same run with each of
/// [`JOINERS`] there and with none: the run is found in any of these forms (the index holds it
/// [`without_joiners`] too), so each is marked — COVID19 typed marks COVID-19, c2024-00003
/// marks C/2024-00003.
fn joined_forms(run: &str) -> Vec<String> {
    let letter = |c: char| is_latin(c) && !is_digit(c);
    let meets = |a: char, b: char| letter(a) && is_digit(b) || is_digit(a) && letter(b);
    // The run's pieces between the places letters meet digits (a joiner there dropped).
    let chars: Vec<char> = run.chars().collect();
    let mut pieces: Vec<String> = vec![String::new()];
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        if let Some(last) = pieces.last().and_then(|p| p.chars().next_back()) {
            let joined_here = is_joiner(c) && chars.get(k + 1).is_some_and(|&n| meets(last, n));
            if meets(last, c) || joined_here {
                pieces.push(String::new());
                if joined_here {
                    k += 1;
                    continue;
                }
            }
        }
        if let Some(p) = pieces.last_mut() {
            p.push(c);
        }
        k += 1;
    }
    let mut forms = vec![run.to_owned()];
    if pieces.len() > 1 {
        for j in std::iter::once("").chain(JOINERS) {
            let form = pieces.join(j);
            if !forms.contains(&form) {
                forms.push(form);
            }
        }
    }
    forms
}

/// Brackets a 发文字号's year is written in: a visitor types 沂政办发[2021]30号 for what a document
/// writes 沂政办发〔2021〕30号, or the other way round.
const BRACKETS: [(char, char); 6] = [
    ('〔', '〕'),
    ('[', ']'),
    ('［', '］'),
    ('（', '）'),
    ('(', ')'),
    ('【', '】'),
];

/// `text` with its brackets written in each of the [`BRACKETS`] pairs (none when it has none).
fn bracketed(text: &str) -> Vec<String> {
    let opening = |c: char| BRACKETS.iter().any(|&(o, _)| o == c);
    let closing = |c: char| BRACKETS.iter().any(|&(_, k)| k == c);
    if !text.chars().any(|c| opening(c) || closing(c)) {
        return Vec::new();
    }
    BRACKETS
        .iter()
        .map(|&(o, k)| {
            text.chars()
                .map(|c| {
                    if opening(c) {
                        o
                    } else if closing(c) {
                        k
                    } else {
                        c
                    }
                })
                .collect()
        })
        .filter(|form: &String| form != text)
        .collect()
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
        let tokens = &mut self.tokens;
        let mut push = |from: usize, to: usize, text: String| {
            let position = tokens.len();
            tokens.push(Token {
                offset_from: from,
                offset_to: to,
                position,
                text,
                position_length: 1,
            });
        };
        for (start, run) in runs(text) {
            match run {
                Run::Latin(s) => {
                    // Each part, and each stretch of neighbouring parts with its joiners (all
                    // of them for up to MOST_PARTS parts; else pairs and the whole).
                    let p = parts(s);
                    let longest = if p.len() <= MOST_PARTS { p.len() } else { 2 };
                    for a in 0..p.len() {
                        for b in a..p.len().min(a + longest) {
                            let (from, to) = (p[a].0, p[b].0 + p[b].1.len());
                            let stretch = &s[from..to];
                            push(start + from, start + to, folded(stretch));
                            if let Some(together) = without_joiners(stretch) {
                                push(start + from, start + to, together);
                            }
                        }
                    }
                    if longest < p.len() {
                        push(start, start + s.len(), folded(s));
                        if let Some(together) = without_joiners(s) {
                            push(start, start + s.len(), together);
                        }
                    }
                }
                Run::Han(s) => {
                    let chars = han_chars(s);
                    for k in 0..chars.len() {
                        let mut term = String::with_capacity(LONGEST * 3);
                        for n in 0..LONGEST.min(chars.len() - k) {
                            let (at, c) = chars[k + n];
                            term.push(c);
                            push(start + chars[k].0, start + at + c.len_utf8(), term.clone());
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
            [
                "西",
                "西里",
                "里",
                "2024",
                "2024-01",
                "2024-01-31",
                "01",
                "01-31",
                "31",
                "pdf",
                "版"
            ]
        );
        // Quotation marks inside Han text are passed over; joiners join only letters and digits.
        assert_eq!(
            indexed("“三公”经"),
            ["三", "三公", "三公经", "公", "公经", "经"]
        );
        assert_eq!(indexed("增长3.5%。"), ["增", "增长", "长", "3", "3.5", "5"]);
        assert_eq!(indexed("a- b"), ["a", "b"]);
        assert_eq!(
            indexed("COVID-19疫情"),
            ["covid", "covid-19", "covid19", "19", "疫", "疫情", "情"]
        );
        assert!(indexed(" ，。！").is_empty());
        // Digits and letters part, and are indexed together too.
        assert_eq!(
            indexed("133C/2024"),
            [
                "133",
                "133c",
                "133c/2024",
                "133c2024",
                "c",
                "c/2024",
                "c2024",
                "2024"
            ]
        );
        assert_eq!(indexed("5G"), ["5", "5g", "g"]);
        assert_eq!(indexed("ＣＯＶＩＤ１９"), ["covid", "covid19", "19"]);
        // Letters and digits joined are indexed without their joiners too.
        assert_eq!(indexed("COVID-19"), ["covid", "covid-19", "covid19", "19"]);
        assert_eq!(query_terms("covid-19"), ["covid19"]);
        assert_eq!(query_terms("COVID19"), ["covid19"]);
        assert_eq!(query_terms("2024-01"), ["2024-01"]);
    }

    #[test]
    fn a_search_asks_for_each_run_or_the_windows_that_cover_it() {
        assert_eq!(query_terms("西里镇"), ["西里镇"]);
        assert_eq!(query_terms("乡村振兴"), ["乡村振兴"]);
        assert_eq!(query_terms("乡村振兴局"), ["乡村振兴", "村振兴局"]);
        assert_eq!(
            query_terms("人民政府信息公开"),
            ["人民政府", "民政府信", "政府信息", "府信息公", "信息公开"]
        );
        assert_eq!(query_terms("三公经费"), ["三公经费"]);
        assert_eq!(query_terms("2024-00001"), ["2024-00001"]);
        assert_eq!(query_terms("3.5%"), ["3.5"]);
        assert_eq!(query_terms("镇"), ["镇"]);
        assert_eq!(query_terms("0533-3210000"), ["0533-3210000"]);
        assert_eq!(query_terms("ＰＤＦ 会议 会议"), ["pdf", "会议"]);
        assert_eq!(
            marked_runs(["西里镇 R&D", "r"]),
            ["西里镇 R&D", "西里镇", "r", "d"]
        );
        // A word of several runs is marked whole too, with the brackets a 发文字号 writes.
        let forms = marked_runs(["沂政办发[2021]30号"]);
        assert_eq!(forms[..2], ["沂政办发[2021]30号", "沂政办发〔2021〕30号"]);
        assert!(forms.contains(&"沂政办发（2021）30号".to_owned()));
        assert_eq!(forms[forms.len() - 3..], ["沂政办发", "2021", "30"]);
        // One character of it is not marked alone; typed alone, it is.
        assert!(!forms.contains(&"号".to_owned()));
        assert_eq!(marked_runs(["号"]), ["号"]);
        // Typed with 〔 〕, it is marked where a hit writes [ ] too.
        assert!(marked_runs(["〔2021〕30号"]).contains(&"[2021]30号".to_owned()));
        // A quote alone is no word.
        assert_eq!(marked_runs(["“", "预算"]), ["预算"]);
        assert_eq!(marked_runs(["“三公”经费"]), ["“三公”经费", "三公”经费"]);
        // Where letters meet digits, with any joiner or none.
        assert_eq!(
            marked_runs(["COVID19"]),
            [
                "covid19", "covid-19", "covid/19", "covid.19", "covid_19", "covid:19"
            ]
        );
        assert_eq!(marked_runs(["COVID-19"])[..2], ["covid-19", "covid19"]);
        assert!(marked_runs(["c2024-00003"]).contains(&"c/2024-00003".to_owned()));
        assert_eq!(marked_runs(["2024-00003"]), ["2024-00003"]);
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

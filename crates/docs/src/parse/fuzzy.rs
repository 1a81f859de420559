//! Finding statutory labels where layout and people have damaged them: a label split over lines
//! with its row's digits in between (PDF), fragments of a vertical group label wedged inside it,
//! a character dropped or mistyped ("其他法律行政止公开", OCR's "沐阳"). Labels are matched on a
//! *view* of the text that keeps only ideographs and parentheses, by approximate matching with an
//! edit budget that grows with the label's length, so short labels must match exactly.

/// The view of a text used for label matching: ideographs and parentheses, each with the byte
/// offset of the character in the original.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// The kept characters.
    pub chars: Vec<char>,
    /// For each kept character, its byte offset in the original text.
    pub at: Vec<usize>,
    /// For each kept character, the line (0-based) it is on in the original text.
    pub line: Vec<usize>,
}

/// Whether a character belongs in the view.
pub fn kept(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '(' | ')')
}

impl View {
    /// The view of a normalised string whose byte `i` came from `original(i)`.
    pub fn new(norm: &str, original: impl Fn(usize) -> usize, source: &str) -> Self {
        let mut v = Self::default();
        // Line numbers by original offset, computed incrementally.
        let mut line = 0;
        let mut scanned = 0;
        for (i, c) in norm.char_indices() {
            if !kept(c) {
                continue;
            }
            let at = original(i);
            if at > scanned {
                line += source
                    .get(scanned..at)
                    .map_or(0, |s| s.bytes().filter(|b| *b == b'\n').count());
                scanned = at;
            }
            v.chars.push(c);
            v.at.push(at);
            v.line.push(line);
        }
        v
    }

    /// First view index whose original offset is at or after `offset`.
    pub fn index_at(&self, offset: usize) -> usize {
        self.at.partition_point(|a| *a < offset)
    }
}

/// The label text as the view sees it.
pub fn pattern(label: &str) -> Vec<char> {
    super::normalize::normalize(label)
        .text
        .chars()
        .filter(|c| kept(*c))
        .collect()
}

/// Edits allowed when matching a label of `len` view characters.
pub fn budget(len: usize) -> usize {
    if len < 6 { 0 } else { (len + 2) / 4 }
}

/// One approximate occurrence of a label in a view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// First view index of the occurrence.
    pub start: usize,
    /// One past the last view index.
    pub end: usize,
    /// Edits (substitutions, insertions, deletions).
    pub distance: usize,
    /// Edits that are not whole lines wedged into the label (layout) — real label drift.
    pub drift: usize,
}

/// The best occurrence of `pat` in `view.chars[from..to]` within `k` edits: the smallest distance,
/// then the leftmost.
#[allow(
    clippy::many_single_char_names,
    reason = "the edit-distance recurrence's names"
)]
pub fn find(view: &View, pat: &[char], from: usize, to: usize, k: usize) -> Option<Match> {
    let to = to.min(view.chars.len());
    if pat.is_empty() || from >= to {
        return None;
    }
    let text = &view.chars[from..to];
    let m = pat.len();
    // Phase 1: Sellers' algorithm — the best end position.
    let mut col: Vec<usize> = (0..=m).collect();
    let mut best: Option<(usize, usize)> = None; // (distance, end)
    for (j, &c) in text.iter().enumerate() {
        let mut diag = col[0]; // D[i-1][j-1]
        col[0] = 0;
        for i in 1..=m {
            let up = col[i];
            let cost = usize::from(pat[i - 1] != c);
            let v = (diag + cost).min(col[i] + 1).min(col[i - 1] + 1);
            diag = up;
            col[i] = v;
        }
        if col[m] <= k && best.is_none_or(|(d, _)| col[m] < d) {
            best = Some((col[m], j + 1));
            if col[m] == 0 {
                break;
            }
        }
    }
    let (distance, end) = best?;
    // Phase 2: align inside a window before the end to recover the start and the edits.
    let lo = end.saturating_sub(m + k + 1);
    let window = &text[lo..end];
    let n = window.len();
    let mut d = vec![vec![0usize; n + 1]; m + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for i in 1..=m {
        for j in 1..=n {
            let cost = usize::from(pat[i - 1] != window[j - 1]);
            d[i][j] = (d[i - 1][j - 1] + cost)
                .min(d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1);
        }
    }
    // Trace back from (m, n); record inserted text positions.
    let (mut i, mut j) = (m, n);
    let mut inserted: Vec<usize> = Vec::new();
    let mut other_edits = 0;
    while i > 0 {
        if j > 0 && d[i][j] == d[i - 1][j - 1] + usize::from(pat[i - 1] != window[j - 1]) {
            other_edits += usize::from(pat[i - 1] != window[j - 1]);
            i -= 1;
            j -= 1;
        } else if j > 0 && d[i][j] == d[i][j - 1] + 1 {
            inserted.push(lo + j - 1);
            j -= 1;
        } else {
            other_edits += 1;
            i -= 1;
        }
    }
    let start = from + lo + j;
    let end = from + end;
    // Inserted characters that fill whole lines of their own are layout, not drift.
    let label_lines: Vec<usize> = (start..end)
        .filter(|x| !inserted.contains(&(x - from)))
        .map(|x| view.line[x])
        .collect();
    let layout = inserted
        .iter()
        .filter(|x| !label_lines.contains(&view.line[from + **x]))
        .count();
    Some(Match {
        start,
        end,
        distance,
        drift: other_edits + inserted.len() - layout,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(s: &str) -> View {
        let n = super::super::normalize::normalize(s);
        View::new(&n.text, |i| n.original(i), s)
    }

    #[test]
    fn a_label_split_by_digits_and_wedged_group_text_is_found() {
        let v = view(
            "2、申请人逾期未按收费通知要\n他处理\n求缴纳费用、行政机关不再处理 6 0 0\n其政府信息公开申请",
        );
        let p = pattern("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请");
        let m = find(&v, &p, 0, v.chars.len(), budget(p.len())).expect("found");
        assert_eq!(m.start, 0);
        assert_eq!(m.end, v.chars.len());
        assert_eq!(m.drift, 0, "the wedged line is layout");
    }

    #[test]
    fn a_typo_is_found_as_drift_and_short_labels_match_exactly() {
        let v = view("1.属于国家秘密 0 0 2.其他法律行政止公开 0 0");
        let p = pattern("2.其他法律行政法规禁止公开");
        let m = find(&v, &p, 0, v.chars.len(), budget(p.len())).expect("found");
        assert!(m.drift > 0);
        assert_eq!(budget(pattern("2.重复申请").len()), 0);
        let p = pattern("（七）总计");
        assert!(find(&v, &p, 0, v.chars.len(), 0).is_none());
    }
}

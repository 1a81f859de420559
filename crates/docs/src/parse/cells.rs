//! Reading the cells after a row label, whatever the layout: pipes, tabs, one cell per line with
//! blank lines that stand for empty cells, bare `|` lines, and digits glued together.

/// One cell as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A number; `raw` keeps the text for findings (full-width digits, units).
    Number {
        /// The value (decimal text, unit applied for money).
        value: String,
        /// As written.
        raw: String,
    },
    /// Empty, `/`, `-`, `—`: read as 0 and reported.
    Blank,
    /// Anything else (a label, a header, prose).
    Text,
}

/// How a bare `|` line is read in this document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarMode {
    /// One cell per line ending in ` |`: a bare `|` is an empty cell.
    Cell,
    /// `|` lines between values: a bare `|` only separates.
    Separator,
}

/// Decides [`BarMode`] for a whole document.
pub fn bar_mode(text: &str) -> BarMode {
    let value_lines = text
        .lines()
        .filter(|l| {
            let t = l.trim();
            t.len() > 1
                && t.ends_with('|')
                && t[..t.len() - 1]
                    .trim()
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.')
        })
        .count();
    if value_lines > 0 {
        BarMode::Cell
    } else {
        BarMode::Separator
    }
}

fn classify(piece: &str) -> Cell {
    let t = piece.trim().trim_matches('\u{a0}').trim();
    let folded: String = t
        .chars()
        .map(|c| match c {
            '\u{ff10}'..='\u{ff19}' | '\u{ff0e}' | '\u{ff0b}' | '\u{ff0d}' => {
                gongkai_core::text::halfwidth(c)
            }
            c => c,
        })
        .filter(|c| *c != ',' && *c != ' ')
        .collect();
    if folded.is_empty()
        || matches!(
            folded.as_str(),
            "/" | "-" | "—" | "——" | "－" | "&nbsp;" | "无"
        )
    {
        return Cell::Blank;
    }
    // Letters OCR puts for digits (`6l`, `3OO1`, a lone `O`): read as the digits they stand for;
    // `raw` keeps them, and the reader names every such cell (see [`ocr_letters`]).
    let folded = if folded.chars().any(is_ocr_letter)
        && folded
            .chars()
            .all(|c| c.is_ascii_digit() || is_ocr_letter(c))
    {
        folded
            .chars()
            .map(|c| match c {
                'l' | 'I' => '1',
                'O' | 'o' => '0',
                c => c,
            })
            .collect()
    } else {
        folded
    };
    let (number, scale) = if let Some(n) = folded.strip_suffix("万元") {
        (n, None)
    } else if let Some(n) = folded.strip_suffix('元') {
        (n, Some(4))
    } else {
        (folded.as_str(), None)
    };
    let unsigned = number.strip_prefix('+').unwrap_or(number);
    let ok = !unsigned.is_empty()
        && unsigned
            .strip_prefix('-')
            .unwrap_or(unsigned)
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        && unsigned.chars().filter(|c| *c == '.').count() <= 1
        && unsigned.chars().any(|c| c.is_ascii_digit());
    if !ok {
        return Cell::Text;
    }
    let value = match scale {
        Some(places) => shift_decimal(unsigned, places),
        None => unsigned.to_owned(),
    };
    Cell::Number {
        value,
        raw: t.to_owned(),
    }
}

/// A letter that OCR reads for a digit: `l`/`I` for 1, `O`/`o` for 0.
fn is_ocr_letter(c: char) -> bool {
    matches!(c, 'l' | 'I' | 'O' | 'o')
}

/// Whether a number cell was written with letters for digits (`6l` read as 61).
pub fn ocr_letters(cell: &Cell) -> Option<(&str, &str)> {
    match cell {
        Cell::Number { value, raw } if raw.chars().any(is_ocr_letter) => {
            Some((raw.as_str(), value.as_str()))
        }
        _ => None,
    }
}

/// Divides a decimal string by 10^places (元 → 万元) without floating point.
fn shift_decimal(s: &str, places: usize) -> String {
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = format!("{}{int}", "0".repeat(places));
    let split = digits.len() - places;
    let whole = digits[..split].trim_start_matches('0');
    let frac = format!("{}{frac}", &digits[split..]);
    let frac = frac.trim_end_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let sign = if neg { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac}")
    }
}

/// Marks characters of a matched label inside a region; such characters are neither cells nor
/// text.
pub const LABEL: char = '\u{1}';

/// The cells of a region of text that follows a row label, in order, up to the first text cell
/// after a value (the next row's label, a header, prose).
#[cfg(test)]
pub fn read_region(region: &str, bars: BarMode) -> Vec<Cell> {
    read_lines(&region.split('\n').collect::<Vec<_>>(), bars, true)
}

/// Cells of lines (the first being the rest of a label's own line). With `stop_at_text` the
/// reading ends at the first text after a value; without, text is skipped (group labels and
/// detached label fragments between a label and its digits).
pub fn read_lines(lines: &[&str], bars: BarMode, stop_at_text: bool) -> Vec<Cell> {
    let mut out = Vec::new();
    let piped = lines.iter().any(|l| l.contains('|'));
    let mut empty_run = 0usize;
    let mut seen_value = false;
    for (i, line) in lines.iter().enumerate() {
        let line = line.trim_end_matches('\r');
        let unlabelled: String = line.replace(LABEL, " ");
        let trimmed = unlabelled.trim();
        // The first piece is the rest of the label's own line.
        if i == 0 && (trimmed.is_empty() || trimmed == "|") {
            continue;
        }
        if trimmed.is_empty() {
            if line.contains(LABEL) {
                continue;
            }
            empty_run += 1;
            continue;
        }
        // One cell per line, blank lines between: a run of k blank lines holds k-1 empty cells.
        if !piped && seen_value && empty_run > 1 {
            out.extend(std::iter::repeat_n(Cell::Blank, empty_run - 1));
        }
        empty_run = 0;
        let mut pieces: Vec<Cell> = if trimmed == "||" {
            Vec::new()
        } else if trimmed == "|" {
            match bars {
                BarMode::Cell => vec![Cell::Blank],
                BarMode::Separator => Vec::new(),
            }
        } else if piped && trimmed.contains('|') {
            let cells = line.trim();
            let inner = cells.strip_prefix('|').unwrap_or(cells);
            let inner = inner.strip_suffix('|').unwrap_or(inner);
            inner
                .split('|')
                .filter(|c| !c.contains(LABEL) || !c.replace(LABEL, "").trim().is_empty())
                .map(|c| {
                    let c = c.replace(LABEL, " ");
                    match classify(&c) {
                        Cell::Text if !stop_at_text => glued_in_text(&c).unwrap_or(Cell::Text),
                        other => other,
                    }
                })
                .collect()
        } else if unlabelled.contains('\t') {
            let parts: Vec<&str> = unlabelled.split('\t').collect();
            let first = parts
                .iter()
                .position(|p| !p.trim().is_empty())
                .unwrap_or(parts.len());
            let last = parts
                .iter()
                .rposition(|p| !p.trim().is_empty())
                .map_or(0, |p| p + 1);
            parts
                .get(first..last)
                .unwrap_or_default()
                .iter()
                .map(|p| classify(p))
                .collect()
        } else if stop_at_text {
            space_separated(trimmed)
        } else {
            tokens(trimmed)
        };
        for cell in pieces.drain(..) {
            if cell == Cell::Text {
                if seen_value && stop_at_text {
                    return out;
                }
                continue;
            }
            if matches!(cell, Cell::Number { .. }) {
                seen_value = true;
            }
            out.push(cell);
        }
    }
    out
}

/// Digits glued to text ("0000000三、本年度办理结果"): the digit run, when there is exactly one.
fn glued_in_text(s: &str) -> Option<Cell> {
    let mut runs = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty());
    let first = runs.next()?;
    if runs.next().is_some() {
        return None;
    }
    Some(Cell::Number {
        value: first.to_owned(),
        raw: s.trim().to_owned(),
    })
}

/// A line read token by token: each whitespace-separated token is a cell, a blank marker, or
/// text — and digits glued to text are kept as a (possibly multi-cell) number.
fn tokens(line: &str) -> Vec<Cell> {
    let mut out = Vec::new();
    for tok in line.split_whitespace() {
        match classify(tok) {
            Cell::Text => {
                for run in tok
                    .split(|c: char| !c.is_ascii_digit())
                    .filter(|r| !r.is_empty())
                {
                    out.push(Cell::Number {
                        value: run.to_owned(),
                        raw: tok.to_owned(),
                    });
                }
                if !tok.chars().any(|c| c.is_ascii_digit()) {
                    out.push(Cell::Text);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether a cell's text is a whole number that may hold several glued cells.
pub fn is_digit_run(value: &str, raw: &str) -> bool {
    value.bytes().all(|b| b.is_ascii_digit())
        && !raw.starts_with('+')
        && !raw.contains('元')
        && !raw.contains('.')
}

/// A line without pipes or tabs: one cell, or several numbers separated by spaces.
fn space_separated(line: &str) -> Vec<Cell> {
    let one = classify(line);
    if one != Cell::Text {
        return vec![one];
    }
    let parts: Vec<Cell> = line.split_whitespace().map(classify).collect();
    if parts.len() > 1 && parts.iter().all(|c| matches!(c, Cell::Number { .. })) {
        // Stray spaces inside glued digits are not separators: keep them glued for the splitter.
        let joined: String = line.split_whitespace().collect();
        return vec![Cell::Number {
            value: joined.clone(),
            raw: line.to_owned(),
        }];
    }
    vec![Cell::Text]
}

/// The cells of a line that holds only numbers and blank markers (`/`, `-`), separated by spaces
/// or tabs; `None` when it holds anything else (a label, a header, prose, a table row in pipes).
pub fn number_line(line: &str) -> Option<Vec<Cell>> {
    let t = line.trim_end_matches('\r').trim();
    if t.is_empty() || t.contains('|') || t.contains(LABEL) {
        return None;
    }
    let cells: Vec<Cell> = t.split_whitespace().map(classify).collect();
    (cells.iter().all(|c| *c != Cell::Text)
        && cells.iter().any(|c| matches!(c, Cell::Number { .. })))
    .then_some(cells)
}

/// The lines after a row's own lines that carry the rest of its cells — a row that layout
/// (`pdftotext -layout`, a narrow page) wrapped onto the next line: `3001 53 0 0 61 4` then
/// `3119`. Only lines of numbers count, from the first line after the row to the first line of
/// anything else, and only while the row stays within `n` cells. Returns the cells and how many
/// lines they take (0: no continuation).
pub fn continuation(tail: &[&str], have: usize, n: usize) -> (Vec<Cell>, usize) {
    let mut cells = Vec::new();
    let mut used = 0;
    for (k, line) in tail.iter().enumerate() {
        if have + cells.len() >= n {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        let Some(more) = number_line(line) else {
            break;
        };
        if have + cells.len() + more.len() > n {
            break;
        }
        cells.extend(more);
        used = k + 1;
    }
    (cells, used)
}

/// Fits read cells to `n` columns: merged label cells leave empty cells in front, trailing runs of
/// `|` leave empty cells behind. Returns `None` where a cell is absent.
pub fn fit(mut cells: Vec<Cell>, n: usize) -> Vec<Option<Cell>> {
    while cells.len() > n && cells.first() == Some(&Cell::Blank) {
        cells.remove(0);
    }
    while cells.len() > n && cells.last() == Some(&Cell::Blank) {
        cells.pop();
    }
    let mut out: Vec<Option<Cell>> = cells.into_iter().take(n).map(Some).collect();
    out.resize(n, None);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(cells: &[Cell]) -> Vec<String> {
        cells
            .iter()
            .map(|c| match c {
                Cell::Number { value, .. } => value.clone(),
                Cell::Blank => "_".into(),
                Cell::Text => "T".into(),
            })
            .collect()
    }

    #[test]
    fn pipes_tabs_and_lines_are_read() {
        assert_eq!(
            values(&read_region(
                " | 12 | 2 | 0 | 0 | 1 | 0 | 15 |",
                BarMode::Separator
            )),
            ["12", "2", "0", "0", "1", "0", "15"]
        );
        assert_eq!(
            values(&read_region(" | 7 |  | 0 | ||", BarMode::Separator)),
            ["7", "_", "0", "_", "_"]
        );
        assert_eq!(
            values(&read_region("\n\t0\n\t1\n\t2", BarMode::Separator)),
            ["0", "1", "2"]
        );
        assert_eq!(
            values(&read_region(" |\n9 |\n|\n|\n9 |\n||", BarMode::Cell)),
            ["9", "_", "_", "9"]
        );
        assert_eq!(
            values(&read_region("\n|\n4\n|\n0", BarMode::Separator)),
            ["4", "0"]
        );
        assert_eq!(
            values(&read_region(
                "\n\n27\n\n2\n\n\n\n1\n\n\n30",
                BarMode::Separator
            )),
            ["27", "2", "_", "_", "1", "_", "30"]
        );
        assert_eq!(
            values(&read_region(
                " | 40 | 3 | &nbsp; | / | — | 0 | 43 | (三)不予公开",
                BarMode::Separator
            )),
            ["40", "3", "_", "_", "_", "0", "43"]
        );
    }

    #[test]
    fn units_and_signs_are_read() {
        assert_eq!(
            values(&read_region(" | 240万元 |", BarMode::Separator)),
            ["240"]
        );
        assert_eq!(
            values(&read_region(" | 251000元 |", BarMode::Separator)),
            ["25.1"]
        );
        assert_eq!(
            values(&read_region(" | +3 | -1 |", BarMode::Separator)),
            ["3", "-1"]
        );
        assert_eq!(values(&read_region(" | ９ |", BarMode::Separator)), ["9"]);
        assert_eq!(shift_decimal("5", 4), "0.0005");
    }

    #[test]
    fn surplus_blanks_from_merged_cells_are_dropped() {
        let cells = read_region(" |  |  | 0 | 1 | 2 | 3 | 4 | 5 | 15 |", BarMode::Separator);
        let fitted = fit(cells, 7);
        assert_eq!(
            fitted[0],
            Some(Cell::Number {
                value: "0".into(),
                raw: "0".into()
            })
        );
        assert!(fitted.iter().all(Option::is_some));
    }
}

//! Tables as systems of constraints. A row (or table 四) arrives as pieces: numbers that may be
//! several cells glued together (crawled page text loses the separators), blank cells, and signed
//! or decimal numbers that are one cell each. Every way of cutting the pieces into the row's cells
//! is a candidate reading; candidates are scored by the relations they satisfy, and a reading is
//! accepted only where the best candidates agree. Where they disagree the candidates are reported
//! and the reader leaves the whole row (table 四: the group) unread — the cells the candidates
//! happen to share are not evidence either — so a checker never claims a figure it could not tell
//! apart from another. Numbers separated by spaces are cells of their own wherever a following
//! line can supply the cells a row lacks (a row wrapped by layout); only then are they cut.

/// A piece of a row as read from the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Digits that may be one cell or several glued together (no separator seen inside).
    Digits(String),
    /// A number that is one cell whatever happens (signed, or a separate cell of a table).
    One(i64),
    /// An empty cell (blank, `/`, `-`): 0, reported.
    Blank,
}

/// One way to read a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The cells.
    pub cells: Vec<i64>,
    /// Which cells were blank in the source.
    pub blank: Vec<bool>,
    /// Groups whose sum relation holds.
    pub ok: usize,
}

/// A sum relation on a row's cells: `parts` add up to `total` (indices into the row).
#[derive(Debug, Clone)]
pub struct Sum {
    /// The summed cells.
    pub parts: std::ops::Range<usize>,
    /// The total cell.
    pub total: usize,
}

impl Sum {
    fn holds(&self, cells: &[i64]) -> bool {
        cells[self.parts.clone()].iter().sum::<i64>() == cells[self.total]
    }
}

/// Table 三's row relation (T3-ROW).
pub fn t3_row() -> Vec<Sum> {
    vec![Sum {
        parts: 0..6,
        total: 6,
    }]
}

/// Table 四's group relations (T4-SUM) for `groups` consecutive groups of five.
pub fn t4_groups(groups: usize) -> Vec<Sum> {
    (0..groups)
        .map(|g| Sum {
            parts: g * 5..g * 5 + 4,
            total: g * 5 + 4,
        })
        .collect()
}

/// Why a row could not be enumerated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsplittable {
    /// More separate cells than the row has.
    Many,
    /// Fewer digits than cells.
    Few,
    /// Too many ways to cut to try.
    Long,
}

const BUDGET: usize = 400_000;

/// Every reading of `pieces` as `n` cells, keeping only those that satisfy the most `sums`.
/// Surplus blank pieces at either end (merged label cells, trailing `||`) are dropped first.
pub fn readings(pieces: &[Piece], n: usize, sums: &[Sum]) -> Result<Vec<Candidate>, Unsplittable> {
    let mut p: &[Piece] = pieces;
    while p.len() > n && p.first() == Some(&Piece::Blank) {
        p = &p[1..];
    }
    while p.len() > n && p.last() == Some(&Piece::Blank) {
        p = &p[..p.len() - 1];
    }
    if p.len() > n {
        return Err(Unsplittable::Many);
    }
    let capacity: usize = p
        .iter()
        .map(|x| match x {
            Piece::Digits(d) => d.len(),
            _ => 1,
        })
        .sum();
    if capacity < n {
        return Err(Unsplittable::Few);
    }
    let mut walk = Walk {
        pieces: p,
        n,
        sums,
        best: Vec::new(),
        best_ok: 0,
        steps: 0,
        cells: Vec::with_capacity(n),
        blank: Vec::with_capacity(n),
    };
    walk.piece(0);
    if walk.steps >= BUDGET {
        return Err(Unsplittable::Long);
    }
    Ok(walk.best)
}

struct Walk<'a> {
    pieces: &'a [Piece],
    n: usize,
    sums: &'a [Sum],
    best: Vec<Candidate>,
    best_ok: usize,
    steps: usize,
    cells: Vec<i64>,
    blank: Vec<bool>,
}

impl Walk<'_> {
    /// Cells still to place must fit the pieces still to read.
    fn fits(&self, from_piece: usize) -> bool {
        let left = self.n - self.cells.len();
        let rest = &self.pieces[from_piece..];
        let min = rest.len();
        let max: usize = rest
            .iter()
            .map(|x| match x {
                Piece::Digits(d) => d.len(),
                _ => 1,
            })
            .sum();
        (min..=max).contains(&left)
    }

    /// Sums already decided that fail, and the most that can still hold.
    fn can_beat(&self) -> bool {
        let len = self.cells.len();
        let failed = self
            .sums
            .iter()
            .filter(|s| s.total < len && s.parts.end <= len && !s.holds(&self.cells))
            .count();
        self.sums.len() - failed >= self.best_ok
    }

    fn piece(&mut self, i: usize) {
        self.steps += 1;
        if self.steps >= BUDGET || !self.can_beat() {
            return;
        }
        if i == self.pieces.len() {
            if self.cells.len() == self.n {
                let ok = self.sums.iter().filter(|s| s.holds(&self.cells)).count();
                if ok > self.best_ok {
                    self.best_ok = ok;
                    self.best.clear();
                }
                if ok == self.best_ok && self.best.len() < 4096 {
                    self.best.push(Candidate {
                        cells: self.cells.clone(),
                        blank: self.blank.clone(),
                        ok,
                    });
                }
            }
            return;
        }
        match &self.pieces[i] {
            Piece::Blank | Piece::One(_) => {
                let (v, b) = match &self.pieces[i] {
                    Piece::One(v) => (*v, false),
                    _ => (0, true),
                };
                self.cells.push(v);
                self.blank.push(b);
                if self.fits(i + 1) {
                    self.piece(i + 1);
                }
                self.cells.pop();
                self.blank.pop();
            }
            Piece::Digits(d) => {
                let d = d.clone();
                self.digits(i, d.as_bytes(), 0);
            }
        }
    }

    /// Cuts the digits of piece `i` from `at`: the next cell is `bytes[at..at+len]`.
    fn digits(&mut self, i: usize, bytes: &[u8], at: usize) {
        if at == bytes.len() {
            if self.fits(i + 1) {
                self.piece(i + 1);
            }
            return;
        }
        if self.cells.len() == self.n || self.steps >= BUDGET {
            return;
        }
        self.steps += 1;
        let max = if bytes[at] == b'0' {
            1
        } else {
            (bytes.len() - at).min(12)
        };
        for len in 1..=max {
            let v = bytes[at..at + len]
                .iter()
                .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
            self.cells.push(v);
            self.blank.push(false);
            if self.can_beat() {
                self.digits(i, bytes, at + len);
            }
            self.cells.pop();
            self.blank.pop();
        }
    }
}

/// The outcome of reading a row: agreed cells, and the candidates when they disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// Each cell: its value where every best reading agrees, else `None`.
    pub cells: Vec<Option<i64>>,
    /// Which cells were blank in the source.
    pub blank: Vec<bool>,
    /// The distinct best readings when they disagree (at most a few, for the message).
    pub alternatives: Vec<Vec<i64>>,
    /// How many best readings there were.
    pub count: usize,
    /// Whether the best reading satisfies every relation.
    pub consistent: bool,
}

/// What a set of equally good readings agree on (`None` when there is none).
pub fn agree(cands: &[Candidate], sums: usize) -> Option<Reading> {
    let best: Vec<&Candidate> = cands.iter().collect();
    (!best.is_empty()).then(|| agree_refs(&best, sums))
}

/// What a set of equally good readings agree on.
pub fn agree_refs(best: &[&Candidate], sums: usize) -> Reading {
    let first = best[0];
    let n = first.cells.len();
    let cells = (0..n)
        .map(|i| {
            let v = first.cells[i];
            best.iter().all(|c| c.cells[i] == v).then_some(v)
        })
        .collect();
    let mut alternatives: Vec<Vec<i64>> = Vec::new();
    for c in best {
        if !alternatives.contains(&c.cells) {
            alternatives.push(c.cells.clone());
        }
    }
    let count = alternatives.len();
    if count == 1 {
        alternatives.clear();
    }
    alternatives.truncate(4);
    Reading {
        cells,
        blank: first.blank.clone(),
        alternatives,
        count,
        consistent: first.ok == sums,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(s: &str) -> Vec<Piece> {
        s.split(' ').map(|d| Piece::Digits(d.to_owned())).collect()
    }

    #[test]
    fn glued_rows_are_cut_by_their_sum() {
        // On its own "220000325" is 22/0/0/0/0/3/25 or 2/20/0/0/0/3/25: the row sum cannot tell,
        // so those two cells stay unread (the table's column sums decide in a whole report).
        let r = readings(&digits("220000325"), 7, &t3_row()).expect("cut");
        let r = agree(&r, 1).expect("some");
        assert_eq!(r.cells[..2], [None, None]);
        assert_eq!(r.cells[2..], [0, 0, 0, 3, 25].map(Some));
        assert_eq!(r.count, 2);
        let r = agree(
            &readings(&digits("20 0 00 0 121"), 7, &t3_row()).expect("cut"),
            1,
        );
        assert_eq!(
            r.expect("some").cells,
            [20, 0, 0, 0, 0, 1, 21].map(Some).to_vec()
        );
    }

    #[test]
    fn table_four_is_cut_by_its_three_sums() {
        let r = readings(&digits("25380363300630003"), 15, &t4_groups(3)).expect("cut");
        let r = agree(&r, 3).expect("some");
        assert_eq!(
            r.cells,
            [25, 3, 8, 0, 36, 3, 3, 0, 0, 6, 3, 0, 0, 0, 3]
                .map(Some)
                .to_vec()
        );
        assert!(r.consistent);
    }

    #[test]
    fn a_broken_row_with_one_digit_per_cell_is_read_and_inconsistent() {
        let r = agree(&readings(&digits("1111113"), 7, &t3_row()).expect("cut"), 1).expect("some");
        assert_eq!(r.cells, [1, 1, 1, 1, 1, 1, 3].map(Some).to_vec());
        assert!(!r.consistent);
    }

    #[test]
    fn ambiguity_leaves_cells_unread_and_names_the_candidates() {
        // Table 二 has no relation inside a row: 693665 as three cells has many readings.
        let r = agree(&readings(&digits("693665"), 3, &[]).expect("cut"), 0).expect("some");
        assert!(r.cells.iter().any(Option::is_none));
        assert!(r.count > 1 && !r.alternatives.is_empty());
    }
}

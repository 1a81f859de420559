//! Working days (工作日): every period of the 条例 counts them. A date is a working day if it is
//! Monday–Friday and not a holiday, or it is a make-up working day (调休上班). Holidays come from
//! the State Council's yearly notice, one file per year (`data/holidays/`); years without a file
//! fall back to Monday–Friday and every result that touched them is marked provisional.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// The years compiled into gongkai, from `data/holidays/`.
pub const BUILT_IN: [(i32, &str); 3] = [
    (2024, include_str!("../../../data/holidays/2024.txt")),
    (2025, include_str!("../../../data/holidays/2025.txt")),
    (2026, include_str!("../../../data/holidays/2026.txt")),
];

/// A line of a year file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "节假日文件（{year}年）第{line}行无法识别：“{text}”。格式应为“off 2025-01-01 元旦”“off 2025-01-28..2025-02-04 春节”或“work 2025-01-26 春节调休”"
)]
pub struct CalendarError {
    /// The file's year.
    pub year: i32,
    /// Line number, from 1.
    pub line: usize,
    /// The line.
    pub text: String,
}

/// The official calendar of the years it knows.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    off: BTreeSet<NaiveDate>,
    work: BTreeSet<NaiveDate>,
    years: BTreeMap<i32, String>,
}

/// A working-day answer, and whether it relied on a year without an official calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated {
    /// The date.
    pub date: NaiveDate,
    /// True if a year the calendar does not know was counted on Monday–Friday alone.
    pub provisional: bool,
}

impl Calendar {
    /// The built-in years.
    pub fn built_in() -> Self {
        let mut c = Self::default();
        for (year, text) in BUILT_IN {
            c.add_year(year, text)
                .expect("built-in holiday files are valid");
        }
        c
    }

    /// The built-in years plus any `YYYY.txt` in `dir` — what every part of gongkai (server and
    /// command line) computes with, so a year added there counts everywhere.
    pub fn load(dir: Option<&std::path::Path>) -> Result<Self, String> {
        let mut c = Self::built_in();
        if let Some(dir) = dir {
            c.add_folder(dir)?;
        }
        Ok(c)
    }

    /// Adds (or replaces) a year from its file's text. Every listed date must fall in that year.
    pub fn add_year(&mut self, year: i32, text: &str) -> Result<(), CalendarError> {
        let mut off = BTreeSet::new();
        let mut work = BTreeSet::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let bad = || CalendarError {
                year,
                line: i + 1,
                text: raw.trim().to_owned(),
            };
            let mut words = line.split_whitespace();
            let (Some(kind), Some(span)) = (words.next(), words.next()) else {
                return Err(bad());
            };
            let (from, to) = span.split_once("..").unwrap_or((span, span));
            let (from, to): (NaiveDate, NaiveDate) = (
                from.parse().map_err(|_| bad())?,
                to.parse().map_err(|_| bad())?,
            );
            if from > to || from.year() != year || to.year() != year {
                return Err(bad());
            }
            let set = match kind {
                "off" => &mut off,
                "work" if from == to => &mut work,
                _ => return Err(bad()),
            };
            set.extend(from.iter_days().take_while(|d| *d <= to));
        }
        self.off.retain(|d| d.year() != year);
        self.work.retain(|d| d.year() != year);
        self.off.extend(off);
        self.work.extend(work);
        self.years.insert(year, text.to_owned());
        Ok(())
    }

    /// Adds every `YYYY.txt` in a folder (a year the State Council announced after this release).
    pub fn add_folder(&mut self, dir: &std::path::Path) -> Result<Vec<i32>, String> {
        let mut added = Vec::new();
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("无法读取节假日目录 {}：{e}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(year) = path
                .file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| s.parse::<i32>().ok())
            else {
                continue;
            };
            if path.extension().and_then(|e| e.to_str()) != Some("txt") {
                continue;
            }
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("无法读取 {}：{e}", path.display()))?;
            self.add_year(year, &text).map_err(|e| e.to_string())?;
            added.push(year);
        }
        added.sort_unstable();
        Ok(added)
    }

    /// Whether the calendar knows a year.
    pub fn knows(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The years it knows.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    /// Whether `date` is a working day. In a year whose schedule is not yet published, the
    /// holidays 《全国年节及纪念日放假办法》 fixes by date (元旦, 劳动节, 国庆节) are still days off;
    /// only the lunar holidays and the weekend swaps are unknown.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.work.contains(&date) {
            return true;
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
            && !self.off.contains(&date)
            && (self.knows(date.year()) || !fixed_holiday(date))
    }

    /// The `n`-th working day after `start` (the start itself is not counted), skipping any day for
    /// which `paused` is true (the clock stands still then).
    pub fn add_working_days(
        &self,
        start: NaiveDate,
        n: u32,
        paused: &dyn Fn(NaiveDate) -> bool,
    ) -> Dated {
        let mut date = start;
        let mut provisional = !self.knows(start.year());
        let mut left = n;
        while left > 0 {
            date = date
                .checked_add_days(Days::new(1))
                .expect("dates stay far from the end of time");
            provisional |= !self.knows(date.year());
            if self.is_working_day(date) && !paused(date) {
                left -= 1;
            }
        }
        Dated { date, provisional }
    }

    /// Working days in a year.
    pub fn working_days_in(&self, year: i32) -> usize {
        let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
        first
            .iter_days()
            .take_while(|d| d.year() == year)
            .filter(|d| self.is_working_day(*d))
            .count()
    }
}

impl crate::Refusal for CalendarError {}

/// The holidays fixed by date in 《全国年节及纪念日放假办法》 (as amended 2024): 元旦 1月1日,
/// 劳动节 5月1日–2日, 国庆节 10月1日–3日.
fn fixed_holiday(date: NaiveDate) -> bool {
    matches!(
        (date.month(), date.day()),
        (1, 1) | (5, 1 | 2) | (10, 1..=3)
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_built_in_years_count_as_the_notices_say() {
        let c = Calendar::built_in();
        assert_eq!(
            (
                c.working_days_in(2024),
                c.working_days_in(2025),
                c.working_days_in(2026)
            ),
            (251, 248, 248)
        );
        assert!(!c.is_working_day(d("2025-01-28")), "除夕 2025 is a holiday");
        assert!(
            c.is_working_day(d("2025-01-26")),
            "a Sunday made a working day"
        );
        assert!(!c.is_working_day(d("2026-01-03")), "a Saturday holiday");
        assert!(c.is_working_day(d("2026-01-04")), "2026 元旦调休");
    }

    #[test]
    fn the_day_of_receipt_is_not_counted_and_holidays_are_skipped() {
        let c = Calendar::built_in();
        let none = |_: NaiveDate| false;
        // Received Monday 2025-09-22: 9-23…26 (4), Sunday 9-28 调休 (5), 9-29…30 (7), the 8-day 国庆,
        // 10-9…10 (9), Saturday 10-11 调休 (10), 10-13…17 (15), 10-20…24 (20).
        let due = c.add_working_days(d("2025-09-22"), 20, &none);
        assert_eq!(due.date, d("2025-10-24"));
        assert!(!due.provisional);
        assert_eq!(
            c.add_working_days(d("2024-12-31"), 1, &none).date,
            d("2025-01-02")
        );
    }

    #[test]
    fn fixed_holidays_are_off_in_a_year_not_yet_published() {
        let c = Calendar::built_in();
        let new_year = NaiveDate::from_ymd_opt(2099, 1, 1).unwrap();
        assert!(!c.knows(2099));
        assert!(!c.is_working_day(new_year), "元旦 is a holiday every year");
        assert!(!c.is_working_day(NaiveDate::from_ymd_opt(2099, 10, 2).unwrap()));
        assert!(c.is_working_day(NaiveDate::from_ymd_opt(2099, 1, 2).unwrap()));
    }

    #[test]
    fn an_unknown_year_is_provisional() {
        let c = Calendar::built_in();
        let due = c.add_working_days(d("2026-12-20"), 20, &|_| false);
        assert!(due.provisional);
        assert!(due.date.year() == 2027);
    }

    #[test]
    fn a_new_year_is_added_from_text_and_bad_lines_are_refused() {
        let mut c = Calendar::built_in();
        c.add_year(2027, "off 2027-01-01 元旦\nwork 2027-01-09 调休")
            .unwrap();
        assert!(
            c.knows(2027)
                && !c.is_working_day(d("2027-01-01"))
                && c.is_working_day(d("2027-01-09"))
        );
        assert!(c.add_year(2027, "off 2026-12-31 错年份").is_err());
        assert!(c.add_year(2027, "holiday 2027-01-01").is_err());
        assert!(
            c.add_year(2027, "work 2027-01-09..2027-01-10 区间")
                .is_err()
        );
    }

    fn brute_force(c: &Calendar, start: NaiveDate, n: u32) -> NaiveDate {
        // Walk day by day, counting working days, independently of add_working_days.
        let mut count = 0;
        let mut date = start;
        loop {
            date = date.succ_opt().unwrap();
            let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
            let unknown_fixed = !c.years.contains_key(&date.year())
                && ((date.month() == 1 && date.day() == 1)
                    || (date.month() == 5 && date.day() <= 2)
                    || (date.month() == 10 && date.day() <= 3));
            let working =
                c.work.contains(&date) || (!weekend && !c.off.contains(&date) && !unknown_fixed);
            if working {
                count += 1;
                if count == n {
                    return date;
                }
            }
        }
    }

    proptest! {
        #[test]
        fn due_dates_are_working_days_monotonic_and_match_a_brute_force_count(
            offset in 0i64..(3 * 365), n in 1u32..60, m in 1u32..60,
        ) {
            let c = Calendar::built_in();
            let start = d("2024-01-01") + chrono::Duration::days(offset);
            let a = c.add_working_days(start, n, &|_| false).date;
            prop_assert!(c.is_working_day(a));
            prop_assert_eq!(a, brute_force(&c, start, n));
            let b = c.add_working_days(start, n + m, &|_| false).date;
            prop_assert!(b > a);
            let later = c.add_working_days(start + chrono::Duration::days(1), n, &|_| false).date;
            prop_assert!(later >= a);
        }
    }
}

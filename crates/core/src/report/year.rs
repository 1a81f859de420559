//! Which report years exist: from 2008, when the 条例 took effect, to the last year that has ended
//! (the public reads reports of years that are over) or to this one (staff start this year's).

use chrono::{Datelike, NaiveDate};

/// The first report year: the 条例 took effect on 1 May 2008.
pub const FIRST_YEAR: i32 = 2008;

/// Why a year names no report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YearError {
    /// Not a year with reports at all.
    #[error("“{0}”不是可查询的报告年度。")]
    NotAYear(String),
    /// A year not over yet: its report is formed the next year.
    #[error("{0}年度尚未结束，年度报告在次年形成。")]
    NotOver(i32),
}

/// A year whose report the public can read `today`: from [`FIRST_YEAR`] to last year.
pub fn public_year(text: &str, today: NaiveDate) -> Result<i32, YearError> {
    let last = today.year() - 1;
    match text.parse::<i32>() {
        Ok(y) if (FIRST_YEAR..=last).contains(&y) => Ok(y),
        Ok(y) if y > last && y < 10_000 => Err(YearError::NotOver(y)),
        _ => Err(YearError::NotAYear(text.to_owned())),
    }
}

/// A year whose report staff can work on `today`: from [`FIRST_YEAR`] to this year.
pub fn working_year(text: &str, today: NaiveDate) -> Result<i32, YearError> {
    match text.parse::<i32>() {
        Ok(y) if (FIRST_YEAR..=today.year()).contains(&y) => Ok(y),
        _ => Err(YearError::NotAYear(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_reads_years_that_are_over_and_staff_work_on_this_one() {
        let today: NaiveDate = "2025-03-01".parse().unwrap();
        assert_eq!(public_year("2024", today), Ok(2024));
        assert_eq!(public_year("2025", today), Err(YearError::NotOver(2025)));
        assert_eq!(
            public_year("2007", today),
            Err(YearError::NotAYear("2007".into()))
        );
        assert!(public_year("二〇二四", today).is_err());
        assert_eq!(working_year("2025", today), Ok(2025));
        assert!(working_year("2026", today).is_err());
        assert!(working_year("2007", today).is_err());
        assert_eq!(
            YearError::NotOver(2025).to_string(),
            "2025年度尚未结束，年度报告在次年形成。"
        );
    }
}

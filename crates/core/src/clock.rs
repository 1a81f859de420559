//! "Now", injected. Deadlines, report periods and audit times read the clock through this trait so
//! tests can pin the date and never sleep.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// A source of the current instant.
pub trait Clock: Send + Sync {
    /// The current instant in UTC (what is stored).
    fn now(&self) -> DateTime<Utc>;

    /// Today's civil date in China (UTC+8, no daylight saving), which is what statutory periods use.
    fn today(&self) -> NaiveDate {
        china_date(self.now())
    }
}

/// China's civil time: UTC+8 all year, no daylight saving.
fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The civil date in China of an instant.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&china()).date_naive()
}

/// The instant a civil day in China begins (its 00:00 at UTC+8): where "once a day" and "records
/// of that day" start counting.
pub fn china_day_start(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        - chrono::Duration::hours(8)
}

/// The civil date and time in China of an instant, to the second (as the audit trail shows it).
pub fn china_second(at: DateTime<Utc>) -> String {
    at.with_timezone(&china())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The civil date and time in China of an instant, to the minute (as page tags give it:
/// `YYYY-MM-DD HH:MM`).
pub fn china_minute(at: DateTime<Utc>) -> String {
    at.with_timezone(&china())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant, for tests and reproducible output.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl FixedClock {
    /// A clock at noon, China time, on `date`.
    pub fn on(date: NaiveDate) -> Self {
        let noon = date.and_hms_opt(4, 0, 0).expect("04:00 exists").and_utc();
        Self(noon)
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_china_date_turns_at_sixteen_hundred_utc() {
        let late = DateTime::parse_from_rfc3339("2024-12-31T16:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            china_date(late),
            NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
        );
        assert_eq!(
            FixedClock::on(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap())
                .today()
                .to_string(),
            "2024-03-01"
        );
    }

    #[test]
    fn a_china_day_begins_at_sixteen_hundred_utc_the_day_before() {
        let d = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let start = china_day_start(d);
        assert_eq!(start.to_rfc3339(), "2024-12-31T16:00:00+00:00");
        assert_eq!(china_date(start), d);
        assert_eq!(
            china_date(start - chrono::Duration::seconds(1)),
            d.pred_opt().unwrap()
        );
        assert_eq!(china_second(start), "2025-01-01 00:00:00");
    }
}

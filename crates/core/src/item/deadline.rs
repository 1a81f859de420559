//! The 第二十六条 time limit: when an item must be published, and how an item stands against it.

use chrono::NaiveDate;

use super::ItemStatus;

/// How an item that is not yet on the portal stands against 第二十六条.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicationRisk {
    /// Past its last day.
    Late,
    /// Due within [`crate::workflow::DUE_SOON_WORKING_DAYS`] working days.
    DueSoon,
    /// Nothing pressing (or already published or withdrawn).
    OnTime,
}

/// The last day to publish an item formed on `formed_on`, and how it stands on `today` given its
/// status.
pub fn publication_risk(
    calendar: &crate::calendar::Calendar,
    formed_on: NaiveDate,
    period: crate::catalogue::Period,
    status: ItemStatus,
    today: NaiveDate,
) -> (crate::calendar::Dated, PublicationRisk) {
    let due = publication_due(calendar, formed_on, period);
    let soon = calendar
        .add_working_days(today, crate::workflow::DUE_SOON_WORKING_DAYS, &|_| false)
        .date;
    let risk = match status {
        ItemStatus::Published | ItemStatus::Withdrawn => PublicationRisk::OnTime,
        _ if due.date < today => PublicationRisk::Late,
        _ if due.date <= soon => PublicationRisk::DueSoon,
        _ => PublicationRisk::OnTime,
    };
    (due, risk)
}

/// Whether information formed on `formed_on` was published after its column's time limit.
pub fn published_late(
    calendar: &crate::calendar::Calendar,
    formed_on: NaiveDate,
    period: crate::catalogue::Period,
    published_on: NaiveDate,
) -> bool {
    publication_due(calendar, formed_on, period).date < published_on
}

/// The last day to publish information formed (or changed) on `formed_on`: the column's time
/// limit, by default 条例 第二十六条's 20 working days (the day itself not counted either way).
pub fn publication_due(
    calendar: &crate::calendar::Calendar,
    formed_on: NaiveDate,
    period: crate::catalogue::Period,
) -> crate::calendar::Dated {
    match period {
        crate::catalogue::Period::WorkingDays(n) => {
            calendar.add_working_days(formed_on, n, &|_| false)
        }
        // A period in days that ends on a rest day ends on the next working day (民法典
        // 第二百零三条).
        crate::catalogue::Period::Days(n) => {
            let mut date = formed_on + chrono::Duration::days(i64::from(n));
            let mut guard = 0;
            while !calendar.is_working_day(date) && guard < 40 {
                date += chrono::Duration::days(1);
                guard += 1;
            }
            crate::calendar::Dated {
                date,
                provisional: !calendar.knows(chrono::Datelike::year(&date)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W20: crate::catalogue::Period = crate::catalogue::DEFAULT_PERIOD;

    #[test]
    fn a_column_time_limit_moves_the_deadline() {
        use crate::catalogue::Period;
        let c = crate::calendar::Calendar::built_in();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap_or_default();
        // 社会救助: 10 working days from Monday 2025-03-03 is Monday 2025-03-17.
        let due = publication_due(&c, d("2025-03-03"), Period::WorkingDays(10));
        assert_eq!(due.date, d("2025-03-17"));
        // 20 calendar days from 2025-03-03 is Sunday 2025-03-23: the next working day counts.
        let due = publication_due(&c, d("2025-03-03"), Period::Days(20));
        assert_eq!(due.date, d("2025-03-24"));
        assert!(!published_late(
            &c,
            d("2025-03-03"),
            Period::WorkingDays(10),
            d("2025-03-17")
        ));
        assert!(published_late(
            &c,
            d("2025-03-03"),
            Period::WorkingDays(10),
            d("2025-03-18")
        ));
        // Over the 2025 National Day holiday (10-01..10-08, 09-28 and 10-11 worked).
        let due = publication_due(&c, d("2025-09-25"), Period::Days(7));
        assert_eq!(due.date, d("2025-10-09"));
    }

    #[test]
    fn the_publication_deadline_flags_late_and_due_soon_items() {
        let c = crate::calendar::Calendar::built_in();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap_or_default();
        // Formed 2025-03-03: last day 2025-03-31.
        let (due, risk) = publication_risk(
            &c,
            d("2025-03-03"),
            W20,
            ItemStatus::FirstReview,
            d("2025-03-04"),
        );
        assert_eq!((due.date, risk), (d("2025-03-31"), PublicationRisk::OnTime));
        let (_, risk) =
            publication_risk(&c, d("2025-03-03"), W20, ItemStatus::Draft, d("2025-03-26"));
        assert_eq!(risk, PublicationRisk::DueSoon);
        let (_, risk) = publication_risk(
            &c,
            d("2025-03-03"),
            W20,
            ItemStatus::FinalReview,
            d("2025-04-01"),
        );
        assert_eq!(risk, PublicationRisk::Late);
        let (_, risk) = publication_risk(
            &c,
            d("2025-03-03"),
            W20,
            ItemStatus::Published,
            d("2025-04-01"),
        );
        assert_eq!(risk, PublicationRisk::OnTime);
    }
}

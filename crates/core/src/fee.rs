//! 信息处理费 (国办函〔2020〕109号): charged only where requests exceed a reasonable quantity or
//! frequency, by one of two progressive methods — never both on one request.

use serde::{Deserialize, Serialize};

/// The fee charged on one request: one method, never both (第三条). The amount is derived from the
/// method's count, so a stored charge cannot disagree with the tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Charge {
    /// 按件计收: the request is the requester's `nth_in_month`-th in the natural month of receipt.
    PerRequest {
        /// Its ordinal in the month (1-based).
        nth_in_month: u32,
    },
    /// 按量计收: the information provided runs to `pages` pages.
    PerPage {
        /// Pages provided.
        pages: u32,
    },
}

impl Charge {
    /// The fee in 元.
    pub fn amount_yuan(self) -> u64 {
        match self {
            Self::PerRequest { nth_in_month } => per_request_yuan(nth_in_month),
            Self::PerPage { pages } => per_page_yuan(pages),
        }
    }

    /// The method's name in 109号.
    pub const fn method_label(self) -> &'static str {
        match self {
            Self::PerRequest { .. } => "按件计收",
            Self::PerPage { .. } => "按量计收",
        }
    }

    /// One line for notices and the case history.
    pub fn describe(self) -> String {
        match self {
            Self::PerRequest { nth_in_month } => format!(
                "按件计收，本申请为申请人当月第{nth_in_month}件，收费{}元",
                self.amount_yuan()
            ),
            Self::PerPage { pages } => {
                format!("按量计收，共{pages}页，收费{}元", self.amount_yuan())
            }
        }
    }
}

/// 按件计收: the fee for a requester's `n`-th request in a natural month (第四条). Requests 1–10 are
/// free; 11–30 cost 100 元 each; from the 31st, each further band of 10 costs 100 元 more
/// (31–40: 200 元, 41–50: 300 元, …).
pub fn per_request_yuan(n: u32) -> u64 {
    match n {
        0..=10 => 0,
        11..=30 => 100,
        _ => 100 * (2 + u64::from(n - 31) / 10),
    }
}

/// 按量计收: the fee for one request of `pages` pages (第五条). Up to 30 pages free; pages 31–100 at
/// 10 元, 101–200 at 20 元, from 201 at 40 元.
pub fn per_page_yuan(pages: u32) -> u64 {
    let p = u64::from(pages);
    let band = |from: u64, to: u64| p.min(to).saturating_sub(from);
    band(30, 100) * 10 + band(100, 200) * 20 + p.saturating_sub(200) * 40
}

/// One request as 按件计收 counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted<'a> {
    /// Its registration order (earlier registrations count first on the same day).
    pub id: i64,
    /// Who asked: the identity document or 统一社会信用代码.
    pub document: &'a str,
    /// 收到申请之日.
    pub received_on: chrono::NaiveDate,
}

/// The natural month a request received on `received_on` is counted in (第四条): its first and
/// last day.
pub fn counting_month(received_on: chrono::NaiveDate) -> (chrono::NaiveDate, chrono::NaiveDate) {
    use chrono::Datelike;
    let first = received_on.with_day(1).unwrap_or(received_on);
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first);
    (first, next.pred_opt().unwrap_or(first))
}

/// The request's ordinal among the same requester's requests to the agency in the natural month
/// of its receipt — the `n` of [`per_request_yuan`]. The same requester is the same identity
/// document or credit code (letters compared without regard to case); requests count in the order
/// received, and on one day in the order registered.
pub fn nth_in_month(this: Counted<'_>, received: &[Counted<'_>]) -> u32 {
    let (first, _) = counting_month(this.received_on);
    let same = |c: &&Counted<'_>| c.document.trim().eq_ignore_ascii_case(this.document.trim());
    let before = |c: &&Counted<'_>| {
        c.received_on >= first
            && (c.received_on < this.received_on
                || (c.received_on == this.received_on && c.id <= this.id))
    };
    let n = received.iter().filter(same).filter(before).count();
    u32::try_from(n.max(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn c<'a>(id: i64, document: &'a str, on: &str) -> Counted<'a> {
        Counted {
            id,
            document,
            received_on: on.parse().unwrap(),
        }
    }

    #[test]
    fn the_nth_request_counts_one_requester_within_one_natural_month() {
        let all = [
            c(1, "370323198001011111", "2025-02-28"),
            c(2, "370323198001011111", "2025-03-01"),
            c(3, "other", "2025-03-02"),
            c(4, "370323198001011111", "2025-03-03"),
            c(5, "370323198001011111", "2025-03-03"),
            c(6, "370323198001011111", "2025-04-01"),
        ];
        assert_eq!(nth_in_month(all[1], &all), 1);
        assert_eq!(nth_in_month(all[3], &all), 2);
        assert_eq!(nth_in_month(all[4], &all), 3);
        assert_eq!(nth_in_month(all[5], &all), 1);
        // An X in a 身份证号 is the same person in either case.
        let x = [
            c(1, "37032319800101111X", "2025-03-01"),
            c(2, "37032319800101111x", "2025-03-02"),
        ];
        assert_eq!(nth_in_month(x[1], &x), 2);
    }

    #[test]
    fn a_month_runs_from_its_first_to_its_last_day() {
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        assert_eq!(
            counting_month(d("2024-02-15")),
            (d("2024-02-01"), d("2024-02-29"))
        );
        assert_eq!(
            counting_month(d("2025-12-31")),
            (d("2025-12-01"), d("2025-12-31"))
        );
    }

    #[test]
    fn the_worked_examples_of_the_spec_hold() {
        assert_eq!(per_request_yuan(12), 100);
        assert_eq!(per_request_yuan(33), 200);
        assert_eq!((1..=35).map(per_request_yuan).sum::<u64>(), 3_000);
        assert_eq!(per_page_yuan(150), 1_700);
    }

    #[test]
    fn tier_boundaries_belong_to_the_lower_tier() {
        assert_eq!(
            [10, 11, 30, 31, 40, 41, 50, 51].map(per_request_yuan),
            [0, 100, 100, 200, 200, 300, 300, 400]
        );
        assert_eq!(
            [30, 31, 100, 101, 200, 201].map(per_page_yuan),
            [0, 10, 700, 720, 2_700, 2_740]
        );
    }

    proptest! {
        #[test]
        fn fees_never_fall_as_requests_or_pages_grow(n in 0u32..500, p in 0u32..5_000) {
            prop_assert!(per_request_yuan(n + 1) >= per_request_yuan(n));
            prop_assert!(per_page_yuan(p + 1) >= per_page_yuan(p));
            // Each page beyond 30 costs 10, 20 or 40 元 — nothing else.
            let step = per_page_yuan(p + 1) - per_page_yuan(p);
            prop_assert!([0, 10, 20, 40].contains(&step));
        }
    }
}

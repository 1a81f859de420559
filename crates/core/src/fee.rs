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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

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

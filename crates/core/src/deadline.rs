//! The statutory clock of a request (条例 第三十条、第三十三条): the answer is due 20 working days
//! after receipt, the day of receipt not counted; a 补正 notice is due within 7 working days; once
//! 补正 is requested the period restarts from receipt of the clarified request; days spent consulting
//! third parties or other agencies (both ends included) do not count; an approved extension adds at
//! most 20 working days. Periods that stop the clock for other reasons (e.g. waiting for payment of
//! a fee, [U] in the spec) are passed in the same way as consultations.

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::{Calendar, Dated};

/// The periods, in working days. The defaults are the 条例's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periods {
    /// Answer (第三十三条): 20.
    pub answer: u32,
    /// 补正 notice (第三十条): 7.
    pub clarification_notice: u32,
    /// Extension (第三十三条): at most 20.
    pub extension: u32,
    /// The "reasonable period" a 补正 notice gives (第三十条 sets none): 15 working days by default.
    pub clarification_reply: u32,
    /// Fee payment (国办函〔2020〕109号): 20 working days from the day after the notice.
    pub fee_payment: u32,
    /// Whether the days from a fee notice to its payment stop the answer clock. The spec marks
    /// this [U] (believed to be stated in 109号); default on, settable with
    /// `GONGKAI_FEE_PAUSES_CLOCK=false`.
    pub fee_pauses_clock: bool,
}

impl Default for Periods {
    fn default() -> Self {
        Self {
            answer: 20,
            clarification_notice: 7,
            extension: 20,
            clarification_reply: 15,
            fee_payment: 20,
            fee_pauses_clock: true,
        }
    }
}

/// The calendar and the periods together: what every rule that counts working days needs.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    /// The working-day calendar.
    pub calendar: &'a Calendar,
    /// The periods (statutory, and the settings for [U] rules).
    pub periods: Periods,
}

/// What happened to a request that moves its clock.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClockFacts {
    /// 收到申请之日 (第三十一条).
    pub received_on: Option<NaiveDate>,
    /// When the 补正 notice was sent, if one was.
    pub clarification_requested: Option<NaiveDate>,
    /// When the clarified request arrived.
    pub clarification_received: Option<NaiveDate>,
    /// Periods that do not count, both ends included (consultations, fee payment).
    pub pauses: Vec<(NaiveDate, NaiveDate)>,
    /// Whether an extension was approved.
    pub extended: bool,
    /// From the fee notice to its payment (or today, while unpaid), both ends included; counted
    /// as a pause when [`Periods::fee_pauses_clock`] is set.
    pub fee_pause: Option<(NaiveDate, NaiveDate)>,
}

/// The computed dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadlines {
    /// When the answer is due; `None` while the clock waits for the clarified request.
    pub due: Option<NaiveDate>,
    /// The last day to send the 补正 notice.
    pub clarification_notice_due: NaiveDate,
    /// True if a date reached into a year with no official calendar (Monday–Friday assumed).
    pub provisional: bool,
}

/// Facts that cannot be true of a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// No receipt date.
    #[error("缺少收到申请日期")]
    NoReceipt,
    /// The clarified request arrived without a 补正 notice, or before it.
    #[error("补正后申请的收到日期（{received}）须在发出补正通知（{requested:?}）之后")]
    ClarificationOrder {
        /// When the notice went out.
        requested: Option<NaiveDate>,
        /// When the clarification arrived.
        received: NaiveDate,
    },
    /// The 补正 notice predates the request.
    #[error("补正通知日期 {0} 早于收到申请日期")]
    NoticeBeforeReceipt(NaiveDate),
    /// A pause ends before it starts.
    #[error("不计算期间 {0} 至 {1} 无效：结束日期早于开始日期")]
    BadPause(NaiveDate, NaiveDate),
}

/// Computes the deadlines on the calendar.
pub fn deadlines(
    calendar: &Calendar,
    facts: &ClockFacts,
    periods: Periods,
) -> Result<Deadlines, ClockError> {
    let received = facts.received_on.ok_or(ClockError::NoReceipt)?;
    for (from, to) in &facts.pauses {
        if from > to {
            return Err(ClockError::BadPause(*from, *to));
        }
    }
    if let Some(requested) = facts.clarification_requested
        && requested < received
    {
        return Err(ClockError::NoticeBeforeReceipt(requested));
    }
    if let Some(got) = facts.clarification_received
        && facts.clarification_requested.is_none_or(|r| got < r)
    {
        return Err(ClockError::ClarificationOrder {
            requested: facts.clarification_requested,
            received: got,
        });
    }
    let notice: Dated =
        calendar.add_working_days(received, periods.clarification_notice, &|_| false);
    let start = match (facts.clarification_requested, facts.clarification_received) {
        (Some(_), None) => None,
        (_, Some(clarified)) => Some(clarified),
        (None, None) => Some(received),
    };
    let fee_pause = facts.fee_pause.filter(|_| periods.fee_pauses_clock);
    let paused = |d: NaiveDate| {
        facts
            .pauses
            .iter()
            .chain(fee_pause.iter())
            .any(|(from, to)| *from <= d && d <= *to)
    };
    let days = periods.answer + if facts.extended { periods.extension } else { 0 };
    let due = start.map(|s| calendar.add_working_days(s, days, &paused));
    Ok(Deadlines {
        due: due.map(|d| d.date),
        clarification_notice_due: notice.date,
        provisional: notice.provisional || due.is_some_and(|d| d.provisional),
    })
}

impl crate::Refusal for ClockError {}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts(received: &str) -> ClockFacts {
        ClockFacts {
            received_on: Some(d(received)),
            ..ClockFacts::default()
        }
    }

    #[test]
    fn the_answer_is_due_twenty_working_days_after_receipt() {
        let c = Calendar::built_in();
        let r = deadlines(&c, &facts("2025-09-22"), Periods::default()).unwrap();
        assert_eq!(r.due, Some(d("2025-10-24")));
        // 9-23…26 (4), Sunday 9-28 调休 (5), 9-29 (6), 9-30 (7).
        assert_eq!(r.clarification_notice_due, d("2025-09-30"));
        assert!(!r.provisional);
    }

    #[test]
    fn clarification_restarts_the_period_and_waiting_stops_it() {
        let c = Calendar::built_in();
        let mut f = facts("2025-03-03");
        f.clarification_requested = Some(d("2025-03-05"));
        assert_eq!(deadlines(&c, &f, Periods::default()).unwrap().due, None);
        f.clarification_received = Some(d("2025-03-20"));
        // 20 working days after 2025-03-20 (清明 4-4 is a Friday holiday).
        assert_eq!(
            deadlines(&c, &f, Periods::default()).unwrap().due,
            Some(d("2025-04-18"))
        );
    }

    #[test]
    fn consultation_days_are_not_counted_and_extension_adds_twenty() {
        let c = Calendar::built_in();
        let plain = deadlines(&c, &facts("2024-03-01"), Periods::default())
            .unwrap()
            .due
            .unwrap();
        let mut f = facts("2024-03-01");
        f.pauses.push((d("2024-03-11"), d("2024-03-15")));
        let paused = deadlines(&c, &f, Periods::default()).unwrap().due.unwrap();
        assert_eq!(
            c.add_working_days(plain, 5, &|_| false).date,
            paused,
            "5 working days paused"
        );
        f.extended = true;
        let extended = deadlines(&c, &f, Periods::default()).unwrap().due.unwrap();
        assert_eq!(c.add_working_days(paused, 20, &|_| false).date, extended);
    }

    #[test]
    fn impossible_facts_are_refused() {
        let c = Calendar::built_in();
        let mut f = facts("2025-03-03");
        f.clarification_received = Some(d("2025-03-10"));
        assert!(matches!(
            deadlines(&c, &f, Periods::default()),
            Err(ClockError::ClarificationOrder { .. })
        ));
        let mut f = facts("2025-03-03");
        f.pauses.push((d("2025-03-10"), d("2025-03-05")));
        assert!(deadlines(&c, &f, Periods::default()).is_err());
        assert!(deadlines(&c, &ClockFacts::default(), Periods::default()).is_err());
    }

    #[test]
    fn a_due_date_past_the_known_calendar_is_provisional() {
        let c = Calendar::built_in();
        let r = deadlines(&c, &facts("2026-12-15"), Periods::default()).unwrap();
        assert!(r.provisional);
    }

    proptest! {
        #[test]
        fn due_dates_are_working_days_and_pauses_never_bring_them_forward(
            offset in 0i64..(3 * 365 - 60), pause_start in 0i64..40, pause_len in 0i64..15, extended: bool,
        ) {
            let c = Calendar::built_in();
            let received = d("2024-01-01") + chrono::Duration::days(offset);
            let mut f = ClockFacts { received_on: Some(received), extended, ..ClockFacts::default() };
            let plain = deadlines(&c, &f, Periods::default()).unwrap().due.unwrap();
            prop_assert!(c.is_working_day(plain));
            let from = received + chrono::Duration::days(pause_start);
            f.pauses.push((from, from + chrono::Duration::days(pause_len)));
            let paused = deadlines(&c, &f, Periods::default()).unwrap().due.unwrap();
            prop_assert!(c.is_working_day(paused));
            prop_assert!(paused >= plain);
        }
    }
}

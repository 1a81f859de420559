//! 责任考核: who did what, and how much of it late, over a year — review latency per reviewer,
//! items published after their column's time limit per drafter (条例 第二十六条), requests
//! answered after their due date per case officer, and enquiries replied after the service
//! commitment per replier.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::calendar::Calendar;
use crate::catalogue::{Column, period_of};
use crate::deadline::Periods;
use crate::item::{ItemContent, ReviewStep, published_late};
use crate::supervision::{reply_late, reply_working_days};
use crate::workflow::RequestState;

/// One officer's (or one agency's) record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OfficerRecord {
    /// Reviews given (初审 and 终审).
    pub reviews: u32,
    /// Working days from submission (or 初审) to the review, summed.
    pub review_days: u32,
    /// Items published that the person drafted.
    pub items: u32,
    /// Of those, published after the column's time limit.
    pub items_late: u32,
    /// Requests answered by the person as case officer.
    pub requests: u32,
    /// Of those, answered after the due date.
    pub requests_late: u32,
    /// Enquiries and complaints replied.
    pub messages: u32,
    /// Of those, after [`REPLY_WORKING_DAYS`](crate::supervision::REPLY_WORKING_DAYS).
    pub messages_late: u32,
}

impl OfficerRecord {
    /// Adds another record (the same person in another agency, or the agencies' sum).
    pub fn merge(&mut self, o: &Self) {
        self.reviews += o.reviews;
        self.review_days += o.review_days;
        self.items += o.items;
        self.items_late += o.items_late;
        self.requests += o.requests;
        self.requests_late += o.requests_late;
        self.messages += o.messages;
        self.messages_late += o.messages_late;
    }
}

/// An agency's figures of a year: per person (as the audit trail names them) and in total.
#[derive(Debug, Clone, Default)]
pub struct Accountability {
    /// Per person.
    pub officers: BTreeMap<String, OfficerRecord>,
    /// The agency's total.
    pub total: OfficerRecord,
}

/// One recorded review step of a draft.
#[derive(Debug, Clone)]
pub struct ReviewRecord {
    /// The draft.
    pub draft: i64,
    /// Its content (its column and 形成日期 decide lateness).
    pub content: ItemContent,
    /// The step.
    pub step: ReviewStep,
    /// Who took it.
    pub actor: String,
    /// The day (China time).
    pub on: NaiveDate,
}

/// A request with the officer it is assigned to.
#[derive(Debug, Clone)]
pub struct HandledRequest {
    /// Its state.
    pub state: RequestState,
    /// The assigned officer's name, if any.
    pub officer: Option<String>,
}

/// A message and its reply.
#[derive(Debug, Clone)]
pub struct RepliedMessage {
    /// Day received.
    pub received_on: NaiveDate,
    /// Day replied, and by whom.
    pub replied: Option<(NaiveDate, String)>,
}

/// What the figures are computed from.
#[derive(Debug, Clone, Copy)]
pub struct Records<'a> {
    /// Review steps, grouped by draft in order.
    pub reviews: &'a [ReviewRecord],
    /// Requests.
    pub requests: &'a [HandledRequest],
    /// Messages.
    pub messages: &'a [RepliedMessage],
}

/// The figures of `year`.
pub fn compute(
    year: i32,
    calendar: &Calendar,
    periods: Periods,
    columns: &[Column],
    records: Records<'_>,
) -> Accountability {
    let mut acc = Accountability::default();
    let mut current: Option<i64> = None;
    let (mut submitted, mut first, mut drafter) = (None, None, String::new());
    for r in records.reviews {
        if current != Some(r.draft) {
            current = Some(r.draft);
            (submitted, first, drafter) = (None, None, String::new());
        }
        let on = r.on;
        let waited =
            |since: Option<NaiveDate>| since.map_or(0, |s| reply_working_days(calendar, s, on));
        match &r.step {
            ReviewStep::Submit => {
                submitted = Some(on);
                drafter.clone_from(&r.actor);
            }
            ReviewStep::ApproveFirst if on.year() == year => {
                let o = acc.officers.entry(r.actor.clone()).or_default();
                o.reviews += 1;
                o.review_days += waited(submitted);
                first = Some(on);
            }
            ReviewStep::ApproveFinal if on.year() == year => {
                let o = acc.officers.entry(r.actor.clone()).or_default();
                o.reviews += 1;
                o.review_days += waited(first);
                let period = period_of(columns, &r.content.category);
                let late = r
                    .content
                    .formed_on
                    .is_some_and(|f| published_late(calendar, f, period, on));
                let d = acc.officers.entry(drafter.clone()).or_default();
                d.items += 1;
                d.items_late += u32::from(late);
            }
            ReviewStep::ApproveFirst => first = Some(on),
            _ => {}
        }
    }
    for r in records.requests {
        if r.state.decided.is_none_or(|d| d.on.year() != year) {
            continue;
        }
        let late = r.state.answered_late(calendar, periods);
        let o = acc
            .officers
            .entry(
                r.officer
                    .clone()
                    .unwrap_or_else(|| "（未分配经办人）".to_owned()),
            )
            .or_default();
        o.requests += 1;
        o.requests_late += u32::from(late == Some(true));
    }
    for m in records.messages {
        let Some((on, by)) = &m.replied else { continue };
        if on.year() != year {
            continue;
        }
        let o = acc.officers.entry(by.clone()).or_default();
        o.messages += 1;
        o.messages_late += u32::from(reply_late(calendar, m.received_on, *on));
    }
    acc.officers.retain(|name, _| !name.is_empty());
    for r in acc.officers.values() {
        acc.total.merge(r);
    }
    acc
}

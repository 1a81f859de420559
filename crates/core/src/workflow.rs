//! The life of a request (依申请公开), as a state machine: received → (补正 requested → clarified, or
//! lapsed) → in progress ⇄ consulting → (extended once) → decided → closed. Handlers never set a
//! status: they apply an [`Event`] and get the next [`RequestState`] or a [`WorkflowError`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::deadline::{ClockFacts, Periods};
use crate::fee::Charge;
use crate::request::{Decided, DecisionDetails, Outcome, RequestFacts, RequesterKind};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Registered; the answer clock runs.
    Received,
    /// A 补正 notice went out; the clock waits for the clarified request.
    AwaitingClarification,
    /// Being handled.
    InProgress,
    /// A third party or another agency is consulted; those days do not count.
    Consulting,
    /// A fee notice (国办函〔2020〕109号) went out; waiting for payment.
    AwaitingPayment,
    /// Answered.
    Decided,
    /// Answer delivered, file archived (归档).
    Closed,
}

impl Status {
    /// The machine key (database column, templates): the serde name.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::AwaitingClarification => "awaiting_clarification",
            Self::InProgress => "in_progress",
            Self::Consulting => "consulting",
            Self::AwaitingPayment => "awaiting_payment",
            Self::Decided => "decided",
            Self::Closed => "closed",
        }
    }

    /// What a person reads.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Received => "已登记",
            Self::AwaitingClarification => "待补正",
            Self::InProgress => "办理中",
            Self::Consulting => "征求意见中",
            Self::AwaitingPayment => "待缴费",
            Self::Decided => "已答复",
            Self::Closed => "已办结",
        }
    }
}

/// Something that happened to a request, on a civil date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// Handling starts (the request is clear).
    Accept {
        /// When.
        on: NaiveDate,
    },
    /// 补正 notice sent (第三十条: once only).
    RequestClarification {
        /// When.
        on: NaiveDate,
        /// What must be supplied (the notice lists every item at once).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        items: String,
    },
    /// The clarified request arrived; the answer period restarts.
    Clarified {
        /// When.
        on: NaiveDate,
    },
    /// No clarification in time without good reason: deemed abandoned (（六）1).
    ClarificationLapsed {
        /// When.
        on: NaiveDate,
    },
    /// Consultation of a third party or another agency begins.
    StartConsultation {
        /// When.
        on: NaiveDate,
    },
    /// The consultation's answer arrived.
    EndConsultation {
        /// When.
        on: NaiveDate,
    },
    /// Extension approved (at most once, 20 working days).
    Extend {
        /// When.
        on: NaiveDate,
        /// Who approved it (the disclosure office's head).
        approved_by: String,
        /// Why (the extension notice states it).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    /// A fee notice (收费通知书) was sent: the request waits for payment.
    NotifyFee {
        /// When.
        on: NaiveDate,
        /// How the fee was computed.
        charge: Charge,
    },
    /// The fee was paid.
    FeePaid {
        /// When.
        on: NaiveDate,
    },
    /// The payment period passed without payment: deemed abandoned (（六）2).
    FeeLapsed {
        /// When.
        on: NaiveDate,
    },
    /// The decision.
    Decide {
        /// When.
        on: NaiveDate,
        /// Which row of table 三.
        outcome: Outcome,
        /// What the reply letter must say beyond the outcome.
        #[serde(default, skip_serializing_if = "DecisionDetails::is_empty")]
        details: DecisionDetails,
    },
    /// Delivered and archived.
    Close {
        /// When.
        on: NaiveDate,
    },
}

impl Event {
    /// The event's date.
    pub fn on(&self) -> NaiveDate {
        match self {
            Self::Accept { on }
            | Self::RequestClarification { on, .. }
            | Self::Clarified { on }
            | Self::ClarificationLapsed { on }
            | Self::StartConsultation { on }
            | Self::EndConsultation { on }
            | Self::Extend { on, .. }
            | Self::NotifyFee { on, .. }
            | Self::FeePaid { on }
            | Self::FeeLapsed { on }
            | Self::Decide { on, .. }
            | Self::Close { on } => *on,
        }
    }
}

impl Event {
    /// A short description for the audit trail and the case history (no personal data).
    pub fn summary(&self) -> String {
        match self {
            Self::Accept { on } => format!("{on} 开始办理"),
            Self::RequestClarification { on, .. } => format!("{on} 发出补正通知"),
            Self::Clarified { on } => format!("{on} 收到补正后的申请"),
            Self::ClarificationLapsed { on } => format!("{on} 逾期未补正，视为放弃"),
            Self::StartConsultation { on } => format!("{on} 开始征求意见"),
            Self::EndConsultation { on } => format!("{on} 收到征求意见答复"),
            Self::Extend {
                on, approved_by, ..
            } => format!("{on} 延期，批准人：{approved_by}"),
            Self::NotifyFee { on, charge } => {
                format!("{on} 发出收费通知：{}", charge.describe())
            }
            Self::FeePaid { on } => format!("{on} 已缴纳信息处理费"),
            Self::FeeLapsed { on } => format!("{on} 逾期未缴费，视为放弃"),
            Self::Decide { on, outcome, .. } => format!("{on} 答复：{}", outcome.label()),
            Self::Close { on } => format!("{on} 办结归档"),
        }
    }

    /// A stable key for the audit trail.
    pub const fn key(&self) -> &'static str {
        match self {
            Self::Accept { .. } => "request.accept",
            Self::RequestClarification { .. } => "request.clarification_request",
            Self::Clarified { .. } => "request.clarified",
            Self::ClarificationLapsed { .. } => "request.clarification_lapsed",
            Self::StartConsultation { .. } => "request.consultation_start",
            Self::EndConsultation { .. } => "request.consultation_end",
            Self::Extend { .. } => "request.extend",
            Self::NotifyFee { .. } => "request.fee_notice",
            Self::FeePaid { .. } => "request.fee_paid",
            Self::FeeLapsed { .. } => "request.fee_lapsed",
            Self::Decide { .. } => "request.decide",
            Self::Close { .. } => "request.close",
        }
    }
}

/// A tracking code for the requester (查询码): 12 characters from an alphabet without look-alikes,
/// random enough that codes cannot be guessed.
pub fn new_tracking_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// How urgent an open request is for its case officer (the queue's filters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Past its due date and not answered.
    Overdue,
    /// Due within [`DUE_SOON_WORKING_DAYS`] working days.
    DueSoon,
    /// The clock waits for the clarified request.
    AwaitingClarification,
    /// A fee notice is unpaid.
    AwaitingPayment,
    /// Nothing pressing.
    Normal,
}

/// "Due soon" means within this many working days.
pub const DUE_SOON_WORKING_DAYS: u32 = 5;

impl Urgency {
    /// What a person reads ("" for nothing pressing).
    pub const fn label(self) -> &'static str {
        match self {
            Self::Overdue => "已逾期",
            Self::DueSoon => "5个工作日内到期",
            Self::AwaitingClarification => "待补正",
            Self::AwaitingPayment => "待缴费",
            Self::Normal => "",
        }
    }
}

/// A request's state: everything its clock and its row in table 三 need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestState {
    /// Where it stands.
    pub status: Status,
    /// Who asked.
    pub requester: RequesterKind,
    /// 收到申请之日.
    pub received_on: NaiveDate,
    /// 补正: (notice sent, clarified request received).
    pub clarification: Option<(NaiveDate, Option<NaiveDate>)>,
    /// Consultations: (from, to) — `to` is `None` while one is under way.
    pub consultations: Vec<(NaiveDate, Option<NaiveDate>)>,
    /// Extension: (approved on, by whom).
    pub extended: Option<(NaiveDate, String)>,
    /// The fee notice, if one was sent.
    #[serde(default)]
    pub fee: Option<FeeNotice>,
    /// The decision.
    pub decided: Option<Decided>,
    /// The date of the latest event (events cannot go back in time).
    pub last_event_on: NaiveDate,
}

/// A fee notice and its payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeNotice {
    /// When the notice was sent.
    pub notified_on: NaiveDate,
    /// The fee.
    pub charge: Charge,
    /// When it was paid.
    pub paid_on: Option<NaiveDate>,
}

/// Why an event cannot happen now. Messages are for the case officer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// Not allowed from this status.
    #[error("申请当前状态为“{}”，不能{what}", status.label())]
    NotAllowed {
        /// The status.
        status: Status,
        /// What was attempted, in Chinese.
        what: &'static str,
    },
    /// Dated before the previous event.
    #[error("日期 {on} 早于上一步办理日期 {last}；请核对日期")]
    BackInTime {
        /// The event's date.
        on: NaiveDate,
        /// The latest event's date.
        last: NaiveDate,
    },
    /// 补正 may be requested once only (第三十条).
    #[error("补正只能一次性告知，本申请已于 {0} 发出过补正通知")]
    ClarificationAgain(NaiveDate),
    /// An extension without the approval 第三十三条 requires (the disclosure office's head).
    #[error("延期须写明批准人（政府信息公开工作机构负责人）。")]
    ApproverMissing,
    /// An extension was already approved.
    #[error("本申请已于 {0} 延期，不能再次延期")]
    ExtendedAgain(NaiveDate),
    /// A fee notice was already sent (one method, one notice per request).
    #[error("本申请已于 {0} 发出收费通知，不能再次收费")]
    FeeAgain(NaiveDate),
    /// The computed fee is nothing: no notice is sent for a free request.
    #[error("按所填数量计算应收费用为0元，无需发出收费通知（前10件、30页以内免费）")]
    NothingToCharge,
    /// The payment period has not ended.
    #[error("缴费期限至 {0} 届满，届满前不能按逾期未缴费处理")]
    PaymentPeriodRunning(NaiveDate),
    /// The 补正 period has not ended.
    #[error("补正期限至 {0} 届满，届满前不能按逾期不补正处理")]
    ClarificationPeriodRunning(NaiveDate),
    /// An extension after the answer period ended.
    #[error("答复期限已于 {0} 届满；延期须在答复期限内经批准并告知申请人")]
    ExtendTooLate(NaiveDate),
    /// The letter would lack what the 条例 requires.
    #[error("{0}")]
    DetailsMissing(&'static str),
    /// The outcome needs a step that did not happen.
    #[error("办理结果“{}”不适用：{why}", outcome.label())]
    OutcomeNotApplicable {
        /// The outcome.
        outcome: Outcome,
        /// Why not, in Chinese.
        why: &'static str,
    },
}

impl RequestState {
    /// Whether a fee notice may go out now (one per request, before the decision, while the
    /// request is being handled) — what [`Self::apply`] asks of [`Event::NotifyFee`] before the
    /// amount.
    pub fn may_notify_fee(&self) -> bool {
        self.fee.is_none() && matches!(self.status, Status::Received | Status::InProgress)
    }

    /// Whether files to go with the reply may be added or removed now: only until the reply is
    /// given, since the decision letter lists them.
    pub fn may_change_reply_files(&self) -> Result<(), crate::Rejection> {
        if self.decided.is_some() || matches!(self.status, Status::Decided | Status::Closed) {
            Err(crate::Rejection::new(
                "已经答复的申请不能再更改随答复提供的文件；如需补充提供，请另行出具文书。",
            ))
        } else {
            Ok(())
        }
    }

    /// Whether the requester may download the files provided with the reply: once it is given.
    pub fn reply_files_released(&self) -> bool {
        self.decided.is_some()
    }

    /// A newly registered request.
    pub fn new(requester: RequesterKind, received_on: NaiveDate) -> Self {
        Self {
            status: Status::Received,
            requester,
            received_on,
            clarification: None,
            consultations: Vec::new(),
            extended: None,
            fee: None,
            decided: None,
            last_event_on: received_on,
        }
    }

    /// The state after `event`, or why it cannot happen.
    pub fn apply(&self, event: &Event) -> Result<Self, WorkflowError> {
        use Status as S;
        let on = event.on();
        if on < self.last_event_on {
            return Err(WorkflowError::BackInTime {
                on,
                last: self.last_event_on,
            });
        }
        let not = |what| WorkflowError::NotAllowed {
            status: self.status,
            what,
        };
        let mut next = self.clone();
        next.last_event_on = on;
        match event {
            Event::Accept { .. } => match self.status {
                S::Received => next.status = S::InProgress,
                _ => return Err(not("开始办理")),
            },
            Event::RequestClarification { .. } => {
                if let Some((sent, _)) = self.clarification {
                    return Err(WorkflowError::ClarificationAgain(sent));
                }
                match self.status {
                    S::Received | S::InProgress => {
                        next.clarification = Some((on, None));
                        next.status = S::AwaitingClarification;
                    }
                    _ => return Err(not("发出补正通知")),
                }
            }
            Event::Clarified { .. } => match (self.status, self.clarification) {
                (S::AwaitingClarification, Some((sent, None))) => {
                    next.clarification = Some((sent, Some(on)));
                    next.status = S::InProgress;
                }
                _ => return Err(not("登记补正后的申请")),
            },
            Event::ClarificationLapsed { .. } => match self.status {
                S::AwaitingClarification => {
                    next.decided = Some(Decided {
                        on,
                        outcome: Outcome::OtherNoClarification,
                    });
                    next.status = S::Decided;
                }
                _ => return Err(not("按逾期不补正处理")),
            },
            Event::StartConsultation { .. } => match self.status {
                S::Received | S::InProgress => {
                    next.consultations.push((on, None));
                    next.status = S::Consulting;
                }
                _ => return Err(not("征求意见")),
            },
            Event::EndConsultation { .. } => match (self.status, next.consultations.last_mut()) {
                (S::Consulting, Some(last @ (_, None))) => {
                    last.1 = Some(on);
                    next.status = S::InProgress;
                }
                _ => return Err(not("结束征求意见")),
            },
            Event::Extend { approved_by, .. } => {
                if approved_by.trim().is_empty() {
                    return Err(WorkflowError::ApproverMissing);
                }
                if let Some((when, _)) = &self.extended {
                    return Err(WorkflowError::ExtendedAgain(*when));
                }
                match self.status {
                    S::Received | S::InProgress | S::Consulting | S::AwaitingPayment => {
                        next.extended = Some((on, approved_by.clone()));
                    }
                    _ => return Err(not("延期")),
                }
            }
            Event::NotifyFee { charge, .. } => {
                if let Some(f) = self.fee {
                    return Err(WorkflowError::FeeAgain(f.notified_on));
                }
                if charge.amount_yuan() == 0 {
                    return Err(WorkflowError::NothingToCharge);
                }
                match self.status {
                    S::Received | S::InProgress => {
                        next.fee = Some(FeeNotice {
                            notified_on: on,
                            charge: *charge,
                            paid_on: None,
                        });
                        next.status = S::AwaitingPayment;
                    }
                    _ => return Err(not("发出收费通知")),
                }
            }
            Event::FeePaid { .. } => match (self.status, self.fee) {
                (S::AwaitingPayment, Some(f)) => {
                    next.fee = Some(FeeNotice {
                        paid_on: Some(on),
                        ..f
                    });
                    next.status = S::InProgress;
                }
                _ => return Err(not("登记缴费")),
            },
            Event::FeeLapsed { .. } => match self.status {
                S::AwaitingPayment => {
                    next.decided = Some(Decided {
                        on,
                        outcome: Outcome::OtherFeeUnpaid,
                    });
                    next.status = S::Decided;
                }
                _ => return Err(not("按逾期未缴费处理")),
            },
            Event::Decide {
                outcome, details, ..
            } => {
                match self.status {
                    S::Received | S::InProgress => {}
                    _ => return Err(not("作出答复")),
                }
                details
                    .check(*outcome)
                    .map_err(WorkflowError::DetailsMissing)?;
                let why = match outcome {
                    o if o.reserved_for_lapse().is_some() => o.reserved_for_lapse(),
                    Outcome::UnavailableStillUnclear
                        if !matches!(self.clarification, Some((_, Some(_)))) =>
                    {
                        Some("只有补正后申请内容仍不明确时才适用")
                    }
                    _ => None,
                };
                if let Some(why) = why {
                    return Err(WorkflowError::OutcomeNotApplicable {
                        outcome: *outcome,
                        why,
                    });
                }
                next.decided = Some(Decided {
                    on,
                    outcome: *outcome,
                });
                next.status = S::Decided;
            }
            Event::Close { .. } => match self.status {
                S::Decided => next.status = S::Closed,
                _ => return Err(not("办结归档")),
            },
        }
        Ok(next)
    }

    /// The answer's due date on `calendar` as of `today`, if the clock runs.
    pub fn due(
        &self,
        calendar: &Calendar,
        periods: Periods,
        today: NaiveDate,
    ) -> Option<NaiveDate> {
        crate::deadline::deadlines(calendar, &self.clock_facts(today), periods)
            .ok()
            .and_then(|d| d.due)
    }

    /// Whether the decision came after the answer was due (`None` while undecided or while the
    /// clock has no due date) — the 责任考核's "answered late".
    pub fn answered_late(&self, calendar: &Calendar, periods: Periods) -> Option<bool> {
        let decided = self.decided?;
        let due = self.due(calendar, periods, decided.on)?;
        Some(decided.on > due)
    }

    /// How urgent the request is as of `today`.
    pub fn urgency(&self, calendar: &Calendar, periods: Periods, today: NaiveDate) -> Urgency {
        if matches!(self.status, Status::Decided | Status::Closed) {
            return Urgency::Normal;
        }
        if self.status == Status::AwaitingClarification {
            return Urgency::AwaitingClarification;
        }
        if self.status == Status::AwaitingPayment {
            return Urgency::AwaitingPayment;
        }
        let soon = calendar
            .add_working_days(today, DUE_SOON_WORKING_DAYS, &|_| false)
            .date;
        match self.due(calendar, periods, today) {
            Some(due) if due < today => Urgency::Overdue,
            Some(due) if due <= soon => Urgency::DueSoon,
            _ => Urgency::Normal,
        }
    }

    /// The facts the annual report counts.
    pub fn facts(&self) -> RequestFacts {
        RequestFacts::new(self.requester, self.received_on, self.decided)
            .expect("apply keeps decisions on or after receipt")
    }

    /// The facts the clock needs; a consultation under way counts as paused up to `today`.
    pub fn clock_facts(&self, today: NaiveDate) -> ClockFacts {
        ClockFacts {
            received_on: Some(self.received_on),
            clarification_requested: self.clarification.map(|c| c.0),
            clarification_received: self.clarification.and_then(|c| c.1),
            pauses: self
                .consultations
                .iter()
                .map(|(from, to)| (*from, to.unwrap_or(today).max(*from)))
                .collect(),
            extended: self.extended.is_some(),
            fee_pause: self
                .fee
                .map(|f| (f.notified_on, f.paid_on.unwrap_or(today).max(f.notified_on))),
        }
    }

    /// The last day to pay a fee notice, if one was sent: 20 working days (by default) counted
    /// from the day after the notice.
    pub fn fee_payment_due(&self, calendar: &Calendar, periods: Periods) -> Option<NaiveDate> {
        self.fee.map(|f| {
            calendar
                .add_working_days(f.notified_on, periods.fee_payment, &|_| false)
                .date
        })
    }

    /// The last day to supply the 补正 (the "reasonable period" of 第三十条; 15 working days from the
    /// notice by default), if a notice was sent.
    pub fn clarification_reply_due(
        &self,
        calendar: &Calendar,
        periods: Periods,
    ) -> Option<NaiveDate> {
        self.clarification.map(|(sent, _)| {
            calendar
                .add_working_days(sent, periods.clarification_reply, &|_| false)
                .date
        })
    }

    /// [`Self::apply`] plus the rules that need the calendar: a fee is deemed unpaid only after
    /// its period, and an extension is approved within the answer period. Every caller that
    /// records a step goes through here.
    pub fn apply_on(
        &self,
        event: &Event,
        calendar: &Calendar,
        periods: Periods,
    ) -> Result<Self, WorkflowError> {
        match event {
            Event::ClarificationLapsed { on } => {
                if let Some(due) = self.clarification_reply_due(calendar, periods)
                    && *on <= due
                {
                    return Err(WorkflowError::ClarificationPeriodRunning(due));
                }
            }
            Event::FeeLapsed { on } => {
                if let Some(due) = self.fee_payment_due(calendar, periods)
                    && *on <= due
                {
                    return Err(WorkflowError::PaymentPeriodRunning(due));
                }
            }
            Event::Extend { on, .. } => {
                let due = crate::deadline::deadlines(calendar, &self.clock_facts(*on), periods)
                    .ok()
                    .and_then(|d| d.due);
                if let Some(due) = due
                    && *on > due
                {
                    return Err(WorkflowError::ExtendTooLate(due));
                }
            }
            _ => {}
        }
        self.apply(event)
    }
}

impl crate::Refusal for WorkflowError {}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::calendar::Calendar;
    use crate::deadline::{Periods, deadlines};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn details() -> DecisionDetails {
        DecisionDetails {
            reasons: "理由".into(),
            provided: "提供的信息".into(),
            withheld: "不予公开的部分".into(),
            ..DecisionDetails::default()
        }
    }

    #[test]
    fn a_request_with_clarification_consultation_and_extension() {
        let mut s = RequestState::new(RequesterKind::Business, d("2025-03-03"));
        for e in [
            Event::RequestClarification {
                on: d("2025-03-05"),
                items: String::new(),
            },
            Event::Clarified {
                on: d("2025-03-20"),
            },
            Event::StartConsultation {
                on: d("2025-03-24"),
            },
            Event::EndConsultation {
                on: d("2025-03-28"),
            },
            Event::Extend {
                on: d("2025-04-10"),
                approved_by: "办公室主任".into(),
                reason: String::new(),
            },
        ] {
            s = s.apply(&e).unwrap();
        }
        let due = deadlines(
            &Calendar::built_in(),
            &s.clock_facts(d("2025-04-10")),
            Periods::default(),
        )
        .unwrap();
        assert_eq!(
            due.due,
            Some(d("2025-05-27")),
            "the same dates as `gongkai deadline`"
        );
        s = s
            .apply(&Event::Decide {
                on: d("2025-05-20"),
                outcome: Outcome::PartlyDisclosed,
                details: details(),
            })
            .unwrap();
        s = s
            .apply(&Event::Close {
                on: d("2025-05-21"),
            })
            .unwrap();
        assert_eq!(s.status, Status::Closed);
        assert_eq!(s.facts().decided.unwrap().outcome, Outcome::PartlyDisclosed);
    }

    #[test]
    fn status_keys_are_the_serde_names() {
        for st in [
            Status::Received,
            Status::AwaitingClarification,
            Status::InProgress,
            Status::Consulting,
            Status::AwaitingPayment,
            Status::Decided,
            Status::Closed,
        ] {
            assert_eq!(
                serde_json::to_value(st).ok(),
                Some(serde_json::Value::from(st.key()))
            );
        }
        assert_eq!(crate::intake::email_address(" a@b.cn "), Some("a@b.cn"));
        assert_eq!(crate::intake::email_address("13800000000"), None);
        assert_eq!(crate::intake::email_address("a@.cn"), None);
    }

    #[test]
    fn urgency_follows_the_clock() {
        let c = Calendar::built_in();
        let s = RequestState::new(RequesterKind::NaturalPerson, d("2025-03-03"));
        assert_eq!(
            s.urgency(&c, Periods::default(), d("2025-03-04")),
            Urgency::Normal
        );
        assert_eq!(
            s.urgency(&c, Periods::default(), d("2025-03-25")),
            Urgency::DueSoon,
            "due 2025-03-31"
        );
        assert_eq!(
            s.urgency(&c, Periods::default(), d("2025-04-01")),
            Urgency::Overdue
        );
        let waiting = s
            .apply(&Event::RequestClarification {
                on: d("2025-03-04"),
                items: String::new(),
            })
            .unwrap();
        assert_eq!(
            waiting.urgency(&c, Periods::default(), d("2025-05-01")),
            Urgency::AwaitingClarification
        );
        // Due 2025-03-31: answered that day is on time, the next day late; undecided, neither.
        assert_eq!(s.answered_late(&c, Periods::default()), None);
        for (on, late) in [("2025-03-31", false), ("2025-04-01", true)] {
            let decided = s
                .apply(&Event::Decide {
                    on: d(on),
                    outcome: Outcome::Disclosed,
                    details: details(),
                })
                .unwrap();
            assert_eq!(
                decided.answered_late(&c, Periods::default()),
                Some(late),
                "{on}"
            );
        }
    }

    #[test]
    fn the_rules_of_article_30_hold() {
        let s = RequestState::new(RequesterKind::NaturalPerson, d("2025-03-03"));
        let waiting = s
            .apply(&Event::RequestClarification {
                on: d("2025-03-04"),
                items: String::new(),
            })
            .unwrap();
        assert!(matches!(
            waiting.apply(&Event::RequestClarification {
                on: d("2025-03-05"),
                items: String::new(),
            }),
            Err(WorkflowError::ClarificationAgain(_))
        ));
        assert!(
            waiting
                .apply(&Event::Decide {
                    on: d("2025-03-10"),
                    outcome: Outcome::Disclosed,
                    details: details(),
                })
                .is_err()
        );
        let lapsed = waiting
            .apply(&Event::ClarificationLapsed {
                on: d("2025-04-01"),
            })
            .unwrap();
        assert_eq!(
            lapsed.facts().decided.unwrap().outcome,
            Outcome::OtherNoClarification
        );
        assert!(
            s.apply(&Event::Decide {
                on: d("2025-03-10"),
                outcome: Outcome::UnavailableStillUnclear,
                details: details(),
            })
            .is_err()
        );
        assert!(
            s.apply(&Event::Decide {
                on: d("2025-03-10"),
                outcome: Outcome::OtherNoClarification,
                details: details(),
            })
            .is_err()
        );
        assert!(matches!(
            s.apply(&Event::Accept {
                on: d("2025-03-01")
            }),
            Err(WorkflowError::BackInTime { .. })
        ));
    }

    #[test]
    fn a_fee_notice_stops_the_clock_until_paid_and_lapses_only_after_its_period() {
        let c = Calendar::built_in();
        let p = Periods::default();
        let s = RequestState::new(RequesterKind::NaturalPerson, d("2025-03-03"));
        assert_eq!(s.due(&c, p, d("2025-03-03")), Some(d("2025-03-31")));
        assert!(matches!(
            s.apply(&Event::NotifyFee {
                on: d("2025-03-05"),
                charge: Charge::PerRequest { nth_in_month: 10 }
            }),
            Err(WorkflowError::NothingToCharge)
        ));
        let notified = s
            .apply(&Event::NotifyFee {
                on: d("2025-03-05"),
                charge: Charge::PerPage { pages: 150 },
            })
            .unwrap();
        assert_eq!(
            notified.urgency(&c, p, d("2025-03-06")),
            Urgency::AwaitingPayment
        );
        // Payment period: 20 working days from the day after 2025-03-05.
        assert_eq!(notified.fee_payment_due(&c, p), Some(d("2025-04-02")));
        assert_eq!(
            notified.apply_on(
                &Event::FeeLapsed {
                    on: d("2025-04-02")
                },
                &c,
                p
            ),
            Err(WorkflowError::PaymentPeriodRunning(d("2025-04-02")))
        );
        let lapsed = notified
            .apply_on(
                &Event::FeeLapsed {
                    on: d("2025-04-03"),
                },
                &c,
                p,
            )
            .unwrap();
        assert_eq!(lapsed.decided.unwrap().outcome, Outcome::OtherFeeUnpaid);
        let paid = notified
            .apply(&Event::FeePaid {
                on: d("2025-03-12"),
            })
            .unwrap();
        // 03-05..03-12 (6 working days, both ends) do not count: due moves from 03-31 past the
        // 清明 holiday (04-04) to 04-09.
        assert_eq!(paid.due(&c, p, d("2025-03-12")), Some(d("2025-04-09")));
        let not_paused = Periods {
            fee_pauses_clock: false,
            ..p
        };
        assert_eq!(
            paid.due(&c, not_paused, d("2025-03-12")),
            Some(d("2025-03-31"))
        );
        assert!(matches!(
            paid.apply(&Event::NotifyFee {
                on: d("2025-03-13"),
                charge: Charge::PerPage { pages: 40 }
            }),
            Err(WorkflowError::FeeAgain(_))
        ));
    }

    #[test]
    fn a_fee_notice_goes_out_once_while_the_request_is_handled() {
        let s = RequestState::new(RequesterKind::NaturalPerson, d("2025-03-03"));
        assert!(s.may_notify_fee());
        let notified = s
            .apply(&Event::NotifyFee {
                on: d("2025-03-05"),
                charge: Charge::PerPage { pages: 40 },
            })
            .unwrap();
        assert!(!notified.may_notify_fee());
        let decided = s
            .apply(&Event::Decide {
                on: d("2025-03-05"),
                outcome: Outcome::Disclosed,
                details: DecisionDetails {
                    provided: "名单一份".into(),
                    ..DecisionDetails::default()
                },
            })
            .unwrap();
        assert!(!decided.may_notify_fee());
    }

    #[test]
    fn an_extension_must_come_within_the_answer_period_and_decisions_carry_reasons() {
        let c = Calendar::built_in();
        let p = Periods::default();
        let s = RequestState::new(RequesterKind::NaturalPerson, d("2025-03-03"));
        let late = Event::Extend {
            on: d("2025-04-01"),
            approved_by: "主任".into(),
            reason: String::new(),
        };
        assert_eq!(
            s.apply_on(&late, &c, p),
            Err(WorkflowError::ExtendTooLate(d("2025-03-31")))
        );
        let unapproved = Event::Extend {
            on: d("2025-03-20"),
            approved_by: "  ".into(),
            reason: String::new(),
        };
        assert_eq!(s.apply(&unapproved), Err(WorkflowError::ApproverMissing));
        let refusal = Event::Decide {
            on: d("2025-03-10"),
            outcome: Outcome::WithheldProcessInfo,
            details: DecisionDetails::default(),
        };
        assert!(matches!(
            s.apply(&refusal),
            Err(WorkflowError::DetailsMissing(_))
        ));
    }

    fn arb_event() -> impl Strategy<Value = Event> {
        (0u8..12, 0i64..15, 0usize..21).prop_map(|(k, step, o)| {
            let on = d("2025-01-02") + chrono::Duration::days(step);
            match k {
                0 => Event::Accept { on },
                1 => Event::RequestClarification {
                    on,
                    items: String::new(),
                },
                2 => Event::Clarified { on },
                3 => Event::ClarificationLapsed { on },
                4 => Event::StartConsultation { on },
                5 => Event::EndConsultation { on },
                6 => Event::Extend {
                    on,
                    approved_by: "负责人".into(),
                    reason: String::new(),
                },
                7 => Event::Decide {
                    on,
                    outcome: Outcome::ALL[o],
                    details: details(),
                },
                8 => Event::Close { on },
                9 => Event::NotifyFee {
                    on,
                    charge: Charge::PerRequest {
                        nth_in_month: u32::try_from(step).unwrap_or(0) + 5,
                    },
                },
                10 => Event::FeePaid { on },
                _ => Event::FeeLapsed { on },
            }
        })
    }

    proptest! {
        /// Whatever handlers attempt, an accepted sequence leaves a consistent request: dates never go
        /// back, a decision exists exactly when decided or closed, （六）1 only after a lapsed 补正, and
        /// its facts are always valid for the report.
        #[test]
        fn no_sequence_of_events_makes_an_inconsistent_request(events in prop::collection::vec(arb_event(), 0..25)) {
            let mut s = RequestState::new(RequesterKind::Research, d("2025-01-02"));
            let mut last = s.last_event_on;
            for e in &events {
                if let Ok(next) = s.apply(e) {
                    prop_assert!(next.last_event_on >= last);
                    last = next.last_event_on;
                    s = next;
                }
            }
            prop_assert_eq!(s.decided.is_some(), matches!(s.status, Status::Decided | Status::Closed));
            if let Some(dec) = s.decided {
                prop_assert!(dec.on >= s.received_on);
                if dec.outcome == Outcome::OtherNoClarification {
                    prop_assert!(matches!(s.clarification, Some((_, None))));
                }
                if dec.outcome == Outcome::OtherFeeUnpaid {
                    prop_assert!(s.fee.is_some_and(|f| f.paid_on.is_none()));
                }
                if dec.outcome == Outcome::UnavailableStillUnclear {
                    prop_assert!(matches!(s.clarification, Some((_, Some(_)))));
                }
            }
            prop_assert!(s.consultations.iter().all(|(f, t)| t.is_none_or(|t| t >= *f)));
            prop_assert!(s.consultations.iter().filter(|(_, t)| t.is_none()).count() <= 1);
            let _ = s.facts();
        }
    }
}

//! 监督保障: enquiries and complaints from the public (咨询 / 投诉), public evaluation (社会评议),
//! 人大代表建议 / 政协提案 handled, and the figures of them that the annual report quotes
//! (一（五） and 六（三）).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::audit::Entry;
use crate::calendar::Calendar;
use crate::notice::{Message, Notice, Recipient};

/// What the writer asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// 咨询: a question about disclosure or about published information.
    Enquiry,
    /// 投诉: a complaint that the agency failed a disclosure duty.
    Complaint,
}

impl MessageKind {
    /// Both, in the order forms list them.
    pub const ALL: [Self; 2] = [Self::Enquiry, Self::Complaint];

    /// The stored key.
    pub fn key(self) -> &'static str {
        match self {
            Self::Enquiry => "enquiry",
            Self::Complaint => "complaint",
        }
    }

    /// From the stored key.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Enquiry => "咨询",
            Self::Complaint => "投诉",
        }
    }
}

/// Working days within which the agency undertakes to reply (a service commitment, not a statutory
/// period: the 条例 sets none for enquiries; counties commonly promise 5).
pub const REPLY_WORKING_DAYS: u32 = 5;

/// A message as the public writes it, before it is accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewMessage {
    /// 咨询 or 投诉 (`enquiry` / `complaint`).
    pub kind: String,
    /// 姓名或名称.
    pub name: String,
    /// Telephone or e-mail, for the reply and for the tracking page.
    pub contact: String,
    /// 标题.
    pub subject: String,
    /// 内容.
    pub body: String,
    /// The writer agrees that question and answer may be published (without name and contact).
    pub may_publish: bool,
}

impl NewMessage {
    /// What is missing or wrong, per field, in Chinese.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut p = crate::text::control_problems([
            ("kind", self.kind.as_str(), false),
            ("name", self.name.as_str(), false),
            ("contact", self.contact.as_str(), false),
            ("subject", self.subject.as_str(), false),
            ("body", self.body.as_str(), true),
        ]);
        if MessageKind::from_key(&self.kind).is_none() {
            p.push(("kind", "请选择咨询或投诉。".to_owned()));
        }
        let name = self.name.trim();
        if name.is_empty() {
            p.push(("name", "请填写姓名或单位名称。".to_owned()));
        } else if name.chars().count() > 50 {
            p.push(("name", "姓名或名称不超过50个字。".to_owned()));
        }
        let contact = self.contact.trim();
        let digits = contact.chars().filter(char::is_ascii_digit).count();
        let email = crate::intake::email_address(contact).is_some();
        if contact.is_empty() {
            p.push((
                "contact",
                "请填写联系电话或电子邮箱，用于答复和查询。".to_owned(),
            ));
        } else if !email && !(7..=20).contains(&digits) {
            p.push((
                "contact",
                "联系方式应为电话号码（7至20位数字）或电子邮箱。".to_owned(),
            ));
        }
        let subject = self.subject.trim();
        if subject.is_empty() {
            p.push(("subject", "请填写标题。".to_owned()));
        } else if subject.chars().count() > 100 {
            p.push(("subject", "标题不超过100个字。".to_owned()));
        }
        let body = self.body.trim();
        if body.chars().count() < 5 {
            p.push(("body", "请写明咨询或投诉的内容（至少5个字）。".to_owned()));
        } else if body.chars().count() > 3000 {
            p.push(("body", "内容不超过3000个字。".to_owned()));
        }
        crate::text::first_per_field(&mut p);
        p
    }
}

/// Working days from receipt to reply (the day of receipt not counted), for reply-time statistics.
pub fn reply_working_days(calendar: &Calendar, received: NaiveDate, replied: NaiveDate) -> u32 {
    let mut n = 0;
    let mut d = received;
    while d < replied {
        d = d.succ_opt().unwrap_or(d);
        if calendar.is_working_day(d) {
            n += 1;
        }
    }
    n
}

/// Whether a message received on `received` and answered (or still open) on `on` has waited more
/// than [`REPLY_WORKING_DAYS`].
pub fn reply_late(calendar: &Calendar, received: NaiveDate, on: NaiveDate) -> bool {
    reply_working_days(calendar, received, on) > REPLY_WORKING_DAYS
}

/// Reply-time statistics of a set of messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReplyStats {
    /// Messages received.
    pub received: u32,
    /// Of which replied.
    pub replied: u32,
    /// Replied later than [`REPLY_WORKING_DAYS`].
    pub late: u32,
    /// Sum of working days to reply (for the average).
    pub total_days: u32,
    /// Longest wait in working days.
    pub longest: u32,
    /// Still open past [`REPLY_WORKING_DAYS`] on the day of the statistics.
    pub overdue_open: u32,
}

impl ReplyStats {
    /// Adds a message received on `received`, replied on `replied` if it was, as of `today`.
    pub fn add(
        &mut self,
        calendar: &Calendar,
        received: NaiveDate,
        replied: Option<NaiveDate>,
        today: NaiveDate,
    ) {
        self.received += 1;
        match replied {
            Some(r) => {
                let days = reply_working_days(calendar, received, r);
                self.replied += 1;
                self.total_days += days;
                self.longest = self.longest.max(days);
                if days > REPLY_WORKING_DAYS {
                    self.late += 1;
                }
            }
            None => {
                if reply_late(calendar, received, today) {
                    self.overdue_open += 1;
                }
            }
        }
    }

    /// Average working days to reply, to one decimal (`None` before any reply).
    pub fn average(&self) -> Option<String> {
        (self.replied > 0).then(|| {
            let tenths = (self.total_days * 10 + self.replied / 2) / self.replied;
            format!("{}.{}", tenths / 10, tenths % 10)
        })
    }
}

/// A rating is satisfied at 4 or 5 of 5 (满意、非常满意).
pub const SATISFIED_FROM: u8 = 4;

/// The quarter (1–4) of a date.
pub fn quarter(on: NaiveDate) -> u32 {
    (on.month() - 1) / 3 + 1
}

/// Public-evaluation figures of a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EvaluationStats {
    /// Ratings given.
    pub count: u32,
    /// Sum of ratings (for the average).
    pub sum: u32,
    /// Ratings of [`SATISFIED_FROM`] or more.
    pub satisfied: u32,
}

impl EvaluationStats {
    /// Adds one rating (1–5).
    pub fn add(&mut self, rating: u8) {
        self.count += 1;
        self.sum += u32::from(rating);
        if rating >= SATISFIED_FROM {
            self.satisfied += 1;
        }
    }

    /// The satisfied share as a whole percentage, rounded half up (`None` without ratings).
    pub fn satisfied_percent(&self) -> Option<u32> {
        (self.count > 0).then(|| (self.satisfied * 200 + self.count) / (self.count * 2))
    }

    /// Average rating to one decimal.
    pub fn average(&self) -> Option<String> {
        (self.count > 0).then(|| {
            let tenths = (self.sum * 10 + self.count / 2) / self.count;
            format!("{}.{}", tenths / 10, tenths % 10)
        })
    }
}

/// Which kind of proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalKind {
    /// 人大代表建议.
    DeputySuggestion,
    /// 政协提案.
    CommitteeProposal,
}

impl ProposalKind {
    /// Both.
    pub const ALL: [Self; 2] = [Self::DeputySuggestion, Self::CommitteeProposal];

    /// The stored key.
    pub fn key(self) -> &'static str {
        match self {
            Self::DeputySuggestion => "deputy_suggestion",
            Self::CommitteeProposal => "committee_proposal",
        }
    }

    /// From the stored key.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::DeputySuggestion => "人大代表建议",
            Self::CommitteeProposal => "政协提案",
        }
    }
}

/// The year's supervision figures the report quotes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Supervision {
    /// 咨询 received in the year.
    pub enquiries: u32,
    /// 投诉 received in the year.
    pub complaints: u32,
    /// Of those, replied.
    pub replied: u32,
    /// Public evaluations in the year.
    pub evaluations: EvaluationStats,
    /// 人大代表建议 handled (received in the year).
    pub deputy_suggestions: u32,
    /// 政协提案 handled.
    pub committee_proposals: u32,
    /// Of the suggestions and proposals, results published.
    pub results_published: u32,
}

impl Supervision {
    /// The sentence for 一（五）监督保障 (empty when nothing was received: the staff text speaks).
    pub fn sentence(&self, year: i32) -> String {
        let mut parts = Vec::new();
        if self.enquiries + self.complaints > 0 {
            parts.push(format!(
                "通过网站咨询投诉渠道收到咨询{}件、投诉{}件，已答复{}件",
                self.enquiries, self.complaints, self.replied
            ));
        }
        if let Some(p) = self.evaluations.satisfied_percent() {
            parts.push(format!(
                "收到社会评议{}条，满意率{p}%",
                self.evaluations.count
            ));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("{year}年，{}。", parts.join("；"))
        }
    }

    /// The sentence for 六（三）人大代表建议和政协提案办理结果公开情况.
    pub fn proposals_sentence(&self, year: i32, agency_short: &str) -> String {
        if self.deputy_suggestions + self.committee_proposals == 0 {
            return format!("{year}年，{agency_short}未承办人大代表建议和政协提案。");
        }
        format!(
            "{year}年，{agency_short}承办人大代表建议{}件、政协提案{}件，公开办理结果{}件。",
            self.deputy_suggestions, self.committee_proposals, self.results_published
        )
    }
}

/// Accepts a message from the public: refused with every problem of the form, or its kind, the
/// notice to the agency's case officers and the audit record.
pub fn accept(
    slug: &str,
    code: &str,
    m: &NewMessage,
) -> Result<(MessageKind, Vec<Notice>, Entry), crate::Rejection> {
    if let Some(r) = crate::Rejection::from_problems(m.problems()) {
        return Err(r);
    }
    let kind = MessageKind::from_key(&m.kind).unwrap_or(MessageKind::Enquiry);
    let notice = Notice {
        to: Recipient::CaseOfficers,
        message: Message::MessageArrived {
            kind: kind.label().to_owned(),
            slug: slug.to_owned(),
            code: code.to_owned(),
            subject: m.subject.trim().to_owned(),
        },
    };
    let audit = Entry::new(
        Some(slug),
        "message.receive",
        format!("message:{code}"),
        format!("收到{}", kind.label()),
    );
    Ok((kind, vec![notice], audit))
}

/// A message as a reply needs it.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    /// 咨询 or 投诉.
    pub kind: MessageKind,
    /// The writer agreed to publication.
    pub may_publish: bool,
    /// Whether it was replied to already.
    pub replied: bool,
    /// The writer's contact.
    pub contact: &'a str,
    /// Its subject.
    pub subject: &'a str,
}

/// Shortest reply accepted.
pub const REPLY_MIN_CHARS: usize = 5;

/// Replies to a message: refused when the reply says nothing, when it was answered already (a
/// reply is given once and never changed), or when it would be published without the writer's
/// consent; else the mail to the writer (if they left an e-mail address) and the audit record.
pub fn reply(
    slug: &str,
    code: &str,
    m: Received<'_>,
    reply: &str,
    publish: bool,
) -> Result<(Vec<Notice>, Entry), crate::Rejection> {
    let reply = reply.trim();
    if reply.chars().count() < REPLY_MIN_CHARS {
        return Err(crate::Rejection::field(
            "reply",
            "答复内容太短：请写明答复意见（至少5个字）。",
        ));
    }
    if m.replied {
        return Err(crate::Rejection::new("这条留言已经答复过，答复不能修改。"));
    }
    if publish && !m.may_publish {
        return Err(crate::Rejection::field(
            "publish",
            "留言人未同意公开，不能在网站公开这条留言及答复。",
        ));
    }
    let notice = Notice::to_contact(
        m.contact,
        Message::MessageReplied {
            kind: m.kind.label().to_owned(),
            code: code.to_owned(),
            subject: m.subject.to_owned(),
            reply: reply.to_owned(),
        },
    );
    let audit = Entry::new(
        Some(slug),
        "message.reply",
        format!("message:{code}"),
        format!(
            "答复{}{}",
            m.kind.label(),
            if publish { "并在网站公开" } else { "" }
        ),
    );
    Ok((notice.into_iter().collect(), audit))
}

/// Longest comment of a public evaluation.
pub const COMMENT_MAX_CHARS: usize = 500;

/// A public evaluation's rating (1–5 stars) and comment, checked.
pub fn check_evaluation(rating: u8, comment: &str) -> Result<(), crate::Rejection> {
    if !(1..=5).contains(&rating) {
        return Err(crate::Rejection::field("rating", "请选择1到5星的评价。"));
    }
    if comment.trim().chars().count() > COMMENT_MAX_CHARS {
        return Err(crate::Rejection::field("comment", "意见不超过500个字。"));
    }
    Ok(())
}

/// A 人大代表建议 or 政协提案 the agency handled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Proposal {
    /// Row id (0 before it is saved).
    pub id: i64,
    /// `deputy_suggestion` or `committee_proposal`.
    pub kind: String,
    /// The session year.
    pub year: i32,
    /// Its number (e.g. `第58号`).
    pub number: String,
    /// Title.
    pub title: String,
    /// Deputy or member (a public role) or group.
    pub submitter: String,
    /// The agency leads (主办) rather than assists (协办).
    pub lead: bool,
    /// Day assigned to the agency.
    pub received_on: Option<NaiveDate>,
    /// Day answered.
    pub replied_on: Option<NaiveDate>,
    /// What was done (答复 / 办理结果).
    pub result: String,
    /// Day the result was published.
    pub published_on: Option<NaiveDate>,
}

impl Proposal {
    /// Checks a proposal before it is saved: its kind and the day it was assigned, or the first
    /// thing to correct.
    pub fn check(&self) -> Result<(ProposalKind, NaiveDate), crate::Rejection> {
        let kind = ProposalKind::from_key(&self.kind)
            .ok_or_else(|| crate::Rejection::field("kind", "请选择人大代表建议或政协提案。"))?;
        if self.number.trim().is_empty() || self.title.trim().is_empty() {
            return Err(crate::Rejection::field("number", "请填写编号和标题。"));
        }
        let received = self
            .received_on
            .ok_or_else(|| crate::Rejection::field("received_on", "请填写交办日期。"))?;
        if self.replied_on.is_some_and(|r| r < received) {
            return Err(crate::Rejection::field(
                "replied_on",
                "答复日期不能早于交办日期。",
            ));
        }
        if self.published_on.is_some()
            && (self.replied_on.is_none() || self.result.trim().is_empty())
        {
            return Err(crate::Rejection::field(
                "published_on",
                "公开办理结果前，请先填写答复日期和办理结果。",
            ));
        }
        Ok((kind, received))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn messages_are_checked_field_by_field() {
        let ok = NewMessage {
            kind: "complaint".into(),
            name: "张三".into(),
            contact: "0533-3221234".into(),
            subject: "主动公开栏目长期未更新".into(),
            body: "政府会议栏目半年没有更新。".into(),
            may_publish: true,
        };
        assert!(ok.problems().is_empty());
        let bad = NewMessage {
            kind: "praise".into(),
            contact: "12".into(),
            body: "短".into(),
            ..NewMessage::default()
        };
        let fields: Vec<_> = bad.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["kind", "name", "contact", "subject", "body"]);
        let email = NewMessage {
            contact: "a@example.cn".into(),
            ..ok
        };
        assert!(email.problems().is_empty());
    }

    #[test]
    fn reply_times_count_working_days() {
        let c = Calendar::built_in();
        // Friday 2025-09-26 → Thursday 2025-10-09: 09-28 (Sunday), 09-29, 09-30 and 10-09.
        assert_eq!(reply_working_days(&c, d("2025-09-26"), d("2025-10-09")), 4);
        assert_eq!(reply_working_days(&c, d("2025-03-03"), d("2025-03-03")), 0);
        // Monday 03-03 + 5 working days is Monday 03-10: on time; Tuesday 03-11 is late.
        assert!(!reply_late(&c, d("2025-03-03"), d("2025-03-10")));
        assert!(reply_late(&c, d("2025-03-03"), d("2025-03-11")));
        let mut s = ReplyStats::default();
        s.add(&c, d("2025-03-03"), Some(d("2025-03-04")), d("2025-04-01"));
        s.add(&c, d("2025-03-03"), Some(d("2025-03-17")), d("2025-04-01"));
        s.add(&c, d("2025-03-03"), None, d("2025-04-01"));
        assert_eq!(
            (s.received, s.replied, s.late, s.longest, s.overdue_open),
            (3, 2, 1, 10, 1)
        );
        assert_eq!(s.average().as_deref(), Some("5.5"));
    }

    #[test]
    fn the_report_sentences_state_the_figures() {
        let mut e = EvaluationStats::default();
        for r in [5, 4, 3] {
            e.add(r);
        }
        let s = Supervision {
            enquiries: 3,
            complaints: 1,
            replied: 4,
            evaluations: e,
            ..Supervision::default()
        };
        assert_eq!(
            s.sentence(2025),
            "2025年，通过网站咨询投诉渠道收到咨询3件、投诉1件，已答复4件；收到社会评议3条，满意率67%。"
        );
        assert_eq!(Supervision::default().sentence(2025), "");
        assert_eq!(
            Supervision::default().proposals_sentence(2024, "西里镇"),
            "2024年，西里镇未承办人大代表建议和政协提案。"
        );
    }

    proptest! {
        /// The satisfied share is between 0 and 100 and the average between 1 and 5.
        #[test]
        fn evaluation_figures_stay_in_range(ratings in proptest::collection::vec(1u8..=5, 1..200)) {
            let mut e = EvaluationStats::default();
            for r in &ratings {
                e.add(*r);
            }
            let p = e.satisfied_percent().unwrap_or(999);
            prop_assert!(p <= 100);
            let avg: f64 = e.average().unwrap_or_default().parse().unwrap_or(0.0);
            prop_assert!((1.0..=5.0).contains(&avg));
        }

        /// Replying later never takes fewer working days.
        #[test]
        fn reply_days_grow_with_the_reply_date(start in 0i64..700, a in 0i64..60, b in 0i64..60) {
            let c = Calendar::built_in();
            let received = d("2024-01-01") + chrono::Duration::days(start);
            let (x, y) = (a.min(b), a.max(b));
            let early = reply_working_days(&c, received, received + chrono::Duration::days(x));
            let late = reply_working_days(&c, received, received + chrono::Duration::days(y));
            prop_assert!(early <= late);
        }
    }
}

//! Proactive disclosure items (主动公开信息) and their review (起草 → 科室负责人初审 → 分管领导终审 →
//! 发布): the metadata the 条例 and the portals require (`spec/regulations.md` §4), the index number
//! (索引号) assigned on publication and never changed, and the review workflow as a state machine
//! that only lets an item out after two other people holding the two reviewer roles approved it.

use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::request::UnknownKey;

/// 公开属性 (§4.3): fixed at drafting, with reasons for the two that are not proactive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    /// 主动公开 — published on the portal.
    Proactive,
    /// 依申请公开 — never on the portal; given on request.
    OnRequest,
    /// 不予公开 — never on the portal.
    Withheld,
}

impl Attribute {
    /// Every attribute.
    pub const ALL: [Self; 3] = [Self::Proactive, Self::OnRequest, Self::Withheld];

    /// Machine key.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Proactive => "proactive",
            Self::OnRequest => "on_request",
            Self::Withheld => "withheld",
        }
    }

    /// What the metadata block shows (公开方式).
    pub const fn label(self) -> &'static str {
        match self {
            Self::Proactive => "主动公开",
            Self::OnRequest => "依申请公开",
            Self::Withheld => "不予公开",
        }
    }
}

impl FromStr for Attribute {
    type Err = UnknownKey;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|a| a.key() == s)
            .ok_or_else(|| UnknownKey {
                what: "公开属性",
                key: s.to_owned(),
            })
    }
}

/// What kind of document an item is: 规章 and 行政规范性文件 carry 有效性 and need a 解读.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// 规章.
    Rule,
    /// 行政规范性文件.
    NormativeDocument,
    /// 政策解读 of another item.
    Interpretation,
    /// Anything else (notices, news, plans, budgets …).
    Other,
}

impl DocKind {
    /// Every kind.
    pub const ALL: [Self; 4] = [
        Self::Rule,
        Self::NormativeDocument,
        Self::Interpretation,
        Self::Other,
    ];

    /// Machine key.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Rule => "rule",
            Self::NormativeDocument => "normative_document",
            Self::Interpretation => "interpretation",
            Self::Other => "other",
        }
    }

    /// What a person reads.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Rule => "规章",
            Self::NormativeDocument => "行政规范性文件",
            Self::Interpretation => "政策解读",
            Self::Other => "其他文件",
        }
    }

    /// Whether the document needs a 政策解读 (§4.4: flag policies of these kinds without one).
    pub const fn needs_interpretation(self) -> bool {
        matches!(self, Self::Rule | Self::NormativeDocument)
    }
}

impl FromStr for DocKind {
    type Err = UnknownKey;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.key() == s)
            .ok_or_else(|| UnknownKey {
                what: "文件类型",
                key: s.to_owned(),
            })
    }
}

/// 有效性 of a 规章 or 行政规范性文件.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Validity {
    /// 有效.
    Valid,
    /// 失效 (its period ended) on a date.
    Expired {
        /// 失效日期.
        on: NaiveDate,
    },
    /// 废止 on a date.
    Repealed {
        /// 废止日期.
        on: NaiveDate,
    },
}

impl Validity {
    /// What the metadata block shows.
    pub fn label(self) -> String {
        match self {
            Self::Valid => "有效".to_owned(),
            Self::Expired { on } => format!("失效（{on}）"),
            Self::Repealed { on } => format!("废止（{on}）"),
        }
    }
}

/// The 索引号 template of an agency (§4.1), e.g. the default `{code}/{yyyy}-{serial:5}`,
/// 安徽's `{code}/{yyyymm}-{serial:5}`, or a 9-character 组织机构代码 written literally
/// (`000014349/{yyyy}-{serial:5}`). The serial runs per agency per period (year, or month with
/// `{yyyymm}`) and is never reused, so a number is unique as long as the period is in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexTemplate {
    /// The agency's 统一社会信用代码, for `{code}`.
    pub code: String,
    /// The pattern.
    pub pattern: String,
}

/// The pattern every agency starts with.
pub const DEFAULT_INDEX_PATTERN: &str = "{code}/{yyyy}-{serial:5}";

/// Why an index-number pattern cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("索引号格式“{pattern}”无法使用：{reason}")]
pub struct PatternError {
    /// The pattern as given.
    pub pattern: String,
    /// What is wrong and what to do.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Code,
    Year,
    YearMonth,
    Serial(usize),
}

fn pieces(pattern: &str) -> Result<Vec<Piece>, PatternError> {
    let err = |reason: &str| PatternError {
        pattern: pattern.to_owned(),
        reason: reason.to_owned(),
    };
    let mut out = Vec::new();
    let mut rest = pattern;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('{') {
            let close = after.find('}').ok_or_else(|| err("“{”没有配对的“}”。"))?;
            let name = &after[..close];
            out.push(match name {
                "code" => Piece::Code,
                "yyyy" => Piece::Year,
                "yyyymm" => Piece::YearMonth,
                _ => match name.strip_prefix("serial:").map(str::parse::<usize>) {
                    Some(Ok(w)) if (3..=8).contains(&w) => Piece::Serial(w),
                    Some(_) => return Err(err("流水号位数应为3到8，如 {serial:5}。")),
                    None => {
                        return Err(err(&format!(
                            "不认识“{{{name}}}”；可用 {{code}} {{yyyy}} {{yyyymm}} {{serial:5}}。"
                        )));
                    }
                },
            });
            rest = &after[close + 1..];
        } else {
            let next = rest.find('{').unwrap_or(rest.len());
            let text = &rest[..next];
            if !text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'))
            {
                return Err(err("固定部分只能用字母、数字和 / - _ . 。"));
            }
            out.push(Piece::Text(text.to_owned()));
            rest = &rest[next..];
        }
    }
    let count = |p: fn(&Piece) -> bool| out.iter().filter(|x| p(x)).count();
    if count(|p| matches!(p, Piece::Serial(_))) != 1 {
        return Err(err("要有且只有一个流水号 {serial:N}。"));
    }
    if count(|p| matches!(p, Piece::Year | Piece::YearMonth)) != 1 {
        return Err(err(
            "要有且只有一个年份 {yyyy} 或年月 {yyyymm}（流水号按年或按月编排，年份保证不重号）。",
        ));
    }
    if pattern.chars().count() > 60 {
        return Err(err("格式太长（最多60个字符）。"));
    }
    Ok(out)
}

/// Checks a pattern before it is saved.
pub fn check_index_pattern(pattern: &str) -> Result<(), PatternError> {
    pieces(pattern).map(|_| ())
}

impl IndexTemplate {
    /// The default: `<统一社会信用代码>/<year>-<5-digit serial>`.
    pub fn for_code(code: &str) -> Self {
        Self {
            code: code.to_owned(),
            pattern: DEFAULT_INDEX_PATTERN.to_owned(),
        }
    }

    fn pieces(&self) -> Vec<Piece> {
        pieces(&self.pattern).unwrap_or_else(|_| {
            pieces(DEFAULT_INDEX_PATTERN).expect("the default pattern is valid")
        })
    }

    /// The period key the serial runs in, for a publication date.
    pub fn period(&self, on: NaiveDate) -> String {
        if self.pieces().contains(&Piece::YearMonth) {
            format!("{}{:02}", on.year(), on.month())
        } else {
            on.year().to_string()
        }
    }

    /// The index number of the `serial`-th item published in the period of `on`.
    pub fn number(&self, on: NaiveDate, serial: u32) -> String {
        self.pieces()
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => t,
                Piece::Code => self.code.clone(),
                Piece::Year => on.year().to_string(),
                Piece::YearMonth => format!("{}{:02}", on.year(), on.month()),
                Piece::Serial(w) => format!("{serial:0w$}"),
            })
            .collect()
    }
}

/// What an item says: the metadata block of its page (§4.2) and its body. The body is HTML already
/// sanitised by the edge that received it (only the allowlisted tags of rich text survive).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemContent {
    /// 标题 / 名称.
    pub title: String,
    /// 发文字号 (may be empty for items that are not documents).
    pub doc_number: String,
    /// 成文日期.
    pub written_on: Option<NaiveDate>,
    /// The day the information was formed or changed (条例 第二十六条: publish within 20 working
    /// days).
    pub formed_on: Option<NaiveDate>,
    /// 公开属性.
    pub attribute: Option<Attribute>,
    /// Why 依申请公开 or 不予公开.
    pub attribute_reason: String,
    /// 主题分类, `一级\二级`.
    pub topic: String,
    /// The catalogue category (栏目) it belongs to.
    pub category: String,
    /// 规章 / 行政规范性文件 / 政策解读 / other.
    pub kind: Option<DocKind>,
    /// 有效性, for 规章 and 行政规范性文件.
    pub validity: Option<Validity>,
    /// 关键词 / 主题词.
    pub keywords: String,
    /// 内容概述 (≤ 150 characters by the common convention).
    pub summary: String,
    /// The body, sanitised HTML.
    pub body_html: String,
    /// For a 政策解读: the item it interprets.
    pub interprets: Option<i64>,
}

/// Longest 内容概述 accepted (the convention of §2.2 G6: ≤ 150 characters).
pub const SUMMARY_MAX: usize = 150;

impl ItemContent {
    /// What must be corrected before the item can go to review, by field, in Chinese. Drafts may be
    /// saved incomplete; submission requires this to be empty.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::new();
        let blank = |s: &str| s.trim().is_empty();
        if blank(&self.title) {
            p.push(("title", "请填写标题。".to_owned()));
        } else if self.title.chars().count() > 200 {
            p.push(("title", "标题不超过200个字。".to_owned()));
        }
        if blank(&self.category) {
            p.push(("category", "请选择所属栏目。".to_owned()));
        }
        match self.attribute {
            None => p.push(("attribute", "请选择公开属性。".to_owned())),
            Some(Attribute::OnRequest | Attribute::Withheld) if blank(&self.attribute_reason) => {
                p.push((
                    "attribute_reason",
                    "依申请公开或不予公开须写明理由和依据。".to_owned(),
                ));
            }
            _ => {}
        }
        if self.kind.is_none() {
            p.push(("kind", "请选择文件类型。".to_owned()));
        }
        if self.kind.is_some_and(DocKind::needs_interpretation) {
            if blank(&self.doc_number) {
                p.push((
                    "doc_number",
                    "规章和行政规范性文件须填写发文字号。".to_owned(),
                ));
            }
            if self.validity.is_none() {
                p.push(("validity", "规章和行政规范性文件须标明有效性。".to_owned()));
            }
        }
        if self.kind == Some(DocKind::Interpretation) && self.interprets.is_none() {
            p.push(("interprets", "政策解读须关联所解读的文件。".to_owned()));
        }
        if self.formed_on.is_none() {
            p.push((
                "formed_on",
                "请填写信息形成（变更）日期，用于计算20个工作日的公开时限。".to_owned(),
            ));
        }
        if let (Some(w), Some(f)) = (self.written_on, self.formed_on)
            && f < w
        {
            p.push(("formed_on", "形成日期不能早于成文日期。".to_owned()));
        }
        if blank(&self.summary) {
            p.push(("summary", "请填写内容概述。".to_owned()));
        } else if self.summary.chars().count() > SUMMARY_MAX {
            p.push(("summary", format!("内容概述不超过{SUMMARY_MAX}个字。")));
        }
        if blank(&self.body_html) {
            p.push(("body", "请填写正文。".to_owned()));
        }
        p
    }
}

/// Largest attachment accepted (20 MB).
pub const ATTACHMENT_MAX: usize = 20 * 1024 * 1024;

/// Why an attachment is refused. Messages are for staff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    /// Not one of the accepted types, or its content is not what its name says.
    #[error(
        "附件“{0}”不是可接受的类型：只接受 PDF、Word（.docx）、Excel（.xlsx）和 PNG、JPEG 图片，且文件内容须与扩展名一致"
    )]
    Type(String),
    /// Too large.
    #[error("附件“{0}”超过20MB，请压缩或拆分后上传")]
    TooLarge(String),
    /// Empty.
    #[error("附件“{0}”是空文件")]
    Empty(String),
}

/// The content type of an attachment, checked by extension and by the file's first bytes (so a
/// renamed executable or HTML page is refused).
pub fn attachment_type(name: &str, bytes: &[u8]) -> Result<&'static str, AttachmentError> {
    if bytes.is_empty() {
        return Err(AttachmentError::Empty(name.to_owned()));
    }
    if bytes.len() > ATTACHMENT_MAX {
        return Err(AttachmentError::TooLarge(name.to_owned()));
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let zip = bytes.starts_with(b"PK\x03\x04");
    let kind = match ext.as_str() {
        "pdf" if bytes.starts_with(b"%PDF-") => "application/pdf",
        "docx" if zip => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" if zip => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "png" if bytes.starts_with(b"\x89PNG\r\n\x1a\n") => "image/png",
        "jpg" | "jpeg" if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) => "image/jpeg",
        _ => return Err(AttachmentError::Type(name.to_owned())),
    };
    Ok(kind)
}

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// Being written (also after being sent back).
    Draft,
    /// Waiting for the department head (科室负责人初审).
    FirstReview,
    /// Waiting for the leader in charge (分管领导终审).
    FinalReview,
    /// On the portal.
    Published,
    /// Taken off the portal, with a reason.
    Withdrawn,
}

impl ItemStatus {
    /// What a person reads.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::FirstReview => "待初审",
            Self::FinalReview => "待终审",
            Self::Published => "已发布",
            Self::Withdrawn => "已撤回",
        }
    }

    /// Machine key.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::FirstReview => "first_review",
            Self::FinalReview => "final_review",
            Self::Published => "published",
            Self::Withdrawn => "withdrawn",
        }
    }
}

/// Who acts on an item, with the roles they hold in its agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reviewer {
    /// User id.
    pub user_id: i64,
    /// Holds the drafter role.
    pub drafter: bool,
    /// Holds the 初审 role.
    pub first: bool,
    /// Holds the 终审 role.
    pub final_: bool,
}

/// A review step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum ReviewStep {
    /// The drafter sends the draft to review.
    Submit,
    /// 初审 approved.
    ApproveFirst,
    /// 终审 approved: the item is published.
    ApproveFinal,
    /// Sent back to the drafter from either review, with what to change.
    SendBack {
        /// Why.
        reason: String,
    },
    /// Taken off the portal (or repealed), with a reason.
    Withdraw {
        /// Why.
        reason: String,
    },
}

impl ReviewStep {
    /// Audit key.
    pub const fn key(&self) -> &'static str {
        match self {
            Self::Submit => "item.submit",
            Self::ApproveFirst => "item.approve_first",
            Self::ApproveFinal => "item.publish",
            Self::SendBack { .. } => "item.send_back",
            Self::Withdraw { .. } => "item.withdraw",
        }
    }

    /// What the history shows.
    pub fn summary(&self) -> String {
        match self {
            Self::Submit => "提交初审".to_owned(),
            Self::ApproveFirst => "初审通过，提交终审".to_owned(),
            Self::ApproveFinal => "终审通过，发布".to_owned(),
            Self::SendBack { reason } => format!("退回修改：{reason}"),
            Self::Withdraw { reason } => format!("撤回：{reason}"),
        }
    }
}

/// Why a review step cannot happen. Messages are for staff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    /// Not from this status.
    #[error("信息当前状态为“{}”，不能{what}", status.label())]
    NotAllowed {
        /// The status.
        status: ItemStatus,
        /// What was attempted.
        what: &'static str,
    },
    /// The person lacks the role.
    #[error("{0}")]
    NoRole(&'static str),
    /// The drafter (or the first reviewer) cannot review their own work.
    #[error("{0}")]
    SamePerson(&'static str),
    /// A reason is required.
    #[error("请写明{0}")]
    NoReason(&'static str),
}

/// An item's review state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewState {
    /// Where it stands.
    pub status: ItemStatus,
    /// Who drafted it.
    pub drafter: i64,
    /// Who approved the first review (this round).
    pub first_reviewer: Option<i64>,
    /// Who approved the final review (this round).
    pub final_reviewer: Option<i64>,
    /// Why it was last sent back or withdrawn.
    pub reason: Option<String>,
}

impl ReviewState {
    /// A new draft by `drafter`.
    pub fn new(drafter: i64) -> Self {
        Self {
            status: ItemStatus::Draft,
            drafter,
            first_reviewer: None,
            final_reviewer: None,
            reason: None,
        }
    }

    /// The state after `who` takes `step`, or why not.
    pub fn apply(&self, step: &ReviewStep, who: Reviewer) -> Result<Self, ReviewError> {
        use ItemStatus as S;
        let not = |what| ReviewError::NotAllowed {
            status: self.status,
            what,
        };
        let mut next = self.clone();
        match step {
            ReviewStep::Submit => {
                if self.status != S::Draft {
                    return Err(not("提交审核"));
                }
                if !who.drafter {
                    return Err(ReviewError::NoRole("只有本机关的起草人可以提交审核"));
                }
                next.status = S::FirstReview;
                next.first_reviewer = None;
                next.final_reviewer = None;
            }
            ReviewStep::ApproveFirst => {
                if self.status != S::FirstReview {
                    return Err(not("初审"));
                }
                if !who.first {
                    return Err(ReviewError::NoRole("只有科室负责人（初审）可以初审"));
                }
                if who.user_id == self.drafter {
                    return Err(ReviewError::SamePerson("起草人不能审核自己起草的信息"));
                }
                next.status = S::FinalReview;
                next.first_reviewer = Some(who.user_id);
            }
            ReviewStep::ApproveFinal => {
                if self.status != S::FinalReview {
                    return Err(not("终审"));
                }
                if !who.final_ {
                    return Err(ReviewError::NoRole("只有分管领导（终审）可以终审"));
                }
                if who.user_id == self.drafter {
                    return Err(ReviewError::SamePerson("起草人不能审核自己起草的信息"));
                }
                if Some(who.user_id) == self.first_reviewer {
                    return Err(ReviewError::SamePerson("初审和终审须由不同的人完成"));
                }
                next.status = S::Published;
                next.final_reviewer = Some(who.user_id);
                next.reason = None;
            }
            ReviewStep::SendBack { reason } => {
                let may = match self.status {
                    S::FirstReview => who.first,
                    S::FinalReview => who.final_,
                    _ => return Err(not("退回")),
                };
                if !may {
                    return Err(ReviewError::NoRole("只有当前环节的审核人可以退回"));
                }
                if reason.trim().is_empty() {
                    return Err(ReviewError::NoReason("退回理由"));
                }
                next.status = S::Draft;
                next.first_reviewer = None;
                next.final_reviewer = None;
                next.reason = Some(reason.trim().to_owned());
            }
            ReviewStep::Withdraw { reason } => {
                if self.status != S::Published {
                    return Err(not("撤回"));
                }
                if !who.final_ {
                    return Err(ReviewError::NoRole(
                        "只有分管领导（终审）可以撤回已发布的信息",
                    ));
                }
                if reason.trim().is_empty() {
                    return Err(ReviewError::NoReason("撤回理由"));
                }
                next.status = S::Withdrawn;
                next.reason = Some(reason.trim().to_owned());
            }
        }
        Ok(next)
    }
}

impl ReviewState {
    /// Whether `who` may take `step` now (the rule of [`Self::apply`], nothing else).
    pub fn may(&self, step: &ReviewStep, who: Reviewer) -> bool {
        self.apply(step, who).is_ok()
    }

    /// Whether the item waits for `who`: their draft to finish, or their review to give.
    pub fn waits_for(&self, who: Reviewer) -> bool {
        match self.status {
            ItemStatus::Draft => self.drafter == who.user_id,
            ItemStatus::FirstReview => self.may(&ReviewStep::ApproveFirst, who),
            ItemStatus::FinalReview => self.may(&ReviewStep::ApproveFinal, who),
            ItemStatus::Published | ItemStatus::Withdrawn => false,
        }
    }
}

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
    use proptest::prelude::*;

    use super::*;

    fn person(user_id: i64, drafter: bool, first: bool, final_: bool) -> Reviewer {
        Reviewer {
            user_id,
            drafter,
            first,
            final_,
        }
    }

    #[test]
    fn an_item_goes_through_both_reviews_by_other_people() {
        let drafter = person(1, true, false, false);
        let head = person(2, false, true, false);
        let leader = person(3, false, false, true);
        let s = ReviewState::new(1);
        let s = s.apply(&ReviewStep::Submit, drafter).unwrap();
        assert!(matches!(
            s.apply(&ReviewStep::ApproveFinal, leader),
            Err(ReviewError::NotAllowed { .. })
        ));
        let s = s.apply(&ReviewStep::ApproveFirst, head).unwrap();
        let back = s
            .apply(
                &ReviewStep::SendBack {
                    reason: "请补充文号".into(),
                },
                leader,
            )
            .unwrap();
        assert_eq!(back.status, ItemStatus::Draft);
        assert_eq!(back.first_reviewer, None, "a new round needs a new 初审");
        let s = s.apply(&ReviewStep::ApproveFinal, leader).unwrap();
        assert_eq!(s.status, ItemStatus::Published);
        // A person with both roles cannot do both reviews.
        let both = person(4, false, true, true);
        let s2 = ReviewState::new(1)
            .apply(&ReviewStep::Submit, drafter)
            .unwrap()
            .apply(&ReviewStep::ApproveFirst, both)
            .unwrap();
        assert!(matches!(
            s2.apply(&ReviewStep::ApproveFinal, both),
            Err(ReviewError::SamePerson(_))
        ));
    }

    #[test]
    fn attachments_are_checked_by_name_and_content() {
        assert_eq!(
            attachment_type("通知.pdf", b"%PDF-1.7 ..."),
            Ok("application/pdf")
        );
        assert_eq!(
            attachment_type("图.PNG", b"\x89PNG\r\n\x1a\n...").map(|_| ()),
            Ok(())
        );
        assert!(attachment_type("伪装.pdf", b"MZ\x90\x00").is_err());
        assert!(attachment_type("网页.html", b"<html>").is_err());
        assert!(attachment_type("空.pdf", b"").is_err());
    }

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

    #[test]
    fn index_numbers_follow_the_template() {
        let t = IndexTemplate::for_code("11370323004345133C");
        let on = NaiveDate::from_ymd_opt(2024, 3, 5).unwrap_or_default();
        assert_eq!(t.number(on, 7), "11370323004345133C/2024-00007");
        let monthly = IndexTemplate {
            pattern: "{code}/{yyyymm}-{serial:5}".into(),
            ..t.clone()
        };
        assert_eq!(monthly.number(on, 57), "11370323004345133C/202403-00057");
        assert_eq!(monthly.period(on), "202403");
        let old_code = IndexTemplate {
            pattern: "000014349/{yyyy}-{serial:5}".into(),
            ..t.clone()
        };
        assert_eq!(old_code.number(on, 110), "000014349/2024-00110");
        let shaanxi = IndexTemplate {
            pattern: "6107280000/{yyyy}-{serial:6}".into(),
            ..t
        };
        assert_eq!(shaanxi.number(on, 1005), "6107280000/2024-001005");
        for bad in [
            "{code}-{serial:5}",
            "{code}/{yyyy}",
            "{code}/{yyyy}-{serial:5}-{serial:3}",
            "{code}/{yyyy}-{serial:12}",
            "{机关}/{yyyy}-{serial:5}",
            "代码/{yyyy}-{serial:5}",
            "{code/{yyyy}",
        ] {
            assert!(check_index_pattern(bad).is_err(), "{bad}");
        }
        assert!(check_index_pattern(DEFAULT_INDEX_PATTERN).is_ok());
    }

    fn arb_step() -> impl Strategy<Value = ReviewStep> {
        prop_oneof![
            Just(ReviewStep::Submit),
            Just(ReviewStep::ApproveFirst),
            Just(ReviewStep::ApproveFinal),
            Just(ReviewStep::SendBack {
                reason: "改".into()
            }),
            Just(ReviewStep::Withdraw {
                reason: "撤".into()
            }),
        ]
    }

    fn arb_person() -> impl Strategy<Value = Reviewer> {
        (1i64..5, any::<bool>(), any::<bool>(), any::<bool>())
            .prop_map(|(id, d, f, l)| person(id, d, f, l))
    }

    proptest! {
        /// Whatever anyone attempts, an item reaches the portal only after a 初审 by someone holding
        /// that role and a 终审 by someone else holding that role, neither of them the drafter.
        #[test]
        fn nothing_is_published_without_both_reviews_by_two_other_people(
            steps in prop::collection::vec((arb_step(), arb_person()), 0..40)
        ) {
            let mut s = ReviewState::new(1);
            let mut approvals: Vec<(i64, Reviewer)> = Vec::new();
            for (step, who) in &steps {
                if let Ok(next) = s.apply(step, *who) {
                    if matches!(step, ReviewStep::ApproveFirst | ReviewStep::ApproveFinal) {
                        approvals.push((who.user_id, *who));
                    }
                    if matches!(step, ReviewStep::Submit | ReviewStep::SendBack { .. }) {
                        approvals.clear();
                    }
                    if next.status == ItemStatus::Published && s.status != ItemStatus::Published {
                        prop_assert_eq!(approvals.len(), 2);
                        let (first, final_) = (approvals[0].1, approvals[1].1);
                        prop_assert!(first.first && final_.final_);
                        prop_assert!(first.user_id != 1 && final_.user_id != 1);
                        prop_assert!(first.user_id != final_.user_id);
                    }
                    s = next;
                }
            }
        }
    }
}

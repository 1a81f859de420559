//! Proactive disclosure items (主动公开信息) and their review (起草 → 科室负责人初审 → 分管领导终审 →
//! 发布): the metadata the 条例 and the portals require (`spec/regulations.md` §4), the index number
//! (索引号) assigned on publication and never changed, and the review workflow as a state machine
//! that only lets an item out after two other people holding the two reviewer roles approved it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

mod attachment;
mod deadline;
mod index_number;
mod review;

pub use attachment::{
    ATTACHMENT_MAX, AttachmentError, attachment_label, attachment_name, attachment_type,
};
pub use deadline::{PublicationRisk, publication_due, publication_risk, published_late};
pub use index_number::{
    DEFAULT_INDEX_PATTERN, IndexTemplate, PatternError, check_index_pattern, serial_of,
};
pub use review::{Portal, ReviewError, ReviewState, ReviewStep, Reviewed, Reviewer, Under, review};

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

    /// 规章 and 行政规范性文件: table 二 counts their stock, and each needs a 政策解读. The store
    /// selects them by this list ([`needs_interpretation`](Self::needs_interpretation) and
    /// `report::DocumentFacts::of` say the same of one kind).
    pub const DOCUMENTS: [Self; 2] = [Self::Rule, Self::NormativeDocument];

    /// Whether the document needs a 政策解读 (§4.4: flag policies of these kinds without one).
    pub const fn needs_interpretation(self) -> bool {
        matches!(self, Self::Rule | Self::NormativeDocument)
    }
}

/// The gov.cn 主题分类 first levels (spec §4.2); a second level is written `一级\二级`.
pub const TOPICS: [&str; 22] = [
    "综合政务",
    "国民经济管理、国有资产监管",
    "财政、金融、审计",
    "国土资源、能源",
    "农业、林业、水利",
    "工业、交通",
    "商贸、海关、旅游",
    "市场监管、安全生产监管",
    "城乡建设、环境保护",
    "科技、教育",
    "文化、广电、新闻出版",
    "卫生、体育",
    "人口与计划生育、妇女儿童工作",
    "劳动、人事、监察",
    "公安、安全、司法",
    "民政、扶贫、救灾",
    "民族、宗教",
    "对外事务",
    "港澳台侨工作",
    "国防",
    "国务院组织机构",
    "其他",
];

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
    /// The 有效性 a drafter chose — `valid`, `expired`, `repealed`, or empty for none — with its
    /// date: 失效 and 废止 happen on a day, so they need one.
    pub fn from_choice(choice: &str, on: Option<NaiveDate>) -> Result<Option<Self>, &'static str> {
        match (choice, on) {
            ("", _) => Ok(None),
            ("valid", _) => Ok(Some(Self::Valid)),
            ("expired", Some(on)) => Ok(Some(Self::Expired { on })),
            ("repealed", Some(on)) => Ok(Some(Self::Repealed { on })),
            _ => Err("失效或废止须填写日期。"),
        }
    }

    /// What the metadata block shows.
    pub fn label(self) -> String {
        match self {
            Self::Valid => "有效".to_owned(),
            Self::Expired { on } => format!("失效（{on}）"),
            Self::Repealed { on } => format!("废止（{on}）"),
        }
    }

    /// The day it stopped (or stops) being in force, if it does.
    pub const fn ends(self) -> Option<NaiveDate> {
        match self {
            Self::Valid => None,
            Self::Expired { on } | Self::Repealed { on } => Some(on),
        }
    }

    /// What the portal says of a document no longer in force on `today` (`None`: in force).
    pub fn lapse_notice(self, today: NaiveDate) -> Option<String> {
        match self {
            Self::Expired { on } if on <= today => Some(format!("本文件已于{on}失效")),
            Self::Repealed { on } if on <= today => Some(format!("本文件已于{on}废止")),
            _ => None,
        }
    }

    /// Whether the document is no longer in force on `today` (the portal flags it; a 废止 or 失效
    /// recorded ahead of its date is still in force until then).
    pub fn lapsed(self, today: NaiveDate) -> bool {
        self.ends().is_some_and(|on| on <= today)
    }

    /// Whether this 有效性 may be recorded on a document written on `written_on`: a document
    /// cannot lapse before it was written, nor be recorded as lapsing more than a year ahead (a
    /// mistyped year, most likely).
    pub fn check(
        self,
        written_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<(), crate::Rejection> {
        let Some(on) = self.ends() else {
            return Ok(());
        };
        if let Some(w) = written_on
            && on < w
        {
            return Err(crate::Rejection::field(
                "validity_on",
                format!("失效或废止日期不能早于成文日期（{w}）。"),
            ));
        }
        if on > today + chrono::Days::new(366) {
            return Err(crate::Rejection::field(
                "validity_on",
                "失效或废止日期不能晚于一年以后，请核对年份。",
            ));
        }
        Ok(())
    }
}

/// A correction of a published item as the portal lists it (更正说明 with the day the corrected
/// version was published).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// The day the corrected version went on the portal.
    pub on: NaiveDate,
    /// What was corrected and why.
    pub note: String,
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
    /// The corrections published so far, oldest first: kept with the published version by each
    /// approved correction, never typed in the form.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<Correction>,
}

/// Longest 内容概述 accepted (the convention of §2.2 G6: ≤ 150 characters).
pub const SUMMARY_MAX: usize = 150;

impl ItemContent {
    /// What a draft needs before it is first saved: a title to find it by (everything else may
    /// follow before review).
    pub fn check_new(&self) -> Result<(), crate::Rejection> {
        if self.title.trim().is_empty() {
            Err(crate::Rejection::field("title", "请填写标题。"))
        } else {
            Ok(())
        }
    }

    /// What an item published before gongkai says when only its title, column and date are known
    /// (the working copy a correction starts from).
    pub fn bare(title: &str, category: &str) -> Self {
        Self {
            title: title.to_owned(),
            category: category.to_owned(),
            attribute: Some(Attribute::Proactive),
            ..Self::default()
        }
    }

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

crate::request::from_key! {
    Attribute => "公开属性",
    DocKind => "文件类型",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_and_repeal_need_their_date() {
        let on = "2025-03-01".parse().ok();
        assert_eq!(Validity::from_choice("", None), Ok(None));
        assert_eq!(
            Validity::from_choice("valid", None),
            Ok(Some(Validity::Valid))
        );
        assert_eq!(
            Validity::from_choice("repealed", on),
            Ok(Some(Validity::Repealed {
                on: on.unwrap_or_default()
            }))
        );
        assert!(Validity::from_choice("expired", None).is_err());
        assert!(Validity::from_choice("whatever", on).is_err());
    }

    #[test]
    fn a_document_lapses_on_its_date_not_before() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let repealed = Validity::Repealed {
            on: d("2026-03-01"),
        };
        assert!(!repealed.lapsed(d("2026-02-28")));
        assert!(repealed.lapsed(d("2026-03-01")));
        assert!(!Validity::Valid.lapsed(d("2099-01-01")));
        assert_eq!(
            repealed.lapse_notice(d("2026-03-02")).as_deref(),
            Some("本文件已于2026-03-01废止")
        );
        assert_eq!(repealed.lapse_notice(d("2026-02-28")), None);
        assert!(Validity::Valid.check(None, d("2026-01-01")).is_ok());
        assert!(
            repealed
                .check(Some(d("2026-03-01")), d("2026-01-01"))
                .is_ok()
        );
        assert!(
            repealed
                .check(Some(d("2026-03-02")), d("2026-01-01"))
                .is_err()
        );
    }

    #[test]
    fn a_new_draft_needs_a_title_and_nothing_else() {
        let untitled = ItemContent::default();
        assert_eq!(untitled.check_new().unwrap_err().field, Some("title"));
        let titled = ItemContent {
            title: "通知".into(),
            ..ItemContent::default()
        };
        assert!(titled.check_new().is_ok());
        assert!(!titled.problems().is_empty(), "review asks for more");
    }

    #[test]
    fn the_topics_are_the_22_first_levels_of_gov_cn() {
        assert_eq!(TOPICS.len(), 22);
        assert_eq!(TOPICS[0], "综合政务");
        assert_eq!(TOPICS[21], "其他");
    }
}

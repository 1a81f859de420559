//! Disclosure on request (依申请公开): who asks (the columns of table 三), how a request ends (the
//! 21 leaf rows of table 三, with their legal basis), and the facts of one request the report needs.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The requester kinds: 自然人 and the five kinds of 法人或其他组织, in the column order of table 三.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequesterKind {
    /// 自然人
    NaturalPerson,
    /// 商业企业
    Business,
    /// 科研机构
    Research,
    /// 社会公益组织
    NonProfit,
    /// 法律服务机构
    LegalService,
    /// 其他 (法人或其他组织)
    OtherOrg,
}

impl RequesterKind {
    /// Every kind, in column order.
    pub const ALL: [Self; 6] = [
        Self::NaturalPerson,
        Self::Business,
        Self::Research,
        Self::NonProfit,
        Self::LegalService,
        Self::OtherOrg,
    ];

    /// Position in [`Self::ALL`] (and the column index in table 三).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The machine key of spec §9.
    pub const fn key(self) -> &'static str {
        match self {
            Self::NaturalPerson => "natural_person",
            Self::Business => "business",
            Self::Research => "research",
            Self::NonProfit => "non_profit",
            Self::LegalService => "legal_service",
            Self::OtherOrg => "other_org",
        }
    }

    /// The statutory column label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::NaturalPerson => "自然人",
            Self::Business => "商业企业",
            Self::Research => "科研机构",
            Self::NonProfit => "社会公益组织",
            Self::LegalService => "法律服务机构",
            Self::OtherOrg => "其他",
        }
    }

    /// Whether the kind is one of the 法人或其他组织 columns.
    pub const fn is_organisation(self) -> bool {
        !matches!(self, Self::NaturalPerson)
    }
}

/// The six groups of outcomes: （一）–（六） under 三、本年度办理结果.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeGroup {
    /// （一）予以公开
    Disclosed,
    /// （二）部分公开
    PartlyDisclosed,
    /// （三）不予公开
    Withheld,
    /// （四）无法提供
    Unavailable,
    /// （五）不予处理
    NotProcessed,
    /// （六）其他处理
    Other,
}

impl OutcomeGroup {
    /// Every group, in table order.
    pub const ALL: [Self; 6] = [
        Self::Disclosed,
        Self::PartlyDisclosed,
        Self::Withheld,
        Self::Unavailable,
        Self::NotProcessed,
        Self::Other,
    ];

    /// The statutory label of the group cell (for the single-row groups, the row label itself).
    pub const fn label(self) -> &'static str {
        match self {
            Self::Disclosed => "（一）予以公开",
            Self::PartlyDisclosed => "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            Self::Withheld => "（三）不予公开",
            Self::Unavailable => "（四）无法提供",
            Self::NotProcessed => "（五）不予处理",
            Self::Other => "（六）其他处理",
        }
    }

    /// The group's name without its number, as narrative text uses it ("不予公开3件").
    pub const fn short_label(self) -> &'static str {
        match self {
            Self::Disclosed => "予以公开",
            Self::PartlyDisclosed => "部分公开",
            Self::Withheld => "不予公开",
            Self::Unavailable => "无法提供",
            Self::NotProcessed => "不予处理",
            Self::Other => "其他处理",
        }
    }

    /// The leaf outcomes of the group, in table order.
    pub fn outcomes(self) -> impl Iterator<Item = Outcome> {
        Outcome::ALL.into_iter().filter(move |o| o.group() == self)
    }

    /// Whether the group has numbered sub-rows (otherwise the group is itself the leaf row).
    pub fn has_sub_rows(self) -> bool {
        self.outcomes().count() > 1
    }
}

/// How a request ended: one leaf row of table 三. A request has exactly one outcome, which is how
/// `T3-PART` (区分处理 counted only under 部分公开) and "each request counted once" hold by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Outcome {
    /// （一）予以公开
    #[serde(rename = "disclosed")]
    Disclosed,
    /// （二）部分公开
    #[serde(rename = "partly_disclosed")]
    PartlyDisclosed,
    /// （三）1.属于国家秘密
    #[serde(rename = "withheld.state_secret")]
    WithheldStateSecret,
    /// （三）2.其他法律行政法规禁止公开
    #[serde(rename = "withheld.prohibited_by_law")]
    WithheldProhibitedByLaw,
    /// （三）3.危及“三安全一稳定”
    #[serde(rename = "withheld.security_stability")]
    WithheldSecurityStability,
    /// （三）4.保护第三方合法权益
    #[serde(rename = "withheld.third_party")]
    WithheldThirdParty,
    /// （三）5.属于三类内部事务信息
    #[serde(rename = "withheld.internal_affairs")]
    WithheldInternalAffairs,
    /// （三）6.属于四类过程性信息
    #[serde(rename = "withheld.process_info")]
    WithheldProcessInfo,
    /// （三）7.属于行政执法案卷
    #[serde(rename = "withheld.enforcement_file")]
    WithheldEnforcementFile,
    /// （三）8.属于行政查询事项
    #[serde(rename = "withheld.query_matter")]
    WithheldQueryMatter,
    /// （四）1.本机关不掌握相关政府信息
    #[serde(rename = "unavailable.not_held")]
    UnavailableNotHeld,
    /// （四）2.没有现成信息需要另行制作
    #[serde(rename = "unavailable.needs_creation")]
    UnavailableNeedsCreation,
    /// （四）3.补正后申请内容仍不明确
    #[serde(rename = "unavailable.still_unclear")]
    UnavailableStillUnclear,
    /// （五）1.信访举报投诉类申请
    #[serde(rename = "not_processed.petition")]
    NotProcessedPetition,
    /// （五）2.重复申请
    #[serde(rename = "not_processed.repeated")]
    NotProcessedRepeated,
    /// （五）3.要求提供公开出版物
    #[serde(rename = "not_processed.publication")]
    NotProcessedPublication,
    /// （五）4.无正当理由大量反复申请
    #[serde(rename = "not_processed.excessive")]
    NotProcessedExcessive,
    /// （五）5.要求行政机关确认或重新出具已获取信息
    #[serde(rename = "not_processed.confirm_or_reissue")]
    NotProcessedConfirmOrReissue,
    /// （六）1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请
    #[serde(rename = "other.no_clarification")]
    OtherNoClarification,
    /// （六）2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请
    #[serde(rename = "other.fee_unpaid")]
    OtherFeeUnpaid,
    /// （六）3.其他
    #[serde(rename = "other.other")]
    OtherOther,
}

impl Outcome {
    /// All 21 leaf outcomes in table order.
    pub const ALL: [Self; 21] = [
        Self::Disclosed,
        Self::PartlyDisclosed,
        Self::WithheldStateSecret,
        Self::WithheldProhibitedByLaw,
        Self::WithheldSecurityStability,
        Self::WithheldThirdParty,
        Self::WithheldInternalAffairs,
        Self::WithheldProcessInfo,
        Self::WithheldEnforcementFile,
        Self::WithheldQueryMatter,
        Self::UnavailableNotHeld,
        Self::UnavailableNeedsCreation,
        Self::UnavailableStillUnclear,
        Self::NotProcessedPetition,
        Self::NotProcessedRepeated,
        Self::NotProcessedPublication,
        Self::NotProcessedExcessive,
        Self::NotProcessedConfirmOrReissue,
        Self::OtherNoClarification,
        Self::OtherFeeUnpaid,
        Self::OtherOther,
    ];

    /// Position in [`Self::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The group the outcome belongs to.
    pub const fn group(self) -> OutcomeGroup {
        use Outcome as O;
        match self {
            O::Disclosed => OutcomeGroup::Disclosed,
            O::PartlyDisclosed => OutcomeGroup::PartlyDisclosed,
            O::WithheldStateSecret
            | O::WithheldProhibitedByLaw
            | O::WithheldSecurityStability
            | O::WithheldThirdParty
            | O::WithheldInternalAffairs
            | O::WithheldProcessInfo
            | O::WithheldEnforcementFile
            | O::WithheldQueryMatter => OutcomeGroup::Withheld,
            O::UnavailableNotHeld | O::UnavailableNeedsCreation | O::UnavailableStillUnclear => {
                OutcomeGroup::Unavailable
            }
            O::NotProcessedPetition
            | O::NotProcessedRepeated
            | O::NotProcessedPublication
            | O::NotProcessedExcessive
            | O::NotProcessedConfirmOrReissue => OutcomeGroup::NotProcessed,
            O::OtherNoClarification | O::OtherFeeUnpaid | O::OtherOther => OutcomeGroup::Other,
        }
    }

    /// Why an officer does not pick this outcome in a decision, or `None` when they may: the two
    /// "deemed abandoned" outcomes (（六）1 逾期不补正, （六）2 逾期未缴费) follow only from their lapse
    /// step, after the notice went out and its period ended.
    pub const fn reserved_for_lapse(self) -> Option<&'static str> {
        match self {
            Self::OtherNoClarification => Some("逾期不补正须在发出补正通知后按“逾期不补正”处理"),
            Self::OtherFeeUnpaid => Some("逾期未缴费须在发出收费通知后按“逾期未缴费”处理"),
            _ => None,
        }
    }

    /// The outcomes an officer chooses from when deciding, in the order of table 三.
    pub fn decidable() -> impl Iterator<Item = Self> {
        Self::ALL
            .into_iter()
            .filter(|o| o.reserved_for_lapse().is_none())
    }

    /// The machine key of spec §9.
    pub const fn key(self) -> &'static str {
        use Outcome as O;
        match self {
            O::Disclosed => "disclosed",
            O::PartlyDisclosed => "partly_disclosed",
            O::WithheldStateSecret => "withheld.state_secret",
            O::WithheldProhibitedByLaw => "withheld.prohibited_by_law",
            O::WithheldSecurityStability => "withheld.security_stability",
            O::WithheldThirdParty => "withheld.third_party",
            O::WithheldInternalAffairs => "withheld.internal_affairs",
            O::WithheldProcessInfo => "withheld.process_info",
            O::WithheldEnforcementFile => "withheld.enforcement_file",
            O::WithheldQueryMatter => "withheld.query_matter",
            O::UnavailableNotHeld => "unavailable.not_held",
            O::UnavailableNeedsCreation => "unavailable.needs_creation",
            O::UnavailableStillUnclear => "unavailable.still_unclear",
            O::NotProcessedPetition => "not_processed.petition",
            O::NotProcessedRepeated => "not_processed.repeated",
            O::NotProcessedPublication => "not_processed.publication",
            O::NotProcessedExcessive => "not_processed.excessive",
            O::NotProcessedConfirmOrReissue => "not_processed.confirm_or_reissue",
            O::OtherNoClarification => "other.no_clarification",
            O::OtherFeeUnpaid => "other.fee_unpaid",
            O::OtherOther => "other.other",
        }
    }

    /// The statutory label of the row. For the single-row groups （一）（二） it is the group label;
    /// for sub-rows it is the numbered label as printed (`1.属于国家秘密`).
    pub const fn label(self) -> &'static str {
        use Outcome as O;
        match self {
            O::Disclosed => "（一）予以公开",
            O::PartlyDisclosed => "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            O::WithheldStateSecret => "1.属于国家秘密",
            O::WithheldProhibitedByLaw => "2.其他法律行政法规禁止公开",
            O::WithheldSecurityStability => "3.危及“三安全一稳定”",
            O::WithheldThirdParty => "4.保护第三方合法权益",
            O::WithheldInternalAffairs => "5.属于三类内部事务信息",
            O::WithheldProcessInfo => "6.属于四类过程性信息",
            O::WithheldEnforcementFile => "7.属于行政执法案卷",
            O::WithheldQueryMatter => "8.属于行政查询事项",
            O::UnavailableNotHeld => "1.本机关不掌握相关政府信息",
            O::UnavailableNeedsCreation => "2.没有现成信息需要另行制作",
            O::UnavailableStillUnclear => "3.补正后申请内容仍不明确",
            O::NotProcessedPetition => "1.信访举报投诉类申请",
            O::NotProcessedRepeated => "2.重复申请",
            O::NotProcessedPublication => "3.要求提供公开出版物",
            O::NotProcessedExcessive => "4.无正当理由大量反复申请",
            O::NotProcessedConfirmOrReissue => "5.要求行政机关确认或重新出具已获取信息",
            O::OtherNoClarification => {
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
            }
            O::OtherFeeUnpaid => {
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
            }
            O::OtherOther => "3.其他",
        }
    }

    /// The outcome as a requester reads it on the tracking page: the decision and its reason in
    /// plain words, without the report's row numbers and counting notes ("部分公开", not
    /// "（二）部分公开（区分处理的，只计这一情形，不计其他情形）").
    pub fn plain_label(self) -> String {
        use Outcome as O;
        let row = self.label();
        let reason = row.split_once('.').map_or(row, |(_, r)| r);
        let decision = match self.key().split('.').next().unwrap_or("") {
            _ if self == O::Disclosed => return "予以公开".to_owned(),
            _ if self == O::PartlyDisclosed => return "部分公开".to_owned(),
            "withheld" => "不予公开",
            "unavailable" => "无法提供",
            "not_processed" => "不予处理",
            _ => "其他处理",
        };
        format!("{decision}（{reason}）")
    }

    /// The legal basis a decision with this outcome cites (letters-guide-catalogue §1.4). Where the
    /// law has no dedicated article the text says so, rather than inventing one.
    pub const fn legal_basis(self) -> &'static str {
        use Outcome as O;
        match self {
            O::Disclosed => "《中华人民共和国政府信息公开条例》第三十六条第（一）项、第（二）项",
            O::PartlyDisclosed => "《中华人民共和国政府信息公开条例》第三十七条",
            O::WithheldStateSecret => {
                "《中华人民共和国政府信息公开条例》第十四条；《中华人民共和国保守国家秘密法》"
            }
            O::WithheldProhibitedByLaw => {
                "《中华人民共和国政府信息公开条例》第十四条及禁止公开的法律、行政法规条款"
            }
            O::WithheldSecurityStability => "《中华人民共和国政府信息公开条例》第十四条",
            O::WithheldThirdParty => "《中华人民共和国政府信息公开条例》第十五条、第三十二条",
            O::WithheldInternalAffairs => "《中华人民共和国政府信息公开条例》第十六条第一款",
            O::WithheldProcessInfo | O::WithheldEnforcementFile => {
                "《中华人民共和国政府信息公开条例》第十六条第二款"
            }
            O::WithheldQueryMatter => "《中华人民共和国政府信息公开条例》第三十六条第（七）项",
            O::UnavailableNotHeld => {
                "《中华人民共和国政府信息公开条例》第三十六条第（四）项、第（五）项"
            }
            O::UnavailableNeedsCreation => "《中华人民共和国政府信息公开条例》第三十八条",
            O::UnavailableStillUnclear | O::OtherNoClarification => {
                "《中华人民共和国政府信息公开条例》第三十条"
            }
            O::NotProcessedPetition => "《中华人民共和国政府信息公开条例》第三十九条第一款",
            O::NotProcessedRepeated => "《中华人民共和国政府信息公开条例》第三十六条第（六）项",
            O::NotProcessedPublication => "《中华人民共和国政府信息公开条例》第三十九条第二款",
            O::NotProcessedExcessive => "《中华人民共和国政府信息公开条例》第三十五条",
            O::NotProcessedConfirmOrReissue => {
                "《中华人民共和国政府信息公开条例》第二条、第三十八条（无专门条款，按实践援引）"
            }
            O::OtherFeeUnpaid => "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
            O::OtherOther => "《中华人民共和国政府信息公开条例》（视具体情形援引）",
        }
    }
}

/// A key that names no requester kind or outcome (stored data or input from outside).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("未知的{what}代码“{key}”")]
pub struct UnknownKey {
    /// What was being looked up (in Chinese, for the message).
    pub what: &'static str,
    /// The key that did not match.
    pub key: String,
}

/// `FromStr` for enums with `ALL` and `key()`: the variant whose key is the text, else an
/// [`UnknownKey`] naming what was looked up.
macro_rules! from_key {
    ($($t:ty => $what:literal),* $(,)?) => {$(
        impl std::str::FromStr for $t {
            type Err = $crate::request::UnknownKey;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .into_iter()
                    .find(|k| k.key() == s)
                    .ok_or_else(|| $crate::request::UnknownKey { what: $what, key: s.to_owned() })
            }
        }
    )*};
}
pub(crate) use from_key;

/// How a decided request ended, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decided {
    /// The date of the decision (答复日期), a civil date in China.
    pub on: NaiveDate,
    /// Its outcome.
    pub outcome: Outcome,
}

/// What a reply letter says beyond its outcome (letters-guide §1.4, §1.8): the facts and reasons
/// specific to this request. The report never reads these; the letter does.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DecisionDetails {
    /// Reasons: why the information is withheld, cannot be provided, or is not processed, and the
    /// facts that support it (how the search was done, which law prohibits disclosure …).
    pub reasons: String,
    /// What is provided and how (form, channel, time), or where it was proactively published.
    pub provided: String,
    /// For 部分公开: what was withheld.
    pub withheld: String,
    /// For 部分公开: the ground the withheld part rests on — one of the outcomes of （三）不予公开,
    /// whose article the letter cites.
    pub withheld_ground: Option<Outcome>,
    /// Other law or regulation the refusal rests on besides the 条例 (e.g. 《中华人民共和国个人信息
    /// 保护法》第二十五条), cited after the 条例's article.
    pub other_basis: String,
    /// For 本机关不掌握: the agency responsible and how to reach it, when known.
    pub referral: String,
}

impl DecisionDetails {
    /// Nothing recorded.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    /// Checks that the letter for `outcome` will carry what the 条例 requires (reasons for every
    /// refusal, 第三十六条第（三）（五）项、第三十七条). Fails closed; the message says what to add.
    pub fn check(&self, outcome: Outcome) -> Result<(), &'static str> {
        use OutcomeGroup as G;
        let blank = |s: &str| s.trim().is_empty();
        match outcome.group() {
            G::Disclosed if blank(&self.provided) => {
                Err("予以公开须写明提供的信息及提供方式（或已主动公开的网站、栏目、标题和日期）")
            }
            G::PartlyDisclosed
                if blank(&self.provided) || blank(&self.withheld) || blank(&self.reasons) =>
            {
                Err("部分公开须分别写明提供的部分、不予公开的部分以及不予公开的理由（第三十七条）")
            }
            G::PartlyDisclosed
                if self
                    .withheld_ground
                    .is_some_and(|g| g.group() != G::Withheld) =>
            {
                Err("不予公开部分的依据须为“不予公开”中的一种情形")
            }
            G::Withheld | G::Unavailable | G::NotProcessed if blank(&self.reasons) => {
                Err("不予公开、无法提供和不予处理的答复须写明理由")
            }
            G::Other
                if outcome == Outcome::OtherOther
                    && (blank(&self.reasons) || blank(&self.other_basis)) =>
            {
                Err("其他处理须写明处理情况、理由和所依据的规定")
            }
            _ => Ok(()),
        }
    }
}

/// What the annual report needs to know of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestFacts {
    /// Who asked.
    pub requester: RequesterKind,
    /// 收到申请之日.
    pub received_on: NaiveDate,
    /// The decision, or `None` while the request is open.
    pub decided: Option<Decided>,
}

/// Facts that cannot describe a real request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestFactsError {
    /// The decision predates receipt.
    #[error("答复日期 {decided_on} 早于收到申请日期 {received_on}，请核对日期")]
    DecidedBeforeReceived {
        /// 收到申请之日.
        received_on: NaiveDate,
        /// 答复日期.
        decided_on: NaiveDate,
    },
}

impl RequestFacts {
    /// Facts of a request, checked for order of dates.
    pub fn new(
        requester: RequesterKind,
        received_on: NaiveDate,
        decided: Option<Decided>,
    ) -> Result<Self, RequestFactsError> {
        if let Some(d) = decided
            && d.on < received_on
        {
            return Err(RequestFactsError::DecidedBeforeReceived {
                received_on,
                decided_on: d.on,
            });
        }
        Ok(Self {
            requester,
            received_on,
            decided,
        })
    }

    /// Whether the request was still open at the end of `date`.
    pub fn open_at_end_of(&self, date: NaiveDate) -> bool {
        self.received_on <= date && self.decided.is_none_or(|d| d.on > date)
    }
}

impl crate::Refusal for UnknownKey {}
impl crate::Refusal for RequestFactsError {}

crate::request::from_key! {
    RequesterKind => "申请人类型",
    Outcome => "办理结果",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_officer_decides_every_outcome_but_the_two_that_follow_a_lapse() {
        let picked: Vec<Outcome> = Outcome::decidable().collect();
        assert_eq!(picked.len(), 19);
        assert!(!picked.contains(&Outcome::OtherNoClarification));
        assert!(!picked.contains(&Outcome::OtherFeeUnpaid));
        assert!(picked.contains(&Outcome::OtherOther));
        assert!(Outcome::OtherFeeUnpaid.reserved_for_lapse().is_some());
    }

    #[test]
    fn there_are_twenty_one_leaf_outcomes_in_six_groups() {
        assert_eq!(Outcome::ALL.len(), 21);
        let sizes: Vec<usize> = OutcomeGroup::ALL
            .iter()
            .map(|g| g.outcomes().count())
            .collect();
        assert_eq!(sizes, [1, 1, 8, 3, 5, 3]);
        for (i, o) in Outcome::ALL.iter().enumerate() {
            assert_eq!(o.index(), i);
            assert_eq!(o.key().parse::<Outcome>().unwrap(), *o);
            let json = serde_json::to_string(o).unwrap();
            assert_eq!(json, format!("\"{}\"", o.key()));
        }
    }

    #[test]
    fn sub_row_labels_are_numbered_from_one_within_their_group() {
        for g in OutcomeGroup::ALL.into_iter().filter(|g| g.has_sub_rows()) {
            for (i, o) in g.outcomes().enumerate() {
                assert!(
                    o.label().starts_with(&format!("{}.", i + 1)),
                    "{}",
                    o.label()
                );
            }
        }
    }

    #[test]
    fn a_decision_cannot_predate_receipt() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let bad = RequestFacts::new(
            RequesterKind::Business,
            d("2024-03-02"),
            Some(Decided {
                on: d("2024-03-01"),
                outcome: Outcome::Disclosed,
            }),
        );
        assert!(bad.is_err());
    }

    #[test]
    fn a_requester_reads_the_outcome_without_the_reports_counting_notes() {
        assert_eq!(Outcome::PartlyDisclosed.plain_label(), "部分公开");
        assert_eq!(Outcome::Disclosed.plain_label(), "予以公开");
        assert_eq!(
            Outcome::UnavailableNotHeld.plain_label(),
            "无法提供（本机关不掌握相关政府信息）"
        );
        assert_eq!(
            Outcome::NotProcessedRepeated.plain_label(),
            "不予处理（重复申请）"
        );
        for o in Outcome::ALL {
            let plain = o.plain_label();
            assert!(!plain.contains("只计") && !plain.contains('.'), "{plain}");
        }
    }
}

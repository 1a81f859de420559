//! 行政复议 and 行政诉讼 cases about the agency's disclosure decisions (table 四).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The three column groups of table 四.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// 行政复议
    Reconsideration,
    /// 行政诉讼 — 未经复议直接起诉
    LitigationDirect,
    /// 行政诉讼 — 复议后起诉
    LitigationAfterReconsideration,
}

impl CaseKind {
    /// Every kind, in column order.
    pub const ALL: [Self; 3] = [
        Self::Reconsideration,
        Self::LitigationDirect,
        Self::LitigationAfterReconsideration,
    ];

    /// Position in [`Self::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The machine key of spec §9.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Reconsideration => "reconsideration",
            Self::LitigationDirect => "litigation_direct",
            Self::LitigationAfterReconsideration => "litigation_after_reconsideration",
        }
    }

    /// The statutory header label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Reconsideration => "行政复议",
            Self::LitigationDirect => "未经复议直接起诉",
            Self::LitigationAfterReconsideration => "复议后起诉",
        }
    }

    /// Whether the case is a lawsuit (行政诉讼).
    pub const fn is_litigation(self) -> bool {
        !matches!(self, Self::Reconsideration)
    }
}

/// The result of a concluded case. A case without a result at year end is 尚未审结.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseResult {
    /// 结果维持
    Upheld,
    /// 结果纠正
    Corrected,
    /// 其他结果 (e.g. withdrawn, dismissed on procedure)
    Other,
}

impl CaseResult {
    /// Every result, in column order.
    pub const ALL: [Self; 3] = [Self::Upheld, Self::Corrected, Self::Other];

    /// The machine key of spec §9.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Upheld => "upheld",
            Self::Corrected => "corrected",
            Self::Other => "other",
        }
    }

    /// The statutory column label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Upheld => "结果维持",
            Self::Corrected => "结果纠正",
            Self::Other => "其他结果",
        }
    }
}

/// What the report needs of one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    /// 行政复议, or which kind of 行政诉讼.
    pub kind: CaseKind,
    /// When the case was filed (受理/立案).
    pub filed_on: NaiveDate,
    /// When it concluded and how, or `None` while pending.
    pub concluded: Option<(NaiveDate, CaseResult)>,
}

/// Facts that cannot describe a real case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseFactsError {
    /// Concluded before it was filed.
    #[error("结案日期 {concluded_on} 早于立案日期 {filed_on}，请核对日期")]
    ConcludedBeforeFiled {
        /// 立案日期.
        filed_on: NaiveDate,
        /// 结案日期.
        concluded_on: NaiveDate,
    },
    /// Filed before the request it is about was received.
    #[error("立案日期 {filed_on} 早于收到申请日期 {received_on}；请核对日期")]
    FiledBeforeRequest {
        /// 立案日期.
        filed_on: NaiveDate,
        /// 收到申请之日.
        received_on: NaiveDate,
    },
    /// A result is recorded once.
    #[error("该案件已于 {0} 审结")]
    AlreadyConcluded(NaiveDate),
}

impl CaseFacts {
    /// Facts of a case, checked for order of dates.
    pub fn new(
        kind: CaseKind,
        filed_on: NaiveDate,
        concluded: Option<(NaiveDate, CaseResult)>,
    ) -> Result<Self, CaseFactsError> {
        if let Some((on, _)) = concluded
            && on < filed_on
        {
            return Err(CaseFactsError::ConcludedBeforeFiled {
                filed_on,
                concluded_on: on,
            });
        }
        Ok(Self {
            kind,
            filed_on,
            concluded,
        })
    }
}

/// A case about a request can be filed only once the request was received.
pub fn check_filing(filed_on: NaiveDate, received_on: NaiveDate) -> Result<(), CaseFactsError> {
    if filed_on < received_on {
        return Err(CaseFactsError::FiledBeforeRequest {
            filed_on,
            received_on,
        });
    }
    Ok(())
}

/// A case's result is recorded once, on or after the day it was filed.
pub fn check_conclusion(
    filed_on: NaiveDate,
    concluded_on: Option<NaiveDate>,
    on: NaiveDate,
) -> Result<(), CaseFactsError> {
    if let Some(c) = concluded_on {
        return Err(CaseFactsError::AlreadyConcluded(c));
    }
    if on < filed_on {
        return Err(CaseFactsError::ConcludedBeforeFiled {
            filed_on,
            concluded_on: on,
        });
    }
    Ok(())
}

impl crate::Refusal for CaseFactsError {}

crate::request::from_key! {
    CaseKind => "案件类型",
    CaseResult => "案件结果",
}

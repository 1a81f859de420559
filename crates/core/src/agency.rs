//! Agencies (行政机关) that disclose information, and the hierarchy the county office supervises.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What kind of body an agency is. The kind decides legislative competence (no 规章 below the
/// city level: relation `T2-RULE`) and the annual report deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    /// 乡镇人民政府
    Town,
    /// 街道办事处
    Street,
    /// 县级人民政府 (县、区、县级市)
    CountyGovernment,
    /// 县级人民政府部门
    Department,
}

impl AgencyKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [Self; 4] = [
        Self::Town,
        Self::Street,
        Self::CountyGovernment,
        Self::Department,
    ];

    /// The stable machine key (database, JSON, CLI).
    pub const fn key(self) -> &'static str {
        match self {
            Self::Town => "town",
            Self::Street => "street",
            Self::CountyGovernment => "county_government",
            Self::Department => "department",
        }
    }

    /// What a person reads.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Town => "乡镇",
            Self::Street => "街道",
            Self::CountyGovernment => "县级政府",
            Self::Department => "部门",
        }
    }

    /// Whether bodies of this kind may make 规章. None of the kinds gongkai serves may: 规章 are
    /// made by State Council departments and by governments of provinces and 设区的市 (立法法).
    pub const fn may_make_rules(self) -> bool {
        false
    }
}

impl FromStr for AgencyKind {
    type Err = AgencyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.key() == s || k.label() == s)
            .ok_or_else(|| AgencyError::UnknownKind(s.to_owned()))
    }
}

/// An agency's URL name, e.g. `yiyuan-xili`: lower-case ASCII letters, digits and single hyphens,
/// 2 to 64 characters, so it is safe in paths, file names and feeds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    /// Validates a slug.
    pub fn parse(s: &str) -> Result<Self, AgencyError> {
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let ok_shape = !s.starts_with('-') && !s.ends_with('-') && !s.contains("--");
        if (2..=64).contains(&s.len()) && ok_chars && ok_shape {
            Ok(Self(s.to_owned()))
        } else {
            Err(AgencyError::BadSlug(s.to_owned()))
        }
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// 统一社会信用代码 (GB 32100-2015): 18 characters whose last is a check character. It is the first
/// part of every 索引号, so a typo here would spread to every published item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

/// The 31 characters of GB 32100 (no I, O, S, V, Z), in value order.
const CREDIT_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

impl CreditCode {
    /// Validates a code, accepting lower case and surrounding spaces.
    pub fn parse(s: &str) -> Result<Self, AgencyError> {
        let code = s.trim().to_ascii_uppercase();
        let bad = || AgencyError::BadCreditCode(s.trim().to_owned());
        if code.len() != 18 {
            return Err(bad());
        }
        let values = Self::values(&code).ok_or_else(bad)?;
        if values[17] != Self::check_value(&values[..17]) {
            return Err(bad());
        }
        Ok(Self(code))
    }

    /// Each character's value in the code's alphabet, or `None` if one is not in it.
    fn values(code: &str) -> Option<Vec<u32>> {
        code.bytes()
            .map(|b| {
                CREDIT_CHARS
                    .iter()
                    .position(|&c| c == b)
                    .and_then(|p| u32::try_from(p).ok())
            })
            .collect()
    }

    /// The check character for the first 17 characters, or `None` if they are not valid.
    pub fn check_char(first17: &str) -> Option<char> {
        let values = Self::values(first17)?;
        (values.len() == 17).then(|| char::from(CREDIT_CHARS[Self::check_value(&values) as usize]))
    }

    fn check_value(values: &[u32]) -> u32 {
        let sum: u32 = values.iter().zip(CREDIT_WEIGHTS).map(|(v, w)| v * w).sum();
        (31 - sum % 31) % 31
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An agency as the rest of the system knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    /// URL name, unique.
    pub slug: Slug,
    /// Full official name, e.g. 沂源县西里镇人民政府 (the report title starts with it).
    pub name: String,
    /// 统一社会信用代码.
    pub credit_code: CreditCode,
    /// What kind of body it is.
    pub kind: AgencyKind,
    /// The supervising agency (a county government for its towns and departments).
    pub parent: Option<Slug>,
}

impl Agency {
    /// Validates the parts of an agency that are not typed already.
    pub fn new(
        slug: Slug,
        name: &str,
        credit_code: CreditCode,
        kind: AgencyKind,
        parent: Option<Slug>,
    ) -> Result<Self, AgencyError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AgencyError::BadName);
        }
        if parent.as_ref() == Some(&slug) {
            return Err(AgencyError::OwnParent);
        }
        Ok(Self {
            slug,
            name: name.to_owned(),
            credit_code,
            kind,
            parent,
        })
    }

    /// The identity printed at the head of a report.
    pub fn as_ref(&self) -> AgencyRef {
        AgencyRef {
            slug: self.slug.clone(),
            name: self.name.clone(),
        }
    }
}

/// The identity of an agency as a report carries it (spec §9 `agency`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyRef {
    /// URL name.
    pub slug: Slug,
    /// Full official name.
    pub name: String,
}

/// Why agency data was refused. Messages are for the person who typed the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgencyError {
    /// The slug has characters or a shape that cannot appear in a URL name.
    #[error(
        "机关简称“{0}”无效：只能使用小写字母、数字和连字符（-），长度2至64个字符，例如 yiyuan-xili"
    )]
    BadSlug(String),
    /// The credit code is not 18 characters with a correct check character.
    #[error(
        "统一社会信用代码“{0}”无效：应为18位，且末位校验码正确（GB 32100-2015），请核对后重新输入"
    )]
    BadCreditCode(String),
    /// Empty or over-long name.
    #[error("机关名称不能为空，且不超过100个字")]
    BadName,
    /// The kind is not one gongkai knows.
    #[error(
        "机关类型“{0}”无效：应为 town（乡镇）、street（街道）、county_government（县级政府）或 department（部门）"
    )]
    UnknownKind(String),
    /// An agency was made its own parent.
    #[error("上级机关不能是机关本身")]
    OwnParent,
}

impl crate::Refusal for AgencyError {}

/// Checked text types (de)serialise as their text, checked again on the way in.
macro_rules! text_type {
    ($($t:ty),*) => {$(
        impl TryFrom<String> for $t {
            type Error = AgencyError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl From<$t> for String {
            fn from(v: $t) -> Self {
                v.0
            }
        }
    )*};
}
text_type!(Slug, CreditCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_published_credit_code_is_accepted_and_a_typo_is_caught() {
        // A code whose check character is right.
        let good = "11100000000013127D";
        assert!(CreditCode::parse(good).is_ok());
        assert!(CreditCode::parse(&good.to_lowercase()).is_ok());
        assert!(CreditCode::parse("11100000000013128D").is_err());
        assert!(CreditCode::parse("1110000000001312").is_err());
        assert!(CreditCode::parse("11100000000013127I").is_err());
    }

    #[test]
    fn check_char_completes_a_code() {
        let c = CreditCode::check_char("11100000000013127").unwrap();
        assert_eq!(c, 'D');
    }

    #[test]
    fn slugs_are_url_safe() {
        assert!(Slug::parse("yiyuan-xili").is_ok());
        for bad in ["", "a", "Yiyuan", "yi yuan", "-x", "x-", "a--b", "西里"] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn kinds_parse_from_key_or_label() {
        assert_eq!("town".parse::<AgencyKind>().unwrap(), AgencyKind::Town);
        assert_eq!(
            "部门".parse::<AgencyKind>().unwrap(),
            AgencyKind::Department
        );
        assert!("city".parse::<AgencyKind>().is_err());
    }
}

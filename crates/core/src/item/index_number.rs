//! The 索引号 (§4.1): an agency's pattern, and the number it gives the n-th item of a period.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

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

/// The period and serial of a number given outside gongkai in the common shape
/// `<code>/<period>-<serial>` (imports, the demo), so the agency's counter can move past it and
/// numbers assigned later never collide with it.
pub fn serial_of(index_no: &str) -> Option<(&str, i32)> {
    let (_, tail) = index_no.rsplit_once('/')?;
    let (period, serial) = tail.rsplit_once('-')?;
    Some((period, serial.parse().ok()?))
}

impl crate::Refusal for PatternError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_given_elsewhere_yields_its_period_and_serial() {
        assert_eq!(
            serial_of("11370323004345133C/2024-00017"),
            Some(("2024", 17))
        );
        assert_eq!(serial_of("000014349/202403-00110"), Some(("202403", 110)));
        assert_eq!(serial_of("无编号"), None);
        assert_eq!(serial_of("x/2024-abc"), None);
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
}

//! Rules of the report workspace: when a report is due, and whether its text was copied.

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::agency::AgencyKind;

/// When the report for `year` must be published (条例 第四十九条): departments of a county-level
/// government by 31 January, governments by 31 March of the next year. Towns and streets are not
/// named in the 条例; counties set their own dates, so `override_date` (per jurisdiction) wins.
pub fn publication_deadline(
    kind: AgencyKind,
    year: i32,
    override_date: Option<NaiveDate>,
) -> NaiveDate {
    override_date.unwrap_or_else(|| {
        let (month, day) = match kind {
            AgencyKind::Department => (1, 31),
            AgencyKind::Town | AgencyKind::Street | AgencyKind::CountyGovernment => (3, 31),
        };
        NaiveDate::from_ymd_opt(year + 1, month, day).expect("31 January and 31 March exist")
    })
}

/// A month and day, as a county sets its reporting date ("01-31").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthDay {
    /// 1–12.
    pub month: u32,
    /// 1–31, valid for the month in every year (so never 29 February).
    pub day: u32,
}

impl MonthDay {
    /// Parses `MM-DD`, refusing dates that do not exist every year.
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("发布期限“{s}”无效：请写成“月-日”，例如 01-31 或 03-31");
        let (m, d) = s.trim().split_once('-').ok_or_else(bad)?;
        let (month, day): (u32, u32) =
            (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
        if (month, day) == (2, 29) || NaiveDate::from_ymd_opt(2023, month, day).is_none() {
            return Err(bad());
        }
        Ok(Self { month, day })
    }

    /// The reporting date in force for an agency, from its own setting up through the agencies
    /// above it (nearest first): the nearest that set one, if any.
    pub fn in_force(chain: impl IntoIterator<Item = Option<Self>>) -> Option<Self> {
        chain.into_iter().flatten().next()
    }

    /// The date in `year`.
    pub fn in_year(self, year: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, self.month, self.day).expect("validated at parse")
    }
}

impl std::fmt::Display for MonthDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

/// Characters per shingle: long enough that shared stock phrases ("政府信息公开") do not count.
const SHINGLE: usize = 8;

fn shingles(text: &str) -> HashSet<&str> {
    let chars: Vec<(usize, char)> = text
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .collect();
    let mut out = HashSet::new();
    if chars.len() < SHINGLE {
        return out;
    }
    // Shingles over the original text (white space inside a shingle is rare and harmless).
    for w in chars.windows(SHINGLE) {
        let start = w[0].0;
        let end = w[SHINGLE - 1].0 + w[SHINGLE - 1].1.len_utf8();
        out.insert(&text[start..end]);
    }
    out
}

/// The share of `text`'s 8-character shingles that also occur in `other`, from 0.0 to 1.0: how
/// much of this year's text was copied from that one (内容雷同).
pub fn copied_share(text: &str, other: &str) -> f64 {
    let mine = shingles(text);
    if mine.is_empty() {
        return 0.0;
    }
    let theirs = shingles(other);
    let shared = mine.iter().filter(|s| theirs.contains(*s)).count();
    #[expect(
        clippy::cast_precision_loss,
        reason = "counts of shingles are far below 2^52"
    )]
    let share = shared as f64 / mine.len() as f64;
    share
}

/// What publishing a report's next version leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    /// The version number (1, then one more per correction).
    pub version: i32,
    /// The correction note, trimmed (empty for the first version).
    pub note: String,
    /// The title of the item filed in the 信息公开年度报告 column.
    pub item_title: String,
    /// The audit record.
    pub audit: crate::audit::Entry,
}

/// Publishes the next version of a year's report after `last` (`None`: never published). A
/// published report is never overwritten: a correction is a new version and must say what it
/// corrects.
pub fn publish(
    slug: &str,
    report: &super::AnnualReport,
    last: Option<i32>,
    note: &str,
) -> Result<Filing, crate::Rejection> {
    let version = last.unwrap_or(0) + 1;
    let note = note.trim();
    if version > 1 && note.is_empty() {
        return Err(crate::Rejection::field(
            "note",
            "已发布的报告不能直接覆盖：更正须作为新版本发布，并写明更正说明",
        ));
    }
    let year = report.year;
    Ok(Filing {
        version,
        note: note.to_owned(),
        item_title: if version == 1 {
            report.title()
        } else {
            format!("{}（更正版）", report.title())
        },
        audit: crate::audit::Entry::new(
            Some(slug),
            "report.publish",
            format!("report:{slug}:{year}"),
            if version == 1 {
                format!("发布{year}年度报告")
            } else {
                format!("发布{year}年度报告第{version}版：{note}")
            },
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_follow_article_49_and_yield_to_the_county() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            publication_deadline(AgencyKind::Department, 2024, None),
            d("2025-01-31")
        );
        assert_eq!(
            publication_deadline(AgencyKind::Town, 2024, None),
            d("2025-03-31")
        );
        assert_eq!(
            publication_deadline(AgencyKind::Town, 2024, Some(d("2025-01-31"))),
            d("2025-01-31")
        );
    }

    #[test]
    fn month_days_parse_and_refuse_nonsense() {
        assert_eq!(MonthDay::parse("01-31").unwrap().to_string(), "01-31");
        for bad in ["2-30", "02-29", "13-01", "0131", "x-y"] {
            assert!(MonthDay::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn copied_text_is_measured_and_stock_phrases_are_not() {
        let last =
            "重视程度不够：部分干部对政务公开工作重要性认识不足，工作积极性不高，多是被动应付。";
        assert!(copied_share(last, last) > 0.99);
        let reworded =
            "今年我们组织了三次业务培训，干部对政务公开工作重要性认识明显提高，主动公开数量增加。";
        assert!(
            copied_share(reworded, last) < 0.3,
            "{}",
            copied_share(reworded, last)
        );
        assert!((copied_share("", last)).abs() < f64::EPSILON);
    }
}

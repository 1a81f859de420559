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

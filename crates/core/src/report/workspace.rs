//! Rules of the report workspace: when a report is due, which parts staff write and how long they
//! may be, whether their text was copied (内容雷同), when a report may be published, and how far
//! along each member agency's report is.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};

use super::{Finding, Relation, Severity, StaffTexts};
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

/// The parts of a report staff write, in report order: (key, heading).
pub const PARTS: [(&str, &str); 11] = [
    ("opening", "一、总体情况的开头段落"),
    (
        "proactive",
        "一（一）主动公开（本段之后由系统写入主动公开数量）",
    ),
    (
        "on_request",
        "一（二）依申请公开（本段之后由系统写入申请办理数量）",
    ),
    ("management", "一（三）政府信息管理"),
    ("platform", "一（四）政府信息公开平台建设"),
    ("supervision", "一（五）监督保障"),
    ("problems", "五、存在的主要问题及改进情况"),
    (
        "fee_basis",
        "六（一）收费情况所依据的规定（本段之后由系统写入收费情况）",
    ),
    ("work_points", "六（二）落实上级年度政务公开工作要点情况"),
    (
        "proposals",
        "六（三）人大代表建议和政协提案办理结果公开情况",
    ),
    ("innovation", "六（四）政务公开工作创新情况"),
];

/// The most a part may hold, in characters.
pub const PART_MAX_CHARS: usize = 20_000;

/// Above this share of shared 8-character runs a part counts as copied (内容雷同).
pub const COPIED: f64 = 0.5;

impl StaffTexts {
    /// Refuses a part longer than [`PART_MAX_CHARS`], naming it. Line breaks count once, as
    /// written: a browser sends a textarea's as two characters (CR LF).
    pub fn check(&self) -> Result<(), crate::Rejection> {
        for (key, heading) in PARTS {
            let count = self.part(key).replace("\r\n", "\n").chars().count();
            if count > PART_MAX_CHARS {
                return Err(crate::Rejection::new(format!(
                    "“{heading}”有{count}字，每部分不超过{PART_MAX_CHARS}字；请删减后再保存（已填写的内容仍在下方）。"
                )));
            }
        }
        Ok(())
    }

    /// A finding for each part the 30号 format asks to be written and left empty: 一（三）（四）
    /// （五） and 五 are errors (their headings would stand over nothing); 六（二）（三）（四） are
    /// warnings (where there is nothing to report, the report says so: “无”).
    pub fn missing(&self) -> Vec<Finding> {
        PARTS
            .iter()
            .filter(|(key, _)| self.part(key).trim().is_empty())
            .filter_map(|(key, heading)| {
                let (severity, what) = match *key {
                    "management" | "platform" | "supervision" | "problems" => {
                        (Severity::Error, "年度报告必须写明这一部分")
                    }
                    "work_points" | "proposals" | "innovation" => {
                        (Severity::Warning, "没有需要报告的内容时，请写明“无”")
                    }
                    _ => return None,
                };
                Some(Finding {
                    location: Some((*heading).to_owned()),
                    ..Finding::new(
                        Relation::SMissingSection,
                        severity,
                        format!("“{heading}”尚未填写：{what}；请在本页填写并保存"),
                    )
                })
            })
            .collect()
    }

    /// A warning for each part of these texts that is at least [`COPIED`] the same as in `other`
    /// (last year's report, or a sibling agency's), described as `whose`.
    pub fn copied_from(&self, other: &Self, whose: &str) -> Vec<Finding> {
        PARTS
            .iter()
            .filter_map(|(key, heading)| {
                // Words, not markup: the same text with a list or bold added is still the same text.
                let share = copied_share(
                    &super::text::plain(self.part(key)),
                    &super::text::plain(other.part(key)),
                );
                (share >= COPIED).then(|| Finding {
                    location: Some((*heading).to_owned()),
                    ..Finding::new(
                        Relation::SCopiedText,
                        Severity::Warning,
                        format!(
                            "“{heading}”有{:.0}%的内容与{whose}相同；请根据本年度实际情况重写",
                            share * 100.0
                        ),
                    )
                })
            })
            .collect()
    }
}

/// What a part holds before staff write it, so that no part starts blank: the opening paragraph
/// in the usual form and the fee rule 六（一） cites. Other parts start empty (五 from last
/// year's problems, [`follow_up_draft`]).
pub fn default_part(key: &str, agency_name: &str, year: i32) -> String {
    match key {
        "opening" => format!(
            "{year}年，{agency_name}认真贯彻落实《中华人民共和国政府信息公开条例》和上级政务公开工作部署，扎实推进政务公开工作。现将{year}年度政府信息公开工作情况报告如下："
        ),
        "fee_basis" => super::narrative::FEE_BASIS.to_owned(),
        _ => String::new(),
    }
}

/// A first draft of 五 from last year's problems: each numbered problem becomes a line awaiting its
/// follow-up (整改情况), since the report must say what became of them.
pub fn follow_up_draft(last_problems: &str) -> String {
    let items: Vec<String> = last_problems
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .take(10)
        .map(|l| format!("{l}——整改情况："))
        .collect();
    if items.is_empty() {
        String::new()
    } else {
        format!(
            "对照上年度报告提出的问题，整改情况如下：\n{}",
            items.join("\n")
        )
    }
}

/// Whether the report of `year` may be published `today` with `errors` error-level findings
/// open: only once the year is over, and only without errors.
pub fn ready_to_publish(
    year: i32,
    today: NaiveDate,
    errors: usize,
) -> Result<(), crate::Rejection> {
    if today.year() <= year {
        return Err(crate::Rejection::new(format!(
            "{year}年尚未结束，年度报告在次年发布。"
        )));
    }
    if errors > 0 {
        return Err(crate::Rejection::new(format!(
            "还有{errors}项错误未改正，改正后才能发布。"
        )));
    }
    Ok(())
}

/// How far along a member agency's report is, as the oversight office's summary lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Published.
    Published,
    /// Not published and past its deadline.
    Late,
    /// Error-level findings remain.
    Failing,
    /// Staff have written text.
    Drafting,
    /// Nothing yet.
    NotStarted,
}

impl Progress {
    /// The first that applies: published, then late, then failing checks, then drafting.
    pub fn of(
        published: bool,
        today: NaiveDate,
        deadline: NaiveDate,
        errors: usize,
        has_texts: bool,
    ) -> Self {
        if published {
            Self::Published
        } else if today > deadline {
            Self::Late
        } else if errors > 0 {
            Self::Failing
        } else if has_texts {
            Self::Drafting
        } else {
            Self::NotStarted
        }
    }

    /// What the summary shows.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Published => "已发布",
            Self::Late => "逾期未发布",
            Self::Failing => "核查未通过",
            Self::Drafting => "起草中",
            Self::NotStarted => "未开始",
        }
    }
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
        // Each correction's item is told apart by its version: two read "（更正版）" alike in
        // the lists and the search.
        item_title: if version == 1 {
            report.title()
        } else {
            format!("{}（第{version}版，更正）", report.title())
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

/// Who approves publication: a report becomes public only when a second person — the 分管领导
/// (final reviewer) of the agency, not the one who asked for it — approves exactly what was put
/// before them. `proposer` and `approver` are user ids (`None`: the system, which never approves).
pub fn may_approve(
    proposer: Option<i64>,
    approver: Option<i64>,
    approver_is_final_reviewer: bool,
) -> Result<(), crate::Rejection> {
    if !approver_is_final_reviewer {
        return Err(crate::Rejection::new(
            "年度报告须经本机关分管领导（终审）批准后发布。",
        ));
    }
    match (proposer, approver) {
        (_, None) => Err(crate::Rejection::new("发布须由分管领导本人批准。")),
        (Some(p), Some(a)) if p == a => Err(crate::Rejection::new(
            "提请发布的人不能自己批准：须由另一位分管领导（终审）批准。",
        )),
        _ => Ok(()),
    }
}

/// The audit record of asking for publication of `year`'s report (version `version`).
pub fn proposal_entry(slug: &str, year: i32, version: i32) -> crate::audit::Entry {
    crate::audit::Entry::new(
        Some(slug),
        "report.propose",
        format!("report:{slug}:{year}"),
        if version == 1 {
            format!("提请分管领导批准发布{year}年度报告")
        } else {
            format!("提请分管领导批准发布{year}年度报告第{version}版")
        },
    )
}

/// The audit record of a proposal sent back, with the reason (which must be given).
pub fn return_entry(
    slug: &str,
    year: i32,
    reason: &str,
) -> Result<crate::audit::Entry, crate::Rejection> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(crate::Rejection::field(
            "reason",
            "退回须写明理由，以便修改。",
        ));
    }
    Ok(crate::audit::Entry::new(
        Some(slug),
        "report.return",
        format!("report:{slug}:{year}"),
        format!("退回{year}年度报告发布申请：{reason}"),
    ))
}

#[cfg(test)]
mod tests {

    #[test]
    fn publication_needs_a_second_person_who_is_the_final_reviewer() {
        assert!(may_approve(Some(1), Some(2), true).is_ok());
        assert!(
            may_approve(Some(1), Some(1), true).is_err(),
            "not one's own"
        );
        assert!(
            may_approve(Some(1), Some(2), false).is_err(),
            "only 分管领导"
        );
        assert!(
            may_approve(Some(1), None, true).is_err(),
            "never the system"
        );
        assert!(may_approve(None, Some(2), true).is_ok());
    }

    #[test]
    fn each_correction_is_filed_under_its_own_version() {
        let agency = crate::AgencyRef {
            slug: crate::Slug::parse("xili").unwrap(),
            name: "西里镇人民政府".to_owned(),
        };
        let report = crate::report::aggregate(&agency, 2024, &[]);
        let first = publish("xili", &report, None, "").unwrap();
        assert_eq!(first.item_title, report.title());
        assert!(
            publish("xili", &report, Some(1), " ").is_err(),
            "a correction says why"
        );
        let titles: Vec<String> = [1, 2]
            .map(|last| {
                publish("xili", &report, Some(last), "更正数字")
                    .unwrap()
                    .item_title
            })
            .into();
        assert_eq!(titles[0], format!("{}（第2版，更正）", report.title()));
        assert_ne!(titles[0], titles[1]);
    }

    #[test]
    fn a_returned_proposal_says_why() {
        assert!(return_entry("xili", 2024, "  ").is_err());
        let e = return_entry("xili", 2024, "第五部分未写整改情况").unwrap();
        assert!(e.summary.contains("第五部分未写整改情况"));
    }
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
    fn a_part_copied_from_last_year_is_a_warning_with_its_heading() {
        let last = StaffTexts {
            problems: "重视程度不够：部分干部对政务公开工作重要性认识不足，工作积极性不高。".into(),
            ..StaffTexts::default()
        };
        let findings = last.copied_from(&last, "2023年度报告");
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Warning);
        assert_eq!(
            findings[0].location.as_deref(),
            Some("五、存在的主要问题及改进情况")
        );
        assert!(findings[0].message.contains("100%的内容与2023年度报告相同"));
        assert!(StaffTexts::default().copied_from(&last, "x").is_empty());
    }

    #[test]
    fn parts_left_empty_are_found_with_their_weight() {
        let severity = |texts: &StaffTexts, heading: &str| {
            texts
                .missing()
                .into_iter()
                .find(|f| f.location.as_deref() == Some(heading))
                .map(|f| f.severity)
        };
        let empty = StaffTexts::default();
        assert_eq!(empty.missing().len(), 7);
        assert_eq!(
            severity(&empty, "一（三）政府信息管理"),
            Some(Severity::Error)
        );
        assert_eq!(
            severity(&empty, "五、存在的主要问题及改进情况"),
            Some(Severity::Error)
        );
        assert_eq!(
            severity(&empty, "六（四）政务公开工作创新情况"),
            Some(Severity::Warning)
        );
        assert_eq!(severity(&empty, "一、总体情况的开头段落"), None);
        let written = StaffTexts {
            management: "严格落实信息发布审核制度。".into(),
            platform: "  ".into(),
            innovation: "无".into(),
            ..StaffTexts::default()
        };
        assert_eq!(severity(&written, "一（三）政府信息管理"), None);
        assert_eq!(
            severity(&written, "一（四）政府信息公开平台建设"),
            Some(Severity::Error),
            "blank is empty"
        );
        assert_eq!(severity(&written, "六（四）政务公开工作创新情况"), None);
    }

    #[test]
    fn the_opening_and_the_fee_rule_start_filled_in() {
        let opening = default_part("opening", "沂源县西里镇人民政府", 2024);
        assert!(
            opening.starts_with("2024年，沂源县西里镇人民政府") && opening.ends_with("报告如下：")
        );
        assert!(default_part("fee_basis", "x", 2024).contains("国办函〔2020〕109号"));
        assert!(default_part("innovation", "x", 2024).is_empty());
    }

    #[test]
    fn parts_are_bounded() {
        let long = StaffTexts {
            innovation: "字".repeat(PART_MAX_CHARS + 1),
            ..StaffTexts::default()
        };
        assert_eq!(
            long.check().unwrap_err().message,
            "“六（四）政务公开工作创新情况”有20001字，每部分不超过20000字；请删减后再保存（已填写的内容仍在下方）。"
        );
        assert!(StaffTexts::default().check().is_ok());
        // A browser's CR LF line breaks count once.
        let lines = StaffTexts {
            innovation: "字\r\n".repeat(PART_MAX_CHARS / 2),
            ..StaffTexts::default()
        };
        assert!(lines.check().is_ok());
        for (key, _) in PARTS {
            assert_eq!(long.part(key).is_empty(), key != "innovation", "{key}");
        }
    }

    #[test]
    fn the_workspace_shows_every_part_staff_texts_keep_and_no_other() {
        let mut shown: Vec<&str> = PARTS.iter().map(|(key, _)| *key).collect();
        let mut kept = StaffTexts::KEYS.to_vec();
        shown.sort_unstable();
        kept.sort_unstable();
        assert_eq!(shown, kept);
        let mut texts = StaffTexts::default();
        for key in StaffTexts::KEYS {
            *texts.part_mut(key).expect("a kept part") = format!("{key}。");
        }
        for key in StaffTexts::KEYS {
            assert_eq!(texts.part(key), format!("{key}。"));
        }
        assert!(texts.part_mut("no_such_part").is_none());
        assert_eq!(texts.part("no_such_part"), "");
    }

    #[test]
    fn last_years_numbered_problems_become_the_follow_up_draft() {
        let draft = follow_up_draft("存在问题：\n1. 更新不及时\n2. 解读偏少\n另：无");
        assert_eq!(
            draft,
            "对照上年度报告提出的问题，整改情况如下：\n1. 更新不及时——整改情况：\n2. 解读偏少——整改情况："
        );
        assert_eq!(follow_up_draft("无"), "");
    }

    #[test]
    fn a_report_is_published_after_its_year_and_without_errors() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert!(ready_to_publish(2024, d("2024-12-31"), 0).is_err());
        assert_eq!(
            ready_to_publish(2024, d("2025-01-02"), 2)
                .unwrap_err()
                .message,
            "还有2项错误未改正，改正后才能发布。"
        );
        assert!(ready_to_publish(2024, d("2025-01-02"), 0).is_ok());
    }

    #[test]
    fn progress_takes_the_first_that_applies() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let (today, deadline) = (d("2025-04-01"), d("2025-03-31"));
        assert_eq!(
            Progress::of(true, today, deadline, 3, true),
            Progress::Published
        );
        assert_eq!(
            Progress::of(false, today, deadline, 0, false),
            Progress::Late
        );
        let early = d("2025-03-01");
        assert_eq!(
            Progress::of(false, early, deadline, 1, true),
            Progress::Failing
        );
        assert_eq!(
            Progress::of(false, early, deadline, 0, true).label(),
            "起草中"
        );
        assert_eq!(
            Progress::of(false, early, deadline, 0, false).label(),
            "未开始"
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

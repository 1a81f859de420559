//! What an inspection of the portal would mark, found before the inspectors do: columns about to
//! break the update rules (`spec/portal-conventions.md` C-6, U-2: 动态/要闻 columns within 2 weeks,
//! first-level 通知公告/政策文件 columns within 6 months), empty public columns (C-7), an overdue or
//! upcoming annual report (条例 第四十九条), a guide nobody confirmed, 规章/规范性文件 whose 有效性
//! needs review, and 规章/规范性文件 without their 解读 (C-5). Each warning says what is wrong, how
//! serious it is and where to fix it.

use chrono::{Datelike, Duration, Months, NaiveDate};

/// How an inspection weighs a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Weight {
    /// 单项否决: the site is 不合格 whatever else it scores.
    Veto,
    /// 扣分, or a breach of the 条例.
    Breach,
    /// About to become one of those: act now.
    Soon,
    /// Worth attention.
    Notice,
}

impl Weight {
    /// What people read.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Veto => "单项否决",
            Self::Breach => "已违反",
            Self::Soon => "即将到期",
            Self::Notice => "提示",
        }
    }
}

/// Where a warning is fixed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "place", rename_all = "snake_case")]
pub enum Fix {
    /// Draft and publish in this column.
    Column {
        /// The column.
        name: String,
    },
    /// The catalogue (hide or fill empty columns, mark 未涉及).
    Catalogue,
    /// The guide.
    Guide,
    /// The year's report workspace.
    Report {
        /// The year.
        year: i32,
    },
    /// One item's page in the back office (its 有效性, a correction).
    Item {
        /// Its id.
        id: i64,
    },
    /// A 政策解读 to draft for this document.
    Interpretation {
        /// The document's id.
        of: i64,
    },
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// How serious.
    pub weight: Weight,
    /// What is wrong and what to do, in Chinese.
    pub message: String,
    /// Where to fix it.
    pub fix: Fix,
}

/// A column as the inspection sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnState {
    /// Its name.
    pub name: String,
    /// Its parent column, for a sub-column.
    pub parent: Option<String>,
    /// Items on the portal in it.
    pub items: i64,
    /// The latest publication in it.
    pub last_published: Option<NaiveDate>,
    /// Marked 未涉及 (the agency has nothing of this kind): never empty, never stale.
    pub not_involved: bool,
}

/// A 规章 or 行政规范性文件 on the portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Item id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// 成文日期.
    pub written_on: Option<NaiveDate>,
    /// Marked 有效 (not 废止 or 失效).
    pub in_force: bool,
    /// Has a published 政策解读.
    pub interpreted: bool,
}

/// What the inspection looks at.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    /// The day of the inspection.
    pub today: NaiveDate,
    /// The agency's columns.
    pub columns: &'a [ColumnState],
    /// The last year's report: (year, due date, published).
    pub report: Option<(i32, NaiveDate, bool)>,
    /// The guide was confirmed by the agency (not only the generated default).
    pub guide_confirmed: bool,
    /// 规章 and 行政规范性文件 on the portal.
    pub documents: &'a [Document],
}

/// How often a column must be updated, by what it holds (C-6, U-2, U-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// 动态 / 要闻: within 2 weeks.
    TwoWeeks,
    /// First-level 通知公告 / 政策文件: within 6 months.
    SixMonths,
    /// 人事 / 规划计划: within a year.
    Year,
    /// No update rule.
    None,
}

impl Freshness {
    /// The rule for a column, by its name and level.
    pub fn of(name: &str, first_level: bool) -> Self {
        if ["动态", "要闻", "新闻"].iter().any(|k| name.contains(k)) {
            Self::TwoWeeks
        } else if first_level
            && ["通知", "公告", "政策", "文件"]
                .iter()
                .any(|k| name.contains(k))
        {
            Self::SixMonths
        } else if ["人事", "规划", "计划"].iter().any(|k| name.contains(k)) {
            Self::Year
        } else {
            Self::None
        }
    }

    /// The last day a column last updated on `last` still meets the rule, and the day from which
    /// to warn (three days before a 2-week rule trips, half a month before the others).
    fn window(self, last: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let (due, warn) = match self {
            Self::TwoWeeks => (last + Duration::days(14), last + Duration::days(11)),
            Self::SixMonths => {
                let due = last.checked_add_months(Months::new(6))?;
                (due, due - Duration::days(15))
            }
            Self::Year => {
                let due = last.checked_add_months(Months::new(12))?;
                (due, due - Duration::days(15))
            }
            Self::None => return None,
        };
        Some((due, warn))
    }

    fn text(self) -> &'static str {
        match self {
            Self::TwoWeeks => "动态类栏目须2周内更新",
            Self::SixMonths => "通知公告、政策文件类一级栏目须6个月内更新",
            Self::Year => "人事、规划计划类栏目须1年内更新",
            Self::None => "",
        }
    }
}

/// Empty columns from which the site fails outright (U-2 (c)).
pub const EMPTY_COLUMNS_VETO: usize = 5;
/// Stale columns from which the site fails outright (U-2 (a)).
pub const STALE_COLUMNS_VETO: usize = 5;
/// Years after which a 行政规范性文件 marked 有效 is reviewed (most provinces set 5 years as the
/// longest validity of a 规范性文件 unless it says otherwise).
pub const DOCUMENT_REVIEW_YEARS: u32 = 5;

/// Everything the inspection would mark, most serious first.
pub fn inspect(f: &Facts<'_>) -> Vec<Warning> {
    let mut out = Vec::new();
    let mut stale = 0;
    let mut empty = 0;
    for c in f.columns.iter().filter(|c| !c.not_involved) {
        if c.items == 0 {
            empty += 1;
            out.push(Warning {
                weight: Weight::Breach,
                message: format!(
                    "栏目“{}”没有任何信息（空白栏目）：请发布信息，或在目录中标注“未涉及”",
                    c.name
                ),
                fix: Fix::Catalogue,
            });
            continue;
        }
        let rule = Freshness::of(&c.name, c.parent.is_none());
        let Some((due, warn)) = c.last_published.and_then(|last| rule.window(last)) else {
            continue;
        };
        if f.today > due {
            stale += 1;
            out.push(Warning {
                weight: Weight::Breach,
                message: format!(
                    "栏目“{}”自{}起未更新，{}，已超期",
                    c.name,
                    c.last_published.map(|d| d.to_string()).unwrap_or_default(),
                    rule.text()
                ),
                fix: Fix::Column {
                    name: c.name.clone(),
                },
            });
        } else if f.today >= warn {
            out.push(Warning {
                weight: Weight::Soon,
                message: format!("栏目“{}”须在{due}前更新（{}）", c.name, rule.text()),
                fix: Fix::Column {
                    name: c.name.clone(),
                },
            });
        }
    }
    if empty >= EMPTY_COLUMNS_VETO {
        out.push(Warning {
            weight: Weight::Veto,
            message: format!("空白栏目有{empty}个（5个以上即为单项否决）"),
            fix: Fix::Catalogue,
        });
    }
    if stale >= STALE_COLUMNS_VETO {
        out.push(Warning {
            weight: Weight::Veto,
            message: format!("超期未更新的栏目有{stale}个（5个以上即为单项否决）"),
            fix: Fix::Catalogue,
        });
    }
    if let Some((year, due, published)) = f.report
        && !published
    {
        if f.today > due {
            out.push(Warning {
                weight: Weight::Breach,
                message: format!(
                    "{year}年度政府信息公开工作年度报告应于{due}前发布，已逾期（条例第四十九条）"
                ),
                fix: Fix::Report { year },
            });
        } else if f.today + Duration::days(30) >= due {
            out.push(Warning {
                weight: Weight::Soon,
                message: format!("{year}年度政府信息公开工作年度报告须于{due}前发布"),
                fix: Fix::Report { year },
            });
        }
    }
    if !f.guide_confirmed {
        out.push(Warning {
            weight: Weight::Breach,
            message: "政府信息公开指南尚未由本机关确认：门户上写明“指南正在编制”，只显示系统依条例第十二条生成的基本内容。请核对、补充并保存指南（条例第十二条）".to_owned(),
            fix: Fix::Guide,
        });
    }
    for d in f.documents {
        if !d.interpreted {
            out.push(Warning {
                weight: Weight::Notice,
                message: format!(
                    "“{}”尚无政策解读（规章、规范性文件应与解读双向关联）",
                    d.title
                ),
                fix: Fix::Interpretation { of: d.id },
            });
        }
        if d.in_force
            && let Some(w) = d.written_on
            && w.checked_add_months(Months::new(12 * DOCUMENT_REVIEW_YEARS))
                .is_some_and(|end| end <= f.today)
        {
            out.push(Warning {
                weight: Weight::Notice,
                message: format!(
                    "“{}”成文于{}年，仍标注为有效：规范性文件有效期一般不超过{DOCUMENT_REVIEW_YEARS}年，请核实后标注有效、废止或失效",
                    d.title,
                    w.year()
                ),
                fix: Fix::Item { id: d.id },
            });
        }
    }
    out.sort_by_key(|w| w.weight);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn column(name: &str, items: i64, last: Option<&str>) -> ColumnState {
        ColumnState {
            name: name.into(),
            parent: None,
            items,
            last_published: last.map(d),
            not_involved: false,
        }
    }

    #[test]
    fn columns_are_held_to_their_update_rule_and_warned_before_it_trips() {
        let columns = [
            column("工作动态", 3, Some("2026-11-10")),
            column("通知公告", 8, Some("2026-06-01")),
            column("政府会议", 2, Some("2024-01-01")),
            column("财政预决算", 0, None),
            ColumnState {
                not_involved: true,
                ..column("行政强制", 0, None)
            },
        ];
        let w = inspect(&Facts {
            today: d("2026-11-22"),
            columns: &columns,
            report: Some((2025, d("2026-03-31"), true)),
            guide_confirmed: true,
            documents: &[],
        });
        let about = |name: &str| {
            w.iter()
                .filter(|x| x.message.contains(name))
                .collect::<Vec<_>>()
        };
        assert_eq!(about("工作动态")[0].weight, Weight::Soon, "{w:?}");
        assert_eq!(about("通知公告")[0].weight, Weight::Soon, "{w:?}");
        assert!(about("政府会议").is_empty(), "no update rule for it");
        assert_eq!(about("财政预决算")[0].weight, Weight::Breach);
        assert!(about("行政强制").is_empty(), "未涉及");
        let later = inspect(&Facts {
            today: d("2026-12-03"),
            columns: &columns,
            report: None,
            guide_confirmed: true,
            documents: &[],
        });
        assert!(
            later
                .iter()
                .any(|x| x.message.contains("工作动态") && x.weight == Weight::Breach)
        );
    }

    #[test]
    fn an_overdue_report_an_unconfirmed_guide_and_old_documents_are_marked() {
        let docs = [Document {
            id: 7,
            title: "西里镇农村宅基地管理办法".into(),
            written_on: Some(d("2019-05-01")),
            in_force: true,
            interpreted: false,
        }];
        let empties: Vec<ColumnState> = (0..5)
            .map(|i| column(&format!("栏目{i}"), 0, None))
            .collect();
        let w = inspect(&Facts {
            today: d("2026-04-02"),
            columns: &empties,
            report: Some((2025, d("2026-03-31"), false)),
            guide_confirmed: false,
            documents: &docs,
        });
        assert_eq!(w[0].weight, Weight::Veto, "{w:?}");
        assert!(
            w.iter()
                .any(|x| x.fix == Fix::Report { year: 2025 } && x.weight == Weight::Breach)
        );
        assert!(w.iter().any(|x| x.fix == Fix::Guide));
        // The 2019 document: marked 有效 for too long (its page), and without its 解读 (draft one).
        assert_eq!(w.iter().filter(|x| x.fix == Fix::Item { id: 7 }).count(), 1);
        assert!(w.iter().any(|x| x.fix == Fix::Interpretation { of: 7 }));
    }
}

//! Table 四 can never be misread silently: whatever order its three parts come in, split into
//! separate tables or glued together, each part is read right or left unread with a finding.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use gongkai_core::case::CaseKind;
use gongkai_core::report::Relation;
use gongkai_docs::parse::parse_text;
use proptest::prelude::*;

const HEAD: &str = "某县某镇人民政府2023年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n四、政府信息公开行政复议、行政诉讼情况\n";
const TAIL: &str =
    "五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n未收取信息处理费。\n";

fn group() -> impl Strategy<Value = [i64; 5]> {
    proptest::array::uniform4(0i64..40).prop_map(|p| [p[0], p[1], p[2], p[3], p.iter().sum()])
}

fn name(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Reconsideration => "行政复议",
        CaseKind::LitigationDirect => "行政诉讼 未经复议直接起诉",
        CaseKind::LitigationAfterReconsideration => "行政诉讼 复议后起诉",
    }
}

fn cells(v: &[i64; 5], glued: bool) -> String {
    if glued {
        v.iter().map(ToString::to_string).collect()
    } else {
        format!(
            "| {} |",
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" | ")
        )
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

    #[test]
    fn shuffled_or_split_parts_read_right_or_are_reported_unread(
        values in proptest::array::uniform3(group()),
        order in Just([0usize, 1, 2]).prop_shuffle(),
        split in any::<bool>(),
        glued in any::<bool>(),
        drop_header in proptest::option::of(0usize..3),
    ) {
        let kinds = CaseKind::ALL;
        let mut text = String::from(HEAD);
        if split {
            // Three tables, one per part, in any order, each under its own header — maybe one
            // part's header lost.
            for (i, k) in order.iter().enumerate() {
                if drop_header != Some(i) {
                    text.push_str(name(kinds[*k]));
                    text.push('\n');
                }
                text.push_str("| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n");
                text.push_str(&cells(&values[*k], glued));
                text.push('\n');
            }
        } else {
            // One table: headers in statutory order, then the 15 figures in statutory order.
            text.push_str("行政复议 行政诉讼\n未经复议直接起诉 复议后起诉\n结果维持 结果纠正 其他结果 尚未审结 总计\n");
            let all: Vec<String> = values.iter().map(|v| cells(v, glued)).collect();
            text.push_str(&all.join(if glued { "" } else { " " }).replace("| |", "|"));
            text.push('\n');
        }
        text.push_str(TAIL);
        let p = parse_text(&text, "x.txt").unwrap();
        let mut unread_parts = 0;
        for (k, kind) in kinds.iter().enumerate() {
            let got = p.report.table4.group(*kind).cells();
            let want = values[k].map(Some);
            let read: Vec<(Option<i64>, Option<i64>)> =
                got.iter().copied().zip(want.iter().copied()).collect();
            // Every cell read is right; a cell not read is reported.
            for (g, w) in &read {
                if g.is_some() {
                    prop_assert_eq!(g, w, "{:?} {}", kind, text);
                }
            }
            if got.iter().any(Option::is_none) {
                unread_parts += 1;
            }
        }
        if unread_parts > 0 {
            prop_assert!(
                p.findings.iter().any(|f| matches!(f.relation, Relation::SUnread | Relation::SAmbiguous | Relation::SMissingTable)),
                "unread without a finding: {:#?}\n{}", p.findings, text
            );
        }
        if !glued && drop_header.is_none() {
            prop_assert_eq!(unread_parts, 0, "{}", text);
        }
    }
}

//! The sentences of the report derived from its figures. They are written so that the cross-check
//! `TX-TEXT` can read them back: every number a sentence states is a cell of a table.

use super::compute::{FeeSummary, StaffTexts};
use super::model::{AnnualReport, Narrative, Table3Col, Table3Row};
use crate::case::CaseKind;
use crate::request::OutcomeGroup;

/// Builds the narrative: staff text where staff write, generated sentences where data speaks.
pub fn compose(
    report: &AnnualReport,
    texts: &StaffTexts,
    fees: FeeSummary,
    supervision: &crate::supervision::Supervision,
) -> Narrative {
    let short = crate::letter::default_number_prefix(&report.agency.name);
    Narrative {
        opening: texts.opening.trim().to_owned(),
        proactive: join(&texts.proactive, &proactive_sentence(report)),
        on_request: join(&texts.on_request, &on_request_sentence(report)),
        management: texts.management.clone(),
        platform: texts.platform.clone(),
        supervision: join(&texts.supervision, &supervision.sentence(report.year)),
        problems: texts.problems.clone(),
        fees: fee_sentence_citing(&texts.fee_basis, fees),
        work_points: texts.work_points.clone(),
        // Staff text prevails (it may say more than the figures); without it the records speak.
        proposals: if texts.proposals.trim().is_empty() {
            supervision.proposals_sentence(report.year, &short)
        } else {
            texts.proposals.clone()
        },
        innovation: texts.innovation.clone(),
    }
}

/// Staff's lead-in, then the generated sentence: on the lead's last line when that is a
/// paragraph (the seed's wording runs on), on a line of its own after a list or a sub-heading.
fn join(lead: &str, generated: &str) -> String {
    let lead = lead.trim();
    if lead.is_empty() {
        generated.to_owned()
    } else if generated.is_empty() || super::text::ends_in_paragraph(lead) {
        format!("{lead}{generated}")
    } else {
        format!("{lead}\n{generated}")
    }
}

/// "2024年，累计主动公开政府信息20条，其中，重点民生4条，……。" — the seed's own wording.
pub fn proactive_sentence(report: &AnnualReport) -> String {
    let p = &report.proactive;
    if p.total == 0 {
        return format!("{}年，本机关未主动公开政府信息。", report.year);
    }
    let parts: Vec<String> = p
        .by_category
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| format!("{}{}条", c.category, c.count))
        .collect();
    format!(
        "{}年，累计主动公开政府信息{}条，其中，{}。",
        report.year,
        p.total,
        parts.join("，")
    )
}

/// The request summary for the statistics period, with the figures of tables 三 and 四.
pub fn on_request_sentence(report: &AnnualReport) -> String {
    let t3 = &report.table3;
    let total = |row| t3.get(row, Table3Col::Total).unwrap_or(0);
    let (received, carried_in) = (total(Table3Row::Received), total(Table3Row::CarriedIn));
    let (decided, carried_out) = (total(Table3Row::Total), total(Table3Row::CarriedOut));
    let y = report.year;
    let mut parts = vec![format!("自{y}年1月1日起至{y}年12月31日止，")];
    if received == 0 && carried_in == 0 {
        parts.push("未收到政府信息公开申请，无上年结转政府信息公开申请。".to_owned());
    } else {
        parts.push(format!(
            "新收政府信息公开申请{received}件，上年结转政府信息公开申请{carried_in}件；"
        ));
        let groups: Vec<String> = OutcomeGroup::ALL
            .iter()
            .filter_map(|g| {
                let n = t3.group_sum(*g, Table3Col::Total).unwrap_or(0);
                (n > 0).then(|| format!("{}{n}件", g.short_label()))
            })
            .collect();
        if groups.is_empty() {
            parts.push(format!("本年度办结{decided}件；"));
        } else {
            parts.push(format!(
                "本年度办结{decided}件，其中{}；",
                groups.join("，")
            ));
        }
        parts.push(format!("结转下年度继续办理{carried_out}件。"));
    }
    let t4 = &report.table4;
    let reconsideration = t4.group(CaseKind::Reconsideration).total.unwrap_or(0);
    let litigation: i64 = CaseKind::ALL
        .iter()
        .filter(|k| k.is_litigation())
        .map(|k| t4.group(*k).total.unwrap_or(0))
        .sum();
    if reconsideration == 0 && litigation == 0 {
        parts.push("本年度未发生政府信息公开行政复议、行政诉讼案件。".to_owned());
    } else {
        parts.push(format!(
            "本年度涉及政府信息公开的行政复议{reconsideration}件、行政诉讼{litigation}件。"
        ));
    }
    parts.concat()
}

/// The rule 六（一） cites when staff name no other.
pub const FEE_BASIS: &str = "根据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）";

/// The fee statement of 六（一）: 30号 asks every report to state it, even when nothing was charged.
pub fn fee_sentence(fees: FeeSummary) -> String {
    fee_sentence_citing("", fees)
}

/// The fee statement citing `basis` — the rules staff name, such as a province's alongside the
/// national one (the figures are always the records').
pub fn fee_sentence_citing(basis: &str, fees: FeeSummary) -> String {
    let basis = crate::letter::clause(basis);
    let basis = if basis.is_empty() {
        FEE_BASIS
    } else {
        basis.as_str()
    };
    if fees.notices == 0 && fees.collected_fen == 0 {
        format!("{basis}，本年度未收取政府信息公开信息处理费。")
    } else {
        format!(
            "{basis}，本年度发出收费通知{}件，通知收取信息处理费{}元，实际收取信息处理费共计{}元。",
            fees.notices,
            yuan(fees.notified_fen),
            yuan(fees.collected_fen)
        )
    }
}

fn yuan(fen: i64) -> String {
    let (whole, cents) = (fen / 100, (fen % 100).abs());
    match cents {
        0 => whole.to_string(),
        c if c % 10 == 0 => format!("{whole}.{}", c / 10),
        c => format!("{whole}.{c:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fee_statement_cites_the_rules_staff_name_and_states_the_records() {
        let seed = "根据《国务院办公厅关于印发〈政府信息公开信息处理费管理办法〉的通知》（国办函〔2020〕109号）和《山东省人民政府办公厅关于做好政府信息公开信息处理费管理工作有关事项的通知》（鲁政办字〔2020〕179号）规定，";
        let s = fee_sentence_citing(seed, FeeSummary::default());
        assert!(
            s.ends_with("（鲁政办字〔2020〕179号）规定，本年度未收取政府信息公开信息处理费。"),
            "{s}"
        );
        assert_eq!(
            fee_sentence_citing("  ", FeeSummary::default()),
            fee_sentence(FeeSummary::default())
        );
    }

    #[test]
    fn fee_amounts_are_printed_in_yuan() {
        assert_eq!(yuan(0), "0");
        assert_eq!(yuan(10_050), "100.5");
        assert_eq!(yuan(10_005), "100.05");
        let s = fee_sentence(FeeSummary {
            notices: 2,
            notified_fen: 20_000,
            collected_fen: 10_000,
        });
        assert!(
            s.contains("发出收费通知2件") && s.contains("共计100元"),
            "{s}"
        );
    }
}

//! Charts as SVG, drawn from the report's own figures: proactive items by category, requests by
//! outcome, and a year-over-year comparison. Each chart is an accessible image (`role="img"` with
//! a title and a text description of every figure), so a screen reader gets the numbers too.

use gongkai_core::report::{AnnualReport, Table3Col, Table3Row};
use gongkai_core::request::OutcomeGroup;
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::{RenderError, TEMPLATES};

const COLORS: [&str; 3] = ["#0b4f8a", "#b45309", "#2e7d32"];
const WIDTH: i64 = 640;
const LABEL_WIDTH: i64 = 170;

#[derive(Serialize)]
struct Segment {
    name: &'static str,
    value: i64,
    y: i64,
    length: i64,
    thickness: i64,
    color: &'static str,
}

#[derive(Serialize)]
struct Bar {
    label: String,
    y: i64,
    height: i64,
    values: Vec<Segment>,
}

#[derive(Serialize)]
struct Legend {
    name: &'static str,
    color: &'static str,
}

/// A horizontal bar chart: one group per label, one bar per series.
fn bars(
    id: &str,
    title: &str,
    series: &[&'static str],
    rows: &[(String, Vec<i64>)],
) -> Result<String, RenderError> {
    let max = rows
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let thickness = 16;
    let group = thickness * i64::try_from(series.len()).unwrap_or(1) + 10;
    let span = WIDTH - LABEL_WIDTH - 60;
    let bars: Vec<Bar> = rows
        .iter()
        .enumerate()
        .map(|(i, (label, values))| {
            let y = 10 + i64::try_from(i).unwrap_or(0) * group;
            Bar {
                label: label.clone(),
                y,
                height: group - 10,
                values: values
                    .iter()
                    .enumerate()
                    .map(|(k, v)| Segment {
                        name: series[k],
                        value: *v,
                        y: y + i64::try_from(k).unwrap_or(0) * thickness,
                        length: (*v).max(0) * span / max,
                        thickness: thickness - 2,
                        color: COLORS[k % COLORS.len()],
                    })
                    .collect(),
            }
        })
        .collect();
    let legend: Vec<Legend> = series
        .iter()
        .enumerate()
        .map(|(k, name)| Legend {
            name,
            color: COLORS[k % COLORS.len()],
        })
        .collect();
    let height = 10
        + i64::try_from(rows.len()).unwrap_or(0) * group
        + if series.len() > 1 { 30 } else { 10 };
    Ok(TEMPLATES.get_template("bar_chart.svg")?.render(context! {
        id, title, width => WIDTH, height, label_width => LABEL_WIDTH, bars => Serde(bars), legend => Serde(legend),
    })?)
}

/// The data of a chart, for renderers that draw it themselves (the DOCX report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartData {
    /// The caption.
    pub title: String,
    /// Labels and values.
    pub rows: Vec<(String, i64)>,
}

/// The report's two charts as data: proactive items by category, requests by outcome.
pub fn report_chart_data(r: &AnnualReport) -> Vec<ChartData> {
    let mut out = Vec::new();
    if r.proactive.total > 0 {
        out.push(ChartData {
            title: format!("{}年主动公开政府信息（按栏目，条）", r.year),
            rows: r
                .proactive
                .by_category
                .iter()
                .map(|c| (c.category.clone(), c.count))
                .collect(),
        });
    }
    if r.table3
        .get(Table3Row::Total, Table3Col::Total)
        .unwrap_or(0)
        > 0
    {
        out.push(ChartData {
            title: format!("{}年政府信息公开申请办理结果（件）", r.year),
            rows: OutcomeGroup::ALL
                .iter()
                .map(|g| {
                    (
                        g.short_label().to_owned(),
                        r.table3.group_sum(*g, Table3Col::Total).unwrap_or(0),
                    )
                })
                .collect(),
        });
    }
    out
}

/// Items proactively disclosed, by category.
pub fn proactive_by_category(r: &AnnualReport) -> Result<String, RenderError> {
    let rows: Vec<(String, Vec<i64>)> = r
        .proactive
        .by_category
        .iter()
        .map(|c| (c.category.clone(), vec![c.count]))
        .collect();
    bars(
        "chart-proactive",
        &format!("{}年主动公开政府信息（按栏目，条）", r.year),
        &[""],
        &rows,
    )
}

/// Requests decided, by outcome group.
pub fn requests_by_outcome(r: &AnnualReport) -> Result<String, RenderError> {
    let rows: Vec<(String, Vec<i64>)> = OutcomeGroup::ALL
        .iter()
        .map(|g| {
            (
                g.short_label().to_owned(),
                vec![r.table3.group_sum(*g, Table3Col::Total).unwrap_or(0)],
            )
        })
        .collect();
    bars(
        "chart-outcomes",
        &format!("{}年政府信息公开申请办理结果（件）", r.year),
        &[""],
        &rows,
    )
}

/// Received, decided and proactive counts, year over year (oldest first). By reference: the
/// portal's reports are kept ready and shared, not copied for a chart.
pub fn year_over_year(reports: &[&AnnualReport]) -> Result<String, RenderError> {
    let total = |r: &AnnualReport, row| r.table3.get(row, Table3Col::Total).unwrap_or(0);
    let rows: Vec<(String, Vec<i64>)> = reports
        .iter()
        .map(|r| {
            (
                format!("{}年", r.year),
                vec![
                    r.proactive.total,
                    total(r, Table3Row::Received),
                    total(r, Table3Row::Total),
                ],
            )
        })
        .collect();
    bars(
        "chart-years",
        "历年主动公开与依申请公开情况",
        &["主动公开（条）", "新收申请（件）", "办结申请（件）"],
        &rows,
    )
}

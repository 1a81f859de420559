//! What staff put into a year's report besides the records: the staff-written parts, table 二
//! figures kept outside gongkai (with their source), and request facts imported in bulk.

use gongkai_core::audit::Entry;
use gongkai_core::report::{StaffTexts, Table2};
use gongkai_core::{RequestFacts, Slug, WanYuan};

use crate::db::{By, sql};
use crate::{Store, StoreError};

/// Table 二 as stored figures: (key, value).
fn table2_figures(t: &Table2) -> Vec<(&'static str, Option<String>)> {
    let n = |c: Option<i64>| c.map(|v| v.to_string());
    vec![
        ("rules.issued", n(t.rules.issued)),
        ("rules.repealed", n(t.rules.repealed)),
        ("rules.in_force", n(t.rules.in_force)),
        (
            "normative_documents.issued",
            n(t.normative_documents.issued),
        ),
        (
            "normative_documents.repealed",
            n(t.normative_documents.repealed),
        ),
        (
            "normative_documents.in_force",
            n(t.normative_documents.in_force),
        ),
        ("licensing.decisions", n(t.licensing.decisions)),
        ("penalties.decisions", n(t.penalties.decisions)),
        (
            "coercive_measures.decisions",
            n(t.coercive_measures.decisions),
        ),
        (
            "fees.amount_wan_yuan",
            t.fees.amount_wan_yuan.map(|a| a.to_string()),
        ),
    ]
}

pub(crate) fn set_table2_figure(t: &mut Table2, key: &str, value: &str) -> Result<(), StoreError> {
    let corrupt = || StoreError::Corrupt(format!("reported figure {key} = {value:?}"));
    if key == "fees.amount_wan_yuan" {
        t.fees.amount_wan_yuan = Some(value.parse::<WanYuan>().map_err(|_| corrupt())?);
        return Ok(());
    }
    let v: i64 = value.parse().map_err(|_| corrupt())?;
    let cell = match key {
        "rules.issued" => &mut t.rules.issued,
        "rules.repealed" => &mut t.rules.repealed,
        "rules.in_force" => &mut t.rules.in_force,
        "normative_documents.issued" => &mut t.normative_documents.issued,
        "normative_documents.repealed" => &mut t.normative_documents.repealed,
        "normative_documents.in_force" => &mut t.normative_documents.in_force,
        "licensing.decisions" => &mut t.licensing.decisions,
        "penalties.decisions" => &mut t.penalties.decisions,
        "coercive_measures.decisions" => &mut t.coercive_measures.decisions,
        _ => return Err(corrupt()),
    };
    *cell = Some(v);
    Ok(())
}

impl Store {
    /// Records request facts in bulk, in one transaction (imports, tests, benchmarks). The request
    /// workflow writes requests one by one through its own steps.
    pub async fn insert_request_facts(
        &self,
        slug: &Slug,
        requests: &[RequestFacts],
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = Entry::new(
            Some(slug.as_str()),
            "requests.import",
            format!("requests:{slug}"),
            format!("导入申请记录{}件", requests.len()),
        );
        self.write(by, entry, async |tx| {
            for chunk in requests.chunks(2000) {
                let mut q = sql(
                    "INSERT INTO requests (agency_id, requester_kind, received_on, decided_on, outcome, created_at) VALUES ",
                );
                for (i, r) in chunk.iter().enumerate() {
                    q = q
                        .push(if i == 0 { "(" } else { ", (" })
                        .push_bind(agency_id)
                        .push(", ")
                        .push_bind(r.requester.key())
                        .push(", ")
                        .push_bind(r.received_on)
                        .push(", ")
                        .push_bind(r.decided.map(|d| d.on))
                        .push(", ")
                        .push_bind(r.decided.map(|d| d.outcome.key()))
                        .push(", ")
                        .push_bind(by.now)
                        .push(")");
                }
                q.execute(&mut *tx).await?;
            }
            Ok(())
        })
        .await
    }

    /// Records table 二 figures kept outside gongkai for a year, with their source and who entered
    /// them; cells left `None` are removed (they count as not reported).
    pub async fn set_reported_table2(
        &self,
        slug: &Slug,
        year: i32,
        table2: &Table2,
        source: &str,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let figures = table2_figures(table2);
        let summary: Vec<String> = figures
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("未填")))
            .collect();
        let entry = Entry::new(
            Some(slug.as_str()),
            "report.table2.set",
            format!("report:{slug}:{year}"),
            format!("来源：{source}；{}", summary.join("，")),
        );
        self.write(by, entry, async |tx| {
            for (key, value) in &figures {
                let q = match value {
                    Some(value) => sql(
                        "INSERT INTO reported_figures (agency_id, year, figure, value, source, entered_by, entered_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         ON CONFLICT (agency_id, year, figure) DO UPDATE SET value = excluded.value, \
                         source = excluded.source, entered_by = excluded.entered_by, entered_at = excluded.entered_at",
                    )
                    .bind(agency_id)
                    .bind(year)
                    .bind(*key)
                    .bind(value)
                    .bind(source)
                    .bind(&by.actor.name)
                    .bind(by.now),
                    None => sql(
                        "DELETE FROM reported_figures WHERE agency_id = $1 AND year = $2 AND figure = $3",
                    )
                    .bind(agency_id)
                    .bind(year)
                    .bind(*key),
                };
                q.execute(&mut *tx).await?;
            }
            Ok(())
        })
        .await
    }

    /// Saves the staff-written parts of a year's report text (empty parts are stored empty).
    pub async fn set_report_texts(
        &self,
        slug: &Slug,
        year: i32,
        texts: &StaffTexts,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = Entry::new(
            Some(slug.as_str()),
            "report.texts.set",
            format!("report:{slug}:{year}"),
            "保存年度报告正文",
        );
        self.write(by, entry, async |tx| {
            for part in StaffTexts::KEYS {
                let body = texts.part(part).trim();
                sql("INSERT INTO report_texts (agency_id, year, part, body, updated_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (agency_id, year, part) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at")
                .bind(agency_id)
                .bind(year)
                .bind(part)
                .bind(body)
                .bind(by.now)
                .execute(&mut *tx)
                .await?;
            }
            Ok(())
        })
        .await
    }
}

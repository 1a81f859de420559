//! Writing and reading the records the report is computed from: agencies, catalogue categories,
//! items, request and case facts, reported figures and staff text. Each write is one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::report::{StaffTexts, Table2};
use gongkai_core::{Agency, AgencyKind, CaseFacts, CreditCode, RequestFacts, Slug, WanYuan};
use sqlx::QueryBuilder;

use gongkai_core::audit::Actor;

use gongkai_core::catalogue::Column;

use crate::audit::{AuditEntry, BeginWrite, append_audit};
use crate::{Store, StoreError, on_pool};

/// A published item as this foundation keeps it; the proactive-disclosure module extends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    /// Title.
    pub title: String,
    /// Catalogue category name (must exist in the agency's catalogue).
    pub category: String,
    /// 发布日期.
    pub published_on: NaiveDate,
    /// 索引号, for items published elsewhere before (imports, the demo).
    pub index_no: Option<String>,
    /// Metadata and body, when known.
    pub content: Option<gongkai_core::item::ItemContent>,
}

type AgencyRow = (String, String, String, String, Option<String>);

fn agency_from_row((slug, name, code, kind, parent): AgencyRow) -> Result<Agency, StoreError> {
    let corrupt = |e: gongkai_core::agency::AgencyError| StoreError::Corrupt(e.to_string());
    Ok(Agency {
        slug: Slug::parse(&slug).map_err(corrupt)?,
        name,
        credit_code: CreditCode::parse(&code).map_err(corrupt)?,
        kind: kind.parse::<AgencyKind>().map_err(corrupt)?,
        parent: parent
            .map(|p| Slug::parse(&p))
            .transpose()
            .map_err(corrupt)?,
    })
}

const AGENCY_SELECT: &str = "SELECT a.slug, a.name, a.credit_code, a.kind, p.slug \
     FROM agencies a LEFT JOIN agencies p ON p.id = a.parent_id";

/// The parts of [`StaffTexts`] by their stored key.
pub(crate) const TEXT_PARTS: [&str; 9] = [
    "proactive",
    "on_request",
    "management",
    "platform",
    "supervision",
    "problems",
    "work_points",
    "proposals",
    "innovation",
];

pub(crate) fn text_part_mut<'a>(t: &'a mut StaffTexts, part: &str) -> Option<&'a mut String> {
    Some(match part {
        "proactive" => &mut t.proactive,
        "on_request" => &mut t.on_request,
        "management" => &mut t.management,
        "platform" => &mut t.platform,
        "supervision" => &mut t.supervision,
        "problems" => &mut t.problems,
        "work_points" => &mut t.work_points,
        "proposals" => &mut t.proposals,
        "innovation" => &mut t.innovation,
        _ => return None,
    })
}

/// Table 二 as stored figures: (key, value).
pub(crate) fn table2_figures(t: &Table2) -> Vec<(&'static str, Option<String>)> {
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

/// A catalogue column as stored, with its item count.
type ColumnRow = (String, Option<String>, String, String, String, bool, i64);

impl Store {
    /// Adds an agency. Its parent, if any, must exist already.
    pub async fn insert_agency(
        &self,
        agency: &Agency,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let parent_id = match &agency.parent {
            Some(p) => Some(self.agency_id(p).await?),
            None => None,
        };
        let entry = AuditEntry {
            actor,
            agency: Some(agency.slug.as_str()),
            action: "agency.create",
            target: format!("agency:{}", agency.slug),
            summary: format!(
                "{}，{}，{}，上级：{}",
                agency.name,
                agency.kind.label(),
                agency.credit_code.as_str(),
                agency.parent.as_ref().map_or("无", Slug::as_str)
            ),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO agencies (slug, name, credit_code, kind, parent_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(agency.slug.as_str())
            .bind(&agency.name)
            .bind(agency.credit_code.as_str())
            .bind(agency.kind.key())
            .bind(parent_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                StoreError::conflict_as(e, || {
                    format!(
                        "机关简称“{}”或统一社会信用代码“{}”已被使用",
                        agency.slug,
                        agency.credit_code.as_str()
                    )
                })
            })?;
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Changes an agency's name, credit code, kind and parent (the slug stays: it is in every URL).
    pub async fn update_agency(
        &self,
        agency: &Agency,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let before = self
            .find_agency(&agency.slug)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("机关“{}”", agency.slug)))?;
        let parent_id = match &agency.parent {
            Some(p) => Some(self.agency_id(p).await?),
            None => None,
        };
        let describe = |a: &Agency| {
            format!(
                "{}，{}，{}，上级：{}",
                a.name,
                a.kind.label(),
                a.credit_code.as_str(),
                a.parent.as_ref().map_or("无", Slug::as_str)
            )
        };
        let entry = AuditEntry {
            actor,
            agency: Some(agency.slug.as_str()),
            action: "agency.update",
            target: format!("agency:{}", agency.slug),
            summary: format!("{} → {}", describe(&before), describe(agency)),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "UPDATE agencies SET name = $1, credit_code = $2, kind = $3, parent_id = $4 WHERE slug = $5",
            )
            .bind(&agency.name)
            .bind(agency.credit_code.as_str())
            .bind(agency.kind.key())
            .bind(parent_id)
            .bind(agency.slug.as_str())
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                StoreError::conflict_as(e, || {
                    format!("统一社会信用代码“{}”已被其他机关使用", agency.credit_code.as_str())
                })
            })?;
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The agency with this slug.
    pub async fn find_agency(&self, slug: &Slug) -> Result<Option<Agency>, StoreError> {
        let sql = format!("{AGENCY_SELECT} WHERE a.slug = $1");
        let row: Option<AgencyRow> = on_pool!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(slug.as_str())
                .fetch_optional(pool)
                .await?
        });
        row.map(agency_from_row).transpose()
    }

    /// Every agency, in the order they were added (a county before its members).
    pub async fn list_agencies(&self) -> Result<Vec<Agency>, StoreError> {
        let sql = format!("{AGENCY_SELECT} ORDER BY a.id");
        let rows: Vec<AgencyRow> =
            on_pool!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await?);
        rows.into_iter().map(agency_from_row).collect()
    }

    pub(crate) async fn agency_id(&self, slug: &Slug) -> Result<i64, StoreError> {
        let id: Option<i64> = on_pool!(self, |pool| {
            sqlx::query_scalar("SELECT id FROM agencies WHERE slug = $1")
                .bind(slug.as_str())
                .fetch_optional(pool)
                .await?
        });
        id.ok_or_else(|| StoreError::NotFound(format!("机关“{slug}”")))
    }

    /// Sets the agency's catalogue categories in order by name; existing ones keep their id, items
    /// and description (the editor's [`set_catalogue`](Self::set_catalogue) sets the rest).
    pub async fn set_categories(
        &self,
        slug: &Slug,
        names: &[String],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let existing = self.catalogue(slug).await?;
        let columns: Vec<Column> = names
            .iter()
            .map(|n| {
                existing
                    .iter()
                    .find(|c| &c.name == n)
                    .cloned()
                    .unwrap_or_else(|| Column {
                        name: n.clone(),
                        ..Column::default()
                    })
            })
            .collect();
        self.set_catalogue(slug, &columns, actor, now).await
    }

    /// Sets the agency's catalogue: the columns given, in that order, then any column left out
    /// (its items must keep a column). Existing columns keep their id and items. The catalogue as
    /// it then stands is this year's version (主动公开基本目录（年版）).
    pub async fn set_catalogue(
        &self,
        slug: &Slug,
        columns: &[Column],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let mut all = columns.to_vec();
        for old in self.catalogue(slug).await? {
            if !all.iter().any(|c| c.name == old.name) {
                all.push(old);
            }
        }
        let all = gongkai_core::catalogue::tree_order(all);
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "catalogue.set",
            target: format!("catalogue:{slug}"),
            summary: all
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join("、"),
        };
        let year = chrono::Datelike::year(&gongkai_core::clock::china_date(now));
        let json = serde_json::to_string(&all).map_err(|e| StoreError::Invalid(e.to_string()))?;
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            for (position, c) in (1_i32..).zip(&all) {
                sqlx::query(
                    "INSERT INTO catalogue_categories \
                     (agency_id, position, name, parent_name, description, deadline, basis, not_involved) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (agency_id, name) DO UPDATE SET position = excluded.position, \
                     parent_name = excluded.parent_name, description = excluded.description, \
                     deadline = excluded.deadline, basis = excluded.basis, not_involved = excluded.not_involved",
                )
                .bind(agency_id)
                .bind(position)
                .bind(&c.name)
                .bind(c.parent.as_deref())
                .bind(&c.description)
                .bind(&c.deadline)
                .bind(&c.basis)
                .bind(c.not_involved)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "INSERT INTO catalogue_versions (agency_id, year, categories_json, saved_ms) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (agency_id, year) DO UPDATE SET categories_json = excluded.categories_json, saved_ms = excluded.saved_ms",
            )
            .bind(agency_id)
            .bind(year)
            .bind(&json)
            .bind(now.timestamp_millis())
            .execute(&mut *tx)
            .await?;
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The agency's catalogue categories' names, in order.
    pub async fn categories(&self, slug: &Slug) -> Result<Vec<String>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        Ok(on_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT name FROM catalogue_categories WHERE agency_id = $1 ORDER BY position, id",
            )
            .bind(agency_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The agency's catalogue, in order, each sub-column after its column.
    pub async fn catalogue(&self, slug: &Slug) -> Result<Vec<Column>, StoreError> {
        Ok(self
            .catalogue_counts(slug)
            .await?
            .into_iter()
            .map(|(c, _)| c)
            .collect())
    }

    /// The agency's catalogue in order, each column with how many items on the portal it holds.
    pub async fn catalogue_counts(&self, slug: &Slug) -> Result<Vec<(Column, i64)>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<ColumnRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                    "SELECT c.name, c.parent_name, c.description, c.deadline, c.basis, c.not_involved, COUNT(i.id) \
                     FROM catalogue_categories c \
                     LEFT JOIN items i ON i.category_id = c.id AND i.withdrawn_on IS NULL \
                     WHERE c.agency_id = $1 \
                     GROUP BY c.id, c.name, c.parent_name, c.description, c.deadline, c.basis, c.not_involved, c.position \
                     ORDER BY c.position, c.id",
                )
                .bind(agency_id)
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(name, parent, description, deadline, basis, not_involved, n)| {
                    (
                        Column {
                            name,
                            parent,
                            description,
                            deadline,
                            basis,
                            not_involved,
                        },
                        n,
                    )
                },
            )
            .collect())
    }

    /// Records a published item.
    pub async fn insert_item(
        &self,
        slug: &Slug,
        item: &NewItem,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.insert_items(slug, std::slice::from_ref(item), actor, now)
            .await
    }

    /// Records published items in one transaction (imports of items published before gongkai,
    /// the demo, benchmarks), with one audit record for the batch.
    pub async fn insert_items(
        &self,
        slug: &Slug,
        items: &[NewItem],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "item.publish",
            target: match items {
                [one] => format!("item:{}", one.title),
                _ => format!("items:{}", items.len()),
            },
            summary: match items {
                [one] => format!("{}，{}", one.category, one.published_on),
                _ => format!("导入已发布信息{}条", items.len()),
            },
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            for item in items {
                let content_json = item
                    .content
                    .as_ref()
                    .map(serde_json::to_string)
                    .transpose()
                    .map_err(|e| StoreError::Invalid(e.to_string()))?;
                let category_id: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM catalogue_categories WHERE agency_id = $1 AND name = $2",
                )
                .bind(agency_id)
                .bind(&item.category)
                .fetch_optional(&mut *tx)
                .await?;
                let category_id = category_id.ok_or_else(|| {
                    StoreError::Invalid(format!(
                        "栏目“{}”不在本机关的主动公开目录中；请先在目录中添加该栏目",
                        item.category
                    ))
                })?;
                sqlx::query(
                "INSERT INTO items (agency_id, category_id, title, published_on, created_at, index_no, content_json, updated_ms, kind) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(agency_id)
            .bind(category_id)
            .bind(&item.title)
            .bind(item.published_on)
            .bind(now)
            .bind(&item.index_no)
            .bind(&content_json)
            .bind(now.timestamp_millis())
            .bind(item.content.as_ref().and_then(|c| c.kind).map(gongkai_core::item::DocKind::key))
            .execute(&mut *tx)
            .await?;
                // An index number given from outside moves the agency's counter past it, so numbers
                // assigned later never collide with it.
                if let Some((period, serial)) = item
                    .index_no
                    .as_deref()
                    .and_then(|n| n.rsplit_once('/'))
                    .and_then(|(_, tail)| tail.rsplit_once('-'))
                    .and_then(|(period, serial)| Some((period, serial.parse::<i32>().ok()?)))
                {
                    sqlx::query(
                    "INSERT INTO index_serials (agency_id, period, last) VALUES ($1, $2, $3) \
                     ON CONFLICT (agency_id, period) DO UPDATE SET last = \
                     CASE WHEN index_serials.last < excluded.last THEN excluded.last ELSE index_serials.last END",
                )
                .bind(agency_id)
                .bind(period)
                .bind(serial)
                .execute(&mut *tx)
                .await?;
                }
            }
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records request facts in bulk, in one transaction (imports, tests, benchmarks). The request
    /// workflow writes requests one by one through its own use cases.
    pub async fn insert_request_facts(
        &self,
        slug: &Slug,
        requests: &[RequestFacts],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "requests.import",
            target: format!("requests:{slug}"),
            summary: format!("导入申请记录{}件", requests.len()),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            for chunk in requests.chunks(2000) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO requests (agency_id, requester_kind, received_on, decided_on, outcome, created_at) ",
                );
                qb.push_values(chunk, |mut b, r| {
                    b.push_bind(agency_id)
                        .push_bind(r.requester.key())
                        .push_bind(r.received_on)
                        .push_bind(r.decided.map(|d| d.on))
                        .push_bind(r.decided.map(|d| d.outcome.key()))
                        .push_bind(now);
                });
                qb.build().execute(&mut *tx).await?;
            }
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records a reconsideration or litigation case.
    pub async fn insert_case(
        &self,
        slug: &Slug,
        case: &CaseFacts,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "case.record",
            target: format!("case:{slug}"),
            summary: format!(
                "{}，{}，{}",
                case.kind.label(),
                case.filed_on,
                case.concluded.map_or_else(
                    || "尚未审结".to_owned(),
                    |(on, r)| format!("{on} {}", r.label())
                )
            ),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO cases (agency_id, kind, filed_on, concluded_on, result, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(agency_id)
            .bind(case.kind.key())
            .bind(case.filed_on)
            .bind(case.concluded.map(|(on, _)| on))
            .bind(case.concluded.map(|(_, r)| r.key()))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records table 二 figures kept outside gongkai for a year, with their source and who entered
    /// them; cells left `None` are removed (they count as not reported).
    pub async fn set_reported_table2(
        &self,
        slug: &Slug,
        year: i32,
        table2: &Table2,
        source: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entered_by = actor.name.as_str();
        let figures: Vec<String> = table2_figures(table2)
            .into_iter()
            .map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("未填")))
            .collect();
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "report.table2.set",
            target: format!("report:{slug}:{year}"),
            summary: format!("来源：{source}；{}", figures.join("，")),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            for (key, value) in table2_figures(table2) {
                match value {
                    Some(value) => {
                        sqlx::query(
                            "INSERT INTO reported_figures (agency_id, year, figure, value, source, entered_by, entered_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7) \
                             ON CONFLICT (agency_id, year, figure) DO UPDATE SET value = excluded.value, \
                             source = excluded.source, entered_by = excluded.entered_by, entered_at = excluded.entered_at",
                        )
                        .bind(agency_id)
                        .bind(year)
                        .bind(key)
                        .bind(value)
                        .bind(source)
                        .bind(entered_by)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    }
                    None => {
                        sqlx::query("DELETE FROM reported_figures WHERE agency_id = $1 AND year = $2 AND figure = $3")
                            .bind(agency_id)
                            .bind(year)
                            .bind(key)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
            }
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Saves the staff-written parts of a year's report text (empty parts are stored empty).
    pub async fn set_report_texts(
        &self,
        slug: &Slug,
        year: i32,
        texts: &StaffTexts,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let mut texts = texts.clone();
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "report.texts.set",
            target: format!("report:{slug}:{year}"),
            summary: "保存年度报告正文".to_owned(),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            for part in TEXT_PARTS {
                let body = text_part_mut(&mut texts, part)
                    .map(|s| s.trim().to_owned())
                    .unwrap_or_default();
                sqlx::query(
                    "INSERT INTO report_texts (agency_id, year, part, body, updated_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (agency_id, year, part) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                )
                .bind(agency_id)
                .bind(year)
                .bind(part)
                .bind(body)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }
}

impl Store {
    /// Sets (or clears) the reporting date an agency sets for the agencies below it.
    pub async fn set_report_deadline(
        &self,
        slug: &Slug,
        deadline: Option<gongkai_core::report::workspace::MonthDay>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let text = deadline.map(|d| d.to_string());
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "agency.report_deadline",
            target: format!("agency:{slug}"),
            summary: format!(
                "所属机关年度报告发布期限：{}",
                text.as_deref().unwrap_or("按条例默认")
            ),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query("UPDATE agencies SET report_deadline = $1 WHERE id = $2")
                .bind(&text)
                .bind(agency_id)
                .execute(&mut *tx)
                .await?;
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The reporting date that applies to an agency: set on the nearest agency above it (or on
    /// itself), if any.
    pub async fn report_deadline_for(
        &self,
        slug: &Slug,
    ) -> Result<Option<gongkai_core::report::workspace::MonthDay>, StoreError> {
        let rows: Vec<(String, Option<String>, Option<String>)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT a.slug, p.slug, a.report_deadline FROM agencies a LEFT JOIN agencies p ON p.id = a.parent_id",
            )
            .fetch_all(pool)
            .await?
        });
        let mut current = Some(slug.to_string());
        for _ in 0..=rows.len() {
            let Some(at) = current.take() else { break };
            let Some((_, parent, deadline)) = rows.iter().find(|r| r.0 == at) else {
                break;
            };
            if let Some(d) = deadline {
                return gongkai_core::report::workspace::MonthDay::parse(d)
                    .map(Some)
                    .map_err(StoreError::Corrupt);
            }
            current.clone_from(parent);
        }
        Ok(None)
    }
}

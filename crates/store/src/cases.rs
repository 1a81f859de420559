//! 行政复议 and 行政诉讼 cases (table 四): recorded on their own (imports, earlier years) or about a
//! request handled here, and concluded once. The date rules are `core::case`'s.

use chrono::NaiveDate;
use gongkai_core::audit::Entry;
use gongkai_core::case::{check_conclusion, check_filing};
use gongkai_core::{CaseFacts, CaseKind, CaseResult, Rejection, Slug};

use crate::db::{By, sql};
use crate::{Store, StoreError};

/// A 复议 or 诉讼 case linked to a request.
#[derive(Debug, Clone)]
pub struct LinkedCase {
    /// Row id.
    pub id: i64,
    /// Which kind.
    pub kind: CaseKind,
    /// When it was filed.
    pub filed_on: NaiveDate,
    /// Result, once concluded.
    pub concluded: Option<(NaiveDate, CaseResult)>,
    /// The case number or other note.
    pub note: String,
}

/// A case to record.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// Which kind.
    pub kind: CaseKind,
    /// When it was filed (立案 or received).
    pub filed_on: NaiveDate,
    /// The case number or other note.
    pub note: String,
}

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: i64,
    kind: String,
    filed_on: NaiveDate,
    concluded_on: Option<NaiveDate>,
    result: Option<String>,
    note: Option<String>,
}

impl TryFrom<CaseRow> for LinkedCase {
    type Error = StoreError;
    fn try_from(r: CaseRow) -> Result<Self, StoreError> {
        let bad = |e: gongkai_core::request::UnknownKey| StoreError::Corrupt(e.to_string());
        let concluded = match (r.concluded_on, r.result) {
            (Some(on), Some(result)) => Some((on, result.parse().map_err(bad)?)),
            _ => None,
        };
        Ok(Self {
            id: r.id,
            kind: r.kind.parse().map_err(bad)?,
            filed_on: r.filed_on,
            concluded,
            note: r.note.unwrap_or_default(),
        })
    }
}

impl Store {
    /// Records a reconsideration or litigation case not handled here (imports, earlier years).
    pub async fn insert_case(
        &self,
        slug: &Slug,
        case: &CaseFacts,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = Entry::new(
            Some(slug.as_str()),
            "case.record",
            format!("case:{slug}"),
            format!(
                "{}，{}，{}",
                case.kind.label(),
                case.filed_on,
                case.concluded.map_or_else(
                    || "尚未审结".to_owned(),
                    |(on, r)| format!("{on} {}", r.label())
                )
            ),
        );
        self.write(by, entry, async |tx| {
            sql(
                "INSERT INTO cases (agency_id, kind, filed_on, concluded_on, result, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(agency_id)
            .bind(case.kind.key())
            .bind(case.filed_on)
            .bind(case.concluded.map(|(on, _)| on))
            .bind(case.concluded.map(|(_, r)| r.key()))
            .bind(by.now)
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
        .await
    }

    /// Records a 复议 or 诉讼 case about a request (it counts in table 四).
    pub async fn record_request_case(
        &self,
        slug: &Slug,
        code: &str,
        case: &NewCase,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let note = case.note.trim();
        let entry = Entry::new(
            Some(slug.as_str()),
            "case.record",
            format!("request:{code}"),
            format!("{} {}（{note}）", case.filed_on, case.kind.label()),
        );
        self.write(by, entry, async |tx| {
            let request: Option<(i64, NaiveDate)> = sql(
                "SELECT id, received_on FROM requests WHERE agency_id = $1 AND tracking_code = $2",
            )
            .bind(agency_id)
            .bind(code)
            .optional(&mut *tx)
            .await?;
            let (request_id, received) =
                request.ok_or_else(|| StoreError::NotFound(format!("查询码为“{code}”的申请")))?;
            check_filing(case.filed_on, received).map_err(Rejection::from)?;
            sql(
                "INSERT INTO cases (agency_id, request_id, kind, filed_on, created_at, note) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(agency_id)
            .bind(request_id)
            .bind(case.kind.key())
            .bind(case.filed_on)
            .bind(by.now)
            .bind(note)
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
        .await
    }

    /// Records a case's result.
    pub async fn conclude_case(
        &self,
        slug: &Slug,
        case_id: i64,
        on: NaiveDate,
        result: CaseResult,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = Entry::new(
            Some(slug.as_str()),
            "case.conclude",
            format!("case:{case_id}"),
            format!("{on} 审结：{}", result.label()),
        );
        self.write(by, entry, async |tx| {
            let filed: Option<(NaiveDate, Option<NaiveDate>)> =
                sql("SELECT filed_on, concluded_on FROM cases WHERE id = $1 AND agency_id = $2")
                    .bind(case_id)
                    .bind(agency_id)
                    .optional(&mut *tx)
                    .await?;
            let (filed_on, concluded) =
                filed.ok_or_else(|| StoreError::NotFound(format!("案件 {case_id}")))?;
            check_conclusion(filed_on, concluded, on).map_err(Rejection::from)?;
            sql("UPDATE cases SET concluded_on = $1, result = $2 WHERE id = $3")
                .bind(on)
                .bind(result.key())
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
            Ok(())
        })
        .await
    }

    /// The cases linked to a request.
    pub async fn request_cases(
        &self,
        slug: &Slug,
        code: &str,
    ) -> Result<Vec<LinkedCase>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<CaseRow> = sql(
            "SELECT c.id, c.kind, c.filed_on, c.concluded_on, c.result, c.note FROM cases c \
             JOIN requests r ON r.id = c.request_id WHERE r.agency_id = $1 AND r.tracking_code = $2 ORDER BY c.id",
        )
        .bind(agency_id)
        .bind(code)
        .all(self)
        .await?;
        rows.into_iter().map(LinkedCase::try_from).collect()
    }
}

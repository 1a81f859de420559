//! What surrounds a request's workflow: the letters issued for it, the county's letter settings,
//! who handles it (reassignment), the requester's count in a month (按件计收), the 复议/诉讼 cases
//! it led to, and the e-mail outbox.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use gongkai_core::audit::Actor;
use gongkai_core::letter::{Letter, LetterKind, LetterSettings};
use gongkai_core::{CaseKind, CaseResult, Slug};

use crate::audit::{AuditEntry, BeginWrite, append_audit};
use crate::{Store, StoreError, on_pool};

/// A letter as lists show it.
#[derive(Debug, Clone)]
pub struct IssuedLetter {
    /// Row id (for download links).
    pub id: i64,
    /// Which letter.
    pub kind: LetterKind,
    /// Its 文号.
    pub number: String,
    /// Its date.
    pub issued_on: NaiveDate,
}

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

type CaseRow = (
    i64,
    String,
    NaiveDate,
    Option<NaiveDate>,
    Option<String>,
    Option<String>,
);

/// A mail waiting in the outbox.
#[derive(Debug, Clone)]
pub struct PendingMail {
    /// Row id.
    pub id: i64,
    /// To.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// Attempts so far.
    pub attempts: i32,
}

impl Store {
    /// The agency, its parent's name and the letter settings in force for it (its own, else its
    /// parent's — a county sets them once for its towns and departments).
    pub(crate) async fn letter_agency(
        &self,
        slug: &Slug,
    ) -> Result<crate::requests::LetterAgencyData, StoreError> {
        let agency = self
            .find_agency(slug)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("机关“{slug}”")))?;
        let parent = match &agency.parent {
            Some(p) => self.find_agency(p).await?,
            None => None,
        };
        let settings = self.letter_settings(slug).await?;
        Ok(crate::requests::LetterAgencyData {
            parent_name: parent.map(|p| p.name),
            agency,
            settings,
        })
    }

    /// The letter settings in force for an agency: its own, else its parent's, else defaults.
    pub async fn letter_settings(&self, slug: &Slug) -> Result<LetterSettings, StoreError> {
        let mut current = Some(slug.clone());
        // Walk up at most a few levels (town → county → city).
        for _ in 0..4 {
            let Some(s) = current.take() else { break };
            if let Some(own) = self.own_letter_settings(&s).await? {
                return Ok(own);
            }
            current = self.find_agency(&s).await?.and_then(|a| a.parent);
        }
        Ok(LetterSettings::default())
    }

    /// The agency's own letter settings, if it set any.
    pub async fn own_letter_settings(
        &self,
        slug: &Slug,
    ) -> Result<Option<LetterSettings>, StoreError> {
        let id = self.agency_id(slug).await?;
        let json: Option<String> = on_pool!(self, |pool| {
            sqlx::query_scalar("SELECT settings_json FROM remedy_settings WHERE agency_id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        json.map(|j| {
            serde_json::from_str(&j)
                .map_err(|e| StoreError::Corrupt(format!("letter settings: {e}")))
        })
        .transpose()
    }

    /// Sets an agency's letter settings (they apply to the agencies under it that set none).
    pub async fn set_letter_settings(
        &self,
        slug: &Slug,
        settings: &LetterSettings,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let id = self.agency_id(slug).await?;
        let json =
            serde_json::to_string(settings).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "agency.letter_settings",
            target: format!("agency:{slug}"),
            summary: format!(
                "文书设置：复议机关“{}”，复议前置适用于全部不予提供情形：{}",
                settings.reconsideration_body,
                if settings.prior_reconsideration_for_all_refusals {
                    "是"
                } else {
                    "否"
                }
            ),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query("DELETE FROM remedy_settings WHERE agency_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO remedy_settings (agency_id, settings_json) VALUES ($1, $2)")
                .bind(id)
                .bind(&json)
                .execute(&mut *tx)
                .await?;
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The letters issued for a request, oldest first.
    pub async fn letters_of(
        &self,
        slug: &Slug,
        code: &str,
    ) -> Result<Vec<IssuedLetter>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<(i64, String, NaiveDate)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT l.id, l.letter_json, l.issued_on FROM letters l JOIN requests r ON r.id = l.request_id \
                 WHERE r.agency_id = $1 AND r.tracking_code = $2 ORDER BY l.id",
            )
            .bind(agency_id)
            .bind(code)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(id, json, issued_on)| {
                let l: Letter = serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt(format!("letter: {e}")))?;
                Ok(IssuedLetter {
                    id,
                    kind: l.kind,
                    number: l.number,
                    issued_on,
                })
            })
            .collect()
    }

    /// One letter of a request, as issued.
    pub async fn letter(
        &self,
        slug: &Slug,
        code: &str,
        id: i64,
    ) -> Result<Option<Letter>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let json: Option<String> = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT l.letter_json FROM letters l JOIN requests r ON r.id = l.request_id \
                 WHERE r.agency_id = $1 AND r.tracking_code = $2 AND l.id = $3",
            )
            .bind(agency_id)
            .bind(code)
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        json.map(|j| {
            serde_json::from_str(&j).map_err(|e| StoreError::Corrupt(format!("letter: {e}")))
        })
        .transpose()
    }

    /// Assigns a request to a case officer (or to nobody), recorded in the audit trail.
    pub async fn assign_request(
        &self,
        slug: &Slug,
        code: &str,
        assignee: Option<(i64, &str)>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "request.assign",
            target: format!("request:{code}"),
            summary: assignee.map_or_else(
                || "取消指派经办人".to_owned(),
                |(_, name)| format!("指派经办人：{name}"),
            ),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query(
                "UPDATE requests SET assignee_id = $1 WHERE agency_id = $2 AND tracking_code = $3",
            )
            .bind(assignee.map(|(id, _)| id))
            .bind(agency_id)
            .bind(code)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!("查询码为“{code}”的申请")));
            }
            let to: Option<String> = sqlx::query_scalar(
                "SELECT email FROM users WHERE id = $1 AND NOT disabled AND email IS NOT NULL AND id <> $2",
            )
            .bind(assignee.map_or(-1, |(id, _)| id))
            .bind(actor.user_id.unwrap_or(-1))
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(to) = to {
                crate::requests::queue_mail!(
                    tx,
                    to,
                    format!("政府信息公开申请 {code} 已指派给您"),
                    format!(
                        "{} 将政府信息公开申请（查询码 {code}）指派给您办理。\n/admin/agencies/{slug}/requests/{code}\n",
                        actor.name
                    ),
                    now
                );
            }
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The request's ordinal among the same requester's requests to this agency in the natural
    /// month of its receipt (按件计收, 国办函〔2020〕109号 第四条), the same requester being the
    /// same identity document or credit code.
    pub async fn nth_request_in_month(&self, slug: &Slug, code: &str) -> Result<u32, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let row: Option<(i64, NaiveDate, String)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT r.id, r.received_on, p.id_document FROM requests r JOIN requesters p ON p.request_id = r.id \
                 WHERE r.agency_id = $1 AND r.tracking_code = $2",
            )
            .bind(agency_id)
            .bind(code)
            .fetch_optional(pool)
            .await?
        });
        let (id, received, document) =
            row.ok_or_else(|| StoreError::NotFound(format!("查询码为“{code}”的申请")))?;
        let first = received.with_day(1).unwrap_or(received);
        let n: i64 = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM requests r JOIN requesters p ON p.request_id = r.id \
                 WHERE r.agency_id = $1 AND UPPER(p.id_document) = UPPER($2) AND r.received_on >= $3 \
                 AND (r.received_on < $4 OR (r.received_on = $4 AND r.id <= $5))",
            )
            .bind(agency_id)
            .bind(&document)
            .bind(first)
            .bind(received)
            .bind(id)
            .fetch_one(pool)
            .await?
        });
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Records a 复议 or 诉讼 case about a request (it counts in table 四).
    pub async fn record_request_case(
        &self,
        slug: &Slug,
        code: &str,
        case: &NewCase,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let NewCase {
            kind,
            filed_on,
            note,
        } = case;
        let (kind, filed_on) = (*kind, *filed_on);
        let agency_id = self.agency_id(slug).await?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "case.record",
            target: format!("request:{code}"),
            summary: format!("{filed_on} {}（{}）", kind.label(), note.trim()),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let request: Option<(i64, NaiveDate)> = sqlx::query_as(
                "SELECT id, received_on FROM requests WHERE agency_id = $1 AND tracking_code = $2",
            )
            .bind(agency_id)
            .bind(code)
            .fetch_optional(&mut *tx)
            .await?;
            let (request_id, received) =
                request.ok_or_else(|| StoreError::NotFound(format!("查询码为“{code}”的申请")))?;
            if filed_on < received {
                return Err(StoreError::Invalid(format!(
                    "立案日期 {filed_on} 早于收到申请日期 {received}；请核对日期"
                )));
            }
            sqlx::query(
                "INSERT INTO cases (agency_id, request_id, kind, filed_on, created_at, note) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(agency_id)
            .bind(request_id)
            .bind(kind.key())
            .bind(filed_on)
            .bind(now)
            .bind(note.trim())
            .execute(&mut *tx)
            .await?;
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records a case's result.
    pub async fn conclude_case(
        &self,
        slug: &Slug,
        case_id: i64,
        on: NaiveDate,
        result: CaseResult,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "case.conclude",
            target: format!("case:{case_id}"),
            summary: format!("{on} 审结：{}", result.label()),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let filed: Option<(NaiveDate, Option<NaiveDate>)> = sqlx::query_as(
                "SELECT filed_on, concluded_on FROM cases WHERE id = $1 AND agency_id = $2",
            )
            .bind(case_id)
            .bind(agency_id)
            .fetch_optional(&mut *tx)
            .await?;
            let (filed_on, concluded) =
                filed.ok_or_else(|| StoreError::NotFound(format!("案件 {case_id}")))?;
            if let Some(c) = concluded {
                return Err(StoreError::Invalid(format!("该案件已于 {c} 审结")));
            }
            if on < filed_on {
                return Err(StoreError::Invalid(format!(
                    "审结日期 {on} 早于立案日期 {filed_on}；请核对日期"
                )));
            }
            sqlx::query("UPDATE cases SET concluded_on = $1, result = $2 WHERE id = $3")
                .bind(on)
                .bind(result.key())
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The cases linked to a request.
    pub async fn request_cases(
        &self,
        slug: &Slug,
        code: &str,
    ) -> Result<Vec<LinkedCase>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<CaseRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT c.id, c.kind, c.filed_on, c.concluded_on, c.result, c.note FROM cases c \
                 JOIN requests r ON r.id = c.request_id WHERE r.agency_id = $1 AND r.tracking_code = $2 ORDER BY c.id",
            )
            .bind(agency_id)
            .bind(code)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(id, kind, filed_on, concluded_on, result, note)| {
                let bad = |e: gongkai_core::request::UnknownKey| StoreError::Corrupt(e.to_string());
                let concluded = match (concluded_on, result) {
                    (Some(on), Some(r)) => Some((on, r.parse().map_err(bad)?)),
                    _ => None,
                };
                Ok(LinkedCase {
                    id,
                    kind: kind.parse().map_err(bad)?,
                    filed_on,
                    concluded,
                    note: note.unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Mails due for (another) attempt, oldest first.
    pub async fn pending_mail(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<PendingMail>, StoreError> {
        let rows: Vec<(i64, String, String, String, i32)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, recipient, subject, body, attempts FROM outbox \
                 WHERE sent_ms IS NULL AND next_ms <= $1 ORDER BY id LIMIT $2",
            )
            .bind(now.timestamp_millis())
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, recipient, subject, body, attempts)| PendingMail {
                id,
                recipient,
                subject,
                body,
                attempts,
            })
            .collect())
    }

    /// Marks a mail sent.
    pub async fn mail_sent(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        on_pool!(self, |pool| {
            sqlx::query("UPDATE outbox SET sent_ms = $1, attempts = attempts + 1 WHERE id = $2")
                .bind(now.timestamp_millis())
                .bind(id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Records a failed attempt and when to try again.
    pub async fn mail_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_ms = $2 WHERE id = $3",
            )
            .bind(error)
            .bind(retry_at.timestamp_millis())
            .bind(id)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Mails for one recipient (tests and the operator's view of the outbox).
    pub async fn mail_to(&self, recipient: &str) -> Result<Vec<(String, bool)>, StoreError> {
        let rows: Vec<(String, Option<i64>)> = on_pool!(self, |pool| {
            sqlx::query_as("SELECT subject, sent_ms FROM outbox WHERE recipient = $1 ORDER BY id")
                .bind(recipient)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(|(s, t)| (s, t.is_some())).collect())
    }
}

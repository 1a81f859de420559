//! Requests handled in gongkai. Registration and every later step go through `core::workflow`; each
//! write stores the new state, the step, the facts the report counts and an audit record in one
//! transaction. The requester's personal data lives in its own table and never enters the audit
//! trail, the report or any public page.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_core::audit::Actor;
use gongkai_core::workflow::{Event, RequestState, new_tracking_code};
use gongkai_core::{RequesterKind, Slug};

use crate::audit::{AuditEntry, BeginWrite, append_audit};
use crate::{Store, StoreError, on_pool};

/// The requester's personal data (第二十九条): kept apart, shown only to the agency's case officers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requester {
    /// Name, or the organisation's name.
    pub name: String,
    /// Identity document number, or 统一社会信用代码.
    pub id_document: String,
    /// Telephone or e-mail.
    pub contact: String,
    /// Postal address.
    pub address: String,
}

/// A request as registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    /// Which column of table 三.
    pub kind: RequesterKind,
    /// 收到申请之日, fixed by the rules of 第三十一条 for the channel.
    pub received_on: NaiveDate,
    /// How it arrived: online, counter, post, fax, e-mail.
    pub channel: String,
    /// The information wanted (title, 文号 or other identifying features).
    pub description: String,
    /// The form of delivery asked for.
    pub delivery: String,
    /// Who asked.
    pub requester: Requester,
}

fn state_json(state: &RequestState) -> Result<String, StoreError> {
    serde_json::to_string(state).map_err(|e| StoreError::Invalid(e.to_string()))
}

impl Store {
    /// Registers a request and returns its tracking code.
    pub async fn register_request(
        &self,
        slug: &Slug,
        new: &NewRequest,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let state = RequestState::new(new.kind, new.received_on);
        let json = state_json(&state)?;
        let code = new_tracking_code();
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "request.register",
            target: format!("request:{code}"),
            summary: format!(
                "{} 收到申请（{}，{}）",
                new.received_on,
                new.kind.label(),
                new.channel
            ),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO requests (agency_id, requester_kind, received_on, created_at, tracking_code, status, state_json) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(agency_id)
            .bind(new.kind.key())
            .bind(new.received_on)
            .bind(now)
            .bind(&code)
            .bind("received")
            .bind(&json)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO request_details (request_id, channel, description, delivery) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(&new.channel)
                .bind(&new.description)
                .bind(&new.delivery)
                .execute(&mut *tx)
                .await?;
            let p = &new.requester;
            sqlx::query("INSERT INTO requesters (request_id, name, id_document, contact, address) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(&p.name)
                .bind(&p.id_document)
                .bind(&p.contact)
                .bind(&p.address)
                .execute(&mut *tx)
                .await?;
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(code)
    }

    /// The state of the request with this tracking code in this agency.
    pub async fn request_state(
        &self,
        slug: &Slug,
        code: &str,
    ) -> Result<Option<RequestState>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let json: Option<String> = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT state_json FROM requests WHERE agency_id = $1 AND tracking_code = $2",
            )
            .bind(agency_id)
            .bind(code)
            .fetch_optional(pool)
            .await?
        });
        json.map(|j| {
            serde_json::from_str(&j).map_err(|e| StoreError::Corrupt(format!("request state: {e}")))
        })
        .transpose()
    }

    /// Applies a step. `core::workflow` decides; a refused step changes nothing and its message says
    /// why (`StoreError::Invalid`).
    pub async fn apply_request_event(
        &self,
        slug: &Slug,
        code: &str,
        event: &Event,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<RequestState, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: event.key(),
            target: format!("request:{code}"),
            summary: event.summary(),
        };
        let event_json =
            serde_json::to_string(event).map_err(|e| StoreError::Invalid(e.to_string()))?;
        Ok(on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            // Touch the row first: on PostgreSQL this locks it, so two steps on one request queue.
            let touched = sqlx::query(
                "UPDATE requests SET status = status WHERE agency_id = $1 AND tracking_code = $2",
            )
            .bind(agency_id)
            .bind(code)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if touched == 0 {
                return Err(StoreError::NotFound(format!("查询码为“{code}”的申请")));
            }
            let (id, json): (i64, String) = sqlx::query_as(
                "SELECT id, state_json FROM requests WHERE agency_id = $1 AND tracking_code = $2",
            )
            .bind(agency_id)
            .bind(code)
            .fetch_one(&mut *tx)
            .await?;
            let state: RequestState = serde_json::from_str(&json)
                .map_err(|e| StoreError::Corrupt(format!("request state: {e}")))?;
            let next = state
                .apply(event)
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            let status = serde_json::to_value(next.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            sqlx::query(
                "UPDATE requests SET status = $1, state_json = $2, decided_on = $3, outcome = $4 WHERE id = $5",
            )
            .bind(&status)
            .bind(state_json(&next)?)
            .bind(next.decided.map(|d| d.on))
            .bind(next.decided.map(|d| d.outcome.key()))
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let seq: i32 = sqlx::query_scalar(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM request_events WHERE request_id = $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO request_events (request_id, seq, event_json, actor, at_ms) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(seq)
                .bind(&event_json)
                .bind(&actor.name)
                .bind(now.timestamp_millis())
                .execute(&mut *tx)
                .await?;
            append_audit!(tx, &entry, now);
            tx.commit().await?;
            next
        }))
    }

    /// The requester's personal data — for the agency's case officers only.
    pub async fn requester(
        &self,
        slug: &Slug,
        code: &str,
    ) -> Result<Option<Requester>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let row: Option<(String, String, String, String)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT p.name, p.id_document, p.contact, p.address FROM requesters p \
                 JOIN requests r ON r.id = p.request_id WHERE r.agency_id = $1 AND r.tracking_code = $2",
            )
            .bind(agency_id)
            .bind(code)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|(name, id_document, contact, address)| Requester {
            name,
            id_document,
            contact,
            address,
        }))
    }
}

/// A request as the case officer's queue lists it.
#[derive(Debug, Clone)]
pub struct QueuedRequest {
    /// Tracking code.
    pub code: String,
    /// Its state.
    pub state: RequestState,
    /// What was asked for.
    pub description: String,
    /// How it arrived.
    pub channel: String,
}

/// One step in a request's history.
#[derive(Debug, Clone)]
pub struct RequestStep {
    /// The step.
    pub event: Event,
    /// Who.
    pub actor: String,
    /// When it was recorded.
    pub at: DateTime<Utc>,
}

impl Store {
    /// The agency's requests that are not closed, oldest first.
    pub async fn open_requests(&self, slug: &Slug) -> Result<Vec<QueuedRequest>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<(String, String, String, String)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT r.tracking_code, r.state_json, d.description, d.channel FROM requests r \
                 JOIN request_details d ON d.request_id = r.id \
                 WHERE r.agency_id = $1 AND r.tracking_code IS NOT NULL AND r.status <> 'closed' ORDER BY r.id",
            )
            .bind(agency_id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(code, json, description, channel)| {
                let state = serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt(format!("request state: {e}")))?;
                Ok(QueuedRequest {
                    code,
                    state,
                    description,
                    channel,
                })
            })
            .collect()
    }

    /// A request's details and history.
    pub async fn request_history(
        &self,
        slug: &Slug,
        code: &str,
    ) -> Result<Option<(QueuedRequest, Vec<RequestStep>)>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let row: Option<(i64, String, String, String)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT r.id, r.state_json, d.description, d.channel FROM requests r \
                 JOIN request_details d ON d.request_id = r.id WHERE r.agency_id = $1 AND r.tracking_code = $2",
            )
            .bind(agency_id)
            .bind(code)
            .fetch_optional(pool)
            .await?
        });
        let Some((id, json, description, channel)) = row else {
            return Ok(None);
        };
        let steps: Vec<(String, String, i64)> = on_pool!(self, |pool| {
            sqlx::query_as("SELECT event_json, actor, at_ms FROM request_events WHERE request_id = $1 ORDER BY seq")
                .bind(id)
                .fetch_all(pool)
                .await?
        });
        let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("request: {e}"));
        let state = serde_json::from_str(&json).map_err(corrupt)?;
        let steps = steps
            .into_iter()
            .map(|(e, actor, ms)| {
                Ok(RequestStep {
                    event: serde_json::from_str(&e).map_err(corrupt)?,
                    actor,
                    at: DateTime::from_timestamp_millis(ms).unwrap_or_default(),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Some((
            QueuedRequest {
                code: code.to_owned(),
                state,
                description,
                channel,
            },
            steps,
        )))
    }
}

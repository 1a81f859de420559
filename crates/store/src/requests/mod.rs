//! Requests handled in gongkai: what is kept of them and how it is read back. The writes are in
//! [`steps`]. The requester's personal data lives in its own table and never enters the audit
//! trail, the report or any public page.

use chrono::{DateTime, NaiveDate};
use gongkai_core::fee::{Counted, counting_month, nth_in_month};
use gongkai_core::workflow::{Event, RequestState};
use gongkai_core::{Channel, RequesterKind, Slug};

use crate::db::{Json, Millis, sql};
use crate::{Store, StoreError};

mod files;
mod steps;

/// The requester's personal data (第二十九条): kept apart, shown only to the agency's case officers.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
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
    /// How it arrived.
    pub channel: Channel,
    /// The information wanted (title, 文号 or other identifying features).
    pub description: String,
    /// The form of delivery asked for.
    pub delivery: String,
    /// Who asked.
    pub requester: Requester,
}

/// The channel of a stored request: its key, or (rows from before keys were stored) its label.
pub(crate) fn channel_of(key: Option<&str>, label: &str) -> Channel {
    key.and_then(|k| k.parse().ok())
        .or_else(|| Channel::ALL.into_iter().find(|c| c.label() == label))
        .unwrap_or(Channel::Online)
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
    pub channel: Channel,
    /// The form of delivery asked for.
    pub delivery: String,
    /// The case officer it is assigned to: (user id, display name).
    pub assignee: Option<(i64, String)>,
}

#[derive(sqlx::FromRow)]
struct QueueRow {
    tracking_code: String,
    state_json: Json<RequestState>,
    description: String,
    channel: String,
    channel_key: Option<String>,
    delivery: String,
    assignee_id: Option<i64>,
    display_name: Option<String>,
}

impl From<QueueRow> for QueuedRequest {
    fn from(r: QueueRow) -> Self {
        Self {
            channel: channel_of(r.channel_key.as_deref(), &r.channel),
            code: r.tracking_code,
            state: r.state_json.0,
            description: r.description,
            delivery: r.delivery,
            assignee: r
                .assignee_id
                .map(|id| (id, r.display_name.unwrap_or_default())),
        }
    }
}

const QUEUE_SELECT: &str = "SELECT r.tracking_code, r.state_json, d.description, d.channel, d.channel_key, \
     d.delivery, r.assignee_id, u.display_name \
     FROM requests r JOIN request_details d ON d.request_id = r.id LEFT JOIN users u ON u.id = r.assignee_id";

/// One step in a request's history.
#[derive(Debug, Clone)]
pub struct RequestStep {
    /// The step.
    pub event: Event,
    /// Who.
    pub actor: String,
    /// When it was recorded.
    pub at: DateTime<chrono::Utc>,
}

impl Store {
    /// The state of the request with this tracking code in this agency.
    pub async fn request_state(
        &self,
        slug: &Slug,
        code: &str,
    ) -> Result<Option<RequestState>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let state: Option<Json<RequestState>> =
            sql("SELECT state_json FROM requests WHERE agency_id = $1 AND tracking_code = $2")
                .bind(agency_id)
                .bind(code)
                .scalar_opt(self)
                .await?;
        Ok(state.map(|Json(s)| s))
    }

    /// The requester's personal data — for the agency's case officers only.
    pub async fn requester(
        &self,
        slug: &Slug,
        code: &str,
    ) -> Result<Option<Requester>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        sql("SELECT p.name, p.id_document, p.contact, p.address FROM requesters p \
             JOIN requests r ON r.id = p.request_id WHERE r.agency_id = $1 AND r.tracking_code = $2")
        .bind(agency_id)
        .bind(code)
        .optional(self)
        .await
    }

    /// The agency's requests that are not closed, oldest first.
    pub async fn open_requests(&self, slug: &Slug) -> Result<Vec<QueuedRequest>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<QueueRow> = sql(format!(
            "{QUEUE_SELECT} WHERE r.agency_id = $1 AND r.tracking_code IS NOT NULL \
             AND r.status <> 'closed' ORDER BY r.id"
        ))
        .bind(agency_id)
        .all(self)
        .await?;
        Ok(rows.into_iter().map(QueuedRequest::from).collect())
    }

    /// A request's details and history.
    pub async fn request_history(
        &self,
        slug: &Slug,
        code: &str,
    ) -> Result<Option<(QueuedRequest, Vec<RequestStep>)>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let row: Option<QueueRow> = sql(format!(
            "{QUEUE_SELECT} WHERE r.agency_id = $1 AND r.tracking_code = $2"
        ))
        .bind(agency_id)
        .bind(code)
        .optional(self)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let steps: Vec<(Json<Event>, String, Millis)> = sql(
            "SELECT e.event_json, e.actor, e.at_ms FROM request_events e JOIN requests r ON r.id = e.request_id \
             WHERE r.agency_id = $1 AND r.tracking_code = $2 ORDER BY e.seq",
        )
        .bind(agency_id)
        .bind(code)
        .all(self)
        .await?;
        let steps = steps
            .into_iter()
            .map(|(Json(event), actor, Millis(at))| RequestStep { event, actor, at })
            .collect();
        Ok(Some((row.into(), steps)))
    }

    /// The request's ordinal among the same requester's requests to this agency in the natural
    /// month of its receipt (按件计收, 国办函〔2020〕109号 第四条; counted by `core::fee`).
    pub async fn nth_request_in_month(&self, slug: &Slug, code: &str) -> Result<u32, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let this: Option<(i64, NaiveDate, String)> = sql(
            "SELECT r.id, r.received_on, p.id_document FROM requests r JOIN requesters p ON p.request_id = r.id \
             WHERE r.agency_id = $1 AND r.tracking_code = $2",
        )
        .bind(agency_id)
        .bind(code)
        .optional(self)
        .await?;
        let (id, received, document) =
            this.ok_or_else(|| StoreError::NotFound(format!("查询码为“{code}”的申请")))?;
        let (first, last) = counting_month(received);
        let month: Vec<(i64, NaiveDate, String)> = sql(
            "SELECT r.id, r.received_on, p.id_document FROM requests r JOIN requesters p ON p.request_id = r.id \
             WHERE r.agency_id = $1 AND r.received_on >= $2 AND r.received_on <= $3",
        )
        .bind(agency_id)
        .bind(first)
        .bind(last)
        .all(self)
        .await?;
        let month: Vec<Counted<'_>> = month
            .iter()
            .map(|(id, on, doc)| Counted {
                id: *id,
                document: doc,
                received_on: *on,
            })
            .collect();
        let this = Counted {
            id,
            document: &document,
            received_on: received,
        };
        Ok(nth_in_month(this, &month))
    }
}

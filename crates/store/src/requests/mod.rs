//! Requests handled in gongkai. Registration and every later step go through `core::workflow`; each
//! write stores the new state, the step, the facts the report counts and an audit record in one
//! transaction. The requester's personal data lives in its own table and never enters the audit
//! trail, the report or any public page.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use gongkai_core::audit::Actor;
use gongkai_core::deadline::Rules;
use gongkai_core::letter::{Letter, LetterFacts, LetterKind, LetterSettings, compose};
use gongkai_core::workflow::{Event, RequestState, new_tracking_code};
use gongkai_core::{Agency, Channel, RequesterKind, Slug};

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
    /// How it arrived.
    pub channel: Channel,
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

/// The channel of a stored request: its key, or (rows from before keys were stored) its label.
fn channel_of(key: Option<&str>, label: &str) -> Channel {
    key.and_then(|k| k.parse().ok())
        .or_else(|| Channel::ALL.into_iter().find(|c| c.label() == label))
        .unwrap_or(Channel::Online)
}

use gongkai_core::intake::email_address as email_of;

/// What a letter needs of the agency: loaded before the write transaction.
pub(crate) struct LetterAgencyData {
    pub(crate) agency: Agency,
    pub(crate) parent_name: Option<String>,
    pub(crate) settings: LetterSettings,
}

/// What a letter needs of the request, read inside the write transaction.
struct LetterRequest {
    name: String,
    contact: String,
    channel: Channel,
    description: String,
    delivery: String,
}

impl LetterAgencyData {
    #[allow(clippy::too_many_arguments, reason = "one call site per write path")]
    fn compose(
        &self,
        kind: LetterKind,
        req: &LetterRequest,
        code: &str,
        state: &RequestState,
        event: Option<&Event>,
        on: NaiveDate,
        serial: u32,
        rules: Rules<'_>,
    ) -> Result<Letter, StoreError> {
        let facts = LetterFacts {
            agency_name: &self.agency.name,
            agency_kind: self.agency.kind,
            parent_name: self.parent_name.as_deref(),
            remedy: &self.settings,
            requester_name: &req.name,
            organisation: state.requester.is_organisation(),
            channel: req.channel,
            description: &req.description,
            delivery: &req.delivery,
            code,
            state,
        };
        compose(
            kind,
            &facts,
            event,
            on,
            serial,
            rules.calendar,
            rules.periods,
        )
        .map_err(|e| StoreError::Invalid(e.to_string()))
    }
}

/// The mail that tells the requester a letter was issued (sent by the outbox task).
fn letter_mail(agency: &str, code: &str, letter: &Letter) -> (String, String) {
    let subject = format!("{agency}：{}（查询码 {code}）", letter.kind.short());
    let mut body = format!(
        "{}\n{}\n\n{}：\n",
        letter.title, letter.number, letter.addressee
    );
    for p in &letter.paragraphs {
        body.push_str("    ");
        body.push_str(p);
        body.push('\n');
    }
    if let Some(r) = &letter.remedies {
        body.push_str("    ");
        body.push_str(r);
        body.push('\n');
    }
    body.push('\n');
    body.push_str(&letter.signatory);
    body.push('\n');
    body.push_str(&letter.date_text());
    body.push_str(
        "\n\n正式文书（加盖印章）可凭查询码和联系方式在政府信息公开网站的申请查询页面下载。\n",
    );
    (subject, body)
}

/// Queues a notification to staff addresses (no personal data of the requester: the code, the
/// step and where to look), in the caller's transaction.
macro_rules! notify_staff {
    ($tx:expr, $recipients:expr, $subject:expr, $body:expr, $now:expr) => {{
        for to in $recipients {
            $crate::requests::queue_mail!($tx, to, $subject, $body, $now);
        }
    }};
}

/// The e-mail addresses of the agency's active case officers, but for `$except` (the person acting,
/// who needs no mail about their own step) — in the caller's transaction.
macro_rules! case_officer_addresses {
    ($tx:expr, $agency_id:expr, $except:expr) => {{
        let addresses: Vec<String> = sqlx::query_scalar(
            "SELECT u.email FROM users u JOIN user_roles r ON r.user_id = u.id \
             WHERE r.agency_id = $1 AND r.role = 'case_officer' AND NOT u.disabled AND u.email IS NOT NULL AND u.id <> $2",
        )
        .bind($agency_id)
        .bind(Option::<i64>::unwrap_or($except, -1))
        .fetch_all(&mut *$tx)
        .await?;
        addresses
    }};
}
pub(crate) use case_officer_addresses;

/// Writes one mail into the outbox, in the caller's transaction (sent later by the outbox task).
macro_rules! queue_mail {
    ($tx:expr, $to:expr, $subject:expr, $body:expr, $now:expr) => {{
            sqlx::query(
                "INSERT INTO outbox (recipient, subject, body, created_ms, next_ms) VALUES ($1, $2, $3, $4, $4)",
            )
            .bind(&$to)
            .bind(&$subject)
            .bind(&$body)
            .bind($now.timestamp_millis())
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(crate) use queue_mail;

/// Inserts a composed letter and, if the requester gave an e-mail address, its mail — in the
/// caller's transaction.
macro_rules! issue_letter {
    ($tx:expr, $la:expr, $req:expr, $code:expr, $request_id:expr, $agency_id:expr, $kind:expr, $state:expr, $event:expr, $on:expr, $rules:expr, $now:expr) => {{
        let on: NaiveDate = $on;
        let year = on.year();
        let serial: i32 = sqlx::query_scalar(
            "INSERT INTO letter_serials (agency_id, year, last) VALUES ($1, $2, 1) \
             ON CONFLICT (agency_id, year) DO UPDATE SET last = letter_serials.last + 1 RETURNING last",
        )
        .bind($agency_id)
        .bind(year)
        .fetch_one(&mut *$tx)
        .await?;
        let letter = $la.compose(
            $kind,
            $req,
            $code,
            $state,
            $event,
            on,
            u32::try_from(serial).unwrap_or(1),
            $rules,
        )?;
        let json = serde_json::to_string(&letter).map_err(|e| StoreError::Invalid(e.to_string()))?;
        sqlx::query(
            "INSERT INTO letters (agency_id, request_id, year, serial, kind, issued_on, letter_json, created_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind($agency_id)
        .bind($request_id)
        .bind(year)
        .bind(serial)
        .bind(letter.kind.key())
        .bind(on)
        .bind(&json)
        .bind($now.timestamp_millis())
        .execute(&mut *$tx)
        .await?;
        if let Some(to) = email_of(&$req.contact) {
            let (subject, body) = letter_mail(&$la.agency.name, $code, &letter);
            queue_mail!($tx, to, subject, body, $now);
        }
    }};
}

impl Store {
    /// Registers a request, issues its receipt (登记回执) and returns its tracking code. When this
    /// returns, the request is committed: a tracking code is never shown for a request that could
    /// be lost.
    pub async fn register_request(
        &self,
        slug: &Slug,
        new: &NewRequest,
        actor: &Actor,
        now: DateTime<Utc>,
        rules: Rules<'_>,
    ) -> Result<String, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let la = self.letter_agency(slug).await?;
        let req = LetterRequest {
            name: new.requester.name.clone(),
            contact: new.requester.contact.clone(),
            channel: new.channel,
            description: new.description.clone(),
            delivery: new.delivery.clone(),
        };
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
                new.channel.label()
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
            .bind(state.status.key())
            .bind(&json)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO request_details (request_id, channel, description, delivery, channel_key) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(new.channel.label())
                .bind(&new.description)
                .bind(&new.delivery)
                .bind(new.channel.key())
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
            issue_letter!(
                tx,
                la,
                &req,
                &code,
                id,
                agency_id,
                LetterKind::Receipt,
                &state,
                None,
                new.received_on,
                rules,
                now
            );
            let officers = case_officer_addresses!(tx, agency_id, actor.user_id);
            let due = state.due(rules.calendar, rules.periods, new.received_on);
            notify_staff!(
                tx,
                officers,
                format!("{}：新的政府信息公开申请（查询码 {code}）", la.agency.name),
                format!(
                    "{} 收到一件政府信息公开申请（{}，{}），查询码 {code}，答复期限 {}。\n请登录政府信息公开管理系统办理：/admin/agencies/{slug}/requests/{code}\n",
                    new.received_on,
                    new.channel.label(),
                    new.kind.label(),
                    due.map_or_else(|| "待定".to_owned(), |d| d.to_string())
                ),
                now
            );
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

    /// Applies a step and issues the letter it calls for. `core::workflow` decides and
    /// `core::letter` composes; a refused step (or a letter that cannot be composed, e.g. no 复议机关
    /// configured) changes nothing and its message says why (`StoreError::Invalid`).
    pub async fn apply_request_event(
        &self,
        slug: &Slug,
        code: &str,
        event: &Event,
        actor: &Actor,
        now: DateTime<Utc>,
        rules: Rules<'_>,
    ) -> Result<RequestState, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let la = self.letter_agency(slug).await?;
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
                .apply_on(event, rules.calendar, rules.periods)
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            let status = next.status.key();
            sqlx::query(
                "UPDATE requests SET status = $1, state_json = $2, decided_on = $3, outcome = $4 WHERE id = $5",
            )
            .bind(status)
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
            if let Some(kind) = LetterKind::for_event(event) {
                let (name, contact, channel_key, channel, description, delivery): (String, String, Option<String>, String, String, String) = sqlx::query_as(
                    "SELECT p.name, p.contact, d.channel_key, d.channel, d.description, d.delivery FROM requesters p \
                     JOIN request_details d ON d.request_id = p.request_id WHERE p.request_id = $1",
                )
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                let req = LetterRequest {
                    name,
                    contact,
                    channel: channel_of(channel_key.as_deref(), &channel),
                    description,
                    delivery,
                };
                issue_letter!(
                    tx,
                    la,
                    &req,
                    code,
                    id,
                    agency_id,
                    kind,
                    &next,
                    Some(event),
                    event.on(),
                    rules,
                    now
                );
            }
            let assignee: Vec<String> = sqlx::query_scalar(
                "SELECT u.email FROM users u JOIN requests r ON r.assignee_id = u.id \
                 WHERE r.id = $1 AND NOT u.disabled AND u.email IS NOT NULL AND u.id <> $2",
            )
            .bind(id)
            .bind(actor.user_id.unwrap_or(-1))
            .fetch_all(&mut *tx)
            .await?;
            notify_staff!(
                tx,
                assignee,
                format!("{}：申请 {code} {}", la.agency.name, next.status.label()),
                format!(
                    "您经办的政府信息公开申请（查询码 {code}）有新的办理步骤：{}（{}）。\n/admin/agencies/{slug}/requests/{code}\n",
                    event.summary(),
                    actor.name
                ),
                now
            );
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
    pub channel: Channel,
    /// The form of delivery asked for.
    pub delivery: String,
    /// The case officer it is assigned to: (user id, display name).
    pub assignee: Option<(i64, String)>,
}

type QueueRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<i64>,
    Option<String>,
);

const QUEUE_SELECT: &str = "SELECT r.tracking_code, r.state_json, d.description, d.channel, d.channel_key, d.delivery, r.assignee_id, u.display_name \
     FROM requests r JOIN request_details d ON d.request_id = r.id LEFT JOIN users u ON u.id = r.assignee_id";

fn queued(row: QueueRow) -> Result<QueuedRequest, StoreError> {
    let (code, json, description, channel, channel_key, delivery, assignee_id, assignee_name) = row;
    let state = serde_json::from_str(&json)
        .map_err(|e| StoreError::Corrupt(format!("request state: {e}")))?;
    Ok(QueuedRequest {
        code,
        state,
        description,
        channel: channel_of(channel_key.as_deref(), &channel),
        delivery,
        assignee: assignee_id.map(|id| (id, assignee_name.unwrap_or_default())),
    })
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
        let sql = format!(
            "{QUEUE_SELECT} WHERE r.agency_id = $1 AND r.tracking_code IS NOT NULL AND r.status <> 'closed' ORDER BY r.id"
        );
        let rows: Vec<QueueRow> = on_pool!(self, |pool| {
            sqlx::query_as(&sql).bind(agency_id).fetch_all(pool).await?
        });
        rows.into_iter().map(queued).collect()
    }

    /// A request's details and history.
    pub async fn request_history(
        &self,
        slug: &Slug,
        code: &str,
    ) -> Result<Option<(QueuedRequest, Vec<RequestStep>)>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let sql = format!("{QUEUE_SELECT} WHERE r.agency_id = $1 AND r.tracking_code = $2");
        let row: Option<QueueRow> = on_pool!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(agency_id)
                .bind(code)
                .fetch_optional(pool)
                .await?
        });
        let Some(row) = row else {
            return Ok(None);
        };
        let request = queued(row)?;
        let steps: Vec<(String, String, i64)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT e.event_json, e.actor, e.at_ms FROM request_events e JOIN requests r ON r.id = e.request_id \
                 WHERE r.agency_id = $1 AND r.tracking_code = $2 ORDER BY e.seq",
            )
            .bind(agency_id)
            .bind(code)
            .fetch_all(pool)
            .await?
        });
        let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("request: {e}"));
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
        Ok(Some((request, steps)))
    }
}

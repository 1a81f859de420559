//! The e-mail outbox. A step's notices ([`gongkai_core::notice`]) are written here in the step's
//! own transaction, each recipient resolved to the addresses it has at that moment; the mail task
//! renders and sends them later, so a restart or an SMTP server that is down loses nothing.

use chrono::{DateTime, Duration, Utc};
use gongkai_core::notice::{Content, Message, Notice, Recipient};

use crate::db::{Json, Tx, json, sql};
use crate::queue::OUTBOX;
use crate::{Store, StoreError};

/// A mail waiting in the outbox.
#[derive(Debug, Clone)]
pub struct PendingMail {
    /// Row id.
    pub id: i64,
    /// To.
    pub recipient: String,
    /// What it says.
    pub content: Content,
    /// Attempts so far.
    pub attempts: i32,
}

#[derive(sqlx::FromRow)]
struct MailRow {
    id: i64,
    recipient: String,
    subject: String,
    body: String,
    message_json: Option<Json<Message>>,
    attempts: i32,
    sent_ms: Option<i64>,
}

impl From<MailRow> for PendingMail {
    fn from(r: MailRow) -> Self {
        Self {
            id: r.id,
            recipient: r.recipient,
            content: match r.message_json {
                Some(Json(m)) => Content::Notice(m),
                None => Content::Text {
                    subject: r.subject,
                    body: r.body,
                },
            },
            attempts: r.attempts,
        }
    }
}

/// Whose notices these are: the agency, the request (for its assignee) and the person acting (who
/// is never written to about their own step).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope {
    pub(crate) agency_id: i64,
    pub(crate) request_id: Option<i64>,
    pub(crate) actor: Option<i64>,
}

impl Scope {
    /// Notices about a request, written because of `actor`'s step.
    pub(crate) fn request(agency_id: i64, request_id: i64, actor: Option<i64>) -> Self {
        Self {
            agency_id,
            request_id: Some(request_id),
            actor,
        }
    }

    /// Notices of the agency's that concern no request.
    pub(crate) fn agency(agency_id: i64, actor: Option<i64>) -> Self {
        Self {
            agency_id,
            request_id: None,
            actor,
        }
    }
}

/// Writes the notices into the outbox, in the caller's transaction.
pub(crate) async fn queue(
    tx: &mut Tx,
    scope: Scope,
    notices: &[Notice],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let except = scope.actor.unwrap_or(-1);
    for notice in notices {
        let addresses: Vec<String> = match &notice.to {
            Recipient::Address(a) => vec![a.clone()],
            Recipient::CaseOfficers => {
                sql(
                    "SELECT u.email FROM users u JOIN user_roles r ON r.user_id = u.id \
                     WHERE r.agency_id = $1 AND r.role = 'case_officer' AND NOT u.disabled \
                     AND u.email IS NOT NULL AND u.id <> $2 ORDER BY u.id",
                )
                .bind(scope.agency_id)
                .bind(except)
                .scalars(&mut *tx)
                .await?
            }
            Recipient::Assignee => {
                sql(
                    "SELECT u.email FROM users u JOIN requests r ON r.assignee_id = u.id \
                     WHERE r.id = $1 AND NOT u.disabled AND u.email IS NOT NULL AND u.id <> $2",
                )
                .bind(scope.request_id.unwrap_or(-1))
                .bind(except)
                .scalars(&mut *tx)
                .await?
            }
            Recipient::User(id) => {
                sql("SELECT email FROM users WHERE id = $1 AND NOT disabled \
                     AND email IS NOT NULL AND id <> $2")
                .bind(*id)
                .bind(except)
                .scalars(&mut *tx)
                .await?
            }
        };
        let message = json(&notice.message)?;
        for to in addresses {
            sql(
                "INSERT INTO outbox (recipient, subject, body, message_json, created_ms, next_ms) \
                 VALUES ($1, '', '', $2, $3, $3)",
            )
            .bind(to)
            .bind(&message)
            .bind(now.timestamp_millis())
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(())
}

const MAIL_SELECT: &str =
    "SELECT id, recipient, subject, body, message_json, attempts, sent_ms FROM outbox";

impl Store {
    /// Tells one member of staff something that concerns their account alone (failed sign-ins),
    /// with `entry` in the audit trail: the notice is queued in the same transaction.
    pub async fn notify_user(
        &self,
        user_id: i64,
        message: Message,
        entry: crate::AuditEntry,
        by: crate::By<'_>,
    ) -> Result<(), StoreError> {
        let notice = Notice {
            to: Recipient::User(user_id),
            message,
        };
        let scope = Scope {
            agency_id: -1,
            request_id: None,
            actor: None,
        };
        self.write(by, entry, async |tx| {
            queue(tx, scope, std::slice::from_ref(&notice), by.now).await
        })
        .await
    }

    /// Mails due for (another) attempt, oldest first, claimed or not (the operator's view; workers
    /// use [`Store::claim_mail`]).
    pub async fn pending_mail(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<PendingMail>, StoreError> {
        let rows: Vec<MailRow> = sql(format!(
            "{MAIL_SELECT} WHERE sent_ms IS NULL AND next_ms <= $1 ORDER BY id LIMIT $2"
        ))
        .bind(now.timestamp_millis())
        .bind(limit)
        .all(self)
        .await?;
        Ok(rows.into_iter().map(PendingMail::from).collect())
    }

    /// Claims up to `limit` mails due at `now` for `worker` for `lease` (see [`crate::queue`]),
    /// oldest first. Mails claimed by another worker whose lease has not run out are left alone.
    pub async fn claim_mail(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<PendingMail>, StoreError> {
        let now_ms = now.timestamp_millis();
        let ids = OUTBOX
            .claim(
                self,
                worker,
                now_ms,
                now_ms + lease.num_milliseconds(),
                limit,
            )
            .await?;
        let mut mails = Vec::with_capacity(ids.len());
        for id in ids {
            let row: MailRow = sql(format!("{MAIL_SELECT} WHERE id = $1"))
                .bind(id)
                .one(self)
                .await?;
            mails.push(row.into());
        }
        Ok(mails)
    }

    /// Marks a claimed mail sent; `false` if `worker` no longer held it.
    pub async fn mail_sent(
        &self,
        id: i64,
        worker: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        OUTBOX.done(self, id, worker, now.timestamp_millis()).await
    }

    /// Records a failed attempt of a claimed mail and when to try again.
    pub async fn mail_failed(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        OUTBOX
            .failed(self, id, worker, error, retry_at.timestamp_millis())
            .await
    }

    /// Mails for one recipient, oldest first, each with whether it was sent (tests and the
    /// operator's view of the outbox).
    pub async fn mail_to(&self, recipient: &str) -> Result<Vec<(PendingMail, bool)>, StoreError> {
        let rows: Vec<MailRow> = sql(format!("{MAIL_SELECT} WHERE recipient = $1 ORDER BY id"))
            .bind(recipient)
            .all(self)
            .await?;
        Ok(rows
            .into_iter()
            .map(|m| {
                let sent = m.sent_ms.is_some();
                (m.into(), sent)
            })
            .collect())
    }
}

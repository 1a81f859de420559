//! Enquiries and complaints (咨询 / 投诉): accepted from the public, assigned, replied to once,
//! published only with the writer's consent.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use gongkai_core::audit::{Actor, Entry};
use gongkai_core::calendar::Calendar;
use gongkai_core::supervision::{self, MessageKind, NewMessage, Received, ReplyStats};
use gongkai_core::{Slug, clock::china_date};

use crate::db::{By, sql};
use crate::outbox::{self, Scope};
use crate::{Store, StoreError};

/// A message as staff and the writer see it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Message {
    /// Row id.
    pub id: i64,
    /// 咨询 or 投诉.
    pub kind: MessageKind,
    /// The writer's tracking code.
    pub tracking_code: String,
    /// Name (never on public pages).
    pub name: String,
    /// Contact (never on public pages).
    pub contact: String,
    /// Subject.
    pub subject: String,
    /// Text.
    pub body: String,
    /// The writer agreed to publication.
    pub may_publish: bool,
    /// Day received (China time).
    pub received_on: NaiveDate,
    /// Assigned officer (user id, display name).
    pub assignee: Option<(i64, String)>,
    /// The reply, once given.
    pub reply: Option<String>,
    /// Day of the reply.
    pub replied_on: Option<NaiveDate>,
    /// Who replied.
    pub replied_by: Option<String>,
    /// Question and answer are on the portal.
    pub published: bool,
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: i64,
    kind: String,
    tracking_code: String,
    name: String,
    contact: String,
    subject: String,
    body: String,
    may_publish: bool,
    received_on: NaiveDate,
    assignee_id: Option<i64>,
    display_name: Option<String>,
    reply: Option<String>,
    replied_on: Option<NaiveDate>,
    replied_by: Option<String>,
    published: bool,
}

impl TryFrom<MessageRow> for Message {
    type Error = StoreError;
    fn try_from(r: MessageRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.id,
            kind: MessageKind::from_key(&r.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("message kind {}", r.kind)))?,
            tracking_code: r.tracking_code,
            name: r.name,
            contact: r.contact,
            subject: r.subject,
            body: r.body,
            may_publish: r.may_publish,
            received_on: r.received_on,
            assignee: r
                .assignee_id
                .map(|id| (id, r.display_name.unwrap_or_default())),
            reply: r.reply,
            replied_on: r.replied_on,
            replied_by: r.replied_by,
            published: r.published,
        })
    }
}

const MESSAGE_SELECT: &str = "SELECT m.id, m.kind, m.tracking_code, m.name, m.contact, m.subject, m.body, \
     m.may_publish, m.received_on, m.assignee_id, u.display_name, m.reply, m.replied_on, m.replied_by, m.published \
     FROM messages m LEFT JOIN users u ON u.id = m.assignee_id";

impl Store {
    async fn messages_where(
        &self,
        filter: &str,
        agency_id: i64,
        code: Option<&str>,
    ) -> Result<Vec<Message>, StoreError> {
        let mut q =
            sql(format!("{MESSAGE_SELECT} WHERE m.agency_id = $1 {filter}")).bind(agency_id);
        if let Some(code) = code {
            q = q.bind(code);
        }
        let rows: Vec<MessageRow> = q.all(self).await?;
        rows.into_iter().map(Message::try_from).collect()
    }

    /// Accepts an enquiry or complaint from the public; returns its tracking code. Nothing is
    /// written when the message is incomplete.
    pub async fn submit_message(
        &self,
        slug: &Slug,
        m: &NewMessage,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let code = gongkai_core::workflow::new_tracking_code();
        let (kind, notices, audit) = supervision::accept(slug.as_str(), &code, m)?;
        let agency_id = self.agency_id(slug).await?;
        let public = Actor::system("公众（网站）");
        self.write(By::new(&public, now), audit, async |tx| {
            sql("INSERT INTO messages (agency_id, kind, tracking_code, name, contact, subject, body, may_publish, \
                 received_on, received_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
            .bind(agency_id)
            .bind(kind.key())
            .bind(&code)
            .bind(m.name.trim())
            .bind(m.contact.trim())
            .bind(m.subject.trim())
            .bind(m.body.trim())
            .bind(m.may_publish)
            .bind(china_date(now))
            .bind(now.timestamp_millis())
            .execute(&mut *tx)
            .await?;
            let scope = Scope::agency(agency_id, None);
            outbox::queue(tx, scope, &notices, now).await
        })
        .await?;
        Ok(code)
    }

    /// The agency's messages, newest first.
    pub async fn messages(&self, slug: &Slug) -> Result<Vec<Message>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        self.messages_where("ORDER BY m.received_ms DESC, m.id DESC", agency_id, None)
            .await
    }

    /// One message of the agency by its tracking code.
    pub async fn message(&self, slug: &Slug, code: &str) -> Result<Option<Message>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        Ok(self
            .messages_where("AND m.tracking_code = $2", agency_id, Some(code))
            .await?
            .pop())
    }

    /// When each message still waiting for a reply arrived (the dashboard's count and overdue mark).
    pub async fn messages_waiting(&self, slug: &Slug) -> Result<Vec<NaiveDate>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        sql("SELECT received_on FROM messages WHERE agency_id = $1 AND reply IS NULL ORDER BY received_on")
            .bind(agency_id)
            .scalars(self)
            .await
    }

    /// Questions and answers on the portal, newest reply first.
    pub async fn published_messages(&self, slug: &Slug) -> Result<Vec<Message>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        self.messages_where(
            "AND m.published = TRUE ORDER BY m.replied_on DESC, m.id DESC",
            agency_id,
            None,
        )
        .await
    }

    /// Assigns a message to a member of staff of the agency.
    pub async fn assign_message(
        &self,
        slug: &Slug,
        code: &str,
        user_id: i64,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = Entry::new(
            Some(slug.as_str()),
            "message.assign",
            format!("message:{code}"),
            format!("交办给用户 {user_id}"),
        );
        self.write(by, entry, async |tx| {
            let done = sql(
                "UPDATE messages SET assignee_id = $1 WHERE agency_id = $2 AND tracking_code = $3",
            )
            .bind(user_id)
            .bind(agency_id)
            .bind(code)
            .execute(&mut *tx)
            .await?;
            if done == 0 {
                return Err(StoreError::NotFound(format!("留言 {code}")));
            }
            Ok(())
        })
        .await
    }

    /// Records the reply (`core::supervision::reply` decides) and whether question and answer are
    /// published.
    pub async fn reply_message(
        &self,
        slug: &Slug,
        code: &str,
        reply: &str,
        publish: bool,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let who = by
            .actor
            .name
            .split('（')
            .next()
            .unwrap_or_default()
            .to_owned();
        self.write_with(by, async |tx| {
            let row: Option<MessageRow> = sql(format!(
                "{MESSAGE_SELECT} WHERE m.agency_id = $1 AND m.tracking_code = $2"
            ))
            .bind(agency_id)
            .bind(code)
            .optional(&mut *tx)
            .await?;
            let m = Message::try_from(
                row.ok_or_else(|| StoreError::NotFound(format!("留言 {code}")))?,
            )?;
            let received = Received {
                kind: m.kind,
                may_publish: m.may_publish,
                replied: m.reply.is_some(),
                contact: &m.contact,
                subject: &m.subject,
            };
            let (notices, audit) =
                supervision::reply(slug.as_str(), code, received, reply, publish)?;
            let done = sql(
                "UPDATE messages SET reply = $1, replied_on = $2, replied_by = $3, published = $4 \
                 WHERE id = $5 AND reply IS NULL",
            )
            .bind(reply.trim())
            .bind(china_date(by.now))
            .bind(&who)
            .bind(publish)
            .bind(m.id)
            .execute(&mut *tx)
            .await?;
            if done == 0 {
                return Err(StoreError::rejected("这条留言已经答复过，答复不能修改。"));
            }
            let scope = Scope::agency(agency_id, by.actor.user_id);
            outbox::queue(tx, scope, &notices, by.now).await?;
            Ok(((), Some(audit)))
        })
        .await
    }

    /// Reply-time statistics of the agency's messages received in `year`, by kind.
    pub async fn reply_stats(
        &self,
        slug: &Slug,
        year: i32,
        calendar: &Calendar,
        today: NaiveDate,
    ) -> Result<Vec<(MessageKind, ReplyStats)>, StoreError> {
        let messages = self.messages(slug).await?;
        Ok(MessageKind::ALL
            .into_iter()
            .map(|kind| {
                let mut s = ReplyStats::default();
                for m in messages
                    .iter()
                    .filter(|m| m.kind == kind && m.received_on.year() == year)
                {
                    s.add(calendar, m.received_on, m.replied_on, today);
                }
                (kind, s)
            })
            .collect())
    }
}

//! 监督保障 records: enquiries and complaints with their replies, public evaluations, 人大代表建议
//! and 政协提案, and the year's figures of them for the report.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use gongkai_core::Slug;
use gongkai_core::audit::Actor;
use gongkai_core::supervision::{
    EvaluationStats, MessageKind, NewMessage, ProposalKind, ReplyStats, Supervision,
};

use crate::audit::{AuditEntry, BeginWrite, append_audit};
use crate::requests::{case_officer_addresses, queue_mail};
use crate::{Store, StoreError, on_pool};

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

type MessageRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    bool,
    NaiveDate,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<NaiveDate>,
    Option<String>,
    bool,
);

const MESSAGE_SELECT: &str = "SELECT m.id, m.kind, m.tracking_code, m.name, m.contact, m.subject, m.body, \
     m.may_publish, m.received_on, m.assignee_id, u.display_name, m.reply, m.replied_on, m.replied_by, m.published \
     FROM messages m LEFT JOIN users u ON u.id = m.assignee_id";

fn message(row: MessageRow) -> Result<Message, StoreError> {
    let (
        id,
        kind,
        code,
        name,
        contact,
        subject,
        body,
        may,
        received,
        aid,
        aname,
        reply,
        ron,
        rby,
        pubd,
    ) = row;
    Ok(Message {
        id,
        kind: MessageKind::from_key(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("message kind {kind}")))?,
        tracking_code: code,
        name,
        contact,
        subject,
        body,
        may_publish: may,
        received_on: received,
        assignee: aid.map(|id| (id, aname.unwrap_or_default())),
        reply,
        replied_on: ron,
        replied_by: rby,
        published: pubd,
    })
}

/// A 人大代表建议 or 政协提案 the agency handled.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Proposal {
    /// Row id (0 before it is saved).
    pub id: i64,
    /// `deputy_suggestion` or `committee_proposal`.
    pub kind: String,
    /// The session year.
    pub year: i32,
    /// Its number (e.g. `第58号`).
    pub number: String,
    /// Title.
    pub title: String,
    /// Deputy or member (a public role) or group.
    pub submitter: String,
    /// The agency leads (主办) rather than assists (协办).
    pub lead: bool,
    /// Day assigned to the agency.
    pub received_on: Option<NaiveDate>,
    /// Day answered.
    pub replied_on: Option<NaiveDate>,
    /// What was done (答复 / 办理结果).
    pub result: String,
    /// Day the result was published.
    pub published_on: Option<NaiveDate>,
}

/// A proposal as stored.
type ProposalRow = (
    i64,
    String,
    i32,
    String,
    String,
    String,
    bool,
    NaiveDate,
    Option<NaiveDate>,
    Option<String>,
    Option<NaiveDate>,
);

impl Store {
    /// Accepts an enquiry or complaint from the public; returns its tracking code. Nothing is
    /// written when the message is incomplete.
    pub async fn submit_message(
        &self,
        slug: &Slug,
        m: &NewMessage,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        if let Some((_, problem)) = m.problems().into_iter().next() {
            return Err(StoreError::Invalid(problem));
        }
        let kind = MessageKind::from_key(&m.kind).expect("checked by problems()");
        let agency_id = self.agency_id(slug).await?;
        let code = gongkai_core::workflow::new_tracking_code();
        let actor = Actor::system("公众（网站）");
        let entry = AuditEntry {
            actor: &actor,
            agency: Some(slug.as_str()),
            action: "message.receive",
            target: format!("message:{code}"),
            summary: format!("收到{}", kind.label()),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO messages (agency_id, kind, tracking_code, name, contact, subject, body, may_publish, \
                 received_on, received_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(agency_id)
            .bind(kind.key())
            .bind(&code)
            .bind(m.name.trim())
            .bind(m.contact.trim())
            .bind(m.subject.trim())
            .bind(m.body.trim())
            .bind(m.may_publish)
            .bind(gongkai_core::clock::china_date(now))
            .bind(now.timestamp_millis())
            .execute(&mut *tx)
            .await?;
            // The agency's case officers hear of it (sent by the outbox task after commit).
            let officers = case_officer_addresses!(tx, agency_id, None);
            for to in officers {
                queue_mail!(
                    tx,
                    to,
                    format!("新的{}（查询码 {code}）", kind.label()),
                    format!(
                        "收到一件{}：{}\n请登录政府信息公开管理系统办理：/admin/agencies/{slug}/messages/{code}\n",
                        kind.label(),
                        m.subject.trim()
                    ),
                    now
                );
            }
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(code)
    }

    /// The agency's messages, newest first.
    pub async fn messages(&self, slug: &Slug) -> Result<Vec<Message>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let sql = format!(
            "{MESSAGE_SELECT} WHERE m.agency_id = $1 ORDER BY m.received_ms DESC, m.id DESC"
        );
        let rows: Vec<MessageRow> = on_pool!(self, |pool| {
            sqlx::query_as(&sql).bind(agency_id).fetch_all(pool).await?
        });
        rows.into_iter().map(message).collect()
    }

    /// One message of the agency by its tracking code.
    pub async fn message(&self, slug: &Slug, code: &str) -> Result<Option<Message>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let sql = format!("{MESSAGE_SELECT} WHERE m.agency_id = $1 AND m.tracking_code = $2");
        let row: Option<MessageRow> = on_pool!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(agency_id)
                .bind(code)
                .fetch_optional(pool)
                .await?
        });
        row.map(message).transpose()
    }

    /// When each message still waiting for a reply arrived (the dashboard's count and overdue mark).
    pub async fn messages_waiting(&self, slug: &Slug) -> Result<Vec<NaiveDate>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        Ok(on_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT received_on FROM messages WHERE agency_id = $1 AND reply IS NULL ORDER BY received_on",
            )
            .bind(agency_id)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Questions and answers on the portal, newest reply first.
    pub async fn published_messages(&self, slug: &Slug) -> Result<Vec<Message>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let sql = format!(
            "{MESSAGE_SELECT} WHERE m.agency_id = $1 AND m.published = $2 ORDER BY m.replied_on DESC, m.id DESC"
        );
        let rows: Vec<MessageRow> = on_pool!(self, |pool| {
            sqlx::query_as(&sql)
                .bind(agency_id)
                .bind(true)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(message).collect()
    }

    /// Assigns a message to a member of staff of the agency.
    pub async fn assign_message(
        &self,
        slug: &Slug,
        code: &str,
        user_id: i64,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "message.assign",
            target: format!("message:{code}"),
            summary: format!("交办给用户 {user_id}"),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let done = sqlx::query(
                "UPDATE messages SET assignee_id = $1 WHERE agency_id = $2 AND tracking_code = $3",
            )
            .bind(user_id)
            .bind(agency_id)
            .bind(code)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!("留言 {code}")));
            }
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records the reply and, if the writer agreed, whether question and answer are published.
    /// A reply is given once; publishing without the writer's consent is refused.
    pub async fn reply_message(
        &self,
        slug: &Slug,
        code: &str,
        reply: &str,
        publish: bool,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let reply = reply.trim();
        if reply.chars().count() < 5 {
            return Err(StoreError::Invalid(
                "答复内容太短：请写明答复意见（至少5个字）。".into(),
            ));
        }
        let m = self
            .message(slug, code)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("留言 {code}")))?;
        if m.reply.is_some() {
            return Err(StoreError::Invalid(
                "这条留言已经答复过，答复不能修改。".into(),
            ));
        }
        if publish && !m.may_publish {
            return Err(StoreError::Invalid(
                "留言人未同意公开，不能在网站公开这条留言及答复。".into(),
            ));
        }
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "message.reply",
            target: format!("message:{code}"),
            summary: format!(
                "答复{}{}",
                m.kind.label(),
                if publish { "并在网站公开" } else { "" }
            ),
        };
        let who = actor.name.split('（').next().unwrap_or_default().to_owned();
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let done = sqlx::query(
                "UPDATE messages SET reply = $1, replied_on = $2, replied_by = $3, published = $4 \
                 WHERE id = $5 AND reply IS NULL",
            )
            .bind(reply)
            .bind(gongkai_core::clock::china_date(now))
            .bind(&who)
            .bind(publish)
            .bind(m.id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Invalid(
                    "这条留言已经答复过，答复不能修改。".into(),
                ));
            }
            // A writer who left an e-mail address gets the reply by mail too.
            if let Some(to) = gongkai_core::intake::email_address(&m.contact).map(str::to_owned) {
                queue_mail!(
                    tx,
                    to,
                    format!("您的{}已答复（查询码 {code}）", m.kind.label()),
                    format!(
                        "您好！您提出的{}“{}”已答复：\n\n{reply}\n",
                        m.kind.label(),
                        m.subject
                    ),
                    now
                );
            }
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Reply-time statistics of the agency's messages received in `year`, by kind.
    pub async fn reply_stats(
        &self,
        slug: &Slug,
        year: i32,
        calendar: &gongkai_core::calendar::Calendar,
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

    /// Records a public evaluation (1–5 and a comment), of one item on the portal or of the
    /// service as a whole.
    pub async fn evaluate(
        &self,
        slug: &Slug,
        item_id: Option<i64>,
        rating: u8,
        comment: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if !(1..=5).contains(&rating) {
            return Err(StoreError::Invalid("请选择1到5星的评价。".into()));
        }
        let comment = comment.trim();
        if comment.chars().count() > 500 {
            return Err(StoreError::Invalid("意见不超过500个字。".into()));
        }
        let agency_id = self.agency_id(slug).await?;
        let actor = Actor::system("公众（网站）");
        let entry = AuditEntry {
            actor: &actor,
            agency: Some(slug.as_str()),
            action: "evaluation.add",
            target: item_id.map_or_else(|| format!("agency:{slug}"), |i| format!("item:{i}")),
            summary: format!("社会评议 {rating} 星"),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            if let Some(item) = item_id {
                let on_portal: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM items WHERE id = $1 AND agency_id = $2 AND withdrawn_on IS NULL",
                )
                .bind(item)
                .bind(agency_id)
                .fetch_optional(&mut *tx)
                .await?;
                if on_portal.is_none() {
                    return Err(StoreError::NotFound(format!("信息 {item}")));
                }
            }
            sqlx::query(
                "INSERT INTO evaluations (agency_id, item_id, rating, comment, rated_on, created_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(agency_id)
            .bind(item_id)
            .bind(i32::from(rating))
            .bind(comment)
            .bind(gongkai_core::clock::china_date(now))
            .bind(now.timestamp_millis())
            .execute(&mut *tx)
            .await?;
            append_audit!(tx, &entry, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Evaluations of `year` by quarter (1–4), with the comments (newest first, item title if any).
    pub async fn evaluation_results(
        &self,
        slug: &Slug,
        year: i32,
    ) -> Result<
        (
            Vec<(u32, EvaluationStats)>,
            Vec<(NaiveDate, u8, String, Option<String>)>,
        ),
        StoreError,
    > {
        let agency_id = self.agency_id(slug).await?;
        let (from, to) = year_bounds(year);
        let rows: Vec<(NaiveDate, i32, String, Option<String>)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT e.rated_on, e.rating, e.comment, i.title FROM evaluations e \
                 LEFT JOIN items i ON i.id = e.item_id \
                 WHERE e.agency_id = $1 AND e.rated_on >= $2 AND e.rated_on <= $3 \
                 ORDER BY e.created_ms DESC, e.id DESC",
            )
            .bind(agency_id)
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?
        });
        let mut quarters: Vec<(u32, EvaluationStats)> =
            (1..=4).map(|q| (q, EvaluationStats::default())).collect();
        let mut comments = Vec::new();
        for (on, rating, comment, title) in rows {
            let rating = u8::try_from(rating).unwrap_or(1);
            let q = gongkai_core::supervision::quarter(on);
            if let Some((_, s)) = quarters.iter_mut().find(|(n, _)| *n == q) {
                s.add(rating);
            }
            if !comment.is_empty() {
                comments.push((on, rating, comment, title));
            }
        }
        Ok((quarters, comments))
    }

    /// Saves a 人大代表建议 or 政协提案 (new when `id` is 0).
    pub async fn save_proposal(
        &self,
        slug: &Slug,
        p: &Proposal,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let kind = ProposalKind::from_key(&p.kind)
            .ok_or_else(|| StoreError::Invalid("请选择人大代表建议或政协提案。".into()))?;
        if p.number.trim().is_empty() || p.title.trim().is_empty() {
            return Err(StoreError::Invalid("请填写编号和标题。".into()));
        }
        let received = p
            .received_on
            .ok_or_else(|| StoreError::Invalid("请填写交办日期。".into()))?;
        if p.replied_on.is_some_and(|r| r < received) {
            return Err(StoreError::Invalid("答复日期不能早于交办日期。".into()));
        }
        if p.published_on.is_some() && (p.replied_on.is_none() || p.result.trim().is_empty()) {
            return Err(StoreError::Invalid(
                "公开办理结果前，请先填写答复日期和办理结果。".into(),
            ));
        }
        let agency_id = self.agency_id(slug).await?;
        let entry = AuditEntry {
            actor,
            agency: Some(slug.as_str()),
            action: "proposal.save",
            target: format!("proposal:{}-{}", p.year, p.number.trim()),
            summary: format!("{}：{}", kind.label(), p.title.trim()),
        };
        Ok(on_pool!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let id: i64 = if p.id == 0 {
                sqlx::query_scalar(
                    "INSERT INTO proposals (agency_id, kind, year, number, title, submitter, lead, received_on, \
                     replied_on, result, published_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                )
                .bind(agency_id)
                .bind(kind.key())
                .bind(p.year)
                .bind(p.number.trim())
                .bind(p.title.trim())
                .bind(p.submitter.trim())
                .bind(p.lead)
                .bind(received)
                .bind(p.replied_on)
                .bind(p.result.trim())
                .bind(p.published_on)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Invalid(
                        format!("{}年{}“{}”已经登记过。", p.year, kind.label(), p.number.trim()),
                    ),
                    other => other.into(),
                })?
            } else {
                let done = sqlx::query(
                    "UPDATE proposals SET title = $1, submitter = $2, lead = $3, received_on = $4, replied_on = $5, \
                     result = $6, published_on = $7 WHERE id = $8 AND agency_id = $9",
                )
                .bind(p.title.trim())
                .bind(p.submitter.trim())
                .bind(p.lead)
                .bind(received)
                .bind(p.replied_on)
                .bind(p.result.trim())
                .bind(p.published_on)
                .bind(p.id)
                .bind(agency_id)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound(format!("建议提案 {}", p.id)));
                }
                p.id
            };
            append_audit!(tx, &entry, now);
            tx.commit().await?;
            id
        }))
    }

    /// The agency's suggestions and proposals, newest year first.
    pub async fn proposals(&self, slug: &Slug) -> Result<Vec<Proposal>, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let rows: Vec<ProposalRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, kind, year, number, title, submitter, lead, received_on, replied_on, result, published_on \
                 FROM proposals WHERE agency_id = $1 ORDER BY year DESC, kind, number",
            )
            .bind(agency_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(
                    id,
                    kind,
                    year,
                    number,
                    title,
                    submitter,
                    lead,
                    received,
                    replied,
                    result,
                    published,
                )| {
                    Proposal {
                        id,
                        kind,
                        year,
                        number,
                        title,
                        submitter,
                        lead,
                        received_on: Some(received),
                        replied_on: replied,
                        result: result.unwrap_or_default(),
                        published_on: published,
                    }
                },
            )
            .collect())
    }

    /// The year's figures for the report: messages and evaluations received in the year,
    /// suggestions and proposals of the year's session.
    pub async fn supervision_figures(
        &self,
        slug: &Slug,
        year: i32,
    ) -> Result<Supervision, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let (from, to) = year_bounds(year);
        let messages: Vec<(String, bool)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT kind, reply IS NOT NULL FROM messages \
                 WHERE agency_id = $1 AND received_on >= $2 AND received_on <= $3",
            )
            .bind(agency_id)
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?
        });
        let mut s = Supervision::default();
        for (kind, replied) in messages {
            match MessageKind::from_key(&kind) {
                Some(MessageKind::Enquiry) => s.enquiries += 1,
                Some(MessageKind::Complaint) => s.complaints += 1,
                None => {}
            }
            if replied {
                s.replied += 1;
            }
        }
        let (quarters, _) = self.evaluation_results(slug, year).await?;
        for (_, q) in quarters {
            s.evaluations.count += q.count;
            s.evaluations.sum += q.sum;
            s.evaluations.satisfied += q.satisfied;
        }
        for p in self
            .proposals(slug)
            .await?
            .iter()
            .filter(|p| p.year == year)
        {
            match ProposalKind::from_key(&p.kind) {
                Some(ProposalKind::DeputySuggestion) => s.deputy_suggestions += 1,
                Some(ProposalKind::CommitteeProposal) => s.committee_proposals += 1,
                None => {}
            }
            if p.published_on.is_some() {
                s.results_published += 1;
            }
        }
        Ok(s)
    }
}

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
    )
}

/// One officer's (or one agency's) record for the 责任考核.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct OfficerRecord {
    /// Reviews given (初审 and 终审).
    pub reviews: u32,
    /// Working days from submission (or 初审) to the review, summed.
    pub review_days: u32,
    /// Items published that the person drafted.
    pub items: u32,
    /// Of those, published after the column's time limit (条例 第二十六条).
    pub items_late: u32,
    /// Requests answered by the person as case officer.
    pub requests: u32,
    /// Of those, answered after the due date.
    pub requests_late: u32,
    /// Enquiries and complaints replied.
    pub messages: u32,
    /// Of those, after [`REPLY_WORKING_DAYS`](gongkai_core::supervision::REPLY_WORKING_DAYS).
    pub messages_late: u32,
}

impl OfficerRecord {
    /// Adds another record (the same person in another agency, or the agencies' sum).
    pub fn merge(&mut self, o: &Self) {
        self.reviews += o.reviews;
        self.review_days += o.review_days;
        self.items += o.items;
        self.items_late += o.items_late;
        self.requests += o.requests;
        self.requests_late += o.requests_late;
        self.messages += o.messages;
        self.messages_late += o.messages_late;
    }
}

/// An agency's 责任考核 figures of a year: per person (as the audit trail names them) and in total.
#[derive(Debug, Clone, Default)]
pub struct Accountability {
    /// Per person.
    pub officers: std::collections::BTreeMap<String, OfficerRecord>,
    /// The agency's total.
    pub total: OfficerRecord,
}

impl Store {
    /// The 责任考核 figures of `year`: review latency per reviewer, items published late per
    /// drafter (against the column's time limit), requests answered late per case officer, and
    /// messages replied late per replier.
    pub async fn accountability(
        &self,
        slug: &Slug,
        year: i32,
        calendar: &gongkai_core::calendar::Calendar,
        periods: gongkai_core::deadline::Periods,
    ) -> Result<Accountability, StoreError> {
        use gongkai_core::item::{ItemContent, ReviewStep};
        let agency_id = self.agency_id(slug).await?;
        let columns = self.catalogue(slug).await?;
        let mut acc = Accountability::default();
        let day = |ms: i64| {
            gongkai_core::clock::china_date(DateTime::from_timestamp_millis(ms).unwrap_or_default())
        };
        let steps: Vec<(i64, String, String, String, i64)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT d.id, d.content_json, s.step_json, s.actor, s.at_ms FROM item_drafts d \
                 JOIN item_steps s ON s.draft_id = d.id WHERE d.agency_id = $1 ORDER BY d.id, s.seq",
            )
            .bind(agency_id)
            .fetch_all(pool)
            .await?
        });
        let mut current: Option<i64> = None;
        let (mut submitted, mut first, mut drafter) = (None, None, String::new());
        for (draft, content, step, actor, at) in steps {
            if current != Some(draft) {
                current = Some(draft);
                (submitted, first, drafter) = (None, None, String::new());
            }
            let on = day(at);
            let Ok(step) = serde_json::from_str::<ReviewStep>(&step) else {
                continue;
            };
            let waited = |since: Option<NaiveDate>| {
                since.map_or(0, |s| {
                    gongkai_core::supervision::reply_working_days(calendar, s, on)
                })
            };
            match step {
                ReviewStep::Submit => {
                    submitted = Some(on);
                    drafter = actor;
                }
                ReviewStep::ApproveFirst if on.year() == year => {
                    let r = acc.officers.entry(actor).or_default();
                    r.reviews += 1;
                    r.review_days += waited(submitted);
                    first = Some(on);
                }
                ReviewStep::ApproveFinal if on.year() == year => {
                    let r = acc.officers.entry(actor).or_default();
                    r.reviews += 1;
                    r.review_days += waited(first);
                    let content: ItemContent = serde_json::from_str(&content).unwrap_or_default();
                    let period = gongkai_core::catalogue::period_of(&columns, &content.category);
                    let late = content.formed_on.is_some_and(|f| {
                        gongkai_core::item::published_late(calendar, f, period, on)
                    });
                    let d = acc.officers.entry(drafter.clone()).or_default();
                    d.items += 1;
                    d.items_late += u32::from(late);
                }
                ReviewStep::ApproveFirst => first = Some(on),
                _ => {}
            }
        }
        let requests: Vec<(String, Option<String>)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT r.state_json, u.display_name FROM requests r LEFT JOIN users u ON u.id = r.assignee_id \
                 WHERE r.agency_id = $1 AND r.state_json IS NOT NULL",
            )
            .bind(agency_id)
            .fetch_all(pool)
            .await?
        });
        for (json, officer) in requests {
            let Ok(state) = serde_json::from_str::<gongkai_core::workflow::RequestState>(&json)
            else {
                continue;
            };
            if state.decided.is_none_or(|d| d.on.year() != year) {
                continue;
            }
            let late = state.answered_late(calendar, periods);
            let r = acc
                .officers
                .entry(officer.unwrap_or_else(|| "（未分配经办人）".to_owned()))
                .or_default();
            r.requests += 1;
            r.requests_late += u32::from(late == Some(true));
        }
        for m in self.messages(slug).await? {
            let (Some(on), Some(by)) = (m.replied_on, m.replied_by.clone()) else {
                continue;
            };
            if on.year() != year {
                continue;
            }
            let r = acc.officers.entry(by).or_default();
            r.messages += 1;
            r.messages_late += u32::from(gongkai_core::supervision::reply_late(
                calendar,
                m.received_on,
                on,
            ));
        }
        acc.officers.retain(|name, _| !name.is_empty());
        for r in acc.officers.values() {
            acc.total.merge(r);
        }
        Ok(acc)
    }
}

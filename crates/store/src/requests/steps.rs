//! The writes of a request's handling: registration, each recorded step, assignment. The rules of
//! `core::handling` decide each one and say what follows (letter, notices, audit); these methods
//! keep all of it in one transaction.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use gongkai_core::deadline::Rules;
use gongkai_core::handling::{self, Context, Step};
use gongkai_core::letter::{Letter, LetterFacts, LetterKind, LetterSettings, compose};
use gongkai_core::workflow::{Event, RequestState, new_tracking_code};
use gongkai_core::{Agency, Rejection, Slug};

use super::{NewRequest, channel_of};
use crate::db::{By, Conn, Tx, json, sql};
use crate::history::REQUEST_EVENTS;
use crate::outbox::{self, Scope};
use crate::{Store, StoreError};

/// What a letter needs of the agency, read before the write transaction.
struct LetterAgency {
    agency: Agency,
    parent_name: Option<String>,
    settings: LetterSettings,
}

/// What a letter needs of the request, read inside the write transaction.
#[derive(sqlx::FromRow)]
struct LetterRequest {
    name: String,
    contact: String,
    channel_key: Option<String>,
    channel: String,
    description: String,
    delivery: String,
}

impl Store {
    async fn letter_agency(&self, slug: &Slug) -> Result<LetterAgency, StoreError> {
        let agency = self.agency(slug).await?;
        let parent_name = match &agency.parent {
            Some(p) => self.find_agency(p).await?.map(|p| p.name),
            None => None,
        };
        let settings = self.letter_settings(slug).await?;
        Ok(LetterAgency {
            agency,
            parent_name,
            settings,
        })
    }

    /// Registers a request, issues its receipt (登记回执) and returns its tracking code. When this
    /// returns, the request is committed: a tracking code is never shown for a request that could
    /// be lost.
    pub async fn register_request(
        &self,
        slug: &Slug,
        new: &NewRequest,
        by: By<'_>,
        rules: Rules<'_>,
    ) -> Result<String, StoreError> {
        self.register(slug, &[], new, by, rules).await
    }

    /// Registers a request sent with a form's submission token, once: the same token again
    /// (a refresh, a second click, a retry) files nothing and returns the first request's code;
    /// so does the same request sent again with another token (`repeat`,
    /// `core::application::Checked::repeat_key`: Back and submit, a second tab). Only hashes
    /// are kept, the repeat's keyed.
    pub async fn register_request_once(
        &self,
        slug: &Slug,
        token: &str,
        repeat: &str,
        new: &NewRequest,
        by: By<'_>,
        rules: Rules<'_>,
    ) -> Result<String, StoreError> {
        let keys = [
            gongkai_core::auth::sha256_hex(token.as_bytes()),
            self.keyed("request-repeat", repeat),
        ];
        match self.register(slug, &keys, new, by, rules).await {
            // Two servers raced on one token: the other filed it first.
            Err(StoreError::Conflict(_)) => match self.submitted(&keys).await? {
                Some(filed) => self.adopt(&keys, filed, by).await,
                None => Err(StoreError::Conflict("申请正在提交，请稍后查询".to_owned())),
            },
            other => other,
        }
    }

    /// The request `filed` (code, day of receipt), found by one of `keys`, is now found by every
    /// one of them: a new form's token sent with a known request leads to its confirmation too.
    async fn adopt(
        &self,
        keys: &[String],
        (code, received_on): (String, chrono::NaiveDate),
        by: By<'_>,
    ) -> Result<String, StoreError> {
        for key in keys {
            remember_submission(self, key, &code, received_on, by, true).await?;
        }
        Ok(code)
    }

    /// The request the first of `keys` known filed: its code and day of receipt.
    async fn submitted(
        &self,
        keys: &[String],
    ) -> Result<Option<(String, chrono::NaiveDate)>, StoreError> {
        for key in keys {
            if let Some(found) = self.submission(key).await? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// The request a submission token (by its hash) filed: its code and day of receipt.
    pub async fn submission(
        &self,
        token_hash: &str,
    ) -> Result<Option<(String, chrono::NaiveDate)>, StoreError> {
        sql("SELECT request_code, received_on FROM request_submissions WHERE token_hash = $1")
            .bind(token_hash)
            .optional(self)
            .await
    }

    async fn register(
        &self,
        slug: &Slug,
        submission: &[String],
        new: &NewRequest,
        by: By<'_>,
        rules: Rules<'_>,
    ) -> Result<String, StoreError> {
        if let Some(filed) = self.submitted(submission).await? {
            return self.adopt(submission, filed, by).await;
        }
        let agency_id = self.agency_id(slug).await?;
        let la = self.letter_agency(slug).await?;
        let code = new_tracking_code();
        let ctx = Context {
            agency: &la.agency,
            actor: &by.actor.name,
            rules,
        };
        let step = handling::register(ctx, &code, new.kind, new.received_on, new.channel);
        let audit = step.audit.clone();
        self.write(by, audit, async |tx| {
            let id: i64 = sql(
                "INSERT INTO requests (agency_id, requester_kind, received_on, created_at, tracking_code, status, state_json) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(agency_id)
            .bind(new.kind.key())
            .bind(new.received_on)
            .bind(by.now)
            .bind(&code)
            .bind(step.state.status.key())
            .bind(json(&step.state)?)
            .scalar(&mut *tx)
            .await?;
            sql("INSERT INTO request_details (request_id, channel, description, delivery, channel_key) \
                 VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(new.channel.label())
            .bind(&new.description)
            .bind(&new.delivery)
            .bind(new.channel.key())
            .execute(&mut *tx)
            .await?;
            let p = &new.requester;
            sql("INSERT INTO requesters (request_id, name, id_document, contact, address) \
                 VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(&p.name)
            .bind(&p.id_document)
            .bind(&p.contact)
            .bind(&p.address)
            .execute(&mut *tx)
            .await?;
            for key in submission {
                // The key refuses a second row: a racing duplicate rolls back whole.
                remember_submission(&mut *tx, key, &code, new.received_on, by, false).await?;
            }
            let scope = Scope::request(agency_id, id, by.actor.user_id);
            keep(tx, &la, scope, &code, &step, None, rules, by.now).await
        })
        .await?;
        Ok(code)
    }

    /// Records a step on a request: `core::handling` decides, and a refused step (or a letter that
    /// cannot be composed, e.g. no 复议机关 configured) changes nothing and says why.
    pub async fn apply_request_event(
        &self,
        slug: &Slug,
        code: &str,
        event: &Event,
        by: By<'_>,
        rules: Rules<'_>,
    ) -> Result<RequestState, StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let la = self.letter_agency(slug).await?;
        self.write_with(by, async |tx| {
            // Touch the row first: on PostgreSQL this locks it, so two steps on one request queue.
            let (id, state) = super::files::lock_request(tx, agency_id, code).await?;
            let ctx = Context {
                agency: &la.agency,
                actor: &by.actor.name,
                rules,
            };
            let step = handling::record(ctx, code, &state, event)?;
            let next = &step.state;
            sql("UPDATE requests SET status = $1, state_json = $2, decided_on = $3, outcome = $4 WHERE id = $5")
                .bind(next.status.key())
                .bind(json(next)?)
                .bind(next.decided.map(|d| d.on))
                .bind(next.decided.map(|d| d.outcome.key()))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            REQUEST_EVENTS.append(tx, id, &json(event)?, by).await?;
            let scope = Scope::request(agency_id, id, by.actor.user_id);
            keep(tx, &la, scope, code, &step, Some(event), rules, by.now).await?;
            Ok((step.state, Some(step.audit)))
        })
        .await
    }

    /// Assigns a request to a case officer (or to nobody); the officer hears of it.
    pub async fn assign_request(
        &self,
        slug: &Slug,
        code: &str,
        assignee: Option<(i64, &str)>,
        by: By<'_>,
    ) -> Result<(), StoreError> {
        let agency_id = self.agency_id(slug).await?;
        let agency = self.agency(slug).await?;
        let (notices, audit) = handling::assign(&agency, &by.actor.name, code, assignee);
        self.write(by, audit, async |tx| {
            let id: Option<i64> = sql(
                "UPDATE requests SET assignee_id = $1 WHERE agency_id = $2 AND tracking_code = $3 RETURNING id",
            )
            .bind(assignee.map(|(id, _)| id))
            .bind(agency_id)
            .bind(code)
            .scalar_opt(&mut *tx)
            .await?;
            let id = id.ok_or_else(|| StoreError::NotFound(format!("查询码为“{code}”的申请")))?;
            let scope = Scope::request(agency_id, id, by.actor.user_id);
            outbox::queue(tx, scope, &notices, by.now).await
        })
        .await
    }
}

/// Keeps what a step leads to besides the request's own row: the letter it calls for (numbered in
/// the agency's yearly series, composed by `core::letter`, with its mail to the requester) and
/// the staff notices.
#[allow(clippy::too_many_arguments, reason = "one private call per write path")]
async fn keep(
    tx: &mut Tx,
    la: &LetterAgency,
    scope: Scope,
    code: &str,
    step: &Step,
    event: Option<&Event>,
    rules: Rules<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if let Some((kind, on)) = step.letter {
        let request_id = scope.request_id.unwrap_or(-1);
        let req: LetterRequest = sql(
            "SELECT p.name, p.contact, d.channel_key, d.channel, d.description, d.delivery FROM requesters p \
             JOIN request_details d ON d.request_id = p.request_id WHERE p.request_id = $1",
        )
        .bind(request_id)
        .one(&mut *tx)
        .await?;
        let letter = issue_letter(
            tx,
            la,
            scope,
            &req,
            code,
            kind,
            on,
            &step.state,
            event,
            rules,
            now,
        )
        .await?;
        let mail = handling::letter_notice(&la.agency, code, &req.contact, &letter);
        outbox::queue(tx, scope, mail.as_slice(), now).await?;
    }
    outbox::queue(tx, scope, &step.notices, now).await
}

/// Numbers and composes a letter and keeps it, in the caller's transaction.
#[allow(
    clippy::too_many_arguments,
    reason = "the letter's facts travel together"
)]
async fn issue_letter(
    tx: &mut Tx,
    la: &LetterAgency,
    scope: Scope,
    req: &LetterRequest,
    code: &str,
    kind: LetterKind,
    on: NaiveDate,
    state: &RequestState,
    event: Option<&Event>,
    rules: Rules<'_>,
    now: DateTime<Utc>,
) -> Result<Letter, StoreError> {
    let year = on.year();
    let serial: i32 = sql(
        "INSERT INTO letter_serials (agency_id, year, last) VALUES ($1, $2, 1) \
         ON CONFLICT (agency_id, year) DO UPDATE SET last = letter_serials.last + 1 RETURNING last",
    )
    .bind(scope.agency_id)
    .bind(year)
    .scalar(&mut *tx)
    .await?;
    let facts = LetterFacts {
        agency_name: &la.agency.name,
        agency_kind: la.agency.kind,
        parent_name: la.parent_name.as_deref(),
        remedy: &la.settings,
        requester_name: &req.name,
        organisation: state.requester.is_organisation(),
        channel: channel_of(req.channel_key.as_deref(), &req.channel),
        description: &req.description,
        delivery: &req.delivery,
        code,
        state,
    };
    let mut letter = compose(
        kind,
        &facts,
        event,
        on,
        u32::try_from(serial).unwrap_or(1),
        rules.calendar,
        rules.periods,
    )
    .map_err(Rejection::from)?;
    if let (LetterKind::Decision, Some(decided), Some(request_id)) =
        (kind, state.decided, scope.request_id)
    {
        let files = super::files::reply_file_names(tx, request_id).await?;
        letter.list_files(decided.outcome, &files)?;
    }
    sql("INSERT INTO letters (agency_id, request_id, year, serial, kind, issued_on, letter_json, created_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
    .bind(scope.agency_id)
    .bind(scope.request_id)
    .bind(year)
    .bind(serial)
    .bind(letter.kind.key())
    .bind(on)
    .bind(json(&letter)?)
    .bind(now.timestamp_millis())
    .execute(&mut *tx)
    .await?;
    Ok(letter)
}

/// Keeps `key` (a token's hash, a repeat's keyed hash) as leading to the request `code`. A key
/// already kept is refused as a conflict, unless `known_ok` (the request was found by another of
/// its keys, and this one may already be there).
async fn remember_submission<'c>(
    on: impl Into<Conn<'c>>,
    key: &str,
    code: &str,
    received_on: chrono::NaiveDate,
    by: By<'_>,
    known_ok: bool,
) -> Result<(), StoreError> {
    let statement = if known_ok {
        "INSERT INTO request_submissions (token_hash, request_code, received_on, created_ms) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (token_hash) DO NOTHING"
    } else {
        "INSERT INTO request_submissions (token_hash, request_code, received_on, created_ms) \
         VALUES ($1, $2, $3, $4)"
    };
    sql(statement)
        .bind(key)
        .bind(code)
        .bind(received_on)
        .bind(by.ms())
        .execute(on)
        .await
        .map_err(|e| StoreError::conflict_as(e, || "这份申请已经提交".to_owned()))?;
    Ok(())
}

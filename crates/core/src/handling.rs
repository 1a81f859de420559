//! Handling a request for disclosure (依申请公开), one decision per step. Each function takes the
//! request as it stands and what the person did, and returns everything that follows from it as
//! data ([`Step`]): the next state, the letter the step calls for, who is to hear of it and the
//! audit record. The store keeps all of it in one transaction; it decides nothing.

use chrono::NaiveDate;

use crate::audit::Entry;
use crate::deadline::Rules;
use crate::letter::{Letter, LetterKind};
use crate::notice::{Message, Notice, Recipient};
use crate::workflow::{Event, RequestState};
use crate::{Agency, Channel, Rejection, RequesterKind};

/// Who acts, for whom, under which calendar.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The agency handling the request.
    pub agency: &'a Agency,
    /// The acting person's name as the audit trail records it.
    pub actor: &'a str,
    /// The working-day rules.
    pub rules: Rules<'a>,
}

/// Everything one step leads to.
#[derive(Debug, Clone)]
pub struct Step {
    /// The request after the step.
    pub state: RequestState,
    /// The letter to issue, of this kind, dated that day.
    pub letter: Option<(LetterKind, NaiveDate)>,
    /// Who is to hear of it (staff; the requester hears through [`letter_notice`]).
    pub notices: Vec<Notice>,
    /// The audit record.
    pub audit: Entry,
}

/// Registers a request received on `received_on` through `channel`: its receipt (登记回执) is
/// issued that day and the agency's case officers hear of it.
pub fn register(
    ctx: Context<'_>,
    code: &str,
    kind: RequesterKind,
    received_on: NaiveDate,
    channel: Channel,
) -> Step {
    let state = RequestState::new(kind, received_on);
    let due = state.due(ctx.rules.calendar, ctx.rules.periods, received_on);
    let slug = ctx.agency.slug.as_str();
    Step {
        letter: Some((LetterKind::Receipt, received_on)),
        notices: vec![Notice {
            to: Recipient::CaseOfficers,
            message: Message::RequestArrived {
                agency: ctx.agency.name.clone(),
                slug: slug.to_owned(),
                code: code.to_owned(),
                received_on,
                channel: channel.label().to_owned(),
                requester_kind: kind.label().to_owned(),
                due,
            },
        }],
        audit: Entry::new(
            Some(slug),
            "request.register",
            format!("request:{code}"),
            format!(
                "{received_on} 收到申请（{}，{}）",
                kind.label(),
                channel.label()
            ),
        ),
        state,
    }
}

/// Records `event` on a request: refused with the rules' reason, or the next state, the letter
/// the step calls for (补正告知书, 延期答复告知书, 答复书 …) and a word to the assigned officer.
pub fn record(
    ctx: Context<'_>,
    code: &str,
    state: &RequestState,
    event: &Event,
) -> Result<Step, Rejection> {
    let next = state.apply_on(event, ctx.rules.calendar, ctx.rules.periods)?;
    let slug = ctx.agency.slug.as_str();
    Ok(Step {
        letter: LetterKind::for_event(event).map(|k| (k, event.on())),
        notices: vec![Notice {
            to: Recipient::Assignee,
            message: Message::RequestStep {
                agency: ctx.agency.name.clone(),
                slug: slug.to_owned(),
                code: code.to_owned(),
                status: next.status.label().to_owned(),
                step: event.summary(),
                actor: ctx.actor.to_owned(),
            },
        }],
        audit: Entry::new(
            Some(slug),
            event.key(),
            format!("request:{code}"),
            event.summary(),
        ),
        state: next,
    })
}

/// Assigns a request to a case officer (`None`: to nobody); the officer hears of it.
pub fn assign(
    agency: &Agency,
    actor: &str,
    code: &str,
    assignee: Option<(i64, &str)>,
) -> (Vec<Notice>, Entry) {
    let slug = agency.slug.as_str();
    let notices = assignee
        .map(|(id, _)| Notice {
            to: Recipient::User(id),
            message: Message::RequestAssigned {
                slug: slug.to_owned(),
                code: code.to_owned(),
                actor: actor.to_owned(),
            },
        })
        .into_iter()
        .collect();
    let audit = Entry::new(
        Some(slug),
        "request.assign",
        format!("request:{code}"),
        assignee.map_or_else(
            || "取消指派经办人".to_owned(),
            |(_, name)| format!("指派经办人：{name}"),
        ),
    );
    (notices, audit)
}

/// The mail that brings an issued letter to the requester, when the contact they gave is an
/// e-mail address (the sealed letter is downloaded from the tracking page).
pub fn letter_notice(
    agency: &Agency,
    code: &str,
    contact: &str,
    letter: &Letter,
) -> Option<Notice> {
    Notice::to_contact(
        contact,
        Message::LetterIssued {
            agency: agency.name.clone(),
            code: code.to_owned(),
            letter: letter.clone(),
        },
    )
}

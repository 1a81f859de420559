//! Mail the rules call for, as data. A step of the workflow says who is to hear of it and what
//! happened ([`Notice`]); the store keeps it in the outbox in the step's own transaction, and the
//! mail task renders it from its template (`docs`' `templates/mail/`) when it sends it. No mail
//! text is written in Rust.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::letter::Letter;

/// Who is to hear of a step. Role-based recipients never include the person who took the step:
/// nobody needs mail about their own action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// One address given by a member of the public (the requester, a message's writer).
    Address(String),
    /// The agency's active case officers with an address.
    CaseOfficers,
    /// The request's assigned case officer, if any.
    Assignee,
    /// One member of staff.
    User(i64),
}

/// What happened, with what the mail says about it. The variant names its template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "template", rename_all = "snake_case")]
pub enum Message {
    /// To case officers: a request arrived. No personal data of the requester.
    RequestArrived {
        /// The agency's name.
        agency: String,
        /// Its slug, for the link.
        slug: String,
        /// Tracking code.
        code: String,
        /// 收到申请之日.
        received_on: NaiveDate,
        /// The channel, in Chinese.
        channel: String,
        /// The requester's kind, in Chinese.
        requester_kind: String,
        /// The answer's due date, if known.
        due: Option<NaiveDate>,
    },
    /// To the assigned officer: someone else recorded a step.
    RequestStep {
        /// The agency's name.
        agency: String,
        /// Its slug, for the link.
        slug: String,
        /// Tracking code.
        code: String,
        /// The status after the step, in Chinese.
        status: String,
        /// The step, in Chinese.
        step: String,
        /// Who took it.
        actor: String,
    },
    /// To a case officer: a request was assigned to them.
    RequestAssigned {
        /// The agency's slug, for the link.
        slug: String,
        /// Tracking code.
        code: String,
        /// Who assigned it.
        actor: String,
    },
    /// To the requester: a letter was issued; the mail carries its text.
    LetterIssued {
        /// The agency's name.
        agency: String,
        /// Tracking code.
        code: String,
        /// The letter as issued.
        letter: Letter,
    },
    /// To case officers: an enquiry or complaint arrived.
    MessageArrived {
        /// 咨询 or 投诉.
        kind: String,
        /// The agency's slug, for the link.
        slug: String,
        /// Tracking code.
        code: String,
        /// Its subject.
        subject: String,
    },
    /// To a member of staff: sign-in to their account failed many times (someone may be
    /// guessing the password). Says how to respond; never which address tried.
    SignInFailures {
        /// The account's login name.
        username: String,
        /// Failures within the window.
        failures: i64,
        /// The window, in minutes.
        minutes: i64,
    },
    /// To the writer: the reply.
    MessageReplied {
        /// 咨询 or 投诉.
        kind: String,
        /// Tracking code.
        code: String,
        /// Its subject.
        subject: String,
        /// The reply.
        reply: String,
    },
}

impl Message {
    /// The template's name.
    pub fn template(&self) -> &'static str {
        match self {
            Self::RequestArrived { .. } => "request_arrived",
            Self::RequestStep { .. } => "request_step",
            Self::RequestAssigned { .. } => "request_assigned",
            Self::LetterIssued { .. } => "letter_issued",
            Self::MessageArrived { .. } => "message_arrived",
            Self::MessageReplied { .. } => "message_replied",
            Self::SignInFailures { .. } => "sign_in_failures",
        }
    }
}

/// What a queued mail says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// A notice, rendered from its template when sent.
    Notice(Message),
    /// A mail queued before notices were kept as data: its text as written then.
    Text {
        /// Subject.
        subject: String,
        /// Plain-text body.
        body: String,
    },
}

/// One mail to send: to whom, and what about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Who.
    pub to: Recipient,
    /// What.
    pub message: Message,
}

impl Notice {
    /// A notice to a contact given by the public, when it is an e-mail address (others are
    /// reached by post or telephone, outside gongkai).
    pub fn to_contact(contact: &str, message: Message) -> Option<Self> {
        crate::intake::email_address(contact).map(|a| Self {
            to: Recipient::Address(a.to_owned()),
            message,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_email_contact_is_written_to() {
        let m = Message::RequestAssigned {
            slug: "x".into(),
            code: "C".into(),
            actor: "A".into(),
        };
        assert!(Notice::to_contact("13800138000", m.clone()).is_none());
        let n = Notice::to_contact(" a@b.cn ", m).unwrap();
        assert_eq!(n.to, Recipient::Address("a@b.cn".into()));
    }

    #[test]
    fn every_message_names_its_template_as_it_is_stored() {
        let m = Message::MessageReplied {
            kind: "咨询".into(),
            code: "C".into(),
            subject: "S".into(),
            reply: "R".into(),
        };
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["template"], m.template());
    }
}

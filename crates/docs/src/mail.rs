//! Mail as people read it: a notice ([`gongkai_core::notice::Message`]) rendered from its
//! templates (`templates/mail/<name>.subject.txt` and `.body.txt`). The outbox keeps notices as
//! data; the mail task renders them here when it sends them.

use gongkai_core::letter::chinese_date;
use gongkai_core::notice::{Content, Message};
use minijinja::Value;
use minijinja::value::Serde;

use crate::{RenderError, TEMPLATES};

/// A mail ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// What a queued mail says, as sent: a notice rendered from its templates, or the text of a mail
/// queued before notices were kept as data.
pub fn text(content: &Content) -> Result<Mail, RenderError> {
    match content {
        Content::Notice(message) => render(message),
        Content::Text { subject, body } => Ok(Mail {
            subject: subject.clone(),
            body: body.clone(),
        }),
    }
}

/// Renders a notice.
pub fn render(message: &Message) -> Result<Mail, RenderError> {
    let name = message.template();
    let mut ctx = Value::from(Serde(message));
    if let Message::LetterIssued { letter, .. } = message {
        ctx = minijinja::context! {
            short => letter.kind.short(),
            date => chinese_date(letter.date),
            ..Value::from(Serde(message))
        };
    }
    let subject = TEMPLATES
        .get_template(&format!("mail/{name}.subject.txt"))?
        .render(&ctx)?;
    let body = TEMPLATES
        .get_template(&format!("mail/{name}.body.txt"))?
        .render(&ctx)?;
    Ok(Mail {
        subject: subject.trim().to_owned(),
        body,
    })
}

#[cfg(test)]
mod tests {
    use gongkai_core::letter::{Letter, LetterKind};

    use super::*;

    #[test]
    fn a_letter_mail_carries_the_letter_and_where_to_get_the_sealed_copy() {
        let letter = Letter {
            kind: LetterKind::Decision,
            title: "沂源县西里镇人民政府政府信息公开申请答复书".into(),
            number: "西里镇依申公〔2025〕3号-复".into(),
            addressee: "王五".into(),
            paragraphs: vec!["您的申请收悉。".into(), "现答复如下。".into()],
            remedies: Some("如不服……".into()),
            signatory: "沂源县西里镇人民政府".into(),
            date: "2025-03-05".parse().unwrap(),
        };
        let m = render(&Message::LetterIssued {
            agency: "沂源县西里镇人民政府".into(),
            code: "ABCD".into(),
            letter,
        })
        .unwrap();
        assert_eq!(m.subject, "沂源县西里镇人民政府：答复书（查询码 ABCD）");
        for part in [
            "西里镇依申公〔2025〕3号-复",
            "王五：",
            "    现答复如下。",
            "    如不服……",
            "2025年3月5日",
            "申请查询页面下载",
        ] {
            assert!(m.body.contains(part), "{part} in {}", m.body);
        }
    }

    #[test]
    fn every_notice_has_both_templates() {
        let arrived = Message::RequestArrived {
            agency: "A".into(),
            slug: "a".into(),
            code: "C".into(),
            received_on: "2025-03-05".parse().unwrap(),
            channel: "网上申请".into(),
            requester_kind: "自然人".into(),
            due: None,
        };
        let messages = [
            arrived.clone(),
            Message::RequestStep {
                agency: "A".into(),
                slug: "a".into(),
                code: "C".into(),
                status: "办理中".into(),
                step: "受理".into(),
                actor: "甲".into(),
            },
            Message::RequestAssigned {
                slug: "a".into(),
                code: "C".into(),
                actor: "甲".into(),
            },
            Message::MessageArrived {
                kind: "咨询".into(),
                slug: "a".into(),
                code: "C".into(),
                subject: "S".into(),
            },
            Message::MessageReplied {
                kind: "咨询".into(),
                code: "C".into(),
                subject: "S".into(),
                reply: "R".into(),
            },
        ];
        for m in messages {
            let mail = render(&m).unwrap();
            assert!(mail.subject.contains('C'), "{mail:?}");
            assert!(!mail.body.is_empty());
        }
        let failures = render(&Message::SignInFailures {
            username: "wang".into(),
            failures: 5,
            minutes: 60,
        })
        .unwrap();
        assert!(failures.subject.contains("wang"), "{failures:?}");
        assert!(failures.body.contains("60分钟内") && failures.body.contains("5次"));
        let arrived = render(&arrived).unwrap();
        assert!(arrived.body.contains("答复期限 待定"), "{}", arrived.body);
    }
}

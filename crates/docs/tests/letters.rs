//! Reply letters for every outcome that withholds or refuses (（二）部分公开, （三）1–8, （四）1–3,
//! （五）1–5, （六）3), as HTML and as Word: each says the officer's reasons and the article it rests
//! on, and none ends a sentence twice. The full text of each is a golden file.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on unexpected input"
)]

use chrono::NaiveDate;
use gongkai_core::calendar::Calendar;
use gongkai_core::deadline::Periods;
use gongkai_core::letter::{Letter, LetterFacts, LetterKind, LetterSettings, compose};
use gongkai_core::workflow::{Event, RequestState};
use gongkai_core::{AgencyKind, Channel, DecisionDetails, Outcome, OutcomeGroup, RequesterKind};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn letter(outcome: Outcome) -> Letter {
    let details = DecisionDetails {
        reasons: "所申请信息为本机关在履行行政管理职能过程中形成的内部工作流程信息。".into(),
        provided: "2024年度低保资金发放总额及户数（见附件）。".into(),
        withheld: "“各户姓名、身份证号码和银行账号（西里村部分）。”".into(),
        withheld_ground: (outcome == Outcome::PartlyDisclosed)
            .then_some(Outcome::WithheldThirdParty),
        other_basis: match outcome {
            Outcome::WithheldThirdParty => "《中华人民共和国个人信息保护法》第二十五条".into(),
            Outcome::OtherOther => "《中华人民共和国政府信息公开条例》第四十五条".into(),
            _ => String::new(),
        },
        referral: "沂源县民政局（电话0533-3221000）".into(),
    };
    let on = d("2025-03-20");
    let event = Event::Decide {
        on,
        outcome,
        details,
    };
    let mut state = RequestState::new(RequesterKind::NaturalPerson, d("2025-03-03"));
    if outcome == Outcome::UnavailableStillUnclear {
        // Only a request still unclear after 补正 ends so.
        for step in [
            Event::RequestClarification {
                on: d("2025-03-05"),
                items: "请写明所需信息的年度。".into(),
            },
            Event::Clarified {
                on: d("2025-03-10"),
            },
        ] {
            state = state.apply(&step).unwrap();
        }
    }
    let state = state.apply(&event).unwrap();
    let remedy = LetterSettings::default();
    let facts = LetterFacts {
        agency_name: "沂源县西里镇人民政府",
        agency_kind: AgencyKind::Town,
        parent_name: Some("沂源县人民政府"),
        remedy: &remedy,
        requester_name: "张三",
        organisation: false,
        channel: Channel::Online,
        description: "2024年西里镇低保资金发放名单",
        delivery: "电子邮件",
        code: "ABCDEFGH2345",
        state: &state,
    };
    compose(
        LetterKind::Decision,
        &facts,
        Some(&event),
        on,
        7,
        &Calendar::built_in(),
        Periods::default(),
    )
    .unwrap()
}

/// The text of a Word document's body, paragraph by paragraph.
fn docx_text(bytes: &[u8]) -> String {
    gongkai_docs::parse::docx_to_text(bytes).unwrap()
}

#[test]
fn every_refusal_letter_gives_its_reasons_and_its_article() {
    let refusing: Vec<Outcome> = Outcome::ALL
        .into_iter()
        .filter(|o| {
            matches!(
                o.group(),
                OutcomeGroup::PartlyDisclosed
                    | OutcomeGroup::Withheld
                    | OutcomeGroup::Unavailable
                    | OutcomeGroup::NotProcessed
            ) || *o == Outcome::OtherOther
        })
        .collect();
    assert_eq!(refusing.len(), 18);
    for outcome in refusing {
        let l = letter(outcome);
        let html = gongkai_docs::letter_html(&l).unwrap();
        let word = docx_text(&gongkai_docs::letter_docx(&l).unwrap());
        let article = if outcome == Outcome::OtherOther {
            "第四十五条".to_owned()
        } else {
            outcome.legal_basis().split('；').next().unwrap().to_owned()
        };
        for (form, text) in [("html", &html), ("docx", &word)] {
            assert!(
                text.contains("内部工作流程信息"),
                "{outcome:?} {form}: the reasons are printed"
            );
            assert!(
                text.contains(&article),
                "{outcome:?} {form}: cites {article}"
            );
            for doubled in ["。。", "。”。", "，。", "；。"] {
                assert!(!text.contains(doubled), "{outcome:?} {form}: {doubled}");
            }
        }
        insta::assert_snapshot!(format!("decision_{}_docx", outcome.key()), word);
        insta::assert_snapshot!(
            format!("decision_{}_paragraphs", outcome.key()),
            l.paragraphs.join("\n\n")
        );
    }
}

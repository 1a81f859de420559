//! What a request for government information must hold (条例 第二十九条): who asks and how to reach
//! them, a description of the information wanted, and the form in which to receive it. The
//! portal's form, the API and the staff registration form all check a request here, so they refuse
//! the same things with the same words.

use crate::request::RequesterKind;

/// The forms in which an applicant may ask to receive the information (第二十九条第（三）项).
pub const DELIVERY: [&str; 4] = ["纸质文本", "电子邮件", "电子数据拷贝", "现场查阅"];

/// A request as the applicant wrote it, field by field (nothing checked yet).
#[derive(Debug, Clone, Copy, Default)]
pub struct Application<'a> {
    /// Requester kind key (`natural_person`, …).
    pub kind: &'a str,
    /// Name, or the organisation's name.
    pub name: &'a str,
    /// Identity document number, or 统一社会信用代码.
    pub id_document: &'a str,
    /// Telephone or e-mail.
    pub contact: &'a str,
    /// Postal address.
    pub address: &'a str,
    /// The information wanted: title, 文号 or other identifying features.
    pub description: &'a str,
    /// One of [`DELIVERY`].
    pub delivery: &'a str,
}

/// Who asks, as a request keeps it (personal data: never shown on public pages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicant {
    /// Name, or the organisation's name.
    pub name: String,
    /// Identity document number, or 统一社会信用代码.
    pub id_document: String,
    /// Telephone or e-mail.
    pub contact: String,
    /// Postal address.
    pub address: String,
}

/// A request that holds everything 第二十九条 asks for, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The requester's kind (it decides the report row and the fee rules).
    pub kind: RequesterKind,
    /// Who asks.
    pub applicant: Applicant,
    /// The information wanted.
    pub description: String,
    /// The form of delivery, one of [`DELIVERY`].
    pub delivery: String,
}

impl Checked {
    /// What makes a request sent again the same request: one agency, one day, the same
    /// requester asking for the same information in the same form. A citizen who goes Back and
    /// submits again, or sends the form from a second tab, files once; the same request on
    /// another day is a new one (and may be answered as a repeat under 第三十六条第（六）项).
    /// White space and letter case do not make a request different. Personal data: keep only a
    /// keyed hash of it.
    pub fn repeat_key(&self, agency: &str, day: chrono::NaiveDate) -> String {
        let fold = |s: &str| s.split_whitespace().collect::<String>().to_lowercase();
        let a = &self.applicant;
        [
            agency.to_owned(),
            day.to_string(),
            self.kind.key().to_owned(),
            fold(&a.name),
            fold(&a.id_document),
            fold(&a.contact),
            fold(&self.description),
            self.delivery.clone(),
        ]
        .join("\u{1f}")
    }
}

/// Each field's problem: the field's key and what to write instead.
pub type Problems = Vec<(&'static str, String)>;

/// The shortest postal address a letter can be sent to ("x" is not one).
const MIN_ADDRESS: usize = 5;

/// The longest each text field may be, in characters, with its name in the messages.
const TEXTS: [(&str, &str, usize); 5] = [
    ("name", "姓名或名称", 100),
    ("id_document", "身份证件号码或统一社会信用代码", 40),
    ("contact", "联系电话或电子邮箱", 100),
    ("address", "通信地址", 200),
    (
        "description",
        "所需政府信息的名称、文号或者便于查询的其他特征性描述",
        2000,
    ),
];

impl Application<'_> {
    fn text(&self, field: &str) -> &str {
        match field {
            "name" => self.name,
            "id_document" => self.id_document,
            "contact" => self.contact,
            "address" => self.address,
            _ => self.description,
        }
    }

    /// Checks every field at once, so the applicant sees every problem in one go.
    pub fn check(&self) -> Result<Checked, Problems> {
        let mut problems = crate::text::control_problems([
            ("kind", self.kind, false),
            ("name", self.name, false),
            ("id_document", self.id_document, false),
            ("contact", self.contact, false),
            ("address", self.address, false),
            ("description", self.description, true),
            ("delivery", self.delivery, false),
        ]);
        let kind = self.kind.parse::<RequesterKind>().ok();
        if kind.is_none() {
            problems.push(("kind", "请选择申请人类型。".to_owned()));
        }
        for (field, what, max) in TEXTS {
            let n = self.text(field).trim().chars().count();
            if n == 0 {
                problems.push((field, format!("请填写{what}。")));
            } else if n > max {
                problems.push((field, format!("{what}不超过{max}个字。")));
            }
        }
        // A phone number, e-mail address or postal address, kept in its normal form so tracking
        // finds it however it is typed later ("138-0013-8000" is 13800138000).
        let contact = match crate::intake::Contact::parse(self.contact) {
            Ok(c) => c.normalized().to_owned(),
            Err(why) => {
                if !self.contact.trim().is_empty() {
                    problems.push(("contact", why.message));
                }
                String::new()
            }
        };
        if self.address.trim().chars().count() < MIN_ADDRESS {
            problems.push((
                "address",
                format!(
                    "请填写可以寄达的通信地址（至少{MIN_ADDRESS}个字，如“沂源县西里镇某村12号”）。"
                ),
            ));
        }
        if !DELIVERY.contains(&self.delivery.trim()) {
            problems.push(("delivery", "请选择获取信息的方式。".to_owned()));
        }
        let id = self.id_document.trim();
        if kind == Some(RequesterKind::NaturalPerson)
            && !id.is_empty()
            && !looks_like_resident_id(id)
        {
            problems.push((
                "id_document",
                "身份证号码应为18位（最后一位可以是X）。".to_owned(),
            ));
        }
        crate::text::first_per_field(&mut problems);
        match kind {
            Some(kind) if problems.is_empty() => Ok(Checked {
                kind,
                applicant: Applicant {
                    name: self.name.trim().to_owned(),
                    id_document: id.to_owned(),
                    contact,
                    address: self.address.trim().to_owned(),
                },
                description: self.description.trim().to_owned(),
                delivery: self.delivery.trim().to_owned(),
            }),
            _ => Err(problems),
        }
    }
}

/// 18 characters: 17 digits and a digit or X — the shape of a 居民身份证号码 (the checksum is not
/// enforced: a typo there is the agency's to clarify, not a reason to refuse the request).
pub fn looks_like_resident_id(id: &str) -> bool {
    let b = id.as_bytes();
    id.is_ascii()
        && b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_sent_again_is_known_by_its_content_and_day() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let checked = |description: &str, contact: &str| {
            Application {
                kind: "natural_person",
                name: "李四",
                id_document: "37032319900101123X",
                contact,
                address: "西里镇某村",
                description,
                delivery: "电子邮件",
            }
            .check()
            .unwrap()
        };
        let first = checked("2024年低保名单", "13800000001").repeat_key("yiyuan-xili", day);
        let spaced = checked(" 2024年 低保名单", "13800000001").repeat_key("yiyuan-xili", day);
        assert_eq!(first, spaced, "white space makes no other request");
        for other in [
            checked("2024年临时救助名单", "13800000001").repeat_key("yiyuan-xili", day),
            checked("2024年低保名单", "13900000002").repeat_key("yiyuan-xili", day),
            checked("2024年低保名单", "13800000001").repeat_key("yiyuan-nanma", day),
            checked("2024年低保名单", "13800000001")
                .repeat_key("yiyuan-xili", day.succ_opt().unwrap()),
        ] {
            assert_ne!(first, other);
        }
    }

    fn complete() -> Application<'static> {
        Application {
            kind: "natural_person",
            name: " 王小明 ",
            id_document: "37032319900101123X",
            contact: "13812345678",
            address: "沂源县西里镇某村",
            description: "2024年西里镇耕地地力保护补贴发放名单",
            delivery: "电子邮件",
        }
    }

    fn fields(p: &Problems) -> Vec<&str> {
        p.iter().map(|(f, _)| *f).collect()
    }

    #[test]
    fn a_complete_request_is_kept_trimmed() {
        let c = complete().check().unwrap();
        assert_eq!(c.kind, RequesterKind::NaturalPerson);
        assert_eq!(c.applicant.name, "王小明");
        assert_eq!(c.delivery, "电子邮件");
    }

    #[test]
    fn every_missing_part_of_article_29_is_named_on_its_field() {
        let p = Application::default().check().unwrap_err();
        assert_eq!(
            fields(&p),
            [
                "kind",
                "name",
                "id_document",
                "contact",
                "address",
                "description",
                "delivery"
            ]
        );
        assert_eq!(p[1].1, "请填写姓名或名称。");
    }

    #[test]
    fn over_long_fields_and_unknown_delivery_are_refused() {
        let long = "长".repeat(101);
        let p = Application {
            name: &long,
            delivery: "传真",
            ..complete()
        }
        .check()
        .unwrap_err();
        assert_eq!(fields(&p), ["name", "delivery"]);
        assert_eq!(p[0].1, "姓名或名称不超过100个字。");
    }

    #[test]
    fn a_person_gives_an_id_card_number_and_an_organisation_its_code() {
        let p = Application {
            id_document: "12345",
            ..complete()
        }
        .check()
        .unwrap_err();
        assert_eq!(
            p,
            [(
                "id_document",
                "身份证号码应为18位（最后一位可以是X）。".to_owned()
            )]
        );
        assert!(
            Application {
                kind: "business",
                id_document: "91370323MA3C00000X",
                ..complete()
            }
            .check()
            .is_ok()
        );
    }

    #[test]
    fn a_contact_or_address_nobody_can_reach_is_refused_on_its_field() {
        let p = Application {
            contact: "x",
            address: "x",
            ..complete()
        }
        .check()
        .unwrap_err();
        assert_eq!(fields(&p), ["contact", "address"]);
        assert!(p[0].1.contains("联系方式应为电话号码"));
        assert!(p[1].1.contains("通信地址"));
        assert!(
            Application {
                contact: "wang@example.cn",
                ..complete()
            }
            .check()
            .is_ok()
        );
    }

    #[test]
    fn a_control_character_is_named_on_its_field_before_anything_else() {
        let p = Application {
            name: "王\0小明",
            description: "第一行\n第二行\u{1b}",
            ..complete()
        }
        .check()
        .unwrap_err();
        assert_eq!(fields(&p), ["name", "description"]);
        assert_eq!(p[0].1, crate::text::CONTROL_MESSAGE);
        let lines = Application {
            description: "第一行\n第二行：2024年补贴名单",
            ..complete()
        };
        assert!(
            lines.check().is_ok(),
            "line breaks are fine in a description"
        );
    }

    #[test]
    fn resident_ids_are_checked_without_panicking_on_any_input() {
        assert!(looks_like_resident_id("37032319900101123X"));
        assert!(looks_like_resident_id("370323199001011234"));
        for bad in [
            "12345",
            "3703231990010112345",
            "中中中中中中",
            "37032319900101123Y",
            "",
        ] {
            assert!(!looks_like_resident_id(bad), "{bad}");
        }
    }

    #[test]
    fn a_contact_must_be_a_phone_email_or_address_and_is_kept_normalised() {
        let p = Application {
            contact: "abc",
            ..complete()
        }
        .check()
        .unwrap_err();
        assert_eq!(fields(&p), ["contact"]);
        let c = Application {
            contact: "138-0013-8000",
            ..complete()
        }
        .check()
        .unwrap();
        assert_eq!(c.applicant.contact, "13800138000");
    }
}

//! The 政府信息公开指南 (条例 第十二条): every agency keeps one, revised as a new version with a note
//! saying what changed. Until an agency writes its own, one is generated from its data; the parts
//! that depend on where the agency sits in the tree are decided here.
//!
//! Staff edit it as a form ([`GuideFields`]): the disclosure office's particulars that 第十二条
//! names, each its own field, and the guide's other parts as rich text; the guide the portal
//! shows is rendered from them.

use serde::{Deserialize, Serialize};

use crate::Rejection;

/// The guide as a form: 第十二条's particulars of the 政府信息公开工作机构 (part 三 of the
/// skeleton in `spec/letters-guide-catalogue.md` §2.3) and the other parts as rich text (HTML).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GuideFields {
    /// 受理机构: the office's name, e.g. `西里镇党政办公室`.
    pub office: String,
    /// 办公地址.
    pub address: String,
    /// 邮政编码 (six digits).
    pub postcode: String,
    /// 办公时间.
    pub hours: String,
    /// 联系电话.
    pub phone: String,
    /// 传真号码 (`无` when the office has none).
    pub fax: String,
    /// 电子邮箱.
    pub email: String,
    /// 网上申请地址: where requests are made online.
    pub online: String,
    /// The opening paragraph (why the guide exists, what it rests on).
    pub preface: String,
    /// 一、主动公开: 信息分类, 编排体系, 获取方式, 公开时限.
    pub proactive: String,
    /// 二、依申请公开: channels, what a request holds, how it is handled, fees.
    pub on_request: String,
    /// 四、监督和救济.
    pub supervision: String,
}

/// The longest single-line field.
pub const FIELD_MAX: usize = 200;

impl GuideFields {
    /// Every problem of the form at once, each on its field, so the clerk fixes them in one go:
    /// 第十二条's particulars are required (a fax as `无` when there is none), the internet
    /// contact is an e-mail address or an online address, and the parts that carry the guide's
    /// substance (主动公开, 依申请公开) are not empty.
    pub fn problems(&self) -> Vec<Rejection> {
        let mut out = Vec::new();
        let required = [
            (
                "office",
                &self.office,
                "请填写受理机构（政府信息公开工作机构）的名称。",
            ),
            ("address", &self.address, "请填写办公地址。"),
            (
                "hours",
                &self.hours,
                "请填写办公时间，如“工作日上午8:30—12:00，下午13:30—17:30（法定节假日除外）”。",
            ),
            ("phone", &self.phone, "请填写联系电话。"),
            ("fax", &self.fax, "请填写传真号码；没有传真的写“无”。"),
        ];
        for (field, value, message) in required {
            if value.trim().is_empty() {
                out.push(Rejection::field(field, message));
            }
        }
        for (field, value) in [
            ("office", &self.office),
            ("address", &self.address),
            ("hours", &self.hours),
            ("phone", &self.phone),
            ("fax", &self.fax),
            ("email", &self.email),
            ("online", &self.online),
        ] {
            if value.chars().count() > FIELD_MAX {
                out.push(Rejection::field(
                    field,
                    format!("不能超过{FIELD_MAX}个字。"),
                ));
            }
        }
        let postcode = self.postcode.trim();
        let six_digits = postcode.len() == 6 && postcode.bytes().all(|b| b.is_ascii_digit());
        if !postcode.is_empty() && !six_digits {
            out.push(Rejection::field("postcode", "邮政编码是6位数字。"));
        }
        let email = self.email.trim();
        if !email.is_empty()
            && !email
                .split_once('@')
                .is_some_and(|(a, d)| !a.is_empty() && d.contains('.'))
        {
            out.push(Rejection::field(
                "email",
                "电子邮箱的格式不对，应如 xlzdzb@example.gov.cn。",
            ));
        }
        let online = self.online.trim();
        let address = ["https://", "http://", "/"]
            .iter()
            .any(|p| online.starts_with(p));
        if !online.is_empty() && !address {
            out.push(Rejection::field(
                "online",
                "网上申请地址应以 https:// 或 http:// 开头。",
            ));
        }
        if email.is_empty() && online.is_empty() {
            out.push(Rejection::field(
                "email",
                "条例第十二条要求写明互联网联系方式：请填写电子邮箱或网上申请地址。",
            ));
        }
        for (field, value, name) in [
            ("proactive", &self.proactive, "一、主动公开"),
            ("on_request", &self.on_request, "二、依申请公开"),
        ] {
            if value.trim().is_empty() {
                out.push(Rejection::field(field, format!("“{name}”部分不能为空。")));
            }
        }
        out
    }

    /// Every problem of a new version made from these fields: those of the fields, and a missing
    /// note saying what changed (the versions are the guide's history; see [`check_revision`]).
    pub fn revision_problems(&self, note: &str) -> Vec<Rejection> {
        let mut out = self.problems();
        if note.trim().is_empty() {
            out.push(Rejection::field(
                "note",
                "请写修订说明，如“更新联系电话”“2026年修订”。",
            ));
        }
        out
    }
}

/// Refuses a revision without a body or without a note saying what changed (the versions are
/// the guide's history, read by the public and by the oversight office).
pub fn check_revision(body: &str, note: &str) -> Result<(), crate::Rejection> {
    if body.trim().is_empty() || note.trim().is_empty() {
        Err(crate::Rejection::new("指南正文和修订说明都不能为空。"))
    } else {
        Ok(())
    }
}

/// Where the guide tells the public to complain (监督方式): the office of the agency above, when
/// it is known; a top-level agency names its superior government's office in general terms.
pub fn supervisor(has_parent: bool, parent_name: Option<&str>) -> String {
    match (has_parent, parent_name) {
        (true, Some(name)) => format!("{name}办公室"),
        (true, None) => "上一级行政机关".to_owned(),
        (false, _) => "上一级人民政府办公厅（室）".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revision_needs_its_body_and_a_note() {
        assert!(check_revision("<p>指南</p>", "更新联系电话").is_ok());
        assert!(check_revision(" ", "更新联系电话").is_err());
        assert_eq!(
            check_revision("<p>指南</p>", "").unwrap_err().message,
            "指南正文和修订说明都不能为空。"
        );
    }

    fn filled() -> GuideFields {
        GuideFields {
            office: "西里镇党政办公室".into(),
            address: "沂源县西里镇政府大院".into(),
            postcode: "256100".into(),
            hours: "工作日上午8:30—12:00".into(),
            phone: "0533-3240001".into(),
            fax: "无".into(),
            email: "xlzdzb@example.gov.cn".into(),
            online: String::new(),
            preface: String::new(),
            proactive: "<p>主动公开</p>".into(),
            on_request: "<p>依申请公开</p>".into(),
            supervision: String::new(),
        }
    }

    #[test]
    fn a_filled_guide_has_no_problems() {
        assert_eq!(filled().problems(), Vec::new());
        assert_eq!(filled().revision_problems("更新联系电话"), Vec::new());
        let unnoted: Vec<_> = filled()
            .revision_problems(" ")
            .into_iter()
            .filter_map(|r| r.field)
            .collect();
        assert_eq!(unnoted, ["note"]);
    }

    #[test]
    fn every_problem_is_named_on_its_field() {
        let fields = GuideFields {
            phone: " ".into(),
            postcode: "25610".into(),
            email: "xlzdzb".into(),
            online: "www.example.gov.cn".into(),
            proactive: String::new(),
            ..filled()
        };
        let named: Vec<&str> = fields.problems().iter().filter_map(|r| r.field).collect();
        assert_eq!(named, ["phone", "postcode", "email", "online", "proactive"]);
    }

    #[test]
    fn the_internet_contact_is_required() {
        let fields = GuideFields {
            email: String::new(),
            ..filled()
        };
        let problems = fields.problems();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].message.contains("互联网联系方式"),
            "{problems:?}"
        );
        assert!(
            GuideFields {
                email: String::new(),
                online: "https://www.yiyuan.gov.cn/".into(),
                ..filled()
            }
            .problems()
            .is_empty()
        );
    }

    #[test]
    fn complaints_go_to_the_office_above() {
        assert_eq!(
            supervisor(true, Some("沂源县人民政府")),
            "沂源县人民政府办公室"
        );
        assert_eq!(supervisor(true, None), "上一级行政机关");
        assert_eq!(supervisor(false, None), "上一级人民政府办公厅（室）");
    }
}

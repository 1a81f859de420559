//! How a request arrives and which day counts as its receipt (条例 第三十一条). The receipt day starts
//! the statutory clock, so it is never typed freely: a case officer records what happened (the day a
//! letter was signed for, the day the applicant confirmed a fax) and this module fixes the date.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The channels an application can come through (第二十九条、第三十一条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The portal's online form (互联网渠道; the system confirms at once).
    Online,
    /// Handed in at the counter (当面提交).
    Counter,
    /// 邮寄, a letter that must be signed for (挂号信、EMS).
    SignedPost,
    /// 邮寄, an ordinary letter (平常信函).
    OrdinaryPost,
    /// The disclosure office's fax.
    Fax,
    /// The disclosure office's e-mail address (互联网渠道).
    Email,
}

impl Channel {
    /// Every channel, in the order forms list them.
    pub const ALL: [Self; 6] = [
        Self::Online,
        Self::Counter,
        Self::SignedPost,
        Self::OrdinaryPost,
        Self::Fax,
        Self::Email,
    ];

    /// Channels a case officer registers (everything but the online form).
    pub const REGISTERED_BY_STAFF: [Self; 5] = [
        Self::Counter,
        Self::SignedPost,
        Self::OrdinaryPost,
        Self::Fax,
        Self::Email,
    ];

    /// Machine key.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Counter => "counter",
            Self::SignedPost => "signed_post",
            Self::OrdinaryPost => "ordinary_post",
            Self::Fax => "fax",
            Self::Email => "email",
        }
    }

    /// What a person reads.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Online => "网上申请",
            Self::Counter => "当面提交",
            Self::SignedPost => "邮寄（需签收）",
            Self::OrdinaryPost => "邮寄（平常信函）",
            Self::Fax => "传真",
            Self::Email => "电子邮件",
        }
    }

    /// Which day 第三十一条 takes as the receipt day, in the words of a receipt (登记回执).
    pub const fn receipt_rule(self) -> &'static str {
        match self {
            Self::Counter => "当面提交的，以提交之日为收到申请之日",
            Self::SignedPost => "以邮寄方式提交且需签收的，以本机关签收之日为收到申请之日",
            Self::OrdinaryPost => {
                "以平常信函等无需签收的邮寄方式提交的，以本机关与申请人确认之日为收到申请之日"
            }
            Self::Online | Self::Fax | Self::Email => {
                "通过互联网渠道或者传真提交的，以双方确认之日为收到申请之日"
            }
        }
    }

    /// Whether the receipt day is a day of confirmation with the applicant (rather than the day
    /// the application was handed in or signed for).
    pub const fn needs_confirmation(self) -> bool {
        matches!(
            self,
            Self::OrdinaryPost | Self::Online | Self::Fax | Self::Email
        )
    }

    /// What the "arrived" date means for this channel, for the registration form.
    pub const fn arrival_label(self) -> &'static str {
        match self {
            Self::Counter | Self::Online => "提交日期",
            Self::SignedPost => "签收日期",
            Self::OrdinaryPost => "收到信函日期",
            Self::Fax => "收到传真日期",
            Self::Email => "收到邮件日期",
        }
    }
}

/// The contact as an e-mail address, if it is one (mail is sent only to such contacts, and staff
/// notification addresses must be one).
pub fn email_address(contact: &str) -> Option<&str> {
    let c = contact.trim();
    let (local, domain) = c.split_once('@')?;
    let plausible = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && c.len() <= 200
        && !c.contains(char::is_whitespace);
    plausible.then_some(c)
}

/// How a member of the public can be reached: a telephone number, an e-mail address or a postal
/// address — checked when they submit, and compared in its normal form when they come back to
/// track their request ("138-0013-8000" and "13800138000" are the same number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    /// Digits only (a leading +86 dropped).
    Phone(String),
    /// Lower case.
    Email(String),
    /// White space collapsed.
    Address(String),
}

/// Characters a postal address in China names its places with.
const PLACE_MARKS: &[char] = &[
    '省', '市', '县', '区', '镇', '乡', '村', '街', '路', '道', '号', '巷', '组', '楼', '室',
];

impl Contact {
    /// Reads a contact as typed; refuses anything that is none of the three.
    pub fn parse(text: &str) -> Result<Self, crate::Rejection> {
        let t = text.trim();
        // Typed with a Chinese input method in full-width mode: "１３８００１３８０００",
        // "ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ" are the number and the address.
        let half: String = t.chars().map(crate::text::halfwidth).collect();
        let h = half.as_str();
        if let Some(email) = email_address(h) {
            return Ok(Self::Email(email.to_lowercase()));
        }
        let phone_chars = |c: char| c.is_ascii_digit() || " -()（）+－—转".contains(c);
        if !h.is_empty() && h.chars().all(phone_chars) {
            let mut digits: String = h.chars().filter(char::is_ascii_digit).collect();
            if h.starts_with('+') && digits.starts_with("86") && digits.len() > 11 {
                digits.drain(..2);
            }
            if (7..=20).contains(&digits.len()) {
                return Ok(Self::Phone(digits));
            }
        }
        let collapsed = t.split_whitespace().collect::<Vec<_>>().join(" ");
        let cjk = collapsed
            .chars()
            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .count();
        if cjk >= 6 && collapsed.contains(PLACE_MARKS) && collapsed.chars().count() <= 200 {
            return Ok(Self::Address(collapsed));
        }
        Err(crate::Rejection::field(
            "contact",
            "联系方式应为电话号码（如 13800138000 或 0533-3221000）、电子邮箱或详细通信地址。",
        ))
    }

    /// The normal form kept and compared.
    pub fn normalized(&self) -> &str {
        match self {
            Self::Phone(s) | Self::Email(s) | Self::Address(s) => s,
        }
    }

    /// Whether `given` (as typed on the tracking page) is the contact `stored` with a request.
    pub fn same(stored: &str, given: &str) -> bool {
        match (Self::parse(stored), Self::parse(given)) {
            (Ok(a), Ok(b)) => a == b,
            _ => stored.trim() == given.trim() && !given.trim().is_empty(),
        }
    }
}

/// Why a receipt day cannot be fixed. Messages are for the case officer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    /// A confirmation channel without a confirmation date.
    #[error("{}的申请，以与申请人确认之日为收到申请之日：请填写确认日期", .0.label())]
    NotConfirmed(Channel),
    /// Confirmed before it arrived.
    #[error("确认日期 {confirmed} 早于{arrived_label} {arrived}；请核对日期")]
    ConfirmedBeforeArrival {
        /// The confirmation date.
        confirmed: NaiveDate,
        /// The arrival date.
        arrived: NaiveDate,
        /// What the arrival date means.
        arrived_label: &'static str,
    },
    /// A date in the future.
    #[error("日期 {0} 晚于今天；不能登记尚未收到的申请")]
    InTheFuture(NaiveDate),
}

/// Fixes the receipt day (第三十一条) from what the case officer records: the day the application
/// arrived (handed in, signed for, received) and, for channels that need it, the day the office and
/// the applicant confirmed it. `today` guards against dates that have not happened.
pub fn receipt_date(
    channel: Channel,
    arrived_on: NaiveDate,
    confirmed_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<NaiveDate, ReceiptError> {
    if arrived_on > today {
        return Err(ReceiptError::InTheFuture(arrived_on));
    }
    if !channel.needs_confirmation() {
        return Ok(arrived_on);
    }
    let confirmed = confirmed_on.ok_or(ReceiptError::NotConfirmed(channel))?;
    if confirmed > today {
        return Err(ReceiptError::InTheFuture(confirmed));
    }
    if confirmed < arrived_on {
        return Err(ReceiptError::ConfirmedBeforeArrival {
            confirmed,
            arrived: arrived_on,
            arrived_label: channel.arrival_label(),
        });
    }
    Ok(confirmed)
}

impl crate::Refusal for ReceiptError {}

crate::request::from_key! {
    Channel => "申请渠道",
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn each_channel_fixes_the_receipt_day_of_article_31() {
        let today = d("2025-06-30");
        let arrived = d("2025-06-20");
        let confirmed = Some(d("2025-06-23"));
        assert_eq!(
            receipt_date(Channel::Counter, arrived, confirmed, today),
            Ok(arrived),
            "counter: the day it was handed in, whatever else is typed"
        );
        assert_eq!(
            receipt_date(Channel::SignedPost, arrived, None, today),
            Ok(arrived)
        );
        for c in [
            Channel::OrdinaryPost,
            Channel::Fax,
            Channel::Email,
            Channel::Online,
        ] {
            assert_eq!(
                receipt_date(c, arrived, confirmed, today),
                Ok(d("2025-06-23"))
            );
            assert_eq!(
                receipt_date(c, arrived, None, today),
                Err(ReceiptError::NotConfirmed(c))
            );
            assert!(matches!(
                receipt_date(c, arrived, Some(d("2025-06-19")), today),
                Err(ReceiptError::ConfirmedBeforeArrival { .. })
            ));
        }
        assert_eq!(
            receipt_date(Channel::Counter, d("2025-07-01"), None, today),
            Err(ReceiptError::InTheFuture(d("2025-07-01")))
        );
    }

    #[test]
    fn keys_round_trip() {
        for c in Channel::ALL {
            assert_eq!(c.key().parse::<Channel>(), Ok(c));
        }
        assert!("phone".parse::<Channel>().is_err());
    }

    #[test]
    fn a_contact_is_a_number_an_address_or_a_mailbox_in_its_normal_form() {
        assert_eq!(
            Contact::parse("138-0013-8000"),
            Ok(Contact::Phone("13800138000".into()))
        );
        assert_eq!(
            Contact::parse("+86 138 0013 8000"),
            Ok(Contact::Phone("13800138000".into()))
        );
        assert_eq!(
            Contact::parse("（0533）3221000"),
            Ok(Contact::Phone("05333221000".into()))
        );
        assert_eq!(
            Contact::parse(" Wang@Example.COM "),
            Ok(Contact::Email("wang@example.com".into()))
        );
        assert_eq!(
            Contact::parse("１３８－００１３　８０００"),
            Ok(Contact::Phone("13800138000".into())),
            "full-width, as a Chinese input method types it"
        );
        assert_eq!(
            Contact::parse("ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ"),
            Ok(Contact::Email("wang@example.cn".into()))
        );
        assert!(matches!(
            Contact::parse("山东省淄博市沂源县西里镇西里村 3 号"),
            Ok(Contact::Address(_))
        ));
        for bad in ["abc", "", "12345", "联系我", "x@y"] {
            assert!(Contact::parse(bad).is_err(), "{bad}");
        }
        assert!(Contact::same("13800138000", "138-0013-8000"));
        assert!(Contact::same("Wang@example.com", "wang@EXAMPLE.com"));
        assert!(!Contact::same("13800138000", "13800138001"));
    }
}

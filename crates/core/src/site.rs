//! The site's identity: what every public page must carry in its footer and `<head>` to pass the
//! State Council website checks (`spec/portal-conventions.md` §1.2, F-1…F-8) — the site's name and
//! domain, its 网站标识码, the ICP and 公安机关 record numbers with their links, the 党政机关网站标识,
//! the 「我为政府网站找错」 entry, the 主办/承办 units and how to reach them.
//!
//! [`SiteIdentity::check`] refuses what would break a page (an address that is not a web address,
//! a site without a name) and [`SiteIdentity::warnings`] names what a monitor would score as a
//! defect but the site may still be waiting for (a 标识码 not yet issued, an odd format): warn, do
//! not reject (F-3).

use serde::{Deserialize, Serialize};

use crate::Rejection;

/// Where an ICP record number is looked up (F-6).
pub const ICP_LOOKUP: &str = "https://beian.miit.gov.cn/";
/// The national 政府网站找错 platform, when a site has not been given its own entry yet (F-7).
pub const ZHAOCUO_HOME: &str = "https://zfwzzc.www.gov.cn/";
/// The 公安机关 record lookup, with the record's digits appended (F-5, the newer form).
pub const PSB_LOOKUP: &str = "https://beian.mps.gov.cn/#/query/webSearch?code=";

/// The identity of the site (one per installation; see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SiteIdentity {
    /// 网站名称, the site's standard name (`SiteName`).
    pub site_name: String,
    /// The site's domain, e.g. `www.yiyuan.gov.cn` (`SiteDomain`).
    pub domain: String,
    /// 网站标识码: ten digits, or `bm` and eight digits (`SiteIDCode`).
    pub site_id_code: String,
    /// ICP备案编号, e.g. `鲁ICP备05012345号-1`.
    pub icp_no: String,
    /// 公安机关备案号, e.g. `鲁公网安备 37032302000123号`.
    pub psb_no: String,
    /// The 公安机关 record's page; empty: built from the number's digits ([`PSB_LOOKUP`]).
    pub psb_link: String,
    /// The 党政机关网站标识's page (`https://bszs.conac.cn/sitename?method=show&id=…`).
    pub conac_link: String,
    /// The site's 「我为政府网站找错」 entry (`https://zfwzzc.www.gov.cn/check_web/errorInfo/jcInfo/…`).
    pub zhaocuo_url: String,
    /// 主办/承办 and how to reach them (an agency may show its own, [`SiteContact`]).
    #[serde(flatten)]
    pub contact: SiteContact,
    /// The header's logo or banner: a path on this site (an uploaded image, or one the host site
    /// serves), never another site's address (the pages' content security policy would block it).
    pub logo: String,
    /// What the logo shows, for readers who do not see it (its alternative text).
    pub logo_alt: String,
}

/// The 主办/承办 units and the contact of the office that answers the public: the site's, and
/// what an agency's own pages show instead where the agency differs (an empty field there: the
/// site's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SiteContact {
    /// 主办单位 on the agency's pages.
    pub sponsor: String,
    /// 承办单位 on the agency's pages.
    pub organizer: String,
    /// 联系电话.
    pub phone: String,
    /// 传真号码.
    pub fax: String,
    /// 电子邮箱.
    pub email: String,
    /// 通信地址.
    pub address: String,
    /// 邮政编码.
    pub postcode: String,
    /// 办公时间.
    pub office_hours: String,
}

impl SiteContact {
    /// The overrides as typed, trimmed and checked like the site's own contact fields.
    pub fn check(mut self) -> Result<Self, Vec<Rejection>> {
        for field in [
            &mut self.sponsor,
            &mut self.organizer,
            &mut self.phone,
            &mut self.fax,
            &mut self.email,
            &mut self.address,
            &mut self.postcode,
            &mut self.office_hours,
        ] {
            *field = field.trim().to_owned();
        }
        self.email = self.email.to_lowercase();
        let refused = contact_problems(&self.phone, &self.email);
        if refused.is_empty() {
            Ok(self)
        } else {
            Err(refused)
        }
    }

    /// Whether nothing differs from the site.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The refusals of a contact's telephone number and e-mail address (either may be empty).
fn contact_problems(phone: &str, email: &str) -> Vec<Rejection> {
    let mut refused = Vec::new();
    if !email.is_empty() && crate::intake::email_address(email).is_none() {
        refused.push(Rejection::field(
            "email",
            "电子邮箱的格式不正确，如 xlzzf@yiyuan.gov.cn。",
        ));
    }
    if !phone.is_empty()
        && !matches!(
            crate::intake::Contact::parse(phone),
            Ok(crate::intake::Contact::Phone(_))
        )
    {
        refused.push(Rejection::field(
            "phone",
            "联系电话应为电话号码，如 0533-3210000。",
        ));
    }
    refused
}

/// Whether `logo` may stand in an `<img src>` of every page: a path on this site, of visible
/// characters that cannot leave the attribute.
fn is_site_path(logo: &str) -> bool {
    logo.starts_with('/')
        && !logo.starts_with("//")
        && logo.len() <= 300
        && stays_in_attribute(logo)
}

/// The largest logo or banner image accepted (a header image; a larger one slows every page).
pub const LOGO_MAX_BYTES: usize = 512 * 1024;

/// Where the uploaded logos are served.
pub const LOGO_PATH: &str = "/assets/logo/";

/// An uploaded logo or banner image, checked: its type read from its bytes (PNG, JPEG, GIF or
/// WebP; never SVG, which can carry script), and its file name from its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    /// `image/png`, …
    pub content_type: &'static str,
    /// `<16 hex digits of the SHA-256>.<ext>`: a new image is a new name.
    pub name: String,
}

impl Logo {
    /// The image as uploaded, or the reason it cannot be the site's logo.
    pub fn check(bytes: &[u8]) -> Result<Self, Rejection> {
        if bytes.is_empty() {
            return Err(Rejection::field("logo_file", "请选择要上传的标志图片。"));
        }
        if bytes.len() > LOGO_MAX_BYTES {
            return Err(Rejection::field(
                "logo_file",
                "标志图片不能超过512KB，请压缩后重新上传。",
            ));
        }
        let (content_type, ext) = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            ("image/png", "png")
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            ("image/jpeg", "jpg")
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            ("image/gif", "gif")
        } else if bytes.len() > 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            ("image/webp", "webp")
        } else {
            return Err(Rejection::field(
                "logo_file",
                "标志图片应为 PNG、JPG、GIF 或 WebP 格式。",
            ));
        };
        Ok(Self {
            content_type,
            name: format!("{}.{ext}", &crate::auth::sha256_hex(bytes)[..16]),
        })
    }

    /// Where pages find it.
    pub fn path(&self) -> String {
        format!("{LOGO_PATH}{}", self.name)
    }
}

/// Whether an address has only visible characters that cannot leave an HTML attribute.
fn stays_in_attribute(url: &str) -> bool {
    !url.chars()
        .any(|c| c.is_whitespace() || c.is_control() || "\"'<>\\`".contains(c))
}

impl Default for SiteIdentity {
    fn default() -> Self {
        Self {
            site_name: "政府信息公开".to_owned(),
            domain: String::new(),
            site_id_code: String::new(),
            icp_no: String::new(),
            psb_no: String::new(),
            psb_link: String::new(),
            conac_link: String::new(),
            zhaocuo_url: String::new(),
            contact: SiteContact::default(),
            logo: String::new(),
            logo_alt: String::new(),
        }
    }
}

/// Whether `code` has a 网站标识码's form: `^(bm\d{8}|\d{10})$` (F-3).
pub fn is_site_id_code(code: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    code.strip_prefix("bm")
        .map_or_else(|| digits(code, 10), |rest| digits(rest, 8))
}

/// Whether `url` is an absolute web address a page may link to (no spaces, quotes or angle
/// brackets; `http` or `https`).
fn is_web_address(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/') && stays_in_attribute(r))
}

/// Whether `domain` is a host name (letters, digits, dots and hyphens; no scheme or path).
fn is_domain(domain: &str) -> bool {
    !domain.is_empty()
        && domain.len() <= 253
        && domain.contains('.')
        && domain
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

impl SiteIdentity {
    /// The settings as typed, trimmed, and checked: the refusals name their field. A domain is
    /// kept in lower case without a scheme or trailing slash; an e-mail address in lower case.
    pub fn check(mut self) -> Result<Self, Vec<Rejection>> {
        for field in [
            &mut self.site_name,
            &mut self.domain,
            &mut self.site_id_code,
            &mut self.icp_no,
            &mut self.psb_no,
            &mut self.psb_link,
            &mut self.conac_link,
            &mut self.zhaocuo_url,
            &mut self.logo,
            &mut self.logo_alt,
        ] {
            *field = field.trim().to_owned();
        }
        let bare = self
            .domain
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_lowercase();
        self.domain = bare;
        let mut refused = Vec::new();
        if self.site_name.is_empty() {
            refused.push(Rejection::field(
                "site_name",
                "请填写网站名称（网站的规范名称，如“沂源县人民政府”）。",
            ));
        } else if self.site_name.chars().count() > 60 {
            refused.push(Rejection::field("site_name", "网站名称不能超过60个字。"));
        }
        if !self.domain.is_empty() && !is_domain(&self.domain) {
            refused.push(Rejection::field(
                "domain",
                "网站域名应为英文域名，如 www.yiyuan.gov.cn（不含 http:// 和路径）。",
            ));
        }
        for (field, value, label) in [
            ("psb_link", &self.psb_link, "公安机关备案链接"),
            ("conac_link", &self.conac_link, "党政机关网站标识链接"),
            ("zhaocuo_url", &self.zhaocuo_url, "“我为政府网站找错”链接"),
        ] {
            if !value.is_empty() && !is_web_address(value) {
                refused.push(Rejection::field(
                    field,
                    format!("{label}应为以 https:// 或 http:// 开头的完整网址。"),
                ));
            }
        }
        match std::mem::take(&mut self.contact).check() {
            Ok(contact) => self.contact = contact,
            Err(r) => refused.extend(r),
        }
        if !self.logo.is_empty() && !is_site_path(&self.logo) {
            refused.push(Rejection::field(
                "logo",
                "标志图片应为本网站上的路径，如 /assets/logo/…（可以直接上传图片）；其他网站的图片地址会被浏览器拦截。",
            ));
        }
        if !self.logo.is_empty() && self.logo_alt.is_empty() {
            refused.push(Rejection::field(
                "logo_alt",
                "请填写标志图片的文字说明（看不到图片的读者听到的内容，如“沂源县人民政府”）。",
            ));
        }
        if refused.is_empty() {
            Ok(self)
        } else {
            Err(refused)
        }
    }

    /// What a website monitor would score as missing or malformed: the 标识码's form (F-3), and
    /// each F-1 item not yet filled. Saved anyway — a new site waits for some of them.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if !self.site_id_code.is_empty() && !is_site_id_code(&self.site_id_code) {
            w.push(format!(
                "网站标识码“{}”的格式与常见格式不符（地方政府网站为10位数字，国务院部门和垂直管理系统为 bm 加8位数字），请核对。",
                self.site_id_code
            ));
        }
        if !self.icp_no.is_empty() && !self.icp_no.contains("ICP备") {
            w.push("ICP备案编号通常写作“鲁ICP备05012345号”，请核对。".to_owned());
        }
        if !self.psb_no.is_empty() && self.psb_digits().is_none() {
            w.push(
                "公安机关备案号通常写作“鲁公网安备 37032302000123号”（含14位数字），请核对。"
                    .to_owned(),
            );
        }
        for (missing, label) in [
            (self.domain.is_empty(), "网站域名"),
            (self.site_id_code.is_empty(), "网站标识码"),
            (self.icp_no.is_empty(), "ICP备案编号"),
            (self.psb_no.is_empty(), "公安机关备案号"),
            (self.conac_link.is_empty(), "党政机关网站标识链接"),
            (self.zhaocuo_url.is_empty(), "“我为政府网站找错”链接"),
            (self.contact.sponsor.is_empty(), "主办单位"),
            (
                self.contact.phone.is_empty() && self.contact.email.is_empty(),
                "联系方式",
            ),
        ] {
            if missing {
                w.push(format!(
                    "尚未填写{label}：政府网站检查要求每个页面底部列明此项，缺少会被记为问题。"
                ));
            }
        }
        w
    }

    /// The 14 digits of the 公安机关 record number, when it has them.
    pub fn psb_digits(&self) -> Option<String> {
        let digits: String = self.psb_no.chars().filter(char::is_ascii_digit).collect();
        (digits.len() == 14).then_some(digits)
    }

    /// The page the 公安机关 record number links to: the one set, else the national lookup of its
    /// digits (F-5); `None` when neither is known.
    pub fn psb_href(&self) -> Option<String> {
        if self.psb_link.is_empty() {
            self.psb_digits().map(|d| format!("{PSB_LOOKUP}{d}"))
        } else {
            Some(self.psb_link.clone())
        }
    }

    /// The identity an agency's own pages carry: the site's, with what the agency set of its own
    /// (主办/承办 and contact) in place of the site's.
    #[must_use]
    pub fn for_agency(&self, own: &SiteContact) -> Self {
        let mut site = self.clone();
        let c = &mut site.contact;
        for (field, value) in [
            (&mut c.sponsor, &own.sponsor),
            (&mut c.organizer, &own.organizer),
            (&mut c.phone, &own.phone),
            (&mut c.fax, &own.fax),
            (&mut c.email, &own.email),
            (&mut c.address, &own.address),
            (&mut c.postcode, &own.postcode),
            (&mut c.office_hours, &own.office_hours),
        ] {
            if !value.is_empty() {
                field.clone_from(value);
            }
        }
        site
    }

    /// Where 「我为政府网站找错」 leads: the site's own entry, else the national platform (F-7).
    pub fn zhaocuo_href(&self) -> &str {
        if self.zhaocuo_url.is_empty() {
            ZHAOCUO_HOME
        } else {
            &self.zhaocuo_url
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> SiteIdentity {
        SiteIdentity {
            site_name: "沂源县人民政府".into(),
            domain: "www.yiyuan.gov.cn".into(),
            site_id_code: "3703230001".into(),
            icp_no: "鲁ICP备05012345号-1".into(),
            psb_no: "鲁公网安备 37032302000123号".into(),
            conac_link: "https://bszs.conac.cn/sitename?method=show&id=1".into(),
            zhaocuo_url: "https://zfwzzc.www.gov.cn/check_web/errorInfo/jcInfo/1".into(),
            contact: SiteContact {
                sponsor: "沂源县人民政府办公室".into(),
                phone: "0533-3210000".into(),
                ..SiteContact::default()
            },
            ..SiteIdentity::default()
        }
    }

    #[test]
    fn a_site_id_code_is_ten_digits_or_bm_and_eight() {
        assert!(is_site_id_code("3703230001"));
        assert!(is_site_id_code("bm01000001"));
        for bad in [
            "370323000",
            "37032300011",
            "bm0100000",
            "BM01000001",
            "bm0100000a",
            "",
        ] {
            assert!(!is_site_id_code(bad), "{bad}");
        }
    }

    #[test]
    fn an_odd_site_id_code_is_warned_about_not_refused() {
        let site = SiteIdentity {
            site_id_code: "37-03".into(),
            ..filled()
        }
        .check()
        .unwrap();
        assert!(site.warnings().iter().any(|w| w.contains("37-03")));
        assert!(filled().check().unwrap().warnings().is_empty());
    }

    #[test]
    fn every_missing_footer_item_is_named() {
        let w = SiteIdentity::default().warnings();
        for label in [
            "网站标识码",
            "ICP备案编号",
            "公安机关备案号",
            "主办单位",
            "联系方式",
        ] {
            assert!(w.iter().any(|x| x.contains(label)), "{label}: {w:?}");
        }
    }

    #[test]
    fn an_agency_shows_its_own_sponsor_and_contact_and_the_sites_identity() {
        let own = SiteContact {
            sponsor: "沂源县西里镇人民政府".into(),
            phone: " 0533-3481001 ".into(),
            ..SiteContact::default()
        }
        .check()
        .unwrap();
        let page = filled().for_agency(&own);
        assert_eq!(page.contact.sponsor, "沂源县西里镇人民政府");
        assert_eq!(page.contact.phone, "0533-3481001");
        // What the agency left empty is the site's; the identity is always the site's.
        assert_eq!(page.site_id_code, "3703230001");
        assert_eq!(page.contact.organizer, filled().contact.organizer);
        assert_eq!(filled().for_agency(&SiteContact::default()), filled());
        let refused = SiteContact {
            phone: "abc".into(),
            email: "not-mail".into(),
            ..SiteContact::default()
        }
        .check()
        .unwrap_err();
        let fields: Vec<_> = refused.iter().filter_map(|r| r.field).collect();
        assert_eq!(fields, ["email", "phone"]);
    }

    #[test]
    fn an_uploaded_logo_is_an_image_named_by_its_digest() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let logo = Logo::check(png).unwrap();
        assert_eq!(logo.content_type, "image/png");
        assert!(
            logo.name.len() == 20 && &logo.name[16..] == ".png",
            "{}",
            logo.name
        );
        assert!(logo.path().starts_with(LOGO_PATH));
        assert_ne!(Logo::check(b"GIF89a\x01").unwrap().name, logo.name);
        for bad in [
            &b""[..],
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>",
            b"plain text",
        ] {
            assert_eq!(Logo::check(bad).unwrap_err().field, Some("logo_file"));
        }
        let big = [&b"\x89PNG\r\n\x1a\n"[..], &vec![0u8; LOGO_MAX_BYTES]].concat();
        assert!(Logo::check(&big).unwrap_err().message.contains("512KB"));
    }

    #[test]
    fn a_logo_is_a_path_on_this_site_with_its_text() {
        let with = |logo: &str, alt: &str| {
            SiteIdentity {
                logo: logo.into(),
                logo_alt: alt.into(),
                ..filled()
            }
            .check()
        };
        assert!(with("/assets/logo/ab12.png", "沂源县人民政府").is_ok());
        for bad in [
            "https://other.example/logo.png",
            "//other.example/logo.png",
            "/a\"onerror=\"x",
            "javascript:alert(1)",
        ] {
            let refused = with(bad, "标志").unwrap_err();
            assert_eq!(refused[0].field, Some("logo"), "{bad}");
        }
        let refused = with("/assets/logo/ab12.png", " ").unwrap_err();
        assert_eq!(refused[0].field, Some("logo_alt"));
    }

    #[test]
    fn addresses_that_are_not_web_addresses_are_refused_by_field() {
        let refused = SiteIdentity {
            conac_link: "javascript:alert(1)".into(),
            zhaocuo_url: "https://x.gov.cn/\"onmouseover=".into(),
            domain: "http://WWW.Yiyuan.gov.cn/".into(),
            ..filled()
        }
        .check()
        .unwrap_err();
        let fields: Vec<_> = refused.iter().filter_map(|r| r.field).collect();
        assert_eq!(fields, ["conac_link", "zhaocuo_url"]);
    }

    #[test]
    fn the_domain_is_kept_bare_and_lower_case() {
        let site = SiteIdentity {
            domain: " https://WWW.Yiyuan.gov.cn/ ".into(),
            ..filled()
        }
        .check()
        .unwrap();
        assert_eq!(site.domain, "www.yiyuan.gov.cn");
        let refused = SiteIdentity {
            domain: "www.yiyuan.gov.cn/path".into(),
            ..filled()
        }
        .check()
        .unwrap_err();
        assert_eq!(refused[0].field, Some("domain"));
    }

    #[test]
    fn a_site_needs_a_name_and_a_phone_that_is_a_phone() {
        let refused = SiteIdentity {
            site_name: " ".into(),
            contact: SiteContact {
                phone: "abc".into(),
                ..filled().contact
            },
            ..filled()
        }
        .check()
        .unwrap_err();
        let fields: Vec<_> = refused.iter().filter_map(|r| r.field).collect();
        assert_eq!(fields, ["site_name", "phone"]);
    }

    #[test]
    fn the_psb_link_is_built_from_the_record_digits_unless_set() {
        let site = filled();
        assert_eq!(
            site.psb_href().unwrap(),
            "https://beian.mps.gov.cn/#/query/webSearch?code=37032302000123"
        );
        let own = SiteIdentity {
            psb_link: "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=1".into(),
            ..filled()
        };
        assert!(own.psb_href().unwrap().contains("recordcode=1"));
        assert_eq!(SiteIdentity::default().psb_href(), None);
        assert_eq!(SiteIdentity::default().zhaocuo_href(), ZHAOCUO_HOME);
    }
}

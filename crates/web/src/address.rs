//! The site's addresses as the portal writes them: its origin in absolute addresses (sitemaps,
//! feeds, robots.txt), from the operator's `--public-url` or else the request, and the one
//! spelling of a path (an encoded letter is the letter).

use axum::http::{HeaderMap, header};

use crate::AppState;

/// The origin (`scheme://host[:port]`) of a public address as an operator gives it
/// (`--public-url`): http or https, a host, nothing after it but one `/`. Read as a browser reads
/// an address (`url`, the WHATWG parser): a Chinese domain (`政务公开.中国`) becomes its
/// punycode, the scheme's own port is dropped (`:443`), a port past 65535 or an IPv4 address
/// past 255 is refused. Said in Chinese, with what to write instead, when it is not one.
pub fn public_origin(given: &str) -> Result<String, String> {
    let given = given.trim();
    let wrong = |why: &str| {
        format!(
            "网站公开地址“{given}”{why}：请写成 https://gk.example.gov.cn 这样的形式（协议加域名，可带端口，不带路径）"
        )
    };
    if !given.contains("://") {
        return Err(wrong("缺少协议（http:// 或 https://）"));
    }
    let url = url::Url::parse(given).map_err(|e| {
        wrong(match e {
            url::ParseError::InvalidPort => "的端口无法识别（应为 1–65535）",
            url::ParseError::IdnaError => "的中文域名无法转换",
            url::ParseError::InvalidIpv4Address | url::ParseError::InvalidIpv6Address => {
                "的 IP 地址无法识别"
            }
            _ => "无法识别",
        })
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(wrong("的协议只能是 http 或 https"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(wrong("带有用户名或密码"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(wrong("带有路径或参数"));
    }
    if url.port() == Some(0) {
        return Err(wrong("的端口无法识别（应为 1–65535）"));
    }
    let host = match url.host() {
        Some(url::Host::Domain(d)) => {
            // `gk.example.gov.cn.` is the same name; labels of letters, digits and inner
            // hyphens (RFC 1123), as a certificate and a crawler need.
            let d = d.strip_suffix('.').unwrap_or(d);
            let label = |l: &str| {
                (1..=63).contains(&l.len())
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !l.starts_with('-')
                    && !l.ends_with('-')
            };
            if d.is_empty() || d.len() > 253 || !d.split('.').all(label) {
                return Err(wrong("的域名无法识别"));
            }
            d.to_owned()
        }
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => format!("[{ip}]"),
        None => return Err(wrong("缺少域名")),
    };
    Ok(match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    })
}

/// The site's origin for absolute addresses (feeds and sitemaps): the public address the
/// operator set (`Settings::public_origin`), else as the visitor reached it.
pub(crate) fn origin(state: &AppState, headers: &HeaderMap) -> String {
    match &state.settings.public_origin {
        Some(o) => o.clone(),
        None => requested_origin(headers),
    }
}

/// [`origin`] for a template, written as it is: both kinds are held to a host's characters
/// ([`requested_origin`], [`public_origin`]), so it needs no escaping, and escaped it read
/// `https:&#x2f;&#x2f;…` in every sitemap and feed.
pub(crate) fn origin_value(state: &AppState, headers: &HeaderMap) -> minijinja::Value {
    minijinja::Value::from_safe_string(origin(state, headers))
}

/// The site's origin as the visitor reached it.
fn requested_origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        // An empty `Host` made addresses without a host (`http:///sitemaps/pages.xml`).
        .filter(|h| {
            !h.is_empty()
                && h.chars().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')
                })
        })
        .unwrap_or("localhost");
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p == "https");
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// The address with every percent-encoded unreserved character in its path written plainly (its
/// query as it came), or `None` when there is none or a `%` stands alone: other encodings (`%2F`,
/// a character's UTF-8 bytes) are left as they are, as they mean something else written plainly.
pub(crate) fn plain_address(uri: &axum::http::Uri) -> Option<String> {
    let path = uri.path();
    if !path.contains('%') {
        return None;
    }
    let mut plain = String::with_capacity(path.len());
    let mut rest = path;
    let mut changed = false;
    while let Some(at) = rest.find('%') {
        plain.push_str(&rest[..at]);
        // A stray `%` (not two hex digits after it): the address is left to be refused as it is.
        let byte = rest
            .get(at + 1..at + 3)
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())?;
        let c = char::from(byte);
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~') {
            plain.push(c);
            changed = true;
        } else {
            plain.push_str(&rest[at..at + 3]);
        }
        rest = &rest[at + 3..];
    }
    plain.push_str(rest);
    if !changed {
        return None;
    }
    if let Some(q) = uri.query() {
        plain.push('?');
        plain.push_str(q);
    }
    Some(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_name_a_host_whatever_the_request_says() {
        let with = |host: Option<&str>, proto: Option<&str>| {
            let mut h = HeaderMap::new();
            if let Some(host) = host {
                h.insert(header::HOST, host.parse().unwrap());
            }
            if let Some(proto) = proto {
                h.insert("x-forwarded-proto", proto.parse().unwrap());
            }
            requested_origin(&h)
        };
        assert_eq!(with(Some("gk.example.cn"), None), "http://gk.example.cn");
        assert_eq!(
            with(Some("gk.example.cn:8443"), Some("https")),
            "https://gk.example.cn:8443"
        );
        assert_eq!(with(Some(""), None), "http://localhost");
        assert_eq!(with(None, None), "http://localhost");
        assert_eq!(with(Some("a\"><x"), None), "http://localhost");
    }

    #[test]
    fn encoded_plain_characters_are_written_plainly_and_nothing_else() {
        let plain = |s: &str| plain_address(&s.parse().unwrap());
        assert_eq!(
            plain("/agencies/yiyuan%2Dxili/items?category=%E6%B3%95&page=2").as_deref(),
            Some("/agencies/yiyuan-xili/items?category=%E6%B3%95&page=2")
        );
        assert_eq!(
            plain("/agencies/%79iyuan%2dxili%7E").as_deref(),
            Some("/agencies/yiyuan-xili~")
        );
        for kept in [
            "/agencies/yiyuan-xili/items",
            "/agencies/%FF%FE",
            "/a%2Fb",
            "/%E6%B3%95",
            "/100%",
            "/50%zz",
            "/%",
        ] {
            assert_eq!(plain(kept), None, "{kept}");
        }
        assert_eq!(plain("/%2541"), None, "%25 is a percent sign, kept encoded");
        assert_eq!(
            plain("/%%41"),
            None,
            "a stray % leaves the address as it is"
        );
        assert_eq!(plain("/%E6%B3%95/%41").as_deref(), Some("/%E6%B3%95/A"));
    }

    #[test]
    fn a_public_address_is_an_origin_or_a_reason_why_not() {
        for (given, origin) in [
            ("https://GK.Example.gov.cn/", "https://gk.example.gov.cn"),
            (" http://10.0.0.5:8080 ", "http://10.0.0.5:8080"),
            ("https://gk.example.gov.cn:443", "https://gk.example.gov.cn"),
            ("http://gk.example.gov.cn:80/", "http://gk.example.gov.cn"),
            (
                "https://gk.example.gov.cn:8443",
                "https://gk.example.gov.cn:8443",
            ),
            ("https://gk.example.gov.cn.", "https://gk.example.gov.cn"),
            (
                "https://政务公开.中国",
                "https://xn--55q32ar5yxig.xn--fiqs8s",
            ),
            ("https://[::1]:8080", "https://[::1]:8080"),
        ] {
            assert_eq!(public_origin(given).as_deref(), Ok(origin), "{given}");
        }
        for (bad, why) in [
            ("gk.example.gov.cn", "缺少协议"),
            ("https:gk.example.gov.cn", "缺少协议"),
            ("javascript:alert(1)", "缺少协议"),
            ("ftp://gk.example.gov.cn", "http 或 https"),
            ("https://gk.example.gov.cn/portal", "路径"),
            ("https://gk.example.gov.cn/?a=1", "路径"),
            ("https://gk.example.gov.cn/#top", "路径"),
            ("https://user@gk.example.gov.cn", "用户名"),
            ("https://gk.example.gov.cn:abc", "端口"),
            ("https://gk.example.gov.cn:99999", "端口"),
            ("https://gk.example.gov.cn:0", "端口"),
            ("https://999.1.1.1", "IP"),
            ("https://[zz]", "IP"),
            ("https://a..b", "域名"),
            ("https://.", "域名"),
            ("https://-bad-.example", "域名"),
            ("https://gk_example.cn", "域名"),
            ("https://gk.example.gov.cn'><x>", ""),
            ("", "缺少协议"),
        ] {
            let e = public_origin(bad).unwrap_err();
            assert!(
                e.contains(why) && e.contains("https://gk.example.gov.cn"),
                "{bad}: {e}"
            );
        }
    }
}

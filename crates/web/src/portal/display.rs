//! The reading modes for older and low-vision readers (适老化, `spec/portal-conventions.md` §2.3–2.4):
//! text size in three steps (标准 / 大 / 特大), high contrast, and wider line spacing, each on its own.
//! A visitor turns them on or off with links (no script needed); the choice is one cookie that
//! lasts a year, and every HTML page of the portal is rendered with the mode's classes on `<html>`
//! (so everything sized in `rem` — headings, tables, charts, the footer — scales with it). The
//! page cache keys on the mode, a page's `ETag` (of its bytes) differs with it, and every page
//! says `Vary: Cookie`, so no cache between here and the reader hands out a page in another mode.

use axum::extract::Query;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

const COOKIE: &str = "gongkai_display";

/// The largest text step (0 标准, 1 大, 2 特大).
pub const MAX_TEXT: u8 = 2;

/// A reading mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Display {
    /// Text size step, 0 to [`MAX_TEXT`].
    pub text: u8,
    /// High contrast (light text on black, yellow links).
    pub contrast: bool,
    /// Wider line and letter spacing.
    pub spacing: bool,
}

/// How many reading modes there are: three text sizes, contrast on or off, spacing on or off.
pub const MODES: usize = (MAX_TEXT as usize + 1) * 4;

impl Display {
    /// This mode's place among the [`MODES`] (what is kept per mode is kept in an array).
    pub fn ordinal(self) -> usize {
        usize::from(self.text.min(MAX_TEXT)) * 4
            + usize::from(self.contrast) * 2
            + usize::from(self.spacing)
    }

    /// The mode a cookie value names (`t1-c-s`; the older `large` is the first text step);
    /// anything unknown is ignored.
    pub fn parse(value: &str) -> Self {
        let mut d = Self::default();
        for token in value.split('-') {
            match token {
                "large" | "t1" => d.text = 1,
                "t2" => d.text = 2,
                "c" => d.contrast = true,
                "s" => d.spacing = true,
                _ => {}
            }
        }
        d
    }

    /// The visitor's mode, from the request's cookie.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        crate::session::cookie_value(headers, COOKIE).map_or_else(Self::default, Self::parse)
    }

    /// The cookie value (empty for the standard mode).
    pub fn value(self) -> String {
        let mut parts = Vec::new();
        if self.text > 0 {
            parts.push(format!("t{}", self.text.min(MAX_TEXT)));
        }
        if self.contrast {
            parts.push("c".to_owned());
        }
        if self.spacing {
            parts.push("s".to_owned());
        }
        parts.join("-")
    }

    /// The classes of `<html>` (empty for the standard mode).
    pub fn classes(self) -> String {
        let mut c = Vec::new();
        if self.text > 0 {
            c.push(format!("text-{}", self.text.min(MAX_TEXT)));
        }
        if self.contrast {
            c.push("contrast".to_owned());
        }
        if self.spacing {
            c.push("spacing".to_owned());
        }
        c.join(" ")
    }

    /// The mode after following one of the switch links.
    fn switched(mut self, q: &DisplayQuery) -> Self {
        match q.mode.as_str() {
            "large" => self.text = self.text.max(1),
            "normal" => self = Self::default(),
            _ => {}
        }
        if let Ok(step) = q.text.parse::<u8>() {
            self.text = step.min(MAX_TEXT);
        }
        match q.contrast.as_str() {
            "on" => self.contrast = true,
            "off" => self.contrast = false,
            _ => {}
        }
        match q.spacing.as_str() {
            "on" => self.spacing = true,
            "off" => self.spacing = false,
            _ => {}
        }
        self
    }
}

/// `?text=0|1|2&contrast=on|off&spacing=on|off&back=/path` (and the older `mode=large|normal`).
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct DisplayQuery {
    mode: String,
    text: String,
    contrast: String,
    spacing: String,
    back: String,
}

/// Switches the reading mode and returns to the page the visitor came from (`back`, else the
/// path of the referring page).
pub async fn switch(Query(q): Query<DisplayQuery>, headers: HeaderMap) -> Response {
    let referer_path = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
        .unwrap_or_default();
    let wanted = if q.back.is_empty() {
        referer_path.as_str()
    } else {
        q.back.as_str()
    };
    // Only a path on this site: never an address elsewhere (`//host`, `https:`).
    let back = if wanted.starts_with('/') && !wanted.starts_with("//") && !wanted.contains('\\') {
        wanted
    } else {
        "/"
    };
    let mode = Display::from_headers(&headers).switched(&q);
    let value = mode.value();
    let cookie = if value.is_empty() {
        format!("{COOKIE}=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly")
    } else {
        format!("{COOKIE}={value}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly")
    };
    let mut response = Redirect::to(back).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

tokio::task_local! {
    /// The reading mode of the request being answered; [`crate::views::render`] passes it to every
    /// template, so no page is rewritten after rendering.
    pub static DISPLAY: Display;
}

/// The reading mode of the request being answered (the standard mode outside a request).
pub fn current() -> Display {
    DISPLAY.try_with(|d| *d).unwrap_or_default()
}

/// Answers with the visitor's reading `mode` known to the templates, and tells caches that HTML
/// pages (and the 304s that stand for them) differ by the cookie that holds it (part of
/// `crate::frame`).
pub(crate) async fn apply(mode: Display, answer: impl Future<Output = Response>) -> Response {
    let mut response = DISPLAY.scope(mode, answer).await;
    // A 304 carries the `Vary` its page would have (RFC 9110, 15.4.5).
    let varies = response.status() == axum::http::StatusCode::NOT_MODIFIED
        || response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
    if varies {
        response
            .headers_mut()
            .append(header::VARY, HeaderValue::from_static("Cookie"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mode_survives_its_cookie() {
        for mode in [
            Display::default(),
            Display {
                text: 2,
                contrast: true,
                spacing: true,
            },
            Display {
                text: 1,
                contrast: false,
                spacing: true,
            },
        ] {
            assert_eq!(Display::parse(&mode.value()), mode);
        }
        assert_eq!(
            Display::parse("large").text,
            1,
            "the older cookie still works"
        );
        assert_eq!(Display::parse("t9-x"), Display::default());
    }

    #[test]
    fn each_switch_changes_only_its_own_setting() {
        let q = |s: &str| -> DisplayQuery { serde_urlencoded_like(s) };
        let start = Display {
            text: 1,
            contrast: true,
            spacing: false,
        };
        assert_eq!(start.switched(&q("text=2")).text, 2);
        assert!(start.switched(&q("text=2")).contrast);
        assert!(!start.switched(&q("contrast=off")).contrast);
        assert_eq!(start.switched(&q("contrast=off")).text, 1);
        assert!(start.switched(&q("spacing=on")).spacing);
        assert_eq!(start.switched(&q("text=7")).text, MAX_TEXT);
        assert_eq!(start.switched(&q("mode=normal")), Display::default());
    }

    fn serde_urlencoded_like(s: &str) -> DisplayQuery {
        let mut q = DisplayQuery::default();
        for (k, v) in form_urlencoded::parse(s.as_bytes()) {
            let v = v.into_owned();
            match &*k {
                "mode" => q.mode = v,
                "text" => q.text = v,
                "contrast" => q.contrast = v,
                "spacing" => q.spacing = v,
                _ => q.back = v,
            }
        }
        q
    }
}

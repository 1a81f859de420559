//! 发布渠道: where a published item goes besides the portal, and what an administrator must give
//! to add one.

use std::str::FromStr;

/// The kinds of channel gongkai delivers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    /// A signed webhook (HMAC-SHA256) to another system, e.g. the county's 政务新媒体 platform.
    Webhook,
    /// A `WeChat` official account (draft, then publish).
    Wechat,
}

impl ChannelKind {
    /// What the channel list shows.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Webhook => "网络回调（Webhook）",
            Self::Wechat => "微信公众号",
        }
    }

    /// Machine key.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Webhook => "webhook",
            Self::Wechat => "wechat",
        }
    }
}

/// A channel kind gongkai does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("渠道类型只能是 webhook 或 wechat。")]
pub struct UnknownChannelKind;

impl crate::Refusal for UnknownChannelKind {}

impl FromStr for ChannelKind {
    type Err = UnknownChannelKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "webhook" => Ok(Self::Webhook),
            "wechat" => Ok(Self::Wechat),
            _ => Err(UnknownChannelKind),
        }
    }
}

/// A new channel as an administrator typed it (nothing checked yet).
#[derive(Debug, Clone, Copy, Default)]
pub struct NewChannel<'a> {
    /// `webhook` or `wechat`.
    pub kind: &'a str,
    /// The name staff know it by.
    pub name: &'a str,
    /// Webhook: where to post.
    pub url: &'a str,
    /// Webhook: the signing secret; `WeChat`: the `AppSecret`.
    pub secret: &'a str,
    /// `WeChat`: the `AppID`.
    pub appid: &'a str,
    /// `WeChat`: another API address (a test stub), or empty.
    pub api_base: &'a str,
    /// `WeChat`: the portal's address for 阅读原文 links.
    pub site: &'a str,
}

/// Where a checked channel delivers, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A signed webhook.
    Webhook {
        /// `http(s)://` address.
        url: String,
        /// At least [`WEBHOOK_SECRET_MIN`] characters.
        secret: String,
    },
    /// A `WeChat` official account.
    Wechat {
        /// Another API address, or empty for WeChat's own.
        api_base: String,
        /// `AppID`.
        appid: String,
        /// `AppSecret`.
        secret: String,
        /// The portal's address.
        site: String,
    },
}

/// The shortest webhook signing secret accepted (an HMAC key guessed is a forged delivery).
pub const WEBHOOK_SECRET_MIN: usize = 16;

/// The longest channel name, in characters.
pub const NAME_MAX_CHARS: usize = 50;

fn web_address(u: &str) -> bool {
    u.starts_with("https://") || u.starts_with("http://")
}

impl NewChannel<'_> {
    /// The channel's kind, name and target, or what to correct.
    pub fn check(&self) -> Result<(ChannelKind, String, Target), crate::Rejection> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > NAME_MAX_CHARS {
            return Err(crate::Rejection::field(
                "name",
                format!("请填写渠道名称（{NAME_MAX_CHARS}字以内）。"),
            ));
        }
        let kind: ChannelKind = self
            .kind
            .parse()
            .map_err(|_| crate::Rejection::field("kind", "请选择渠道类型。"))?;
        let (secret, url, appid, api_base) = (
            self.secret.trim(),
            self.url.trim(),
            self.appid.trim(),
            self.api_base.trim(),
        );
        let target = match kind {
            ChannelKind::Webhook => {
                if !web_address(url) || secret.len() < WEBHOOK_SECRET_MIN {
                    return Err(crate::Rejection::new(format!(
                        "Webhook 需要以 http(s):// 开头的地址和至少{WEBHOOK_SECRET_MIN}个字符的签名密钥。"
                    )));
                }
                Target::Webhook {
                    url: url.to_owned(),
                    secret: secret.to_owned(),
                }
            }
            ChannelKind::Wechat => {
                if appid.is_empty() || secret.is_empty() {
                    return Err(crate::Rejection::new(
                        "微信公众号需要 AppID 和 AppSecret（在公众号后台“设置与开发—基本配置”中查看）。",
                    ));
                }
                if !api_base.is_empty() && !web_address(api_base) {
                    return Err(crate::Rejection::field(
                        "api_base",
                        "接口地址应以 http(s):// 开头。",
                    ));
                }
                Target::Wechat {
                    api_base: api_base.to_owned(),
                    appid: appid.to_owned(),
                    secret: secret.to_owned(),
                    site: self.site.trim().to_owned(),
                }
            }
        };
        Ok((kind, name.to_owned(), target))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webhook() -> NewChannel<'static> {
        NewChannel {
            kind: "webhook",
            name: " 县融媒体平台 ",
            url: "https://media.example.gov.cn/hook",
            secret: "0123456789abcdef",
            ..NewChannel::default()
        }
    }

    #[test]
    fn a_webhook_needs_a_web_address_and_a_long_secret() {
        let (kind, name, target) = webhook().check().unwrap();
        assert_eq!(
            (kind, name.as_str()),
            (ChannelKind::Webhook, "县融媒体平台")
        );
        assert!(matches!(target, Target::Webhook { .. }));
        for bad in [
            NewChannel {
                url: "ftp://x",
                ..webhook()
            },
            NewChannel {
                secret: "short",
                ..webhook()
            },
        ] {
            assert!(bad.check().unwrap_err().message.starts_with("Webhook 需要"));
        }
    }

    #[test]
    fn a_wechat_account_needs_its_app_id_and_secret() {
        let wechat = NewChannel {
            kind: "wechat",
            name: "公众号",
            appid: "wx123",
            secret: "s",
            ..NewChannel::default()
        };
        assert!(matches!(wechat.check().unwrap().2, Target::Wechat { .. }));
        assert!(
            NewChannel {
                appid: "",
                ..wechat
            }
            .check()
            .is_err()
        );
        assert_eq!(
            NewChannel {
                api_base: "stub",
                ..wechat
            }
            .check()
            .unwrap_err()
            .field,
            Some("api_base")
        );
    }

    #[test]
    fn a_channel_has_a_name_and_a_known_kind() {
        assert_eq!(
            NewChannel {
                name: " ",
                ..webhook()
            }
            .check()
            .unwrap_err()
            .field,
            Some("name")
        );
        assert_eq!(
            NewChannel {
                kind: "fax",
                ..webhook()
            }
            .check()
            .unwrap_err()
            .field,
            Some("kind")
        );
        assert_eq!(ChannelKind::Wechat.label(), "微信公众号");
    }
}

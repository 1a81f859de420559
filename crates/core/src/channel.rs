//! 发布渠道: where a published item goes besides the portal.

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

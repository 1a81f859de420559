//! Delivers each published item to the agency's channels: a signed webhook and a WeChat official
//! account (微信公众号). Deliveries are rows written with the publication; this task sends what is
//! due, records each step, and retries failures with exponential backoff, so a channel that is
//! down or a server that restarts loses nothing.
//!
//! Webhook: `POST` JSON with `X-Gongkai-Delivery` (the idempotency key: a receiver that has seen it
//! ignores a repeat) and `X-Gongkai-Signature: sha256=<HMAC-SHA256 of the body with the secret>`.
//! WeChat: the official draft-and-publish API — access token (cached until shortly before it
//! expires, refreshed when the API says it is invalid), the item's first picture uploaded as its
//! cover (or a neutral cover uploaded once per channel), `draft/add`, then `freepublish/submit`;
//! each step's result is stored so a retry resumes after it. WeChat has no idempotency key: a
//! crash between its answer and our
//! commit can leave one unused draft, never a second publication — the draft id is stored before
//! submitting, and a submission whose answer was lost is recognised on retry because publication
//! consumes the draft (`40007 invalid media_id`).

use std::sync::Arc;
use std::time::Duration;

use gongkai_core::Clock;
use gongkai_store::{PendingDelivery, Store};
use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Webhook settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct WebhookConfig {
    /// Where to post.
    pub url: String,
    /// The shared secret for the signature.
    pub secret: String,
}

/// WeChat official account settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct WechatConfig {
    /// `https://api.weixin.qq.com` unless a test stub stands in.
    pub api_base: String,
    /// The account's `AppID`.
    pub appid: String,
    /// The account's `AppSecret`.
    pub secret: String,
    /// The portal's address, for 阅读原文 links.
    pub site: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
struct WechatState {
    access_token: String,
    expires_ms: i64,
    cover_media_id: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
struct WechatProgress {
    /// The item's own picture uploaded as its cover (empty: the channel's neutral cover).
    cover_media_id: String,
    draft_media_id: String,
    /// Set (and stored) before `freepublish/submit` is called: if the server stops before the
    /// answer is stored, the retry knows the draft may already have been consumed.
    submit_started: bool,
    publish_id: String,
}

/// `sha256=<hex>` of the body under the secret.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(body);
    format!(
        "sha256={}",
        gongkai_core::auth::to_hex(&mac.finalize().into_bytes())
    )
}

/// The webhook's JSON for a delivery.
fn webhook_body(d: &PendingDelivery) -> serde_json::Value {
    let c = d.content.as_ref();
    json!({
        "delivery_id": d.delivery_id,
        "event": "item.published",
        "agency": { "slug": d.agency.0, "name": d.agency.1 },
        "item": {
            "id": d.item_id,
            "title": d.title,
            "index_no": d.index_no,
            "doc_number": c.map(|c| c.doc_number.clone()),
            "category": c.map(|c| c.category.clone()),
            "summary": c.map(|c| c.summary.clone()),
            "published_on": d.published_on.to_string(),
            "url": format!("/agencies/{}/items/{}", d.agency.0, d.item_id),
        },
    })
}

/// The sender: one HTTP client for every channel.
#[derive(Clone)]
pub struct Deliverer {
    store: Store,
    clock: Arc<dyn Clock>,
    worker: String,
    lease_ms: i64,
    http: reqwest::Client,
}

/// A 1×1 white PNG: the cover used when an item has no image of its own (WeChat requires one).
const DEFAULT_COVER: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x08, 0xd7, 0x63, 0xf8, 0xff, 0xff, 0x3f,
    0x00, 0x05, 0xfe, 0x02, 0xfe, 0xdc, 0xcc, 0x59, 0xe7, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct WxAnswer {
    errcode: i64,
    errmsg: String,
    access_token: String,
    expires_in: i64,
    media_id: String,
    publish_id: serde_json::Value,
}

/// WeChat's code for a media id that does not (or no longer) exist.
const INVALID_MEDIA_ID: i64 = 40007;

/// WeChat's codes for a token that is missing, invalid or expired.
const TOKEN_ERRORS: [i64; 3] = [40001, 40014, 42001];

impl Deliverer {
    /// A sender over the store; `clock` times attempts and retries.
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            worker: crate::worker_id(),
            lease_ms: i64::try_from(crate::DEFAULT_LEASE.as_millis()).unwrap_or(60_000),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap_or_default(),
        }
    }

    /// How long a claimed delivery stays this process's; every recorded step extends it.
    #[must_use]
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease_ms = i64::try_from(lease.as_millis()).unwrap_or(self.lease_ms);
        self
    }

    fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    /// Sends what is due; returns how many deliveries completed.
    pub async fn run_once(&self) -> Result<usize, gongkai_store::StoreError> {
        let now = self.now_ms();
        let due = self
            .store
            .claim_deliveries(&self.worker, now, now + self.lease_ms, 20)
            .await?;
        let mut done = 0;
        for d in due {
            let result = match d.channel.kind.as_str() {
                "webhook" => self.webhook(&d).await,
                "wechat" => self.wechat(&d).await,
                other => Err(format!("未知渠道类型 {other}")),
            };
            match result {
                Ok(()) => {
                    self.store
                        .delivery_done(d.id, &self.worker, self.now_ms())
                        .await?;
                    done += 1;
                }
                Err(e) => {
                    // 2 s, 4 s, … up to an hour.
                    let wait = 1000_i64 << d.attempts.clamp(0, 11).max(1);
                    let wait = wait.min(3_600_000);
                    tracing::warn!(delivery = %d.delivery_id, channel = %d.channel.name, error = %e, "delivery failed; will retry");
                    self.store
                        .delivery_failed(d.id, &self.worker, &e, self.now_ms() + wait)
                        .await?;
                }
            }
        }
        Ok(done)
    }

    async fn webhook(&self, d: &PendingDelivery) -> Result<(), String> {
        let config: WebhookConfig =
            serde_json::from_str(&d.channel.config_json).map_err(|e| e.to_string())?;
        let body = serde_json::to_vec(&webhook_body(d)).map_err(|e| e.to_string())?;
        let response = self
            .http
            .post(&config.url)
            .header("content-type", "application/json")
            .header("x-gongkai-event", "item.published")
            .header("x-gongkai-delivery", &d.delivery_id)
            .header("x-gongkai-signature", signature(&config.secret, &body))
            .body(body)
            .send()
            .await
            .map_err(|e| format!("连接 {} 失败：{e}", config.url))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(format!("{} 答复 {}", config.url, response.status()))
        }
    }

    async fn wechat(&self, d: &PendingDelivery) -> Result<(), String> {
        let config: WechatConfig =
            serde_json::from_str(&d.channel.config_json).map_err(|e| e.to_string())?;
        let base = if config.api_base.is_empty() {
            "https://api.weixin.qq.com".to_owned()
        } else {
            config.api_base.trim_end_matches('/').to_owned()
        };
        let current = self
            .store
            .channel_state(d.channel.id)
            .await
            .map_err(|e| e.to_string())?;
        let mut state: WechatState = serde_json::from_str(&current).unwrap_or_default();
        let mut progress: WechatProgress =
            serde_json::from_str(&d.progress_json).unwrap_or_default();
        // Each call may find the token stale: refresh once and repeat it.
        for attempt in 0..2 {
            let token = self
                .token(&base, &config, &mut state, d, attempt > 0)
                .await?;
            match self
                .wechat_steps(&base, &config, &token, &mut state, &mut progress, d)
                .await
            {
                Err(WxError::Token) if attempt == 0 => {}
                Err(WxError::Token) => return Err("微信接口连续两次拒绝访问令牌".into()),
                Err(WxError::Api(_, e) | WxError::Other(e)) => return Err(e),
                Ok(()) => return Ok(()),
            }
        }
        Ok(())
    }

    async fn token(
        &self,
        base: &str,
        config: &WechatConfig,
        state: &mut WechatState,
        d: &PendingDelivery,
        force: bool,
    ) -> Result<String, String> {
        let now = self.now_ms();
        if !force && !state.access_token.is_empty() && state.expires_ms > now {
            return Ok(state.access_token.clone());
        }
        let answer: WxAnswer = self
            .http
            .get(format!("{base}/cgi-bin/token"))
            .query(&[
                ("grant_type", "client_credential"),
                ("appid", config.appid.as_str()),
                ("secret", config.secret.as_str()),
            ])
            .send()
            .await
            .map_err(|e| format!("获取微信访问令牌失败：{e}"))?
            .json()
            .await
            .map_err(|e| format!("微信令牌答复无法读取：{e}"))?;
        if answer.errcode != 0 || answer.access_token.is_empty() {
            return Err(format!(
                "获取微信访问令牌失败：{} {}",
                answer.errcode, answer.errmsg
            ));
        }
        state.access_token = answer.access_token;
        // Refresh five minutes early.
        state.expires_ms = now + (answer.expires_in.max(60) - 300).max(30) * 1000;
        self.save_state(d, state).await?;
        Ok(state.access_token.clone())
    }

    async fn save_state(&self, d: &PendingDelivery, state: &WechatState) -> Result<(), String> {
        let json = serde_json::to_string(state).map_err(|e| e.to_string())?;
        self.store
            .set_channel_state(d.channel.id, &json)
            .await
            .map_err(|e| e.to_string())
    }

    async fn wx_json(
        &self,
        request: reqwest::RequestBuilder,
        what: &str,
    ) -> Result<WxAnswer, WxError> {
        let answer: WxAnswer = request
            .send()
            .await
            .map_err(|e| WxError::Other(format!("{what}失败：{e}")))?
            .json()
            .await
            .map_err(|e| WxError::Other(format!("{what}答复无法读取：{e}")))?;
        if TOKEN_ERRORS.contains(&answer.errcode) {
            return Err(WxError::Token);
        }
        if answer.errcode != 0 {
            return Err(WxError::Api(
                answer.errcode,
                format!("{what}失败：{} {}", answer.errcode, answer.errmsg),
            ));
        }
        Ok(answer)
    }

    async fn wechat_steps(
        &self,
        base: &str,
        config: &WechatConfig,
        token: &str,
        state: &mut WechatState,
        progress: &mut WechatProgress,
        d: &PendingDelivery,
    ) -> Result<(), WxError> {
        let other = |e: String| WxError::Other(e);
        // The cover: the item's first picture if it has one, else the channel's neutral cover
        // (uploaded once per channel).
        if progress.cover_media_id.is_empty()
            && let Some((name, content_type, bytes)) = self.item_picture(d).await.map_err(other)?
        {
            progress.cover_media_id = self
                .upload_image(base, token, name, &content_type, bytes)
                .await?;
            self.save_progress(d, progress).await.map_err(other)?;
        }
        if progress.cover_media_id.is_empty() && state.cover_media_id.is_empty() {
            state.cover_media_id = self
                .upload_image(
                    base,
                    token,
                    "cover.png".into(),
                    "image/png",
                    DEFAULT_COVER.to_vec(),
                )
                .await?;
            self.save_state(d, state).await.map_err(other)?;
        }
        let cover = if progress.cover_media_id.is_empty() {
            state.cover_media_id.clone()
        } else {
            progress.cover_media_id.clone()
        };
        if progress.draft_media_id.is_empty() {
            let c = d.content.as_ref();
            let article = json!({
                "title": d.title,
                "author": d.agency.1,
                "digest": c.map(|c| c.summary.clone()).unwrap_or_default(),
                "content": c.map(|c| c.body_html.clone()).unwrap_or_default(),
                "content_source_url": format!("{}/agencies/{}/items/{}", config.site.trim_end_matches('/'), d.agency.0, d.item_id),
                "thumb_media_id": cover,
            });
            let answer = self
                .wx_json(
                    self.http
                        .post(format!("{base}/cgi-bin/draft/add"))
                        .query(&[("access_token", token)])
                        .json(&json!({ "articles": [article] })),
                    "新建草稿",
                )
                .await?;
            progress.draft_media_id = answer.media_id;
            self.save_progress(d, progress).await.map_err(other)?;
        }
        if progress.publish_id.is_empty() {
            let retry_after_submit = progress.submit_started;
            if !retry_after_submit {
                progress.submit_started = true;
                self.save_progress(d, progress).await.map_err(other)?;
            }
            let answer = self
                .wx_json(
                    self.http
                        .post(format!("{base}/cgi-bin/freepublish/submit"))
                        .query(&[("access_token", token)])
                        .json(&json!({ "media_id": progress.draft_media_id })),
                    "发布",
                )
                .await;
            progress.publish_id = match answer {
                Ok(answer) => match answer.publish_id {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                },
                // A submission was sent before a stop and its answer lost: publication consumes
                // the draft, so "invalid media_id" now means it went out. Sending a new draft
                // would publish the item twice.
                Err(WxError::Api(INVALID_MEDIA_ID, _)) if retry_after_submit => {
                    "（重启前已提交）".to_owned()
                }
                Err(e) => return Err(e),
            };
            self.save_progress(d, progress).await.map_err(other)?;
        }
        Ok(())
    }

    /// The item's first image attachment: (name, type, bytes).
    async fn item_picture(
        &self,
        d: &PendingDelivery,
    ) -> Result<Option<(String, String, Vec<u8>)>, String> {
        let slug = gongkai_core::Slug::parse(&d.agency.0).map_err(|e| e.to_string())?;
        let attachments = self
            .store
            .item_attachments(&slug, d.item_id)
            .await
            .map_err(|e| e.to_string())?;
        let Some(picture) = attachments
            .iter()
            .find(|a| a.content_type.starts_with("image/"))
        else {
            return Ok(None);
        };
        self.store
            .attachment_bytes(&slug, Some(d.item_id), None, picture.id)
            .await
            .map_err(|e| e.to_string())
    }

    /// Uploads a picture as permanent material; returns its media id.
    async fn upload_image(
        &self,
        base: &str,
        token: &str,
        name: String,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<String, WxError> {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(name)
            .mime_str(content_type)
            .map_err(|e| WxError::Other(e.to_string()))?;
        let answer = self
            .wx_json(
                self.http
                    .post(format!("{base}/cgi-bin/material/add_material"))
                    .query(&[("access_token", token), ("type", "image")])
                    .multipart(reqwest::multipart::Form::new().part("media", part)),
                "上传封面图片",
            )
            .await?;
        Ok(answer.media_id)
    }

    async fn save_progress(&self, d: &PendingDelivery, p: &WechatProgress) -> Result<(), String> {
        let json = serde_json::to_string(p).map_err(|e| e.to_string())?;
        let held = self
            .store
            .delivery_progress(d.id, &self.worker, &json, self.now_ms() + self.lease_ms)
            .await
            .map_err(|e| e.to_string())?;
        // Another server took the delivery over (this one stalled past its lease): stop here
        // rather than publish twice.
        if held {
            Ok(())
        } else {
            Err("已由其他服务进程接手".to_owned())
        }
    }

    /// Runs for ever: sends what is due every second.
    pub async fn run(self) {
        loop {
            if let Err(e) = self.run_once().await {
                tracing::error!(error = %e, "delivery pass failed");
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

enum WxError {
    Token,
    Api(i64, String),
    Other(String),
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_signature_is_hmac_sha256_of_the_body() {
        // RFC 4231 test case 2.
        assert_eq!(
            super::signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}

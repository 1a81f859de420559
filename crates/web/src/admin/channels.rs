//! The agency's publication channels (webhook, WeChat official account) and their deliveries.

use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use super::page;
use crate::AppState;
use crate::error::AppError;
use crate::extract::{AgencyAdmin, AgencyScope, ChannelPath};
use gongkai_core::auth::Duty;
use gongkai_jobs::deliver::{WebhookConfig, WechatConfig};

/// Channels and the latest deliveries. Secrets are never shown again.
pub async fn list(State(state): State<AppState>, scope: AgencyScope) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let channels: Vec<_> = state
        .store
        .channels(&agency.slug)
        .await?
        .into_iter()
        .map(|c| {
            let target = match c.kind.as_str() {
                "webhook" => serde_json::from_str::<WebhookConfig>(&c.config_json)
                    .map(|w| w.url)
                    .unwrap_or_default(),
                _ => serde_json::from_str::<WechatConfig>(&c.config_json)
                    .map(|w| format!("AppID {}", w.appid))
                    .unwrap_or_default(),
            };
            context! {
                id => c.id,
                name => c.name,
                kind => if c.kind == "webhook" { "网络回调（Webhook）" } else { "微信公众号" },
                target,
                active => c.active,
            }
        })
        .collect();
    let deliveries = state.store.deliveries(&agency.slug).await?;
    Ok(page(
        s,
        "admin/channels.html",
        context! {
            agency => context! { slug => agency.slug.to_string(), name => agency.name.clone() },
            channels,
            deliveries => Serde(deliveries),
            can_edit => scope.may(Duty::Administer),
        },
    )?
    .into_response())
}

/// The new-channel form.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ChannelForm {
    kind: String,
    name: String,
    url: String,
    secret: String,
    appid: String,
    api_base: String,
    site: String,
}

/// Adds a channel (机关管理员); items published from then on are delivered to it.
pub async fn add(
    State(state): State<AppState>,
    scope: AgencyScope<AgencyAdmin>,
    Form(f): Form<ChannelForm>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    let name = f.name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(AppError::Unprocessable(
            "请填写渠道名称（50字以内）。".into(),
        ));
    }
    let web = |u: &str| u.starts_with("https://") || u.starts_with("http://");
    let config = match f.kind.as_str() {
        "webhook" => {
            if !web(f.url.trim()) || f.secret.trim().len() < 16 {
                return Err(AppError::Unprocessable(
                    "Webhook 需要以 http(s):// 开头的地址和至少16个字符的签名密钥。".into(),
                ));
            }
            serde_json::to_string(&WebhookConfig {
                url: f.url.trim().to_owned(),
                secret: f.secret.trim().to_owned(),
            })
        }
        "wechat" => {
            if f.appid.trim().is_empty() || f.secret.trim().is_empty() {
                return Err(AppError::Unprocessable(
                    "微信公众号需要 AppID 和 AppSecret（在公众号后台“设置与开发—基本配置”中查看）。".into(),
                ));
            }
            if !f.api_base.trim().is_empty() && !web(f.api_base.trim()) {
                return Err(AppError::Unprocessable("接口地址应以 http(s):// 开头。".into()));
            }
            serde_json::to_string(&WechatConfig {
                api_base: f.api_base.trim().to_owned(),
                appid: f.appid.trim().to_owned(),
                secret: f.secret.trim().to_owned(),
                site: f.site.trim().to_owned(),
            })
        }
        _ => return Err(AppError::Unprocessable("请选择渠道类型。".into())),
    }
    .map_err(|e| AppError::Internal(e.into()))?;
    state
        .store
        .add_channel(
            &agency.slug,
            &f.kind,
            name,
            &config,
            s.by(state.clock.now()),
        )
        .await?;
    Ok(Redirect::to(&format!("/admin/agencies/{}/channels", agency.slug)).into_response())
}

/// `active`: `on` or anything else.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ActiveForm {
    active: String,
}

/// Turns a channel on or off (机关管理员).
pub async fn set_active(
    State(state): State<AppState>,
    scope: AgencyScope<AgencyAdmin>,
    Path(ChannelPath { channel: id }): Path<ChannelPath>,
    Form(f): Form<ActiveForm>,
) -> Result<Response, AppError> {
    let (s, agency) = (&scope.staff, &scope.agency);
    state
        .store
        .set_channel_active(&agency.slug, id, f.active == "on", s.by(state.clock.now()))
        .await?;
    Ok(Redirect::to(&format!("/admin/agencies/{}/channels", agency.slug)).into_response())
}

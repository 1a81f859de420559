//! The agency's publication channels (webhook, WeChat official account) and their deliveries.

use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use super::{back_to, page};
use crate::AppState;
use crate::error::AppError;
use crate::extract::{AgencyAdmin, AgencyScope, ChannelPath};
use crate::views::AgencyView;
use gongkai_core::auth::Duty;
use gongkai_core::channel::{ChannelKind, NewChannel, Target};
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
                kind => c.kind.parse::<ChannelKind>().map_or("微信公众号", ChannelKind::label),
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
            agency => AgencyView::from(agency),
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
    let agency = &scope.agency;
    let (kind, name, target) = NewChannel {
        kind: &f.kind,
        name: &f.name,
        url: &f.url,
        secret: &f.secret,
        appid: &f.appid,
        api_base: &f.api_base,
        site: &f.site,
    }
    .check()?;
    let config = match target {
        Target::Webhook { url, secret } => serde_json::to_string(&WebhookConfig { url, secret }),
        Target::Wechat {
            api_base,
            appid,
            secret,
            site,
        } => serde_json::to_string(&WechatConfig {
            api_base,
            appid,
            secret,
            site,
        }),
    }
    .map_err(|e| AppError::Internal(e.into()))?;
    state
        .store
        .add_channel(&agency.slug, kind.key(), &name, &config, scope.by(&state))
        .await?;
    Ok(back_to(agency, "/channels"))
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
    Ok(back_to(agency, "/channels"))
}

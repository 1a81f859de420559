//! The site settings page (system administrators only): the identity every public page's header,
//! footer and `<head>` carry — name, domain, 网站标识码, record numbers and their links, the
//! 党政机关网站标识 and 「我为政府网站找错」 links, 主办/承办 and contact. What would break a page is
//! refused field by field; what a website check would score as missing is listed as a warning
//! (`gongkai_core::site`).

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Form, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_core::site::{Logo, SiteIdentity};
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use super::{form_page, notice};
use crate::AppState;
use crate::error::AppError;
use crate::extract::{Empowered, SiteAdministrator};
use crate::views::field_errors;

/// `?notice=`.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct SettingsQuery {
    notice: Option<String>,
}

fn settings_page(
    s: &crate::session::ActiveSession,
    status: StatusCode,
    form: &SiteIdentity,
    errors: &[(&str, String)],
    notice: Option<&str>,
) -> Result<Response, AppError> {
    form_page(
        s,
        "admin/settings.html",
        status,
        context! {
            form => Serde(form),
            errors => field_errors(errors),
            warnings => form.warnings(),
            notice,
        },
    )
}

/// The settings as saved, with what a website check would find missing.
pub async fn show(
    State(state): State<AppState>,
    Empowered { staff, .. }: Empowered<SiteAdministrator>,
    Query(q): Query<SettingsQuery>,
) -> Result<Response, AppError> {
    let site = state.store.site_identity().await?;
    settings_page(
        &staff,
        StatusCode::OK,
        &site,
        &[],
        notice(q.notice.as_deref()),
    )
}

/// Saves the settings, or shows the form again with each refused field's message (422).
pub async fn save(
    State(state): State<AppState>,
    Empowered { staff, .. }: Empowered<SiteAdministrator>,
    Form(form): Form<SiteIdentity>,
) -> Result<Response, AppError> {
    match form.clone().check() {
        Ok(site) => {
            state
                .store
                .save_site_identity(&site, staff.by(state.clock.now()))
                .await?;
            Ok(Redirect::to("/admin/settings?notice=site_saved").into_response())
        }
        Err(refused) => {
            let errors: Vec<(&str, String)> = refused
                .into_iter()
                .map(|r| (r.field.unwrap_or("site_name"), r.message))
                .collect();
            settings_page(
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                &errors,
                None,
            )
        }
    }
}

/// Uploads the header's logo or banner (multipart: `logo_file`, `logo_alt`) and makes it the
/// site's; a file that is not an image of the kinds accepted, or no alternative text, is refused
/// and nothing changes.
pub async fn upload_logo(
    State(state): State<AppState>,
    Empowered { staff, .. }: Empowered<SiteAdministrator>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let Ok(mut multipart) = multipart else {
        return Err(AppError::Unprocessable(
            "请通过上传表单选择标志图片。".into(),
        ));
    };
    let (mut bytes, mut alt) = (Vec::new(), String::new());
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("logo_file") => {
                bytes = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::TooLarge)?
                    .to_vec();
            }
            Some("logo_alt") => alt = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    let site = state.store.site_identity().await?;
    let refused = match Logo::check(&bytes) {
        Ok(_) if alt.trim().is_empty() => Some((
            "logo_alt",
            "请填写标志图片的文字说明（看不到图片的读者听到的内容，如“沂源县人民政府”）。"
                .to_owned(),
        )),
        Ok(logo) => {
            state
                .store
                .save_site_logo(&logo, &bytes, &alt, staff.by(state.clock.now()))
                .await?;
            None
        }
        Err(r) => Some((r.field.unwrap_or("logo_file"), r.message)),
    };
    match refused {
        None => Ok(Redirect::to("/admin/settings?notice=logo_saved").into_response()),
        Some(error) => settings_page(
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            &site,
            &[error],
            None,
        ),
    }
}

//! The staff back office (`/admin`): sign-in, dashboard, agencies, users, roles and the audit trail;
//! each agency's items, requests, messages, guide and catalogue, channels and annual report.
//! A handler of one agency's page takes an [`AgencyScope`](crate::extract::AgencyScope) naming
//! what it requires, so a thing the person may not see answers 404 and a thing they may see but not
//! change answers 403 before the handler runs; the pages that span agencies take
//! [`Empowered`](crate::extract::Empowered) or [`UserScope`](crate::extract::UserScope). What a page
//! offers beyond its requirement it asks of `gongkai_core::auth` too.

pub mod agencies;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod channels;
pub mod dashboard;
pub mod guide;
pub mod items;
pub mod reply_files;
pub mod settings;
pub mod summary;
pub mod supervision;
pub mod users;
pub mod workspace;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_core::auth::{Hierarchy, Power};
use gongkai_core::{Agency, Rejection};
use gongkai_store::StoreError;
use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::Serialize;

use crate::error::AppError;
use crate::session::ActiveSession;
use crate::views;
use crate::{Access, AppState, Routes};

/// The back office's routes: all under `/admin`, all for signed-in staff (`S`) but the sign-in form.
/// One route a line: the list reads as a table.
#[rustfmt::skip]
pub(crate) fn routes(r: Routes) -> Routes {
    use Access::{Own, SignIn, Staff as S};
    r.get("/admin/login", SignIn, auth::login_form)
        .post("/admin/login", SignIn, auth::login)
        .post("/admin/logout", Own, auth::logout)
        .get("/admin", S, dashboard::show)
        .get("/admin/password", Own, auth::password_form)
        .post("/admin/password", Own, auth::change_password)
        .get("/admin/agencies", S, agencies::list)
        .get("/admin/agencies/new", S, agencies::new_form)
        .post("/admin/agencies", S, agencies::create)
        .get("/admin/agencies/{slug}", S, agencies::show)
        .post("/admin/agencies/{slug}", S, agencies::update)
        .post("/admin/agencies/{slug}/grants", S, agencies::grant)
        .post("/admin/agencies/{slug}/revoke", S, agencies::revoke)
        .post("/admin/agencies/{slug}/deadline", S, agencies::set_deadline)
        .post("/admin/agencies/{slug}/letter-settings", S, agencies::letter_settings)
        .post("/admin/agencies/{slug}/site", S, agencies::agency_site)
        .post("/admin/agencies/{slug}/index-pattern", S, agencies::index_pattern)
        .get("/admin/agencies/{slug}/guide", S, guide::edit)
        .post("/admin/agencies/{slug}/guide", S, guide::save)
        .post("/admin/agencies/{slug}/guide/preview", S, guide::preview)
        .get("/admin/agencies/{slug}/catalogue", S, guide::edit_catalogue)
        .post("/admin/agencies/{slug}/catalogue", S, guide::save_catalogue)
        .get("/admin/agencies/{slug}/items", S, items::list)
        .get("/admin/agencies/{slug}/items/new", S, items::new_form)
        .post("/admin/agencies/{slug}/items", S, items::create)
        .get("/admin/agencies/{slug}/items/{draft}", S, items::show)
        .get("/admin/agencies/{slug}/published/{item}", S, items::published)
        .post("/admin/agencies/{slug}/published/{item}", S, items::manage)
        .post("/admin/agencies/{slug}/items/{draft}", S, items::save)
        .post("/admin/agencies/{slug}/items/{draft}/review", S, items::review)
        .post("/admin/agencies/{slug}/items/{draft}/attachments", S, items::attach)
        .get("/admin/agencies/{slug}/items/{draft}/attachments/{attachment}", S, items::attachment)
        .post("/admin/agencies/{slug}/items/{draft}/attachments/{attachment}/delete", S, items::detach)
        .get("/admin/agencies/{slug}/items/{draft}/versions/{version}", S, items::version)
        .get("/admin/agencies/{slug}/requests", S, cases::queue)
        .get("/admin/agencies/{slug}/requests/new", S, cases::register_form)
        .post("/admin/agencies/{slug}/requests", S, cases::register)
        .get("/admin/agencies/{slug}/requests/{code}", S, cases::show)
        .post("/admin/agencies/{slug}/requests/{code}/steps", S, cases::step)
        .post("/admin/agencies/{slug}/requests/{code}/assign", S, cases::assign)
        .post("/admin/agencies/{slug}/requests/{code}/cases", S, cases::case)
        .get("/admin/agencies/{slug}/requests/{code}/letters/{letter}", S, cases::letter)
        .post("/admin/agencies/{slug}/requests/{code}/files", S, reply_files::upload)
        .get("/admin/agencies/{slug}/requests/{code}/files/{reply}", S, reply_files::download)
        .post("/admin/agencies/{slug}/requests/{code}/files/{reply}/delete", S, reply_files::remove)
        .get("/admin/agencies/{slug}/messages", S, supervision::messages)
        .get("/admin/agencies/{slug}/messages/{message}", S, supervision::message)
        .post("/admin/agencies/{slug}/messages/{message}/assign", S, supervision::assign_message)
        .post("/admin/agencies/{slug}/messages/{message}/reply", S, supervision::reply_message)
        .get("/admin/agencies/{slug}/evaluations", S, supervision::evaluations)
        .get("/admin/agencies/{slug}/proposals", S, supervision::proposals)
        .post("/admin/agencies/{slug}/proposals", S, supervision::save_proposal)
        .get("/admin/agencies/{slug}/accountability", S, supervision::accountability)
        .get("/admin/agencies/{slug}/channels", S, channels::list)
        .post("/admin/agencies/{slug}/channels", S, channels::add)
        .post("/admin/agencies/{slug}/channels/{channel}/active", S, channels::set_active)
        .get("/admin/agencies/{slug}/reports/{year}", S, workspace::show)
        .post("/admin/agencies/{slug}/reports/{year}", S, workspace::save)
        .get("/admin/agencies/{slug}/reports/{year}/publish", S, workspace::confirm)
        .post("/admin/agencies/{slug}/reports/{year}/publish", S, workspace::publish)
        .post("/admin/agencies/{slug}/reports/{year}/decision", S, workspace::decide)
        .get("/admin/agencies/{slug}/summary/{year}", S, summary::show)
        .get("/admin/agencies/{slug}/summary/{year}/summary.xlsx", S, summary::workbook)
        .get("/admin/users", S, users::list)
        .get("/admin/users/new", S, users::new_form)
        .post("/admin/users", S, users::create)
        .get("/admin/users/{id}", S, users::show)
        .post("/admin/users/{id}/password", S, users::reset_password)
        .post("/admin/users/{id}/disable", S, users::disable)
        .post("/admin/users/{id}/enable", S, users::enable)
        .post("/admin/users/{id}/email", S, users::set_email)
        .get("/admin/audit", S, audit::list)
        .get("/admin/settings", S, settings::show)
        .post("/admin/settings", S, settings::save)
        .post("/admin/settings/logo", S, settings::upload_logo)
}

/// Renders a back-office page with what every page needs: the person, their CSRF token, the menu.
pub fn page(s: &ActiveSession, name: &str, extra: Value) -> Result<Html<String>, AppError> {
    let p = &s.principal;
    let ctx = context! {
        me => context! {
            display_name => p.display_name.clone(),
            username => p.username.clone(),
            is_system_admin => p.is_system_admin,
            can_manage_users => p.has(Power::ManageAccounts),
            can_audit => p.has(Power::ReadAudit),
        },
        csrf => s.csrf.clone(),
        ..extra
    };
    Ok(Html(views::render(name, ctx)?))
}

/// A back-office page with a form, answered with `status` (`views::form_status`: 422 when it
/// comes back with messages, else 200; or a [`views::Refused`]'s).
pub fn form_page(
    s: &ActiveSession,
    name: &str,
    status: StatusCode,
    extra: Value,
) -> Result<Response, AppError> {
    Ok((status, page(s, name, extra)?).into_response())
}

/// The file of an upload form's `file` field, its name cleaned and its type checked by content
/// (`core::item::attachment_name`, `attachment_type`): (name, content type, bytes). A form that is
/// not an upload, or without a file, or with one of a type not accepted, is refused in words the
/// person can act on; a body over the limit is refused by its own status.
pub(crate) async fn uploaded_file(
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
    unnamed: &str,
) -> Result<UploadedFile, AppError> {
    let Ok(mut multipart) = multipart else {
        return Err(AppError::Unprocessable("请通过上传表单选择文件。".into()));
    };
    let mut file = None;
    while let Some(field) = multipart.next_field().await? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or(unnamed).to_owned();
            file = Some((name, field.bytes().await?));
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(AppError::Unprocessable("请选择要上传的文件。".into()));
    };
    let name = gongkai_core::item::attachment_name(&name);
    let content_type = gongkai_core::item::attachment_type(&name, &bytes)
        .map_err(|e| AppError::Unprocessable(format!("{e}。")))?;
    Ok(UploadedFile {
        name,
        content_type,
        bytes,
    })
}

/// A file received and checked by [`uploaded_file`].
pub(crate) struct UploadedFile {
    name: String,
    content_type: &'static str,
    bytes: axum::body::Bytes,
}

impl UploadedFile {
    /// As the store keeps it.
    pub(crate) fn upload(&self) -> gongkai_store::Upload<'_> {
        gongkai_store::Upload {
            name: &self.name,
            content_type: self.content_type,
            bytes: &self.bytes,
        }
    }
}

/// A store result split three ways: done, refused by the rules (the page comes back saying why,
/// with 422), or a fault (`Err`, answered by [`AppError`]).
pub fn by_rules<T>(result: Result<T, StoreError>) -> Result<Result<T, Rejection>, AppError> {
    match result {
        Ok(done) => Ok(Ok(done)),
        Err(StoreError::Rejected(why)) => Ok(Err(why)),
        Err(e) => Err(e.into()),
    }
}

/// Back to a page of `agency` in the back office after a change: `rest` is the path below the
/// agency's page and any query (`?notice=…` names the message shown there).
pub fn back_to(agency: &Agency, rest: &str) -> Response {
    Redirect::to(&format!("/admin/agencies/{}{rest}", agency.slug)).into_response()
}

/// Every agency and the tree they form.
pub async fn tree(state: &AppState) -> Result<(Vec<Agency>, Hierarchy), AppError> {
    let agencies = Vec::clone(&*state.store.list_agencies().await?);
    let tree = Hierarchy::new(&agencies);
    Ok((agencies, tree))
}

/// An agency as pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct AgencyRow {
    /// URL name.
    pub slug: String,
    /// Full name.
    pub name: String,
    /// Kind, in Chinese.
    pub kind: &'static str,
    /// Depth in the tree (for indentation).
    pub depth: usize,
}

/// Agencies in tree order (each parent followed by its members), with depth.
pub fn tree_order(agencies: &[Agency], keep: impl Fn(&Agency) -> bool) -> Vec<(&Agency, usize)> {
    fn walk<'a>(
        all: &'a [Agency],
        parent: Option<&gongkai_core::Slug>,
        depth: usize,
        out: &mut Vec<(&'a Agency, usize)>,
    ) {
        for a in all.iter().filter(|a| a.parent.as_ref() == parent) {
            if depth > all.len() || out.iter().any(|(x, _)| x.slug == a.slug) {
                continue;
            }
            out.push((a, depth));
            walk(all, Some(&a.slug), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(agencies, None, 0, &mut out);
    // Agencies whose parent is missing still appear.
    for a in agencies {
        if !out.iter().any(|(x, _)| x.slug == a.slug) {
            out.push((a, 0));
        }
    }
    out.into_iter().filter(|(a, _)| keep(a)).collect()
}

/// Rows for a template.
pub fn rows(ordered: &[(&Agency, usize)]) -> Value {
    let rows: Vec<AgencyRow> = ordered
        .iter()
        .map(|(a, depth)| AgencyRow {
            slug: a.slug.to_string(),
            name: a.name.clone(),
            kind: a.kind.label(),
            depth: *depth,
        })
        .collect();
    Value::from(Serde(rows))
}

/// The message for a `?notice=` key; unknown keys show nothing, so no text is reflected.
pub fn notice(key: Option<&str>) -> Option<&'static str> {
    Some(match key? {
        "password_changed" => "密码已修改。其他设备上的登录已全部退出。",
        "agency_created" => "机关已添加。",
        "agency_updated" => "机关信息已保存。",
        "granted" => "角色已授予。",
        "already_granted" => "该用户已有此角色，未做更改。",
        "revoked" => "角色已撤销。",
        "user_not_found" => "没有这个用户名的用户。请先在“用户”中新建账号。",
        "disabled" => "账号已停用，其登录已全部退出。",
        "enabled" => "账号已启用。",
        "texts_saved" => "报告正文已保存。",
        "deadline_set" => "年度报告发布期限已保存。",
        "step_done" => "已记录办理步骤；需要出具的文书已生成，见“文书”。",
        "assigned" => "经办人已更新。",
        "file_added" => "文件已上传，作出答复时将列入答复书。",
        "file_removed" => "文件已删除。",
        "item_saved" => "草稿已保存为新版本。",
        "item_reviewed" => "审核操作已记录。",
        "item_revising" => {
            "已发起更正：请修改下方草稿并提交初审；终审通过前，门户仍显示已发布的版本。"
        }
        "item_withdrawn" => "信息已撤回：门户上该信息的地址改为显示撤回公告。",
        "item_marked" => "有效性已标注，门户已同步显示。",
        "email_set" => "通知邮箱已保存。",
        "case_saved" => "复议、诉讼案件已记录。",
        "registered" => "申请已登记，接收回执已生成。",
        "letter_settings_saved" => "文书设置已保存。",
        "index_pattern_saved" => {
            "索引号格式已保存，此后发布的信息按新格式编号；已发布信息的索引号不变。"
        }
        "published" => "年度报告已发布，并已在“信息公开年度报告”栏目公开。",
        "proposed" => "已提请分管领导批准；批准后报告即公开。",
        "returned" => "发布申请已退回，报告未公开。",
        "site_saved" => "网站设置已保存，所有公开页面的页头、页脚和页面标签已更新。",
        "agency_site_saved" => "本机关页面的主办单位和联系方式已保存。",
        "logo_saved" => "标志图片已上传，所有公开页面的页头已更新。",
        _ => return None,
    })
}

/// A report year staff can work on (`core::report::year`); anything else is 404.
pub fn report_year(state: &AppState, year: &str) -> Result<i32, AppError> {
    Ok(gongkai_core::report::year::working_year(
        year,
        state.clock.today(),
    )?)
}

//! Rendering: the page templates (compiled once and embedded in the binary) and the typed view
//! structs that several pages share, so that an agency, an option of a list or a field's message
//! is given to every template in the same shape.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use gongkai_core::Agency;
use gongkai_core::site::SiteIdentity;
use minijinja::Environment;
use serde::Serialize;

use crate::error::AppError;
use gongkai_store::StoreError;

/// Every template under `templates/`, embedded at build time (no list to keep by hand), named by
/// its path there: `portal/…`, `admin/…`, `layout/…`.
static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = gongkai_docs::environment_with(embedded);
    env.set_formatter(without_controls);
    env
});

/// Escapes as usual, and writes any control character of a visitor's text (a NUL or an escape
/// in a query string echoed back into a search box or a heading) as a space: one place for every
/// page instead of a clean-up in each handler.
fn without_controls(
    out: &mut minijinja::Output<'_>,
    state: &mut minijinja::State<'_, '_>,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    match value.as_str() {
        Some(text) if !value.is_safe() && gongkai_core::text::has_control(text, true) => {
            let clean = minijinja::Value::from(gongkai_core::text::without_controls(text));
            minijinja::escape_formatter(out, state, &clean)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

#[allow(
    elided_lifetimes_in_paths,
    reason = "the code minijinja-embed generates"
)]
fn embedded(env: &mut Environment<'static>) {
    minijinja_embed::load_templates!(*env);
}

/// The site's identity as templates read it (`site.site_name`, `site.psb_href`…): the saved
/// settings and the links derived from them.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    /// The settings.
    #[serde(flatten)]
    pub identity: SiteIdentity,
    /// Where the 公安机关 record number links.
    pub psb_href: Option<String>,
    /// Where 「我为政府网站找错」 links.
    pub zhaocuo_href: String,
    /// Where the ICP number links.
    pub icp_href: &'static str,
    /// All of the above as templates read it, converted once: every page renders it, and
    /// converting it per page was a tenth of an item page's rendering.
    #[serde(skip)]
    template: minijinja::Value,
    /// The header and footer of every public page, rendered once per reading mode: they depend
    /// only on the identity and the mode, and including them was a third of a page's rendering.
    #[serde(skip)]
    chrome: [std::sync::OnceLock<Chrome>; crate::portal::display::MODES],
}

/// A page's header and footer, rendered (`layout/header.html`, `layout/footer.html`).
#[derive(Debug, Clone)]
struct Chrome {
    header: minijinja::Value,
    footer: minijinja::Value,
}

impl SiteView {
    /// The header and footer in `display`, rendered at the first page in that mode.
    fn chrome(&self, display: crate::portal::display::Display) -> Result<Chrome, minijinja::Error> {
        let slot = &self.chrome[display.ordinal()];
        if let Some(made) = slot.get() {
            return Ok(made.clone());
        }
        let ctx = layout_context(display, self, None, minijinja::context! {});
        let part = |name: &str| -> Result<minijinja::Value, minijinja::Error> {
            Ok(minijinja::Value::from_safe_string(
                TEMPLATES.get_template(name)?.render(&ctx)?,
            ))
        };
        let rendered = Chrome {
            header: part("layout/header.html")?,
            footer: part("layout/footer.html")?,
        };
        Ok(slot.get_or_init(|| rendered).clone())
    }
}

/// What the layout reads in every template — the reading mode, the site's identity and, once
/// rendered, the header and footer — around the page's own `page` context.
fn layout_context(
    display: crate::portal::display::Display,
    site: &SiteView,
    chrome: Option<Chrome>,
    page: minijinja::Value,
) -> minijinja::Value {
    let (site_header, site_footer) = chrome.map(|c| (c.header, c.footer)).unzip();
    minijinja::context! {
        site_header,
        site_footer,
        large_text => display.text > 0,
        display => minijinja::Value::from(minijinja::value::Serde(display)),
        display_classes => display.classes(),
        site => site.template.clone(),
        ..page
    }
}

impl From<SiteIdentity> for SiteView {
    fn from(identity: SiteIdentity) -> Self {
        let mut view = Self {
            psb_href: identity.psb_href(),
            zhaocuo_href: identity.zhaocuo_href().to_owned(),
            icp_href: gongkai_core::site::ICP_LOOKUP,
            identity,
            template: minijinja::Value::UNDEFINED,
            chrome: std::array::from_fn(|_| std::sync::OnceLock::new()),
        };
        view.template = minijinja::Value::from(minijinja::value::Serde(&view));
        view
    }
}

tokio::task_local! {
    /// The site's identity for the request being answered ([`site_for`]); every page's header,
    /// footer and `<head>` read it, error pages included.
    pub static SITE: Arc<SiteView>;
}

/// The whole site's identity as the last page rendered had it: [`render`] uses it for the pages
/// written outside a request's site (the HTTP parser's refusals, a missing file under /assets/).
static LAST_SITE: std::sync::RwLock<Option<Arc<SiteView>>> = std::sync::RwLock::new(None);

/// Keeps the whole site's identity for the pages written outside any request. Written only when
/// it changed: every page passes here, and a write lock would queue them.
pub(crate) fn remember_site(view: &Arc<SiteView>) {
    let changed = LAST_SITE
        .read()
        .is_ok_and(|last| last.as_ref().is_none_or(|l| l.identity != view.identity));
    if changed && let Ok(mut last) = LAST_SITE.write() {
        *last = Some(Arc::clone(view));
    }
}

/// The view of an identity the store keeps ready, made once per identity rather than once per
/// page: the store hands out the same `Arc` until a write, so the view is found by it. The views
/// made hold their identity, so a pointer is never reused while it is kept; a handful at most
/// (the site's and the agencies' that set their own).
fn site_view(identity: Arc<SiteIdentity>) -> Arc<SiteView> {
    type Made = Vec<(Arc<SiteIdentity>, Arc<SiteView>)>;
    static MADE: std::sync::RwLock<Made> = std::sync::RwLock::new(Vec::new());
    if let Ok(made) = MADE.read()
        && let Some((_, view)) = made.iter().find(|(from, _)| Arc::ptr_eq(from, &identity))
    {
        return Arc::clone(view);
    }
    let view = Arc::new(SiteView::from(SiteIdentity::clone(&identity)));
    if let Ok(mut made) = MADE.write() {
        // Identities replaced by a write are no longer handed out: start again past a few.
        if made.len() >= 64 {
            made.clear();
        }
        made.push((identity, Arc::clone(&view)));
    }
    view
}

/// Whether what `path` answers shows the site's identity (pages do; the API, files and the
/// health check do not).
pub(crate) fn shows_site(path: &str) -> bool {
    !(crate::api::owns(path)
        || path.starts_with("/assets/")
        || path == "/healthz"
        || path == "/favicon.ico")
}

/// The site's identity every template of the request to `path` renders with, error pages
/// included (the store keeps it ready between writes, so this is no query per request); on an
/// agency's pages, what that agency shows of its own. `None` where no page is rendered (the API,
/// assets, the health check). Part of `crate::frame`, which scopes [`SITE`] with it.
pub(crate) async fn site_for(state: &crate::AppState, path: &str) -> Option<Arc<SiteView>> {
    if !shows_site(path) {
        return None;
    }
    // An agency's pages carry its own 主办/承办 and contact where it set them.
    // Decoded as the router decodes it: `/agencies/yiyuan%2Dxili/…` is the town's page, and
    // had the whole site's footer. (`crate::frame` sends a GET of it to its plain spelling
    // first; a form posted to it still answers here.)
    let agency = path
        .strip_prefix("/agencies/")
        .and_then(|rest| rest.split('/').next())
        .and_then(|slug| {
            percent_encoding::percent_decode_str(slug)
                .decode_utf8()
                .ok()
        })
        .and_then(|slug| gongkai_core::Slug::parse(&slug).ok());
    let whole_site = agency.is_none();
    let identity = match agency {
        Some(slug) => state.store.agency_identity(&slug).await,
        None => state.store.site_identity().await,
    };
    let view = match identity {
        Ok(site) => site_view(site),
        Err(e) => {
            // The page can still be answered; its footer then shows the defaults.
            tracing::error!(error = ?e, "site settings unavailable");
            Arc::new(SiteView::from(SiteIdentity::default()))
        }
    };
    if whole_site {
        remember_site(&view);
    }
    Some(view)
}

/// Renders a page template.
pub fn render(name: &str, ctx: minijinja::Value) -> Result<String, minijinja::Error> {
    let display = crate::portal::display::current();
    // Outside a request's site (a missing file under /assets/, the HTTP parser's refusals), the site
    // as last seen, not a nameless page.
    let site = SITE
        .try_with(Arc::clone)
        .ok()
        .or_else(|| LAST_SITE.read().ok().and_then(|s| s.clone()))
        .unwrap_or_else(|| Arc::new(SiteView::from(SiteIdentity::default())));
    let chrome = site.chrome(display)?;
    TEMPLATES
        .get_template(name)?
        .render(layout_context(display, &site, Some(chrome), ctx))
}

/// A public page (`portal/…`): the template rendered as HTML.
pub fn page(name: &str, ctx: minijinja::Value) -> Result<Response, AppError> {
    Ok(Html(render(name, ctx)?).into_response())
}

/// A visitor's value as a message quotes it back: trimmed, each control character or direction
/// mark (`core::text::is_direction_mark`) shown as �, cut to `chars` characters with an ellipsis
/// (a 3,000-character value is not echoed whole). Shown, not dropped: "发布年份“2024”无法识别"
/// read as if 2024 itself were refused (a helper's walk).
pub(crate) fn quoted(value: &str, chars: usize) -> String {
    let clean: String = value
        .trim()
        .chars()
        .map(|c| {
            if gongkai_core::text::is_direction_mark(c) || gongkai_core::text::is_control(c, true) {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect();
    let mut shown: String = clean.chars().take(chars).collect();
    if shown.len() < clean.len() {
        shown.push('…');
    }
    shown
}

/// The stylesheet.
pub const STYLESHEET: &str = include_str!("../assets/site.css");

/// An agency as pages name and link it (`agency.slug`, `agency.name`, `agency.kind`).
#[derive(Debug, Clone, Serialize)]
pub struct AgencyView {
    /// URL name.
    pub slug: String,
    /// Full name.
    pub name: String,
    /// Kind, in Chinese.
    pub kind: &'static str,
}

impl From<&Agency> for AgencyView {
    fn from(a: &Agency) -> Self {
        Self {
            slug: a.slug.to_string(),
            name: a.name.clone(),
            kind: a.kind.label(),
        }
    }
}

impl From<AgencyView> for minijinja::Value {
    fn from(a: AgencyView) -> Self {
        Self::from(minijinja::value::Serde(a))
    }
}

/// One option of a list or a group of radio buttons (`layout/macros.html` renders them).
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    /// What the form sends.
    pub value: String,
    /// What a person reads.
    pub label: String,
}

impl Choice {
    /// An option.
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
        }
    }

    /// An agency as an option, indented by its depth in the tree.
    pub fn agency(a: &Agency, depth: usize) -> Self {
        Self::new(a.slug.as_str(), format!("{}{}", "　".repeat(depth), a.name))
    }

    /// Options from keys and labels (the enums of `gongkai_core` all have both).
    pub fn all<K: Into<String>, L: Into<String>>(
        pairs: impl IntoIterator<Item = (K, L)>,
    ) -> Vec<Self> {
        pairs.into_iter().map(|(k, l)| Self::new(k, l)).collect()
    }
}

impl From<Choice> for minijinja::Value {
    fn from(c: Choice) -> Self {
        Self::from(minijinja::value::Serde(c))
    }
}

/// Each field's message, by field name, as the form macros read them (`errors[name]`).
pub fn field_errors(problems: &[(&str, String)]) -> minijinja::Value {
    let by_field: BTreeMap<&str, &str> = problems.iter().map(|(k, v)| (*k, v.as_str())).collect();
    minijinja::Value::from(minijinja::value::Serde(by_field))
}

/// Why a form comes back, and with which status: 422 for a value the rules refuse, 409 for a value
/// that is someone else's already (a name taken) — the same mapping as [`AppError`]'s.
#[derive(Debug, Clone)]
pub struct Refused {
    /// 422 or 409.
    pub status: StatusCode,
    /// What to change, in Chinese.
    pub message: String,
}

impl Refused {
    /// A value the rules refuse (422).
    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: message.into(),
        }
    }

    /// The refusal a store error is to a form: the rules' (422) or a conflict (409); anything else
    /// is not the user's to fix and stays an error.
    pub fn from_store(e: StoreError) -> Result<Self, AppError> {
        match e {
            StoreError::Rejected(why) => Ok(Self::invalid(why.message)),
            StoreError::Conflict(why) => Ok(Self {
                status: StatusCode::CONFLICT,
                message: why,
            }),
            other => Err(other.into()),
        }
    }
}

/// The status of a form page: 422 when it comes back with messages, else 200.
pub fn form_status(refused: bool) -> StatusCode {
    if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

/// Documents served as pages (letters, reports) carry their own print styles and no scripts.
pub const DOCUMENT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'";

/// Percent-encodes a file name for `filename*` (RFC 5987).
fn percent(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// A file answered with its type and `Content-Disposition` (and any further headers).
pub fn file(
    content_type: &str,
    disposition: String,
    more: &[(HeaderName, &str)],
    body: impl IntoResponse,
) -> Response {
    let mut response = (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response();
    for (name, value) in more {
        if let Ok(v) = HeaderValue::from_str(value) {
            response.headers_mut().insert(name.clone(), v);
        }
    }
    response
}

/// An uploaded attachment as a download: shown in place when a browser can (images, PDF),
/// sandboxed, under its own name.
pub fn download(name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let inline = content_type.starts_with("image/") || content_type == "application/pdf";
    let disposition = format!(
        "{}; filename=\"attachment\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        percent(name)
    );
    let sandbox = [(
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; sandbox",
    )];
    file(content_type, disposition, &sandbox, bytes)
}

/// A workbook (XLSX) as a download named `name`.
pub fn workbook(name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    file(
        gongkai_docs::Format::Xlsx.content_type(),
        disposition,
        &[],
        bytes,
    )
}

/// A letter of a request: `docx` for the Word file, anything else for the printable page. Letters
/// hold personal data: never kept by a cache.
pub fn letter(l: &gongkai_core::letter::Letter, format: &str) -> Result<Response, AppError> {
    let private = (header::CACHE_CONTROL, "private, no-store");
    if format == "docx" {
        let bytes = gongkai_docs::letter_docx(l).map_err(|e| AppError::Internal(e.into()))?;
        let disposition = format!(
            "attachment; filename=\"letter.docx\"; filename*=UTF-8''{}.docx",
            percent(&l.number.replace(['〔', '〕'], "-"))
        );
        let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        Ok(file(docx, disposition, &[private], bytes))
    } else {
        let html = gongkai_docs::letter_html(l).map_err(|e| AppError::Internal(e.into()))?;
        Ok((
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CONTENT_SECURITY_POLICY, DOCUMENT_CSP),
                private,
            ],
            html,
        )
            .into_response())
    }
}

/// A size as people read it.
pub fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        let tenths = bytes * 10 / (1024 * 1024);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// A finding as the back office and the checker page list it.
#[derive(Debug, Serialize)]
pub struct FindingRow {
    /// 错误 or 提示.
    pub severity: &'static str,
    /// The relation id.
    pub relation: &'static str,
    /// What is wrong and what to do.
    pub message: String,
    /// Where.
    pub location: String,
}

impl From<&gongkai_core::report::Finding> for FindingRow {
    fn from(f: &gongkai_core::report::Finding) -> Self {
        Self {
            severity: if f.severity == gongkai_core::report::Severity::Error {
                "错误"
            } else {
                "提示"
            },
            relation: f.relation.id(),
            message: f.message.clone(),
            location: f.location.clone().unwrap_or_default(),
        }
    }
}

/// The address of an agency's item list, of one category (`category` non-empty) or of all;
/// ends in `?` or `&`, ready for more of the query (`page=…`).
pub(crate) fn items_query(slug: &str, category: &str) -> String {
    if category.is_empty() {
        format!("/agencies/{slug}/items?")
    } else {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair("category", category);
        format!("/agencies/{slug}/items?{}&", s.finish())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_quoted_value_marks_controls_and_direction_marks_and_is_cut() {
        assert_eq!(
            super::quoted("  2024\u{202E}abc\u{0007} ", 20),
            "2024\u{FFFD}abc\u{FFFD}"
        );
        assert_eq!(
            super::quoted("\u{2066}栏目\u{2069}\u{200F}", 20),
            "\u{FFFD}栏目\u{FFFD}\u{FFFD}"
        );
        assert_eq!(super::quoted("一二三四五", 3), "一二三…");
        assert_eq!(super::quoted("一二三", 3), "一二三");
    }

    #[test]
    fn every_page_template_compiles() {
        for name in super::TEMPLATES
            .templates()
            .map(|(n, _)| n.to_owned())
            .collect::<Vec<_>>()
        {
            let r = super::TEMPLATES.get_template(&name);
            assert!(r.is_ok(), "{name}: {:?}", r.err());
        }
        let r = super::render(
            "admin/summary.html",
            minijinja::context! { office => minijinja::context!{ slug => "a", name => "b" }, year => 2024, rows => Vec::<i32>::new(), article => "" },
        );
        assert!(r.is_ok(), "{:#}", r.err().unwrap());
    }

    /// A page rendered outside any request's site (a missing file under /assets/) carries the
    /// site last seen, not the defaults' nameless one. Only this test keeps a site here.
    #[test]
    fn a_page_outside_a_request_carries_the_site_last_seen() {
        let identity = gongkai_core::site::SiteIdentity {
            site_name: "测试县人民政府".into(),
            ..Default::default()
        };
        super::remember_site(&std::sync::Arc::new(super::SiteView::from(identity)));
        let html = super::render(
            "layout/error.html",
            minijinja::context! { title => "没有找到", message => "请检查网址。" },
        )
        .unwrap_or_else(|e| panic!("{e:#}"));
        assert!(html.contains("测试县人民政府"), "{html}");
    }

    #[test]
    fn a_refused_field_is_marked_invalid_and_described_by_its_message() {
        use super::{Choice, field_errors};
        let errors = field_errors(&[("name", "请填写姓名或名称。".to_owned())]);
        let html = super::render(
            "admin/request_new.html",
            minijinja::context! {
                me => minijinja::context! { display_name => "甲", username => "a" },
                csrf => "t",
                agency => minijinja::context! { slug => "yiyuan-xili", name => "西里镇" },
                form => minijinja::context! {
                    kind => "business", name => "", id_document => "", contact => "", address => "",
                    description => "", delivery => "电子邮件", arrived_on => "2025-03-01", confirmed_on => "",
                },
                channels => Vec::<i32>::new(),
                kinds => Choice::all([("natural_person", "自然人"), ("business", "商业企业")]),
                deliveries => Choice::all(gongkai_core::application::DELIVERY.map(|d| (d, d))),
                errors,
                today => "2025-03-01",
                can_handle => true,
            },
        )
        .unwrap();
        assert!(html.contains(
            r#"<label for="name">姓名或名称<span class="required" aria-hidden="true">*</span></label><input id="name" name="name" value="" aria-required="true" aria-invalid="true" aria-describedby="name-error"><span id="name-error" class="field-error">请填写姓名或名称。</span>"#
        ), "{html}");
        assert!(
            html.contains(
                r#"<input id="contact" name="contact" value="" aria-required="true"></p>"#
            ),
            "a field without a message is not marked invalid"
        );
        assert_eq!(
            html.matches("为必填项").count(),
            1,
            "the mark explained once"
        );
        assert!(
            html.contains(r#"type="date" value="2025-03-01" max="2025-03-01" required>"#),
            "markup written in the template stays markup"
        );
        assert!(html.contains(
            r#"<option value="">请选择</option><option value="natural_person">自然人</option><option value="business" selected>商业企业</option>"#
        ));
        assert!(html.contains(r#"<option value="电子邮件" selected>电子邮件</option>"#));
    }
}

/// Rows shown per page of a staff list (the request queue, messages).
pub const PER_PAGE: usize = 100;

/// One page of a long list, and the ways a reader moves through it: 首页, 上一页, the numbers of
/// the pages around this one (and the first and last), 下一页, 尾页, and a box to go to any page.
/// Prev and next alone left page 300 of 500 three hundred clicks away. One shape for every
/// paged list (`layout/pager.html`): the portal's lists and search results, the staff queues.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct Pager {
    /// This page, from 1.
    pub page: usize,
    /// How many pages.
    pub pages: usize,
    /// Rows in the whole list.
    pub total: usize,
    /// Whether `total` is an estimate (a search's 约 N).
    pub about: bool,
    /// The previous page's address, if any.
    pub prev: Option<String>,
    /// The next page's address, if any.
    pub next: Option<String>,
    /// The first page's address, unless this is it.
    pub first: Option<String>,
    /// The last page's address, unless this is it.
    pub last: Option<String>,
    /// The page numbers shown: the first, the last, and two either side of this one.
    pub numbers: Vec<PageNumber>,
    /// Where the 跳转 form goes: the list's path.
    pub path: String,
    /// The list's own query pairs (its filters), as hidden fields of the 跳转 form.
    pub keep: Vec<(String, String)>,
}

/// A page number in a [`Pager`].
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct PageNumber {
    /// The page.
    pub page: usize,
    /// Its address; `None` for the page shown.
    pub href: Option<String>,
    /// Whether pages are skipped before this one (an ellipsis is shown).
    pub gap: bool,
}

impl Pager {
    /// Page `page` of `pages` (`total` rows), with links `base` + `page=N` (`base` ends in `?`
    /// or `&`; what comes between its `?` and the end are the list's filters).
    pub fn new(page: usize, pages: usize, total: usize, base: &str) -> Self {
        let pages = pages.max(1);
        let page = page.clamp(1, pages);
        let link = |n: usize| format!("{base}page={n}");
        let (path, query) = base.split_once('?').unwrap_or((base, ""));
        let keep = form_urlencoded::parse(query.as_bytes())
            .filter(|(k, _)| k != "page")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut shown: Vec<usize> = [1, pages]
            .into_iter()
            .chain(page.saturating_sub(2).max(1)..=(page + 2).min(pages))
            .collect();
        shown.sort_unstable();
        shown.dedup();
        let numbers = shown
            .iter()
            .enumerate()
            .map(|(i, &n)| PageNumber {
                page: n,
                href: (n != page).then(|| link(n)),
                gap: i > 0 && shown[i - 1] + 1 < n,
            })
            .collect();
        Self {
            page,
            pages,
            total,
            about: false,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
            first: (page > 1).then(|| link(1)),
            last: (page < pages).then(|| link(pages)),
            numbers,
            path: path.to_owned(),
            keep,
        }
    }
}

impl Pager {
    /// The same pager with every link, the 跳转 form's included, ending in `#anchor`: a list
    /// lower on its page (the staff's older items) opens at its heading, not at the page's top.
    #[must_use]
    pub fn at(mut self, anchor: &str) -> Self {
        let end = |href: &mut String| {
            href.push('#');
            href.push_str(anchor);
        };
        for href in [
            &mut self.prev,
            &mut self.next,
            &mut self.first,
            &mut self.last,
        ]
        .into_iter()
        .flatten()
        {
            end(href);
        }
        for n in &mut self.numbers {
            if let Some(href) = &mut n.href {
                end(href);
            }
        }
        end(&mut self.path);
        self
    }
}

/// How many pages `total` rows make at `per_page` a page: at least one, since an empty list is
/// shown as one page saying so. A count from the database that does not fit (negative, or past
/// `usize`) is taken as none.
pub fn page_count(total: impl TryInto<usize>, per_page: usize) -> usize {
    total
        .try_into()
        .unwrap_or(0)
        .div_ceil(per_page.max(1))
        .max(1)
}

/// Page `page` (from 1; past the end: the last) of `rows`, `per_page` at a time, with links
/// `base` + `page=N` (`base` ends in `?` or `&`).
pub fn paginate<T>(rows: Vec<T>, page: usize, per_page: usize, base: &str) -> (Vec<T>, Pager) {
    let total = rows.len();
    let pager = Pager::new(page, page_count(total, per_page), total, base);
    let shown = rows
        .into_iter()
        .skip((pager.page - 1) * per_page)
        .take(per_page)
        .collect();
    (shown, pager)
}

#[cfg(test)]
mod pager_tests {
    use super::{Pager, page_count, paginate};

    #[test]
    fn a_count_makes_at_least_one_page_and_a_bad_one_none_more() {
        assert_eq!(page_count(0_usize, 20), 1);
        assert_eq!(page_count(20_usize, 20), 1);
        assert_eq!(page_count(21_i64, 20), 2);
        assert_eq!(page_count(100_024_i64, 20), 5_002);
        // A count the database could not have given is no rows, not a panic or a wrap.
        assert_eq!(page_count(-5_i64, 20), 1);
        assert_eq!(page_count(7_usize, 0), 7);
    }

    #[test]
    fn a_long_list_is_cut_into_pages_with_links_beside_each() {
        let (rows, p) = paginate((1..=250).collect(), 3, 100, "/q?f=x&");
        assert_eq!(rows, (201..=250).collect::<Vec<_>>());
        assert_eq!((p.page, p.pages, p.total), (3, 3, 250));
        assert_eq!(p.prev.as_deref(), Some("/q?f=x&page=2"));
        assert_eq!(p.next, None);
        let (rows, p) = paginate((1..=250).collect::<Vec<i32>>(), 0, 100, "?");
        assert_eq!(
            (rows.len(), p.page, p.next.as_deref()),
            (100, 1, Some("?page=2"))
        );
        let (rows, p) = paginate(Vec::<i32>::new(), 9, 100, "?");
        assert_eq!((rows.len(), p.page, p.pages), (0, 1, 1));
    }

    fn shown(p: &Pager) -> String {
        p.numbers
            .iter()
            .map(|n| {
                let gap = if n.gap { "… " } else { "" };
                match n.href {
                    Some(_) => format!("{gap}{}", n.page),
                    None => format!("{gap}[{}]", n.page),
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn the_numbers_shown_are_the_ends_and_two_either_side() {
        let at = |page, pages| Pager::new(page, pages, pages * 20, "/l?category=a+b&");
        assert_eq!(shown(&at(1, 1)), "[1]");
        assert_eq!(shown(&at(1, 3)), "[1] 2 3");
        assert_eq!(shown(&at(4, 7)), "1 2 3 [4] 5 6 7");
        assert_eq!(shown(&at(300, 500)), "1 … 298 299 [300] 301 302 … 500");
        assert_eq!(shown(&at(500, 500)), "1 … 498 499 [500]");
        assert_eq!(shown(&at(4, 500)), "1 2 3 [4] 5 6 … 500");
        let p = at(300, 500);
        assert_eq!(p.first.as_deref(), Some("/l?category=a+b&page=1"));
        assert_eq!(p.last.as_deref(), Some("/l?category=a+b&page=500"));
        assert_eq!(
            p.numbers[1].href.as_deref(),
            Some("/l?category=a+b&page=298")
        );
        // The 跳转 form goes to the list's path and carries its filters, not its page.
        assert_eq!(p.path, "/l");
        assert_eq!(p.keep, vec![("category".to_owned(), "a b".to_owned())]);
        let ends = at(1, 500);
        assert_eq!((ends.first, ends.prev), (None, None));
        let ends = at(500, 500);
        assert_eq!((ends.last, ends.next), (None, None));
        let anchored = at(300, 500).at("legacy-h");
        assert_eq!(
            anchored.prev.as_deref(),
            Some("/l?category=a+b&page=299#legacy-h")
        );
        assert_eq!(
            anchored.numbers[0].href.as_deref(),
            Some("/l?category=a+b&page=1#legacy-h")
        );
        assert_eq!(anchored.path, "/l#legacy-h");
    }

    proptest::proptest! {
        /// Whatever the page, the numbers run upwards, hold this page (unlinked) and both ends,
        /// and an ellipsis stands exactly where numbers are skipped.
        #[test]
        fn the_numbers_always_hold_this_page_and_both_ends(pages in 1usize..2000, page in 0usize..2100) {
            let p = Pager::new(page, pages, pages, "/x?");
            let n: Vec<usize> = p.numbers.iter().map(|n| n.page).collect();
            proptest::prop_assert!(n.windows(2).all(|w| w[0] < w[1]));
            proptest::prop_assert_eq!(n.first(), Some(&1));
            proptest::prop_assert_eq!(n.last(), Some(&p.pages));
            proptest::prop_assert!(p.numbers.iter().any(|x| x.page == p.page && x.href.is_none()));
            proptest::prop_assert_eq!(p.numbers.iter().filter(|x| x.href.is_none()).count(), 1);
            for (i, x) in p.numbers.iter().enumerate() {
                proptest::prop_assert_eq!(x.gap, i > 0 && n[i - 1] + 1 < x.page);
            }
            proptest::prop_assert!(n.len() <= 7);
        }
    }
}

//! Rich text as staff write it — item bodies and the guide's sections: the one sanitiser every
//! saved body goes through, the preview as the portal will show it, the pictures a body shows and
//! the small editor (`assets/editor.js`) that puts a toolbar over the plain textarea.
//!
//! The sanitiser is the authority: the editor only makes typing and pasting pleasant, and a page
//! without JavaScript sends the same textarea, whose blank lines become paragraphs.

use std::sync::LazyLock;

use axum::extract::{Form, Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use regex::Regex;
use serde::Deserialize;

use crate::error::AppError;
use crate::extract::{AgencyScope, DraftPath, Drafter};
use crate::{Access, AppState, Routes};
use gongkai_core::auth::Duty;

/// The editor's routes: its script, the preview and the pictures bodies show.
pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/assets/editor.js", Access::Public, script)
        .post("/admin/agencies/{slug}/preview", Access::Staff, preview)
        .post(
            "/admin/agencies/{slug}/items/{draft}/pictures",
            Access::Staff,
            upload_picture,
        )
        .get(
            "/agencies/{slug}/pictures/{attachment}",
            Access::Public,
            picture,
        )
}

/// The editor: a toolbar of real buttons over a `contenteditable` area that writes back into the
/// textarea it replaces. Written for this app (about 300 lines, no build step, no network) rather
/// than vendored: the small editors (pell, Squire) have no tables or pictures and the complete
/// ones (`TinyMCE`, `CKEditor`, Quill) are hundreds of kilobytes with their own plugin systems.
pub const EDITOR_SCRIPT: &str = include_str!("../assets/editor.js");

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        EDITOR_SCRIPT,
    )
        .into_response()
}

/// Rich text that survives: paragraphs, headings, lists, tables, emphasis, links and images —
/// no scripts, styles, event handlers or frames (ammonia's allowlist), and no `<span>` or
/// `<font>`, which only ever carry styling (their text stays). Word's and WPS's list
/// paragraphs become real lists first, since their numbering is only styled text; empty
/// paragraphs and pictures that are not this site's (the author's own disk, `file:///C:/…`, or
/// another site) are dropped.
pub fn clean(html: &str) -> String {
    static NO_SOURCE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"<img(?:\s+(?:alt|width|height)=\x22[^\x22]*\x22)*\s*>").expect("pictures")
    });
    static EMPTY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"<p>(?:\s|&nbsp;|\u{a0}|<br>)*</p>").expect("empty paragraphs")
    });
    let html = word_lists(&paragraphs(html));
    let cleaned = ammonia::Builder::default()
        .add_clean_content_tags(["title", "xml"])
        .rm_tags(["span", "font"])
        .link_rel(Some("noopener noreferrer"))
        // A picture is this site's own (uploaded with 插入图片): one from elsewhere would not
        // show under the pages' content security policy, and would tell another site who reads.
        .attribute_filter(|element, attribute, value| {
            let own = value.starts_with('/') && !value.starts_with("//");
            (element != "img" || attribute != "src" || own).then(|| value.into())
        })
        .clean(&html)
        .to_string();
    let cleaned = NO_SOURCE.replace_all(&cleaned, "");
    EMPTY.replace_all(&cleaned, "").trim().to_owned()
}

/// Text typed without block markup (a plain textarea, no editor): its blank lines separate
/// paragraphs and its single line breaks stay line breaks, as the clerk typed them — HTML would
/// otherwise run it all into one block. Text with block markup (pasted from Word or WPS, or from
/// the editor) is left as it is.
fn paragraphs(text: &str) -> String {
    const BLOCKS: [&str; 14] = [
        "<p",
        "<div",
        "<h1",
        "<h2",
        "<h3",
        "<h4",
        "<h5",
        "<h6",
        "<ul",
        "<ol",
        "<table",
        "<br",
        "<blockquote",
        "<pre",
    ];
    let lower = text.to_ascii_lowercase();
    if BLOCKS.iter().any(|b| lower.contains(b)) {
        return text.to_owned();
    }
    let text = text.replace("\r\n", "\n");
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let lines: Vec<&str> = p.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            format!("<p>{}</p>", lines.join("<br>"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Word and WPS write a list as paragraphs styled `mso-list`, each starting with its bullet or
/// number inside `<!--[if !supportLists]-->…<!--[endif]-->`. Consecutive ones become one `<ol>`
/// (the marker is a number or letter: `1.` `（一）` `a)`) or `<ul>` (a bullet), the marker removed.
fn word_lists(html: &str) -> String {
    static PARAGRAPH: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?is)<p\b([^>]*)>(.*?)</p>").expect("paragraph"));
    static MARKER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?is)<!(?:--)?\[if !supportLists\](?:--)?>(.*?)<!(?:--)?\[endif\](?:--)?>|<span[^>]*mso-list:\s*Ignore[^>]*>(.*?)</span>(?:\s*</span>)*",
        )
        .expect("marker")
    });
    static TAGS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^>]*>").expect("tags"));
    static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[(（]?[0-9０-９a-zA-Z一二三四五六七八九十ivxIVX]+[.．、)）]?$")
            .expect("numbered")
    });
    let mut out = String::with_capacity(html.len());
    let mut open: Option<&str> = None;
    let mut last = 0;
    for m in PARAGRAPH.captures_iter(html) {
        let whole = m.get(0).expect("match");
        let attrs = &m[1];
        let between = &html[last..whole.start()];
        let is_item = attrs.contains("mso-list") || attrs.contains("MsoListParagraph");
        if let Some(kind) = open
            && (!is_item || !between.trim().is_empty())
        {
            out.extend(["</", kind, ">"]);
            open = None;
        }
        out.push_str(between);
        last = whole.end();
        if !is_item {
            out.push_str(whole.as_str());
            continue;
        }
        let body = &m[2];
        let marker = MARKER.captures(body);
        let marker_text = marker
            .as_ref()
            .and_then(|c| c.get(1).or_else(|| c.get(2)))
            .map(|t| TAGS.replace_all(t.as_str(), "").replace("&nbsp;", " "))
            .unwrap_or_default();
        let kind = if NUMBERED.is_match(marker_text.trim().trim_matches('\u{a0}')) {
            "ol"
        } else {
            "ul"
        };
        if open != Some(kind) {
            if let Some(previous) = open {
                out.extend(["</", previous, ">"]);
            }
            out.extend(["<", kind, ">"]);
            open = Some(kind);
        }
        let text = MARKER.replace_all(body, "");
        out.extend(["<li>", text.trim(), "</li>"]);
    }
    if let Some(kind) = open {
        out.extend(["</", kind, ">"]);
    }
    out.push_str(&html[last..]);
    out
}

/// What the preview receives: the body as typed, whichever form it comes from.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct PreviewForm {
    body: String,
}

/// `?fragment=1`: the editor asks for the cleaned body alone (to show it, or to paste it).
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct PreviewQuery {
    fragment: Option<String>,
}

/// The body as the portal will show it, after the sanitiser: the fragment alone for the editor,
/// or a whole page for a browser without JavaScript (the form's 预览 button opens it). For those
/// who write the agency's rich text: its drafters and its 机关管理员 (the guide).
pub async fn preview(
    scope: AgencyScope,
    Query(q): Query<PreviewQuery>,
    Form(form): Form<PreviewForm>,
) -> Result<Response, AppError> {
    if !(scope.may(Duty::Draft) || scope.may(Duty::Administer)) {
        return Err(AppError::Forbidden(
            "预览供本机关起草人和机关管理员使用。".into(),
        ));
    }
    let body = clean(&form.body);
    if q.fragment.is_some() {
        return Ok(Html(body).into_response());
    }
    let html = crate::admin::page(
        &scope.staff,
        "admin/preview.html",
        context! { body => minijinja::Value::from_safe_string(body) },
    )?;
    Ok(html.into_response())
}

/// The editor's 插入图片: the picture is kept as an attachment of the draft (the attachment
/// form's upload, pictures only) and its address comes back as JSON for the editor to
/// insert.
pub async fn upload_picture(
    State(state): State<AppState>,
    scope: AgencyScope<Drafter>,
    Path(DraftPath { draft }): Path<DraftPath>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let file = crate::admin::uploaded_file(multipart, "图片").await?;
    let upload = file.upload();
    if !upload.content_type.starts_with("image/") {
        return Err(AppError::Unprocessable(
            "正文中只能插入图片（PNG、JPG）；其他文件请作为附件上传。".into(),
        ));
    }
    let id = state
        .store
        .add_attachment(&scope.agency.slug, draft, upload, scope.by(&state))
        .await?;
    let src = picture_src(&scope.agency.slug, id);
    Ok(axum::Json(serde_json::json!({ "src": src, "name": upload.name })).into_response())
}

/// Where a body finds a picture: one address for the portal and the back office alike.
pub fn picture_src(slug: &gongkai_core::Slug, attachment: i64) -> String {
    format!("/agencies/{slug}/pictures/{attachment}")
}

/// The path of a picture.
#[derive(Debug, Deserialize)]
pub struct PicturePath {
    attachment: i64,
}

/// A picture a body shows: an attachment of an item (the editor inserts images only). The public sees it once the item is on
/// the portal; staff who may read the agency see it while it is still a draft (the editor and the
/// preview show it before publication).
pub async fn picture(
    State(state): State<AppState>,
    scope: Result<AgencyScope, Response>,
    crate::extract::PublicAgency(agency): crate::extract::PublicAgency,
    Path(PicturePath { attachment }): Path<PicturePath>,
) -> Result<Response, AppError> {
    let (name, content_type, bytes) = state
        .store
        .picture(&agency.slug, attachment, scope.is_ok())
        .await?
        .ok_or_else(|| AppError::NotFound("没有这张图片。".into()))?;
    Ok(crate::views::download(&name, &content_type, bytes))
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn only_the_sites_own_pictures_stay() {
        let cleaned = clean(
            r#"<p>甲<img src="https://tracker.example/x.png" alt="外"><img src="//cdn.example/y.png"><img src="/agencies/a/pictures/3" alt="本站"></p>"#,
        );
        assert_eq!(
            cleaned,
            r#"<p>甲<img src="/agencies/a/pictures/3" alt="本站"></p>"#
        );
    }

    #[test]
    fn typed_paragraphs_stay_paragraphs() {
        assert_eq!(
            clean("第一段第一行\r\n第一段第二行\r\n\r\n\r\n第二段 a < b"),
            "<p>第一段第一行<br>第一段第二行</p>\n<p>第二段 a &lt; b</p>"
        );
        assert_eq!(
            clean("<p>已有段落</p>\n\n<p>二</p>"),
            "<p>已有段落</p>\n\n<p>二</p>"
        );
    }

    #[test]
    fn word_markup_keeps_its_structure_and_loses_its_styling() {
        let word = r#"<p class="MsoNormal" style="font-family:仿宋_GB2312;font-size:16pt"><span style="color:red">一、<b>总体要求</b></span><o:p></o:p></p><table class="MsoTableGrid" border="1"><tr><td style="width:100pt"><p class="MsoNormal">1</p></td></tr></table><ul><li>甲</li></ul>"#;
        let cleaned = clean(word);
        assert!(
            !cleaned.contains("style") && !cleaned.contains("Mso") && !cleaned.contains("o:p"),
            "{cleaned}"
        );
        assert!(
            cleaned.contains("<b>总体要求</b>")
                && cleaned.contains("<table>")
                && cleaned.contains("<li>甲</li>"),
            "{cleaned}"
        );
    }

    #[test]
    fn word_list_paragraphs_become_lists() {
        let word = "<p class=MsoNormal>材料如下：</p>\n\
            <p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><!--[if !supportLists]--><span lang=EN-US>1.<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp; </span></span><!--[endif]-->申请表<o:p></o:p></p>\n\
            <p class=MsoListParagraphCxSpLast style='mso-list:l0 level1 lfo1'><![if !supportLists]><span lang=EN-US>2.<span style='font:7.0pt \"Times New Roman\"'>&nbsp; </span></span><![endif]>身份证明<o:p></o:p></p>\n\
            <p class=MsoListParagraph style='mso-list:l1 level1 lfo2'><span style='font-family:Symbol;mso-list:Ignore'>·<span style='font:7.0pt'>&nbsp;&nbsp;</span></span>须本人签字</p>";
        assert_eq!(
            clean(word),
            "<p>材料如下：</p>\n<ol><li>申请表</li>\n<li>身份证明</li>\n</ol><ul><li>须本人签字</li></ul>"
        );
    }

    #[test]
    fn the_body_keeps_rich_text_and_loses_scripts() {
        let cleaned = clean(
            r#"<h2>一、总体要求</h2><p onclick="x()">为推进<strong>乡村振兴</strong><script>alert(1)</script></p><a href="javascript:alert(1)">链接</a><table><tr><td>1</td></tr></table>"#,
        );
        assert!(
            cleaned.contains("<h2>一、总体要求</h2>")
                && cleaned.contains("<strong>乡村振兴</strong>")
        );
        assert!(cleaned.contains("<table>"));
        assert!(
            !cleaned.contains("script")
                && !cleaned.contains("onclick")
                && !cleaned.contains("javascript")
        );
    }

    #[test]
    fn pictures_on_the_authors_disk_and_empty_paragraphs_go() {
        let cleaned = clean(
            r#"<html><head><title>文档</title><style>p{mso-x:1}</style></head><body><p class=MsoNormal><o:p>&nbsp;</o:p></p><p><img width=200 src="file:///C:/Users/x/clip_image001.png" alt="图"></p><p><img src="/agencies/a/pictures/3" alt="现场"></p></body></html>"#,
        );
        assert_eq!(
            cleaned,
            r#"<p><img src="/agencies/a/pictures/3" alt="现场"></p>"#
        );
    }
}

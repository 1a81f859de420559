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
use gongkai_core::text::unescape_html;

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
            let own = gongkai_core::report::text::site_path(value);
            // Browsers read `/\\evil.example` as `//evil.example`: another site.
            let address = matches!(attribute, "href" | "src");
            let kept = (element != "img" || attribute != "src" || own)
                && !(address && value.contains('\\'));
            kept.then(|| value.into())
        })
        .clean(&html)
        .to_string();
    let cleaned = NO_SOURCE.replace_all(&cleaned, "");
    EMPTY.replace_all(&cleaned, "").trim().to_owned()
}

/// Rich text as a report part keeps it ([`gongkai_core::report::text`]): the editor's HTML (or
/// Word's, pasted) through a sanitiser that keeps only what that format can say — paragraphs,
/// sub-headings, lists, bold and links; a table's rows become paragraphs of their cells, a
/// picture goes — and then written out one block a line.
pub fn report_text(html: &str) -> String {
    static TAG: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"<(/?)([a-zA-Z0-9]+)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*/?>"#).expect("tags")
    });
    static HREF: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"\b(href|start)="([^"]*)""#).expect("attributes"));
    let tags = [
        "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "ol", "ul", "li", "a",
        "table", "thead", "tbody", "tfoot", "tr", "td", "th",
    ];
    let html = word_lists(&paragraphs(html));
    let cleaned = ammonia::Builder::default()
        .tags(tags.into_iter().collect())
        .generic_attributes(std::collections::HashSet::new())
        .tag_attributes(
            [("a", ["href"].into()), ("ol", ["start"].into())]
                .into_iter()
                .collect(),
        )
        .add_clean_content_tags(["title", "xml"])
        .link_rel(None)
        .clean(&html)
        .to_string();
    let mut w = LineWriter::default();
    let mut last = 0;
    for caps in TAG.captures_iter(&cleaned) {
        let m = caps.get(0).expect("whole match");
        w.text(&cleaned[last..m.start()]);
        last = m.end();
        let attribute = |name: &str| {
            HREF.captures_iter(&caps[3])
                .find(|c| &c[1] == name)
                .map(|c| unescape_html(&c[2]))
        };
        w.tag(&caps[2], &caps[1] == "/", attribute);
    }
    w.text(&cleaned[last..]);
    w.flush();
    w.lines.join("\n")
}

/// Writes the report's line format from a sanitised tree's tags and text, in order.
#[derive(Default)]
struct LineWriter {
    lines: Vec<String>,
    line: String,
    /// What the next written line starts with (`### `, `- `, `2. `).
    prefix: String,
    /// Open lists: numbered or not, and the last number given.
    lists: Vec<(bool, u32)>,
    bold: usize,
    /// An open link: its address and where its text starts in `line`.
    link: Option<(String, usize)>,
    cells: usize,
    /// Inside a table row: a row is one line, whatever paragraphs its cells hold (Word's do).
    in_row: bool,
}

impl LineWriter {
    fn text(&mut self, raw: &str) {
        let text = unescape_html(raw).replace(['\r', '\n', '\t', '\u{a0}'], " ");
        if text.trim().is_empty() && self.line.trim().is_empty() {
            return;
        }
        if self.bold > 0 && self.line.is_empty() {
            self.line.push_str("**");
        }
        self.line.push_str(&text);
    }

    fn tag(&mut self, name: &str, closing: bool, attribute: impl Fn(&str) -> Option<String>) {
        match (name.to_ascii_lowercase().as_str(), closing) {
            ("br", _) if self.in_row => self.line.push(' '),
            ("p" | "div", _) if self.in_row => {}
            ("p" | "div" | "table" | "thead" | "tbody" | "tfoot" | "br", _) => self.flush(),
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", false) => {
                self.flush();
                self.prefix = "### ".into();
            }
            ("ol" | "ul", false) => {
                self.flush();
                let start = attribute("start").and_then(|s| s.parse::<u32>().ok());
                self.lists
                    .push((name == "ol", start.unwrap_or(1).saturating_sub(1)));
            }
            ("ol" | "ul", true) => {
                self.end_block();
                self.lists.pop();
            }
            ("li", false) => {
                self.flush();
                self.prefix = match self.lists.last_mut() {
                    Some((true, n)) => {
                        *n += 1;
                        format!("{n}. ")
                    }
                    _ => "- ".into(),
                };
            }
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li", true) => self.end_block(),
            ("strong" | "b", false) => {
                if self.bold == 0 {
                    self.line.push_str("**");
                }
                self.bold += 1;
            }
            ("strong" | "b", true) if self.bold > 0 => {
                self.bold -= 1;
                if self.bold == 0 {
                    self.line.push_str("**");
                }
            }
            ("a", false) => {
                self.link = attribute("href").map(|href| (href, self.line.len()));
            }
            ("a", true) => self.close_link(),
            ("tr", closing) => {
                self.flush();
                self.cells = 0;
                self.in_row = !closing;
            }
            ("td" | "th", false) => {
                if self.cells > 0 {
                    self.line.push('\u{3000}');
                }
                self.cells += 1;
            }
            _ => {}
        }
    }

    fn close_link(&mut self) {
        let Some((href, at)) = self.link.take() else {
            return;
        };
        let Some(text) = self.line.get(at..) else {
            return;
        };
        let text = text.trim();
        let usable = !text.is_empty() && !text.contains(['[', ']', '*']) && !href.contains(')');
        if usable && gongkai_core::report::text::linkable(&href) {
            let link = format!("[{text}]({href})");
            self.line.truncate(at);
            self.line.push_str(&link);
        }
    }

    /// Ends a line; a prefix waiting for words (an item whose text is in a paragraph inside it)
    /// stays for them.
    fn flush(&mut self) {
        self.close_link();
        if self.bold > 0 {
            self.line.push_str("**");
        }
        let mut line = tidy(&std::mem::take(&mut self.line));
        if line.is_empty() {
            return;
        }
        // A paragraph whose words start like a marker ("1. ", "- ") stays a paragraph.
        if self.prefix.is_empty() && !gongkai_core::report::text::reads_as_paragraph(&line) {
            line.insert(0, '\\');
        }
        self.lines
            .push(format!("{}{line}", std::mem::take(&mut self.prefix)));
    }

    /// Ends a block: its prefix goes whether or not words came.
    fn end_block(&mut self) {
        self.flush();
        self.prefix.clear();
    }
}

/// One line's words: runs of spaces as one, no space between two Chinese characters (Word's HTML
/// breaks its lines inside sentences), no empty bold.
fn tidy(line: &str) -> String {
    let line = line.replace("****", "");
    let chars: Vec<char> = line
        .split_ascii_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect();
    let mut out = String::with_capacity(line.len());
    for (i, c) in chars.iter().enumerate() {
        let wide = |c: Option<&char>| c.is_some_and(|c| !c.is_ascii());
        if *c == ' ' && wide(chars.get(i.wrapping_sub(1))) && wide(chars.get(i + 1)) {
            continue;
        }
        out.push(*c);
    }
    if out == "**" {
        String::new()
    } else {
        out.trim().to_owned()
    }
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
    /// `report`: as a report part shows it (its narrower format), not as an item body.
    #[serde(rename = "as")]
    as_: Option<String>,
}

/// The body as the portal will show it, after the sanitiser: the fragment alone for the editor,
/// or a whole page for a browser without JavaScript (the form's 预览 button opens it). For those
/// who write the agency's rich text: its drafters and its 机关管理员 (the guide).
pub async fn preview(
    scope: AgencyScope,
    Query(q): Query<PreviewQuery>,
    Form(form): Form<PreviewForm>,
) -> Result<Response, AppError> {
    if !(scope.may(Duty::Draft) || scope.may(Duty::Administer) || scope.may(Duty::EditReport)) {
        return Err(AppError::Forbidden(
            "预览供本机关起草人、机关管理员和年度报告编写人使用。".into(),
        ));
    }
    let body = if q.as_.as_deref() == Some("report") {
        gongkai_core::report::text::html(&report_text(&form.body))
    } else {
        clean(&form.body)
    };
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
    use super::{clean, report_text};
    use gongkai_core::report::text;

    #[test]
    fn the_editors_html_becomes_the_reports_lines() {
        let html = "<h3>加强组织领导</h3><p><b>一是</b>健全机制，<a href=\"https://www.yiyuan.gov.cn/\">县政府网站</a>公开。</p>\
            <ol><li>申请表</li><li><p>身份证明</p></li></ol><ul><li>甲 &amp; 乙</li></ul><p><br></p><p>第二<br>行</p>";
        assert_eq!(
            report_text(html),
            "### 加强组织领导\n**一是**健全机制，[县政府网站](https://www.yiyuan.gov.cn/)公开。\n1. 申请表\n2. 身份证明\n- 甲 & 乙\n第二\n行"
        );
    }

    #[test]
    fn what_a_report_cannot_hold_leaves_its_words() {
        let word = r#"<p class=MsoNormal style="font-family:仿宋"><span style="color:red">全年公开
信息</span><img src="/agencies/a/pictures/3" alt="照片"><script>alert(1)</script></p><table><tr><td>类别</td><td>数量</td></tr><tr><td>政策</td><td>3</td></tr></table><p><a href="javascript:alert(1)">点</a><b></b></p>"#;
        assert_eq!(
            report_text(word),
            "全年公开信息\n类别\u{3000}数量\n政策\u{3000}3\n点"
        );
    }

    #[test]
    fn what_the_editor_shows_is_what_is_kept() {
        // Word's cells hold paragraphs: a row is still one line.
        let word = "<table><tr><td><p>表头甲</p></td><td><p>表头乙</p></td></tr><tr><td><p>数据1</p></td><td><p>数据2</p></td></tr></table>";
        assert_eq!(
            report_text(word),
            "表头甲\u{3000}表头乙\n数据1\u{3000}数据2"
        );
        // A paragraph that starts like a marker stays a paragraph.
        let typed = "<p>1. 不是列表</p><p>- 也不是</p><p>### 更不是</p>";
        let lines = report_text(typed);
        assert_eq!(lines, "\\1. 不是列表\n\\- 也不是\n\\### 更不是");
        assert_eq!(
            text::html(&lines),
            "<p>1. 不是列表</p>\n<p>- 也不是</p>\n<p>### 更不是</p>\n"
        );
        // An address with a backslash leads off the site: not a link.
        assert_eq!(report_text(r#"<p><a href="/\evil.example">e</a></p>"#), "e");
        assert!(!clean(r#"<p><a href="/\evil.example">e</a></p>"#).contains("evil"));
    }

    #[test]
    fn word_numbered_paragraphs_become_numbered_items() {
        let word = "<p class=MsoListParagraphCxSpFirst style='mso-list:l0 level1 lfo1'><!--[if !supportLists]--><span>1.<span>&nbsp;&nbsp;</span></span><!--[endif]-->健全工作机制<o:p></o:p></p>\n\
            <p class=MsoListParagraphCxSpLast style='mso-list:l0 level1 lfo1'><!--[if !supportLists]--><span>2.<span>&nbsp;</span></span><!--[endif]-->加强平台建设<o:p></o:p></p>";
        assert_eq!(report_text(word), "1. 健全工作机制\n2. 加强平台建设");
    }

    proptest::proptest! {
        /// What the editor starts from (the lines as HTML) comes back as the same lines.
        #[test]
        fn lines_survive_the_editor(lines in proptest::collection::vec(
            ("(### |- |[1-9]\\. )?", "[甲乙丙丁a-z0-9，。]{1,8}", proptest::option::of("[甲乙]{1,3}")),
            0..8,
        )) {
            let source: Vec<String> = lines
                .iter()
                .map(|(prefix, words, bold)| match bold {
                    Some(b) => format!("{prefix}{words}**{b}**"),
                    None => format!("{prefix}{words}"),
                })
                .collect();
            let source = source.join("\n");
            let back = report_text(&text::html(&source));
            proptest::prop_assert_eq!(text::html(&back), text::html(&source));
        }
    }

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

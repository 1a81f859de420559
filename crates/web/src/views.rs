//! The page templates, compiled once and embedded in the binary.

use std::sync::LazyLock;

use minijinja::Environment;
use serde::Serialize;

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = gongkai_docs::environment();
    for (name, source) in [
        ("base.html", include_str!("../templates/base.html")),
        ("home.html", include_str!("../templates/home.html")),
        ("agency.html", include_str!("../templates/agency.html")),
        ("report.html", include_str!("../templates/report.html")),
        ("error.html", include_str!("../templates/error.html")),
        ("check.html", include_str!("../templates/check.html")),
        ("items.html", include_str!("../templates/items.html")),
        ("guide.html", include_str!("../templates/guide.html")),
        (
            "guide_default.html",
            include_str!("../templates/guide_default.html"),
        ),
        (
            "catalogue.html",
            include_str!("../templates/catalogue.html"),
        ),
        (
            "admin/guide.html",
            include_str!("../templates/admin/guide.html"),
        ),
        (
            "admin/catalogue.html",
            include_str!("../templates/admin/catalogue.html"),
        ),
        ("search.html", include_str!("../templates/search.html")),
        ("item.html", include_str!("../templates/item.html")),
        ("feed.xml", include_str!("../templates/feed.xml")),
        ("sitemap.xml", include_str!("../templates/sitemap.xml")),
        (
            "admin/items.html",
            include_str!("../templates/admin/items.html"),
        ),
        (
            "admin/item.html",
            include_str!("../templates/admin/item.html"),
        ),
        (
            "admin/item_version.html",
            include_str!("../templates/admin/item_version.html"),
        ),
        (
            "request_fields.html",
            include_str!("../templates/request_fields.html"),
        ),
        (
            "admin/request_new.html",
            include_str!("../templates/admin/request_new.html"),
        ),
        (
            "request_new.html",
            include_str!("../templates/request_new.html"),
        ),
        (
            "request_done.html",
            include_str!("../templates/request_done.html"),
        ),
        (
            "request_track.html",
            include_str!("../templates/request_track.html"),
        ),
        (
            "admin/base.html",
            include_str!("../templates/admin/base.html"),
        ),
        (
            "admin/login.html",
            include_str!("../templates/admin/login.html"),
        ),
        (
            "admin/dashboard.html",
            include_str!("../templates/admin/dashboard.html"),
        ),
        (
            "admin/password.html",
            include_str!("../templates/admin/password.html"),
        ),
        (
            "admin/agencies.html",
            include_str!("../templates/admin/agencies.html"),
        ),
        (
            "admin/agency_new.html",
            include_str!("../templates/admin/agency_new.html"),
        ),
        (
            "admin/agency.html",
            include_str!("../templates/admin/agency.html"),
        ),
        (
            "admin/users.html",
            include_str!("../templates/admin/users.html"),
        ),
        (
            "admin/user_new.html",
            include_str!("../templates/admin/user_new.html"),
        ),
        (
            "admin/user.html",
            include_str!("../templates/admin/user.html"),
        ),
        (
            "admin/password_shown.html",
            include_str!("../templates/admin/password_shown.html"),
        ),
        (
            "admin/audit.html",
            include_str!("../templates/admin/audit.html"),
        ),
        (
            "admin/summary.html",
            include_str!("../templates/admin/summary.html"),
        ),
        (
            "admin/workspace.html",
            include_str!("../templates/admin/workspace.html"),
        ),
        (
            "admin/requests.html",
            include_str!("../templates/admin/requests.html"),
        ),
        (
            "admin/request.html",
            include_str!("../templates/admin/request.html"),
        ),
        ("messages.html", include_str!("../templates/messages.html")),
        (
            "message_new.html",
            include_str!("../templates/message_new.html"),
        ),
        (
            "message_done.html",
            include_str!("../templates/message_done.html"),
        ),
        (
            "message_track.html",
            include_str!("../templates/message_track.html"),
        ),
        ("evaluate.html", include_str!("../templates/evaluate.html")),
        (
            "evaluate_done.html",
            include_str!("../templates/evaluate_done.html"),
        ),
        (
            "proposals.html",
            include_str!("../templates/proposals.html"),
        ),
        (
            "admin/messages.html",
            include_str!("../templates/admin/messages.html"),
        ),
        (
            "admin/message.html",
            include_str!("../templates/admin/message.html"),
        ),
        (
            "admin/evaluations.html",
            include_str!("../templates/admin/evaluations.html"),
        ),
        (
            "admin/proposals.html",
            include_str!("../templates/admin/proposals.html"),
        ),
        (
            "admin/accountability.html",
            include_str!("../templates/admin/accountability.html"),
        ),
        (
            "admin/channels.html",
            include_str!("../templates/admin/channels.html"),
        ),
    ] {
        env.add_template(name, source)
            .expect("embedded templates parse");
    }
    env
});

/// Renders a page template.
pub fn render(name: &str, ctx: minijinja::Value) -> Result<String, minijinja::Error> {
    let large_text = crate::portal::display::LARGE_TEXT
        .try_with(|large| *large)
        .unwrap_or(false);
    TEMPLATES
        .get_template(name)?
        .render(minijinja::context! { large_text, ..ctx })
}

/// The stylesheet.
pub const STYLESHEET: &str = include_str!("../assets/site.css");

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

#[cfg(test)]
mod tests {
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
}

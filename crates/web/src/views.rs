//! The page templates, compiled once and embedded in the binary.

use std::sync::LazyLock;

use minijinja::Environment;
use serde::Serialize;

/// Every template under `templates/`, embedded at build time (no list to keep by hand), named by
/// its path there: `portal/…`, `admin/…`, `layout/…`.
static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = gongkai_docs::environment();
    embedded(&mut env);
    env
});

#[allow(
    elided_lifetimes_in_paths,
    reason = "the code minijinja-embed generates"
)]
fn embedded(env: &mut Environment<'static>) {
    minijinja_embed::load_templates!(*env);
}

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

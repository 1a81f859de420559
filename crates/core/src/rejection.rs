//! Why a step is refused, in words the person who tried it can act on.
//!
//! Each domain keeps its own error enum (`item::ReviewError`, `workflow::WorkflowError`, …) so its
//! tests can match on the case; at the boundary every one of them becomes a [`Rejection`], which the
//! store carries unchanged and the web layer answers with 422 and the message (never 500: a
//! rejection is the user's to fix, not the operator's).

use std::fmt;

/// A refusal by the rules: nothing was changed, and the message says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The form field the message belongs to, when there is one (so a form can show it in place).
    pub field: Option<&'static str>,
    /// What is wrong and what to do, in Chinese.
    pub message: String,
}

impl Rejection {
    /// A refusal not tied to one field.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            field: None,
            message: message.into(),
        }
    }

    /// A refusal of one field's value.
    pub fn field(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: Some(field),
            message: message.into(),
        }
    }

    /// Every problem of a form at once, joined into one message (the first field is kept).
    pub fn from_problems(problems: Vec<(&'static str, String)>) -> Option<Self> {
        let field = problems.first()?.0;
        let message = problems.into_iter().map(|(_, m)| m).collect::<String>();
        Some(Self {
            field: Some(field),
            message,
        })
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rejection {}

/// A domain error whose every case is a refusal by the rules (none is a fault of the system), so it
/// converts into a [`Rejection`] with its own message.
pub trait Refusal: std::error::Error {}

impl<E: Refusal> From<E> for Rejection {
    fn from(e: E) -> Self {
        Self::new(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("不能这样做")]
    struct Nope;
    impl Refusal for Nope {}

    #[test]
    fn a_domain_refusal_keeps_its_message() {
        let r: Rejection = Nope.into();
        assert_eq!(r.message, "不能这样做");
        assert_eq!(r.field, None);
    }

    #[test]
    fn problems_join_into_one_message_on_the_first_field() {
        let r = Rejection::from_problems(vec![
            ("title", "请填写标题。".into()),
            ("body", "请填写正文。".into()),
        ])
        .unwrap();
        assert_eq!(r.field, Some("title"));
        assert_eq!(r.message, "请填写标题。请填写正文。");
        assert!(Rejection::from_problems(Vec::new()).is_none());
    }
}

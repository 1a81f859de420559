//! The 政府信息公开指南 (条例 第十二条): every agency keeps one, revised as a new version with a note
//! saying what changed. Until an agency writes its own, one is generated from its data; the parts
//! that depend on where the agency sits in the tree are decided here.

/// Refuses a revision without a body or without a note saying what changed (the versions are
/// the guide's history, read by the public and by the oversight office).
pub fn check_revision(body: &str, note: &str) -> Result<(), crate::Rejection> {
    if body.trim().is_empty() || note.trim().is_empty() {
        Err(crate::Rejection::new("指南正文和修订说明都不能为空。"))
    } else {
        Ok(())
    }
}

/// Where the guide tells the public to complain (监督方式): the office of the agency above, when
/// it is known; a top-level agency names its superior government's office in general terms.
pub fn supervisor(has_parent: bool, parent_name: Option<&str>) -> String {
    match (has_parent, parent_name) {
        (true, Some(name)) => format!("{name}办公室"),
        (true, None) => "上一级行政机关".to_owned(),
        (false, _) => "上一级人民政府办公厅（室）".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revision_needs_its_body_and_a_note() {
        assert!(check_revision("<p>指南</p>", "更新联系电话").is_ok());
        assert!(check_revision(" ", "更新联系电话").is_err());
        assert_eq!(
            check_revision("<p>指南</p>", "").unwrap_err().message,
            "指南正文和修订说明都不能为空。"
        );
    }

    #[test]
    fn complaints_go_to_the_office_above() {
        assert_eq!(
            supervisor(true, Some("沂源县人民政府")),
            "沂源县人民政府办公室"
        );
        assert_eq!(supervisor(true, None), "上一级行政机关");
        assert_eq!(supervisor(false, None), "上一级人民政府办公厅（室）");
    }
}

//! Attachments: which files are accepted, checked by name and by content.

/// Largest attachment accepted (20 MB).
pub const ATTACHMENT_MAX: usize = 20 * 1024 * 1024;

/// Why an attachment is refused. Messages are for staff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    /// Not one of the accepted types, or its content is not what its name says.
    #[error(
        "附件“{0}”不是可接受的类型：只接受 PDF、Word（.docx）、Excel（.xlsx）和 PNG、JPEG 图片，且文件内容须与扩展名一致"
    )]
    Type(String),
    /// Too large.
    #[error("附件“{0}”超过20MB，请压缩或拆分后上传")]
    TooLarge(String),
    /// Empty.
    #[error("附件“{0}”是空文件")]
    Empty(String),
}

/// An uploaded file's name as kept: at most 120 characters, without control characters or path
/// separators (the name is shown and offered back as a download name, never used as a path).
pub fn attachment_name(uploaded: &str) -> String {
    uploaded
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
        .take(120)
        .collect()
}

/// The content type of an attachment, checked by extension and by the file's first bytes (so a
/// renamed executable or HTML page is refused).
pub fn attachment_type(name: &str, bytes: &[u8]) -> Result<&'static str, AttachmentError> {
    if bytes.is_empty() {
        return Err(AttachmentError::Empty(name.to_owned()));
    }
    if bytes.len() > ATTACHMENT_MAX {
        return Err(AttachmentError::TooLarge(name.to_owned()));
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let zip = bytes.starts_with(b"PK\x03\x04");
    let kind = match ext.as_str() {
        "pdf" if bytes.starts_with(b"%PDF-") => "application/pdf",
        "docx" if zip => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" if zip => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "png" if bytes.starts_with(b"\x89PNG\r\n\x1a\n") => "image/png",
        "jpg" | "jpeg" if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) => "image/jpeg",
        _ => return Err(AttachmentError::Type(name.to_owned())),
    };
    Ok(kind)
}

impl crate::Refusal for AttachmentError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attachment_name_loses_paths_and_control_characters_and_is_bounded() {
        assert_eq!(attachment_name("../x/会议\u{0}纪要.pdf"), "..x会议纪要.pdf");
        assert_eq!(attachment_name(&"长".repeat(200)).chars().count(), 120);
    }

    #[test]
    fn attachments_are_checked_by_name_and_content() {
        assert_eq!(
            attachment_type("通知.pdf", b"%PDF-1.7 ..."),
            Ok("application/pdf")
        );
        assert_eq!(
            attachment_type("图.PNG", b"\x89PNG\r\n\x1a\n...").map(|_| ()),
            Ok(())
        );
        assert!(attachment_type("伪装.pdf", b"MZ\x90\x00").is_err());
        assert!(attachment_type("网页.html", b"<html>").is_err());
        assert!(attachment_type("空.pdf", b"").is_err());
    }
}

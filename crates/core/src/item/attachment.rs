//! Attachments: which files are accepted, checked by name and by content.

/// Largest attachment accepted (20 MB).
pub const ATTACHMENT_MAX: usize = 20 * 1024 * 1024;

/// Why an attachment is refused. Messages are for staff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    /// Not one of the accepted types, or its content is not what its name says.
    #[error(
        "附件“{0}”不是可接受的类型：只接受 PDF、OFD、Word（.doc .docx）、Excel（.xls .xlsx）、WPS（.wps .et）、ZIP 压缩包和 PNG、JPEG 图片，且文件内容须与扩展名一致"
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
    // Word 97–2003, Excel 97–2003 and WPS's own formats are OLE compound files.
    let ole = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let kind = match ext.as_str() {
        "pdf" if bytes.starts_with(b"%PDF-") => "application/pdf",
        // OFD (GB/T 33190): a zip package with OFD.xml.
        "ofd" if zip => "application/ofd",
        "docx" if zip => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" if zip => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "doc" if ole => "application/msword",
        "xls" if ole => "application/vnd.ms-excel",
        // WPS 文字 and WPS 表格 files are OLE, or zip packages when saved in the newer format.
        "wps" if ole || zip => "application/vnd.ms-works",
        "et" if ole || zip => "application/vnd.ms-excel",
        "zip" if zip => "application/zip",
        // A PNG's signature and then its header chunk: the signature alone is no picture.
        "png" if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR") => {
            "image/png"
        }
        "jpg" | "jpeg" if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) => "image/jpeg",
        _ => return Err(AttachmentError::Type(name.to_owned())),
    };
    Ok(kind)
}

/// What a list shows for an attachment's type, by its name (its content was checked when it was
/// uploaded): the kind of document people recognise.
pub fn attachment_label(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "PDF 文件",
        "ofd" => "OFD 版式文件",
        "doc" | "docx" => "Word 文档",
        "xls" | "xlsx" => "Excel 表格",
        "wps" => "WPS 文字",
        "et" => "WPS 表格",
        "zip" => "ZIP 压缩包",
        "png" | "jpg" | "jpeg" => "图片",
        _ => "文件",
    }
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
            attachment_type("图.PNG", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR...").map(|_| ()),
            Ok(())
        );
        assert!(
            attachment_type("签名.png", b"\x89PNG\r\n\x1a\n").is_err(),
            "the signature alone"
        );
        assert!(attachment_type("伪装.pdf", b"MZ\x90\x00").is_err());
        assert!(attachment_type("网页.html", b"<html>").is_err());
        assert!(attachment_type("空.pdf", b"").is_err());
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert_eq!(
            attachment_type("旧版通知.DOC", &ole),
            Ok("application/msword")
        );
        assert_eq!(
            attachment_type("统计表.xls", &ole),
            Ok("application/vnd.ms-excel")
        );
        assert!(attachment_type("方案.wps", &ole).is_ok());
        assert!(attachment_type("报表.et", b"PK\x03\x04...").is_ok());
        assert_eq!(
            attachment_type("公文.ofd", b"PK\x03\x04..."),
            Ok("application/ofd")
        );
        assert_eq!(
            attachment_type("材料.zip", b"PK\x03\x04..."),
            Ok("application/zip")
        );
        assert!(attachment_type("伪装.doc", b"MZ\x90\x00").is_err());
        assert!(attachment_type("伪装.zip", b"%PDF-1.7").is_err());
        assert_eq!(attachment_label("旧版通知.DOC"), "Word 文档");
        assert_eq!(attachment_label("公文.ofd"), "OFD 版式文件");
    }
}

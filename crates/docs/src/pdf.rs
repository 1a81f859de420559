//! PDF through LibreOffice: the DOCX export converted by `soffice --headless`, which lays out the
//! merged tables exactly as Word would and embeds the CJK fonts it uses. Keeping PDF out of the
//! build (no typesetting engine compiled in) saves minutes on every build of a 2-core machine.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use super::RenderError;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The LibreOffice program: `GONGKAI_SOFFICE` or `soffice` on the PATH.
fn soffice() -> String {
    std::env::var("GONGKAI_SOFFICE").unwrap_or_else(|_| "soffice".to_owned())
}

/// Whether LibreOffice can be run here.
pub fn available() -> bool {
    Command::new(soffice())
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Converts DOCX bytes to PDF bytes.
pub fn docx_to_pdf(docx: &[u8]) -> Result<Vec<u8>, RenderError> {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir: PathBuf = std::env::temp_dir().join(format!("gongkai-pdf-{}-{n}", std::process::id()));
    let fail = |what: String| RenderError::Pdf(what);
    std::fs::create_dir_all(&dir).map_err(|e| fail(format!("无法创建临时目录：{e}")))?;
    let result = (|| {
        let input = dir.join("report.docx");
        std::fs::write(&input, docx).map_err(|e| fail(format!("无法写入临时文件：{e}")))?;
        let profile = format!(
            "-env:UserInstallation=file://{}",
            dir.join("profile").display()
        );
        let out = Command::new(soffice())
            .args([
                profile.as_str(),
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
            ])
            .arg(&dir)
            .arg(&input)
            .output()
            .map_err(|e| {
                fail(format!(
                    "导出 PDF 需要 LibreOffice（soffice），请安装 libreoffice-writer：{e}"
                ))
            })?;
        let pdf = dir.join("report.pdf");
        if !out.status.success() || !pdf.exists() {
            return Err(fail(format!(
                "LibreOffice 转换失败：{}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        std::fs::read(&pdf).map_err(|e| fail(format!("无法读取转换结果：{e}")))
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

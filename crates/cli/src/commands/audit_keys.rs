//! The audit key file: one hex key per line, the last in use, created with a fresh key on first
//! use and readable only by its owner. Servers sharing one database share one key file.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use gongkai_core::audit::{AuditKey, Keyring};

const HEADER: &str = "# gongkai 审计密钥：审计日志的每条记录以此密钥签名。请勿泄露、勿删除；\n\
# 共用一个数据库的各服务进程须使用同一文件；轮换密钥时在末尾追加新的一行（gongkai audit rotate-key）。\n";

/// The keys in `path`, creating the file with a new key if there is none.
pub fn load_or_create(path: &Path) -> Result<Keyring> {
    if !path.exists() {
        create(path)?;
    }
    load(path)
}

/// The keys in `path`, which must exist: a check never makes a key of its own (it would find
/// every record keyed with another and call the trail tampered with).
pub fn load(path: &Path) -> Result<Keyring> {
    if !path.exists() {
        anyhow::bail!(
            "找不到审计密钥文件 {}：请用 --audit-key-file（或 GONGKAI_AUDIT_KEY_FILE）指定与这个数据库一起保存的密钥文件（backup.sh 备份时会一并复制）",
            path.display()
        );
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("无法读取审计密钥文件 {}", path.display()))?;
    Keyring::parse(&text).with_context(|| format!("审计密钥文件 {}", path.display()))
}

/// Appends a new key, which becomes the one in use; returns it.
pub fn rotate(path: &Path) -> Result<AuditKey> {
    load_or_create(path)?;
    let key = AuditKey::generate();
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .with_context(|| format!("无法写入审计密钥文件 {}", path.display()))?;
    writeln!(f, "{}", Keyring::line(&key))?;
    f.sync_all()?;
    Ok(key)
}

/// Writes a new key file; when another process created it first, leaves theirs.
fn create(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options
            .open(&tmp)
            .with_context(|| format!("无法写入审计密钥文件 {}", tmp.display()))?;
        writeln!(f, "{HEADER}{}", Keyring::line(&AuditKey::generate()))?;
        f.sync_all()?;
    }
    // Linking fails if the file appeared meanwhile: two servers starting at once keep one key.
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e).with_context(|| format!("无法写入审计密钥文件 {}", path.display())),
    }
}

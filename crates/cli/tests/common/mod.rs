//! What the command-line tests share.
#![allow(dead_code, reason = "each test file uses some of these helpers")]

/// A port nobody is listening on (taken from the OS, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("an ephemeral port")
        .local_addr()
        .expect("its address")
        .port()
}

/// Starts `gongkai serve` on `port` over the database at `url` (with `extra` arguments) and waits
/// until it answers `/healthz`.
pub fn start(
    url: &str,
    port: u16,
    search: &std::path::Path,
    extra: &[&str],
) -> std::process::Child {
    ready(spawn(url, port, search, extra), port)
}

/// Starts `gongkai serve` without waiting for it (several servers started at the same moment).
pub fn spawn(
    url: &str,
    port: u16,
    search: &std::path::Path,
    extra: &[&str],
) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(extra)
        .env("GONGKAI_DATABASE_URL", url)
        .env("GONGKAI_AUDIT_KEY_FILE", audit_key_file(url))
        .env("GONGKAI_SEARCH_DIR", search)
        .env("GONGKAI_LOG", "error")
        .spawn()
        .expect("the server starts")
}

/// Waits until the server on `port` answers `/healthz`; a server that exits or never answers
/// fails the test.
pub fn ready(mut child: std::process::Child, port: u16) -> std::process::Child {
    use std::io::{Read, Write};
    for _ in 0..200 {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("server on port {port} exited: {status}");
        }
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = write!(s, "GET /healthz HTTP/1.0\r\n\r\n");
            let mut out = String::new();
            if s.read_to_string(&mut out).is_ok() && out.contains("200 OK") {
                return child;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("server did not start");
}

/// A server that is killed when the test ends, whether it passed or not.
pub struct Server(pub std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The audit key file the servers and commands of a test use for the database at `url`: beside
/// the SQLite file, or in the temporary folder by the PostgreSQL database's name (shared by every
/// process on that database, as in a real deployment).
pub fn audit_key_file(url: &str) -> std::path::PathBuf {
    match url.strip_prefix("sqlite://") {
        Some(path) => std::path::Path::new(path).with_file_name("audit.key"),
        None => std::env::temp_dir().join(format!(
            "gongkai-audit-{}.key",
            url.rsplit('/').next().unwrap_or("db")
        )),
    }
}

/// The store at `url` with the audit keys the test's processes wrote with.
pub async fn keyed_store(url: &str) -> gongkai_store::Store {
    let keys = std::fs::read_to_string(audit_key_file(url))
        .map(|t| gongkai_core::audit::Keyring::parse(&t).expect("a key file"))
        .unwrap_or_default();
    gongkai_store::Store::connect(url)
        .await
        .expect("connect")
        .with_audit_keys(keys, chrono::Utc::now())
        .await
        .expect("keys")
}

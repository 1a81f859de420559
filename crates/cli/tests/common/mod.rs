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
    use std::io::{Read, Write};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(extra)
        .env("GONGKAI_DATABASE_URL", url)
        .env("GONGKAI_SEARCH_DIR", search)
        .env("GONGKAI_LOG", "error")
        .spawn()
        .expect("the server starts");
    for _ in 0..200 {
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

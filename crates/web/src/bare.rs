//! The HTTP parser's own refusals in our voice. hyper answers a request it cannot read — a URL
//! longer than 64 KB (414), headers too large (431), a malformed request line (400) — before any
//! middleware or handler runs, with an empty body: a visitor who followed an overlong link saw a
//! blank page. Each connection is wrapped in [`Voiced`], which recognises such an answer by its
//! head (a 4xx with `content-length: 0` and no content type; every answer of ours carries a page
//! or a document) and writes the Chinese error page with the site's header and footer instead.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use axum::http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A connection whose bare refusals are replaced by pages (see the module documentation).
#[derive(Debug)]
pub struct Voiced<S> {
    inner: S,
    /// The page being written in place of a bare refusal: its bytes, how many are written, and
    /// the length of the refusal it stands for (what the writer is told was written).
    pending: Option<(Vec<u8>, usize, usize)>,
}

impl<S> Voiced<S> {
    /// Wraps a connection.
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            pending: None,
        }
    }
}

/// The answer to write instead of `head`, when `head` is a bare refusal of the parser.
fn replacement(head: &[u8]) -> Option<Vec<u8>> {
    let rest = head
        .strip_prefix(b"HTTP/1.1 4")
        .or_else(|| head.strip_prefix(b"HTTP/1.0 4"))?;
    let end = head.windows(4).position(|w| w == b"\r\n\r\n")?;
    let lines = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
    if !lines.contains("\r\ncontent-length: 0") || lines.contains("\r\ncontent-type:") {
        return None;
    }
    let code = std::str::from_utf8(rest.get(..2)?).ok()?;
    let status = StatusCode::from_u16(400 + code.parse::<u16>().ok()?).ok()?;
    let body = crate::error::bare_page(status);
    let mut out = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\n\
         connection: close\r\ncache-control: no-store\r\ncontent-security-policy: {}\r\n\
         x-content-type-options: nosniff\r\n\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len(),
        crate::PAGE_CSP,
    )
    .into_bytes();
    out.extend_from_slice(body.as_bytes());
    Some(out)
}

impl<S: AsyncWrite + Unpin> Voiced<S> {
    /// Writes the pending page; ready with the refusal's length once all of it is written.
    fn drive(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        while let Some((page, written, stands_for)) = &mut self.pending {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &page[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
            if *written == page.len() {
                let len = *stands_for;
                self.pending = None;
                return Poll::Ready(Ok(len));
            }
        }
        Poll::Ready(Ok(0))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Voiced<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Voiced<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.pending.is_none() {
            match replacement(buf) {
                Some(page) => self.pending = Some((page, 0, buf.len())),
                None => return Pin::new(&mut self.inner).poll_write(cx, buf),
            }
        }
        self.drive(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let first = bufs.iter().find(|b| !b.is_empty());
        if self.pending.is_none() {
            match first.and_then(|b| replacement(b).map(|page| (page, b.len()))) {
                Some((page, len)) => self.pending = Some((page, 0, len)),
                None => return Pin::new(&mut self.inner).poll_write_vectored(cx, bufs),
            }
        }
        self.drive(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drive(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drive(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_parsers_bare_refusals_are_replaced() {
        let bare = b"HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ncontent-length: 0\r\ndate: Thu, 03 Dec 2026 22:14:36 GMT\r\n\r\n";
        let page = String::from_utf8(replacement(bare).unwrap()).unwrap();
        assert!(page.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{page}");
        assert!(page.contains("content-type: text/html; charset=utf-8"));
        assert!(page.contains("网址过长"), "{page}");
        assert!(page.contains("<footer"), "the page has the site's footer");
        let (head, body) = page.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("content-length: {}", body.len())));
        // Our own answers, and bodies that merely look like a head, go through untouched.
        for ours in [
            &b"HTTP/1.1 404 Not Found\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 304 Not Modified\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0",
            b"<p>HTTP/1.1 414</p>",
        ] {
            assert!(replacement(ours).is_none(), "{}", String::from_utf8_lossy(ours));
        }
    }
}

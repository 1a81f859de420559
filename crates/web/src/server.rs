//! The HTTP/1 server loop, with the limits a public server needs that `axum::serve` does not
//! offer: a connection that has not sent its request headers within `header_read` is closed (no
//! "slowloris" holding connections open), a request body that stalls for `body` is refused (408),
//! and one address may hold at most `per_address` connections at once — more are closed as they
//! arrive, so one client cannot take every connection. Behind a reverse proxy every connection
//! comes from the proxy: there the cap is off and the proxy limits clients.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// Connection limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time for a client to send a request's headers (default 10 s).
    pub header_read: Duration,
    /// Time a request body may stall (default 30 s).
    pub body: Duration,
    /// Connections one address may hold at once (`None`: no cap, behind a proxy).
    pub per_address: Option<usize>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            body: Duration::from_secs(30),
            per_address: Some(64),
        }
    }
}

/// Open connections per address.
#[derive(Debug, Default)]
struct Open(Mutex<HashMap<IpAddr, usize>>);

/// One open connection, counted until dropped.
struct Slot {
    open: Arc<Open>,
    ip: IpAddr,
}

impl Slot {
    fn take(open: &Arc<Open>, ip: IpAddr, cap: Option<usize>) -> Option<Self> {
        let mut map = open.0.lock().unwrap_or_else(PoisonError::into_inner);
        let n = map.entry(ip).or_insert(0);
        if cap.is_some_and(|cap| *n >= cap) {
            return None;
        }
        *n += 1;
        Some(Self {
            open: open.clone(),
            ip,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self.open.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// Serves `app` on `listener` with `limits` until `shutdown` completes, then lets open
/// connections finish their requests (at most 30 s). The handlers see the peer as
/// `ConnectInfo<SocketAddr>`.
///
/// With `threads` above zero, each accepted connection is handed to one of that many threads,
/// the one with the fewest open, whose own single-threaded runtime serves it to the end, as
/// nginx's workers do. On a shared runtime a request's wake-ups cross threads: a profile of a
/// two-byte answer put a fifth of the CPU in waking and parking workers. With zero, the calling
/// runtime serves them.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    threads: usize,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app.layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        limits.body,
    ));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let open = Arc::new(Open::default());
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    let workers = (0..threads)
        .map(|i| Worker::start(i, app.clone(), builder.clone()))
        .collect::<std::io::Result<Vec<_>>>()?;
    let mut refused = Refusals::default();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = Slot::take(&open, peer.ip(), limits.per_address) else {
            drop(stream);
            let _ = refused.note(peer.ip());
            continue;
        };
        let _ = stream.set_nodelay(true);
        let conn = Accepted {
            peer,
            slot,
            watcher: graceful.watcher(),
        };
        match workers.iter().min_by_key(|w| w.load()) {
            Some(worker) => worker.give(stream, conn),
            None => {
                tokio::spawn(conn.serve(stream, app.clone(), builder.clone()));
            }
        }
    }
    // The threads end once their connections have: dropping them closes their queues.
    let threads = workers.into_iter().map(Worker::close).collect::<Vec<_>>();
    tokio::select! {
        () = graceful.shutdown() => {
            let _ = tokio::task::spawn_blocking(move || {
                for thread in threads {
                    if thread.join().is_err() {
                        tracing::error!("a connection thread panicked");
                    }
                }
            })
            .await;
        }
        () = tokio::time::sleep(Duration::from_secs(30)) => {
            tracing::warn!("connections still open after 30 s; stopping anyway");
        }
    }
    Ok(())
}

/// Connections closed for their address's cap, logged at most once every [`Refusals::EVERY`]
/// with how many: a line for each let one client that connects and closes in a loop write 3 MB
/// of log in two seconds (a helper's walk), enough to fill a disk.
#[derive(Default)]
struct Refusals {
    since: u64,
    logged: Option<std::time::Instant>,
}

impl Refusals {
    const EVERY: Duration = Duration::from_secs(10);

    /// Counts one refusal; whether it was logged.
    fn note(&mut self, peer: IpAddr) -> bool {
        self.since += 1;
        if self.logged.is_some_and(|at| at.elapsed() < Self::EVERY) {
            return false;
        }
        tracing::info!(
            peer = %peer,
            closed = self.since,
            "connections closed: too many open from one address (count since the last such line)"
        );
        self.since = 0;
        self.logged = Some(std::time::Instant::now());
        true
    }
}

/// An accepted connection, counted against its address until it ends.
struct Accepted {
    peer: SocketAddr,
    slot: Slot,
    watcher: hyper_util::server::graceful::Watcher,
}

impl Accepted {
    /// Serves the connection's requests until it closes, on the runtime that polls the result.
    async fn serve(
        self,
        stream: tokio::net::TcpStream,
        app: Router,
        builder: hyper::server::conn::http1::Builder,
    ) {
        let Self {
            peer,
            slot,
            watcher,
        } = self;
        let _slot = slot;
        let svc = app.map_request(move |req: hyper::Request<hyper::body::Incoming>| {
            let mut req = req.map(axum::body::Body::new);
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            req
        });
        let conn = builder.serve_connection(
            TokioIo::new(crate::bare::Voiced::new(stream)),
            TowerToHyperService::new(svc),
        );
        if let Err(e) = watcher.watch(conn).await {
            tracing::debug!(error = %e, "connection ended with an error");
        }
    }
}

/// A thread serving connections on a runtime of its own.
struct Worker {
    queue: tokio::sync::mpsc::UnboundedSender<(std::net::TcpStream, Accepted, Given)>,
    open: Arc<std::sync::atomic::AtomicUsize>,
    thread: std::thread::JoinHandle<()>,
}

/// A connection given to a worker, counted in its load until dropped — when the connection
/// ends, or wherever it fails on the way.
struct Given(Arc<std::sync::atomic::AtomicUsize>);

impl Given {
    fn new(open: &Arc<std::sync::atomic::AtomicUsize>) -> Self {
        open.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Self(open.clone())
    }
}

impl Drop for Given {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Worker {
    fn start(
        i: usize,
        app: Router,
        builder: hyper::server::conn::http1::Builder,
    ) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (queue, mut given) =
            tokio::sync::mpsc::unbounded_channel::<(std::net::TcpStream, Accepted, Given)>();
        let open = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let thread = std::thread::Builder::new()
            .name(format!("gongkai-http-{i}"))
            .spawn(move || {
                runtime.block_on(async move {
                    let mut conns = tokio::task::JoinSet::new();
                    loop {
                        tokio::select! {
                            next = given.recv() => {
                                let Some((stream, conn, counted)) = next else { break };
                                // Registered with this thread's runtime, which alone polls it.
                                match tokio::net::TcpStream::from_std(stream) {
                                    Ok(stream) => {
                                        let served = conn.serve(stream, app.clone(), builder.clone());
                                        conns.spawn(async move {
                                            served.await;
                                            drop(counted);
                                        });
                                    }
                                    Err(e) => {
                                        tracing::warn!(error = %e, "could not take over a connection");
                                    }
                                }
                            }
                            Some(_) = conns.join_next(), if !conns.is_empty() => {}
                        }
                    }
                    while conns.join_next().await.is_some() {}
                });
            })?;
        Ok(Self {
            queue,
            open,
            thread,
        })
    }

    /// Connections given and not yet ended.
    fn load(&self) -> usize {
        self.open.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn give(&self, stream: tokio::net::TcpStream, conn: Accepted) {
        let stream = match stream.into_std() {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "could not hand over a connection");
                return;
            }
        };
        if self
            .queue
            .send((stream, conn, Given::new(&self.open)))
            .is_err()
        {
            tracing::error!("a connection thread has stopped; connection closed");
        }
    }

    /// Closes the queue: the thread ends when its connections have.
    fn close(self) -> std::thread::JoinHandle<()> {
        self.thread
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_logged_once_a_period_with_their_count() {
        let mut refused = Refusals::default();
        let peer = IpAddr::from([127, 0, 0, 1]);
        assert!(refused.note(peer), "the first is logged");
        let logged = (0..10_000).filter(|_| refused.note(peer)).count();
        assert_eq!(logged, 0, "then none within the period");
        assert_eq!(
            refused.since, 10_000,
            "but each is counted for the next line"
        );
        refused.logged = std::time::Instant::now().checked_sub(Refusals::EVERY);
        assert!(refused.note(peer));
        assert_eq!(refused.since, 0);
    }

    #[test]
    fn a_given_connection_counts_until_it_is_dropped() {
        let open = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let load = || open.load(std::sync::atomic::Ordering::Relaxed);
        let (a, b) = (Given::new(&open), Given::new(&open));
        assert_eq!(load(), 2);
        drop(a);
        assert_eq!(load(), 1);
        drop(b);
        assert_eq!(load(), 0);
    }
}

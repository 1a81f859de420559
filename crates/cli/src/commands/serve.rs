//! `gongkai serve`: the web server and the background jobs beside it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use gongkai_core::calendar::Calendar;
use gongkai_core::deadline::Periods;
use gongkai_core::{Clock, SystemClock};
use gongkai_jobs::mail::{MailConfig, Mailer};
use gongkai_search::{SearchIndex, SearchQuery};
use gongkai_store::{Store, demo, redact};

use super::{Database, accounts, search};

/// Run the web server. On a database without accounts it first creates the administrator
/// `admin` and prints its one-time password.
#[derive(Debug, clap::Args)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "each flag is a command-line switch of its own"
)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, env = "GONGKAI_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Load the demo data first if the database has no agencies.
    #[arg(long)]
    demo: bool,
    /// Take the first administrator's password from this file instead of generating one.
    #[arg(long, env = "GONGKAI_ADMIN_PASSWORD_FILE")]
    admin_password_file: Option<PathBuf>,
    /// Send cookies without the Secure flag (only for plain-HTTP setups not on localhost).
    #[arg(long, env = "GONGKAI_INSECURE_COOKIES")]
    insecure_cookies: bool,
    /// Trust X-Forwarded-For for client addresses (only behind your own reverse proxy).
    #[arg(long, env = "GONGKAI_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
    /// A folder of YYYY.txt holiday files for years announced after this release.
    #[arg(long, env = "GONGKAI_HOLIDAYS_DIR")]
    holidays_dir: Option<PathBuf>,
    /// SMTP server for e-mail notifications to requesters, e.g. `smtp://relay.example:25` or
    /// `smtps://user:pass@mail.example:465`; without it, mails wait in the outbox.
    #[arg(long, env = "GONGKAI_SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender of notifications, e.g. `西里镇政务公开 <gongkai@example.gov.cn>`.
    #[arg(
        long,
        env = "GONGKAI_MAIL_FROM",
        default_value = "政府信息公开 <gongkai@localhost>"
    )]
    mail_from: String,
    /// Where the search index lives (derived data: rebuilt at start if incomplete). Default:
    /// beside the SQLite file, or `gongkai-data/search-<database>` for PostgreSQL. Each server
    /// process needs its own.
    #[arg(long, env = "GONGKAI_SEARCH_DIR")]
    search_dir: Option<PathBuf>,
    /// Where rendered portal pages are kept on disk (静态化: a crawler's first visit of each item
    /// page renders it, the next visitors read the file until the data changes). Derived data,
    /// emptied at every start; each server process needs its own, as for --search-dir. Default:
    /// the search index's folder with `.pages` added. Off with `--page-cache off`.
    #[arg(long, env = "GONGKAI_PAGES_DIR")]
    pages_dir: Option<PathBuf>,
    /// Whether the days from a fee notice to its payment stop the answer clock (the spec marks
    /// this unverified; default true).
    #[arg(long, env = "GONGKAI_FEE_PAUSES_CLOCK", default_value_t = true, action = clap::ArgAction::Set)]
    fee_pauses_clock: bool,
    /// Keep rendered portal pages in memory. The value is how many milliseconds a change made by
    /// another process (a second server, the command line) may take to show; changes through
    /// this server show at once; agencies, catalogues and the lengths of item lists are kept
    /// for the same period. 0 checks the database on every request; `off` turns the cache
    /// off.
    #[arg(long, env = "GONGKAI_PAGE_CACHE", default_value = "1000")]
    page_cache: String,
    /// The site's public address, e.g. `https://gk.example.gov.cn`: sitemaps and feeds give
    /// their addresses under it. Without it, each request's Host header decides (set it behind
    /// a proxy, and wherever the site answers to more than one name).
    #[arg(long, env = "GONGKAI_PUBLIC_URL", value_parser = gongkai_web::public_origin)]
    public_url: Option<String>,
    /// Send Strict-Transport-Security (only when the site is reached over HTTPS alone).
    #[arg(long, env = "GONGKAI_HSTS")]
    hsts: bool,
    /// Seconds a client has to send a request's headers before its connection is closed.
    #[arg(long, env = "GONGKAI_HEADER_TIMEOUT", value_parser = clap::value_parser!(u64).range(1..), default_value_t = 10)]
    header_timeout: u64,
    /// Seconds a request body may stall before the request is refused (408).
    #[arg(long, env = "GONGKAI_BODY_TIMEOUT", value_parser = clap::value_parser!(u64).range(1..), default_value_t = 30)]
    body_timeout: u64,
    /// Connections one client address may hold open at once (0: no cap). Ignored with
    /// --trust-forwarded-for, where every connection comes from the proxy.
    #[arg(
        long,
        env = "GONGKAI_MAX_CONNECTIONS_PER_ADDRESS",
        default_value_t = 64
    )]
    max_connections_per_address: usize,
    /// Lift the hourly limits on public submissions per address (only for load tests and
    /// benchmarks, which send everything from one address).
    #[arg(long, env = "GONGKAI_NO_SUBMISSION_LIMITS")]
    no_submission_limits: bool,
    /// Seconds a server's claim on a mail or a channel delivery lasts. Several servers on one
    /// database share the work; what a stopped server claimed is taken over after this long.
    #[arg(long, env = "GONGKAI_WORK_LEASE", value_parser = clap::value_parser!(u64).range(1..), default_value_t = 60)]
    work_lease: u64,
    /// Threads that serve connections, each with an event loop of its own; a connection stays on
    /// the thread it was given, the one with the fewest open. 0 serves them on the runtime the
    /// background jobs share. Default: one a CPU core on SQLite, 0 on PostgreSQL. At most 256.
    #[arg(long, env = "GONGKAI_HTTP_THREADS", value_parser = clap::value_parser!(u16).range(0..=256))]
    http_threads: Option<u16>,
}

/// Serves until SIGINT or SIGTERM.
pub async fn run(db: &Database, a: Args) -> Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let calendar = Calendar::load(a.holidays_dir.as_deref()).map_err(|e| anyhow::anyhow!(e))?;
    // What the command line gives is checked, and the port taken, before the database is
    // touched: a mistyped setting or a port in use is an error that changes nothing (no database
    // file made, no administrator created and its password printed, no demo loaded).
    let page_cache = page_cache_setting(&a.page_cache)?;
    let lease = Duration::from_secs(a.work_lease);
    let mailer = a
        .smtp_url
        .map(|url| {
            Mailer::new(&MailConfig {
                smtp_url: url,
                from: a.mail_from,
            })
            .map(|m| m.with_lease(lease))
        })
        .transpose()
        .map_err(|e| anyhow::anyhow!(e))?;
    let socket = reserve(a.listen)?;
    let store = db.open().await?;
    // Servers started together on a new database: one loads the demo, the others wait until it
    // is loaded. Going on at once, they built their search indexes from half the demo, and the
    // demo's annual report (filed at its historical time, older than every other change) was
    // never followed into them.
    let now_ms = clock.now().timestamp_millis();
    if a.demo {
        let mine = store
            .take_lease("demo", &gongkai_jobs::worker_id(), now_ms, now_ms + 600_000)
            .await?;
        if mine && demo::is_empty(&store).await? {
            demo::load(&store, clock.now())
                .await
                .context("载入示例数据")?;
            demo::publish(&store, clock.now())
                .await
                .context("发布示例年度报告")?;
            tracing::info!("demo data loaded");
        } else if !mine {
            wait_for_demo(&store).await?;
        }
    }
    let mut settings = gongkai_web::Settings {
        secure_cookies: !a.insecure_cookies,
        trust_forwarded_for: a.trust_forwarded_for,
        periods: Periods {
            fee_pauses_clock: a.fee_pauses_clock,
            ..Periods::default()
        },
        page_cache,
        hsts: a.hsts,
        public_origin: a.public_url,
        submission_limits: !a.no_submission_limits,
        ..gongkai_web::Settings::default()
    };
    accounts::first_admin(
        &store,
        a.admin_password_file.as_deref(),
        &settings,
        clock.now(),
    )
    .await?;
    let search_dir = a.search_dir.unwrap_or_else(|| search::default_dir(&db.url));
    let search = Arc::new(SearchIndex::open(Some(&search_dir)).map_err(|e| match e {
        // Another server on this machine with the same command line: the fix, first.
        gongkai_search::SearchError::InUse(_) => anyhow::anyhow!(
            "搜索索引目录 {} 已被另一个 gongkai serve 使用。同一台机器上的每个服务进程须有自己的搜索索引目录：请用 --search-dir（或 GONGKAI_SEARCH_DIR）为这个进程另指一个，例如 {}-2",
            search_dir.display(),
            search_dir.display()
        ),
        other => anyhow::anyhow!("{other}（可用 --search-dir 指定其他目录）"),
    })?);
    // The page files' default folder follows the search index's, known only now.
    if settings.page_cache.is_some() {
        let dir = a
            .pages_dir
            .unwrap_or_else(|| PathBuf::from(format!("{}.pages", search_dir.display())));
        settings.page_files = Some(Arc::new(
            gongkai_web::cache::PageFiles::open(&dir).map_err(|e| anyhow::anyhow!(e))?,
        ));
    }
    start_jobs(&store, &clock, &settings, &search, mailer, lease);
    tokio::spawn(daily_checkpoints(
        store.clone(),
        clock.clone(),
        db.checkpoint_file(),
    ));
    let state = gongkai_web::Services {
        store: store.clone(),
        clock,
        settings: Arc::new(settings),
        calendar: Arc::new(calendar),
        search,
    };
    let app = gongkai_web::router(state);
    // Connections are taken from here on; until now they were refused, not left waiting while
    // the database migrated (a proxy then tries the next server at once).
    let listener = socket.listen(1024).with_context(|| in_use(a.listen))?;
    tracing::info!(database = %redact(&db.url), "listening on http://{}", a.listen);
    let limits = gongkai_web::server::Limits {
        header_read: Duration::from_secs(a.header_timeout),
        body: Duration::from_secs(a.body_timeout),
        per_address: (a.max_connections_per_address > 0 && !a.trust_forwarded_for)
            .then_some(a.max_connections_per_address),
    };
    let threads = a
        .http_threads
        .map_or_else(|| default_http_threads(store.backend()), usize::from);
    gongkai_web::server::serve(listener, app, limits, threads, shutdown_signal()).await?;
    store.close().await;
    Ok(())
}

/// Connection threads unless told: on SQLite one a core, since its portal reads run on the
/// thread that asks and a thread of its own saves the wake-ups between threads (distinct item
/// pages +14%, lists +12%, each 11–12% less CPU, with the page cache on: medians of five
/// interleaved rounds of `bench/ab.sh`); on PostgreSQL none, since the pool's connections answer
/// through the runtime that opened them and crossing runtimes cost 15–17% on every page.
fn default_http_threads(backend: gongkai_store::Backend) -> usize {
    match backend {
        gongkai_store::Backend::Sqlite => {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        }
        gongkai_store::Backend::Postgres => 0,
    }
}

/// Waits, up to two minutes, for the demo another server is loading; then goes on whatever the
/// state (that server may have stopped: its claim on the loading lapses after ten minutes).
async fn wait_for_demo(store: &Store) -> Result<()> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while !demo::is_loaded(store).await? {
        if tokio::time::Instant::now() >= deadline {
            tracing::warn!("another server has not finished loading the demo data; going on");
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

/// The listening address taken (bound, not yet listening), so that a port in use is found
/// before anything else is done. Like `TcpListener::bind`, with `SO_REUSEADDR`: a restart does
/// not wait for the last run's connections to leave `TIME_WAIT`.
fn reserve(addr: std::net::SocketAddr) -> Result<tokio::net::TcpSocket> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()
    } else {
        tokio::net::TcpSocket::new_v6()
    }
    .with_context(|| in_use(addr))?;
    socket.set_reuseaddr(true).with_context(|| in_use(addr))?;
    socket.bind(addr).with_context(|| in_use(addr))?;
    Ok(socket)
}

fn in_use(addr: std::net::SocketAddr) -> String {
    format!("无法监听 {addr}（端口可能已被占用，可用 --listen 换一个）")
}

/// The background work beside the server (`gongkai-jobs`), all driven by rows in the database.
fn start_jobs(
    store: &Store,
    clock: &Arc<dyn Clock>,
    settings: &gongkai_web::Settings,
    search: &Arc<SearchIndex>,
    mailer: Option<Mailer>,
    lease: Duration,
) {
    tokio::spawn(gongkai_jobs::sessions::purge(
        store.clone(),
        clock.clone(),
        settings.session_idle,
        settings.session_absolute,
    ));
    // The index is derived: rebuilt in the background when it does not hold every item on the
    // portal, then kept in step with publications and withdrawals by other processes.
    tokio::spawn(gongkai_jobs::index::follow_others(
        store.clone(),
        search.clone(),
        clock.clone(),
        Duration::from_secs(2),
    ));
    // The Chinese tokenizer loads its dictionary on first use (~0.1 s): do it now, not in the
    // first visitor's search.
    let warm = search.clone();
    tokio::task::spawn_blocking(move || {
        let _ = warm.search(&SearchQuery {
            text: "政府信息公开".into(),
            page: 1,
            per_page: 1,
            ..Default::default()
        });
    });
    if let Some(mailer) = mailer {
        tokio::spawn(gongkai_jobs::mail::run_outbox(
            store.clone(),
            clock.clone(),
            mailer,
        ));
    }
    // Published items to their channels (webhook, WeChat); deliveries are rows, so a restart
    // resumes them.
    tokio::spawn(
        gongkai_jobs::deliver::Deliverer::new(store.clone(), clock.clone())
            .with_lease(lease)
            .run(),
    );
}

/// Signs the audit chain's head once a day (and at start), appending the checkpoint to the file
/// beside the key and keeping it for the portal, so a later rewrite contradicts what was published.
async fn daily_checkpoints(store: Store, clock: Arc<dyn Clock>, file: PathBuf) {
    let mut tick = tokio::time::interval(Duration::from_secs(24 * 3600));
    loop {
        tick.tick().await;
        match super::audit::checkpoint(&store, &file, clock.now()).await {
            Ok(Some(c)) => tracing::info!(record = c.record_id, "audit checkpoint written"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "audit checkpoint not written"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}

/// `--page-cache`: milliseconds, or `off`.
fn page_cache_setting(value: &str) -> Result<Option<Duration>> {
    if value.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let ms: u64 = value
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("--page-cache 应为毫秒数（如 1000）或 off，收到“{value}”"))?;
    Ok(Some(Duration::from_millis(ms)))
}

//! `gongkai`: the one binary. Every subcommand takes `--database-url` (or `GONGKAI_DATABASE_URL`);
//! the default is an embedded SQLite file under `./gongkai-data/`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use gongkai_core::report::Severity;
use gongkai_core::{Clock, Slug, SystemClock};
use gongkai_docs::Format;
use gongkai_store::{DEFAULT_DATABASE_URL, Store, demo, redact};

/// gongkai — 政府信息公开平台
#[derive(Debug, Parser)]
#[command(
    name = "gongkai",
    version,
    about = "gongkai 政府信息公开平台：主动公开、依申请公开、年度报告"
)]
struct Cli {
    #[arg(
        long,
        global = true,
        env = "GONGKAI_DATABASE_URL",
        default_value = DEFAULT_DATABASE_URL,
        help = "Database URL: sqlite://PATH or postgres://USER@HOST/DB"
    )]
    database_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Apply pending database migrations (serve does this too).
    Migrate,
    /// Load the demo data (沂源县 and 西里镇, 2024); running it again changes nothing.
    Demo,
    /// Print an agency's annual report; exits 1 if a cross-check finds an error.
    Report {
        /// The agency's slug, e.g. yiyuan-xili.
        #[arg(long)]
        agency: String,
        /// The report year.
        #[arg(long)]
        year: i32,
        /// Output format: md, html or json.
        #[arg(long, default_value = "md")]
        format: Format,
    },
    /// Run the web server.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "GONGKAI_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Load the demo data first if the database has no agencies.
        #[arg(long)]
        demo: bool,
    },
    /// Write a consistent copy of the SQLite database to PATH (safe while the server runs).
    Backup {
        /// Where to write the copy; must not exist.
        path: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("GONGKAI_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}

async fn open(url: &str) -> Result<Store> {
    let store = Store::connect(url)
        .await
        .with_context(|| format!("打开数据库 {}", redact(url)))?;
    store.migrate().await.context("迁移数据库")?;
    Ok(store)
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match cli.command {
        Command::Migrate => {
            let store = open(&cli.database_url).await?;
            store.close().await;
            println!("数据库已是最新结构：{}", redact(&cli.database_url));
        }
        Command::Demo => {
            let store = open(&cli.database_url).await?;
            let loaded = demo::load(&store, clock.now())
                .await
                .context("载入示例数据")?;
            store.close().await;
            if loaded.agencies == 0 && loaded.items == 0 {
                println!("示例数据已存在，未做任何更改。");
            } else {
                println!(
                    "已载入示例数据：机关{}个，主动公开信息{}条。",
                    loaded.agencies, loaded.items
                );
            }
            println!(
                "查看报告：gongkai report --agency {} --year {}",
                demo::TOWN_SLUG,
                demo::YEAR
            );
        }
        Command::Report {
            agency,
            year,
            format,
        } => {
            let slug = Slug::parse(&agency).map_err(|e| anyhow::anyhow!("{e}"))?;
            let store = open(&cli.database_url).await?;
            let (report, findings) = store.checked_report(&slug, year, clock.today()).await?;
            store.close().await;
            print!("{}", gongkai_docs::render(format, &report, &findings)?);
            if format != Format::Json {
                for f in &findings {
                    let level = if f.severity == Severity::Error {
                        "错误"
                    } else {
                        "提示"
                    };
                    eprintln!("{level} [{}] {}", f.relation, f.message);
                }
            }
            if findings.iter().any(|f| f.severity == Severity::Error) {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Serve {
            listen,
            demo: with_demo,
        } => {
            let store = open(&cli.database_url).await?;
            if with_demo && demo::is_empty(&store).await? {
                demo::load(&store, clock.now())
                    .await
                    .context("载入示例数据")?;
                tracing::info!("demo data loaded");
            }
            let app = gongkai_web::router(gongkai_web::AppState {
                store: store.clone(),
                clock,
            });
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| {
                    format!("无法监听 {listen}（端口可能已被占用，可用 --listen 换一个）")
                })?;
            tracing::info!(database = %redact(&cli.database_url), "listening on http://{listen}");
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown_signal())
                .await?;
            store.close().await;
        }
        Command::Backup { path } => {
            let store = Store::connect(&cli.database_url)
                .await
                .with_context(|| format!("打开数据库 {}", redact(&cli.database_url)))?;
            store.backup(&path).await?;
            store.close().await;
            println!("已备份到 {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
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

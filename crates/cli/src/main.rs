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
use gongkai_store::By;
use gongkai_store::{DEFAULT_DATABASE_URL, Store, demo, redact};

mod accounts;
mod check;

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
        /// Output format: md, html, json, docx or xlsx.
        #[arg(long, default_value = "md")]
        format: Format,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Run the web server. On a database without accounts it first creates the administrator
    /// `admin` and prints its one-time password.
    Serve {
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
        /// Whether the days from a fee notice to its payment stop the answer clock (the spec
        /// marks this unverified; default true).
        #[arg(long, env = "GONGKAI_FEE_PAUSES_CLOCK", default_value_t = true, action = clap::ArgAction::Set)]
        fee_pauses_clock: bool,
        /// Keep rendered portal pages in memory. The value is how many milliseconds a change
        /// made by another process (a second server, the command line) may take to show; changes
        /// through this server show at once. 0 checks the database on every request; `off`
        /// turns the cache off.
        #[arg(long, env = "GONGKAI_PAGE_CACHE", default_value = "1000")]
        page_cache: String,
    },
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage agencies and their hierarchy.
    #[command(subcommand)]
    Agency(AgencyCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The portal's search index.
    #[command(subcommand)]
    Search(SearchCommand),
    /// Proactive disclosure items.
    #[command(subcommand)]
    Items(ItemsCommand),
    /// Import the published report of a year before the agency used gongkai (JSON, XLSX, text,
    /// HTML or DOCX), so carry-over checks work from the first year. Re-importing replaces it.
    Import {
        /// The agency's slug.
        #[arg(long)]
        agency: String,
        /// The report year; must match the file's when the file states one.
        #[arg(long)]
        year: i32,
        /// The report file.
        file: PathBuf,
    },
    /// Compute a request's statutory deadlines from the working-day calendar.
    Deadline {
        /// 收到申请之日 (YYYY-MM-DD).
        #[arg(long)]
        received: chrono::NaiveDate,
        /// When the 补正 notice was sent.
        #[arg(long)]
        clarification_requested: Option<chrono::NaiveDate>,
        /// When the clarified request arrived (the period restarts from it).
        #[arg(long, requires = "clarification_requested")]
        clarification_received: Option<chrono::NaiveDate>,
        /// A consultation period FROM:TO (both included), not counted; repeatable.
        #[arg(long, value_parser = parse_period)]
        consultation: Vec<(chrono::NaiveDate, chrono::NaiveDate)>,
        /// An extension of 20 working days was approved.
        #[arg(long)]
        extended: bool,
        /// Output: text or json.
        #[arg(long, default_value = "text")]
        format: String,
        /// A folder of YYYY.txt holiday files for years announced after this release.
        #[arg(long, env = "GONGKAI_HOLIDAYS_DIR")]
        holidays_dir: Option<PathBuf>,
    },
    /// Compute an information-processing fee (国办函〔2020〕109号).
    Fee {
        /// 按件计收: the requester's N-th request in the natural month.
        #[arg(long, conflicts_with = "pages", required_unless_present = "pages")]
        nth_in_month: Option<u32>,
        /// 按量计收: pages of one request.
        #[arg(long)]
        pages: Option<u32>,
        /// Output: json or text.
        #[arg(long, default_value = "json")]
        format: String,
    },
    /// Check published annual reports (text, HTML, DOCX, PDF, XLSX or JSON files, folders of
    /// them, or https:// addresses). Exit status: 0 clean, 1 findings, 2 a file is not a report
    /// or cannot be read.
    Check {
        /// Files, folders or addresses; a folder is checked recursively and summarised.
        #[arg(required_unless_present = "crawl")]
        inputs: Vec<String>,
        /// A 年报 column's list page: follow its list pages to every report page and the PDF/DOCX
        /// attachments they link, check each, and write the summary.
        #[arg(long)]
        crawl: Option<String>,
        /// The report year, for reports whose title and text do not say.
        #[arg(long)]
        year: Option<i32>,
        /// Output for single files: text or json.
        #[arg(long, value_enum, default_value = "text")]
        format: check::CheckFormat,
        /// Last year's report of the same agency, for the carry-over checks.
        #[arg(long)]
        previous: Option<PathBuf>,
        /// Where a folder check writes its summary (PREFIX.csv and PREFIX.xlsx).
        #[arg(long, default_value = "gongkai-check-summary")]
        summary: PathBuf,
    },
    /// Write a consistent copy of the SQLite database to PATH (safe while the server runs).
    Backup {
        /// Where to write the copy; must not exist.
        path: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account; prints a one-time password unless --password-file is given.
    Add {
        /// Login name.
        username: String,
        /// The person's name.
        #[arg(long)]
        name: String,
        /// Make the account a system administrator.
        #[arg(long)]
        system_admin: bool,
        /// Read the password from this file.
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
    /// Set a new password; prints a one-time password unless --password-file is given.
    Passwd {
        /// Login name.
        username: String,
        /// Read the password from this file.
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
    /// Give a role in an agency.
    Grant {
        /// Login name.
        username: String,
        /// Agency slug.
        #[arg(long)]
        agency: String,
        /// drafter, `first_reviewer`, `final_reviewer`, `case_officer`, `agency_admin` or `oversight_officer`.
        #[arg(long)]
        role: String,
    },
    /// Take a role in an agency away.
    Revoke {
        /// Login name.
        username: String,
        /// Agency slug.
        #[arg(long)]
        agency: String,
        /// The role.
        #[arg(long)]
        role: String,
    },
    /// List accounts and their roles.
    List,
}

#[derive(Debug, Subcommand)]
enum AgencyCommand {
    /// Add an agency.
    Add {
        /// URL name, e.g. yiyuan-xili.
        #[arg(long)]
        slug: String,
        /// Full official name.
        #[arg(long)]
        name: String,
        /// 统一社会信用代码.
        #[arg(long)]
        credit_code: String,
        /// town, street, `county_government` or department.
        #[arg(long)]
        kind: String,
        /// The supervising agency's slug.
        #[arg(long)]
        parent: Option<String>,
    },
    /// Change an agency's name, kind, credit code or parent.
    Update {
        /// The agency's slug.
        slug: String,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New credit code.
        #[arg(long)]
        credit_code: Option<String>,
        /// New kind.
        #[arg(long)]
        kind: Option<String>,
        /// New parent slug.
        #[arg(long, conflicts_with = "no_parent")]
        parent: Option<String>,
        /// Remove the parent.
        #[arg(long)]
        no_parent: bool,
        /// The date (MM-DD of the next year) by which the agencies below publish their reports;
        /// "default" restores the 条例's dates.
        #[arg(long)]
        report_deadline: Option<String>,
    },
    /// List agencies as a tree.
    List,
}

#[derive(Debug, Subcommand)]
enum ItemsCommand {
    /// Import items published before the agency used gongkai, from JSON Lines (one object per
    /// line: `title`, `date`, `category`, and optionally `index_no`, `doc_no`, `body`), as the shared bench
    /// corpus writes them. Missing categories are added to the catalogue.
    Import {
        /// The agency's slug.
        #[arg(long)]
        agency: String,
        /// The file.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum SearchCommand {
    /// Rebuild the search index from every item on the portal, with a progress bar.
    Reindex {
        /// The index folder.
        #[arg(long, env = "GONGKAI_SEARCH_DIR")]
        search_dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Walk the hash chain; exits 1 at the first broken link.
    Verify,
}

/// `FROM:TO` as two dates.
fn parse_period(s: &str) -> Result<(chrono::NaiveDate, chrono::NaiveDate), String> {
    let (from, to) = s
        .split_once(':')
        .ok_or_else(|| format!("“{s}”应写成 开始日期:结束日期，例如 2025-03-10:2025-03-14"))?;
    let date = |t: &str| {
        t.trim()
            .parse::<chrono::NaiveDate>()
            .map_err(|_| format!("“{t}”不是日期（YYYY-MM-DD）"))
    };
    Ok((date(from)?, date(to)?))
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
            output,
        } => {
            let slug = Slug::parse(&agency).map_err(|e| anyhow::anyhow!("{e}"))?;
            let store = open(&cli.database_url).await?;
            let (report, findings) = store.checked_report(&slug, year, clock.today()).await?;
            store.close().await;
            let bytes = gongkai_docs::render(format, &report, &findings)?;
            match &output {
                Some(path) => std::fs::write(path, &bytes)
                    .with_context(|| format!("写入 {}", path.display()))?,
                None => std::io::Write::write_all(&mut std::io::stdout(), &bytes)?,
            }
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
            admin_password_file,
            insecure_cookies,
            trust_forwarded_for,
            holidays_dir,
            smtp_url,
            mail_from,
            fee_pauses_clock,
            search_dir,
            page_cache,
        } => {
            let calendar = gongkai_core::calendar::Calendar::load(holidays_dir.as_deref())
                .map_err(|e| anyhow::anyhow!(e))?;
            let store = open(&cli.database_url).await?;
            if with_demo && demo::is_empty(&store).await? {
                demo::load(&store, clock.now())
                    .await
                    .context("载入示例数据")?;
                tracing::info!("demo data loaded");
            }
            let mailer = smtp_url
                .map(|url| {
                    gongkai_jobs::mail::Mailer::new(&gongkai_jobs::mail::MailConfig {
                        smtp_url: url,
                        from: mail_from,
                    })
                })
                .transpose()
                .map_err(|e| anyhow::anyhow!(e))?;
            let settings = gongkai_web::Settings {
                secure_cookies: !insecure_cookies,
                trust_forwarded_for,
                periods: gongkai_core::deadline::Periods {
                    fee_pauses_clock,
                    ..gongkai_core::deadline::Periods::default()
                },
                page_cache: page_cache_setting(&page_cache)?,
                ..gongkai_web::Settings::default()
            };
            accounts::first_admin(
                &store,
                admin_password_file.as_deref(),
                &settings,
                clock.now(),
            )
            .await?;
            tokio::spawn(purge_sessions(
                store.clone(),
                clock.clone(),
                settings.clone(),
            ));
            // The index is derived: when it does not hold every item on the portal (first start,
            // a crash between commit and indexing, a restored backup), rebuild it in the background.
            let search = Arc::new(
                gongkai_search::SearchIndex::open(Some(
                    &search_dir.unwrap_or_else(|| default_search_dir(&cli.database_url)),
                ))
                .map_err(|e| anyhow::anyhow!("{e}（可用 --search-dir 指定其他目录）"))?,
            );
            if i64::try_from(search.len()).unwrap_or(-1) != store.published_count().await? {
                let (store, search) = (store.clone(), search.clone());
                tokio::spawn(async move {
                    match gongkai_jobs::index::rebuild(&store, &search, |_, _| {}).await {
                        Ok(n) => tracing::info!(items = n, "search index rebuilt"),
                        Err(e) => tracing::error!(error = %e, "search index not rebuilt"),
                    }
                });
            }
            // Publications and withdrawals by other processes reach this server's index too.
            tokio::spawn(gongkai_jobs::index::follow_others(
                store.clone(),
                search.clone(),
                std::time::Duration::from_secs(2),
            ));
            // The Chinese tokenizer loads its dictionary on first use (~0.1 s): do it now, not
            // in the first visitor's search.
            let warm = search.clone();
            tokio::task::spawn_blocking(move || {
                let _ = warm.search(&gongkai_search::SearchQuery {
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
            // Published items to their channels (webhook, WeChat); deliveries are rows, so a
            // restart resumes them.
            tokio::spawn(gongkai_jobs::deliver::Deliverer::new(store.clone(), clock.clone()).run());
            let state = gongkai_web::AppState {
                store: store.clone(),
                clock,
                settings: Arc::new(settings),
                calendar: Arc::new(calendar),
                search: search.clone(),
            };
            let app = gongkai_web::router(state);
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| {
                    format!("无法监听 {listen}（端口可能已被占用，可用 --listen 换一个）")
                })?;
            tracing::info!(database = %redact(&cli.database_url), "listening on http://{listen}");
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(shutdown_signal())
            .await?;
            store.close().await;
        }
        Command::User(cmd) => {
            let store = open(&cli.database_url).await?;
            let result = accounts::user(&store, cmd, clock.now()).await;
            store.close().await;
            return result;
        }
        Command::Agency(cmd) => {
            let store = open(&cli.database_url).await?;
            let result = accounts::agency(&store, cmd, clock.now()).await;
            store.close().await;
            return result;
        }
        Command::Items(ItemsCommand::Import { agency, file }) => {
            let store = open(&cli.database_url).await?;
            let slug = gongkai_core::Slug::parse(&agency)
                .map_err(|e| anyhow::anyhow!("机关简称“{agency}”无效：{e}"))?;
            let items = read_items(&file)?;
            let mut categories = store.categories(&slug).await?;
            for item in &items {
                if !categories.contains(&item.category) {
                    categories.push(item.category.clone());
                }
            }
            let actor = gongkai_core::audit::Actor::system("命令行 gongkai items import");
            store
                .set_categories(&slug, &categories, By::new(&actor, clock.now()))
                .await?;
            let bar = indicatif::ProgressBar::new(items.len() as u64);
            for chunk in items.chunks(2000) {
                store
                    .insert_items(&slug, chunk, By::new(&actor, clock.now()))
                    .await?;
                bar.inc(chunk.len() as u64);
            }
            bar.finish();
            println!(
                "已导入 {} 条信息；请运行 gongkai search reindex 更新搜索索引",
                items.len()
            );
            store.close().await;
        }
        Command::Search(SearchCommand::Reindex { search_dir }) => {
            let store = open(&cli.database_url).await?;
            let index = gongkai_search::SearchIndex::open(Some(
                &search_dir.unwrap_or_else(|| default_search_dir(&cli.database_url)),
            ))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} 条 {elapsed}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let n = gongkai_jobs::index::rebuild(&store, &index, |done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            })
            .await?;
            bar.finish();
            println!("已重建搜索索引：{n} 条信息");
            store.close().await;
        }
        Command::Audit(AuditCommand::Verify) => {
            let store = open(&cli.database_url).await?;
            let result = store.audit_verify().await?;
            store.close().await;
            match result {
                Ok(n) => println!("审计日志完整：共{n}条记录，哈希链无断裂。"),
                Err(e) => {
                    eprintln!("审计日志被篡改：{e}");
                    return Ok(ExitCode::from(1));
                }
            }
        }
        Command::Import { agency, year, file } => {
            let slug = Slug::parse(&agency).map_err(|e| anyhow::anyhow!("{e}"))?;
            let kind = gongkai_docs::parse::SourceKind::from_path(&file)
                .unwrap_or(gongkai_docs::parse::SourceKind::Text);
            let bytes = std::fs::read(&file).with_context(|| format!("读取 {}", file.display()))?;
            let parsed = gongkai_docs::parse::parse(&bytes, kind, &file.to_string_lossy())
                .map_err(|e| anyhow::anyhow!("{}：{e}", file.display()))?;
            let mut report = parsed.report;
            if report.year != year && kind != gongkai_docs::parse::SourceKind::Xlsx {
                anyhow::bail!("文件是{}年度报告，与 --year {year} 不符", report.year);
            }
            report.year = year;
            let store = open(&cli.database_url).await?;
            let found = store
                .find_agency(&slug)
                .await?
                .ok_or_else(|| anyhow::anyhow!("机关“{slug}”不存在"))?;
            report.agency = found.as_ref();
            store
                .import_report(
                    &slug,
                    &report,
                    &file.to_string_lossy(),
                    By::new(
                        &gongkai_core::audit::Actor::system("命令行 gongkai import"),
                        clock.now(),
                    ),
                )
                .await?;
            store.close().await;
            let unread = report.table3.iter().filter(|(_, _, v)| v.is_none()).count();
            println!("已导入{}{year}年度报告（{}）。", found.name, file.display());
            if unread > 0 {
                println!("注意：表三有{unread}个单元格无法读取，相关核查将跳过这些单元格。");
            }
        }
        Command::Deadline {
            received,
            clarification_requested,
            clarification_received,
            consultation,
            extended,
            format,
            holidays_dir,
        } => {
            let calendar = gongkai_core::calendar::Calendar::load(holidays_dir.as_deref())
                .map_err(|e| anyhow::anyhow!(e))?;
            let facts = gongkai_core::deadline::ClockFacts {
                received_on: Some(received),
                clarification_requested,
                clarification_received,
                pauses: consultation,
                extended,
                fee_pause: None,
            };
            let d = gongkai_core::deadline::deadlines(
                &calendar,
                &facts,
                gongkai_core::deadline::Periods::default(),
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            if format == "json" {
                println!("{}", serde_json::to_string_pretty(&d)?);
            } else {
                let due = d
                    .due
                    .map_or_else(|| "（等待补正，暂停计算）".to_owned(), |x| x.to_string());
                println!("due: {due}（答复期限）");
                println!(
                    "clarification_notice_due: {}（补正通知期限）",
                    d.clarification_notice_due
                );
                println!(
                    "provisional: {}{}",
                    d.provisional,
                    if d.provisional {
                        "（超出已公布的节假日安排，按周一至周五计算，须在国务院公布后复核）"
                    } else {
                        ""
                    }
                );
            }
        }
        Command::Fee {
            nth_in_month,
            pages,
            format,
        } => {
            let (amount, how) = match (nth_in_month, pages) {
                (Some(n), _) => (
                    gongkai_core::fee::per_request_yuan(n),
                    format!("按件计收，本自然月第{n}件"),
                ),
                (None, Some(p)) => (
                    gongkai_core::fee::per_page_yuan(p),
                    format!("按量计收，{p}页"),
                ),
                (None, None) => anyhow::bail!("请给出 --nth-in-month 或 --pages"),
            };
            if format == "json" {
                println!("{}", serde_json::json!({ "amount_yuan": amount }));
            } else {
                println!("amount_yuan: {amount}（{how}）");
            }
        }
        Command::Check {
            inputs,
            crawl,
            year,
            format,
            previous,
            summary,
        } => {
            let how = check::How {
                format,
                year,
                summary,
            };
            return check::run(&inputs, crawl.as_deref(), previous.as_deref(), &how).await;
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

/// Removes expired sessions every ten minutes. Expiry is also checked on every request, so this only
/// keeps the table small.
/// Reads items from JSON Lines; a bad line is named with its number.
fn read_items(path: &std::path::Path) -> anyhow::Result<Vec<gongkai_store::NewItem>> {
    #[derive(serde::Deserialize)]
    struct Line {
        title: String,
        date: chrono::NaiveDate,
        category: String,
        #[serde(default)]
        index_no: Option<String>,
        #[serde(default)]
        doc_no: Option<String>,
        #[serde(default)]
        body: String,
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("无法读取 {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            let line: Line = serde_json::from_str(l)
                .with_context(|| format!("{} 第{}行不是有效的信息记录", path.display(), n + 1))?;
            let body_html = line.body.lines().filter(|p| !p.trim().is_empty()).fold(
                String::new(),
                |mut html, p| {
                    html.push_str("<p>");
                    html.push_str(
                        &p.replace('&', "&amp;")
                            .replace('<', "&lt;")
                            .replace('>', "&gt;"),
                    );
                    html.push_str("</p>");
                    html
                },
            );
            Ok(gongkai_store::NewItem {
                content: Some(gongkai_core::item::ItemContent {
                    title: line.title.clone(),
                    doc_number: line.doc_no.unwrap_or_default(),
                    written_on: Some(line.date),
                    formed_on: Some(line.date),
                    attribute: Some(gongkai_core::item::Attribute::Proactive),
                    category: line.category.clone(),
                    kind: Some(gongkai_core::item::DocKind::Other),
                    summary: line.title.chars().take(150).collect(),
                    body_html,
                    ..Default::default()
                }),
                title: line.title,
                category: line.category,
                published_on: line.date,
                index_no: line.index_no,
            })
        })
        .collect()
}

/// The search index's default folder: beside the SQLite file (`g.db` → `g.db.search`), or
/// `gongkai-data/search-<database>` for PostgreSQL.
fn default_search_dir(database_url: &str) -> PathBuf {
    if let Some(path) = database_url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        return PathBuf::from(format!("{path}.search"));
    }
    let name = database_url
        .split('?')
        .next()
        .and_then(|u| u.rsplit('/').next())
        .filter(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
        .unwrap_or("postgres");
    PathBuf::from(format!("gongkai-data/search-{name}"))
}

async fn purge_sessions(store: Store, clock: Arc<dyn Clock>, settings: gongkai_web::Settings) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        let now = clock.now();
        match store
            .purge_sessions(now - settings.session_idle, now - settings.session_absolute)
            .await
        {
            Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions removed"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not remove expired sessions"),
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
fn page_cache_setting(value: &str) -> anyhow::Result<Option<std::time::Duration>> {
    if value.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let ms: u64 = value
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("--page-cache 应为毫秒数（如 1000）或 off，收到“{value}”"))?;
    Ok(Some(std::time::Duration::from_millis(ms)))
}

//! `gongkai`: the one binary. Every subcommand takes `--database-url` (or
//! `GONGKAI_DATABASE_URL`); the default is an embedded SQLite file under `./gongkai-data/`. Each
//! subcommand lives in its own module under `commands/`.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use gongkai_core::{Clock, SystemClock};
use gongkai_store::DEFAULT_DATABASE_URL;

mod commands;

/// mimalloc instead of glibc's allocator: a page allocates and frees thousands of small strings
/// and template values, and a profile of distinct item pages put 14% of the server's CPU in
/// glibc's `malloc`/`free` (its fastbin consolidation above all).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use commands::{
    Database, accounts, audit, backup, check, deadline, demo, fee, import, items, report, search,
    serve,
};

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
    #[arg(
        long,
        global = true,
        env = "GONGKAI_AUDIT_KEY_FILE",
        help = "The audit chain's key file, kept outside the database (default: beside the SQLite file, or gongkai-data/audit.key)"
    )]
    audit_key_file: Option<std::path::PathBuf>,
    #[arg(
        long,
        global = true,
        env = "GONGKAI_SQLITE_SYNC",
        default_value = "full",
        value_parser = ["full", "normal"],
        help = "When a SQLite commit counts as done: full (flushed to disk; survives a power failure) or normal (written to the system; survives the process being killed, not a power failure)"
    )]
    sqlite_sync: String,
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
    Report(report::Args),
    /// Run the web server. On a database without accounts it first creates the administrator
    /// `admin` and prints its one-time password.
    Serve(serve::Args),
    /// Manage staff accounts.
    #[command(subcommand)]
    User(accounts::UserCommand),
    /// Manage agencies and their hierarchy.
    #[command(subcommand)]
    Agency(accounts::AgencyCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(audit::Command),
    /// The portal's search index.
    #[command(subcommand)]
    Search(search::Command),
    /// Proactive disclosure items.
    #[command(subcommand)]
    Items(items::Command),
    /// Import the published report of a year before the agency used gongkai (JSON, XLSX, text,
    /// HTML or DOCX), so carry-over checks work from the first year. Re-importing replaces it.
    Import(import::Args),
    /// Compute a request's statutory deadlines from the working-day calendar.
    Deadline(deadline::Args),
    /// Compute an information-processing fee (国办函〔2020〕109号).
    Fee(fee::Args),
    /// Check published annual reports (text, HTML, DOCX, PDF, XLSX or JSON files, folders of
    /// them, or https:// addresses). Exit status: 0 clean, 1 findings, 2 a file is not a report
    /// or cannot be read.
    Check(check::Args),
    /// Write a consistent copy of the SQLite database to PATH (safe while the server runs).
    Backup(backup::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("GONGKAI_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(colours(
            std::io::stderr().is_terminal(),
            std::env::var_os("NO_COLOR"),
        ))
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

/// Whether log lines are coloured: only on a terminal, and not when `NO_COLOR` is set to anything
/// (no-color.org). Under systemd the log goes to the journal, which keeps a line holding the
/// colours' escape codes as bytes rather than text (`journalctl -o json` gives it as an array of
/// numbers, rsyslog shows `#033[2m`, older `journalctl` "[… blob data]"); in a file or a pipe the
/// codes are noise in every line an operator greps.
fn colours(terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

/// Dispatches to the subcommand's module.
async fn run(cli: Cli) -> Result<ExitCode> {
    let clock = SystemClock;
    let db = Database::new(cli.database_url, cli.audit_key_file).with_sqlite_sync(
        if cli.sqlite_sync == "normal" {
            gongkai_store::SqliteSync::Normal
        } else {
            gongkai_store::SqliteSync::Full
        },
    );
    let done = |r: Result<()>| r.map(|()| ExitCode::SUCCESS);
    match cli.command {
        Command::Migrate => done(demo::migrate(&db).await),
        Command::Demo => done(demo::run(&db, clock.now()).await),
        Command::Report(a) => report::run(&db, a, clock.today()).await,
        Command::Serve(a) => done(serve::run(&db, a).await),
        Command::User(cmd) => {
            let store = db.open().await?;
            let result = accounts::user(&store, cmd, clock.now()).await;
            store.close().await;
            result
        }
        Command::Agency(cmd) => {
            let store = db.open().await?;
            let result = accounts::agency(&store, cmd, clock.now()).await;
            store.close().await;
            result
        }
        Command::Audit(cmd) => audit::run(&db, cmd, clock.now()).await,
        Command::Search(cmd) => done(search::run(&db, cmd).await),
        Command::Items(cmd) => done(items::run(&db, cmd, clock.now()).await),
        Command::Import(a) => done(import::run(&db, a, clock.now()).await),
        Command::Deadline(a) => done(deadline::run(a)),
        Command::Fee(a) => done(fee::run(&a)),
        Command::Check(a) => a.run().await,
        Command::Backup(a) => done(backup::run(&db, a).await),
    }
}

#[cfg(test)]
mod tests {
    use super::colours;

    #[test]
    fn colours_only_on_a_terminal_without_no_color() {
        assert!(colours(true, None));
        assert!(!colours(false, None));
        assert!(!colours(true, Some("1".into())));
        // NO_COLOR set but empty counts as not set (no-color.org).
        assert!(colours(true, Some("".into())));
        assert!(!colours(false, Some("1".into())));
    }
}

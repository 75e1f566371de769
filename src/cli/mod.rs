//! The `kinmu` command (formats.md, "Command line"): the clap types of the
//! top level and the start of every command; each command group lives in
//! its own file. Like `web`, a surface: it knows clap and calls the library
//! below it, and nothing below knows it.

mod audit;
mod backup;
mod check;
mod import;
mod interviews;
mod jobs;
mod layouts;
mod records;
mod report;
mod serve;
mod users;

use crate::config::Settings;
use crate::domain::time::YearMonth;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "kinmu",
    version,
    about = "医師の労働時間管理 (doctors' working hours under the 2024 reform)"
)]
struct Cli {
    /// A config file read on top of the built-in defaults.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The database (sqlite://PATH, a bare path, or postgres://…);
    /// overrides DATABASE_URL and the config file.
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the web service (the default command).
    Serve {
        /// Address to listen on (overrides the config's `listen`).
        #[arg(long)]
        listen: Option<String>,
        /// Use a demo database (data/demo.db unless --database-url is given)
        /// and fill it with example doctors and this month's records. Only a
        /// database the demo created (or marked earlier) is filled.
        #[arg(long)]
        demo: bool,
        /// With --demo: put the demo (accounts with a public password) into
        /// the given database although the demo did not create it.
        #[arg(long, requires = "demo")]
        demo_into_this_database: bool,
    },
    /// Import a CSV file (UTF-8 or Shift_JIS).
    Import {
        #[arg(value_enum)]
        kind: import::KindArg,
        file: PathBuf,
        /// Write the valid rows even when some rows are rejected.
        #[arg(long)]
        skip_invalid: bool,
        /// Do not re-check the months the file touched now: the next
        /// `kinmu jobs recheck` does (`kinmu serve` runs it every minute).
        /// For loading many files in a row, re-checked once after the last.
        #[arg(long)]
        no_recheck: bool,
        /// Read the file with this built-in layout (`kinmu layouts list`);
        /// without it, a layout is recognised from the header.
        #[arg(long, value_name = "NAME", conflicts_with = "layout_file")]
        layout: Option<String>,
        /// Read the file with a layout of your own (TOML).
        #[arg(long, value_name = "FILE.toml")]
        layout_file: Option<PathBuf>,
        /// Timecard: the dates the file covers, FROM..TO (YYYY-MM-DD, both
        /// inclusive); inside them the file replaces the stored rows of the
        /// doctors it names (default: each doctor's first to last date in
        /// the file).
        #[arg(long, value_name = "FROM..TO", value_parser = import::parse_period_arg)]
        period: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
        /// Roster: when it was published to the doctors, YYYY-MM-DDTHH:MM
        /// (not after now; rules §5a.2). Default: the import's time.
        #[arg(long, value_name = "YYYY-MM-DDTHH:MM", value_parser = crate::ingest::parse_published_at)]
        published_at: Option<chrono::NaiveDateTime>,
    },
    /// The layouts vendor exports are read with.
    Layouts {
        #[command(subcommand)]
        command: layouts::LayoutsCommand,
    },
    /// Check a file before it is used (rules §15: a roster).
    Check {
        #[command(subcommand)]
        command: check::CheckCommand,
    },
    /// Print a report.
    Report {
        #[command(subcommand)]
        report: report::ReportCommand,
    },
    /// Manage user accounts.
    Users {
        #[command(subcommand)]
        command: users::UsersCommand,
    },
    /// Run a scheduled job once, now.
    Jobs {
        #[command(subcommand)]
        job: jobs::JobCommand,
    },
    /// Interviews (面接指導).
    Interviews {
        #[command(subcommand)]
        command: interviews::InterviewsCommand,
    },
    /// Delete what has passed its retention (rules §10); never what is on legal hold.
    Purge {
        /// Report what would be deleted, delete nothing.
        #[arg(long)]
        dry_run: bool,
        /// The day to judge retention on (default: today).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
    },
    /// Legal holds: keep a doctor's records past their retention.
    Holds {
        #[command(subcommand)]
        command: records::HoldsCommand,
    },
    /// Delete records a person asks to delete — refused while they must
    /// still be kept (rules §10) or are on legal hold.
    Records {
        #[command(subcommand)]
        command: records::RecordsCommand,
    },
    /// The access log.
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// A consistent copy of the database, taken while the service runs.
    Backup { file: PathBuf },
    /// Put a backup back (stop the service first).
    Restore { file: PathBuf },
    /// Write example files of any size (doctors, timecard, roster, PC log), for benchmarks.
    Generate(crate::generate::GenerateArgs),
}

fn parse_month(s: &str) -> Result<YearMonth, String> {
    // YearMonth::parse reads only the months a person may enter (2000–2099).
    YearMonth::parse(s).ok_or_else(|| {
        format!(
            "月は YYYY-MM（2000-01〜2099-12）で指定してください: {s:?} / month must be YYYY-MM (2000-01 to 2099-12)"
        )
    })
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    crate::domain::input::parse_date(("日付", "date"), s).map_err(|e| e.0)
}

/// Runs the command line of this process; what `src/main.rs` calls.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // One line on stderr (formats.md): the chain joined.
            let msg = format!("{e:#}").replace('\n', " ");
            eprintln!("kinmu: {msg}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut settings = Settings::load(cli.config.as_deref())?;
    let serving = matches!(cli.command, None | Some(Command::Serve { .. }));
    crate::telemetry::init(settings.log_format, if serving { "info" } else { "warn" });
    let demo = matches!(cli.command, Some(Command::Serve { demo: true, .. }));
    if let Some(url) = cli
        .database_url
        .or_else(|| std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()))
    {
        settings.database_url = url;
    } else if demo {
        settings.database_url = "sqlite://data/demo.db".into();
    }
    match cli.command.unwrap_or(Command::Serve {
        listen: None,
        demo: false,
        demo_into_this_database: false,
    }) {
        Command::Serve {
            listen,
            demo,
            demo_into_this_database,
        } => serve::run(settings, listen, demo, demo_into_this_database),
        Command::Import {
            kind,
            file,
            skip_invalid,
            no_recheck,
            layout,
            layout_file,
            period,
            published_at,
        } => import::run(
            settings,
            kind.into(),
            &file,
            import::Flags {
                skip_invalid,
                recheck: !no_recheck,
            },
            import::LayoutArg::of(layout, layout_file),
            period,
            published_at,
        ),
        Command::Layouts { command } => layouts::run(settings, command),
        Command::Users { command } => users::run(settings, command),
        Command::Jobs { job } => jobs::run(settings, job),
        Command::Purge { dry_run, as_of } => jobs::purge(settings, dry_run, as_of),
        Command::Records { command } => records::delete(settings, command),
        Command::Holds { command } => records::holds(settings, command),
        Command::Audit { command } => audit::run(settings, command),
        Command::Backup { file } => backup::backup(settings, &file),
        Command::Restore { file } => backup::restore(&settings, &file),
        Command::Generate(args) => {
            let summary = crate::generate::run(&args)?;
            println!("{}", serde_json::to_string(&summary)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Interviews { command } => interviews::run(settings, command),
        Command::Report { report } => report::run(settings, report),
        Command::Check { command } => check::run(settings, command),
    }
}

/// Who ran a command, for the access log: `cli:` and the operating-system
/// user.
fn cli_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}

/// Reads one line (a password) from standard input.
fn password_from_stdin() -> anyhow::Result<String> {
    let mut password = String::new();
    std::io::stdin().read_line(&mut password)?;
    Ok(password.trim_end_matches(['\r', '\n']).to_string())
}

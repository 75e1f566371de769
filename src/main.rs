//! The `kinmu` command (formats.md, "Command line").

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use kinmu::app::App;
use kinmu::config::Settings;
use kinmu::domain::time::YearMonth;
use kinmu::ingest::{self, ImportKind, ImportRequest};
use std::io::Write;
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
        /// and fill it with example doctors and this month's records.
        #[arg(long)]
        demo: bool,
    },
    /// Import a CSV file (UTF-8 or Shift_JIS).
    Import {
        #[arg(value_enum)]
        kind: KindArg,
        file: PathBuf,
        /// Write the valid rows even when some rows are rejected.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Print a report.
    Report {
        #[command(subcommand)]
        report: ReportCommand,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    Doctors,
    Timecard,
    Roster,
    Pclog,
}

impl From<KindArg> for ImportKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Doctors => ImportKind::Doctors,
            KindArg::Timecard => ImportKind::Timecard,
            KindArg::Roster => ImportKind::Roster,
            KindArg::Pclog => ImportKind::Pclog,
        }
    }
}

#[derive(Debug, Subcommand)]
enum ReportCommand {
    /// Every doctor's month as of a date.
    Monthly {
        /// The month, YYYY-MM.
        #[arg(long, value_parser = parse_month)]
        month: YearMonth,
        /// Count rows starting on or before this date (default: today).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Csv,
}

fn parse_month(s: &str) -> Result<YearMonth, String> {
    YearMonth::parse(s)
        .ok_or_else(|| format!("月は YYYY-MM で指定してください: {s:?} / month must be YYYY-MM"))
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        format!("日付は YYYY-MM-DD で指定してください: {s:?} / date must be YYYY-MM-DD")
    })
}

fn main() -> ExitCode {
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
    kinmu::telemetry::init(settings.log_format, if serving { "info" } else { "warn" });
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
    }) {
        Command::Serve { listen, demo } => {
            if let Some(l) = listen {
                settings.listen = l;
            }
            serve(App::open(settings)?, demo)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            kind,
            file,
            skip_invalid,
        } => import(App::open(settings)?, kind.into(), &file, skip_invalid),
        Command::Report {
            report:
                ReportCommand::Monthly {
                    month,
                    as_of,
                    format,
                },
        } => {
            let app = App::open(settings)?;
            let as_of = as_of.unwrap_or_else(|| app.settings.today());
            let mut conn = app.pool.get()?;
            let report = kinmu::report::monthly(&mut conn, month, as_of, &app.settings.rules)?;
            let out = match format {
                Format::Json => serde_json::to_string_pretty(&report)? + "\n",
                Format::Csv => report.to_csv()?,
            };
            std::io::stdout().write_all(out.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn import(
    app: App,
    kind: ImportKind,
    file: &std::path::Path,
    skip_invalid: bool,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file)
        .with_context(|| format!("ファイルを読めません / cannot read {}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut conn = app.pool.get()?;
    let report = ingest::run(
        &mut conn,
        &ImportRequest {
            kind,
            bytes: &bytes,
            file_name: &name,
            skip_invalid,
            actor: None,
            now: app.now(),
        },
    )?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn serve(app: App, demo: bool) -> anyhow::Result<()> {
    if demo {
        let mut conn = app.pool.get()?;
        let loaded = kinmu::demo::load_if_empty(&mut conn, app.settings.today(), app.now())?;
        if loaded {
            tracing::info!("demo data loaded");
        }
    }
    let listener = std::net::TcpListener::bind(&app.settings.listen)
        .with_context(|| format!("cannot listen on {}", app.settings.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "kinmu is listening: http://{addr}/");
    actix_web::rt::System::new()
        .block_on(async move { kinmu::web::serve(app, listener)?.await })?;
    Ok(())
}

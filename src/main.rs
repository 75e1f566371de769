//! The `kinmu` command (formats.md, "Command line").

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use kinmu::accounts::{self, NewAccount, Role};
use kinmu::app::App;
use kinmu::config::Settings;
use kinmu::domain::time::YearMonth;
use kinmu::ingest::{self, ImportKind, ImportRequest};
use kinmu::monitor;
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
    /// Manage user accounts.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Run a scheduled job once, now.
    Jobs {
        #[command(subcommand)]
        job: JobCommand,
    },
    /// Interviews (面接指導).
    Interviews {
        #[command(subcommand)]
        command: InterviewsCommand,
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
        command: HoldsCommand,
    },
    /// Delete records a person asks to delete — refused while they must
    /// still be kept (rules §10) or are on legal hold.
    Records {
        #[command(subcommand)]
        command: RecordsCommand,
    },
    /// The access log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// A consistent copy of the database, taken while the service runs.
    Backup { file: PathBuf },
    /// Put a backup back (stop the service first).
    Restore { file: PathBuf },
    /// Write example files of any size (doctors, timecard, roster, PC log), for benchmarks.
    Generate(kinmu::generate::GenerateArgs),
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check the access log's hash chain and signatures: exit 0 when intact,
    /// 3 when an entry was edited, removed or reordered.
    Verify {
        /// An entry kept outside the database, as ID:HASH (from an earlier
        /// run's `last` or the daily mail to administrators); it must still
        /// be there unchanged. May be given more than once.
        #[arg(long = "anchor", value_name = "ID:HASH")]
        anchors: Vec<kinmu::audit::Anchor>,
    },
}

#[derive(Debug, Subcommand)]
enum RecordsCommand {
    /// Delete a doctor's working-time records of a month and before, once
    /// their 3-year retention has ended.
    Delete {
        #[arg(long)]
        staff_id: String,
        /// The last month to delete (YYYY-MM).
        #[arg(long, value_parser = parse_month)]
        through: YearMonth,
        /// The day to judge retention on (default: today).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
    },
}

#[derive(Debug, Subcommand)]
enum HoldsCommand {
    /// Place a legal hold on a doctor's records.
    Place {
        #[arg(long)]
        staff_id: String,
        #[arg(long)]
        reason: String,
    },
    /// Release a doctor's legal hold.
    Release {
        #[arg(long)]
        staff_id: String,
    },
}

#[derive(Debug, Subcommand)]
enum UsersCommand {
    /// Add an account; the password is read from standard input.
    Add {
        #[arg(long)]
        login: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The person's name as shown in mails and screens.
        #[arg(long)]
        name: Option<String>,
        /// The doctor this account belongs to (required for --role doctor).
        #[arg(long)]
        staff_id: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        department: Option<String>,
        /// Physicians: the date the MHLW interview-physician course was completed.
        #[arg(long, value_parser = parse_date)]
        trained_on: Option<NaiveDate>,
        /// This user is the hospital's 管理者 (never assigned as interview physician).
        #[arg(long)]
        administrator: bool,
        /// Read the password from standard input (one line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// The user ledger (利用者ID台帳): every account with its state.
    List {
        #[arg(long, value_enum, default_value_t = LedgerFormat::Json)]
        format: LedgerFormat,
    },
    /// Disable an account now.
    Disable { login: String },
    /// Enable an account again (also clears a lock-out).
    Enable { login: String },
    /// Record a leaver's last day: the account is disabled the day after.
    Leave {
        login: String,
        /// The last working day; `--clear` removes it.
        #[arg(long, value_parser = parse_date, required_unless_present = "clear")]
        on: Option<NaiveDate>,
        #[arg(long, conflicts_with = "on")]
        clear: bool,
    },
    /// Set a new password (read from standard input); ends the user's sessions.
    Password {
        login: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LedgerFormat {
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleArg {
    Admin,
    Hr,
    Manager,
    Physician,
    Doctor,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::Hr => Role::Hr,
            RoleArg::Manager => Role::Manager,
            RoleArg::Physician => Role::Physician,
            RoleArg::Doctor => Role::Doctor,
        }
    }
}

#[derive(Debug, Subcommand)]
enum JobCommand {
    /// Recompute the month, open interviews and measures, queue and send mail.
    Daily {
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
    },
    /// Check a closed month (default: the previous month) and record the check.
    Monthly {
        #[arg(long, value_parser = parse_month)]
        month: Option<YearMonth>,
    },
    /// Disable leavers past their last day and accounts unused for
    /// `unused_account_days` (default 90), and report them.
    Accounts {
        /// Judge as of this day (default: now).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
    },
}

#[derive(Debug, Subcommand)]
enum InterviewsCommand {
    /// The interviews of a month.
    List {
        #[arg(long, value_parser = parse_month)]
        month: YearMonth,
        #[arg(long, value_enum, default_value_t = ListFormat::Json)]
        format: ListFormat,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ListFormat {
    Json,
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
    // YearMonth::parse reads only the months a person may enter (2000–2099).
    YearMonth::parse(s).ok_or_else(|| {
        format!(
            "月は YYYY-MM（2000-01〜2099-12）で指定してください: {s:?} / month must be YYYY-MM (2000-01 to 2099-12)"
        )
    })
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    kinmu::domain::input::parse_date(("日付", "date"), s).map_err(|e| e.0)
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
        demo_into_this_database: false,
    }) {
        Command::Serve {
            listen,
            demo,
            demo_into_this_database,
        } => {
            if let Some(l) = listen {
                settings.listen = l;
            }
            // The published demo password opens accounts only in a demo.
            settings.accounts.demo_mode = demo;
            // Whether this start creates the database: only such a database
            // (or one marked as a demo before) takes the demo data.
            let created_now = match kinmu::db::DatabaseUrl::parse(&settings.database_url)? {
                kinmu::db::DatabaseUrl::Sqlite(path) => !path.exists(),
                kinmu::db::DatabaseUrl::Postgres(_) => false,
            };
            let app = App::open(settings)?;
            let demo = demo.then_some(DemoStart {
                created_now,
                into_this_database: demo_into_this_database,
            });
            serve(app, demo)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            kind,
            file,
            skip_invalid,
        } => import(App::open(settings)?, kind.into(), &file, skip_invalid),
        Command::Users {
            command:
                UsersCommand::Add {
                    login,
                    role,
                    name,
                    staff_id,
                    email,
                    department,
                    trained_on,
                    administrator,
                    password_stdin: _,
                },
        } => {
            let app = App::open(settings)?;
            let password = password_from_stdin()?;
            let account = NewAccount {
                login,
                role: role.into(),
                name,
                staff_id,
                email,
                department,
                trained_on,
                is_administrator: administrator,
                password,
            };
            let mut conn = app.pool.get()?;
            let actor = cli_actor();
            let user = accounts::add_user(&mut conn, &account, &app.settings.accounts, Some(&actor), app.now())?;
            println!(
                "{}",
                serde_json::json!({ "login": user.login, "role": user.role, "id": user.id })
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Users { command } => users(settings, command),
        Command::Jobs {
            job: JobCommand::Accounts { as_of },
        } => {
            let app = App::open(settings)?;
            let mut conn = app.pool.get()?;
            let now = as_of.map_or_else(|| app.now(), |d| d.and_time(app.now().time()));
            let disabled = kinmu::monitor::account_job::run(&mut conn, &app.settings, now)?;
            let access_log = kinmu::monitor::account_job::anchor_log(&mut conn, &app.settings, now)?;
            println!(
                "{}",
                serde_json::json!({ "disabled": disabled, "access_log": access_log })
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Jobs { job } => {
            let app = App::open(settings)?;
            let mailer = app.mailer()?;
            let mut conn = app.pool.get()?;
            let out = match job {
                JobCommand::Daily { as_of } => {
                    let as_of = as_of.unwrap_or_else(|| app.settings.today());
                    serde_json::to_string(&monitor::daily::run(
                        &mut conn,
                        &app.settings,
                        &mailer,
                        as_of,
                        app.now(),
                    )?)?
                }
                JobCommand::Accounts { .. } => unreachable!("handled above"),
                JobCommand::Monthly { month } => {
                    let month = month.unwrap_or_else(|| YearMonth::of(app.settings.today()).previous());
                    let check = monitor::monthly::run(&mut conn, &app.settings, &mailer, month, app.now())?;
                    // The check names the doctors over 100 and 155 hours.
                    kinmu::audit::log(
                        &mut conn,
                        Some(&cli_actor()),
                        "read",
                        "jobs monthly",
                        serde_json::json!({ "month": check.month, "doctors": check.doctors }),
                        app.now(),
                    )?;
                    serde_json::to_string(&check)?
                }
            };
            println!("{out}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Purge { dry_run, as_of } => {
            let app = App::open(settings)?;
            let mut conn = app.pool.get()?;
            let today = as_of.unwrap_or_else(|| app.settings.today());
            let report = kinmu::records::purge(&mut conn, today, dry_run, None, app.now())?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Records {
            command:
                RecordsCommand::Delete {
                    staff_id,
                    through,
                    as_of,
                },
        } => {
            let app = App::open(settings)?;
            let mut conn = app.pool.get()?;
            let today = as_of.unwrap_or_else(|| app.settings.today());
            let actor = cli_actor();
            let report =
                kinmu::records::delete_work_records(&mut conn, &staff_id, through, today, Some(&actor), app.now())?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Holds { command } => {
            let app = App::open(settings)?;
            let mut conn = app.pool.get()?;
            let out = match command {
                HoldsCommand::Place { staff_id, reason } => {
                    let id = kinmu::records::place_hold(&mut conn, &staff_id, &reason, None, app.now())?;
                    serde_json::json!({ "staff_id": staff_id, "hold_id": id })
                }
                HoldsCommand::Release { staff_id } => {
                    let released = kinmu::records::release_hold(&mut conn, &staff_id, None, app.now())?;
                    serde_json::json!({ "staff_id": staff_id, "released": released })
                }
            };
            println!("{out}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            command: AuditCommand::Verify { anchors },
        } => {
            let app = App::open(settings)?;
            let mut conn = app.pool.get()?;
            let mut report = kinmu::audit::verify_with(&mut conn, app.audit_key().as_deref())?;
            kinmu::audit::check_anchors(&mut conn, &mut report, &anchors)?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(3)
            })
        }
        Command::Backup { file } => {
            let app = App::open(settings)?;
            let mut conn = app.pool.get()?;
            // A backup is a copy of every record: logged (before it is
            // taken, so the copy holds its own entry) as an export.
            kinmu::audit::log(
                &mut conn,
                Some(&cli_actor()),
                "export",
                "backup",
                serde_json::json!({ "file": file.display().to_string() }),
                app.now(),
            )?;
            kinmu::backup::backup(&app.database, &mut conn, &file)?;
            println!("{}", serde_json::json!({ "backup": file.display().to_string() }));
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate(args) => {
            let summary = kinmu::generate::run(&args)?;
            println!("{}", serde_json::to_string(&summary)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { file } => {
            // No pool: the target must not be in use while it is replaced.
            let url = kinmu::db::DatabaseUrl::parse(&settings.database_url)?;
            kinmu::backup::restore(&url, &file)?;
            println!("{}", serde_json::json!({ "restored": file.display().to_string() }));
            Ok(ExitCode::SUCCESS)
        }
        Command::Interviews {
            command:
                InterviewsCommand::List {
                    month,
                    format: ListFormat::Json,
                },
        } => {
            let app = App::open(settings)?;
            let mut conn = app.pool.get()?;
            let lines = monitor::records::list_interviews(&mut conn, month, app.settings.today())?;
            // Who is due an interview says who worked over 100 hours: a read
            // of personal data, logged before it is printed.
            kinmu::audit::log(
                &mut conn,
                Some(&cli_actor()),
                "read",
                "interviews list",
                serde_json::json!({ "month": month.to_string(), "lines": lines.len() }),
                app.now(),
            )?;
            let interviews: Vec<_> = lines
                .iter()
                .map(|l| {
                    serde_json::json!({
                        "staff_id": l.staff_id,
                        "physician_login": l.physician_login,
                        "deadline": l.deadline,
                        "status": l.status,
                        "reason": l.reason,
                        "held_on": l.held_on,
                        "reach_100_date": l.reach_100_date,
                    })
                })
                .collect();
            let out = serde_json::json!({ "month": month.to_string(), "interviews": interviews });
            println!("{}", serde_json::to_string_pretty(&out)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Report {
            report: ReportCommand::Monthly { month, as_of, format },
        } => {
            let app = App::open(settings)?;
            let as_of = as_of.unwrap_or_else(|| app.settings.today());
            let mut conn = app.pool.get()?;
            let report = kinmu::report::monthly(&mut conn, month, as_of, &app.settings.rules)?;
            // Every doctor's hours: logged before they are printed, as a
            // read (JSON) or an export (CSV, for a spreadsheet).
            kinmu::audit::log(
                &mut conn,
                Some(&cli_actor()),
                match format {
                    Format::Json => "read",
                    Format::Csv => "export",
                },
                "report monthly",
                serde_json::json!({
                    "month": month.to_string(),
                    "as_of": as_of,
                    "format": match format { Format::Json => "json", Format::Csv => "csv" },
                    "doctors": report.doctors.len(),
                }),
                app.now(),
            )?;
            let out = match format {
                Format::Json => serde_json::to_string_pretty(&report)? + "\n",
                Format::Csv => report.to_csv()?,
            };
            std::io::stdout().write_all(out.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
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

/// The `users` commands other than `add`.
fn users(settings: kinmu::config::Settings, command: UsersCommand) -> anyhow::Result<ExitCode> {
    let app = App::open(settings)?;
    let mut conn = app.pool.get()?;
    let actor = cli_actor();
    let (now, actor) = (app.now(), Some(actor.as_str()));
    let out = match command {
        UsersCommand::Add { .. } => unreachable!("handled by the caller"),
        UsersCommand::List { format } => {
            let ledger = accounts::ledger(&mut conn, now)?;
            kinmu::audit::log(
                &mut conn,
                actor,
                "export",
                "users list",
                serde_json::json!({ "lines": ledger.len() }),
                now,
            )?;
            match format {
                LedgerFormat::Json => std::io::stdout().write_all(serde_json::to_string_pretty(&ledger)?.as_bytes())?,
                LedgerFormat::Csv => std::io::stdout().write_all(&accounts::ledger_csv(&ledger)?)?,
            }
            return Ok(ExitCode::SUCCESS);
        }
        UsersCommand::Disable { login } => {
            accounts::disable(&mut conn, &login, actor, now)?;
            serde_json::json!({ "login": login, "disabled": true })
        }
        UsersCommand::Enable { login } => {
            accounts::enable(&mut conn, &login, actor, now)?;
            serde_json::json!({ "login": login, "enabled": true })
        }
        UsersCommand::Leave { login, on, clear: _ } => {
            accounts::set_leaving_date(&mut conn, &login, on, actor, now)?;
            serde_json::json!({ "login": login, "leaves_on": on })
        }
        UsersCommand::Password { login, .. } => {
            let password = password_from_stdin()?;
            accounts::set_password(
                &mut conn,
                &login,
                accounts::PasswordChange::Reset,
                &password,
                &app.settings.accounts,
                actor,
                now,
            )?;
            serde_json::json!({ "login": login, "password_set": true })
        }
    };
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn import(app: App, kind: ImportKind, file: &std::path::Path, skip_invalid: bool) -> anyhow::Result<ExitCode> {
    let bytes =
        std::fs::read(file).with_context(|| format!("ファイルを読めません / cannot read {}", file.display()))?;
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

/// How `serve --demo` found its database.
struct DemoStart {
    /// The SQLite file did not exist before this start.
    created_now: bool,
    /// `--demo-into-this-database` was given.
    into_this_database: bool,
}

fn serve(app: App, demo: Option<DemoStart>) -> anyhow::Result<()> {
    if let Some(start) = demo {
        let mut conn = app.pool.get()?;
        kinmu::demo::claim(
            &mut conn,
            &app.database.redacted(),
            start.created_now,
            start.into_this_database,
            app.now(),
        )?;
        let loaded = kinmu::demo::load_if_empty(&mut conn, app.settings.today(), app.now())?;
        if loaded {
            // Open this month's interviews and measures so there is something to see.
            let summary = monitor::daily::run(
                &mut conn,
                &app.settings,
                &app.mailer()?,
                app.settings.today(),
                app.now(),
            )?;
            tracing::info!(
                interviews = summary.interviews_scheduled,
                password = kinmu::demo::DEMO_PASSWORD,
                "demo data loaded; sign in to the API as admin, jinji (HR), naika-bucho (manager), mensetsu-i (physician) or d001 (doctor)"
            );
        }
    }
    let listener = std::net::TcpListener::bind(&app.settings.listen)
        .with_context(|| format!("cannot listen on {}", app.settings.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "kinmu is listening: http://{addr}/");
    let mailer = app.mailer()?;
    actix_web::rt::System::new().block_on(async move {
        let _scheduler = kinmu::scheduler::start(app.clone(), mailer)
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        kinmu::web::serve(app, listener)?.await
    })?;
    Ok(())
}

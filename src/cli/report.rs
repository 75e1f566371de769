//! `kinmu report monthly`: every doctor's month as of a date, as JSON or
//! CSV (formats.md, "Monthly report"); the read is logged before it is
//! printed.

use super::{cli_actor, parse_date, parse_month, Settings};
use crate::app::App;
use crate::domain::time::YearMonth;
use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub(super) enum ReportCommand {
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
    /// The premium-pay splits of every doctor's month for payroll
    /// (rules §17): CSV, or an Excel workbook with Japanese headers.
    Payroll {
        /// The agreement month, YYYY-MM.
        #[arg(long, value_parser = parse_month)]
        month: YearMonth,
        /// Count rows starting on or before this date (default: today).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        #[arg(long, value_enum, default_value_t = PayrollFormat::Csv)]
        format: PayrollFormat,
    },
    /// Permitted 宿直・日直 of a month, with their work and frequency
    /// warnings (rules §13.4–§13.5).
    Duties {
        /// The month, YYYY-MM.
        #[arg(long, value_parser = parse_month)]
        month: YearMonth,
        /// Count rows starting on or before this date (default: today).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        #[arg(long, value_enum, default_value_t = StaffingFormat::Json)]
        format: StaffingFormat,
    },
    /// Rest between shifts of a month: the planned and actual checks, the
    /// 代償休息 ledger and its grants, breaks (rules §11, §14).
    Rest {
        /// The month, YYYY-MM.
        #[arg(long, value_parser = parse_month)]
        month: YearMonth,
        /// Count rows starting on or before this date (default: today).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        #[arg(long, value_enum, default_value_t = StaffingFormat::Json)]
        format: StaffingFormat,
    },
    /// The reference-week staffing report (rules §18): the seven days from
    /// `--from`, full-time equivalents of part-time and visiting doctors.
    Staffing {
        /// The first day of the week, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        from: NaiveDate,
        #[arg(long, value_enum, default_value_t = StaffingFormat::Json)]
        format: StaffingFormat,
    },
}

/// `report staffing`'s and `report duties`' formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum StaffingFormat {
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum PayrollFormat {
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum Format {
    Json,
    Csv,
}

pub(super) fn run(settings: Settings, command: ReportCommand) -> anyhow::Result<ExitCode> {
    let (month, as_of, format) = match command {
        ReportCommand::Monthly { month, as_of, format } => (month, as_of, format),
        ReportCommand::Payroll { month, as_of, format } => return payroll(settings, month, as_of, format),
        ReportCommand::Staffing { from, format } => return staffing(settings, from, format),
        ReportCommand::Duties { month, as_of, format } => {
            return month_report(
                settings,
                ("report duties", month, as_of, format),
                crate::report::duties::report,
                |r| r.doctors.len(),
                crate::report::duties::to_csv,
            )
        }
        ReportCommand::Rest { month, as_of, format } => {
            return month_report(
                settings,
                ("report rest", month, as_of, format),
                crate::report::rest::report,
                |r| r.doctors.len(),
                crate::report::rest::to_csv,
            )
        }
    };
    let (app, mut conn, as_of, report) = monthly_of(settings, month, as_of)?;
    // Every doctor's hours: logged before they are printed, as a
    // read (JSON) or an export (CSV, for a spreadsheet).
    crate::audit::log(
        &mut conn,
        Some(&cli_actor()),
        match format {
            Format::Json => crate::audit::Category::Read,
            Format::Csv => crate::audit::Category::Export,
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

/// The database opened, a connection for the access log, the as-of date
/// (default today) and the monthly report — read on spare connections too,
/// as far as the pool gives them.
fn monthly_of(
    settings: Settings,
    month: YearMonth,
    as_of: Option<NaiveDate>,
) -> anyhow::Result<(App, crate::db::PooledConn, NaiveDate, crate::month::MonthlyReport)> {
    let app = App::open(settings)?;
    let as_of = as_of.unwrap_or_else(|| app.settings.today());
    let mut conn = app.pool.get()?;
    let mut spare = crate::db::spare_connections(&app.pool, 2);
    let report = crate::month::monthly_on(
        &mut conn,
        crate::db::as_spare(&mut spare),
        month,
        as_of,
        &app.settings.rules,
    )?;
    Ok((app, conn, as_of, report))
}

/// `kinmu report payroll`: logged as an export before it is written.
fn payroll(
    settings: Settings,
    month: YearMonth,
    as_of: Option<NaiveDate>,
    format: PayrollFormat,
) -> anyhow::Result<ExitCode> {
    let (app, mut conn, as_of, report) = monthly_of(settings, month, as_of)?;
    let name = match format {
        PayrollFormat::Csv => "csv",
        PayrollFormat::Xlsx => "xlsx",
    };
    crate::audit::log(
        &mut conn,
        Some(&cli_actor()),
        crate::audit::Category::Export,
        "report payroll",
        serde_json::json!({
            "month": month.to_string(),
            "as_of": as_of,
            "format": name,
            "doctors": report.doctors.len(),
        }),
        app.now(),
    )?;
    let bytes = match format {
        PayrollFormat::Csv => crate::report::payroll::csv(&report)?,
        PayrollFormat::Xlsx => crate::report::payroll::xlsx(&report)?,
    };
    std::io::stdout().write_all(&bytes)?;
    Ok(ExitCode::SUCCESS)
}

/// `kinmu report staffing`: logged as a read (JSON) or an export (CSV).
fn staffing(settings: Settings, from: NaiveDate, format: StaffingFormat) -> anyhow::Result<ExitCode> {
    let app = App::open(settings)?;
    let mut conn = app.pool.get()?;
    let report = crate::report::staffing::report(&mut conn, from, &app.settings.rules)?;
    crate::audit::log(
        &mut conn,
        Some(&cli_actor()),
        match format {
            StaffingFormat::Json => crate::audit::Category::Read,
            StaffingFormat::Csv => crate::audit::Category::Export,
        },
        "report staffing",
        serde_json::json!({ "from": from, "doctors": report.doctors.len() }),
        app.now(),
    )?;
    let out = match format {
        StaffingFormat::Json => (serde_json::to_string_pretty(&report)? + "\n").into_bytes(),
        StaffingFormat::Csv => crate::report::staffing::to_csv(&report)?,
    };
    std::io::stdout().write_all(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// A month's report of its own (`report duties`, `report rest`): built,
/// logged as a read (JSON) or an export (CSV) with its doctor count, printed.
fn month_report<R: serde::Serialize>(
    settings: Settings,
    (operation, month, as_of, format): (&str, YearMonth, Option<NaiveDate>, StaffingFormat),
    build: impl FnOnce(
        &mut crate::db::AnyConnection,
        YearMonth,
        NaiveDate,
        &crate::domain::hours::RuleConfig,
    ) -> Result<R, crate::month::ReportError>,
    doctors: impl Fn(&R) -> usize,
    csv: impl Fn(&R) -> Result<Vec<u8>, csv::Error>,
) -> anyhow::Result<ExitCode> {
    let app = App::open(settings)?;
    let as_of = as_of.unwrap_or_else(|| app.settings.today());
    let mut conn = app.pool.get()?;
    let report = build(&mut conn, month, as_of, &app.settings.rules)?;
    crate::audit::log(
        &mut conn,
        Some(&cli_actor()),
        match format {
            StaffingFormat::Json => crate::audit::Category::Read,
            StaffingFormat::Csv => crate::audit::Category::Export,
        },
        operation,
        serde_json::json!({ "month": month.to_string(), "as_of": as_of, "doctors": doctors(&report) }),
        app.now(),
    )?;
    let out = match format {
        StaffingFormat::Json => (serde_json::to_string_pretty(&report)? + "\n").into_bytes(),
        StaffingFormat::Csv => csv(&report)?,
    };
    std::io::stdout().write_all(&out)?;
    Ok(ExitCode::SUCCESS)
}

//! `kinmu records delete` and `kinmu holds`: deleting a doctor's records on
//! request once their retention has ended, and the legal holds that keep
//! them longer (rules §10).

use super::{cli_actor, parse_date, parse_month, Settings};
use crate::app::App;
use crate::domain::time::YearMonth;
use chrono::NaiveDate;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub(super) enum RecordsCommand {
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
pub(super) enum HoldsCommand {
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

pub(super) fn delete(settings: Settings, command: RecordsCommand) -> anyhow::Result<ExitCode> {
    let RecordsCommand::Delete {
        staff_id,
        through,
        as_of,
    } = command;
    let app = App::open(settings)?;
    let mut conn = app.pool.get()?;
    let today = as_of.unwrap_or_else(|| app.settings.today());
    let actor = cli_actor();
    let report = crate::records::delete_work_records(
        &mut conn,
        &app.settings.rules.retention,
        &staff_id,
        through,
        today,
        Some(&actor),
        app.now(),
    )?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(ExitCode::SUCCESS)
}

pub(super) fn holds(settings: Settings, command: HoldsCommand) -> anyhow::Result<ExitCode> {
    let app = App::open(settings)?;
    let mut conn = app.pool.get()?;
    let out = match command {
        HoldsCommand::Place { staff_id, reason } => {
            let id = crate::records::place_hold(&mut conn, &staff_id, &reason, None, app.now())?;
            serde_json::json!({ "staff_id": staff_id, "hold_id": id })
        }
        HoldsCommand::Release { staff_id } => {
            let released = crate::records::release_hold(&mut conn, &staff_id, None, app.now())?;
            serde_json::json!({ "staff_id": staff_id, "released": released })
        }
    };
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}

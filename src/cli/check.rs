//! `kinmu check roster FILE` (rules §15, formats.md R.6): a roster file
//! checked before it is published, nothing stored. Exit status 0 (no
//! violation), 3 (a violation), 2 (rows rejected), 1 (any other failure).
//! The run is logged in the access log before the answer is printed.

use super::{cli_actor, parse_date, parse_month, Settings};
use crate::app::App;
use crate::domain::time::YearMonth;
use crate::report::roster_check::{self, Outcome, Request};
use anyhow::Context;
use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub(super) enum CheckCommand {
    /// Check a roster file against the rest rules, permitted duty, breaks
    /// and the projected hours (rules §15); nothing is stored.
    Roster {
        file: PathBuf,
        /// The month of the projection, YYYY-MM (default: the month of the
        /// file's first date).
        #[arg(long, value_parser = parse_month)]
        month: Option<YearMonth>,
        /// T: rows starting on or before it are actual (default: today).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Check the valid rows although some are rejected (exit status 2).
        #[arg(long)]
        skip_invalid: bool,
        #[arg(long, value_enum, default_value_t = CheckFormat::Json)]
        format: CheckFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum CheckFormat {
    Json,
    Csv,
    Html,
}

impl CheckFormat {
    fn code(self) -> &'static str {
        match self {
            CheckFormat::Json => "json",
            CheckFormat::Csv => "csv",
            CheckFormat::Html => "html",
        }
    }
}

pub(super) fn run(settings: Settings, command: CheckCommand) -> anyhow::Result<ExitCode> {
    let CheckCommand::Roster {
        file,
        month,
        as_of,
        skip_invalid,
        format,
    } = command;
    let bytes =
        std::fs::read(&file).with_context(|| format!("ファイルを読めません / cannot read {}", file.display()))?;
    let app = App::open(settings)?;
    let as_of = as_of.unwrap_or_else(|| app.settings.today());
    let mut conn = app.pool.get()?;
    let outcome = roster_check::check(
        &mut conn,
        &Request {
            bytes: &bytes,
            layout: None,
            month,
            as_of,
            skip_invalid,
            scope: &|_| true,
        },
        &app.settings.rules,
    )?;
    let (doctors, rejected) = match &outcome {
        Outcome::Checked(r, refused) => (r.doctors.len(), refused.rejected_total),
        Outcome::NotChecked(n) => (0, n.refused.rejected_total),
    };
    crate::audit::log(
        &mut conn,
        Some(&cli_actor()),
        crate::audit::Category::Read,
        "check roster",
        serde_json::json!({
            "file": file.file_name().map(|n| n.to_string_lossy().into_owned()),
            "month": month.map(|m| m.to_string()),
            "as_of": as_of,
            "format": format.code(),
            "doctors": doctors,
            "rejected": rejected,
        }),
        app.now(),
    )?;
    let mut out = std::io::stdout();
    match outcome {
        Outcome::NotChecked(n) => {
            out.write_all((serde_json::to_string_pretty(&n)? + "\n").as_bytes())?;
            Ok(ExitCode::from(2))
        }
        Outcome::Checked(r, refused) => {
            let bytes = match format {
                CheckFormat::Json => (serde_json::to_string_pretty(&r)? + "\n").into_bytes(),
                CheckFormat::Csv => roster_check::to_csv(&r)?,
                CheckFormat::Html => roster_check::to_html(&r)?.into_bytes(),
            };
            out.write_all(&bytes)?;
            Ok(ExitCode::from(if refused.rejected_total > 0 {
                2
            } else if r.has_violation() {
                3
            } else {
                0
            }))
        }
    }
}

//! `kinmu jobs …` and `kinmu purge`: a scheduled job run once, now, by a
//! person — the same [`crate::jobs::Job`] the scheduler of `kinmu serve`
//! runs; the command prints its summary (formats.md).

use super::{cli_actor, parse_date, parse_month, Settings};
use crate::app::App;
use crate::domain::time::YearMonth;
use crate::jobs::{Job, Trigger};
use chrono::NaiveDate;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub(super) enum JobCommand {
    /// Recompute the month, open interviews and measures, queue and send mail.
    Daily {
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
    },
    /// Check a closed agreement month (default: the last one that ended
    /// before today), freeze its count of doctors expected at ≥ 100 h on
    /// the first check, and record the check.
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
    /// Import the settled files of the intake folder (`intake_dir`) once,
    /// now: each to done/ or failed/, HR mailed about a failed one.
    Intake,
    /// Re-check every month whose data changed since the last run (late
    /// imports, corrections, resolved discrepancies): open its interviews
    /// and measures cases, those past their deadline as violations.
    Recheck {
        /// Judge as of this day (default: today).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
    },
}

impl From<JobCommand> for Job {
    fn from(c: JobCommand) -> Job {
        match c {
            JobCommand::Daily { as_of } => Job::Daily { as_of },
            JobCommand::Monthly { month } => Job::Monthly { month },
            JobCommand::Accounts { as_of } => Job::Accounts { as_of },
            JobCommand::Intake => Job::Intake,
            JobCommand::Recheck { as_of } => Job::Recheck { as_of },
        }
    }
}

pub(super) fn run(settings: Settings, command: JobCommand) -> anyhow::Result<ExitCode> {
    run_job(settings, command.into())
}

pub(super) fn purge(settings: Settings, dry_run: bool, as_of: Option<NaiveDate>) -> anyhow::Result<ExitCode> {
    run_job(settings, Job::Purge { as_of, dry_run })
}

fn run_job(settings: Settings, job: Job) -> anyhow::Result<ExitCode> {
    let app = App::open(settings)?;
    let actor = cli_actor();
    let outcome = job.run(&app, None, Trigger::Command { actor: &actor })?;
    println!("{}", outcome.summary());
    Ok(ExitCode::SUCCESS)
}

//! The jobs kinmu runs by itself (rules §7, §8, §10; MHLW checklist 2-(5),
//! 2-(6)): the daily job, the monthly check of the closed month, the outbox
//! retries, the retention purge, the account job, the intake folder and
//! the re-check of months whose data changed. The scheduler of
//! `kinmu serve` (src/scheduler.rs) and the command line (`kinmu jobs …`,
//! `kinmu purge`) both name a [`Job`] and call [`Job::run`], so a job does
//! the same whether the clock or a person starts it; the work itself lives
//! below, in `monitor` and `records`.
//!
//! It sits above `app`: a job runs with the whole application.

use crate::accounts::DisabledAccount;
use crate::app::App;
use crate::audit::VerifyReport;
use crate::db::DbError;
use crate::domain::time::YearMonth;
use crate::monitor::account_job;
use crate::monitor::daily::{self, DailySummary};
use crate::monitor::intake::{self, IntakeError, IntakeSummary};
use crate::monitor::mailer::{MailError, Mailer};
use crate::monitor::monthly::{self, MonthlyCheck};
use crate::monitor::outbox::{self, Flushed};
use crate::monitor::recheck::{self, RecheckSummary};
use crate::month::ReportError;
use crate::records::{self, PurgeReport};
use chrono::NaiveDate;

/// A job, with what a person may choose when starting it by hand (`None`:
/// what the schedule uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Recompute the month as of a day (default today), open interviews and
    /// measures, queue and send mail.
    Daily { as_of: Option<NaiveDate> },
    /// Check a closed agreement month (default the last one that ended
    /// before today), freeze its count of doctors expected at ≥ 100 h on the
    /// first check, and record the check.
    Monthly { month: Option<YearMonth> },
    /// Send the queued mails whose back-off has passed.
    Outbox,
    /// Delete what has passed its retention as of a day (default today), or
    /// only count it.
    Purge { as_of: Option<NaiveDate>, dry_run: bool },
    /// Disable leavers and unused accounts, check the access log and mail
    /// the administrators, as of a day (default now).
    Accounts { as_of: Option<NaiveDate> },
    /// Import the settled files of the intake folder, move them to done/ or
    /// failed/ and mail HR about the failed ones.
    Intake,
    /// Re-check every month whose data changed since the last run (late
    /// imports, corrections, resolutions), as of a day (default today):
    /// open its interviews and measures cases, late ones as violations.
    Recheck { as_of: Option<NaiveDate> },
}

/// Who started a job: the access log says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger<'a> {
    /// A person on the command line (`cli:USER`); the command prints what
    /// the job found.
    Command { actor: &'a str },
    /// The scheduler of `kinmu serve`; the result goes to the service's log.
    Schedule,
}

/// What a job found.
#[derive(Debug, Clone)]
pub enum Outcome {
    Daily(DailySummary),
    Monthly(MonthlyCheck),
    Outbox(Flushed),
    Purge(PurgeReport),
    Accounts {
        disabled: Vec<DisabledAccount>,
        access_log: VerifyReport,
    },
    Intake(IntakeSummary),
    Recheck(RecheckSummary),
}

/// Why a job failed (the cause as it is: the command prints it, the
/// scheduler logs it).
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error(transparent)]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error(transparent)]
    Intake(#[from] IntakeError),
}

impl Job {
    /// Runs the job once, now. `mailer` is the sender of a running service;
    /// `None` opens the configured one when the job sends mail (the account
    /// job only queues its mails and never opens one).
    pub fn run(&self, app: &App, mailer: Option<&Mailer>, trigger: Trigger) -> Result<Outcome, JobError> {
        let mut opened = None;
        let settings = &app.settings;
        Ok(match *self {
            Job::Daily { as_of } => {
                let mailer = sender(mailer, app, &mut opened)?;
                let as_of = as_of.unwrap_or_else(|| settings.today());
                // The month as every reader has it (month::cache): computed
                // once for the dashboard, the API and this job.
                let month = app.reports.report(
                    &app.pool,
                    settings.rules.calendar.month_of(as_of),
                    as_of,
                    &settings.rules,
                )?;
                let mut conn = app.pool.get()?;
                Outcome::Daily(daily::run_on(
                    &mut conn,
                    settings,
                    mailer,
                    as_of,
                    app.now(),
                    &month.computed,
                )?)
            }
            Job::Monthly { month } => {
                let mailer = sender(mailer, app, &mut opened)?;
                // An agreement month (rules §6.1): the one named, else the
                // last one that ended before today.
                let calendar = settings.rules.calendar;
                let month = month.map_or_else(|| calendar.month_of(settings.today()).previous(), |m| calendar.month(m));
                let computed = app
                    .reports
                    .report(&app.pool, month, month.last_day(), &settings.rules)?;
                let mut conn = app.pool.get()?;
                let check = monthly::run_on(&mut conn, settings, mailer, month, app.now(), &computed.computed)?;
                if let Trigger::Command { actor } = trigger {
                    // The command prints the check, which names the doctors
                    // over 100 and 155 hours: a read of personal data.
                    crate::audit::log(
                        &mut conn,
                        Some(actor),
                        crate::audit::Category::Read,
                        "jobs monthly",
                        serde_json::json!({ "month": check.month, "doctors": check.doctors }),
                        app.now(),
                    )?;
                }
                Outcome::Monthly(check)
            }
            Job::Outbox => {
                let mailer = sender(mailer, app, &mut opened)?;
                let mut conn = app.pool.get()?;
                Outcome::Outbox(outbox::flush(&mut conn, mailer, app.now(), false)?)
            }
            Job::Purge { as_of, dry_run } => {
                let mut conn = app.pool.get()?;
                let today = as_of.unwrap_or_else(|| settings.today());
                // The scheduler's purge names itself in the access log; the
                // command's has always been logged without an actor.
                let actor = match trigger {
                    Trigger::Command { .. } => None,
                    Trigger::Schedule => Some("scheduler"),
                };
                Outcome::Purge(records::purge(
                    &mut conn,
                    &app.settings.rules.retention,
                    today,
                    dry_run,
                    actor,
                    app.now(),
                )?)
            }
            Job::Accounts { as_of } => {
                let mut conn = app.pool.get()?;
                let now = as_of.map_or_else(|| app.now(), |d| d.and_time(app.now().time()));
                let disabled = account_job::run(&mut conn, settings, now)?;
                let access_log = account_job::anchor_log(&mut conn, settings, now)?;
                Outcome::Accounts { disabled, access_log }
            }
            Job::Intake => {
                let mailer = sender(mailer, app, &mut opened)?;
                let mut conn = app.pool.get()?;
                let summary = intake::run(&mut conn, settings, mailer, app.now())?;
                if summary.imported > 0 {
                    // What came in is checked at once, not at the next tick.
                    recheck::run(&mut conn, settings, mailer, settings.today(), app.now())?;
                }
                Outcome::Intake(summary)
            }
            Job::Recheck { as_of } => {
                let mailer = sender(mailer, app, &mut opened)?;
                let mut conn = app.pool.get()?;
                let today = as_of.unwrap_or_else(|| settings.today());
                Outcome::Recheck(recheck::run(&mut conn, settings, mailer, today, app.now())?)
            }
        })
    }
}

/// The running service's sender, else the configured one, opened now.
fn sender<'m>(running: Option<&'m Mailer>, app: &App, opened: &'m mut Option<Mailer>) -> Result<&'m Mailer, MailError> {
    match running {
        Some(m) => Ok(m),
        None => Ok(opened.insert(app.mailer()?)),
    }
}

impl Outcome {
    /// The one line `kinmu jobs` prints (formats.md) and the scheduler logs.
    pub fn summary(&self) -> String {
        match self {
            Outcome::Daily(s) => serde_json::to_string(s).unwrap_or_default(),
            Outcome::Monthly(c) => serde_json::to_string(c).unwrap_or_default(),
            Outcome::Outbox(f) => format!("sent={} failed={}", f.sent, f.failed),
            Outcome::Purge(r) => serde_json::to_string(r).unwrap_or_default(),
            Outcome::Accounts { disabled, access_log } => {
                serde_json::json!({ "disabled": disabled, "access_log": access_log }).to_string()
            }
            Outcome::Intake(s) => serde_json::to_string(s).unwrap_or_default(),
            Outcome::Recheck(s) => serde_json::to_string(s).unwrap_or_default(),
        }
    }
}

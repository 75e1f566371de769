//! Scheduled runs inside `kinmu serve` (tokio-cron-scheduler): the daily
//! job, the monthly check of the closed month, the outbox retries and the
//! monthly retention purge (rules §10; the counts go to the access log) and
//! the daily account job (leavers and unused accounts disabled), and, when
//! `intake_dir` is set, the intake folder (every 20 seconds by default; a
//! look that finds nothing is logged at debug level only).
//!
//! It sits above `jobs` (each cron entry names a [`crate::jobs::Job`], the
//! same the command line runs), the work itself below in `monitor` and
//! `records`.
//!
//! A job logs its error and never takes the scheduler down; the database
//! work runs on the blocking pool. Running the jobs on several instances
//! against one PostgreSQL is safe: they open and send nothing twice.

use crate::app::App;
use crate::jobs::{Job as Task, Outcome, Trigger};
use crate::monitor::mailer::Mailer;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tokio_cron_scheduler::{Job, JobScheduler, JobSchedulerError};

/// Runs `task`; answers its summary, or `None` when there is nothing to
/// tell (an intake run that found no file).
fn run(task: Task, app: &App, mailer: &Mailer) -> Result<Option<String>, String> {
    let outcome = task
        .run(app, Some(mailer), Trigger::Schedule)
        .map_err(|e| e.to_string())?;
    // A command prints the check for the person who ran it; the service
    // has only its log to say the access log failed.
    if let Outcome::Accounts { access_log: log, .. } = &outcome {
        if !log.ok {
            tracing::error!(problem = ?log.problem, cannot_check = ?log.cannot_check, "the access log failed its check");
        }
    }
    if let Outcome::Intake(s) = &outcome {
        if s.is_idle() {
            return Ok(None);
        }
    }
    if let Outcome::Recheck(s) = &outcome {
        if s.months.is_empty() {
            return Ok(None);
        }
    }
    Ok(Some(outcome.summary()))
}

/// A cron job that runs `task` on the blocking pool and logs how it went.
fn job(
    name: &'static str,
    cron: &str,
    app: Arc<App>,
    mailer: Arc<Mailer>,
    task: Task,
) -> Result<Job, JobSchedulerError> {
    let tz = app.settings.timezone;
    Job::new_async_tz(
        cron,
        tz,
        move |_id, _lock| -> Pin<Box<dyn Future<Output = ()> + Send>> {
            let (app, mailer) = (app.clone(), mailer.clone());
            Box::pin(async move {
                match actix_web::rt::task::spawn_blocking(move || run(task, &app, &mailer)).await {
                    Ok(Ok(Some(summary))) => tracing::info!(job = name, %summary, "scheduled job done"),
                    Ok(Ok(None)) => tracing::debug!(job = name, "scheduled job done, nothing to do"),
                    Ok(Err(e)) => tracing::error!(job = name, error = %e, "scheduled job failed"),
                    Err(e) => tracing::error!(job = name, error = %e, "scheduled job panicked"),
                }
            })
        },
    )
}

/// Starts the scheduler with the configured cron expressions.
pub async fn start(app: App, mailer: Mailer) -> Result<JobScheduler, JobSchedulerError> {
    let app = Arc::new(app);
    let mailer = Arc::new(mailer);
    let sched = JobScheduler::new().await?;
    let s = &app.settings;
    sched
        .add(job(
            "daily",
            &s.daily_cron,
            app.clone(),
            mailer.clone(),
            Task::Daily { as_of: None },
        )?)
        .await?;
    sched
        .add(job(
            "monthly",
            &s.monthly_cron,
            app.clone(),
            mailer.clone(),
            Task::Monthly { month: None },
        )?)
        .await?;
    sched
        .add(job(
            "recheck",
            &s.recheck_cron,
            app.clone(),
            mailer.clone(),
            Task::Recheck { as_of: None },
        )?)
        .await?;
    sched
        .add(job(
            "outbox",
            &s.outbox_cron,
            app.clone(),
            mailer.clone(),
            Task::Outbox,
        )?)
        .await?;
    sched
        .add(job(
            "purge",
            &s.purge_cron,
            app.clone(),
            mailer.clone(),
            Task::Purge {
                as_of: None,
                dry_run: false,
            },
        )?)
        .await?;
    sched
        .add(job(
            "accounts",
            &s.accounts_cron,
            app.clone(),
            mailer.clone(),
            Task::Accounts { as_of: None },
        )?)
        .await?;
    if let Some(dir) = &s.intake.dir {
        sched
            .add(job(
                "intake",
                &s.intake.cron,
                app.clone(),
                mailer.clone(),
                Task::Intake,
            )?)
            .await?;
        tracing::info!(folder = %dir.display(), cron = %s.intake.cron, "intake folder watched");
    }
    sched.start().await?;
    tracing::info!(
        daily = %s.daily_cron,
        monthly = %s.monthly_cron,
        outbox = %s.outbox_cron,
        purge = %s.purge_cron,
        accounts = %s.accounts_cron,
        "scheduler started"
    );
    Ok(sched)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    #[test]
    fn the_default_schedules_are_valid_cron_expressions() {
        let s = Settings::load_with(None, &|_| None).unwrap();
        for cron in [
            &s.daily_cron,
            &s.monthly_cron,
            &s.outbox_cron,
            &s.purge_cron,
            &s.accounts_cron,
            &s.intake.cron,
        ] {
            let parsed = Job::new_async(cron.as_str(), |_, _| -> Pin<Box<dyn Future<Output = ()> + Send>> {
                Box::pin(async {})
            });
            assert!(parsed.is_ok(), "{cron}");
        }
        assert!(Job::new_async(
            "every day at five",
            |_, _| -> Pin<Box<dyn Future<Output = ()> + Send>> { Box::pin(async {}) }
        )
        .is_err());
    }
}

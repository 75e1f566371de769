//! Scheduled runs inside `kinmu serve` (tokio-cron-scheduler): the daily
//! job, the monthly check of the closed month, the outbox retries and the
//! monthly retention purge (rules §10; the counts go to the access log) and
//! the daily account job (leavers and unused accounts disabled).
//!
//! It sits above `app` (it runs the jobs with the whole application), the
//! jobs themselves below it in `monitor` and `records`.
//!
//! A job logs its error and never takes the scheduler down; the database
//! work runs on the blocking pool. Running the jobs on several instances
//! against one PostgreSQL is safe: they open and send nothing twice.

use crate::app::App;
use crate::domain::time::YearMonth;
use crate::monitor::mailer::Mailer;
use crate::monitor::{account_job, daily, monthly, outbox};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tokio_cron_scheduler::{Job, JobScheduler, JobSchedulerError};

type Task = fn(&App, &Mailer) -> Result<String, String>;

fn daily_task(app: &App, mailer: &Mailer) -> Result<String, String> {
    let mut conn = app.pool.get().map_err(|e| e.to_string())?;
    let s = daily::run(&mut conn, &app.settings, mailer, app.settings.today(), app.now()).map_err(|e| e.to_string())?;
    Ok(serde_json::to_string(&s).unwrap_or_default())
}

fn monthly_task(app: &App, mailer: &Mailer) -> Result<String, String> {
    let mut conn = app.pool.get().map_err(|e| e.to_string())?;
    let closed = YearMonth::of(app.settings.today()).previous();
    let c = monthly::run(&mut conn, &app.settings, mailer, closed, app.now()).map_err(|e| e.to_string())?;
    Ok(serde_json::to_string(&c).unwrap_or_default())
}

fn outbox_task(app: &App, mailer: &Mailer) -> Result<String, String> {
    let mut conn = app.pool.get().map_err(|e| e.to_string())?;
    let f = outbox::flush(&mut conn, mailer, app.now(), false).map_err(|e| e.to_string())?;
    Ok(format!("sent={} failed={}", f.sent, f.failed))
}

fn purge_task(app: &App, _mailer: &Mailer) -> Result<String, String> {
    let mut conn = app.pool.get().map_err(|e| e.to_string())?;
    let r = crate::records::purge(&mut conn, app.settings.today(), false, Some("scheduler"), app.now())
        .map_err(|e| e.to_string())?;
    Ok(serde_json::to_string(&r).unwrap_or_default())
}

fn accounts_task(app: &App, _mailer: &Mailer) -> Result<String, String> {
    let mut conn = app.pool.get().map_err(|e| e.to_string())?;
    let now = app.now();
    let d = account_job::run(&mut conn, &app.settings, now).map_err(|e| e.to_string())?;
    let log = account_job::anchor_log(&mut conn, &app.settings, now).map_err(|e| e.to_string())?;
    if !log.ok {
        tracing::error!(problem = ?log.problem, cannot_check = ?log.cannot_check, "the access log failed its check");
    }
    Ok(serde_json::json!({ "disabled": d, "access_log": log }).to_string())
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
                match actix_web::rt::task::spawn_blocking(move || task(&app, &mailer)).await {
                    Ok(Ok(summary)) => tracing::info!(job = name, %summary, "scheduled job done"),
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
        .add(job("daily", &s.daily_cron, app.clone(), mailer.clone(), daily_task)?)
        .await?;
    sched
        .add(job(
            "monthly",
            &s.monthly_cron,
            app.clone(),
            mailer.clone(),
            monthly_task,
        )?)
        .await?;
    sched
        .add(job("outbox", &s.outbox_cron, app.clone(), mailer.clone(), outbox_task)?)
        .await?;
    sched
        .add(job("purge", &s.purge_cron, app.clone(), mailer.clone(), purge_task)?)
        .await?;
    sched
        .add(job(
            "accounts",
            &s.accounts_cron,
            app.clone(),
            mailer.clone(),
            accounts_task,
        )?)
        .await?;
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

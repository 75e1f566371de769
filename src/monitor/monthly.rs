//! The monthly check of the closed month (「毎月定期的に確認」): the month's
//! final figures, who reached 100 h and 155 h, whether each of them had the
//! interview, and a record that the check was done.

use super::daily::record_run;
use super::directory::{facts, Directory};
use super::mailer::Mailer;
use super::mails;
use super::outbox::{self, MailKind, Topic};
use crate::config::Settings;
use crate::db::interviews::held_and_deadlines_of_month;
use crate::db::models::Doctor;
use crate::db::{write_transaction, AnyConnection};
use crate::domain::time::YearMonth;
use crate::month::{compute_all, DoctorComputation, ReportError};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::HashMap;

/// What the monthly check found (stored as the run's summary).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MonthlyCheck {
    pub month: String,
    pub doctors: usize,
    pub over_100: Vec<String>,
    pub over_155: Vec<String>,
    /// Doctors at or over 100 h whose interview is not recorded as held.
    pub interview_missing: Vec<String>,
    pub alerts_queued: usize,
    pub alerts_sent: usize,
    pub alerts_failed: usize,
}

/// Checks `month` as of its last day and records the check.
pub fn run(
    conn: &mut AnyConnection,
    settings: &Settings,
    mailer: &Mailer,
    month: YearMonth,
    now: NaiveDateTime,
) -> Result<MonthlyCheck, ReportError> {
    let computed = compute_all(conn, month, month.last_day(), &settings.rules)?;
    run_on(conn, settings, mailer, month, now, &computed)
}

/// As [`run`], on the month already computed as of its last day (every
/// doctor, as `month::compute_all` or the report cache gives it).
pub fn run_on(
    conn: &mut AnyConnection,
    settings: &Settings,
    mailer: &Mailer,
    month: YearMonth,
    now: NaiveDateTime,
    computed: &[(Doctor, DoctorComputation)],
) -> Result<MonthlyCheck, ReportError> {
    let last = month.last_day();
    let code = month.to_string();
    let held: HashMap<i64, (Option<NaiveDate>, NaiveDate)> =
        held_and_deadlines_of_month(conn, &code)?.into_iter().collect();
    let mut check = MonthlyCheck {
        month: code.clone(),
        doctors: computed.len(),
        ..MonthlyCheck::default()
    };
    write_transaction(conn, |conn| -> Result<(), ReportError> {
        let dir = Directory::load(conn)?;
        for (d, c) in computed {
            let flags = c.projection.flags;
            if flags.over_155 {
                check.over_155.push(d.staff_id.clone());
            }
            if !flags.over_100 {
                continue;
            }
            check.over_100.push(d.staff_id.clone());
            let interview = held.get(&d.id).copied();
            if interview.and_then(|(held_on, _)| held_on).is_none() {
                check.interview_missing.push(d.staff_id.clone());
                // The interview's own deadline (an A-level exception may run
                // past the month's end); the planning deadline of rules §8.3
                // where none was opened.
                let deadline = interview
                    .map(|(_, due)| due)
                    .or(c.due.interview_deadline)
                    .unwrap_or(last);
                if deadline >= now.date() {
                    continue;
                }
                if let Some(to) = dir.manager_of(d).and_then(|u| u.email.as_deref()) {
                    let mail = mails::interview_overdue(&facts(settings, d, &code, c), to, deadline);
                    let topic = Topic {
                        reason: MailKind::InterviewOverdue,
                        doctor_id: Some(d.id),
                        month: Some(&code),
                    };
                    if outbox::enqueue(conn, &topic, mail, now)? {
                        check.alerts_queued += 1;
                    }
                }
            }
        }
        record_run(
            conn,
            "monthly",
            last,
            &code,
            now,
            &serde_json::to_string(&check).unwrap_or_default(),
        )?;
        Ok(())
    })?;
    let flushed = outbox::flush(conn, mailer, now, true)?;
    check.alerts_sent = flushed.sent;
    check.alerts_failed = flushed.failed;
    tracing::info!(month = %code, over_100 = check.over_100.len(), missing = check.interview_missing.len(), "monthly check finished");
    Ok(check)
}

//! The monthly check of the closed agreement month (「毎月定期的に確認」,
//! rules §6.1): the month's final figures, who reached 100 h and 155 h,
//! whether each of them had the interview, the count of doctors expected at
//! ≥ 100 h frozen at the month's first check (§19), the 安衛法 80 h notices
//! (§16, `anei`), and a record that the check was done.

use super::daily::record_run;
use super::directory::{facts, Directory};
use super::mailer::Mailer;
use super::mails;
use super::outbox::{self, MailKind, Topic};
use crate::config::Settings;
use crate::db::interviews::{held_and_deadlines_of_month, interviews_of_month};
use crate::db::models::Doctor;
use crate::db::monthly::{frozen_check, insert_frozen_check, NewFrozenCheck};
use crate::db::{write_transaction, AnyConnection};
use crate::domain::frozen::{actual_counts, expected_100, interview_counts, reached_after_check};
use crate::domain::time::YearMonth;
use crate::month::{compute_all, DoctorComputation, ReportError};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::HashMap;

/// What the monthly check found (stored as the run's summary; what
/// `kinmu jobs monthly` prints, formats.md C.7).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MonthlyCheck {
    pub month: String,
    pub month_first_day: Option<NaiveDate>,
    pub month_last_day: Option<NaiveDate>,
    /// Rules §19: the staff ids expected at ≥ 100 h, as frozen by the
    /// month's first check, their count and when they were frozen.
    pub expected_100: Vec<String>,
    pub expected_100_count: usize,
    #[serde(serialize_with = "crate::domain::due::minute")]
    pub frozen_at: Option<NaiveDateTime>,
    /// The same computation on today's data, and the doctors in it who were
    /// not in the frozen list.
    pub expected_100_now: Vec<String>,
    pub expected_100_count_now: usize,
    pub reached_after_check: Vec<String>,
    /// Rules §16: the staff ids over the 安衛法 80 h line in the month, the
    /// mails this check queued for them (each doctor's, and the 産業医's
    /// list), and the month's notices that could not be mailed (no
    /// address: HR tells the doctor).
    pub anei_over_80: Vec<String>,
    pub anei_notices_queued: usize,
    pub anei_not_sent: Vec<String>,
    pub doctors: usize,
    pub over_100: Vec<String>,
    pub over_155: Vec<String>,
    /// Doctors at or over 100 h whose interview is not recorded as held.
    pub interview_missing: Vec<String>,
    pub alerts_queued: usize,
    pub alerts_sent: usize,
    pub alerts_failed: usize,
}

/// Checks the agreement month named by `month` (`RuleConfig::calendar`)
/// as of its last day and records the check.
pub fn run(
    conn: &mut AnyConnection,
    settings: &Settings,
    mailer: &Mailer,
    month: YearMonth,
    now: NaiveDateTime,
) -> Result<MonthlyCheck, ReportError> {
    let month = settings.rules.calendar.month(month);
    let computed = compute_all(conn, month, month.last_day(), &settings.rules)?;
    run_on(conn, settings, mailer, month, now, &computed)
}

/// As [`run`], on the agreement month already computed as of its last day
/// (every doctor, as `month::compute_all` or the report cache gives it).
pub fn run_on(
    conn: &mut AnyConnection,
    settings: &Settings,
    mailer: &Mailer,
    month: YearMonth,
    now: NaiveDateTime,
    computed: &[(Doctor, DoctorComputation)],
) -> Result<MonthlyCheck, ReportError> {
    let month = settings.rules.calendar.month(month);
    let last = month.last_day();
    let code = month.to_string();
    let held: HashMap<i64, (Option<NaiveDate>, NaiveDate)> =
        held_and_deadlines_of_month(conn, &code)?.into_iter().collect();
    let mut check = MonthlyCheck {
        month: code.clone(),
        month_first_day: Some(month.first_day()),
        month_last_day: Some(last),
        doctors: computed.len(),
        ..MonthlyCheck::default()
    };
    write_transaction(conn, |conn| -> Result<(), ReportError> {
        freeze(conn, month, now, computed, &mut check)?;
        let anei = super::anei::notify(conn, settings, month, now, computed)?;
        check.anei_over_80 = anei.over_80;
        check.anei_notices_queued = anei.queued;
        check.anei_not_sent = anei.not_sent;
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
    tracing::info!(month = %code, over_100 = check.over_100.len(), missing = check.interview_missing.len(), expected_100 = check.expected_100_count, reached_after_check = check.reached_after_check.len(), "monthly check finished");
    Ok(check)
}

/// Rules §19: the doctors expected at ≥ 100 h in `month` now — an interview
/// case of the month opened by a daily run, or the combined actual figure
/// as of the month's last day at 6000 or more — stored by the month's first
/// check and reported again, never changed, by every later one. Runs in the
/// check's write transaction, so two checks never both freeze.
fn freeze(
    conn: &mut AnyConnection,
    month: YearMonth,
    now: NaiveDateTime,
    computed: &[(Doctor, DoctorComputation)],
    check: &mut MonthlyCheck,
) -> Result<(), ReportError> {
    let code = month.to_string();
    let interviews = interviews_of_month(conn, &code)?;
    let interviewed = interviews
        .iter()
        .filter(|(_, i)| interview_counts(&i.reason))
        .map(|(staff_id, _)| staff_id.as_str());
    let reached = computed
        .iter()
        .filter(|(_, c)| actual_counts(c.projection.actual.overtime_holiday_minutes))
        .map(|(d, _)| d.staff_id.as_str());
    let current = expected_100(interviewed, reached);
    let (frozen, count, frozen_at) = match frozen_check(conn, &code)? {
        Some(f) => (
            f.staff_ids(),
            usize::try_from(f.expected_100_count).unwrap_or(0),
            f.frozen_at,
        ),
        None => {
            insert_frozen_check(
                conn,
                &NewFrozenCheck {
                    month: &code,
                    month_first_day: month.first_day(),
                    month_last_day: month.last_day(),
                    expected_100: serde_json::to_string(&current)?,
                    expected_100_count: i32::try_from(current.len()).unwrap_or(i32::MAX),
                    frozen_at: now,
                },
            )?;
            (current.clone(), current.len(), now)
        }
    };
    check.reached_after_check = reached_after_check(&frozen, &current);
    check.expected_100_count = count;
    check.expected_100 = frozen;
    check.frozen_at = Some(frozen_at);
    check.expected_100_count_now = current.len();
    check.expected_100_now = current;
    Ok(())
}

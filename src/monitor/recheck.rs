//! Every month whose data changed is re-checked (issue 13): a timecard
//! exported after the month closed, a re-export that corrects a week, a
//! roster, a resolved discrepancy or PC review item — the month is recomputed and its
//! interviews and measures cases opened exactly as the daily job opens
//! today's, so no doctor of any month reaches 100 h or 155 h unseen.
//!
//! Which months: those spanned by the rows each import batch since the last
//! run wrote or superseded (timecards, rosters, PC sessions), the months of
//! the days whose discrepancies or PC review items were resolved, and — when a doctors list
//! was imported (levels and managers may have changed) — today's month and
//! the previous one; only months that have begun and whose working-time
//! records are still kept (rules §10). How far a run has read is stored
//! (`recheck_marks`); the first run reads everything, so a database that
//! had a month imported late before this existed gets its cases too.
//!
//! A month still running is computed as of today, a closed one as of its
//! last day; deadlines are judged on today. A case opened after its
//! deadline (an interview) or after its month closed (measures) is a
//! violation: it is counted, shown as such (`Interview::opened_late`,
//! `Measure::opened_late`), and the manager and HR are mailed what happened
//! and what to do now. Opening is exactly-once as in the daily job (one case
//! per doctor and month, one mail per reason, doctor, month and recipient),
//! on two instances too; a run that fails part-way leaves the marks where
//! they were, and the next run does the same months again without doubling
//! anything.

use super::daily::{Cases, DailySummary};
use super::directory::Directory;
use super::mailer::Mailer;
use super::outbox;
use crate::config::Settings;
use crate::db::recheck::{self as store, Changed};
use crate::db::{write_transaction, AnyConnection};
use crate::domain::agreement::AgreementCalendar;
use crate::domain::retention::WorkRetention;
use crate::domain::time::YearMonth;
use crate::month::{compute_all, ReportError};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::BTreeSet;

/// What a re-check did (`kinmu jobs recheck` prints it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RecheckSummary {
    /// The months re-checked, `YYYY-MM`, oldest first.
    pub months: Vec<String>,
    pub interviews_scheduled: usize,
    pub interviews_opened_late: usize,
    pub measures_opened: usize,
    pub measures_opened_late: usize,
    pub alerts_queued: usize,
    pub alerts_sent: usize,
    pub alerts_failed: usize,
}

/// The months `changed` touches, among those that have begun by `today`
/// and whose records are kept.
pub fn months_of(
    changed: &Changed,
    today: NaiveDate,
    retention: &WorkRetention,
    calendar: AgreementCalendar,
) -> Vec<YearMonth> {
    let (first, last) = (calendar.month_of(retention.kept_from(today)), calendar.month_of(today));
    let mut months = BTreeSet::new();
    for (start, end) in &changed.spans {
        let (mut m, until) = (calendar.month_of(start.date()), calendar.month_of(end.date()));
        while m <= until && m <= last {
            months.insert(m);
            m = m.next();
        }
    }
    months.extend(changed.days.iter().map(|d| calendar.month_of(*d)));
    if changed.doctors {
        months.insert(last);
        months.insert(last.previous());
    }
    months.into_iter().filter(|m| *m >= first && *m <= last).collect()
}

/// Re-checks the months changed since the last run, as of `today`.
pub fn run(
    conn: &mut AnyConnection,
    settings: &Settings,
    mailer: &Mailer,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<RecheckSummary, ReportError> {
    let from = store::marks(conn)?;
    let to = store::newest(conn)?;
    let mut summary = RecheckSummary::default();
    if to == from {
        return Ok(summary);
    }
    let months = months_of(
        &store::changed(conn, from, to)?,
        today,
        &settings.rules.retention,
        settings.rules.calendar,
    );
    for month in &months {
        let as_of = today.min(month.last_day());
        // Computed outside the write transaction: imports are not held up.
        let computed = compute_all(conn, *month, as_of, &settings.rules)?;
        let mut opened = DailySummary::default();
        write_transaction(conn, |conn| -> Result<(), ReportError> {
            let dir = Directory::load(conn)?;
            let cases = Cases {
                settings,
                dir: &dir,
                month: *month,
                today,
                now,
            };
            cases.open(conn, &computed, &mut opened)?;
            Ok(())
        })?;
        summary.months.push(month.to_string());
        summary.interviews_scheduled += opened.interviews_scheduled;
        summary.interviews_opened_late += opened.interviews_opened_late;
        summary.measures_opened += opened.measures_opened;
        summary.measures_opened_late += opened.measures_opened_late;
        summary.alerts_queued += opened.alerts_queued;
    }
    write_transaction(conn, |conn| -> Result<(), ReportError> {
        store::set_marks(conn, to, now)?;
        if !months.is_empty() {
            super::daily::record_run(
                conn,
                "recheck",
                today,
                &summary.months.join(","),
                now,
                &serde_json::to_string(&summary).unwrap_or_default(),
            )?;
        }
        Ok(())
    })?;
    if summary.alerts_queued > 0 {
        let flushed = outbox::flush(conn, mailer, now, true)?;
        summary.alerts_sent = flushed.sent;
        summary.alerts_failed = flushed.failed;
    }
    if !months.is_empty() {
        tracing::info!(
            months = %summary.months.join(","),
            interviews = summary.interviews_scheduled,
            late = summary.interviews_opened_late,
            measures = summary.measures_opened,
            "changed months re-checked"
        );
    }
    Ok(summary)
}

/// Marks every change so far as re-checked (a demo whose daily runs were
/// replayed day by day has nothing late).
pub fn caught_up(conn: &mut AnyConnection, now: NaiveDateTime) -> Result<(), ReportError> {
    let newest = store::newest(conn)?;
    write_transaction(conn, |conn| -> Result<(), ReportError> {
        Ok(store::set_marks(conn, newest, now)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn codes(months: Vec<YearMonth>) -> Vec<String> {
        months.into_iter().map(|m| m.to_string()).collect()
    }

    #[test]
    fn a_batch_rechecks_every_month_its_rows_span_up_to_todays() {
        let changed = Changed {
            spans: vec![
                (at("2024-04-30 17:00"), at("2024-06-01 09:00")),
                (at("2024-08-01 08:00"), at("2024-08-01 17:00")),
            ],
            ..Changed::default()
        };
        assert_eq!(
            codes(months_of(
                &changed,
                day("2024-07-20"),
                &WorkRetention::default(),
                AgreementCalendar::default()
            )),
            ["2024-04", "2024-05", "2024-06"]
        );
    }

    #[test]
    fn resolved_days_and_a_doctors_list_add_their_months() {
        let changed = Changed {
            days: vec![day("2024-03-05")],
            doctors: true,
            ..Changed::default()
        };
        assert_eq!(
            codes(months_of(
                &changed,
                day("2024-07-01"),
                &WorkRetention::default(),
                AgreementCalendar::default()
            )),
            ["2024-03", "2024-06", "2024-07"]
        );
    }

    #[test]
    fn months_whose_records_are_no_longer_kept_are_not_rechecked() {
        let changed = Changed {
            spans: vec![(at("2015-01-10 08:00"), at("2015-01-10 17:00"))],
            ..Changed::default()
        };
        assert!(months_of(
            &changed,
            day("2024-07-01"),
            &WorkRetention::default(),
            AgreementCalendar::default()
        )
        .is_empty());
    }
}

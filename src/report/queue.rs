//! The discrepancy (乖離) queue's read model (rules §9): every open day of
//! the month on which PC use outside the timecard exceeds the configured
//! minutes, with the day's timecard rows, PC sessions and the uncovered
//! stretches a `work` resolution would add. The screen (`web::ui::
//! discrepancies`, with its day chart) and the API (`GET /api/v1/
//! discrepancies`) both render this.
//!
//! The days are those the monthly report counts as open (the same
//! `month::compute`) and their minutes come from the one coverage function
//! (`domain::discrepancy::uncovered`) that the resolution also uses, so
//! resolving one lowers the dashboard's figure by exactly one and adds
//! exactly the minutes shown.

use crate::db::models::StoredPcSession;
use crate::db::{queries, AnyConnection};
use crate::discrepancies::{self, ResolutionRecord};
use crate::domain::discrepancy::{uncovered, PcSession, Uncovered};
use crate::domain::hours::RuleConfig;
use crate::domain::shift::Shift;
use crate::domain::time::{midnight, Minutes, YearMonth};
use crate::month::{compute, load_rows, DoctorRows, ReportError};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use std::collections::HashMap;

/// A PC session of the day, as listed.
#[derive(Debug, Clone)]
pub struct QueueSession {
    pub pc_name: String,
    pub logon: NaiveDateTime,
    pub logoff: NaiveDateTime,
    /// Its minutes outside every timecard row, on its own.
    pub uncovered: Minutes,
}

/// One open discrepancy day.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub staff_id: String,
    pub name: String,
    pub department: String,
    pub date: NaiveDate,
    /// The day's uncovered minutes, as the monthly report counts them.
    pub uncovered: Minutes,
    /// The timecard rows (any kind) around the day's PC use.
    pub rows: Vec<Shift>,
    pub sessions: Vec<QueueSession>,
    /// What a `work` resolution would add.
    pub gaps: Vec<Uncovered>,
}

impl QueueItem {
    /// The element id and form key of the day.
    pub fn key(&self) -> String {
        format!("{}_{}", self.staff_id, self.date)
    }

    /// A time of the day's records as listed: the date only when it is not
    /// the day, the seconds only when the export had them (they explain the
    /// rounding of rules §1 in the uncovered minutes).
    pub fn at(&self, t: NaiveDateTime) -> String {
        clock_of(self.date, t)
    }

    /// The stretches a `work` resolution would add, as `HH:MM–HH:MM`.
    pub fn gap_texts(&self) -> Vec<String> {
        self.gaps
            .iter()
            .map(|g| format!("{}–{}", self.at(g.start), self.at(g.end)))
            .collect()
    }
}

/// A time of a day's records as listed: the date only when it is not
/// `day`, the seconds only when the export had them.
pub fn clock_of(day: NaiveDate, t: NaiveDateTime) -> String {
    let clock = if chrono::Timelike::second(&t) == 0 {
        "%H:%M"
    } else {
        "%H:%M:%S"
    };
    if t.date() == day {
        t.format(clock).to_string()
    } else {
        t.format(&format!("%m/%d {clock}")).to_string()
    }
}

/// The queue of a month as of a date.
#[derive(Debug, Clone)]
pub struct Queue {
    pub month: YearMonth,
    pub as_of: NaiveDate,
    /// Open days, by date then staff id.
    pub items: Vec<QueueItem>,
    /// The month's resolutions.
    pub resolved: Vec<ResolutionRecord>,
}

/// The open discrepancy days of every doctor for the month as of a date.
pub fn queue(
    conn: &mut AnyConnection,
    rules: &RuleConfig,
    month: YearMonth,
    as_of: NaiveDate,
) -> Result<Queue, ReportError> {
    let (doctors, rows) = load_rows(conn, month, as_of, rules)?;
    // The sessions again, with their PC names, for the tables.
    let mut named: HashMap<i64, Vec<StoredPcSession>> = HashMap::new();
    // As the month's coverage reads them (month::rows): with the sessions
    // around the month that may merge into one of its days.
    for s in queries::pc_sessions_between(
        conn,
        None,
        midnight(month.first_day()) - Duration::days(2),
        midnight(as_of + Duration::days(3)),
    )? {
        named.entry(s.doctor_id).or_default().push(s);
    }
    let empty = DoctorRows::default();
    let mut items = Vec::new();
    for d in &doctors {
        let r = rows.get(&d.id).unwrap_or(&empty);
        let c = compute(r, d, month, as_of, rules);
        // Coverage as the report takes it (rows starting on or before T).
        let covering: Vec<Shift> = r
            .timecard
            .iter()
            .filter(|s| s.start_date() <= c.projection.as_of)
            .cloned()
            .collect();
        let spans = uncovered(&r.pc_for_coverage(), &c.coverage);
        for day in c.discrepancies.iter().filter(|x| !r.resolved_days.contains(&x.date)) {
            let gaps: Vec<Uncovered> = spans.iter().filter(|u| u.day == day.date).copied().collect();
            // The day's sessions: those starting on it, and any of another
            // day merged into one of its stretches.
            let sessions: Vec<&StoredPcSession> = named
                .get(&d.id)
                .map(|v| {
                    v.iter()
                        .filter(|s| {
                            s.logon_at.date() == day.date
                                || gaps.iter().any(|g| s.logon_at < g.end && s.logoff_at > g.start)
                        })
                        .collect()
                })
                .unwrap_or_default();
            let window_start = midnight(day.date);
            let window_end = sessions
                .iter()
                .map(|s| s.logoff_at)
                .max()
                .unwrap_or(window_start)
                .max(midnight(day.date + Duration::days(1)));
            let day_rows: Vec<Shift> = covering
                .iter()
                .filter(|s| s.end() > window_start && s.start() < window_end)
                .cloned()
                .collect();
            items.push(QueueItem {
                staff_id: d.staff_id.clone(),
                name: d.name.clone(),
                department: d.department.clone().unwrap_or_default(),
                date: day.date,
                uncovered: day.uncovered_minutes,
                rows: day_rows,
                sessions: sessions
                    .iter()
                    .map(|s| {
                        let alone = PcSession {
                            logon: s.logon_at,
                            logoff: s.logoff_at,
                        };
                        QueueSession {
                            pc_name: s.pc_name.clone(),
                            logon: s.logon_at,
                            logoff: s.logoff_at,
                            uncovered: uncovered(&[alone], &c.coverage).iter().map(Uncovered::minutes).sum(),
                        }
                    })
                    .collect(),
                gaps,
            });
        }
    }
    items.sort_by(|a, b| (a.date, &a.staff_id).cmp(&(b.date, &b.staff_id)));
    let resolved = discrepancies::resolutions_of_month(conn, month)?;
    Ok(Queue {
        month,
        as_of,
        items,
        resolved,
    })
}

//! The rest part of a doctor's page (rules §11, §14): the month's window
//! records of the planned and actual checks, the 代償休息 ledger with its
//! grants, and the break shortfalls — each with its words, never by colour
//! alone — from `report::rest`, the read model `kinmu report rest` prints.

use crate::domain::rest::{format_instant, Severity, Words};
use crate::domain::time::format_hm;
use crate::report::rest::DoctorRest;

/// One window record as the page shows it.
pub struct RecordRow {
    /// `予定` (roster) or `実績` (timecard).
    pub check: Words,
    pub window_start: String,
    pub rule: Words,
    pub longest_rest: String,
    pub shortfall: String,
    pub what: Words,
    pub severity: Words,
    /// `violation`, `warning` or `info`: the row's class (with the words).
    pub severity_code: &'static str,
}

/// One ledger entry as the page shows it.
pub struct EntryRow {
    pub kind: Words,
    pub cause: Words,
    pub arose_at: String,
    pub minutes: String,
    pub due: String,
    pub granted: String,
    pub open: String,
    pub status: Words,
    pub status_code: &'static str,
    pub reason: Option<Words>,
}

/// One grant as the page shows it.
pub struct GrantRow {
    pub start: String,
    pub end: String,
    pub recorded: String,
    pub counted: String,
    pub not_counted: String,
}

/// One break shortfall as the page shows it.
pub struct BreakRow {
    pub start: String,
    pub end: String,
    pub working: String,
    pub given: String,
    pub required: String,
}

/// The rest part of the page.
pub struct RestSection {
    /// `duty` (連携B, B, C-1, C-2) or `effort` (A).
    pub duty: bool,
    pub records: Vec<RecordRow>,
    pub entries: Vec<EntryRow>,
    pub grants: Vec<GrantRow>,
    pub breaks: Vec<BreakRow>,
    pub arose: String,
    pub granted: String,
    pub open: String,
    pub overdue: String,
    pub overdue_minutes: i64,
    pub violations: usize,
}

fn severity_code(s: Severity) -> &'static str {
    match s {
        Severity::Violation => "violation",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

impl RestSection {
    pub fn of(r: &DoctorRest) -> RestSection {
        let mut records = Vec::new();
        for (check, w) in r
            .planned
            .iter()
            .map(|w| (("予定", "roster"), w))
            .chain(r.actual.iter().map(|w| (("実績", "timecard"), w)))
        {
            let what = match (w.status, w.cause) {
                (Some(s), _) => s.words(),
                (None, Some(c)) => c.words(),
                _ => ("", ""),
            };
            records.push(RecordRow {
                check,
                window_start: format_instant(w.window_start).replace('T', " "),
                rule: w.rule.words(),
                longest_rest: format_hm(w.longest_rest_minutes),
                shortfall: format_hm(w.shortfall_minutes),
                what,
                severity: w.severity.words(),
                severity_code: severity_code(w.severity),
            });
        }
        let entries = r
            .comp_rest
            .entries
            .iter()
            .chain(r.consideration.entries.iter())
            .map(|e| EntryRow {
                kind: e.kind.words(),
                cause: e.cause.words(),
                arose_at: format_instant(e.arose_at).replace('T', " "),
                minutes: format_hm(e.minutes),
                due: e.due.to_string(),
                granted: format_hm(e.granted_minutes + e.granted_late_minutes),
                open: format_hm(e.open_minutes),
                status: e.status.words(),
                status_code: match e.status {
                    crate::domain::rest::EntryStatus::Overdue | crate::domain::rest::EntryStatus::Missed => "violation",
                    crate::domain::rest::EntryStatus::Open | crate::domain::rest::EntryStatus::PartlyGranted => {
                        "warning"
                    }
                    _ => "info",
                },
                reason: e.reason.map(|x| x.words()),
            })
            .collect();
        let grants = r
            .comp_rest
            .grants
            .iter()
            .map(|g| GrantRow {
                start: format_instant(g.start).replace('T', " "),
                end: format_instant(g.end).replace('T', " "),
                recorded: format_hm(g.recorded_minutes),
                counted: format_hm(g.counted_minutes),
                not_counted: format_hm(g.not_counted_minutes),
            })
            .collect();
        let breaks = r
            .breaks
            .iter()
            .map(|b| BreakRow {
                start: b.start.format("%Y-%m-%d %H:%M").to_string(),
                end: b.end.format("%Y-%m-%d %H:%M").to_string(),
                working: format_hm(b.working_minutes),
                given: format_hm(b.break_given_minutes),
                required: format_hm(b.break_required_minutes),
            })
            .collect();
        let violations = r
            .planned
            .iter()
            .chain(r.actual.iter())
            .filter(|w| w.severity == Severity::Violation)
            .count();
        RestSection {
            duty: r.obligation == "duty",
            records,
            entries,
            grants,
            breaks,
            arose: format_hm(r.comp_rest.arose_minutes),
            granted: format_hm(r.comp_rest.granted_minutes),
            open: format_hm(r.comp_rest.open_minutes),
            overdue: format_hm(r.comp_rest.overdue_minutes),
            overdue_minutes: r.comp_rest.overdue_minutes,
            violations,
        }
    }
}

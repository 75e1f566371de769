//! `kinmu report rest` (formats.md R.8): each doctor's rest records of a
//! month — the planned and actual checks (rules §11.6, §11.8) — the
//! 代償休息 ledger with its grants (§11.11, §11.12), the 配慮 entries
//! (§11.10) and the break shortfalls (§14): what the prefecture's
//! inspector of a designated hospital asks to see.

use crate::db::models::Doctor;
use crate::db::AnyConnection;
use crate::domain::breaks::WorkPeriod;
use crate::domain::hours::RuleConfig;
use crate::domain::permits::PermitsRegister;
use crate::domain::rest::{format_instant, EntryKind, GrantRecord, LedgerEntry, WindowRecord};
use crate::domain::time::{Minutes, YearMonth};
use crate::month::{compute_all, DoctorComputation, ReportError};
use chrono::NaiveDate;
use serde::Serialize;

/// The report as `--format json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct RestReport {
    pub month: String,
    pub as_of: NaiveDate,
    pub permits_register: PermitsRegister,
    pub doctors: Vec<DoctorRest>,
}

/// One doctor's rest records of the month.
#[derive(Debug, Clone, Serialize)]
pub struct DoctorRest {
    pub staff_id: String,
    pub name: String,
    pub level: String,
    /// `duty` or `effort` (rules §11.1).
    pub obligation: &'static str,
    pub clinical_trainee: bool,
    pub planned: Vec<WindowRecord>,
    pub actual: Vec<WindowRecord>,
    pub comp_rest: CompRest,
    pub consideration: Consideration,
    pub breaks: Vec<WorkPeriod>,
}

/// The 代償休息 part of the ledger (rules §11.12).
#[derive(Debug, Clone, Default, Serialize)]
pub struct CompRest {
    pub arose_minutes: Minutes,
    pub granted_minutes: Minutes,
    pub open_minutes: Minutes,
    pub overdue_minutes: Minutes,
    pub entries: Vec<LedgerEntry>,
    pub grants: Vec<GrantRecord>,
}

/// The 配慮 part of the ledger (rules §11.10).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Consideration {
    pub arose_minutes: Minutes,
    pub open_minutes: Minutes,
    pub entries: Vec<LedgerEntry>,
}

/// One doctor's part of the report from their computed month; `None` when
/// §11 does not apply to them (level A with `rest_a_level_warnings =
/// false`, or a month before `rest_rules_from`).
pub fn doctor_rest(d: &Doctor, c: &DoctorComputation) -> Option<DoctorRest> {
    let r = c.rest.as_ref()?;
    let (first, last) = r.month;
    let in_month = |day: NaiveDate| first <= day && day <= last;
    let grants: Vec<GrantRecord> = r
        .ledger
        .grants
        .iter()
        .filter(|g| in_month(g.start.date()))
        .cloned()
        .collect();
    let paid_in_month = |id: i64| grants.iter().any(|g| g.matched.iter().any(|m| m.entry == id));
    // Entries that arose in the month, are open as of T, or were paid by a
    // grant dated in the month (formats.md R.8).
    let shown = |e: &&LedgerEntry| in_month(e.arose_at.date()) || e.open_minutes > 0 || paid_in_month(e.id);
    let of_kind = |k: EntryKind| -> Vec<LedgerEntry> {
        r.ledger
            .entries
            .iter()
            .filter(|e| e.kind == k)
            .filter(shown)
            .cloned()
            .collect()
    };
    let f = r.ledger.figures;
    let (compensatory, consideration) = (of_kind(EntryKind::Compensatory), of_kind(EntryKind::Consideration));
    Some(DoctorRest {
        staff_id: d.staff_id.clone(),
        name: d.name.clone(),
        level: d.level().code().to_string(),
        obligation: r.doctor.obligation(),
        clinical_trainee: r.doctor.is_c1_trainee(),
        planned: r.planned().cloned().collect(),
        actual: r.actual().cloned().collect(),
        comp_rest: CompRest {
            arose_minutes: f.comp_rest_arose_minutes,
            granted_minutes: f.comp_rest_granted_minutes,
            open_minutes: f.comp_rest_open_minutes,
            overdue_minutes: f.comp_rest_overdue_minutes,
            entries: compensatory,
            grants,
        },
        consideration: Consideration {
            arose_minutes: f.consideration_arose_minutes,
            open_minutes: f.consideration_open_minutes,
            entries: consideration,
        },
        breaks: c.break_shortfalls.clone(),
    })
}

/// Builds the report of `month` as of `as_of` (clamped into the month).
pub fn report(
    conn: &mut AnyConnection,
    month: YearMonth,
    as_of: NaiveDate,
    cfg: &RuleConfig,
) -> Result<RestReport, ReportError> {
    let month = cfg.calendar.month(month);
    let t = month.clamp(as_of);
    let computed = compute_all(conn, month, t, cfg)?;
    let mut doctors: Vec<DoctorRest> = computed.iter().filter_map(|(d, c)| doctor_rest(d, c)).collect();
    doctors.sort_by(|a, b| a.staff_id.cmp(&b.staff_id));
    Ok(RestReport {
        month: month.to_string(),
        as_of: t,
        permits_register: cfg.permits_register,
        doctors,
    })
}

/// The CSV form's columns: one line per record and per entry.
pub const CSV_COLUMNS: [&str; 14] = [
    "staff_id",
    "name",
    "level",
    "record",
    "window_start",
    "rule",
    "required_rest_minutes",
    "longest_rest_minutes",
    "shortfall_minutes",
    "status",
    "severity",
    "minutes",
    "due",
    "open_minutes",
];

fn code<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Null) | Err(_) => String::new(),
        Ok(other) => other.to_string(),
    }
}

/// The CSV form: one line per window record (`planned` / `actual`) and per
/// ledger entry (`compensatory` / `consideration`).
pub fn to_csv(r: &RestReport) -> Result<Vec<u8>, csv::Error> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    for d in &r.doctors {
        let who = [d.staff_id.clone(), d.name.clone(), d.level.clone()];
        for w in d.planned.iter().chain(d.actual.iter()) {
            let status = match (&w.status, &w.cause) {
                (Some(s), _) => code(s),
                (None, Some(c)) => code(c),
                _ => String::new(),
            };
            let mut row = who.to_vec();
            row.extend([
                code(&w.check),
                format_instant(w.window_start),
                code(&w.rule),
                w.required_rest_minutes.to_string(),
                w.longest_rest_minutes.to_string(),
                w.shortfall_minutes.to_string(),
                status,
                code(&w.severity),
                String::new(),
                String::new(),
                String::new(),
            ]);
            rows.push(row);
        }
        for e in d.comp_rest.entries.iter().chain(d.consideration.entries.iter()) {
            let mut row = who.to_vec();
            row.extend([
                code(&e.kind),
                format_instant(e.arose_at),
                code(&e.cause),
                String::new(),
                String::new(),
                String::new(),
                code(&e.status),
                String::new(),
                e.minutes.to_string(),
                e.due.to_string(),
                e.open_minutes.to_string(),
            ]);
            rows.push(row);
        }
    }
    crate::export::plain_csv(&CSV_COLUMNS, rows)
}

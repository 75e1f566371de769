//! The roster check (rules §15, formats.md R.6): a roster file read as
//! `kinmu import roster` reads it, checked against §11, §13, §14 and the
//! projected hours on each file doctor's projected timeline, and answered
//! as the JSON of §15.4 (or CSV, or the printable list). Nothing is
//! stored; the caller logs the run in the access log.

use crate::db::models::Doctor;
use crate::db::AnyConnection;
use crate::domain::hours::RuleConfig;
use crate::domain::permits::PermitsRegister;
use crate::domain::roster_check::{DoctorCheck, Summary};
use crate::domain::shift::Shift;
use crate::domain::time::YearMonth;
use crate::import::layout::Layout;
use crate::import::RowError;
use crate::ingest::{read_roster_file, ImportError, Refused};
use crate::month::roster_check::{check_doctors, Frame};
use crate::month::ReportError;
use chrono::{Duration, NaiveDate};
use serde::Serialize;
use std::collections::HashMap;

/// What the check is asked.
pub struct Request<'a> {
    pub bytes: &'a [u8],
    pub layout: Option<&'a Layout>,
    /// `--month`; `None`: the month of the file's first date (§15.1).
    pub month: Option<YearMonth>,
    /// `--as-of` (the caller's default: today).
    pub as_of: NaiveDate,
    /// Check the valid rows although some were rejected.
    pub skip_invalid: bool,
    /// The doctors the asker may check (a manager: their own doctors); the
    /// rows of others are left out (`left_out_rows`).
    pub scope: &'a dyn Fn(&Doctor) -> bool,
}

/// A file row starting on or before T: listed, used nowhere (§15.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IgnoredRow {
    pub line: usize,
    pub staff_id: String,
    #[serde(serialize_with = "instant")]
    pub start: chrono::NaiveDateTime,
    pub kind: &'static str,
}

fn instant<S: serde::Serializer>(t: &chrono::NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::domain::rest::format_instant(*t))
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The answer of §15.4.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterCheck {
    pub month: String,
    pub as_of: NaiveDate,
    pub checked_from: NaiveDate,
    pub checked_to: NaiveDate,
    pub permits_register: PermitsRegister,
    pub rejected: Vec<RowError>,
    pub ignored_rows: Vec<IgnoredRow>,
    pub summary: Summary,
    pub doctors: Vec<DoctorCheck>,
    /// Rows of doctors the asker may not check, left out (a manager).
    #[serde(skip_serializing_if = "is_zero")]
    pub left_out_rows: usize,
}

impl RosterCheck {
    /// Whether some problem is a `violation` (exit status 3).
    pub fn has_violation(&self) -> bool {
        self.summary.violations > 0
    }
}

/// The answer when rows were rejected and `skip_invalid` was not given:
/// the rows refused as an import lists them, nothing checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotChecked {
    pub kind: &'static str,
    pub layout: String,
    #[serde(flatten)]
    pub refused: Refused,
    pub checked: bool,
}

/// What came of a check.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Checked; `rejected` rows too when `skip_invalid` was given.
    Checked(Box<RosterCheck>, Refused),
    /// Rows were rejected: not checked.
    NotChecked(NotChecked),
}

/// Why a check could not be made (exit status 1; the API's 400 or 500).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Report(#[from] ReportError),
    /// What the check was asked cannot be done.
    #[error("{0}")]
    Request(String),
}

/// Runs the check.
pub fn check(conn: &mut AnyConnection, req: &Request, cfg: &RuleConfig) -> Result<Outcome, CheckError> {
    let file = read_roster_file(conn, req.bytes, req.layout)?;
    if file.refused.rejected_total > 0 && !req.skip_invalid {
        return Ok(Outcome::NotChecked(NotChecked {
            kind: "roster_check",
            layout: file.layout,
            refused: file.refused,
            checked: false,
        }));
    }
    let dates = || file.rows.iter().map(|r| r.shift.start_date());
    let (Some(first), Some(last)) = (dates().min(), dates().max()) else {
        return Err(CheckError::Request(
            "ファイルに勤務予定の行がありません / the file has no roster rows".into(),
        ));
    };
    let month = cfg
        .calendar
        .month(req.month.unwrap_or_else(|| cfg.calendar.month_of(first)));
    let before = month.first_day() - Duration::days(1);
    if req.as_of > month.last_day() {
        return Err(CheckError::Request(format!(
            "{month} は終わっています（基準日 {} は月末 {} より後） / the month is over",
            req.as_of,
            month.last_day()
        )));
    }
    let t = req.as_of.max(before);
    let frame = Frame {
        month,
        t,
        checked: (first.max(t + Duration::days(1)), last),
    };
    let doctors: HashMap<i64, Doctor> = crate::db::queries::all_doctors(conn)
        .map_err(|e| CheckError::Report(e.into()))?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let mut rows: HashMap<i64, Vec<Shift>> = HashMap::new();
    let mut ignored = Vec::new();
    let mut left_out = 0;
    for r in &file.rows {
        let Some(d) = doctors.get(&r.doctor_id) else {
            continue;
        };
        if !(req.scope)(d) {
            left_out += 1;
            continue;
        }
        if r.shift.start_date() <= t {
            ignored.push(IgnoredRow {
                line: r.line,
                staff_id: d.staff_id.clone(),
                start: r.shift.start(),
                kind: r.shift.kind().code(),
            });
        }
        rows.entry(r.doctor_id).or_default().push(r.shift.clone());
    }
    let checked = check_doctors(conn, &rows, frame, cfg, &cfg.rest)?;
    let report = RosterCheck {
        month: month.to_string(),
        as_of: req.as_of,
        checked_from: frame.checked.0,
        checked_to: frame.checked.1,
        permits_register: cfg.permits_register,
        rejected: file.refused.rejected.clone(),
        ignored_rows: ignored,
        summary: Summary::of(&checked),
        doctors: checked,
        left_out_rows: left_out,
    };
    Ok(Outcome::Checked(Box::new(report), file.refused))
}

/// The CSV form: one line per problem (formats.md R.6).
pub fn to_csv(r: &RosterCheck) -> Result<Vec<u8>, csv::Error> {
    const COLUMNS: [&str; 8] = [
        "staff_id",
        "name",
        "level",
        "date",
        "code",
        "severity",
        "shortfall_minutes",
        "message",
    ];
    let rows = r.doctors.iter().flat_map(|d| {
        d.problems.iter().map(move |p| {
            vec![
                d.staff_id.clone(),
                d.name.clone(),
                d.level.clone(),
                p.date.to_string(),
                p.code.clone(),
                severity_code(p.severity).to_string(),
                p.fields
                    .get("shortfall_minutes")
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
                p.message(),
            ]
        })
    });
    crate::export::plain_csv(&COLUMNS, rows)
}

/// `violation`, `warning`, `info`.
pub fn severity_code(s: crate::domain::rest::Severity) -> &'static str {
    use crate::domain::rest::Severity;
    match s {
        Severity::Violation => "violation",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// The severity in words (the screens and the printable list).
pub fn severity_words(s: crate::domain::rest::Severity) -> (&'static str, &'static str) {
    use crate::domain::rest::Severity;
    match s {
        Severity::Violation => ("違反", "violation"),
        Severity::Warning => ("警告", "warning"),
        Severity::Info => ("参考", "info"),
    }
}

/// The printable list for the roster meeting (`--format html`): per doctor
/// the projected figures and the problems with their dates, severity in
/// words. Every text from the file or the database is escaped.
pub fn to_html(r: &RosterCheck) -> Result<String, std::fmt::Error> {
    use crate::html::escape as e;
    use std::fmt::Write;
    let mut h = String::new();
    writeln!(
        h,
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>勤務表チェック {m} / Roster check</title>\
         <style>body{{font-family:sans-serif}}table{{border-collapse:collapse}}td,th{{border:1px solid #888;padding:2px 6px}}</style></head><body>",
        m = e(&r.month)
    )?;
    writeln!(
        h,
        "<h1>勤務表チェック / Roster check {}</h1>\n<p>基準日 / as of {} ・ 対象 / checked {} 〜 {} ・ 医師 / doctors {} ・ 違反 / violations {} ・ 警告 / warnings {} ・ 参考 / infos {}</p>",
        e(&r.month),
        r.as_of,
        r.checked_from,
        r.checked_to,
        r.summary.doctors,
        r.summary.violations,
        r.summary.warnings,
        r.summary.infos
    )?;
    for d in &r.doctors {
        let p = &d.projected;
        writeln!(
            h,
            "<h2>{} {}（{}、{}）</h2>\n<p>見込み時間外・休日 / projected {} 分 ・ 80h {} ・ 100h {} ・ 155h {}</p>",
            e(&d.staff_id),
            e(&d.name),
            e(&d.level),
            e(d.department.as_deref().unwrap_or("")),
            p.overtime_holiday_minutes,
            date_or_dash(p.reach_80_date),
            date_or_dash(p.reach_100_date),
            date_or_dash(p.reach_155_date)
        )?;
        if d.problems.is_empty() {
            writeln!(h, "<p>問題なし / no problems</p>")?;
            continue;
        }
        writeln!(
            h,
            "<table><thead><tr><th>日付 / date</th><th>重大度 / severity</th><th>項目 / code</th><th>内容 / details</th></tr></thead><tbody>"
        )?;
        for x in &d.problems {
            let (ja, en) = severity_words(x.severity);
            writeln!(
                h,
                "<tr><td>{}</td><td>{} / {}</td><td>{}</td><td>{}</td></tr>",
                x.date,
                ja,
                en,
                e(&x.code),
                e(&x.message())
            )?;
        }
        writeln!(h, "</tbody></table>")?;
    }
    writeln!(h, "</body></html>")?;
    Ok(h)
}

fn date_or_dash(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "—".to_string(), |d| d.to_string())
}

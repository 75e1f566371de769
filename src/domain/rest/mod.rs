//! Rest between shifts (rules §11): 連続勤務時間制限・勤務間インターバル・代償休息.
//!
//! Pure code, no I/O: the caller gives a doctor's roster (in its stored
//! versions), timecard, permit occurrences and grant records, and gets the
//! window records of the planned and actual checks (§11.6, §11.8), the
//! ledger entries that arise (§11.7, §11.9, §11.10) and the ledger as of a
//! date (§11.11, §11.12).
//!
//! The steps, each in its own module: the timeline of a set of rows
//! (`timeline`, §11.2), the three rules, the window starts and the window
//! test (`window`, §11.3–§11.5), the checks and the entries they create
//! (`checks`, §11.6–§11.10), and the ledger (`ledger`, §11.11–§11.12).

mod checks;
mod labels;
mod ledger;
mod timeline;
mod window;

#[cfg(test)]
mod examples;
#[cfg(test)]
mod tests;

pub use checks::{check, planned_check, Planned, PlannedRest, RestInputs, RestResult};
pub use labels::Words;
pub use ledger::{
    ledger, EntryStatus, Grant, GrantRecord, Ledger, LedgerEntry, LedgerInputs, Matched, RestMonthFigures,
};
pub use timeline::{Timeline, Working};
pub use window::{applicable_rules, test_window, window_starts, Outcome, Rule};

use super::interval::Interval;
use super::shift::{Level, Shift};
use super::time::Minutes;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Serialize, Serializer};

/// The doctor as §11 sees them (rules §11.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RestDoctor {
    pub staff_id: String,
    pub level: Level,
    /// 臨床研修医 (doctors file column `clinical_trainee`); read only with
    /// level C-1 (rules §11.1).
    pub clinical_trainee: bool,
}

impl RestDoctor {
    /// A C-1 clinical trainee: the 24 h/48 h rule instead of 18 h/46 h
    /// (rules §11.1, §11.3).
    pub fn is_c1_trainee(&self) -> bool {
        self.level == Level::C1 && self.clinical_trainee
    }

    /// The severity of a finding that is not `info` (rules §11.1): a
    /// `warning` for level A (duty of effort), else a `violation`.
    pub fn severity(&self) -> Severity {
        if self.level == Level::A {
            Severity::Warning
        } else {
            Severity::Violation
        }
    }

    /// `duty` or `effort` (formats.md R.8).
    pub fn obligation(&self) -> &'static str {
        if self.level == Level::A {
            "effort"
        } else {
            "duty"
        }
    }
}

/// The §11 configuration (rules §11.13).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestConfig {
    /// No window starting before it is judged, no work before it creates an
    /// entry (rules §11.1).
    pub rest_rules_from: NaiveDate,
    /// `false`: no §11 records or ledger for level-A doctors (rules §11.1).
    pub rest_a_level_warnings: bool,
}

impl Default for RestConfig {
    fn default() -> Self {
        RestConfig {
            rest_rules_from: NaiveDate::from_ymd_opt(2024, 4, 1).unwrap_or(NaiveDate::MIN),
            rest_a_level_warnings: true,
        }
    }
}

impl RestConfig {
    /// Whether §11 applies to the doctor at all (rules §11.1).
    pub fn applies_to(&self, doctor: &RestDoctor) -> bool {
        self.rest_a_level_warnings || doctor.level != Level::A
    }
}

/// One stored version of the doctor's roster: the whole roster as it stood
/// from `stored_at` (rules §10, §11.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterVersion {
    pub stored_at: NaiveDateTime,
    pub rows: Vec<Shift>,
}

/// The doctor's roster in its stored versions and the dates it covers
/// (rules §11.6). Rows whose start date is not covered are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Roster {
    versions: Vec<RosterVersion>,
    ranges: Vec<(NaiveDate, NaiveDate)>,
}

impl Roster {
    /// A roster from its versions (any order) and covered date ranges
    /// (inclusive).
    pub fn new(mut versions: Vec<RosterVersion>, ranges: Vec<(NaiveDate, NaiveDate)>) -> Roster {
        versions.sort_by_key(|v| v.stored_at);
        let ranges = ranges.into_iter().filter(|(a, b)| a <= b).collect();
        let mut r = Roster { versions, ranges };
        let covered: Vec<Vec<Shift>> = r
            .versions
            .iter()
            .map(|v| v.rows.iter().filter(|s| r.covers(s.start_date())).cloned().collect())
            .collect();
        for (v, rows) in r.versions.iter_mut().zip(covered) {
            v.rows = rows;
        }
        r
    }

    /// A roster with a single version.
    pub fn single(rows: Vec<Shift>, ranges: Vec<(NaiveDate, NaiveDate)>) -> Roster {
        let stored_at = NaiveDate::MIN.and_hms_opt(0, 0, 0).unwrap_or_default();
        Roster::new(vec![RosterVersion { stored_at, rows }], ranges)
    }

    /// The versions, oldest first.
    pub fn versions(&self) -> &[RosterVersion] {
        &self.versions
    }

    /// Whether the roster covers date `d`.
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.ranges.iter().any(|(a, b)| *a <= d && d <= *b)
    }

    /// The last covered date: the end of the planned data (rules §11.6).
    pub fn last_date(&self) -> Option<NaiveDate> {
        self.ranges.iter().map(|r| r.1).max()
    }

    /// The index of the version in force for a window at `s`: the latest
    /// stored before `s`, else the earliest (rules §11.6).
    pub fn version_at(&self, s: NaiveDateTime) -> Option<usize> {
        if self.versions.is_empty() {
            return None;
        }
        Some(self.versions.iter().rposition(|v| v.stored_at < s).unwrap_or(0))
    }
}

/// How strict a finding is (rules §11.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Violation,
}

/// `planned` (§11.6) or `actual` (§11.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    Planned,
    Actual,
}

/// The status of a planned record (rules §11.6, §11.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlannedStatus {
    RestShort,
    Excepted,
    ExceptionRestShort,
}

/// The cause of an actual record (rules §11.8), in the order tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    NoRoster,
    Exception,
    Planned,
    Compensated,
    Unplanned,
}

/// The over-15 h exception of a window (rules §11.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exception {
    pub owed_minutes: Minutes,
    #[serde(serialize_with = "ser_opt_instant")]
    pub following_rest_start: Option<NaiveDateTime>,
    pub following_rest_minutes: Minutes,
    pub required_following_rest_minutes: Minutes,
    pub following_rest_shortfall_minutes: Minutes,
    pub honoured: bool,
}

/// One failing window (rules §11.13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WindowRecord {
    pub staff_id: String,
    pub check: Check,
    #[serde(serialize_with = "ser_instant")]
    pub window_start: NaiveDateTime,
    #[serde(serialize_with = "ser_instant")]
    pub window_end: NaiveDateTime,
    pub rule: Rule,
    pub required_rest_minutes: Minutes,
    pub longest_rest_minutes: Minutes,
    #[serde(serialize_with = "ser_opt_instant")]
    pub longest_rest_start: Option<NaiveDateTime>,
    #[serde(serialize_with = "ser_opt_instant")]
    pub longest_rest_end: Option<NaiveDateTime>,
    pub work_span_minutes: Minutes,
    pub over_continuous_limit: bool,
    pub shortfall_minutes: Minutes,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<PlannedStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
    pub severity: Severity,
    pub open_end: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exception: Option<Exception>,
}

/// `compensatory` (代償休息, binding) or `consideration` (配慮).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Compensatory,
    Consideration,
}

impl EntryKind {
    pub fn parse(s: &str) -> Option<EntryKind> {
        match s {
            "compensatory" => Some(EntryKind::Compensatory),
            "consideration" => Some(EntryKind::Consideration),
            _ => None,
        }
    }
}

/// Why an entry arose (rules §11.7, §11.9, §11.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryCause {
    RestIntrusion,
    PermittedDutyWork,
    LongWorkException,
}

impl EntryCause {
    pub fn parse(s: &str) -> Option<EntryCause> {
        match s {
            "rest_intrusion" => Some(EntryCause::RestIntrusion),
            "permitted_duty_work" => Some(EntryCause::PermittedDutyWork),
            "long_work_exception" => Some(EntryCause::LongWorkException),
            _ => None,
        }
    }
}

/// HR's reason on an entry (rules §11.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Emergency,
    TrainingEmergency,
    Other,
}

impl Reason {
    pub fn parse(s: &str) -> Option<Reason> {
        match s {
            "emergency" => Some(Reason::Emergency),
            "training_emergency" => Some(Reason::TrainingEmergency),
            "other" => Some(Reason::Other),
            _ => None,
        }
    }
}

/// How a `long_work_exception` entry is settled at once (rules §11.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Settled {
    Granted,
    Missed,
}

impl Settled {
    pub fn parse(s: &str) -> Option<Settled> {
        match s {
            "granted" => Some(Settled::Granted),
            "missed" => Some(Settled::Missed),
            _ => None,
        }
    }
}

/// A ledger entry as it arises (rules §11.7, §11.9, §11.10, §11.13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Numbered 1.. in order of `arose_at` by the checks; the caller may
    /// renumber with stored ids.
    pub id: i64,
    pub kind: EntryKind,
    pub cause: EntryCause,
    pub minutes: Minutes,
    #[serde(serialize_with = "ser_instant")]
    pub arose_at: NaiveDateTime,
    #[serde(serialize_with = "ser_instant")]
    pub ends_at: NaiveDateTime,
    pub due: NaiveDate,
    #[serde(serialize_with = "ser_opt_instant", skip_serializing_if = "Option::is_none")]
    pub planned_rest_start: Option<NaiveDateTime>,
    #[serde(serialize_with = "ser_opt_instant", skip_serializing_if = "Option::is_none")]
    pub planned_rest_end: Option<NaiveDateTime>,
    pub reason: Option<Reason>,
    /// `long_work_exception` only: settled at once, `granted` when the
    /// following rest honoured the exception, else `missed` (§11.7).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settled: Option<Settled>,
    /// `rest_intrusion` only: the intruding working minutes (§11.8 cause 4).
    #[serde(skip)]
    pub intruding: Vec<Interval>,
}

/// The last day of the calendar month after the month of `d` (翌月末).
pub fn end_of_next_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() >= 11 {
        (d.year() + 1, d.month() - 10)
    } else {
        (d.year(), d.month() + 2)
    };
    NaiveDate::from_ymd_opt(y, m, 1).and_then(|x| x.pred_opt()).unwrap_or(d)
}

/// `2024-06-10T08:00` (rules §11.13).
pub fn format_instant(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

fn ser_instant<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_instant(*t))
}

fn ser_opt_instant<S: Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&format_instant(*t)),
        None => s.serialize_none(),
    }
}

/// The rows as §11.2 reads self-study: a confirmed `self_study` row keeps
/// only its parts inside the doctor's schedule `inside` (counted there by
/// §2.3; outside it a confirmed row is not working time), as unconfirmed
/// rows; every other row is kept. With [`counts_as_work`] the timeline then
/// sees exactly the self-study the counting rules count.
pub fn with_counted_study(rows: &[Shift], inside: &[Interval]) -> Vec<Shift> {
    use super::interval::intersect;
    use super::row_status::StudyStatus;
    use super::shift::Kind;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        if r.kind() != Kind::SelfStudy || r.study() != StudyStatus::Confirmed {
            out.push(r.clone());
            continue;
        }
        for (s, e) in intersect(&[(r.rounded_start(), r.rounded_end())], inside) {
            if let Ok(part) = Shift::new(s, e, 0, Kind::SelfStudy) {
                out.push(part);
            }
        }
    }
    out
}

/// Whether a row of [`with_counted_study`]'s output is self-study counted
/// as working time (every self-study row left in it is).
pub fn counts_as_work(row: &Shift) -> bool {
    row.study() != super::row_status::StudyStatus::Confirmed
}

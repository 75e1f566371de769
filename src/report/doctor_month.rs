//! A doctor's month, the read model of the doctor page and of
//! `GET /api/v1/doctors/{staff_id}/months/{month}`: the month's figures and
//! state, the running total against the projection, the last twelve months,
//! the month's timecard, roster and PC rows, and the doctor's interviews and
//! measures — each as far as the access policy ([`crate::policy`]) lets the
//! viewer see it: the doctor, their manager, and per interview its assigned
//! physician see health data; HR and admin the status only; physicians no
//! measures cases.
//!
//! Only this doctor's rows are loaded (`month::load_rows_of`), once per
//! month shown; health data that is not shown is not even read.

use super::dashboard::State;
use crate::db::models::{Doctor, Interview, Measure, PreCheck};
use crate::db::{interviews as stored, queries, AnyConnection};
use crate::domain::hours::RuleConfig;
use crate::domain::interview::Status;
use crate::domain::projection::Method;
use crate::domain::time::{Minutes, YearMonth};
use crate::month::{compute_one, line, DoctorComputation, DoctorMonth, DoctorRows, ReportError};
use crate::policy::{self, Sight, Who};
use chrono::NaiveDate;

/// An interview as a doctor's month lists it.
#[derive(Debug, Clone)]
pub struct InterviewView {
    /// The interview; its check items and opinion only when `sight` is
    /// `Health`.
    pub i: Interview,
    pub status: Status,
    /// The case as rules §8.2–§8.5 judge it.
    pub due: crate::domain::due::Due,
    /// The physician's login, if one is assigned.
    pub physician: Option<String>,
    /// What the viewer sees of this interview here (at least its status).
    pub sight: Sight,
    /// Whether the viewer may open the interview's own page.
    pub linked: bool,
    /// The pre-checks of the interview's month (only when `Health`).
    pub prechecks: Vec<PreCheck>,
}

impl InterviewView {
    /// Days it was held after its deadline, when held late.
    pub fn days_late(&self) -> Option<i64> {
        self.due.days_late()
    }
}

/// One doctor's month as the viewer may see it.
#[derive(Debug, Clone)]
pub struct DoctorMonthView {
    pub doctor: Doctor,
    pub month: YearMonth,
    /// The as-of date, clamped into the month.
    pub as_of: NaiveDate,
    pub figures: DoctorMonth,
    pub state: State,
    /// Some health data is shown (of every interview, or of some).
    pub health: bool,
    pub computed: DoctorComputation,
    /// The month's rows (timecard, roster after the as-of date, PC).
    pub rows: DoctorRows,
    /// The last twelve months (month, overtime + holiday minutes), oldest
    /// first, each as of its end (this month as of the date).
    pub last_12_months: Vec<(YearMonth, Minutes)>,
    pub interviews: Vec<InterviewView>,
    /// Measures cases, newest first (empty for those who may not see them).
    pub measures: Vec<Measure>,
}

impl DoctorMonthView {
    /// How the month end was projected: `roster` or `linear`.
    pub fn method(&self) -> &'static str {
        match self.computed.projection.method {
            Method::Roster => "roster",
            Method::Linear => "linear",
        }
    }

    /// The measures cases of one month.
    pub fn measures_of<'a>(&'a self, month: &'a str) -> impl Iterator<Item = &'a Measure> + 'a {
        self.measures.iter().filter(move |m| m.month == month)
    }
}

/// Why a doctor's month is not shown.
#[derive(Debug, thiserror::Error)]
pub enum DoctorMonthError {
    /// No such doctor, or none the viewer may see (the same answer: 404).
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Report(#[from] ReportError),
}

impl From<diesel::result::Error> for DoctorMonthError {
    fn from(e: diesel::result::Error) -> Self {
        DoctorMonthError::Report(e.into())
    }
}

/// The month of doctor `staff_id` as `who` may see it; interview statuses
/// as of `today`.
pub fn doctor_month(
    conn: &mut AnyConnection,
    rules: &RuleConfig,
    who: Who<'_>,
    staff_id: &str,
    month: YearMonth,
    as_of: NaiveDate,
    today: NaiveDate,
) -> Result<DoctorMonthView, DoctorMonthError> {
    let d = queries::doctor_by_staff_id(conn, staff_id)?.ok_or(DoctorMonthError::NotFound)?;
    // The interviews and their physicians first: a physician sees the page
    // while assigned to one of them.
    let found = stored::interviews_of_doctor(conn, d.id)?;
    let sight = policy::doctor(who, (&d).into(), found.iter().map(|(_, p)| p.as_deref()));
    if sight == Sight::None {
        return Err(DoctorMonthError::NotFound);
    }
    let (rows, c) = compute_one(conn, rules, &d, month, as_of)?;
    let figures = line(&d, &c);

    let mut last_12_months = Vec::with_capacity(12);
    let mut ym = month;
    for _ in 0..11 {
        ym = ym.previous();
    }
    for _ in 0..12 {
        let at = if ym == month { as_of } else { ym.last_day() };
        let (_, c) = compute_one(conn, rules, &d, ym, at)?;
        last_12_months.push((ym, c.projection.actual.overtime_holiday_minutes));
        ym = ym.next();
    }

    let mut interviews = Vec::with_capacity(found.len());
    for (i, physician) in found {
        let own = policy::interview(who, (&d).into(), physician.as_deref());
        let shown = policy::listed_interview(sight, own);
        // Health data is not even read where it is not shown, nor are the
        // physician's check items and opinion kept.
        let (i, prechecks) = if shown.health() {
            let checks = stored::prechecks_of_month(conn, d.id, &i.month)?;
            (i, checks)
        } else {
            let i = Interview {
                check_work: None,
                check_sleep: None,
                check_fatigue: None,
                check_mental_physical: None,
                opinion: None,
                ..i
            };
            (i, Vec::new())
        };
        // This month's case is judged with the month as just computed.
        let due = if i.month == month.to_string() {
            i.due_as_computed(c.projection.reach_100_at, c.due.a_level_exception)
        } else {
            i.due()
        };
        interviews.push(InterviewView {
            status: due.status(crate::domain::due::end_of(today)),
            due,
            physician,
            sight: shown,
            linked: own != Sight::None,
            prechecks,
            i,
        });
    }
    // Measures cases (with the manager's text) by the same rule as the
    // measures lists: not for physicians.
    let measures = if policy::sees_measures(who, policy::Whose::from(&d)) {
        stored::measures_of_doctor(conn, d.id)?
    } else {
        Vec::new()
    };
    Ok(DoctorMonthView {
        month,
        as_of: c.projection.as_of,
        state: State::of(&figures),
        health: sight.health() || interviews.iter().any(|v| v.sight.health()),
        figures,
        computed: c,
        rows,
        last_12_months,
        interviews,
        measures,
        doctor: d,
    })
}

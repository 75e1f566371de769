//! What rule book v2 stores beside v1's rows (formats.md C.1–C.3): the
//! doctor's profile read into the domain's [`Profile`], the columns that
//! timecard and roster rows gained, the employers file and the dates a
//! roster import replaced.
//!
//! Stored values are read leniently: a value edited outside kinmu into
//! something unreadable falls back to its default (the one a v1 row has),
//! never fails a report.

use super::super::schema::{doctor_employers, roster_ranges};
use super::Doctor;
use crate::domain::hours::RuleConfig;
use crate::domain::profile::{
    Employer, EmploymentType, LegalHoliday, Profile, Regime, ScheduleClass, StudyStatus, WeekdaySet,
};
use crate::domain::shift::{IntervalRule, Kind, Shift};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

impl Doctor {
    /// The statutory-holiday form (rules §4.1): `sun`..`sat`,
    /// `unspecified`, or `4w4` from `holiday_period_start`.
    pub fn legal_holiday_rule(&self) -> LegalHoliday {
        LegalHoliday::parse(&self.legal_holiday, self.holiday_period_start).unwrap_or_default()
    }

    /// The doctor's own 所定終業, if set (else the config's).
    pub fn scheduled_end(&self) -> Option<NaiveTime> {
        self.scheduled_end
            .as_deref()
            .and_then(|s| NaiveTime::parse_from_str(s, "%H:%M").ok())
    }

    /// The doctor's own 所定労働日, if set (else the config's).
    pub fn scheduled_days(&self) -> Option<WeekdaySet> {
        self.scheduled_days.as_deref().and_then(WeekdaySet::parse)
    }

    /// 労働時間制 with its periods (rules §5a.1).
    pub fn regime(&self) -> Regime {
        Regime::parse(&self.regime, self.variable_period_start, &self.variable_period).unwrap_or_default()
    }

    /// 雇用形態 (rules §5b.1).
    pub fn employment_type(&self) -> EmploymentType {
        EmploymentType::parse(&self.employment_type).unwrap_or_default()
    }

    /// What the rule book needs to know about this doctor (v2): the
    /// doctors file's columns over the config's defaults, and the
    /// doctor's other employers (employers file, [`crate::db::employers`]).
    pub fn profile(&self, cfg: &RuleConfig, employers: Vec<Employer>) -> Profile {
        Profile {
            level: self.level(),
            legal_holiday: self.legal_holiday_rule(),
            scheduled_days: self.scheduled_days().unwrap_or(cfg.scheduled_days),
            scheduled_start: self.scheduled_start().unwrap_or(cfg.scheduled_start),
            scheduled_end: self.scheduled_end().unwrap_or(cfg.scheduled_end),
            regime: self.regime(),
            employment_type: self.employment_type(),
            main_employer: self.main_employer.clone().filter(|e| !e.trim().is_empty()),
            contract_date: self.contract_date,
            employers,
        }
    }
}

/// The columns of rule book v2 on a timecard or roster row (rules §2.3,
/// §5b.2), as stored. Defaults are a v1 row's: unconfirmed, no employer,
/// 所定.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftExtras {
    /// `unconfirmed`, `confirmed` or `rejected` (self-study rows).
    pub study_status: String,
    /// Who confirmed (or rejected) a self-study row, as written.
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<NaiveDateTime>,
    /// The other employer of an external row (NFKC, trimmed); `None`: blank.
    pub employer: Option<String>,
    /// `scheduled` or `extra` (external rows).
    pub schedule_class: String,
    /// The §11 interval rule's code (`over15`, `c1_24h`; formats.md R.2);
    /// `None`: blank. Used on roster rows, stored and ignored on timecard
    /// rows.
    pub interval_rule: Option<String>,
}

impl Default for ShiftExtras {
    fn default() -> Self {
        ShiftExtras {
            study_status: StudyStatus::Unconfirmed.code().into(),
            confirmed_by: None,
            confirmed_at: None,
            employer: None,
            schedule_class: ScheduleClass::Scheduled.code().into(),
            interval_rule: None,
        }
    }
}

impl ShiftExtras {
    /// What a row stores of `shift`: its status (self-study rows, with who
    /// and when), its employer and class (external rows); the defaults on
    /// rows of other kinds.
    pub fn of(shift: &Shift, confirmed: Option<(&str, NaiveDateTime)>) -> ShiftExtras {
        let mut extras = ShiftExtras {
            interval_rule: shift.interval_rule().map(|r| r.code().to_string()),
            ..ShiftExtras::default()
        };
        match shift.kind() {
            Kind::SelfStudy => {
                extras.study_status = shift.study().code().into();
                if let Some((by, at)) = confirmed.filter(|_| shift.study() != StudyStatus::Unconfirmed) {
                    extras.confirmed_by = Some(by.to_string());
                    extras.confirmed_at = Some(at);
                }
            }
            Kind::External => {
                extras.employer = shift.employer().map(str::to_string);
                extras.schedule_class = shift.schedule_class().code().into();
            }
            _ => {}
        }
        extras
    }

    /// `shift` with the stored status, employer and class (an unreadable
    /// status counts as unconfirmed: counted, rules §2.3).
    pub fn apply(&self, shift: Shift) -> Shift {
        shift
            .with_study(StudyStatus::parse(&self.study_status).unwrap_or_default())
            .with_employer(self.employer.as_deref())
            .with_class(ScheduleClass::parse(&self.schedule_class).unwrap_or_default())
            .with_interval_rule(self.interval_rule.as_deref().and_then(IntervalRule::parse))
    }
}

/// A row of the employers file as stored (formats.md C.3).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = doctor_employers)]
pub struct DoctorEmployer {
    pub id: i64,
    pub doctor_id: i64,
    pub employer: String,
    pub contract_date: Option<NaiveDate>,
    pub dispatched: i32,
    pub updated_at: NaiveDateTime,
}

impl DoctorEmployer {
    /// The domain's view of it (rules §5b.3, §16).
    pub fn employer(&self) -> Employer {
        Employer {
            name: self.employer.clone(),
            contract_date: self.contract_date,
            dispatched: self.dispatched != 0,
        }
    }

    /// What the audit log records before and after a re-import.
    pub fn fields(&self) -> serde_json::Value {
        serde_json::json!({
            "employer": self.employer,
            "contract_date": self.contract_date,
            "dispatched": self.dispatched != 0,
        })
    }
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = doctor_employers, treat_none_as_null = true)]
pub struct NewDoctorEmployer {
    pub doctor_id: i64,
    pub employer: String,
    pub contract_date: Option<NaiveDate>,
    pub dispatched: i32,
    pub updated_at: NaiveDateTime,
}

impl NewDoctorEmployer {
    /// What the audit log records (as [`DoctorEmployer::fields`]).
    pub fn fields(&self) -> serde_json::Value {
        serde_json::json!({
            "employer": self.employer,
            "contract_date": self.contract_date,
            "dispatched": self.dispatched != 0,
        })
    }
}

/// The dates a roster import replaced for one doctor (both inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Insertable)]
#[diesel(table_name = roster_ranges)]
pub struct NewRosterRange {
    pub batch_id: i64,
    pub doctor_id: i64,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

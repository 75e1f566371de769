//! Rows as stored, and their conversion to and from domain types.

use super::schema::*;
use crate::domain::shift::{parse_weekday, Kind, Level, Shift};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use diesel::prelude::*;

mod profile;
pub use profile::{DoctorEmployer, NewDoctorEmployer, NewRosterRange, ShiftExtras};

/// A stored row that no longer makes sense (edited outside kinmu).
#[derive(Debug, thiserror::Error)]
#[error("保存データが不正です（{table} id={id}）: {reason} / corrupt stored row")]
pub struct CorruptRow {
    pub table: &'static str,
    pub id: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = doctors)]
pub struct Doctor {
    pub id: i64,
    pub staff_id: String,
    pub name: String,
    pub department: Option<String>,
    pub level: String,
    pub email: Option<String>,
    pub legal_holiday: String,
    pub pc_account: Option<String>,
    pub scheduled_start: Option<String>,
    pub manager_login: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    // Rule book v2 (formats.md C.1); read through `Doctor::profile`.
    pub holiday_period_start: Option<NaiveDate>,
    pub scheduled_end: Option<String>,
    pub scheduled_days: Option<String>,
    pub regime: String,
    pub variable_period_start: Option<NaiveDate>,
    pub variable_period: String,
    pub employment_type: String,
    pub main_employer: Option<String>,
    pub contract_date: Option<NaiveDate>,
    /// A clinical trainee (formats.md R.1, rules §11.7); true only on a
    /// C-1 doctor.
    pub clinical_trainee: bool,
}

impl Doctor {
    pub fn level(&self) -> Level {
        Level::parse(&self.level).unwrap_or(Level::A)
    }

    /// A clinical trainee (formats.md R.1, rules §11.1): only a C-1 doctor
    /// is one, whatever the stored flag says.
    pub fn is_clinical_trainee(&self) -> bool {
        self.clinical_trainee && self.level() == Level::C1
    }

    pub fn legal_holiday(&self) -> Weekday {
        parse_weekday(&self.legal_holiday).unwrap_or(Weekday::Sun)
    }

    pub fn scheduled_start(&self) -> Option<NaiveTime> {
        self.scheduled_start
            .as_deref()
            .and_then(|s| NaiveTime::parse_from_str(s, "%H:%M").ok())
    }
}

/// A doctor's columns as an import writes them. An empty cell of a
/// re-imported doctor clears the stored value (`treat_none_as_null`): the
/// file is the doctor's record, and the audit log says so.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = doctors, treat_none_as_null = true)]
pub struct DoctorFields {
    pub staff_id: String,
    pub name: String,
    pub department: Option<String>,
    pub level: String,
    pub email: Option<String>,
    pub legal_holiday: String,
    pub pc_account: Option<String>,
    pub scheduled_start: Option<String>,
    pub manager_login: Option<String>,
    pub updated_at: NaiveDateTime,
    pub holiday_period_start: Option<NaiveDate>,
    pub scheduled_end: Option<String>,
    pub scheduled_days: Option<String>,
    pub regime: String,
    pub variable_period_start: Option<NaiveDate>,
    pub variable_period: String,
    pub employment_type: String,
    pub main_employer: Option<String>,
    pub contract_date: Option<NaiveDate>,
    pub clinical_trainee: bool,
}

impl DoctorFields {
    /// The stored doctor's fields, as an import would write them.
    pub fn of(d: &Doctor) -> DoctorFields {
        DoctorFields {
            staff_id: d.staff_id.clone(),
            name: d.name.clone(),
            department: d.department.clone(),
            level: d.level.clone(),
            email: d.email.clone(),
            legal_holiday: d.legal_holiday.clone(),
            pc_account: d.pc_account.clone(),
            scheduled_start: d.scheduled_start.clone(),
            manager_login: d.manager_login.clone(),
            updated_at: d.updated_at,
            holiday_period_start: d.holiday_period_start,
            scheduled_end: d.scheduled_end.clone(),
            scheduled_days: d.scheduled_days.clone(),
            regime: d.regime.clone(),
            variable_period_start: d.variable_period_start,
            variable_period: d.variable_period.clone(),
            employment_type: d.employment_type.clone(),
            main_employer: d.main_employer.clone(),
            contract_date: d.contract_date,
            clinical_trainee: d.clinical_trainee,
        }
    }

    /// The profile without key and timestamp: what "changed" means for a
    /// re-imported doctor, and what the audit log records before and after.
    pub fn profile(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name, "department": self.department, "level": self.level,
            "email": self.email, "legal_holiday": self.legal_holiday, "pc_account": self.pc_account,
            "scheduled_start": self.scheduled_start, "manager_login": self.manager_login,
            "holiday_period_start": self.holiday_period_start, "scheduled_end": self.scheduled_end,
            "scheduled_days": self.scheduled_days, "regime": self.regime,
            "variable_period_start": self.variable_period_start, "variable_period": self.variable_period,
            "employment_type": self.employment_type, "main_employer": self.main_employer,
            "contract_date": self.contract_date, "clinical_trainee": self.clinical_trainee,
        })
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = doctors)]
pub struct NewDoctor {
    #[diesel(embed)]
    pub fields: DoctorFields,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = import_batches)]
pub struct NewImportBatch {
    pub kind: String,
    pub file_name: String,
    pub file_sha256: String,
    pub encoding: String,
    pub imported_at: NaiveDateTime,
    pub imported_by: Option<String>,
    pub inserted: i32,
    pub corrected: i32,
    pub unchanged: i32,
    pub rejected: i32,
    /// Stored rows superseded without a new version (a timecard re-export
    /// that no longer has them; a roster's withdrawn plans).
    pub superseded: i32,
    /// A roster's publication to the doctors (`--published-at`, rules §5a.2).
    pub published_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = import_batches)]
pub struct ImportBatch {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub file_sha256: String,
    pub encoding: String,
    pub imported_at: NaiveDateTime,
    pub imported_by: Option<String>,
    pub inserted: i32,
    pub corrected: i32,
    pub unchanged: i32,
    pub rejected: i32,
    /// Stored rows superseded without a new version (a timecard re-export
    /// that no longer has them; a roster's withdrawn plans).
    pub superseded: i32,
    /// A roster's publication to the doctors, when the import stated it.
    pub published_at: Option<NaiveDateTime>,
}

/// A timecard or roster row as stored (the columns both tables share).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredShift {
    pub id: i64,
    pub doctor_id: i64,
    pub kind: String,
    pub start_at: NaiveDateTime,
    pub end_at: NaiveDateTime,
    pub break_minutes: i32,
    /// The columns of rule book v2 (self-study status, employer, 所定区分).
    pub extras: ShiftExtras,
}

impl StoredShift {
    /// The validated shift, or why the stored row is not one.
    pub fn shift(&self, table: &'static str) -> Result<Shift, CorruptRow> {
        let corrupt = |reason: String| CorruptRow {
            table,
            id: self.id,
            reason,
        };
        let kind = Kind::parse(&self.kind).ok_or_else(|| corrupt(format!("kind {:?}", self.kind)))?;
        Shift::new(self.start_at, self.end_at, i64::from(self.break_minutes), kind)
            .map(|s| self.extras.apply(s))
            .map_err(|e| corrupt(e.to_string()))
    }
}

#[derive(Debug, Clone)]
pub struct NewTimecardRow {
    pub doctor_id: i64,
    pub kind: String,
    pub start_at: NaiveDateTime,
    pub end_at: NaiveDateTime,
    pub break_minutes: i32,
    pub version: i32,
    pub replaces_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub source_line: Option<i32>,
    pub correction_reason: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub extras: ShiftExtras,
}

#[derive(Debug, Clone)]
pub struct NewRosterRow {
    pub doctor_id: i64,
    pub kind: String,
    pub start_at: NaiveDateTime,
    pub end_at: NaiveDateTime,
    pub break_minutes: i32,
    pub batch_id: Option<i64>,
    pub source_line: Option<i32>,
    pub created_at: NaiveDateTime,
    pub extras: ShiftExtras,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct StoredPcSession {
    pub doctor_id: i64,
    pub pc_name: String,
    pub logon_at: NaiveDateTime,
    pub logoff_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = pc_sessions, treat_none_as_default_value = false)]
pub struct NewPcSession {
    pub doctor_id: i64,
    pub pc_name: String,
    pub logon_at: NaiveDateTime,
    pub logoff_at: NaiveDateTime,
    pub batch_id: Option<i64>,
    pub source_line: Option<i32>,
}

#[derive(Debug, Clone, Queryable)]
pub struct Resolution {
    pub doctor_id: i64,
    pub day: NaiveDate,
    pub resolution: String,
}

/// An access-log entry to append. Deliberately not `Insertable`: entries go
/// in only through `crate::audit::append`, which chains and signs them.
#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    pub at: NaiveDateTime,
    pub actor: Option<String>,
    pub category: String,
    pub operation: String,
    pub detail: String,
}

/// An access-log entry as stored, with its place in the hash chain.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor: Option<String>,
    pub category: String,
    pub operation: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
    /// HMAC-SHA256 of `hash` under the access-log key (`None`: written
    /// before the key existed; see `crate::audit::key`).
    pub hmac: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub role: String,
    pub name: Option<String>,
    pub staff_id: Option<String>,
    pub email: Option<String>,
    pub department: Option<String>,
    pub password_hash: String,
    pub trained_on: Option<NaiveDate>,
    pub is_administrator: i32,
    pub active: i32,
    pub created_at: NaiveDateTime,
    pub disabled_at: Option<NaiveDateTime>,
    pub last_sign_in_at: Option<NaiveDateTime>,
    pub failed_sign_ins: i32,
    pub locked_until: Option<NaiveDateTime>,
    /// The leaving date: the account works through this day.
    pub leaves_on: Option<NaiveDate>,
    /// Why the account was disabled (`unused`, `left`, `admin`).
    pub disabled_reason: Option<String>,
    /// From when "unused" counts: creation or re-enabling.
    pub active_since: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users, treat_none_as_default_value = false)]
pub struct NewUser {
    pub login: String,
    pub role: String,
    pub name: Option<String>,
    pub staff_id: Option<String>,
    pub email: Option<String>,
    pub department: Option<String>,
    pub password_hash: String,
    pub trained_on: Option<NaiveDate>,
    pub is_administrator: i32,
    pub active: i32,
    pub created_at: NaiveDateTime,
    pub active_since: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = interviews)]
pub struct Interview {
    pub id: i64,
    pub doctor_id: i64,
    pub month: String,
    pub reason: String,
    pub reach_100_date: NaiveDate,
    pub deadline: NaiveDate,
    pub physician_id: Option<i64>,
    pub previous_physician_id: Option<i64>,
    pub held_on: Option<NaiveDate>,
    pub check_work: Option<String>,
    pub check_sleep: Option<String>,
    pub check_fatigue: Option<String>,
    pub check_mental_physical: Option<String>,
    pub opinion: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: Option<NaiveDateTime>,
    pub retention_until: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    /// When the interview was held, to the minute (rules §8.3); `None` for
    /// a record with only `held_on` (read as 24:00 of that day).
    pub held_at: Option<NaiveDateTime>,
    /// The planned date and time (予定日時), set by the physician or HR.
    pub scheduled_at: Option<NaiveDateTime>,
    /// The minute the actual month reached 100 h (rules §8.2), as the last
    /// daily run or re-check computed it; `None` below 100 h.
    pub reach_100_at: Option<NaiveDateTime>,
    /// The A-level exception as last judged (rules §8.4).
    pub a_level_exception: Option<String>,
}

impl Interview {
    /// The case judged with the month as just computed: the minute 100 h
    /// was reached and the exception (fresher than the stored judgement
    /// when rows came in after the last daily run), the stored deadline
    /// and the interview as held.
    pub fn due_as_computed(
        &self,
        reach_100_at: Option<NaiveDateTime>,
        exception: crate::domain::due::Exception,
    ) -> crate::domain::due::Due {
        crate::domain::due::Due {
            deadline: self.deadline,
            reach_100_at,
            exception,
            held_on: self.held_on,
            held_at: self.held_at,
        }
    }

    /// The case as rules §8.3–§8.5 judge it.
    ///
    /// A case stored before the minute was computed (not judged yet) reads
    /// as the rules before issue 13 judged it: due by the end of its
    /// deadline day, overdue from the next day.
    pub fn due(&self) -> crate::domain::due::Due {
        use crate::domain::due::{Due, Exception};
        match self.a_level_exception.as_deref().and_then(Exception::parse) {
            Some(exception) => Due {
                deadline: self.deadline,
                reach_100_at: self.reach_100_at,
                exception,
                held_on: self.held_on,
                held_at: self.held_at,
            },
            None => Due {
                deadline: self.deadline,
                reach_100_at: self.deadline.succ_opt().and_then(|d| d.and_hms_opt(0, 1, 0)),
                exception: Exception::None,
                held_on: self.held_on,
                held_at: self.held_at,
            },
        }
    }

    /// Whether the case was opened after its deadline: the data showing the
    /// doctor at 100 h came late, so the interview cannot have been in time
    /// (a violation, issue 13).
    pub fn opened_late(&self) -> bool {
        self.created_at.date() > self.deadline
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = interviews, treat_none_as_default_value = false)]
pub struct NewInterview {
    pub doctor_id: i64,
    pub month: String,
    pub reason: String,
    pub reach_100_date: NaiveDate,
    pub deadline: NaiveDate,
    pub physician_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub reach_100_at: Option<NaiveDateTime>,
    pub a_level_exception: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = prechecks)]
pub struct PreCheck {
    #[diesel(skip_insertion)]
    pub id: i64,
    pub doctor_id: i64,
    pub month: String,
    pub work_status: String,
    pub previous_month_minutes: i32,
    pub sleep_average_minutes: i32,
    pub fatigue_symptom: String,
    pub fatigue_score: i32,
    pub mental_physical: String,
    pub doctor_requests_interview: i32,
    pub recorded_by: Option<String>,
    pub recorded_at: NaiveDateTime,
    pub retention_until: NaiveDate,
}

impl PreCheck {
    /// What decides the deadline (rules §8).
    /// The pre-check as the A-level exception sees it (rules §8.4): when it
    /// was saved and whether it records a risk factor (an unreadable
    /// symptom counts as one: the exception is never granted on doubt).
    pub fn mark(&self) -> crate::domain::due::PreCheckMark {
        crate::domain::due::PreCheckMark {
            recorded_at: self.recorded_at,
            risk: self.facts().is_none_or(|f| f.has_risk_factor()),
        }
    }

    pub fn facts(&self) -> Option<crate::domain::interview::PreCheckFacts> {
        Some(crate::domain::interview::PreCheckFacts {
            previous_month_minutes: i64::from(self.previous_month_minutes),
            sleep_average_minutes: i64::from(self.sleep_average_minutes),
            fatigue_symptom: crate::domain::interview::Symptom::parse(&self.fatigue_symptom)?,
            fatigue_score: i64::from(self.fatigue_score),
            doctor_requests_interview: self.doctor_requests_interview != 0,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = measures)]
pub struct Measure {
    pub id: i64,
    pub doctor_id: i64,
    pub month: String,
    pub reason: String,
    pub interview_id: Option<i64>,
    pub shorter_hours: i32,
    pub fewer_night_duties: i32,
    pub other: i32,
    pub other_text: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: Option<NaiveDateTime>,
    pub retention_until: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    /// The second reason of a case that both the opinion and over 155 h
    /// call for (one case per doctor-month, issue 13 §6).
    pub extra_reason: Option<String>,
}

impl Measure {
    /// Whether the case answers `reason` (its own or the one that joined it).
    pub fn has_reason(&self, reason: &str) -> bool {
        self.reason == reason || self.extra_reason.as_deref() == Some(reason)
    }

    /// Whether the case was opened after its month closed: the hours went
    /// over 155 with no measures during the month (a violation, issue 13).
    pub fn opened_late(&self) -> bool {
        crate::domain::time::YearMonth::parse(&self.month).is_some_and(|m| self.created_at.date() > m.last_day())
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = measures, treat_none_as_default_value = false)]
pub struct NewMeasure {
    pub doctor_id: i64,
    pub month: String,
    pub reason: String,
    pub interview_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = outbox)]
pub struct OutboxMail {
    pub id: i64,
    pub dedupe_key: String,
    pub reason: String,
    pub doctor_id: Option<i64>,
    pub month: Option<String>,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub ics: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_at: Option<NaiveDateTime>,
    pub sent_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox, treat_none_as_default_value = false)]
pub struct NewOutboxMail {
    pub dedupe_key: String,
    pub reason: String,
    pub doctor_id: Option<i64>,
    pub month: Option<String>,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub ics: Option<String>,
    pub status: String,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// A doctor's own fatigue self-check and sleep (health data, kept five
/// years); the latest of a month prefills the manager's pre-check.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = self_checks)]
pub struct SelfCheck {
    pub id: i64,
    pub doctor_id: i64,
    pub month: String,
    /// 自覚症状 I–IV.
    pub symptom: String,
    /// 疲労蓄積度 0–7.
    pub score: i32,
    pub sleep_average_minutes: i32,
    pub wants_interview: i32,
    /// The checklist's answers, when it was filled in item by item.
    pub answers: Option<String>,
    pub recorded_at: NaiveDateTime,
    pub retention_until: NaiveDate,
    /// The checklist's edition (`2023`, `2004`).
    pub checklist_version: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = self_checks, treat_none_as_default_value = false)]
pub struct NewSelfCheck {
    pub doctor_id: i64,
    pub month: String,
    pub symptom: String,
    pub score: i32,
    pub sleep_average_minutes: i32,
    pub wants_interview: i32,
    pub answers: Option<String>,
    pub recorded_at: NaiveDateTime,
    pub retention_until: NaiveDate,
    /// The checklist's edition (`2023`, `2004`).
    pub checklist_version: String,
}

/// A layout HR saved (issue 12): its TOML as written, and who saved it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = saved_layouts)]
pub struct SavedLayout {
    pub id: i64,
    pub name: String,
    pub title: String,
    pub yields: String,
    pub toml: String,
    pub saved_by: Option<String>,
    pub saved_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = saved_layouts, treat_none_as_null = true)]
pub struct NewSavedLayout {
    pub name: String,
    pub title: String,
    pub yields: String,
    pub toml: String,
    pub saved_by: Option<String>,
    pub saved_at: NaiveDateTime,
}

/// One 予定日時 set for an interview (issue 13): the newest is the
/// interview's `scheduled_at`; their number is the invitation's SEQUENCE.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = interview_schedules)]
pub struct InterviewSchedule {
    pub id: i64,
    pub interview_id: i64,
    pub scheduled_at: NaiveDateTime,
    pub set_by: String,
    pub set_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = interview_schedules)]
pub struct NewInterviewSchedule<'a> {
    pub interview_id: i64,
    pub scheduled_at: NaiveDateTime,
    pub set_by: &'a str,
    pub set_at: NaiveDateTime,
}

/// The physician's structured opinion (意見書) of an interview, on the
/// MHLW form (see [`crate::domain::opinion`]).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = interview_opinions)]
pub struct InterviewOpinion {
    pub id: i64,
    pub interview_id: i64,
    pub guidance: String,
    pub reinterview_when: Option<String>,
    pub work_class: String,
    pub overtime_limit_hours: Option<i32>,
    pub overtime_forbidden: i32,
    pub night_duty_limit: Option<i32>,
    pub change_workplace: i32,
    pub change_work: i32,
    pub fewer_late_night: i32,
    pub day_shift: i32,
    pub other_measure: Option<String>,
    pub period_from: Option<NaiveDate>,
    pub period_until: Option<NaiveDate>,
    pub environment: Option<String>,
    pub medical_care: Option<String>,
    pub physician_login: String,
    pub physician_name: String,
    pub recorded_at: NaiveDateTime,
    pub retention_until: NaiveDate,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = interview_opinions)]
pub struct NewInterviewOpinion {
    pub interview_id: i64,
    pub guidance: String,
    pub reinterview_when: Option<String>,
    pub work_class: String,
    pub overtime_limit_hours: Option<i32>,
    pub overtime_forbidden: i32,
    pub night_duty_limit: Option<i32>,
    pub change_workplace: i32,
    pub change_work: i32,
    pub fewer_late_night: i32,
    pub day_shift: i32,
    pub other_measure: Option<String>,
    pub period_from: Option<NaiveDate>,
    pub period_until: Option<NaiveDate>,
    pub environment: Option<String>,
    pub medical_care: Option<String>,
    pub physician_login: String,
    pub physician_name: String,
    pub recorded_at: NaiveDateTime,
    pub retention_until: NaiveDate,
}

/// A dated correction (追記) of a saved interview or measures record: the
/// original stays as it was written.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = record_addenda)]
pub struct RecordAddendum {
    pub id: i64,
    pub record_kind: String,
    pub record_id: i64,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: String,
    pub reason: String,
    pub written_by: String,
    pub written_at: NaiveDateTime,
    pub retention_until: NaiveDate,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = record_addenda)]
pub struct NewRecordAddendum {
    pub record_kind: String,
    pub record_id: i64,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: String,
    pub reason: String,
    pub written_by: String,
    pub written_at: NaiveDateTime,
    pub retention_until: NaiveDate,
}

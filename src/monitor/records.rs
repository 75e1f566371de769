//! The interview (面接指導) and measures (就業上の措置) records: listing them,
//! the manager's pre-check, the doctor's self-check, the physician's record,
//! a change of physician, and the measures taken (rules §8, §10).
//!
//! Who may do what is decided by the caller (web handlers, commands); this
//! module checks the rules of the records themselves.

use super::directory::{display_name, facts, Directory};
use super::mails;
use super::outbox::{self, MailKind, Topic};
use crate::accounts::Role;
use crate::config::Settings;
use crate::db::interviews::{
    extend_precheck_retention, find_interview, find_measure, insert_precheck, insert_self_check, interview_by_id,
    interview_with_doctor, interviews_with_doctors_of_month, latest_precheck, measure_by_id, measures_of_month,
    measures_with_doctors_of_month, open_interview_in, open_interview_physicians, prechecks_of, prechecks_of_month,
    set_held, set_judgement, set_measures_taken, set_physician, HeldInterview, MeasuresTaken,
};
use crate::db::models::{Doctor, Interview, Measure, NewSelfCheck, PreCheck, User};
use crate::db::models::{NewRecordAddendum, RecordAddendum};
use crate::db::opinions::{addenda_of, insert_addendum};
use crate::db::users::{logins_by_id, users_of_role};
use crate::db::{write_transaction, AnyConnection, DbError};
use crate::domain::due;
use crate::domain::interview::{choose_physician, health_record_retention, MeasureReason, Physician, Status, Symptom};
use crate::domain::opinion::{self, AddendumInput, FieldError, Opinion, OpinionInput, RecordKind};
use crate::domain::selfcheck::SelfCheckResult;
use crate::domain::shift::Level;
use crate::domain::time::YearMonth;
use crate::month::{compute_one, ReportError};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::result::QueryResult;
use serde::{Deserialize, Serialize};

/// Why a record could not be written. Japanese first, then English.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("見つかりません / not found")]
    NotFound,
    #[error("入力が不正です: {0}")]
    Invalid(String),
    #[error("記録済みです（記録は書き換えられません） / already recorded (records are never changed in place)")]
    AlreadyDone,
    #[error("交代できる研修修了済みの面接指導実施医師がいません / no other trained physician is available")]
    NoPhysician,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Report(#[from] ReportError),
}

impl From<diesel::result::Error> for RecordError {
    fn from(e: diesel::result::Error) -> Self {
        RecordError::Db(DbError::Query(e))
    }
}

/// Active physicians with the number of their interviews not yet held.
pub fn physicians_with_load(conn: &mut AnyConnection) -> QueryResult<Vec<Physician>> {
    let people: Vec<User> = users_of_role(conn, Role::Physician.code())?;
    let open: Vec<Option<i64>> = open_interview_physicians(conn)?;
    Ok(people
        .into_iter()
        .map(|u| Physician {
            id: u.id,
            open_interviews: open.iter().filter(|p| **p == Some(u.id)).count(),
            trained_on: u.trained_on,
            is_administrator: u.is_administrator != 0,
            active: u.is_active(),
            login: u.login,
        })
        .collect())
}

/// One line of the interview list (formats.md: `interviews list`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterviewLine {
    pub id: i64,
    pub staff_id: String,
    pub name: String,
    pub department: Option<String>,
    pub level: String,
    pub manager_login: Option<String>,
    pub physician_login: Option<String>,
    pub reach_100_date: NaiveDate,
    /// The minute the actual month reached 100 h (rules §8.2), as last
    /// computed; null below 100 h.
    #[serde(serialize_with = "due::minute")]
    pub reach_100_at: Option<NaiveDateTime>,
    /// The planning deadline (rules §8.3).
    pub deadline: NaiveDate,
    pub held_on: Option<NaiveDate>,
    #[serde(serialize_with = "due::minute")]
    pub held_at: Option<NaiveDateTime>,
    pub status: Status,
    pub interview_in_time: Option<bool>,
    pub a_level_exception: due::Exception,
    /// Days from reaching 100 h to the interview (exception cases).
    pub days_after_reach: Option<i64>,
    pub past_planning_deadline: bool,
    pub reason: String,
    /// Opened after its deadline (data came late): the interview was not
    /// in time, a violation whatever happens next.
    pub opened_late: bool,
    /// Days it was held after its deadline, when held late.
    pub days_late: Option<i64>,
}

/// The interviews of a month, in staff-id order, with their status as of
/// the end of `today` (a 基準日 may be in the past).
pub fn list_interviews(
    conn: &mut AnyConnection,
    month: YearMonth,
    today: NaiveDate,
) -> QueryResult<Vec<InterviewLine>> {
    let at = due::end_of(today);
    let rows: Vec<(Interview, Doctor)> = interviews_with_doctors_of_month(conn, month)?;
    let logins: std::collections::HashMap<i64, String> = logins_by_id(conn)?;
    Ok(rows
        .into_iter()
        .map(|(i, d)| {
            let due = i.due();
            InterviewLine {
                opened_late: i.opened_late(),
                days_late: due.days_late(),
                status: due.status(at),
                interview_in_time: due.in_time(),
                a_level_exception: due.exception,
                days_after_reach: Some(due.exception)
                    .filter(|e| matches!(e, due::Exception::Established | due::Exception::DueNow))
                    .and_then(|_| due::days_after_reach(i.reach_100_date, i.held_on)),
                past_planning_deadline: due.past_planning_deadline(at),
                reach_100_at: i.reach_100_at,
                held_at: i.held_at,
                id: i.id,
                level: d.level().code().to_string(),
                staff_id: d.staff_id,
                name: d.name,
                department: d.department,
                manager_login: d.manager_login,
                physician_login: i.physician_id.and_then(|p| logins.get(&p).cloned()),
                reach_100_date: i.reach_100_date,
                deadline: i.deadline,
                held_on: i.held_on,
                reason: i.reason,
            }
        })
        .collect())
}

/// An interview with its doctor, pre-checks and measures.
pub fn interview(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<(Interview, Doctor, Vec<PreCheck>, Vec<Measure>), RecordError> {
    let (i, d): (Interview, Doctor) = interview_with_doctor(conn, id)?.ok_or(RecordError::NotFound)?;
    let checks = prechecks_of_month(conn, d.id, &i.month)?;
    let ms = measures_of_month(conn, d.id, &i.month)?;
    Ok((i, d, checks, ms))
}

/// The manager's pre-check as entered (rules §8, 規則第63条).
#[derive(Debug, Clone, Deserialize)]
pub struct PreCheckInput {
    /// 勤務の状況.
    pub work_status: String,
    /// Average sleep a day over the last two weeks, in minutes.
    pub sleep_average_minutes: i64,
    /// 自覚症状 I–IV of the fatigue self-check.
    pub fatigue_symptom: String,
    /// 疲労蓄積度 score (0–7).
    pub fatigue_score: i64,
    /// Other mental and physical state.
    pub mental_physical: String,
    /// Whether the doctor asks for an interview.
    pub doctor_requests_interview: bool,
}

/// Records a manager's pre-check of a doctor's month (from 80 h on, with or
/// without an interview yet) and applies the A-level exception to the open
/// interview's deadline, if there is one. The previous month's figure is
/// computed by kinmu, not typed in. Returns the pre-check and the deadline.
pub fn record_precheck(
    conn: &mut AnyConnection,
    settings: &Settings,
    doctor: &Doctor,
    month: YearMonth,
    input: &PreCheckInput,
    actor: &str,
    now: NaiveDateTime,
) -> Result<(PreCheck, Option<NaiveDate>), RecordError> {
    let symptom = Symptom::parse(&input.fatigue_symptom).ok_or_else(|| {
        RecordError::Invalid(format!(
            "自覚症状は I〜IV で入力してください: {:?} / fatigue_symptom must be I–IV",
            input.fatigue_symptom
        ))
    })?;
    if !(0..=7).contains(&input.fatigue_score) {
        return Err(RecordError::Invalid(
            "疲労蓄積度は 0〜7 で入力してください / fatigue_score must be 0–7".into(),
        ));
    }
    if !(0..=24 * 60).contains(&input.sleep_average_minutes) {
        return Err(RecordError::Invalid(
            "平均睡眠時間（分）は 0〜1440 で入力してください / sleep_average_minutes must be 0–1440".into(),
        ));
    }
    let previous = month.previous();
    // This doctor's rows only (month::compute_one), not the hospital's.
    let (_, prev) = compute_one(conn, &settings.rules, doctor, previous, previous.last_day())?;
    let prev_minutes = prev.projection.actual.overtime_holiday_minutes;
    // The minute the month reached 100 h, computed now (not as last
    // stored): a pre-check recorded at or after it never grants the
    // exception (rules §8.4).
    let (_, current) = compute_one(conn, &settings.rules, doctor, month, now.date())?;
    let reach_100_at = current.projection.reach_100_at;
    let check = PreCheck {
        id: 0,
        doctor_id: doctor.id,
        month: month.to_string(),
        work_status: input.work_status.clone(),
        previous_month_minutes: clamp_i32(prev_minutes),
        sleep_average_minutes: clamp_i32(input.sleep_average_minutes),
        fatigue_symptom: symptom.code().into(),
        fatigue_score: clamp_i32(input.fatigue_score),
        mental_physical: input.mental_physical.clone(),
        doctor_requests_interview: i32::from(input.doctor_requests_interview),
        recorded_by: Some(actor.into()),
        recorded_at: now,
        retention_until: health_record_retention(now.date()),
    };
    write_transaction(conn, |conn| -> Result<(PreCheck, Option<NaiveDate>), RecordError> {
        insert_precheck(conn, &check)?;
        // The month's timeliness figures read the pre-checks.
        crate::db::bump_data_version(conn)?;
        let stored = latest_precheck(conn, doctor.id, month)?.ok_or(RecordError::NotFound)?;
        let open: Option<Interview> = open_interview_in(conn, doctor.id, month)?;
        let Some(i) = open else {
            return Ok((stored, None));
        };
        let marks: Vec<_> = prechecks_of(conn, doctor.id, month)?
            .iter()
            .map(PreCheck::mark)
            .collect();
        let (exception, due_on) = due::exception(doctor.level() == Level::A, reach_100_at, &marks, now);
        let planned = due::planning_deadline(i.reach_100_date, exception, due_on, settings.rules.a_level_grace_days);
        // Only the exception lengthens a deadline; anything else shortens it.
        let new_deadline = if exception.grants_grace() {
            planned
        } else {
            planned.min(i.deadline)
        };
        set_judgement(conn, i.id, reach_100_at, exception.code(), new_deadline)?;
        Ok((stored, Some(new_deadline)))
    })
}

fn clamp_i32(v: i64) -> i32 {
    i32::try_from(v).unwrap_or(if v < 0 { i32::MIN } else { i32::MAX })
}

/// Records a doctor's own self-check (rules §8) in the month of `now`:
/// health data, kept five years like the interview records. The latest of
/// a month prefills the manager's pre-check.
pub fn record_selfcheck(
    conn: &mut AnyConnection,
    doctor: &Doctor,
    r: &SelfCheckResult,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let clamp = |v: i64| i32::try_from(v).unwrap_or(i32::MAX);
    insert_self_check(
        conn,
        &NewSelfCheck {
            doctor_id: doctor.id,
            month: YearMonth::of(now.date()).to_string(),
            symptom: r.symptom.code().into(),
            score: clamp(r.score),
            sleep_average_minutes: clamp(r.sleep),
            wants_interview: i32::from(r.wish),
            answers: r.answers.clone(),
            recorded_at: now,
            // Health data: kept five years like the interview records.
            retention_until: health_record_retention(now.date()),
            checklist_version: r.version.into(),
        },
    )
}

/// The physician's record of the interview (rules §8), on the MHLW form
/// (issue 13 §5): when it was held, the four checks, the remarks
/// (`opinion`, その他・特記事項) and the structured opinion (意見書,
/// `opinion_form`, required by the screens; the API takes a record without
/// one, as before).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InterviewInput {
    /// The day it was held; with `held_at`, that minute's date (or absent).
    #[serde(default)]
    pub held_on: Option<NaiveDate>,
    /// The minute it was held, `YYYY-MM-DDTHH:MM` (rules §8.3).
    #[serde(default)]
    pub held_at: Option<String>,
    pub check_work: String,
    pub check_sleep: String,
    pub check_fatigue: String,
    pub check_mental_physical: String,
    /// The remarks (その他・特記事項); required without `opinion_form`.
    #[serde(default)]
    pub opinion: String,
    /// The structured opinion (意見書).
    #[serde(default)]
    pub opinion_form: Option<OpinionInput>,
}

/// What [`InterviewInput::check`] makes of a record: the day and minute
/// held, and the opinion checked.
pub struct CheckedRecord {
    pub held_on: NaiveDate,
    pub held_at: Option<NaiveDateTime>,
    pub opinion: Option<Opinion>,
}

impl InterviewInput {
    /// Checks the record: every broken rule, each with its field (the form
    /// shows them next to their fields, the API joins them).
    pub fn check(&self, now: NaiveDateTime) -> Result<CheckedRecord, Vec<FieldError>> {
        let mut errors = Vec::new();
        let held_at = match self.held_at.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => match opinion::held_at(t, now) {
                Ok(at) => Some(at),
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
            None => None,
        };
        let held_on = match (held_at, self.held_on) {
            (Some(at), Some(on)) if at.date() != on => {
                errors.push(FieldError::new(
                    "held_on",
                    "実施日と実施日時の日付が違います",
                    "held_on and held_at name different days",
                ));
                None
            }
            (Some(at), _) => Some(at.date()),
            (None, Some(on)) => {
                if on > now.date() {
                    errors.push(FieldError::new(
                        "held_on",
                        "実施日が未来の日付です",
                        "held_on is in the future",
                    ));
                    None
                } else {
                    match crate::domain::input::past_date(("実施日", "held_on"), on, now.date()) {
                        Ok(on) => Some(on),
                        Err(e) => {
                            errors.push(FieldError {
                                field: "held_on",
                                message: e.0,
                            });
                            None
                        }
                    }
                }
            }
            (None, None) => {
                if self.held_at.is_none() {
                    errors.push(FieldError::new(
                        "held_at",
                        "実施日時を入力してください",
                        "give the time held",
                    ));
                }
                None
            }
        };
        for (field, name, text) in [
            ("check_work", "勤務の状況", &self.check_work),
            ("check_sleep", "睡眠の状況", &self.check_sleep),
            ("check_fatigue", "疲労の蓄積の状況", &self.check_fatigue),
            ("check_mental_physical", "心身の状況", &self.check_mental_physical),
            ("opinion", "その他・特記事項", &self.opinion),
        ] {
            if text.chars().count() > opinion::MAX_TEXT_CHARS {
                let max = opinion::MAX_TEXT_CHARS;
                errors.push(FieldError::new(
                    field,
                    &format!("{name}は{max}文字までです"),
                    &format!("at most {max} characters"),
                ));
            }
        }
        let form = match &self.opinion_form {
            Some(f) => match f.check() {
                Ok(o) => Some(o),
                Err(e) => {
                    errors.extend(e);
                    None
                }
            },
            None => {
                if self.opinion.trim().is_empty() {
                    errors.push(FieldError::new(
                        "opinion",
                        "意見（意見書）を入力してください",
                        "opinion is required",
                    ));
                }
                None
            }
        };
        match held_on {
            Some(held_on) if errors.is_empty() => Ok(CheckedRecord {
                held_on,
                held_at,
                opinion: form,
            }),
            _ => Err(errors),
        }
    }
}

/// Records the interview as held, with its opinion, and opens (or joins)
/// the doctor-month's measures case in which the manager records what was
/// done on the opinion. One transaction, logged.
pub fn record_interview(
    conn: &mut AnyConnection,
    interview_id: i64,
    input: &InterviewInput,
    actor: &str,
    now: NaiveDateTime,
) -> Result<Interview, RecordError> {
    let checked = input
        .check(now)
        .map_err(|e| RecordError::Invalid(opinion::joined(&e)))?;
    let held_on = checked.held_on;
    write_transaction(conn, |conn| -> Result<Interview, RecordError> {
        let i: Interview = interview_by_id(conn, interview_id)?.ok_or(RecordError::NotFound)?;
        if i.held_on.is_some() {
            return Err(RecordError::AlreadyDone);
        }
        let until = health_record_retention(held_on);
        // The month's report reads whether the interview was in time.
        crate::db::bump_data_version(conn)?;
        set_held(
            conn,
            interview_id,
            &HeldInterview {
                held_on,
                held_at: checked.held_at,
                check_work: input.check_work.trim(),
                check_sleep: input.check_sleep.trim(),
                check_fatigue: input.check_fatigue.trim(),
                check_mental_physical: input.check_mental_physical.trim(),
                opinion: input.opinion.trim(),
                recorded_by: actor,
                recorded_at: now,
                retention_until: until,
            },
        )?;
        if let Some(o) = &checked.opinion {
            super::opinions::store_opinion(conn, interview_id, o, actor, now, until)?;
        }
        // The month's pre-checks are part of this interview's record: kept
        // at least as long as it is.
        extend_precheck_retention(conn, i.doctor_id, &i.month, until)?;
        super::opinions::open_or_join_measures(conn, i.doctor_id, &i.month, MeasureReason::Interview, Some(i.id), now)?;
        crate::audit::log(
            conn,
            Some(actor),
            crate::audit::Category::Change,
            "interview_record",
            serde_json::json!({
                "interview_id": interview_id,
                "held_on": held_on,
                "held_at": checked.held_at,
                "opinion_form": checked.opinion.is_some(),
            }),
            now,
        )?;
        Ok(find_interview(conn, interview_id)?)
    })
}

/// Assigns another trained physician (the doctor asked for one), and mails them.
pub fn reassign(
    conn: &mut AnyConnection,
    settings: &Settings,
    interview_id: i64,
    now: NaiveDateTime,
) -> Result<Interview, RecordError> {
    let today = now.date();
    write_transaction(conn, |conn| -> Result<Interview, RecordError> {
        let (i, d, _, _) = interview(conn, interview_id)?;
        if i.held_on.is_some() {
            return Err(RecordError::AlreadyDone);
        }
        let physicians = physicians_with_load(conn)?;
        let chosen = choose_physician(&physicians, i.physician_id, today)
            .ok_or(RecordError::NoPhysician)?
            .id;
        set_physician(conn, interview_id, chosen, i.physician_id)?;
        let dir = Directory::load(conn)?;
        if let Some(ph) = dir.user(Some(chosen)) {
            if let Some(to) = ph.email.as_deref() {
                let month = YearMonth::parse(&i.month).ok_or(RecordError::NotFound)?;
                let (_, c) = compute_one(conn, &settings.rules, &d, month, today)?;
                let mail =
                    mails::interview_assigned(&facts(settings, &d, &i.month, &c), to, &display_name(ph), i.deadline);
                let topic = Topic {
                    reason: MailKind::InterviewAssigned,
                    doctor_id: Some(d.id),
                    month: Some(&i.month),
                };
                outbox::enqueue(conn, &topic, mail, now)?;
            }
        }
        Ok(find_interview(conn, interview_id)?)
    })
}

/// The measures taken (就業上の措置), as the manager records them: the
/// kinds ticked and, for every record, 「講じた措置の具体的内容」 — what
/// was done, which is what an inspector reads (`other_text`, its name kept
/// for the API).
#[derive(Debug, Clone, Deserialize)]
pub struct MeasureInput {
    pub shorter_hours: bool,
    pub fewer_night_duties: bool,
    pub other: bool,
    pub other_text: Option<String>,
}

/// The longest description of measures taken.
pub const MAX_MEASURES_TEXT_CHARS: usize = 2000;

/// Records the measures of a case. Over 155 h, a measure that shortens
/// working hours is mandatory whatever the opinion said (規則第70条).
pub fn record_measures(
    conn: &mut AnyConnection,
    measure_id: i64,
    input: &MeasureInput,
    actor: &str,
    now: NaiveDateTime,
) -> Result<Measure, RecordError> {
    write_transaction(conn, |conn| -> Result<Measure, RecordError> {
        let m: Measure = measure_by_id(conn, measure_id)?.ok_or(RecordError::NotFound)?;
        let other_text = check_measures(&m, input)?;
        let other_text = Some(other_text.as_str());
        set_measures_taken(
            conn,
            measure_id,
            &MeasuresTaken {
                shorter_hours: input.shorter_hours,
                fewer_night_duties: input.fewer_night_duties,
                other: input.other,
                other_text,
                recorded_by: actor,
                recorded_at: now,
                retention_until: health_record_retention(now.date()),
            },
        )?;
        crate::audit::log(
            conn,
            Some(actor),
            crate::audit::Category::Change,
            "measures_record",
            serde_json::json!({ "measure_id": measure_id }),
            now,
        )?;
        Ok(find_measure(conn, measure_id)?)
    })
}

/// Checks measures before they are recorded (the confirmation step asks
/// it too): the case still open, at least one kind, over 155 h one that
/// shortens working hours, and 「講じた措置の具体的内容」 always. Answers
/// the content, trimmed.
pub fn check_measures(m: &Measure, input: &MeasureInput) -> Result<String, RecordError> {
    let other_text = input.other_text.as_deref().map(str::trim).filter(|t| !t.is_empty());
    if m.recorded_at.is_some() {
        // Records are never changed in place (rules §10).
        return Err(RecordError::AlreadyDone);
    }
    let any = input.shorter_hours || input.fewer_night_duties || input.other;
    let shortens = input.shorter_hours || input.fewer_night_duties;
    if m.has_reason(MeasureReason::Over155.code()) && !shortens {
        return Err(RecordError::Invalid(
            "155時間超のため労働時間を短縮する措置（労働時間の短縮または宿直の回数の減少）が必要です / over 155 h a measure that shortens working hours (shorter hours or fewer night duties) is required".into(),
        ));
    }
    if !any {
        return Err(RecordError::Invalid(
            "措置を一つ以上選んでください / choose at least one measure".into(),
        ));
    }
    let Some(text) = other_text else {
        return Err(RecordError::Invalid(
            "講じた措置の具体的内容を入力してください（どの措置でも必須です） / describe the measures taken (other_text, required for every measure)".into(),
        ));
    };
    if text.chars().count() > MAX_MEASURES_TEXT_CHARS {
        return Err(RecordError::Invalid(format!(
            "講じた措置の具体的内容は{MAX_MEASURES_TEXT_CHARS}文字までです / other_text is at most {MAX_MEASURES_TEXT_CHARS} characters"
        )));
    }
    Ok(text.to_string())
}

/// The measures cases of a month with their doctors.
pub fn list_measures(conn: &mut AnyConnection, month: YearMonth) -> QueryResult<Vec<(Measure, Doctor)>> {
    measures_with_doctors_of_month(conn, month)
}

/// Adds a dated addendum (追記) to a saved record: the record must be
/// saved (an interview held, a measures case recorded); the field's text
/// as it stood is kept with the addendum. Logged.
pub fn add_addendum(
    conn: &mut AnyConnection,
    kind: RecordKind,
    record_id: i64,
    input: &AddendumInput,
    actor: &str,
    now: NaiveDateTime,
) -> Result<RecordAddendum, RecordError> {
    let (field, value, reason) = input
        .check(kind)
        .map_err(|e| RecordError::Invalid(opinion::joined(&e)))?;
    write_transaction(conn, |conn| -> Result<RecordAddendum, RecordError> {
        let existing = addenda_of(conn, kind.code(), record_id)?;
        let (original, retention) = match kind {
            RecordKind::Interview => {
                let i = interview_by_id(conn, record_id)?.ok_or(RecordError::NotFound)?;
                let Some(held_on) = i.held_on else {
                    return Err(RecordError::Invalid(
                        "まだ記録されていません（追記は記録の後に） / not recorded yet (addenda follow a record)"
                            .into(),
                    ));
                };
                let o = crate::db::opinions::opinion_of(conn, record_id)?;
                let retention = i.retention_until.unwrap_or_else(|| health_record_retention(held_on));
                (
                    super::opinions::interview_original(&i, o.as_ref(), field.code),
                    retention,
                )
            }
            RecordKind::Measure => {
                let m = measure_by_id(conn, record_id)?.ok_or(RecordError::NotFound)?;
                if m.recorded_at.is_none() {
                    return Err(RecordError::Invalid(
                        "まだ記録されていません（追記は記録の後に） / not recorded yet (addenda follow a record)"
                            .into(),
                    ));
                }
                let original = if field.code == "other_text" {
                    m.other_text.clone()
                } else {
                    None
                };
                let retention = m.retention_until.unwrap_or_else(|| health_record_retention(now.date()));
                (original, retention)
            }
        };
        let old = if field.code == "note" {
            None
        } else {
            super::opinions::current_text(&existing, field.code, original)
        };
        // Part of the record: kept (and purged) with it.
        let retention_until = retention;
        insert_addendum(
            conn,
            &NewRecordAddendum {
                record_kind: kind.code().into(),
                record_id,
                field: field.code.into(),
                old_value: old,
                new_value: value,
                reason,
                written_by: actor.into(),
                written_at: now,
                retention_until,
            },
        )?;
        crate::audit::log(
            conn,
            Some(actor),
            crate::audit::Category::Change,
            "record_addendum",
            serde_json::json!({ "kind": kind.code(), "record_id": record_id, "field": field.code }),
            now,
        )?;
        let mut all = addenda_of(conn, kind.code(), record_id)?;
        all.pop().ok_or(RecordError::NotFound)
    })
}

//! The parts of the interview and measures records that issue 13 (§5-6)
//! added: the physician's structured opinion (意見書), stored with the
//! interview's record; the one measures case of a doctor-month, which a
//! second reason joins; and the dated addenda (追記) that correct a saved
//! record without changing it (written by `records::add_addendum`, in one
//! transaction with its access-log entry).

use crate::db::interviews::insert_measure;
use crate::db::models::{InterviewOpinion, NewInterviewOpinion, NewMeasure, RecordAddendum};
use crate::db::opinions::{insert_opinion, join_reason, measure_of_doctor_month};
use crate::db::users::user_by_login;
use crate::db::{AnyConnection, DbError};
use crate::domain::interview::MeasureReason;
use crate::domain::opinion::Opinion;
pub use crate::report::opinion::opinion_field_words;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::result::QueryResult;

/// Stores the structured opinion of an interview (inside the record's
/// transaction). The physician's name is the account's.
pub(super) fn store_opinion(
    conn: &mut AnyConnection,
    interview_id: i64,
    o: &Opinion,
    actor: &str,
    now: NaiveDateTime,
    retention_until: NaiveDate,
) -> Result<(), DbError> {
    let name = user_by_login(conn, actor)?
        .and_then(|u| u.name)
        .unwrap_or_else(|| actor.to_string());
    insert_opinion(
        conn,
        &NewInterviewOpinion {
            interview_id,
            guidance: o.guidance.clone(),
            reinterview_when: o.reinterview_when.clone(),
            work_class: o.work_class.clone(),
            overtime_limit_hours: o.overtime_limit_hours,
            overtime_forbidden: i32::from(o.overtime_forbidden),
            night_duty_limit: o.night_duty_limit,
            change_workplace: i32::from(o.change_workplace),
            change_work: i32::from(o.change_work),
            fewer_late_night: i32::from(o.fewer_late_night),
            day_shift: i32::from(o.day_shift),
            other_measure: o.other_measure.clone(),
            period_from: o.period_from,
            period_until: o.period_until,
            environment: o.environment.clone(),
            medical_care: o.medical_care.clone(),
            physician_login: actor.to_string(),
            physician_name: name,
            recorded_at: now,
            retention_until,
        },
    )?;
    Ok(())
}

/// What [`open_or_join_measures`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseChange {
    /// A new case was opened.
    Opened,
    /// The reason joined the doctor-month's case.
    Joined,
    /// The case already had the reason.
    Unchanged,
}

/// The one measures case of a doctor-month (issue 13 §6): opened with
/// `reason` when there is none; otherwise `reason` joins it as its second
/// reason (both stay visible), and the interview it answers is linked.
pub fn open_or_join_measures(
    conn: &mut AnyConnection,
    doctor_id: i64,
    month: &str,
    reason: MeasureReason,
    interview_id: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<CaseChange> {
    match measure_of_doctor_month(conn, doctor_id, month)? {
        None => {
            insert_measure(
                conn,
                &NewMeasure {
                    doctor_id,
                    month: month.to_string(),
                    reason: reason.code().into(),
                    interview_id,
                    created_at: now,
                },
            )?;
            Ok(CaseChange::Opened)
        }
        Some(m) if m.has_reason(reason.code()) => Ok(CaseChange::Unchanged),
        Some(m) => {
            // Link the interview only when the case has none yet.
            let link = if m.interview_id.is_none() { interview_id } else { None };
            join_reason(conn, m.id, reason.code(), link)?;
            Ok(CaseChange::Joined)
        }
    }
}

/// The text of a field of an interview's record as it stands (the
/// original, or the last addendum's), for the addendum's "before".
pub(super) fn current_text(addenda: &[RecordAddendum], field: &str, original: Option<String>) -> Option<String> {
    addenda
        .iter()
        .rev()
        .find(|a| a.field == field)
        .map(|a| a.new_value.clone())
        .or(original)
}

/// The original text of an interview field (the opinion's fields in words).
pub(super) fn interview_original(
    i: &crate::db::models::Interview,
    o: Option<&InterviewOpinion>,
    field: &str,
) -> Option<String> {
    match field {
        "check_work" => i.check_work.clone(),
        "check_sleep" => i.check_sleep.clone(),
        "check_fatigue" => i.check_fatigue.clone(),
        "check_mental_physical" => i.check_mental_physical.clone(),
        "opinion" => i.opinion.clone(),
        _ => o.and_then(|o| opinion_field_words(o, field)),
    }
}

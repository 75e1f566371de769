//! The parts of the interview and measures records that issue 13 (§5-6)
//! added: the physician's structured opinion (意見書), stored with the
//! interview's record; the one measures case of a doctor-month, which a
//! second reason joins; and the dated addenda (追記) that correct a saved
//! record without changing it. Each write is one transaction with its
//! access-log entry.

use super::records::RecordError;
use crate::audit::{self, Category};
use crate::db::interviews::{insert_measure, interview_by_id, measure_by_id};
use crate::db::models::{InterviewOpinion, NewInterviewOpinion, NewMeasure, NewRecordAddendum, RecordAddendum};
use crate::db::opinions::{addenda_of, insert_addendum, insert_opinion, join_reason, measure_of_doctor_month};
use crate::db::users::user_by_login;
use crate::db::{write_transaction, AnyConnection};
use crate::domain::interview::{health_record_retention, MeasureReason};
use crate::domain::opinion::{self, AddendumInput, Opinion, RecordKind};
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
) -> Result<(), RecordError> {
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
fn current_text(addenda: &[RecordAddendum], field: &str, original: Option<String>) -> Option<String> {
    addenda
        .iter()
        .rev()
        .find(|a| a.field == field)
        .map(|a| a.new_value.clone())
        .or(original)
}

/// The original text of an interview field (the opinion's fields in words).
fn interview_original(i: &crate::db::models::Interview, o: Option<&InterviewOpinion>, field: &str) -> Option<String> {
    match field {
        "check_work" => i.check_work.clone(),
        "check_sleep" => i.check_sleep.clone(),
        "check_fatigue" => i.check_fatigue.clone(),
        "check_mental_physical" => i.check_mental_physical.clone(),
        "opinion" => i.opinion.clone(),
        _ => o.and_then(|o| opinion_field_words(o, field)),
    }
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
                (interview_original(&i, o.as_ref(), field.code), retention)
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
            current_text(&existing, field.code, original)
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
        audit::log(
            conn,
            Some(actor),
            Category::Change,
            "record_addendum",
            serde_json::json!({ "kind": kind.code(), "record_id": record_id, "field": field.code }),
            now,
        )?;
        let mut all = addenda_of(conn, kind.code(), record_id)?;
        all.pop().ok_or(RecordError::NotFound)
    })
}

//! The physician's structured opinion (意見書) of an interview, the dated
//! addenda (追記) of interview and measures records, and the one measures
//! case of a doctor-month (issue 13 §5-6). Rows only; the rules are
//! `domain::opinion`'s and `monitor::records`'s.

use super::models::{InterviewOpinion, Measure, NewInterviewOpinion, NewRecordAddendum, RecordAddendum};
use super::schema::{interview_opinions, measures, record_addenda};
use super::AnyConnection;
use diesel::prelude::*;
use diesel::result::QueryResult;
use std::collections::HashMap;

/// Stores an interview's opinion (once: `interview_id` is unique).
pub fn insert_opinion(conn: &mut AnyConnection, new: &NewInterviewOpinion) -> QueryResult<usize> {
    diesel::insert_into(interview_opinions::table).values(new).execute(conn)
}

/// The opinion of an interview, if one was written on the form.
pub fn opinion_of(conn: &mut AnyConnection, interview_id: i64) -> QueryResult<Option<InterviewOpinion>> {
    interview_opinions::table
        .filter(interview_opinions::interview_id.eq(interview_id))
        .select(InterviewOpinion::as_select())
        .first(conn)
        .optional()
}

/// The opinions of some interviews, by interview id.
pub fn opinions_of(conn: &mut AnyConnection, interview_ids: &[i64]) -> QueryResult<HashMap<i64, InterviewOpinion>> {
    let mut out = HashMap::new();
    for chunk in interview_ids.chunks(500) {
        let rows: Vec<InterviewOpinion> = interview_opinions::table
            .filter(interview_opinions::interview_id.eq_any(chunk))
            .select(InterviewOpinion::as_select())
            .load(conn)?;
        out.extend(rows.into_iter().map(|o| (o.interview_id, o)));
    }
    Ok(out)
}

/// Stores an addendum.
pub fn insert_addendum(conn: &mut AnyConnection, new: &NewRecordAddendum) -> QueryResult<usize> {
    diesel::insert_into(record_addenda::table).values(new).execute(conn)
}

/// The addenda of a record, oldest first.
pub fn addenda_of(conn: &mut AnyConnection, kind: &str, record_id: i64) -> QueryResult<Vec<RecordAddendum>> {
    record_addenda::table
        .filter(record_addenda::record_kind.eq(kind))
        .filter(record_addenda::record_id.eq(record_id))
        .order(record_addenda::id)
        .select(RecordAddendum::as_select())
        .load(conn)
}

/// The addenda of some records of a kind, by record id, oldest first.
pub fn addenda_of_many(
    conn: &mut AnyConnection,
    kind: &str,
    record_ids: &[i64],
) -> QueryResult<HashMap<i64, Vec<RecordAddendum>>> {
    let mut out: HashMap<i64, Vec<RecordAddendum>> = HashMap::new();
    for chunk in record_ids.chunks(500) {
        let rows: Vec<RecordAddendum> = record_addenda::table
            .filter(record_addenda::record_kind.eq(kind))
            .filter(record_addenda::record_id.eq_any(chunk))
            .order(record_addenda::id)
            .select(RecordAddendum::as_select())
            .load(conn)?;
        for r in rows {
            out.entry(r.record_id).or_default().push(r);
        }
    }
    Ok(out)
}

/// The first measures case of a doctor-month, whatever its reason.
pub fn measure_of_doctor_month(conn: &mut AnyConnection, doctor_id: i64, month: &str) -> QueryResult<Option<Measure>> {
    measures::table
        .filter(measures::doctor_id.eq(doctor_id))
        .filter(measures::month.eq(month))
        .order(measures::id)
        .select(Measure::as_select())
        .first(conn)
        .optional()
}

/// A second reason joins a case (and, when given, the interview it answers).
pub fn join_reason(
    conn: &mut AnyConnection,
    measure_id: i64,
    reason: &str,
    interview_id: Option<i64>,
) -> QueryResult<usize> {
    match interview_id {
        Some(i) => diesel::update(measures::table.find(measure_id))
            .set((
                measures::extra_reason.eq(Some(reason)),
                measures::interview_id.eq(Some(i)),
            ))
            .execute(conn),
        None => diesel::update(measures::table.find(measure_id))
            .set(measures::extra_reason.eq(Some(reason)))
            .execute(conn),
    }
}

//! The rows of the 面接指導管理 work list (issue 13 item 7) and the 予定日時
//! of interviews: every case of a month and the open ones of earlier
//! months, and each schedule set (the newest is the interview's
//! `scheduled_at`; their number the invitation's SEQUENCE).

use super::models::{Doctor, Interview, InterviewSchedule, Measure, NewInterviewSchedule};
use super::schema::{doctors, interview_schedules, interviews, measures, self_checks};
use super::AnyConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::QueryResult;

/// The interviews of `month` (`YYYY-MM`) and those of earlier months not
/// held or held without an opinion, with their doctors.
pub fn worklist_interviews(conn: &mut AnyConnection, month: &str) -> QueryResult<Vec<(Interview, Doctor)>> {
    interviews::table
        .inner_join(doctors::table)
        .filter(
            interviews::month.eq(month).or(interviews::month.lt(month).and(
                interviews::held_on
                    .is_null()
                    .or(interviews::opinion.is_null())
                    .or(interviews::opinion.eq("")),
            )),
        )
        .order((interviews::month.desc(), doctors::staff_id))
        .select((Interview::as_select(), Doctor::as_select()))
        .load(conn)
}

/// The measures cases of `month` and those of earlier months not recorded.
pub fn worklist_measures(conn: &mut AnyConnection, month: &str) -> QueryResult<Vec<(Measure, Doctor)>> {
    measures::table
        .inner_join(doctors::table)
        .filter(
            measures::month
                .eq(month)
                .or(measures::month.lt(month).and(measures::recorded_at.is_null())),
        )
        .order((measures::month.desc(), doctors::staff_id))
        .select((Measure::as_select(), Doctor::as_select()))
        .load(conn)
}

/// Stores a 予定日時 and makes it the interview's. Returns how many were
/// ever set for the interview (this one included).
pub fn set_schedule(conn: &mut AnyConnection, new: &NewInterviewSchedule) -> QueryResult<i64> {
    diesel::insert_into(interview_schedules::table)
        .values(new)
        .execute(conn)?;
    diesel::update(interviews::table.find(new.interview_id))
        .set(interviews::scheduled_at.eq(Some(new.scheduled_at)))
        .execute(conn)?;
    interview_schedules::table
        .filter(interview_schedules::interview_id.eq(new.interview_id))
        .count()
        .get_result(conn)
}

/// The 予定日時 set for an interview, oldest first.
pub fn schedules_of(conn: &mut AnyConnection, interview_id: i64) -> QueryResult<Vec<InterviewSchedule>> {
    interview_schedules::table
        .filter(interview_schedules::interview_id.eq(interview_id))
        .order(interview_schedules::id)
        .select(InterviewSchedule::as_select())
        .load(conn)
}

/// When the interview is scheduled now.
pub fn scheduled_at(conn: &mut AnyConnection, interview_id: i64) -> QueryResult<Option<NaiveDateTime>> {
    interviews::table
        .find(interview_id)
        .select(interviews::scheduled_at)
        .first(conn)
}

/// The doctors among `doctor_ids` whose self-check of `month` asks for an
/// interview while no interview of theirs that month is held: each with
/// when they first asked (the manager's list, issue 13 item 8).
pub fn interview_requests(
    conn: &mut AnyConnection,
    doctor_ids: &[i64],
    month: &str,
) -> QueryResult<Vec<(i64, NaiveDateTime)>> {
    let asked: Vec<(i64, NaiveDateTime)> = self_checks::table
        .filter(self_checks::doctor_id.eq_any(doctor_ids))
        .filter(self_checks::month.eq(month))
        .filter(self_checks::wants_interview.ne(0))
        .order((self_checks::doctor_id, self_checks::recorded_at))
        .select((self_checks::doctor_id, self_checks::recorded_at))
        .load(conn)?;
    let held: Vec<i64> = interviews::table
        .filter(interviews::doctor_id.eq_any(doctor_ids))
        .filter(interviews::month.eq(month))
        .filter(interviews::held_on.is_not_null())
        .select(interviews::doctor_id)
        .load(conn)?;
    let mut out: Vec<(i64, NaiveDateTime)> = Vec::new();
    for (d, at) in asked {
        if !held.contains(&d) && !out.iter().any(|(o, _)| *o == d) {
            out.push((d, at));
        }
    }
    Ok(out)
}

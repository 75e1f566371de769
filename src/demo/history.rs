//! What the demo hospital did before today, so that every screen shows a
//! real case (issue 16, item 9): its daily job ran every morning from the
//! first day of the previous month; one doctor's timecard of that month
//! came in late, after it closed and after the monthly check froze its
//! count (a case found late, §19); the interview
//! physicians recorded some interviews in time, and a department head the
//! measures after the interview of the doctor over 155 h. Everything else
//! stays open, as it would be: an interview past its deadline, this
//! month's projected cases.

use super::{manager_of, DemoError, DemoFiles};
use crate::config::Settings;
use crate::db::AnyConnection;
use crate::domain::YearMonth;
use crate::ingest::{self, ImportRequest};
use crate::monitor::mailer::Mailer;
use crate::monitor::records::{self, InterviewInput, MeasureInput};
use chrono::{Duration, NaiveDate, NaiveDateTime};

/// The previous month's interviews the physicians held in time.
pub(super) const HELD_IN_TIME: [&str; 2] = ["D003", "D005"];
/// The doctor whose measures its department head recorded (over 155 h).
pub(super) const MEASURES_RECORDED: &str = "D005";
/// The doctor whose timecard of the previous month came in late: nothing
/// of it was there while the daily job ran, so nothing was projected.
pub(super) const LATE_DOCTOR: &str = "D004";
/// From this day of the previous month, [`LATE_DOCTOR`]'s timecard rows
/// came in the late file (the whole month: a part would have been
/// projected over 100 h in time, and its interview opened in time).
pub(super) const LATE_FROM_DAY: u32 = 1;

/// Replays the demo hospital's past on a database just loaded with
/// [`super::load_if_empty`]: the daily runs, the late file, the records.
pub fn replay(
    conn: &mut AnyConnection,
    settings: &Settings,
    mailer: &Mailer,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<(), DemoError> {
    let history = |e: &dyn std::fmt::Display| DemoError::History(e.to_string());
    // The daily job every morning: interviews and measures opened on the
    // day they were due to be, from the first day of the previous month
    // (complete in the demo) to yesterday.
    // On this month's first day the monthly check of the previous month
    // ran too (05:30, as scheduled), before the late file came in.
    let this_month = YearMonth::of(today);
    let mut day = this_month.previous().first_day();
    while day < today {
        let morning = day.and_hms_opt(5, 0, 0).unwrap_or_default();
        crate::monitor::daily::run(conn, settings, mailer, day, morning).map_err(|e| history(&e))?;
        if day == this_month.first_day() {
            let check_time = day.and_hms_opt(5, 30, 0).unwrap_or_default();
            crate::monitor::monthly::run(conn, settings, mailer, this_month.previous(), check_time)
                .map_err(|e| history(&e))?;
        }
        day = day.succ_opt().unwrap_or(today);
    }
    crate::monitor::recheck::caught_up(conn, now).map_err(|e| history(&e))?;
    // The late file: imported today, re-checked today.
    let files = super::files(today);
    let (kind, file_name, bytes) = files.late_import();
    ingest::run(
        conn,
        &ImportRequest {
            layout: None,
            period: None,
            published_at: None,
            kind,
            bytes,
            file_name,
            skip_invalid: false,
            actor: Some("demo"),
            now,
        },
    )?;
    crate::monitor::recheck::run(conn, settings, mailer, today, now).map_err(|e| history(&e))?;
    record_previous_month(conn, today).map_err(|e| history(&e))?;
    Ok(())
}

/// The interviews held in time and the measures recorded, each on its day.
fn record_previous_month(conn: &mut AnyConnection, today: NaiveDate) -> Result<(), records::RecordError> {
    let month = YearMonth::of(today).previous();
    let yesterday = today.pred_opt().unwrap_or(today);
    for line in records::list_interviews(conn, month, today)? {
        if !HELD_IN_TIME.contains(&line.staff_id.as_str()) || line.held_on.is_some() || line.opened_late {
            continue;
        }
        let Some(physician) = line.physician_login.clone() else {
            continue;
        };
        // On the last working day before the deadline, or yesterday.
        let held_on = line.deadline.min(yesterday);
        let at = held_on.and_hms_opt(17, 30, 0).unwrap_or_default();
        records::record_interview(conn, line.id, &interview_record(held_on), &physician, at)?;
    }
    for (measure, doctor) in records::list_measures(conn, month)? {
        if doctor.staff_id != MEASURES_RECORDED || measure.recorded_at.is_some() {
            continue;
        }
        let manager = manager_of(doctor.department.as_deref().unwrap_or_default());
        let at = (today - Duration::days(1)).and_hms_opt(10, 0, 0).unwrap_or_default();
        records::record_measures(
            conn,
            measure.id,
            &MeasureInput {
                shorter_hours: true,
                fewer_night_duties: true,
                other: false,
                other_text: Some(
                    "翌月の宿直を月4回から2回に減らし、24時間勤務の翌日は正午までに帰宅させることとした（救急科部長）"
                        .into(),
                ),
            },
            manager,
            at,
        )?;
    }
    Ok(())
}

/// A plausible record of an interview held on `held_on`.
fn interview_record(held_on: NaiveDate) -> InterviewInput {
    InterviewInput {
        held_on: Some(held_on),
        held_at: Some(format!("{}T16:00", held_on.format("%Y-%m-%d"))),
        check_work: "当直明けの連続勤務が月に数回ある".into(),
        check_sleep: "平均睡眠 5時間半、当直中は2〜3時間".into(),
        check_fatigue: "自覚症状 II、仕事による負担度 3点".into(),
        check_mental_physical: "抑うつ気分なし、食欲あり".into(),
        opinion: "当直の翌日は午後の業務を免除し、翌月の当直回数を減らすこと".into(),
        opinion_form: None,
    }
}

impl DemoFiles {
    /// The late file: imported after the month closed.
    pub fn late_import(&self) -> (crate::ingest::ImportKind, &'static str, &[u8]) {
        (
            crate::ingest::ImportKind::Timecard,
            "demo-timecard-late.csv",
            &self.late_timecard,
        )
    }
}

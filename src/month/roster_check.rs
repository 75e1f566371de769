//! The roster check's computation (rules §15.2–§15.3): each file doctor's
//! projected timeline — the stored timecard to T, then the file's rows for
//! the dates the file covers and the stored roster for the other dates —
//! run through the month's engines as a report runs them (the projection of
//! §8 with the file standing in for the roster, §11's planned check, §13,
//! §14). Nothing is stored.

use super::rows::{load_rows_of, DoctorRows};
use super::ReportError;
use crate::db::models::Doctor;
use crate::db::AnyConnection;
use crate::domain::breaks::work_periods;
use crate::domain::duties::{counting_from, duties, outside_parts, warnings, DutyMonth, Limits};
use crate::domain::hours::RuleConfig;
use crate::domain::interval::Interval;
use crate::domain::profile::RosterView;
use crate::domain::projection::{project_at, Subject};
use crate::domain::rest::{planned_check, RestConfig, RestDoctor, RestInputs, Roster};
use crate::domain::roster_check::{
    break_problems, duty_problems, outside_permit, projected_hours, rest_problems, sort, DoctorCheck, HoursInputs,
    PermittedDuty, ProblemCount,
};
use crate::domain::row_status::StudyStatus;
use crate::domain::shift::{Kind, Shift};
use crate::domain::time::{minutes_between, YearMonth};
use chrono::NaiveDate;
use std::collections::HashMap;

/// What is checked: the month of the projection, T, and the checked dates.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    pub month: YearMonth,
    /// The as-of date, possibly the day before the month (§15.1).
    pub t: NaiveDate,
    /// The checked dates, inclusive (§15.1).
    pub checked: (NaiveDate, NaiveDate),
}

/// Checks the file's rows (by doctor id; rows starting on or before T are
/// not used) of the
/// doctors named, in staff id order.
pub fn check_doctors(
    conn: &mut AnyConnection,
    file: &HashMap<i64, Vec<Shift>>,
    frame: Frame,
    cfg: &RuleConfig,
    rest: &RestConfig,
) -> Result<Vec<DoctorCheck>, ReportError> {
    let mut ids: Vec<i64> = file.keys().copied().collect();
    ids.sort_unstable();
    let mut checked = Vec::with_capacity(ids.len());
    // A large file is read in chunks of doctors (the queries name their ids).
    for chunk in ids.chunks(500) {
        let (doctors, mut rows) = load_rows_of(conn, Some(chunk), frame.month, frame.t, cfg)?;
        for d in doctors {
            let r = rows.remove(&d.id).unwrap_or_default();
            let mine = file.get(&d.id).map(Vec::as_slice).unwrap_or(&[]);
            checked.push(check_one(&d, &r, mine, frame, cfg, rest));
        }
    }
    checked.sort_by(|a, b| a.staff_id.cmp(&b.staff_id));
    Ok(checked)
}

/// The stored roster with the file standing in for it on the doctor's file
/// dates after T (as `kinmu import roster` would replace them); on T and
/// before, the stored roster stays (the file's rows there are used nowhere).
fn planned(stored: &RosterView, file: &[Shift], t: NaiveDate) -> RosterView {
    let (Some(first), Some(last)) = (
        file.iter().map(Shift::start_date).min(),
        file.iter().map(Shift::start_date).max(),
    ) else {
        return stored.clone();
    };
    let first = first.max(t + chrono::Duration::days(1));
    if first > last {
        return stored.clone();
    }
    let mut rows: Vec<Shift> = stored
        .rows
        .iter()
        .filter(|s| !(first..=last).contains(&s.start_date()))
        .cloned()
        .collect();
    rows.extend(file.iter().filter(|s| s.start_date() > t).cloned());
    rows.sort_by_key(|s| s.start());
    let mut ranges = stored.ranges.clone();
    ranges.push((first, last));
    RosterView { ranges, rows }
}

fn check_one(
    d: &Doctor,
    r: &DoctorRows,
    file: &[Shift],
    frame: Frame,
    cfg: &RuleConfig,
    rest: &RestConfig,
) -> DoctorCheck {
    let t = frame.t;
    let schedule = planned(&r.schedule_roster, file, t);
    let actual: Vec<Shift> = r.timecard.iter().filter(|s| s.start_date() <= t).cloned().collect();
    let after_t: Vec<Shift> = schedule.rows.iter().filter(|s| s.start_date() > t).cloned().collect();
    let profile = d.profile(cfg, r.profile_employers.clone());
    let who = Subject {
        profile: &profile,
        roster: &schedule,
        published: &r.published,
        permitted: r.permitted(),
    };
    let projection = project_at(&actual, &after_t, who, frame.month, t, cfg);

    // The projected timeline: actual to T, planned after it.
    let mut timeline = actual.clone();
    timeline.extend(after_t.iter().cloned());
    let mut problems = Vec::new();

    // §11: the planned check on the projected timeline.
    let doctor = RestDoctor {
        staff_id: d.staff_id.clone(),
        level: d.level(),
        clinical_trainee: d.is_clinical_trainee(),
    };
    if let Some(first) = timeline.iter().map(Shift::start_date).min() {
        let last = frame.checked.1.max(first);
        let roster = Roster::single(timeline.clone(), vec![(first, last)]);
        let counted = |s: &Shift| s.study() != StudyStatus::Confirmed;
        let inputs = RestInputs {
            doctor: &doctor,
            roster: &roster,
            timecard: &[],
            permitted: r.permitted(),
            counted_study: &counted,
            as_of: t,
        };
        problems.extend(rest_problems(&planned_check(&inputs, rest).records, frame.checked));
    }

    // §13: the file's permitted duty outside the permit, and the frequency
    // of every duty of the projected timeline.
    for row in file
        .iter()
        .filter(|s| s.kind() == Kind::DutyPermitted && s.start_date() > t)
    {
        let outside: i64 = outside_parts(std::slice::from_ref(row), r.permitted())
            .iter()
            .map(|(a, b): &Interval| minutes_between(*a, *b))
            .sum();
        if outside > 0 {
            problems.push(outside_permit(row.start(), outside));
        }
    }
    let (month_first, month_last) = (frame.month.first_day(), frame.month.last_day());
    let from = counting_from(frame.checked.0.min(month_first), cfg.week_start);
    let to = frame.checked.1.max(month_last);
    let found = if r.permits_off {
        Vec::new()
    } else {
        duties(&timeline, &r.permits, d.department.as_deref(), from, to)
    };
    let warned = warnings(
        &found,
        Limits {
            week_start: cfg.week_start,
            nights_per_week: cfg.permitted_night_duty_per_week,
            days_per_month: cfg.permitted_day_duty_per_month,
        },
    );
    problems.extend(duty_problems(&warned, frame.checked));
    let duty_month = DutyMonth::of(&found, &warned, month_first, month_last);

    // §14: the work periods of the file's rows (after T).
    let periods: Vec<_> = work_periods(&timeline, r.permitted(), cfg.break_period_gap_minutes)
        .into_iter()
        .filter(|p| {
            file.iter()
                .any(|s| s.start_date() > t && s.start() < p.end && p.start < s.end())
        })
        .collect();
    problems.extend(break_problems(&periods, frame.checked));

    // §7, §8: the projected hours.
    let year = &projection.year;
    let mut limits = vec![("combined".to_string(), year.cap_minutes, year.overtime_holiday_minutes)];
    if year.own_cap_minutes != year.cap_minutes {
        limits.insert(
            0,
            (
                "own".to_string(),
                year.own_cap_minutes,
                year.own_overtime_holiday_minutes,
            ),
        );
    }
    let (projected, hour_problems) = projected_hours(&HoursInputs {
        month: frame.month,
        projected_minutes: projection.projected_overtime_holiday_minutes,
        running: &projection.running,
        watch_minutes: cfg.watch_minutes,
        limits,
    });
    problems.extend(hour_problems);

    // A level-A doctor's §11 problems are warnings (the engine says so).
    sort(&mut problems);
    DoctorCheck {
        staff_id: d.staff_id.clone(),
        name: d.name.clone(),
        level: d.level().code().to_string(),
        department: d.department.clone(),
        rows: file.len(),
        problem_count: ProblemCount::of(&problems),
        projected,
        permitted_duty: PermittedDuty {
            permitted_night_duties: duty_month.permitted_night_duties,
            permitted_day_duties: duty_month.permitted_day_duties,
        },
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::shift::Kind;
    use chrono::NaiveDateTime;

    fn row(start: &str, end: &str) -> Shift {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        Shift::new(at(start), at(end), 0, Kind::Work).unwrap()
    }

    #[test]
    fn the_file_replaces_the_stored_roster_on_its_dates_after_t_only() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let stored = RosterView {
            ranges: vec![(d("2024-06-01"), d("2024-07-31"))],
            rows: vec![
                row("2024-06-30 09:00", "2024-06-30 17:00"),
                row("2024-07-01 13:00", "2024-07-01 22:00"),
                row("2024-07-05 09:00", "2024-07-05 17:00"),
            ],
        };
        let file = vec![
            row("2024-06-30 08:00", "2024-06-30 12:00"),
            row("2024-07-01 06:00", "2024-07-01 15:00"),
            row("2024-07-02 08:00", "2024-07-02 17:00"),
        ];
        let v = planned(&stored, &file, d("2024-06-30"));
        let starts: Vec<String> = v.rows.iter().map(|s| s.start().to_string()).collect();
        assert_eq!(
            starts,
            [
                "2024-06-30 09:00:00",
                "2024-07-01 06:00:00",
                "2024-07-02 08:00:00",
                "2024-07-05 09:00:00"
            ]
        );
        assert!(v.ranges.contains(&(d("2024-07-01"), d("2024-07-02"))));
        // A file wholly on or before T leaves the stored roster as it is.
        assert_eq!(planned(&stored, &file[..1], d("2024-06-30")), stored);
    }
}

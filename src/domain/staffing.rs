//! The reference-week staffing report (医師 基準日, rules §18): each
//! doctor's 勤務 and 当直 minutes in a week, and the full-time equivalents
//! (常勤換算) the 立入検査要綱 asks for.

use super::profile::EmploymentType;
use super::shift::{Kind, Shift};
use super::time::{minutes_between, Minutes};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

/// The floor of the weekly hours a part-timer's minutes are divided by.
pub const MIN_WEEKLY_MINUTES: Minutes = 1920;

/// One doctor's week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffLine {
    pub staff_id: String,
    pub name: String,
    pub employment_type: &'static str,
    /// Minutes of `work` rows inside the week.
    pub work_minutes: Minutes,
    /// Minutes of `duty` and `duty_permitted` rows not covered by `work`.
    pub duty_minutes: Minutes,
    /// 100 for a full-time doctor; `floor(100 × (2w + d) ÷ 2D)` otherwise.
    pub fte_hundredths: i64,
}

/// The report (formats.md C.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Staffing {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub denominator_minutes: Minutes,
    pub doctors: Vec<StaffLine>,
    pub full_time_count: i64,
    pub total_fte_tenths: i64,
    pub total_fte: String,
}

/// A doctor of the report: who, and their rows touching the week.
pub struct StaffInput<'a> {
    pub staff_id: &'a str,
    pub name: &'a str,
    pub employment_type: EmploymentType,
    pub rows: &'a [Shift],
}

/// The minutes of `rows` of the given kinds inside `[from, to)`, after the
/// break taken from each row's first minutes (§3), not covered by `cover`.
fn minutes_in(
    rows: &[Shift],
    kinds: &[Kind],
    week: (NaiveDateTime, NaiveDateTime),
    cover: &[(NaiveDateTime, NaiveDateTime)],
) -> Minutes {
    let mut spans: Vec<(NaiveDateTime, NaiveDateTime)> = Vec::new();
    for r in rows.iter().filter(|r| kinds.contains(&r.kind())) {
        let start = (r.rounded_start() + Duration::minutes(r.break_minutes())).max(week.0);
        let end = r.rounded_end().min(week.1);
        if start < end {
            spans.push((start, end));
        }
    }
    spans.sort_unstable();
    let mut total = 0;
    let mut until = week.0;
    for (s, e) in spans {
        let s = s.max(until);
        if s >= e {
            continue;
        }
        let mut at = s;
        for &(cs, ce) in cover {
            if ce <= at || cs >= e {
                continue;
            }
            if cs > at {
                total += minutes_between(at, cs);
            }
            at = at.max(ce);
        }
        if at < e {
            total += minutes_between(at, e);
        }
        until = e;
    }
    total
}

/// The staffing of the seven days from `from` (rules §18).
pub fn staffing(doctors: &[StaffInput], from: NaiveDate, weekly_minutes: Minutes) -> Staffing {
    let week = (
        from.and_time(chrono::NaiveTime::MIN),
        (from + Duration::days(7)).and_time(chrono::NaiveTime::MIN),
    );
    let denominator = weekly_minutes.max(MIN_WEEKLY_MINUTES);
    let mut lines = Vec::new();
    let (mut full_time, mut converted) = (0, 0);
    for d in doctors {
        let work_spans: Vec<(NaiveDateTime, NaiveDateTime)> = d
            .rows
            .iter()
            .filter(|r| r.kind() == Kind::Work)
            .map(|r| (r.rounded_start(), r.rounded_end()))
            .collect();
        let work = minutes_in(d.rows, &[Kind::Work], week, &[]);
        let duty = minutes_in(d.rows, &[Kind::Duty, Kind::DutyPermitted], week, &work_spans);
        let full = d.employment_type == EmploymentType::FullTime;
        let own_rows = d.rows.iter().any(|r| {
            matches!(r.kind(), Kind::Work | Kind::Duty | Kind::DutyPermitted)
                && r.rounded_start() < week.1
                && r.rounded_end() > week.0
        });
        if !full && !own_rows {
            continue;
        }
        let weighted = 2 * work + duty;
        let fte_hundredths = if full {
            full_time += 1;
            100
        } else {
            converted += weighted;
            100 * weighted / (2 * denominator)
        };
        lines.push(StaffLine {
            staff_id: d.staff_id.to_string(),
            name: d.name.to_string(),
            employment_type: d.employment_type.code(),
            work_minutes: work,
            duty_minutes: duty,
            fte_hundredths,
        });
    }
    let tenths = 10 * full_time + 10 * converted / (2 * denominator);
    Staffing {
        from,
        to: from + Duration::days(6),
        denominator_minutes: denominator,
        doctors: lines,
        full_time_count: full_time,
        total_fte_tenths: tenths,
        total_fte: format!("{}.{}", tenths / 10, tenths % 10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn row(start: &str, end: &str, kind: Kind) -> Shift {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        Shift::new(at(start), at(end), 0, kind).unwrap()
    }

    /// [ex ST-1] D = 2,325: two full-time doctors, a part-timer with 480
    /// work, a visiting doctor with one 960-minute 当直 — 2.4.
    #[test]
    fn st_1_full_time_equivalents_of_the_reference_week() {
        let f1 = [row("2024-07-22 08:00", "2024-07-22 16:00", Kind::Work)];
        let p1 = [row("2024-07-23 09:00", "2024-07-23 17:00", Kind::Work)];
        let v1 = [row("2024-07-24 17:00", "2024-07-25 09:00", Kind::Duty)];
        let input = |staff_id, employment_type, rows| StaffInput {
            staff_id,
            name: "",
            employment_type,
            rows,
        };
        let s = staffing(
            &[
                input("F1", EmploymentType::FullTime, &f1),
                input("F2", EmploymentType::FullTime, &[]),
                input("P1", EmploymentType::PartTime, &p1),
                input("V1", EmploymentType::Visiting, &v1),
                input("P9", EmploymentType::PartTime, &[]),
            ],
            d("2024-07-22"),
            2325,
        );
        assert_eq!(s.denominator_minutes, 2325);
        let ftes: Vec<i64> = s.doctors.iter().map(|l| l.fte_hundredths).collect();
        assert_eq!(ftes, vec![100, 100, 20, 20]);
        assert_eq!((s.total_fte_tenths, s.total_fte.as_str()), (24, "2.4"));
        assert_eq!((s.doctors[2].work_minutes, s.doctors[3].duty_minutes), (480, 960));
        assert_eq!(s.to, d("2024-07-28"));
    }

    /// [ex ST-2] weekly hours of 30 h are floored to 32 h.
    #[test]
    fn st_2_the_denominator_is_at_least_32_hours() {
        let p2 = [
            row("2024-07-22 09:00", "2024-07-22 17:00", Kind::Work),
            row("2024-07-23 09:00", "2024-07-23 17:00", Kind::Work),
        ];
        let s = staffing(
            &[StaffInput {
                staff_id: "P2",
                name: "",
                employment_type: EmploymentType::PartTime,
                rows: &p2,
            }],
            d("2024-07-22"),
            1800,
        );
        assert_eq!((s.denominator_minutes, s.total_fte_tenths), (1920, 5));
    }

    #[test]
    fn only_the_part_of_a_row_inside_the_week_counts_and_duty_under_work_once() {
        let rows = [
            row("2024-07-28 20:00", "2024-07-29 08:00", Kind::Duty),
            row("2024-07-28 22:00", "2024-07-28 23:00", Kind::Work),
        ];
        let s = staffing(
            &[StaffInput {
                staff_id: "P3",
                name: "",
                employment_type: EmploymentType::PartTime,
                rows: &rows,
            }],
            d("2024-07-22"),
            2400,
        );
        // 20:00–24:00 of the 28th: 240, of which 60 under work.
        assert_eq!((s.doctors[0].work_minutes, s.doctors[0].duty_minutes), (60, 180));
    }
}

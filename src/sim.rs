//! Simulated working days, shared by the demo hospital (`demo`) and the
//! benchmark generator (`generate`): a deterministic random source, the rows
//! a day-pattern code stands for, and how attendance exports write them.

use crate::domain::time::midnight;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike};

/// Minutes in a day.
pub(crate) const DAY: i64 = 24 * 60;

/// How a doctor's days look: the scheduled start (minutes after midnight),
/// the range of minutes stayed past the scheduled end, and whether a worked
/// day now and then runs into a late evening.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pattern {
    pub(crate) start: i64,
    pub(crate) stay: (i64, i64),
    pub(crate) late_evenings: bool,
}

/// Position of `date` in the two-week pattern (0 = a Sunday).
pub(crate) fn fortnight_day(date: NaiveDate) -> usize {
    // 2000-01-02 was a Sunday.
    let days = date.num_days_from_ce() - 730_121;
    days.rem_euclid(14) as usize
}

/// A row's kind, written in Japanese as attendance systems do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowKind {
    Day,
    Night,
    NightDuty,
    DayDuty,
    FullDuty,
    DutyPermitted,
    SelfStudy,
    SideJob,
}

impl RowKind {
    pub(crate) fn label(self) -> &'static str {
        match self {
            RowKind::Day => "日勤",
            RowKind::Night => "夜勤",
            RowKind::NightDuty => "宿直",
            RowKind::DayDuty => "日直",
            RowKind::FullDuty => "宿日直",
            RowKind::DutyPermitted => "宿日直許可",
            RowKind::SelfStudy => "自己研鑽",
            RowKind::SideJob => "副業",
        }
    }

    /// Whether the hospital's PCs are used during such a row.
    pub(crate) fn uses_pc(self) -> bool {
        self != RowKind::SideJob
    }

    pub(crate) fn is_duty(self) -> bool {
        matches!(
            self,
            RowKind::NightDuty | RowKind::DayDuty | RowKind::FullDuty | RowKind::DutyPermitted
        )
    }
}

/// One timecard or roster row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    pub(crate) start: NaiveDateTime,
    pub(crate) end: NaiveDateTime,
    pub(crate) break_minutes: i64,
    pub(crate) kind: RowKind,
}

/// The rows of one day code. Worked days vary (arrival a few minutes
/// early, a varying stay, now and then a late evening); planned days use
/// the doctor's usual stay, rounded to half an hour, as a roster would.
pub(crate) fn day_rows(p: &Pattern, code: char, date: NaiveDate, worked: bool, rng: &mut Rng) -> Vec<Row> {
    let s = p.start;
    let (lo, hi) = p.stay;
    let (early, stay) = if worked {
        let late_evening = if p.late_evenings && rng.below(20) == 0 {
            rng.between(60, 180)
        } else {
            0
        };
        (rng.between(0, 12), rng.between(lo, hi) + late_evening)
    } else {
        (0, (lo + hi) / 60 * 30)
    };
    let row = |from: i64, to: i64, break_minutes: i64, kind: RowKind| Row {
        start: midnight(date) + Duration::minutes(from),
        end: midnight(date) + Duration::minutes(to),
        break_minutes,
        kind,
    };
    // 所定 7:45 with an hour's break (08:30–17:15), plus the stay.
    let day_shift = row(s - early, s + 525 + stay, 60, RowKind::Day);
    let before_duty = row(s - early, 17 * 60, 45, RowKind::Day);
    match code {
        'D' => vec![day_shift],
        'S' => {
            let study_from = day_shift.end + Duration::minutes(30);
            let study = Row {
                start: study_from,
                end: study_from + Duration::minutes(rng.between(60, 120)),
                break_minutes: 0,
                kind: RowKind::SelfStudy,
            };
            vec![day_shift, study]
        }
        'h' => vec![row(s - early, 12 * 60 + 30 + stay / 2, 0, RowKind::Day)],
        'T' => vec![before_duty, row(17 * 60, DAY + s, 60, RowKind::NightDuty)],
        'P' => vec![before_duty, row(17 * 60, DAY + s, 0, RowKind::DutyPermitted)],
        'A' => vec![row(s, 12 * 60 + stay, 0, RowKind::Day)],
        'L' => vec![row(s, 21 * 60 + stay, 60, RowKind::Day)],
        'N' => vec![row(16 * 60 + 30, DAY + 9 * 60, 60, RowKind::Night)],
        'E' => vec![row(s, 17 * 60 + 30, 60, RowKind::DayDuty)],
        'W' => vec![row(s, DAY + s, 120, RowKind::FullDuty)],
        'X' => vec![row(9 * 60, 17 * 60, 60, RowKind::SideJob)],
        _ => Vec::new(),
    }
}

/// The end as the timecard writes it: `HH:MM` on the start day; for duty
/// ending the next morning `HH:MM` too (read as the next day, rules §1);
/// otherwise past 24 (`33:00` = next day 09:00).
pub(crate) fn clock_out(r: &Row) -> String {
    let days = (r.end.date() - r.start.date()).num_days();
    let next_morning = days == 1 && r.end.time() <= r.start.time();
    if days == 0 || (r.kind.is_duty() && next_morning) {
        hm(minute_of_day(r.end))
    } else {
        hm(minute_of_day(r.end) + DAY * days)
    }
}

pub(crate) fn minute_of_day(t: NaiveDateTime) -> i64 {
    i64::from(t.num_seconds_from_midnight() / 60)
}

pub(crate) fn minutes(from: NaiveDateTime, to: NaiveDateTime) -> i64 {
    (to - from).num_minutes()
}

/// `HH:MM` of minutes after midnight (past 24 allowed).
pub(crate) fn hm(m: i64) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// A tiny deterministic generator (SplitMix64), seeded per run, doctor, day
/// and purpose so that a day's rows do not depend on the rest of the period.
pub(crate) struct Rng(u64);

impl Rng {
    /// The demo hospital's seeding: per day, doctor and purpose.
    pub(crate) fn for_demo(date: NaiveDate, doctor: usize, purpose: u64) -> Rng {
        let day = u64::from(date.num_days_from_ce().unsigned_abs());
        Rng(day
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(((doctor as u64) << 32) | purpose))
    }

    pub(crate) fn new(seed: u64, doctor: u64, date: NaiveDate, purpose: u64) -> Rng {
        Rng::seeded(seed, doctor, u64::from(date.num_days_from_ce().unsigned_abs()), purpose)
    }

    pub(crate) fn seeded(seed: u64, doctor: u64, day: u64, purpose: u64) -> Rng {
        let mut r = Rng(seed ^ 0x5EED_0000_0000_0000);
        for part in [doctor, day, purpose] {
            r.0 ^= part;
            r.0 = r.next();
        }
        r
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number from `lo` to `hi`, both included.
    pub(crate) fn between(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi - lo).max(0).unsigned_abs() + 1;
        lo + (self.next() % span) as i64
    }

    /// A number below `n` (n > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

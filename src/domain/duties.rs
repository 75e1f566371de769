//! 宿直 and 日直 under a permit (rules §13.4–§13.5): which permitted duties
//! a doctor had on which dates, how much they worked during them, and the
//! permit's frequency conditions (宿直 once a calendar week, 日直 once a
//! calendar month) as warnings.

use super::hours::week_start_of;
use super::interval::{intersect, merged, subtract, Interval};
use super::permits::{Permit, PermitKind};
use super::shift::{Kind, Shift};
use super::time::{minutes_between, Minutes, YearMonth};
use chrono::{Duration, NaiveDate, Weekday};
use serde::Serialize;
use std::collections::BTreeMap;

/// One permitted 宿直 or 日直 of a date (§13.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duty {
    pub date: NaiveDate,
    pub kind: PermitKind,
    /// The first permit (by number) whose occurrence of the date has
    /// permitted minutes in the doctor's rows.
    pub permit_no: String,
    /// Minutes of the date's occurrences of this kind, together, inside the
    /// doctor's `duty_permitted` rows.
    pub permitted_minutes: Minutes,
    /// The doctor's own working minutes (`work`, `duty` rows) inside them (§13.5).
    pub work_minutes: Minutes,
    /// The permitted parts themselves.
    #[serde(skip)]
    pub parts: Vec<Interval>,
}

impl Duty {
    /// A duty with work (§13.5).
    pub fn with_work(&self) -> bool {
        self.work_minutes > 0
    }
}

impl Serialize for PermitKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// A frequency warning (§13.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DutyWarning {
    /// `permitted_night_duty_frequency` or `permitted_day_duty_frequency`.
    pub code: &'static str,
    /// The duty's date.
    pub date: NaiveDate,
    /// The calendar week of a 宿直.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub week_start: Option<NaiveDate>,
    /// The calendar month of a 日直, `YYYY-MM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    /// The duty's place in its week or month: 2, 3, …
    pub count: i64,
    pub limit: i64,
}

pub const NIGHT_FREQUENCY: &str = "permitted_night_duty_frequency";
pub const DAY_FREQUENCY: &str = "permitted_day_duty_frequency";

/// The frequency conditions (config, §13.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub week_start: Weekday,
    pub nights_per_week: i64,
    pub days_per_month: i64,
}

/// The spans of a doctor's rows of some kinds, merged.
fn spans(rows: &[Shift], kinds: &[Kind]) -> Vec<Interval> {
    merged(
        rows.iter()
            .filter(|r| kinds.contains(&r.kind()))
            .map(|r| (r.rounded_start(), r.rounded_end()))
            .collect(),
        true,
    )
}

/// The permit numbers and permitted parts found for one date and kind.
type Found<'a> = (Vec<&'a str>, Vec<Interval>);

fn total(parts: &[Interval]) -> Minutes {
    parts.iter().map(|(s, e)| minutes_between(*s, *e)).sum()
}

/// The doctor's permitted duties with a date in `from..=to`, by date then
/// kind (night first). `permits` is the whole register; those matching the
/// doctor's `department` count (§13.2).
pub fn duties(
    rows: &[Shift],
    permits: &[Permit],
    department: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Duty> {
    let permitted_rows = spans(rows, &[Kind::DutyPermitted]);
    if permitted_rows.is_empty() {
        return Vec::new();
    }
    let working = spans(rows, &[Kind::Work, Kind::Duty]);
    // (date, night first) → (permit numbers, parts).
    let mut found: BTreeMap<(NaiveDate, u8), Found> = BTreeMap::new();
    for p in permits.iter().filter(|p| p.matches(department)) {
        let mut d = from;
        while d <= to {
            if let Some(occ) = p.occurrence(d) {
                let inside = intersect(&[occ], &permitted_rows);
                if !inside.is_empty() {
                    let rank = match p.kind {
                        PermitKind::Night => 0,
                        PermitKind::Day => 1,
                    };
                    let entry = found.entry((d, rank)).or_default();
                    entry.0.push(&p.permit_no);
                    entry.1.extend(inside);
                }
            }
            d += Duration::days(1);
        }
    }
    found
        .into_iter()
        .map(|((date, rank), (mut numbers, parts))| {
            numbers.sort_unstable();
            let parts = merged(parts, true);
            Duty {
                date,
                kind: if rank == 0 { PermitKind::Night } else { PermitKind::Day },
                permit_no: numbers.first().map(|n| n.to_string()).unwrap_or_default(),
                permitted_minutes: total(&parts),
                work_minutes: total(&intersect(&parts, &working)),
                parts,
            }
        })
        .collect()
}

/// The frequency warnings of `duties` (all of a doctor's, by date): each
/// 宿直 beyond the limit in its calendar week, each 日直 beyond it in its
/// calendar month (§13.4), by date.
pub fn warnings(duties: &[Duty], limits: Limits) -> Vec<DutyWarning> {
    let mut per_week: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    let mut per_month: BTreeMap<YearMonth, i64> = BTreeMap::new();
    let mut out = Vec::new();
    for d in duties {
        match d.kind {
            PermitKind::Night => {
                let week = week_start_of(d.date, limits.week_start);
                let n = per_week.entry(week).or_default();
                *n += 1;
                if *n > limits.nights_per_week {
                    out.push(DutyWarning {
                        code: NIGHT_FREQUENCY,
                        date: d.date,
                        week_start: Some(week),
                        month: None,
                        count: *n,
                        limit: limits.nights_per_week,
                    });
                }
            }
            PermitKind::Day => {
                let month = YearMonth::of(d.date);
                let n = per_month.entry(month).or_default();
                *n += 1;
                if *n > limits.days_per_month {
                    out.push(DutyWarning {
                        code: DAY_FREQUENCY,
                        date: d.date,
                        week_start: None,
                        month: Some(month.to_string()),
                        count: *n,
                        limit: limits.days_per_month,
                    });
                }
            }
        }
    }
    out.sort_by_key(|w| w.date);
    out
}

/// The dates whose duties the warnings of `from..=to` depend on: from the
/// start of the week and of the month of `from`.
pub fn counting_from(from: NaiveDate, week_start: Weekday) -> NaiveDate {
    week_start_of(from, week_start).min(YearMonth::of(from).first_day())
}

/// A doctor's month of permitted duty (§13.5, formats.md R.7).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DutyMonth {
    pub permitted_night_duties: i64,
    pub permitted_day_duties: i64,
    pub permitted_duties_with_work: i64,
    pub work_minutes_in_permitted_duty: Minutes,
    pub permitted_duty_warnings: i64,
}

impl DutyMonth {
    /// The figures of the duties and warnings dated in `first..=last`.
    pub fn of(duties: &[Duty], warnings: &[DutyWarning], first: NaiveDate, last: NaiveDate) -> DutyMonth {
        let inside = |d: NaiveDate| first <= d && d <= last;
        let mut m = DutyMonth::default();
        for d in duties.iter().filter(|d| inside(d.date)) {
            match d.kind {
                PermitKind::Night => m.permitted_night_duties += 1,
                PermitKind::Day => m.permitted_day_duties += 1,
            }
            if d.with_work() {
                m.permitted_duties_with_work += 1;
            }
            m.work_minutes_in_permitted_duty += d.work_minutes;
        }
        m.permitted_duty_warnings = warnings.iter().filter(|w| inside(w.date)).count() as i64;
        m
    }
}

/// The non-permitted parts of the doctor's `duty_permitted` rows (§13.2):
/// working time of kind `duty`. `permitted` is the doctor's permitted
/// intervals, `None` when the register is off (nothing is outside).
pub fn outside_parts(rows: &[Shift], permitted: Option<&[Interval]>) -> Vec<Interval> {
    match permitted {
        None => Vec::new(),
        Some(p) => merged(subtract(&spans(rows, &[Kind::DutyPermitted]), p), true),
    }
}

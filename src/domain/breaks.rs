//! Breaks (休憩, 労基法34条; rules §14): the amount of break recorded in each
//! work period against the amount its working time needs — 45 minutes over
//! 6 h, 60 over 8 h. A work period is a chain of the doctor's own working
//! intervals whose gaps are shorter than config `break_period_gap_minutes`;
//! such a gap counts as break. kinmu sees only the amount recorded, so a
//! shortfall is a warning (14.2).

use super::interval::{subtract, Interval};
use super::shift::{Kind, Shift};
use super::time::{minutes_between, Minutes};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Serialize, Serializer};

/// Working time over this needs 45 minutes of break (6 h).
pub const SIX_HOURS: Minutes = 360;
/// Working time over this needs 60 minutes of break (8 h).
pub const EIGHT_HOURS: Minutes = 480;

pub const BREAK_SHORT: &str = "break_short";

fn minute<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.format("%Y-%m-%dT%H:%M").to_string())
}

/// One work period with its figures (§14.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkPeriod {
    /// The start's date.
    pub date: NaiveDate,
    #[serde(serialize_with = "minute")]
    pub start: NaiveDateTime,
    #[serde(serialize_with = "minute")]
    pub end: NaiveDateTime,
    /// Σ (end − start) of its intervals − Σ their breaks.
    pub working_minutes: Minutes,
    /// Σ `break_minutes` of its rows.
    pub break_recorded_minutes: Minutes,
    /// Σ the gaps inside the period.
    pub gap_minutes: Minutes,
    pub break_given_minutes: Minutes,
    pub break_required_minutes: Minutes,
    pub shortfall_minutes: Minutes,
}

impl WorkPeriod {
    pub fn short(&self) -> bool {
        self.shortfall_minutes > 0
    }
}

/// The break a working time needs (§14.1).
pub fn required(working: Minutes) -> Minutes {
    if working > EIGHT_HOURS {
        60
    } else if working > SIX_HOURS {
        45
    } else {
        0
    }
}

/// A working interval with the break taken from it.
#[derive(Debug, Clone, Copy)]
struct Piece {
    start: NaiveDateTime,
    end: NaiveDateTime,
    brk: Minutes,
}

/// The doctor's own working intervals (§14.1): `work` and `duty` rows, and
/// the non-permitted parts of `duty_permitted` rows (their break taken
/// from the first of those minutes, at most as many as there are, §13.3).
/// `permitted` is `None` when the permits register is off.
fn pieces(rows: &[Shift], permitted: Option<&[Interval]>) -> Vec<Piece> {
    let mut out = Vec::new();
    for r in rows {
        let span = (r.rounded_start(), r.rounded_end());
        match r.kind() {
            Kind::Work | Kind::Duty => out.push(Piece {
                start: span.0,
                end: span.1,
                brk: r.break_minutes().min(minutes_between(span.0, span.1)).max(0),
            }),
            Kind::DutyPermitted => {
                let Some(p) = permitted else { continue };
                let mut left = r.break_minutes().max(0);
                for (s, e) in subtract(&[span], p) {
                    let taken = left.min(minutes_between(s, e));
                    left -= taken;
                    out.push(Piece {
                        start: s,
                        end: e,
                        brk: taken,
                    });
                }
            }
            Kind::External | Kind::SelfStudy => {}
        }
    }
    out.sort_by_key(|p| (p.start, p.end));
    // Overlapping intervals: a later one starts where the earlier ends (§2).
    let mut covered: Option<NaiveDateTime> = None;
    for p in &mut out {
        if let Some(c) = covered {
            if p.start < c {
                p.start = c.min(p.end);
            }
        }
        covered = Some(covered.map_or(p.end, |c| c.max(p.end)));
    }
    out
}

/// The work periods of a doctor's rows (§14.1), in time order. A gap of
/// `gap_minutes` or more ends a period.
pub fn work_periods(rows: &[Shift], permitted: Option<&[Interval]>, gap_minutes: Minutes) -> Vec<WorkPeriod> {
    let mut out: Vec<WorkPeriod> = Vec::new();
    let mut current: Option<(NaiveDateTime, NaiveDateTime, Minutes, Minutes, Minutes)> = None;
    let close = |(start, end, span, brk, gap): (NaiveDateTime, NaiveDateTime, Minutes, Minutes, Minutes)| {
        let working = span - brk;
        let given = brk + gap;
        let need = required(working);
        WorkPeriod {
            date: start.date(),
            start,
            end,
            working_minutes: working,
            break_recorded_minutes: brk,
            gap_minutes: gap,
            break_given_minutes: given,
            break_required_minutes: need,
            shortfall_minutes: (need - given).max(0),
        }
    };
    for p in pieces(rows, permitted) {
        let len = minutes_between(p.start, p.end);
        current = Some(match current {
            Some((start, end, span, brk, gap)) if p.start < end + Duration::minutes(gap_minutes) => {
                let between = minutes_between(end, p.start).max(0);
                (start, end.max(p.end), span + len, brk + p.brk, gap + between)
            }
            other => {
                if let Some(c) = other {
                    out.push(close(c));
                }
                (p.start, p.end, len, p.brk, 0)
            }
        });
    }
    if let Some(c) = current {
        out.push(close(c));
    }
    out
}

/// A `break_short` warning of a period with a shortfall (§14.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreakWarning {
    pub code: &'static str,
    pub severity: &'static str,
    #[serde(flatten)]
    pub period: WorkPeriod,
}

/// The warnings of the periods starting in `first..=last`.
pub fn break_warnings(periods: &[WorkPeriod], first: NaiveDate, last: NaiveDate) -> Vec<BreakWarning> {
    periods
        .iter()
        .filter(|p| p.short() && first <= p.date && p.date <= last)
        .map(|p| BreakWarning {
            code: BREAK_SHORT,
            severity: "warning",
            period: p.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_required_break_steps_over_six_and_eight_hours() {
        assert_eq!(
            (required(360), required(361), required(480), required(481)),
            (0, 45, 45, 60)
        );
    }

    #[test]
    fn an_external_row_is_not_in_a_work_period_and_overlaps_count_once() {
        let rows = vec![
            Shift::new(at("2024-06-03 08:00"), at("2024-06-03 12:00"), 0, Kind::Work).unwrap(),
            Shift::new(at("2024-06-03 11:00"), at("2024-06-03 15:00"), 0, Kind::Duty).unwrap(),
            Shift::new(at("2024-06-03 15:10"), at("2024-06-03 20:00"), 0, Kind::External).unwrap(),
        ];
        let p = work_periods(&rows, Some(&[]), 60);
        assert_eq!(p.len(), 1);
        assert_eq!(
            (
                p[0].working_minutes,
                p[0].break_required_minutes,
                p[0].shortfall_minutes
            ),
            (420, 45, 45)
        );
        let w = break_warnings(&p, p[0].date, p[0].date);
        assert_eq!(w.len(), 1);
        assert_eq!(serde_json::to_value(&w[0]).unwrap()["start"], "2024-06-03T08:00");
    }
}

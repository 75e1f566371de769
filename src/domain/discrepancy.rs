//! PC-usage sessions against the timecard: discrepancies (乖離, rules §9).
//!
//! A PC session is read like a punch (log-on floored, log-off ceiled). Its
//! minutes not covered by any timecard row of the same doctor, of any kind,
//! are uncovered; they are summed per day of the session's start (a session
//! is not split at midnight), and a day whose sum exceeds the configured
//! minutes is one discrepancy. Discrepancies never change the hour figures.

use super::shift::Shift;
use super::time::{ceil_minute, floor_minute, minutes_between, Minutes};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::BTreeMap;

/// One PC log-on to log-off, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PcSession {
    pub logon: NaiveDateTime,
    pub logoff: NaiveDateTime,
}

/// A day on which PC use and the timecard disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DiscrepancyDay {
    pub date: NaiveDate,
    pub uncovered_minutes: Minutes,
}

/// Timecard coverage as sorted, disjoint minute intervals.
struct Coverage(Vec<(NaiveDateTime, NaiveDateTime)>);

impl Coverage {
    fn new(rows: &[Shift]) -> Coverage {
        let mut spans: Vec<_> = rows.iter().map(|s| (s.rounded_start(), s.rounded_end())).collect();
        spans.sort_unstable();
        let mut merged: Vec<(NaiveDateTime, NaiveDateTime)> = Vec::with_capacity(spans.len());
        for (start, end) in spans {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        Coverage(merged)
    }

    /// Minutes of `[from, to)` inside the coverage.
    fn covered(&self, from: NaiveDateTime, to: NaiveDateTime) -> Minutes {
        let first = self.0.partition_point(|(_, end)| *end <= from);
        self.0[first..]
            .iter()
            .take_while(|(start, _)| *start < to)
            .map(|(start, end)| minutes_between((*start).max(from), (*end).min(to)))
            .sum()
    }
}

/// The discrepancy days of one doctor between `from` and `to` (inclusive).
///
/// `sessions` are the doctor's PC sessions; `timecard` the doctor's actual
/// rows (any kind) starting on or before the as-of date.
pub fn discrepancy_days(
    sessions: &[PcSession],
    timecard: &[Shift],
    from: NaiveDate,
    to: NaiveDate,
    threshold: Minutes,
) -> Vec<DiscrepancyDay> {
    let coverage = Coverage::new(timecard);
    let mut by_day: BTreeMap<NaiveDate, Minutes> = BTreeMap::new();
    for s in sessions {
        let day = s.logon.date();
        if day < from || day > to {
            continue;
        }
        let (on, off) = (floor_minute(s.logon), ceil_minute(s.logoff));
        if off <= on {
            continue;
        }
        let uncovered = minutes_between(on, off) - coverage.covered(on, off);
        *by_day.entry(day).or_default() += uncovered;
    }
    by_day
        .into_iter()
        .filter(|(_, m)| *m > threshold)
        .map(|(date, uncovered_minutes)| DiscrepancyDay {
            date,
            uncovered_minutes,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::shift::Kind;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }
    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn session(on: &str, off: &str) -> PcSession {
        PcSession {
            logon: at(on),
            logoff: at(off),
        }
    }
    fn row(start: &str, end: &str, kind: Kind) -> Shift {
        Shift::new(at(start), at(end), 0, kind).unwrap()
    }
    fn june() -> (NaiveDate, NaiveDate) {
        (d("2024-06-01"), d("2024-06-30"))
    }

    #[test]
    fn pc_use_after_clocking_out_beyond_30_minutes_is_a_discrepancy() {
        // Clocked 08:30–17:30; PC 08:25–18:10: 5 + 40 = 45 uncovered > 30.
        let tc = [row("2024-06-04 08:30:00", "2024-06-04 17:30:00", Kind::Work)];
        let pcs = [session("2024-06-04 08:25:00", "2024-06-04 18:10:00")];
        let (from, to) = june();
        assert_eq!(
            discrepancy_days(&pcs, &tc, from, to, 30),
            vec![DiscrepancyDay {
                date: d("2024-06-04"),
                uncovered_minutes: 45
            }]
        );
    }

    #[test]
    fn exactly_30_uncovered_minutes_is_not_a_discrepancy() {
        let tc = [row("2024-06-04 08:30:00", "2024-06-04 17:30:00", Kind::Work)];
        let pcs = [session("2024-06-04 17:00:00", "2024-06-04 18:00:00")];
        let (from, to) = june();
        assert!(discrepancy_days(&pcs, &tc, from, to, 30).is_empty());
    }

    #[test]
    fn rows_of_any_kind_cover_pc_use_and_sessions_of_a_day_add_up() {
        // Self-study 18:00–20:00 covers the evening; two sessions of 20 min
        // each outside any row add up to 40 on the day.
        let tc = [
            row("2024-06-04 08:30:00", "2024-06-04 17:30:00", Kind::Work),
            row("2024-06-04 18:00:00", "2024-06-04 20:00:00", Kind::SelfStudy),
        ];
        let pcs = [
            session("2024-06-04 17:30:00", "2024-06-04 17:50:00"),
            session("2024-06-04 19:00:00", "2024-06-04 20:20:00"),
        ];
        let (from, to) = june();
        assert_eq!(discrepancy_days(&pcs, &tc, from, to, 30)[0].uncovered_minutes, 40);
    }

    #[test]
    fn a_session_past_midnight_counts_on_its_start_day_and_log_times_round_outwards() {
        // 23:50:30 → 00:40:10 reads as 23:50 → 00:41 = 51 minutes, all on the 4th.
        let pcs = [session("2024-06-04 23:50:30", "2024-06-05 00:40:10")];
        let (from, to) = june();
        assert_eq!(
            discrepancy_days(&pcs, &[], from, to, 30),
            vec![DiscrepancyDay {
                date: d("2024-06-04"),
                uncovered_minutes: 51
            }]
        );
    }

    #[test]
    fn a_night_row_started_the_day_before_covers_the_morning() {
        let tc = [row("2024-06-03 17:00:00", "2024-06-04 09:00:00", Kind::Duty)];
        let pcs = [session("2024-06-04 07:00:00", "2024-06-04 09:20:00")];
        let (from, to) = june();
        assert!(discrepancy_days(&pcs, &tc, from, to, 30).is_empty());
    }

    #[test]
    fn days_outside_the_window_are_not_counted() {
        let pcs = [
            session("2024-05-31 10:00:00", "2024-05-31 12:00:00"),
            session("2024-06-20 10:00:00", "2024-06-20 12:00:00"),
        ];
        let found = discrepancy_days(&pcs, &[], d("2024-06-01"), d("2024-06-15"), 30);
        assert!(found.is_empty());
    }
}

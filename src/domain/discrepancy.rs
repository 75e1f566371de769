//! PC-usage sessions against the timecard: discrepancies (乖離, rules §9).
//!
//! A PC session is read like a punch (log-on floored, log-off ceiled); a
//! doctor's sessions that share a minute are merged, so each minute of PC use
//! counts once. The minutes not covered by any timecard row of the same
//! doctor, of any kind, are uncovered ([`uncovered`], the one coverage
//! function); they are summed per day of the merged interval's start (not
//! split at midnight), and a day whose sum exceeds the configured minutes is
//! one discrepancy. Discrepancies never change the hour figures.

use super::interval::{intersect, intersect_merged, merged, subtract, subtract_merged, Interval};
use super::shift::{Kind, Shift};
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

/// One stretch of PC use outside every timecard row, on minute boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uncovered {
    /// The day it counts on: the log-on date of the earliest session of its
    /// merged PC interval (an interval is not split at midnight).
    pub day: NaiveDate,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

impl Uncovered {
    pub fn minutes(&self) -> Minutes {
        minutes_between(self.start, self.end)
    }
}

/// What a doctor's PC minutes are checked against (rules §9), from the
/// timecard rows starting on or before the as-of date: the minutes that
/// cover PC use, and the two kinds of minutes whose PC use is reviewed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Working rows (`work`, `duty`, `external`), the non-permitted parts
    /// of permitted duty, self-study inside the schedule.
    covered: Vec<Interval>,
    /// The permitted parts of permitted duty.
    permitted: Vec<Interval>,
    /// Self-study outside the schedule, whatever its status.
    study: Vec<Interval>,
}

impl Coverage {
    /// The coverage of `rows` (rules §9): `inside` is the doctor's schedule
    /// (merged intervals, §2.1), `permits` the permit occurrences matching
    /// the doctor (§13.2) or `None` when the permits register is off.
    pub fn new(rows: &[Shift], inside: &[Interval], permits: Option<&[Interval]>) -> Coverage {
        let span = |s: &Shift| (s.rounded_start(), s.rounded_end());
        let of = |k: Kind| rows.iter().filter(move |s| s.kind() == k).map(span).collect::<Vec<_>>();
        let mut covered: Vec<Interval> = rows.iter().filter(|s| s.kind().is_working()).map(span).collect();
        let duty = of(Kind::DutyPermitted);
        let permitted = match permits {
            Some(p) => intersect(&duty, p),
            None => duty.clone(),
        };
        covered.extend(subtract(&duty, &permitted));
        let study = of(Kind::SelfStudy);
        covered.extend(intersect(&study, inside));
        let covered = merged(covered, true);
        Coverage {
            study: subtract(&subtract(&study, inside), &covered),
            permitted: subtract(&permitted, &covered),
            covered,
        }
    }

    /// Every row covers its span: for rows whose schedule is not at hand
    /// (a projection's planned rows never meet PC logs).
    pub fn every_row(rows: &[Shift]) -> Coverage {
        Coverage {
            covered: merged(
                rows.iter().map(|s| (s.rounded_start(), s.rounded_end())).collect(),
                true,
            ),
            ..Coverage::default()
        }
    }
}

/// What a minute of PC use is (rules §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PcClass {
    /// Outside everything that covers or is reviewed: a discrepancy minute.
    Uncovered,
    /// Inside the permitted part of permitted duty.
    PcDuringPermittedDuty,
    /// Inside self-study outside the schedule.
    PcDuringSelfStudy,
}

impl PcClass {
    pub fn code(self) -> &'static str {
        match self {
            PcClass::Uncovered => "uncovered",
            PcClass::PcDuringPermittedDuty => "pc_during_permitted_duty",
            PcClass::PcDuringSelfStudy => "pc_during_self_study",
        }
    }

    /// The class of a stored code (`pc_review_resolutions.kind`).
    pub fn parse(s: &str) -> Option<PcClass> {
        [
            PcClass::Uncovered,
            PcClass::PcDuringPermittedDuty,
            PcClass::PcDuringSelfStudy,
        ]
        .into_iter()
        .find(|c| c.code() == s)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            PcClass::Uncovered => "勤務記録外のPC使用",
            PcClass::PcDuringPermittedDuty => "宿日直許可の時間中のPC使用",
            PcClass::PcDuringSelfStudy => "自己研鑽（所定外）中のPC使用",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            PcClass::Uncovered => "PC use outside the records",
            PcClass::PcDuringPermittedDuty => "PC use during permitted duty",
            PcClass::PcDuringSelfStudy => "PC use during self-study (outside the schedule)",
        }
    }
}

/// A stretch of PC use of one class, with the day it counts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PcPiece {
    pub day: NaiveDate,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub class: PcClass,
}

/// Every minute of a doctor's PC use that is not covered, classified
/// (rules §9) — the one coverage function: the monthly report's counts, the
/// queue and a resolution all take their minutes from here, so they agree.
///
/// Each session is read like a punch (log-on floored, log-off ceiled); the
/// doctor's sessions that share a minute are merged first, so each minute
/// of PC use counts once; sessions that only touch stay two. A merged
/// interval counts on the day of its start (not split at midnight). The
/// result is in time order.
pub fn classify(sessions: &[PcSession], coverage: &Coverage) -> Vec<PcPiece> {
    let pc = merged(
        sessions
            .iter()
            .map(|s| (floor_minute(s.logon), ceil_minute(s.logoff)))
            .filter(|(on, off)| off > on)
            .collect(),
        false,
    );
    // Each set merged once, then looked up by each interval of PC use.
    let covered = merged(coverage.covered.clone(), true);
    let reviewed = [
        (PcClass::PcDuringPermittedDuty, merged(coverage.permitted.clone(), true)),
        (PcClass::PcDuringSelfStudy, merged(coverage.study.clone(), true)),
    ];
    let mut out = Vec::new();
    for (on, off) in pc {
        let day = on.date();
        for (start, end) in subtract_merged(&[(on, off)], &covered) {
            let mut rest = vec![(start, end)];
            for (class, set) in &reviewed {
                let class = *class;
                for (s, e) in intersect_merged(&rest, set) {
                    out.push(PcPiece {
                        day,
                        start: s,
                        end: e,
                        class,
                    });
                }
                rest = subtract_merged(&rest, set);
            }
            out.extend(rest.into_iter().map(|(s, e)| PcPiece {
                day,
                start: s,
                end: e,
                class: PcClass::Uncovered,
            }));
        }
    }
    out.sort_by_key(|p| (p.start, p.end));
    out
}

/// The uncovered stretches of [`classify`].
pub fn uncovered(sessions: &[PcSession], coverage: &Coverage) -> Vec<Uncovered> {
    classify(sessions, coverage)
        .into_iter()
        .filter(|p| p.class == PcClass::Uncovered)
        .map(|p| Uncovered {
            day: p.day,
            start: p.start,
            end: p.end,
        })
        .collect()
}

/// A day and kind of PC use inside 研鑽 or permitted duty above the review
/// line (rules §9 `pc_review_minutes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReviewItem {
    pub date: NaiveDate,
    pub kind: PcClass,
    pub minutes: Minutes,
}

/// The review items of one doctor between `from` and `to` (inclusive).
pub fn review_items(
    sessions: &[PcSession],
    coverage: &Coverage,
    from: NaiveDate,
    to: NaiveDate,
    threshold: Minutes,
) -> Vec<ReviewItem> {
    review_items_of(&classify(sessions, coverage), from, to, threshold)
}

/// [`review_items`] of pieces already [`classify`]'d.
pub fn review_items_of(pieces: &[PcPiece], from: NaiveDate, to: NaiveDate, threshold: Minutes) -> Vec<ReviewItem> {
    let mut by_day: BTreeMap<(NaiveDate, PcClass), Minutes> = BTreeMap::new();
    for p in pieces {
        if p.class != PcClass::Uncovered && (from..=to).contains(&p.day) {
            *by_day.entry((p.day, p.class)).or_default() += minutes_between(p.start, p.end);
        }
    }
    by_day
        .into_iter()
        .filter(|(_, m)| *m > threshold)
        .map(|((date, kind), minutes)| ReviewItem { date, kind, minutes })
        .collect()
}

/// The discrepancy days of one doctor between `from` and `to` (inclusive):
/// the days whose [`uncovered`] minutes exceed `threshold`.
///
/// `sessions` are the doctor's PC sessions; `timecard` the doctor's actual
/// rows (any kind) starting on or before the as-of date.
pub fn discrepancy_days(
    sessions: &[PcSession],
    coverage: &Coverage,
    from: NaiveDate,
    to: NaiveDate,
    threshold: Minutes,
) -> Vec<DiscrepancyDay> {
    discrepancy_days_of(&classify(sessions, coverage), from, to, threshold)
}

/// [`discrepancy_days`] of pieces already [`classify`]'d.
pub fn discrepancy_days_of(
    pieces: &[PcPiece],
    from: NaiveDate,
    to: NaiveDate,
    threshold: Minutes,
) -> Vec<DiscrepancyDay> {
    let mut by_day: BTreeMap<NaiveDate, Minutes> = BTreeMap::new();
    for p in pieces {
        if p.class == PcClass::Uncovered && (from..=to).contains(&p.day) {
            *by_day.entry(p.day).or_default() += minutes_between(p.start, p.end);
        }
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
            discrepancy_days(&pcs, &Coverage::new(&tc, &[], Some(&[])), from, to, 30),
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
        assert!(discrepancy_days(&pcs, &Coverage::new(&tc, &[], Some(&[])), from, to, 30).is_empty());
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
        assert_eq!(
            discrepancy_days(&pcs, &Coverage::new(&tc, &[], Some(&[])), from, to, 30)[0].uncovered_minutes,
            40
        );
    }

    #[test]
    fn a_session_past_midnight_counts_on_its_start_day_and_log_times_round_outwards() {
        // 23:50:30 → 00:40:10 reads as 23:50 → 00:41 = 51 minutes, all on the 4th.
        let pcs = [session("2024-06-04 23:50:30", "2024-06-05 00:40:10")];
        let (from, to) = june();
        assert_eq!(
            discrepancy_days(&pcs, &Coverage::default(), from, to, 30),
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
        assert!(discrepancy_days(&pcs, &Coverage::new(&tc, &[], Some(&[])), from, to, 30).is_empty());
    }

    #[test]
    fn days_outside_the_window_are_not_counted() {
        let pcs = [
            session("2024-05-31 10:00:00", "2024-05-31 12:00:00"),
            session("2024-06-20 10:00:00", "2024-06-20 12:00:00"),
        ];
        let found = discrepancy_days(&pcs, &Coverage::default(), d("2024-06-01"), d("2024-06-15"), 30);
        assert!(found.is_empty());
    }

    fn span(day: &str, start: &str, end: &str) -> Uncovered {
        Uncovered {
            day: d(day),
            start: at(start),
            end: at(end),
        }
    }

    #[test]
    fn pc_time_after_clock_out_is_one_separate_interval_starting_at_the_clock_out() {
        let tc = [row("2024-06-03 08:30:00", "2024-06-03 17:30:00", Kind::Work)];
        let pc = [session("2024-06-03 08:20:10", "2024-06-03 18:29:30")];
        assert_eq!(
            uncovered(&pc, &Coverage::new(&tc, &[], Some(&[]))),
            vec![
                span("2024-06-03", "2024-06-03 08:20:00", "2024-06-03 08:30:00"),
                span("2024-06-03", "2024-06-03 17:30:00", "2024-06-03 18:30:00"),
            ],
            "log-on floored, log-off ceiled, the clocked row untouched"
        );
    }

    #[test]
    fn two_pcs_at_once_count_once_in_the_report_and_in_what_a_resolution_adds() {
        // The example of issue 11: v1's report counted 135 here (60 + 75,
        // the 19:30–20:00 overlap twice) while resolving the day as work
        // added 105. Both are 105 now (rules §9).
        let tc = [
            row("2024-06-03 08:30:00", "2024-06-03 17:30:00", Kind::Work),
            row("2024-06-03 18:00:00", "2024-06-03 19:00:00", Kind::SelfStudy),
        ];
        let pc = [
            session("2024-06-03 17:00:00", "2024-06-03 20:00:00"),
            session("2024-06-03 19:30:00", "2024-06-03 20:15:00"),
        ];
        let got = uncovered(&pc, &Coverage::new(&tc, &[], Some(&[])));
        assert_eq!(
            got,
            vec![
                span("2024-06-03", "2024-06-03 17:30:00", "2024-06-03 18:00:00"),
                span("2024-06-03", "2024-06-03 19:00:00", "2024-06-03 20:15:00"),
            ]
        );
        assert_eq!(got.iter().map(Uncovered::minutes).sum::<Minutes>(), 105);
        let (from, to) = june();
        assert_eq!(
            discrepancy_days(&pc, &Coverage::new(&tc, &[], Some(&[])), from, to, 30)[0].uncovered_minutes,
            105
        );
    }

    #[test]
    fn a_merged_interval_counts_on_its_earliest_sessions_day_and_touching_sessions_stay_apart() {
        // 23:00–00:30 and 00:10–01:00 share minutes: one interval of 120 on
        // the 3rd. 22:00–24:00 and 00:00–00:40 only touch: two days.
        let pc = [
            session("2024-06-03 23:00:00", "2024-06-04 00:30:00"),
            session("2024-06-04 00:10:00", "2024-06-04 01:00:00"),
            session("2024-06-10 22:00:00", "2024-06-11 00:00:00"),
            session("2024-06-11 00:00:00", "2024-06-11 00:40:00"),
        ];
        let (from, to) = june();
        assert_eq!(
            discrepancy_days(&pc, &Coverage::default(), from, to, 30),
            vec![
                DiscrepancyDay {
                    date: d("2024-06-03"),
                    uncovered_minutes: 120
                },
                DiscrepancyDay {
                    date: d("2024-06-10"),
                    uncovered_minutes: 120
                },
                DiscrepancyDay {
                    date: d("2024-06-11"),
                    uncovered_minutes: 40
                },
            ]
        );
    }

    #[test]
    fn a_fully_covered_session_leaves_nothing() {
        let tc = [row("2024-06-02 17:00:00", "2024-06-03 09:00:00", Kind::Duty)];
        let pc = [session("2024-06-03 07:00:00", "2024-06-03 09:00:00")];
        assert!(uncovered(&pc, &Coverage::new(&tc, &[], Some(&[]))).is_empty());
    }
}

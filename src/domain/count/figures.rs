//! A month's figures from the counted segments (rules §6.2, §7.3–§7.5,
//! §16, §17), and the figures of each day.

use super::super::agreement::AgreementLimits;
use super::super::profile::{Profile, StudyStatus};
use super::super::shift::{Kind, Shift};
use super::super::time::{midnight, minutes_between, Minutes, YearMonth};
use super::{Counted, Employers, Interval, Seg, VariablePeriodInfo};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::BTreeMap;

/// One day's minutes (the examples' `by_day`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DayFigures {
    /// R(d): ordinary minutes attributed to the day, own and external.
    pub ordinary: Minutes,
    /// Overtime attributed to the day: daily, weekly and period.
    pub overtime: Minutes,
    /// Holiday minutes on the day (own).
    pub holiday: Minutes,
}

/// A doctor's figures for one agreement month (§6.2). All values are minutes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MonthFigures {
    /// Combined: ordinary minutes (own and external) + holiday minutes.
    pub total_work_minutes: Minutes,
    pub own_total_work_minutes: Minutes,
    /// Combined overtime: daily + weekly + period, own and external.
    pub overtime_minutes: Minutes,
    pub own_overtime_minutes: Minutes,
    pub external_overtime_minutes: Minutes,
    pub daily_overtime_minutes: Minutes,
    pub weekly_overtime_minutes: Minutes,
    pub period_overtime_minutes: Minutes,
    pub holiday_minutes: Minutes,
    pub holiday_days: i64,
    pub holiday_dates: Vec<NaiveDate>,
    pub rest_days_short: bool,
    /// 時間外・休日労働時間 (combined): the figure of §7.1 and §8.
    pub overtime_holiday_minutes: Minutes,
    pub own_overtime_holiday_minutes: Minutes,
    pub self_study_minutes: Minutes,
    pub self_study_counted_minutes: Minutes,
    pub self_study_excluded_minutes: Minutes,
    pub self_study_unconfirmed_rows: i64,
    pub external_minutes: Minutes,
    pub duty_permitted_minutes: Minutes,
    pub duty_outside_permit_minutes: Minutes,
    pub late_night_minutes: Minutes,
    pub overtime_over_60h_minutes: Minutes,
    pub anei_total_minutes: Minutes,
    pub anei_excess_minutes: Minutes,
    pub anei_over_80: bool,
    pub special_clause_month: bool,
    pub special_month_exceeded: bool,
    pub holiday_days_exceeded: bool,
    /// The first 変形 period touching the month (readings 2).
    pub variable_period: Option<VariablePeriodInfo>,
    /// The days on which period overtime arose (§5a.3).
    #[serde(skip)]
    pub period_overtime_dates: Vec<NaiveDate>,
    /// `run(k)`: combined overtime + holiday minutes of days 1..=k, index k−1 (§8).
    #[serde(skip)]
    pub running: Vec<Minutes>,
    /// The end of the 6000th combined overtime or holiday minute (§8.2).
    #[serde(skip)]
    pub reach_100_at: Option<NaiveDateTime>,
}

/// 100 hours: the interview (面接指導) must be done before this (以上).
pub const INTERVIEW_LINE: Minutes = 6000;
/// 155 hours: above this (を超える) measures to shorten hours are mandatory.
pub const MEASURES_LINE: Minutes = 9300;

/// 60 hours: the line of the 50 % premium (§17).
pub const PREMIUM_60H: Minutes = 3600;

/// The late-night minutes (22:00–05:00) of `iv` (§17).
fn late_night(iv: Interval) -> Minutes {
    let mut total = 0;
    let mut d = iv.0.date() - Duration::days(1);
    while midnight(d) < iv.1 {
        let band = (midnight(d) + Duration::hours(22), midnight(d) + Duration::hours(29));
        let (s, e) = (iv.0.max(band.0), iv.1.min(band.1));
        if s < e {
            total += minutes_between(s, e);
        }
        d += Duration::days(1);
    }
    total
}

/// The §16 excess over 40 h a week in a month of `days` days, rounded up.
pub fn anei_excess(total: Minutes, days: i64) -> Minutes {
    let over = 7 * total - 2400 * days;
    if over <= 0 {
        0
    } else {
        (over + 6) / 7
    }
}

/// The end of the `line`-th of the given minutes, in the order worked.
pub fn reach_instant(mut stretches: Vec<Interval>, line: Minutes) -> Option<NaiveDateTime> {
    stretches.sort_unstable();
    let mut total = 0;
    for (s, e) in stretches {
        let len = minutes_between(s, e);
        if total + len >= line {
            return Some(s + Duration::minutes(line - total));
        }
        total += len;
    }
    None
}

impl MonthFigures {
    /// The figures derived from the counted ones (§6.2, §7.3–§7.5, §16,
    /// §17): sums, the 36協定 flags, the 60 h line and the 安衛法 excess.
    pub fn finish(&mut self, limits: &AgreementLimits, days: i64) {
        self.overtime_minutes = self.own_overtime_minutes + self.external_overtime_minutes;
        self.overtime_holiday_minutes = self.overtime_minutes + self.holiday_minutes;
        self.own_overtime_holiday_minutes = self.own_overtime_minutes + self.holiday_minutes;
        self.overtime_over_60h_minutes = (self.own_overtime_minutes - PREMIUM_60H).max(0);
        self.anei_excess_minutes = anei_excess(self.anei_total_minutes, days);
        self.anei_over_80 = self.anei_excess_minutes > 4800;
        self.special_clause_month = self.own_overtime_minutes > limits.general_month_minutes;
        self.special_month_exceeded =
            limits.special_month_minutes > 0 && self.own_overtime_holiday_minutes > limits.special_month_minutes;
        self.holiday_days_exceeded = self.holiday_days > limits.holiday_days_per_month;
    }
}

impl Counted {
    /// Every day's minutes.
    pub fn by_day(&self) -> BTreeMap<NaiveDate, DayFigures> {
        let mut out: BTreeMap<NaiveDate, DayFigures> = BTreeMap::new();
        for s in &self.segs {
            let f = out.entry(s.day).or_default();
            if s.holiday {
                f.holiday += s.minutes();
            } else {
                f.ordinary += s.minutes();
                f.overtime += s.overtime();
            }
        }
        out
    }

    /// The month's figures. `rows` are the rows [`super::count`] took;
    /// `limits` the 36協定's.
    pub fn month(&self, rows: &[Shift], profile: &Profile, month: YearMonth, limits: &AgreementLimits) -> MonthFigures {
        let mut f = MonthFigures::default();
        let in_month = |s: &&Seg| month.contains(s.day);
        let dispatched = |name: &str| profile.employers.iter().any(|e| e.name == name && e.dispatched);
        let mut dispatched_minutes = 0;
        let mut day_totals: BTreeMap<NaiveDate, Minutes> = BTreeMap::new();
        let mut counted: Vec<Interval> = Vec::new();
        for s in self.segs.iter().filter(in_month) {
            let m = s.minutes();
            f.total_work_minutes += m;
            if s.own() {
                f.own_total_work_minutes += m;
                f.late_night_minutes += late_night((s.start, s.end));
            }
            if s.holiday {
                f.holiday_minutes += m;
                counted.push((s.start, s.end));
                *day_totals.entry(s.day).or_default() += m;
                continue;
            }
            f.daily_overtime_minutes += s.daily;
            f.weekly_overtime_minutes += s.weekly;
            f.period_overtime_minutes += s.period;
            if s.period > 0 && !f.period_overtime_dates.contains(&s.day) {
                f.period_overtime_dates.push(s.day);
            }
            let ot = s.overtime();
            if s.own() {
                f.own_overtime_minutes += ot;
            } else {
                f.external_overtime_minutes += ot;
            }
            *day_totals.entry(s.day).or_default() += ot;
            counted.extend(s.overtime_interval());
        }
        for (i, r) in rows.iter().enumerate().filter(|(_, r)| month.contains(r.start_date())) {
            match r.kind() {
                Kind::SelfStudy => {
                    f.self_study_minutes += r.minutes();
                    if r.study() == StudyStatus::Unconfirmed {
                        f.self_study_unconfirmed_rows += 1;
                    }
                    if let Some((_, t)) = self.study.iter().find(|(j, _)| *j == i) {
                        f.self_study_counted_minutes += t.counted;
                        f.self_study_excluded_minutes += t.excluded;
                    }
                }
                Kind::External => f.external_minutes += r.minutes(),
                Kind::DutyPermitted => {
                    if let Some((_, t)) = self.duty.iter().find(|(j, _)| *j == i) {
                        f.duty_permitted_minutes += t.permitted;
                        f.duty_outside_permit_minutes += t.outside;
                    }
                }
                Kind::Work | Kind::Duty => {}
            }
        }
        for s in self.segs.iter().filter(in_month).filter(|s| !s.own()) {
            let name = self.segs_employer(rows, profile, s);
            if name.as_deref().is_some_and(dispatched) {
                dispatched_minutes += s.minutes();
            }
        }
        f.holiday_dates = self
            .holidays
            .iter()
            .filter(|d| month.contains(**d))
            .filter(|d| self.segs.iter().any(|s| s.holiday && s.day == **d))
            .copied()
            .collect();
        f.holiday_days = f.holiday_dates.len() as i64;
        f.rest_days_short = self
            .rest_days_short
            .iter()
            .any(|(a, b)| *a <= month.last_day() && month.first_day() <= *b);
        f.anei_total_minutes = f.own_total_work_minutes + dispatched_minutes;
        f.finish(limits, month.days());
        f.variable_period = self
            .schedule
            .periods
            .iter()
            .filter(|p| p.first_day <= month.last_day() && month.first_day() <= p.last_day)
            .min_by_key(|p| p.first_day)
            .cloned();
        let mut run = 0;
        f.running = month
            .iter_days()
            .map(|d| {
                run += day_totals.get(&d).copied().unwrap_or(0);
                run
            })
            .collect();
        f.reach_100_at = reach_instant(counted, INTERVIEW_LINE);
        f
    }

    /// The end of the month's `line`-th combined overtime or holiday
    /// minute, in the order worked (§8.2).
    pub fn reach(&self, month: YearMonth, line: Minutes) -> Option<NaiveDateTime> {
        let stretches = self
            .segs
            .iter()
            .filter(|s| month.contains(s.day))
            .filter_map(|s| {
                if s.holiday {
                    Some((s.start, s.end))
                } else {
                    s.overtime_interval()
                }
            })
            .collect();
        reach_instant(stretches, line)
    }

    /// The employer of an external segment: the external row it lies in.
    fn segs_employer(&self, rows: &[Shift], profile: &Profile, s: &Seg) -> Option<String> {
        rows.iter()
            .filter(|r| r.kind() == Kind::External)
            .find(|r| r.rounded_start() <= s.start && s.end <= r.rounded_end())
            .map(|r| Employers::name_of(profile, r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished(f: MonthFigures, limits: &AgreementLimits) -> MonthFigures {
        let mut f = f;
        f.finish(limits, 30);
        f
    }

    /// [ex K1] own 時間外 2,820 over the general 2,700: a special-clause
    /// month, 120 over; holiday work is not in the 45 h.
    #[test]
    fn k1_a_special_clause_month() {
        let f = finished(
            MonthFigures {
                own_overtime_minutes: 2820,
                holiday_minutes: 600,
                ..MonthFigures::default()
            },
            &AgreementLimits::default(),
        );
        assert!(f.special_clause_month);
        assert_eq!(f.own_overtime_minutes - 2700, 120);
        assert_eq!(f.own_overtime_holiday_minutes, 3420);
        assert!(f.overtime_holiday_minutes < 6000);
    }

    /// [ex K2] three worked Sundays against an agreement of two.
    #[test]
    fn k2_holiday_days_over_the_agreement() {
        let limits = AgreementLimits {
            holiday_days_per_month: 2,
            ..AgreementLimits::default()
        };
        let f = finished(
            MonthFigures {
                own_overtime_minutes: 2640,
                holiday_minutes: 900,
                holiday_days: 3,
                ..MonthFigures::default()
            },
            &limits,
        );
        assert!(!f.special_clause_month);
        assert!(f.holiday_days_exceeded);
        assert_eq!(f.overtime_holiday_minutes, 3540);
    }

    /// [ex P2] the 60 h line counts own 時間外 only.
    #[test]
    fn p2_the_sixty_hour_line_leaves_holiday_work_out() {
        let f = finished(
            MonthFigures {
                own_overtime_minutes: 3700,
                holiday_minutes: 600,
                ..MonthFigures::default()
            },
            &AgreementLimits::default(),
        );
        assert_eq!(f.overtime_over_60h_minutes, 100);
    }

    /// [ex K5] 141条 disapplies the six-month and the 2–6-month average
    /// limits: kinmu computes neither figure.
    #[test]
    fn k5_no_six_months_rule_and_no_two_to_six_month_average() {
        let v = serde_json::to_value(MonthFigures::default()).unwrap();
        let names: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert!(
            names
                .iter()
                .all(|n| !n.contains("average") && !n.contains("months_over")),
            "{names:?}"
        );
    }

    /// [ex N1] 30 days, [ex N2] 29, [ex N3] 31, [ex N4] the V1 schedule:
    /// the 安衛法 excess over 40 h a week, rounded up.
    #[test]
    fn n1_to_n4_the_eighty_hour_test_for_each_month_length() {
        for (days, below, above) in [(30, 15_085, 15_086), (29, 14_742, 14_743), (31, 15_428, 15_429)] {
            assert_eq!(anei_excess(below, days), 4800, "{days}");
            assert_eq!(anei_excess(above, days), 4801, "{days}");
        }
        // [ex N4] the V1 schedule: 9,600 in 28 days.
        assert_eq!(anei_excess(9600, 28), 0);
    }

    /// [ex AN-1] hours at a hospital the doctor was sent to count; a
    /// private side job does not.
    #[test]
    fn an_1_dispatched_external_hours_count_for_the_notice() {
        let with = finished(
            MonthFigures {
                anei_total_minutes: 13_000 + 2200,
                ..MonthFigures::default()
            },
            &AgreementLimits::default(),
        );
        assert_eq!((with.anei_excess_minutes, with.anei_over_80), (4915, true));
        let without = finished(
            MonthFigures {
                anei_total_minutes: 13_000,
                ..MonthFigures::default()
            },
            &AgreementLimits::default(),
        );
        assert_eq!((without.anei_excess_minutes, without.anei_over_80), (2715, false));
    }
}

//! The 36協定: its month and year (rules §6.1), the effective level under
//! the prefecture's designations (§7.2) and its limits (§7.3–§7.5).

use super::shift::Level;
use super::time::{Minutes, YearMonth};
use chrono::{Datelike, Months, NaiveDate};

/// Where agreement months and years start (config `month_start_day`,
/// `year_start`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AgreementCalendar {
    /// 1–28; 1 = calendar months.
    pub month_start_day: u32,
    /// The month of `year_start` (its day is `month_start_day`).
    pub year_start_month: u32,
}

impl Default for AgreementCalendar {
    fn default() -> Self {
        AgreementCalendar {
            month_start_day: 1,
            year_start_month: 4,
        }
    }
}

impl AgreementCalendar {
    /// Reads `month_start_day` and `year_start` (`MM-DD`); the day of
    /// `year_start` must equal `month_start_day` (rules §6.1).
    pub fn new(month_start_day: i64, year_start: &str) -> Result<AgreementCalendar, &'static str> {
        if !(1..=28).contains(&month_start_day) {
            return Err("month_start_day は 1〜28 / month_start_day must be 1–28");
        }
        let (m, d) = year_start
            .trim()
            .split_once('-')
            .and_then(|(m, d)| Some((m.parse::<u32>().ok()?, d.parse::<u32>().ok()?)))
            .filter(|(m, d)| (1..=12).contains(m) && (1..=28).contains(d))
            .ok_or("year_start は MM-DD / year_start must be MM-DD")?;
        if i64::from(d) != month_start_day {
            return Err(
                "year_start の日は month_start_day と同じにしてください / year_start day must equal month_start_day",
            );
        }
        Ok(AgreementCalendar {
            month_start_day: d,
            year_start_month: m,
        })
    }

    /// The agreement month named `YYYY-MM` (a calendar [`YearMonth`] names it).
    pub fn month(self, named: YearMonth) -> YearMonth {
        named.starting_on(self.month_start_day)
    }

    /// The agreement month a date belongs to.
    pub fn month_of(self, d: NaiveDate) -> YearMonth {
        let named = if d.day() >= self.month_start_day {
            YearMonth::of(d)
        } else {
            YearMonth::of(d).previous()
        };
        self.month(named)
    }

    /// The agreement year containing `d`: `[first, last]`.
    pub fn year_of(self, d: NaiveDate) -> (NaiveDate, NaiveDate) {
        let start_in = |y: i32| NaiveDate::from_ymd_opt(y, self.year_start_month, self.month_start_day);
        let this = start_in(d.year()).unwrap_or(d);
        let first = if d >= this {
            this
        } else {
            start_in(d.year() - 1).unwrap_or(d)
        };
        let next = first.checked_add_months(Months::new(12)).unwrap_or(first);
        (first, next.pred_opt().unwrap_or(next))
    }
}

/// A designation of the hospital as 特定労務管理対象機関 for a level (§7.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Designation {
    pub level: Level,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Designation {
    /// Reads `LEVEL:FROM` or `LEVEL:FROM:TO`.
    pub fn parse(s: &str) -> Option<Designation> {
        let mut parts = s.trim().split(':');
        let level = Level::parse(parts.next()?)?;
        if level == Level::A {
            return None;
        }
        let date = |p: &str| NaiveDate::parse_from_str(p.trim(), "%Y-%m-%d").ok();
        let from = date(parts.next()?)?;
        let to = match parts.next() {
            Some(p) => Some(date(p)?).filter(|t| *t >= from),
            None => None,
        };
        if parts.next().is_some() || to.is_none() && s.trim().matches(':').count() > 1 {
            return None;
        }
        Some(Designation { level, from, to })
    }

    fn covers(&self, level: Level, d: NaiveDate) -> bool {
        self.level == level && self.from <= d && self.to.is_none_or(|t| d <= t)
    }
}

/// The effective level on `d` (§7.2): the declared level when it is A or a
/// designation covers it; otherwise A. Also whether it was designated.
pub fn effective_level(declared: Level, designations: &[Designation], d: NaiveDate) -> (Level, bool) {
    if declared == Level::A {
        return (Level::A, true);
    }
    if designations.iter().any(|x| x.covers(declared, d)) {
        (declared, true)
    } else {
        (Level::A, false)
    }
}

/// The agreement's figures (config, §7.3–§7.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AgreementLimits {
    pub general_month_minutes: Minutes,
    pub general_year_minutes: Minutes,
    /// 0 = the agreement states no monthly figure.
    pub special_month_minutes: Minutes,
    /// Own annual caps by level: A, 連携B, B, C-1, C-2.
    pub year_minutes: [Minutes; 5],
    pub holiday_days_per_month: i64,
}

impl Default for AgreementLimits {
    fn default() -> Self {
        AgreementLimits {
            general_month_minutes: 2700,
            general_year_minutes: 21600,
            special_month_minutes: 0,
            year_minutes: [57_600, 57_600, 111_600, 111_600, 111_600],
            holiday_days_per_month: 4,
        }
    }
}

fn level_index(level: Level) -> usize {
    match level {
        Level::A => 0,
        Level::RenkeiB => 1,
        Level::B => 2,
        Level::C1 => 3,
        Level::C2 => 4,
    }
}

/// The highest own cap the law allows a level's agreement (§7.4).
pub fn legal_own_cap(level: Level) -> Minutes {
    match level {
        Level::A | Level::RenkeiB => 57_600,
        _ => 111_600,
    }
}

/// The individual (combined) annual cap of 141条3項 (§7.4).
pub fn combined_cap(level: Level) -> Minutes {
    match level {
        Level::A => 57_600,
        _ => 111_600,
    }
}

impl AgreementLimits {
    /// The own annual cap of a level (this hospital's 36協定).
    pub fn own_cap(&self, level: Level) -> Minutes {
        self.year_minutes[level_index(level)]
    }

    /// Sets a level's own cap; refuses one above the legal own cap.
    pub fn set_own_cap(&mut self, level: Level, minutes: Minutes) -> Result<(), Minutes> {
        let max = legal_own_cap(level);
        if !(0..=max).contains(&minutes) {
            return Err(max);
        }
        self.year_minutes[level_index(level)] = minutes;
        Ok(())
    }
}

/// A doctor's agreement year to the as-of date, and where it is heading
/// (rules §7.3, §7.4, §7.7). The `year` object of the monthly report.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct YearFigures {
    pub first_day: NaiveDate,
    pub overtime_holiday_minutes: Minutes,
    pub own_overtime_holiday_minutes: Minutes,
    pub own_overtime_minutes: Minutes,
    pub projected_overtime_holiday_minutes: Minutes,
    pub own_projected_overtime_holiday_minutes: Minutes,
    pub cap_minutes: Minutes,
    pub own_cap_minutes: Minutes,
    pub cap_exceeded: bool,
    pub own_cap_exceeded: bool,
    pub cap_exceed_date: Option<NaiveDate>,
    pub own_cap_exceed_date: Option<NaiveDate>,
    pub general_year_exceeded: bool,
    /// The effective level of the year (its first day, §7.2).
    #[serde(skip)]
    pub level: Level,
}

/// A running total of the year: the actual cumulative figure of each day
/// from the first to the as-of date (index 0 = the first day).
#[derive(Debug, Clone, Copy)]
pub struct YearRun<'a> {
    pub first_day: NaiveDate,
    /// Days of the agreement year (365 or 366).
    pub days: i64,
    pub actual: &'a [Minutes],
}

impl YearRun<'_> {
    fn elapsed(&self) -> i64 {
        self.actual.len().max(1) as i64
    }
    fn ytd(&self) -> Minutes {
        self.actual.last().copied().unwrap_or(0)
    }
    /// `ytd × n ÷ e` (§7.7).
    pub fn projected(&self) -> Minutes {
        self.ytd() * self.days / self.elapsed()
    }
    /// The first day whose running total is above `cap` (§7.7).
    pub fn exceed_date(&self, cap: Minutes) -> Option<NaiveDate> {
        let e = self.elapsed();
        let k = match self.actual.iter().position(|m| *m > cap) {
            Some(i) => i as i64 + 1,
            // ytd × k ÷ e > cap ⟺ ytd × k ≥ (cap + 1) × e.
            None if self.ytd() > 0 => {
                let k = ((cap + 1) * e + self.ytd() - 1) / self.ytd();
                if k > self.days {
                    return None;
                }
                k.max(e + 1)
            }
            None => return None,
        };
        Some(self.first_day + chrono::Duration::days(k - 1))
    }
}

/// The year object from the combined and own running totals (§7.3–§7.7).
pub fn year_figures(
    combined: YearRun,
    own: YearRun,
    own_overtime_minutes: Minutes,
    level: Level,
    limits: &AgreementLimits,
) -> YearFigures {
    let cap = combined_cap(level);
    let own_cap = limits.own_cap(level);
    YearFigures {
        first_day: combined.first_day,
        overtime_holiday_minutes: combined.ytd(),
        own_overtime_holiday_minutes: own.ytd(),
        own_overtime_minutes,
        projected_overtime_holiday_minutes: combined.projected(),
        own_projected_overtime_holiday_minutes: own.projected(),
        cap_minutes: cap,
        own_cap_minutes: own_cap,
        cap_exceeded: combined.ytd() > cap,
        own_cap_exceeded: own.ytd() > own_cap,
        cap_exceed_date: combined.exceed_date(cap),
        own_cap_exceed_date: own.exceed_date(own_cap),
        general_year_exceeded: own_overtime_minutes > limits.general_year_minutes,
        level,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// [ex M-1] names and ranges with `month_start_day = 16`, `year_start = 04-16`.
    #[test]
    fn m_1_agreement_months_and_years_from_the_16th() {
        let cal = AgreementCalendar::new(16, "04-16").unwrap();
        for (date, named) in [
            ("2024-04-15", "2024-03"),
            ("2024-04-16", "2024-04"),
            ("2024-07-15", "2024-06"),
            ("2024-07-16", "2024-07"),
            ("2025-04-15", "2025-03"),
        ] {
            assert_eq!(cal.month_of(d(date)).to_string(), named, "{date}");
        }
        let apr = cal.month(YearMonth::parse("2024-04").unwrap());
        assert_eq!((apr.first_day(), apr.last_day()), (d("2024-04-16"), d("2024-05-15")));
        let mar = cal.month(YearMonth::parse("2025-03").unwrap());
        assert_eq!((mar.first_day(), mar.last_day()), (d("2025-03-16"), d("2025-04-15")));
        assert_eq!(cal.year_of(d("2024-06-01")), (d("2024-04-16"), d("2025-04-15")));
        assert_eq!(cal.year_of(d("2024-04-15")), (d("2023-04-16"), d("2024-04-15")));
        assert!(AgreementCalendar::new(16, "04-01").is_err());
        assert!(AgreementCalendar::new(29, "04-29").is_err());
    }

    fn year(first: &str, actual: &[Minutes]) -> YearFigures {
        let run = YearRun {
            first_day: d(first),
            days: 365,
            actual,
        };
        year_figures(run, run, 0, Level::A, &AgreementLimits::default())
    }

    /// [ex Y-1] 30,000 by day 183 of 365: projected 59,836, the A cap
    /// passed on 2025-03-18.
    #[test]
    fn y_1_the_year_projection_and_the_day_the_cap_would_be_passed() {
        let mut actual = vec![0; 183];
        actual[182] = 30_000;
        let run = YearRun {
            first_day: d("2024-04-01"),
            days: 365,
            actual: &actual,
        };
        assert_eq!(run.projected(), 59_836);
        assert_eq!(run.exceed_date(57_600), Some(d("2025-03-18")));
        assert_eq!(run.exceed_date(60_000), None);
    }

    /// [ex K3] A: 56,900 to February and 800 in March — 57,700, 100 over.
    #[test]
    fn k3_the_a_cap_is_passed_in_march() {
        let mut actual = vec![56_900; 365];
        actual[364] = 57_700;
        let y = year("2024-04-01", &actual);
        assert_eq!(
            (y.overtime_holiday_minutes, y.cap_minutes, y.cap_exceeded),
            (57_700, 57_600, true)
        );
        assert_eq!(y.overtime_holiday_minutes - y.cap_minutes, 100);
        assert_eq!(y.cap_exceed_date, Some(d("2025-03-31")));
    }

    /// [ex K4] own 時間外 21,700 over 21,600 — 100 over; 時間外・休日 24,700.
    #[test]
    fn k4_the_general_clause_year_counts_own_overtime_only() {
        let run = YearRun {
            first_day: d("2024-04-01"),
            days: 365,
            actual: &[24_700],
        };
        let y = year_figures(run, run, 21_700, Level::A, &AgreementLimits::default());
        assert!(y.general_year_exceeded);
        assert_eq!(y.own_overtime_minutes - 21_600, 100);
        assert_eq!(y.own_overtime_holiday_minutes, 24_700);
    }

    /// [ex E6] 連携B: own 58,000 over the own 57,600, combined 98,000 within
    /// 111,600. [ex Y-2] A with a side job: own 50,000 within, combined
    /// 58,000 over 57,600.
    #[test]
    fn e6_and_y_2_own_and_combined_caps() {
        let limits = AgreementLimits::default();
        let check = |level, own: Minutes, external: Minutes| {
            let own_run = YearRun {
                first_day: d("2024-04-01"),
                days: 365,
                actual: &[own],
            };
            let combined = [own + external];
            let combined_run = YearRun {
                actual: &combined,
                ..own_run
            };
            year_figures(combined_run, own_run, 0, level, &limits)
        };
        let e6 = check(Level::RenkeiB, 58_000, 40_000);
        assert_eq!((e6.own_cap_minutes, e6.own_cap_exceeded), (57_600, true));
        assert_eq!(e6.own_overtime_holiday_minutes - e6.own_cap_minutes, 400);
        assert_eq!(
            (e6.overtime_holiday_minutes, e6.cap_minutes, e6.cap_exceeded),
            (98_000, 111_600, false)
        );
        let y2 = check(Level::A, 50_000, 8_000);
        assert_eq!((y2.own_cap_minutes, y2.own_cap_exceeded), (57_600, false));
        assert_eq!(
            (y2.overtime_holiday_minutes, y2.cap_minutes, y2.cap_exceeded),
            (58_000, 57_600, true)
        );
    }

    /// [ex L1] declared B, nothing designated; [ex L1b] with `B:2024-04-01`.
    #[test]
    fn l_1_a_level_above_a_needs_a_designation() {
        let limits = AgreementLimits::default();
        let (level, designated) = effective_level(Level::B, &[], d("2024-06-01"));
        assert_eq!((level, designated), (Level::A, false));
        assert_eq!((limits.own_cap(level), combined_cap(level)), (57_600, 57_600));
        let b = Designation::parse("B:2024-04-01").unwrap();
        let (level, designated) = effective_level(Level::B, &[b], d("2024-06-01"));
        assert_eq!((level, designated), (Level::B, true));
        assert_eq!((limits.own_cap(level), combined_cap(level)), (111_600, 111_600));
        assert_eq!(effective_level(Level::B, &[b], d("2024-03-31")), (Level::A, false));
        let rb = Designation::parse("連携B:2024-04-01:2027-03-31").unwrap();
        assert_eq!(rb.to, Some(d("2027-03-31")));
        assert_eq!(effective_level(Level::RenkeiB, &[rb], d("2027-04-01")).0, Level::A);
        for bad in [
            "A:2024-04-01",
            "B",
            "B:2024-13-01",
            "B:2024-04-01:2024-03-01",
            "X:2024-04-01",
        ] {
            assert_eq!(Designation::parse(bad), None, "{bad}");
        }
    }
}

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

    /// [ex L1] declared B, nothing designated; [ex L1b] with `B:2024-04-01`.
    #[test]
    fn l_1_a_level_above_a_needs_a_designation() {
        assert_eq!(effective_level(Level::B, &[], d("2024-06-01")), (Level::A, false));
        let b = Designation::parse("B:2024-04-01").unwrap();
        assert_eq!(effective_level(Level::B, &[b], d("2024-06-01")), (Level::B, true));
        assert_eq!(effective_level(Level::B, &[b], d("2024-03-31")), (Level::A, false));
        let limits = AgreementLimits::default();
        assert_eq!(limits.own_cap(Level::A), 57_600);
        assert_eq!(combined_cap(Level::B), 111_600);
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

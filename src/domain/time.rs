//! Minute arithmetic and wall-clock readings (rules §1).
//!
//! Punches may carry seconds: a start is floored and an end is ceiled to the
//! minute so that work is never under-counted. Clock readings may pass 24:00
//! (`25:30` is 01:30 of the next day), as Japanese attendance exports write
//! night shifts.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use std::fmt;

/// Whole minutes. All hour arithmetic in kinmu is integer minutes.
pub type Minutes = i64;

/// Floors a punch to the minute (used for starts and log-ons).
pub fn floor_minute(t: NaiveDateTime) -> NaiveDateTime {
    t.with_second(0).and_then(|t| t.with_nanosecond(0)).unwrap_or(t)
}

/// Ceils a punch to the minute (used for ends and log-offs).
pub fn ceil_minute(t: NaiveDateTime) -> NaiveDateTime {
    let floored = floor_minute(t);
    if floored == t {
        t
    } else {
        floored + Duration::minutes(1)
    }
}

/// Whole minutes from `a` to `b` (both already on minute boundaries).
pub fn minutes_between(a: NaiveDateTime, b: NaiveDateTime) -> Minutes {
    (b - a).num_minutes()
}

/// Midnight at the start of `d`.
pub fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::MIN)
}

/// A wall-clock reading as written in an export: hours may be 24 or more.
///
/// `25:30` is stored as 25 h 30 min after the midnight of the row's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockReading {
    /// Seconds after midnight of the row's date; may exceed one day.
    seconds: i64,
}

/// Why a clock reading could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("時刻が読めません（HH:MM または HH:MM:SS）: {0:?} / unreadable time (HH:MM or HH:MM:SS)")]
    Unreadable(String),
}

impl ClockReading {
    /// The largest hour accepted in a reading (`47:59` is the latest clock
    /// an export can write for a row of at most 48 h).
    const MAX_HOURS: i64 = 47;

    /// Builds a reading from hours, minutes and seconds after midnight.
    pub fn new(hours: i64, minutes: i64, seconds: i64) -> Option<Self> {
        if !(0..=Self::MAX_HOURS + 1).contains(&hours)
            || !(0..60).contains(&minutes)
            || !(0..60).contains(&seconds)
            || (hours == Self::MAX_HOURS + 1 && (minutes, seconds) != (0, 0))
        {
            return None;
        }
        Some(Self {
            seconds: hours * 3600 + minutes * 60 + seconds,
        })
    }

    /// Parses `H:MM`, `HH:MM` or `HH:MM:SS`; hours may be 24..=48.
    pub fn parse(s: &str) -> Result<Self, ClockError> {
        let err = || ClockError::Unreadable(s.to_string());
        let mut parts = s.trim().split(':');
        // Hours take one or two digits (`7:05`, `25:30`); minutes and
        // seconds exactly two (`7:5` is refused, not read as 07:05).
        let mut field = |lengths: std::ops::RangeInclusive<usize>| -> Result<Option<i64>, ClockError> {
            match parts.next() {
                None => Ok(None),
                Some(p) if lengths.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) => {
                    p.parse::<i64>().map(Some).map_err(|_| err())
                }
                Some(_) => Err(err()),
            }
        };
        let h = field(1..=2)?.ok_or_else(err)?;
        let m = field(2..=2)?.ok_or_else(err)?;
        let sec = field(2..=2)?.unwrap_or(0);
        if parts.next().is_some() {
            return Err(err());
        }
        Self::new(h, m, sec).ok_or_else(err)
    }

    /// Whether the reading is at or past 24:00, i.e. explicitly on a later day.
    pub fn is_past_midnight(self) -> bool {
        self.seconds >= 24 * 3600
    }

    /// The instant this reading names on `date`.
    pub fn on(self, date: NaiveDate) -> NaiveDateTime {
        midnight(date) + Duration::seconds(self.seconds)
    }
}

impl fmt::Display for ClockReading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (self.seconds / 3600, self.seconds / 60 % 60, self.seconds % 60);
        if s == 0 {
            write!(f, "{h:02}:{m:02}")
        } else {
            write!(f, "{h:02}:{m:02}:{s:02}")
        }
    }
}

/// Formats minutes as `H:MM` (`101:30`), the way every figure is shown.
/// Negative values keep their sign (`-0:30`); nothing is rounded.
pub fn format_hm(minutes: Minutes) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let m = minutes.unsigned_abs();
    format!("{sign}{}:{:02}", m / 60, m % 60)
}

/// A date in 和暦: `令和6年6月19日`, `令和元年5月1日`, `平成31年4月30日`;
/// 昭和 before 1989-01-08; the Western year before 1926-12-25.
pub fn wareki(d: NaiveDate) -> String {
    const ERAS: [(&str, i32, u32, u32); 3] = [("令和", 2019, 5, 1), ("平成", 1989, 1, 8), ("昭和", 1926, 12, 25)];
    let (m, day) = (d.month(), d.day());
    for (era, y, em, ed) in ERAS {
        if (d.year(), m, day) >= (y, em, ed) {
            let n = d.year() - y + 1;
            return if n == 1 {
                format!("{era}元年{m}月{day}日")
            } else {
                format!("{era}{n}年{m}月{day}日")
            };
        }
    }
    format!("{}年{m}月{day}日", d.year())
}

/// The earliest date a person may enter (`domain::input`).
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
/// The latest date a person may enter anywhere (also where "today" is not
/// known, as in import files and command options).
pub const LATEST: NaiveDate = match NaiveDate::from_ymd_opt(2099, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// Whether a month lies within [`EARLIEST`]..=[`LATEST`]
/// ([`YearMonth::parse`] reads no other).
pub fn month_in_range(m: YearMonth) -> bool {
    (EARLIEST.year()..=LATEST.year()).contains(&m.first_day().year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn a_start_with_seconds_is_floored_and_an_end_is_ceiled() {
        assert_eq!(floor_minute(dt("2024-06-03 08:59:59")), dt("2024-06-03 08:59:00"));
        assert_eq!(ceil_minute(dt("2024-06-03 17:00:01")), dt("2024-06-03 17:01:00"));
        assert_eq!(ceil_minute(dt("2024-06-03 23:59:30")), dt("2024-06-04 00:00:00"));
        assert_eq!(ceil_minute(dt("2024-06-03 17:00:00")), dt("2024-06-03 17:00:00"));
    }

    #[test]
    fn a_reading_of_25_30_is_next_day_01_30() {
        let d = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        let r = ClockReading::parse("25:30").unwrap();
        assert!(r.is_past_midnight());
        assert_eq!(r.on(d), dt("2024-06-02 01:30:00"));
        assert_eq!(ClockReading::parse("9:05").unwrap().on(d), dt("2024-06-01 09:05:00"));
        assert_eq!(
            ClockReading::parse("08:00:45").unwrap().on(d),
            dt("2024-06-01 08:00:45")
        );
        assert_eq!(ClockReading::parse("48:00").unwrap().on(d), dt("2024-06-03 00:00:00"));
    }

    #[test]
    fn unreadable_clock_readings_are_refused() {
        for bad in [
            "",
            "8",
            "08:60",
            "08:00:60",
            "49:00",
            "48:01",
            "-1:00",
            "8:0:0:0",
            "ab:cd",
            "08時00分",
            "1:2345",
            "7:5",
            "07:05:7",
            "123:00",
        ] {
            assert!(ClockReading::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn minutes_are_shown_as_hours_and_minutes_never_rounded() {
        assert_eq!(format_hm(6090), "101:30");
        assert_eq!(format_hm(59), "0:59");
        assert_eq!(format_hm(0), "0:00");
        assert_eq!(format_hm(-30), "-0:30");
    }
}

/// A month named `2024-06`: a calendar month, or an agreement month that
/// starts on another day of it ([`YearMonth::starting_on`], rules §6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    first: NaiveDate,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Option<YearMonth> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|first| YearMonth { first })
    }
    /// The month a date falls in.
    pub fn of(d: NaiveDate) -> YearMonth {
        YearMonth {
            first: d.with_day(1).unwrap_or(d),
        }
    }
    /// Parses `YYYY-MM` (also `YYYY/MM`) of the years a person may enter
    /// (2000–2099, [`month_in_range`]): every month typed
    /// into a form, a query or a command goes through here.
    pub fn parse(s: &str) -> Option<YearMonth> {
        let s = s.trim();
        let (y, m) = s.split_once(['-', '/'])?;
        if y.len() != 4 || m.is_empty() || m.len() > 2 {
            return None;
        }
        YearMonth::new(y.parse().ok()?, m.parse().ok()?).filter(|m| month_in_range(*m))
    }
    pub fn first_day(self) -> NaiveDate {
        self.first
    }
    pub fn last_day(self) -> NaiveDate {
        self.next().first - Duration::days(1)
    }
    pub fn days(self) -> i64 {
        (self.next().first - self.first).num_days()
    }
    /// The month after: the same day of the next calendar month (an
    /// agreement month starting on the 16th is followed by the next 16th).
    pub fn next(self) -> YearMonth {
        self.first
            .checked_add_months(chrono::Months::new(1))
            .map_or(self, |first| YearMonth { first })
    }
    pub fn previous(self) -> YearMonth {
        self.first
            .checked_sub_months(chrono::Months::new(1))
            .map_or(self, |first| YearMonth { first })
    }
    pub fn contains(self, d: NaiveDate) -> bool {
        self.first <= d && d < self.next().first
    }
    /// The agreement month of the same name starting on `day` (1–28) of
    /// the month (rules §6.1); day 1 is the calendar month.
    pub fn starting_on(self, day: u32) -> YearMonth {
        NaiveDate::from_ymd_opt(self.first.year(), self.first.month(), day.clamp(1, 28))
            .map_or(self, |first| YearMonth { first })
    }
    /// Clamps a date into the month (formats.md: `--as-of` outside the month).
    pub fn clamp(self, d: NaiveDate) -> NaiveDate {
        d.clamp(self.first_day(), self.last_day())
    }
    /// Every day of the month in order.
    pub fn iter_days(self) -> impl Iterator<Item = NaiveDate> {
        let end = self.next().first;
        self.first.iter_days().take_while(move |d| *d < end)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.first.year(), self.first.month())
    }
}

#[cfg(test)]
mod year_month_tests {
    use super::*;

    #[test]
    fn a_month_knows_its_days_and_clamps_dates_into_itself() {
        let feb = YearMonth::parse("2024-02").unwrap();
        assert_eq!(feb.days(), 29);
        assert_eq!(feb.last_day(), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        assert_eq!(feb.iter_days().count(), 29);
        assert_eq!(YearMonth::parse("2024/12").unwrap().next().to_string(), "2025-01");
        assert_eq!(YearMonth::parse("2025-01").unwrap().previous().to_string(), "2024-12");
        let early = NaiveDate::from_ymd_opt(2024, 1, 15).unwrap();
        assert_eq!(feb.clamp(early), feb.first_day());
        assert!(YearMonth::parse("2024-13").is_none());
        assert!(YearMonth::parse("24-01").is_none());
        assert!(YearMonth::parse("0001-01").is_none());
        assert!(YearMonth::parse("9999-12").is_none());
        assert!(YearMonth::parse("1999-12").is_none());
        assert!(YearMonth::parse("2000-01").is_some() && YearMonth::parse("2099-12").is_some());
    }
}

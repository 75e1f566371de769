//! How vendors write dates, times and breaks (issue 12, layouts). Every
//! parser receives a cell already NFKC-normalised and trimmed, so
//! `２０２４／０６／０３（月）` arrives as `2024/06/03(月)`. Errors are a row
//! error's reason: Japanese, then English, quoting the value.
//!
//! Dates and times are read in every notation a layout may meet, because
//! none of them can be mistaken for another. Break amounts are not: `1.15`
//! is 1 h 9 min in 10進 hours and 1 h 15 min in 60進 hours, so the layout
//! names its [`BreakUnit`] and nothing is guessed.

use crate::domain::time::ClockReading;
use crate::domain::Minutes;
use crate::import::fields;
use chrono::{Duration, NaiveDate, NaiveDateTime};

/// How a layout writes its dates (beyond the unambiguous ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFormat {
    /// `2024/06/03(月)`, `2024/06/03`, `2024-06-03`, `20240603` (month and
    /// day may have one digit where separated).
    Auto,
    /// `24/06/03`: a two-digit year of the 2000s (time recorders).
    ShortYear,
}

/// How a layout writes a break amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakUnit {
    /// Whole minutes: `75`.
    Minutes,
    /// Hours and minutes: `1:15`.
    HoursMinutes,
    /// 10進 hours: `1.25` is 1 h 15 min (rounded to the minute).
    DecimalHours,
    /// 60進 hours: `1.15` is 1 h 15 min (the part after the point is
    /// minutes, two digits).
    SexagesimalHours,
}

impl BreakUnit {
    pub(crate) fn parse(s: &str) -> Option<BreakUnit> {
        Some(match s {
            "minutes" => BreakUnit::Minutes,
            "h:mm" => BreakUnit::HoursMinutes,
            "hours_decimal" => BreakUnit::DecimalHours,
            "hours_sexagesimal" => BreakUnit::SexagesimalHours,
            _ => return None,
        })
    }
}

/// A date as the layout writes it.
pub fn date(s: &str, format: DateFormat) -> Result<NaiveDate, String> {
    // A weekday in brackets after the date: `2024/06/03(月)`.
    let s = match (s.find('('), s.ends_with(')')) {
        (Some(open), true) => s[..open].trim_end(),
        _ => s,
    };
    let unreadable = || {
        format!(
            "日付が読めません（YYYY/MM/DD、YYYY-MM-DD、YYYYMMDD など）: {s:?} / unreadable date (YYYY/MM/DD, YYYY-MM-DD, YYYYMMDD, …)"
        )
    };
    match format {
        DateFormat::ShortYear => {
            let parts: Vec<&str> = s.split('/').collect();
            match parts.as_slice() {
                [y, m, d] if y.len() == 2 && y.bytes().all(|b| b.is_ascii_digit()) => {
                    fields::date(&format!("20{y}/{m}/{d}")).map_err(|_| unreadable())
                }
                _ => Err(unreadable()),
            }
        }
        DateFormat::Auto if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) => {
            fields::date(&format!("{}-{}-{}", &s[..4], &s[4..6], &s[6..])).map_err(|e| {
                if e.starts_with("日付が範囲外") {
                    e
                } else {
                    unreadable()
                }
            })
        }
        DateFormat::Auto => fields::date(s).map_err(|e| {
            if e.starts_with("日付が範囲外") {
                e
            } else {
                unreadable()
            }
        }),
    }
}

/// An instant a punch cell names on the row's `day`, and whether the cell
/// itself said which day (a full timestamp, a `翌` prefix, a clock past
/// 24:00, or a next-day flag): only an unmarked clock may be moved to the
/// next day by the reader's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub at: NaiveDateTime,
    pub marked: bool,
}

/// A punch: `08:24`, `33:12` (past 24:00, on the start date), `翌08:24`,
/// `2024/06/03(月)08:24`, `2024/06/03 08:24`, `2024-06-03T08:24:00`.
/// `next_day` is the layout's next-day flag for this punch.
pub fn moment(s: &str, day: NaiveDate, format: DateFormat, next_day: bool) -> Result<Moment, String> {
    let unreadable = || {
        format!(
            "時刻が読めません（HH:MM、翌HH:MM、YYYY/MM/DD HH:MM など）: {s:?} / unreadable time (HH:MM, 翌HH:MM, YYYY/MM/DD HH:MM, …)"
        )
    };
    let (body, prefixed) = match s.strip_prefix("翌日").or_else(|| s.strip_prefix('翌')) {
        Some(rest) => (rest.trim(), true),
        None => (s, false),
    };
    let split = body
        .find(')')
        .map(|i| (&body[..=i], &body[i + 1..]))
        .or_else(|| body.split_once([' ', 'T']));
    let (at, marked) = match split {
        Some((d, t)) => {
            let d = date(d.trim(), format)?;
            let t = ClockReading::parse(t.trim()).map_err(|_| unreadable())?;
            (t.on(d), true)
        }
        None => {
            let t = ClockReading::parse(body).map_err(|_| unreadable())?;
            (t.on(day), t.is_past_midnight())
        }
    };
    let shift = prefixed || next_day;
    Ok(Moment {
        at: if shift { at + Duration::days(1) } else { at },
        marked: marked || shift,
    })
}

/// A break amount in the layout's unit; empty is no break. A minus sign is
/// kept so that the row is refused with the domain's "negative break".
pub fn break_amount(s: &str, unit: BreakUnit) -> Result<Minutes, String> {
    if s.is_empty() {
        return Ok(0);
    }
    let (sign, body) = match s.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, s),
    };
    let number = |t: &str, max_len: usize| -> Option<i64> {
        (!t.is_empty() && t.len() <= max_len && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let minutes = match unit {
        BreakUnit::Minutes => number(body, 5),
        BreakUnit::HoursMinutes => body.split_once(':').and_then(|(h, m)| {
            let m = number(m, 2).filter(|m| m < &60 && m_len_ok(body))?;
            Some(number(h, 3)? * 60 + m)
        }),
        BreakUnit::DecimalHours => match body.split_once('.') {
            None => number(body, 3).map(|h| h * 60),
            Some((h, f)) => {
                let h = if h.is_empty() { Some(0) } else { number(h, 3) };
                let frac = number(f, 4);
                h.zip(frac).map(|(h, frac)| {
                    let scale = 10i64.pow(f.len() as u32);
                    // Rounded to the nearest minute.
                    h * 60 + (frac * 60 * 2 + scale) / (2 * scale)
                })
            }
        },
        BreakUnit::SexagesimalHours => match body.split_once('.') {
            None => number(body, 3).map(|h| h * 60),
            Some((h, m)) if m.len() == 2 => {
                let h = if h.is_empty() { Some(0) } else { number(h, 3) };
                h.zip(number(m, 2).filter(|m| *m < 60)).map(|(h, m)| h * 60 + m)
            }
            Some(_) => None,
        },
    };
    let hint = match unit {
        BreakUnit::Minutes => "分、例 75 / minutes, e.g. 75",
        BreakUnit::HoursMinutes => "時:分、例 1:15 / H:MM, e.g. 1:15",
        BreakUnit::DecimalHours => "10進数の時間、例 1.25 / decimal hours, e.g. 1.25",
        BreakUnit::SexagesimalHours => "60進数の時間、例 1.15 / sexagesimal hours, e.g. 1.15",
    };
    let (ja, en) = hint.split_once(" / ").unwrap_or((hint, hint));
    minutes
        .map(|m| sign * m)
        .ok_or_else(|| format!("休憩時間が読めません（{ja}）: {s:?} / unreadable break ({en})"))
}

/// `H:MM` has two digits of minutes.
fn m_len_ok(body: &str) -> bool {
    body.split_once(':').is_some_and(|(_, m)| m.len() == 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }
    fn at(d: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
        d.and_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn dates_are_read_with_a_weekday_slashes_dashes_or_eight_digits() {
        for s in [
            "2024/06/03(月)",
            "2024/06/03",
            "2024-06-03",
            "20240603",
            "2024/6/3 (月)",
        ] {
            assert_eq!(date(s, DateFormat::Auto), Ok(ymd(2024, 6, 3)), "{s}");
        }
        assert_eq!(date("24/06/03", DateFormat::ShortYear), Ok(ymd(2024, 6, 3)));
        for s in ["2024/06/31", "2024063", "24/06/03", "2024/06/03(月", "月"] {
            assert!(date(s, DateFormat::Auto).is_err(), "{s:?}");
        }
        assert!(date("2024/06/03", DateFormat::ShortYear).is_err());
        assert!(date("19990603", DateFormat::Auto)
            .unwrap_err()
            .starts_with("日付が範囲外"));
    }

    #[test]
    fn a_punch_may_be_a_clock_past_24_a_next_day_prefix_a_flag_or_a_timestamp() {
        let day = ymd(2024, 6, 3);
        let next = ymd(2024, 6, 4);
        let m = |s, flag| moment(s, day, DateFormat::Auto, flag);
        assert_eq!(
            m("08:24", false),
            Ok(Moment {
                at: at(day, 8, 24),
                marked: false
            })
        );
        assert_eq!(
            m("33:12", false),
            Ok(Moment {
                at: at(next, 9, 12),
                marked: true
            })
        );
        assert_eq!(
            m("翌08:24", false),
            Ok(Moment {
                at: at(next, 8, 24),
                marked: true
            })
        );
        assert_eq!(
            m("翌日 8:24", false),
            Ok(Moment {
                at: at(next, 8, 24),
                marked: true
            })
        );
        assert_eq!(
            m("00:23", true),
            Ok(Moment {
                at: at(next, 0, 23),
                marked: true
            })
        );
        for s in [
            "2024/06/04(火)08:24",
            "2024/06/04 08:24",
            "2024-06-04T08:24",
            "20240604 08:24",
        ] {
            assert_eq!(
                m(s, false),
                Ok(Moment {
                    at: at(next, 8, 24),
                    marked: true
                }),
                "{s}"
            );
        }
        for s in ["8", "08:24x", "2024/06/04", "翌", "(月)08:00", "2024/06/04(火)"] {
            assert!(m(s, false).is_err(), "{s:?}");
        }
    }

    #[test]
    fn break_amounts_are_read_in_the_unit_the_layout_states() {
        use BreakUnit::*;
        assert_eq!(break_amount("75", Minutes), Ok(75));
        assert_eq!(break_amount("1:15", HoursMinutes), Ok(75));
        assert_eq!(break_amount("1.25", DecimalHours), Ok(75));
        assert_eq!(break_amount("1.15", SexagesimalHours), Ok(75));
        // The same text, read in the two units a layout may state.
        assert_eq!(break_amount("1.15", DecimalHours), Ok(69));
        assert_eq!(break_amount("0.5", DecimalHours), Ok(30));
        assert_eq!(break_amount(".75", DecimalHours), Ok(45));
        assert_eq!(break_amount("1", SexagesimalHours), Ok(60));
        assert_eq!(break_amount("", SexagesimalHours), Ok(0));
        assert_eq!(break_amount("-30", Minutes), Ok(-30));
        for (s, unit) in [
            ("1:15", Minutes),
            ("75", HoursMinutes),
            ("1:5", HoursMinutes),
            ("1:60", HoursMinutes),
            ("1.5", SexagesimalHours),
            ("1.60", SexagesimalHours),
            ("1.2.3", DecimalHours),
            ("1時間", DecimalHours),
        ] {
            assert!(break_amount(s, unit).is_err(), "{s:?} in {unit:?}");
        }
        assert_eq!(
            break_amount("1.5", SexagesimalHours),
            Err(r#"休憩時間が読めません（60進数の時間、例 1.15）: "1.5" / unreadable break (sexagesimal hours, e.g. 1.15)"#.into())
        );
    }
}

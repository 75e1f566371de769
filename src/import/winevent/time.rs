//! The time of an event as the exports write it: in the PC's own culture
//! (Event Viewer's 日付と時刻 / Date and Time, and `TimeCreated` as
//! Export-Csv writes a date-time), local time without a zone.
//!
//! Read: ja-JP `2024/06/03 8:24:05`, en-US `6/3/2024 8:24:05 AM`, and
//! ISO `2024-06-03 08:24:05` / `2024-06-03T08:24:05`; `午前`/`午後` are
//! read like AM/PM. A day-first or month-first date without AM/PM
//! (en-GB `03/06/2024 08:24:05`) is refused rather than guessed.

use super::super::fields::{date, normalise};
use chrono::{NaiveDateTime, NaiveTime};

/// The event's time, or the reason it cannot be read (Japanese, then
/// English, quoting the value).
pub(super) fn parse(s: &str) -> Result<NaiveDateTime, String> {
    let s = normalise(s);
    read(&s).ok_or_else(|| {
        format!(
            "日時が読めません（2024/06/03 8:24:05 または 6/3/2024 8:24:05 AM の形）: {s:?} / unreadable date and time (2024/06/03 8:24:05 or 6/3/2024 8:24:05 AM)"
        )
    })
}

fn read(s: &str) -> Option<NaiveDateTime> {
    let mut tokens = s.split_whitespace();
    let first = tokens.next()?;
    let (day, mut time) = match first.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (first, None),
    };
    // Some(false) for AM, Some(true) for PM.
    let mut afternoon = None;
    for token in tokens {
        let half = match token {
            "AM" | "am" | "午前" => Some(false),
            "PM" | "pm" | "午後" => Some(true),
            _ => None,
        };
        match (half, afternoon, time) {
            (Some(h), None, _) => afternoon = Some(h),
            (None, _, None) => time = Some(token),
            _ => return None,
        }
    }
    let parts: Vec<&str> = day.split(['/', '-']).collect();
    let [a, b, c] = parts[..] else {
        return None;
    };
    let (y, m, d) = if a.len() == 4 {
        (a, b, c)
    } else if c.len() == 4 && afternoon.is_some() {
        // en-US: month first, and a 12-hour clock.
        (c, a, b)
    } else {
        return None;
    };
    let day = date(&format!("{y}/{m}/{d}")).ok()?;
    Some(day.and_time(clock(time?, afternoon)?))
}

/// `H:MM[:SS[.fraction]]`, on a 12-hour clock when AM/PM was written.
fn clock(s: &str, afternoon: Option<bool>) -> Option<NaiveTime> {
    let mut parts = s.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next());
    if parts.next().is_some() {
        return None;
    }
    let number = |s: &str, len: std::ops::RangeInclusive<usize>| -> Option<u32> {
        (len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let sec = match sec {
        None => 0,
        // Fractions of a second are dropped, as a PC log counts seconds.
        Some(s) => {
            let (whole, fraction) = s.split_once('.').unwrap_or((s, "0"));
            number(fraction, 1..=9)?;
            number(whole, 2..=2)?
        }
    };
    let (h, m) = (number(h, 1..=2)?, number(m, 2..=2)?);
    let h = match afternoon {
        None => h,
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(pm) => h % 12 + if pm { 12 } else { 0 },
    };
    NaiveTime::from_hms_opt(h, m, sec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn japanese_american_and_iso_times_are_read() {
        assert_eq!(parse("2024/06/03 8:24:05"), Ok(at("2024-06-03 08:24:05")));
        assert_eq!(parse("2024/6/3 23:59:59"), Ok(at("2024-06-03 23:59:59")));
        assert_eq!(parse("6/3/2024 8:24:05 AM"), Ok(at("2024-06-03 08:24:05")));
        assert_eq!(parse("6/3/2024 12:05:00 AM"), Ok(at("2024-06-03 00:05:00")));
        assert_eq!(parse("6/3/2024 12:05:00 PM"), Ok(at("2024-06-03 12:05:00")));
        assert_eq!(parse("12/31/2024 11:00:01 PM"), Ok(at("2024-12-31 23:00:01")));
        assert_eq!(parse("2024/06/03 午後 1:00:00"), Ok(at("2024-06-03 13:00:00")));
        assert_eq!(parse("2024-06-03T08:24:05.1234567"), Ok(at("2024-06-03 08:24:05")));
        assert_eq!(parse("２０２４/０６/０３ ８:２４:０５"), Ok(at("2024-06-03 08:24:05")));
    }

    #[test]
    fn ambiguous_or_impossible_times_are_refused_with_the_value() {
        for bad in [
            "03/06/2024 08:24:05",
            "6/3/2024 13:00:00 PM",
            "6/3/2024 0:10:00 AM",
            "2024/06/31 8:00:00",
            "2024/06/03 24:00:00",
            "2024/06/03",
            "2024/06/03 8:00:00 AM PM",
            "2024/06/03 8:00:00 9:00:00",
            "",
            "x",
        ] {
            let reason = parse(bad).unwrap_err();
            assert!(reason.contains(&format!("{bad:?}")), "{reason}");
            assert!(reason.contains(" / unreadable date and time"), "{reason}");
        }
    }
}

//! What a person may type: the range of every date and the reading of
//! hours and minutes (issue 10, finding 13).
//!
//! A date typed into a form, a query, a command's option or an import file
//! is a date of this service's working life: [`EARLIEST`] to [`LATEST`]
//! (an interview "held on 0001-01-01" or an as-of of 9999-12-31 is a typing
//! mistake, not a fact). Dates of things that happened are at most today,
//! dates of plans (a leaving date) at most [`YEARS_AHEAD`] years ahead.
//! Numbers are read with checked arithmetic: a value too large is an error,
//! never a wrapped-around small one.
//!
//! Messages are Japanese first, then English, and name the field.

use chrono::{Months, NaiveDate};

// The range of the dates a person may enter is the calendar's (`time`), so
// that a typed month (`YearMonth::parse`) is read within it too.
pub use super::time::{month_in_range, EARLIEST, LATEST};
/// How far ahead a planned date (a leaving date, a training date) may be.
pub const YEARS_AHEAD: u32 = 10;

/// A field as messages name it: (Japanese, English).
pub type Label = (&'static str, &'static str);

/// Why a typed value is refused: the message, Japanese first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

fn out_of_range((ja, en): Label, d: NaiveDate, from: NaiveDate, to: NaiveDate) -> InputError {
    InputError(format!(
        "{ja}は {from}〜{to} の日付で入力してください（{d}） / {en} must be a date from {from} to {to} ({d})"
    ))
}

/// `d` if it is within [`EARLIEST`]..=[`LATEST`].
pub fn date_in_range(field: Label, d: NaiveDate) -> Result<NaiveDate, InputError> {
    if (EARLIEST..=LATEST).contains(&d) {
        Ok(d)
    } else {
        Err(out_of_range(field, d, EARLIEST, LATEST))
    }
}

/// The last day a plan may name: [`YEARS_AHEAD`] years after `today`.
pub fn latest_planned(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(Months::new(12 * YEARS_AHEAD))
        .unwrap_or(LATEST)
}

/// `d` if it is a date of something that happened: [`EARLIEST`]..=`today`.
pub fn past_date(field: Label, d: NaiveDate, today: NaiveDate) -> Result<NaiveDate, InputError> {
    if (EARLIEST..=today).contains(&d) {
        Ok(d)
    } else {
        Err(out_of_range(field, d, EARLIEST, today))
    }
}

/// `d` if it is a date a plan may name: [`EARLIEST`]..=`today` +
/// [`YEARS_AHEAD`] years.
pub fn planned_date(field: Label, d: NaiveDate, today: NaiveDate) -> Result<NaiveDate, InputError> {
    let latest = latest_planned(today);
    if (EARLIEST..=latest).contains(&d) {
        Ok(d)
    } else {
        Err(out_of_range(field, d, EARLIEST, latest))
    }
}

/// A typed `YYYY-MM-DD`, within [`EARLIEST`]..=[`LATEST`].
pub fn parse_date(field: Label, s: &str) -> Result<NaiveDate, InputError> {
    let (ja, en) = field;
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        InputError(format!(
            "{ja}は YYYY-MM-DD の形で入力してください: {s:?} / {en} must be YYYY-MM-DD"
        ))
    })?;
    date_in_range(field, d)
}

/// Why a duration could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationError {
    /// Not `H:MM`, minutes, or `H時間M分`.
    Unreadable,
    /// Readable, but more minutes than any count of this service holds.
    TooLarge,
}

/// The most minutes a typed duration may have (a year); anything larger is
/// [`DurationError::TooLarge`] rather than a number that overflows later.
pub const MAX_DURATION_MINUTES: i64 = 366 * 24 * 60;

/// A duration as typed: `6:30` (hours:minutes), `390` (minutes), also in
/// full-width digits or as `6時間30分` / `7時間`. Minutes of `H:MM` are
/// 0–59. Arithmetic is checked: `307445734561825861:00` is too large, not
/// 44 minutes.
pub fn parse_duration(s: &str) -> Result<i64, DurationError> {
    let half: String = s
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c),
            '：' => ':',
            c => c,
        })
        .collect();
    let mut t = half.replace("時間", ":").replace('分', "");
    if t.ends_with(':') {
        t.push('0');
    }
    // Digits only: no sign, no point, no exponent.
    let number = |p: &str| -> Result<u64, DurationError> {
        let p = p.trim();
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DurationError::Unreadable);
        }
        // All digits, so the only way to fail is being too large.
        p.parse::<u64>().map_err(|_| DurationError::TooLarge)
    };
    let minutes = match t.split_once(':') {
        Some((h, m)) => {
            let (h, m) = (number(h)?, number(m)?);
            if m >= 60 {
                return Err(DurationError::Unreadable);
            }
            h.checked_mul(60)
                .and_then(|x| x.checked_add(m))
                .ok_or(DurationError::TooLarge)?
        }
        None => number(&t)?,
    };
    i64::try_from(minutes)
        .ok()
        .filter(|m| *m <= MAX_DURATION_MINUTES)
        .ok_or(DurationError::TooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const HELD_ON: Label = ("実施日", "held_on");

    #[test]
    fn dates_far_in_the_past_or_future_are_refused_naming_the_field() {
        let today = d("2024-07-01");
        assert_eq!(past_date(HELD_ON, d("2024-06-13"), today), Ok(d("2024-06-13")));
        assert_eq!(
            past_date(HELD_ON, d("0001-01-01"), today),
            Err(InputError(
                "実施日は 2000-01-01〜2024-07-01 の日付で入力してください（0001-01-01） / held_on must be a date from 2000-01-01 to 2024-07-01 (0001-01-01)".into()
            ))
        );
        assert!(past_date(HELD_ON, d("2024-07-02"), today).is_err());
        assert!(planned_date(HELD_ON, d("2034-07-01"), today).is_ok());
        assert!(planned_date(HELD_ON, d("2034-07-02"), today).is_err());
        assert!(planned_date(HELD_ON, d("9999-12-31"), today).is_err());
        assert!(parse_date(HELD_ON, "9999-12-31").is_err());
        assert!(parse_date(HELD_ON, "1999-12-31").is_err());
        assert_eq!(parse_date(HELD_ON, " 2099-12-31 "), Ok(LATEST));
        assert!(parse_date(HELD_ON, "2024/13/01").unwrap_err().0.contains("YYYY-MM-DD"));
        assert_eq!(latest_planned(NaiveDate::MAX), LATEST);
    }

    #[test]
    fn durations_are_read_with_checked_arithmetic() {
        assert_eq!(parse_duration("6:30"), Ok(390));
        assert_eq!(parse_duration(" 390 "), Ok(390));
        assert_eq!(parse_duration("６：３０"), Ok(390));
        assert_eq!(parse_duration("6時間30分"), Ok(390));
        assert_eq!(parse_duration("7時間"), Ok(420));
        assert_eq!(parse_duration("0:00"), Ok(0));
        for s in ["6:75", "6.5", "", "-1:00", "+390", "1e3", ":30"] {
            assert_eq!(parse_duration(s), Err(DurationError::Unreadable), "{s:?}");
        }
        // 307445734561825861 × 60 + 0 wraps a u64 round to 44.
        for s in [
            "307445734561825861:00",
            "99999999999999999999",
            "99999999999999999999:00",
            "8784:01",
            "527041",
        ] {
            assert_eq!(parse_duration(s), Err(DurationError::TooLarge), "{s:?}");
        }
        assert_eq!(parse_duration("8784:00"), Ok(MAX_DURATION_MINUTES));
    }
}

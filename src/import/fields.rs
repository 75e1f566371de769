//! Cell parsers (formats.md, "Input files": dates, times, breaks, kinds, PC
//! log date-times).
//!
//! Every parser receives a cell already NFKC-normalised and trimmed (see
//! [`normalise`]), so full-width `０８：３０` arrives as `08:30`. Errors are
//! the row error's reason: Japanese, then English, quoting the value.

use crate::domain::time::ClockReading;
use crate::domain::{Kind, Level, Minutes};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use std::borrow::Cow;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// What every cell goes through first: NFKC (full-width digits, colons,
/// slashes and spaces become ASCII) and trimming.
///
/// Most cells are already in NFKC (all ASCII text is, and so are most
/// Japanese names and labels); the quick check proves it without building a
/// normalised copy, so those cells are only trimmed, borrowed from the file.
pub(crate) fn normalise(cell: &str) -> Cow<'_, str> {
    if is_nfkc_quick(cell.chars()) == IsNormalized::Yes {
        return Cow::Borrowed(cell.trim());
    }
    // Cells typed in full width (`０８：３０`, `２０２４／６／３`) hold only
    // ASCII and full-width ASCII, whose NFKC is one ASCII character each
    // (U+FF01–U+FF5E → U+0021–U+007E, the ideographic space → a space):
    // mapped directly, without the general algorithm.
    if cell.chars().all(|c| c.is_ascii() || is_wide_ascii(c)) {
        let narrow: String = cell.chars().map(narrow_ascii).collect();
        return Cow::Owned(narrow.trim().to_string());
    }
    let nfkc: String = cell.nfkc().collect();
    Cow::Owned(nfkc.trim().to_string())
}

/// A full-width form of an ASCII character, or the ideographic space.
fn is_wide_ascii(c: char) -> bool {
    matches!(c, '\u{FF01}'..='\u{FF5E}' | '\u{3000}')
}

/// The ASCII character a full-width one stands for (NFKC's mapping).
fn narrow_ascii(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
        other => other,
    }
}

/// `s` if it is all ASCII digits and `len` long, as a number.
fn digits(s: &str, len: std::ops::RangeInclusive<usize>) -> Option<u32> {
    if len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// `YYYY-MM-DD` or `YYYY/MM/DD`, month and day with one or two digits.
pub(crate) fn date(s: &str) -> Result<NaiveDate, String> {
    let sep = if s.contains('/') { '/' } else { '-' };
    let mut parts = s.split(sep);
    let ymd = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d), None) => digits(y, 4..=4)
            .zip(digits(m, 1..=2))
            .zip(digits(d, 1..=2))
            .and_then(|((y, m), d)| NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)),
        _ => None,
    };
    let d = ymd.ok_or_else(|| {
        format!("日付が読めません（YYYY-MM-DD または YYYY/MM/DD）: {s:?} / unreadable date (YYYY-MM-DD or YYYY/MM/DD)")
    })?;
    // A date of a working day is within the dates a person may enter
    // (domain::input): 0001-01-01 or 9999-12-31 is a typing mistake.
    let (from, to) = (crate::domain::input::EARLIEST, crate::domain::input::LATEST);
    if (from..=to).contains(&d) {
        Ok(d)
    } else {
        Err(format!(
            "日付が範囲外です（{from}〜{to}）: {s:?} / date out of range ({from} to {to})"
        ))
    }
}

/// A clock reading of a timecard: `H:MM` or `HH:MM[:SS]`, possibly past 24.
pub(crate) fn clock(s: &str) -> Result<ClockReading, String> {
    ClockReading::parse(s).map_err(|e| e.to_string())
}

/// A time of day below 24:00 (a doctor's scheduled start).
pub(crate) fn time_of_day(s: &str) -> Result<NaiveTime, String> {
    ClockReading::parse(s)
        .ok()
        .filter(|r| !r.is_past_midnight())
        .map(|r| r.on(NaiveDate::MIN).time())
        .ok_or_else(|| format!("時刻が読めません（00:00〜23:59）: {s:?} / unreadable time of day (00:00 to 23:59)"))
}

/// A PC log instant: a date, a space or `T`, and a time below 24:00.
pub(crate) fn datetime(s: &str) -> Result<NaiveDateTime, String> {
    s.split_once([' ', 'T'])
        .and_then(|(d, t)| {
            let reading = ClockReading::parse(t.trim()).ok()?;
            (!reading.is_past_midnight()).then_some(reading.on(date(d).ok()?))
        })
        .ok_or_else(|| {
            format!(
                "日時が読めません（YYYY-MM-DD HH:MM[:SS]）: {s:?} / unreadable date and time (YYYY-MM-DD HH:MM[:SS])"
            )
        })
}

/// A break as exports write it: whole minutes (`60`) or `H:MM` (`1:00`).
/// Empty is no break. A minus sign is kept so that `Shift` refuses the row
/// with its own "negative break" reason.
pub(crate) fn break_minutes(s: &str) -> Result<Minutes, String> {
    if s.is_empty() {
        return Ok(0);
    }
    let (sign, body) = match s.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, s),
    };
    let magnitude = match body.split_once(':') {
        None => digits(body, 1..=5),
        Some((h, m)) => digits(h, 1..=3)
            .zip(digits(m, 2..=2).filter(|m| *m < 60))
            .map(|(h, m)| h * 60 + m),
    };
    match magnitude {
        Some(m) => Ok(sign * Minutes::from(m)),
        None => Err(format!(
            "休憩時間が読めません（分 または H:MM）: {s:?} / unreadable break (minutes or H:MM)"
        )),
    }
}

/// A row kind (rules §2); empty is ordinary work.
pub(crate) fn kind(s: &str) -> Result<Kind, String> {
    if s.is_empty() {
        return Ok(Kind::Work);
    }
    Kind::parse(s).ok_or_else(|| format!("勤務区分が不明です: {s:?} / unknown kind"))
}

/// A doctor's level; empty is A.
pub(crate) fn level(s: &str) -> Result<Level, String> {
    if s.is_empty() {
        return Ok(Level::A);
    }
    Level::parse(s).ok_or_else(|| format!("水準が不明です（A, 連携B, B, C-1, C-2）: {s:?} / unknown level"))
}

/// A date that may lie before kinmu's working life (a contract signed in
/// 1998): `YYYY-MM-DD` or `YYYY/MM/DD`, from 1900 to the latest date kinmu
/// takes.
pub(crate) fn past_date(s: &str) -> Result<NaiveDate, String> {
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN);
    match date(s) {
        Ok(d) => Ok(d),
        Err(e) => {
            // Only a date before kinmu's first is read again, more widely.
            let sep = if s.contains('/') { "%Y/%m/%d" } else { "%Y-%m-%d" };
            match NaiveDate::parse_from_str(s, sep) {
                Ok(d) if d >= earliest && d < crate::domain::input::EARLIEST => Ok(d),
                _ => Err(e),
            }
        }
    }
}

/// Weekdays written together or separated (`月火水`, `mon,tue`; formats.md C.1).
pub(crate) fn weekdays(s: &str) -> Result<crate::domain::profile::WeekdaySet, String> {
    crate::domain::profile::WeekdaySet::parse(s).ok_or_else(|| {
        format!("曜日が読めません（mon,tue… または 月火…）: {s:?} / unreadable weekdays (mon,tue… or 月火…)")
    })
}

/// A date or a date and time (a confirmation's 確認日時; a date alone is
/// its 00:00).
pub(crate) fn date_or_datetime(s: &str) -> Result<NaiveDateTime, String> {
    if s.contains([' ', 'T']) {
        return datetime(s);
    }
    date(s)
        .map(|d| d.and_time(NaiveTime::MIN))
        .map_err(|_| format!("日付・日時が読めません（YYYY-MM-DD [HH:MM]）: {s:?} / unreadable date or date and time"))
}

/// Yes or no (formats.md C.3): `yes`, `true`, `1`, `はい`, `○` (also `◯`,
/// `〇`, `y`); `no`, `false`, `0`, `いいえ`, `×`, `n` or blank.
pub(crate) fn yes_no(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "yes" | "true" | "1" | "はい" | "○" | "◯" | "〇" | "y" => Ok(true),
        "" | "no" | "false" | "0" | "いいえ" | "×" | "n" => Ok(false),
        _ => Err(format!(
            "はい・いいえが読めません（yes/no, はい/いいえ, ○, 1/0）: {s:?} / unreadable yes or no"
        )),
    }
}

/// 所定区分 of an external row (formats.md C.2); empty is 所定.
pub(crate) fn schedule_class(s: &str) -> Result<crate::domain::profile::ScheduleClass, String> {
    crate::domain::profile::ScheduleClass::parse(s)
        .ok_or_else(|| format!("所定区分が不明です（scheduled/所定, extra/所定外）: {s:?} / unknown schedule_class"))
}

/// The §11 interval rule of a timecard or roster row (formats.md R.2):
/// `over15`, `c1_24h` or one of their Japanese aliases; empty is none.
pub(crate) fn interval_rule(s: &str) -> Result<Option<crate::domain::shift::IntervalRule>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    crate::domain::shift::IntervalRule::parse(s).map(Some).ok_or_else(|| {
        format!(
            "休息ルールが不明です（over15/15時間超/長時間手術/長時間業務, c1_24h/研修24時間/24時間研修）: {s:?} \
             / unknown interval_rule (over15 or c1_24h)"
        )
    })
}

/// A light sanity check: one `@` with text on both sides and no spaces.
pub(crate) fn email(s: &str) -> Result<String, String> {
    match s.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && !domain.is_empty() && !domain.contains('@') && !s.contains(char::is_whitespace) =>
        {
            Ok(s.to_string())
        }
        _ => Err(format!(
            "メールアドレスが正しくありません: {s:?} / invalid email address"
        )),
    }
}

/// Any non-empty text (names, accounts), as normalised.
pub(crate) fn text(s: &str) -> Result<String, String> {
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn full_width_cells_become_ascii_and_are_trimmed() {
        assert_eq!(normalise("　０８：３０ "), "08:30");
        assert_eq!(normalise("２０２４／０６／０１"), "2024/06/01");
        assert_eq!(normalise("山田　太郎"), "山田 太郎");
    }

    #[test]
    fn full_width_ascii_is_mapped_as_nfkc_maps_it() {
        for c in ('\u{FF01}'..='\u{FF5E}').chain(['\u{3000}']) {
            let nfkc: String = c.to_string().nfkc().collect();
            assert_eq!(narrow_ascii(c).to_string(), nfkc, "{c:?}");
        }
        for cell in [
            "２０２４／０６／０３",
            " ０８：３０：００ ",
            "1：00",
            "Ｄ００１",
            "　60　",
        ] {
            let nfkc: String = cell.nfkc().collect();
            assert_eq!(normalise(cell), nfkc.trim(), "{cell:?}");
        }
    }

    #[test]
    fn the_quick_path_gives_what_full_nfkc_gives() {
        let full = |s: &str| -> String { s.nfkc().collect::<String>().trim().to_string() };
        let mut cells: Vec<String> = [
            " D001 ",
            "\t2024/06/01\t",
            "山田 太郎",
            "日勤",
            "宿日直(許可)",
            "ｶﾀｶﾅ",
            "①",
            "髙橋",
            "ｱ\u{ff9e}",
            "e\u{301}",
            "\u{212b}",
            "Å",
            "ﬁ",
            "",
            "   ",
            "ＡＢＣ",
            "か\u{3099}",
            "が",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every ASCII character, and a range of Japanese and compatibility ones.
        cells.extend(
            (0u32..0x80)
                .chain(0x3000..0x3100)
                .chain(0xff00..0xfff0)
                .filter_map(char::from_u32)
                .map(String::from),
        );
        for cell in &cells {
            assert_eq!(normalise(cell), full(cell), "{cell:?}");
        }
        assert!(matches!(normalise(" D001,x "), Cow::Borrowed("D001,x")));
    }

    #[test]
    fn dates_are_read_with_dashes_or_slashes_and_one_or_two_digit_month_and_day() {
        for s in ["2024-06-01", "2024/06/01", "2024/6/1", "2024-6-1"] {
            assert_eq!(date(s), Ok(ymd(2024, 6, 1)), "{s}");
        }
    }

    #[test]
    fn impossible_or_oddly_written_dates_are_refused() {
        for s in [
            "2024/13/01",
            "2024-02-30",
            "24/6/1",
            "2024/06-01",
            "2024/06/01/",
            "20240601",
            "",
            "2024/6/1 8:00",
        ] {
            assert!(date(s).is_err(), "{s:?} should be refused");
        }
        for s in ["0001-01-01", "9999-12-31", "1999/12/31", "2100-01-01"] {
            assert_eq!(
                date(s),
                Err(format!(
                    "日付が範囲外です（2000-01-01〜2099-12-31）: {s:?} / date out of range (2000-01-01 to 2099-12-31)"
                )),
                "{s}"
            );
        }
        assert_eq!(
            date("2024/13/01"),
            Err(r#"日付が読めません（YYYY-MM-DD または YYYY/MM/DD）: "2024/13/01" / unreadable date (YYYY-MM-DD or YYYY/MM/DD)"#.into())
        );
    }

    #[test]
    fn breaks_are_minutes_or_hours_and_minutes_and_keep_a_minus_sign() {
        assert_eq!(break_minutes(""), Ok(0));
        assert_eq!(break_minutes("60"), Ok(60));
        assert_eq!(break_minutes("1:00"), Ok(60));
        assert_eq!(break_minutes("0:45"), Ok(45));
        assert_eq!(break_minutes("-30"), Ok(-30));
        assert_eq!(break_minutes("-0:30"), Ok(-30));
        for s in [
            "1時間",
            "1:5",
            "1:60",
            "+60",
            "1.5",
            "-",
            "1:00:00",
            "99999999999999999999",
        ] {
            assert!(break_minutes(s).is_err(), "{s:?} should be refused");
        }
    }

    #[test]
    fn pc_log_instants_accept_slashes_single_digits_seconds_and_a_t() {
        let at = |h, m, s| ymd(2024, 6, 1).and_hms_opt(h, m, s).unwrap();
        assert_eq!(datetime("2024-06-01 08:05"), Ok(at(8, 5, 0)));
        assert_eq!(datetime("2024/6/1 8:05:09"), Ok(at(8, 5, 9)));
        assert_eq!(datetime("2024-06-01T23:59:59"), Ok(at(23, 59, 59)));
        for s in [
            "2024-06-01",
            "2024-06-01 24:00",
            "08:00",
            "2024-06-01 8",
            "2024-06-01 08:00 x",
        ] {
            assert!(datetime(s).is_err(), "{s:?} should be refused");
        }
    }

    #[test]
    fn kinds_and_levels_default_when_empty_and_name_unknown_values() {
        assert_eq!(kind(""), Ok(Kind::Work));
        assert_eq!(kind("宿日直(許可)"), Ok(Kind::DutyPermitted));
        assert_eq!(kind("休み"), Err(r#"勤務区分が不明です: "休み" / unknown kind"#.into()));
        assert_eq!(level(""), Ok(Level::A));
        assert_eq!(level("C1"), Ok(Level::C1));
        assert!(level("D").is_err());
    }

    #[test]
    fn a_scheduled_start_must_be_a_time_of_day() {
        assert_eq!(time_of_day("8:30"), Ok(NaiveTime::from_hms_opt(8, 30, 0).unwrap()));
        assert!(time_of_day("24:00").is_err());
        assert!(time_of_day("830").is_err());
    }

    #[test]
    fn the_v2_cells_read_their_spellings_and_name_what_they_refuse() {
        assert_eq!(past_date("1998/4/1"), Ok(ymd(1998, 4, 1)));
        assert_eq!(past_date("2024-04-01"), Ok(ymd(2024, 4, 1)));
        assert!(past_date("1899-12-31").is_err());
        assert!(past_date("2100-01-01").is_err());
        assert_eq!(weekdays("月火水").unwrap(), weekdays("mon,tue,wed").unwrap());
        assert!(weekdays("月曜から金曜").unwrap_err().contains("unreadable weekdays"));
        let at = |h, m| ymd(2024, 6, 10).and_hms_opt(h, m, 0).unwrap();
        assert_eq!(date_or_datetime("2024/6/10"), Ok(at(0, 0)));
        assert_eq!(date_or_datetime("2024-06-10 18:30"), Ok(at(18, 30)));
        assert_eq!(date_or_datetime("2024-06-10T18:30"), Ok(at(18, 30)));
        assert!(date_or_datetime("6/10").is_err());
        for yes in ["yes", "TRUE", "1", "はい", "○", "◯", "〇"] {
            assert_eq!(yes_no(yes), Ok(true), "{yes}");
        }
        for no in ["", "no", "False", "0", "いいえ", "×"] {
            assert_eq!(yes_no(no), Ok(false), "{no}");
        }
        assert!(yes_no("たぶん").is_err());
        use crate::domain::profile::ScheduleClass;
        assert_eq!(schedule_class(""), Ok(ScheduleClass::Scheduled));
        assert_eq!(schedule_class("所定外"), Ok(ScheduleClass::Extra));
        assert_eq!(schedule_class("残業"), Ok(ScheduleClass::Extra));
        assert!(schedule_class("夜勤").unwrap_err().contains("unknown schedule_class"));
    }

    #[test]
    fn interval_rules_are_read_from_codes_and_aliases_and_others_refused() {
        use crate::domain::shift::IntervalRule;
        assert_eq!(interval_rule(""), Ok(None));
        for s in ["over15", "15時間超", "長時間手術", "長時間業務"] {
            assert_eq!(interval_rule(s), Ok(Some(IntervalRule::Over15)), "{s}");
        }
        for s in ["c1_24h", "研修24時間", "24時間研修"] {
            assert_eq!(interval_rule(s), Ok(Some(IntervalRule::C1Day)), "{s}");
        }
        let e = interval_rule("foo").unwrap_err();
        assert!(e.starts_with("休息ルールが不明です"), "{e}");
        assert!(e.contains("\"foo\"") && e.contains("unknown interval_rule"), "{e}");
    }

    #[test]
    fn emails_need_one_at_sign_with_text_on_both_sides() {
        assert_eq!(email("a@b.jp"), Ok("a@b.jp".into()));
        for s in ["a", "@b", "a@", "a@b@c", "a b@c"] {
            assert!(email(s).is_err(), "{s:?} should be refused");
        }
    }
}

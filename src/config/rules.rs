//! The settings of rule book v2's counting (formats.md C.4): the default
//! schedule (rules §2.1), the holiday-start tail (§5.1), the agreement
//! month and year (§6.1), the designations (§7.2), the 36協定's figures
//! (§7.3–§7.5), the PC review line (§9), the 産業医's address (§16) and the
//! staffing week (§18).
//!
//! Every key is checked here: a value outside its range or an unreadable
//! list entry stops kinmu with one line naming the key. Lists are TOML
//! arrays in a file and comma-separated in `KINMU_<KEY>`.

use super::{ConfigError, RawSettings};
use crate::domain::agreement::{legal_own_cap, AgreementCalendar, Designation};
use crate::domain::hours::RuleConfig;
use crate::domain::permits::PermitsRegister;
use crate::domain::profile::{HolidayStartTail, WeekdaySet};
use crate::domain::rest::RestConfig;
use crate::domain::shift::Level;
use chrono::{NaiveDate, NaiveTime};

/// A list in the environment: entries separated by commas, trimmed, empty
/// ones left out (`KINMU_DESIGNATED_LEVELS=B:2024-04-01,C-1:2024-04-01`).
pub(super) fn split_env_list(v: &str) -> Vec<String> {
    v.split([',', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn bad(key: &'static str, value: impl Into<String>, expected: &'static str) -> ConfigError {
    ConfigError::Value {
        key,
        value: value.into(),
        expected,
    }
}

/// A whole number in `lo..=hi`, or the default when unset.
fn within(
    key: &'static str,
    v: Option<i64>,
    default: i64,
    (lo, hi): (i64, i64),
    expected: &'static str,
) -> Result<i64, ConfigError> {
    match v.unwrap_or(default) {
        v if (lo..=hi).contains(&v) => Ok(v),
        v => Err(bad(key, v.to_string(), expected)),
    }
}

/// The most minutes any figure of a month or year can be (a year of
/// minutes): a bound that keeps arithmetic on them safe.
const YEAR_OF_MINUTES: i64 = 366 * 24 * 60;

/// A [`RuleConfig`] with the keys of C.4 read from `raw` and every other
/// field at its default (the caller fills those).
pub(super) fn read(raw: &RawSettings) -> Result<RuleConfig, ConfigError> {
    let d = RuleConfig::default();
    let scheduled_end = match raw.scheduled_end.as_deref() {
        None => d.scheduled_end,
        Some(s) => NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| bad("scheduled_end", s, "HH:MM"))?,
    };
    let scheduled_days = match &raw.scheduled_days {
        None => d.scheduled_days,
        Some(days) => {
            let mut set = WeekdaySet::EMPTY;
            for entry in days {
                let read = WeekdaySet::parse(entry)
                    .ok_or_else(|| bad("scheduled_days", entry.as_str(), "mon..sun または 月..日 / weekdays"))?;
                for w in read.iter() {
                    set = set.with(w);
                }
            }
            set
        }
    };
    let mut scheduled_closed_dates = d.scheduled_closed_dates;
    for entry in raw.scheduled_closed_dates.iter().flatten() {
        let date = NaiveDate::parse_from_str(entry.trim(), "%Y-%m-%d").map_err(|_| {
            bad(
                "scheduled_closed_dates",
                entry.as_str(),
                "YYYY-MM-DD の並び / a list of dates",
            )
        })?;
        scheduled_closed_dates.insert(date);
    }
    let holiday_start_tail = match raw.holiday_start_tail.as_deref() {
        None => d.holiday_start_tail,
        Some(s) => {
            HolidayStartTail::parse(s).ok_or_else(|| bad("holiday_start_tail", s, "separate | with_holiday_hours"))?
        }
    };
    let month_start_day = within(
        "month_start_day",
        raw.month_start_day,
        d.calendar.month_start_day.into(),
        (1, 28),
        "1〜28 / 1 to 28",
    )?;
    let year_start = raw.year_start.clone().unwrap_or_else(|| "04-01".into());
    let calendar = AgreementCalendar::new(month_start_day, &year_start).map_err(|_| {
        bad(
            "year_start",
            year_start.as_str(),
            "MM-DD、日は month_start_day と同じ / MM-DD, its day equal to month_start_day",
        )
    })?;
    let mut designated_levels = Vec::new();
    for entry in raw.designated_levels.iter().flatten() {
        designated_levels.push(Designation::parse(entry).ok_or_else(|| {
            bad(
                "designated_levels",
                entry.as_str(),
                "LEVEL:FROM または LEVEL:FROM:TO（例 B:2024-04-01） / LEVEL:FROM or LEVEL:FROM:TO",
            )
        })?);
    }
    let mut agreement = d.agreement;
    let minutes = "0 以上の分数 / minutes, zero or more";
    agreement.general_month_minutes = within(
        "agreement_general_month_minutes",
        raw.agreement_general_month_minutes,
        agreement.general_month_minutes,
        (0, YEAR_OF_MINUTES),
        minutes,
    )?;
    agreement.general_year_minutes = within(
        "agreement_general_year_minutes",
        raw.agreement_general_year_minutes,
        agreement.general_year_minutes,
        (0, YEAR_OF_MINUTES),
        minutes,
    )?;
    agreement.special_month_minutes = within(
        "agreement_special_month_minutes",
        raw.agreement_special_month_minutes,
        agreement.special_month_minutes,
        (0, YEAR_OF_MINUTES),
        "0（定めなし）以上の分数 / minutes, 0 = none",
    )?;
    for (key, level, v) in [
        ("agreement_year_minutes_a", Level::A, raw.agreement_year_minutes_a),
        (
            "agreement_year_minutes_renkei_b",
            Level::RenkeiB,
            raw.agreement_year_minutes_renkei_b,
        ),
        ("agreement_year_minutes_b", Level::B, raw.agreement_year_minutes_b),
        ("agreement_year_minutes_c1", Level::C1, raw.agreement_year_minutes_c1),
        ("agreement_year_minutes_c2", Level::C2, raw.agreement_year_minutes_c2),
    ] {
        if let Some(v) = v {
            agreement.set_own_cap(level, v).map_err(|_| {
                bad(
                    key,
                    v.to_string(),
                    if legal_own_cap(level) == 57_600 {
                        "0〜57600（分。A・連携Bの上限960時間） / 0 to 57600 minutes"
                    } else {
                        "0〜111600（分。B・C水準の上限1860時間） / 0 to 111600 minutes"
                    },
                )
            })?;
        }
    }
    agreement.holiday_days_per_month = within(
        "agreement_holiday_days_per_month",
        raw.agreement_holiday_days_per_month,
        agreement.holiday_days_per_month,
        (0, 31),
        "0〜31（日） / 0 to 31 days",
    )?;
    Ok(RuleConfig {
        scheduled_end,
        scheduled_days,
        scheduled_closed_dates,
        holiday_start_tail,
        calendar,
        designated_levels,
        agreement,
        pc_review_minutes: within(
            "pc_review_minutes",
            raw.pc_review_minutes,
            d.pc_review_minutes,
            (0, 24 * 60),
            "0〜1440（分） / 0 to 1440 minutes",
        )?,
        staffing_weekly_minutes: within(
            "staffing_weekly_minutes",
            raw.staffing_weekly_minutes,
            d.staffing_weekly_minutes,
            (1, 7 * 24 * 60),
            "1〜10080（分） / 1 to 10080 minutes",
        )?,
        permits_register: match raw.permits_register.as_deref() {
            None => d.permits_register,
            Some(s) => PermitsRegister::parse(s).ok_or_else(|| bad("permits_register", s, "required | off"))?,
        },
        permitted_night_duty_per_week: within(
            "permitted_night_duty_per_week",
            raw.permitted_night_duty_per_week,
            d.permitted_night_duty_per_week,
            (0, 7),
            "0〜7（回） / 0 to 7 duties",
        )?,
        permitted_day_duty_per_month: within(
            "permitted_day_duty_per_month",
            raw.permitted_day_duty_per_month,
            d.permitted_day_duty_per_month,
            (0, 31),
            "0〜31（回） / 0 to 31 duties",
        )?,
        break_period_gap_minutes: within(
            "break_period_gap_minutes",
            raw.break_period_gap_minutes,
            d.break_period_gap_minutes,
            (1, 24 * 60),
            "1〜1440（分） / 1 to 1440 minutes",
        )?,
        rest: RestConfig {
            rest_rules_from: match raw.rest_rules_from.as_deref() {
                None => d.rest.rest_rules_from,
                Some(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                    .map_err(|_| bad("rest_rules_from", s, "YYYY-MM-DD"))?,
            },
            rest_a_level_warnings: match &raw.rest_a_level_warnings {
                None => d.rest.rest_a_level_warnings,
                Some(f) => f
                    .value()
                    .ok_or_else(|| bad("rest_a_level_warnings", f.text(), "true | false"))?,
            },
        },
        comp_rest_reminder_days: within(
            "comp_rest_reminder_days",
            raw.comp_rest_reminder_days,
            d.comp_rest_reminder_days,
            (0, 60),
            "0〜60（日） / 0 to 60 days",
        )?,
        ..d
    })
}

/// `occupational_physician_email`: empty is none; otherwise one address
/// (one `@` with text on both sides, no spaces).
pub(super) fn occupational_physician_email(v: Option<String>) -> Result<Option<String>, ConfigError> {
    let Some(v) = v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    match v.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && !domain.is_empty() && !domain.contains('@') && !v.contains(char::is_whitespace) =>
        {
            Ok(Some(v))
        }
        _ => Err(bad(
            "occupational_physician_email",
            v,
            "メールアドレス（空なら送らない） / an email address, or empty",
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{ConfigError, Settings};
    use crate::domain::agreement::Designation;
    use crate::domain::hours::RuleConfig;
    use crate::domain::profile::{HolidayStartTail, WeekdaySet};
    use crate::domain::shift::Level;
    use chrono::{NaiveDate, NaiveTime, Weekday};
    use std::collections::HashMap;

    fn load(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::load_with(None, &move |k| map.get(k).cloned())
    }

    fn from_file(text: &str) -> Result<Settings, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("kinmu.toml");
        std::fs::write(&file, text).unwrap();
        Settings::load_with(Some(&file), &|_| None)
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// The line kinmu stops with, which must name the key.
    fn refused(pairs: &[(&str, &str)], key: &str) {
        let err = load(pairs).err().unwrap_or_else(|| panic!("{pairs:?} was accepted"));
        let line = err.to_string();
        assert!(line.contains(key), "{pairs:?}: {line}");
        assert!(!line.contains('\n'), "one line: {line}");
    }

    #[test]
    fn the_defaults_of_c_4_are_the_rule_books() {
        let s = load(&[]).unwrap();
        assert_eq!(s.rules, RuleConfig::default());
        assert_eq!(s.rules.scheduled_end, NaiveTime::from_hms_opt(17, 15, 0).unwrap());
        assert_eq!(s.rules.scheduled_days, WeekdaySet::MON_FRI);
        assert_eq!(s.rules.calendar.month_start_day, 1);
        assert_eq!(s.rules.agreement.own_cap(Level::B), 111_600);
        assert_eq!((s.rules.pc_review_minutes, s.rules.staffing_weekly_minutes), (30, 2400));
        assert_eq!(s.occupational_physician_email, None);
    }

    #[test]
    fn every_key_is_read_from_the_environment_lists_comma_separated() {
        let s = load(&[
            ("KINMU_SCHEDULED_END", "17:30"),
            ("KINMU_SCHEDULED_DAYS", "月,火,水,木,金,土"),
            ("KINMU_SCHEDULED_CLOSED_DATES", "2024-12-30, 2024-12-31"),
            ("KINMU_HOLIDAY_START_TAIL", "with_holiday_hours"),
            ("KINMU_MONTH_START_DAY", "16"),
            ("KINMU_YEAR_START", "04-16"),
            ("KINMU_DESIGNATED_LEVELS", "B:2024-04-01,連携B:2024-04-01:2027-03-31"),
            ("KINMU_AGREEMENT_GENERAL_MONTH_MINUTES", "2400"),
            ("KINMU_AGREEMENT_GENERAL_YEAR_MINUTES", "20000"),
            ("KINMU_AGREEMENT_SPECIAL_MONTH_MINUTES", "6000"),
            ("KINMU_AGREEMENT_YEAR_MINUTES_A", "54000"),
            ("KINMU_AGREEMENT_YEAR_MINUTES_RENKEI_B", "57600"),
            ("KINMU_AGREEMENT_YEAR_MINUTES_B", "100000"),
            ("KINMU_AGREEMENT_YEAR_MINUTES_C1", "111600"),
            ("KINMU_AGREEMENT_YEAR_MINUTES_C2", "90000"),
            ("KINMU_AGREEMENT_HOLIDAY_DAYS_PER_MONTH", "2"),
            ("KINMU_PC_REVIEW_MINUTES", "45"),
            ("KINMU_STAFFING_WEEKLY_MINUTES", "2325"),
            ("KINMU_OCCUPATIONAL_PHYSICIAN_EMAIL", "sangyoi@hospital.example"),
            ("KINMU_PERMITS_REGISTER", "off"),
            ("KINMU_PERMITTED_NIGHT_DUTY_PER_WEEK", "2"),
            ("KINMU_PERMITTED_DAY_DUTY_PER_MONTH", "3"),
            ("KINMU_BREAK_PERIOD_GAP_MINUTES", "45"),
        ])
        .unwrap();
        let r = &s.rules;
        assert_eq!(r.scheduled_end, NaiveTime::from_hms_opt(17, 30, 0).unwrap());
        assert!(r.scheduled_days.contains(Weekday::Sat) && !r.scheduled_days.contains(Weekday::Sun));
        assert_eq!(
            r.scheduled_closed_dates.iter().copied().collect::<Vec<_>>(),
            vec![d("2024-12-30"), d("2024-12-31")]
        );
        assert_eq!(r.holiday_start_tail, HolidayStartTail::WithHolidayHours);
        assert_eq!((r.calendar.month_start_day, r.calendar.year_start_month), (16, 4));
        assert_eq!(
            r.designated_levels,
            vec![
                Designation::parse("B:2024-04-01").unwrap(),
                Designation::parse("連携B:2024-04-01:2027-03-31").unwrap()
            ]
        );
        let a = &r.agreement;
        assert_eq!(
            (a.general_month_minutes, a.general_year_minutes, a.special_month_minutes),
            (2400, 20000, 6000)
        );
        assert_eq!(a.year_minutes, [54_000, 57_600, 100_000, 111_600, 90_000]);
        assert_eq!(a.holiday_days_per_month, 2);
        assert_eq!((r.pc_review_minutes, r.staffing_weekly_minutes), (45, 2325));
        assert_eq!(r.permits_register, crate::domain::permits::PermitsRegister::Off);
        assert_eq!(
            (
                r.permitted_night_duty_per_week,
                r.permitted_day_duty_per_month,
                r.break_period_gap_minutes
            ),
            (2, 3, 45)
        );
        assert_eq!(
            s.occupational_physician_email.as_deref(),
            Some("sangyoi@hospital.example")
        );
    }

    #[test]
    fn a_file_gives_lists_as_arrays_and_the_environment_still_wins() {
        let s = from_file(
            "scheduled_days = [\"mon\", \"wed\", \"fri\"]\n\
             scheduled_closed_dates = [\"2025-01-02\"]\n\
             designated_levels = [\"C-1:2024-04-01\"]\n\
             month_start_day = 16\nyear_start = \"04-16\"\n",
        )
        .unwrap();
        assert_eq!(s.rules.scheduled_days, WeekdaySet::parse("月水金").unwrap());
        assert!(s.rules.scheduled_closed_dates.contains(&d("2025-01-02")));
        assert_eq!(s.rules.designated_levels[0].level, Level::C1);
        assert_eq!(s.rules.calendar.month_start_day, 16);
        assert!(
            from_file("scheduled_days = \"mon\"\n").is_err(),
            "a list is an array in a file"
        );
    }

    #[test]
    fn values_outside_their_range_are_refused_naming_the_key() {
        refused(&[("KINMU_SCHEDULED_END", "17:75")], "scheduled_end");
        refused(&[("KINMU_SCHEDULED_DAYS", "mon,funday")], "scheduled_days");
        refused(
            &[("KINMU_SCHEDULED_CLOSED_DATES", "2024-12-31,12/31")],
            "scheduled_closed_dates",
        );
        refused(&[("KINMU_HOLIDAY_START_TAIL", "together")], "holiday_start_tail");
        refused(&[("KINMU_MONTH_START_DAY", "29")], "month_start_day");
        refused(&[("KINMU_MONTH_START_DAY", "0")], "month_start_day");
        // 04-01 is the default year start: its day must follow month_start_day.
        refused(&[("KINMU_MONTH_START_DAY", "16")], "year_start");
        refused(&[("KINMU_YEAR_START", "13-01")], "year_start");
        refused(
            &[("KINMU_DESIGNATED_LEVELS", "B:2024-04-01,A:2024-04-01")],
            "designated_levels",
        );
        refused(
            &[("KINMU_DESIGNATED_LEVELS", "B:2024-04-01:2024-03-01")],
            "designated_levels",
        );
        refused(
            &[("KINMU_AGREEMENT_GENERAL_MONTH_MINUTES", "-1")],
            "agreement_general_month_minutes",
        );
        refused(
            &[("KINMU_AGREEMENT_GENERAL_YEAR_MINUTES", "x")],
            "agreement_general_year_minutes",
        );
        refused(
            &[("KINMU_AGREEMENT_SPECIAL_MONTH_MINUTES", "-60")],
            "agreement_special_month_minutes",
        );
        refused(
            &[("KINMU_AGREEMENT_YEAR_MINUTES_A", "57601")],
            "agreement_year_minutes_a",
        );
        refused(
            &[("KINMU_AGREEMENT_YEAR_MINUTES_RENKEI_B", "60000")],
            "agreement_year_minutes_renkei_b",
        );
        refused(
            &[("KINMU_AGREEMENT_YEAR_MINUTES_B", "111601")],
            "agreement_year_minutes_b",
        );
        refused(
            &[("KINMU_AGREEMENT_YEAR_MINUTES_C1", "-1")],
            "agreement_year_minutes_c1",
        );
        refused(
            &[("KINMU_AGREEMENT_YEAR_MINUTES_C2", "200000")],
            "agreement_year_minutes_c2",
        );
        refused(
            &[("KINMU_AGREEMENT_HOLIDAY_DAYS_PER_MONTH", "-1")],
            "agreement_holiday_days_per_month",
        );
        refused(&[("KINMU_PC_REVIEW_MINUTES", "-5")], "pc_review_minutes");
        refused(&[("KINMU_STAFFING_WEEKLY_MINUTES", "0")], "staffing_weekly_minutes");
        refused(&[("KINMU_PERMITS_REGISTER", "maybe")], "permits_register");
        refused(
            &[("KINMU_PERMITTED_NIGHT_DUTY_PER_WEEK", "-1")],
            "permitted_night_duty_per_week",
        );
        refused(
            &[("KINMU_PERMITTED_DAY_DUTY_PER_MONTH", "x")],
            "permitted_day_duty_per_month",
        );
        refused(&[("KINMU_BREAK_PERIOD_GAP_MINUTES", "0")], "break_period_gap_minutes");
        refused(
            &[("KINMU_OCCUPATIONAL_PHYSICIAN_EMAIL", "sangyoi")],
            "occupational_physician_email",
        );
        refused(
            &[("KINMU_WORK_RECORDS_RETENTION_YEARS", "2")],
            "work_records_retention_years",
        );
        refused(&[("KINMU_WAGE_PAYMENT_DAY", "32")], "wage_payment_day");
        refused(&[("KINMU_WAGE_PAYMENT_MONTH_OFFSET", "3")], "wage_payment_month_offset");
        refused(&[("KINMU_A_LEVEL_GRACE_DAYS", "-1")], "a_level_grace_days");
        // The edges are accepted.
        let s = load(&[
            ("KINMU_MONTH_START_DAY", "28"),
            ("KINMU_YEAR_START", "10-28"),
            ("KINMU_AGREEMENT_HOLIDAY_DAYS_PER_MONTH", "0"),
            ("KINMU_AGREEMENT_YEAR_MINUTES_B", "111600"),
        ])
        .unwrap();
        assert_eq!(s.rules.calendar.year_start_month, 10);
        assert_eq!(s.rules.agreement.holiday_days_per_month, 0);
    }
}

//! A validated shift: one row of a timecard or roster (rules §1, §2).
//!
//! A `Shift` keeps the times exactly as written (to the second), so that
//! overlap is tested on what the export said; the rounded times of §1 are
//! derived from it when minutes are counted.

use super::row_status::{ScheduleClass, StudyStatus};
use super::time::{ceil_minute, floor_minute, minutes_between, ClockReading, Minutes};
use chrono::{Duration, NaiveDate, NaiveDateTime, Weekday};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// The longest row accepted (rules §1).
pub const MAX_SHIFT: Duration = Duration::hours(48);

/// The kind of a row (rules §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 通常・日勤・夜勤: working time.
    Work,
    /// 宿日直 without a permit: working time.
    Duty,
    /// 宿日直許可: not working time (work during it is separate `work` rows).
    DutyPermitted,
    /// 自己研鑽: not working time, listed separately.
    SelfStudy,
    /// 副業・兼業: working time at another institution, added up (労基法38条).
    External,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Work,
        Kind::Duty,
        Kind::DutyPermitted,
        Kind::SelfStudy,
        Kind::External,
    ];

    /// Whether minutes of this kind are working time ("working rows").
    pub fn is_working(self) -> bool {
        matches!(self, Kind::Work | Kind::Duty | Kind::External)
    }

    /// The stable English code used in files, the database and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Work => "work",
            Kind::Duty => "duty",
            Kind::DutyPermitted => "duty_permitted",
            Kind::SelfStudy => "self_study",
            Kind::External => "external",
        }
    }

    /// The Japanese label shown to people.
    pub fn label_ja(self) -> &'static str {
        match self {
            Kind::Work => "勤務",
            Kind::Duty => "宿日直",
            Kind::DutyPermitted => "宿日直（許可）",
            Kind::SelfStudy => "自己研鑽",
            Kind::External => "副業・兼業",
        }
    }

    /// Reads a kind from its code or a Japanese alias (input already
    /// NFKC-normalised and trimmed by the importer; matching is exact).
    pub fn parse(s: &str) -> Option<Kind> {
        // The stored codes, without the lower-casing copy (a month's report
        // reads hundreds of thousands of them).
        if let Some(k) = Kind::ALL.into_iter().find(|k| k.code() == s) {
            return Some(k);
        }
        let s = s.trim();
        let lower = s.to_ascii_lowercase();
        Some(match lower.as_str() {
            "work" | "通常" | "日勤" | "夜勤" | "勤務" | "時間外" => Kind::Work,
            "duty" | "宿日直" | "宿日直(許可なし)" | "宿直" | "日直" => Kind::Duty,
            "duty_permitted" | "宿日直許可" | "宿日直(許可)" | "宿日直(許可あり)" => {
                Kind::DutyPermitted
            }
            "self_study" | "自己研鑽" => Kind::SelfStudy,
            "external" | "副業" | "兼業" | "副業・兼業" | "副業兼業" | "他院" => Kind::External,
            _ => return None,
        })
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The doctor's level (水準) under the 2024 reform.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    #[serde(rename = "A")]
    #[default]
    A,
    #[serde(rename = "連携B")]
    RenkeiB,
    #[serde(rename = "B")]
    B,
    #[serde(rename = "C-1")]
    C1,
    #[serde(rename = "C-2")]
    C2,
}

impl Level {
    pub const ALL: [Level; 5] = [Level::A, Level::RenkeiB, Level::B, Level::C1, Level::C2];

    /// The spelling used in every output (`A`, `連携B`, `B`, `C-1`, `C-2`).
    pub fn code(self) -> &'static str {
        match self {
            Level::A => "A",
            Level::RenkeiB => "連携B",
            Level::B => "B",
            Level::C1 => "C-1",
            Level::C2 => "C-2",
        }
    }

    /// Reads a level from any accepted spelling (`RB`, `C1`, … too).
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s.trim().to_ascii_uppercase().as_str() {
            "A" => Level::A,
            "連携B" | "RB" | "RENKEI_B" | "RENKEIB" => Level::RenkeiB,
            "B" => Level::B,
            "C-1" | "C1" => Level::C1,
            "C-2" | "C2" => Level::C2,
            _ => return None,
        })
    }

    /// The annual limit on overtime and holiday work (rules §7).
    pub fn annual_limit_minutes(self) -> Minutes {
        match self {
            Level::A => 57_600,
            _ => 111_600,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A roster row's rest-rule flag (formats.md R.2, rules §11.3, §11.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum IntervalRule {
    /// Planned work over 15 h (予定された15時間超の業務, rules §11.7).
    #[serde(rename = "over15")]
    Over15,
    /// A C-1 clinical trainee's 24-hour training shift (rules §11.3).
    #[serde(rename = "c1_24h")]
    C1Day,
}

impl IntervalRule {
    /// The stable code used in files, the database and JSON.
    pub fn code(self) -> &'static str {
        match self {
            IntervalRule::Over15 => "over15",
            IntervalRule::C1Day => "c1_24h",
        }
    }

    /// Reads a flag from its code or a Japanese alias (formats.md R.2).
    pub fn parse(s: &str) -> Option<IntervalRule> {
        match s {
            "over15" => return Some(IntervalRule::Over15),
            "c1_24h" => return Some(IntervalRule::C1Day),
            _ => {}
        }
        let s = s.trim();
        Some(match s.to_ascii_lowercase().as_str() {
            "over15" | "15時間超" | "長時間手術" | "長時間業務" => IntervalRule::Over15,
            "c1_24h" | "研修24時間" | "24時間研修" => IntervalRule::C1Day,
            _ => return None,
        })
    }
}

impl fmt::Display for IntervalRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Reads a weekday written as `sun`..`sat`, an English name, or `日`..`土`
/// (also `日曜`, `日曜日`).
pub fn parse_weekday(s: &str) -> Option<Weekday> {
    const NAMES: [(Weekday, &str, &str, &str); 7] = [
        (Weekday::Sun, "sun", "sunday", "日"),
        (Weekday::Mon, "mon", "monday", "月"),
        (Weekday::Tue, "tue", "tuesday", "火"),
        (Weekday::Wed, "wed", "wednesday", "水"),
        (Weekday::Thu, "thu", "thursday", "木"),
        (Weekday::Fri, "fri", "friday", "金"),
        (Weekday::Sat, "sat", "saturday", "土"),
    ];
    let s = s.trim();
    let lower = s.to_ascii_lowercase();
    NAMES
        .iter()
        .find(|(_, short, long, ja)| {
            lower == *short
                || lower == *long
                || [ja.to_string(), format!("{ja}曜"), format!("{ja}曜日")].contains(&s.to_string())
        })
        .map(|(w, ..)| *w)
}

/// The three-letter code of a weekday (`sun`), as stored and shown in files.
pub fn weekday_code(w: Weekday) -> &'static str {
    match w {
        Weekday::Sun => "sun",
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
    }
}

/// Why a row is not a valid shift. Messages are Japanese first, then English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShiftError {
    #[error("終了が開始より後ではありません（{start} → {end}） / end is not after start")]
    EndNotAfterStart { start: NaiveDateTime, end: NaiveDateTime },
    #[error("48時間を超える勤務です（{start} → {end}） / row longer than 48 h")]
    TooLong { start: NaiveDateTime, end: NaiveDateTime },
    #[error("休憩時間が負です（{0}分） / negative break")]
    NegativeBreak(Minutes),
    #[error("休憩時間（{break_minutes}分）が勤務時間（{span}分）より長いです / break longer than the row")]
    BreakTooLong { break_minutes: Minutes, span: Minutes },
}

/// One validated row: times as written, break in minutes, kind, and the
/// columns of rule book v2 that some kinds carry (rules §2.3, §5b.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Shift {
    start: NaiveDateTime,
    end: NaiveDateTime,
    break_minutes: Minutes,
    kind: Kind,
    /// `self_study` rows: confirmed, rejected or not yet (§2.3).
    study: StudyStatus,
    /// `external` rows: the other employer, as written (§5b.2).
    employer: Option<Arc<str>>,
    /// `external` rows: 所定 or 所定外 there (§5b.2).
    class: ScheduleClass,
    /// Roster rows: the rest-rule flag (rules §11.3, §11.7; formats.md R.2).
    interval_rule: Option<IntervalRule>,
}

impl Shift {
    /// Validates a row given by its start and end instants.
    pub fn new(
        start: NaiveDateTime,
        end: NaiveDateTime,
        break_minutes: Minutes,
        kind: Kind,
    ) -> Result<Shift, ShiftError> {
        if end <= start {
            return Err(ShiftError::EndNotAfterStart { start, end });
        }
        if end - start > MAX_SHIFT {
            return Err(ShiftError::TooLong { start, end });
        }
        if break_minutes < 0 {
            return Err(ShiftError::NegativeBreak(break_minutes));
        }
        let span = minutes_between(floor_minute(start), ceil_minute(end));
        if break_minutes > span {
            return Err(ShiftError::BreakTooLong { break_minutes, span });
        }
        Ok(Shift {
            start,
            end,
            break_minutes,
            kind,
            study: StudyStatus::Unconfirmed,
            employer: None,
            class: ScheduleClass::Scheduled,
            interval_rule: None,
        })
    }

    /// Validates a row as an export writes it (rules §1): a start date, a
    /// start and end clock (possibly past 24:00) and an optional end date.
    /// Without an end date, an end below 24:00 that is not after the start
    /// ends on the next day.
    pub fn from_written(
        date: NaiveDate,
        clock_in: ClockReading,
        clock_out: ClockReading,
        end_date: Option<NaiveDate>,
        break_minutes: Minutes,
        kind: Kind,
    ) -> Result<Shift, ShiftError> {
        let start = clock_in.on(date);
        let end = match end_date {
            Some(d) => clock_out.on(d),
            None => {
                let same_day = clock_out.on(date);
                if !clock_out.is_past_midnight() && same_day <= start {
                    same_day + Duration::days(1)
                } else {
                    same_day
                }
            }
        };
        Shift::new(start, end, break_minutes, kind)
    }

    pub fn start(&self) -> NaiveDateTime {
        self.start
    }
    pub fn end(&self) -> NaiveDateTime {
        self.end
    }
    pub fn break_minutes(&self) -> Minutes {
        self.break_minutes
    }
    pub fn kind(&self) -> Kind {
        self.kind
    }
    /// The status of a `self_study` row (rules §2.3).
    pub fn study(&self) -> StudyStatus {
        self.study
    }
    /// The employer written on an `external` row (rules §5b.2).
    pub fn employer(&self) -> Option<&str> {
        self.employer.as_deref()
    }
    /// 所定 or 所定外 at the other employer (rules §5b.2).
    pub fn schedule_class(&self) -> ScheduleClass {
        self.class
    }
    /// The same row with a self-study status.
    pub fn with_study(mut self, study: StudyStatus) -> Shift {
        self.study = study;
        self
    }
    /// The same row with an employer (blank names are no employer).
    pub fn with_employer(mut self, employer: Option<&str>) -> Shift {
        self.employer = employer.map(str::trim).filter(|e| !e.is_empty()).map(Arc::from);
        self
    }
    /// The rest-rule flag of a roster row (rules §11.3, §11.7).
    pub fn interval_rule(&self) -> Option<IntervalRule> {
        self.interval_rule
    }
    /// The same row with a rest-rule flag.
    pub fn with_interval_rule(mut self, rule: Option<IntervalRule>) -> Shift {
        self.interval_rule = rule;
        self
    }
    /// The same row with a 所定区分.
    pub fn with_class(mut self, class: ScheduleClass) -> Shift {
        self.class = class;
        self
    }
    /// The date the row starts on (its "date" column).
    pub fn start_date(&self) -> NaiveDate {
        self.start.date()
    }
    /// The start floored to the minute (rules §1).
    pub fn rounded_start(&self) -> NaiveDateTime {
        floor_minute(self.start)
    }
    /// The end ceiled to the minute (rules §1).
    pub fn rounded_end(&self) -> NaiveDateTime {
        ceil_minute(self.end)
    }
    /// `end − start − break` on the rounded times (rules §1).
    pub fn minutes(&self) -> Minutes {
        minutes_between(self.rounded_start(), self.rounded_end()) - self.break_minutes
    }
    /// Whether two rows overlap, tested on the times as written (rules §2).
    pub fn overlaps(&self, other: &Shift) -> bool {
        self.start < other.end && other.start < self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }
    fn c(s: &str) -> ClockReading {
        ClockReading::parse(s).unwrap()
    }

    #[test]
    fn a_shift_ending_at_25_30_ends_next_day_at_01_30() {
        let s = Shift::from_written(d("2024-06-01"), c("17:00"), c("25:30"), None, 0, Kind::Work).unwrap();
        assert_eq!(s.end(), dt("2024-06-02 01:30"));
        assert_eq!(s.minutes(), 510);
    }

    #[test]
    fn an_end_below_24_that_is_not_after_the_start_ends_next_day() {
        let s = Shift::from_written(d("2024-06-01"), c("17:00"), c("09:00"), None, 60, Kind::Work).unwrap();
        assert_eq!(s.end(), dt("2024-06-02 09:00"));
        assert_eq!(s.minutes(), 16 * 60 - 60);
        // 09:00 → 09:00 is a full 24 h, not an empty row.
        let s = Shift::from_written(d("2024-06-01"), c("09:00"), c("09:00"), None, 0, Kind::Duty).unwrap();
        assert_eq!(s.minutes(), 24 * 60);
    }

    #[test]
    fn an_explicit_end_date_is_taken_as_written() {
        let s = Shift::from_written(
            d("2024-06-01"),
            c("08:00"),
            c("10:00"),
            Some(d("2024-06-02")),
            0,
            Kind::Work,
        )
        .unwrap();
        assert_eq!(s.end(), dt("2024-06-02 10:00"));
        assert_eq!(s.minutes(), 26 * 60);
        let err = Shift::from_written(
            d("2024-06-01"),
            c("08:00"),
            c("07:00"),
            Some(d("2024-06-01")),
            0,
            Kind::Work,
        );
        assert!(matches!(err, Err(ShiftError::EndNotAfterStart { .. })));
    }

    #[test]
    fn a_row_longer_than_48_hours_is_refused_but_48_hours_is_accepted() {
        let ok = Shift::from_written(
            d("2024-06-01"),
            c("08:00"),
            c("08:00"),
            Some(d("2024-06-03")),
            0,
            Kind::Work,
        );
        assert_eq!(ok.unwrap().minutes(), 48 * 60);
        let err = Shift::from_written(
            d("2024-06-01"),
            c("08:00"),
            c("08:01"),
            Some(d("2024-06-03")),
            0,
            Kind::Work,
        );
        assert!(matches!(err, Err(ShiftError::TooLong { .. })));
    }

    #[test]
    fn a_negative_break_or_a_break_longer_than_the_row_is_refused() {
        let neg = Shift::from_written(d("2024-06-01"), c("08:00"), c("17:00"), None, -5, Kind::Work);
        assert!(matches!(neg, Err(ShiftError::NegativeBreak(-5))));
        let long = Shift::from_written(d("2024-06-01"), c("08:00"), c("09:00"), None, 61, Kind::Work);
        assert!(matches!(long, Err(ShiftError::BreakTooLong { .. })));
    }

    #[test]
    fn seconds_are_rounded_outwards_so_work_is_never_under_counted() {
        let start = NaiveDateTime::parse_from_str("2024-06-03 08:59:59", "%Y-%m-%d %H:%M:%S").unwrap();
        let end = NaiveDateTime::parse_from_str("2024-06-03 17:00:01", "%Y-%m-%d %H:%M:%S").unwrap();
        let s = Shift::new(start, end, 60, Kind::Work).unwrap();
        // 08:59 → 17:01 is 482 minutes, less the hour of break.
        assert_eq!(s.minutes(), 422);
    }

    #[test]
    fn kinds_are_read_from_codes_and_japanese_aliases() {
        assert_eq!(Kind::parse("夜勤"), Some(Kind::Work));
        assert_eq!(Kind::parse("宿日直(許可)"), Some(Kind::DutyPermitted));
        assert_eq!(Kind::parse("宿日直許可"), Some(Kind::DutyPermitted));
        assert_eq!(Kind::parse("宿日直"), Some(Kind::Duty));
        assert_eq!(Kind::parse("自己研鑽"), Some(Kind::SelfStudy));
        assert_eq!(Kind::parse("副業・兼業"), Some(Kind::External));
        assert_eq!(Kind::parse("他院"), Some(Kind::External));
        assert_eq!(Kind::parse("Self_Study"), Some(Kind::SelfStudy));
        assert_eq!(Kind::parse("休み"), None);
        assert!(Kind::Work.is_working() && Kind::Duty.is_working() && Kind::External.is_working());
        assert!(!Kind::DutyPermitted.is_working() && !Kind::SelfStudy.is_working());
    }

    #[test]
    fn interval_rules_are_read_from_codes_and_japanese_aliases() {
        for s in ["over15", "15時間超", "長時間手術", "長時間業務", "OVER15"] {
            assert_eq!(IntervalRule::parse(s), Some(IntervalRule::Over15), "{s}");
        }
        for s in ["c1_24h", "研修24時間", "24時間研修"] {
            assert_eq!(IntervalRule::parse(s), Some(IntervalRule::C1Day), "{s}");
        }
        assert_eq!(IntervalRule::parse("c2"), None);
        assert_eq!(IntervalRule::C1Day.code(), "c1_24h");
        let s = Shift::from_written(d("2024-06-01"), c("08:00"), c("24:00"), None, 60, Kind::Work)
            .unwrap()
            .with_interval_rule(Some(IntervalRule::Over15));
        assert_eq!(s.interval_rule(), Some(IntervalRule::Over15));
    }

    #[test]
    fn levels_accept_short_spellings_and_print_the_first() {
        assert_eq!(Level::parse("RB"), Some(Level::RenkeiB));
        assert_eq!(Level::parse("c1"), Some(Level::C1));
        assert_eq!(Level::parse("C-2"), Some(Level::C2));
        assert_eq!(Level::RenkeiB.code(), "連携B");
        assert_eq!(Level::parse("D"), None);
    }

    #[test]
    fn weekdays_are_read_in_english_and_japanese() {
        assert_eq!(parse_weekday("sun"), Some(Weekday::Sun));
        assert_eq!(parse_weekday("Saturday"), Some(Weekday::Sat));
        assert_eq!(parse_weekday("土"), Some(Weekday::Sat));
        assert_eq!(parse_weekday("日"), Some(Weekday::Sun));
        assert_eq!(parse_weekday("日曜日"), Some(Weekday::Sun));
        assert_eq!(parse_weekday("月曜"), Some(Weekday::Mon));
        assert_eq!(parse_weekday("x"), None);
        for bad in ["", "曜", "曜日", "日日", "月日"] {
            assert_eq!(parse_weekday(bad), None, "{bad:?}");
        }
    }
}

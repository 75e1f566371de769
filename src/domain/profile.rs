//! What rule book v2 needs to know about a doctor beyond v1's two columns
//! (rules §2.1 schedule, §4.1 statutory holiday, §5a 変形労働時間制, §5b side
//! jobs), and the values of the new row columns (§2.3 self-study status,
//! §5b.2 employer and 所定区分).
//!
//! Every value has a stable English code (files, database, JSON) and reads
//! the Japanese spellings of formats.md ("Additions of rule book v2").

// The row columns' values live apart (shift.rs uses them): the same names
// here, for the callers of this module.
pub use super::row_status::{ScheduleClass, StudyStatus};
use super::shift::{parse_weekday, weekday_code, Level, Shift};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use std::fmt;

/// A set of weekdays (所定労働日), e.g. Monday to Friday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WeekdaySet(u8);

impl WeekdaySet {
    /// Monday to Friday: config `scheduled_days`' default.
    pub const MON_FRI: WeekdaySet = WeekdaySet(0b0011_1110);
    pub const EMPTY: WeekdaySet = WeekdaySet(0);
    pub const ALL: WeekdaySet = WeekdaySet(0b0111_1111);

    fn bit(w: Weekday) -> u8 {
        1 << w.num_days_from_sunday()
    }

    pub fn with(self, w: Weekday) -> WeekdaySet {
        WeekdaySet(self.0 | Self::bit(w))
    }

    pub fn contains(self, w: Weekday) -> bool {
        self.0 & Self::bit(w) != 0
    }

    /// The days from Sunday to Saturday.
    pub fn iter(self) -> impl Iterator<Item = Weekday> {
        [
            Weekday::Sun,
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
        ]
        .into_iter()
        .filter(move |w| self.contains(*w))
    }

    /// Reads `mon,tue,wed`, `月,火,水`, `月火水`, `月・水・金` (formats.md C.1).
    /// `None` for an unreadable entry; an empty text is the empty set.
    pub fn parse(s: &str) -> Option<WeekdaySet> {
        let mut set = WeekdaySet::EMPTY;
        for part in s
            .split([',', '、', ';', '/', '・', ' ', '　'])
            .filter(|p| !p.trim().is_empty())
        {
            let part = part.trim();
            if let Some(w) = parse_weekday(part) {
                set = set.with(w);
            } else if part.chars().all(|c| "日月火水木金土".contains(c)) {
                for c in part.chars() {
                    set = set.with(parse_weekday(&c.to_string())?);
                }
            } else {
                return None;
            }
        }
        Some(set)
    }

    /// `mon,tue,wed` (stored and shown in files).
    pub fn code(self) -> String {
        self.iter().map(weekday_code).collect::<Vec<_>>().join(",")
    }
}

impl Default for WeekdaySet {
    fn default() -> Self {
        WeekdaySet::MON_FRI
    }
}

/// Which day is the statutory holiday (法定休日, rules §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LegalHoliday {
    /// Every such weekday (default Sunday).
    Fixed(Weekday),
    /// 指定なし: the later worked rest day of a week whose rest days were all worked.
    Unspecified,
    /// 4週4休 from the given first day of a 28-day period.
    FourWeeks(NaiveDate),
}

impl Default for LegalHoliday {
    fn default() -> Self {
        LegalHoliday::Fixed(Weekday::Sun)
    }
}

impl LegalHoliday {
    /// The doctors-file value: `sun`..`sat`, `unspecified` or `4w4`.
    pub fn code(self) -> &'static str {
        match self {
            LegalHoliday::Fixed(w) => weekday_code(w),
            LegalHoliday::Unspecified => "unspecified",
            LegalHoliday::FourWeeks(_) => "4w4",
        }
    }

    /// Reads the `legal_holiday` column with `holiday_period_start`.
    pub fn parse(value: &str, period_start: Option<NaiveDate>) -> Result<LegalHoliday, ProfileError> {
        let v = value.trim();
        if v.is_empty() {
            return Ok(LegalHoliday::default());
        }
        if let Some(w) = parse_weekday(v) {
            return Ok(LegalHoliday::Fixed(w));
        }
        match v.to_ascii_lowercase().as_str() {
            "unspecified" | "指定なし" | "特定なし" | "不定" => Ok(LegalHoliday::Unspecified),
            "4w4" | "4週4休" | "4週4日" | "変形休日" => period_start
                .map(LegalHoliday::FourWeeks)
                .ok_or(ProfileError::MissingHolidayPeriodStart),
            _ => Err(ProfileError::Unknown {
                field: ("法定休日", "legal_holiday"),
                value: v.to_string(),
            }),
        }
    }
}

/// The length of a 1箇月単位の変形労働時間制 period (rules §5a.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum VariablePeriod {
    /// From the start's day of the month to the day before it a month later.
    #[default]
    Month,
    /// 28-day blocks from the start date.
    FourWeeks,
}

impl VariablePeriod {
    pub fn code(self) -> &'static str {
        match self {
            VariablePeriod::Month => "month",
            VariablePeriod::FourWeeks => "4weeks",
        }
    }

    pub fn parse(s: &str) -> Result<VariablePeriod, ProfileError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "month" | "1か月" | "1ヶ月" | "1箇月" | "月" => Ok(VariablePeriod::Month),
            "4weeks" | "4週" | "4週間" => Ok(VariablePeriod::FourWeeks),
            v => Err(ProfileError::Unknown {
                field: ("変形期間", "variable_period"),
                value: v.to_string(),
            }),
        }
    }
}

/// 労働時間制 (rules §5a.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Regime {
    #[default]
    Standard,
    /// 1箇月単位の変形労働時間制 with the first period's first day.
    MonthlyVariable { start: NaiveDate, period: VariablePeriod },
}

impl Regime {
    pub fn code(self) -> &'static str {
        match self {
            Regime::Standard => "standard",
            Regime::MonthlyVariable { .. } => "monthly_variable",
        }
    }

    /// Reads `regime`, `variable_period_start` and `variable_period`.
    pub fn parse(regime: &str, start: Option<NaiveDate>, period: &str) -> Result<Regime, ProfileError> {
        match regime.trim().to_ascii_lowercase().as_str() {
            "" | "standard" | "通常" | "原則" => Ok(Regime::Standard),
            "monthly_variable" | "1か月変形" | "1箇月単位変形" | "1ヶ月変形" | "月変形" => {
                let start = start.ok_or(ProfileError::MissingVariablePeriodStart)?;
                let period = VariablePeriod::parse(period)?;
                if period == VariablePeriod::Month && start.day() > 28 {
                    return Err(ProfileError::VariableStartAfter28th(start));
                }
                Ok(Regime::MonthlyVariable { start, period })
            }
            v => Err(ProfileError::Unknown {
                field: ("労働時間制", "regime"),
                value: v.to_string(),
            }),
        }
    }

    /// The 変形 period `[first, last]` that contains `d`, if any (rules §5a.1;
    /// readings 17: there is no period before the start).
    pub fn period_of(self, d: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let Regime::MonthlyVariable { start, period } = self else {
            return None;
        };
        if d < start {
            return None;
        }
        match period {
            VariablePeriod::FourWeeks => {
                let k = (d - start).num_days() / 28;
                let first = start + Duration::days(28 * k);
                Some((first, first + Duration::days(27)))
            }
            VariablePeriod::Month => {
                let day = start.day();
                let mut first = NaiveDate::from_ymd_opt(d.year(), d.month(), day)?;
                if first > d {
                    first = first.checked_sub_months(chrono::Months::new(1))?;
                }
                let next = first.checked_add_months(chrono::Months::new(1))?;
                Some((first, next - Duration::days(1)))
            }
        }
    }
}

/// 雇用形態 (rules §5b.1, §18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EmploymentType {
    #[default]
    FullTime,
    PartTime,
    /// 外勤受入: the main employer is another hospital.
    Visiting,
}

impl EmploymentType {
    pub fn code(self) -> &'static str {
        match self {
            EmploymentType::FullTime => "full_time",
            EmploymentType::PartTime => "part_time",
            EmploymentType::Visiting => "visiting",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            EmploymentType::FullTime => "常勤",
            EmploymentType::PartTime => "非常勤",
            EmploymentType::Visiting => "外勤受入",
        }
    }

    pub fn parse(s: &str) -> Result<EmploymentType, ProfileError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "full_time" | "常勤" => Ok(EmploymentType::FullTime),
            "part_time" | "非常勤" => Ok(EmploymentType::PartTime),
            "visiting" | "外勤受入" | "派遣受入" | "外勤医" => Ok(EmploymentType::Visiting),
            v => Err(ProfileError::Unknown {
                field: ("雇用形態", "employment_type"),
                value: v.to_string(),
            }),
        }
    }
}

/// How the own tail of a 勤務 that started on the statutory holiday is
/// counted (config `holiday_start_tail`, rules §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HolidayStartTail {
    /// The holiday hours are left out of the day's 8 h (基発331号②).
    #[default]
    Separate,
    /// The holiday hours count toward the 勤務's 8 h.
    WithHolidayHours,
}

impl HolidayStartTail {
    pub fn parse(s: &str) -> Option<HolidayStartTail> {
        match s.trim() {
            "separate" => Some(HolidayStartTail::Separate),
            "with_holiday_hours" => Some(HolidayStartTail::WithHolidayHours),
            _ => None,
        }
    }
}

/// Another employer of a doctor (employers file, rules §5b.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Employer {
    /// The name as written on external rows (NFKC, trimmed).
    pub name: String,
    pub contract_date: Option<NaiveDate>,
    /// This hospital sent the doctor there (rules §16).
    pub dispatched: bool,
}

/// The name of an external row without an employer and without a main
/// employer to stand for it (rules §5b.2).
pub const UNNAMED_EMPLOYER: &str = "(未記入)";

/// A roster as it stood at some instant: its rows and, per import, the date
/// range it covers (rules §2.1, §5a.2).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterView {
    /// Inclusive date ranges replaced by the roster imports.
    pub ranges: Vec<(NaiveDate, NaiveDate)>,
    pub rows: Vec<Shift>,
}

impl RosterView {
    /// Whether some roster import covers `d`.
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.ranges.iter().any(|(a, b)| *a <= d && d <= *b)
    }
}

/// What the rules need to know about one doctor (v2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub level: Level,
    pub legal_holiday: LegalHoliday,
    pub scheduled_days: WeekdaySet,
    pub scheduled_start: NaiveTime,
    pub scheduled_end: NaiveTime,
    pub regime: Regime,
    pub employment_type: EmploymentType,
    /// 主たる勤務先; `None` = this hospital.
    pub main_employer: Option<String>,
    /// The contract with this hospital.
    pub contract_date: Option<NaiveDate>,
    /// The employers file's entries for the doctor.
    pub employers: Vec<Employer>,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            level: Level::A,
            legal_holiday: LegalHoliday::default(),
            scheduled_days: WeekdaySet::MON_FRI,
            scheduled_start: NaiveTime::from_hms_opt(8, 30, 0).unwrap_or(NaiveTime::MIN),
            scheduled_end: NaiveTime::from_hms_opt(17, 15, 0).unwrap_or(NaiveTime::MIN),
            regime: Regime::Standard,
            employment_type: EmploymentType::FullTime,
            main_employer: None,
            contract_date: None,
            employers: Vec::new(),
        }
    }
}

impl Profile {
    /// The default schedule's interval on `d`, ignoring rosters (rules §2.1
    /// rule 3; `closed` says whether `d` is a closed date).
    pub fn default_interval(&self, d: NaiveDate, closed: bool) -> Option<(NaiveDateTime, NaiveDateTime)> {
        let fixed_holiday = matches!(self.legal_holiday, LegalHoliday::Fixed(w) if w == d.weekday());
        if closed || fixed_holiday || !self.scheduled_days.contains(d.weekday()) {
            return None;
        }
        let start = d.and_time(self.scheduled_start);
        let mut end = d.and_time(self.scheduled_end);
        if end <= start {
            end += Duration::days(1);
        }
        Some((start, end))
    }

    /// Whether the doctor works here besides a main employer elsewhere, or
    /// is sent here by one (rules §5b.5 `external_not_reported`).
    pub fn works_elsewhere(&self) -> bool {
        self.employment_type == EmploymentType::Visiting || self.main_employer.is_some()
    }
}

/// Why a doctor's v2 columns were refused. Japanese first, then English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("{}の値が不正です: {value:?} / unknown {}", .field.0, .field.1)]
    Unknown {
        field: (&'static str, &'static str),
        value: String,
    },
    #[error("4週4休には4週起算日（holiday_period_start）が必要です / 4w4 needs holiday_period_start")]
    MissingHolidayPeriodStart,
    #[error(
        "1か月変形には変形期間起算日（variable_period_start）が必要です / monthly_variable needs variable_period_start"
    )]
    MissingVariablePeriodStart,
    #[error("1か月単位の変形期間は1〜28日に始めてください（{0}） / a month period must start on day 1–28")]
    VariableStartAfter28th(NaiveDate),
    #[error("外勤受入の医師には主たる勤務先（main_employer）が必要です / visiting needs main_employer")]
    VisitingWithoutMainEmployer,
}

impl fmt::Display for WeekdaySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn weekday_sets_read_every_spelling_of_formats_md() {
        let mwf = WeekdaySet::EMPTY
            .with(Weekday::Mon)
            .with(Weekday::Wed)
            .with(Weekday::Fri);
        for s in ["mon,wed,fri", "月,水,金", "月水金", "月・水・金", "Monday, wed ,fri"] {
            assert_eq!(WeekdaySet::parse(s), Some(mwf), "{s}");
        }
        assert_eq!(WeekdaySet::parse("mon,xyz"), None);
        assert_eq!(WeekdaySet::parse("月火水木金").unwrap(), WeekdaySet::MON_FRI);
        assert_eq!(WeekdaySet::MON_FRI.code(), "mon,tue,wed,thu,fri");
    }

    #[test]
    fn the_holiday_forms_and_regimes_are_read_with_their_required_dates() {
        assert_eq!(LegalHoliday::parse("土", None), Ok(LegalHoliday::Fixed(Weekday::Sat)));
        assert_eq!(LegalHoliday::parse("指定なし", None), Ok(LegalHoliday::Unspecified));
        assert_eq!(
            LegalHoliday::parse("4週4休", Some(d("2024-06-02"))),
            Ok(LegalHoliday::FourWeeks(d("2024-06-02")))
        );
        assert_eq!(
            LegalHoliday::parse("4w4", None),
            Err(ProfileError::MissingHolidayPeriodStart)
        );
        assert!(LegalHoliday::parse("someday", None).is_err());
        assert_eq!(
            Regime::parse("1か月変形", Some(d("2024-06-29")), "month"),
            Err(ProfileError::VariableStartAfter28th(d("2024-06-29")))
        );
        assert!(Regime::parse("monthly_variable", Some(d("2024-06-29")), "4週").is_ok());
        assert_eq!(
            Regime::parse("monthly_variable", None, ""),
            Err(ProfileError::MissingVariablePeriodStart)
        );
    }

    #[test]
    fn variable_periods_follow_each_other_from_their_start() {
        let four = Regime::MonthlyVariable {
            start: d("2024-06-02"),
            period: VariablePeriod::FourWeeks,
        };
        assert_eq!(
            four.period_of(d("2024-06-29")),
            Some((d("2024-06-02"), d("2024-06-29")))
        );
        assert_eq!(
            four.period_of(d("2024-06-30")),
            Some((d("2024-06-30"), d("2024-07-27")))
        );
        assert_eq!(four.period_of(d("2024-06-01")), None);
        let month = Regime::MonthlyVariable {
            start: d("2024-04-16"),
            period: VariablePeriod::Month,
        };
        assert_eq!(
            month.period_of(d("2024-07-15")),
            Some((d("2024-06-16"), d("2024-07-15")))
        );
        assert_eq!(
            month.period_of(d("2024-07-16")),
            Some((d("2024-07-16"), d("2024-08-15")))
        );
    }
}

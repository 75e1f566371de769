//! A doctor's month, the read model of the doctor page and of
//! `GET /api/v1/doctors/{staff_id}/months/{month}`: the month's figures and
//! state, the running total against the projection, the last twelve months,
//! the month's timecard, roster and PC rows, and the doctor's interviews and
//! measures — each as far as the access policy ([`crate::policy`]) lets the
//! viewer see it: the doctor, their manager, and per interview its assigned
//! physician see health data; HR and admin the status only; physicians no
//! measures cases.
//!
//! Each day of the month carries its marks for the timeline ([`DayMark`]):
//! Japan's national holidays (国民の祝日, [`national_holiday`]), the
//! hospital's closed days (config `scheduled_closed_dates`) and the
//! doctor's statutory holiday (法定休日, rules §4.1: the fixed weekday, or
//! the days the count made statutory holidays).
//!
//! Only this doctor's rows are loaded (`month::load_rows_of`), once per
//! month shown; health data that is not shown is not even read.

use super::dashboard::State;
use crate::db::models::{Doctor, Interview, Measure, PreCheck};
use crate::db::{interviews as stored, queries, AnyConnection};
use crate::domain::hours::RuleConfig;
use crate::domain::interview::Status;
use crate::domain::profile::LegalHoliday;
use crate::domain::projection::Method;
use crate::domain::text::Label;
use crate::domain::time::{Minutes, YearMonth};
use crate::month::{compute_one, line, DoctorComputation, DoctorMonth, DoctorRows, ReportError};
use crate::policy::{self, Sight, Who};
use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// An interview as a doctor's month lists it.
#[derive(Debug, Clone)]
pub struct InterviewView {
    /// The interview; its check items and opinion only when `sight` is
    /// `Health`.
    pub i: Interview,
    pub status: Status,
    /// The case as rules §8.2–§8.5 judge it.
    pub due: crate::domain::due::Due,
    /// The physician's login, if one is assigned.
    pub physician: Option<String>,
    /// What the viewer sees of this interview here (at least its status).
    pub sight: Sight,
    /// Whether the viewer may open the interview's own page.
    pub linked: bool,
    /// The pre-checks of the interview's month (only when `Health`).
    pub prechecks: Vec<PreCheck>,
}

impl InterviewView {
    /// Days it was held after its deadline, when held late.
    pub fn days_late(&self) -> Option<i64> {
        self.due.days_late()
    }
}

/// What a day of the month is, besides a working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayMark {
    pub date: NaiveDate,
    /// A national holiday's name, or the hospital's closed day.
    pub holiday: Option<Label>,
    /// The doctor's statutory holiday (法定休日, rules §4.1).
    pub statutory: bool,
}

/// One doctor's month as the viewer may see it.
#[derive(Debug, Clone)]
pub struct DoctorMonthView {
    pub doctor: Doctor,
    pub month: YearMonth,
    /// The as-of date, clamped into the month.
    pub as_of: NaiveDate,
    pub figures: DoctorMonth,
    pub state: State,
    /// Some health data is shown (of every interview, or of some).
    pub health: bool,
    pub computed: DoctorComputation,
    /// The month's rows (timecard, roster after the as-of date, PC).
    pub rows: DoctorRows,
    /// The last twelve months (month, overtime + holiday minutes), oldest
    /// first, each as of its end (this month as of the date).
    pub last_12_months: Vec<(YearMonth, Minutes)>,
    pub interviews: Vec<InterviewView>,
    /// Measures cases, newest first (empty for those who may not see them).
    pub measures: Vec<Measure>,
    /// Every day of the month with its holiday marks.
    pub days: Vec<DayMark>,
}

impl DoctorMonthView {
    /// How the month end was projected: `roster` or `linear`.
    pub fn method(&self) -> &'static str {
        match self.computed.projection.method {
            Method::Roster => "roster",
            Method::Linear => "linear",
        }
    }

    /// The measures cases of one month.
    pub fn measures_of<'a>(&'a self, month: &'a str) -> impl Iterator<Item = &'a Measure> + 'a {
        self.measures.iter().filter(move |m| m.month == month)
    }
}

/// Why a doctor's month is not shown.
#[derive(Debug, thiserror::Error)]
pub enum DoctorMonthError {
    /// No such doctor, or none the viewer may see (the same answer: 404).
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Report(#[from] ReportError),
}

impl From<diesel::result::Error> for DoctorMonthError {
    fn from(e: diesel::result::Error) -> Self {
        DoctorMonthError::Report(e.into())
    }
}

/// The month of doctor `staff_id` as `who` may see it; interview statuses
/// as of `today`.
pub fn doctor_month(
    conn: &mut AnyConnection,
    rules: &RuleConfig,
    who: Who<'_>,
    staff_id: &str,
    month: YearMonth,
    as_of: NaiveDate,
    today: NaiveDate,
) -> Result<DoctorMonthView, DoctorMonthError> {
    let d = queries::doctor_by_staff_id(conn, staff_id)?.ok_or(DoctorMonthError::NotFound)?;
    // The interviews and their physicians first: a physician sees the page
    // while assigned to one of them.
    let found = stored::interviews_of_doctor(conn, d.id)?;
    let sight = policy::doctor(who, (&d).into(), found.iter().map(|(_, p)| p.as_deref()));
    if sight == Sight::None {
        return Err(DoctorMonthError::NotFound);
    }
    let (rows, c) = compute_one(conn, rules, &d, month, as_of)?;
    let figures = line(&d, &c);

    let mut last_12_months = Vec::with_capacity(12);
    let mut ym = month;
    for _ in 0..11 {
        ym = ym.previous();
    }
    for _ in 0..12 {
        let at = if ym == month { as_of } else { ym.last_day() };
        let (_, c) = compute_one(conn, rules, &d, ym, at)?;
        last_12_months.push((ym, c.projection.actual.overtime_holiday_minutes));
        ym = ym.next();
    }

    let mut interviews = Vec::with_capacity(found.len());
    for (i, physician) in found {
        let own = policy::interview(who, (&d).into(), physician.as_deref());
        let shown = policy::listed_interview(sight, own);
        // Health data is not even read where it is not shown, nor are the
        // physician's check items and opinion kept.
        let (i, prechecks) = if shown.health() {
            let checks = stored::prechecks_of_month(conn, d.id, &i.month)?;
            (i, checks)
        } else {
            let i = Interview {
                check_work: None,
                check_sleep: None,
                check_fatigue: None,
                check_mental_physical: None,
                opinion: None,
                ..i
            };
            (i, Vec::new())
        };
        // This month's case is judged with the month as just computed.
        let due = if i.month == month.to_string() {
            i.due_as_computed(c.projection.reach_100_at, c.due.a_level_exception)
        } else {
            i.due()
        };
        interviews.push(InterviewView {
            status: due.status(crate::domain::due::end_of(today)),
            due,
            physician,
            sight: shown,
            linked: own != Sight::None,
            prechecks,
            i,
        });
    }
    // Measures cases (with the manager's text) by the same rule as the
    // measures lists: not for physicians.
    let measures = if policy::sees_measures(who, policy::Whose::from(&d)) {
        stored::measures_of_doctor(conn, d.id)?
    } else {
        Vec::new()
    };
    let days = day_marks(month, rules, c.profile.legal_holiday, &figures.holiday_dates);
    Ok(DoctorMonthView {
        days,
        month,
        as_of: c.projection.as_of,
        state: State::of(&figures),
        health: sight.health() || interviews.iter().any(|v| v.sight.health()),
        figures,
        computed: c,
        rows,
        last_12_months,
        interviews,
        measures,
        doctor: d,
    })
}

/// The days of `month` with their marks: national holidays, the hospital's
/// closed days (`scheduled_closed_dates`), and the doctor's statutory
/// holiday — every such weekday when it is fixed, else the days the count
/// made statutory holidays (`holiday_dates`: worked ones; an unworked one
/// of 指定なし or 4週4休 is not fixed in advance).
pub fn day_marks(
    month: YearMonth,
    rules: &RuleConfig,
    legal: LegalHoliday,
    holiday_dates: &[NaiveDate],
) -> Vec<DayMark> {
    month
        .iter_days()
        .map(|date| DayMark {
            date,
            holiday: national_holiday(date).or_else(|| {
                rules
                    .scheduled_closed_dates
                    .contains(&date)
                    .then_some(Label::new("病院の休日", "hospital closed"))
            }),
            statutory: match legal {
                LegalHoliday::Fixed(w) => date.weekday() == w,
                _ => holiday_dates.contains(&date),
            },
        })
        .collect()
}

/// The national holiday of a fixed rule (国民の祝日に関する法律), if any,
/// without the substitute and in-between days.
fn fixed_holiday(d: NaiveDate) -> Option<Label> {
    let (y, m, day) = (d.year(), d.month(), d.day());
    let nth_monday = |n: u32| d.weekday() == Weekday::Mon && (day - 1) / 7 + 1 == n;
    // The equinoxes as the Cabinet Office computes them (1980–2099).
    let equinox = |base: f64| {
        let k = f64::from(y - 1980);
        (base + 0.242_194 * k - (k / 4.0).floor()).floor() as u32
    };
    let label = match (y, m, day) {
        (_, 1, 1) => Label::new("元日", "New Year's Day"),
        (_, 1, _) if nth_monday(2) => Label::new("成人の日", "Coming of Age Day"),
        (_, 2, 11) => Label::new("建国記念の日", "National Foundation Day"),
        (2020.., 2, 23) => Label::new("天皇誕生日", "Emperor's Birthday"),
        (..=2018, 12, 23) => Label::new("天皇誕生日", "Emperor's Birthday"),
        (_, 3, _) if day == equinox(20.8431) => Label::new("春分の日", "Vernal Equinox Day"),
        (_, 4, 29) => Label::new("昭和の日", "Showa Day"),
        (_, 5, 3) => Label::new("憲法記念日", "Constitution Day"),
        (_, 5, 4) => Label::new("みどりの日", "Greenery Day"),
        (_, 5, 5) => Label::new("こどもの日", "Children's Day"),
        (2020, 7, 23) | (2021, 7, 22) => Label::new("海の日", "Marine Day"),
        (2020, 7, 24) | (2021, 7, 23) => Label::new("スポーツの日", "Sports Day"),
        (2020, 8, 10) | (2021, 8, 8) => Label::new("山の日", "Mountain Day"),
        (2020 | 2021, _, _) if m == 7 || m == 10 || (m == 8 && day == 11) => return None,
        (_, 7, _) if nth_monday(3) => Label::new("海の日", "Marine Day"),
        (2016.., 8, 11) => Label::new("山の日", "Mountain Day"),
        (_, 9, _) if nth_monday(3) => Label::new("敬老の日", "Respect for the Aged Day"),
        (_, 9, _) if day == equinox(23.2488) => Label::new("秋分の日", "Autumnal Equinox Day"),
        (2020.., 10, _) if nth_monday(2) => Label::new("スポーツの日", "Sports Day"),
        (_, 10, _) if nth_monday(2) => Label::new("体育の日", "Health and Sports Day"),
        (_, 11, 3) => Label::new("文化の日", "Culture Day"),
        (_, 11, 23) => Label::new("勤労感謝の日", "Labour Thanksgiving Day"),
        _ => return None,
    };
    Some(label)
}

/// Japan's national holiday on `d`, if any: the fixed holidays, the
/// substitute holiday (振替休日: the first weekday after a Sunday holiday
/// that is not a holiday itself) and a day between two holidays (国民の休日).
pub fn national_holiday(d: NaiveDate) -> Option<Label> {
    if let Some(h) = fixed_holiday(d) {
        return Some(h);
    }
    // 振替休日: walk back over the holidays just before; one on a Sunday
    // moves here.
    let mut back = d - Duration::days(1);
    while fixed_holiday(back).is_some() {
        if back.weekday() == Weekday::Sun {
            return Some(Label::new("振替休日", "Substitute holiday"));
        }
        back -= Duration::days(1);
    }
    if d.weekday() != Weekday::Sun
        && fixed_holiday(d - Duration::days(1)).is_some()
        && fixed_holiday(d + Duration::days(1)).is_some()
    {
        return Some(Label::new("国民の休日", "Citizens' holiday"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn japanese_national_holidays_with_their_names() {
        let name = |s: &str| national_holiday(d(s)).map(|l| l.ja);
        assert_eq!(name("2024-07-15"), Some("海の日"));
        assert_eq!(name("2024-01-08"), Some("成人の日"));
        assert_eq!(name("2024-03-20"), Some("春分の日"));
        assert_eq!(name("2024-09-22"), Some("秋分の日"));
        assert_eq!(name("2024-09-23"), Some("振替休日"), "秋分の日 fell on a Sunday");
        assert_eq!(name("2024-05-06"), Some("振替休日"), "こどもの日 fell on a Sunday");
        assert_eq!(name("2026-09-22"), Some("国民の休日"), "between 敬老の日 and 秋分の日");
        assert_eq!(name("2025-02-24"), Some("振替休日"));
        assert_eq!(name("2021-07-22"), Some("海の日"));
        assert_eq!(name("2021-07-19"), None, "moved for the Olympics");
        assert_eq!(name("2024-10-14"), Some("スポーツの日"));
        assert_eq!(name("2024-07-16"), None);
        assert_eq!(name("2024-06-14"), None);
        let june: usize = YearMonth::parse("2024-06")
            .unwrap()
            .iter_days()
            .filter(|x| national_holiday(*x).is_some())
            .count();
        assert_eq!(june, 0, "June has no national holiday");
    }

    #[test]
    fn the_statutory_holiday_is_the_fixed_weekday_or_the_counted_days() {
        let july = YearMonth::parse("2024-07").unwrap();
        let rules = RuleConfig::default();
        let fixed = day_marks(july, &rules, LegalHoliday::Fixed(Weekday::Sun), &[]);
        assert_eq!(fixed.len(), 31);
        assert_eq!(fixed.iter().filter(|m| m.statutory).count(), 4);
        assert!(fixed.iter().find(|m| m.date == d("2024-07-07")).unwrap().statutory);
        assert_eq!(fixed[14].holiday.map(|l| l.ja), Some("海の日"));
        let counted = day_marks(july, &rules, LegalHoliday::Unspecified, &[d("2024-07-13")]);
        let statutory: Vec<NaiveDate> = counted.iter().filter(|m| m.statutory).map(|m| m.date).collect();
        assert_eq!(statutory, [d("2024-07-13")]);
    }
}

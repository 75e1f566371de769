//! 宿日直許可: which minutes of a `duty_permitted` row a permit covers
//! (rules §13.1–§13.2). The counting rules take the occurrences matching a
//! doctor; what is outside them is working time of kind `duty`.

use super::profile::WeekdaySet;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// Config `permits_register` (rules §13.2): `required` reads permitted duty
/// against the register; `off` treats every minute of every
/// `duty_permitted` row as permitted (the rule book before v2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PermitsRegister {
    #[default]
    Required,
    Off,
}

impl PermitsRegister {
    pub fn code(self) -> &'static str {
        match self {
            PermitsRegister::Required => "required",
            PermitsRegister::Off => "off",
        }
    }

    pub fn parse(s: &str) -> Option<PermitsRegister> {
        match s.trim() {
            "required" => Some(PermitsRegister::Required),
            "off" => Some(PermitsRegister::Off),
            _ => None,
        }
    }
}

/// 宿直 (night) or 日直 (day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PermitKind {
    Night,
    Day,
}

impl PermitKind {
    pub fn code(self) -> &'static str {
        match self {
            PermitKind::Night => "night",
            PermitKind::Day => "day",
        }
    }

    pub fn parse(s: &str) -> Option<PermitKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "night" | "宿直" => Some(PermitKind::Night),
            "day" | "日直" => Some(PermitKind::Day),
            _ => None,
        }
    }
}

/// One permit of the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permit {
    pub permit_no: String,
    pub granted_on: NaiveDate,
    pub kind: PermitKind,
    /// Empty: every department (names NFKC-normalised and trimmed).
    pub departments: Vec<String>,
    pub band_start: NaiveTime,
    /// At or before `band_start`: the next day (equal: 24 hours).
    pub band_end: NaiveTime,
    /// The weekdays with an occurrence (every day when all are set).
    pub weekdays: WeekdaySet,
    /// No occurrence dated on or after this date.
    pub revoked_on: Option<NaiveDate>,
}

/// Every weekday.
pub const EVERY_DAY: WeekdaySet = WeekdaySet::ALL;

impl Permit {
    /// Whether the permit covers a doctor of `department` (§13.2): a doctor
    /// without a department matches only permits for every department.
    pub fn matches(&self, department: Option<&str>) -> bool {
        self.departments.is_empty()
            || department
                .map(str::trim)
                .is_some_and(|d| self.departments.iter().any(|p| p == d))
    }

    /// The occurrence of date `d`, if the permit has one.
    pub fn occurrence(&self, d: NaiveDate) -> Option<(NaiveDateTime, NaiveDateTime)> {
        if d < self.granted_on || self.revoked_on.is_some_and(|r| d >= r) || !self.weekdays.contains(d.weekday()) {
            return None;
        }
        let start = d.and_time(self.band_start);
        let mut end = d.and_time(self.band_end);
        if end <= start {
            end += Duration::days(1);
        }
        Some((start, end))
    }
}

/// The permitted intervals for a doctor of `department` whose dates lie in
/// `from..=to`, merged (§13.2).
pub fn permitted_for(
    permits: &[Permit],
    department: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDateTime, NaiveDateTime)> {
    let mut out: Vec<(NaiveDateTime, NaiveDateTime)> = permits
        .iter()
        .filter(|p| p.matches(department))
        .flat_map(|p| {
            from.iter_days()
                .take_while(move |d| *d <= to)
                .filter_map(|d| p.occurrence(d))
        })
        .collect();
    out.sort_unstable();
    let mut merged: Vec<(NaiveDateTime, NaiveDateTime)> = Vec::with_capacity(out.len());
    for (s, e) in out {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    fn h1() -> Permit {
        Permit {
            permit_no: "H-1".into(),
            granted_on: d("2023-10-01"),
            kind: PermitKind::Night,
            departments: vec!["内科".into(), "外科".into()],
            band_start: t("17:15"),
            band_end: t("08:30"),
            weekdays: EVERY_DAY,
            revoked_on: None,
        }
    }

    #[test]
    fn a_permit_has_one_occurrence_a_date_for_its_departments_until_revoked() {
        let p = h1();
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(
            p.occurrence(d("2024-06-03")),
            Some((at("2024-06-03 17:15"), at("2024-06-04 08:30")))
        );
        assert!(p.matches(Some("内科")) && !p.matches(Some("眼科")) && !p.matches(None));
        let revoked = Permit {
            revoked_on: Some(d("2024-06-05")),
            ..h1()
        };
        // [ex D8] revoked on 06-05: the night of 06-03 is permitted, 06-06 not.
        assert!(revoked.occurrence(d("2024-06-03")).is_some());
        assert!(revoked.occurrence(d("2024-06-06")).is_none());
        let every = Permit {
            departments: vec![],
            ..h1()
        };
        assert!(every.matches(None));
        assert!(h1().occurrence(d("2023-09-30")).is_none());
        assert_eq!(
            permitted_for(&[h1()], Some("眼科"), d("2024-06-01"), d("2024-06-30")),
            vec![]
        );
        assert_eq!(
            permitted_for(&[h1()], Some("内科"), d("2024-06-01"), d("2024-06-30")).len(),
            30
        );
    }
}

//! What every mail about one doctor and month says ([`DoctorFacts`]), and
//! how the mails write it: hours `H:MM`, dates ISO plus 和暦 and the
//! weekday, months `2024年6月`.

use crate::domain::time::{format_hm, wareki};
use chrono::{Datelike, NaiveDate, Weekday};

/// What every mail about one doctor and month says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DoctorFacts<'a> {
    pub hospital: &'a str,
    pub staff_id: &'a str,
    pub name: &'a str,
    pub department: Option<&'a str>,
    /// The level code as shown (`A`, `連携B`, `B`, `C-1`, `C-2`).
    pub level: &'a str,
    /// `YYYY-MM`.
    pub month: &'a str,
    /// Overtime + holiday minutes so far (rules §6).
    pub actual_minutes: i64,
    /// Projected overtime + holiday minutes of the month (rules §8).
    pub projected_minutes: i64,
    pub reach_100_date: Option<NaiveDate>,
    /// The service's public address, without a trailing slash.
    pub base_url: &'a str,
}

/// `2024-06-19（令和6年6月19日・水）`.
pub(super) fn date_ja(d: NaiveDate) -> String {
    let wd = match d.weekday() {
        Weekday::Mon => "月",
        Weekday::Tue => "火",
        Weekday::Wed => "水",
        Weekday::Thu => "木",
        Weekday::Fri => "金",
        Weekday::Sat => "土",
        Weekday::Sun => "日",
    };
    format!("{}（{}・{wd}）", d.format("%Y-%m-%d"), wareki(d))
}

/// `2024-06` → `2024年6月`; anything else is shown as given.
pub(super) fn month_ja(month: &str) -> String {
    let parsed = month.split_once('-').and_then(|(y, m)| {
        let y: i32 = y.parse().ok()?;
        let m: u32 = m.parse().ok()?;
        (y > 0 && (1..=12).contains(&m)).then_some((y, m))
    });
    match parsed {
        Some((y, m)) => format!("{y}年{m}月"),
        None => month.to_string(),
    }
}

/// The doctor's facts as label/value rows.
pub(super) fn doctor_facts(f: &DoctorFacts) -> Vec<(&'static str, String)> {
    let mut rows = vec![("対象医師", format!("{} 先生（職員番号 {}）", f.name, f.staff_id))];
    if let Some(dept) = f.department.filter(|d| !d.trim().is_empty()) {
        rows.push(("診療科", dept.to_string()));
    }
    let level = if f.level.ends_with("水準") {
        f.level.to_string()
    } else {
        format!("{}水準", f.level)
    };
    rows.push(("水準", level));
    rows.push(("対象月", month_ja(f.month)));
    rows.push(("時間外・休日労働（実績）", format_hm(f.actual_minutes)));
    rows.push(("時間外・休日労働（月末の見込み）", format_hm(f.projected_minutes)));
    if let Some(d) = f.reach_100_date {
        rows.push(("100時間到達見込日", date_ja(d)));
    }
    rows
}

/// The facts the tests of every mail start from.
#[cfg(test)]
pub(super) mod fixtures {
    use super::*;

    pub(in crate::monitor::mails) fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    pub(in crate::monitor::mails) fn facts(name: &str) -> DoctorFacts<'_> {
        DoctorFacts {
            hospital: "みなと総合病院",
            staff_id: "D001",
            name,
            department: Some("内科"),
            level: "B",
            month: "2024-06",
            actual_minutes: 4890,
            projected_minutes: 6090,
            reach_100_date: Some(date("2024-06-20")),
            base_url: "https://kinmu.example.jp/",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::date;
    use super::*;

    #[test]
    fn wareki_counts_reiwa_from_may_2019_with_gannen() {
        assert_eq!(wareki(date("2024-06-19")), "令和6年6月19日");
        assert_eq!(wareki(date("2019-05-01")), "令和元年5月1日");
        assert_eq!(wareki(date("2019-12-31")), "令和元年12月31日");
        assert_eq!(wareki(date("2020-01-01")), "令和2年1月1日");
    }

    #[test]
    fn wareki_falls_back_to_heisei_and_showa_before() {
        assert_eq!(wareki(date("2019-04-30")), "平成31年4月30日");
        assert_eq!(wareki(date("1989-01-08")), "平成元年1月8日");
        assert_eq!(wareki(date("1989-01-07")), "昭和64年1月7日");
        assert_eq!(wareki(date("1926-12-25")), "昭和元年12月25日");
        assert_eq!(wareki(date("1926-12-24")), "1926年12月24日");
    }

    #[test]
    fn dates_are_shown_in_iso_and_wareki_with_the_weekday() {
        assert_eq!(date_ja(date("2024-06-19")), "2024-06-19（令和6年6月19日・水）");
    }

    #[test]
    fn months_are_shown_in_japanese_and_odd_ones_as_given() {
        assert_eq!(month_ja("2024-06"), "2024年6月");
        assert_eq!(month_ja("2024-12"), "2024年12月");
        assert_eq!(month_ja("June"), "June");
        assert_eq!(month_ja("2024-13"), "2024-13");
    }
}

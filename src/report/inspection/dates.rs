//! The calendar of the inspector's print pack (rules §12): fiscal years
//! (年度, April to March), months and dates in 和暦 as the prefecture's
//! forms write them, and the date each month's figures are taken as of.

use crate::domain::agreement::AgreementCalendar;
use crate::domain::time::{wareki, YearMonth};
use chrono::{Datelike, NaiveDate};

/// The fiscal year (年度) a date falls in: April to March, named by its April.
pub fn fiscal_year_of(d: NaiveDate) -> i32 {
    if d.month() >= 4 {
        d.year()
    } else {
        d.year() - 1
    }
}

/// The twelve months of a fiscal year, April first.
pub fn fiscal_months(fiscal_year: i32) -> Vec<YearMonth> {
    let mut out = Vec::with_capacity(12);
    let mut m = YearMonth::new(fiscal_year, 4);
    while let Some(ym) = m {
        out.push(ym);
        if out.len() == 12 {
            break;
        }
        m = Some(ym.next());
    }
    out
}

/// The first and last day of a fiscal year.
pub fn fiscal_bounds(fiscal_year: i32) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(fiscal_year, 4, 1)?;
    let last = NaiveDate::from_ymd_opt(fiscal_year + 1, 3, 31)?;
    Some((first, last))
}

/// The Japanese name of a fiscal year: `令和6年度`. A fiscal year takes the
/// era of its calendar year's end, so April 2019 – March 2020 is 令和元年度
/// (the era changed on 1 May 2019), as the ministries write it.
pub fn fiscal_year_ja(fiscal_year: i32) -> String {
    match NaiveDate::from_ymd_opt(fiscal_year, 12, 31) {
        Some(d) => {
            let w = wareki(d);
            match w.find('年') {
                Some(i) => format!("{}年度", &w[..i]),
                None => format!("{fiscal_year}年度"),
            }
        }
        None => format!("{fiscal_year}年度"),
    }
}

/// A month in 和暦: `令和6年6月` (an agreement month by its name, whatever
/// day it starts on).
pub fn month_ja(month: YearMonth) -> String {
    let w = wareki(YearMonth::of(month.first_day()).first_day());
    w.strip_suffix("1日").map(str::to_string).unwrap_or(w)
}

/// A month in both styles: `2024-06（令和6年6月）`.
pub fn month_both(month: YearMonth) -> String {
    format!("{month}（{}）", month_ja(month))
}

/// A date in both styles: `令和6年7月22日（2024-07-22）`.
pub fn date_both(d: NaiveDate) -> String {
    format!("{}（{}）", wareki(d), d.format("%Y-%m-%d"))
}

/// The date a month's figures are taken as of: its last day once it is
/// over, today while it runs, none before it starts.
pub fn as_of_for(month: YearMonth, today: NaiveDate) -> Option<NaiveDate> {
    (month.first_day() <= today).then(|| month.last_day().min(today))
}

/// The twelve months ending `to`, oldest first.
pub fn last_12_months(to: YearMonth) -> Vec<YearMonth> {
    let mut months = Vec::with_capacity(12);
    let mut m = to;
    for _ in 0..12 {
        months.push(m);
        m = m.previous();
    }
    months.reverse();
    months
}

/// The agreement months (rules §6.1) a period touches, in order.
pub fn months_between(calendar: AgreementCalendar, from: NaiveDate, to: NaiveDate) -> Vec<YearMonth> {
    let mut out = Vec::new();
    let mut m = calendar.month_of(from);
    let last = calendar.month_of(to);
    while m <= last {
        out.push(m);
        let next = m.next();
        if next == m {
            break;
        }
        m = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn ym(s: &str) -> YearMonth {
        YearMonth::parse(s).unwrap()
    }

    #[test]
    fn a_fiscal_year_runs_from_april_to_march() {
        assert_eq!(fiscal_year_of(d("2024-04-01")), 2024);
        assert_eq!(fiscal_year_of(d("2025-03-31")), 2024);
        assert_eq!(fiscal_year_of(d("2024-03-31")), 2023);
        let months = fiscal_months(2024);
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], ym("2024-04"));
        assert_eq!(months[2], ym("2024-06"));
        assert_eq!(months[11], ym("2025-03"));
        assert_eq!(fiscal_bounds(2024), Some((d("2024-04-01"), d("2025-03-31"))));
    }

    #[test]
    fn a_fiscal_year_is_named_in_wareki_by_the_era_of_its_december() {
        assert_eq!(fiscal_year_ja(2024), "令和6年度");
        assert_eq!(fiscal_year_ja(2019), "令和元年度");
        assert_eq!(fiscal_year_ja(2018), "平成30年度");
        assert_eq!(month_ja(ym("2024-06")), "令和6年6月");
        assert_eq!(month_ja(ym("2019-04")), "平成31年4月");
        assert_eq!(
            month_ja(ym("2024-06").starting_on(21)),
            "令和6年6月",
            "named, not cut at 1日"
        );
        assert_eq!(month_both(ym("2024-06")), "2024-06（令和6年6月）");
        assert_eq!(date_both(d("2024-07-22")), "令和6年7月22日（2024-07-22）");
    }

    #[test]
    fn a_month_is_taken_as_of_its_end_or_today_and_not_before_it_begins() {
        let today = d("2024-06-14");
        assert_eq!(as_of_for(ym("2024-05"), today), Some(d("2024-05-31")));
        assert_eq!(as_of_for(ym("2024-06"), today), Some(today));
        assert_eq!(as_of_for(ym("2024-07"), today), None);
    }

    #[test]
    fn the_last_twelve_months_end_with_the_given_month() {
        let months = last_12_months(ym("2024-06"));
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], ym("2023-07"));
        assert_eq!(months[11], ym("2024-06"));
        assert_eq!(
            months_between(AgreementCalendar::default(), d("2024-05-20"), d("2024-07-01")),
            vec![ym("2024-05"), ym("2024-06"), ym("2024-07")]
        );
        assert_eq!(
            months_between(AgreementCalendar::default(), d("2024-06-01"), d("2024-06-30")),
            vec![ym("2024-06")]
        );
        // With agreement months from the 16th, 1–30 June touches the
        // months named May (05-16 … 06-15) and June (06-16 … 07-15).
        let sixteenth = AgreementCalendar::new(16, "04-16").unwrap();
        let months = months_between(sixteenth, d("2024-06-01"), d("2024-06-30"));
        assert_eq!(
            months.iter().map(|m| (m.first_day(), m.last_day())).collect::<Vec<_>>(),
            vec![(d("2024-05-16"), d("2024-06-15")), (d("2024-06-16"), d("2024-07-15"))]
        );
        assert_eq!(as_of_for(months[1], d("2024-07-10")), Some(d("2024-07-10")));
    }
}

//! The roster check (rules §15): the problems a roster file would bring,
//! per doctor, from the findings of the rule book on the projected timeline
//! — rest windows (§11), permitted duty (§13), breaks (§14) and the
//! projected hours (§7, §8) — in the JSON of §15.4. Pure: the caller runs
//! the engines and gives their results.

use super::breaks::WorkPeriod;
use super::duties::DutyWarning;
use super::rest::{format_instant, PlannedStatus, Severity, WindowRecord};
use super::time::{midnight, Minutes, YearMonth};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde_json::{json, Map, Value};

/// 100 h and 155 h (rules §8).
const LINE_100: Minutes = 6000;
const LINE_155: Minutes = 9300;

/// One problem (rules §15.3): its date, code and severity, then the fields
/// of its kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub date: NaiveDate,
    pub code: String,
    pub severity: Severity,
    #[serde(flatten)]
    pub fields: Map<String, Value>,
    /// The window's start, for the order of §15.3 (rest problems only).
    #[serde(skip)]
    pub window_start: Option<NaiveDateTime>,
}

impl Problem {
    fn new(date: NaiveDate, code: &str, severity: Severity, fields: Value) -> Problem {
        Problem {
            date,
            code: code.to_string(),
            severity,
            fields: match fields {
                Value::Object(m) => m,
                _ => Map::new(),
            },
            window_start: None,
        }
    }

    /// A short Japanese and English description, for the CSV and the screen.
    pub fn message(&self) -> String {
        let n = |k: &str| self.fields.get(k).and_then(Value::as_i64).unwrap_or(0);
        match self.code.as_str() {
            "rest_short" | "exception_rest_short" => format!(
                "休息不足 {}分（必要 {}分、最長 {}分） / rest short by {} min",
                n("shortfall_minutes"),
                n("required_rest_minutes"),
                n("longest_rest_minutes"),
                n("shortfall_minutes")
            ),
            "excepted" => "15時間超の例外（代償休息あり） / over-15 h exception, rest owed".into(),
            "duty_outside_permit" => format!(
                "許可外の宿日直 {}分（労働時間になります） / {} min of duty outside the permit",
                n("minutes"),
                n("minutes")
            ),
            "permitted_night_duty_frequency" => format!(
                "宿直が週{}回目（上限{}回） / night duty {} of the week (limit {})",
                n("count"),
                n("limit"),
                n("count"),
                n("limit")
            ),
            "permitted_day_duty_frequency" => format!(
                "日直が月{}回目（上限{}回） / day duty {} of the month (limit {})",
                n("count"),
                n("limit"),
                n("count"),
                n("limit")
            ),
            "break_short" => format!(
                "休憩不足 {}分 / break short by {} min",
                n("shortfall_minutes"),
                n("shortfall_minutes")
            ),
            "projected_watch" => "見込みが注意水準に達します / projected to reach the watch line".into(),
            "projected_over_100" => {
                "見込みが月100時間に達します（この日までに面接指導） / projected to reach 100 h: interview before this date".into()
            }
            "projected_over_155" => {
                "見込みが月155時間を超えます（就業上の措置） / projected over 155 h: measures required".into()
            }
            "projected_annual_over_limit" => format!(
                "年間上限を{}分超える見込み / annual limit exceeded by {} min",
                n("excess_minutes"),
                n("excess_minutes")
            ),
            other => other.to_string(),
        }
    }
}

/// The §11 problems of the planned records: every failing window whose
/// `[s, s + W)` reaches into `checked` (inclusive dates).
pub fn rest_problems(records: &[WindowRecord], checked: (NaiveDate, NaiveDate)) -> Vec<Problem> {
    let (from, to) = (midnight(checked.0), midnight(checked.1) + Duration::days(1));
    records
        .iter()
        .filter(|r| r.window_end > from && r.window_start < to)
        .map(|r| {
            let code = match r.status {
                Some(PlannedStatus::Excepted) => "excepted",
                Some(PlannedStatus::ExceptionRestShort) => "exception_rest_short",
                _ => "rest_short",
            };
            let mut p = Problem::new(
                r.window_start.date(),
                code,
                r.severity,
                json!({
                    "rule": r.rule,
                    "window_start": format_instant(r.window_start),
                    "window_end": format_instant(r.window_end),
                    "required_rest_minutes": r.required_rest_minutes,
                    "longest_rest_minutes": r.longest_rest_minutes,
                    "work_span_minutes": r.work_span_minutes,
                    "over_continuous_limit": r.over_continuous_limit,
                    "shortfall_minutes": r.shortfall_minutes,
                    "open_end": r.open_end,
                }),
            );
            if let Some(e) = &r.exception {
                p.fields
                    .insert("exception".into(), serde_json::to_value(e).unwrap_or(Value::Null));
            }
            p.window_start = Some(r.window_start);
            p
        })
        .collect()
}

/// The frequency warnings dated on checked dates.
pub fn duty_problems(warnings: &[DutyWarning], checked: (NaiveDate, NaiveDate)) -> Vec<Problem> {
    warnings
        .iter()
        .filter(|w| checked.0 <= w.date && w.date <= checked.1)
        .map(|w| {
            let mut fields = json!({"count": w.count, "limit": w.limit});
            if let Some(week) = w.week_start {
                fields["week_start"] = json!(week);
            }
            if let Some(month) = &w.month {
                fields["month"] = json!(month);
            }
            Problem::new(w.date, w.code, Severity::Warning, fields)
        })
        .collect()
}

/// `duty_outside_permit` of a file row of permitted duty starting at
/// `row_start` with `minutes` outside the permit.
pub fn outside_permit(row_start: NaiveDateTime, minutes: Minutes) -> Problem {
    Problem::new(
        row_start.date(),
        "duty_outside_permit",
        Severity::Warning,
        json!({"row_start": format_instant(row_start), "minutes": minutes}),
    )
}

/// `break_short` of the short work periods dated on checked dates.
pub fn break_problems(periods: &[WorkPeriod], checked: (NaiveDate, NaiveDate)) -> Vec<Problem> {
    periods
        .iter()
        .filter(|p| p.short() && checked.0 <= p.date && p.date <= checked.1)
        .map(|p| {
            let mut fields = serde_json::to_value(p).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut fields {
                m.remove("date");
            }
            Problem::new(p.date, "break_short", Severity::Warning, fields)
        })
        .collect()
}

/// One annual limit of §7 that applies to the doctor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnnualLimit {
    pub name: String,
    pub limit_minutes: Minutes,
    pub year_to_date_minutes: Minutes,
    pub projected_year_minutes: Minutes,
    pub exceeded_date: Option<NaiveDate>,
}

/// The annual figures: one limit, or two (連携B, rules §7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Annual {
    One {
        year_to_date_overtime_holiday_minutes: Minutes,
        projected_year_minutes: Minutes,
        annual_limit_minutes: Minutes,
        annual_limit_exceeded_date: Option<NaiveDate>,
    },
    Two {
        annual_limits: Vec<AnnualLimit>,
    },
}

/// The projected hours of a doctor (rules §15.3 item 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Projected {
    pub overtime_holiday_minutes: Minutes,
    pub reach_80_date: Option<NaiveDate>,
    pub reach_100_date: Option<NaiveDate>,
    pub reach_155_date: Option<NaiveDate>,
    #[serde(flatten)]
    pub annual: Annual,
}

/// What the projection gives for item 4: the projected month, `run(k)`
/// (index k − 1), and per annual limit (name, limit, year to date).
pub struct HoursInputs<'a> {
    pub month: YearMonth,
    pub projected_minutes: Minutes,
    pub running: &'a [Minutes],
    pub watch_minutes: Minutes,
    pub limits: Vec<(String, Minutes, Minutes)>,
}

fn first_date(month: YearMonth, running: &[Minutes], hit: impl Fn(Minutes) -> bool) -> Option<NaiveDate> {
    let k = running.iter().position(|r| hit(*r))?;
    Some(month.first_day() + Duration::days(k as i64))
}

/// The projected figures and their problems (rules §15.3 item 4).
pub fn projected_hours(i: &HoursInputs) -> (Projected, Vec<Problem>) {
    let m = i.projected_minutes;
    let reach_80 = first_date(i.month, i.running, |r| r >= i.watch_minutes);
    let reach_100 = first_date(i.month, i.running, |r| r >= LINE_100);
    let reach_155 = first_date(i.month, i.running, |r| r > LINE_155);
    let mut problems = Vec::new();
    for (date, code, severity) in [
        (reach_80, "projected_watch", Severity::Info),
        (reach_100, "projected_over_100", Severity::Warning),
        (reach_155, "projected_over_155", Severity::Warning),
    ] {
        if let Some(d) = date {
            problems.push(Problem::new(d, code, severity, json!({"minutes": m})));
        }
    }
    let limits: Vec<AnnualLimit> = i
        .limits
        .iter()
        .map(|(name, limit, ytd)| AnnualLimit {
            name: name.clone(),
            limit_minutes: *limit,
            year_to_date_minutes: *ytd,
            projected_year_minutes: ytd + m,
            exceeded_date: first_date(i.month, i.running, |r| ytd + r > *limit),
        })
        .collect();
    for l in &limits {
        if let Some(d) = l.exceeded_date {
            let mut fields = json!({
                "projected_year_minutes": l.projected_year_minutes,
                "annual_limit_minutes": l.limit_minutes,
                "excess_minutes": l.projected_year_minutes - l.limit_minutes,
            });
            if limits.len() > 1 {
                fields["annual_limit_name"] = json!(l.name);
            }
            problems.push(Problem::new(
                d,
                "projected_annual_over_limit",
                Severity::Violation,
                fields,
            ));
        }
    }
    let annual = match limits.as_slice() {
        [one] => Annual::One {
            year_to_date_overtime_holiday_minutes: one.year_to_date_minutes,
            projected_year_minutes: one.projected_year_minutes,
            annual_limit_minutes: one.limit_minutes,
            annual_limit_exceeded_date: one.exceeded_date,
        },
        _ => Annual::Two { annual_limits: limits },
    };
    (
        Projected {
            overtime_holiday_minutes: m,
            reach_80_date: reach_80,
            reach_100_date: reach_100,
            reach_155_date: reach_155,
            annual,
        },
        problems,
    )
}

/// Sorts problems as §15.3 says: by date, then code, then window start.
pub fn sort(problems: &mut [Problem]) {
    problems.sort_by(|a, b| (a.date, &a.code, a.window_start).cmp(&(b.date, &b.code, b.window_start)));
}

/// Problems by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ProblemCount {
    pub violation: usize,
    pub warning: usize,
    pub info: usize,
}

impl ProblemCount {
    pub fn of(problems: &[Problem]) -> ProblemCount {
        let n = |s: Severity| problems.iter().filter(|p| p.severity == s).count();
        ProblemCount {
            violation: n(Severity::Violation),
            warning: n(Severity::Warning),
            info: n(Severity::Info),
        }
    }
}

/// The month's permitted duties on the projected timeline (§13.5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PermittedDuty {
    pub permitted_night_duties: i64,
    pub permitted_day_duties: i64,
}

/// One doctor of the check (rules §15.4).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoctorCheck {
    pub staff_id: String,
    pub name: String,
    pub level: String,
    pub department: Option<String>,
    pub rows: usize,
    pub problem_count: ProblemCount,
    pub projected: Projected,
    pub permitted_duty: PermittedDuty,
    pub problems: Vec<Problem>,
}

/// The summary line of §15.4.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub doctors: usize,
    pub doctors_with_violations: usize,
    pub violations: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(doctors: &[DoctorCheck]) -> Summary {
        Summary {
            doctors: doctors.len(),
            doctors_with_violations: doctors.iter().filter(|d| d.problem_count.violation > 0).count(),
            violations: doctors.iter().map(|d| d.problem_count.violation).sum(),
            warnings: doctors.iter().map(|d| d.problem_count.warning).sum(),
            infos: doctors.iter().map(|d| d.problem_count.info).sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// RC1's D011 and D012 (rules §15.5): run(k) dates and the annual limit.
    #[test]
    fn projected_dates_are_the_first_days_run_k_reaches_each_line() {
        let month = YearMonth::parse("2024-07").unwrap();
        // D012: 120 a weekday, 420 on 07-24, weekends 0.
        let mut run = Vec::new();
        let mut total = 0;
        for day in month.iter_days() {
            use chrono::Datelike;
            if day.weekday().number_from_monday() <= 5 {
                total += if day == d("2024-07-24") { 420 } else { 120 };
            }
            run.push(total);
        }
        let (p, problems) = projected_hours(&HoursInputs {
            month,
            projected_minutes: total,
            running: &run,
            watch_minutes: 4800,
            limits: vec![("combined".into(), 57_600, 55_000)],
        });
        assert_eq!(total, 3060);
        assert_eq!(
            (p.reach_80_date, p.reach_100_date, p.reach_155_date),
            (None, None, None)
        );
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["annual_limit_exceeded_date"], "2024-07-26");
        assert_eq!(v["projected_year_minutes"], 58_060);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code, "projected_annual_over_limit");
        assert_eq!(problems[0].fields["excess_minutes"], 460);

        // Two limits: the list form, each problem naming its limit.
        let (p, problems) = projected_hours(&HoursInputs {
            month,
            projected_minutes: total,
            running: &run,
            watch_minutes: 2000,
            limits: vec![("own".into(), 57_600, 55_000), ("combined".into(), 111_600, 56_000)],
        });
        let v = serde_json::to_value(&p).unwrap();
        assert!(v.get("annual_limit_minutes").is_none());
        assert_eq!(v["annual_limits"][0]["exceeded_date"], "2024-07-26");
        assert_eq!(v["annual_limits"][1]["exceeded_date"], Value::Null);
        assert_eq!(v["reach_80_date"], "2024-07-23");
        let codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["projected_watch", "projected_annual_over_limit"]);
        assert_eq!(problems[1].fields["annual_limit_name"], "own");
    }

    #[test]
    fn problems_sort_by_date_code_and_window_and_count_by_severity() {
        let mut ps = vec![
            Problem::new(d("2024-07-10"), "rest_short", Severity::Violation, json!({})),
            Problem::new(
                d("2024-07-04"),
                "permitted_night_duty_frequency",
                Severity::Warning,
                json!({}),
            ),
            Problem::new(d("2024-07-04"), "break_short", Severity::Warning, json!({})),
        ];
        sort(&mut ps);
        let codes: Vec<&str> = ps.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["break_short", "permitted_night_duty_frequency", "rest_short"]);
        assert_eq!(
            ProblemCount::of(&ps),
            ProblemCount {
                violation: 1,
                warning: 2,
                info: 0
            }
        );
        let v = serde_json::to_value(&ps[2]).unwrap();
        assert_eq!(
            v,
            json!({"date": "2024-07-10", "code": "rest_short", "severity": "violation"})
        );
    }
}

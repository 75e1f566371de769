//! The worked examples of rules.md v2 (`docs/examples/counting.json`) that
//! the engine answers, one test per example id. The interpreter reads an
//! example's inputs (rows, doctor, config), counts, and compares every
//! expected field; an expected field it does not know fails the test, so
//! no part of an example is silently skipped.

use super::super::agreement::AgreementCalendar;
use super::super::example_json::{date, example_in, instant, permits, time};
use super::super::hours::RuleConfig;
use super::super::profile::{
    Employer, EmploymentType, HolidayStartTail, LegalHoliday, Profile, Regime, RosterView, ScheduleClass, StudyStatus,
    WeekdaySet,
};
use super::super::shift::{Kind, Shift};
use super::super::time::YearMonth;
use super::{count, Inputs};
use chrono::NaiveDate;
use serde_json::{json, Map, Value};

const EXAMPLES: &str = include_str!("../../../docs/examples/counting.json");

fn example(id: &str) -> Value {
    example_in(EXAMPLES, "counting.json", id)
}

/// `[start, end, break, kind, {extras}]`.
pub(crate) fn row(v: &Value) -> Shift {
    let a = v.as_array().unwrap();
    let kind = Kind::parse(a[3].as_str().unwrap()).unwrap();
    let mut s = Shift::new(instant(&a[0]), instant(&a[1]), a[2].as_i64().unwrap(), kind).unwrap();
    if let Some(extra) = a.get(4) {
        if extra.get("confirmed_by").is_some() {
            s = s.with_study(StudyStatus::Confirmed);
        }
        if let Some(status) = extra.get("status").and_then(Value::as_str) {
            s = s.with_study(StudyStatus::parse(status).unwrap());
        }
        s = s.with_employer(extra.get("employer").and_then(Value::as_str));
        if let Some(c) = extra.get("schedule_class").and_then(Value::as_str) {
            s = s.with_class(ScheduleClass::parse(c).unwrap());
        }
    }
    s
}

fn rows(v: &Value) -> Vec<Shift> {
    v.as_array().map(|a| a.iter().map(row).collect()).unwrap_or_default()
}

fn view(rows_v: &Value, ranges: &Value) -> RosterView {
    RosterView {
        ranges: ranges
            .as_array()
            .map(|a| a.iter().map(|r| (date(&r[0]), date(&r[1]))).collect())
            .unwrap_or_default(),
        rows: rows(rows_v),
    }
}

/// Everything an example describes about its doctor and hospital.
struct Case {
    cfg: RuleConfig,
    profile: Profile,
    roster: RosterView,
    published: Vec<(NaiveDate, RosterView)>,
    rows: Vec<Shift>,
    month: YearMonth,
}

fn case(e: &Value) -> Case {
    let i = &e["inputs"];
    let mut cfg = RuleConfig::default();
    let c = &i["config"];
    if let Some(dates) = c["scheduled_closed_dates"].as_array() {
        cfg.scheduled_closed_dates = dates.iter().map(date).collect();
    }
    if let Some(day) = c["month_start_day"].as_i64() {
        cfg.calendar = AgreementCalendar::new(day, c["year_start"].as_str().unwrap()).unwrap();
    }
    let d = &i["doctor"];
    let mut p = Profile::default();
    if let Some(h) = d["legal_holiday"].as_str() {
        p.legal_holiday = LegalHoliday::parse(h, d.get("holiday_period_start").map(date)).unwrap();
    }
    if let Some(t) = d.get("scheduled_start") {
        p.scheduled_start = time(t);
    }
    if let Some(t) = d.get("scheduled_end") {
        p.scheduled_end = time(t);
    }
    if let Some(days) = d["scheduled_days"].as_array() {
        let text: Vec<&str> = days.iter().map(|x| x.as_str().unwrap()).collect();
        p.scheduled_days = WeekdaySet::parse(&text.join(",")).unwrap();
    }
    if let Some(r) = d["regime"].as_str() {
        p.regime = Regime::parse(
            r,
            d.get("variable_period_start").map(date),
            d["variable_period"].as_str().unwrap_or(""),
        )
        .unwrap();
    }
    if let Some(t) = d["employment_type"].as_str() {
        p.employment_type = EmploymentType::parse(t).unwrap();
    }
    p.main_employer = d["main_employer"].as_str().map(str::to_string);
    p.contract_date = d.get("contract_date").map(date);
    if let Some(emps) = d["employers"].as_object() {
        p.employers = emps
            .iter()
            .map(|(name, v)| Employer {
                name: name.clone(),
                contract_date: v.get("contract_date").map(date),
                dispatched: v["dispatched"].as_bool().unwrap_or(false),
            })
            .collect();
    }
    let published = match &p.regime {
        Regime::MonthlyVariable { start, .. } if d.get("published").is_some() => {
            vec![(*start, view(&d["published"], &d["published_ranges"]))]
        }
        _ => Vec::new(),
    };
    let month = i["month"]
        .as_str()
        .map(|m| cfg.calendar.month(YearMonth::parse(m).unwrap()))
        .unwrap_or_else(|| YearMonth::parse("2024-06").unwrap());
    Case {
        roster: view(&d["roster"], &d["roster_ranges"]),
        cfg,
        profile: p,
        published,
        rows: rows(&i["rows"]),
        month,
    }
}

impl Case {
    /// The month's figures as JSON, with the day-by-day figures.
    fn figures(&self) -> Value {
        let counted = count(
            Inputs {
                rows: &self.rows,
                profile: &self.profile,
                roster: &self.roster,
                published: &self.published,
                permitted: Some(&[]),
            },
            &self.cfg,
        );
        let f = counted.month(&self.rows, &self.profile, self.month, &self.cfg.agreement);
        let mut v = serde_json::to_value(&f).unwrap();
        let m = v.as_object_mut().unwrap();
        m.insert("by_day".into(), serde_json::to_value(counted.by_day()).unwrap());
        m.insert("period_overtime_dates".into(), json!(f.period_overtime_dates));
        m.insert(
            "reach_100_at".into(),
            json!(f.reach_100_at.map(|t| t.format("%Y-%m-%dT%H:%M").to_string())),
        );
        m.insert("month_first_day".into(), json!(self.month.first_day()));
        m.insert("month_last_day".into(), json!(self.month.last_day()));
        if let Some(p) = &f.variable_period {
            m.insert("variable_valid".into(), json!(p.valid));
            m.insert("variable_reason".into(), json!(p.reason));
            m.insert("scheduled_minutes".into(), json!(p.scheduled_minutes));
            m.insert("period_cap_minutes".into(), json!(p.cap_minutes));
        }
        let reach_day = f
            .running
            .iter()
            .position(|r| *r >= 6000)
            .map(|k| self.month.first_day() + chrono::Duration::days(k as i64));
        m.insert("reach_100_date".into(), json!(reach_day));
        m.insert(
            "interview_deadline".into(),
            json!(reach_day.map(|d| d - chrono::Duration::days(1))),
        );
        v
    }

    fn variant(&self, key: &str) -> Case {
        let mut c = Case {
            cfg: self.cfg.clone(),
            profile: self.profile.clone(),
            roster: self.roster.clone(),
            published: self.published.clone(),
            rows: self.rows.clone(),
            month: self.month,
        };
        match key {
            "standard_regime_overtime_minutes" => c.profile.regime = Regime::Standard,
            "with_holiday_start_tail_with_holiday_hours" => {
                c.cfg.holiday_start_tail = HolidayStartTail::WithHolidayHours
            }
            "same_rows_with_fixed_sunday" => {
                c.profile.legal_holiday = LegalHoliday::Fixed(chrono::Weekday::Sun);
                c.roster = RosterView::default();
            }
            "without_any_contract_date" => {
                c.profile.contract_date = None;
                for e in &mut c.profile.employers {
                    e.contract_date = None;
                }
            }
            "calendar_june" | "calendar_july" => {
                c.cfg.calendar = AgreementCalendar::default();
                c.month = YearMonth::parse(if key == "calendar_june" { "2024-06" } else { "2024-07" }).unwrap();
            }
            _ => panic!("unknown variant {key}"),
        }
        c
    }
}

/// Compares every expected field of `expected` with `actual`.
fn compare(id: &str, expected: &Map<String, Value>, actual: &Value) {
    for (k, want) in expected {
        let got = &actual[k.as_str()];
        if k == "by_day" {
            for (day, w) in want.as_object().unwrap() {
                assert_eq!(&got[day.as_str()], w, "{id}: by_day {day}");
            }
        } else {
            assert!(!got.is_null() || want.is_null(), "{id}: field {k} not computed");
            assert_eq!(got, want, "{id}: {k}");
        }
    }
}

pub(crate) fn run(id: &str) {
    let e = example(id);
    let c = case(&e);
    let actual = c.figures();
    let mut plain = Map::new();
    for (k, want) in e["expected"].as_object().unwrap() {
        match k.as_str() {
            "standard_regime_overtime_minutes" => {
                let v = c.variant(k).figures();
                assert_eq!(&v["overtime_minutes"], want, "{id}: {k}");
            }
            "calendar_june" | "calendar_july" => {
                let v = c.variant(k).figures();
                assert_eq!(&v["overtime_holiday_minutes"], want, "{id}: {k}");
            }
            "with_holiday_start_tail_with_holiday_hours"
            | "same_rows_with_fixed_sunday"
            | "without_any_contract_date" => {
                let v = c.variant(k).figures();
                compare(&format!("{id} {k}"), want.as_object().unwrap(), &v);
            }
            _ => {
                plain.insert(k.clone(), want.clone());
            }
        }
    }
    compare(id, &plain, &actual);
}

macro_rules! examples {
    ($($name:ident => $id:literal),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                run($id);
            }
        )*
    };
}

examples! {
    e2_a_self_study_inside_the_schedule_is_work => "E2-a",
    ss_1_a_confirmed_row_counts_inside_the_schedule_only => "SS-1",
    ss_2_an_unconfirmed_row_counts_whole => "SS-2",
    e2_b_a_rejected_row_is_work => "E2-b",
    e2_c_confirmed_self_study_outside_the_schedule_is_excluded => "E2-c",
    ss_3_the_schedule_comes_from_the_roster => "SS-3",
    ss_4_self_study_inside_a_working_row_counts_once => "SS-4",
    h1_a_fixed_sunday => "H1",
    h2_unspecified_the_later_rest_day_is_the_holiday => "H2",
    h3_unspecified_a_rest_day_not_worked_means_no_holiday => "H3",
    h4u_a_holiday_exchanged_through_the_roster => "H4u",
    h5_4w4_the_worked_rest_days_that_leave_fewer_than_four => "H5",
    e5_a_side_job_on_our_sunday_is_not_our_holiday_work => "E5",
    h7_a_night_duty_tail_makes_saturday_worked => "H7",
    e7_a_holiday_started_shift_keeps_its_tail => "E7",
    e8_no_cut_before_a_scheduled_rest_day => "E8",
    ot_1_a_cut_at_the_next_scheduled_start => "OT-1",
    ot_2_the_next_start_comes_from_the_roster => "OT-2",
    v1_variable_schedule_worked_exactly => "V1",
    v2_variable_mixed_deviations => "V2",
    v3_variable_period_overtime_on_the_last_day => "V3",
    v4_variable_an_eight_hour_day_worked_nine => "V4",
    v6_variable_thirty_days_five_minutes_over => "V6",
    v7_variable_schedule_over_the_cap_is_standard => "V7",
    s1_the_later_contract_bears_the_excess => "S1",
    s2_scheduled_by_contract_order_then_extra_by_time => "S2",
    s3_the_other_employers_extra_first_in_time => "S3",
    s5_a_visiting_doctor => "S5",
    s6_weekly_the_side_jobs_scheduled_minutes_first => "S6",
    s7_the_side_job_contract_is_older => "S7",
    s8_three_employers_in_contract_order => "S8",
    e9_the_agreement_month_from_the_16th => "E9",
    p1_late_night_after_the_break => "P1",
    pp_1_late_night_of_holiday_work_never_external => "PP-1",
}

/// [ex SCH-1] the roster where it covers the date (a covered day without a
/// work or duty row is a rest day; permitted duty is not schedule), else
/// the default schedule without closed dates and the fixed holiday.
#[test]
fn sch_1_the_schedule_of_a_day() {
    let e = example("SCH-1");
    let c = case(&e);
    let from = date(&json!("2024-06-01"));
    let to = date(&json!("2024-06-30"));
    let s = super::Schedule::build(
        &c.profile,
        &c.roster,
        &c.published,
        &c.cfg.scheduled_closed_dates,
        from,
        to,
    );
    for (day, want) in e["expected"]["schedule"].as_object().unwrap() {
        let got: Vec<Value> = s
            .of(date(&json!(day)))
            .iter()
            .map(|(a, b)| {
                json!([
                    a.format("%Y-%m-%d %H:%M").to_string(),
                    b.format("%Y-%m-%d %H:%M").to_string()
                ])
            })
            .collect();
        assert_eq!(&json!(got), want, "SCH-1 {day}");
    }
    for (day, want) in e["expected"]["scheduled_working_day"].as_object().unwrap() {
        assert_eq!(json!(s.is_working_day(date(&json!(day)))), *want, "SCH-1 {day}");
    }
}

/// [ex V5] the four 総枠.
#[test]
fn v5_the_four_caps() {
    let e = example("V5");
    let caps: Vec<i64> = e["inputs"]["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| super::period_cap(d.as_i64().unwrap()))
        .collect();
    assert_eq!(json!(caps), e["expected"]["cap_minutes"]);
}

/// The §9 examples: PC sessions against the coverage of the timecard.
fn run_pc(id: &str) {
    use super::super::discrepancy::{discrepancy_days, review_items, PcSession};
    use super::super::permits::{permitted_for, Permit};
    let e = example(id);
    let i = &e["inputs"];
    let rows = rows(&i["timecard"]);
    let profile = Profile::default();
    let department = i["doctor"]["department"].as_str();
    let permits: Vec<Permit> = permits(&i["permits"]);
    let (from, to) = (date(&json!("2024-06-01")), date(&json!("2024-06-30")));
    let permitted = permitted_for(&permits, department, from, to);
    let cfg = RuleConfig::default();
    let roster = RosterView::default();
    let coverage = super::coverage(
        Inputs {
            rows: &rows,
            profile: &profile,
            roster: &roster,
            published: &[],
            permitted: Some(&permitted),
        },
        &cfg,
    );
    let sessions: Vec<PcSession> = i["pc_sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| PcSession {
            logon: instant(&s[0]),
            logoff: instant(&s[1]),
        })
        .collect();
    let items: Vec<Value> = review_items(&sessions, &coverage, from, to, cfg.pc_review_minutes)
        .iter()
        .map(|r| json!({"date": r.date, "kind": r.kind.code(), "minutes": r.minutes}))
        .collect();
    assert_eq!(json!(items), e["expected"]["review_items"], "{id}: review_items");
    if let Some(want) = e["expected"].get("discrepancies") {
        let days: Vec<Value> = discrepancy_days(&sessions, &coverage, from, to, cfg.discrepancy_minutes)
            .iter()
            .map(|d| json!({"date": d.date, "minutes": d.uncovered_minutes}))
            .collect();
        assert_eq!(&json!(days), want, "{id}: discrepancies");
    }
}

/// [ex E3-a] PC inside a self-study row after hours: one item of 170.
#[test]
fn e3_a_pc_inside_self_study_after_hours_is_a_review_item() {
    run_pc("E3-a");
}

/// [ex E3-b] PC inside permitted duty: one item of 110.
#[test]
fn e3_b_pc_inside_permitted_duty_is_a_review_item() {
    run_pc("E3-b");
}

/// [ex PC-1] PC inside self-study within the schedule: covered.
#[test]
fn pc_1_pc_inside_self_study_within_the_schedule_is_covered() {
    run_pc("PC-1");
}

/// [ex PC-2] 30 minutes: no item; 31: one.
#[test]
fn pc_2_an_item_needs_more_than_the_review_line() {
    run_pc("PC-2");
}

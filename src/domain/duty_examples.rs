//! The worked examples of rules §13 (`D*`) and §14 (`B*`) in
//! `docs/examples/rest.json`, one test per example id. The interpreter reads
//! an example's inputs (doctor, permits, rows, config), runs the rules, and
//! compares every expected field; an expected field it does not know fails
//! the test, so no part of an example is silently skipped.

use super::breaks::work_periods;
use super::count::{count, Inputs};
use super::duties::{duties, outside_parts, warnings, DutyMonth, Limits};
use super::example_json::{date, example_in, instant, permits};
use super::hours::RuleConfig;
use super::permits::{permitted_for, PermitKind};
use super::profile::{Profile, RosterView};
use super::shift::{Kind, Shift};
use super::time::{Minutes, YearMonth};
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{json, Value};

const EXAMPLES: &str = include_str!("../../docs/examples/rest.json");

fn example(id: &str) -> Value {
    example_in(EXAMPLES, "rest.json", id)
}

fn minute(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

/// `[start, end, break, kind]`.
fn rows(v: &Value) -> Vec<Shift> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|r| {
                    let kind = Kind::parse(r[3].as_str().unwrap()).unwrap();
                    Shift::new(instant(&r[0]), instant(&r[1]), r[2].as_i64().unwrap(), kind).unwrap()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// What an example computes, as JSON named like its expected fields.
fn actual(e: &Value) -> Value {
    let i = &e["inputs"];
    let mut cfg = RuleConfig::default();
    if let Some(w) = i["config"]["week_start"].as_str() {
        cfg.week_start = crate::domain::shift::parse_weekday(w).unwrap();
    }
    let department = i["doctor"]["department"].as_str();
    let register = permits(&i["permits"]);
    let rows = if i.get("timecard").is_some() {
        rows(&i["timecard"])
    } else {
        rows(&i["rows"])
    };
    let (from, to) = (date(&json!("2024-05-01")), date(&json!("2024-07-31")));
    let permitted = permitted_for(&register, department, from, to);
    let month = YearMonth::parse("2024-06").unwrap();
    let (first, last) = (month.first_day(), month.last_day());

    // The counting engine (§13.3).
    let profile = Profile::default();
    let roster = RosterView::default();
    let counted = count(
        Inputs {
            rows: &rows,
            profile: &profile,
            roster: &roster,
            published: &[],
            permitted: Some(&permitted),
        },
        &cfg,
    );
    let f = counted.month(&rows, &profile, month, &cfg.agreement);
    let day = |d: NaiveDate| {
        let segs = counted.segs.iter().filter(|s| s.day == d);
        let working: Minutes = segs.clone().map(|s| s.minutes()).sum();
        let daily: Minutes = segs.map(|s| s.daily).sum();
        json!({"working_minutes": working, "daily_overtime_minutes": daily})
    };

    // §13.4–§13.5.
    let all = duties(&rows, &register, department, from, to);
    let limits = Limits {
        week_start: cfg.week_start,
        nights_per_week: cfg.permitted_night_duty_per_week,
        days_per_month: cfg.permitted_day_duty_per_month,
    };
    let warned = warnings(&all, limits);
    let m = DutyMonth::of(&all, &warned, first, last);
    let listed = |kind: PermitKind| -> Vec<Value> {
        all.iter()
            .filter(|d| d.kind == kind && first <= d.date && d.date <= last)
            .map(|d| json!({"date": d.date, "permit_no": d.permit_no, "work_minutes": d.work_minutes}))
            .collect()
    };
    let parts: Vec<Value> = outside_parts(&rows, Some(&permitted))
        .into_iter()
        .map(|(s, e)| json!([minute(s), minute(e)]))
        .collect();

    // §14.
    let periods = work_periods(&rows, Some(&permitted), cfg.break_period_gap_minutes);

    json!({
        "permitted_minutes": f.duty_permitted_minutes,
        "duty_outside_permit_minutes": f.duty_outside_permit_minutes,
        "permitted_night_duties": m.permitted_night_duties,
        "permitted_day_duties": m.permitted_day_duties,
        "permitted_duties_with_work": m.permitted_duties_with_work,
        "working_minutes_in_permitted_duty": m.work_minutes_in_permitted_duty,
        "warnings": warned,
        "nights": listed(PermitKind::Night),
        "days": listed(PermitKind::Day),
        "working_parts": parts,
        "day_2024_06_03": day(date(&json!("2024-06-03"))),
        "periods": periods,
    })
}

pub(crate) fn run(id: &str) {
    let e = example(id);
    let got = actual(&e);
    for (k, want) in e["expected"].as_object().unwrap() {
        let have = &got[k.as_str()];
        assert!(!have.is_null() || want.is_null(), "{id}: field {k} not computed");
        assert_eq!(have, want, "{id}: {k}");
    }
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
    d1_a_permit_covers_only_its_band_the_rest_is_working_time => "D1",
    d2_two_permitted_nights_in_one_calendar_week => "D2",
    d3_two_permitted_day_duties_in_one_month => "D3",
    d4_work_during_a_permitted_night_is_a_duty_with_work => "D4",
    d5_no_permit_for_the_department_means_all_working_time => "D5",
    d6_a_sunday_24_hour_duty_is_one_day_and_one_night_duty => "D6",
    d7_a_saturday_and_sunday_night_in_different_weeks_from_sunday => "D7-a",
    d7_b_the_same_nights_in_one_week_from_monday => "D7-b",
    d8_a_revoked_permit_leaves_later_nights_as_working_time => "D8",
    b1_over_8_hours_needs_60_minutes => "B1",
    b2_over_6_hours_needs_45_minutes => "B2",
    b3_exactly_6_hours_needs_none => "B3",
    b4_a_24_hour_row_still_needs_60 => "B4",
    b5_a_short_gap_joins_rows_and_counts_as_break => "B5",
    b6_a_gap_of_60_minutes_ends_the_period => "B6",
    b7_a_day_shift_and_unpermitted_duty_are_one_period => "B7",
    b8_permitted_duty_splits_the_periods => "B8",
    b9_a_exactly_8_hours_with_45_minutes_is_compliant => "B9-a",
    b9_b_8_hours_1_minute_with_45_minutes_is_short => "B9-b",
    b10_an_overtime_row_5_minutes_after_the_day_shift => "B10",
}

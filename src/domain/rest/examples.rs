//! The worked examples of rules §11.14 (`docs/examples/rest.json`), one test
//! per example id. The interpreter reads an example's inputs (doctor,
//! permits, roster versions, timecard, grants, entries), runs the checks or
//! the ledger, and compares every expected field; an expected field it does
//! not know fails the test, so no part of an example is silently skipped.

use super::super::example_json::{date, example_in, instant, permits};
use super::super::interval::Interval;
use super::super::permits::{permitted_for, Permit};
use super::super::profile::Profile;
use super::super::shift::{IntervalRule, Kind, Level, Shift};
use super::super::time::YearMonth;
use super::{
    check, format_instant, ledger, Entry, EntryCause, EntryKind, Grant, LedgerInputs, Reason, RestConfig, RestDoctor,
    RestInputs, Roster, RosterVersion, Settled,
};
use chrono::{Duration, NaiveDate};
use serde_json::{json, Map, Value};

const EXAMPLES: &str = include_str!("../../../docs/examples/rest.json");

fn example(id: &str) -> Value {
    example_in(EXAMPLES, "rest.json", id)
}

/// `[start, end, break, kind, {interval_rule}]`.
fn row(v: &Value) -> Shift {
    let a = v.as_array().unwrap();
    let kind = Kind::parse(a[3].as_str().unwrap()).unwrap();
    let mut s = Shift::new(instant(&a[0]), instant(&a[1]), a[2].as_i64().unwrap(), kind).unwrap();
    if let Some(extra) = a.get(4) {
        for k in extra.as_object().unwrap().keys() {
            assert_eq!(k, "interval_rule", "unknown row field {k}");
        }
        let rule = extra["interval_rule"].as_str().map(|r| IntervalRule::parse(r).unwrap());
        s = s.with_interval_rule(rule);
    }
    s
}

fn rows(v: &Value) -> Vec<Shift> {
    v.as_array().map(|a| a.iter().map(row).collect()).unwrap_or_default()
}

/// Everything an example describes.
struct Case {
    doctor: RestDoctor,
    roster: Roster,
    timecard: Vec<Shift>,
    permitted: Vec<Interval>,
    grants: Vec<Grant>,
    entries: Vec<Entry>,
}

fn entry(v: &Value) -> Entry {
    let inst = |k: &str| v.get(k).filter(|x| !x.is_null()).map(instant);
    Entry {
        id: v["id"].as_i64().unwrap(),
        kind: EntryKind::parse(v["kind"].as_str().unwrap()).unwrap(),
        cause: EntryCause::parse(v["cause"].as_str().unwrap()).unwrap(),
        minutes: v["minutes"].as_i64().unwrap(),
        arose_at: instant(&v["arose_at"]),
        ends_at: instant(&v["ends_at"]),
        due: date(&v["due"]),
        planned_rest_start: inst("planned_rest_start"),
        planned_rest_end: inst("planned_rest_end"),
        reason: v["reason"].as_str().map(|r| Reason::parse(r).unwrap()),
        settled: v["settled"].as_str().map(|x| Settled::parse(x).unwrap()),
        intruding: Vec::new(),
    }
}

fn case(e: &Value) -> Case {
    let i = &e["inputs"];
    let d = &i["doctor"];
    let doctor = RestDoctor {
        staff_id: d["staff_id"].as_str().unwrap_or("").to_string(),
        level: Level::parse(d["level"].as_str().unwrap()).unwrap(),
        clinical_trainee: d["clinical_trainee"].as_bool().unwrap_or(false),
    };
    let ranges: Vec<(NaiveDate, NaiveDate)> = i["roster_ranges"]
        .as_array()
        .map(|a| a.iter().map(|r| (date(&r[0]), date(&r[1]))).collect())
        .unwrap_or_default();
    // A roster without versions is one version stored long before; bare
    // row lists are versions in the order given.
    let far = NaiveDate::from_ymd_opt(2000, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let versions: Vec<RosterVersion> = match i["roster_versions"].as_array() {
        Some(vs) => vs
            .iter()
            .enumerate()
            .map(|(k, v)| match v.get("stored_at") {
                Some(at) => RosterVersion {
                    stored_at: instant(at),
                    rows: rows(&v["rows"]),
                },
                None => RosterVersion {
                    stored_at: far + Duration::days(k as i64),
                    rows: rows(v),
                },
            })
            .collect(),
        None if i.get("roster").is_some() => vec![RosterVersion {
            stored_at: far,
            rows: rows(&i["roster"]),
        }],
        None => Vec::new(),
    };
    let timecard = match i.get("timecard") {
        Some(t) => rows(t),
        None => versions.last().map(|v| v.rows.clone()).unwrap_or_default(),
    };
    let permits: Vec<Permit> = permits(&i["permits"]);
    let all_rows = versions.iter().flat_map(|v| v.rows.iter()).chain(timecard.iter());
    let (from, to) = all_rows.fold((NaiveDate::MAX, NaiveDate::MIN), |(a, b), r| {
        (a.min(r.start_date()), b.max(r.end().date()))
    });
    let permitted = if from <= to {
        permitted_for(&permits, d["department"].as_str(), from - Duration::days(1), to)
    } else {
        Vec::new()
    };
    let grants = i["comp_rest"]
        .as_array()
        .map(|a| {
            a.iter()
                .enumerate()
                .map(|(k, g)| Grant {
                    id: k as i64 + 1,
                    start: instant(&g[0]),
                    end: instant(&g[1]),
                })
                .collect()
        })
        .unwrap_or_default();
    let entries = i["entries"]
        .as_array()
        .map(|a| a.iter().map(entry).collect())
        .unwrap_or_default();
    Case {
        doctor,
        roster: Roster::new(versions, ranges),
        timecard,
        permitted,
        grants,
        entries,
    }
}

/// Compares every expected field; an expected field missing from the
/// actual value fails.
fn compare(what: &str, want: &Value, got: &Value) {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                let gv = g.get(k).unwrap_or_else(|| panic!("{what}: field {k} not computed"));
                compare(&format!("{what}.{k}"), wv, gv);
            }
        }
        (Value::Array(w), Value::Array(g)) => {
            assert_eq!(w.len(), g.len(), "{what}: {} expected, got {got}", w.len());
            for (k, (wv, gv)) in w.iter().zip(g).enumerate() {
                compare(&format!("{what}[{k}]"), wv, gv);
            }
        }
        _ => assert_eq!(want, got, "{what}"),
    }
}

/// The as-of date of the checks: the last date any timecard row touches.
fn as_of(c: &Case) -> NaiveDate {
    c.timecard
        .iter()
        .chain(c.roster.versions().iter().flat_map(|v| v.rows.iter()))
        .map(|r| r.end().date())
        .max()
        .unwrap_or(NaiveDate::MIN)
}

fn run_ledger(c: &Case, entries: &[Entry], t: NaiveDate) -> super::Ledger {
    let profile = Profile::default();
    let month = YearMonth::of(t);
    ledger(&LedgerInputs {
        entries,
        grants: &c.grants,
        roster: &c.roster,
        timecard: &c.timecard,
        permitted: Some(&c.permitted),
        counted_study: &|_| false,
        default_schedule: &|d| profile.default_interval(d, false).into_iter().collect(),
        as_of: t,
        month: (month.first_day(), month.last_day()),
    })
}

pub(crate) fn run(id: &str) {
    let e = example(id);
    let c = case(&e);
    let cfg = RestConfig::default();
    let t = as_of(&c);
    let result = check(
        &RestInputs {
            doctor: &c.doctor,
            roster: &c.roster,
            timecard: &c.timecard,
            permitted: Some(&c.permitted),
            counted_study: &|_| false,
            as_of: t,
        },
        &cfg,
    );
    for (k, want) in e["expected"].as_object().unwrap() {
        match k.as_str() {
            "planned" => compare(&format!("{id} planned"), want, &json!(result.planned)),
            "actual" => compare(&format!("{id} actual"), want, &json!(result.actual)),
            "ledger_entries" => {
                compare(&format!("{id} ledger_entries"), want, &json!(result.entries));
                // The ledger reads a settled entry as its status (§11.12).
                let l = run_ledger(&c, &result.entries, t);
                for (e, le) in result.entries.iter().zip(&l.entries) {
                    if let Some(s) = e.settled {
                        assert_eq!(json!(le.status), json!(s), "{id}: ledger status of entry {}", e.id);
                    }
                }
            }
            k if k.starts_with("as_of ") => {
                let t = date(&json!(&k[6..]));
                let l = run_ledger(&c, &c.entries, t);
                let mut got = Map::new();
                got.insert("entries".into(), json!(l.entries));
                got.insert("grants".into(), json!(l.grants));
                for (f, v) in json!(l.figures).as_object().unwrap() {
                    got.insert(f.clone(), v.clone());
                }
                compare(&format!("{id} {k}"), want, &Value::Object(got));
            }
            _ => panic!("{id}: unknown expected field {k}"),
        }
    }
    // The instants of the records are written as rules §11.13 says.
    if let Some(r) = result.actual.first().or(result.planned.first()) {
        assert_eq!(json!(r)["window_start"], json!(format_instant(r.window_start)));
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
    i1_an_emergency_in_the_planned_rest_is_owed => "I1",
    i1_v_a_later_roster_version_does_not_change_the_plan => "I1-v",
    i2_a_28_h_duty_then_exactly_18_h_rest => "I2-a",
    i2_b_17_h_rest_after_the_duty_falls_short_by_60 => "I2-b",
    i2_c_a_duty_one_minute_over_28_h => "I2-c",
    i3_permitted_duty_is_the_9_h_rest_and_work_in_it_is_considered => "I3",
    i3_t_a_trainee_owes_compensatory_rest_for_work_in_permitted_duty => "I3-t",
    i4_a_planned_16_h_day_with_an_8_h_rest => "I4",
    i4_e_overtime_into_the_planned_rest_is_owed => "I4-e",
    i6_level_a_is_a_warning => "I6",
    i5_a_a_trainee_24_h_shift_then_24_h_rest => "I5-a",
    i5_b_a_trainee_24_h_shift_then_23_h_rest => "I5-b",
    i5_c_no_18_h_rule_for_a_trainee => "I5-c",
    i5_d_a_c1_specialty_trainee_has_the_18_h_rule => "I5-d",
    r1_exactly_9_h_passes => "R1",
    r2_8_h_59_min_fails_by_1 => "R2",
    r3_only_the_rest_inside_the_window_counts => "R3",
    r4_two_short_rests_are_not_one_long_one => "R4",
    r5_a_planned_long_operation_excepted => "R5-a",
    r5_b_planned_long_operation_rest_too_short => "R5-b",
    r5_c_the_operation_ran_longer_than_planned => "R5-c",
    r6_a_a_short_permit_and_the_18_h_rule => "R6-a",
    r6_b_a_short_permit_and_17_h_59_min_rest => "R6-b",
    r7_a_permitted_stretch_of_exactly_540 => "R7",
    r8_a_call_after_the_rest_held => "R8",
    r9_only_the_last_9_h_are_the_planned_rest => "R9",
    r10_unplanned_work_on_a_day_off => "R10",
    r11_no_roster => "R11",
    l1_partly_granted_then_overdue => "L1",
    l2_fifo_by_due_date_and_a_late_grant => "L2",
    l3_what_is_not_counted => "L3",
}

/// The interpreter fails on an expected field it does not compute and on a
/// wrong value.
#[test]
#[should_panic(expected = "not computed")]
fn an_unknown_expected_field_fails() {
    compare(
        "x",
        &json!([{"rule": "std_9h_24h", "mystery": 1}]),
        &json!([{"rule": "std_9h_24h"}]),
    );
}

#[test]
#[should_panic]
fn a_wrong_expected_value_fails() {
    compare("x", &json!({"a": [1, 2]}), &json!({"a": [1, 3]}));
}

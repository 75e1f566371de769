//! Focused tests of §11 where the worked examples leave edges.

use super::super::shift::{Kind, Level, Shift};
use super::timeline::Timeline;
use super::window::{test_window, window_starts, Outcome, Rule, Source};
use super::{check, end_of_next_month, planned_check, RestConfig, RestDoctor, RestInputs, Roster, RosterVersion};
use chrono::{NaiveDate, NaiveDateTime};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn work(a: &str, b: &str) -> Shift {
    Shift::new(at(a), at(b), 0, Kind::Work).unwrap()
}

fn b_doctor() -> RestDoctor {
    RestDoctor {
        staff_id: "D1".into(),
        level: Level::B,
        clinical_trainee: false,
    }
}

fn starts(rows: &[Shift]) -> Vec<(NaiveDateTime, bool)> {
    let tl = Timeline::build(rows, Some(&[]), &|_| false);
    let src = [Source {
        stored_at: super::timeline::BEGIN,
        timeline: &tl,
        c1_rows: &[],
    }];
    window_starts(&src, false)
        .into_iter()
        .map(|w| (w.s, w.outcome.passes()))
        .collect()
}

/// A window with no free time at all: longest rest 0 (no start), the work
/// span runs to the first free rest after s.
#[test]
fn a_window_with_no_free_time() {
    let rows = [
        work("2024-06-03 08:00", "2024-06-04 10:00"),
        work("2024-06-04 10:00", "2024-06-04 20:00"),
    ];
    let tl = Timeline::build(&rows, Some(&[]), &|_| false);
    let out = test_window(&tl, at("2024-06-03 08:00"), &[Rule::Std9h24h]);
    assert_eq!(
        out,
        Outcome::Fail {
            rule: Rule::Std9h24h,
            longest: None,
            work_span: 36 * 60,
        }
    );
    // One window only: the failing window's next start lies after the gap
    // that follows the busy stretch, i.e. nothing is left.
    assert_eq!(starts(&rows), vec![(at("2024-06-03 08:00"), false)]);
}

/// The property of §11.4: after a free rest of at least 1440 minutes the
/// next window starts at the first eligible working interval after it,
/// whatever came before (here: a chain of failing windows).
#[test]
fn after_a_rest_of_24_hours_the_next_window_starts_at_the_next_work() {
    let chain = [
        work("2024-06-03 08:00", "2024-06-03 23:00"),
        work("2024-06-04 03:00", "2024-06-04 23:00"),
        work("2024-06-05 03:00", "2024-06-05 23:30"),
        work("2024-06-06 02:00", "2024-06-06 09:00"),
    ];
    let after = [
        work("2024-06-07 09:00", "2024-06-07 10:00"),
        work("2024-06-07 12:00", "2024-06-07 18:00"),
    ];
    let mut rows = chain.to_vec();
    rows.extend_from_slice(&after);
    let all = starts(&rows);
    let from_after = starts(&after);
    // The windows from the end of the 24 h rest on are those of the rows
    // after it alone.
    let tail: Vec<_> = all.iter().copied().filter(|(s, _)| *s >= at("2024-06-07 09:00")).collect();
    assert_eq!(tail, from_after);
    assert_eq!(tail.first().map(|w| w.0), Some(at("2024-06-07 09:00")));
    assert!(all.iter().any(|(_, pass)| !pass));
    // The lunch gap at 10:00–12:00 inside a compliant day opens no window.
    assert_eq!(from_after.len(), 1);
}

/// A call inside the night gives one record, not two (§11.4).
#[test]
fn one_emergency_call_in_a_night_gives_one_record() {
    let rows = [
        work("2024-06-10 08:00", "2024-06-10 23:00"),
        work("2024-06-11 01:00", "2024-06-11 04:00"),
        work("2024-06-11 08:00", "2024-06-11 17:00"),
    ];
    assert_eq!(
        starts(&rows),
        vec![(at("2024-06-10 08:00"), false), (at("2024-06-11 08:00"), true)]
    );
}

fn inputs<'a>(doctor: &'a RestDoctor, roster: &'a Roster, timecard: &'a [Shift], as_of: &str) -> RestInputs<'a> {
    RestInputs {
        doctor,
        roster,
        timecard,
        permitted: Some(&[]),
        counted_study: &|_| false,
        as_of: d(as_of),
    }
}

/// Level A and `rest_a_level_warnings = false`: nothing at all (§11.1);
/// windows before `rest_rules_from` are not judged.
#[test]
fn level_a_off_and_rules_from() {
    let rows = vec![
        work("2024-06-12 08:00", "2024-06-13 00:00"),
        work("2024-06-13 08:00", "2024-06-13 17:00"),
    ];
    let roster = Roster::single(rows.clone(), vec![(d("2024-06-12"), d("2024-06-13"))]);
    let a = RestDoctor {
        level: Level::A,
        ..b_doctor()
    };
    let off = RestConfig {
        rest_a_level_warnings: false,
        ..RestConfig::default()
    };
    assert!(planned_check(&inputs(&a, &roster, &rows, "2024-06-30"), &off).records.is_empty());
    assert_eq!(planned_check(&inputs(&a, &roster, &rows, "2024-06-30"), &RestConfig::default()).records.len(), 1);
    let later = RestConfig {
        rest_rules_from: d("2024-06-13"),
        ..RestConfig::default()
    };
    let r = check(&inputs(&b_doctor(), &roster, &rows, "2024-06-30"), &later);
    assert!(r.planned.is_empty() && r.actual.is_empty());
}

/// The plan in force at s is the latest version stored before s (§11.6): a
/// version stored after the start of work changes nothing for that window,
/// but does for a later one.
#[test]
fn the_version_in_force_at_the_window_start() {
    let v1 = vec![
        work("2024-06-10 08:00", "2024-06-10 20:00"),
        work("2024-06-11 08:00", "2024-06-11 17:00"),
    ];
    let v2 = vec![
        work("2024-06-10 08:00", "2024-06-11 00:00"),
        work("2024-06-11 08:00", "2024-06-11 17:00"),
    ];
    let ranges = vec![(d("2024-06-10"), d("2024-06-11"))];
    let doctor = b_doctor();
    let stored = |s: &str, rows: &Vec<Shift>| RosterVersion {
        stored_at: at(s),
        rows: rows.clone(),
    };
    // v2 stored after the window start: v1 counts, the plan passes.
    let roster = Roster::new(
        vec![stored("2024-06-01 00:00", &v1), stored("2024-06-10 09:00", &v2)],
        ranges.clone(),
    );
    assert!(planned_check(&inputs(&doctor, &roster, &v1, "2024-06-30"), &RestConfig::default())
        .records
        .is_empty());
    // v2 stored before it: the 16 h day fails.
    let roster = Roster::new(vec![stored("2024-06-01 00:00", &v1), stored("2024-06-09 09:00", &v2)], ranges);
    let p = planned_check(&inputs(&doctor, &roster, &v1, "2024-06-30"), &RestConfig::default());
    assert_eq!(p.records.len(), 1);
    assert_eq!(p.records[0].shortfall_minutes, 60);
}

#[test]
fn due_is_the_end_of_the_next_month() {
    assert_eq!(end_of_next_month(d("2024-06-11")), d("2024-07-31"));
    assert_eq!(end_of_next_month(d("2024-12-31")), d("2025-01-31"));
    assert_eq!(end_of_next_month(d("2024-11-01")), d("2024-12-31"));
    assert_eq!(end_of_next_month(d("2024-01-31")), d("2024-02-29"));
}

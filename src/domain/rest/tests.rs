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
    let tail: Vec<_> = all
        .iter()
        .copied()
        .filter(|(s, _)| *s >= at("2024-06-07 09:00"))
        .collect();
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
    assert!(planned_check(&inputs(&a, &roster, &rows, "2024-06-30"), &off)
        .records
        .is_empty());
    assert_eq!(
        planned_check(&inputs(&a, &roster, &rows, "2024-06-30"), &RestConfig::default())
            .records
            .len(),
        1
    );
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
    assert!(
        planned_check(&inputs(&doctor, &roster, &v1, "2024-06-30"), &RestConfig::default())
            .records
            .is_empty()
    );
    // v2 stored before it: the 16 h day fails.
    let roster = Roster::new(
        vec![stored("2024-06-01 00:00", &v1), stored("2024-06-09 09:00", &v2)],
        ranges,
    );
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

/// A small deterministic generator for the property test.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n) as i64
    }
}

/// Rows from `from` on: working rows of 1–20 h separated by 0–12 h,
/// some of kind duty.
fn random_rows(g: &mut Lcg, from: NaiveDateTime, n: usize) -> Vec<Shift> {
    let mut t = from;
    let mut out = Vec::new();
    for _ in 0..n {
        let len = chrono::Duration::minutes(60 + g.next(19 * 60));
        let kind = if g.next(4) == 0 { Kind::Duty } else { Kind::Work };
        out.push(Shift::new(t, t + len, 0, kind).unwrap());
        t = t + len + chrono::Duration::minutes(g.next(12 * 60));
    }
    out
}

/// The property of §11.4 on many random timelines: after a free rest of at
/// least 1440 minutes, the windows are those of the rows after it alone.
#[test]
fn the_24_hour_property_on_random_timelines() {
    let mut g = Lcg(7);
    for _ in 0..300 {
        let n = 1 + g.next(8) as usize;
        let before = random_rows(&mut g, at("2024-06-01 08:00"), n);
        let last_end = before.iter().map(|r| r.end()).max().unwrap();
        let rest = chrono::Duration::minutes(1440 + g.next(600));
        let n = 1 + g.next(8) as usize;
        let after = random_rows(&mut g, last_end + rest, n);
        let mut all = before.clone();
        all.extend_from_slice(&after);
        let scan = |rows: &[Shift]| {
            let tl = Timeline::build(rows, Some(&[]), &|_| false);
            let src = [Source {
                stored_at: super::timeline::BEGIN,
                timeline: &tl,
                c1_rows: &[],
            }];
            window_starts(&src, false)
        };
        let tail: Vec<_> = scan(&all).into_iter().filter(|w| w.s >= last_end + rest).collect();
        let alone = scan(&after);
        assert_eq!(tail, alone, "{before:?} {after:?}");
        assert_eq!(alone.first().map(|w| w.s), Some(last_end + rest));
    }
}

/// `permits_register = off` (`permitted: None`): every minute of permitted
/// duty is permitted, so a 915-minute night is the 9 h rest.
#[test]
fn register_off_makes_all_permitted_duty_permitted() {
    let rows = [
        Shift::new(at("2024-06-17 08:30"), at("2024-06-17 17:15"), 45, Kind::Work).unwrap(),
        Shift::new(at("2024-06-17 17:15"), at("2024-06-18 08:30"), 0, Kind::DutyPermitted).unwrap(),
        Shift::new(at("2024-06-18 08:30"), at("2024-06-18 17:15"), 45, Kind::Work).unwrap(),
    ];
    let roster = Roster::single(rows.to_vec(), vec![(d("2024-06-17"), d("2024-06-18"))]);
    let doctor = b_doctor();
    let mut i = inputs(&doctor, &roster, &rows, "2024-06-30");
    i.permitted = None;
    let r = check(&i, &RestConfig::default());
    assert!(r.planned.is_empty() && r.actual.is_empty() && r.entries.is_empty());
    // With the register required and no permit, the row is unpermitted
    // duty: 24 h of work from 08:30, judged by the 18 h/46 h rule too.
    i.permitted = Some(&[]);
    let r = check(&i, &RestConfig::default());
    assert_eq!(r.planned.len(), 1);
    assert_eq!(r.planned[0].rule, Rule::Duty18h46h);
}

/// Self-study counted as working time (§2.3) is work for §11; not counted,
/// it is free time (§11.2).
#[test]
fn counted_self_study_is_work() {
    let rows = [
        work("2024-07-01 08:00", "2024-07-01 17:00"),
        Shift::new(at("2024-07-01 17:00"), at("2024-07-02 00:00"), 0, Kind::SelfStudy).unwrap(),
        work("2024-07-02 08:00", "2024-07-02 17:00"),
    ];
    let roster = Roster::single(rows.to_vec(), vec![(d("2024-07-01"), d("2024-07-02"))]);
    let doctor = b_doctor();
    let mut i = inputs(&doctor, &roster, &rows, "2024-07-31");
    assert!(check(&i, &RestConfig::default()).planned.is_empty());
    let counted = |s: &Shift| s.kind() == Kind::SelfStudy;
    i.counted_study = &counted;
    let r = check(&i, &RestConfig::default());
    assert_eq!(r.planned.len(), 1);
    assert_eq!(r.planned[0].longest_rest_minutes, 480);
}

/// A side job in the planned rest owes nothing (§11.9) and shows as
/// `unplanned` (§11.8); a window reaching past the data is `open_end`.
#[test]
fn external_work_in_a_planned_rest_is_unplanned() {
    let roster_rows = vec![
        work("2024-07-01 08:00", "2024-07-01 20:00"),
        work("2024-07-02 08:00", "2024-07-02 17:00"),
    ];
    let mut timecard = roster_rows.clone();
    timecard.push(Shift::new(at("2024-07-01 22:00"), at("2024-07-02 02:00"), 0, Kind::External).unwrap());
    let roster = Roster::single(roster_rows, vec![(d("2024-07-01"), d("2024-07-02"))]);
    let doctor = b_doctor();
    let r = check(
        &inputs(&doctor, &roster, &timecard, "2024-07-02"),
        &RestConfig::default(),
    );
    assert!(r.entries.is_empty());
    assert_eq!(r.actual.len(), 1);
    assert_eq!(r.actual[0].cause, Some(super::Cause::Unplanned));
    assert_eq!(r.actual[0].severity, super::Severity::Violation);
    assert!(!r.actual[0].open_end);
    // As of 07-01 the timecard ends at midnight: the 22:00 side job starts
    // on T and counts, the window reaches past the data.
    let r = check(
        &inputs(&doctor, &roster, &timecard, "2024-07-01"),
        &RestConfig::default(),
    );
    assert_eq!(r.actual.len(), 1);
    assert!(r.actual[0].open_end);
}

fn entry(id: i64, kind: super::EntryKind, cause: super::EntryCause, minutes: i64, at_: &str) -> super::Entry {
    super::Entry {
        id,
        kind,
        cause,
        minutes,
        arose_at: at(at_),
        ends_at: at(at_) + chrono::Duration::minutes(minutes),
        due: end_of_next_month(at(at_).date()),
        planned_rest_start: None,
        planned_rest_end: None,
        reason: None,
        settled: None,
        intruding: Vec::new(),
    }
}

/// §11.12: on the same due date `compensatory` is paid before
/// `consideration`; a missed long-work entry is never paid and counts as
/// overdue; a grant's minutes after T are not counted.
#[test]
fn ledger_order_missed_entries_and_minutes_after_t() {
    use super::{ledger, EntryCause as C, EntryKind as K, Grant, LedgerInputs, Settled};
    let mut missed = entry(3, K::Compensatory, C::LongWorkException, 30, "2024-06-03 00:00");
    missed.ends_at = missed.arose_at;
    missed.due = d("2024-06-03");
    missed.settled = Some(Settled::Missed);
    let entries = vec![
        entry(1, K::Consideration, C::PermittedDutyWork, 60, "2024-06-04 02:00"),
        entry(2, K::Compensatory, C::RestIntrusion, 60, "2024-06-05 01:00"),
        missed,
    ];
    let grants = [
        Grant {
            id: 1,
            start: at("2024-06-10 09:00"),
            end: at("2024-06-10 10:30"),
        },
        Grant {
            id: 2,
            start: at("2024-06-30 16:00"),
            end: at("2024-07-01 09:00"),
        },
    ];
    let roster = Roster::default();
    let schedule = |day: NaiveDate| vec![(day.and_hms_opt(8, 30, 0).unwrap(), day.and_hms_opt(17, 15, 0).unwrap())];
    let l = ledger(&LedgerInputs {
        entries: &entries,
        grants: &grants,
        roster: &roster,
        timecard: &[],
        permitted: Some(&[]),
        counted_study: &|_| false,
        default_schedule: &schedule,
        as_of: d("2024-06-30"),
        month: (d("2024-06-01"), d("2024-06-30")),
    });
    let by_id = |id: i64| l.entries.iter().find(|e| e.id == id).unwrap();
    // Grant 1 (90 min): 60 to the compensatory #2, 30 to #1.
    assert_eq!(by_id(2).granted_minutes, 60);
    assert_eq!(
        l.grants[0].matched,
        vec![
            super::Matched { entry: 2, minutes: 60 },
            super::Matched { entry: 1, minutes: 30 }
        ]
    );
    // #1 gets its other 30 from grant 2.
    assert_eq!(by_id(1).granted_minutes, 60);
    assert_eq!(by_id(3).granted_minutes, 0);
    assert_eq!(by_id(3).status, super::EntryStatus::Missed);
    // Grant 2: 16:00–17:15 on 06-30 only (the rest lies after T).
    assert_eq!(l.grants[1].counted_minutes, 75);
    assert_eq!(l.grants[1].not_counted_minutes, 17 * 60 - 75);
    assert_eq!(by_id(1).open_minutes, 0);
    assert_eq!(l.grants[1].matched, vec![super::Matched { entry: 1, minutes: 30 }]);
    assert_eq!(l.grants[1].unmatched_minutes, 45);
    assert_eq!(l.figures.comp_rest_arose_minutes, 90);
    assert_eq!(l.figures.comp_rest_granted_minutes, 60);
    assert_eq!(l.figures.comp_rest_open_minutes, 30);
    assert_eq!(l.figures.comp_rest_overdue_minutes, 30);
    assert_eq!(l.figures.consideration_open_minutes, 0);
}

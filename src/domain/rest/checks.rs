//! The planned check (rules §11.6), the over-15 h exception (§11.7), the
//! actual check (§11.8) and the entries they create (§11.7, §11.9, §11.10).

use super::super::interval::{intersect, merged, Interval};
use super::super::shift::{IntervalRule, Shift};
use super::super::time::{midnight, Minutes};
use super::timeline::{clip, len, overlaps, Timeline, BEGIN};
use super::window::{test_window, window_starts, Outcome, Rule, Source, Window};
use super::{
    end_of_next_month, Cause, Check, Entry, EntryCause, EntryKind, Exception, PlannedStatus, RestConfig, RestDoctor,
    Roster, Settled, Severity, WindowRecord,
};
use chrono::{Duration, NaiveDate, NaiveDateTime};

/// What the checks of one doctor need.
#[derive(Clone, Copy)]
pub struct RestInputs<'a> {
    pub doctor: &'a RestDoctor,
    /// The roster in its stored versions, with its covered dates.
    pub roster: &'a Roster,
    /// The timecard rows (those starting after `as_of` are ignored).
    pub timecard: &'a [Shift],
    /// The permit occurrences matching the doctor (§13.2); `None` when the
    /// permits register is off (every minute of permitted duty is permitted).
    pub permitted: Option<&'a [Interval]>,
    /// Which `self_study` rows the counting rules (§2.3) count as working
    /// time.
    pub counted_study: &'a dyn Fn(&Shift) -> bool,
    /// The as-of date T of the actual check (§11.8).
    pub as_of: NaiveDate,
}

/// A planned rest (rules §11.6): P, the last R minutes of the deciding rest
/// inside the window, and G, the whole of it inside the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedRest {
    pub window_start: NaiveDateTime,
    pub rule: Rule,
    pub p: Interval,
    pub g: Interval,
}

/// The planned check's records and planned rests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Planned {
    pub records: Vec<WindowRecord>,
    pub rests: Vec<PlannedRest>,
}

/// Everything §11.6–§11.10 give for one doctor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestResult {
    pub planned: Vec<WindowRecord>,
    pub actual: Vec<WindowRecord>,
    /// Entries of §11.7 (actual), §11.9 and §11.10 that arose on or before
    /// the as-of date, numbered 1.. in order of `arose_at`.
    pub entries: Vec<Entry>,
}

/// One roster version as the checks read it.
struct Plan {
    stored_at: NaiveDateTime,
    timeline: Timeline,
    /// Rows marked `c1_24h` (kept only for a C-1 clinical trainee, §11.7).
    c1_rows: Vec<Interval>,
    /// Rows marked `over15`.
    over15_rows: Vec<Interval>,
}

fn flagged(rows: &[Shift], rule: IntervalRule) -> Vec<Interval> {
    rows.iter()
        .filter(|r| r.interval_rule() == Some(rule))
        .map(|r| (r.rounded_start(), r.rounded_end()))
        .collect()
}

fn plans(inputs: &RestInputs) -> Vec<Plan> {
    let trainee = inputs.doctor.is_c1_trainee();
    inputs
        .roster
        .versions()
        .iter()
        .map(|v| Plan {
            stored_at: v.stored_at,
            timeline: Timeline::build(&v.rows, inputs.permitted, inputs.counted_study),
            c1_rows: if trainee {
                flagged(&v.rows, IntervalRule::C1Day)
            } else {
                Vec::new()
            },
            over15_rows: flagged(&v.rows, IntervalRule::Over15),
        })
        .collect()
}

/// The record of a failing window, before its status or cause.
fn record(doctor: &RestDoctor, check: Check, w: &Window, data_end: NaiveDateTime) -> Option<WindowRecord> {
    let Outcome::Fail {
        rule,
        longest,
        work_span,
    } = w.outcome
    else {
        return None;
    };
    let window_end = w.s + Duration::minutes(rule.window());
    let longest_rest_minutes = longest.map_or(0, len);
    Some(WindowRecord {
        staff_id: doctor.staff_id.clone(),
        check,
        window_start: w.s,
        window_end,
        rule,
        required_rest_minutes: rule.rest(),
        longest_rest_minutes,
        longest_rest_start: longest.map(|l| l.0),
        longest_rest_end: longest.map(|l| l.1),
        work_span_minutes: work_span,
        over_continuous_limit: work_span > rule.span_limit(),
        shortfall_minutes: rule.rest() - longest_rest_minutes,
        status: None,
        cause: None,
        severity: doctor.severity(),
        open_end: window_end > data_end,
        exception: None,
    })
}

/// The over-15 h exception (rules §11.7) of a failing window at `s`
/// reported against `rule`, judged on `tl` with the roster's `over15` rows.
fn exception(tl: &Timeline, over15: &[Interval], s: NaiveDateTime, rule: Rule, owed: Minutes) -> Option<Exception> {
    if rule != Rule::Std9h24h {
        return None;
    }
    let day = (s, s + Duration::minutes(1440));
    let rows: Vec<Interval> = over15.iter().copied().filter(|r| overlaps(*r, day)).collect();
    // The last working interval overlapping an over15 row; without one the
    // planned long work did not happen and the exception does not apply.
    let last_end = tl
        .working
        .iter()
        .filter(|w| rows.iter().any(|r| overlaps(w.interval(), *r)))
        .map(|w| w.end)
        .max()?;
    let following = tl.free_from(last_end);
    let following_rest_minutes = following.map_or(0, len);
    let required = 540 + owed;
    Some(Exception {
        owed_minutes: owed,
        following_rest_start: following.map(|f| f.0),
        following_rest_minutes,
        required_following_rest_minutes: required,
        following_rest_shortfall_minutes: (required - following_rest_minutes).max(0),
        honoured: following_rest_minutes >= required,
    })
}

fn sources<'a>(plans: &'a [Plan], timeline: Option<&'a Timeline>) -> Vec<Source<'a>> {
    plans
        .iter()
        .map(|p| Source {
            stored_at: p.stored_at,
            timeline: timeline.unwrap_or(&p.timeline),
            c1_rows: &p.c1_rows,
        })
        .collect()
}

fn planned_from(inputs: &RestInputs, cfg: &RestConfig, plans: &[Plan]) -> Planned {
    let mut out = Planned::default();
    let Some(last) = inputs.roster.last_date() else {
        return out;
    };
    let data_end = midnight(last) + Duration::days(1);
    let doctor = inputs.doctor;
    for w in window_starts(&sources(plans, None), doctor.is_c1_trainee()) {
        let plan = &plans[w.source];
        match w.outcome {
            Outcome::Pass {
                rule,
                rest,
                permitted: false,
            } => {
                let p1 = rest.1.min(w.s + Duration::minutes(rule.window()));
                out.rests.push(PlannedRest {
                    window_start: w.s,
                    rule,
                    p: (p1 - Duration::minutes(rule.rest()), p1),
                    g: (rest.0.max(w.s), p1),
                });
            }
            Outcome::Pass { .. } => {}
            Outcome::Fail { .. } => {
                let d = w.s.date();
                if !inputs.roster.covers(d) || d < cfg.rest_rules_from {
                    continue;
                }
                let Some(mut r) = record(doctor, Check::Planned, &w, data_end) else {
                    continue;
                };
                r.status = Some(PlannedStatus::RestShort);
                if let Some(e) = exception(&plan.timeline, &plan.over15_rows, w.s, r.rule, r.shortfall_minutes) {
                    if e.honoured {
                        r.status = Some(PlannedStatus::Excepted);
                        r.severity = Severity::Info;
                    } else {
                        r.status = Some(PlannedStatus::ExceptionRestShort);
                    }
                    r.exception = Some(e);
                }
                out.records.push(r);
            }
        }
    }
    out
}

/// The planned check (rules §11.6, §11.7): records of failing windows whose
/// start date is covered by the roster and on or after `rest_rules_from`,
/// and the planned rests of the passing ones.
pub fn planned_check(inputs: &RestInputs, cfg: &RestConfig) -> Planned {
    if !cfg.applies_to(inputs.doctor) {
        return Planned::default();
    }
    planned_from(inputs, cfg, &plans(inputs))
}

/// The doctor's own working minutes (not `external`), merged.
fn own_work(tl: &Timeline) -> Vec<Interval> {
    merged(
        tl.working
            .iter()
            .filter(|w| !w.external)
            .map(|w| w.interval())
            .collect(),
        true,
    )
}

/// 11.9: work in a planned rest whose rest did not hold.
fn intrusions(planned: &Planned, tl: &Timeline, own: &[Interval]) -> Vec<Entry> {
    let mut out = Vec::new();
    for pr in &planned.rests {
        let held = tl
            .free
            .iter()
            .filter_map(|f| clip(*f, pr.g.0, pr.g.1))
            .any(|part| len(part) >= pr.rule.rest());
        if held {
            continue;
        }
        let inside = intersect(own, &[pr.p]);
        let minutes: Minutes = inside.iter().map(|iv| len(*iv)).sum();
        let (Some(first), Some(last)) = (inside.first(), inside.last()) else {
            continue;
        };
        if minutes == 0 {
            continue;
        }
        out.push(Entry {
            id: 0,
            kind: EntryKind::Compensatory,
            cause: EntryCause::RestIntrusion,
            minutes,
            arose_at: first.0,
            ends_at: last.1,
            due: end_of_next_month(first.0.date()),
            planned_rest_start: Some(pr.p.0),
            planned_rest_end: Some(pr.p.1),
            reason: None,
            settled: None,
            intruding: inside.clone(),
        });
    }
    out
}

/// 11.10: work during permitted stretches of 9 h or more.
fn considerations(doctor: &RestDoctor, tl: &Timeline, own: &[Interval]) -> Vec<Entry> {
    let kind = if doctor.is_c1_trainee() {
        EntryKind::Compensatory
    } else {
        EntryKind::Consideration
    };
    let mut out = Vec::new();
    for p in tl.permitted.iter().filter(|p| len(**p) >= 540) {
        let inside = intersect(own, &[*p]);
        let minutes: Minutes = inside.iter().map(|iv| len(*iv)).sum();
        let (Some(first), Some(last)) = (inside.first(), inside.last()) else {
            continue;
        };
        out.push(Entry {
            id: 0,
            kind,
            cause: EntryCause::PermittedDutyWork,
            minutes,
            arose_at: first.0,
            ends_at: last.1,
            due: end_of_next_month(first.0.date()),
            planned_rest_start: None,
            planned_rest_end: None,
            reason: None,
            settled: None,
            intruding: Vec::new(),
        });
    }
    out
}

/// The planned and actual checks of one doctor and the entries that arise
/// (rules §11.6–§11.10), as of `inputs.as_of`.
pub fn check(inputs: &RestInputs, cfg: &RestConfig) -> RestResult {
    let doctor = inputs.doctor;
    if !cfg.applies_to(doctor) {
        return RestResult::default();
    }
    let plans = plans(inputs);
    let planned = planned_from(inputs, cfg, &plans);
    let t = inputs.as_of;
    let rows: Vec<Shift> = inputs
        .timecard
        .iter()
        .filter(|r| r.start_date() <= t)
        .cloned()
        .collect();
    let actual_tl = Timeline::build(&rows, inputs.permitted, inputs.counted_study);
    let own = own_work(&actual_tl);
    let mut entries = intrusions(&planned, &actual_tl, &own);
    entries.extend(considerations(doctor, &actual_tl, &own));

    let data_end = midnight(t) + Duration::days(1);
    let mut srcs = sources(&plans, Some(&actual_tl));
    if srcs.is_empty() {
        srcs.push(Source {
            stored_at: BEGIN,
            timeline: &actual_tl,
            c1_rows: &[],
        });
    }
    let mut actual = Vec::new();
    for w in window_starts(&srcs, doctor.is_c1_trainee()) {
        let d = w.s.date();
        if d < cfg.rest_rules_from || d > t {
            continue;
        }
        let Some(mut r) = record(doctor, Check::Actual, &w, data_end) else {
            continue;
        };
        let plan = inputs.roster.version_at(w.s).map(|i| &plans[i]);
        let exc = plan
            .filter(|_| inputs.roster.covers(d))
            .and_then(|p| exception(&actual_tl, &p.over15_rows, w.s, r.rule, r.shortfall_minutes));
        r.cause = Some(match (plan, exc) {
            _ if !inputs.roster.covers(d) => Cause::NoRoster,
            (_, Some(e)) => {
                if e.honoured {
                    r.severity = Severity::Info;
                }
                let start = e.following_rest_start.unwrap_or(w.s);
                entries.push(Entry {
                    id: 0,
                    kind: EntryKind::Compensatory,
                    cause: EntryCause::LongWorkException,
                    minutes: e.owed_minutes,
                    arose_at: start,
                    ends_at: start,
                    due: start.date(),
                    planned_rest_start: None,
                    planned_rest_end: None,
                    reason: None,
                    settled: Some(if e.honoured { Settled::Granted } else { Settled::Missed }),
                    intruding: Vec::new(),
                });
                r.exception = Some(e);
                Cause::Exception
            }
            (Some(p), None) if !test_window(&p.timeline, w.s, &w.rules).passes() => {
                r.severity = Severity::Info;
                Cause::Planned
            }
            _ if entries.iter().any(|e| {
                e.cause == EntryCause::RestIntrusion
                    && e.intruding
                        .iter()
                        .any(|iv| overlaps(*iv, (r.window_start, r.window_end)))
            }) =>
            {
                r.severity = Severity::Info;
                Cause::Compensated
            }
            _ => Cause::Unplanned,
        });
        actual.push(r);
    }
    entries.retain(|e| e.arose_at.date() >= cfg.rest_rules_from && e.arose_at.date() <= t);
    entries.sort_by_key(|e| (e.arose_at, e.ends_at, e.kind, e.cause as u8));
    for (k, e) in entries.iter_mut().enumerate() {
        e.id = k as i64 + 1;
    }
    RestResult {
        planned: planned.records,
        actual,
        entries,
    }
}

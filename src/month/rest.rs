//! Rest between shifts (rules §11) from what is stored: the roster in its
//! stored versions, the timecard, the permits, the 代償休息 grants and HR's
//! reasons, read for every doctor of a month with the month's other rows
//! ([`load`]) and put through the pure engine (`domain::rest`) with the
//! month's figures ([`compute`]).
//!
//! The ledger of a month as of T holds every debt still open at T, however
//! old, so the rows are read from `rest_rules_from` (less the days a
//! window's start looks back), not only the month's agreement year.

use super::ReportError;
use crate::db::comp_rest::{StoredGrant, StoredReason};
use crate::db::roster::RosterHistory;
use crate::db::{comp_rest, shifts, AnyConnection};
use crate::domain::count::{Interval, Schedule};
use crate::domain::hours::RuleConfig;
use crate::domain::permits::{permitted_for, Permit};
use crate::domain::profile::{Profile, RosterView};
use crate::domain::rest::{
    check, counts_as_work, ledger, with_counted_study, EntryCause, Grant, Ledger, LedgerInputs, Reason, RestDoctor,
    RestInputs, RestResult, Roster, RosterVersion, WindowRecord,
};
use crate::domain::row_status::StudyStatus;
use crate::domain::shift::{Kind, Shift};
use crate::domain::time::midnight;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use std::collections::HashMap;

/// How far before `rest_rules_from` rows are read: a window starting on
/// that day is found from the rows of the days before it (rules §11.4).
const LOOK_BACK_DAYS: i64 = 3;

/// What §11 needs of one doctor beyond the month's rows.
#[derive(Debug, Clone, Default)]
pub struct RestRows {
    /// The roster in its stored versions, from the first day read to two
    /// days after the month.
    pub history: RosterHistory,
    /// Timecard rows from the first day read up to where the month's rows
    /// ([`super::DoctorRows::timecard`]) begin.
    pub timecard_before: Vec<Shift>,
    /// The permit occurrences matching the doctor over the days read.
    pub permitted: Vec<Interval>,
    pub grants: Vec<StoredGrant>,
    pub reasons: Vec<StoredReason>,
}

/// The first day §11 rows are read from.
pub fn first_day(cfg: &RuleConfig) -> NaiveDate {
    cfg.rest.rest_rules_from - Duration::days(LOOK_BACK_DAYS)
}

/// What a month's read already covers: where its own timecard read starts,
/// the month's last day and the as-of date.
#[derive(Debug, Clone, Copy)]
pub struct Reach {
    pub timecard_from: NaiveDateTime,
    pub last_day: NaiveDate,
    pub t: NaiveDate,
}

/// The §11 rows of some doctors (all when `None`) for a month ending on
/// `reach.last_day` (plus two days of roster), as of `reach.t`; each
/// doctor's permitted intervals by their department in the register.
/// Nothing is read for a month that ends before `rest_rules_from`.
pub fn load(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    (departments, register): (&[(i64, Option<String>)], &[Permit]),
    reach: Reach,
    cfg: &RuleConfig,
) -> Result<HashMap<i64, RestRows>, ReportError> {
    let Reach {
        timecard_from,
        last_day,
        t,
    } = reach;
    let mut out: HashMap<i64, RestRows> = HashMap::new();
    if last_day < cfg.rest.rest_rules_from {
        return Ok(out);
    }
    let from = first_day(cfg);
    let to = last_day + Duration::days(2);
    if midnight(from) < timecard_from {
        for (doctor_id, shifts) in shifts::current_timecard(conn, doctor_ids, midnight(from), timecard_from)? {
            out.entry(doctor_id).or_default().timecard_before = shifts;
        }
    }
    let after_t = midnight(t + Duration::days(1));
    for (doctor_id, grants) in comp_rest::grants_of(conn, doctor_ids, after_t)? {
        out.entry(doctor_id).or_default().grants = grants;
    }
    for (doctor_id, reasons) in comp_rest::reasons_of(conn, doctor_ids)? {
        out.entry(doctor_id).or_default().reasons = reasons;
    }
    let mut by_department: HashMap<Option<String>, Vec<Interval>> = HashMap::new();
    for (id, department) in departments {
        out.entry(*id).or_default().permitted = by_department
            .entry(department.clone())
            .or_insert_with(|| permitted_for(register, department.as_deref(), from - Duration::days(1), to))
            .clone();
    }
    Ok(out)
}

/// The first day the roster's stored versions (rules §11.6) are read from
/// for a month ending on `last_day` ([`first_day`]; they run to two days
/// after the month); `None` for a month before `rest_rules_from`, which
/// needs none.
pub fn history_from(last_day: NaiveDate, cfg: &RuleConfig) -> Option<NaiveDate> {
    (last_day >= cfg.rest.rest_rules_from).then(|| first_day(cfg))
}

/// One doctor's §11 records and ledger as of a date.
#[derive(Debug, Clone)]
pub struct RestComputation {
    pub doctor: RestDoctor,
    pub result: RestResult,
    pub ledger: Ledger,
    /// The month (first and last day) and the as-of date it was computed for.
    pub month: (NaiveDate, NaiveDate),
    pub as_of: NaiveDate,
}

/// What [`compute`] reads of a doctor besides the rows.
pub struct Who<'a> {
    pub doctor: RestDoctor,
    pub profile: &'a Profile,
    /// The current roster (the schedule, rules §2.1) and the published
    /// 変形 rosters, for the schedule that decides confirmed self-study.
    pub schedule_roster: &'a RosterView,
    pub published: &'a [(NaiveDate, RosterView)],
    /// The month's timecard rows (those before them are in `rest`).
    pub timecard: &'a [Shift],
    /// `None`: the permits register is off.
    pub permits_on: bool,
}

/// The §11 records and ledger of one doctor for the month `(first, last)`
/// as of `t` (pure); `None` when §11 does not apply to the doctor (level A
/// with `rest_a_level_warnings = false`) or the month ends before
/// `rest_rules_from`.
pub fn compute(
    who: Who,
    rest: &RestRows,
    month: (NaiveDate, NaiveDate),
    t: NaiveDate,
    cfg: &RuleConfig,
) -> Option<RestComputation> {
    if month.1 < cfg.rest.rest_rules_from || !cfg.rest.applies_to(&who.doctor) {
        return None;
    }
    let mut timecard: Vec<Shift> = Vec::with_capacity(rest.timecard_before.len() + who.timecard.len());
    timecard.extend_from_slice(&rest.timecard_before);
    timecard.extend_from_slice(who.timecard);
    let confirmed = |rows: &[Shift]| {
        rows.iter()
            .any(|r| r.kind() == Kind::SelfStudy && r.study() == StudyStatus::Confirmed)
    };
    let any_confirmed = confirmed(&timecard) || rest.history.versions.iter().any(|(_, rows)| confirmed(rows));
    // The schedule decides only confirmed self-study (rules §2.3): built
    // when there is some.
    let inside: Vec<Interval> = if any_confirmed {
        Schedule::build(
            who.profile,
            who.schedule_roster,
            who.published,
            &cfg.scheduled_closed_dates,
            first_day(cfg),
            month.1.max(t) + Duration::days(2),
        )
        .merged()
    } else {
        Vec::new()
    };
    let study = |rows: &[Shift]| {
        if any_confirmed {
            with_counted_study(rows, &inside)
        } else {
            rows.to_vec()
        }
    };
    let timecard = study(&timecard);
    let roster = Roster::new(
        rest.history
            .versions
            .iter()
            .map(|(stored_at, rows)| RosterVersion {
                stored_at: *stored_at,
                rows: study(rows),
            })
            .collect(),
        rest.history.ranges.clone(),
    );
    let permitted = who.permits_on.then_some(rest.permitted.as_slice());
    let inputs = RestInputs {
        doctor: &who.doctor,
        roster: &roster,
        timecard: &timecard,
        permitted,
        counted_study: &counts_as_work,
        as_of: t,
    };
    let mut result = check(&inputs, &cfg.rest);
    for e in &mut result.entries {
        e.reason = rest
            .reasons
            .iter()
            .find(|r| r.arose_at == e.arose_at && EntryCause::parse(&r.cause) == Some(e.cause))
            .and_then(|r| Reason::parse(&r.reason));
    }
    let grants: Vec<Grant> = rest
        .grants
        .iter()
        .map(|g| Grant {
            id: g.id,
            start: g.start_at,
            end: g.end_at,
        })
        .collect();
    let closed = &cfg.scheduled_closed_dates;
    let profile = who.profile;
    let default_schedule =
        |d: NaiveDate| -> Vec<Interval> { profile.default_interval(d, closed.contains(&d)).into_iter().collect() };
    let ledger = ledger(&LedgerInputs {
        entries: &result.entries,
        grants: &grants,
        roster: &roster,
        timecard: &timecard,
        permitted,
        counted_study: &counts_as_work,
        default_schedule: &default_schedule,
        as_of: t,
        month,
    });
    Some(RestComputation {
        doctor: who.doctor,
        result,
        ledger,
        month,
        as_of: t,
    })
}

impl RestComputation {
    /// Whether a window starting at `s` is the month's as reported: its
    /// start date in the month, on or before the as-of date (formats.md R.8).
    pub fn reported(&self, s: NaiveDateTime) -> bool {
        self.month.0 <= s.date() && s.date() <= self.month.1.min(self.as_of)
    }

    /// The planned records of the month as reported (formats.md R.8).
    pub fn planned(&self) -> impl Iterator<Item = &WindowRecord> {
        self.result.planned.iter().filter(|r| self.reported(r.window_start))
    }

    /// The actual records of the month as reported (formats.md R.8).
    pub fn actual(&self) -> impl Iterator<Item = &WindowRecord> {
        self.result.actual.iter().filter(|r| self.reported(r.window_start))
    }

    /// Planned records `rest_short` or `exception_rest_short` of the month
    /// (formats.md R.7).
    pub fn planned_shortfalls(&self) -> usize {
        use crate::domain::rest::PlannedStatus;
        self.planned()
            .filter(|r| r.status != Some(PlannedStatus::Excepted))
            .count()
    }

    /// Actual records of the month with cause `no_roster` or `unplanned`,
    /// or an exception not honoured (formats.md R.7).
    pub fn actual_shortfalls(&self) -> usize {
        use crate::domain::rest::Cause;
        self.actual()
            .filter(|r| match r.cause {
                Some(Cause::NoRoster | Cause::Unplanned) => true,
                Some(Cause::Exception) => r.exception.as_ref().is_some_and(|e| !e.honoured),
                _ => false,
            })
            .count()
    }
}

//! 代償休息 given (rules §11.11) and the ledger (§11.12).

use super::super::interval::{intersect, merged, subtract, Interval};
use super::super::shift::{Kind, Shift};
use super::super::time::{ceil_minute, floor_minute, midnight, Minutes};
use super::timeline::{len, Timeline};
use super::{ser_instant, Entry, EntryCause, EntryKind, Reason, RestDoctor, Roster, Settled, Severity};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

/// A grant record as entered (rules §11.11): doctor's rest from `start` to
/// `end`, as written (ceiled and floored here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub id: i64,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

/// What the ledger of one doctor needs (rules §11.11, §11.12).
#[derive(Clone, Copy)]
pub struct LedgerInputs<'a> {
    /// The doctor's entries (stored); those arising after `as_of` are left out.
    pub entries: &'a [Entry],
    /// The doctor's grant records; those starting after `as_of` are ignored.
    pub grants: &'a [Grant],
    /// The roster in its stored versions (scheduled working time).
    pub roster: &'a Roster,
    /// The timecard (actual working intervals, permitted duty).
    pub timecard: &'a [Shift],
    /// The permit occurrences matching the doctor; `None`: register off.
    pub permitted: Option<&'a [Interval]>,
    /// Which `self_study` rows count as working time (§2.3).
    pub counted_study: &'a dyn Fn(&Shift) -> bool,
    /// The default scheduled hours of a date (§2.1), used for dates the
    /// roster does not cover.
    pub default_schedule: &'a dyn Fn(NaiveDate) -> Vec<Interval>,
    /// The as-of date T.
    pub as_of: NaiveDate,
    /// The month M (§6) of the month figures, first and last day.
    pub month: (NaiveDate, NaiveDate),
}

/// The status of an entry as of T (rules §11.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    Granted,
    GrantedLate,
    Overdue,
    PartlyGranted,
    Open,
    /// A `long_work_exception` whose following rest was too short.
    Missed,
}

/// An entry with its settlement as of T (rules §11.13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerEntry {
    pub id: i64,
    pub kind: EntryKind,
    pub cause: EntryCause,
    pub minutes: Minutes,
    #[serde(serialize_with = "ser_instant")]
    pub arose_at: NaiveDateTime,
    #[serde(serialize_with = "ser_instant")]
    pub ends_at: NaiveDateTime,
    pub due: NaiveDate,
    #[serde(serialize_with = "super::ser_opt_instant", skip_serializing_if = "Option::is_none")]
    pub planned_rest_start: Option<NaiveDateTime>,
    #[serde(serialize_with = "super::ser_opt_instant", skip_serializing_if = "Option::is_none")]
    pub planned_rest_end: Option<NaiveDateTime>,
    pub reason: Option<Reason>,
    pub granted_minutes: Minutes,
    pub granted_late_minutes: Minutes,
    pub open_minutes: Minutes,
    pub status: EntryStatus,
}

impl LedgerEntry {
    /// The overdue minutes as of T: open minutes past `due`, or the minutes
    /// of a missed `long_work_exception` (rules §11.12).
    pub fn overdue_minutes(&self) -> Minutes {
        match self.status {
            EntryStatus::Overdue | EntryStatus::Missed => self.open_minutes,
            _ => 0,
        }
    }

    /// The severity of its overdue minutes (rules §11.12): `compensatory`
    /// per level (§11.1), `consideration` a `warning`; `None` when nothing
    /// is overdue.
    pub fn overdue_severity(&self, doctor: &RestDoctor) -> Option<Severity> {
        (self.overdue_minutes() > 0).then(|| match self.kind {
            EntryKind::Compensatory => doctor.severity(),
            EntryKind::Consideration => Severity::Warning,
        })
    }
}

/// Minutes of a grant that paid one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Matched {
    pub entry: i64,
    pub minutes: Minutes,
}

/// A grant with its counted minutes and what they paid (rules §11.13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantRecord {
    pub id: i64,
    #[serde(serialize_with = "ser_instant")]
    pub start: NaiveDateTime,
    #[serde(serialize_with = "ser_instant")]
    pub end: NaiveDateTime,
    pub recorded_minutes: Minutes,
    pub counted_minutes: Minutes,
    pub not_counted_minutes: Minutes,
    pub matched: Vec<Matched>,
    pub unmatched_minutes: Minutes,
}

/// The month figures of rules §11.12 (formats.md R.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct RestMonthFigures {
    pub comp_rest_arose_minutes: Minutes,
    pub comp_rest_granted_minutes: Minutes,
    pub comp_rest_open_minutes: Minutes,
    pub comp_rest_overdue_minutes: Minutes,
    pub consideration_arose_minutes: Minutes,
    pub consideration_open_minutes: Minutes,
}

/// The ledger of one doctor as of T.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Ledger {
    pub entries: Vec<LedgerEntry>,
    pub grants: Vec<GrantRecord>,
    pub figures: RestMonthFigures,
}

/// The doctor's scheduled working time touching `[from, to)` (rules
/// §11.11): the `work` and `duty` rows of every stored version of a covered
/// date, the default scheduled hours of a date not covered.
fn scheduled(inputs: &LedgerInputs, from: NaiveDateTime, to: NaiveDateTime) -> Vec<Interval> {
    let mut out = Vec::new();
    let mut d = from.date() - Duration::days(2);
    while d <= to.date() {
        if inputs.roster.covers(d) {
            for v in inputs.roster.versions() {
                out.extend(
                    v.rows
                        .iter()
                        .filter(|r| r.start_date() == d && matches!(r.kind(), Kind::Work | Kind::Duty))
                        .map(|r| (r.rounded_start(), r.rounded_end())),
                );
            }
        } else {
            out.extend((inputs.default_schedule)(d));
        }
        d += Duration::days(1);
    }
    merged(out, true)
}

/// The ledger as of `inputs.as_of` (rules §11.11, §11.12).
pub fn ledger(inputs: &LedgerInputs) -> Ledger {
    let t = inputs.as_of;
    let data_end = midnight(t) + Duration::days(1);
    let rows: Vec<Shift> = inputs
        .timecard
        .iter()
        .filter(|r| r.start_date() <= t)
        .cloned()
        .collect();
    let tl = Timeline::build(&rows, inputs.permitted, inputs.counted_study);
    let mut blocked: Vec<Interval> = tl.working.iter().map(|w| w.interval()).collect();
    blocked.extend_from_slice(&tl.permitted);
    blocked.extend_from_slice(&tl.duty_permitted_rows);
    let blocked = merged(blocked, true);

    let mut entries: Vec<&Entry> = inputs.entries.iter().filter(|e| e.arose_at.date() <= t).collect();
    entries.sort_by_key(|e| (e.arose_at, e.id));
    // Paid minutes per entry: (on time, late).
    let mut paid: Vec<(Minutes, Minutes)> = vec![(0, 0); entries.len()];
    let mut order: Vec<usize> = (0..entries.len())
        .filter(|&k| entries[k].cause != EntryCause::LongWorkException)
        .collect();
    order.sort_by_key(|&k| (entries[k].due, entries[k].kind, entries[k].arose_at, entries[k].id));

    let mut grants: Vec<Grant> = inputs
        .grants
        .iter()
        .map(|g| Grant {
            id: g.id,
            start: ceil_minute(g.start),
            end: floor_minute(g.end),
        })
        .filter(|g| g.start.date() <= t)
        .collect();
    grants.sort_by_key(|g| (g.start, g.id));
    let mut figures = RestMonthFigures::default();
    let in_month = |d: NaiveDate| inputs.month.0 <= d && d <= inputs.month.1;
    let mut records = Vec::new();
    for g in &grants {
        let recorded = if g.end > g.start { len((g.start, g.end)) } else { 0 };
        let counted: Vec<Interval> = if g.end > g.start {
            let sched = intersect(&[(g.start, g.end.min(data_end))], &scheduled(inputs, g.start, g.end));
            subtract(&sched, &blocked)
        } else {
            Vec::new()
        };
        let counted_minutes: Minutes = counted.iter().map(|iv| len(*iv)).sum();
        let mut matched: Vec<Matched> = Vec::new();
        let mut unmatched = 0;
        for &(a, b) in &counted {
            let mut m = a;
            while m < b {
                let found = order.iter().copied().find(|&k| {
                    let e = entries[k];
                    e.minutes - paid[k].0 - paid[k].1 > 0 && e.ends_at <= m
                });
                match found {
                    Some(k) => {
                        let e = entries[k];
                        if m.date() <= e.due {
                            paid[k].0 += 1;
                        } else {
                            paid[k].1 += 1;
                        }
                        if e.kind == EntryKind::Compensatory && in_month(m.date()) {
                            figures.comp_rest_granted_minutes += 1;
                        }
                        match matched.iter_mut().find(|x| x.entry == e.id) {
                            Some(x) => x.minutes += 1,
                            None => matched.push(Matched {
                                entry: e.id,
                                minutes: 1,
                            }),
                        }
                    }
                    None => unmatched += 1,
                }
                m += Duration::minutes(1);
            }
        }
        records.push(GrantRecord {
            id: g.id,
            start: g.start,
            end: g.end,
            recorded_minutes: recorded,
            counted_minutes,
            not_counted_minutes: recorded - counted_minutes,
            matched,
            unmatched_minutes: unmatched,
        });
    }

    let mut out_entries = Vec::new();
    for (k, e) in entries.iter().enumerate() {
        let (granted, late) = paid[k];
        let (granted, late, open, status) = match e.settled {
            Some(Settled::Granted) if e.cause == EntryCause::LongWorkException => {
                (e.minutes, 0, 0, EntryStatus::Granted)
            }
            _ if e.cause == EntryCause::LongWorkException => (0, 0, e.minutes, EntryStatus::Missed),
            _ => {
                let open = e.minutes - granted - late;
                let status = if open <= 0 {
                    if late > 0 {
                        EntryStatus::GrantedLate
                    } else {
                        EntryStatus::Granted
                    }
                } else if t > e.due {
                    EntryStatus::Overdue
                } else if granted + late > 0 {
                    EntryStatus::PartlyGranted
                } else {
                    EntryStatus::Open
                };
                (granted, late, open.max(0), status)
            }
        };
        let le = LedgerEntry {
            id: e.id,
            kind: e.kind,
            cause: e.cause,
            minutes: e.minutes,
            arose_at: e.arose_at,
            ends_at: e.ends_at,
            due: e.due,
            planned_rest_start: e.planned_rest_start,
            planned_rest_end: e.planned_rest_end,
            reason: e.reason,
            granted_minutes: granted,
            granted_late_minutes: late,
            open_minutes: open,
            status,
        };
        let arose_in_month = in_month(e.arose_at.date());
        match e.kind {
            EntryKind::Compensatory => {
                if arose_in_month {
                    figures.comp_rest_arose_minutes += e.minutes;
                }
                figures.comp_rest_open_minutes += le.open_minutes;
                figures.comp_rest_overdue_minutes += le.overdue_minutes();
            }
            EntryKind::Consideration => {
                if arose_in_month {
                    figures.consideration_arose_minutes += e.minutes;
                }
                figures.consideration_open_minutes += le.open_minutes;
            }
        }
        out_entries.push(le);
    }
    out_entries.sort_by_key(|e| e.id);
    Ledger {
        entries: out_entries,
        grants: records,
        figures,
    }
}

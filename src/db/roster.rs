//! The roster (勤務予定) as the rules read it: now, or as it stood at an
//! instant (rules §2.1 coverage, §5a.2 the published schedule, readings
//! 10).
//!
//! A roster import replaces, for each doctor it names, the dates from the
//! doctor's first to last date in the file (`roster_ranges`); rows it no
//! longer has are withdrawn (`superseded_batch_id`), rows it repeats are
//! kept with their first import. So a row lives from its import to the
//! import that withdrew it, and the rows alive right after import k, on a
//! date k replaced, are k's plan for that date.
//!
//! The roster as it stood at instant I is then, date by date: among the
//! imports whose instant — `published_at` when the import stated one
//! (`--published-at`), else `imported_at` — is before I and whose range
//! covers the date, the latest by instant (then by import); its plan for
//! the date. A date no such import covers is not covered.

use super::models::NewRosterRange;
use super::schema::{import_batches, roster_ranges};
use super::shifts::{ReadError, Version};
use super::AnyConnection;
use crate::domain::profile::RosterView;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::QueryResult;
use std::collections::HashMap;

/// One import's range for one doctor, with the import's instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RosterRange {
    pub batch_id: i64,
    pub doctor_id: i64,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub imported_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

impl RosterRange {
    /// When the roster counts as stored (rules §5a.2).
    pub fn instant(&self) -> NaiveDateTime {
        self.published_at.unwrap_or(self.imported_at)
    }

    fn covers(&self, d: NaiveDate) -> bool {
        self.first_day <= d && d <= self.last_day
    }
}

pub fn insert_ranges(conn: &mut AnyConnection, ranges: &[NewRosterRange]) -> QueryResult<()> {
    // One by one: files of a few hundred rows, the same statement each time.
    for row in ranges {
        diesel::insert_into(roster_ranges::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// The roster ranges of some doctors (all when `None`) that touch
/// `[from, to]`, oldest import first.
pub fn ranges_between(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<RosterRange>> {
    let mut q = roster_ranges::table
        .inner_join(import_batches::table)
        .filter(roster_ranges::last_day.ge(from))
        .filter(roster_ranges::first_day.le(to))
        .select((
            roster_ranges::batch_id,
            roster_ranges::doctor_id,
            roster_ranges::first_day,
            roster_ranges::last_day,
            import_batches::imported_at,
            import_batches::published_at,
        ))
        .order((roster_ranges::batch_id, roster_ranges::doctor_id))
        .into_boxed::<super::MultiBackend>();
    if let Some(ids) = doctor_ids {
        q = q.filter(roster_ranges::doctor_id.eq_any(ids.to_vec()));
    }
    let rows: Vec<(i64, i64, NaiveDate, NaiveDate, NaiveDateTime, Option<NaiveDateTime>)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(batch_id, doctor_id, first_day, last_day, imported_at, published_at)| RosterRange {
                batch_id,
                doctor_id,
                first_day,
                last_day,
                imported_at,
                published_at,
            },
        )
        .collect())
}

/// The roster of some doctors (all when `None`) over the dates `[from,
/// to]` as it stood at `at` (see the module's documentation): the rows of
/// each date's latest import before `at`, and the dates such imports
/// covered, clipped to the window.
pub fn views_at(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    from: NaiveDate,
    to: NaiveDate,
    at: NaiveDateTime,
) -> Result<HashMap<i64, RosterView>, ReadError> {
    let mut ranges: HashMap<i64, Vec<RosterRange>> = HashMap::new();
    for r in ranges_between(conn, doctor_ids, from, to)? {
        if r.instant() < at {
            ranges.entry(r.doctor_id).or_default().push(r);
        }
    }
    let mut views: HashMap<i64, RosterView> = HashMap::new();
    // Which import's plan stands on each (doctor, date).
    let mut standing: HashMap<(i64, NaiveDate), RosterRange> = HashMap::new();
    for (doctor_id, rs) in &ranges {
        let view = views.entry(*doctor_id).or_default();
        let mut d = from;
        while d <= to {
            let latest = rs
                .iter()
                .filter(|r| r.covers(d))
                .max_by_key(|r| (r.instant(), r.batch_id));
            if let Some(r) = latest {
                standing.insert((*doctor_id, d), *r);
                push_range(view, d, d);
            }
            d += Duration::days(1);
        }
    }
    if standing.is_empty() {
        return Ok(views);
    }
    let ids: Vec<i64> = ranges.keys().copied().collect();
    for (doctor_id, versions) in every_version(conn, Some(&ids), from, to)? {
        for v in versions {
            let Some(k) = standing.get(&(doctor_id, v.shift.start_date())) else {
                continue;
            };
            if in_plan_of(k, &v) {
                views.entry(doctor_id).or_default().rows.push(v.shift);
            }
        }
    }
    for view in views.values_mut() {
        view.rows.sort_by_key(|s| (s.start(), s.end()));
    }
    Ok(views)
}

/// Adds `[a, b]` to the view's ranges, joining it to the last range when
/// they touch (the ranges come in date order per import).
fn push_range(view: &mut RosterView, a: NaiveDate, b: NaiveDate) {
    if a > b {
        return;
    }
    if let Some(last) = view.ranges.last_mut() {
        if last.0 <= a && a <= last.1 + Duration::days(1) {
            last.1 = last.1.max(b);
            return;
        }
    }
    view.ranges.push((a, b));
}

/// The starts of the dates `[from, to]`: `[00:00 of from, 00:00 after to)`.
fn window(from: NaiveDate, to: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    let start = crate::domain::time::midnight(from);
    (start, crate::domain::time::midnight(to) + Duration::days(1))
}

/// Every stored version of the doctors' roster rows (all doctors when
/// `None`) with a start on the dates `[from, to]`, by doctor, each
/// doctor's by start and id.
fn every_version(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<i64, Vec<Version>>, ReadError> {
    let (start, end) = window(from, to);
    super::shifts::roster_versions(conn, doctor_ids, start, end)
}

/// One doctor's roster over `[from, to]` in its stored versions (rules
/// §11.6): one version per distinct import instant, each the plan of every
/// date as it stood right after that instant — the latest import at or
/// before it covering the date, else (a date first covered later) the
/// earliest import covering it — and the dates any import covered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterHistory {
    pub versions: Vec<(NaiveDateTime, Vec<crate::domain::shift::Shift>)>,
    pub ranges: Vec<(NaiveDate, NaiveDate)>,
}

/// What a month's report reads of the roster, in one pass over the stored
/// rows: the current roster over `[view_from, to]` — the current rows
/// starting on those dates and the ranges of every roster import, clipped
/// to them — and, when `history_from` is given, the [`RosterHistory`] over
/// `[history_from, to]`. Doctors some part has nothing for are absent from
/// it.
pub struct RosterRead {
    pub views: HashMap<i64, RosterView>,
    pub histories: HashMap<i64, RosterHistory>,
}

/// Reads the [`RosterRead`] of some doctors (all when `None`).
pub fn current_and_histories(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    view_from: NaiveDate,
    history_from: Option<NaiveDate>,
    to: NaiveDate,
) -> Result<RosterRead, ReadError> {
    let from = history_from.map_or(view_from, |h| h.min(view_from));
    let ranges = ranges_between(conn, doctor_ids, from, to)?;
    let mut versions = every_version(conn, doctor_ids, from, to)?;
    let mut views: HashMap<i64, RosterView> = HashMap::new();
    for r in ranges.iter().filter(|r| r.last_day >= view_from) {
        push_range(
            views.entry(r.doctor_id).or_default(),
            r.first_day.max(view_from),
            r.last_day.min(to),
        );
    }
    for (doctor_id, vs) in &versions {
        let current = vs
            .iter()
            .filter(|v| v.is_current() && v.shift.start_date() >= view_from);
        for v in current {
            views.entry(*doctor_id).or_default().rows.push(v.shift.clone());
        }
    }
    let mut histories = HashMap::new();
    if let Some(hf) = history_from {
        let mut ranges_of: HashMap<i64, Vec<RosterRange>> = HashMap::new();
        for r in ranges.into_iter().filter(|r| r.last_day >= hf) {
            ranges_of.entry(r.doctor_id).or_default().push(r);
        }
        for (doctor_id, rs) in ranges_of {
            let mut of_doctor = versions.remove(&doctor_id).unwrap_or_default();
            of_doctor.retain(|v| v.shift.start_date() >= hf);
            histories.insert(doctor_id, history_of(&rs, &of_doctor, hf, to));
        }
    }
    Ok(RosterRead { views, histories })
}

/// Whether a stored row version was k's plan: stored by k or earlier and
/// not withdrawn by k (see [`views_at`]).
fn in_plan_of(k: &RosterRange, v: &Version) -> bool {
    let stored_by_then = v.batch.is_none_or(|b| b <= k.batch_id);
    let alive_after = match (v.withdrawn_by, v.withdrawn_at) {
        (Some(w), _) => w > k.batch_id,
        // Withdrawn by an import kinmu could not name (stored before
        // imports were recorded with the rows they withdrew): alive after k
        // when withdrawn later than k was made.
        (None, Some(when)) => when > k.imported_at,
        (None, None) => true,
    };
    stored_by_then && alive_after
}

fn history_of(rs: &[RosterRange], versions: &[Version], from: NaiveDate, to: NaiveDate) -> RosterHistory {
    let mut view = RosterView::default();
    let mut sorted: Vec<&RosterRange> = rs.iter().collect();
    sorted.sort_by_key(|r| (r.first_day, r.last_day));
    for r in sorted {
        push_range(&mut view, r.first_day.max(from), r.last_day.min(to));
    }
    let mut instants: Vec<NaiveDateTime> = rs.iter().map(RosterRange::instant).collect();
    instants.sort_unstable();
    instants.dedup();
    let mut out = RosterHistory {
        versions: Vec::with_capacity(instants.len()),
        ranges: view.ranges,
    };
    for at in instants {
        // Each date's standing import as of `at`.
        let mut standing: HashMap<NaiveDate, &RosterRange> = HashMap::new();
        let mut d = from;
        while d <= to {
            let covering = rs.iter().filter(|r| r.covers(d));
            let latest = covering
                .clone()
                .filter(|r| r.instant() <= at)
                .max_by_key(|r| (r.instant(), r.batch_id))
                .or_else(|| covering.min_by_key(|r| (r.instant(), r.batch_id)));
            if let Some(r) = latest {
                standing.insert(d, r);
            }
            d += Duration::days(1);
        }
        let mut rows = Vec::new();
        for v in versions {
            let Some(k) = standing.get(&v.shift.start_date()) else {
                continue;
            };
            if in_plan_of(k, v) {
                rows.push(v.shift.clone());
            }
        }
        rows.sort_by_key(|s| (s.start(), s.end()));
        out.versions.push((at, rows));
    }
    out
}

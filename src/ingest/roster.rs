//! Importing a roster (formats.md): the file's plan replaces each doctor's
//! current plan for the dates it covers; withdrawn rows are superseded, not
//! deleted, and counted as `superseded`.
//!
//! The same rule as a timecard re-export ([`super::period`]) — per doctor
//! named in the file, from its first to last date in the file, doctors
//! absent untouched — but simpler, as a plan has no versions: rows are
//! matched by their whole content, so a changed plan is a new row plus the
//! old one withdrawn (never a correction), and a roster takes no declared
//! period. Overlaps are checked within the file only: the file's plan
//! replaces the stored one.
//!
//! For the roster as it stood at an instant (rules §2.1, §5a.2; see
//! [`crate::db::roster`]) each import records, per doctor, the dates it
//! replaced, and each withdrawn row the import that withdrew it; an import
//! may state when the roster was published (`--published-at`). The
//! columns of rule book v2 are part of a row's content (a confirmation, an
//! employer, a 所定区分), and a self-confirmed row is refused as on a
//! timecard (rules §2.3).

use super::plan::{line_i32, Plan, Tx};
use super::shifts::{doctors, overlap_errors, resolve_rows, stored_around, Row};
use super::ImportRequest;
use crate::db::models::{NewRosterRange, NewRosterRow, ShiftExtras};
use crate::db::{queries, AnyConnection};
use crate::domain::shift::Shift;
use crate::import::{self, Lined, Rejections};
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::{HashMap, HashSet};

/// Roster rows: the file's plan replaces the doctor's current plan for the
/// dates it covers (from the doctor's first to last date in the file).
pub(super) fn roster(
    conn: &mut AnyConnection,
    rows: Vec<Lined<import::ShiftRecord>>,
    req: &ImportRequest,
    rejected: &mut Rejections,
) -> Result<Plan, Tx> {
    let known = doctors(conn)?;
    let super::shifts::Resolved { rows, duplicates, .. } = resolve_rows(rows, &known, rejected);
    let overlap = overlap_errors(&rows.iter().collect::<Vec<_>>(), &HashMap::new());
    let bad: HashSet<usize> = overlap.iter().map(|(l, _)| *l).collect();
    rejected.extend(overlap.into_iter().map(|(_, e)| e));
    let rows: Vec<Row> = rows.into_iter().filter(|r| !bad.contains(&r.line)).collect();

    let mut span: HashMap<i64, (NaiveDate, NaiveDate)> = HashMap::new();
    for r in &rows {
        let d = r.shift.start_date();
        let e = span.entry(r.doctor_id).or_insert((d, d));
        e.0 = e.0.min(d);
        e.1 = e.1.max(d);
    }
    let stored = stored_around(conn, &rows, |conn, ids, from, to| {
        queries::current_roster(conn, Some(ids), from, to).map(|v| v.into_iter().map(|s| (s, None)).collect())
    })?;
    let now = req.now;
    // What a row stores besides its times (confirmed_at, which defaults to
    // the import's time, is not part of what makes two plans the same).
    let extras = |r: &Row| {
        ShiftExtras::of(
            &r.shift,
            r.confirmation.as_ref().map(|c| (c.by.as_str(), c.at.unwrap_or(now))),
        )
    };
    // The stored plan of the covered dates, keyed by its full content.
    type Content = (i64, String, NaiveDateTime, NaiveDateTime, i64, ShiftKey);
    let content = |doctor_id: i64, s: &Shift, x: &ShiftExtras| -> Content {
        (
            doctor_id,
            s.kind().code().into(),
            s.start(),
            s.end(),
            s.break_minutes(),
            (
                x.study_status.clone(),
                x.confirmed_by.clone(),
                x.employer.clone(),
                x.schedule_class.clone(),
                x.interval_rule.clone(),
            ),
        )
    };
    let mut covered: HashMap<Content, i64> = HashMap::new();
    for (s, _) in &stored {
        let Some((from, to)) = span.get(&s.doctor_id) else {
            continue;
        };
        if (*from..=*to).contains(&s.start_at.date()) {
            covered.insert(content(s.doctor_id, &s.shift("roster_rows")?, &s.extras), s.id);
        }
    }
    let mut unchanged = duplicates;
    let mut inserts = Vec::new();
    for r in rows {
        let x = extras(&r);
        if covered.remove(&content(r.doctor_id, &r.shift, &x)).is_some() {
            unchanged += 1;
        } else {
            inserts.push((r, x));
        }
    }
    let withdrawn: Vec<i64> = covered.into_values().collect();
    let records = match req.published_at {
        Some(published) => publishes_news(conn, &span, published)?,
        None => false,
    };
    let mut ranges: Vec<(i64, (NaiveDate, NaiveDate))> = span.into_iter().collect();
    ranges.sort_unstable();
    Ok(Plan {
        inserted: inserts.len(),
        corrected: 0,
        superseded: withdrawn.len(),
        unchanged,
        records,
        write: Box::new(move |conn, batch_id| {
            queries::supersede_roster(conn, &withdrawn, now, batch_id)?;
            let rows: Vec<NewRosterRow> = inserts
                .into_iter()
                .map(|(r, extras)| NewRosterRow {
                    doctor_id: r.doctor_id,
                    kind: r.shift.kind().code().into(),
                    start_at: r.shift.start(),
                    end_at: r.shift.end(),
                    break_minutes: i32::try_from(r.shift.break_minutes()).unwrap_or(i32::MAX),
                    batch_id: Some(batch_id),
                    source_line: line_i32(r.line),
                    created_at: now,
                    extras,
                })
                .collect();
            queries::insert_roster_rows(conn, &rows)?;
            let ranges: Vec<NewRosterRange> = ranges
                .iter()
                .map(|&(doctor_id, (first_day, last_day))| NewRosterRange {
                    batch_id,
                    doctor_id,
                    first_day,
                    last_day,
                })
                .collect();
            crate::db::roster::insert_ranges(conn, &ranges)
        }),
    })
}

/// A plan's status, confirmer, employer, 所定区分 and interval rule, as
/// compared.
type ShiftKey = (String, Option<String>, Option<String>, String, Option<String>);

/// Whether a roster stated to be published at `published` tells something
/// the stored imports do not: on some date of its span, the roster as it
/// stood just after `published` comes from another import than today's plan
/// of that date (or no import covered the date then). Importing today's plan
/// again with its earlier publication time then changes the published
/// schedule although no row changes, and is recorded (rules §5a.2).
fn publishes_news(
    conn: &mut AnyConnection,
    span: &HashMap<i64, (NaiveDate, NaiveDate)>,
    published: NaiveDateTime,
) -> Result<bool, Tx> {
    let (Some(from), Some(to)) = (span.values().map(|s| s.0).min(), span.values().map(|s| s.1).max()) else {
        return Ok(false);
    };
    let mut ids: Vec<i64> = span.keys().copied().collect();
    ids.sort_unstable();
    let mut known: HashMap<i64, Vec<crate::db::roster::RosterRange>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for r in crate::db::roster::ranges_between(conn, Some(chunk), from, to)? {
            known.entry(r.doctor_id).or_default().push(r);
        }
    }
    let none = Vec::new();
    Ok(span.iter().any(|(doctor_id, (a, b))| {
        let ranges = known.get(doctor_id).unwrap_or(&none);
        a.iter_days().take_while(|d| d <= b).any(|d| {
            let covering = || ranges.iter().filter(move |r| r.first_day <= d && d <= r.last_day);
            // Today's plan of the date is the last import that covered it;
            // the published one, the latest by instant up to `published`.
            let today = covering().map(|r| r.batch_id).max();
            let then = covering()
                .filter(|r| r.instant() <= published)
                .max_by_key(|r| (r.instant(), r.batch_id))
                .map(|r| r.batch_id);
            then.is_none() || then != today
        })
    }))
}

//! What the re-check of changed months reads (issue 13): how far it got
//! (`recheck_marks`), the newest import batch, discrepancy and PC review resolution,
//! and what changed in between — the span of the rows each new batch wrote
//! or superseded (and the dates a roster import replaced, which are the
//! doctors' schedule under rule book v2), whether doctors or their other
//! employers were imported, and the days resolved.
//! Which months follow from that is `monitor::recheck`'s rule.

use super::schema::{
    discrepancy_resolutions, import_batches, pc_review_resolutions, pc_sessions, recheck_marks, roster_ranges,
    roster_rows, timecard_rows,
};
use super::AnyConnection;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{max, min};
use diesel::prelude::*;
use diesel::result::QueryResult;

/// The `source` of the import batches' mark.
pub const BATCHES: &str = "import_batches";
/// The `source` of the discrepancy resolutions' mark.
pub const RESOLUTIONS: &str = "discrepancy_resolutions";
/// The `source` of the PC review resolutions' mark (rules §9: a `work`
/// resolution adds working rows, a confirmation lowers the figures).
pub const REVIEWS: &str = "pc_review_resolutions";

/// Ids read up to: (import batches, discrepancy resolutions, PC review
/// resolutions).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    pub batches: i64,
    pub resolutions: i64,
    pub reviews: i64,
}

/// How far the last re-check read (0 for a source never read).
pub fn marks(conn: &mut AnyConnection) -> QueryResult<Marks> {
    let rows: Vec<(String, i64)> = recheck_marks::table
        .select((recheck_marks::source, recheck_marks::last_id))
        .load(conn)?;
    let of = |s: &str| rows.iter().find(|(k, _)| k == s).map_or(0, |(_, id)| *id);
    Ok(Marks {
        batches: of(BATCHES),
        resolutions: of(RESOLUTIONS),
        reviews: of(REVIEWS),
    })
}

/// The newest ids now.
pub fn newest(conn: &mut AnyConnection) -> QueryResult<Marks> {
    let batches: Option<i64> = import_batches::table.select(max(import_batches::id)).first(conn)?;
    let resolutions: Option<i64> = discrepancy_resolutions::table
        .select(max(discrepancy_resolutions::id))
        .first(conn)?;
    let reviews: Option<i64> = pc_review_resolutions::table
        .select(max(pc_review_resolutions::id))
        .first(conn)?;
    Ok(Marks {
        batches: batches.unwrap_or(0),
        resolutions: resolutions.unwrap_or(0),
        reviews: reviews.unwrap_or(0),
    })
}

/// Stores how far a re-check read. Run it in a write transaction.
pub fn set_marks(conn: &mut AnyConnection, to: Marks, now: NaiveDateTime) -> QueryResult<()> {
    for (source, id) in [
        (BATCHES, to.batches),
        (RESOLUTIONS, to.resolutions),
        (REVIEWS, to.reviews),
    ] {
        let updated = diesel::update(recheck_marks::table.filter(recheck_marks::source.eq(source)))
            .set((recheck_marks::last_id.eq(id), recheck_marks::checked_at.eq(now)))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(recheck_marks::table)
                .values((
                    recheck_marks::source.eq(source),
                    recheck_marks::last_id.eq(id),
                    recheck_marks::checked_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// What changed between two marks (after `from`, up to `to`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changed {
    /// From the first start to the last end of the rows each batch wrote or
    /// superseded (timecards, rosters, PC sessions), and the dates each
    /// roster import replaced.
    pub spans: Vec<(NaiveDateTime, NaiveDateTime)>,
    /// Whether a doctors list, the doctors' other employers or the permits
    /// register (rules §13) was imported: every month may change.
    pub doctors: bool,
    /// The days whose discrepancies or PC review items were resolved.
    pub days: Vec<NaiveDate>,
}

type Span = (Option<i64>, Option<NaiveDateTime>, Option<NaiveDateTime>);

/// What the batches and resolutions after `from`, up to `to`, changed.
pub fn changed(conn: &mut AnyConnection, from: Marks, to: Marks) -> QueryResult<Changed> {
    let mut out = Changed::default();
    let (lo, hi) = (from.batches, to.batches);
    if hi > lo {
        let written: Vec<Span> = timecard_rows::table
            .filter(timecard_rows::batch_id.gt(lo))
            .filter(timecard_rows::batch_id.le(hi))
            .group_by(timecard_rows::batch_id)
            .select((
                timecard_rows::batch_id,
                min(timecard_rows::start_at),
                max(timecard_rows::end_at),
            ))
            .load(conn)?;
        let superseded: Vec<Span> = timecard_rows::table
            .filter(timecard_rows::superseded_batch_id.gt(lo))
            .filter(timecard_rows::superseded_batch_id.le(hi))
            .group_by(timecard_rows::superseded_batch_id)
            .select((
                timecard_rows::superseded_batch_id,
                min(timecard_rows::start_at),
                max(timecard_rows::end_at),
            ))
            .load(conn)?;
        let planned: Vec<Span> = roster_rows::table
            .filter(roster_rows::batch_id.gt(lo))
            .filter(roster_rows::batch_id.le(hi))
            .group_by(roster_rows::batch_id)
            .select((
                roster_rows::batch_id,
                min(roster_rows::start_at),
                max(roster_rows::end_at),
            ))
            .load(conn)?;
        let sessions: Vec<Span> = pc_sessions::table
            .filter(pc_sessions::batch_id.gt(lo))
            .filter(pc_sessions::batch_id.le(hi))
            .group_by(pc_sessions::batch_id)
            .select((
                pc_sessions::batch_id,
                min(pc_sessions::logon_at),
                max(pc_sessions::logoff_at),
            ))
            .load(conn)?;
        let replaced: Vec<(Option<NaiveDate>, Option<NaiveDate>)> = roster_ranges::table
            .filter(roster_ranges::batch_id.gt(lo))
            .filter(roster_ranges::batch_id.le(hi))
            .group_by(roster_ranges::batch_id)
            .select((min(roster_ranges::first_day), max(roster_ranges::last_day)))
            .load(conn)?;
        out.spans = [written, superseded, planned, sessions]
            .into_iter()
            .flatten()
            .filter_map(|(_, a, b)| Some((a?, b?)))
            .chain(replaced.into_iter().filter_map(|(a, b)| {
                Some((
                    crate::domain::time::midnight(a?),
                    crate::domain::time::midnight(b?.succ_opt()?),
                ))
            }))
            .collect();
        out.doctors = import_batches::table
            .filter(import_batches::id.gt(lo))
            .filter(import_batches::id.le(hi))
            .filter(import_batches::kind.eq_any(["doctors", "employers", "permits", "comp_rest"]))
            .count()
            .get_result::<i64>(conn)?
            > 0;
    }
    if to.resolutions > from.resolutions {
        out.days = discrepancy_resolutions::table
            .filter(discrepancy_resolutions::id.gt(from.resolutions))
            .filter(discrepancy_resolutions::id.le(to.resolutions))
            .select(discrepancy_resolutions::day)
            .distinct()
            .load(conn)?;
    }
    if to.reviews > from.reviews {
        let days: Vec<NaiveDate> = pc_review_resolutions::table
            .filter(pc_review_resolutions::id.gt(from.reviews))
            .filter(pc_review_resolutions::id.le(to.reviews))
            .select(pc_review_resolutions::day)
            .distinct()
            .load(conn)?;
        out.days.extend(days);
    }
    Ok(out)
}

//! What the figures of a month rest on (issue 13 §4): for each source —
//! timecards, rosters, PC logs — up to which day it has been imported and
//! when, and whether the month has any of it. A month without timecards is
//! said to be one, so that 0:00 is never read as "no overtime".

use crate::db::freshness::{self as store, Stored};
use crate::db::AnyConnection;
use crate::domain::time::YearMonth;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

/// One source of working time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// `timecard`, `roster`, `pclog`.
    pub kind: &'static str,
    #[serde(skip)]
    pub label: (&'static str, &'static str),
    /// The day the latest stored row ends on.
    pub through: Option<NaiveDate>,
    /// When a file of this kind was last imported.
    pub imported_at: Option<NaiveDateTime>,
    /// Whether the month has rows of it.
    pub in_month: bool,
}

/// The month's sources, timecards first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Freshness {
    pub sources: Vec<Source>,
}

impl Freshness {
    /// Whether the month has no timecard rows at all: its figures are not
    /// zero hours, they are missing.
    pub fn no_timecards(&self) -> bool {
        self.sources.first().is_some_and(|s| !s.in_month)
    }
}

/// The sources of `month`.
pub fn of_month(conn: &mut AnyConnection, month: YearMonth) -> Result<Freshness, crate::db::DbError> {
    let from = month.first_day().and_hms_opt(0, 0, 0).unwrap_or_default();
    let to = month.next().first_day().and_hms_opt(0, 0, 0).unwrap_or_default();
    let [timecard, roster, pclog] = store::sources(conn, from, to)?;
    let source = |kind, label, s: Stored| Source {
        kind,
        label,
        through: s.latest.map(|t| t.date()),
        imported_at: s.imported_at,
        in_month: s.any_in_month,
    };
    Ok(Freshness {
        sources: vec![
            source("timecard", ("タイムカード", "Timecards"), timecard),
            source("roster", ("勤務予定", "Roster"), roster),
            source("pclog", ("PCログ", "PC logs"), pclog),
        ],
    })
}

//! Applying an import file to the database (formats.md, "What an import does
//! with bad input").
//!
//! A file is written all or nothing, in one transaction: every row is
//! checked first (parse errors, unknown doctors, duplicate keys, overlap with
//! the file's other rows and with stored rows), and if any row is invalid
//! nothing is written unless `skip_invalid` is set. Re-importing the same
//! file changes nothing. A timecard row with the same doctor, start and kind
//! as a stored one but other values is a correction: the new version is
//! stored and points at the old one, which is kept. Inside the period a
//! timecard file covers for each doctor it names, the file is the truth: a
//! moved clock-in is a correction too, and a stored row the file no longer
//! has is superseded ([`period`]).
//!
//! The steps, in the order a file travels: [`apply`] reads the file
//! (through its layout) and runs the write transaction (plan, then abort or
//! record the batch and write); a PC log is planned and written part by
//! part instead — block by block for kinmu's own layout — by [`stream`];
//! both end in [`outcome`] (the answer, the all-or-nothing decision, the
//! batch and the audit entry). [`plan`] is the vocabulary of the
//! kind-specific steps, and one file per kind decides what its rows do:
//! [`doctors`], [`timecard`] (corrections, and the period a re-export
//! replaces: [`period`]), [`roster`], [`pclog`], [`employers`], [`permits`] and
//! [`comp_rest`], the
//! shift kinds sharing the row resolution, self-confirmation and overlap
//! checks of [`shifts`].

mod apply;
mod comp_rest;
mod doctors;
mod employers;
mod outcome;
mod pclog;
mod period;
mod permits;
mod plan;
mod roster;
mod roster_file;
mod shifts;
mod stream;
mod timecard;
pub mod uploads;

pub use apply::{check, run, run_pclog_file};
pub use roster_file::{read_roster_file, FileRow, Refused, RosterFile};
/// The reasons an import writes on the timecard rows it corrects, confirms
/// or removes (`日本語 / English`).
pub use timecard::{CONFIRMED as TIMECARD_CONFIRMED, CORRECTED as TIMECARD_CORRECTED, REMOVED as TIMECARD_REMOVED};

use crate::db::models::CorruptRow;
use crate::db::DbError;
use crate::import::{FileError, ReasonCount, RowError};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// The largest file accepted (formats.md files of a large hospital's month
/// are a few MB; this leaves room for a year of PC logs).
pub const MAX_UPLOAD_BYTES: usize = 50 * 1024 * 1024;

/// Which kind of file is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Doctors,
    Timecard,
    Roster,
    Pclog,
    /// The doctors' other employers (formats.md C.3).
    Employers,
    /// The 宿日直許可 register (formats.md R.3).
    Permits,
    /// 代償休息 grants (formats.md R.4).
    CompRest,
}

impl ImportKind {
    /// Every kind, in the order of formats.md.
    pub const ALL: [ImportKind; 7] = [
        ImportKind::Doctors,
        ImportKind::Timecard,
        ImportKind::Roster,
        ImportKind::Pclog,
        ImportKind::Employers,
        ImportKind::Permits,
        ImportKind::CompRest,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Doctors => "doctors",
            ImportKind::Timecard => "timecard",
            ImportKind::Roster => "roster",
            ImportKind::Pclog => "pclog",
            ImportKind::Employers => "employers",
            ImportKind::Permits => "permits",
            ImportKind::CompRest => "comp_rest",
        }
    }
}

impl fmt::Display for ImportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for ImportKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "doctors" => Ok(ImportKind::Doctors),
            "timecard" => Ok(ImportKind::Timecard),
            "roster" => Ok(ImportKind::Roster),
            "pclog" => Ok(ImportKind::Pclog),
            "employers" => Ok(ImportKind::Employers),
            "permits" => Ok(ImportKind::Permits),
            // The command line's and the API path's spelling, and the code.
            "comp-rest" | "comp_rest" => Ok(ImportKind::CompRest),
            other => Err(format!(
                "不明な取込種別です: {other:?}（doctors, timecard, roster, pclog, employers, permits, comp-rest） / unknown import kind"
            )),
        }
    }
}

/// One import to run.
#[derive(Debug, Clone)]
pub struct ImportRequest<'a> {
    pub kind: ImportKind,
    pub bytes: &'a [u8],
    /// The file's name as uploaded, kept with the batch.
    pub file_name: &'a str,
    /// Write the valid rows even if some are rejected.
    pub skip_invalid: bool,
    /// The layout to read the file with; `None`: recognised from the header
    /// (a preset whose header is distinctive, else kinmu's own columns).
    pub layout: Option<&'a crate::import::layout::Layout>,
    /// The dates the file covers (inclusive), inside which a timecard file
    /// is the truth for the doctors it names; `None`: each doctor's first to
    /// last date in the file.
    /// Ignored by the other kinds (a roster always covers its own dates).
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// A roster: when it was published to the doctors, if before this
    /// import (`--published-at`, rules §5a.2); never after `now`. Ignored
    /// by the other kinds.
    pub published_at: Option<NaiveDateTime>,
    /// Who imports (a login), for the batch and the audit log.
    pub actor: Option<&'a str>,
    /// The hospital's local time now.
    pub now: NaiveDateTime,
}

/// The answer of an import (formats.md: one JSON object on stdout).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub kind: ImportKind,
    /// The layout the file was read with (`kinmu`, `jinjer-daily`, …, or a
    /// hospital's own layout's name).
    pub layout: String,
    pub inserted: usize,
    pub corrected: usize,
    /// Stored rows superseded with no new version: timecard rows a re-export
    /// of their period no longer has, a roster's withdrawn plans.
    pub superseded: usize,
    pub unchanged: usize,
    /// The problems found, by line: the first [`import::MAX_LISTED`](crate::import::MAX_LISTED) of them
    /// (a row with two bad cells has two entries).
    pub rejected: Vec<RowError>,
    /// Every problem found, listed or not.
    pub rejected_total: usize,
    /// The rows refused.
    pub rejected_rows: usize,
    /// Problems found but not listed in `rejected`.
    pub rejected_omitted: usize,
    /// Problems counted by kind of reason (column and English reason,
    /// numbers aside), each with its first reason and line.
    pub rejected_reasons: Vec<ReasonCount>,
    /// Rows kept but worth a person's look (a PC session whose end kinmu
    /// supplied, …), counted by kind of reason like `rejected_reasons`.
    pub notices: Vec<ReasonCount>,
    /// Every such row.
    pub notices_total: usize,
    pub ignored_columns: Vec<String>,
    /// Ignored columns beyond the 100 named in `ignored_columns`.
    #[serde(skip_serializing_if = "is_zero")]
    pub ignored_columns_omitted: usize,
    pub encoding: &'static str,
    /// Whether anything was written (false when rows were rejected and
    /// `skip_invalid` was not set, or when nothing changed).
    pub committed: bool,
    pub batch_id: Option<i64>,
}

/// Why an import failed as a whole. Japanese first, then English.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Corrupt(#[from] CorruptRow),
    #[error("ファイルを読めません: {0} / cannot read the file")]
    Read(String),
    /// What the import was asked cannot be done (nothing was read).
    #[error("{0}")]
    Request(String),
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        ImportError::Db(DbError::Query(e))
    }
}

/// A declared period (`--period FROM..TO`, the API's `period_from` and
/// `period_to`, the upload form's 対象期間): two dates `YYYY-MM-DD`, both
/// inclusive, the first not after the second.
pub fn parse_period(from: &str, to: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let date = |s: &str| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
            format!("対象期間の日付が読めません: {s:?}（YYYY-MM-DD） / unreadable period date (YYYY-MM-DD)")
        })
    };
    let (from, to) = (date(from)?, date(to)?);
    if from > to {
        return Err(format!(
            "対象期間の開始 {from} が終了 {to} より後です / the period starts after it ends"
        ));
    }
    Ok((from, to))
}

/// A roster's publication time (`--published-at`, the API's
/// `published_at`, the upload form's 公表日時): `YYYY-MM-DDTHH:MM` (also
/// with a space, or seconds).
pub fn parse_published_at(s: &str) -> Result<NaiveDateTime, String> {
    let s = s.trim();
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .ok_or_else(|| {
        format!("公表日時が読めません: {s:?}（YYYY-MM-DDTHH:MM） / unreadable published_at (YYYY-MM-DDTHH:MM)")
    })
}

/// Whether a publication time may go with an import of `kind` made at
/// `now`: rosters only, and not after the import (rules §5a.2).
pub fn check_published_at(
    kind: ImportKind,
    published_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<(), String> {
    match published_at {
        None => Ok(()),
        Some(_) if kind != ImportKind::Roster => {
            Err("公表日時は勤務予定の取込にだけ指定できます / published_at applies to roster imports only".into())
        }
        Some(p) if p > now => Err(format!(
            "公表日時 {} が取込の時刻 {} より後です / published_at is later than the import",
            p.format("%Y-%m-%dT%H:%M"),
            now.format("%Y-%m-%dT%H:%M")
        )),
        Some(_) => Ok(()),
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

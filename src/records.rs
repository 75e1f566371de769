//! Retention purge and legal holds (docs/rules.md §10, issue 5 part 1).
//!
//! [`purge`] deletes, in one write transaction, every record whose retention
//! has ended (see [`crate::domain::retention`]) and nothing else:
//!
//! - working-time rows — timecard rows including superseded versions, roster
//!   rows, PC sessions, discrepancy resolutions — 3 years after the end of
//!   their month;
//! - interviews, pre-checks, self-checks and measures once their own
//!   `retention_until` has passed (a record without one yet is never purged);
//! - never anything of a doctor under an active legal hold
//!   (`legal_holds.released_at IS NULL`).
//!
//! Foreign keys are respected: measures go before the interviews they refer
//! to (an interview still referenced by a kept measure is kept), and a
//! timecard row is kept while a kept correction points at it. The counts are
//! written to the audit log (category `purge`, operation `purge` or
//! `dry_run`). A dry run performs the same deletions and rolls them back, so
//! its counts are exactly those a real run would report. The queries are
//! [`crate::db::retention`]'s.

use crate::audit::append;
use crate::db::models::NewAuditEntry;
use crate::db::retention as db;
use crate::db::{write_transaction, AnyConnection, DbError};
use crate::domain::retention::WorkRetention;
use crate::domain::time::midnight;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::HashSet;

/// Rows per `DELETE … WHERE id IN (…)`.
const DELETE_CHUNK: usize = 500;

/// How many rows a purge removed (or, for a dry run, would remove).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    pub dry_run: bool,
    /// The day the purge ran as.
    pub today: NaiveDate,
    /// Working-time rows dated before this day had passed their retention.
    pub work_records_before: NaiveDate,
    pub timecard_rows: usize,
    pub roster_rows: usize,
    pub pc_sessions: usize,
    pub discrepancy_resolutions: usize,
    /// PC review resolutions (rules §9), working-time records like the
    /// discrepancy resolutions.
    pub pc_review_resolutions: usize,
    pub measures: usize,
    pub interviews: usize,
    pub prechecks: usize,
    pub self_checks: usize,
    /// Doctors whose records were kept because of an active legal hold.
    pub doctors_on_hold: usize,
}

impl PurgeReport {
    /// All rows removed.
    pub fn total(&self) -> usize {
        self.timecard_rows
            + self.roster_rows
            + self.pc_sessions
            + self.discrepancy_resolutions
            + self.pc_review_resolutions
            + self.measures
            + self.interviews
            + self.prechecks
            + self.self_checks
    }
}

/// Errors of legal-hold changes.
#[derive(Debug, thiserror::Error)]
pub enum HoldError {
    #[error("医師が見つかりません: {0} / no such doctor")]
    NoSuchDoctor(String),
    #[error("理由を入力してください / a reason is required")]
    NoReason,
    #[error("有効な訴訟ホールドがありません: {0} / no active legal hold")]
    NoActiveHold(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for HoldError {
    fn from(e: diesel::result::Error) -> Self {
        HoldError::Db(DbError::Query(e))
    }
}

/// Inside the purge transaction: a database error, or the dry run's report
/// carried out of a transaction that is rolled back on purpose.
enum Abort {
    Db(diesel::result::Error),
    DryRun(PurgeReport),
}

impl From<diesel::result::Error> for Abort {
    fn from(e: diesel::result::Error) -> Self {
        Abort::Db(e)
    }
}

/// Deletes every record whose retention ended before `today` (see the module
/// docs), or with `dry_run` only counts them; logs the counts to the audit log.
pub fn purge(
    conn: &mut AnyConnection,
    retention: &WorkRetention,
    today: NaiveDate,
    dry_run: bool,
    actor: Option<&str>,
    now: NaiveDateTime,
) -> Result<PurgeReport, DbError> {
    let result = write_transaction(conn, |conn| -> Result<PurgeReport, Abort> {
        let mut report = delete_expired(conn, retention, today)?;
        if report.total() > 0 {
            crate::db::bump_data_version(conn)?;
        }
        if dry_run {
            report.dry_run = true;
            return Err(Abort::DryRun(report));
        }
        log(conn, &report, actor, now)?;
        Ok(report)
    });
    match result {
        Ok(report) => Ok(report),
        Err(Abort::Db(e)) => Err(DbError::Query(e)),
        Err(Abort::DryRun(report)) => {
            write_transaction(conn, |conn| log(conn, &report, actor, now))?;
            Ok(report)
        }
    }
}

fn log(
    conn: &mut AnyConnection,
    report: &PurgeReport,
    actor: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), diesel::result::Error> {
    let detail = serde_json::to_string(report).unwrap_or_default();
    append(
        conn,
        &NewAuditEntry {
            at: now,
            actor: actor.map(str::to_string),
            category: crate::audit::Category::Purge.code().into(),
            operation: if report.dry_run { "dry_run" } else { "purge" }.into(),
            detail,
        },
    )
}

fn delete_expired(
    conn: &mut AnyConnection,
    retention: &WorkRetention,
    today: NaiveDate,
) -> Result<PurgeReport, diesel::result::Error> {
    let held = db::held_doctor_ids(conn)?;
    let kept_from = retention.kept_from(today);
    let cutoff = midnight(kept_from);
    let mut r = PurgeReport {
        dry_run: false,
        today,
        work_records_before: kept_from,
        doctors_on_hold: held.len(),
        ..PurgeReport::default()
    };

    r.timecard_rows = purge_timecard(conn, &held, cutoff)?;
    r.roster_rows = db::delete_roster_before(conn, &held, cutoff)?;
    r.pc_sessions = db::delete_pc_sessions_before(conn, &held, cutoff)?;
    (r.discrepancy_resolutions, r.pc_review_resolutions) = db::delete_resolutions_before(conn, &held, kept_from)?;

    // Measures before the interviews they refer to.
    r.measures = db::delete_expired_measures(conn, &held, today)?;
    let referenced: Vec<i64> = db::interviews_referenced_by_measures(conn)?
        .into_iter()
        .flatten()
        .collect();
    r.interviews = db::delete_expired_interviews(conn, &held, &referenced, today)?;
    r.prechecks = db::delete_expired_prechecks(conn, &held, today)?;
    r.self_checks = db::delete_expired_self_checks(conn, &held, today)?;
    Ok(r)
}

/// Timecard rows before `cutoff`, superseded versions included — except a
/// row that a kept row (a later correction) still points at through
/// `replaces_id`, and, following the chain, what that row points at.
fn purge_timecard(
    conn: &mut AnyConnection,
    held: &[i64],
    cutoff: NaiveDateTime,
) -> Result<usize, diesel::result::Error> {
    let expired = db::timecard_ids_before(conn, held, cutoff)?;
    delete_timecard_rows(conn, expired)
}

/// Deletes the timecard rows `expired`, except those a kept correction
/// still points at (see [`purge_timecard`]).
fn delete_timecard_rows(conn: &mut AnyConnection, expired: Vec<i64>) -> Result<usize, diesel::result::Error> {
    if expired.is_empty() {
        return Ok(0);
    }
    let links = db::timecard_replacements(conn)?;
    let mut deletable: HashSet<i64> = expired.into_iter().collect();
    loop {
        let pinned: Vec<i64> = links
            .iter()
            .filter(|(id, _)| !deletable.contains(id))
            .filter_map(|(_, replaces)| *replaces)
            .filter(|replaced| deletable.contains(replaced))
            .collect();
        if pinned.is_empty() {
            break;
        }
        for id in pinned {
            deletable.remove(&id);
        }
    }
    // A correction always has a larger id than the row it replaces: deleting
    // from the largest id down removes referencing rows first.
    let mut ids: Vec<i64> = deletable.into_iter().collect();
    ids.sort_unstable_by(|a, b| b.cmp(a));
    let mut deleted = 0;
    for chunk in ids.chunks(DELETE_CHUNK) {
        deleted += db::delete_timecard_rows_by_id(conn, chunk)?;
    }
    Ok(deleted)
}

/// Why a deletion asked for by a person is refused.
#[derive(Debug, thiserror::Error)]
pub enum DeleteError {
    #[error("医師が見つかりません: {0} / no such doctor")]
    NoSuchDoctor(String),
    #[error(
        "{month} の勤務記録は {until} まで保存が必要なため削除できません（勤務時間の記録は3年間保存） / the working-time records of {month} must be kept until {until}"
    )]
    StillRetained { month: String, until: NaiveDate },
    #[error("{0} の記録は訴訟ホールド中のため削除できません / the doctor's records are on legal hold")]
    OnHold(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for DeleteError {
    fn from(e: diesel::result::Error) -> Self {
        DeleteError::Db(DbError::Query(e))
    }
}

/// What a deletion of one doctor's working-time records removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeleteReport {
    pub staff_id: String,
    /// Records of this month and before were deleted.
    pub through: String,
    pub timecard_rows: usize,
    pub roster_rows: usize,
    pub pc_sessions: usize,
    pub discrepancy_resolutions: usize,
    pub pc_review_resolutions: usize,
}

/// Deletes one doctor's working-time records of `through` and earlier
/// months — only once their retention has ended (rules §10): asked for
/// earlier, or for a doctor on legal hold, it is refused with the date the
/// records must be kept until, and the refusal is logged. This is the only
/// way a person deletes records; everything else is [`purge`].
pub fn delete_work_records(
    conn: &mut AnyConnection,
    retention: &WorkRetention,
    staff_id: &str,
    through: crate::domain::time::YearMonth,
    today: NaiveDate,
    actor: Option<&str>,
    now: NaiveDateTime,
) -> Result<DeleteReport, DeleteError> {
    let until = retention.keep_until(through);
    write_transaction(conn, |conn| -> Result<Result<DeleteReport, DeleteError>, DeleteError> {
        let doctor_id =
            db::doctor_id_of(conn, staff_id)?.ok_or_else(|| DeleteError::NoSuchDoctor(staff_id.to_string()))?;
        let on_hold = db::holds_of(conn, doctor_id)?;
        let refusal = if on_hold > 0 {
            Some(DeleteError::OnHold(staff_id.to_string()))
        } else if !crate::domain::retention::has_expired(until, today) {
            Some(DeleteError::StillRetained {
                month: through.to_string(),
                until,
            })
        } else {
            None
        };
        if let Some(refusal) = refusal {
            let detail = serde_json::json!({
                "staff_id": staff_id,
                "through": through.to_string(),
                "reason": refusal.to_string(),
            });
            append(
                conn,
                &NewAuditEntry {
                    at: now,
                    actor: actor.map(str::to_string),
                    category: crate::audit::Category::Purge.code().into(),
                    operation: "delete_refused".into(),
                    detail: detail.to_string(),
                },
            )?;
            return Ok(Err(refusal));
        }
        crate::db::bump_data_version(conn)?;
        let first_kept = through.next().first_day();
        let cutoff = midnight(first_kept);
        let expired = db::timecard_ids_of_before(conn, doctor_id, cutoff)?;
        let (discrepancy_resolutions, pc_review_resolutions) =
            db::delete_resolutions_of_before(conn, doctor_id, first_kept)?;
        let r = DeleteReport {
            staff_id: staff_id.to_string(),
            through: through.to_string(),
            timecard_rows: delete_timecard_rows(conn, expired)?,
            roster_rows: db::delete_roster_of_before(conn, doctor_id, cutoff)?,
            pc_sessions: db::delete_pc_sessions_of_before(conn, doctor_id, cutoff)?,
            discrepancy_resolutions,
            pc_review_resolutions,
        };
        append(
            conn,
            &NewAuditEntry {
                at: now,
                actor: actor.map(str::to_string),
                category: crate::audit::Category::Purge.code().into(),
                operation: "delete".into(),
                detail: serde_json::to_string(&r).unwrap_or_default(),
            },
        )?;
        Ok(Ok(r))
    })?
}

/// Places a legal hold on a doctor's records: the purge keeps all of them
/// until the hold is released. Logged to the audit log.
pub fn place_hold(
    conn: &mut AnyConnection,
    staff_id: &str,
    reason: &str,
    actor: Option<&str>,
    now: NaiveDateTime,
) -> Result<i64, HoldError> {
    if reason.trim().is_empty() {
        return Err(HoldError::NoReason);
    }
    write_transaction(conn, |conn| -> Result<i64, HoldError> {
        let doctor_id = doctor_id(conn, staff_id)?;
        db::insert_hold(conn, doctor_id, reason.trim(), actor, now)?;
        let id: i64 = db::newest_hold_id(conn, doctor_id)?.unwrap_or_default();
        let detail = serde_json::json!({ "staff_id": staff_id, "hold_id": id, "reason": reason.trim() });
        audit(conn, "place_hold", &detail, actor, now)?;
        Ok(id)
    })
}

/// Releases every active legal hold of a doctor; returns how many.
pub fn release_hold(
    conn: &mut AnyConnection,
    staff_id: &str,
    actor: Option<&str>,
    now: NaiveDateTime,
) -> Result<usize, HoldError> {
    write_transaction(conn, |conn| -> Result<usize, HoldError> {
        let doctor_id = doctor_id(conn, staff_id)?;
        let n = db::release_holds_of(conn, doctor_id, now)?;
        if n == 0 {
            return Err(HoldError::NoActiveHold(staff_id.to_string()));
        }
        let detail = serde_json::json!({ "staff_id": staff_id, "released": n });
        audit(conn, "release_hold", &detail, actor, now)?;
        Ok(n)
    })
}

fn doctor_id(conn: &mut AnyConnection, staff_id: &str) -> Result<i64, HoldError> {
    db::doctor_id_of(conn, staff_id)?.ok_or_else(|| HoldError::NoSuchDoctor(staff_id.to_string()))
}

fn audit(
    conn: &mut AnyConnection,
    operation: &str,
    detail: &serde_json::Value,
    actor: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), diesel::result::Error> {
    append(
        conn,
        &NewAuditEntry {
            at: now,
            actor: actor.map(str::to_string),
            category: crate::audit::Category::LegalHold.code().into(),
            operation: operation.into(),
            detail: detail.to_string(),
        },
    )
}

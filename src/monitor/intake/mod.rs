//! The intake folder (issue 12 §5): the attendance system exports into
//! `intake_dir`, and this job imports each new file by itself — what makes
//! the daily check daily without anyone uploading.
//!
//! One run: the ready files of the folder (see [`files`] for what "ready"
//! means: settled, not hidden, not an unfinished download), in name order,
//! each claimed by a move into `processing/`, then given to
//! [`crate::ingest::run`] as an upload would be — all or nothing, as the user
//! [`ACTOR`] (`intake`) in the access log — with the kind and layout of the
//! first `intake_rules` rule its name matches. Then it is moved to `done/`
//! (imported, or nothing new) or `failed/` (no rule, unknown layout, too
//! large, unreadable, rows refused) as `YYYYMMDD-HHMMSS_NAME` with the
//! answer next to it (`….result.json`), logged, and for a failed file a
//! mail is queued to every active HR account with an address — through
//! the outbox, keyed by where the file now lies, so it is sent once — and
//! the outbox is flushed.
//!
//! Runs of one process never overlap (a second tick while one runs does
//! nothing); runs of several processes never take the same file (the
//! claim). A database failure stops the run and puts the file back, to be
//! taken again next time.

mod files;

pub use files::{is_ignored_name, is_settled};

use super::directory::Directory;
use super::mailer::Mailer;
use super::mails::{self, IntakeRejection};
use super::outbox::{self, MailKind, Topic};
use crate::config::{IntakeRule, Settings};
use crate::db::{write_transaction, AnyConnection, DbError};
use crate::ingest::{self, ImportError, ImportKind, ImportReport, ImportRequest, MAX_UPLOAD_BYTES};
use chrono::{NaiveDateTime, Timelike};
use serde::Serialize;
use std::path::Path;
use std::str::FromStr;
use std::sync::{Mutex, TryLockError};

/// Who imports the files of the intake folder (the access log, the batch).
pub const ACTOR: &str = "intake";

/// Held while a run of this process works.
static RUNNING: Mutex<()> = Mutex::new(());

/// What became of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Rows were written (moved to `done/`).
    Imported,
    /// Nothing new: every row was already stored (moved to `done/`).
    Unchanged,
    /// Nothing written (moved to `failed/`, HR mailed).
    Failed,
}

/// One file a run took.
#[derive(Debug, Clone, Serialize)]
pub struct IntakeFile {
    /// Its name as found (one printable line).
    pub file: String,
    /// Where it lies now, relative to the intake folder; `None` if it could
    /// not be moved out of `processing/`.
    pub stored_as: Option<String>,
    pub verdict: Verdict,
    /// The rule its name matched.
    pub rule: Option<String>,
    pub kind: Option<ImportKind>,
    pub layout: Option<String>,
    /// Why the file as a whole was refused.
    pub problem: Option<String>,
    pub inserted: usize,
    pub corrected: usize,
    pub unchanged: usize,
    pub rejected_rows: usize,
    pub batch_id: Option<i64>,
}

/// What one run did (`kinmu jobs intake` prints it).
#[derive(Debug, Clone, Default, Serialize)]
pub struct IntakeSummary {
    pub imported: usize,
    pub unchanged: usize,
    pub failed: usize,
    /// Files seen but not yet settled: taken by a later run.
    pub waiting: usize,
    /// Another run of this process was still working: this one did nothing.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub busy: bool,
    pub files: Vec<IntakeFile>,
    pub mails_queued: usize,
    pub alerts_sent: usize,
    pub alerts_failed: usize,
}

impl IntakeSummary {
    /// Nothing was taken (the scheduler logs such a run quietly).
    pub fn is_idle(&self) -> bool {
        self.files.is_empty()
    }
}

/// Why a run failed as a whole. Japanese first, then English.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("取込フォルダが設定されていません（intake_dir） / no intake folder is configured (intake_dir)")]
    NotConfigured,
    #[error("取込フォルダを読めません: {path}: {message} / cannot read the intake folder")]
    Folder { path: String, message: String },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for IntakeError {
    fn from(e: diesel::result::Error) -> Self {
        IntakeError::Db(DbError::Query(e))
    }
}

/// The words for a kind in the mail.
fn kind_label(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Doctors => "医師一覧",
        ImportKind::Timecard => "タイムカード",
        ImportKind::Roster => "勤務予定",
        ImportKind::Pclog => "PCログ",
        ImportKind::Employers => "他の勤務先",
        ImportKind::Permits => "宿日直許可",
        ImportKind::CompRest => "代償休息の付与",
    }
}

/// What trying one file gave.
struct Attempt<'s> {
    rule: Option<&'s IntakeRule>,
    kind: Option<ImportKind>,
    /// The import's answer, or why the file as a whole was refused.
    outcome: Result<ImportReport, String>,
}

/// Runs the intake once at `now` (the hospital's local time).
pub fn run(
    conn: &mut AnyConnection,
    settings: &Settings,
    mailer: &Mailer,
    now: NaiveDateTime,
) -> Result<IntakeSummary, IntakeError> {
    let Some(dir) = settings.intake.dir.as_deref() else {
        return Err(IntakeError::NotConfigured);
    };
    // Whole seconds: the mails queued now are due for the flush below,
    // whose clock has whole microseconds.
    let now = now.with_nanosecond(0).unwrap_or(now);
    let _running = match RUNNING.try_lock() {
        Ok(guard) => guard,
        Err(TryLockError::Poisoned(p)) => p.into_inner(),
        Err(TryLockError::WouldBlock) => {
            return Ok(IntakeSummary {
                busy: true,
                ..IntakeSummary::default()
            })
        }
    };
    // Files a run that died left in processing/ are imported again.
    match files::recover(dir, std::time::SystemTime::now(), files::RECOVER_AFTER) {
        Ok(back) => {
            for name in back {
                tracing::warn!(file = %mails::one_line(&name, 200), "intake: a file left in processing/ by an interrupted run is imported again");
            }
        }
        Err(e) => tracing::error!(error = %e, "intake: processing/ cannot be read"),
    }
    let scan = files::scan(dir, settings.intake.settle).map_err(|e| IntakeError::Folder {
        path: dir.display().to_string(),
        message: e.to_string(),
    })?;
    let mut summary = IntakeSummary {
        waiting: scan.waiting,
        ..IntakeSummary::default()
    };
    for ready in scan.ready {
        let raw_name = ready.name.to_string_lossy().into_owned();
        let shown = mails::one_line(&raw_name, 200);
        let claimed = match files::claim(dir, &ready.name, &raw_name) {
            Ok(Some(path)) => path,
            Ok(None) => continue,
            Err(e) => {
                tracing::error!(file = %shown, error = %e, "intake: the file cannot be moved to processing/; left in place");
                continue;
            }
        };
        let attempt = match try_file(conn, settings, &claimed, &raw_name, &shown, now) {
            Ok(a) => a,
            Err(e) => {
                // Not the file's fault: put it back for the next run.
                let back = dir.join(&ready.name);
                if !back.exists() {
                    let _ = std::fs::rename(&claimed, back);
                }
                return Err(e);
            }
        };
        let file = finish(conn, settings, dir, &claimed, &shown, attempt, now, &mut summary)?;
        match file.verdict {
            Verdict::Imported => summary.imported += 1,
            Verdict::Unchanged => summary.unchanged += 1,
            Verdict::Failed => summary.failed += 1,
        }
        summary.files.push(file);
    }
    if summary.mails_queued > 0 {
        let flushed = outbox::flush(conn, mailer, now, false)?;
        summary.alerts_sent = flushed.sent;
        summary.alerts_failed = flushed.failed;
    }
    Ok(summary)
}

/// Reads and imports one claimed file. `Err` only when the database failed.
fn try_file<'s>(
    conn: &mut AnyConnection,
    settings: &'s Settings,
    claimed: &Path,
    raw_name: &str,
    shown: &str,
    now: NaiveDateTime,
) -> Result<Attempt<'s>, IntakeError> {
    let rule = settings.intake.rules.iter().find(|r| r.matches(raw_name));
    let mut attempt = Attempt {
        rule,
        kind: None,
        outcome: Err(String::new()),
    };
    let Some(rule) = rule else {
        attempt.outcome = Err(
            "ファイル名から取込の種類を判別できません（どの取込ルールにも当てはまりません）。ファイル名を確かめるか、システム管理者に取込ルールの追加を頼んでください。 / the file name matches no intake rule"
                .into(),
        );
        return Ok(attempt);
    };
    let kind = match ImportKind::from_str(&rule.kind) {
        Ok(kind) => kind,
        Err(e) => {
            attempt.outcome = Err(e);
            return Ok(attempt);
        }
    };
    attempt.kind = Some(kind);
    let layout = match rule
        .layout
        .as_deref()
        .map(|spec| crate::layouts::resolve_spec(conn, spec))
        .transpose()
    {
        Ok(layout) => layout,
        Err(crate::layouts::Error::Db(e)) => return Err(e.into()),
        Err(e) => {
            attempt.outcome = Err(e.to_string());
            return Ok(attempt);
        }
    };
    let bytes = match files::read_capped(claimed, MAX_UPLOAD_BYTES) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(size)) => {
            let mb = |n: u64| n.div_ceil(1024 * 1024);
            attempt.outcome = Err(format!(
                "ファイルが大きすぎます（{} MB、上限 {} MB）。期間を分けて出力してください。 / the file is too large ({} MB, at most {} MB)",
                mb(size),
                mb(MAX_UPLOAD_BYTES as u64),
                mb(size),
                mb(MAX_UPLOAD_BYTES as u64)
            ));
            return Ok(attempt);
        }
        Err(e) => {
            attempt.outcome = Err(format!("ファイルを読めません: {e} / cannot read the file"));
            return Ok(attempt);
        }
    };
    let request = ImportRequest {
        kind,
        bytes: &bytes,
        file_name: shown,
        skip_invalid: false,
        layout: layout.as_ref(),
        period: None,
        published_at: None,
        actor: Some(ACTOR),
        now,
    };
    attempt.outcome = match ingest::run(conn, &request) {
        Ok(report) => Ok(report),
        Err(ImportError::File(e)) => Err(e.to_string()),
        Err(ImportError::Corrupt(e)) => Err(e.to_string()),
        Err(e @ (ImportError::Read(_) | ImportError::Request(_))) => Err(e.to_string()),
        Err(ImportError::Db(e)) => return Err(IntakeError::Db(e)),
    };
    Ok(attempt)
}

/// Moves a tried file to `done/` or `failed/` with its result, logs it and
/// mails HR about a failed one.
#[allow(clippy::too_many_arguments)]
fn finish(
    conn: &mut AnyConnection,
    settings: &Settings,
    dir: &Path,
    claimed: &Path,
    shown: &str,
    attempt: Attempt,
    now: NaiveDateTime,
    summary: &mut IntakeSummary,
) -> Result<IntakeFile, IntakeError> {
    let report = attempt.outcome.as_ref().ok();
    let problem = attempt.outcome.as_ref().err().cloned();
    let verdict = match report {
        Some(r) if r.rejected_total == 0 && r.committed => Verdict::Imported,
        Some(r) if r.rejected_total == 0 => Verdict::Unchanged,
        _ => Verdict::Failed,
    };
    let layout = attempt.rule.and_then(|r| r.layout.clone());
    let mut file = IntakeFile {
        file: shown.to_string(),
        stored_as: None,
        verdict,
        rule: attempt.rule.map(ToString::to_string),
        kind: attempt.kind,
        layout: layout.clone(),
        problem: problem.clone(),
        inserted: report.map_or(0, |r| r.inserted),
        corrected: report.map_or(0, |r| r.corrected),
        unchanged: report.map_or(0, |r| r.unchanged),
        rejected_rows: report.map_or(0, |r| r.rejected_rows),
        batch_id: report.and_then(|r| r.batch_id),
    };
    let result = serde_json::json!({
        "file": shown,
        "taken_at": now,
        "verdict": verdict,
        "rule": file.rule,
        "kind": file.kind,
        "layout": layout,
        "problem": problem,
        "report": report,
    });
    let result = serde_json::to_vec_pretty(&result).unwrap_or_default();
    let folder = match verdict {
        Verdict::Failed => files::FAILED,
        Verdict::Imported | Verdict::Unchanged => files::DONE,
    };
    let stamp = now.format("%Y%m%d-%H%M%S").to_string();
    match files::put_away(dir, claimed, folder, &stamp, shown, &result) {
        Ok(stored) => file.stored_as = Some(stored),
        Err(e) => {
            tracing::error!(file = %shown, error = %e, "intake: the file cannot be moved out of processing/");
        }
    }
    let stored = file.stored_as.clone().unwrap_or_else(|| {
        let claimed_name = claimed.file_name().map(|n| n.to_string_lossy().into_owned());
        format!("{}/{}", files::PROCESSING, claimed_name.unwrap_or_default())
    });
    if verdict != Verdict::Failed {
        tracing::info!(
            file = %shown,
            stored_as = %stored,
            kind = ?file.kind,
            inserted = file.inserted,
            corrected = file.corrected,
            unchanged = file.unchanged,
            "intake: file imported"
        );
        return Ok(file);
    }
    let first_reason = report
        .and_then(|r| r.rejected_reasons.first())
        .map(|g| mails::one_line(&g.reason, 200));
    tracing::warn!(
        file = %shown,
        stored_as = %stored,
        kind = ?file.kind,
        problem = ?problem.as_deref().map(|p| mails::one_line(p, 300)),
        rejected_rows = file.rejected_rows,
        first_reason = ?first_reason,
        "intake: file refused, nothing written"
    );
    let rejection = IntakeRejection {
        file: shown,
        stored_as: &stored,
        kind: attempt.kind.map(kind_label),
        layout: layout.as_deref(),
        taken_at: now,
        problem: problem.as_deref(),
        reasons: report.map(|r| r.rejected_reasons.as_slice()).unwrap_or_default(),
        rejected_rows: file.rejected_rows,
    };
    summary.mails_queued += mail_hr(conn, settings, &rejection, &stored, now)?;
    Ok(file)
}

/// Queues the mail about a refused file to every active HR account with
/// an address; answers how many were queued.
fn mail_hr(
    conn: &mut AnyConnection,
    settings: &Settings,
    rejection: &IntakeRejection,
    stored: &str,
    now: NaiveDateTime,
) -> Result<usize, IntakeError> {
    write_transaction(conn, |conn| {
        let directory = Directory::load(conn)?;
        let mut queued = 0;
        for hr in directory.hr() {
            let Some(to) = hr.email.as_deref() else { continue };
            let topic = Topic {
                reason: MailKind::IntakeRejected,
                doctor_id: None,
                month: Some(stored),
            };
            let mail = mails::intake_rejected(&settings.hospital_name, to, rejection, &settings.base_url);
            if outbox::enqueue(conn, &topic, mail, now)? {
                queued += 1;
            }
        }
        if directory.hr().is_empty() {
            tracing::warn!("intake: no active HR account to tell about the refused file");
        }
        Ok(queued)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::INTAKE_KINDS;

    #[test]
    fn every_kind_a_rule_may_name_is_an_import_kind_and_back() {
        for code in INTAKE_KINDS {
            let kind = ImportKind::from_str(code).unwrap();
            assert_eq!(kind.code(), code);
        }
        for kind in ImportKind::ALL {
            assert!(INTAKE_KINDS.contains(&kind.code()), "{kind}");
        }
    }
}

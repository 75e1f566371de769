//! 研鑽の確認 (rules §2.3): a doctor's self-study rows start unconfirmed;
//! their manager (所属長), HR or an admin confirms one (研鑽・労働時間外) or
//! rejects it (労働時間), with a reason. Never the doctor themself — not
//! even a manager whose own row it is.
//!
//! Rows are never edited (rules §10): a decision inserts a new version of
//! the row (`replaces_id`, `version + 1`) with the status, `confirmed_by`
//! (the login) and `confirmed_at` (now), and supersedes the old version
//! with the reason 「上司の確認」; the old version is kept. Every decision
//! is one write transaction with an audit-log entry, and bumps the data
//! version so cached reports refresh. Self-study inside the schedule counts
//! as work whatever the decision (§2.3); the list says so.

use crate::db::models::{CorruptRow, Doctor, NewAuditEntry, ShiftExtras};
use crate::db::queries;
use crate::db::{write_transaction, AnyConnection, DbError};
use crate::domain::discrepancy::{classify, PcClass, PcSession};
use crate::domain::profile::StudyStatus;
use crate::domain::shift::{Kind, Shift};
use crate::domain::time::{midnight, Minutes, YearMonth};
use crate::domain::RuleConfig;
use crate::policy::{self, Who};
use chrono::{Duration, NaiveDateTime};
use serde::Serialize;

/// The longest reason kept.
pub const MAX_REASON_CHARS: usize = 500;

/// Why the old version is superseded.
pub const SUPERSEDED_REASON: &str = "上司の確認 / confirmed by the manager";

/// What the confirmer decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// 確認: self-study, not working time (outside the schedule).
    Confirm,
    /// 却下: working time.
    Reject,
}

impl Decision {
    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "confirm" | "confirmed" => Some(Decision::Confirm),
            "reject" | "rejected" => Some(Decision::Reject),
            _ => None,
        }
    }
    pub fn status(self) -> StudyStatus {
        match self {
            Decision::Confirm => StudyStatus::Confirmed,
            Decision::Reject => StudyStatus::Rejected,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Decision::Confirm => "confirm",
            Decision::Reject => "reject",
        }
    }
}

/// One unconfirmed self-study row as the screen lists it.
#[derive(Debug, Clone, Serialize)]
pub struct PendingRow {
    pub id: i64,
    pub staff_id: String,
    pub name: String,
    pub department: String,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub minutes: Minutes,
    /// Its minutes inside the doctor's schedule (counted whatever the
    /// decision).
    pub inside_minutes: Minutes,
    /// The row is the viewer's own (they may not decide it).
    pub own: bool,
    /// The note or reason written with the row (a doctor's declaration:
    /// their note, `crate::declarations`).
    pub note: Option<String>,
}

impl PendingRow {
    /// Part of it lies inside the schedule (counted whatever the decision).
    pub fn is_inside(&self) -> bool {
        self.inside_minutes > 0
    }
}

/// Why a decision was refused. Japanese first, then English.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("理由を入力してください / a reason is required")]
    EmptyReason,
    #[error("理由は{MAX_REASON_CHARS}文字以内で入力してください / the reason is too long")]
    ReasonTooLong,
    #[error("行を選んでください / choose at least one row")]
    NoRows,
    #[error("行 {0} は未確認の自己研鑽の行ではありません（処理済みか、訂正されています） / row {0} is not an unconfirmed self-study row")]
    NotPending(i64),
    #[error("本人の自己研鑽は本人が確認できません（上司・人事が確認します） / a doctor may not confirm their own self-study")]
    Own,
    /// Not the doctor's manager, HR or an admin (the row does not exist for them).
    #[error("この医師の研鑽を確認する権限がありません / not allowed for this doctor")]
    NotAllowed,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Corrupt(#[from] CorruptRow),
    #[error(transparent)]
    Month(#[from] crate::month::ReportError),
}

impl From<diesel::result::Error> for DecideError {
    fn from(e: diesel::result::Error) -> Self {
        DecideError::Db(DbError::Query(e))
    }
}

impl DecideError {
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            DecideError::EmptyReason
                | DecideError::ReasonTooLong
                | DecideError::NoRows
                | DecideError::NotPending(_)
                | DecideError::Own
        )
    }
}

/// Whether `who` may decide on `doctor`'s self-study (the dashboard's rule:
/// HR and admin every doctor, a manager their own doctors).
pub fn may_decide(who: Who, doctor: &Doctor) -> bool {
    policy::sees_dashboard_line(who, doctor.into())
}

/// The person signed in, as a self-confirmation check compares them
/// (rules §2.3: a superior who is the doctor does not confirm, whatever the
/// role of the account they use): the account's login, name and e-mail.
#[derive(Debug, Clone, Default)]
pub struct Myself {
    /// The doctor record the account belongs to, if any.
    staff_id: Option<String>,
    spellings: Vec<String>,
}

impl Myself {
    pub fn of(conn: &mut AnyConnection, who: Who) -> diesel::QueryResult<Myself> {
        let user = crate::db::users::user_by_login(conn, who.login)?;
        let spellings = std::iter::once(who.login.to_string())
            .chain(user.iter().flat_map(|u| [u.name.clone(), u.email.clone()]).flatten())
            .collect();
        Ok(Myself {
            staff_id: who.staff_id.map(str::to_string),
            spellings,
        })
    }

    /// Whether the rows of `doctor` are this person's own: the doctor's
    /// account, or an account whose login, name or e-mail is a spelling of
    /// the doctor's staff id, name or e-mail (widths, spaces, case and
    /// invisible characters aside).
    pub fn is(&self, doctor: &Doctor) -> bool {
        let theirs = [doctor.staff_id.as_str(), doctor.name.as_str()]
            .into_iter()
            .chain(doctor.email.as_deref());
        self.staff_id.as_deref() == Some(doctor.staff_id.as_str())
            || crate::domain::identity::same_person(self.spellings.iter().map(String::as_str), theirs)
    }
}

/// The minutes of self-study row `shift` inside the doctor's schedule, by
/// the one coverage of a doctor's day (`month::coverage_of_day`): the
/// minutes the coverage does not class as self-study outside the schedule.
fn inside_minutes(
    conn: &mut AnyConnection,
    doctor: &Doctor,
    shift: &Shift,
    rules: &RuleConfig,
) -> Result<Minutes, DecideError> {
    let cov = crate::month::coverage_of_day(conn, doctor, std::slice::from_ref(shift), shift.start_date(), rules)?;
    let span = PcSession {
        logon: shift.rounded_start(),
        logoff: shift.rounded_end(),
    };
    let outside: Minutes = classify(&[span], &cov)
        .iter()
        .filter(|p| p.class == PcClass::PcDuringSelfStudy)
        .map(|p| (p.end - p.start).num_minutes())
        .sum();
    Ok((shift.minutes() - outside).max(0))
}

/// The month's unconfirmed self-study rows of the doctors `who` may decide on.
pub fn pending(
    conn: &mut AnyConnection,
    who: Who,
    month: YearMonth,
    rules: &RuleConfig,
) -> Result<Vec<PendingRow>, DecideError> {
    let doctors: Vec<Doctor> = queries::all_doctors(conn)?
        .into_iter()
        .filter(|d| may_decide(who, d))
        .collect();
    if doctors.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = doctors.iter().map(|d| d.id).collect();
    let me = Myself::of(conn, who)?;
    let from = midnight(month.first_day());
    let to = midnight(month.last_day() + Duration::days(1));
    let mut out = Vec::new();
    for (stored, _, note) in queries::current_timecard(conn, Some(&ids), from, to)? {
        let shift = stored.shift("timecard_rows")?;
        if shift.kind() != Kind::SelfStudy || shift.study() != StudyStatus::Unconfirmed {
            continue;
        }
        let Some(doctor) = doctors.iter().find(|d| d.id == stored.doctor_id) else {
            continue;
        };
        out.push(PendingRow {
            id: stored.id,
            staff_id: doctor.staff_id.clone(),
            name: doctor.name.clone(),
            department: doctor.department.clone().unwrap_or_default(),
            start: shift.start(),
            end: shift.end(),
            minutes: shift.minutes(),
            inside_minutes: inside_minutes(conn, doctor, &shift, rules)?,
            own: me.is(doctor),
            // The marker of a declaration made without a note says nothing
            // the list does not.
            note: note.filter(|n| n != crate::declarations::DECLARED),
        });
    }
    out.sort_by(|a, b| (&a.staff_id, a.start).cmp(&(&b.staff_id, b.start)));
    Ok(out)
}

/// How many months before the one shown [`pending_earlier`] looks at.
pub const EARLIER_MONTHS: u32 = 12;

/// The months before `month` (the [`EARLIER_MONTHS`] before it) that still
/// have unconfirmed self-study rows of the doctors `who` may decide on,
/// newest first, with how many: counted as work until decided (§2.3), they
/// are easy to miss once the month has passed.
pub fn pending_earlier(
    conn: &mut AnyConnection,
    who: Who,
    month: YearMonth,
) -> Result<Vec<(YearMonth, usize)>, DecideError> {
    let ids: Vec<i64> = queries::all_doctors(conn)?
        .into_iter()
        .filter(|d| may_decide(who, d))
        .map(|d| d.id)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let first = (0..EARLIER_MONTHS).fold(month, |m, _| m.previous());
    let mut counts: std::collections::BTreeMap<YearMonth, usize> = std::collections::BTreeMap::new();
    for (stored, _, _) in queries::current_timecard(
        conn,
        Some(&ids),
        midnight(first.first_day()),
        midnight(month.first_day()),
    )? {
        let shift = stored.shift("timecard_rows")?;
        if shift.kind() == Kind::SelfStudy && shift.study() == StudyStatus::Unconfirmed {
            *counts.entry(YearMonth::of(shift.start_date())).or_default() += 1;
        }
    }
    Ok(counts.into_iter().rev().collect())
}

/// A decision on one or more rows.
#[derive(Debug, Clone)]
pub struct DecideRequest<'a> {
    pub row_ids: &'a [i64],
    pub decision: Decision,
    pub reason: &'a str,
    pub who: Who<'a>,
    /// The hospital's local time now.
    pub now: NaiveDateTime,
}

/// One row decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecidedRow {
    pub old_id: i64,
    pub staff_id: String,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub minutes: Minutes,
}

/// A row checked for a decision: its doctor, the stored row, its version
/// and import batch.
pub type CheckedRow = (Doctor, crate::db::models::StoredShift, i32, Option<i64>);

/// The rows of `ids` as they stand, each checked: current, unconfirmed
/// self-study, of a doctor `who` may decide on, not `who`'s own. All or
/// nothing.
pub fn check_rows(conn: &mut AnyConnection, who: Who, ids: &[i64]) -> Result<Vec<CheckedRow>, DecideError> {
    if ids.is_empty() {
        return Err(DecideError::NoRows);
    }
    let me = Myself::of(conn, who)?;
    let mut out = Vec::new();
    for &id in ids {
        let (doctor_id, start) =
            crate::db::self_study::current_row_head(conn, id)?.ok_or(DecideError::NotPending(id))?;
        let doctor = queries::all_doctors(conn)?
            .into_iter()
            .find(|d| d.id == doctor_id)
            .ok_or(DecideError::NotPending(id))?;
        if !may_decide(who, &doctor) {
            return Err(DecideError::NotAllowed);
        }
        if me.is(&doctor) {
            return Err(DecideError::Own);
        }
        let (stored, version, batch) =
            queries::current_timecard_batches(conn, Some(&[doctor_id]), start, start + Duration::minutes(1))?
                .into_iter()
                .find(|(s, _, _)| s.id == id)
                .ok_or(DecideError::NotPending(id))?;
        let shift = stored.shift("timecard_rows")?;
        if shift.kind() != Kind::SelfStudy || shift.study() != StudyStatus::Unconfirmed {
            return Err(DecideError::NotPending(id));
        }
        if !out.iter().any(|(_, s, _, _): &CheckedRow| s.id == id) {
            out.push((doctor, stored, version, batch));
        }
    }
    Ok(out)
}

/// Records the decision on every row of the request (all or nothing).
pub fn decide(conn: &mut AnyConnection, req: &DecideRequest) -> Result<Vec<DecidedRow>, DecideError> {
    let reason = req.reason.trim();
    if reason.is_empty() {
        return Err(DecideError::EmptyReason);
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(DecideError::ReasonTooLong);
    }
    write_transaction(conn, |conn| {
        let rows = check_rows(conn, req.who, req.row_ids)?;
        crate::db::bump_data_version(conn)?;
        let mut done = Vec::new();
        for (doctor, stored, version, batch) in rows {
            done.push(record_status::<DecideError>(
                conn,
                &doctor,
                &stored,
                (version, batch),
                req.decision,
                reason,
                (req.who.login, req.now),
            )?);
        }
        tracing::info!(rows = done.len(), decision = req.decision.code(), "self-study decided");
        Ok(done)
    })
}

/// Writes one decision on a current self-study row: the old version
/// superseded, a new one with `decision`'s status, `confirmed_by` and
/// `confirmed_at` (`by`), and an audit-log entry. The caller has checked
/// the row and who decides, and holds the write transaction. Also the
/// `self_study_confirmed` resolution of a PC review item (rules §9).
pub fn record_status<E>(
    conn: &mut AnyConnection,
    doctor: &Doctor,
    stored: &crate::db::models::StoredShift,
    (version, batch): (i32, Option<i64>),
    decision: Decision,
    reason: &str,
    (login, now): (&str, NaiveDateTime),
) -> Result<DecidedRow, E>
where
    E: From<CorruptRow> + From<diesel::result::Error>,
{
    let shift = stored.shift("timecard_rows")?.with_study(decision.status());
    let mut extras = ShiftExtras::of(&shift, Some((login, now)));
    extras.employer = stored.extras.employer.clone();
    extras.schedule_class = stored.extras.schedule_class.clone();
    extras.interval_rule = stored.extras.interval_rule.clone();
    crate::corrections::replace_row(
        conn,
        (stored, version, batch),
        Some((&shift, extras)),
        SUPERSEDED_REASON,
        &crate::corrections::Writer { login, at: now, reason },
    )?;
    crate::audit::append(
        conn,
        &NewAuditEntry {
            at: now,
            actor: Some(login.to_string()),
            category: crate::audit::Category::Change.code().into(),
            operation: format!("self_study_{}", decision.code()),
            detail: serde_json::json!({
                "staff_id": doctor.staff_id,
                "row_id": stored.id,
                "start": stored.start_at.format("%Y-%m-%d %H:%M").to_string(),
                "end": stored.end_at.format("%Y-%m-%d %H:%M").to_string(),
                "status": decision.status().code(),
                "reason": reason,
            })
            .to_string(),
        },
    )?;
    Ok(DecidedRow {
        old_id: stored.id,
        staff_id: doctor.staff_id.clone(),
        start: stored.start_at,
        end: stored.end_at,
        minutes: shift.minutes(),
    })
}

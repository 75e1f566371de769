//! Resolving discrepancies (乖離, rules §9): HR decides what a day's PC use
//! outside the timecard was — work (勤務), self-study (自己研鑽) or not work
//! (勤務外) — and gives a reason.
//!
//! The rule implemented here:
//! - The day must be a discrepancy now (its uncovered PC minutes, computed
//!   exactly as the monthly report does, are over `discrepancy_minutes`),
//!   and not yet resolved: a day is resolved once (unique per doctor and
//!   day; a second attempt is refused with the first decision named).
//! - **work** adds `work` timecard rows covering exactly the uncovered PC
//!   time of that day (`domain::discrepancy::uncovered`, the function the
//!   report counts with: the PC time, each minute once, minus every current
//!   timecard row of any kind, on the rounded times of rules §1). Records are never
//!   changed in place (rules §10): a PC session running on past clock-out
//!   gets a separate row starting at the clock-out, never a longer version
//!   of the clocked row. Such a row is new information, not a new version
//!   of a stored one, so it is version 1 with no `replaces_id`; it is
//!   recorded as a correction by its `correction_reason` (HR's reason) and
//!   `created_by` (HR's login), with no import batch. Since the intervals
//!   are what no row covers, they cannot overlap a working row; this is
//!   checked again before writing all the same.
//! - **self_study** adds `self_study` rows the same way (shown separately,
//!   never working time — rules §2), so the day no longer shows as PC use
//!   outside any record.
//! - **not_work** adds no row.
//!
//! In every case one `discrepancy_resolutions` row and one audit-log entry
//! are written (through [`crate::db::discrepancies`]), all in one write
//! transaction. The report then counts the
//! day as resolved; only `work` changes the hours.

use crate::db::discrepancies::{insert_resolution, resolution_of_day, NewResolution};
use crate::db::models::{CorruptRow, NewAuditEntry, NewTimecardRow, StoredPcSession};
use crate::db::{queries, write_transaction, AnyConnection, DbError};
use crate::domain::discrepancy::{uncovered, PcSession, Uncovered};
use crate::domain::shift::{Kind, Shift};
use crate::domain::text::Label;
use crate::domain::time::{midnight, Minutes};
use crate::domain::RuleConfig;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

/// The resolutions as the queue lists them: stored and read in
/// [`crate::db::discrepancies`], named here where the callers look.
pub use crate::db::discrepancies::{resolutions_of_month, ResolutionRecord};

/// The code of a review item's `self_study_confirmed` resolution
/// (`crate::pc_reviews::ReviewResolution`), recorded with a day resolved
/// as self-study.
pub const SELF_STUDY_CONFIRMED: &str = "self_study_confirmed";

/// The longest reason kept (a sentence or two, not a document).
pub const MAX_REASON_CHARS: usize = 500;

/// What HR decided a discrepancy day was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// 勤務: the uncovered PC time was working time.
    Work,
    /// 自己研鑽: self-study, not working time.
    SelfStudy,
    /// 勤務外: not work (e.g. a PC left logged on), nothing is added.
    NotWork,
}

impl Resolution {
    /// The stable code stored in `discrepancy_resolutions.resolution`.
    pub fn code(self) -> &'static str {
        match self {
            Resolution::Work => "work",
            Resolution::SelfStudy => "self_study",
            Resolution::NotWork => "not_work",
        }
    }

    pub fn parse(s: &str) -> Option<Resolution> {
        match s {
            "work" => Some(Resolution::Work),
            "self_study" => Some(Resolution::SelfStudy),
            "not_work" => Some(Resolution::NotWork),
            _ => None,
        }
    }

    /// The one label table of resolutions (screens, access log, print).
    pub fn label(self) -> Label {
        match self {
            Resolution::Work => Label::new("労働時間", "work"),
            Resolution::SelfStudy => Label::new("自己研鑽", "self-study"),
            Resolution::NotWork => Label::new("労働時間外", "not work"),
        }
    }

    pub fn label_ja(self) -> &'static str {
        self.label().ja
    }

    pub fn label_en(self) -> &'static str {
        self.label().en
    }

    /// The kind of the rows this resolution adds, if any.
    fn kind(self) -> Option<Kind> {
        match self {
            Resolution::Work => Some(Kind::Work),
            Resolution::SelfStudy => Some(Kind::SelfStudy),
            Resolution::NotWork => None,
        }
    }
}

/// One resolution to record.
#[derive(Debug, Clone)]
pub struct ResolveRequest<'a> {
    pub staff_id: &'a str,
    pub day: NaiveDate,
    pub resolution: Resolution,
    /// Required: why HR decided so (kept with the rows and the audit log).
    pub reason: &'a str,
    /// HR's login.
    pub actor: &'a str,
    /// The hospital's local time now.
    pub now: NaiveDateTime,
    pub rules: &'a RuleConfig,
}

/// What a resolution wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolved {
    pub staff_id: String,
    pub day: NaiveDate,
    pub resolution: Resolution,
    /// The day's uncovered minutes as the report counts them.
    pub uncovered_minutes: Minutes,
    /// The rows added (start, end), empty for `not_work`.
    pub added: Vec<(NaiveDateTime, NaiveDateTime)>,
}

/// Why a resolution was refused. Japanese first, then English.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("職員番号 {0:?} の医師が登録されていません / unknown doctor")]
    UnknownDoctor(String),
    #[error("理由を入力してください / a reason is required")]
    EmptyReason,
    #[error("理由は{MAX_REASON_CHARS}文字以内で入力してください / the reason is too long")]
    ReasonTooLong,
    #[error("{staff_id} の {day} は乖離ではありません（未打刻のPC使用 {uncovered}分、基準 {threshold}分超） / not a discrepancy day")]
    NotADiscrepancy {
        staff_id: String,
        day: NaiveDate,
        uncovered: Minutes,
        threshold: Minutes,
    },
    /// `earlier` names the first decision and who made it, when known.
    #[error("{staff_id} の {day} の乖離は処理済みです{earlier} / this discrepancy is already resolved")]
    AlreadyResolved {
        staff_id: String,
        day: NaiveDate,
        earlier: String,
    },
    #[error("{staff_id} の {day} の「{kind_ja}」は確認項目ではありません（{minutes}分、基準 {threshold}分超） / not a PC review item")]
    NotAReviewItem {
        staff_id: String,
        day: NaiveDate,
        kind_ja: &'static str,
        minutes: Minutes,
        threshold: Minutes,
    },
    #[error("「{resolution_ja}」は「{kind_ja}」の確認項目には選べません / this resolution is not allowed for this kind of review item")]
    NotForKind {
        resolution_ja: &'static str,
        kind_ja: &'static str,
    },
    #[error("{staff_id} の {day} の「{kind_ja}」は処理済みです{earlier} / this review item is already resolved")]
    ReviewAlreadyResolved {
        staff_id: String,
        day: NaiveDate,
        kind_ja: &'static str,
        earlier: String,
    },
    #[error(
        "本人のPC使用は本人が処理できません（上司・人事が処理します） / a doctor may not resolve their own review item"
    )]
    Own,
    #[error("この医師の確認項目を処理する権限がありません / not allowed for this doctor")]
    NotAllowed,
    #[error("未打刻のPC使用（{start} → {end}）が48時間を超えるため、1行として登録できません。勤務外として処理するか、タイムカードを取り込んでください / the uncovered PC time is longer than 48 h")]
    TooLong { start: NaiveDateTime, end: NaiveDateTime },
    #[error("追加する行が登録済みの勤務と重なります（{0}） / the new row would overlap a working row")]
    Overlap(String),
    /// A day out of range (domain::input).
    #[error("{0}")]
    Input(#[from] crate::domain::input::InputError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Corrupt(#[from] CorruptRow),
    #[error(transparent)]
    Month(#[from] crate::month::ReportError),
}

impl From<diesel::result::Error> for ResolveError {
    fn from(e: diesel::result::Error) -> Self {
        ResolveError::Db(DbError::Query(e))
    }
}

impl ResolveError {
    /// Whether the request itself was at fault (shown to HR), rather than
    /// the database.
    pub fn is_user_error(&self) -> bool {
        !matches!(self, ResolveError::Db(_) | ResolveError::Corrupt(_))
    }

    /// Whether the day (or review item) was already resolved (HTTP 409).
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            ResolveError::AlreadyResolved { .. } | ResolveError::ReviewAlreadyResolved { .. }
        )
    }

    /// Whether the user may not resolve for this doctor (HTTP 403).
    pub fn is_forbidden(&self) -> bool {
        matches!(self, ResolveError::Own | ResolveError::NotAllowed)
    }
}

/// The reason of a resolution, trimmed: required, and not too long.
pub fn checked_reason(reason: &str) -> Result<&str, ResolveError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ResolveError::EmptyReason);
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(ResolveError::ReasonTooLong);
    }
    Ok(reason)
}

/// The first decision as a refusal of a second one names it: its label
/// and who made it, when known.
pub fn earlier(label: &str, by: Option<&str>) -> String {
    match by {
        Some(by) => format!("（{label}、{by}）"),
        None => format!("（{label}）"),
    }
}

/// Who resolves, and when: the login and the hospital's local time.
pub type Actor<'a> = (&'a str, NaiveDateTime);

/// The correction rows of kind `kind` covering exactly `spans` (version 1,
/// no `replaces_id`, HR's reason and login: see the module docs), checked
/// against the doctor's working rows `timecard` when `kind` is working.
pub fn correction_rows(
    doctor_id: i64,
    spans: &[(NaiveDateTime, NaiveDateTime)],
    kind: Kind,
    timecard: &[Shift],
    reason: &str,
    (actor, now): Actor,
) -> Result<Vec<NewTimecardRow>, ResolveError> {
    let writer = crate::corrections::Writer {
        login: actor,
        at: now,
        reason,
    };
    let mut rows = Vec::new();
    for &(start, end) in spans {
        let shift = Shift::new(start, end, 0, kind).map_err(|_| ResolveError::TooLong { start, end })?;
        if kind.is_working() {
            if let Some(clash) = crate::corrections::working_clash(timecard, &shift) {
                return Err(ResolveError::Overlap(clash));
            }
        }
        // A day resolved as 研鑽 is HR's decision that it was self-study:
        // the row is confirmed by them (rules §9 `self_study_confirmed`);
        // inside the schedule it still counts (§2.3).
        let shift = shift.with_study(crate::domain::profile::StudyStatus::Confirmed);
        let extras = crate::db::models::ShiftExtras::of(&shift, Some((actor, now)));
        rows.push(crate::corrections::added_row(doctor_id, &shift, extras, &writer));
    }
    Ok(rows)
}

/// Stores a resolution with its audit-log entry (category `discrepancy`,
/// `operation`, `detail`): `insert` writes the row; a unique violation —
/// which the write lock makes unreachable in kinmu itself, but a writer
/// outside kinmu still gets the same clear answer — is `conflict()`.
pub fn record(
    conn: &mut AnyConnection,
    insert: impl FnOnce(&mut AnyConnection) -> diesel::QueryResult<usize>,
    conflict: impl FnOnce() -> ResolveError,
    (actor, now): Actor,
    operation: &str,
    detail: serde_json::Value,
) -> Result<(), ResolveError> {
    match insert(conn) {
        Ok(_) => {}
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            return Err(conflict());
        }
        Err(e) => return Err(e.into()),
    }
    crate::audit::append(
        conn,
        &NewAuditEntry {
            at: now,
            actor: Some(actor.to_string()),
            category: crate::audit::Category::Discrepancy.code().into(),
            operation: operation.into(),
            detail: detail.to_string(),
        },
    )?;
    Ok(())
}

/// Added rows as the audit log lists them.
pub fn spans_json(spans: &[(NaiveDateTime, NaiveDateTime)]) -> serde_json::Value {
    let fmt = |t: &NaiveDateTime| t.format("%Y-%m-%d %H:%M").to_string();
    spans
        .iter()
        .map(|(s, e)| serde_json::json!({ "start": fmt(s), "end": fmt(e) }))
        .collect()
}

/// A doctor's day as stored: the PC sessions that start on it and up to two
/// days before and after it (sessions sharing minutes are merged and the
/// interval counts whole on its earliest session's day, rules §9, as the
/// monthly report counts it), and the current timecard rows (any kind)
/// that can cover them.
#[derive(Debug, Clone, Default)]
pub struct DayRecords {
    pub sessions: Vec<StoredPcSession>,
    pub timecard: Vec<Shift>,
}

impl DayRecords {
    pub fn pc(&self) -> Vec<PcSession> {
        self.sessions
            .iter()
            .map(|s| PcSession {
                logon: s.logon_at,
                logoff: s.logoff_at,
            })
            .collect()
    }
}

/// Loads a doctor's day. A row can cover a session only if it starts before
/// the session ends and (being at most 48 h long, rules §1) no more than
/// 48 h before the day.
pub fn load_day(conn: &mut AnyConnection, doctor_id: i64, day: NaiveDate) -> Result<DayRecords, ResolveError> {
    let ids = [doctor_id];
    let sessions = queries::pc_sessions_between(
        conn,
        Some(&ids),
        midnight(day) - Duration::days(2),
        midnight(day + Duration::days(3)),
    )?;
    let until = sessions
        .iter()
        .map(|s| s.logoff_at)
        .max()
        .unwrap_or(midnight(day + Duration::days(1)))
        .max(midnight(day + Duration::days(1)));
    let mut timecard = Vec::new();
    for (s, _, _) in queries::current_timecard(conn, Some(&ids), midnight(day) - Duration::hours(48), until)? {
        timecard.push(s.shift("timecard_rows")?);
    }
    Ok(DayRecords { sessions, timecard })
}

/// Records HR's decision on one discrepancy day (see the module docs for
/// the rule), in one write transaction.
pub fn resolve(conn: &mut AnyConnection, req: &ResolveRequest) -> Result<Resolved, ResolveError> {
    let reason = checked_reason(req.reason)?;
    // A day that has been (screens and API alike).
    crate::domain::input::past_date(("日付", "date"), req.day, req.now.date())?;
    write_transaction(conn, |conn| {
        crate::db::bump_data_version(conn)?;
        let doctor = queries::doctor_by_staff_id(conn, req.staff_id)?
            .ok_or_else(|| ResolveError::UnknownDoctor(req.staff_id.to_string()))?;
        let already = resolution_of_day(conn, doctor.id, req.day)?;
        if let Some((resolution, by)) = already {
            let label = Resolution::parse(&resolution).map_or(resolution, |r| r.label_ja().to_string());
            return Err(ResolveError::AlreadyResolved {
                staff_id: doctor.staff_id,
                day: req.day,
                earlier: earlier(&label, by.as_deref()),
            });
        }

        // The one coverage function the monthly report counts with (rules
        // §9): the day's merged intervals, each minute of PC use once.
        let day = load_day(conn, doctor.id, req.day)?;
        let coverage = crate::month::coverage_of_day(conn, &doctor, &day.timecard, req.day, req.rules)?;
        let spans: Vec<Uncovered> = uncovered(&day.pc(), &coverage)
            .into_iter()
            .filter(|u| u.day == req.day)
            .collect();
        let threshold = req.rules.discrepancy_minutes;
        let uncovered: Minutes = spans.iter().map(Uncovered::minutes).sum();
        if uncovered <= threshold {
            return Err(ResolveError::NotADiscrepancy {
                staff_id: doctor.staff_id,
                day: req.day,
                uncovered,
                threshold,
            });
        }

        let mut added = Vec::new();
        if let Some(kind) = req.resolution.kind() {
            added = spans.iter().map(|u| (u.start, u.end)).collect();
            let rows = correction_rows(doctor.id, &added, kind, &day.timecard, reason, (req.actor, req.now))?;
            queries::insert_timecard_rows(conn, &rows)?;
        }
        // HR's 研鑽 decides the same PC minutes the self-study rows it adds
        // would otherwise bring back as a review item (rules §9: PC use
        // inside self-study outside the schedule): that item is recorded
        // as resolved by the same decision, not asked for again.
        if req.resolution == Resolution::SelfStudy {
            let kind = crate::domain::discrepancy::PcClass::PcDuringSelfStudy.code();
            if crate::db::pc_reviews::resolution_of_item(conn, doctor.id, req.day, kind)?.is_none() {
                crate::db::pc_reviews::insert_review_resolution(
                    conn,
                    &crate::db::pc_reviews::NewReviewResolution {
                        doctor_id: doctor.id,
                        day: req.day,
                        kind: kind.into(),
                        resolution: SELF_STUDY_CONFIRMED.into(),
                        reason: reason.to_string(),
                        resolved_by: Some(req.actor.to_string()),
                        resolved_at: req.now,
                    },
                )?;
            }
        }

        let conflict = || ResolveError::AlreadyResolved {
            staff_id: doctor.staff_id.clone(),
            day: req.day,
            earlier: String::new(),
        };
        let new = NewResolution {
            doctor_id: doctor.id,
            day: req.day,
            resolution: req.resolution.code().into(),
            reason: reason.to_string(),
            resolved_by: Some(req.actor.to_string()),
            resolved_at: req.now,
        };
        let detail = serde_json::json!({
            "staff_id": doctor.staff_id,
            "day": req.day,
            "resolution": req.resolution.code(),
            "reason": reason,
            "uncovered_minutes": uncovered,
            "rows_added": spans_json(&added),
        });
        record(
            conn,
            |c| insert_resolution(c, &new),
            conflict,
            (req.actor, req.now),
            "resolve",
            detail,
        )?;
        tracing::info!(
            staff_id = %doctor.staff_id,
            day = %req.day,
            resolution = req.resolution.code(),
            uncovered_minutes = uncovered,
            rows_added = added.len(),
            "discrepancy resolved"
        );
        Ok(Resolved {
            staff_id: doctor.staff_id,
            day: req.day,
            resolution: req.resolution,
            uncovered_minutes: uncovered,
            added,
        })
    })
}

/// Records one decision on several discrepancy days at once (the queue's
/// bulk resolution: similar days, one reason): each day exactly as
/// [`resolve`] records one — its rows, resolution and audit entry — all in
/// one write transaction, so that a day refused (unknown doctor, not a
/// discrepancy, already resolved…) leaves nothing written. The error
/// names the day refused.
pub fn resolve_all(conn: &mut AnyConnection, reqs: &[ResolveRequest]) -> Result<Vec<Resolved>, ResolveError> {
    if let Some(first) = reqs.first() {
        checked_reason(first.reason)?;
    }
    write_transaction(conn, |conn| reqs.iter().map(|r| resolve(conn, r)).collect())
}

impl ResolutionRecord {
    pub fn label_ja(&self) -> &str {
        match Resolution::parse(&self.resolution) {
            Some(r) => r.label_ja(),
            None => &self.resolution,
        }
    }
    pub fn label_en(&self) -> &str {
        match Resolution::parse(&self.resolution) {
            Some(r) => r.label_en(),
            None => &self.resolution,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolutions_read_back_from_their_codes() {
        for r in [Resolution::Work, Resolution::SelfStudy, Resolution::NotWork] {
            assert_eq!(Resolution::parse(r.code()), Some(r));
        }
        assert_eq!(Resolution::parse("maybe"), None);
    }
}

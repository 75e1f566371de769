//! Recording one 代償休息 grant, and HR's reason on a ledger entry (rules
//! §11.11–§11.12, formats.md R.4): what the doctor's 代償休息 screen and the
//! API write, through the same storage as `kinmu import comp-rest`.
//!
//! Who may is the access policy's rule
//! ([`crate::policy::may_record_comp_rest`]): HR and admins for every
//! doctor, a manager for their own doctors. A grant overlapping another
//! grant of the doctor is refused; every write is audited and makes the
//! month's figures be computed again (`db::bump_data_version`).

use crate::db::comp_rest::{self as db, NewGrant, StoredGrant};
use crate::db::models::{Doctor, NewAuditEntry};
use crate::db::{queries, AnyConnection};
use crate::domain::hours::RuleConfig;
use crate::domain::rest::{EntryCause, Reason};
use crate::domain::time::YearMonth;
use crate::import::{grant_span, GrantMethod};
use crate::policy::{self, Who};
use chrono::{NaiveDate, NaiveDateTime};
use std::fmt;

/// The longest note kept with a grant.
pub const MAX_NOTE_CHARS: usize = 500;

/// One grant to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantInput {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub method: Option<GrantMethod>,
    pub note: Option<String>,
}

/// Why a grant or reason was not recorded. Messages: Japanese / English.
#[derive(Debug)]
pub enum Error {
    /// No such doctor (or not one the user may see).
    NotFound,
    /// The user may not record for this doctor.
    NotAllowed,
    /// The input is wrong: one message per problem.
    Invalid(Vec<String>),
    /// Another grant of the doctor overlaps.
    Overlap(NaiveDateTime, NaiveDateTime),
    /// No ledger entry of the doctor has this cause and moment.
    NoEntry,
    Db(diesel::result::Error),
    Report(crate::month::ReportError),
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        Error::Db(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotFound => f.write_str("医師が見つかりません / no such doctor"),
            Error::NotAllowed => {
                f.write_str("この医師の代償休息を記録する権限がありません / you may not record for this doctor")
            }
            Error::Invalid(m) => f.write_str(&m.join("\n")),
            Error::Overlap(s, e) => write!(
                f,
                "登録済みの代償休息 {}〜{} と重なっています / overlaps a recorded grant",
                s.format("%Y-%m-%d %H:%M"),
                e.format("%Y-%m-%d %H:%M")
            ),
            Error::NoEntry => f.write_str("該当する代償休息の記録がありません / no such ledger entry"),
            Error::Db(e) => write!(f, "{e}"),
            Error::Report(e) => write!(f, "{e}"),
        }
    }
}

impl Error {
    /// A mistake of the user's (an answer of 4xx), not a failure.
    pub fn is_user_error(&self) -> bool {
        !matches!(self, Error::Db(_) | Error::Report(_))
    }
}

/// The form's fields as typed: date, start, end, optional end date,
/// method, note. Every problem is named, in Japanese then English.
pub fn read_form(
    date: &str,
    start: &str,
    end: &str,
    end_date: &str,
    method: &str,
    note: &str,
) -> Result<GrantInput, Error> {
    let (date, start, end, end_date, method) = (
        crate::import::normalise(date),
        crate::import::normalise(start),
        crate::import::normalise(end),
        crate::import::normalise(end_date),
        crate::import::normalise(method),
    );
    let mut errors = Vec::new();
    let mut need = |what: &str, v: &str, label: &str| {
        if v.is_empty() {
            errors.push(format!("{label}を入力してください / {what} is required"));
        }
    };
    need("the date", &date, "日付");
    need("the start", &start, "開始時刻");
    need("the end", &end, "終了時刻");
    let mut day = None;
    let mut until = None;
    let (mut from, mut to) = (None, None);
    if !date.is_empty() {
        day = crate::import::comp_rest_date(&date).map_err(|e| errors.push(e)).ok();
    }
    if !start.is_empty() {
        from = crate::import::comp_rest_time(&start).map_err(|e| errors.push(e)).ok();
    }
    if !end.is_empty() {
        to = crate::import::comp_rest_time(&end).map_err(|e| errors.push(e)).ok();
    }
    if !end_date.is_empty() {
        until = crate::import::comp_rest_date(&end_date)
            .map_err(|e| errors.push(e))
            .ok();
    }
    let method = if method.is_empty() {
        None
    } else {
        let m = GrantMethod::parse(&method);
        if m.is_none() {
            errors.push(
                "付与方法は 時間休 か インターバル延長 を選んでください / choose time_off or interval_extension".into(),
            );
        }
        m
    };
    let note = crate::import::normalise(note).to_string();
    if note.chars().count() > MAX_NOTE_CHARS {
        errors.push(format!(
            "備考は{MAX_NOTE_CHARS}文字までです / the note is longer than {MAX_NOTE_CHARS} characters"
        ));
    }
    let span = match (day, from, to) {
        (Some(d), Some(s), Some(e)) if errors.is_empty() => match grant_span(d, s, e, until) {
            Ok(span) => Some(span),
            Err(m) => {
                errors.push(m);
                None
            }
        },
        _ => None,
    };
    match span {
        Some((start, end)) if errors.is_empty() => Ok(GrantInput {
            start,
            end,
            method,
            note: (!note.is_empty()).then_some(note),
        }),
        _ => Err(Error::Invalid(errors)),
    }
}

/// The doctor of `staff_id`, if `who` may record for them.
pub fn doctor_for(conn: &mut AnyConnection, who: Who, staff_id: &str) -> Result<Doctor, Error> {
    let d = queries::doctor_by_staff_id(conn, staff_id)?.ok_or(Error::NotFound)?;
    if policy::may_record_comp_rest(who, (&d).into()) {
        Ok(d)
    } else {
        Err(Error::NotAllowed)
    }
}

/// The doctor's stored grants overlapping `[start, end)`, the first of them.
fn overlapping(conn: &mut AnyConnection, doctor_id: i64, g: &GrantInput) -> Result<Option<StoredGrant>, Error> {
    Ok(db::grants_of_doctor(conn, doctor_id)?
        .into_iter()
        .find(|s| g.start < s.end_at && s.start_at < g.end))
}

/// Checks a grant without recording it (the confirmation step).
pub fn check(conn: &mut AnyConnection, who: Who, staff_id: &str, g: &GrantInput) -> Result<Doctor, Error> {
    let d = doctor_for(conn, who, staff_id)?;
    match overlapping(conn, d.id, g)? {
        Some(s) => Err(Error::Overlap(s.start_at, s.end_at)),
        None => Ok(d),
    }
}

/// Records a grant: checked again in the write transaction, inserted,
/// audited. Returns its id.
pub fn record(
    conn: &mut AnyConnection,
    who: Who,
    staff_id: &str,
    g: &GrantInput,
    now: NaiveDateTime,
) -> Result<i64, Error> {
    crate::db::write_transaction(conn, |conn| {
        let d = check(conn, who, staff_id, g)?;
        let new = NewGrant {
            doctor_id: d.id,
            start_at: g.start,
            end_at: g.end,
            method: g.method.map(|m| m.code().to_string()),
            note: g.note.clone(),
            recorded_by: who.login.to_string(),
            updated_at: now,
        };
        let id = db::insert_grant(conn, &new)?;
        crate::audit::append(
            conn,
            &NewAuditEntry {
                at: now,
                actor: Some(who.login.to_string()),
                category: crate::audit::Category::Change.code().into(),
                operation: "record_comp_rest_grant".into(),
                detail: serde_json::json!({
                    "staff_id": d.staff_id,
                    "grant_id": id,
                    "after": new.fields(),
                })
                .to_string(),
            },
        )?;
        crate::db::bump_data_version(conn)?;
        Ok(id)
    })
}

/// The reason of a ledger entry as the form sends it.
pub fn parse_reason(s: &str) -> Option<Reason> {
    Reason::parse(s)
}

/// An entry's moment as the form sends it (`YYYY-MM-DDTHH:MM[:SS]`).
pub fn parse_instant(s: &str) -> Option<NaiveDateTime> {
    [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s.trim(), f).ok())
}

/// Sets HR's reason on the doctor's entry of `cause` that arose at
/// `arose_at` — an entry of the doctor's ledger as computed for that
/// month — and audits the change.
#[allow(clippy::too_many_arguments)]
pub fn set_reason(
    conn: &mut AnyConnection,
    rules: &RuleConfig,
    who: Who,
    staff_id: &str,
    cause: &str,
    arose_at: NaiveDateTime,
    reason: &str,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<(), Error> {
    let d = doctor_for(conn, who, staff_id)?;
    if parse_reason(reason).is_none() {
        return Err(Error::Invalid(vec![
            "理由は 緊急の業務・研修に必要な緊急の業務・その他 から選んでください / choose emergency, training_emergency or other".into(),
        ]));
    }
    let cause_code = EntryCause::parse(cause).ok_or(Error::NoEntry)?;
    let month = YearMonth::of(arose_at.date());
    let as_of = today.min(month.last_day()).max(arose_at.date());
    let (_, c) = crate::month::compute_one(conn, rules, &d, month, as_of).map_err(Error::Report)?;
    let known = c.rest.as_ref().is_some_and(|r| {
        r.ledger
            .entries
            .iter()
            .any(|e| e.cause == cause_code && e.arose_at == arose_at)
    });
    if !known {
        return Err(Error::NoEntry);
    }
    crate::db::write_transaction(conn, |conn| {
        let old = db::set_reason(conn, d.id, cause, arose_at, reason, who.login)?;
        crate::audit::append(
            conn,
            &NewAuditEntry {
                at: now,
                actor: Some(who.login.to_string()),
                category: crate::audit::Category::Change.code().into(),
                operation: "set_comp_rest_reason".into(),
                detail: serde_json::json!({
                    "staff_id": d.staff_id,
                    "cause": cause,
                    "arose_at": arose_at,
                    "before": old,
                    "after": reason,
                })
                .to_string(),
            },
        )?;
        crate::db::bump_data_version(conn)?;
        Ok(())
    })
}

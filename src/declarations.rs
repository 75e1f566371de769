//! A doctor's own declarations (本人の申告): 自己研鑽 (rules §2.3) and the
//! hours worked at another hospital or a side job (副業・兼業, `external`
//! rows, §5b.2, 自己申告).
//!
//! A declaration is an ordinary timecard row — it counts exactly as an
//! imported row of its kind does — told apart by its history: its first
//! version (version 1, no `replaces_id`) has no import batch and
//! `created_by` = the login of the doctor's own account. (A row HR adds on
//! the discrepancy screen has no batch either, but HR's login.) The
//! doctor's note is kept as its `correction_reason` ([`DECLARED`] when
//! none is given).
//!
//! - A self-study declaration is `unconfirmed`; only a superior confirms
//!   it (`crate::self_study`), never the doctor (§2.3).
//! - An external row carries its `employer` and `schedule_class` (§5b.2).
//! - The doctor may correct (a new version, the old superseded) or
//!   withdraw (the current version superseded, no new one) a declaration
//!   whose current version is still their own and, for self-study, still
//!   unconfirmed; never delete (§10). Once a superior has decided a
//!   self-study row it is no longer the doctor's to change.
//! - The times are checked before anything is written, each refusal naming
//!   its field: end after start, at most 48 h, nothing after today; a
//!   self-study row may not overlap another current self-study row of the
//!   doctor, an external row no current working row of the doctor (they
//!   cannot work here and there at once).
//! - Every write is one write transaction with an audit entry, and bumps
//!   the data version so cached reports refresh.

use crate::corrections::{added_row, replace_row, working_clash, Writer};
use crate::db::declarations::{unbatched_versions, RowVersion};
use crate::db::models::{CorruptRow, Doctor, NewAuditEntry, ShiftExtras};
use crate::db::{queries, write_transaction, AnyConnection, DbError};
use crate::domain::input::{parse_date, past_date};
use crate::domain::profile::{ScheduleClass, StudyStatus};
use crate::domain::shift::{Kind, Shift, ShiftError};
use crate::domain::time::{midnight, ClockReading, Minutes, YearMonth};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::HashMap;

/// The longest note kept.
pub const MAX_NOTE_CHARS: usize = 500;
/// The longest employer name kept.
pub const MAX_EMPLOYER_CHARS: usize = 100;
/// The `correction_reason` of a declaration given without a note.
pub const DECLARED: &str = "本人の申告 / declared by the doctor";
/// Why a version is superseded by the doctor's correction.
pub const CORRECTED: &str = "本人による訂正 / corrected by the doctor";
/// Why a version is superseded by the doctor's withdrawal.
pub const WITHDRAWN: &str = "本人による取り下げ / withdrawn by the doctor";

/// What the doctor typed, as text (the form's fields).
#[derive(Debug, Clone, Default)]
pub struct Form {
    /// `self_study` or `external`.
    pub kind: String,
    pub date: String,
    pub start: String,
    pub end: String,
    /// Blank: the end is on `date`.
    pub end_date: String,
    pub break_minutes: String,
    pub note: String,
    /// External rows: typed, or chosen (`employer_choice`); typed wins.
    pub employer: String,
    pub employer_choice: String,
    /// External rows: `scheduled` or `extra`.
    pub schedule_class: String,
}

impl Form {
    /// The form from its fields by name.
    pub fn of(fields: &HashMap<String, String>) -> Form {
        let f = |k: &str| fields.get(k).cloned().unwrap_or_default();
        Form {
            kind: f("kind"),
            date: f("date"),
            start: f("start"),
            end: f("end"),
            end_date: f("end_date"),
            break_minutes: f("break_minutes"),
            note: f("note"),
            employer: f("employer"),
            employer_choice: f("employer_choice"),
            schedule_class: f("schedule_class"),
        }
    }
}

/// One refused field: its form name and the message (Japanese / English).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

fn field_error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// A declaration read and checked (before the database is asked).
#[derive(Debug, Clone)]
pub struct Declared {
    pub shift: Shift,
    pub note: Option<String>,
}

/// Why a declaration, correction or withdrawal was refused.
#[derive(Debug, thiserror::Error)]
pub enum DeclareError {
    /// The input, field by field (400).
    #[error("入力が正しくありません / invalid input")]
    Invalid(Vec<FieldError>),
    /// Not a declaration of this doctor (404).
    #[error("申告が見つかりません / no such declaration")]
    NotFound,
    /// Decided by a superior, corrected or withdrawn already (409).
    #[error("この申告は確認済み・否認・取り下げ済みのため変更できません / this declaration can no longer be changed")]
    Locked,
    /// An earlier version of a declaration: the form was opened before the
    /// declaration was corrected or decided (409).
    #[error("この申告はその後訂正・確認されています。一覧から最新の申告を開いてください / this declaration has changed since: open its latest version from the list")]
    Outdated,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Corrupt(#[from] CorruptRow),
}

impl From<diesel::result::Error> for DeclareError {
    fn from(e: diesel::result::Error) -> Self {
        DeclareError::Db(DbError::Query(e))
    }
}

/// Reads the form of a declaration of `today`'s doctor (see the module
/// docs for the checks that need no database). All refusals at once.
pub fn read(form: &Form, today: NaiveDate) -> Result<Declared, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = match form.kind.trim() {
        "self_study" => Some(Kind::SelfStudy),
        "external" => Some(Kind::External),
        _ => {
            errors.push(field_error(
                "kind",
                "申告の種類が不正です / unknown kind of declaration",
            ));
            None
        }
    };
    let date = if form.date.trim().is_empty() {
        errors.push(field_error("date", "日付を入力してください / the date is required"));
        None
    } else {
        match parse_date(("日付", "date"), &form.date).and_then(|d| past_date(("日付", "date"), d, today)) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(field_error("date", e.0));
                None
            }
        }
    };
    let end_date = if form.end_date.trim().is_empty() {
        date
    } else {
        match parse_date(("終了日", "end date"), &form.end_date)
            .and_then(|d| past_date(("終了日", "end date"), d, today))
        {
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(field_error("end_date", e.0));
                None
            }
        }
    };
    let clock = |name: &'static str, (ja, en): (&str, &str), s: &str, errors: &mut Vec<FieldError>| {
        match ClockReading::parse(s) {
            Ok(c) if !s.trim().is_empty() => Some(c),
            _ => {
                errors.push(field_error(
                    name,
                    format!("{ja}を HH:MM で入力してください: {s:?} / {en} must be HH:MM"),
                ));
                None
            }
        }
    };
    let start = clock("start", ("開始時刻", "the start"), &form.start, &mut errors);
    let end = clock("end", ("終了時刻", "the end"), &form.end, &mut errors);
    let break_minutes = match form.break_minutes.trim() {
        "" => Some(0),
        b => match b.parse::<u16>() {
            Ok(m) => Some(Minutes::from(m)),
            Err(_) => {
                errors.push(field_error(
                    "break_minutes",
                    format!("休憩は0以上の分数で入力してください: {b:?} / the break must be a number of minutes"),
                ));
                None
            }
        },
    };
    let note = form.note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        errors.push(field_error(
            "note",
            format!("メモは{MAX_NOTE_CHARS}文字以内で入力してください / the note is too long"),
        ));
    }
    let mut employer = None;
    let mut class = ScheduleClass::Scheduled;
    if kind == Some(Kind::External) {
        let typed = crate::import::normalise(&form.employer).trim().to_string();
        let chosen = crate::import::normalise(&form.employer_choice).trim().to_string();
        let name = if typed.is_empty() { chosen } else { typed };
        if name.is_empty() {
            errors.push(field_error(
                "employer",
                "勤務先を入力するか選んでください / enter or choose the employer",
            ));
        } else if name.chars().count() > MAX_EMPLOYER_CHARS {
            errors.push(field_error(
                "employer",
                format!("勤務先は{MAX_EMPLOYER_CHARS}文字以内で入力してください / the employer is too long"),
            ));
        } else {
            employer = Some(name);
        }
        match ScheduleClass::parse(form.schedule_class.trim()) {
            Some(c) => class = c,
            None => errors.push(field_error(
                "schedule_class",
                "所定・所定外を選んでください / choose scheduled or extra",
            )),
        }
    }
    let (Some(kind), Some(date), Some(end_date), Some(start), Some(end), Some(break_minutes)) =
        (kind, date, end_date, start, end, break_minutes)
    else {
        return Err(errors);
    };
    // 25:00 and an end date are each a way to write the next day (rules
    // §1); a form with both means one day, not two: asked again.
    if end_date > date && end.is_past_midnight() {
        errors.push(field_error(
            "end",
            "終了日を入力したときは、終了時刻を 24:00 までで入力してください（25:00 と終了日の両方では翌々日になります） / with an end date, give the end as at most 24:00",
        ));
        return Err(errors);
    }
    let (start, end) = (start.on(date), end.on(end_date));
    if end > midnight(today + Duration::days(1)) {
        errors.push(field_error(
            "end",
            "終了が明日以降です。終わった勤務・研鑽を申告してください / the end is after today",
        ));
    }
    let shift = match Shift::new(start, end, break_minutes, kind) {
        Ok(s) => Some(s),
        Err(ShiftError::EndNotAfterStart { .. }) => {
            errors.push(field_error(
                "end",
                "終了は開始より後にしてください（翌日に終わるときは終了日も入力） / the end must be after the start (give the end date when it ends the next day)",
            ));
            None
        }
        Err(ShiftError::TooLong { .. }) => {
            errors.push(field_error("end", "48時間以内で入力してください / at most 48 hours"));
            None
        }
        Err(e) => {
            errors.push(field_error("break_minutes", e.to_string()));
            None
        }
    };
    match shift {
        Some(shift) if errors.is_empty() => Ok(Declared {
            shift: shift.with_employer(employer.as_deref()).with_class(class),
            note: (!note.is_empty()).then(|| note.to_string()),
        }),
        _ => Err(errors),
    }
}

/// Where a declaration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 研鑽, awaiting the superior (未確認).
    Unconfirmed,
    /// 研鑽, confirmed: not working time outside the schedule (確認済).
    Confirmed,
    /// 研鑽, rejected: working time (否認).
    Rejected,
    /// An external row, counted as reported (報告済).
    Reported,
    /// Withdrawn by the doctor (取り下げ): no current version.
    Withdrawn,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Unconfirmed => "unconfirmed",
            Status::Confirmed => "confirmed",
            Status::Rejected => "rejected",
            Status::Reported => "reported",
            Status::Withdrawn => "withdrawn",
        }
    }
    pub fn label(self) -> crate::domain::text::Label {
        use crate::domain::text::Label;
        match self {
            Status::Unconfirmed => Label::new("未確認", "unconfirmed"),
            Status::Confirmed => Label::new("確認済", "confirmed"),
            Status::Rejected => Label::new("否認", "rejected"),
            Status::Reported => Label::new("報告済", "reported"),
            Status::Withdrawn => Label::new("取り下げ", "withdrawn"),
        }
    }
}

/// One declaration as the doctor's list shows it: its latest version.
#[derive(Debug, Clone, Serialize)]
pub struct Declaration {
    /// The latest version's id (the one a correction or withdrawal names).
    pub id: i64,
    pub kind: &'static str,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub break_minutes: Minutes,
    pub minutes: Minutes,
    pub employer: Option<String>,
    pub schedule_class: &'static str,
    pub status: Status,
    /// The doctor's note (their latest version's).
    pub note: Option<String>,
    /// The superior's reason, once decided.
    pub decision_reason: Option<String>,
    pub versions: usize,
    /// The doctor may still correct or withdraw it.
    pub changeable: bool,
}

impl Declaration {
    pub fn is_self_study(&self) -> bool {
        self.kind == Kind::SelfStudy.code()
    }
}

/// The chains of versions whose first version is a declaration of `login`,
/// each oldest first.
fn chains(versions: Vec<RowVersion>, login: &str) -> Vec<Vec<RowVersion>> {
    let mut root_of: HashMap<i64, i64> = HashMap::new();
    let mut chains: HashMap<i64, Vec<RowVersion>> = HashMap::new();
    let mut roots = Vec::new();
    for v in versions {
        let root = match v.replaces_id {
            None => {
                if v.version != 1 || v.created_by.as_deref() != Some(login) {
                    continue;
                }
                roots.push(v.row.id);
                v.row.id
            }
            Some(old) => match root_of.get(&old) {
                Some(r) => *r,
                None => continue,
            },
        };
        root_of.insert(v.row.id, root);
        chains.entry(root).or_default().push(v);
    }
    roots.into_iter().filter_map(|r| chains.remove(&r)).collect()
}

fn declaration(chain: &[RowVersion], login: &str) -> Result<Option<Declaration>, CorruptRow> {
    let Some(last) = chain.last() else { return Ok(None) };
    let shift = last.row.shift("timecard_rows")?;
    let own = last.created_by.as_deref() == Some(login);
    let status = match (last.superseded, shift.kind(), shift.study()) {
        (true, _, _) => Status::Withdrawn,
        (false, Kind::External, _) => Status::Reported,
        (false, _, StudyStatus::Unconfirmed) => Status::Unconfirmed,
        (false, _, StudyStatus::Confirmed) => Status::Confirmed,
        (false, _, StudyStatus::Rejected) => Status::Rejected,
    };
    let note = chain
        .iter()
        .rev()
        .find(|v| v.created_by.as_deref() == Some(login))
        .and_then(|v| v.correction_reason.clone())
        .filter(|n| n != DECLARED);
    Ok(Some(Declaration {
        id: last.row.id,
        kind: shift.kind().code(),
        start: shift.start(),
        end: shift.end(),
        break_minutes: shift.break_minutes(),
        minutes: shift.minutes(),
        employer: shift.employer().map(str::to_string),
        schedule_class: shift.schedule_class().code(),
        decision_reason: (!own).then(|| last.correction_reason.clone()).flatten(),
        changeable: own && matches!(status, Status::Unconfirmed | Status::Reported),
        status,
        note,
        versions: chain.len(),
    }))
}

/// The declarations of `doctor` made by `login` (their account), latest
/// version in `month` (all months when `None`), by start.
pub fn of_doctor(
    conn: &mut AnyConnection,
    doctor: &Doctor,
    login: &str,
    month: Option<YearMonth>,
) -> Result<Vec<Declaration>, DeclareError> {
    let mut out = Vec::new();
    for chain in chains(unbatched_versions(conn, doctor.id)?, login) {
        if let Some(d) = declaration(&chain, login)? {
            if month.is_none_or(|m| (m.first_day()..=m.last_day()).contains(&d.start.date())) {
                out.push(d);
            }
        }
    }
    out.sort_by_key(|d| (d.start, d.id));
    Ok(out)
}

/// A declaration to record: new, or the correction of `replaces`.
#[derive(Debug, Clone)]
pub struct DeclareRequest<'a> {
    pub doctor: &'a Doctor,
    /// The doctor's own login.
    pub login: &'a str,
    pub declared: &'a Declared,
    /// The id of the current version this one corrects.
    pub replaces: Option<i64>,
    pub now: NaiveDateTime,
}

/// The current version `id` of a declaration of the doctor that they may
/// still change, with its version and batch.
fn changeable(
    conn: &mut AnyConnection,
    doctor: &Doctor,
    login: &str,
    id: i64,
) -> Result<(crate::db::models::StoredShift, i32, Option<i64>), DeclareError> {
    let mine = of_doctor(conn, doctor, login, None)?;
    let Some(d) = mine.iter().find(|d| d.id == id) else {
        return Err(if crate::db::self_study::is_superseded_row_of(conn, doctor.id, id)? {
            DeclareError::Outdated
        } else {
            DeclareError::NotFound
        });
    };
    if !d.changeable {
        return Err(DeclareError::Locked);
    }
    queries::current_timecard_batches(conn, Some(&[doctor.id]), d.start, d.start + Duration::minutes(1))?
        .into_iter()
        .find(|(s, _, _)| s.id == id)
        .ok_or(DeclareError::Locked)
}

/// The overlap refusal of a new or corrected row (see the module docs).
fn overlap(
    conn: &mut AnyConnection,
    doctor: &Doctor,
    shift: &Shift,
    replaces: Option<i64>,
) -> Result<Option<FieldError>, DeclareError> {
    let mut others = Vec::new();
    for (s, _, _) in queries::current_timecard(
        conn,
        Some(&[doctor.id]),
        shift.start() - Duration::hours(48),
        shift.end(),
    )? {
        if Some(s.id) != replaces {
            others.push(s.shift("timecard_rows")?);
        }
    }
    Ok(if shift.kind() == Kind::SelfStudy {
        others
            .iter()
            .find(|o| o.kind() == Kind::SelfStudy && o.overlaps(shift))
            .map(|o| {
                field_error(
                    "start",
                    format!(
                        "申告済みの自己研鑽（{} → {}）と重なります / overlaps a self-study row already recorded",
                        o.start().format("%m/%d %H:%M"),
                        o.end().format("%m/%d %H:%M")
                    ),
                )
            })
    } else {
        working_clash(&others, shift).map(|c| {
            field_error(
                "start",
                format!("記録済みの勤務と重なります（{c}） / overlaps a working row already recorded"),
            )
        })
    })
}

fn minute(t: &NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// Records a declaration or its correction (one write transaction with an
/// audit entry); the id of the row written.
pub fn declare(conn: &mut AnyConnection, req: &DeclareRequest) -> Result<i64, DeclareError> {
    write_transaction(conn, |conn| {
        let shift = &req.declared.shift;
        let old = match req.replaces {
            Some(id) => {
                let old = changeable(conn, req.doctor, req.login, id)?;
                if old.0.kind != shift.kind().code() {
                    return Err(DeclareError::NotFound);
                }
                Some(old)
            }
            None => None,
        };
        if let Some(e) = overlap(conn, req.doctor, shift, req.replaces)? {
            return Err(DeclareError::Invalid(vec![e]));
        }
        crate::db::bump_data_version(conn)?;
        let writer = Writer {
            login: req.login,
            at: req.now,
            reason: req.declared.note.as_deref().unwrap_or(DECLARED),
        };
        let extras = ShiftExtras::of(shift, None);
        let operation = match &old {
            Some(old) => {
                replace_row(conn, (&old.0, old.1, old.2), Some((shift, extras)), CORRECTED, &writer)?;
                "correct_declaration"
            }
            None => {
                queries::insert_timecard_rows(conn, &[added_row(req.doctor.id, shift, extras, &writer)])?;
                match shift.kind() {
                    Kind::SelfStudy => "declare_self_study",
                    _ => "declare_external",
                }
            }
        };
        let id = crate::db::declarations::latest_id(conn, req.doctor.id)?;
        crate::audit::append(
            conn,
            &NewAuditEntry {
                at: req.now,
                actor: Some(req.login.to_string()),
                category: crate::audit::Category::Change.code().into(),
                operation: operation.into(),
                detail: serde_json::json!({
                    "staff_id": req.doctor.staff_id,
                    "row_id": id,
                    "replaces": req.replaces,
                    "kind": shift.kind().code(),
                    "start": minute(&shift.start()),
                    "end": minute(&shift.end()),
                    "break_minutes": shift.break_minutes(),
                    "employer": shift.employer(),
                    "schedule_class": (shift.kind() == Kind::External).then(|| shift.schedule_class().code()),
                    "note": req.declared.note,
                })
                .to_string(),
            },
        )?;
        tracing::info!(staff_id = %req.doctor.staff_id, operation, "declaration recorded");
        Ok(id)
    })
}

/// Withdraws the doctor's declaration whose current version is `id`: that
/// version superseded, none after it (one write transaction with an audit
/// entry).
pub fn withdraw(
    conn: &mut AnyConnection,
    doctor: &Doctor,
    login: &str,
    id: i64,
    now: NaiveDateTime,
) -> Result<(), DeclareError> {
    write_transaction(conn, |conn| {
        let old = changeable(conn, doctor, login, id)?;
        crate::db::bump_data_version(conn)?;
        let writer = Writer {
            login,
            at: now,
            reason: WITHDRAWN,
        };
        replace_row(conn, (&old.0, old.1, old.2), None, WITHDRAWN, &writer)?;
        crate::audit::append(
            conn,
            &NewAuditEntry {
                at: now,
                actor: Some(login.to_string()),
                category: crate::audit::Category::Change.code().into(),
                operation: "withdraw_declaration".into(),
                detail: serde_json::json!({
                    "staff_id": doctor.staff_id,
                    "row_id": id,
                    "kind": old.0.kind,
                    "start": minute(&old.0.start_at),
                    "end": minute(&old.0.end_at),
                })
                .to_string(),
            },
        )?;
        tracing::info!(staff_id = %doctor.staff_id, row_id = id, "declaration withdrawn");
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: &str, date: &str, start: &str, end: &str) -> Form {
        Form {
            kind: kind.into(),
            date: date.into(),
            start: start.into(),
            end: end.into(),
            schedule_class: "scheduled".into(),
            employer: "B病院".into(),
            ..Form::default()
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 6, 14).unwrap()
    }

    fn fields(r: Result<Declared, Vec<FieldError>>) -> Vec<&'static str> {
        r.err().unwrap_or_default().iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_declaration_reads_its_times_and_an_end_date_for_the_next_day() {
        let d = read(&form("self_study", "2024-06-03", "22:00", "23:30"), today()).unwrap();
        assert_eq!(d.shift.minutes(), 90);
        assert_eq!(d.shift.kind(), Kind::SelfStudy);
        let mut f = form("external", "2024-06-08", "22:00", "07:00");
        f.end_date = "2024-06-09".into();
        f.break_minutes = "60".into();
        let d = read(&f, today()).unwrap();
        assert_eq!(d.shift.minutes(), 480);
        assert_eq!(d.shift.employer(), Some("B病院"));
        // 25:00 is the next day's 01:00, alone or with an end date that is
        // the start date; with the next day as end date it is asked again.
        let late = form("self_study", "2024-06-08", "20:00", "25:00");
        assert_eq!(read(&late, today()).unwrap().shift.minutes(), 300);
        let mut same_day = late.clone();
        same_day.end_date = "2024-06-08".into();
        assert_eq!(read(&same_day, today()).unwrap().shift.minutes(), 300);
        let mut both = late.clone();
        both.end_date = "2024-06-09".into();
        assert_eq!(fields(read(&both, today())), ["end"]);
    }

    #[test]
    fn each_refusal_names_its_field() {
        assert_eq!(
            fields(read(&form("self_study", "2024-06-03", "22:00", "21:00"), today())),
            ["end"]
        );
        assert_eq!(
            fields(read(&form("self_study", "2024-06-15", "09:00", "10:00"), today())),
            ["date"]
        );
        assert_eq!(
            fields(read(&form("self_study", "", "9", "10:00"), today())),
            ["date", "start"]
        );
        let mut long = form("self_study", "2024-06-01", "09:00", "10:00");
        long.end_date = "2024-06-04".into();
        assert_eq!(fields(read(&long, today())), ["end"]);
        let mut f = form("external", "2024-06-03", "09:00", "10:00");
        f.employer = " ".into();
        f.schedule_class = "often".into();
        f.break_minutes = "-5".into();
        assert_eq!(
            fields(read(&f, today())),
            ["break_minutes", "employer", "schedule_class"]
        );
        let mut f = form("self_study", "2024-06-03", "09:00", "10:00");
        f.break_minutes = "90".into();
        assert_eq!(fields(read(&f, today())), ["break_minutes"]);
        assert_eq!(
            fields(read(&form("work", "2024-06-03", "09:00", "10:00"), today())),
            ["kind"]
        );
    }
}

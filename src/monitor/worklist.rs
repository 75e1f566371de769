//! The 面接指導管理 work list of HR and the administrator (issue 13 item 7),
//! the interview's 予定日時 and the choice of its physician.
//!
//! The list holds the case facts only (who, when, status, physician,
//! schedule) — never the opinion or the check items: those are health data
//! (policy). Setting a time re-sends the invitation (same UID, SEQUENCE one
//! higher) to the physician and the doctor through the outbox; choosing a
//! physician takes one who may interview ([`Physician::may_interview`]),
//! never the current one nor the one the interview was moved away from, and
//! mails them. Both write their own access-log entry. Who may do either is
//! the caller's question to the policy.

use super::directory::{display_name, facts, Directory};
use super::mails::{self, Scheduled};
use super::outbox::{self, MailKind, Topic};
use super::records::{interview, physicians_with_load, RecordError};
use crate::audit::{self, Category};
use crate::config::Settings;
use crate::db::interviews::{find_interview, set_physician};
use crate::db::models::{Interview, NewInterviewSchedule, User};
use crate::db::users::users_of_role;
use crate::db::worklist::{set_schedule, worklist_interviews, worklist_measures};
use crate::db::{write_transaction, AnyConnection};
use crate::domain::interview::{Physician, Status};
use crate::domain::time::YearMonth;
use crate::domain::worklist::{check_schedule, Case, Filter};
use crate::month::compute_one;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::result::QueryResult;
use serde::Serialize;
use std::collections::HashMap;

/// One case of the work list: an interview or a measures case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkLine {
    /// `interview` or `measures`.
    pub kind: &'static str,
    pub id: i64,
    pub month: String,
    pub staff_id: String,
    pub name: String,
    pub department: Option<String>,
    pub level: String,
    /// The reason code (`over_100`, `projected_over_100`, `over_155`, `interview`).
    pub reason: String,
    pub reach_100_date: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    pub held_on: Option<NaiveDate>,
    /// An interview's status as of today; `None` for a measures case.
    pub status: Option<Status>,
    pub days_late: Option<i64>,
    /// A measures case's measures recorded; `None` for an interview.
    pub recorded: Option<bool>,
    pub physician_login: Option<String>,
    pub physician_name: Option<String>,
    pub scheduled_at: Option<NaiveDateTime>,
    pub opened_late: bool,
    pub violation: bool,
    /// The codes of the filters that keep the case.
    pub filters: Vec<&'static str>,
}

impl WorkLine {
    pub fn matches(&self, filter: Filter) -> bool {
        self.filters.contains(&filter.code())
    }
}

fn with_filters(case: Case, today: NaiveDate) -> Vec<&'static str> {
    Filter::ALL
        .into_iter()
        .filter(|f| case.matches(*f, today))
        .map(Filter::code)
        .collect()
}

/// Every interview and measures case of `month`, and the open ones of
/// earlier months, as of `today`: open cases first (the nearest deadline
/// on top), then by month and staff id.
pub fn worklist(conn: &mut AnyConnection, month: YearMonth, today: NaiveDate) -> QueryResult<Vec<WorkLine>> {
    let m = month.to_string();
    let people: HashMap<i64, User> = users_of_role(conn, crate::accounts::Role::Physician.code())?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut out = Vec::new();
    for (i, d) in worklist_interviews(conn, &m)? {
        let has_opinion = i.opinion.as_deref().is_some_and(|o| !o.trim().is_empty());
        let due = i.due();
        let case = Case::Interview {
            due,
            has_physician: i.physician_id.is_some(),
            scheduled: i.scheduled_at.is_some(),
            has_opinion,
            opened_late: i.opened_late(),
        };
        let physician = i.physician_id.and_then(|p| people.get(&p));
        out.push(WorkLine {
            kind: "interview",
            id: i.id,
            level: d.level().code().to_string(),
            staff_id: d.staff_id,
            name: d.name,
            department: d.department,
            reason: i.reason.clone(),
            reach_100_date: Some(i.reach_100_date),
            deadline: Some(i.deadline),
            held_on: i.held_on,
            status: Some(due.status(crate::domain::due::end_of(today))),
            days_late: due.days_late(),
            recorded: None,
            physician_login: physician.map(|u| u.login.clone()),
            physician_name: physician.map(display_name),
            scheduled_at: i.scheduled_at,
            opened_late: i.opened_late(),
            violation: case.violation(today),
            filters: with_filters(case, today),
            month: i.month,
        });
    }
    for (ms, d) in worklist_measures(conn, &m)? {
        let case = Case::Measures {
            recorded: ms.recorded_at.is_some(),
            opened_late: ms.opened_late(),
        };
        out.push(WorkLine {
            kind: "measures",
            id: ms.id,
            level: d.level().code().to_string(),
            staff_id: d.staff_id,
            name: d.name,
            department: d.department,
            reason: ms.reason.clone(),
            reach_100_date: None,
            deadline: None,
            held_on: None,
            status: None,
            days_late: None,
            recorded: Some(ms.recorded_at.is_some()),
            physician_login: None,
            physician_name: None,
            scheduled_at: None,
            opened_late: ms.opened_late(),
            violation: case.violation(today),
            filters: with_filters(case, today),
            month: ms.month,
        });
    }
    let open = |l: &WorkLine| match l.kind {
        "interview" => l.held_on.is_none(),
        _ => l.recorded == Some(false),
    };
    out.sort_by(|a, b| {
        open(b)
            .cmp(&open(a))
            .then_with(|| a.deadline.is_none().cmp(&b.deadline.is_none()))
            .then_with(|| a.deadline.cmp(&b.deadline))
            .then_with(|| b.month.cmp(&a.month))
            .then_with(|| a.staff_id.cmp(&b.staff_id))
            .then_with(|| a.kind.cmp(b.kind))
    });
    Ok(out)
}

/// The physicians an interview may be given to now: those who may
/// interview, except its current physician and the one it was moved away
/// from, the least loaded first.
pub fn eligible_physicians(
    conn: &mut AnyConnection,
    i: &Interview,
    today: NaiveDate,
) -> QueryResult<Vec<(Physician, Option<String>)>> {
    let names: HashMap<i64, Option<String>> = users_of_role(conn, crate::accounts::Role::Physician.code())?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let mut list: Vec<(Physician, Option<String>)> = physicians_with_load(conn)?
        .into_iter()
        .filter(|p| p.may_interview(today) && Some(p.id) != i.physician_id && Some(p.id) != i.previous_physician_id)
        .map(|p| {
            let name = names.get(&p.id).cloned().flatten();
            (p, name)
        })
        .collect();
    list.sort_by(|(a, _), (b, _)| {
        a.open_interviews
            .cmp(&b.open_interviews)
            .then_with(|| a.login.cmp(&b.login))
    });
    Ok(list)
}

const NOT_ELIGIBLE: &str = "この医師は選べません（研修修了済み・有効なアカウントの面接指導実施医師で、管理者でなく、現在または前の担当医師でないこと） / this physician cannot be chosen (trained, active, not the 管理者, not the current or previous physician)";

/// Gives the interview to `physician_id`, which must be among
/// [`eligible_physicians`], and mails them (with the invitation).
pub fn assign(
    conn: &mut AnyConnection,
    settings: &Settings,
    interview_id: i64,
    physician_id: i64,
    actor: &str,
    now: NaiveDateTime,
) -> Result<Interview, RecordError> {
    let today = now.date();
    write_transaction(conn, |conn| -> Result<Interview, RecordError> {
        let (i, d, _, _) = interview(conn, interview_id)?;
        if i.held_on.is_some() {
            return Err(RecordError::AlreadyDone);
        }
        let eligible = eligible_physicians(conn, &i, today)?;
        if !eligible.iter().any(|(p, _)| p.id == physician_id) {
            return Err(RecordError::Invalid(NOT_ELIGIBLE.into()));
        }
        set_physician(conn, interview_id, physician_id, i.physician_id)?;
        let dir = Directory::load(conn)?;
        let ph = dir.user(Some(physician_id));
        audit::log(
            conn,
            Some(actor),
            Category::Change,
            "interview assign",
            serde_json::json!({
                "interview_id": interview_id,
                "staff_id": d.staff_id,
                "month": i.month,
                "physician": ph.map(|u| u.login.clone()),
                "previous_physician": i.physician_id.and_then(|p| dir.user(Some(p))).map(|u| u.login.clone()),
            }),
            now,
        )?;
        if let Some((ph, to)) = ph.and_then(|u| u.email.as_deref().map(|to| (u, to))) {
            let month = YearMonth::parse(&i.month).ok_or(RecordError::NotFound)?;
            let (_, c) = compute_one(conn, &settings.rules, &d, month, today)?;
            let mail = mails::interview_assigned(&facts(settings, &d, &i.month, &c), to, &display_name(ph), i.deadline);
            let topic = Topic {
                reason: MailKind::InterviewAssigned,
                doctor_id: Some(d.id),
                month: Some(&i.month),
            };
            outbox::enqueue(conn, &topic, mail, now)?;
        }
        Ok(find_interview(conn, interview_id)?)
    })
}

/// Sets the interview's 予定日時 (today or later, before it is held),
/// logs it, and mails the physician and the doctor the updated invitation
/// (SEQUENCE = the number of times a time was set). Returns the interview
/// and the SEQUENCE.
pub fn schedule(
    conn: &mut AnyConnection,
    settings: &Settings,
    interview_id: i64,
    at: NaiveDateTime,
    actor: &str,
    now: NaiveDateTime,
) -> Result<(Interview, i64), RecordError> {
    let today = now.date();
    write_transaction(conn, |conn| -> Result<(Interview, i64), RecordError> {
        let (i, d, _, _) = interview(conn, interview_id)?;
        check_schedule(at, today, i.held_on.is_some()).map_err(|p| RecordError::Invalid(p.message().into()))?;
        let sequence = set_schedule(
            conn,
            &NewInterviewSchedule {
                interview_id,
                scheduled_at: at,
                set_by: actor,
                set_at: now,
            },
        )?;
        audit::log(
            conn,
            Some(actor),
            Category::Change,
            "interview schedule",
            serde_json::json!({
                "interview_id": interview_id,
                "staff_id": d.staff_id,
                "month": i.month,
                "scheduled_at": at.format("%Y-%m-%dT%H:%M").to_string(),
                "previous": i.scheduled_at.map(|t| t.format("%Y-%m-%dT%H:%M").to_string()),
                "sequence": sequence,
            }),
            now,
        )?;
        let dir = Directory::load(conn)?;
        let physician = dir.user(i.physician_id);
        if let Some((ph, ph_to)) = physician.and_then(|u| u.email.as_deref().map(|to| (u, to))) {
            let month = YearMonth::parse(&i.month).ok_or(RecordError::NotFound)?;
            let (_, c) = compute_one(conn, &settings.rules, &d, month, today)?;
            let f = facts(settings, &d, &i.month, &c);
            let ph_name = display_name(ph);
            let s = Scheduled {
                at,
                deadline: i.deadline,
                sequence,
                set_at: now,
                utc_offset_secs: settings.timezone.local_minus_utc(),
                physician_to: ph_to,
                physician_name: &ph_name,
                doctor_to: d.email.as_deref(),
            };
            let key = format!("{}#{sequence}", i.month);
            let topic = Topic {
                reason: MailKind::InterviewScheduled,
                doctor_id: Some(d.id),
                month: Some(&key),
            };
            outbox::enqueue(conn, &topic, mails::interview_scheduled(&f, ph_to, &ph_name, &s), now)?;
            if let Some(to) = d.email.as_deref() {
                outbox::enqueue(conn, &topic, mails::interview_scheduled(&f, to, &d.name, &s), now)?;
            }
        }
        let i = find_interview(conn, interview_id)?;
        Ok((i, sequence))
    })
}

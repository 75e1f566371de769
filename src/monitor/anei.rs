//! The 安衛法 80 h notice at the monthly check (rules §16, 労働安全衛生規則
//! 第52条の2): each doctor whose hours beyond 40 a week passed 80 in the
//! closed agreement month is told, by mail through the outbox, the excess
//! and how to ask for the 面接指導; the 産業医 (config
//! `occupational_physician_email`) gets the names and excesses.
//!
//! Each notice is recorded once per doctor and month (`anei_notices`), so a
//! later check of the month never notifies again: it mails a notice that
//! could not be sent before once the doctor has an address, and lists to the
//! 産業医 only the notices no list has named yet. A doctor without an address
//! is recorded as not sent and named in the check's output for HR.

use super::mailer::Mail;
use super::mails::{anei_notice_doctor, anei_physician_list, AneiLine, AneiMonth};
use super::outbox::{self, dedupe_key, MailKind, Topic};
use crate::config::Settings;
use crate::db::models::Doctor;
use crate::db::monthly::{
    anei_lists_of_month, anei_notices_of_month, insert_anei_notice, set_anei_listed, set_anei_notice_queued,
    NewAneiNotice, NOTICE_NOT_SENT, NOTICE_QUEUED,
};
use crate::db::AnyConnection;
use crate::domain::time::YearMonth;
use crate::month::DoctorComputation;
use chrono::NaiveDateTime;
use diesel::result::QueryResult;
use std::collections::HashMap;

/// What the notice step of one check did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AneiOutcome {
    /// Staff ids over the line in the month as computed now.
    pub over_80: Vec<String>,
    /// Mails queued by this check: the doctors' and the 産業医's list.
    pub queued: usize,
    /// Staff ids of the month's notices that could not be mailed (no
    /// address): for HR.
    pub not_sent: Vec<String>,
}

fn address(d: &Doctor) -> Option<&str> {
    d.email.as_deref().map(str::trim).filter(|e| !e.is_empty())
}

/// Records and queues the month's notices; runs in the monthly check's
/// write transaction, on the month computed as of its last day.
pub fn notify(
    conn: &mut AnyConnection,
    settings: &Settings,
    month: YearMonth,
    now: NaiveDateTime,
    computed: &[(Doctor, DoctorComputation)],
) -> QueryResult<AneiOutcome> {
    let code = month.to_string();
    let m = AneiMonth {
        hospital: &settings.hospital_name,
        base_url: &settings.base_url,
        month: &code,
        first_day: month.first_day(),
        last_day: month.last_day(),
    };
    let mut out = AneiOutcome::default();
    let recorded: HashMap<i64, _> = anei_notices_of_month(conn, &code)?
        .into_iter()
        .map(|(n, _)| (n.doctor_id, n))
        .collect();
    let topic = |d: &Doctor| Topic {
        reason: MailKind::AneiNotice,
        doctor_id: Some(d.id),
        month: Some(&code),
    };
    for (d, c) in computed {
        let a = &c.projection.actual;
        if a.anei_over_80 {
            out.over_80.push(d.staff_id.clone());
        }
        match recorded.get(&d.id) {
            // Never twice: a recorded notice is only mailed late, once the
            // doctor has an address, with the excess it recorded.
            Some(n) if n.status == NOTICE_NOT_SENT => {
                if let Some(to) = address(d) {
                    let mail = anei_notice_doctor(&m, to, &d.name, n.excess_minutes.into());
                    let key = dedupe_key(&topic(d), &mail.to);
                    out.queued += usize::from(outbox::enqueue(conn, &topic(d), mail, now)?);
                    set_anei_notice_queued(conn, n.id, &key)?;
                }
            }
            Some(_) => {}
            None if a.anei_over_80 => {
                let excess = i32::try_from(a.anei_excess_minutes).unwrap_or(i32::MAX);
                let mail: Option<Mail> = address(d).map(|to| anei_notice_doctor(&m, to, &d.name, excess.into()));
                let mail_key = mail.as_ref().map(|mail| dedupe_key(&topic(d), &mail.to));
                insert_anei_notice(
                    conn,
                    &NewAneiNotice {
                        doctor_id: d.id,
                        month: &code,
                        total_minutes: i32::try_from(a.anei_total_minutes).unwrap_or(i32::MAX),
                        excess_minutes: excess,
                        status: if mail.is_some() { NOTICE_QUEUED } else { NOTICE_NOT_SENT },
                        mail_key,
                        recorded_at: now,
                    },
                )?;
                if let Some(mail) = mail {
                    out.queued += usize::from(outbox::enqueue(conn, &topic(d), mail, now)?);
                }
            }
            None => {}
        }
    }

    let notices = anei_notices_of_month(conn, &code)?;
    out.not_sent = notices
        .iter()
        .filter(|(n, _)| n.status == NOTICE_NOT_SENT)
        .map(|(_, d)| d.staff_id.clone())
        .collect();

    // The 産業医: the notices no list has named yet, in one mail.
    let to = settings
        .occupational_physician_email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    let unlisted: Vec<_> = notices
        .iter()
        .filter(|(n, _)| n.physician_listed_at.is_none())
        .collect();
    if let (Some(to), false) = (to, unlisted.is_empty()) {
        let lines: Vec<AneiLine> = unlisted
            .iter()
            .map(|(n, d)| AneiLine {
                staff_id: &d.staff_id,
                name: &d.name,
                department: d.department.as_deref(),
                excess_minutes: n.excess_minutes.into(),
                doctor_not_mailed: n.status == NOTICE_NOT_SENT,
            })
            .collect();
        // One list per check that finds new notices: the first is keyed by
        // the month, each later one by the month and its number.
        let earlier = anei_lists_of_month(conn, &code)?;
        let key = if earlier == 0 {
            code.clone()
        } else {
            format!("{code}#{}", earlier + 1)
        };
        let mail = anei_physician_list(&m, to, &lines, earlier > 0);
        let list_topic = Topic {
            reason: MailKind::AneiPhysicianList,
            doctor_id: None,
            month: Some(&key),
        };
        out.queued += usize::from(outbox::enqueue(conn, &list_topic, mail, now)?);
        let ids: Vec<i64> = unlisted.iter().map(|(n, _)| n.id).collect();
        set_anei_listed(conn, &ids, now)?;
    }
    Ok(out)
}

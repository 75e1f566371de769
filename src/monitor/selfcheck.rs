//! A doctor's self-check, stored, and acted on (issue 13 item 8): one that
//! asks for an interview (面接指導を希望する) mails the doctor's manager and
//! the physician of the month's open interview, through the outbox, once a
//! month each (the outbox's dedupe key), and goes on the manager's list
//! (`db::worklist::interview_requests`).

use super::directory::{display_name, Directory};
use super::mails::{self, Requester};
use super::outbox::{self, MailKind, Topic};
use super::records::{record_selfcheck, RecordError};
use crate::config::Settings;
use crate::db::interviews::open_interview_in;
use crate::db::models::Doctor;
use crate::db::{write_transaction, AnyConnection};
use crate::domain::selfcheck::SelfCheckResult;
use crate::domain::time::YearMonth;
use chrono::NaiveDateTime;

/// Stores the self-check; when it asks for an interview, queues the mails.
/// Returns how many mails were queued now (0 when they were already).
pub fn record(
    conn: &mut AnyConnection,
    settings: &Settings,
    d: &Doctor,
    r: &SelfCheckResult,
    now: NaiveDateTime,
) -> Result<usize, RecordError> {
    write_transaction(conn, |conn| -> Result<usize, RecordError> {
        record_selfcheck(conn, d, r, now)?;
        if !r.wish {
            return Ok(0);
        }
        let month = YearMonth::of(now.date());
        let m = month.to_string();
        let dir = Directory::load(conn)?;
        let mut to = Vec::new();
        if let Some(u) = dir.manager_of(d) {
            to.push(u.clone());
        }
        if let Some(i) = open_interview_in(conn, d.id, month)? {
            if let Some(u) = dir.user(i.physician_id) {
                to.push(u.clone());
            }
        }
        let who = Requester {
            hospital: &settings.hospital_name,
            base_url: &settings.base_url,
            staff_id: &d.staff_id,
            name: &d.name,
            month: &m,
        };
        let topic = Topic {
            reason: MailKind::InterviewRequested,
            doctor_id: Some(d.id),
            month: Some(&m),
        };
        let mut queued = 0;
        for u in to {
            if let Some(addr) = u.email.as_deref() {
                if outbox::enqueue(
                    conn,
                    &topic,
                    mails::interview_requested(&who, addr, &display_name(&u)),
                    now,
                )? {
                    queued += 1;
                }
            }
        }
        Ok(queued)
    })
}

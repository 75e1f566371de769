//! The mail outbox: every alert is written here in the transaction of the
//! event that causes it, and sent afterwards.
//!
//! A mail's `dedupe_key` (reason/doctor/month/recipient) is unique, so the
//! same alert can never be queued twice, whichever process tries. Sending
//! claims mails in a write transaction first, so two instances never send
//! the same mail; a failed send goes back to the queue with its error and a
//! back-off; a claim left by a crashed process is taken back after a short
//! lease.
//!
//! The claim is a lease of [`CLAIM_LEASE_SECONDS`] (2 minutes), renewed
//! right before each mail of the batch is handed to the relay; the renewal
//! only succeeds while the claim is still this sender's, so a mail taken
//! over by another sender is skipped. One send is bounded by the SMTP
//! timeout (each connection step and command at most 10 s, about 80 s for a
//! whole mail), shorter than the lease: a live sender's claim never lapses
//! while it talks to the relay. A crash after the relay's 250 but before the
//! outbox update leaves the mail claimed; after the lease another sender
//! sends it again, with the same Message-ID (`Mailer::message_id_for` of its
//! dedupe key), by which receivers and mail stores recognise the duplicate.

use super::mailer::{Mail, Mailer};
use crate::db::models::{NewOutboxMail, OutboxMail};
use crate::db::outbox::{
    claim_mails, count_with_dedupe_key, due_mails, insert_mail, mark_sent, renew_claim, requeue_failed,
};
use crate::db::{write_transaction, AnyConnection};
use chrono::{Duration, NaiveDateTime, Timelike};
use diesel::result::QueryResult;

pub use crate::db::outbox::{QUEUED, SENDING, SENT};

/// A claim not renewed for this long is considered abandoned (the sender
/// crashed): twelve SMTP timeouts, longer than one whole send can take.
pub const CLAIM_LEASE_SECONDS: i64 = 12 * super::mailer::TIMEOUT.as_secs() as i64;
/// Mails claimed per round.
const BATCH: i64 = 50;

/// The kinds of mail kinmu sends, stored as an outbox row's `reason` (the
/// first part of its dedupe key): one code each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailKind {
    /// To the physician: an interview was assigned to them.
    InterviewAssigned,
    /// To the doctor: an interview is scheduled.
    InterviewNotice,
    /// To the manager: a pre-check (事前確認) is needed.
    PrecheckNeeded,
    /// To the manager and physician: the deadline passed without it.
    InterviewOverdue,
    /// To the manager: measures (就業上の措置) must be recorded.
    MeasuresNeeded,
    /// To HR: discrepancies (乖離) wait for a decision.
    DiscrepanciesWaiting,
    /// To administrators: accounts were disabled.
    AccountsDisabled,
    /// To administrators: the access log's newest entry, to keep apart.
    AccessLogAnchor,
    /// To HR: a file of the intake folder was refused (one mail per file).
    IntakeRejected,
    /// To the manager and HR: an interview case opened after its deadline
    /// (data that came late).
    InterviewFoundLate,
    /// To the manager and HR: a measures case opened after its month closed.
    MeasuresFoundLate,
    /// To the physician and the doctor: the interview's 予定日時 was set
    /// (one mail per time set: the invitation's SEQUENCE is in the topic).
    InterviewScheduled,
    /// To the manager and the physician: a doctor's self-check asks for an
    /// interview (面接指導を希望する).
    InterviewRequested,
    /// To the doctor, at the monthly check: the 安衛法 80 h line was passed
    /// (rules §16), and how to ask for the 面接指導.
    AneiNotice,
    /// To the 産業医, at the monthly check: the doctors over the 安衛法 80 h
    /// line and their excesses (one list per check that finds new ones).
    AneiPhysicianList,
    /// To the manager: a 代償休息 (or 配慮) falls due within
    /// `comp_rest_reminder_days` (rules §11.12; one mail per entry).
    CompRestDue,
    /// To the manager: a 代償休息 (or 配慮) is past its due date unpaid.
    CompRestOverdue,
}

impl MailKind {
    pub const ALL: [MailKind; 17] = [
        MailKind::InterviewAssigned,
        MailKind::InterviewNotice,
        MailKind::PrecheckNeeded,
        MailKind::InterviewOverdue,
        MailKind::MeasuresNeeded,
        MailKind::DiscrepanciesWaiting,
        MailKind::AccountsDisabled,
        MailKind::AccessLogAnchor,
        MailKind::IntakeRejected,
        MailKind::InterviewFoundLate,
        MailKind::MeasuresFoundLate,
        MailKind::InterviewScheduled,
        MailKind::InterviewRequested,
        MailKind::AneiNotice,
        MailKind::AneiPhysicianList,
        MailKind::CompRestDue,
        MailKind::CompRestOverdue,
    ];

    /// The code stored with the mail.
    pub fn code(self) -> &'static str {
        match self {
            MailKind::InterviewAssigned => "interview_assigned",
            MailKind::InterviewNotice => "interview_notice",
            MailKind::PrecheckNeeded => "precheck_needed",
            MailKind::InterviewOverdue => "interview_overdue",
            MailKind::MeasuresNeeded => "measures_needed",
            MailKind::DiscrepanciesWaiting => "discrepancies_waiting",
            MailKind::AccountsDisabled => "accounts_disabled",
            MailKind::AccessLogAnchor => "access_log_anchor",
            MailKind::IntakeRejected => "intake_rejected",
            MailKind::InterviewFoundLate => "interview_found_late",
            MailKind::MeasuresFoundLate => "measures_found_late",
            MailKind::InterviewScheduled => "interview_scheduled",
            MailKind::InterviewRequested => "interview_requested",
            MailKind::AneiNotice => "anei_notice",
            MailKind::AneiPhysicianList => "anei_physician_list",
            MailKind::CompRestDue => "comp_rest_due",
            MailKind::CompRestOverdue => "comp_rest_overdue",
        }
    }
}

/// What a mail is about: it makes the dedupe key.
#[derive(Debug, Clone)]
pub struct Topic<'a> {
    pub reason: MailKind,
    pub doctor_id: Option<i64>,
    pub month: Option<&'a str>,
}

/// Queues `mail` unless a mail with the same topic and recipient was ever
/// queued. Returns whether it was queued. Call inside the event's transaction.
pub fn enqueue(conn: &mut AnyConnection, topic: &Topic, mail: Mail, now: NaiveDateTime) -> QueryResult<bool> {
    let key = dedupe_key(topic, &mail.to);
    if count_with_dedupe_key(conn, &key)? > 0 {
        return Ok(false);
    }
    insert_mail(
        conn,
        &NewOutboxMail {
            dedupe_key: key,
            reason: topic.reason.code().into(),
            doctor_id: topic.doctor_id,
            month: topic.month.map(Into::into),
            recipient: mail.to,
            subject: mail.subject,
            body_text: mail.text,
            body_html: mail.html,
            ics: mail.ics,
            status: QUEUED.into(),
            next_attempt_at: now,
            created_at: now,
        },
    )?;
    Ok(true)
}

/// The dedupe key of a mail about `topic` to `to`: reason/doctor/month/recipient.
pub fn dedupe_key(topic: &Topic, to: &str) -> String {
    format!(
        "{}/{}/{}/{}",
        topic.reason.code(),
        topic.doctor_id.map(|d| d.to_string()).unwrap_or_default(),
        topic.month.unwrap_or(""),
        to
    )
}

/// The wait before the next attempt after `attempts` failures: 5 min,
/// doubling, at most 6 h.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 8) - 1;
    Duration::minutes((5i64 << exp).min(360))
}

/// The result of one flush.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flushed {
    pub sent: usize,
    pub failed: usize,
}

/// Sends what is due. With `ignore_backoff` every queued mail is tried now
/// (the daily run); otherwise only mails whose back-off has passed.
pub fn flush(
    conn: &mut AnyConnection,
    mailer: &Mailer,
    now: NaiveDateTime,
    ignore_backoff: bool,
) -> QueryResult<Flushed> {
    let mut result = Flushed::default();
    if !mailer.is_configured() {
        tracing::warn!("smtp_url is not set: mails stay queued");
        return Ok(result);
    }
    let mut tried: Vec<i64> = Vec::new();
    // `now` moves on with the real time spent in this flush, for the claims.
    let started = std::time::Instant::now();
    let clock = || micros(now + Duration::from_std(started.elapsed()).unwrap_or_default());
    loop {
        let (batch, claimed_at) = claim(conn, clock(), ignore_backoff, &tried)?;
        if batch.is_empty() {
            return Ok(result);
        }
        for m in batch {
            tried.push(m.id);
            // Renew the lease just before sending, only if the claim is
            // still ours (it may have lapsed while earlier mails were sent).
            let renewed_at = clock();
            let renewed = renew_claim(conn, m.id, claimed_at, renewed_at)?;
            if renewed == 0 {
                tracing::warn!(mail = m.id, "mail claimed by another sender meanwhile; skipped");
                continue;
            }
            let mail = Mail {
                to: m.recipient.clone(),
                subject: m.subject.clone(),
                text: m.body_text.clone(),
                html: m.body_html.clone(),
                ics: m.ics.clone(),
            };
            match mailer.send_with_id(&mail, Some(&mailer.message_id_for(&m.dedupe_key))) {
                Ok(()) => {
                    mark_sent(conn, m.id, now)?;
                    result.sent += 1;
                }
                Err(e) => {
                    tracing::warn!(mail = m.id, to = %m.recipient, error = %e, "mail not sent; it stays queued");
                    let attempts = m.attempts + 1;
                    // Only while still ours: never put back a mail that
                    // another sender has taken over (and maybe sent).
                    requeue_failed(conn, m.id, renewed_at, attempts, e.to_string(), now + backoff(attempts))?;
                    result.failed += 1;
                }
            }
        }
    }
}

/// A time with whole microseconds, as both databases store it, so a claim
/// written can be compared for equality when read back.
fn micros(t: NaiveDateTime) -> NaiveDateTime {
    t.with_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t)
}

/// Claims a batch of due mails for this sender (skipping those already
/// tried in this flush), as of `at`; returns them and the claim time.
fn claim(
    conn: &mut AnyConnection,
    at: NaiveDateTime,
    ignore_backoff: bool,
    tried: &[i64],
) -> QueryResult<(Vec<OutboxMail>, NaiveDateTime)> {
    write_transaction(conn, |conn| {
        let stale = at - Duration::seconds(CLAIM_LEASE_SECONDS);
        let batch: Vec<OutboxMail> = due_mails(conn, at, stale, ignore_backoff, tried, BATCH)?;
        let ids: Vec<i64> = batch.iter().map(|m| m.id).collect();
        if !ids.is_empty() {
            claim_mails(conn, ids, at)?;
        }
        Ok((batch, at))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lease_outlasts_one_whole_send_and_is_two_minutes() {
        assert_eq!(CLAIM_LEASE_SECONDS, 120);
        // A connection and about seven commands, each within the timeout.
        const { assert!(8 * super::super::mailer::TIMEOUT.as_secs() < CLAIM_LEASE_SECONDS as u64) };
    }

    #[test]
    fn back_off_doubles_from_five_minutes_up_to_six_hours() {
        assert_eq!(backoff(1), Duration::minutes(5));
        assert_eq!(backoff(2), Duration::minutes(10));
        assert_eq!(backoff(4), Duration::minutes(40));
        assert_eq!(backoff(7), Duration::minutes(320));
        assert_eq!(backoff(8), Duration::minutes(360));
        assert_eq!(backoff(50), Duration::minutes(360));
    }
}

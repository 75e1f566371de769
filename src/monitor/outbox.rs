//! The mail outbox: every alert is written here in the transaction of the
//! event that causes it, and sent afterwards.
//!
//! A mail's `dedupe_key` (reason/doctor/month/recipient) is unique, so the
//! same alert can never be queued twice, whichever process tries. Sending
//! claims mails in a write transaction first, so two instances never send
//! the same mail; a failed send goes back to the queue with its error and a
//! back-off; a claim left by a crashed process is taken back after a while.

use super::mailer::{Mail, Mailer};
use crate::db::models::{NewOutboxMail, OutboxMail};
use crate::db::schema::outbox;
use crate::db::{write_transaction, AnyConnection};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

pub const QUEUED: &str = "queued";
pub const SENDING: &str = "sending";
pub const SENT: &str = "sent";

/// A claim older than this is considered abandoned (the sender crashed).
const CLAIM_TIMEOUT_MINUTES: i64 = 10;
/// Mails claimed per round.
const BATCH: i64 = 50;

/// What a mail is about: it makes the dedupe key.
#[derive(Debug, Clone)]
pub struct Topic<'a> {
    pub reason: &'a str,
    pub doctor_id: Option<i64>,
    pub month: Option<&'a str>,
}

/// Queues `mail` unless a mail with the same topic and recipient was ever
/// queued. Returns whether it was queued. Call inside the event's transaction.
pub fn enqueue(conn: &mut AnyConnection, topic: &Topic, mail: Mail, now: NaiveDateTime) -> QueryResult<bool> {
    let key = format!(
        "{}/{}/{}/{}",
        topic.reason,
        topic.doctor_id.map(|d| d.to_string()).unwrap_or_default(),
        topic.month.unwrap_or(""),
        mail.to
    );
    let exists: i64 = outbox::table
        .filter(outbox::dedupe_key.eq(&key))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    diesel::insert_into(outbox::table)
        .values(&NewOutboxMail {
            dedupe_key: key,
            reason: topic.reason.into(),
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
        })
        .execute(conn)?;
    Ok(true)
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
    loop {
        let batch = claim(conn, now, ignore_backoff, &tried)?;
        if batch.is_empty() {
            return Ok(result);
        }
        for m in batch {
            tried.push(m.id);
            let mail = Mail {
                to: m.recipient.clone(),
                subject: m.subject.clone(),
                text: m.body_text.clone(),
                html: m.body_html.clone(),
                ics: m.ics.clone(),
            };
            match mailer.send(&mail) {
                Ok(()) => {
                    diesel::update(outbox::table.find(m.id))
                        .set((
                            outbox::status.eq(SENT),
                            outbox::sent_at.eq(Some(now)),
                            outbox::last_error.eq(None::<String>),
                        ))
                        .execute(conn)?;
                    result.sent += 1;
                }
                Err(e) => {
                    tracing::warn!(mail = m.id, to = %m.recipient, error = %e, "mail not sent; it stays queued");
                    let attempts = m.attempts + 1;
                    diesel::update(outbox::table.find(m.id))
                        .set((
                            outbox::status.eq(QUEUED),
                            outbox::attempts.eq(attempts),
                            outbox::last_error.eq(Some(e.to_string())),
                            outbox::next_attempt_at.eq(now + backoff(attempts)),
                            outbox::claimed_at.eq(None::<NaiveDateTime>),
                        ))
                        .execute(conn)?;
                    result.failed += 1;
                }
            }
        }
    }
}

/// Claims a batch of due mails for this sender (skipping those already
/// tried in this flush).
fn claim(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    ignore_backoff: bool,
    tried: &[i64],
) -> QueryResult<Vec<OutboxMail>> {
    write_transaction(conn, |conn| {
        let stale = now - Duration::minutes(CLAIM_TIMEOUT_MINUTES);
        let mut q = outbox::table
            .filter(
                outbox::status
                    .eq(QUEUED)
                    .or(outbox::status.eq(SENDING).and(outbox::claimed_at.lt(stale))),
            )
            .filter(outbox::id.ne_all(tried.to_vec()))
            .order(outbox::id)
            .limit(BATCH)
            .select(OutboxMail::as_select())
            .into_boxed::<crate::db::MultiBackend>();
        if !ignore_backoff {
            q = q.filter(outbox::next_attempt_at.le(now));
        }
        let batch: Vec<OutboxMail> = q.load(conn)?;
        let ids: Vec<i64> = batch.iter().map(|m| m.id).collect();
        if !ids.is_empty() {
            diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
                .set((outbox::status.eq(SENDING), outbox::claimed_at.eq(Some(now))))
                .execute(conn)?;
        }
        Ok(batch)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

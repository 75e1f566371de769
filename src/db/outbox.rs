//! The `outbox` table of queued mails, and the `job_runs` record of the
//! monitoring jobs. When a mail is queued, claimed, sent or put back is
//! `monitor::outbox`'s rule; this module only reads and stores rows.

use super::models::{NewOutboxMail, OutboxMail};
use super::schema::{job_runs, outbox};
use super::{AnyConnection, MultiBackend};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::QueryResult;

/// The status of a mail waiting to be sent.
pub const QUEUED: &str = "queued";
/// The status of a mail claimed by a sender.
pub const SENDING: &str = "sending";
/// The status of a mail handed to the relay.
pub const SENT: &str = "sent";

/// The number of mails with a dedupe key (0 or 1: the key is unique).
pub fn count_with_dedupe_key(conn: &mut AnyConnection, key: &str) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::dedupe_key.eq(key))
        .count()
        .get_result(conn)
}

/// Queues a mail.
pub fn insert_mail(conn: &mut AnyConnection, new: &NewOutboxMail) -> QueryResult<usize> {
    diesel::insert_into(outbox::table).values(new).execute(conn)
}

/// Up to `limit` mails to send, by id: queued ones (only those due by `at`
/// unless `ignore_backoff`) and those whose claim is older than `stale`,
/// except the ids in `skip`.
pub fn due_mails(
    conn: &mut AnyConnection,
    at: NaiveDateTime,
    stale: NaiveDateTime,
    ignore_backoff: bool,
    skip: &[i64],
    limit: i64,
) -> QueryResult<Vec<OutboxMail>> {
    let mut q = outbox::table
        .filter(
            outbox::status
                .eq(QUEUED)
                .or(outbox::status.eq(SENDING).and(outbox::claimed_at.lt(stale))),
        )
        .filter(outbox::id.ne_all(skip.to_vec()))
        .order(outbox::id)
        .limit(limit)
        .select(OutboxMail::as_select())
        .into_boxed::<MultiBackend>();
    if !ignore_backoff {
        q = q.filter(outbox::next_attempt_at.le(at));
    }
    q.load(conn)
}

/// Marks mails as claimed (sending) at `at`.
pub fn claim_mails(conn: &mut AnyConnection, ids: Vec<i64>, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
        .set((outbox::status.eq(SENDING), outbox::claimed_at.eq(Some(at))))
        .execute(conn)
}

/// Moves a mail's claim from `claimed_at` to `renewed_at`, only while it is
/// still claimed at `claimed_at`; returns the rows changed (0 or 1).
pub fn renew_claim(
    conn: &mut AnyConnection,
    id: i64,
    claimed_at: NaiveDateTime,
    renewed_at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq(SENDING))
            .filter(outbox::claimed_at.eq(Some(claimed_at))),
    )
    .set(outbox::claimed_at.eq(Some(renewed_at)))
    .execute(conn)
}

/// Marks a mail as sent at `at`, clearing its last error.
pub fn mark_sent(conn: &mut AnyConnection, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(SENT),
            outbox::sent_at.eq(Some(at)),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
}

/// Puts a failed mail back in the queue with its attempts, error and next
/// attempt, only while it is still claimed at `claimed_at`.
pub fn requeue_failed(
    conn: &mut AnyConnection,
    id: i64,
    claimed_at: NaiveDateTime,
    attempts: i32,
    error: String,
    next_attempt_at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq(SENDING))
            .filter(outbox::claimed_at.eq(Some(claimed_at))),
    )
    .set((
        outbox::status.eq(QUEUED),
        outbox::attempts.eq(attempts),
        outbox::last_error.eq(Some(error)),
        outbox::next_attempt_at.eq(next_attempt_at),
        outbox::claimed_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
}

/// Records a finished run of a monitoring job.
pub fn insert_job_run(
    conn: &mut AnyConnection,
    job: &str,
    as_of: NaiveDate,
    month: &str,
    at: NaiveDateTime,
    summary: &str,
) -> QueryResult<usize> {
    diesel::insert_into(job_runs::table)
        .values((
            job_runs::job.eq(job),
            job_runs::as_of.eq(as_of),
            job_runs::month.eq(month),
            job_runs::started_at.eq(at),
            job_runs::finished_at.eq(at),
            job_runs::summary.eq(summary),
        ))
        .execute(conn)
}

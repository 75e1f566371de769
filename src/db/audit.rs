//! The `audit_log` table: appending an entry whose chain and signature
//! `crate::audit` has computed, and reading entries back (by filter, by id,
//! a page at a time in id order). What an entry means and how the chain is
//! checked is `crate::audit`.

use super::models::{AuditEntry, NewAuditEntry};
use super::schema::audit_log;
use super::AnyConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::QueryResult;

/// The hash of the newest access-log entry (`""` for an empty log): what
/// the next entry chains onto. Read inside the writer's transaction.
pub fn newest_audit_hash(conn: &mut AnyConnection) -> QueryResult<String> {
    Ok(audit_log::table
        .select(audit_log::hash)
        .order(audit_log::id.desc())
        .first(conn)
        .optional()?
        .unwrap_or_default())
}

/// Stores one access-log entry whose place in the chain (`prev_hash`,
/// `hash`) and signature `crate::audit` has computed. Only `crate::audit`
/// calls this, inside its write transaction.
pub fn append_audit_row(
    conn: &mut AnyConnection,
    entry: &NewAuditEntry,
    prev_hash: &str,
    hash: &str,
    hmac: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(entry.at),
            audit_log::actor.eq(entry.actor.as_deref()),
            audit_log::category.eq(&entry.category),
            audit_log::operation.eq(&entry.operation),
            audit_log::detail.eq(&entry.detail),
            audit_log::prev_hash.eq(prev_hash),
            audit_log::hmac.eq(hmac),
            audit_log::hash.eq(hash),
        ))
        .execute(conn)
        .map(drop)
}

/// Entries at or after `from`, before `before`, of `actor` and `category`
/// (each when given), newest first, `limit` from `offset`.
pub fn audit_entries(
    conn: &mut AnyConnection,
    from: Option<NaiveDateTime>,
    before: Option<NaiveDateTime>,
    actor: Option<&str>,
    category: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<AuditEntry>> {
    let mut q = audit_log::table.select(AuditEntry::as_select()).into_boxed();
    if let Some(from) = from {
        q = q.filter(audit_log::at.ge(from));
    }
    if let Some(before) = before {
        q = q.filter(audit_log::at.lt(before));
    }
    if let Some(actor) = actor {
        q = q.filter(audit_log::actor.eq(actor.to_string()));
    }
    if let Some(category) = category {
        q = q.filter(audit_log::category.eq(category.to_string()));
    }
    q.order(audit_log::id.desc()).limit(limit).offset(offset).load(conn)
}

/// The hash of the entry with this id, if it is there.
pub fn audit_hash_of(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<String>> {
    audit_log::table.find(id).select(audit_log::hash).first(conn).optional()
}

/// Up to `limit` entries with ids above `after`, in id order.
pub fn audit_page_after(conn: &mut AnyConnection, after: i64, limit: i64) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .filter(audit_log::id.gt(after))
        .order(audit_log::id.asc())
        .limit(limit)
        .select(AuditEntry::as_select())
        .load(conn)
}

/// How many entries carry a signature (`hmac`).
pub fn signed_audit_count(conn: &mut AnyConnection) -> QueryResult<i64> {
    audit_log::table
        .filter(audit_log::hmac.is_not_null())
        .count()
        .get_result(conn)
}

/// The id and hash of the newest entry, if there is one.
pub fn newest_audit_entry(conn: &mut AnyConnection) -> QueryResult<Option<(i64, String)>> {
    audit_log::table
        .select((audit_log::id, audit_log::hash))
        .order(audit_log::id.desc())
        .first(conn)
        .optional()
}

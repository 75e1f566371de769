//! 代償休息 records (rules §11.11, §11.12, formats.md R.4): the grants HR
//! records (`comp_rest_grants`) and HR's reasons on ledger entries
//! (`comp_rest_reasons`). The entries themselves are computed from the rows
//! each time (`month::rest`); a reason is kept by what names an entry for
//! good: doctor, cause and the minute it arose.

use super::schema::{comp_rest_grants, comp_rest_reasons};
use super::AnyConnection;
use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::QueryResult;
use std::collections::HashMap;

/// A grant record as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = comp_rest_grants)]
pub struct StoredGrant {
    pub id: i64,
    pub doctor_id: i64,
    pub start_at: NaiveDateTime,
    pub end_at: NaiveDateTime,
    pub method: Option<String>,
    pub note: Option<String>,
    pub recorded_by: String,
    pub updated_at: NaiveDateTime,
}

/// A grant record to insert or correct (key: doctor, start).
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset)]
#[diesel(table_name = comp_rest_grants, treat_none_as_null = true)]
pub struct NewGrant {
    pub doctor_id: i64,
    pub start_at: NaiveDateTime,
    pub end_at: NaiveDateTime,
    pub method: Option<String>,
    pub note: Option<String>,
    pub recorded_by: String,
    pub updated_at: NaiveDateTime,
}

impl NewGrant {
    /// What the audit log records of a grant.
    pub fn fields(&self) -> serde_json::Value {
        serde_json::json!({
            "doctor_id": self.doctor_id,
            "start": self.start_at,
            "end": self.end_at,
            "method": self.method,
            "note": self.note,
        })
    }
}

impl StoredGrant {
    /// What the audit log records before a correction.
    pub fn fields(&self) -> serde_json::Value {
        serde_json::json!({
            "doctor_id": self.doctor_id,
            "start": self.start_at,
            "end": self.end_at,
            "method": self.method,
            "note": self.note,
        })
    }
}

/// The grants of some doctors (all when `None`) starting before `before`,
/// by doctor and start.
pub fn grants_of(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
    before: NaiveDateTime,
) -> QueryResult<HashMap<i64, Vec<StoredGrant>>> {
    by_doctor(
        doctor_ids,
        |g: &StoredGrant| g.doctor_id,
        |ids| {
            let mut q = comp_rest_grants::table
                .filter(comp_rest_grants::start_at.lt(before))
                .select(StoredGrant::as_select())
                .order((comp_rest_grants::doctor_id, comp_rest_grants::start_at))
                .into_boxed::<super::MultiBackend>();
            if let Some(ids) = ids {
                q = q.filter(comp_rest_grants::doctor_id.eq_any(ids));
            }
            q.load(conn)
        },
    )
}

/// Rows of some doctors (all when `None`) grouped by doctor: `load` runs
/// once for all, or once per chunk of 500 ids (a bound on the statement's
/// parameters).
fn by_doctor<T>(
    doctor_ids: Option<&[i64]>,
    doctor_of: impl Fn(&T) -> i64,
    mut load: impl FnMut(Option<Vec<i64>>) -> QueryResult<Vec<T>>,
) -> QueryResult<HashMap<i64, Vec<T>>> {
    let mut out: HashMap<i64, Vec<T>> = HashMap::new();
    let chunks: Vec<Option<Vec<i64>>> = match doctor_ids {
        Some(ids) => ids.chunks(500).map(|c| Some(c.to_vec())).collect(),
        None => vec![None],
    };
    for ids in chunks {
        for row in load(ids)? {
            out.entry(doctor_of(&row)).or_default().push(row);
        }
    }
    Ok(out)
}

/// Every grant of one doctor (the overlap check of an input).
pub fn grants_of_doctor(conn: &mut AnyConnection, doctor_id: i64) -> QueryResult<Vec<StoredGrant>> {
    comp_rest_grants::table
        .filter(comp_rest_grants::doctor_id.eq(doctor_id))
        .select(StoredGrant::as_select())
        .order(comp_rest_grants::start_at)
        .load(conn)
}

pub fn insert_grant(conn: &mut AnyConnection, row: &NewGrant) -> QueryResult<i64> {
    diesel::insert_into(comp_rest_grants::table).values(row).execute(conn)?;
    comp_rest_grants::table
        .filter(comp_rest_grants::doctor_id.eq(row.doctor_id))
        .filter(comp_rest_grants::start_at.eq(row.start_at))
        .select(comp_rest_grants::id)
        .first(conn)
}

pub fn update_grant(conn: &mut AnyConnection, id: i64, row: &NewGrant) -> QueryResult<()> {
    diesel::update(comp_rest_grants::table.find(id))
        .set(row)
        .execute(conn)
        .map(drop)
}

pub fn delete_grant(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(comp_rest_grants::table.find(id)).execute(conn)
}

pub fn grant(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<StoredGrant>> {
    comp_rest_grants::table
        .find(id)
        .select(StoredGrant::as_select())
        .first(conn)
        .optional()
}

/// HR's reason on an entry, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = comp_rest_reasons)]
pub struct StoredReason {
    pub id: i64,
    pub doctor_id: i64,
    pub cause: String,
    pub arose_at: NaiveDateTime,
    pub reason: String,
    pub recorded_by: String,
    pub updated_at: NaiveDateTime,
}

/// The reasons of some doctors (all when `None`), by doctor.
pub fn reasons_of(
    conn: &mut AnyConnection,
    doctor_ids: Option<&[i64]>,
) -> QueryResult<HashMap<i64, Vec<StoredReason>>> {
    by_doctor(
        doctor_ids,
        |r: &StoredReason| r.doctor_id,
        |ids| {
            let mut q = comp_rest_reasons::table
                .select(StoredReason::as_select())
                .into_boxed::<super::MultiBackend>();
            if let Some(ids) = ids {
                q = q.filter(comp_rest_reasons::doctor_id.eq_any(ids));
            }
            q.load(conn)
        },
    )
}

/// Records (or replaces) the reason on an entry; the old one, if any, is
/// returned for the audit log.
pub fn set_reason(
    conn: &mut AnyConnection,
    doctor_id: i64,
    cause: &str,
    arose_at: NaiveDateTime,
    reason: &str,
    by: &str,
) -> QueryResult<Option<String>> {
    let now = Utc::now().naive_utc();
    let old: Option<(i64, String)> = comp_rest_reasons::table
        .filter(comp_rest_reasons::doctor_id.eq(doctor_id))
        .filter(comp_rest_reasons::cause.eq(cause))
        .filter(comp_rest_reasons::arose_at.eq(arose_at))
        .select((comp_rest_reasons::id, comp_rest_reasons::reason))
        .first(conn)
        .optional()?;
    match &old {
        Some((id, _)) => {
            diesel::update(comp_rest_reasons::table.find(*id))
                .set((
                    comp_rest_reasons::reason.eq(reason),
                    comp_rest_reasons::recorded_by.eq(by),
                    comp_rest_reasons::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(comp_rest_reasons::table)
                .values((
                    comp_rest_reasons::doctor_id.eq(doctor_id),
                    comp_rest_reasons::cause.eq(cause),
                    comp_rest_reasons::arose_at.eq(arose_at),
                    comp_rest_reasons::reason.eq(reason),
                    comp_rest_reasons::recorded_by.eq(by),
                    comp_rest_reasons::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    Ok(old.map(|(_, r)| r))
}

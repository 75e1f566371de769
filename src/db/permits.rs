//! The 宿日直許可 register (rules §13.1, formats.md R.3): the `permits`
//! table, read into the domain's [`Permit`]s.
//!
//! Stored values are read leniently: a permit edited outside kinmu into
//! something unreadable is left out (its duty then counts as working time,
//! the safe side), never fails a report.

use super::schema::permits;
use super::AnyConnection;
use crate::domain::permits::{Permit, PermitKind, EVERY_DAY};
use crate::domain::profile::WeekdaySet;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use diesel::result::QueryResult;

/// A permit as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = permits)]
pub struct StoredPermit {
    pub id: i64,
    pub permit_no: String,
    pub granted_on: NaiveDate,
    pub kind: String,
    /// One name a line; empty: every department.
    pub departments: String,
    pub band_start: String,
    pub band_end: String,
    /// `sun,mon,…`; empty: every day.
    pub weekdays: String,
    pub revoked_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub updated_at: NaiveDateTime,
}

/// A permit to insert or update.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = permits, treat_none_as_null = true)]
pub struct NewPermit {
    pub permit_no: String,
    pub granted_on: NaiveDate,
    pub kind: String,
    pub departments: String,
    pub band_start: String,
    pub band_end: String,
    pub weekdays: String,
    pub revoked_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub updated_at: NaiveDateTime,
}

impl StoredPermit {
    /// What the audit log records before a re-import.
    pub fn fields(&self) -> serde_json::Value {
        NewPermit {
            permit_no: self.permit_no.clone(),
            granted_on: self.granted_on,
            kind: self.kind.clone(),
            departments: self.departments.clone(),
            band_start: self.band_start.clone(),
            band_end: self.band_end.clone(),
            weekdays: self.weekdays.clone(),
            revoked_on: self.revoked_on,
            note: self.note.clone(),
            updated_at: self.updated_at,
        }
        .fields()
    }

    /// The rule book's view of it; `None` when a stored value is unreadable.
    pub fn permit(&self) -> Option<Permit> {
        let time = |s: &str| {
            if s == "24:00" {
                Some(NaiveTime::MIN)
            } else {
                NaiveTime::parse_from_str(s, "%H:%M").ok()
            }
        };
        Some(Permit {
            permit_no: self.permit_no.clone(),
            granted_on: self.granted_on,
            kind: PermitKind::parse(&self.kind)?,
            departments: self
                .departments
                .lines()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_string)
                .collect(),
            band_start: time(&self.band_start)?,
            band_end: time(&self.band_end)?,
            weekdays: if self.weekdays.trim().is_empty() {
                EVERY_DAY
            } else {
                WeekdaySet::parse(&self.weekdays).filter(|w| *w != WeekdaySet::EMPTY)?
            },
            revoked_on: self.revoked_on,
        })
    }
}

impl NewPermit {
    /// What the audit log records of a permit (not when it was stored).
    pub fn fields(&self) -> serde_json::Value {
        serde_json::json!({
            "permit_no": self.permit_no,
            "granted_on": self.granted_on,
            "kind": self.kind,
            "departments": self.departments.lines().collect::<Vec<_>>(),
            "band_start": self.band_start,
            "band_end": self.band_end,
            "weekdays": self.weekdays,
            "revoked_on": self.revoked_on,
            "note": self.note,
        })
    }
}

/// Every stored permit, by permit number.
pub fn stored(conn: &mut AnyConnection) -> QueryResult<Vec<StoredPermit>> {
    permits::table
        .select(StoredPermit::as_select())
        .order(permits::permit_no)
        .load(conn)
}

/// The register as the rules read it (permit number order).
pub fn register(conn: &mut AnyConnection) -> QueryResult<Vec<Permit>> {
    Ok(stored(conn)?.iter().filter_map(StoredPermit::permit).collect())
}

pub fn insert(conn: &mut AnyConnection, rows: &[NewPermit]) -> QueryResult<()> {
    for row in rows {
        diesel::insert_into(permits::table).values(row).execute(conn)?;
    }
    Ok(())
}

pub fn update(conn: &mut AnyConnection, id: i64, row: &NewPermit) -> QueryResult<()> {
    diesel::update(permits::table.find(id)).set(row).execute(conn).map(drop)
}

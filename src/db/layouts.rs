//! The `saved_layouts` table: layouts HR saved under a name (issue 12).
//! Which names may be saved and what a layout must be is
//! `crate::layouts`' rule; this module only reads and stores rows.

use super::models::{NewSavedLayout, SavedLayout};
use super::schema::saved_layouts;
use super::AnyConnection;
use diesel::prelude::*;
use diesel::result::QueryResult;

/// Every saved layout, by name.
pub fn all(conn: &mut AnyConnection) -> QueryResult<Vec<SavedLayout>> {
    saved_layouts::table
        .order(saved_layouts::name)
        .select(SavedLayout::as_select())
        .load(conn)
}

/// The layout saved under `name`, if any.
pub fn by_name(conn: &mut AnyConnection, name: &str) -> QueryResult<Option<SavedLayout>> {
    saved_layouts::table
        .filter(saved_layouts::name.eq(name))
        .select(SavedLayout::as_select())
        .first(conn)
        .optional()
}

/// Stores a layout under its name, replacing one saved under the same name;
/// returns whether it replaced one. Run it in a write transaction.
pub fn put(conn: &mut AnyConnection, new: &NewSavedLayout) -> QueryResult<bool> {
    let replaced = diesel::update(saved_layouts::table.filter(saved_layouts::name.eq(&new.name)))
        .set(new)
        .execute(conn)?;
    if replaced == 0 {
        diesel::insert_into(saved_layouts::table).values(new).execute(conn)?;
    }
    Ok(replaced > 0)
}

/// Deletes the layout saved under `name`; returns whether there was one.
pub fn delete(conn: &mut AnyConnection, name: &str) -> QueryResult<bool> {
    Ok(diesel::delete(saved_layouts::table.filter(saved_layouts::name.eq(name))).execute(conn)? > 0)
}

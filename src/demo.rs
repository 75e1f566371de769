//! Example data for `kinmu serve --demo` (being written).

use crate::db::AnyConnection;
use crate::ingest::ImportError;
use chrono::{NaiveDate, NaiveDateTime};

/// Loads the example hospital when the database has no doctors yet.
/// Returns whether anything was loaded.
pub fn load_if_empty(
    _conn: &mut AnyConnection,
    _today: NaiveDate,
    _now: NaiveDateTime,
) -> Result<bool, ImportError> {
    Ok(false)
}

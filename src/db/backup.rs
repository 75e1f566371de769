//! The SQL of SQLite backups and restores: `VACUUM INTO` a file, the tables
//! a file holds, and leaving WAL mode before a file is replaced. What makes
//! a backup acceptable and when a restore may run is `backup`'s rule.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel::SqliteConnection;

/// Writes a consistent, compacted copy of the database to `target`.
pub fn vacuum_into(conn: &mut SqliteConnection, target: &str) -> QueryResult<()> {
    conn.batch_execute(&format!("VACUUM INTO {}", sql_string(target)))
}

/// Opens the SQLite file at `path` for reading only.
pub fn open_read_only(path: &str) -> ConnectionResult<SqliteConnection> {
    SqliteConnection::establish(&format!("file:{path}?mode=ro"))
}

/// Opens the SQLite file at `path` (no pragmas set).
pub fn open(path: &str) -> ConnectionResult<SqliteConnection> {
    SqliteConnection::establish(path)
}

/// The names of the tables a SQLite database holds.
pub fn table_names(conn: &mut SqliteConnection) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    Ok(diesel::sql_query("SELECT name FROM sqlite_master WHERE type = 'table'")
        .load::<Name>(conn)?
        .into_iter()
        .map(|n| n.name)
        .collect())
}

/// Makes a locked database fail at once instead of waiting.
pub fn fail_when_busy(conn: &mut SqliteConnection) -> QueryResult<()> {
    conn.batch_execute("PRAGMA busy_timeout = 0;")
}

/// Asks for the rollback journal (`journal_mode = DELETE`), which
/// checkpoints and leaves WAL mode; returns the journal mode now in force.
pub fn leave_wal(conn: &mut SqliteConnection) -> QueryResult<String> {
    #[derive(QueryableByName)]
    struct Mode {
        #[diesel(sql_type = diesel::sql_types::Text)]
        journal_mode: String,
    }
    Ok(diesel::sql_query("PRAGMA journal_mode = DELETE")
        .get_result::<Mode>(conn)?
        .journal_mode)
}

/// A SQL string literal: single quotes doubled.
fn sql_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_in_a_path_are_escaped_for_sql() {
        assert_eq!(sql_string("/tmp/o'brien.db"), "'/tmp/o''brien.db'");
    }
}

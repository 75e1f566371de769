//! SQLite's settings for one large write (an import): a larger page cache
//! and statement journals in memory, set for it and restored after, on the
//! connection it ran on.

use super::AnyConnection;

/// SQLite's page cache during an import, in KiB (a fixed bound, whatever the
/// file's size).
const IMPORT_CACHE_KIB: i64 = 64 * 1024;

/// Runs `f` with a larger SQLite page cache and statement journals in
/// memory. With the default 2 MiB, a large import's dirty index pages no
/// longer fit and SQLite spills them to the WAL before the commit, then
/// reads them back; a bigger cache only changes memory use, not what is
/// written or when it is durable.
///
/// The rows go in multi-row INSERTs (db::queries), each of which may fail
/// part-way (a unique key, a foreign key) and so keeps a statement journal:
/// the pages it changes, as they were before it, so that a failing INSERT
/// can be undone alone. By default that journal spills to a temporary file
/// past 64 KiB, and an INSERT of rows spread over an index changes many
/// pages; `temp_store = MEMORY` keeps it in memory (it lives only until
/// the INSERT ends). Neither setting changes what is written to the
/// database or when it is durable. The connection's own settings are
/// restored afterwards (it may be a pooled one).
pub fn with_import_cache<T>(conn: &mut AnyConnection, f: impl FnOnce(&mut AnyConnection) -> T) -> T {
    use diesel::connection::SimpleConnection;
    use diesel::RunQueryDsl;
    let AnyConnection::Sqlite(sqlite) = conn else {
        return f(conn);
    };
    #[derive(diesel::QueryableByName)]
    struct CacheSize {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        cache_size: i64,
    }
    #[derive(diesel::QueryableByName)]
    struct TempStore {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        temp_store: i64,
    }
    let before = diesel::sql_query("PRAGMA cache_size")
        .get_result::<CacheSize>(sqlite)
        .ok()
        .map(|c| c.cache_size);
    // Only ever enlarged: a connection configured bigger keeps its cache.
    let enlarge = before.is_some_and(|b| cache_kib(b) < IMPORT_CACHE_KIB);
    if enlarge {
        let _ = sqlite.batch_execute(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}"));
    }
    // 0 default, 1 file, 2 memory.
    let temp_store = diesel::sql_query("PRAGMA temp_store")
        .get_result::<TempStore>(sqlite)
        .ok()
        .map(|t| t.temp_store)
        .filter(|&t| t != 2);
    if temp_store.is_some() {
        let _ = sqlite.batch_execute("PRAGMA temp_store = MEMORY");
    }
    let result = f(conn);
    if let AnyConnection::Sqlite(sqlite) = conn {
        if let (true, Some(before)) = (enlarge, before) {
            let _ = sqlite.batch_execute(&format!("PRAGMA cache_size = {before}"));
        }
        if let Some(t) = temp_store {
            let _ = sqlite.batch_execute(&format!("PRAGMA temp_store = {t}"));
        }
    }
    result
}

/// A `PRAGMA cache_size` value in KiB: negative is KiB, positive is pages
/// (counted at the largest page size, 64 KiB, to stay on the safe side).
fn cache_kib(value: i64) -> i64 {
    if value < 0 {
        -value
    } else {
        value.saturating_mul(64)
    }
}

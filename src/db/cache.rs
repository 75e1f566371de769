//! SQLite's page cache for one large write (an import): enlarged for it and
//! restored after, on the connection it ran on.

use super::AnyConnection;

/// SQLite's page cache during an import, in KiB (a fixed bound, whatever the
/// file's size).
const IMPORT_CACHE_KIB: i64 = 32 * 1024;

/// Runs `f` with a larger SQLite page cache. With the default 2 MiB, a large
/// import's dirty index pages no longer fit and SQLite spills them to the WAL
/// before the commit, then reads them back; a bigger cache only changes
/// memory use, not what is written or when it is durable. The connection's
/// own setting is restored afterwards (it may be a pooled one).
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
    let before = diesel::sql_query("PRAGMA cache_size")
        .get_result::<CacheSize>(sqlite)
        .ok()
        .map(|c| c.cache_size);
    // Only ever enlarged: a connection configured bigger keeps its cache.
    let enlarge = before.is_some_and(|b| cache_kib(b) < IMPORT_CACHE_KIB);
    if enlarge {
        let _ = sqlite.batch_execute(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}"));
    }
    let result = f(conn);
    if let (true, Some(before), AnyConnection::Sqlite(sqlite)) = (enlarge, before, conn) {
        let _ = sqlite.batch_execute(&format!("PRAGMA cache_size = {before}"));
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

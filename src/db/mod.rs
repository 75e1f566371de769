//! Storage: one diesel code path over two backends.
//!
//! SQLite (bundled into the binary) is the default; PostgreSQL serves larger
//! deployments. `AnyConnection` is diesel's `MultiConnection` over both, so
//! queries are written once; the few places where SQL really differs match
//! on the variant. Migrations for each backend are embedded in the binary and
//! run when the pool is opened.

pub mod audit;
pub mod backup;
mod cache;
pub mod coded;
pub mod comp_rest;
pub mod declarations;
pub mod demo;
pub mod discrepancies;
pub mod employers;
pub mod freshness;
pub mod inspection;
pub mod interviews;
pub mod layouts;
pub mod models;
pub mod monthly;
pub mod opinions;
pub mod outbox;
pub mod pc_reviews;
pub mod permits;
pub mod queries;
pub mod reads;
pub mod recheck;
pub mod retention;
pub mod roster;
pub mod schema;
pub mod self_study;
pub mod sessions;
pub mod shifts;
pub mod timestamp;
pub mod users;
pub mod worklist;

pub use cache::with_import_cache;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::path::PathBuf;
use std::time::Duration;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Storage errors. Messages are Japanese first, then English.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("データベースURLが不正です: {0} / invalid database URL")]
    BadUrl(String),
    #[error("データベースに接続できません: {0} / cannot connect to the database")]
    Connect(String),
    #[error("データベースの移行に失敗しました: {0} / migration failed")]
    Migration(String),
    #[error("データベースの処理に失敗しました: {0} / database error")]
    Query(#[from] diesel::result::Error),
    #[error("データベース接続プールのエラー: {0} / connection pool error")]
    Pool(#[from] r2d2::PoolError),
}

/// Which backend a URL selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection string, as given.
    Postgres(String),
}

impl DatabaseUrl {
    /// `postgres://…` or `postgresql://…` selects PostgreSQL; `sqlite://PATH`
    /// or a bare path selects SQLite.
    pub fn parse(url: &str) -> Result<DatabaseUrl, DbError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_string()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() || url.contains("://") && !url.starts_with("sqlite://") {
            return Err(DbError::BadUrl(url.to_string()));
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, DatabaseUrl::Postgres(_))
    }

    /// A form safe to log: the password of a PostgreSQL URL is masked.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(p) => format!("sqlite://{}", p.display()),
            DatabaseUrl::Postgres(u) => redact_password(u),
        }
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_string(),
    }
}

/// Opens a connection of the backend the URL names (never guessing: a
/// PostgreSQL URL that fails must not fall back to creating a SQLite file).
pub fn establish(url: &DatabaseUrl) -> Result<AnyConnection, DbError> {
    match url {
        DatabaseUrl::Postgres(u) => diesel::PgConnection::establish(u)
            .map(AnyConnection::Postgresql)
            .map_err(|e| DbError::Connect(e.to_string())),
        DatabaseUrl::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                create_private_dir(dir).map_err(|e| DbError::Connect(format!("{}: {e}", dir.display())))?;
            }
            // The file holds personal data: made readable by its owner only
            // (SQLite gives the -wal and -shm files the database's mode).
            let special = path.to_str().is_some_and(|p| p == ":memory:" || p.starts_with("file:"));
            if !special {
                match create_private_file(path) {
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                    Err(e) => return Err(DbError::Connect(format!("{}: {e}", path.display()))),
                }
            }
            let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy())
                .map_err(|e| DbError::Connect(e.to_string()))?;
            // WAL lets the web service read while an import writes; the busy
            // timeout makes a second writer wait instead of failing at once.
            // Reads go through a memory map of up to SQLITE_MMAP_BYTES: a
            // report reads months of rows in no file order, and copying
            // each page from the OS cache (pread) took most of its time.
            // (A restore renames a new file into place, so a running
            // process's map of the old one stays valid.)
            conn.batch_execute(&format!(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA mmap_size = {SQLITE_MMAP_BYTES};"
            ))
            .map_err(|e| DbError::Connect(e.to_string()))?;
            Ok(AnyConnection::Sqlite(conn))
        }
    }
}

/// The most of an SQLite database file read through a memory map (the rest
/// is read as usual): 1 GiB, a large hospital's several years.
const SQLITE_MMAP_BYTES: u64 = 1 << 30;

/// Creates `dir` and its missing parents; on unix the directories made are
/// mode 0700 (existing ones are left as they are).
pub fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates a new, empty file that only its owner may read and write (mode
/// 0600 on unix, whatever the umask). Fails if the file exists.
pub fn create_private_file(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Takes group and other permissions off a file kinmu keeps personal data
/// in (a database made by an older kinmu, or copied in), and off its -wal
/// and -shm files. A file that does not exist is skipped.
pub fn make_private(path: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let file = std::path::Path::new(&name);
            match std::fs::metadata(file) {
                Ok(m) if m.permissions().mode() & 0o077 != 0 => {
                    let mode = m.permissions().mode() & 0o700;
                    std::fs::set_permissions(file, std::fs::Permissions::from_mode(mode))?;
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Runs the embedded migrations of the connection's backend.
pub fn run_migrations(conn: &mut AnyConnection) -> Result<(), DbError> {
    let result = match conn {
        AnyConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| DbError::Migration(e.to_string()))
}

/// The r2d2 manager: establishes the configured backend explicitly.
pub struct Manager {
    url: DatabaseUrl,
    /// The connection [`open`] made to run the migrations, handed out as
    /// the pool's first rather than closed (a PostgreSQL connection costs a
    /// server process and a TLS handshake: a command's fixed cost).
    first: std::sync::Mutex<Option<AnyConnection>>,
}

impl std::fmt::Debug for Manager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Manager")
            .field("url", &self.url.redacted())
            .finish_non_exhaustive()
    }
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = DbError;

    fn connect(&self) -> Result<AnyConnection, DbError> {
        let first = self
            .first
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        match first {
            Some(conn) => Ok(conn),
            None => establish(&self.url),
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), DbError> {
        conn.batch_execute("SELECT 1").map_err(DbError::Query)
    }

    fn has_broken(&self, _conn: &mut AnyConnection) -> bool {
        false
    }
}

/// A pool of connections, shared by the web service and the commands.
pub type Pool = r2d2::Pool<Manager>;
/// A connection checked out of the pool.
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Opens the database, runs migrations and returns a pool.
pub fn open(url: &DatabaseUrl, max_size: u32) -> Result<Pool, DbError> {
    let mut conn = establish(url)?;
    run_migrations(&mut conn)?;
    if let DatabaseUrl::Sqlite(path) = url {
        make_private(path).map_err(|e| DbError::Connect(format!("{}: {e}", path.display())))?;
    }
    // SQLite serialises writers anyway (readers run side by side in WAL
    // mode); a small pool avoids lock churn.
    let size = if url.is_postgres() { max_size } else { max_size.min(8) };
    r2d2::Pool::builder()
        .max_size(size.max(1))
        // Open connections only when asked for: a command uses one, and
        // r2d2 would otherwise connect all of them before starting. Not 1
        // either: keeping one idle makes r2d2 open a replacement in the
        // background at every checkout, and a short command could then exit
        // while that thread is inside libpq (a crash at exit).
        .min_idle(Some(0))
        .connection_timeout(Duration::from_secs(30))
        .build(Manager {
            url: url.clone(),
            first: std::sync::Mutex::new(Some(conn)),
        })
        .map_err(|e| DbError::Connect(e.to_string()))
}

/// Up to `n` more connections for a reader that can use several at once,
/// as far as the pool gives them soon (none when every connection is busy:
/// the reader then reads on its one connection). Asked for side by side:
/// new PostgreSQL connections are then established at the same time.
pub fn spare_connections(pool: &Pool, n: usize) -> Vec<PooledConn> {
    std::thread::scope(|s| {
        let asked: Vec<_> = (0..n)
            .map(|_| s.spawn(|| pool.get_timeout(Duration::from_millis(200)).ok()))
            .collect();
        asked.into_iter().filter_map(|h| h.join().ok().flatten()).collect()
    })
}

/// The connections of [`spare_connections`] as a reader takes them.
pub fn as_spare(conns: &mut [PooledConn]) -> Vec<&mut AnyConnection> {
    conns.iter_mut().map(|c| &mut **c).collect()
}

/// Runs `f` in one transaction that takes kinmu's write lock first.
///
/// The first statement bumps the single row of `write_lock`: on SQLite that
/// takes the database's write lock at once (waiting up to the busy timeout)
/// rather than failing when a read-then-write transaction meets another
/// writer; on PostgreSQL the row lock queues concurrent writers, so the
/// checks an import makes against stored rows still hold when it writes.
pub fn write_transaction<T, E>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    conn.transaction(|conn| {
        diesel::update(schema::write_lock::table)
            .set(schema::write_lock::counter.eq(schema::write_lock::counter + 1))
            .execute(conn)?;
        f(conn)
    })
}

/// Notes, inside a write transaction, that the data the figures are
/// computed from changed (see [`data_version`]).
pub fn bump_data_version(conn: &mut AnyConnection) -> QueryResult<()> {
    diesel::update(schema::write_lock::table)
        .set(schema::write_lock::data_version.eq(schema::write_lock::data_version + 1))
        .execute(conn)
        .map(drop)
}

/// The version of the data the figures are computed from: it changes with
/// every import, discrepancy resolution and deletion, and only then.
pub fn data_version(conn: &mut AnyConnection) -> QueryResult<i64> {
    schema::write_lock::table
        .select(schema::write_lock::data_version)
        .first(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_select_the_backend_they_name() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/kinmu.db").unwrap(),
            DatabaseUrl::Sqlite("data/kinmu.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/kinmu.db").unwrap(),
            DatabaseUrl::Sqlite("/var/lib/kinmu.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("/tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite("/tmp/x.db".into())
        );
        assert!(DatabaseUrl::parse("postgres://u@h/db").unwrap().is_postgres());
        assert!(DatabaseUrl::parse("postgresql://u@h/db").unwrap().is_postgres());
        assert!(DatabaseUrl::parse("mysql://u@h/db").is_err());
        assert!(DatabaseUrl::parse("").is_err());
    }

    #[test]
    fn a_postgres_password_is_never_logged() {
        let u = DatabaseUrl::parse("postgres://kinmu:s3cret@db:5432/kinmu").unwrap();
        assert_eq!(u.redacted(), "postgres://kinmu:***@db:5432/kinmu");
        assert!(!u.redacted().contains("s3cret"));
    }
}

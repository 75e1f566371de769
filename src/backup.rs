//! Backup and restore (MHLW checklist 3-(2), issue 5 part 4).
//!
//! - SQLite: `backup` runs `VACUUM INTO`, which writes a consistent,
//!   compacted copy from one read transaction while the service keeps
//!   running (WAL lets writers go on). `restore` checks that the file is a
//!   SQLite database holding kinmu's tables, then replaces the database file;
//!   the service must be stopped, and a database still open elsewhere is
//!   refused.
//! - PostgreSQL: `backup` runs `pg_dump --format=custom` (one consistent
//!   snapshot) and `restore` runs `pg_restore --clean --if-exists --no-owner
//!   --single-transaction`, so a failed restore leaves the database as it was.
//!
//! The PostgreSQL URL is handed to the client tools as `--dbname`; use a
//! `~/.pgpass` file rather than a password in the URL on shared hosts. The
//! SQLite statements are [`crate::db::backup`]'s.

use crate::db::backup as db;
use crate::db::{AnyConnection, DatabaseUrl};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Tables a kinmu database must hold for a restore to accept it.
const REQUIRED_TABLES: &[&str] = &["doctors", "import_batches", "timecard_rows", "audit_log", "interviews"];

/// Backup and restore errors. Messages are Japanese first, then English.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("バックアップ先のファイルが既にあります: {0} / the backup file already exists; choose a new name")]
    Exists(PathBuf),
    #[error("バックアップファイルがありません: {0} / the backup file does not exist")]
    Missing(PathBuf),
    #[error("kinmu のバックアップではありません: {0} / not a kinmu backup ({1})")]
    NotABackup(PathBuf, String),
    #[error("データベースが使用中です。サービスを停止してから復元してください: {0} / the database is in use: stop the kinmu service before restoring")]
    InUse(String),
    #[error("{0} が見つかりません。PostgreSQL のクライアント（postgresql-client）をインストールしてください / {0} not found: install the PostgreSQL client tools")]
    ToolMissing(&'static str),
    #[error("{0} が失敗しました: {1} / {0} failed")]
    ToolFailed(&'static str, String),
    #[error(
        "データベースURLと接続の種類が一致しません / the database URL and the connection are of different backends"
    )]
    BackendMismatch,
    #[error("ファイル操作に失敗しました: {0} / file error")]
    Io(String),
    #[error("データベースの処理に失敗しました: {0} / database error")]
    Db(String),
}

/// Writes a consistent copy of the database to `file` (which must not exist).
pub fn backup(url: &DatabaseUrl, conn: &mut AnyConnection, file: &Path) -> Result<(), BackupError> {
    // The copy holds personal data: the file is made here, readable by its
    // owner only (0600), before VACUUM INTO / pg_dump fill it; creating it
    // also refuses a file that exists.
    if let Err(e) = crate::db::create_private_file(file) {
        return Err(match e.kind() {
            std::io::ErrorKind::AlreadyExists => BackupError::Exists(file.to_path_buf()),
            _ => BackupError::Io(format!("{}: {e}", file.display())),
        });
    }
    let written = write_backup(url, conn, file);
    if written.is_err() {
        // Leave no empty or half-written file behind.
        let _ = std::fs::remove_file(file);
    }
    written
}

fn write_backup(url: &DatabaseUrl, conn: &mut AnyConnection, file: &Path) -> Result<(), BackupError> {
    match (url, conn) {
        (DatabaseUrl::Sqlite(_), AnyConnection::Sqlite(c)) => {
            let target = file.to_str().ok_or_else(|| {
                BackupError::Io(format!(
                    "{}: パスが UTF-8 ではありません / path is not UTF-8",
                    file.display()
                ))
            })?;
            db::vacuum_into(c, target).map_err(|e| BackupError::Db(e.to_string()))
        }
        (DatabaseUrl::Postgres(u), AnyConnection::Postgresql(_)) => run_tool(
            "pg_dump",
            Command::new("pg_dump")
                .arg("--format=custom")
                .arg("--file")
                .arg(file)
                .arg("--dbname")
                .arg(u),
        ),
        _ => Err(BackupError::BackendMismatch),
    }
}

/// Puts a backup made by [`backup`] back in place of the database at `url`.
pub fn restore(url: &DatabaseUrl, file: &Path) -> Result<(), BackupError> {
    if !file.is_file() {
        return Err(BackupError::Missing(file.to_path_buf()));
    }
    match url {
        DatabaseUrl::Sqlite(target) => restore_sqlite(target, file),
        DatabaseUrl::Postgres(u) => run_tool(
            "pg_restore",
            Command::new("pg_restore")
                .args([
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--exit-on-error",
                ])
                .arg("--dbname")
                .arg(u)
                .arg(file),
        ),
    }
}

fn restore_sqlite(target: &Path, file: &Path) -> Result<(), BackupError> {
    check_sqlite_backup(file)?;
    if target.exists() {
        take_offline(target)?;
    }
    // Copy next to the target, then rename: the database is never half written.
    let tmp = target.with_extension("restore-tmp");
    std::fs::copy(file, &tmp).map_err(|e| BackupError::Io(format!("{}: {e}", tmp.display())))?;
    // fs::copy copies the backup's mode; the database is the owner's only.
    crate::db::make_private(&tmp).map_err(|e| BackupError::Io(format!("{}: {e}", tmp.display())))?;
    for suffix in ["-wal", "-shm"] {
        let mut side = target.as_os_str().to_owned();
        side.push(suffix);
        let side = PathBuf::from(side);
        if side.exists() {
            std::fs::remove_file(&side).map_err(|e| BackupError::Io(format!("{}: {e}", side.display())))?;
        }
    }
    std::fs::rename(&tmp, target).map_err(|e| BackupError::Io(format!("{}: {e}", target.display())))
}

/// Checks the header and that kinmu's tables are there.
fn check_sqlite_backup(file: &Path) -> Result<(), BackupError> {
    let not = |why: String| BackupError::NotABackup(file.to_path_buf(), why);
    let mut header = [0u8; 16];
    {
        use std::io::Read;
        let mut f = std::fs::File::open(file).map_err(|e| BackupError::Io(format!("{}: {e}", file.display())))?;
        f.read_exact(&mut header)
            .map_err(|_| not("SQLite のファイルではありません / not a SQLite file".into()))?;
    }
    if &header != b"SQLite format 3\0" {
        return Err(not("SQLite のファイルではありません / not a SQLite file".into()));
    }
    let path = file.to_str().ok_or_else(|| not("path is not UTF-8".into()))?;
    let mut c = db::open_read_only(path).map_err(|e| not(e.to_string()))?;
    let names = db::table_names(&mut c).map_err(|e| not(e.to_string()))?;
    let missing: Vec<&str> = REQUIRED_TABLES
        .iter()
        .copied()
        .filter(|t| !names.iter().any(|n| n == t))
        .collect();
    if !missing.is_empty() {
        return Err(not(format!(
            "テーブルがありません / missing tables: {}",
            missing.join(", ")
        )));
    }
    Ok(())
}

/// Checkpoints the target and leaves WAL mode, which SQLite only allows when
/// no other connection has the database open: a running service is refused.
fn take_offline(target: &Path) -> Result<(), BackupError> {
    let path = target
        .to_str()
        .ok_or_else(|| BackupError::Io(format!("{}: path is not UTF-8", target.display())))?;
    let in_use = |e: String| BackupError::InUse(format!("{}: {e}", target.display()));
    let mut c = db::open(path).map_err(|e| in_use(e.to_string()))?;
    db::fail_when_busy(&mut c).map_err(|e| in_use(e.to_string()))?;
    let journal_mode = db::leave_wal(&mut c).map_err(|e| in_use(e.to_string()))?;
    if !journal_mode.eq_ignore_ascii_case("delete") {
        return Err(in_use(format!("journal_mode = {journal_mode}")));
    }
    Ok(())
}

fn run_tool(name: &'static str, cmd: &mut Command) -> Result<(), BackupError> {
    let out = cmd.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => BackupError::ToolMissing(name),
        _ => BackupError::ToolFailed(name, e.to_string()),
    })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(BackupError::ToolFailed(
            name,
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ))
    }
}

//! The access-log key: a secret kept OUTSIDE the database, with which every
//! new access-log entry is signed (HMAC-SHA256 of the entry's hash, stored
//! in `audit_log.hmac`).
//!
//! The hash chain alone shows edits made by someone who cannot recompute
//! hashes; the database owner can (delete entries, recompute the chain, and
//! `audit verify` would agree). Without this key nobody can write a valid
//! HMAC, so an entry rewritten, inserted or re-chained by the database owner
//! fails its HMAC, and an entry left without one after the key came into use
//! is reported as tampering.
//!
//! The key file (`audit_key_file`; by default next to the SQLite database,
//! `data/kinmu.db` → `data/kinmu.audit-key`, or `data/audit.key` for
//! PostgreSQL) is a small TOML file made
//! with mode 0600 the first time kinmu opens a database whose log has no
//! signed entry. It also records where signing began
//! (`unkeyed_through_id` / `_hash`: the newest entry of the log at that
//! moment), so that entries written before the key existed are accepted as
//! "verified by the chain only" up to that entry and no further: stripping
//! the HMACs off later entries cannot pass them off as old ones.
//!
//! When the key file is missing but the log already has signed entries, kinmu
//! refuses to start (every command): a new key would make the whole log fail,
//! and carrying on without one would silently disable the check. Back the
//! file up apart from the database backups (docs/operations.md).

use crate::db::{audit as store, AnyConnection};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Tags what is signed, so the MAC cannot be confused with another use of the key.
const MAC_CONTEXT: &[u8] = b"kinmu-audit-hmac-v1\n";

/// Why the key cannot be used. Japanese first, then English.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("アクセスログの鍵ファイル {0} がありませんが、アクセスログには鍵で署名された記録があります。鍵ファイルをバックアップから戻してください（設定 audit_key_file / KINMU_AUDIT_KEY_FILE）。鍵なしでは改ざん検査ができないため起動しません / the access-log key file {0} is missing but the log has entries signed with a key: restore the key file from its backup (setting audit_key_file or KINMU_AUDIT_KEY_FILE); refusing to run, as the log could not be checked")]
    Missing(PathBuf),
    #[error("アクセスログの鍵ファイル {0} を他のユーザーが読めます。chmod 600 {0} としてください / the access-log key file {0} is readable by others: chmod 600 it")]
    Exposed(PathBuf),
    #[error("アクセスログの鍵ファイル {0} が不正です: {1} / invalid access-log key file")]
    Invalid(PathBuf, String),
    #[error("アクセスログの鍵ファイル {0} を読み書きできません: {1} / cannot read or write the access-log key file")]
    Io(PathBuf, String),
    #[error("このプロセスでは既に別のアクセスログの鍵が使われています / another access-log key is already in use in this process")]
    AnotherKey,
    #[error("データベースの処理に失敗しました: {0} / database error")]
    Db(#[from] diesel::result::Error),
}

/// The secret and where signing began.
#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey {
    secret: [u8; 32],
    /// The newest entry (id, hash) when the key was made: entries up to it
    /// may be unsigned. `None`: the log was empty, every entry is signed.
    pub unkeyed_through: Option<(i64, String)>,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditKey")
            .field("secret", &"***")
            .field("unkeyed_through", &self.unkeyed_through)
            .finish()
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    version: u32,
    key: String,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    unkeyed_through_id: i64,
    #[serde(default)]
    unkeyed_through_hash: String,
}

impl AuditKey {
    /// A new random key; `unkeyed_through` as for [`AuditKey::unkeyed_through`].
    pub fn generate(unkeyed_through: Option<(i64, String)>) -> AuditKey {
        use argon2::password_hash::rand_core::{OsRng, RngCore};
        let mut secret = [0u8; 32];
        OsRng.fill_bytes(&mut secret);
        AuditKey {
            secret,
            unkeyed_through,
        }
    }

    /// The lower-case hex HMAC-SHA256 of an entry's hash.
    pub fn sign(&self, hash: &str) -> String {
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(&self.secret) {
            Ok(mac) => mac,
            // HMAC takes a key of any length.
            Err(_) => unreachable!("HMAC accepts any key length"),
        };
        mac.update(MAC_CONTEXT);
        mac.update(hash.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// Whether `hmac` is this key's signature of `hash` (compared in constant time).
    pub fn check(&self, hash: &str, hmac: &str) -> bool {
        let Some(given) = unhex(hmac) else { return false };
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.secret) else {
            return false;
        };
        mac.update(MAC_CONTEXT);
        mac.update(hash.as_bytes());
        mac.verify_slice(&given).is_ok()
    }

    /// The key file's text.
    fn to_file(&self, created_at: chrono::NaiveDateTime) -> String {
        let (id, hash) = self.unkeyed_through.clone().unwrap_or((0, String::new()));
        format!(
            "# kinmu アクセスログの鍵 / kinmu access-log key (HMAC-SHA256)\n\
             # データベースのバックアップとは別の場所にバックアップしてください。\n\
             # Back this file up apart from the database backups: without it the\n\
             # access log cannot be checked, and kinmu refuses to start.\n\
             version = 1\n\
             key = \"{}\"\n\
             created_at = \"{}\"\n\
             # Entries up to this id were written before the key existed.\n\
             unkeyed_through_id = {id}\n\
             unkeyed_through_hash = \"{hash}\"\n",
            hex(&self.secret),
            created_at.format("%Y-%m-%dT%H:%M:%S"),
        )
    }

    fn from_file(path: &Path, text: &str) -> Result<AuditKey, KeyError> {
        let bad = |why: String| KeyError::Invalid(path.to_path_buf(), why);
        let file: KeyFile = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        if file.version != 1 {
            return Err(bad(format!("version {}", file.version)));
        }
        let secret: [u8; 32] = unhex(&file.key)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| bad("key は 64 桁の16進数 / key must be 64 hex digits".into()))?;
        let _ = file.created_at;
        let unkeyed_through = match (file.unkeyed_through_id, file.unkeyed_through_hash) {
            (0, h) if h.is_empty() => None,
            (id, h) if id > 0 && h.len() == 64 => Some((id, h)),
            (id, h) => return Err(bad(format!("unkeyed_through_id = {id}, unkeyed_through_hash = {h:?}"))),
        };
        Ok(AuditKey {
            secret,
            unkeyed_through,
        })
    }

    /// Reads a key file (refusing one others can read).
    pub fn read(path: &Path) -> Result<AuditKey, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => KeyError::Missing(path.to_path_buf()),
            _ => KeyError::Io(path.to_path_buf(), e.to_string()),
        })?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path)
                .map_err(|e| KeyError::Io(path.to_path_buf(), e.to_string()))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(KeyError::Exposed(path.to_path_buf()));
            }
        }
        AuditKey::from_file(path, &text)
    }

    /// Writes the key to a new file with mode 0600 (the directory is made
    /// 0700 when missing). Fails when the file exists.
    pub fn write_new(&self, path: &Path, created_at: chrono::NaiveDateTime) -> Result<(), KeyError> {
        use std::io::Write;
        let io = |e: std::io::Error| KeyError::Io(path.to_path_buf(), e.to_string());
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::db::create_private_dir(dir).map_err(io)?;
        }
        let mut file = crate::db::create_private_file(path).map_err(io)?;
        file.write_all(self.to_file(created_at).as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// The key file used when `audit_key_file` is not set: next to a SQLite
/// database, named after it (`data/kinmu.db` → `data/kinmu.audit-key`), so
/// the demo database and the real one never share a key;
/// `data/audit.key` for PostgreSQL.
pub fn default_path(database: &crate::db::DatabaseUrl) -> PathBuf {
    match database {
        crate::db::DatabaseUrl::Sqlite(db) => db.with_extension("audit-key"),
        crate::db::DatabaseUrl::Postgres(_) => PathBuf::from("data/audit.key"),
    }
}

/// Reads the key at `path`, or makes one when the file is missing and the
/// log has no signed entry yet (a new database, or one from before keys).
/// Returns the key and whether it was made now.
pub fn load_or_create(
    path: &Path,
    conn: &mut AnyConnection,
    now: chrono::NaiveDateTime,
) -> Result<(AuditKey, bool), KeyError> {
    match AuditKey::read(path) {
        Err(KeyError::Missing(_)) => {}
        other => return other.map(|k| (k, false)),
    }
    let signed = store::signed_audit_count(conn)?;
    if signed > 0 {
        return Err(KeyError::Missing(path.to_path_buf()));
    }
    let newest = store::newest_audit_entry(conn)?;
    let key = AuditKey::generate(newest);
    match key.write_new(path, now) {
        Ok(()) => Ok((key, true)),
        // Another kinmu process made it first: use that one.
        Err(KeyError::Io(..)) if path.exists() => AuditKey::read(path).map(|k| (k, false)),
        Err(e) => Err(e),
    }
}

static PROCESS_KEY: OnceLock<Arc<AuditKey>> = OnceLock::new();

/// Makes `key` the key this process signs access-log entries with (every
/// writer — [`crate::audit::append`], the web service's
/// [`super::Sink`] — uses it). A process has one key: installing the same key
/// again is fine, a different one is refused.
pub fn install(key: AuditKey) -> Result<Arc<AuditKey>, KeyError> {
    let installed = PROCESS_KEY.get_or_init(|| Arc::new(key.clone()));
    if **installed == key {
        Ok(installed.clone())
    } else {
        Err(KeyError::AnotherKey)
    }
}

/// The key this process signs with, once installed (by [`crate::app::App::open`]).
pub fn process_key() -> Option<Arc<AuditKey>> {
    PROCESS_KEY.get().cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_checks_only_with_its_key_and_hash() {
        let key = AuditKey::generate(None);
        let other = AuditKey::generate(None);
        let hash = "ab".repeat(32);
        let mac = key.sign(&hash);
        assert_eq!(mac.len(), 64);
        assert!(key.check(&hash, &mac));
        assert!(!other.check(&hash, &mac));
        assert!(!key.check(&"cd".repeat(32), &mac));
        assert!(!key.check(&hash, "zz"));
        assert!(!format!("{key:?}").contains(&hex(&key.secret)));
    }

    #[test]
    fn the_key_file_is_private_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/audit.key");
        let key = AuditKey::generate(Some((42, "0f".repeat(32))));
        let at = chrono::NaiveDate::from_ymd_opt(2024, 7, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        key.write_new(&path, at).unwrap();
        assert_eq!(AuditKey::read(&path).unwrap(), key);
        assert!(key.write_new(&path, at).is_err(), "never overwritten");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            let dir_mode = std::fs::metadata(path.parent().unwrap()).unwrap().permissions().mode();
            assert_eq!(dir_mode & 0o777, 0o700);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(matches!(AuditKey::read(&path), Err(KeyError::Exposed(_))));
        }
    }
}

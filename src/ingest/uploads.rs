//! The waiting room of the import screens: uploads kept between preview
//! and import, and the results of imports, for the result page and its CSV
//! (formats.md, "What an import does with bad input"; issue 4 §2).
//!
//! The bytes wait server-side in a private temporary directory (0700, files
//! 0600) under a random token: the client only ever names the token (64 hex
//! digits, checked before it touches a path), the files are bound to the
//! login that uploaded them, are deleted once imported and, like the
//! results, swept after an hour.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How long an upload or a result is kept.
pub const KEEP: Duration = Duration::from_secs(3600);

/// What is kept with an upload.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UploadMeta {
    pub login: String,
    pub kind: String,
    pub file_name: String,
    pub skip_invalid: bool,
    pub size: usize,
    /// The built-in layout chosen on the form; `None`: recognised from the
    /// header.
    #[serde(default)]
    pub layout: Option<String>,
    /// The period a timecard upload declares it covers (対象期間).
    #[serde(default)]
    pub period: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    /// When a roster upload says the roster was published (公表日時).
    #[serde(default)]
    pub published_at: Option<chrono::NaiveDateTime>,
}

/// A rejected row as kept with a result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rejected {
    pub line: usize,
    pub column: Option<String>,
    pub reason: String,
}

/// Problems of one kind of reason, as kept with a result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReasonLine {
    pub column: Option<String>,
    pub reason: String,
    pub count: usize,
    pub first_line: usize,
}

/// The outcome of an import, kept for the result page and the CSV.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    pub login: String,
    pub kind: String,
    pub file_name: String,
    pub skip_invalid: bool,
    pub encoding: String,
    pub inserted: usize,
    pub corrected: usize,
    /// Stored rows superseded with no new version (0 in results kept
    /// before it was counted).
    #[serde(default)]
    pub superseded: usize,
    pub unchanged: usize,
    pub committed: bool,
    pub batch_id: Option<i64>,
    pub ignored_columns: Vec<String>,
    /// The first problems (`ingest::ImportReport::rejected`: at most
    /// `import::MAX_LISTED`).
    pub rejected: Vec<Rejected>,
    /// Every problem found, listed or not (0 in results kept before it was).
    #[serde(default)]
    pub rejected_total: usize,
    #[serde(default)]
    pub rejected_rows: usize,
    #[serde(default)]
    pub reasons: Vec<ReasonLine>,
    /// Why the file could not be read at all (nothing was written).
    pub file_error: Option<String>,
    /// The period the import declared (対象期間), if any.
    #[serde(default)]
    pub period: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    /// The publication time the roster import declared (公表日時), if any.
    #[serde(default)]
    pub published_at: Option<chrono::NaiveDateTime>,
}

impl Outcome {
    /// Every problem found.
    pub fn total(&self) -> usize {
        self.rejected_total.max(self.rejected.len())
    }

    /// Problems found but not listed.
    pub fn omitted(&self) -> usize {
        self.total() - self.rejected.len()
    }
}

/// The private directory of uploads (0700 on Unix: the files hold staff
/// working times).
pub fn store_dir() -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join("kinmu-uploads");
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(&dir)?;
    // The directory may have been made before (by us, or — in a shared
    // temporary directory — by someone else): it must be a real directory
    // that only this user can enter. Changing its mode fails unless we own it.
    let meta = std::fs::symlink_metadata(&dir)?;
    if !meta.is_dir() {
        return Err(std::io::Error::other(format!("{} is not a directory", dir.display())));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o777 != 0o700 {
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(dir)
}

/// Whether a client-given token can name a stored file: exactly what
/// `accounts::random_token` makes, so never a path.
pub fn valid_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub fn path_of(dir: &Path, token: &str, ext: &str) -> PathBuf {
    dir.join(format!("{token}.{ext}"))
}

pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(bytes)
}

/// Reads a kept file if it exists and is not older than [`KEEP`].
pub fn read_fresh(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let modified = match std::fs::metadata(path) {
        Ok(m) => m.modified()?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if SystemTime::now().duration_since(modified).unwrap_or_default() > KEEP {
        return Ok(None);
    }
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn remove_quietly(path: &Path) {
    if let Err(e) = std::fs::remove_file(path) {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(path = %path.display(), error = %e, "could not remove an upload");
        }
    }
}

/// Deletes kept files older than [`KEEP`] (only files this module names).
pub fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let ours = name
            .to_str()
            .and_then(|n| n.split_once('.'))
            .is_some_and(|(token, ext)| valid_token(token) && matches!(ext, "bin" | "json" | "result.json"));
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| SystemTime::now().duration_since(t).unwrap_or_default() > KEEP);
        if ours && old {
            remove_quietly(&entry.path());
        }
    }
}

/// The metadata of a kept upload, if it is fresh and `login` uploaded it.
pub fn load_meta(dir: &Path, token: &str, login: &str) -> std::io::Result<Option<UploadMeta>> {
    let Some(raw) = read_fresh(&path_of(dir, token, "json"))? else {
        return Ok(None);
    };
    let meta: UploadMeta = serde_json::from_slice(&raw)?;
    // Another user's token is treated as unknown, not as forbidden: it
    // must not even confirm that the upload exists.
    Ok((meta.login == login).then_some(meta))
}

/// A kept result, if it is fresh and `login` imported it.
pub fn load_outcome(dir: &Path, token: &str, login: &str) -> std::io::Result<Option<Outcome>> {
    let Some(raw) = read_fresh(&path_of(dir, token, "result.json"))? else {
        return Ok(None);
    };
    let outcome: Outcome = serde_json::from_slice(&raw)?;
    Ok((outcome.login == login).then_some(outcome))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tokens_as_made_can_name_a_file() {
        assert!(valid_token(&crate::accounts::random_token()));
        assert!(!valid_token("../../etc/passwd"));
        assert!(
            !valid_token(&"A".repeat(64)),
            "upper case is not what random_token makes"
        );
        assert!(!valid_token(&format!("{}/", "a".repeat(63))));
        assert!(!valid_token(""));
    }
}

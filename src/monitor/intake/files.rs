//! The intake folder on disk: which files are ready, claiming one, and
//! putting it away under a name that overwrites nothing.
//!
//! A file is ready when it is a plain file (not a folder, not a symbolic
//! link) directly in the folder, its name is not hidden (`.x`) nor that of
//! an unfinished download (`*.tmp`, `*.part`, `*.partial`, `*.crdownload`,
//! `x~`), and it has not changed for the settle time: its modification time
//! is at least that old (a time in the future, from a clock ahead, waits
//! until it has passed). A writer that pauses longer than the settle time
//! mid-file is the one case this cannot see; `intake_settle_seconds` is
//! there for slow shares.
//!
//! Claiming is a rename into `processing/` under a name of its own (the
//! time in nanoseconds, the process id): a rename is atomic, so of two
//! runs — two ticks, two instances on one PostgreSQL, a tick and
//! `kinmu jobs intake` — exactly one gets the file, and the other finds it
//! gone. A file stays in `processing/` only if the process died while
//! importing it: [`recover`] moves such a file back into the folder once
//! its claim is [`RECOVER_AFTER`] old, and it is imported again (an import
//! is all or nothing, and one already written changes nothing the second
//! time).

use std::ffi::OsString;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

pub(super) const PROCESSING: &str = "processing";
pub(super) const DONE: &str = "done";
pub(super) const FAILED: &str = "failed";

/// Ends of names that unfinished downloads and copies carry.
const PARTIAL_SUFFIXES: [&str; 5] = [".tmp", ".part", ".partial", ".crdownload", "~"];

/// A file of the folder, seen ready.
#[derive(Debug, Clone)]
pub(super) struct Ready {
    pub(super) name: OsString,
}

/// What a look at the folder found.
#[derive(Debug, Default)]
pub(super) struct Scan {
    /// Ready files, in name order.
    pub(super) ready: Vec<Ready>,
    /// Files not yet settled (still being written, or just arrived).
    pub(super) waiting: usize,
}

/// Whether a name is hidden or that of an unfinished file: never taken.
pub fn is_ignored_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    name.starts_with('.') || PARTIAL_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

/// Whether a file last changed at `modified` has rested `settle` by `now`.
pub fn is_settled(modified: SystemTime, now: SystemTime, settle: Duration) -> bool {
    now.duration_since(modified).is_ok_and(|age| age >= settle)
}

/// Looks at the folder (not its subfolders).
pub(super) fn scan(dir: &Path, settle: Duration) -> io::Result<Scan> {
    let mut scan = Scan::default();
    let now = SystemTime::now();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        // Not followed: a symbolic link is never taken (it could point
        // anywhere on the machine).
        let Ok(meta) = entry.metadata() else { continue };
        let name = entry.file_name();
        if !meta.is_file() || is_ignored_name(&name.to_string_lossy()) {
            continue;
        }
        match meta.modified() {
            Ok(modified) if is_settled(modified, now, settle) => scan.ready.push(Ready { name }),
            _ => scan.waiting += 1,
        }
    }
    scan.ready.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(scan)
}

/// A name safe to keep on disk: no control characters, at most about 150
/// bytes (the extension kept), never empty.
pub(super) fn safe_name(name: &str) -> String {
    const MAX_BYTES: usize = 150;
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || c == '/' || c == '\\' {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = if cleaned.trim_matches(['.', ' ']).is_empty() {
        "file".to_string()
    } else {
        cleaned
    };
    if cleaned.len() <= MAX_BYTES {
        return cleaned;
    }
    let ext = cleaned
        .rfind('.')
        .map(|i| &cleaned[i..])
        .filter(|e| e.len() <= 12)
        .unwrap_or("");
    let mut stem_end = MAX_BYTES - ext.len();
    while !cleaned.is_char_boundary(stem_end) {
        stem_end -= 1;
    }
    format!("{}{ext}", &cleaned[..stem_end])
}

/// Claims `name` by moving it into `processing/`; `Ok(None)` when another
/// run took it first.
pub(super) fn claim(dir: &Path, name: &OsString, shown: &str) -> io::Result<Option<PathBuf>> {
    let processing = dir.join(PROCESSING);
    fs::create_dir_all(&processing)?;
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let to = processing.join(format!("{nanos}-{}_{}", std::process::id(), safe_name(shown)));
    match fs::rename(dir.join(name), &to) {
        Ok(()) => Ok(Some(to)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// How old a claim must be before [`recover`] takes it back: far longer
/// than any import of a file within the upload limit takes.
pub(super) const RECOVER_AFTER: Duration = Duration::from_secs(60 * 60);

/// The time a claimed file was claimed, from its name
/// (`{nanos}-{pid}_{name}`), and the name it had.
fn claimed_at(claimed: &str) -> Option<(SystemTime, &str)> {
    let (stamp, name) = claimed.split_once('_')?;
    let nanos: u64 = stamp.split_once('-')?.0.parse().ok()?;
    Some((SystemTime::UNIX_EPOCH + Duration::from_nanos(nanos), name))
}

/// Moves the files of `processing/` claimed before `now - stale` back into
/// the folder under the name they had (or, if that is taken, the name with
/// the claim's stamp in front); answers the names they were put back as.
pub(super) fn recover(dir: &Path, now: SystemTime, stale: Duration) -> io::Result<Vec<String>> {
    let processing = dir.join(PROCESSING);
    let entries = match fs::read_dir(&processing) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    // Oldest claim first: it gets its own name back.
    let mut stale_claims = Vec::new();
    for entry in entries {
        let entry = entry?;
        let claimed = entry.file_name().to_string_lossy().into_owned();
        let Some((at, _)) = claimed_at(&claimed) else {
            continue;
        };
        if is_settled(at, now, stale) && entry.file_type()?.is_file() {
            stale_claims.push((at, claimed, entry.path()));
        }
    }
    stale_claims.sort();
    let mut back = Vec::new();
    for (_, claimed, path) in stale_claims {
        let Some((_, name)) = claimed_at(&claimed) else {
            continue;
        };
        let mut to = dir.join(name);
        if to.exists() {
            to = dir.join(format!("{}_{name}", claimed.split('_').next().unwrap_or_default()));
        }
        if to.exists() {
            continue;
        }
        fs::rename(&path, &to)?;
        back.push(
            to.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
    }
    back.sort();
    Ok(back)
}

/// Reads at most `max` bytes; `Err(size)` when the file is larger.
pub(super) fn read_capped(path: &Path, max: usize) -> io::Result<Result<Vec<u8>, u64>> {
    let file = fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > max as u64 {
        return Ok(Err(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(max as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > max {
        return Ok(Err(bytes.len() as u64));
    }
    Ok(Ok(bytes))
}

/// Puts the claimed file away in `folder` (`done` or `failed`) as
/// `STAMP_NAME`, with `result` next to it as `STAMP_NAME.result.json`;
/// answers the new path relative to the intake folder. The result file is
/// created first, only if no such file exists: it reserves the name, so
/// nothing is ever overwritten (`STAMP-2_NAME`, … when taken).
pub(super) fn put_away(
    dir: &Path,
    claimed: &Path,
    folder: &str,
    stamp: &str,
    name: &str,
    result: &[u8],
) -> io::Result<String> {
    use std::io::Write;
    let target = dir.join(folder);
    fs::create_dir_all(&target)?;
    let name = safe_name(name);
    for n in 1..=1000 {
        let stored = if n == 1 {
            format!("{stamp}_{name}")
        } else {
            format!("{stamp}-{n}_{name}")
        };
        let result_path = target.join(format!("{stored}.result.json"));
        let mut file = match fs::OpenOptions::new().write(true).create_new(true).open(&result_path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        file.write_all(result)?;
        if target.join(&stored).exists() {
            // A file of that name without its result (put there by hand).
            fs::remove_file(&result_path)?;
            continue;
        }
        fs::rename(claimed, target.join(&stored))?;
        return Ok(format!("{folder}/{stored}"));
    }
    Err(io::Error::other("no free name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_taken_only_once_it_has_rested_the_settle_time() {
        let now = SystemTime::now();
        let settle = Duration::from_secs(10);
        assert!(!is_settled(now, now, settle), "just written");
        assert!(!is_settled(now - Duration::from_secs(9), now, settle));
        assert!(is_settled(now - Duration::from_secs(10), now, settle));
        assert!(is_settled(now - Duration::from_secs(3600), now, settle));
        // A clock ahead on the exporting machine: waits until that time.
        assert!(!is_settled(now + Duration::from_secs(5), now, settle));
        assert!(!is_settled(now + Duration::from_secs(5), now, Duration::ZERO));
        assert!(is_settled(now, now, Duration::ZERO));
    }

    #[test]
    fn hidden_and_unfinished_files_are_never_taken() {
        for name in [
            ".timecard.csv",
            "timecard.csv.part",
            "timecard.csv.TMP",
            "x.crdownload",
            "timecard.csv~",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["timecard.csv", "doctors_2024.CSV", "勤怠.csv"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }

    #[test]
    fn the_scan_sees_only_settled_plain_files_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        for name in ["b.csv", "a.csv", ".hidden.csv", "c.csv.part"] {
            fs::write(p.join(name), "x").unwrap();
        }
        fs::create_dir(p.join(DONE)).unwrap();
        fs::write(p.join(DONE).join("old.csv"), "x").unwrap();
        let scan = scan(p, Duration::ZERO).unwrap();
        let names: Vec<String> = scan
            .ready
            .iter()
            .map(|r| r.name.to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.csv", "b.csv"]);
        // Just written: both wait with a settle time of a minute.
        let scan = super::scan(p, Duration::from_secs(60)).unwrap();
        assert!(scan.ready.is_empty());
        assert_eq!(scan.waiting, 2);
    }

    #[test]
    fn a_file_is_claimed_by_one_run_only() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.csv"), "x").unwrap();
        let name = OsString::from("a.csv");
        let first = claim(dir.path(), &name, "a.csv").unwrap();
        assert!(first.as_ref().is_some_and(|p| p.exists()));
        assert!(claim(dir.path(), &name, "a.csv").unwrap().is_none());
    }

    #[test]
    fn a_file_left_in_processing_goes_back_to_the_folder_once_its_claim_is_stale() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("kot_0701.csv"), "x").unwrap();
        let claimed = claim(dir.path(), &OsString::from("kot_0701.csv"), "kot_0701.csv")
            .unwrap()
            .unwrap();
        let now = SystemTime::now();
        // A claim of a running import is left alone.
        assert!(recover(dir.path(), now, RECOVER_AFTER).unwrap().is_empty());
        assert!(claimed.exists());
        // An hour later both claims of the name come back: the older one
        // (claimed at 5 ns past 1970) under its own name, the other beside
        // it with its claim's stamp.
        fs::write(dir.path().join(PROCESSING).join("5-1_kot_0701.csv"), "y").unwrap();
        let later = now + RECOVER_AFTER + Duration::from_secs(1);
        let back = recover(dir.path(), later, RECOVER_AFTER).unwrap();
        assert_eq!(back.len(), 2, "{back:?}");
        assert!(back.contains(&"kot_0701.csv".to_string()));
        assert_eq!(fs::read_to_string(dir.path().join("kot_0701.csv")).unwrap(), "y");
        let stamped = claimed.file_name().unwrap().to_string_lossy().into_owned();
        assert!(back.contains(&stamped), "{back:?}");
        assert_eq!(fs::read_to_string(dir.path().join(&stamped)).unwrap(), "x");
        assert!(!claimed.exists());
        // Names kinmu did not give are not touched.
        fs::write(dir.path().join(PROCESSING).join("notes.txt"), "z").unwrap();
        assert!(recover(dir.path(), later, RECOVER_AFTER).unwrap().is_empty());
    }

    #[test]
    fn putting_away_never_overwrites_and_keeps_the_result_next_to_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut stored = Vec::new();
        for body in ["one", "two"] {
            let claimed = dir.path().join(format!("claimed-{body}"));
            fs::write(&claimed, body).unwrap();
            stored.push(put_away(dir.path(), &claimed, FAILED, "20240701-090000", "x.csv", b"{}").unwrap());
        }
        assert_eq!(
            stored,
            ["failed/20240701-090000_x.csv", "failed/20240701-090000-2_x.csv"]
        );
        assert_eq!(fs::read_to_string(dir.path().join(&stored[0])).unwrap(), "one");
        assert_eq!(fs::read_to_string(dir.path().join(&stored[1])).unwrap(), "two");
        assert!(dir.path().join("failed/20240701-090000-2_x.csv.result.json").exists());
    }

    #[test]
    fn a_long_or_odd_name_is_kept_short_with_its_extension() {
        let long = format!("{}.csv", "長い名前".repeat(100));
        let safe = safe_name(&long);
        assert!(safe.len() <= 150 && safe.ends_with(".csv"), "{safe}");
        assert_eq!(safe_name("a\nb<c>.csv"), "a_b<c>.csv");
        assert_eq!(safe_name(".."), "file");
    }
}

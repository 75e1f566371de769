//! Golden files: what kinmu sends people (mails) and inspectors (the print
//! pack's CSV) compared byte for byte with `tests/snapshots/`, so a change
//! of wording or layout shows up in review as a diff of those files. Run
//! with `KINMU_UPDATE_SNAPSHOTS=1` to write them anew after a deliberate
//! change.

use std::path::PathBuf;

/// Compares `actual` with `tests/snapshots/{name}`, or writes it there when
/// `KINMU_UPDATE_SNAPSHOTS=1`.
pub fn assert_snapshot(name: &str, actual: &[u8]) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var("KINMU_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "no golden file {} ({e}); run with KINMU_UPDATE_SNAPSHOTS=1 to write it",
            path.display()
        )
    });
    if expected != actual {
        let (expected, actual) = (String::from_utf8_lossy(&expected), String::from_utf8_lossy(actual));
        let line = expected
            .split_inclusive('\n')
            .zip(actual.split_inclusive('\n'))
            .position(|(e, a)| e != a)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{name} differs from its golden file {} from line {}:\n  expected: {:?}\n  actual:   {:?}\n\
             (KINMU_UPDATE_SNAPSHOTS=1 rewrites it after a deliberate change)",
            path.display(),
            line + 1,
            expected.split_inclusive('\n').nth(line).unwrap_or("<end>"),
            actual.split_inclusive('\n').nth(line).unwrap_or("<end>"),
        );
    }
}

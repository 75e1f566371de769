//! The screens in real headless Chromium: runs tests/browser/run.mjs (Node
//! and playwright-core driving Debian's `chromium`) against the built
//! binary — the demo's flows (flows.mjs), then every screen of every role
//! on a generated hospital of 300 doctors at 1366 px and 390 px with an
//! accessibility pass by axe-core (scale.mjs). Screenshots of the dashboard,
//! a doctor's page and the print pack, the pack printed to PDF, and every
//! screen of the 300-doctor hospital (target/browser/scale/) are kept.
//!
//! Skipped with a warning when Chromium, Node or the test's node_modules are
//! missing, unless `KINMU_TEST_REQUIRE_BROWSER=1` (set by `.ci/run`, which
//! installs them) makes that a failure.

use std::path::Path;
use std::process::Command;

#[test]
fn the_screens_work_in_headless_chromium() {
    let required = std::env::var("KINMU_TEST_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let missing: Vec<&str> = [
        (!Path::new(&chromium).exists()).then_some("chromium"),
        (!node_ok).then_some("node"),
        (!root.join("tests/browser/node_modules/playwright-core").exists()
            || !root.join("tests/browser/node_modules/axe-core").exists())
        .then_some("tests/browser/node_modules (npm ci --prefix tests/browser)"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !missing.is_empty() {
        assert!(!required, "browser tests required but missing: {missing:?}");
        eprintln!("warning: browser tests skipped, missing {missing:?}");
        return;
    }
    let out = root.join("target/browser");
    let run = Command::new("node")
        .arg(root.join("tests/browser/run.mjs"))
        .env("KINMU_BIN", env!("CARGO_BIN_EXE_kinmu"))
        .env("KINMU_BROWSER_OUT", &out)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    println!("{stdout}");
    assert!(
        run.status.success(),
        "browser checks failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for shot in [
        "dashboard.png",
        "doctor.png",
        "login-demo.png",
        "scale/hr-dashboard-1366.png",
        "scale/hr-dashboard-390.png",
        "scale/doctor-me-390.png",
    ] {
        assert!(out.join(shot).exists(), "{shot} kept");
    }
}

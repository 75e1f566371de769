//! Vendor layouts end to end (issue 12): each built-in preset's test file
//! in tests/data/layouts/, written in that system's documented layout (the
//! page is named at the top of each preset under
//! src/import/layout/presets/), imported on both backends to the rows and
//! monthly minutes expected; CP932 where the vendor writes CP932.

use crate::helpers::*;
use kinmu::import::layout::Layout;
use kinmu::ingest::{self, ImportKind, ImportReport, ImportRequest};

const DOCTORS: &str = "staff_id,name,legal_holiday\nD001,山田 太郎,sun\nD002,佐藤 花子,sat\n0101,鈴木 一郎,sun\n";

fn layout_file(name: &str) -> String {
    String::from_utf8(read_sample(&format!("layouts/{name}"))).unwrap()
}

/// A test file as the vendor writes it: CP932 unless `utf8`.
fn vendor_bytes(name: &str, utf8: bool) -> Vec<u8> {
    let text = layout_file(name);
    if utf8 {
        return text.into_bytes();
    }
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn import(db: &TestDb, kind: ImportKind, bytes: &[u8], layout: Option<&Layout>) -> ImportReport {
    let mut conn = db.conn();
    let r = ingest::run(
        &mut conn,
        &ImportRequest {
            kind,
            bytes,
            file_name: "vendor.csv",
            skip_invalid: false,
            layout,
            period: None,
            published_at: None,
            actor: Some("test"),
            now: now(),
        },
    )
    .unwrap();
    assert!(r.rejected.is_empty(), "{:?}: {:#?}", db.backend, r.rejected);
    assert!(r.committed);
    r
}

fn work(db: &TestDb, staff: &str) -> i64 {
    doctor(&db.report("2024-06", "2024-06-30"), staff).total_work_minutes
}

fn rows(db: &TestDb) -> i64 {
    db.count_where("SELECT COUNT(*) AS n FROM timecard_rows")
}

#[test]
fn king_of_time_daily_imports_an_overnight_timestamp_and_sexagesimal_breaks() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let l = Layout::preset("kingoftime-daily").unwrap();
        let r = import(
            db,
            ImportKind::Timecard,
            &vendor_bytes("kingoftime-daily.csv", false),
            Some(&l),
        );
        assert_eq!(
            (r.layout.as_str(), r.inserted, r.encoding),
            ("kingoftime-daily", 3, "shift_jis")
        );
        // 08:30–17:45 less 1.15 (1 h 15), 17:00–09:30 less 1.30 (1 h 30), 09:00–12:00.
        assert_eq!(work(db, "D001"), 480 + 900 + 180);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM timecard_rows WHERE break_minutes = 90"),
            1
        );
    });
}

#[test]
fn jinjer_daily_is_recognised_and_imports_two_pairs_past_24_and_break_pairs() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let r = import(db, ImportKind::Timecard, &vendor_bytes("jinjer-daily.csv", false), None);
        assert_eq!((r.layout.as_str(), r.inserted), ("jinjer-daily", 4));
        // 08:30–12:00 and 13:00–17:30; 17:00–33:12 less 45 + 30 min of breaks.
        assert_eq!(work(db, "D001"), 210 + 270 + 972 - 75);
        assert_eq!(work(db, "D002"), 540 - 60);
        // The same file again changes nothing.
        let again = ingest::run(
            &mut db.conn(),
            &ImportRequest {
                kind: ImportKind::Timecard,
                bytes: &vendor_bytes("jinjer-daily.csv", false),
                file_name: "vendor.csv",
                skip_invalid: false,
                layout: None,
                period: None,
                published_at: None,
                actor: None,
                now: now(),
            },
        )
        .unwrap();
        assert_eq!((again.inserted, again.unchanged, again.committed), (0, 4, false));
    });
}

#[test]
fn jinjer_pc_log_imports_pc_sessions_past_24() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let r = import(db, ImportKind::Pclog, &vendor_bytes("jinjer-pclog.csv", false), None);
        assert_eq!((r.layout.as_str(), r.inserted), ("jinjer-pclog", 2));
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM pc_sessions WHERE logoff_at >= '2024-06-05'"),
            1
        );
    });
}

#[test]
fn jobcan_punches_import_as_shifts_with_their_breaks() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let l = Layout::preset("jobcan-punches").unwrap();
        let r = import(
            db,
            ImportKind::Timecard,
            &vendor_bytes("jobcan-punches.csv", false),
            Some(&l),
        );
        assert_eq!((r.layout.as_str(), r.inserted), ("jobcan-punches", 4));
        assert_eq!(work(db, "D001"), (540 - 45) + 240 + 300);
        assert_eq!(work(db, "D002"), 975);
    });
}

#[test]
fn a_time_recorders_usb_file_imports_with_the_next_day_flag() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let l = Layout::preset("timerecorder-usb").unwrap();
        let r = import(
            db,
            ImportKind::Timecard,
            &vendor_bytes("timerecorder-usb.csv", false),
            Some(&l),
        );
        assert_eq!((r.layout.as_str(), r.inserted), ("timerecorder-usb", 4));
        assert_eq!(work(db, "0101"), 188 + 311 + 251 + 145);
    });
}

#[test]
fn a_roster_reads_through_a_layout_too() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let l = Layout::from_toml(&layout_file("hospital-own.toml")).unwrap();
        let r = import(
            db,
            ImportKind::Roster,
            &vendor_bytes("hospital-own.csv", true),
            Some(&l),
        );
        assert_eq!((r.layout.as_str(), r.inserted), ("hospital-own", 4));
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM roster_rows"), 4);
        assert_eq!(rows(db), 0);
    });
}

#[test]
fn the_command_line_takes_a_layout_by_name_or_file_and_says_which_was_used() {
    each_backend(|db| {
        let dir = tempfile::tempdir().unwrap();
        let doctors = dir.path().join("doctors.csv");
        std::fs::write(&doctors, DOCTORS).unwrap();
        assert!(db
            .kinmu(&["import", "doctors", doctors.to_str().unwrap()])
            .status
            .success());
        let kot = dir.path().join("kot.csv");
        std::fs::write(&kot, vendor_bytes("kingoftime-daily.csv", false)).unwrap();
        // Not recognised without --layout: kinmu's own columns are missing.
        let out = db.kinmu(&["import", "timecard", kot.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        let out = db.kinmu(&[
            "import",
            "timecard",
            kot.to_str().unwrap(),
            "--layout",
            "kingoftime-daily",
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let json = stdout_json(&out);
        assert_eq!(
            (json["layout"].as_str(), json["inserted"].as_u64()),
            (Some("kingoftime-daily"), Some(3))
        );

        let own = sample("layouts/hospital-own.toml");
        let csv = sample("layouts/hospital-own.csv");
        let out = db.kinmu(&[
            "import",
            "roster",
            csv.to_str().unwrap(),
            "--layout-file",
            own.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(stdout_json(&out)["layout"], "hospital-own");
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM roster_rows"), 4);
        assert_eq!(work(db, "D001"), 480 + 900 + 180);

        let out = db.kinmu(&["import", "timecard", csv.to_str().unwrap(), "--layout", "nope"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("no such layout"));
    });
}

#[test]
fn layouts_are_listed_and_shown() {
    let db = TestDb::new(Backend::Sqlite);
    let out = db.kinmu(&["layouts", "list"]);
    assert!(out.status.success());
    let list = String::from_utf8(out.stdout).unwrap();
    let names: Vec<&str> = list.lines().map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(names, Layout::preset_names());
    assert!(list
        .lines()
        .any(|l| l.starts_with("jinjer-daily\t") && l.contains("recognised automatically")));
    assert!(list
        .lines()
        .any(|l| l.starts_with("kingoftime-daily\t") && l.contains("chosen explicitly")));
    let out = db.kinmu(&["layouts", "show", "kingoftime-daily"]);
    assert!(out.status.success());
    let shown = String::from_utf8(out.stdout).unwrap();
    assert_eq!(Layout::from_toml(&shown).unwrap().name, "kingoftime-daily");
    assert!(shown.contains("unit = \"hours_sexagesimal\""));
}

#[test]
fn a_layout_saved_from_the_command_line_is_taken_by_name_listed_and_deleted() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let own = sample("layouts/hospital-own.toml");
        let csv = sample("layouts/hospital-own.csv");
        let out = db.kinmu(&["layouts", "save", own.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("hospital-own\t"));
        let list = String::from_utf8(db.kinmu(&["layouts", "list"]).stdout).unwrap();
        assert!(list.lines().any(|l| l.starts_with("hospital-own\t")), "{list}");
        let out = db.kinmu(&["import", "roster", csv.to_str().unwrap(), "--layout", "hospital-own"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(stdout_json(&out)["layout"], "hospital-own");
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM roster_rows"), 4);
        // A preset's name cannot be saved over.
        let dir = tempfile::tempdir().unwrap();
        let taken = dir.path().join("taken.toml");
        let text = std::fs::read_to_string(&own).unwrap();
        std::fs::write(
            &taken,
            text.replace("name = \"hospital-own\"", "name = \"jinjer-daily\""),
        )
        .unwrap();
        let out = db.kinmu(&["layouts", "save", taken.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("built-in layout's name"));
        assert!(db.kinmu(&["layouts", "delete", "hospital-own"]).status.success());
        assert_eq!(db.kinmu(&["layouts", "delete", "hospital-own"]).status.code(), Some(1));
        let out = db.kinmu(&["import", "roster", csv.to_str().unwrap(), "--layout", "hospital-own"]);
        assert_eq!(out.status.code(), Some(1));
    });
}

#[test]
fn a_get_winevent_export_is_recognised_and_its_sessions_stored_for_the_doctors_pc_accounts_with_notices() {
    each_backend(|db| {
        db.import_ok(
            ImportKind::Doctors,
            "staff_id,name,pc_account\nD001,山田 太郎,yamada-t\nD002,鈴木 花子,suzuki-h\n".as_bytes(),
        );
        let bytes = read_sample("layouts/windows-getwinevent.csv");
        // No layout given: the header names it.
        let r = import(db, ImportKind::Pclog, &bytes, None);
        assert_eq!(r.layout, "windows-getwinevent");
        assert_eq!((r.inserted, r.unchanged), (7, 0));
        assert_eq!(r.notices_total, 3, "{:?}", r.notices);
        assert!(r.notices.iter().all(|n| n.reason.contains(" / ")));
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM pc_sessions p JOIN doctors d ON d.id = p.doctor_id \
                 WHERE d.staff_id = 'D001' AND p.pc_name = 'PC-ER-01.hosp.local' \
                 AND p.logon_at = '2024-06-10 08:00:05' AND p.logoff_at = '2024-06-10 12:00:00' AND p.source_line = 426"
            ),
            1
        );
        // The same export again changes nothing.
        let mut conn = db.conn();
        let again = ingest::run(
            &mut conn,
            &ImportRequest {
                kind: ImportKind::Pclog,
                bytes: &bytes,
                file_name: "again.csv",
                skip_invalid: false,
                layout: None,
                period: None,
                published_at: None,
                actor: Some("test"),
                now: now(),
            },
        )
        .unwrap();
        assert_eq!((again.inserted, again.unchanged, again.committed), (0, 7, false));
    });
}

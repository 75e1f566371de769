//! The inputs of the §11 rest engine (formats.md R.1, R.2; rules §11.1,
//! §11.3, §11.7): a C-1 doctor's clinical-trainee flag on the doctors file
//! and the interval rule of timecard and roster rows — imported, stored as
//! codes and read back, on both backends.

use crate::helpers::*;
use chrono::NaiveDateTime;
use kinmu::db::queries;
use kinmu::domain::shift::IntervalRule;
use kinmu::ingest::ImportKind;

const DOCTORS: &str = "staff_id,name,level,臨床研修医\n\
D001,研修 一郎,C-1,はい\n\
D002,勤務 二郎,B,はい\n\
D003,研修 三郎,C-1,\n";

fn june() -> (NaiveDateTime, NaiveDateTime) {
    (
        date("2024-06-01").and_hms_opt(0, 0, 0).unwrap(),
        date("2024-07-01").and_hms_opt(0, 0, 0).unwrap(),
    )
}

/// The current roster rows' (staff start date, stored code, rule as read).
fn roster_rules(db: &TestDb) -> Vec<(String, Option<String>, Option<IntervalRule>)> {
    let (from, to) = june();
    queries::current_roster(&mut db.conn(), None, from, to)
        .unwrap()
        .into_iter()
        .map(|s| {
            let rule = s.shift("roster_rows").unwrap().interval_rule();
            (s.start_at.date().to_string(), s.extras.interval_rule.clone(), rule)
        })
        .collect()
}

#[test]
fn clinical_trainee_is_stored_for_a_c1_doctor_only() {
    each_backend(|db| {
        let r = db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        assert_eq!(r.inserted, 3);
        let flag = |id: &str| {
            let d = queries::doctor_by_staff_id(&mut db.conn(), id).unwrap().unwrap();
            (d.clinical_trainee, d.is_clinical_trainee())
        };
        assert_eq!(flag("D001"), (true, true));
        assert_eq!(flag("D002"), (false, false), "read only with level C-1");
        assert_eq!(flag("D003"), (false, false));
        // A re-import whose only change is the flag updates the doctor.
        let again = DOCTORS.replace("D003,研修 三郎,C-1,", "D003,研修 三郎,C-1,○");
        let r = db.import_ok(ImportKind::Doctors, again.as_bytes());
        assert_eq!((r.corrected, r.unchanged), (1, 2));
        assert_eq!(flag("D003"), (true, true));
    });
}

#[test]
fn the_interval_rule_of_roster_and_timecard_rows_is_stored_as_its_code() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let roster = "職員番号,勤務日,出勤,退勤,休息ルール\n\
D001,2024-06-03,08:00,23:30,長時間手術\n\
D001,2024-06-05,08:30,17:30,\n";
        let r = db.import_ok(ImportKind::Roster, roster.as_bytes());
        assert_eq!(r.inserted, 2);
        assert_eq!(
            roster_rules(db),
            vec![
                ("2024-06-03".into(), Some("over15".into()), Some(IntervalRule::Over15)),
                ("2024-06-05".into(), None, None),
            ]
        );
        // The same file again changes nothing; a changed rule alone is a
        // new plan.
        let r = db.import_ok(ImportKind::Roster, roster.as_bytes());
        assert_eq!((r.inserted, r.unchanged), (0, 2));
        let changed = roster.replace("17:30,\n", "17:30,24時間研修\n");
        let r = db.import_ok(ImportKind::Roster, changed.as_bytes());
        assert_eq!((r.inserted, r.unchanged), (1, 1));
        assert_eq!(roster_rules(db)[1].1.as_deref(), Some("c1_24h"));

        // Timecards store it too (and ignore it); a change of it alone is a
        // new version of the row.
        let timecard = "staff_id,date,clock_in,clock_out,interval_rule\n\
D001,2024-06-03,08:00,23:40,over15\n";
        db.import_ok(ImportKind::Timecard, timecard.as_bytes());
        let stored = "SELECT COUNT(*) AS n FROM timecard_rows WHERE superseded_at IS NULL AND interval_rule = 'over15'";
        assert_eq!(db.count_where(stored), 1);
        let r = db.import_ok(ImportKind::Timecard, timecard.replace(",over15", ",").as_bytes());
        assert_eq!((r.corrected, r.unchanged), (1, 0));
        assert_eq!(db.count_where(stored), 0);
    });
}

#[test]
fn an_unknown_interval_rule_refuses_the_file_naming_its_line_and_column() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let before = db.data_counts();
        let file = "staff_id,date,clock_in,clock_out,interval_rule\n\
D001,2024-06-03,08:00,17:00,over15\n\
D001,2024-06-04,08:00,17:00,foo\n";
        for kind in [ImportKind::Roster, ImportKind::Timecard] {
            let r = db.import(kind, file.as_bytes());
            assert!(!r.committed, "{kind:?}: all or nothing");
            assert_eq!(r.rejected.len(), 1, "{kind:?}");
            let e = &r.rejected[0];
            assert_eq!((e.line, e.column.as_deref()), (3, Some("interval_rule")));
            assert!(e.reason.starts_with("休息ルールが不明です"), "{}", e.reason);
            assert!(e.reason.contains("\"foo\"") && e.reason.contains("unknown interval_rule"));
            assert_eq!(db.data_counts(), before, "{kind:?}: nothing stored");
        }
        // With --skip-invalid the good row is stored.
        let r = db.import_with(ImportKind::Roster, file.as_bytes(), true);
        assert_eq!((r.inserted, r.rejected.len()), (1, 1));
        assert_eq!(roster_rules(db).len(), 1);
    });
}

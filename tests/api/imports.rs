//! Imports: encodings, all-or-nothing, idempotence, corrections, overlap,
//! rosters and PC logs, on both backends.

use crate::helpers::*;
use kinmu::ingest::ImportKind;
use std::fmt::Write;

const DOCTORS: &str = "staff_id,name,department,level,legal_holiday,pc_account\n\
D001,山田 太郎,内科,A,sun,yamada-pc\n\
D002,佐藤 花子,外科,B,sat,\n";

/// `n` doctors, D0001…, for large files.
fn many_doctors(n: usize) -> String {
    let mut s = String::from("staff_id,name\n");
    for i in 1..=n {
        writeln!(s, "D{i:04},医師{i}").unwrap();
    }
    s
}

/// A timecard of `doctors` × every day of June 2024, 08:30–17:30 with a
/// 60 min break and a night shift to 25:00 on the 10th. Line 1 is the header.
fn big_timecard(doctors: usize) -> Vec<String> {
    let mut lines = vec!["staff_id,date,clock_in,clock_out,break_minutes,kind".to_string()];
    for i in 1..=doctors {
        for day in 1..=30 {
            let (end, kind) = if day == 10 {
                ("25:00", "work")
            } else {
                ("17:30", "work")
            };
            lines.push(format!("D{i:04},2024-06-{day:02},08:30,{end},60,{kind}"));
        }
    }
    lines
}

#[test]
fn a_shift_jis_export_with_japanese_headers_gives_the_same_report_as_utf8_with_english_headers() {
    // The worked example, rewritten the way a Japanese attendance system
    // exports it: Shift_JIS, Japanese headers and kinds, slash dates,
    // full-width parentheses in the break header, 25:30-style ends.
    let japanese = "職員番号,勤務日,出勤時刻,退勤時刻,休憩時間（分）,勤務区分,備考\r\n\
X1,2024/5/27,08:00,20:00,60,日勤,\r\n\
X1,2024/5/28,08:00,20:00,60,日勤,\r\n\
X1,2024/5/29,08:00,20:00,60,日勤,\r\n\
X1,2024/5/30,08:00,20:00,60,日勤,\r\n\
X1,2024/5/31,08:00,20:00,60,日勤,\r\n\
X1,2024/6/1,18:00,33:00,90,夜勤,当直明け\r\n\
X1,2024/6/9,20:00,10:00,60,夜勤,\r\n\
X1,2024/6/10,13:00,23:00,0,通常,\r\n\
X1,2024/6/11,09:00,12:00,0,自己研鑽,抄読会\r\n\
X2,2024/6/1,09:00,18:00,1:00,日勤,\r\n\
X2,2024/6/2,09:00,18:00,60,副業,他院外来\r\n";
    let (sjis, _, had_errors) = encoding_rs::SHIFT_JIS.encode(japanese);
    assert!(!had_errors);
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, &read_sample("worked-doctors.csv"));
        let r = db.import_ok(ImportKind::Timecard, &sjis);
        assert_eq!(r.encoding, "shift_jis");
        assert_eq!(r.inserted, 11);
        assert_eq!(r.ignored_columns, vec!["備考".to_string()]);
        let english = TestDb::new(db.backend);
        english.import_ok(ImportKind::Doctors, &read_sample("worked-doctors.csv"));
        english.import_ok(ImportKind::Timecard, &read_sample("worked-timecard.csv"));
        assert_eq!(
            db.report("2024-06", "2024-06-30"),
            english.report("2024-06", "2024-06-30")
        );
    });
}

#[test]
fn one_bad_row_among_thousands_changes_nothing_then_the_fixed_file_imports_once() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, many_doctors(100).as_bytes());
        let mut lines = big_timecard(100); // 3000 rows
        let bad_line = 1789;
        let good = lines[bad_line - 1].clone();
        lines[bad_line - 1] = good.replace("17:30", "17:3O");
        let before = db.counts();
        let r = db.import(ImportKind::Timecard, (lines.join("\n") + "\n").as_bytes());
        assert_eq!(r.rejected.len(), 1, "{:?}", r.rejected);
        assert_eq!(r.rejected[0].line, bad_line);
        assert!(r.rejected[0].reason.contains("17:3O"), "{}", r.rejected[0].reason);
        assert!(!r.committed);
        assert_eq!((r.inserted, r.corrected, r.unchanged), (0, 0, 0));
        assert_eq!(db.counts(), before, "a rejected file must change nothing");

        lines[bad_line - 1] = good;
        let file = lines.join("\n") + "\n";
        let r = db.import_ok(ImportKind::Timecard, file.as_bytes());
        assert_eq!((r.inserted, r.corrected, r.unchanged), (3000, 0, 0));
        let after_first = db.counts();
        let report = db.report("2024-06", "2024-06-30");

        let again = db.import_ok(ImportKind::Timecard, file.as_bytes());
        assert_eq!((again.inserted, again.corrected, again.unchanged), (0, 0, 3000));
        assert!(!again.committed);
        assert_eq!(db.counts(), after_first, "re-importing the same file changes nothing");
        assert_eq!(db.report("2024-06", "2024-06-30"), report);
    });
}

#[test]
fn skip_invalid_writes_the_valid_rows_and_still_lists_the_rest() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let file = "staff_id,date,clock_in,clock_out,break_minutes\n\
D001,2024-06-03,08:30,17:30,60\n\
D001,2024-06-04,08:30,17:30,-5\n\
NOBODY,2024-06-04,08:30,17:30,60\n\
D002,2024-06-04,08:30,2024-06-05,60\n";
        let r = db.import_with(ImportKind::Timecard, file.as_bytes(), true);
        assert!(r.committed);
        assert_eq!(r.inserted, 1);
        let lines: Vec<usize> = r.rejected.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5]);
        assert!(r.rejected[0].reason.contains("休憩"), "{:?}", r.rejected[0]);
        assert!(r.rejected[1].reason.contains("NOBODY"));
        assert_eq!(
            doctor(&db.report("2024-06", "2024-06-30"), "D001").total_work_minutes,
            480
        );
    });
}

#[test]
fn a_changed_row_is_a_correction_that_keeps_the_old_version() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let v1 = "staff_id,date,clock_in,clock_out,break_minutes\nD001,2024-06-03,08:30,17:30,60\nD001,2024-06-04,08:30,17:30,60\n";
        db.import_ok(ImportKind::Timecard, v1.as_bytes());
        assert_eq!(doctor(&db.report("2024-06", "2024-06-30"), "D001").overtime_minutes, 0);

        let v2 = "staff_id,date,clock_in,clock_out,break_minutes\nD001,2024-06-03,08:30,21:30,60\nD001,2024-06-04,08:30,17:30,60\n";
        let r = db.import_ok(ImportKind::Timecard, v2.as_bytes());
        assert_eq!((r.inserted, r.corrected, r.unchanged), (0, 1, 1));
        assert_eq!(
            doctor(&db.report("2024-06", "2024-06-30"), "D001").overtime_minutes,
            240
        );

        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM timecard_rows"), 3);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM timecard_rows WHERE superseded_at IS NOT NULL"),
            1
        );
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM timecard_rows n JOIN timecard_rows o ON n.replaces_id = o.id WHERE n.version = 2 AND o.version = 1 AND o.superseded_at IS NOT NULL"),
            1
        );
        // Importing the old file again corrects back, as a third version.
        let r = db.import_ok(ImportKind::Timecard, v1.as_bytes());
        assert_eq!(r.corrected, 1);
        assert_eq!(
            db.count_where("SELECT CAST(MAX(version) AS BIGINT) AS n FROM timecard_rows"),
            3
        );
        assert_eq!(doctor(&db.report("2024-06", "2024-06-30"), "D001").overtime_minutes, 0);
    });
}

#[test]
fn overlapping_working_rows_are_rejected_in_the_file_and_against_stored_rows() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        db.import_ok(
            ImportKind::Timecard,
            b"staff_id,date,clock_in,clock_out,kind\nD001,2024-06-03,17:00,09:00,duty\n",
        );
        let before = db.counts();
        let file = "staff_id,date,clock_in,clock_out,kind\n\
D001,2024-06-04,08:30,17:30,work\n\
D001,2024-06-05,08:00,12:00,work\n\
D001,2024-06-05,11:00,15:00,external\n\
D001,2024-06-05,18:00,20:00,self_study\n\
D001,2024-06-04,08:00,09:00,duty_permitted\n\
D002,2024-06-04,08:30,17:30,work\n";
        let r = db.import(ImportKind::Timecard, file.as_bytes());
        let lines: Vec<usize> = r.rejected.iter().map(|e| e.line).collect();
        // Line 2 overlaps the stored duty (until 09:00 on the 4th); line 4
        // overlaps line 3. Self-study and permitted duty may overlap.
        assert_eq!(lines, vec![2, 4], "{:#?}", r.rejected);
        assert!(r.rejected[0].reason.contains("登録済み"), "{}", r.rejected[0].reason);
        assert!(r.rejected[1].reason.contains("3行目"), "{}", r.rejected[1].reason);
        assert_eq!(db.counts(), before);
        // Rows that only touch (one ends as the next starts) are fine.
        db.import_ok(
            ImportKind::Timecard,
            b"staff_id,date,clock_in,clock_out\nD001,2024-06-04,09:00,17:30\n",
        );
    });
}

#[test]
fn the_same_row_twice_in_a_file_is_one_row_but_two_different_rows_with_one_key_are_an_error() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let twice = "staff_id,date,clock_in,clock_out\nD001,2024-06-04,08:30,17:30\nD001,2024-06-04,08:30,17:30\n";
        let r = db.import_ok(ImportKind::Timecard, twice.as_bytes());
        assert_eq!((r.inserted, r.unchanged), (1, 1));
        let clash = "staff_id,date,clock_in,clock_out\nD001,2024-06-05,08:30,17:30\nD001,2024-06-05,08:30,18:30\n";
        let r = db.import(ImportKind::Timecard, clash.as_bytes());
        assert_eq!(r.rejected.len(), 1);
        assert_eq!(r.rejected[0].line, 3);
    });
}

#[test]
fn re_importing_doctors_updates_them_and_logs_the_change() {
    each_backend(|db| {
        let r = db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        assert_eq!(r.inserted, 2);
        let changed = DOCTORS.replace("D002,佐藤 花子,外科,B,sat,", "D002,佐藤 花子,外科,C-1,sun,");
        let r = db.import_ok(ImportKind::Doctors, changed.as_bytes());
        assert_eq!((r.inserted, r.corrected, r.unchanged), (0, 1, 1));
        assert_eq!(doctor(&db.report("2024-06", "2024-06-30"), "D002").level, "C-1");
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM audit_log WHERE category = 'doctor' AND operation = 'update' AND detail LIKE '%\"before\"%'"), 1);
        // A PC account held by another doctor is refused.
        let clash = "staff_id,name,pc_account\nD003,鈴木 一郎,yamada-pc\n";
        let r = db.import(ImportKind::Doctors, clash.as_bytes());
        assert_eq!(r.rejected.len(), 1);
        assert_eq!(r.rejected[0].column.as_deref(), Some("PCアカウント"));
    });
}

#[test]
fn a_doctors_file_without_a_column_leaves_what_is_stored_there() {
    each_backend(|db| {
        let full = "staff_id,name,department,level,email,legal_holiday,pc_account,manager_login,employment_type,main_employer\n\
D001,山田 太郎,内科,B,yamada@example.jp,sat,yamada-pc,naika-bucho,visiting,A大学病院\n";
        db.import_ok(ImportKind::Doctors, full.as_bytes());
        let stored =
            "SELECT COUNT(*) AS n FROM doctors WHERE staff_id = 'D001' AND department = '内科' AND level = 'B' \
AND email = 'yamada@example.jp' AND legal_holiday = 'sat' AND pc_account = 'yamada-pc' \
AND manager_login = 'naika-bucho' AND employment_type = 'visiting' AND main_employer = 'A大学病院'";
        assert_eq!(db.count_where(stored), 1);
        // A list of names only (an HR system's export) changes nothing else.
        let r = db.import_ok(ImportKind::Doctors, "staff_id,name\nD001,山田 太郎\n".as_bytes());
        assert_eq!((r.inserted, r.corrected, r.unchanged), (0, 0, 1));
        assert_eq!(db.count_where(stored), 1);
        let r = db.import_ok(ImportKind::Doctors, "staff_id,name\nD001,山田 太朗\n".as_bytes());
        assert_eq!(r.corrected, 1);
        assert_eq!(
            db.count_where(&stored.replace("staff_id = 'D001'", "name = '山田 太朗'")),
            1
        );
        // A column the file has is taken as written: a blank cell clears it.
        let r = db.import_ok(
            ImportKind::Doctors,
            "staff_id,name,department\nD001,山田 太朗,\n".as_bytes(),
        );
        assert_eq!(r.corrected, 1);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM doctors WHERE department IS NULL AND level = 'B' AND manager_login = 'naika-bucho'"),
            1
        );
        // Columns read together are taken together: the employment type
        // without the main employer's column is the file's alone.
        let r = db.import(
            ImportKind::Doctors,
            "staff_id,name,employment_type\nD001,山田 太朗,visiting\n".as_bytes(),
        );
        assert_eq!(
            r.rejected.len(),
            1,
            "a visiting doctor needs the main employer in the same file"
        );
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM doctors WHERE employment_type = 'visiting'"),
            1
        );
    });
}

#[test]
fn a_roster_re_import_replaces_the_plans_of_the_dates_it_covers() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let plan = "staff_id,date,clock_in,clock_out,break_minutes\n\
D001,2024-06-20,08:30,17:30,60\nD001,2024-06-21,08:30,17:30,60\nD001,2024-06-24,08:30,17:30,60\n";
        let r = db.import_ok(ImportKind::Roster, plan.as_bytes());
        assert_eq!(r.inserted, 3);
        let r = db.import_ok(ImportKind::Roster, plan.as_bytes());
        assert_eq!((r.inserted, r.corrected, r.unchanged), (0, 0, 3));
        // The new plan drops the 21st and changes the 24th.
        let new_plan = "staff_id,date,clock_in,clock_out,break_minutes\n\
D001,2024-06-20,08:30,17:30,60\nD001,2024-06-24,08:30,20:30,60\n";
        let r = db.import_ok(ImportKind::Roster, new_plan.as_bytes());
        // Withdrawn plans count as superseded (a plan has no versions, so
        // nothing is a correction), as a timecard re-export's removed rows.
        assert_eq!((r.inserted, r.corrected, r.superseded, r.unchanged), (1, 0, 2, 1));
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM roster_rows WHERE superseded_at IS NULL"),
            2
        );
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM roster_rows"), 4);
    });
}

#[test]
fn pc_logs_match_doctors_by_staff_id_or_pc_account_and_re_import_is_idempotent() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
        let log = "ユーザー,端末名,ログオン日時,ログオフ日時\n\
yamada-pc,NS-01,2024/06/03 08:20:10,2024/06/03 19:10:00\n\
D002,OR-02,2024-06-03 09:00,2024-06-03 10:00\n\
ghost,OR-02,2024-06-03 09:00,2024-06-03 10:00\n";
        let r = db.import(ImportKind::Pclog, log.as_bytes());
        assert_eq!(r.rejected.len(), 1);
        assert_eq!(r.rejected[0].line, 4);
        let good: String = log.lines().take(3).collect::<Vec<_>>().join("\n");
        let r = db.import_ok(ImportKind::Pclog, good.as_bytes());
        assert_eq!(r.inserted, 2);
        let r = db.import_ok(ImportKind::Pclog, good.as_bytes());
        assert_eq!((r.inserted, r.unchanged), (0, 2));
    });
}

/// A PC log larger than one block of the streamed import (4 MiB): 100
/// doctors' sessions over a year, with a repeat of line 2 at the end.
fn big_pclog(doctors: usize) -> Vec<String> {
    let mut lines = vec!["account,pc_name,logon,logoff".to_string()];
    let first = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    for i in 1..=doctors {
        for day in 0..366 {
            let d = first + chrono::Duration::days(day);
            for (on, off) in [("08:10:05", "12:00:00"), ("13:00:00", "19:30:59")] {
                lines.push(format!(
                    "D{i:04},PC-{:03}-with-a-long-terminal-name,{d} {on},{d} {off}",
                    i % 40
                ));
            }
        }
    }
    lines.push(lines[1].clone());
    lines
}

#[test]
fn a_pc_log_larger_than_a_block_imports_all_or_nothing_with_its_lines_and_repeats_across_blocks() {
    each_backend(|db| {
        db.import_ok(ImportKind::Doctors, many_doctors(100).as_bytes());
        let mut lines = big_pclog(100);
        let sessions = lines.len() - 2;
        // A bad row in the last block: nothing of the earlier blocks stays.
        let bad_line = lines.len() - 1;
        lines[bad_line - 1] = "D0001,PC,2024-12-31 10:00,2024-12-31 09:00".into();
        let file = lines.join("\r\n");
        assert!(file.len() > 5 << 20, "{} bytes: more than one block", file.len());
        let counts = db.data_counts();
        let r = db.import(ImportKind::Pclog, file.as_bytes());
        assert_eq!((r.rejected_total, r.committed), (1, false));
        assert_eq!(r.rejected[0].line, bad_line, "the line counted across blocks");
        assert_eq!(db.data_counts(), counts, "all or nothing");

        lines[bad_line - 1] = "D0001,PC,2024-12-31 20:00,2024-12-31 21:00".into();
        let file = lines.join("\r\n");
        let r = db.import_ok(ImportKind::Pclog, file.as_bytes());
        // The last row repeats line 2, which an earlier block stored.
        assert_eq!((r.inserted, r.unchanged), (sessions, 1));
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM pc_sessions"), sessions as i64);
        assert_eq!(
            db.count_where(&format!(
                "SELECT COUNT(*) AS n FROM pc_sessions WHERE source_line = {} AND logon_at >= '2024-12-31 20:00:00'",
                bad_line
            )),
            1,
            "the stored session keeps its line in the file"
        );
        let r = db.import_ok(ImportKind::Pclog, file.as_bytes());
        assert_eq!((r.inserted, r.unchanged, r.committed), (0, sessions + 1, false));
    });
}

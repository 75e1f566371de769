//! Re-exports replace a period (issue 12 item 4, formats.md "Re-exports
//! replace a period"): inside the period a timecard file covers for each
//! doctor it names, the file is the truth — moved punches are corrections,
//! rows no longer in the file are superseded, every old version kept with
//! who, when and why — on both backends, through the library, the command,
//! the API and HR's screens.

use crate::helpers::*;
use chrono::{Duration, NaiveDateTime};
use kinmu::ingest::{self, ImportKind, ImportReport, ImportRequest};

const DOCTORS: &str = "staff_id,name,department,level\n\
D001,山田 太郎,内科,A\n\
D002,佐藤 花子,外科,B\n";

const HEADER: &str = "staff_id,date,clock_in,clock_out,break_minutes,kind\n";

/// Last week as first exported: D001 and D002, 3–5 June, 08:30–17:30 with a
/// 60 min break (480 min a day).
fn last_week() -> String {
    let mut s = HEADER.to_string();
    for day in 3..=5 {
        s.push_str(&format!("D001,2024-06-0{day},08:30,17:30,60,work\n"));
        s.push_str(&format!("D002,2024-06-0{day},08:30,17:30,60,work\n"));
    }
    s
}

/// The day after [`now`]: when the re-export is imported.
fn later() -> NaiveDateTime {
    now() + Duration::days(1)
}

fn run(db: &TestDb, bytes: &str, period: Option<(&str, &str)>, skip_invalid: bool) -> ImportReport {
    let mut conn = db.conn();
    ingest::run(
        &mut conn,
        &ImportRequest {
            layout: None,
            period: period.map(|(f, t)| (date(f), date(t))),
            kind: ImportKind::Timecard,
            bytes: bytes.as_bytes(),
            file_name: "reexport.csv",
            skip_invalid,
            actor: Some("jinji"),
            now: later(),
        },
    )
    .unwrap()
}

fn counts(r: &ImportReport) -> (usize, usize, usize, usize) {
    (r.inserted, r.corrected, r.superseded, r.unchanged)
}

fn work_minutes(db: &TestDb, staff_id: &str) -> i64 {
    doctor(&db.report("2024-06", "2024-06-30"), staff_id).total_work_minutes
}

/// Whether the doctor has a current row starting at `start`
/// (`YYYY-MM-DD HH:MM`).
fn current(db: &TestDb, staff_id: &str, start: &str) -> bool {
    let start = NaiveDateTime::parse_from_str(start, "%Y-%m-%d %H:%M").unwrap();
    let mut conn = db.conn();
    let id = kinmu::db::queries::doctor_by_staff_id(&mut conn, staff_id)
        .unwrap()
        .unwrap()
        .id;
    kinmu::db::queries::current_timecard(&mut conn, Some(&[id]), start, start + Duration::minutes(1))
        .unwrap()
        .iter()
        .any(|(s, _, _)| s.start_at == start)
}

fn prepared(db: &TestDb) {
    db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
    let r = db.import_ok(ImportKind::Timecard, last_week().as_bytes());
    assert_eq!(r.inserted, 6);
}

#[test]
fn a_re_export_with_one_punch_corrected_and_one_row_removed_imports_as_one_correction_and_one_superseded_row_history_kept_and_the_report_follows(
) {
    each_backend(|db| {
        prepared(db);
        assert_eq!(work_minutes(db, "D001"), 3 * 480);
        assert_eq!(work_minutes(db, "D002"), 3 * 480);

        // D001's re-export of 3–5 June: clock-in of the 3rd moved to 08:15,
        // the 5th deleted in the vendor's system. D002 is not in the file.
        let reexport = format!("{HEADER}D001,2024-06-03,08:15,17:30,60,work\nD001,2024-06-04,08:30,17:30,60,work\n");
        let r = run(db, &reexport, Some(("2024-06-03", "2024-06-05")), false);
        assert!(r.rejected.is_empty(), "{:#?}", r.rejected);
        assert_eq!(counts(&r), (0, 1, 1, 1));
        assert!(r.committed);
        let batch = r.batch_id.unwrap();

        // The report follows: 495 + 480 for D001; D002 untouched.
        assert_eq!(work_minutes(db, "D001"), 495 + 480);
        assert_eq!(work_minutes(db, "D002"), 3 * 480);

        // History: nothing deleted, the old versions carry who/when/why.
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM timecard_rows"), 7);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM timecard_rows WHERE superseded_at IS NOT NULL"),
            2
        );
        assert_eq!(
            db.count_where(&format!(
                "SELECT COUNT(*) AS n FROM timecard_rows n JOIN timecard_rows o ON n.replaces_id = o.id \
                 WHERE n.version = 2 AND n.superseded_at IS NULL AND n.batch_id = {batch} \
                 AND n.correction_reason = '再取込による訂正 / corrected by re-import' AND n.created_by = 'jinji' \
                 AND o.superseded_by = 'jinji' AND o.superseded_batch_id = {batch} \
                 AND o.superseded_reason = '再取込による訂正 / corrected by re-import'"
            )),
            1,
            "the corrected row: a new version pointing at the old"
        );
        assert_eq!(
            db.count_where(&format!(
                "SELECT COUNT(*) AS n FROM timecard_rows o JOIN import_batches b ON o.superseded_batch_id = b.id \
                 WHERE b.id = {batch} AND o.superseded_at = b.imported_at AND o.superseded_by = 'jinji' \
                 AND o.superseded_reason LIKE '%removed by re-import%' AND o.superseded_reason LIKE '再取込で取消%' \
                 AND NOT EXISTS (SELECT 1 FROM timecard_rows n WHERE n.replaces_id = o.id)"
            )),
            1,
            "the removed row: superseded at the import's instant, no new version"
        );
        assert!(!current(db, "D001", "2024-06-05 08:30") && !current(db, "D001", "2024-06-03 08:30"));
        assert!(current(db, "D001", "2024-06-03 08:15") && current(db, "D002", "2024-06-05 08:30"));

        // The batch and the access log count the removal.
        assert_eq!(
            db.count_where(&format!(
                "SELECT COUNT(*) AS n FROM import_batches WHERE id = {batch} AND superseded = 1 AND corrected = 1"
            )),
            1
        );
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM audit_log WHERE category = 'import' AND operation = 'timecard' \
                 AND detail LIKE '%\"superseded\":1%' AND detail LIKE '%\"corrected\":1%'"
            ),
            1
        );

        // The same re-export again changes nothing, declared or inferred.
        let before = db.counts();
        for period in [Some(("2024-06-03", "2024-06-05")), None] {
            let again = run(db, &reexport, period, false);
            assert_eq!(counts(&again), (0, 0, 0, 2), "{period:?}");
            assert!(!again.committed && again.batch_id.is_none());
            assert_eq!(db.counts(), before);
        }
    });
}

#[test]
fn a_doctor_absent_from_the_file_keeps_its_rows_even_inside_a_declared_period() {
    each_backend(|db| {
        prepared(db);
        // A per-department export: D001 only, the whole month declared.
        let file = format!("{HEADER}D001,2024-06-03,08:30,17:30,60,work\n");
        let r = run(db, &file, Some(("2024-06-01", "2024-06-30")), false);
        assert_eq!(counts(&r), (0, 0, 2, 1));
        assert_eq!(work_minutes(db, "D001"), 480);
        assert_eq!(work_minutes(db, "D002"), 3 * 480);
        for day in 3..=5 {
            assert!(current(db, "D002", &format!("2024-06-0{day} 08:30")));
        }
    });
}

#[test]
fn a_row_outside_the_period_is_untouched_and_still_refused_when_a_file_row_overlaps_it() {
    each_backend(|db| {
        prepared(db);
        // A night duty starting the day before the re-export's first date,
        // and a row after its last.
        // (Two files: one file of both would cover the 2nd to the 10th.)
        db.import_ok(
            ImportKind::Timecard,
            format!("{HEADER}D001,2024-06-02,17:00,08:00,0,duty\n").as_bytes(),
        );
        db.import_ok(
            ImportKind::Timecard,
            format!("{HEADER}D001,2024-06-10,08:30,17:30,60,work\n").as_bytes(),
        );
        let before = db.counts();
        // 3–4 June re-exported: the 3rd now starts at 07:30, inside the
        // duty that is outside the period.
        let clash = format!("{HEADER}D001,2024-06-03,07:30,17:30,60,work\nD001,2024-06-04,08:30,17:30,60,work\n");
        let r = run(db, &clash, None, false);
        let lines: Vec<usize> = r.rejected.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2], "{:#?}", r.rejected);
        assert!(r.rejected[0].reason.contains("登録済みの勤務と重なっています"));
        assert_eq!(counts(&r), (0, 0, 0, 0));
        assert_eq!(db.counts(), before, "refused: nothing written");

        // 3–4 June re-exported without the clash: the 5th and the 10th lie
        // outside the inferred period (3rd to 4th) and stay.
        let fine = format!("{HEADER}D001,2024-06-03,08:00,17:30,60,work\nD001,2024-06-04,08:30,17:30,60,work\n");
        let r = run(db, &fine, None, false);
        assert_eq!(counts(&r), (0, 1, 0, 1), "{:#?}", r.rejected);
        for start in ["2024-06-02 17:00", "2024-06-05 08:30", "2024-06-10 08:30"] {
            assert!(current(db, "D001", start), "{start}");
        }
    });
}

#[test]
fn a_declared_period_wider_than_the_files_rows_supersedes_the_rows_in_the_gap() {
    each_backend(|db| {
        prepared(db);
        db.import_ok(
            ImportKind::Timecard,
            format!("{HEADER}D001,2024-06-20,08:30,17:30,60,work\nD001,2024-06-07,18:00,20:00,0,self_study\n")
                .as_bytes(),
        );
        let file = format!("{HEADER}D001,2024-06-03,08:30,17:30,60,work\n");
        // Inferred, the file covers the 3rd only: nothing to remove.
        let mut conn = db.conn();
        let inferred = ingest::check(
            &mut conn,
            &ImportRequest {
                layout: None,
                period: None,
                kind: ImportKind::Timecard,
                bytes: file.as_bytes(),
                file_name: "reexport.csv",
                skip_invalid: false,
                actor: Some("jinji"),
                now: later(),
            },
        )
        .unwrap();
        drop(conn);
        assert_eq!(counts(&inferred), (0, 0, 0, 1));
        // Declared 1–10 June: the work rows of the 4th and the 5th go; the
        // self-study row of the 7th stays (the file holds no self-study: a
        // vendor's punches never remove self-reports); the 20th stays.
        let r = run(db, &file, Some(("2024-06-01", "2024-06-10")), false);
        assert_eq!(counts(&r), (0, 0, 2, 1));
        // The 7th's self-study is after hours and unconfirmed: working time
        // (rules v2 §2.3).
        assert_eq!(work_minutes(db, "D001"), 480 + 480 + 120);
        assert!(current(db, "D001", "2024-06-20 08:30"));
        assert!(current(db, "D001", "2024-06-07 18:00"));
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM timecard_rows WHERE superseded_reason LIKE '再取込で取消%'"),
            2
        );
        // A file of self-reports for the same period replaces only those.
        let reports = format!("{HEADER}D001,2024-06-08,18:00,19:00,0,self_study\n");
        let r = run(db, &reports, Some(("2024-06-01", "2024-06-10")), false);
        assert_eq!(counts(&r), (1, 0, 1, 0), "the 8th's self-study in, the 7th's out");
        assert!(!current(db, "D001", "2024-06-07 18:00"));
        assert!(current(db, "D001", "2024-06-03 08:30"), "the punches stay");
    });
}

#[test]
fn with_skip_invalid_a_refused_row_never_removes_its_stored_counterpart() {
    each_backend(|db| {
        prepared(db);
        // An unreadable line (whose row it is, is unknown): the 3rd is
        // corrected, the rest is kept although the file lacks the 5th.
        let unreadable = format!("{HEADER}D001,2024-06-03,08:30,18:30,60,work\nD001,2024-06-04,08:30,17:30,-5,work\n");
        let r = run(db, &unreadable, Some(("2024-06-03", "2024-06-05")), true);
        assert_eq!(r.rejected.iter().map(|e| e.line).collect::<Vec<_>>(), vec![3]);
        assert_eq!(counts(&r), (0, 1, 0, 0));
        assert!(current(db, "D001", "2024-06-04 08:30") && current(db, "D001", "2024-06-05 08:30"));
        assert_eq!(work_minutes(db, "D001"), 540 + 480 + 480);

        // A row refused for an overlap: the stored row of its date and kind
        // stays (neither corrected nor removed); the rest of the file applies.
        db.import_ok(
            ImportKind::Timecard,
            format!("{HEADER}D002,2024-06-02,17:00,08:00,0,duty\n").as_bytes(),
        );
        let overlap = format!("{HEADER}D002,2024-06-03,07:00,17:30,60,work\nD002,2024-06-04,08:30,18:30,60,work\n");
        let r = run(db, &overlap, Some(("2024-06-03", "2024-06-05")), true);
        assert_eq!(r.rejected.iter().map(|e| e.line).collect::<Vec<_>>(), vec![2]);
        assert_eq!(counts(&r), (0, 1, 1, 0), "the 4th corrected, the 5th removed");
        assert!(
            current(db, "D002", "2024-06-03 08:30"),
            "the counterpart of the refused row stays"
        );
        assert!(!current(db, "D002", "2024-06-05 08:30"));

        // Without skip-invalid nothing at all is written.
        let before = db.counts();
        let r = run(db, &overlap, Some(("2024-06-03", "2024-06-05")), false);
        assert_eq!(counts(&r), (0, 0, 0, 0));
        assert_eq!(db.counts(), before);
    });
}

#[test]
fn a_row_hr_added_on_the_discrepancy_screen_is_not_removed_by_a_re_export() {
    each_backend(|db| {
        prepared(db);
        // What a resolution as work stores: a row with no import batch.
        {
            let mut conn = db.conn();
            let conn: &mut kinmu::db::AnyConnection = &mut conn;
            let doctor_id = kinmu::db::queries::doctor_by_staff_id(conn, "D001")
                .unwrap()
                .unwrap()
                .id;
            kinmu::db::queries::insert_timecard_rows(
                conn,
                &[kinmu::db::models::NewTimecardRow {
                    doctor_id,
                    kind: "work".into(),
                    start_at: date("2024-06-04").and_hms_opt(17, 30, 0).unwrap(),
                    end_at: date("2024-06-04").and_hms_opt(19, 0, 0).unwrap(),
                    break_minutes: 0,
                    version: 1,
                    replaces_id: None,
                    batch_id: None,
                    source_line: None,
                    correction_reason: Some("病棟対応".into()),
                    created_by: Some("jinji".into()),
                    created_at: now(),
                }],
            )
            .unwrap();
        }
        let file = format!("{HEADER}D001,2024-06-03,08:30,17:30,60,work\nD001,2024-06-04,08:30,17:30,60,work\n");
        let r = run(db, &file, Some(("2024-06-03", "2024-06-05")), false);
        assert_eq!(counts(&r), (0, 0, 1, 2), "only the vendor's 5th goes");
        assert!(current(db, "D001", "2024-06-04 17:30"));
    });
}

#[test]
fn the_command_takes_a_period_and_refuses_an_inverted_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reexport.csv");
    std::fs::write(&file, format!("{HEADER}D001,2024-06-03,08:30,17:30,60,work\n")).unwrap();
    let file = file.to_str().unwrap();
    each_backend(|db| {
        prepared(db);
        let out = db.kinmu(&["import", "timecard", file, "--period", "2024-06-05..2024-06-01"]);
        assert_eq!(out.status.code(), Some(2), "a usage error");
        assert!(String::from_utf8_lossy(&out.stderr).contains("対象期間の開始"));
        let out = db.kinmu(&["import", "roster", file, "--period", "2024-06-01..2024-06-05"]);
        assert_eq!(out.status.code(), Some(1));
        let out = db.kinmu(&["import", "timecard", file, "--period", "2024-06-01..2024-06-05"]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let report = stdout_json(&out);
        assert_eq!(
            (&report["unchanged"], &report["superseded"], &report["corrected"]),
            (&1.into(), &2.into(), &0.into())
        );
    });
}

#[actix_web::test]
async fn the_api_and_the_upload_screen_take_a_period_and_show_what_was_removed() {
    for backend in backends() {
        let db = TestDb::new(backend);
        prepared(&db);
        db.add_user("jinji", kinmu::accounts::Role::Hr, None, None);
        let svc = db.spawn().await;
        let t = svc.token("jinji").await;
        let file = format!("{HEADER}D001,2024-06-03,08:30,17:30,60,work\n");
        let (status, body) = svc
            .call(
                crate::api_screens::upload("/api/v1/imports/timecard?period_from=2024-06-01", file.as_bytes()),
                Some(&t),
            )
            .await;
        assert_eq!((status, body["error"].as_str()), (400, Some("bad_query")), "{body}");
        let (status, body) = svc
            .call(
                crate::api_screens::upload(
                    "/api/v1/imports/timecard?period_from=2024-06-01&period_to=2024-06-04",
                    file.as_bytes(),
                ),
                Some(&t),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!((&body["superseded"], &body["unchanged"]), (&1.into(), &1.into()));
        let (_, list) = svc
            .call(actix_web::test::TestRequest::get().uri("/api/v1/imports"), Some(&t))
            .await;
        assert_eq!(list["batches"][0]["superseded"], 1);

        // The screen: 対象期間 on the form, in the preview, and 取消 in the result.
        let mut hr = svc.signed_in("jinji").await;
        let form = hr.get("/imports").await;
        assert!(form.body.contains("対象期間") && form.body.contains(r#"name="period_from""#));
        let csrf = hidden(&form.body, "csrf");
        let body = multipart(
            &[
                ("csrf", &csrf),
                ("kind", "timecard"),
                ("period_from", "2024-06-01"),
                ("period_to", "2024-06-05"),
            ],
            Some(("d001.csv", file.as_bytes())),
        );
        let sent = hr.send(upload_request(body)).await;
        assert_eq!(sent.status, 303, "{}", sent.body);
        let preview = hr.get(&sent.location.unwrap()).await;
        let p = &preview.body;
        assert!(p.contains("対象期間") && p.contains("2024-06-01 〜 2024-06-05"), "{p}");
        assert!(p.contains(r#"<b id="verdict-superseded">1</b>"#), "{p}");
        let result = import(&mut hr, &preview).await;
        let r = &result.body;
        assert!(r.contains(r#"data-committed="true""#), "{r}");
        assert!(r.contains(r#"取消<b id="superseded">1</b>"#), "{r}");
        assert!(r.contains("履歴として残して"), "{r}");
        assert!(!current(&db, "D001", "2024-06-05 08:30"));

        // A period for another kind, or with one date, is refused in Japanese.
        let body = multipart(
            &[("csrf", &csrf), ("kind", "timecard"), ("period_from", "2024-06-01")],
            Some(("d001.csv", file.as_bytes())),
        );
        let sent = hr.send(upload_request(body)).await;
        assert_eq!(sent.status, 400);
        assert!(sent.body.contains("開始日と終了日の両方"), "{}", sent.body);
    }
}

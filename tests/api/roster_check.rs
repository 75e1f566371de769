//! The roster check end to end (rules §15, formats.md R.6): worked example
//! RC1 through the binary on every backend, the full expected JSON of
//! docs/examples/rest.json; a file with a rejected row (exit 2, nothing
//! stored); the API's roles and a manager's scope.

use crate::helpers::*;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use kinmu::ingest::ImportKind;
use serde_json::Value;

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn rc1() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples/rest.json");
    let all: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    all.into_iter().find(|e| e["id"] == "RC1").unwrap()
}

/// `2024-07-10 08:30` → (`2024-07-10`, `08:30`).
fn split(at: &str) -> (&str, &str) {
    at.split_once(' ').unwrap()
}

/// A shift row of the example (`[start, end, break, kind, {extras}]`) as a
/// CSV line of the timecard and roster columns.
fn csv_line(staff_id: &str, row: &[Value]) -> String {
    let (date, start) = split(row[0].as_str().unwrap());
    let (_, end) = split(row[1].as_str().unwrap());
    let rule = row.get(4).and_then(|x| x["interval_rule"].as_str()).unwrap_or("");
    format!(
        "{staff_id},{date},{start},{end},{},{},{rule}\n",
        row[2],
        row[3].as_str().unwrap()
    )
}

/// RC1's hospital: levels B and C-2 designated (rules §7.2), so their
/// annual limit is 1,860 h.
const DESIGNATED: (&str, &str) = ("KINMU_DESIGNATED_LEVELS", "B:2024-04-01,C-2:2024-04-01");

const SHIFT_HEADER: &str = "staff_id,date,clock_in,clock_out,break_minutes,kind,interval_rule\n";

/// Timecard rows from the agreement year's first day (2024-04-01) to
/// 2024-06-27 whose overtime and holiday minutes come to `minutes`: each
/// weekday 8 h and up to 600 minutes more, each Saturday (the week's 40 h
/// already worked) and Sunday (the legal holiday) up to 900 minutes, in
/// date order until the figure is reached.
fn year_to_date_rows(staff_id: &str, minutes: i64) -> String {
    let mut out = String::new();
    let mut left = minutes;
    let mut d = NaiveDate::from_ymd_opt(2024, 4, 1).unwrap();
    while left > 0 && d <= NaiveDate::from_ymd_opt(2024, 6, 27).unwrap() {
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        let (start, base, cap) = if weekend { (7 * 60, 0, 900) } else { (8 * 60, 480, 600) };
        let extra = left.min(cap);
        left -= extra;
        let end = start + 60 + base + extra;
        out += &format!(
            "{staff_id},{d},{:02}:{:02},{:02}:{:02},60,work,\n",
            start / 60,
            start % 60,
            end / 60,
            end % 60
        );
        d += Duration::days(1);
    }
    assert_eq!(left, 0, "{staff_id}: too many minutes for the fixture");
    out
}

/// Loads RC1's doctors, permits and actual rows (with the year to date)
/// into `db`; returns the roster file's text.
fn load_rc1(db: &TestDb, dir: &tempfile::TempDir) -> String {
    let ex = rc1();
    let inputs = &ex["inputs"];
    let mut doctors = String::from("staff_id,name,department,level,manager_login\n");
    for d in inputs["doctors"].as_array().unwrap() {
        let manager = if d["department"] == "内科" { "naika" } else { "geka" };
        doctors += &format!(
            "{},{},{},{},{manager}\n",
            d["staff_id"].as_str().unwrap(),
            d["name"].as_str().unwrap(),
            d["department"].as_str().unwrap(),
            d["level"].as_str().unwrap()
        );
    }
    db.import_ok(ImportKind::Doctors, doctors.as_bytes());
    let mut permits = String::from("permit_no,granted_on,kind,departments,band_start,band_end,weekdays\n");
    for p in inputs["permits"].as_array().unwrap() {
        let departments: Vec<&str> = p["departments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        let weekdays: Vec<&str> = p["weekdays"]
            .as_array()
            .map(|w| w.iter().map(|x| x.as_str().unwrap()).collect())
            .unwrap_or_default();
        permits += &format!(
            "{},{},{},\"{}\",{},{},\"{}\"\n",
            p["permit_no"].as_str().unwrap(),
            p["granted_on"].as_str().unwrap(),
            p["kind"].as_str().unwrap(),
            departments.join(","),
            p["band_start"].as_str().unwrap(),
            p["band_end"].as_str().unwrap(),
            weekdays.join(",")
        );
    }
    db.import_ok(ImportKind::Permits, permits.as_bytes());
    let mut timecard = String::from(SHIFT_HEADER);
    for (staff_id, ytd) in inputs["year_to_date_overtime_holiday_minutes"].as_object().unwrap() {
        timecard += &year_to_date_rows(staff_id, ytd.as_i64().unwrap());
    }
    for (staff_id, rows) in inputs["actual_rows"].as_object().unwrap() {
        for row in rows.as_array().unwrap() {
            timecard += &csv_line(staff_id, row.as_array().unwrap());
        }
    }
    let file = write(dir, "timecard.csv", &timecard);
    let out = db.kinmu(&["import", "timecard", &file]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let mut roster = String::from(SHIFT_HEADER);
    for row in inputs["file_rows"].as_array().unwrap() {
        let row = row.as_array().unwrap();
        roster += &csv_line(row[0].as_str().unwrap(), &row[1..]);
    }
    roster
}

#[test]
fn rc1_the_roster_check_of_july_2024_answers_the_worked_example() {
    each_backend(|db| {
        let dir = tempfile::tempdir().unwrap();
        let roster = write(&dir, "roster.csv", &load_rc1(db, &dir));
        let before = db.data_counts();
        let out = db.kinmu_env(
            &[
                "check",
                "roster",
                &roster,
                "--month",
                "2024-07",
                "--as-of",
                "2024-06-25",
            ],
            &[DESIGNATED],
        );
        assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
        let got = stdout_json(&out);
        assert_eq!(got, rc1()["expected"], "{got:#}");
        // Nothing stored; the run is in the access log.
        assert_eq!(db.data_counts(), before);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'check roster'"),
            1
        );
        // The month defaults to the file's first date's; CSV has a line per problem.
        let out = db.kinmu(&["check", "roster", &roster, "--as-of", "2024-06-25", "--format", "csv"]);
        assert_eq!(out.status.code(), Some(3));
        let csv = String::from_utf8(out.stdout).unwrap();
        assert_eq!(csv.lines().count(), 1 + 7, "{csv}");
        assert!(
            csv.contains("D010,山田 太郎,B,2024-07-10,rest_short,violation,60,"),
            "{csv}"
        );
        // The printable list says the severity in words.
        let out = db.kinmu(&["check", "roster", &roster, "--as-of", "2024-06-25", "--format", "html"]);
        let html = String::from_utf8(out.stdout).unwrap();
        assert!(
            html.contains("違反 / violation") && html.contains("山田 太郎"),
            "{html}"
        );
        // An as-of after the month: the month is over (exit 1, one line).
        let out = db.kinmu(&[
            "check",
            "roster",
            &roster,
            "--month",
            "2024-07",
            "--as-of",
            "2024-08-01",
        ]);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("the month is over") && err.lines().count() == 1, "{err}");
    });
}

#[test]
fn a_roster_file_with_a_rejected_row_is_not_checked_and_nothing_is_stored() {
    each_backend(|db| {
        db.import_ok(
            ImportKind::Doctors,
            "staff_id,name,department,level\nD010,<b>山田</b>,内科,B\n".as_bytes(),
        );
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            &dir,
            "roster.csv",
            "staff_id,date,clock_in,clock_out,break_minutes,kind\n\
             D010,2024-07-01,08:30,17:15,45,work\n\
             D999,2024-07-02,08:30,17:15,45,work\n\
             D010,2024-07-03,08:30,17:15,45,nap\n",
        );
        let before = db.data_counts();
        let out = db.kinmu(&["check", "roster", &file, "--as-of", "2024-06-25"]);
        assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
        let answer = stdout_json(&out);
        assert_eq!(answer["checked"], false, "{answer}");
        assert_eq!(answer["rejected_rows"], 2, "{answer}");
        assert_eq!(answer["rejected"][0]["line"], 3, "{answer}");
        assert_eq!(answer["rejected"][1]["line"], 4, "{answer}");
        assert_eq!(db.data_counts(), before);
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM roster_rows"), 0);
        // With --skip-invalid the valid row is checked; still exit 2.
        let out = db.kinmu(&["check", "roster", &file, "--as-of", "2024-06-25", "--skip-invalid"]);
        assert_eq!(out.status.code(), Some(2));
        let answer = stdout_json(&out);
        assert_eq!(answer["summary"]["doctors"], 1, "{answer}");
        assert_eq!(answer["rejected"].as_array().unwrap().len(), 2, "{answer}");
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM roster_rows"), 0);
        // Hostile text from the database is escaped in the printable list.
        let out = db.kinmu(&[
            "check",
            "roster",
            &file,
            "--as-of",
            "2024-06-25",
            "--skip-invalid",
            "--format",
            "html",
        ]);
        let html = String::from_utf8(out.stdout).unwrap();
        assert!(html.contains("&lt;b&gt;山田") && !html.contains("<b>山田"), "{html}");
    });
}

#[actix_web::test]
async fn the_api_checks_for_hr_and_a_manager_sees_only_their_doctors() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let dir = tempfile::tempdir().unwrap();
        let roster = load_rc1(&db, &dir);
        db.add_user("jinji", kinmu::accounts::Role::Hr, None, None);
        db.add_user("geka", kinmu::accounts::Role::Manager, None, None);
        db.add_user("D011", kinmu::accounts::Role::Doctor, Some("D011"), None);
        let mut settings =
            kinmu::config::Settings::load_with(None, &|k| (k == DESIGNATED.0).then(|| DESIGNATED.1.to_string()))
                .unwrap();
        settings.database_url = db.url.clone();
        let svc = spawn_with(kinmu::app::App::open(settings).unwrap()).await;
        let post = |uri: &str, bytes: &[u8]| {
            actix_web::test::TestRequest::post()
                .uri(uri)
                .insert_header(("Content-Type", "text/csv"))
                .set_payload(bytes.to_vec())
        };
        let uri = "/api/v1/roster-check?month=2024-07&as_of=2024-06-25";
        let t = svc.token("jinji").await;
        let (status, body) = svc.call(post(uri, roster.as_bytes()), Some(&t)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body, rc1()["expected"], "{body:#}");

        // 外科's manager: D011 only; the 内科 rows are left out, not named.
        let t = svc.token("geka").await;
        let (status, body) = svc.call(post(uri, roster.as_bytes()), Some(&t)).await;
        assert_eq!(status, 200, "{body}");
        let ids: Vec<&str> = body["doctors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["staff_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["D011"]);
        assert_eq!(body["left_out_rows"], 48, "{body}");
        assert_eq!(body["summary"]["doctors"], 1);
        assert!(!body.to_string().contains("D010"), "{body}");

        // A doctor may not check.
        let t = svc.token("D011").await;
        let (status, _) = svc.call(post(uri, roster.as_bytes()), Some(&t)).await;
        assert_eq!(status, 403);

        // A rejected row: 422 with the rows as an import lists them.
        let t = svc.token("jinji").await;
        let bad = "staff_id,date,clock_in,clock_out,break_minutes,kind\nD010,2024-07-01,08:30,17:15,45,nap\n";
        let (status, body) = svc.call(post(uri, bad.as_bytes()), Some(&t)).await;
        assert_eq!((status, body["checked"].as_bool()), (422, Some(false)), "{body}");
        assert_eq!(body["rejected"][0]["line"], 2, "{body}");
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM roster_rows"), 0);
    }
}

#[actix_web::test]
async fn the_screen_checks_an_upload_in_words_and_escapes_what_the_file_says() {
    let db = TestDb::new(Backend::Sqlite);
    let dir = tempfile::tempdir().unwrap();
    let roster = load_rc1(&db, &dir);
    db.add_user("jinji", kinmu::accounts::Role::Hr, None, None);
    db.add_user("geka", kinmu::accounts::Role::Manager, None, None);
    db.add_user("D011", kinmu::accounts::Role::Doctor, Some("D011"), None);
    let svc = db.spawn().await;
    let post = |csrf: &str, bytes: &[u8]| {
        let body = multipart(
            &[("csrf", csrf), ("month", "2024-07"), ("as_of", "2024-06-25")],
            Some(("roster.csv", bytes)),
        );
        upload_request(body).uri("/roster-check")
    };

    let mut doctor = svc.signed_in("D011").await;
    assert_eq!(doctor.get("/roster-check").await.status, 403);

    let mut hr = svc.signed_in("jinji").await;
    let form = hr.get("/roster-check").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("勤務表・当直表のチェック") && form.body.contains(r#"enctype="multipart/form-data""#));
    let csrf = hidden(&form.body, "csrf");
    let page = hr.send(post(&csrf, roster.as_bytes())).await;
    assert_eq!(page.status, 200, "{}", page.body);
    // Severity in words, with the date and the doctor.
    assert!(
        page.body.contains("山田 太郎") && page.body.contains("2024-07-10") && page.body.contains(">違反<"),
        "{}",
        page.body
    );
    assert!(page.body.contains("rest_short") && page.body.contains("7020"));
    // A forged form is refused.
    assert_eq!(hr.send(post("forged", roster.as_bytes())).await.status, 403);

    // Hostile text from the file is escaped.
    let hostile = "staff_id,date,clock_in,clock_out,break_minutes,kind\n<script>alert(1)</script>,2024-07-01,08:30,17:15,45,work\n";
    let page = hr.send(post(&csrf, hostile.as_bytes())).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;") && !page.body.contains("<script>alert(1)"),
        "{}",
        page.body
    );

    // A manager: their doctors only, the others left out; English on request.
    let mut boss = svc.signed_in("geka").await;
    let form = boss.get("/roster-check").await;
    assert_eq!(form.status, 200);
    let csrf = hidden(&form.body, "csrf");
    boss.get("/lang/en?next=/roster-check").await;
    let page = boss.send(post(&csrf, roster.as_bytes())).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("佐藤 花子") && !page.body.contains("山田 太郎"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(">warning<") && page.body.contains("Rows of doctors not yours"),
        "{}",
        page.body
    );
}

#[test]
fn the_file_replaces_the_stored_roster_on_its_dates_and_a_rest_cut_before_them_is_found() {
    each_backend(|db| {
        db.import_ok(
            ImportKind::Doctors,
            "staff_id,name,department,level\nD020,田中 三郎,内科,B\n".as_bytes(),
        );
        let dir = tempfile::tempdir().unwrap();
        // The last actual shift of June ends at 23:00 on the 30th.
        let timecard = write(
            &dir,
            "timecard.csv",
            &format!("{SHIFT_HEADER}D020,2024-06-30,08:30,23:00,60,work,\n"),
        );
        assert!(db.kinmu(&["import", "timecard", &timecard]).status.success());
        // The stored roster: 07-01 (replaced by the file) and 07-05 (kept).
        let stored = write(
            &dir,
            "stored.csv",
            &format!("{SHIFT_HEADER}D020,2024-07-01,13:00,23:00,0,work,\nD020,2024-07-05,08:30,20:15,45,work,\n"),
        );
        assert!(db.kinmu(&["import", "roster", &stored]).status.success());
        let file = write(
            &dir,
            "roster.csv",
            &format!(
                "{SHIFT_HEADER}D020,2024-06-30,08:30,17:15,45,work,\n\
                 D020,2024-07-01,06:00,17:15,45,work,\n\
                 D020,2024-07-02,08:30,17:15,45,work,\n"
            ),
        );
        let before = db.data_counts();
        let out = db.kinmu(&["check", "roster", &file, "--month", "2024-07", "--as-of", "2024-06-30"]);
        assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
        let v = stdout_json(&out);
        assert_eq!(db.data_counts(), before);
        assert_eq!(
            (v["checked_from"].as_str(), v["checked_to"].as_str()),
            (Some("2024-07-01"), Some("2024-07-02"))
        );
        // The file's row on T is listed and used nowhere.
        assert_eq!(v["ignored_rows"][0]["line"], 2, "{v}");
        assert_eq!(v["ignored_rows"][0]["start"], "2024-06-30T08:30", "{v}");
        let d = &v["doctors"][0];
        assert_eq!(d["rows"], 3, "{d}");
        // 07-01: 630 worked → 150; 07-02: 0; the stored 07-05: 660 → 180.
        // The stored 07-01 row is replaced, not added.
        assert_eq!(d["projected"]["overtime_holiday_minutes"], 330, "{d}");
        // The rest after the last actual shift is cut short by the file's
        // first row: the window starts before the checked dates.
        let rest = &d["problems"][0];
        assert_eq!(
            (
                rest["code"].as_str(),
                rest["window_start"].as_str(),
                rest["shortfall_minutes"].as_i64()
            ),
            (Some("rest_short"), Some("2024-06-30T08:30"), Some(120)),
            "{d}"
        );
        // 07-01's file row (630 minutes, 45 of break) is short of break; the
        // stored 07-05 row is not the file's and not checked for it.
        let codes: Vec<&str> = d["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["rest_short", "break_short"], "{d}");
        assert_eq!(
            (
                d["problems"][1]["date"].as_str(),
                d["problems"][1]["shortfall_minutes"].as_i64()
            ),
            (Some("2024-07-01"), Some(15)),
            "{d}"
        );
    });
}

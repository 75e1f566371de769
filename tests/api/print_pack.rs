//! The inspector's print pack (立入検査): only admin and managers open it,
//! it lists exactly the doctors and hours of the monthly reports, keeps
//! health data to those who may see it, and downloads as .xlsx and CSV.

use crate::helpers::*;
use chrono::Datelike;
use kinmu::accounts::Role;
use kinmu::domain::time::{format_hm, YearMonth};
use kinmu::monitor::mails::wareki;
use std::collections::BTreeSet;

const QUERY: &str = "fy=2024&from=2024-06-01&to=2024-06-30";

fn routes() -> Vec<String> {
    let mut r = vec![
        format!("/print?{QUERY}"),
        format!("/print/pack?{QUERY}"),
        format!("/print/pack.xlsx?{QUERY}"),
    ];
    for part in part_keys() {
        r.push(format!("/print/{part}.csv?{QUERY}"));
    }
    r
}

/// What the monthly reports say: `month staff minutes` of every doctor at
/// ≥ 100 h in the twelve months to June 2024 (each month as of its end),
/// for the doctors `mine` keeps.
fn expected_over_100(db: &TestDb, s: &kinmu::config::Settings, mine: impl Fn(&str) -> bool) -> BTreeSet<String> {
    let mut conn = db.conn();
    let mut out = BTreeSet::new();
    let mut m = YearMonth::parse("2023-07").unwrap();
    for _ in 0..12 {
        let r = kinmu::month::monthly(&mut conn, m, m.last_day(), &s.rules).unwrap();
        for d in r.doctors.iter().filter(|d| d.over_100 && mine(&d.staff_id)) {
            out.insert(format!("{m} {} {}", d.staff_id, d.overtime_holiday_minutes));
        }
        m = m.next();
    }
    out
}

/// The `data-row` keys of one part of the pack (the raw records' part,
/// `a`, is a list of attachments: no rows).
fn row_keys(html: &str, part: &str) -> BTreeSet<String> {
    let start = html
        .find(&format!(r#"<section class="part" id="{part}">"#))
        .or_else(|| html.find(&format!(r#"<section class="part attachments" id="{part}""#)))
        .unwrap_or_else(|| panic!("no part {part}"));
    let section = &html[start..];
    let section = &section[..section.find("</section>").unwrap()];
    data_rows(section)
}

fn data_rows(html: &str) -> BTreeSet<String> {
    html.split(r#"data-row=""#)
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

/// The `staff_id date` keys of a raw records attachment's page.
fn records_keys(html: &str) -> BTreeSet<String> {
    assert!(html.contains(r#"id="records""#), "{}", &html[..html.len().min(300)]);
    data_rows(html)
}

#[actix_web::test]
async fn admin_hr_managers_and_physicians_open_the_print_pack_doctors_do_not() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        db.add_user("admin", Role::Admin, None, None);
        run_daily(&db, &settings(&db, None), "2024-06-14");
        let service = db.spawn().await;
        for (login, want) in [
            ("jinji", 200),
            ("kato", 200),
            ("aoki", 403),
            ("admin", 200),
            ("boss", 200),
            ("", 303),
        ] {
            let mut b = service.browser_of(login).await;
            for route in routes() {
                let page = b.get(&route).await;
                assert_eq!(
                    page.status,
                    want,
                    "{login} {route} on {backend:?}: {}",
                    &page.body[..page.body.len().min(300)]
                );
                if want == 303 {
                    assert!(page.location.unwrap_or_default().starts_with("/login"));
                }
            }
        }
        let mut admin = service.signed_in("admin").await;
        let index = admin.get("/print").await;
        assert!(index.body.contains("すべて印刷"), "the print-everything link");
        for part in part_keys() {
            assert!(index.body.contains(&format!("/print/{part}.csv?")), "{part} linked");
        }
        assert_eq!(admin.get("/print/pack?from=2024-07-01&to=2024-06-01").await.status, 400);
        assert_eq!(admin.get("/print/pack?fy=R6").await.status, 400);
        assert_eq!(admin.get("/print/pack?from=2023-01-01&to=2024-06-30").await.status, 400);
        assert_eq!(admin.get(&format!("/print/nothing.csv?{QUERY}")).await.status, 404);
    }
}

#[actix_web::test]
async fn the_pack_lists_exactly_the_doctors_and_hours_of_the_monthly_reports() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let s = prepared(&db);
        let app = kinmu::app::App::open(s.clone()).unwrap();
        let today = app.settings.today();
        let service = spawn_with(app).await;

        // The admin's pack: every doctor, no health data.
        let everyone = expected_over_100(&db, &s, |_| true);
        let staff: BTreeSet<&str> = everyone.iter().map(|k| k.split(' ').nth(1).unwrap()).collect();
        assert_eq!(
            staff,
            BTreeSet::from(["B02", "C03", "D04"]),
            "the fixture has three cases: {everyone:?}"
        );
        let mut admin = service.signed_in("admin").await;
        let page = admin.get(&format!("/print/pack?{QUERY}")).await;
        assert_eq!(page.status, 200);
        let html = page.body;
        assert_eq!(row_keys(&html, "over100"), everyone, "on {backend:?}");
        for key in &everyone {
            let minutes: i64 = key.rsplit(' ').next().unwrap().parse().unwrap();
            assert!(html.contains(&format_hm(minutes)), "{key} shown as H:MM");
        }
        // (イ): June's monthly report, every doctor, as of the month's end.
        let june = kinmu::month::monthly(
            &mut db.conn(),
            YearMonth::parse("2024-06").unwrap(),
            date("2024-06-30"),
            &s.rules,
        )
        .unwrap();
        let hours: BTreeSet<String> = june
            .doctors
            .iter()
            .map(|d| format!("2024-06 {} {}", d.staff_id, d.overtime_holiday_minutes))
            .collect();
        assert_eq!(row_keys(&html, "b"), hours);
        // (ウ)〜(オ): June's interviews and measures.
        assert_eq!(
            row_keys(&html, "c"),
            BTreeSet::from(["2024-06 A01".to_string(), "2024-06 B02".into(), "2024-06 C03".into()])
        );
        assert_eq!(row_keys(&html, "d"), BTreeSet::from(["2024-06 C03".to_string()]));
        // One measures case per doctor-month: over 155 h and the opinion
        // share it (issue 13 §6).
        assert_eq!(
            row_keys(&html, "e"),
            BTreeSet::from(["2024-06 C03 over_155".to_string()])
        );
        // (ア)'s daily lines are an attachment, not pages of the pack.
        assert!(row_keys(&html, "a").is_empty(), "no daily lines in the pack");
        let records = admin.get("/print/records?month=2024-06").await.body;
        assert!(
            records_keys(&records).contains("C03 2024-06-03"),
            "C03's timecard in the month's attachment"
        );
        // Health data stays with the doctor's manager and physician.
        assert!(!html.contains("当直の削減が望ましい"), "no opinion for the admin");
        assert!(!html.contains("救急外来が多い"), "no pre-check for the admin");
        assert!(html.contains("記録あり（健康情報のため省略）"));
        // Japanese, both calendars, the hospital, the generated date.
        assert!(html.contains("<title>立入検査資料 令和6年度 — テスト病院</title>"));
        assert!(html.contains("令和6年度"));
        assert!(html.contains("令和6年6月1日（2024-06-01） 〜 令和6年6月30日（2024-06-30）"));
        assert!(html.contains(&wareki(today)), "generated date in 和暦");
        assert!(html.contains(&today.format("%Y-%m-%d").to_string()), "and in ISO");
        for heading in [
            "（ア）医師の勤務状況がわかる書類",
            "（イ）労働時間が把握できる書類",
            "（ウ）面接指導対象医師の一覧表",
            "（エ）長時間労働医師面接指導結果及び意見書",
            "（オ）労働時間短縮のために必要な措置の内容の記録",
            "点検表",
        ] {
            assert!(html.contains(heading), "{heading}");
        }
        // The checklist: counts of April, May and June from the reports.
        let mut counts = Vec::new();
        for m in ["2024-04", "2024-05", "2024-06"] {
            let ym = YearMonth::parse(m).unwrap();
            let r = kinmu::month::monthly(&mut db.conn(), ym, ym.last_day(), &s.rules).unwrap();
            let n = r.doctors.iter().filter(|d| d.over_100 || d.projected_over_100).count();
            counts.push(format!("令和6年{}月 {n} 人", ym.first_day().month()));
        }
        assert!(html.contains(&counts.join("、")), "{counts:?}");
        assert!(
            html.contains("kato 先生: 令和6年1月15日（2024-01-15）"),
            "training date"
        );
        assert!(html.contains("令和6年5月: "), "May's monthly check");
        assert!(html.contains("面接指導年月日"));
        assert!(html.contains("令和6年6月13日（2024-06-13）"), "the latest interview");
        assert!(html.contains("@page") || html.contains("/static/print.css"));

        // A manager's pack: their doctors only, health data included and escaped.
        let mine = expected_over_100(&db, &s, |staff| staff != "D04");
        let mut boss = service.signed_in("boss").await;
        let html = boss.get(&format!("/print/pack?{QUERY}")).await.body;
        assert_eq!(row_keys(&html, "over100"), mine);
        assert!(html.contains("当直の削減が望ましい&#60;script&#62;") && !html.contains("<script>"));
        assert!(html.contains("救急外来が多い"));
        assert!(!html.contains("D04"), "not their doctor");
        let mut other = service.signed_in("other-boss").await;
        let html = other.get(&format!("/print/pack?{QUERY}")).await.body;
        assert_eq!(
            row_keys(&html, "over100"),
            expected_over_100(&db, &s, |staff| staff == "D04")
        );
        assert!(!html.contains("C03"));

        // The stylesheet: A4, page numbers, repeated headers.
        let css = admin.get("/static/print.css").await.body;
        assert!(css.contains("size: A4") && css.contains("counter(pages)") && css.contains("table-header-group"));
    }
}

#[actix_web::test]
async fn the_pack_downloads_as_a_workbook_of_one_sheet_per_part_and_as_csv_with_a_bom() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let s = prepared(&db);
        let app = kinmu::app::App::open(s.clone()).unwrap();
        let (_, session) =
            kinmu::accounts::sign_in(&mut db.conn(), "admin", PASSWORD, &app.settings.accounts, app.now()).unwrap();
        let service = spawn_with(app).await;

        let (status, ctype, disposition, bytes) =
            service.raw(&session.token, &format!("/print/pack.xlsx?{QUERY}")).await;
        assert_eq!(status, 200);
        assert_eq!(
            ctype,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(
            disposition,
            r#"attachment; filename="kinmu-inspection-fy2024-2024-06-01_2024-06-30.xlsx""#
        );
        assert!(bytes.starts_with(b"PK\x03\x04"), "a zip");
        assert!(bytes.len() > 5000);
        // The zip's directory names one worksheet part per part of the pack.
        let names = String::from_utf8_lossy(&bytes);
        for n in 1..=12 {
            assert!(names.contains(&format!("xl/worksheets/sheet{n}.xml")), "sheet{n}");
        }
        assert!(!names.contains("xl/worksheets/sheet13.xml"));

        let (status, ctype, disposition, bytes) = service
            .raw(&session.token, &format!("/print/over100.csv?{QUERY}"))
            .await;
        assert_eq!(status, 200);
        assert_eq!(ctype, "text/csv; charset=utf-8");
        assert!(disposition.contains("kinmu-inspection-over100-fy2024-2024-06-01_2024-06-30.csv"));
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
        let mut r = csv::Reader::from_reader(&bytes[3..]);
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(&header[..5], ["年月", "年月（和暦）", "基準日", "職員番号", "氏名"]);
        assert_eq!(&header[8], "時間外・休日労働（分）");
        let records: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        let rows: BTreeSet<String> = records
            .iter()
            .map(|rec| format!("{} {} {}", &rec[0], &rec[3], &rec[8]))
            .collect();
        assert_eq!(rows, expected_over_100(&db, &s, |_| true), "the CSV has the same lines");
        assert!(records.iter().any(|rec| &rec[1] == "令和6年6月"), "months in 和暦 too");

        for (part, first_header) in [
            ("checklist", "番号"),
            ("a", "日付"),
            ("b", "年月"),
            ("c", "対象月"),
            ("d", "対象月"),
            ("e", "対象月"),
            ("rest", "対象月"),
            ("comp_rest", "対象月"),
        ] {
            let (status, _, _, bytes) = service.raw(&session.token, &format!("/print/{part}.csv?{QUERY}")).await;
            assert_eq!(status, 200, "{part}");
            assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{part}");
            let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
            assert!(
                text.starts_with(first_header),
                "{part}: {}",
                &text[..text.len().min(80)]
            );
        }
        let (_, _, _, bytes) = service
            .raw(&session.token, &format!("/print/checklist.csv?{QUERY}"))
            .await;
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.contains("タイムカード") && text.contains("☑") && text.contains("令和6年1月15日（2024-01-15）"));
    }
}

/// The staffing part's lines: `(staff id, 常勤換算)`, the last being the
/// total's line.
fn staffing_lines(body: &str) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        ["職員番号", "氏名", "雇用形態", "通常の勤務", "当直", "常勤換算"]
    );
    r.records()
        .map(Result::unwrap)
        .map(|rec| (rec[0].to_string(), rec[5].to_string()))
        .collect()
}

#[actix_web::test]
async fn the_pack_counts_the_reference_weeks_doctors_as_report_staffing_does_within_the_printers_scope() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let s = prepared(&db);
        // A part-timer of the other manager with one 8-hour day in the
        // week of 10 June: 2 × 480 ÷ (2 × 2,400) = 0.20 of a full-timer.
        db.import_ok(
            kinmu::ingest::ImportKind::Doctors,
            "staff_id,name,level,manager_login,employment_type\nP05,非常 勤子,A,other-boss,part_time\n".as_bytes(),
        );
        db.import_ok(
            kinmu::ingest::ImportKind::Timecard,
            "staff_id,date,clock_in,clock_out,break_minutes\nP05,2024-06-11,08:30,17:30,60\n".as_bytes(),
        );
        let week = chrono::NaiveDate::from_ymd_opt(2024, 6, 10).unwrap();
        let report = kinmu::report::staffing::report(&mut db.conn(), week, &s.rules).unwrap();
        assert_eq!(report.total_fte, "4.2", "four full-timers and 0.2: {report:#?}");
        let service = spawn_with(kinmu::app::App::open(s.clone()).unwrap()).await;
        let uri = format!("/print/staffing.csv?{QUERY}&week=2024-06-10");

        let mut admin = service.signed_in("admin").await;
        let lines = staffing_lines(&admin.get(&uri).await.body);
        let mut want: Vec<(String, String)> = report
            .doctors
            .iter()
            .map(|l| {
                let fte = format!("{}.{:02}", l.fte_hundredths / 100, l.fte_hundredths % 100);
                (l.staff_id.clone(), fte)
            })
            .collect();
        want.push((String::new(), "4.2".into()));
        assert_eq!(lines, want, "the admin's pack is the hospital's report on {backend:?}");
        assert!(lines.contains(&("P05".into(), "0.20".into())));

        // A manager's pack counts their own doctors only, and says so.
        let mut other = service.signed_in("other-boss").await;
        let lines = staffing_lines(&other.get(&uri).await.body);
        let ids: Vec<&str> = lines.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["D04", "P05", ""]);
        assert_eq!(lines.last().unwrap().1, "1.2");
        let pack = other.get(&format!("/print/pack?{QUERY}&week=2024-06-10")).await.body;
        assert!(
            pack.contains("所属長の担当医師のみの集計"),
            "the manager's pack says whose staff it counts"
        );
        assert!(pack.contains("令和6年6月10日"), "the week in 和暦");

        // The default week is the one of 22 July of the fiscal year.
        let index = admin.get("/print?fy=2024").await.body;
        assert!(
            index.contains(r#"name="week" value="2024-07-22""#),
            "the reference week by default"
        );
    }
}

#[actix_web::test]
async fn with_agreement_months_from_the_16th_the_list_takes_the_month_the_36_kyotei_counts() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        db.add_user("admin", Role::Admin, None, None);
        // A01 also works long weekdays 16–31 May: 12 days × 300 = 3,600
        // overtime there and 3,000 on 1–14 June. Calendar months hold 60 h
        // and 50 h; the agreement month 05-16 … 06-15 holds 110 h.
        let mut may = String::from("staff_id,date,clock_in,clock_out,break_minutes\n");
        for day in 16..=31 {
            let d = chrono::NaiveDate::from_ymd_opt(2024, 5, day).unwrap();
            if d.weekday().num_days_from_monday() < 5 {
                may.push_str(&format!("A01,{d},08:00,22:00,60\n"));
            }
        }
        db.import_ok(kinmu::ingest::ImportKind::Timecard, may.as_bytes());
        let mut s = settings(&db, None);
        s.rules.calendar = kinmu::domain::agreement::AgreementCalendar::new(16, "04-16").unwrap();
        let service = spawn_with(kinmu::app::App::open(s).unwrap()).await;
        let mut admin = service.signed_in("admin").await;
        let body = admin
            .get("/print/over100.csv?fy=2024&from=2024-05-16&to=2024-06-15")
            .await
            .body;
        let mut r = csv::Reader::from_reader(body.trim_start_matches('\u{feff}').as_bytes());
        let lines: Vec<(String, String, String, String)> = r
            .records()
            .map(Result::unwrap)
            .map(|rec| {
                (
                    rec[0].to_string(),
                    rec[2].to_string(),
                    rec[3].to_string(),
                    rec[8].to_string(),
                )
            })
            .collect();
        assert!(
            lines.contains(&("2024-05".into(), "2024-06-15".into(), "A01".into(), "6600".into())),
            "A01's agreement month 2024-05, as of its last day, on {backend:?}: {lines:?}"
        );
        let pack = admin
            .get("/print/pack?fy=2024&from=2024-05-16&to=2024-06-15")
            .await
            .body;
        assert!(
            pack.contains("毎月16日から翌月15日まで"),
            "the list says what its months are"
        );
    }
}

/// The rows of one part's CSV, without its header.
fn csv_rows(body: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(body.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[actix_web::test]
async fn the_pack_lists_the_duty_permits_with_their_use_and_the_duty_outside_them() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        db.add_user("admin", Role::Admin, None, None);
        let s = settings(&db, None);

        // No permit registered yet: the part says what that means.
        let service = spawn_with(kinmu::app::App::open(s.clone()).unwrap()).await;
        let mut admin = service.signed_in("admin").await;
        let html = admin.get(&format!("/print/pack?{QUERY}")).await.body;
        assert!(html.contains("宿日直許可と宿日直の実績"));
        assert!(html.contains(
            "宿日直許可が登録されていません。宿日直許可として記録された勤務は、すべて労働時間として計算しています。"
        ));
        assert!(row_keys(&html, "permits").is_empty());
        drop(admin);

        // P11 (内科, boss's) on permitted night duty with 90 minutes of work
        // in it (rules §13.6 D1, D4); P12 (眼科, other-boss's) on one no
        // permit names (D5).
        db.import_ok(
            kinmu::ingest::ImportKind::Doctors,
            "staff_id,name,department,level,manager_login\n\
             P11,内科 一郎,内科,B,boss\n\
             P12,眼科 花子,眼科,B,other-boss\n"
                .as_bytes(),
        );
        db.import_ok(
            kinmu::ingest::ImportKind::Permits,
            "許可番号,許可年月日,種別,診療科,開始時刻,終了時刻,曜日,取消日,備考\n\
             P-3,2023-10-01,宿直,内科,22:00,07:00,,,病棟の巡視\n\
             H-2,2023-10-01,日直,内科、外科,08:30,17:15,土、日,2024-09-01,\n"
                .as_bytes(),
        );
        db.import_ok(
            kinmu::ingest::ImportKind::Timecard,
            "staff_id,date,clock_in,clock_out,break_minutes,kind\n\
             P11,2024-06-03,08:30,17:15,45,work\n\
             P11,2024-06-03,17:15,08:30,0,duty_permitted\n\
             P11,2024-06-04,02:00,03:30,0,work\n\
             P12,2024-06-05,17:15,08:30,0,duty_permitted\n"
                .as_bytes(),
        );
        // The figures of `kinmu report duties`.
        let june = YearMonth::parse("2024-06").unwrap();
        let duties = kinmu::report::duties::report(&mut db.conn(), june, date("2024-06-30"), &s.rules).unwrap();
        let p3 = duties.permits.iter().find(|l| l.permit_no == "P-3").unwrap();
        assert_eq!((p3.duties, p3.duties_with_work), (1, 1));
        let outside = |id: &str| {
            duties
                .doctors
                .iter()
                .find(|d| d.staff_id == id)
                .unwrap()
                .duty_outside_permit_minutes
        };
        assert_eq!((outside("P11"), outside("P12")), (375, 915));

        let service = spawn_with(kinmu::app::App::open(s.clone()).unwrap()).await;
        let mut admin = service.signed_in("admin").await;
        let html = admin.get(&format!("/print/pack?{QUERY}")).await.body;
        assert_eq!(
            row_keys(&html, "permits"),
            BTreeSet::from(["2024-06 H-2".to_string(), "2024-06 P-3".into()]),
            "on {backend:?}"
        );
        assert_eq!(
            row_keys(&html, "permits_outside"),
            BTreeSet::from(["2024-06 P11".to_string(), "2024-06 P12".into()])
        );
        assert!(!html.contains("宿日直許可が登録されていません"));
        let permits = csv_rows(&admin.get(&format!("/print/permits.csv?{QUERY}")).await.body);
        let (n, with_work) = (p3.duties.to_string(), p3.duties_with_work.to_string());
        let (h375, h540, h915, h0) = (format_hm(375), format_hm(540), format_hm(915), format_hm(0));
        assert_eq!(
            permits,
            [
                [
                    "2024-06",
                    "令和6年6月",
                    "H-2",
                    "令和5年10月1日（2023-10-01）",
                    "日直",
                    "内科、外科",
                    "08:30–17:15",
                    "日・土",
                    "令和6年9月1日（2024-09-01）",
                    "0",
                    "0",
                    "",
                ],
                [
                    "2024-06",
                    "令和6年6月",
                    "P-3",
                    "令和5年10月1日（2023-10-01）",
                    "宿直",
                    "内科",
                    "22:00–翌07:00",
                    "毎日",
                    "",
                    n.as_str(),
                    with_work.as_str(),
                    "病棟の巡視",
                ],
            ]
        );
        let outside_rows = csv_rows(&admin.get(&format!("/print/permits_outside.csv?{QUERY}")).await.body);
        assert_eq!(
            outside_rows,
            [
                [
                    "2024-06",
                    "令和6年6月",
                    "P11",
                    "内科 一郎",
                    "内科",
                    h375.as_str(),
                    "375",
                    h540.as_str(),
                    "宿直 1回・日直 0回",
                    "1",
                    "0",
                ],
                [
                    "2024-06",
                    "令和6年6月",
                    "P12",
                    "眼科 花子",
                    "眼科",
                    h915.as_str(),
                    "915",
                    h0.as_str(),
                    "宿直 0回・日直 0回",
                    "0",
                    "0",
                ],
            ]
        );

        // A manager's pack: their doctors' duties only, and it says so.
        let mut other = service.signed_in("other-boss").await;
        let html = other.get(&format!("/print/pack?{QUERY}")).await.body;
        assert_eq!(
            row_keys(&html, "permits_outside"),
            BTreeSet::from(["2024-06 P12".to_string()])
        );
        assert!(html.contains("回数は担当の医師の宿日直のみです"));
        let permits = csv_rows(&other.get(&format!("/print/permits.csv?{QUERY}")).await.body);
        assert_eq!(
            (permits[1][2].as_str(), permits[1][9].as_str()),
            ("P-3", "0"),
            "P11 is not theirs"
        );

        // With the register off, every permitted minute is permitted: the
        // part says so, and no duty is outside a permit.
        let mut off = s.clone();
        off.rules.permits_register = kinmu::domain::permits::PermitsRegister::Off;
        let service = spawn_with(kinmu::app::App::open(off).unwrap()).await;
        let mut admin = service.signed_in("admin").await;
        let html = admin.get(&format!("/print/pack?{QUERY}")).await.body;
        assert!(html.contains("設定 permits_register = off のため、宿日直許可の登録簿と照合していません。"));
        assert!(row_keys(&html, "permits_outside").is_empty());
    }
}

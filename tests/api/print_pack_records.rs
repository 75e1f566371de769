//! The print pack at scale (issue 16, item 8): the pack opens with its
//! contents and its summary parts; (ア)'s daily raw records are attachments
//! of their own, per month or per doctor, within the printer's scope; and
//! the pack's words (item 5): people by name, no English, the statute's
//! 「宿直の回数の減少」.

use crate::helpers::*;
use kinmu::accounts::Role;
use kinmu::ingest::{self, ImportKind, ImportRequest};
use std::collections::BTreeSet;

const QUERY: &str = "fy=2024&from=2024-06-01&to=2024-06-30";

/// The `data-row` keys of a page (an attachment: `staff_id date`).
fn rows(html: &str) -> BTreeSet<String> {
    html.split(r#"data-row=""#)
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

fn staff_of(keys: &BTreeSet<String>) -> BTreeSet<String> {
    keys.iter().map(|k| k.split(' ').next().unwrap().to_string()).collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The text of one part's section of the pack.
fn section<'a>(html: &'a str, part: &str) -> &'a str {
    let start = html
        .find(&format!(r#"id="{part}""#))
        .unwrap_or_else(|| panic!("no part {part}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap()]
}

#[actix_web::test]
async fn the_pack_opens_with_its_contents_and_summaries_and_leaves_the_daily_records_to_attachments() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let s = prepared(&db);
        let app = kinmu::app::App::open(s).unwrap();
        let (_, session) =
            kinmu::accounts::sign_in(&mut db.conn(), "admin", PASSWORD, &app.settings.accounts, app.now()).unwrap();
        let service = spawn_with(app).await;
        let mut admin = service.signed_in("admin").await;
        let html = admin.get(&format!("/print/pack?{QUERY}")).await.body;

        // The contents come first and list every part, numbered in order.
        let toc = html.find(r#"id="toc""#).expect("the contents");
        let first_part = html.find(r#"<section class="part"#).unwrap();
        assert!(toc < first_part, "the contents before any part on {backend:?}");
        let mut numbers = Vec::new();
        for (key, _) in kinmu::report::pack::PARTS {
            let at = html
                .find(&format!(r#"data-toc="{key}""#))
                .unwrap_or_else(|| panic!("{key} not in the contents"));
            assert!(at < first_part);
            let row = &html[at..];
            let n: usize = row[row.find("第").unwrap() + "第".len()..row.find("部").unwrap()]
                .parse()
                .unwrap();
            numbers.push((key, n));
            assert!(
                html.contains(&format!(
                    r#"<h2 data-part-number="{n}"><span class="partno">第{n}部</span>"#
                )),
                "part {key} is headed 第{n}部"
            );
        }
        // The raw records' part is the last, after every summary part.
        let raw = numbers.iter().find(|(k, _)| *k == "a").unwrap().1;
        assert!(numbers.iter().all(|(_, n)| *n <= raw), "{numbers:?}");
        let raw_at = html.find(r#"id="a""#).unwrap();
        for key in [
            "over100",
            "c",
            "d",
            "e",
            "b",
            "permits",
            "rest",
            "comp_rest",
            "checklist",
        ] {
            assert!(
                html.find(&format!(r#"id="{key}""#)).unwrap() < raw_at,
                "{key} before the raw records"
            );
        }
        // No daily line in the pack: the part names its attachments and
        // says they are given on request.
        let a = section(&html, "a");
        assert!(rows(a).is_empty());
        assert!(a.contains("求めに応じて提出"));
        assert!(a.contains(r#"href="/print/records?month=2024-06""#));
        assert!(a.contains(r#"href="/print/records.csv?month=2024-06""#));
        assert!(!html.contains("休憩60分"), "no timecard line anywhere in the pack");

        // The month's attachment holds every doctor's days; one doctor's
        // only theirs.
        let month = admin.get("/print/records?month=2024-06").await;
        assert_eq!(month.status, 200);
        let keys = rows(&month.body);
        assert_eq!(staff_of(&keys), set(&["A01", "B02", "C03", "D04"]), "on {backend:?}");
        assert!(keys.contains("C03 2024-06-03") && month.body.contains("休憩60分"));
        assert!(month.body.contains("令和6年6月分"));
        let one = admin.get("/print/records?month=2024-06&staff_id=C03").await.body;
        assert_eq!(staff_of(&rows(&one)), set(&["C03"]));
        assert_eq!(rows(&one).len(), 14, "C03's 14 days of June");
        assert!(one.contains("千葉 三郎（職員番号 C03）"));

        // CSV (BOM, the part's header) and .xlsx of the same lines.
        let (status, ctype, disposition, bytes) = service
            .raw(&session.token, "/print/records.csv?month=2024-06&staff_id=C03")
            .await;
        assert_eq!((status, ctype.as_str()), (200, "text/csv; charset=utf-8"));
        assert!(
            disposition.contains("kinmu-inspection-records-2024-06-C03.csv"),
            "{disposition}"
        );
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let mut r = csv::Reader::from_reader(&bytes[3..]);
        assert_eq!(&r.headers().unwrap()[0], "日付");
        let staff: BTreeSet<String> = r.records().map(|rec| rec.unwrap()[1].to_string()).collect();
        assert_eq!(staff, set(&["C03"]));
        let (status, _, disposition, bytes) = service.raw(&session.token, "/print/records.xlsx?month=2024-06").await;
        assert_eq!(status, 200);
        assert!(disposition.contains("kinmu-inspection-records-2024-06.xlsx"));
        assert!(bytes.starts_with(b"PK\x03\x04"));

        assert_eq!(admin.get("/print/records?month=2024-13").await.status, 400);
        assert_eq!(admin.get("/print/records?month=2024-06&staff_id=Z99").await.status, 404);
    }
}

#[actix_web::test]
async fn a_manager_gets_the_records_of_their_own_doctors_hr_all_a_doctor_none() {
    for backend in backends() {
        let db = TestDb::new(backend);
        june(&db);
        let service = db.spawn().await;

        let mut hr = service.signed_in("jinji").await;
        let all = rows(&hr.get("/print/records?month=2024-06").await.body);
        assert_eq!(
            staff_of(&all),
            set(&["A01", "B02", "C03", "D04"]),
            "HR: every doctor on {backend:?}"
        );

        let mut boss = service.signed_in("boss").await;
        let mine = boss.get("/print/records?month=2024-06").await.body;
        assert_eq!(staff_of(&rows(&mine)), set(&["A01", "B02", "C03"]));
        assert!(!mine.contains("土井"), "not the other manager's doctor");
        assert_eq!(
            boss.get("/print/records?month=2024-06&staff_id=D04").await.status,
            404,
            "another manager's doctor is not theirs to print"
        );
        assert_eq!(
            boss.get("/print/records.csv?month=2024-06&staff_id=D04").await.status,
            404
        );
        let one = boss.get("/print/records?month=2024-06&staff_id=A01").await.body;
        assert_eq!(staff_of(&rows(&one)), set(&["A01"]));

        let mut other = service.signed_in("other-boss").await;
        let theirs = rows(&other.get("/print/records?month=2024-06").await.body);
        assert_eq!(staff_of(&theirs), set(&["D04"]));

        let mut doctor = service.browser_of("aoki").await;
        for route in [
            "/print/records?month=2024-06",
            "/print/records.csv?month=2024-06",
            "/print/records.xlsx?month=2024-06",
        ] {
            assert_eq!(doctor.get(route).await.status, 403, "{route}");
        }
        let mut nobody = service.browser_of("").await;
        assert_eq!(nobody.get("/print/records?month=2024-06").await.status, 303);
    }
}

#[actix_web::test]
async fn the_pack_names_people_not_logins_and_says_corrections_and_measures_in_japanese() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let s = prepared(&db);
        // A re-export corrects C03's 3 June: the new version's reason is
        // kinmu's own, stored in both languages.
        let mut conn = db.conn();
        let r = ingest::run(
            &mut conn,
            &ImportRequest {
                layout: None,
                period: Some((date("2024-06-03"), date("2024-06-03"))),
                published_at: None,
                kind: ImportKind::Timecard,
                bytes: b"staff_id,date,clock_in,clock_out,break_minutes\nC03,2024-06-03,08:15,23:00,60\n",
                file_name: "reexport.csv",
                skip_invalid: false,
                actor: Some("jinji"),
                now: now(),
            },
        )
        .unwrap();
        assert_eq!(r.corrected, 1, "C03's 3 June corrected");
        drop(conn);
        let service = spawn_with(kinmu::app::App::open(s).unwrap()).await;

        let mut boss = service.signed_in("boss").await;
        let html = boss.get(&format!("/print/pack?{QUERY}")).await.body;
        // The interview physician and who recorded: names, not logins.
        for part in ["c", "d", "over100"] {
            let text = section(&html, part);
            assert!(
                text.contains("kato 先生"),
                "{part}: the physician by name on {backend:?}"
            );
            assert!(!text.contains("（kato）"), "{part}: no login beside the name");
        }
        assert!(
            section(&html, "d").contains("kato 先生 2024-06-20"),
            "who recorded the result"
        );
        assert!(section(&html, "e").contains("boss 先生"), "who recorded the measures");
        assert!(!section(&html, "e").contains(">boss<"));
        assert!(!html.contains("（boss）") && !html.contains("（kato）"));
        // No English in the Japanese pack; the attachment says the
        // correction in Japanese.
        assert!(!html.contains("corrected by re-import"));
        let records = boss.get("/print/records?month=2024-06&staff_id=C03").await.body;
        assert!(
            records.contains("［修正 第2版: 再取込による訂正］"),
            "the correction in Japanese"
        );
        assert!(!records.contains("corrected by re-import") && !records.contains(" / corrected"));
        let a_csv = boss.get(&format!("/print/a.csv?{QUERY}")).await.body;
        assert!(a_csv.contains("再取込による訂正") && !a_csv.contains("corrected by"));
    }
}

#[actix_web::test]
async fn a_measure_of_fewer_night_duties_is_named_in_the_statutes_words_on_screen_and_in_the_pack() {
    for backend in backends() {
        let db = TestDb::new(backend);
        june(&db);
        let june = kinmu::domain::YearMonth::parse("2024-06").unwrap();
        let case = {
            let mut conn = db.conn();
            kinmu::monitor::records::list_measures(&mut conn, june)
                .unwrap()
                .into_iter()
                .find(|(_, d)| d.staff_id == "C03")
                .map(|(m, _)| m)
                .expect("C03's case over 155 h")
        };
        let service = db.spawn().await;
        let mut boss = service.signed_in("boss").await;
        // The open case's form offers it in the statute's words.
        let form = boss.get("/measures?month=2024-06").await;
        assert_eq!(form.status, 200);
        assert!(form.body.contains("宿直の回数の減少"), "the form on {backend:?}");
        assert!(!form.body.contains("当直回数の削減"));

        let input = kinmu::monitor::records::MeasureInput {
            shorter_hours: false,
            fewer_night_duties: true,
            other: false,
            other_text: Some("当直を月4回から2回に".into()),
        };
        let at = date("2024-06-20").and_hms_opt(12, 0, 0).unwrap();
        kinmu::monitor::records::record_measures(&mut db.conn(), case.id, &input, "boss", at).unwrap();

        let html = boss.get(&format!("/print/pack?{QUERY}")).await.body;
        let e = section(&html, "e");
        assert!(e.contains("宿直の回数の減少"), "the measure taken, in the pack");
        assert!(e.contains("boss 先生"), "who recorded it, by name");
        assert!(!html.contains("当直回数の削減"));
        let e_csv = boss.get(&format!("/print/e.csv?{QUERY}")).await.body;
        assert!(e_csv.lines().next().unwrap().contains("宿直の回数の減少"));
        for screen in ["/measures?month=2024-06", "/doctors/C03?month=2024-06"] {
            let page = boss.get(screen).await;
            assert_eq!(page.status, 200, "{screen}");
            assert!(page.body.contains("宿直の回数の減少"), "{screen}");
            assert!(!page.body.contains("当直回数の削減"), "{screen}");
        }
    }
}

#[actix_web::test]
async fn hostile_text_in_the_records_attachment_is_escaped() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        db.add_user("admin", Role::Admin, None, None);
        db.import_ok(
            ImportKind::Doctors,
            "staff_id,name,department,level,manager_login\nX09,\"<script>alert(1)</script>\",<b>科</b>,A,boss\n"
                .as_bytes(),
        );
        db.import_ok(
            ImportKind::Timecard,
            "staff_id,date,clock_in,clock_out,break_minutes\nX09,2024-06-04,08:30,17:30,60\n".as_bytes(),
        );
        let service = spawn_with(kinmu::app::App::open(settings(&db, None)).unwrap()).await;
        let mut admin = service.signed_in("admin").await;
        for uri in [
            "/print/records?month=2024-06",
            "/print/records?month=2024-06&staff_id=X09",
        ] {
            let page = admin.get(uri).await;
            assert_eq!(page.status, 200, "{uri} on {backend:?}");
            assert!(page.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"), "{uri}");
            assert!(page.body.contains("&#60;b&#62;科&#60;/b&#62;"), "{uri}");
            assert!(
                !page.body.contains("<script>alert") && !page.body.contains("<b>科"),
                "{uri}"
            );
        }
        // A hostile staff id in the query is escaped too (and names no one).
        let page = admin.get("/print/records?month=2024-06&staff_id=%3Cscript%3E").await;
        assert_eq!(page.status, 404);
        assert!(!page.body.contains("<script>"));
    }
}

#[test]
fn the_printed_pack_shows_every_part_once_the_raw_records_last() {
    use kinmu::report::pack::{PARTS, PRINT_ORDER, RAW_PARTS};
    let mut printed: Vec<&str> = PRINT_ORDER.iter().chain(RAW_PARTS.iter()).copied().collect();
    assert_eq!(printed.last(), Some(&"a"), "(ア)'s daily records come last");
    printed.sort_unstable();
    let mut all: Vec<&str> = PARTS.iter().map(|(k, _)| *k).collect();
    all.sort_unstable();
    assert_eq!(printed, all, "every part printed exactly once");
}

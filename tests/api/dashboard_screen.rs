//! The dashboard of issue 16 item 1, on both backends: state filters with
//! true counts (「100時間以上」 counts the months over 155 h too), search by
//! name or staff id, department / level / manager filters that combine,
//! paging with its bounds, `aria-sort`, the export of the current view
//! (CSV formula-safe with a BOM, .xlsx with the same rows; a manager's only
//! their doctors), hostile names escaped; and the physician's interview list
//! whose table scrolls inside its own box.

use crate::helpers::*;
use actix_web::test as atest;
use kinmu::accounts::Role;
use kinmu::ingest::ImportKind;
use std::collections::BTreeSet;
use std::fmt::Write;

const FORMULA: &str = "=HYPERLINK(\"x\")";
const SCRIPT: &str = "<script>alert(1)</script>";

/// Six doctors of two managers and three departments, one in each state
/// by 20 June 2024 (the 基準日 of these tests).
fn doctors() -> String {
    let formula = FORMULA.replace('"', "\"\"");
    format!(
        "staff_id,name,department,level,email,manager_login\n\
         X155,\"{formula}\",内科,A,x155@example.org,boss\n\
         X100,{SCRIPT},外科,B,x100@example.org,other-boss\n\
         P01,見込 太郎,内科,A,p01@example.org,boss\n\
         W01,注意 花子,外科,B,w01@example.org,other-boss\n\
         N01,通常 一郎,内科,A,n01@example.org,boss\n\
         N02,山田 花子,小児科,C-1,n02@example.org,other-boss\n"
    )
}

/// June 1–20: X155 works 08:00–23:00 every day (over 155 h), X100 the
/// same on weekdays and Saturdays (over 100 h), P01 08:00–22:00 on
/// weekdays (projected over 100 h), W01 08:00–21:30 on weekdays (projected
/// over 80 h), N01 and N02 normal days.
fn timecard() -> String {
    use chrono::Datelike;
    let mut s = String::from("staff_id,date,clock_in,clock_out,break_minutes\n");
    for day in 1..=20 {
        let d = chrono::NaiveDate::from_ymd_opt(2024, 6, day).unwrap();
        let wd = d.weekday().num_days_from_monday();
        writeln!(s, "X155,{d},08:00,23:00,60").unwrap();
        if wd < 6 {
            writeln!(s, "X100,{d},08:00,23:00,60").unwrap();
        }
        if wd < 5 {
            writeln!(s, "P01,{d},08:00,22:00,60").unwrap();
            writeln!(s, "W01,{d},08:00,21:30,60").unwrap();
            writeln!(s, "N01,{d},08:30,17:30,60").unwrap();
            writeln!(s, "N02,{d},08:30,17:30,60").unwrap();
        }
    }
    s
}

fn hospital(db: &TestDb) {
    db.import_ok(ImportKind::Doctors, doctors().as_bytes());
    db.import_ok(ImportKind::Timecard, timecard().as_bytes());
    db.add_user("jinji", Role::Hr, None, None);
    db.add_user("boss", Role::Manager, None, None);
    db.add_user("other-boss", Role::Manager, None, None);
    db.add_user("kato", Role::Physician, None, Some("2024-01-15"));
    db.add_user("aoki", Role::Doctor, Some("N01"), None);
    run_daily(db, &settings(db, None), "2024-06-20");
}

const VIEW: &str = "/?month=2024-06&as_of=2024-06-20";

/// The staff ids of the dashboard's rows, in their order.
fn rows(body: &str) -> Vec<String> {
    let table = &body[body.find(r#"<table id="dashboard">"#).expect("the table")..];
    table
        .split("<tr class=\"")
        .skip(1)
        .map(|s| {
            let s = &s[s.find(r#"data-staff-id=""#).unwrap() + 15..];
            s[..s.find('"').unwrap()].to_string()
        })
        .collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).to_string()).collect()
}

fn row_set(body: &str) -> BTreeSet<String> {
    rows(body).into_iter().collect()
}

/// The count a chip shows.
fn chip(body: &str, code: &str) -> usize {
    let marker = format!(r#"data-chip="{code}" data-count=""#);
    let s = &body[body.find(&marker).unwrap_or_else(|| panic!("no chip {code}")) + marker.len()..];
    s[..s.find('"').unwrap()].parse().unwrap()
}

#[actix_web::test]
async fn the_chips_count_truly_and_every_filter_combines_with_the_others() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let page = hr.get(VIEW).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let b = &page.body;
        assert_eq!(row_set(b).len(), 6, "{b}");
        // Over 155 h is counted in 100時間以上 as well as in 155時間超.
        assert_eq!(
            [
                chip(b, "watch"),
                chip(b, "projected"),
                chip(b, "over100"),
                chip(b, "over155")
            ],
            [1, 1, 2, 1],
            "on {backend:?}"
        );
        assert!(b.contains(r#"<tr class="over155" data-staff-id="X155">"#), "{b}");
        // State in words on every row, not by colour alone.
        assert!(b.contains(r#"<span class="state-badge" data-state="over155">155時間超</span>"#));
        assert!(b.contains(r#"<span class="state-badge" data-state="">通常</span>"#));

        let over100 = hr.get(&format!("{VIEW}&state=over100")).await.body;
        assert_eq!(row_set(&over100), set(&["X155", "X100"]), "on {backend:?}");
        assert!(
            over100.contains(r#"aria-current="true" data-chip="over100""#),
            "{over100}"
        );
        assert!(over100.contains("100時間以上 <b>2</b>名（絞り込み中）"));
        assert_eq!(chip(&over100, "watch"), 1, "the chips count without the state filter");
        let over155 = hr.get(&format!("{VIEW}&state=over155")).await.body;
        assert_eq!(rows(&over155), ["X155"]);
        assert_eq!(rows(&hr.get(&format!("{VIEW}&state=projected")).await.body), ["P01"]);
        assert_eq!(rows(&hr.get(&format!("{VIEW}&state=watch")).await.body), ["W01"]);

        // Department, level and manager, each and combined; the chips count
        // within them.
        let naika = hr.get(&format!("{VIEW}&department=%E5%86%85%E7%A7%91")).await.body;
        assert_eq!(row_set(&naika), set(&["X155", "P01", "N01"]));
        assert_eq!([chip(&naika, "over100"), chip(&naika, "over155")], [1, 1]);
        let naika_over100 = hr
            .get(&format!("{VIEW}&department=%E5%86%85%E7%A7%91&state=over100"))
            .await
            .body;
        assert_eq!(rows(&naika_over100), ["X155"]);
        let other = hr.get(&format!("{VIEW}&manager=other-boss")).await.body;
        assert_eq!(row_set(&other), set(&["X100", "W01", "N02"]));
        assert!(
            other.contains(r#"<option value="other-boss" selected>other-boss 先生</option>"#),
            "the manager by name"
        );
        let other_b = hr.get(&format!("{VIEW}&manager=other-boss&level=B")).await.body;
        assert_eq!(row_set(&other_b), set(&["X100", "W01"]));
        assert_eq!(chip(&other_b, "over155"), 0);
        let other_b_watch = hr
            .get(&format!("{VIEW}&manager=other-boss&level=B&state=watch"))
            .await
            .body;
        assert_eq!(rows(&other_b_watch), ["W01"]);
        // The filters are carried by the sort links (a shareable URL).
        assert!(
            other_b_watch.contains("manager=other-boss&#38;state=watch&#38;sort=name"),
            "{other_b_watch}"
        );

        // Search: staff id in full width, a name without its space, case.
        assert_eq!(
            rows(
                &hr.get(&format!("{VIEW}&q=%EF%BD%98%EF%BC%91%EF%BC%95%EF%BC%95"))
                    .await
                    .body
            ),
            ["X155"]
        );
        assert_eq!(
            rows(
                &hr.get(&format!("{VIEW}&q=%E5%B1%B1%E7%94%B0%E8%8A%B1%E5%AD%90"))
                    .await
                    .body
            ),
            ["N02"]
        );
        let n0 = hr
            .get(&format!("{VIEW}&q=n0&department=%E5%B0%8F%E5%85%90%E7%A7%91"))
            .await
            .body;
        assert_eq!(rows(&n0), ["N02"]);
        let none = hr.get(&format!("{VIEW}&q=nobody")).await;
        assert_eq!(none.status, 200);
        assert!(rows(&none.body).is_empty() && none.body.contains("該当する医師はいません。"));

        // A manager: their own doctors, no manager filter to choose, and
        // another manager's login in the URL changes nothing.
        let mut boss = service.signed_in("other-boss").await;
        let mine = boss.get(&format!("{VIEW}&manager=boss")).await.body;
        assert_eq!(row_set(&mine), set(&["X100", "W01", "N02"]), "on {backend:?}");
        assert!(!mine.contains(r#"id="manager""#));
        assert_eq!([chip(&mine, "over100"), chip(&mine, "over155")], [1, 0]);

        // The API takes the same filters and gives the same counts.
        let token = service.token("jinji").await;
        let (status, json) = service
            .get_json(
                "/api/v1/dashboard?month=2024-06&as_of=2024-06-20&state=over100",
                Some(&token),
            )
            .await;
        assert_eq!(status, 200, "{json}");
        assert_eq!(json["lines"].as_array().unwrap().len(), 2);
        assert_eq!(json["counts"]["over100"], 2);
        assert_eq!(json["counts"]["over155"], 1);
        let (status, _) = service
            .get_json("/api/v1/dashboard?month=2024-06&state=nonsense", Some(&token))
            .await;
        assert_eq!(status, 400);
    }
}

#[actix_web::test]
async fn interview_chips_find_the_unarranged_and_the_overdue_cases() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let service = db.spawn().await;
        let token = service.token("jinji").await;
        let (_, json) = service
            .get_json("/api/v1/dashboard?month=2024-06&as_of=2024-06-20", Some(&token))
            .await;
        let lines = json["lines"].as_array().unwrap();
        let with = |pred: &dyn Fn(&serde_json::Value) -> bool| -> BTreeSet<String> {
            lines
                .iter()
                .filter(|l| !l["interview"].is_null() && pred(&l["interview"]))
                .map(|l| l["staff_id"].as_str().unwrap().to_string())
                .collect()
        };
        let open = with(&|i: &serde_json::Value| i["status"] != "done");
        assert!(open.contains("X100") && open.len() >= 2, "cases were opened: {open:?}");
        let overdue_cases = with(&|i: &serde_json::Value| i["status"] == "overdue");
        assert!(
            overdue_cases.contains("X100"),
            "X100 (B) reached 100 h with no interview on {backend:?}: {overdue_cases:?}"
        );
        // Arrange one open case: it leaves 面接未設定.
        let arranged = open.iter().find(|s| !overdue_cases.contains(*s)).unwrap().clone();
        {
            use diesel::RunQueryDsl;
            let mut conn = db.conn();
            diesel::sql_query(format!(
                "UPDATE interviews SET scheduled_at = '2024-06-25 10:00:00' \
                 WHERE doctor_id = (SELECT id FROM doctors WHERE staff_id = '{arranged}')"
            ))
            .execute(&mut conn)
            .unwrap();
        }
        let mut hr = service.signed_in("jinji").await;
        let unarranged = hr.get(&format!("{VIEW}&state=unarranged")).await.body;
        let want: BTreeSet<String> = open.iter().filter(|s| **s != arranged).cloned().collect();
        assert_eq!(row_set(&unarranged), want, "on {backend:?}");
        assert_eq!(chip(&unarranged, "unarranged"), want.len());
        assert!(unarranged.contains(r#"data-unarranged="true""#));
        let overdue = hr.get(&format!("{VIEW}&state=overdue")).await.body;
        assert_eq!(row_set(&overdue), overdue_cases);
        assert_eq!(chip(&overdue, "overdue"), overdue_cases.len());
    }
}

/// 230 doctors with no hours: paging, its bounds and the sort across pages.
#[actix_web::test]
async fn pages_of_a_hundred_keep_the_sort_and_never_fail_past_the_end() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let mut file = String::from("staff_id,name,department,level\n");
        for n in 0..230 {
            writeln!(file, "S{n:03},医師 {n:03},内科,A").unwrap();
        }
        db.import_ok(ImportKind::Doctors, file.as_bytes());
        db.add_user("jinji", Role::Hr, None, None);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let first = hr.get("/?month=2024-06").await.body;
        assert_eq!(rows(&first).len(), 100);
        assert_eq!(rows(&first)[0], "S000");
        assert!(first.contains("全 230 名中 1–100 名"), "{first}");
        let sorted = hr.get("/?month=2024-06&sort=staff_id&desc=true&page=2").await.body;
        let ids = rows(&sorted);
        assert_eq!((ids.len(), ids[0].as_str(), ids[99].as_str()), (100, "S129", "S030"));
        assert!(sorted.contains("全 230 名中 101–200 名"));
        // The page links keep the sort; the current page is marked.
        assert!(
            sorted.contains(r#"href="/?month=2024-06&#38;sort=staff_id&#38;desc=true&#38;page=3""#),
            "{sorted}"
        );
        assert!(sorted.contains(r#"<span aria-current="page" class="current">2</span>"#));
        let last = hr.get("/?month=2024-06&page=3").await.body;
        assert_eq!(rows(&last).len(), 30);
        assert!(last.contains("全 230 名中 201–230 名"));
        for past in ["page=4", "page=999999"] {
            let page = hr.get(&format!("/?month=2024-06&{past}")).await;
            assert_eq!(page.status, 200, "{past} on {backend:?}");
            assert_eq!(rows(&page.body).len(), 30, "{past}: the last page");
            assert!(page.body.contains(r#"id="past-end""#), "{past}");
        }
        for odd in [
            "page=0",
            "page=-1",
            "page=abc",
            "page=18446744073709551616",
            "desc=maybe",
            "sort=nonsense",
            "state=nonsense",
        ] {
            let page = hr.get(&format!("/?month=2024-06&{odd}")).await;
            assert_eq!(page.status, 200, "{odd}");
            assert_eq!(rows(&page.body)[0], "S000", "{odd}: first page by staff id");
        }
        // A filter that leaves one page has no pager.
        let one = hr.get("/?month=2024-06&q=S22").await.body;
        assert_eq!(rows(&one).len(), 10);
        assert!(!one.contains(r#"id="pager""#));
        // The export holds every page.
        let csv = hr.get("/dashboard.csv?month=2024-06").await;
        assert_eq!(csv.status, 200);
        assert_eq!(csv.body.lines().count(), 231, "header and 230 doctors");
    }
}

#[actix_web::test]
async fn sortable_headers_say_their_order_and_hostile_names_stay_text() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let page = hr.get(&format!("{VIEW}&sort=oh&desc=true")).await.body;
        assert!(page.contains(r#"<th scope="col" aria-sort="descending"><a href="/?month=2024-06&#38;as_of=2024-06-20&#38;sort=oh&#38;desc=false">"#), "{page}");
        assert!(page.contains(r#"<th scope="col" aria-sort="none"><a href="/?month=2024-06&#38;as_of=2024-06-20&#38;sort=name&#38;desc=false">"#));
        assert_eq!(page.matches(r#"aria-sort=""#).count(), 13, "every sortable column");
        assert_eq!(rows(&page)[0], "X155", "most hours first");
        let asc = hr.get(&format!("{VIEW}&sort=oh&desc=false")).await.body;
        assert!(asc.contains(r#"aria-sort="ascending""#));
        assert_eq!(rows(&asc).last().map(String::as_str), Some("X155"));
        // Hostile names are escaped; the table scrolls in its own box.
        assert!(!page.contains(SCRIPT), "on {backend:?}");
        assert!(page.contains("&#60;script&#62;alert(1)&#60;/script&#62;") || page.contains("&lt;script&gt;"));
        assert!(page.contains(r#"<div class="table-box" role="region""#));
        // The year's total, cap and projection, and the data's freshness.
        assert!(page.contains("data-year-projected="));
        assert!(page.contains(r#"id="freshness""#));
    }
}

/// The export's bytes, as the browser's session downloads them.
async fn download<S: Service>(service: &TestApp<S>, b: &Browser<'_, TestApp<S>>, uri: &str) -> (u16, String, Vec<u8>) {
    let req = atest::TestRequest::get()
        .uri(uri)
        .insert_header(("Cookie", b.cookie_header()))
        .to_request();
    let resp = atest::call_service(service, req).await;
    let status = resp.status().as_u16();
    let disposition = resp
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, disposition, atest::read_body(resp).await.to_vec())
}

/// The rows of the workbook's one sheet (its `<row` elements).
fn sheet_rows(bytes: &[u8]) -> usize {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml.matches("<row ").count()
}

#[actix_web::test]
async fn the_export_is_the_current_view_formula_safe_and_a_managers_own() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let service = db.spawn().await;
        let hr = service.signed_in("jinji").await;
        let (status, disposition, csv) = download(
            &service,
            &hr,
            "/dashboard.csv?month=2024-06&as_of=2024-06-20&state=over100&sort=oh&desc=true",
        )
        .await;
        assert_eq!(status, 200, "on {backend:?}");
        assert_eq!(disposition, r#"attachment; filename="kinmu-dashboard-2024-06.csv""#);
        assert!(csv.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
        let text = String::from_utf8(csv[3..].to_vec()).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader.headers().unwrap().clone();
        assert_eq!(&header[0], "職員番号");
        assert_eq!(&header[4], "状態");
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let ids: Vec<&str> = records.iter().map(|r| &r[0]).collect();
        assert_eq!(ids, ["X155", "X100"], "the filter and the sort of the view");
        assert_eq!(&records[0][1], format!("'{FORMULA}"), "a formula written as text");
        assert_eq!(&records[0][4], "155時間超");
        assert_eq!(&records[1][1], SCRIPT, "a CSV is not HTML");

        let (status, disposition, xlsx) = download(
            &service,
            &hr,
            "/dashboard.xlsx?month=2024-06&as_of=2024-06-20&state=over100",
        )
        .await;
        assert_eq!(status, 200);
        assert!(disposition.contains("kinmu-dashboard-2024-06.xlsx"));
        assert!(xlsx.starts_with(b"PK\x03\x04"), "a zip");
        assert_eq!(sheet_rows(&xlsx), 1 + records.len(), "the header and the same rows");
        let (_, _, all) = download(&service, &hr, "/dashboard.xlsx?month=2024-06&as_of=2024-06-20").await;
        assert_eq!(sheet_rows(&all), 7);

        // A manager's export holds only their doctors, whatever the URL says.
        let boss = service.signed_in("boss").await;
        let (status, _, mine) = download(
            &service,
            &boss,
            "/dashboard.csv?month=2024-06&as_of=2024-06-20&manager=other-boss",
        )
        .await;
        assert_eq!(status, 200);
        let mine = String::from_utf8(mine[3..].to_vec()).unwrap();
        let ids: BTreeSet<String> = csv::Reader::from_reader(mine.as_bytes())
            .records()
            .map(|r| r.unwrap()[0].to_string())
            .collect();
        assert_eq!(ids, set(&["X155", "P01", "N01"]), "on {backend:?}");

        // Neither a doctor nor a physician, nor anyone signed out.
        let mut aoki = service.signed_in("aoki").await;
        assert_eq!(aoki.get("/dashboard.csv?month=2024-06").await.status, 403);
        let mut kato = service.signed_in("kato").await;
        assert_eq!(kato.get("/dashboard.xlsx?month=2024-06").await.status, 403);
        let mut nobody = service.browser();
        assert_eq!(nobody.get("/dashboard.csv?month=2024-06").await.status, 303);
        let mut hr = hr;
        assert_eq!(hr.get("/dashboard.pdf?month=2024-06").await.status, 404);
    }
}

#[actix_web::test]
async fn the_physicians_list_scrolls_inside_its_own_box() {
    let db = TestDb::new(Backend::Sqlite);
    june(&db);
    let service = db.spawn().await;
    for login in ["kato", "boss"] {
        let mut b = service.signed_in(login).await;
        let page = b.get("/interviews?month=2024-06").await;
        assert_eq!(page.status, 200);
        let boxed = page
            .body
            .find(r#"<div class="table-box" role="region""#)
            .expect("a scrolling box");
        let table = page.body.find(r#"<table id="interviews">"#).unwrap();
        assert!(boxed < table, "{login}: the table inside its box");
    }
}

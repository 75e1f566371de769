//! The 乖離 queue at a hospital's scale (issue 16 §3): filters that
//! combine, paging, the same figures as the monthly report, bulk
//! resolution with one reason after a confirmation (all or nothing), and
//! the page coming back with the same filters at the next card — on both
//! backends, through the real routes with cookies and CSRF.

use crate::helpers::*;
use chrono::{Datelike, NaiveDate};
use kinmu::ingest::ImportKind;
use std::fmt::Write;

/// Six doctors, three in 内科 and three in 外科; each clocks 08:30–17:30 on
/// the weekdays of 3–14 June 2024 (10 days) and leaves the PC on after:
/// Q01 60 min, Q02 90, Q03 45, Q04 120, Q05 60, Q06 35 — 60 open days.
const DOCTORS: &str = "staff_id,name,department,level,manager_login\n\
Q01,山田 花子,内科,A,boss\n\
Q02,佐藤 次郎,外科,A,boss\n\
Q03,鈴木 三郎,内科,A,boss\n\
Q04,高橋 四郎,外科,A,boss\n\
Q05,田中 五郎,内科,A,boss\n\
Q06,伊藤 六郎,外科,A,boss\n";
const AFTER: [(&str, i64); 6] = [
    ("Q01", 60),
    ("Q02", 90),
    ("Q03", 45),
    ("Q04", 120),
    ("Q05", 60),
    ("Q06", 35),
];

fn weekdays() -> Vec<NaiveDate> {
    (3..=14)
        .map(|d| NaiveDate::from_ymd_opt(2024, 6, d).unwrap())
        .filter(|d| d.weekday().num_days_from_monday() < 5)
        .collect()
}

fn queue_hospital(db: &TestDb) {
    db.import_ok(ImportKind::Doctors, DOCTORS.as_bytes());
    db.add_user("jinji", kinmu::accounts::Role::Hr, None, None);
    db.add_user("boss", kinmu::accounts::Role::Manager, None, None);
    let mut tc = String::from("staff_id,date,clock_in,clock_out,break_minutes\n");
    let mut pc = String::from("staff_id,pc_name,logon,logoff\n");
    for d in weekdays() {
        for (staff, after) in AFTER {
            writeln!(tc, "{staff},{d},08:30,17:30,60").unwrap();
            let off = d.and_hms_opt(17, 30, 0).unwrap() + chrono::Duration::minutes(after);
            writeln!(
                pc,
                "{staff},PC-{staff},{d} 08:35:00,{}",
                off.format("%Y-%m-%d %H:%M:%S")
            )
            .unwrap();
        }
    }
    db.import_ok(ImportKind::Timecard, tc.as_bytes());
    db.import_ok(ImportKind::Pclog, pc.as_bytes());
}

const QUEUE: &str = "/discrepancies?month=2024-06&as_of=2024-06-14";

fn cards(body: &str) -> usize {
    body.matches(r#"<section class="disc" id="card-"#).count()
}

fn report_open(db: &TestDb) -> usize {
    db.report("2024-06", "2024-06-14")
        .doctors
        .iter()
        .map(|d| d.open_discrepancies)
        .sum()
}

fn resolutions(db: &TestDb) -> i64 {
    db.count_where("SELECT COUNT(*) AS n FROM discrepancy_resolutions")
}

fn audit_resolves(db: &TestDb) -> i64 {
    db.count_where("SELECT COUNT(*) AS n FROM audit_log WHERE category = 'discrepancy' AND operation = 'resolve'")
}

#[actix_web::test]
async fn the_queue_filters_combine_and_pages_hold_fifty_cards() {
    for backend in backends() {
        let db = TestDb::new(backend);
        queue_hospital(&db);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let first = hr.get(QUEUE).await;
        assert_eq!(first.status, 200, "{}", first.body);
        let b = &first.body;
        assert!(b.contains(r#"<b id="open-count">60</b>"#), "{b}");
        assert!(b.contains(r#"全 <b id="match-count">60</b> 件中 1–50 件"#));
        assert_eq!(cards(b), 50);
        assert!(b.contains(r#"aria-current="page"><b>1</b>"#) && b.contains("page=2\">2</a>"));
        let second = hr.get(&format!("{QUEUE}&page=2")).await;
        assert_eq!(cards(&second.body), 10);
        assert!(second.body.contains("件中 51–60 件"));
        // A page past the last shows the last.
        assert_eq!(cards(&hr.get(&format!("{QUEUE}&page=9")).await.body), 10);

        let count = |body: &str| -> usize {
            let at = body
                .find(r#"<b id="match-count">"#)
                .map(|i| i + r#"<b id="match-count">"#.len());
            at.map_or(0, |i| body[i..body[i..].find('<').unwrap() + i].parse().unwrap())
        };
        let dept = hr.get(&format!("{QUEUE}&dept=%E5%86%85%E7%A7%91")).await; // 内科
        assert_eq!(count(&dept.body), 30);
        assert!(!dept.body.contains(r#"data-staff-id="Q02""#) && dept.body.contains(r#"data-staff-id="Q01""#));
        assert!(
            dept.body.contains(r#"<option value="内科" selected>"#),
            "the filter is shown as chosen"
        );
        assert!(
            dept.body.contains(r#"<b id="open-count">60</b>"#),
            "the month's figure stays"
        );
        assert_eq!(
            count(&hr.get(&format!("{QUEUE}&doctor=q02")).await.body),
            10,
            "by staff id"
        );
        assert_eq!(
            count(&hr.get(&format!("{QUEUE}&doctor=%E4%BD%90%E8%97%A4")).await.body),
            10,
            "by name"
        );
        let days = hr.get(&format!("{QUEUE}&from=2024-06-10&to=2024-06-11")).await;
        assert_eq!(count(&days.body), 12);
        assert!(!days.body.contains(r#"data-day="2024-06-07""#));
        assert_eq!(count(&hr.get(&format!("{QUEUE}&min=90")).await.body), 20, "Q02 and Q04");
        let both = hr
            .get(&format!("{QUEUE}&dept=%E5%A4%96%E7%A7%91&min=100&from=2024-06-12"))
            .await;
        assert_eq!(
            count(&both.body),
            3,
            "外科, 100 min or more, from the 12th: Q04 on 12–14"
        );
        assert!(
            both.body.contains(r#"name="min" value="100""#),
            "the forms keep the filter"
        );
        let none = hr.get(&format!("{QUEUE}&doctor=nobody")).await;
        assert!(none.body.contains("条件に合う未処理の乖離はありません。") && cards(&none.body) == 0);
        // A malformed filter is refused in words.
        let bad = hr.get(&format!("{QUEUE}&min=lots")).await;
        assert_eq!(bad.status, 400);
        // Every card's checkbox is labelled, and 「このページをすべて選択」 ticks them all.
        assert!(
            b.contains(r#"<label class="pick"><input type="checkbox" name="item" value="Q01:2024-06-03" form="bulk">"#)
        );
        let all = hr.get(&format!("{QUEUE}&select=page")).await;
        assert_eq!(all.body.matches(r#"form="bulk" checked>"#).count(), 50);
        assert!(b.contains("<legend>状態</legend>") && b.contains("<legend>選んだ日の処理</legend>"));
    }
}

#[actix_web::test]
async fn the_queue_total_is_the_monthly_reports_sum_before_and_after_a_resolution() {
    for backend in backends() {
        let db = TestDb::new(backend);
        queue_hospital(&db);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let page = hr.get(QUEUE).await;
        assert_eq!(report_open(&db), 60);
        assert!(page
            .body
            .contains(&format!(r#"<b id="open-count">{}</b>"#, report_open(&db))));
        let csrf = hidden(&page.body, "csrf");
        let done = hr
            .post(
                "/discrepancies/resolve",
                &[
                    ("csrf", &csrf),
                    ("staff_id", "Q04"),
                    ("day", "2024-06-05"),
                    ("resolution", "not_work"),
                    ("reason", "PCの閉じ忘れ"),
                    ("month", "2024-06"),
                    ("as_of", "2024-06-14"),
                ],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(report_open(&db), 59);
        let after = hr.get(QUEUE).await;
        assert!(after.body.contains(r#"<b id="open-count">59</b>"#));
        // The API's whole queue says the same.
        let token = service.token("jinji").await;
        let (status, json) = service
            .get_json("/api/v1/discrepancies?month=2024-06&as_of=2024-06-14", Some(&token))
            .await;
        assert_eq!(status, 200);
        assert_eq!(json["open"].as_array().unwrap().len(), 59);
    }
}

/// The bulk form's fields: the days, one resolution and reason, the
/// page's order and filters.
fn bulk_form<'a>(csrf: &'a str, items: &[&'a str], reason: &'a str, go: bool) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("csrf", csrf),
        ("month", "2024-06"),
        ("as_of", "2024-06-14"),
        ("dept", "内科"),
        ("min", "40"),
        ("page", "1"),
        ("resolution", "work"),
        ("reason", reason),
    ];
    for i in items {
        f.push(("item", i));
    }
    for k in ["Q01_2024-06-03", "Q03_2024-06-03", "Q05_2024-06-03", "Q01_2024-06-04"] {
        f.push(("order", k));
    }
    if go {
        f.push(("go", "1"));
    }
    f
}

#[actix_web::test]
async fn two_similar_days_are_resolved_with_one_reason_after_a_confirmation() {
    for backend in backends() {
        let db = TestDb::new(backend);
        queue_hospital(&db);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let csrf = hidden(&hr.get(QUEUE).await.body, "csrf");
        let items = ["Q01:2024-06-03", "Q03:2024-06-03"];
        let hostile = "<script>alert(1)</script> 病棟対応";
        let (counts, rows) = (
            db.data_counts(),
            db.count_where("SELECT COUNT(*) AS n FROM timecard_rows"),
        );

        // The confirmation: what will be recorded, nothing written yet.
        let confirm = hr
            .post("/discrepancies/bulk", &bulk_form(&csrf, &items, hostile, false))
            .await;
        assert_eq!(confirm.status, 200, "{}", confirm.body);
        let c = &confirm.body;
        assert!(c.contains("<b>2</b>日分・医師 <b>2</b>人"), "{c}");
        assert!(c.contains("<b>105</b>分"), "60 + 45 minutes");
        assert!(c.contains(r#"「<b id="resolution">労働時間</b>」として記録します。"#));
        assert!(c.contains("山田 花子（Q01）、鈴木 三郎（Q03）"), "the doctors by name");
        assert!(c.contains("&#60;script&#62;alert(1)&#60;/script&#62; 病棟対応") && !c.contains("<script>alert"));
        assert!(c.contains(r#"<input type="hidden" name="go" value="1">"#) && c.contains("記録する"));
        assert_eq!(db.data_counts(), counts, "nothing is written by the confirmation");

        // Recorded: two resolutions, two audit entries, two work rows.
        let done = hr
            .post("/discrepancies/bulk", &bulk_form(&csrf, &items, hostile, true))
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(resolutions(&db), 2);
        assert_eq!(audit_resolves(&db), 2, "each day audited as a single one");
        assert_eq!(db.count_where("SELECT COUNT(*) AS n FROM timecard_rows"), rows + 2);
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM discrepancy_resolutions WHERE resolved_by = 'jinji' AND resolution = 'work'"
            ),
            2
        );
        // Back to the same filters and page, at the next card.
        let back = done.location.unwrap();
        assert!(
            back.starts_with("/discrepancies?month=2024-06&as_of=2024-06-14"),
            "{back}"
        );
        assert!(back.contains("&dept=%E5%86%85%E7%A7%91") && back.contains("&min=40") && back.contains("&page=1"));
        assert!(back.ends_with("#card-Q05_2024-06-03"), "{back}");
        let shown = hr.get(&back).await;
        assert!(
            shown
                .body
                .contains("2日分の乖離を「労働時間」として記録しました。未打刻の時間を勤務の行として追加しました。"),
            "{}",
            shown.body
        );
        assert!(
            shown.body.contains(r#"id="card-Q05_2024-06-03""#),
            "the anchor's card is there"
        );
        assert!(!shown.body.contains(r#"data-staff-id="Q01" data-day="2024-06-03""#));
        // The reason listed as resolved, escaped.
        assert!(shown
            .body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62; 病棟対応"));
        assert!(!shown.body.contains("<script>alert(1)"));
        assert_eq!(report_open(&db), 58);
    }
}

#[actix_web::test]
async fn a_forged_or_unknown_day_makes_the_whole_bulk_fail_with_nothing_written() {
    for backend in backends() {
        let db = TestDb::new(backend);
        queue_hospital(&db);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let csrf = hidden(&hr.get(QUEUE).await.body, "csrf");
        let counts = db.data_counts();
        for (items, status) in [
            (vec!["Q01:2024-06-05", "NOPE:2024-06-05"], 400),
            (vec!["Q01:2024-06-05", "Q01:2024-06-08"], 400), // a Saturday: no discrepancy
            (vec!["Q01:2024-06-05", "Q01:garbage"], 400),
        ] {
            let r = hr
                .post("/discrepancies/bulk", &bulk_form(&csrf, &items, "理由", true))
                .await;
            assert_eq!(r.status, status, "{items:?}: {}", r.body);
            assert!(r.body.contains(r#"id="resolve-error""#));
            assert_eq!(db.data_counts(), counts, "{items:?}: nothing written on {backend:?}");
        }
        let r = hr
            .post(
                "/discrepancies/bulk",
                &bulk_form(&csrf, &["Q01:2024-06-05", "NOPE:2024-06-05"], "理由", true),
            )
            .await;
        assert!(r.body.contains("何も記録していません"), "{}", r.body);
        // Already resolved: the second bulk over it fails whole.
        let ok = hr
            .post(
                "/discrepancies/bulk",
                &bulk_form(&csrf, &["Q01:2024-06-05"], "理由", true),
            )
            .await;
        assert_eq!(ok.status, 303);
        let counts = db.data_counts();
        let twice = hr
            .post(
                "/discrepancies/bulk",
                &bulk_form(&csrf, &["Q01:2024-06-06", "Q01:2024-06-05"], "理由", true),
            )
            .await;
        assert_eq!(twice.status, 409, "{}", twice.body);
        assert_eq!(db.data_counts(), counts);
        // No CSRF token: 403, nothing written; no reason: 400.
        let mut forged = bulk_form("", &["Q01:2024-06-06"], "理由", true);
        forged.retain(|(k, _)| *k != "csrf");
        assert_eq!(hr.post("/discrepancies/bulk", &forged).await.status, 403);
        assert_eq!(
            hr.post("/discrepancies/bulk", &bulk_form(&csrf, &["Q01:2024-06-06"], " ", true))
                .await
                .status,
            400
        );
        assert_eq!(
            hr.post("/discrepancies/bulk", &bulk_form(&csrf, &[], "理由", false))
                .await
                .status,
            400
        );
        assert_eq!(db.data_counts(), counts);
        // Not for managers.
        let mut boss = service.signed_in("boss").await;
        let boss_csrf = hidden(&boss.get("/discrepancies?month=2024-06").await.body, "csrf");
        assert_eq!(
            boss.post(
                "/discrepancies/bulk",
                &bulk_form(&boss_csrf, &["Q01:2024-06-06"], "理由", true)
            )
            .await
            .status,
            403
        );
    }
}

#[actix_web::test]
async fn a_single_resolution_comes_back_to_the_same_filters_at_the_next_card() {
    for backend in backends() {
        let db = TestDb::new(backend);
        queue_hospital(&db);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let page = hr.get(&format!("{QUEUE}&dept=%E5%86%85%E7%A7%91&min=40")).await;
        let b = &page.body;
        assert!(
            b.contains(r#"<input type="hidden" name="next" value="Q03_2024-06-03">"#),
            "the next card is named"
        );
        let csrf = hidden(b, "csrf");
        let done = hr
            .post(
                "/discrepancies/resolve",
                &[
                    ("csrf", &csrf),
                    ("staff_id", "Q01"),
                    ("day", "2024-06-03"),
                    ("resolution", "self_study"),
                    ("reason", "抄読会の準備 <b>太字</b>"),
                    ("month", "2024-06"),
                    ("as_of", "2024-06-14"),
                    ("dept", "内科"),
                    ("min", "40"),
                    ("page", "1"),
                    ("next", "Q03_2024-06-03"),
                ],
            )
            .await;
        assert_eq!(done.status, 303);
        let back = done.location.unwrap();
        assert!(
            back.starts_with(
                "/discrepancies?month=2024-06&as_of=2024-06-14&dept=%E5%86%85%E7%A7%91&min=40&page=1&resolved="
            ),
            "{back}"
        );
        assert!(back.ends_with("#card-Q03_2024-06-03"), "{back}");
        let shown = hr.get(&back).await;
        assert!(shown
            .body
            .contains("Q01 の 2024-06-03 を「自己研鑽」として処理しました。"));
        assert!(shown.body.contains("労働時間には含めません"), "what follows");
        assert!(shown.body.contains("抄読会の準備 &#60;b&#62;太字&#60;/b&#62;") && !shown.body.contains("<b>太字</b>"));
        // The resolved view lists it, with the same filter.
        let resolved = hr.get(&format!("{QUEUE}&dept=%E5%86%85%E7%A7%91&state=resolved")).await;
        assert!(
            resolved.body.contains(r#"<b id="resolved-count">1</b>"#),
            "{}",
            resolved.body
        );
        assert_eq!(cards(&resolved.body), 0, "no open cards on the resolved view");
        let other = hr.get(&format!("{QUEUE}&dept=%E5%A4%96%E7%A7%91&state=resolved")).await;
        assert!(other.body.contains("処理済みの乖離はありません。"));
    }
}

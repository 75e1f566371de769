//! PC review items (rules §9): PC use inside self-study outside the
//! schedule, resolved by HR, an admin or the doctor's manager — never the
//! doctor themself — through the API and the 乖離 screen: each resolution's
//! effect on the month's figures and on `open_pc_reviews`, the refusals,
//! the audit entry. Both backends.
//!
//! A01 (manager `boss`) works 08:00–22:00 on weekdays; here they also
//! declare self-study 22:00–23:30 on 3–6 June (outside the schedule), and
//! their PC is on 21:00–23:20 those days: 80 minutes inside self-study each
//! day, one `pc_during_self_study` item a day (over 30).

use crate::helpers::*;
use actix_web::test;
use kinmu::accounts::Role;
use kinmu::db::models::ShiftExtras;
use kinmu::ingest::ImportKind;
use serde_json::json;

const DAYS: [&str; 4] = ["2024-06-03", "2024-06-04", "2024-06-05", "2024-06-06"];
const SELF_STUDY: &str = "pc_during_self_study";

/// The hospital, A01's self-study rows (`confirmed_by` given: confirmed
/// rows, else unconfirmed) and PC log, and an HR account that is A01.
fn setup(db: &TestDb, confirmed_by: Option<&str>) {
    hospital(db);
    add_people(
        db,
        &[Person {
            staff_id: Some("A01"),
            ..person("jinji-a01", Role::Hr)
        }],
    );
    db.add_user("admin", Role::Admin, None, None);
    let extras = match confirmed_by {
        Some(by) => ShiftExtras {
            study_status: "confirmed".into(),
            confirmed_by: Some(by.into()),
            confirmed_at: Some(now()),
            ..ShiftExtras::default()
        },
        None => ShiftExtras::default(),
    };
    add_self_study(db, &DAYS, ("22:00", "23:30"), extras);
    let mut log = String::from("staff_id,pc_name,logon,logoff\n");
    for d in DAYS {
        log.push_str(&format!("A01,PC-3,{d} 21:00:00,{d} 23:20:00\n"));
    }
    db.import_ok(ImportKind::Pclog, log.as_bytes());
}

fn a01(db: &TestDb) -> kinmu::month::DoctorMonth {
    doctor(&db.report("2024-06", "2024-06-14"), "A01").clone()
}

fn get(uri: &str) -> test::TestRequest {
    test::TestRequest::get().uri(uri)
}

fn resolve_req(day: &str, resolution: &str, reason: &str) -> test::TestRequest {
    test::TestRequest::post()
        .uri("/api/v1/pc-reviews/resolve")
        .set_json(json!({
            "staff_id": "A01", "date": day, "kind": SELF_STUDY, "resolution": resolution, "reason": reason
        }))
}

fn resolutions(db: &TestDb) -> i64 {
    db.count_where("SELECT COUNT(*) AS n FROM pc_review_resolutions")
}

fn audit_entries(db: &TestDb) -> i64 {
    db.count_where("SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'pc_review_resolve'")
}

#[actix_web::test]
async fn the_queue_lists_each_day_of_pc_use_inside_self_study_with_its_rows_and_allowed_resolutions() {
    for backend in backends() {
        let db = TestDb::new(backend);
        setup(&db, None);
        let before = a01(&db);
        assert_eq!(before.open_pc_reviews, 4, "{backend:?}");
        assert_eq!(before.open_discrepancies, 0, "the PC use is all inside rows");
        let svc = db.spawn().await;
        let t = svc.token("jinji").await;
        let (status, q) = svc
            .call(get("/api/v1/pc-reviews?month=2024-06&as_of=2024-06-14"), Some(&t))
            .await;
        assert_eq!(status, 200, "{q}");
        let open = q["open"].as_array().unwrap();
        assert_eq!(open.len(), 4, "{q}");
        let first = &open[0];
        assert_eq!(
            (&first["staff_id"], &first["date"], &first["kind"], &first["minutes"]),
            (&json!("A01"), &json!("2024-06-03"), &json!(SELF_STUDY), &json!(80))
        );
        assert_eq!(first["pc_use"], json!(["22:00–23:20"]));
        assert_eq!(first["rows"][0]["kind"], "self_study");
        assert_eq!(first["rows"][0]["study_status"], "unconfirmed");
        assert_eq!(
            first["resolutions"],
            json!(["work", "self_study_confirmed", "not_work"])
        );
        assert_eq!(q["threshold_minutes"], 30);
    }
}

#[actix_web::test]
async fn resolving_as_work_adds_the_pc_minutes_as_work_and_closes_the_item() {
    for backend in backends() {
        let db = TestDb::new(backend);
        // Confirmed self-study is not working time: the PC minutes found to
        // be work must then enter the figures.
        setup(&db, Some("boss"));
        let before = a01(&db);
        assert_eq!(before.self_study_excluded_minutes, 360);
        let marks = kinmu::db::recheck::newest(&mut db.conn()).unwrap();
        let svc = db.spawn().await;
        let t = svc.token("jinji").await;
        let (status, body) = svc
            .call(resolve_req("2024-06-03", "work", "カルテ記載（業務）と確認"), Some(&t))
            .await;
        assert_eq!(status, 200, "{body}");
        // The re-check of changed months sees the resolved day (issue 13).
        let mut conn = db.conn();
        let now_marks = kinmu::db::recheck::newest(&mut conn).unwrap();
        let changed = kinmu::db::recheck::changed(&mut conn, marks, now_marks).unwrap();
        assert_eq!(changed.days, vec![date("2024-06-03")]);
        drop(conn);
        assert_eq!(
            (&body["resolution"], &body["kind"], &body["minutes"]),
            (&json!("work"), &json!(SELF_STUDY), &json!(80))
        );
        let after = a01(&db);
        assert_eq!(after.total_work_minutes, before.total_work_minutes + 80, "{backend:?}");
        assert_eq!(after.self_study_excluded_minutes, 360 - 80);
        assert_eq!(after.open_pc_reviews, 3);
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM timecard_rows WHERE kind = 'work' AND created_by = 'jinji' \
                 AND correction_reason = 'カルテ記載（業務）と確認' AND superseded_at IS NULL"
            ),
            1
        );
        assert_eq!((resolutions(&db), audit_entries(&db)), (1, 1));
        let (_, q) = svc
            .call(get("/api/v1/pc-reviews?month=2024-06&as_of=2024-06-14"), Some(&t))
            .await;
        assert_eq!(q["open"].as_array().unwrap().len(), 3);
        assert_eq!(
            (&q["resolved"][0]["resolution"], &q["resolved"][0]["resolved_by"]),
            (&json!("work"), &json!("jinji"))
        );
    }
}

#[actix_web::test]
async fn confirming_as_self_study_confirms_the_row_as_a_new_version_and_lowers_the_figures() {
    for backend in backends() {
        let db = TestDb::new(backend);
        setup(&db, None);
        let before = a01(&db);
        assert_eq!(before.self_study_excluded_minutes, 0, "unconfirmed counts");
        let svc = db.spawn().await;
        // A01's manager resolves.
        let t = svc.token("boss").await;
        let (status, body) = svc
            .call(
                resolve_req("2024-06-04", "self_study_confirmed", "自主的な文献検索と確認"),
                Some(&t),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["confirmed_rows"].as_array().unwrap().len(), 1);
        let after = a01(&db);
        assert_eq!(after.self_study_excluded_minutes, 90, "{backend:?}");
        assert_eq!(after.total_work_minutes, before.total_work_minutes - 90);
        assert_eq!(after.open_pc_reviews, 3);
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM timecard_rows WHERE kind = 'self_study' AND version = 2 \
                 AND study_status = 'confirmed' AND confirmed_by = 'boss' AND superseded_at IS NULL"
            ),
            1
        );
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM timecard_rows WHERE kind = 'self_study' AND version = 1 \
                 AND superseded_at IS NOT NULL"
            ),
            1,
            "the old version is kept"
        );
        assert_eq!((resolutions(&db), audit_entries(&db)), (1, 1));
    }
}

#[actix_web::test]
async fn not_work_is_recorded_only_and_needs_a_reason() {
    for backend in backends() {
        let db = TestDb::new(backend);
        setup(&db, None);
        let before = a01(&db);
        let counts = db.data_counts();
        let svc = db.spawn().await;
        let t = svc.token("admin").await;
        let (status, body) = svc.call(resolve_req("2024-06-05", "not_work", "  "), Some(&t)).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid")), "{body}");
        assert!(body["message"].as_str().unwrap().contains("理由を入力してください"));
        assert_eq!(db.data_counts(), counts, "nothing written");

        let (status, body) = svc
            .call(resolve_req("2024-06-05", "not_work", "PCの消し忘れ"), Some(&t))
            .await;
        assert_eq!(status, 200, "{body}");
        let after = a01(&db);
        assert_eq!(after.total_work_minutes, before.total_work_minutes, "{backend:?}");
        assert_eq!(after.self_study_excluded_minutes, before.self_study_excluded_minutes);
        assert_eq!(after.open_pc_reviews, 3);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM timecard_rows"),
            counts.iter().find(|(t, _)| *t == "timecard_rows").unwrap().1,
            "no row added or versioned"
        );
        assert_eq!((resolutions(&db), audit_entries(&db)), (1, 1));
    }
}

#[actix_web::test]
async fn a_resolution_not_allowed_for_the_kind_and_a_second_resolution_are_refused() {
    for backend in backends() {
        let db = TestDb::new(backend);
        setup(&db, None);
        let svc = db.spawn().await;
        let t = svc.token("jinji").await;
        // permitted_light_duty is for permitted-duty items only.
        let counts = db.data_counts();
        let (status, body) = svc
            .call(
                resolve_req("2024-06-03", "permitted_light_duty", "軽度の業務"),
                Some(&t),
            )
            .await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid")), "{body}");
        assert!(body["message"].as_str().unwrap().contains("選べません"), "{body}");
        assert_eq!(db.data_counts(), counts, "nothing written on {backend:?}");
        // A day that is not an item.
        let (status, body) = svc.call(resolve_req("2024-06-10", "not_work", "x"), Some(&t)).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid")), "{body}");
        assert!(body["message"].as_str().unwrap().contains("確認項目ではありません"));

        let (status, _) = svc.call(resolve_req("2024-06-03", "not_work", "x"), Some(&t)).await;
        assert_eq!(status, 200);
        let counts = db.data_counts();
        let (status, body) = svc
            .call(resolve_req("2024-06-03", "self_study_confirmed", "y"), Some(&t))
            .await;
        assert_eq!(
            (status, body["error"].as_str()),
            (409, Some("already_resolved")),
            "{body}"
        );
        assert!(
            body["message"].as_str().unwrap().contains("労働時間外、jinji"),
            "{body}"
        );
        assert_eq!(db.data_counts(), counts);
        assert_eq!((resolutions(&db), audit_entries(&db)), (1, 1));
        assert_eq!(a01(&db).open_pc_reviews, 3);
    }
}

#[actix_web::test]
async fn the_doctor_themself_and_a_manager_of_another_department_are_refused() {
    for backend in backends() {
        let db = TestDb::new(backend);
        setup(&db, None);
        let svc = db.spawn().await;
        let counts = db.data_counts();
        // The doctor's own account: not a reviewer's role at all.
        let t = svc.token("aoki").await;
        let (status, _) = svc.call(resolve_req("2024-06-03", "not_work", "x"), Some(&t)).await;
        assert_eq!(status, 403);
        let (status, _) = svc.call(get("/api/v1/pc-reviews?month=2024-06"), Some(&t)).await;
        assert_eq!(status, 403);
        // HR who is A01: refused as the doctor themself.
        let t = svc.token("jinji-a01").await;
        let (status, body) = svc.call(resolve_req("2024-06-03", "not_work", "x"), Some(&t)).await;
        assert_eq!(status, 403, "{body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("本人のPC使用は本人が処理できません"),
            "{body}"
        );
        let (_, q) = svc
            .call(get("/api/v1/pc-reviews?month=2024-06&as_of=2024-06-14"), Some(&t))
            .await;
        assert_eq!(q["open"][0]["own"], true, "listed as their own");
        // D04's manager is not A01's: refused, and sees none of A01's items.
        let t = svc.token("other-boss").await;
        let (status, body) = svc.call(resolve_req("2024-06-03", "not_work", "x"), Some(&t)).await;
        assert_eq!(status, 403, "{body}");
        assert!(body["message"].as_str().unwrap().contains("権限がありません"));
        let (status, q) = svc
            .call(get("/api/v1/pc-reviews?month=2024-06&as_of=2024-06-14"), Some(&t))
            .await;
        assert_eq!((status, q["open"].as_array().map(Vec::len)), (200, Some(0)), "{q}");
        assert_eq!(db.data_counts(), counts, "nothing written on {backend:?}");
        assert_eq!((resolutions(&db), audit_entries(&db)), (0, 0));
        assert_eq!(a01(&db).open_pc_reviews, 4);
    }
}

#[actix_web::test]
async fn a_manager_resolves_on_the_discrepancy_screen_and_a_hostile_reason_is_escaped() {
    for backend in backends() {
        let db = TestDb::new(backend);
        setup(&db, None);
        let service = db.spawn().await;
        let mut boss = service.signed_in("boss").await;
        let page = boss.get("/discrepancies?month=2024-06&as_of=2024-06-14").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains(r#"<b id="review-count">4</b>"#), "{}", page.body);
        // The queue's filters narrow the review items too: one day, one
        // doctor nobody is called.
        let day = boss
            .get("/discrepancies?month=2024-06&as_of=2024-06-14&from=2024-06-06&to=2024-06-06")
            .await;
        assert!(day.body.contains(r#"<b id="review-count">1</b>"#), "{}", day.body);
        assert_eq!(day.body.matches(r#"data-day="2024-06-06" data-kind"#).count(), 1);
        let nobody = boss
            .get("/discrepancies?month=2024-06&as_of=2024-06-14&doctor=nobody")
            .await;
        assert!(nobody.body.contains(r#"<b id="review-count">0</b>"#), "{}", nobody.body);
        assert!(page.body.contains(r#"data-kind="pc_during_self_study""#));
        assert!(
            !page.body.contains(r#"id="open-count""#),
            "the discrepancy queue is HR's"
        );
        assert!(
            page.body.contains(r#"value="self_study_confirmed""#)
                && !page.body.contains(r#"value="permitted_light_duty""#),
            "only the resolutions of the item's kind"
        );
        let csrf = hidden(&page.body, "csrf");
        let hostile = "<script>alert(1)</script>";
        let form = |day: &'static str, resolution: &'static str, reason: &'static str| {
            vec![
                ("csrf", csrf.clone()),
                ("staff_id", "A01".to_string()),
                ("day", day.to_string()),
                ("kind", SELF_STUDY.to_string()),
                ("resolution", resolution.to_string()),
                ("reason", reason.to_string()),
                ("month", "2024-06".to_string()),
                ("as_of", "2024-06-14".to_string()),
            ]
        };
        let fields = form("2024-06-06", "not_work", hostile);
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let done = boss.post("/discrepancies/pc-reviews/resolve", &pairs).await;
        assert_eq!(done.status, 303, "{}", done.body);
        let back = done.location.unwrap();
        let shown = boss.get(&back).await;
        assert!(
            shown
                .body
                .contains("A01 の 2024-06-06 の「自己研鑽（所定外）中のPC使用」を「労働時間外」として処理しました。"),
            "{}",
            shown.body
        );
        assert!(shown.body.contains(r#"<b id="review-count">3</b>"#));
        assert!(shown.body.contains(r#"id="reviews-resolved""#));
        assert!(
            !shown.body.contains(hostile) && shown.body.contains("&#60;script&#62;"),
            "{}",
            shown.body
        );
        // A wrong resolution for the kind on the screen: shown again, 400.
        let fields = form("2024-06-05", "permitted_light_duty", "x");
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = boss.post("/discrepancies/pc-reviews/resolve", &pairs).await;
        assert_eq!(refused.status, 400, "{backend:?}");
        assert!(refused.body.contains("選べません"), "{}", refused.body);
        // Another department's manager: 403 on the screen too.
        let mut other = service.signed_in("other-boss").await;
        let page = other.get("/discrepancies?month=2024-06&as_of=2024-06-14").await;
        assert!(page.body.contains(r#"<b id="review-count">0</b>"#));
        let csrf = hidden(&page.body, "csrf");
        let mut fields = form("2024-06-05", "not_work", "x");
        fields[0].1 = csrf;
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            other.post("/discrepancies/pc-reviews/resolve", &pairs).await.status,
            403
        );
        assert_eq!((resolutions(&db), audit_entries(&db)), (1, 1));
        // HR sees both sections.
        let mut hr = service.signed_in("jinji").await;
        let page = hr.get("/discrepancies?month=2024-06&as_of=2024-06-14").await;
        assert!(page.body.contains(r#"id="open-count""#) && page.body.contains(r#"<b id="review-count">3</b>"#));
    }
}

#[actix_web::test]
async fn a_discrepancy_resolved_as_self_study_does_not_come_back_as_a_review_item() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        // A01 clocks out at 22:00 on 10 June; the PC stays on to 23:30: 90
        // minutes outside any row, a discrepancy.
        db.import_ok(
            ImportKind::Pclog,
            "staff_id,pc_name,logon,logoff\nA01,PC-3,2024-06-10 21:00:00,2024-06-10 23:30:00\n".as_bytes(),
        );
        assert_eq!(a01(&db).open_discrepancies, 1);
        let svc = db.spawn().await;
        let t = svc.token("jinji").await;
        let (status, body) = svc
            .call(
                test::TestRequest::post()
                    .uri("/api/v1/discrepancies/resolve")
                    .set_json(json!({
                        "staff_id": "A01", "date": "2024-06-10", "resolution": "self_study",
                        "reason": "学会発表の準備（本人申告、上司確認）"
                    })),
                Some(&t),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        // The confirmed self-study row now holds the 90 minutes of PC use
        // outside the schedule: the same decision resolves that item.
        let after = a01(&db);
        assert_eq!((after.open_discrepancies, after.open_pc_reviews), (0, 0), "{backend:?}");
        assert_eq!(after.self_study_excluded_minutes, 90);
        let (_, q) = svc
            .call(get("/api/v1/pc-reviews?month=2024-06&as_of=2024-06-14"), Some(&t))
            .await;
        assert_eq!(q["open"].as_array().unwrap().len(), 0, "{q}");
        assert_eq!(
            (&q["resolved"][0]["resolution"], &q["resolved"][0]["resolved_by"]),
            (&json!("self_study_confirmed"), &json!("jinji"))
        );
    }
}

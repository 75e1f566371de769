//! 研鑽の確認 (rules §2.3) on the screens: a manager confirms their
//! doctor's self-study (a new version, the old kept, the report's excluded
//! minutes rise), in bulk after a confirmation page; a doctor, a manager of
//! another department and a confirmer who is the doctor are refused; a
//! hostile reason is escaped. Both backends.

use crate::helpers::*;
use chrono::NaiveDateTime;
use kinmu::accounts::Role;
use kinmu::db::models::ShiftExtras;
use kinmu::db::queries;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

/// A01's declared self-study after work on 3, 4 and 5 June (60 min each,
/// outside the schedule), unconfirmed; their ids.
fn declare(db: &TestDb) -> Vec<i64> {
    add_self_study(
        db,
        &["2024-06-03", "2024-06-04", "2024-06-05"],
        ("22:00", "23:00"),
        ShiftExtras::default(),
    );
    let mut conn = db.conn();
    let a01 = queries::doctor_by_staff_id(&mut conn, "A01").unwrap().unwrap();
    let mut ids: Vec<i64> = queries::current_timecard(
        &mut conn,
        Some(&[a01.id]),
        at("2024-06-01 00:00"),
        at("2024-07-01 00:00"),
    )
    .unwrap()
    .into_iter()
    .filter(|(s, _, _)| s.kind == "self_study")
    .map(|(s, _, _)| s.id)
    .collect();
    ids.sort_unstable();
    assert_eq!(ids.len(), 3);
    ids
}

/// Confirms row `row` from the list `page` (the form as the page gives it).
async fn confirm_one<S: Service>(b: &mut Browser<'_, S>, page: &Page, row: &str) -> Page {
    let csrf = hidden(&page.body, "csrf");
    b.post(
        "/self-study/decide",
        &[
            ("csrf", &csrf),
            ("month", "2024-06"),
            ("row", row),
            ("decision", "confirm"),
            ("reason", "x"),
        ],
    )
    .await
}

fn excluded(db: &TestDb) -> i64 {
    let r = db.report("2024-06", "2024-06-14");
    r.doctors
        .iter()
        .find(|d| d.staff_id == "A01")
        .unwrap()
        .self_study_excluded_minutes
}

#[actix_web::test]
async fn a_manager_confirms_their_doctors_self_study_and_others_are_refused() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        add_people(
            &db,
            &[Person {
                staff_id: Some("A01"),
                ..person("jinji-a01", Role::Hr)
            }],
        );
        // An HR account of the same person made without the staff id: the
        // doctor's name, in another width of space.
        let same_person = kinmu::accounts::NewAccount {
            login: "jinji-aoki".into(),
            role: Role::Hr,
            name: Some("青木\u{3000}一郎".into()),
            staff_id: None,
            email: Some("aoki-hr@example.org".into()),
            department: None,
            trained_on: None,
            is_administrator: false,
            password: PASSWORD.into(),
        };
        kinmu::accounts::add_user(&mut db.conn(), &same_person, &Default::default(), None, now()).unwrap();
        let ids = declare(&db);
        let (one, two, three) = (ids[0].to_string(), ids[1].to_string(), ids[2].to_string());
        assert_eq!(excluded(&db), 0, "unconfirmed self-study counts");
        let service = db.spawn().await;

        // A doctor cannot reach the screen.
        let mut aoki = service.signed_in("aoki").await;
        assert_eq!(aoki.get("/self-study?month=2024-06").await.status, 403);

        // A manager of another department sees none of A01's rows and
        // cannot decide them.
        let mut other = service.signed_in("other-boss").await;
        let page = other.get("/self-study?month=2024-06").await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains(&format!(r#"data-row-id="{one}""#)));
        let refused = confirm_one(&mut other, &page, &one).await;
        assert_eq!(refused.status, 403, "{backend:?}");

        // HR who is the doctor themself is refused, clearly.
        let mut own = service.signed_in("jinji-a01").await;
        let page = own.get("/self-study?month=2024-06").await;
        let refused = confirm_one(&mut own, &page, &one).await;
        assert_eq!(refused.status, 403);
        assert!(
            refused.body.contains("本人の自己研鑽は本人が確認できません"),
            "{}",
            refused.body
        );
        // So is an account of another role whose name is the doctor's.
        let mut same = service.signed_in("jinji-aoki").await;
        let page = same.get("/self-study?month=2024-06").await;
        let refused = confirm_one(&mut same, &page, &one).await;
        assert_eq!(refused.status, 403, "{backend:?}");
        assert!(refused.body.contains("本人の自己研鑽は本人が確認できません"));
        assert_eq!(excluded(&db), 0);

        // A01's manager confirms one row: a new version, the old kept.
        let mut boss = service.signed_in("boss").await;
        // The next month's page points back to the rows still undecided.
        let july = boss.get("/self-study?month=2024-07").await;
        assert!(july.body.contains(r#"<b id="pending-count">0</b>"#), "{}", july.body);
        assert!(
            july.body
                .contains(r#"<a href="/self-study?month=2024-06" data-month="2024-06">2024-06（3件）</a>"#),
            "{}",
            july.body
        );
        let page = boss.get("/self-study?month=2024-06").await;
        assert!(!page.body.contains(r#"id="earlier""#), "nothing undecided before June");
        assert_eq!(page.status, 200);
        assert!(page.body.contains(r#"<b id="pending-count">3</b>"#), "{}", page.body);
        assert!(page.body.contains(r#"href="/self-study""#), "linked from the nav");
        let csrf = hidden(&page.body, "csrf");
        let done = boss
            .post(
                "/self-study/decide",
                &[
                    ("csrf", &csrf),
                    ("month", "2024-06"),
                    ("row", &one),
                    ("decision", "confirm"),
                    ("reason", "自主的な学習を確認"),
                ],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(excluded(&db), 60);
        assert_eq!(
            db.count_where(&format!(
                "SELECT COUNT(*) AS n FROM timecard_rows WHERE id = {one} AND superseded_at IS NOT NULL"
            )),
            1
        );
        assert_eq!(
            db.count_where(&format!(
                "SELECT COUNT(*) AS n FROM timecard_rows WHERE replaces_id = {one} AND version = 2 \
                 AND study_status = 'confirmed' AND confirmed_by = 'boss' AND superseded_at IS NULL"
            )),
            1
        );
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'self_study_confirm'"),
            1
        );
        // Decided once: a second decision on the old version is refused.
        let again = boss
            .post(
                "/self-study/decide",
                &[
                    ("csrf", &csrf),
                    ("month", "2024-06"),
                    ("row", &one),
                    ("decision", "reject"),
                    ("reason", "x"),
                ],
            )
            .await;
        assert_eq!(again.status, 409);

        // Bulk: a confirmation page with the count and minutes (the reason
        // escaped), then both confirmed.
        let hostile = "<script>alert(1)</script>";
        let bulk = format!("row_{two}");
        let bulk3 = format!("row_{three}");
        let summary = boss
            .post(
                "/self-study/bulk",
                &[
                    ("csrf", &csrf),
                    ("month", "2024-06"),
                    (&bulk, "1"),
                    (&bulk3, "1"),
                    ("reason", hostile),
                ],
            )
            .await;
        assert_eq!(summary.status, 200, "{}", summary.body);
        assert!(
            summary.body.contains("<b>2</b>")
                && summary.body.contains("<b>120</b>")
                && summary.body.contains(r#"<b id="excluded">120</b>"#),
            "{}",
            summary.body
        );
        assert!(
            !summary.body.contains(hostile) && summary.body.contains("script&#62;alert(1)"),
            "{}",
            summary.body
        );
        assert_eq!(excluded(&db), 60, "nothing before the confirmation");
        let rows = hidden(&summary.body, "rows");
        let done = boss
            .post(
                "/self-study/bulk",
                &[
                    ("csrf", &csrf),
                    ("month", "2024-06"),
                    ("rows", &rows),
                    ("reason", hostile),
                    ("go", "1"),
                ],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(excluded(&db), 180);
        let page = boss.get("/self-study?month=2024-06").await;
        assert!(page.body.contains(r#"<b id="pending-count">0</b>"#));
        assert!(!page.body.contains(hostile));
    }
}

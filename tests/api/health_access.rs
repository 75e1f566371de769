//! Health data per interview (issue 10, finding 2): every route that shows
//! an interview's pre-checks, check items, opinion or self-checks shows them
//! only to the doctor, their manager and the physician assigned to that
//! interview now — never to a physician of another interview of the same
//! doctor, one the interview was moved away from, or one never assigned.
//! HR and admin see the status only. On both backends.
//!
//! The hospital: A01 has a May interview held by kato, and a June interview
//! that was moved from kato to sato at the doctor's request and held by
//! sato. Each has its own opinion and pre-check, told apart by their text.

use crate::helpers::*;
use diesel::prelude::*;
use kinmu::accounts::Role;
use kinmu::db::models::{NewInterview, NewSelfCheck};
use kinmu::db::schema::{interviews, self_checks, users};
use kinmu::domain::time::YearMonth;
use kinmu::monitor::records::{self, InterviewInput, PreCheckInput};
use serde_json::json;

/// The distinctive health data of one interview, as each route shows it.
struct Marks {
    month: &'static str,
    /// The physician's opinion (every route).
    opinion: &'static str,
    /// The pre-check's 勤務の状況 (interview API and screen, print pack).
    precheck_text: &'static str,
    /// The pre-check's sleep as the doctor page shows it.
    precheck_sleep: &'static str,
}

const MAY: Marks = Marks {
    month: "2024-05",
    opinion: "OPINION-MAY-by-kato",
    precheck_text: "PRECHECK-MAY",
    precheck_sleep: "睡眠 341分",
};
const JUNE: Marks = Marks {
    month: "2024-06",
    opinion: "OPINION-JUNE-by-sato",
    precheck_text: "PRECHECK-JUNE",
    precheck_sleep: "睡眠 352分",
};

/// What one person sees of one interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    /// Health data included.
    Health,
    /// Who, when, status.
    Status,
    /// Not at all (404).
    Nothing,
}
use Seen::{Health, Nothing, Status};

/// Who sees what: (login, sees A01's page and month, May interview, June
/// interview).
const PEOPLE: [(&str, bool, Seen, Seen); 9] = [
    // Assigned to May; June was moved away from them.
    ("kato", true, Health, Nothing),
    // Assigned to June only; never to May.
    ("sato", true, Nothing, Health),
    // A trained physician never assigned to A01.
    ("never", false, Nothing, Nothing),
    ("untrained", false, Nothing, Nothing),
    // The doctor, their manager; another manager.
    ("aoki", true, Health, Health),
    ("boss", true, Health, Health),
    ("other-boss", false, Nothing, Nothing),
    // HR and admin: status only.
    ("jinji", true, Status, Status),
    ("kanri", true, Status, Status),
];

/// The interview as its doctor's page lists it: at least its status.
fn listed(page: bool, seen: Seen) -> Seen {
    match (page, seen) {
        (false, _) => Nothing,
        (true, Nothing) => Status,
        (true, s) => s,
    }
}

fn user_id(conn: &mut kinmu::db::AnyConnection, login: &str) -> i64 {
    users::table
        .filter(users::login.eq(login))
        .select(users::id)
        .first(conn)
        .unwrap()
}

fn at(day: &str, hm: (u32, u32)) -> chrono::NaiveDateTime {
    date(day).and_hms_opt(hm.0, hm.1, 0).unwrap()
}

fn precheck(marks: &Marks, sleep: i64) -> PreCheckInput {
    PreCheckInput {
        work_status: marks.precheck_text.into(),
        sleep_average_minutes: sleep,
        fatigue_symptom: "II".into(),
        fatigue_score: 2,
        mental_physical: format!("{} 心身", marks.precheck_text),
        doctor_requests_interview: false,
    }
}

fn held(on: &str, marks: &Marks) -> InterviewInput {
    InterviewInput {
        held_on: Some(date(on)),
        check_work: "外来・病棟".into(),
        check_sleep: "短い".into(),
        check_fatigue: "II".into(),
        check_mental_physical: "良好".into(),
        opinion: marks.opinion.into(),
        ..Default::default()
    }
}

/// Builds the hospital of this file; answers the ids of A01's May and June
/// interviews.
fn a01_with_two_interviews(db: &TestDb) -> (i64, i64) {
    hospital(db);
    let s = settings(db, None);
    run_daily(db, &s, "2024-06-14");
    let mut conn = db.conn();
    let conn: &mut kinmu::db::AnyConnection = &mut conn;
    let a01 = kinmu::db::queries::doctor_by_staff_id(conn, "A01").unwrap().unwrap();
    let june_month = YearMonth::parse("2024-06").unwrap();
    let may_month = YearMonth::parse("2024-05").unwrap();
    let june = records::list_interviews(conn, june_month, date("2024-06-14"))
        .unwrap()
        .into_iter()
        .find(|l| l.staff_id == "A01")
        .unwrap();
    assert_eq!(june.physician_login.as_deref(), Some("kato"));

    // Last month's interview, by kato.
    let kato = user_id(conn, "kato");
    diesel::insert_into(interviews::table)
        .values(&NewInterview {
            doctor_id: a01.id,
            month: "2024-05".into(),
            reason: "over_100".into(),
            reach_100_date: date("2024-05-24"),
            deadline: date("2024-05-23"),
            physician_id: Some(kato),
            created_at: at("2024-05-10", (5, 0)),
            reach_100_at: None,
            a_level_exception: None,
        })
        .execute(conn)
        .unwrap();
    let may: i64 = interviews::table
        .filter(interviews::doctor_id.eq(a01.id))
        .filter(interviews::month.eq("2024-05"))
        .select(interviews::id)
        .first(conn)
        .unwrap();
    records::record_precheck(
        conn,
        &s,
        &a01,
        may_month,
        &precheck(&MAY, 341),
        "boss",
        at("2024-05-15", (9, 0)),
    )
    .unwrap();
    records::record_interview(conn, may, &held("2024-05-20", &MAY), "kato", at("2024-05-20", (12, 0))).unwrap();

    // June: the doctor asks for another physician; sato takes it over.
    db.add_user("sato", Role::Physician, None, Some("2024-01-15"));
    let moved = records::reassign(conn, &s, june.id, at("2024-06-15", (9, 0))).unwrap();
    assert_eq!(moved.physician_id, Some(user_id(conn, "sato")));
    assert_eq!(moved.previous_physician_id, Some(kato));
    records::record_precheck(
        conn,
        &s,
        &a01,
        june_month,
        &precheck(&JUNE, 352),
        "boss",
        at("2024-06-16", (9, 0)),
    )
    .unwrap();
    records::record_interview(
        conn,
        june.id,
        &held("2024-06-20", &JUNE),
        "sato",
        at("2024-06-20", (12, 0)),
    )
    .unwrap();

    // The doctor's self-checks of both months (health data of each).
    for month in ["2024-05", "2024-06"] {
        diesel::insert_into(self_checks::table)
            .values(&NewSelfCheck {
                doctor_id: a01.id,
                month: month.into(),
                symptom: "II".into(),
                score: 2,
                sleep_average_minutes: 345,
                wants_interview: 0,
                answers: None,
                recorded_at: at(&format!("{month}-10"), (8, 0)),
                retention_until: date("2029-06-30"),
                checklist_version: "2004".into(),
            })
            .execute(conn)
            .unwrap();
    }

    // Added after the assignments, so never chosen.
    db.add_user("never", Role::Physician, None, Some("2024-01-15"));
    db.add_user("kanri", Role::Admin, None, None);
    (may, june.id)
}

/// Asserts that `body` shows the health data `texts` (the marks of one
/// interview that this route shows) exactly when `seen` is `Health`.
fn assert_health(body: &str, texts: &[&str], seen: Seen, what: &str) {
    for text in texts {
        assert_eq!(
            body.contains(text),
            seen == Health,
            "{what}: {text:?} should {}be shown ({seen:?}) in: {}",
            if seen == Health { "" } else { "not " },
            &body[..body.len().min(3000)]
        );
    }
}

#[actix_web::test]
async fn the_doctor_page_shows_each_interviews_health_data_only_to_its_physician_the_doctor_and_manager() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let (may, june) = a01_with_two_interviews(&db);
        let service = db.spawn().await;
        for (login, page, may_seen, june_seen) in PEOPLE {
            let (may_listed, june_listed) = (listed(page, may_seen), listed(page, june_seen));
            let what = |route: &str, month: &str| format!("{login} {route} {month} on {backend:?}");

            let mut b = service.signed_in(login).await;
            let screen = b.get("/doctors/A01?month=2024-06").await;
            assert_eq!(
                screen.status,
                if page { 200 } else { 404 },
                "{}",
                what("/doctors/A01", "")
            );
            if page {
                for (id, marks, seen, own) in [(may, &MAY, may_listed, may_seen), (june, &JUNE, june_listed, june_seen)]
                {
                    let what = what("/doctors/A01", marks.month);
                    assert_health(&screen.body, &[marks.opinion, marks.precheck_sleep], seen, &what);
                    // Every interview is listed; linked only where it opens.
                    let link = format!(r#"<td><a href="/interviews/{id}">{}</a></td>"#, marks.month);
                    let plain = format!(r#"<td>{}</td><td><span class="badge"#, marks.month);
                    assert_eq!(screen.body.contains(&link), own != Nothing, "{what}: linked");
                    assert_eq!(screen.body.contains(&plain), own == Nothing, "{what}: listed unlinked");
                }
            }
        }
    }
}

#[actix_web::test]
async fn the_doctor_month_api_shows_each_interviews_health_data_only_to_its_physician_the_doctor_and_manager() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let (may, june) = a01_with_two_interviews(&db);
        let service = db.spawn().await;
        for (login, page, may_seen, june_seen) in PEOPLE {
            let (may_listed, june_listed) = (listed(page, may_seen), listed(page, june_seen));
            let what = |route: &str, month: &str| format!("{login} {route} {month} on {backend:?}");
            let t = service.token(login).await;
            let (status, body) = service.get_json("/api/v1/doctors/A01/months/2024-06", Some(&t)).await;
            assert_eq!(status, if page { 200 } else { 404 }, "{}", what("doctor month API", ""));
            if page {
                let text = body.to_string();
                let both = [(may, &MAY, may_listed), (june, &JUNE, june_listed)];
                for (_, marks, seen) in both {
                    assert_health(
                        &text,
                        &[marks.opinion, marks.precheck_text],
                        seen,
                        &what("doctor month API", marks.month),
                    );
                }
                for (id, _, seen) in both {
                    let listed = body["interviews"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|i| i["id"] == json!(id))
                        .unwrap_or_else(|| panic!("{login}: interview {id} listed: {body}"));
                    assert_eq!(listed["health_data"], json!(seen == Health), "{login} {id}: {listed}");
                    assert_eq!(
                        listed.get("opinion").is_some(),
                        seen == Health,
                        "{login} {id}: {listed}"
                    );
                    assert_eq!(
                        listed.get("prechecks").is_some(),
                        seen == Health,
                        "{login} {id}: {listed}"
                    );
                }
                assert_eq!(
                    body["health_data"],
                    json!(may_listed == Health || june_listed == Health),
                    "{login}"
                );
            }
        }
    }
}

#[actix_web::test]
async fn the_interview_api_and_screen_show_health_data_only_to_the_interviews_own_physician_the_doctor_and_manager() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let (may, june) = a01_with_two_interviews(&db);
        let service = db.spawn().await;
        for (login, _, may_seen, june_seen) in PEOPLE {
            let mut b = service.signed_in(login).await;
            let t = service.token(login).await;
            for (id, marks, seen) in [(may, &MAY, may_seen), (june, &JUNE, june_seen)] {
                let what = |route: &str| format!("{login} {route} on {backend:?}");
                let want = if seen == Nothing { 404 } else { 200 };

                let (status, body) = service.get_json(&format!("/api/v1/interviews/{id}"), Some(&t)).await;
                assert_eq!(status, want, "{}: {body}", what(&format!("/api/v1/interviews/{id}")));
                if status == 200 {
                    assert_health(
                        &body.to_string(),
                        &[marks.opinion, marks.precheck_text],
                        seen,
                        &what(&format!("/api/v1/interviews/{id}")),
                    );
                }

                let screen = b.get(&format!("/interviews/{id}")).await;
                assert_eq!(screen.status, want, "{}", what(&format!("/interviews/{id}")));
                if screen.status == 200 {
                    assert_health(
                        &screen.body,
                        &[marks.opinion, marks.precheck_text, r#"id="self-checks""#],
                        seen,
                        &what(&format!("/interviews/{id}")),
                    );
                }
            }

            // A physician's list holds only the interviews assigned to them.
            if login == "kato" || login == "sato" {
                let list = b.get("/interviews").await;
                assert_eq!(list.status, 200);
                for (id, seen) in [(may, may_seen), (june, june_seen)] {
                    assert_eq!(
                        list.body.contains(&format!("/interviews/{id}\"")),
                        seen != Nothing,
                        "{login} /interviews lists {id}"
                    );
                }
            }
        }
    }
}

#[actix_web::test]
async fn the_print_pack_carries_health_data_only_for_the_manager_and_each_interviews_physician() {
    for backend in backends() {
        let db = TestDb::new(backend);
        a01_with_two_interviews(&db);
        let service = db.spawn().await;
        let query = "fy=2024&from=2024-05-01&to=2024-06-30";
        // (login, answer, health data of A01's May and June interviews in
        // it): a physician prints the doctors of their own interviews, with
        // their own interviews' records only (kato had May; June moved to
        // sato); one never assigned prints an empty pack.
        let expected = [
            ("kato", 200, Health, Status),
            ("sato", 200, Status, Health),
            ("never", 200, Nothing, Nothing),
            ("aoki", 403, Nothing, Nothing),
            ("jinji", 200, Status, Status),
            ("boss", 200, Health, Health),
            ("other-boss", 200, Nothing, Nothing),
            ("kanri", 200, Status, Status),
        ];
        for (login, want, may_seen, june_seen) in expected {
            let t = service.token(login).await;
            let (status, body) = service.get_json(&format!("/api/v1/inspection?{query}"), Some(&t)).await;
            assert_eq!(status, want, "{login} /api/v1/inspection on {backend:?}: {body}");
            let mut b = service.signed_in(login).await;
            let page = b.get(&format!("/print/pack?{query}")).await;
            assert_eq!(page.status, want, "{login} /print/pack on {backend:?}");
            if want != 200 {
                continue;
            }
            for (marks, seen) in [(&MAY, may_seen), (&JUNE, june_seen)] {
                for (text, route) in [
                    (body.to_string(), "/api/v1/inspection"),
                    (page.body.clone(), "/print/pack"),
                ] {
                    let what = format!("{login} {route} on {backend:?}");
                    // Outside the scope, the doctor is not in the pack at
                    // all; inside, the record shows or says 「記録あり」.
                    let seen = if seen == Nothing { Status } else { seen };
                    assert_health(&text, &[marks.opinion, marks.precheck_text], seen, &what);
                }
            }
            if may_seen == Nothing && june_seen == Nothing {
                assert!(!page.body.contains("青木 一郎"), "{login}: A01 is not in the pack");
            } else {
                assert!(page.body.contains("青木 一郎"), "{login}: A01 is in the pack");
            }
        }
    }
}

#[actix_web::test]
async fn measures_cases_on_the_doctor_page_and_month_follow_the_measures_rule_not_for_physicians() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let (_, june) = a01_with_two_interviews(&db);
        {
            let mut conn = db.conn();
            let conn: &mut kinmu::db::AnyConnection = &mut conn;
            let a01 = kinmu::db::queries::doctor_by_staff_id(conn, "A01").unwrap().unwrap();
            diesel::insert_into(kinmu::db::schema::measures::table)
                .values(&kinmu::db::models::NewMeasure {
                    doctor_id: a01.id,
                    month: "2024-06".into(),
                    reason: "over_155".into(),
                    interview_id: Some(june),
                    created_at: now(),
                })
                .execute(conn)
                .unwrap();
            let id: i64 = kinmu::db::schema::measures::table
                .filter(kinmu::db::schema::measures::doctor_id.eq(a01.id))
                .filter(kinmu::db::schema::measures::month.eq("2024-06"))
                .select(kinmu::db::schema::measures::id)
                .first(conn)
                .unwrap();
            let input = records::MeasureInput {
                shorter_hours: true,
                fewer_night_duties: false,
                other: true,
                other_text: Some("MEASURE-TEXT-A01".into()),
            };
            records::record_measures(conn, id, &input, "boss", now()).unwrap();
        }
        let service = db.spawn().await;
        for (login, page, _, _) in PEOPLE {
            if !page {
                continue;
            }
            let sees = !matches!(login, "kato" | "sato");
            let mut b = service.signed_in(login).await;
            let screen = b.get("/doctors/A01?month=2024-06").await;
            assert_eq!(screen.status, 200);
            assert_eq!(
                screen.body.contains("MEASURE-TEXT-A01"),
                sees,
                "{login} on {backend:?}: the measures text on the doctor page"
            );
            let token = service.token(login).await;
            let (status, body) = service
                .get_json("/api/v1/doctors/A01/months/2024-06", Some(&token))
                .await;
            assert_eq!(status, 200);
            let body = body.to_string();
            assert_eq!(
                body.contains("MEASURE-TEXT-A01"),
                sees,
                "{login} on {backend:?}: the measures text in the doctor-month API"
            );
        }
    }
}

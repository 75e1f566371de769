//! The work lists of issue 13 item 7, on both backends: HR's and the
//! administrator's 面接指導管理 screen and API with each filter, the
//! 予定日時 re-sending the invitation with a higher SEQUENCE, reassignment
//! among eligible physicians only, HR's print pack without health data,
//! and the administrator's accounts on screen.

use crate::helpers::*;
use actix_web::test as atest;
use kinmu::accounts::Role;
use kinmu::monitor::records;
use std::collections::BTreeSet;

/// The staff ids of the work list's rows of `kind` on a page.
fn rows_of(body: &str, kind: &str) -> BTreeSet<String> {
    body.split(&format!(r#"data-kind="{kind}""#))
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

/// The June of the test hospital, made to hold one case of each filter
/// as of the app's today: A01 reached 100 h without the interview (overdue)
/// and unscheduled; B02 due today, with
/// no physician; C03 held three days late with no opinion; C03's 155 h
/// measures case not recorded.
fn cases(db: &TestDb) -> (i64, i64, i64) {
    june(db);
    let today = db.app().settings.today();
    let (a01, b02, c03) = (
        interview_of(db, "A01"),
        interview_of(db, "B02"),
        interview_of(db, "C03"),
    );
    let mut conn = db.conn();
    let (c, _, _, _) = records::interview(&mut conn, c03).unwrap();
    let held = c.deadline + chrono::Duration::days(3);
    drop(conn);
    let mut conn = db.conn();
    use diesel::RunQueryDsl;
    diesel::sql_query(format!(
        "UPDATE interviews SET deadline = '{today}', physician_id = NULL WHERE id = {b02}"
    ))
    .execute(&mut conn)
    .unwrap();
    diesel::sql_query(format!(
        "UPDATE interviews SET held_on = '{held}', opinion = NULL WHERE id = {c03}"
    ))
    .execute(&mut conn)
    .unwrap();
    // A01 reached 100 h on 20 June (as a later daily run would have
    // recorded): overdue from that minute (rules §8.5), not merely past
    // its planning deadline.
    diesel::sql_query(format!(
        "UPDATE interviews SET reach_100_at = '2024-06-20 10:00:00', a_level_exception = 'none' WHERE id = {a01}"
    ))
    .execute(&mut conn)
    .unwrap();
    (a01, b02, c03)
}

#[actix_web::test]
async fn hr_and_the_administrator_see_every_case_and_each_filter_keeps_what_it_says() {
    for backend in backends() {
        let db = TestDb::new(backend);
        cases(&db);
        let service = db.spawn().await;
        for (login, want) in [
            ("jinji", 200),
            ("admin", 200),
            ("boss", 403),
            ("kato", 403),
            ("aoki", 403),
            ("", 303),
        ] {
            let mut b = service.browser_of(login).await;
            assert_eq!(b.get("/interviews/manage?month=2024-06").await.status, want, "{login}");
        }
        let want: [(&str, &[&str], &[&str]); 8] = [
            ("", &["A01", "B02", "C03"], &["C03"]),
            ("overdue", &["A01"], &[]),
            ("due_this_week", &["B02"], &[]),
            ("unassigned", &["B02"], &[]),
            ("unscheduled", &["A01", "B02"], &[]),
            ("awaiting_opinion", &["C03"], &[]),
            ("measures_unrecorded", &[], &["C03"]),
            ("violation", &["A01", "C03"], &[]),
        ];
        for login in ["jinji", "admin"] {
            let mut b = service.signed_in(login).await;
            for (filter, interviews, measures) in want {
                let page = b
                    .get(&format!("/interviews/manage?month=2024-06&filter={filter}"))
                    .await;
                assert_eq!(page.status, 200, "{filter}");
                assert_eq!(
                    rows_of(&page.body, "interview"),
                    set(interviews),
                    "{login} {filter} {backend:?}"
                );
                assert_eq!(rows_of(&page.body, "measures"), set(measures), "{login} {filter}");
                if !filter.is_empty() {
                    let n = interviews.len() + measures.len();
                    assert!(
                        page.body
                            .contains(&format!(r#"data-filter="{filter}" data-count="{n}""#)),
                        "{filter} counts {n}"
                    );
                }
                // Case facts only: no opinion, no check items.
                assert!(!page.body.contains("当直の削減"));
            }
            // The open cases of earlier months stay in sight; a month
            // before them has none.
            let july = b.get("/interviews/manage?month=2024-07").await;
            assert_eq!(rows_of(&july.body, "interview"), set(&["A01", "B02", "C03"]));
            let may = b.get("/interviews/manage?month=2024-05").await;
            assert!(rows_of(&may.body, "interview").is_empty() && may.body.contains("worklist-empty"));
            assert_eq!(b.get("/interviews/manage?filter=nonsense").await.status, 400);
        }
        // The API: the same cases, the same role rules.
        for login in ["jinji", "admin"] {
            let token = service.token(login).await;
            for (filter, interviews, measures) in want {
                let (status, body) = service
                    .get_json(&format!("/api/v1/worklist?month=2024-06&filter={filter}"), Some(&token))
                    .await;
                assert_eq!(status, 200, "{body}");
                let got = |kind: &str| -> BTreeSet<String> {
                    body["cases"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|c| c["kind"] == kind)
                        .map(|c| c["staff_id"].as_str().unwrap().to_string())
                        .collect()
                };
                assert_eq!(got("interview"), set(interviews), "api {login} {filter}");
                assert_eq!(got("measures"), set(measures), "api {login} {filter}");
                let text = body.to_string();
                assert!(
                    !text.contains(r#""opinion":"#) && !text.contains("check_work") && !text.contains("当直の削減"),
                    "no health data in the API list"
                );
            }
            let (status, _) = service.get_json("/api/v1/worklist?filter=x", Some(&token)).await;
            assert_eq!(status, 400);
        }
        for login in ["boss", "kato", "aoki"] {
            let token = service.token(login).await;
            let (status, _) = service.get_json("/api/v1/worklist?month=2024-06", Some(&token)).await;
            assert_eq!(status, 403, "{login}");
        }
    }
}

/// The `.ics` of the schedule mails queued for `to`, oldest first.
fn schedule_ics(db: &TestDb, to: &str) -> Vec<String> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        ics: Option<String>,
    }
    use diesel::RunQueryDsl;
    let rows: Vec<Row> = diesel::sql_query(format!(
        "SELECT ics FROM outbox WHERE reason = 'interview_scheduled' AND recipient = '{to}' ORDER BY id"
    ))
    .load(&mut db.conn())
    .unwrap();
    rows.into_iter().map(|r| r.ics.unwrap().replace("\r\n ", "")).collect()
}

fn uid_of(ics: &str) -> &str {
    let s = &ics[ics.find("UID:").unwrap()..];
    &s[..s.find("\r\n").unwrap()]
}

#[actix_web::test]
async fn a_scheduled_time_resends_the_invitation_with_a_higher_sequence() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let (a01, _, _) = cases(&db);
        let service = db.spawn().await;
        let today = service.app.settings.today();
        let later = today + chrono::Duration::days(3);
        let mut hr = service.signed_in("jinji").await;
        let page = hr.get(&format!("/interviews/{a01}/arrange")).await;
        assert_eq!(page.status, 200);
        let csrf = hidden(&page.body, "csrf");
        // A day before today is refused next to the field, nothing written.
        let yesterday = format!("{}T10:00", today - chrono::Duration::days(1));
        let refused = hr
            .post(
                &format!("/interviews/{a01}/schedule"),
                &[("csrf", &csrf), ("scheduled_at", &yesterday)],
            )
            .await;
        assert_eq!(refused.status, 400, "{}", &refused.body[..refused.body.len().min(300)]);
        assert!(refused.body.contains("schedule-error") && refused.body.contains("過去"));
        assert!(schedule_ics(&db, "kato@example.org").is_empty());
        let at = format!("{later}T14:30");
        let saved = hr
            .post(
                &format!("/interviews/{a01}/schedule"),
                &[("csrf", &csrf), ("scheduled_at", &at)],
            )
            .await;
        assert_eq!(saved.status, 303);
        let first = schedule_ics(&db, "kato@example.org");
        assert_eq!(first.len(), 1);
        assert!(first[0].contains("METHOD:REQUEST\r\n") && first[0].contains("SEQUENCE:1\r\n"));
        let doctor = schedule_ics(&db, "a01@example.org");
        assert_eq!(doctor.len(), 1, "the doctor gets it too");
        assert_eq!(uid_of(&doctor[0]), uid_of(&first[0]));
        // The arrange page and the work list show it.
        let shown = hr.get(&format!("/interviews/{a01}/arrange")).await;
        assert!(shown.body.contains(&format!("{later} 14:30")));
        let list = hr.get("/interviews/manage?month=2024-06&filter=unscheduled").await;
        assert_eq!(rows_of(&list.body, "interview"), set(&["B02"]));

        // The assigned physician changes it through the API: same UID,
        // SEQUENCE 2, to both again.
        let token = service.token("kato").await;
        let req = atest::TestRequest::post()
            .uri(&format!("/api/v1/interviews/{a01}/schedule"))
            .set_json(serde_json::json!({ "scheduled_at": format!("{later}T16:00") }));
        let (status, body) = service.call(req, Some(&token)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["sequence"], 2);
        let again = schedule_ics(&db, "kato@example.org");
        assert_eq!(again.len(), 2);
        assert!(again[1].contains("SEQUENCE:2\r\n"));
        assert_eq!(uid_of(&again[1]), uid_of(&first[0]));
        assert_eq!(schedule_ics(&db, "a01@example.org").len(), 2);

        // A manager does not set the time; a bad value is a 400.
        let boss = service.token("boss").await;
        let req = atest::TestRequest::post()
            .uri(&format!("/api/v1/interviews/{a01}/schedule"))
            .set_json(serde_json::json!({ "scheduled_at": format!("{later}T09:00") }));
        assert_eq!(service.call(req, Some(&boss)).await.0, 403);
        let req = atest::TestRequest::post()
            .uri(&format!("/api/v1/interviews/{a01}/schedule"))
            .set_json(serde_json::json!({ "scheduled_at": "tomorrow" }));
        assert_eq!(service.call(req, Some(&token)).await.0, 400);
        assert_eq!(schedule_ics(&db, "kato@example.org").len(), 2);
        // Each time set is in the access log with who set it.
        let logged = db.count_where(
            "SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'interview schedule' AND actor IN ('jinji', 'kato')",
        );
        assert_eq!(logged, 2);
    }
}

#[actix_web::test]
async fn reassignment_chooses_among_eligible_physicians_only() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let (a01, _, _) = cases(&db);
        db.add_user("sato", Role::Physician, None, Some("2023-04-01"));
        let ids: std::collections::HashMap<String, i64> = ["kato", "sato", "untrained", "director", "admin"]
            .iter()
            .map(|l| {
                let u = kinmu::accounts::user_by_login(&mut db.conn(), l).unwrap().unwrap();
                (l.to_string(), u.id)
            })
            .collect();
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        let page = hr.get(&format!("/interviews/{a01}/arrange")).await;
        assert_eq!(page.status, 200);
        let options = |body: &str| -> BTreeSet<i64> {
            body.split(r#"<option value=""#)
                .skip(1)
                .filter_map(|s| s[..s.find('"').unwrap()].parse().ok())
                .collect()
        };
        assert_eq!(
            options(&page.body),
            [ids["sato"]].into_iter().collect(),
            "only sato may take it"
        );
        let csrf = hidden(&page.body, "csrf");
        for who in ["untrained", "director", "kato", "admin"] {
            let refused = hr
                .post(
                    &format!("/interviews/{a01}/assign"),
                    &[("csrf", &csrf), ("physician", &ids[who].to_string())],
                )
                .await;
            assert_eq!(refused.status, 400, "{who}");
            assert!(refused.body.contains("assign-error"));
        }
        let physician = |db: &TestDb| records::interview(&mut db.conn(), a01).unwrap().0.physician_id;
        assert_eq!(physician(&db), Some(ids["kato"]));
        let done = hr
            .post(
                &format!("/interviews/{a01}/assign"),
                &[("csrf", &csrf), ("physician", &ids["sato"].to_string())],
            )
            .await;
        assert_eq!(done.status, 303);
        assert_eq!(physician(&db), Some(ids["sato"]));
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM outbox WHERE reason = 'interview_assigned' AND recipient = 'sato@example.org'"
            ),
            1
        );
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'interview assign' AND actor = 'jinji'"
            ),
            1
        );
        // The doctor asks for another one through the API: kato, whom the
        // interview was moved away from, is not offered, so none is left.
        let aoki = service.token("aoki").await;
        let (status, body) = service
            .get_json(&format!("/api/v1/interviews/{a01}/physicians"), Some(&aoki))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["physicians"].as_array().unwrap().len(), 0, "{body}");
        let req = atest::TestRequest::post()
            .uri(&format!("/api/v1/interviews/{a01}/assign"))
            .set_json(serde_json::json!({ "physician": "kato" }));
        let (status, body) = service.call(req, Some(&aoki)).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid")), "{body}");
        assert_eq!(physician(&db), Some(ids["sato"]));
        // A physician does not choose.
        let kato = service.token("sato").await;
        let req = atest::TestRequest::post()
            .uri(&format!("/api/v1/interviews/{a01}/assign"))
            .set_json(serde_json::json!({ "physician": "kato" }));
        assert_eq!(service.call(req, Some(&kato)).await.0, 403);
    }
}

#[actix_web::test]
async fn hr_opens_the_inspection_pack_without_health_data() {
    for backend in backends() {
        let db = TestDb::new(backend);
        prepared(&db);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        assert_eq!(hr.get("/print").await.status, 200);
        let pack = hr.get("/print/pack?fy=2024&from=2024-06-01&to=2024-06-30").await;
        assert_eq!(pack.status, 200);
        assert!(pack.body.contains("記録あり"), "the record exists");
        for health in [
            "当直の削減",
            "救急外来が多い",
            "疲労感あり",
            "連続勤務が続く（確認項目）",
        ] {
            assert!(!pack.body.contains(health), "{health} in HR's pack on {backend:?}");
        }
        // The manager's pack holds it: the words looked for are there.
        let mut boss = service.signed_in("boss").await;
        let managed = boss.get("/print/pack?fy=2024&from=2024-06-01&to=2024-06-30").await;
        assert!(managed.body.contains("当直の削減"));
        let token = service.token("jinji").await;
        let (status, body) = service
            .get_json("/api/v1/inspection?fy=2024&from=2024-06-01&to=2024-06-30", Some(&token))
            .await;
        assert_eq!(status, 200);
        assert!(!body.to_string().contains("当直の削減"));
    }
}

#[actix_web::test]
async fn the_administrator_adds_an_account_and_resets_a_password_on_screen() {
    for backend in backends() {
        let db = TestDb::new(backend);
        june(&db);
        let service = db.spawn().await;
        let mut hr = service.signed_in("jinji").await;
        assert_eq!(hr.get("/admin/users/new").await.status, 403);
        let mut admin = service.signed_in("admin").await;
        let form = admin.get("/admin/users/new").await;
        assert_eq!(form.status, 200);
        let csrf = hidden(&form.body, "csrf");
        let fields = |password: &'static str| {
            vec![
                ("login", "nakamura"),
                ("role", "physician"),
                ("name", "中村 <b>医師</b>"),
                ("email", "nakamura@example.org"),
                ("trained_on", "2024-04-01"),
                ("password", password),
                ("confirm", password),
            ]
        };
        let users = |db: &TestDb| db.count_where("SELECT COUNT(*) AS n FROM users WHERE login = 'nakamura'");
        // The CLI's password rules: refused next to the field, nothing written.
        let mut weak = fields("short");
        weak.push(("csrf", &csrf));
        let refused = admin.post("/admin/users/new", &weak).await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains("password-error") && refused.body.contains("文字以上"));
        assert!(
            refused.body.contains("中村 &#60;b&#62;医師&#60;/b&#62;") && !refused.body.contains("<b>医師"),
            "kept, escaped"
        );
        assert_eq!(users(&db), 0);
        let mut taken = fields(PASSWORD);
        taken[0] = ("login", "kato");
        taken.push(("csrf", &csrf));
        let refused = admin.post("/admin/users/new", &taken).await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains("login-error"));
        let mut ok = fields(PASSWORD);
        ok.push(("csrf", &csrf));
        let created = admin.post("/admin/users/new", &ok).await;
        assert_eq!(created.status, 303);
        assert_eq!(created.location.as_deref(), Some("/admin/users?done=create"));
        assert_eq!(users(&db), 1);
        let u = kinmu::accounts::user_by_login(&mut db.conn(), "nakamura")
            .unwrap()
            .unwrap();
        assert_eq!((u.role.as_str(), u.trained_on), ("physician", Some(date("2024-04-01"))));
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM audit_log WHERE category = 'account' AND operation = 'create' AND actor = 'admin'"
            ),
            1
        );
        service.signed_in("nakamura").await;

        // A reset: the old password no longer signs in, the new one does.
        let page = admin.get("/admin/users/nakamura/password").await;
        assert_eq!(page.status, 200);
        let new_password = "another-Horse-42!";
        let mismatch = admin
            .post(
                "/admin/users/nakamura/password",
                &[("csrf", &csrf), ("password", new_password), ("confirm", "other")],
            )
            .await;
        assert_eq!(mismatch.status, 422);
        let reset = admin
            .post(
                "/admin/users/nakamura/password",
                &[("csrf", &csrf), ("password", new_password), ("confirm", new_password)],
            )
            .await;
        assert_eq!(reset.status, 303);
        assert_eq!(service.browser().sign_in("nakamura", PASSWORD).await.status, 401);
        assert_eq!(service.browser().sign_in("nakamura", new_password).await.status, 303);
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM audit_log WHERE category = 'account' AND operation = 'reset_password' AND actor = 'admin'"
            ),
            1
        );
        assert_eq!(admin.get("/admin/users/nobody/password").await.status, 404);
        let csrf_hr = hr.get("/").await;
        let csrf_hr = hidden(&csrf_hr.body, "csrf");
        let forbidden = hr
            .post(
                "/admin/users/nakamura/password",
                &[
                    ("csrf", &csrf_hr),
                    ("password", new_password),
                    ("confirm", new_password),
                ],
            )
            .await;
        assert_eq!(forbidden.status, 403);
    }
}

#[actix_web::test]
async fn a_self_check_asking_for_an_interview_reaches_the_managers_list_and_the_outbox_once() {
    for backend in backends() {
        let db = TestDb::new(backend);
        june(&db);
        let service = db.spawn().await;
        let month = service.app.settings.today().format("%Y-%m").to_string();
        let mut aoki = service.signed_in("aoki").await;
        let page = aoki.get("/me/selfcheck").await;
        assert!(page.body.contains("2023") && page.body.contains("食欲がないと感じる"));
        assert!(!page.body.contains(r#"id="judgement""#), "nothing to judge yet");
        let csrf = hidden(&page.body, "csrf");
        // Every item of the 2023 edition: 14 symptom points (III), work 6 (C): 4.
        let mut fields: Vec<(String, String)> = (1..=14).map(|n| (format!("s{n}"), "1".into())).collect();
        fields.extend((1..=13).map(|n| (format!("w{n}"), if n == 1 || n == 4 { "3" } else { "0" }.to_string())));
        fields.extend([
            ("csrf".to_string(), csrf.clone()),
            ("sleep".into(), "7:00".into()),
            ("wants_interview".into(), "yes".into()),
        ]);
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let requests = |db: &TestDb| {
            db.count_where("SELECT COUNT(*) AS n FROM outbox WHERE reason = 'interview_requested' AND recipient = 'boss@example.org'")
        };
        assert_eq!(requests(&db), 0);
        for _ in 0..2 {
            assert_eq!(aoki.post("/me/selfcheck", &pairs).await.status, 303);
        }
        assert_eq!(requests(&db), 1, "mailed once however often the doctor asks");
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM self_checks WHERE checklist_version = '2023'"),
            2,
            "each answer stored with its edition"
        );
        // The doctor reads the judgement in words and sees the last answers again.
        let page = aoki.get("/me/selfcheck?saved=1").await;
        assert!(page.body.contains(r#"id="judgement""#));
        assert!(page.body.contains("疲労蓄積度 4 点") && page.body.contains("高いと考えられる"));
        assert!(page.body.contains("リスク要因があります") && page.body.contains("所属長"));
        assert!(page.body.contains(r#"id="prefilled""#));
        assert!(
            page.body.contains(r#"name="s14" value="1" checked"#),
            "the last answers are filled in"
        );
        // On the manager's list, not on another manager's.
        let mut boss = service.signed_in("boss").await;
        let list = boss.get(&format!("/interviews?month={month}")).await;
        assert!(
            list.body.contains(r#"data-action="requested" data-staff-id="A01""#),
            "{}",
            &list.body[..list.body.len().min(2000)]
        );
        let mut other = service.signed_in("other-boss").await;
        let list = other.get(&format!("/interviews?month={month}")).await;
        assert!(!list.body.contains(r#"data-action="requested""#));

        // The API: the same checklist, the same rule of one mail a month.
        let token = service.token("aoki").await;
        let (status, body) = service.get_json("/api/v1/me/selfcheck", Some(&token)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["checklist_version"], "2023");
        assert_eq!(body["items"].as_array().unwrap().len(), 27);
        assert_eq!(body["latest"]["score"], 4);
        let partial = atest::TestRequest::post()
            .uri("/api/v1/me/selfcheck")
            .set_json(serde_json::json!({ "s1": "1", "sleep": "7:00", "wants_interview": "yes" }));
        let (status, body) = service.call(partial, Some(&token)).await;
        assert_eq!(status, 400);
        assert!(body["message"].as_str().unwrap().contains("s2"), "{body}");
        let json: serde_json::Map<String, serde_json::Value> = fields
            .iter()
            .filter(|(k, _)| k != "csrf")
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        let req = atest::TestRequest::post()
            .uri("/api/v1/me/selfcheck")
            .set_json(serde_json::Value::Object(json));
        let (status, body) = service.call(req, Some(&token)).await;
        assert_eq!((status, body["mailed"].as_i64()), (200, Some(0)), "{body}");
        assert_eq!(requests(&db), 1);
        let boss_token = service.token("boss").await;
        assert_eq!(service.get_json("/api/v1/me/selfcheck", Some(&boss_token)).await.0, 403);
    }
}

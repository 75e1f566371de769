//! The screens of interview physicians, managers and doctors, walked
//! through as a browser would, on both backends: who may open which page,
//! the pre-check (with the A-level exception), the interview record, the
//! measures, the doctor's self-check that prefills the pre-check, CSRF, and
//! health data never shown to HR.

use crate::helpers::*;
use kinmu::accounts::Role;
use kinmu::domain::YearMonth;
use kinmu::monitor::records;

/// The id of a doctor's June measures case of `reason`.
fn measure_of(db: &TestDb, staff_id: &str, reason: &str) -> i64 {
    let mut conn = db.conn();
    records::list_measures(&mut conn, YearMonth::parse("2024-06").unwrap())
        .unwrap()
        .into_iter()
        .find(|(m, d)| d.staff_id == staff_id && m.reason == reason)
        .unwrap_or_else(|| panic!("no {reason} case for {staff_id}"))
        .0
        .id
}

fn excerpt(p: &Page) -> &str {
    &p.body[..p.body.len().min(400)]
}

fn with<'a>(mut form: Vec<(&'a str, &'a str)>, key: &'a str, value: &'a str) -> Vec<(&'a str, &'a str)> {
    form.retain(|(k, _)| *k != key);
    form.push((key, value));
    form
}

#[actix_web::test]
async fn every_screen_of_interviews_measures_and_self_checks_answers_each_role_as_the_rules_say() {
    for backend in backends() {
        let db = TestDb::new(backend);
        june(&db);
        let (a01, c03) = (interview_of(&db, "A01"), interview_of(&db, "C03"));
        let service = db.spawn().await;
        // 200 shown, 303 to sign-in, 403 not for this role, 404 not theirs to see.
        let routes = [
            "/interviews?month=2024-06".to_string(),
            format!("/interviews/{a01}"),
            format!("/interviews/{c03}"),
            "/measures?month=2024-06".to_string(),
            "/me/selfcheck".to_string(),
            "/prechecks/A01?month=2024-06".to_string(),
            "/prechecks/D04?month=2024-06".to_string(),
        ];
        let expected: [(&str, [u16; 7]); 9] = [
            ("admin", [403, 200, 200, 403, 403, 403, 403]),
            ("jinji", [403, 200, 200, 403, 403, 403, 403]),
            ("boss", [200, 200, 200, 200, 403, 200, 404]),
            ("other-boss", [200, 404, 404, 200, 403, 404, 200]),
            ("kato", [200, 200, 200, 403, 403, 403, 403]),
            ("untrained", [200, 404, 404, 403, 403, 403, 403]),
            ("director", [200, 404, 404, 403, 403, 403, 403]),
            ("aoki", [403, 200, 404, 403, 200, 403, 403]),
            ("", [303, 303, 303, 303, 303, 303, 303]),
        ];
        for (login, statuses) in expected {
            let mut b = service.browser_of(login).await;
            for (route, want) in routes.iter().zip(statuses) {
                let page = b.get(route).await;
                assert_eq!(page.status, want, "{login} {route} on {backend:?}: {}", excerpt(&page));
            }
        }
        // A bad month is a bad request, not a silent default.
        let mut boss = service.signed_in("boss").await;
        assert_eq!(boss.get("/interviews?month=2024-13").await.status, 400);
        assert_eq!(boss.get("/measures?month=June").await.status, 400);

        // The forms: a role that may see the interview but not do this is
        // refused (403); one that may not see it finds nothing (404).
        let posts: [(&str, String, u16); 9] = [
            ("kato", format!("/interviews/{a01}/precheck"), 403),
            ("jinji", format!("/interviews/{a01}/precheck"), 403),
            ("other-boss", format!("/interviews/{a01}/precheck"), 404),
            ("boss", format!("/interviews/{a01}/record"), 403),
            ("untrained", format!("/interviews/{a01}/record"), 404),
            ("kato", format!("/interviews/{a01}/reassign"), 403),
            ("jinji", format!("/interviews/{a01}/reassign"), 403),
            ("aoki", format!("/interviews/{c03}/reassign"), 404),
            ("boss", "/me/selfcheck".to_string(), 403),
        ];
        for (login, uri, want) in posts {
            let mut b = service.signed_in(login).await;
            let csrf = b.csrf(login).await;
            let page = b.post(&uri, &calm(&csrf)).await;
            assert_eq!(
                page.status,
                want,
                "{login} POST {uri} on {backend:?}: {}",
                excerpt(&page)
            );
        }
        let over_155 = measure_of(&db, "C03", "over_155");
        for (login, want) in [("kato", 403), ("jinji", 403), ("other-boss", 404)] {
            let mut b = service.signed_in(login).await;
            let csrf = b.csrf(login).await;
            let page = b
                .post(
                    &format!("/measures/{over_155}"),
                    &[
                        ("csrf", &csrf),
                        ("shorter_hours", "1"),
                        ("other_text", "外来を減らした"),
                    ],
                )
                .await;
            assert_eq!(page.status, want, "{login} POST /measures on {backend:?}");
        }

        // The physician's list: every month, their interviews only; the
        // deadlines of June 2024 have passed.
        let mut kato = service.signed_in("kato").await;
        let mine = kato.get("/interviews").await;
        for staff in ["A01", "B02", "C03"] {
            assert!(
                mine.body.contains(&format!(r#"data-staff-id="{staff}""#)),
                "{staff} in kato's list"
            );
        }
        assert!(mine.body.contains(r#"data-status="overdue""#) && mine.body.contains("期限超過"));
        let mut untrained = service.signed_in("untrained").await;
        let none = untrained.get("/interviews").await;
        assert!(
            !none.body.contains("data-interview-id"),
            "nothing assigned to untrained"
        );

        // The manager's list: their doctors, and what needs doing.
        let list = boss.get("/interviews?month=2024-06").await;
        assert!(list.body.contains("対応が必要な医師"));
        for staff in ["A01", "B02", "C03"] {
            assert!(
                list.body
                    .contains(&format!(r#"data-action="precheck" data-staff-id="{staff}""#)),
                "{staff} needs a pre-check: {}",
                list.body
            );
        }
        // C03 reached 100 h (actual) without the interview: overdue. A01 and
        // B02 are only projected to: their planning deadline has passed,
        // a reminder, not yet a violation (rules §8.5).
        assert!(list.body.contains(r#"data-action="overdue" data-staff-id="C03""#));
        for staff in ["A01", "B02"] {
            assert!(list
                .body
                .contains(&format!(r#"data-action="past_planning" data-staff-id="{staff}""#)));
        }
        assert!(list.body.contains(r#"data-action="measures" data-staff-id="C03""#));
        assert!(!list.body.contains(r#"data-staff-id="D04""#), "not boss's doctor");
        let mut other = service.signed_in("other-boss").await;
        let theirs = other.get("/interviews?month=2024-06").await;
        assert!(!theirs.body.contains("data-action="), "D04 works normal days");
        assert!(!theirs.body.contains(r#"data-staff-id="A01""#));
    }
}

#[actix_web::test]
async fn a_manager_records_the_pre_check_and_the_a_level_doctor_gets_the_later_deadline() {
    for backend in backends() {
        let db = TestDb::new(backend);
        june(&db);
        let (a01, b02) = (interview_of(&db, "A01"), interview_of(&db, "B02"));
        let service = db.spawn().await;
        let mut boss = service.signed_in("boss").await;
        let page = boss.get(&format!("/interviews/{a01}")).await;
        assert!(
            page.body.contains(r#"<b id="deadline">2024-06-27</b>"#),
            "{}",
            page.body
        );
        assert!(page.body.contains(r#"id="precheck-form""#), "the manager gets the form");
        assert!(
            !page.body.contains(r#"id="record-form""#),
            "the manager does not record the interview"
        );
        let csrf = hidden(&page.body, "csrf");

        // Refused: what cannot be read, and what breaks the record's rules.
        let bad = boss
            .post(
                &format!("/interviews/{a01}/precheck"),
                &with(calm(&csrf), "fatigue_score", "9"),
            )
            .await;
        assert_eq!(bad.status, 400);
        assert!(
            bad.body.contains("疲労蓄積度は 0〜7 で入力してください"),
            "{}",
            bad.body
        );
        assert!(bad.body.contains("外来と病棟"), "the form keeps what was typed");
        let no_wish: Vec<_> = calm(&csrf)
            .into_iter()
            .filter(|(k, _)| *k != "doctor_requests_interview")
            .collect();
        let bad = boss.post(&format!("/interviews/{a01}/precheck"), &no_wish).await;
        assert_eq!(bad.status, 400);
        assert!(
            bad.body.contains("本人の面接指導の希望"),
            "a missing wish is never read as no"
        );
        let bad = boss
            .post(
                &format!("/interviews/{a01}/precheck"),
                &with(calm(&csrf), "sleep", "seven"),
            )
            .await;
        assert_eq!(bad.status, 400);
        assert!(bad.body.contains("平均睡眠時間は「6:30」"));

        // No risk factor: A-level A01 may be interviewed after 100 h
        // (reached on the 28th, + 7 days); B-level B02 never.
        let saved = boss.post(&format!("/interviews/{a01}/precheck"), &calm(&csrf)).await;
        assert_eq!(saved.status, 303, "{}", excerpt(&saved));
        assert_eq!(
            saved.location.as_deref(),
            Some(format!("/interviews/{a01}?saved=1").as_str())
        );
        let page = boss.get(saved.location.as_deref().unwrap()).await;
        assert!(page.body.contains("保存しました"));
        assert!(
            page.body.contains(r#"<b id="deadline">2024-07-05</b>"#),
            "{}",
            page.body
        );
        assert!(page.body.contains("A水準の例外"));
        assert!(
            page.body.contains("外来と病棟") && page.body.contains("7:00"),
            "the pre-check is listed"
        );
        // Who recorded it, by name: the record keeps the login.
        assert!(page.body.contains("<td>boss 先生</td>"), "{}", page.body);
        let saved = boss.post(&format!("/interviews/{b02}/precheck"), &calm(&csrf)).await;
        assert_eq!(saved.status, 303);
        let page = boss.get(&format!("/interviews/{b02}")).await;
        assert!(
            page.body.contains(r#"<b id="deadline">2024-06-27</b>"#),
            "{}",
            page.body
        );
        assert!(!page.body.contains("A水準の例外"));

        // A pre-check before any interview: other-boss for D04.
        let mut other = service.signed_in("other-boss").await;
        let page = other.get("/prechecks/D04?month=2024-06").await;
        let csrf = hidden(&page.body, "csrf");
        let saved = other.post("/prechecks/D04?month=2024-06", &calm(&csrf)).await;
        assert_eq!(saved.status, 303);
        assert_eq!(saved.location.as_deref(), Some("/prechecks/D04?month=2024-06&saved=1"));
        let page = other.get("/prechecks/D04?month=2024-06&saved=1").await;
        assert!(page.body.contains("保存しました") && page.body.contains("外来と病棟"));

        // No CSRF token, or another one: 403, and nothing is written.
        let mut forged = calm("");
        forged.retain(|(k, _)| *k != "csrf");
        assert_eq!(
            boss.post(&format!("/interviews/{b02}/precheck"), &forged).await.status,
            403
        );
        assert_eq!(
            boss.post(&format!("/interviews/{b02}/precheck"), &calm("forged"))
                .await
                .status,
            403
        );
        assert_eq!(boss.post("/prechecks/A01?month=2024-06", &forged).await.status, 403);
        let mut conn = db.conn();
        let b02_checks = records::interview(&mut conn, b02).unwrap().2;
        assert_eq!(b02_checks.len(), 1, "only the pre-check with its token was written");
    }
}

#[actix_web::test]
async fn the_physician_records_the_interview_and_hr_never_sees_the_opinion() {
    for backend in backends() {
        let db = TestDb::new(backend);
        june(&db);
        let a01 = interview_of(&db, "A01");
        let service = db.spawn().await;
        let mut kato = service.signed_in("kato").await;
        let page = kato.get(&format!("/interviews/{a01}")).await;
        assert!(page.body.contains(r#"id="record-form""#), "{}", page.body);
        assert!(
            !page.body.contains(r#"id="precheck-form""#),
            "the physician does not pre-check"
        );
        assert!(!page.body.contains(r#"id="reassign-form""#), "nor reassign");
        let csrf = hidden(&page.body, "csrf");
        assert_eq!(
            kato.post(&format!("/interviews/{a01}/record"), &held("", "意見", "2024-06-20"))
                .await
                .status,
            403,
            "no token"
        );
        let mut no_class = held(&csrf, "  ", "2024-06-20");
        no_class.retain(|(k, _)| *k != "work_class");
        let bad = kato.post(&format!("/interviews/{a01}/record"), &no_class).await;
        assert_eq!(bad.status, 400);
        assert!(
            bad.body.contains(r#"data-error="work_class">就業区分を選んでください"#),
            "the message stands next to its field: {}",
            bad.body
        );
        assert!(bad.body.contains("当直が多い"), "the form keeps what was typed");
        let bad = kato
            .post(&format!("/interviews/{a01}/record"), &held(&csrf, "意見", "2099-01-01"))
            .await;
        assert_eq!(bad.status, 400);
        assert!(bad.body.contains("実施日が未来の日付です"));

        let saved = kato
            .post(
                &format!("/interviews/{a01}/record"),
                &held(&csrf, "当直回数の削減が望ましい<script>", "2024-06-20"),
            )
            .await;
        assert_eq!(saved.status, 303, "{}", excerpt(&saved));
        let page = kato.get(&format!("/interviews/{a01}?saved=1")).await;
        assert!(page.body.contains("保存しました"));
        assert!(page.body.contains(r#"data-status="done""#));
        assert!(page.body.contains("当直回数の削減が望ましい&#60;script&#62;") && !page.body.contains("<script>"));
        assert!(page.body.contains("2029-06-20"), "kept five years");
        assert!(!page.body.contains(r#"id="record-form""#), "recorded once");
        let again = kato
            .post(
                &format!("/interviews/{a01}/record"),
                &held(&csrf, "別の意見", "2024-06-21"),
            )
            .await;
        assert_eq!(again.status, 409);
        assert!(again.body.contains("記録済みです"));

        // The doctor and the manager see the opinion; HR and admin see
        // that it was held, never what was said.
        for login in ["aoki", "boss"] {
            let mut b = service.signed_in(login).await;
            let page = b.get(&format!("/interviews/{a01}")).await;
            assert!(
                page.body.contains("当直回数の削減が望ましい"),
                "{login} sees the opinion"
            );
        }
        for login in ["jinji", "admin"] {
            let mut b = service.signed_in(login).await;
            let page = b.get(&format!("/interviews/{a01}")).await;
            assert_eq!(page.status, 200);
            assert!(page.body.contains(r#"data-status="done""#), "{login} sees the status");
            for health in [
                "当直回数の削減が望ましい",
                "当直が多い",
                "平均6時間",
                "事前確認（所属長）",
                "セルフチェック",
            ] {
                assert!(!page.body.contains(health), "{login} must not see {health}");
            }
        }
    }
}

#[actix_web::test]
async fn the_manager_records_measures_and_over_155_hours_they_must_shorten_hours() {
    for backend in backends() {
        let db = TestDb::new(backend);
        june(&db);
        let over_155 = measure_of(&db, "C03", "over_155");
        let service = db.spawn().await;
        let mut boss = service.signed_in("boss").await;
        let page = boss.get("/measures?month=2024-06").await;
        assert_eq!(page.status, 200);
        let case = format!(r#"data-measure-id="{over_155}" data-staff-id="C03""#);
        assert!(page.body.contains(&case), "{}", page.body);
        assert!(page.body.contains("必須"), "over 155 h is marked mandatory");
        assert!(page.body.contains(&format!(r#"action="/measures/{over_155}""#)));
        let csrf = hidden(&page.body, "csrf");
        let uri = format!("/measures/{over_155}");

        assert_eq!(boss.post(&uri, &[("shorter_hours", "1")]).await.status, 403, "no token");
        let fewer = boss
            .post(&uri, &[("csrf", &csrf), ("other", "1"), ("other_text", "面談を増やす")])
            .await;
        assert_eq!(fewer.status, 400);
        assert!(
            fewer
                .body
                .contains("155時間超のため労働時間を短縮する措置（労働時間の短縮または宿直の回数の減少）が必要です"),
            "{}",
            fewer.body
        );
        assert!(fewer.body.contains("面談を増やす"), "the form keeps what was typed");
        let nothing = boss.post(&uri, &[("csrf", &csrf)]).await;
        assert_eq!(nothing.status, 400);

        let saved = boss
            .post(
                &uri,
                &[("csrf", &csrf), ("shorter_hours", "1"), ("fewer_night_duties", "1")],
            )
            .await;
        assert_eq!(saved.status, 400, "what was done is required: {}", excerpt(&saved));
        assert!(
            saved.body.contains("講じた措置の具体的内容を入力してください"),
            "{}",
            excerpt(&saved)
        );
        let typed = [
            ("csrf", csrf.as_str()),
            ("shorter_hours", "1"),
            ("fewer_night_duties", "1"),
            ("other_text", "8月の当直を4回から2回に減らし、外来を週1コマ減らした"),
        ];
        // 「確認」 shows what will be saved, and saves nothing.
        let confirm = boss.post(&uri, &typed).await;
        assert_eq!(confirm.status, 200, "{}", excerpt(&confirm));
        assert!(confirm.body.contains("data-confirm") && confirm.body.contains(r#"value="save""#));
        let page = boss.get("/measures?month=2024-06").await;
        assert!(
            page.body.contains(&format!(r#"action="/measures/{over_155}""#)),
            "still open"
        );
        // 「確定」 saves.
        let mut save = typed.to_vec();
        save.push(("step", "save"));
        let saved = boss.post(&uri, &save).await;
        assert_eq!(saved.status, 303, "{}", excerpt(&saved));
        assert!(saved
            .location
            .as_deref()
            .unwrap()
            .starts_with("/measures?month=2024-06&saved=1"));
        let page = boss.get("/measures?month=2024-06&saved=1").await;
        assert!(page.body.contains("保存しました"));
        assert!(
            !page.body.contains(&format!(r#"action="/measures/{over_155}""#)),
            "shown read-only"
        );
        assert!(
            page.body.contains("保存期限"),
            "kept five years from the day it was recorded"
        );
        assert!(
            page.body.contains("8月の当直を4回から2回に減らし"),
            "the text is shown with the record"
        );
        let again = boss
            .post(&uri, &[("csrf", &csrf), ("shorter_hours", "1"), ("other_text", "x")])
            .await;
        assert_eq!(again.status, 409);
        assert!(again.body.contains("記録済みです"));

        // Recorded: no longer on the manager's list of things to do.
        let list = boss.get("/interviews?month=2024-06").await;
        assert!(!list.body.contains(r#"data-action="measures" data-staff-id="C03""#));
        // other-boss sees none of it.
        let mut other = service.signed_in("other-boss").await;
        assert!(!other.get("/measures?month=2024-06").await.body.contains("C03"));
    }
}

#[actix_web::test]
async fn the_doctors_self_check_prefills_the_managers_pre_check() {
    for backend in backends() {
        let db = TestDb::new(backend);
        june(&db);
        let a01 = interview_of(&db, "A01");
        let service = db.spawn().await;
        let mut aoki = service.signed_in("aoki").await;
        let page = aoki.get("/me/selfcheck").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("イライラする") && page.body.contains("深夜勤務に伴う負担"));
        let csrf = hidden(&page.body, "csrf");
        assert_eq!(
            aoki.post(
                "/me/selfcheck",
                &[
                    ("symptom", "I"),
                    ("score", "0"),
                    ("sleep", "7:00"),
                    ("wants_interview", "no")
                ]
            )
            .await
            .status,
            403,
            "no token"
        );
        let partial = aoki
            .post(
                "/me/selfcheck",
                &[
                    ("csrf", &csrf),
                    ("s1", "1"),
                    ("sleep", "7:00"),
                    ("wants_interview", "no"),
                ],
            )
            .await;
        assert_eq!(partial.status, 400);
        assert!(partial.body.contains("全項目に回答してください"));
        // The unanswered items are marked, the answered one not.
        assert!(partial.body.contains(r#"data-unanswered="s2""#) && partial.body.contains(r#"data-unanswered="w13""#));
        assert!(!partial.body.contains(r#"data-unanswered="s1""#));

        // The checklist (2023 edition), scored: 14 symptom points (III),
        // work 6 points (C): 4.
        let mut checklist: Vec<(String, String)> = (1..=14).map(|n| (format!("s{n}"), "1".into())).collect();
        checklist.extend((1..=13).map(|n| (format!("w{n}"), if n == 1 || n == 4 { "3" } else { "0" }.to_string())));
        checklist.extend([
            ("csrf".to_string(), csrf.clone()),
            ("sleep".into(), "６：４５".into()),
            ("wants_interview".into(), "no".into()),
        ]);
        let pairs: Vec<(&str, &str)> = checklist.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let saved = aoki.post("/me/selfcheck", &pairs).await;
        assert_eq!(saved.status, 303, "{}", excerpt(&saved));
        assert_eq!(saved.location.as_deref(), Some("/me/selfcheck?saved=1"));
        let page = aoki.get("/me/selfcheck?saved=1").await;
        assert!(page.body.contains("保存しました"));
        assert!(
            page.body.contains("<td>III</td>") && page.body.contains("6:45"),
            "{}",
            page.body
        );

        // The self-check belongs to the month it is entered in; place it in
        // June 2024, the month of the interview, as if entered then.
        {
            use diesel::prelude::*;
            use kinmu::db::schema::self_checks;
            let mut conn = db.conn();
            let conn: &mut kinmu::db::AnyConnection = &mut conn;
            diesel::update(self_checks::table)
                .set((
                    self_checks::month.eq("2024-06"),
                    self_checks::recorded_at.eq(date("2024-06-15").and_hms_opt(8, 0, 0).unwrap()),
                ))
                .execute(conn)
                .unwrap();
        }

        // The manager's form is prefilled from it; the physician sees it;
        // HR does not.
        let mut boss = service.signed_in("boss").await;
        let page = boss.get(&format!("/interviews/{a01}")).await;
        for prefilled in [
            r#"name="sleep" value="6:45""#,
            r#"<option value="III" selected>"#,
            r#"<option value="4" selected>"#,
            r#"value="no" checked"#,
            "本人のセルフチェック（2024-06-15 08:00 入力）の結果を入力済みです",
        ] {
            assert!(page.body.contains(prefilled), "{prefilled} in {}", page.body);
        }
        let mut kato = service.signed_in("kato").await;
        let seen = kato.get(&format!("/interviews/{a01}")).await;
        assert!(seen.body.contains(r#"id="self-checks""#) && seen.body.contains("6:45"));
        let mut jinji = service.signed_in("jinji").await;
        let hidden_from_hr = jinji.get(&format!("/interviews/{a01}")).await;
        assert!(!hidden_from_hr.body.contains("self-checks") && !hidden_from_hr.body.contains("6:45"));

        // Saved as prefilled: score 4 is a risk factor, so even A-level A01
        // keeps the deadline before 100 h.
        let csrf = hidden(&page.body, "csrf");
        let saved = boss
            .post(
                &format!("/interviews/{a01}/precheck"),
                &[
                    ("csrf", csrf.as_str()),
                    ("work_status", "外来"),
                    ("sleep", "6:45"),
                    ("fatigue_symptom", "III"),
                    ("fatigue_score", "4"),
                    ("mental_physical", "疲れ気味"),
                    ("doctor_requests_interview", "no"),
                ],
            )
            .await;
        assert_eq!(saved.status, 303);
        let page = boss.get(&format!("/interviews/{a01}")).await;
        assert!(
            page.body.contains(r#"<b id="deadline">2024-06-27</b>"#),
            "{}",
            page.body
        );

        // Asking for another physician: the doctor may, but kato is the
        // only trained one.
        let page = aoki.get(&format!("/interviews/{a01}")).await;
        assert!(page.body.contains(r#"id="reassign-form""#));
        let csrf = hidden(&page.body, "csrf");
        // The first press asks: who is assigned now, what will happen.
        let asked = aoki
            .post(&format!("/interviews/{a01}/reassign"), &[("csrf", &csrf)])
            .await;
        assert_eq!(asked.status, 200);
        assert!(asked.body.contains("面接指導実施医師の変更の確認"), "{}", asked.body);
        assert!(asked.body.contains("kato"), "the current physician is named");
        assert!(asked.body.contains("期限は変わりません"));
        let go = [("csrf", csrf.as_str()), ("go", "1")];
        let refused = aoki.post(&format!("/interviews/{a01}/reassign"), &go).await;
        assert_eq!(refused.status, 409);
        assert!(refused
            .body
            .contains("交代できる研修修了済みの面接指導実施医師がいません"));
        db.add_user("suzuki", Role::Physician, None, Some("2023-04-01"));
        let moved = aoki.post(&format!("/interviews/{a01}/reassign"), &go).await;
        assert_eq!(moved.status, 303);
        let page = aoki.get(&format!("/interviews/{a01}?saved=1")).await;
        assert!(page.body.contains("suzuki"), "{}", page.body);
        assert_eq!(
            kato.get(&format!("/interviews/{a01}")).await.status,
            404,
            "no longer kato's"
        );
    }
}

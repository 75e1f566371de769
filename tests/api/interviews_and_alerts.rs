//! Interviews before 100 h, measures over 155 h, and alerts that arrive
//! exactly once — against a real SMTP server
//! (tests/api/helpers/smtp_sink.rs) on both backends.

use crate::helpers::*;
use kinmu::accounts::Role;
use kinmu::monitor::mailer::Mailer;
use kinmu::monitor::{daily, records};

fn interviews(db: &TestDb) -> Vec<records::InterviewLine> {
    let mut conn = db.conn();
    records::list_interviews(
        &mut conn,
        kinmu::domain::YearMonth::parse("2024-06").unwrap(),
        date("2024-06-14"),
    )
    .unwrap()
}

/// (recipient, decoded subject) of every message the sink received.
fn received(sink: &SmtpSink) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = sink
        .messages()
        .iter()
        .flat_map(|m| m.to.iter().map(move |t| (t.clone(), m.subject_decoded())))
        .collect();
    v.sort();
    v
}

#[test]
fn the_daily_job_opens_interviews_with_their_deadline_and_a_trained_physician_and_mails_each_person_once() {
    each_backend(|db| {
        hospital(db);
        let sink = SmtpSink::start();
        let s = settings(db, Some(&sink));
        let first = run_daily(db, &s, "2024-06-14");
        // A01 and B02 are projected over 100 h; C03 is already over it.
        assert_eq!(first.interviews_scheduled, 3, "{first:?}");
        assert_eq!(first.measures_opened, 1);
        let lines = interviews(db);
        let by: std::collections::HashMap<&str, &records::InterviewLine> =
            lines.iter().map(|l| (l.staff_id.as_str(), l)).collect();
        assert_eq!(by["A01"].deadline, date("2024-06-27"));
        assert_eq!(by["A01"].reach_100_date, date("2024-06-28"));
        assert_eq!(by["A01"].reason, "projected_over_100");
        assert_eq!(by["C03"].reason, "over_100");
        assert!(!by.contains_key("D04"));
        // Only kato is trained and not the hospital's 管理者.
        assert!(
            lines.iter().all(|l| l.physician_login.as_deref() == Some("kato")),
            "{lines:#?}"
        );

        let mails = received(&sink);
        assert_eq!(first.alerts_sent, mails.len());
        assert_eq!(first.alerts_queued, mails.len());
        let to = |who: &str| mails.iter().filter(|(t, _)| t == who).count();
        assert_eq!(to("kato@example.org"), 3, "one assignment per interview: {mails:#?}");
        assert_eq!(to("a01@example.org"), 1);
        assert_eq!(to("c03@example.org"), 1);
        assert_eq!(to("d04@example.org"), 0);
        assert_eq!(to("untrained@example.org") + to("director@example.org"), 0);
        // The manager: a pre-check request per doctor, measures for C03, and
        // C03 is overdue already (over 100 h before any interview).
        assert_eq!(to("boss@example.org"), 5, "{mails:#?}");
        assert!(
            mails
                .iter()
                .any(|(t, subj)| t == "kato@example.org" && subj.contains("青木 一郎") && subj.contains("2024")),
            "{mails:#?}"
        );
        let assignment = sink
            .messages()
            .into_iter()
            .find(|m| m.to == ["kato@example.org"])
            .unwrap();
        assert!(
            assignment.data.contains("text/calendar"),
            "the physician's mail carries an .ics invitation"
        );

        // The same day again: nothing new is opened, queued or sent.
        let again = run_daily(db, &s, "2024-06-14");
        assert_eq!(
            (
                again.interviews_scheduled,
                again.alerts_queued,
                again.alerts_sent,
                again.measures_opened
            ),
            (0, 0, 0, 0)
        );
        assert_eq!(received(&sink), mails);
    });
}

#[test]
fn a_dead_smtp_server_loses_no_mail_and_the_next_run_delivers_each_once() {
    each_backend(|db| {
        hospital(db);
        let mut sink = SmtpSink::start();
        let s = settings(db, Some(&sink));
        sink.stop();
        let first = run_daily(db, &s, "2024-06-14");
        assert!(first.alerts_queued > 0);
        assert_eq!(first.alerts_sent, 0);
        assert_eq!(first.alerts_failed, first.alerts_queued);
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM outbox WHERE status = 'queued' AND attempts = 1 AND last_error IS NOT NULL"
            ),
            first.alerts_queued as i64
        );
        sink.restart();
        let second = run_daily(db, &s, "2024-06-14");
        assert_eq!(second.alerts_queued, 0);
        assert_eq!(second.alerts_sent, first.alerts_queued);
        assert_eq!(sink.messages().len(), first.alerts_queued);
        let third = run_daily(db, &s, "2024-06-15");
        assert_eq!(third.alerts_sent, 0);
        assert_eq!(sink.messages().len(), first.alerts_queued);
    });
}

#[test]
fn two_daily_runs_at_the_same_time_open_and_send_nothing_twice() {
    each_backend(|db| {
        hospital(db);
        let sink = SmtpSink::start();
        let s = settings(db, Some(&sink));
        let runs: Vec<daily::DailySummary> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..2)
                .map(|_| scope.spawn(|| run_daily(db, &s, "2024-06-14")))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(
            runs.iter().map(|r| r.interviews_scheduled).sum::<usize>(),
            3,
            "{runs:?}"
        );
        let queued: usize = runs.iter().map(|r| r.alerts_queued).sum();
        let sent: usize = runs.iter().map(|r| r.alerts_sent).sum();
        assert_eq!(sent, queued);
        let mails = received(&sink);
        let mut unique = mails.clone();
        unique.dedup();
        assert_eq!(mails.len(), queued);
        assert_eq!(unique, mails, "a mail was sent twice");
        assert_eq!(interviews(db).len(), 3);
    });
}

#[test]
fn untrained_physicians_and_the_hospitals_administrator_are_never_assigned() {
    each_backend(|db| {
        doctors_and_june(db);
        add_people(db, &UNQUALIFIED);
        let sink = SmtpSink::start();
        let s = settings(db, Some(&sink));
        run_daily(db, &s, "2024-06-14");
        let lines = interviews(db);
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.physician_login.is_none()), "{lines:#?}");
        assert!(received(&sink)
            .iter()
            .all(|(to, _)| to != "untrained@example.org" && to != "director@example.org"));
    });
}

/// Runs an API call (GET, or POST with a JSON body) through the real
/// routes and returns (status, JSON).
async fn call<S: Service>(
    service: &TestApp<S>,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    use actix_web::test;
    let mut req = match method {
        "POST" => test::TestRequest::post(),
        _ => test::TestRequest::get(),
    }
    .uri(uri);
    if let Some(b) = body {
        req = req.set_json(b);
    }
    service.call(req, token).await
}

#[actix_web::test]
async fn a_month_walked_through_the_api_pre_check_interview_and_measures_with_role_rules() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let s = settings(&db, None);
        run_daily(&db, &s, "2024-06-14");
        let app = kinmu::app::App::open(s.clone()).unwrap();
        let service = spawn_with(app).await;
        let mut tokens = std::collections::HashMap::new();
        for login in ["kato", "boss", "other-boss", "jinji", "aoki", "untrained"] {
            tokens.insert(login, service.token(login).await);
        }
        let t = |login: &str| tokens[login].clone();
        let (status, _) = call(
            &service,
            "POST",
            "/api/v1/sessions",
            None,
            Some(serde_json::json!({"login": "kato", "password": "wrong-password"})),
        )
        .await;
        assert_eq!(status, 401);
        let (status, _) = call(&service, "GET", "/api/v1/interviews?month=2024-06", None, None).await;
        assert_eq!(status, 401);

        // Who sees which interviews.
        let list = |body: &serde_json::Value| -> Vec<String> {
            body["interviews"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["staff_id"].as_str().unwrap().to_string())
                .collect()
        };
        let (_, all) = call(
            &service,
            "GET",
            "/api/v1/interviews?month=2024-06",
            Some(&t("jinji")),
            None,
        )
        .await;
        assert_eq!(list(&all), vec!["A01", "B02", "C03"]);
        let (_, mine) = call(
            &service,
            "GET",
            "/api/v1/interviews?month=2024-06",
            Some(&t("aoki")),
            None,
        )
        .await;
        assert_eq!(list(&mine), vec!["A01"]);
        let (_, others) = call(
            &service,
            "GET",
            "/api/v1/interviews?month=2024-06",
            Some(&t("other-boss")),
            None,
        )
        .await;
        assert!(list(&others).is_empty());
        let (_, none) = call(
            &service,
            "GET",
            "/api/v1/interviews?month=2024-06",
            Some(&t("untrained")),
            None,
        )
        .await;
        assert!(list(&none).is_empty());
        let id_of = |who: &str| {
            all["interviews"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["staff_id"] == who)
                .unwrap()["id"]
                .as_i64()
                .unwrap()
        };
        let (a01, b02, c03) = (id_of("A01"), id_of("B02"), id_of("C03"));

        // The manager's pre-check: no risk factor. A-level A01 gets the later
        // deadline (reached on the 28th + 7 days); B-level B02 never does.
        let calm = serde_json::json!({
            "work_status": "外来と病棟", "sleep_average_minutes": 420, "fatigue_symptom": "II",
            "fatigue_score": 2, "mental_physical": "特記なし", "doctor_requests_interview": false
        });
        let (status, body) = call(
            &service,
            "POST",
            &format!("/api/v1/interviews/{a01}/precheck"),
            Some(&t("kato")),
            Some(calm.clone()),
        )
        .await;
        assert_eq!(status, 403, "only the manager records the pre-check: {body}");
        let (status, body) = call(
            &service,
            "POST",
            &format!("/api/v1/interviews/{a01}/precheck"),
            Some(&t("boss")),
            Some(calm.clone()),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["deadline"], "2024-07-05");
        let (_, body) = call(
            &service,
            "POST",
            &format!("/api/v1/interviews/{b02}/precheck"),
            Some(&t("boss")),
            Some(calm.clone()),
        )
        .await;
        assert_eq!(body["deadline"], "2024-06-27");
        let mut asks = calm.clone();
        asks["doctor_requests_interview"] = serde_json::json!(true);
        let (status, body) = call(
            &service,
            "POST",
            &format!("/api/v1/interviews/{b02}/precheck"),
            Some(&t("boss")),
            Some(asks),
        )
        .await;
        assert_eq!(
            (status, body["deadline"].clone()),
            (200, serde_json::json!("2024-06-27"))
        );
        let mut bad = calm.clone();
        bad["fatigue_symptom"] = serde_json::json!("V");
        let (status, body) = call(
            &service,
            "POST",
            &format!("/api/v1/interviews/{a01}/precheck"),
            Some(&t("boss")),
            Some(bad),
        )
        .await;
        assert_eq!(status, 400);
        assert!(body["message"].as_str().unwrap().contains("自覚症状"), "{body}");

        // The physician records the interview.
        let held = serde_json::json!({
            "held_on": "2024-06-20", "check_work": "当直が多い", "check_sleep": "平均6時間",
            "check_fatigue": "自覚症状II", "check_mental_physical": "問題なし", "opinion": "当直回数の削減が望ましい"
        });
        let (status, _) = call(
            &service,
            "POST",
            &format!("/api/v1/interviews/{a01}/record"),
            Some(&t("boss")),
            Some(held.clone()),
        )
        .await;
        assert_eq!(status, 403);
        let (status, body) = call(
            &service,
            "POST",
            &format!("/api/v1/interviews/{a01}/record"),
            Some(&t("kato")),
            Some(held.clone()),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["retention_until"], "2029-06-20");
        let (status, _) = call(
            &service,
            "POST",
            &format!("/api/v1/interviews/{a01}/record"),
            Some(&t("kato")),
            Some(held),
        )
        .await;
        assert_eq!(status, 409, "an interview is recorded once");

        // Health data: the doctor, the manager and the physician see it; HR does not.
        let (_, detail) = call(
            &service,
            "GET",
            &format!("/api/v1/interviews/{a01}"),
            Some(&t("aoki")),
            None,
        )
        .await;
        assert_eq!(detail["status"], "done");
        assert_eq!(detail["opinion"], "当直回数の削減が望ましい");
        assert_eq!(detail["prechecks"][0]["sleep_average_minutes"], 420);
        let (status, hr_view) = call(
            &service,
            "GET",
            &format!("/api/v1/interviews/{a01}"),
            Some(&t("jinji")),
            None,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(hr_view["status"], "done");
        for hidden in ["opinion", "prechecks", "check"] {
            assert!(hr_view.get(hidden).is_none(), "HR must not see {hidden}: {hr_view}");
        }
        let (status, _) = call(
            &service,
            "GET",
            &format!("/api/v1/interviews/{a01}"),
            Some(&t("other-boss")),
            None,
        )
        .await;
        assert_eq!(status, 404);

        // Measures: on the opinion for A01; over 155 h for C03, where a
        // measure that shortens hours is mandatory.
        let (_, ms) = call(
            &service,
            "GET",
            "/api/v1/measures?month=2024-06",
            Some(&t("boss")),
            None,
        )
        .await;
        let measures = ms["measures"].as_array().unwrap();
        let measure = |who: &str, reason: &str| {
            measures
                .iter()
                .find(|m| m["staff_id"] == who && m["reason"] == reason)
                .unwrap()["id"]
                .as_i64()
                .unwrap()
        };
        let on_opinion = measure("A01", "interview");
        let over_155 = measure("C03", "over_155");
        let nothing = serde_json::json!({"shorter_hours": false, "fewer_night_duties": false, "other": false});
        let (status, body) = call(
            &service,
            "POST",
            &format!("/api/v1/measures/{over_155}"),
            Some(&t("boss")),
            Some(nothing),
        )
        .await;
        assert_eq!(status, 400);
        assert!(body["message"].as_str().unwrap().contains("155"), "{body}");
        let other_only = serde_json::json!({"shorter_hours": false, "fewer_night_duties": false, "other": true, "other_text": "面談"});
        let (status, body) = call(
            &service,
            "POST",
            &format!("/api/v1/measures/{over_155}"),
            Some(&t("boss")),
            Some(other_only),
        )
        .await;
        assert_eq!(status, 400, "over 155 h the measure must shorten hours: {body}");
        let untold = serde_json::json!({"shorter_hours": true, "fewer_night_duties": true, "other": false});
        let (status, body) = call(
            &service,
            "POST",
            &format!("/api/v1/measures/{over_155}"),
            Some(&t("boss")),
            Some(untold),
        )
        .await;
        assert_eq!(status, 400, "what was done is required for every measure: {body}");
        assert!(body["message"].as_str().unwrap().contains("具体的内容"), "{body}");
        let shorten = serde_json::json!({"shorter_hours": true, "fewer_night_duties": true, "other": false, "other_text": "8月の当直を4回から2回に減らした"});
        let (status, body) = call(
            &service,
            "POST",
            &format!("/api/v1/measures/{over_155}"),
            Some(&t("other-boss")),
            Some(shorten.clone()),
        )
        .await;
        assert_eq!(status, 403, "{body}");
        let (status, body) = call(
            &service,
            "POST",
            &format!("/api/v1/measures/{over_155}"),
            Some(&t("boss")),
            Some(shorten),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["recorded"], true);
        let (status, _) = call(
            &service,
            "POST",
            &format!("/api/v1/measures/{over_155}"),
            Some(&t("boss")),
            Some(serde_json::json!({"shorter_hours": true, "fewer_night_duties": false, "other": false, "other_text": "再入力"})),
        )
        .await;
        assert_eq!(status, 409, "a recorded case is never changed in place");
        let fewer_nights = serde_json::json!({"shorter_hours": false, "fewer_night_duties": true, "other": false, "other_text": "宿直を月2回までとした"});
        let (status, _) = call(
            &service,
            "POST",
            &format!("/api/v1/measures/{on_opinion}"),
            Some(&t("boss")),
            Some(fewer_nights),
        )
        .await;
        assert_eq!(status, 200);

        // The doctor may ask for another physician; none other is trained.
        let (status, body) = call(
            &service,
            "POST",
            &format!("/api/v1/interviews/{c03}/reassign"),
            Some(&t("aoki")),
            None,
        )
        .await;
        assert_eq!(status, 404, "aoki is not C03: {body}");
        let (status, body) = call(
            &service,
            "POST",
            &format!("/api/v1/interviews/{c03}/reassign"),
            Some(&t("boss")),
            None,
        )
        .await;
        assert_eq!(status, 409, "{body}");
    }
}

#[test]
fn a_doctor_may_ask_for_another_trained_physician() {
    each_backend(|db| {
        hospital(db);
        add_people(
            db,
            &[Person {
                trained_on: Some("2024-02-01"),
                ..person("suzuki", Role::Physician)
            }],
        );
        let sink = SmtpSink::start();
        let s = settings(db, Some(&sink));
        run_daily(db, &s, "2024-06-14");
        let first = interviews(db).into_iter().find(|l| l.staff_id == "A01").unwrap();
        let before = first.physician_login.clone().unwrap();
        let mut conn = db.conn();
        let i = records::reassign(
            &mut conn,
            &s,
            first.id,
            date("2024-06-15").and_hms_opt(9, 0, 0).unwrap(),
        )
        .unwrap();
        drop(conn);
        let after = interviews(db)
            .into_iter()
            .find(|l| l.id == i.id)
            .unwrap()
            .physician_login
            .unwrap();
        assert_ne!(before, after);
        assert!(["kato", "suzuki"].contains(&after.as_str()));
    });
}

#[test]
fn the_commands_print_the_jobs_and_interviews_json_of_formats_md() {
    let db = TestDb::new(Backend::Sqlite);
    hospital(&db);
    let out = db.kinmu(&["jobs", "daily", "--as-of", "2024-06-14"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json = stdout_json(&out);
    assert_eq!(json["as_of"], "2024-06-14");
    assert_eq!(json["interviews_scheduled"], 3);
    for key in ["alerts_queued", "alerts_sent", "alerts_failed"] {
        assert!(json[key].is_u64(), "{key}: {json}");
    }
    let out = db.kinmu(&["interviews", "list", "--month", "2024-06", "--format", "json"]);
    assert!(out.status.success());
    let json = stdout_json(&out);
    assert_eq!(json["month"], "2024-06");
    let first = &json["interviews"][0];
    assert_eq!(first["staff_id"], "A01");
    assert_eq!(first["physician_login"], "kato");
    assert_eq!(first["deadline"], "2024-06-27");
    assert_eq!(first["reason"], "projected_over_100");
    // Today (2026) the June deadline has long passed, but A01's actual month
    // was below 100 h on the 14th: a reminder, not a violation (rules §8.5).
    assert_eq!(first["status"], "scheduled");
    assert_eq!(first["past_planning_deadline"], true);
    assert_eq!(first["reach_100_at"], serde_json::Value::Null);
    assert_eq!(first["interview_in_time"], serde_json::Value::Null);
    assert_eq!(first["a_level_exception"], "none");
    let c03 = json["interviews"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["staff_id"] == "C03")
        .unwrap();
    assert_eq!(c03["status"], "overdue", "{c03}");
    assert_eq!(c03["a_level_exception"], "not_applicable");
    assert!(
        c03["reach_100_at"].as_str().is_some_and(|m| m.starts_with("2024-06-")),
        "{c03}"
    );

    let out = std::process::Command::new(kinmu_bin())
        .args([
            "--database-url",
            &db.url,
            "users",
            "add",
            "--login",
            "x",
            "--role",
            "doctor",
            "--staff-id",
            "NOPE",
            "--password-stdin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b"Long-enough-secret-9\n")?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NOPE"));
}

#[test]
fn a_pre_check_recorded_before_the_interview_opens_gives_an_a_level_doctor_the_later_deadline() {
    each_backend(|db| {
        hospital(db);
        let s = settings(db, None);
        let june = kinmu::domain::YearMonth::parse("2024-06").unwrap();
        let calm = records::PreCheckInput {
            work_status: "外来".into(),
            sleep_average_minutes: 400,
            fatigue_symptom: "I".into(),
            fatigue_score: 1,
            mental_physical: "良好".into(),
            doctor_requests_interview: false,
        };
        let mut conn = db.conn();
        for staff_id in ["A01", "B02"] {
            let d = kinmu::db::queries::doctor_by_staff_id(&mut conn, staff_id)
                .unwrap()
                .unwrap();
            // The day before the daily run, long before 100 h.
            let before = date("2024-06-13").and_hms_opt(9, 0, 0).unwrap();
            let (check, deadline) = records::record_precheck(&mut conn, &s, &d, june, &calm, "boss", before).unwrap();
            assert_eq!(deadline, None, "no interview is open yet");
            assert_eq!(check.previous_month_minutes, 0, "computed by kinmu from May");
        }
        drop(conn);
        run_daily(db, &s, "2024-06-14");
        let lines = interviews(db);
        let deadline = |who: &str| lines.iter().find(|l| l.staff_id == who).unwrap().deadline;
        assert_eq!(deadline("A01"), date("2024-07-05"), "A: 100 h on the 28th + 7 days");
        assert_eq!(deadline("B02"), date("2024-06-27"), "B: never the exception");
    });
}

#[test]
fn the_monthly_check_records_who_passed_100_hours_and_whose_interview_is_missing() {
    each_backend(|db| {
        hospital(db);
        let sink = SmtpSink::start();
        let s = settings(db, Some(&sink));
        run_daily(db, &s, "2024-06-14");
        let mailer = Mailer::from_url(s.smtp_url.as_deref(), &s.mail_from).unwrap();
        let mut conn = db.conn();
        let check = kinmu::monitor::monthly::run(
            &mut conn,
            &s,
            &mailer,
            kinmu::domain::YearMonth::parse("2024-06").unwrap(),
            now(),
        )
        .unwrap();
        drop(conn);
        // Rows stop on the 14th: only C03 (every day 08:00–23:00) passed
        // 100 h — 4800 overtime + 1680 on two Sundays = 6480, not over 155 h.
        assert_eq!(check.over_100, vec!["C03".to_string()]);
        assert!(check.over_155.is_empty());
        assert_eq!(check.interview_missing, vec!["C03".to_string()]);
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM job_runs WHERE job = 'monthly' AND month = '2024-06'"),
            1
        );
        // C03's overdue mail went out with the daily run already: not twice.
        assert_eq!(check.alerts_queued, 0);
    });
}

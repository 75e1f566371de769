//! A doctor's own declarations on `/me/declarations` (rules §2.3 自己研鑽,
//! §5b.2 external rows) and HR's `/external-unreported` (§5b.5): stored as
//! ordinary timecard rows (unconfirmed, `created_by` the doctor's login, no
//! import batch) that count as imported rows do; refused field by field
//! with nothing written; only the doctor for themself; corrections and
//! withdrawals keep the old versions; hostile text escaped. Both backends.

use crate::helpers::*;
use chrono::NaiveDateTime;
use kinmu::accounts::Role;
use kinmu::db::queries;
use kinmu::ingest::ImportKind;

const HOSTILE: &str = "<script>alert(1)</script>";

/// A form's fields.
type Form<'a> = Vec<(&'a str, &'a str)>;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn a01(db: &TestDb) -> kinmu::month::DoctorMonth {
    db.report("2024-06", "2024-06-14")
        .doctors
        .into_iter()
        .find(|d| d.staff_id == "A01")
        .unwrap()
}

/// The current self-study rows of a doctor in June: (id, version).
fn current_study(db: &TestDb, staff_id: &str) -> Vec<(i64, i32)> {
    let mut conn = db.conn();
    let d = queries::doctor_by_staff_id(&mut conn, staff_id).unwrap().unwrap();
    queries::current_timecard(&mut conn, Some(&[d.id]), at("2024-06-01 00:00"), at("2024-07-01 00:00"))
        .unwrap()
        .into_iter()
        .filter(|(s, _, _)| s.kind == "self_study")
        .map(|(s, v, _)| (s.id, v))
        .collect()
}

fn self_study<'a>(
    csrf: &'a str,
    date: &'a str,
    start: &'a str,
    end: &'a str,
    note: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("kind", "self_study"),
        ("date", date),
        ("start", start),
        ("end", end),
        ("break_minutes", "0"),
        ("note", note),
    ]
}

/// The doctor's withdrawal of the declaration `row`.
async fn withdraw<S: Service>(b: &mut Browser<'_, S>, csrf: &str, row: &str) -> Page {
    b.post(
        "/me/declarations/withdraw",
        &[("csrf", csrf), ("row", row), ("month", "2024-06")],
    )
    .await
}

/// A declaration the doctor makes, accepted.
async fn declared<S: Service>(b: &mut Browser<'_, S>, form: Form<'_>) {
    let page = b.post("/me/declarations", &form).await;
    assert_eq!(page.status, 303, "{}", page.body);
}

/// The CSRF token of a doctor's declarations page.
async fn token<S: Service>(b: &mut Browser<'_, S>) -> String {
    let page = b.get("/me/declarations").await;
    assert_eq!(page.status, 200, "{}", page.body);
    hidden(&page.body, "csrf")
}

/// The row ids the doctor's list shows, in order.
fn listed(body: &str) -> Vec<i64> {
    body.match_indices(r#"data-row=""#)
        .filter_map(|(i, m)| body[i + m.len()..].split('"').next()?.parse().ok())
        .collect()
}

#[actix_web::test]
async fn a_declared_self_study_counts_until_the_superior_confirms_it() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let before = a01(&db);
        let service = db.spawn().await;
        let mut aoki = service.signed_in("aoki").await;
        let page = aoki.get("/me/declarations?month=2024-06").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains(r#"name="viewport""#));
        let csrf = hidden(&page.body, "csrf");
        let done = aoki
            .post(
                "/me/declarations",
                &self_study(&csrf, "2024-06-03", "22:00", "23:00", HOSTILE),
            )
            .await;
        assert_eq!(done.status, 303, "{backend:?}: {}", done.body);
        assert_eq!(
            done.location.as_deref(),
            Some("/me/declarations?month=2024-06&done=declared")
        );
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM timecard_rows WHERE kind = 'self_study' AND created_by = 'aoki' \
                 AND batch_id IS NULL AND version = 1 AND replaces_id IS NULL \
                 AND study_status = 'unconfirmed' AND confirmed_by IS NULL AND superseded_at IS NULL"
            ),
            1
        );
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'declare_self_study' AND actor = 'aoki'"
            ),
            1
        );
        // Unconfirmed and outside the schedule: counted as work.
        let declared = a01(&db);
        assert_eq!(
            declared.overtime_holiday_minutes,
            before.overtime_holiday_minutes + 60,
            "{backend:?}"
        );
        assert_eq!(declared.self_study_unconfirmed_rows, 1);

        // The doctor's list: unconfirmed, the note escaped.
        let list = aoki.get("/me/declarations?month=2024-06").await;
        assert!(list.body.contains(r#"data-status="unconfirmed""#), "{}", list.body);
        assert!(list.body.contains("未確認"));
        assert!(list.body.contains("&#60;script&#62;"), "{}", list.body);
        assert!(!list.body.contains(HOSTILE));

        // The manager sees it on /self-study, escaped, and confirms it.
        let mut boss = service.signed_in("boss").await;
        let page = boss.get("/self-study?month=2024-06").await;
        assert!(page.body.contains(r#"<b id="pending-count">1</b>"#), "{}", page.body);
        assert!(page.body.contains("&#60;script&#62;") && !page.body.contains(HOSTILE));
        let id = current_study(&db, "A01")[0].0.to_string();
        let csrf_boss = hidden(&page.body, "csrf");
        let confirmed = boss
            .post(
                "/self-study/decide",
                &[
                    ("csrf", &csrf_boss),
                    ("month", "2024-06"),
                    ("row", &id),
                    ("decision", "confirm"),
                    ("reason", "自主的な学習"),
                ],
            )
            .await;
        assert_eq!(confirmed.status, 303, "{}", confirmed.body);
        let after = a01(&db);
        assert_eq!(after.overtime_holiday_minutes, before.overtime_holiday_minutes);
        assert_eq!(after.self_study_excluded_minutes, 60);

        // Confirmed: no longer the doctor's to change.
        let list = aoki.get("/me/declarations?month=2024-06").await;
        assert!(list.body.contains(r#"data-status="confirmed""#), "{}", list.body);
        assert!(list.body.contains("自主的な学習"), "the superior's reason is shown");
        let new_id = listed(&list.body)[0].to_string();
        assert!(!list.body.contains("/me/declarations/withdraw"));
        let refused = withdraw(&mut aoki, &csrf, &new_id).await;
        assert_eq!(refused.status, 409, "{}", refused.body);
        let refused = withdraw(&mut aoki, &csrf, &id).await;
        assert_eq!(refused.status, 409, "an old version is no declaration to change");
        assert!(
            refused.body.contains("一覧から最新の申告を開いてください"),
            "{}",
            refused.body
        );
        assert_eq!(current_study(&db, "A01").len(), 1);
    }
}

#[actix_web::test]
async fn bad_input_is_refused_with_the_field_named_and_nothing_written() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let service = db.spawn().await;
        let mut aoki = service.signed_in("aoki").await;
        let csrf = token(&mut aoki).await;
        let counts = db.data_counts();
        let cases: [(Form, &str, &str); 5] = [
            (
                self_study(&csrf, "2024-06-03", "22:00", "21:00", ""),
                "end",
                "終了は開始より後にしてください",
            ),
            (self_study(&csrf, "2099-06-03", "22:00", "23:00", ""), "date", "日付は"),
            (
                self_study(&csrf, "2024-06-03", "9時", "23:00", ""),
                "start",
                "開始時刻を HH:MM",
            ),
            (
                [
                    self_study(&csrf, "2024-06-01", "09:00", "10:00", ""),
                    vec![("end_date", "2024-06-04")],
                ]
                .concat(),
                "end",
                "48時間以内",
            ),
            (
                vec![
                    ("csrf", csrf.as_str()),
                    ("kind", "external"),
                    ("date", "2024-06-08"),
                    ("start", "09:00"),
                    ("end", "17:00"),
                    ("employer", " "),
                    ("schedule_class", "scheduled"),
                ],
                "employer",
                "勤務先を入力するか選んでください",
            ),
        ];
        for (form, field, message) in &cases {
            let page = aoki.post("/me/declarations", form).await;
            assert_eq!(page.status, 400, "{backend:?} {field}: {}", page.body);
            assert!(
                page.body.contains(&format!(r#"data-field-error="{field}""#)),
                "{field}: {}",
                page.body
            );
            assert!(page.body.contains(message), "{message}: {}", page.body);
            assert!(page.body.contains("何も保存していません"));
        }
        assert_eq!(db.data_counts(), counts, "nothing written");

        // Overlapping the doctor's own declared self-study.
        declared(&mut aoki, self_study(&csrf, "2024-06-03", "22:00", "23:00", "")).await;
        let counts = db.data_counts();
        let page = aoki
            .post(
                "/me/declarations",
                &self_study(&csrf, "2024-06-03", "22:30", "23:30", ""),
            )
            .await;
        assert_eq!(page.status, 400);
        assert!(page.body.contains(r#"data-field-error="start""#), "{}", page.body);
        assert!(page.body.contains("申告済みの自己研鑽"));
        assert_eq!(db.data_counts(), counts);
        // An external row overlapping a clocked day here.
        let page = aoki
            .post(
                "/me/declarations",
                &[
                    ("csrf", csrf.as_str()),
                    ("kind", "external"),
                    ("date", "2024-06-04"),
                    ("start", "09:00"),
                    ("end", "12:00"),
                    ("employer", "B病院"),
                    ("schedule_class", "scheduled"),
                ],
            )
            .await;
        assert_eq!(page.status, 400);
        assert!(page.body.contains("記録済みの勤務と重なります"), "{}", page.body);
        assert_eq!(db.data_counts(), counts);

        // In English on the switch.
        aoki.get("/lang/en?next=/me/declarations").await;
        let page = aoki
            .post(
                "/me/declarations",
                &self_study(&csrf, "2024-06-05", "22:00", "21:00", ""),
            )
            .await;
        assert_eq!(page.status, 400);
        assert!(page.body.contains("the end must be after the start"), "{}", page.body);
        assert!(!page.body.contains("終了は開始より後"));
    }
}

#[actix_web::test]
async fn only_the_doctor_declares_and_only_for_themself() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        add_people(
            &db,
            &[Person {
                staff_id: Some("B02"),
                ..person("baba", Role::Doctor)
            }],
        );
        let service = db.spawn().await;
        let mut baba = service.signed_in("baba").await;
        let csrf_baba = token(&mut baba).await;
        declared(&mut baba, self_study(&csrf_baba, "2024-06-03", "22:00", "23:00", "")).await;
        let babas = current_study(&db, "B02");
        assert_eq!(babas.len(), 1);
        let babas_row = babas[0].0.to_string();

        // Other roles: 403 on every form and on the page.
        for login in ["jinji", "boss", "kato"] {
            let mut b = service.signed_in(login).await;
            let csrf = b.csrf(login).await;
            assert_eq!(b.get("/me/declarations").await.status, 403, "{login}");
            let p = b
                .post(
                    "/me/declarations",
                    &self_study(&csrf, "2024-06-04", "22:00", "23:00", ""),
                )
                .await;
            assert_eq!(p.status, 403, "{login} on {backend:?}");
            let p = withdraw(&mut b, &csrf, &babas_row).await;
            assert_eq!(p.status, 403, "{login}");
        }

        // Another doctor cannot withdraw or correct B02's declaration, and
        // a staff id in the form is not theirs to choose.
        let mut aoki = service.signed_in("aoki").await;
        let csrf = token(&mut aoki).await;
        let p = withdraw(&mut aoki, &csrf, &babas_row).await;
        assert_eq!(p.status, 404);
        let mut form = self_study(&csrf, "2024-06-05", "22:00", "23:00", "");
        form.push(("replaces", &babas_row));
        assert_eq!(aoki.post("/me/declarations", &form).await.status, 404);
        let mut form = self_study(&csrf, "2024-06-05", "22:00", "23:00", "");
        form.push(("staff_id", "B02"));
        assert_eq!(aoki.post("/me/declarations", &form).await.status, 303);
        assert_eq!(current_study(&db, "B02"), babas, "B02's rows untouched");
        assert_eq!(current_study(&db, "A01").len(), 1, "declared for A01 themself");
        // Nor does B02's declaration show on A01's list.
        let list = aoki.get("/me/declarations?month=2024-06").await;
        assert_eq!(listed(&list.body).len(), 1);
        // A forged CSRF token is refused.
        let p = aoki
            .post(
                "/me/declarations",
                &self_study("forged", "2024-06-06", "22:00", "23:00", ""),
            )
            .await;
        assert_eq!(p.status, 403);
    }
}

#[actix_web::test]
async fn a_correction_and_a_withdrawal_keep_the_old_versions() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let before = a01(&db);
        let service = db.spawn().await;
        let mut aoki = service.signed_in("aoki").await;
        let csrf = token(&mut aoki).await;
        declared(
            &mut aoki,
            self_study(&csrf, "2024-06-03", "22:00", "23:00", "抄読会の準備"),
        )
        .await;
        let first = current_study(&db, "A01")[0].0;

        // Correct it: the form comes prefilled, the new version replaces the old.
        let edit = aoki.get(&format!("/me/declarations?month=2024-06&edit={first}")).await;
        assert_eq!(edit.status, 200);
        assert_eq!(hidden(&edit.body, "replaces"), first.to_string());
        assert!(edit.body.contains("抄読会の準備"));
        let first_s = first.to_string();
        let mut form = self_study(&csrf, "2024-06-03", "22:00", "23:30", "抄読会の準備");
        form.push(("replaces", &first_s));
        let corrected = aoki.post("/me/declarations", &form).await;
        assert_eq!(corrected.status, 303, "{}", corrected.body);
        assert_eq!(
            corrected.location.as_deref(),
            Some("/me/declarations?month=2024-06&done=corrected")
        );
        let now = current_study(&db, "A01");
        assert_eq!(now.len(), 1);
        let (second, version) = now[0];
        assert_eq!(version, 2);
        assert_eq!(
            db.count_where(&format!(
                "SELECT COUNT(*) AS n FROM timecard_rows WHERE id = {first} AND superseded_at IS NOT NULL \
                 AND superseded_by = 'aoki' AND superseded_reason LIKE '本人による訂正%'"
            )),
            1
        );
        assert_eq!(
            db.count_where(&format!(
                "SELECT COUNT(*) AS n FROM timecard_rows WHERE id = {second} AND replaces_id = {first} \
                 AND created_by = 'aoki' AND study_status = 'unconfirmed'"
            )),
            1
        );
        assert_eq!(a01(&db).overtime_holiday_minutes, before.overtime_holiday_minutes + 90);
        // The superseded version can no longer be corrected: the form was
        // opened before the correction, and the page says so.
        let stale = aoki.post("/me/declarations", &form).await;
        assert_eq!(stale.status, 409, "{}", stale.body);
        assert!(
            stale.body.contains("一覧から最新の申告を開いてください"),
            "{}",
            stale.body
        );

        // Withdraw it: superseded, nothing after it, both versions kept.
        let withdrawn = withdraw(&mut aoki, &csrf, &second.to_string()).await;
        assert_eq!(withdrawn.status, 303, "{}", withdrawn.body);
        assert!(current_study(&db, "A01").is_empty());
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM timecard_rows WHERE kind = 'self_study' AND superseded_at IS NOT NULL"
            ),
            2
        );
        assert_eq!(a01(&db).overtime_holiday_minutes, before.overtime_holiday_minutes);
        for op in ["declare_self_study", "correct_declaration", "withdraw_declaration"] {
            assert_eq!(
                db.count_where(&format!("SELECT COUNT(*) AS n FROM audit_log WHERE operation = '{op}'")),
                1,
                "{op}"
            );
        }
        let list = aoki.get("/me/declarations?month=2024-06").await;
        assert!(list.body.contains(r#"data-status="withdrawn""#), "{}", list.body);
        assert!(!list.body.contains("/me/declarations/withdraw"));
    }
}

/// The doctors again, A01 now with a main employer elsewhere and B02 a
/// visiting doctor whose university's name is hostile.
const DOCTORS_ELSEWHERE: &str = "staff_id,name,level,email,manager_login,employment_type,main_employer\n\
A01,青木 一郎,A,a01@example.org,boss,full_time,A大学病院\n\
B02,馬場 二郎,B,b02@example.org,boss,visiting,<script>alert(2)</script>大学\n\
C03,千葉 三郎,C-1,c03@example.org,boss,,\n\
D04,土井 四郎,A,d04@example.org,other-boss,,\n";

#[actix_web::test]
async fn a_reported_external_row_counts_and_leaves_the_unreported_list() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        db.import_ok(ImportKind::Doctors, DOCTORS_ELSEWHERE.as_bytes());
        let before = a01(&db);
        assert!(before.external_not_reported);
        assert_eq!(before.external_minutes, 0);
        let service = db.spawn().await;

        // HR: the dashboard's badge links to the list, which names both.
        let mut jinji = service.signed_in("jinji").await;
        let board = jinji.get("/?month=2024-06").await;
        assert!(
            board.body.contains(r#"href="/external-unreported?month=2024-06""#),
            "{}",
            board.body
        );
        let list = jinji.get("/external-unreported?month=2024-06").await;
        assert_eq!(list.status, 200, "{}", list.body);
        assert!(list.body.contains(r#"data-staff="A01""#) && list.body.contains(r#"data-staff="B02""#));
        assert!(list.body.contains("A大学病院") && list.body.contains("外勤受入"));
        assert!(list.body.contains("&#60;script&#62;alert(2)") && !list.body.contains("<script>alert(2)"));
        // A manager sees their own doctors only.
        let mut other = service.signed_in("other-boss").await;
        let list = other.get("/external-unreported?month=2024-06").await;
        assert_eq!(list.status, 200);
        assert!(!list.body.contains(r#"data-staff="A01""#) && !list.body.contains(r#"data-staff="B02""#));

        // A01 reports a Saturday at the university (their main employer,
        // offered to choose), with a hostile employer typed instead.
        let mut aoki = service.signed_in("aoki").await;
        let page = aoki.get("/me/declarations?month=2024-06").await;
        assert!(page.body.contains(r#"<option value="A大学病院""#), "{}", page.body);
        let csrf = hidden(&page.body, "csrf");
        let employer = format!("{HOSTILE}病院");
        let done = aoki
            .post(
                "/me/declarations",
                &[
                    ("csrf", csrf.as_str()),
                    ("kind", "external"),
                    ("date", "2024-06-08"),
                    ("start", "09:00"),
                    ("end", "17:00"),
                    ("break_minutes", "60"),
                    ("employer", &employer),
                    ("employer_choice", "A大学病院"),
                    ("schedule_class", "extra"),
                ],
            )
            .await;
        assert_eq!(done.status, 303, "{backend:?}: {}", done.body);
        assert_eq!(
            db.count_where(
                "SELECT COUNT(*) AS n FROM timecard_rows WHERE kind = 'external' AND created_by = 'aoki' \
                 AND batch_id IS NULL AND schedule_class = 'extra' AND employer LIKE '%病院'"
            ),
            1
        );
        assert_eq!(
            db.count_where("SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'declare_external'"),
            1
        );
        let after = a01(&db);
        assert_eq!(after.external_minutes, 420);
        assert!(!after.external_not_reported);
        assert_eq!(after.total_work_minutes, before.total_work_minutes + 420);
        assert!(
            after.overtime_minutes > before.overtime_minutes,
            "the week's combined overtime rises: {} → {}",
            before.overtime_minutes,
            after.overtime_minutes
        );
        assert_eq!(after.own_total_work_minutes, before.own_total_work_minutes);

        let list = aoki.get("/me/declarations?month=2024-06").await;
        assert!(list.body.contains(r#"data-status="reported""#), "{}", list.body);
        assert!(list.body.contains("所定外"));
        assert!(list.body.contains("&#60;script&#62;") && !list.body.contains(HOSTILE));

        let list = jinji.get("/external-unreported?month=2024-06").await;
        assert!(!list.body.contains(r#"data-staff="A01""#), "{}", list.body);
        assert!(list.body.contains(r#"data-staff="B02""#));
    }
}

#[actix_web::test]
async fn the_api_declares_lists_and_withdraws_for_the_doctor_only() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let service = db.spawn().await;
        let token = service.token("aoki").await;
        let post = |body: serde_json::Value| {
            actix_web::test::TestRequest::post()
                .uri("/api/v1/me/declarations")
                .set_json(body)
        };
        let counts = db.data_counts();
        let (status, body) = service
            .call(
                post(serde_json::json!({"kind": "self_study", "date": "2024-06-03", "start": "22:00", "end": "21:00"})),
                Some(&token),
            )
            .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["error"], "invalid");
        assert!(
            body["message"].as_str().unwrap().starts_with("end: 終了は開始より後"),
            "{body}"
        );
        assert!(body["message_en"]
            .as_str()
            .unwrap()
            .contains("the end must be after the start"));
        assert_eq!(db.data_counts(), counts);

        let (status, body) = service
            .call(
                post(
                    serde_json::json!({"kind": "self_study", "date": "2024-06-03", "start": "22:00", "end": "23:00",
                    "break_minutes": 0, "note": HOSTILE}),
                ),
                Some(&token),
            )
            .await;
        assert_eq!(status, 200, "{backend:?}: {body}");
        let id = body["id"].as_i64().unwrap();
        let (status, list) = service
            .get_json("/api/v1/me/declarations?month=2024-06", Some(&token))
            .await;
        assert_eq!(status, 200);
        let rows = list["declarations"].as_array().unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["id"], id);
        assert_eq!(rows[0]["status"], "unconfirmed");
        assert_eq!(rows[0]["note"], HOSTILE);
        assert_eq!(rows[0]["changeable"], true);

        // HR may not declare, nor withdraw a doctor's declaration.
        let hr = service.token("jinji").await;
        let (status, _) = service
            .call(
                post(serde_json::json!({"kind": "self_study", "date": "2024-06-04", "start": "22:00", "end": "23:00"})),
                Some(&hr),
            )
            .await;
        assert_eq!(status, 403);
        let withdraw =
            |id: i64| actix_web::test::TestRequest::post().uri(&format!("/api/v1/me/declarations/{id}/withdraw"));
        assert_eq!(service.call(withdraw(id), Some(&hr)).await.0, 403);

        let (status, body) = service.call(withdraw(id), Some(&token)).await;
        assert_eq!((status, body["withdrawn"].as_i64()), (200, Some(id)));
        assert_eq!(service.call(withdraw(id), Some(&token)).await.0, 409);
        assert!(current_study(&db, "A01").is_empty());
    }
}

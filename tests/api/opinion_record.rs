//! The 面接指導 record on the MHLW form (issue 13 §5-6), on both backends:
//! the physician's structured opinion (意見書) confirmed, saved with the
//! minute it was held, shown to those who may see health data, and printed
//! on the manager's pack (the administrator's only where the hospital
//! allows it); refused fields named; corrections as addenda that keep the
//! original; one measures case per doctor-month.

use crate::helpers::*;
use kinmu::db::opinions::{addenda_of, opinion_of};
use kinmu::domain::YearMonth;
use kinmu::monitor::records;
use serde_json::json;

/// The physician's form for A01's June interview: restricted work with
/// limits, held at 14:35 on 20 June.
fn opinion_form(csrf: &str) -> Vec<(&str, &str)> {
    vec![
        ("csrf", csrf),
        ("held_at", "2024-06-20T14:35"),
        ("check_work", "当直が月8回"),
        ("check_sleep", "平均5時間半"),
        ("check_fatigue", "自覚症状III"),
        ("check_mental_physical", "抑うつ傾向なし"),
        ("guidance", "reinterview"),
        ("reinterview_when", "3か月後"),
        ("work_class", "restricted"),
        ("overtime_limit_hours", "60"),
        ("night_duty_limit", "2"),
        ("fewer_late_night", "1"),
        ("period_from", "2024-07-01"),
        ("period_until", "2024-09-30"),
        ("environment", "当直体制の見直し<script>"),
        ("opinion", "特記事項なし"),
    ]
}

fn with<'a>(mut form: Vec<(&'a str, &'a str)>, key: &'a str, value: &'a str) -> Vec<(&'a str, &'a str)> {
    form.retain(|(k, _)| *k != key);
    form.push((key, value));
    form
}

fn at(s: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

/// Records A01's interview through the screens (「確認」 then 「確定」).
async fn record_a01<S: Service>(service: &TestApp<S>, a01: i64) {
    let mut kato = service.signed_in("kato").await;
    let csrf = kato.csrf("kato").await;
    let form = opinion_form(&csrf);
    let saved = kato
        .post(&format!("/interviews/{a01}/record"), &with(form, "step", "save"))
        .await;
    assert_eq!(saved.status, 303, "{}", &saved.body[..saved.body.len().min(600)]);
}

#[actix_web::test]
async fn the_physician_confirms_then_saves_the_structured_opinion_held_to_the_minute() {
    for backend in backends() {
        let db = TestDb::new(backend);
        june(&db);
        let a01 = interview_of(&db, "A01");
        let service = db.spawn().await;
        let mut kato = service.signed_in("kato").await;
        let page = kato.get(&format!("/interviews/{a01}")).await;
        assert!(
            page.body.contains(r#"type="datetime-local" name="held_at""#),
            "date and time"
        );
        assert!(
            page.body.contains(r#"id="month-figures""#),
            "the month's figures beside the form"
        );
        assert!(page.body.contains(r#"data-figure="actual""#));
        let csrf = hidden(&page.body, "csrf");

        // 「確認」: what will be saved, nothing stored yet.
        let confirm = kato
            .post(&format!("/interviews/{a01}/record"), &opinion_form(&csrf))
            .await;
        assert_eq!(confirm.status, 200, "{backend:?}");
        assert!(confirm.body.contains(r#"id="record-confirm""#));
        assert!(confirm
            .body
            .contains("時間外・休日労働の上限 60時間/月、宿直の回数の上限 2回/月"));
        assert!(confirm.body.contains("要再面接（時期: 3か月後）"));
        let (i, _, _, _) = records::interview(&mut db.conn(), a01).unwrap();
        assert_eq!(i.held_on, None, "the confirmation saves nothing");

        // A time in the future is refused next to its field.
        let future = kato
            .post(
                &format!("/interviews/{a01}/record"),
                &with(opinion_form(&csrf), "held_at", "2099-01-01T10:00"),
            )
            .await;
        assert_eq!(future.status, 400);
        assert!(
            future.body.contains(r#"data-error="held_at">実施日時が未来です"#),
            "{backend:?}"
        );

        // 「確定」.
        record_a01(&service, a01).await;
        let mut conn = db.conn();
        let (i, _, _, _) = records::interview(&mut conn, a01).unwrap();
        assert_eq!(i.held_at, Some(at("2024-06-20 14:35")), "to the minute");
        assert_eq!(i.held_on, Some(date("2024-06-20")));
        let o = opinion_of(&mut conn, a01).unwrap().expect("the opinion is stored");
        assert_eq!(
            (
                o.work_class.as_str(),
                o.overtime_limit_hours,
                o.night_duty_limit,
                o.fewer_late_night
            ),
            ("restricted", Some(60), Some(2), 1)
        );
        assert_eq!(o.period_until, Some(date("2024-09-30")));
        assert_eq!(o.physician_login, "kato");
        assert_eq!(o.retention_until, date("2029-06-20"), "kept five years like the record");

        let page = kato.get(&format!("/interviews/{a01}")).await;
        assert!(page.body.contains("2024-06-20 14:35"));
        assert!(page.body.contains(r#"data-opinion="work_class">就業制限・配慮"#));
        assert!(page.body.contains("当直体制の見直し&#60;script&#62;") && !page.body.contains("見直し<script>"));
        assert!(!page.body.contains(r#"id="record-form""#), "saved once");
        // The doctor and the manager see it; HR and the administrator never.
        for (login, sees) in [("aoki", true), ("boss", true), ("jinji", false), ("admin", false)] {
            let mut b = service.signed_in(login).await;
            let page = b.get(&format!("/interviews/{a01}")).await;
            assert_eq!(page.status, 200, "{login}");
            assert_eq!(page.body.contains("時間外・休日労働の上限 60時間/月"), sees, "{login}");
        }
        // The API shows the same to the physician, nothing to HR.
        let token = service.token("kato").await;
        let (status, body) = service
            .get_json(&format!("/api/v1/interviews/{a01}"), Some(&token))
            .await;
        assert_eq!(status, 200);
        assert_eq!(body["held_at"], json!("2024-06-20T14:35"));
        assert_eq!(body["opinion_form"]["work_class"], json!("restricted"));
        assert_eq!(body["opinion_form"]["overtime_limit_hours"], json!(60));
        let token = service.token("jinji").await;
        let (_, body) = service
            .get_json(&format!("/api/v1/interviews/{a01}"), Some(&token))
            .await;
        assert!(body.get("opinion_form").is_none(), "{body}");
    }
}

#[actix_web::test]
async fn refused_fields_are_named_next_to_the_field_and_in_the_api_and_nothing_is_stored() {
    for backend in backends() {
        let db = TestDb::new(backend);
        june(&db);
        let a01 = interview_of(&db, "A01");
        let service = db.spawn().await;
        let mut kato = service.signed_in("kato").await;
        let csrf = kato.csrf("kato").await;
        let uri = format!("/interviews/{a01}/record");
        let cases: [(&str, &str, &str); 4] = [
            ("overtime_limit_hours", "500", "overtime_limit_hours"),
            ("period_until", "2024-06-01", "period_until"),
            ("reinterview_when", "", "reinterview_when"),
            ("night_duty_limit", "abc", "night_duty_limit"),
        ];
        for (key, value, field) in cases {
            let page = kato.post(&uri, &with(opinion_form(&csrf), key, value)).await;
            assert_eq!(page.status, 400, "{key}={value}");
            assert!(
                page.body.contains(&format!(r#"data-error="{field}""#)),
                "{key}={value}: {}",
                page.body
            );
        }
        // Restricted work without any limit or measure.
        let mut bare = opinion_form(&csrf);
        bare.retain(|(k, _)| !matches!(*k, "overtime_limit_hours" | "night_duty_limit" | "fewer_late_night"));
        let page = kato.post(&uri, &bare).await;
        assert_eq!(page.status, 400);
        assert!(page.body.contains(r#"data-error="work_class">就業制限・配慮には"#));

        let token = service.token("kato").await;
        let req = actix_web::test::TestRequest::post()
            .uri(&format!("/api/v1/interviews/{a01}/record"))
            .set_json(json!({
                "held_at": "2024-06-20T10:00", "check_work": "", "check_sleep": "", "check_fatigue": "",
                "check_mental_physical": "",
                "opinion_form": { "guidance": "none", "work_class": "restricted", "overtime_limit_hours": 500,
                                  "period_from": "2024-07-01" },
            }));
        let (status, body) = service.call(req, Some(&token)).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.to_string().contains("overtime_limit_hours"), "{body}");
        let mut conn = db.conn();
        let (i, _, _, _) = records::interview(&mut conn, a01).unwrap();
        assert_eq!(i.held_on, None, "nothing stored");
        assert!(opinion_of(&mut conn, a01).unwrap().is_none());
    }
}

#[actix_web::test]
async fn a_correction_is_a_dated_addendum_and_the_original_stays() {
    for backend in backends() {
        let db = TestDb::new(backend);
        june(&db);
        let a01 = interview_of(&db, "A01");
        let service = db.spawn().await;
        record_a01(&service, a01).await;
        let mut kato = service.signed_in("kato").await;
        let csrf = kato.csrf("kato").await;
        let uri = format!("/interviews/{a01}/addenda");
        let no_reason = kato
            .post(
                &uri,
                &[
                    ("csrf", &csrf),
                    ("field", "working_time"),
                    ("new_value", "上限45時間/月"),
                ],
            )
            .await;
        assert_eq!(no_reason.status, 400);
        assert!(no_reason.body.contains(r#"data-error="reason""#));
        let fields = [
            ("csrf", csrf.as_str()),
            ("field", "working_time"),
            ("new_value", "時間外・休日労働の上限 45時間/月"),
            ("reason", "記入誤り"),
        ];
        // The first press shows what will be recorded, and writes nothing.
        let asked = kato.post(&uri, &fields).await;
        assert_eq!(asked.status, 200, "{}", asked.body);
        assert!(asked.body.contains("追記の確認"));
        assert!(asked.body.contains("削除も変更もできません"));
        assert!(asked.body.contains("45時間/月"));
        assert!(!kato.get(&format!("/interviews/{a01}")).await.body.contains("記入誤り"));
        let mut confirmed = fields.to_vec();
        confirmed.push(("go", "1"));
        let added = kato.post(&uri, &confirmed).await;
        assert_eq!(added.status, 303, "{}", added.body);
        // The manager may read but not add.
        let mut boss = service.signed_in("boss").await;
        let boss_csrf = boss.csrf("boss").await;
        let refused = boss
            .post(
                &uri,
                &[
                    ("csrf", &boss_csrf),
                    ("field", "note"),
                    ("new_value", "x"),
                    ("reason", "y"),
                ],
            )
            .await;
        assert_eq!(refused.status, 403);

        let mut conn = db.conn();
        let o = opinion_of(&mut conn, a01).unwrap().unwrap();
        assert_eq!(o.overtime_limit_hours, Some(60), "the original is never changed");
        let list = addenda_of(&mut conn, "interview", a01).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(
            list[0].old_value.as_deref(),
            Some("時間外・休日労働の上限 60時間/月、宿直の回数の上限 2回/月")
        );
        assert_eq!(
            (list[0].written_by.as_str(), list[0].reason.as_str()),
            ("kato", "記入誤り")
        );
        let page = boss.get(&format!("/interviews/{a01}")).await;
        assert!(page.body.contains(r#"data-addendum="working_time""#));
        assert!(page.body.contains("時間外・休日労働の上限 45時間/月") && page.body.contains("60時間/月"));
        let entries: Vec<String> = kinmu::audit::entries(&mut conn, &kinmu::audit::Filter::default(), 1000, 0)
            .unwrap()
            .into_iter()
            .map(|e| e.operation)
            .collect();
        assert!(entries.iter().any(|o| o == "interview_record"), "{entries:?}");
        assert!(entries.iter().any(|o| o == "record_addendum"), "{entries:?}");
        // The API answers the addenda too.
        let token = service.token("kato").await;
        let (_, body) = service
            .get_json(&format!("/api/v1/interviews/{a01}"), Some(&token))
            .await;
        assert_eq!(body["addenda"][0]["field"], json!("working_time"));
        assert_eq!(body["addenda"][0]["reason"], json!("記入誤り"));
    }
}

#[actix_web::test]
async fn the_opinion_reaches_the_managers_pack_and_the_administrators_only_where_allowed() {
    for backend in backends() {
        let db = TestDb::new(backend);
        june(&db);
        let a01 = interview_of(&db, "A01");
        let service = db.spawn().await;
        record_a01(&service, a01).await;
        let pack = "/print/pack?fy=2024&from=2024-06-01&to=2024-06-30";
        let mut boss = service.signed_in("boss").await;
        let page = boss.get(pack).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(r#"data-opinion-page="A01""#), "{backend:?}");
        assert!(page.body.contains("時間外・休日労働の上限 60時間/月"));
        assert!(
            page.body.contains("当直が月8回"),
            "the manager's pack carries the check items"
        );

        let mut admin = service.signed_in("admin").await;
        let page = admin.get(pack).await;
        assert_eq!(page.status, 200);
        assert!(
            !page.body.contains("data-opinion-page"),
            "not without the hospital's policy"
        );
        assert!(!page.body.contains("時間外・休日労働の上限 60時間/月"));
        assert!(page.body.contains("記録あり"));

        let mut app = db.app();
        app = kinmu::app::App::with_pool(
            kinmu::config::Settings {
                administrator_sees_opinions: true,
                ..app.settings.clone()
            },
            app.database.clone(),
            app.pool.clone(),
        );
        let allowed = spawn_with(app).await;
        let mut admin = allowed.signed_in("admin").await;
        let page = admin.get(pack).await;
        assert!(page.body.contains(r#"data-opinion-page="A01""#));
        assert!(page.body.contains("時間外・休日労働の上限 60時間/月"));
        assert!(!page.body.contains("当直が月8回"), "the check items stay withheld");

        // The API's pack says the same.
        let api = "/api/v1/inspection?fy=2024&from=2024-06-01&to=2024-06-30";
        let token = service.token("admin").await;
        let (status, body) = service.get_json(api, Some(&token)).await;
        assert_eq!(status, 200);
        assert_eq!(body["opinions"], json!([]), "not without the hospital's policy");
        let token = allowed.token("admin").await;
        let (_, body) = allowed.get_json(api, Some(&token)).await;
        assert_eq!(body["opinions"][0]["staff_id"], json!("A01"));
        assert!(!body["opinions"].to_string().contains("当直が月8回"));
        let token = service.token("boss").await;
        let (_, body) = service.get_json(api, Some(&token)).await;
        let rows = body["opinions"][0]["rows"].to_string();
        assert!(rows.contains("時間外・休日労働の上限 60時間/月"), "{rows}");
        assert!(body["opinions"][0]["checks"].to_string().contains("当直が月8回"));
    }
}

#[test]
fn the_setting_is_read_from_the_inspection_section_and_off_by_default() {
    let s = kinmu::config::Settings::load_with(None, &|_| None).unwrap();
    assert!(!s.administrator_sees_opinions);
    let s = kinmu::config::Settings::load_with(None, &|k| {
        (k == "KINMU_INSPECTION_ADMINISTRATOR_SEES_OPINIONS").then(|| "true".to_string())
    })
    .unwrap();
    assert!(s.administrator_sees_opinions);
}

#[actix_web::test]
async fn one_measures_case_per_doctor_month_keeps_both_reasons_and_takes_addenda() {
    for backend in backends() {
        let db = TestDb::new(backend);
        let s = prepared(&db);
        let june = YearMonth::parse("2024-06").unwrap();
        let c03: Vec<_> = records::list_measures(&mut db.conn(), june)
            .unwrap()
            .into_iter()
            .filter(|(_, d)| d.staff_id == "C03")
            .map(|(m, _)| m)
            .collect();
        assert_eq!(c03.len(), 1, "one case: {c03:?}");
        assert_eq!(
            (c03[0].reason.as_str(), c03[0].extra_reason.as_deref()),
            ("over_155", Some("interview"))
        );
        assert!(c03[0].interview_id.is_some(), "linked to the interview");
        // The daily job again opens nothing more.
        run_daily(&db, &s, "2024-06-28");
        let again = records::list_measures(&mut db.conn(), june)
            .unwrap()
            .into_iter()
            .filter(|(_, d)| d.staff_id == "C03")
            .count();
        assert_eq!(again, 1);

        let service = db.spawn().await;
        let token = service.token("boss").await;
        let (_, body) = service.get_json("/api/v1/measures?month=2024-06", Some(&token)).await;
        let lines: Vec<&serde_json::Value> = body["measures"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["staff_id"] == json!("C03"))
            .collect();
        assert_eq!(lines.len(), 1, "{body}");
        assert_eq!(lines[0]["extra_reason"], json!("interview"));

        // An addendum of the recorded case keeps what was written.
        let id = c03[0].id;
        let req = actix_web::test::TestRequest::post()
            .uri(&format!("/api/v1/measures/{id}/addenda"))
            .set_json(json!({ "field": "other_text", "new_value": "外来担当の削減（週2コマ）", "reason": "具体化" }));
        let (status, body) = service.call(req, Some(&token)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["old_value"], json!("外来担当の削減"));
        let m = records::list_measures(&mut db.conn(), june)
            .unwrap()
            .into_iter()
            .find(|(m, _)| m.id == id)
            .unwrap()
            .0;
        assert_eq!(m.other_text.as_deref(), Some("外来担当の削減"), "the original stays");
        let kato = service.token("kato").await;
        let req = actix_web::test::TestRequest::post()
            .uri(&format!("/api/v1/measures/{id}/addenda"))
            .set_json(json!({ "field": "note", "new_value": "x", "reason": "y" }));
        assert_eq!(service.call(req, Some(&kato)).await.0, 403, "only the manager");
        let mut boss = service.signed_in("boss").await;
        let page = boss.get("/measures?month=2024-06").await;
        assert!(page.body.contains(r#"data-addendum="other_text""#));
        assert!(page.body.contains("外来担当の削減（週2コマ）"));
    }
}

#[actix_web::test]
async fn the_purge_takes_the_opinion_and_its_addenda_with_their_interview_when_its_retention_ends() {
    for backend in backends() {
        let db = TestDb::new(backend);
        june(&db);
        let a01 = interview_of(&db, "A01");
        let service = db.spawn().await;
        record_a01(&service, a01).await;
        let mut kato = service.signed_in("kato").await;
        let csrf = kato.csrf("kato").await;
        let added = kato
            .post(
                &format!("/interviews/{a01}/addenda"),
                &[
                    ("csrf", &csrf),
                    ("field", "note"),
                    ("new_value", "追記"),
                    ("reason", "補足"),
                    ("go", "1"),
                ],
            )
            .await;
        assert_eq!(added.status, 303);
        let mut conn = db.conn();
        // The manager records the measures on 25 June (kept until 2029-06-25).
        let june = YearMonth::parse("2024-06").unwrap();
        let (m, _) = records::list_measures(&mut conn, june)
            .unwrap()
            .into_iter()
            .find(|(m, _)| m.interview_id == Some(a01))
            .unwrap();
        let taken = records::MeasureInput {
            shorter_hours: true,
            fewer_night_duties: false,
            other: false,
            other_text: Some("外来を減らした".into()),
        };
        records::record_measures(&mut conn, m.id, &taken, "boss", at("2024-06-25 10:00")).unwrap();
        // The day its five years end, everything stays.
        kinmu::records::purge(
            &mut conn,
            &Default::default(),
            date("2029-06-20"),
            false,
            Some("admin"),
            at("2029-06-20 06:00"),
        )
        .unwrap();
        assert!(opinion_of(&mut conn, a01).unwrap().is_some());
        // Once the measures referring to it are gone too, the interview goes
        // with its opinion and addenda (no foreign key left dangling).
        let r = kinmu::records::purge(
            &mut conn,
            &Default::default(),
            date("2029-06-26"),
            false,
            Some("admin"),
            at("2029-06-26 06:00"),
        )
        .unwrap();
        assert!(r.interviews >= 1, "{r:?}");
        assert!(opinion_of(&mut conn, a01).unwrap().is_none());
        assert!(addenda_of(&mut conn, "interview", a01).unwrap().is_empty());
    }
}

//! The screens: sign-in with cookies and CSRF, and the route × role matrix
//! (a role never sees a page it should not).

use crate::helpers::*;
use actix_web::test;

#[actix_web::test]
async fn signing_in_sets_a_strict_http_only_cookie_and_a_bad_password_is_refused_in_japanese() {
    let db = TestDb::new(Backend::Sqlite);
    hospital(&db);
    let service = db.spawn().await;
    let mut b = service.browser();
    let page = b.get("/").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location.as_deref(), Some("/login?next=/"));
    let refused = b.sign_in("jinji", "wrong password").await;
    assert_eq!(refused.status, 401);
    assert!(
        refused.body.contains("ログインIDまたはパスワードが違います"),
        "{}",
        refused.body
    );

    // The cookie's attributes, read off the raw response.
    let form = b.get("/login").await;
    let csrf = hidden(&form.body, "csrf");
    let req = test::TestRequest::post()
        .uri("/login")
        .insert_header(("Cookie", b.cookie_header()))
        .set_form([
            ("login", "jinji"),
            ("password", PASSWORD),
            ("csrf", csrf.as_str()),
            ("next", "/doctors/A01"),
        ])
        .to_request();
    let resp = test::call_service(&service, req).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers().get("location").unwrap(), "/doctors/A01");
    let set_cookie: Vec<String> = resp
        .headers()
        .get_all("set-cookie")
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let session = set_cookie.iter().find(|c| c.starts_with("kinmu_session=")).unwrap();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict"),
        "{session}"
    );

    // A sign-in form without its token is refused.
    let mut other = service.browser();
    let forged = other
        .post(
            "/login",
            &[
                ("login", "jinji"),
                ("password", PASSWORD),
                ("csrf", "forged"),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);
}

#[actix_web::test]
async fn sign_out_needs_the_csrf_token_and_ends_the_session() {
    let db = TestDb::new(Backend::Sqlite);
    hospital(&db);
    let service = db.spawn().await;
    let mut b = service.signed_in("jinji").await;
    let home = b.get("/").await;
    assert_eq!(home.status, 200);
    assert_eq!(b.post("/logout", &[("csrf", "nope")]).await.status, 403);
    let csrf = hidden(&home.body, "csrf");
    assert_eq!(b.post("/logout", &[("csrf", &csrf)]).await.status, 303);
    assert_eq!(b.get("/").await.status, 303, "signed out");
}

#[actix_web::test]
async fn every_route_answers_each_role_as_the_role_rules_say() {
    for backend in backends() {
        let db = TestDb::new(backend);
        hospital(&db);
        let s = settings(&db, None);
        run_daily(&db, &s, "2024-06-14");
        let service = db.spawn().await;
        // 200 shown, 303 redirected, 403 not for this role, 404 not theirs to see.
        let routes = [
            "/?month=2024-06",
            "/doctors/A01?month=2024-06",
            "/doctors/D04?month=2024-06",
            "/me",
            "/imports",
            "/imports/layouts",
            "/discrepancies?month=2024-06",
            "/interviews?month=2024-06",
            "/measures?month=2024-06",
            "/me/selfcheck",
            "/print",
            "/interviews/manage?month=2024-06",
            "/self-study?month=2024-06",
            "/me/declarations",
            "/external-unreported?month=2024-06",
        ];
        let expected: [(&str, [u16; 15]); 7] = [
            (
                "jinji",
                [
                    200, 200, 200, 403, 200, 200, 200, 403, 403, 403, 200, 200, 200, 403, 200,
                ],
            ),
            (
                "boss",
                [
                    200, 200, 404, 403, 403, 403, 200, 200, 200, 403, 200, 403, 200, 403, 200,
                ],
            ),
            (
                "other-boss",
                [
                    200, 404, 200, 403, 403, 403, 200, 200, 200, 403, 200, 403, 200, 403, 200,
                ],
            ),
            (
                "kato",
                [
                    303, 200, 404, 403, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403,
                ],
            ),
            (
                "untrained",
                [
                    303, 404, 404, 403, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403,
                ],
            ),
            (
                "aoki",
                [
                    303, 200, 404, 303, 403, 403, 403, 403, 403, 200, 403, 403, 403, 200, 403,
                ],
            ),
            ("", [303; 15]),
        ];
        for (login, statuses) in expected {
            let mut b = service.browser_of(login).await;
            for (route, want) in routes.iter().zip(statuses) {
                let page = b.get(route).await;
                assert_eq!(
                    page.status,
                    want,
                    "{login} {route} on {backend:?}: {}",
                    &page.body[..page.body.len().min(300)]
                );
            }
        }
    }
}

#[actix_web::test]
async fn the_dashboard_shows_each_doctors_state_and_a_manager_only_their_doctors() {
    let db = TestDb::new(Backend::Sqlite);
    hospital(&db);
    run_daily(&db, &settings(&db, None), "2024-06-14");
    let service = db.spawn().await;
    let mut hr = service.signed_in("jinji").await;
    let page = hr.get("/?month=2024-06&as_of=2024-06-14").await;
    assert_eq!(page.status, 200);
    for (staff, class) in [("A01", "projected"), ("C03", "over100"), ("D04", "")] {
        assert!(
            page.body
                .contains(&format!(r#"<tr class="{class}" data-staff-id="{staff}">"#)),
            "{staff} should be {class:?}"
        );
    }
    assert!(page.body.contains("50:00"), "A01's 3000 minutes shown as H:MM");
    let sorted = hr.get("/?month=2024-06&as_of=2024-06-14&sort=oh&desc=true").await;
    let first = sorted.body.find("data-staff-id=").unwrap();
    assert!(
        sorted.body[first..].starts_with(r#"data-staff-id="C03""#),
        "C03 has the most hours"
    );
    let filtered = hr.get("/?month=2024-06&level=B").await;
    assert!(filtered.body.contains(r#"data-staff-id="B02""#) && !filtered.body.contains(r#"data-staff-id="A01""#));

    let mut other = service.signed_in("other-boss").await;
    let page = other.get("/?month=2024-06").await;
    assert!(page.body.contains(r#"data-staff-id="D04""#));
    assert!(!page.body.contains(r#"data-staff-id="A01""#), "not their doctor");
}

#[actix_web::test]
async fn a_doctors_page_shows_health_data_to_the_doctor_and_never_to_hr() {
    use kinmu::monitor::records;
    let db = TestDb::new(Backend::Sqlite);
    hospital(&db);
    let s = settings(&db, None);
    run_daily(&db, &s, "2024-06-14");
    {
        let mut conn = db.conn();
        let june = kinmu::domain::YearMonth::parse("2024-06").unwrap();
        let i = records::list_interviews(&mut conn, june, date("2024-06-14"))
            .unwrap()
            .into_iter()
            .find(|l| l.staff_id == "A01")
            .unwrap();
        let input = records::InterviewInput {
            held_on: Some(date("2024-06-20")),
            check_work: "外来".into(),
            check_sleep: "6時間".into(),
            check_fatigue: "II".into(),
            check_mental_physical: "良好".into(),
            opinion: "当直の削減が望ましい<script>".into(),
            ..Default::default()
        };
        records::record_interview(
            &mut conn,
            i.id,
            &input,
            "kato",
            date("2024-06-20").and_hms_opt(12, 0, 0).unwrap(),
        )
        .unwrap();
    }
    let service = db.spawn().await;
    let mut doctor = service.signed_in("aoki").await;
    let me = doctor.get("/me").await;
    assert_eq!(me.location.as_deref(), Some("/doctors/A01"));
    let page = doctor.get("/doctors/A01?month=2024-06&as_of=2024-06-14").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("当直の削減が望ましい&#60;script&#62;") && !page.body.contains("<script>"),
        "opinion shown, escaped: {}",
        &page.body[page.body.find("<h2>面接指導").unwrap_or(0)..]
    );
    assert!(
        page.body.contains("<svg") && page.body.contains(">100時間</text>"),
        "charts are there"
    );
    let mut hr = service.signed_in("jinji").await;
    let page = hr.get("/doctors/A01?month=2024-06").await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("当直の削減が望ましい"), "HR never sees the opinion");
    assert!(page.body.contains("実施済"), "HR sees that the interview was held");
}

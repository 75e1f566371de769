//! The JSON API, in process (actix-web's test service over the real routes).

use crate::helpers::*;
use actix_web::{test, web};
use kinmu::accounts::Role;
use kinmu::ingest::ImportKind;

/// Signs in through the API and returns the bearer token.
async fn token(
    service: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    login: &str,
) -> String {
    let req = test::TestRequest::post()
        .uri("/api/v1/sessions")
        .set_json(serde_json::json!({"login": login, "password": PASSWORD}))
        .to_request();
    let body: serde_json::Value = test::call_and_read_body_json(service, req).await;
    body["token"].as_str().unwrap().to_string()
}

async fn get(
    service: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    uri: &str,
    token: Option<&str>,
) -> (u16, serde_json::Value) {
    let mut req = test::TestRequest::get().uri(uri);
    if let Some(t) = token {
        req = req.insert_header(("Authorization", format!("Bearer {t}")));
    }
    let resp = test::call_service(service, req.to_request()).await;
    let status = resp.status().as_u16();
    let body = test::read_body(resp).await;
    (status, serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null))
}

#[actix_web::test]
async fn the_monthly_api_returns_the_same_json_as_the_report_command_to_those_who_may_see_it() {
    for backend in backends() {
        let db = TestDb::new(backend);
        db.import_ok(ImportKind::Doctors, &read_sample("worked-doctors.csv"));
        db.import_ok(ImportKind::Timecard, &read_sample("worked-timecard.csv"));
        db.add_user("jinji", Role::Hr, None, None);
        db.add_user("boss", Role::Manager, None, None);
        db.add_user("x1", Role::Doctor, Some("X1"), None);
        let service = test::init_service(kinmu::web::application(web::Data::new(db.app()))).await;
        let uri = "/api/v1/reports/monthly?month=2024-06&as_of=2024-06-30";
        let (status, body) = get(&service, uri, Some(&token(&service, "jinji").await)).await;
        assert_eq!(status, 200);
        let expected: serde_json::Value = serde_json::from_slice(&read_sample("worked-expected-2024-06.json")).unwrap();
        assert_eq!(body, expected, "on {backend:?}");
        // A manager sees only their doctors (none here); a doctor not at all.
        let (status, body) = get(&service, uri, Some(&token(&service, "boss").await)).await;
        assert_eq!((status, body["doctors"].as_array().unwrap().len()), (200, 0));
        let (status, _) = get(&service, uri, Some(&token(&service, "x1").await)).await;
        assert_eq!(status, 403);
        let (status, body) = get(&service, uri, None).await;
        assert_eq!(status, 401);
        assert_eq!(body["error"], "unauthorized");
    }
}

#[actix_web::test]
async fn a_bad_month_is_a_400_with_a_japanese_message_and_a_stable_code() {
    let db = TestDb::new(Backend::Sqlite);
    db.add_user("jinji", Role::Hr, None, None);
    let service = test::init_service(kinmu::web::application(web::Data::new(db.app()))).await;
    let (status, body) = get(
        &service,
        "/api/v1/reports/monthly?month=2024-13",
        Some(&token(&service, "jinji").await),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "bad_month");
    assert!(body["message"].as_str().unwrap().contains("YYYY-MM"));
    assert!(body["message_en"].as_str().is_some());
}

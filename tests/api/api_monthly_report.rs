//! The JSON API, in process (actix-web's test service over the real routes).

use crate::helpers::*;
use kinmu::accounts::Role;
use kinmu::ingest::ImportKind;

#[actix_web::test]
async fn the_monthly_api_returns_the_same_json_as_the_report_command_to_those_who_may_see_it() {
    for backend in backends() {
        let db = TestDb::new(backend);
        db.import_ok(ImportKind::Doctors, &read_sample("worked-doctors.csv"));
        db.import_ok(ImportKind::Timecard, &read_sample("worked-timecard.csv"));
        db.add_user("jinji", Role::Hr, None, None);
        db.add_user("boss", Role::Manager, None, None);
        db.add_user("x1", Role::Doctor, Some("X1"), None);
        let service = db.spawn().await;
        let uri = "/api/v1/reports/monthly?month=2024-06&as_of=2024-06-30";
        let (status, body) = service.get_json(uri, Some(&service.token("jinji").await)).await;
        assert_eq!(status, 200);
        let expected: serde_json::Value = serde_json::from_slice(&read_sample("worked-expected-2024-06.json")).unwrap();
        assert_contains(&body, &expected, &format!("{backend:?}"));
        // A manager sees only their doctors (none here); a doctor not at all.
        let (status, body) = service.get_json(uri, Some(&service.token("boss").await)).await;
        assert_eq!((status, body["doctors"].as_array().unwrap().len()), (200, 0));
        let (status, _) = service.get_json(uri, Some(&service.token("x1").await)).await;
        assert_eq!(status, 403);
        let (status, body) = service.get_json(uri, None).await;
        assert_eq!(status, 401);
        assert_eq!(body["error"], "unauthorized");
    }
}

#[actix_web::test]
async fn a_bad_month_is_a_400_with_a_japanese_message_and_a_stable_code() {
    let db = TestDb::new(Backend::Sqlite);
    db.add_user("jinji", Role::Hr, None, None);
    let service = db.spawn().await;
    let token = service.token("jinji").await;
    let (status, body) = service
        .get_json("/api/v1/reports/monthly?month=2024-13", Some(&token))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "bad_month");
    assert!(body["message"].as_str().unwrap().contains("YYYY-MM"));
    assert!(body["message_en"].as_str().is_some());
}
